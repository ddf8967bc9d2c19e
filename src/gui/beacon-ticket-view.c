/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "beacon-gui"

#include "config.h"

#include <glib/gi18n.h>

#include "beacon-archive.h"
#include "beacon-board-queries.h"
#include "beacon-countdown.h"
#include "beacon-metrics.h"
#include "beacon-record.h"
#include "beacon-report.h"
#include "beacon-sla.h"
#include "beacon-ticket-card.h"
#include "beacon-ticket-view.h"
#include "beacon-ticket.h"

/* Everything about one ticket: who and what, every SLA clock with its own
 * countdown, the whole timeline (automatic entries with their reason), the
 * next steps (each enabled only when it makes sense), and the customer
 * archive at hand: the system's parameters and the site's earlier tickets. */

#define HISTORY_LIMIT 8

struct _BeaconTicketView
{
  AdwWindow         parent_instance;

  BeaconStore      *store;
  char             *ticket_id;
  BeaconTicket     *ticket;          /* with events */
  GCancellable     *cancellable;
  GPtrArray        *rows;            /* widgets added to the groups, to clear on reload */
  gboolean          loaded;

  /* Template widgets */
  AdwToastOverlay      *toast_overlay;
  AdwWindowTitle       *window_title;
  GtkLabel             *level_chip;
  GtkLabel             *summary_label;
  GtkFlowBox           *actions_box;
  GtkGrid              *details_grid;
  AdwPreferencesGroup  *metrics_group;
  AdwPreferencesGroup  *timeline_group;
  AdwPreferencesGroup  *reports_group;
  GtkMenuButton        *new_report_button;
  AdwPreferencesGroup  *system_group;
  AdwPreferencesGroup  *history_group;
};

G_DEFINE_FINAL_TYPE (BeaconTicketView, beacon_ticket_view, ADW_TYPE_WINDOW)

typedef enum
{
  INPUT_NONE,
  INPUT_NOTE,       /* a note is asked for, optional */
  INPUT_REQUIRED,   /* a note is required */
} Input;

typedef struct
{
  const char      *action;
  BeaconEventType  type;
  const char      *label;
  Input            input;
} Step;

/* In the order of the service plan (DESIGN.md 2.1). */
static const Step steps[] = {
  { "ticket.acknowledge", BEACON_EVENT_ACKNOWLEDGED, N_("Acknowledge"), INPUT_NONE },
  { "ticket.remote-connected", BEACON_EVENT_REMOTE_CONNECTED, N_("Remote Connected"), INPUT_NONE },
  { "ticket.dispatch", BEACON_EVENT_DISPATCHED, N_("Dispatch"), INPUT_NOTE },
  { "ticket.arrived", BEACON_EVENT_ARRIVED, N_("Arrived"), INPUT_NONE },
  { "ticket.repair-started", BEACON_EVENT_REPAIR_STARTED, N_("Repair Started"), INPUT_NONE },
  { "ticket.request-approval", BEACON_EVENT_APPROVAL_REQUESTED, N_("Request Approval"), INPUT_REQUIRED },
  { "ticket.grant-approval", BEACON_EVENT_APPROVAL_GRANTED, N_("Approval Granted"), INPUT_NOTE },
  { "ticket.recovered", BEACON_EVENT_RECOVERED, N_("Recovered"), INPUT_NOTE },
  { "ticket.solution-provided", BEACON_EVENT_SOLUTION_PROVIDED, N_("Solution Provided"), INPUT_NOTE },
  { "ticket.analysis-delivered", BEACON_EVENT_ANALYSIS_DELIVERED, N_("Analysis Delivered"), INPUT_NOTE },
  { "ticket.status-update", BEACON_EVENT_STATUS_UPDATE, N_("Status Update"), INPUT_REQUIRED },
  { "ticket.note", BEACON_EVENT_NOTE, N_("Note"), INPUT_REQUIRED },
  { "ticket.change-level", BEACON_EVENT_LEVEL_CHANGED, N_("Change Level"), INPUT_REQUIRED },
  { "ticket.assign", BEACON_N_EVENTS, N_("Assign"), INPUT_NONE },
  { "ticket.escalate", BEACON_EVENT_ESCALATED, N_("Escalate"), INPUT_REQUIRED },
  { "ticket.close", BEACON_EVENT_CLOSED, N_("Close"), INPUT_NOTE },
  { "ticket.reopen", BEACON_EVENT_REOPENED, N_("Reopen"), INPUT_REQUIRED },
};

