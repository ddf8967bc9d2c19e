/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <inttypes.h>
#include <signal.h>
#include <sys/prctl.h>
#include <string.h>
#include <glib/gstdio.h>
#include <libsoup/soup.h>
#include <sqlite3.h>

#include "beacon-json.h"
#include "beacon-segment.h"
#include "beacon-store.h"
#include "beacon-sync.h"
#include "beacon-sync-private.h"
#include "beacon-test-util.h"
#include "beacon-ticket.h"

/* 2026-11-27T09:00:00+08:00 */
#define T0 ((gint64) 1795741200)
#define FIVE_HOURS ((gint64) 5 * 3600)

/* Helpers ------------------------------------------------------------------ */

typedef struct
{
  BeaconClock *clock;
  BeaconStore *store;
  GPtrArray   *tickets;   /* ticket ids this device knows of */
  char        *path;
} Device;

static Device *
device_new (const char *dir,
            const char *name,
            gint64      start)
{
  g_autoptr(GError) error = NULL;
  Device *device = g_new0 (Device, 1);

  device->path = g_strdup_printf ("%s/%s.db", dir, name);
  device->clock = beacon_clock_new_fixed (start * G_USEC_PER_SEC);
  device->store = beacon_store_open (device->path, device->clock, &error);
  g_assert_no_error (error);
  device->tickets = g_ptr_array_new_with_free_func (g_free);
  return device;
}

static void
device_free (Device *device)
{
  g_clear_object (&device->store);
  g_clear_object (&device->clock);
  g_ptr_array_unref (device->tickets);
  g_free (device->path);
  g_free (device);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Device, device_free)

static char *
make_ticket (Device *device)
{
  g_autoptr(BeaconTicket) ticket = beacon_test_make_ticket (device->store, 1 + g_random_int_range (0, 4));

  g_ptr_array_add (device->tickets, g_strdup (ticket->id));
  return g_strdup (ticket->id);
}

static void
set_summary (Device     *device,
             const char *ticket_id,
             const char *summary)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_VALUE);

  json_node_set_string (node, summary);
  g_assert_true (beacon_store_set_ticket_field (device->store, ticket_id, "summary", node, &error));
  g_assert_no_error (error);
}

static void
add_note (Device     *device,
          const char *ticket_id,
          const char *note)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *id = beacon_store_add_event (device->store, ticket_id, BEACON_EVENT_NOTE, 0,
                                                note, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (id);
}

/* Offline work: new tickets, notes and edits, some on tickets from others. */
static void
work_offline (Device *device,
              GRand  *rand,
              guint   n)
{
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *text = g_strdup_printf ("%s 操作 %u-%u", device->path, i,
                                               g_rand_int (rand));
      const char *ticket_id;

      beacon_clock_advance (device->clock, g_rand_int_range (rand, 1, 90) * G_USEC_PER_SEC);

      if (device->tickets->len == 0 || g_rand_int_range (rand, 0, 4) == 0)
        {
          g_free (make_ticket (device));
          continue;
        }

      ticket_id = g_ptr_array_index (device->tickets, g_rand_int_range (rand, 0, device->tickets->len));
      if (g_rand_boolean (rand))
        add_note (device, ticket_id, text);
      else
        set_summary (device, ticket_id, text);
    }
}

static void
learn_tickets (Device *device)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) tickets = beacon_store_list_tickets (device->store, FALSE, &error);

  g_assert_no_error (error);
  g_ptr_array_set_size (device->tickets, 0);
  for (guint i = 0; i < tickets->len; i++)
    g_ptr_array_add (device->tickets, g_strdup (((BeaconTicket *) g_ptr_array_index (tickets, i))->id));
}

static char *
dup_conflicts (Device *device)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) conflicts = beacon_sync_dup_conflicts (device->store, &error);

  g_assert_no_error (error);
  return beacon_json_to_canonical (conflicts);
}

static void
assert_converged (Device **devices,
                  guint    n_devices)
{
  g_autofree char *export0 = beacon_test_export (devices[0]->store);
  g_autofree char *conflicts0 = dup_conflicts (devices[0]);

  for (guint i = 1; i < n_devices; i++)
    {
      g_autofree char *export = beacon_test_export (devices[i]->store);
      g_autofree char *conflicts = dup_conflicts (devices[i]);

      g_assert_cmpstr (export, ==, export0);
      g_assert_cmpstr (conflicts, ==, conflicts0);
    }
}

static gint64
count_rows (BeaconStore *store,
            const char  *sql)
{
  sqlite3 *db;
  sqlite3_stmt *stmt;
  gint64 n = -1;

  g_assert_cmpint (sqlite3_open_v2 (beacon_store_get_path (store), &db, SQLITE_OPEN_READONLY, NULL),
                   ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 5000);
  if (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) == SQLITE_OK && sqlite3_step (stmt) == SQLITE_ROW)
    n = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return n;
}

/* The concurrent edit of one field on two devices, and a clock five hours fast. */
static void
make_three_devices (const char *dir,
                    Device    **devices)
{
  devices[0] = device_new (dir, "a", T0);
  devices[1] = device_new (dir, "b", T0);
  devices[2] = device_new (dir, "c", T0 + FIVE_HOURS);
}

/* beacon-syncd, run as users run it ---------------------------------------------- */

typedef struct
{
  GSubprocess *process;
  char        *db;
  char        *url;
} Server;

static char *
add_token (const char *db,
           const char *name)
{
  const char *syncd = g_getenv ("BEACON_SYNCD");
  g_autofree char *out = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) lines = NULL;
  int status;
  char *argv[] = { (char *) syncd, "--db", (char *) db, "token", "add", (char *) name, NULL };

  g_assert_true (g_spawn_sync (NULL, argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, NULL,
                               &status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  lines = g_strsplit (g_strstrip (out), "\n", -1);
  return g_strdup (lines[g_strv_length (lines) - 1]);
}

/* The server dies with the test, even when the test is killed. */
static void
die_with_parent (gpointer data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

static void
store_result (GObject      *source,
              GAsyncResult *result,
              gpointer      data)
{
  *(GAsyncResult **) data = g_object_ref (result);
}

static gboolean
cancel_at_deadline (gpointer data)
{
  g_cancellable_cancel (data);
  return G_SOURCE_REMOVE;
}

/* Starts beacon-syncd on a free port of 127.0.0.1, with EXTRA arguments
 * (NULL-terminated, may be NULL), and waits at most 15 s for its address. */
static void
server_start_with (Server             *server,
                   const char         *db,
                   const char * const *extra)
{
  const char *syncd = g_getenv ("BEACON_SYNCD");
  g_autoptr(GError) error = NULL;
  g_autoptr(GDataInputStream) lines = NULL;
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GSource) deadline = g_timeout_source_new_seconds (15);
  g_autoptr(GAsyncResult) result = NULL;
  g_autofree char *line = NULL;

  g_assert_nonnull (syncd);
  g_free (server->db);
  server->db = g_strdup (db);
  g_ptr_array_add (argv, (char *) syncd);
  g_ptr_array_add (argv, "--db");
  g_ptr_array_add (argv, (char *) db);
  g_ptr_array_add (argv, "--listen");
  g_ptr_array_add (argv, "127.0.0.1:0");
  for (guint i = 0; extra != NULL && extra[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) extra[i]);
  g_ptr_array_add (argv, NULL);

  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  server->process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);

  /* Until the server says where it listens, dies (EOF), or 15 s pass. */
  lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (server->process));
  g_main_context_push_thread_default (context);
  g_source_set_callback (deadline, cancel_at_deadline, cancellable, NULL);
  g_source_attach (deadline, context);
  g_data_input_stream_read_line_async (lines, G_PRIORITY_DEFAULT, cancellable, store_result, &result);
  while (result == NULL)
    g_main_context_iteration (context, TRUE);
  g_source_destroy (deadline);
  g_main_context_pop_thread_default (context);

  line = g_data_input_stream_read_line_finish_utf8 (lines, result, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (line);
  g_assert_true (g_str_has_prefix (line, "Listening on "));
  g_free (server->url);
  server->url = g_strdup (line + strlen ("Listening on "));
}

