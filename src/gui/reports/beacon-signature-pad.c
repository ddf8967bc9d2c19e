/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "beacon-reports"

#include "config.h"

#include "beacon-signature-pad.h"

#include <glib/gi18n.h>
#include <math.h>

#include "beacon-json.h"

/**
 * BeaconSignaturePad:
 *
 * Where a signer draws their signature with a pen, a finger or the mouse.
 * Strokes are kept as vectors (x, y, pressure) in the pad's own coordinates,
 * which is what the core stores with a signature, so the printed report
 * draws the very lines that were signed. Pen pressure is used when the
 * device reports it; the mouse and touch draw at a medium pressure.
 */

#define DEFAULT_PRESSURE 0.5
#define MIN_WIDTH 320
#define MIN_HEIGHT 140

typedef struct
{
  double x;
  double y;
  double pressure;
} StrokePoint;

struct _BeaconSignaturePad
{
  GtkWidget  parent_instance;

  GPtrArray *strokes;         /* GArray of StrokePoint */
  gboolean   drawing;
  gboolean   stylus_down;     /* the drag gesture sees pen events too */
  gboolean   editable;
  /* Strokes loaded from a stored signature were drawn on a pad of this size. */
  double     source_width;
  double     source_height;

  GtkGesture *stylus;
  double      drag_start_x;
  double      drag_start_y;
};

G_DEFINE_FINAL_TYPE (BeaconSignaturePad, beacon_signature_pad, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_EDITABLE,
  PROP_N_STROKES,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static double
clamp_pressure (double pressure)
{
  if (pressure <= 0 || isnan (pressure))
    return DEFAULT_PRESSURE;
  return CLAMP (pressure, 0.05, 1.0);
}

static double
stylus_pressure (BeaconSignaturePad *self)
{
  double pressure;

  if (gtk_gesture_stylus_get_axis (GTK_GESTURE_STYLUS (self->stylus), GDK_AXIS_PRESSURE, &pressure))
    return pressure;
  return DEFAULT_PRESSURE;
}

static void
on_stylus_down_cb (GtkGestureStylus   *gesture,
                   double              x,
                   double              y,
                   BeaconSignaturePad *self)
{
  self->stylus_down = TRUE;
  beacon_signature_pad_begin_stroke (self, x, y, stylus_pressure (self));
}

static void
on_stylus_motion_cb (GtkGestureStylus   *gesture,
                     double              x,
                     double              y,
                     BeaconSignaturePad *self)
{
  if (self->stylus_down)
    beacon_signature_pad_extend_stroke (self, x, y, stylus_pressure (self));
}

static void
on_stylus_up_cb (GtkGestureStylus   *gesture,
                 double              x,
                 double              y,
                 BeaconSignaturePad *self)
{
  if (self->stylus_down)
    beacon_signature_pad_end_stroke (self);
  self->stylus_down = FALSE;
}

static void
on_drag_begin_cb (GtkGestureDrag     *gesture,
                  double              start_x,
                  double              start_y,
                  BeaconSignaturePad *self)
{
  self->drag_start_x = start_x;
  self->drag_start_y = start_y;
  if (self->stylus_down)
    return;
  beacon_signature_pad_begin_stroke (self, start_x, start_y, DEFAULT_PRESSURE);
}

static void
on_drag_update_cb (GtkGestureDrag     *gesture,
                   double              offset_x,
                   double              offset_y,
                   BeaconSignaturePad *self)
{
  if (self->stylus_down)
    return;
  beacon_signature_pad_extend_stroke (self, self->drag_start_x + offset_x,
                                      self->drag_start_y + offset_y, DEFAULT_PRESSURE);
}

static void
on_drag_end_cb (GtkGestureDrag     *gesture,
                double              offset_x,
                double              offset_y,
                BeaconSignaturePad *self)
{
  if (self->stylus_down)
    return;
  beacon_signature_pad_end_stroke (self);
}

static void
beacon_signature_pad_measure (GtkWidget      *widget,
                              GtkOrientation  orientation,
                              int             for_size,
                              int            *minimum,
                              int            *natural,
                              int            *minimum_baseline,
                              int            *natural_baseline)
{
  *minimum = *natural = orientation == GTK_ORIENTATION_HORIZONTAL ? MIN_WIDTH : MIN_HEIGHT;
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    *natural = 2 * MIN_WIDTH;
}

static void
draw_strokes (BeaconSignaturePad *self,
              cairo_t            *cr,
              double              width,
              double              height)
{
  double scale = 1;

  /* A stored signature keeps its proportions in a pad of another size. */
  if (self->source_width > 0 && self->source_height > 0)
    scale = MIN (width / self->source_width, height / self->source_height);

  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  cairo_set_source_rgb (cr, 0.08, 0.12, 0.30);

  for (guint s = 0; s < self->strokes->len; s++)
    {
      GArray *stroke = g_ptr_array_index (self->strokes, s);

      if (stroke->len == 1)
        {
          StrokePoint *p = &g_array_index (stroke, StrokePoint, 0);

          cairo_arc (cr, p->x * scale, p->y * scale, 0.8 + 1.6 * p->pressure, 0, 2 * G_PI);
          cairo_fill (cr);
          continue;
        }

      for (guint i = 1; i < stroke->len; i++)
        {
          StrokePoint *a = &g_array_index (stroke, StrokePoint, i - 1);
          StrokePoint *b = &g_array_index (stroke, StrokePoint, i);

          cairo_set_line_width (cr, (1.0 + 3.0 * (a->pressure + b->pressure) / 2) * MAX (scale, 0.5));
          cairo_move_to (cr, a->x * scale, a->y * scale);
          cairo_line_to (cr, b->x * scale, b->y * scale);
          cairo_stroke (cr);
        }
    }
}

static void
beacon_signature_pad_snapshot (GtkWidget   *widget,
                               GtkSnapshot *snapshot)
{
  BeaconSignaturePad *self = BEACON_SIGNATURE_PAD (widget);
  double width = gtk_widget_get_width (widget);
  double height = gtk_widget_get_height (widget);
  cairo_t *cr;

  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));

  /* Paper, whatever the style: a signature is ink on a white form. */
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_rectangle (cr, 0.5, 0.5, width - 1, height - 1);
  cairo_fill_preserve (cr);
  cairo_set_source_rgba (cr, 0, 0, 0, self->editable ? 0.3 : 0.15);
  cairo_set_line_width (cr, 1);
  cairo_stroke (cr);

  if (self->editable)
    {
      /* The line people sign on. */
      cairo_set_source_rgba (cr, 0, 0, 0, 0.25);
      cairo_move_to (cr, 16, height * 0.72);
      cairo_line_to (cr, width - 16, height * 0.72);
      cairo_stroke (cr);
    }

  draw_strokes (self, cr, width, height);
  cairo_destroy (cr);
}