static const Step *
find_step (const char *action)
{
  for (guint i = 0; i < G_N_ELEMENTS (steps); i++)
    if (g_strcmp0 (steps[i].action, action) == 0)
      return &steps[i];

  return NULL;
}

/* Loading ------------------------------------------------------------------ */

typedef struct
{
  BeaconTicket *ticket;
  GPtrArray    *metrics;     /* BeaconMetric */
  char         *system_name;
  char         *system_params;
  GPtrArray    *history;     /* BeaconTicket */
  GPtrArray    *reports;     /* BeaconReport */
} ViewData;

static void
view_data_free (ViewData *data)
{
  g_clear_pointer (&data->ticket, beacon_ticket_free);
  g_clear_pointer (&data->metrics, g_ptr_array_unref);
  g_clear_pointer (&data->history, g_ptr_array_unref);
  g_clear_pointer (&data->reports, g_ptr_array_unref);
  g_free (data->system_name);
  g_free (data->system_params);
  g_free (data);
}

static void
load_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  BeaconStore *store = source_object;
  const char *ticket_id = task_data;
  ViewData *data = g_new0 (ViewData, 1);
  g_autoptr(BeaconCustomer) customer = NULL;
  g_auto(GStrv) history = NULL;
  GError *error = NULL;

  data->ticket = beacon_store_get_ticket (store, ticket_id, TRUE, &error);
  if (data->ticket == NULL)
    {
      view_data_free (data);
      g_task_return_error (task, error);
      return;
    }

  data->metrics = beacon_store_list_ticket_metrics (store, data->ticket->id, beacon_store_now (store), NULL);

  if (data->ticket->customer_id != NULL)
    customer = beacon_store_find_customer (store, data->ticket->customer_id, NULL);
  for (guint i = 0; customer != NULL && customer->systems != NULL && i < customer->systems->len; i++)
    {
      BeaconSystem *system = g_ptr_array_index (customer->systems, i);

      /* The ticket's system, else the first one at its site. */
      if (g_strcmp0 (system->id, data->ticket->system_id) == 0 ||
          (data->system_name == NULL && data->ticket->system_id == NULL &&
           g_strcmp0 (system->site_id, data->ticket->site_id) == 0))
        {
          g_free (data->system_name);
          g_free (data->system_params);
          data->system_name = system->model && *system->model
                                ? g_strdup_printf ("%s (%s)", system->name, system->model)
                                : g_strdup (system->name);
          data->system_params = g_strdup (system->params);
        }
    }

  data->history = g_ptr_array_new_with_free_func ((GDestroyNotify) beacon_ticket_free);
  if (data->ticket->site_id != NULL)
    history = beacon_store_list_site_history (store, data->ticket->site_id, data->ticket->id,
                                              HISTORY_LIMIT, NULL);
  for (guint i = 0; history != NULL && history[i] != NULL; i++)
    {
      BeaconTicket *earlier = beacon_store_get_ticket (store, history[i], FALSE, NULL);

      if (earlier != NULL)
        g_ptr_array_add (data->history, earlier);
    }

  data->reports = beacon_store_list_reports (store, data->ticket->id, NULL);
  if (data->reports == NULL)
    data->reports = g_ptr_array_new_with_free_func ((GDestroyNotify) beacon_report_free);

  g_task_return_pointer (task, data, (GDestroyNotify) view_data_free);
}

static void
clear_rows (BeaconTicketView *self)
{
  for (guint i = 0; i < self->rows->len; i++)
    {
      GtkWidget *row = g_ptr_array_index (self->rows, i);
      GtkWidget *group = gtk_widget_get_ancestor (row, ADW_TYPE_PREFERENCES_GROUP);

      if (group != NULL)
        adw_preferences_group_remove (ADW_PREFERENCES_GROUP (group), row);
    }
  g_ptr_array_set_size (self->rows, 0);
}

static GtkWidget *
add_row (BeaconTicketView    *self,
         AdwPreferencesGroup *group,
         const char          *title,
         const char          *subtitle)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  if (subtitle != NULL && *subtitle != '\0')
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_preferences_group_add (group, row);
  g_ptr_array_add (self->rows, row);

  return row;
}

