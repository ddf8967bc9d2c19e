/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "beacon-sync"

#include "config.h"

#include "beacon-sync.h"

#include <inttypes.h>
#include <glib/gi18n-lib.h>

#include "beacon-segment.h"
#include "beacon-store-private.h"
#include "beacon-sync-private.h"

/*
 * Sync state that belongs to this device alone: the outbox of segments cut
 * from our own oplog (cut once, so the folder and the server receive the
 * very same bytes and a retry after a crash sends them again unchanged),
 * what each target has received, how far we have imported every other
 * device, and the quarantine. None of it is exported or synced.
 */

G_DEFINE_QUARK (beacon-sync-error-quark, beacon_sync_error)

void
_beacon_outbox_segment_free (BeaconOutboxSegment *segment)
{
  if (segment == NULL)
    return;
  g_free (segment->hash);
  g_clear_pointer (&segment->data, g_bytes_unref);
  g_free (segment);
}

static gboolean
step_done (BeaconStore   *store,
           sqlite3_stmt  *stmt,
           const char    *what,
           GError       **error)
{
  int rc = sqlite3_step (stmt);

  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      _beacon_store_set_sqlite_error (store, error, what);
      return FALSE;
    }
  return TRUE;
}

/* The outbox ----------------------------------------------------------------- */

/**
 * beacon_sync_prepare:
 *
 * Cuts this device's changes that are in no segment yet into new segments
 * (at most %BEACON_SEGMENT_MAX_SIZE each, chained by hash).
 */
gboolean
beacon_sync_prepare (BeaconStore  *store,
                     GError      **error)
{
  g_autoptr(GPtrArray) changes = NULL;
  g_autofree char *prev_hash = NULL;
  const char *device;
  sqlite3_stmt *stmt;
  gint64 cut_seq = 0;

  g_return_val_if_fail (BEACON_IS_STORE (store), FALSE);

  if (!_beacon_store_begin (store, error))
    return FALSE;

  device = beacon_store_get_device_id (store);

  stmt = _beacon_store_prepare (store,
                                "SELECT last_seq, hash FROM sync_outbox "
                                "ORDER BY first_seq DESC LIMIT 1",
                                error);
  if (stmt == NULL)
    goto fail;
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      cut_seq = sqlite3_column_int64 (stmt, 0);
      prev_hash = _beacon_sql_dup_text (stmt, 1);
    }
  sqlite3_reset (stmt);

  changes = beacon_store_list_changes (store, device, cut_seq, 0, error);
  if (changes == NULL)
    goto fail;

  for (guint start = 0; start < changes->len;)
    {
      g_autoptr(GBytes) data = NULL;
      g_autofree char *hash = NULL;
      const BeaconChange *first = g_ptr_array_index (changes, start);
      const BeaconChange *last;
      guint n_used;

      data = beacon_segment_build (device, prev_hash ? prev_hash : "", changes, start, 0,
                                   &n_used, &hash);
      last = g_ptr_array_index (changes, start + n_used - 1);

      stmt = _beacon_store_prepare (store,
                                    "INSERT INTO sync_outbox (first_seq, last_seq, hash, data) "
                                    "VALUES (?, ?, ?, ?)",
                                    error);
      if (stmt == NULL)
        goto fail;
      sqlite3_bind_int64 (stmt, 1, first->seq);
      sqlite3_bind_int64 (stmt, 2, last->seq);
      sqlite3_bind_text (stmt, 3, hash, -1, SQLITE_STATIC);
      sqlite3_bind_blob64 (stmt, 4, g_bytes_get_data (data, NULL), g_bytes_get_size (data),
                           SQLITE_STATIC);
      if (!step_done (store, stmt, "saving a segment in the outbox", error))
        goto fail;

      g_free (prev_hash);
      prev_hash = g_steal_pointer (&hash);
      start += n_used;
    }

  return _beacon_store_commit (store, error);

fail:
  _beacon_store_rollback (store);
  return FALSE;
}

