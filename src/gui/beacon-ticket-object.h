/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "beacon-sla.h"
#include "beacon-ticket.h"

G_BEGIN_DECLS

#define BEACON_TYPE_TICKET_OBJECT (beacon_ticket_object_get_type ())

G_DECLARE_FINAL_TYPE (BeaconTicketObject, beacon_ticket_object, BEACON, TICKET_OBJECT, GObject)

BeaconTicketObject *beacon_ticket_object_new               (BeaconTicket       *ticket);
const BeaconTicket *beacon_ticket_object_get_ticket        (BeaconTicketObject *self);
const char         *beacon_ticket_object_get_id            (BeaconTicketObject *self);
const char         *beacon_ticket_object_get_number        (BeaconTicketObject *self);
int                 beacon_ticket_object_get_level         (BeaconTicketObject *self);
const char         *beacon_ticket_object_get_level_label   (BeaconTicketObject *self);
const char         *beacon_ticket_object_get_kind_label    (BeaconTicketObject *self);
const char         *beacon_ticket_object_get_customer_site (BeaconTicketObject *self);
const char         *beacon_ticket_object_get_summary       (BeaconTicketObject *self);
const char         *beacon_ticket_object_get_stage_label   (BeaconTicketObject *self);
gint64              beacon_ticket_object_get_accepted_at   (BeaconTicketObject *self);
const char         *beacon_ticket_object_get_accepted_label (BeaconTicketObject *self);
const char         *beacon_ticket_object_get_assignees_label (BeaconTicketObject *self);
BeaconStage         beacon_ticket_object_get_stage         (BeaconTicketObject *self);

gboolean            beacon_ticket_object_update            (BeaconTicketObject     *self,
                                                            BeaconTicket           *ticket,
                                                            const BeaconSlaMetric  *sla);
void                beacon_ticket_object_set_sla           (BeaconTicketObject     *self,
                                                            const BeaconSlaMetric  *sla);
const BeaconSlaMetric *beacon_ticket_object_get_sla        (BeaconTicketObject     *self);
gint64              beacon_ticket_object_get_urgency       (BeaconTicketObject     *self);
gboolean            beacon_ticket_object_get_highlighted   (BeaconTicketObject     *self);
void                beacon_ticket_object_set_highlighted   (BeaconTicketObject     *self,
                                                            gboolean                highlighted);

G_END_DECLS
