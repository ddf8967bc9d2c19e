/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "beaconctl"

#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>

#include "beaconctl.h"

/* "张三 13800000000" → name and phone; the phone is the last word if it has digits. */
static gboolean
split_contact (const char  *text,
               char       **out_name,
               char       **out_phone,
               GError     **error)
{
  g_autofree char *copy = g_strstrip (g_strdup (text));
  char *space = strrchr (copy, ' ');

  *out_name = NULL;
  *out_phone = NULL;

  if (space != NULL && strpbrk (space + 1, "0123456789") != NULL)
    {
      for (const char *p = space + 1; *p; p++)
        {
          if (!g_ascii_isdigit (*p) && !strchr ("+-()", *p))
            {
              g_set_error (error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_INVALID,
                           _("--contact “%s”: the phone number may only contain digits and + - ( )"),
                           text);
              return FALSE;
            }
        }
      *space = '\0';
      *out_phone = g_strdup (space + 1);
    }

  g_strstrip (copy);
  if (*copy == '\0')
    {
      g_set_error (error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_INVALID,
                   _("--contact “%s”: write the name, then the phone: \"张三 13800000000\""), text);
      g_clear_pointer (out_phone, g_free);
      return FALSE;
    }

  *out_name = g_strdup (copy);
  return TRUE;
}

static int
customer_add (BeaconctlContext *context)
{
  g_auto(GStrv) sites = NULL;
  g_auto(GStrv) contacts = NULL;
  g_auto(GStrv) systems = NULL;
  g_auto(GStrv) positional = NULL;
  g_autofree char *code = NULL;
  g_autoptr(BeaconStore) store = NULL;
  g_autoptr(BeaconCustomer) existing = NULL;
  g_autoptr(GPtrArray) contact_names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) contact_phones = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *customer_id = NULL;
  g_autofree char *first_site_id = NULL;
  GError *error = NULL;
  GOptionEntry entries[] = {
    { "site", 0, 0, G_OPTION_ARG_STRING_ARRAY, &sites, N_("A site (局名) of the customer; repeat for more"), N_("NAME") },
    { "contact", 0, 0, G_OPTION_ARG_STRING_ARRAY, &contacts, N_("A contact, name then phone; repeat for more"), N_("\"NAME PHONE\"") },
    { "system", 0, 0, G_OPTION_ARG_STRING_ARRAY, &systems, N_("A system or piece of equipment; repeat for more"), N_("NAME") },
    { "code", 0, 0, G_OPTION_ARG_STRING, &code, N_("Letters that start the customer’s ticket numbers"), N_("CODE") },
    { NULL }
  };
  int status;

  status = beaconctl_parse (context, _("customer add NAME"), _("Add a customer to the archive."),
                            entries, 2, 2, &positional);
  if (status != 0)
    return status;

  /* Check everything before writing anything. */
  for (guint i = 0; contacts && contacts[i]; i++)
    {
      char *name, *phone;

      if (!split_contact (contacts[i], &name, &phone, &error))
        return beaconctl_fail (error);
      g_ptr_array_add (contact_names, name);
      g_ptr_array_add (contact_phones, phone);
    }
  for (guint i = 0; sites && sites[i]; i++)
    {
      if (*g_strstrip (sites[i]) == '\0')
        {
          g_set_error (&error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_INVALID,
                       _("--site: the site name cannot be empty"));
          return beaconctl_fail (error);
        }
    }

  store = beaconctl_open_store (context, &error);
  if (store == NULL)
    return beaconctl_fail (error);

  existing = beacon_store_find_customer (store, positional[1], NULL);
  if (existing != NULL)
    {
      g_set_error (&error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_INVALID,
                   _("A customer named “%s” already exists"), positional[1]);
      return beaconctl_fail (error);
    }

  customer_id = beacon_store_add_customer (store, positional[1], code, &error);
  if (customer_id == NULL)
    return beaconctl_fail (error);

  for (guint i = 0; sites && sites[i]; i++)
    {
      g_autofree char *site_id = beacon_store_add_site (store, customer_id, sites[i], NULL, &error);

      if (site_id == NULL)
        return beaconctl_fail (error);
      if (first_site_id == NULL)
        first_site_id = g_steal_pointer (&site_id);
    }

  for (guint i = 0; i < contact_names->len; i++)
    {
      g_autofree char *contact_id =
        beacon_store_add_contact (store, customer_id, first_site_id,
                                  g_ptr_array_index (contact_names, i),
                                  g_ptr_array_index (contact_phones, i), &error);
      if (contact_id == NULL)
        return beaconctl_fail (error);
    }

  for (guint i = 0; systems && systems[i]; i++)
    {
      g_autofree char *system_id =
        beacon_store_add_system (store, customer_id, first_site_id, systems[i], NULL, NULL, &error);
      if (system_id == NULL)
        return beaconctl_fail (error);
    }

  printf ("%s\n", customer_id);
  return BEACONCTL_EXIT_OK;
}

