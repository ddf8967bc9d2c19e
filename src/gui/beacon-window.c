/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "beacon-gui"

#include "config.h"

#include <glib/gi18n.h>

#include "beacon-alert-monitor.h"
#include "beacon-archive.h"
#include "beacon-board-queries.h"
#include "beacon-coverage-banner.h"
#include "beacon-record.h"
#include "beacon-sync-indicator.h"
#include "beacon-ticker.h"
#include "beacon-ticket-object.h"
#include "beacon-ticket-view.h"
#include "beacon-ticket.h"
#include "beacon-window.h"

/* The ticket board: one column per stage, cards sorted by urgency, filters
 * and search that survive a restart, drag and drop (or Alt+→) to record the
 * next step, and the alerts of the escalation check as toasts. */

#define REFRESH_SECONDS 30

/* During a burst of commits (sync, the escalation engine's batches), the
 * board is read again at most this often. */
#define RELOAD_INTERVAL_MS 500

struct _BeaconWindow
{
  AdwApplicationWindow  parent_instance;

  BeaconStore          *store;
  GSettings            *settings;
  BeaconBoardModel     *board;
  GCancellable         *load_cancellable;
  GCancellable         *search_cancellable;
  GtkWindow            *intake_dialog;
  GtkWidget            *columns[BEACON_N_STAGES];
  GPtrArray            *customer_ids;     /* as in customer_dropdown, [0] = any */
  GPtrArray            *user_ids;         /* as in assignee_dropdown, [0] = any */
  guint                 refresh_id;
  guint                 clear_search_id;
  guint                 reload_id;
  gint64                load_started;
  guint                 loading : 1;
  guint                 reload_again : 1;
  guint                 loaded : 1;
  guint                 store_notifies : 1;
  guint                 restoring_filters : 1;
  guint                 n_searches;

  /* Template widgets */
  AdwToastOverlay      *toast_overlay;
  AdwWindowTitle       *window_title;
  GtkStack             *stack;
  GtkBox               *columns_box;
  GtkSearchBar         *search_bar;
  GtkSearchEntry       *search_entry;
  GtkToggleButton      *search_button;
  GtkDropDown          *level_dropdown;
  GtkDropDown          *kind_dropdown;
  GtkDropDown          *customer_dropdown;
  GtkDropDown          *assignee_dropdown;
  GtkCheckButton       *mine_check;
  GtkCheckButton       *alarming_check;
  AdwButtonContent     *user_content;
  GtkMenuButton        *filter_button;
};

G_DEFINE_FINAL_TYPE (BeaconWindow, beacon_window, ADW_TYPE_APPLICATION_WINDOW)

enum {
  PROP_0,
  PROP_STORE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  BOARD_LOADED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
update_overview (BeaconWindow *self)
{
  guint n_open = g_list_model_get_n_items (beacon_board_model_get_open (self->board));
  guint n_closed = g_list_model_get_n_items (beacon_board_model_get_column (self->board, BEACON_STAGE_CLOSED));
  g_autofree char *subtitle = NULL;

  if (n_open > 0)
    subtitle = g_strdup_printf (ngettext ("%u open ticket", "%u open tickets", n_open), n_open);

  adw_window_title_set_subtitle (self->window_title, subtitle ? subtitle : "");
  gtk_stack_set_visible_child_name (self->stack, n_open + n_closed > 0 ? "tickets" : "empty");
}

/* Loading ------------------------------------------------------------------ */

static void start_search (BeaconWindow *self);

static gboolean
on_reload_timeout_cb (gpointer user_data)
{
  BeaconWindow *self = user_data;

  self->reload_id = 0;
  beacon_window_reload (self);

  return G_SOURCE_REMOVE;
}

static void
on_board_loaded_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(BeaconWindow) self = user_data;
  g_autoptr(BeaconBoardSnapshot) snapshot = NULL;
  g_autoptr(GError) error = NULL;

