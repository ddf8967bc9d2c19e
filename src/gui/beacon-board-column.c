/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "beacon-gui"

#include "config.h"

#include <glib/gi18n.h>

#include "beacon-board-column.h"
#include "beacon-ticket-card.h"

/* One stage of the board: a heading with the count, and a virtualised list of
 * cards. Cards are dragged by their ticket id; a drop on a column asks the
 * window to move the ticket there (::ticket-dropped). */

struct _BeaconBoardColumn
{
  GtkWidget           parent_instance;

  BeaconStage         stage;
  GListModel         *tickets;
  gboolean            disposed;

  /* Template widgets */
  GtkLabel           *title_label;
  GtkLabel           *count_label;
  GtkScrolledWindow  *scrolled_window;
  GtkListView        *list_view;
  GtkSingleSelection *selection;
};

G_DEFINE_FINAL_TYPE (BeaconBoardColumn, beacon_board_column, GTK_TYPE_WIDGET)

enum {
  TICKET_ACTIVATED,
  TICKET_DROPPED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/**
 * beacon_stage_get_column_title:
 *
 * Returns: the heading of a stage's column on the board
 */
const char *
beacon_stage_get_column_title (BeaconStage stage)
{
  switch (stage)
    {
    case BEACON_STAGE_NEW:        return C_("board column", "New");
    case BEACON_STAGE_RESPONDING: return C_("board column", "Responding");
    case BEACON_STAGE_ON_SITE:    return C_("board column", "On Site");
    case BEACON_STAGE_RECOVERED:  return C_("board column", "Recovered");
    case BEACON_STAGE_REPORTING:  return C_("board column", "Reporting");
    case BEACON_STAGE_CLOSED:     return C_("board column", "Closed Today");
    default:                      return "";
    }
}

static void
update_count (BeaconBoardColumn *self)
{
  char text[16];

  g_snprintf (text, sizeof text, "%u", g_list_model_get_n_items (self->tickets));
  gtk_label_set_label (self->count_label, text);
}

static void
on_tickets_items_changed_cb (GListModel        *model,
                             guint              position,
                             guint              removed,
                             guint              added,
                             BeaconBoardColumn *self)
{
  update_count (self);
}

static void
on_list_view_activate_cb (BeaconBoardColumn *self,
                          guint              position)
{
  g_autoptr(BeaconTicketObject) ticket = g_list_model_get_item (self->tickets, position);

  if (ticket != NULL)
    g_signal_emit (self, signals[TICKET_ACTIVATED], 0, ticket);
}

static GdkContentProvider *
on_drag_prepare_cb (GtkDragSource *source,
                    double         x,
                    double         y,
                    gpointer       user_data)
{
  BeaconTicketCard *card = BEACON_TICKET_CARD (gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (source)));
  BeaconTicketObject *ticket = beacon_ticket_card_get_ticket (card);

  if (ticket == NULL)
    return NULL;

  return gdk_content_provider_new_typed (G_TYPE_STRING, beacon_ticket_object_get_id (ticket));
}

static void
on_drag_begin_cb (GtkDragSource *source,
                  GdkDrag       *drag,
                  gpointer       user_data)
{
  GtkWidget *card = gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (source));
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (card);

  gtk_drag_source_set_icon (source, paintable, 0, 0);
}

/* Cards are kept for reuse when their rows go. GtkListView (GTK 4.8) keeps
 * a row widget for up to 200 items from the top of each column, not only
 * for those on screen, so a search that changes most of the board used to
 * build and destroy a thousand cards; now it moves them. The pool is shared
 * by the columns, and emptied when the last column goes. */
#define CARD_POOL_MAX 1500

static GPtrArray *card_pool;
static guint      n_columns_alive;

