/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "beacon-sync"

#include "config.h"

#include <glib/gi18n.h>

#include "beacon-archive.h"
#include "beacon-conflicts.h"
#include "beacon-hlc.h"
#include "beacon-sync.h"
#include "beacon-ticket.h"
#include "beacon-conflicts-window.h"

/* Concurrent edits of one field, for a supervisor to settle: the value that
 * won and each kept loser, with the workstation and time of each, and
 * “Use This Value” on every one. Reads and writes run off the main thread. */

struct _BeaconConflictsWindow
{
  AdwWindow        parent_instance;

  BeaconStore     *store;
  GCancellable    *cancellable;
  GPtrArray       *groups;
  guint            loaded : 1;
  guint            reload_again : 1;
  guint            loading : 1;

  /* Template widgets */
  AdwToastOverlay *toast_overlay;
  GtkStack        *stack;
  AdwPreferencesPage *page;
};

G_DEFINE_FINAL_TYPE (BeaconConflictsWindow, beacon_conflicts_window, ADW_TYPE_WINDOW)

enum {
  PROP_0,
  PROP_STORE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* One conflicting field: where, and every value with its version. */
typedef struct
{
  char      *entity;
  char      *entity_id;
  char      *field;
  char      *title;         /* the ticket number and summary, the customer's name… */
  GPtrArray *values;        /* ConflictValue, the winner first */
} ConflictField;

typedef struct
{
  char     *value_json;
  char     *version;
  gboolean  winner;
} ConflictValue;

static void
conflict_value_free (ConflictValue *value)
{
  g_free (value->value_json);
  g_free (value->version);
  g_free (value);
}

static void
conflict_field_free (ConflictField *field)
{
  g_free (field->entity);
  g_free (field->entity_id);
  g_free (field->field);
  g_free (field->title);
  g_ptr_array_unref (field->values);
  g_free (field);
}

static void
add_value (ConflictField *field,
           const char    *value_json,
           const char    *version,
           gboolean       winner)
{
  ConflictValue *value;

  for (guint i = 0; i < field->values->len; i++)
    if (g_strcmp0 (((ConflictValue *)g_ptr_array_index (field->values, i))->version, version) == 0)
      return;

  value = g_new0 (ConflictValue, 1);
  value->value_json = g_strdup (value_json ? value_json : "null");
  value->version = g_strdup (version);
  value->winner = winner;
  g_ptr_array_add (field->values, value);
}

static char *
dup_entity_title (BeaconStore *store,
                  const char  *entity,
                  const char  *entity_id)
{
  if (g_str_equal (entity, "ticket"))
    {
      g_autoptr(BeaconTicket) ticket = beacon_store_get_ticket (store, entity_id, FALSE, NULL);

      if (ticket != NULL)
        /* Translators: a ticket in the conflicts window: its number and summary */
        return g_strdup_printf (_("Ticket %s · %s"), ticket->number, ticket->summary ? ticket->summary : "");
    }
  else if (g_str_equal (entity, "customer"))
    {
      BeaconCustomer *customer = beacon_store_find_customer (store, entity_id, NULL);

      if (customer != NULL)
        {
          /* Translators: a customer in the conflicts window */
          char *title = g_strdup_printf (_("Customer %s"), customer->name);

          beacon_customer_free (customer);
          return title;
        }
    }

  return g_strdup_printf ("%s %s", entity, entity_id);
}

static void
load_in_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  BeaconStore *store = task_data;
  g_autoptr(GPtrArray) fields = g_ptr_array_new_with_free_func ((GDestroyNotify)conflict_field_free);
  g_autoptr(JsonNode) conflicts = NULL;
  GError *error = NULL;
  JsonArray *array;

