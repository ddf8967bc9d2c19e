/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "beacon-store"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "beacon-json.h"
#include "beacon-store-private.h"
#include "beacon-ticket.h"

static const char * const editable_fields[] = {
  "summary", "symptoms", "contact", "system", "assignees", "fault_at", "channel", NULL,
};

/**
 * beacon_ticket_editable_fields:
 *
 * Returns: (transfer none): the ticket fields that can be changed after intake
 */
const char * const *
beacon_ticket_editable_fields (void)
{
  return editable_fields;
}

void
beacon_event_free (BeaconEvent *event)
{
  if (event == NULL)
    return;

  g_free (event->id);
  g_free (event->ticket_id);
  g_free (event->author);
  g_free (event->note);
  g_free (event->payload);
  g_free (event->device);
  g_free (event);
}

void
beacon_ticket_free (BeaconTicket *ticket)
{
  if (ticket == NULL)
    return;

  g_free (ticket->id);
  g_free (ticket->number);
  g_free (ticket->customer_id);
  g_free (ticket->customer);
  g_free (ticket->site_id);
  g_free (ticket->site);
  g_free (ticket->system_id);
  g_free (ticket->system);
  g_free (ticket->contact_id);
  g_free (ticket->contact);
  g_free (ticket->contact_phone);
  g_free (ticket->channel);
  g_free (ticket->symptoms);
  g_free (ticket->summary);
  g_strfreev (ticket->assignee_ids);
  g_strfreev (ticket->assignees);
  g_clear_pointer (&ticket->events, g_ptr_array_unref);
  g_free (ticket);
}

/* Projection of one ticket ------------------------------------------------ */

static int
level_from_payload (const char *payload)
{
  g_autoptr(JsonNode) node = beacon_json_parse (payload, NULL);

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return 0;
  return (int) json_object_get_int_member_with_default (json_node_get_object (node), "level", 0);
}

/*
 * Derives what the events say (stage, current level) and rewrites the
 * ticket's search row. Called once per ticket per transaction.
 */
gboolean
_beacon_store_refresh_ticket (BeaconStore  *self,
                              const char   *ticket_id,
                              GError      **error)
{
  g_autoptr(GArray) types = g_array_new (FALSE, FALSE, sizeof (BeaconEventType));
  g_autoptr(GString) notes = g_string_new (NULL);
  sqlite3_stmt *stmt;
  gint64 rowid = 0;
  gint64 updated_at = 0;
  int initial_level = 0;
  int level = 0;
  BeaconStage stage;
  int rc;

  stmt = _beacon_store_prepare (self, "INSERT OR IGNORE INTO tickets (id) VALUES (?)", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, ticket_id, -1, SQLITE_STATIC);
  sqlite3_step (stmt);
  sqlite3_reset (stmt);

  stmt = _beacon_store_prepare (self, "SELECT initial_level FROM tickets WHERE id = ?", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, ticket_id, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    initial_level = sqlite3_column_int (stmt, 0);
  sqlite3_reset (stmt);
  level = initial_level;

  stmt = _beacon_store_prepare (self,
                                "SELECT type, occurred_at, note, payload FROM ticket_events "
                                "WHERE ticket_id = ? ORDER BY occurred_at, hlc, device",
                                error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, ticket_id, -1, SQLITE_STATIC);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      const char *note = (const char *) sqlite3_column_text (stmt, 2);
      BeaconEventType type;

      updated_at = MAX (updated_at, sqlite3_column_int64 (stmt, 1));

      if (note != NULL && *note != '\0')
        {
          if (notes->len > 0)
            g_string_append_c (notes, '\n');
          g_string_append (notes, note);
        }

      /* Event types from a newer Beacon do not move the stage. */
      if (!beacon_event_type_from_string ((const char *) sqlite3_column_text (stmt, 0), &type))
        continue;

      g_array_append_val (types, type);

      if (type == BEACON_EVENT_LEVEL_CHANGED)
        {
          int new_level = level_from_payload ((const char *) sqlite3_column_text (stmt, 3));

          if (new_level >= BEACON_LEVEL_MIN && new_level <= BEACON_LEVEL_MAX)
            level = new_level;
        }
    }
  sqlite3_reset (stmt);

  stage = beacon_stage_from_events ((BeaconEventType *) (gpointer) types->data, types->len);

  stmt = _beacon_store_prepare (self,
                                "UPDATE tickets SET stage = ?, is_open = ?, level = ?, updated_at = ? "
                                "WHERE id = ? RETURNING rowid",
                                error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, beacon_stage_to_string (stage), -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 2, stage != BEACON_STAGE_CLOSED);
  if (level > 0)
    sqlite3_bind_int (stmt, 3, level);
  else
    sqlite3_bind_null (stmt, 3);
  sqlite3_bind_int64 (stmt, 4, updated_at);
  sqlite3_bind_text (stmt, 5, ticket_id, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    rowid = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);

  stmt = _beacon_store_prepare (self, "DELETE FROM ticket_search WHERE rowid = ?", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, rowid);
  sqlite3_step (stmt);
  sqlite3_reset (stmt);

  stmt = _beacon_store_prepare (self,
                                "INSERT INTO ticket_search "
                                "(rowid, number, customer, site, summary, symptoms, notes) "
                                "SELECT t.rowid, t.number, c.name, s.name, t.summary, t.symptoms, ? "
                                "FROM tickets t "
                                "LEFT JOIN customers c ON c.id = t.customer_id "
                                "LEFT JOIN sites s ON s.id = t.site_id "
                                "WHERE t.rowid = ?",
                                error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, notes->str, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, rowid);
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);

  if (rc != SQLITE_DONE)
    {
      _beacon_store_set_sqlite_error (self, error, "updating the search index");
      return FALSE;
    }

  return _beacon_store_refresh_metrics (self, ticket_id, error);
}

