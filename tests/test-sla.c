/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "beacon-archive.h"
#include "beacon-escalation.h"
#include "beacon-json.h"
#include "beacon-metrics.h"
#include "beacon-policy.h"
#include "beacon-report.h"
#include "beacon-test-util.h"
#include "beacon-time.h"

/* SLA engine: policies, live metrics, escalation (issue #3). Times are in
 * Asia/Shanghai; 2026-11-23 is a Monday with no holiday near it. */

#define MINUTE 60
#define HOUR 3600

static gint64
at (const char *text)
{
  g_autoptr(GError) error = NULL;
  gint64 instant = 0;

  g_assert_true (beacon_time_parse (text, NULL, &instant, &error));
  g_assert_no_error (error);
  return instant;
}

static char *
format (gint64 instant)
{
  g_autoptr(GTimeZone) tz = g_time_zone_new_identifier ("Asia/Shanghai");

  return instant != 0 ? beacon_time_format (instant, tz) : g_strdup ("none");
}

static BeaconStore *
open_store (const char *dir,
            const char *name,
            gint64      now)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BeaconClock) clock = beacon_clock_new_fixed (now * G_USEC_PER_SEC);
  g_autofree char *path = g_build_filename (dir, name, NULL);
  BeaconStore *store = beacon_store_open (path, clock, &error);

  g_assert_no_error (error);
  return store;
}

static char *
make_ticket (BeaconStore      *store,
             BeaconTicketKind  kind,
             int               level,
             gint64            accepted_at)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BeaconTicket) ticket = NULL;
  BeaconTicketDraft draft = { 0 };
  const char *customer_id = g_object_get_data (G_OBJECT (store), "test-customer");

  if (customer_id == NULL)
    {
      char *id = beacon_store_add_customer (store, "佛山市应急管理局", "FS", &error);

      g_assert_no_error (error);
      g_object_set_data_full (G_OBJECT (store), "test-customer", id, g_free);
      customer_id = id;
    }

  draft.kind = kind;
  draft.level = level;
  draft.customer_id = customer_id;
  draft.summary = "应急广播平台主服务器宕机";
  draft.accepted_at = accepted_at;
  ticket = beacon_store_create_ticket (store, &draft, &error);
  g_assert_no_error (error);

  return g_strdup (ticket->id);
}

static void
add_event (BeaconStore     *store,
           const char      *ticket_id,
           BeaconEventType  type,
           gint64           occurred_at)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *id = beacon_store_add_event (store, ticket_id, type, occurred_at, NULL, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (id);
}

static void
set_policy (BeaconStore *store,
            const char  *metrics)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = g_strdup_printf ("{\"metrics\": [%s]}", metrics);

  g_assert_cmpint (beacon_store_set_policy (store, text, &error), >, 1);
  g_assert_no_error (error);
}

/* The metric's @instance at @now, or NULL when the ticket has no such clock. */
static BeaconMetric *
get_metric (BeaconStore *store,
            const char  *ticket_id,
            const char  *metric,
            guint        instance,
            gint64       now)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) metrics = beacon_store_list_ticket_metrics (store, ticket_id, now, &error);

  g_assert_no_error (error);
  for (guint i = 0; i < metrics->len; i++)
    {
      BeaconMetric *m = g_ptr_array_index (metrics, i);

      if (g_str_equal (m->metric, metric) && m->instance == instance)
        return g_ptr_array_steal_index (metrics, i);
    }
  return NULL;
}

static void
assert_metric (BeaconStore  *store,
               const char   *ticket_id,
               const char   *metric,
               guint         instance,
               gint64        now,
               const char   *status,
               const char   *due_at)
{
  g_autoptr(BeaconMetric) m = get_metric (store, ticket_id, metric, instance, now);
  g_autofree char *due = NULL;

  g_assert_nonnull (m);
  due = format (m->due_at);
  g_assert_cmpstr (beacon_metric_status_to_string (m->status), ==, status);
  if (due_at != NULL)
    g_assert_cmpstr (due, ==, due_at);
}

static int
ticket_level (BeaconStore *store,
              const char  *ticket_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BeaconTicket) ticket = beacon_store_get_ticket (store, ticket_id, FALSE, &error);

  g_assert_no_error (error);
  return ticket->level;
}

static guint
count_events (BeaconStore     *store,
              const char      *ticket_id,
              BeaconEventType  type)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BeaconTicket) ticket = beacon_store_get_ticket (store, ticket_id, TRUE, &error);
  guint n = 0;

  g_assert_no_error (error);
  for (guint i = 0; i < ticket->events->len; i++)
    n += ((BeaconEvent *) g_ptr_array_index (ticket->events, i))->type == type;
  return n;
}

static guint
run_engine (BeaconStore *store,
            gint64       now)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) actions = NULL;

  g_assert_true (beacon_store_run_escalation (store, now, &actions, &error));
  g_assert_no_error (error);
  return actions->len;
}

/* Policies ------------------------------------------------------------------ */

static void
test_policy_default (void)
{
  g_autoptr(BeaconPolicy) policy = beacon_policy_new_default ();
  const BeaconMetricRule *recovery = beacon_policy_find_rule (policy, "emergency-recovery");
  const BeaconMetricRule *first = beacon_policy_find_rule (policy, "first-reaction");
  const BeaconMetricRule *consulting = beacon_policy_find_rule (policy, "consulting-answer");

  g_assert_cmpint (policy->version, ==, 1);
  g_assert_cmpfloat (policy->warning, ==, 0.75);
  g_assert_nonnull (recovery);
  g_assert_cmpint (recovery->targets[1].seconds, ==, 3 * HOUR);
  g_assert_cmpint (recovery->targets[2].seconds, ==, 8 * HOUR);
  g_assert_cmpint (recovery->targets[3].seconds, ==, 24 * HOUR);
  g_assert_false (recovery->targets[4].set);
  g_assert_true (recovery->pause & (1u << BEACON_EVENT_APPROVAL_REQUESTED));
  g_assert_true (first->targets[1].set);
  g_assert_false (first->targets[2].set);
  g_assert_cmpint (first->escalated_targets[2].seconds, ==, 15 * MINUTE);
  g_assert_cmpstr (consulting->calendar, ==, "cn-5x8");
  g_assert_cmpint (consulting->targets[4].seconds, ==, 2 * HOUR);
  g_assert_cmpuint (policy->chain->len, ==, 2);
}

