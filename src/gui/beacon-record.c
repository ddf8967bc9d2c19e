/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "beacon-gui"

#include "config.h"

#include "beacon-record.h"

typedef struct
{
  char            *ticket_id;
  BeaconEventType  type;
  char            *note;
  JsonObject      *payload;
} RecordData;

static void
record_data_free (RecordData *data)
{
  g_free (data->ticket_id);
  g_free (data->note);
  g_clear_pointer (&data->payload, json_object_unref);
  g_free (data);
}

static void
record_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  RecordData *data = task_data;
  GError *error = NULL;
  g_autofree char *event_id = NULL;

  event_id = beacon_store_add_event (source_object, data->ticket_id, data->type, 0,
                                     data->note, data->payload, &error);
  if (event_id == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

/**
 * beacon_record_event_async:
 * @note: (nullable): what the user wrote
 * @payload: (nullable): extra facts, e.g. `{"recovery": "temporary"}`
 *
 * Adds an event that occurred now to a ticket's timeline, in a worker thread.
 */
void
beacon_record_event_async (BeaconStore         *store,
                           const char          *ticket_id,
                           BeaconEventType      type,
                           const char          *note,
                           JsonObject          *payload,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  RecordData *data;

  g_return_if_fail (BEACON_IS_STORE (store));
  g_return_if_fail (ticket_id != NULL);

  data = g_new0 (RecordData, 1);
  data->ticket_id = g_strdup (ticket_id);
  data->type = type;
  data->note = g_strdup (note);
  data->payload = payload ? json_object_ref (payload) : NULL;

  task = g_task_new (store, cancellable, callback, user_data);
  g_task_set_source_tag (task, beacon_record_event_async);
  g_task_set_task_data (task, data, (GDestroyNotify) record_data_free);
  g_task_run_in_thread (task, record_thread);
}

gboolean
beacon_record_event_finish (BeaconStore   *store,
                            GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, store), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * beacon_stage_get_entry_event:
 *
 * Which event moves a ticket from @from into @to on the board: the one that
 * defines @to (beacon_stage_from_events()); back out of “closed” it is a reopen.
 *
 * Returns: %FALSE if no event leads there (e.g. back to “new”)
 */
gboolean
beacon_stage_get_entry_event (BeaconStage      from,
                              BeaconStage      to,
                              BeaconEventType *out_type)
{
  if (from == to)
    return FALSE;

  if (from == BEACON_STAGE_CLOSED)
    {
      *out_type = BEACON_EVENT_REOPENED;
      return TRUE;
    }

  switch (to)
    {
    case BEACON_STAGE_RESPONDING: *out_type = BEACON_EVENT_ACKNOWLEDGED; return from < to;
    case BEACON_STAGE_ON_SITE:    *out_type = BEACON_EVENT_ARRIVED; return from < to;
    case BEACON_STAGE_RECOVERED:  *out_type = BEACON_EVENT_RECOVERED; return from < to;
    case BEACON_STAGE_REPORTING:  *out_type = BEACON_EVENT_SOLUTION_PROVIDED; return from < to;
    case BEACON_STAGE_CLOSED:     *out_type = BEACON_EVENT_CLOSED; return TRUE;
    case BEACON_STAGE_NEW:
    default:
      return FALSE;
    }
}
