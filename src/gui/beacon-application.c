/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "beacon-gui"

#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <locale.h>

#include "beacon-application.h"
#include "beacon-application-private.h"
#include "beacon-time.h"
#include "beacon-window.h"

struct _BeaconApplication
{
  AdwApplication  parent_instance;

  BeaconStore    *store;
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

  window = GTK_WINDOW (beacon_window_new (self, self->store));
  gtk_window_present (window);
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
