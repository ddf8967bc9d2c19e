/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "beacon-store"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "beacon-json.h"
#include "beacon-store-private.h"
#include "beacon-time.h"

/*
 * The canonical export: the shared content of the database (what sync
 * carries: every register, every event, every kept conflict) as JSON with
 * sorted keys and a stable order, one record per line. Two databases that
 * merged the same changes export the same bytes. Device-local state (the
 * device's identity, counters, sync cursors) is left out, and so is which
 * device's copy of an event arrived first: automatic events (escalations)
 * are made with the same id and content on every device that runs the
 * engine, and any of the copies is the event.
 */

#define FLUSH_SIZE (256 * 1024)

typedef struct
{
  GOutputStream *out;
  GCancellable  *cancellable;
  GString       *buffer;
} Writer;

static gboolean
writer_flush (Writer   *writer,
              gboolean  force,
              GError  **error)
{
  if (writer->buffer->len == 0 || (!force && writer->buffer->len < FLUSH_SIZE))
    return TRUE;

  if (!g_output_stream_write_all (writer->out, writer->buffer->str, writer->buffer->len,
                                  NULL, writer->cancellable, error))
    return FALSE;

  g_string_truncate (writer->buffer, 0);
  return TRUE;
}

static void
append_json_text (GString    *out,
                  const char *json_text)
{
  g_autoptr(JsonNode) node = beacon_json_parse (json_text, NULL);

  /* Stored values are canonical already; re-encoding keeps it so. */
  if (node != NULL)
    beacon_json_append_canonical (out, node);
  else
    beacon_json_append_string (out, json_text ? json_text : "");
}

static void
append_instant (GString *out,
                gint64   instant)
{
  g_autofree char *text = beacon_time_format_utc (instant);

  beacon_json_append_string (out, text);
}

/* Appends "id" where it sorts among the object's members, once. */
static void
append_id_before (GString    *out,
                  const char *entity_id,
                  const char *next_field,
                  gboolean   *id_written,
                  gboolean   *first_member)
{
  if (*id_written || (next_field != NULL && strcmp (next_field, "id") < 0))
    return;

  if (!*first_member)
    g_string_append_c (out, ',');
  g_string_append (out, "\"id\":");
  beacon_json_append_string (out, entity_id);
  *id_written = TRUE;
  *first_member = FALSE;
}

