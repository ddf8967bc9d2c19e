/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "beacon-gui"

#include "config.h"

#include "beacon-board-model.h"
#include "beacon-metrics.h"

/* The board's lists: one GListStore per stage, filtered and sorted by
 * urgency. A reload updates the ticket objects already shown in place and
 * splices only the stretch of each column that changed, so the views keep
 * their selection, focus and scroll position while the store changes under
 * them (local edits, the escalation engine, sync). */

struct _BeaconBoardModel
{
  GObject            parent_instance;

  GHashTable        *objects;                 /* id → BeaconTicketObject (owned) */
  GListStore        *open;                    /* every open ticket, unfiltered */
  GListStore        *columns[BEACON_N_STAGES];
  BeaconBoardFilter  filter;
  char              *user_id;
  GHashTable        *matches;                 /* nullable: id set of the search */
  BeaconMetricsSnapshot *metrics;             /* the SLA engine's live clocks */
  gint64             now;
};

G_DEFINE_FINAL_TYPE (BeaconBoardModel, beacon_board_model, G_TYPE_OBJECT)

struct _BeaconBoardSnapshot
{
  GPtrArray  *tickets;      /* BeaconTicket: open, then closed since */
  BeaconMetricsSnapshot *metrics;
  GHashTable *slas;         /* id → BeaconSlaMetric, the most urgent clock */
  gint64      now;
};

void
beacon_board_snapshot_free (BeaconBoardSnapshot *snapshot)
{
  if (snapshot == NULL)
    return;

  g_clear_pointer (&snapshot->tickets, g_ptr_array_unref);
  g_clear_pointer (&snapshot->metrics, beacon_metrics_snapshot_free);
  g_clear_pointer (&snapshot->slas, g_hash_table_unref);
  g_free (snapshot);
}

/**
 * beacon_board_model_get_closed_since:
 * @now: the app clock's time
 *
 * Returns: the start of the local day of @now: the “closed today” column
 *   shows tickets closed since then
 */
gint64
beacon_board_model_get_closed_since (gint64 now)
{
  g_autoptr(GDateTime) local = g_date_time_new_from_unix_local (now);
  g_autoptr(GDateTime) midnight = NULL;

  if (local == NULL)
    return now;

  midnight = g_date_time_new_local (g_date_time_get_year (local), g_date_time_get_month (local),
                                    g_date_time_get_day_of_month (local), 0, 0, 0);
  return g_date_time_to_unix (midnight);
}

static void
beacon_board_model_finalize (GObject *object)
{
  BeaconBoardModel *self = (BeaconBoardModel *)object;

  g_clear_pointer (&self->objects, g_hash_table_unref);
  g_clear_object (&self->open);
  for (guint i = 0; i < BEACON_N_STAGES; i++)
    g_clear_object (&self->columns[i]);
  g_clear_pointer (&self->filter.customer_id, g_free);
  g_clear_pointer (&self->filter.assignee_id, g_free);
  g_clear_pointer (&self->user_id, g_free);
  g_clear_pointer (&self->matches, g_hash_table_unref);
  g_clear_pointer (&self->metrics, beacon_metrics_snapshot_free);

  G_OBJECT_CLASS (beacon_board_model_parent_class)->finalize (object);
}

static void
beacon_board_model_class_init (BeaconBoardModelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = beacon_board_model_finalize;
}

static void
beacon_board_model_init (BeaconBoardModel *self)
{
  self->objects = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->open = g_list_store_new (BEACON_TYPE_TICKET_OBJECT);
  for (guint i = 0; i < BEACON_N_STAGES; i++)
    self->columns[i] = g_list_store_new (BEACON_TYPE_TICKET_OBJECT);
  self->filter.kind = -1;
}

BeaconBoardModel *
beacon_board_model_new (void)
{
  return g_object_new (BEACON_TYPE_BOARD_MODEL, NULL);
}

/**
 * beacon_board_model_get_column:
 *
 * Returns: (transfer none): the cards of @stage, most urgent first
 */
GListModel *
beacon_board_model_get_column (BeaconBoardModel *self,
                               BeaconStage       stage)
{
  g_return_val_if_fail (BEACON_IS_BOARD_MODEL (self), NULL);
  g_return_val_if_fail (stage < BEACON_N_STAGES, NULL);

  return G_LIST_MODEL (self->columns[stage]);
}

/**
 * beacon_board_model_get_open:
 *
 * Returns: (transfer none): every open ticket, whatever the filter
 */
GListModel *
beacon_board_model_get_open (BeaconBoardModel *self)
{
  g_return_val_if_fail (BEACON_IS_BOARD_MODEL (self), NULL);

  return G_LIST_MODEL (self->open);
}

