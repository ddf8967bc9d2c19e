/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "beacon-gui"

#include "config.h"

#include <glib/gi18n.h>

#include "beacon-preferences-window.h"

/* Device-local settings: how this workstation syncs, and whose name and logo
 * head the reports it prints. A bad address or folder is explained under
 * the rows and not saved, so the sync monitor never tries it. */

static const char *modes[] = { "none", "folder", "server" };

struct _BeaconPreferencesWindow
{
  AdwPreferencesWindow  parent_instance;

  GSettings            *settings;
  GtkFileChooserNative *chooser;
  char                 *folder_error;
  char                 *url_error;

  /* Template widgets */
  AdwComboRow          *mode_row;
  AdwEntryRow          *folder_row;
  AdwEntryRow          *url_row;
  AdwPasswordEntryRow  *token_row;
  GtkLabel             *sync_error_label;
  AdwEntryRow          *company_row;
  AdwActionRow         *logo_row;
  GtkButton            *logo_clear_button;
};

G_DEFINE_FINAL_TYPE (BeaconPreferencesWindow, beacon_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

static GSettings *
dup_settings (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = source ? g_settings_schema_source_lookup (source, APP_ID, TRUE) : NULL;

  if (schema == NULL || !g_settings_schema_has_key (schema, "sync-mode"))
    return NULL;

  return g_settings_new (APP_ID);
}

/**
 * beacon_preferences_window_check_server_url:
 * @out_message: (out) (optional): what is wrong, for people
 *
 * Returns: whether @url is an http(s)://host[:port] address
 */
gboolean
beacon_preferences_window_check_server_url (const char  *url,
                                            char       **out_message)
{
  g_autoptr(GUri) uri = NULL;
  const char *scheme, *path;

  g_return_val_if_fail (url != NULL, FALSE);

  uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  if (uri == NULL || (scheme = g_uri_get_scheme (uri)) == NULL ||
      (g_ascii_strcasecmp (scheme, "http") != 0 && g_ascii_strcasecmp (scheme, "https") != 0) ||
      g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0')
    {
      if (out_message != NULL)
        *out_message = g_strdup_printf (_("“%s” is not a server address; write it as "
                                          "http://host:port or https://host:port, "
                                          "e.g. https://sync.example.org:8443"), url);
      return FALSE;
    }

  path = g_uri_get_path (uri);
  if ((path != NULL && *path != '\0' && !g_str_equal (path, "/")) ||
      g_uri_get_query (uri) != NULL || g_uri_get_userinfo (uri) != NULL ||
      g_uri_get_fragment (uri) != NULL)
    {
      if (out_message != NULL)
        *out_message = g_strdup_printf (_("“%s” has more than a server address; leave out the "
                                          "path, user name and query, e.g. https://sync.example.org:8443"),
                                        url);
      return FALSE;
    }

  return TRUE;
}

/**
 * beacon_preferences_window_check_folder:
 * @out_message: (out) (optional): what is wrong, for people
 *
 * Returns: whether @folder is an existing folder given by its full path
 */
gboolean
beacon_preferences_window_check_folder (const char  *folder,
                                        char       **out_message)
{
  g_return_val_if_fail (folder != NULL, FALSE);

  if (!g_path_is_absolute (folder))
    {
      if (out_message != NULL)
        *out_message = g_strdup_printf (_("“%s” is not a full path; choose the shared folder "
                                          "with the folder button"), folder);
      return FALSE;
    }
  if (!g_file_test (folder, G_FILE_TEST_IS_DIR))
    {
      if (out_message != NULL)
        *out_message = g_strdup_printf (_("The folder “%s” does not exist or is not mounted; "
                                          "mount the share or choose another folder"), folder);
      return FALSE;
    }

  return TRUE;
}

/* The strings live as long as the process; the settings change rarely. */
static const char *
get_interned (const char *key)
{
  g_autoptr(GSettings) settings = dup_settings ();
  g_autofree char *value = settings ? g_settings_get_string (settings, key) : NULL;

  return value != NULL && *value != '\0' ? g_intern_string (value) : NULL;
}

/**
 * beacon_preferences_window_get_company_name:
 *
 * Returns: (nullable): the service company that heads printed reports:
 *   `BEACON_COMPANY_NAME` when set, else the preference
 */
const char *
beacon_preferences_window_get_company_name (void)
{
  const char *name = g_getenv ("BEACON_COMPANY_NAME");

  if (name != NULL && *name != '\0')
    return name;
  return get_interned ("report-company-name");
}

/**
 * beacon_preferences_window_get_company_logo:
 *
 * Returns: (nullable): the path of the logo that heads printed reports
 */
const char *
beacon_preferences_window_get_company_logo (void)
{
  return get_interned ("report-logo");
}

static void
show_sync_error (BeaconPreferencesWindow *self)
{
  const char *message = self->url_error ? self->url_error : self->folder_error;

  gtk_label_set_text (self->sync_error_label, message ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->sync_error_label), message != NULL);

  if (self->url_error != NULL)
    gtk_widget_add_css_class (GTK_WIDGET (self->url_row), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->url_row), "error");
  if (self->folder_error != NULL)
    gtk_widget_add_css_class (GTK_WIDGET (self->folder_row), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->folder_row), "error");
}

