/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "beacon-sla"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "beacon-json.h"
#include "beacon-metrics.h"
#include "beacon-store-private.h"

/*
 * Live metrics. What depends on the ticket's timeline — when each clock
 * started, paused, stopped, and so its warning and due instants — is worked
 * out when the ticket's events change and kept in the ticket_metrics table
 * (_beacon_store_refresh_metrics, called from _beacon_store_refresh_ticket,
 * for local edits and synced changes alike). What a clock shows at a given
 * `now` is then a comparison of `now` with those instants, cheap enough to
 * run for every open ticket at every tick of the board.
 */

static const char * const status_names[] = {
  "pending", "running", "paused", "warning", "breached", "met", "missed",
};

static const char * const status_labels[] = {
  N_("Not started"), N_("Running"), N_("Paused"), N_("Warning"), N_("Breached"),
  N_("Met"), N_("Missed"),
};

/**
 * beacon_metric_status_to_string:
 *
 * Returns: `pending`, `running`, `paused`, `warning`, `breached`, `met` or `missed`
 */
const char *
beacon_metric_status_to_string (BeaconMetricStatus status)
{
  g_return_val_if_fail ((guint) status < G_N_ELEMENTS (status_names), NULL);
  return status_names[status];
}

/**
 * beacon_metric_status_get_label:
 *
 * Returns: what a person reads for @status
 */
const char *
beacon_metric_status_get_label (BeaconMetricStatus status)
{
  g_return_val_if_fail ((guint) status < G_N_ELEMENTS (status_labels), NULL);
  return g_dgettext (GETTEXT_PACKAGE, status_labels[status]);
}

/**
 * beacon_metric_get_label:
 * @metric: a metric name from the policy
 *
 * Returns: what a person reads for the metrics of the default policy; the
 *   name itself for others
 */
const char *
beacon_metric_get_label (const char *metric)
{
  static const struct { const char *name; const char *label; } labels[] = {
    { "first-reaction", N_("First reaction") },
    { "phone-response", N_("Phone response") },
    { "expert-response", N_("Expert response") },
    { "remote-access-response", N_("Remote access response") },
    { "emergency-recovery", N_("Emergency recovery") },
    { "outage", N_("Level-1 outage (investigation after 60 min)") },
    { "status-update", N_("Status update") },
    { "solution-provided", N_("Solution provided") },
    { "analysis-report", N_("Analysis report") },
    { "consulting-answer", N_("Consulting answer") },
    { "report-confirmation", N_("Report confirmation") },
  };

  for (guint i = 0; i < G_N_ELEMENTS (labels); i++)
    if (g_strcmp0 (labels[i].name, metric) == 0)
      return g_dgettext (GETTEXT_PACKAGE, labels[i].label);
  return metric;
}

void
beacon_metric_free (BeaconMetric *metric)
{
  if (metric == NULL)
    return;

  g_free (metric->ticket_id);
  g_free (metric->metric);
  g_free (metric->target);
  g_free (metric->calendar);
  g_free (metric->stop_reason);
  g_free (metric);
}

/*
 * The status at @now, from the instants the projection keeps. @now is taken
 * to be at or after the ticket's last event.
 */
static BeaconMetricStatus
status_at (gint64 started_at,
           gint64 warn_at,
           gint64 due_at,
           gint64 stopped_at,
           gint64 paused_at,
           gint64 now)
{
  if (started_at == 0)
    return BEACON_METRIC_PENDING;
  if (stopped_at != 0)
    return due_at != 0 && stopped_at > due_at ? BEACON_METRIC_MISSED : BEACON_METRIC_MET;
  if (paused_at != 0 && now >= paused_at)
    return BEACON_METRIC_PAUSED;
  if (due_at != 0 && now >= due_at)
    return BEACON_METRIC_BREACHED;
  if (warn_at != 0 && now >= warn_at)
    return BEACON_METRIC_WARNING;
  return BEACON_METRIC_RUNNING;
}

/* The timeline of one ticket ---------------------------------------------- */

typedef struct
{
  BeaconEventType type;
  gint64          at;
} TimelineEvent;

typedef struct
{
  int      level;
  gint64   from;
  gboolean escalated;   /* entered from a less severe level */
} LevelSegment;

