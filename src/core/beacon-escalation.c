/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "beacon-sla"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <inttypes.h>
#include <string.h>

#include "beacon-escalation.h"
#include "beacon-json.h"
#include "beacon-metrics.h"
#include "beacon-report.h"
#include "beacon-store-private.h"
#include "beacon-time.h"

/*
 * The escalation engine (DESIGN.md 3.2). Every automatic action is an event
 * in the ticket's timeline, made so that it happens once however often the
 * engine runs and on however many devices: its id is derived from what
 * fired it (ticket, metric, due instant), it is dated at the instant the
 * rule fired, not when the engine noticed, and its author is the system
 * (""). Two devices that both escalate a ticket make the same event, and
 * the store keeps one. The texts in these events are data shared by every
 * device, so they are not translated; beacon_sla_action_describe() is.
 */

#define MAX_ROUNDS 16

/* How long one transaction of the engine may hold the store. The store's
 * lock is let go between batches, so a search or a board read waits for one
 * batch at most, not for the whole first pass over a busy centre's backlog. */
#define BATCH_USEC (40 * 1000)

void
beacon_sla_action_free (BeaconSlaAction *action)
{
  if (action == NULL)
    return;

  g_free (action->ticket_id);
  g_free (action->ticket_number);
  g_free (action->metric);
  g_free (action->to);
  g_free (action->event_id);
  g_free (action);
}

/**
 * beacon_sla_action_describe:
 *
 * Returns: (transfer full): one line for people
 */
char *
beacon_sla_action_describe (const BeaconSlaAction *action)
{
  g_autofree char *when = beacon_time_format (action->instant, NULL);

  switch (action->kind)
    {
    case BEACON_SLA_ACTION_LEVEL_RAISED:
      return g_strdup_printf (_("%s: level %d → %d at %s (%s breached)"),
                              action->ticket_number, action->from_level, action->level, when,
                              beacon_metric_get_label (action->metric));
    case BEACON_SLA_ACTION_ESCALATED:
      return g_strdup_printf (_("%s: escalated to %s at %s (%s breached at level 1)"),
                              action->ticket_number, action->to, when,
                              beacon_metric_get_label (action->metric));
    case BEACON_SLA_ACTION_INVESTIGATION_OPENED:
      return g_strdup_printf (_("%s: investigation %s opened at %s (level-1 outage over 60 minutes)"),
                              action->ticket_number, action->to, when);
    case BEACON_SLA_ACTION_REPORT_CONFIRMED:
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                           "%u report confirmed automatically (not answered "
                                           "by the end of the next working day)",
                                           "%u reports confirmed automatically (not answered "
                                           "by the end of the next working day)",
                                           action->n_reports),
                              action->n_reports);
    default:
      g_return_val_if_reached (NULL);
    }
}

/**
 * beacon_sla_derive_uuid:
 * @key: what makes the thing unique, e.g. `escalation:<ticket>:<metric>:<instant>`
 *
 * Returns: (transfer full): a UUID (version 8, RFC 9562) made of the first
 *   bytes of SHA-256(@key): the same key gives the same id on every device
 */
char *
beacon_sla_derive_uuid (const char *key)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  guint8 digest[32];
  gsize length = sizeof digest;

  g_checksum_update (checksum, (const guchar *) key, -1);
  g_checksum_get_digest (checksum, digest, &length);
  digest[6] = (digest[6] & 0x0f) | 0x80;
  digest[8] = (digest[8] & 0x3f) | 0x80;

  return g_strdup_printf ("%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
                          "%02x%02x%02x%02x%02x%02x",
                          digest[0], digest[1], digest[2], digest[3], digest[4], digest[5],
                          digest[6], digest[7], digest[8], digest[9], digest[10], digest[11],
                          digest[12], digest[13], digest[14], digest[15]);
}

typedef struct
{
  char   *ticket_id;
  char   *number;
  char   *metric;
  int     level;
  int     policy_version;
  gint64  due_at;
  gboolean live;
} Breach;

static void
breach_clear (Breach *breach)
{
  g_free (breach->ticket_id);
  g_free (breach->number);
  g_free (breach->metric);
}

static gboolean
event_exists (BeaconStore *self,
              const char  *event_id)
{
  sqlite3_stmt *stmt = _beacon_store_prepare (self, "SELECT 1 FROM ticket_events WHERE id = ?", NULL);
  gboolean found;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, event_id, -1, SQLITE_STATIC);
  found = sqlite3_step (stmt) == SQLITE_ROW;
  sqlite3_reset (stmt);
  return found;
}

