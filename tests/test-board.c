/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "beacon-test"

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "beacon-application.h"
#include "beacon-archive.h"
#include "beacon-countdown.h"
#include "beacon-gui-test-util.h"
#include "beacon-intake-dialog.h"
#include "beacon-ticker.h"
#include "beacon-ticket-card.h"
#include "beacon-ticket-object.h"
#include "beacon-ticket-view.h"
#include "beacon-report.h"
#include "beacon-ticket.h"
#include "beacon-window.h"

/* The ticket board in a real display, with a private session bus on which a
 * fake notification server (in a thread of its own, as libnotify's show call
 * waits for it) records what the desktop would show. */

#define WAIT_MS 15000

/* 2026-11-27T09:35:00+08:00 */
#define T_NOW ((gint64) 1795743300)
#define FAKE_NOW "2026-11-27T09:35:00+08:00"

/* The notification server ------------------------------------------------- */

typedef struct
{
  char  *summary;
  char  *body;
  GStrv  actions;
} Notified;

static GMutex notified_lock;
static GPtrArray *notified;   /* Notified */
static GMainLoop *server_loop;

static void
notified_free (Notified *n)
{
  g_free (n->summary);
  g_free (n->body);
  g_strfreev (n->actions);
  g_free (n);
}

static const char server_xml[] =
  "<node><interface name='org.freedesktop.Notifications'>"
  "<method name='Notify'><arg type='s' direction='in'/><arg type='u' direction='in'/>"
  "<arg type='s' direction='in'/><arg type='s' direction='in'/><arg type='s' direction='in'/>"
  "<arg type='as' direction='in'/><arg type='a{sv}' direction='in'/><arg type='i' direction='in'/>"
  "<arg type='u' direction='out'/></method>"
  "<method name='GetCapabilities'><arg type='as' direction='out'/></method>"
  "<method name='GetServerInformation'><arg type='s' direction='out'/><arg type='s' direction='out'/>"
  "<arg type='s' direction='out'/><arg type='s' direction='out'/></method>"
  "<method name='CloseNotification'><arg type='u' direction='in'/></method>"
  "<signal name='ActionInvoked'><arg type='u'/><arg type='s'/></signal>"
  "<signal name='NotificationClosed'><arg type='u'/><arg type='u'/></signal>"
  "</interface></node>";

static void
on_server_method_cb (GDBusConnection       *connection,
                     const char            *sender,
                     const char            *object_path,
                     const char            *interface_name,
                     const char            *method_name,
                     GVariant              *parameters,
                     GDBusMethodInvocation *invocation,
                     gpointer               user_data)
{
  static guint next_id = 1;

  if (g_strcmp0 (method_name, "Notify") == 0)
    {
      Notified *n = g_new0 (Notified, 1);

      g_variant_get (parameters, "(&su&s&s&s^as@a{sv}i)", NULL, NULL, NULL,
                     NULL, NULL, NULL, NULL, NULL);
      g_variant_get_child (parameters, 3, "s", &n->summary);
      g_variant_get_child (parameters, 4, "s", &n->body);
      g_variant_get_child (parameters, 5, "^as", &n->actions);

      g_mutex_lock (&notified_lock);
      g_ptr_array_add (notified, n);
      g_mutex_unlock (&notified_lock);

      g_dbus_method_invocation_return_value (invocation, g_variant_new ("(u)", next_id++));
    }
  else if (g_strcmp0 (method_name, "GetCapabilities") == 0)
    {
      const char *caps[] = { "actions", "body", NULL };

      g_dbus_method_invocation_return_value (invocation, g_variant_new ("(^as)", caps));
    }
  else if (g_strcmp0 (method_name, "GetServerInformation") == 0)
    g_dbus_method_invocation_return_value (invocation,
                                           g_variant_new ("(ssss)", "test", "beacon", "1", "1.2"));
  else
    g_dbus_method_invocation_return_value (invocation, NULL);
}

