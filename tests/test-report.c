/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <json-glib/json-glib.h>
#include <locale.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include "beacon-json.h"
#include "beacon-report.h"
#include "beacon-test-util.h"

/* Reports (issue #5): templates, filling, signing, seals, sync order, beaconctl. */

#define T0 G_GINT64_CONSTANT (1795743000)   /* 2026-11-27 09:30 +08:00, a Friday */

static BeaconStore *
open_store (const char  *dir,
            const char  *name,
            BeaconClock *clock)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GError) error = NULL;
  BeaconStore *store = beacon_store_open (path, clock, &error);

  g_assert_no_error (error);
  return store;
}

static void
set_text (BeaconStore *store,
          const char  *report_id,
          const char  *field_id,
          const char  *text)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BeaconReport) report = beacon_store_get_report (store, report_id, &error);
  g_autoptr(JsonNode) value = NULL;
  const BeaconReportField *field;

  g_assert_no_error (error);
  field = beacon_report_template_find_field (report->template, field_id);
  g_assert_nonnull (field);
  beacon_report_parse_value (field, text, &value, &error);
  g_assert_no_error (error);
  beacon_store_set_report_field (store, report_id, field_id, value, &error);
  g_assert_no_error (error);
}

/* Fills every field a template requires that the ticket did not. */
static void
complete_report (BeaconStore *store,
                 const char  *report_id)
{
  g_autoptr(BeaconReport) report = beacon_store_get_report (store, report_id, NULL);
  const char *id = report->template->id;

  set_text (store, report_id, "system", "应急广播平台主服务器");
  if (g_str_equal (id, "field-service"))
    {
      set_text (store, report_id, "arrived_at", "2026-11-27T10:10:00+08:00");
      set_text (store, report_id, "repair_started_at", "2026-11-27T10:20:00+08:00");
      set_text (store, report_id, "completed_at", "2026-11-27T12:05:00+08:00");
      set_text (store, report_id, "handling",
                "[{\"time\": \"2026-11-27T10:20:00+08:00\", \"action\": \"更换主服务器电源模块\"}]");
      set_text (store, report_id, "result", "recovered");
      set_text (store, report_id, "observation", "yes");
    }
  else if (g_str_equal (id, "fault-handling"))
    {
      set_text (store, report_id, "cause", "电源模块老化导致主服务器反复重启");
      set_text (store, report_id, "method", "更换电源模块并核对冗余电源切换");
      set_text (store, report_id, "steps",
                "[{\"time\": \"2026-11-27T10:20:00+08:00\", \"step\": \"切换至备用服务器\"}]");
      set_text (store, report_id, "recovered_at", "2026-11-27T12:05:00+08:00");
      set_text (store, report_id, "downtime", "155 min");
      set_text (store, report_id, "prevention", "每月检查电源告警日志");
      set_text (store, report_id, "explanation", "已向值班人员说明故障原因与处理过程");
    }
  else
    {
      set_text (store, report_id, "parameters", "cpu,memory,processes,network,backup");
      set_text (store, report_id, "logs", "系统日志无异常；备份日志有两次超时");
      set_text (store, report_id, "patches", "操作系统补丁已更新至 2026-10");
      set_text (store, report_id, "storage_used_previous", "800");
      set_text (store, report_id, "storage_used", "1200 GB");
      set_text (store, report_id, "storage_total", "4000");
      set_text (store, report_id, "performance", "CPU 峰值 45%，满足要求");
      set_text (store, report_id, "security", "已清理离职人员账号 2 个");
      set_text (store, report_id, "findings",
                "[{\"defect\": \"备份超时\", \"severity\": \"medium\", \"analysis\": \"网络拥塞\", "
                "\"solution\": \"调整备份窗口\", \"prevention\": \"监控备份时长\", \"status\": \"eliminated\"}]");
    }
}

static char *
sign (BeaconStore *store,
      const char  *report_id,
      const char  *role,
      const char  *name)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) strokes = beacon_json_parse ("{\"width\": 200, \"height\": 80, \"strokes\": "
                                                   "[[[10, 40, 0.3], [80, 10, 0.8], [150, 60, 0.5]]]}",
                                                   NULL);
  char *signature_id = beacon_store_sign_report (store, report_id, role, name, strokes, &error);

  g_assert_no_error (error);
  return signature_id;
}

