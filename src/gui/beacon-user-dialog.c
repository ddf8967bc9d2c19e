/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "beacon-gui"

#include "config.h"

#include <glib/gi18n.h>

#include "beacon-archive.h"
#include "beacon-user-dialog.h"

/* Who works at this workstation: one of the store's people, or a new one
 * with a name and a role. Alerts follow the role. Emits ::user-chosen. */

struct _BeaconUserDialog
{
  AdwMessageDialog  parent_instance;

  BeaconStore      *store;
  GPtrArray        *user_ids;   /* as in the drop-down, the last entry is “new” */
  GtkDropDown      *users;
  GtkEntry         *name;
  GtkDropDown      *role;
  GtkWidget        *new_box;
};

G_DEFINE_FINAL_TYPE (BeaconUserDialog, beacon_user_dialog, ADW_TYPE_MESSAGE_DIALOG)

enum {
  USER_CHOSEN,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static gboolean
wants_new_user (BeaconUserDialog *self)
{
  return gtk_drop_down_get_selected (self->users) >= self->user_ids->len;
}

static void
update_sensitivity (BeaconUserDialog *self)
{
  gboolean creating = wants_new_user (self);

  gtk_widget_set_visible (self->new_box, creating);
  adw_message_dialog_set_response_enabled (ADW_MESSAGE_DIALOG (self), "choose",
                                           !creating || *gtk_editable_get_text (GTK_EDITABLE (self->name)) != '\0');
}

static void
beacon_user_dialog_response (AdwMessageDialog *dialog,
                             const char       *response)
{
  BeaconUserDialog *self = BEACON_USER_DIALOG (dialog);
  g_autofree char *user_id = NULL;

  if (g_strcmp0 (response, "choose") == 0)
    {
      if (wants_new_user (self))
        {
          g_autoptr(GError) error = NULL;
          const char *name = gtk_editable_get_text (GTK_EDITABLE (self->name));
          BeaconRole role = gtk_drop_down_get_selected (self->role);

          user_id = beacon_store_add_user (self->store, g_strstrip (g_strdup (name)) , role, NULL, &error);
          if (user_id == NULL)
            g_warning ("Could not add the user: %s", error->message);
        }
      else
        user_id = g_strdup (g_ptr_array_index (self->user_ids, gtk_drop_down_get_selected (self->users)));

      if (user_id != NULL)
        g_signal_emit (self, signals[USER_CHOSEN], 0, user_id);
    }

  ADW_MESSAGE_DIALOG_CLASS (beacon_user_dialog_parent_class)->response (dialog, response);
}

static void
beacon_user_dialog_finalize (GObject *object)
{
  BeaconUserDialog *self = (BeaconUserDialog *)object;

  g_clear_object (&self->store);
  g_clear_pointer (&self->user_ids, g_ptr_array_unref);

  G_OBJECT_CLASS (beacon_user_dialog_parent_class)->finalize (object);
}

static void
beacon_user_dialog_class_init (BeaconUserDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  AdwMessageDialogClass *dialog_class = ADW_MESSAGE_DIALOG_CLASS (klass);

  object_class->finalize = beacon_user_dialog_finalize;
  dialog_class->response = beacon_user_dialog_response;

  /**
   * BeaconUserDialog::user-chosen:
   * @user_id: the chosen or created user
   */
  signals[USER_CHOSEN] = g_signal_new ("user-chosen",
                                       G_TYPE_FROM_CLASS (klass),
                                       G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                       G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
beacon_user_dialog_init (BeaconUserDialog *self)
{
  self->user_ids = g_ptr_array_new_with_free_func (g_free);
}

/**
 * beacon_user_dialog_new:
 *
 * Returns: (transfer floating): a dialog asking who works here
 */
BeaconUserDialog *
beacon_user_dialog_new (GtkWindow   *parent,
                        BeaconStore *store)
{
  BeaconUserDialog *self;
  g_autoptr(GtkStringList) names = gtk_string_list_new (NULL);
  g_autoptr(GtkStringList) roles = gtk_string_list_new (NULL);
  g_autoptr(GPtrArray) users = NULL;
  GtkWidget *box;

  g_return_val_if_fail (BEACON_IS_STORE (store), NULL);

  self = g_object_new (BEACON_TYPE_USER_DIALOG,
                       "transient-for", parent,
                       "heading", _("Who Is Working Here?"),
                       "body", _("Alerts follow your role: engineers hear about their own tickets, "
                                 "supervisors about all of them."),
                       NULL);
  self->store = g_object_ref (store);

  users = beacon_store_list_users (store, NULL);
  for (guint i = 0; users != NULL && i < users->len; i++)
    {
      BeaconUser *user = g_ptr_array_index (users, i);
      g_autofree char *label = g_strdup_printf ("%s (%s)", user->name, beacon_role_get_label (user->role));

      gtk_string_list_append (names, label);
      g_ptr_array_add (self->user_ids, g_strdup (user->id));
    }
  gtk_string_list_append (names, _("Someone new…"));
  for (int role = 0; role < BEACON_N_ROLES; role++)
    gtk_string_list_append (roles, beacon_role_get_label (role));

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  self->users = GTK_DROP_DOWN (gtk_drop_down_new (G_LIST_MODEL (g_object_ref (names)), NULL));
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->users));

  self->new_box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  self->name = GTK_ENTRY (gtk_entry_new ());
  gtk_entry_set_placeholder_text (self->name, _("Your name"));
  gtk_entry_set_activates_default (self->name, TRUE);
  self->role = GTK_DROP_DOWN (gtk_drop_down_new (G_LIST_MODEL (g_object_ref (roles)), NULL));
  gtk_box_append (GTK_BOX (self->new_box), GTK_WIDGET (self->name));
  gtk_box_append (GTK_BOX (self->new_box), GTK_WIDGET (self->role));
  gtk_box_append (GTK_BOX (box), self->new_box);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (self), box);

  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (self),
                                    "cancel", _("_Later"), "choose", _("_Continue"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (self), "choose", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (self), "choose");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (self), "cancel");

  g_signal_connect_swapped (self->users, "notify::selected", G_CALLBACK (update_sensitivity), self);
  g_signal_connect_swapped (self->name, "changed", G_CALLBACK (update_sensitivity), self);
  update_sensitivity (self);

  return self;
}