static gpointer
server_thread (gpointer data)
{
  const char *address = data;
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(GDBusConnection) connection = NULL;
  g_autoptr(GDBusNodeInfo) info = NULL;
  g_autoptr(GError) error = NULL;
  static const GDBusInterfaceVTable vtable = { on_server_method_cb };

  g_main_context_push_thread_default (context);

  connection = g_dbus_connection_new_for_address_sync (address,
                                                       G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
                                                       G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                                                       NULL, NULL, &error);
  g_assert_no_error (error);
  info = g_dbus_node_info_new_for_xml (server_xml, &error);
  g_assert_no_error (error);
  g_dbus_connection_register_object (connection, "/org/freedesktop/Notifications",
                                     info->interfaces[0], &vtable, NULL, NULL, &error);
  g_assert_no_error (error);
  g_bus_own_name_on_connection (connection, "org.freedesktop.Notifications",
                                G_BUS_NAME_OWNER_FLAGS_NONE, NULL, NULL, NULL, NULL);

  server_loop = g_main_loop_new (context, FALSE);
  g_main_loop_run (server_loop);

  g_main_context_pop_thread_default (context);
  return NULL;
}

/* Fixture ----------------------------------------------------------------- */

typedef struct
{
  char              *dir;
  char              *db_path;
  BeaconApplication *app;
  BeaconWindow      *window;
  BeaconStore       *store;
  char              *customer_ids[3];
  char              *site_ids[3];
} Fixture;

static void
fixture_set_up (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;

  fixture->dir = g_dir_make_tmp ("beacon-test-board-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->db_path = g_build_filename (fixture->dir, "beacon.db", NULL);
  g_setenv ("BEACON_DB", fixture->db_path, TRUE);
  g_setenv ("BEACON_FAKE_NOW", FAKE_NOW, TRUE);
  g_setenv ("BEACON_USER", "王主管", TRUE);
}

/* Customers, a supervisor, and tickets accepted @ago seconds before T_NOW. */
typedef struct
{
  int         customer;
  int         level;
  gint64      ago;
  const char *summary;
} Seed;

static void
seed (Fixture    *fixture,
      const Seed *tickets,
      guint       n_tickets)
{
  static const char *names[] = { "华北广播电视台", "East Harbour Broadcasting", "省应急管理厅" };
  static const char *codes[] = { "HB", "EHB", "YJ" };
  static const char *sites[] = { "总台机房", "Main studio", "指挥中心" };
  g_autoptr(BeaconClock) clock = beacon_clock_new_fixed (T_NOW * G_USEC_PER_SEC);
  g_autoptr(BeaconStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *supervisor = NULL;

  store = beacon_store_open (fixture->db_path, clock, &error);
  g_assert_no_error (error);

  supervisor = beacon_store_add_user (store, "王主管", BEACON_ROLE_SUPERVISOR, "13800000000", &error);
  g_assert_no_error (error);

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      fixture->customer_ids[i] = beacon_store_add_customer (store, names[i], codes[i], &error);
      g_assert_no_error (error);
      fixture->site_ids[i] = beacon_store_add_site (store, fixture->customer_ids[i], sites[i], NULL, &error);
      g_assert_no_error (error);
    }

  {
    g_autofree char *system = beacon_store_add_system (store, fixture->customer_ids[0], fixture->site_ids[0],
                                                       "应急广播平台", "EBS-3000",
                                                       "{\"IP\":\"10.1.2.3\",\"Version\":\"V3.2\"}", &error);
    g_autofree char *contact = beacon_store_add_contact (store, fixture->customer_ids[0], fixture->site_ids[0],
                                                         "李工", "010-12345678", &error);
    g_assert_no_error (error);
  }

  for (guint i = 0; i < n_tickets; i++)
    {
      BeaconTicketDraft draft = { 0 };
      g_autoptr(BeaconTicket) ticket = NULL;

      draft.kind = BEACON_KIND_FAULT;
      draft.level = tickets[i].level;
      draft.customer_id = fixture->customer_ids[tickets[i].customer];
      draft.site_id = fixture->site_ids[tickets[i].customer];
      draft.channel = "phone";
      draft.summary = tickets[i].summary;
      draft.accepted_at = T_NOW - tickets[i].ago;
      ticket = beacon_store_create_ticket (store, &draft, &error);
      g_assert_no_error (error);
    }
}

static void
fixture_start (Fixture *fixture)
{
  fixture->app = beacon_gui_test_start_app ("Board", &fixture->store, &fixture->window);
  g_assert_nonnull (fixture->window);
  g_assert_true (beacon_gui_test_spin_until (beacon_gui_test_escalation_settled, fixture->app, WAIT_MS));
  g_assert_true (beacon_gui_test_spin_until (beacon_gui_test_window_is_loaded, fixture->window, WAIT_MS));
}

static void
fixture_stop (Fixture *fixture)
{
  GList *windows;

  if (fixture->app == NULL)
    return;

  while ((windows = gtk_application_get_windows (GTK_APPLICATION (fixture->app))) != NULL)
    gtk_window_destroy (GTK_WINDOW (windows->data));
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_clear_object (&fixture->app);
  fixture->window = NULL;
  fixture->store = NULL;
}

static void
fixture_tear_down (Fixture *fixture)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;

  fixture_stop (fixture);

  dir = g_dir_open (fixture->dir, 0, NULL);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (fixture->dir, name, NULL);
      g_unlink (path);
    }
  g_rmdir (fixture->dir);

  for (guint i = 0; i < 3; i++)
    {
      g_clear_pointer (&fixture->customer_ids[i], g_free);
      g_clear_pointer (&fixture->site_ids[i], g_free);
    }
  g_clear_pointer (&fixture->db_path, g_free);
  g_clear_pointer (&fixture->dir, g_free);
  g_unsetenv ("BEACON_DB");
  g_unsetenv ("BEACON_FAKE_NOW");
  g_unsetenv ("BEACON_USER");
}