static void
test_templates_strings (void)
{
  g_autofree char *root = g_strdup (g_getenv ("BEACON_SOURCE_ROOT"));
  g_autofree char *strings_path = g_build_filename (root, "src", "core", "beacon-report-strings.c", NULL);
  g_autofree char *xml_path = g_build_filename (root, "src", "core", "beacon-report.gresource.xml", NULL);
  g_autofree char *reports_dir = g_build_filename (root, "src", "core", "reports", NULL);
  g_autofree char *strings = NULL;
  g_autofree char *xml = NULL;
  g_autoptr(GPtrArray) templates = beacon_report_template_list ();
  g_autoptr(GDir) dir = NULL;
  const char *name;
  guint n_files = 0;

  g_assert_true (g_file_get_contents (strings_path, &strings, NULL, NULL));
  g_assert_true (g_file_get_contents (xml_path, &xml, NULL, NULL));

  /* Every template file is compiled in, and every label is marked for translation. */
  dir = g_dir_open (reports_dir, 0, NULL);
  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *entry = g_strdup_printf (">%s<", name);

      if (!g_str_has_suffix (name, ".json"))
        continue;
      n_files++;
      if (strstr (xml, entry) == NULL)
        g_error ("src/core/reports/%s is not listed in beacon-report.gresource.xml", name);
    }
  g_assert_cmpuint (templates->len, ==, n_files);
  g_assert_cmpuint (templates->len, >=, 3);

  for (guint t = 0; t < templates->len; t++)
    {
      BeaconReportTemplate *template = g_ptr_array_index (templates, t);
      g_autoptr(GPtrArray) msgids = beacon_report_template_collect_strings (template);

      for (guint i = 0; i < msgids->len; i++)
        {
          g_autoptr(GString) marked = g_string_new ("N_(");

          beacon_json_append_string (marked, g_ptr_array_index (msgids, i));
          g_string_append_c (marked, ')');
          if (strstr (strings, marked->str) == NULL)
            g_error ("Template %s: add %s to src/core/beacon-report-strings.c", template->id, marked->str);
        }
    }
}

static void
test_templates_invalid (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BeaconReportTemplate) template =
    beacon_report_template_new_from_data ("{\"id\": \"x\", \"version\": 1, \"title\": \"X\", \"sections\": "
                                          "[{\"title\": \"S\", \"fields\": [{\"id\": \"a\", "
                                          "\"kind\": \"colour\", \"label\": \"A\"}]}]}", -1, &error);

  g_assert_null (template);
  g_assert_error (error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "x, a"));
  g_assert_nonnull (strstr (error->message, "colour"));
}

