/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "beacon-store"

#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "beacon-json.h"
#include "beacon-store-private.h"
#include "beacon-store.h"

/*
 * BeaconStore owns the SQLite database of one device.
 *
 * The truth is the append-only oplog. Every other table is a projection of
 * it, written in the same transaction by apply_change(), which local edits
 * (_beacon_store_record) and imported changes (beacon_store_apply_changes)
 * share, so both merge the same way. beacon_store_rebuild_projections()
 * throws the projections away and replays the oplog.
 */

struct _BeaconStore
{
  GObject       parent_instance;

  sqlite3      *db;
  char         *path;
  BeaconClock  *clock;
  GMainContext *context;
  GRecMutex     lock;
  GHashTable   *statements;     /* SQL text → sqlite3_stmt */

  char         *device_id;
  char         *device_code;
  char         *author;

  /* The transaction in progress */
  guint         depth;
  BeaconHlc     hlc;
  gint64        last_seq;
  BeaconHlc     saved_hlc;
  gint64        saved_last_seq;
  gboolean      counters_dirty;
  gboolean      changed;
  GHashTable   *dirty_tickets;  /* ticket id set */
};

G_DEFINE_FINAL_TYPE (BeaconStore, beacon_store, G_TYPE_OBJECT)

G_DEFINE_QUARK (beacon-store-error-quark, beacon_store_error)

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* Migrations: the index + 1 is the schema version it brings the database to.
 * Append only; never edit one that has shipped. */
static const char * const migrations[] = {
  /* 1: the oplog, the registers and the first projections */
  "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;"
  "CREATE TABLE maintenance (reason TEXT NOT NULL);"
  "CREATE TABLE number_seq (day TEXT PRIMARY KEY, last INTEGER NOT NULL) WITHOUT ROWID;"
  "CREATE TABLE oplog ("
  "  device TEXT NOT NULL, seq INTEGER NOT NULL, hlc INTEGER NOT NULL,"
  "  schema_version INTEGER NOT NULL, entity TEXT NOT NULL, entity_id TEXT NOT NULL,"
  "  field TEXT NOT NULL, value TEXT NOT NULL, prev TEXT NOT NULL,"
  "  PRIMARY KEY (device, seq)) WITHOUT ROWID;"
  "CREATE INDEX oplog_register ON oplog (entity, entity_id, field);"
  "CREATE TRIGGER oplog_no_update BEFORE UPDATE ON oplog"
  "  BEGIN SELECT RAISE (ABORT, 'the oplog is append-only'); END;"
  "CREATE TRIGGER oplog_no_delete BEFORE DELETE ON oplog"
  "  BEGIN SELECT RAISE (ABORT, 'the oplog is append-only'); END;"
  "CREATE TABLE registers ("
  "  entity TEXT NOT NULL, entity_id TEXT NOT NULL, field TEXT NOT NULL,"
  "  value TEXT NOT NULL, hlc INTEGER NOT NULL, device TEXT NOT NULL,"
  "  PRIMARY KEY (entity, entity_id, field)) WITHOUT ROWID;"
  "CREATE TABLE conflicts ("
  "  entity TEXT NOT NULL, entity_id TEXT NOT NULL, field TEXT NOT NULL,"
  "  value TEXT NOT NULL, hlc INTEGER NOT NULL, device TEXT NOT NULL,"
  "  winner_value TEXT NOT NULL, winner_hlc INTEGER NOT NULL, winner_device TEXT NOT NULL,"
  "  PRIMARY KEY (entity, entity_id, field, hlc, device)) WITHOUT ROWID;"
  "CREATE TABLE customers (id TEXT PRIMARY KEY, name TEXT, code TEXT);"
  "CREATE INDEX customers_name ON customers (name);"
  "CREATE TABLE sites (id TEXT PRIMARY KEY, customer_id TEXT, name TEXT, prefix TEXT);"
  "CREATE INDEX sites_customer ON sites (customer_id);"
  "CREATE TABLE contacts (id TEXT PRIMARY KEY, customer_id TEXT, site_id TEXT,"
  "  name TEXT, phone TEXT);"
  "CREATE INDEX contacts_customer ON contacts (customer_id);"
  "CREATE TABLE systems (id TEXT PRIMARY KEY, customer_id TEXT, site_id TEXT,"
  "  name TEXT, model TEXT, params TEXT);"
  "CREATE INDEX systems_customer ON systems (customer_id);"
  "CREATE TABLE users (id TEXT PRIMARY KEY, name TEXT, role TEXT, phone TEXT);"
  "CREATE TABLE tickets ("
  "  rowid INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, number TEXT, kind TEXT,"
  "  initial_level INTEGER, level INTEGER, customer_id TEXT, site_id TEXT,"
  "  system_id TEXT, contact_id TEXT, channel TEXT, accepted_at INTEGER,"
  "  fault_at INTEGER, symptoms TEXT, summary TEXT, assignees TEXT, created_by TEXT,"
  "  stage TEXT NOT NULL DEFAULT 'new', is_open INTEGER NOT NULL DEFAULT 1,"
  "  updated_at INTEGER);"
  "CREATE INDEX tickets_number ON tickets (number);"
  "CREATE INDEX tickets_open ON tickets (is_open, accepted_at);"
  "CREATE INDEX tickets_site ON tickets (site_id, accepted_at);"
  "CREATE INDEX tickets_customer ON tickets (customer_id);"
  "CREATE TABLE ticket_events ("
  "  id TEXT PRIMARY KEY, ticket_id TEXT NOT NULL, type TEXT NOT NULL,"
  "  occurred_at INTEGER NOT NULL, recorded_at INTEGER NOT NULL,"
  "  author TEXT NOT NULL, note TEXT NOT NULL, payload TEXT NOT NULL,"
  "  hlc INTEGER NOT NULL, device TEXT NOT NULL);"
  "CREATE INDEX ticket_events_ticket ON ticket_events (ticket_id, occurred_at, hlc);"
  "CREATE TRIGGER ticket_events_no_update BEFORE UPDATE ON ticket_events"
  "  BEGIN SELECT RAISE (ABORT, 'ticket events are immutable'); END;"
  "CREATE TRIGGER ticket_events_no_delete BEFORE DELETE ON ticket_events"
  "  WHEN NOT EXISTS (SELECT 1 FROM maintenance)"
  "  BEGIN SELECT RAISE (ABORT, 'ticket events are immutable'); END;"
  "CREATE VIRTUAL TABLE ticket_search USING fts5"
  "  (number, customer, site, summary, symptoms, notes, tokenize = 'trigram');",
  /* escalation alerts this device has raised (beacon-alerts.c): device-local,
   * never in the oplog, so neither a restart nor a sync repeats an alert */
  "CREATE TABLE alerts_raised ("
  "  ticket TEXT NOT NULL, metric TEXT NOT NULL, kind TEXT NOT NULL,"
  "  instant INTEGER NOT NULL, raised_at INTEGER NOT NULL,"
  "  PRIMARY KEY (ticket, metric, kind, instant)) WITHOUT ROWID;",
  /* reports (beacon-report.c): changes to sealed reports that were kept in
   * the oplog but not projected, and signatures found by their report */
  "CREATE TABLE refusals ("
  "  device TEXT NOT NULL, seq INTEGER NOT NULL, report_id TEXT NOT NULL,"
  "  entity TEXT NOT NULL, field TEXT NOT NULL, hlc INTEGER NOT NULL, reason TEXT NOT NULL,"
  "  PRIMARY KEY (device, seq)) WITHOUT ROWID;"
  "CREATE INDEX refusals_report ON refusals (report_id);"
  "CREATE INDEX registers_report_signature ON registers (json_extract (value, '$.report'))"
  "  WHERE entity = 'report_signature';",
  /* SLA clocks (beacon-metrics.c): what each ticket's events make of its
   * metrics, recomputed with the ticket; `now` is compared with these */
  "CREATE TABLE ticket_metrics ("
  "  ticket_id TEXT NOT NULL, metric TEXT NOT NULL, instance INTEGER NOT NULL,"
  "  rank INTEGER NOT NULL, level INTEGER, target TEXT NOT NULL,"
  "  target_seconds INTEGER NOT NULL, calendar TEXT NOT NULL, started_at INTEGER,"
  "  warn_at INTEGER, due_at INTEGER, stopped_at INTEGER, stop_reason TEXT,"
  "  paused_at INTEGER, frozen_remaining INTEGER, pauses TEXT, live INTEGER NOT NULL,"
  "  PRIMARY KEY (ticket_id, metric, instance)) WITHOUT ROWID;"
  "CREATE INDEX ticket_metrics_live ON ticket_metrics (due_at) WHERE live = 1;",
  /* sync (beacon-sync.c): device-local state, never exported or synced: the
   * outbox of segments cut from our oplog, what each target received, how
   * far every other device was imported, and the quarantine */
  "CREATE TABLE sync_outbox ("
  "  first_seq INTEGER PRIMARY KEY, last_seq INTEGER NOT NULL,"
  "  hash TEXT NOT NULL, data BLOB NOT NULL);"
  "CREATE TABLE sync_cursors ("
  "  device TEXT PRIMARY KEY, last_seq INTEGER NOT NULL, last_hash TEXT NOT NULL) WITHOUT ROWID;"
  "CREATE TABLE sync_targets ("
  "  target TEXT PRIMARY KEY, pushed_seq INTEGER NOT NULL DEFAULT 0,"
  "  last_attempt INTEGER, last_success INTEGER, failures INTEGER NOT NULL DEFAULT 0,"
  "  last_error TEXT, next_attempt INTEGER, clock_skew INTEGER) WITHOUT ROWID;"
  "CREATE TABLE sync_quarantine ("
  "  source TEXT NOT NULL, name TEXT NOT NULL, kind TEXT NOT NULL, reason TEXT NOT NULL,"
  "  device TEXT, first_seq INTEGER, last_seq INTEGER, at INTEGER NOT NULL,"
  "  PRIMARY KEY (source, name)) WITHOUT ROWID;",
};

