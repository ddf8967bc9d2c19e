/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <locale.h>

#include "beacon-archive.h"
#include "beacon-calendar.h"
#include "beacon-policy.h"
#include "beacon-demo.h"
#include "beacon-store.h"
#include "beacon-test-util.h"
#include "beacon-ticket.h"

/* 2026-11-27T09:00:00+08:00 */
#define T0 ((gint64) 1795741200)

static BeaconStore *
open_store (const char *dir,
            const char *name,
            gint64      now)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr(BeaconClock) clock = beacon_clock_new_fixed (now * G_USEC_PER_SEC);
  g_autoptr(GError) error = NULL;
  BeaconStore *store = beacon_store_open (path, clock, &error);

  g_assert_no_error (error);
  return store;
}

static void
test_numbers_unique_across_devices (void)
{
  g_autofree char *dir = beacon_test_make_dir ();
  g_autoptr(BeaconStore) a = open_store (dir, "a.db", T0);
  g_autoptr(BeaconStore) b = open_store (dir, "b.db", T0);
  g_autoptr(GHashTable) numbers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GPtrArray) changes = NULL;
  g_autoptr(GPtrArray) all = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *prefix = NULL;

  g_assert_cmpstr (beacon_store_get_device_code (a), !=, beacon_store_get_device_code (b));

  for (guint i = 0; i < 30; i++)
    {
      g_autoptr(BeaconTicket) ta = beacon_test_make_ticket (a, 1 + i % 4);
      g_autoptr(BeaconTicket) tb = beacon_test_make_ticket (b, 1 + i % 4);

      /* FS-20261127-<device>-<sequence> */
      prefix = g_strdup_printf ("FS-20261127-%s-", beacon_store_get_device_code (a));
      g_assert_true (g_str_has_prefix (ta->number, prefix));
      g_assert_cmpuint (strlen (ta->number), ==, strlen (prefix) + 4);
      g_clear_pointer (&prefix, g_free);

      g_assert_false (g_hash_table_contains (numbers, ta->number));
      g_hash_table_add (numbers, g_strdup (ta->number));
      g_assert_false (g_hash_table_contains (numbers, tb->number));
      g_hash_table_add (numbers, g_strdup (tb->number));
    }

  /* After merging, both devices see 60 distinct numbers. */
  changes = beacon_store_list_changes (b, NULL, 0, 0, &error);
  g_assert_no_error (error);
  g_assert_true (beacon_store_apply_changes (a, changes, NULL, &error));
  g_assert_no_error (error);
  all = beacon_store_list_tickets (a, FALSE, &error);
  g_assert_cmpuint (all->len, ==, 60);
  for (guint i = 0; i < all->len; i++)
    g_assert_true (g_hash_table_contains (numbers, ((BeaconTicket *) all->pdata[i])->number));

  /* The sequence is per day: the next day starts again at 0001. */
  beacon_clock_set_now (beacon_store_get_clock (a), (T0 + 86400) * G_USEC_PER_SEC);
  {
    g_autoptr(BeaconTicket) next_day = beacon_test_make_ticket (a, 3);

    g_assert_true (g_str_has_suffix (next_day->number, "-0001"));
    g_assert_true (strstr (next_day->number, "-20261128-") != NULL);
  }
}