/* entities: {"customer":[{"code":…,"id":…,"name":…},…],"site":[…],…} */
static gboolean
write_entities (BeaconStore  *self,
                Writer       *writer,
                GError      **error)
{
  g_autofree char *current_entity = NULL;
  g_autofree char *current_id = NULL;
  sqlite3_stmt *stmt = NULL;
  gboolean first_entity = TRUE;
  gboolean id_written = FALSE;
  gboolean first_member = TRUE;
  int rc;

  /* Members of an object come sorted by name (byte order, as strcmp). */
  if (sqlite3_prepare_v2 (_beacon_store_get_db (self),
                          "SELECT entity, entity_id, field, value FROM registers "
                          "ORDER BY entity, entity_id, field",
                          -1, &stmt, NULL) != SQLITE_OK)
    {
      _beacon_store_set_sqlite_error (self, error, "exporting");
      return FALSE;
    }

  g_string_append (writer->buffer, "\"entities\":{");

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *entity = (const char *) sqlite3_column_text (stmt, 0);
      const char *entity_id = (const char *) sqlite3_column_text (stmt, 1);
      const char *field = (const char *) sqlite3_column_text (stmt, 2);
      const char *value = (const char *) sqlite3_column_text (stmt, 3);
      gboolean new_entity = g_strcmp0 (entity, current_entity) != 0;
      gboolean new_object = new_entity || g_strcmp0 (entity_id, current_id) != 0;

      if (new_object && current_id != NULL)
        {
          append_id_before (writer->buffer, current_id, NULL, &id_written, &first_member);
          g_string_append_c (writer->buffer, '}');
        }

      if (new_entity)
        {
          if (!first_entity)
            g_string_append (writer->buffer, "\n],");
          g_string_append_c (writer->buffer, '\n');
          beacon_json_append_string (writer->buffer, entity);
          g_string_append (writer->buffer, ":[");
          first_entity = FALSE;
          g_free (current_entity);
          current_entity = g_strdup (entity);
          g_clear_pointer (&current_id, g_free);
        }

      if (new_object)
        {
          g_string_append (writer->buffer, current_id != NULL ? ",\n{" : "\n{");
          g_free (current_id);
          current_id = g_strdup (entity_id);
          id_written = FALSE;
          first_member = TRUE;
        }

      /* The entity's own id is the register key, not a field. */
      if (g_str_equal (field, "id"))
        continue;

      append_id_before (writer->buffer, entity_id, field, &id_written, &first_member);
      if (!first_member)
        g_string_append_c (writer->buffer, ',');
      first_member = FALSE;
      beacon_json_append_string (writer->buffer, field);
      g_string_append_c (writer->buffer, ':');
      append_json_text (writer->buffer, value);

      if (!writer_flush (writer, FALSE, error))
        {
          sqlite3_finalize (stmt);
          return FALSE;
        }
    }
  sqlite3_finalize (stmt);

  if (rc != SQLITE_DONE)
    {
      _beacon_store_set_sqlite_error (self, error, "exporting");
      return FALSE;
    }

  if (current_id != NULL)
    {
      append_id_before (writer->buffer, current_id, NULL, &id_written, &first_member);
      g_string_append (writer->buffer, "}\n]");
    }
  g_string_append (writer->buffer, "\n}");

  return TRUE;
}

static gboolean
write_events (BeaconStore  *self,
              Writer       *writer,
              GError      **error)
{
  sqlite3_stmt *stmt = NULL;
  gboolean first = TRUE;
  int rc;

  if (sqlite3_prepare_v2 (_beacon_store_get_db (self),
                          "SELECT author, id, note, occurred_at, payload, "
                          "recorded_at, ticket_id, type FROM ticket_events ORDER BY id",
                          -1, &stmt, NULL) != SQLITE_OK)
    {
      _beacon_store_set_sqlite_error (self, error, "exporting");
      return FALSE;
    }

  g_string_append (writer->buffer, "\"events\":[");

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      GString *b = writer->buffer;

      g_string_append (b, first ? "\n{\"author\":" : ",\n{\"author\":");
      first = FALSE;
      beacon_json_append_string (b, (const char *) sqlite3_column_text (stmt, 0));
      g_string_append (b, ",\"id\":");
      beacon_json_append_string (b, (const char *) sqlite3_column_text (stmt, 1));
      g_string_append (b, ",\"note\":");
      beacon_json_append_string (b, (const char *) sqlite3_column_text (stmt, 2));
      g_string_append (b, ",\"occurred_at\":");
      append_instant (b, sqlite3_column_int64 (stmt, 3));
      g_string_append (b, ",\"payload\":");
      append_json_text (b, (const char *) sqlite3_column_text (stmt, 4));
      g_string_append (b, ",\"recorded_at\":");
      append_instant (b, sqlite3_column_int64 (stmt, 5));
      g_string_append (b, ",\"ticket\":");
      beacon_json_append_string (b, (const char *) sqlite3_column_text (stmt, 6));
      g_string_append (b, ",\"type\":");
      beacon_json_append_string (b, (const char *) sqlite3_column_text (stmt, 7));
      g_string_append_c (b, '}');

      if (!writer_flush (writer, FALSE, error))
        {
          sqlite3_finalize (stmt);
          return FALSE;
        }
    }
  sqlite3_finalize (stmt);

  if (rc != SQLITE_DONE)
    {
      _beacon_store_set_sqlite_error (self, error, "exporting");
      return FALSE;
    }

  g_string_append (writer->buffer, first ? "]" : "\n]");
  return TRUE;
}

