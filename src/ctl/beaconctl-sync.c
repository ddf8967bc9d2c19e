/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "beaconctl"

#include "config.h"

#include <inttypes.h>
#include <glib/gi18n.h>
#include <stdio.h>

#include "beacon-sync.h"
#include "beaconctl.h"

static void
print_report (const BeaconSyncReport *report)
{
  printf (_("Sent %u segments; received %u with %u new changes; "
            "%u duplicates, %u waiting, %u quarantined, %u need an update; "
            "%" PRId64 " changes pending.\n"),
          report->segments_sent, report->segments_received, report->changes_applied,
          report->duplicates, report->waiting, report->quarantined, report->update_required,
          report->pending);

  if (report->clock_skew_known && ABS (report->clock_skew) > BEACON_SYNC_CLOCK_SKEW_LIMIT)
    fprintf (stderr, _("beaconctl: warning: this device’s clock differs from the server’s by "
                       "%" PRId64 " seconds; check its time settings\n"),
             report->clock_skew);
}

static void
print_report_json (const BeaconSyncReport *report)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
#define ADD(name, value) json_builder_set_member_name (builder, name); \
                         json_builder_add_int_value (builder, value)
  ADD ("sent", report->segments_sent);
  ADD ("received", report->segments_received);
  ADD ("applied", report->changes_applied);
  ADD ("duplicates", report->duplicates);
  ADD ("waiting", report->waiting);
  ADD ("quarantined", report->quarantined);
  ADD ("update_required", report->update_required);
  ADD ("pending", report->pending);
#undef ADD
  json_builder_set_member_name (builder, "clock_skew");
  if (report->clock_skew_known)
    json_builder_add_int_value (builder, report->clock_skew);
  else
    json_builder_add_null_value (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  beaconctl_print_json (root);
}

static char *
format_instant (JsonObject *object,
                const char *member)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return g_strdup (_("never"));
  return beaconctl_format_time (json_node_get_int (node));
}

static int
print_status (BeaconStore *store,
              gboolean     as_json)
{
  g_autoptr(JsonNode) status = NULL;
  GError *error = NULL;
  JsonObject *object;
  JsonArray *array;

  status = beacon_sync_dup_status (store, &error);
  if (status == NULL)
    return beaconctl_fail (error);

  if (as_json)
    {
      beaconctl_print_json (status);
      return BEACONCTL_EXIT_OK;
    }

  object = json_node_get_object (status);
  printf (_("Device %s, %" PRId64 " changes of its own, %" PRId64 " not yet sent.\n"),
          json_object_get_string_member (object, "device"),
          json_object_get_int_member (object, "last_seq"),
          json_object_get_int_member (object, "pending"));

  array = json_object_get_array_member (object, "targets");
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *target = json_array_get_object_element (array, i);
      g_autofree char *success = format_instant (target, "last_success");
      const char *last_error = json_object_get_string_member_with_default (target, "last_error", NULL);
      JsonNode *skew = json_object_get_member (target, "clock_skew");

      printf (_("%s\n  last success: %s; pending: %" PRId64 "\n"),
              json_object_get_string_member (target, "target"), success,
              json_object_get_int_member (target, "pending"));
      if (last_error != NULL)
        printf (_("  last error: %s\n"), last_error);
      if (skew != NULL && !JSON_NODE_HOLDS_NULL (skew))
        printf (_("  clock skew: %" PRId64 " s%s\n"), json_node_get_int (skew),
                json_object_get_boolean_member (target, "clock_warning")
                  ? _(" — check this device’s clock") : "");
    }

  array = json_object_get_array_member (object, "quarantined");
  if (json_array_get_length (array) == 0)
    printf ("%s\n", _("No quarantined segments."));
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *entry = json_array_get_object_element (array, i);
      const char *kind = json_object_get_string_member (entry, "kind");

      printf (g_str_equal (kind, "update-required") ? _("Update required: %s (%s): %s\n")
                                                    : _("Quarantined: %s (%s): %s\n"),
              json_object_get_string_member (entry, "name"),
              json_object_get_string_member (entry, "source"),
              json_object_get_string_member (entry, "reason"));
    }

  return BEACONCTL_EXIT_OK;
}

