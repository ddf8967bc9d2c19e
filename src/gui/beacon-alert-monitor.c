/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "beacon-gui"

#include "config.h"

#include <glib/gi18n.h>

#include "beacon-alert-monitor.h"
#include "beacon-escalation.h"
#include "beacon-metrics.h"
#include "beacon-countdown.h"
#include "beacon-ticket.h"

/* Runs the escalation check every 30 s and after every change in the store,
 * off the main thread, and emits ::alerts with what the current user must
 * hear about now. Each alert is recorded as raised in the same worker, so it
 * is announced once on this device (beacon_store_take_due_alerts()). */

struct _BeaconAlertMonitor
{
  GObject       parent_instance;

  BeaconStore  *store;
  char         *user_id;
  BeaconRole    role;
  guint         timeout_id;
  guint         idle_id;
  GCancellable *cancellable;
  gboolean      running;
  gboolean      again;
  gboolean      store_changed;    /* while a check ran */
  gboolean      started;
  guint         n_runs;
};

G_DEFINE_FINAL_TYPE (BeaconAlertMonitor, beacon_alert_monitor, G_TYPE_OBJECT)

enum {
  ALERTS,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

typedef struct
{
  char       *user_id;
  BeaconRole  role;
  gint64      now;
  gboolean    engine_acted;     /* set by the worker */
} CheckData;

static void
check_data_free (CheckData *data)
{
  g_free (data->user_id);
  g_free (data);
}

static BeaconAlert *
add_candidate (GPtrArray          *candidates,
               const BeaconTicket *ticket,
               const char         *metric,
               const char         *label,
               BeaconAlertKind     kind,
               gint64              instant,
               gint64              due_at)
{
  BeaconAlert *alert = beacon_alert_new (ticket->id, ticket->number, metric, label, kind, instant);

  alert->level = ticket->level;
  alert->due_at = due_at;
  alert->assignee_ids = g_strdupv (ticket->assignee_ids);
  g_ptr_array_add (candidates, alert);

  return alert;
}

/* How far back the engine's events still alert: a workstation that was off
 * or offline hears of the last day's escalations when it comes back. */
#define AUTOMATIC_ALERT_WINDOW (24 * 3600)

/* The escalation engine acts first. Its events, from this device or any
 * other by sync (raised levels, escalations, investigations), are
 * candidates; so is every clock in warning or breached, each ticket's every
 * clock and not only its most urgent one. */
static GPtrArray *
collect_candidates (BeaconStore  *store,
                    gint64        now,
                    gboolean     *out_engine_acted,
                    GError      **error)
{
  g_autoptr(GPtrArray) candidates = NULL;
  g_autoptr(GPtrArray) actions = NULL;
  g_autoptr(BeaconMetricsSnapshot) snapshot = NULL;
  g_autoptr(GArray) alerting = NULL;
  g_autoptr(GPtrArray) tickets = NULL;
  g_autoptr(GHashTable) by_id = NULL;

  if (!beacon_store_run_escalation (store, now, &actions, error))
    return NULL;
  *out_engine_acted = actions != NULL && actions->len > 0;

  candidates = beacon_store_list_automatic_alerts (store, now - AUTOMATIC_ALERT_WINDOW, error);
  if (candidates == NULL)
    return NULL;

  /* One read of the open tickets and one pass over the live clocks. A
   * warning is keyed by the clock's due time, which is stable per clock. */
  tickets = beacon_store_list_tickets (store, TRUE, error);
  if (tickets == NULL)
    return NULL;
  by_id = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < tickets->len; i++)
    {
      BeaconTicket *ticket = g_ptr_array_index (tickets, i);

      g_hash_table_insert (by_id, ticket->id, ticket);
    }

  snapshot = beacon_store_dup_metrics_snapshot (store, error);
  if (snapshot == NULL)
    return NULL;
  alerting = beacon_metrics_snapshot_collect_alerting (snapshot, now);

  for (guint i = 0; i < alerting->len; i++)
    {
      const BeaconMetricUrgency *clock = &g_array_index (alerting, BeaconMetricUrgency, i);
      const BeaconTicket *ticket = g_hash_table_lookup (by_id, clock->ticket_id);

      if (ticket == NULL)
        continue;

      if (clock->status == BEACON_METRIC_WARNING)
        {
          BeaconAlert *alert = add_candidate (candidates, ticket, clock->metric,
                                              beacon_metric_get_label (clock->metric),
                                              BEACON_ALERT_WARNING, clock->due_at, clock->due_at);

          /* In warning now, by the engine's word. */
          alert->raise_at = now;
        }
      else
        add_candidate (candidates, ticket, clock->metric, beacon_metric_get_label (clock->metric),
                       BEACON_ALERT_BREACH, clock->due_at, clock->due_at);
    }

