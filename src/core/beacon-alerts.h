/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "beacon-domain.h"
#include "beacon-store.h"

G_BEGIN_DECLS

/* Escalation alerts: which warnings and breaches a workstation's user must
 * hear about, each raised once per device (the table alerts_raised is local,
 * never synced, so a restart or an imported change does not repeat one). */

typedef enum
{
  BEACON_ALERT_WARNING,
  BEACON_ALERT_BREACH,
  BEACON_ALERT_LEVEL_CHANGED,
  BEACON_ALERT_INVESTIGATION,
  BEACON_N_ALERT_KINDS,
} BeaconAlertKind;

/**
 * BeaconAlert:
 * @ticket_id: the ticket's UUID
 * @ticket_number: its number, for people
 * @metric: the metric's id (e.g. `phone_response`), or `level` / `investigation`
 * @metric_label: the metric's name, translated
 * @kind: what happened
 * @instant: when it happened (the warning or due instant, or the event's time);
 *   with @ticket_id, @metric and @kind the key that makes an alert unique
 * @raise_at: from when it may be raised; beacon_alert_new() makes it @instant
 *   (set it earlier for a warning keyed by its clock's due time)
 * @due_at: the metric's due time (0 if none)
 * @level: the ticket's fault level
 * @assignee_ids: (nullable): the engineers on the ticket
 */
typedef struct
{
  char            *ticket_id;
  char            *ticket_number;
  char            *metric;
  char            *metric_label;
  BeaconAlertKind  kind;
  gint64           instant;
  gint64           raise_at;
  gint64           due_at;
  int              level;
  GStrv            assignee_ids;
} BeaconAlert;

BeaconAlert *beacon_alert_new                (const char        *ticket_id,
                                              const char        *ticket_number,
                                              const char        *metric,
                                              const char        *metric_label,
                                              BeaconAlertKind    kind,
                                              gint64             instant);
BeaconAlert *beacon_alert_copy               (const BeaconAlert *alert);
void         beacon_alert_free               (BeaconAlert       *alert);
const char  *beacon_alert_kind_to_string     (BeaconAlertKind    kind);

gboolean     beacon_alert_concerns_user      (const BeaconAlert *alert,
                                              const char        *user_id,
                                              BeaconRole         role);

GPtrArray   *beacon_store_take_due_alerts    (BeaconStore       *self,
                                              GPtrArray         *candidates,
                                              const char        *user_id,
                                              BeaconRole         role,
                                              gint64             now,
                                              GError           **error);
GPtrArray   *beacon_store_list_automatic_alerts (BeaconStore    *self,
                                                 gint64          since,
                                                 GError        **error);
gboolean     beacon_store_alert_was_raised   (BeaconStore       *self,
                                              const BeaconAlert *alert,
                                              GError           **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BeaconAlert, beacon_alert_free)

G_END_DECLS
