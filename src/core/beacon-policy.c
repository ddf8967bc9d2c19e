/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "beacon-sla"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <inttypes.h>
#include <string.h>

#include "beacon-duration.h"
#include "beacon-json.h"
#include "beacon-policy.h"
#include "beacon-store-private.h"

/*
 * The service-level policy is data: a JSON document with a version number.
 * Version 1 is the table of DESIGN.md 2.2, shipped here. A supervisor's edit
 * is stored as a new version through the oplog (entity "policy", id = the
 * version, field "document"), so it syncs like anything else; a ticket
 * records the version it was opened under ("policy_version") and keeps it.
 *
 * Choices the plan leaves open:
 * - "valid request" is the accepted event: the desk records only valid
 *   requests, and closes the others.
 * - The emergency-recovery clock pauses while the customer's maintenance
 *   department decides on a major operation (approval-requested until
 *   approval-granted): that wait is not the service centre's to shorten.
 * - A change of level ends the recovery clock and starts one for the new
 *   level at that instant (per_level); the other clocks keep their start and
 *   take the new level's target.
 * - Closing a ticket stops every clock that is still running.
 */
static const char default_policy[] =
  "{"
  "\"version\": 1,"
  "\"warning\": 0.75,"
  "\"escalation_chain\": ["
  "  {\"to\": \"technical-service-director\", \"after\": \"0s\"},"
  "  {\"to\": \"headquarters\", \"after\": \"2h\"}"
  "],"
  "\"metrics\": ["
  "  {\"metric\": \"first-reaction\", \"kinds\": [\"fault\"],"
  "   \"levels\": {\"1\": \"15m\"}, \"escalated_levels\": {\"2\": \"15m\"},"
  "   \"start\": [\"accepted\"],"
  "   \"stop\": [\"acknowledged\", \"expert-engaged\", \"remote-connected\", \"dispatched\","
  "            \"arrived\", \"repair-started\", \"action\", \"recovered\"],"
  "   \"calendar\": \"24x7\", \"on_warning\": [\"notify:duty-engineer\"],"
  "   \"on_breach\": [\"notify:department-duty-manager\"]},"
  "  {\"metric\": \"phone-response\", \"kinds\": [\"fault\"],"
  "   \"levels\": {\"1\": \"20m\", \"2\": \"20m\", \"3\": \"20m\", \"4\": \"30m\"},"
  "   \"start\": [\"accepted\"], \"stop\": [\"acknowledged\"],"
  "   \"calendar\": \"24x7\", \"on_warning\": [\"notify:duty-engineer\"],"
  "   \"on_breach\": [\"notify:project-manager\"]},"
  "  {\"metric\": \"expert-response\", \"kinds\": [\"fault\"],"
  "   \"levels\": {\"4\": \"60m\"},"
  "   \"start\": [\"accepted\"], \"stop\": [\"expert-engaged\"],"
  "   \"calendar\": \"24x7\", \"on_warning\": [\"notify:duty-engineer\"],"
  "   \"on_breach\": [\"notify:project-manager\"]},"
  "  {\"metric\": \"remote-access-response\", \"kinds\": [\"fault\"],"
  "   \"levels\": {\"1\": \"30m\", \"2\": \"30m\", \"3\": \"30m\"},"
  "   \"start\": [\"accepted\"], \"stop\": [\"remote-connected\"],"
  "   \"calendar\": \"24x7\", \"on_warning\": [\"notify:duty-engineer\"],"
  "   \"on_breach\": [\"notify:project-manager\"]},"
  "  {\"metric\": \"emergency-recovery\", \"kinds\": [\"fault\"],"
  "   \"levels\": {\"1\": \"3h\", \"2\": \"8h\", \"3\": \"24h\"}, \"per_level\": true,"
  "   \"start\": [\"accepted\"], \"stop\": [\"recovered\"],"
  "   \"pause\": [\"approval-requested\"], \"resume\": [\"approval-granted\"],"
  "   \"calendar\": \"24x7\", \"on_warning\": [\"notify:project-manager\"],"
  "   \"on_breach\": [\"escalate\", \"notify:department-duty-manager\"]},"
  "  {\"metric\": \"outage\", \"kinds\": [\"fault\"],"
  "   \"levels\": {\"1\": \"60m\"}, \"warning\": 0,"
  "   \"start\": [\"accepted\"], \"stop\": [\"recovered\"],"
  "   \"calendar\": \"24x7\", \"on_breach\": [\"open-investigation\"]},"
  "  {\"metric\": \"status-update\", \"kinds\": [\"fault\"], \"recurring\": true,"
  "   \"levels\": {\"1\": \"60m\"}, \"escalated_levels\": {\"2\": \"60m\"},"
  "   \"start\": [\"accepted\"], \"restart\": [\"status-update\"], \"stop\": [\"recovered\"],"
  "   \"calendar\": \"24x7\", \"on_warning\": [\"notify:duty-engineer\"],"
  "   \"on_breach\": [\"notify:project-manager\"]},"
  "  {\"metric\": \"solution-provided\", \"kinds\": [\"fault\"],"
  "   \"levels\": {\"1\": \"7d\", \"2\": \"7d\", \"3\": \"7d\"}, \"aim\": \"80% within 3d\","
  "   \"start\": [\"accepted\"], \"stop\": [\"solution-provided\"],"
  "   \"calendar\": \"24x7\", \"on_warning\": [\"notify:project-manager\"],"
  "   \"on_breach\": [\"notify:technical-service-director\"]},"
  "  {\"metric\": \"analysis-report\", \"kinds\": [\"fault\"],"
  "   \"levels\": {\"1\": \"5d\", \"2\": \"5d\", \"3\": \"5d\"},"
  "   \"start\": [\"accepted\"], \"stop\": [\"analysis-delivered\"],"
  "   \"calendar\": \"24x7\", \"on_warning\": [\"notify:project-manager\"],"
  "   \"on_breach\": [\"notify:technical-service-director\"]},"
  "  {\"metric\": \"consulting-answer\", \"kinds\": [\"consulting\"],"
  "   \"levels\": {\"any\": \"2h\"},"
  "   \"start\": [\"accepted\"], \"stop\": [\"solution-provided\", \"action\"],"
  "   \"calendar\": \"cn-5x8\", \"on_warning\": [\"notify:duty-engineer\"],"
  "   \"on_breach\": [\"notify:project-manager\"]},"
  "  {\"metric\": \"report-confirmation\", \"scope\": \"report\","
  "   \"levels\": {\"any\": {\"working_days\": 1}}, \"warning\": 0,"
  "   \"calendar\": \"cn-5x8\", \"on_breach\": [\"auto-confirm\"]}"
  "]"
  "}";

