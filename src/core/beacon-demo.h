/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "beacon-store.h"

G_BEGIN_DECLS

gboolean beacon_store_fill_demo (BeaconStore  *self,
                                 guint         n_tickets,
                                 guint32       seed,
                                 GError      **error);

G_END_DECLS