typedef struct
{
  gint64 from;
  gint64 until;         /* G_MAXINT64 while still paused */
} Pause;

typedef struct
{
  guint               rank;
  const BeaconMetricRule *rule;
  int                 level;
  BeaconMetricTarget  target;
  gint64              started_at;
  gint64              stopped_at;
  const char         *stop_reason;
} Instance;

static const BeaconMetricTarget *
target_for (const BeaconMetricRule *rule,
            const LevelSegment     *segment)
{
  if (segment->level < BEACON_LEVEL_MIN || segment->level > BEACON_LEVEL_MAX)
    return NULL;
  if (rule->targets[segment->level].set)
    return &rule->targets[segment->level];
  if (segment->escalated && rule->escalated_targets[segment->level].set)
    return &rule->escalated_targets[segment->level];
  return NULL;
}

static Instance *
add_instance (GArray                 *instances,
              guint                   rank,
              const BeaconMetricRule *rule,
              const LevelSegment     *segment,
              const BeaconMetricTarget *target,
              gint64                  started_at)
{
  Instance instance = { rank, rule, segment->level, *target, started_at, 0, NULL };

  g_array_append_val (instances, instance);
  return &g_array_index (instances, Instance, instances->len - 1);
}

/*
 * Works out the clocks of one rule from the ticket's events and level
 * segments (see the comment at the top of beacon-policy.c for the choices).
 */
static void
build_instances (const BeaconMetricRule *rule,
                 guint                   rank,
                 GArray                 *events,
                 GArray                 *segments,
                 GArray                 *instances)
{
  gint64 start_at = G_MININT64;
  guint current = G_MAXUINT;   /* index in @instances of the running clock */

  for (guint i = 0; i < events->len; i++)
    {
      TimelineEvent *event = &g_array_index (events, TimelineEvent, i);

      if (rule->start & (1u << event->type))
        {
          start_at = event->at;
          break;
        }
    }

  if (start_at == G_MININT64)
    {
      LevelSegment *last = &g_array_index (segments, LevelSegment, segments->len - 1);
      const BeaconMetricTarget *target = target_for (rule, last);

      if (target != NULL)
        add_instance (instances, rank, rule, last, target, 0);
      return;
    }

  for (guint s = 0; s < segments->len; s++)
    {
      LevelSegment *segment = &g_array_index (segments, LevelSegment, s);
      gint64 segment_end = s + 1 < segments->len
                           ? g_array_index (segments, LevelSegment, s + 1).from : G_MAXINT64;
      const BeaconMetricTarget *target;
      gint64 scan_from;

      if (segment_end <= start_at)
        continue;

      target = target_for (rule, segment);
      if (target == NULL)
        {
          if (current != G_MAXUINT && (rule->per_level || rule->recurring))
            {
              Instance *instance = &g_array_index (instances, Instance, current);

              instance->stopped_at = segment->from;
              instance->stop_reason = "level-changed";
              current = G_MAXUINT;
            }
          if (current == G_MAXUINT)
            continue;
          /* Other clocks run on with the target they had. */
        }
      else if (current == G_MAXUINT)
        {
          add_instance (instances, rank, rule, segment, target, MAX (start_at, segment->from));
          current = instances->len - 1;
        }
      else if (rule->per_level)
        {
          Instance *instance = &g_array_index (instances, Instance, current);

          instance->stopped_at = segment->from;
          instance->stop_reason = "level-changed";
          add_instance (instances, rank, rule, segment, target, segment->from);
          current = instances->len - 1;
        }
      else
        {
          Instance *instance = &g_array_index (instances, Instance, current);

          instance->level = segment->level;
          instance->target = *target;
        }

      scan_from = MAX (g_array_index (instances, Instance, current).started_at, segment->from);

      for (guint i = 0; i < events->len; i++)
        {
          TimelineEvent *event = &g_array_index (events, TimelineEvent, i);
          Instance *instance = &g_array_index (instances, Instance, current);

          if (event->at < scan_from)
            continue;
          if (event->at >= segment_end)
            break;

          if ((rule->stop & (1u << event->type)) || event->type == BEACON_EVENT_CLOSED)
            {
              instance->stopped_at = event->at;
              instance->stop_reason = beacon_event_type_to_string (event->type);
              return;
            }

          if (rule->recurring && (rule->restart & (1u << event->type)) &&
              event->at > instance->started_at)
            {
              Instance next = *instance;

              instance->stopped_at = event->at;
              instance->stop_reason = beacon_event_type_to_string (event->type);
              next.started_at = event->at;
              next.stopped_at = 0;
              next.stop_reason = NULL;
              g_array_append_val (instances, next);
              current = instances->len - 1;
            }
        }
    }
}

