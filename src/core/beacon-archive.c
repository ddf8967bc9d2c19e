/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "beacon-store"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "beacon-archive.h"
#include "beacon-json.h"
#include "beacon-store-private.h"

void
beacon_site_free (BeaconSite *site)
{
  if (site == NULL)
    return;
  g_free (site->id);
  g_free (site->customer_id);
  g_free (site->name);
  g_free (site->prefix);
  g_free (site);
}

void
beacon_contact_free (BeaconContact *contact)
{
  if (contact == NULL)
    return;
  g_free (contact->id);
  g_free (contact->customer_id);
  g_free (contact->site_id);
  g_free (contact->name);
  g_free (contact->phone);
  g_free (contact);
}

void
beacon_system_free (BeaconSystem *system)
{
  if (system == NULL)
    return;
  g_free (system->id);
  g_free (system->customer_id);
  g_free (system->site_id);
  g_free (system->name);
  g_free (system->model);
  g_free (system->params);
  g_free (system);
}

void
beacon_customer_free (BeaconCustomer *customer)
{
  if (customer == NULL)
    return;
  g_free (customer->id);
  g_free (customer->name);
  g_free (customer->code);
  g_clear_pointer (&customer->sites, g_ptr_array_unref);
  g_clear_pointer (&customer->contacts, g_ptr_array_unref);
  g_clear_pointer (&customer->systems, g_ptr_array_unref);
  g_free (customer);
}

void
beacon_user_free (BeaconUser *user)
{
  if (user == NULL)
    return;
  g_free (user->id);
  g_free (user->name);
  g_free (user->phone);
  g_free (user);
}

static gboolean
require_text (const char  *value,
              const char  *what,
              GError     **error)
{
  if (_beacon_text_is_blank (value))
    {
      g_set_error (error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_INVALID,
                   _("%s: this cannot be empty"), what);
      return FALSE;
    }
  return TRUE;
}

static gboolean
require_row (BeaconStore  *self,
             const char   *sql,
             const char   *id,
             const char   *what,
             GError      **error)
{
  sqlite3_stmt *stmt = _beacon_store_prepare (self, sql, error);
  gboolean found;

  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_STATIC);
  found = sqlite3_step (stmt) == SQLITE_ROW;
  sqlite3_reset (stmt);

  if (!found)
    g_set_error (error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_NOT_FOUND,
                 _("%s: “%s” does not exist"), what, id ? id : "");
  return found;
}

static gboolean
check_prefix (const char  *prefix,
              GError     **error)
{
  if (prefix == NULL || *prefix == '\0')
    return TRUE;

  for (const char *p = prefix; *p; p++)
    {
      if (!g_ascii_isalnum (*p))
        {
          g_set_error (error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_INVALID,
                       _("Prefix “%s”: only letters A–Z and digits can start a ticket number"),
                       prefix);
          return FALSE;
        }
    }

  return TRUE;
}

/* Records a new entity, one register per field, in one transaction. */
static char *
add_entity (BeaconStore        *self,
            const char         *entity,
            const char * const *fields,
            const char * const *values,
            GError            **error)
{
  g_autofree char *id = _beacon_uuid_new ();

  if (!_beacon_store_begin (self, error))
    return NULL;

  for (guint i = 0; fields[i] != NULL; i++)
    {
      gboolean ok;

      if (values[i] == NULL || *values[i] == '\0')
        continue;

      if (g_str_equal (fields[i], "params"))
        {
          g_autoptr(JsonNode) params = beacon_json_parse (values[i], error);

          ok = params != NULL && JSON_NODE_HOLDS_OBJECT (params);
          if (params != NULL && !ok)
            g_set_error (error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_INVALID,
                         _("Parameters: expected a JSON object such as {\"IP\": \"10.0.0.5\"}"));
          ok = ok && _beacon_store_record (self, entity, id, fields[i], params, NULL, error);
        }
      else
        ok = _beacon_store_record_string (self, entity, id, fields[i], values[i], error);

      if (!ok)
        {
          _beacon_store_rollback (self);
          return NULL;
        }
    }

  if (!_beacon_store_commit (self, error))
    return NULL;

  return g_steal_pointer (&id);
}

/**
 * beacon_store_add_customer:
 * @code: (nullable): letters that start the ticket numbers of its sites
 *   that have no prefix of their own
 *
 * Returns: (transfer full): the new customer's id
 */
char *
beacon_store_add_customer (BeaconStore  *self,
                           const char   *name,
                           const char   *code,
                           GError      **error)
{
  const char * const fields[] = { "name", "code", NULL };
  const char * const values[] = { name, code };
  g_autoptr(BeaconCustomer) existing = NULL;

  g_return_val_if_fail (BEACON_IS_STORE (self), NULL);

  if (!require_text (name, _("Customer name"), error) || !check_prefix (code, error))
    return NULL;

  existing = beacon_store_find_customer (self, name, NULL);
  if (existing != NULL)
    {
      g_set_error (error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_INVALID,
                   _("A customer named “%s” already exists"), name);
      return NULL;
    }

  return add_entity (self, "customer", fields, values, error);
}

