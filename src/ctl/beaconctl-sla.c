/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "beaconctl"

#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>

#include "beacon-duration.h"
#include "beacon-escalation.h"
#include "beacon-json.h"
#include "beacon-metrics.h"
#include "beacon-policy.h"
#include "beacon-time.h"
#include "beaconctl.h"

/* beaconctl sla | calendar | policy | escalate */

typedef struct
{
  const char *name;
  int       (*run) (BeaconctlContext *context);
} Subcommand;

static int
dispatch (BeaconctlContext  *context,
          const Subcommand  *subcommands,
          guint              n_subcommands,
          const char        *usage)
{
  for (guint i = 0; context->argc >= 2 && i < n_subcommands; i++)
    {
      if (g_str_equal (context->argv[1], subcommands[i].name))
        {
          BeaconctlContext sub = { context->db_path, context->user, context->argc - 1, context->argv + 1 };

          return subcommands[i].run (&sub);
        }
    }

  beaconctl_usage_error ("%s", usage);
  return BEACONCTL_EXIT_USAGE;
}

/* Opens the database only if there is one: `sla due 24x7 …` needs none. */
static BeaconStore *
open_existing_store (BeaconctlContext  *context,
                     GError           **error)
{
  g_autofree char *path = context->db_path ? g_strdup (context->db_path)
                                           : beacon_store_dup_default_path ();

  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    return NULL;
  return beaconctl_open_store (context, error);
}

static BeaconCalendar *
resolve_calendar (BeaconctlContext  *context,
                  const char        *id_or_path,
                  GError           **error)
{
  g_autoptr(BeaconStore) store = NULL;
  GError *local_error = NULL;

  store = open_existing_store (context, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return NULL;
    }

  return beacon_store_resolve_calendar (store, id_or_path, error);
}

static char *
format_in (const BeaconCalendar *calendar,
           gint64                instant)
{
  return beacon_time_format (instant, beacon_calendar_get_timezone (calendar));
}

static int
sla_due (BeaconctlContext *context)
{
  g_auto(GStrv) positional = NULL;
  g_autoptr(BeaconCalendar) calendar = NULL;
  g_autofree char *text = NULL;
  GError *error = NULL;
  gint64 start, duration, due;
  int status;

  status = beaconctl_parse (context, _("sla due CALENDAR START DURATION"),
                            _("Print the instant when DURATION of working time has passed since "
                              "START on CALENDAR (an id or a calendar file). DURATION is seconds, "
                              "2h30m, 90m, 45s, 5d, PT2H30M or P5D."),
                            NULL, 4, 4, &positional);
  if (status != 0)
    return status;

  calendar = resolve_calendar (context, positional[1], &error);
  if (calendar == NULL)
    return beaconctl_fail (error);
  if (!beacon_time_parse (positional[2], beacon_calendar_get_timezone (calendar), &start, &error))
    {
      g_prefix_error (&error, "START: ");
      return beaconctl_fail (error);
    }
  if (!beacon_duration_parse (positional[3], &duration, &error))
    {
      g_prefix_error (&error, "DURATION: ");
      return beaconctl_fail (error);
    }
  if (!beacon_calendar_due (calendar, start, duration, &due, &error))
    return beaconctl_fail (error);

  text = format_in (calendar, due);
  printf ("%s\n", text);
  return BEACONCTL_EXIT_OK;
}

static int
sla_elapsed (BeaconctlContext *context)
{
  g_auto(GStrv) positional = NULL;
  g_autoptr(BeaconCalendar) calendar = NULL;
  GError *error = NULL;
  gint64 start, end;
  int status;

  status = beaconctl_parse (context, _("sla elapsed CALENDAR START END"),
                            _("Print the working seconds between START and END on CALENDAR."),
                            NULL, 4, 4, &positional);
  if (status != 0)
    return status;

  calendar = resolve_calendar (context, positional[1], &error);
  if (calendar == NULL)
    return beaconctl_fail (error);
  if (!beacon_time_parse (positional[2], beacon_calendar_get_timezone (calendar), &start, &error))
    {
      g_prefix_error (&error, "START: ");
      return beaconctl_fail (error);
    }
  if (!beacon_time_parse (positional[3], beacon_calendar_get_timezone (calendar), &end, &error))
    {
      g_prefix_error (&error, "END: ");
      return beaconctl_fail (error);
    }

  printf ("%" G_GINT64_FORMAT "\n", beacon_calendar_elapsed (calendar, start, end));
  return BEACONCTL_EXIT_OK;
}