static void
check_fill_sign_seal (const char *template_id)
{
  g_autofree char *dir = beacon_test_make_dir ();
  g_autoptr(BeaconClock) clock = beacon_clock_new_starting (T0 * G_USEC_PER_SEC);
  g_autoptr(BeaconStore) store = open_store (dir, "a.db", clock);
  g_autoptr(BeaconTicket) ticket = beacon_test_make_ticket (store, 1);
  g_autoptr(GError) error = NULL;
  g_autoptr(BeaconReport) report = NULL;
  g_autoptr(GPtrArray) problems = NULL;
  g_autofree char *report_id = NULL;
  g_autofree char *engineer = NULL;
  g_autofree char *customer = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *sha256 = NULL;
  g_autoptr(JsonNode) value = json_node_init_string (json_node_alloc (), "later");

  report_id = beacon_store_create_report (store, ticket->number, template_id, &error);
  g_assert_no_error (error);

  /* Prefilled from the ticket. */
  report = beacon_store_get_report (store, report_id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_node_get_string (beacon_report_get_value (report, "ticket_number")), ==,
                   ticket->number);
  g_assert_cmpstr (json_node_get_string (beacon_report_get_value (report, "customer")), ==,
                   "佛山市应急管理局");
  g_assert_cmpint (report->status, ==, BEACON_REPORT_DRAFT);

  /* Incomplete: cannot be signed. */
  problems = beacon_report_check (report);
  g_assert_cmpuint (problems->len, >, 0);
  g_assert_null (beacon_store_sign_report (store, report_id, "engineer", "张工", NULL, &error));
  g_assert_error (error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "is required"));
  g_clear_error (&error);
  g_clear_pointer (&report, beacon_report_free);

  complete_report (store, report_id);
  report = beacon_store_get_report (store, report_id, &error);
  g_clear_pointer (&problems, g_ptr_array_unref);
  problems = beacon_report_check (report);
  for (guint i = 0; i < problems->len; i++)
    g_test_message ("%s", ((BeaconReportProblem *) g_ptr_array_index (problems, i))->message);
  g_assert_cmpuint (problems->len, ==, 0);
  g_clear_pointer (&report, beacon_report_free);

  engineer = sign (store, report_id, "engineer", "张工");
  report = beacon_store_get_report (store, report_id, &error);
  g_assert_cmpint (report->status, ==, BEACON_REPORT_SIGNING);
  g_assert_false (report->sealed);
  g_clear_pointer (&report, beacon_report_free);

  /* One role signs once. */
  g_assert_null (beacon_store_sign_report (store, report_id, "engineer", "王工", NULL, &error));
  g_assert_error (error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_INVALID);
  g_clear_error (&error);

  customer = sign (store, report_id, "customer", "李主任");
  report = beacon_store_get_report (store, report_id, &error);
  g_assert_true (report->sealed);
  g_assert_cmpint (report->status, ==, BEACON_REPORT_SEALED);
  g_assert_cmpuint (strlen (report->sealed_sha256), ==, 64);
  g_assert_true (beacon_store_verify_report (store, report_id, &sha256, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (sha256, ==, report->sealed_sha256);

  /* Sealed: every kind of change fails and writes nothing. */
  before = beacon_test_export (store);
  g_assert_false (beacon_store_set_report_field (store, report_id, "ticket_number", value, &error));
  g_assert_error (error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_IMMUTABLE);
  g_assert_nonnull (strstr (error->message, "sealed"));
  g_clear_error (&error);
  g_assert_null (beacon_store_sign_report (store, report_id, "engineer", "王工", NULL, &error));
  g_assert_error (error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_IMMUTABLE);
  g_clear_error (&error);
  after = beacon_test_export (store);
  g_assert_cmpstr (before, ==, after);
}

static void
test_fill_sign_seal (gconstpointer data)
{
  check_fill_sign_seal (data);
}

static void
test_stale_signature (void)
{
  g_autofree char *dir = beacon_test_make_dir ();
  g_autoptr(BeaconClock) clock = beacon_clock_new_starting (T0 * G_USEC_PER_SEC);
  g_autoptr(BeaconStore) store = open_store (dir, "a.db", clock);
  g_autoptr(BeaconTicket) ticket = beacon_test_make_ticket (store, 2);
  g_autoptr(GError) error = NULL;
  g_autoptr(BeaconReport) report = NULL;
  g_autofree char *report_id = beacon_store_create_report (store, ticket->number, "field-service", &error);
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  g_autofree char *customer = NULL;

  complete_report (store, report_id);
  first = sign (store, report_id, "engineer", "张工");

  /* A change after a signature makes it no longer count. */
  set_text (store, report_id, "remarks", "客户要求补充说明");
  report = beacon_store_get_report (store, report_id, &error);
  g_assert_null (beacon_report_get_signature (report, "engineer"));
  g_assert_cmpint (report->status, ==, BEACON_REPORT_DRAFT);
  g_clear_pointer (&report, beacon_report_free);

  customer = sign (store, report_id, "customer", "李主任");
  report = beacon_store_get_report (store, report_id, &error);
  g_assert_false (report->sealed);
  g_clear_pointer (&report, beacon_report_free);

  second = sign (store, report_id, "engineer", "张工");
  report = beacon_store_get_report (store, report_id, &error);
  g_assert_true (report->sealed);
  g_assert_cmpstr (beacon_report_get_signature (report, "engineer")->id, ==, second);
  g_assert_true (beacon_store_verify_report (store, report_id, NULL, &error));
}

static void
test_amend_and_ledger (void)
{
  g_autofree char *dir = beacon_test_make_dir ();
  g_autoptr(BeaconClock) clock = beacon_clock_new_starting (T0 * G_USEC_PER_SEC);
  g_autoptr(BeaconStore) store = open_store (dir, "a.db", clock);
  g_autoptr(BeaconTicket) ticket = beacon_test_make_ticket (store, 1);
  g_autoptr(GError) error = NULL;
  g_autoptr(BeaconReport) old = NULL;
  g_autoptr(BeaconReport) amended = NULL;
  g_autoptr(GPtrArray) ledger = NULL;
  g_autofree char *report_id = beacon_store_create_report (store, ticket->number, "fault-handling", &error);
  g_autofree char *amended_id = NULL;
  g_autofree char *s1 = NULL, *s2 = NULL;

  g_assert_null (beacon_store_amend_report (store, report_id, &error));
  g_assert_error (error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_INVALID);
  g_clear_error (&error);

  complete_report (store, report_id);
  s1 = sign (store, report_id, "engineer", "张工");
  s2 = sign (store, report_id, "customer", "李主任");

  ledger = beacon_store_list_ledger (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ledger->len, ==, 1);
  g_assert_cmpstr (((BeaconReport *) g_ptr_array_index (ledger, 0))->id, ==, report_id);

  amended_id = beacon_store_amend_report (store, report_id, &error);
  g_assert_no_error (error);
  set_text (store, amended_id, "cause", "电源模块老化（经厂家检测确认）");

  old = beacon_store_get_report (store, report_id, &error);
  amended = beacon_store_get_report (store, amended_id, &error);
  g_assert_true (old->sealed);
  g_assert_true (beacon_store_verify_report (store, report_id, NULL, &error));
  g_assert_cmpstr (json_node_get_string (beacon_report_get_value (old, "cause")), ==,
                   "电源模块老化导致主服务器反复重启");
  g_assert_false (amended->sealed);
  g_assert_cmpstr (amended->revision_of, ==, report_id);
  g_assert_cmpstr (json_node_get_string (beacon_report_get_value (amended, "method")), ==,
                   "更换电源模块并核对冗余电源切换");
  g_assert_null (beacon_report_get_signature (amended, "engineer"));
}

static void
test_delivery (void)
{
  g_autofree char *dir = beacon_test_make_dir ();
  g_autoptr(BeaconClock) clock = beacon_clock_new_fixed (T0 * G_USEC_PER_SEC);
  g_autoptr(BeaconStore) store = open_store (dir, "a.db", clock);
  g_autoptr(BeaconTicket) ticket = beacon_test_make_ticket (store, 1);
  g_autoptr(GError) error = NULL;
  g_autoptr(BeaconReport) report = NULL;
  g_autoptr(BeaconCalendar) calendar = beacon_calendar_get_builtin ("cn-5x8");
  g_autofree char *a = beacon_store_create_report (store, ticket->number, "field-service", &error);
  g_autofree char *b = beacon_store_create_report (store, ticket->number, "field-service", &error);
  g_autofree char *s[4] = { NULL };
  gint64 monday_end;

  g_assert_nonnull (calendar);
  complete_report (store, a);
  complete_report (store, b);

  g_assert_false (beacon_store_deliver_report (store, a, &error));
  g_assert_error (error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_INVALID);
  g_clear_error (&error);

  s[0] = sign (store, a, "engineer", "张工");
  s[1] = sign (store, a, "customer", "李主任");
  s[2] = sign (store, b, "engineer", "张工");
  s[3] = sign (store, b, "customer", "李主任");

  /* Delivered on Friday 09:30: the customer has until the end of Monday. */
  g_assert_true (beacon_store_deliver_report (store, a, &error));
  g_assert_true (beacon_store_deliver_report (store, b, &error));
  g_assert_no_error (error);

  g_assert_false (beacon_store_answer_report (store, b, FALSE, "  ", &error));
  g_assert_error (error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_true (beacon_store_answer_report (store, b, FALSE, "到达时间记录有误", &error));
  g_assert_no_error (error);

  g_assert_true (beacon_calendar_next_working_day_end (calendar, T0, 1, &monday_end, &error));
  g_assert_cmpint (beacon_store_auto_confirm_reports (store, monday_end - 1, calendar, &error), ==, 0);
  g_assert_no_error (error);
  g_assert_cmpint (beacon_store_auto_confirm_reports (store, monday_end, calendar, &error), ==, 1);
  g_assert_no_error (error);

  report = beacon_store_get_report (store, a, &error);
  g_assert_cmpint (report->status, ==, BEACON_REPORT_CONFIRMED);
  g_assert_true (report->auto_confirmed);
  g_assert_cmpint (report->answered_at, ==, monday_end);
  g_clear_pointer (&report, beacon_report_free);

  /* The disputed one is not confirmed behind the negotiation's back. */
  report = beacon_store_get_report (store, b, &error);
  g_assert_cmpint (report->status, ==, BEACON_REPORT_DISPUTED);
  g_assert_cmpstr (report->dispute_reason, ==, "到达时间记录有误");
}

/* Sync: a change made on another device, concurrently with or after the
 * seal, is refused in every order of arrival, and the result is the same. */
static GPtrArray *
changes_of (BeaconStore *store)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *changes = beacon_store_list_changes (store, beacon_store_get_device_id (store), 0, 0, &error);

  g_assert_no_error (error);
  return changes;
}

static void
apply (BeaconStore *store,
       GPtrArray   *changes)
{
  g_autoptr(GError) error = NULL;

  beacon_store_apply_changes (store, changes, NULL, &error);
  g_assert_no_error (error);
}

static void
test_sync_order (void)
{
  g_autofree char *dir = beacon_test_make_dir ();
  g_autoptr(BeaconClock) clock_a = beacon_clock_new_fixed (T0 * G_USEC_PER_SEC);
  g_autoptr(BeaconClock) clock_b = beacon_clock_new_fixed (T0 * G_USEC_PER_SEC);
  g_autoptr(BeaconClock) clock_c = beacon_clock_new_fixed (T0 * G_USEC_PER_SEC);
  g_autoptr(BeaconStore) a = open_store (dir, "a.db", clock_a);
  g_autoptr(BeaconStore) b = open_store (dir, "b.db", clock_b);
  g_autoptr(BeaconStore) c = open_store (dir, "c.db", clock_c);
  g_autoptr(BeaconStore) d = open_store (dir, "d.db", clock_c);
  g_autoptr(BeaconTicket) ticket = beacon_test_make_ticket (a, 1);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) from_a_draft = NULL;
  g_autoptr(GPtrArray) from_a = NULL;
  g_autoptr(GPtrArray) from_b = NULL;
  g_autoptr(BeaconReport) sealed = NULL;
  g_autoptr(BeaconReport) seen = NULL;
  g_autofree char *report_id = beacon_store_create_report (a, ticket->number, "field-service", &error);
  g_autofree char *s1 = NULL, *s2 = NULL;
  g_autofree char *export_c = NULL, *export_d = NULL, *export_a = NULL, *export_b = NULL;
  g_autofree char *rebuilt = NULL;

  complete_report (a, report_id);
  from_a_draft = changes_of (a);
  apply (b, from_a_draft);

  /* B edits the draft concurrently (its clock is behind A's), and again later. */
  beacon_clock_advance (clock_a, 60 * G_USEC_PER_SEC);
  beacon_clock_advance (clock_b, 30 * G_USEC_PER_SEC);
  set_text (b, report_id, "remarks", "B：并发修改");
  s1 = sign (a, report_id, "engineer", "张工");
  s2 = sign (a, report_id, "customer", "李主任");
  beacon_clock_advance (clock_b, 600 * G_USEC_PER_SEC);
  set_text (b, report_id, "result", "workaround");

  sealed = beacon_store_get_report (a, report_id, &error);
  g_assert_true (sealed->sealed);
  from_a = changes_of (a);
  from_b = changes_of (b);

  /* C hears from A first, D from B first. */
  apply (c, from_a);
  apply (c, from_b);
  apply (d, from_b);
  apply (d, from_a);
  apply (a, from_b);
  apply (b, from_a);

  for (guint i = 0; i < 4; i++)
    {
      BeaconStore *store = (BeaconStore *[]) { a, b, c, d }[i];
      g_autoptr(BeaconReport) report = beacon_store_get_report (store, report_id, &error);

      g_assert_no_error (error);
      g_assert_true (report->sealed);
      g_assert_cmpstr (report->sealed_sha256, ==, sealed->sealed_sha256);
      g_assert_true (beacon_store_verify_report (store, report_id, NULL, &error));
      g_assert_no_error (error);
      g_assert_null (beacon_report_get_value (report, "remarks"));
      g_assert_cmpstr (json_node_get_string (beacon_report_get_value (report, "result")), ==, "recovered");
      /* Both of B's changes are on record as refused, on every device. */
      g_assert_cmpuint (beacon_store_count_report_refusals (store, report_id, NULL), ==, 2);
    }

  export_a = beacon_test_export (a);
  export_b = beacon_test_export (b);
  export_c = beacon_test_export (c);
  export_d = beacon_test_export (d);
  g_assert_cmpstr (export_c, ==, export_d);
  g_assert_cmpstr (export_a, ==, export_c);
  g_assert_cmpstr (export_b, ==, export_c);

  /* A rebuild from the oplog gives the same. */
  beacon_store_rebuild_projections (d, &error);
  g_assert_no_error (error);
  rebuilt = beacon_test_export (d);
  g_assert_cmpstr (rebuilt, ==, export_c);
  g_assert_cmpuint (beacon_store_count_report_refusals (d, report_id, NULL), ==, 2);

  seen = beacon_store_get_report (d, report_id, &error);
  g_assert_true (beacon_store_verify_report (d, report_id, NULL, &error));
}

