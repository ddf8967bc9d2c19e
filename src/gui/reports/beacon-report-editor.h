/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "beacon-report-field-editor.h"
#include "beacon-report-saver.h"
#include "beacon-report.h"

G_BEGIN_DECLS

#define BEACON_TYPE_REPORT_EDITOR (beacon_report_editor_get_type ())

G_DECLARE_FINAL_TYPE (BeaconReportEditor, beacon_report_editor, BEACON, REPORT_EDITOR, AdwWindow)

BeaconReportEditor *beacon_report_editor_new          (GtkApplication     *application,
                                                       BeaconStore        *store,
                                                       const char         *report_id);
BeaconReportEditor *beacon_report_editor_open         (GtkApplication     *application,
                                                       BeaconStore        *store,
                                                       const char         *report_id);
void                beacon_report_editor_new_report   (GtkApplication     *application,
                                                       BeaconStore        *store,
                                                       const char         *ticket_and_template);
BeaconReportEditor *beacon_report_editor_find         (GtkApplication     *application,
                                                       const char         *report_id);

const char         *beacon_report_editor_get_report_id (BeaconReportEditor *self);
gboolean            beacon_report_editor_get_loaded   (BeaconReportEditor *self);
gboolean            beacon_report_editor_get_read_only (BeaconReportEditor *self);
BeaconReport       *beacon_report_editor_get_report   (BeaconReportEditor *self);
BeaconReportSaver  *beacon_report_editor_get_saver    (BeaconReportEditor *self);
BeaconReportFieldEditor *beacon_report_editor_get_field_editor (BeaconReportEditor *self,
                                                       const char         *field_id);
GtkWidget          *beacon_report_editor_get_seal_label (BeaconReportEditor *self);
GtkWidget          *beacon_report_editor_get_save_label (BeaconReportEditor *self);

G_END_DECLS