/**
 * beacon_store_schema_version:
 *
 * Returns: the schema version this build writes and reads up to
 */
int
beacon_store_schema_version (void)
{
  return (int) G_N_ELEMENTS (migrations);
}

/* Which registers have a column in a projection table. Anything else
 * (a field from a newer Beacon, say) stays in the registers table only. */
typedef struct
{
  const char *entity;
  const char *table;
  const char *field;
  const char *column;
  char       *upsert_sql;
} Projection;

static Projection projections[] = {
  { "customer", "customers", "name", "name" },
  { "customer", "customers", "code", "code" },
  { "site", "sites", "customer", "customer_id" },
  { "site", "sites", "name", "name" },
  { "site", "sites", "prefix", "prefix" },
  { "contact", "contacts", "customer", "customer_id" },
  { "contact", "contacts", "site", "site_id" },
  { "contact", "contacts", "name", "name" },
  { "contact", "contacts", "phone", "phone" },
  { "system", "systems", "customer", "customer_id" },
  { "system", "systems", "site", "site_id" },
  { "system", "systems", "name", "name" },
  { "system", "systems", "model", "model" },
  { "system", "systems", "params", "params" },
  { "user", "users", "name", "name" },
  { "user", "users", "role", "role" },
  { "user", "users", "phone", "phone" },
  { "ticket", "tickets", "number", "number" },
  { "ticket", "tickets", "kind", "kind" },
  { "ticket", "tickets", "initial_level", "initial_level" },
  { "ticket", "tickets", "customer", "customer_id" },
  { "ticket", "tickets", "site", "site_id" },
  { "ticket", "tickets", "system", "system_id" },
  { "ticket", "tickets", "contact", "contact_id" },
  { "ticket", "tickets", "channel", "channel" },
  { "ticket", "tickets", "accepted_at", "accepted_at" },
  { "ticket", "tickets", "fault_at", "fault_at" },
  { "ticket", "tickets", "symptoms", "symptoms" },
  { "ticket", "tickets", "summary", "summary" },
  { "ticket", "tickets", "assignees", "assignees" },
  { "ticket", "tickets", "created_by", "created_by" },
};

static const char * const projection_tables[] = {
  "customers", "sites", "contacts", "systems", "users", "tickets",
};

static void
beacon_store_finalize (GObject *object)
{
  BeaconStore *self = BEACON_STORE (object);

  g_clear_pointer (&self->statements, g_hash_table_unref);
  if (self->db != NULL)
    sqlite3_close_v2 (self->db);
  g_clear_pointer (&self->dirty_tickets, g_hash_table_unref);
  g_clear_pointer (&self->path, g_free);
  g_clear_pointer (&self->device_id, g_free);
  g_clear_pointer (&self->device_code, g_free);
  g_clear_pointer (&self->author, g_free);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_clear_object (&self->clock);
  g_rec_mutex_clear (&self->lock);

  G_OBJECT_CLASS (beacon_store_parent_class)->finalize (object);
}

static void
beacon_store_class_init (BeaconStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = beacon_store_finalize;

  /**
   * BeaconStore::changed:
   *
   * Emitted in the thread-default main context of the thread that opened the
   * store, after a transaction that changed something was committed.
   */
  signals[CHANGED] = g_signal_new ("changed",
                                   G_TYPE_FROM_CLASS (klass),
                                   G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL,
                                   G_TYPE_NONE, 0);
}

static void
beacon_store_init (BeaconStore *self)
{
  g_rec_mutex_init (&self->lock);
  self->statements = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                            (GDestroyNotify) sqlite3_finalize);
  self->dirty_tickets = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->author = g_strdup ("");
}

void
_beacon_store_lock (BeaconStore *self)
{
  g_rec_mutex_lock (&self->lock);
}

void
_beacon_store_unlock (BeaconStore *self)
{
  g_rec_mutex_unlock (&self->lock);
}

sqlite3 *
_beacon_store_get_db (BeaconStore *self)
{
  return self->db;
}

void
_beacon_store_set_sqlite_error (BeaconStore  *self,
                                GError      **error,
                                const char   *what)
{
  int code = sqlite3_extended_errcode (self->db);

  g_set_error (error, BEACON_STORE_ERROR,
               (code & 0xff) == SQLITE_CONSTRAINT ? BEACON_STORE_ERROR_IMMUTABLE
                                                  : BEACON_STORE_ERROR_FAILED,
               _("Database error while %s in %s: %s"),
               what, self->path, sqlite3_errmsg (self->db));
}

/**
 * _beacon_store_prepare:
 *
 * Returns: (transfer none): a reset statement from the cache; do not finalize
 */
