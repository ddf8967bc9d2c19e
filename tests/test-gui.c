/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "beacon-test"

#include "config.h"

#include <glib/gstdio.h>
#include <sqlite3.h>

#include "beacon-application.h"
#include "beacon-archive.h"
#include "beacon-demo.h"
#include "beacon-gui-test-util.h"
#include "beacon-intake-dialog.h"
#include "beacon-ticket-object.h"
#include "beacon-ticket.h"
#include "beacon-window.h"

/* The app shell in a real display: the board lists what the store holds, the
 * intake form refuses what it must and records what it should, a database from
 * a newer Beacon is explained rather than crashed on. Screenshots of each
 * screen land in <builddir>/tests/screenshots for people to look at. */

#define WAIT_MS 10000

typedef struct
{
  char              *dir;
  char              *db_path;
  BeaconApplication *app;
  BeaconWindow      *window;
  BeaconStore       *store;    /* the app's */
} Fixture;

typedef struct
{
  const char *name;
  const char *code;
  const char *sites[3];
} DemoCustomer;

static const DemoCustomer demo_customers[] = {
  { "华北广播电视台", "HB", { "总台机房", "二号发射站", NULL } },
  { "East Harbour Broadcasting", "EHB", { "Main studio", NULL } },
  { "省应急管理厅", "YJ", { "指挥中心", NULL } },
};

typedef struct
{
  int               customer;
  int               site;
  BeaconTicketKind  kind;
  int               level;
  const char       *summary;
  gboolean          close;
} DemoTicket;

static const DemoTicket demo_tickets[] = {
  { 0, 0, BEACON_KIND_FAULT, 1, "应急广播平台主服务器宕机，重启后仍无法恢复", FALSE },
  { 1, 0, BEACON_KIND_FAULT, 2, "Alarm console lost contact with 3 transmitters", FALSE },
  { 2, 0, BEACON_KIND_FAULT, 3, "存储阵列一块硬盘告警，业务暂未中断", FALSE },
  { 0, 1, BEACON_KIND_CONSULTING, 4, "询问发射站备份策略的配置方法", FALSE },
  { 1, 0, BEACON_KIND_INSPECTION, 4, "Quarterly inspection of the studio network", FALSE },
  { 2, 0, BEACON_KIND_FAULT, 4, "日志分区已满（已处理）", TRUE },
};

static guint
seed_demo (const char *db_path)
{
  g_autoptr(BeaconClock) clock = beacon_clock_new_fixed (G_GINT64_CONSTANT (1795743000) * G_USEC_PER_SEC);
  g_autoptr(BeaconStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) customer_ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) site_ids = g_ptr_array_new_with_free_func ((GDestroyNotify)g_strfreev);
  guint n_open = 0;

  store = beacon_store_open (db_path, clock, &error);
  g_assert_no_error (error);

  for (guint i = 0; i < G_N_ELEMENTS (demo_customers); i++)
    {
      const DemoCustomer *demo = &demo_customers[i];
      g_autoptr(GStrvBuilder) sites = g_strv_builder_new ();
      char *customer_id;

      customer_id = beacon_store_add_customer (store, demo->name, demo->code, &error);
      g_assert_no_error (error);

      for (guint j = 0; demo->sites[j] != NULL; j++)
        {
          g_autofree char *site_id = beacon_store_add_site (store, customer_id, demo->sites[j],
                                                            NULL, &error);
          g_assert_no_error (error);
          g_strv_builder_add (sites, site_id);
        }

      g_ptr_array_add (customer_ids, customer_id);
      g_ptr_array_add (site_ids, g_strv_builder_end (sites));
    }

  for (guint i = 0; i < G_N_ELEMENTS (demo_tickets); i++)
    {
      const DemoTicket *demo = &demo_tickets[i];
      BeaconTicketDraft draft = { 0 };
      g_autoptr(BeaconTicket) ticket = NULL;

      draft.kind = demo->kind;
      draft.level = demo->level;
      draft.customer_id = g_ptr_array_index (customer_ids, demo->customer);
      draft.site_id = ((char **)g_ptr_array_index (site_ids, demo->customer))[demo->site];
      draft.channel = "phone";
      draft.summary = demo->summary;
      draft.accepted_at = 1795743000 - (gint64)(G_N_ELEMENTS (demo_tickets) - i) * 1800;

      ticket = beacon_store_create_ticket (store, &draft, &error);
      g_assert_no_error (error);

      if (demo->close)
        {
          g_autofree char *event_id = beacon_store_add_event (store, ticket->id,
                                                              BEACON_EVENT_CLOSED, 0,
                                                              NULL, NULL, &error);
          g_assert_no_error (error);
        }
      else
        n_open++;
    }

  return n_open;
}

