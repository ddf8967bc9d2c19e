/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "beacon-gui"

#include "config.h"

#include <glib/gi18n.h>

#include "beacon-countdown.h"
#include "beacon-ticker.h"

/* An SLA countdown: a ring that empties as the time runs out, and the time
 * left in words. Each state looks different also without colour: running
 * (open ring), warning (ring with a thicker stroke), breached (filled disc
 * with an exclamation mark, “overdue”), paused (two bars), met (a tick). */

#define RING_SIZE 16
#define SPACING 6

struct _BeaconCountdown
{
  GtkWidget        parent_instance;

  GtkWidget       *label;
  char            *description;     /* the tooltip, also the accessible description */
  BeaconSlaMetric  metric;
  gboolean         has_metric;
  gboolean         show_metric_label;
  BeaconSlaStatus  status;
  double           fraction_left;
  gulong           tick_handler;
};

G_DEFINE_FINAL_TYPE (BeaconCountdown, beacon_countdown, GTK_TYPE_WIDGET)

static const char * const status_classes[] = {
  "pending", "running", "paused", "warning", "breached", "met", "missed",
};

/**
 * beacon_countdown_format_duration:
 *
 * Returns: (transfer full): @seconds the short way: “2 d 3 h”, “1 h 12 min”, “5 min”, “40 s”
 */
char *
beacon_countdown_format_duration (gint64 seconds)
{
  gint64 days, hours, minutes;

  seconds = ABS (seconds);
  days = seconds / 86400;
  hours = (seconds % 86400) / 3600;
  minutes = (seconds % 3600) / 60;

  if (days > 0)
    /* Translators: a short duration, days and hours */
    return g_strdup_printf (C_("duration", "%d d %d h"), (int) days, (int) hours);
  if (hours > 0)
    /* Translators: a short duration, hours and minutes */
    return g_strdup_printf (C_("duration", "%d h %d min"), (int) hours, (int) minutes);
  if (minutes > 0)
    return g_strdup_printf (C_("duration", "%d min"), (int) minutes);
  return g_strdup_printf (C_("duration", "%d s"), (int) seconds);
}

/**
 * beacon_countdown_format_duration_long:
 *
 * Returns: (transfer full): @seconds in words, for screen readers: “1 hour 12 minutes”
 */
char *
beacon_countdown_format_duration_long (gint64 seconds)
{
  g_autofree char *days_text = NULL;
  g_autofree char *hours_text = NULL;
  g_autofree char *minutes_text = NULL;
  int days, hours, minutes;

  seconds = ABS (seconds);
  days = seconds / 86400;
  hours = (seconds % 86400) / 3600;
  minutes = (seconds % 3600) / 60;

  if (days == 0 && hours == 0 && minutes == 0)
    return g_strdup_printf (ngettext ("%d second", "%d seconds", (int) seconds), (int) seconds);

  if (days > 0)
    days_text = g_strdup_printf (ngettext ("%d day", "%d days", days), days);
  if (hours > 0)
    hours_text = g_strdup_printf (ngettext ("%d hour", "%d hours", hours), hours);
  if (minutes > 0 && days == 0)
    minutes_text = g_strdup_printf (ngettext ("%d minute", "%d minutes", minutes), minutes);

  {
    const char *parts[4] = { NULL };
    guint n = 0;

    if (days_text) parts[n++] = days_text;
    if (hours_text) parts[n++] = hours_text;
    if (minutes_text) parts[n++] = minutes_text;

    /* Translators: joins the parts of a duration, “1 hour” and “12 minutes” */
    return g_strjoinv (C_("duration separator", " "), (char **) parts);
  }
}

static char *
format_text (BeaconCountdown *self,
             gint64           now)
{
  const BeaconSlaMetric *metric = &self->metric;
  g_autofree char *duration = NULL;

  switch (self->status)
    {
    case BEACON_SLA_RUNNING:
    case BEACON_SLA_WARNING:
      duration = beacon_countdown_format_duration (metric->due_at - now);
      /* Translators: an SLA countdown, e.g. “1 h 12 min left” */
      return g_strdup_printf (_("%s left"), duration);

    case BEACON_SLA_BREACHED:
      duration = beacon_countdown_format_duration (now - metric->due_at);
      /* Translators: an SLA countdown past its due time, e.g. “overdue 5 min” */
      return g_strdup_printf (_("overdue %s"), duration);

    case BEACON_SLA_PAUSED:
      duration = beacon_countdown_format_duration (metric->remaining);
      return g_strdup_printf (_("paused, %s left"), duration);

    case BEACON_SLA_MET:
      return g_strdup (_("met"));

    case BEACON_SLA_MISSED:
      duration = beacon_countdown_format_duration (metric->stopped_at - metric->due_at);
      return g_strdup_printf (_("met %s late"), duration);

    case BEACON_SLA_PENDING:
    default:
      return g_strdup (_("not started"));
    }
}