char *
beacon_store_add_site (BeaconStore  *self,
                       const char   *customer_id,
                       const char   *name,
                       const char   *prefix,
                       GError      **error)
{
  const char * const fields[] = { "customer", "name", "prefix", NULL };
  const char * const values[] = { customer_id, name, prefix };
  char *id = NULL;

  g_return_val_if_fail (BEACON_IS_STORE (self), NULL);

  if (!require_text (name, _("Site name"), error) || !check_prefix (prefix, error))
    return NULL;

  _beacon_store_lock (self);
  if (require_row (self, "SELECT 1 FROM customers WHERE id = ?", customer_id, _("Customer"), error))
    id = add_entity (self, "site", fields, values, error);
  _beacon_store_unlock (self);

  return id;
}

char *
beacon_store_add_contact (BeaconStore  *self,
                          const char   *customer_id,
                          const char   *site_id,
                          const char   *name,
                          const char   *phone,
                          GError      **error)
{
  const char * const fields[] = { "customer", "site", "name", "phone", NULL };
  const char * const values[] = { customer_id, site_id, name, phone };
  char *id = NULL;

  g_return_val_if_fail (BEACON_IS_STORE (self), NULL);

  if (!require_text (name, _("Contact name"), error))
    return NULL;

  for (const char *p = phone; p && *p; p++)
    {
      if (!g_ascii_isdigit (*p) && !strchr ("+-() ", *p))
        {
          g_set_error (error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_INVALID,
                       _("Phone “%s”: only digits, spaces and + - ( ) are allowed"), phone);
          return NULL;
        }
    }

  _beacon_store_lock (self);
  if (require_row (self, "SELECT 1 FROM customers WHERE id = ?", customer_id, _("Customer"), error) &&
      (site_id == NULL ||
       require_row (self, "SELECT 1 FROM sites WHERE id = ?", site_id, _("Site"), error)))
    id = add_entity (self, "contact", fields, values, error);
  _beacon_store_unlock (self);

  return id;
}

char *
beacon_store_add_system (BeaconStore  *self,
                         const char   *customer_id,
                         const char   *site_id,
                         const char   *name,
                         const char   *model,
                         const char   *params_json,
                         GError      **error)
{
  const char * const fields[] = { "customer", "site", "name", "model", "params", NULL };
  const char * const values[] = { customer_id, site_id, name, model, params_json };
  char *id = NULL;

  g_return_val_if_fail (BEACON_IS_STORE (self), NULL);

  if (!require_text (name, _("System name"), error))
    return NULL;

  _beacon_store_lock (self);
  if (require_row (self, "SELECT 1 FROM customers WHERE id = ?", customer_id, _("Customer"), error) &&
      (site_id == NULL ||
       require_row (self, "SELECT 1 FROM sites WHERE id = ?", site_id, _("Site"), error)))
    id = add_entity (self, "system", fields, values, error);
  _beacon_store_unlock (self);

  return id;
}

char *
beacon_store_add_user (BeaconStore  *self,
                       const char   *name,
                       BeaconRole    role,
                       const char   *phone,
                       GError      **error)
{
  const char * const fields[] = { "name", "role", "phone", NULL };
  const char * const values[] = { name, beacon_role_to_string (role), phone };
  g_autoptr(BeaconUser) existing = NULL;

  g_return_val_if_fail (BEACON_IS_STORE (self), NULL);

  if (!require_text (name, _("User name"), error))
    return NULL;

  existing = beacon_store_find_user (self, name, NULL);
  if (existing != NULL)
    {
      g_set_error (error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_INVALID,
                   _("A user named “%s” already exists"), name);
      return NULL;
    }

  return add_entity (self, "user", fields, values, error);
}

/* Reading ----------------------------------------------------------------- */

