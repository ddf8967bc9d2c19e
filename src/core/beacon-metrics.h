/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "beacon-policy.h"
#include "beacon-store.h"

G_BEGIN_DECLS

/**
 * BeaconMetricStatus:
 * @BEACON_METRIC_PENDING: the clock has not started
 * @BEACON_METRIC_RUNNING: running, before the warning threshold
 * @BEACON_METRIC_PAUSED: stopped for a while (waiting for the customer's approval)
 * @BEACON_METRIC_WARNING: running, past the warning threshold
 * @BEACON_METRIC_BREACHED: still running past its due time
 * @BEACON_METRIC_MET: stopped on time
 * @BEACON_METRIC_MISSED: stopped late
 */
typedef enum
{
  BEACON_METRIC_PENDING,
  BEACON_METRIC_RUNNING,
  BEACON_METRIC_PAUSED,
  BEACON_METRIC_WARNING,
  BEACON_METRIC_BREACHED,
  BEACON_METRIC_MET,
  BEACON_METRIC_MISSED,
} BeaconMetricStatus;

/**
 * BeaconMetric:
 * @instance: 0 for the first clock; a recurring or per-level metric counts up
 * @target: the target as text (`3h`, `1 working day`)
 * @target_seconds: the target in working seconds
 * @started_at, @warn_at, @due_at, @stopped_at: instants, 0 for none (a paused
 *   clock has no due time until it resumes)
 * @stop_reason: the event that stopped the clock, or `level-changed`
 * @elapsed: working seconds counted at the `now` asked for, pauses left out
 * @remaining: @target_seconds − @elapsed; negative when overdue
 *
 * One clock of one ticket, as it stands at a given `now`.
 */
typedef struct
{
  char               *ticket_id;
  char               *metric;
  guint               instance;
  int                 level;
  BeaconMetricStatus  status;
  char               *target;
  gint64              target_seconds;
  char               *calendar;
  gint64              started_at;
  gint64              warn_at;
  gint64              due_at;
  gint64              stopped_at;
  char               *stop_reason;
  gint64              elapsed;
  gint64              remaining;
} BeaconMetric;

/**
 * BeaconMetricUrgency:
 * @ticket_id: (transfer none): owned by the snapshot
 * @metric: (transfer none): the most urgent running metric
 * @due_at: its due time; 0 when paused
 * @remaining: seconds of wall-clock time until @due_at (negative when
 *   breached); for a paused clock, the working seconds it has left
 * @n_warning: how many of the ticket's clocks are in warning
 * @n_breached: how many are breached
 *
 * A ticket's most urgent clock, for the board.
 */
typedef struct
{
  const char         *ticket_id;
  const char         *metric;
  BeaconMetricStatus  status;
  gint64              due_at;
  gint64              remaining;
  guint               n_warning;
  guint               n_breached;
} BeaconMetricUrgency;

typedef struct _BeaconMetricsSnapshot BeaconMetricsSnapshot;

const char            *beacon_metric_status_to_string   (BeaconMetricStatus status);
const char            *beacon_metric_status_get_label   (BeaconMetricStatus status);
const char            *beacon_metric_get_label          (const char        *metric);
void                   beacon_metric_free               (BeaconMetric      *metric);

GPtrArray             *beacon_store_list_ticket_metrics (BeaconStore       *self,
                                                         const char        *ticket_id,
                                                         gint64             now,
                                                         GError           **error);

BeaconMetricsSnapshot *beacon_store_dup_metrics_snapshot (BeaconStore      *self,
                                                          GError          **error);
guint                  beacon_metrics_snapshot_get_n_tickets (BeaconMetricsSnapshot *snapshot);
GArray                *beacon_metrics_snapshot_evaluate (BeaconMetricsSnapshot *snapshot,
                                                         gint64             now,
                                                         GArray            *out_urgencies);
GArray                *beacon_metrics_snapshot_collect_alerting (BeaconMetricsSnapshot *snapshot,
                                                                 gint64                 now);
void                   beacon_metrics_snapshot_free     (BeaconMetricsSnapshot *snapshot);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BeaconMetric, beacon_metric_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (BeaconMetricsSnapshot, beacon_metrics_snapshot_free)

G_END_DECLS