/* Reading ----------------------------------------------------------------- */

#define TICKET_COLUMNS \
  "t.id, t.number, t.kind, t.level, t.initial_level, t.customer_id, c.name, t.site_id, s.name, " \
  "t.system_id, y.name, t.contact_id, k.name, k.phone, t.channel, t.accepted_at, t.fault_at, " \
  "t.symptoms, t.summary, t.assignees, t.stage, t.updated_at "

#define TICKET_JOINS \
  "FROM tickets t " \
  "LEFT JOIN customers c ON c.id = t.customer_id " \
  "LEFT JOIN sites s ON s.id = t.site_id " \
  "LEFT JOIN systems y ON y.id = t.system_id " \
  "LEFT JOIN contacts k ON k.id = t.contact_id "

static GHashTable *
load_user_names (BeaconStore *self)
{
  GHashTable *names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  sqlite3_stmt *stmt = _beacon_store_prepare (self, "SELECT id, name FROM users", NULL);

  if (stmt == NULL)
    return names;

  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_hash_table_insert (names, _beacon_sql_dup_text (stmt, 0), _beacon_sql_dup_text (stmt, 1));
  sqlite3_reset (stmt);

  return names;
}

static GStrv
parse_id_list (const char *json_text)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autoptr(JsonNode) node = json_text ? beacon_json_parse (json_text, NULL) : NULL;

  if (node != NULL && JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          const char *id = json_array_get_string_element (array, i);

          if (id != NULL)
            g_strv_builder_add (builder, id);
        }
    }

  return g_strv_builder_end (builder);
}

static BeaconTicket *
ticket_from_row (sqlite3_stmt *stmt,
                 GHashTable   *user_names)
{
  BeaconTicket *ticket = g_new0 (BeaconTicket, 1);
  g_autoptr(GStrvBuilder) names = g_strv_builder_new ();
  const char *kind = (const char *) sqlite3_column_text (stmt, 2);
  const char *stage = (const char *) sqlite3_column_text (stmt, 20);

  ticket->id = _beacon_sql_dup_text (stmt, 0);
  ticket->number = _beacon_sql_dup_text (stmt, 1);
  if (!beacon_kind_from_string (kind, &ticket->kind))
    ticket->kind = BEACON_KIND_FAULT;
  ticket->level = sqlite3_column_int (stmt, 3);
  ticket->initial_level = sqlite3_column_int (stmt, 4);
  ticket->customer_id = _beacon_sql_dup_text (stmt, 5);
  ticket->customer = _beacon_sql_dup_text (stmt, 6);
  ticket->site_id = _beacon_sql_dup_text (stmt, 7);
  ticket->site = _beacon_sql_dup_text (stmt, 8);
  ticket->system_id = _beacon_sql_dup_text (stmt, 9);
  ticket->system = _beacon_sql_dup_text (stmt, 10);
  ticket->contact_id = _beacon_sql_dup_text (stmt, 11);
  ticket->contact = _beacon_sql_dup_text (stmt, 12);
  ticket->contact_phone = _beacon_sql_dup_text (stmt, 13);
  ticket->channel = _beacon_sql_dup_text (stmt, 14);
  ticket->accepted_at = sqlite3_column_int64 (stmt, 15);
  ticket->fault_at = sqlite3_column_int64 (stmt, 16);
  ticket->symptoms = _beacon_sql_dup_text (stmt, 17);
  ticket->summary = _beacon_sql_dup_text (stmt, 18);
  ticket->assignee_ids = parse_id_list ((const char *) sqlite3_column_text (stmt, 19));
  if (!beacon_stage_from_string (stage, &ticket->stage))
    ticket->stage = BEACON_STAGE_NEW;
  ticket->updated_at = sqlite3_column_int64 (stmt, 21);

  for (guint i = 0; ticket->assignee_ids[i] != NULL; i++)
    {
      const char *name = g_hash_table_lookup (user_names, ticket->assignee_ids[i]);

      g_strv_builder_add (names, name ? name : ticket->assignee_ids[i]);
    }
  ticket->assignees = g_strv_builder_end (names);

  return ticket;
}