static void
test_policy_invalid (void)
{
  static const struct { const char *text; const char *message; } cases[] = {
    { "{", "not valid JSON" },
    { "[]", "must be a JSON object" },
    { "{\"metrics\": 3}", "“metrics” must be a list" },
    { "{\"metrics\": [{\"metric\": \"x\", \"kinds\": [\"fault\"], \"levels\": {\"1\": \"2x\"},"
      " \"start\": [\"accepted\"], \"stop\": [\"recovered\"]}]}", "metrics[0] (x): level 1" },
    { "{\"metrics\": [{\"metric\": \"x\", \"kinds\": [\"boat\"], \"levels\": {\"1\": \"2h\"},"
      " \"start\": [\"accepted\"], \"stop\": [\"recovered\"]}]}", "“boat” is not a ticket kind" },
    { "{\"metrics\": [{\"metric\": \"x\", \"kinds\": [\"fault\"], \"levels\": {\"1\": \"2h\"},"
      " \"start\": [\"accepted\"], \"stop\": [\"fixed\"]}]}", "stop: “fixed” is not an event" },
    { "{\"metrics\": [{\"metric\": \"x\", \"kinds\": [\"fault\"], \"levels\": {\"7\": \"2h\"},"
      " \"start\": [\"accepted\"], \"stop\": [\"recovered\"]}]}", "“7” is not a level" },
    { "{\"metrics\": [{\"metric\": \"x\", \"kinds\": [\"fault\"], \"levels\": {\"1\": \"2h\"},"
      " \"warning\": 1.5, \"start\": [\"accepted\"], \"stop\": [\"recovered\"]}]}", "“warning”" },
    { "{\"metrics\": [{\"metric\": \"x\", \"kinds\": [\"fault\"], \"levels\": {\"1\": \"2h\"},"
      " \"on_breach\": [\"panic\"], \"start\": [\"accepted\"], \"stop\": [\"recovered\"]}]}",
      "“panic” is not an action" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(BeaconPolicy) policy = beacon_policy_new_from_json (cases[i].text, &error);

      g_assert_null (policy);
      g_assert_error (error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_INVALID);
      if (strstr (error->message, cases[i].message) == NULL)
        g_error ("case %u: “%s” does not say “%s”", i, error->message, cases[i].message);
    }
}

static void
test_policy_versions (void)
{
  g_autofree char *dir = beacon_test_make_dir ();
  gint64 t0 = at ("2026-11-24T10:00:00+08:00");
  g_autoptr(BeaconStore) store = open_store (dir, "a.db", t0);
  g_autoptr(GError) error = NULL;
  g_autoptr(BeaconPolicy) edited = NULL;
  g_autofree char *old_ticket = NULL;
  g_autofree char *new_ticket = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  const char *phone_10m =
    "{\"metric\": \"phone-response\", \"kinds\": [\"fault\"], \"levels\": {\"any\": \"10m\"},"
    " \"start\": [\"accepted\"], \"stop\": [\"acknowledged\"]}";

  g_assert_cmpint (beacon_store_get_policy_version (store), ==, 1);
  old_ticket = make_ticket (store, BEACON_KIND_FAULT, 3, t0);

  set_policy (store, phone_10m);
  g_assert_cmpint (beacon_store_get_policy_version (store), ==, 2);
  new_ticket = make_ticket (store, BEACON_KIND_FAULT, 3, t0);

  /* The old ticket keeps version 1 (20 min), the new one has version 2. */
  assert_metric (store, old_ticket, "phone-response", 0, t0, "running", "2026-11-24T10:20:00+08:00");
  assert_metric (store, new_ticket, "phone-response", 0, t0, "running", "2026-11-24T10:10:00+08:00");
  g_assert_nonnull (get_metric (store, old_ticket, "emergency-recovery", 0, t0));
  g_assert_null (get_metric (store, new_ticket, "emergency-recovery", 0, t0));

  edited = beacon_store_dup_policy (store, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpint (edited->version, ==, 2);
  g_assert_cmpuint (edited->rules->len, ==, 1);

  /* Invalid input changes nothing. */
  before = beacon_test_export (store);
  g_assert_cmpint (beacon_store_set_policy (store, "{\"metrics\": [{}]}", &error), ==, 0);
  g_assert_error (error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_cmpint (beacon_store_set_policy (store,
                                            "{\"metrics\": [{\"metric\": \"x\", \"kinds\": [\"fault\"],"
                                            " \"levels\": {\"1\": \"2h\"}, \"calendar\": \"mars\","
                                            " \"start\": [\"accepted\"], \"stop\": [\"recovered\"]}]}",
                                            &error), ==, 0);
  g_assert_error (error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_NOT_FOUND);
  after = beacon_test_export (store);
  g_assert_cmpstr (before, ==, after);
  g_assert_cmpint (beacon_store_get_policy_version (store), ==, 2);
}

/* Clocks on working calendars ------------------------------------------------ */

static void
test_metrics_consulting_outside_hours (void)
{
  g_autofree char *dir = beacon_test_make_dir ();
  gint64 saturday = at ("2026-11-21T10:00:00+08:00");
  g_autoptr(BeaconStore) store = open_store (dir, "a.db", saturday);
  g_autofree char *ticket = make_ticket (store, BEACON_KIND_CONSULTING, 4, saturday);
  g_autoptr(BeaconMetric) m = NULL;

  /* Nothing counts over the weekend: 2 business hours from Monday 08:30. */
  assert_metric (store, ticket, "consulting-answer", 0, saturday, "running",
                 "2026-11-23T10:30:00+08:00");
  m = get_metric (store, ticket, "consulting-answer", 0, at ("2026-11-23T09:00:00+08:00"));
  g_assert_cmpint (m->elapsed, ==, 30 * MINUTE);
  g_assert_cmpint (m->remaining, ==, 90 * MINUTE);
  g_assert_cmpstr (m->calendar, ==, "cn-5x8");
  /* Fault metrics do not apply to consulting. */
  g_assert_null (get_metric (store, ticket, "phone-response", 0, saturday));

  /* 75 % of 2 h is 1 h 30 min of working time: Monday 10:00. */
  assert_metric (store, ticket, "consulting-answer", 0, at ("2026-11-23T09:59:59+08:00"), "running", NULL);
  assert_metric (store, ticket, "consulting-answer", 0, at ("2026-11-23T10:00:00+08:00"), "warning", NULL);
  add_event (store, ticket, BEACON_EVENT_SOLUTION_PROVIDED, at ("2026-11-23T10:15:00+08:00"));
  assert_metric (store, ticket, "consulting-answer", 0, at ("2026-11-23T12:00:00+08:00"), "met", NULL);
}

static void
test_metrics_20min_at_1740 (void)
{
  g_autofree char *dir = beacon_test_make_dir ();
  gint64 t0 = at ("2026-11-24T17:40:00+08:00");
  g_autoptr(BeaconStore) store = open_store (dir, "a.db", t0);
  g_autofree char *ticket = NULL;

  set_policy (store,
              "{\"metric\": \"answer\", \"kinds\": [\"consulting\"], \"levels\": {\"any\": \"20m\"},"
              " \"calendar\": \"cn-5x8\", \"start\": [\"accepted\"], \"stop\": [\"action\"]}");
  ticket = make_ticket (store, BEACON_KIND_CONSULTING, 4, t0);

  /* The due time falls on the end of the working range and stays there. */
  assert_metric (store, ticket, "answer", 0, t0, "running", "2026-11-24T18:00:00+08:00");
  assert_metric (store, ticket, "answer", 0, at ("2026-11-24T17:55:00+08:00"), "warning", NULL);
  assert_metric (store, ticket, "answer", 0, at ("2026-11-24T18:00:00+08:00"), "breached", NULL);
  assert_metric (store, ticket, "answer", 0, at ("2026-11-25T08:00:00+08:00"), "breached", NULL);
}

static void
test_metrics_4h_monday_1700 (void)
{
  g_autofree char *dir = beacon_test_make_dir ();
  gint64 monday = at ("2026-11-23T17:00:00+08:00");
  g_autoptr(BeaconStore) store = open_store (dir, "a.db", monday);
  g_autoptr(BeaconCalendar) office = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *ticket = NULL;

  office = beacon_calendar_new_from_keyfile_data ("[Calendar]\nId=office\nName=Office 08-18\n"
                                                  "TimeZone=Asia/Shanghai\nDays=Mon-Fri\n"
                                                  "Hours=08:00-18:00\n",
                                                  &error);
  g_assert_no_error (error);
  g_assert_true (beacon_store_save_calendar (store, office, &error));
  g_assert_no_error (error);

  set_policy (store,
              "{\"metric\": \"fix\", \"kinds\": [\"fault\"], \"levels\": {\"any\": \"4h\"},"
              " \"calendar\": \"office\", \"start\": [\"accepted\"], \"stop\": [\"recovered\"]}");
  ticket = make_ticket (store, BEACON_KIND_FAULT, 3, monday);

  /* One hour on Monday, three on Tuesday. */
  assert_metric (store, ticket, "fix", 0, monday, "running", "2026-11-24T11:00:00+08:00");

  /* A stored calendar that changes moves the clocks of open tickets. */
  g_assert_true (beacon_calendar_set_hours (office, G_DATE_TUESDAY, "10:00-18:00", &error));
  g_assert_no_error (error);
  g_assert_true (beacon_store_save_calendar (store, office, &error));
  g_assert_no_error (error);
  assert_metric (store, ticket, "fix", 0, monday, "running", "2026-11-24T13:00:00+08:00");
}

static void
test_metrics_pause_weekend (void)
{
  g_autofree char *dir = beacon_test_make_dir ();
  gint64 friday = at ("2026-11-20T10:00:00+08:00");
  g_autoptr(BeaconStore) store = open_store (dir, "a.db", friday);
  g_autofree char *ticket = make_ticket (store, BEACON_KIND_FAULT, 3, friday);
  g_autoptr(BeaconMetric) paused = NULL;

  /* Default policy: level 3 recovery, 24 h on 24x7, paused while the
   * customer decides on a restart (Friday 20:00 to Sunday 20:00). */
  assert_metric (store, ticket, "emergency-recovery", 0, friday, "running", "2026-11-21T10:00:00+08:00");
  add_event (store, ticket, BEACON_EVENT_APPROVAL_REQUESTED, at ("2026-11-20T20:00:00+08:00"));

  paused = get_metric (store, ticket, "emergency-recovery", 0, at ("2026-11-21T12:00:00+08:00"));
  g_assert_cmpstr (beacon_metric_status_to_string (paused->status), ==, "paused");
  g_assert_cmpint (paused->due_at, ==, 0);
  g_assert_cmpint (paused->remaining, ==, 14 * HOUR);
  g_assert_cmpint (paused->elapsed, ==, 10 * HOUR);

  /* Nothing escalates while paused. */
  g_assert_cmpuint (run_engine (store, at ("2026-11-22T12:00:00+08:00")), ==, 0);

  add_event (store, ticket, BEACON_EVENT_APPROVAL_GRANTED, at ("2026-11-22T20:00:00+08:00"));
  assert_metric (store, ticket, "emergency-recovery", 0, at ("2026-11-22T21:00:00+08:00"), "running",
                 "2026-11-23T10:00:00+08:00");
  /* Warning at 75 % = 18 h of counted time: 8 h after the resume. */
  assert_metric (store, ticket, "emergency-recovery", 0, at ("2026-11-23T04:00:00+08:00"), "warning", NULL);
  add_event (store, ticket, BEACON_EVENT_RECOVERED, at ("2026-11-23T09:00:00+08:00"));
  assert_metric (store, ticket, "emergency-recovery", 0, at ("2026-11-23T12:00:00+08:00"), "met", NULL);
}

static void
test_metrics_pause_past_closing (void)
{
  g_autofree char *dir = beacon_test_make_dir ();
  gint64 t0 = at ("2026-11-24T15:00:00+08:00");
  g_autoptr(BeaconStore) store = open_store (dir, "a.db", t0);
  g_autofree char *ticket = NULL;
  g_autoptr(BeaconMetric) m = NULL;

  set_policy (store,
              "{\"metric\": \"fix\", \"kinds\": [\"fault\"], \"levels\": {\"any\": \"2h\"},"
              " \"calendar\": \"cn-5x8\", \"start\": [\"accepted\"], \"stop\": [\"recovered\"],"
              " \"pause\": [\"approval-requested\"], \"resume\": [\"approval-granted\"]}");
  ticket = make_ticket (store, BEACON_KIND_FAULT, 3, t0);
  assert_metric (store, ticket, "fix", 0, t0, "running", "2026-11-24T17:00:00+08:00");

  /* 30 min counted, paused 15:30–17:00; 1 h 30 min left: 17:00–18:00 and
   * Wednesday 08:30–09:00. */
  add_event (store, ticket, BEACON_EVENT_APPROVAL_REQUESTED, at ("2026-11-24T15:30:00+08:00"));
  add_event (store, ticket, BEACON_EVENT_APPROVAL_GRANTED, at ("2026-11-24T17:00:00+08:00"));
  assert_metric (store, ticket, "fix", 0, at ("2026-11-24T17:30:00+08:00"), "running",
                 "2026-11-25T09:00:00+08:00");
  m = get_metric (store, ticket, "fix", 0, at ("2026-11-25T08:45:00+08:00"));
  g_assert_cmpint (m->elapsed, ==, 30 * MINUTE + 60 * MINUTE + 15 * MINUTE);
  g_assert_cmpint (m->remaining, ==, 15 * MINUTE);
  add_event (store, ticket, BEACON_EVENT_RECOVERED, at ("2026-11-25T09:10:00+08:00"));
  assert_metric (store, ticket, "fix", 0, at ("2026-11-25T10:00:00+08:00"), "missed", NULL);
}

static void
test_metrics_168h (void)
{
  g_autofree char *dir = beacon_test_make_dir ();
  gint64 t0 = at ("2026-11-24T15:00:00+08:00");
  g_autoptr(BeaconStore) store = open_store (dir, "a.db", t0);
  g_autoptr(BeaconCalendar) cn5x8 = beacon_calendar_get_builtin ("cn-5x8");
  g_autoptr(GError) error = NULL;
  g_autoptr(BeaconMetric) office = NULL;
  g_autofree char *ticket = NULL;
  gint64 expected;

  set_policy (store,
              "{\"metric\": \"week\", \"kinds\": [\"fault\"], \"levels\": {\"any\": \"168h\"},"
              " \"start\": [\"accepted\"], \"stop\": [\"recovered\"]},"
              "{\"metric\": \"office-week\", \"kinds\": [\"fault\"], \"levels\": {\"any\": \"168h\"},"
              " \"calendar\": \"cn-5x8\", \"start\": [\"accepted\"], \"stop\": [\"recovered\"]}");
  ticket = make_ticket (store, BEACON_KIND_FAULT, 2, t0);

  assert_metric (store, ticket, "week", 0, t0, "running", "2026-12-01T15:00:00+08:00");

  /* 168 working hours are 21 working days of 8 h: 15:00 + 8 h on 21 days. */
  g_assert_true (beacon_calendar_due (cn5x8, t0, 168 * HOUR, &expected, &error));
  g_assert_no_error (error);
  office = get_metric (store, ticket, "office-week", 0, t0);
  g_assert_cmpint (office->due_at, ==, expected);
  g_assert_cmpint (beacon_calendar_elapsed (cn5x8, t0, office->due_at), ==, 168 * HOUR);
  assert_metric (store, ticket, "office-week", 0, t0, "running", "2026-12-23T15:00:00+08:00");
}

static void
test_metrics_statuses (void)
{
  g_autofree char *dir = beacon_test_make_dir ();
  gint64 t0 = at ("2026-11-24T10:00:00+08:00");
  g_autoptr(BeaconStore) store = open_store (dir, "a.db", t0);
  g_autofree char *ticket = make_ticket (store, BEACON_KIND_FAULT, 3, t0);
  g_autofree char *custom = NULL;

  /* running → warning (75 % of 20 min) → breached */
  assert_metric (store, ticket, "phone-response", 0, t0 + 5 * MINUTE, "running", "2026-11-24T10:20:00+08:00");
  assert_metric (store, ticket, "phone-response", 0, t0 + 15 * MINUTE, "warning", NULL);
  assert_metric (store, ticket, "phone-response", 0, t0 + 20 * MINUTE, "breached", NULL);
  /* Level 3 has no first reaction, no expert response, no status update. */
  g_assert_null (get_metric (store, ticket, "first-reaction", 0, t0));
  g_assert_null (get_metric (store, ticket, "expert-response", 0, t0));
  g_assert_null (get_metric (store, ticket, "status-update", 0, t0));

  add_event (store, ticket, BEACON_EVENT_ACKNOWLEDGED, t0 + 10 * MINUTE);
  add_event (store, ticket, BEACON_EVENT_REMOTE_CONNECTED, t0 + 40 * MINUTE);
  assert_metric (store, ticket, "phone-response", 0, t0 + HOUR, "met", NULL);
  assert_metric (store, ticket, "remote-access-response", 0, t0 + HOUR, "missed", NULL);

  add_event (store, ticket, BEACON_EVENT_APPROVAL_REQUESTED, t0 + 2 * HOUR);
  assert_metric (store, ticket, "emergency-recovery", 0, t0 + 3 * HOUR, "paused", NULL);

  /* pending: a clock whose start event has not happened */
  set_policy (store,
              "{\"metric\": \"travel\", \"kinds\": [\"fault\"], \"levels\": {\"any\": \"2h\"},"
              " \"start\": [\"dispatched\"], \"stop\": [\"arrived\"]}");
  custom = make_ticket (store, BEACON_KIND_FAULT, 3, t0);
  assert_metric (store, custom, "travel", 0, t0 + HOUR, "pending", "none");
  add_event (store, custom, BEACON_EVENT_DISPATCHED, t0 + HOUR);
  assert_metric (store, custom, "travel", 0, t0 + HOUR, "running", "2026-11-24T13:00:00+08:00");

  /* Closing stops every clock. */
  add_event (store, custom, BEACON_EVENT_CLOSED, t0 + 4 * HOUR);
  assert_metric (store, custom, "travel", 0, t0 + 5 * HOUR, "missed", NULL);
}

static void
test_metrics_status_update (void)
{
  g_autofree char *dir = beacon_test_make_dir ();
  gint64 t0 = at ("2026-11-24T10:00:00+08:00");
  g_autoptr(BeaconStore) store = open_store (dir, "a.db", t0);
  g_autofree char *ticket = make_ticket (store, BEACON_KIND_FAULT, 1, t0);
  g_autofree char *level2 = make_ticket (store, BEACON_KIND_FAULT, 2, t0);

  assert_metric (store, ticket, "status-update", 0, t0, "running", "2026-11-24T11:00:00+08:00");
  add_event (store, ticket, BEACON_EVENT_STATUS_UPDATE, t0 + 50 * MINUTE);
  add_event (store, ticket, BEACON_EVENT_STATUS_UPDATE, t0 + 120 * MINUTE);

  assert_metric (store, ticket, "status-update", 0, t0 + 130 * MINUTE, "met", NULL);
  assert_metric (store, ticket, "status-update", 1, t0 + 130 * MINUTE, "missed", "2026-11-24T11:50:00+08:00");
  assert_metric (store, ticket, "status-update", 2, t0 + 130 * MINUTE, "running", "2026-11-24T13:00:00+08:00");

  add_event (store, ticket, BEACON_EVENT_RECOVERED, t0 + 150 * MINUTE);
  assert_metric (store, ticket, "status-update", 2, t0 + 200 * MINUTE, "met", NULL);
  g_assert_null (get_metric (store, ticket, "status-update", 3, t0 + 200 * MINUTE));

  /* Level 2 only once escalated. */
  g_assert_null (get_metric (store, level2, "status-update", 0, t0));
}

/* Escalation ---------------------------------------------------------------- */

static void
test_escalation_chain (void)
{
  g_autofree char *dir = beacon_test_make_dir ();
  gint64 t0 = at ("2026-11-24T10:00:00+08:00");
  g_autoptr(BeaconStore) store = open_store (dir, "a.db", t0);
  g_autofree char *ticket = make_ticket (store, BEACON_KIND_FAULT, 3, t0);
  g_autoptr(GError) error = NULL;
  g_autoptr(BeaconTicket) full = NULL;
  g_autoptr(GPtrArray) actions = NULL;
  BeaconEvent *raised = NULL;

  g_assert_cmpuint (run_engine (store, t0 + 24 * HOUR - 1), ==, 0);

  /* Level 3 breached at 24 h: level 2 with a new 8 h clock from that instant. */
  g_assert_cmpuint (run_engine (store, t0 + 24 * HOUR), ==, 1);
  g_assert_cmpint (ticket_level (store, ticket), ==, 2);
  assert_metric (store, ticket, "emergency-recovery", 0, t0 + 25 * HOUR, "missed", "2026-11-25T10:00:00+08:00");
  assert_metric (store, ticket, "emergency-recovery", 1, t0 + 25 * HOUR, "running", "2026-11-25T18:00:00+08:00");
  /* Escalated to level 2: first reaction and status updates now apply. */
  assert_metric (store, ticket, "first-reaction", 0, t0 + 24 * HOUR, "running", "2026-11-25T10:15:00+08:00");
  assert_metric (store, ticket, "status-update", 0, t0 + 24 * HOUR, "running", "2026-11-25T11:00:00+08:00");

  full = beacon_store_get_ticket (store, ticket, TRUE, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < full->events->len; i++)
    if (((BeaconEvent *) g_ptr_array_index (full->events, i))->type == BEACON_EVENT_LEVEL_CHANGED)
      raised = g_ptr_array_index (full->events, i);
  g_assert_nonnull (raised);
  g_assert_cmpint (raised->occurred_at, ==, t0 + 24 * HOUR);
  g_assert_cmpint (raised->recorded_at, ==, t0 + 24 * HOUR);
  g_assert_cmpstr (raised->author, ==, "");
  {
    g_autoptr(JsonNode) payload = beacon_json_parse (raised->payload, NULL);
    JsonObject *object = json_node_get_object (payload);

    g_assert_cmpint (json_object_get_int_member (object, "level"), ==, 2);
    g_assert_cmpint (json_object_get_int_member (object, "from"), ==, 3);
    g_assert_true (json_object_get_boolean_member (object, "automatic"));
    g_assert_nonnull (strstr (json_object_get_string_member (object, "reason"), "emergency-recovery"));
  }

  /* Applied once. */
  g_assert_cmpuint (run_engine (store, t0 + 24 * HOUR), ==, 0);
  g_assert_cmpuint (run_engine (store, t0 + 25 * HOUR), ==, 0);
  g_assert_cmpuint (count_events (store, ticket, BEACON_EVENT_LEVEL_CHANGED), ==, 1);

  /* Level 2 breached at 32 h: level 1, 3 h clock; a level-1 outage of 60
   * minutes opens the investigation; the level-1 breach at 35 h goes to the
   * director, and 2 h later to headquarters. */
  g_assert_true (beacon_store_run_escalation (store, t0 + 38 * HOUR, &actions, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (actions->len, ==, 4);
  g_assert_cmpint (ticket_level (store, ticket), ==, 1);
  assert_metric (store, ticket, "emergency-recovery", 1, t0 + 38 * HOUR, "missed", NULL);
  assert_metric (store, ticket, "emergency-recovery", 2, t0 + 38 * HOUR, "breached", "2026-11-25T21:00:00+08:00");
  g_assert_cmpuint (count_events (store, ticket, BEACON_EVENT_ESCALATED), ==, 3);
  g_assert_cmpuint (run_engine (store, t0 + 40 * HOUR), ==, 0);

  {
    g_autofree char *number = NULL;
    g_autoptr(BeaconTicket) original = beacon_store_get_ticket (store, ticket, FALSE, &error);
    g_autoptr(BeaconTicket) investigation = NULL;

    number = g_strdup_printf ("INV-%s", original->number);
    investigation = beacon_store_get_ticket (store, number, TRUE, &error);
    g_assert_no_error (error);
    g_assert_cmpint (investigation->kind, ==, BEACON_KIND_INVESTIGATION);
    g_assert_cmpint (investigation->accepted_at, ==, t0 + 33 * HOUR);
    g_assert_cmpstr (investigation->customer, ==, original->customer);
    g_assert_cmpuint (investigation->events->len, ==, 1);
  }
}

static void
test_escalation_investigation (void)
{
  g_autofree char *dir = beacon_test_make_dir ();
  gint64 t0 = at ("2026-11-24T10:00:00+08:00");
  g_autoptr(BeaconStore) store = open_store (dir, "a.db", t0);
  g_autofree char *short_outage = make_ticket (store, BEACON_KIND_FAULT, 1, t0);
  g_autofree char *long_outage = make_ticket (store, BEACON_KIND_FAULT, 1, t0);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) tickets = NULL;

  add_event (store, short_outage, BEACON_EVENT_RECOVERED, t0 + 59 * MINUTE);
  add_event (store, long_outage, BEACON_EVENT_RECOVERED, t0 + 70 * MINUTE);

  /* Recovered after 70 min: the engine, running later, still opens it, once. */
  g_assert_cmpuint (run_engine (store, t0 + 80 * MINUTE), ==, 1);
  g_assert_cmpuint (run_engine (store, t0 + 90 * MINUTE), ==, 0);
  tickets = beacon_store_list_tickets (store, FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (tickets->len, ==, 3);
  g_assert_cmpuint (count_events (store, long_outage, BEACON_EVENT_ESCALATED), ==, 1);
  g_assert_cmpuint (count_events (store, short_outage, BEACON_EVENT_ESCALATED), ==, 0);
}


static void
set_report_text (BeaconStore *store,
                 const char  *report_id,
                 const char  *field_id,
                 const char  *text)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BeaconReport) report = beacon_store_get_report (store, report_id, &error);
  g_autoptr(JsonNode) value = NULL;
  const BeaconReportField *field;

  g_assert_no_error (error);
  field = beacon_report_template_find_field (report->template, field_id);
  g_assert_nonnull (field);
  beacon_report_parse_value (field, text, &value, &error);
  g_assert_no_error (error);
  beacon_store_set_report_field (store, report_id, field_id, value, &error);
  g_assert_no_error (error);
}

static void
test_escalation_auto_confirm (void)
{
  g_autofree char *dir = beacon_test_make_dir ();
  gint64 friday = at ("2026-11-20T09:30:00+08:00");
  g_autoptr(BeaconStore) store = open_store (dir, "a.db", friday);
  g_autofree char *ticket_id = make_ticket (store, BEACON_KIND_FAULT, 4, friday - HOUR);
  g_autoptr(BeaconTicket) ticket = beacon_store_get_ticket (store, ticket_id, FALSE, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) actions = NULL;
  g_autoptr(BeaconReport) report = NULL;
  g_autoptr(JsonNode) strokes = beacon_json_parse ("{\"width\": 200, \"height\": 80, \"strokes\": "
                                                   "[[[10, 40, 0.3], [80, 10, 0.8]]]}", NULL);
  g_autofree char *report_id = beacon_store_create_report (store, ticket->number, "field-service", &error);
  g_autofree char *s1 = NULL;
  g_autofree char *s2 = NULL;
  gint64 monday_end = at ("2026-11-23T18:00:00+08:00");

  g_assert_no_error (error);
  set_report_text (store, report_id, "site", "禅城区应急广播站");
  set_report_text (store, report_id, "system", "应急广播平台主服务器");
  set_report_text (store, report_id, "arrived_at", "2026-11-20T08:40:00+08:00");
  set_report_text (store, report_id, "repair_started_at", "2026-11-20T08:45:00+08:00");
  set_report_text (store, report_id, "completed_at", "2026-11-20T09:20:00+08:00");
  set_report_text (store, report_id, "handling",
                   "[{\"time\": \"2026-11-20T08:45:00+08:00\", \"action\": \"清理日志\"}]");
  set_report_text (store, report_id, "result", "recovered");
  set_report_text (store, report_id, "observation", "yes");
  s1 = beacon_store_sign_report (store, report_id, "engineer", "张工", strokes, &error);
  g_assert_no_error (error);
  s2 = beacon_store_sign_report (store, report_id, "customer", "李主任", strokes, &error);
  g_assert_no_error (error);
  g_assert_true (beacon_store_deliver_report (store, report_id, &error));
  g_assert_no_error (error);

  /* Delivered Friday 09:30: confirmed automatically exactly at the end of Monday. */
  g_assert_true (beacon_store_run_escalation (store, monday_end - 1, &actions, &error));
  g_assert_cmpuint (actions->len, ==, 0);
  g_clear_pointer (&actions, g_ptr_array_unref);
  g_assert_true (beacon_store_run_escalation (store, monday_end, &actions, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (actions->len, ==, 1);
  g_assert_cmpint (((BeaconSlaAction *) g_ptr_array_index (actions, 0))->kind, ==,
                   BEACON_SLA_ACTION_REPORT_CONFIRMED);
  report = beacon_store_get_report (store, report_id, &error);
  g_assert_cmpint (report->status, ==, BEACON_REPORT_CONFIRMED);
  g_assert_true (report->auto_confirmed);
  g_assert_cmpint (report->answered_at, ==, monday_end);
  g_assert_cmpuint (run_engine (store, monday_end + HOUR), ==, 0);
}

static void
exchange (BeaconStore *from,
          BeaconStore *to)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) changes = beacon_store_list_changes (from, NULL, 0, 0, &error);

  g_assert_no_error (error);
  g_assert_true (beacon_store_apply_changes (to, changes, NULL, &error));
  g_assert_no_error (error);
}

static void
test_escalation_two_devices (void)
{
  g_autofree char *dir = beacon_test_make_dir ();
  gint64 t0 = at ("2026-11-24T10:00:00+08:00");
  g_autoptr(BeaconStore) a = open_store (dir, "a.db", t0);
  g_autoptr(BeaconStore) b = open_store (dir, "b.db", t0 + 5);
  g_autofree char *ticket = make_ticket (a, BEACON_KIND_FAULT, 3, t0);
  g_autofree char *export_a = NULL;
  g_autofree char *export_b = NULL;
  g_autofree char *describe_a = NULL;
  g_autofree char *describe_b = NULL;

  exchange (a, b);

  /* Both run the engine while apart, at different times. */
  g_assert_cmpuint (run_engine (a, t0 + 40 * HOUR), >, 0);
  g_assert_cmpuint (run_engine (b, t0 + 41 * HOUR), >, 0);

  exchange (a, b);
  exchange (b, a);

  export_a = beacon_test_export (a);
  export_b = beacon_test_export (b);
  g_assert_cmpstr (export_a, ==, export_b);
  describe_a = beacon_test_describe_tickets (a);
  describe_b = beacon_test_describe_tickets (b);
  g_assert_cmpstr (describe_a, ==, describe_b);

  g_assert_cmpint (ticket_level (a, ticket), ==, 1);
  g_assert_cmpint (ticket_level (b, ticket), ==, 1);
  g_assert_cmpuint (count_events (a, ticket, BEACON_EVENT_LEVEL_CHANGED), ==, 2);
  g_assert_cmpuint (count_events (b, ticket, BEACON_EVENT_ESCALATED), ==, 3);

  /* And after the exchange, neither has anything left to do. */
  g_assert_cmpuint (run_engine (a, t0 + 41 * HOUR), ==, 0);
  g_assert_cmpuint (run_engine (b, t0 + 41 * HOUR), ==, 0);
}

static void
test_board_snapshot (void)
{
  g_autofree char *dir = beacon_test_make_dir ();
  gint64 t0 = at ("2026-11-24T10:00:00+08:00");
  g_autoptr(BeaconStore) store = open_store (dir, "a.db", t0);
  g_autofree char *ticket = make_ticket (store, BEACON_KIND_FAULT, 3, t0);
  g_autofree char *closed = make_ticket (store, BEACON_KIND_FAULT, 3, t0);
  g_autoptr(BeaconMetricsSnapshot) snapshot = NULL;
  g_autoptr(GArray) urgencies = NULL;
  g_autoptr(GError) error = NULL;
  BeaconMetricUrgency *urgency;

  add_event (store, closed, BEACON_EVENT_CLOSED, t0 + MINUTE);
  snapshot = beacon_store_dup_metrics_snapshot (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (beacon_metrics_snapshot_get_n_tickets (snapshot), ==, 1);

  urgencies = beacon_metrics_snapshot_evaluate (snapshot, t0 + 16 * MINUTE, NULL);
  g_assert_cmpuint (urgencies->len, ==, 1);
  urgency = &g_array_index (urgencies, BeaconMetricUrgency, 0);
  g_assert_cmpstr (urgency->ticket_id, ==, ticket);
  g_assert_cmpstr (urgency->metric, ==, "phone-response");
  g_assert_cmpint (urgency->status, ==, BEACON_METRIC_WARNING);
  g_assert_cmpint (urgency->remaining, ==, 4 * MINUTE);

  beacon_metrics_snapshot_evaluate (snapshot, t0 + 25 * MINUTE, urgencies);
  urgency = &g_array_index (urgencies, BeaconMetricUrgency, 0);
  g_assert_cmpint (urgency->status, ==, BEACON_METRIC_BREACHED);
  g_assert_cmpint (urgency->remaining, ==, -5 * MINUTE);
  g_assert_cmpuint (urgency->n_breached, ==, 1);
  g_assert_cmpuint (urgency->n_warning, ==, 1);   /* remote access: 25 of 30 min */
}

static void
test_rebuild_keeps_metrics (void)
{
  g_autofree char *dir = beacon_test_make_dir ();
  gint64 t0 = at ("2026-11-24T10:00:00+08:00");
  g_autoptr(BeaconStore) store = open_store (dir, "a.db", t0);
  g_autofree char *ticket = make_ticket (store, BEACON_KIND_FAULT, 3, t0);
  g_autoptr(GError) error = NULL;

  run_engine (store, t0 + 25 * HOUR);
  g_assert_true (beacon_store_rebuild_projections (store, &error));
  g_assert_no_error (error);
  assert_metric (store, ticket, "emergency-recovery", 0, t0 + 25 * HOUR, "missed", NULL);
  assert_metric (store, ticket, "emergency-recovery", 1, t0 + 25 * HOUR, "running", "2026-11-25T18:00:00+08:00");
}

/* beaconctl ----------------------------------------------------------------- */

static int
ctl (const char  *db,
     const char  *fake_now,
     char       **out_stdout,
     char       **out_stderr,
     ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_auto(GStrv) envp = g_get_environ ();
  g_autoptr(GError) error = NULL;
  const char *arg;
  int wait_status = 0;
  va_list args;

  g_ptr_array_add (argv, (char *) g_getenv ("BEACONCTL"));
  g_ptr_array_add (argv, (char *) "--db");
  g_ptr_array_add (argv, (char *) db);
  va_start (args, out_stderr);
  while ((arg = va_arg (args, const char *)) != NULL)
    g_ptr_array_add (argv, (char *) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  envp = g_environ_setenv (envp, "BEACON_FAKE_NOW", fake_now, TRUE);
  g_spawn_sync (NULL, (char **) argv->pdata, envp, G_SPAWN_DEFAULT, NULL, NULL,
                out_stdout, out_stderr, &wait_status, &error);
  g_assert_no_error (error);
  g_assert_true (WIFEXITED (wait_status));
  return WEXITSTATUS (wait_status);
}

#define CTL(db, out, err, ...) ctl (db, "2026-11-24T10:00:00+08:00", out, err, __VA_ARGS__, NULL)

static void
test_ctl_sla (void)
{
  g_autofree char *dir = beacon_test_make_dir ();
  g_autofree char *db = g_build_filename (dir, "ctl.db", NULL);
  static const struct { const char *args[5]; const char *out; } cases[] = {
    { { "sla", "due", "cn-5x8", "2026-09-30T17:00:00+08:00", "2h" }, "2026-10-08T09:30:00+08:00\n" },
    { { "sla", "due", "cn-5x8", "2026-02-13T17:30:00+08:00", "2h" }, "2026-02-14T10:00:00+08:00\n" },
    { { "sla", "due", "cn-5x8", "2026-09-30T17:00:00+08:00", "PT2H" }, "2026-10-08T09:30:00+08:00\n" },
    { { "sla", "due", "cn-5x8", "2026-09-30T17:00:00+08:00", "7200" }, "2026-10-08T09:30:00+08:00\n" },
    { { "sla", "due", "24x7", "2026-11-24T10:00:00+08:00", "90m" }, "2026-11-24T03:30:00+00:00\n" },
    { { "sla", "elapsed", "cn-5x8", "2026-09-30T17:00:00+08:00", "2026-10-08T09:30:00+08:00" }, "7200\n" },
    { { "sla", "next-working-day", "cn-5x8", "2026-09-18T15:00:00+08:00", "1" }, "2026-09-20T18:00:00+08:00\n" },
    { { "sla", "next-working-day", "cn-5x8", "2026-09-18T15:00:00+08:00", NULL }, "2026-09-20T18:00:00+08:00\n" },
  };
  static const struct { const char *args[5]; const char *message; } bad[] = {
    { { "sla", "due", "mars", "2026-09-30T17:00:00+08:00", "2h" }, "no calendar “mars”" },
    { { "sla", "due", "cn-5x8", "2026-09-30T17:00:00+08:00", "2 hours" }, "DURATION:" },
    { { "sla", "due", "cn-5x8", "2026-09-31T17:00", "2h" }, "START:" },
    { { "sla", "elapsed", "cn-5x8", "2026-09-30T17:00:00+08:00", "yesterday" }, "END:" },
    { { "sla", "next-working-day", "cn-5x8", "2026-09-18T15:00:00+08:00", "0" }, "N:" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *out = NULL;
      g_autofree char *err = NULL;
      int status = CTL (db, &out, &err, cases[i].args[0], cases[i].args[1], cases[i].args[2],
                        cases[i].args[3], cases[i].args[4]);

      if (status != 0)
        g_error ("case %u: %s", i, err);
      g_assert_cmpstr (out, ==, cases[i].out);
    }

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autofree char *out = NULL;
      g_autofree char *err = NULL;

      g_assert_cmpint (CTL (db, &out, &err, bad[i].args[0], bad[i].args[1], bad[i].args[2],
                            bad[i].args[3], bad[i].args[4]), ==, 1);
      g_assert_cmpstr (out, ==, "");
      if (strstr (err, bad[i].message) == NULL)
        g_error ("bad case %u: “%s” does not say “%s”", i, err, bad[i].message);
    }

  /* Only built-in calendars were used: no database was made. */
  g_assert_false (g_file_test (db, G_FILE_TEST_EXISTS));
}

static void
test_ctl_calendar (void)
{
  g_autofree char *dir = beacon_test_make_dir ();
  g_autofree char *db = g_build_filename (dir, "ctl.db", NULL);
  g_autofree char *ics = g_build_filename (dir, "2027.ics", NULL);
  g_autofree char *bad_ics = g_build_filename (dir, "bad.ics", NULL);
  g_autofree char *office = g_build_filename (dir, "office.ini", NULL);
  g_autofree char *exported = g_build_filename (dir, "out.ics", NULL);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;

  g_assert_true (g_file_set_contents (ics,
                                      "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n"
                                      "BEGIN:VEVENT\r\nUID:2027-01-01\r\nDTSTAMP:20261101T000000Z\r\n"
                                      "SUMMARY:元旦\r\nDTSTART;VALUE=DATE:20270101\r\n"
                                      "DTEND;VALUE=DATE:20270104\r\nEND:VEVENT\r\n"
                                      "END:VCALENDAR\r\n", -1, NULL));
  g_assert_true (g_file_set_contents (bad_ics, "this is not a calendar\n", -1, NULL));
  g_assert_true (g_file_set_contents (office,
                                      "[Calendar]\nId=office\nName=Office\nTimeZone=Asia/Shanghai\n"
                                      "Days=Mon-Fri\nHours=08:00-18:00\n", -1, NULL));

  /* The built-in cn-5x8 lacks 2027: a warning within 60 days of its New Year. */
  g_assert_cmpint (ctl (db, "2026-11-24T10:00:00+08:00", &out, &err, "calendar", "show", "cn-5x8", NULL), ==, 0);
  g_assert_nonnull (strstr (err, "2027"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (ctl (db, "2026-06-01T10:00:00+08:00", &out, &err, "calendar", "show", "cn-5x8", NULL), ==, 0);
  g_assert_cmpstr (err, ==, "");
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* Importing 2027 stores a cn-5x8 copy with the extra year. */
  g_assert_cmpint (CTL (db, &out, &err, "calendar", "import-ics", "cn-5x8", ics), ==, 0);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (CTL (db, &out, &err, "calendar", "show", "cn-5x8"), ==, 0);
  g_assert_nonnull (strstr (out, "2027-01-01..2027-01-03"));
  g_assert_null (strstr (err, "2027"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  /* …and sla due uses it: 2026-12-31 17:00 + 2h goes past the holiday. */
  g_assert_cmpint (CTL (db, &out, &err, "sla", "due", "cn-5x8", "2026-12-31T17:00:00+08:00", "2h"), ==, 0);
  g_assert_cmpstr (out, ==, "2027-01-04T09:30:00+08:00\n");
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (CTL (db, &out, &err, "calendar", "add", office), ==, 0);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (CTL (db, &out, &err, "calendar", "list"), ==, 0);
  g_assert_nonnull (strstr (out, "office"));
  g_assert_nonnull (strstr (out, "cn-7x12"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (CTL (db, &out, &err, "sla", "due", "office", "2026-11-23T17:00:00+08:00", "4h"), ==, 0);
  g_assert_cmpstr (out, ==, "2026-11-24T11:00:00+08:00\n");
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  /* A calendar file works too. */
  g_assert_cmpint (CTL (db, &out, &err, "sla", "due", office, "2026-11-23T17:00:00+08:00", "4h"), ==, 0);
  g_assert_cmpstr (out, ==, "2026-11-24T11:00:00+08:00\n");
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (CTL (db, &out, &err, "calendar", "export-ics", "cn-5x8", exported), ==, 0);
  g_assert_true (g_file_test (exported, G_FILE_TEST_EXISTS));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* Bad input: a message, exit 1, nothing changed. */
  g_assert_cmpint (CTL (db, &before, &err, "export", "json"), ==, 0);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (CTL (db, &out, &err, "calendar", "import-ics", "cn-5x8", bad_ics), ==, 1);
  g_assert_cmpstr (err, !=, "");
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (CTL (db, &out, &err, "calendar", "import-ics", "mars", ics), ==, 1);
  g_assert_nonnull (strstr (err, "mars"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (CTL (db, &out, &err, "calendar", "add", bad_ics), ==, 1);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (CTL (db, &out, &err, "calendar", "show", "mars"), ==, 1);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (CTL (db, &out, &err, "calendar", "frobnicate"), ==, 2);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (CTL (db, &after, &err, "export", "json"), ==, 0);
  g_assert_cmpstr (before, ==, after);
}

static void
test_ctl_policy_escalate (void)
{
  g_autofree char *dir = beacon_test_make_dir ();
  g_autofree char *db = g_build_filename (dir, "ctl.db", NULL);
  g_autofree char *policy_file = g_build_filename (dir, "policy.json", NULL);
  g_autofree char *bad_file = g_build_filename (dir, "bad.json", NULL);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *number = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autoptr(JsonNode) shown = NULL;
  g_autoptr(BeaconStore) store = NULL;
  g_autofree char *ticket = NULL;
  JsonArray *metrics;
  gboolean seen = FALSE;

  /* A level-3 fault opened at 10:00. */
  store = open_store (dir, "ctl.db", at ("2026-11-24T10:00:00+08:00"));
  ticket = make_ticket (store, BEACON_KIND_FAULT, 3, at ("2026-11-24T10:00:00+08:00"));
  {
    g_autoptr(BeaconTicket) t = beacon_store_get_ticket (store, ticket, FALSE, NULL);
    number = g_strdup (t->number);
  }
  g_clear_object (&store);

  g_assert_cmpint (CTL (db, &out, &err, "policy", "show", "--json"), ==, 0);
  g_assert_true (g_file_set_contents (policy_file, out, -1, NULL));
  g_assert_nonnull (strstr (out, "\"emergency-recovery\""));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (CTL (db, &out, &err, "ticket", "show", number, "--json",
                        "--now", "2026-11-24T10:16:00+08:00"), ==, 0);
  shown = beacon_json_parse (out, NULL);
  metrics = json_object_get_array_member (json_node_get_object (shown), "metrics");
  for (guint i = 0; i < json_array_get_length (metrics); i++)
    {
      JsonObject *m = json_array_get_object_element (metrics, i);

      if (g_str_equal (json_object_get_string_member (m, "metric"), "phone-response"))
        {
          g_assert_cmpstr (json_object_get_string_member (m, "status"), ==, "warning");
          g_assert_cmpstr (json_object_get_string_member (m, "due_at"), ==, "2026-11-24T10:20:00+08:00");
          g_assert_cmpstr (json_object_get_string_member (m, "started_at"), ==, "2026-11-24T10:00:00+08:00");
          g_assert_cmpstr (json_object_get_string_member (m, "calendar"), ==, "24x7");
          g_assert_cmpstr (json_object_get_string_member (m, "target"), ==, "20m");
          g_assert_cmpint (json_object_get_int_member (m, "elapsed"), ==, 16 * MINUTE);
          g_assert_cmpint (json_object_get_int_member (m, "remaining"), ==, 4 * MINUTE);
          g_assert_true (json_object_get_null_member (m, "stopped_at"));
          seen = TRUE;
        }
    }
  g_assert_true (seen);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* Bad input changes nothing. */
  g_assert_cmpint (CTL (db, &before, &err, "export", "json"), ==, 0);
  g_clear_pointer (&err, g_free);
  g_assert_true (g_file_set_contents (bad_file, "{\"metrics\": [{\"metric\": \"x\"}]}", -1, NULL));
  g_assert_cmpint (CTL (db, &out, &err, "policy", "set", bad_file), ==, 1);
  g_assert_nonnull (strstr (err, "bad.json"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (CTL (db, &out, &err, "escalate", "--now", "tomorrow"), ==, 1);
  g_assert_nonnull (strstr (err, "--now"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (CTL (db, &out, &err, "ticket", "show", number, "--json", "--now", "noon"), ==, 1);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (CTL (db, &after, &err, "export", "json"), ==, 0);
  g_assert_cmpstr (before, ==, after);
  g_clear_pointer (&err, g_free);

  /* A valid policy becomes version 2. */
  g_assert_cmpint (CTL (db, &out, &err, "policy", "set", policy_file), ==, 0);
  g_assert_nonnull (strstr (out, "2"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (CTL (db, &out, &err, "escalate", "--now", "2026-11-25T09:00:00+08:00"), ==, 0);
  g_assert_nonnull (strstr (out, "Nothing to escalate"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (CTL (db, &out, &err, "escalate", "--now", "2026-11-25T11:00:00+08:00"), ==, 0);
  g_assert_nonnull (strstr (out, number));
  g_assert_nonnull (strstr (out, "level 3 → 2"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (CTL (db, &out, &err, "escalate", "--now", "2026-11-25T11:00:00+08:00"), ==, 0);
  g_assert_nonnull (strstr (out, "Nothing to escalate"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/sla/policy/default", test_policy_default);
  g_test_add_func ("/sla/policy/invalid", test_policy_invalid);
  g_test_add_func ("/sla/policy/versions", test_policy_versions);
  g_test_add_func ("/sla/metrics/consulting-outside-hours", test_metrics_consulting_outside_hours);
  g_test_add_func ("/sla/metrics/20min-at-1740", test_metrics_20min_at_1740);
  g_test_add_func ("/sla/metrics/4h-from-monday-1700", test_metrics_4h_monday_1700);
  g_test_add_func ("/sla/metrics/pause-over-weekend", test_metrics_pause_weekend);
  g_test_add_func ("/sla/metrics/pause-past-closing", test_metrics_pause_past_closing);
  g_test_add_func ("/sla/metrics/168h", test_metrics_168h);
  g_test_add_func ("/sla/metrics/statuses", test_metrics_statuses);
  g_test_add_func ("/sla/metrics/status-update-recurs", test_metrics_status_update);
  g_test_add_func ("/sla/metrics/board-snapshot", test_board_snapshot);
  g_test_add_func ("/sla/metrics/rebuild", test_rebuild_keeps_metrics);
  g_test_add_func ("/sla/escalation/l3-l2-l1-chain", test_escalation_chain);
  g_test_add_func ("/sla/escalation/investigation", test_escalation_investigation);
  g_test_add_func ("/sla/escalation/two-devices", test_escalation_two_devices);
  g_test_add_func ("/sla/escalation/auto-confirm", test_escalation_auto_confirm);
  g_test_add_func ("/sla/ctl/sla", test_ctl_sla);
  g_test_add_func ("/sla/ctl/calendar", test_ctl_calendar);
  g_test_add_func ("/sla/ctl/policy-escalate", test_ctl_policy_escalate);

  return g_test_run ();
}