static void
metric_rule_free (BeaconMetricRule *rule)
{
  g_free (rule->metric);
  g_free (rule->scope);
  g_free (rule->calendar);
  g_strfreev (rule->on_warning);
  g_strfreev (rule->on_breach);
  g_free (rule);
}

static void
escalation_step_clear (BeaconEscalationStep *step)
{
  g_free (step->to);
}

void
beacon_policy_free (BeaconPolicy *policy)
{
  if (policy == NULL)
    return;

  g_clear_pointer (&policy->rules, g_ptr_array_unref);
  g_clear_pointer (&policy->chain, g_array_unref);
  g_free (policy->document);
  g_free (policy);
}

/* Parsing ----------------------------------------------------------------- */

static gboolean
parse_events (JsonObject  *object,
              const char  *member,
              const char  *where,
              guint32     *out_mask,
              GError     **error)
{
  JsonNode *node = json_object_get_member (object, member);
  JsonArray *array;

  *out_mask = 0;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;

  if (!JSON_NODE_HOLDS_ARRAY (node))
    {
      g_set_error (error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_INVALID,
                   _("Policy: %s: “%s” must be a list of events"), where, member);
      return FALSE;
    }

  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      const char *name = json_array_get_string_element (array, i);
      BeaconEventType type;

      if (name == NULL || !beacon_event_type_from_string (name, &type))
        {
          g_set_error (error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_INVALID,
                       _("Policy: %s: %s: “%s” is not an event"), where, member,
                       name ? name : "?");
          return FALSE;
        }
      *out_mask |= 1u << type;
    }

  return TRUE;
}

