/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "beacon-syncd"

#include "config.h"

#include "beacon-syncd-server.h"

#include <inttypes.h>
#include <string.h>
#include <sys/random.h>
#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <sqlite3.h>

#include "beacon-segment.h"

/*
 * beacon-syncd keeps segments, nothing else: it never applies a change, so
 * it needs no store and no schema of the data. Every handler runs on the
 * main loop and commits (synchronous=FULL) before it sets the status, so a
 * reply is only ever sent for a segment that is on disk, and a server
 * killed mid-push has either all of a segment or none of it.
 */

G_DEFINE_QUARK (beacon-syncd-error-quark, beacon_syncd_error)

/* A GET answers with at most this much (plus one segment). */
#define REPLY_BUDGET (16 * 1024 * 1024)

typedef struct
{
  double tokens;
  gint64 last_us;
} Bucket;

struct _BeaconSyncdServer
{
  GObject     parent_instance;

  sqlite3    *db;
  char       *path;
  SoupServer *server;
  GHashTable *buckets;   /* token name → Bucket */
  double      rate;
  double      burst;
};

G_DEFINE_FINAL_TYPE (BeaconSyncdServer, beacon_syncd_server, G_TYPE_OBJECT)

static const char schema_sql[] =
  "CREATE TABLE IF NOT EXISTS tokens ("
  "  name TEXT PRIMARY KEY, token_sha256 TEXT NOT NULL UNIQUE, device TEXT,"
  "  created_at INTEGER NOT NULL, revoked_at INTEGER, last_used INTEGER);"
  "CREATE TABLE IF NOT EXISTS segments ("
  "  device TEXT NOT NULL, first_seq INTEGER NOT NULL, last_seq INTEGER NOT NULL,"
  "  hash TEXT NOT NULL, prev_hash TEXT NOT NULL, data BLOB NOT NULL,"
  "  received_at INTEGER NOT NULL, PRIMARY KEY (device, first_seq));"
  "CREATE INDEX IF NOT EXISTS segments_last ON segments (device, last_seq);"
  "PRAGMA user_version = 1;";

static void
beacon_syncd_server_finalize (GObject *object)
{
  BeaconSyncdServer *self = BEACON_SYNCD_SERVER (object);

  if (self->server != NULL)
    soup_server_disconnect (self->server);
  g_clear_object (&self->server);
  g_clear_pointer (&self->buckets, g_hash_table_unref);
  if (self->db != NULL)
    sqlite3_close_v2 (self->db);
  g_free (self->path);

  G_OBJECT_CLASS (beacon_syncd_server_parent_class)->finalize (object);
}

static void
beacon_syncd_server_class_init (BeaconSyncdServerClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = beacon_syncd_server_finalize;
}

static void
beacon_syncd_server_init (BeaconSyncdServer *self)
{
  self->buckets = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->rate = 200;
  self->burst = 2000;
}

static gboolean
exec_sql (BeaconSyncdServer  *self,
          const char         *sql,
          GError            **error)
{
  char *message = NULL;

  if (sqlite3_exec (self->db, sql, NULL, NULL, &message) != SQLITE_OK)
    {
      g_set_error (error, BEACON_SYNCD_ERROR, BEACON_SYNCD_ERROR_FAILED,
                   _("Database error in %s: %s"), self->path, message ? message : "?");
      sqlite3_free (message);
      return FALSE;
    }
  return TRUE;
}

static sqlite3_stmt *
prepare (BeaconSyncdServer *self,
         const char        *sql)
{
  sqlite3_stmt *stmt = NULL;

  if (sqlite3_prepare_v2 (self->db, sql, -1, &stmt, NULL) != SQLITE_OK)
    g_critical ("%s: %s", sql, sqlite3_errmsg (self->db));
  return stmt;
}

/**
 * beacon_syncd_server_open:
 * @db_path: the server's own database, on local disk
 */