static void
load_customer_details (BeaconStore    *self,
                       BeaconCustomer *customer)
{
  sqlite3_stmt *stmt;

  customer->sites = g_ptr_array_new_with_free_func ((GDestroyNotify) beacon_site_free);
  customer->contacts = g_ptr_array_new_with_free_func ((GDestroyNotify) beacon_contact_free);
  customer->systems = g_ptr_array_new_with_free_func ((GDestroyNotify) beacon_system_free);

  stmt = _beacon_store_prepare (self,
                                "SELECT id, name, prefix FROM sites WHERE customer_id = ? "
                                "ORDER BY name, id", NULL);
  sqlite3_bind_text (stmt, 1, customer->id, -1, SQLITE_STATIC);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      BeaconSite *site = g_new0 (BeaconSite, 1);

      site->id = _beacon_sql_dup_text (stmt, 0);
      site->customer_id = g_strdup (customer->id);
      site->name = _beacon_sql_dup_text (stmt, 1);
      site->prefix = _beacon_sql_dup_text (stmt, 2);
      g_ptr_array_add (customer->sites, site);
    }
  sqlite3_reset (stmt);

  stmt = _beacon_store_prepare (self,
                                "SELECT id, site_id, name, phone FROM contacts WHERE customer_id = ? "
                                "ORDER BY name, id", NULL);
  sqlite3_bind_text (stmt, 1, customer->id, -1, SQLITE_STATIC);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      BeaconContact *contact = g_new0 (BeaconContact, 1);

      contact->id = _beacon_sql_dup_text (stmt, 0);
      contact->customer_id = g_strdup (customer->id);
      contact->site_id = _beacon_sql_dup_text (stmt, 1);
      contact->name = _beacon_sql_dup_text (stmt, 2);
      contact->phone = _beacon_sql_dup_text (stmt, 3);
      g_ptr_array_add (customer->contacts, contact);
    }
  sqlite3_reset (stmt);

  stmt = _beacon_store_prepare (self,
                                "SELECT id, site_id, name, model, params FROM systems "
                                "WHERE customer_id = ? ORDER BY name, id", NULL);
  sqlite3_bind_text (stmt, 1, customer->id, -1, SQLITE_STATIC);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      BeaconSystem *system = g_new0 (BeaconSystem, 1);

      system->id = _beacon_sql_dup_text (stmt, 0);
      system->customer_id = g_strdup (customer->id);
      system->site_id = _beacon_sql_dup_text (stmt, 1);
      system->name = _beacon_sql_dup_text (stmt, 2);
      system->model = _beacon_sql_dup_text (stmt, 3);
      system->params = _beacon_sql_dup_text (stmt, 4);
      g_ptr_array_add (customer->systems, system);
    }
  sqlite3_reset (stmt);
}

/**
 * beacon_store_list_customers:
 *
 * Returns: (transfer full) (element-type BeaconCustomer): every customer
 *   with its sites, contacts and systems, by name
 */
GPtrArray *
beacon_store_list_customers (BeaconStore  *self,
                             GError      **error)
{
  g_autoptr(GPtrArray) customers = g_ptr_array_new_with_free_func ((GDestroyNotify) beacon_customer_free);
  sqlite3_stmt *stmt;

  g_return_val_if_fail (BEACON_IS_STORE (self), NULL);

  _beacon_store_lock (self);

  stmt = _beacon_store_prepare (self,
                                "SELECT id, name, code FROM customers WHERE name IS NOT NULL "
                                "ORDER BY name, id",
                                error);
  if (stmt == NULL)
    {
      _beacon_store_unlock (self);
      return NULL;
    }

  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      BeaconCustomer *customer = g_new0 (BeaconCustomer, 1);

      customer->id = _beacon_sql_dup_text (stmt, 0);
      customer->name = _beacon_sql_dup_text (stmt, 1);
      customer->code = _beacon_sql_dup_text (stmt, 2);
      g_ptr_array_add (customers, customer);
    }
  sqlite3_reset (stmt);

  for (guint i = 0; i < customers->len; i++)
    load_customer_details (self, g_ptr_array_index (customers, i));

  _beacon_store_unlock (self);

  return g_steal_pointer (&customers);
}

/**
 * beacon_store_find_customer:
 *
 * Returns: (transfer full): the customer with that name or id, with its
 *   sites, contacts and systems, or %NULL with @error set
 */
BeaconCustomer *
beacon_store_find_customer (BeaconStore  *self,
                            const char   *name_or_id,
                            GError      **error)
{
  BeaconCustomer *customer = NULL;
  sqlite3_stmt *stmt;

  g_return_val_if_fail (BEACON_IS_STORE (self), NULL);

  _beacon_store_lock (self);

  stmt = _beacon_store_prepare (self,
                                "SELECT id, name, code FROM customers WHERE id = ?1 "
                                "UNION ALL SELECT id, name, code FROM customers WHERE name = ?1 "
                                "LIMIT 1",
                                error);
  if (stmt != NULL)
    {
      sqlite3_bind_text (stmt, 1, name_or_id, -1, SQLITE_STATIC);
      if (sqlite3_step (stmt) == SQLITE_ROW)
        {
          customer = g_new0 (BeaconCustomer, 1);
          customer->id = _beacon_sql_dup_text (stmt, 0);
          customer->name = _beacon_sql_dup_text (stmt, 1);
          customer->code = _beacon_sql_dup_text (stmt, 2);
        }
      sqlite3_reset (stmt);

      if (customer != NULL)
        load_customer_details (self, customer);
      else
        g_set_error (error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_NOT_FOUND,
                     _("There is no customer “%s”"), name_or_id ? name_or_id : "");
    }

  _beacon_store_unlock (self);

  return customer;
}

