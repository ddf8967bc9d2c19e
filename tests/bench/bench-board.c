/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "beacon-bench"

#include "config.h"

#include <glib/gstdio.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

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
 * tickets, seed 1), about 5 000 of them open. Figures, each the median of
 * several runs: start to a populated and painted board (each run a new
 * process on a new copy of the database), a search keystroke to the updated
 * and painted board with the cards it shows checked against the store, a
 * search while the first escalation check runs, CPU of the 1 Hz tick with
 * 200 cards on screen, resident memory. The demo database is made once and
 * kept in the build directory; each run works on a copy. Never fails on time.
 */

#define FAKE_NOW "2026-11-27T09:35:00+08:00"
#define T_NOW ((gint64) 1795743300)
#define N_CARDS 200
#define TICK_SECONDS 20
#define N_START_RUNS 5
#define N_SEARCH_RUNS 5

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

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a;
  double y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static double
median (double *values,
        guint   n)
{
  g_assert (n > 0);
  qsort (values, n, sizeof *values, compare_doubles);
  return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
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
elapsed (gpointer data)
{
  return g_get_monotonic_time () >= *(gint64 *) data;
}

/* Frames: what a person sees is the board painted, not the model updated. */
static guint n_paints;

static void
on_after_paint_cb (GdkFrameClock *clock,
                   gpointer       user_data)
{
  n_paints++;
}

static void
watch_paints (GtkWidget *window)
{
  static GdkFrameClock *watched;
  GdkFrameClock *clock = gtk_widget_get_frame_clock (window);

  if (clock != NULL && clock != watched)
    {
      g_signal_connect (clock, "after-paint", G_CALLBACK (on_after_paint_cb), NULL);
      watched = clock;
    }
}

static gboolean
painted_since (gpointer data)
{
  return n_paints > *(guint *) data;
}

/* Waits for the next frame painted; FALSE if none came (nothing changed). */
static gboolean
wait_for_paint (GtkWidget *window)
{
  guint before = n_paints;

  watch_paints (window);
  return spin_until (painted_since, &before, 1000);
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

static double
thread_cpu_seconds (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
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
remove_database (const char *db)
{
  g_autofree char *wal = g_strconcat (db, "-wal", NULL);
  g_autofree char *shm = g_strconcat (db, "-shm", NULL);

  g_unlink (db);
  g_unlink (wal);
  g_unlink (shm);
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

/* A copy of the demo database as a workstation has it: its user is known,
 * as on every start but the first. */
static void
prepare_copy (const char *cache,
              const char *db)
{
  g_autoptr(BeaconClock) clock = beacon_clock_new_fixed (T_NOW * G_USEC_PER_SEC);
  g_autoptr(BeaconStore) store = NULL;
  g_autoptr(GError) error = NULL;

  remove_database (db);
  copy_file (cache, db);
  store = beacon_store_open (db, clock, &error);
  g_assert_no_error (error);
  if (beacon_store_find_user (store, "Bench Supervisor", NULL) == NULL)
    g_free (beacon_store_add_user (store, "Bench Supervisor", BEACON_ROLE_SUPERVISOR, NULL, &error));
  g_assert_no_error (error);
}

static BeaconApplication *
start_app (BeaconWindow **out_window)
{
  BeaconApplication *app = beacon_application_new ();
  g_autoptr(GError) error = NULL;

  g_application_set_application_id (G_APPLICATION (app), APP_ID ".Bench");
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_application_register (G_APPLICATION (app), NULL, &error);
  g_assert_no_error (error);
  g_application_activate (G_APPLICATION (app));

  *out_window = NULL;
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (app)); l; l = l->next)
    if (BEACON_IS_WINDOW (l->data))
      *out_window = l->data;
  g_assert_nonnull (*out_window);

  return app;
}

/* One start in a process of its own (`bench-board --start`): prints the
 * monotonic instants at which the board was populated and then painted. */
static int
run_start (void)
{
  g_autoptr(BeaconApplication) app = NULL;
  BeaconWindow *window = NULL;
  gint64 populated;

  app = start_app (&window);
  g_assert_true (spin_until (board_populated, window, 60000));
  populated = g_get_monotonic_time ();
  wait_for_paint (GTK_WIDGET (window));
  printf ("START %" G_GINT64_FORMAT " %" G_GINT64_FORMAT " %u\n", populated, g_get_monotonic_time (),
          g_list_model_get_n_items (beacon_window_get_tickets (window)));
  fflush (stdout);

  /* The escalation check may be running; the copy is thrown away. */
  _exit (0);
}

static void
measure_starts (const char *self_path,
                const char *cache,
                const char *dir)
{
  g_autofree char *db = g_build_filename (dir, "start.db", NULL);
  double populated[N_START_RUNS], painted[N_START_RUNS];
  guint n_runs = N_START_RUNS;
  guint n_open = 0;

  /* BEACON_BENCH_START_RUNS=0 leaves the starts out, when working on the rest. */
  if (g_getenv ("BEACON_BENCH_START_RUNS") != NULL)
    n_runs = MIN (atoi (g_getenv ("BEACON_BENCH_START_RUNS")), N_START_RUNS);
  if (n_runs == 0)
    return;

  g_setenv ("BEACON_DB", db, TRUE);
  for (guint i = 0; i < n_runs; i++)
    {
      const char *argv[] = { self_path, "--start", NULL };
      g_autofree char *out = NULL;
      g_autoptr(GError) error = NULL;
      gint64 spawned, populated_at, painted_at;
      int status;

      prepare_copy (cache, db);
      spawned = g_get_monotonic_time ();
      if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, NULL,
                         &status, &error))
        g_error ("Could not run %s: %s", self_path, error->message);
      if (out == NULL || strstr (out, "START ") == NULL ||
          sscanf (strstr (out, "START "), "START %" G_GINT64_FORMAT " %" G_GINT64_FORMAT " %u",
                  &populated_at, &painted_at, &n_open) != 3)
        g_error ("A start run printed no figures: %s", out ? out : "");
      populated[i] = (populated_at - spawned) / 1000.0;
      painted[i] = (painted_at - spawned) / 1000.0;
      printf ("  start run %u: populated %.0f ms, painted %.0f ms\n", i + 1, populated[i], painted[i]);
    }
  remove_database (db);

  printf ("start (new process) to populated board: %.0f ms, to the board painted: %.0f ms "
          "(median of %u; %u open tickets)\n",
          median (populated, n_runs), median (painted, n_runs), n_runs, n_open);
}