static void
setup_card_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *item,
               BeaconBoardColumn        *self)
{
  GtkWidget *card;
  GtkDragSource *source;

  if (card_pool != NULL && card_pool->len > 0)
    {
      card = g_ptr_array_steal_index_fast (card_pool, card_pool->len - 1);
      gtk_list_item_set_child (item, card);
      g_object_set_data_full (G_OBJECT (item), "beacon-card", card, g_object_unref);
      return;
    }

  card = beacon_ticket_card_new ();
  source = gtk_drag_source_new ();
  gtk_drag_source_set_actions (source, GDK_ACTION_MOVE);
  g_signal_connect (source, "prepare", G_CALLBACK (on_drag_prepare_cb), NULL);
  g_signal_connect (source, "drag-begin", G_CALLBACK (on_drag_begin_cb), NULL);
  gtk_widget_add_controller (card, GTK_EVENT_CONTROLLER (source));

  gtk_list_item_set_child (item, card);
  g_object_set_data_full (G_OBJECT (item), "beacon-card", g_object_ref_sink (card), g_object_unref);
}

static void
teardown_card_cb (GtkSignalListItemFactory *factory,
                  GtkListItem              *item,
                  BeaconBoardColumn        *self)
{
  /* The row widget may have let go of the card already; setup_card_cb()
   * keeps a reference of its own on the list item for this. */
  GtkWidget *card = g_object_steal_data (G_OBJECT (item), "beacon-card");

  if (card == NULL)
    return;

  if (gtk_list_item_get_child (item) == card)
    gtk_list_item_set_child (item, NULL);
  beacon_ticket_card_set_ticket (BEACON_TICKET_CARD (card), NULL);
  if (card_pool != NULL && card_pool->len < CARD_POOL_MAX && gtk_widget_get_parent (card) == NULL)
    g_ptr_array_add (card_pool, card);
  else
    g_object_unref (card);
}

static void
bind_card_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *item,
              BeaconBoardColumn        *self)
{
  beacon_ticket_card_set_ticket (BEACON_TICKET_CARD (gtk_list_item_get_child (item)),
                                 gtk_list_item_get_item (item));
}

static void
unbind_card_cb (GtkSignalListItemFactory *factory,
                GtkListItem              *item,
                BeaconBoardColumn        *self)
{
  beacon_ticket_card_set_ticket (BEACON_TICKET_CARD (gtk_list_item_get_child (item)), NULL);
}

static gboolean
on_drop_cb (GtkDropTarget     *target,
            const GValue      *value,
            double             x,
            double             y,
            BeaconBoardColumn *self)
{
  const char *ticket_id = g_value_get_string (value);

  if (ticket_id == NULL)
    return FALSE;

  g_signal_emit (self, signals[TICKET_DROPPED], 0, ticket_id, (int) self->stage);
  return TRUE;
}

static void
beacon_board_column_dispose (GObject *object)
{
  GtkWidget *child;
  BeaconBoardColumn *self = (BeaconBoardColumn *)object;

  if (self->tickets != NULL)
    g_signal_handlers_disconnect_by_func (self->tickets, on_tickets_items_changed_cb, self);
  gtk_widget_dispose_template (GTK_WIDGET (self), BEACON_TYPE_BOARD_COLUMN);
  /* The template's unnamed boxes are children too. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_object (&self->tickets);

  if (!self->disposed)
    {
      self->disposed = TRUE;
      if (--n_columns_alive == 0)
        g_clear_pointer (&card_pool, g_ptr_array_unref);
    }

  G_OBJECT_CLASS (beacon_board_column_parent_class)->dispose (object);
}

static void
beacon_board_column_class_init (BeaconBoardColumnClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = beacon_board_column_dispose;

  /**
   * BeaconBoardColumn::ticket-activated:
   * @ticket: the card's ticket
   */
  signals[TICKET_ACTIVATED] = g_signal_new ("ticket-activated",
                                            G_TYPE_FROM_CLASS (klass),
                                            G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                            G_TYPE_NONE, 1, BEACON_TYPE_TICKET_OBJECT);
  /**
   * BeaconBoardColumn::ticket-dropped:
   * @ticket_id: the dropped card's ticket
   * @stage: the column's stage
   */
  signals[TICKET_DROPPED] = g_signal_new ("ticket-dropped",
                                          G_TYPE_FROM_CLASS (klass),
                                          G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                          G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_INT);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/beacondesk/Beacon/ui/beacon-board-column.ui");
  gtk_widget_class_bind_template_child (widget_class, BeaconBoardColumn, title_label);
  gtk_widget_class_bind_template_child (widget_class, BeaconBoardColumn, count_label);
  gtk_widget_class_bind_template_child (widget_class, BeaconBoardColumn, scrolled_window);
  gtk_widget_class_bind_template_child (widget_class, BeaconBoardColumn, list_view);
  gtk_widget_class_bind_template_child (widget_class, BeaconBoardColumn, selection);
  gtk_widget_class_bind_template_callback (widget_class, on_list_view_activate_cb);

  gtk_widget_class_set_css_name (widget_class, "boardcolumn");
}

