/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "beacon-alerts.h"

G_BEGIN_DECLS

#define BEACON_TYPE_NOTIFIER (beacon_notifier_get_type ())

G_DECLARE_FINAL_TYPE (BeaconNotifier, beacon_notifier, BEACON, NOTIFIER, GObject)

BeaconNotifier *beacon_notifier_new        (GApplication      *application);
void            beacon_notifier_show_alert (BeaconNotifier    *self,
                                            const BeaconAlert *alert,
                                            gint64             now);
guint           beacon_notifier_get_n_pending (BeaconNotifier *self);

G_END_DECLS
