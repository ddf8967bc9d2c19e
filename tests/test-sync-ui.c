/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "beacon-test"

#include "config.h"

#include <glib/gstdio.h>

#include "beacon-application.h"
#include "beacon-conflicts.h"
#include "beacon-conflicts-window.h"
#include "beacon-coverage-banner.h"
#include "beacon-gui-test-util.h"
#include "beacon-preferences-window.h"
#include "beacon-sync.h"
#include "beacon-sync-indicator.h"
#include "beacon-test-util.h"
#include "beacon-ticket-object.h"
#include "beacon-time.h"
#include "beacon-window.h"

/* Sync in the app (issue #6) and the calendar coverage warning (issue #3):
 * preferences that save what is valid and explain what is not, two
 * workstations sharing a folder, settling a conflict, and the banner when
 * next year's holidays are missing. Screenshots land in $BEACON_SCREENSHOT_DIR. */

#define WAIT_MS 20000

/* Fixture ----------------------------------------------------------------- */

typedef struct
{
  char              *dir;
  BeaconApplication *app;
  BeaconWindow      *window;
  BeaconStore       *store;
} Fixture;

static void
reset_settings (void)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  const char *keys[] = { "sync-mode", "sync-folder", "sync-server-url", "sync-token",
                         "report-company-name", "report-logo" };

  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    g_settings_reset (settings, keys[i]);
}

static void
fixture_start (Fixture    *fixture,
               const char *fake_now)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *db_path = NULL;

  reset_settings ();
  fixture->dir = g_dir_make_tmp ("beacon-test-sync-ui-XXXXXX", &error);
  g_assert_no_error (error);
  db_path = g_build_filename (fixture->dir, "a.db", NULL);
  g_setenv ("BEACON_DB", db_path, TRUE);
  g_setenv ("BEACON_FAKE_NOW", fake_now, TRUE);
  g_setenv ("BEACON_USER", "Duty Operator", TRUE);

  fixture->app = beacon_gui_test_start_app ("SyncTest", &fixture->store, &fixture->window);
  g_assert_nonnull (fixture->window);
  g_assert_true (beacon_gui_test_spin_until (beacon_gui_test_window_is_loaded, fixture->window, WAIT_MS));
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

static void
fixture_tear_down (Fixture *fixture)
{
  GList *windows;

  reset_settings ();
  while ((windows = gtk_application_get_windows (GTK_APPLICATION (fixture->app))) != NULL)
    gtk_window_destroy (GTK_WINDOW (windows->data));
  beacon_gui_test_spin_for (200);
  g_clear_object (&fixture->app);

  remove_tree (fixture->dir);
  g_clear_pointer (&fixture->dir, g_free);
  g_unsetenv ("BEACON_DB");
  g_unsetenv ("BEACON_FAKE_NOW");
  g_unsetenv ("BEACON_USER");
}

static GtkWindow *
find_toplevel (GType type)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) window = g_list_model_get_item (toplevels, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (window, type))
        return GTK_WINDOW (window);
    }

  return NULL;
}

/* Tests ------------------------------------------------------------------- */

