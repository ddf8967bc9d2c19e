/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "beaconctl"

#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>

#include "beacon-json.h"
#include "beaconctl.h"

static JsonNode *
ticket_to_json (BeaconTicket *ticket)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  beaconctl_json_add_string (builder, "number", ticket->number);
  beaconctl_json_add_string (builder, "id", ticket->id);
  beaconctl_json_add_string (builder, "kind", beacon_kind_to_string (ticket->kind));
  json_builder_set_member_name (builder, "level");
  json_builder_add_int_value (builder, ticket->level);
  json_builder_set_member_name (builder, "initial_level");
  json_builder_add_int_value (builder, ticket->initial_level);
  beaconctl_json_add_string (builder, "customer", ticket->customer);
  beaconctl_json_add_string (builder, "site", ticket->site);
  beaconctl_json_add_string (builder, "system", ticket->system);
  beaconctl_json_add_string (builder, "contact", ticket->contact);
  beaconctl_json_add_string (builder, "contact_phone", ticket->contact_phone);
  beaconctl_json_add_string (builder, "channel", ticket->channel);
  beaconctl_json_add_time (builder, "accepted_at", ticket->accepted_at);
  beaconctl_json_add_time (builder, "fault_at", ticket->fault_at);
  beaconctl_json_add_string (builder, "summary", ticket->summary);
  beaconctl_json_add_string (builder, "symptoms", ticket->symptoms);
  beaconctl_json_add_string (builder, "stage", beacon_stage_to_string (ticket->stage));

  json_builder_set_member_name (builder, "assignees");
  json_builder_begin_array (builder);
  for (guint i = 0; ticket->assignees && ticket->assignees[i]; i++)
    json_builder_add_string_value (builder, ticket->assignees[i]);
  json_builder_end_array (builder);

  if (ticket->events != NULL)
    {
      json_builder_set_member_name (builder, "events");
      json_builder_begin_array (builder);
      for (guint i = 0; i < ticket->events->len; i++)
        {
          BeaconEvent *event = g_ptr_array_index (ticket->events, i);
          g_autoptr(JsonNode) payload = beacon_json_parse (event->payload, NULL);

          json_builder_begin_object (builder);
          beaconctl_json_add_string (builder, "type", beacon_event_type_to_string (event->type));
          beaconctl_json_add_time (builder, "occurred_at", event->occurred_at);
          beaconctl_json_add_time (builder, "recorded_at", event->recorded_at);
          beaconctl_json_add_string (builder, "author", event->author);
          beaconctl_json_add_string (builder, "note", event->note);
          json_builder_set_member_name (builder, "payload");
          if (payload != NULL)
            json_builder_add_value (builder, g_steal_pointer (&payload));
          else
            json_builder_add_null_value (builder);
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
    }

  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

static void
print_ticket_line (BeaconTicket *ticket)
{
  printf ("%-26s L%d  %-10s %s · %s  %s\n",
          ticket->number, ticket->level, beacon_stage_to_string (ticket->stage),
          ticket->customer ? ticket->customer : "", ticket->site ? ticket->site : "",
          ticket->summary ? ticket->summary : "");
}

static void
print_tickets (GPtrArray *tickets,
               gboolean   json)
{
  if (json)
    {
      g_autoptr(JsonArray) array = json_array_new ();
      g_autoptr(JsonNode) node = json_node_new (JSON_NODE_ARRAY);

      for (guint i = 0; i < tickets->len; i++)
        json_array_add_element (array, ticket_to_json (g_ptr_array_index (tickets, i)));
      json_node_set_array (node, array);
      beaconctl_print_json (node);
      return;
    }

  for (guint i = 0; i < tickets->len; i++)
    print_ticket_line (g_ptr_array_index (tickets, i));
}

static gboolean
parse_level (int      level,
             GError **error)
{
  if (level < BEACON_LEVEL_MIN || level > BEACON_LEVEL_MAX)
    {
      g_set_error (error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_INVALID,
                   _("--level %d: the fault level is 1, 2, 3 or 4"), level);
      return FALSE;
    }
  return TRUE;
}

static const char *
find_named (GPtrArray  *items,
            gsize       name_offset,
            const char *name)
{
  for (guint i = 0; items && i < items->len; i++)
    {
      gpointer item = g_ptr_array_index (items, i);
      const char *id = *(char **) item;
      const char *item_name = G_STRUCT_MEMBER (char *, item, name_offset);

      if (g_strcmp0 (item_name, name) == 0 || g_strcmp0 (id, name) == 0)
        return id;
    }
  return NULL;
}

static int
ticket_new (BeaconctlContext *context)
{
  g_autofree char *customer_name = NULL;
  g_autofree char *site_name = NULL;
  g_autofree char *summary = NULL;
  g_autofree char *kind_text = NULL;
  g_autofree char *symptoms = NULL;
  g_autofree char *at = NULL;
  g_autofree char *fault_at = NULL;
  g_autofree char *contact_name = NULL;
  g_autofree char *system_name = NULL;
  g_autofree char *channel = NULL;
  g_autoptr(BeaconStore) store = NULL;
  g_autoptr(BeaconCustomer) customer = NULL;
  g_autoptr(BeaconTicket) ticket = NULL;
  BeaconTicketDraft draft = { 0 };
  int level = 0;
  GError *error = NULL;
  GOptionEntry entries[] = {
    { "customer", 0, 0, G_OPTION_ARG_STRING, &customer_name, N_("The customer (required)"), N_("NAME") },
    { "site", 0, 0, G_OPTION_ARG_STRING, &site_name, N_("The customer’s site (required)"), N_("NAME") },
    { "level", 0, 0, G_OPTION_ARG_INT, &level, N_("Fault level 1–4 (required)"), N_("N") },
    { "summary", 0, 0, G_OPTION_ARG_STRING, &summary, N_("The request in a few words (required)"), N_("TEXT") },
    { "kind", 0, 0, G_OPTION_ARG_STRING, &kind_text, N_("fault, consulting, inspection, check, upgrade, drill, training or follow-up"), N_("KIND") },
    { "symptoms", 0, 0, G_OPTION_ARG_STRING, &symptoms, N_("What the customer sees"), N_("TEXT") },
    { "at", 0, 0, G_OPTION_ARG_STRING, &at, N_("When the request was received (ISO 8601 with offset)"), N_("TIME") },
    { "fault-time", 0, 0, G_OPTION_ARG_STRING, &fault_at, N_("When the fault began (ISO 8601 with offset)"), N_("TIME") },
    { "contact", 0, 0, G_OPTION_ARG_STRING, &contact_name, N_("The customer’s contact"), N_("NAME") },
    { "system", 0, 0, G_OPTION_ARG_STRING, &system_name, N_("The system or equipment"), N_("NAME") },
    { "channel", 0, 0, G_OPTION_ARG_STRING, &channel, N_("phone, email, fax or alarm"), N_("CHANNEL") },
    { NULL }
  };
  int status;

  status = beaconctl_parse (context, "ticket new", _("Open a ticket and print its number."),
                            entries, 1, 1, NULL);
  if (status != 0)
    return status;

  if (customer_name == NULL || site_name == NULL || level == 0 || summary == NULL)
    {
      beaconctl_usage_error (_("ticket new needs --customer, --site, --level and --summary"));
      return BEACONCTL_EXIT_USAGE;
    }

  draft.kind = BEACON_KIND_FAULT;
  if (kind_text != NULL && !beacon_kind_from_string (kind_text, &draft.kind))
    {
      g_set_error (&error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_INVALID,
                   _("--kind “%s”: the kinds are fault, consulting, inspection, check, upgrade, "
                     "drill, training and follow-up"), kind_text);
      return beaconctl_fail (error);
    }
  if (!parse_level (level, &error) ||
      (at != NULL && !beaconctl_parse_time (at, "--at", &draft.accepted_at, &error)) ||
      (fault_at != NULL && !beaconctl_parse_time (fault_at, "--fault-time", &draft.fault_at, &error)))
    return beaconctl_fail (error);

  store = beaconctl_open_store (context, &error);
  if (store == NULL)
    return beaconctl_fail (error);

  customer = beacon_store_find_customer (store, customer_name, &error);
  if (customer == NULL)
    {
      g_prefix_error (&error, "--customer: ");
      return beaconctl_fail (error);
    }

  draft.customer_id = customer->id;
  draft.site_id = find_named (customer->sites, G_STRUCT_OFFSET (BeaconSite, name), site_name);
  if (draft.site_id == NULL)
    {
      g_set_error (&error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_NOT_FOUND,
                   _("--site: customer “%s” has no site “%s”"), customer->name, site_name);
      return beaconctl_fail (error);
    }
  if (contact_name != NULL)
    {
      draft.contact_id = find_named (customer->contacts, G_STRUCT_OFFSET (BeaconContact, name),
                                     contact_name);
      if (draft.contact_id == NULL)
        {
          g_set_error (&error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_NOT_FOUND,
                       _("--contact: customer “%s” has no contact “%s”"), customer->name, contact_name);
          return beaconctl_fail (error);
        }
    }
  if (system_name != NULL)
    {
      draft.system_id = find_named (customer->systems, G_STRUCT_OFFSET (BeaconSystem, name),
                                    system_name);
      if (draft.system_id == NULL)
        {
          g_set_error (&error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_NOT_FOUND,
                       _("--system: customer “%s” has no system “%s”"), customer->name, system_name);
          return beaconctl_fail (error);
        }
    }

  draft.level = level;
  draft.summary = summary;
  draft.symptoms = symptoms;
  draft.channel = channel;

  ticket = beacon_store_create_ticket (store, &draft, &error);
  if (ticket == NULL)
    return beaconctl_fail (error);

  printf ("%s\n", ticket->number);
  return BEACONCTL_EXIT_OK;
}

/* Turns what a person typed into the value the store keeps for @field. */
static JsonNode *
field_value (BeaconStore   *store,
             BeaconTicket  *ticket,
             const char    *field,
             const char    *text,
             GError       **error)
{
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_VALUE);

  if (g_str_equal (field, "fault_at"))
    {
      gint64 instant;

      if (!beaconctl_parse_time (text, "fault-time", &instant, error))
        return NULL;
      json_node_set_int (node, instant);
    }
  else if (g_str_equal (field, "contact") || g_str_equal (field, "system"))
    {
      g_autoptr(BeaconCustomer) customer = beacon_store_find_customer (store, ticket->customer_id, error);
      const char *id;

      if (customer == NULL)
        return NULL;

      if (g_str_equal (field, "contact"))
        {
          id = find_named (customer->contacts, G_STRUCT_OFFSET (BeaconContact, name), text);
          if (id == NULL)
            {
              /* "NAME PHONE" of someone new: add them to the archive. */
              g_auto(GStrv) words = g_strsplit (text, " ", -1);
              guint n = g_strv_length (words);
              g_autofree char *new_id = NULL;

              if (n >= 2 && strpbrk (words[n - 1], "0123456789") != NULL)
                {
                  g_autofree char *name = g_strndup (text, strlen (text) - strlen (words[n - 1]));

                  id = find_named (customer->contacts, G_STRUCT_OFFSET (BeaconContact, name),
                                   g_strstrip (name));
                  if (id == NULL)
                    new_id = beacon_store_add_contact (store, customer->id, ticket->site_id,
                                                       name, words[n - 1], error);
                  if (id == NULL && new_id == NULL)
                    return NULL;
                  json_node_set_string (node, id ? id : new_id);
                  return g_steal_pointer (&node);
                }

              g_set_error (error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_NOT_FOUND,
                           _("contact: “%s” has no contact “%s”; to add one, write "
                             "\"NAME PHONE\""), customer->name, text);
              return NULL;
            }
        }
      else
        {
          id = find_named (customer->systems, G_STRUCT_OFFSET (BeaconSystem, name), text);
          if (id == NULL)
            {
              g_set_error (error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_NOT_FOUND,
                           _("system: “%s” has no system “%s”"), customer->name, text);
              return NULL;
            }
        }
      json_node_set_string (node, id);
    }
  else if (g_str_equal (field, "assignees"))
    {
      g_autoptr(GString) commas = g_string_new (text);
      g_auto(GStrv) names = NULL;
      g_autoptr(JsonArray) array = NULL;

      /* A full-width comma (，) is what a Chinese keyboard types. */
      g_string_replace (commas, "，", ",", 0);
      names = g_strsplit (commas->str, ",", -1);
      array = json_array_new ();

      for (guint i = 0; names[i] != NULL; i++)
        {
          g_autoptr(BeaconUser) user = NULL;

          if (*g_strstrip (names[i]) == '\0')
            continue;
          user = beacon_store_find_user (store, names[i], error);
          if (user == NULL)
            {
              g_prefix_error (error, "assignees: ");
              return NULL;
            }
          json_array_add_string_element (array, user->id);
        }

      json_node_unref (node);
      node = json_node_new (JSON_NODE_ARRAY);
      json_node_set_array (node, array);
    }
  else
    json_node_set_string (node, text);

  return g_steal_pointer (&node);
}

