/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "beacon-alerts.h"
#include "beacon-store.h"

G_BEGIN_DECLS

#define BEACON_TYPE_ALERT_MONITOR (beacon_alert_monitor_get_type ())

G_DECLARE_FINAL_TYPE (BeaconAlertMonitor, beacon_alert_monitor, BEACON, ALERT_MONITOR, GObject)

#define BEACON_ALERT_MONITOR_INTERVAL_SECONDS 30

BeaconAlertMonitor *beacon_alert_monitor_new      (BeaconStore        *store);
void                beacon_alert_monitor_set_user (BeaconAlertMonitor *self,
                                                   const char         *user_id,
                                                   BeaconRole          role);
void                beacon_alert_monitor_start    (BeaconAlertMonitor *self);
void                beacon_alert_monitor_check    (BeaconAlertMonitor *self);
gboolean            beacon_alert_monitor_is_busy  (BeaconAlertMonitor *self);
guint               beacon_alert_monitor_get_n_runs (BeaconAlertMonitor *self);

char               *beacon_alert_dup_title        (const BeaconAlert  *alert);
char               *beacon_alert_dup_body         (const BeaconAlert  *alert,
                                                   gint64              now);

G_END_DECLS
