/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "beacon-hlc.h"

G_BEGIN_DECLS

/**
 * BeaconChange:
 * @device: the UUID of the device that made the change
 * @seq: the change's place in that device's oplog, from 1
 * @hlc: when it was made, on the hybrid logical clock
 * @schema_version: the schema the device wrote it under
 * @entity: `customer`, `site`, `contact`, `system`, `user`, `ticket` or `event`
 * @entity_id: the UUID of the thing changed
 * @field: the register written; empty for an event
 * @value: the new value (or the whole event) as JSON text
 * @prev: JSON array of the versions (`HLC@DEVICE`) the writer saw and replaced
 *
 * One entry of the append-only oplog. Local edits and imported changes are
 * both applied through beacon_store_apply_changes().
 */
typedef struct
{
  char      *device;
  gint64     seq;
  BeaconHlc  hlc;
  int        schema_version;
  char      *entity;
  char      *entity_id;
  char      *field;
  char      *value;
  char      *prev;
} BeaconChange;

BeaconChange *beacon_change_new   (const char         *device,
                                   gint64              seq,
                                   BeaconHlc           hlc,
                                   int                 schema_version,
                                   const char         *entity,
                                   const char         *entity_id,
                                   const char         *field,
                                   const char         *value,
                                   const char         *prev);
BeaconChange *beacon_change_copy  (const BeaconChange *change);
void          beacon_change_free  (BeaconChange       *change);
gboolean      beacon_change_equal (const BeaconChange *a,
                                   const BeaconChange *b);
char         *beacon_change_dup_version (const BeaconChange *change);
char         *beacon_version_format (BeaconHlc         hlc,
                                     const char       *device);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BeaconChange, beacon_change_free)

G_END_DECLS