static void
beacon_signature_pad_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  BeaconSignaturePad *self = BEACON_SIGNATURE_PAD (object);

  switch (prop_id)
    {
    case PROP_EDITABLE:
      g_value_set_boolean (value, self->editable);
      break;
    case PROP_N_STROKES:
      g_value_set_uint (value, self->strokes->len);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
beacon_signature_pad_set_property (GObject      *object,
                                   guint         prop_id,
                                   const GValue *value,
                                   GParamSpec   *pspec)
{
  BeaconSignaturePad *self = BEACON_SIGNATURE_PAD (object);

  switch (prop_id)
    {
    case PROP_EDITABLE:
      beacon_signature_pad_set_editable (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
beacon_signature_pad_finalize (GObject *object)
{
  BeaconSignaturePad *self = BEACON_SIGNATURE_PAD (object);

  g_clear_pointer (&self->strokes, g_ptr_array_unref);

  G_OBJECT_CLASS (beacon_signature_pad_parent_class)->finalize (object);
}

static void
beacon_signature_pad_class_init (BeaconSignaturePadClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = beacon_signature_pad_finalize;
  object_class->get_property = beacon_signature_pad_get_property;
  object_class->set_property = beacon_signature_pad_set_property;

  widget_class->measure = beacon_signature_pad_measure;
  widget_class->snapshot = beacon_signature_pad_snapshot;

  properties[PROP_EDITABLE] =
    g_param_spec_boolean ("editable", NULL, NULL, TRUE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_N_STROKES] =
    g_param_spec_uint ("n-strokes", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_css_name (widget_class, "signaturepad");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
beacon_signature_pad_init (BeaconSignaturePad *self)
{
  GtkGesture *drag;

  self->strokes = g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref);
  self->editable = TRUE;

  /* The stylus gesture first, so a pen's drag is recognised as a pen. */
  self->stylus = gtk_gesture_stylus_new ();
  g_signal_connect (self->stylus, "down", G_CALLBACK (on_stylus_down_cb), self);
  g_signal_connect (self->stylus, "motion", G_CALLBACK (on_stylus_motion_cb), self);
  g_signal_connect (self->stylus, "up", G_CALLBACK (on_stylus_up_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (self->stylus));

  drag = gtk_gesture_drag_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (drag), GDK_BUTTON_PRIMARY);
  g_signal_connect (drag, "drag-begin", G_CALLBACK (on_drag_begin_cb), self);
  g_signal_connect (drag, "drag-update", G_CALLBACK (on_drag_update_cb), self);
  g_signal_connect (drag, "drag-end", G_CALLBACK (on_drag_end_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drag));

  gtk_widget_set_cursor_from_name (GTK_WIDGET (self), "crosshair");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Signature pad"),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  _("Draw the signature with a pen, a finger or the mouse"),
                                  -1);
}

GtkWidget *
beacon_signature_pad_new (void)
{
  return g_object_new (BEACON_TYPE_SIGNATURE_PAD, NULL);
}

gboolean
beacon_signature_pad_get_editable (BeaconSignaturePad *self)
{
  g_return_val_if_fail (BEACON_IS_SIGNATURE_PAD (self), FALSE);
  return self->editable;
}

void
beacon_signature_pad_set_editable (BeaconSignaturePad *self,
                                   gboolean            editable)
{
  g_return_if_fail (BEACON_IS_SIGNATURE_PAD (self));

  editable = !!editable;
  if (self->editable == editable)
    return;
  self->editable = editable;
  self->drawing = FALSE;
  gtk_widget_set_cursor_from_name (GTK_WIDGET (self), editable ? "crosshair" : NULL);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_EDITABLE]);
}

guint
beacon_signature_pad_get_n_strokes (BeaconSignaturePad *self)
{
  g_return_val_if_fail (BEACON_IS_SIGNATURE_PAD (self), 0);
  return self->strokes->len;
}

/**
 * beacon_signature_pad_begin_stroke:
 * @x: in the pad's coordinates
 * @pressure: 0–1; 0 or less when the device does not tell
 *
 * What the gestures call; tests call it too, to draw without an input device.
 */
void
beacon_signature_pad_begin_stroke (BeaconSignaturePad *self,
                                   double              x,
                                   double              y,
                                   double              pressure)
{
  GArray *stroke;
  StrokePoint point = { x, y, clamp_pressure (pressure) };

  g_return_if_fail (BEACON_IS_SIGNATURE_PAD (self));

  if (!self->editable)
    return;

  /* Drawing on a shown signature starts a new one in this pad's size. */
  if (self->source_width > 0)
    {
      g_ptr_array_set_size (self->strokes, 0);
      self->source_width = self->source_height = 0;
    }

  stroke = g_array_new (FALSE, FALSE, sizeof (StrokePoint));
  g_array_append_val (stroke, point);
  g_ptr_array_add (self->strokes, stroke);
  self->drawing = TRUE;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_STROKES]);
}