sqlite3_stmt *
_beacon_store_prepare (BeaconStore  *self,
                       const char   *sql,
                       GError      **error)
{
  sqlite3_stmt *stmt = g_hash_table_lookup (self->statements, sql);

  if (stmt != NULL)
    {
      sqlite3_reset (stmt);
      sqlite3_clear_bindings (stmt);
      return stmt;
    }

  if (sqlite3_prepare_v3 (self->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL) != SQLITE_OK)
    {
      _beacon_store_set_sqlite_error (self, error, "preparing a query");
      return NULL;
    }

  g_hash_table_insert (self->statements, g_strdup (sql), stmt);
  return stmt;
}

gboolean
_beacon_store_exec (BeaconStore  *self,
                    const char   *sql,
                    GError      **error)
{
  char *message = NULL;

  if (sqlite3_exec (self->db, sql, NULL, NULL, &message) != SQLITE_OK)
    {
      g_set_error (error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_FAILED,
                   _("Database error in %s: %s"), self->path, message ? message : "?");
      sqlite3_free (message);
      return FALSE;
    }

  return TRUE;
}

char *
_beacon_sql_dup_text (sqlite3_stmt *stmt,
                      int           column)
{
  const unsigned char *text = sqlite3_column_text (stmt, column);

  return g_strdup ((const char *) text);
}

/* TRUE for NULL, "" and text of white space only (including U+3000). */
gboolean
_beacon_text_is_blank (const char *text)
{
  for (const char *p = text; p != NULL && *p != '\0'; p = g_utf8_next_char (p))
    {
      if (!g_unichar_isspace (g_utf8_get_char (p)))
        return FALSE;
    }
  return TRUE;
}

char *
_beacon_uuid_new (void)
{
  return g_uuid_string_random ();
}

char *
_beacon_store_dup_meta (BeaconStore *self,
                        const char  *key)
{
  sqlite3_stmt *stmt = _beacon_store_prepare (self, "SELECT value FROM meta WHERE key = ?", NULL);
  char *value = NULL;

  if (stmt == NULL)
    return NULL;

  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    value = _beacon_sql_dup_text (stmt, 0);
  sqlite3_reset (stmt);

  return value;
}

gboolean
_beacon_store_set_meta (BeaconStore  *self,
                        const char   *key,
                        const char   *value,
                        GError      **error)
{
  sqlite3_stmt *stmt;
  int rc;

  stmt = _beacon_store_prepare (self,
                                "INSERT INTO meta (key, value) VALUES (?, ?) "
                                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                                error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, value, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);

  if (rc != SQLITE_DONE)
    {
      _beacon_store_set_sqlite_error (self, error, "saving a setting");
      return FALSE;
    }

  return TRUE;
}

static gboolean
emit_changed_in_context (gpointer data)
{
  BeaconStore *self = data;

  g_signal_emit (self, signals[CHANGED], 0);
  return G_SOURCE_REMOVE;
}

void
_beacon_store_emit_changed (BeaconStore *self)
{
  g_main_context_invoke_full (self->context, G_PRIORITY_DEFAULT,
                              emit_changed_in_context,
                              g_object_ref (self), g_object_unref);
}

/* Transactions ------------------------------------------------------------ */

gboolean
_beacon_store_begin (BeaconStore  *self,
                     GError      **error)
{
  _beacon_store_lock (self);

  if (self->depth++ > 0)
    return TRUE;

  if (!_beacon_store_exec (self, "BEGIN IMMEDIATE", error))
    {
      self->depth--;
      _beacon_store_unlock (self);
      return FALSE;
    }

  self->saved_hlc = self->hlc;
  self->saved_last_seq = self->last_seq;
  self->counters_dirty = FALSE;
  self->changed = FALSE;
  g_hash_table_remove_all (self->dirty_tickets);

  return TRUE;
}

static gboolean
save_counters (BeaconStore  *self,
               GError      **error)
{
  char hlc_text[32];
  char seq_text[32];

  g_snprintf (hlc_text, sizeof hlc_text, "%" G_GUINT64_FORMAT, self->hlc);
  g_snprintf (seq_text, sizeof seq_text, "%" G_GINT64_FORMAT, self->last_seq);

  return _beacon_store_set_meta (self, "hlc", hlc_text, error) &&
         _beacon_store_set_meta (self, "last_seq", seq_text, error);
}

static gboolean
refresh_dirty_tickets (BeaconStore  *self,
                       GError      **error)
{
  GHashTableIter iter;
  gpointer ticket_id;

  g_hash_table_iter_init (&iter, self->dirty_tickets);
  while (g_hash_table_iter_next (&iter, &ticket_id, NULL))
    {
      if (!_beacon_store_refresh_ticket (self, ticket_id, error))
        return FALSE;
    }
  g_hash_table_remove_all (self->dirty_tickets);

  return TRUE;
}

gboolean
_beacon_store_commit (BeaconStore  *self,
                      GError      **error)
{
  gboolean changed;

  g_assert (self->depth > 0);

  if (self->depth > 1)
    {
      self->depth--;
      _beacon_store_unlock (self);
      return TRUE;
    }

  /* Projections and counters go into the same transaction as the changes. */
  if (!refresh_dirty_tickets (self, error) ||
      (self->counters_dirty && !save_counters (self, error)) ||
      !_beacon_store_exec (self, "COMMIT", error))
    {
      _beacon_store_rollback (self);
      return FALSE;
    }

  changed = self->changed;
  self->depth = 0;
  self->changed = FALSE;
  self->counters_dirty = FALSE;
  _beacon_store_unlock (self);

  if (changed)
    _beacon_store_emit_changed (self);

  return TRUE;
}

void
_beacon_store_rollback (BeaconStore *self)
{
  g_assert (self->depth > 0);

  if (self->depth > 1)
    {
      /* The outermost caller sees the failure and rolls everything back. */
      self->depth--;
      _beacon_store_unlock (self);
      return;
    }

  sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
  self->hlc = self->saved_hlc;
  self->last_seq = self->saved_last_seq;
  self->counters_dirty = FALSE;
  self->changed = FALSE;
  g_hash_table_remove_all (self->dirty_tickets);
  self->depth = 0;
  _beacon_store_unlock (self);
}

/* Opening ----------------------------------------------------------------- */

/**
 * beacon_store_dup_default_path:
 *
 * Returns: (transfer full): `$XDG_DATA_HOME/beacon/beacon.db`
 */
char *
beacon_store_dup_default_path (void)
{
  return g_build_filename (g_get_user_data_dir (), "beacon", "beacon.db", NULL);
}

static int
read_user_version (sqlite3 *db)
{
  sqlite3_stmt *stmt = NULL;
  int version = -1;

  if (sqlite3_prepare_v2 (db, "PRAGMA user_version", -1, &stmt, NULL) == SQLITE_OK &&
      sqlite3_step (stmt) == SQLITE_ROW)
    version = sqlite3_column_int (stmt, 0);
  sqlite3_finalize (stmt);

  return version;
}