static void
test_preferences (void)
{
  Fixture fixture = { 0 };
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  g_autofree char *url = NULL;
  g_autofree char *name = NULL;
  GtkWindow *prefs;
  GtkWidget *url_row, *error_label, *company_row, *mode_row;

  fixture_start (&fixture, "2026-06-15T09:00:00+08:00");

  g_action_group_activate_action (G_ACTION_GROUP (fixture.app), "preferences", NULL);
  prefs = g_object_ref (find_toplevel (BEACON_TYPE_PREFERENCES_WINDOW));
  g_assert_nonnull (prefs);
  g_assert_true (beacon_gui_test_spin_until (beacon_gui_test_widget_is_mapped, prefs, WAIT_MS));

  mode_row = (GtkWidget *) gtk_widget_get_template_child (GTK_WIDGET (prefs), BEACON_TYPE_PREFERENCES_WINDOW, "mode_row");
  url_row = (GtkWidget *) gtk_widget_get_template_child (GTK_WIDGET (prefs), BEACON_TYPE_PREFERENCES_WINDOW, "url_row");
  error_label = (GtkWidget *) gtk_widget_get_template_child (GTK_WIDGET (prefs), BEACON_TYPE_PREFERENCES_WINDOW, "sync_error_label");
  company_row = (GtkWidget *) gtk_widget_get_template_child (GTK_WIDGET (prefs), BEACON_TYPE_PREFERENCES_WINDOW, "company_row");

  adw_combo_row_set_selected (ADW_COMBO_ROW (mode_row), 2);
  name = g_settings_get_string (settings, "sync-mode");
  g_assert_cmpstr (name, ==, "server");
  g_clear_pointer (&name, g_free);
  g_assert_true (gtk_widget_get_visible (url_row));

  /* A good address is saved … */
  gtk_editable_set_text (GTK_EDITABLE (url_row), "https://sync.example.org:8443");
  url = g_settings_get_string (settings, "sync-server-url");
  g_assert_cmpstr (url, ==, "https://sync.example.org:8443");
  g_assert_false (gtk_widget_get_visible (error_label));

  /* … a bad one is explained under the rows and not saved. */
  gtk_editable_set_text (GTK_EDITABLE (url_row), "ftp://sync.example.org/share");
  g_clear_pointer (&url, g_free);
  url = g_settings_get_string (settings, "sync-server-url");
  g_assert_cmpstr (url, ==, "https://sync.example.org:8443");
  g_assert_true (gtk_widget_get_visible (error_label));
  g_assert_true (strstr (gtk_label_get_text (GTK_LABEL (error_label)), "ftp://sync.example.org/share") != NULL);
  g_assert_true (gtk_widget_has_css_class (url_row, "error"));

  g_assert_false (beacon_preferences_window_check_server_url ("sync.example.org", NULL));
  g_assert_false (beacon_preferences_window_check_server_url ("https://", NULL));
  g_assert_true (beacon_preferences_window_check_server_url ("http://10.0.0.5:8080/", NULL));
  g_assert_false (beacon_preferences_window_check_folder ("relative/dir", NULL));
  g_assert_true (beacon_preferences_window_check_folder (fixture.dir, NULL));

  beacon_gui_test_save_screenshot (GTK_WIDGET (prefs), "preferences-sync");

  /* The company name reaches the report printer. */
  gtk_editable_set_text (GTK_EDITABLE (company_row), "华北应急技术服务有限公司");
  name = g_settings_get_string (settings, "report-company-name");
  g_assert_cmpstr (name, ==, "华北应急技术服务有限公司");
  if (g_getenv ("BEACON_COMPANY_NAME") == NULL)
    g_assert_cmpstr (beacon_preferences_window_get_company_name (), ==, "华北应急技术服务有限公司");
  adw_preferences_window_set_visible_page_name (ADW_PREFERENCES_WINDOW (prefs), "reports");
  beacon_gui_test_save_screenshot (GTK_WIDGET (prefs), "preferences-reports");

  gtk_window_destroy (prefs);
  g_object_unref (prefs);
  fixture_tear_down (&fixture);
}

typedef struct
{
  BeaconWindow *window;
  const char   *number;
} BoardWait;

static gboolean
board_has_number (gpointer data)
{
  BoardWait *wait = data;
  GListModel *tickets = beacon_window_get_tickets (wait->window);

  for (guint i = 0; i < g_list_model_get_n_items (tickets); i++)
    {
      g_autoptr(BeaconTicketObject) ticket = g_list_model_get_item (tickets, i);
      g_autofree char *number = NULL;

      g_object_get (ticket, "number", &number, NULL);
      if (g_strcmp0 (number, wait->number) == 0)
        return TRUE;
    }

  return FALSE;
}

static gboolean
monitor_synced (gpointer data)
{
  BeaconSyncMonitor *monitor = data;

  return !beacon_sync_monitor_is_busy (monitor) &&
         beacon_sync_monitor_get_state (monitor) == BEACON_SYNC_STATE_SYNCED;
}

static BeaconStore *
open_second_store (Fixture    *fixture,
                   const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (fixture->dir, name, NULL);
  g_autoptr(BeaconClock) clock = beacon_clock_new_starting (beacon_store_now (fixture->store) * G_USEC_PER_SEC);
  BeaconStore *store = beacon_store_open (path, clock, &error);

  g_assert_no_error (error);
  return store;
}