static char *
dup_register (BeaconStore *self,
              const char  *entity,
              const char  *entity_id,
              const char  *field)
{
  sqlite3_stmt *stmt = _beacon_store_prepare (self,
                                              "SELECT value FROM registers "
                                              "WHERE entity = ? AND entity_id = ? AND field = ?",
                                              NULL);
  char *value = NULL;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, entity, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, entity_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, field, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    value = _beacon_sql_dup_text (stmt, 0);
  sqlite3_reset (stmt);
  return value;
}

/* Records an event as the system: no author, recorded when it fired. */
static gboolean
record_system_event (BeaconStore      *self,
                     const char       *event_id,
                     const char       *ticket_id,
                     BeaconEventType   type,
                     gint64            instant,
                     const char       *note,
                     JsonObject       *payload,
                     GError          **error)
{
  g_autofree char *author = g_strdup (beacon_store_get_author (self));
  gboolean ok;

  beacon_store_set_author (self, "");
  ok = _beacon_store_record_event (self, event_id, ticket_id, type, instant, instant,
                                   note, payload, error);
  beacon_store_set_author (self, author);

  return ok;
}

static BeaconSlaAction *
action_new (BeaconSlaActionKind  kind,
            const Breach        *breach,
            gint64               instant,
            const char          *event_id)
{
  BeaconSlaAction *action = g_new0 (BeaconSlaAction, 1);

  action->kind = kind;
  action->ticket_id = g_strdup (breach->ticket_id);
  action->ticket_number = g_strdup (breach->number);
  action->metric = g_strdup (breach->metric);
  action->instant = instant;
  action->level = breach->level;
  action->from_level = breach->level;
  action->event_id = g_strdup (event_id);
  return action;
}

static gboolean
raise_level (BeaconStore   *self,
             const Breach  *breach,
             GPtrArray     *actions,
             gboolean      *out_changed,
             GError       **error)
{
  g_autofree char *key = g_strdup_printf ("escalation:%s:%s:%" PRId64,
                                          breach->ticket_id, breach->metric, breach->due_at);
  g_autofree char *event_id = beacon_sla_derive_uuid (key);
  g_autofree char *reason = NULL;
  g_autoptr(JsonObject) payload = json_object_new ();
  BeaconSlaAction *action;

  if (event_exists (self, event_id))
    return TRUE;

  reason = g_strdup_printf ("%s not met in time at level %d: raised to level %d",
                            breach->metric, breach->level, breach->level - 1);
  json_object_set_int_member (payload, "level", breach->level - 1);
  json_object_set_int_member (payload, "from", breach->level);
  json_object_set_boolean_member (payload, "automatic", TRUE);
  json_object_set_string_member (payload, "reason", reason);
  json_object_set_string_member (payload, "metric", breach->metric);
  json_object_set_int_member (payload, "due_at", breach->due_at);

  if (!record_system_event (self, event_id, breach->ticket_id, BEACON_EVENT_LEVEL_CHANGED,
                            breach->due_at, reason, payload, error))
    return FALSE;

  action = action_new (BEACON_SLA_ACTION_LEVEL_RAISED, breach, breach->due_at, event_id);
  action->level = breach->level - 1;
  g_ptr_array_add (actions, action);
  *out_changed = TRUE;
  return TRUE;
}

static gboolean
escalate_chain (BeaconStore         *self,
                const BeaconPolicy  *policy,
                const Breach        *breach,
                gint64               now,
                GPtrArray           *actions,
                gboolean            *out_changed,
                GError             **error)
{
  for (guint i = 0; i < policy->chain->len; i++)
    {
      const BeaconEscalationStep *step = &g_array_index (policy->chain, BeaconEscalationStep, i);
      gint64 instant = breach->due_at + step->after;
      g_autofree char *key = NULL;
      g_autofree char *event_id = NULL;
      g_autofree char *reason = NULL;
      g_autoptr(JsonObject) payload = NULL;
      BeaconSlaAction *action;

      if (instant > now)
        break;

      key = g_strdup_printf ("escalation:%s:%s:%" PRId64 ":%s",
                             breach->ticket_id, breach->metric, breach->due_at, step->to);
      event_id = beacon_sla_derive_uuid (key);
      if (event_exists (self, event_id))
        continue;

      reason = g_strdup_printf ("%s not met in time at level 1: escalated to %s",
                                breach->metric, step->to);
      payload = json_object_new ();
      json_object_set_boolean_member (payload, "automatic", TRUE);
      json_object_set_string_member (payload, "to", step->to);
      json_object_set_string_member (payload, "reason", reason);
      json_object_set_string_member (payload, "metric", breach->metric);
      json_object_set_int_member (payload, "due_at", breach->due_at);

      if (!record_system_event (self, event_id, breach->ticket_id, BEACON_EVENT_ESCALATED,
                                instant, reason, payload, error))
        return FALSE;

      action = action_new (BEACON_SLA_ACTION_ESCALATED, breach, instant, event_id);
      action->to = g_strdup (step->to);
      g_ptr_array_add (actions, action);
      *out_changed = TRUE;
    }

  return TRUE;
}

