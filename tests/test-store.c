/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <locale.h>
#include <sqlite3.h>

#include "beacon-archive.h"
#include "beacon-conflicts.h"
#include "beacon-hlc.h"
#include "beacon-store.h"
#include "beacon-test-util.h"
#include "beacon-ticket.h"

/* 2026-11-27T09:00:00+08:00 */
#define T0 ((gint64) 1795741200)

static void
test_migrations_from_empty (void)
{
  g_autofree char *dir = beacon_test_make_dir ();
  g_autofree char *path = g_build_filename (dir, "new.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(BeaconClock) clock = beacon_clock_new_fixed (T0 * G_USEC_PER_SEC);
  g_autoptr(BeaconStore) store = NULL;
  sqlite3 *db;
  sqlite3_stmt *stmt;

  /* An empty file, as a user might create by mistake, is a database of version 0. */
  g_assert_true (g_file_set_contents (path, "", 0, NULL));

  store = beacon_store_open (path, clock, &error);
  g_assert_no_error (error);
  g_assert_nonnull (store);
  g_assert_cmpuint (strlen (beacon_store_get_device_id (store)), ==, 36);
  g_assert_cmpuint (strlen (beacon_store_get_device_code (store)), ==, 4);
  g_clear_object (&store);

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "PRAGMA user_version", -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpint (sqlite3_column_int (stmt, 0), ==, BEACON_SCHEMA_VERSION);
  sqlite3_finalize (stmt);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "PRAGMA journal_mode", -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 0), ==, "wal");
  sqlite3_finalize (stmt);
  sqlite3_close (db);

  /* Opening again keeps the identity and migrates nothing. */
  {
    g_autoptr(BeaconStore) again = beacon_store_open (path, clock, &error);

    g_assert_no_error (error);
    g_assert_nonnull (again);
  }
}