BeaconSyncdServer *
beacon_syncd_server_open (const char  *db_path,
                          GError     **error)
{
  g_autoptr(BeaconSyncdServer) self = g_object_new (BEACON_TYPE_SYNCD_SERVER, NULL);
  g_autofree char *dir = g_path_get_dirname (db_path);

  self->path = g_strdup (db_path);
  g_mkdir_with_parents (dir, 0700);

  if (sqlite3_open_v2 (db_path, &self->db,
                       SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK)
    {
      g_set_error (error, BEACON_SYNCD_ERROR, BEACON_SYNCD_ERROR_FAILED,
                   _("Could not open the database %s: %s"), db_path,
                   self->db ? sqlite3_errmsg (self->db) : "?");
      return NULL;
    }

  sqlite3_busy_timeout (self->db, 10000);
  if (!exec_sql (self, "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;", error) ||
      !exec_sql (self, schema_sql, error))
    return NULL;

  return g_steal_pointer (&self);
}

void
beacon_syncd_server_set_rate (BeaconSyncdServer *self,
                              double             per_second,
                              double             burst)
{
  g_return_if_fail (BEACON_IS_SYNCD_SERVER (self));
  self->rate = per_second;
  self->burst = MAX (burst, 1);
}

/* Tokens -------------------------------------------------------------------- */

static char *
hash_token (const char *token)
{
  return g_compute_checksum_for_string (G_CHECKSUM_SHA256, token, -1);
}

/**
 * beacon_syncd_server_add_token:
 * @name: a name for the device, for people (“laptop-zhang”)
 *
 * Returns: (transfer full): the new token; only its hash is kept
 */
char *
beacon_syncd_server_add_token (BeaconSyncdServer  *self,
                               const char         *name,
                               GError            **error)
{
  guint8 random[32];
  GString *token = g_string_new (NULL);
  g_autofree char *token_hash = NULL;
  sqlite3_stmt *stmt;
  int rc;

  if (name == NULL || *name == '\0' || !g_utf8_validate (name, -1, NULL))
    {
      g_string_free (token, TRUE);
      g_set_error (error, BEACON_SYNCD_ERROR, BEACON_SYNCD_ERROR_INVALID,
                   _("A token needs the name of its device"));
      return NULL;
    }

  if (getrandom (random, sizeof random, 0) != sizeof random)
    {
      g_string_free (token, TRUE);
      g_set_error (error, BEACON_SYNCD_ERROR, BEACON_SYNCD_ERROR_FAILED,
                   _("Could not read random bytes for a token"));
      return NULL;
    }

  g_string_append (token, "bst_");
  for (guint i = 0; i < sizeof random; i++)
    g_string_append_printf (token, "%02x", random[i]);
  token_hash = hash_token (token->str);

  stmt = prepare (self, "INSERT INTO tokens (name, token_sha256, created_at) VALUES (?, ?, ?)");
  sqlite3_bind_text (stmt, 1, name, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, token_hash, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 3, g_get_real_time () / G_USEC_PER_SEC);
  rc = sqlite3_step (stmt);
  sqlite3_finalize (stmt);

  if (rc != SQLITE_DONE)
    {
      g_string_free (token, TRUE);
      g_set_error (error, BEACON_SYNCD_ERROR, BEACON_SYNCD_ERROR_INVALID,
                   _("Could not add a token named “%s”: %s (revoke the old one or pick "
                     "another name)"),
                   name, sqlite3_errmsg (self->db));
      return NULL;
    }

  return g_string_free (token, FALSE);
}

gboolean
beacon_syncd_server_revoke_token (BeaconSyncdServer  *self,
                                  const char         *name,
                                  GError            **error)
{
  sqlite3_stmt *stmt = prepare (self,
                                "UPDATE tokens SET revoked_at = ?, name = name || '#revoked-' || ? "
                                "WHERE name = ? AND revoked_at IS NULL");
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  int changes;

  sqlite3_bind_int64 (stmt, 1, now);
  sqlite3_bind_int64 (stmt, 2, now);
  sqlite3_bind_text (stmt, 3, name, -1, SQLITE_STATIC);
  sqlite3_step (stmt);
  sqlite3_finalize (stmt);
  changes = sqlite3_changes (self->db);

  if (changes == 0)
    {
      g_set_error (error, BEACON_SYNCD_ERROR, BEACON_SYNCD_ERROR_NOT_FOUND,
                   _("There is no valid token named “%s”; “token list” shows them"), name);
      return FALSE;
    }

  return TRUE;
}

char *
beacon_syncd_server_list_tokens (BeaconSyncdServer  *self,
                                 GError            **error)
{
  sqlite3_stmt *stmt = prepare (self,
                                "SELECT name, device, created_at, revoked_at, last_used "
                                "FROM tokens ORDER BY created_at, name");
  GString *out = g_string_new (NULL);

  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      const char *device = (const char *) sqlite3_column_text (stmt, 1);
      g_autoptr(GDateTime) created = g_date_time_new_from_unix_local (sqlite3_column_int64 (stmt, 2));
      g_autofree char *created_text = g_date_time_format (created, "%Y-%m-%d %H:%M");

      g_string_append_printf (out, "%s\t%s\t%s\t%s\n",
                              (const char *) sqlite3_column_text (stmt, 0),
                              device ? device : _("(not used yet)"),
                              created_text,
                              sqlite3_column_type (stmt, 3) != SQLITE_NULL ? _("revoked")
                                                                           : _("valid"));
    }
  sqlite3_finalize (stmt);

  return g_string_free (out, FALSE);
}