static GPtrArray *
load_events (BeaconStore *self,
             const char  *ticket_id,
             GHashTable  *user_names)
{
  GPtrArray *events = g_ptr_array_new_with_free_func ((GDestroyNotify) beacon_event_free);
  sqlite3_stmt *stmt;

  stmt = _beacon_store_prepare (self,
                                "SELECT id, type, occurred_at, recorded_at, author, note, payload, "
                                "hlc, device FROM ticket_events WHERE ticket_id = ? "
                                "ORDER BY occurred_at, hlc, device",
                                NULL);
  if (stmt == NULL)
    return events;

  sqlite3_bind_text (stmt, 1, ticket_id, -1, SQLITE_STATIC);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      BeaconEvent *event = g_new0 (BeaconEvent, 1);
      const char *author = (const char *) sqlite3_column_text (stmt, 4);
      const char *name = author ? g_hash_table_lookup (user_names, author) : NULL;

      event->id = _beacon_sql_dup_text (stmt, 0);
      event->ticket_id = g_strdup (ticket_id);
      if (!beacon_event_type_from_string ((const char *) sqlite3_column_text (stmt, 1), &event->type))
        event->type = BEACON_EVENT_NOTE;
      event->occurred_at = sqlite3_column_int64 (stmt, 2);
      event->recorded_at = sqlite3_column_int64 (stmt, 3);
      event->author = g_strdup (name ? name : author ? author : "");
      event->note = _beacon_sql_dup_text (stmt, 5);
      event->payload = _beacon_sql_dup_text (stmt, 6);
      event->hlc = sqlite3_column_int64 (stmt, 7);
      event->device = _beacon_sql_dup_text (stmt, 8);
      g_ptr_array_add (events, event);
    }
  sqlite3_reset (stmt);

  return events;
}

static BeaconTicket *
find_ticket_locked (BeaconStore  *self,
                    const char   *number_or_id,
                    gboolean      with_events,
                    GError      **error)
{
  g_autoptr(GHashTable) user_names = NULL;
  BeaconTicket *ticket = NULL;
  sqlite3_stmt *stmt;

  stmt = _beacon_store_prepare (self,
                                "SELECT " TICKET_COLUMNS TICKET_JOINS
                                "WHERE t.number = ?1 OR t.id = ?1 LIMIT 1",
                                error);
  if (stmt == NULL)
    return NULL;

  user_names = load_user_names (self);

  sqlite3_bind_text (stmt, 1, number_or_id, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW && sqlite3_column_type (stmt, 1) != SQLITE_NULL)
    ticket = ticket_from_row (stmt, user_names);
  sqlite3_reset (stmt);

  if (ticket == NULL)
    {
      g_set_error (error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_NOT_FOUND,
                   _("There is no ticket “%s”"), number_or_id);
      return NULL;
    }

  if (with_events)
    ticket->events = load_events (self, ticket->id, user_names);

  return ticket;
}

/**
 * beacon_store_get_ticket:
 * @number_or_id: a ticket number such as `FS-20261127-A3F9-0042`, or its UUID
 * @with_events: whether to load the timeline too
 *
 * Returns: (transfer full): the ticket, or %NULL with @error set
 */
BeaconTicket *
beacon_store_get_ticket (BeaconStore  *self,
                         const char   *number_or_id,
                         gboolean      with_events,
                         GError      **error)
{
  BeaconTicket *ticket;

  g_return_val_if_fail (BEACON_IS_STORE (self), NULL);
  g_return_val_if_fail (number_or_id != NULL, NULL);

  _beacon_store_lock (self);
  ticket = find_ticket_locked (self, number_or_id, with_events, error);
  _beacon_store_unlock (self);

  return ticket;
}

/**
 * beacon_store_list_tickets:
 * @open_only: leave out closed tickets
 *
 * Returns: (transfer full) (element-type BeaconTicket): tickets, newest first,
 *   without their events
 */
GPtrArray *
beacon_store_list_tickets (BeaconStore  *self,
                           gboolean      open_only,
                           GError      **error)
{
  g_autoptr(GPtrArray) tickets = g_ptr_array_new_with_free_func ((GDestroyNotify) beacon_ticket_free);
  g_autoptr(GHashTable) user_names = NULL;
  sqlite3_stmt *stmt;

  g_return_val_if_fail (BEACON_IS_STORE (self), NULL);

  _beacon_store_lock (self);

  stmt = _beacon_store_prepare (self,
                                open_only
                                ? "SELECT " TICKET_COLUMNS TICKET_JOINS
                                  "WHERE t.is_open = 1 AND t.number IS NOT NULL "
                                  "ORDER BY t.accepted_at DESC, t.number DESC"
                                : "SELECT " TICKET_COLUMNS TICKET_JOINS
                                  "WHERE t.number IS NOT NULL "
                                  "ORDER BY t.accepted_at DESC, t.number DESC",
                                error);
  if (stmt == NULL)
    {
      _beacon_store_unlock (self);
      return NULL;
    }

  user_names = load_user_names (self);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_ptr_array_add (tickets, ticket_from_row (stmt, user_names));
  sqlite3_reset (stmt);

  _beacon_store_unlock (self);

  return g_steal_pointer (&tickets);
}