/* Queries ------------------------------------------------------------------ */

static GListModel *
column (Fixture     *fixture,
        BeaconStage  stage)
{
  return beacon_board_model_get_column (beacon_window_get_board (fixture->window), stage);
}

static BeaconTicketObject *
find_in (GListModel *model,
         const char *summary)
{
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(BeaconTicketObject) ticket = g_list_model_get_item (model, i);

      if (g_strcmp0 (beacon_ticket_object_get_summary (ticket), summary) == 0)
        return ticket;
    }

  return NULL;
}

typedef struct
{
  GListModel *model;
  const char *summary;
} InQuery;

static gboolean
is_in (gpointer data)
{
  InQuery *query = data;

  return find_in (query->model, query->summary) != NULL;
}

static BeaconTicketCard *
find_card (GtkWidget  *widget,
           const char *ticket_id)
{
  if (BEACON_IS_TICKET_CARD (widget) && gtk_widget_get_mapped (widget))
    {
      BeaconTicketObject *ticket = beacon_ticket_card_get_ticket (BEACON_TICKET_CARD (widget));

      if (ticket != NULL && g_strcmp0 (beacon_ticket_object_get_id (ticket), ticket_id) == 0)
        return BEACON_TICKET_CARD (widget);
    }

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      BeaconTicketCard *card = find_card (child, ticket_id);

      if (card != NULL)
        return card;
    }

  return NULL;
}

typedef struct
{
  GtkWidget  *root;
  const char *ticket_id;
  const char *prefix;
} CardQuery;

static gboolean
card_text_starts (gpointer data)
{
  CardQuery *query = data;
  BeaconTicketCard *card = find_card (query->root, query->ticket_id);

  return card != NULL &&
         g_str_has_prefix (beacon_countdown_get_text (beacon_ticket_card_get_countdown (card)), query->prefix);
}

/* The translated words before the “%s” of a format. */
static char *
dup_format_prefix (const char *format)
{
  const char *translated = g_dgettext (GETTEXT_PACKAGE, format);

  return g_strndup (translated, strstr (translated, "%s") - translated);
}

/* Tests -------------------------------------------------------------------- */

static const Seed busy_morning[] = {
  { 0, 1, 25 * 60, "应急广播平台主服务器宕机，重启后仍无法恢复" },
  { 1, 2, 10 * 60, "Alarm console lost contact with 3 transmitters" },
  { 2, 3, 5 * 60, "存储阵列一块硬盘告警，业务暂未中断" },
  { 0, 4, 2 * 60, "询问发射站备份策略的配置方法" },
  { 1, 3, 40 * 60, "Studio encoder drops frames every hour" },
};

static guint
collect_checks (GtkWidget       *widget,
                GtkCheckButton **checks,
                guint            n)
{
  if (GTK_IS_CHECK_BUTTON (widget) && n < 16)
    checks[n++] = GTK_CHECK_BUTTON (widget);

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    n = collect_checks (child, checks, n);

  return n;
}