  snapshot = beacon_board_model_load_finish (BEACON_BOARD_MODEL (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  /* Changes that came in meanwhile: one more read, after this one is shown. */
  self->loading = FALSE;
  if (self->reload_again)
    {
      gint64 since_ms = (g_get_monotonic_time () - self->load_started) / 1000;

      self->reload_again = FALSE;
      if (since_ms >= RELOAD_INTERVAL_MS)
        beacon_window_reload (self);
      else if (self->reload_id == 0)
        self->reload_id = g_timeout_add (RELOAD_INTERVAL_MS - since_ms, on_reload_timeout_cb, self);
    }

  if (snapshot == NULL)
    {
      g_debug ("Could not load the board: %s", error->message);
      adw_toast_overlay_add_toast (self->toast_overlay,
                                   adw_toast_new_format (_("Could not load the open tickets: %s"),
                                                         error->message));
      return;
    }

  beacon_board_model_apply (self->board, snapshot);
  update_overview (self);
  if (!self->loaded)
    {
      self->loaded = TRUE;
      g_signal_emit (self, signals[BOARD_LOADED], 0);
    }
}

/**
 * beacon_window_reload:
 * @self: a #BeaconWindow
 *
 * Reads the board again, off the main thread, and updates the columns in
 * place when it arrives. While a read is running, reloads are batched into
 * one more read after it, at most every half second: a burst of commits
 * (sync, the escalation engine) costs a few reads, not one per commit
 * racing for the store.
 */
void
beacon_window_reload (BeaconWindow *self)
{
  g_return_if_fail (BEACON_IS_WINDOW (self));

  if (self->loading || self->reload_id != 0)
    {
      self->reload_again = self->loading;
      return;
    }

  if (self->load_cancellable == NULL)
    self->load_cancellable = g_cancellable_new ();

  self->loading = TRUE;
  self->load_started = g_get_monotonic_time ();
  beacon_board_model_load_async (self->board, self->store, self->load_cancellable,
                                 on_board_loaded_cb, g_object_ref (self));

  /* New tickets may match the search. */
  if (*gtk_editable_get_text (GTK_EDITABLE (self->search_entry)) != '\0')
    start_search (self);
}

static void
on_store_changed_cb (BeaconStore  *store,
                     BeaconWindow *self)
{
  beacon_window_reload (self);
}

/**
 * beacon_window_refresh_clocks:
 *
 * Re-evaluates every card's SLA clock at the app clock's `now` and ticks the
 * countdowns; runs every 30 s by itself.
 */
void
beacon_window_refresh_clocks (BeaconWindow *self)
{
  g_return_if_fail (BEACON_IS_WINDOW (self));

  beacon_board_model_refresh_sla (self->board, beacon_store_now (self->store));
  beacon_ticker_tick (beacon_ticker_get_default ());
}

static gboolean
on_refresh_cb (gpointer user_data)
{
  beacon_window_refresh_clocks (BEACON_WINDOW (user_data));

  return G_SOURCE_CONTINUE;
}

/* Search ------------------------------------------------------------------- */

typedef struct
{
  char   *text;
  GStrv   closed_ids;
} SearchData;

static void
search_data_free (SearchData *data)
{
  g_free (data->text);
  g_strfreev (data->closed_ids);
  g_free (data);
}

static void
search_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  SearchData *data = task_data;
  GError *error = NULL;
  GHashTable *ids;

  ids = beacon_store_search_board (BEACON_STORE (source_object), data->text,
                                   (const char * const *) data->closed_ids, &error);
  if (ids == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, ids, (GDestroyNotify) g_hash_table_unref);
}

static void
on_search_done_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(BeaconWindow) self = user_data;
  g_autoptr(GHashTable) ids = NULL;
  g_autoptr(GError) error = NULL;

  self->n_searches--;
  ids = g_task_propagate_pointer (G_TASK (result), &error);
  if (ids == NULL)
    {
      if (error != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_warning ("Search failed: %s", error->message);
      return;
    }

  beacon_board_model_set_matches (self->board, ids);
}

static void
start_search (BeaconWindow *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));
  g_autoptr(GTask) task = NULL;
  SearchData *data;

  g_cancellable_cancel (self->search_cancellable);
  g_clear_object (&self->search_cancellable);

  if (strspn (text, " \t\n") == strlen (text))
    {
      beacon_board_model_set_matches (self->board, NULL);
      return;
    }

  self->search_cancellable = g_cancellable_new ();
  data = g_new0 (SearchData, 1);
  data->text = g_strdup (text);
  data->closed_ids = beacon_board_model_dup_closed_ids (self->board);

  self->n_searches++;
  task = g_task_new (self->store, self->search_cancellable, on_search_done_cb, g_object_ref (self));
  g_task_set_source_tag (task, start_search);
  g_task_set_check_cancellable (task, TRUE);
  g_task_set_task_data (task, data, (GDestroyNotify) search_data_free);
  g_task_run_in_thread (task, search_thread);
}

static gboolean
on_clear_search_cb (gpointer user_data)
{
  BeaconWindow *self = user_data;

  self->clear_search_id = 0;
  start_search (self);

  return G_SOURCE_REMOVE;
}

static void
on_search_changed_cb (BeaconWindow *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));

  /* Replacing the text (typing over a selection, gtk_editable_set_text())
   * empties the entry first, and GtkSearchEntry reports the empty text at
   * once; showing the whole board for that instant costs more than the
   * search. An entry still empty once the main loop is idle is cleared. */
  if (*text == '\0')
    {
      if (self->clear_search_id == 0)
        self->clear_search_id = g_idle_add (on_clear_search_cb, self);
      return;
    }

  g_clear_handle_id (&self->clear_search_id, g_source_remove);
  start_search (self);
}

gboolean
beacon_window_is_searching (BeaconWindow *self)
{
  g_return_val_if_fail (BEACON_IS_WINDOW (self), FALSE);

  return self->n_searches > 0 || self->clear_search_id != 0;
}

