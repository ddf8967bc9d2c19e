/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "beacon-sla"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "beacon-json.h"

#include "beacon-policy.h"
#include "beacon-store-private.h"

/*
 * Stored calendars: a register (entity "calendar", id = the calendar's id,
 * field "keyfile") holding the calendar's key-file text, so they sync. A
 * stored calendar with a built-in's id replaces the built-in: that is how
 * next year's holidays reach `cn-5x8` before a new Beacon ships them.
 */

#define CALENDAR_CACHE_KEY "beacon-calendar-cache"

static GHashTable *
get_calendar_cache (BeaconStore *self)
{
  GHashTable *cache = g_object_get_data (G_OBJECT (self), CALENDAR_CACHE_KEY);

  if (cache == NULL)
    {
      cache = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                     (GDestroyNotify) beacon_calendar_free);
      g_object_set_data_full (G_OBJECT (self), CALENDAR_CACHE_KEY, cache,
                              (GDestroyNotify) g_hash_table_unref);
    }
  return cache;
}

static BeaconCalendar *
load_stored_calendar (BeaconStore  *self,
                      const char   *id,
                      GError      **error)
{
  sqlite3_stmt *stmt;
  BeaconCalendar *calendar = NULL;
  g_autofree char *data = NULL;

  stmt = _beacon_store_prepare (self,
                                "SELECT value FROM registers "
                                "WHERE entity = 'calendar' AND entity_id = ? AND field = 'keyfile'",
                                error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      g_autoptr(JsonNode) node = beacon_json_parse ((const char *) sqlite3_column_text (stmt, 0), NULL);

      if (node != NULL && JSON_NODE_HOLDS_VALUE (node) &&
          json_node_get_value_type (node) == G_TYPE_STRING)
        data = g_strdup (json_node_get_string (node));
    }
  sqlite3_reset (stmt);

  if (data == NULL)
    return NULL;

  calendar = beacon_calendar_new_from_keyfile_data (data, error);
  if (calendar == NULL)
    g_prefix_error (error, _("Stored calendar “%s”: "), id);
  return calendar;
}

/*
 * The calendar @id as this store knows it — stored copy first, then the
 * built-in — parsed once and kept until a calendar or policy changes.
 *
 * Returns: (transfer none) (nullable): the calendar
 */
const BeaconCalendar *
_beacon_store_lookup_calendar (BeaconStore *self,
                               const char  *id)
{
  GHashTable *cache = get_calendar_cache (self);
  BeaconCalendar *calendar = g_hash_table_lookup (cache, id);

  if (calendar != NULL)
    return calendar;

  calendar = load_stored_calendar (self, id, NULL);
  if (calendar == NULL)
    calendar = beacon_calendar_get_builtin (id);
  if (calendar == NULL)
    return NULL;

  g_hash_table_insert (cache, g_strdup (id), calendar);
  return calendar;
}

static int
compare_ids (gconstpointer a,
             gconstpointer b)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

/**
 * beacon_store_list_calendars:
 *
 * Returns: (transfer full): the ids of the built-in and stored calendars, sorted
 */
GStrv
beacon_store_list_calendars (BeaconStore *self)
{
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  const char * const *builtins = beacon_calendar_get_builtin_ids ();
  sqlite3_stmt *stmt;

  g_return_val_if_fail (BEACON_IS_STORE (self), NULL);

  for (guint i = 0; builtins[i] != NULL; i++)
    g_ptr_array_add (ids, g_strdup (builtins[i]));

  _beacon_store_lock (self);
  stmt = _beacon_store_prepare (self,
                                "SELECT entity_id FROM registers "
                                "WHERE entity = 'calendar' AND field = 'keyfile'",
                                NULL);
  if (stmt != NULL)
    {
      while (sqlite3_step (stmt) == SQLITE_ROW)
        {
          const char *id = (const char *) sqlite3_column_text (stmt, 0);

          if (!g_strv_contains (builtins, id))
            g_ptr_array_add (ids, g_strdup (id));
        }
      sqlite3_reset (stmt);
    }
  _beacon_store_unlock (self);

  g_ptr_array_sort (ids, compare_ids);
  g_ptr_array_add (ids, NULL);

  return (GStrv) g_ptr_array_free (g_steal_pointer (&ids), FALSE);
}