static gboolean
write_conflicts (BeaconStore  *self,
                 Writer       *writer,
                 GError      **error)
{
  sqlite3_stmt *stmt = NULL;
  gboolean first = TRUE;
  int rc;

  if (sqlite3_prepare_v2 (_beacon_store_get_db (self),
                          "SELECT device, entity, entity_id, field, hlc, value, winner_device, "
                          "winner_hlc, winner_value FROM conflicts "
                          "ORDER BY entity, entity_id, field, hlc, device",
                          -1, &stmt, NULL) != SQLITE_OK)
    {
      _beacon_store_set_sqlite_error (self, error, "exporting");
      return FALSE;
    }

  g_string_append (writer->buffer, "\"conflicts\":[");

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      GString *b = writer->buffer;

      g_string_append (b, first ? "\n{\"device\":" : ",\n{\"device\":");
      first = FALSE;
      beacon_json_append_string (b, (const char *) sqlite3_column_text (stmt, 0));
      g_string_append (b, ",\"entity\":");
      beacon_json_append_string (b, (const char *) sqlite3_column_text (stmt, 1));
      g_string_append (b, ",\"entity_id\":");
      beacon_json_append_string (b, (const char *) sqlite3_column_text (stmt, 2));
      g_string_append (b, ",\"field\":");
      beacon_json_append_string (b, (const char *) sqlite3_column_text (stmt, 3));
      g_string_append_printf (b, ",\"hlc\":%" G_GINT64_FORMAT ",\"value\":",
                              (gint64) sqlite3_column_int64 (stmt, 4));
      append_json_text (b, (const char *) sqlite3_column_text (stmt, 5));
      g_string_append (b, ",\"winner_device\":");
      beacon_json_append_string (b, (const char *) sqlite3_column_text (stmt, 6));
      g_string_append_printf (b, ",\"winner_hlc\":%" G_GINT64_FORMAT ",\"winner_value\":",
                              (gint64) sqlite3_column_int64 (stmt, 7));
      append_json_text (b, (const char *) sqlite3_column_text (stmt, 8));
      g_string_append_c (b, '}');
    }
  sqlite3_finalize (stmt);

  if (rc != SQLITE_DONE)
    {
      _beacon_store_set_sqlite_error (self, error, "exporting");
      return FALSE;
    }

  g_string_append (writer->buffer, first ? "]" : "\n]");
  return TRUE;
}

/**
 * beacon_store_export_json:
 * @out: where to write
 *
 * Writes the shared content of the database as canonical JSON.
 *
 * Returns: %TRUE on success
 */
gboolean
beacon_store_export_json (BeaconStore    *self,
                          GOutputStream  *out,
                          GCancellable   *cancellable,
                          GError        **error)
{
  Writer writer = { out, cancellable, g_string_sized_new (FLUSH_SIZE + 4096) };
  gboolean ok;

  g_return_val_if_fail (BEACON_IS_STORE (self), FALSE);
  g_return_val_if_fail (G_IS_OUTPUT_STREAM (out), FALSE);

  /* One read transaction: a consistent picture while others write. */
  _beacon_store_lock (self);
  ok = _beacon_store_exec (self, "BEGIN", error);
  if (ok)
    {
      g_string_append (writer.buffer, "{");
      ok = write_conflicts (self, &writer, error);
      if (ok)
        g_string_append (writer.buffer, ",\n");
      ok = ok && write_entities (self, &writer, error);
      if (ok)
        g_string_append (writer.buffer, ",\n");
      ok = ok && write_events (self, &writer, error);
      if (ok)
        g_string_append_printf (writer.buffer, ",\n\"format\":\"beacon-export\",\"version\":%d}\n",
                                BEACON_SCHEMA_VERSION);
      ok = ok && writer_flush (&writer, TRUE, error);
      sqlite3_exec (_beacon_store_get_db (self), "COMMIT", NULL, NULL, NULL);
    }
  _beacon_store_unlock (self);

  g_string_free (writer.buffer, TRUE);
  return ok;
}