static gboolean
migrate (BeaconStore  *self,
         GError      **error)
{
  int version = read_user_version (self->db);

  if (version < 0)
    {
      _beacon_store_set_sqlite_error (self, error, "reading the schema version");
      return FALSE;
    }

  if (version > (int) G_N_ELEMENTS (migrations))
    {
      g_set_error (error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_TOO_NEW,
                   _("The database %s was written by a newer version of Beacon "
                     "(schema %d; this version knows up to %d). "
                     "Update Beacon to open it; the database was not changed."),
                   self->path, version, (int) G_N_ELEMENTS (migrations));
      return FALSE;
    }

  for (int i = version; i < (int) G_N_ELEMENTS (migrations); i++)
    {
      g_autofree char *bump = g_strdup_printf ("PRAGMA user_version = %d", i + 1);

      if (!_beacon_store_exec (self, "BEGIN IMMEDIATE", error))
        return FALSE;

      if (!_beacon_store_exec (self, migrations[i], error) ||
          !_beacon_store_exec (self, bump, error))
        {
          sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
          g_prefix_error (error, _("Could not upgrade the database to schema %d: "), i + 1);
          return FALSE;
        }

      if (!_beacon_store_exec (self, "COMMIT", error))
        return FALSE;
    }

  return TRUE;
}

static char *
make_device_code (void)
{
  /* Crockford's base 32: no I, L, O or U to misread on a printed report. */
  static const char alphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
  char code[5];

  for (guint i = 0; i < 4; i++)
    code[i] = alphabet[g_random_int_range (0, 32)];
  code[4] = '\0';

  return g_strdup (code);
}

static gboolean
load_identity (BeaconStore  *self,
               GError      **error)
{
  g_autofree char *hlc = NULL;
  g_autofree char *last_seq = NULL;

  self->device_id = _beacon_store_dup_meta (self, "device_id");
  self->device_code = _beacon_store_dup_meta (self, "device_code");

  if (self->device_id == NULL)
    {
      g_clear_pointer (&self->device_code, g_free);
      self->device_id = _beacon_uuid_new ();
      self->device_code = make_device_code ();

      if (!_beacon_store_exec (self, "BEGIN IMMEDIATE", error))
        return FALSE;
      if (!_beacon_store_set_meta (self, "device_id", self->device_id, error) ||
          !_beacon_store_set_meta (self, "device_code", self->device_code, error) ||
          !_beacon_store_exec (self, "COMMIT", error))
        {
          sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
          return FALSE;
        }
    }

  hlc = _beacon_store_dup_meta (self, "hlc");
  last_seq = _beacon_store_dup_meta (self, "last_seq");
  self->hlc = hlc ? g_ascii_strtoull (hlc, NULL, 10) : 0;
  self->last_seq = last_seq ? g_ascii_strtoll (last_seq, NULL, 10) : 0;

  return TRUE;
}

/**
 * beacon_store_open:
 * @path: (nullable): the database file; %NULL for the default path
 * @clock: the clock the store reads (the only source of “now”)
 *
 * Opens or creates a database, upgrading it to the current schema. A
 * database from a newer Beacon is refused with %BEACON_STORE_ERROR_TOO_NEW
 * and left as it was.
 *
 * Returns: (transfer full): the store, or %NULL with @error set
 */
BeaconStore *
beacon_store_open (const char   *path,
                   BeaconClock  *clock,
                   GError      **error)
{
  g_autoptr(BeaconStore) self = NULL;
  g_autofree char *dir = NULL;
  int rc;

  g_return_val_if_fail (BEACON_IS_CLOCK (clock), NULL);

  self = g_object_new (BEACON_TYPE_STORE, NULL);
  self->path = path ? g_strdup (path) : beacon_store_dup_default_path ();
  self->clock = g_object_ref (clock);
  self->context = g_main_context_ref_thread_default ();

  dir = g_path_get_dirname (self->path);
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   _("Could not create the folder %s for the database: %s"),
                   dir, g_strerror (saved_errno));
      return NULL;
    }

  rc = sqlite3_open_v2 (self->path, &self->db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
                        NULL);
  if (rc != SQLITE_OK)
    {
      g_set_error (error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_FAILED,
                   _("Could not open the database %s: %s"),
                   self->path, self->db ? sqlite3_errmsg (self->db) : sqlite3_errstr (rc));
      return NULL;
    }

  sqlite3_busy_timeout (self->db, 10000);
  sqlite3_extended_result_codes (self->db, 1);

  /* Check the version before anything writes to the file. */
  if (read_user_version (self->db) > (int) G_N_ELEMENTS (migrations))
    {
      migrate (self, error);
      return NULL;
    }

  /* Signatures ride on these commits: a power cut must not take a
   * committed transaction with it. */
  if (!_beacon_store_exec (self, "PRAGMA journal_mode = WAL", error) ||
      !_beacon_store_exec (self, "PRAGMA synchronous = FULL", error) ||
      !_beacon_store_exec (self, "PRAGMA foreign_keys = ON", error) ||
      !migrate (self, error) ||
      !load_identity (self, error))
    return NULL;

  return g_steal_pointer (&self);
}

const char *
beacon_store_get_path (BeaconStore *self)
{
  g_return_val_if_fail (BEACON_IS_STORE (self), NULL);
  return self->path;
}

/**
 * beacon_store_get_clock:
 *
 * Returns: (transfer none): the clock the store reads
 */
BeaconClock *
beacon_store_get_clock (BeaconStore *self)
{
  g_return_val_if_fail (BEACON_IS_STORE (self), NULL);
  return self->clock;
}

const char *
beacon_store_get_device_id (BeaconStore *self)
{
  g_return_val_if_fail (BEACON_IS_STORE (self), NULL);
  return self->device_id;
}

const char *
beacon_store_get_device_code (BeaconStore *self)
{
  g_return_val_if_fail (BEACON_IS_STORE (self), NULL);
  return self->device_code;
}

BeaconHlc
beacon_store_get_hlc (BeaconStore *self)
{
  BeaconHlc hlc;

  g_return_val_if_fail (BEACON_IS_STORE (self), 0);

  _beacon_store_lock (self);
  hlc = self->hlc;
  _beacon_store_unlock (self);

  return hlc;
}

gint64
beacon_store_get_last_seq (BeaconStore *self)
{
  gint64 seq;

  g_return_val_if_fail (BEACON_IS_STORE (self), 0);

  _beacon_store_lock (self);
  seq = self->last_seq;
  _beacon_store_unlock (self);

  return seq;
}

/**
 * beacon_store_now:
 *
 * Returns: the store clock's time in seconds since the epoch
 */
gint64
beacon_store_now (BeaconStore *self)
{
  g_return_val_if_fail (BEACON_IS_STORE (self), 0);
  return beacon_clock_get_now_seconds (self->clock);
}

/**
 * beacon_store_get_author:
 *
 * Returns: the id of the user this device records changes for, or ""
 */
const char *
beacon_store_get_author (BeaconStore *self)
{
  g_return_val_if_fail (BEACON_IS_STORE (self), NULL);
  return self->author;
}

void
beacon_store_set_author (BeaconStore *self,
                         const char  *user_id)
{
  g_return_if_fail (BEACON_IS_STORE (self));

  _beacon_store_lock (self);
  g_free (self->author);
  self->author = g_strdup (user_id ? user_id : "");
  _beacon_store_unlock (self);
}

/**
 * beacon_store_dup_office_prefix:
 *
 * Returns: (transfer full): the prefix of ticket numbers for sites that have
 *   none of their own
 */
char *
beacon_store_dup_office_prefix (BeaconStore *self)
{
  char *prefix;

  g_return_val_if_fail (BEACON_IS_STORE (self), NULL);

  _beacon_store_lock (self);
  prefix = _beacon_store_dup_meta (self, "office_prefix");
  _beacon_store_unlock (self);

  return prefix ? prefix : g_strdup ("BC");
}