/*
 * The instant when @amount working seconds have been counted from @start,
 * the pauses left out. A pause still open when the clock would run out
 * freezes it: no due instant, *@out_paused_at and *@out_frozen set.
 */
static gboolean
deadline_with_pauses (const BeaconCalendar *calendar,
                      gint64                start,
                      gint64                amount,
                      GArray               *pauses,
                      gint64               *out_due,
                      gint64               *out_paused_at,
                      gint64               *out_frozen)
{
  gint64 cursor = start;
  gint64 remaining = amount;

  *out_due = 0;
  *out_paused_at = 0;
  *out_frozen = 0;

  for (guint i = 0; pauses != NULL && i < pauses->len; i++)
    {
      Pause *pause = &g_array_index (pauses, Pause, i);
      gint64 pause_from;
      gint64 due;

      if (pause->until <= cursor)
        continue;

      pause_from = MAX (pause->from, cursor);
      if (!beacon_calendar_due (calendar, cursor, remaining, &due, NULL))
        return FALSE;
      if (due <= pause_from)
        {
          *out_due = due;
          return TRUE;
        }

      remaining -= beacon_calendar_elapsed (calendar, cursor, pause_from);
      if (pause->until == G_MAXINT64)
        {
          *out_paused_at = pause_from;
          *out_frozen = remaining;
          return TRUE;
        }
      cursor = pause->until;
    }

  return beacon_calendar_due (calendar, cursor, remaining, out_due, NULL);
}

static GArray *
pauses_for (const BeaconMetricRule *rule,
            GArray                 *events,
            gint64                  started_at,
            gint64                  stopped_at)
{
  GArray *pauses = g_array_new (FALSE, FALSE, sizeof (Pause));
  Pause open = { 0, 0 };
  gboolean paused = FALSE;

  if (rule->pause == 0 || started_at == 0)
    return pauses;

  for (guint i = 0; i < events->len; i++)
    {
      TimelineEvent *event = &g_array_index (events, TimelineEvent, i);

      if (stopped_at != 0 && event->at >= stopped_at)
        break;

      if (!paused && (rule->pause & (1u << event->type)))
        {
          paused = TRUE;
          open.from = event->at;
        }
      else if (paused && (rule->resume & (1u << event->type)))
        {
          paused = FALSE;
          open.until = event->at;
          if (open.until > started_at)
            g_array_append_val (pauses, open);
        }
    }

  if (paused)
    {
      open.until = G_MAXINT64;
      g_array_append_val (pauses, open);
    }

  return pauses;
}

static char *
pauses_to_json (GArray *pauses)
{
  GString *text;

  if (pauses->len == 0)
    return NULL;

  text = g_string_new ("[");
  for (guint i = 0; i < pauses->len; i++)
    {
      Pause *pause = &g_array_index (pauses, Pause, i);

      if (i > 0)
        g_string_append_c (text, ',');
      if (pause->until == G_MAXINT64)
        g_string_append_printf (text, "[%" G_GINT64_FORMAT ",null]", pause->from);
      else
        g_string_append_printf (text, "[%" G_GINT64_FORMAT ",%" G_GINT64_FORMAT "]",
                                pause->from, pause->until);
    }
  g_string_append_c (text, ']');

  return g_string_free (text, FALSE);
}

static GArray *
pauses_from_json (const char *text)
{
  GArray *pauses = g_array_new (FALSE, FALSE, sizeof (Pause));
  g_autoptr(JsonNode) node = text ? beacon_json_parse (text, NULL) : NULL;

  if (node != NULL && JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonArray *pair = json_array_get_array_element (array, i);
          Pause pause;

          if (pair == NULL || json_array_get_length (pair) != 2)
            continue;
          pause.from = json_array_get_int_element (pair, 0);
          pause.until = json_node_is_null (json_array_get_element (pair, 1))
                        ? G_MAXINT64 : json_array_get_int_element (pair, 1);
          g_array_append_val (pauses, pause);
        }
    }

  return pauses;
}

