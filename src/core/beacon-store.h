/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "beacon-change.h"
#include "beacon-clock.h"
#include "beacon-error.h"

G_BEGIN_DECLS

/* The newest schema this build knows; PRAGMA user_version of a current
 * database: the number of migrations in beacon-store.c. */
#define BEACON_SCHEMA_VERSION (beacon_store_schema_version ())

int           beacon_store_schema_version      (void) G_GNUC_CONST;

#define BEACON_TYPE_STORE (beacon_store_get_type ())

G_DECLARE_FINAL_TYPE (BeaconStore, beacon_store, BEACON, STORE, GObject)

char         *beacon_store_dup_default_path    (void);
BeaconStore  *beacon_store_open                (const char    *path,
                                                BeaconClock   *clock,
                                                GError       **error);
const char   *beacon_store_get_path            (BeaconStore   *self);
BeaconClock  *beacon_store_get_clock           (BeaconStore   *self);
const char   *beacon_store_get_device_id       (BeaconStore   *self);
const char   *beacon_store_get_device_code     (BeaconStore   *self);
BeaconHlc     beacon_store_get_hlc             (BeaconStore   *self);
gint64        beacon_store_get_last_seq        (BeaconStore   *self);
gint64        beacon_store_now                 (BeaconStore   *self);

const char   *beacon_store_get_author          (BeaconStore   *self);
void          beacon_store_set_author          (BeaconStore   *self,
                                                const char    *user_id);
char         *beacon_store_dup_office_prefix   (BeaconStore   *self);
gboolean      beacon_store_set_office_prefix   (BeaconStore   *self,
                                                const char    *prefix,
                                                GError       **error);

gboolean      beacon_store_apply_changes       (BeaconStore   *self,
                                                GPtrArray     *changes,
                                                guint         *out_n_applied,
                                                GError       **error);
GPtrArray    *beacon_store_list_changes        (BeaconStore   *self,
                                                const char    *device,
                                                gint64         after_seq,
                                                guint          limit,
                                                GError       **error);
gboolean      beacon_store_rebuild_projections (BeaconStore   *self,
                                                GError       **error);
gboolean      beacon_store_export_json         (BeaconStore   *self,
                                                GOutputStream *out,
                                                GCancellable  *cancellable,
                                                GError       **error);
gboolean      beacon_store_check_integrity     (BeaconStore   *self,
                                                GError       **error);

G_END_DECLS
