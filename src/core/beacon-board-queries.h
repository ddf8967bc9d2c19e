/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "beacon-domain.h"
#include "beacon-store.h"

G_BEGIN_DECLS

/* Narrow reads the ticket board needs at the scale of a busy centre (5 000 open
 * tickets among 100 000): only open tickets and those closed since a given
 * instant, never a scan of the whole history. */

GStrv       beacon_store_list_closed_since    (BeaconStore  *self,
                                               gint64        since,
                                               GError      **error);
GHashTable *beacon_store_search_board         (BeaconStore        *self,
                                               const char         *text,
                                               const char * const *closed_ids,
                                               GError            **error);

GStrv       beacon_store_list_site_history    (BeaconStore  *self,
                                               const char   *site_id,
                                               const char   *except_ticket_id,
                                               guint         limit,
                                               GError      **error);

G_END_DECLS
