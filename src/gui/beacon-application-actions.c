/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "beacon-gui"

#include "config.h"

#include <glib/gi18n.h>

#include "beacon-application-private.h"
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
  };

  g_assert (BEACON_IS_APPLICATION (self));

  g_action_map_add_action_entries (G_ACTION_MAP (self),
                                   app_actions, G_N_ELEMENTS (app_actions),
                                   self);

  for (guint i = 0; i < G_N_ELEMENTS (accels); i++)
    gtk_application_set_accels_for_action (GTK_APPLICATION (self),
                                           accels[i].action, accels[i].accels);
}