static char *
format_instant (gint64 instant)
{
  g_autoptr(GDateTime) local = instant > 0 ? g_date_time_new_from_unix_local (instant) : NULL;

  if (local == NULL)
    return g_strdup ("—");

  /* Translators: a date and time in the timeline; a g_date_time_format() string */
  return g_date_time_format (local, C_("timeline time", "%Y-%m-%d %H:%M"));
}

static char *
dup_payload_string (const char *payload,
                    const char *member)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonNode *root;

  if (payload == NULL || *payload == '\0' || !json_parser_load_from_data (parser, payload, -1, NULL))
    return NULL;

  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root) ||
      !json_object_has_member (json_node_get_object (root), member))
    return NULL;

  {
    JsonNode *node = json_object_get_member (json_node_get_object (root), member);

    if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
      return g_strdup (json_node_get_string (node));
    if (JSON_NODE_HOLDS_VALUE (node))
      return g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (node));
  }

  return NULL;
}

static void
add_detail (BeaconTicketView *self,
            guint            *index,
            const char       *key,
            const char       *value)
{
  GtkWidget *key_label = gtk_label_new (key);
  GtkWidget *value_label = gtk_label_new (value && *value ? value : "—");
  int column = (*index % 2) * 2;
  int row = *index / 2;

  gtk_label_set_xalign (GTK_LABEL (key_label), 0);
  gtk_label_set_yalign (GTK_LABEL (key_label), 0);
  gtk_widget_add_css_class (key_label, "dim-label");
  gtk_label_set_xalign (GTK_LABEL (value_label), 0);
  gtk_label_set_wrap (GTK_LABEL (value_label), TRUE);
  gtk_label_set_selectable (GTK_LABEL (value_label), TRUE);
  gtk_widget_set_hexpand (value_label, TRUE);
  gtk_grid_attach (self->details_grid, key_label, column, row, 1, 1);
  gtk_grid_attach (self->details_grid, value_label, column + 1, row, 1, 1);
  (*index)++;
}

static void
fill_header (BeaconTicketView *self)
{
  const BeaconTicket *ticket = self->ticket;
  g_autofree char *contact = NULL;
  g_autofree char *assignees = NULL;
  g_autofree char *accepted = format_instant (ticket->accepted_at);
  g_autofree char *fault = format_instant (ticket->fault_at);
  GtkWidget *child;
  guint index = 0;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->details_grid))) != NULL)
    gtk_grid_remove (self->details_grid, child);

  if (ticket->contact != NULL && ticket->contact_phone != NULL && *ticket->contact_phone)
    contact = g_strdup_printf ("%s · %s", ticket->contact, ticket->contact_phone);
  else
    contact = g_strdup (ticket->contact);
  assignees = ticket->assignees ? g_strjoinv (", ", ticket->assignees) : NULL;

  add_detail (self, &index, _("Number"), ticket->number);
  add_detail (self, &index, _("Level"), beacon_level_get_label (ticket->level));
  add_detail (self, &index, _("Kind"), beacon_kind_get_label (ticket->kind));
  add_detail (self, &index, _("Stage"), beacon_stage_get_label (ticket->stage));
  add_detail (self, &index, _("Customer"), ticket->customer);
  add_detail (self, &index, _("Site"), ticket->site);
  add_detail (self, &index, _("Contact"), contact);
  add_detail (self, &index, _("System"), ticket->system);
  add_detail (self, &index, _("Accepted"), accepted);
  add_detail (self, &index, _("Fault Time"), fault);
  add_detail (self, &index, _("Assignees"), assignees);
  add_detail (self, &index, _("Channel"),
              ticket->channel ? beacon_channel_get_label (ticket->channel) : NULL);
  if (ticket->symptoms != NULL && *ticket->symptoms)
    add_detail (self, &index, _("Symptoms"), ticket->symptoms);
}

static void
fill_metrics (BeaconTicketView *self,
              GPtrArray        *metrics)
{
  if (metrics == NULL || metrics->len == 0)
    {
      add_row (self, self->metrics_group, _("No service-level clocks for this ticket"), NULL);
      return;
    }

  for (guint i = 0; i < metrics->len; i++)
    {
      const BeaconMetric *metric = g_ptr_array_index (metrics, i);
      BeaconSlaMetric sla;
      g_autofree char *due = format_instant (metric->due_at);
      /* Translators: under a metric in the ticket view: its target and due time */
      g_autofree char *subtitle = g_strdup_printf (_("Target %s · due %s"),
                                                   metric->target ? metric->target : "", due);
      GtkWidget *row = add_row (self, self->metrics_group, beacon_metric_get_label (metric->metric), subtitle);
      GtkWidget *countdown = beacon_countdown_new ();

      beacon_sla_metric_from_metric (metric, &sla);
      beacon_countdown_set_metric (BEACON_COUNTDOWN (countdown), &sla);
      gtk_widget_set_valign (countdown, GTK_ALIGN_CENTER);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), countdown);
    }
}

