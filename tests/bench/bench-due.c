/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "beacon-bench"

#include "config.h"

#include "beacon-calendar.h"

/* How fast the SLA engine computes due times on the office calendar (cn-5x8), whose
 * holidays and make-up days make it the slowest of the built-ins. The aim is more than
 * 1,000,000 computations per second; the figures are printed, never judged. */

#define N_STARTS       4096
#define MIN_SECONDS    0.25

static const struct
{
  const char *label;
  gint64      seconds;
} targets[] = {
  { "15 min", 15 * 60 },
  { "30 min", 30 * 60 },
  { "1 h", 3600 },
  { "2 h", 2 * 3600 },
  { "4 h", 4 * 3600 },
  { "8 h", 8 * 3600 },
  { "24 h", 24 * 3600 },
  { "3 d", 3 * 24 * 3600 },
  { "7 d", 7 * 24 * 3600 },
};

typedef gint64 (*Computation) (const BeaconCalendar *calendar,
                               gint64                start,
                               gint64                duration);

static gint64
compute_due (const BeaconCalendar *calendar,
             gint64                start,
             gint64                duration)
{
  gint64 due = 0;

  if (!beacon_calendar_due (calendar, start, duration, &due, NULL))
    g_error ("due() failed");
  return due;
}

static gint64
compute_elapsed (const BeaconCalendar *calendar,
                 gint64                start,
                 gint64                duration)
{
  return beacon_calendar_elapsed (calendar, start, start + duration);
}

/* Runs batches until at least MIN_SECONDS have passed; returns computations per second. */
static double
measure (const BeaconCalendar *calendar,
         Computation           computation,
         const gint64         *starts,
         gint64                duration,
         gint64               *checksum)
{
  gint64 begin = g_get_monotonic_time ();
  gint64 now = begin;
  gint64 count = 0;

  while (now - begin < MIN_SECONDS * G_USEC_PER_SEC)
    {
      for (guint i = 0; i < N_STARTS; i++)
        {
          /* duration 0 mixes all the targets */
          gint64 target = duration > 0 ? duration
                                       : targets[i % G_N_ELEMENTS (targets)].seconds;
          *checksum += computation (calendar, starts[i], target);
        }
      count += N_STARTS;
      now = g_get_monotonic_time ();
    }

  return count / ((now - begin) / (double) G_USEC_PER_SEC);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(BeaconCalendar) calendar = beacon_calendar_get_builtin ("cn-5x8");
  g_autoptr(GRand) rand = g_rand_new_with_seed (20261127);
  gint64 first = 1735660800;  /* 2025-01-01T00:00:00+08:00 */
  gint64 last = 1798732800;   /* 2027-01-01T00:00:00+08:00 */
  gint64 starts[N_STARTS];
  gint64 checksum = 0;
  double slowest = G_MAXDOUBLE;

  /* starts anywhere in the two years with holiday data, at any second */
  for (guint i = 0; i < N_STARTS; i++)
    starts[i] = g_rand_int_range (rand, 0, (gint32) (last - first)) + first;

  compute_due (calendar, starts[0], 3600);  /* warm up */

  g_print ("# due() on cn-5x8, %d starts in 2025–2026\n", N_STARTS);
  for (guint t = 0; t < G_N_ELEMENTS (targets); t++)
    {
      double rate = measure (calendar, compute_due, starts, targets[t].seconds, &checksum);

      slowest = MIN (slowest, rate);
      g_print ("due %-7s %12.0f computations/s  %8.1f ns each\n",
               targets[t].label, rate, 1e9 / rate);
    }
  {
    double rate = measure (calendar, compute_due, starts, 0, &checksum);
    g_print ("due mixed   %12.0f computations/s  %8.1f ns each\n", rate, 1e9 / rate);
  }

  g_print ("# elapsed() on cn-5x8 over the same spans in calendar time\n");
  for (guint t = 0; t < G_N_ELEMENTS (targets); t++)
    {
      double rate = measure (calendar, compute_elapsed, starts, targets[t].seconds, &checksum);
      g_print ("elapsed %-7s %10.0f computations/s  %8.1f ns each\n",
               targets[t].label, rate, 1e9 / rate);
    }

  g_print ("# slowest due target: %.0f computations/s (aim: more than 1000000)\n", slowest);
  g_print ("# checksum %" G_GINT64_FORMAT "\n", checksum);

  return 0;
}