static void
test_intake_then_acknowledge (void)
{
  Fixture fixture = { 0 };
  BeaconIntakeDialog *dialog;
  GtkEditable *customer_row;
  GtkEditable *summary_row;
  BeaconTicketObject *created;
  g_autofree char *ticket_id = NULL;
  InQuery query;
  const char *summary = "发射机3号功率输出为零";

  fixture_set_up (&fixture);
  seed (&fixture, NULL, 0);
  fixture_start (&fixture);

  g_action_group_activate_action (G_ACTION_GROUP (fixture.app), "new-ticket", NULL);
  dialog = beacon_window_get_intake_dialog (fixture.window);
  g_assert_nonnull (dialog);
  customer_row = GTK_EDITABLE (gtk_widget_get_template_child (GTK_WIDGET (dialog), BEACON_TYPE_INTAKE_DIALOG, "customer_row"));
  summary_row = GTK_EDITABLE (gtk_widget_get_template_child (GTK_WIDGET (dialog), BEACON_TYPE_INTAKE_DIALOG, "summary_row"));

  gtk_editable_set_text (customer_row, "华北");
  g_signal_emit_by_name (customer_row, "entry-activated");
  gtk_editable_set_text (summary_row, summary);

  /* The checklist suggests the level: “still down after a restart” is level 1. */
  {
    GtkWidget *checklist = (GtkWidget *) gtk_widget_get_template_child (GTK_WIDGET (dialog), BEACON_TYPE_INTAKE_DIALOG,
                                                          "checklist_row");
    AdwComboRow *level_row = ADW_COMBO_ROW (gtk_widget_get_template_child (GTK_WIDGET (dialog),
                                                                           BEACON_TYPE_INTAKE_DIALOG,
                                                                           "level_row"));
    AdwComboRow *contact_row = ADW_COMBO_ROW (gtk_widget_get_template_child (GTK_WIDGET (dialog),
                                                                             BEACON_TYPE_INTAKE_DIALOG,
                                                                             "contact_row"));
    GtkCheckButton *checks[16] = { NULL };
    guint n_checks = collect_checks (checklist, checks, 0);

    g_assert_cmpuint (n_checks, ==, 11);
    gtk_check_button_set_active (checks[10], TRUE);   /* a question: level 4 */
    g_assert_cmpuint (adw_combo_row_get_selected (level_row), ==, 3);
    gtk_check_button_set_active (checks[3], TRUE);    /* still down after restart */
    g_assert_cmpuint (adw_combo_row_get_selected (level_row), ==, 0);
    adw_expander_row_set_expanded (ADW_EXPANDER_ROW (checklist), TRUE);

    /* The site's one contact is picked from the archive. */
    g_assert_cmpuint (adw_combo_row_get_selected (contact_row), ==, 1);
  }
  beacon_gui_test_save_screenshot (GTK_WIDGET (dialog), "board-intake");
  gtk_widget_activate_action (GTK_WIDGET (dialog), "intake.create", NULL);

  /* In the first column, with a running phone-response clock. */
  query.model = column (&fixture, BEACON_STAGE_NEW);
  query.summary = summary;
  g_assert_true (beacon_gui_test_spin_until (is_in, &query, WAIT_MS));
  created = find_in (query.model, summary);
  ticket_id = g_strdup (beacon_ticket_object_get_id (created));
  g_assert_nonnull (beacon_ticket_object_get_sla (created));
  g_assert_cmpint (beacon_ticket_object_get_level (created), ==, 1);
  g_assert_cmpstr (beacon_ticket_object_get_ticket (created)->contact, ==, "李工");

  /* Acknowledging moves it to “responding”, as a drop on that column does. */
  beacon_window_move_ticket (fixture.window, ticket_id, BEACON_STAGE_RESPONDING);
  query.model = column (&fixture, BEACON_STAGE_RESPONDING);
  g_assert_true (beacon_gui_test_spin_until (is_in, &query, WAIT_MS));
  g_assert_null (find_in (column (&fixture, BEACON_STAGE_NEW), summary));

  /* The same object moved: the store's change was applied in place. */
  g_assert_true (find_in (query.model, summary) == created);

  {
    g_autoptr(BeaconTicket) stored = beacon_store_get_ticket (fixture.store, ticket_id, TRUE, NULL);
    gboolean acknowledged = FALSE;

    for (guint i = 0; i < stored->events->len; i++)
      if (((BeaconEvent *) g_ptr_array_index (stored->events, i))->type == BEACON_EVENT_ACKNOWLEDGED)
        acknowledged = TRUE;
    g_assert_true (acknowledged);
  }

  fixture_tear_down (&fixture);
}

