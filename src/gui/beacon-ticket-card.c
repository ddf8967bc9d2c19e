/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "beacon-gui"

#include "config.h"

#include <glib/gi18n.h>

#include "beacon-ticket-card.h"

/* One ticket on the board: number, level, customer and site, summary,
 * assignees and the countdown of its most urgent SLA metric. The level chip
 * says its level in words and has a shape of its own (square, notched,
 * round, outlined), so it reads without colour too. */

struct _BeaconTicketCard
{
  GtkWidget           parent_instance;

  BeaconTicketObject *ticket;
  gulong              changed_handler;
  int                 level;          /* the chip's, 0 before the first */
  gboolean            highlighted;

  /* Template widgets */
  GtkLabel           *level_chip;
  GtkLabel           *number_label;
  GtkLabel           *customer_label;
  GtkLabel           *summary_label;
  BeaconCountdown    *countdown;
  GtkLabel           *assignees_label;
};

G_DEFINE_FINAL_TYPE (BeaconTicketCard, beacon_ticket_card, GTK_TYPE_WIDGET)

/**
 * beacon_level_get_chip_label:
 *
 * Returns: the short name of a fault level for a chip, e.g. “1 · Critical”
 */
const char *
beacon_level_get_chip_label (int level)
{
  switch (level)
    {
    case 1: return C_("level chip", "1 · Critical");
    case 2: return C_("level chip", "2 · Major");
    case 3: return C_("level chip", "3 · Important");
    case 4: return C_("level chip", "4 · Routine");
    default: return C_("level chip", "?");
    }
}

static void
sync_card (BeaconTicketCard *self)
{
  static const char * const level_classes[] = { "level-1", "level-2", "level-3", "level-4" };
  const BeaconTicket *ticket;
  const BeaconSlaMetric *sla;
  g_autofree char *accessible = NULL;
  int level;

  if (self->ticket == NULL)
    return;

  ticket = beacon_ticket_object_get_ticket (self->ticket);
  level = CLAMP (ticket->level, BEACON_LEVEL_MIN, BEACON_LEVEL_MAX);

  /* Cards are rebound by the thousand when a search changes the board:
   * touch only what differs from the ticket shown before. */
  if (level != self->level)
    {
      if (self->level > 0)
        gtk_widget_remove_css_class (GTK_WIDGET (self->level_chip), level_classes[self->level - 1]);
      gtk_widget_add_css_class (GTK_WIDGET (self->level_chip), level_classes[level - 1]);
      gtk_label_set_label (self->level_chip, beacon_level_get_chip_label (level));
      self->level = level;
    }

  gtk_label_set_label (self->number_label, ticket->number);
  gtk_label_set_label (self->customer_label, beacon_ticket_object_get_customer_site (self->ticket));
  gtk_label_set_label (self->summary_label, ticket->summary ? ticket->summary : "");
  gtk_label_set_label (self->assignees_label, beacon_ticket_object_get_assignees_label (self->ticket));

  sla = beacon_ticket_object_get_sla (self->ticket);
  beacon_countdown_set_metric (self->countdown, sla);

  if (!beacon_ticket_object_get_highlighted (self->ticket) != !self->highlighted)
    {
      self->highlighted = !self->highlighted;
      if (self->highlighted)
        gtk_widget_add_css_class (GTK_WIDGET (self), "highlighted");
      else
        gtk_widget_remove_css_class (GTK_WIDGET (self), "highlighted");
    }

  /* Translators: how a screen reader announces a card: number, level, customer, summary */
  accessible = g_strdup_printf (_("%s, %s, %s: %s"), ticket->number, beacon_level_get_label (level),
                                beacon_ticket_object_get_customer_site (self->ticket),
                                ticket->summary ? ticket->summary : "");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, accessible,
                                  -1);
}

/* Tooltips are asked for when shown, from the ticket the card has then:
 * gtk_widget_set_tooltip_text() queries the pointer from the display server
 * each time, and a board binds hundreds of cards at once. */