static int
sla_next_working_day (BeaconctlContext *context)
{
  g_auto(GStrv) positional = NULL;
  g_autoptr(BeaconCalendar) calendar = NULL;
  g_autofree char *text = NULL;
  GError *error = NULL;
  gint64 instant, end;
  guint64 n = 1;
  int status;

  status = beaconctl_parse (context, _("sla next-working-day CALENDAR INSTANT [N]"),
                            _("Print the end of the N-th working day after INSTANT (default 1)."),
                            NULL, 3, 4, &positional);
  if (status != 0)
    return status;

  calendar = resolve_calendar (context, positional[1], &error);
  if (calendar == NULL)
    return beaconctl_fail (error);
  if (!beacon_time_parse (positional[2], beacon_calendar_get_timezone (calendar), &instant, &error))
    {
      g_prefix_error (&error, "INSTANT: ");
      return beaconctl_fail (error);
    }
  if (positional[3] != NULL &&
      (!g_ascii_string_to_unsigned (positional[3], 10, 1, 3660, &n, NULL)))
    {
      g_set_error (&error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_INVALID,
                   _("N: “%s” is not a number of working days from 1 to 3660"), positional[3]);
      return beaconctl_fail (error);
    }
  if (!beacon_calendar_next_working_day_end (calendar, instant, (guint) n, &end, &error))
    return beaconctl_fail (error);

  text = format_in (calendar, end);
  printf ("%s\n", text);
  return BEACONCTL_EXIT_OK;
}

int
beaconctl_sla (BeaconctlContext *context)
{
  static const Subcommand subcommands[] = {
    { "due", sla_due },
    { "elapsed", sla_elapsed },
    { "next-working-day", sla_next_working_day },
  };

  return dispatch (context, subcommands, G_N_ELEMENTS (subcommands),
                   _("Usage: beaconctl sla due|elapsed|next-working-day …"));
}

/* Calendars ---------------------------------------------------------------- */

static int
calendar_list (BeaconctlContext *context)
{
  g_autoptr(BeaconStore) store = NULL;
  g_auto(GStrv) ids = NULL;
  GError *error = NULL;
  int status;

  status = beaconctl_parse (context, "calendar list", _("List the built-in and stored calendars."),
                            NULL, 1, 1, NULL);
  if (status != 0)
    return status;

  store = beaconctl_open_store (context, &error);
  if (store == NULL)
    return beaconctl_fail (error);

  ids = beacon_store_list_calendars (store);
  for (guint i = 0; ids[i] != NULL; i++)
    {
      g_autoptr(BeaconCalendar) calendar = beacon_store_dup_calendar (store, ids[i], NULL);

      if (calendar != NULL)
        printf ("%-12s %-16s %s\n", ids[i], beacon_calendar_get_timezone_id (calendar),
                beacon_calendar_get_name (calendar) ? beacon_calendar_get_name (calendar) : "");
    }
  return BEACONCTL_EXIT_OK;
}

static int
calendar_show (BeaconctlContext *context)
{
  g_auto(GStrv) positional = NULL;
  g_autoptr(BeaconStore) store = NULL;
  g_autoptr(BeaconCalendar) calendar = NULL;
  g_autofree char *warning = NULL;
  g_autofree char *data = NULL;
  GError *error = NULL;
  int status;

  status = beaconctl_parse (context, _("calendar show ID"),
                            _("Show a calendar as a key file, and warn when its holiday data "
                              "does not cover the coming 60 days."),
                            NULL, 2, 2, &positional);
  if (status != 0)
    return status;

  store = beaconctl_open_store (context, &error);
  if (store == NULL)
    return beaconctl_fail (error);

  calendar = beacon_store_resolve_calendar (store, positional[1], &error);
  if (calendar == NULL)
    return beaconctl_fail (error);

  data = beacon_calendar_to_keyfile_data (calendar);
  printf ("%s", data);

  warning = beacon_calendar_dup_coverage_warning (calendar, beacon_store_now (store));
  if (warning != NULL)
    fprintf (stderr, "%s %s\n", _("Warning:"), warning);

  return BEACONCTL_EXIT_OK;
}

