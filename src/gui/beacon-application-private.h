/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "beacon-application.h"

G_BEGIN_DECLS

void _beacon_application_install_actions (BeaconApplication *self);
void _beacon_application_switch_user     (BeaconApplication *self);
void _beacon_application_open_ticket     (BeaconApplication *self,
                                          const char        *ticket_id);

G_END_DECLS