static void
beacon_window_search (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  BeaconWindow *self = BEACON_WINDOW (widget);

  gtk_search_bar_set_search_mode (self->search_bar, TRUE);
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

/* Filters ------------------------------------------------------------------ */

static void
read_filter (BeaconWindow      *self,
             BeaconBoardFilter *filter)
{
  guint customer = gtk_drop_down_get_selected (self->customer_dropdown);
  guint assignee = gtk_drop_down_get_selected (self->assignee_dropdown);
  guint kind = gtk_drop_down_get_selected (self->kind_dropdown);

  filter->level = (int) gtk_drop_down_get_selected (self->level_dropdown);
  if (filter->level > BEACON_LEVEL_MAX)
    filter->level = 0;
  filter->kind = kind == 0 || kind == GTK_INVALID_LIST_POSITION ? -1 : (int) kind - 1;
  filter->customer_id = customer > 0 && customer < self->customer_ids->len
                          ? g_ptr_array_index (self->customer_ids, customer) : NULL;
  filter->assignee_id = assignee > 0 && assignee < self->user_ids->len
                          ? g_ptr_array_index (self->user_ids, assignee) : NULL;
  filter->mine = gtk_check_button_get_active (self->mine_check);
  filter->alarming_only = gtk_check_button_get_active (self->alarming_check);
}

static void
save_filter (BeaconWindow            *self,
             const BeaconBoardFilter *filter)
{
  if (self->settings == NULL)
    return;

  g_settings_delay (self->settings);
  g_settings_set_int (self->settings, "filter-level", filter->level);
  g_settings_set_string (self->settings, "filter-kind",
                         filter->kind >= 0 ? beacon_kind_to_string (filter->kind) : "");
  g_settings_set_string (self->settings, "filter-customer", filter->customer_id ? filter->customer_id : "");
  g_settings_set_string (self->settings, "filter-assignee", filter->assignee_id ? filter->assignee_id : "");
  g_settings_set_boolean (self->settings, "filter-mine", filter->mine);
  g_settings_set_boolean (self->settings, "filter-alarming", filter->alarming_only);
  g_settings_apply (self->settings);
}

/* A narrowed board says so in the header, so nobody misses a ticket. */
static void
show_filter_count (BeaconWindow            *self,
                   const BeaconBoardFilter *filter)
{
  guint n = (filter->level > 0) + (filter->kind >= 0) + (filter->customer_id != NULL) +
            (filter->assignee_id != NULL) + !!filter->mine + !!filter->alarming_only;
  g_autofree char *label = NULL;

  if (n == 0)
    {
      gtk_menu_button_set_label (self->filter_button, _("Filters"));
      gtk_widget_remove_css_class (GTK_WIDGET (self->filter_button), "accent");
      return;
    }

  /* Translators: the filter button when %u filters narrow the board */
  label = g_strdup_printf (ngettext ("Filters (%u)", "Filters (%u)", n), n);
  gtk_menu_button_set_label (self->filter_button, label);
  gtk_widget_add_css_class (GTK_WIDGET (self->filter_button), "accent");
}

static void
on_filter_changed_cb (BeaconWindow *self)
{
  BeaconBoardFilter filter = { 0 };

  if (self->restoring_filters)
    return;

  read_filter (self, &filter);
  beacon_board_model_set_filter (self->board, &filter);
  show_filter_count (self, &filter);
  save_filter (self, &filter);
}

static guint
find_id (GPtrArray  *ids,
         const char *id)
{
  for (guint i = 1; id != NULL && *id != '\0' && i < ids->len; i++)
    if (g_strcmp0 (g_ptr_array_index (ids, i), id) == 0)
      return i;

  return 0;
}

static void
fill_filter_choices (BeaconWindow *self)
{
  g_autoptr(GtkStringList) levels = gtk_string_list_new (NULL);
  g_autoptr(GtkStringList) kinds = gtk_string_list_new (NULL);
  g_autoptr(GtkStringList) customers = gtk_string_list_new (NULL);
  g_autoptr(GtkStringList) users = gtk_string_list_new (NULL);
  g_autoptr(GPtrArray) customer_list = NULL;
  g_autoptr(GPtrArray) user_list = NULL;

  gtk_string_list_append (levels, _("Any level"));
  for (int level = BEACON_LEVEL_MIN; level <= BEACON_LEVEL_MAX; level++)
    gtk_string_list_append (levels, beacon_level_get_label (level));

  gtk_string_list_append (kinds, _("Any kind"));
  for (int kind = 0; kind < BEACON_N_KINDS; kind++)
    gtk_string_list_append (kinds, beacon_kind_get_label (kind));

  g_ptr_array_set_size (self->customer_ids, 0);
  g_ptr_array_add (self->customer_ids, g_strdup (""));
  gtk_string_list_append (customers, _("Any customer"));
  customer_list = beacon_store_list_customers (self->store, NULL);
  for (guint i = 0; customer_list != NULL && i < customer_list->len; i++)
    {
      BeaconCustomer *customer = g_ptr_array_index (customer_list, i);

      g_ptr_array_add (self->customer_ids, g_strdup (customer->id));
      gtk_string_list_append (customers, customer->name);
    }

  g_ptr_array_set_size (self->user_ids, 0);
  g_ptr_array_add (self->user_ids, g_strdup (""));
  gtk_string_list_append (users, _("Anyone"));
  user_list = beacon_store_list_users (self->store, NULL);
  for (guint i = 0; user_list != NULL && i < user_list->len; i++)
    {
      BeaconUser *user = g_ptr_array_index (user_list, i);

      g_ptr_array_add (self->user_ids, g_strdup (user->id));
      gtk_string_list_append (users, user->name);
    }

  self->restoring_filters = TRUE;
  gtk_drop_down_set_model (self->level_dropdown, G_LIST_MODEL (levels));
  gtk_drop_down_set_model (self->kind_dropdown, G_LIST_MODEL (kinds));
  gtk_drop_down_set_model (self->customer_dropdown, G_LIST_MODEL (customers));
  gtk_drop_down_set_model (self->assignee_dropdown, G_LIST_MODEL (users));
  gtk_drop_down_set_expression (self->customer_dropdown,
                                gtk_property_expression_new (GTK_TYPE_STRING_OBJECT, NULL, "string"));

  if (self->settings != NULL)
    {
      g_autofree char *kind = g_settings_get_string (self->settings, "filter-kind");
      g_autofree char *customer = g_settings_get_string (self->settings, "filter-customer");
      g_autofree char *assignee = g_settings_get_string (self->settings, "filter-assignee");
      BeaconTicketKind kind_value;

      gtk_drop_down_set_selected (self->level_dropdown,
                                  CLAMP (g_settings_get_int (self->settings, "filter-level"), 0, BEACON_LEVEL_MAX));
      gtk_drop_down_set_selected (self->kind_dropdown,
                                  beacon_kind_from_string (kind, &kind_value) ? kind_value + 1 : 0);
      gtk_drop_down_set_selected (self->customer_dropdown, find_id (self->customer_ids, customer));
      gtk_drop_down_set_selected (self->assignee_dropdown, find_id (self->user_ids, assignee));
      gtk_check_button_set_active (self->mine_check, g_settings_get_boolean (self->settings, "filter-mine"));
      gtk_check_button_set_active (self->alarming_check,
                                   g_settings_get_boolean (self->settings, "filter-alarming"));
    }
  self->restoring_filters = FALSE;

  {
    BeaconBoardFilter filter = { 0 };

    read_filter (self, &filter);
    beacon_board_model_set_filter (self->board, &filter);
    show_filter_count (self, &filter);
  }
}

static void
beacon_window_clear_filters (GtkWidget  *widget,
                             const char *action_name,
                             GVariant   *parameter)
{
  BeaconWindow *self = BEACON_WINDOW (widget);

  self->restoring_filters = TRUE;
  gtk_drop_down_set_selected (self->level_dropdown, 0);
  gtk_drop_down_set_selected (self->kind_dropdown, 0);
  gtk_drop_down_set_selected (self->customer_dropdown, 0);
  gtk_drop_down_set_selected (self->assignee_dropdown, 0);
  gtk_check_button_set_active (self->mine_check, FALSE);
  gtk_check_button_set_active (self->alarming_check, FALSE);
  self->restoring_filters = FALSE;
  on_filter_changed_cb (self);
}

/* Moves -------------------------------------------------------------------- */

static void
on_event_recorded_cb (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(BeaconWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!beacon_record_event_finish (BEACON_STORE (object), result, &error))
    adw_toast_overlay_add_toast (self->toast_overlay,
                                 adw_toast_new_format (_("Could not record the step: %s"), error->message));
  else if (!self->store_notifies)
    beacon_window_reload (self);
}

typedef struct
{
  BeaconWindow   *self;
  char           *ticket_id;
  GtkCheckButton *temporary;
  GtkEntry       *note;
} RecoveryData;

static void
recovery_data_free (RecoveryData *data)
{
  g_object_unref (data->self);
  g_free (data->ticket_id);
  g_free (data);
}

static void
on_recovery_response_cb (AdwMessageDialog *dialog,
                         const char       *response,
                         RecoveryData     *data)
{
  if (g_strcmp0 (response, "record") == 0)
    {
      g_autoptr(JsonObject) payload = json_object_new ();
      const char *note = gtk_editable_get_text (GTK_EDITABLE (data->note));

      json_object_set_string_member (payload, "recovery",
                                     gtk_check_button_get_active (data->temporary) ? "temporary" : "permanent");
      beacon_record_event_async (data->self->store, data->ticket_id, BEACON_EVENT_RECOVERED,
                                 *note ? note : NULL, payload, NULL,
                                 on_event_recorded_cb, g_object_ref (data->self));
    }
}

/* Recovery is the one move that needs facts: temporary or for good, and how. */
static void
ask_recovery (BeaconWindow       *self,
              BeaconTicketObject *ticket)
{
  AdwMessageDialog *dialog;
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *temporary = gtk_check_button_new_with_mnemonic (_("_Temporary (a workaround; the fault remains)"));
  GtkWidget *permanent = gtk_check_button_new_with_mnemonic (_("_Permanent (the fault is removed)"));
  GtkWidget *note = gtk_entry_new ();
  RecoveryData *data;

  gtk_check_button_set_group (GTK_CHECK_BUTTON (permanent), GTK_CHECK_BUTTON (temporary));
  gtk_check_button_set_active (GTK_CHECK_BUTTON (permanent), TRUE);
  gtk_entry_set_placeholder_text (GTK_ENTRY (note), _("What restored the service"));
  gtk_entry_set_activates_default (GTK_ENTRY (note), TRUE);
  gtk_box_append (GTK_BOX (box), temporary);
  gtk_box_append (GTK_BOX (box), permanent);
  gtk_box_append (GTK_BOX (box), note);

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self), _("Record Recovery"), NULL));
  adw_message_dialog_format_body (dialog, _("Ticket %s: is the service restored for good?"),
                                  beacon_ticket_object_get_number (ticket));
  adw_message_dialog_set_extra_child (dialog, box);
  adw_message_dialog_add_responses (dialog, "cancel", _("_Cancel"), "record", _("_Record"), NULL);
  adw_message_dialog_set_response_appearance (dialog, "record", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (dialog, "record");
  adw_message_dialog_set_close_response (dialog, "cancel");

  data = g_new0 (RecoveryData, 1);
  data->self = g_object_ref (self);
  data->ticket_id = g_strdup (beacon_ticket_object_get_id (ticket));
  data->temporary = GTK_CHECK_BUTTON (temporary);
  data->note = GTK_ENTRY (note);
  g_signal_connect_data (dialog, "response", G_CALLBACK (on_recovery_response_cb), data,
                         (GClosureNotify) recovery_data_free, 0);

  gtk_window_present (GTK_WINDOW (dialog));
}

