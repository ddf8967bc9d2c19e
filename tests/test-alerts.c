/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "beacon-test"

#include "config.h"

#include "beacon-alerts.h"
#include "beacon-escalation.h"
#include "beacon-metrics.h"
#include "beacon-store.h"
#include "beacon-test-util.h"

/* Escalation alerts, headless: who hears which alert, and that each one is
 * raised once on a device, also after the store is reopened. */

/* 2026-11-27T09:00:00+08:00 */
#define T0 ((gint64) 1795741200)

static BeaconStore *
open_store (const char *path,
            gint64      now)
{
  g_autoptr(BeaconClock) clock = beacon_clock_new_fixed (now * G_USEC_PER_SEC);
  g_autoptr(GError) error = NULL;
  BeaconStore *store = beacon_store_open (path, clock, &error);

  g_assert_no_error (error);
  return store;
}

static BeaconAlert *
make_alert (const char      *ticket_id,
            int              level,
            BeaconAlertKind  kind,
            gint64           instant,
            const char      *assignee)
{
  BeaconAlert *alert = beacon_alert_new (ticket_id, "FS-20261127-A3-0001", "phone_response",
                                         "Phone response", kind, instant);
  const char *assignees[] = { assignee, NULL };

  alert->level = level;
  alert->due_at = instant;
  alert->assignee_ids = assignee ? g_strdupv ((char **) assignees) : NULL;

  return alert;
}