static void
fill_timeline (BeaconTicketView *self)
{
  GPtrArray *events = self->ticket->events;

  for (guint i = 0; events != NULL && i < events->len; i++)
    {
      const BeaconEvent *event = g_ptr_array_index (events, i);
      g_autofree char *occurred = format_instant (event->occurred_at);
      g_autofree char *recorded = format_instant (event->recorded_at);
      g_autofree char *reason = dup_payload_string (event->payload, "reason");
      g_autofree char *level = event->type == BEACON_EVENT_LEVEL_CHANGED
                                 ? dup_payload_string (event->payload, "level") : NULL;
      g_autoptr(GString) subtitle = g_string_new (NULL);
      g_autoptr(GString) title = g_string_new (beacon_event_type_get_label (event->type));

      if (level != NULL)
        g_string_append_printf (title, " → %s", beacon_level_get_label (atoi (level)));
      if (event->note != NULL && *event->note)
        g_string_append_printf (title, ": %s", event->note);

      /* Translators: a timeline entry: when it happened, when it was written down, by whom */
      g_string_append_printf (subtitle, _("Occurred %s · recorded %s · %s"), occurred, recorded,
                              event->author && *event->author ? event->author : _("automatic"));
      if (reason != NULL)
        /* Translators: why the engine recorded an automatic event */
        g_string_append_printf (subtitle, "\n%s", reason);

      add_row (self, self->timeline_group, title->str, subtitle->str);
    }
}

static void
fill_archive (BeaconTicketView *self,
              ViewData         *data)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonNode *root = NULL;

  adw_preferences_group_set_description (self->system_group, data->system_name);

  if (data->system_params != NULL && json_parser_load_from_data (parser, data->system_params, -1, NULL))
    root = json_parser_get_root (parser);

  if (root != NULL && JSON_NODE_HOLDS_OBJECT (root))
    {
      JsonObject *params = json_node_get_object (root);
      g_autoptr(GList) members = json_object_get_members (params);

      for (GList *l = members; l != NULL; l = l->next)
        {
          JsonNode *node = json_object_get_member (params, l->data);
          g_autofree char *value = JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING
                                     ? g_strdup (json_node_get_string (node))
                                     : json_to_string (node, FALSE);

          add_row (self, self->system_group, l->data, value);
        }
    }
  else
    add_row (self, self->system_group, _("No parameters recorded"), NULL);

  for (guint i = 0; i < data->history->len; i++)
    {
      const BeaconTicket *earlier = g_ptr_array_index (data->history, i);
      g_autofree char *accepted = format_instant (earlier->accepted_at);
      g_autofree char *title = g_strdup_printf ("%s · %s", earlier->number, earlier->summary ? earlier->summary : "");
      g_autofree char *subtitle = g_strdup_printf ("%s · %s · %s", accepted,
                                                   beacon_level_get_label (earlier->level),
                                                   beacon_stage_get_label (earlier->stage));

      add_row (self, self->history_group, title, subtitle);
    }
  if (data->history->len == 0)
    add_row (self, self->history_group, _("No earlier tickets"), NULL);
}

/* The ticket's reports with their state, each opening in the editor, and a
 * menu to start one of every type the templates offer. */