/**
 * beacon_window_move_ticket:
 * @stage: the column the card goes to
 *
 * Records the event that brings the ticket into @stage (asking for the
 * recovery's details first); the board follows through the store's ::changed.
 */
void
beacon_window_move_ticket (BeaconWindow *self,
                           const char   *ticket_id,
                           BeaconStage   stage)
{
  BeaconTicketObject *ticket;
  BeaconEventType type;

  g_return_if_fail (BEACON_IS_WINDOW (self));

  ticket = beacon_board_model_lookup (self->board, ticket_id);
  if (ticket == NULL)
    return;

  if (!beacon_stage_get_entry_event (beacon_ticket_object_get_stage (ticket), stage, &type))
    {
      if (beacon_ticket_object_get_stage (ticket) != stage)
        adw_toast_overlay_add_toast (self->toast_overlay,
                                     adw_toast_new_format (_("A ticket cannot go back to “%s”"),
                                                           beacon_stage_get_column_title (stage)));
      return;
    }

  if (type == BEACON_EVENT_RECOVERED)
    {
      ask_recovery (self, ticket);
      return;
    }

  beacon_record_event_async (self->store, ticket_id, type, NULL, NULL, NULL,
                             on_event_recorded_cb, g_object_ref (self));
}

static void
on_column_ticket_dropped_cb (BeaconBoardColumn *column,
                             const char        *ticket_id,
                             int                stage,
                             BeaconWindow      *self)
{
  beacon_window_move_ticket (self, ticket_id, stage);
}