typedef struct
{
  const char *summary_prefix;
} NotifyQuery;

static gboolean
notified_with (gpointer data)
{
  const char *summary = data;
  gboolean found = FALSE;

  g_mutex_lock (&notified_lock);
  for (guint i = 0; i < notified->len && !found; i++)
    found = g_strcmp0 (((Notified *) g_ptr_array_index (notified, i))->summary, summary) == 0;
  g_mutex_unlock (&notified_lock);

  return found;
}

static gboolean
notifications_sent (gpointer data)
{
  BeaconApplication *app = data;

  return beacon_gui_test_escalation_settled (app) &&
         beacon_notifier_get_n_pending (beacon_application_get_notifier (app)) == 0;
}

static void
test_overdue_card_and_notification (void)
{
  Fixture fixture = { 0 };
  BeaconTicketObject *ticket;
  g_autofree char *overdue = dup_format_prefix ("overdue %s");
  g_autofree char *title = NULL;
  CardQuery card_query;
  Notified *found = NULL;
  guint n_after_first;

  g_mutex_lock (&notified_lock);
  g_ptr_array_set_size (notified, 0);
  g_mutex_unlock (&notified_lock);

  fixture_set_up (&fixture);
  seed (&fixture, busy_morning, 1);   /* level 1, accepted 25 min ago */
  fixture_start (&fixture);

  ticket = find_in (column (&fixture, BEACON_STAGE_NEW), busy_morning[0].summary);
  g_assert_nonnull (ticket);

  /* Past the 20-minute phone response: the card says “overdue”. */
  card_query.root = GTK_WIDGET (fixture.window);
  card_query.ticket_id = beacon_ticket_object_get_id (ticket);
  card_query.prefix = overdue;
  g_assert_true (beacon_gui_test_spin_until (card_text_starts, &card_query, WAIT_MS));
  g_assert_true (beacon_ticket_object_get_highlighted (ticket) ||
                 beacon_gui_test_spin_until ((BeaconTestCondition) beacon_ticket_object_get_highlighted, ticket, WAIT_MS));

  /* And the desktop was told about that clock (at level 1 the 15-minute first
   * reaction is due before the phone response), with a way back to the ticket. */
  g_assert_cmpstr (beacon_ticket_object_get_sla (ticket)->metric, ==, "first-reaction");
  title = g_strdup_printf (g_dgettext (GETTEXT_PACKAGE, "%s overdue"),
                           beacon_ticket_object_get_sla (ticket)->label);
  g_assert_true (beacon_gui_test_spin_until (notified_with, title, WAIT_MS));

  g_assert_true (beacon_gui_test_spin_until (notifications_sent, fixture.app, WAIT_MS));
  g_mutex_lock (&notified_lock);
  for (guint i = 0; i < notified->len; i++)
    if (g_strcmp0 (((Notified *) g_ptr_array_index (notified, i))->summary, title) == 0)
      found = g_ptr_array_index (notified, i);
  g_assert_nonnull (found);
  g_assert_nonnull (strstr (found->body, beacon_ticket_object_get_number (ticket)));
  g_assert_true (g_strv_contains ((const char * const *) found->actions, "open-ticket"));
  g_assert_true (g_strv_contains ((const char * const *) found->actions,
                                  g_dgettext (GETTEXT_PACKAGE, "Open ticket")));
  n_after_first = notified->len;
  g_mutex_unlock (&notified_lock);

  beacon_gui_test_save_screenshot (GTK_WIDGET (fixture.window), "board-overdue");

  /* A restart does not repeat what was raised. */
  fixture_stop (&fixture);
  fixture_start (&fixture);
  g_assert_true (beacon_gui_test_spin_until (notifications_sent, fixture.app, WAIT_MS));
  g_mutex_lock (&notified_lock);
  g_assert_cmpuint (notified->len, ==, n_after_first);
  g_mutex_unlock (&notified_lock);

  fixture_tear_down (&fixture);
}