static void
fixture_set_up (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;

  fixture->dir = g_dir_make_tmp ("beacon-test-gui-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->db_path = g_build_filename (fixture->dir, "beacon.db", NULL);
  g_setenv ("BEACON_DB", fixture->db_path, TRUE);
  /* The seeded calls came in that morning; new ones get that day's numbers. */
  g_setenv ("BEACON_FAKE_NOW", "2026-11-27T09:35:00+08:00", TRUE);
  /* Who works here, without the first-start question. */
  g_setenv ("BEACON_USER", "Duty Operator", TRUE);
}

static void
fixture_start_app (Fixture *fixture)
{
  fixture->app = beacon_gui_test_start_app ("Test", &fixture->store, &fixture->window);
}

static void
fixture_start_window (Fixture *fixture)
{
  fixture_start_app (fixture);
  g_assert_nonnull (fixture->store);
  g_assert_true (BEACON_IS_WINDOW (fixture->window));
  /* The escalation check runs at start and may act (e.g. open an
   * investigation for a long level-1 outage); let it finish first. */
  g_assert_true (beacon_gui_test_spin_until (beacon_gui_test_escalation_settled, fixture->app, WAIT_MS));
  g_assert_true (beacon_gui_test_spin_until (beacon_gui_test_window_is_loaded, fixture->window, WAIT_MS));
}

static void
fixture_tear_down (Fixture *fixture)
{
  if (fixture->app != NULL)
    {
      GList *windows;

      while ((windows = gtk_application_get_windows (GTK_APPLICATION (fixture->app))) != NULL)
        gtk_window_destroy (GTK_WINDOW (windows->data));
      while (g_main_context_iteration (NULL, FALSE))
        ;
      g_clear_object (&fixture->app);
    }

  if (fixture->dir != NULL)
    {
      g_autoptr(GDir) dir = g_dir_open (fixture->dir, 0, NULL);
      const char *name;

      while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *path = g_build_filename (fixture->dir, name, NULL);
          g_unlink (path);
        }
      g_rmdir (fixture->dir);
    }

  g_clear_pointer (&fixture->db_path, g_free);
  g_clear_pointer (&fixture->dir, g_free);
  g_unsetenv ("BEACON_DB");
  g_unsetenv ("BEACON_FAKE_NOW");
  g_unsetenv ("BEACON_USER");
}

static guint count_open_tickets (BeaconStore *store);

static gboolean
board_lists_store (gpointer data)
{
  Fixture *fixture = data;

  return g_list_model_get_n_items (beacon_window_get_tickets (fixture->window)) ==
         count_open_tickets (fixture->store);
}

/* Widgets ---------------------------------------------------------------- */

static GtkWidget *
find_label (GtkWidget  *widget,
            const char *text)
{
  if (GTK_IS_LABEL (widget) && gtk_widget_get_mapped (widget) &&
      g_strcmp0 (gtk_label_get_text (GTK_LABEL (widget)), text) == 0)
    return widget;

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_label (child, text);

      if (found != NULL)
        return found;
    }

  return NULL;
}

typedef struct
{
  GtkWidget  *root;
  const char *text;
} LabelQuery;

static gboolean
label_is_shown (gpointer data)
{
  LabelQuery *query = data;

  return find_label (query->root, query->text) != NULL;
}

static GObject *
template_child (gpointer    widget,
                GType       type,
                const char *name)
{
  GObject *child = gtk_widget_get_template_child (GTK_WIDGET (widget), type, name);

  g_assert_nonnull (child);
  return child;
}

