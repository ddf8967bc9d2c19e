/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "beacon-clock.h"

G_BEGIN_DECLS

#define BEACON_TYPE_TICKER (beacon_ticker_get_type ())

G_DECLARE_FINAL_TYPE (BeaconTicker, beacon_ticker, BEACON, TICKER, GObject)

BeaconTicker *beacon_ticker_get_default (void);
void          beacon_ticker_set_clock   (BeaconTicker *self,
                                         BeaconClock  *clock);
BeaconClock  *beacon_ticker_get_clock   (BeaconTicker *self);
gint64        beacon_ticker_get_now     (BeaconTicker *self);
gulong        beacon_ticker_connect     (BeaconTicker *self,
                                         GCallback     callback,
                                         gpointer      user_data);
void          beacon_ticker_disconnect  (BeaconTicker *self,
                                         gulong        handler_id);
guint         beacon_ticker_get_n_listeners (BeaconTicker *self);
void          beacon_ticker_tick        (BeaconTicker *self);
gint64        beacon_ticker_get_busy_time (BeaconTicker *self,
                                           guint        *out_n_ticks);

G_END_DECLS
