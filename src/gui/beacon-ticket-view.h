/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "beacon-store.h"

G_BEGIN_DECLS

#define BEACON_TYPE_TICKET_VIEW (beacon_ticket_view_get_type ())

G_DECLARE_FINAL_TYPE (BeaconTicketView, beacon_ticket_view, BEACON, TICKET_VIEW, AdwWindow)

BeaconTicketView *beacon_ticket_view_new        (GtkWindow        *parent,
                                                 BeaconStore      *store,
                                                 const char       *ticket_id);
gboolean          beacon_ticket_view_get_loaded (BeaconTicketView *self);
const char       *beacon_ticket_view_get_ticket_id (BeaconTicketView *self);

G_END_DECLS
