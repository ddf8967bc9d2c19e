/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "beacon-domain.h"
#include "beacon-store.h"

G_BEGIN_DECLS

/**
 * BeaconEvent:
 *
 * One immutable entry of a ticket's timeline.
 */
typedef struct
{
  char            *id;
  char            *ticket_id;
  BeaconEventType  type;
  gint64           occurred_at;
  gint64           recorded_at;
  char            *author;      /* the user's name, or empty */
  char            *note;
  char            *payload;     /* JSON object text */
  BeaconHlc        hlc;
  char            *device;
} BeaconEvent;

/**
 * BeaconTicket:
 *
 * A ticket as the projections show it now. @events is filled only when asked.
 */
typedef struct
{
  char             *id;
  char             *number;
  BeaconTicketKind  kind;
  int               level;
  int               initial_level;
  char             *customer_id;
  char             *customer;
  char             *site_id;
  char             *site;
  char             *system_id;
  char             *system;
  char             *contact_id;
  char             *contact;
  char             *contact_phone;
  char             *channel;
  gint64            accepted_at;
  gint64            fault_at;
  char             *symptoms;
  char             *summary;
  GStrv             assignee_ids;
  GStrv             assignees;
  BeaconStage       stage;
  gint64            updated_at;
  GPtrArray        *events;     /* BeaconEvent, in the order they occurred */
} BeaconTicket;

/**
 * BeaconTicketDraft:
 *
 * What the operator records when a call comes in.
 */
typedef struct
{
  BeaconTicketKind  kind;
  int               level;
  const char       *customer_id;
  const char       *site_id;
  const char       *system_id;
  const char       *contact_id;
  const char       *channel;
  const char       *summary;
  const char       *symptoms;
  gint64            accepted_at;   /* 0: now */
  gint64            fault_at;      /* 0: same as accepted_at */
} BeaconTicketDraft;

void          beacon_event_free   (BeaconEvent  *event);
void          beacon_ticket_free  (BeaconTicket *ticket);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BeaconEvent, beacon_event_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (BeaconTicket, beacon_ticket_free)

BeaconTicket *beacon_store_create_ticket    (BeaconStore             *self,
                                             const BeaconTicketDraft *draft,
                                             GError                 **error);
BeaconTicket *beacon_store_get_ticket       (BeaconStore             *self,
                                             const char              *number_or_id,
                                             gboolean                 with_events,
                                             GError                 **error);
gboolean      beacon_store_set_ticket_field (BeaconStore             *self,
                                             const char              *ticket_id,
                                             const char              *field,
                                             JsonNode                *value,
                                             GError                 **error);
char         *beacon_store_add_event        (BeaconStore             *self,
                                             const char              *ticket_id,
                                             BeaconEventType          type,
                                             gint64                   occurred_at,
                                             const char              *note,
                                             JsonObject              *payload,
                                             GError                 **error);
GPtrArray    *beacon_store_list_tickets     (BeaconStore             *self,
                                             gboolean                 open_only,
                                             GError                 **error);
GPtrArray    *beacon_store_search_tickets   (BeaconStore             *self,
                                             const char              *text,
                                             guint                    limit,
                                             GError                 **error);
GPtrArray    *beacon_store_search_open_tickets (BeaconStore          *self,
                                                const char           *text,
                                                guint                 limit,
                                                GError              **error);

void          beacon_store_list_tickets_async  (BeaconStore          *self,
                                                gboolean              open_only,
                                                GCancellable         *cancellable,
                                                GAsyncReadyCallback   callback,
                                                gpointer              user_data);
GPtrArray    *beacon_store_list_tickets_finish (BeaconStore          *self,
                                                GAsyncResult         *result,
                                                GError              **error);

const char * const *beacon_ticket_editable_fields (void);

G_END_DECLS