static void
test_countdown_follows_clock (void)
{
  g_autoptr(BeaconClock) clock = beacon_clock_new_fixed (T_NOW * G_USEC_PER_SEC);
  BeaconTicker *ticker = beacon_ticker_get_default ();
  g_autoptr(BeaconClock) previous = beacon_ticker_get_clock (ticker) ? g_object_ref (beacon_ticker_get_clock (ticker)) : NULL;
  BeaconSlaMetric metric = { 0 };
  GtkWidget *window = gtk_window_new ();
  GtkWidget *countdown = beacon_countdown_new ();
  g_autofree char *before = NULL;
  g_autofree char *left = dup_format_prefix ("%s left");
  g_autofree char *overdue = dup_format_prefix ("overdue %s");
  guint n_listeners;

  beacon_ticker_set_clock (ticker, clock);
  metric.metric = "emergency-recovery";
  metric.label = "Emergency recovery";
  metric.status = BEACON_METRIC_RUNNING;
  metric.started_at = T_NOW - 3600;
  metric.warn_at = T_NOW + 5400 - 2700;
  metric.due_at = T_NOW + 4320;   /* 1 h 12 min */
  beacon_countdown_set_metric (BEACON_COUNTDOWN (countdown), &metric);

  /* Unmapped, it costs nothing: no handler on the ticker. */
  n_listeners = beacon_ticker_get_n_listeners (ticker);
  gtk_window_set_child (GTK_WINDOW (window), countdown);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (beacon_gui_test_spin_until ((BeaconTestCondition) gtk_widget_get_mapped, countdown, WAIT_MS));
  g_assert_cmpuint (beacon_ticker_get_n_listeners (ticker), ==, n_listeners + 1);

  before = g_strdup (beacon_countdown_get_text (BEACON_COUNTDOWN (countdown)));
  g_assert_true (g_str_has_suffix (before, "") && strstr (before, "12") != NULL);
  g_assert_cmpint (beacon_countdown_get_status (BEACON_COUNTDOWN (countdown)), ==, BEACON_METRIC_RUNNING);

  /* Ten minutes on: the words change at the next tick. */
  beacon_clock_advance (clock, (gint64) 10 * 60 * G_USEC_PER_SEC);
  beacon_ticker_tick (ticker);
  g_assert_cmpstr (beacon_countdown_get_text (BEACON_COUNTDOWN (countdown)), !=, before);
  g_assert_nonnull (strstr (beacon_countdown_get_text (BEACON_COUNTDOWN (countdown)), "2"));

  /* Into the warning, then past the due time. */
  beacon_clock_advance (clock, (gint64) 40 * 60 * G_USEC_PER_SEC);
  beacon_ticker_tick (ticker);
  g_assert_cmpint (beacon_countdown_get_status (BEACON_COUNTDOWN (countdown)), ==, BEACON_METRIC_WARNING);
  g_assert_true (g_str_has_prefix (beacon_countdown_get_text (BEACON_COUNTDOWN (countdown)), left) || *left == '\0');
  beacon_clock_advance (clock, (gint64) 30 * 60 * G_USEC_PER_SEC);
  beacon_ticker_tick (ticker);
  g_assert_cmpint (beacon_countdown_get_status (BEACON_COUNTDOWN (countdown)), ==, BEACON_METRIC_BREACHED);
  g_assert_true (g_str_has_prefix (beacon_countdown_get_text (BEACON_COUNTDOWN (countdown)), overdue));

  gtk_window_destroy (GTK_WINDOW (window));
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_cmpuint (beacon_ticker_get_n_listeners (ticker), ==, n_listeners);
  beacon_ticker_set_clock (ticker, previous);
}

static guint
count_all (Fixture *fixture)
{
  guint n = 0;

  for (guint stage = 0; stage < BEACON_N_STAGES; stage++)
    n += g_list_model_get_n_items (column (fixture, stage));

  return n;
}

typedef struct
{
  Fixture *fixture;
  guint    n;
} CountQuery;

static gboolean
board_count_is (gpointer data)
{
  CountQuery *query = data;

  return !beacon_window_is_searching (query->fixture->window) && count_all (query->fixture) == query->n;
}