static void
test_refuses_newer_database (void)
{
  g_autofree char *dir = beacon_test_make_dir ();
  g_autofree char *path = g_build_filename (dir, "future.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(BeaconClock) clock = beacon_clock_new_fixed (T0 * G_USEC_PER_SEC);
  g_autoptr(BeaconStore) store = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  gsize before_len, after_len;
  sqlite3 *db;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "CREATE TABLE future (x); PRAGMA user_version = 99;",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
  g_assert_true (g_file_get_contents (path, &before, &before_len, NULL));

  store = beacon_store_open (path, clock, &error);
  g_assert_null (store);
  g_assert_error (error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_TOO_NEW);
  g_assert_nonnull (strstr (error->message, "newer version of Beacon"));
  g_assert_nonnull (strstr (error->message, "99"));

  g_assert_true (g_file_get_contents (path, &after, &after_len, NULL));
  g_assert_cmpmem (before, before_len, after, after_len);
}

static void
test_hlc_monotonic (void)
{
  g_autofree char *dir = beacon_test_make_dir ();
  g_autofree char *path = g_build_filename (dir, "hlc.db", NULL);
  g_autoptr(BeaconClock) clock = beacon_clock_new_fixed (T0 * G_USEC_PER_SEC);
  g_autoptr(BeaconStore) store = NULL;
  g_autoptr(GError) error = NULL;
  BeaconHlc last = 0;

  /* Pure function: a clock stepped back an hour never makes the HLC go back. */
  {
    BeaconHlc h = beacon_hlc_tick (0, 1000000);
    BeaconHlc back = beacon_hlc_tick (h, 1000000 - 3600000);
    BeaconHlc merged;

    g_assert_cmpuint (back, >, h);
    g_assert_cmpint (BEACON_HLC_MS (back), ==, 1000000);
    g_assert_cmpuint (BEACON_HLC_COUNTER (back), ==, 1);

    /* A remote clock 5 hours ahead pulls ours forward. */
    merged = beacon_hlc_merge (back, BEACON_HLC_PACK (1000000 + 5 * 3600000, 7), 1000000);
    g_assert_cmpint (BEACON_HLC_MS (merged), ==, 1000000 + 5 * 3600000);
    g_assert_cmpuint (BEACON_HLC_COUNTER (merged), ==, 8);

    /* A full counter borrows the next millisecond. */
    g_assert_cmpuint (beacon_hlc_tick (BEACON_HLC_PACK (5, 0xffff), 0), ==, BEACON_HLC_PACK (6, 0));
  }

  store = beacon_store_open (path, clock, &error);
  g_assert_no_error (error);

  for (guint i = 0; i < 20; i++)
    {
      g_autofree char *name = g_strdup_printf ("客户%u", i);
      g_autofree char *id = NULL;

      /* The wall clock jumps about, backwards as often as forwards. */
      beacon_clock_set_now (clock, (T0 + (i % 2 ? -3600 : 60 * (gint64) i)) * G_USEC_PER_SEC);
      id = beacon_store_add_customer (store, name, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (beacon_store_get_hlc (store), >, last);
      last = beacon_store_get_hlc (store);
    }

  /* The HLC is persisted with the changes: reopening continues from it. */
  g_clear_object (&store);
  beacon_clock_set_now (clock, (T0 - 86400) * G_USEC_PER_SEC);
  store = beacon_store_open (path, clock, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (beacon_store_get_hlc (store), ==, last);
  {
    g_autofree char *id = beacon_store_add_customer (store, "昨天的客户", NULL, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (beacon_store_get_hlc (store), >, last);
  }
}

static void
test_events_immutable (void)
{
  g_autofree char *dir = beacon_test_make_dir ();
  g_autofree char *path = g_build_filename (dir, "immutable.db", NULL);
  g_autoptr(BeaconClock) clock = beacon_clock_new_fixed (T0 * G_USEC_PER_SEC);
  g_autoptr(BeaconStore) store = NULL;
  g_autoptr(BeaconTicket) ticket = NULL;
  g_autoptr(GError) error = NULL;
  sqlite3 *db;
  char *message = NULL;

  store = beacon_store_open (path, clock, &error);
  g_assert_no_error (error);
  ticket = beacon_test_make_ticket (store, 1);

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "UPDATE ticket_events SET note = 'forged'", NULL, NULL, &message),
                   !=, SQLITE_OK);
  g_assert_nonnull (strstr (message, "immutable"));
  sqlite3_free (message);
  g_assert_cmpint (sqlite3_exec (db, "DELETE FROM ticket_events", NULL, NULL, &message), !=, SQLITE_OK);
  g_assert_nonnull (strstr (message, "immutable"));
  sqlite3_free (message);
  g_assert_cmpint (sqlite3_exec (db, "UPDATE oplog SET value = '\"x\"'", NULL, NULL, &message), !=, SQLITE_OK);
  g_assert_nonnull (strstr (message, "append-only"));
  sqlite3_free (message);
  g_assert_cmpint (sqlite3_exec (db, "DELETE FROM oplog", NULL, NULL, &message), !=, SQLITE_OK);
  sqlite3_free (message);
  sqlite3_close (db);

  g_clear_pointer (&ticket, beacon_ticket_free);
  ticket = beacon_store_get_ticket (store, beacon_test_last_number, TRUE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ticket->events->len, ==, 1);
  g_assert_cmpstr (((BeaconEvent *) g_ptr_array_index (ticket->events, 0))->note, ==, "");
}

/* Three devices work offline: a shared customer and ticket, then concurrent
 * edits of the same fields (one device's clock is 5 hours fast). */
static GPtrArray *
make_concurrent_changes (const char *dir,
                         GPtrArray **out_stores)
{
  g_autoptr(GPtrArray) stores = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) all = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(BeaconTicket) ticket = NULL;
  BeaconStore *a, *b, *c;
  guint n;

  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *path = g_strdup_printf ("%s/device-%u.db", dir, i);
      g_autoptr(BeaconClock) clock =
        beacon_clock_new_fixed ((T0 + (i == 2 ? 5 * 3600 : 0)) * G_USEC_PER_SEC);
      BeaconStore *store = beacon_store_open (path, clock, &error);

      g_assert_no_error (error);
      g_ptr_array_add (stores, store);
    }
  a = g_ptr_array_index (stores, 0);
  b = g_ptr_array_index (stores, 1);
  c = g_ptr_array_index (stores, 2);

  ticket = beacon_test_make_ticket (a, 2);

  /* Everyone gets A's work. */
  all = beacon_store_list_changes (a, NULL, 0, 0, &error);
  g_assert_no_error (error);
  beacon_store_apply_changes (b, all, &n, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (n, ==, all->len);
  beacon_store_apply_changes (c, all, NULL, &error);
  g_assert_no_error (error);

  /* Offline, each edits the summary; A twice (a sequential edit is no conflict). */
  for (guint i = 0; i < 3; i++)
    {
      BeaconStore *store = g_ptr_array_index (stores, i);
      g_autoptr(JsonNode) value = json_node_new (JSON_NODE_VALUE);
      g_autofree char *text = g_strdup_printf ("设备%u的摘要", i);

      json_node_set_string (value, text);
      beacon_clock_advance (beacon_store_get_clock (store), (i + 1) * G_USEC_PER_SEC);
      g_assert_true (beacon_store_set_ticket_field (store, ticket->id, "summary", value, &error));
      g_assert_no_error (error);
    }
  {
    g_autoptr(JsonNode) value = json_node_new (JSON_NODE_VALUE);

    json_node_set_string (value, "设备0改了两次");
    g_assert_true (beacon_store_set_ticket_field (a, ticket->id, "summary", value, &error));
    json_node_set_string (value, "B 改了症状");
    g_assert_true (beacon_store_set_ticket_field (b, ticket->id, "symptoms", value, &error));
  }
  g_free (beacon_store_add_event (b, ticket->id, BEACON_EVENT_ACKNOWLEDGED, T0 + 600, "B 电话确认",
                                  NULL, &error));
  g_assert_no_error (error);
  g_free (beacon_store_add_event (c, ticket->id, BEACON_EVENT_REMOTE_CONNECTED, T0 + 900, NULL,
                                  NULL, &error));
  g_assert_no_error (error);
  g_free (beacon_store_add_customer (c, "C 新客户", "CC", &error));
  g_assert_no_error (error);

  g_clear_pointer (&all, g_ptr_array_unref);
  all = g_ptr_array_new_with_free_func ((GDestroyNotify) beacon_change_free);
  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(GPtrArray) changes =
        beacon_store_list_changes (g_ptr_array_index (stores, i),
                                   beacon_store_get_device_id (g_ptr_array_index (stores, i)),
                                   0, 0, &error);
      g_assert_no_error (error);
      for (guint j = 0; j < changes->len; j++)
        g_ptr_array_add (all, beacon_change_copy (g_ptr_array_index (changes, j)));
    }

  if (out_stores != NULL)
    *out_stores = g_steal_pointer (&stores);
  return g_steal_pointer (&all);
}

