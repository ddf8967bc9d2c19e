/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "beacon-sync"

#include "config.h"

#include <glib/gi18n.h>

#include "beacon-sync.h"
#include "beacon-sync-monitor.h"

/* Keeps one store in sync with the share or server chosen in the
 * preferences: a round a little after each local change, and every
 * @interval seconds to receive what other devices wrote. Rounds run in a
 * worker thread; automatic ones wait for the core's back-off after a
 * failure, "Sync Now" does not. */

#define DEBOUNCE_MS      2000
#define DEFAULT_INTERVAL 30

struct _BeaconSyncMonitor
{
  GObject          parent_instance;

  BeaconStore     *store;
  GSettings       *settings;
  GCancellable    *cancellable;
  guint            debounce_id;
  guint            interval_id;
  guint            interval;
  gint64           seen_seq;

  /* A round is running; what to do when it ends. */
  guint            busy : 1;
  guint            again_sync : 1;
  guint            again_forced : 1;
  guint            again_status : 1;
  guint            have_result : 1;
  guint            n_rounds;

  /* The latest result */
  BeaconSyncState  state;
  gint64           last_success;
  gint64           pending;
  char            *last_error;
  guint            n_conflicts;
  gboolean         clock_skew_known;
  gint64           clock_skew;
  JsonArray       *quarantined;
};