static int
calendar_add (BeaconctlContext *context)
{
  g_auto(GStrv) positional = NULL;
  g_autoptr(BeaconStore) store = NULL;
  g_autoptr(BeaconCalendar) calendar = NULL;
  GError *error = NULL;
  int status;

  status = beaconctl_parse (context, _("calendar add FILE"),
                            _("Store the calendar in a key file (a copy with a built-in's id "
                              "replaces the built-in)."),
                            NULL, 2, 2, &positional);
  if (status != 0)
    return status;

  calendar = beacon_calendar_load_file (positional[1], &error);
  if (calendar == NULL)
    return beaconctl_fail (error);

  store = beaconctl_open_store (context, &error);
  if (store == NULL)
    return beaconctl_fail (error);

  if (!beacon_store_save_calendar (store, calendar, &error))
    return beaconctl_fail (error);

  printf ("%s\n", beacon_calendar_get_id (calendar));
  return BEACONCTL_EXIT_OK;
}

static int
calendar_import_ics (BeaconctlContext *context)
{
  g_auto(GStrv) positional = NULL;
  g_autoptr(BeaconStore) store = NULL;
  g_autoptr(BeaconCalendar) calendar = NULL;
  g_autofree char *warning = NULL;
  GError *error = NULL;
  int status;

  status = beaconctl_parse (context, _("calendar import-ics ID FILE"),
                            _("Add the holidays and make-up working days of an iCalendar file to "
                              "calendar ID and store the result."),
                            NULL, 3, 3, &positional);
  if (status != 0)
    return status;

  store = beaconctl_open_store (context, &error);
  if (store == NULL)
    return beaconctl_fail (error);

  calendar = beacon_store_dup_calendar (store, positional[1], &error);
  if (calendar == NULL)
    return beaconctl_fail (error);

  if (!g_file_test (positional[2], G_FILE_TEST_IS_REGULAR))
    {
      g_set_error (&error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_NOT_FOUND,
                   _("%s: no such file"), positional[2]);
      return beaconctl_fail (error);
    }
  if (!beacon_calendar_import_ics (calendar, positional[2], &error))
    return beaconctl_fail (error);
  if (!beacon_store_save_calendar (store, calendar, &error))
    return beaconctl_fail (error);

  warning = beacon_calendar_dup_coverage_warning (calendar, beacon_store_now (store));
  if (warning != NULL)
    fprintf (stderr, "%s %s\n", _("Warning:"), warning);

  return BEACONCTL_EXIT_OK;
}

static int
calendar_export_ics (BeaconctlContext *context)
{
  g_auto(GStrv) positional = NULL;
  g_autoptr(BeaconStore) store = NULL;
  g_autoptr(BeaconCalendar) calendar = NULL;
  g_autofree char *ics = NULL;
  GError *error = NULL;
  int status;

  status = beaconctl_parse (context, _("calendar export-ics ID FILE"),
                            _("Write the holidays and make-up working days of calendar ID as "
                              "iCalendar (FILE “-” for standard output)."),
                            NULL, 3, 3, &positional);
  if (status != 0)
    return status;

  store = beaconctl_open_store (context, &error);
  if (store == NULL)
    return beaconctl_fail (error);

  calendar = beacon_store_resolve_calendar (store, positional[1], &error);
  if (calendar == NULL)
    return beaconctl_fail (error);

  ics = beacon_calendar_export_ics (calendar, &error);
  if (ics == NULL)
    return beaconctl_fail (error);

  if (g_str_equal (positional[2], "-"))
    fputs (ics, stdout);
  else if (!g_file_set_contents (positional[2], ics, -1, &error))
    return beaconctl_fail (error);

  return BEACONCTL_EXIT_OK;
}

int
beaconctl_calendar (BeaconctlContext *context)
{
  static const Subcommand subcommands[] = {
    { "list", calendar_list },
    { "show", calendar_show },
    { "add", calendar_add },
    { "import-ics", calendar_import_ics },
    { "export-ics", calendar_export_ics },
  };

  return dispatch (context, subcommands, G_N_ELEMENTS (subcommands),
                   _("Usage: beaconctl calendar list|show|add|import-ics|export-ics …"));
}

/* Policy ------------------------------------------------------------------- */

