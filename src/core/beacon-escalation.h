/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "beacon-store.h"

G_BEGIN_DECLS

/**
 * BeaconSlaActionKind:
 * @BEACON_SLA_ACTION_LEVEL_RAISED: a breach at level 3 or 2 raised the level by one
 * @BEACON_SLA_ACTION_ESCALATED: a breach at level 1 went up the chain
 * @BEACON_SLA_ACTION_INVESTIGATION_OPENED: a level-1 outage passed 60 minutes
 * @BEACON_SLA_ACTION_REPORT_CONFIRMED: a report was not confirmed in time
 */
typedef enum
{
  BEACON_SLA_ACTION_LEVEL_RAISED,
  BEACON_SLA_ACTION_ESCALATED,
  BEACON_SLA_ACTION_INVESTIGATION_OPENED,
  BEACON_SLA_ACTION_REPORT_CONFIRMED,
} BeaconSlaActionKind;

/**
 * BeaconSlaAction:
 * @ticket_id: the ticket acted on
 * @ticket_number: its number
 * @metric: the breached metric
 * @instant: when the rule fired (the due instant, or later for a chain step)
 * @level: the new level (level raised), or the ticket's level
 * @from_level: the level before
 * @to: who an escalation went to, or the new ticket's number (investigation)
 * @event_id: the automatic event recorded
 * @n_reports: how many reports were confirmed (report confirmed)
 *
 * One thing the escalation engine did.
 */
typedef struct
{
  BeaconSlaActionKind  kind;
  char                *ticket_id;
  char                *ticket_number;
  char                *metric;
  gint64               instant;
  int                  level;
  int                  from_level;
  char                *to;
  char                *event_id;
  guint                n_reports;
} BeaconSlaAction;

void      beacon_sla_action_free       (BeaconSlaAction  *action);
char     *beacon_sla_action_describe   (const BeaconSlaAction *action);

char     *beacon_sla_derive_uuid       (const char       *key);

gboolean  beacon_store_run_escalation  (BeaconStore      *self,
                                        gint64            now,
                                        GPtrArray       **out_actions,
                                        GError          **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BeaconSlaAction, beacon_sla_action_free)

G_END_DECLS