  conflicts = beacon_sync_dup_conflicts (store, &error);
  if (conflicts == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  array = json_node_get_array (conflicts);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *entry = json_array_get_object_element (array, i);
      const char *entity = json_object_get_string_member (entry, "entity");
      const char *entity_id = json_object_get_string_member (entry, "id");
      const char *field_name = json_object_get_string_member (entry, "field");
      ConflictField *field = fields->len > 0 ? g_ptr_array_index (fields, fields->len - 1) : NULL;

      if (field == NULL || !g_str_equal (field->entity, entity) ||
          !g_str_equal (field->entity_id, entity_id) || !g_str_equal (field->field, field_name))
        {
          field = g_new0 (ConflictField, 1);
          field->entity = g_strdup (entity);
          field->entity_id = g_strdup (entity_id);
          field->field = g_strdup (field_name);
          field->title = dup_entity_title (store, entity, entity_id);
          field->values = g_ptr_array_new_with_free_func ((GDestroyNotify)conflict_value_free);
          g_ptr_array_add (fields, field);
        }

      add_value (field, json_object_get_string_member_with_default (entry, "winner_value", NULL),
                 json_object_get_string_member (entry, "winner_version"), TRUE);
      add_value (field, json_object_get_string_member_with_default (entry, "loser_value", NULL),
                 json_object_get_string_member (entry, "loser_version"), FALSE);
    }

  g_task_return_pointer (task, g_steal_pointer (&fields), (GDestroyNotify)g_ptr_array_unref);
}

static const char *
get_field_label (const char *field)
{
  static const struct { const char *field; const char *label; } labels[] = {
    { "summary", N_("Summary") },
    { "symptoms", N_("Symptoms") },
    { "level", N_("Level") },
    { "site", N_("Site") },
    { "system", N_("System") },
    { "contact", N_("Contact") },
    { "name", N_("Name") },
    { "phone", N_("Phone") },
    { "assignees", N_("Assignees") },
  };

  for (guint i = 0; i < G_N_ELEMENTS (labels); i++)
    if (g_str_equal (field, labels[i].field))
      return _(labels[i].label);
  return field;
}

static char *
dup_display_value (const char *value_json)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonNode *root;

  if (!json_parser_load_from_data (parser, value_json, -1, NULL) ||
      (root = json_parser_get_root (parser)) == NULL)
    return g_strdup (value_json);
  if (JSON_NODE_HOLDS_NULL (root))
    return g_strdup (_("(empty)"));
  if (JSON_NODE_HOLDS_VALUE (root) && json_node_get_value_type (root) == G_TYPE_STRING)
    return g_strdup (json_node_get_string (root));
  return g_strdup (value_json);
}

static char *
dup_version_description (const char *version,
                         gboolean    winner)
{
  const char *at = strchr (version, '@');
  g_autoptr(GDateTime) time = NULL;
  g_autofree char *when = NULL;
  g_autofree char *device = NULL;

  if (at != NULL)
    {
      BeaconHlc hlc = g_ascii_strtoull (version, NULL, 10);

      time = g_date_time_new_from_unix_local (BEACON_HLC_MS (hlc) / 1000);
      when = time ? g_date_time_format (time, "%Y-%m-%d %H:%M:%S") : NULL;
      device = g_strndup (at + 1, 8);
    }

  if (when == NULL)
    return g_strdup (version);

  return winner
    /* Translators: the value shown now; %s: the workstation's id, then the time of the edit */
    ? g_strdup_printf (_("Shown now · workstation %s · %s"), device, when)
    /* Translators: a value that lost; %s: the workstation's id, then the time of the edit */
    : g_strdup_printf (_("Kept · workstation %s · %s"), device, when);
}

static void reload (BeaconConflictsWindow *self);

typedef struct
{
  char *entity;
  char *entity_id;
  char *field;
  char *value_json;
} Resolution;

static void
resolution_free (Resolution *resolution)
{
  g_free (resolution->entity);
  g_free (resolution->entity_id);
  g_free (resolution->field);
  g_free (resolution->value_json);
  g_free (resolution);
}