/**
 * beacon_sync_list_outbox:
 * @after_seq: list segments that end after this sequence number
 *
 * Returns: (transfer full) (element-type BeaconOutboxSegment): this device's
 *   segments in order
 */
GPtrArray *
beacon_sync_list_outbox (BeaconStore  *store,
                         gint64        after_seq,
                         GError      **error)
{
  g_autoptr(GPtrArray) segments =
    g_ptr_array_new_with_free_func ((GDestroyNotify) _beacon_outbox_segment_free);
  sqlite3_stmt *stmt;


  _beacon_store_lock (store);
  stmt = _beacon_store_prepare (store,
                                "SELECT first_seq, last_seq, hash, data FROM sync_outbox "
                                "WHERE last_seq > ? ORDER BY first_seq",
                                error);
  if (stmt == NULL)
    {
      _beacon_store_unlock (store);
      return NULL;
    }

  sqlite3_bind_int64 (stmt, 1, after_seq);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      BeaconOutboxSegment *segment = g_new0 (BeaconOutboxSegment, 1);

      segment->first_seq = sqlite3_column_int64 (stmt, 0);
      segment->last_seq = sqlite3_column_int64 (stmt, 1);
      segment->hash = _beacon_sql_dup_text (stmt, 2);
      segment->data = g_bytes_new (sqlite3_column_blob (stmt, 3), sqlite3_column_bytes (stmt, 3));
      g_ptr_array_add (segments, segment);
    }
  sqlite3_reset (stmt);
  _beacon_store_unlock (store);

  return g_steal_pointer (&segments);
}

/* Targets -------------------------------------------------------------------- */

char *
beacon_sync_dup_folder_target (const char *folder)
{
  g_autoptr(GFile) file = g_file_new_for_commandline_arg (folder);
  g_autofree char *path = g_file_get_path (file);

  return g_strconcat ("folder:", path ? path : folder, NULL);
}

char *
beacon_sync_dup_server_target (const char *url)
{
  g_autofree char *trimmed = g_strdup (url);
  gsize length = strlen (trimmed);

  while (length > 0 && trimmed[length - 1] == '/')
    trimmed[--length] = '\0';

  return g_strconcat ("server:", trimmed, NULL);
}

static gint64
query_int (BeaconStore *store,
           const char  *sql,
           const char  *key,
           gint64       fallback)
{
  sqlite3_stmt *stmt;
  gint64 value = fallback;

  _beacon_store_lock (store);
  stmt = _beacon_store_prepare (store, sql, NULL);
  if (stmt != NULL)
    {
      sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
      if (sqlite3_step (stmt) == SQLITE_ROW && sqlite3_column_type (stmt, 0) != SQLITE_NULL)
        value = sqlite3_column_int64 (stmt, 0);
      sqlite3_reset (stmt);
    }
  _beacon_store_unlock (store);

  return value;
}

gint64
_beacon_sync_get_pushed (BeaconStore *store,
                         const char  *target)
{
  return query_int (store, "SELECT pushed_seq FROM sync_targets WHERE target = ?", target, 0);
}

gint64
_beacon_sync_get_cursor (BeaconStore *store,
                         const char  *device)
{
  return query_int (store, "SELECT last_seq FROM sync_cursors WHERE device = ?", device, 0);
}

/**
 * beacon_sync_get_next_attempt:
 *
 * Returns: when (seconds since the epoch, store clock) an automatic round
 *   to @target should next run; failures back off from 30 s up to an hour
 */
gint64
beacon_sync_get_next_attempt (BeaconStore *store,
                              const char  *target)
{
  return query_int (store, "SELECT next_attempt FROM sync_targets WHERE target = ?", target, 0);
}

static gboolean
ensure_target (BeaconStore  *store,
               const char   *target,
               GError      **error)
{
  sqlite3_stmt *stmt = _beacon_store_prepare (store,
                                              "INSERT INTO sync_targets (target) VALUES (?) "
                                              "ON CONFLICT (target) DO NOTHING",
                                              error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, target, -1, SQLITE_STATIC);
  return step_done (store, stmt, "saving the sync state", error);
}