/* {"id": …, "name": …, more…}: the archive's entries all start so. */
static void
begin_entry (JsonBuilder *builder,
             const char  *id,
             const char  *name)
{
  json_builder_begin_object (builder);
  beaconctl_json_add_string (builder, "id", id);
  beaconctl_json_add_string (builder, "name", name);
}

static JsonNode *
customers_to_json (GPtrArray *customers)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_array (builder);
  for (guint i = 0; i < customers->len; i++)
    {
      BeaconCustomer *customer = g_ptr_array_index (customers, i);

      begin_entry (builder, customer->id, customer->name);
      beaconctl_json_add_string (builder, "code", customer->code ? customer->code : "");

      json_builder_set_member_name (builder, "sites");
      json_builder_begin_array (builder);
      for (guint j = 0; j < customer->sites->len; j++)
        {
          BeaconSite *site = g_ptr_array_index (customer->sites, j);

          begin_entry (builder, site->id, site->name);
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);

      json_builder_set_member_name (builder, "contacts");
      json_builder_begin_array (builder);
      for (guint j = 0; j < customer->contacts->len; j++)
        {
          BeaconContact *contact = g_ptr_array_index (customer->contacts, j);

          begin_entry (builder, contact->id, contact->name);
          beaconctl_json_add_string (builder, "phone", contact->phone ? contact->phone : "");
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);

      json_builder_set_member_name (builder, "systems");
      json_builder_begin_array (builder);
      for (guint j = 0; j < customer->systems->len; j++)
        {
          BeaconSystem *system = g_ptr_array_index (customer->systems, j);

          begin_entry (builder, system->id, system->name);
          beaconctl_json_add_string (builder, "model", system->model ? system->model : "");
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);

      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  return json_builder_get_root (builder);
}

static int
customer_list (BeaconctlContext *context)
{
  g_autoptr(BeaconStore) store = NULL;
  g_autoptr(GPtrArray) customers = NULL;
  gboolean json = FALSE;
  GError *error = NULL;
  GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON"), NULL },
    { NULL }
  };
  int status;

  status = beaconctl_parse (context, "customer list", _("List the customers."), entries, 1, 1, NULL);
  if (status != 0)
    return status;

  store = beaconctl_open_store (context, &error);
  if (store == NULL)
    return beaconctl_fail (error);

  customers = beacon_store_list_customers (store, &error);
  if (customers == NULL)
    return beaconctl_fail (error);

  if (json)
    {
      g_autoptr(JsonNode) node = customers_to_json (customers);

      beaconctl_print_json (node);
      return BEACONCTL_EXIT_OK;
    }

  for (guint i = 0; i < customers->len; i++)
    {
      BeaconCustomer *customer = g_ptr_array_index (customers, i);

      printf ("%s\n", customer->name);
      for (guint j = 0; j < customer->sites->len; j++)
        printf ("  %s %s\n", _("site:"), ((BeaconSite *) g_ptr_array_index (customer->sites, j))->name);
      for (guint j = 0; j < customer->contacts->len; j++)
        {
          BeaconContact *contact = g_ptr_array_index (customer->contacts, j);

          printf ("  %s %s %s\n", _("contact:"), contact->name, contact->phone ? contact->phone : "");
        }
      for (guint j = 0; j < customer->systems->len; j++)
        printf ("  %s %s\n", _("system:"),
                ((BeaconSystem *) g_ptr_array_index (customer->systems, j))->name);
    }

  return BEACONCTL_EXIT_OK;
}