static int
ticket_set (BeaconctlContext *context)
{
  g_auto(GStrv) positional = NULL;
  g_autoptr(BeaconStore) store = NULL;
  g_autoptr(BeaconTicket) ticket = NULL;
  g_autoptr(JsonNode) value = NULL;
  g_autofree char *field = NULL;
  const char * const *editable = beacon_ticket_editable_fields ();
  GError *error = NULL;
  int status;

  status = beaconctl_parse (context, _("ticket set NUMBER FIELD VALUE"),
                            _("Change a field of a ticket: summary, symptoms, contact, system, "
                              "assignees (names, comma-separated), fault-time, channel."),
                            NULL, 4, 4, &positional);
  if (status != 0)
    return status;

  field = g_strdelimit (g_strdup (positional[2]), "-", '_');
  if (g_str_equal (field, "fault_time"))
    g_free (g_steal_pointer (&field)), field = g_strdup ("fault_at");

  if (!g_strv_contains (editable, field))
    {
      g_set_error (&error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_INVALID,
                   _("“%s” is not a field that can be changed; the fields are: summary, symptoms, "
                     "contact, system, assignees, fault-time, channel"), positional[2]);
      return beaconctl_fail (error);
    }

  store = beaconctl_open_store (context, &error);
  if (store == NULL)
    return beaconctl_fail (error);

  ticket = beacon_store_get_ticket (store, positional[1], FALSE, &error);
  if (ticket == NULL)
    return beaconctl_fail (error);

  value = field_value (store, ticket, field, positional[3], &error);
  if (value == NULL || !beacon_store_set_ticket_field (store, ticket->id, field, value, &error))
    return beaconctl_fail (error);

  return BEACONCTL_EXIT_OK;
}