gboolean
_beacon_sync_set_pushed (BeaconStore  *store,
                         const char   *target,
                         gint64        pushed_seq,
                         GError      **error)
{
  sqlite3_stmt *stmt;

  if (!_beacon_store_begin (store, error))
    return FALSE;

  if (!ensure_target (store, target, error) ||
      (stmt = _beacon_store_prepare (store,
                                     "UPDATE sync_targets SET pushed_seq = MAX (pushed_seq, ?) "
                                     "WHERE target = ?",
                                     error)) == NULL)
    goto fail;

  sqlite3_bind_int64 (stmt, 1, pushed_seq);
  sqlite3_bind_text (stmt, 2, target, -1, SQLITE_STATIC);
  if (!step_done (store, stmt, "saving the sync state", error))
    goto fail;

  return _beacon_store_commit (store, error);

fail:
  _beacon_store_rollback (store);
  return FALSE;
}

void
_beacon_sync_set_clock_skew (BeaconStore *store,
                             const char  *target,
                             gint64       skew)
{
  sqlite3_stmt *stmt;

  if (!_beacon_store_begin (store, NULL))
    return;

  if (ensure_target (store, target, NULL) &&
      (stmt = _beacon_store_prepare (store,
                                     "UPDATE sync_targets SET clock_skew = ? WHERE target = ?",
                                     NULL)) != NULL)
    {
      sqlite3_bind_int64 (stmt, 1, skew);
      sqlite3_bind_text (stmt, 2, target, -1, SQLITE_STATIC);
      step_done (store, stmt, "saving the sync state", NULL);
    }

  _beacon_store_commit (store, NULL);
}

/*
 * Records how a round went. A failure is never fatal to local work: the
 * pending changes stay counted and the next automatic attempt backs off.
 */
void
_beacon_sync_finish_round (BeaconStore      *store,
                           const char       *target,
                           const GError     *failure,
                           BeaconSyncReport *report)
{
  gint64 now = beacon_store_now (store);
  sqlite3_stmt *stmt;

  if (_beacon_store_begin (store, NULL))
    {
      if (ensure_target (store, target, NULL) &&
          (stmt = _beacon_store_prepare (store,
                                         "UPDATE sync_targets SET last_attempt = ?1, "
                                         "failures = CASE WHEN ?2 IS NULL THEN 0 ELSE failures + 1 END, "
                                         "last_error = ?2, "
                                         "last_success = CASE WHEN ?2 IS NULL THEN ?1 ELSE last_success END, "
                                         "next_attempt = ?1 + CASE WHEN ?2 IS NULL THEN 0 "
                                         "  ELSE MIN (3600, 30 << MIN (failures, 7)) END "
                                         "WHERE target = ?3",
                                         NULL)) != NULL)
        {
          sqlite3_bind_int64 (stmt, 1, now);
          if (failure != NULL)
            sqlite3_bind_text (stmt, 2, failure->message, -1, SQLITE_TRANSIENT);
          sqlite3_bind_text (stmt, 3, target, -1, SQLITE_STATIC);
          step_done (store, stmt, "saving the sync state", NULL);
        }
      _beacon_store_commit (store, NULL);
    }

  if (report != NULL)
    report->pending = MAX (0, beacon_store_get_last_seq (store) -
                              _beacon_sync_get_pushed (store, target));
}

/* Import -------------------------------------------------------------------- */

static char *
dup_quarantine_kind (BeaconStore *store,
                     const char  *source,
                     const char  *name)
{
  sqlite3_stmt *stmt;
  char *kind = NULL;

  _beacon_store_lock (store);
  stmt = _beacon_store_prepare (store,
                                "SELECT kind FROM sync_quarantine WHERE source = ? AND name = ?",
                                NULL);
  if (stmt != NULL)
    {
      sqlite3_bind_text (stmt, 1, source, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 2, name, -1, SQLITE_STATIC);
      if (sqlite3_step (stmt) == SQLITE_ROW)
        kind = _beacon_sql_dup_text (stmt, 0);
      sqlite3_reset (stmt);
    }
  _beacon_store_unlock (store);

  return kind;
}