static gboolean
parse_target (JsonNode            *node,
              const char          *where,
              const char          *level,
              BeaconMetricTarget  *out_target,
              GError             **error)
{
  g_autoptr(GError) local_error = NULL;

  memset (out_target, 0, sizeof *out_target);

  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    {
      if (!beacon_duration_parse (json_node_get_string (node), &out_target->seconds, &local_error))
        {
          g_set_error (error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_INVALID,
                       _("Policy: %s: level %s: %s"), where, level, local_error->message);
          return FALSE;
        }
      if (out_target->seconds <= 0)
        {
          g_set_error (error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_INVALID,
                       _("Policy: %s: level %s: the target must be longer than zero"),
                       where, level);
          return FALSE;
        }
      out_target->set = TRUE;
      return TRUE;
    }

  if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObject *object = json_node_get_object (node);
      JsonNode *days = json_object_get_member (object, "working_days");

      if (days != NULL && JSON_NODE_HOLDS_VALUE (days) &&
          json_node_get_value_type (days) == G_TYPE_INT64 &&
          json_node_get_int (days) >= 1 && json_node_get_int (days) <= 366)
        {
          out_target->working_days = (guint) json_node_get_int (days);
          out_target->set = TRUE;
          return TRUE;
        }
    }

  g_set_error (error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_INVALID,
               _("Policy: %s: level %s: the target must be a duration such as \"3h\" or "
                 "{\"working_days\": N} with N from 1 to 366"),
               where, level);
  return FALSE;
}

static gboolean
parse_targets (JsonObject          *object,
               const char          *member,
               const char          *where,
               BeaconMetricTarget  *targets,
               GError             **error)
{
  JsonNode *node = json_object_get_member (object, member);
  JsonObject *levels;
  g_autoptr(GList) names = NULL;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_INVALID,
                   _("Policy: %s: “%s” must map levels (\"1\"…\"4\" or \"any\") to targets"),
                   where, member);
      return FALSE;
    }

  levels = json_node_get_object (node);
  names = json_object_get_members (levels);
  for (GList *l = names; l != NULL; l = l->next)
    {
      const char *name = l->data;
      BeaconMetricTarget target;

      if (!parse_target (json_object_get_member (levels, name), where, name, &target, error))
        return FALSE;

      if (g_str_equal (name, "any"))
        {
          for (int level = BEACON_LEVEL_MIN; level <= BEACON_LEVEL_MAX; level++)
            if (!targets[level].set)
              targets[level] = target;
        }
      else if (strlen (name) == 1 && name[0] >= '0' + BEACON_LEVEL_MIN &&
               name[0] <= '0' + BEACON_LEVEL_MAX)
        targets[name[0] - '0'] = target;
      else
        {
          g_set_error (error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_INVALID,
                       _("Policy: %s: %s: “%s” is not a level; use \"1\" to \"4\" or \"any\""),
                       where, member, name);
          return FALSE;
        }
    }

  return TRUE;
}

static gboolean
parse_actions (JsonObject  *object,
               const char  *member,
               const char  *where,
               GStrv       *out_actions,
               GError     **error)
{
  static const char * const actions[] = {
    "escalate", "open-investigation", "auto-confirm", NULL,
  };
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  JsonNode *node = json_object_get_member (object, member);

  if (node != NULL && !JSON_NODE_HOLDS_NULL (node))
    {
      JsonArray *array;

      if (!JSON_NODE_HOLDS_ARRAY (node))
        {
          g_set_error (error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_INVALID,
                       _("Policy: %s: “%s” must be a list of actions"), where, member);
          return FALSE;
        }

      array = json_node_get_array (node);
      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          const char *action = json_array_get_string_element (array, i);

          if (action == NULL ||
              !((g_str_has_prefix (action, "notify:") && action[strlen ("notify:")] != '\0') ||
                g_strv_contains (actions, action)))
            {
              g_set_error (error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_INVALID,
                           _("Policy: %s: %s: “%s” is not an action; the actions are "
                             "notify:ROLE, escalate, open-investigation and auto-confirm"),
                           where, member, action ? action : "?");
              return FALSE;
            }
          g_strv_builder_add (builder, action);
        }
    }

  *out_actions = g_strv_builder_end (builder);
  return TRUE;
}

static gboolean
get_fraction (JsonObject  *object,
              const char  *where,
              double       fallback,
              double      *out_fraction,
              GError     **error)
{
  JsonNode *node = json_object_get_member (object, "warning");
  double value;

  *out_fraction = fallback;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;

  if (!JSON_NODE_HOLDS_VALUE (node) ||
      (json_node_get_value_type (node) != G_TYPE_DOUBLE &&
       json_node_get_value_type (node) != G_TYPE_INT64))
    goto invalid;

  value = json_node_get_double (node);
  if (value < 0 || value >= 1)
    goto invalid;

  *out_fraction = value;
  return TRUE;

invalid:
  g_set_error (error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_INVALID,
               _("Policy: %s: “warning” must be a fraction of the target from 0 (none) "
                 "to below 1, such as 0.75"),
               where);
  return FALSE;
}