/* Autosave: a process killed right after a field was saved loses nothing. */
static void
test_autosave_kill (void)
{
  g_autofree char *dir = beacon_test_make_dir ();
  g_autofree char *path = g_build_filename (dir, "a.db", NULL);
  g_autofree char *report_id = NULL;
  g_autoptr(BeaconReport) report = NULL;
  g_autoptr(GError) error = NULL;
  int wait_status;
  pid_t pid;

  {
    g_autoptr(BeaconClock) clock = beacon_clock_new_system ();
    g_autoptr(BeaconStore) store = beacon_store_open (path, clock, &error);
    g_autoptr(BeaconTicket) ticket = beacon_test_make_ticket (store, 1);

    report_id = beacon_store_create_report (store, ticket->number, "field-service", &error);
    g_assert_no_error (error);
  }

  pid = fork ();
  g_assert_cmpint (pid, >=, 0);
  if (pid == 0)
    {
      g_autoptr(BeaconClock) clock = beacon_clock_new_system ();
      BeaconStore *store = beacon_store_open (path, clock, NULL);
      JsonNode *value = json_node_init_string (json_node_alloc (), "现场观察两天，运行稳定");

      if (store == NULL || !beacon_store_set_report_field (store, report_id, "remarks", value, NULL))
        _exit (3);
      /* No cleanup, no close: as if the battery went flat. */
      kill (getpid (), SIGKILL);
      _exit (4);
    }

  g_assert_cmpint (waitpid (pid, &wait_status, 0), ==, pid);
  g_assert_true (WIFSIGNALED (wait_status));
  g_assert_cmpint (WTERMSIG (wait_status), ==, SIGKILL);

  {
    g_autoptr(BeaconClock) clock = beacon_clock_new_system ();
    g_autoptr(BeaconStore) store = beacon_store_open (path, clock, &error);

    g_assert_no_error (error);
    report = beacon_store_get_report (store, report_id, &error);
    g_assert_no_error (error);
    g_assert_cmpstr (json_node_get_string (beacon_report_get_value (report, "remarks")), ==,
                     "现场观察两天，运行稳定");
  }
}