static const BeaconCalendar *
calendar_for (BeaconStore *self,
              const char  *id)
{
  const BeaconCalendar *calendar = _beacon_store_lookup_calendar (self, id);

  if (calendar == NULL)
    {
      g_debug ("No calendar “%s”; counting on 24x7", id);
      calendar = _beacon_store_lookup_calendar (self, "24x7");
    }
  return calendar;
}

static void
bind_instant (sqlite3_stmt *stmt,
              int           column,
              gint64        instant)
{
  if (instant != 0)
    sqlite3_bind_int64 (stmt, column, instant);
  else
    sqlite3_bind_null (stmt, column);
}

static gboolean
store_instance (BeaconStore  *self,
                const char   *ticket_id,
                guint         number,
                Instance     *instance,
                GArray       *events,
                GError      **error)
{
  const BeaconMetricRule *rule = instance->rule;
  const BeaconCalendar *calendar = calendar_for (self, rule->calendar);
  g_autoptr(GArray) pauses = NULL;
  g_autofree char *target_text = beacon_metric_target_format (&instance->target);
  g_autofree char *pauses_text = NULL;
  gint64 target_seconds = instance->target.seconds;
  gint64 due_at = 0, warn_at = 0, paused_at = 0, frozen = 0;
  sqlite3_stmt *stmt;
  int rc;

  if (instance->started_at != 0)
    {
      if (instance->target.working_days > 0)
        {
          /* "By the end of the n-th working day" does not stop for pauses. */
          if (beacon_calendar_next_working_day_end (calendar, instance->started_at,
                                                    instance->target.working_days, &due_at, NULL))
            {
              target_seconds = beacon_calendar_elapsed (calendar, instance->started_at, due_at);
              if (rule->warning > 0)
                beacon_calendar_due (calendar, instance->started_at,
                                     (gint64) (target_seconds * rule->warning), &warn_at, NULL);
            }
        }
      else
        {
          gint64 unused_paused_at, unused_frozen;

          pauses = pauses_for (rule, events, instance->started_at, instance->stopped_at);
          deadline_with_pauses (calendar, instance->started_at, target_seconds, pauses,
                                &due_at, &paused_at, &frozen);
          if (rule->warning > 0)
            deadline_with_pauses (calendar, instance->started_at,
                                  (gint64) (target_seconds * rule->warning), pauses,
                                  &warn_at, &unused_paused_at, &unused_frozen);
          pauses_text = pauses_to_json (pauses);
        }

      /* A level change before the due instant ends a clock without a verdict:
       * the new level's clock takes over. One after it was a breach, and
       * stays on record. */
      if (g_strcmp0 (instance->stop_reason, "level-changed") == 0 &&
          (due_at == 0 || instance->stopped_at < due_at))
        return TRUE;

      if (instance->stopped_at != 0)
        paused_at = 0;
    }

  stmt = _beacon_store_prepare (self,
                                "INSERT INTO ticket_metrics (ticket_id, metric, instance, rank, "
                                "level, target, target_seconds, calendar, started_at, warn_at, "
                                "due_at, stopped_at, stop_reason, paused_at, frozen_remaining, "
                                "pauses, live) "
                                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                                error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, ticket_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, rule->metric, -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 3, number);
  sqlite3_bind_int (stmt, 4, instance->rank);
  sqlite3_bind_int (stmt, 5, instance->level);
  sqlite3_bind_text (stmt, 6, target_text, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 7, target_seconds);
  sqlite3_bind_text (stmt, 8, rule->calendar, -1, SQLITE_STATIC);
  bind_instant (stmt, 9, instance->started_at);
  bind_instant (stmt, 10, warn_at);
  bind_instant (stmt, 11, due_at);
  bind_instant (stmt, 12, instance->stopped_at);
  if (instance->stop_reason != NULL)
    sqlite3_bind_text (stmt, 13, instance->stop_reason, -1, SQLITE_STATIC);
  else
    sqlite3_bind_null (stmt, 13);
  bind_instant (stmt, 14, paused_at);
  sqlite3_bind_int64 (stmt, 15, frozen);
  if (pauses_text != NULL)
    sqlite3_bind_text (stmt, 16, pauses_text, -1, SQLITE_STATIC);
  else
    sqlite3_bind_null (stmt, 16);
  sqlite3_bind_int (stmt, 17, instance->started_at != 0 && instance->stopped_at == 0);
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);

  if (rc != SQLITE_DONE)
    {
      _beacon_store_set_sqlite_error (self, error, "recording a metric");
      return FALSE;
    }

  return TRUE;
}