/* Replies ------------------------------------------------------------------- */

static void
reply_json (SoupServerMessage *msg,
            guint              status,
            JsonBuilder       *builder)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *date = soup_date_time_to_string (now, SOUP_DATE_HTTP);
  char *text;
  gsize length;

  json_builder_set_member_name (builder, "now");
  json_builder_add_int_value (builder, g_date_time_to_unix (now));
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  text = json_generator_to_data (generator, &length);

  soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Date", date);
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_TAKE, text, length);
}

static void
reply_error (SoupServerMessage *msg,
             guint              status,
             const char        *message)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "error");
  json_builder_add_string_value (builder, message);
  reply_json (msg, status, builder);
}

/* Authentication and limits ---------------------------------------------------- */

typedef struct
{
  char *name;
  char *device;   /* NULL until its first push */
} Token;

static void
token_clear (Token *token)
{
  g_clear_pointer (&token->name, g_free);
  g_clear_pointer (&token->device, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Token, token_clear)

static gboolean
authenticate (BeaconSyncdServer *self,
              SoupServerMessage *msg,
              Token             *out_token)
{
  const char *header = soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                                     "Authorization");
  g_autofree char *token_hash = NULL;
  sqlite3_stmt *stmt;
  gboolean found = FALSE;

  if (header == NULL || g_ascii_strncasecmp (header, "Bearer ", 7) != 0 || header[7] == '\0')
    {
      soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                    "WWW-Authenticate", "Bearer realm=\"beacon\"");
      reply_error (msg, SOUP_STATUS_UNAUTHORIZED, _("A device token is required"));
      return FALSE;
    }

  token_hash = hash_token (header + 7);
  stmt = prepare (self, "SELECT name, device FROM tokens WHERE token_sha256 = ? AND revoked_at IS NULL");
  sqlite3_bind_text (stmt, 1, token_hash, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      found = TRUE;
      out_token->name = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      out_token->device = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
    }
  sqlite3_finalize (stmt);

  if (!found)
    {
      soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                    "WWW-Authenticate", "Bearer realm=\"beacon\", error=\"invalid_token\"");
      reply_error (msg, SOUP_STATUS_UNAUTHORIZED, _("The token is not valid or was revoked"));
      return FALSE;
    }

  return TRUE;
}

static gboolean
take_from_bucket (BeaconSyncdServer *self,
                  SoupServerMessage *msg,
                  const char        *name)
{
  Bucket *bucket = g_hash_table_lookup (self->buckets, name);
  gint64 now = g_get_monotonic_time ();

  if (self->rate <= 0)
    return TRUE;

  if (bucket == NULL)
    {
      bucket = g_new0 (Bucket, 1);
      bucket->tokens = self->burst;
      bucket->last_us = now;
      g_hash_table_insert (self->buckets, g_strdup (name), bucket);
    }

  bucket->tokens = MIN (self->burst,
                        bucket->tokens + (now - bucket->last_us) * self->rate / G_USEC_PER_SEC);
  bucket->last_us = now;

  if (bucket->tokens < 1)
    {
      soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                    "Retry-After", "1");
      reply_error (msg, 429 /* Too Many Requests */, _("Too many requests; slow down"));
      return FALSE;
    }

  bucket->tokens -= 1;
  return TRUE;
}

