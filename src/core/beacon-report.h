/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "beacon-calendar.h"
#include "beacon-report-template.h"
#include "beacon-store.h"

G_BEGIN_DECLS

typedef enum
{
  BEACON_REPORT_DRAFT,        /* nobody has signed the current content */
  BEACON_REPORT_SIGNING,      /* some, not all, have signed */
  BEACON_REPORT_SEALED,
  BEACON_REPORT_DELIVERED,
  BEACON_REPORT_CONFIRMED,
  BEACON_REPORT_DISPUTED,
} BeaconReportStatus;

/**
 * BeaconReportSignature:
 * @strokes: JSON text, `{"width": W, "height": H, "strokes": [[[x, y, pressure], …], …]}`
 * @content_sha256: the fields the signer saw; a signature counts only while
 *   the fields still hash to it
 */
typedef struct
{
  char      *id;
  char      *role;
  char      *name;
  gint64     signed_at;
  char      *strokes;
  char      *content_sha256;
  gboolean   current;
} BeaconReportSignature;

/**
 * BeaconReport:
 *
 * A report as the projections show it now.
 */
typedef struct
{
  char                 *id;
  char                 *ticket_id;
  char                 *ticket_number;
  BeaconReportTemplate *template;
  int                   template_version;
  char                 *revision_of;
  gint64                created_at;
  JsonObject           *values;          /* field id → value; absent when empty */
  GPtrArray            *signatures;      /* BeaconReportSignature, oldest first */
  BeaconReportStatus    status;
  gboolean              sealed;
  char                 *sealed_sha256;
  gint64                sealed_at;
  gint64                delivered_at;
  gint64                answered_at;     /* confirmed or disputed */
  gboolean              auto_confirmed;
  char                 *dispute_reason;
} BeaconReport;

typedef struct
{
  char *field_id;
  char *message;
} BeaconReportProblem;

void          beacon_report_free                (BeaconReport          *report);
void          beacon_report_problem_free        (BeaconReportProblem   *problem);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (BeaconReport, beacon_report_free)

const char   *beacon_report_status_to_string    (BeaconReportStatus     status);
const char   *beacon_report_status_get_label    (BeaconReportStatus     status);

JsonNode     *beacon_report_get_value           (BeaconReport          *report,
                                                 const char            *field_id);
BeaconReportSignature *beacon_report_get_signature (BeaconReport       *report,
                                                 const char            *role);
GPtrArray    *beacon_report_check               (BeaconReport          *report);
char         *beacon_report_compute_sha256      (BeaconReport          *report);
char         *beacon_report_format_value        (const BeaconReportField *field,
                                                 JsonNode              *value);
gboolean      beacon_report_parse_value         (const BeaconReportField *field,
                                                 const char            *text,
                                                 JsonNode             **out_value,
                                                 GError               **error);
gboolean      beacon_report_validate_value      (const BeaconReportField *field,
                                                 JsonNode              *value,
                                                 GError               **error);

char         *beacon_store_create_report        (BeaconStore           *self,
                                                 const char            *ticket,
                                                 const char            *template_id,
                                                 GError               **error);
char         *beacon_store_amend_report         (BeaconStore           *self,
                                                 const char            *report_id,
                                                 GError               **error);
BeaconReport *beacon_store_get_report           (BeaconStore           *self,
                                                 const char            *report_id,
                                                 GError               **error);
GPtrArray    *beacon_store_list_reports         (BeaconStore           *self,
                                                 const char            *ticket_id,
                                                 GError               **error);
GPtrArray    *beacon_store_list_ledger          (BeaconStore           *self,
                                                 GError               **error);
gboolean      beacon_store_set_report_field     (BeaconStore           *self,
                                                 const char            *report_id,
                                                 const char            *field_id,
                                                 JsonNode              *value,
                                                 GError               **error);
char         *beacon_store_sign_report          (BeaconStore           *self,
                                                 const char            *report_id,
                                                 const char            *role,
                                                 const char            *name,
                                                 JsonNode              *strokes,
                                                 GError               **error);
gboolean      beacon_store_deliver_report       (BeaconStore           *self,
                                                 const char            *report_id,
                                                 GError               **error);
gboolean      beacon_store_answer_report        (BeaconStore           *self,
                                                 const char            *report_id,
                                                 gboolean               confirmed,
                                                 const char            *reason,
                                                 GError               **error);
guint         beacon_store_auto_confirm_reports (BeaconStore           *self,
                                                 gint64                 now,
                                                 const BeaconCalendar  *calendar,
                                                 GError               **error);
gboolean      beacon_store_verify_report        (BeaconStore           *self,
                                                 const char            *report_id,
                                                 char                 **out_sha256,
                                                 GError               **error);
guint         beacon_store_count_report_refusals (BeaconStore          *self,
                                                 const char            *report_id,
                                                 GError               **error);

G_END_DECLS
