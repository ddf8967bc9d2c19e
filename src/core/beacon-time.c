/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "beacon-core"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "beacon-error.h"
#include "beacon-time.h"

/**
 * beacon_time_parse:
 * @text: an ISO 8601 date and time, such as `2026-11-27T09:30:00+08:00`
 * @default_tz: (nullable): the zone for a time written without an offset;
 *   %NULL means the offset is required
 * @out_instant: (out): seconds since the epoch
 *
 * Returns: %TRUE on success; on failure @error says what was wrong
 */
gboolean
beacon_time_parse (const char  *text,
                   GTimeZone   *default_tz,
                   gint64      *out_instant,
                   GError     **error)
{
  g_autoptr(GDateTime) dt = NULL;

  g_return_val_if_fail (out_instant != NULL, FALSE);

  if (text != NULL && strlen (text) >= 10 && strchr (text, 'T') == NULL && strchr (text, ' ') == NULL)
    {
      g_set_error (error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_INVALID,
                   _("“%s” is not a date and time: write it as 2026-11-27T09:30:00+08:00"), text);
      return FALSE;
    }

  if (text != NULL)
    dt = g_date_time_new_from_iso8601 (text, default_tz);

  if (dt == NULL)
    {
      if (text != NULL && default_tz == NULL)
        {
          g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();
          g_autoptr(GDateTime) without = g_date_time_new_from_iso8601 (text, utc);

          if (without != NULL)
            {
              g_set_error (error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_INVALID,
                           _("“%s” has no time zone offset: add one, as in 2026-11-27T09:30:00+08:00"),
                           text);
              return FALSE;
            }
        }
      g_set_error (error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_INVALID,
                   _("“%s” is not a valid date and time: write it as 2026-11-27T09:30:00+08:00"),
                   text ? text : "");
      return FALSE;
    }

  *out_instant = g_date_time_to_unix (dt);
  return TRUE;
}

/**
 * beacon_time_format:
 * @tz: (nullable): the zone to show the instant in; %NULL for the local zone
 *
 * Returns: (transfer full): ISO 8601 with the offset, e.g. `2026-10-08T09:30:00+08:00`
 */
char *
beacon_time_format (gint64     instant,
                    GTimeZone *tz)
{
  g_autoptr(GTimeZone) local = NULL;
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (instant);
  g_autoptr(GDateTime) dt = NULL;
  g_autofree char *base = NULL;
  gint64 offset;

  if (tz == NULL)
    tz = local = g_time_zone_new_local ();

  dt = g_date_time_to_timezone (utc, tz);
  base = g_date_time_format (dt, "%Y-%m-%dT%H:%M:%S");
  offset = g_date_time_get_utc_offset (dt) / G_USEC_PER_SEC;

  return g_strdup_printf ("%s%c%02d:%02d", base, offset < 0 ? '-' : '+',
                          (int) (ABS (offset) / 3600), (int) ((ABS (offset) % 3600) / 60));
}

/**
 * beacon_time_format_utc:
 *
 * Returns: (transfer full): ISO 8601 in UTC with a `+00:00` offset
 */
char *
beacon_time_format_utc (gint64 instant)
{
  g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();

  return beacon_time_format (instant, utc);
}