static int
level_from_payload (const char *payload,
                    const char *member)
{
  g_autoptr(JsonNode) node = payload ? beacon_json_parse (payload, NULL) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return 0;
  return (int) json_object_get_int_member_with_default (json_node_get_object (node), member, 0);
}

/*
 * Recomputes the clocks of one ticket from its events: called at the end of
 * _beacon_store_refresh_ticket, once per ticket per transaction.
 */
gboolean
_beacon_store_refresh_metrics (BeaconStore  *self,
                               const char   *ticket_id,
                               GError      **error)
{
  g_autoptr(GArray) events = g_array_new (FALSE, FALSE, sizeof (TimelineEvent));
  g_autoptr(GArray) segments = g_array_new (FALSE, FALSE, sizeof (LevelSegment));
  g_autoptr(GArray) instances = g_array_new (FALSE, FALSE, sizeof (Instance));
  const BeaconPolicy *policy;
  BeaconTicketKind kind = BEACON_KIND_FAULT;
  LevelSegment segment = { 0, G_MININT64, FALSE };
  gboolean has_kind = FALSE;
  int policy_version = 0;
  sqlite3_stmt *stmt;
  int rc;

  stmt = _beacon_store_prepare (self, "DELETE FROM ticket_metrics WHERE ticket_id = ?", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, ticket_id, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      _beacon_store_set_sqlite_error (self, error, "clearing a ticket's metrics");
      return FALSE;
    }

  stmt = _beacon_store_prepare (self,
                                "SELECT t.kind, t.initial_level, "
                                "(SELECT value FROM registers WHERE entity = 'ticket' "
                                " AND entity_id = t.id AND field = 'policy_version') "
                                "FROM tickets t WHERE t.id = ? AND t.number IS NOT NULL",
                                error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, ticket_id, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      has_kind = beacon_kind_from_string ((const char *) sqlite3_column_text (stmt, 0), &kind);
      segment.level = sqlite3_column_int (stmt, 1);
      policy_version = sqlite3_column_int (stmt, 2);
    }
  sqlite3_reset (stmt);

  /* Not (yet) a whole ticket: its registers may still be on their way. */
  if (!has_kind)
    return TRUE;

  policy = _beacon_store_lookup_policy (self, policy_version > 0 ? policy_version
                                                                 : BEACON_POLICY_DEFAULT_VERSION);

  /* Ordered by id within a second, not by HLC: every device must see the
   * same order, or the engine would not act the same everywhere. */
  stmt = _beacon_store_prepare (self,
                                "SELECT type, occurred_at, payload FROM ticket_events "
                                "WHERE ticket_id = ? ORDER BY occurred_at, id",
                                error);
  if (stmt == NULL)
    return FALSE;

  g_array_append_val (segments, segment);
  sqlite3_bind_text (stmt, 1, ticket_id, -1, SQLITE_STATIC);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      TimelineEvent event;

      if (!beacon_event_type_from_string ((const char *) sqlite3_column_text (stmt, 0), &event.type))
        continue;
      event.at = sqlite3_column_int64 (stmt, 1);
      g_array_append_val (events, event);

      if (event.type == BEACON_EVENT_LEVEL_CHANGED)
        {
          int level = level_from_payload ((const char *) sqlite3_column_text (stmt, 2), "level");
          LevelSegment *last = &g_array_index (segments, LevelSegment, segments->len - 1);

          if (level >= BEACON_LEVEL_MIN && level <= BEACON_LEVEL_MAX && level != last->level)
            {
              LevelSegment next = { level, event.at, level < last->level };

              if (last->from == event.at)
                *last = next;
              else
                g_array_append_val (segments, next);
            }
        }
    }
  sqlite3_reset (stmt);

  for (guint i = 0; i < policy->rules->len; i++)
    {
      const BeaconMetricRule *rule = g_ptr_array_index (policy->rules, i);

      if (g_str_equal (rule->scope, "ticket") && (rule->kinds & (1u << kind)))
        build_instances (rule, i, events, segments, instances);
    }

  for (guint i = 0, number = 0; i < instances->len; i++)
    {
      Instance *instance = &g_array_index (instances, Instance, i);

      if (i > 0 && g_array_index (instances, Instance, i - 1).rule != instance->rule)
        number = 0;
      if (!store_instance (self, ticket_id, number++, instance, events, error))
        return FALSE;
    }

  return TRUE;
}

