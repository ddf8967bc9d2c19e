/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "beacon-reports"

#include "config.h"

#include "beacon-report-saver.h"

#include <glib/gi18n.h>

/**
 * BeaconReportSaver:
 *
 * Writes one report's changes through the core, in order, in a worker
 * thread. Field values are debounced: the first unsaved edit starts a short
 * timer (it is not restarted by further typing, so a long burst of typing
 * is still saved every half second), and flushing writes them at once.
 * Signing, delivering and the other steps queue behind the values typed
 * before them, so a signature always covers what the signer saw.
 *
 * The jobs hold a reference to the saver and to the application, so a
 * window that closes with values still unsaved lets them finish.
 */

#define DEBOUNCE_MS 500

typedef struct
{
  BeaconReportOp  op;
  gboolean        is_write;     /* field values, no GTask of a caller */
  GHashTable     *values;       /* field id → JsonNode */
  char           *role_or_reason;
  char           *name;
  JsonNode       *strokes;
  GTask          *caller;
} Job;

typedef struct
{
  BeaconReport *report;
  char         *new_report_id;
} JobResult;

struct _BeaconReportSaver
{
  GObject      parent_instance;

  BeaconStore *store;
  char        *report_id;
  GHashTable  *unsaved;         /* field id → JsonNode, newest edit */
  GQueue       jobs;
  gboolean     running;
  guint        debounce_id;
  char        *error;
  GApplication *held_application;
};

G_DEFINE_FINAL_TYPE (BeaconReportSaver, beacon_report_saver, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_PENDING,
  PROP_ERROR,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  SAVED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void run_next (BeaconReportSaver *self);

static void
job_free (Job *job)
{
  g_clear_pointer (&job->values, g_hash_table_unref);
  g_clear_pointer (&job->strokes, json_node_unref);
  g_clear_object (&job->caller);
  g_free (job->role_or_reason);
  g_free (job->name);
  g_free (job);
}

static void
job_result_free (JobResult *result)
{
  g_clear_pointer (&result->report, beacon_report_free);
  g_free (result->new_report_id);
  g_free (result);
}

static GHashTable *
new_value_table (void)
{
  return g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) json_node_unref);
}

static gboolean
compute_pending (BeaconReportSaver *self)
{
  return self->running || self->jobs.length > 0 || g_hash_table_size (self->unsaved) > 0;
}

static void
notify_pending (BeaconReportSaver *self,
                gboolean           was_pending)
{
  if (was_pending != compute_pending (self))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PENDING]);
}

static void
set_error (BeaconReportSaver *self,
           const char        *message)
{
  if (g_strcmp0 (self->error, message) == 0)
    return;
  g_free (self->error);
  self->error = g_strdup (message);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERROR]);
}

static void
job_thread (GTask        *task,
            gpointer      source_object,
            gpointer      task_data,
            GCancellable *cancellable)
{
  BeaconReportSaver *self = source_object;
  Job *job = task_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *new_report_id = NULL;
  const char *load_id = self->report_id;
  JobResult *result;

  if (job->is_write)
    {
      GHashTableIter iter;
      gpointer key, value;

      /* Each value is its own commit: one refused value keeps the others. */
      g_hash_table_iter_init (&iter, job->values);
      while (g_hash_table_iter_next (&iter, &key, &value))
        {
          g_autoptr(GError) local_error = NULL;

          if (!beacon_store_set_report_field (self->store, self->report_id, key, value, &local_error) &&
              error == NULL)
            error = g_steal_pointer (&local_error);
        }
    }
  else
    {
      switch (job->op)
        {
        case BEACON_REPORT_OP_LOAD:
          break;
        case BEACON_REPORT_OP_SIGN:
          {
            g_autofree char *signature_id = beacon_store_sign_report (self->store, self->report_id,
                                                                      job->role_or_reason, job->name,
                                                                      job->strokes, &error);
          }
          break;
        case BEACON_REPORT_OP_DELIVER:
          beacon_store_deliver_report (self->store, self->report_id, &error);
          break;
        case BEACON_REPORT_OP_CONFIRM:
        case BEACON_REPORT_OP_DISPUTE:
          beacon_store_answer_report (self->store, self->report_id,
                                      job->op == BEACON_REPORT_OP_CONFIRM, job->role_or_reason, &error);
          break;
        case BEACON_REPORT_OP_AMEND:
          new_report_id = beacon_store_amend_report (self->store, self->report_id, &error);
          if (new_report_id != NULL)
            load_id = new_report_id;
          break;
        default:
          g_assert_not_reached ();
        }
    }

  if (error != NULL && !job->is_write)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  result = g_new0 (JobResult, 1);
  result->report = beacon_store_get_report (self->store, load_id, error ? NULL : &error);
  result->new_report_id = g_steal_pointer (&new_report_id);
  if (error != NULL)
    {
      job_result_free (result);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_return_pointer (task, result, (GDestroyNotify) job_result_free);
}

static void
on_job_done_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  BeaconReportSaver *self = BEACON_REPORT_SAVER (object);
  Job *job = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  JobResult *job_result;
  gboolean was_pending = compute_pending (self);

  job_result = g_task_propagate_pointer (G_TASK (result), &error);

  if (job->is_write)
    {
      if (error != NULL)
        {
          g_warning ("Report %s: %s", self->report_id, error->message);
          set_error (self, error->message);
        }
      else
        set_error (self, NULL);
      if (job_result != NULL)
        g_signal_emit (self, signals[SAVED], 0, job_result->report);
      g_clear_pointer (&job_result, job_result_free);
    }
  else if (error != NULL)
    g_task_return_error (job->caller, g_steal_pointer (&error));
  else
    g_task_return_pointer (job->caller, job_result, (GDestroyNotify) job_result_free);

  self->running = FALSE;
  if (self->held_application != NULL)
    g_application_release (self->held_application);
  g_clear_object (&self->held_application);
  notify_pending (self, was_pending);
  run_next (self);
}