static void
test_stage_from_events (void)
{
  g_autofree char *dir = beacon_test_make_dir ();
  g_autoptr(BeaconStore) store = open_store (dir, "stage.db", T0);
  g_autoptr(BeaconTicket) ticket = beacon_test_make_ticket (store, 2);
  g_autoptr(GError) error = NULL;
  static const struct { BeaconEventType type; BeaconStage stage; } steps[] = {
    { BEACON_EVENT_VALIDATED, BEACON_STAGE_NEW },
    { BEACON_EVENT_REMOTE_CONNECTED, BEACON_STAGE_RESPONDING },
    { BEACON_EVENT_DISPATCHED, BEACON_STAGE_RESPONDING },
    { BEACON_EVENT_ARRIVED, BEACON_STAGE_ON_SITE },
    { BEACON_EVENT_REPAIR_STARTED, BEACON_STAGE_ON_SITE },
    { BEACON_EVENT_RECOVERED, BEACON_STAGE_RECOVERED },
    { BEACON_EVENT_SOLUTION_PROVIDED, BEACON_STAGE_REPORTING },
    { BEACON_EVENT_CLOSED, BEACON_STAGE_CLOSED },
    { BEACON_EVENT_REOPENED, BEACON_STAGE_REPORTING },
  };

  g_assert_cmpint (ticket->stage, ==, BEACON_STAGE_NEW);
  g_assert_cmpuint (ticket->events->len, ==, 1);
  g_assert_cmpint (((BeaconEvent *) ticket->events->pdata[0])->type, ==, BEACON_EVENT_ACCEPTED);

  for (guint i = 0; i < G_N_ELEMENTS (steps); i++)
    {
      g_autofree char *event_id = beacon_store_add_event (store, ticket->id, steps[i].type,
                                                          T0 + 60 * (i + 1), NULL, NULL, &error);
      g_autoptr(BeaconTicket) now = NULL;

      g_assert_no_error (error);
      now = beacon_store_get_ticket (store, ticket->number, FALSE, &error);
      g_assert_cmpstr (beacon_stage_to_string (now->stage), ==, beacon_stage_to_string (steps[i].stage));
    }

  /* Events recorded late but occurring earlier sort by when they occurred. */
  {
    g_autofree char *id = beacon_store_add_event (store, ticket->id, BEACON_EVENT_NOTE, T0 + 30,
                                                  "补记：用户来电时间", NULL, &error);
    g_autoptr(BeaconTicket) full = beacon_store_get_ticket (store, ticket->number, TRUE, &error);

    g_assert_cmpuint (full->events->len, ==, 11);
    g_assert_cmpint (((BeaconEvent *) full->events->pdata[1])->type, ==, BEACON_EVENT_NOTE);
  }

  /* The pure function agrees: recovered without arrival is still "recovered". */
  {
    BeaconEventType types[] = { BEACON_EVENT_ACCEPTED, BEACON_EVENT_ACKNOWLEDGED, BEACON_EVENT_RECOVERED };

    g_assert_cmpint (beacon_stage_from_events (types, 3), ==, BEACON_STAGE_RECOVERED);
    g_assert_cmpint (beacon_stage_from_events (types, 2), ==, BEACON_STAGE_RESPONDING);
    g_assert_cmpint (beacon_stage_from_events (types, 1), ==, BEACON_STAGE_NEW);
  }
}

static void
test_level_changes (void)
{
  g_autofree char *dir = beacon_test_make_dir ();
  g_autoptr(BeaconStore) store = open_store (dir, "level.db", T0);
  g_autoptr(BeaconTicket) ticket = beacon_test_make_ticket (store, 3);
  g_autoptr(BeaconTicket) after = NULL;
  g_autoptr(JsonObject) payload = json_object_new ();
  g_autoptr(JsonObject) bad = json_object_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;

  json_object_set_int_member (payload, "level", 2);
  id = beacon_store_add_event (store, ticket->id, BEACON_EVENT_LEVEL_CHANGED, T0 + 60,
                               "恢复超时升级", payload, &error);
  g_assert_no_error (error);
  after = beacon_store_get_ticket (store, ticket->id, TRUE, &error);
  g_assert_cmpint (after->level, ==, 2);
  g_assert_cmpint (after->initial_level, ==, 3);
  g_assert_nonnull (strstr (((BeaconEvent *) after->events->pdata[1])->payload, "\"from\":3"));

  json_object_set_int_member (bad, "level", 5);
  g_assert_null (beacon_store_add_event (store, ticket->id, BEACON_EVENT_LEVEL_CHANGED, 0, NULL, bad, &error));
  g_assert_error (error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "5"));
}

