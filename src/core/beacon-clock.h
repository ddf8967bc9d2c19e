/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define BEACON_TYPE_CLOCK (beacon_clock_get_type ())

G_DECLARE_FINAL_TYPE (BeaconClock, beacon_clock, BEACON, CLOCK, GObject)

BeaconClock *beacon_clock_new_system   (void);
BeaconClock *beacon_clock_new_starting (gint64       start_us);
BeaconClock *beacon_clock_new_fixed    (gint64       now_us);
gint64       beacon_clock_get_now      (BeaconClock *self);
gint64       beacon_clock_get_now_seconds (BeaconClock *self);
void         beacon_clock_set_now      (BeaconClock *self,
                                        gint64       now_us);
void         beacon_clock_advance      (BeaconClock *self,
                                        gint64       delta_us);

G_END_DECLS
