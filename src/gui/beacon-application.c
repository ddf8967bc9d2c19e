/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "beacon-gui"

#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <locale.h>

#include "beacon-alert-monitor.h"
#include "beacon-application.h"
#include "beacon-application-private.h"
#include "beacon-archive.h"
#include "beacon-notifier.h"
#include "beacon-time.h"
#include "beacon-user-dialog.h"
#include "beacon-window.h"

struct _BeaconApplication
{
  AdwApplication      parent_instance;

  BeaconStore        *store;
  BeaconAlertMonitor *monitor;
  BeaconNotifier     *notifier;
  BeaconUser         *user;
  GSettings          *settings;
};

G_DEFINE_FINAL_TYPE (BeaconApplication, beacon_application, ADW_TYPE_APPLICATION)

/* BEACON_FAKE_NOW lets tests, demos and screenshots run at a chosen instant;
 * the clock then runs on from there. */
static BeaconClock *
create_clock (void)
{
  const char *fake_now = g_getenv ("BEACON_FAKE_NOW");
  g_autoptr(GTimeZone) local = NULL;
  g_autoptr(GError) error = NULL;
  gint64 instant;

  if (fake_now == NULL || *fake_now == '\0')
    return beacon_clock_new_system ();

  local = g_time_zone_new_local ();
  if (!beacon_time_parse (fake_now, local, &instant, &error))
    {
      g_warning ("BEACON_FAKE_NOW=%s is not an ISO 8601 time (%s); using the system clock",
                 fake_now, error->message);
      return beacon_clock_new_system ();
    }

  return beacon_clock_new_starting (instant * G_USEC_PER_SEC);
}

static BeaconStore *
open_store (GError **error)
{
  g_autoptr(BeaconClock) clock = create_clock ();
  g_autofree char *path = NULL;
  g_autofree char *dir = NULL;
  const char *env_path = g_getenv ("BEACON_DB");

  if (env_path != NULL && *env_path != '\0')
    path = g_strdup (env_path);
  else
    path = beacon_store_dup_default_path ();

  dir = g_path_get_dirname (path);
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   _("Could not create the folder “%s”: %s"), dir, g_strerror (saved_errno));
      return NULL;
    }

  return beacon_store_open (path, clock, error);
}

static void
on_error_dialog_response_cb (AdwMessageDialog *dialog,
                             const char       *response,
                             gpointer          user_data)
{
  gtk_window_destroy (GTK_WINDOW (dialog));
}

/* Without a store there is nothing to show, so the dialog is the app's only
 * window and closing it ends the app. */
static void
show_store_error (BeaconApplication *self,
                  const GError      *error)
{
  const char *path = g_getenv ("BEACON_DB");
  g_autofree char *default_path = NULL;
  g_autofree char *body = NULL;
  GtkWidget *dialog;

  if (path == NULL || *path == '\0')
    path = default_path = beacon_store_dup_default_path ();

  if (strstr (error->message, path) != NULL)
    body = g_strdup (error->message);
  else
    /* Translators: the first %s is the store's error message, the second a file path */
    body = g_strdup_printf (_("%s\n\nDatabase: %s"), error->message, path);

  dialog = adw_message_dialog_new (NULL, _("Cannot Open the Database"), body);
  gtk_window_set_application (GTK_WINDOW (dialog), GTK_APPLICATION (self));
  gtk_window_set_title (GTK_WINDOW (dialog), _("Beacon"));
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "quit", _("_Quit"));
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "quit");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "quit");
  g_signal_connect (dialog, "response", G_CALLBACK (on_error_dialog_response_cb), NULL);

  gtk_window_present (GTK_WINDOW (dialog));
}

static BeaconWindow *
find_board (BeaconApplication *self)
{
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l != NULL; l = l->next)
    if (BEACON_IS_WINDOW (l->data))
      return l->data;

  return NULL;
}

static GSettings *
dup_settings (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = source ? g_settings_schema_source_lookup (source, APP_ID, TRUE) : NULL;

  return schema ? g_settings_new (APP_ID) : NULL;
}

/* A desktop notification for each alert, with “Open ticket”, and on the board
 * a toast and a highlighted card. */
static void
on_monitor_alerts_cb (BeaconAlertMonitor *monitor,
                      GPtrArray          *alerts,
                      BeaconApplication  *self)
{
  gint64 now = beacon_store_now (self->store);
  BeaconWindow *window = find_board (self);

  for (guint i = 0; i < alerts->len; i++)
    beacon_notifier_show_alert (self->notifier, g_ptr_array_index (alerts, i), now);

  if (window != NULL)
    beacon_window_show_alerts (window, alerts);
}