static gboolean
record_json (BeaconStore  *self,
             const char   *ticket_id,
             const char   *field,
             const char   *json_text,
             GError      **error)
{
  g_autoptr(JsonNode) node = NULL;

  /* A field the original ticket does not have is left out. */
  if (json_text == NULL)
    return TRUE;
  node = beacon_json_parse (json_text, NULL);
  if (node == NULL)
    return TRUE;
  return _beacon_store_record (self, "ticket", ticket_id, field, node, NULL, error);
}

/*
 * Opens the post-incident investigation: a ticket of kind investigation
 * whose id, number and content follow from the original ticket, so that
 * two devices opening it make the same ticket.
 */
static gboolean
open_investigation (BeaconStore   *self,
                    const Breach  *breach,
                    GPtrArray     *actions,
                    gboolean      *out_changed,
                    GError       **error)
{
  g_autofree char *existing = dup_register (self, "ticket", breach->ticket_id, "investigation");
  g_autofree char *key = g_strdup_printf ("investigation:%s", breach->ticket_id);
  g_autofree char *investigation_id = beacon_sla_derive_uuid (key);
  g_autofree char *accepted_key = g_strdup_printf ("investigation-accepted:%s", breach->ticket_id);
  g_autofree char *accepted_id = beacon_sla_derive_uuid (accepted_key);
  g_autofree char *event_key = g_strdup_printf ("investigation-opened:%s", breach->ticket_id);
  g_autofree char *event_id = beacon_sla_derive_uuid (event_key);
  g_autofree char *number = g_strdup_printf ("INV-%s", breach->number);
  g_autofree char *summary = NULL;
  g_autofree char *original_summary = NULL;
  g_autofree char *reason = NULL;
  g_autoptr(JsonObject) payload = json_object_new ();
  static const char * const copied[] = { "customer", "site", "system", "contact", "fault_at", NULL };
  BeaconSlaAction *action;

  if (existing != NULL || event_exists (self, accepted_id))
    return TRUE;

  {
    g_autofree char *summary_json = dup_register (self, "ticket", breach->ticket_id, "summary");
    g_autoptr(JsonNode) node = summary_json ? beacon_json_parse (summary_json, NULL) : NULL;

    if (node != NULL && JSON_NODE_HOLDS_VALUE (node))
      original_summary = g_strdup (json_node_get_string (node));
  }

  /* Data every device writes alike: not translated. */
  summary = g_strdup_printf ("故障调查 Post-incident investigation: %s %s", breach->number,
                             original_summary ? original_summary : "");

  if (!_beacon_store_record_string (self, "ticket", investigation_id, "number", number, error) ||
      !_beacon_store_record_string (self, "ticket", investigation_id, "kind",
                                    beacon_kind_to_string (BEACON_KIND_INVESTIGATION), error) ||
      !_beacon_store_record_int (self, "ticket", investigation_id, "initial_level", 1, error) ||
      !_beacon_store_record_string (self, "ticket", investigation_id, "summary", g_strstrip (summary), error) ||
      !_beacon_store_record_int (self, "ticket", investigation_id, "accepted_at", breach->due_at, error) ||
      !_beacon_store_record_int (self, "ticket", investigation_id, "policy_version",
                                 breach->policy_version, error) ||
      !_beacon_store_record_string (self, "ticket", investigation_id, "investigation_of",
                                    breach->ticket_id, error))
    return FALSE;

  for (guint i = 0; copied[i] != NULL; i++)
    {
      g_autofree char *value = dup_register (self, "ticket", breach->ticket_id, copied[i]);

      if (!record_json (self, investigation_id, copied[i], value, error))
        return FALSE;
    }

  if (!_beacon_store_record_string (self, "ticket", breach->ticket_id, "investigation",
                                    investigation_id, error))
    return FALSE;

  reason = g_strdup_printf ("level-1 outage longer than 60 minutes: investigation %s opened", number);
  if (!record_system_event (self, accepted_id, investigation_id, BEACON_EVENT_ACCEPTED,
                            breach->due_at, reason, NULL, error))
    return FALSE;

  json_object_set_boolean_member (payload, "automatic", TRUE);
  json_object_set_string_member (payload, "to", "investigation-team");
  json_object_set_string_member (payload, "investigation", investigation_id);
  json_object_set_string_member (payload, "number", number);
  json_object_set_string_member (payload, "reason", reason);
  json_object_set_string_member (payload, "metric", breach->metric);
  if (!record_system_event (self, event_id, breach->ticket_id, BEACON_EVENT_ESCALATED,
                            breach->due_at, reason, payload, error))
    return FALSE;

  action = action_new (BEACON_SLA_ACTION_INVESTIGATION_OPENED, breach, breach->due_at, event_id);
  action->to = g_strdup (number);
  g_ptr_array_add (actions, action);
  *out_changed = TRUE;
  return TRUE;
}