static void
fill_reports (BeaconTicketView *self,
              ViewData         *data)
{
  g_autoptr(GMenu) menu = g_menu_new ();
  g_autoptr(GPtrArray) templates = beacon_report_template_list ();

  for (guint i = 0; i < templates->len; i++)
    {
      BeaconReportTemplate *template = g_ptr_array_index (templates, i);
      g_autofree char *target = g_strdup_printf ("%s:%s", self->ticket->id, template->id);
      g_autoptr(GMenuItem) item = g_menu_item_new (beacon_report_translate (template->title), NULL);

      g_menu_item_set_action_and_target_value (item, "app.new-report", g_variant_new_string (target));
      g_menu_append_item (menu, item);
    }
  gtk_menu_button_set_menu_model (self->new_report_button, G_MENU_MODEL (menu));

  for (guint i = 0; i < data->reports->len; i++)
    {
      BeaconReport *report = g_ptr_array_index (data->reports, i);
      g_autofree char *created = format_instant (report->created_at);
      g_autofree char *subtitle = NULL;
      GtkWidget *row;
      GtkWidget *open;

      if (report->sealed && report->sealed_sha256 != NULL)
        /* Translators: a report's state, when it was started, and the start of its seal's hash */
        subtitle = g_strdup_printf (_("%s · started %s · seal %.12s"),
                                    beacon_report_status_get_label (report->status), created,
                                    report->sealed_sha256);
      else
        /* Translators: a report's state and when it was started */
        subtitle = g_strdup_printf (_("%s · started %s"),
                                    beacon_report_status_get_label (report->status), created);

      row = add_row (self, self->reports_group, beacon_report_translate (report->template->title),
                     subtitle);
      open = gtk_button_new_with_mnemonic (_("_Open"));
      gtk_widget_set_valign (open, GTK_ALIGN_CENTER);
      gtk_actionable_set_action_name (GTK_ACTIONABLE (open), "app.open-report");
      gtk_actionable_set_action_target_value (GTK_ACTIONABLE (open), g_variant_new_string (report->id));
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), open);
      adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), open);
    }
  if (data->reports->len == 0)
    add_row (self, self->reports_group, _("No reports yet"), NULL);
}

static void
update_actions (BeaconTicketView *self)
{
  const BeaconTicket *ticket = self->ticket;
  gboolean has[BEACON_N_EVENTS] = { FALSE };
  guint n_requested = 0, n_granted = 0;
  gboolean closed = ticket == NULL || ticket->stage == BEACON_STAGE_CLOSED;
  GtkWidget *widget = GTK_WIDGET (self);

  for (guint i = 0; ticket != NULL && ticket->events != NULL && i < ticket->events->len; i++)
    {
      const BeaconEvent *event = g_ptr_array_index (ticket->events, i);

      has[event->type] = TRUE;
      if (event->type == BEACON_EVENT_APPROVAL_REQUESTED)
        n_requested++;
      else if (event->type == BEACON_EVENT_APPROVAL_GRANTED)
        n_granted++;
    }

  gtk_widget_action_set_enabled (widget, "ticket.acknowledge", !closed && !has[BEACON_EVENT_ACKNOWLEDGED]);
  gtk_widget_action_set_enabled (widget, "ticket.remote-connected", !closed && !has[BEACON_EVENT_REMOTE_CONNECTED]);
  gtk_widget_action_set_enabled (widget, "ticket.dispatch",
                                 !closed && !has[BEACON_EVENT_DISPATCHED] && !has[BEACON_EVENT_ARRIVED]);
  gtk_widget_action_set_enabled (widget, "ticket.arrived", !closed && !has[BEACON_EVENT_ARRIVED]);
  gtk_widget_action_set_enabled (widget, "ticket.repair-started",
                                 !closed && has[BEACON_EVENT_ARRIVED] && !has[BEACON_EVENT_REPAIR_STARTED]);
  gtk_widget_action_set_enabled (widget, "ticket.request-approval",
                                 !closed && !has[BEACON_EVENT_RECOVERED] && n_requested == n_granted);
  gtk_widget_action_set_enabled (widget, "ticket.grant-approval", !closed && n_requested > n_granted);
  gtk_widget_action_set_enabled (widget, "ticket.recovered", !closed && !has[BEACON_EVENT_RECOVERED]);
  gtk_widget_action_set_enabled (widget, "ticket.solution-provided",
                                 !closed && has[BEACON_EVENT_RECOVERED] && !has[BEACON_EVENT_SOLUTION_PROVIDED]);
  gtk_widget_action_set_enabled (widget, "ticket.analysis-delivered",
                                 !closed && has[BEACON_EVENT_SOLUTION_PROVIDED] &&
                                 !has[BEACON_EVENT_ANALYSIS_DELIVERED]);
  gtk_widget_action_set_enabled (widget, "ticket.status-update", !closed && !has[BEACON_EVENT_RECOVERED]);
  gtk_widget_action_set_enabled (widget, "ticket.note", ticket != NULL);
  gtk_widget_action_set_enabled (widget, "ticket.change-level", !closed && ticket->kind == BEACON_KIND_FAULT);
  gtk_widget_action_set_enabled (widget, "ticket.assign", !closed);
  gtk_widget_action_set_enabled (widget, "ticket.escalate", !closed);
  gtk_widget_action_set_enabled (widget, "ticket.close", !closed);
  gtk_widget_action_set_enabled (widget, "ticket.reopen", ticket != NULL && closed);
}

