/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <json-glib/json-glib.h>
#include <locale.h>

#include "beacon-test-util.h"

/* beaconctl, run for real on a temporary database. */

typedef struct
{
  char *dir;
  char *db;
} Fixture;

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
run_v (Fixture     *fixture,
       const char  *first,
       va_list      args)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) envp = g_get_environ ();
  Result result = { 0 };
  int wait_status;

  g_ptr_array_add (argv, (char *) g_getenv ("BEACONCTL"));
  for (const char *arg = first; arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, (char *) arg);
  g_ptr_array_add (argv, NULL);

  envp = g_environ_setenv (envp, "BEACON_DB", fixture->db, TRUE);
  envp = g_environ_unsetenv (envp, "BEACON_USER");

  g_spawn_sync (NULL, (char **) argv->pdata, envp, G_SPAWN_DEFAULT, NULL, NULL,
                &result.out, &result.err, &wait_status, &error);
  g_assert_no_error (error);
  result.status = WIFEXITED (wait_status) ? WEXITSTATUS (wait_status) : -1;

  return result;
}

static Result
run (Fixture    *fixture,
     const char *first,
     ...)
{
  va_list args;
  Result result;

  va_start (args, first);
  result = run_v (fixture, first, args);
  va_end (args);

  return result;
}

/* Runs and insists on success; returns stdout without the final newline. */
static char *
run_ok (Fixture    *fixture,
        const char *first,
        ...)
{
  va_list args;
  g_auto(Result) result = { 0 };

  va_start (args, first);
  result = run_v (fixture, first, args);
  va_end (args);

  if (result.status != 0)
    g_error ("beaconctl %s… failed (%d): %s", first, result.status, result.err);

  return g_strchomp (g_steal_pointer (&result.out));
}

static JsonNode *
parse_json (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, text, -1, &error);
  g_assert_no_error (error);
  return json_node_copy (json_parser_get_root (parser));
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autofree char *number = NULL;

  fixture->dir = beacon_test_make_dir ();
  fixture->db = g_build_filename (fixture->dir, "ctl.db", NULL);

  g_free (run_ok (fixture, "customer", "add", "佛山市应急管理局", "--code", "FS",
                  "--site", "禅城区应急广播站", "--site", "南海区分中心",
                  "--contact", "张三（科长） 13800000000", "--system", "应急广播平台主服务器", NULL));
  g_free (run_ok (fixture, "user", "add", "李强", "--role", "engineer", NULL));
  g_free (run_ok (fixture, "user", "add", "赵敏", "--role", "supervisor", NULL));
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_free (fixture->dir);
  g_free (fixture->db);
}

static char *
new_ticket (Fixture *fixture)
{
  return run_ok (fixture, "ticket", "new", "--customer", "佛山市应急管理局",
                 "--site", "禅城区应急广播站", "--level", "1",
                 "--summary", "应急广播平台主服务器宕机", "--symptoms", "重启后仍无法工作",
                 "--at", "2026-11-27T09:00:00+08:00", NULL);
}

static void
test_customer_commands (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autofree char *list = run_ok (fixture, "customer", "list", "--json", NULL);
  g_autoptr(JsonNode) root = parse_json (list);
  JsonArray *customers = json_node_get_array (root);
  JsonObject *customer;

  g_assert_cmpuint (json_array_get_length (customers), ==, 1);
  customer = json_array_get_object_element (customers, 0);
  g_assert_cmpstr (json_object_get_string_member (customer, "name"), ==, "佛山市应急管理局");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (customer, "sites")), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (
                     json_array_get_object_element (json_object_get_array_member (customer, "contacts"), 0),
                     "phone"), ==, "13800000000");

  {
    g_autofree char *text = run_ok (fixture, "customer", "list", NULL);

    g_assert_nonnull (strstr (text, "南海区分中心"));
  }
}