static BeaconBoardColumn *
get_focus_column (BeaconWindow *self)
{
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (self));
  GtkWidget *column = focus ? gtk_widget_get_ancestor (focus, BEACON_TYPE_BOARD_COLUMN) : NULL;

  return column ? BEACON_BOARD_COLUMN (column) : NULL;
}

static void
beacon_window_advance_ticket (GtkWidget  *widget,
                              const char *action_name,
                              GVariant   *parameter)
{
  BeaconWindow *self = BEACON_WINDOW (widget);
  BeaconBoardColumn *column = get_focus_column (self);
  BeaconTicketObject *ticket;
  BeaconStage stage;

  if (column == NULL)
    return;

  ticket = beacon_board_column_get_selected (column);
  stage = beacon_board_column_get_stage (column);
  if (ticket == NULL || stage >= BEACON_STAGE_CLOSED)
    return;

  beacon_window_move_ticket (self, beacon_ticket_object_get_id (ticket), stage + 1);
}

/* Ticket view -------------------------------------------------------------- */

/**
 * beacon_window_open_ticket:
 *
 * Returns: (transfer none): the ticket's window, opened or brought up
 */
GtkWindow *
beacon_window_open_ticket (BeaconWindow *self,
                           const char   *ticket_id)
{
  GtkWindow *view;

  g_return_val_if_fail (BEACON_IS_WINDOW (self), NULL);
  g_return_val_if_fail (ticket_id != NULL, NULL);

  view = GTK_WINDOW (beacon_ticket_view_new (GTK_WINDOW (self), self->store, ticket_id));
  gtk_window_present (view);

  return view;
}

static void
on_column_ticket_activated_cb (BeaconBoardColumn  *column,
                               BeaconTicketObject *ticket,
                               BeaconWindow       *self)
{
  beacon_window_open_ticket (self, beacon_ticket_object_get_id (ticket));
}

static void
beacon_window_open_ticket_action (GtkWidget  *widget,
                                  const char *action_name,
                                  GVariant   *parameter)
{
  beacon_window_open_ticket (BEACON_WINDOW (widget), g_variant_get_string (parameter, NULL));
}

/* Alerts ------------------------------------------------------------------- */

/**
 * beacon_window_show_alerts:
 * @alerts: (element-type BeaconAlert): just raised
 *
 * A toast, and the cards of the tickets concerned stand out.
 */
