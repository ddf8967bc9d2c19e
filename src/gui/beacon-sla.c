/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "beacon-gui"

#include "config.h"

#include "beacon-sla.h"

void
beacon_sla_metric_from_metric (const BeaconMetric *metric,
                               BeaconSlaMetric    *out_metric)
{
  g_return_if_fail (metric != NULL);

  memset (out_metric, 0, sizeof *out_metric);
  out_metric->metric = g_intern_string (metric->metric);
  out_metric->label = beacon_metric_get_label (metric->metric);
  out_metric->status = metric->status;
  out_metric->started_at = metric->started_at;
  out_metric->warn_at = metric->warn_at;
  out_metric->due_at = metric->due_at;
  out_metric->stopped_at = metric->stopped_at;
  out_metric->remaining = metric->remaining;
}

void
beacon_sla_metric_from_urgency (const BeaconMetricUrgency *urgency,
                                BeaconSlaMetric           *out_metric)
{
  g_return_if_fail (urgency != NULL);

  memset (out_metric, 0, sizeof *out_metric);
  out_metric->metric = g_intern_string (urgency->metric);
  out_metric->label = beacon_metric_get_label (urgency->metric);
  out_metric->status = urgency->status;
  out_metric->due_at = urgency->due_at;
  out_metric->remaining = urgency->remaining;
}

/**
 * beacon_sla_status_at:
 *
 * The metric's state at @now, as time passes after the engine computed it: a
 * running clock turns into a breach at its due time, and into a warning at
 * its warning time when that is known. The board re-evaluates the engine's
 * snapshot every 30 s for everything else.
 */
BeaconSlaStatus
beacon_sla_status_at (const BeaconSlaMetric *metric,
                      gint64                 now)
{
  g_return_val_if_fail (metric != NULL, BEACON_SLA_PENDING);

  if (!beacon_sla_status_is_running (metric->status) || metric->due_at == 0)
    return metric->status;
  if (now >= metric->due_at)
    return BEACON_SLA_BREACHED;
  if (metric->status == BEACON_SLA_BREACHED)
    return BEACON_SLA_WARNING;
  if (metric->warn_at > 0 && now >= metric->warn_at)
    return BEACON_SLA_WARNING;
  return metric->status;
}

gboolean
beacon_sla_status_is_running (BeaconSlaStatus status)
{
  return status == BEACON_SLA_RUNNING || status == BEACON_SLA_WARNING ||
         status == BEACON_SLA_BREACHED;
}