static void
list_tickets_thread (GTask        *task,
                     gpointer      source_object,
                     gpointer      task_data,
                     GCancellable *cancellable)
{
  GError *error = NULL;
  GPtrArray *tickets;

  tickets = beacon_store_list_tickets (source_object, GPOINTER_TO_INT (task_data), &error);
  if (tickets == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, tickets, (GDestroyNotify) g_ptr_array_unref);
}

/**
 * beacon_store_list_tickets_async:
 *
 * Lists tickets in a worker thread, so a window never waits on the disk.
 */
void
beacon_store_list_tickets_async (BeaconStore         *self,
                                 gboolean             open_only,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (BEACON_IS_STORE (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, beacon_store_list_tickets_async);
  g_task_set_task_data (task, GINT_TO_POINTER (open_only), NULL);
  g_task_run_in_thread (task, list_tickets_thread);
}

/**
 * beacon_store_list_tickets_finish:
 *
 * Returns: (transfer full) (element-type BeaconTicket): the tickets
 */
GPtrArray *
beacon_store_list_tickets_finish (BeaconStore   *self,
                                  GAsyncResult  *result,
                                  GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
append_like_term (GString    *pattern,
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

static GPtrArray *
search_tickets (BeaconStore  *self,
                const char   *text,
                gboolean      open_only,
                guint         limit,
                GError      **error)
{
  g_autoptr(GPtrArray) tickets = g_ptr_array_new_with_free_func ((GDestroyNotify) beacon_ticket_free);
  g_autoptr(GHashTable) user_names = NULL;
  g_autoptr(GString) match = g_string_new (NULL);
  g_autoptr(GString) sql = g_string_new (NULL);
  g_autoptr(GPtrArray) likes = g_ptr_array_new_with_free_func (g_free);
  g_auto(GStrv) terms = NULL;
  sqlite3_stmt *stmt = NULL;
  int index = 1;

  g_return_val_if_fail (BEACON_IS_STORE (self), NULL);

  {
    /* The ideographic space (U+3000) separates words too; split on bytes
     * only after turning it into a plain one. */
    g_autoptr(GString) spaced = g_string_new (text ? text : "");

    g_string_replace (spaced, "\u3000", " ", 0);
    terms = g_strsplit_set (spaced->str, " \t\n", -1);
  }

  for (guint i = 0; terms[i] != NULL; i++)
    {
      g_autofree char *term = g_strstrip (g_strdup (terms[i]));

      if (*term == '\0')
        continue;

      if (g_utf8_strlen (term, -1) >= 3)
        {
          if (match->len > 0)
            g_string_append_c (match, ' ');
          g_string_append_c (match, '"');
          for (const char *p = term; *p; p++)
            {
              if (*p == '"')
                g_string_append_c (match, '"');
              g_string_append_c (match, *p);
            }
          g_string_append_c (match, '"');
        }
      else
        {
          GString *pattern = g_string_new (NULL);

          append_like_term (pattern, term);
          g_ptr_array_add (likes, g_string_free (pattern, FALSE));
        }
    }

  if (match->len == 0 && likes->len == 0)
    return g_steal_pointer (&tickets);

  g_string_append (sql, "SELECT " TICKET_COLUMNS TICKET_JOINS "WHERE t.rowid IN "
                        "(SELECT rowid FROM ticket_search WHERE 1");
  /* The board searches open tickets. Without a trigram to narrow them, short
   * words scan text: look only at open tickets' rows then. */
  if (open_only && match->len == 0)
    g_string_append (sql, " AND rowid IN (SELECT rowid FROM tickets WHERE is_open = 1)");
  if (match->len > 0)
    g_string_append_printf (sql, " AND ticket_search MATCH ?%d", index++);
  for (guint i = 0; i < likes->len; i++, index++)
    g_string_append_printf (sql,
                            " AND (number LIKE ?%1$d ESCAPE '\\' OR customer LIKE ?%1$d ESCAPE '\\'"
                            " OR site LIKE ?%1$d ESCAPE '\\' OR summary LIKE ?%1$d ESCAPE '\\'"
                            " OR symptoms LIKE ?%1$d ESCAPE '\\' OR notes LIKE ?%1$d ESCAPE '\\')",
                            index);
  g_string_append_printf (sql, ")%s ORDER BY t.is_open DESC, t.accepted_at DESC LIMIT %u",
                          open_only ? " AND t.is_open = 1" : "", limit > 0 ? limit : 200);

  _beacon_store_lock (self);

  if (sqlite3_prepare_v2 (_beacon_store_get_db (self), sql->str, -1, &stmt, NULL) != SQLITE_OK)
    {
      _beacon_store_set_sqlite_error (self, error, "searching");
      _beacon_store_unlock (self);
      return NULL;
    }

  index = 1;
  if (match->len > 0)
    sqlite3_bind_text (stmt, index++, match->str, -1, SQLITE_STATIC);
  for (guint i = 0; i < likes->len; i++)
    sqlite3_bind_text (stmt, index++, g_ptr_array_index (likes, i), -1, SQLITE_STATIC);

  user_names = load_user_names (self);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_ptr_array_add (tickets, ticket_from_row (stmt, user_names));
  sqlite3_finalize (stmt);

  _beacon_store_unlock (self);

  return g_steal_pointer (&tickets);
}

/**
 * beacon_store_search_tickets:
 * @text: words to find in the number, customer, site, summary, symptoms or notes
 * @limit: the most to return; 0 for 200
 *
 * Every word must appear. Words of three or more characters use the trigram
 * index; shorter ones (two Chinese characters are a common query) are
 * matched with LIKE over the index's columns.
 *
 * Returns: (transfer full) (element-type BeaconTicket): open tickets first, then newest
 */
GPtrArray *
beacon_store_search_tickets (BeaconStore  *self,
                             const char   *text,
                             guint         limit,
                             GError      **error)
{
  return search_tickets (self, text, FALSE, limit, error);
}

/**
 * beacon_store_search_open_tickets:
 *
 * Like beacon_store_search_tickets(), among the tickets that are not closed,
 * which is what the board shows; faster for short words.
 *
 * Returns: (transfer full) (element-type BeaconTicket): newest first
 */
GPtrArray *
beacon_store_search_open_tickets (BeaconStore  *self,
                                  const char   *text,
                                  guint         limit,
                                  GError      **error)
{
  return search_tickets (self, text, TRUE, limit, error);
}

/* Writing ----------------------------------------------------------------- */

static gboolean
row_exists (BeaconStore *self,
            const char  *sql,
            const char  *id,
            const char  *owner_id)
{
  sqlite3_stmt *stmt = _beacon_store_prepare (self, sql, NULL);
  gboolean found;

  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_STATIC);
  if (owner_id != NULL)
    sqlite3_bind_text (stmt, 2, owner_id, -1, SQLITE_STATIC);
  found = sqlite3_step (stmt) == SQLITE_ROW;
  sqlite3_reset (stmt);

  return found;
}

static char *
dup_number_prefix (BeaconStore *self,
                   const char  *site_id,
                   const char  *customer_id)
{
  sqlite3_stmt *stmt;
  char *prefix = NULL;

  stmt = _beacon_store_prepare (self,
                                "SELECT COALESCE (NULLIF (s.prefix, ''), NULLIF (c.code, '')) "
                                "FROM customers c LEFT JOIN sites s ON s.id = ?1 "
                                "WHERE c.id = ?2",
                                NULL);
  if (stmt != NULL)
    {
      sqlite3_bind_text (stmt, 1, site_id, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 2, customer_id, -1, SQLITE_STATIC);
      if (sqlite3_step (stmt) == SQLITE_ROW)
        prefix = _beacon_sql_dup_text (stmt, 0);
      sqlite3_reset (stmt);
    }

  if (prefix == NULL)
    {
      prefix = _beacon_store_dup_meta (self, "office_prefix");
      if (prefix == NULL)
        prefix = g_strdup ("BC");
    }

  return prefix;
}

/*
 * <prefix>-<yyyymmdd>-<device code>-<sequence>: unique without a server,
 * because the device code is this device's own and the sequence is counted
 * per device and day in device-local state.
 */
static char *
issue_number (BeaconStore  *self,
              const char   *site_id,
              const char   *customer_id,
              gint64        accepted_at,
              GError      **error)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (accepted_at);
  g_autoptr(GDateTime) local = g_date_time_to_local (utc);
  g_autofree char *day = g_date_time_format (local, "%Y%m%d");
  g_autofree char *prefix = dup_number_prefix (self, site_id, customer_id);
  sqlite3_stmt *stmt;
  gint64 sequence = 0;

  stmt = _beacon_store_prepare (self,
                                "INSERT INTO number_seq (day, last) VALUES (?, 1) "
                                "ON CONFLICT (day) DO UPDATE SET last = last + 1 RETURNING last",
                                error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_text (stmt, 1, day, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    sequence = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);

  if (sequence == 0)
    {
      _beacon_store_set_sqlite_error (self, error, "issuing a ticket number");
      return NULL;
    }

  return g_strdup_printf ("%s-%s-%s-%04" G_GINT64_FORMAT,
                          prefix, day, beacon_store_get_device_code (self), sequence);
}

gboolean
_beacon_store_record_event (BeaconStore      *self,
                            const char       *event_id,
                            const char       *ticket_id,
                            BeaconEventType   type,
                            gint64            occurred_at,
                            gint64            recorded_at,
                            const char       *note,
                            JsonObject       *payload,
                            GError          **error)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) node = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "ticket");
  json_builder_add_string_value (builder, ticket_id);
  json_builder_set_member_name (builder, "type");
  json_builder_add_string_value (builder, beacon_event_type_to_string (type));
  json_builder_set_member_name (builder, "occurred_at");
  json_builder_add_int_value (builder, occurred_at);
  json_builder_set_member_name (builder, "recorded_at");
  json_builder_add_int_value (builder, recorded_at);
  json_builder_set_member_name (builder, "author");
  json_builder_add_string_value (builder, beacon_store_get_author (self));
  json_builder_set_member_name (builder, "note");
  json_builder_add_string_value (builder, note ? note : "");
  json_builder_set_member_name (builder, "payload");
  if (payload != NULL)
    {
      JsonNode *payload_node = json_node_new (JSON_NODE_OBJECT);

      json_node_set_object (payload_node, payload);
      json_builder_add_value (builder, payload_node);
    }
  else
    {
      json_builder_begin_object (builder);
      json_builder_end_object (builder);
    }
  json_builder_end_object (builder);

  node = json_builder_get_root (builder);
  return _beacon_store_record (self, "event", event_id, "", node, NULL, error);
}