/* beaconctl --------------------------------------------------------------- */

typedef struct
{
  int   status;
  char *out;
  char *err;
} Result;

static void
result_clear (Result *result)
{
  g_free (result->out);
  g_free (result->err);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Result, result_clear)

static Result
run (const char *db,
     ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_auto(GStrv) envp = g_get_environ ();
  g_autoptr(GError) error = NULL;
  Result result = { 0 };
  va_list args;
  int wait_status;

  g_ptr_array_add (argv, (char *) g_getenv ("BEACONCTL"));
  va_start (args, db);
  for (const char *arg = va_arg (args, const char *); arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, (char *) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  envp = g_environ_setenv (envp, "BEACON_DB", db, TRUE);
  envp = g_environ_unsetenv (envp, "BEACON_USER");
  g_spawn_sync (NULL, (char **) argv->pdata, envp, G_SPAWN_DEFAULT, NULL, NULL,
                &result.out, &result.err, &wait_status, &error);
  g_assert_no_error (error);
  result.status = WIFEXITED (wait_status) ? WEXITSTATUS (wait_status) : -1;
  g_strchomp (result.out);
  return result;
}

#define RUN_OK(result) G_STMT_START { \
    if ((result).status != 0) \
      g_error ("beaconctl failed (%d): %s", (result).status, (result).err); \
  } G_STMT_END