G_DEFINE_FINAL_TYPE (BeaconSyncMonitor, beacon_sync_monitor, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_STORE,
  PROP_STATE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  UPDATED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

typedef struct
{
  BeaconStore      *store;
  char             *mode;
  char             *location;   /* folder or URL */
  char             *token;
  gboolean          sync;
  gboolean          forced;

  /* Results */
  gboolean          ran;
  GError           *error;
  JsonNode         *status;
  guint             n_conflicts;
  BeaconSyncReport  report;
} Round;

static void
round_free (Round *round)
{
  g_clear_object (&round->store);
  g_free (round->mode);
  g_free (round->location);
  g_free (round->token);
  g_clear_error (&round->error);
  g_clear_pointer (&round->status, json_node_unref);
  g_free (round);
}

static GSettings *
dup_settings (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = source ? g_settings_schema_source_lookup (source, APP_ID, TRUE) : NULL;

  if (schema == NULL || !g_settings_schema_has_key (schema, "sync-mode"))
    return NULL;

  return g_settings_new (APP_ID);
}

static char *
dup_mode (BeaconSyncMonitor *self)
{
  g_autofree char *mode = self->settings ? g_settings_get_string (self->settings, "sync-mode") : NULL;
  g_autofree char *location = NULL;

  if (mode == NULL || g_str_equal (mode, "none"))
    return g_strdup ("none");

  location = g_settings_get_string (self->settings,
                                    g_str_equal (mode, "folder") ? "sync-folder" : "sync-server-url");
  if (*location == '\0')
    return g_strdup ("none");

  return g_steal_pointer (&mode);
}

static char *
dup_target (const char *mode,
            const char *location)
{
  if (g_str_equal (mode, "folder"))
    return beacon_sync_dup_folder_target (location);
  if (g_str_equal (mode, "server"))
    return beacon_sync_dup_server_target (location);
  return NULL;
}

static void
run_round (GTask        *task,
           gpointer      source_object,
           gpointer      task_data,
           GCancellable *cancellable)
{
  Round *round = task_data;
  g_autofree char *target = dup_target (round->mode, round->location);
  g_autoptr(JsonNode) conflicts = NULL;

  if (round->sync && target != NULL &&
      (round->forced ||
       beacon_store_now (round->store) >= beacon_sync_get_next_attempt (round->store, target)))
    {
      round->ran = TRUE;
      if (g_str_equal (round->mode, "folder"))
        beacon_sync_folder (round->store, round->location, &round->report, &round->error);
      else
        beacon_sync_server (round->store, round->location, round->token, &round->report,
                            &round->error);
    }

  round->status = beacon_sync_dup_status (round->store, NULL);
  conflicts = beacon_sync_dup_conflicts (round->store, NULL);
  if (conflicts != NULL)
    round->n_conflicts = json_array_get_length (json_node_get_array (conflicts));

  g_task_return_boolean (task, TRUE);
}

static JsonObject *
find_target (JsonNode   *status,
             const char *target)
{
  JsonArray *targets;

  if (status == NULL || target == NULL)
    return NULL;

  targets = json_object_get_array_member (json_node_get_object (status), "targets");
  for (guint i = 0; targets != NULL && i < json_array_get_length (targets); i++)
    {
      JsonObject *object = json_array_get_object_element (targets, i);

      if (g_strcmp0 (json_object_get_string_member_with_default (object, "target", NULL), target) == 0)
        return object;
    }

  return NULL;
}

static gint64
get_int_or (JsonObject *object,
            const char *member,
            gint64      fallback)
{
  JsonNode *node = object ? json_object_get_member (object, member) : NULL;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return fallback;
  return json_node_get_int (node);
}

static void
set_error (BeaconSyncMonitor *self,
           const char        *message)
{
  if (g_strcmp0 (self->last_error, message) == 0)
    return;
  g_free (self->last_error);
  self->last_error = g_strdup (message);
}

static void
set_state (BeaconSyncMonitor *self,
           BeaconSyncState    state)
{
  if (self->state == state)
    return;
  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

static void
apply_round (BeaconSyncMonitor *self,
             Round             *round)
{
  g_autofree char *target = dup_target (round->mode, round->location);
  JsonObject *status = round->status ? json_node_get_object (round->status) : NULL;
  JsonObject *entry = find_target (round->status, target);
  gboolean offline = FALSE, refused = FALSE;
  BeaconSyncState state;

  self->n_conflicts = round->n_conflicts;
  g_clear_pointer (&self->quarantined, json_array_unref);
  if (status != NULL && json_object_has_member (status, "quarantined"))
    self->quarantined = json_array_ref (json_object_get_array_member (status, "quarantined"));

  self->last_success = get_int_or (entry, "last_success", 0);
  self->pending = entry ? get_int_or (entry, "pending", 0)
                        : get_int_or (status, "last_seq", 0);
  self->clock_skew_known = entry != NULL && get_int_or (entry, "clock_skew", G_MININT64) != G_MININT64;
  self->clock_skew = get_int_or (entry, "clock_skew", 0);

  if (round->ran)
    {
      self->n_rounds++;
      set_error (self, round->error ? round->error->message : NULL);
      if (round->error != NULL)
        {
          offline = g_error_matches (round->error, BEACON_SYNC_ERROR, BEACON_SYNC_ERROR_UNAVAILABLE);
          refused = !offline;
        }
    }
  else if (entry != NULL)
    {
      /* Between rounds, e.g. after a restart, the stored state says how the last one went. */
      const char *stored = json_object_get_string_member_with_default (entry, "last_error", NULL);

      set_error (self, stored);
      offline = stored != NULL;
    }

  if (g_str_equal (round->mode, "none"))
    state = BEACON_SYNC_STATE_OFF;
  else if (refused || self->n_conflicts > 0 ||
           (self->quarantined != NULL && json_array_get_length (self->quarantined) > 0) ||
           (self->clock_skew_known && ABS (self->clock_skew) > BEACON_SYNC_CLOCK_SKEW_LIMIT))
    state = BEACON_SYNC_STATE_PROBLEM;
  else if (offline)
    state = BEACON_SYNC_STATE_OFFLINE;
  else if (entry == NULL)
    state = self->busy ? BEACON_SYNC_STATE_SYNCING : BEACON_SYNC_STATE_PENDING;
  else if (self->pending > 0)
    state = BEACON_SYNC_STATE_PENDING;
  else
    state = BEACON_SYNC_STATE_SYNCED;

  self->have_result = TRUE;
  set_state (self, state);
  g_signal_emit (self, signals[UPDATED], 0);
}

static void queue_round (BeaconSyncMonitor *self,
                         gboolean           sync,
                         gboolean           forced);

static void
on_round_done_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(BeaconSyncMonitor) self = user_data;
  Round *round = g_task_get_task_data (G_TASK (result));

  if (!g_task_propagate_boolean (G_TASK (result), NULL))
    return;
  if (g_cancellable_is_cancelled (self->cancellable))
    return;

  if (round->ran && round->error != NULL)
    g_debug ("Sync round failed: %s", round->error->message);

  self->busy = FALSE;
  apply_round (self, round);

  if (self->again_sync || self->again_status)
    {
      gboolean sync = self->again_sync, forced = self->again_forced;

      self->again_sync = self->again_forced = self->again_status = FALSE;
      queue_round (self, sync, forced);
    }
}

static void
queue_round (BeaconSyncMonitor *self,
             gboolean           sync,
             gboolean           forced)
{
  g_autoptr(GTask) task = NULL;
  Round *round;

  if (self->busy)
    {
      self->again_sync |= sync;
      self->again_forced |= forced;
      self->again_status = TRUE;
      return;
    }

  round = g_new0 (Round, 1);
  round->store = g_object_ref (self->store);
  round->mode = dup_mode (self);
  if (!g_str_equal (round->mode, "none"))
    {
      round->location = g_settings_get_string (self->settings,
                                               g_str_equal (round->mode, "folder")
                                                 ? "sync-folder" : "sync-server-url");
      round->token = g_settings_get_string (self->settings, "sync-token");
    }
  round->sync = sync && !g_str_equal (round->mode, "none");
  round->forced = forced;
  if (round->sync)
    self->seen_seq = beacon_store_get_last_seq (self->store);

  self->busy = TRUE;
  if (!self->have_result && round->sync)
    set_state (self, BEACON_SYNC_STATE_SYNCING);

  task = g_task_new (self, self->cancellable, on_round_done_cb, g_object_ref (self));
  g_task_set_source_tag (task, queue_round);
  g_task_set_task_data (task, round, (GDestroyNotify)round_free);
  g_task_run_in_thread (task, run_round);
}

static gboolean
on_debounce_cb (gpointer user_data)
{
  BeaconSyncMonitor *self = user_data;

  self->debounce_id = 0;
  queue_round (self, TRUE, FALSE);

  return G_SOURCE_REMOVE;
}

static gboolean
on_interval_cb (gpointer user_data)
{
  queue_round (BEACON_SYNC_MONITOR (user_data), TRUE, FALSE);

  return G_SOURCE_CONTINUE;
}

static void
restart_interval (BeaconSyncMonitor *self)
{
  g_autofree char *mode = dup_mode (self);

  g_clear_handle_id (&self->interval_id, g_source_remove);
  if (!g_str_equal (mode, "none"))
    self->interval_id = g_timeout_add_seconds (self->interval, on_interval_cb, self);
}

static void
on_store_changed_cb (BeaconStore       *store,
                     BeaconSyncMonitor *self)
{
  g_autofree char *mode = dup_mode (self);

  /* Changes received from other devices need no round of their own. */
  if (!g_str_equal (mode, "none") && beacon_store_get_last_seq (store) != self->seen_seq)
    {
      g_clear_handle_id (&self->debounce_id, g_source_remove);
      self->debounce_id = g_timeout_add (DEBOUNCE_MS, on_debounce_cb, self);
    }

  /* Conflicts settled, counts changed: the indicator shows it at once. */
  queue_round (self, FALSE, FALSE);
}

static void
on_settings_changed_cb (GSettings         *settings,
                        const char        *key,
                        BeaconSyncMonitor *self)
{
  if (!g_str_has_prefix (key, "sync-"))
    return;

  self->have_result = FALSE;
  restart_interval (self);
  queue_round (self, TRUE, TRUE);
}

static void
beacon_sync_monitor_constructed (GObject *object)
{
  BeaconSyncMonitor *self = (BeaconSyncMonitor *)object;

  G_OBJECT_CLASS (beacon_sync_monitor_parent_class)->constructed (object);

  g_assert (BEACON_IS_STORE (self->store));

  self->settings = dup_settings ();
  if (self->settings != NULL)
    g_signal_connect_object (self->settings, "changed",
                             G_CALLBACK (on_settings_changed_cb), self, 0);
  g_signal_connect_object (self->store, "changed", G_CALLBACK (on_store_changed_cb), self, 0);

  restart_interval (self);
  /* Catch up on what was written while the app was closed. */
  queue_round (self, TRUE, FALSE);
}

static void
beacon_sync_monitor_dispose (GObject *object)
{
  BeaconSyncMonitor *self = (BeaconSyncMonitor *)object;

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->debounce_id, g_source_remove);
  g_clear_handle_id (&self->interval_id, g_source_remove);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (beacon_sync_monitor_parent_class)->dispose (object);
}