static gboolean
get_bool (JsonObject *object,
          const char *member)
{
  JsonNode *node = json_object_get_member (object, member);

  return node != NULL && JSON_NODE_HOLDS_VALUE (node) &&
         json_node_get_value_type (node) == G_TYPE_BOOLEAN && json_node_get_boolean (node);
}

static BeaconMetricRule *
parse_rule (JsonNode  *node,
            guint      index,
            double     default_warning,
            GError   **error)
{
  g_autoptr(GPtrArray) holder = g_ptr_array_new_with_free_func ((GDestroyNotify) metric_rule_free);
  g_autofree char *where = NULL;
  BeaconMetricRule *rule;
  JsonObject *object;
  const char *metric;
  JsonNode *kinds;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_INVALID,
                   _("Policy: metrics[%u] must be an object"), index);
      return NULL;
    }

  object = json_node_get_object (node);
  metric = json_object_get_string_member_with_default (object, "metric", NULL);
  if (metric == NULL || *metric == '\0' || strspn (metric, "abcdefghijklmnopqrstuvwxyz0123456789-") != strlen (metric))
    {
      g_set_error (error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_INVALID,
                   _("Policy: metrics[%u]: “metric” must be a name of lower-case letters, "
                     "digits and dashes"),
                   index);
      return NULL;
    }

  where = g_strdup_printf ("metrics[%u] (%s)", index, metric);
  rule = g_new0 (BeaconMetricRule, 1);
  g_ptr_array_add (holder, rule);
  rule->metric = g_strdup (metric);
  rule->scope = g_strdup (json_object_get_string_member_with_default (object, "scope", "ticket"));
  rule->calendar = g_strdup (json_object_get_string_member_with_default (object, "calendar", "24x7"));
  rule->per_level = get_bool (object, "per_level");
  rule->recurring = get_bool (object, "recurring");

  if (!g_str_equal (rule->scope, "ticket") && !g_str_equal (rule->scope, "report"))
    {
      g_set_error (error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_INVALID,
                   _("Policy: %s: “scope” must be \"ticket\" or \"report\""), where);
      return NULL;
    }

  kinds = json_object_get_member (object, "kinds");
  if (kinds != NULL && JSON_NODE_HOLDS_ARRAY (kinds))
    {
      JsonArray *array = json_node_get_array (kinds);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          const char *name = json_array_get_string_element (array, i);
          BeaconTicketKind kind;

          if (name == NULL || !beacon_kind_from_string (name, &kind))
            {
              g_set_error (error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_INVALID,
                           _("Policy: %s: kinds: “%s” is not a ticket kind"), where,
                           name ? name : "?");
              return NULL;
            }
          rule->kinds |= 1u << kind;
        }
    }
  else if (kinds != NULL || g_str_equal (rule->scope, "ticket"))
    {
      g_set_error (error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_INVALID,
                   _("Policy: %s: “kinds” must list the ticket kinds the metric applies to"),
                   where);
      return NULL;
    }

  if (!parse_events (object, "start", where, &rule->start, error) ||
      !parse_events (object, "stop", where, &rule->stop, error) ||
      !parse_events (object, "pause", where, &rule->pause, error) ||
      !parse_events (object, "resume", where, &rule->resume, error) ||
      !parse_events (object, "restart", where, &rule->restart, error) ||
      !parse_targets (object, "levels", where, rule->targets, error) ||
      !parse_targets (object, "escalated_levels", where, rule->escalated_targets, error) ||
      !get_fraction (object, where, default_warning, &rule->warning, error) ||
      !parse_actions (object, "on_warning", where, &rule->on_warning, error) ||
      !parse_actions (object, "on_breach", where, &rule->on_breach, error))
    return NULL;

  if (g_str_equal (rule->scope, "ticket") && (rule->start == 0 || rule->stop == 0))
    {
      g_set_error (error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_INVALID,
                   _("Policy: %s: a metric needs “start” and “stop” events"), where);
      return NULL;
    }
  if ((rule->pause == 0) != (rule->resume == 0))
    {
      g_set_error (error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_INVALID,
                   _("Policy: %s: “pause” and “resume” go together"), where);
      return NULL;
    }
  if (rule->recurring && rule->restart == 0)
    {
      g_set_error (error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_INVALID,
                   _("Policy: %s: a recurring metric needs “restart” events"), where);
      return NULL;
    }

  {
    gboolean any = FALSE;

    for (int level = BEACON_LEVEL_MIN; level <= BEACON_LEVEL_MAX; level++)
      any = any || rule->targets[level].set || rule->escalated_targets[level].set;
    if (!any)
      {
        g_set_error (error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_INVALID,
                     _("Policy: %s: “levels” must give a target for at least one level"), where);
        return NULL;
      }
  }

  return g_ptr_array_steal_index (holder, 0);
}