static void
test_ctl_seal_refuse_verify (void)
{
  g_autofree char *dir = beacon_test_make_dir ();
  g_autofree char *db = g_build_filename (dir, "ctl.db", NULL);
  g_autofree char *number = NULL;
  g_autofree char *report_id = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *shown;
  JsonArray *fields;
  sqlite3 *sql;

  {
    g_autoptr(BeaconClock) clock = beacon_clock_new_starting (T0 * G_USEC_PER_SEC);
    g_autoptr(BeaconStore) store = beacon_store_open (db, clock, NULL);
    g_autoptr(BeaconTicket) ticket = beacon_test_make_ticket (store, 1);

    number = g_strdup (ticket->number);
  }

  {
    g_auto(Result) r = run (db, "report", "new", number, "fault-handling", NULL);
    RUN_OK (r);
    report_id = g_strdup (r.out);
  }
  {
    g_auto(Result) r = run (db, "report", "new", number, "no-such-report", NULL);
    g_assert_cmpint (r.status, ==, 1);
    g_assert_nonnull (strstr (r.err, "fault-handling, field-service, inspection"));
  }
  {
    g_auto(Result) r = run (db, "report", "set", report_id, "recovered_at", "yesterday", NULL);
    g_assert_cmpint (r.status, ==, 1);
    g_assert_nonnull (strstr (r.err, "recovered_at"));
  }

#define SET(field, value) G_STMT_START { \
    g_auto(Result) r = run (db, "report", "set", report_id, field, value, NULL); \
    RUN_OK (r); \
  } G_STMT_END
  SET ("system", "核心交换机");
  SET ("cause", "交换机端口故障");
  SET ("method", "更换端口并调整链路");
  SET ("steps", "[{\"time\": \"2026-11-27T10:20:00+08:00\", \"step\": \"定位故障端口\"}]");
  SET ("recovered_at", "2026-11-27T12:05:00+08:00");
  SET ("prevention", "每周检查端口错误计数");
  SET ("explanation", "已向机房值班员说明");