static BeaconTicketObject *
find_ticket_by_summary (GListModel *tickets,
                        const char *summary)
{
  for (guint i = 0; i < g_list_model_get_n_items (tickets); i++)
    {
      g_autoptr(BeaconTicketObject) ticket = g_list_model_get_item (tickets, i);

      /* Borrowed: the model keeps the item alive. */
      if (g_strcmp0 (beacon_ticket_object_get_summary (ticket), summary) == 0)
        return ticket;
    }

  return NULL;
}

typedef struct
{
  GListModel *tickets;
  const char *summary;
} TicketQuery;

static gboolean
ticket_is_listed (gpointer data)
{
  TicketQuery *query = data;

  return find_ticket_by_summary (query->tickets, query->summary) != NULL;
}

static void
select_string (AdwComboRow *row,
               const char  *text)
{
  GListModel *model = adw_combo_row_get_model (row);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(GtkStringObject) item = g_list_model_get_item (model, i);

      if (g_strcmp0 (gtk_string_object_get_string (item), text) == 0)
        {
          adw_combo_row_set_selected (row, i);
          return;
        }
    }

  g_assert_not_reached ();
}

static guint
count_open_tickets (BeaconStore *store)
{
  g_autoptr(GPtrArray) tickets = NULL;
  g_autoptr(GError) error = NULL;

  tickets = beacon_store_list_tickets (store, TRUE, &error);
  g_assert_no_error (error);

  return tickets->len;
}

/* Tests ------------------------------------------------------------------- */

static void
test_window_lists_open_tickets (void)
{
  Fixture fixture = { 0 };
  GListModel *tickets;
  guint n_seeded_open;
  g_autoptr(BeaconTicketObject) first = NULL;
  LabelQuery query;

  fixture_set_up (&fixture);
  n_seeded_open = seed_demo (fixture.db_path);
  fixture_start_window (&fixture);

  tickets = beacon_window_get_tickets (fixture.window);
  /* The escalation engine may have opened an investigation of the long
   * level-1 outage: more open tickets than seeded, all of them listed. */
  g_assert_cmpuint (count_open_tickets (fixture.store), >=, n_seeded_open);
  g_assert_true (beacon_gui_test_spin_until (board_lists_store, &fixture, WAIT_MS));
  g_assert_null (find_ticket_by_summary (tickets, "日志分区已满（已处理）"));

  /* The most urgent card on screen shows the ticket's number. */
  first = g_list_model_get_item (G_LIST_MODEL (beacon_board_model_get_column (
    beacon_window_get_board (fixture.window), BEACON_STAGE_NEW)), 0);
  query.root = GTK_WIDGET (fixture.window);
  query.text = beacon_ticket_object_get_number (first);
  g_assert_nonnull (query.text);
  g_assert_true (beacon_gui_test_spin_until (label_is_shown, &query, WAIT_MS));

  beacon_gui_test_save_screenshot (GTK_WIDGET (fixture.window), "window");

  fixture_tear_down (&fixture);
}

/* The core's demo archive: many customers, tickets at every stage. */
static void
test_window_lists_demo_tickets (void)
{
  Fixture fixture = { 0 };
  g_autoptr(BeaconClock) clock = beacon_clock_new_fixed (G_GINT64_CONSTANT (1795743000) * G_USEC_PER_SEC);
  g_autoptr(BeaconStore) store = NULL;
  g_autoptr(GPtrArray) all = NULL;
  g_autoptr(GError) error = NULL;
  guint n_open;

  fixture_set_up (&fixture);
  store = beacon_store_open (fixture.db_path, clock, &error);
  g_assert_no_error (error);
  beacon_store_fill_demo (store, 200, 7, &error);
  g_assert_no_error (error);
  all = beacon_store_list_tickets (store, FALSE, &error);
  g_assert_no_error (error);
  g_clear_object (&store);

  fixture_start_window (&fixture);

  n_open = count_open_tickets (fixture.store);
  g_assert_cmpuint (n_open, >, 0);
  g_assert_true (beacon_gui_test_spin_until (board_lists_store, &fixture, WAIT_MS));
  if (n_open == all->len)
    g_test_message ("the demo closed none of its %u tickets", all->len);

  fixture_tear_down (&fixture);
}