/* Endpoints ----------------------------------------------------------------- */

static void
handle_health (BeaconSyncdServer *self,
               SoupServerMessage *msg)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "status");
  json_builder_add_string_value (builder, "ok");
  json_builder_set_member_name (builder, "version");
  json_builder_add_string_value (builder, PACKAGE_VERSION);
  json_builder_set_member_name (builder, "format");
  json_builder_add_int_value (builder, BEACON_SEGMENT_FORMAT);
  reply_json (msg, SOUP_STATUS_OK, builder);
}

static void
handle_heads (BeaconSyncdServer *self,
              SoupServerMessage *msg)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *date = soup_date_time_to_string (now, SOUP_DATE_HTTP);
  sqlite3_stmt *stmt;
  char *text;
  gsize length;

  /* Exactly {device: last_seq}; the time is in the Date header. */
  json_builder_begin_object (builder);
  stmt = prepare (self, "SELECT device, MAX (last_seq) FROM segments GROUP BY device ORDER BY device");
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      json_builder_set_member_name (builder, (const char *) sqlite3_column_text (stmt, 0));
      json_builder_add_int_value (builder, sqlite3_column_int64 (stmt, 1));
    }
  sqlite3_finalize (stmt);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  text = json_generator_to_data (generator, &length);
  soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Date", date);
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_TAKE, text, length);
}

static void
handle_get_segments (BeaconSyncdServer *self,
                     SoupServerMessage *msg,
                     GHashTable        *query)
{
  const char *device = query ? g_hash_table_lookup (query, "device") : NULL;
  const char *after_text = query ? g_hash_table_lookup (query, "after") : NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *date = soup_date_time_to_string (now, SOUP_DATE_HTTP);
  SoupMessageBody *body;
  sqlite3_stmt *stmt;
  gint64 after = 0;
  gsize total = 0;
  gboolean more = FALSE;

  if (device == NULL || !g_uuid_string_is_valid (device))
    {
      reply_error (msg, SOUP_STATUS_BAD_REQUEST, _("“device” must be a device UUID"));
      return;
    }
  if (after_text != NULL &&
      (!g_ascii_string_to_signed (after_text, 10, 0, G_MAXINT64, &after, NULL)))
    {
      reply_error (msg, SOUP_STATUS_BAD_REQUEST, _("“after” must be a sequence number"));
      return;
    }

  soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Date", date);
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_message_headers_set_content_type (soup_server_message_get_response_headers (msg),
                                         "application/x-beacon-segments", NULL);
  body = soup_server_message_get_response_body (msg);

  stmt = prepare (self, "SELECT data FROM segments WHERE device = ? AND last_seq > ? "
                        "ORDER BY first_seq");
  sqlite3_bind_text (stmt, 1, device, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, after);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      gsize size = sqlite3_column_bytes (stmt, 0);

      if (total > 0 && total + size > REPLY_BUDGET)
        {
          more = TRUE;
          break;
        }
      soup_message_body_append (body, SOUP_MEMORY_COPY, sqlite3_column_blob (stmt, 0), size);
      total += size;
    }
  sqlite3_finalize (stmt);

  soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                "X-Beacon-More", more ? "1" : "0");
}

static gboolean
query_segment (BeaconSyncdServer *self,
               const char        *sql,
               const char        *device,
               gint64             a,
               gint64             b,
               gint64            *out_last,
               char             **out_hash)
{
  sqlite3_stmt *stmt = prepare (self, sql);
  gboolean found = FALSE;

  sqlite3_bind_text (stmt, 1, device, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, a);
  sqlite3_bind_int64 (stmt, 3, b);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      found = TRUE;
      if (out_last)
        *out_last = sqlite3_column_int64 (stmt, 0);
      if (out_hash)
        *out_hash = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
    }
  sqlite3_finalize (stmt);

  return found;
}

