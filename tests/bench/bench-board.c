/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "beacon-bench"

#include "config.h"

#include <glib/gstdio.h>
#include <stdio.h>
#include <time.h>

#include "beacon-application.h"
#include "beacon-archive.h"
#include "beacon-board-queries.h"
#include "beacon-demo.h"
#include "beacon-metrics.h"
#include "beacon-ticker.h"
#include "beacon-ticket-card.h"
#include "beacon-window.h"

/*
 * The board at the scale of a busy centre: beacon_store_fill_demo (100 000
 * tickets, seed 1), about 5 000 of them open. Figures: start to a populated
 * board, a search keystroke to the updated board, CPU of the 1 Hz tick with
 * 200 cards on screen, resident memory. The demo database is made once and
 * kept in the build directory; each run works on a copy. Never fails on time.
 */

#define FAKE_NOW "2026-11-27T09:35:00+08:00"
#define T_NOW ((gint64) 1795743300)
#define N_CARDS 200
#define TICK_SECONDS 20

static double
ms_since (gint64 start)
{
  return (g_get_monotonic_time () - start) / 1000.0;
}

static double
cpu_seconds (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_PROCESS_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

static long
vm_rss_kb (void)
{
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    return -1;
  line = strstr (status, "VmRSS:");
  return line ? strtol (line + 6, NULL, 10) : -1;
}

typedef gboolean (*Condition) (gpointer data);

static gboolean
spin_until (Condition condition,
            gpointer  data,
            guint     timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;

  while (!condition (data))
    {
      if (g_get_monotonic_time () > deadline)
        return FALSE;
      g_main_context_iteration (NULL, TRUE);
    }

  return TRUE;
}

static gboolean
board_populated (gpointer data)
{
  BeaconWindow *window = data;

  return beacon_window_get_loaded (window) &&
         g_list_model_get_n_items (beacon_window_get_tickets (window)) > 0;
}

static gboolean
escalation_settled (gpointer data)
{
  BeaconAlertMonitor *monitor = beacon_application_get_alert_monitor (BEACON_APPLICATION (data));

  return beacon_alert_monitor_get_n_runs (monitor) > 0 && !beacon_alert_monitor_is_busy (monitor);
}

static gboolean search_requested;

static void
on_search_changed_cb (GtkSearchEntry *entry,
                      gpointer        user_data)
{
  search_requested = TRUE;
}

static gboolean
search_done (gpointer data)
{
  return search_requested && !beacon_window_is_searching (BEACON_WINDOW (data));
}

static double
thread_cpu_seconds (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

static gboolean
elapsed (gpointer data)
{
  return g_get_monotonic_time () >= *(gint64 *) data;
}

static void
copy_file (const char *from,
           const char *to)
{
  g_autoptr(GFile) source = g_file_new_for_path (from);
  g_autoptr(GFile) target = g_file_new_for_path (to);
  g_autoptr(GError) error = NULL;

  if (!g_file_copy (source, target, G_FILE_COPY_OVERWRITE, NULL, NULL, NULL, &error))
    g_error ("Could not copy %s: %s", from, error->message);
}

static void
ensure_demo_database (const char *path)
{
  g_autoptr(BeaconClock) clock = beacon_clock_new_fixed (T_NOW * G_USEC_PER_SEC);
  g_autoptr(BeaconStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *partial = g_strconcat (path, ".partial", NULL);
  gint64 start = g_get_monotonic_time ();

  if (g_file_test (path, G_FILE_TEST_EXISTS))
    {
      printf ("demo database: cached at %s\n", path);
      return;
    }

  g_unlink (partial);
  store = beacon_store_open (partial, clock, &error);
  g_assert_no_error (error);
  if (!beacon_store_fill_demo (store, 100000, 1, &error))
    g_error ("%s", error->message);
  g_clear_object (&store);
  g_rename (partial, path);
  printf ("demo database: made in %.1f s, cached at %s\n", ms_since (start) / 1000, path);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *cache = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *db = NULL;
  g_autoptr(BeaconApplication) app = NULL;
  g_autoptr(GError) error = NULL;
  BeaconWindow *window = NULL;
  GtkEditable *search_entry;
  double cpu_before, cpu_after;
  gint64 start, until;
  long rss;

  if (g_getenv ("DISPLAY") == NULL && g_getenv ("WAYLAND_DISPLAY") == NULL)
    {
      printf ("bench-board: no display; run it under xvfb-run (meson test --benchmark in tools/test)\n");
      return 0;
    }

  gtk_test_init (&argc, &argv, NULL);
  beacon_application_init_i18n ();

  cache = g_build_filename (g_getenv ("MESON_BUILD_ROOT") ? g_getenv ("MESON_BUILD_ROOT") : ".",
                            "bench-board-100000.db", NULL);
  ensure_demo_database (cache);

  dir = g_dir_make_tmp ("beacon-bench-board-XXXXXX", NULL);
  db = g_build_filename (dir, "beacon.db", NULL);
  copy_file (cache, db);
  g_setenv ("BEACON_DB", db, TRUE);

  /* Where the start goes: the store's own reads, with a warm page cache. */
  {
    g_autoptr(BeaconClock) clock = beacon_clock_new_fixed (T_NOW * G_USEC_PER_SEC);
    g_autoptr(BeaconStore) store = NULL;
    g_autoptr(GPtrArray) open = NULL;
    g_autoptr(BeaconMetricsSnapshot) metrics = NULL;
    g_autoptr(GArray) urgencies = NULL;
    g_autoptr(GHashTable) matches = NULL;

    start = g_get_monotonic_time ();
    store = beacon_store_open (db, clock, &error);
    g_assert_no_error (error);
    printf ("  store open: %.0f ms\n", ms_since (start));
    start = g_get_monotonic_time ();
    open = beacon_store_list_tickets (store, TRUE, &error);
    printf ("  list open tickets: %.0f ms (%u)\n", ms_since (start), open->len);
    start = g_get_monotonic_time ();
    metrics = beacon_store_dup_metrics_snapshot (store, &error);
    urgencies = beacon_metrics_snapshot_evaluate (metrics, T_NOW, NULL);
    printf ("  SLA snapshot and evaluation: %.0f ms\n", ms_since (start));
    start = g_get_monotonic_time ();
    matches = beacon_store_search_board (store, "宕机", NULL, &error);
    printf ("  board search “宕机” (store only): %.1f ms (%u)\n", ms_since (start), g_hash_table_size (matches));

    /* This workstation's user is known, as on every start but the first. */
    if (beacon_store_find_user (store, "Bench Supervisor", NULL) == NULL)
      g_free (beacon_store_add_user (store, "Bench Supervisor", BEACON_ROLE_SUPERVISOR, NULL, &error));
  }
  g_setenv ("BEACON_FAKE_NOW", FAKE_NOW, TRUE);
  g_setenv ("BEACON_USER", "Bench Supervisor", TRUE);

  /* 1. Start to a populated board. */
  start = g_get_monotonic_time ();
  app = beacon_application_new ();
  g_application_set_application_id (G_APPLICATION (app), APP_ID ".Bench");
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_application_register (G_APPLICATION (app), NULL, &error);
  g_assert_no_error (error);
  g_application_activate (G_APPLICATION (app));
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (app)); l; l = l->next)
    if (BEACON_IS_WINDOW (l->data))
      window = l->data;
  g_assert_nonnull (window);
  g_assert_true (spin_until (board_populated, window, 60000));
  printf ("start to populated board: %.0f ms (%u open tickets)\n", ms_since (start),
          g_list_model_get_n_items (beacon_window_get_tickets (window)));

  /* The first escalation check follows the board; let it finish so the
   * figures below are the board's, not the engine's first pass. */
  start = g_get_monotonic_time ();
  g_assert_true (spin_until (escalation_settled, app, 600000));
  printf ("first escalation check after the board: %.0f ms\n", ms_since (start));
  until = g_get_monotonic_time () + G_USEC_PER_SEC;
  spin_until (elapsed, &until, 5000);

  /* 2. Search keystrokes to the updated board. */
  search_entry = GTK_EDITABLE (gtk_widget_get_template_child (GTK_WIDGET (window), BEACON_TYPE_WINDOW,
                                                              "search_entry"));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.search", NULL);
  g_signal_connect (search_entry, "search-changed", G_CALLBACK (on_search_changed_cb), NULL);
  {
    static const char * const keystrokes[] = { "宕", "宕机", "禅城区", "应急广播", "FS-2026", "" };

    for (guint i = 0; i < G_N_ELEMENTS (keystrokes); i++)
      {
        guint n_new;

        search_requested = FALSE;
        start = g_get_monotonic_time ();
        gtk_editable_set_text (search_entry, keystrokes[i]);
        g_assert_true (spin_until (search_done, window, 30000));
        n_new = g_list_model_get_n_items (G_LIST_MODEL (beacon_board_model_get_column (
          beacon_window_get_board (window), BEACON_STAGE_NEW)));
        printf ("search “%s” to updated board: %.1f ms (%u cards in “new”)\n",
                keystrokes[i], ms_since (start), n_new);
      }
  }

  rss = vm_rss_kb ();
  printf ("resident memory with the board loaded: %.1f MB\n", rss / 1024.0);

  /* 3. The 1 Hz tick with 200 cards on screen. */
  {
    GListModel *open = beacon_window_get_tickets (window);
    GtkWidget *cards_window = gtk_window_new ();
    GtkWidget *grid = gtk_grid_new ();
    guint n = MIN (N_CARDS, g_list_model_get_n_items (open));

    gtk_window_set_default_size (GTK_WINDOW (cards_window), 1280, 1000);
    for (guint i = 0; i < n; i++)
      {
        g_autoptr(BeaconTicketObject) ticket = g_list_model_get_item (open, i);
        GtkWidget *card = beacon_ticket_card_new ();

        beacon_ticket_card_set_ticket (BEACON_TICKET_CARD (card), ticket);
        gtk_widget_set_size_request (card, 120, -1);
        gtk_grid_attach (GTK_GRID (grid), card, i % 20, i / 20, 1, 1);
      }
    gtk_window_set_child (GTK_WINDOW (cards_window), grid);
    gtk_window_present (GTK_WINDOW (cards_window));

    /* Settle: layout and the first frames. */
    until = g_get_monotonic_time () + 2 * G_USEC_PER_SEC;
    spin_until (elapsed, &until, 5000);

    {
      BeaconTicker *ticker = beacon_ticker_get_default ();
      double thread_before, thread_after, seconds;
      gint64 busy_before, busy_after;
      guint ticks_before, ticks_after;

      printf ("tick listeners (mapped countdowns): %u\n", beacon_ticker_get_n_listeners (ticker));
      busy_before = beacon_ticker_get_busy_time (ticker, &ticks_before);
      cpu_before = cpu_seconds ();
      thread_before = thread_cpu_seconds ();
      start = g_get_monotonic_time ();
      until = start + TICK_SECONDS * G_USEC_PER_SEC;
      spin_until (elapsed, &until, (TICK_SECONDS + 5) * 1000);
      cpu_after = cpu_seconds ();
      thread_after = thread_cpu_seconds ();
      busy_after = beacon_ticker_get_busy_time (ticker, &ticks_after);
      seconds = ms_since (start) / 1000.0;
      printf ("1 Hz tick, %u cards mapped, %d s: tick handlers %.3f %% of one core (%u ticks, %.2f ms each); "
              "main thread %.2f %%; whole process (incl. escalation checks) %.2f %%\n",
              n, TICK_SECONDS, 100.0 * (busy_after - busy_before) / 1e6 / seconds,
              ticks_after - ticks_before,
              (busy_after - busy_before) / 1000.0 / MAX (ticks_after - ticks_before, 1),
              100.0 * (thread_after - thread_before) / seconds,
              100.0 * (cpu_after - cpu_before) / seconds);
    }

    gtk_window_destroy (GTK_WINDOW (cards_window));
  }

  rss = vm_rss_kb ();
  printf ("resident memory at the end: %.1f MB\n", rss / 1024.0);

  {
    GList *windows;

    while ((windows = gtk_application_get_windows (GTK_APPLICATION (app))) != NULL)
      gtk_window_destroy (GTK_WINDOW (windows->data));
    while (g_main_context_iteration (NULL, FALSE))
      ;
  }

  g_unlink (db);
  {
    g_autofree char *wal = g_strconcat (db, "-wal", NULL);
    g_autofree char *shm = g_strconcat (db, "-shm", NULL);

    g_unlink (wal);
    g_unlink (shm);
  }
  g_rmdir (dir);

  return 0;
}