static void
run_next (BeaconReportSaver *self)
{
  g_autoptr(GTask) task = NULL;
  gboolean was_pending = compute_pending (self);
  GApplication *application;
  Job *job;

  if (self->running || (job = g_queue_pop_head (&self->jobs)) == NULL)
    return;

  self->running = TRUE;
  /* Quitting waits for what was typed. */
  if ((application = g_application_get_default ()) != NULL)
    {
      self->held_application = g_object_ref (application);
      g_application_hold (application);
    }

  task = g_task_new (self, NULL, on_job_done_cb, NULL);
  g_task_set_source_tag (task, run_next);
  g_task_set_task_data (task, job, (GDestroyNotify) job_free);
  g_task_run_in_thread (task, job_thread);
  notify_pending (self, was_pending);
}

static void
queue_unsaved (BeaconReportSaver *self)
{
  Job *job;

  g_clear_handle_id (&self->debounce_id, g_source_remove);
  if (g_hash_table_size (self->unsaved) == 0)
    return;

  job = g_new0 (Job, 1);
  job->is_write = TRUE;
  job->values = g_steal_pointer (&self->unsaved);
  self->unsaved = new_value_table ();
  g_queue_push_tail (&self->jobs, job);
}

static gboolean
on_debounce_timeout_cb (gpointer user_data)
{
  BeaconReportSaver *self = user_data;

  self->debounce_id = 0;
  beacon_report_saver_flush (self);
  return G_SOURCE_REMOVE;
}

static void
beacon_report_saver_dispose (GObject *object)
{
  BeaconReportSaver *self = BEACON_REPORT_SAVER (object);

  /* Jobs hold a reference: nothing is left to write when this runs, but
   * values set without a flush are written synchronously rather than lost. */
  if (self->unsaved != NULL && g_hash_table_size (self->unsaved) > 0 && self->store != NULL)
    {
      GHashTableIter iter;
      gpointer key, value;

      g_hash_table_iter_init (&iter, self->unsaved);
      while (g_hash_table_iter_next (&iter, &key, &value))
        beacon_store_set_report_field (self->store, self->report_id, key, value, NULL);
      g_hash_table_remove_all (self->unsaved);
    }
  g_clear_handle_id (&self->debounce_id, g_source_remove);

  G_OBJECT_CLASS (beacon_report_saver_parent_class)->dispose (object);
}

static void
beacon_report_saver_finalize (GObject *object)
{
  BeaconReportSaver *self = BEACON_REPORT_SAVER (object);

  g_queue_clear_full (&self->jobs, (GDestroyNotify) job_free);
  g_clear_pointer (&self->unsaved, g_hash_table_unref);
  g_clear_object (&self->store);
  g_free (self->report_id);
  g_free (self->error);

  G_OBJECT_CLASS (beacon_report_saver_parent_class)->finalize (object);
}