void
beacon_signature_pad_extend_stroke (BeaconSignaturePad *self,
                                    double              x,
                                    double              y,
                                    double              pressure)
{
  GArray *stroke;
  StrokePoint point = { x, y, clamp_pressure (pressure) };
  StrokePoint *last;

  g_return_if_fail (BEACON_IS_SIGNATURE_PAD (self));

  if (!self->drawing || self->strokes->len == 0)
    return;

  stroke = g_ptr_array_index (self->strokes, self->strokes->len - 1);
  last = &g_array_index (stroke, StrokePoint, stroke->len - 1);
  /* Sub-pixel jitter adds points, not ink. */
  if (fabs (last->x - x) < 0.5 && fabs (last->y - y) < 0.5)
    return;
  point.x = CLAMP (x, 0, gtk_widget_get_width (GTK_WIDGET (self)) ?: x);
  point.y = CLAMP (y, 0, gtk_widget_get_height (GTK_WIDGET (self)) ?: y);
  g_array_append_val (stroke, point);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
beacon_signature_pad_end_stroke (BeaconSignaturePad *self)
{
  g_return_if_fail (BEACON_IS_SIGNATURE_PAD (self));
  self->drawing = FALSE;
}

/* Takes back the last stroke. */
void
beacon_signature_pad_undo (BeaconSignaturePad *self)
{
  g_return_if_fail (BEACON_IS_SIGNATURE_PAD (self));

  if (!self->editable || self->strokes->len == 0)
    return;
  g_ptr_array_set_size (self->strokes, self->strokes->len - 1);
  self->drawing = FALSE;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_STROKES]);
}

void
beacon_signature_pad_clear (BeaconSignaturePad *self)
{
  g_return_if_fail (BEACON_IS_SIGNATURE_PAD (self));

  if (self->strokes->len == 0)
    return;
  g_ptr_array_set_size (self->strokes, 0);
  self->source_width = self->source_height = 0;
  self->drawing = FALSE;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_STROKES]);
}