static void
server_start (Server     *server,
              const char *db)
{
  server_start_with (server, db, NULL);
}

static void
server_kill (Server *server)
{
  if (server->process == NULL)
    return;
  g_subprocess_send_signal (server->process, SIGKILL);
  g_subprocess_wait (server->process, NULL, NULL);
  g_clear_object (&server->process);
}

static void
server_clear (Server *server)
{
  server_kill (server);
  g_free (server->db);
  g_free (server->url);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Server, server_clear)

/* Segments ------------------------------------------------------------------ */

static GBytes *
build_segment_text (const char *text)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  GString *out = g_string_new (text);

  g_checksum_update (checksum, (const guchar *) out->str, out->len);
  g_string_append_printf (out, "END sha256=%s\n", g_checksum_get_string (checksum));
  return g_string_free_to_bytes (out);
}

static void
test_segment_parse (void)
{
  g_autofree char *dir = beacon_test_make_dir ();
  g_autoptr(Device) a = device_new (dir, "a", T0);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) changes = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(BeaconSegment) segment = NULL;
  g_autofree char *hash = NULL;
  g_autofree char *copy = NULL;
  const char *data;
  gsize length;
  guint n_used, n_segments = 0;

  g_free (make_ticket (a));
  changes = beacon_store_list_changes (a->store, NULL, 0, 0, &error);
  g_assert_no_error (error);

  bytes = beacon_segment_build (beacon_store_get_device_id (a->store), "", changes, 0, 0,
                                &n_used, &hash);
  g_assert_cmpuint (n_used, ==, changes->len);
  data = g_bytes_get_data (bytes, &length);
  segment = beacon_segment_parse (data, length, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (segment->hash, ==, hash);
  g_assert_cmpint (segment->first_seq, ==, 1);
  g_assert_cmpint (segment->last_seq, ==, changes->len);
  for (guint i = 0; i < changes->len; i++)
    g_assert_true (beacon_change_equal (g_ptr_array_index (changes, i),
                                        g_ptr_array_index (segment->changes, i)));
  g_assert_cmpuint (beacon_segment_next_end (data, length), ==, length);

  /* Every way of damage is caught before anything is returned. */
  g_assert_null (beacon_segment_parse (data, length - 10, &error));
  g_assert_error (error, BEACON_SEGMENT_ERROR, BEACON_SEGMENT_ERROR_CORRUPT);
  g_clear_error (&error);

  copy = g_memdup2 (data, length);
  copy[length / 2] ^= 0x01;
  g_assert_null (beacon_segment_parse (copy, length, &error));
  g_assert_error (error, BEACON_SEGMENT_ERROR, BEACON_SEGMENT_ERROR_CORRUPT);
  g_assert_nonnull (strstr (error->message, "SHA-256"));
  g_clear_error (&error);

  g_assert_null (beacon_segment_parse (data, BEACON_SEGMENT_MAX_SIZE + 1, &error));
  g_assert_error (error, BEACON_SEGMENT_ERROR, BEACON_SEGMENT_ERROR_TOO_LARGE);
  g_clear_error (&error);

  {
    g_autoptr(GBytes) future = build_segment_text ("BEACON-SEGMENT 2\nwhatever comes next\n");
    g_autoptr(GBytes) bad_utf8 = build_segment_text ("BEACON-SEGMENT 1\n{\"x\":\"\xff\"}\n");
    g_autoptr(GBytes) wrong_seq = NULL;
    g_autofree char *text = NULL;

    g_assert_null (beacon_segment_parse (g_bytes_get_data (future, NULL), g_bytes_get_size (future), &error));
    g_assert_error (error, BEACON_SEGMENT_ERROR, BEACON_SEGMENT_ERROR_TOO_NEW);
    g_assert_nonnull (strstr (error->message, "Update required"));
    g_clear_error (&error);

    g_assert_null (beacon_segment_parse (g_bytes_get_data (bad_utf8, NULL), g_bytes_get_size (bad_utf8), &error));
    g_assert_error (error, BEACON_SEGMENT_ERROR, BEACON_SEGMENT_ERROR_CORRUPT);
    g_assert_nonnull (strstr (error->message, "UTF-8"));
    g_clear_error (&error);

    /* A well-framed segment whose numbering skips a change. */
    text = g_strdup_printf ("BEACON-SEGMENT 1\n{\"count\":2,\"device\":\"%s\",\"first\":1,\"last\":2,\"prev\":\"\"}\n"
                            "{\"entity\":\"ticket\",\"field\":\"summary\",\"hlc\":1,\"id\":\"x\",\"prev\":\"[]\",\"schema\":1,\"seq\":1,\"value\":\"\\\"a\\\"\"}\n"
                            "{\"entity\":\"ticket\",\"field\":\"summary\",\"hlc\":2,\"id\":\"x\",\"prev\":\"[]\",\"schema\":1,\"seq\":3,\"value\":\"\\\"b\\\"\"}\n",
                            beacon_store_get_device_id (a->store));
    wrong_seq = build_segment_text (text);
    g_assert_null (beacon_segment_parse (g_bytes_get_data (wrong_seq, NULL), g_bytes_get_size (wrong_seq), &error));
    g_assert_error (error, BEACON_SEGMENT_ERROR, BEACON_SEGMENT_ERROR_CORRUPT);
    g_assert_nonnull (strstr (error->message, "Line 4"));
    g_clear_error (&error);
  }

  /* A small size limit splits the export into a hash chain. */
  {
    g_autofree char *prev = g_strdup ("");

    for (guint start = 0; start < changes->len; start += n_used, n_segments++)
      {
        g_autoptr(GBytes) part = NULL;
        g_autoptr(BeaconSegment) parsed = NULL;
        g_autofree char *part_hash = NULL;

        part = beacon_segment_build (beacon_store_get_device_id (a->store), prev, changes, start,
                                     1024, &n_used, &part_hash);
        g_assert_cmpuint (g_bytes_get_size (part), <=, 1024 + 1024);
        parsed = beacon_segment_parse (g_bytes_get_data (part, NULL), g_bytes_get_size (part), &error);
        g_assert_no_error (error);
        g_assert_cmpstr (parsed->prev_hash, ==, prev);
        g_free (prev);
        prev = g_steal_pointer (&part_hash);
      }
    g_assert_cmpuint (n_segments, >, 1);
  }
}