/**
 * beacon_board_model_lookup:
 *
 * Returns: (transfer none) (nullable): the board's object for @ticket_id
 */
BeaconTicketObject *
beacon_board_model_lookup (BeaconBoardModel *self,
                           const char       *ticket_id)
{
  g_return_val_if_fail (BEACON_IS_BOARD_MODEL (self), NULL);

  return ticket_id ? g_hash_table_lookup (self->objects, ticket_id) : NULL;
}

/* Loading ------------------------------------------------------------------ */

static GHashTable *
evaluate_slas (BeaconMetricsSnapshot *metrics,
               gint64                 now)
{
  g_autoptr(GArray) urgencies = beacon_metrics_snapshot_evaluate (metrics, now, NULL);
  GHashTable *slas = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);

  for (guint i = 0; i < urgencies->len; i++)
    {
      const BeaconMetricUrgency *urgency = &g_array_index (urgencies, BeaconMetricUrgency, i);
      BeaconSlaMetric *sla;

      if (urgency->metric == NULL)
        continue;
      sla = g_new (BeaconSlaMetric, 1);
      beacon_sla_metric_from_urgency (urgency, sla);
      /* The snapshot owns the id strings and lives as long as the table. */
      g_hash_table_insert (slas, (gpointer) urgency->ticket_id, sla);
    }

  return slas;
}