gboolean
beacon_store_set_office_prefix (BeaconStore  *self,
                                const char   *prefix,
                                GError      **error)
{
  gboolean ok;

  g_return_val_if_fail (BEACON_IS_STORE (self), FALSE);

  for (const char *p = prefix; p && *p; p++)
    {
      if (!g_ascii_isalnum (*p))
        {
          g_set_error (error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_INVALID,
                       _("The office prefix “%s” may only contain letters A–Z and digits"),
                       prefix);
          return FALSE;
        }
    }
  if (prefix == NULL || *prefix == '\0' || strlen (prefix) > 8)
    {
      g_set_error (error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_INVALID,
                   _("The office prefix must have 1 to 8 letters or digits"));
      return FALSE;
    }

  if (!_beacon_store_begin (self, error))
    return FALSE;
  ok = _beacon_store_set_meta (self, "office_prefix", prefix, error);
  if (!ok)
    {
      _beacon_store_rollback (self);
      return FALSE;
    }
  return _beacon_store_commit (self, error);
}

/* Applying changes -------------------------------------------------------- */

static int
compare_versions (BeaconHlc   hlc_a,
                  const char *device_a,
                  BeaconHlc   hlc_b,
                  const char *device_b)
{
  if (hlc_a != hlc_b)
    return hlc_a < hlc_b ? -1 : 1;
  return g_strcmp0 (device_a, device_b);
}

static void
mark_ticket_dirty (BeaconStore *self,
                   const char  *ticket_id)
{
  if (ticket_id != NULL && *ticket_id != '\0' &&
      !g_hash_table_contains (self->dirty_tickets, ticket_id))
    g_hash_table_add (self->dirty_tickets, g_strdup (ticket_id));
}

static void
bind_json_value (sqlite3_stmt *stmt,
                 int           index,
                 const char   *json_text)
{
  g_autoptr(JsonNode) node = NULL;
  gsize length = strlen (json_text);

  /* Plain strings and integers, most of what is written, skip the parser. */
  if (length >= 2 && json_text[0] == '"' && json_text[length - 1] == '"' &&
      memchr (json_text + 1, '\\', length - 2) == NULL &&
      memchr (json_text + 1, '"', length - 2) == NULL)
    {
      sqlite3_bind_text (stmt, index, json_text + 1, (int) length - 2, SQLITE_TRANSIENT);
      return;
    }
  if (length > 0 && length < 19 && strspn (json_text + (json_text[0] == '-'), "0123456789") ==
      length - (json_text[0] == '-') && length > (gsize) (json_text[0] == '-'))
    {
      sqlite3_bind_int64 (stmt, index, g_ascii_strtoll (json_text, NULL, 10));
      return;
    }

  node = beacon_json_parse (json_text, NULL);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    sqlite3_bind_null (stmt, index);
  else if (JSON_NODE_HOLDS_VALUE (node))
    {
      GType type = json_node_get_value_type (node);

      if (type == G_TYPE_STRING)
        sqlite3_bind_text (stmt, index, json_node_get_string (node), -1, SQLITE_TRANSIENT);
      else if (type == G_TYPE_BOOLEAN)
        sqlite3_bind_int (stmt, index, json_node_get_boolean (node));
      else if (type == G_TYPE_DOUBLE)
        sqlite3_bind_double (stmt, index, json_node_get_double (node));
      else
        sqlite3_bind_int64 (stmt, index, json_node_get_int (node));
    }
  else
    sqlite3_bind_text (stmt, index, json_text, -1, SQLITE_TRANSIENT);
}

static gboolean
project_column (BeaconStore   *self,
                const char    *entity,
                const char    *entity_id,
                const char    *field,
                const char    *value,
                GError       **error)
{
  for (guint i = 0; i < G_N_ELEMENTS (projections); i++)
    {
      Projection *projection = &projections[i];
      sqlite3_stmt *stmt;
      int rc;

      if (!g_str_equal (projection->entity, entity) || !g_str_equal (projection->field, field))
        continue;

      /* Names come from the table above, never from the change. */
      if (g_once_init_enter (&projection->upsert_sql))
        g_once_init_leave (&projection->upsert_sql,
                           g_strdup_printf ("INSERT INTO %s (id, %s) VALUES (?, ?) "
                                            "ON CONFLICT (id) DO UPDATE SET %s = excluded.%s",
                                            projection->table, projection->column,
                                            projection->column, projection->column));

      stmt = _beacon_store_prepare (self, projection->upsert_sql, error);
      if (stmt == NULL)
        return FALSE;

      sqlite3_bind_text (stmt, 1, entity_id, -1, SQLITE_STATIC);
      bind_json_value (stmt, 2, value);
      rc = sqlite3_step (stmt);
      sqlite3_reset (stmt);

      if (rc != SQLITE_DONE)
        {
          _beacon_store_set_sqlite_error (self, error, "updating a projection");
          return FALSE;
        }

      break;
    }

  return TRUE;
}

static gboolean
mark_tickets_of (BeaconStore  *self,
                 const char   *column_sql,
                 const char   *id,
                 GError      **error)
{
  sqlite3_stmt *stmt = _beacon_store_prepare (self, column_sql, error);

  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_STATIC);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    mark_ticket_dirty (self, (const char *) sqlite3_column_text (stmt, 0));
  sqlite3_reset (stmt);

  return TRUE;
}

typedef struct
{
  char      *version;
  BeaconHlc  hlc;
  char      *device;
  char      *value;
} RegisterVersion;

static void
register_version_free (RegisterVersion *version)
{
  g_free (version->version);
  g_free (version->device);
  g_free (version->value);
  g_free (version);
}

/*
 * The conflicts of a register are a function of the set of changes written
 * to it, so they come out the same whatever order the changes arrive in:
 * every version that is not the winner, was not seen and replaced by a later
 * write (named in its `prev`), and holds another value than the winner.
 */