  return g_steal_pointer (&candidates);
}

static void
check_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  BeaconAlertMonitor *self = source_object;
  CheckData *data = task_data;
  g_autoptr(GPtrArray) candidates = NULL;
  GPtrArray *due;
  GError *error = NULL;

  candidates = collect_candidates (self->store, data->now, &data->engine_acted, &error);
  if (candidates == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  due = beacon_store_take_due_alerts (self->store, candidates, data->user_id, data->role,
                                      data->now, &error);
  if (due == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, due, (GDestroyNotify) g_ptr_array_unref);
}

static void start_check (BeaconAlertMonitor *self);

static void
on_check_done_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  BeaconAlertMonitor *self = BEACON_ALERT_MONITOR (object);
  CheckData *data = g_task_get_task_data (G_TASK (result));
  g_autoptr(GPtrArray) due = NULL;
  g_autoptr(GError) error = NULL;
  gboolean store_changed = self->store_changed;

  self->running = FALSE;
  self->store_changed = FALSE;
  self->n_runs++;

  /* The engine's own commits announce themselves while it runs (the store
   * queues ::changed before the check's answer); they cannot cause new
   * actions, as it looked again at what it changed until nothing was left
   * to do. A change while a check that did nothing ran was someone else's:
   * check again. Others' changes while the engine acted are taken in by the
   * next check, 30 s later at most. */
  if (store_changed && !data->engine_acted)
    self->again = TRUE;

  due = g_task_propagate_pointer (G_TASK (result), &error);
  if (due == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_warning ("Could not check the SLA alerts: %s", error->message);
    }
  else if (due->len > 0)
    g_signal_emit (self, signals[ALERTS], 0, due);

  if (self->again)
    {
      self->again = FALSE;
      start_check (self);
    }
}

static void
start_check (BeaconAlertMonitor *self)
{
  g_autoptr(GTask) task = NULL;
  CheckData *data;

  /* One check at a time; a change meanwhile asks for one more afterwards. */
  if (self->running)
    {
      self->again = TRUE;
      return;
    }

  data = g_new0 (CheckData, 1);
  data->user_id = g_strdup (self->user_id);
  data->role = self->role;
  data->now = beacon_store_now (self->store);

  self->running = TRUE;
  task = g_task_new (self, self->cancellable, on_check_done_cb, NULL);
  g_task_set_source_tag (task, start_check);
  g_task_set_task_data (task, data, (GDestroyNotify) check_data_free);
  g_task_run_in_thread (task, check_thread);
}

static gboolean
on_interval_cb (gpointer user_data)
{
  start_check (BEACON_ALERT_MONITOR (user_data));

  return G_SOURCE_CONTINUE;
}

static gboolean
on_idle_check_cb (gpointer user_data)
{
  BeaconAlertMonitor *self = user_data;

  self->idle_id = 0;
  start_check (self);

  return G_SOURCE_REMOVE;
}

/**
 * beacon_alert_monitor_check:
 *
 * Checks soon (batched with other requests in the same main loop iteration).
 */
void
beacon_alert_monitor_check (BeaconAlertMonitor *self)
{
  g_return_if_fail (BEACON_IS_ALERT_MONITOR (self));

  /* Before start, the request is kept for then. */
  if (!self->started)
    {
      self->again = TRUE;
      return;
    }

  if (self->idle_id == 0)
    self->idle_id = g_idle_add (on_idle_check_cb, self);
}

/**
 * beacon_alert_monitor_start:
 *
 * Begins checking: at once, then every 30 s and after each change. The app
 * starts it once the board has been shown, so the first check does not
 * compete with the first load for the store.
 */
void
beacon_alert_monitor_start (BeaconAlertMonitor *self)
{
  g_return_if_fail (BEACON_IS_ALERT_MONITOR (self));

  if (self->started)
    return;

  self->started = TRUE;
  self->again = FALSE;
  self->timeout_id = g_timeout_add_seconds (BEACON_ALERT_MONITOR_INTERVAL_SECONDS, on_interval_cb, self);
  beacon_alert_monitor_check (self);
}

static void
on_store_changed_cb (BeaconStore        *store,
                     BeaconAlertMonitor *self)
{
  if (self->running)
    {
      self->store_changed = TRUE;
      return;
    }

  beacon_alert_monitor_check (self);
}

static void
beacon_alert_monitor_dispose (GObject *object)
{
  BeaconAlertMonitor *self = (BeaconAlertMonitor *)object;

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->timeout_id, g_source_remove);
  g_clear_handle_id (&self->idle_id, g_source_remove);

  G_OBJECT_CLASS (beacon_alert_monitor_parent_class)->dispose (object);
}