static void
test_ticket_commands (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autofree char *number = new_ticket (fixture);
  g_autofree char *shown = NULL;
  g_autoptr(JsonNode) root = NULL;
  JsonObject *ticket;
  JsonArray *events;

  /* The number is all that is printed. */
  g_assert_true (g_regex_match_simple ("^FS-20261127-[0-9A-Z]{4}-0001$", number, 0, 0));

  g_free (run_ok (fixture, "ticket", "event", number, "acknowledged",
                  "--at", "2026-11-27T09:12:00+08:00", "--note", "值班工程师电话确认", NULL));
  g_free (run_ok (fixture, "ticket", "event", number, "level-changed", "--level", "2",
                  "--at", "2026-11-27T09:20:00+08:00", "--note", "影响范围较小", NULL));
  g_free (run_ok (fixture, "ticket", "set", number, "assignees", "李强，赵敏", NULL));
  g_free (run_ok (fixture, "ticket", "set", number, "contact", "张三（科长）", NULL));
  g_free (run_ok (fixture, "ticket", "set", number, "system", "应急广播平台主服务器", NULL));
  g_free (run_ok (fixture, "ticket", "set", number, "summary", "主服务器宕机，业务中断", NULL));
  g_free (run_ok (fixture, "ticket", "set", number, "fault-time", "2026-11-27T08:40:00+08:00", NULL));
  g_free (run_ok (fixture, "ticket", "set", number, "symptoms", "无法启动", NULL));

  shown = run_ok (fixture, "ticket", "show", number, "--json", NULL);
  root = parse_json (shown);
  ticket = json_node_get_object (root);
  g_assert_cmpstr (json_object_get_string_member (ticket, "number"), ==, number);
  g_assert_cmpstr (json_object_get_string_member (ticket, "kind"), ==, "fault");
  g_assert_cmpint (json_object_get_int_member (ticket, "level"), ==, 2);
  g_assert_cmpint (json_object_get_int_member (ticket, "initial_level"), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (ticket, "customer"), ==, "佛山市应急管理局");
  g_assert_cmpstr (json_object_get_string_member (ticket, "site"), ==, "禅城区应急广播站");
  g_assert_cmpstr (json_object_get_string_member (ticket, "summary"), ==, "主服务器宕机，业务中断");
  g_assert_cmpstr (json_object_get_string_member (ticket, "stage"), ==, "responding");
  g_assert_cmpstr (json_object_get_string_member (ticket, "contact_phone"), ==, "13800000000");
  g_assert_cmpstr (json_object_get_string_member (ticket, "system"), ==, "应急广播平台主服务器");
  g_assert_cmpstr (json_object_get_string_member (ticket, "fault_at"), ==, "2026-11-27T08:40:00+08:00");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (ticket, "assignees")), ==, 2);

  events = json_object_get_array_member (ticket, "events");
  g_assert_cmpuint (json_array_get_length (events), ==, 3);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (events, 0), "type"),
                   ==, "accepted");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (events, 0), "occurred_at"),
                   ==, "2026-11-27T09:00:00+08:00");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (events, 1), "note"),
                   ==, "值班工程师电话确认");

  /* Move it along to closed: it leaves the open list, stays in the full one. */
  g_free (run_ok (fixture, "ticket", "event", number, "arrived", NULL));
  g_free (run_ok (fixture, "ticket", "event", number, "recovered", NULL));
  {
    g_autofree char *open = run_ok (fixture, "ticket", "list", "--open", "--json", NULL);
    g_autoptr(JsonNode) open_root = parse_json (open);

    g_assert_cmpuint (json_array_get_length (json_node_get_array (open_root)), ==, 1);
    g_assert_cmpstr (json_object_get_string_member (
                       json_array_get_object_element (json_node_get_array (open_root), 0), "stage"),
                     ==, "recovered");
  }
  g_free (run_ok (fixture, "ticket", "event", number, "closed", NULL));
  {
    g_autofree char *open = run_ok (fixture, "ticket", "list", "--open", "--json", NULL);
    g_autofree char *all = run_ok (fixture, "ticket", "list", "--json", NULL);
    g_autofree char *text = run_ok (fixture, "ticket", "show", number, NULL);
    g_autoptr(JsonNode) open_root = parse_json (open);
    g_autoptr(JsonNode) all_root = parse_json (all);

    g_assert_cmpuint (json_array_get_length (json_node_get_array (open_root)), ==, 0);
    g_assert_cmpuint (json_array_get_length (json_node_get_array (all_root)), ==, 1);
    g_assert_nonnull (strstr (text, "值班工程师电话确认"));
  }
}

static void
test_search_command (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autofree char *number = new_ticket (fixture);
  g_autofree char *found = run_ok (fixture, "search", "宕机", "--json", NULL);
  g_autofree char *none = run_ok (fixture, "search", "交换机", "--json", NULL);
  g_autoptr(JsonNode) root = parse_json (found);
  g_autoptr(JsonNode) empty = parse_json (none);

  g_assert_cmpuint (json_array_get_length (json_node_get_array (root)), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (json_node_get_array (root), 0),
                                                  "number"), ==, number);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (empty)), ==, 0);
}