static void
on_loaded_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(BeaconTicketView) self = user_data;
  g_autoptr(GError) error = NULL;
  ViewData *data;
  g_autofree char *title = NULL;
  static const char * const level_classes[] = { "level-1", "level-2", "level-3", "level-4" };
  int level;

  data = g_task_propagate_pointer (G_TASK (result), &error);
  if (data == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (error->message));
      return;
    }

  g_clear_pointer (&self->ticket, beacon_ticket_free);
  self->ticket = g_steal_pointer (&data->ticket);

  clear_rows (self);
  level = CLAMP (self->ticket->level, BEACON_LEVEL_MIN, BEACON_LEVEL_MAX);
  for (guint i = 0; i < G_N_ELEMENTS (level_classes); i++)
    gtk_widget_remove_css_class (GTK_WIDGET (self->level_chip), level_classes[i]);
  gtk_widget_add_css_class (GTK_WIDGET (self->level_chip), level_classes[level - 1]);
  gtk_label_set_label (self->level_chip, beacon_level_get_chip_label (level));
  gtk_label_set_label (self->summary_label, self->ticket->summary ? self->ticket->summary : "");

  adw_window_title_set_title (self->window_title, self->ticket->number);
  title = g_strdup_printf ("%s · %s", self->ticket->customer ? self->ticket->customer : "",
                           self->ticket->site ? self->ticket->site : "");
  adw_window_title_set_subtitle (self->window_title, title);
  gtk_window_set_title (GTK_WINDOW (self), self->ticket->number);

  fill_header (self);
  fill_metrics (self, data->metrics);
  fill_timeline (self);
  fill_reports (self, data);
  fill_archive (self, data);
  update_actions (self);

  view_data_free (data);
  self->loaded = TRUE;
}

static void
reload (BeaconTicketView *self)
{
  g_autoptr(GTask) task = NULL;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();

  task = g_task_new (self->store, self->cancellable, on_loaded_cb, g_object_ref (self));
  g_task_set_source_tag (task, reload);
  g_task_set_task_data (task, g_strdup (self->ticket_id), g_free);
  g_task_run_in_thread (task, load_thread);
}

static void
on_store_changed_cb (BeaconStore      *store,
                     BeaconTicketView *self)
{
  reload (self);
}

/* Steps -------------------------------------------------------------------- */

static void
on_recorded_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(BeaconTicketView) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!beacon_record_event_finish (BEACON_STORE (object), result, &error))
    adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (error->message));
}

typedef struct
{
  BeaconTicketView *self;
  const Step       *step;
  GtkEditable      *note;
  GtkDropDown      *level;
  GtkWidget        *users_box;
  GPtrArray        *user_ids;
} AskData;

static void
ask_data_free (AskData *data)
{
  g_object_unref (data->self);
  g_clear_pointer (&data->user_ids, g_ptr_array_unref);
  g_free (data);
}

static void
save_assignees (AskData *data)
{
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_ARRAY);
  JsonArray *array = json_array_new ();
  g_autoptr(GError) error = NULL;
  guint i = 0;

  for (GtkWidget *child = gtk_widget_get_first_child (data->users_box);
       child != NULL;
       child = gtk_widget_get_next_sibling (child), i++)
    if (gtk_check_button_get_active (GTK_CHECK_BUTTON (child)))
      json_array_add_string_element (array, g_ptr_array_index (data->user_ids, i));

  json_node_take_array (node, array);
  /* A small register write; the store commits it in well under a frame. */
  if (!beacon_store_set_ticket_field (data->self->store, data->self->ticket_id, "assignees", node, &error))
    adw_toast_overlay_add_toast (data->self->toast_overlay, adw_toast_new (error->message));
}