/* Search ------------------------------------------------------------------- */

typedef struct
{
  BeaconWindow *window;
  char         *text;       /* what the search entry said at its last ::search-changed */
} SearchWatch;

static SearchWatch watch;

static void
on_search_changed_cb (GtkSearchEntry *entry,
                      gpointer        user_data)
{
  g_free (watch.text);
  watch.text = g_strdup (gtk_editable_get_text (GTK_EDITABLE (entry)));
}

/* The window has run the search for @data (it handles ::search-changed
 * before us) and put its answer on the board. */
static gboolean
search_shown (gpointer data)
{
  return g_strcmp0 (watch.text, data) == 0 && !beacon_window_is_searching (watch.window);
}

static guint
count_cards (BeaconWindow *window)
{
  BeaconBoardModel *board = beacon_window_get_board (window);
  guint n = 0;

  for (guint stage = 0; stage < BEACON_N_STAGES; stage++)
    n += g_list_model_get_n_items (beacon_board_model_get_column (board, stage));

  return n;
}

/* What the board should show for @text: the store's answer, among the
 * tickets on the board (no filter is set). */
static guint
count_expected (BeaconWindow *window,
                const char   *text)
{
  BeaconBoardModel *board = beacon_window_get_board (window);
  g_auto(GStrv) closed = beacon_board_model_dup_closed_ids (board);
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) ids = NULL;
  GHashTableIter iter;
  gpointer id;
  guint n = 0;

  if (*text == '\0')
    return count_cards (window);

  ids = beacon_store_search_board (beacon_window_get_store (window), text,
                                   (const char * const *) closed, &error);
  g_assert_no_error (error);
  g_hash_table_iter_init (&iter, ids);
  while (g_hash_table_iter_next (&iter, &id, NULL))
    n += beacon_board_model_lookup (board, id) != NULL;

  return n;
}

/* Sets the entry to @before and waits until the board shows it. */
static void
settle_search (GtkEditable *entry,
               const char  *before)
{
  gtk_editable_set_text (entry, before);
  g_assert_true (spin_until (search_shown, (gpointer) before, 30000));
  wait_for_paint (GTK_WIDGET (watch.window));
}

/*
 * From @before, the user types @typed at the end (a key, or an input
 * method's commit of a word): the time to the board updated and painted,
 * and the cards it shows then.
 */