static char *
format_description (BeaconCountdown *self,
                    gint64           now)
{
  const BeaconSlaMetric *metric = &self->metric;
  g_autofree char *duration = NULL;

  switch (self->status)
    {
    case BEACON_SLA_RUNNING:
    case BEACON_SLA_WARNING:
      duration = beacon_countdown_format_duration_long (metric->due_at - now);
      /* Translators: e.g. “Emergency recovery due in 1 hour 12 minutes” */
      return g_strdup_printf (_("%s due in %s"), metric->label, duration);

    case BEACON_SLA_BREACHED:
      duration = beacon_countdown_format_duration_long (now - metric->due_at);
      /* Translators: e.g. “Phone response overdue by 5 minutes” */
      return g_strdup_printf (_("%s overdue by %s"), metric->label, duration);

    case BEACON_SLA_PAUSED:
      duration = beacon_countdown_format_duration_long (metric->remaining);
      return g_strdup_printf (_("%s paused with %s left"), metric->label, duration);

    default:
      /* Translators: a metric and its state, e.g. “Phone response: met” */
      return g_strdup_printf (_("%s: %s"), metric->label, beacon_metric_status_get_label (self->status));
    }
}

/**
 * beacon_countdown_update:
 * @now: the app clock's time, in seconds
 *
 * Recomputes the text and the ring for @now; cheap when nothing visible changed.
 */
void
beacon_countdown_update (BeaconCountdown *self,
                         gint64           now)
{
  g_autofree char *text = NULL;
  BeaconSlaStatus status;
  double fraction_left = 0;

  g_return_if_fail (BEACON_IS_COUNTDOWN (self));

  if (!self->has_metric)
    return;

  status = beacon_sla_status_at (&self->metric, now);
  if (status != self->status)
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self), status_classes[self->status]);
      gtk_widget_add_css_class (GTK_WIDGET (self), status_classes[status]);
      self->status = status;
    }

  text = format_text (self, now);
  if (self->show_metric_label)
    {
      char *with_label = g_strdup_printf ("%s · %s", self->metric.label, text);

      g_free (text);
      text = with_label;
    }

  /* The label re-lays out only when the words change, once a minute at most. */
  if (g_strcmp0 (gtk_label_get_label (GTK_LABEL (self->label)), text) != 0)
    {
      g_free (self->description);
      self->description = format_description (self, now);

      gtk_label_set_label (GTK_LABEL (self->label), text);
      gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, self->metric.label,
                                      GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, self->description,
                                      -1);
    }

  if (beacon_sla_status_is_running (status) && self->metric.due_at > self->metric.started_at)
    fraction_left = CLAMP ((double) (self->metric.due_at - now) /
                           (double) (self->metric.due_at - self->metric.started_at), 0.0, 1.0);
  else if (status == BEACON_SLA_PAUSED && self->metric.due_at > self->metric.started_at)
    fraction_left = CLAMP ((double) self->metric.remaining /
                           (double) (self->metric.due_at - self->metric.started_at), 0.0, 1.0);

  /* A ring 16 px wide cannot show less than a hundredth. */
  if (ABS (fraction_left - self->fraction_left) >= 0.01 ||
      (fraction_left == 0) != (self->fraction_left == 0))
    {
      self->fraction_left = fraction_left;
      gtk_widget_queue_draw (GTK_WIDGET (self));
    }
}

static void
on_ticker_tick_cb (BeaconTicker    *ticker,
                   gint64           now,
                   BeaconCountdown *self)
{
  beacon_countdown_update (self, now);
}

/* The tooltip is asked for when shown: gtk_widget_set_tooltip_text() queries
 * the pointer from the display server each time, and a board rebinds
 * hundreds of countdowns at once. */
static gboolean
on_query_tooltip_cb (GtkWidget  *widget,
                     int         x,
                     int         y,
                     gboolean    keyboard_mode,
                     GtkTooltip *tooltip,
                     gpointer    user_data)
{
  BeaconCountdown *self = BEACON_COUNTDOWN (widget);

  if (!self->has_metric || self->description == NULL)
    return FALSE;

  gtk_tooltip_set_text (tooltip, self->description);
  return TRUE;
}

static void
beacon_countdown_map (GtkWidget *widget)
{
  BeaconCountdown *self = BEACON_COUNTDOWN (widget);
  BeaconTicker *ticker = beacon_ticker_get_default ();

  GTK_WIDGET_CLASS (beacon_countdown_parent_class)->map (widget);

  g_assert (self->tick_handler == 0);
  self->tick_handler = beacon_ticker_connect (ticker, G_CALLBACK (on_ticker_tick_cb), self);
  beacon_countdown_update (self, beacon_ticker_get_now (ticker));
}