static void
resolve_in_thread (GTask        *task,
                   gpointer      source_object,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  BeaconConflictsWindow *self = source_object;
  Resolution *resolution = task_data;
  GError *error = NULL;

  if (beacon_store_resolve_conflict (self->store, resolution->entity, resolution->entity_id,
                                     resolution->field, resolution->value_json, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
on_resolved_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  BeaconConflictsWindow *self = BEACON_CONFLICTS_WINDOW (object);
  g_autoptr(GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (error->message));
    }
  else
    adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (_("Conflict settled")));
  reload (self);
}

static void
on_use_value_clicked_cb (GtkButton             *button,
                         BeaconConflictsWindow *self)
{
  g_autoptr(GTask) task = NULL;
  Resolution *resolution = g_new0 (Resolution, 1);

  resolution->entity = g_strdup (g_object_get_data (G_OBJECT (button), "entity"));
  resolution->entity_id = g_strdup (g_object_get_data (G_OBJECT (button), "entity-id"));
  resolution->field = g_strdup (g_object_get_data (G_OBJECT (button), "field"));
  resolution->value_json = g_strdup (g_object_get_data (G_OBJECT (button), "value"));

  gtk_widget_set_sensitive (GTK_WIDGET (self->page), FALSE);
  task = g_task_new (self, self->cancellable, on_resolved_cb, NULL);
  g_task_set_source_tag (task, on_use_value_clicked_cb);
  g_task_set_task_data (task, resolution, (GDestroyNotify)resolution_free);
  g_task_run_in_thread (task, resolve_in_thread);
}

static GtkWidget *
create_group (BeaconConflictsWindow *self,
              ConflictField         *field)
{
  GtkWidget *group = adw_preferences_group_new ();
  /* Translators: a conflicting field: the entity (ticket number…), then the field */
  g_autofree char *title = g_strdup_printf (_("%s — %s"), field->title, get_field_label (field->field));

  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), title);

  for (guint i = 0; i < field->values->len; i++)
    {
      ConflictValue *value = g_ptr_array_index (field->values, i);
      g_autofree char *text = dup_display_value (value->value_json);
      g_autofree char *subtitle = dup_version_description (value->version, value->winner);
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *button = gtk_button_new_with_mnemonic (_("_Use This Value"));

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), text);
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
      if (value->winner)
        gtk_widget_add_css_class (button, "suggested-action");
      g_object_set_data_full (G_OBJECT (button), "entity", g_strdup (field->entity), g_free);
      g_object_set_data_full (G_OBJECT (button), "entity-id", g_strdup (field->entity_id), g_free);
      g_object_set_data_full (G_OBJECT (button), "field", g_strdup (field->field), g_free);
      g_object_set_data_full (G_OBJECT (button), "value", g_strdup (value->value_json), g_free);
      g_signal_connect_object (button, "clicked", G_CALLBACK (on_use_value_clicked_cb), self, 0);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
    }

  return group;
}

static void
on_loaded_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  BeaconConflictsWindow *self = BEACON_CONFLICTS_WINDOW (object);
  g_autoptr(GPtrArray) fields = NULL;
  g_autoptr(GError) error = NULL;

  fields = g_task_propagate_pointer (G_TASK (result), &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self->loading = FALSE;
  for (guint i = 0; i < self->groups->len; i++)
    adw_preferences_page_remove (self->page, g_ptr_array_index (self->groups, i));
  g_ptr_array_set_size (self->groups, 0);

  if (fields == NULL)
    adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (error->message));

  for (guint i = 0; fields != NULL && i < fields->len; i++)
    {
      GtkWidget *group = create_group (self, g_ptr_array_index (fields, i));

      adw_preferences_page_add (self->page, ADW_PREFERENCES_GROUP (group));
      g_ptr_array_add (self->groups, group);
    }

  gtk_stack_set_visible_child_name (self->stack, self->groups->len > 0 ? "conflicts" : "empty");
  gtk_widget_set_sensitive (GTK_WIDGET (self->page), TRUE);
  self->loaded = TRUE;

  if (self->reload_again)
    {
      self->reload_again = FALSE;
      reload (self);
    }
}