static int
ticket_event (BeaconctlContext *context)
{
  g_auto(GStrv) positional = NULL;
  g_autoptr(BeaconStore) store = NULL;
  g_autoptr(BeaconTicket) ticket = NULL;
  g_autoptr(JsonObject) payload = NULL;
  g_autofree char *at = NULL;
  g_autofree char *note = NULL;
  g_autofree char *event_id = NULL;
  BeaconEventType type;
  gint64 occurred_at = 0;
  int level = 0;
  GError *error = NULL;
  GOptionEntry entries[] = {
    { "at", 0, 0, G_OPTION_ARG_STRING, &at, N_("When it happened (ISO 8601 with offset; default now)"), N_("TIME") },
    { "note", 0, 0, G_OPTION_ARG_STRING, &note, N_("What happened, in words"), N_("TEXT") },
    { "level", 0, 0, G_OPTION_ARG_INT, &level, N_("The new level, for level-changed"), N_("N") },
    { NULL }
  };
  int status;

  status = beaconctl_parse (context, _("ticket event NUMBER EVENT"),
                            _("Record an event in a ticket's timeline. EVENT is one of: accepted, "
                              "validated, acknowledged, expert-engaged, remote-connected, dispatched, "
                              "arrived, repair-started, approval-requested, approval-granted, "
                              "recovered, solution-provided, analysis-delivered, status-update, "
                              "level-changed, escalated, note, action, observation-started, "
                              "observation-ended, closed, reopened."),
                            entries, 3, 3, &positional);
  if (status != 0)
    return status;

  if (!beacon_event_type_from_string (positional[2], &type))
    {
      g_set_error (&error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_INVALID,
                   _("Unknown event “%s”; see “beaconctl ticket event --help” for the list"),
                   positional[2]);
      return beaconctl_fail (error);
    }
  if (at != NULL && !beaconctl_parse_time (at, "--at", &occurred_at, &error))
    return beaconctl_fail (error);
  if (type == BEACON_EVENT_LEVEL_CHANGED)
    {
      if (level == 0)
        {
          g_set_error (&error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_INVALID,
                       _("level-changed needs --level N"));
          return beaconctl_fail (error);
        }
      if (!parse_level (level, &error))
        return beaconctl_fail (error);
      payload = json_object_new ();
      json_object_set_int_member (payload, "level", level);
    }
  else if (level != 0)
    {
      g_set_error (&error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_INVALID,
                   _("--level goes only with level-changed"));
      return beaconctl_fail (error);
    }

  store = beaconctl_open_store (context, &error);
  if (store == NULL)
    return beaconctl_fail (error);

  ticket = beacon_store_get_ticket (store, positional[1], FALSE, &error);
  if (ticket == NULL)
    return beaconctl_fail (error);

  event_id = beacon_store_add_event (store, ticket->id, type, occurred_at, note, payload, &error);
  if (event_id == NULL)
    return beaconctl_fail (error);

  return BEACONCTL_EXIT_OK;
}

