/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "beacon-alert-monitor.h"
#include "beacon-archive.h"
#include "beacon-notifier.h"
#include "beacon-store.h"

G_BEGIN_DECLS

#define BEACON_TYPE_APPLICATION (beacon_application_get_type ())

G_DECLARE_FINAL_TYPE (BeaconApplication, beacon_application, BEACON, APPLICATION, AdwApplication)

BeaconApplication *beacon_application_new       (void);
BeaconStore       *beacon_application_get_store (BeaconApplication *self);
const BeaconUser  *beacon_application_get_user  (BeaconApplication *self);
BeaconAlertMonitor *beacon_application_get_alert_monitor (BeaconApplication *self);
BeaconNotifier    *beacon_application_get_notifier (BeaconApplication *self);

void               beacon_application_init_i18n (void);

G_END_DECLS
