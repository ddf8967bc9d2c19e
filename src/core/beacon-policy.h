/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "beacon-calendar.h"
#include "beacon-domain.h"
#include "beacon-store.h"

G_BEGIN_DECLS

/* The version of the policy shipped in code (DESIGN.md 2.2). */
#define BEACON_POLICY_DEFAULT_VERSION 1

/**
 * BeaconMetricTarget:
 * @set: whether the metric applies at all
 * @seconds: working seconds, when @working_days is 0
 * @working_days: "by the end of the n-th working day"
 */
typedef struct
{
  gboolean set;
  gint64   seconds;
  guint    working_days;
} BeaconMetricTarget;

/**
 * BeaconMetricRule:
 *
 * One metric of a policy: when its clock starts, pauses, resumes, restarts
 * and stops (masks of `1 << BeaconEventType`), its target per level (index 1–4;
 * @escalated_targets apply only at a level the ticket was escalated to), its
 * calendar, warning threshold (a fraction of the target; 0 for none) and what
 * happens on warning and on breach ("notify:ROLE", "escalate",
 * "open-investigation", "auto-confirm").
 *
 * @per_level: a level change ends the clock and starts a new one for the new level
 * @recurring: each @restart event ends the clock and starts the next one
 * @scope: "ticket", or "report" for the report confirmation rule, which is
 *   evaluated on reports, not on a ticket's events
 */
typedef struct
{
  char               *metric;
  char               *scope;
  guint32             kinds;
  guint32             start;
  guint32             stop;
  guint32             pause;
  guint32             resume;
  guint32             restart;
  BeaconMetricTarget  targets[BEACON_LEVEL_MAX + 1];
  BeaconMetricTarget  escalated_targets[BEACON_LEVEL_MAX + 1];
  char               *calendar;
  double              warning;
  gboolean            per_level;
  gboolean            recurring;
  GStrv               on_warning;
  GStrv               on_breach;
} BeaconMetricRule;

/**
 * BeaconEscalationStep:
 * @to: who the escalation goes to ("technical-service-director", "headquarters")
 * @after: seconds after the level-1 breach
 */
typedef struct
{
  char   *to;
  gint64  after;
} BeaconEscalationStep;

/**
 * BeaconPolicy:
 *
 * A version of the service-level policy, parsed. @document is its canonical JSON.
 */
typedef struct
{
  int        version;
  double     warning;
  GPtrArray *rules;      /* BeaconMetricRule */
  GArray    *chain;      /* BeaconEscalationStep */
  char      *document;
} BeaconPolicy;

BeaconPolicy           *beacon_policy_new_default     (void);
BeaconPolicy           *beacon_policy_new_from_json   (const char          *text,
                                                       GError             **error);
void                    beacon_policy_free            (BeaconPolicy        *policy);
const BeaconMetricRule *beacon_policy_find_rule       (const BeaconPolicy  *policy,
                                                       const char          *metric);
char                   *beacon_metric_target_format   (const BeaconMetricTarget *target);

int                     beacon_store_get_policy_version (BeaconStore       *self);
BeaconPolicy           *beacon_store_dup_policy       (BeaconStore         *self,
                                                       int                  version,
                                                       GError             **error);
int                     beacon_store_set_policy       (BeaconStore         *self,
                                                       const char          *text,
                                                       GError             **error);

/* Stored calendars (beacon-store-calendars.c) */
GStrv                   beacon_store_list_calendars   (BeaconStore         *self);
BeaconCalendar         *beacon_store_dup_calendar     (BeaconStore         *self,
                                                       const char          *id,
                                                       GError             **error);
BeaconCalendar         *beacon_store_resolve_calendar (BeaconStore         *self,
                                                       const char          *id_or_path,
                                                       GError             **error);
gboolean                beacon_store_save_calendar    (BeaconStore         *self,
                                                       const BeaconCalendar *calendar,
                                                       GError             **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BeaconPolicy, beacon_policy_free)

G_END_DECLS