static int
ticket_show (BeaconctlContext *context)
{
  g_auto(GStrv) positional = NULL;
  g_autoptr(BeaconStore) store = NULL;
  g_autoptr(BeaconTicket) ticket = NULL;
  g_autofree char *now_text = NULL;
  gboolean json = FALSE;
  GError *error = NULL;
  gint64 now = 0;
  GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON"), NULL },
    { "now", 0, 0, G_OPTION_ARG_STRING, &now_text, N_("Show the SLA clocks as at this instant (ISO 8601)"), N_("TIME") },
    { NULL }
  };
  int status;

  status = beaconctl_parse (context, _("ticket show NUMBER"), _("Show a ticket and its timeline."),
                            entries, 2, 2, &positional);
  if (status != 0)
    return status;

  if (now_text != NULL && !beaconctl_parse_time (now_text, "--now", &now, &error))
    return beaconctl_fail (error);

  store = beaconctl_open_store (context, &error);
  if (store == NULL)
    return beaconctl_fail (error);

  ticket = beacon_store_get_ticket (store, positional[1], TRUE, &error);
  if (ticket == NULL)
    return beaconctl_fail (error);

  if (json)
    {
      g_autoptr(JsonNode) node = ticket_to_json (ticket);
      JsonNode *metrics = beaconctl_metrics_to_json (store, ticket->id,
                                                     now_text ? now : beacon_store_now (store),
                                                     &error);

      if (metrics == NULL)
        return beaconctl_fail (error);
      json_object_set_member (json_node_get_object (node), "metrics", metrics);
      beaconctl_print_json (node);
      return BEACONCTL_EXIT_OK;
    }

  {
    g_autofree char *accepted = beaconctl_format_time (ticket->accepted_at);
    g_autofree char *assignees = g_strjoinv (", ", ticket->assignees);

    printf ("%s  %s · %s · %s\n", ticket->number, beacon_level_get_label (ticket->level),
            beacon_kind_get_label (ticket->kind), beacon_stage_get_label (ticket->stage));
    printf ("%s %s · %s\n", _("Customer:"), ticket->customer, ticket->site ? ticket->site : "");
    if (ticket->contact)
      printf ("%s %s %s\n", _("Contact:"), ticket->contact,
              ticket->contact_phone ? ticket->contact_phone : "");
    if (ticket->system)
      printf ("%s %s\n", _("System:"), ticket->system);
    printf ("%s %s\n", _("Accepted:"), accepted);
    printf ("%s %s\n", _("Summary:"), ticket->summary);
    if (ticket->symptoms)
      printf ("%s %s\n", _("Symptoms:"), ticket->symptoms);
    if (*assignees)
      printf ("%s %s\n", _("Assignees:"), assignees);
    printf ("\n");
    for (guint i = 0; i < ticket->events->len; i++)
      {
        BeaconEvent *event = g_ptr_array_index (ticket->events, i);
        g_autofree char *when = beaconctl_format_time (event->occurred_at);

        printf ("  %s  %-28s %s%s%s\n", when, beacon_event_type_get_label (event->type),
                event->author, *event->note ? " — " : "", event->note);
      }
  }

  return BEACONCTL_EXIT_OK;
}