static void
test_folder_round_trip (void)
{
  Fixture fixture = { 0 };
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  g_autoptr(BeaconStore) store_b = NULL;
  g_autoptr(BeaconTicket) ticket = NULL;
  g_autofree char *shared = NULL;
  BeaconSyncIndicator *indicator_a, *indicator_b;
  BeaconWindow *window_b;
  GtkWidget *popover;
  BoardWait wait;

  fixture_start (&fixture, "2026-06-15T09:00:00+08:00");
  shared = g_build_filename (fixture.dir, "share", NULL);
  g_mkdir (shared, 0700);

  store_b = open_second_store (&fixture, "b.db");
  window_b = beacon_window_new (fixture.app, store_b);
  gtk_window_present (GTK_WINDOW (window_b));
  g_assert_true (beacon_gui_test_spin_until (beacon_gui_test_window_is_loaded, window_b, WAIT_MS));

  indicator_a = BEACON_SYNC_INDICATOR (beacon_gui_test_find_widget (GTK_WIDGET (fixture.window), BEACON_TYPE_SYNC_INDICATOR));
  indicator_b = BEACON_SYNC_INDICATOR (beacon_gui_test_find_widget (GTK_WIDGET (window_b), BEACON_TYPE_SYNC_INDICATOR));
  g_assert_nonnull (indicator_a);
  g_assert_nonnull (indicator_b);
  /* Sync is off: nothing in the header bar. */
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (indicator_a)));

  /* B looks for news every second instead of every 30. */
  beacon_sync_monitor_set_interval (beacon_sync_indicator_get_monitor (indicator_b), 1);
  g_settings_set_string (settings, "sync-folder", shared);
  g_settings_set_string (settings, "sync-mode", "folder");

  ticket = beacon_test_make_ticket (fixture.store, 2);
  wait.window = window_b;
  wait.number = ticket->number;
  g_assert_true (beacon_gui_test_spin_until (board_has_number, &wait, WAIT_MS));

  g_assert_true (beacon_gui_test_spin_until (monitor_synced, beacon_sync_indicator_get_monitor (indicator_a), WAIT_MS));
  g_assert_true (beacon_gui_test_spin_until (monitor_synced, beacon_sync_indicator_get_monitor (indicator_b), WAIT_MS));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (indicator_b)));
  g_assert_cmpint (beacon_sync_monitor_get_pending (beacon_sync_indicator_get_monitor (indicator_a)), ==, 0);
  g_assert_cmpint (beacon_sync_monitor_get_last_success (beacon_sync_indicator_get_monitor (indicator_b)), >, 0);
  g_test_message ("indicator: %s", beacon_sync_indicator_get_summary (indicator_b));
  if (g_str_has_prefix (g_getenv ("LANGUAGE") ? g_getenv ("LANGUAGE") : "en", "en"))
    g_assert_true (g_str_has_prefix (beacon_sync_indicator_get_summary (indicator_b), "Synced"));

  gtk_window_present (GTK_WINDOW (window_b));
  g_assert_true (beacon_gui_test_spin_until (beacon_gui_test_widget_is_mapped, indicator_b, WAIT_MS));
  beacon_sync_indicator_popup (indicator_b);
  popover = beacon_gui_test_find_widget (GTK_WIDGET (indicator_b), GTK_TYPE_POPOVER);
  g_assert_nonnull (popover);
  /* With several test programs sharing one Xvfb the popover sometimes never
   * maps (FIXME: find out why); the state above is what the test asserts. */
  if (beacon_gui_test_spin_until (beacon_gui_test_widget_is_mapped, popover, 5000))
    {
      beacon_gui_test_save_screenshot (GTK_WIDGET (window_b), "sync-indicator");
      beacon_gui_test_save_screenshot (popover, "sync-indicator-popover");
    }
  else
    g_test_message ("the indicator popover did not map; no screenshot");
  gtk_popover_popdown (GTK_POPOVER (popover));

  /* A share that went away: offline, and the change waits. */
  g_settings_set_string (settings, "sync-folder", "/nonexistent/beacon-share");
  {
    g_autoptr(BeaconTicket) second = beacon_test_make_ticket (fixture.store, 3);
    BeaconSyncMonitor *monitor_a = beacon_sync_indicator_get_monitor (indicator_a);
    gint64 deadline = g_get_monotonic_time () + WAIT_MS * 1000;

    while (beacon_sync_monitor_get_state (monitor_a) != BEACON_SYNC_STATE_OFFLINE &&
           g_get_monotonic_time () < deadline)
      beacon_gui_test_spin_for (50);
    g_assert_cmpint (beacon_sync_monitor_get_state (monitor_a), ==, BEACON_SYNC_STATE_OFFLINE);
    g_assert_cmpint (beacon_sync_monitor_get_pending (monitor_a), >, 0);
    g_assert_nonnull (beacon_sync_monitor_get_last_error (monitor_a));
  }

  fixture_tear_down (&fixture);
}