#undef SET

  {
    g_auto(Result) e = run (db, "report", "sign", report_id, "--role", "engineer", "--name", "张工", NULL);
    g_auto(Result) c = run (db, "report", "sign", report_id, "--role", "customer", "--name", "李主任", NULL);
    g_auto(Result) show = run (db, "report", "show", report_id, "--json", NULL);

    RUN_OK (e);
    RUN_OK (c);
    RUN_OK (show);
    g_assert_true (json_parser_load_from_data (parser, show.out, -1, NULL));
  }

  shown = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpstr (json_object_get_string_member (shown, "template"), ==, "fault-handling");
  g_assert_cmpstr (json_object_get_string_member (shown, "status"), ==, "sealed");
  g_assert_true (json_object_get_boolean_member (shown, "sealed"));
  g_assert_cmpuint (strlen (json_object_get_string_member (shown, "sha256")), ==, 64);
  fields = json_object_get_array_member (shown, "fields");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (fields, 0), "id"), ==,
                   "ticket_number");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (fields, 0), "kind"), ==,
                   "text");
  g_assert_true (json_object_has_member (json_array_get_object_element (fields, 0), "label"));
  g_assert_true (json_object_get_boolean_member (json_array_get_object_element (fields, 0), "required"));

  /* The sealed report refuses edits: a message, exit 1, nothing changed. */
  {
    g_auto(Result) before = run (db, "export", "json", NULL);
    g_auto(Result) edit = run (db, "report", "set", report_id, "cause", "改写", NULL);
    g_auto(Result) sign_again = run (db, "report", "sign", report_id, "--role", "engineer", "--name", "王工", NULL);
    g_auto(Result) after = run (db, "export", "json", NULL);
    g_auto(Result) verify = run (db, "report", "verify", report_id, NULL);
    g_auto(Result) ledger = run (db, "ledger", "--json", NULL);

    g_assert_cmpint (edit.status, ==, 1);
    g_assert_nonnull (strstr (edit.err, "sealed"));
    g_assert_cmpint (sign_again.status, ==, 1);
    g_assert_cmpstr (before.out, ==, after.out);
    RUN_OK (verify);
    RUN_OK (ledger);
    g_assert_nonnull (strstr (ledger.out, report_id));
  }

  /* Changed behind Beacon's back: verify says so. */
  g_assert_cmpint (sqlite3_open (db, &sql), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (sql, "UPDATE registers SET value = '\"篡改的原因\"' "
                                      "WHERE entity = 'report' AND field = 'v.cause'",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_changes (sql), ==, 1);
  sqlite3_close (sql);

  {
    g_auto(Result) verify = run (db, "report", "verify", report_id, NULL);

    g_assert_cmpint (verify.status, ==, 1);
    g_assert_nonnull (strstr (verify.err, "no longer matches its seal"));
  }

  /* Delivery and the customer's answer. */
  {
    g_auto(Result) dispute_early = run (db, "report", "dispute", report_id, "--reason", "x", NULL);
    g_auto(Result) deliver = run (db, "report", "deliver", report_id, NULL);
    g_auto(Result) dispute = run (db, "report", "dispute", report_id, NULL);
    g_auto(Result) confirm = run (db, "report", "confirm", report_id, NULL);
    g_auto(Result) show = run (db, "report", "show", report_id, "--json", NULL);

    g_assert_cmpint (dispute_early.status, ==, 1);
    RUN_OK (deliver);
    g_assert_cmpint (dispute.status, ==, 1);
    g_assert_nonnull (strstr (dispute.err, "reason"));
    RUN_OK (confirm);
    g_assert_nonnull (strstr (show.out, "\"status\" : \"confirmed\""));
  }
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/report/templates/strings", test_templates_strings);
  g_test_add_func ("/report/templates/invalid", test_templates_invalid);
  g_test_add_data_func ("/report/seal/field-service", "field-service", test_fill_sign_seal);
  g_test_add_data_func ("/report/seal/fault-handling", "fault-handling", test_fill_sign_seal);
  g_test_add_data_func ("/report/seal/inspection", "inspection", test_fill_sign_seal);
  g_test_add_func ("/report/seal/stale-signature", test_stale_signature);
  g_test_add_func ("/report/amend-and-ledger", test_amend_and_ledger);
  g_test_add_func ("/report/delivery/auto-confirm", test_delivery);
  g_test_add_func ("/report/sync/any-order", test_sync_order);
  g_test_add_func ("/report/autosave/killed", test_autosave_kill);
  g_test_add_func ("/report/ctl/seal-refuse-verify", test_ctl_seal_refuse_verify);

  return g_test_run ();
}
