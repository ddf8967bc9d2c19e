/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "beacon-gui"

#include "config.h"

#include <glib/gi18n.h>

#include "beacon-ticket-object.h"

/* A BeaconTicket as an item of a GListModel. When the store changes, the board
 * updates the objects it already shows in place (beacon_ticket_object_update)
 * and they emit ::changed, so a card on screen redraws without the list
 * losing its selection or scroll position. */

struct _BeaconTicketObject
{
  GObject       parent_instance;

  BeaconTicket *ticket;
  char         *customer_site;
  char         *accepted_label;
  char         *assignees_label;
  BeaconSlaMetric  sla;
  gboolean         has_sla;
  gboolean         highlighted;
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

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

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
  g_clear_pointer (&self->assignees_label, g_free);

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

  /**
   * BeaconTicketObject::changed:
   *
   * The ticket, its SLA state or its highlight changed.
   */
  signals[CHANGED] = g_signal_new ("changed",
                                   G_TYPE_FROM_CLASS (klass),
                                   G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL,
                                   G_TYPE_NONE, 0);
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
  self->assignees_label = g_strjoinv (", ", ticket->assignees ? ticket->assignees : (char *[]) { NULL });

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

const char *
beacon_ticket_object_get_assignees_label (BeaconTicketObject *self)
{
  g_return_val_if_fail (BEACON_IS_TICKET_OBJECT (self), NULL);

  return self->assignees_label;
}

BeaconStage
beacon_ticket_object_get_stage (BeaconTicketObject *self)
{
  g_return_val_if_fail (BEACON_IS_TICKET_OBJECT (self), BEACON_STAGE_NEW);

  return self->ticket->stage;
}

static gboolean
store_sla (BeaconTicketObject    *self,
           const BeaconSlaMetric *sla)
{
  gboolean has_sla = sla != NULL;
  gboolean changed = has_sla != self->has_sla ||
                     (has_sla && (sla->metric != self->sla.metric || sla->status != self->sla.status ||
                                  sla->due_at != self->sla.due_at ||
                                  sla->remaining != self->sla.remaining));

  self->has_sla = has_sla;
  if (has_sla)
    self->sla = *sla;
  else
    memset (&self->sla, 0, sizeof self->sla);

  return changed;
}

/**
 * beacon_ticket_object_set_sla:
 * @sla: (nullable): the ticket's most urgent metric, from the SLA engine
 *
 * Emits ::changed if it differs from what the object had.
 */
void
beacon_ticket_object_set_sla (BeaconTicketObject    *self,
                              const BeaconSlaMetric *sla)
{
  g_return_if_fail (BEACON_IS_TICKET_OBJECT (self));

  if (store_sla (self, sla))
    g_signal_emit (self, signals[CHANGED], 0);
}

static gboolean
tickets_differ (const BeaconTicket *a,
                const BeaconTicket *b)
{
  return a->updated_at != b->updated_at || a->level != b->level || a->stage != b->stage ||
         g_strcmp0 (a->summary, b->summary) != 0 || g_strcmp0 (a->customer, b->customer) != 0 ||
         g_strcmp0 (a->site, b->site) != 0 ||
         !g_strv_equal ((const char * const *) a->assignee_ids, (const char * const *) b->assignee_ids);
}

/**
 * beacon_ticket_object_update:
 * @ticket: (transfer full): the same ticket as the store has it now
 * @sla: (nullable): its most urgent metric
 *
 * Returns: whether anything the board shows changed (then ::changed was emitted)
 */
gboolean
beacon_ticket_object_update (BeaconTicketObject     *self,
                             BeaconTicket           *ticket,
                             const BeaconSlaMetric  *sla)
{
  gboolean changed;

  g_return_val_if_fail (BEACON_IS_TICKET_OBJECT (self), FALSE);
  g_return_val_if_fail (ticket != NULL, FALSE);
  g_return_val_if_fail (g_strcmp0 (ticket->id, self->ticket->id) == 0, FALSE);

  changed = tickets_differ (self->ticket, ticket);
  if (changed)
    {
      g_clear_pointer (&self->ticket, beacon_ticket_free);
      self->ticket = ticket;
      g_free (self->customer_site);
      self->customer_site = format_customer_site (ticket);
      g_free (self->assignees_label);
      self->assignees_label = g_strjoinv (", ", ticket->assignees ? ticket->assignees : (char *[]) { NULL });
    }
  else
    beacon_ticket_free (ticket);

  changed = store_sla (self, sla) || changed;

  if (changed)
    g_signal_emit (self, signals[CHANGED], 0);

  return changed;
}

/**
 * beacon_ticket_object_get_sla:
 *
 * Returns: (nullable): the ticket's most urgent metric, as last computed
 */
const BeaconSlaMetric *
beacon_ticket_object_get_sla (BeaconTicketObject *self)
{
  g_return_val_if_fail (BEACON_IS_TICKET_OBJECT (self), NULL);

  return self->has_sla ? &self->sla : NULL;
}

/**
 * beacon_ticket_object_get_urgency:
 *
 * Returns: the board's sort key: the due time of the most urgent running
 *   metric (breached ones are the earliest), or %G_MAXINT64 if none runs
 */
gint64
beacon_ticket_object_get_urgency (BeaconTicketObject *self)
{
  g_return_val_if_fail (BEACON_IS_TICKET_OBJECT (self), G_MAXINT64);

  if (self->has_sla && beacon_sla_status_is_running (self->sla.status))
    return self->sla.due_at;

  return G_MAXINT64;
}

gboolean
beacon_ticket_object_get_highlighted (BeaconTicketObject *self)
{
  g_return_val_if_fail (BEACON_IS_TICKET_OBJECT (self), FALSE);

  return self->highlighted;
}

/**
 * beacon_ticket_object_set_highlighted:
 *
 * Marks the ticket as the subject of a recent alert, for its card to stand out.
 */
void
beacon_ticket_object_set_highlighted (BeaconTicketObject *self,
                                      gboolean            highlighted)
{
  g_return_if_fail (BEACON_IS_TICKET_OBJECT (self));

  highlighted = !!highlighted;
  if (self->highlighted == highlighted)
    return;

  self->highlighted = highlighted;
  g_signal_emit (self, signals[CHANGED], 0);
}