static gboolean
recompute_conflicts (BeaconStore  *self,
                     const char   *entity,
                     const char   *entity_id,
                     const char   *field,
                     GError      **error)
{
  g_autoptr(GPtrArray) versions = g_ptr_array_new_with_free_func ((GDestroyNotify) register_version_free);
  g_autoptr(GHashTable) superseded = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  RegisterVersion *winner = NULL;
  sqlite3_stmt *stmt;

  stmt = _beacon_store_prepare (self,
                                "SELECT hlc, device, value, prev FROM oplog "
                                "WHERE entity = ? AND entity_id = ? AND field = ?",
                                error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, entity, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, entity_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, field, -1, SQLITE_STATIC);

  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      RegisterVersion *version = g_new0 (RegisterVersion, 1);
      g_autoptr(JsonNode) prev = NULL;

      version->hlc = sqlite3_column_int64 (stmt, 0);
      version->device = _beacon_sql_dup_text (stmt, 1);
      version->value = _beacon_sql_dup_text (stmt, 2);
      version->version = beacon_version_format (version->hlc, version->device);
      g_ptr_array_add (versions, version);

      prev = beacon_json_parse ((const char *) sqlite3_column_text (stmt, 3), NULL);
      if (prev != NULL && JSON_NODE_HOLDS_ARRAY (prev))
        {
          JsonArray *array = json_node_get_array (prev);

          for (guint i = 0; i < json_array_get_length (array); i++)
            {
              const char *seen = json_array_get_string_element (array, i);

              if (seen != NULL)
                g_hash_table_add (superseded, g_strdup (seen));
            }
        }

      if (winner == NULL ||
          compare_versions (version->hlc, version->device, winner->hlc, winner->device) > 0)
        winner = version;
    }
  sqlite3_reset (stmt);

  stmt = _beacon_store_prepare (self,
                                "DELETE FROM conflicts WHERE entity = ? AND entity_id = ? AND field = ?",
                                error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, entity, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, entity_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, field, -1, SQLITE_STATIC);
  sqlite3_step (stmt);
  sqlite3_reset (stmt);

  for (guint i = 0; i < versions->len; i++)
    {
      RegisterVersion *version = g_ptr_array_index (versions, i);
      int rc;

      if (version == winner ||
          g_hash_table_contains (superseded, version->version) ||
          g_str_equal (version->value, winner->value))
        continue;

      stmt = _beacon_store_prepare (self,
                                    "INSERT OR REPLACE INTO conflicts (entity, entity_id, field, "
                                    "value, hlc, device, winner_value, winner_hlc, winner_device) "
                                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                                    error);
      if (stmt == NULL)
        return FALSE;

      sqlite3_bind_text (stmt, 1, entity, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 2, entity_id, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 3, field, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 4, version->value, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 5, version->hlc);
      sqlite3_bind_text (stmt, 6, version->device, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 7, winner->value, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 8, winner->hlc);
      sqlite3_bind_text (stmt, 9, winner->device, -1, SQLITE_STATIC);
      rc = sqlite3_step (stmt);
      sqlite3_reset (stmt);

      if (rc != SQLITE_DONE)
        {
          _beacon_store_set_sqlite_error (self, error, "keeping a conflicting value");
          return FALSE;
        }
    }

  return TRUE;
}

static gboolean
project_register (BeaconStore         *self,
                  const BeaconChange  *change,
                  GError             **error)
{
  sqlite3_stmt *stmt;
  gboolean existed = FALSE;
  gboolean wins = TRUE;
  int rc;

  stmt = _beacon_store_prepare (self,
                                "SELECT hlc, device FROM registers "
                                "WHERE entity = ? AND entity_id = ? AND field = ?",
                                error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, change->entity, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, change->entity_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, change->field, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      existed = TRUE;
      wins = compare_versions (change->hlc, change->device,
                               sqlite3_column_int64 (stmt, 0),
                               (const char *) sqlite3_column_text (stmt, 1)) > 0;
    }
  sqlite3_reset (stmt);

  if (wins)
    {
      stmt = _beacon_store_prepare (self,
                                    "INSERT OR REPLACE INTO registers "
                                    "(entity, entity_id, field, value, hlc, device) "
                                    "VALUES (?, ?, ?, ?, ?, ?)",
                                    error);
      if (stmt == NULL)
        return FALSE;

      sqlite3_bind_text (stmt, 1, change->entity, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 2, change->entity_id, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 3, change->field, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 4, change->value, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 5, change->hlc);
      sqlite3_bind_text (stmt, 6, change->device, -1, SQLITE_STATIC);
      rc = sqlite3_step (stmt);
      sqlite3_reset (stmt);

      if (rc != SQLITE_DONE)
        {
          _beacon_store_set_sqlite_error (self, error, "writing a field");
          return FALSE;
        }

      if (!project_column (self, change->entity, change->entity_id, change->field,
                           change->value, error))
        return FALSE;

      if (g_str_equal (change->entity, "ticket"))
        mark_ticket_dirty (self, change->entity_id);
      else if (g_str_equal (change->entity, "calendar") || g_str_equal (change->entity, "policy"))
        {
          /* Open tickets count their clocks again (beacon-metrics.c). */
          _beacon_store_forget_sla_cache (self);
          if (!mark_tickets_of (self, "SELECT id FROM tickets WHERE is_open = 1 AND ?1 = ?1",
                                change->entity_id, error))
            return FALSE;
        }
      else if (existed && g_str_equal (change->field, "name") &&
               g_str_equal (change->entity, "customer"))
        {
          if (!mark_tickets_of (self, "SELECT id FROM tickets WHERE customer_id = ?",
                                change->entity_id, error))
            return FALSE;
        }
      else if (existed && g_str_equal (change->field, "name") &&
               g_str_equal (change->entity, "site"))
        {
          if (!mark_tickets_of (self, "SELECT id FROM tickets WHERE site_id = ?",
                                change->entity_id, error))
            return FALSE;
        }
    }

  /* With no earlier version there is nothing to be in conflict with. */
  if (existed)
    return recompute_conflicts (self, change->entity, change->entity_id, change->field, error);

  return TRUE;
}

static gboolean
project_event (BeaconStore         *self,
               const BeaconChange  *change,
               GError             **error)
{
  g_autoptr(JsonNode) node = beacon_json_parse (change->value, NULL);
  g_autofree char *payload = NULL;
  JsonObject *event;
  JsonNode *payload_node;
  sqlite3_stmt *stmt;
  const char *ticket_id;
  const char *type;
  int rc;

  event = node && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
  ticket_id = event ? json_object_get_string_member_with_default (event, "ticket", NULL) : NULL;
  type = event ? json_object_get_string_member_with_default (event, "type", NULL) : NULL;

  if (ticket_id == NULL || type == NULL ||
      !json_object_has_member (event, "occurred_at") ||
      !json_object_has_member (event, "recorded_at"))
    {
      g_set_error (error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_INVALID,
                   _("Change %s/%" PRId64 ": event %s lacks its ticket, type or times"),
                   change->device, change->seq, change->entity_id);
      return FALSE;
    }

  payload_node = json_object_get_member (event, "payload");
  payload = payload_node && JSON_NODE_HOLDS_OBJECT (payload_node)
            ? beacon_json_to_canonical (payload_node) : g_strdup ("{}");

  stmt = _beacon_store_prepare (self,
                                "INSERT OR IGNORE INTO ticket_events (id, ticket_id, type, "
                                "occurred_at, recorded_at, author, note, payload, hlc, device) "
                                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                                error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, change->entity_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, ticket_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, type, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 4, json_object_get_int_member (event, "occurred_at"));
  sqlite3_bind_int64 (stmt, 5, json_object_get_int_member (event, "recorded_at"));
  sqlite3_bind_text (stmt, 6, json_object_get_string_member_with_default (event, "author", ""),
                     -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 7, json_object_get_string_member_with_default (event, "note", ""),
                     -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 8, payload, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 9, change->hlc);
  sqlite3_bind_text (stmt, 10, change->device, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);

  if (rc != SQLITE_DONE)
    {
      _beacon_store_set_sqlite_error (self, error, "recording an event");
      return FALSE;
    }

  mark_ticket_dirty (self, ticket_id);
  return TRUE;
}

static gboolean
project_change (BeaconStore         *self,
                const BeaconChange  *change,
                GError             **error)
{
  gboolean refused = FALSE;

  if (g_str_equal (change->entity, "event"))
    return project_event (self, change, error);
  /* A change to a sealed report stays in the oplog only (beacon-report.c). */
  if (!_beacon_report_project_change (self, change, &refused, error))
    return FALSE;
  if (refused)
    return TRUE;
  return project_register (self, change, error);
}

