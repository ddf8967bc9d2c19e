/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "beacon-gui"

#include "config.h"

#include "beacon-ticker.h"

/* One 1 Hz heartbeat for every countdown on screen. Widgets connect when they
 * are mapped and disconnect when unmapped, and the timer runs only while
 * someone listens: a board scrolled out of sight costs nothing. The tick
 * carries the app clock's `now` (seconds), so BEACON_FAKE_NOW and the tests'
 * adjustable clocks drive the countdowns too. */

struct _BeaconTicker
{
  GObject      parent_instance;

  BeaconClock *clock;
  guint        timeout_id;
  guint        n_listeners;
  gint64       busy_us;       /* monotonic time spent in ::tick handlers */
  guint        n_ticks;
};

G_DEFINE_FINAL_TYPE (BeaconTicker, beacon_ticker, G_TYPE_OBJECT)

enum {
  TICK,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
beacon_ticker_finalize (GObject *object)
{
  BeaconTicker *self = (BeaconTicker *)object;

  g_clear_handle_id (&self->timeout_id, g_source_remove);
  g_clear_object (&self->clock);

  G_OBJECT_CLASS (beacon_ticker_parent_class)->finalize (object);
}

static void
beacon_ticker_class_init (BeaconTickerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = beacon_ticker_finalize;

  /**
   * BeaconTicker::tick:
   * @now: the app clock's time, in seconds since the epoch
   */
  signals[TICK] = g_signal_new ("tick",
                                G_TYPE_FROM_CLASS (klass),
                                G_SIGNAL_RUN_LAST,
                                0, NULL, NULL, NULL,
                                G_TYPE_NONE, 1, G_TYPE_INT64);
}

static void
beacon_ticker_init (BeaconTicker *self)
{
}

/**
 * beacon_ticker_get_default:
 *
 * Returns: (transfer none): the app's one ticker
 */
BeaconTicker *
beacon_ticker_get_default (void)
{
  static BeaconTicker *ticker;

  if (g_once_init_enter (&ticker))
    g_once_init_leave (&ticker, g_object_new (BEACON_TYPE_TICKER, NULL));

  return ticker;
}

void
beacon_ticker_set_clock (BeaconTicker *self,
                         BeaconClock  *clock)
{
  g_return_if_fail (BEACON_IS_TICKER (self));

  if (g_set_object (&self->clock, clock))
    beacon_ticker_tick (self);
}

BeaconClock *
beacon_ticker_get_clock (BeaconTicker *self)
{
  g_return_val_if_fail (BEACON_IS_TICKER (self), NULL);

  return self->clock;
}

gint64
beacon_ticker_get_now (BeaconTicker *self)
{
  g_return_val_if_fail (BEACON_IS_TICKER (self), 0);

  if (self->clock != NULL)
    return beacon_clock_get_now_seconds (self->clock);

  return g_get_real_time () / G_USEC_PER_SEC;
}

/**
 * beacon_ticker_tick:
 *
 * Emits ::tick now, e.g. after the clock was set; the timer does it every second.
 */
void
beacon_ticker_tick (BeaconTicker *self)
{
  gint64 start;

  g_return_if_fail (BEACON_IS_TICKER (self));

  start = g_get_monotonic_time ();
  g_signal_emit (self, signals[TICK], 0, beacon_ticker_get_now (self));
  self->busy_us += g_get_monotonic_time () - start;
  self->n_ticks++;
}

/**
 * beacon_ticker_get_busy_time:
 * @out_n_ticks: (out) (optional): how many ticks were emitted
 *
 * Returns: the time spent in tick handlers so far, in microseconds (for the benchmark)
 */
gint64
beacon_ticker_get_busy_time (BeaconTicker *self,
                             guint        *out_n_ticks)
{
  g_return_val_if_fail (BEACON_IS_TICKER (self), 0);

  if (out_n_ticks != NULL)
    *out_n_ticks = self->n_ticks;
  return self->busy_us;
}

static gboolean
on_timeout_cb (gpointer user_data)
{
  beacon_ticker_tick (BEACON_TICKER (user_data));

  return G_SOURCE_CONTINUE;
}

/**
 * beacon_ticker_connect:
 * @callback: a `void (*) (BeaconTicker *, gint64 now, gpointer user_data)`
 *
 * Returns: the handler id, for beacon_ticker_disconnect()
 */
gulong
beacon_ticker_connect (BeaconTicker *self,
                       GCallback     callback,
                       gpointer      user_data)
{
  g_return_val_if_fail (BEACON_IS_TICKER (self), 0);

  if (self->n_listeners++ == 0)
    /* Whole seconds are all a countdown shows; let GLib batch the wakeups. */
    self->timeout_id = g_timeout_add_seconds_full (G_PRIORITY_DEFAULT, 1, on_timeout_cb, self, NULL);

  return g_signal_connect (self, "tick", callback, user_data);
}

void
beacon_ticker_disconnect (BeaconTicker *self,
                          gulong        handler_id)
{
  g_return_if_fail (BEACON_IS_TICKER (self));
  g_return_if_fail (self->n_listeners > 0);

  g_signal_handler_disconnect (self, handler_id);
  if (--self->n_listeners == 0)
    g_clear_handle_id (&self->timeout_id, g_source_remove);
}

guint
beacon_ticker_get_n_listeners (BeaconTicker *self)
{
  g_return_val_if_fail (BEACON_IS_TICKER (self), 0);

  return self->n_listeners;
}
