/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "beacon-sync.h"

G_BEGIN_DECLS

/* Shared between beacon-sync.c, beacon-sync-folder.c and beacon-sync-http.c. */

typedef struct
{
  gint64  first_seq;
  gint64  last_seq;
  char   *hash;
  GBytes *data;
} BeaconOutboxSegment;

void      _beacon_outbox_segment_free (BeaconOutboxSegment *segment);

gint64    _beacon_sync_get_pushed     (BeaconStore  *store,
                                       const char   *target);
gboolean  _beacon_sync_set_pushed     (BeaconStore  *store,
                                       const char   *target,
                                       gint64        pushed_seq,
                                       GError      **error);
gint64    _beacon_sync_get_cursor     (BeaconStore  *store,
                                       const char   *device);
void      _beacon_sync_finish_round   (BeaconStore      *store,
                                       const char       *target,
                                       const GError     *failure,
                                       BeaconSyncReport *report);
void      _beacon_sync_set_clock_skew (BeaconStore  *store,
                                       const char   *target,
                                       gint64        skew);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BeaconOutboxSegment, _beacon_outbox_segment_free)

G_END_DECLS
