/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "beacon-report.h"

G_BEGIN_DECLS

typedef enum
{
  BEACON_REPORT_OP_LOAD,
  BEACON_REPORT_OP_SIGN,
  BEACON_REPORT_OP_DELIVER,
  BEACON_REPORT_OP_CONFIRM,
  BEACON_REPORT_OP_DISPUTE,
  BEACON_REPORT_OP_AMEND,
} BeaconReportOp;

#define BEACON_TYPE_REPORT_SAVER (beacon_report_saver_get_type ())

G_DECLARE_FINAL_TYPE (BeaconReportSaver, beacon_report_saver, BEACON, REPORT_SAVER, GObject)

BeaconReportSaver *beacon_report_saver_new         (BeaconStore        *store,
                                                    const char         *report_id);
const char        *beacon_report_saver_get_report_id (BeaconReportSaver *self);
gboolean           beacon_report_saver_get_pending (BeaconReportSaver  *self);
const char        *beacon_report_saver_get_error   (BeaconReportSaver  *self);
void               beacon_report_saver_set_value   (BeaconReportSaver  *self,
                                                    const char         *field_id,
                                                    JsonNode           *value);
void               beacon_report_saver_flush       (BeaconReportSaver  *self);
void               beacon_report_saver_run_async   (BeaconReportSaver  *self,
                                                    BeaconReportOp      op,
                                                    const char         *role_or_reason,
                                                    const char         *name,
                                                    JsonNode           *strokes,
                                                    GCancellable       *cancellable,
                                                    GAsyncReadyCallback callback,
                                                    gpointer            user_data);
BeaconReport      *beacon_report_saver_run_finish  (BeaconReportSaver  *self,
                                                    GAsyncResult       *result,
                                                    char              **out_new_report_id,
                                                    GError            **error);

G_END_DECLS
