/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "beacon-core"

#include "config.h"

#include "beacon-hlc.h"

static BeaconHlc
advance (gint64 ms,
         guint  counter)
{
  /* A full counter borrows the next millisecond rather than wrapping. */
  if (counter > 0xffff)
    return BEACON_HLC_PACK (ms + 1, 0);
  return BEACON_HLC_PACK (ms, counter);
}

/**
 * beacon_hlc_tick:
 * @last: the last value this device issued or saw
 * @wall_ms: the wall clock in milliseconds
 *
 * Returns: the value for a new local change, strictly greater than @last even
 *   when the wall clock was stepped back
 */
BeaconHlc
beacon_hlc_tick (BeaconHlc last,
                 gint64    wall_ms)
{
  gint64 last_ms = BEACON_HLC_MS (last);

  if (wall_ms > last_ms)
    return BEACON_HLC_PACK (wall_ms, 0);
  return advance (last_ms, BEACON_HLC_COUNTER (last) + 1);
}

/**
 * beacon_hlc_merge:
 * @last: the last value this device issued or saw
 * @remote: a value received from another device
 * @wall_ms: the wall clock in milliseconds
 *
 * Returns: the value to keep after receiving @remote: greater than both
 */
BeaconHlc
beacon_hlc_merge (BeaconHlc last,
                  BeaconHlc remote,
                  gint64    wall_ms)
{
  gint64 last_ms = BEACON_HLC_MS (last);
  gint64 remote_ms = BEACON_HLC_MS (remote);
  gint64 ms = MAX (MAX (last_ms, remote_ms), wall_ms);

  if (ms == last_ms && ms == remote_ms)
    return advance (ms, MAX (BEACON_HLC_COUNTER (last), BEACON_HLC_COUNTER (remote)) + 1);
  if (ms == last_ms)
    return advance (ms, BEACON_HLC_COUNTER (last) + 1);
  if (ms == remote_ms)
    return advance (ms, BEACON_HLC_COUNTER (remote) + 1);
  return BEACON_HLC_PACK (ms, 0);
}