int
beaconctl_sync (BeaconctlContext *context)
{
  g_auto(GStrv) positional = NULL;
  g_autoptr(BeaconStore) store = NULL;
  g_autofree char *token = NULL;
  gboolean as_json = FALSE;
  BeaconSyncReport report = { 0 };
  GError *error = NULL;
  GOptionEntry entries[] = {
    { "token", 0, 0, G_OPTION_ARG_STRING, &token,
      N_("This device’s beacon-syncd token (default: $BEACON_SYNC_TOKEN)"), N_("TOKEN") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &as_json, N_("Print JSON"), NULL },
    { NULL }
  };
  gboolean ok;
  int status;

  status = beaconctl_parse (context, _("folder DIR | server URL --token TOKEN | status"),
                            _("Run one sync round with a shared folder or beacon-syncd, "
                              "or show the sync state: last success, pending changes, "
                              "quarantined segments, clock skew."),
                            entries, 2, 3, &positional);
  if (status != 0)
    return status;

  if (g_str_equal (positional[1], "status"))
    {
      if (positional[2] != NULL)
        {
          beaconctl_usage_error (_("“sync status” takes no argument"));
          return BEACONCTL_EXIT_USAGE;
        }
      store = beaconctl_open_store (context, &error);
      if (store == NULL)
        return beaconctl_fail (error);
      return print_status (store, as_json);
    }

  if (!g_str_equal (positional[1], "folder") && !g_str_equal (positional[1], "server"))
    {
      beaconctl_usage_error (_("Unknown sync mode “%s”; use folder, server or status"),
                             positional[1]);
      return BEACONCTL_EXIT_USAGE;
    }
  if (positional[2] == NULL)
    {
      beaconctl_usage_error (_("“sync %s” needs a %s"), positional[1],
                             g_str_equal (positional[1], "folder") ? _("folder") : _("server URL"));
      return BEACONCTL_EXIT_USAGE;
    }

  if (g_str_equal (positional[1], "server") && token == NULL)
    token = g_strdup (g_getenv ("BEACON_SYNC_TOKEN"));
  if (g_str_equal (positional[1], "server") && (token == NULL || *token == '\0'))
    {
      beaconctl_usage_error (_("“sync server” needs --token (or BEACON_SYNC_TOKEN)"));
      return BEACONCTL_EXIT_USAGE;
    }

  store = beaconctl_open_store (context, &error);
  if (store == NULL)
    return beaconctl_fail (error);

  if (g_str_equal (positional[1], "folder"))
    ok = beacon_sync_folder (store, positional[2], &report, &error);
  else
    ok = beacon_sync_server (store, positional[2], token, &report, &error);

  if (as_json)
    print_report_json (&report);
  else
    print_report (&report);

  if (!ok)
    return beaconctl_fail (error);

  return BEACONCTL_EXIT_OK;
}

int
beaconctl_conflicts (BeaconctlContext *context)
{
  g_autoptr(BeaconStore) store = NULL;
  g_autoptr(JsonNode) conflicts = NULL;
  gboolean as_json = FALSE;
  GError *error = NULL;
  GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &as_json, N_("Print JSON"), NULL },
    { NULL }
  };
  JsonArray *array;
  int status;

  status = beaconctl_parse (context, "conflicts",
                            _("List concurrent edits: for each field the value that won and "
                              "the losing value that was kept."),
                            entries, 1, 1, NULL);
  if (status != 0)
    return status;

  store = beaconctl_open_store (context, &error);
  if (store == NULL)
    return beaconctl_fail (error);

  conflicts = beacon_sync_dup_conflicts (store, &error);
  if (conflicts == NULL)
    return beaconctl_fail (error);

  if (as_json)
    {
      beaconctl_print_json (conflicts);
      return BEACONCTL_EXIT_OK;
    }

  array = json_node_get_array (conflicts);
  if (json_array_get_length (array) == 0)
    printf ("%s\n", _("No conflicts."));
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *entry = json_array_get_object_element (array, i);

      printf (_("%s %s %s\n  winner %s (%s)\n  kept   %s (%s)\n"),
              json_object_get_string_member (entry, "entity"),
              json_object_get_string_member (entry, "id"),
              json_object_get_string_member (entry, "field"),
              json_object_get_string_member (entry, "winner_value"),
              json_object_get_string_member (entry, "winner_version"),
              json_object_get_string_member (entry, "loser_value"),
              json_object_get_string_member (entry, "loser_version"));
    }

  return BEACONCTL_EXIT_OK;
}
