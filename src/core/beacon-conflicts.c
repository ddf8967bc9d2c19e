/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "beacon-store"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "beacon-conflicts.h"
#include "beacon-json.h"
#include "beacon-store-private.h"

/*
 * Settling a conflict is an ordinary write that names, in its `prev`, every
 * version it has seen: the winner and each kept loser. Those are then
 * superseded, so the conflict disappears on every device that receives the
 * write, whatever order the changes arrive in.
 */

/**
 * beacon_store_resolve_conflict:
 * @value_json: the value to keep (JSON text), usually the winner's or one
 *   of the kept losers'
 *
 * Returns: %TRUE on success; %FALSE with @error set when the field has no
 *   conflict (anymore) or @value_json is not JSON
 */
gboolean
beacon_store_resolve_conflict (BeaconStore  *self,
                               const char   *entity,
                               const char   *entity_id,
                               const char   *field,
                               const char   *value_json,
                               GError      **error)
{
  g_autoptr(JsonNode) value = NULL;
  g_autoptr(GString) seen = g_string_new ("[");
  sqlite3_stmt *stmt;
  guint n_seen = 0;

  g_return_val_if_fail (BEACON_IS_STORE (self), FALSE);
  g_return_val_if_fail (entity != NULL && entity_id != NULL && field != NULL, FALSE);

  value = beacon_json_parse (value_json, error);
  if (value == NULL)
    return FALSE;

  if (!_beacon_store_begin (self, error))
    return FALSE;

  stmt = _beacon_store_prepare (self,
                                "SELECT hlc, device FROM registers "
                                "WHERE entity = ?1 AND entity_id = ?2 AND field = ?3 "
                                "UNION ALL SELECT hlc, device FROM conflicts "
                                "WHERE entity = ?1 AND entity_id = ?2 AND field = ?3",
                                error);
  if (stmt == NULL)
    goto fail;

  sqlite3_bind_text (stmt, 1, entity, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, entity_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, field, -1, SQLITE_STATIC);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      g_autofree char *version =
        beacon_version_format (sqlite3_column_int64 (stmt, 0),
                               (const char *) sqlite3_column_text (stmt, 1));

      if (n_seen++ > 0)
        g_string_append_c (seen, ',');
      beacon_json_append_string (seen, version);
    }
  sqlite3_reset (stmt);
  g_string_append_c (seen, ']');

  /* The winner alone is no conflict. */
  if (n_seen < 2)
    {
      g_set_error (error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_NOT_FOUND,
                   _("%s %s has no conflict in “%s” to settle"), entity, entity_id, field);
      goto fail;
    }

  if (!_beacon_store_record (self, entity, entity_id, field, value, seen->str, error))
    goto fail;

  return _beacon_store_commit (self, error);

fail:
  _beacon_store_rollback (self);
  return FALSE;
}
