/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "beacon-gui"

#include "config.h"

#include <glib/gi18n.h>

#include "beacon-ticket-object.h"

/* A BeaconTicket as an item of a GListModel. The ticket is a snapshot: when the
 * store changes, the window reloads the list and builds new objects, so the
 * properties are read-only and never notify. */

struct _BeaconTicketObject
{
  GObject       parent_instance;

  BeaconTicket *ticket;
  char         *customer_site;
  char         *accepted_label;
};

G_DEFINE_FINAL_TYPE (BeaconTicketObject, beacon_ticket_object, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_NUMBER,
  PROP_LEVEL,
  PROP_LEVEL_LABEL,
  PROP_KIND_LABEL,
  PROP_CUSTOMER_SITE,
  PROP_SUMMARY,
  PROP_STAGE_LABEL,
  PROP_ACCEPTED_AT,
  PROP_ACCEPTED_LABEL,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static char *
format_customer_site (const BeaconTicket *ticket)
{
  const char *customer = ticket->customer ? ticket->customer : "";
  const char *site = ticket->site ? ticket->site : "";

  if (*customer && *site)
    return g_strdup_printf ("%s · %s", customer, site);

  return g_strdup (*customer ? customer : site);
}

static char *
format_accepted (gint64 accepted_at)
{
  g_autoptr(GDateTime) local = NULL;

  if (accepted_at <= 0)
    return g_strdup ("");

  local = g_date_time_new_from_unix_local (accepted_at);
  if (local == NULL)
    return g_strdup ("");

  /* Translators: when a ticket was accepted, in the list of open tickets;
   * a g_date_time_format() string, e.g. "%m月%d日 %H:%M" */
  return g_date_time_format (local, C_("accepted time", "%m-%d %H:%M"));
}

static void
beacon_ticket_object_finalize (GObject *object)
{
  BeaconTicketObject *self = (BeaconTicketObject *)object;

  g_clear_pointer (&self->ticket, beacon_ticket_free);
  g_clear_pointer (&self->customer_site, g_free);
  g_clear_pointer (&self->accepted_label, g_free);

  G_OBJECT_CLASS (beacon_ticket_object_parent_class)->finalize (object);
}

static void
beacon_ticket_object_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  BeaconTicketObject *self = BEACON_TICKET_OBJECT (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_string (value, beacon_ticket_object_get_id (self));
      break;

    case PROP_NUMBER:
      g_value_set_string (value, beacon_ticket_object_get_number (self));
      break;

    case PROP_LEVEL:
      g_value_set_int (value, beacon_ticket_object_get_level (self));
      break;

    case PROP_LEVEL_LABEL:
      g_value_set_string (value, beacon_ticket_object_get_level_label (self));
      break;

    case PROP_KIND_LABEL:
      g_value_set_string (value, beacon_ticket_object_get_kind_label (self));
      break;

    case PROP_CUSTOMER_SITE:
      g_value_set_string (value, beacon_ticket_object_get_customer_site (self));
      break;

    case PROP_SUMMARY:
      g_value_set_string (value, beacon_ticket_object_get_summary (self));
      break;

    case PROP_STAGE_LABEL:
      g_value_set_string (value, beacon_ticket_object_get_stage_label (self));
      break;

    case PROP_ACCEPTED_AT:
      g_value_set_int64 (value, beacon_ticket_object_get_accepted_at (self));
      break;

    case PROP_ACCEPTED_LABEL:
      g_value_set_string (value, beacon_ticket_object_get_accepted_label (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
beacon_ticket_object_class_init (BeaconTicketObjectClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = beacon_ticket_object_finalize;
  object_class->get_property = beacon_ticket_object_get_property;

  properties[PROP_ID] =
    g_param_spec_string ("id", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_NUMBER] =
    g_param_spec_string ("number", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_LEVEL] =
    g_param_spec_int ("level", NULL, NULL,
                      0, BEACON_LEVEL_MAX, BEACON_LEVEL_MAX,
                      G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_LEVEL_LABEL] =
    g_param_spec_string ("level-label", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_KIND_LABEL] =
    g_param_spec_string ("kind-label", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_CUSTOMER_SITE] =
    g_param_spec_string ("customer-site", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_SUMMARY] =
    g_param_spec_string ("summary", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_STAGE_LABEL] =
    g_param_spec_string ("stage-label", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_ACCEPTED_AT] =
    g_param_spec_int64 ("accepted-at", NULL, NULL,
                        G_MININT64, G_MAXINT64, 0,
                        G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_ACCEPTED_LABEL] =
    g_param_spec_string ("accepted-label", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
beacon_ticket_object_init (BeaconTicketObject *self)
{
}

/**
 * beacon_ticket_object_new:
 * @ticket: (transfer full): the ticket to wrap
 *
 * Returns: (transfer full): a new list item that owns @ticket
 */
BeaconTicketObject *
beacon_ticket_object_new (BeaconTicket *ticket)
{
  BeaconTicketObject *self;

  g_return_val_if_fail (ticket != NULL, NULL);

  self = g_object_new (BEACON_TYPE_TICKET_OBJECT, NULL);
  self->ticket = ticket;
  self->customer_site = format_customer_site (ticket);
  self->accepted_label = format_accepted (ticket->accepted_at);

  return self;
}

const BeaconTicket *
beacon_ticket_object_get_ticket (BeaconTicketObject *self)
{
  g_return_val_if_fail (BEACON_IS_TICKET_OBJECT (self), NULL);

  return self->ticket;
}

const char *
beacon_ticket_object_get_id (BeaconTicketObject *self)
{
  g_return_val_if_fail (BEACON_IS_TICKET_OBJECT (self), NULL);

  return self->ticket->id;
}

const char *
beacon_ticket_object_get_number (BeaconTicketObject *self)
{
  g_return_val_if_fail (BEACON_IS_TICKET_OBJECT (self), NULL);

  return self->ticket->number;
}

int
beacon_ticket_object_get_level (BeaconTicketObject *self)
{
  g_return_val_if_fail (BEACON_IS_TICKET_OBJECT (self), 0);

  return self->ticket->level;
}

const char *
beacon_ticket_object_get_level_label (BeaconTicketObject *self)
{
  g_return_val_if_fail (BEACON_IS_TICKET_OBJECT (self), NULL);

  return beacon_level_get_label (self->ticket->level);
}

const char *
beacon_ticket_object_get_kind_label (BeaconTicketObject *self)
{
  g_return_val_if_fail (BEACON_IS_TICKET_OBJECT (self), NULL);

  return beacon_kind_get_label (self->ticket->kind);
}

const char *
beacon_ticket_object_get_customer_site (BeaconTicketObject *self)
{
  g_return_val_if_fail (BEACON_IS_TICKET_OBJECT (self), NULL);

  return self->customer_site;
}

const char *
beacon_ticket_object_get_summary (BeaconTicketObject *self)
{
  g_return_val_if_fail (BEACON_IS_TICKET_OBJECT (self), NULL);

  return self->ticket->summary;
}

const char *
beacon_ticket_object_get_stage_label (BeaconTicketObject *self)
{
  g_return_val_if_fail (BEACON_IS_TICKET_OBJECT (self), NULL);

  return beacon_stage_get_label (self->ticket->stage);
}

gint64
beacon_ticket_object_get_accepted_at (BeaconTicketObject *self)
{
  g_return_val_if_fail (BEACON_IS_TICKET_OBJECT (self), 0);

  return self->ticket->accepted_at;
}

const char *
beacon_ticket_object_get_accepted_label (BeaconTicketObject *self)
{
  g_return_val_if_fail (BEACON_IS_TICKET_OBJECT (self), NULL);

  return self->accepted_label;
}