static gboolean
quarantine (BeaconStore          *store,
            const char           *source,
            const char           *name,
            const char           *kind,
            const char           *reason,
            const BeaconSegment  *segment,
            GError              **error)
{
  sqlite3_stmt *stmt;

  if (!_beacon_store_begin (store, error))
    return FALSE;

  stmt = _beacon_store_prepare (store,
                                "INSERT OR REPLACE INTO sync_quarantine (source, name, kind, reason, "
                                "device, first_seq, last_seq, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                                error);
  if (stmt == NULL)
    {
      _beacon_store_rollback (store);
      return FALSE;
    }

  sqlite3_bind_text (stmt, 1, source, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, name, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, kind, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, reason, -1, SQLITE_STATIC);
  if (segment != NULL)
    {
      sqlite3_bind_text (stmt, 5, segment->device, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 6, segment->first_seq);
      sqlite3_bind_int64 (stmt, 7, segment->last_seq);
    }
  sqlite3_bind_int64 (stmt, 8, beacon_store_now (store));

  if (!step_done (store, stmt, "quarantining a segment", error))
    {
      _beacon_store_rollback (store);
      return FALSE;
    }

  /* Not a g_warning(): a damaged share is an expected condition, shown in
   * the sync status, not a programming error. */
  g_message (_("Segment %s from %s set aside (%s): %s"), name, source, kind, reason);

  return _beacon_store_commit (store, error);
}

static gboolean
forget_quarantine (BeaconStore  *store,
                   const char   *source,
                   const char   *name,
                   GError      **error)
{
  sqlite3_stmt *stmt;
  gboolean ok;

  _beacon_store_lock (store);
  stmt = _beacon_store_prepare (store,
                                "DELETE FROM sync_quarantine WHERE source = ? AND name = ?",
                                error);
  ok = stmt != NULL;
  if (ok)
    {
      sqlite3_bind_text (stmt, 1, source, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 2, name, -1, SQLITE_STATIC);
      ok = step_done (store, stmt, "updating the quarantine", error);
    }
  _beacon_store_unlock (store);

  return ok;
}

static char *
dup_cursor_hash (BeaconStore *store,
                 const char  *device)
{
  sqlite3_stmt *stmt;
  char *hash = NULL;

  _beacon_store_lock (store);
  stmt = _beacon_store_prepare (store, "SELECT last_hash FROM sync_cursors WHERE device = ?", NULL);
  if (stmt != NULL)
    {
      sqlite3_bind_text (stmt, 1, device, -1, SQLITE_STATIC);
      if (sqlite3_step (stmt) == SQLITE_ROW)
        hash = _beacon_sql_dup_text (stmt, 0);
      sqlite3_reset (stmt);
    }
  _beacon_store_unlock (store);

  return hash;
}

/**
 * beacon_sync_import_segment:
 * @source: where the segment came from (a target name)
 * @name: (nullable): its name there (a file name); %NULL to name it by its hash
 * @expected_device: (nullable): the device it must belong to (the folder it lies in)
 * @out_outcome: (out) (optional): what became of it
 * @report: (inout) (optional): counters to add to
 *
 * Verifies a segment completely, then applies it in one transaction with
 * the cursor of its device, idempotently. A segment that fails a check is
 * quarantined with its reason and nothing of it is applied; one that
 * follows a segment not seen yet waits; one in a newer format is set aside
 * as “update required”. None of these is an error: @error is set only when
 * the local database fails.
 *
 * Returns: %FALSE if the local database failed
 */
gboolean
beacon_sync_import_segment (BeaconStore        *store,
                            const char         *source,
                            const char         *name,
                            const char         *expected_device,
                            const char         *data,
                            gsize               length,
                            BeaconSyncOutcome  *out_outcome,
                            BeaconSyncReport   *report,
                            GError            **error)
{
  g_autoptr(BeaconSegment) segment = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *own_name = NULL;
  g_autofree char *kind = NULL;
  g_autofree char *cursor_hash = NULL;
  BeaconSyncReport scratch = { 0 };
  BeaconSyncOutcome outcome;
  gint64 cursor;
  guint n_applied = 0;
  sqlite3_stmt *stmt;

  g_return_val_if_fail (BEACON_IS_STORE (store), FALSE);
  g_return_val_if_fail (source != NULL, FALSE);

  if (report == NULL)
    report = &scratch;
  if (out_outcome == NULL)
    out_outcome = &outcome;


  if (name == NULL)
    name = own_name = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) data, length);

  kind = dup_quarantine_kind (store, source, name);
  if (kind != NULL && !g_str_equal (kind, "update-required"))
    {
      *out_outcome = BEACON_SYNC_QUARANTINED;
      return TRUE;
    }

  segment = beacon_segment_parse (data, length, &local_error);
  if (segment == NULL)
    {
      gboolean too_new = g_error_matches (local_error, BEACON_SEGMENT_ERROR,
                                          BEACON_SEGMENT_ERROR_TOO_NEW);

      if (too_new)
        {
          *out_outcome = BEACON_SYNC_UPDATE_REQUIRED;
          report->update_required++;
        }
      else
        {
          *out_outcome = BEACON_SYNC_QUARANTINED;
          report->quarantined++;
        }
      return quarantine (store, source, name, too_new ? "update-required" : "corrupt",
                         local_error->message, NULL, error);
    }

  if (kind != NULL && !forget_quarantine (store, source, name, error))
    return FALSE;

  if (expected_device != NULL && g_ascii_strcasecmp (segment->device, expected_device) != 0)
    {
      g_autofree char *reason =
        g_strdup_printf (_("The segment claims to be written by device %s but lies in the "
                           "folder of device %s"),
                         segment->device, expected_device);

      *out_outcome = BEACON_SYNC_QUARANTINED;
      report->quarantined++;
      return quarantine (store, source, name, "wrong-device", reason, segment, error);
    }

  if (g_str_equal (segment->device, beacon_store_get_device_id (store)))
    {
      *out_outcome = BEACON_SYNC_OWN;
      return TRUE;
    }

  cursor = _beacon_sync_get_cursor (store, segment->device);
  if (segment->first_seq > cursor + 1)
    {
      /* A gap: the segment before it has not arrived yet. */
      *out_outcome = BEACON_SYNC_WAITING;
      report->waiting++;
      return TRUE;
    }

  cursor_hash = dup_cursor_hash (store, segment->device);
  if (segment->first_seq == cursor + 1 && cursor_hash != NULL && *cursor_hash != '\0' &&
      !g_str_equal (segment->prev_hash, cursor_hash))
    {
      *out_outcome = BEACON_SYNC_QUARANTINED;
      report->quarantined++;
      return quarantine (store, source, name, "broken-chain",
                         _("The segment does not follow the device’s previous segment "
                           "(the hash chain is broken): its history has diverged"),
                         segment, error);
    }

  if (!_beacon_store_begin (store, error))
    return FALSE;

  if (!beacon_store_apply_changes (store, segment->changes, &n_applied, &local_error))
    {
      _beacon_store_rollback (store);

      if (g_error_matches (local_error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_DIVERGED) ||
          g_error_matches (local_error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_INVALID) ||
          g_error_matches (local_error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_IMMUTABLE))
        {
          gboolean diverged = g_error_matches (local_error, BEACON_STORE_ERROR,
                                               BEACON_STORE_ERROR_DIVERGED);

          *out_outcome = BEACON_SYNC_QUARANTINED;
          report->quarantined++;
          return quarantine (store, source, name, diverged ? "diverged" : "invalid",
                             local_error->message, segment, error);
        }

      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  if (segment->last_seq > cursor)
    {
      stmt = _beacon_store_prepare (store,
                                    "INSERT INTO sync_cursors (device, last_seq, last_hash) "
                                    "VALUES (?, ?, ?) ON CONFLICT (device) DO UPDATE SET "
                                    "last_seq = excluded.last_seq, last_hash = excluded.last_hash",
                                    error);
      if (stmt == NULL)
        {
          _beacon_store_rollback (store);
          return FALSE;
        }
      sqlite3_bind_text (stmt, 1, segment->device, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 2, segment->last_seq);
      sqlite3_bind_text (stmt, 3, segment->hash, -1, SQLITE_STATIC);
      if (!step_done (store, stmt, "saving the sync cursor", error))
        {
          _beacon_store_rollback (store);
          return FALSE;
        }
    }

  if (!_beacon_store_commit (store, error))
    return FALSE;

  *out_outcome = n_applied > 0 ? BEACON_SYNC_APPLIED : BEACON_SYNC_DUPLICATE;
  if (n_applied > 0)
    report->segments_received++;
  else
    report->duplicates++;
  report->changes_applied += n_applied;

  return TRUE;
}

