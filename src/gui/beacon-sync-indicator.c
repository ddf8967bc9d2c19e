/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "beacon-sync"

#include "config.h"

#include <glib/gi18n.h>

#include "beacon-sync.h"
#include "beacon-sync-indicator.h"

/* The header bar's sync button: an icon per state (synced, changes waiting,
 * offline, needs a person), and a popover that says when the last round
 * succeeded, what waits, and what went wrong. Hidden when sync is off. */

struct _BeaconSyncIndicator
{
  AdwBin             parent_instance;

  BeaconSyncMonitor *monitor;
  char              *summary;

  /* Template widgets */
  GtkMenuButton     *button;
  GtkLabel          *title_label;
  GtkLabel          *detail_label;
  GtkLabel          *problems_label;
  GtkButton         *conflicts_button;
};

G_DEFINE_FINAL_TYPE (BeaconSyncIndicator, beacon_sync_indicator, ADW_TYPE_BIN)

static const char *state_classes[] = { "sync-synced", "sync-pending", "sync-offline", "sync-problem",
                                       "success", "warning", "error" };

static char *
describe_last_success (gint64 now,
                       gint64 last_success)
{
  gint64 age = MAX (0, now - last_success);

  if (last_success <= 0)
    return g_strdup (_("Not synced yet"));
  if (age < 60)
    return g_strdup (_("Synced just now"));
  if (age < 3600)
    return g_strdup_printf (ngettext ("Synced %d minute ago", "Synced %d minutes ago",
                                      (int)(age / 60)), (int)(age / 60));
  if (age < 86400)
    return g_strdup_printf (ngettext ("Synced %d hour ago", "Synced %d hours ago",
                                      (int)(age / 3600)), (int)(age / 3600));
  return g_strdup_printf (ngettext ("Synced %d day ago", "Synced %d days ago",
                                    (int)(age / 86400)), (int)(age / 86400));
}

static void
update (BeaconSyncIndicator *self)
{
  BeaconSyncState state = beacon_sync_monitor_get_state (self->monitor);
  gint64 now = beacon_store_now (beacon_sync_monitor_get_store (self->monitor));
  gint64 pending = beacon_sync_monitor_get_pending (self->monitor);
  guint n_conflicts = beacon_sync_monitor_get_n_conflicts (self->monitor);
  const char *last_error = beacon_sync_monitor_get_last_error (self->monitor);
  JsonArray *quarantined = beacon_sync_monitor_get_quarantined (self->monitor);
  g_autofree char *age = describe_last_success (now, beacon_sync_monitor_get_last_success (self->monitor));
  g_autoptr(GString) detail = g_string_new (NULL);
  g_autoptr(GString) problems = g_string_new (NULL);
  const char *icon_name = "emblem-synchronizing-symbolic";
  const char *title = NULL;
  const char *style = NULL;
  gint64 skew;

  gtk_widget_set_visible (GTK_WIDGET (self), state != BEACON_SYNC_STATE_OFF);

  switch (state)
    {
    case BEACON_SYNC_STATE_OFF:
      title = _("Sync is off");
      break;
    case BEACON_SYNC_STATE_SYNCING:
      title = _("Syncing…");
      break;
    case BEACON_SYNC_STATE_SYNCED:
      icon_name = "emblem-ok-symbolic";
      style = "sync-synced";
      break;
    case BEACON_SYNC_STATE_PENDING:
      icon_name = "document-send-symbolic";
      style = "sync-pending";
      break;
    case BEACON_SYNC_STATE_OFFLINE:
      icon_name = "network-offline-symbolic";
      style = "sync-offline";
      title = _("Offline: the share or server cannot be reached");
      break;
    case BEACON_SYNC_STATE_PROBLEM:
      icon_name = "dialog-warning-symbolic";
      style = "sync-problem";
      title = _("Sync needs attention");
      break;
    default:
      g_assert_not_reached ();
    }

  if (pending > 0)
    g_string_append_printf (detail, ngettext ("%d change waits to be sent.",
                                              "%d changes wait to be sent.", (int)MIN (pending, G_MAXINT)),
                            (int)MIN (pending, G_MAXINT));
  else if (state != BEACON_SYNC_STATE_OFF)
    g_string_append (detail, _("Every change was sent."));
  if (state == BEACON_SYNC_STATE_OFFLINE || state == BEACON_SYNC_STATE_PROBLEM)
    {
      g_string_append_c (detail, '\n');
      g_string_append (detail, age);
    }

  if (last_error != NULL)
    g_string_append_printf (problems, "%s\n", last_error);
  for (guint i = 0; quarantined != NULL && i < json_array_get_length (quarantined); i++)
    {
      JsonObject *entry = json_array_get_object_element (quarantined, i);

      /* Translators: a quarantined sync segment: its file name and why it was set aside */
      g_string_append_printf (problems, _("Quarantined %s: %s\n"),
                              json_object_get_string_member_with_default (entry, "name", "?"),
                              json_object_get_string_member_with_default (entry, "reason", ""));
    }
  if (beacon_sync_monitor_get_clock_skew (self->monitor, &skew) &&
      ABS (skew) > BEACON_SYNC_CLOCK_SKEW_LIMIT)
    g_string_append_printf (problems,
                            ngettext ("This computer’s clock differs from the server’s by %d minute; "
                                      "check its time settings.\n",
                                      "This computer’s clock differs from the server’s by %d minutes; "
                                      "check its time settings.\n", (int)(ABS (skew) / 60)),
                            (int)(ABS (skew) / 60));
  if (problems->len > 0)
    g_string_truncate (problems, problems->len - 1);

  if (title == NULL)
    title = age;

  g_free (self->summary);
  if (n_conflicts > 0)
    /* Translators: the sync state, then the number of conflicts */
    self->summary = g_strdup_printf (ngettext ("%s; %u conflict to review", "%s; %u conflicts to review",
                                               n_conflicts), title, n_conflicts);
  else
    self->summary = g_strdup (title);

  gtk_menu_button_set_icon_name (self->button, icon_name);
  for (guint i = 0; i < G_N_ELEMENTS (state_classes); i++)
    gtk_widget_remove_css_class (GTK_WIDGET (self->button), state_classes[i]);
  if (style != NULL)
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->button), style);
      if (state == BEACON_SYNC_STATE_OFFLINE)
        gtk_widget_add_css_class (GTK_WIDGET (self->button), "warning");
      else if (state == BEACON_SYNC_STATE_PROBLEM)
        gtk_widget_add_css_class (GTK_WIDGET (self->button), "error");
    }
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->button), self->summary);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, self->summary,
                                  -1);

  gtk_label_set_text (self->title_label, title);
  gtk_label_set_text (self->detail_label, detail->str);
  gtk_label_set_text (self->problems_label, problems->str);
  gtk_widget_set_visible (GTK_WIDGET (self->problems_label), problems->len > 0);

  if (n_conflicts > 0)
    {
      g_autofree char *label = g_strdup_printf (ngettext ("Review %u Conflict…", "Review %u Conflicts…",
                                                          n_conflicts), n_conflicts);
      gtk_button_set_label (self->conflicts_button, label);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->conflicts_button), n_conflicts > 0);
}