static void
test_search_chinese (void)
{
  g_autofree char *dir = beacon_test_make_dir ();
  g_autoptr(BeaconStore) store = open_store (dir, "search.db", T0);
  g_autoptr(BeaconTicket) ticket = beacon_test_make_ticket (store, 1);
  g_autoptr(BeaconTicket) other = beacon_test_make_ticket (store, 4);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) summary = json_node_new (JSON_NODE_VALUE);
  g_autofree char *event_id = NULL;
  static const struct { const char *query; guint expected; } queries[] = {
    { "宕机", 1 },                 /* two characters: below a trigram */
    { "主服务器宕机", 1 },         /* summary substring */
    { "禅城区", 2 },               /* site */
    { "应急管理", 2 },             /* customer */
    { "无法正常", 2 },             /* symptoms, the same in both */
    { "更换硬盘", 1 },             /* a note in the timeline */
    { "禅城 宕机", 1 },            /* every word must match */
    { "日志已满", 1 },
    { "不存在的词", 0 },
    { "100%", 0 },                 /* LIKE wildcards are literal */
    { "\"", 0 },
  };

  json_node_set_string (summary, "系统日志已满");
  g_assert_true (beacon_store_set_ticket_field (store, other->id, "summary", summary, &error));
  event_id = beacon_store_add_event (store, ticket->id, BEACON_EVENT_ACTION, T0 + 60,
                                     "更换硬盘并重建阵列", NULL, &error);
  g_assert_no_error (error);

  for (guint i = 0; i < G_N_ELEMENTS (queries); i++)
    {
      g_autoptr(GPtrArray) found = beacon_store_search_tickets (store, queries[i].query, 0, &error);

      g_assert_no_error (error);
      if (found->len != queries[i].expected)
        g_error ("search “%s”: %u found, %u expected", queries[i].query, found->len, queries[i].expected);
    }

  /* Among open tickets only: closing one hides it from that search. */
  g_free (beacon_store_add_event (store, other->id, BEACON_EVENT_CLOSED, T0 + 120, NULL, NULL, &error));
  g_assert_no_error (error);
  {
    g_autoptr(GPtrArray) all = beacon_store_search_tickets (store, "禅城", 0, &error);
    g_autoptr(GPtrArray) open = beacon_store_search_open_tickets (store, "禅城", 0, &error);
    g_autoptr(GPtrArray) open_long = beacon_store_search_open_tickets (store, "日志已满", 0, &error);

    g_assert_cmpuint (all->len, ==, 2);
    g_assert_cmpuint (open->len, ==, 1);
    g_assert_cmpstr (((BeaconTicket *) open->pdata[0])->id, ==, ticket->id);
    g_assert_cmpuint (open_long->len, ==, 0);
  }

  /* The ticket number finds its ticket. */
  {
    g_autoptr(GPtrArray) found = beacon_store_search_tickets (store, ticket->number, 0, &error);

    g_assert_cmpuint (found->len, ==, 1);
    g_assert_cmpstr (((BeaconTicket *) found->pdata[0])->number, ==, ticket->number);
  }
}

static void
test_fields_validated (void)
{
  g_autofree char *dir = beacon_test_make_dir ();
  g_autoptr(BeaconStore) store = open_store (dir, "fields.db", T0);
  g_autoptr(BeaconTicket) ticket = beacon_test_make_ticket (store, 2);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) empty = json_node_new (JSON_NODE_VALUE);
  g_autoptr(JsonNode) unknown_contact = json_node_new (JSON_NODE_VALUE);
  g_autofree char *before = beacon_test_export (store);
  g_autofree char *after = NULL;
  BeaconTicketDraft draft = { 0 };

  json_node_set_string (empty, "   ");
  g_assert_false (beacon_store_set_ticket_field (store, ticket->id, "summary", empty, &error));
  g_assert_error (error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_INVALID);
  g_clear_error (&error);

  json_node_set_string (unknown_contact, "no-such-contact");
  g_assert_false (beacon_store_set_ticket_field (store, ticket->id, "contact", unknown_contact, &error));
  g_assert_error (error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_assert_false (beacon_store_set_ticket_field (store, ticket->id, "number", unknown_contact, &error));
  g_assert_error (error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_INVALID);
  g_clear_error (&error);

  /* Intake without a customer, or with an empty summary, is refused. */
  draft.level = 1;
  draft.summary = "x";
  g_assert_null (beacon_store_create_ticket (store, &draft, &error));
  g_assert_error (error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "Customer"));
  g_clear_error (&error);

  draft.customer_id = ticket->customer_id;
  draft.summary = "";
  g_assert_null (beacon_store_create_ticket (store, &draft, &error));
  g_assert_error (error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "Summary"));
  g_clear_error (&error);

  /* Closing twice is refused. */
  g_free (beacon_store_add_event (store, ticket->id, BEACON_EVENT_CLOSED, 0, NULL, NULL, &error));
  g_assert_no_error (error);
  g_clear_pointer (&before, g_free);
  before = beacon_test_export (store);
  g_assert_null (beacon_store_add_event (store, ticket->id, BEACON_EVENT_CLOSED, 0, NULL, NULL, &error));
  g_assert_error (error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_INVALID);

  after = beacon_test_export (store);
  g_assert_cmpstr (after, ==, before);
}

