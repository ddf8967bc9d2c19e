/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <locale.h>
#include <stdio.h>

#include "beacon-archive.h"
#include "beacon-report-render.h"
#include "beacon-report.h"
#include "beacon-ticket.h"

/* PDF export of a sealed field service report whose handling process has
 * 200 rows: time per export and file size. Prints figures, never fails on time. */

#define N_ROWS 200
#define N_RUNS 10
#define T0 G_GINT64_CONSTANT (1795743000)

static void
set (BeaconStore *store,
     const char  *report_id,
     const char  *field_id,
     const char  *text)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BeaconReport) report = beacon_store_get_report (store, report_id, &error);
  g_autoptr(JsonNode) value = NULL;

  if (report == NULL ||
      !beacon_report_parse_value (beacon_report_template_find_field (report->template, field_id),
                                  text, &value, &error) ||
      !beacon_store_set_report_field (store, report_id, field_id, value, &error))
    g_error ("%s: %s", field_id, error->message);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("beacon-bench-report-XXXXXX", &error);
  g_autofree char *db = g_build_filename (dir, "bench.db", NULL);
  g_autofree char *pdf = g_build_filename (dir, "report.pdf", NULL);
  g_autoptr(BeaconClock) clock = beacon_clock_new_starting (T0 * G_USEC_PER_SEC);
  g_autoptr(BeaconStore) store = NULL;
  g_autoptr(BeaconTicket) ticket = NULL;
  g_autoptr(BeaconReport) report = NULL;
  g_autoptr(GString) rows = g_string_new ("[");
  g_autofree char *customer_id = NULL;
  g_autofree char *report_id = NULL;
  g_autofree char *s1 = NULL, *s2 = NULL;
  BeaconTicketDraft draft = { 0 };
  GStatBuf st;
  double best = G_MAXDOUBLE, total = 0;
  gint64 start;
  guint n_pages = 0;

  setlocale (LC_ALL, "");

  store = beacon_store_open (db, clock, &error);
  g_assert_no_error (error);
  customer_id = beacon_store_add_customer (store, "佛山市应急管理局", "FS", &error);
  g_assert_no_error (error);
  draft.kind = BEACON_KIND_FAULT;
  draft.level = 1;
  draft.customer_id = customer_id;
  draft.summary = "应急广播平台主服务器宕机";
  draft.symptoms = "重启后仍无法正常工作";
  ticket = beacon_store_create_ticket (store, &draft, &error);
  g_assert_no_error (error);

  report_id = beacon_store_create_report (store, ticket->number, "field-service", &error);
  g_assert_no_error (error);
  set (store, report_id, "site", "禅城区应急广播站");
  set (store, report_id, "system", "应急广播平台主服务器");
  set (store, report_id, "arrived_at", "2026-11-27T10:10:00+08:00");
  set (store, report_id, "repair_started_at", "2026-11-27T10:20:00+08:00");
  set (store, report_id, "completed_at", "2026-11-27T16:05:00+08:00");
  set (store, report_id, "result", "recovered");
  set (store, report_id, "observation", "no");
  for (guint r = 0; r < N_ROWS; r++)
    g_string_append_printf (rows, "%s{\"time\": %" G_GINT64_FORMAT ", \"action\": \"第 %u 步：检查 "
                            "broadcast controller channel %u, 记录设备状态并核对告警日志\"}",
                            r ? "," : "", T0 + 2400 + r * 60, r + 1, r % 16);
  g_string_append_c (rows, ']');
  set (store, report_id, "handling", rows->str);
  s1 = beacon_store_sign_report (store, report_id, "engineer", "张工",
                                 NULL, &error);
  g_assert_no_error (error);
  s2 = beacon_store_sign_report (store, report_id, "customer", "李主任", NULL, &error);
  g_assert_no_error (error);
  report = beacon_store_get_report (store, report_id, &error);
  g_assert_no_error (error);

  for (guint run = 0; run < N_RUNS; run++)
    {
      g_autoptr(BeaconReportRender) render = beacon_report_render_new (report, NULL, NULL);
      double ms;

      start = g_get_monotonic_time ();
      if (!beacon_report_render_to_pdf (render, pdf, &error))
        g_error ("%s", error->message);
      ms = (g_get_monotonic_time () - start) / 1000.0;
      best = MIN (best, ms);
      total += ms;
      n_pages = beacon_report_render_get_n_pages (render);
    }

  g_stat (pdf, &st);
  printf ("bench-report: field service report, %u handling rows, %u pages\n", N_ROWS, n_pages);
  printf ("  PDF export: best %.1f ms, mean %.1f ms over %u runs\n", best, total / N_RUNS, N_RUNS);
  printf ("  PDF size: %.1f KiB (fonts embedded as subsets)\n", st.st_size / 1024.0);

  g_unlink (pdf);
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