static void
beacon_alert_monitor_finalize (GObject *object)
{
  BeaconAlertMonitor *self = (BeaconAlertMonitor *)object;

  g_clear_object (&self->store);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->user_id, g_free);

  G_OBJECT_CLASS (beacon_alert_monitor_parent_class)->finalize (object);
}

static void
beacon_alert_monitor_class_init (BeaconAlertMonitorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = beacon_alert_monitor_dispose;
  object_class->finalize = beacon_alert_monitor_finalize;

  /**
   * BeaconAlertMonitor::alerts:
   * @alerts: (element-type BeaconAlert): what to announce now, each once
   */
  signals[ALERTS] = g_signal_new ("alerts",
                                  G_TYPE_FROM_CLASS (klass),
                                  G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                  G_TYPE_NONE, 1, G_TYPE_PTR_ARRAY);
}

static void
beacon_alert_monitor_init (BeaconAlertMonitor *self)
{
  self->cancellable = g_cancellable_new ();
  self->role = BEACON_ROLE_OPERATOR;
}

/**
 * beacon_alert_monitor_new:
 *
 * Returns: (transfer full): a monitor that checks @store every 30 s and after
 *   each change; set its user first
 */
BeaconAlertMonitor *
beacon_alert_monitor_new (BeaconStore *store)
{
  BeaconAlertMonitor *self;

  g_return_val_if_fail (BEACON_IS_STORE (store), NULL);

  self = g_object_new (BEACON_TYPE_ALERT_MONITOR, NULL);
  self->store = g_object_ref (store);
  g_signal_connect_object (store, "changed", G_CALLBACK (on_store_changed_cb), self, 0);

  return self;
}

/**
 * beacon_alert_monitor_set_user:
 * @user_id: (nullable): the workstation's current user
 *
 * Alerts follow the user's role; checks at once.
 */
void
beacon_alert_monitor_set_user (BeaconAlertMonitor *self,
                               const char         *user_id,
                               BeaconRole          role)
{
  g_return_if_fail (BEACON_IS_ALERT_MONITOR (self));

  g_free (self->user_id);
  self->user_id = g_strdup (user_id);
  self->role = role;
  beacon_alert_monitor_check (self);
}

gboolean
beacon_alert_monitor_is_busy (BeaconAlertMonitor *self)
{
  g_return_val_if_fail (BEACON_IS_ALERT_MONITOR (self), FALSE);

  return !self->started || self->running || self->idle_id != 0;
}

guint
beacon_alert_monitor_get_n_runs (BeaconAlertMonitor *self)
{
  g_return_val_if_fail (BEACON_IS_ALERT_MONITOR (self), 0);

  return self->n_runs;
}

/**
 * beacon_alert_dup_title:
 *
 * Returns: (transfer full): a notification's title for @alert
 */
char *
beacon_alert_dup_title (const BeaconAlert *alert)
{
  switch (alert->kind)
    {
    case BEACON_ALERT_WARNING:
      /* Translators: a notification title, e.g. “Phone response due soon” */
      return g_strdup_printf (_("%s due soon"), alert->metric_label);
    case BEACON_ALERT_BREACH:
      /* Translators: a notification title, e.g. “Phone response overdue” */
      return g_strdup_printf (_("%s overdue"), alert->metric_label);
    case BEACON_ALERT_LEVEL_CHANGED:
      return g_strdup (_("Fault level changed"));
    case BEACON_ALERT_INVESTIGATION:
      return g_strdup (_("Investigation opened"));
    default:
      return g_strdup (_("Ticket alert"));
    }
}

/**
 * beacon_alert_dup_body:
 *
 * Returns: (transfer full): a notification's text: the ticket and the time
 *   left or overdue at @now
 */
char *
beacon_alert_dup_body (const BeaconAlert *alert,
                       gint64             now)
{
  g_autofree char *duration = NULL;

  switch (alert->kind)
    {
    case BEACON_ALERT_WARNING:
      duration = beacon_countdown_format_duration (alert->due_at - now);
      /* Translators: ticket number, level, metric, time left */
      return g_strdup_printf (_("Ticket %s (%s): %s, %s left"), alert->ticket_number,
                              beacon_level_get_label (alert->level), alert->metric_label, duration);
    case BEACON_ALERT_BREACH:
      duration = beacon_countdown_format_duration (now - alert->due_at);
      /* Translators: ticket number, level, metric, time overdue */
      return g_strdup_printf (_("Ticket %s (%s): %s, overdue %s"), alert->ticket_number,
                              beacon_level_get_label (alert->level), alert->metric_label, duration);
    default:
      return g_strdup_printf (_("Ticket %s (%s)"), alert->ticket_number,
                              beacon_level_get_label (alert->level));
    }
}