static void
beacon_report_saver_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  BeaconReportSaver *self = BEACON_REPORT_SAVER (object);

  switch (prop_id)
    {
    case PROP_PENDING:
      g_value_set_boolean (value, compute_pending (self));
      break;
    case PROP_ERROR:
      g_value_set_string (value, self->error);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
beacon_report_saver_class_init (BeaconReportSaverClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = beacon_report_saver_dispose;
  object_class->finalize = beacon_report_saver_finalize;
  object_class->get_property = beacon_report_saver_get_property;

  properties[PROP_PENDING] =
    g_param_spec_boolean ("pending", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_ERROR] =
    g_param_spec_string ("error", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * BeaconReportSaver::saved:
   * @report: the report as stored after the write
   */
  signals[SAVED] = g_signal_new ("saved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                 0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_POINTER);
}

static void
beacon_report_saver_init (BeaconReportSaver *self)
{
  self->unsaved = new_value_table ();
  g_queue_init (&self->jobs);
}

BeaconReportSaver *
beacon_report_saver_new (BeaconStore *store,
                         const char  *report_id)
{
  BeaconReportSaver *self;

  g_return_val_if_fail (BEACON_IS_STORE (store), NULL);
  g_return_val_if_fail (report_id != NULL, NULL);

  self = g_object_new (BEACON_TYPE_REPORT_SAVER, NULL);
  self->store = g_object_ref (store);
  self->report_id = g_strdup (report_id);
  return self;
}

const char *
beacon_report_saver_get_report_id (BeaconReportSaver *self)
{
  g_return_val_if_fail (BEACON_IS_REPORT_SAVER (self), NULL);
  return self->report_id;
}

/* Whether edits are waiting or being written. */
gboolean
beacon_report_saver_get_pending (BeaconReportSaver *self)
{
  g_return_val_if_fail (BEACON_IS_REPORT_SAVER (self), FALSE);
  return compute_pending (self);
}

/* Returns: (nullable): why the last write of values failed */
const char *
beacon_report_saver_get_error (BeaconReportSaver *self)
{
  g_return_val_if_fail (BEACON_IS_REPORT_SAVER (self), NULL);
  return self->error;
}

/**
 * beacon_report_saver_set_value:
 * @value: (nullable): the field's new value; %NULL or a JSON null clears it
 *
 * Remembers the value and writes it within half a second.
 */
void
beacon_report_saver_set_value (BeaconReportSaver *self,
                               const char        *field_id,
                               JsonNode          *value)
{
  gboolean was_pending;

  g_return_if_fail (BEACON_IS_REPORT_SAVER (self));
  g_return_if_fail (field_id != NULL);

  was_pending = compute_pending (self);
  g_hash_table_replace (self->unsaved, g_strdup (field_id),
                        value ? json_node_copy (value) : json_node_new (JSON_NODE_NULL));
  if (self->debounce_id == 0)
    self->debounce_id = g_timeout_add (DEBOUNCE_MS, on_debounce_timeout_cb, self);
  notify_pending (self, was_pending);
}

/* Writes the values set so far now (in the worker), e.g. on focus-out or close. */
void
beacon_report_saver_flush (BeaconReportSaver *self)
{
  g_return_if_fail (BEACON_IS_REPORT_SAVER (self));

  queue_unsaved (self);
  run_next (self);
}

/**
 * beacon_report_saver_run_async:
 * @role_or_reason: (nullable): the signer's role, or the reason of a dispute
 * @name: (nullable): the signer's name
 * @strokes: (nullable): the signature
 *
 * Runs @op after the values set so far are written.
 */
void
beacon_report_saver_run_async (BeaconReportSaver   *self,
                               BeaconReportOp       op,
                               const char          *role_or_reason,
                               const char          *name,
                               JsonNode            *strokes,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  Job *job;

  g_return_if_fail (BEACON_IS_REPORT_SAVER (self));

  job = g_new0 (Job, 1);
  job->op = op;
  job->role_or_reason = g_strdup (role_or_reason);
  job->name = g_strdup (name);
  job->strokes = strokes ? json_node_copy (strokes) : NULL;
  job->caller = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (job->caller, beacon_report_saver_run_async);

  queue_unsaved (self);
  g_queue_push_tail (&self->jobs, job);
  run_next (self);
}

/**
 * beacon_report_saver_run_finish:
 * @out_new_report_id: (out) (optional): the new revision an amendment made
 *
 * Returns: (transfer full): the report after the step (the new revision
 *   after an amendment), or %NULL with @error set
 */
BeaconReport *
beacon_report_saver_run_finish (BeaconReportSaver  *self,
                                GAsyncResult       *result,
                                char              **out_new_report_id,
                                GError            **error)
{
  JobResult *job_result;
  BeaconReport *report;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  job_result = g_task_propagate_pointer (G_TASK (result), error);
  if (job_result == NULL)
    return NULL;
  report = g_steal_pointer (&job_result->report);
  if (out_new_report_id != NULL)
    *out_new_report_id = g_steal_pointer (&job_result->new_report_id);
  job_result_free (job_result);
  return report;
}