static void
test_filters_and_search (void)
{
  Fixture fixture = { 0 };
  GtkDropDown *level_dropdown;
  GtkEditable *search_entry;
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  CountQuery query;
  guint n_all;

  fixture_set_up (&fixture);
  seed (&fixture, busy_morning + 1, G_N_ELEMENTS (busy_morning) - 1);
  fixture_start (&fixture);

  n_all = count_all (&fixture);
  g_assert_cmpuint (n_all, ==, G_N_ELEMENTS (busy_morning) - 1);

  /* Level 3 only: two tickets. */
  level_dropdown = GTK_DROP_DOWN (gtk_widget_get_template_child (GTK_WIDGET (fixture.window),
                                                                 BEACON_TYPE_WINDOW, "level_dropdown"));
  gtk_drop_down_set_selected (level_dropdown, 3);
  g_assert_cmpuint (count_all (&fixture), ==, 2);
  g_assert_cmpint (g_settings_get_int (settings, "filter-level"), ==, 3);

  /* The filter survives a restart. */
  fixture_stop (&fixture);
  fixture_start (&fixture);
  level_dropdown = GTK_DROP_DOWN (gtk_widget_get_template_child (GTK_WIDGET (fixture.window),
                                                                 BEACON_TYPE_WINDOW, "level_dropdown"));
  g_assert_cmpuint (gtk_drop_down_get_selected (level_dropdown), ==, 3);
  g_assert_cmpuint (count_all (&fixture), ==, 2);

  /* A two-character Chinese search narrows further: 存储 is one of them. */
  search_entry = GTK_EDITABLE (gtk_widget_get_template_child (GTK_WIDGET (fixture.window),
                                                              BEACON_TYPE_WINDOW, "search_entry"));
  gtk_widget_activate_action (GTK_WIDGET (fixture.window), "win.search", NULL);
  gtk_editable_set_text (search_entry, "存储");
  query.fixture = &fixture;
  query.n = 1;
  g_assert_true (beacon_gui_test_spin_until (board_count_is, &query, WAIT_MS));
  g_assert_nonnull (find_in (column (&fixture, BEACON_STAGE_NEW), busy_morning[2].summary));

  beacon_gui_test_save_screenshot (GTK_WIDGET (fixture.window), "board-filtered");

  /* Clearing both brings everything back. */
  gtk_editable_set_text (search_entry, "");
  gtk_widget_activate_action (GTK_WIDGET (fixture.window), "win.clear-filters", NULL);
  query.n = n_all;
  g_assert_true (beacon_gui_test_spin_until (board_count_is, &query, WAIT_MS));
  g_assert_cmpint (g_settings_get_int (settings, "filter-level"), ==, 0);

  fixture_tear_down (&fixture);
}

/* A step's button is sensitive exactly when its action is enabled. */
static gboolean
step_enabled (GtkWidget  *widget,
              const char *action)
{
  if (GTK_IS_BUTTON (widget) &&
      g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (widget)), action) == 0)
    return gtk_widget_get_sensitive (widget);

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    if (step_enabled (child, action))
      return TRUE;

  return FALSE;
}

typedef struct
{
  GtkWidget  *root;
  const char *title;
} RowQuery;

/* An AdwActionRow with that title somewhere in the widget tree. */
static gboolean
has_row (gpointer data)
{
  RowQuery *query = data;
  GtkWidget *widget = query->root;

  if (ADW_IS_ACTION_ROW (widget) &&
      g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget)), query->title) == 0)
    return TRUE;

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      RowQuery inner = { child, query->title };

      if (has_row (&inner))
        return TRUE;
    }

  return FALSE;
}

static gboolean
view_is_loaded (gpointer data)
{
  return beacon_ticket_view_get_loaded (BEACON_TICKET_VIEW (data));
}