static int
ticket_list (BeaconctlContext *context)
{
  g_autoptr(BeaconStore) store = NULL;
  g_autoptr(GPtrArray) tickets = NULL;
  gboolean json = FALSE;
  gboolean open_only = FALSE;
  GError *error = NULL;
  GOptionEntry entries[] = {
    { "open", 0, 0, G_OPTION_ARG_NONE, &open_only, N_("Only tickets that are not closed"), NULL },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON"), NULL },
    { NULL }
  };
  int status;

  status = beaconctl_parse (context, "ticket list", _("List tickets, newest first."), entries, 1, 1, NULL);
  if (status != 0)
    return status;

  store = beaconctl_open_store (context, &error);
  if (store == NULL)
    return beaconctl_fail (error);

  tickets = beacon_store_list_tickets (store, open_only, &error);
  if (tickets == NULL)
    return beaconctl_fail (error);

  print_tickets (tickets, json);
  return BEACONCTL_EXIT_OK;
}

int
beaconctl_ticket (BeaconctlContext *context)
{
  static const struct
  {
    const char *name;
    int       (*run) (BeaconctlContext *context);
  } subcommands[] = {
    { "new", ticket_new },
    { "set", ticket_set },
    { "event", ticket_event },
    { "show", ticket_show },
    { "list", ticket_list },
  };

  for (guint i = 0; context->argc >= 2 && i < G_N_ELEMENTS (subcommands); i++)
    {
      if (g_str_equal (context->argv[1], subcommands[i].name))
        {
          BeaconctlContext sub = { context->db_path, context->user, context->argc - 1, context->argv + 1 };

          return subcommands[i].run (&sub);
        }
    }

  beaconctl_usage_error (_("Usage: beaconctl ticket new|set|event|show|list …"));
  return BEACONCTL_EXIT_USAGE;
}

int
beaconctl_search (BeaconctlContext *context)
{
  g_auto(GStrv) positional = NULL;
  g_autoptr(BeaconStore) store = NULL;
  g_autoptr(GPtrArray) tickets = NULL;
  g_autofree char *text = NULL;
  gboolean json = FALSE;
  GError *error = NULL;
  GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON"), NULL },
    { NULL }
  };
  int status;

  status = beaconctl_parse (context, _("search TEXT…"),
                            _("Find tickets whose number, customer, site, summary, symptoms or "
                              "notes contain every word."),
                            entries, 2, -1, &positional);
  if (status != 0)
    return status;

  text = g_strjoinv (" ", positional + 1);
  if (*g_strstrip (text) == '\0')
    {
      beaconctl_usage_error (_("search needs the text to look for"));
      return BEACONCTL_EXIT_USAGE;
    }

  store = beaconctl_open_store (context, &error);
  if (store == NULL)
    return beaconctl_fail (error);

  tickets = beacon_store_search_tickets (store, text, 0, &error);
  if (tickets == NULL)
    return beaconctl_fail (error);

  print_tickets (tickets, json);
  return BEACONCTL_EXIT_OK;
}