static void
test_alerts_raised_once (void)
{
  g_autofree char *dir = beacon_test_make_dir ();
  g_autofree char *path = g_build_filename (dir, "alerts.db", NULL);
  g_autoptr(GPtrArray) candidates = g_ptr_array_new_with_free_func ((GDestroyNotify) beacon_alert_free);
  g_autoptr(GPtrArray) due = NULL;
  g_autoptr(GError) error = NULL;
  BeaconStore *store;

  store = open_store (path, T0);
  g_ptr_array_add (candidates, make_alert ("t1", 2, BEACON_ALERT_WARNING, T0 - 60, NULL));
  g_ptr_array_add (candidates, make_alert ("t1", 2, BEACON_ALERT_BREACH, T0 + 300, NULL));

  /* The breach lies in the future: only the warning is due. */
  due = beacon_store_take_due_alerts (store, candidates, "u-sup", BEACON_ROLE_SUPERVISOR, T0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (due->len, ==, 1);
  g_assert_cmpint (((BeaconAlert *) g_ptr_array_index (due, 0))->kind, ==, BEACON_ALERT_WARNING);
  g_assert_true (beacon_store_alert_was_raised (store, g_ptr_array_index (candidates, 0), &error));
  g_assert_false (beacon_store_alert_was_raised (store, g_ptr_array_index (candidates, 1), &error));
  g_clear_pointer (&due, g_ptr_array_unref);

  /* Asking again at the same time raises nothing. */
  due = beacon_store_take_due_alerts (store, candidates, "u-sup", BEACON_ROLE_SUPERVISOR, T0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (due->len, ==, 0);
  g_clear_pointer (&due, g_ptr_array_unref);
  g_clear_object (&store);

  /* A restart later: the warning stays quiet, the breach is now due, once. */
  store = open_store (path, T0 + 600);
  due = beacon_store_take_due_alerts (store, candidates, "u-sup", BEACON_ROLE_SUPERVISOR,
                                      T0 + 600, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (due->len, ==, 1);
  g_assert_cmpint (((BeaconAlert *) g_ptr_array_index (due, 0))->kind, ==, BEACON_ALERT_BREACH);
  g_clear_pointer (&due, g_ptr_array_unref);

  due = beacon_store_take_due_alerts (store, candidates, "u-sup", BEACON_ROLE_SUPERVISOR,
                                      T0 + 900, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (due->len, ==, 0);
  g_clear_pointer (&due, g_ptr_array_unref);

  /* A new clock after escalation has a new due instant: a new alert. */
  g_ptr_array_add (candidates, make_alert ("t1", 1, BEACON_ALERT_BREACH, T0 + 800, NULL));
  due = beacon_store_take_due_alerts (store, candidates, "u-sup", BEACON_ROLE_SUPERVISOR,
                                      T0 + 900, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (due->len, ==, 1);
  g_clear_object (&store);
}

static void
test_alerts_follow_role (void)
{
  g_autoptr(BeaconAlert) mine = make_alert ("t1", 2, BEACON_ALERT_BREACH, T0, "u-eng");
  g_autoptr(BeaconAlert) theirs = make_alert ("t2", 2, BEACON_ALERT_BREACH, T0, "u-other");
  g_autoptr(BeaconAlert) level1 = make_alert ("t3", 1, BEACON_ALERT_BREACH, T0, "u-other");
  g_autoptr(BeaconAlert) untaken = make_alert ("t4", 3, BEACON_ALERT_WARNING, T0, NULL);

  /* Engineers: their own tickets only. */
  g_assert_true (beacon_alert_concerns_user (mine, "u-eng", BEACON_ROLE_ENGINEER));
  g_assert_false (beacon_alert_concerns_user (theirs, "u-eng", BEACON_ROLE_ENGINEER));
  g_assert_false (beacon_alert_concerns_user (level1, "u-eng", BEACON_ROLE_ENGINEER));
  g_assert_false (beacon_alert_concerns_user (untaken, "u-eng", BEACON_ROLE_ENGINEER));

  /* Supervisors: everything, level 1 included. */
  g_assert_true (beacon_alert_concerns_user (mine, "u-sup", BEACON_ROLE_SUPERVISOR));
  g_assert_true (beacon_alert_concerns_user (theirs, "u-sup", BEACON_ROLE_SUPERVISOR));
  g_assert_true (beacon_alert_concerns_user (level1, "u-sup", BEACON_ROLE_SUPERVISOR));
  g_assert_true (beacon_alert_concerns_user (level1, "u-adm", BEACON_ROLE_ADMIN));

  /* The desk: tickets nobody has taken yet, and their own. */
  g_assert_true (beacon_alert_concerns_user (untaken, "u-op", BEACON_ROLE_OPERATOR));
  g_assert_false (beacon_alert_concerns_user (theirs, "u-op", BEACON_ROLE_OPERATOR));
}

static void
test_alerts_taken_per_role (void)
{
  g_autofree char *dir = beacon_test_make_dir ();
  g_autofree char *path = g_build_filename (dir, "roles.db", NULL);
  g_autoptr(BeaconStore) store = open_store (path, T0);
  g_autoptr(GPtrArray) candidates = g_ptr_array_new_with_free_func ((GDestroyNotify) beacon_alert_free);
  g_autoptr(GPtrArray) due = NULL;
  g_autoptr(GError) error = NULL;

  g_ptr_array_add (candidates, make_alert ("t1", 2, BEACON_ALERT_BREACH, T0, "u-eng"));
  g_ptr_array_add (candidates, make_alert ("t2", 1, BEACON_ALERT_BREACH, T0, "u-other"));

  due = beacon_store_take_due_alerts (store, candidates, "u-eng", BEACON_ROLE_ENGINEER, T0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (due->len, ==, 1);
  g_assert_cmpstr (((BeaconAlert *) g_ptr_array_index (due, 0))->ticket_id, ==, "t1");
  /* What the engineer was not shown is not marked as raised. */
  g_assert_false (beacon_store_alert_was_raised (store, g_ptr_array_index (candidates, 1), &error));
  g_assert_no_error (error);
}

/* Every clock of a ticket alerts, not only its most urgent one; and the
 * engine's escalations alert on a workstation that learned of them by sync. */
static void
test_alerts_every_clock_and_synced (void)
{
  g_autofree char *dir = beacon_test_make_dir ();
  g_autofree char *path_a = g_build_filename (dir, "a.db", NULL);
  g_autofree char *path_b = g_build_filename (dir, "b.db", NULL);
  g_autoptr(BeaconStore) a = open_store (path_a, T0);
  g_autoptr(BeaconStore) b = open_store (path_b, T0);
  g_autoptr(BeaconTicket) ticket = beacon_test_make_ticket (a, 1);
  g_autoptr(BeaconMetricsSnapshot) snapshot = NULL;
  g_autoptr(GArray) alerting = NULL;
  g_autoptr(GPtrArray) actions = NULL;
  g_autoptr(GPtrArray) changes = NULL;
  g_autoptr(GPtrArray) automatic = NULL;
  g_autoptr(GPtrArray) due = NULL;
  g_autoptr(GPtrArray) again = NULL;
  g_autoptr(GError) error = NULL;
  gboolean phone_response = FALSE;
  gboolean first_reaction = FALSE;

  /* 25 minutes in, nothing done: first reaction (15 min), phone response
   * (20 min) are breached, remote access (30 min) is in warning. */
  snapshot = beacon_store_dup_metrics_snapshot (a, &error);
  g_assert_no_error (error);
  alerting = beacon_metrics_snapshot_collect_alerting (snapshot, T0 + 25 * 60);
  for (guint i = 0; i < alerting->len; i++)
    {
      const BeaconMetricUrgency *clock = &g_array_index (alerting, BeaconMetricUrgency, i);

      g_assert_cmpstr (clock->ticket_id, ==, ticket->id);
      if (g_str_equal (clock->metric, "phone-response"))
        phone_response = clock->status == BEACON_METRIC_BREACHED;
      if (g_str_equal (clock->metric, "first-reaction"))
        first_reaction = clock->status == BEACON_METRIC_BREACHED;
    }
  g_assert_true (phone_response);
  g_assert_true (first_reaction);
  g_assert_cmpuint (alerting->len, >=, 3);

  /* Four hours in, A's engine escalates the level-1 breach and opens the
   * investigation; B gets the changes and alerts its supervisor, once. */
  g_assert_true (beacon_store_run_escalation (a, T0 + 4 * 3600, &actions, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (actions->len, >, 0);
  changes = beacon_store_list_changes (a, NULL, 0, 0, &error);
  g_assert_true (beacon_store_apply_changes (b, changes, NULL, &error));
  g_assert_no_error (error);

  automatic = beacon_store_list_automatic_alerts (b, T0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (automatic->len, ==, actions->len);

  due = beacon_store_take_due_alerts (b, automatic, "supervisor-1", BEACON_ROLE_SUPERVISOR,
                                      T0 + 4 * 3600, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (due->len, ==, automatic->len);
  g_clear_pointer (&automatic, g_ptr_array_unref);
  automatic = beacon_store_list_automatic_alerts (b, T0, &error);
  again = beacon_store_take_due_alerts (b, automatic, "supervisor-1", BEACON_ROLE_SUPERVISOR,
                                        T0 + 4 * 3600 + 30, &error);
  g_assert_cmpuint (again->len, ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/alerts/raised-once", test_alerts_raised_once);
  g_test_add_func ("/alerts/follow-role", test_alerts_follow_role);
  g_test_add_func ("/alerts/taken-per-role", test_alerts_taken_per_role);
  g_test_add_func ("/alerts/every-clock-and-synced", test_alerts_every_clock_and_synced);

  return g_test_run ();
}