/**
 * beacon_signature_pad_dup_strokes:
 *
 * Returns: (transfer full): `{"width": W, "height": H, "strokes": [[[x, y, p], …], …]}`
 *   with coordinates rounded to a tenth of a pixel, as the core stores them
 */
JsonNode *
beacon_signature_pad_dup_strokes (BeaconSignaturePad *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  double width, height;

  g_return_val_if_fail (BEACON_IS_SIGNATURE_PAD (self), NULL);

  width = self->source_width > 0 ? self->source_width : gtk_widget_get_width (GTK_WIDGET (self));
  height = self->source_height > 0 ? self->source_height : gtk_widget_get_height (GTK_WIDGET (self));

  /* Not laid out (strokes given through the API): the ink's own extent. */
  for (guint s = 0; (width <= 1 || height <= 1) && s < self->strokes->len; s++)
    {
      GArray *stroke = g_ptr_array_index (self->strokes, s);

      for (guint i = 0; i < stroke->len; i++)
        {
          StrokePoint *p = &g_array_index (stroke, StrokePoint, i);

          width = MAX (width, p->x + 1);
          height = MAX (height, p->y + 1);
        }
    }

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "width");
  json_builder_add_int_value (builder, (gint64) ceil (MAX (width, 1)));
  json_builder_set_member_name (builder, "height");
  json_builder_add_int_value (builder, (gint64) ceil (MAX (height, 1)));
  json_builder_set_member_name (builder, "strokes");
  json_builder_begin_array (builder);
  for (guint s = 0; s < self->strokes->len; s++)
    {
      GArray *stroke = g_ptr_array_index (self->strokes, s);

      json_builder_begin_array (builder);
      for (guint i = 0; i < stroke->len; i++)
        {
          StrokePoint *p = &g_array_index (stroke, StrokePoint, i);

          json_builder_begin_array (builder);
          json_builder_add_double_value (builder, round (p->x * 10) / 10);
          json_builder_add_double_value (builder, round (p->y * 10) / 10);
          json_builder_add_double_value (builder, round (p->pressure * 100) / 100);
          json_builder_end_array (builder);
        }
      json_builder_end_array (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

static double
element_number (JsonArray *array,
                guint      index,
                double     fallback)
{
  JsonNode *node = index < json_array_get_length (array) ? json_array_get_element (array, index) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return fallback;
  return json_node_get_value_type (node) == G_TYPE_INT64 ? (double) json_node_get_int (node)
                                                         : json_node_get_double (node);
}

/**
 * beacon_signature_pad_set_strokes:
 * @strokes_json: (nullable): a stored signature's strokes, as
 *   beacon_signature_pad_dup_strokes () gives them
 *
 * Shows a signature that was made, scaled into the pad.
 */
void
beacon_signature_pad_set_strokes (BeaconSignaturePad *self,
                                  const char         *strokes_json)
{
  g_autoptr(JsonNode) node = NULL;
  JsonObject *object;
  JsonArray *list = NULL;

  g_return_if_fail (BEACON_IS_SIGNATURE_PAD (self));

  g_ptr_array_set_size (self->strokes, 0);
  self->source_width = self->source_height = 0;
  self->drawing = FALSE;

  node = strokes_json ? beacon_json_parse (strokes_json, NULL) : NULL;
  object = node && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
  if (object != NULL && json_object_has_member (object, "strokes") &&
      JSON_NODE_HOLDS_ARRAY (json_object_get_member (object, "strokes")))
    {
      list = json_object_get_array_member (object, "strokes");
      self->source_width = json_object_has_member (object, "width")
                           ? json_object_get_double_member (object, "width") : 0;
      self->source_height = json_object_has_member (object, "height")
                            ? json_object_get_double_member (object, "height") : 0;
    }

  for (guint s = 0; list != NULL && s < json_array_get_length (list); s++)
    {
      JsonArray *points = json_array_get_array_element (list, s);
      GArray *stroke = g_array_new (FALSE, FALSE, sizeof (StrokePoint));

      for (guint i = 0; points != NULL && i < json_array_get_length (points); i++)
        {
          JsonArray *point = json_array_get_array_element (points, i);
          StrokePoint p;

          if (point == NULL)
            continue;
          p.x = element_number (point, 0, 0);
          p.y = element_number (point, 1, 0);
          p.pressure = clamp_pressure (element_number (point, 2, DEFAULT_PRESSURE));
          g_array_append_val (stroke, p);
        }
      g_ptr_array_add (self->strokes, stroke);
    }

  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_STROKES]);
}
