/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "beacon-core"

#include "config.h"

#include "beacon-clock.h"

/*
 * BeaconClock is the only place in core that may look at the wall clock.
 * Everything else is handed a clock, so tests and `--now` can pin time:
 *
 *  - system:   the real time;
 *  - starting: starts at a given instant, then runs at real speed
 *              (BEACON_FAKE_NOW in the app);
 *  - fixed:    stands still until set or advanced (tests).
 */
typedef enum
{
  CLOCK_SYSTEM,
  CLOCK_STARTING,
  CLOCK_FIXED,
} ClockKind;

struct _BeaconClock
{
  GObject   parent_instance;

  ClockKind kind;
  gint64    now_us;          /* fixed: the instant; starting: the start instant */
  gint64    monotonic_base;  /* starting: monotonic time at the start */
  GMutex    lock;
};

G_DEFINE_FINAL_TYPE (BeaconClock, beacon_clock, G_TYPE_OBJECT)

static void
beacon_clock_finalize (GObject *object)
{
  BeaconClock *self = BEACON_CLOCK (object);

  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (beacon_clock_parent_class)->finalize (object);
}

static void
beacon_clock_class_init (BeaconClockClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = beacon_clock_finalize;
}

static void
beacon_clock_init (BeaconClock *self)
{
  g_mutex_init (&self->lock);
}

/**
 * beacon_clock_new_system:
 *
 * Returns: (transfer full): a clock that tells the real time
 */
BeaconClock *
beacon_clock_new_system (void)
{
  BeaconClock *self = g_object_new (BEACON_TYPE_CLOCK, NULL);

  self->kind = CLOCK_SYSTEM;
  return self;
}

/**
 * beacon_clock_new_starting:
 * @start_us: the instant the clock shows now, in microseconds since the epoch
 *
 * Returns: (transfer full): a clock that starts at @start_us and then runs
 */
BeaconClock *
beacon_clock_new_starting (gint64 start_us)
{
  BeaconClock *self = g_object_new (BEACON_TYPE_CLOCK, NULL);

  self->kind = CLOCK_STARTING;
  self->now_us = start_us;
  self->monotonic_base = g_get_monotonic_time ();
  return self;
}

/**
 * beacon_clock_new_fixed:
 * @now_us: the instant, in microseconds since the epoch
 *
 * Returns: (transfer full): a clock that stands still at @now_us
 */
BeaconClock *
beacon_clock_new_fixed (gint64 now_us)
{
  BeaconClock *self = g_object_new (BEACON_TYPE_CLOCK, NULL);

  self->kind = CLOCK_FIXED;
  self->now_us = now_us;
  return self;
}

gint64
beacon_clock_get_now (BeaconClock *self)
{
  gint64 now;

  g_return_val_if_fail (BEACON_IS_CLOCK (self), 0);

  g_mutex_lock (&self->lock);
  switch (self->kind)
    {
    case CLOCK_SYSTEM:
      now = g_get_real_time ();
      break;
    case CLOCK_STARTING:
      now = self->now_us + (g_get_monotonic_time () - self->monotonic_base);
      break;
    case CLOCK_FIXED:
    default:
      now = self->now_us;
      break;
    }
  g_mutex_unlock (&self->lock);

  return now;
}

gint64
beacon_clock_get_now_seconds (BeaconClock *self)
{
  return beacon_clock_get_now (self) / G_USEC_PER_SEC;
}

/**
 * beacon_clock_set_now:
 *
 * Sets the instant a fixed or starting clock shows. A system clock ignores it.
 */
void
beacon_clock_set_now (BeaconClock *self,
                      gint64       now_us)
{
  g_return_if_fail (BEACON_IS_CLOCK (self));

  g_mutex_lock (&self->lock);
  self->now_us = now_us;
  self->monotonic_base = g_get_monotonic_time ();
  g_mutex_unlock (&self->lock);
}

void
beacon_clock_advance (BeaconClock *self,
                      gint64       delta_us)
{
  g_return_if_fail (BEACON_IS_CLOCK (self));

  g_mutex_lock (&self->lock);
  self->now_us += delta_us;
  g_mutex_unlock (&self->lock);
}