/**
 * beacon_policy_new_from_json:
 * @text: a policy document (see the default: `beaconctl policy show --json`)
 *
 * Parses and checks a policy. Calendars are not looked up here; the store
 * does that when a policy is set.
 *
 * Returns: (transfer full): the policy, or %NULL with @error naming the
 *   metric and member that is wrong
 */
BeaconPolicy *
beacon_policy_new_from_json (const char  *text,
                             GError     **error)
{
  g_autoptr(BeaconPolicy) policy = g_new0 (BeaconPolicy, 1);
  g_autoptr(GError) local_error = NULL;
  g_autoptr(JsonNode) root = NULL;
  JsonObject *object;
  JsonNode *node;
  JsonArray *metrics;

  g_return_val_if_fail (text != NULL, NULL);

  root = beacon_json_parse (text, &local_error);
  if (root == NULL)
    {
      g_set_error (error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_INVALID,
                   _("Policy: not valid JSON: %s"), local_error->message);
      return NULL;
    }
  if (!JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_INVALID,
                   _("Policy: the document must be a JSON object"));
      return NULL;
    }

  object = json_node_get_object (root);
  policy->rules = g_ptr_array_new_with_free_func ((GDestroyNotify) metric_rule_free);
  policy->chain = g_array_new (FALSE, TRUE, sizeof (BeaconEscalationStep));
  g_array_set_clear_func (policy->chain, (GDestroyNotify) escalation_step_clear);
  policy->version = (int) json_object_get_int_member_with_default (object, "version", 0);

  if (!get_fraction (object, "warning", 0.75, &policy->warning, error))
    return NULL;

  node = json_object_get_member (object, "escalation_chain");
  if (node != NULL && JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *chain = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (chain); i++)
        {
          JsonNode *element = json_array_get_element (chain, i);
          JsonObject *step_object = JSON_NODE_HOLDS_OBJECT (element) ? json_node_get_object (element) : NULL;
          const char *to = step_object ? json_object_get_string_member_with_default (step_object, "to", NULL) : NULL;
          const char *after = step_object ? json_object_get_string_member_with_default (step_object, "after", "0s") : NULL;
          BeaconEscalationStep step = { 0 };

          if (to == NULL || *to == '\0' || !beacon_duration_parse (after, &step.after, NULL))
            {
              g_set_error (error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_INVALID,
                           _("Policy: escalation_chain[%u] needs “to” (a role) and “after” "
                             "(a duration such as \"2h\")"),
                           i);
              return NULL;
            }
          step.to = g_strdup (to);
          g_array_append_val (policy->chain, step);
        }
    }
  else if (node != NULL)
    {
      g_set_error (error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_INVALID,
                   _("Policy: “escalation_chain” must be a list"));
      return NULL;
    }

  node = json_object_get_member (object, "metrics");
  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    {
      g_set_error (error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_INVALID,
                   _("Policy: “metrics” must be a list of metrics"));
      return NULL;
    }

  metrics = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (metrics); i++)
    {
      BeaconMetricRule *rule = parse_rule (json_array_get_element (metrics, i), i,
                                           policy->warning, error);

      if (rule == NULL)
        return NULL;

      if (beacon_policy_find_rule (policy, rule->metric) != NULL)
        {
          g_set_error (error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_INVALID,
                       _("Policy: metrics[%u]: “%s” is listed twice"), i, rule->metric);
          metric_rule_free (rule);
          return NULL;
        }
      g_ptr_array_add (policy->rules, rule);
    }

  policy->document = beacon_json_to_canonical (root);
  return g_steal_pointer (&policy);
}