static int
policy_show (BeaconctlContext *context)
{
  g_autoptr(BeaconStore) store = NULL;
  g_autoptr(BeaconPolicy) policy = NULL;
  gboolean json = FALSE;
  int version = 0;
  GError *error = NULL;
  GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print the policy document"), NULL },
    { "version", 0, 0, G_OPTION_ARG_INT, &version, N_("An earlier version (default: the current one)"), N_("N") },
    { NULL }
  };
  int status;

  status = beaconctl_parse (context, "policy show", _("Show the service-level policy."),
                            entries, 1, 1, NULL);
  if (status != 0)
    return status;

  store = beaconctl_open_store (context, &error);
  if (store == NULL)
    return beaconctl_fail (error);

  policy = beacon_store_dup_policy (store, version, &error);
  if (policy == NULL)
    return beaconctl_fail (error);

  if (json)
    {
      g_autoptr(JsonNode) node = beacon_json_parse (policy->document, NULL);

      json_object_set_int_member (json_node_get_object (node), "version", policy->version);
      beaconctl_print_json (node);
      return BEACONCTL_EXIT_OK;
    }

  printf (_("Policy version %d (warning at %d %% of the target)\n"), policy->version,
          (int) (policy->warning * 100 + 0.5));
  for (guint i = 0; i < policy->rules->len; i++)
    {
      const BeaconMetricRule *rule = g_ptr_array_index (policy->rules, i);
      g_autoptr(GString) targets = g_string_new (NULL);

      for (int level = BEACON_LEVEL_MIN; level <= BEACON_LEVEL_MAX; level++)
        {
          const BeaconMetricTarget *target = rule->targets[level].set ? &rule->targets[level]
                                             : rule->escalated_targets[level].set
                                             ? &rule->escalated_targets[level] : NULL;
          g_autofree char *text = target ? beacon_metric_target_format (target) : g_strdup ("–");

          g_string_append_printf (targets, " L%d %-8s%s", level, text,
                                  target && !rule->targets[level].set ? "*" : "");
        }
      printf ("  %-24s%s  %s\n", rule->metric, targets->str, rule->calendar);
    }
  printf ("%s\n", _("* only once escalated to that level"));

  return BEACONCTL_EXIT_OK;
}

static int
policy_set (BeaconctlContext *context)
{
  g_auto(GStrv) positional = NULL;
  g_autoptr(BeaconStore) store = NULL;
  g_autofree char *text = NULL;
  GError *error = NULL;
  int version;
  int status;

  status = beaconctl_parse (context, _("policy set FILE"),
                            _("Check a policy document and store it as the next version. Open "
                              "tickets keep the version they were opened under."),
                            NULL, 2, 2, &positional);
  if (status != 0)
    return status;

  if (!g_file_get_contents (positional[1], &text, NULL, &error))
    return beaconctl_fail (error);

  store = beaconctl_open_store (context, &error);
  if (store == NULL)
    return beaconctl_fail (error);

  version = beacon_store_set_policy (store, text, &error);
  if (version == 0)
    {
      g_prefix_error (&error, "%s: ", positional[1]);
      return beaconctl_fail (error);
    }

  printf (_("Policy version %d stored\n"), version);
  return BEACONCTL_EXIT_OK;
}

int
beaconctl_policy (BeaconctlContext *context)
{
  static const Subcommand subcommands[] = {
    { "show", policy_show },
    { "set", policy_set },
  };

  return dispatch (context, subcommands, G_N_ELEMENTS (subcommands),
                   _("Usage: beaconctl policy show|set …"));
}

/* Escalation --------------------------------------------------------------- */