static gboolean
validate_draft (BeaconStore              *self,
                const BeaconTicketDraft  *draft,
                GError                  **error)
{
  if ((guint) draft->kind >= BEACON_N_KINDS)
    {
      g_set_error (error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_INVALID,
                   _("Unknown ticket kind"));
      return FALSE;
    }
  if (draft->level < BEACON_LEVEL_MIN || draft->level > BEACON_LEVEL_MAX)
    {
      g_set_error (error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_INVALID,
                   _("Level %d does not exist: the fault level is 1, 2, 3 or 4"), draft->level);
      return FALSE;
    }
  if (draft->customer_id == NULL ||
      !row_exists (self, "SELECT 1 FROM customers WHERE id = ?", draft->customer_id, NULL))
    {
      g_set_error (error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_NOT_FOUND,
                   _("Customer: choose a customer from the archive"));
      return FALSE;
    }
  if (draft->site_id != NULL &&
      !row_exists (self, "SELECT 1 FROM sites WHERE id = ? AND customer_id = ?",
                   draft->site_id, draft->customer_id))
    {
      g_set_error (error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_NOT_FOUND,
                   _("Site: the site is not one of this customer’s"));
      return FALSE;
    }
  if (draft->system_id != NULL &&
      !row_exists (self, "SELECT 1 FROM systems WHERE id = ? AND customer_id = ?",
                   draft->system_id, draft->customer_id))
    {
      g_set_error (error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_NOT_FOUND,
                   _("System: the system is not one of this customer’s"));
      return FALSE;
    }
  if (draft->contact_id != NULL &&
      !row_exists (self, "SELECT 1 FROM contacts WHERE id = ? AND customer_id = ?",
                   draft->contact_id, draft->customer_id))
    {
      g_set_error (error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_NOT_FOUND,
                   _("Contact: the contact is not one of this customer’s"));
      return FALSE;
    }
  if (_beacon_text_is_blank (draft->summary))
    {
      g_set_error (error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_INVALID,
                   _("Summary: describe the request in a few words"));
      return FALSE;
    }

  return TRUE;
}