/**
 * beacon_store_dup_calendar:
 * @id: a calendar id
 *
 * Returns: (transfer full): the stored calendar @id, else the built-in one,
 *   or %NULL with @error set
 */
BeaconCalendar *
beacon_store_dup_calendar (BeaconStore  *self,
                           const char   *id,
                           GError      **error)
{
  const BeaconCalendar *calendar;
  BeaconCalendar *copy = NULL;

  g_return_val_if_fail (BEACON_IS_STORE (self), NULL);
  g_return_val_if_fail (id != NULL, NULL);

  _beacon_store_lock (self);
  calendar = _beacon_store_lookup_calendar (self, id);
  if (calendar != NULL)
    copy = beacon_calendar_copy (calendar);
  _beacon_store_unlock (self);

  if (copy == NULL)
    g_set_error (error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_NOT_FOUND,
                 _("There is no calendar “%s”; “beaconctl calendar list” shows the calendars"),
                 id);
  return copy;
}

/**
 * beacon_store_resolve_calendar:
 * @id_or_path: a built-in or stored calendar id, or the path of a calendar file
 *
 * Returns: (transfer full): the calendar, or %NULL with @error set
 */
BeaconCalendar *
beacon_store_resolve_calendar (BeaconStore  *self,
                               const char   *id_or_path,
                               GError      **error)
{
  g_autoptr(GError) local_error = NULL;
  BeaconCalendar *calendar;

  g_return_val_if_fail (id_or_path != NULL, NULL);

  if (self != NULL)
    calendar = beacon_store_dup_calendar (self, id_or_path, &local_error);
  else
    calendar = beacon_calendar_get_builtin (id_or_path);

  if (calendar != NULL)
    return calendar;

  if (strchr (id_or_path, G_DIR_SEPARATOR) != NULL ||
      g_file_test (id_or_path, G_FILE_TEST_IS_REGULAR))
    return beacon_calendar_load_file (id_or_path, error);

  g_set_error (error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_NOT_FOUND,
               _("There is no calendar “%s”: give a calendar id (%s, or a stored one) or "
                 "the path of a calendar file"),
               id_or_path, "24x7, cn-5x8, cn-7x12");
  return NULL;
}

/**
 * beacon_store_save_calendar:
 *
 * Stores @calendar under its id, replacing a stored or built-in calendar of
 * that id. Open tickets are evaluated again with it.
 *
 * Returns: %TRUE on success
 */
gboolean
beacon_store_save_calendar (BeaconStore           *self,
                            const BeaconCalendar  *calendar,
                            GError               **error)
{
  g_autofree char *data = NULL;
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_VALUE);
  const char *id;

  g_return_val_if_fail (BEACON_IS_STORE (self), FALSE);
  g_return_val_if_fail (calendar != NULL, FALSE);

  id = beacon_calendar_get_id (calendar);
  if (id == NULL || *id == '\0')
    {
      g_set_error (error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_INVALID,
                   _("The calendar has no id"));
      return FALSE;
    }

  if (!_beacon_store_require_supervisor (self, _("Changing a calendar"), error))
    return FALSE;

  data = beacon_calendar_to_keyfile_data (calendar);
  json_node_set_string (node, data);

  if (!_beacon_store_begin (self, error))
    return FALSE;

  if (!_beacon_store_record (self, "calendar", id, "keyfile", node, NULL, error))
    {
      _beacon_store_rollback (self);
      _beacon_store_forget_sla_cache (self);
      return FALSE;
    }

  if (!_beacon_store_commit (self, error))
    {
      _beacon_store_forget_sla_cache (self);
      return FALSE;
    }
  return TRUE;
}