/* Reading ----------------------------------------------------------------- */

static gint64
working_elapsed (const BeaconCalendar *calendar,
                 gint64                started_at,
                 gint64                end,
                 GArray               *pauses)
{
  gint64 elapsed;

  if (end <= started_at)
    return 0;

  elapsed = beacon_calendar_elapsed (calendar, started_at, end);
  for (guint i = 0; i < pauses->len; i++)
    {
      Pause *pause = &g_array_index (pauses, Pause, i);
      gint64 from = MAX (pause->from, started_at);
      gint64 until = MIN (pause->until, end);

      if (until > from)
        elapsed -= beacon_calendar_elapsed (calendar, from, until);
    }

  return MAX (elapsed, 0);
}

/**
 * beacon_store_list_ticket_metrics:
 * @ticket_id: a ticket's id or number
 * @now: the instant to evaluate at
 *
 * Every clock of the ticket under the policy version it was opened with,
 * in the policy's order; clocks that ended in a breach before a level change
 * stay listed as missed.
 *
 * Returns: (transfer full) (element-type BeaconMetric): the metrics, or
 *   %NULL with @error set
 */
GPtrArray *
beacon_store_list_ticket_metrics (BeaconStore  *self,
                                  const char   *ticket_id,
                                  gint64        now,
                                  GError      **error)
{
  g_autoptr(GPtrArray) metrics = g_ptr_array_new_with_free_func ((GDestroyNotify) beacon_metric_free);
  sqlite3_stmt *stmt;

  g_return_val_if_fail (BEACON_IS_STORE (self), NULL);
  g_return_val_if_fail (ticket_id != NULL, NULL);

  _beacon_store_lock (self);

  stmt = _beacon_store_prepare (self,
                                "SELECT m.ticket_id, m.metric, m.instance, m.level, m.target, "
                                "m.target_seconds, m.calendar, m.started_at, m.warn_at, m.due_at, "
                                "m.stopped_at, m.stop_reason, m.paused_at, m.frozen_remaining, m.pauses "
                                "FROM ticket_metrics m JOIN tickets t ON t.id = m.ticket_id "
                                "WHERE t.id = ?1 OR t.number = ?1 ORDER BY m.rank, m.instance",
                                error);
  if (stmt == NULL)
    {
      _beacon_store_unlock (self);
      return NULL;
    }

  sqlite3_bind_text (stmt, 1, ticket_id, -1, SQLITE_STATIC);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      BeaconMetric *metric = g_new0 (BeaconMetric, 1);
      const BeaconCalendar *calendar;
      g_autoptr(GArray) pauses = NULL;
      gint64 paused_at;

      metric->ticket_id = _beacon_sql_dup_text (stmt, 0);
      metric->metric = _beacon_sql_dup_text (stmt, 1);
      metric->instance = sqlite3_column_int (stmt, 2);
      metric->level = sqlite3_column_int (stmt, 3);
      metric->target = _beacon_sql_dup_text (stmt, 4);
      metric->target_seconds = sqlite3_column_int64 (stmt, 5);
      metric->calendar = _beacon_sql_dup_text (stmt, 6);
      metric->started_at = sqlite3_column_int64 (stmt, 7);
      metric->warn_at = sqlite3_column_int64 (stmt, 8);
      metric->due_at = sqlite3_column_int64 (stmt, 9);
      metric->stopped_at = sqlite3_column_int64 (stmt, 10);
      metric->stop_reason = _beacon_sql_dup_text (stmt, 11);
      paused_at = sqlite3_column_int64 (stmt, 12);
      pauses = pauses_from_json ((const char *) sqlite3_column_text (stmt, 14));

      metric->status = status_at (metric->started_at, metric->warn_at, metric->due_at,
                                  metric->stopped_at, paused_at, now);
      /* Kept only when the level changed at or after the due instant: a breach. */
      if (metric->status == BEACON_METRIC_MET && g_strcmp0 (metric->stop_reason, "level-changed") == 0)
        metric->status = BEACON_METRIC_MISSED;

      calendar = calendar_for (self, metric->calendar);
      if (metric->status == BEACON_METRIC_PAUSED)
        {
          metric->remaining = sqlite3_column_int64 (stmt, 13);
          metric->elapsed = metric->target_seconds - metric->remaining;
        }
      else if (metric->started_at != 0)
        {
          gint64 end = metric->stopped_at != 0 ? MIN (metric->stopped_at, now) : now;

          metric->elapsed = working_elapsed (calendar, metric->started_at, end, pauses);
          metric->remaining = metric->target_seconds - metric->elapsed;
        }
      else
        metric->remaining = metric->target_seconds;

      g_ptr_array_add (metrics, metric);
    }
  sqlite3_reset (stmt);

  _beacon_store_unlock (self);

  return g_steal_pointer (&metrics);
}

