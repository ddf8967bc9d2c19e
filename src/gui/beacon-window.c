/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "beacon-gui"

#include "config.h"

#include <glib/gi18n.h>

#include "beacon-intake-dialog.h"
#include "beacon-ticket-object.h"
#include "beacon-ticket.h"
#include "beacon-window.h"

struct _BeaconWindow
{
  AdwApplicationWindow  parent_instance;

  BeaconStore          *store;
  GSettings            *settings;
  GListStore           *tickets;
  GCancellable         *load_cancellable;
  GtkWindow            *intake_dialog;
  guint                 loaded : 1;
  guint                 store_notifies : 1;

  /* Template widgets */
  AdwToastOverlay      *toast_overlay;
  AdwWindowTitle       *window_title;
  GtkStack             *stack;
  GtkColumnView        *column_view;
  GtkColumnViewColumn  *level_column;
  GtkSingleSelection   *selection;
  GtkSortListModel     *sorted_tickets;
};

G_DEFINE_FINAL_TYPE (BeaconWindow, beacon_window, ADW_TYPE_APPLICATION_WINDOW)

enum {
  PROP_0,
  PROP_STORE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

typedef struct
{
  BeaconWindow *self;
  GCancellable *cancellable;
} LoadData;

static void
load_data_free (LoadData *data)
{
  g_clear_object (&data->self);
  g_clear_object (&data->cancellable);
  g_free (data);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LoadData, load_data_free)

static char **
level_css_classes (GtkListItem *item,
                   int          level)
{
  char **classes = g_new0 (char *, 3);

  classes[0] = g_strdup ("level-badge");
  classes[1] = g_strdup_printf ("level-%d", CLAMP (level, BEACON_LEVEL_MIN, BEACON_LEVEL_MAX));

  return classes;
}

static char *
dup_selected_id (BeaconWindow *self)
{
  BeaconTicketObject *selected = gtk_single_selection_get_selected_item (self->selection);

  return selected ? g_strdup (beacon_ticket_object_get_id (selected)) : NULL;
}

static void
select_ticket_id (BeaconWindow *self,
                  const char   *ticket_id)
{
  GListModel *model = G_LIST_MODEL (self->selection);
  guint n_items = g_list_model_get_n_items (model);

  for (guint i = 0; i < n_items; i++)
    {
      g_autoptr(BeaconTicketObject) ticket = g_list_model_get_item (model, i);

      if (g_strcmp0 (beacon_ticket_object_get_id (ticket), ticket_id) == 0)
        {
          gtk_single_selection_set_selected (self->selection, i);
          return;
        }
    }
}

static void
update_overview (BeaconWindow *self)
{
  guint n_open = g_list_model_get_n_items (G_LIST_MODEL (self->tickets));
  g_autofree char *subtitle = NULL;

  if (n_open > 0)
    subtitle = g_strdup_printf (ngettext ("%u open ticket", "%u open tickets", n_open), n_open);

  adw_window_title_set_subtitle (self->window_title, subtitle ? subtitle : "");
  gtk_stack_set_visible_child_name (self->stack, n_open > 0 ? "tickets" : "empty");
}

static void
replace_tickets (BeaconWindow *self,
                 GPtrArray    *tickets)
{
  g_autoptr(GPtrArray) objects = g_ptr_array_new_full (tickets->len, g_object_unref);
  g_autofree char *selected_id = dup_selected_id (self);
  gsize n_tickets = 0;
  g_autofree BeaconTicket **stolen = NULL;

  /* The objects take over the tickets, so the array must not free them. */
  stolen = (BeaconTicket **)g_ptr_array_steal (tickets, &n_tickets);
  for (gsize i = 0; i < n_tickets; i++)
    g_ptr_array_add (objects, beacon_ticket_object_new (stolen[i]));

  /* One splice, so the view sees a single items-changed. */
  g_list_store_splice (self->tickets, 0,
                       g_list_model_get_n_items (G_LIST_MODEL (self->tickets)),
                       objects->pdata, objects->len);

  if (selected_id != NULL)
    select_ticket_id (self, selected_id);
}

static void
on_tickets_loaded_cb (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(LoadData) data = user_data;
  BeaconWindow *self = data->self;
  g_autoptr(GPtrArray) tickets = NULL;
  g_autoptr(GError) error = NULL;

  tickets = beacon_store_list_tickets_finish (BEACON_STORE (object), result, &error);

  /* A newer reload was started meanwhile; its answer is the one to show. */
  if (g_cancellable_is_cancelled (data->cancellable))
    return;

  if (tickets == NULL)
    {
      g_debug ("Could not load the open tickets: %s", error->message);
      adw_toast_overlay_add_toast (self->toast_overlay,
                                   adw_toast_new_format (_("Could not load the open tickets: %s"),
                                                         error->message));
      return;
    }

  replace_tickets (self, tickets);
  self->loaded = TRUE;
  update_overview (self);
}

/**
 * beacon_window_reload:
 * @self: a #BeaconWindow
 *
 * Reads the open tickets again, off the main thread, and shows them when they
 * arrive. A reload still running is abandoned.
 */
void
beacon_window_reload (BeaconWindow *self)
{
  LoadData *data;

  g_return_if_fail (BEACON_IS_WINDOW (self));

  g_cancellable_cancel (self->load_cancellable);
  g_clear_object (&self->load_cancellable);
  self->load_cancellable = g_cancellable_new ();

  data = g_new0 (LoadData, 1);
  data->self = g_object_ref (self);
  data->cancellable = g_object_ref (self->load_cancellable);

  beacon_store_list_tickets_async (self->store, TRUE, self->load_cancellable,
                                   on_tickets_loaded_cb, data);
}

static void
on_store_changed_cb (BeaconStore  *store,
                     BeaconWindow *self)
{
  beacon_window_reload (self);
}

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

