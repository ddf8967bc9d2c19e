/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "beaconctl"

#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>

#include "beacon-json.h"
#include "beacon-report-render.h"
#include "beacon-report.h"
#include "beaconctl.h"

/* beaconctl report …: the reports of issue #5, and the fault ledger. */

static JsonNode *
report_to_json (BeaconReport *report)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(GPtrArray) problems = beacon_report_check (report);

  json_builder_begin_object (builder);
  beaconctl_json_add_string (builder, "id", report->id);
  beaconctl_json_add_string (builder, "ticket", report->ticket_number);
  beaconctl_json_add_string (builder, "template", report->template->id);
  json_builder_set_member_name (builder, "template_version");
  json_builder_add_int_value (builder, report->template_version);
  beaconctl_json_add_string (builder, "title", beacon_report_translate (report->template->title));
  beaconctl_json_add_string (builder, "revision_of", report->revision_of);
  beaconctl_json_add_string (builder, "status", beacon_report_status_to_string (report->status));
  json_builder_set_member_name (builder, "sealed");
  json_builder_add_boolean_value (builder, report->sealed);
  beaconctl_json_add_string (builder, "sha256", report->sealed_sha256);
  beaconctl_json_add_time (builder, "sealed_at", report->sealed_at);
  beaconctl_json_add_time (builder, "delivered_at", report->delivered_at);
  beaconctl_json_add_time (builder, "answered_at", report->answered_at);
  json_builder_set_member_name (builder, "auto_confirmed");
  json_builder_add_boolean_value (builder, report->auto_confirmed);
  beaconctl_json_add_string (builder, "dispute_reason",
                     report->status == BEACON_REPORT_DISPUTED ? report->dispute_reason : NULL);

  json_builder_set_member_name (builder, "fields");
  json_builder_begin_array (builder);
  for (guint i = 0; i < report->template->fields->len; i++)
    {
      const BeaconReportField *field = g_ptr_array_index (report->template->fields, i);

      json_builder_begin_object (builder);
      beaconctl_json_add_string (builder, "id", field->id);
      beaconctl_json_add_string (builder, "kind", beacon_report_field_kind_to_string (field->kind));
      beaconctl_json_add_string (builder, "label", beacon_report_translate (field->label));
      json_builder_set_member_name (builder, "required");
      json_builder_add_boolean_value (builder, field->required);
      if (field->unit != NULL)
        beaconctl_json_add_string (builder, "unit", field->unit);
      json_builder_set_member_name (builder, "value");
      if (field->kind == BEACON_REPORT_FIELD_SIGNATURE)
        {
          BeaconReportSignature *signature = beacon_report_get_signature (report, field->role);

          if (signature != NULL)
            {
              json_builder_begin_object (builder);
              beaconctl_json_add_string (builder, "id", signature->id);
              beaconctl_json_add_string (builder, "role", signature->role);
              beaconctl_json_add_string (builder, "name", signature->name);
              beaconctl_json_add_time (builder, "signed_at", signature->signed_at);
              json_builder_end_object (builder);
            }
          else
            json_builder_add_null_value (builder);
        }
      else
        {
          JsonNode *value = beacon_report_get_value (report, field->id);

          if (value != NULL)
            json_builder_add_value (builder, json_node_copy (value));
          else
            json_builder_add_null_value (builder);
        }
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "problems");
  json_builder_begin_array (builder);
  for (guint i = 0; i < problems->len; i++)
    {
      BeaconReportProblem *problem = g_ptr_array_index (problems, i);

      json_builder_begin_object (builder);
      beaconctl_json_add_string (builder, "field", problem->field_id);
      beaconctl_json_add_string (builder, "message", problem->message);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

static void
print_report (BeaconReport *report)
{
  g_autoptr(GPtrArray) problems = beacon_report_check (report);

  printf ("%s  %s\n", beacon_report_translate (report->template->title), report->id);
  printf ("%s: %s\n", _("Ticket"), report->ticket_number ? report->ticket_number : "—");
  printf ("%s: %s\n", _("Status"), beacon_report_status_get_label (report->status));
  if (report->sealed)
    printf ("%s: %s\n", _("Seal SHA-256"), report->sealed_sha256);
  printf ("\n");

  for (guint i = 0; i < report->template->fields->len; i++)
    {
      const BeaconReportField *field = g_ptr_array_index (report->template->fields, i);
      JsonNode *value = beacon_report_get_value (report, field->id);
      g_autofree char *text = NULL;

      if (field->kind == BEACON_REPORT_FIELD_SIGNATURE)
        {
          BeaconReportSignature *signature = beacon_report_get_signature (report, field->role);
          g_autofree char *when = signature ? beaconctl_format_time (signature->signed_at) : NULL;

          text = signature ? g_strdup_printf ("%s, %s", signature->name, when)
                           : g_strdup (_("not signed"));
        }
      else
        text = beacon_report_format_value (field, value);

      printf ("%s%s: %s\n", beacon_report_translate (field->label), field->required ? " *" : "",
              text);

      if (field->kind == BEACON_REPORT_FIELD_TABLE && value != NULL)
        {
          JsonArray *rows = json_node_get_array (value);

          for (guint r = 0; r < json_array_get_length (rows); r++)
            {
              JsonObject *row = json_array_get_object_element (rows, r);

              printf ("  %3u.", r + 1);
              for (guint c = 0; c < field->columns->len; c++)
                {
                  const BeaconReportField *column = g_ptr_array_index (field->columns, c);
                  g_autofree char *cell = beacon_report_format_value (column,
                                                                      json_object_get_member (row, column->id));
                  printf (" %s%s", c ? "| " : "", cell);
                }
              printf ("\n");
            }
        }
    }

  if (problems->len > 0)
    {
      printf ("\n%s\n", _("Before it can be signed:"));
      for (guint i = 0; i < problems->len; i++)
        printf ("  %s\n", ((BeaconReportProblem *) g_ptr_array_index (problems, i))->message);
    }
}

static int
report_new (BeaconctlContext *context)
{
  g_auto(GStrv) positional = NULL;
  g_autoptr(BeaconStore) store = NULL;
  g_autofree char *report_id = NULL;
  GError *error = NULL;
  int status;

  status = beaconctl_parse (context, _("new TICKET TEMPLATE"),
                            _("Start a report for a ticket, filled in from the ticket and its "
                              "timeline. Templates: field-service, fault-handling, inspection. "
                              "Prints the report's id."),
                            NULL, 3, 3, &positional);
  if (status != 0)
    return status;

  store = beaconctl_open_store (context, &error);
  if (store == NULL)
    return beaconctl_fail (error);

  report_id = beacon_store_create_report (store, positional[1], positional[2], &error);
  if (report_id == NULL)
    return beaconctl_fail (error);

  printf ("%s\n", report_id);
  return BEACONCTL_EXIT_OK;
}

static int
report_set (BeaconctlContext *context)
{
  g_auto(GStrv) positional = NULL;
  g_autoptr(BeaconStore) store = NULL;
  g_autoptr(BeaconReport) report = NULL;
  g_autoptr(JsonNode) value = NULL;
  const BeaconReportField *field;
  GError *error = NULL;
  int status;

  status = beaconctl_parse (context, _("set REPORT FIELD VALUE"),
                            _("Fill in one field. Dates and times in ISO 8601 "
                              "(2026-11-27T09:30:00+08:00); a choice by its id; checked items as "
                              "ids separated by commas; table rows as a JSON array of objects; "
                              "an empty VALUE empties the field."),
                            NULL, 4, 4, &positional);
  if (status != 0)
    return status;

  store = beaconctl_open_store (context, &error);
  if (store == NULL)
    return beaconctl_fail (error);

  report = beacon_store_get_report (store, positional[1], &error);
  if (report == NULL)
    return beaconctl_fail (error);

  field = beacon_report_template_find_field (report->template, positional[2]);
  if (field != NULL && !beacon_report_parse_value (field, positional[3], &value, &error))
    return beaconctl_fail (error);

  if (!beacon_store_set_report_field (store, positional[1], positional[2], value, &error))
    return beaconctl_fail (error);

  return BEACONCTL_EXIT_OK;
}

static int
report_show (BeaconctlContext *context)
{
  g_auto(GStrv) positional = NULL;
  g_autoptr(BeaconStore) store = NULL;
  g_autoptr(BeaconReport) report = NULL;
  gboolean json = FALSE;
  GError *error = NULL;
  GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON"), NULL },
    { NULL }
  };
  int status;

  status = beaconctl_parse (context, _("show REPORT"), _("Show a report's fields, signatures and seal."),
                            entries, 2, 2, &positional);
  if (status != 0)
    return status;

  store = beaconctl_open_store (context, &error);
  if (store == NULL)
    return beaconctl_fail (error);

  report = beacon_store_get_report (store, positional[1], &error);
  if (report == NULL)
    return beaconctl_fail (error);

  if (json)
    {
      g_autoptr(JsonNode) node = report_to_json (report);

      beaconctl_print_json (node);
    }
  else
    print_report (report);

  return BEACONCTL_EXIT_OK;
}