static gboolean
conflicts_window_settled (gpointer data)
{
  BeaconConflictsWindow *window = data;

  return beacon_conflicts_window_get_loaded (window);
}

static void
find_value_buttons (GtkWidget *root,
                    GPtrArray *buttons)
{
  if (GTK_IS_BUTTON (root) && g_object_get_data (G_OBJECT (root), "value") != NULL)
    g_ptr_array_add (buttons, root);
  for (GtkWidget *child = gtk_widget_get_first_child (root); child; child = gtk_widget_get_next_sibling (child))
    find_value_buttons (child, buttons);
}

static guint
count_conflicts (BeaconStore *store)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) conflicts = beacon_sync_dup_conflicts (store, &error);

  g_assert_no_error (error);
  return json_array_get_length (json_node_get_array (conflicts));
}

typedef struct
{
  BeaconConflictsWindow *window;
  BeaconStore           *store;
} SettleWait;

static gboolean
settled (gpointer data)
{
  SettleWait *wait = data;

  return count_conflicts (wait->store) == 0 && beacon_conflicts_window_get_loaded (wait->window) &&
         beacon_conflicts_window_get_n_fields (wait->window) == 0;
}

static void
test_conflicts (void)
{
  Fixture fixture = { 0 };
  g_autoptr(BeaconStore) store_b = NULL;
  g_autoptr(BeaconTicket) ticket = NULL;
  g_autoptr(BeaconTicket) after = NULL;
  g_autoptr(JsonNode) summary_a = json_node_new (JSON_NODE_VALUE);
  g_autoptr(JsonNode) summary_b = json_node_new (JSON_NODE_VALUE);
  g_autoptr(GPtrArray) buttons = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *shared = NULL;
  g_autofree char *chosen = NULL;
  BeaconConflictsWindow *window;
  SettleWait wait;

  fixture_start (&fixture, "2026-06-15T09:00:00+08:00");
  shared = g_build_filename (fixture.dir, "share", NULL);
  g_mkdir (shared, 0700);
  store_b = open_second_store (&fixture, "b.db");

  /* Two workstations edit one summary between rounds, through the core. */
  ticket = beacon_test_make_ticket (fixture.store, 2);
  g_assert_true (beacon_sync_folder (fixture.store, shared, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (beacon_sync_folder (store_b, shared, NULL, &error));
  g_assert_no_error (error);
  json_node_set_string (summary_a, "主服务器宕机，已更换电源");
  json_node_set_string (summary_b, "Main server down; power supply replaced");
  g_assert_true (beacon_store_set_ticket_field (fixture.store, ticket->id, "summary", summary_a, &error));
  g_assert_no_error (error);
  g_assert_true (beacon_store_set_ticket_field (store_b, ticket->id, "summary", summary_b, &error));
  g_assert_no_error (error);
  for (guint i = 0; i < 2; i++)
    {
      g_assert_true (beacon_sync_folder (store_b, shared, NULL, &error));
      g_assert_no_error (error);
      g_assert_true (beacon_sync_folder (fixture.store, shared, NULL, &error));
      g_assert_no_error (error);
    }
  g_assert_cmpuint (count_conflicts (fixture.store), >, 0);

  window = beacon_conflicts_window_new (GTK_WINDOW (fixture.window), fixture.store);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (beacon_gui_test_spin_until (conflicts_window_settled, window, WAIT_MS));
  g_assert_true (beacon_gui_test_spin_until (beacon_gui_test_widget_is_mapped, window, WAIT_MS));
  g_assert_cmpuint (beacon_conflicts_window_get_n_fields (window), ==, 1);
  beacon_gui_test_save_screenshot (GTK_WIDGET (window), "conflicts");

  /* The winner and the kept loser, each with its own button. */
  find_value_buttons (GTK_WIDGET (window), buttons);
  g_assert_cmpuint (buttons->len, ==, 2);
  chosen = g_strdup (g_object_get_data (G_OBJECT (g_ptr_array_index (buttons, 1)), "value"));
  g_signal_emit_by_name (g_ptr_array_index (buttons, 1), "clicked");

  wait.window = window;
  wait.store = fixture.store;
  g_assert_true (beacon_gui_test_spin_until (settled, &wait, WAIT_MS));
  after = beacon_store_get_ticket (fixture.store, ticket->id, FALSE, &error);
  g_assert_no_error (error);
  g_assert_true (strstr (chosen, after->summary) != NULL);
  beacon_gui_test_save_screenshot (GTK_WIDGET (window), "conflicts-settled");

  gtk_window_destroy (GTK_WINDOW (window));
  fixture_tear_down (&fixture);
}

static gboolean
banner_checked (gpointer data)
{
  return beacon_coverage_banner_get_n_checks (BEACON_COVERAGE_BANNER (data)) > 0;
}

static void
test_coverage_banner (void)
{
  Fixture fixture = { 0 };
  BeaconCoverageBanner *banner;
  GtkWidget *info_bar;

  /* December 2026: the next 60 days reach into 2027, which has no holiday data. */
  fixture_start (&fixture, "2026-12-15T09:00:00+08:00");
  banner = BEACON_COVERAGE_BANNER (beacon_gui_test_find_widget (GTK_WIDGET (fixture.window), BEACON_TYPE_COVERAGE_BANNER));
  g_assert_nonnull (banner);
  g_assert_true (beacon_gui_test_spin_until (banner_checked, banner, WAIT_MS));
  g_assert_nonnull (beacon_coverage_banner_get_message (banner));
  g_assert_true (strstr (beacon_coverage_banner_get_message (banner), "2027") != NULL);
  info_bar = beacon_gui_test_find_widget (GTK_WIDGET (banner), GTK_TYPE_INFO_BAR);
  g_assert_true (gtk_info_bar_get_revealed (GTK_INFO_BAR (info_bar)));
  gtk_window_present (GTK_WINDOW (fixture.window));
  g_assert_true (beacon_gui_test_spin_until (beacon_gui_test_widget_is_mapped, fixture.window, WAIT_MS));
  beacon_gui_test_save_screenshot (GTK_WIDGET (fixture.window), "coverage-banner");
  fixture_tear_down (&fixture);

  /* June 2026: covered. */
  fixture_start (&fixture, "2026-06-15T09:00:00+08:00");
  banner = BEACON_COVERAGE_BANNER (beacon_gui_test_find_widget (GTK_WIDGET (fixture.window), BEACON_TYPE_COVERAGE_BANNER));
  g_assert_true (beacon_gui_test_spin_until (banner_checked, banner, WAIT_MS));
  g_assert_null (beacon_coverage_banner_get_message (banner));
  info_bar = beacon_gui_test_find_widget (GTK_WIDGET (banner), GTK_TYPE_INFO_BAR);
  g_assert_false (gtk_info_bar_get_revealed (GTK_INFO_BAR (info_bar)));
  fixture_tear_down (&fixture);
}

int
main (int   argc,
      char *argv[])
{
  if (beacon_gui_test_skip_without_display ())
    return 0;

  beacon_gui_test_init (&argc, &argv, WAIT_MS);

  g_test_add_func ("/sync-ui/preferences", test_preferences);
  g_test_add_func ("/sync-ui/folder-round-trip", test_folder_round_trip);
  g_test_add_func ("/sync-ui/conflicts", test_conflicts);
  g_test_add_func ("/sync-ui/coverage-banner", test_coverage_banner);

  return g_test_run ();
}
