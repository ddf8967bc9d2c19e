/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "beacon-board"

#include "config.h"

#include "beacon-board-queries.h"
#include "beacon-store-private.h"

/**
 * beacon_store_list_closed_since:
 *
 * Returns: (transfer full): the ids of the tickets closed (last changed while
 *   closed) at or after @since, or %NULL with @error set
 */
GStrv
beacon_store_list_closed_since (BeaconStore  *self,
                                gint64        since,
                                GError      **error)
{
  g_autoptr(GStrvBuilder) ids = g_strv_builder_new ();
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (BEACON_IS_STORE (self), NULL);

  _beacon_store_lock (self);
  stmt = _beacon_store_prepare (self,
                                "SELECT id FROM tickets WHERE is_open = 0 AND updated_at >= ? "
                                "AND number IS NOT NULL",
                                error);
  if (stmt == NULL)
    {
      _beacon_store_unlock (self);
      return NULL;
    }

  sqlite3_bind_int64 (stmt, 1, since);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_strv_builder_add (ids, (const char *) sqlite3_column_text (stmt, 0));
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      _beacon_store_set_sqlite_error (self, error, "listing the tickets closed today");
      _beacon_store_unlock (self);
      return NULL;
    }
  _beacon_store_unlock (self);

  return g_strv_builder_end (ids);
}

static void
append_like (GString    *pattern,
             const char *term)
{
  g_string_append_c (pattern, '%');
  for (const char *p = term; *p; p++)
    {
      if (*p == '%' || *p == '_' || *p == '\\')
        g_string_append_c (pattern, '\\');
      g_string_append_c (pattern, *p);
    }
  g_string_append_c (pattern, '%');
}

/**
 * beacon_store_search_board:
 * @text: words that must all appear (number, customer, site, summary,
 *   symptoms or notes), as in beacon_store_search_tickets()
 * @closed_ids: (nullable): closed tickets on the board (closed today), which count too
 *
 * The board's search: like beacon_store_search_tickets(), but only over the
 * tickets on the board, so a two-character Chinese query (which the trigram
 * index cannot answer) scans thousands of rows, not the whole history.
 *
 * Returns: (transfer full): the set of matching ticket ids, or %NULL with
 *   @error set
 */
GHashTable *
beacon_store_search_board (BeaconStore        *self,
                           const char         *text,
                           const char * const *closed_ids,
                           GError            **error)
{
  g_autoptr(GHashTable) ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GPtrArray) patterns = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GString) sql = g_string_new (NULL);
  g_autoptr(GString) spaced = g_string_new (text ? text : "");
  g_auto(GStrv) terms = NULL;
  g_autoptr(GString) closed_json = g_string_new ("[");
  sqlite3_stmt *stmt = NULL;
  int rc;

  g_return_val_if_fail (BEACON_IS_STORE (self), NULL);

  /* Ticket ids are UUIDs: nothing to escape. */
  for (guint i = 0; closed_ids != NULL && closed_ids[i] != NULL; i++)
    g_string_append_printf (closed_json, "%s\"%s\"", i > 0 ? "," : "", closed_ids[i]);
  g_string_append_c (closed_json, ']');

  g_string_replace (spaced, "\u3000", " ", 0);
  terms = g_strsplit_set (spaced->str, " \t\n", -1);
  for (guint i = 0; terms[i] != NULL; i++)
    {
      GString *pattern;

      if (*terms[i] == '\0')
        continue;
      pattern = g_string_new (NULL);
      append_like (pattern, terms[i]);
      g_ptr_array_add (patterns, g_string_free (pattern, FALSE));
    }

  /* Two halves, each led by an index (CROSS JOIN keeps that order): the open
   * tickets, and the few closed ones the board shows, by id. */
  for (guint half = 0; half < 2; half++)
    {
      if (half == 1)
        g_string_append (sql, " UNION ALL ");
      g_string_append (sql, "SELECT t.id FROM tickets t CROSS JOIN ticket_search s ON s.rowid = t.rowid WHERE ");
      g_string_append (sql, half == 0 ? "t.is_open = 1 AND ?1 IS NOT NULL"
                                      : "t.id IN (SELECT value FROM json_each (?1))");
      for (guint i = 0; i < patterns->len; i++)
        g_string_append_printf (sql,
                                " AND (s.number LIKE ?%1$u ESCAPE '\\' OR s.customer LIKE ?%1$u ESCAPE '\\'"
                                " OR s.site LIKE ?%1$u ESCAPE '\\' OR s.summary LIKE ?%1$u ESCAPE '\\'"
                                " OR s.symptoms LIKE ?%1$u ESCAPE '\\' OR s.notes LIKE ?%1$u ESCAPE '\\')",
                                i + 2);
    }

  _beacon_store_lock (self);
  if (sqlite3_prepare_v2 (_beacon_store_get_db (self), sql->str, -1, &stmt, NULL) != SQLITE_OK)
    {
      _beacon_store_set_sqlite_error (self, error, "searching the board");
      _beacon_store_unlock (self);
      return NULL;
    }

  sqlite3_bind_text (stmt, 1, closed_json->str, -1, SQLITE_STATIC);
  for (guint i = 0; i < patterns->len; i++)
    sqlite3_bind_text (stmt, i + 2, g_ptr_array_index (patterns, i), -1, SQLITE_STATIC);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_hash_table_add (ids, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    {
      _beacon_store_set_sqlite_error (self, error, "searching the board");
      _beacon_store_unlock (self);
      return NULL;
    }
  _beacon_store_unlock (self);

  return g_steal_pointer (&ids);
}

/**
 * beacon_store_list_site_history:
 * @except_ticket_id: (nullable): a ticket to leave out (the one being viewed)
 *
 * Returns: (transfer full): the ids of the site's latest tickets, newest
 *   first, at most @limit; %NULL with @error set
 */
GStrv
beacon_store_list_site_history (BeaconStore  *self,
                                const char   *site_id,
                                const char   *except_ticket_id,
                                guint         limit,
                                GError      **error)
{
  g_autoptr(GStrvBuilder) ids = g_strv_builder_new ();
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (BEACON_IS_STORE (self), NULL);

  _beacon_store_lock (self);
  stmt = _beacon_store_prepare (self,
                                "SELECT id FROM tickets WHERE site_id = ? AND id != ? "
                                "AND number IS NOT NULL ORDER BY accepted_at DESC LIMIT ?",
                                error);
  if (stmt == NULL)
    {
      _beacon_store_unlock (self);
      return NULL;
    }

  sqlite3_bind_text (stmt, 1, site_id ? site_id : "", -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, except_ticket_id ? except_ticket_id : "", -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 3, limit);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_strv_builder_add (ids, (const char *) sqlite3_column_text (stmt, 0));
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      _beacon_store_set_sqlite_error (self, error, "listing the site’s tickets");
      _beacon_store_unlock (self);
      return NULL;
    }
  _beacon_store_unlock (self);

  return g_strv_builder_end (ids);
}
