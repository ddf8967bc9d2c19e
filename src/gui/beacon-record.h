/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "beacon-ticket.h"

G_BEGIN_DECLS

/* Recording an event without blocking the main loop: the write runs in a
 * worker thread; the store's ::changed signal then updates every view. */

void      beacon_record_event_async   (BeaconStore         *store,
                                       const char          *ticket_id,
                                       BeaconEventType      type,
                                       const char          *note,
                                       JsonObject          *payload,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data);
gboolean  beacon_record_event_finish  (BeaconStore         *store,
                                       GAsyncResult        *result,
                                       GError             **error);
gboolean  beacon_stage_get_entry_event (BeaconStage         from,
                                        BeaconStage         to,
                                        BeaconEventType    *out_type);

G_END_DECLS