static int
report_list (BeaconctlContext *context)
{
  g_autoptr(BeaconStore) store = NULL;
  g_autoptr(GPtrArray) reports = NULL;
  g_autoptr(BeaconTicket) ticket = NULL;
  g_autofree char *ticket_text = NULL;
  gboolean json = FALSE;
  GError *error = NULL;
  GOptionEntry entries[] = {
    { "ticket", 0, 0, G_OPTION_ARG_STRING, &ticket_text, N_("Only the reports of this ticket"), N_("NUMBER") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON"), NULL },
    { NULL }
  };
  int status;

  status = beaconctl_parse (context, "list", _("List reports, oldest first."), entries, 1, 1, NULL);
  if (status != 0)
    return status;

  store = beaconctl_open_store (context, &error);
  if (store == NULL)
    return beaconctl_fail (error);

  if (ticket_text != NULL)
    {
      ticket = beacon_store_get_ticket (store, ticket_text, FALSE, &error);
      if (ticket == NULL)
        {
          g_prefix_error (&error, "--ticket: ");
          return beaconctl_fail (error);
        }
    }

  reports = beacon_store_list_reports (store, ticket ? ticket->id : NULL, &error);
  if (reports == NULL)
    return beaconctl_fail (error);

  if (json)
    {
      g_autoptr(JsonNode) root = json_node_new (JSON_NODE_ARRAY);
      JsonArray *array = json_array_new ();

      json_node_take_array (root, array);
      for (guint i = 0; i < reports->len; i++)
        json_array_add_element (array, report_to_json (g_ptr_array_index (reports, i)));
      beaconctl_print_json (root);
      return BEACONCTL_EXIT_OK;
    }

  for (guint i = 0; i < reports->len; i++)
    {
      BeaconReport *report = g_ptr_array_index (reports, i);

      printf ("%s  %-15s  %-22s  %-10s  %s\n", report->id, report->template->id,
              report->ticket_number ? report->ticket_number : "—",
              beacon_report_status_to_string (report->status),
              beacon_report_translate (report->template->title));
    }

  return BEACONCTL_EXIT_OK;
}

static int
report_sign (BeaconctlContext *context)
{
  g_auto(GStrv) positional = NULL;
  g_autoptr(BeaconStore) store = NULL;
  g_autoptr(JsonNode) strokes = NULL;
  g_autoptr(BeaconReport) report = NULL;
  g_autofree char *role = NULL;
  g_autofree char *name = NULL;
  g_autofree char *strokes_path = NULL;
  g_autofree char *signature_id = NULL;
  GError *error = NULL;
  GOptionEntry entries[] = {
    { "role", 0, 0, G_OPTION_ARG_STRING, &role, N_("engineer or customer"), N_("ROLE") },
    { "name", 0, 0, G_OPTION_ARG_STRING, &name, N_("The signer's name"), N_("NAME") },
    { "strokes", 0, 0, G_OPTION_ARG_FILENAME, &strokes_path,
      N_("The drawn signature: {\"width\", \"height\", \"strokes\": [[[x, y, pressure], …], …]}"),
      N_("FILE.json") },
    { NULL }
  };
  int status;

  status = beaconctl_parse (context, _("sign REPORT --role engineer|customer --name NAME"),
                            _("Sign a complete report. When the engineer and the customer lead "
                              "have both signed, the report is sealed."),
                            entries, 2, 2, &positional);
  if (status != 0)
    return status;

  if (role == NULL || name == NULL)
    {
      beaconctl_usage_error (_("sign needs --role and --name"));
      return BEACONCTL_EXIT_USAGE;
    }

  if (strokes_path != NULL)
    {
      g_autofree char *text = NULL;

      if (!g_file_get_contents (strokes_path, &text, NULL, &error))
        return beaconctl_fail (error);
      strokes = beacon_json_parse (text, &error);
      if (strokes == NULL)
        {
          g_prefix_error (&error, "%s: ", strokes_path);
          return beaconctl_fail (error);
        }
    }

  store = beaconctl_open_store (context, &error);
  if (store == NULL)
    return beaconctl_fail (error);

  signature_id = beacon_store_sign_report (store, positional[1], role, name, strokes, &error);
  if (signature_id == NULL)
    return beaconctl_fail (error);

  report = beacon_store_get_report (store, positional[1], &error);
  if (report == NULL)
    return beaconctl_fail (error);

  if (report->sealed)
    printf (_("Signed and sealed: SHA-256 %s\n"), report->sealed_sha256);
  else
    printf (_("Signed; waiting for the other signature\n"));

  return BEACONCTL_EXIT_OK;
}

static int
report_answer (BeaconctlContext *context)
{
  g_auto(GStrv) positional = NULL;
  g_autoptr(BeaconStore) store = NULL;
  g_autofree char *reason = NULL;
  const char *verb = context->argv[0];
  GError *error = NULL;
  GOptionEntry entries[] = {
    { "reason", 0, 0, G_OPTION_ARG_STRING, &reason, N_("Why the customer disputes the report"), N_("TEXT") },
    { NULL }
  };
  gboolean ok;
  int status;

  status = beaconctl_parse (context, _("deliver|confirm|dispute REPORT [--reason TEXT]"),
                            _("Record that a sealed report was delivered, and the customer's "
                              "confirmation or dispute."),
                            entries, 2, 2, &positional);
  if (status != 0)
    return status;

  store = beaconctl_open_store (context, &error);
  if (store == NULL)
    return beaconctl_fail (error);

  if (g_str_equal (verb, "deliver"))
    ok = beacon_store_deliver_report (store, positional[1], &error);
  else
    ok = beacon_store_answer_report (store, positional[1], g_str_equal (verb, "confirm"), reason, &error);

  if (!ok)
    return beaconctl_fail (error);

  return BEACONCTL_EXIT_OK;
}

static int
report_amend (BeaconctlContext *context)
{
  g_auto(GStrv) positional = NULL;
  g_autoptr(BeaconStore) store = NULL;
  g_autofree char *report_id = NULL;
  GError *error = NULL;
  int status;

  status = beaconctl_parse (context, _("amend REPORT"),
                            _("Start a new revision of a sealed report with its values, to be "
                              "signed again. Prints the new report's id."),
                            NULL, 2, 2, &positional);
  if (status != 0)
    return status;

  store = beaconctl_open_store (context, &error);
  if (store == NULL)
    return beaconctl_fail (error);

  report_id = beacon_store_amend_report (store, positional[1], &error);
  if (report_id == NULL)
    return beaconctl_fail (error);

  printf ("%s\n", report_id);
  return BEACONCTL_EXIT_OK;
}

static int
report_pdf (BeaconctlContext *context)
{
  g_auto(GStrv) positional = NULL;
  g_autoptr(BeaconStore) store = NULL;
  g_autoptr(BeaconReport) report = NULL;
  g_autoptr(BeaconReportRender) render = NULL;
  g_autofree char *company = NULL;
  g_autofree char *logo = NULL;
  GError *error = NULL;
  GOptionEntry entries[] = {
    { "company", 0, 0, G_OPTION_ARG_STRING, &company, N_("The service company's name in the header"), N_("NAME") },
    { "logo", 0, 0, G_OPTION_ARG_FILENAME, &logo, N_("The company's logo, a PNG file"), N_("FILE") },
    { NULL }
  };
  int status;

  status = beaconctl_parse (context, _("pdf REPORT OUT.pdf"),
                            _("Write the report as an A4 PDF in the language of the locale."),
                            entries, 3, 3, &positional);
  if (status != 0)
    return status;

  if (logo != NULL && !g_file_test (logo, G_FILE_TEST_IS_REGULAR))
    {
      g_set_error (&error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_INVALID,
                   _("--logo: there is no file %s"), logo);
      return beaconctl_fail (error);
    }

  store = beaconctl_open_store (context, &error);
  if (store == NULL)
    return beaconctl_fail (error);

  report = beacon_store_get_report (store, positional[1], &error);
  if (report == NULL)
    return beaconctl_fail (error);

  render = beacon_report_render_new (report, company ? company : g_getenv ("BEACON_COMPANY_NAME"), logo);
  if (!beacon_report_render_to_pdf (render, positional[2], &error))
    return beaconctl_fail (error);

  return BEACONCTL_EXIT_OK;
}

static int
report_verify (BeaconctlContext *context)
{
  g_auto(GStrv) positional = NULL;
  g_autoptr(BeaconStore) store = NULL;
  g_autofree char *sha256 = NULL;
  GError *error = NULL;
  int status;

  status = beaconctl_parse (context, _("verify REPORT"),
                            _("Recompute the hash of a sealed report and compare it with its seal; "
                              "exit status 1 when they differ."),
                            NULL, 2, 2, &positional);
  if (status != 0)
    return status;

  store = beaconctl_open_store (context, &error);
  if (store == NULL)
    return beaconctl_fail (error);

  if (!beacon_store_verify_report (store, positional[1], &sha256, &error))
    return beaconctl_fail (error);

  printf (_("The report matches its seal: SHA-256 %s\n"), sha256);
  return BEACONCTL_EXIT_OK;
}

int
beaconctl_report (BeaconctlContext *context)
{
  static const struct
  {
    const char *name;
    int       (*run) (BeaconctlContext *context);
  } subcommands[] = {
    { "new", report_new },
    { "set", report_set },
    { "show", report_show },
    { "list", report_list },
    { "sign", report_sign },
    { "deliver", report_answer },
    { "confirm", report_answer },
    { "dispute", report_answer },
    { "amend", report_amend },
    { "pdf", report_pdf },
    { "verify", report_verify },
  };

  for (guint i = 0; context->argc >= 2 && i < G_N_ELEMENTS (subcommands); i++)
    {
      if (g_str_equal (context->argv[1], subcommands[i].name))
        {
          BeaconctlContext sub = { context->db_path, context->user, context->argc - 1, context->argv + 1 };

          return subcommands[i].run (&sub);
        }
    }

  beaconctl_usage_error (_("Usage: beaconctl report "
                           "new|set|show|list|sign|deliver|confirm|dispute|amend|pdf|verify …"));
  return BEACONCTL_EXIT_USAGE;
}

int
beaconctl_ledger (BeaconctlContext *context)
{
  g_autoptr(BeaconStore) store = NULL;
  g_autoptr(GPtrArray) reports = NULL;
  gboolean json = FALSE;
  GError *error = NULL;
  GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON"), NULL },
    { NULL }
  };
  int status;

  status = beaconctl_parse (context, "ledger",
                            _("The fault ledger: every sealed fault handling report, in the order "
                              "they were sealed."),
                            entries, 1, 1, NULL);
  if (status != 0)
    return status;

  store = beaconctl_open_store (context, &error);
  if (store == NULL)
    return beaconctl_fail (error);

  reports = beacon_store_list_ledger (store, &error);
  if (reports == NULL)
    return beaconctl_fail (error);

  if (json)
    {
      g_autoptr(JsonNode) root = json_node_new (JSON_NODE_ARRAY);
      JsonArray *array = json_array_new ();

      json_node_take_array (root, array);
      for (guint i = 0; i < reports->len; i++)
        {
          BeaconReport *report = g_ptr_array_index (reports, i);
          g_autoptr(JsonBuilder) builder = json_builder_new ();
          static const char * const fields[] = {
            "customer", "site", "system", "fault_level", "description", "cause", "method", "prevention",
          };

          json_builder_begin_object (builder);
          beaconctl_json_add_string (builder, "report", report->id);
          beaconctl_json_add_string (builder, "ticket", report->ticket_number);
          for (guint f = 0; f < G_N_ELEMENTS (fields); f++)
            {
              JsonNode *value = beacon_report_get_value (report, fields[f]);

              json_builder_set_member_name (builder, fields[f]);
              json_builder_add_value (builder, value ? json_node_copy (value)
                                                     : json_node_new (JSON_NODE_NULL));
            }
          {
            JsonNode *fault_at = beacon_report_get_value (report, "fault_at");
            JsonNode *recovered_at = beacon_report_get_value (report, "recovered_at");

            beaconctl_json_add_time (builder, "fault_at", fault_at ? json_node_get_int (fault_at) : 0);
            beaconctl_json_add_time (builder, "recovered_at", recovered_at ? json_node_get_int (recovered_at) : 0);
          }
          beaconctl_json_add_time (builder, "sealed_at", report->sealed_at);
          beaconctl_json_add_string (builder, "sha256", report->sealed_sha256);
          beaconctl_json_add_string (builder, "status", beacon_report_status_to_string (report->status));
          json_builder_end_object (builder);
          json_array_add_element (array, json_builder_get_root (builder));
        }
      beaconctl_print_json (root);
      return BEACONCTL_EXIT_OK;
    }

  for (guint i = 0; i < reports->len; i++)
    {
      BeaconReport *report = g_ptr_array_index (reports, i);
      JsonNode *customer = beacon_report_get_value (report, "customer");
      JsonNode *description = beacon_report_get_value (report, "description");
      g_autofree char *sealed = beaconctl_format_time (report->sealed_at);
      g_autofree char *summary = NULL;

      summary = description ? g_utf8_substring (json_node_get_string (description), 0,
                                                MIN (40, g_utf8_strlen (json_node_get_string (description), -1)))
                            : g_strdup ("");
      printf ("%-22s  %s  %s  %.12s  %s\n", report->ticket_number ? report->ticket_number : "—",
              sealed, customer ? json_node_get_string (customer) : "", report->sealed_sha256, summary);
    }

  return BEACONCTL_EXIT_OK;
}