static void
load_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  BeaconStore *store = task_data;
  g_autoptr(BeaconBoardSnapshot) snapshot = g_new0 (BeaconBoardSnapshot, 1);
  g_auto(GStrv) closed = NULL;
  GError *error = NULL;
  gint64 since;

  snapshot->now = beacon_store_now (store);
  since = beacon_board_model_get_closed_since (snapshot->now);

  snapshot->tickets = beacon_store_list_tickets (store, TRUE, &error);
  if (snapshot->tickets == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  closed = beacon_store_list_closed_since (store, since, &error);
  if (closed == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  for (guint i = 0; closed[i] != NULL; i++)
    {
      BeaconTicket *ticket = beacon_store_get_ticket (store, closed[i], FALSE, NULL);

      if (ticket != NULL)
        g_ptr_array_add (snapshot->tickets, ticket);
    }

  snapshot->metrics = beacon_store_dup_metrics_snapshot (store, &error);
  if (snapshot->metrics == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  snapshot->slas = evaluate_slas (snapshot->metrics, snapshot->now);

  g_task_return_pointer (task, g_steal_pointer (&snapshot), (GDestroyNotify) beacon_board_snapshot_free);
}

/**
 * beacon_board_model_load_async:
 *
 * Reads the board's tickets and their milestones in a worker thread.
 */
void
beacon_board_model_load_async (BeaconBoardModel    *self,
                               BeaconStore         *store,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (BEACON_IS_BOARD_MODEL (self));
  g_return_if_fail (BEACON_IS_STORE (store));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, beacon_board_model_load_async);
  g_task_set_task_data (task, g_object_ref (store), g_object_unref);
  g_task_run_in_thread (task, load_thread);
}

BeaconBoardSnapshot *
beacon_board_model_load_finish (BeaconBoardModel  *self,
                                GAsyncResult      *result,
                                GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Filtering and splicing ---------------------------------------------------- */

static gboolean
matches_filter (BeaconBoardModel   *self,
                BeaconTicketObject *object)
{
  const BeaconTicket *ticket = beacon_ticket_object_get_ticket (object);
  const BeaconBoardFilter *filter = &self->filter;

  if (self->matches != NULL && !g_hash_table_contains (self->matches, ticket->id))
    return FALSE;
  if (filter->level > 0 && ticket->level != filter->level)
    return FALSE;
  if (filter->kind >= 0 && (int) ticket->kind != filter->kind)
    return FALSE;
  if (filter->customer_id && *filter->customer_id &&
      g_strcmp0 (ticket->customer_id, filter->customer_id) != 0)
    return FALSE;
  if (filter->assignee_id && *filter->assignee_id &&
      !g_strv_contains ((const char * const *) ticket->assignee_ids, filter->assignee_id))
    return FALSE;
  if (filter->mine &&
      (self->user_id == NULL ||
       !g_strv_contains ((const char * const *) ticket->assignee_ids, self->user_id)))
    return FALSE;
  if (filter->alarming_only)
    {
      const BeaconSlaMetric *sla = beacon_ticket_object_get_sla (object);
      BeaconSlaStatus status = sla ? beacon_sla_status_at (sla, self->now) : BEACON_SLA_PENDING;

      if (status != BEACON_SLA_WARNING && status != BEACON_SLA_BREACHED)
        return FALSE;
    }

  return TRUE;
}

static int
compare_urgency (gconstpointer a,
                 gconstpointer b)
{
  BeaconTicketObject *x = *(BeaconTicketObject **) a;
  BeaconTicketObject *y = *(BeaconTicketObject **) b;
  gint64 ux = beacon_ticket_object_get_urgency (x);
  gint64 uy = beacon_ticket_object_get_urgency (y);
  int lx = beacon_ticket_object_get_level (x);
  int ly = beacon_ticket_object_get_level (y);
  gint64 ax = beacon_ticket_object_get_accepted_at (x);
  gint64 ay = beacon_ticket_object_get_accepted_at (y);

  if (ux != uy)
    return ux < uy ? -1 : 1;
  if (lx != ly)
    return lx < ly ? -1 : 1;
  if (ax != ay)
    return ax < ay ? -1 : 1;
  return g_strcmp0 (beacon_ticket_object_get_number (x), beacon_ticket_object_get_number (y));
}

static int
compare_recently_closed (gconstpointer a,
                         gconstpointer b)
{
  const BeaconTicket *x = beacon_ticket_object_get_ticket (*(BeaconTicketObject **) a);
  const BeaconTicket *y = beacon_ticket_object_get_ticket (*(BeaconTicketObject **) b);

  if (x->updated_at != y->updated_at)
    return x->updated_at > y->updated_at ? -1 : 1;
  return g_strcmp0 (x->number, y->number);
}

/* Makes @store hold @wanted with one splice over the stretch that differs:
 * items before and after it stay, and so do the rows showing them. */
static void
splice_to (GListStore *store,
           GPtrArray  *wanted)
{
  GListModel *model = G_LIST_MODEL (store);
  guint n_items = g_list_model_get_n_items (model);
  guint prefix = 0;
  guint suffix = 0;

  while (prefix < n_items && prefix < wanted->len)
    {
      g_autoptr(GObject) item = g_list_model_get_item (model, prefix);

      if (item != g_ptr_array_index (wanted, prefix))
        break;
      prefix++;
    }

  while (suffix < n_items - prefix && suffix < wanted->len - prefix)
    {
      g_autoptr(GObject) item = g_list_model_get_item (model, n_items - 1 - suffix);

      if (item != g_ptr_array_index (wanted, wanted->len - 1 - suffix))
        break;
      suffix++;
    }

  if (prefix == n_items && prefix == wanted->len)
    return;

  g_list_store_splice (store, prefix, n_items - prefix - suffix,
                       wanted->pdata + prefix, wanted->len - prefix - suffix);
}

static void
refilter (BeaconBoardModel *self)
{
  GPtrArray *wanted[BEACON_N_STAGES] = { NULL };
  GHashTableIter iter;
  gpointer value;

  for (guint i = 0; i < BEACON_N_STAGES; i++)
    wanted[i] = g_ptr_array_new ();

  g_hash_table_iter_init (&iter, self->objects);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      BeaconTicketObject *object = value;

      if (matches_filter (self, object))
        g_ptr_array_add (wanted[beacon_ticket_object_get_stage (object)], object);
    }

  for (guint i = 0; i < BEACON_N_STAGES; i++)
    {
      g_ptr_array_sort (wanted[i], i == BEACON_STAGE_CLOSED ? compare_recently_closed : compare_urgency);
      splice_to (self->columns[i], wanted[i]);
      g_ptr_array_unref (wanted[i]);
    }
}

/**
 * beacon_board_model_apply:
 * @snapshot: what beacon_board_model_load_finish() returned; its tickets are taken
 *
 * Brings the board to @snapshot: new tickets get objects, known ones are
 * updated in place, gone ones are dropped; then every column is refiltered.
 */
void
beacon_board_model_apply (BeaconBoardModel    *self,
                          BeaconBoardSnapshot *snapshot)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) open = g_ptr_array_new ();
  g_autofree BeaconTicket **tickets = NULL;
  GHashTableIter iter;
  gpointer key, value;
  gsize n_tickets = 0;

  g_return_if_fail (BEACON_IS_BOARD_MODEL (self));
  g_return_if_fail (snapshot != NULL);

  self->now = snapshot->now;
  tickets = (BeaconTicket **) g_ptr_array_steal (snapshot->tickets, &n_tickets);

  for (gsize i = 0; i < n_tickets; i++)
    {
      BeaconTicket *ticket = tickets[i];
      const BeaconSlaMetric *sla = g_hash_table_lookup (snapshot->slas, ticket->id);
      BeaconTicketObject *object = g_hash_table_lookup (self->objects, ticket->id);

      if (g_hash_table_contains (seen, ticket->id))
        {
          beacon_ticket_free (ticket);
          continue;
        }

      if (object == NULL)
        {
          object = beacon_ticket_object_new (ticket);
          beacon_ticket_object_set_sla (object, sla);
          g_hash_table_insert (self->objects, g_strdup (ticket->id), object);
        }
      else
        beacon_ticket_object_update (object, ticket, sla);

      g_hash_table_add (seen, (gpointer) beacon_ticket_object_get_id (object));
      if (beacon_ticket_object_get_stage (object) != BEACON_STAGE_CLOSED)
        g_ptr_array_add (open, object);
    }

  g_hash_table_iter_init (&iter, self->objects);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (!g_hash_table_contains (seen, key))
      g_hash_table_iter_remove (&iter);

  /* The ids in the objects' SLA state point into the new snapshot now. */
  g_clear_pointer (&self->metrics, beacon_metrics_snapshot_free);
  self->metrics = g_steal_pointer (&snapshot->metrics);

  /* The store lists newest first; keep that order, it is what callers expect. */
  splice_to (self->open, open);
  refilter (self);
}