/*
 * Records a new ticket and its `accepted` event inside the caller's
 * transaction. Returns the new ticket's id.
 */
char *
_beacon_store_create_ticket_id (BeaconStore              *self,
                                const BeaconTicketDraft  *draft,
                                GError                  **error)
{
  g_autofree char *ticket_id = NULL;
  g_autofree char *event_id = NULL;
  g_autofree char *number = NULL;
  const char *author = beacon_store_get_author (self);
  g_autofree char *summary = NULL;
  gint64 accepted_at;
  gint64 fault_at;

  if (!validate_draft (self, draft, error))
    return NULL;

  accepted_at = draft->accepted_at != 0 ? draft->accepted_at : beacon_store_now (self);
  fault_at = draft->fault_at != 0 ? draft->fault_at : accepted_at;
  summary = g_strstrip (g_strdup (draft->summary));
  ticket_id = _beacon_uuid_new ();
  event_id = _beacon_uuid_new ();

  number = issue_number (self, draft->site_id, draft->customer_id, accepted_at, error);
  if (number == NULL)
    return NULL;

  if (!_beacon_store_record_string (self, "ticket", ticket_id, "number", number, error) ||
      !_beacon_store_record_string (self, "ticket", ticket_id, "kind",
                                    beacon_kind_to_string (draft->kind), error) ||
      !_beacon_store_record_int (self, "ticket", ticket_id, "initial_level", draft->level, error) ||
      !_beacon_store_record_string (self, "ticket", ticket_id, "customer", draft->customer_id, error) ||
      (draft->site_id &&
       !_beacon_store_record_string (self, "ticket", ticket_id, "site", draft->site_id, error)) ||
      (draft->system_id &&
       !_beacon_store_record_string (self, "ticket", ticket_id, "system", draft->system_id, error)) ||
      (draft->contact_id &&
       !_beacon_store_record_string (self, "ticket", ticket_id, "contact", draft->contact_id, error)) ||
      (draft->channel && *draft->channel &&
       !_beacon_store_record_string (self, "ticket", ticket_id, "channel", draft->channel, error)) ||
      !_beacon_store_record_string (self, "ticket", ticket_id, "summary", summary, error) ||
      (draft->symptoms && *draft->symptoms &&
       !_beacon_store_record_string (self, "ticket", ticket_id, "symptoms", draft->symptoms, error)) ||
      !_beacon_store_record_int (self, "ticket", ticket_id, "accepted_at", accepted_at, error) ||
      !_beacon_store_record_int (self, "ticket", ticket_id, "fault_at", fault_at, error) ||
      !_beacon_store_record_int (self, "ticket", ticket_id, "policy_version",
                                 _beacon_store_current_policy_version (self), error) ||
      (*author && !_beacon_store_record_string (self, "ticket", ticket_id, "created_by", author, error)) ||
      !_beacon_store_record_event (self, event_id, ticket_id, BEACON_EVENT_ACCEPTED, accepted_at,
                                   beacon_store_now (self), NULL, NULL, error))
    return NULL;

  return g_steal_pointer (&ticket_id);
}

