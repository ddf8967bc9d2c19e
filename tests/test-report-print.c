/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <locale.h>
#include <sys/wait.h>

#include "beacon-json.h"
#include "beacon-report-render.h"
#include "beacon-report.h"
#include "beacon-test-util.h"

/* The report renderer: PDFs checked with poppler-utils. PNGs of the pages
 * are left in BEACON_SCREENSHOT_DIR (when set) for a person to look at. */

static char *
spawn_out (const char * const *argv,
           const char * const *extra_env)
{
  g_auto(GStrv) envp = g_get_environ ();
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  char *out = NULL;
  int wait_status;

  for (guint i = 0; extra_env != NULL && extra_env[i] != NULL; i += 2)
    envp = g_environ_setenv (envp, extra_env[i], extra_env[i + 1], TRUE);

  g_spawn_sync (NULL, (char **) argv, envp, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, &err,
                &wait_status, &error);
  g_assert_no_error (error);
  if (!WIFEXITED (wait_status) || WEXITSTATUS (wait_status) != 0)
    g_error ("%s failed: %s", argv[0], err);
  return out;
}

static char *
pdf_text (const char *pdf)
{
  return spawn_out ((const char *[]) { "pdftotext", "-layout", pdf, "-", NULL }, NULL);
}

static guint
pdf_pages (const char *pdf)
{
  g_autofree char *info = spawn_out ((const char *[]) { "pdfinfo", pdf, NULL }, NULL);
  const char *pages = strstr (info, "Pages:");

  g_assert_nonnull (pages);
  return (guint) g_ascii_strtoull (pages + strlen ("Pages:"), NULL, 10);
}

static void
assert_fonts_embedded (const char *pdf)
{
  g_autofree char *fonts = spawn_out ((const char *[]) { "pdffonts", pdf, NULL }, NULL);
  g_auto(GStrv) lines = g_strsplit (fonts, "\n", -1);
  guint n_fonts = 0;

  /* name, type, encoding, then "emb sub uni": every font is embedded. */
  for (guint i = 2; lines[i] != NULL; i++)
    {
      g_auto(GStrv) parts = NULL;
      g_autoptr(GPtrArray) columns = g_ptr_array_new ();
      guint n;

      if (*lines[i] == '\0')
        continue;
      parts = g_strsplit_set (lines[i], " ", -1);
      for (guint k = 0; parts[k] != NULL; k++)
        if (*parts[k] != '\0')
          g_ptr_array_add (columns, parts[k]);
      n = columns->len;
      g_assert_cmpuint (n, >=, 7);
      if (g_strcmp0 (g_ptr_array_index (columns, n - 5), "yes") != 0)
        g_error ("Font not embedded in %s: %s", pdf, lines[i]);
      n_fonts++;
    }
  g_assert_cmpuint (n_fonts, >, 0);
}

static void
save_pngs (const char *pdf,
           const char *name)
{
  const char *dir = g_getenv ("BEACON_SCREENSHOT_DIR");
  g_autofree char *prefix = NULL;
  g_autofree char *out = NULL;

  if (dir == NULL)
    return;
  g_mkdir_with_parents (dir, 0755);
  prefix = g_build_filename (dir, name, NULL);
  out = spawn_out ((const char *[]) { "pdftoppm", "-png", "-r", "60", pdf, prefix, NULL }, NULL);
}

static void
set_field (BeaconStore *store,
           const char  *report_id,
           const char  *field_id,
           const char  *text)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BeaconReport) report = beacon_store_get_report (store, report_id, &error);
  g_autoptr(JsonNode) value = NULL;

  beacon_report_parse_value (beacon_report_template_find_field (report->template, field_id), text,
                             &value, &error);
  g_assert_no_error (error);
  beacon_store_set_report_field (store, report_id, field_id, value, &error);
  g_assert_no_error (error);
}

typedef struct
{
  const char *template_id;
  const char *zh_title;       /* what the .mo should give */
  const char *fields[24];     /* id, value, … */
  const char *expect[8];      /* text that must come out */
} Case;

