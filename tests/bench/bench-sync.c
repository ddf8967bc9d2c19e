/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <glib/gstdio.h>

#include "beacon-segment.h"
#include "beacon-store.h"
#include "beacon-sync.h"
#include "beacon-test-util.h"
#include "beacon-ticket.h"

/*
 * Sync figures (issue #6), printed, never pass/fail:
 * 1. importing 100 000 changes from segments;
 * 2. an incremental round trip of 10 changes through beacon-syncd on 127.0.0.1;
 * 3. server throughput with 50 devices pushing at once (loopback only).
 */

#define T0 ((gint64) 1795741200)

static BeaconStore *
open_store (const char *dir,
            const char *name)
{
  g_autoptr(BeaconClock) clock = beacon_clock_new_system ();
  g_autofree char *path = g_strdup_printf ("%s/%s.db", dir, name);
  g_autoptr(GError) error = NULL;
  BeaconStore *store = beacon_store_open (path, clock, &error);

  g_assert_no_error (error);
  return store;
}

static void
die_with_parent (gpointer data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

static GSubprocess *
start_server (const char  *db,
              char       **out_url)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_autoptr(GDataInputStream) lines = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;
  GSubprocess *process;

  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  process = g_subprocess_launcher_spawn (launcher, &error, g_getenv ("BEACON_SYNCD"), "--db", db,
                                         "--listen", "127.0.0.1:0", "--rate", "0", NULL);
  g_assert_no_error (error);
  lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (process));
  line = g_data_input_stream_read_line_utf8 (lines, NULL, NULL, &error);
  g_assert_nonnull (line);
  *out_url = g_strdup (line + strlen ("Listening on "));
  return process;
}

static char *
add_token (const char *db,
           const char *name)
{
  g_autofree char *out = NULL;
  g_auto(GStrv) lines = NULL;
  char *argv[] = { (char *) g_getenv ("BEACON_SYNCD"), "--db", (char *) db, "token", "add",
                   (char *) name, NULL };

  g_assert_true (g_spawn_sync (NULL, argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, NULL, NULL, NULL));
  lines = g_strsplit (g_strstrip (out), "\n", -1);
  return g_strdup (lines[g_strv_length (lines) - 1]);
}

static void
bench_import (const char *dir)
{
  g_autoptr(BeaconStore) store = open_store (dir, "import");
  g_autoptr(GPtrArray) changes = g_ptr_array_new_with_free_func ((GDestroyNotify) beacon_change_free);
  g_autoptr(GPtrArray) segments = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  g_autofree char *device = g_uuid_string_random ();
  g_autofree char *prev = g_strdup ("");
  g_autoptr(GError) error = NULL;
  BeaconSyncReport report = { 0 };
  gint64 start, elapsed;
  guint n_used;
  gsize bytes = 0;

  for (guint i = 0; i < 100000; i++)
    {
      g_autofree char *id = g_strdup_printf ("customer-%05u", i / 4);
      g_autofree char *value = g_strdup_printf ("\"佛山市应急管理局 %u\"", i);

      g_ptr_array_add (changes, beacon_change_new (device, i + 1,
                                                   (((BeaconHlc) T0 * 1000 + i) << 16), 1,
                                                   "customer", id, i % 2 ? "name" : "code",
                                                   value, "[]"));
    }

  for (guint start_index = 0; start_index < changes->len; start_index += n_used)
    {
      g_autofree char *hash = NULL;
      GBytes *segment = beacon_segment_build (device, prev, changes, start_index, 0, &n_used, &hash);

      bytes += g_bytes_get_size (segment);
      g_ptr_array_add (segments, segment);
      g_free (prev);
      prev = g_steal_pointer (&hash);
    }

  start = g_get_monotonic_time ();
  for (guint i = 0; i < segments->len; i++)
    {
      gsize length;
      const char *data = g_bytes_get_data (g_ptr_array_index (segments, i), &length);

      g_assert_true (beacon_sync_import_segment (store, "bench", NULL, NULL, data, length,
                                                 NULL, &report, &error));
    }
  elapsed = g_get_monotonic_time () - start;
  g_assert_cmpuint (report.changes_applied, ==, 100000);

  printf ("import: 100000 changes in %u segments (%.1f MiB) in %.2f s: %.0f changes/s\n",
          segments->len, bytes / 1048576.0, elapsed / 1e6, 100000 / (elapsed / 1e6));
}

static int
compare_gint64 (gconstpointer a,
                gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;
  return x < y ? -1 : x > y;
}