static void
test_window_shows_empty_state (void)
{
  Fixture fixture = { 0 };
  GtkStack *stack;

  fixture_set_up (&fixture);
  fixture_start_window (&fixture);

  stack = GTK_STACK (template_child (fixture.window, BEACON_TYPE_WINDOW, "stack"));
  g_assert_cmpuint (g_list_model_get_n_items (beacon_window_get_tickets (fixture.window)), ==, 0);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (stack), ==, "empty");

  beacon_gui_test_save_screenshot (GTK_WIDGET (fixture.window), "window-empty");

  fixture_tear_down (&fixture);
}

static void
test_window_keeps_size (void)
{
  Fixture fixture = { 0 };
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  int width, height;

  fixture_set_up (&fixture);
  fixture_start_window (&fixture);

  gtk_window_set_default_size (GTK_WINDOW (fixture.window), 900, 560);
  gtk_window_close (GTK_WINDOW (fixture.window));
  g_assert_cmpint (g_settings_get_int (settings, "window-width"), ==, 900);
  g_assert_cmpint (g_settings_get_int (settings, "window-height"), ==, 560);
  g_assert_false (g_settings_get_boolean (settings, "window-maximized"));
  fixture_tear_down (&fixture);

  /* The next start comes back at that size. */
  fixture_set_up (&fixture);
  fixture_start_window (&fixture);
  gtk_window_get_default_size (GTK_WINDOW (fixture.window), &width, &height);
  g_assert_cmpint (width, ==, 900);
  g_assert_cmpint (height, ==, 560);
  fixture_tear_down (&fixture);

  g_settings_reset (settings, "window-width");
  g_settings_reset (settings, "window-height");
}

static BeaconIntakeDialog *
open_intake (Fixture *fixture)
{
  BeaconIntakeDialog *dialog;

  /* Ctrl+N goes through the app action to the window. */
  g_action_group_activate_action (G_ACTION_GROUP (fixture->app), "new-ticket", NULL);
  dialog = beacon_window_get_intake_dialog (fixture->window);
  g_assert_true (BEACON_IS_INTAKE_DIALOG (dialog));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (dialog)));

  return dialog;
}

static void
test_intake_refuses_empty_customer (void)
{
  Fixture fixture = { 0 };
  BeaconIntakeDialog *dialog;
  GtkWidget *customer_error;
  GtkEditable *customer_row;
  GtkEditable *summary_row;
  guint n_open;

  fixture_set_up (&fixture);
  seed_demo (fixture.db_path);
  fixture_start_window (&fixture);
  n_open = count_open_tickets (fixture.store);

  dialog = open_intake (&fixture);
  customer_row = GTK_EDITABLE (template_child (dialog, BEACON_TYPE_INTAKE_DIALOG, "customer_row"));
  summary_row = GTK_EDITABLE (template_child (dialog, BEACON_TYPE_INTAKE_DIALOG, "summary_row"));
  customer_error = GTK_WIDGET (template_child (dialog, BEACON_TYPE_INTAKE_DIALOG,
                                               "customer_error_label"));

  g_assert_false (gtk_widget_get_visible (customer_error));
  gtk_editable_set_text (summary_row, "Transmitter off air");
  gtk_widget_activate_action (GTK_WIDGET (dialog), "intake.create", NULL);

  /* Refused, said so under the field, and the form stays for correction. */
  g_assert_true (gtk_widget_get_visible (customer_error));
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (customer_error)), ==,
                   g_dgettext (GETTEXT_PACKAGE, "Choose a customer"));
  g_assert_true (beacon_window_get_intake_dialog (fixture.window) == dialog);
  g_assert_cmpuint (count_open_tickets (fixture.store), ==, n_open);

  /* A name that is not in the archive is no customer either. */
  gtk_editable_set_text (customer_row, "Nobody Ltd");
  g_assert_false (gtk_widget_get_visible (customer_error));
  gtk_widget_activate_action (GTK_WIDGET (dialog), "intake.create", NULL);
  g_assert_true (gtk_widget_get_visible (customer_error));
  g_assert_cmpuint (count_open_tickets (fixture.store), ==, n_open);

  beacon_gui_test_save_screenshot (GTK_WIDGET (dialog), "intake-error");

  fixture_tear_down (&fixture);
}