static const Case cases[] = {
  { "field-service", "现场技术服务报告",
    { "arrived_at", "2026-11-27T10:10:00+08:00", "repair_started_at", "2026-11-27T10:20:00+08:00",
      "completed_at", "2026-11-27T12:05:00+08:00",
      "handling", "[{\"time\": \"2026-11-27T10:20:00+08:00\", \"action\": \"更换主服务器电源模块\"}]",
      "approvals", "[{\"time\": \"2026-11-27T10:15:00+08:00\", \"operation\": \"重启主服务器\", \"approved_by\": \"机房维护部 陈工\"}]",
      "result", "recovered", "observation", "yes", "remarks", "客户要求观察两天", NULL },
    { "Field service report", "更换主服务器电源模块", "重启主服务器", "客户要求观察两天", "Recovered", NULL } },
  { "fault-handling", "故障处理报告",
    { "cause", "电源模块老化导致主服务器反复重启", "method", "更换电源模块",
      "steps", "[{\"time\": \"2026-11-27T10:20:00+08:00\", \"step\": \"切换至备用服务器\"}]",
      "recovered_at", "2026-11-27T12:05:00+08:00", "downtime", "155",
      "prevention", "每月检查电源告警日志", "explanation", "已向值班人员说明", NULL },
    { "Fault handling report", "电源模块老化导致主服务器反复重启", "切换至备用服务器", "155 min",
      "每月检查电源告警日志", NULL } },
  { "inspection", "系统巡检报告",
    { "parameters", "cpu,memory,backup", "logs", "备份日志有两次超时", "patches", "补丁已更新至 2026-10",
      "storage_used_previous", "800", "storage_used", "1200", "storage_total", "4000",
      "performance", "CPU 峰值 45%", "security", "已清理离职人员账号",
      "findings", "[{\"defect\": \"备份超时\", \"severity\": \"medium\", \"analysis\": \"网络拥塞\", "
                  "\"solution\": \"调整备份窗口\", \"prevention\": \"监控备份时长\", \"status\": \"eliminated\"}]",
      NULL },
    { "Inspection report", "Defect elimination report", "备份超时", "1200 GB", "400 GB", "调整备份窗口", NULL } },
};

static char *
make_sealed_report (BeaconStore *store,
                    const Case  *c,
                    guint        extra_rows)
{
  g_autoptr(BeaconTicket) ticket = beacon_test_make_ticket (store, 1);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) strokes = beacon_json_parse ("{\"width\": 300, \"height\": 100, \"strokes\": "
                                                   "[[[20, 70, 0.2], [60, 20, 0.7], [110, 80, 1.0], "
                                                   "[170, 30, 0.6]], [[200, 60], [280, 40]]]}", NULL);
  g_autofree char *report_id = beacon_store_create_report (store, ticket->number, c->template_id, &error);
  g_autofree char *s1 = NULL, *s2 = NULL;

  g_assert_no_error (error);
  set_field (store, report_id, "system", "应急广播平台主服务器");
  for (guint i = 0; c->fields[i] != NULL; i += 2)
    set_field (store, report_id, c->fields[i], c->fields[i + 1]);

  if (extra_rows > 0)
    {
      g_autoptr(GString) rows = g_string_new ("[");

      for (guint r = 0; r < extra_rows; r++)
        g_string_append_printf (rows, "%s{\"time\": %" G_GINT64_FORMAT ", \"action\": \"第 %u 步：检查并记录设备状态\"}",
                                r ? "," : "", (gint64) 1795743000 + r * 60, r + 1);
      g_string_append (rows, "]");
      set_field (store, report_id, "handling", rows->str);
    }

  s1 = beacon_store_sign_report (store, report_id, "engineer", "张工", strokes, &error);
  g_assert_no_error (error);
  s2 = beacon_store_sign_report (store, report_id, "customer", "李主任", strokes, &error);
  g_assert_no_error (error);

  return g_steal_pointer (&report_id);
}