/* Status -------------------------------------------------------------------- */

static void
add_text_or_null (JsonBuilder  *builder,
                  const char   *name,
                  sqlite3_stmt *stmt,
                  int           column)
{
  json_builder_set_member_name (builder, name);
  if (sqlite3_column_type (stmt, column) == SQLITE_NULL)
    json_builder_add_null_value (builder);
  else
    json_builder_add_string_value (builder, (const char *) sqlite3_column_text (stmt, column));
}

static void
add_int_or_null (JsonBuilder  *builder,
                 const char   *name,
                 sqlite3_stmt *stmt,
                 int           column)
{
  json_builder_set_member_name (builder, name);
  if (sqlite3_column_type (stmt, column) == SQLITE_NULL)
    json_builder_add_null_value (builder);
  else
    json_builder_add_int_value (builder, sqlite3_column_int64 (stmt, column));
}

/**
 * beacon_sync_dup_status:
 *
 * Returns: (transfer full): a JSON object: this device, every target with
 *   its last success, pending changes, error and clock skew, the cursors of
 *   the other devices and the quarantined segments with their reasons
 */
JsonNode *
beacon_sync_dup_status (BeaconStore  *store,
                        GError      **error)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  gint64 last_seq = beacon_store_get_last_seq (store);
  gint64 pending = -1;
  sqlite3_stmt *stmt;


  _beacon_store_lock (store);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "device");
  json_builder_add_string_value (builder, beacon_store_get_device_id (store));
  json_builder_set_member_name (builder, "last_seq");
  json_builder_add_int_value (builder, last_seq);

  json_builder_set_member_name (builder, "targets");
  json_builder_begin_array (builder);
  stmt = _beacon_store_prepare (store,
                                "SELECT target, pushed_seq, last_attempt, last_success, failures, "
                                "last_error, next_attempt, clock_skew FROM sync_targets "
                                "ORDER BY target",
                                error);
  if (stmt == NULL)
    goto fail;
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      gint64 target_pending = MAX (0, last_seq - sqlite3_column_int64 (stmt, 1));

      pending = pending < 0 ? target_pending : MIN (pending, target_pending);
      json_builder_begin_object (builder);
      add_text_or_null (builder, "target", stmt, 0);
      add_int_or_null (builder, "pushed_seq", stmt, 1);
      json_builder_set_member_name (builder, "pending");
      json_builder_add_int_value (builder, target_pending);
      add_int_or_null (builder, "last_attempt", stmt, 2);
      add_int_or_null (builder, "last_success", stmt, 3);
      add_int_or_null (builder, "failures", stmt, 4);
      add_text_or_null (builder, "last_error", stmt, 5);
      add_int_or_null (builder, "next_attempt", stmt, 6);
      add_int_or_null (builder, "clock_skew", stmt, 7);
      json_builder_set_member_name (builder, "clock_warning");
      json_builder_add_boolean_value (builder,
                                      sqlite3_column_type (stmt, 7) != SQLITE_NULL &&
                                      ABS (sqlite3_column_int64 (stmt, 7)) >
                                      BEACON_SYNC_CLOCK_SKEW_LIMIT);
      json_builder_end_object (builder);
    }
  sqlite3_reset (stmt);
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "pending");
  json_builder_add_int_value (builder, pending < 0 ? last_seq : pending);

  json_builder_set_member_name (builder, "devices");
  json_builder_begin_array (builder);
  stmt = _beacon_store_prepare (store,
                                "SELECT device, last_seq, last_hash FROM sync_cursors ORDER BY device",
                                error);
  if (stmt == NULL)
    goto fail;
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      json_builder_begin_object (builder);
      add_text_or_null (builder, "device", stmt, 0);
      add_int_or_null (builder, "last_seq", stmt, 1);
      add_text_or_null (builder, "last_hash", stmt, 2);
      json_builder_end_object (builder);
    }
  sqlite3_reset (stmt);
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "quarantined");
  json_builder_begin_array (builder);
  stmt = _beacon_store_prepare (store,
                                "SELECT source, name, kind, reason, device, first_seq, last_seq, at "
                                "FROM sync_quarantine ORDER BY at, source, name",
                                error);
  if (stmt == NULL)
    goto fail;
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      json_builder_begin_object (builder);
      add_text_or_null (builder, "source", stmt, 0);
      add_text_or_null (builder, "name", stmt, 1);
      add_text_or_null (builder, "kind", stmt, 2);
      add_text_or_null (builder, "reason", stmt, 3);
      add_text_or_null (builder, "device", stmt, 4);
      add_int_or_null (builder, "first_seq", stmt, 5);
      add_int_or_null (builder, "last_seq", stmt, 6);
      add_int_or_null (builder, "at", stmt, 7);
      json_builder_end_object (builder);
    }
  sqlite3_reset (stmt);
  json_builder_end_array (builder);

  json_builder_end_object (builder);
  _beacon_store_unlock (store);

  return json_builder_get_root (builder);

