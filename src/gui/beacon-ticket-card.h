/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "beacon-countdown.h"
#include "beacon-ticket-object.h"

G_BEGIN_DECLS

#define BEACON_TYPE_TICKET_CARD (beacon_ticket_card_get_type ())

G_DECLARE_FINAL_TYPE (BeaconTicketCard, beacon_ticket_card, BEACON, TICKET_CARD, GtkWidget)

GtkWidget          *beacon_ticket_card_new           (void);
void                beacon_ticket_card_set_ticket    (BeaconTicketCard   *self,
                                                      BeaconTicketObject *ticket);
BeaconTicketObject *beacon_ticket_card_get_ticket    (BeaconTicketCard   *self);
BeaconCountdown    *beacon_ticket_card_get_countdown (BeaconTicketCard   *self);
const char         *beacon_level_get_chip_label      (int                 level);

G_END_DECLS