static void
reload (BeaconConflictsWindow *self)
{
  g_autoptr(GTask) task = NULL;

  if (self->loading)
    {
      self->reload_again = TRUE;
      return;
    }

  self->loading = TRUE;
  task = g_task_new (self, self->cancellable, on_loaded_cb, NULL);
  g_task_set_source_tag (task, reload);
  g_task_set_task_data (task, g_object_ref (self->store), g_object_unref);
  g_task_run_in_thread (task, load_in_thread);
}

static void
on_store_changed_cb (BeaconStore           *store,
                     BeaconConflictsWindow *self)
{
  reload (self);
}

static void
beacon_conflicts_window_constructed (GObject *object)
{
  BeaconConflictsWindow *self = (BeaconConflictsWindow *)object;

  G_OBJECT_CLASS (beacon_conflicts_window_parent_class)->constructed (object);

  g_assert (BEACON_IS_STORE (self->store));
  g_signal_connect_object (self->store, "changed", G_CALLBACK (on_store_changed_cb), self, 0);
  reload (self);
}

static void
beacon_conflicts_window_dispose (GObject *object)
{
  BeaconConflictsWindow *self = (BeaconConflictsWindow *)object;

  g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), BEACON_TYPE_CONFLICTS_WINDOW);

  G_OBJECT_CLASS (beacon_conflicts_window_parent_class)->dispose (object);
}

static void
beacon_conflicts_window_finalize (GObject *object)
{
  BeaconConflictsWindow *self = (BeaconConflictsWindow *)object;

  g_clear_object (&self->cancellable);
  g_clear_object (&self->store);
  g_clear_pointer (&self->groups, g_ptr_array_unref);

  G_OBJECT_CLASS (beacon_conflicts_window_parent_class)->finalize (object);
}

static void
beacon_conflicts_window_set_property (GObject      *object,
                                      guint         prop_id,
                                      const GValue *value,
                                      GParamSpec   *pspec)
{
  BeaconConflictsWindow *self = BEACON_CONFLICTS_WINDOW (object);

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
beacon_conflicts_window_get_property (GObject    *object,
                                      guint       prop_id,
                                      GValue     *value,
                                      GParamSpec *pspec)
{
  BeaconConflictsWindow *self = BEACON_CONFLICTS_WINDOW (object);

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
beacon_conflicts_window_class_init (BeaconConflictsWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = beacon_conflicts_window_constructed;
  object_class->dispose = beacon_conflicts_window_dispose;
  object_class->finalize = beacon_conflicts_window_finalize;
  object_class->get_property = beacon_conflicts_window_get_property;
  object_class->set_property = beacon_conflicts_window_set_property;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, BEACON_TYPE_STORE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/beacondesk/Beacon/ui/beacon-conflicts-window.ui");
  gtk_widget_class_bind_template_child (widget_class, BeaconConflictsWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, BeaconConflictsWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, BeaconConflictsWindow, page);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
beacon_conflicts_window_init (BeaconConflictsWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  self->groups = g_ptr_array_new ();
}

/**
 * beacon_conflicts_window_new:
 * @parent: (nullable): the board
 * @store: the store whose conflicts to show
 *
 * Returns: (transfer full): the conflicts of @store, loading
 */
BeaconConflictsWindow *
beacon_conflicts_window_new (GtkWindow   *parent,
                             BeaconStore *store)
{
  g_return_val_if_fail (BEACON_IS_STORE (store), NULL);

  return g_object_new (BEACON_TYPE_CONFLICTS_WINDOW,
                       "transient-for", parent,
                       "store", store,
                       NULL);
}

gboolean
beacon_conflicts_window_get_loaded (BeaconConflictsWindow *self)
{
  g_return_val_if_fail (BEACON_IS_CONFLICTS_WINDOW (self), FALSE);

  return self->loaded && !self->loading;
}

/**
 * beacon_conflicts_window_get_n_fields:
 *
 * Returns: how many conflicting fields the window lists
 */
guint
beacon_conflicts_window_get_n_fields (BeaconConflictsWindow *self)
{
  g_return_val_if_fail (BEACON_IS_CONFLICTS_WINDOW (self), 0);

  return self->groups->len;
}
