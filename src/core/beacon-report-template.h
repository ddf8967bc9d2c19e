/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/**
 * BeaconReportFieldKind:
 *
 * What a report field holds, and so how it is edited, checked and printed.
 * Values are JSON: text and multiline a string, date-time seconds since the
 * epoch, choice an option id, checklist an array of item ids, number a
 * number (in the field's unit), table an array of row objects, and a
 * signature is not a value but a signature record.
 */
typedef enum
{
  BEACON_REPORT_FIELD_TEXT,
  BEACON_REPORT_FIELD_MULTILINE,
  BEACON_REPORT_FIELD_DATE_TIME,
  BEACON_REPORT_FIELD_CHOICE,
  BEACON_REPORT_FIELD_CHECKLIST,
  BEACON_REPORT_FIELD_NUMBER,
  BEACON_REPORT_FIELD_TABLE,
  BEACON_REPORT_FIELD_SIGNATURE,
  BEACON_REPORT_N_FIELD_KINDS,
} BeaconReportFieldKind;

typedef struct
{
  char *id;
  char *label;         /* English msgid; show with beacon_report_translate () */
} BeaconReportOption;

typedef struct _BeaconReportField BeaconReportField;

struct _BeaconReportField
{
  char                  *id;
  BeaconReportFieldKind  kind;
  char                  *label;       /* msgid */
  char                  *section;     /* msgid of the section title */
  gboolean               required;
  char                  *unit;        /* number */
  gboolean               has_min;
  double                 min;
  char                  *prefill;     /* where a new report takes the value from */
  char                  *role;        /* signature: engineer, customer */
  char                  *not_before;  /* date-time: id of an earlier field */
  char                  *not_below;   /* number: id of a smaller field */
  char                 **derive;      /* number: [a, b] → a − b */
  GPtrArray             *options;     /* BeaconReportOption: choice options, checklist items */
  GPtrArray             *columns;     /* BeaconReportField: table columns */
  double                 width;       /* print: a column's share of the table width */
  gboolean               full_span;   /* print: label above, value across the page */
};

typedef struct
{
  char      *title;                   /* msgid */
  GPtrArray *fields;                  /* BeaconReportField */
} BeaconReportSection;

typedef struct
{
  gatomicrefcount  ref_count;
  char            *id;
  int              version;
  char            *title;             /* msgid */
  char            *subtitle;          /* msgid or NULL */
  gboolean         ledger;            /* sealed reports appear in the fault ledger */
  GPtrArray       *sections;          /* BeaconReportSection */
  GPtrArray       *fields;            /* every field in order, borrowed from the sections */
  double           label_width;       /* print: the label column's share of the width */
} BeaconReportTemplate;

#define BEACON_TYPE_REPORT_TEMPLATE (beacon_report_template_get_type ())

GType                 beacon_report_template_get_type   (void) G_GNUC_CONST;
BeaconReportTemplate *beacon_report_template_ref        (BeaconReportTemplate  *self);
void                  beacon_report_template_unref      (BeaconReportTemplate  *self);
BeaconReportTemplate *beacon_report_template_new_from_data (const char         *data,
                                                         gssize                 length,
                                                         GError               **error);
BeaconReportTemplate *beacon_report_template_lookup     (const char            *id,
                                                         GError               **error);
GPtrArray            *beacon_report_template_list       (void);
const BeaconReportField *beacon_report_template_find_field (BeaconReportTemplate *self,
                                                         const char            *field_id);
const BeaconReportField *beacon_report_template_find_signature (BeaconReportTemplate *self,
                                                         const char            *role);
GPtrArray            *beacon_report_template_collect_strings (BeaconReportTemplate *self);

const char           *beacon_report_field_kind_to_string (BeaconReportFieldKind kind);
const char           *beacon_report_field_find_option   (const BeaconReportField *field,
                                                         const char            *option_id);
const char           *beacon_report_translate           (const char            *msgid);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BeaconReportTemplate, beacon_report_template_unref)

G_END_DECLS