static void
beacon_countdown_unmap (GtkWidget *widget)
{
  BeaconCountdown *self = BEACON_COUNTDOWN (widget);

  if (self->tick_handler != 0)
    {
      beacon_ticker_disconnect (beacon_ticker_get_default (), self->tick_handler);
      self->tick_handler = 0;
    }

  GTK_WIDGET_CLASS (beacon_countdown_parent_class)->unmap (widget);
}

static void
set_source_color (cairo_t       *cr,
                  const GdkRGBA *color,
                  double         alpha)
{
  cairo_set_source_rgba (cr, color->red, color->green, color->blue, color->alpha * alpha);
}

static void
draw_ring (BeaconCountdown *self,
           cairo_t         *cr)
{
  static const GdkRGBA running = { 0.21, 0.52, 0.89, 1 };
  static const GdkRGBA warning = { 0.90, 0.55, 0.04, 1 };
  static const GdkRGBA breached = { 0.88, 0.11, 0.14, 1 };
  static const GdkRGBA met = { 0.18, 0.62, 0.32, 1 };
  GdkRGBA fg;
  double c = RING_SIZE / 2.0;
  double r = RING_SIZE / 2.0 - 2;

  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_color (gtk_widget_get_style_context (GTK_WIDGET (self)), &fg);
  G_GNUC_END_IGNORE_DEPRECATIONS

  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
  cairo_set_line_width (cr, 2.5);

  switch (self->status)
    {
    case BEACON_SLA_RUNNING:
    case BEACON_SLA_WARNING:
      /* The track, then what is left of the time, clockwise from twelve. */
      set_source_color (cr, &fg, 0.15);
      cairo_arc (cr, c, c, r, 0, 2 * G_PI);
      cairo_stroke (cr);
      set_source_color (cr, self->status == BEACON_SLA_WARNING ? &warning : &running, 1);
      if (self->status == BEACON_SLA_WARNING)
        cairo_set_line_width (cr, 3.5);
      cairo_arc (cr, c, c, r, -G_PI / 2, -G_PI / 2 + 2 * G_PI * MAX (self->fraction_left, 0.02));
      cairo_stroke (cr);
      break;

    case BEACON_SLA_BREACHED:
      set_source_color (cr, &breached, 1);
      cairo_arc (cr, c, c, r + 1, 0, 2 * G_PI);
      cairo_fill (cr);
      cairo_set_source_rgb (cr, 1, 1, 1);
      cairo_set_line_width (cr, 2);
      cairo_move_to (cr, c, c - 4);
      cairo_line_to (cr, c, c + 1);
      cairo_stroke (cr);
      cairo_arc (cr, c, c + 4, 1.1, 0, 2 * G_PI);
      cairo_fill (cr);
      break;

    case BEACON_SLA_PAUSED:
      set_source_color (cr, &fg, 0.55);
      cairo_arc (cr, c, c, r, 0, 2 * G_PI);
      cairo_stroke (cr);
      cairo_set_line_width (cr, 2);
      cairo_move_to (cr, c - 2, c - 3);
      cairo_line_to (cr, c - 2, c + 3);
      cairo_move_to (cr, c + 2, c - 3);
      cairo_line_to (cr, c + 2, c + 3);
      cairo_stroke (cr);
      break;

    case BEACON_SLA_MET:
    case BEACON_SLA_MISSED:
      set_source_color (cr, self->status == BEACON_SLA_MET ? &met : &warning, 1);
      cairo_arc (cr, c, c, r, 0, 2 * G_PI);
      cairo_stroke (cr);
      cairo_move_to (cr, c - 3.5, c);
      cairo_line_to (cr, c - 1, c + 2.5);
      cairo_line_to (cr, c + 3.5, c - 2.5);
      cairo_stroke (cr);
      break;

    case BEACON_SLA_PENDING:
    default:
      set_source_color (cr, &fg, 0.3);
      cairo_set_dash (cr, (double[]) { 2, 2.5 }, 2, 0);
      cairo_arc (cr, c, c, r, 0, 2 * G_PI);
      cairo_stroke (cr);
      break;
    }
}

static void
beacon_countdown_snapshot (GtkWidget   *widget,
                           GtkSnapshot *snapshot)
{
  BeaconCountdown *self = BEACON_COUNTDOWN (widget);
  int height = gtk_widget_get_height (widget);
  cairo_t *cr;

  if (self->has_metric)
    {
      gtk_snapshot_save (snapshot);
      gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (0, (height - RING_SIZE) / 2.0));
      cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, RING_SIZE, RING_SIZE));
      draw_ring (self, cr);
      cairo_destroy (cr);
      gtk_snapshot_restore (snapshot);
    }

  gtk_widget_snapshot_child (widget, self->label, snapshot);
}

