/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "beacon-domain.h"
#include "beacon-store.h"

G_BEGIN_DECLS

/* The customer archive (用户档案): customers, their sites, contacts and systems,
 * and the service centre's own people. */

typedef struct
{
  char *id;
  char *customer_id;
  char *name;
  char *prefix;
} BeaconSite;

typedef struct
{
  char *id;
  char *customer_id;
  char *site_id;
  char *name;
  char *phone;
} BeaconContact;

typedef struct
{
  char *id;
  char *customer_id;
  char *site_id;
  char *name;
  char *model;
  char *params;      /* JSON object text, e.g. {"IP":"10.1.2.3","Version":"V3.2"} */
} BeaconSystem;

typedef struct
{
  char      *id;
  char      *name;
  char      *code;
  GPtrArray *sites;     /* BeaconSite */
  GPtrArray *contacts;  /* BeaconContact */
  GPtrArray *systems;   /* BeaconSystem */
} BeaconCustomer;

typedef struct
{
  char       *id;
  char       *name;
  BeaconRole  role;
  char       *phone;
} BeaconUser;

void            beacon_site_free      (BeaconSite     *site);
void            beacon_contact_free   (BeaconContact  *contact);
void            beacon_system_free    (BeaconSystem   *system);
void            beacon_customer_free  (BeaconCustomer *customer);
void            beacon_user_free      (BeaconUser     *user);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BeaconSite, beacon_site_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (BeaconContact, beacon_contact_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (BeaconSystem, beacon_system_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (BeaconCustomer, beacon_customer_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (BeaconUser, beacon_user_free)

char           *beacon_store_add_customer   (BeaconStore  *self,
                                             const char   *name,
                                             const char   *code,
                                             GError      **error);
char           *beacon_store_add_site       (BeaconStore  *self,
                                             const char   *customer_id,
                                             const char   *name,
                                             const char   *prefix,
                                             GError      **error);
char           *beacon_store_add_contact    (BeaconStore  *self,
                                             const char   *customer_id,
                                             const char   *site_id,
                                             const char   *name,
                                             const char   *phone,
                                             GError      **error);
char           *beacon_store_add_system     (BeaconStore  *self,
                                             const char   *customer_id,
                                             const char   *site_id,
                                             const char   *name,
                                             const char   *model,
                                             const char   *params_json,
                                             GError      **error);
char           *beacon_store_add_user       (BeaconStore  *self,
                                             const char   *name,
                                             BeaconRole    role,
                                             const char   *phone,
                                             GError      **error);

GPtrArray      *beacon_store_list_customers (BeaconStore  *self,
                                             GError      **error);
BeaconCustomer *beacon_store_find_customer  (BeaconStore  *self,
                                             const char   *name_or_id,
                                             GError      **error);
BeaconSite     *beacon_store_find_site      (BeaconStore  *self,
                                             const char   *customer_id,
                                             const char   *name_or_id,
                                             GError      **error);
GPtrArray      *beacon_store_list_users     (BeaconStore  *self,
                                             GError      **error);
BeaconUser     *beacon_store_find_user      (BeaconStore  *self,
                                             const char   *name_or_id,
                                             GError      **error);

G_END_DECLS