/**
 * beacon_store_create_ticket:
 *
 * Records a new ticket and its `accepted` event, and issues its number,
 * offline as well as online.
 *
 * Returns: (transfer full): the new ticket, or %NULL with @error set
 */
BeaconTicket *
beacon_store_create_ticket (BeaconStore              *self,
                            const BeaconTicketDraft  *draft,
                            GError                  **error)
{
  g_autofree char *ticket_id = NULL;

  g_return_val_if_fail (BEACON_IS_STORE (self), NULL);
  g_return_val_if_fail (draft != NULL, NULL);

  if (!_beacon_store_begin (self, error))
    return NULL;

  ticket_id = _beacon_store_create_ticket_id (self, draft, error);
  if (ticket_id == NULL)
    {
      _beacon_store_rollback (self);
      return NULL;
    }

  if (!_beacon_store_commit (self, error))
    return NULL;

  return beacon_store_get_ticket (self, ticket_id, TRUE, error);
}

static gboolean
validate_field (BeaconStore  *self,
                BeaconTicket *ticket,
                const char   *field,
                JsonNode     *value,
                GError      **error)
{
  gboolean is_string = JSON_NODE_HOLDS_VALUE (value) &&
                       json_node_get_value_type (value) == G_TYPE_STRING;

  if (g_str_equal (field, "summary"))
    {
      if (!is_string || _beacon_text_is_blank (json_node_get_string (value)))
        {
          g_set_error (error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_INVALID,
                       _("Summary: the summary cannot be empty"));
          return FALSE;
        }
      return TRUE;
    }

  if (g_str_equal (field, "symptoms") || g_str_equal (field, "channel"))
    {
      if (!is_string && !JSON_NODE_HOLDS_NULL (value))
        {
          g_set_error (error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_INVALID,
                       _("%s: expected text"), field);
          return FALSE;
        }
      return TRUE;
    }

  if (g_str_equal (field, "contact") || g_str_equal (field, "system"))
    {
      const char *sql = g_str_equal (field, "contact")
                        ? "SELECT 1 FROM contacts WHERE id = ? AND customer_id = ?"
                        : "SELECT 1 FROM systems WHERE id = ? AND customer_id = ?";

      if (!is_string || !row_exists (self, sql, json_node_get_string (value), ticket->customer_id))
        {
          g_set_error (error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_NOT_FOUND,
                       _("%s: not one of %s’s"), field, ticket->customer);
          return FALSE;
        }
      return TRUE;
    }

  if (g_str_equal (field, "assignees"))
    {
      JsonArray *array;

      if (!JSON_NODE_HOLDS_ARRAY (value))
        {
          g_set_error (error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_INVALID,
                       _("Assignees: expected a list of users"));
          return FALSE;
        }

      array = json_node_get_array (value);
      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          const char *user_id = json_array_get_string_element (array, i);

          if (user_id == NULL || !row_exists (self, "SELECT 1 FROM users WHERE id = ?", user_id, NULL))
            {
              g_set_error (error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_NOT_FOUND,
                           _("Assignees: “%s” is not a user"), user_id ? user_id : "?");
              return FALSE;
            }
        }
      return TRUE;
    }

  if (g_str_equal (field, "fault_at"))
    {
      if (!JSON_NODE_HOLDS_VALUE (value) || json_node_get_value_type (value) != G_TYPE_INT64)
        {
          g_set_error (error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_INVALID,
                       _("Fault time: expected a date and time"));
          return FALSE;
        }
      return TRUE;
    }

  g_set_error (error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_INVALID,
               _("“%s” is not a field that can be changed; the fields are: %s"),
               field, "summary, symptoms, contact, system, assignees, fault_at, channel");
  return FALSE;
}

