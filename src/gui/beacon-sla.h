/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "beacon-metrics.h"

G_BEGIN_DECLS

/* What a countdown needs of one SLA clock, taken from the SLA engine
 * (beacon-metrics.h): either a ticket's full BeaconMetric (ticket view) or the
 * board's fast BeaconMetricUrgency. The engine does all the arithmetic; the
 * GUI only compares `now` with the instants it was given. */

typedef BeaconMetricStatus BeaconSlaStatus;

#define BEACON_SLA_PENDING  BEACON_METRIC_PENDING
#define BEACON_SLA_RUNNING  BEACON_METRIC_RUNNING
#define BEACON_SLA_PAUSED   BEACON_METRIC_PAUSED
#define BEACON_SLA_WARNING  BEACON_METRIC_WARNING
#define BEACON_SLA_BREACHED BEACON_METRIC_BREACHED
#define BEACON_SLA_MET      BEACON_METRIC_MET
#define BEACON_SLA_MISSED   BEACON_METRIC_MISSED

typedef struct
{
  const char      *metric;      /* interned, e.g. "phone-response" */
  const char      *label;       /* translated, e.g. “Phone response” */
  BeaconSlaStatus  status;      /* at the instant it was computed */
  gint64           started_at;  /* 0: unknown */
  gint64           warn_at;     /* 0: unknown */
  gint64           due_at;
  gint64           stopped_at;  /* met or missed: when */
  gint64           remaining;   /* paused: working seconds left */
} BeaconSlaMetric;

void             beacon_sla_metric_from_metric  (const BeaconMetric        *metric,
                                                 BeaconSlaMetric           *out_metric);
void             beacon_sla_metric_from_urgency (const BeaconMetricUrgency *urgency,
                                                 BeaconSlaMetric           *out_metric);
BeaconSlaStatus  beacon_sla_status_at           (const BeaconSlaMetric     *metric,
                                                 gint64                     now);
gboolean         beacon_sla_status_is_running   (BeaconSlaStatus            status);

G_END_DECLS