static gboolean
on_level_chip_query_tooltip_cb (GtkWidget        *widget,
                                int               x,
                                int               y,
                                gboolean          keyboard_mode,
                                GtkTooltip       *tooltip,
                                BeaconTicketCard *self)
{
  if (self->ticket == NULL)
    return FALSE;

  gtk_tooltip_set_text (tooltip, beacon_level_get_label (CLAMP (beacon_ticket_object_get_level (self->ticket),
                                                                BEACON_LEVEL_MIN, BEACON_LEVEL_MAX)));
  return TRUE;
}

static gboolean
on_assignees_query_tooltip_cb (GtkWidget        *widget,
                               int               x,
                               int               y,
                               gboolean          keyboard_mode,
                               GtkTooltip       *tooltip,
                               BeaconTicketCard *self)
{
  const char *assignees;

  if (self->ticket == NULL)
    return FALSE;

  assignees = beacon_ticket_object_get_assignees_label (self->ticket);
  if (assignees == NULL || *assignees == '\0')
    return FALSE;

  gtk_tooltip_set_text (tooltip, assignees);
  return TRUE;
}

static void
on_ticket_changed_cb (BeaconTicketObject *ticket,
                      BeaconTicketCard   *self)
{
  sync_card (self);
}

static void
beacon_ticket_card_dispose (GObject *object)
{
  GtkWidget *child;
  BeaconTicketCard *self = (BeaconTicketCard *)object;

  beacon_ticket_card_set_ticket (self, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), BEACON_TYPE_TICKET_CARD);
  /* The template's unnamed boxes are children too. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (beacon_ticket_card_parent_class)->dispose (object);
}

static void
beacon_ticket_card_class_init (BeaconTicketCardClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = beacon_ticket_card_dispose;

  g_type_ensure (BEACON_TYPE_COUNTDOWN);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/beacondesk/Beacon/ui/beacon-ticket-card.ui");
  gtk_widget_class_bind_template_child (widget_class, BeaconTicketCard, level_chip);
  gtk_widget_class_bind_template_child (widget_class, BeaconTicketCard, number_label);
  gtk_widget_class_bind_template_child (widget_class, BeaconTicketCard, customer_label);
  gtk_widget_class_bind_template_child (widget_class, BeaconTicketCard, summary_label);
  gtk_widget_class_bind_template_child (widget_class, BeaconTicketCard, countdown);
  gtk_widget_class_bind_template_child (widget_class, BeaconTicketCard, assignees_label);

  gtk_widget_class_set_css_name (widget_class, "ticketcard");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
beacon_ticket_card_init (BeaconTicketCard *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  gtk_widget_set_has_tooltip (GTK_WIDGET (self->level_chip), TRUE);
  g_signal_connect (self->level_chip, "query-tooltip",
                    G_CALLBACK (on_level_chip_query_tooltip_cb), self);
  gtk_widget_set_has_tooltip (GTK_WIDGET (self->assignees_label), TRUE);
  g_signal_connect (self->assignees_label, "query-tooltip",
                    G_CALLBACK (on_assignees_query_tooltip_cb), self);
}

GtkWidget *
beacon_ticket_card_new (void)
{
  return g_object_new (BEACON_TYPE_TICKET_CARD, NULL);
}

/**
 * beacon_ticket_card_set_ticket:
 * @ticket: (nullable): the ticket to show; the card follows its changes
 */
void
beacon_ticket_card_set_ticket (BeaconTicketCard   *self,
                               BeaconTicketObject *ticket)
{
  g_return_if_fail (BEACON_IS_TICKET_CARD (self));

  if (self->ticket == ticket)
    return;

  if (self->ticket != NULL)
    {
      g_clear_signal_handler (&self->changed_handler, self->ticket);
      g_clear_object (&self->ticket);
    }

  if (ticket != NULL)
    {
      self->ticket = g_object_ref (ticket);
      self->changed_handler = g_signal_connect (ticket, "changed",
                                                G_CALLBACK (on_ticket_changed_cb), self);
      sync_card (self);
    }
}

BeaconTicketObject *
beacon_ticket_card_get_ticket (BeaconTicketCard *self)
{
  g_return_val_if_fail (BEACON_IS_TICKET_CARD (self), NULL);

  return self->ticket;
}

BeaconCountdown *
beacon_ticket_card_get_countdown (BeaconTicketCard *self)
{
  g_return_val_if_fail (BEACON_IS_TICKET_CARD (self), NULL);

  return self->countdown;
}