static void
measure_search (GtkEditable *entry,
                const char  *before,
                const char  *typed)
{
  g_autofree char *after = g_strconcat (before, typed, NULL);
  double to_model[N_SEARCH_RUNS], to_paint[N_SEARCH_RUNS];
  guint shown = 0, expected;

  for (guint i = 0; i < N_SEARCH_RUNS; i++)
    {
      int position = g_utf8_strlen (before, -1);
      gint64 start;

      settle_search (entry, before);

      start = g_get_monotonic_time ();
      gtk_editable_insert_text (entry, typed, -1, &position);
      g_assert_true (spin_until (search_shown, after, 30000));
      to_model[i] = ms_since (start);
      if (!wait_for_paint (GTK_WIDGET (watch.window)))
        printf ("  (no frame painted after “%s”)\n", after);
      to_paint[i] = ms_since (start);
      shown = count_cards (watch.window);
    }

  expected = count_expected (watch.window, after);
  printf ("search “%s” typing “%s”: %.1f ms to the board updated, %.1f ms to it painted "
          "(median of %d); cards shown after search: %u, the store says %u%s\n",
          after, typed, median (to_model, N_SEARCH_RUNS), median (to_paint, N_SEARCH_RUNS),
          N_SEARCH_RUNS, shown, expected, shown == expected ? "" : "  ← MISMATCH");
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

  g_setenv ("BEACON_FAKE_NOW", FAKE_NOW, TRUE);
  g_setenv ("BEACON_USER", "Bench Supervisor", TRUE);

  gtk_test_init (&argc, &argv, NULL);
  beacon_application_init_i18n ();

  if (argc > 1 && g_str_equal (argv[1], "--start"))
    return run_start ();

  cache = g_build_filename (g_getenv ("MESON_BUILD_ROOT") ? g_getenv ("MESON_BUILD_ROOT") : ".",
                            "bench-board-100000.db", NULL);
  ensure_demo_database (cache);
  dir = g_dir_make_tmp ("beacon-bench-board-XXXXXX", NULL);

  /* 1. Start to a populated board, each time a new process on a new copy. */
  {
    g_autofree char *self_path = g_file_read_link ("/proc/self/exe", NULL);

    measure_starts (self_path ? self_path : argv[0], cache, dir);
  }

  db = g_build_filename (dir, "beacon.db", NULL);
  prepare_copy (cache, db);
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
  }

  /* 2. The app in this process: the board, then a search while the first
   * escalation check (after the board) runs. */
  start = g_get_monotonic_time ();
  app = start_app (&window);
  g_assert_true (spin_until (board_populated, window, 60000));
  printf ("start (in this process) to populated board: %.0f ms (%u open tickets)\n", ms_since (start),
          g_list_model_get_n_items (beacon_window_get_tickets (window)));
  wait_for_paint (GTK_WIDGET (window));

  watch.window = window;
  search_entry = GTK_EDITABLE (gtk_widget_get_template_child (GTK_WIDGET (window), BEACON_TYPE_WINDOW,
                                                              "search_entry"));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.search", NULL);
  g_signal_connect (search_entry, "search-changed", G_CALLBACK (on_search_changed_cb), NULL);

  {
    BeaconAlertMonitor *monitor = beacon_application_get_alert_monitor (app);
    gboolean busy;
    int position = 0;

    start = g_get_monotonic_time ();
    busy = beacon_alert_monitor_is_busy (monitor);
    gtk_editable_insert_text (search_entry, "宕机", -1, &position);
    g_assert_true (spin_until (search_shown, "宕机", 30000));
    printf ("search “宕机” while the first escalation check %s: %.1f ms (%u cards shown, the store says %u)\n",
            busy && beacon_alert_monitor_is_busy (monitor) ? "runs" : "may have ended",
            ms_since (start), count_cards (window), count_expected (window, "宕机"));
    settle_search (search_entry, "");

    start = g_get_monotonic_time ();
    g_assert_true (spin_until (escalation_settled, app, 600000));
    printf ("first escalation check settled %.0f ms later; checks run: %u\n", ms_since (start),
            beacon_alert_monitor_get_n_runs (monitor));
  }
  until = g_get_monotonic_time () + G_USEC_PER_SEC;
  spin_until (elapsed, &until, 5000);

  /* 3. Search keystrokes to the updated board. */
  measure_search (search_entry, "", "宕");
  measure_search (search_entry, "宕", "机");
  measure_search (search_entry, "", "宕机");
  measure_search (search_entry, "", "禅城区");
  measure_search (search_entry, "", "应急广播");
  measure_search (search_entry, "", "FS-2026");
  measure_search (search_entry, "应急", " 宕");
  {
    double to_paint[N_SEARCH_RUNS];

    for (guint i = 0; i < N_SEARCH_RUNS; i++)
      {
        settle_search (search_entry, "宕机");
        start = g_get_monotonic_time ();
        gtk_editable_delete_text (search_entry, 0, -1);
        g_assert_true (spin_until (search_shown, "", 30000));
        wait_for_paint (GTK_WIDGET (window));
        to_paint[i] = ms_since (start);
      }
    printf ("search cleared to the whole board painted: %.1f ms (median of %d); cards shown: %u\n",
            median (to_paint, N_SEARCH_RUNS), N_SEARCH_RUNS, count_cards (window));
  }

  rss = vm_rss_kb ();
  printf ("resident memory with the board loaded: %.1f MB\n", rss / 1024.0);

  /* 4. The 1 Hz tick with 200 cards on screen. */
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

  g_clear_pointer (&watch.text, g_free);
  remove_database (db);
  g_rmdir (dir);

  return 0;
}
