/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "beacon-store.h"
#include "beacon-ticket.h"

G_BEGIN_DECLS

extern char beacon_test_last_number[64];

char         *beacon_test_make_dir          (void);
BeaconTicket *beacon_test_make_ticket       (BeaconStore *store,
                                             int          level);
char         *beacon_test_export            (BeaconStore *store);
char         *beacon_test_describe_tickets  (BeaconStore *store);

G_END_DECLS