int
beaconctl_escalate (BeaconctlContext *context)
{
  g_autoptr(BeaconStore) store = NULL;
  g_autoptr(GPtrArray) actions = NULL;
  g_autofree char *now_text = NULL;
  gboolean json = FALSE;
  GError *error = NULL;
  gint64 now;
  GOptionEntry entries[] = {
    { "now", 0, 0, G_OPTION_ARG_STRING, &now_text, N_("Judge at this instant (ISO 8601; default now)"), N_("TIME") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON"), NULL },
    { NULL }
  };
  int status;

  status = beaconctl_parse (context, "escalate",
                            _("Run the escalation engine once: raise levels, escalate, open "
                              "investigations and confirm reports whose time is up."),
                            entries, 1, 1, NULL);
  if (status != 0)
    return status;

  if (now_text != NULL && !beaconctl_parse_time (now_text, "--now", &now, &error))
    return beaconctl_fail (error);

  store = beaconctl_open_store (context, &error);
  if (store == NULL)
    return beaconctl_fail (error);
  if (now_text == NULL)
    now = beacon_store_now (store);

  if (!beacon_store_run_escalation (store, now, &actions, &error))
    return beaconctl_fail (error);

  if (json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) node = NULL;

      json_builder_begin_array (builder);
      for (guint i = 0; i < actions->len; i++)
        {
          BeaconSlaAction *action = g_ptr_array_index (actions, i);
          static const char * const kinds[] = {
            "level-raised", "escalated", "investigation-opened", "reports-confirmed",
          };
          g_autofree char *instant = beaconctl_format_time (action->instant);

          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "action");
          json_builder_add_string_value (builder, kinds[action->kind]);
          json_builder_set_member_name (builder, "ticket");
          json_builder_add_string_value (builder, action->ticket_number);
          json_builder_set_member_name (builder, "metric");
          json_builder_add_string_value (builder, action->metric);
          json_builder_set_member_name (builder, "at");
          json_builder_add_string_value (builder, instant);
          json_builder_set_member_name (builder, "level");
          json_builder_add_int_value (builder, action->level);
          json_builder_set_member_name (builder, "to");
          json_builder_add_string_value (builder, action->to);
          json_builder_set_member_name (builder, "reports");
          json_builder_add_int_value (builder, action->n_reports);
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
      node = json_builder_get_root (builder);
      beaconctl_print_json (node);
      return BEACONCTL_EXIT_OK;
    }

  if (actions->len == 0)
    printf ("%s\n", _("Nothing to escalate."));
  for (guint i = 0; i < actions->len; i++)
    {
      g_autofree char *line = beacon_sla_action_describe (g_ptr_array_index (actions, i));

      printf ("%s\n", line);
    }

  return BEACONCTL_EXIT_OK;
}

/* ticket show --json: the metrics member ------------------------------------ */

/**
 * beaconctl_metrics_to_json:
 * @now: the instant the statuses are for
 *
 * Returns: (transfer full): the ticket's metrics as a JSON array, or %NULL
 *   with @error set
 */
JsonNode *
beaconctl_metrics_to_json (BeaconStore  *store,
                           const char   *ticket_id,
                           gint64        now,
                           GError      **error)
{
  g_autoptr(GPtrArray) metrics = beacon_store_list_ticket_metrics (store, ticket_id, now, error);
  g_autoptr(JsonBuilder) builder = NULL;

  if (metrics == NULL)
    return NULL;

  builder = json_builder_new ();
  json_builder_begin_array (builder);
  for (guint i = 0; i < metrics->len; i++)
    {
      BeaconMetric *metric = g_ptr_array_index (metrics, i);
      struct { const char *name; gint64 instant; } instants[] = {
        { "started_at", metric->started_at },
        { "warn_at", metric->warn_at },
        { "due_at", metric->due_at },
        { "stopped_at", metric->stopped_at },
      };

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "metric");
      json_builder_add_string_value (builder, metric->metric);
      json_builder_set_member_name (builder, "instance");
      json_builder_add_int_value (builder, metric->instance);
      json_builder_set_member_name (builder, "level");
      json_builder_add_int_value (builder, metric->level);
      json_builder_set_member_name (builder, "status");
      json_builder_add_string_value (builder, beacon_metric_status_to_string (metric->status));
      json_builder_set_member_name (builder, "target");
      json_builder_add_string_value (builder, metric->target);
      json_builder_set_member_name (builder, "target_seconds");
      json_builder_add_int_value (builder, metric->target_seconds);
      json_builder_set_member_name (builder, "calendar");
      json_builder_add_string_value (builder, metric->calendar);
      for (guint k = 0; k < G_N_ELEMENTS (instants); k++)
        {
          json_builder_set_member_name (builder, instants[k].name);
          if (instants[k].instant != 0)
            {
              g_autofree char *text = beaconctl_format_time (instants[k].instant);

              json_builder_add_string_value (builder, text);
            }
          else
            json_builder_add_null_value (builder);
        }
      json_builder_set_member_name (builder, "stop_reason");
      if (metric->stop_reason != NULL)
        json_builder_add_string_value (builder, metric->stop_reason);
      else
        json_builder_add_null_value (builder);
      json_builder_set_member_name (builder, "elapsed");
      json_builder_add_int_value (builder, metric->elapsed);
      json_builder_set_member_name (builder, "remaining");
      json_builder_add_int_value (builder, metric->remaining);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  return json_builder_get_root (builder);
}
