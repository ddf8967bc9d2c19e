/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "beacon-core"

#include "config.h"

#include "beacon-change.h"

BeaconChange *
beacon_change_new (const char *device,
                   gint64      seq,
                   BeaconHlc   hlc,
                   int         schema_version,
                   const char *entity,
                   const char *entity_id,
                   const char *field,
                   const char *value,
                   const char *prev)
{
  BeaconChange *change = g_new0 (BeaconChange, 1);

  change->device = g_strdup (device);
  change->seq = seq;
  change->hlc = hlc;
  change->schema_version = schema_version;
  change->entity = g_strdup (entity);
  change->entity_id = g_strdup (entity_id);
  change->field = g_strdup (field ? field : "");
  change->value = g_strdup (value ? value : "null");
  change->prev = g_strdup (prev ? prev : "[]");

  return change;
}

BeaconChange *
beacon_change_copy (const BeaconChange *change)
{
  g_return_val_if_fail (change != NULL, NULL);

  return beacon_change_new (change->device, change->seq, change->hlc, change->schema_version,
                            change->entity, change->entity_id, change->field, change->value,
                            change->prev);
}

void
beacon_change_free (BeaconChange *change)
{
  if (change == NULL)
    return;

  g_free (change->device);
  g_free (change->entity);
  g_free (change->entity_id);
  g_free (change->field);
  g_free (change->value);
  g_free (change->prev);
  g_free (change);
}

gboolean
beacon_change_equal (const BeaconChange *a,
                     const BeaconChange *b)
{
  return g_strcmp0 (a->device, b->device) == 0 &&
         a->seq == b->seq &&
         a->hlc == b->hlc &&
         a->schema_version == b->schema_version &&
         g_strcmp0 (a->entity, b->entity) == 0 &&
         g_strcmp0 (a->entity_id, b->entity_id) == 0 &&
         g_strcmp0 (a->field, b->field) == 0 &&
         g_strcmp0 (a->value, b->value) == 0 &&
         g_strcmp0 (a->prev, b->prev) == 0;
}

/**
 * beacon_version_format:
 *
 * Returns: (transfer full): the name of a register version, `HLC@DEVICE`
 */
char *
beacon_version_format (BeaconHlc   hlc,
                       const char *device)
{
  return g_strdup_printf ("%" G_GUINT64_FORMAT "@%s", hlc, device);
}

char *
beacon_change_dup_version (const BeaconChange *change)
{
  return beacon_version_format (change->hlc, change->device);
}
