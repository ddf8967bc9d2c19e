/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <locale.h>
#include <stdio.h>

#include "beacon-demo.h"
#include "beacon-store.h"
#include "beacon-ticket.h"

/*
 * The store at the scale of a busy centre: `beaconctl demo --tickets N`
 * (N = $BEACON_BENCH_TICKETS, default 100 000), then the queries the board
 * makes. Prints figures; never fails on time.
 */

static double
seconds_since (gint64 start)
{
  return (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;
}

static gint64
file_size (const char *path)
{
  GStatBuf buf;

  return g_stat (path, &buf) == 0 ? (gint64) buf.st_size : 0;
}

int
main (void)
{
  const char *n_text = g_getenv ("BEACON_BENCH_TICKETS");
  guint n_tickets = n_text ? (guint) g_ascii_strtoull (n_text, NULL, 10) : 100000;
  g_autofree char *dir = g_dir_make_tmp ("beacon-bench-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "bench.db", NULL);
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autoptr(BeaconClock) clock = beacon_clock_new_fixed ((gint64) 1795741200 * G_USEC_PER_SEC);
  g_autoptr(BeaconStore) store = NULL;
  g_autoptr(GError) error = NULL;
  static const char * const queries[] = { "宕机", "禅城区", "应急广播平台", "日志已满", "FS-2026", "硬盘 重建" };
  guint n_open = 0;
  gint64 start;

  setlocale (LC_ALL, "");

  store = beacon_store_open (path, clock, &error);
  g_assert_no_error (error);

  start = g_get_monotonic_time ();
  if (!beacon_store_fill_demo (store, n_tickets, 1, &error))
    g_error ("%s", error->message);
  printf ("demo --tickets %u: %.1f s (%.0f tickets/s)\n", n_tickets, seconds_since (start),
          n_tickets / seconds_since (start));
  printf ("database size: %.1f MB (+ %.1f MB WAL)\n",
          file_size (path) / 1e6, file_size (wal) / 1e6);

  for (guint round = 0; round < 2; round++)
    {
      const guint repeats = 10;
      double elapsed;

      start = g_get_monotonic_time ();
      for (guint i = 0; i < repeats; i++)
        {
          g_autoptr(GPtrArray) open = beacon_store_list_tickets (store, TRUE, &error);

          g_assert_no_error (error);
          n_open = open->len;
        }
      elapsed = seconds_since (start) / repeats;
      if (round == 1)
        printf ("list open tickets (%u): %.1f ms per query\n", n_open, elapsed * 1000);
    }

  for (guint q = 0; q < G_N_ELEMENTS (queries); q++)
    {
      const guint repeats = 10;
      guint found = 0;

      start = g_get_monotonic_time ();
      for (guint i = 0; i < repeats; i++)
        {
          g_autoptr(GPtrArray) tickets = beacon_store_search_tickets (store, queries[q], 200, &error);

          g_assert_no_error (error);
          found = tickets->len;
        }
      printf ("search “%s” (%u shown): %.1f ms per query\n", queries[q], found,
              seconds_since (start) / repeats * 1000);

      start = g_get_monotonic_time ();
      for (guint i = 0; i < repeats; i++)
        {
          g_autoptr(GPtrArray) tickets = beacon_store_search_open_tickets (store, queries[q], 200, &error);

          g_assert_no_error (error);
          found = tickets->len;
        }
      printf ("search open tickets “%s” (%u shown): %.1f ms per query\n", queries[q], found,
              seconds_since (start) / repeats * 1000);
    }

  g_clear_object (&store);
  g_unlink (wal);
  g_unlink (path);
  {
    g_autofree char *shm = g_strconcat (path, "-shm", NULL);

    g_unlink (shm);
  }
  g_rmdir (dir);

  return 0;
}