  /* The store announces every commit, including those of sync and of other
   * windows; a core without the signal gets a reload after our own writes. */
  if (g_signal_lookup ("changed", BEACON_TYPE_STORE) != 0)
    {
      g_signal_connect_object (self->store, "changed",
                               G_CALLBACK (on_store_changed_cb), self, 0);
      self->store_notifies = TRUE;
    }

  beacon_window_reload (self);
}

static void
beacon_window_dispose (GObject *object)
{
  BeaconWindow *self = (BeaconWindow *)object;

  g_cancellable_cancel (self->load_cancellable);
  g_clear_object (&self->load_cancellable);
  g_clear_weak_pointer (&self->intake_dialog);

  gtk_widget_dispose_template (GTK_WIDGET (self), BEACON_TYPE_WINDOW);

  G_OBJECT_CLASS (beacon_window_parent_class)->dispose (object);
}

static void
beacon_window_finalize (GObject *object)
{
  BeaconWindow *self = (BeaconWindow *)object;

  g_clear_object (&self->tickets);
  g_clear_object (&self->settings);
  g_clear_object (&self->store);

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

  g_type_ensure (BEACON_TYPE_TICKET_OBJECT);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/beacondesk/Beacon/ui/beacon-window.ui");
  gtk_widget_class_bind_template_child (widget_class, BeaconWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, BeaconWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, BeaconWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, BeaconWindow, column_view);
  gtk_widget_class_bind_template_child (widget_class, BeaconWindow, level_column);
  gtk_widget_class_bind_template_child (widget_class, BeaconWindow, selection);
  gtk_widget_class_bind_template_child (widget_class, BeaconWindow, sorted_tickets);
  gtk_widget_class_bind_template_callback (widget_class, level_css_classes);

  gtk_widget_class_install_action (widget_class, "win.new-ticket", NULL,
                                   beacon_window_new_ticket);
}

static void
beacon_window_init (BeaconWindow *self)
{
  GtkSorter *sorter;
  GtkSorter *oldest_first;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->tickets = g_list_store_new (BEACON_TYPE_TICKET_OBJECT);
  gtk_sort_list_model_set_model (self->sorted_tickets, G_LIST_MODEL (self->tickets));

  /* Whatever column the operator sorts by, ties go to the call that has been
   * waiting longest. */
  oldest_first = GTK_SORTER (gtk_numeric_sorter_new (
    gtk_property_expression_new (BEACON_TYPE_TICKET_OBJECT, NULL, "accepted-at")));
  sorter = GTK_SORTER (gtk_multi_sorter_new ());
  gtk_multi_sorter_append (GTK_MULTI_SORTER (sorter),
                           g_object_ref (gtk_column_view_get_sorter (self->column_view)));
  gtk_multi_sorter_append (GTK_MULTI_SORTER (sorter), oldest_first);
  gtk_sort_list_model_set_sorter (self->sorted_tickets, sorter);
  g_object_unref (sorter);

  /* Most urgent first. */
  gtk_column_view_sort_by_column (self->column_view, self->level_column, GTK_SORT_ASCENDING);
}

/**
 * beacon_window_new:
 * @application: the app
 * @store: the store whose open tickets the window shows
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
 *   store's order (the view sorts them)
 */
GListModel *
beacon_window_get_tickets (BeaconWindow *self)
{
  g_return_val_if_fail (BEACON_IS_WINDOW (self), NULL);

  return G_LIST_MODEL (self->tickets);
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
