/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "beacon-alerts"

#include "config.h"

#include "beacon-alerts.h"
#include "beacon-json.h"
#include "beacon-metrics.h"
#include "beacon-store-private.h"

static const char * const kind_names[] = {
  [BEACON_ALERT_WARNING] = "warning",
  [BEACON_ALERT_BREACH] = "breach",
  [BEACON_ALERT_LEVEL_CHANGED] = "level-changed",
  [BEACON_ALERT_INVESTIGATION] = "investigation",
};

G_STATIC_ASSERT (G_N_ELEMENTS (kind_names) == BEACON_N_ALERT_KINDS);

const char *
beacon_alert_kind_to_string (BeaconAlertKind kind)
{
  g_return_val_if_fail (kind < BEACON_N_ALERT_KINDS, NULL);

  return kind_names[kind];
}

/**
 * beacon_alert_new:
 *
 * Returns: (transfer full): an alert with no level and no assignees yet
 */
BeaconAlert *
beacon_alert_new (const char      *ticket_id,
                  const char      *ticket_number,
                  const char      *metric,
                  const char      *metric_label,
                  BeaconAlertKind  kind,
                  gint64           instant)
{
  BeaconAlert *alert;

  g_return_val_if_fail (ticket_id != NULL, NULL);
  g_return_val_if_fail (metric != NULL, NULL);

  alert = g_new0 (BeaconAlert, 1);
  alert->ticket_id = g_strdup (ticket_id);
  alert->ticket_number = g_strdup (ticket_number);
  alert->metric = g_strdup (metric);
  alert->metric_label = g_strdup (metric_label);
  alert->kind = kind;
  alert->instant = instant;
  alert->raise_at = instant;

  return alert;
}

BeaconAlert *
beacon_alert_copy (const BeaconAlert *alert)
{
  BeaconAlert *copy;

  g_return_val_if_fail (alert != NULL, NULL);

  copy = beacon_alert_new (alert->ticket_id, alert->ticket_number, alert->metric,
                           alert->metric_label, alert->kind, alert->instant);
  copy->raise_at = alert->raise_at;
  copy->due_at = alert->due_at;
  copy->level = alert->level;
  copy->assignee_ids = g_strdupv (alert->assignee_ids);

  return copy;
}

void
beacon_alert_free (BeaconAlert *alert)
{
  if (alert == NULL)
    return;

  g_free (alert->ticket_id);
  g_free (alert->ticket_number);
  g_free (alert->metric);
  g_free (alert->metric_label);
  g_strfreev (alert->assignee_ids);
  g_free (alert);
}

/**
 * beacon_alert_concerns_user:
 * @user_id: (nullable): the workstation's current user
 * @role: that user's role
 *
 * Supervisors and administrators hear every alert, engineers those of the
 * tickets they are assigned to, operators those of their own tickets and of
 * tickets nobody has taken yet (the desk is who phones back then). A level-1
 * ticket always reaches supervisors, which the first rule already covers.
 *
 * Returns: whether @alert is for this user
 */
gboolean
beacon_alert_concerns_user (const BeaconAlert *alert,
                            const char        *user_id,
                            BeaconRole         role)
{
  gboolean assigned;
  gboolean unassigned;

  g_return_val_if_fail (alert != NULL, FALSE);

  if (role == BEACON_ROLE_SUPERVISOR || role == BEACON_ROLE_ADMIN)
    return TRUE;

  assigned = user_id != NULL && alert->assignee_ids != NULL &&
             g_strv_contains ((const char * const *) alert->assignee_ids, user_id);
  unassigned = alert->assignee_ids == NULL || alert->assignee_ids[0] == NULL;

  if (role == BEACON_ROLE_ENGINEER)
    return assigned;

  return assigned || unassigned;
}

