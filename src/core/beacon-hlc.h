/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * A hybrid logical clock value: 48 bits of milliseconds since the epoch and
 * a 16-bit counter, packed so that comparing the integers orders the events.
 */
typedef guint64 BeaconHlc;

#define BEACON_HLC_MS(h)      ((gint64) ((h) >> 16))
#define BEACON_HLC_COUNTER(h) ((guint) ((h) & 0xffff))
#define BEACON_HLC_PACK(ms, counter) ((((BeaconHlc) (ms)) << 16) | ((BeaconHlc) (counter) & 0xffff))

BeaconHlc beacon_hlc_tick  (BeaconHlc last,
                            gint64    wall_ms);
BeaconHlc beacon_hlc_merge (BeaconHlc last,
                            BeaconHlc remote,
                            gint64    wall_ms);

G_END_DECLS