static void
test_lww_any_order (void)
{
  g_autofree char *dir = beacon_test_make_dir ();
  g_autoptr(GPtrArray) stores = NULL;
  g_autoptr(GPtrArray) changes = make_concurrent_changes (dir, &stores);
  g_autoptr(GRand) rand = g_rand_new_with_seed (20261127);
  g_autofree char *reference = NULL;
  g_autofree char *reference_tickets = NULL;
  g_autoptr(GError) error = NULL;

  for (guint round = 0; round < 50; round++)
    {
      g_autofree char *path = g_strdup_printf ("%s/order-%u.db", dir, round);
      g_autoptr(BeaconClock) clock = beacon_clock_new_fixed ((T0 + round) * G_USEC_PER_SEC);
      g_autoptr(BeaconStore) store = beacon_store_open (path, clock, &error);
      g_autoptr(GPtrArray) shuffled = g_ptr_array_new ();
      g_autofree char *exported = NULL;
      g_autofree char *tickets = NULL;
      guint i = 0;

      g_assert_no_error (error);

      /* Every change once, a third of them twice, in random order. */
      for (guint j = 0; j < changes->len; j++)
        {
          g_ptr_array_add (shuffled, g_ptr_array_index (changes, j));
          if (g_rand_int_range (rand, 0, 3) == 0)
            g_ptr_array_add (shuffled, g_ptr_array_index (changes, j));
        }
      for (guint j = shuffled->len - 1; j > 0; j--)
        {
          guint k = g_rand_int_range (rand, 0, j + 1);
          gpointer tmp = shuffled->pdata[j];

          shuffled->pdata[j] = shuffled->pdata[k];
          shuffled->pdata[k] = tmp;
        }

      /* …in batches of random size, as segments would bring them. */
      while (i < shuffled->len)
        {
          guint wanted = g_rand_int_range (rand, 1, 8);
          guint size = MIN (wanted, shuffled->len - i);
          g_autoptr(GPtrArray) batch = g_ptr_array_new ();

          for (guint j = 0; j < size; j++)
            g_ptr_array_add (batch, shuffled->pdata[i + j]);
          g_assert_true (beacon_store_apply_changes (store, batch, NULL, &error));
          g_assert_no_error (error);
          i += size;
        }

      exported = beacon_test_export (store);
      tickets = beacon_test_describe_tickets (store);
      if (reference == NULL)
        {
          reference = g_steal_pointer (&exported);
          reference_tickets = g_steal_pointer (&tickets);
          continue;
        }
      g_assert_cmpstr (exported, ==, reference);
      g_assert_cmpstr (tickets, ==, reference_tickets);
    }

  /* The winner is the latest write: C's clock is 5 hours fast, so it wins.
   * The values of A's last edit and of B's are kept as conflicts;
   * A's first edit was replaced by A itself and is not. */
  g_assert_nonnull (strstr (reference, "\"summary\":\"设备2的摘要\""));
  g_assert_nonnull (strstr (reference, "\"value\":\"设备0改了两次\""));
  g_assert_nonnull (strstr (reference, "\"value\":\"设备1的摘要\""));
  g_assert_null (strstr (reference, "\"value\":\"设备0的摘要\""));
  g_assert_nonnull (strstr (reference_tickets, "responding"));

  /* The devices themselves converge to the same bytes too. */
  for (guint i = 0; i < stores->len; i++)
    {
      BeaconStore *store = g_ptr_array_index (stores, i);
      g_autofree char *exported = NULL;

      g_assert_true (beacon_store_apply_changes (store, changes, NULL, &error));
      g_assert_no_error (error);
      exported = beacon_test_export (store);
      g_assert_cmpstr (exported, ==, reference);
    }
}