static void
update_rows (BeaconPreferencesWindow *self)
{
  guint mode = adw_combo_row_get_selected (self->mode_row);

  gtk_widget_set_visible (GTK_WIDGET (self->folder_row), mode == 1);
  gtk_widget_set_visible (GTK_WIDGET (self->url_row), mode == 2);
  gtk_widget_set_visible (GTK_WIDGET (self->token_row), mode == 2);
  show_sync_error (self);
}

static void
on_mode_selected_cb (BeaconPreferencesWindow *self)
{
  guint mode = adw_combo_row_get_selected (self->mode_row);

  if (mode < G_N_ELEMENTS (modes) && self->settings != NULL)
    g_settings_set_string (self->settings, "sync-mode", modes[mode]);
  update_rows (self);
}

static void
on_folder_changed_cb (BeaconPreferencesWindow *self)
{
  g_autofree char *folder = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->folder_row))));

  g_clear_pointer (&self->folder_error, g_free);
  if (*folder == '\0' || beacon_preferences_window_check_folder (folder, &self->folder_error))
    {
      if (self->settings != NULL)
        g_settings_set_string (self->settings, "sync-folder", folder);
    }
  show_sync_error (self);
}

static void
on_url_changed_cb (BeaconPreferencesWindow *self)
{
  g_autofree char *url = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->url_row))));

  g_clear_pointer (&self->url_error, g_free);
  if (*url == '\0' || beacon_preferences_window_check_server_url (url, &self->url_error))
    {
      if (self->settings != NULL)
        g_settings_set_string (self->settings, "sync-server-url", url);
    }
  show_sync_error (self);
}

static void
on_token_changed_cb (BeaconPreferencesWindow *self)
{
  g_autofree char *token = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->token_row))));

  if (self->settings != NULL)
    g_settings_set_string (self->settings, "sync-token", token);
}

static void
on_folder_chosen_cb (GtkNativeDialog         *chooser,
                     int                      response,
                     BeaconPreferencesWindow *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      g_autofree char *path = file ? g_file_get_path (file) : NULL;

      if (path != NULL)
        gtk_editable_set_text (GTK_EDITABLE (self->folder_row), path);
    }
  g_clear_object (&self->chooser);
}