int
beaconctl_customer (BeaconctlContext *context)
{
  BeaconctlContext sub = { context->db_path, context->user, context->argc - 1, context->argv + 1 };

  if (context->argc >= 2 && g_str_equal (context->argv[1], "add"))
    return customer_add (&sub);
  if (context->argc >= 2 && g_str_equal (context->argv[1], "list"))
    return customer_list (&sub);

  beaconctl_usage_error (_("Usage: beaconctl customer add|list …"));
  return BEACONCTL_EXIT_USAGE;
}

static int
user_add (BeaconctlContext *context)
{
  g_auto(GStrv) positional = NULL;
  g_autofree char *role_text = NULL;
  g_autofree char *phone = NULL;
  g_autofree char *user_id = NULL;
  g_autoptr(BeaconStore) store = NULL;
  BeaconRole role = BEACON_ROLE_ENGINEER;
  GError *error = NULL;
  GOptionEntry entries[] = {
    { "role", 0, 0, G_OPTION_ARG_STRING, &role_text, N_("operator, engineer, supervisor or admin"), N_("ROLE") },
    { "phone", 0, 0, G_OPTION_ARG_STRING, &phone, N_("Phone number"), N_("PHONE") },
    { NULL }
  };
  int status;

  status = beaconctl_parse (context, _("user add NAME"), _("Add a person of the service centre."),
                            entries, 2, 2, &positional);
  if (status != 0)
    return status;

  if (role_text != NULL && !beacon_role_from_string (role_text, &role))
    {
      g_set_error (&error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_INVALID,
                   _("--role “%s”: the roles are operator, engineer, supervisor and admin"),
                   role_text);
      return beaconctl_fail (error);
    }

  store = beaconctl_open_store (context, &error);
  if (store == NULL)
    return beaconctl_fail (error);

  user_id = beacon_store_add_user (store, positional[1], role, phone, &error);
  if (user_id == NULL)
    return beaconctl_fail (error);

  printf ("%s\n", user_id);
  return BEACONCTL_EXIT_OK;
}

static int
user_list (BeaconctlContext *context)
{
  g_autoptr(BeaconStore) store = NULL;
  g_autoptr(GPtrArray) users = NULL;
  gboolean json = FALSE;
  GError *error = NULL;
  GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON"), NULL },
    { NULL }
  };
  int status;

  status = beaconctl_parse (context, "user list", _("List the service centre’s people."),
                            entries, 1, 1, NULL);
  if (status != 0)
    return status;

  store = beaconctl_open_store (context, &error);
  if (store == NULL)
    return beaconctl_fail (error);

  users = beacon_store_list_users (store, &error);
  if (users == NULL)
    return beaconctl_fail (error);

  if (json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) node = NULL;

      json_builder_begin_array (builder);
      for (guint i = 0; i < users->len; i++)
        {
          BeaconUser *user = g_ptr_array_index (users, i);

          begin_entry (builder, user->id, user->name);
          beaconctl_json_add_string (builder, "role", beacon_role_to_string (user->role));
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
      node = json_builder_get_root (builder);
      beaconctl_print_json (node);
      return BEACONCTL_EXIT_OK;
    }

  for (guint i = 0; i < users->len; i++)
    {
      BeaconUser *user = g_ptr_array_index (users, i);

      printf ("%-12s %s\n", user->name, beacon_role_get_label (user->role));
    }

  return BEACONCTL_EXIT_OK;
}

int
beaconctl_user (BeaconctlContext *context)
{
  BeaconctlContext sub = { context->db_path, context->user, context->argc - 1, context->argv + 1 };

  if (context->argc >= 2 && g_str_equal (context->argv[1], "add"))
    return user_add (&sub);
  if (context->argc >= 2 && g_str_equal (context->argv[1], "list"))
    return user_list (&sub);

  beaconctl_usage_error (_("Usage: beaconctl user add|list …"));
  return BEACONCTL_EXIT_USAGE;
}