static void
test_resolve_conflict (void)
{
  g_autofree char *dir = beacon_test_make_dir ();
  g_autoptr(GPtrArray) stores = NULL;
  g_autoptr(GPtrArray) changes = make_concurrent_changes (dir, &stores);
  BeaconStore *a = NULL, *b = NULL;
  g_autoptr(GPtrArray) resolution = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *exported_a = NULL;
  g_autofree char *exported_b = NULL;
  g_autofree char *ticket_id = NULL;
  const char *found;

  a = g_ptr_array_index (stores, 0);
  b = g_ptr_array_index (stores, 1);
  g_assert_true (beacon_store_apply_changes (a, changes, NULL, &error));
  g_assert_true (beacon_store_apply_changes (b, changes, NULL, &error));

  /* The summary's conflict: settle it on A with a loser's value. */
  exported_a = beacon_test_export (a);
  found = strstr (exported_a, "\"entity_id\":\"");
  g_assert_nonnull (found);
  ticket_id = g_strndup (found + strlen ("\"entity_id\":\""), 36);

  g_assert_false (beacon_store_resolve_conflict (a, "ticket", ticket_id, "channel", "\"x\"", &error));
  g_assert_error (error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_assert_true (beacon_store_resolve_conflict (a, "ticket", ticket_id, "summary",
                                                "\"设备1的摘要\"", &error));
  g_assert_no_error (error);
  g_clear_pointer (&exported_a, g_free);
  exported_a = beacon_test_export (a);
  g_assert_null (strstr (exported_a, "\"field\":\"summary\""));
  g_assert_nonnull (strstr (exported_a, "\"summary\":\"设备1的摘要\""));

  /* B gets the settlement and agrees, conflict gone there too. */
  resolution = beacon_store_list_changes (a, beacon_store_get_device_id (a), 0, 0, &error);
  g_assert_true (beacon_store_apply_changes (b, resolution, NULL, &error));
  g_assert_no_error (error);
  exported_b = beacon_test_export (b);
  g_assert_cmpstr (exported_a, ==, exported_b);
}

static void
test_rebuild_projections (void)
{
  g_autofree char *dir = beacon_test_make_dir ();
  g_autoptr(GPtrArray) stores = NULL;
  g_autoptr(GPtrArray) changes = make_concurrent_changes (dir, &stores);
  BeaconStore *store = g_ptr_array_index (stores, 0);
  g_autofree char *before = NULL;
  g_autofree char *before_tickets = NULL;
  g_autofree char *after = NULL;
  g_autofree char *after_tickets = NULL;
  g_autoptr(GPtrArray) found = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (beacon_store_apply_changes (store, changes, NULL, &error));
  before = beacon_test_export (store);
  before_tickets = beacon_test_describe_tickets (store);

  g_assert_true (beacon_store_rebuild_projections (store, &error));
  g_assert_no_error (error);
  g_assert_true (beacon_store_check_integrity (store, &error));

  after = beacon_test_export (store);
  after_tickets = beacon_test_describe_tickets (store);
  g_assert_cmpstr (after, ==, before);
  g_assert_cmpstr (after_tickets, ==, before_tickets);

  /* The search index came back too. */
  found = beacon_store_search_tickets (store, "电话确认", 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (found->len, ==, 1);
}

static void
test_diverged_change_refused (void)
{
  g_autofree char *dir = beacon_test_make_dir ();
  g_autoptr(GPtrArray) stores = NULL;
  g_autoptr(GPtrArray) changes = make_concurrent_changes (dir, &stores);
  g_autofree char *path = g_build_filename (dir, "victim.db", NULL);
  g_autoptr(BeaconClock) clock = beacon_clock_new_fixed (T0 * G_USEC_PER_SEC);
  g_autoptr(BeaconStore) store = beacon_store_open (path, clock, NULL);
  g_autoptr(GPtrArray) forged = g_ptr_array_new_with_free_func ((GDestroyNotify) beacon_change_free);
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  BeaconChange *change;

  g_assert_true (beacon_store_apply_changes (store, changes, NULL, &error));
  before = beacon_test_export (store);

  /* Same device and sequence, other content: refused, and the whole batch with it. */
  g_ptr_array_add (forged, beacon_change_copy (g_ptr_array_index (changes, 0)));
  change = beacon_change_copy (g_ptr_array_index (changes, 1));
  g_free (change->value);
  change->value = g_strdup ("\"forged\"");
  g_ptr_array_add (forged, change);

  g_assert_false (beacon_store_apply_changes (store, forged, NULL, &error));
  g_assert_error (error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_DIVERGED);
  g_clear_error (&error);

  /* Malformed JSON and a missing device are refused with a message. */
  g_ptr_array_set_size (forged, 0);
  g_ptr_array_add (forged, beacon_change_new ("dev", 1, 5, 1, "ticket", "x", "summary", "{not json", "[]"));
  g_assert_false (beacon_store_apply_changes (store, forged, NULL, &error));
  g_assert_error (error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "dev/1"));
  g_clear_error (&error);

  after = beacon_test_export (store);
  g_assert_cmpstr (after, ==, before);
}

static void
test_unknown_field_kept (void)
{
  g_autofree char *dir = beacon_test_make_dir ();
  g_autofree char *path = g_build_filename (dir, "newer.db", NULL);
  g_autoptr(BeaconClock) clock = beacon_clock_new_fixed (T0 * G_USEC_PER_SEC);
  g_autoptr(GError) error = NULL;
  g_autoptr(BeaconStore) store = beacon_store_open (path, clock, &error);
  g_autoptr(GPtrArray) changes = g_ptr_array_new_with_free_func ((GDestroyNotify) beacon_change_free);
  g_autofree char *exported = NULL;

  /* A field a newer Beacon knows: kept and exported, no crash. */
  g_ptr_array_add (changes, beacon_change_new ("9f1c1b7e-0000-4000-8000-000000000001", 1,
                                               BEACON_HLC_PACK ((T0 * 1000), 0), 2,
                                               "customer", "c-1", "vip_level", "{\"tier\":3}", "[]"));
  g_assert_true (beacon_store_apply_changes (store, changes, NULL, &error));
  g_assert_no_error (error);
  exported = beacon_test_export (store);
  g_assert_nonnull (strstr (exported, "\"vip_level\":{\"tier\":3}"));
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/store/migrations/from-empty-file", test_migrations_from_empty);
  g_test_add_func ("/store/migrations/refuses-newer", test_refuses_newer_database);
  g_test_add_func ("/store/hlc/monotonic", test_hlc_monotonic);
  g_test_add_func ("/store/events/immutable", test_events_immutable);
  g_test_add_func ("/store/lww/fifty-orders", test_lww_any_order);
  g_test_add_func ("/store/projections/rebuild", test_rebuild_projections);
  g_test_add_func ("/store/conflicts/resolve", test_resolve_conflict);
  g_test_add_func ("/store/apply/diverged", test_diverged_change_refused);
  g_test_add_func ("/store/apply/unknown-field", test_unknown_field_kept);

  return g_test_run ();
}
