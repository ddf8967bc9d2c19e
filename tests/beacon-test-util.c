/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "beacon-archive.h"
#include "beacon-test-util.h"

char beacon_test_last_number[64];

/* A fresh folder under the test's temporary directory. */
char *
beacon_test_make_dir (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("beacon-test-XXXXXX", &error);

  g_assert_no_error (error);
  return dir;
}

/* A ticket for 佛山市应急管理局 / 禅城区应急广播站, made on the spot. */
BeaconTicket *
beacon_test_make_ticket (BeaconStore *store,
                         int          level)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BeaconCustomer) customer = beacon_store_find_customer (store, "佛山市应急管理局", NULL);
  BeaconTicketDraft draft = { 0 };
  BeaconTicket *ticket;

  if (customer == NULL)
    {
      g_autofree char *id = beacon_store_add_customer (store, "佛山市应急管理局", "FS", &error);
      g_autofree char *site_id = NULL;

      g_assert_no_error (error);
      site_id = beacon_store_add_site (store, id, "禅城区应急广播站", NULL, &error);
      g_assert_no_error (error);
      customer = beacon_store_find_customer (store, id, &error);
      g_assert_no_error (error);
    }

  draft.kind = BEACON_KIND_FAULT;
  draft.level = level;
  draft.customer_id = customer->id;
  draft.site_id = ((BeaconSite *) g_ptr_array_index (customer->sites, 0))->id;
  draft.summary = "应急广播平台主服务器宕机";
  draft.symptoms = "重启后仍无法正常工作";

  ticket = beacon_store_create_ticket (store, &draft, &error);
  g_assert_no_error (error);
  g_assert_nonnull (ticket);
  g_strlcpy (beacon_test_last_number, ticket->number, sizeof beacon_test_last_number);

  return ticket;
}

char *
beacon_test_export (BeaconStore *store)
{
  g_autoptr(GOutputStream) out = g_memory_output_stream_new_resizable ();
  g_autoptr(GError) error = NULL;

  g_assert_true (beacon_store_export_json (store, out, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_output_stream_write_all (out, "", 1, NULL, NULL, &error));
  g_assert_true (g_output_stream_close (out, NULL, &error));

  return g_memory_output_stream_steal_data (G_MEMORY_OUTPUT_STREAM (out));
}

static int
compare_numbers (gconstpointer a,
                 gconstpointer b)
{
  const BeaconTicket *ta = *(BeaconTicket * const *) a;
  const BeaconTicket *tb = *(BeaconTicket * const *) b;

  return g_strcmp0 (ta->number, tb->number);
}

/* What a person sees of every ticket, one per line, by number. */
char *
beacon_test_describe_tickets (BeaconStore *store)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) tickets = beacon_store_list_tickets (store, FALSE, &error);
  GString *out = g_string_new (NULL);

  g_assert_no_error (error);
  g_ptr_array_sort (tickets, compare_numbers);

  for (guint i = 0; i < tickets->len; i++)
    {
      BeaconTicket *ticket = g_ptr_array_index (tickets, i);
      g_autofree char *assignees = g_strjoinv (",", ticket->assignees);

      g_string_append_printf (out, "%s|%s|L%d/%d|%s|%s|%s|%s|%s\n",
                              ticket->number, beacon_stage_to_string (ticket->stage),
                              ticket->level, ticket->initial_level, ticket->customer,
                              ticket->site, ticket->summary,
                              ticket->symptoms ? ticket->symptoms : "", assignees);
    }

  return g_string_free (out, FALSE);
}