/* The board --------------------------------------------------------------- */

typedef struct
{
  const char *ticket_id;
  const char *metric;
  gint64      warn_at;
  gint64      due_at;
  gint64      paused_at;
  gint64      frozen;
} LiveClock;

struct _BeaconMetricsSnapshot
{
  GStringChunk *strings;
  GArray       *clocks;     /* LiveClock, grouped by ticket */
  guint         n_tickets;
};

/**
 * beacon_store_dup_metrics_snapshot:
 *
 * Reads the running clocks of every open ticket, once; the board keeps the
 * snapshot until the store changes and evaluates it at every tick with
 * beacon_metrics_snapshot_evaluate().
 *
 * Returns: (transfer full): the snapshot, or %NULL with @error set
 */
BeaconMetricsSnapshot *
beacon_store_dup_metrics_snapshot (BeaconStore  *self,
                                   GError      **error)
{
  g_autoptr(BeaconMetricsSnapshot) snapshot = g_new0 (BeaconMetricsSnapshot, 1);
  GHashTable *metric_names = g_hash_table_new (g_str_hash, g_str_equal);
  const char *previous = NULL;
  sqlite3_stmt *stmt;

  g_return_val_if_fail (BEACON_IS_STORE (self), NULL);

  snapshot->strings = g_string_chunk_new (64 * 1024);
  snapshot->clocks = g_array_new (FALSE, FALSE, sizeof (LiveClock));

  _beacon_store_lock (self);
  stmt = _beacon_store_prepare (self,
                                "SELECT ticket_id, metric, warn_at, due_at, paused_at, "
                                "frozen_remaining FROM ticket_metrics WHERE live = 1 "
                                "ORDER BY ticket_id",
                                error);
  if (stmt == NULL)
    {
      _beacon_store_unlock (self);
      g_hash_table_unref (metric_names);
      return NULL;
    }

  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      const char *ticket_id = (const char *) sqlite3_column_text (stmt, 0);
      const char *metric = (const char *) sqlite3_column_text (stmt, 1);
      const char *metric_copy = g_hash_table_lookup (metric_names, metric);
      LiveClock clock;

      if (metric_copy == NULL)
        {
          metric_copy = g_string_chunk_insert_const (snapshot->strings, metric);
          g_hash_table_add (metric_names, (gpointer) metric_copy);
        }

      if (previous == NULL || strcmp (previous, ticket_id) != 0)
        {
          previous = g_string_chunk_insert (snapshot->strings, ticket_id);
          snapshot->n_tickets++;
        }

      clock.ticket_id = previous;
      clock.metric = metric_copy;
      clock.warn_at = sqlite3_column_int64 (stmt, 2);
      clock.due_at = sqlite3_column_int64 (stmt, 3);
      clock.paused_at = sqlite3_column_int64 (stmt, 4);
      clock.frozen = sqlite3_column_int64 (stmt, 5);
      g_array_append_val (snapshot->clocks, clock);
    }
  sqlite3_reset (stmt);
  _beacon_store_unlock (self);

  g_hash_table_unref (metric_names);
  return g_steal_pointer (&snapshot);
}

/**
 * beacon_metrics_snapshot_get_n_tickets:
 *
 * Returns: how many tickets have a running clock
 */