/**
 * beacon_policy_new_default:
 *
 * Returns: (transfer full): version 1, the table of the service plan
 */
BeaconPolicy *
beacon_policy_new_default (void)
{
  g_autoptr(GError) error = NULL;
  BeaconPolicy *policy = beacon_policy_new_from_json (default_policy, &error);

  g_assert_no_error (error);
  policy->version = BEACON_POLICY_DEFAULT_VERSION;
  return policy;
}

/**
 * beacon_policy_find_rule:
 *
 * Returns: (transfer none) (nullable): the rule for @metric
 */
const BeaconMetricRule *
beacon_policy_find_rule (const BeaconPolicy *policy,
                         const char         *metric)
{
  g_return_val_if_fail (policy != NULL, NULL);

  for (guint i = 0; i < policy->rules->len; i++)
    {
      const BeaconMetricRule *rule = g_ptr_array_index (policy->rules, i);

      if (g_str_equal (rule->metric, metric))
        return rule;
    }
  return NULL;
}

/**
 * beacon_metric_target_format:
 *
 * Returns: (transfer full): `3h`, or `1 working day` for a working-day target
 */
char *
beacon_metric_target_format (const BeaconMetricTarget *target)
{
  if (target->working_days > 0)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u working day", "%u working days",
                                         target->working_days),
                            target->working_days);
  return beacon_duration_format (target->seconds);
}

/* The store's policies ---------------------------------------------------- */

#define POLICY_CACHE_KEY "beacon-policy-cache"

static GHashTable *
get_policy_cache (BeaconStore *self)
{
  GHashTable *cache = g_object_get_data (G_OBJECT (self), POLICY_CACHE_KEY);

  if (cache == NULL)
    {
      cache = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) beacon_policy_free);
      g_object_set_data_full (G_OBJECT (self), POLICY_CACHE_KEY, cache,
                              (GDestroyNotify) g_hash_table_unref);
    }
  return cache;
}

/*
 * Forgets the parsed policies and calendars: called when a "policy" or
 * "calendar" register changes, locally or by sync.
 */
void
_beacon_store_forget_sla_cache (BeaconStore *self)
{
  g_object_set_data (G_OBJECT (self), POLICY_CACHE_KEY, NULL);
  g_object_set_data (G_OBJECT (self), "beacon-calendar-cache", NULL);
  g_object_set_data (G_OBJECT (self), "beacon-policy-version", NULL);
}

int
_beacon_store_current_policy_version (BeaconStore *self)
{
  gpointer cached = g_object_get_data (G_OBJECT (self), "beacon-policy-version");
  sqlite3_stmt *stmt;
  int version = BEACON_POLICY_DEFAULT_VERSION;

  if (cached != NULL)
    return GPOINTER_TO_INT (cached);

  stmt = _beacon_store_prepare (self,
                                "SELECT MAX (CAST (entity_id AS INTEGER)) FROM registers "
                                "WHERE entity = 'policy' AND field = 'document'",
                                NULL);
  if (stmt != NULL)
    {
      if (sqlite3_step (stmt) == SQLITE_ROW && sqlite3_column_type (stmt, 0) != SQLITE_NULL)
        version = MAX (version, sqlite3_column_int (stmt, 0));
      sqlite3_reset (stmt);
    }

  g_object_set_data (G_OBJECT (self), "beacon-policy-version", GINT_TO_POINTER (version));
  return version;
}

/*
 * The policy of @version (0: the current one), parsed once and kept until a
 * policy or calendar changes. A version not (yet) stored here — a ticket
 * from a device whose policy edit has not arrived — gets the current one;
 * when the edit arrives, open tickets are evaluated again.
 */