static void
on_folder_button_clicked_cb (BeaconPreferencesWindow *self)
{
  g_clear_object (&self->chooser);
  self->chooser = gtk_file_chooser_native_new (_("Choose the Shared Folder"), GTK_WINDOW (self),
                                               GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER,
                                               _("_Select"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);
  g_signal_connect_object (self->chooser, "response", G_CALLBACK (on_folder_chosen_cb), self, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

static void
update_logo_row (BeaconPreferencesWindow *self)
{
  g_autofree char *logo = self->settings ? g_settings_get_string (self->settings, "report-logo") : NULL;

  adw_action_row_set_subtitle (self->logo_row, logo && *logo ? logo : _("No logo"));
  gtk_widget_set_sensitive (GTK_WIDGET (self->logo_clear_button), logo && *logo);
}

static void
on_logo_chosen_cb (GtkNativeDialog         *chooser,
                   int                      response,
                   BeaconPreferencesWindow *self)
{
  if (response == GTK_RESPONSE_ACCEPT && self->settings != NULL)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      g_autofree char *path = file ? g_file_get_path (file) : NULL;

      if (path != NULL)
        g_settings_set_string (self->settings, "report-logo", path);
    }
  g_clear_object (&self->chooser);
  update_logo_row (self);
}

static void
on_logo_button_clicked_cb (BeaconPreferencesWindow *self)
{
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, _("Images"));
  gtk_file_filter_add_mime_type (filter, "image/png");
  gtk_file_filter_add_mime_type (filter, "image/jpeg");
  gtk_file_filter_add_mime_type (filter, "image/svg+xml");

  g_clear_object (&self->chooser);
  self->chooser = gtk_file_chooser_native_new (_("Choose the Company Logo"), GTK_WINDOW (self),
                                               GTK_FILE_CHOOSER_ACTION_OPEN,
                                               _("_Select"), _("_Cancel"));
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), filter);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);
  g_signal_connect_object (self->chooser, "response", G_CALLBACK (on_logo_chosen_cb), self, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

static void
on_logo_clear_clicked_cb (BeaconPreferencesWindow *self)
{
  if (self->settings != NULL)
    g_settings_set_string (self->settings, "report-logo", "");
  update_logo_row (self);
}

static void
load_settings (BeaconPreferencesWindow *self)
{
  g_autofree char *mode = NULL;
  g_autofree char *folder = NULL;
  g_autofree char *url = NULL;
  g_autofree char *token = NULL;

  if (self->settings == NULL)
    {
      gtk_widget_set_sensitive (GTK_WIDGET (self), FALSE);
      return;
    }

  mode = g_settings_get_string (self->settings, "sync-mode");
  for (guint i = 0; i < G_N_ELEMENTS (modes); i++)
    if (g_str_equal (mode, modes[i]))
      adw_combo_row_set_selected (self->mode_row, i);

  folder = g_settings_get_string (self->settings, "sync-folder");
  url = g_settings_get_string (self->settings, "sync-server-url");
  token = g_settings_get_string (self->settings, "sync-token");
  gtk_editable_set_text (GTK_EDITABLE (self->folder_row), folder);
  gtk_editable_set_text (GTK_EDITABLE (self->url_row), url);
  gtk_editable_set_text (GTK_EDITABLE (self->token_row), token);

  g_settings_bind (self->settings, "report-company-name", self->company_row, "text",
                   G_SETTINGS_BIND_DEFAULT);
  update_logo_row (self);
}

static void
beacon_preferences_window_dispose (GObject *object)
{
  BeaconPreferencesWindow *self = (BeaconPreferencesWindow *)object;

  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);
  g_clear_object (&self->settings);
  gtk_widget_dispose_template (GTK_WIDGET (self), BEACON_TYPE_PREFERENCES_WINDOW);

  G_OBJECT_CLASS (beacon_preferences_window_parent_class)->dispose (object);
}

static void
beacon_preferences_window_finalize (GObject *object)
{
  BeaconPreferencesWindow *self = (BeaconPreferencesWindow *)object;

  g_clear_pointer (&self->folder_error, g_free);
  g_clear_pointer (&self->url_error, g_free);

  G_OBJECT_CLASS (beacon_preferences_window_parent_class)->finalize (object);
}

static void
beacon_preferences_window_class_init (BeaconPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = beacon_preferences_window_dispose;
  object_class->finalize = beacon_preferences_window_finalize;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/beacondesk/Beacon/ui/beacon-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, BeaconPreferencesWindow, mode_row);
  gtk_widget_class_bind_template_child (widget_class, BeaconPreferencesWindow, folder_row);
  gtk_widget_class_bind_template_child (widget_class, BeaconPreferencesWindow, url_row);
  gtk_widget_class_bind_template_child (widget_class, BeaconPreferencesWindow, token_row);
  gtk_widget_class_bind_template_child (widget_class, BeaconPreferencesWindow, sync_error_label);
  gtk_widget_class_bind_template_child (widget_class, BeaconPreferencesWindow, company_row);
  gtk_widget_class_bind_template_child (widget_class, BeaconPreferencesWindow, logo_row);
  gtk_widget_class_bind_template_child (widget_class, BeaconPreferencesWindow, logo_clear_button);
  gtk_widget_class_bind_template_callback (widget_class, on_folder_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_folder_button_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_url_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_token_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_logo_button_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_logo_clear_clicked_cb);

}

static void
beacon_preferences_window_init (BeaconPreferencesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->settings = dup_settings ();
  load_settings (self);
  g_signal_connect_swapped (self->mode_row, "notify::selected", G_CALLBACK (on_mode_selected_cb), self);
  update_rows (self);
}

/**
 * beacon_preferences_window_new:
 * @parent: (nullable): the window it belongs to
 *
 * Returns: (transfer full): the preferences of this workstation
 */
BeaconPreferencesWindow *
beacon_preferences_window_new (GtkWindow *parent)
{
  return g_object_new (BEACON_TYPE_PREFERENCES_WINDOW,
                       "transient-for", parent,
                       NULL);
}