static void
test_intake_creates_ticket (void)
{
  Fixture fixture = { 0 };
  BeaconIntakeDialog *dialog;
  GtkEditable *customer_row;
  GtkEditable *summary_row;
  GtkWidget *customer_error;
  GtkWidget *customer_popover;
  AdwComboRow *site_row;
  AdwComboRow *level_row;
  GtkTextView *symptoms_view;
  TicketQuery query;
  BeaconTicketObject *created;
  g_autoptr(BeaconTicket) stored = NULL;
  g_autoptr(GError) error = NULL;
  LabelQuery label_query;
  guint n_open;
  const char *summary = "发射站3号机功率输出为零";

  fixture_set_up (&fixture);
  seed_demo (fixture.db_path);
  fixture_start_window (&fixture);
  n_open = count_open_tickets (fixture.store);

  dialog = open_intake (&fixture);
  customer_row = GTK_EDITABLE (template_child (dialog, BEACON_TYPE_INTAKE_DIALOG, "customer_row"));
  summary_row = GTK_EDITABLE (template_child (dialog, BEACON_TYPE_INTAKE_DIALOG, "summary_row"));
  customer_error = GTK_WIDGET (template_child (dialog, BEACON_TYPE_INTAKE_DIALOG,
                                               "customer_error_label"));
  customer_popover = GTK_WIDGET (template_child (dialog, BEACON_TYPE_INTAKE_DIALOG,
                                                 "customer_popover"));
  site_row = ADW_COMBO_ROW (template_child (dialog, BEACON_TYPE_INTAKE_DIALOG, "site_row"));
  level_row = ADW_COMBO_ROW (template_child (dialog, BEACON_TYPE_INTAKE_DIALOG, "level_row"));
  symptoms_view = GTK_TEXT_VIEW (template_child (dialog, BEACON_TYPE_INTAKE_DIALOG,
                                                 "symptoms_view"));

  g_assert_false (gtk_widget_get_sensitive (GTK_WIDGET (site_row)));

  /* Codes match too: “b” finds HB and EHB, not YJ. */
  gtk_editable_set_text (customer_row, "b");
  g_assert_true (gtk_widget_get_visible (customer_popover));
  g_assert_cmpuint (g_list_model_get_n_items (
    G_LIST_MODEL (template_child (dialog, BEACON_TYPE_INTAKE_DIALOG, "customer_matches"))), ==, 2);
  beacon_gui_test_save_screenshot (customer_popover, "intake-customer-matches");

  /* Type part of the name: the matches pop up; Enter takes the first. */
  gtk_editable_set_text (customer_row, "华北");
  g_assert_true (gtk_widget_get_visible (customer_popover));
  g_signal_emit_by_name (customer_row, "entry-activated");
  g_assert_cmpstr (gtk_editable_get_text (customer_row), ==, "华北广播电视台");
  g_assert_false (gtk_widget_get_visible (customer_popover));

  /* Its sites become the choice, and the second one is taken. */
  g_assert_true (gtk_widget_get_sensitive (GTK_WIDGET (site_row)));
  g_assert_cmpuint (g_list_model_get_n_items (adw_combo_row_get_model (site_row)), ==, 2);
  select_string (site_row, "二号发射站");
  adw_combo_row_set_selected (level_row, 0);

  gtk_editable_set_text (summary_row, summary);
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (symptoms_view),
                            "值班员发现3号机无输出，重启发射机无效。", -1);

  beacon_gui_test_save_screenshot (GTK_WIDGET (dialog), "intake");

  g_assert_false (gtk_widget_get_visible (customer_error));
  gtk_widget_activate_action (GTK_WIDGET (dialog), "intake.create", NULL);
  g_assert_null (beacon_window_get_intake_dialog (fixture.window));

  /* The store committed it, and the board shows it without being asked. */
  g_assert_cmpuint (count_open_tickets (fixture.store), ==, n_open + 1);
  query.tickets = beacon_window_get_tickets (fixture.window);
  query.summary = summary;
  g_assert_true (beacon_gui_test_spin_until (ticket_is_listed, &query, WAIT_MS));
  g_assert_cmpuint (g_list_model_get_n_items (query.tickets), ==, n_open + 1);

  created = find_ticket_by_summary (query.tickets, summary);
  /* BEACON_FAKE_NOW set the app's clock. */
  g_assert_cmpint (beacon_ticket_object_get_accepted_at (created), >=, 1795743000 + 5 * 60);
  g_assert_cmpint (beacon_ticket_object_get_accepted_at (created), <, 1795743000 + 6 * 60);
  g_assert_cmpint (beacon_ticket_object_get_level (created), ==, 1);
  g_assert_cmpstr (beacon_ticket_object_get_customer_site (created), ==, "华北广播电视台 · 二号发射站");

  stored = beacon_store_get_ticket (fixture.store, beacon_ticket_object_get_number (created),
                                    FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (stored->summary, ==, summary);
  g_assert_cmpstr (stored->channel, ==, "phone");
  g_assert_cmpstr (stored->symptoms, ==, "值班员发现3号机无输出，重启发射机无效。");
  g_assert_cmpint (stored->kind, ==, BEACON_KIND_FAULT);

  label_query.root = GTK_WIDGET (fixture.window);
  label_query.text = beacon_ticket_object_get_number (created);
  g_assert_true (beacon_gui_test_spin_until (label_is_shown, &label_query, WAIT_MS));

  beacon_gui_test_save_screenshot (GTK_WIDGET (fixture.window), "window-created");

  fixture_tear_down (&fixture);
}