void
beacon_window_show_alerts (BeaconWindow *self,
                           GPtrArray    *alerts)
{
  g_return_if_fail (BEACON_IS_WINDOW (self));

  for (guint i = 0; i < alerts->len; i++)
    {
      const BeaconAlert *alert = g_ptr_array_index (alerts, i);
      BeaconTicketObject *ticket = beacon_board_model_lookup (self->board, alert->ticket_id);

      if (ticket != NULL)
        beacon_ticket_object_set_highlighted (ticket, TRUE);
    }

  if (alerts->len == 1)
    {
      const BeaconAlert *alert = g_ptr_array_index (alerts, 0);
      g_autofree char *kind = beacon_alert_dup_title (alert);
      /* Translators: a toast, e.g. “Phone response overdue: FS-20261127-A3-0001” */
      g_autofree char *title = g_strdup_printf (_("%s: %s"), kind, alert->ticket_number);
      AdwToast *toast = adw_toast_new (title);
      g_autofree char *detailed = g_strdup_printf ("win.open-ticket('%s')", alert->ticket_id);

      adw_toast_set_button_label (toast, _("_Open"));
      adw_toast_set_detailed_action_name (toast, detailed);
      adw_toast_set_priority (toast, ADW_TOAST_PRIORITY_HIGH);
      adw_toast_overlay_add_toast (self->toast_overlay, toast);
    }
  else if (alerts->len > 1)
    {
      AdwToast *toast = adw_toast_new_format (ngettext ("%u SLA alert", "%u SLA alerts", alerts->len),
                                              alerts->len);

      adw_toast_set_priority (toast, ADW_TOAST_PRIORITY_HIGH);
      adw_toast_overlay_add_toast (self->toast_overlay, toast);
    }
}

void
beacon_window_set_user_label (BeaconWindow *self,
                              const char   *label)
{
  g_return_if_fail (BEACON_IS_WINDOW (self));

  adw_button_content_set_label (self->user_content, label ? label : _("No user"));
}

static void
beacon_window_switch_user (GtkWidget  *widget,
                           const char *action_name,
                           GVariant   *parameter)
{
  GApplication *application = G_APPLICATION (gtk_window_get_application (GTK_WINDOW (widget)));

  if (application != NULL)
    g_action_group_activate_action (G_ACTION_GROUP (application), "switch-user", NULL);
}

/* Intake ------------------------------------------------------------------- */

static void
on_intake_ticket_created_cb (BeaconIntakeDialog *dialog,
                             const char         *number,
                             BeaconWindow       *self)
{
  adw_toast_overlay_add_toast (self->toast_overlay,
                               adw_toast_new_format (_("Ticket %s created"), number));

  if (!self->store_notifies)
    beacon_window_reload (self);
}

static void
beacon_window_new_ticket (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *parameter)
{
  BeaconWindow *self = BEACON_WINDOW (widget);
  BeaconIntakeDialog *dialog;

  /* One form at a time: a second Ctrl+N brings the open one back. */
  if (self->intake_dialog != NULL)
    {
      gtk_window_present (self->intake_dialog);
      return;
    }

  dialog = beacon_intake_dialog_new (GTK_WINDOW (self), self->store);
  g_signal_connect_object (dialog, "ticket-created",
                           G_CALLBACK (on_intake_ticket_created_cb), self, 0);
  g_set_weak_pointer (&self->intake_dialog, GTK_WINDOW (dialog));

  gtk_window_present (GTK_WINDOW (dialog));
}

/* Window state ------------------------------------------------------------- */

static void
restore_window_state (BeaconWindow *self)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;

  /* An uninstalled run without GSETTINGS_SCHEMA_DIR would abort in
   * g_settings_new(); a window that forgets its size is the lesser evil. */
  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, APP_ID, TRUE);
  if (schema == NULL)
    {
      g_warning ("The settings schema %s is not installed; the window size will not be kept",
                 APP_ID);
      return;
    }

  self->settings = g_settings_new (APP_ID);

  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (self->settings, "window-width"),
                               g_settings_get_int (self->settings, "window-height"));
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));
}

static void
save_window_state (BeaconWindow *self)
{
  int width, height;

  if (self->settings == NULL)
    return;

  /* The size to come back to is the unmaximized one, which GTK keeps as the
   * default size while maximized. */
  gtk_window_get_default_size (GTK_WINDOW (self), &width, &height);

  g_settings_delay (self->settings);
  g_settings_set_int (self->settings, "window-width", width);
  g_settings_set_int (self->settings, "window-height", height);
  g_settings_set_boolean (self->settings, "window-maximized",
                          gtk_window_is_maximized (GTK_WINDOW (self)));
  g_settings_apply (self->settings);
}

static gboolean
beacon_window_close_request (GtkWindow *window)
{
  BeaconWindow *self = BEACON_WINDOW (window);

  save_window_state (self);

  return GTK_WINDOW_CLASS (beacon_window_parent_class)->close_request (window);
}