/* Convergence ------------------------------------------------------------------ */

static void
sync_all_folder (Device    **devices,
                 guint       n,
                 const char *share)
{
  for (guint round = 0; round < 2; round++)
    for (guint i = 0; i < n; i++)
      {
        g_autoptr(GError) error = NULL;
        BeaconSyncReport report;

        g_assert_true (beacon_sync_folder (devices[i]->store, share, &report, &error));
        g_assert_no_error (error);
        g_assert_cmpuint (report.quarantined, ==, 0);
        learn_tickets (devices[i]);
      }
}

static void
concurrent_edits (Device **devices,
                  GRand   *rand)
{
  /* The same field on two devices, offline; c's clock is five hours fast. */
  const char *shared = g_ptr_array_index (devices[0]->tickets, 0);

  set_summary (devices[0], shared, "甲：主服务器已恢复");
  set_summary (devices[1], shared, "乙：更换电源模块");
  set_summary (devices[2], shared, "丙：等待备件");
  work_offline (devices[0], rand, 15);
  work_offline (devices[1], rand, 15);
  work_offline (devices[2], rand, 15);
}

static void
test_folder_convergence (void)
{
  g_autofree char *dir = beacon_test_make_dir ();
  g_autofree char *share = g_build_filename (dir, "share", NULL);
  g_autoptr(GRand) rand = g_rand_new_with_seed (g_test_rand_int ());
  Device *devices[3];

  g_mkdir (share, 0755);
  make_three_devices (dir, devices);

  for (guint i = 0; i < 3; i++)
    work_offline (devices[i], rand, 20);
  sync_all_folder (devices, 3, share);
  concurrent_edits (devices, rand);
  sync_all_folder (devices, 3, share);

  assert_converged (devices, 3);
  g_assert_cmpint (count_rows (devices[0]->store, "SELECT count(*) FROM conflicts"), >=, 2);

  for (guint i = 0; i < 3; i++)
    device_free (devices[i]);
}

/* Every segment of every device, delivered in random order with duplicates. */
static void
test_random_delivery (void)
{
  g_autofree char *dir = beacon_test_make_dir ();
  g_autofree char *share = g_build_filename (dir, "share", NULL);
  g_autoptr(GRand) rand = g_rand_new_with_seed (g_test_rand_int ());
  g_autoptr(GPtrArray) all = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  g_autoptr(GError) error = NULL;
  Device *devices[3];

  g_mkdir (share, 0755);
  make_three_devices (dir, devices);

  /* Many small segments: a cut after every few changes. */
  for (guint step = 0; step < 6; step++)
    for (guint i = 0; i < 3; i++)
      {
        work_offline (devices[i], rand, 4);
        g_assert_true (beacon_sync_prepare (devices[i]->store, &error));
        g_assert_no_error (error);
      }

  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(GPtrArray) outbox = beacon_sync_list_outbox (devices[i]->store, 0, &error);

      g_assert_no_error (error);
      g_assert_cmpuint (outbox->len, >=, 6);
      for (guint j = 0; j < outbox->len; j++)
        {
          GBytes *data = ((BeaconOutboxSegment *) g_ptr_array_index (outbox, j))->data;

          g_ptr_array_add (all, g_bytes_ref (data));
          if (g_rand_boolean (rand))
            g_ptr_array_add (all, g_bytes_ref (data));
        }
    }

  for (guint i = 0; i < 3; i++)
    {
      guint applied_total = 0;

      /* Gaps wait; keep delivering in new random orders until nothing moves. */
      for (guint pass = 0; pass < all->len; pass++)
        {
          BeaconSyncReport report = { 0 };

          for (guint k = all->len - 1; k > 0; k--)
            {
              guint j = g_rand_int_range (rand, 0, k + 1);
              gpointer swap = all->pdata[k];

              all->pdata[k] = all->pdata[j];
              all->pdata[j] = swap;
            }

          for (guint k = 0; k < all->len; k++)
            {
              gsize length;
              const char *data = g_bytes_get_data (g_ptr_array_index (all, k), &length);

              g_assert_true (beacon_sync_import_segment (devices[i]->store, "test", NULL, NULL,
                                                         data, length, NULL, &report, &error));
              g_assert_no_error (error);
            }
          g_assert_cmpuint (report.quarantined, ==, 0);
          applied_total += report.changes_applied;
          if (report.waiting == 0)
            break;
        }
      g_assert_cmpuint (applied_total, >, 0);
    }

  assert_converged (devices, 3);

  for (guint i = 0; i < 3; i++)
    device_free (devices[i]);
}

static void
sync_all_server (Device    **devices,
                 char      **tokens,
                 guint       n,
                 const char *url)
{
  for (guint round = 0; round < 2; round++)
    for (guint i = 0; i < n; i++)
      {
        g_autoptr(GError) error = NULL;
        BeaconSyncReport report;

        g_assert_true (beacon_sync_server (devices[i]->store, url, tokens[i], &report, &error));
        g_assert_no_error (error);
        g_assert_cmpuint (report.quarantined, ==, 0);
        g_assert_true (report.clock_skew_known);
        learn_tickets (devices[i]);
      }
}

static void
test_server_convergence (void)
{
  g_autofree char *dir = beacon_test_make_dir ();
  g_autofree char *db = g_build_filename (dir, "syncd.db", NULL);
  g_autoptr(GRand) rand = g_rand_new_with_seed (g_test_rand_int ());
  g_auto(Server) server = { 0 };
  char *tokens[3];
  Device *devices[3];

  make_three_devices (dir, devices);
  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *name = g_strdup_printf ("device-%u", i);
      tokens[i] = add_token (db, name);
    }
  server_start (&server, db);

  for (guint i = 0; i < 3; i++)
    work_offline (devices[i], rand, 20);
  sync_all_server (devices, tokens, 3, server.url);
  concurrent_edits (devices, rand);
  sync_all_server (devices, tokens, 3, server.url);

  assert_converged (devices, 3);
  g_assert_cmpint (count_rows (devices[1]->store, "SELECT count(*) FROM conflicts"), >=, 2);

  /* The device whose clock runs five hours fast is told so. */
  {
    g_autoptr(JsonNode) status = beacon_sync_dup_status (devices[2]->store, NULL);
    g_autofree char *text = beacon_json_to_canonical (status);

    g_assert_nonnull (strstr (text, "\"clock_warning\":true"));
  }

  for (guint i = 0; i < 3; i++)
    {
      device_free (devices[i]);
      g_free (tokens[i]);
    }
}

/* Failures ------------------------------------------------------------------- */

static char *
own_dir (const char *share,
         Device     *device)
{
  return g_build_filename (share, "beacon", "devices", beacon_store_get_device_id (device->store), NULL);
}