static void
bench_round_trip (const char *dir)
{
  g_autofree char *db = g_build_filename (dir, "round-trip-syncd.db", NULL);
  g_autofree char *token_a = add_token (db, "a");
  g_autofree char *token_b = add_token (db, "b");
  g_autofree char *url = NULL;
  g_autoptr(GSubprocess) server = start_server (db, &url);
  g_autoptr(BeaconStore) a = open_store (dir, "rt-a");
  g_autoptr(BeaconStore) b = open_store (dir, "rt-b");
  g_autoptr(BeaconTicket) ticket = beacon_test_make_ticket (a, 2);
  g_autoptr(GError) error = NULL;
  gint64 times[20];

  g_assert_true (beacon_sync_server (a, url, token_a, NULL, &error));
  g_assert_true (beacon_sync_server (b, url, token_b, NULL, &error));

  for (guint round = 0; round < G_N_ELEMENTS (times); round++)
    {
      BeaconSyncReport report;
      gint64 start;

      for (guint i = 0; i < 10; i++)
        {
          g_autoptr(JsonNode) node = json_node_new (JSON_NODE_VALUE);
          g_autofree char *text = g_strdup_printf ("摘要 %u-%u", round, i);

          json_node_set_string (node, text);
          g_assert_true (beacon_store_set_ticket_field (a, ticket->id, "summary", node, &error));
        }

      start = g_get_monotonic_time ();
      g_assert_true (beacon_sync_server (a, url, token_a, NULL, &error));
      g_assert_true (beacon_sync_server (b, url, token_b, &report, &error));
      times[round] = g_get_monotonic_time () - start;
      g_assert_cmpuint (report.changes_applied, ==, 10);
    }

  qsort (times, G_N_ELEMENTS (times), sizeof times[0], (GCompareFunc) compare_gint64);
  printf ("round trip: 10 changes pushed by one device and pulled by another through "
          "beacon-syncd on 127.0.0.1: median %.1f ms, worst %.1f ms (20 rounds)\n",
          times[G_N_ELEMENTS (times) / 2] / 1000.0, times[G_N_ELEMENTS (times) - 1] / 1000.0);

  g_subprocess_send_signal (server, SIGTERM);
  g_subprocess_wait (server, NULL, NULL);
}

typedef struct
{
  BeaconStore *store;
  const char  *url;
  char        *token;
  gboolean     ok;
  GError      *error;
} Pusher;

static gpointer
push_thread (gpointer data)
{
  Pusher *pusher = data;

  pusher->ok = beacon_sync_server (pusher->store, pusher->url, pusher->token, NULL, &pusher->error);
  return NULL;
}

static void
bench_many_devices (const char *dir)
{
  g_autofree char *db = g_build_filename (dir, "many-syncd.db", NULL);
  g_autofree char *url = NULL;
  g_autoptr(GSubprocess) server = NULL;
  g_autoptr(GError) error = NULL;
  Pusher pushers[50];
  GThread *threads[50];
  gint64 start, elapsed;
  gint64 n_changes = 0;
  guint n_segments = 0;

  for (guint i = 0; i < G_N_ELEMENTS (pushers); i++)
    {
      g_autofree char *name = g_strdup_printf ("device-%02u", i);

      pushers[i].store = open_store (dir, name);
      pushers[i].error = NULL;
      pushers[i].token = add_token (db, name);
      /* A few offline tickets each, cut into several segments. */
      for (guint j = 0; j < 4; j++)
        {
          g_autoptr(BeaconTicket) ticket = beacon_test_make_ticket (pushers[i].store, 3);
          g_assert_true (beacon_sync_prepare (pushers[i].store, &error));
        }
      n_changes += beacon_store_get_last_seq (pushers[i].store);
      {
        g_autoptr(GPtrArray) outbox = beacon_sync_list_outbox (pushers[i].store, 0, &error);
        n_segments += outbox->len;
      }
    }

  server = start_server (db, &url);
  for (guint i = 0; i < G_N_ELEMENTS (pushers); i++)
    pushers[i].url = url;

  start = g_get_monotonic_time ();
  for (guint i = 0; i < G_N_ELEMENTS (pushers); i++)
    threads[i] = g_thread_new ("pusher", push_thread, &pushers[i]);
  for (guint i = 0; i < G_N_ELEMENTS (pushers); i++)
    g_thread_join (threads[i]);
  elapsed = g_get_monotonic_time () - start;

  for (guint i = 0; i < G_N_ELEMENTS (pushers); i++)
    {
      g_assert_no_error (pushers[i].error);
      g_assert_true (pushers[i].ok);
      g_object_unref (pushers[i].store);
      g_free (pushers[i].token);
    }

  printf ("server: 50 devices pushing at once (and pulling each other's heads): %u segments, "
          "%" PRId64 " changes in %.2f s: %.0f segments/s, %.0f changes/s\n",
          n_segments, n_changes, elapsed / 1e6, n_segments / (elapsed / 1e6),
          n_changes / (elapsed / 1e6));

  g_subprocess_send_signal (server, SIGTERM);
  g_subprocess_wait (server, NULL, NULL);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *dir = NULL;

  g_log_set_always_fatal (G_LOG_LEVEL_CRITICAL);
  dir = beacon_test_make_dir ();

  bench_import (dir);
  bench_round_trip (dir);
  bench_many_devices (dir);

  return 0;
}
