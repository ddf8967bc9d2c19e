/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "beacon-store.h"

G_BEGIN_DECLS

gboolean beacon_store_resolve_conflict (BeaconStore  *self,
                                        const char   *entity,
                                        const char   *entity_id,
                                        const char   *field,
                                        const char   *value_json,
                                        GError      **error);

G_END_DECLS
