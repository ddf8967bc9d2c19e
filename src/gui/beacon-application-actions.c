/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "beacon-gui"

#include "config.h"

#include <glib/gi18n.h>

#include "beacon-application-private.h"
#include "beacon-conflicts-window.h"
#include "beacon-preferences-window.h"
#include "beacon-window.h"
#include "reports/beacon-report-editor.h"

static void
beacon_application_actions_quit (GSimpleAction *action,
                                 GVariant      *parameter,
                                 gpointer       user_data)
{
  GtkApplication *application = GTK_APPLICATION (user_data);
  GList *windows;

  /* Destroying the windows lets each one save its state first. */
  while ((windows = gtk_application_get_windows (application)) != NULL)
    gtk_window_destroy (GTK_WINDOW (windows->data));

  g_application_quit (G_APPLICATION (application));
}

static void
beacon_application_actions_about (GSimpleAction *action,
                                  GVariant      *parameter,
                                  gpointer       user_data)
{
  GtkApplication *application = GTK_APPLICATION (user_data);
  GtkWindow *parent = gtk_application_get_active_window (application);

  adw_show_about_window (parent,
                         "application-name", _("Beacon"),
                         "application-icon", APP_ID,
                         "developer-name", _("Beacon contributors"),
                         "version", PACKAGE_VERSION,
                         "comments", _("Take fault calls and keep every ticket within its service levels"),
                         "license-type", GTK_LICENSE_GPL_3_0,
                         /* Translators: your name and e-mail, one per line */
                         "translator-credits", _("translator-credits"),
                         NULL);
}

static void
beacon_application_actions_new_ticket (GSimpleAction *action,
                                       GVariant      *parameter,
                                       gpointer       user_data)
{
  GtkApplication *application = GTK_APPLICATION (user_data);

  /* The most recently focused board window takes the call, also when its
   * form has the focus. With only the error dialog open there is no store
   * to record into. */
  for (GList *l = gtk_application_get_windows (application); l != NULL; l = l->next)
    {
      if (BEACON_IS_WINDOW (l->data))
        {
          gtk_widget_activate_action (GTK_WIDGET (l->data), "win.new-ticket", NULL);
          return;
        }
    }
}

static void
beacon_application_actions_open_ticket (GSimpleAction *action,
                                        GVariant      *parameter,
                                        gpointer       user_data)
{
  _beacon_application_open_ticket (BEACON_APPLICATION (user_data), g_variant_get_string (parameter, NULL));
}

static void
beacon_application_actions_switch_user (GSimpleAction *action,
                                        GVariant      *parameter,
                                        gpointer       user_data)
{
  _beacon_application_switch_user (BEACON_APPLICATION (user_data));
}

static void
beacon_application_actions_open_report (GSimpleAction *action,
                                        GVariant      *parameter,
                                        gpointer       user_data)
{
  BeaconStore *store = beacon_application_get_store (BEACON_APPLICATION (user_data));

  if (store != NULL)
    beacon_report_editor_open (GTK_APPLICATION (user_data), store, g_variant_get_string (parameter, NULL));
}

static void
beacon_application_actions_new_report (GSimpleAction *action,
                                       GVariant      *parameter,
                                       gpointer       user_data)
{
  BeaconStore *store = beacon_application_get_store (BEACON_APPLICATION (user_data));

  if (store != NULL)
    beacon_report_editor_new_report (GTK_APPLICATION (user_data), store,
                                     g_variant_get_string (parameter, NULL));
}

static void
beacon_application_actions_preferences (GSimpleAction *action,
                                        GVariant      *parameter,
                                        gpointer       user_data)
{
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (user_data));

  gtk_window_present (GTK_WINDOW (beacon_preferences_window_new (parent)));
}

static void
beacon_application_actions_conflicts (GSimpleAction *action,
                                      GVariant      *parameter,
                                      gpointer       user_data)
{
  BeaconStore *store = beacon_application_get_store (BEACON_APPLICATION (user_data));
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (user_data));

  if (store != NULL)
    gtk_window_present (GTK_WINDOW (beacon_conflicts_window_new (parent, store)));
}

/* Settling conflicts is for supervisors and administrators; the current
 * user is saved in "current-user" whenever it changes. */
static void
update_conflicts_enabled (BeaconApplication *self)
{
  const BeaconUser *user = beacon_application_get_user (self);
  GAction *action = g_action_map_lookup_action (G_ACTION_MAP (self), "conflicts");

  g_simple_action_set_enabled (G_SIMPLE_ACTION (action),
                               user != NULL && (user->role == BEACON_ROLE_SUPERVISOR ||
                                                user->role == BEACON_ROLE_ADMIN));
}

static void
on_current_user_changed_cb (GSettings         *settings,
                            const char        *key,
                            BeaconApplication *self)
{
  update_conflicts_enabled (self);
}

static const GActionEntry app_actions[] = {
  { "quit", beacon_application_actions_quit },
  { "about", beacon_application_actions_about },
  { "new-ticket", beacon_application_actions_new_ticket },
  /* Notifications open a ticket through this, also when the app was in the background. */
  { "open-ticket", beacon_application_actions_open_ticket, "s" },
  { "switch-user", beacon_application_actions_switch_user },
  /* A report id; and "TICKET:TEMPLATE" to start a prefilled report of a ticket. */
  { "open-report", beacon_application_actions_open_report, "s" },
  { "new-report", beacon_application_actions_new_report, "s" },
  { "preferences", beacon_application_actions_preferences },
  { "conflicts", beacon_application_actions_conflicts },
};

void
_beacon_application_install_actions (BeaconApplication *self)
{
  static const struct {
    const char *action;
    const char *accels[2];
  } accels[] = {
    { "app.quit", { "<Control>q", NULL } },
    { "app.new-ticket", { "<Control>n", NULL } },
    { "window.close", { "<Control>w", NULL } },
    { "app.preferences", { "<Control>comma", NULL } },
  };

  g_assert (BEACON_IS_APPLICATION (self));

  g_action_map_add_action_entries (G_ACTION_MAP (self),
                                   app_actions, G_N_ELEMENTS (app_actions),
                                   self);

  for (guint i = 0; i < G_N_ELEMENTS (accels); i++)
    gtk_application_set_accels_for_action (GTK_APPLICATION (self),
                                           accels[i].action, accels[i].accels);

  update_conflicts_enabled (self);
  if (g_settings_schema_source_get_default () != NULL)
    {
      g_autoptr(GSettingsSchema) schema =
        g_settings_schema_source_lookup (g_settings_schema_source_get_default (), APP_ID, TRUE);

      if (schema != NULL)
        {
          GSettings *settings = g_settings_new (APP_ID);

          g_signal_connect_object (settings, "changed::current-user",
                                   G_CALLBACK (on_current_user_changed_cb), self, 0);
          g_object_set_data_full (G_OBJECT (self), "beacon-actions-settings", settings, g_object_unref);
        }
    }
}