static void
beacon_countdown_measure (GtkWidget      *widget,
                          GtkOrientation  orientation,
                          int             for_size,
                          int            *minimum,
                          int            *natural,
                          int            *minimum_baseline,
                          int            *natural_baseline)
{
  BeaconCountdown *self = BEACON_COUNTDOWN (widget);

  gtk_widget_measure (self->label, orientation,
                      orientation == GTK_ORIENTATION_VERTICAL && for_size >= 0
                        ? MAX (for_size - RING_SIZE - SPACING, 0) : for_size,
                      minimum, natural, NULL, NULL);

  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum += RING_SIZE + SPACING;
      *natural += RING_SIZE + SPACING;
    }
  else
    {
      *minimum = MAX (*minimum, RING_SIZE);
      *natural = MAX (*natural, RING_SIZE);
    }
}

static void
beacon_countdown_size_allocate (GtkWidget *widget,
                                int        width,
                                int        height,
                                int        baseline)
{
  BeaconCountdown *self = BEACON_COUNTDOWN (widget);

  gtk_widget_size_allocate (self->label,
                            &(GtkAllocation) { RING_SIZE + SPACING, 0,
                                               MAX (width - RING_SIZE - SPACING, 0), height },
                            -1);
}

static void
beacon_countdown_dispose (GObject *object)
{
  BeaconCountdown *self = (BeaconCountdown *)object;

  g_clear_pointer (&self->label, gtk_widget_unparent);

  G_OBJECT_CLASS (beacon_countdown_parent_class)->dispose (object);
}

static void
beacon_countdown_finalize (GObject *object)
{
  BeaconCountdown *self = (BeaconCountdown *)object;

  g_clear_pointer (&self->description, g_free);

  G_OBJECT_CLASS (beacon_countdown_parent_class)->finalize (object);
}

static void
beacon_countdown_class_init (BeaconCountdownClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = beacon_countdown_dispose;
  object_class->finalize = beacon_countdown_finalize;

  widget_class->map = beacon_countdown_map;
  widget_class->unmap = beacon_countdown_unmap;
  widget_class->snapshot = beacon_countdown_snapshot;
  widget_class->measure = beacon_countdown_measure;
  widget_class->size_allocate = beacon_countdown_size_allocate;

  gtk_widget_class_set_css_name (widget_class, "countdown");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_STATUS);
}

static void
beacon_countdown_init (BeaconCountdown *self)
{
  self->label = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (self->label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (self->label), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (self->label, "numeric");
  gtk_widget_set_parent (self->label, GTK_WIDGET (self));

  self->status = BEACON_SLA_PENDING;
  gtk_widget_add_css_class (GTK_WIDGET (self), status_classes[self->status]);

  gtk_widget_set_has_tooltip (GTK_WIDGET (self), TRUE);
  g_signal_connect (self, "query-tooltip", G_CALLBACK (on_query_tooltip_cb), NULL);
}

GtkWidget *
beacon_countdown_new (void)
{
  return g_object_new (BEACON_TYPE_COUNTDOWN, NULL);
}

/**
 * beacon_countdown_set_metric:
 * @metric: (nullable): the metric to count down, copied; %NULL for none
 */
void
beacon_countdown_set_metric (BeaconCountdown       *self,
                             const BeaconSlaMetric *metric)
{
  g_return_if_fail (BEACON_IS_COUNTDOWN (self));

  self->has_metric = metric != NULL;
  if (metric != NULL)
    self->metric = *metric;
  else
    memset (&self->metric, 0, sizeof self->metric);

  self->fraction_left = -1;
  gtk_label_set_label (GTK_LABEL (self->label), "");
  gtk_widget_set_visible (GTK_WIDGET (self), metric != NULL);

  if (metric != NULL)
    beacon_countdown_update (self, beacon_ticker_get_now (beacon_ticker_get_default ()));
}

void
beacon_countdown_set_show_metric_label (BeaconCountdown *self,
                                        gboolean         show)
{
  g_return_if_fail (BEACON_IS_COUNTDOWN (self));

  self->show_metric_label = !!show;
  gtk_label_set_label (GTK_LABEL (self->label), "");
  beacon_countdown_update (self, beacon_ticker_get_now (beacon_ticker_get_default ()));
}

const char *
beacon_countdown_get_text (BeaconCountdown *self)
{
  g_return_val_if_fail (BEACON_IS_COUNTDOWN (self), NULL);

  return gtk_label_get_label (GTK_LABEL (self->label));
}

BeaconSlaStatus
beacon_countdown_get_status (BeaconCountdown *self)
{
  g_return_val_if_fail (BEACON_IS_COUNTDOWN (self), BEACON_SLA_PENDING);

  return self->status;
}