static void
test_demo_data (void)
{
  g_autofree char *dir = beacon_test_make_dir ();
  g_autoptr(BeaconStore) store = open_store (dir, "demo.db", T0);
  g_autoptr(GPtrArray) tickets = NULL;
  g_autoptr(GPtrArray) open = NULL;
  g_autoptr(GError) error = NULL;
  guint stages[BEACON_N_STAGES] = { 0 };
  guint kinds[BEACON_N_KINDS] = { 0 };
  guint levels[5] = { 0 };

  g_assert_true (beacon_store_fill_demo (store, 1500, 7, &error));
  g_assert_no_error (error);

  tickets = beacon_store_list_tickets (store, FALSE, &error);
  open = beacon_store_list_tickets (store, TRUE, &error);
  g_assert_cmpuint (tickets->len, ==, 1500);
  g_assert_cmpuint (open->len, >, 30);
  g_assert_cmpuint (open->len, <, 150);

  for (guint i = 0; i < tickets->len; i++)
    {
      BeaconTicket *ticket = g_ptr_array_index (tickets, i);

      stages[ticket->stage]++;
      kinds[ticket->kind]++;
      levels[CLAMP (ticket->initial_level, 0, 4)]++;
      g_assert_cmpint (ticket->accepted_at, <=, T0);
      g_assert_nonnull (ticket->customer);
      g_assert_nonnull (ticket->site);
    }

  for (guint s = 0; s < BEACON_N_STAGES; s++)
    g_assert_cmpuint (stages[s], >, 0);
  for (guint k = 0; k < BEACON_N_KINDS; k++)
    if (k != BEACON_KIND_INVESTIGATION)
      g_assert_cmpuint (kinds[k], >, 0);
  for (guint l = 1; l <= 4; l++)
    g_assert_cmpuint (levels[l], >, 0);

  /* Histories are consistent in time: each event at or after acceptance, none in the future. */
  for (guint i = 0; i < tickets->len; i += 37)
    {
      BeaconTicket *summary = g_ptr_array_index (tickets, i);
      g_autoptr(BeaconTicket) ticket = beacon_store_get_ticket (store, summary->id, TRUE, &error);

      for (guint j = 0; j < ticket->events->len; j++)
        {
          BeaconEvent *event = g_ptr_array_index (ticket->events, j);

          g_assert_cmpint (event->occurred_at, >=, ticket->accepted_at);
          g_assert_cmpint (event->occurred_at, <=, T0);
          g_assert_cmpint (event->recorded_at, >=, event->occurred_at);
        }
    }
}

static void
test_roles_guard_policy (void)
{
  g_autofree char *dir = beacon_test_make_dir ();
  g_autoptr(BeaconStore) store = open_store (dir, "roles.db", T0);
  g_autoptr(BeaconCalendar) calendar = beacon_calendar_get_builtin ("cn-5x8");
  g_autoptr(GError) error = NULL;
  g_autofree char *engineer = beacon_store_add_user (store, "李强", BEACON_ROLE_ENGINEER, NULL, &error);
  g_autofree char *supervisor = beacon_store_add_user (store, "赵敏", BEACON_ROLE_SUPERVISOR, NULL, &error);
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;

  g_assert_no_error (error);
  before = beacon_test_export (store);

  /* An engineer may not move every deadline by editing a calendar. */
  beacon_store_set_author (store, engineer);
  g_assert_false (beacon_store_save_calendar (store, calendar, &error));
  g_assert_error (error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_NOT_ALLOWED);
  g_assert_nonnull (strstr (error->message, "李强"));
  g_clear_error (&error);
  g_assert_cmpint (beacon_store_set_policy (store, "{}", &error), ==, 0);
  g_assert_error (error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_NOT_ALLOWED);
  g_clear_error (&error);
  after = beacon_test_export (store);
  g_assert_cmpstr (after, ==, before);

  /* A supervisor may. */
  beacon_store_set_author (store, supervisor);
  g_assert_true (beacon_store_save_calendar (store, calendar, &error));
  g_assert_no_error (error);
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/ticket/number/unique-across-devices", test_numbers_unique_across_devices);
  g_test_add_func ("/ticket/stage/from-events", test_stage_from_events);
  g_test_add_func ("/ticket/level/changes", test_level_changes);
  g_test_add_func ("/ticket/search/chinese", test_search_chinese);
  g_test_add_func ("/ticket/fields/validated", test_fields_validated);
  g_test_add_func ("/ticket/demo/consistent", test_demo_data);
  g_test_add_func ("/ticket/roles/guard-policy", test_roles_guard_policy);

  return g_test_run ();
}