static gboolean
validate_change (const BeaconChange  *change,
                 GError             **error)
{
  g_autoptr(JsonNode) value = NULL;
  g_autoptr(JsonNode) prev = NULL;
  g_autoptr(GError) local_error = NULL;

  if (change->device == NULL || *change->device == '\0' || change->seq < 1 ||
      change->entity == NULL || *change->entity == '\0' ||
      change->entity_id == NULL || *change->entity_id == '\0' ||
      change->field == NULL)
    {
      g_set_error (error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_INVALID,
                   _("Change %s/%" PRId64 " lacks its device, sequence, entity or id"),
                   change->device ? change->device : "?", change->seq);
      return FALSE;
    }

  if (g_str_equal (change->entity, "event") != (*change->field == '\0'))
    {
      g_set_error (error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_INVALID,
                   _("Change %s/%" PRId64 ": an event has no field, and a field "
                     "change needs one"),
                   change->device, change->seq);
      return FALSE;
    }

  value = beacon_json_parse (change->value, &local_error);
  if (value == NULL)
    {
      g_set_error (error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_INVALID,
                   _("Change %s/%" PRId64 ", value: %s"),
                   change->device, change->seq, local_error->message);
      return FALSE;
    }

  prev = beacon_json_parse (change->prev, NULL);
  if (prev == NULL || !JSON_NODE_HOLDS_ARRAY (prev))
    {
      g_set_error (error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_INVALID,
                   _("Change %s/%" PRId64 ": “prev” must be a JSON array"),
                   change->device, change->seq);
      return FALSE;
    }

  return TRUE;
}

static gboolean
load_change (BeaconStore   *self,
             const char    *device,
             gint64         seq,
             BeaconChange **out_change,
             GError       **error)
{
  sqlite3_stmt *stmt;

  stmt = _beacon_store_prepare (self,
                                "SELECT hlc, schema_version, entity, entity_id, field, value, prev "
                                "FROM oplog WHERE device = ? AND seq = ?",
                                error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, device, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, seq);
  *out_change = NULL;
  if (sqlite3_step (stmt) == SQLITE_ROW)
    *out_change = beacon_change_new (device, seq,
                                     sqlite3_column_int64 (stmt, 0),
                                     sqlite3_column_int (stmt, 1),
                                     (const char *) sqlite3_column_text (stmt, 2),
                                     (const char *) sqlite3_column_text (stmt, 3),
                                     (const char *) sqlite3_column_text (stmt, 4),
                                     (const char *) sqlite3_column_text (stmt, 5),
                                     (const char *) sqlite3_column_text (stmt, 6));
  sqlite3_reset (stmt);

  return TRUE;
}

/*
 * The one way into the oplog. Returns TRUE with *out_new = FALSE when the
 * change was already there (a duplicate changes nothing), and fails when a
 * change with the same device and sequence but other content is offered.
 */
static gboolean
apply_change (BeaconStore         *self,
              const BeaconChange  *change,
              gboolean             local,
              gboolean            *out_new,
              GError             **error)
{
  sqlite3_stmt *stmt;
  int rc;

  *out_new = FALSE;

  /* A local change was just made by this process from valid values. */
  if (!local && !validate_change (change, error))
    return FALSE;

  /* A local edit of a sealed report fails here and writes nothing; an
   * imported one is kept but not projected (see project_change). */
  if (local && !_beacon_report_guard_local_change (self, change, error))
    return FALSE;

  stmt = _beacon_store_prepare (self,
                                "INSERT INTO oplog (device, seq, hlc, schema_version, entity, "
                                "entity_id, field, value, prev) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
                                "ON CONFLICT (device, seq) DO NOTHING",
                                error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, change->device, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, change->seq);
  sqlite3_bind_int64 (stmt, 3, (sqlite3_int64) change->hlc);
  sqlite3_bind_int (stmt, 4, change->schema_version);
  sqlite3_bind_text (stmt, 5, change->entity, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 6, change->entity_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 7, change->field, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 8, change->value, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 9, change->prev, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);

  if (rc != SQLITE_DONE)
    {
      _beacon_store_set_sqlite_error (self, error, "appending to the oplog");
      return FALSE;
    }

  if (sqlite3_changes (self->db) == 0)
    {
      g_autoptr(BeaconChange) stored = NULL;

      if (!load_change (self, change->device, change->seq, &stored, error))
        return FALSE;

      if (stored != NULL && beacon_change_equal (stored, change))
        return TRUE;

      g_set_error (error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_DIVERGED,
                   _("Change %s/%" PRId64 " is already stored with other content; "
                     "the device's history has diverged"),
                   change->device, change->seq);
      return FALSE;
    }

  *out_new = TRUE;
  self->changed = TRUE;
  return project_change (self, change, error);
}

/**
 * _beacon_store_record:
 * @value: the new value; a JSON object for an event
 * @prev: (nullable): JSON array of the versions this write replaces; %NULL
 *   for the register's current version
 *
 * Records a local change: a new sequence number and HLC value for this
 * device, appended and applied like any imported change. The caller holds a
 * transaction.
 */
gboolean
_beacon_store_record (BeaconStore  *self,
                      const char   *entity,
                      const char   *entity_id,
                      const char   *field,
                      JsonNode     *value,
                      const char   *prev,
                      GError      **error)
{
  g_autoptr(BeaconChange) change = NULL;
  g_autofree char *value_text = NULL;
  g_autofree char *current = NULL;
  gboolean is_new;

  g_assert (self->depth > 0);

  if (prev == NULL && field != NULL && *field != '\0')
    {
      sqlite3_stmt *stmt = _beacon_store_prepare (self,
                                                  "SELECT hlc, device FROM registers "
                                                  "WHERE entity = ? AND entity_id = ? AND field = ?",
                                                  error);
      if (stmt == NULL)
        return FALSE;

      sqlite3_bind_text (stmt, 1, entity, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 2, entity_id, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 3, field, -1, SQLITE_STATIC);
      if (sqlite3_step (stmt) == SQLITE_ROW)
        {
          g_autofree char *version =
            beacon_version_format (sqlite3_column_int64 (stmt, 0),
                                   (const char *) sqlite3_column_text (stmt, 1));
          GString *array = g_string_new ("[");

          beacon_json_append_string (array, version);
          g_string_append_c (array, ']');
          current = g_string_free (array, FALSE);
        }
      sqlite3_reset (stmt);
    }

  self->hlc = beacon_hlc_tick (self->hlc, beacon_clock_get_now (self->clock) / 1000);
  self->last_seq++;
  self->counters_dirty = TRUE;

  value_text = beacon_json_to_canonical (value);
  change = beacon_change_new (self->device_id, self->last_seq, self->hlc, BEACON_SCHEMA_VERSION,
                              entity, entity_id, field, value_text,
                              prev ? prev : current ? current : "[]");

  return apply_change (self, change, TRUE, &is_new, error);
}

gboolean
_beacon_store_record_string (BeaconStore  *self,
                             const char   *entity,
                             const char   *entity_id,
                             const char   *field,
                             const char   *value,
                             GError      **error)
{
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_VALUE);

  if (value == NULL)
    json_node_init_null (node);
  else
    json_node_set_string (node, value);

  return _beacon_store_record (self, entity, entity_id, field, node, NULL, error);
}