static void
beacon_window_constructed (GObject *object)
{
  BeaconWindow *self = (BeaconWindow *)object;

  G_OBJECT_CLASS (beacon_window_parent_class)->constructed (object);

  g_assert (BEACON_IS_STORE (self->store));

  restore_window_state (self);
  beacon_ticker_set_clock (beacon_ticker_get_default (), beacon_store_get_clock (self->store));
  fill_filter_choices (self);

  g_signal_connect_swapped (self->level_dropdown, "notify::selected", G_CALLBACK (on_filter_changed_cb), self);
  g_signal_connect_swapped (self->kind_dropdown, "notify::selected", G_CALLBACK (on_filter_changed_cb), self);
  g_signal_connect_swapped (self->customer_dropdown, "notify::selected", G_CALLBACK (on_filter_changed_cb), self);
  g_signal_connect_swapped (self->assignee_dropdown, "notify::selected", G_CALLBACK (on_filter_changed_cb), self);
  g_signal_connect_swapped (self->mine_check, "toggled", G_CALLBACK (on_filter_changed_cb), self);
  g_signal_connect_swapped (self->alarming_check, "toggled", G_CALLBACK (on_filter_changed_cb), self);

  /* The store announces every commit, including those of sync and of other
   * windows; a core without the signal gets a reload after our own writes. */
  if (g_signal_lookup ("changed", BEACON_TYPE_STORE) != 0)
    {
      g_signal_connect_object (self->store, "changed",
                               G_CALLBACK (on_store_changed_cb), self, 0);
      self->store_notifies = TRUE;
    }

  self->refresh_id = g_timeout_add_seconds (REFRESH_SECONDS, on_refresh_cb, self);
  /* Sync (issue #6) and the calendar coverage warning (issue #3) */
  beacon_sync_indicator_attach (BEACON_SYNC_INDICATOR (gtk_widget_get_template_child (
                                  GTK_WIDGET (self), BEACON_TYPE_WINDOW, "sync_indicator")), self->store);
  beacon_coverage_banner_attach (BEACON_COVERAGE_BANNER (gtk_widget_get_template_child (
                                   GTK_WIDGET (self), BEACON_TYPE_WINDOW, "coverage_banner")), self->store);
  beacon_window_reload (self);
}

static void
beacon_window_dispose (GObject *object)
{
  BeaconWindow *self = (BeaconWindow *)object;

  g_cancellable_cancel (self->load_cancellable);
  g_clear_object (&self->load_cancellable);
  g_cancellable_cancel (self->search_cancellable);
  g_clear_object (&self->search_cancellable);
  g_clear_handle_id (&self->refresh_id, g_source_remove);
  g_clear_handle_id (&self->clear_search_id, g_source_remove);
  g_clear_handle_id (&self->reload_id, g_source_remove);
  g_clear_weak_pointer (&self->intake_dialog);

  gtk_widget_dispose_template (GTK_WIDGET (self), BEACON_TYPE_WINDOW);

  G_OBJECT_CLASS (beacon_window_parent_class)->dispose (object);
}

static void
beacon_window_finalize (GObject *object)
{
  BeaconWindow *self = (BeaconWindow *)object;

  g_clear_object (&self->board);
  g_clear_object (&self->settings);
  g_clear_object (&self->store);
  g_clear_pointer (&self->customer_ids, g_ptr_array_unref);
  g_clear_pointer (&self->user_ids, g_ptr_array_unref);

  G_OBJECT_CLASS (beacon_window_parent_class)->finalize (object);
}