static void
test_demo_and_export (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autofree char *path_a = g_build_filename (fixture->dir, "a.json", NULL);
  g_autofree char *path_b = g_build_filename (fixture->dir, "b.json", NULL);
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;
  g_autofree char *stdout_export = NULL;
  g_autofree char *list = NULL;
  g_autoptr(JsonNode) root = NULL;

  g_free (run_ok (fixture, "demo", "--tickets", "300", "--seed", "3", NULL));
  list = run_ok (fixture, "ticket", "list", "--json", NULL);
  root = parse_json (list);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (root)), ==, 300);

  /* Exporting twice, to a file and to stdout, gives the same bytes; a
   * rebuild of every projection changes none of them. */
  g_free (run_ok (fixture, "export", "json", path_a, NULL));
  stdout_export = run_ok (fixture, "export", "json", NULL);
  g_free (run_ok (fixture, "rebuild", NULL));
  g_free (run_ok (fixture, "export", "json", path_b, NULL));
  g_assert_true (g_file_get_contents (path_a, &a, NULL, NULL));
  g_assert_true (g_file_get_contents (path_b, &b, NULL, NULL));
  g_assert_cmpstr (a, ==, b);
  g_assert_cmpstr (g_strchomp (a), ==, stdout_export);

  /* It is JSON, and it holds the archive and the timelines. */
  {
    g_autoptr(JsonNode) exported = parse_json (b);
    JsonObject *object = json_node_get_object (exported);

    g_assert_true (json_object_has_member (object, "entities"));
    g_assert_true (json_object_has_member (object, "events"));
    g_assert_true (json_object_has_member (object, "conflicts"));
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (object, "events")), >, 300);
  }
}