gboolean
_beacon_store_record_int (BeaconStore  *self,
                          const char   *entity,
                          const char   *entity_id,
                          const char   *field,
                          gint64        value,
                          GError      **error)
{
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_VALUE);

  json_node_set_int (node, value);
  return _beacon_store_record (self, entity, entity_id, field, node, NULL, error);
}

/**
 * beacon_store_apply_changes:
 * @changes: (element-type BeaconChange): changes from other devices
 * @out_n_applied: (out) (optional): how many were new
 *
 * Applies changes in one transaction: all of them or, on error, none.
 * A change that is already stored changes nothing.
 *
 * Returns: %TRUE on success
 */
gboolean
beacon_store_apply_changes (BeaconStore  *self,
                            GPtrArray    *changes,
                            guint        *out_n_applied,
                            GError      **error)
{
  gint64 wall_ms;
  guint n_applied = 0;

  g_return_val_if_fail (BEACON_IS_STORE (self), FALSE);
  g_return_val_if_fail (changes != NULL, FALSE);

  if (!_beacon_store_begin (self, error))
    return FALSE;

  wall_ms = beacon_clock_get_now (self->clock) / 1000;

  for (guint i = 0; i < changes->len; i++)
    {
      const BeaconChange *change = g_ptr_array_index (changes, i);
      gboolean is_new;

      if (!apply_change (self, change, FALSE, &is_new, error))
        {
          _beacon_store_rollback (self);
          return FALSE;
        }

      if (is_new)
        {
          /* Our clock moves past every change we have seen. */
          self->hlc = beacon_hlc_merge (self->hlc, change->hlc, wall_ms);
          self->counters_dirty = TRUE;
          n_applied++;
        }
    }

  if (!_beacon_store_commit (self, error))
    return FALSE;

  if (out_n_applied != NULL)
    *out_n_applied = n_applied;

  return TRUE;
}

/**
 * beacon_store_list_changes:
 * @device: (nullable): a device UUID; %NULL for every device
 * @after_seq: list changes with a greater sequence number
 * @limit: the most to return; 0 for no limit
 *
 * Returns: (transfer full) (element-type BeaconChange): the changes in
 *   device and sequence order
 */
GPtrArray *
beacon_store_list_changes (BeaconStore  *self,
                           const char   *device,
                           gint64        after_seq,
                           guint         limit,
                           GError      **error)
{
  g_autoptr(GPtrArray) changes = g_ptr_array_new_with_free_func ((GDestroyNotify) beacon_change_free);
  sqlite3_stmt *stmt;

  g_return_val_if_fail (BEACON_IS_STORE (self), NULL);

  _beacon_store_lock (self);

  stmt = _beacon_store_prepare (self,
                                "SELECT device, seq, hlc, schema_version, entity, entity_id, "
                                "field, value, prev FROM oplog "
                                "WHERE (?1 IS NULL OR device = ?1) AND seq > ?2 "
                                "ORDER BY device, seq LIMIT ?3",
                                error);
  if (stmt == NULL)
    {
      _beacon_store_unlock (self);
      return NULL;
    }

  sqlite3_bind_text (stmt, 1, device, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, after_seq);
  sqlite3_bind_int64 (stmt, 3, limit > 0 ? (gint64) limit : -1);

  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_ptr_array_add (changes,
                     beacon_change_new ((const char *) sqlite3_column_text (stmt, 0),
                                        sqlite3_column_int64 (stmt, 1),
                                        sqlite3_column_int64 (stmt, 2),
                                        sqlite3_column_int (stmt, 3),
                                        (const char *) sqlite3_column_text (stmt, 4),
                                        (const char *) sqlite3_column_text (stmt, 5),
                                        (const char *) sqlite3_column_text (stmt, 6),
                                        (const char *) sqlite3_column_text (stmt, 7),
                                        (const char *) sqlite3_column_text (stmt, 8)));
  sqlite3_reset (stmt);

  _beacon_store_unlock (self);

  return g_steal_pointer (&changes);
}

/**
 * beacon_store_rebuild_projections:
 *
 * Throws away every table derived from the oplog and replays the oplog.
 * The result is the same as the projections kept up to date change by
 * change, which the tests check.
 */
gboolean
beacon_store_rebuild_projections (BeaconStore  *self,
                                  GError      **error)
{
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (BEACON_IS_STORE (self), FALSE);

  if (!_beacon_store_begin (self, error))
    return FALSE;

  if (!_beacon_store_exec (self,
                           "INSERT INTO maintenance (reason) VALUES ('rebuild');"
                           "DELETE FROM registers; DELETE FROM conflicts;"
                           "DELETE FROM ticket_events; DELETE FROM ticket_search;"
                           "DELETE FROM maintenance;",
                           error))
    goto fail;

  for (guint i = 0; i < G_N_ELEMENTS (projection_tables); i++)
    {
      g_autofree char *sql = g_strdup_printf ("DELETE FROM %s", projection_tables[i]);

      if (!_beacon_store_exec (self, sql, error))
        goto fail;
    }

  /* Not a cached statement: project_change() uses the cache meanwhile. */
  if (sqlite3_prepare_v2 (self->db,
                          "SELECT device, seq, hlc, schema_version, entity, entity_id, field, "
                          "value, prev FROM oplog ORDER BY hlc, device",
                          -1, &stmt, NULL) != SQLITE_OK)
    {
      _beacon_store_set_sqlite_error (self, error, "reading the oplog");
      goto fail;
    }

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_autoptr(BeaconChange) change =
        beacon_change_new ((const char *) sqlite3_column_text (stmt, 0),
                           sqlite3_column_int64 (stmt, 1),
                           sqlite3_column_int64 (stmt, 2),
                           sqlite3_column_int (stmt, 3),
                           (const char *) sqlite3_column_text (stmt, 4),
                           (const char *) sqlite3_column_text (stmt, 5),
                           (const char *) sqlite3_column_text (stmt, 6),
                           (const char *) sqlite3_column_text (stmt, 7),
                           (const char *) sqlite3_column_text (stmt, 8));

      if (!project_change (self, change, error))
        {
          sqlite3_finalize (stmt);
          goto fail;
        }
    }
  sqlite3_finalize (stmt);

  if (rc != SQLITE_DONE)
    {
      _beacon_store_set_sqlite_error (self, error, "reading the oplog");
      goto fail;
    }

  self->changed = TRUE;
  return _beacon_store_commit (self, error);

fail:
  _beacon_store_rollback (self);
  return FALSE;
}

/**
 * beacon_store_check_integrity:
 *
 * Runs SQLite's integrity check.
 */
gboolean
beacon_store_check_integrity (BeaconStore  *self,
                              GError      **error)
{
  sqlite3_stmt *stmt = NULL;
  g_autofree char *result = NULL;

  g_return_val_if_fail (BEACON_IS_STORE (self), FALSE);

  _beacon_store_lock (self);
  if (sqlite3_prepare_v2 (self->db, "PRAGMA integrity_check", -1, &stmt, NULL) == SQLITE_OK &&
      sqlite3_step (stmt) == SQLITE_ROW)
    result = _beacon_sql_dup_text (stmt, 0);
  sqlite3_finalize (stmt);
  _beacon_store_unlock (self);

  if (g_strcmp0 (result, "ok") != 0)
    {
      g_set_error (error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_FAILED,
                   _("The database %s is damaged: %s"), self->path, result ? result : "?");
      return FALSE;
    }

  return TRUE;
}