/**
 * beacon_store_find_site:
 *
 * Returns: (transfer full): the customer's site with that name or id, or
 *   %NULL with @error set
 */
BeaconSite *
beacon_store_find_site (BeaconStore  *self,
                        const char   *customer_id,
                        const char   *name_or_id,
                        GError      **error)
{
  g_autoptr(BeaconCustomer) customer = beacon_store_find_customer (self, customer_id, error);

  if (customer == NULL)
    return NULL;

  for (guint i = 0; i < customer->sites->len; i++)
    {
      BeaconSite *site = g_ptr_array_index (customer->sites, i);

      if (g_strcmp0 (site->id, name_or_id) == 0 || g_strcmp0 (site->name, name_or_id) == 0)
        return g_ptr_array_steal_index (customer->sites, i);
    }

  g_set_error (error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_NOT_FOUND,
               _("Customer “%s” has no site “%s”"), customer->name, name_or_id ? name_or_id : "");
  return NULL;
}

static BeaconUser *
user_from_row (sqlite3_stmt *stmt)
{
  BeaconUser *user = g_new0 (BeaconUser, 1);

  user->id = _beacon_sql_dup_text (stmt, 0);
  user->name = _beacon_sql_dup_text (stmt, 1);
  if (!beacon_role_from_string ((const char *) sqlite3_column_text (stmt, 2), &user->role))
    user->role = BEACON_ROLE_OPERATOR;
  user->phone = _beacon_sql_dup_text (stmt, 3);

  return user;
}

/**
 * beacon_store_list_users:
 *
 * Returns: (transfer full) (element-type BeaconUser): the service centre's
 *   people, by name
 */
GPtrArray *
beacon_store_list_users (BeaconStore  *self,
                         GError      **error)
{
  g_autoptr(GPtrArray) users = g_ptr_array_new_with_free_func ((GDestroyNotify) beacon_user_free);
  sqlite3_stmt *stmt;

  g_return_val_if_fail (BEACON_IS_STORE (self), NULL);

  _beacon_store_lock (self);
  stmt = _beacon_store_prepare (self,
                                "SELECT id, name, role, phone FROM users WHERE name IS NOT NULL "
                                "ORDER BY name, id",
                                error);
  if (stmt == NULL)
    {
      _beacon_store_unlock (self);
      return NULL;
    }
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_ptr_array_add (users, user_from_row (stmt));
  sqlite3_reset (stmt);
  _beacon_store_unlock (self);

  return g_steal_pointer (&users);
}

/**
 * beacon_store_find_user:
 *
 * Returns: (transfer full): the user with that name or id, or %NULL with
 *   @error set
 */
BeaconUser *
beacon_store_find_user (BeaconStore  *self,
                        const char   *name_or_id,
                        GError      **error)
{
  BeaconUser *user = NULL;
  sqlite3_stmt *stmt;

  g_return_val_if_fail (BEACON_IS_STORE (self), NULL);

  _beacon_store_lock (self);
  stmt = _beacon_store_prepare (self,
                                "SELECT id, name, role, phone FROM users WHERE id = ?1 "
                                "UNION ALL SELECT id, name, role, phone FROM users WHERE name = ?1 "
                                "LIMIT 1",
                                error);
  if (stmt != NULL)
    {
      sqlite3_bind_text (stmt, 1, name_or_id, -1, SQLITE_STATIC);
      if (sqlite3_step (stmt) == SQLITE_ROW)
        user = user_from_row (stmt);
      sqlite3_reset (stmt);

      if (user == NULL)
        g_set_error (error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_NOT_FOUND,
                     _("There is no user “%s”"), name_or_id ? name_or_id : "");
    }
  _beacon_store_unlock (self);

  return user;
}

/*
 * Policies and calendars decide every deadline: only supervisors and
 * administrators change them. A store with no current user is the
 * administrator's own use on the command line, and may.
 */
gboolean
_beacon_store_require_supervisor (BeaconStore  *self,
                                  const char   *what,
                                  GError      **error)
{
  g_autoptr(BeaconUser) user = NULL;
  const char *author = beacon_store_get_author (self);

  if (author == NULL || *author == '\0')
    return TRUE;

  user = beacon_store_find_user (self, author, NULL);
  if (user != NULL && (user->role == BEACON_ROLE_SUPERVISOR || user->role == BEACON_ROLE_ADMIN))
    return TRUE;

  g_set_error (error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_NOT_ALLOWED,
               /* Translators: the first %s is what was refused, e.g. “Changing the policy” */
               _("%s needs a supervisor or an administrator; %s is %s"),
               what, user ? user->name : author,
               user ? beacon_role_get_label (user->role) : _("not a known user"));
  return FALSE;
}