static void
beacon_sync_monitor_finalize (GObject *object)
{
  BeaconSyncMonitor *self = (BeaconSyncMonitor *)object;

  g_clear_object (&self->cancellable);
  g_clear_object (&self->store);
  g_clear_pointer (&self->last_error, g_free);
  g_clear_pointer (&self->quarantined, json_array_unref);

  G_OBJECT_CLASS (beacon_sync_monitor_parent_class)->finalize (object);
}

static void
beacon_sync_monitor_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  BeaconSyncMonitor *self = BEACON_SYNC_MONITOR (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;

    case PROP_STATE:
      g_value_set_int (value, self->state);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
beacon_sync_monitor_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  BeaconSyncMonitor *self = BEACON_SYNC_MONITOR (object);

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
beacon_sync_monitor_class_init (BeaconSyncMonitorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = beacon_sync_monitor_constructed;
  object_class->dispose = beacon_sync_monitor_dispose;
  object_class->finalize = beacon_sync_monitor_finalize;
  object_class->get_property = beacon_sync_monitor_get_property;
  object_class->set_property = beacon_sync_monitor_set_property;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, BEACON_TYPE_STORE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_STATE] =
    g_param_spec_int ("state", NULL, NULL,
                      BEACON_SYNC_STATE_OFF, BEACON_SYNC_STATE_PROBLEM, BEACON_SYNC_STATE_OFF,
                      G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * BeaconSyncMonitor::updated:
   *
   * A round, or a look at the sync state, has finished.
   */
  signals[UPDATED] = g_signal_new ("updated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
beacon_sync_monitor_init (BeaconSyncMonitor *self)
{
  self->cancellable = g_cancellable_new ();
  self->interval = DEFAULT_INTERVAL;
  self->seen_seq = -1;
}

/**
 * beacon_sync_monitor_new:
 * @store: the store to keep in sync
 *
 * Returns: (transfer full): a monitor that starts its first round at once
 */
BeaconSyncMonitor *
beacon_sync_monitor_new (BeaconStore *store)
{
  g_return_val_if_fail (BEACON_IS_STORE (store), NULL);

  return g_object_new (BEACON_TYPE_SYNC_MONITOR, "store", store, NULL);
}

BeaconStore *
beacon_sync_monitor_get_store (BeaconSyncMonitor *self)
{
  g_return_val_if_fail (BEACON_IS_SYNC_MONITOR (self), NULL);

  return self->store;
}

/**
 * beacon_sync_monitor_sync_now:
 *
 * Runs a round now, without waiting for a back-off to end.
 */
void
beacon_sync_monitor_sync_now (BeaconSyncMonitor *self)
{
  g_return_if_fail (BEACON_IS_SYNC_MONITOR (self));

  queue_round (self, TRUE, TRUE);
}

/**
 * beacon_sync_monitor_set_interval:
 * @seconds: how often to look for other devices' changes
 */
void
beacon_sync_monitor_set_interval (BeaconSyncMonitor *self,
                                  guint              seconds)
{
  g_return_if_fail (BEACON_IS_SYNC_MONITOR (self));
  g_return_if_fail (seconds > 0);

  self->interval = seconds;
  restart_interval (self);
}

gboolean
beacon_sync_monitor_is_busy (BeaconSyncMonitor *self)
{
  g_return_val_if_fail (BEACON_IS_SYNC_MONITOR (self), FALSE);

  return self->busy || self->debounce_id != 0;
}

/**
 * beacon_sync_monitor_get_n_rounds:
 *
 * Returns: how many rounds actually ran (skipped automatic ones in a
 *   back-off do not count)
 */
guint
beacon_sync_monitor_get_n_rounds (BeaconSyncMonitor *self)
{
  g_return_val_if_fail (BEACON_IS_SYNC_MONITOR (self), 0);

  return self->n_rounds;
}

BeaconSyncState
beacon_sync_monitor_get_state (BeaconSyncMonitor *self)
{
  g_return_val_if_fail (BEACON_IS_SYNC_MONITOR (self), BEACON_SYNC_STATE_OFF);

  return self->state;
}

/**
 * beacon_sync_monitor_get_last_success:
 *
 * Returns: when (store clock, seconds) a round last completed, or 0
 */
gint64
beacon_sync_monitor_get_last_success (BeaconSyncMonitor *self)
{
  g_return_val_if_fail (BEACON_IS_SYNC_MONITOR (self), 0);

  return self->last_success;
}

gint64
beacon_sync_monitor_get_pending (BeaconSyncMonitor *self)
{
  g_return_val_if_fail (BEACON_IS_SYNC_MONITOR (self), 0);

  return self->pending;
}

const char *
beacon_sync_monitor_get_last_error (BeaconSyncMonitor *self)
{
  g_return_val_if_fail (BEACON_IS_SYNC_MONITOR (self), NULL);

  return self->last_error;
}

guint
beacon_sync_monitor_get_n_conflicts (BeaconSyncMonitor *self)
{
  g_return_val_if_fail (BEACON_IS_SYNC_MONITOR (self), 0);

  return self->n_conflicts;
}

/**
 * beacon_sync_monitor_get_clock_skew:
 * @out_skew: (out): the other side's clock minus ours, in seconds
 *
 * Returns: whether the skew is known (server mode only)
 */
gboolean
beacon_sync_monitor_get_clock_skew (BeaconSyncMonitor *self,
                                    gint64            *out_skew)
{
  g_return_val_if_fail (BEACON_IS_SYNC_MONITOR (self), FALSE);

  if (out_skew != NULL)
    *out_skew = self->clock_skew;
  return self->clock_skew_known;
}

/**
 * beacon_sync_monitor_get_quarantined:
 *
 * Returns: (transfer none) (nullable): the quarantined segments with their
 *   source, name, kind and reason, as beacon_sync_dup_status() lists them
 */
JsonArray *
beacon_sync_monitor_get_quarantined (BeaconSyncMonitor *self)
{
  g_return_val_if_fail (BEACON_IS_SYNC_MONITOR (self), NULL);

  return self->quarantined;
}