static void
handle_post_segment (BeaconSyncdServer *self,
                     SoupServerMessage *msg,
                     Token             *token)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(BeaconSegment) segment = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *existing_hash = NULL;
  g_autofree char *head_hash = NULL;
  SoupMessageBody *request_body = soup_server_message_get_request_body (msg);
  gint64 existing_last = 0, head = 0;
  sqlite3_stmt *stmt;
  gsize length;
  const char *data;
  int rc;

  bytes = soup_message_body_flatten (request_body);
  data = g_bytes_get_data (bytes, &length);

  segment = beacon_segment_parse (data, length, &error);
  if (segment == NULL)
    {
      if (g_error_matches (error, BEACON_SEGMENT_ERROR, BEACON_SEGMENT_ERROR_TOO_NEW))
        reply_error (msg, 426, error->message);
      else if (g_error_matches (error, BEACON_SEGMENT_ERROR, BEACON_SEGMENT_ERROR_TOO_LARGE))
        reply_error (msg, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, error->message);
      else
        reply_error (msg, SOUP_STATUS_BAD_REQUEST, error->message);
      return;
    }

  /* A token belongs to the device of its first push, and to no other. */
  if (token->device != NULL && !g_str_equal (token->device, segment->device))
    {
      g_autofree char *message =
        g_strdup_printf (_("The token “%s” belongs to device %s, not %s"),
                         token->name, token->device, segment->device);
      reply_error (msg, SOUP_STATUS_FORBIDDEN, message);
      return;
    }

  if (!exec_sql (self, "BEGIN IMMEDIATE", &error))
    {
      reply_error (msg, SOUP_STATUS_SERVICE_UNAVAILABLE, error->message);
      return;
    }

  if (token->device == NULL)
    {
      /* Another token may not claim a device that already has one. */
      stmt = prepare (self, "SELECT name FROM tokens WHERE device = ? AND revoked_at IS NULL");
      sqlite3_bind_text (stmt, 1, segment->device, -1, SQLITE_STATIC);
      rc = sqlite3_step (stmt);
      sqlite3_finalize (stmt);
      if (rc == SQLITE_ROW)
        {
          exec_sql (self, "ROLLBACK", NULL);
          reply_error (msg, SOUP_STATUS_FORBIDDEN,
                       _("Device already has a token of its own; this token may not push for it"));
          return;
        }

      stmt = prepare (self, "UPDATE tokens SET device = ? WHERE name = ? AND device IS NULL");
      sqlite3_bind_text (stmt, 1, segment->device, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 2, token->name, -1, SQLITE_STATIC);
      sqlite3_step (stmt);
      sqlite3_finalize (stmt);
    }

  if (query_segment (self, "SELECT last_seq, hash FROM segments WHERE device = ?1 "
                           "AND first_seq = ?2 AND ?3 = ?3",
                     segment->device, segment->first_seq, 0, &existing_last, &existing_hash))
    {
      exec_sql (self, "COMMIT", NULL);
      if (existing_last == segment->last_seq && g_str_equal (existing_hash, segment->hash))
        {
          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "status");
          json_builder_add_string_value (builder, "duplicate");
          reply_json (msg, SOUP_STATUS_OK, builder);
        }
      else
        reply_error (msg, SOUP_STATUS_CONFLICT,
                     _("The server holds other content for this sequence range: "
                       "the device’s history has diverged"));
      return;
    }

  if (query_segment (self, "SELECT last_seq, hash FROM segments WHERE device = ?1 "
                           "AND first_seq <= ?3 AND last_seq >= ?2",
                     segment->device, segment->first_seq, segment->last_seq, NULL, NULL))
    {
      exec_sql (self, "COMMIT", NULL);
      reply_error (msg, SOUP_STATUS_CONFLICT,
                   _("The segment overlaps a stored one with other boundaries"));
      return;
    }

  query_segment (self, "SELECT last_seq, hash FROM segments WHERE device = ?1 AND ?2 = ?2 "
                       "AND ?3 = ?3 ORDER BY last_seq DESC LIMIT 1",
                 segment->device, 0, 0, &head, &head_hash);
  if (segment->first_seq != head + 1 ||
      (head > 0 && !g_str_equal (segment->prev_hash, head_hash)))
    {
      g_autofree char *message =
        g_strdup_printf (_("The segment must start at %" PRId64 " and follow the stored "
                           "segment %s"),
                         head + 1, head_hash ? head_hash : "-");
      exec_sql (self, "COMMIT", NULL);
      reply_error (msg, SOUP_STATUS_CONFLICT, message);
      return;
    }

  stmt = prepare (self, "INSERT INTO segments (device, first_seq, last_seq, hash, prev_hash, "
                        "data, received_at) VALUES (?, ?, ?, ?, ?, ?, ?)");
  sqlite3_bind_text (stmt, 1, segment->device, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, segment->first_seq);
  sqlite3_bind_int64 (stmt, 3, segment->last_seq);
  sqlite3_bind_text (stmt, 4, segment->hash, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 5, segment->prev_hash, -1, SQLITE_STATIC);
  sqlite3_bind_blob64 (stmt, 6, data, length, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 7, g_get_real_time () / G_USEC_PER_SEC);
  rc = sqlite3_step (stmt);
  sqlite3_finalize (stmt);

  if (rc != SQLITE_DONE || !exec_sql (self, "COMMIT", &error))
    {
      g_autofree char *message = g_strdup (error ? error->message : sqlite3_errmsg (self->db));

      exec_sql (self, "ROLLBACK", NULL);
      reply_error (msg, SOUP_STATUS_SERVICE_UNAVAILABLE, message);
      return;
    }

  /* Committed: only now may the client hear that it is stored. */
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "status");
  json_builder_add_string_value (builder, "stored");
  json_builder_set_member_name (builder, "device");
  json_builder_add_string_value (builder, segment->device);
  json_builder_set_member_name (builder, "first");
  json_builder_add_int_value (builder, segment->first_seq);
  json_builder_set_member_name (builder, "last");
  json_builder_add_int_value (builder, segment->last_seq);
  json_builder_set_member_name (builder, "hash");
  json_builder_add_string_value (builder, segment->hash);
  reply_json (msg, SOUP_STATUS_CREATED, builder);
}