static void
beacon_board_column_init (BeaconBoardColumn *self)
{
  GtkListItemFactory *factory;
  GtkDropTarget *target;

  gtk_widget_init_template (GTK_WIDGET (self));

  if (n_columns_alive++ == 0)
    card_pool = g_ptr_array_new_with_free_func (g_object_unref);

  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (factory, "setup", G_CALLBACK (setup_card_cb), self);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_card_cb), self);
  g_signal_connect (factory, "unbind", G_CALLBACK (unbind_card_cb), self);
  g_signal_connect (factory, "teardown", G_CALLBACK (teardown_card_cb), self);
  gtk_list_view_set_factory (self->list_view, factory);
  g_object_unref (factory);

  target = gtk_drop_target_new (G_TYPE_STRING, GDK_ACTION_MOVE);
  g_signal_connect (target, "drop", G_CALLBACK (on_drop_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (target));
}

/**
 * beacon_board_column_new:
 * @tickets: the column's cards, as #BeaconTicketObject
 *
 * Returns: (transfer floating): a new column
 */
GtkWidget *
beacon_board_column_new (BeaconStage  stage,
                         GListModel  *tickets)
{
  BeaconBoardColumn *self;

  g_return_val_if_fail (G_IS_LIST_MODEL (tickets), NULL);

  self = g_object_new (BEACON_TYPE_BOARD_COLUMN, NULL);
  self->stage = stage;
  self->tickets = g_object_ref (tickets);
  gtk_single_selection_set_model (self->selection, tickets);
  g_signal_connect (tickets, "items-changed", G_CALLBACK (on_tickets_items_changed_cb), self);

  gtk_label_set_label (self->title_label, beacon_stage_get_column_title (stage));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->list_view),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, beacon_stage_get_column_title (stage),
                                  -1);
  update_count (self);

  return GTK_WIDGET (self);
}

BeaconStage
beacon_board_column_get_stage (BeaconBoardColumn *self)
{
  g_return_val_if_fail (BEACON_IS_BOARD_COLUMN (self), BEACON_STAGE_NEW);

  return self->stage;
}

/**
 * beacon_board_column_get_selected:
 *
 * Returns: (transfer none) (nullable): the selected card's ticket
 */
BeaconTicketObject *
beacon_board_column_get_selected (BeaconBoardColumn *self)
{
  g_return_val_if_fail (BEACON_IS_BOARD_COLUMN (self), NULL);

  return gtk_single_selection_get_selected_item (self->selection);
}

/**
 * beacon_board_column_select_id:
 *
 * Returns: whether the column holds @ticket_id (and now selects it)
 */
gboolean
beacon_board_column_select_id (BeaconBoardColumn *self,
                               const char        *ticket_id)
{
  guint n_items;

  g_return_val_if_fail (BEACON_IS_BOARD_COLUMN (self), FALSE);

  n_items = g_list_model_get_n_items (self->tickets);
  for (guint i = 0; i < n_items; i++)
    {
      g_autoptr(BeaconTicketObject) ticket = g_list_model_get_item (self->tickets, i);

      if (g_strcmp0 (beacon_ticket_object_get_id (ticket), ticket_id) == 0)
        {
          gtk_single_selection_set_selected (self->selection, i);
          return TRUE;
        }
    }

  return FALSE;
}

GtkListView *
beacon_board_column_get_list_view (BeaconBoardColumn *self)
{
  g_return_val_if_fail (BEACON_IS_BOARD_COLUMN (self), NULL);

  return self->list_view;
}
