/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "beacon-store.h"

G_BEGIN_DECLS

/* How far the clocks of a device and the server may differ before Beacon warns. */
#define BEACON_SYNC_CLOCK_SKEW_LIMIT 120

#define BEACON_SYNC_ERROR (beacon_sync_error_quark ())

/**
 * BeaconSyncError:
 * @BEACON_SYNC_ERROR_UNAVAILABLE: the share or server cannot be reached or
 *   written now (gone, full, slow); local work goes on and a later round catches up
 * @BEACON_SYNC_ERROR_REFUSED: the server refused the device (token, size, format)
 * @BEACON_SYNC_ERROR_DIVERGED: the share or server holds other content under
 *   this device's sequence numbers: a person must look
 * @BEACON_SYNC_ERROR_UPDATE_REQUIRED: the other side speaks a newer format
 */
typedef enum
{
  BEACON_SYNC_ERROR_UNAVAILABLE,
  BEACON_SYNC_ERROR_REFUSED,
  BEACON_SYNC_ERROR_DIVERGED,
  BEACON_SYNC_ERROR_UPDATE_REQUIRED,
} BeaconSyncError;

GQuark beacon_sync_error_quark (void);

/**
 * BeaconSyncOutcome:
 *
 * What became of one segment offered for import.
 */
typedef enum
{
  BEACON_SYNC_APPLIED,
  BEACON_SYNC_DUPLICATE,
  BEACON_SYNC_WAITING,
  BEACON_SYNC_QUARANTINED,
  BEACON_SYNC_UPDATE_REQUIRED,
  BEACON_SYNC_OWN,
} BeaconSyncOutcome;

/**
 * BeaconSyncReport:
 *
 * What one sync round did. Counters add up over the calls that fill it.
 */
typedef struct
{
  guint    segments_sent;
  guint    segments_received;
  guint    changes_applied;
  guint    duplicates;
  guint    waiting;
  guint    quarantined;
  guint    update_required;
  gint64   pending;
  gboolean clock_skew_known;
  gint64   clock_skew;        /* the other side’s clock minus ours, in seconds */
} BeaconSyncReport;

gboolean   beacon_sync_prepare          (BeaconStore       *store,
                                         GError           **error);
GPtrArray *beacon_sync_list_outbox      (BeaconStore       *store,
                                         gint64             after_seq,
                                         GError           **error);
gboolean   beacon_sync_import_segment   (BeaconStore       *store,
                                         const char        *source,
                                         const char        *name,
                                         const char        *expected_device,
                                         const char        *data,
                                         gsize              length,
                                         BeaconSyncOutcome *out_outcome,
                                         BeaconSyncReport  *report,
                                         GError           **error);
gboolean   beacon_sync_folder           (BeaconStore       *store,
                                         const char        *folder,
                                         BeaconSyncReport  *report,
                                         GError           **error);
gboolean   beacon_sync_server           (BeaconStore       *store,
                                         const char        *url,
                                         const char        *token,
                                         BeaconSyncReport  *report,
                                         GError           **error);
gint64     beacon_sync_get_next_attempt (BeaconStore       *store,
                                         const char        *target);
char      *beacon_sync_dup_folder_target (const char       *folder);
char      *beacon_sync_dup_server_target (const char       *url);
JsonNode  *beacon_sync_dup_status       (BeaconStore       *store,
                                         GError           **error);
JsonNode  *beacon_sync_dup_conflicts    (BeaconStore       *store,
                                         GError           **error);

G_END_DECLS
