/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "beacon-report.h"
#include "beacon-signature-pad.h"

G_BEGIN_DECLS

#define BEACON_TYPE_REPORT_FIELD_EDITOR (beacon_report_field_editor_get_type ())

G_DECLARE_FINAL_TYPE (BeaconReportFieldEditor, beacon_report_field_editor, BEACON, REPORT_FIELD_EDITOR, GObject)

BeaconReportFieldEditor *beacon_report_field_editor_new        (const BeaconReportField *field);
const BeaconReportField *beacon_report_field_editor_get_field  (BeaconReportFieldEditor *self);
GtkWidget               *beacon_report_field_editor_get_row    (BeaconReportFieldEditor *self);
void                     beacon_report_field_editor_add_to_group (BeaconReportFieldEditor *self,
                                                                AdwPreferencesGroup     *group);
void                     beacon_report_field_editor_set_value  (BeaconReportFieldEditor *self,
                                                                JsonNode                *value);
void                     beacon_report_field_editor_set_problem (BeaconReportFieldEditor *self,
                                                                const char              *message,
                                                                gboolean                 show_untouched);
gboolean                 beacon_report_field_editor_has_format_error (BeaconReportFieldEditor *self);
void                     beacon_report_field_editor_set_editable (BeaconReportFieldEditor *self,
                                                                gboolean                 editable);
void                     beacon_report_field_editor_set_can_sign (BeaconReportFieldEditor *self,
                                                                gboolean                 can_sign);
void                     beacon_report_field_editor_set_signature (BeaconReportFieldEditor *self,
                                                                BeaconReportSignature   *signature);
BeaconSignaturePad      *beacon_report_field_editor_get_pad    (BeaconReportFieldEditor *self);
GtkEditable             *beacon_report_field_editor_get_signer_entry (BeaconReportFieldEditor *self);
GtkWidget               *beacon_report_field_editor_get_sign_button (BeaconReportFieldEditor *self);

G_END_DECLS