static void
on_ask_response_cb (AdwMessageDialog *dialog,
                    const char       *response,
                    AskData          *data)
{
  g_autoptr(JsonObject) payload = NULL;
  const char *note;

  if (g_strcmp0 (response, "record") != 0)
    return;

  if (data->users_box != NULL)
    {
      save_assignees (data);
      return;
    }

  note = data->note ? gtk_editable_get_text (data->note) : "";
  if (data->level != NULL)
    {
      payload = json_object_new ();
      json_object_set_int_member (payload, "level", gtk_drop_down_get_selected (data->level) + 1);
      json_object_set_string_member (payload, "reason", note);
    }

  beacon_record_event_async (data->self->store, data->self->ticket_id, data->step->type,
                             *note ? note : NULL, payload, NULL, on_recorded_cb,
                             g_object_ref (data->self));
}

static void
on_note_changed_cb (GtkEditable      *note,
                    AdwMessageDialog *dialog)
{
  adw_message_dialog_set_response_enabled (dialog, "record", *gtk_editable_get_text (note) != '\0');
}

static void
ask_step (BeaconTicketView *self,
          const Step       *step)
{
  AdwMessageDialog *dialog;
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  AskData *data = g_new0 (AskData, 1);

  data->self = g_object_ref (self);
  data->step = step;

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self), g_dgettext (GETTEXT_PACKAGE, step->label), NULL));
  adw_message_dialog_format_body (dialog, _("Ticket %s"), self->ticket->number);

  if (step->type == BEACON_N_EVENTS)
    {
      g_autoptr(GPtrArray) users = beacon_store_list_users (self->store, NULL);

      data->users_box = box;
      data->user_ids = g_ptr_array_new_with_free_func (g_free);
      for (guint i = 0; users != NULL && i < users->len; i++)
        {
          BeaconUser *user = g_ptr_array_index (users, i);
          g_autofree char *label = g_strdup_printf ("%s (%s)", user->name, beacon_role_get_label (user->role));
          GtkWidget *check = gtk_check_button_new_with_label (label);

          gtk_check_button_set_active (GTK_CHECK_BUTTON (check),
                                       g_strv_contains ((const char * const *) self->ticket->assignee_ids, user->id));
          gtk_box_append (GTK_BOX (box), check);
          g_ptr_array_add (data->user_ids, g_strdup (user->id));
        }
    }
  else
    {
      GtkWidget *entry = gtk_entry_new ();

      if (step->type == BEACON_EVENT_LEVEL_CHANGED)
        {
          GtkWidget *level = gtk_drop_down_new_from_strings ((const char *[]) {
            beacon_level_get_label (1), beacon_level_get_label (2),
            beacon_level_get_label (3), beacon_level_get_label (4), NULL });

          gtk_drop_down_set_selected (GTK_DROP_DOWN (level), CLAMP (self->ticket->level, 1, 4) - 1);
          gtk_box_append (GTK_BOX (box), level);
          data->level = GTK_DROP_DOWN (level);
          gtk_entry_set_placeholder_text (GTK_ENTRY (entry), _("Reason (required)"));
        }
      else if (step->input == INPUT_REQUIRED)
        gtk_entry_set_placeholder_text (GTK_ENTRY (entry), _("Note (required)"));
      else
        gtk_entry_set_placeholder_text (GTK_ENTRY (entry), _("Note (optional)"));

      gtk_entry_set_activates_default (GTK_ENTRY (entry), TRUE);
      gtk_box_append (GTK_BOX (box), entry);
      data->note = GTK_EDITABLE (entry);
    }

  adw_message_dialog_set_extra_child (dialog, box);
  adw_message_dialog_add_responses (dialog, "cancel", _("_Cancel"), "record", _("_Record"), NULL);
  adw_message_dialog_set_response_appearance (dialog, "record", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (dialog, "record");
  adw_message_dialog_set_close_response (dialog, "cancel");
  if (step->input == INPUT_REQUIRED && data->note != NULL)
    {
      adw_message_dialog_set_response_enabled (dialog, "record", FALSE);
      g_signal_connect_object (data->note, "changed", G_CALLBACK (on_note_changed_cb), dialog, 0);
    }

  g_signal_connect_data (dialog, "response", G_CALLBACK (on_ask_response_cb), data,
                         (GClosureNotify) ask_data_free, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
beacon_ticket_view_step (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *parameter)
{
  BeaconTicketView *self = BEACON_TICKET_VIEW (widget);
  const Step *step = find_step (action_name);

  g_assert (step != NULL);

  if (self->ticket == NULL)
    return;

  if (step->input == INPUT_NONE && step->type != BEACON_N_EVENTS)
    beacon_record_event_async (self->store, self->ticket_id, step->type, NULL, NULL, NULL,
                               on_recorded_cb, g_object_ref (self));
  else
    ask_step (self, step);
}

/* Class -------------------------------------------------------------------- */

static void
beacon_ticket_view_dispose (GObject *object)
{
  BeaconTicketView *self = (BeaconTicketView *)object;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), BEACON_TYPE_TICKET_VIEW);

  G_OBJECT_CLASS (beacon_ticket_view_parent_class)->dispose (object);
}