static void
on_v1_cb (SoupServer        *server,
          SoupServerMessage *msg,
          const char        *path,
          GHashTable        *query,
          gpointer           user_data)
{
  BeaconSyncdServer *self = user_data;
  const char *method = soup_server_message_get_method (msg);
  g_auto(Token) token = { 0 };

  if (g_str_equal (path, "/v1/health"))
    {
      if (!g_str_equal (method, "GET"))
        reply_error (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, _("Use GET"));
      else
        handle_health (self, msg);
      return;
    }

  if (!authenticate (self, msg, &token) || !take_from_bucket (self, msg, token.name))
    return;

  sqlite3_stmt *stmt = prepare (self, "UPDATE tokens SET last_used = ? WHERE name = ?");
  sqlite3_bind_int64 (stmt, 1, g_get_real_time () / G_USEC_PER_SEC);
  sqlite3_bind_text (stmt, 2, token.name, -1, SQLITE_STATIC);
  sqlite3_step (stmt);
  sqlite3_finalize (stmt);

  if (g_str_equal (path, "/v1/heads") && g_str_equal (method, "GET"))
    handle_heads (self, msg);
  else if (g_str_equal (path, "/v1/segments") && g_str_equal (method, "GET"))
    handle_get_segments (self, msg, query);
  else if (g_str_equal (path, "/v1/segments") && g_str_equal (method, "POST"))
    handle_post_segment (self, msg, &token);
  else if (g_str_equal (path, "/v1/heads") || g_str_equal (path, "/v1/segments"))
    reply_error (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, _("Method not allowed"));
  else
    reply_error (msg, SOUP_STATUS_NOT_FOUND, _("No such endpoint"));
}