static void
on_monitor_updated_cb (BeaconSyncMonitor   *monitor,
                       BeaconSyncIndicator *self)
{
  update (self);
}

static void
on_popover_show_cb (BeaconSyncIndicator *self)
{
  /* “2 minutes ago” ages while nobody looks. */
  if (self->monitor != NULL)
    update (self);
}

static void
beacon_sync_indicator_sync_now (GtkWidget  *widget,
                                const char *action_name,
                                GVariant   *parameter)
{
  BeaconSyncIndicator *self = BEACON_SYNC_INDICATOR (widget);

  if (self->monitor != NULL)
    beacon_sync_monitor_sync_now (self->monitor);
}

static void
beacon_sync_indicator_dispose (GObject *object)
{
  BeaconSyncIndicator *self = (BeaconSyncIndicator *)object;

  g_clear_object (&self->monitor);

  G_OBJECT_CLASS (beacon_sync_indicator_parent_class)->dispose (object);
}

static void
beacon_sync_indicator_finalize (GObject *object)
{
  BeaconSyncIndicator *self = (BeaconSyncIndicator *)object;

  g_clear_pointer (&self->summary, g_free);

  G_OBJECT_CLASS (beacon_sync_indicator_parent_class)->finalize (object);
}

static void
beacon_sync_indicator_class_init (BeaconSyncIndicatorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = beacon_sync_indicator_dispose;
  object_class->finalize = beacon_sync_indicator_finalize;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/beacondesk/Beacon/ui/beacon-sync-indicator.ui");
  gtk_widget_class_bind_template_child (widget_class, BeaconSyncIndicator, button);
  gtk_widget_class_bind_template_child (widget_class, BeaconSyncIndicator, title_label);
  gtk_widget_class_bind_template_child (widget_class, BeaconSyncIndicator, detail_label);
  gtk_widget_class_bind_template_child (widget_class, BeaconSyncIndicator, problems_label);
  gtk_widget_class_bind_template_child (widget_class, BeaconSyncIndicator, conflicts_button);
  gtk_widget_class_bind_template_callback (widget_class, on_popover_show_cb);

  gtk_widget_class_install_action (widget_class, "indicator.sync-now", NULL,
                                   beacon_sync_indicator_sync_now);
}

static void
beacon_sync_indicator_init (BeaconSyncIndicator *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/**
 * beacon_sync_indicator_attach:
 * @store: the window's store
 *
 * Starts keeping @store in sync (see #BeaconSyncMonitor) and shows how it goes.
 */
void
beacon_sync_indicator_attach (BeaconSyncIndicator *self,
                              BeaconStore         *store)
{
  g_return_if_fail (BEACON_IS_SYNC_INDICATOR (self));
  g_return_if_fail (BEACON_IS_STORE (store));
  g_return_if_fail (self->monitor == NULL);

  self->monitor = beacon_sync_monitor_new (store);
  g_signal_connect_object (self->monitor, "updated", G_CALLBACK (on_monitor_updated_cb), self, 0);
  update (self);
}

/**
 * beacon_sync_indicator_get_monitor:
 *
 * Returns: (transfer none) (nullable): the monitor, once attached
 */
BeaconSyncMonitor *
beacon_sync_indicator_get_monitor (BeaconSyncIndicator *self)
{
  g_return_val_if_fail (BEACON_IS_SYNC_INDICATOR (self), NULL);

  return self->monitor;
}

/**
 * beacon_sync_indicator_get_summary:
 *
 * Returns: (nullable): what the button's tooltip and accessible name say
 */
const char *
beacon_sync_indicator_get_summary (BeaconSyncIndicator *self)
{
  g_return_val_if_fail (BEACON_IS_SYNC_INDICATOR (self), NULL);

  return self->summary;
}

void
beacon_sync_indicator_popup (BeaconSyncIndicator *self)
{
  g_return_if_fail (BEACON_IS_SYNC_INDICATOR (self));

  gtk_menu_button_popup (self->button);
}