/* Each bad input: a message naming the problem, a non-zero exit, no change. */
static void
test_bad_input (Fixture       *fixture,
                gconstpointer  data)
{
  g_autofree char *number = new_ticket (fixture);
  g_autofree char *before = run_ok (fixture, "export", "json", NULL);
  static const struct
  {
    const char *args[16];
    int         status;
    const char *message;
  } cases[] = {
    { { "ticket", "new", "--customer", "不存在的客户", "--site", "x", "--level", "1", "--summary", "s" }, 1, "不存在的客户" },
    { { "ticket", "new", "--customer", "佛山市应急管理局", "--site", "禅城区应急广播站", "--level", "5", "--summary", "s" }, 1, "--level 5" },
    { { "ticket", "new", "--customer", "佛山市应急管理局", "--site", "不存在的站", "--level", "2", "--summary", "s" }, 1, "不存在的站" },
    { { "ticket", "new", "--customer", "佛山市应急管理局", "--site", "禅城区应急广播站", "--level", "2", "--summary", "s", "--at", "2026-13-45T99:00" }, 1, "2026-13-45T99:00" },
    { { "ticket", "new", "--customer", "佛山市应急管理局", "--site", "禅城区应急广播站", "--level", "2", "--summary", "s", "--at", "2026-11-27T09:00:00" }, 1, "offset" },
    { { "ticket", "new", "--customer", "佛山市应急管理局", "--site", "禅城区应急广播站", "--level", "2", "--summary", "   " }, 1, "Summary" },
    { { "ticket", "new", "--customer", "佛山市应急管理局", "--site", "禅城区应急广播站", "--level", "2", "--summary", "s", "--kind", "party" }, 1, "party" },
    { { "ticket", "new", "--customer", "佛山市应急管理局" }, 2, "--level" },
    { { "ticket", "event", "NO-SUCH-NUMBER", "arrived" }, 1, "NO-SUCH-NUMBER" },
    { { "ticket", "event", "@NUMBER@", "teleported" }, 1, "teleported" },
    { { "ticket", "event", "@NUMBER@", "arrived", "--at", "yesterday" }, 1, "yesterday" },
    { { "ticket", "event", "@NUMBER@", "level-changed", "--level", "7" }, 1, "--level 7" },
    { { "ticket", "event", "@NUMBER@", "level-changed" }, 1, "--level" },
    { { "ticket", "event", "@NUMBER@", "reopened" }, 1, "reopened" },
    { { "ticket", "set", "@NUMBER@", "number", "X" }, 1, "number" },
    { { "ticket", "set", "@NUMBER@", "summary", "" }, 1, "Summary" },
    { { "ticket", "set", "@NUMBER@", "assignees", "李强,王五" }, 1, "王五" },
    { { "ticket", "set", "@NUMBER@", "system", "核心交换机" }, 1, "核心交换机" },
    { { "ticket", "set", "@NUMBER@", "fault-time", "soon" }, 1, "soon" },
    { { "ticket", "show", "FS-0000" }, 1, "FS-0000" },
    { { "customer", "add", "佛山市应急管理局" }, 1, "already exists" },
    { { "customer", "add", "新客户", "--contact", "王五 138-abc" }, 1, "138-abc" },
    { { "user", "add", "王五", "--role", "pilot" }, 1, "pilot" },
    { { "user", "add", "李强" }, 1, "already exists" },
    { { "demo", "--tickets", "-5" }, 1, "-5" },
    { { "export", "xml" }, 2, "xml" },
    { { "frobnicate" }, 2, "frobnicate" },
    { { "ticket", "explode" }, 2, "ticket" },
    { { "ticket", "new", "--no-such-option" }, 2, "--no-such-option" },
    { { "search" }, 2, "" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
      g_autoptr(GError) error = NULL;
      g_auto(GStrv) envp = g_environ_setenv (g_get_environ (), "BEACON_DB", fixture->db, TRUE);
      g_autofree char *out = NULL;
      g_autofree char *err = NULL;
      g_autofree char *after = NULL;
      int wait_status;

      g_ptr_array_add (argv, g_strdup (g_getenv ("BEACONCTL")));
      for (guint j = 0; cases[i].args[j] != NULL; j++)
        g_ptr_array_add (argv, g_str_equal (cases[i].args[j], "@NUMBER@")
                               ? g_strdup (number) : g_strdup (cases[i].args[j]));
      g_ptr_array_add (argv, NULL);

      g_spawn_sync (NULL, (char **) argv->pdata, envp, G_SPAWN_DEFAULT, NULL, NULL,
                    &out, &err, &wait_status, &error);
      g_assert_no_error (error);

      if (!WIFEXITED (wait_status) || WEXITSTATUS (wait_status) != cases[i].status ||
          strstr (err, cases[i].message) == NULL || *out != '\0')
        g_error ("case %u (%s %s): status %d, stdout “%s”, stderr “%s”; expected status %d and “%s”",
                 i, cases[i].args[0], cases[i].args[1] ? cases[i].args[1] : "",
                 WIFEXITED (wait_status) ? WEXITSTATUS (wait_status) : -1, out, err,
                 cases[i].status, cases[i].message);

      after = run_ok (fixture, "export", "json", NULL);
      if (g_strcmp0 (before, after) != 0)
        g_error ("case %u (%s %s) changed the database", i, cases[i].args[0], cases[i].args[1]);
    }
}

static void
test_newer_database_refused (Fixture       *fixture,
                             gconstpointer  data)
{
  g_auto(Result) result = { 0 };
  g_autofree char *command = g_strdup_printf ("sqlite3 '%s' 'PRAGMA user_version = 42'", fixture->db);

  /* sqlite3 may be missing; the store test covers the core either way. */
  if (g_find_program_in_path ("sqlite3") == NULL)
    {
      g_test_skip ("sqlite3 is not installed");
      return;
    }
  g_assert_true (g_spawn_command_line_sync (command, NULL, NULL, NULL, NULL));

  result = run (fixture, "ticket", "list", NULL);
  g_assert_cmpint (result.status, ==, 1);
  g_assert_nonnull (strstr (result.err, "newer version of Beacon"));
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/ctl/customer", Fixture, NULL, fixture_set_up, test_customer_commands, fixture_tear_down);
  g_test_add ("/ctl/ticket", Fixture, NULL, fixture_set_up, test_ticket_commands, fixture_tear_down);
  g_test_add ("/ctl/search", Fixture, NULL, fixture_set_up, test_search_command, fixture_tear_down);
  g_test_add ("/ctl/demo-export", Fixture, NULL, fixture_set_up, test_demo_and_export, fixture_tear_down);
  g_test_add ("/ctl/bad-input", Fixture, NULL, fixture_set_up, test_bad_input, fixture_tear_down);
  g_test_add ("/ctl/newer-database", Fixture, NULL, fixture_set_up, test_newer_database_refused, fixture_tear_down);

  return g_test_run ();
}