guint
beacon_metrics_snapshot_get_n_tickets (BeaconMetricsSnapshot *snapshot)
{
  g_return_val_if_fail (snapshot != NULL, 0);
  return snapshot->n_tickets;
}

/**
 * beacon_metrics_snapshot_evaluate:
 * @now: the instant to evaluate at
 * @out_urgencies: (nullable): an array of #BeaconMetricUrgency to reuse
 *
 * For each ticket with a running clock, the most urgent one at @now: the
 * soonest due (a breached clock first), paused clocks last. No database
 * access and no allocation when @out_urgencies is reused.
 *
 * Returns: (transfer full): @out_urgencies, or a new array, one element per
 *   ticket, in ticket id order
 */
GArray *
beacon_metrics_snapshot_evaluate (BeaconMetricsSnapshot *snapshot,
                                  gint64                 now,
                                  GArray                *out_urgencies)
{
  GArray *urgencies = out_urgencies;
  BeaconMetricUrgency *current = NULL;
  gint64 current_key = 0;

  g_return_val_if_fail (snapshot != NULL, NULL);

  if (urgencies == NULL)
    urgencies = g_array_sized_new (FALSE, FALSE, sizeof (BeaconMetricUrgency), snapshot->n_tickets);
  g_array_set_size (urgencies, snapshot->n_tickets);

  for (guint i = 0, t = 0; i < snapshot->clocks->len; i++)
    {
      LiveClock *clock = &g_array_index (snapshot->clocks, LiveClock, i);
      BeaconMetricStatus status = status_at (1, clock->warn_at, clock->due_at, 0,
                                             clock->paused_at, now);
      gint64 key = status == BEACON_METRIC_PAUSED || clock->due_at == 0 ? G_MAXINT64 : clock->due_at;

      if (current == NULL || current->ticket_id != clock->ticket_id)
        {
          current = &g_array_index (urgencies, BeaconMetricUrgency, t++);
          current->ticket_id = clock->ticket_id;
          current->metric = NULL;
          current->n_warning = 0;
          current->n_breached = 0;
        }

      current->n_warning += status == BEACON_METRIC_WARNING;
      current->n_breached += status == BEACON_METRIC_BREACHED;

      if (current->metric == NULL || key < current_key)
        {
          current->metric = clock->metric;
          current->status = status;
          current->due_at = status == BEACON_METRIC_PAUSED ? 0 : clock->due_at;
          current->remaining = status == BEACON_METRIC_PAUSED ? clock->frozen : clock->due_at - now;
          current_key = key;
        }
    }

  return urgencies;
}

/**
 * beacon_metrics_snapshot_collect_alerting:
 *
 * Every live clock in warning or breached at @now, not only each ticket's
 * most urgent one: a level-1 ticket's late phone response must not wait
 * behind its first-reaction clock. @n_warning and @n_breached are not set.
 *
 * Returns: (transfer full) (element-type BeaconMetricUrgency): the clocks
 */
GArray *
beacon_metrics_snapshot_collect_alerting (BeaconMetricsSnapshot *snapshot,
                                          gint64                 now)
{
  GArray *alerting = g_array_new (FALSE, TRUE, sizeof (BeaconMetricUrgency));

  g_return_val_if_fail (snapshot != NULL, alerting);

  for (guint i = 0; i < snapshot->clocks->len; i++)
    {
      LiveClock *clock = &g_array_index (snapshot->clocks, LiveClock, i);
      BeaconMetricStatus status = status_at (1, clock->warn_at, clock->due_at, 0,
                                             clock->paused_at, now);
      BeaconMetricUrgency urgency = { 0 };

      if (status != BEACON_METRIC_WARNING && status != BEACON_METRIC_BREACHED)
        continue;

      urgency.ticket_id = clock->ticket_id;
      urgency.metric = clock->metric;
      urgency.status = status;
      urgency.due_at = clock->due_at;
      urgency.remaining = clock->due_at - now;
      g_array_append_val (alerting, urgency);
    }

  return alerting;
}

void
beacon_metrics_snapshot_free (BeaconMetricsSnapshot *snapshot)
{
  if (snapshot == NULL)
    return;

  g_clear_pointer (&snapshot->strings, g_string_chunk_free);
  g_clear_pointer (&snapshot->clocks, g_array_unref);
  g_free (snapshot);
}