/* Refuses an oversized body before reading it. */
static void
on_early_cb (SoupServer        *server,
             SoupServerMessage *msg,
             const char        *path,
             GHashTable        *query,
             gpointer           user_data)
{
  goffset length = soup_message_headers_get_content_length (soup_server_message_get_request_headers (msg));

  if (length > BEACON_SEGMENT_MAX_SIZE)
    {
      g_autofree char *message =
        g_strdup_printf (_("A segment has at most %d bytes"), BEACON_SEGMENT_MAX_SIZE);

      soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                    "Connection", "close");
      reply_error (msg, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, message);
    }
}

/**
 * beacon_syncd_server_listen:
 * @listen: `HOST:PORT`; port 0 picks a free one
 * @certificate: (nullable): serve HTTPS with it
 * @insecure: allow plain HTTP on an address other than loopback
 * @out_uri: (out) (optional): the address it listens on
 */
gboolean
beacon_syncd_server_listen (BeaconSyncdServer  *self,
                            const char         *listen,
                            GTlsCertificate    *certificate,
                            gboolean            insecure,
                            char              **out_uri,
                            GError            **error)
{
  g_autoptr(GInetAddress) address = NULL;
  g_autoptr(GSocketAddress) socket_address = NULL;
  g_autoptr(GSocket) listener = NULL;
  g_autofree char *host = NULL;
  const char *colon = strrchr (listen, ':');
  guint64 port;
  GSList *uris;

  if (colon == NULL || !g_ascii_string_to_unsigned (colon + 1, 10, 0, 65535, &port, NULL))
    {
      g_set_error (error, BEACON_SYNCD_ERROR, BEACON_SYNCD_ERROR_INVALID,
                   _("--listen %s: give HOST:PORT, e.g. 127.0.0.1:8780"), listen);
      return FALSE;
    }

  host = g_strndup (listen, colon - listen);
  if (host[0] == '[' && host[strlen (host) - 1] == ']')
    {
      memmove (host, host + 1, strlen (host));
      host[strlen (host) - 1] = '\0';
    }
  if (g_str_equal (host, "localhost"))
    g_free (g_steal_pointer (&host)), host = g_strdup ("127.0.0.1");

  address = g_inet_address_new_from_string (host);
  if (address == NULL)
    {
      g_set_error (error, BEACON_SYNCD_ERROR, BEACON_SYNCD_ERROR_INVALID,
                   _("--listen %s: “%s” is not an IP address"), listen, host);
      return FALSE;
    }

  if (certificate == NULL && !insecure && !g_inet_address_get_is_loopback (address))
    {
      g_set_error (error, BEACON_SYNCD_ERROR, BEACON_SYNCD_ERROR_INVALID,
                   _("Refusing plain HTTP on %s: tokens would cross the network in clear. "
                     "Give --tls-cert and --tls-key, or --insecure on a trusted network"),
                   host);
      return FALSE;
    }

  self->server = soup_server_new ("server-header", "beacon-syncd/" PACKAGE_VERSION,
                                  "tls-certificate", certificate,
                                  NULL);
  soup_server_add_early_handler (self->server, "/v1", on_early_cb, self, NULL);
  soup_server_add_handler (self->server, "/v1", on_v1_cb, self, NULL);

  /* Our own socket, for a listen backlog that takes a whole office
   * reconnecting at once (GSocket's default is 10). */
  socket_address = g_inet_socket_address_new (address, (guint16) port);
  listener = g_socket_new (g_inet_address_get_family (address), G_SOCKET_TYPE_STREAM,
                           G_SOCKET_PROTOCOL_TCP, error);
  if (listener == NULL)
    return FALSE;
  g_socket_set_listen_backlog (listener, 512);
  if (!g_socket_bind (listener, socket_address, TRUE, error) ||
      !g_socket_listen (listener, error) ||
      !soup_server_listen_socket (self->server, listener,
                                  certificate ? SOUP_SERVER_LISTEN_HTTPS : 0, error))
    return FALSE;

  uris = soup_server_get_uris (self->server);
  if (out_uri != NULL)
    *out_uri = uris ? g_uri_to_string (uris->data) : NULL;
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  return TRUE;
}