static gboolean
was_raised_locked (BeaconStore       *self,
                   const BeaconAlert *alert,
                   gboolean          *out_raised,
                   GError           **error)
{
  sqlite3_stmt *stmt;
  int rc;

  stmt = _beacon_store_prepare (self,
                                "SELECT 1 FROM alerts_raised WHERE ticket = ? AND metric = ? "
                                "AND kind = ? AND instant = ?",
                                error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, alert->ticket_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, alert->metric, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, kind_names[alert->kind], -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 4, alert->instant);
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);

  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      _beacon_store_set_sqlite_error (self, error, "reading the raised alerts");
      return FALSE;
    }

  *out_raised = rc == SQLITE_ROW;
  return TRUE;
}

/**
 * beacon_store_alert_was_raised:
 *
 * Returns: whether this device already raised @alert; %FALSE with @error set
 *   when the database could not be read
 */
gboolean
beacon_store_alert_was_raised (BeaconStore       *self,
                               const BeaconAlert *alert,
                               GError           **error)
{
  gboolean raised = FALSE;

  g_return_val_if_fail (BEACON_IS_STORE (self), FALSE);
  g_return_val_if_fail (alert != NULL, FALSE);

  _beacon_store_lock (self);
  if (!was_raised_locked (self, alert, &raised, error))
    raised = FALSE;
  _beacon_store_unlock (self);

  return raised;
}

/**
 * beacon_store_take_due_alerts:
 * @candidates: (element-type BeaconAlert): what the SLA and escalation engines
 *   report at @now, for every open ticket
 * @user_id: (nullable): the workstation's current user
 * @role: that user's role
 * @now: the instant to decide at; candidates whose @raise_at lies after it wait
 *
 * Picks the candidates that concern the user, are due and were not raised on
 * this device before, and records them as raised, all in one transaction: the
 * caller shows each returned alert exactly once, also across restarts.
 *
 * Returns: (transfer full) (element-type BeaconAlert): the alerts to show now,
 *   or %NULL with @error set
 */
GPtrArray *
beacon_store_take_due_alerts (BeaconStore  *self,
                              GPtrArray    *candidates,
                              const char   *user_id,
                              BeaconRole    role,
                              gint64        now,
                              GError      **error)
{
  g_autoptr(GPtrArray) due = g_ptr_array_new_with_free_func ((GDestroyNotify) beacon_alert_free);
  sqlite3_stmt *insert;

  g_return_val_if_fail (BEACON_IS_STORE (self), NULL);
  g_return_val_if_fail (candidates != NULL, NULL);

  if (!_beacon_store_begin (self, error))
    return NULL;

  insert = _beacon_store_prepare (self,
                                  "INSERT OR IGNORE INTO alerts_raised "
                                  "(ticket, metric, kind, instant, raised_at) VALUES (?, ?, ?, ?, ?)",
                                  error);
  if (insert == NULL)
    goto failed;

  for (guint i = 0; i < candidates->len; i++)
    {
      const BeaconAlert *alert = g_ptr_array_index (candidates, i);

      if (alert->raise_at > now || !beacon_alert_concerns_user (alert, user_id, role))
        continue;

      sqlite3_bind_text (insert, 1, alert->ticket_id, -1, SQLITE_STATIC);
      sqlite3_bind_text (insert, 2, alert->metric, -1, SQLITE_STATIC);
      sqlite3_bind_text (insert, 3, kind_names[alert->kind], -1, SQLITE_STATIC);
      sqlite3_bind_int64 (insert, 4, alert->instant);
      sqlite3_bind_int64 (insert, 5, now);
      if (sqlite3_step (insert) != SQLITE_DONE)
        {
          _beacon_store_set_sqlite_error (self, error, "recording a raised alert");
          sqlite3_reset (insert);
          goto failed;
        }
      sqlite3_reset (insert);

      /* Ignored: raised before, on this device. */
      if (sqlite3_changes (_beacon_store_get_db (self)) > 0)
        g_ptr_array_add (due, beacon_alert_copy (alert));
    }

  if (!_beacon_store_commit (self, error))
    return NULL;

  return g_steal_pointer (&due);

failed:
  _beacon_store_rollback (self);
  return NULL;
}