static void
test_pdf (gconstpointer data)
{
  const Case *c = data;
  g_autofree char *dir = beacon_test_make_dir ();
  g_autofree char *db = g_build_filename (dir, "print.db", NULL);
  g_autofree char *pdf = g_build_filename (dir, "report.pdf", NULL);
  g_autofree char *pdf_zh = g_build_filename (dir, "report-zh.pdf", NULL);
  g_autofree char *report_id = NULL;
  g_autofree char *text = NULL;
  g_autofree char *text_zh = NULL;
  g_autofree char *png_name = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(BeaconReport) report = NULL;
  g_autoptr(BeaconReportRender) render = NULL;
  g_autofree char *short_hash = NULL;

  {
    g_autoptr(BeaconClock) clock = beacon_clock_new_starting (G_GINT64_CONSTANT (1795743000) * G_USEC_PER_SEC);
    g_autoptr(BeaconStore) store = beacon_store_open (db, clock, &error);

    g_assert_no_error (error);
    report_id = make_sealed_report (store, c, 0);
    report = beacon_store_get_report (store, report_id, &error);
    g_assert_no_error (error);
  }

  /* English, in this process. */
  render = beacon_report_render_new (report, "佛山应急广播技术服务中心", NULL);
  g_assert_true (beacon_report_render_to_pdf (render, pdf, &error));
  g_assert_no_error (error);

  text = pdf_text (pdf);
  for (guint i = 0; c->expect[i] != NULL; i++)
    if (strstr (text, c->expect[i]) == NULL)
      g_error ("“%s” is missing from the PDF of %s:\n%s", c->expect[i], c->template_id, text);
  g_assert_nonnull (strstr (text, "佛山应急广播技术服务中心"));
  g_assert_nonnull (strstr (text, report->ticket_number));
  g_assert_nonnull (strstr (text, "张工"));
  g_assert_nonnull (strstr (text, "李主任"));
  short_hash = g_strndup (report->sealed_sha256, 16);
  g_assert_nonnull (strstr (text, short_hash));
  g_assert_nonnull (strstr (text, "Page 1 of"));
  assert_fonts_embedded (pdf);
  png_name = g_strdup_printf ("report-%s-en", c->template_id);
  save_pngs (pdf, png_name);

  /* Chinese, through beaconctl as a user would, with the build's translations. */
  spawn_out ((const char *[]) { g_getenv ("BEACONCTL"), "report", "pdf", report_id, pdf_zh, NULL },
             (const char *[]) { "BEACON_DB", db, "LANGUAGE", "zh_CN", "LANG", "zh_CN.UTF-8",
                                "LC_ALL", "zh_CN.UTF-8", "BEACON_UNINSTALLED", "1", NULL });
  text_zh = pdf_text (pdf_zh);
  g_assert_true (strstr (text_zh, "电源模块") != NULL || strstr (text_zh, "备份超时") != NULL);
  assert_fonts_embedded (pdf_zh);
  g_free (png_name);
  png_name = g_strdup_printf ("report-%s-zh_CN", c->template_id);
  save_pngs (pdf_zh, png_name);

  /* po/zh_CN.po is the one source of translations: expect the Chinese
   * title exactly when the built catalogue has it. */
  {
    g_autofree char *mo = g_build_filename (BUILD_LOCALEDIR, "zh_CN", "LC_MESSAGES",
                                            GETTEXT_PACKAGE ".mo", NULL);
    g_autofree char *catalogue = NULL;
    g_autofree char *msgunfmt = g_find_program_in_path ("msgunfmt");
    g_autofree char *entry = g_strdup_printf ("msgid \"%s\"\nmsgstr \"%s\"",
                                              report->template->title, c->zh_title);

    if (g_file_test (mo, G_FILE_TEST_EXISTS) && msgunfmt != NULL)
      catalogue = spawn_out ((const char *[]) { "msgunfmt", mo, NULL }, NULL);
    if (catalogue != NULL && strstr (catalogue, entry) != NULL)
      g_assert_nonnull (strstr (text_zh, c->zh_title));
    else
      g_test_message ("The zh_CN catalogue does not translate “%s” yet", report->template->title);
  }
}

static guint
count (const char *haystack,
       const char *needle)
{
  guint n = 0;

  for (const char *p = strstr (haystack, needle); p != NULL; p = strstr (p + 1, needle))
    n++;
  return n;
}

static void
test_long_table (void)
{
  g_autofree char *dir = beacon_test_make_dir ();
  g_autofree char *db = g_build_filename (dir, "print.db", NULL);
  g_autofree char *pdf = g_build_filename (dir, "long.pdf", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(BeaconClock) clock = beacon_clock_new_starting (G_GINT64_CONSTANT (1795743000) * G_USEC_PER_SEC);
  g_autoptr(BeaconStore) store = beacon_store_open (db, clock, &error);
  g_autofree char *report_id = make_sealed_report (store, &cases[0], 200);
  g_autoptr(BeaconReport) report = beacon_store_get_report (store, report_id, &error);
  g_autoptr(BeaconReportRender) render = beacon_report_render_new (report, NULL, NULL);
  g_autofree char *text = NULL;
  g_autofree char *last_page = NULL;
  guint n_pages;
  guint n_continued;

  g_assert_true (beacon_report_render_to_pdf (render, pdf, &error));
  g_assert_no_error (error);

  /* 200 rows of about 17 pt on 680 pt pages, after the request section. */
  n_pages = pdf_pages (pdf);
  g_assert_cmpuint (n_pages, ==, beacon_report_render_get_n_pages (render));
  g_assert_cmpuint (n_pages, >=, 6);
  g_assert_cmpuint (n_pages, <=, 9);

  text = pdf_text (pdf);
  g_assert_nonnull (strstr (text, "第 1 步"));
  g_assert_nonnull (strstr (text, "第 200 步"));
  /* Every page the table flows onto starts with its header again. */
  n_continued = count (text, "Handling process (continued)");
  g_assert_cmpuint (n_continued, >=, n_pages - 2);
  g_assert_cmpuint (count (text, "Event or action"), ==, n_continued + 1);
  last_page = g_strdup_printf ("Page %u of %u", n_pages, n_pages);
  g_assert_nonnull (strstr (text, last_page));
  save_pngs (pdf, "report-long");
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, BUILD_LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  g_test_init (&argc, &argv, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/report/print/%s", cases[i].template_id);

      g_test_add_data_func (path, &cases[i], test_pdf);
    }
  g_test_add_func ("/report/print/long-table", test_long_table);

  return g_test_run ();
}
