/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "beacon-store.h"

G_BEGIN_DECLS

/**
 * BeaconSyncState:
 * @BEACON_SYNC_STATE_OFF: no sync mode is set; this is a single workstation
 * @BEACON_SYNC_STATE_SYNCING: the first round is running
 * @BEACON_SYNC_STATE_SYNCED: everything was sent and received
 * @BEACON_SYNC_STATE_PENDING: local changes wait to be sent
 * @BEACON_SYNC_STATE_OFFLINE: the share or server cannot be reached; work goes on
 * @BEACON_SYNC_STATE_PROBLEM: a person should look: quarantined segments,
 *   conflicts, a refused device, a clock that is off
 */
typedef enum
{
  BEACON_SYNC_STATE_OFF,
  BEACON_SYNC_STATE_SYNCING,
  BEACON_SYNC_STATE_SYNCED,
  BEACON_SYNC_STATE_PENDING,
  BEACON_SYNC_STATE_OFFLINE,
  BEACON_SYNC_STATE_PROBLEM,
} BeaconSyncState;

#define BEACON_TYPE_SYNC_MONITOR (beacon_sync_monitor_get_type ())

G_DECLARE_FINAL_TYPE (BeaconSyncMonitor, beacon_sync_monitor, BEACON, SYNC_MONITOR, GObject)

BeaconSyncMonitor *beacon_sync_monitor_new              (BeaconStore       *store);
BeaconStore       *beacon_sync_monitor_get_store        (BeaconSyncMonitor *self);
void               beacon_sync_monitor_sync_now         (BeaconSyncMonitor *self);
void               beacon_sync_monitor_set_interval     (BeaconSyncMonitor *self,
                                                         guint              seconds);
gboolean           beacon_sync_monitor_is_busy          (BeaconSyncMonitor *self);
guint              beacon_sync_monitor_get_n_rounds     (BeaconSyncMonitor *self);

BeaconSyncState    beacon_sync_monitor_get_state        (BeaconSyncMonitor *self);
gint64             beacon_sync_monitor_get_last_success (BeaconSyncMonitor *self);
gint64             beacon_sync_monitor_get_pending      (BeaconSyncMonitor *self);
const char        *beacon_sync_monitor_get_last_error   (BeaconSyncMonitor *self);
guint              beacon_sync_monitor_get_n_conflicts  (BeaconSyncMonitor *self);
gboolean           beacon_sync_monitor_get_clock_skew   (BeaconSyncMonitor *self,
                                                         gint64            *out_skew);
JsonArray         *beacon_sync_monitor_get_quarantined  (BeaconSyncMonitor *self);

G_END_DECLS