const BeaconPolicy *
_beacon_store_lookup_policy (BeaconStore *self,
                             int          version)
{
  GHashTable *cache = get_policy_cache (self);
  BeaconPolicy *policy;
  sqlite3_stmt *stmt;
  char id[16];

  if (version <= 0)
    version = _beacon_store_current_policy_version (self);

  policy = g_hash_table_lookup (cache, GINT_TO_POINTER (version));
  if (policy != NULL)
    return policy;

  if (version != BEACON_POLICY_DEFAULT_VERSION)
    {
      g_snprintf (id, sizeof id, "%d", version);
      stmt = _beacon_store_prepare (self,
                                    "SELECT value FROM registers "
                                    "WHERE entity = 'policy' AND entity_id = ? AND field = 'document'",
                                    NULL);
      if (stmt != NULL)
        {
          sqlite3_bind_text (stmt, 1, id, -1, SQLITE_TRANSIENT);
          if (sqlite3_step (stmt) == SQLITE_ROW)
            {
              g_autoptr(GError) error = NULL;

              policy = beacon_policy_new_from_json ((const char *) sqlite3_column_text (stmt, 0),
                                                    &error);
              if (policy == NULL)
                g_warning ("Stored policy version %d is not valid: %s", version, error->message);
              else
                policy->version = version;
            }
          sqlite3_reset (stmt);
        }

      if (policy == NULL)
        {
          int current = _beacon_store_current_policy_version (self);

          if (current != version)
            return _beacon_store_lookup_policy (self, current);
        }
    }

  if (policy == NULL)
    policy = beacon_policy_new_default ();

  g_hash_table_insert (cache, GINT_TO_POINTER (version), policy);
  return policy;
}

/**
 * beacon_store_get_policy_version:
 *
 * Returns: the newest policy version: the one new tickets are opened under
 */
int
beacon_store_get_policy_version (BeaconStore *self)
{
  int version;

  g_return_val_if_fail (BEACON_IS_STORE (self), 0);

  _beacon_store_lock (self);
  version = _beacon_store_current_policy_version (self);
  _beacon_store_unlock (self);

  return version;
}

/**
 * beacon_store_dup_policy:
 * @version: a version, or 0 for the current one
 *
 * Returns: (transfer full): a copy of the policy, or %NULL with @error set
 */
BeaconPolicy *
beacon_store_dup_policy (BeaconStore  *self,
                         int           version,
                         GError      **error)
{
  const BeaconPolicy *policy;
  BeaconPolicy *copy;

  g_return_val_if_fail (BEACON_IS_STORE (self), NULL);

  _beacon_store_lock (self);
  if (version > _beacon_store_current_policy_version (self) || version < 0)
    {
      g_set_error (error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_NOT_FOUND,
                   _("There is no policy version %d"), version);
      _beacon_store_unlock (self);
      return NULL;
    }
  policy = _beacon_store_lookup_policy (self, version);
  copy = beacon_policy_new_from_json (policy->document, error);
  if (copy != NULL)
    copy->version = policy->version;
  _beacon_store_unlock (self);

  return copy;
}

/**
 * beacon_store_set_policy:
 * @text: a policy document
 *
 * Checks @text (its calendars must exist) and stores it as the next version.
 * Tickets already open keep the version they were opened under.
 *
 * Returns: the new version, or 0 with @error set; nothing is changed then
 */
int
beacon_store_set_policy (BeaconStore  *self,
                         const char   *text,
                         GError      **error)
{
  g_autoptr(BeaconPolicy) policy = NULL;
  g_autoptr(JsonNode) node = NULL;
  char id[16];
  int version;

  g_return_val_if_fail (BEACON_IS_STORE (self), 0);
  g_return_val_if_fail (text != NULL, 0);

  if (!_beacon_store_require_supervisor (self, _("Changing the service level policy"), error))
    return 0;

  policy = beacon_policy_new_from_json (text, error);
  if (policy == NULL)
    return 0;

  if (!_beacon_store_begin (self, error))
    return 0;

  for (guint i = 0; i < policy->rules->len; i++)
    {
      const BeaconMetricRule *rule = g_ptr_array_index (policy->rules, i);

      if (_beacon_store_lookup_calendar (self, rule->calendar) == NULL)
        {
          g_set_error (error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_NOT_FOUND,
                       _("Policy: metric “%s”: there is no calendar “%s”; add it first "
                         "(beaconctl calendar add)"),
                       rule->metric, rule->calendar);
          goto fail;
        }
    }

  version = _beacon_store_current_policy_version (self) + 1;
  node = beacon_json_parse (policy->document, NULL);
  json_object_set_int_member (json_node_get_object (node), "version", version);
  g_snprintf (id, sizeof id, "%d", version);

  if (!_beacon_store_record (self, "policy", id, "document", node, NULL, error))
    goto fail;

  if (!_beacon_store_commit (self, error))
    {
      _beacon_store_forget_sla_cache (self);
      return 0;
    }

  return version;

fail:
  _beacon_store_rollback (self);
  _beacon_store_forget_sla_cache (self);
  return 0;
}
