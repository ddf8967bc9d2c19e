/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "beacon-gui"

#include "config.h"

#include <glib/gi18n.h>
#include <libnotify/notify.h>

#include "beacon-alert-monitor.h"
#include "beacon-notifier.h"

/* Desktop notifications for alerts, through libnotify. Its show call waits
 * for the notification server, so it runs in a worker thread of its own (one,
 * so libnotify is never entered twice at once); its proxy, made there without
 * a thread-default context, delivers “Open ticket” to the main loop, which
 * activates app.open-ticket. */

struct _BeaconNotifier
{
  GObject       parent_instance;

  GApplication *application;     /* weak */
  GThreadPool  *pool;
  GHashTable   *shown;           /* id → NotifyNotification, until closed */
  guint         n_pending;
};

G_DEFINE_FINAL_TYPE (BeaconNotifier, beacon_notifier, G_TYPE_OBJECT)

typedef struct
{
  BeaconNotifier     *self;
  NotifyNotification *notification;
} ShowJob;

static gboolean
on_shown_cb (gpointer user_data)
{
  BeaconNotifier *self = user_data;

  self->n_pending--;
  g_object_unref (self);

  return G_SOURCE_REMOVE;
}

static void
show_in_thread (gpointer data,
                gpointer user_data)
{
  ShowJob *job = data;
  g_autoptr(GError) error = NULL;

  if (!notify_notification_show (job->notification, &error))
    g_debug ("Could not show a notification: %s", error->message);

  g_object_unref (job->notification);
  g_idle_add (on_shown_cb, job->self);
  g_free (job);
}

static void
on_open_ticket_cb (NotifyNotification *notification,
                   char               *action,
                   gpointer            user_data)
{
  GApplication *application = g_application_get_default ();
  const char *ticket_id = user_data;

  if (application != NULL)
    g_action_group_activate_action (G_ACTION_GROUP (application), "open-ticket",
                                    g_variant_new_string (ticket_id));
}

static void
on_closed_cb (NotifyNotification *notification,
              BeaconNotifier     *self)
{
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, self->shown);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (value == notification)
      {
        g_hash_table_iter_remove (&iter);
        break;
      }
}

static void
beacon_notifier_finalize (GObject *object)
{
  BeaconNotifier *self = (BeaconNotifier *)object;

  /* Every job holds a reference, so none is left by now. */
  if (self->pool != NULL)
    g_thread_pool_free (g_steal_pointer (&self->pool), FALSE, TRUE);
  g_clear_pointer (&self->shown, g_hash_table_unref);
  g_clear_weak_pointer (&self->application);

  G_OBJECT_CLASS (beacon_notifier_parent_class)->finalize (object);
}

static void
beacon_notifier_class_init (BeaconNotifierClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = beacon_notifier_finalize;
}

static void
beacon_notifier_init (BeaconNotifier *self)
{
  self->pool = g_thread_pool_new (show_in_thread, NULL, 1, FALSE, NULL);
  self->shown = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
}

BeaconNotifier *
beacon_notifier_new (GApplication *application)
{
  BeaconNotifier *self = g_object_new (BEACON_TYPE_NOTIFIER, NULL);

  g_set_weak_pointer (&self->application, application);
  if (!notify_is_initted ())
    notify_init (_("Beacon"));

  return self;
}

/**
 * beacon_notifier_show_alert:
 * @now: the app clock's time, for “… left” or “overdue …”
 *
 * Shows @alert on the desktop: title, ticket, metric, time left or overdue,
 * and an “Open ticket” action. Returns at once.
 */
void
beacon_notifier_show_alert (BeaconNotifier    *self,
                            const BeaconAlert *alert,
                            gint64             now)
{
  g_autofree char *title = NULL;
  g_autofree char *body = NULL;
  g_autofree char *id = NULL;
  NotifyNotification *notification;
  ShowJob *job;

  g_return_if_fail (BEACON_IS_NOTIFIER (self));
  g_return_if_fail (alert != NULL);

  title = beacon_alert_dup_title (alert);
  body = beacon_alert_dup_body (alert, now);
  id = g_strdup_printf ("%s/%s/%s", alert->ticket_id, alert->metric, beacon_alert_kind_to_string (alert->kind));

  notification = notify_notification_new (title, body, "io.github.beacondesk.Beacon");
  notify_notification_set_app_name (notification, _("Beacon"));
  notify_notification_set_urgency (notification, alert->kind == BEACON_ALERT_WARNING
                                                   ? NOTIFY_URGENCY_NORMAL : NOTIFY_URGENCY_CRITICAL);
  notify_notification_set_hint_string (notification, "desktop-entry", APP_ID);
  notify_notification_add_action (notification, "default", _("Open ticket"),
                                  on_open_ticket_cb, g_strdup (alert->ticket_id), g_free);
  notify_notification_add_action (notification, "open-ticket", _("Open ticket"),
                                  on_open_ticket_cb, g_strdup (alert->ticket_id), g_free);
  g_signal_connect_object (notification, "closed", G_CALLBACK (on_closed_cb), self, 0);

  /* Kept alive so its actions can still be invoked. */
  g_hash_table_replace (self->shown, g_steal_pointer (&id), g_object_ref (notification));

  job = g_new0 (ShowJob, 1);
  job->self = g_object_ref (self);
  job->notification = notification;
  self->n_pending++;
  g_thread_pool_push (self->pool, job, NULL);
}

guint
beacon_notifier_get_n_pending (BeaconNotifier *self)
{
  g_return_val_if_fail (BEACON_IS_NOTIFIER (self), 0);

  return self->n_pending;
}