static void
beacon_ticket_view_finalize (GObject *object)
{
  BeaconTicketView *self = (BeaconTicketView *)object;

  g_clear_object (&self->store);
  g_clear_pointer (&self->ticket_id, g_free);
  g_clear_pointer (&self->ticket, beacon_ticket_free);
  g_clear_pointer (&self->rows, g_ptr_array_unref);

  G_OBJECT_CLASS (beacon_ticket_view_parent_class)->finalize (object);
}

static void
beacon_ticket_view_class_init (BeaconTicketViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = beacon_ticket_view_dispose;
  object_class->finalize = beacon_ticket_view_finalize;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/beacondesk/Beacon/ui/beacon-ticket-view.ui");
  gtk_widget_class_bind_template_child (widget_class, BeaconTicketView, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, BeaconTicketView, window_title);
  gtk_widget_class_bind_template_child (widget_class, BeaconTicketView, level_chip);
  gtk_widget_class_bind_template_child (widget_class, BeaconTicketView, summary_label);
  gtk_widget_class_bind_template_child (widget_class, BeaconTicketView, actions_box);
  gtk_widget_class_bind_template_child (widget_class, BeaconTicketView, details_grid);
  gtk_widget_class_bind_template_child (widget_class, BeaconTicketView, metrics_group);
  gtk_widget_class_bind_template_child (widget_class, BeaconTicketView, timeline_group);
  gtk_widget_class_bind_template_child (widget_class, BeaconTicketView, reports_group);
  gtk_widget_class_bind_template_child (widget_class, BeaconTicketView, new_report_button);
  gtk_widget_class_bind_template_child (widget_class, BeaconTicketView, system_group);
  gtk_widget_class_bind_template_child (widget_class, BeaconTicketView, history_group);

  for (guint i = 0; i < G_N_ELEMENTS (steps); i++)
    gtk_widget_class_install_action (widget_class, steps[i].action, NULL, beacon_ticket_view_step);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
beacon_ticket_view_init (BeaconTicketView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->rows = g_ptr_array_new ();

  for (guint i = 0; i < G_N_ELEMENTS (steps); i++)
    {
      GtkWidget *button = gtk_button_new_with_label (g_dgettext (GETTEXT_PACKAGE, steps[i].label));

      gtk_actionable_set_action_name (GTK_ACTIONABLE (button), steps[i].action);
      gtk_flow_box_append (self->actions_box, button);
      gtk_widget_action_set_enabled (GTK_WIDGET (self), steps[i].action, FALSE);
    }
}

/**
 * beacon_ticket_view_new:
 * @parent: the board
 *
 * Returns: (transfer floating): a window showing the ticket, kept current
 */
BeaconTicketView *
beacon_ticket_view_new (GtkWindow   *parent,
                        BeaconStore *store,
                        const char  *ticket_id)
{
  BeaconTicketView *self;

  g_return_val_if_fail (BEACON_IS_STORE (store), NULL);
  g_return_val_if_fail (ticket_id != NULL, NULL);

  self = g_object_new (BEACON_TYPE_TICKET_VIEW,
                       "transient-for", parent,
                       "application", parent ? gtk_window_get_application (parent) : NULL,
                       NULL);
  self->store = g_object_ref (store);
  self->ticket_id = g_strdup (ticket_id);
  g_signal_connect_object (store, "changed", G_CALLBACK (on_store_changed_cb), self, 0);
  reload (self);

  return self;
}

gboolean
beacon_ticket_view_get_loaded (BeaconTicketView *self)
{
  g_return_val_if_fail (BEACON_IS_TICKET_VIEW (self), FALSE);

  return self->loaded;
}

const char *
beacon_ticket_view_get_ticket_id (BeaconTicketView *self)
{
  g_return_val_if_fail (BEACON_IS_TICKET_VIEW (self), NULL);

  return self->ticket_id;
}