static void
test_board_and_ticket_view (void)
{
  Fixture fixture = { 0 };
  BeaconTicketObject *ticket;
  GtkWindow *view;

  fixture_set_up (&fixture);
  seed (&fixture, busy_morning, G_N_ELEMENTS (busy_morning));
  fixture_start (&fixture);

  /* Most urgent first: the call overdue longest (level 3, phone response due
   * 20 min ago), then the level-1 one (due 5 min ago), then the rest. */
  {
    g_autoptr(BeaconTicketObject) first = g_list_model_get_item (column (&fixture, BEACON_STAGE_NEW), 0);
    g_autoptr(BeaconTicketObject) second = g_list_model_get_item (column (&fixture, BEACON_STAGE_NEW), 1);

    g_assert_cmpstr (beacon_ticket_object_get_summary (first), ==, busy_morning[4].summary);
    g_assert_cmpstr (beacon_ticket_object_get_summary (second), ==, busy_morning[0].summary);
  }

  beacon_gui_test_save_screenshot (GTK_WIDGET (fixture.window), "board");

  ticket = find_in (column (&fixture, BEACON_STAGE_NEW), busy_morning[0].summary);
  view = beacon_window_open_ticket (fixture.window, beacon_ticket_object_get_id (ticket));
  g_assert_true (beacon_gui_test_spin_until (view_is_loaded, view, WAIT_MS));

  /* Only the steps that make sense now. */
  g_assert_true (step_enabled (GTK_WIDGET (view), "ticket.acknowledge"));
  g_assert_true (step_enabled (GTK_WIDGET (view), "ticket.recovered"));
  g_assert_false (step_enabled (GTK_WIDGET (view), "ticket.reopen"));
  g_assert_false (step_enabled (GTK_WIDGET (view), "ticket.solution-provided"));
  g_assert_false (step_enabled (GTK_WIDGET (view), "ticket.grant-approval"));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "ticket.acknowledge", NULL));

  {
    InQuery query = { column (&fixture, BEACON_STAGE_RESPONDING), busy_morning[0].summary };

    g_assert_true (beacon_gui_test_spin_until (is_in, &query, WAIT_MS));
  }

  /* The ticket's reports are at hand: one started elsewhere shows up, and
   * the New Report menu offers every report type. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(BeaconReportTemplate) template = beacon_report_template_lookup ("field-service", &error);
    g_autofree char *report_id = beacon_store_create_report (fixture.store,
                                                             beacon_ticket_object_get_id (ticket),
                                                             "field-service", &error);
    g_autoptr(GPtrArray) templates = beacon_report_template_list ();
    RowQuery query = { GTK_WIDGET (view), beacon_report_translate (template->title) };
    GtkMenuButton *new_report = GTK_MENU_BUTTON (beacon_gui_test_find_widget (GTK_WIDGET (view),
                                                                               GTK_TYPE_MENU_BUTTON));

    g_assert_no_error (error);
    g_assert_true (beacon_gui_test_spin_until (has_row, &query, WAIT_MS));
    g_assert_nonnull (new_report);
    g_assert_cmpint (g_menu_model_get_n_items (gtk_menu_button_get_menu_model (new_report)), ==,
                     templates->len);
  }

  gtk_window_set_default_size (view, 760, 1000);
  beacon_gui_test_save_screenshot (GTK_WIDGET (view), "ticket-view");

  /* The whole view, down to the reports and the archive, for a look. */
  gtk_window_set_default_size (view, 760, 2600);
  beacon_gui_test_save_screenshot (GTK_WIDGET (view), "ticket-view-full");

  fixture_tear_down (&fixture);
}

int
main (int   argc,
      char *argv[])
{
  GTestDBus *bus = NULL;   /* not unreffed: its dispose would wait for the connections */
  GThread *thread;
  int status;

  if (beacon_gui_test_skip_without_display ())
    return 0;

  /* A private session bus, with the fake notification server on it. */
  /* g_test_dbus_up() unsets DISPLAY (against X11 autolaunch); the board needs it. */
  {
    g_autofree char *display = g_strdup (g_getenv ("DISPLAY"));

    bus = g_test_dbus_new (G_TEST_DBUS_NONE);
    g_test_dbus_up (bus);
    if (display != NULL)
      g_setenv ("DISPLAY", display, TRUE);
  }
  notified = g_ptr_array_new_with_free_func ((GDestroyNotify) notified_free);
  thread = g_thread_new ("notification-server", server_thread, (gpointer) g_test_dbus_get_bus_address (bus));

  beacon_gui_test_init (&argc, &argv, WAIT_MS);

  g_test_add_func ("/board/intake-then-acknowledge", test_intake_then_acknowledge);
  g_test_add_func ("/board/overdue-card-and-notification", test_overdue_card_and_notification);
  g_test_add_func ("/board/countdown-follows-clock", test_countdown_follows_clock);
  g_test_add_func ("/board/filters-and-search", test_filters_and_search);
  g_test_add_func ("/board/board-and-ticket-view", test_board_and_ticket_view);

  status = g_test_run ();

  if (server_loop != NULL)
    g_main_loop_quit (server_loop);
  g_thread_join (thread);
  /* libnotify and GApplication keep the session connection; do not wait for it. */
  g_test_dbus_stop (bus);

  return status;
}