static void
beacon_window_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  BeaconWindow *self = BEACON_WINDOW (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
beacon_window_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  BeaconWindow *self = BEACON_WINDOW (object);

  switch (prop_id)
    {
    case PROP_STORE:
      self->store = g_value_dup_object (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
beacon_window_class_init (BeaconWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->constructed = beacon_window_constructed;
  object_class->dispose = beacon_window_dispose;
  object_class->finalize = beacon_window_finalize;
  object_class->get_property = beacon_window_get_property;
  object_class->set_property = beacon_window_set_property;

  window_class->close_request = beacon_window_close_request;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL,
                         BEACON_TYPE_STORE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * BeaconWindow::board-loaded:
   *
   * The board shows the store's tickets for the first time.
   */
  signals[BOARD_LOADED] = g_signal_new ("board-loaded",
                                        G_TYPE_FROM_CLASS (klass),
                                        G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                        G_TYPE_NONE, 0);

  g_type_ensure (BEACON_TYPE_TICKET_OBJECT);
  g_type_ensure (BEACON_TYPE_BOARD_COLUMN);
  g_type_ensure (BEACON_TYPE_SYNC_INDICATOR);
  g_type_ensure (BEACON_TYPE_COVERAGE_BANNER);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/beacondesk/Beacon/ui/beacon-window.ui");
  gtk_widget_class_bind_template_child (widget_class, BeaconWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, BeaconWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, BeaconWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, BeaconWindow, columns_box);
  gtk_widget_class_bind_template_child (widget_class, BeaconWindow, search_bar);
  gtk_widget_class_bind_template_child (widget_class, BeaconWindow, search_entry);
  gtk_widget_class_bind_template_child (widget_class, BeaconWindow, search_button);
  gtk_widget_class_bind_template_child (widget_class, BeaconWindow, level_dropdown);
  gtk_widget_class_bind_template_child (widget_class, BeaconWindow, kind_dropdown);
  gtk_widget_class_bind_template_child (widget_class, BeaconWindow, customer_dropdown);
  gtk_widget_class_bind_template_child (widget_class, BeaconWindow, assignee_dropdown);
  gtk_widget_class_bind_template_child (widget_class, BeaconWindow, mine_check);
  gtk_widget_class_bind_template_child (widget_class, BeaconWindow, alarming_check);
  gtk_widget_class_bind_template_child (widget_class, BeaconWindow, user_content);
  gtk_widget_class_bind_template_child (widget_class, BeaconWindow, filter_button);
  gtk_widget_class_bind_template_callback (widget_class, on_search_changed_cb);
  gtk_widget_class_bind_template_child_full (widget_class, "sync_indicator", FALSE, 0);
  gtk_widget_class_bind_template_child_full (widget_class, "coverage_banner", FALSE, 0);

  gtk_widget_class_install_action (widget_class, "win.new-ticket", NULL, beacon_window_new_ticket);
  gtk_widget_class_install_action (widget_class, "win.search", NULL, beacon_window_search);
  gtk_widget_class_install_action (widget_class, "win.clear-filters", NULL, beacon_window_clear_filters);
  gtk_widget_class_install_action (widget_class, "win.advance-ticket", NULL, beacon_window_advance_ticket);
  gtk_widget_class_install_action (widget_class, "win.open-ticket", "s", beacon_window_open_ticket_action);
  gtk_widget_class_install_action (widget_class, "win.switch-user", NULL, beacon_window_switch_user);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, GDK_CONTROL_MASK, "win.search", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Right, GDK_ALT_MASK, "win.advance-ticket", NULL);
}

static void
beacon_window_init (BeaconWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->board = beacon_board_model_new ();
  self->customer_ids = g_ptr_array_new_with_free_func (g_free);
  self->user_ids = g_ptr_array_new_with_free_func (g_free);

  gtk_search_bar_connect_entry (self->search_bar, GTK_EDITABLE (self->search_entry));
  gtk_search_bar_set_key_capture_widget (self->search_bar, GTK_WIDGET (self));

  for (guint stage = 0; stage < BEACON_N_STAGES; stage++)
    {
      GtkWidget *column = beacon_board_column_new (stage, beacon_board_model_get_column (self->board, stage));

      g_signal_connect_object (column, "ticket-dropped", G_CALLBACK (on_column_ticket_dropped_cb), self, 0);
      g_signal_connect_object (column, "ticket-activated", G_CALLBACK (on_column_ticket_activated_cb), self, 0);
      gtk_box_append (self->columns_box, column);
      self->columns[stage] = column;
    }
}

/**
 * beacon_window_new:
 * @application: the app
 * @store: the store whose tickets the board shows
 *
 * Returns: (transfer full): a new board window
 */
BeaconWindow *
beacon_window_new (BeaconApplication *application,
                   BeaconStore       *store)
{
  g_return_val_if_fail (BEACON_IS_APPLICATION (application), NULL);
  g_return_val_if_fail (BEACON_IS_STORE (store), NULL);

  return g_object_new (BEACON_TYPE_WINDOW,
                       "application", application,
                       "store", store,
                       NULL);
}

BeaconStore *
beacon_window_get_store (BeaconWindow *self)
{
  g_return_val_if_fail (BEACON_IS_WINDOW (self), NULL);

  return self->store;
}

/**
 * beacon_window_get_tickets:
 * @self: a #BeaconWindow
 *
 * Returns: (transfer none): the open tickets, as #BeaconTicketObject, in the
 *   store's order, whatever the filters
 */
GListModel *
beacon_window_get_tickets (BeaconWindow *self)
{
  g_return_val_if_fail (BEACON_IS_WINDOW (self), NULL);

  return beacon_board_model_get_open (self->board);
}

/**
 * beacon_window_get_loaded:
 * @self: a #BeaconWindow
 *
 * Returns: whether the tickets have been read at least once
 */
gboolean
beacon_window_get_loaded (BeaconWindow *self)
{
  g_return_val_if_fail (BEACON_IS_WINDOW (self), FALSE);

  return self->loaded;
}

/**
 * beacon_window_get_intake_dialog:
 * @self: a #BeaconWindow
 *
 * Returns: (transfer none) (nullable): the open “New Ticket” form, if any
 */
BeaconIntakeDialog *
beacon_window_get_intake_dialog (BeaconWindow *self)
{
  g_return_val_if_fail (BEACON_IS_WINDOW (self), NULL);

  return self->intake_dialog ? BEACON_INTAKE_DIALOG (self->intake_dialog) : NULL;
}

/**
 * beacon_window_get_board:
 *
 * Returns: (transfer none): the board's lists and filter
 */
BeaconBoardModel *
beacon_window_get_board (BeaconWindow *self)
{
  g_return_val_if_fail (BEACON_IS_WINDOW (self), NULL);

  return self->board;
}

/**
 * beacon_window_get_column:
 *
 * Returns: (transfer none): the column of @stage
 */
BeaconBoardColumn *
beacon_window_get_column (BeaconWindow *self,
                          BeaconStage   stage)
{
  g_return_val_if_fail (BEACON_IS_WINDOW (self), NULL);
  g_return_val_if_fail (stage < BEACON_N_STAGES, NULL);

  return BEACON_BOARD_COLUMN (self->columns[stage]);
}
