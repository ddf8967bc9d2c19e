/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <locale.h>
#include <glib/gstdio.h>
#include <stdio.h>

#include "beacon-archive.h"
#include "beacon-escalation.h"
#include "beacon-metrics.h"
#include "beacon-store-private.h"

/*
 * The SLA clocks of the board: N open tickets ($BEACON_BENCH_OPEN, default
 * 5 000) of every level, with some events each, evaluated at one `now`.
 * The budget is 5 ms per pass. Prints figures; never fails on time.
 */

static double
ms_since (gint64 start)
{
  return (g_get_monotonic_time () - start) / 1000.0;
}

int
main (void)
{
  const char *n_text = g_getenv ("BEACON_BENCH_OPEN");
  guint n_tickets = n_text ? (guint) g_ascii_strtoull (n_text, NULL, 10) : 5000;
  g_autofree char *dir = g_dir_make_tmp ("beacon-bench-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "bench.db", NULL);
  gint64 t0 = 1795741200;   /* 2026-11-27T09:00:00+08:00 */
  g_autoptr(BeaconClock) clock = beacon_clock_new_fixed (t0 * G_USEC_PER_SEC);
  g_autoptr(BeaconStore) store = NULL;
  g_autoptr(BeaconMetricsSnapshot) snapshot = NULL;
  g_autoptr(GArray) urgencies = NULL;
  g_autoptr(GPtrArray) actions = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *customer_id = NULL;
  g_autofree char *last_ticket = NULL;
  const guint passes = 1000;
  guint n_breached = 0;
  gint64 start;
  double elapsed;

  setlocale (LC_ALL, "");

  store = beacon_store_open (path, clock, &error);
  g_assert_no_error (error);
  customer_id = beacon_store_add_customer (store, "佛山市应急管理局", "FS", &error);
  g_assert_no_error (error);

  /* One transaction: the clocks of every ticket are worked out at commit. */
  start = g_get_monotonic_time ();
  g_assert_true (_beacon_store_begin (store, &error));
  for (guint i = 0; i < n_tickets; i++)
    {
      BeaconTicketDraft draft = { 0 };
      g_autoptr(BeaconTicket) ticket = NULL;
      gint64 accepted_at = t0 - (gint64) (i % 2880) * 60;
      g_autofree char *e1 = NULL;
      g_autofree char *e2 = NULL;

      draft.kind = i % 10 == 0 ? BEACON_KIND_CONSULTING : BEACON_KIND_FAULT;
      draft.level = 1 + i % 4;
      draft.customer_id = customer_id;
      draft.summary = "应急广播平台主服务器宕机";
      draft.accepted_at = accepted_at;
      g_free (last_ticket);
      last_ticket = _beacon_store_create_ticket_id (store, &draft, &error);
      g_assert_no_error (error);

      if (i % 3 != 0)
        {
          e1 = _beacon_uuid_new ();
          g_assert_true (_beacon_store_record_event (store, e1, last_ticket, BEACON_EVENT_ACKNOWLEDGED,
                                                     accepted_at + 600, accepted_at + 600, NULL, NULL,
                                                     &error));
        }
      if (i % 7 == 0)
        {
          e2 = _beacon_uuid_new ();
          g_assert_true (_beacon_store_record_event (store, e2, last_ticket,
                                                     BEACON_EVENT_APPROVAL_REQUESTED,
                                                     accepted_at + 1800, accepted_at + 1800, NULL,
                                                     NULL, &error));
        }
    }
  g_assert_true (_beacon_store_commit (store, &error));
  g_assert_no_error (error);
  elapsed = ms_since (start);
  printf ("%u open tickets recorded, clocks worked out at commit: %.0f ms (%.3f ms per ticket)\n",
          n_tickets, elapsed, elapsed / n_tickets);

  start = g_get_monotonic_time ();
  snapshot = beacon_store_dup_metrics_snapshot (store, &error);
  g_assert_no_error (error);
  printf ("snapshot of the running clocks (%u tickets): %.2f ms (once per store change)\n",
          beacon_metrics_snapshot_get_n_tickets (snapshot), ms_since (start));

  urgencies = beacon_metrics_snapshot_evaluate (snapshot, t0, NULL);
  start = g_get_monotonic_time ();
  for (guint i = 0; i < passes; i++)
    beacon_metrics_snapshot_evaluate (snapshot, t0 + i, urgencies);
  elapsed = ms_since (start) / passes;
  for (guint i = 0; i < urgencies->len; i++)
    n_breached += g_array_index (urgencies, BeaconMetricUrgency, i).status == BEACON_METRIC_BREACHED;
  printf ("most urgent clock of %u tickets at one now: %.3f ms per pass (budget 5 ms); "
          "%u breached\n", urgencies->len, elapsed, n_breached);

  start = g_get_monotonic_time ();
  for (guint i = 0; i < 100; i++)
    {
      g_autoptr(GPtrArray) metrics = beacon_store_list_ticket_metrics (store, last_ticket, t0, &error);

      g_assert_no_error (error);
    }
  printf ("all clocks of one ticket with elapsed/remaining: %.3f ms\n", ms_since (start) / 100);

  start = g_get_monotonic_time ();
  g_assert_true (beacon_store_run_escalation (store, t0, &actions, &error));
  g_assert_no_error (error);
  printf ("escalation engine, first run: %.0f ms, %u actions\n", ms_since (start), actions->len);
  g_clear_pointer (&actions, g_ptr_array_unref);

  start = g_get_monotonic_time ();
  g_assert_true (beacon_store_run_escalation (store, t0, &actions, &error));
  g_assert_no_error (error);
  printf ("escalation engine, again (nothing to do): %.1f ms, %u actions\n", ms_since (start),
          actions->len);

  g_clear_object (&store);
  {
    g_autofree char *wal = g_strconcat (path, "-wal", NULL);
    g_autofree char *shm = g_strconcat (path, "-shm", NULL);

    g_remove (path);
    g_remove (wal);
    g_remove (shm);
    g_rmdir (dir);
  }

  return 0;
}