/**
 * beacon_board_model_refresh_sla:
 *
 * Recomputes every card's SLA state at @now (warnings and breaches begin as
 * time passes, without any change in the store) and refilters.
 */
void
beacon_board_model_refresh_sla (BeaconBoardModel *self,
                                gint64            now)
{
  GHashTableIter iter;
  gpointer value;

  g_return_if_fail (BEACON_IS_BOARD_MODEL (self));

  g_autoptr(GHashTable) slas = NULL;

  self->now = now;
  if (self->metrics == NULL)
    return;

  slas = evaluate_slas (self->metrics, now);
  g_hash_table_iter_init (&iter, self->objects);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      BeaconTicketObject *object = value;

      beacon_ticket_object_set_sla (object, g_hash_table_lookup (slas, beacon_ticket_object_get_id (object)));
    }

  refilter (self);
}

const BeaconBoardFilter *
beacon_board_model_get_filter (BeaconBoardModel *self)
{
  g_return_val_if_fail (BEACON_IS_BOARD_MODEL (self), NULL);

  return &self->filter;
}

void
beacon_board_model_set_filter (BeaconBoardModel        *self,
                               const BeaconBoardFilter *filter)
{
  g_return_if_fail (BEACON_IS_BOARD_MODEL (self));
  g_return_if_fail (filter != NULL);

  self->filter.level = filter->level;
  self->filter.kind = filter->kind;
  g_free (self->filter.customer_id);
  self->filter.customer_id = g_strdup (filter->customer_id);
  g_free (self->filter.assignee_id);
  self->filter.assignee_id = g_strdup (filter->assignee_id);
  self->filter.mine = filter->mine;
  self->filter.alarming_only = filter->alarming_only;

  refilter (self);
}

void
beacon_board_model_set_user (BeaconBoardModel *self,
                             const char       *user_id)
{
  g_return_if_fail (BEACON_IS_BOARD_MODEL (self));

  g_free (self->user_id);
  self->user_id = g_strdup (user_id);
  refilter (self);
}

/**
 * beacon_board_model_set_matches:
 * @ticket_ids: (nullable) (transfer none): the tickets a search found; %NULL for no search
 */
void
beacon_board_model_set_matches (BeaconBoardModel *self,
                                GHashTable       *ticket_ids)
{
  g_return_if_fail (BEACON_IS_BOARD_MODEL (self));

  g_clear_pointer (&self->matches, g_hash_table_unref);
  if (ticket_ids != NULL)
    self->matches = g_hash_table_ref (ticket_ids);
  refilter (self);
}

/**
 * beacon_board_model_dup_closed_ids:
 *
 * Returns: (transfer full): the ids of the closed tickets the board holds
 *   (closed today), whatever the filter
 */
GStrv
beacon_board_model_dup_closed_ids (BeaconBoardModel *self)
{
  g_autoptr(GStrvBuilder) ids = g_strv_builder_new ();
  GHashTableIter iter;
  gpointer key, value;

  g_return_val_if_fail (BEACON_IS_BOARD_MODEL (self), NULL);

  g_hash_table_iter_init (&iter, self->objects);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (beacon_ticket_object_get_stage (value) == BEACON_STAGE_CLOSED)
      g_strv_builder_add (ids, key);

  return g_strv_builder_end (ids);
}