fail:
  _beacon_store_unlock (store);
  return NULL;
}

/**
 * beacon_sync_dup_conflicts:
 *
 * Returns: (transfer full): a JSON array of the kept losing values: entity,
 *   id, field, the winner's value and version and the loser's
 */
JsonNode *
beacon_sync_dup_conflicts (BeaconStore  *store,
                           GError      **error)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  sqlite3_stmt *stmt;

  _beacon_store_lock (store);
  stmt = _beacon_store_prepare (store,
                                "SELECT entity, entity_id, field, winner_value, winner_hlc, "
                                "winner_device, value, hlc, device FROM conflicts "
                                "ORDER BY entity, entity_id, field, hlc, device",
                                error);
  if (stmt == NULL)
    {
      _beacon_store_unlock (store);
      return NULL;
    }

  json_builder_begin_array (builder);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      g_autofree char *winner_version =
        beacon_version_format (sqlite3_column_int64 (stmt, 4),
                               (const char *) sqlite3_column_text (stmt, 5));
      g_autofree char *loser_version =
        beacon_version_format (sqlite3_column_int64 (stmt, 7),
                               (const char *) sqlite3_column_text (stmt, 8));

      json_builder_begin_object (builder);
      add_text_or_null (builder, "entity", stmt, 0);
      add_text_or_null (builder, "id", stmt, 1);
      add_text_or_null (builder, "field", stmt, 2);
      add_text_or_null (builder, "winner_value", stmt, 3);
      json_builder_set_member_name (builder, "winner_version");
      json_builder_add_string_value (builder, winner_version);
      add_text_or_null (builder, "loser_value", stmt, 6);
      json_builder_set_member_name (builder, "loser_version");
      json_builder_add_string_value (builder, loser_version);
      json_builder_end_object (builder);
    }
  sqlite3_reset (stmt);
  json_builder_end_array (builder);
  _beacon_store_unlock (store);

  return json_builder_get_root (builder);
}