static GArray *
list_breaches (BeaconStore  *self,
               gint64        now,
               GError      **error)
{
  GArray *breaches = g_array_new (FALSE, TRUE, sizeof (Breach));
  sqlite3_stmt *stmt;

  g_array_set_clear_func (breaches, (GDestroyNotify) breach_clear);

  /* Running clocks past due, and clocks of open tickets that ended late
   * (an outage recovered after 61 minutes still opens an investigation). */
  stmt = _beacon_store_prepare (self,
                                "SELECT m.ticket_id, t.number, m.metric, m.level, m.due_at, m.live, "
                                "(SELECT value FROM registers WHERE entity = 'ticket' "
                                " AND entity_id = t.id AND field = 'policy_version') "
                                "FROM ticket_metrics m JOIN tickets t ON t.id = m.ticket_id "
                                "WHERE m.due_at <= ?1 AND t.is_open = 1 AND t.number IS NOT NULL "
                                "AND (m.live = 1 OR m.stopped_at > m.due_at) "
                                "ORDER BY m.due_at, m.ticket_id, m.metric",
                                error);
  if (stmt == NULL)
    {
      g_array_unref (breaches);
      return NULL;
    }

  sqlite3_bind_int64 (stmt, 1, now);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      Breach breach;

      breach.ticket_id = _beacon_sql_dup_text (stmt, 0);
      breach.number = _beacon_sql_dup_text (stmt, 1);
      breach.metric = _beacon_sql_dup_text (stmt, 2);
      breach.level = sqlite3_column_int (stmt, 3);
      breach.due_at = sqlite3_column_int64 (stmt, 4);
      breach.live = sqlite3_column_int (stmt, 5);
      breach.policy_version = sqlite3_column_int (stmt, 6);
      if (breach.policy_version <= 0)
        breach.policy_version = BEACON_POLICY_DEFAULT_VERSION;
      g_array_append_val (breaches, breach);
    }
  sqlite3_reset (stmt);

  return breaches;
}

/* Acts on one breach, in the caller's transaction. */
static gboolean
act_on_breach (BeaconStore   *self,
               const Breach  *breach,
               gint64         now,
               GPtrArray     *actions,
               gboolean      *out_changed,
               GError       **error)
{
  const BeaconPolicy *policy = _beacon_store_lookup_policy (self, breach->policy_version);
  const BeaconMetricRule *rule = beacon_policy_find_rule (policy, breach->metric);

  if (rule == NULL)
    return TRUE;

  for (guint a = 0; rule->on_breach[a] != NULL; a++)
    {
      const char *what = rule->on_breach[a];

      if (g_str_equal (what, "escalate") && breach->live)
        {
          if (breach->level > BEACON_LEVEL_MIN)
            {
              if (!raise_level (self, breach, actions, out_changed, error))
                return FALSE;
            }
          else if (!escalate_chain (self, policy, breach, now, actions, out_changed, error))
            return FALSE;
        }
      else if (g_str_equal (what, "open-investigation"))
        {
          if (!open_investigation (self, breach, actions, out_changed, error))
            return FALSE;
        }
      /* notify:ROLE is for the workstations: see beacon-alerts.c. */
    }

  return TRUE;
}

/*
 * One look at the clocks past due, of every open ticket or, after the first
 * round, only of @only (the tickets the last round changed: nothing else can
 * have a new breach from the engine's own doing). Works in batches, each its
 * own transaction; the commit brings the projections and clocks of the
 * tickets it changed up to date, so the next round sees their new level.
 * The tickets changed are added to @changed_ids.
 */