static void
set_user (BeaconApplication *self,
          BeaconUser        *user)
{
  BeaconWindow *window = find_board (self);
  g_autofree char *label = NULL;

  g_clear_pointer (&self->user, beacon_user_free);
  self->user = user;

  if (user != NULL)
    {
      /* Translators: the current user in the header bar: name and role */
      label = g_strdup_printf (_("%s · %s"), user->name, beacon_role_get_label (user->role));
      beacon_store_set_author (self->store, user->id);
      if (self->settings != NULL)
        g_settings_set_string (self->settings, "current-user", user->id);
    }

  beacon_alert_monitor_set_user (self->monitor, user ? user->id : NULL,
                                 user ? user->role : BEACON_ROLE_OPERATOR);
  if (window != NULL)
    {
      beacon_window_set_user_label (window, label);
      beacon_board_model_set_user (beacon_window_get_board (window), user ? user->id : NULL);
    }
}

static void
on_user_chosen_cb (BeaconUserDialog  *dialog,
                   const char        *user_id,
                   BeaconApplication *self)
{
  set_user (self, beacon_store_find_user (self->store, user_id, NULL));
}

static void
ask_user (BeaconApplication *self)
{
  BeaconUserDialog *dialog = beacon_user_dialog_new (GTK_WINDOW (find_board (self)), self->store);

  g_signal_connect_object (dialog, "user-chosen", G_CALLBACK (on_user_chosen_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* BEACON_USER names the user without asking (creating an operator of that
 * name if the store has none); else the last one on this device; else ask. */
static void
choose_user (BeaconApplication *self)
{
  const char *name = g_getenv ("BEACON_USER");
  BeaconUser *user = NULL;

  if (name != NULL && *name != '\0')
    {
      user = beacon_store_find_user (self->store, name, NULL);
      if (user == NULL)
        {
          g_autofree char *id = beacon_store_add_user (self->store, name, BEACON_ROLE_OPERATOR, NULL, NULL);

          user = id ? beacon_store_find_user (self->store, id, NULL) : NULL;
        }
    }
  else if (self->settings != NULL)
    {
      g_autofree char *id = g_settings_get_string (self->settings, "current-user");

      if (*id != '\0')
        user = beacon_store_find_user (self->store, id, NULL);
    }

  if (user != NULL || (name != NULL && *name != '\0'))
    set_user (self, user);
  else
    {
      set_user (self, NULL);
      ask_user (self);
    }
}

static void
beacon_application_activate (GApplication *application)
{
  BeaconApplication *self = BEACON_APPLICATION (application);
  g_autoptr(GError) error = NULL;
  GtkWindow *window;

  window = gtk_application_get_active_window (GTK_APPLICATION (self));
  if (window != NULL)
    {
      gtk_window_present (window);
      return;
    }

  if (self->store == NULL)
    self->store = open_store (&error);

  if (self->store == NULL)
    {
      g_debug ("Could not open the database: %s", error->message);
      show_store_error (self, error);
      return;
    }

  if (self->monitor == NULL)
    {
      self->settings = dup_settings ();
      self->notifier = beacon_notifier_new (G_APPLICATION (self));
      self->monitor = beacon_alert_monitor_new (self->store);
      g_signal_connect_object (self->monitor, "alerts", G_CALLBACK (on_monitor_alerts_cb), self, 0);
    }

  window = GTK_WINDOW (beacon_window_new (self, self->store));
  /* The first escalation check waits for the board: people see tickets first. */
  g_signal_connect_object (window, "board-loaded", G_CALLBACK (beacon_alert_monitor_start),
                           self->monitor, G_CONNECT_SWAPPED);
  gtk_window_present (window);
  choose_user (self);
}

static void
beacon_application_startup (GApplication *application)
{
  BeaconApplication *self = BEACON_APPLICATION (application);

  G_APPLICATION_CLASS (beacon_application_parent_class)->startup (application);

  gtk_window_set_default_icon_name (APP_ID);
  _beacon_application_install_actions (self);
}

static void
beacon_application_dispose (GObject *object)
{
  BeaconApplication *self = (BeaconApplication *)object;

  g_clear_object (&self->monitor);
  g_clear_object (&self->notifier);
  g_clear_object (&self->settings);
  g_clear_pointer (&self->user, beacon_user_free);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (beacon_application_parent_class)->dispose (object);
}

static void
beacon_application_class_init (BeaconApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *application_class = G_APPLICATION_CLASS (klass);

  object_class->dispose = beacon_application_dispose;

  application_class->activate = beacon_application_activate;
  application_class->startup = beacon_application_startup;
}

static void
beacon_application_init (BeaconApplication *self)
{
}

/**
 * beacon_application_new:
 *
 * Returns: (transfer full): the desktop app
 */
BeaconApplication *
beacon_application_new (void)
{
  return g_object_new (BEACON_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_DEFAULT_FLAGS,
                       "resource-base-path", "/io/github/beacondesk/Beacon",
                       NULL);
}

/**
 * beacon_application_get_store:
 * @self: a #BeaconApplication
 *
 * Returns: (transfer none) (nullable): the open store, or %NULL before the
 *   first activation or when the database could not be opened
 */
BeaconStore *
beacon_application_get_store (BeaconApplication *self)
{
  g_return_val_if_fail (BEACON_IS_APPLICATION (self), NULL);

  return self->store;
}

/**
 * beacon_application_get_user:
 *
 * Returns: (transfer none) (nullable): who works at this workstation
 */
const BeaconUser *
beacon_application_get_user (BeaconApplication *self)
{
  g_return_val_if_fail (BEACON_IS_APPLICATION (self), NULL);

  return self->user;
}

/**
 * beacon_application_get_alert_monitor:
 *
 * Returns: (transfer none) (nullable): the escalation check, once the store is open
 */
BeaconNotifier *
beacon_application_get_notifier (BeaconApplication *self)
{
  g_return_val_if_fail (BEACON_IS_APPLICATION (self), NULL);

  return self->notifier;
}

BeaconAlertMonitor *
beacon_application_get_alert_monitor (BeaconApplication *self)
{
  g_return_val_if_fail (BEACON_IS_APPLICATION (self), NULL);

  return self->monitor;
}

void
_beacon_application_switch_user (BeaconApplication *self)
{
  if (self->store != NULL)
    ask_user (self);
}

void
_beacon_application_open_ticket (BeaconApplication *self,
                                 const char        *ticket_id)
{
  BeaconWindow *window = find_board (self);

  if (window == NULL)
    return;

  gtk_window_present (GTK_WINDOW (window));
  beacon_window_open_ticket (window, ticket_id);
}

/* A build tree is recognised by the running program living under it; there
 * the freshly compiled catalogues win over whatever an older install left in
 * LOCALEDIR. */
static gboolean
running_uninstalled (void)
{
  g_autofree char *build_root = g_path_get_dirname (BUILD_LOCALEDIR);
  g_autofree char *exe = g_file_read_link ("/proc/self/exe", NULL);

  return exe != NULL && g_str_has_prefix (exe, build_root) && exe[strlen (build_root)] == '/';
}

static gboolean
has_built_catalogue (const char *localedir)
{
  g_autoptr(GDir) dir = g_dir_open (localedir, 0, NULL);
  const char *name;

  if (dir == NULL)
    return FALSE;

  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *mo = g_build_filename (localedir, name, "LC_MESSAGES",
                                              GETTEXT_PACKAGE ".mo", NULL);

      if (g_file_test (mo, G_FILE_TEST_IS_REGULAR))
        return TRUE;
    }

  return FALSE;
}

/**
 * beacon_application_init_i18n:
 *
 * Sets the locale from the environment and binds Beacon's message catalogue.
 * Call once, first thing in main().
 */
void
beacon_application_init_i18n (void)
{
  const char *localedir = LOCALEDIR;

  if (setlocale (LC_ALL, "") == NULL)
    {
      /* The user's locale is not generated on this system (common in
       * containers and minimal installs). Keep UTF-8 and still honour the
       * language they asked for. */
      const char *requested = g_getenv ("LC_ALL");

      if (requested == NULL || *requested == '\0')
        requested = g_getenv ("LC_MESSAGES");
      if (requested == NULL || *requested == '\0')
        requested = g_getenv ("LANG");

      setlocale (LC_ALL, "C.UTF-8");

      if (requested != NULL && *requested != '\0' && g_getenv ("LANGUAGE") == NULL)
        {
          g_autofree char *language = g_strndup (requested, strcspn (requested, ".@"));

          g_setenv ("LANGUAGE", language, FALSE);
        }
    }

  if (running_uninstalled () && has_built_catalogue (BUILD_LOCALEDIR))
    localedir = BUILD_LOCALEDIR;

  bindtextdomain (GETTEXT_PACKAGE, localedir);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
}