/**
 * beacon_store_list_automatic_alerts:
 * @since: the oldest event to consider (e.g. a day before now)
 *
 * The escalation engine's events since @since, whichever device ran it:
 * raised levels, escalations up the chain and opened investigations. They
 * are alerts on every workstation, including those that learned of them by
 * sync; the alert key (ticket, kind, event time) keeps each one single.
 *
 * Returns: (transfer full) (element-type BeaconAlert): candidates for
 *   beacon_store_take_due_alerts()
 */
GPtrArray *
beacon_store_list_automatic_alerts (BeaconStore  *self,
                                    gint64        since,
                                    GError      **error)
{
  g_autoptr(GPtrArray) alerts = g_ptr_array_new_with_free_func ((GDestroyNotify) beacon_alert_free);
  sqlite3_stmt *stmt;

  g_return_val_if_fail (BEACON_IS_STORE (self), NULL);

  _beacon_store_lock (self);
  stmt = _beacon_store_prepare (self,
                                "SELECT e.ticket_id, t.number, e.type, e.occurred_at, e.payload, "
                                "t.level, t.assignees FROM ticket_events e "
                                "JOIN tickets t ON t.id = e.ticket_id "
                                "WHERE e.occurred_at >= ? AND e.type IN ('level-changed', 'escalated') "
                                "AND json_extract (e.payload, '$.automatic') = 1 "
                                "ORDER BY e.occurred_at",
                                error);
  if (stmt == NULL)
    {
      _beacon_store_unlock (self);
      return NULL;
    }

  sqlite3_bind_int64 (stmt, 1, since);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      g_autoptr(JsonNode) payload = beacon_json_parse ((const char *) sqlite3_column_text (stmt, 4), NULL);
      JsonObject *object = payload && JSON_NODE_HOLDS_OBJECT (payload) ? json_node_get_object (payload) : NULL;
      const char *type = (const char *) sqlite3_column_text (stmt, 2);
      const char *to = object ? json_object_get_string_member_with_default (object, "to", "") : "";
      const char *metric = object ? json_object_get_string_member_with_default (object, "metric", "") : "";
      g_autoptr(JsonNode) assignees = beacon_json_parse ((const char *) sqlite3_column_text (stmt, 6), NULL);
      g_autoptr(GStrvBuilder) ids = g_strv_builder_new ();
      BeaconAlertKind kind;
      const char *key;
      BeaconAlert *alert;

      if (g_str_equal (type, "level-changed"))
        kind = BEACON_ALERT_LEVEL_CHANGED, key = "level";
      else if (g_str_equal (to, "investigation-team"))
        kind = BEACON_ALERT_INVESTIGATION, key = "investigation";
      else
        kind = BEACON_ALERT_LEVEL_CHANGED, key = "escalation";

      alert = beacon_alert_new ((const char *) sqlite3_column_text (stmt, 0),
                                (const char *) sqlite3_column_text (stmt, 1),
                                key, beacon_metric_get_label (metric), kind,
                                sqlite3_column_int64 (stmt, 3));
      alert->level = object && json_object_has_member (object, "level")
                     ? (int) json_object_get_int_member (object, "level")
                     : sqlite3_column_int (stmt, 5);
      if (assignees != NULL && JSON_NODE_HOLDS_ARRAY (assignees))
        {
          JsonArray *array = json_node_get_array (assignees);

          for (guint i = 0; i < json_array_get_length (array); i++)
            if (json_array_get_string_element (array, i) != NULL)
              g_strv_builder_add (ids, json_array_get_string_element (array, i));
        }
      alert->assignee_ids = g_strv_builder_end (ids);
      g_ptr_array_add (alerts, alert);
    }
  sqlite3_reset (stmt);
  _beacon_store_unlock (self);

  return g_steal_pointer (&alerts);
}