/**
 * beacon_store_set_ticket_field:
 * @field: one of beacon_ticket_editable_fields()
 * @value: text for summary, symptoms and channel; an id for contact and
 *   system; an array of user ids for assignees; seconds for fault_at
 *
 * Returns: %TRUE on success; on failure nothing was changed
 */
gboolean
beacon_store_set_ticket_field (BeaconStore  *self,
                               const char   *ticket_id,
                               const char   *field,
                               JsonNode     *value,
                               GError      **error)
{
  g_autoptr(BeaconTicket) ticket = NULL;

  g_return_val_if_fail (BEACON_IS_STORE (self), FALSE);
  g_return_val_if_fail (ticket_id != NULL && field != NULL && value != NULL, FALSE);

  if (!_beacon_store_begin (self, error))
    return FALSE;

  ticket = find_ticket_locked (self, ticket_id, FALSE, error);
  if (ticket == NULL ||
      !validate_field (self, ticket, field, value, error) ||
      !_beacon_store_record (self, "ticket", ticket->id, field, value, NULL, error))
    {
      _beacon_store_rollback (self);
      return FALSE;
    }

  return _beacon_store_commit (self, error);
}

/**
 * beacon_store_add_event:
 * @occurred_at: when it happened; 0 for now
 * @payload: (nullable): details; a level change carries `{"level": N}`
 *
 * Returns: (transfer full): the new event's id, or %NULL with @error set
 */
char *
beacon_store_add_event (BeaconStore      *self,
                        const char       *ticket_id,
                        BeaconEventType   type,
                        gint64            occurred_at,
                        const char       *note,
                        JsonObject       *payload,
                        GError          **error)
{
  g_autoptr(BeaconTicket) ticket = NULL;
  g_autofree char *event_id = NULL;

  g_return_val_if_fail (BEACON_IS_STORE (self), NULL);
  g_return_val_if_fail (ticket_id != NULL, NULL);

  if ((guint) type >= BEACON_N_EVENTS)
    {
      g_set_error (error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_INVALID, _("Unknown event"));
      return NULL;
    }

  if (!_beacon_store_begin (self, error))
    return NULL;

  ticket = find_ticket_locked (self, ticket_id, FALSE, error);
  if (ticket == NULL)
    goto fail;

  if (type == BEACON_EVENT_CLOSED && ticket->stage == BEACON_STAGE_CLOSED)
    {
      g_set_error (error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_INVALID,
                   _("Ticket %s is already closed"), ticket->number);
      goto fail;
    }
  if (type == BEACON_EVENT_REOPENED && ticket->stage != BEACON_STAGE_CLOSED)
    {
      g_set_error (error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_INVALID,
                   _("Ticket %s is open: only a closed ticket can be reopened"), ticket->number);
      goto fail;
    }
  if (type == BEACON_EVENT_LEVEL_CHANGED)
    {
      int level = payload ? (int) json_object_get_int_member_with_default (payload, "level", 0) : 0;

      if (level < BEACON_LEVEL_MIN || level > BEACON_LEVEL_MAX)
        {
          g_set_error (error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_INVALID,
                       _("Level %d does not exist: the fault level is 1, 2, 3 or 4"), level);
          goto fail;
        }
      if (level == ticket->level)
        {
          g_set_error (error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_INVALID,
                       _("Ticket %s is already at level %d"), ticket->number, level);
          goto fail;
        }
      if (!json_object_has_member (payload, "from"))
        json_object_set_int_member (payload, "from", ticket->level);
    }

  event_id = _beacon_uuid_new ();
  if (!_beacon_store_record_event (self, event_id, ticket->id, type,
                                   occurred_at != 0 ? occurred_at : beacon_store_now (self),
                                   beacon_store_now (self), note, payload, error))
    goto fail;

  if (!_beacon_store_commit (self, error))
    return NULL;

  return g_steal_pointer (&event_id);

fail:
  _beacon_store_rollback (self);
  return NULL;
}