static const char *
selected_string (AdwComboRow *row)
{
  GtkStringObject *item = adw_combo_row_get_selected_item (row);

  g_assert_nonnull (item);
  return gtk_string_object_get_string (item);
}

/* A caller the archive does not know: customer, site and contact are added
 * from the form, with the keyboard, and the ticket is theirs. */
static void
test_intake_adds_new_customer (void)
{
  Fixture fixture = { 0 };
  BeaconIntakeDialog *dialog;
  GtkEditable *customer_row;
  GtkEditable *new_site_row;
  GtkEditable *new_contact_row;
  GtkEditable *summary_row;
  GtkWidget *customer_popover;
  GtkWidget *new_site_error;
  GListModel *matches;
  GListModel *offer;
  AdwComboRow *site_row;
  AdwComboRow *contact_row;
  g_autoptr(GtkStringObject) offered = NULL;
  g_autoptr(BeaconCustomer) customer = NULL;
  g_autoptr(BeaconTicket) stored = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *offer_text = NULL;
  g_autofree char *empty_site_message = NULL;
  BeaconTicketObject *created;
  TicketQuery query;
  guint n_open;
  const char *customer_name = "北岭融媒体中心";
  const char *site_name = "山顶转播站";
  const char *summary = "转播站调频发射机无输出";

  fixture_set_up (&fixture);
  seed_demo (fixture.db_path);
  fixture_start_window (&fixture);
  n_open = count_open_tickets (fixture.store);

  dialog = open_intake (&fixture);
  customer_row = GTK_EDITABLE (template_child (dialog, BEACON_TYPE_INTAKE_DIALOG, "customer_row"));
  new_site_row = GTK_EDITABLE (template_child (dialog, BEACON_TYPE_INTAKE_DIALOG, "new_site_row"));
  new_contact_row = GTK_EDITABLE (template_child (dialog, BEACON_TYPE_INTAKE_DIALOG,
                                                  "new_contact_row"));
  summary_row = GTK_EDITABLE (template_child (dialog, BEACON_TYPE_INTAKE_DIALOG, "summary_row"));
  customer_popover = GTK_WIDGET (template_child (dialog, BEACON_TYPE_INTAKE_DIALOG,
                                                 "customer_popover"));
  new_site_error = GTK_WIDGET (template_child (dialog, BEACON_TYPE_INTAKE_DIALOG,
                                               "new_site_error_label"));
  matches = G_LIST_MODEL (template_child (dialog, BEACON_TYPE_INTAKE_DIALOG, "customer_matches"));
  offer = G_LIST_MODEL (template_child (dialog, BEACON_TYPE_INTAKE_DIALOG, "customer_offer"));
  site_row = ADW_COMBO_ROW (template_child (dialog, BEACON_TYPE_INTAKE_DIALOG, "site_row"));
  contact_row = ADW_COMBO_ROW (template_child (dialog, BEACON_TYPE_INTAKE_DIALOG, "contact_row"));

  /* Until it is clear whose they would be, nothing can be added. */
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (new_site_row)));

  /* A known customer's full name offers no duplicate. */
  gtk_editable_set_text (customer_row, "华北广播电视台");
  g_assert_cmpuint (g_list_model_get_n_items (offer), ==, 0);

  /* An unknown name: no match, and the one choice offered is to add it. */
  gtk_editable_set_text (customer_row, customer_name);
  g_assert_true (gtk_widget_get_visible (customer_popover));
  g_assert_cmpuint (g_list_model_get_n_items (matches), ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (offer), ==, 1);
  offered = g_list_model_get_item (offer, 0);
  offer_text = g_strdup_printf (g_dgettext (GETTEXT_PACKAGE, "Add “%s” as a new customer"),
                                customer_name);
  g_assert_cmpstr (gtk_string_object_get_string (offered), ==, offer_text);
  g_assert_null (beacon_store_find_customer (fixture.store, customer_name, NULL));

  beacon_gui_test_save_screenshot_with_popover (GTK_WIDGET (dialog), customer_popover, "intake-new-customer");

  /* Enter takes the highlighted offer: the archive has the customer now. */
  g_signal_emit_by_name (customer_row, "entry-activated");
  g_assert_false (gtk_widget_get_visible (customer_popover));
  g_assert_cmpstr (gtk_editable_get_text (customer_row), ==, customer_name);
  customer = beacon_store_find_customer (fixture.store, customer_name, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (customer->sites->len, ==, 0);
  g_assert_false (gtk_widget_get_sensitive (GTK_WIDGET (site_row)));

  /* Its first site is typed next, where the focus went. */
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (new_site_row)));
  g_assert_true (gtk_widget_has_focus (GTK_WIDGET (new_site_row)) ||
                 gtk_widget_is_ancestor (gtk_root_get_focus (GTK_ROOT (dialog)),
                                         GTK_WIDGET (new_site_row)));

  /* An empty name is refused, with the archive's own words. */
  gtk_editable_set_text (new_site_row, "  ");
  g_signal_emit_by_name (new_site_row, "entry-activated");
  g_assert_true (gtk_widget_get_visible (new_site_error));
  empty_site_message = g_strdup_printf (g_dgettext (GETTEXT_PACKAGE, "%s: this cannot be empty"),
                                        g_dgettext (GETTEXT_PACKAGE, "Site name"));
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (new_site_error)), ==, empty_site_message);

  gtk_editable_set_text (new_site_row, site_name);
  g_assert_false (gtk_widget_get_visible (new_site_error));
  g_signal_emit_by_name (new_site_row, "entry-activated");
  g_assert_cmpstr (gtk_editable_get_text (new_site_row), ==, "");
  g_assert_true (gtk_widget_get_sensitive (GTK_WIDGET (site_row)));
  g_assert_cmpstr (selected_string (site_row), ==, site_name);

  /* The caller, with their phone, becomes the site's contact. */
  gtk_editable_set_text (new_contact_row, "李工 139 0000 1111");
  g_signal_emit_by_name (new_contact_row, "entry-activated");
  g_assert_cmpstr (selected_string (contact_row), ==, "李工 · 139 0000 1111");

  gtk_editable_set_text (summary_row, summary);
  beacon_gui_test_save_screenshot (GTK_WIDGET (dialog), "intake-new-customer-filled");
  gtk_widget_activate_action (GTK_WIDGET (dialog), "intake.create", NULL);
  g_assert_null (beacon_window_get_intake_dialog (fixture.window));
  g_assert_cmpuint (count_open_tickets (fixture.store), ==, n_open + 1);

  query.tickets = beacon_window_get_tickets (fixture.window);
  query.summary = summary;
  g_assert_true (beacon_gui_test_spin_until (ticket_is_listed, &query, WAIT_MS));
  created = find_ticket_by_summary (query.tickets, summary);
  stored = beacon_store_get_ticket (fixture.store, beacon_ticket_object_get_number (created),
                                    FALSE, &error);
  g_assert_no_error (error);

  /* The ticket belongs to what the archive now holds under those names. */
  g_clear_pointer (&customer, beacon_customer_free);
  customer = beacon_store_find_customer (fixture.store, stored->customer_id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (customer->name, ==, customer_name);
  g_assert_cmpuint (customer->sites->len, ==, 1);
  g_assert_cmpstr (((BeaconSite *)g_ptr_array_index (customer->sites, 0))->id, ==, stored->site_id);
  g_assert_cmpstr (((BeaconSite *)g_ptr_array_index (customer->sites, 0))->name, ==, site_name);
  g_assert_cmpuint (customer->contacts->len, ==, 1);
  g_assert_cmpstr (((BeaconContact *)g_ptr_array_index (customer->contacts, 0))->id, ==,
                   stored->contact_id);
  g_assert_cmpstr (((BeaconContact *)g_ptr_array_index (customer->contacts, 0))->name, ==, "李工");
  g_assert_cmpstr (((BeaconContact *)g_ptr_array_index (customer->contacts, 0))->site_id, ==,
                   stored->site_id);

  fixture_tear_down (&fixture);
}