static gboolean
run_round (BeaconStore  *self,
           gint64        now,
           GHashTable   *only,
           GPtrArray    *actions,
           GHashTable   *changed_ids,
           GError      **error)
{
  g_autoptr(GArray) breaches = NULL;
  guint next = 0;

  _beacon_store_lock (self);
  breaches = list_breaches (self, now, error);
  _beacon_store_unlock (self);
  if (breaches == NULL)
    return FALSE;

  while (next < breaches->len)
    {
      gint64 batch_start;

      if (!_beacon_store_begin (self, error))
        return FALSE;

      batch_start = g_get_monotonic_time ();
      for (; next < breaches->len && g_get_monotonic_time () - batch_start < BATCH_USEC; next++)
        {
          Breach *breach = &g_array_index (breaches, Breach, next);
          gboolean changed = FALSE;

          if (only != NULL && !g_hash_table_contains (only, breach->ticket_id))
            continue;

          if (!act_on_breach (self, breach, now, actions, &changed, error))
            {
              _beacon_store_rollback (self);
              return FALSE;
            }
          if (changed)
            g_hash_table_add (changed_ids, g_strdup (breach->ticket_id));
        }

      if (!_beacon_store_commit (self, error))
        return FALSE;

      /* A mutex handed back is usually taken again at once by the same
       * thread: give those waiting for the store their turn. */
      if (next < breaches->len)
        g_usleep (1000);
    }

  return TRUE;
}

/**
 * beacon_store_run_escalation:
 * @now: the instant to judge by
 * @out_actions: (out) (optional) (transfer full) (element-type BeaconSlaAction):
 *   what was done, in order
 *
 * Runs the escalation engine once: raises the level of tickets whose
 * emergency recovery is breached at level 3 or 2, escalates level-1
 * breaches up the chain, opens post-incident investigations and confirms
 * reports not answered in time. Running it again, here or on another
 * device, does nothing more.
 *
 * The work is done in short transactions (a batch of breaches each, then
 * the reports), releasing the store between them, so that readers are not
 * held up by a long backlog. Each action is whole in its transaction.
 *
 * Returns: %TRUE on success; on failure, the batches before the one that
 *   failed stay done (running again carries on from there)
 */
gboolean
beacon_store_run_escalation (BeaconStore  *self,
                             gint64        now,
                             GPtrArray   **out_actions,
                             GError      **error)
{
  g_autoptr(GPtrArray) actions = g_ptr_array_new_with_free_func ((GDestroyNotify) beacon_sla_action_free);
  g_autoptr(GHashTable) only = NULL;
  const BeaconMetricRule *confirmation;
  guint n_confirmed;

  g_return_val_if_fail (BEACON_IS_STORE (self), FALSE);

  /* The new level's clock may already be past due when the engine catches
   * up after a while: look again at the tickets changed, as they are now. */
  for (guint round = 0; round < MAX_ROUNDS; round++)
    {
      g_autoptr(GHashTable) changed_ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

      if (!run_round (self, now, only, actions, changed_ids, error))
        return FALSE;
      if (g_hash_table_size (changed_ids) == 0)
        break;
      g_clear_pointer (&only, g_hash_table_unref);
      only = g_steal_pointer (&changed_ids);
    }

  if (!_beacon_store_begin (self, error))
    return FALSE;

  /* Reports (beacon-report.c) keep their own delivery and answers; the
   * policy says which calendar their confirmation deadline counts on. */
  confirmation = beacon_policy_find_rule (_beacon_store_lookup_policy (self, 0), "report-confirmation");
  if (confirmation != NULL && g_strv_contains ((const char * const *) confirmation->on_breach,
                                               "auto-confirm"))
    {
      const BeaconCalendar *calendar = _beacon_store_lookup_calendar (self, confirmation->calendar);
      g_autoptr(GError) local_error = NULL;

      if (calendar == NULL)
        calendar = _beacon_store_lookup_calendar (self, "cn-5x8");

      n_confirmed = beacon_store_auto_confirm_reports (self, now, calendar, &local_error);
      if (local_error != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          goto fail;
        }
      if (n_confirmed > 0)
        {
          BeaconSlaAction *action = g_new0 (BeaconSlaAction, 1);

          action->kind = BEACON_SLA_ACTION_REPORT_CONFIRMED;
          action->metric = g_strdup ("report-confirmation");
          action->instant = now;
          action->n_reports = n_confirmed;
          g_ptr_array_add (actions, action);
        }
    }

  if (!_beacon_store_commit (self, error))
    return FALSE;

  if (out_actions != NULL)
    *out_actions = g_steal_pointer (&actions);
  return TRUE;

fail:
  _beacon_store_rollback (self);
  return FALSE;
}
