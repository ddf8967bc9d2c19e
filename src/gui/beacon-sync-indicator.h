/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "beacon-store.h"
#include "beacon-sync-monitor.h"

G_BEGIN_DECLS

#define BEACON_TYPE_SYNC_INDICATOR (beacon_sync_indicator_get_type ())

G_DECLARE_FINAL_TYPE (BeaconSyncIndicator, beacon_sync_indicator, BEACON, SYNC_INDICATOR, AdwBin)

void               beacon_sync_indicator_attach      (BeaconSyncIndicator *self,
                                                      BeaconStore         *store);
BeaconSyncMonitor *beacon_sync_indicator_get_monitor (BeaconSyncIndicator *self);
const char        *beacon_sync_indicator_get_summary (BeaconSyncIndicator *self);
void               beacon_sync_indicator_popup       (BeaconSyncIndicator *self);

G_END_DECLS