static void
test_killed_writer (void)
{
  g_autofree char *dir = beacon_test_make_dir ();
  g_autofree char *share = g_build_filename (dir, "share", NULL);
  g_autoptr(Device) b = device_new (dir, "b", T0);
  g_autofree char *a_path = g_build_filename (dir, "a.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) writer = NULL;
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GDir) listing = NULL;
  g_autofree char *a_dir = NULL;
  g_autofree char *a_id = NULL;
  BeaconSyncReport report;
  const char *name;
  guint n_temp = 0, n_segments = 0;

  g_mkdir (share, 0755);
  {
    g_autoptr(Device) a = device_new (dir, "a", T0);

    g_free (make_ticket (a));
    a_id = g_strdup (beacon_store_get_device_id (a->store));
  }

  /* beaconctl dies half way through writing its segment. */
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  g_subprocess_launcher_setenv (launcher, "BEACON_SYNC_TEST_CRASH", "mid-write", TRUE);
  writer = g_subprocess_launcher_spawn (launcher, &error, g_getenv ("BEACONCTL"), "--db", a_path,
                                        "sync", "folder", share, NULL);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_wait (writer, NULL, &error));
  g_assert_cmpint (g_subprocess_get_exit_status (writer), ==, 75);

  a_dir = g_build_filename (share, "beacon", "devices", a_id, NULL);
  listing = g_dir_open (a_dir, 0, &error);
  g_assert_no_error (error);
  while ((name = g_dir_read_name (listing)) != NULL)
    {
      n_temp += g_str_has_prefix (name, ".tmp-");
      n_segments += g_str_has_suffix (name, ".bseg");
    }
  g_assert_cmpuint (n_temp, ==, 1);
  g_assert_cmpuint (n_segments, ==, 0);

  /* Readers ignore the half-written file. */
  g_assert_true (beacon_sync_folder (b->store, share, &report, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (report.changes_applied, ==, 0);
  g_assert_cmpuint (report.quarantined, ==, 0);

  /* The next round writes the segment again, whole. */
  {
    g_autoptr(Device) a = NULL;
    g_autofree char *export_a = NULL;
    g_autofree char *export_b = NULL;

    a = g_new0 (Device, 1);
    a->path = g_strdup (a_path);
    a->clock = beacon_clock_new_fixed (T0 * G_USEC_PER_SEC);
    a->store = beacon_store_open (a_path, a->clock, &error);
    a->tickets = g_ptr_array_new_with_free_func (g_free);
    g_assert_no_error (error);

    g_assert_true (beacon_sync_folder (a->store, share, &report, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (report.segments_sent, ==, 1);
    g_assert_true (beacon_sync_folder (b->store, share, &report, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (report.changes_applied, >, 0);

    export_a = beacon_test_export (a->store);
    export_b = beacon_test_export (b->store);
    g_assert_cmpstr (export_a, ==, export_b);
  }
}

/* Writes a's first segment, damaged by @damage, into the share as a's. */
static void
check_damaged (void (*damage) (GString *data),
               const char *expected_reason)
{
  g_autofree char *dir = beacon_test_make_dir ();
  g_autofree char *share = g_build_filename (dir, "share", NULL);
  g_autoptr(Device) a = device_new (dir, "a", T0);
  g_autoptr(Device) b = device_new (dir, "b", T0);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) outbox = NULL;
  g_autofree char *a_dir = NULL;
  g_autofree char *path = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *status_text = NULL;
  g_autoptr(JsonNode) status = NULL;
  g_autoptr(GString) data = NULL;
  BeaconSyncReport report;
  BeaconOutboxSegment *segment;

  g_mkdir (share, 0755);
  g_free (make_ticket (a));
  g_assert_true (beacon_sync_prepare (a->store, &error));
  outbox = beacon_sync_list_outbox (a->store, 0, &error);
  segment = g_ptr_array_index (outbox, 0);

  a_dir = own_dir (share, a);
  g_mkdir_with_parents (a_dir, 0755);
  path = g_strdup_printf ("%s/%016" PRId64 "-%016" PRId64 ".bseg", a_dir, segment->first_seq, segment->last_seq);
  data = g_string_new_len (g_bytes_get_data (segment->data, NULL), g_bytes_get_size (segment->data));
  damage (data);
  g_assert_true (g_file_set_contents (path, data->str, data->len, NULL));

  before = beacon_test_export (b->store);
  g_assert_true (beacon_sync_folder (b->store, share, &report, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (report.quarantined, ==, 1);
  g_assert_cmpuint (report.changes_applied, ==, 0);
  after = beacon_test_export (b->store);
  g_assert_cmpstr (before, ==, after);
  g_assert_cmpint (count_rows (b->store, "SELECT count(*) FROM oplog"), ==,
                   beacon_store_get_last_seq (b->store));

  /* Shown with its reason, and not tried again. */
  status = beacon_sync_dup_status (b->store, &error);
  status_text = beacon_json_to_canonical (status);
  g_assert_nonnull (strstr (status_text, expected_reason));
  g_assert_true (beacon_sync_folder (b->store, share, &report, &error));
  g_assert_cmpuint (report.quarantined, ==, 0);
}

static void
truncate_half (GString *data)
{
  g_string_truncate (data, data->len / 2);
}

static void
flip_bit (GString *data)
{
  data->str[data->len / 3] ^= 0x10;
}

static void
test_truncated (void)
{
  check_damaged (truncate_half, "trailer is missing");
}

static void
test_bit_flipped (void)
{
  check_damaged (flip_bit, "does not match");
}

/* Imports a's segments into b through the import function, by file name. */
static void
import_outbox (Device      *from,
               Device      *to,
               const char  *expected_device,
               BeaconSyncOutcome expected)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) outbox = NULL;

  g_assert_true (beacon_sync_prepare (from->store, &error));
  outbox = beacon_sync_list_outbox (from->store, 0, &error);
  for (guint i = 0; i < outbox->len; i++)
    {
      BeaconOutboxSegment *segment = g_ptr_array_index (outbox, i);
      BeaconSyncOutcome outcome;
      gsize length;
      const char *data = g_bytes_get_data (segment->data, &length);

      g_assert_true (beacon_sync_import_segment (to->store, "test", NULL, expected_device,
                                                 data, length, &outcome, NULL, &error));
      g_assert_no_error (error);
      g_assert_cmpint (outcome, ==, expected);
    }
}

static void
test_duplicate (void)
{
  g_autofree char *dir = beacon_test_make_dir ();
  g_autoptr(Device) a = device_new (dir, "a", T0);
  g_autoptr(Device) b = device_new (dir, "b", T0);
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;

  g_free (make_ticket (a));
  import_outbox (a, b, NULL, BEACON_SYNC_APPLIED);
  first = beacon_test_export (b->store);
  import_outbox (a, b, NULL, BEACON_SYNC_DUPLICATE);
  second = beacon_test_export (b->store);
  g_assert_cmpstr (first, ==, second);
}

static void
test_wrong_device (void)
{
  g_autofree char *dir = beacon_test_make_dir ();
  g_autoptr(Device) a = device_new (dir, "a", T0);
  g_autoptr(Device) b = device_new (dir, "b", T0);
  g_autoptr(JsonNode) status = NULL;
  g_autofree char *text = NULL;
  g_autofree char *impostor = g_uuid_string_random ();

  g_free (make_ticket (a));
  /* a's segment lying in the folder of another device */
  import_outbox (a, b, impostor, BEACON_SYNC_QUARANTINED);
  g_assert_cmpint (count_rows (b->store, "SELECT count(*) FROM oplog"), ==, 0);
  status = beacon_sync_dup_status (b->store, NULL);
  text = beacon_json_to_canonical (status);
  g_assert_nonnull (strstr (text, "wrong-device"));
}

static void
test_diverged (void)
{
  g_autofree char *dir = beacon_test_make_dir ();
  g_autoptr(Device) a = device_new (dir, "a", T0);
  g_autoptr(Device) b = device_new (dir, "b", T0);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) changes = NULL;
  g_autoptr(GBytes) forged = NULL;
  g_autoptr(JsonNode) status = NULL;
  g_autofree char *hash = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *text = NULL;
  BeaconSyncOutcome outcome;
  guint n_used;

  g_free (make_ticket (a));
  import_outbox (a, b, NULL, BEACON_SYNC_APPLIED);
  before = beacon_test_export (b->store);

  /* The same device and sequence numbers, other content. */
  changes = beacon_store_list_changes (a->store, NULL, 0, 0, &error);
  for (guint i = 0; i < changes->len; i++)
    {
      BeaconChange *change = g_ptr_array_index (changes, i);

      if (g_str_equal (change->field, "summary"))
        {
          g_free (change->value);
          change->value = g_strdup ("\"伪造的摘要\"");
        }
    }
  forged = beacon_segment_build (beacon_store_get_device_id (a->store), "", changes, 0, 0,
                                 &n_used, &hash);
  g_assert_true (beacon_sync_import_segment (b->store, "test", NULL, NULL,
                                             g_bytes_get_data (forged, NULL), g_bytes_get_size (forged),
                                             &outcome, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (outcome, ==, BEACON_SYNC_QUARANTINED);
  after = beacon_test_export (b->store);
  g_assert_cmpstr (before, ==, after);

  status = beacon_sync_dup_status (b->store, NULL);
  text = beacon_json_to_canonical (status);
  g_assert_nonnull (strstr (text, "diverged"));
}

static void
test_share_unavailable (void)
{
  g_autofree char *dir = beacon_test_make_dir ();
  g_autofree char *share = g_build_filename (dir, "share", NULL);
  g_autoptr(Device) a = device_new (dir, "a", T0);
  g_autoptr(Device) b = device_new (dir, "b", T0);
  g_autoptr(GError) error = NULL;
  g_autofree char *target = beacon_sync_dup_folder_target (share);
  g_autofree char *export_a = NULL;
  g_autofree char *export_b = NULL;
  BeaconSyncReport report;
  gint64 first_retry, second_retry;

  /* The share is not mounted: local work goes on and is counted. */
  g_free (make_ticket (a));
  g_assert_false (beacon_sync_folder (a->store, share, &report, &error));
  g_assert_error (error, BEACON_SYNC_ERROR, BEACON_SYNC_ERROR_UNAVAILABLE);
  g_clear_error (&error);
  g_assert_cmpint (report.pending, ==, beacon_store_get_last_seq (a->store));
  g_assert_false (g_file_test (share, G_FILE_TEST_EXISTS));

  g_free (make_ticket (a));
  first_retry = beacon_sync_get_next_attempt (a->store, target);
  g_assert_false (beacon_sync_folder (a->store, share, &report, &error));
  g_clear_error (&error);
  second_retry = beacon_sync_get_next_attempt (a->store, target);
  g_assert_cmpint (report.pending, ==, beacon_store_get_last_seq (a->store));
  /* Retries back off. */
  g_assert_cmpint (second_retry - beacon_store_now (a->store), >, first_retry - T0);

  /* It comes back: everything catches up. */
  g_mkdir (share, 0755);
  g_assert_true (beacon_sync_folder (a->store, share, &report, &error));
  g_assert_no_error (error);
  g_assert_cmpint (report.pending, ==, 0);
  g_assert_cmpint (beacon_sync_get_next_attempt (a->store, target), ==, beacon_store_now (a->store));
  g_assert_true (beacon_sync_folder (b->store, share, &report, &error));
  export_a = beacon_test_export (a->store);
  export_b = beacon_test_export (b->store);
  g_assert_cmpstr (export_a, ==, export_b);
}

static void
test_unknown_field (void)
{
  g_autofree char *dir = beacon_test_make_dir ();
  g_autoptr(Device) b = device_new (dir, "b", T0);
  g_autoptr(GPtrArray) changes = g_ptr_array_new_with_free_func ((GDestroyNotify) beacon_change_free);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *newer = g_uuid_string_random ();
  g_autofree char *ticket = g_uuid_string_random ();
  g_autofree char *hash = NULL;
  BeaconSyncOutcome outcome;
  guint n_used;

  /* A newer Beacon writes a field and an entity this one does not know. */
  g_ptr_array_add (changes, beacon_change_new (newer, 1, ((BeaconHlc) T0 * 1000) << 16,
                                               BEACON_SCHEMA_VERSION + 1, "ticket", ticket,
                                               "risk_score", "{\"score\":7,\"model\":\"v2\"}", "[]"));
  g_ptr_array_add (changes, beacon_change_new (newer, 2, (((BeaconHlc) T0 * 1000) << 16) + 1,
                                               BEACON_SCHEMA_VERSION + 1, "drone_flight", ticket,
                                               "route", "\"佛山—顺德\"", "[]"));
  bytes = beacon_segment_build (newer, "", changes, 0, 0, &n_used, &hash);
  g_assert_true (beacon_sync_import_segment (b->store, "test", NULL, NULL,
                                             g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                                             &outcome, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (outcome, ==, BEACON_SYNC_APPLIED);
  g_assert_cmpint (count_rows (b->store, "SELECT count(*) FROM oplog WHERE schema_version > 1"), ==, 2);
  g_assert_cmpint (count_rows (b->store, "SELECT count(*) FROM registers WHERE field = 'risk_score'"), ==, 1);
}

static void
test_too_new_format (void)
{
  g_autofree char *dir = beacon_test_make_dir ();
  g_autoptr(Device) b = device_new (dir, "b", T0);
  g_autoptr(GBytes) future = build_segment_text ("BEACON-SEGMENT 7\n{\"compressed\":true}\n");
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) status = NULL;
  g_autofree char *text = NULL;
  BeaconSyncOutcome outcome;
  BeaconSyncReport report = { 0 };

  g_assert_true (beacon_sync_import_segment (b->store, "test", "future.bseg", NULL,
                                             g_bytes_get_data (future, NULL), g_bytes_get_size (future),
                                             &outcome, &report, &error));
  g_assert_no_error (error);
  g_assert_cmpint (outcome, ==, BEACON_SYNC_UPDATE_REQUIRED);
  g_assert_cmpuint (report.update_required, ==, 1);
  g_assert_cmpuint (report.quarantined, ==, 0);
  status = beacon_sync_dup_status (b->store, NULL);
  text = beacon_json_to_canonical (status);
  g_assert_nonnull (strstr (text, "\"kind\":\"update-required\""));
  g_assert_nonnull (strstr (text, "Update required"));
}

/* The server ------------------------------------------------------------------- */

static guint
post (SoupSession *session,
      const char  *url,
      const char  *token,
      GBytes      *body)
{
  g_autofree char *uri = g_strconcat (url, "v1/segments", NULL);
  g_autoptr(SoupMessage) message = soup_message_new ("POST", uri);
  g_autoptr(GBytes) reply = NULL;

  if (token != NULL)
    {
      g_autofree char *bearer = g_strconcat ("Bearer ", token, NULL);
      soup_message_headers_replace (soup_message_get_request_headers (message), "Authorization", bearer);
    }
  soup_message_set_request_body_from_bytes (message, "application/x-beacon-segment", body);
  reply = soup_session_send_and_read (session, message, NULL, NULL);
  return soup_message_get_status (message);
}

static void
test_server_refusals (void)
{
  g_autofree char *dir = beacon_test_make_dir ();
  g_autofree char *db = g_build_filename (dir, "syncd.db", NULL);
  g_autoptr(Device) a = device_new (dir, "a", T0);
  g_autoptr(Device) b = device_new (dir, "b", T0);
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) outbox_a = NULL;
  g_autoptr(GPtrArray) outbox_b = NULL;
  g_autoptr(GPtrArray) changes = NULL;
  g_autoptr(GBytes) forged = NULL;
  g_autoptr(GBytes) future = build_segment_text ("BEACON-SEGMENT 3\n{}\n");
  g_autofree char *token_a = add_token (db, "a");
  g_autofree char *hash = NULL;
  g_auto(Server) server = { 0 };
  GBytes *segment_a, *segment_b;
  guint n_used;

  server_start (&server, db);
  g_free (make_ticket (a));
  g_free (make_ticket (b));
  g_assert_true (beacon_sync_prepare (a->store, &error));
  g_assert_true (beacon_sync_prepare (b->store, &error));
  outbox_a = beacon_sync_list_outbox (a->store, 0, &error);
  outbox_b = beacon_sync_list_outbox (b->store, 0, &error);
  segment_a = ((BeaconOutboxSegment *) g_ptr_array_index (outbox_a, 0))->data;
  segment_b = ((BeaconOutboxSegment *) g_ptr_array_index (outbox_b, 0))->data;

  g_assert_cmpuint (post (session, server.url, NULL, segment_a), ==, 401);
  g_assert_cmpuint (post (session, server.url, "bst_wrong", segment_a), ==, 401);
  g_assert_cmpuint (post (session, server.url, token_a, segment_a), ==, 201);
  g_assert_cmpuint (post (session, server.url, token_a, segment_a), ==, 200);
  /* The token is now a's: b's segment under it is refused. */
  g_assert_cmpuint (post (session, server.url, token_a, segment_b), ==, 403);
  g_assert_cmpuint (post (session, server.url, token_a, future), ==, 426);

  changes = beacon_store_list_changes (a->store, NULL, 0, 0, &error);
  g_free (((BeaconChange *) g_ptr_array_index (changes, 0))->value);
  ((BeaconChange *) g_ptr_array_index (changes, 0))->value = g_strdup ("\"forged\"");
  forged = beacon_segment_build (beacon_store_get_device_id (a->store), "", changes, 0, 0, &n_used, &hash);
  g_assert_cmpuint (post (session, server.url, token_a, forged), ==, 409);

  {
    g_autoptr(GBytes) huge = g_bytes_new_take (g_malloc0 (BEACON_SEGMENT_MAX_SIZE + 10),
                                               BEACON_SEGMENT_MAX_SIZE + 10);
    g_assert_cmpuint (post (session, server.url, token_a, huge), ==, 413);
  }

  /* Health answers without a token; heads need one. */
  {
    g_autofree char *health_uri = g_strconcat (server.url, "v1/health", NULL);
    g_autofree char *heads_uri = g_strconcat (server.url, "v1/heads", NULL);
    g_autoptr(SoupMessage) health = soup_message_new ("GET", health_uri);
    g_autoptr(SoupMessage) heads = soup_message_new ("GET", heads_uri);
    g_autoptr(GBytes) r1 = soup_session_send_and_read (session, health, NULL, NULL);
    g_autoptr(GBytes) r2 = soup_session_send_and_read (session, heads, NULL, NULL);

    g_assert_cmpuint (soup_message_get_status (health), ==, 200);
    g_assert_nonnull (soup_message_headers_get_one (soup_message_get_response_headers (health), "Date"));
    g_assert_cmpuint (soup_message_get_status (heads), ==, 401);
  }
}

typedef struct
{
  BeaconStore *store;
  const char  *url;
  const char  *token;
} PushJob;

static gpointer
push_thread (gpointer data)
{
  PushJob *job = data;

  /* Fails when the server is killed under it; that is the point. */
  beacon_sync_server (job->store, job->url, job->token, NULL, NULL);
  return NULL;
}

static gint64
count_server_rows (const char *db,
                   const char *sql)
{
  sqlite3 *handle;
  sqlite3_stmt *stmt;
  gint64 n = -1;

  if (sqlite3_open_v2 (db, &handle, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
    return -1;
  sqlite3_busy_timeout (handle, 5000);
  if (sqlite3_prepare_v2 (handle, sql, -1, &stmt, NULL) == SQLITE_OK &&
      sqlite3_step (stmt) == SQLITE_ROW)
    n = sqlite3_column_type (stmt, 0) == SQLITE_TEXT ? (g_strcmp0 ((const char *) sqlite3_column_text (stmt, 0), "ok") == 0)
                                                     : sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (handle);
  return n;
}

static void
test_server_restart_mid_push (void)
{
  g_autofree char *dir = beacon_test_make_dir ();
  g_autofree char *db = g_build_filename (dir, "syncd.db", NULL);
  g_autoptr(Device) a = device_new (dir, "a", T0);
  g_autoptr(Device) b = device_new (dir, "b", T0);
  g_autofree char *token_a = add_token (db, "a");
  g_autofree char *token_b = add_token (db, "b");
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) outbox = NULL;
  g_autoptr(GThread) thread = NULL;
  g_autofree char *export_a = NULL;
  g_autofree char *export_b = NULL;
  g_auto(Server) server = { 0 };
  PushJob job;
  gint64 deadline;

  /* Many segments, so the kill lands in the middle. */
  for (guint i = 0; i < 150; i++)
    {
      g_free (make_ticket (a));
      g_assert_true (beacon_sync_prepare (a->store, &error));
    }
  outbox = beacon_sync_list_outbox (a->store, 0, &error);

  server_start (&server, db);
  job = (PushJob) { a->store, server.url, token_a };
  thread = g_thread_new ("push", push_thread, &job);

  deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  while (count_server_rows (db, "SELECT count(*) FROM segments") < 10 &&
         g_get_monotonic_time () < deadline)
    g_usleep (2000);
  server_kill (&server);
  g_thread_join (g_steal_pointer (&thread));

  g_assert_cmpint (count_server_rows (db, "PRAGMA integrity_check"), ==, 1);
  g_assert_cmpint (count_server_rows (db, "SELECT count(*) FROM segments"), <=, outbox->len);

  /* Restarted, the next round sends the rest, and nothing twice. */
  server_start (&server, db);
  g_assert_true (beacon_sync_server (a->store, server.url, token_a, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (count_server_rows (db, "SELECT count(*) FROM segments"), ==, outbox->len);
  g_assert_cmpint (count_server_rows (db, "SELECT count(DISTINCT hash) FROM segments"), ==, outbox->len);
  g_assert_cmpint (count_server_rows (db, "SELECT max(last_seq) FROM segments"), ==,
                   beacon_store_get_last_seq (a->store));
  g_assert_cmpint (count_server_rows (db, "PRAGMA integrity_check"), ==, 1);

  g_assert_true (beacon_sync_server (b->store, server.url, token_b, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (beacon_sync_server (a->store, server.url, token_a, NULL, &error));
  export_a = beacon_test_export (a->store);
  export_b = beacon_test_export (b->store);
  g_assert_cmpstr (export_a, ==, export_b);
}

/* TLS ------------------------------------------------------------------------ */

typedef struct
{
  GSubprocess *process;
  gboolean     timed_out;
} Deadline;

static gboolean
kill_at_deadline (gpointer data)
{
  Deadline *deadline = data;

  deadline->timed_out = TRUE;
  g_subprocess_force_exit (deadline->process);
  return G_SOURCE_REMOVE;
}

/* Runs ARGV to its end, or kills it after SECONDS; returns its exit status
 * (-1 when it did not exit by itself) and what it wrote. */
static int
run_bounded (const char * const *argv,
             guint               seconds,
             char              **out,
             char              **err)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                                                       G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(GSource) timeout = g_timeout_source_new_seconds (seconds);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  Deadline deadline = { 0 };

  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  process = g_subprocess_launcher_spawnv (launcher, argv, &error);
  g_assert_no_error (error);

  deadline.process = process;
  g_main_context_push_thread_default (context);
  g_source_set_callback (timeout, kill_at_deadline, &deadline, NULL);
  g_source_attach (timeout, context);
  g_subprocess_communicate_utf8_async (process, NULL, NULL, store_result, &result);
  while (result == NULL)
    g_main_context_iteration (context, TRUE);
  g_source_destroy (timeout);
  g_main_context_pop_thread_default (context);

  g_assert_true (g_subprocess_communicate_utf8_finish (process, result, out, err, &error));
  g_assert_no_error (error);
  if (deadline.timed_out || !g_subprocess_get_if_exited (process))
    return -1;
  return g_subprocess_get_exit_status (process);
}

/* The start of beacon-syncd that must be refused before it listens. */
static void
assert_syncd_refuses (const char *db,
                      const char *listen,
                      const char *tls_cert,
                      int         status,
                      const char *said)
{
  const char *argv[] = { g_getenv ("BEACON_SYNCD"), "--db", db, "--listen", listen,
                         tls_cert ? "--tls-cert" : NULL, tls_cert, NULL };
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  g_assert_cmpint (run_bounded (argv, 10, &out, &err), ==, status);
  g_test_message ("beacon-syncd --listen %s: %s", listen, err);
  g_assert_null (strstr (out, "Listening on"));
  g_assert_nonnull (strstr (err, said));
}

static gboolean
server_is_healthy (const char *url,
                   const char *ca_file)
{
  g_autoptr(SoupSession) session = soup_session_new_with_options ("timeout", 10, NULL);
  g_autoptr(GTlsDatabase) database = g_tls_file_database_new (ca_file, NULL);
  g_autofree char *uri = g_strconcat (url, "v1/health", NULL);
  g_autoptr(SoupMessage) message = soup_message_new ("GET", uri);
  g_autoptr(GBytes) body = NULL;

  g_assert_nonnull (database);
  soup_session_set_tls_database (session, database);
  body = soup_session_send_and_read (session, message, NULL, NULL);
  return body != NULL && soup_message_get_status (message) == SOUP_STATUS_OK;
}

/* PATH (absolute) as seen from the current directory, e.g. ../../tmp/x. */
static char *
dup_relative_path (const char *path)
{
  g_autofree char *cwd = g_get_current_dir ();
  g_auto(GStrv) parts = g_strsplit (cwd, G_DIR_SEPARATOR_S, -1);
  GString *relative = g_string_new (NULL);

  g_assert_true (g_path_is_absolute (path));
  for (guint i = 0; parts[i] != NULL; i++)
    if (*parts[i] != '\0')
      g_string_append (relative, ".." G_DIR_SEPARATOR_S);
  g_string_append (relative, g_path_skip_root (path));
  return g_string_free (relative, FALSE);
}

static gboolean
has_ticket (Device     *device,
            const char *id)
{
  g_autoptr(BeaconTicket) ticket = beacon_store_get_ticket (device->store, id, FALSE, NULL);

  return ticket != NULL;
}

/* A refused round: an error that says why, and nothing changed here or there. */
static void
assert_sync_refused (Device     *device,
                     const char *url,
                     const char *token,
                     const char *db)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *before = beacon_test_export (device->store);
  g_autofree char *after = NULL;
  gint64 segments = count_server_rows (db, "SELECT count(*) FROM segments");
  gint64 started = g_get_monotonic_time ();
  BeaconSyncReport report;

  g_assert_false (beacon_sync_server (device->store, url, token, &report, &error));
  g_assert_error (error, BEACON_SYNC_ERROR, BEACON_SYNC_ERROR_UNAVAILABLE);
  g_test_message ("%s: %s", url, error->message);
  /* Refused at once, not after the client's 60 s timeout. */
  g_assert_cmpint (g_get_monotonic_time () - started, <, 15 * G_USEC_PER_SEC);
  g_assert_cmpuint (report.segments_sent, ==, 0);
  g_assert_cmpuint (report.segments_received, ==, 0);
  g_assert_cmpint (report.pending, >, 0);
  after = beacon_test_export (device->store);
  g_assert_cmpstr (after, ==, before);
  g_assert_cmpint (count_server_rows (db, "SELECT count(*) FROM segments"), ==, segments);
}

static void
test_server_tls (void)
{
  g_autofree char *openssl = g_find_program_in_path ("openssl");
  g_autofree char *dir = NULL;
  g_autofree char *db = NULL;
  g_autofree char *cert = NULL;
  g_autofree char *key = NULL;
  g_autofree char *token_a = NULL;
  g_autofree char *token_b = NULL;
  g_autofree char *plain_url = NULL;
  g_autofree char *err = NULL;
  g_autofree char *ticket_a = NULL;
  g_autofree char *ticket_b = NULL;
  g_autoptr(Device) a = NULL;
  g_autoptr(Device) b = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(Server) server = { 0 };
  BeaconSyncReport report;

  if (openssl == NULL)
    {
      g_test_skip ("openssl is not installed (tools/deps.txt lists it): no certificate to serve HTTPS with");
      return;
    }

  dir = beacon_test_make_dir ();
  db = g_build_filename (dir, "syncd.db", NULL);
  cert = g_build_filename (dir, "cert.pem", NULL);
  key = g_build_filename (dir, "key.pem", NULL);

  /* A centre's own certificate, for 127.0.0.1 and localhost. */
  {
    const char *argv[] = { openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                           "-subj", "/CN=localhost",
                           "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
                           "-keyout", key, "-out", cert, NULL };
    int status = run_bounded (argv, 30, NULL, &err);

    if (status != 0)
      g_test_message ("openssl: %s", err);
    g_assert_cmpint (status, ==, 0);
  }

  a = device_new (dir, "a", T0);
  b = device_new (dir, "b", T0);
  token_a = add_token (db, "a");
  token_b = add_token (db, "b");
  {
    const char *tls[] = { "--tls-cert", cert, "--tls-key", key, NULL };

    server_start_with (&server, db, tls);
  }
  g_assert_true (g_str_has_prefix (server.url, "https://127.0.0.1:"));
  plain_url = g_strconcat ("http://", server.url + strlen ("https://"), NULL);

  /* Without the centre's certificate the client trusts only the system's
   * authorities: it refuses the server before it sends anything. */
  g_unsetenv ("BEACON_SYNC_CA_FILE");
  ticket_a = make_ticket (a);
  assert_sync_refused (a, server.url, token_a, db);
  g_assert_cmpint (count_server_rows (db, "SELECT count(*) FROM segments"), ==, 0);

  /* Trusting it, a's ticket reaches b through the server. */
  g_setenv ("BEACON_SYNC_CA_FILE", cert, TRUE);
  g_assert_true (beacon_sync_server (a->store, server.url, token_a, &report, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (report.segments_sent, >, 0);
  g_assert_false (has_ticket (b, ticket_a));
  /* A path relative to the current directory does as well. */
  {
    g_autofree char *relative = dup_relative_path (cert);

    g_assert_false (g_path_is_absolute (relative));
    g_setenv ("BEACON_SYNC_CA_FILE", relative, TRUE);
  }
  g_assert_true (beacon_sync_server (b->store, server.url, token_b, &report, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (report.segments_received, >, 0);
  g_assert_true (has_ticket (b, ticket_a));
  g_setenv ("BEACON_SYNC_CA_FILE", cert, TRUE);
  g_assert_true (beacon_sync_server (a->store, server.url, token_a, &report, &error));
  g_assert_no_error (error);
  {
    g_autofree char *export_a = beacon_test_export (a->store);
    g_autofree char *export_b = beacon_test_export (b->store);

    g_assert_cmpstr (export_a, ==, export_b);
  }

  /* Untrusted again: b's new ticket stays on b, a gets nothing. */
  g_unsetenv ("BEACON_SYNC_CA_FILE");
  ticket_b = make_ticket (b);
  assert_sync_refused (b, server.url, token_b, db);
  g_assert_false (has_ticket (a, ticket_b));

  /* Plain HTTP to the HTTPS server fails cleanly, even trusting the certificate;
   * the server keeps serving. */
  g_setenv ("BEACON_SYNC_CA_FILE", cert, TRUE);
  assert_sync_refused (b, plain_url, token_b, db);
  g_assert_true (server_is_healthy (server.url, cert));

  /* And nothing was lost: the next good round carries b's ticket to a. */
  g_assert_true (beacon_sync_server (b->store, server.url, token_b, &report, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (report.pending, ==, 0);
  g_assert_true (beacon_sync_server (a->store, server.url, token_a, &report, &error));
  g_assert_no_error (error);
  g_assert_true (has_ticket (a, ticket_b));
  {
    g_autofree char *export_a = beacon_test_export (a->store);
    g_autofree char *export_b = beacon_test_export (b->store);

    g_assert_cmpstr (export_a, ==, export_b);
  }
  g_unsetenv ("BEACON_SYNC_CA_FILE");

  /* Plain HTTP off loopback is refused before anything listens: with the
   * port of the running server, binding first would fail otherwise. No
   * traffic goes anywhere. */
  {
    g_autofree char *other_db = g_build_filename (dir, "other.db", NULL);
    g_autofree char *taken = g_strdup_printf ("0.0.0.0:%s", strrchr (plain_url, ':') + 1);

    *strrchr (taken, '/') = '\0';
    assert_syncd_refuses (other_db, "0.0.0.0:0", NULL, 1, "--tls-cert");
    assert_syncd_refuses (other_db, "0.0.0.0:0", NULL, 1, "Refusing plain HTTP on 0.0.0.0");
    assert_syncd_refuses (other_db, taken, NULL, 1, "Refusing plain HTTP on 0.0.0.0");
    assert_syncd_refuses (other_db, "[::]:0", NULL, 1, "Refusing plain HTTP on ::");
    /* A certificate without its key is wrong usage. */
    assert_syncd_refuses (other_db, "127.0.0.1:0", cert, 2, "--tls-key");
  }

  server_kill (&server);
}

/* The fuzzer, for a bounded time, when it was built. */
static void
test_fuzz_segment (void)
{
  const char *fuzzer = g_getenv ("BEACON_FUZZ_SEGMENT");
  g_autofree char *corpus = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) process = NULL;

  if (fuzzer == NULL || !g_file_test (fuzzer, G_FILE_TEST_IS_EXECUTABLE))
    {
      g_test_skip ("the fuzzer was not built (meson configure -Dfuzzing=true, needs clang)");
      return;
    }

  g_autofree char *seeds = g_build_filename (g_getenv ("BEACON_SOURCE_ROOT"), "tests", "fuzz",
                                             "corpus", NULL);
  g_autoptr(GDir) seed_dir = g_dir_open (seeds, 0, &error);
  const char *name;

  /* libFuzzer adds what it finds to the corpus: work on a copy. */
  g_assert_no_error (error);
  corpus = beacon_test_make_dir ();
  while ((name = g_dir_read_name (seed_dir)) != NULL)
    {
      g_autofree char *from = g_build_filename (seeds, name, NULL);
      g_autofree char *to = g_build_filename (corpus, name, NULL);
      g_autofree char *data = NULL;
      gsize length;

      g_assert_true (g_file_get_contents (from, &data, &length, NULL));
      g_assert_true (g_file_set_contents (to, data, length, NULL));
    }

  process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDERR_SILENCE, &error, fuzzer,
                              "-max_total_time=8", "-timeout=5", "-rss_limit_mb=1024",
                              corpus, NULL);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_wait (process, NULL, &error));
  /* A crash leaves its input next to the test; the exit status fails the test. */
  g_assert_true (g_subprocess_get_if_exited (process));
  g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/sync/segment/parse", test_segment_parse);
  g_test_add_func ("/sync/converge/folder", test_folder_convergence);
  g_test_add_func ("/sync/converge/random-delivery", test_random_delivery);
  g_test_add_func ("/sync/converge/server", test_server_convergence);
  g_test_add_func ("/sync/failure/killed-writer", test_killed_writer);
  g_test_add_func ("/sync/failure/truncated", test_truncated);
  g_test_add_func ("/sync/failure/bit-flipped", test_bit_flipped);
  g_test_add_func ("/sync/failure/duplicate", test_duplicate);
  g_test_add_func ("/sync/failure/wrong-device", test_wrong_device);
  g_test_add_func ("/sync/failure/diverged", test_diverged);
  g_test_add_func ("/sync/failure/share-unavailable", test_share_unavailable);
  g_test_add_func ("/sync/failure/unknown-field", test_unknown_field);
  g_test_add_func ("/sync/failure/too-new-format", test_too_new_format);
  g_test_add_func ("/sync/server/refusals", test_server_refusals);
  g_test_add_func ("/sync/server/restart-mid-push", test_server_restart_mid_push);
  g_test_add_func ("/sync/server/tls", test_server_tls);
  g_test_add_func ("/sync/fuzz/segment", test_fuzz_segment);

  return g_test_run ();
}