static AdwMessageDialog *
find_message_dialog (GtkApplication *app)
{
  for (GList *l = gtk_application_get_windows (app); l != NULL; l = l->next)
    if (ADW_IS_MESSAGE_DIALOG (l->data))
      return l->data;

  return NULL;
}

static void
test_app_explains_newer_database (void)
{
  Fixture fixture = { 0 };
  g_autoptr(BeaconClock) clock = beacon_clock_new_system ();
  g_autoptr(BeaconStore) refused = NULL;
  g_autoptr(GError) error = NULL;
  AdwMessageDialog *dialog;
  sqlite3 *db;

  fixture_set_up (&fixture);

  /* What a future Beacon leaves behind: a schema this build does not know. */
  g_assert_cmpint (sqlite3_open (fixture.db_path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "PRAGMA user_version = 999", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);

  refused = beacon_store_open (fixture.db_path, clock, &error);
  g_assert_null (refused);
  g_assert_error (error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_TOO_NEW);

  fixture_start_app (&fixture);
  g_assert_null (fixture.store);
  g_assert_null (fixture.window);

  dialog = find_message_dialog (GTK_APPLICATION (fixture.app));
  g_assert_nonnull (dialog);
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), error->message));

  beacon_gui_test_save_screenshot (GTK_WIDGET (dialog), "database-too-new");

  /* Its one answer ends the app's only window. */
  adw_message_dialog_response (dialog, "quit");
  g_assert_null (gtk_application_get_windows (GTK_APPLICATION (fixture.app)));

  fixture_tear_down (&fixture);
}

int
main (int   argc,
      char *argv[])
{
  if (beacon_gui_test_skip_without_display ())
    return 0;

  beacon_gui_test_init (&argc, &argv, WAIT_MS);

  g_test_add_func ("/gui/window/lists-open-tickets", test_window_lists_open_tickets);
  g_test_add_func ("/gui/window/lists-demo-tickets", test_window_lists_demo_tickets);
  g_test_add_func ("/gui/window/empty-state", test_window_shows_empty_state);
  g_test_add_func ("/gui/window/keeps-size", test_window_keeps_size);
  g_test_add_func ("/gui/intake/refuses-empty-customer", test_intake_refuses_empty_customer);
  g_test_add_func ("/gui/intake/creates-ticket", test_intake_creates_ticket);
  g_test_add_func ("/gui/intake/adds-new-customer", test_intake_adds_new_customer);
  g_test_add_func ("/gui/app/database-too-new", test_app_explains_newer_database);

  return g_test_run ();
}
