/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "beacon-core"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "beacon-duration.h"
#include "beacon-error.h"

#define SECONDS_PER_MINUTE G_GINT64_CONSTANT (60)
#define SECONDS_PER_HOUR   G_GINT64_CONSTANT (3600)
#define SECONDS_PER_DAY    G_GINT64_CONSTANT (86400)
#define SECONDS_PER_WEEK   G_GINT64_CONSTANT (604800)

static gboolean
set_duration_error (GError     **error,
                    const char  *text,
                    const char  *reason)
{
  g_set_error (error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_INVALID,
               /* Translators: the first %s is what the user typed, the second why it is wrong */
               _("“%s” is not a duration: %s. Write it as 2h30m, 90m, 45s, 5d, PT2H30M, P5D "
                 "or a number of seconds"),
               text, reason);
  return FALSE;
}

static gint64
unit_seconds (char unit)
{
  switch (g_ascii_tolower (unit))
    {
    case 'w': return SECONDS_PER_WEEK;
    case 'd': return SECONDS_PER_DAY;
    case 'h': return SECONDS_PER_HOUR;
    case 'm': return SECONDS_PER_MINUTE;
    case 's': return 1;
    default:  return 0;
    }
}

/* Reads the digits at *p into *out_number and moves *p past them. */
static gboolean
read_number (const char **p,
             gint64      *out_number)
{
  gint64 number = 0;

  if (!g_ascii_isdigit (**p))
    return FALSE;

  while (g_ascii_isdigit (**p))
    {
      int digit = **p - '0';

      if (number > (G_MAXINT64 - digit) / 10)
        number = G_MAXINT64; /* saturate; the caller reports the overflow */
      else
        number = number * 10 + digit;
      (*p)++;
    }

  *out_number = number;
  return TRUE;
}

static gboolean
add_component (gint64 *total,
               gint64  number,
               gint64  unit)
{
  if (number > (G_MAXINT64 - *total) / unit)
    return FALSE;
  *total += number * unit;
  return TRUE;
}

/* 2h30m, 90m, 45s, 5d, 1d 2h: units from largest to smallest, each at most once. */
static gboolean
parse_units (const char  *text,
             const char  *original,
             gint64      *out_seconds,
             GError     **error)
{
  const char *p = text;
  gint64 total = 0;
  gint64 last_unit = G_MAXINT64;

  while (*p != '\0')
    {
      gint64 number;
      gint64 unit;

      while (g_ascii_isspace (*p))
        p++;
      if (*p == '\0')
        break;

      if (!read_number (&p, &number))
        {
          g_autofree char *reason = g_strdup_printf (_("expected a number at “%s”"), p);
          return set_duration_error (error, original, reason);
        }

      while (g_ascii_isspace (*p))
        p++;

      if (*p == '\0')
        {
          g_autofree char *number_text = g_strdup_printf ("%" G_GINT64_FORMAT, number);
          g_autofree char *reason =
            g_strdup_printf (_("the number %s has no unit (d, h, m or s)"), number_text);
          return set_duration_error (error, original, reason);
        }

      unit = unit_seconds (*p);
      if (unit == 0 || g_ascii_tolower (*p) == 'w')
        {
          g_autofree char *reason = g_strdup_printf (_("“%c” is not a unit; use d, h, m or s"),
                                                     *p);
          return set_duration_error (error, original, reason);
        }

      if (unit >= last_unit)
        return set_duration_error (error, original,
                                   _("units must go from days to seconds, each once, "
                                     "as in 1d2h30m"));
      last_unit = unit;
      p++;

      if (!add_component (&total, number, unit))
        return set_duration_error (error, original, _("it is too long"));
    }

  *out_seconds = total;
  return TRUE;
}

/* ISO 8601: PnW, or P[nD][T[nH][nM][nS]]. Years and months have no fixed length. */
static gboolean
parse_iso8601 (const char  *text,
               const char  *original,
               gint64      *out_seconds,
               GError     **error)
{
  const char *p = text + 1; /* past the P */
  gboolean in_time = FALSE;
  gboolean any = FALSE;
  gboolean any_in_time = FALSE;
  gint64 total = 0;
  gint64 last_unit = G_MAXINT64;

  while (*p != '\0')
    {
      gint64 number;
      gint64 unit;
      char designator;

      if (*p == 'T' || *p == 't')
        {
          if (in_time)
            return set_duration_error (error, original, _("“T” appears twice"));
          in_time = TRUE;
          last_unit = SECONDS_PER_DAY;
          p++;
          continue;
        }

      if (!read_number (&p, &number))
        {
          g_autofree char *reason = g_strdup_printf (_("expected a number at “%s”"), p);
          return set_duration_error (error, original, reason);
        }

      if (*p == '.' || *p == ',')
        return set_duration_error (error, original, _("fractions are not supported"));

      designator = g_ascii_toupper (*p);
      if (designator == '\0')
        {
          g_autofree char *number_text = g_strdup_printf ("%" G_GINT64_FORMAT, number);
          g_autofree char *reason =
            g_strdup_printf (_("the number %s has no designator"), number_text);
          return set_duration_error (error, original, reason);
        }

      if (!in_time && (designator == 'Y' || designator == 'M'))
        return set_duration_error (error, original,
                                   _("years and months have no fixed length; use days (P30D)"));

      if (in_time && (designator == 'H' || designator == 'M' || designator == 'S'))
        unit = unit_seconds (designator);
      else if (!in_time && (designator == 'D' || designator == 'W'))
        unit = unit_seconds (designator);
      else
        {
          g_autofree char *reason =
            g_strdup_printf (_("“%c” is not allowed there; use PnW, PnD or PTnHnMnS"), *p);
          return set_duration_error (error, original, reason);
        }

      if (unit >= last_unit)
        return set_duration_error (error, original,
                                   _("designators must go from weeks to seconds, each once"));
      last_unit = unit;
      p++;

      if (!add_component (&total, number, unit))
        return set_duration_error (error, original, _("it is too long"));

      any = TRUE;
      if (in_time)
        any_in_time = TRUE;
    }

  if (!any || (in_time && !any_in_time))
    return set_duration_error (error, original, _("it has no amount after “P” or “T”"));

  *out_seconds = total;
  return TRUE;
}

/**
 * beacon_duration_parse:
 * @text: a duration as people write it in the command line
 * @out_seconds: (out): the duration in seconds
 * @error: return location for a #GError
 *
 * Parses a plain number of seconds (`5400`), a compact form (`2h`, `90m`, `2h30m`,
 * `45s`, `5d`, `1d 4h`) or an ISO 8601 duration (`PT2H30M`, `P5D`, `P1W`).
 * A day is 24 hours of working time, not a working day. Years and months are
 * refused, as are fractions and negative values.
 *
 * Returns: %TRUE on success; on failure @error (%BEACON_STORE_ERROR_INVALID) says
 *   what was wrong
 */
gboolean
beacon_duration_parse (const char  *text,
                       gint64      *out_seconds,
                       GError     **error)
{
  g_autofree char *stripped = NULL;
  const char *p;
  gint64 seconds = 0;

  g_return_val_if_fail (out_seconds != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  stripped = g_strstrip (g_strdup (text != NULL ? text : ""));

  if (*stripped == '\0')
    return set_duration_error (error, "", _("it is empty"));

  if (*stripped == '-')
    return set_duration_error (error, stripped, _("it is negative"));

  for (p = stripped; g_ascii_isdigit (*p); p++)
    ;

  if (*p == '\0')
    {
      guint64 value;

      if (!g_ascii_string_to_unsigned (stripped, 10, 0, G_MAXINT64, &value, NULL))
        return set_duration_error (error, stripped, _("it is too long"));
      *out_seconds = (gint64) value;
      return TRUE;
    }

  if (*stripped == 'P' || *stripped == 'p')
    {
      if (!parse_iso8601 (stripped, stripped, &seconds, error))
        return FALSE;
    }
  else if (!parse_units (stripped, stripped, &seconds, error))
    return FALSE;

  *out_seconds = seconds;
  return TRUE;
}

/**
 * beacon_duration_format:
 * @seconds: a duration; negative values (time overdue) get a leading minus
 *
 * Formats @seconds in the compact form that beacon_duration_parse() reads back:
 * `2h30m`, `45s`, `7d`, `1d2h`; zero is `0s`.
 *
 * Returns: (transfer full): the text
 */
char *
beacon_duration_format (gint64 seconds)
{
  GString *text = g_string_new (NULL);
  guint64 magnitude;
  guint64 days, hours, minutes;

  if (seconds < 0)
    {
      g_string_append_c (text, '-');
      magnitude = (guint64) (-(seconds + 1)) + 1;
    }
  else
    magnitude = (guint64) seconds;

  if (magnitude == 0)
    {
      g_string_append (text, "0s");
      return g_string_free (text, FALSE);
    }

  days = magnitude / SECONDS_PER_DAY;
  magnitude %= SECONDS_PER_DAY;
  hours = magnitude / SECONDS_PER_HOUR;
  magnitude %= SECONDS_PER_HOUR;
  minutes = magnitude / SECONDS_PER_MINUTE;
  magnitude %= SECONDS_PER_MINUTE;

  if (days > 0)
    g_string_append_printf (text, "%" G_GUINT64_FORMAT "d", days);
  if (hours > 0)
    g_string_append_printf (text, "%" G_GUINT64_FORMAT "h", hours);
  if (minutes > 0)
    g_string_append_printf (text, "%" G_GUINT64_FORMAT "m", minutes);
  if (magnitude > 0)
    g_string_append_printf (text, "%" G_GUINT64_FORMAT "s", magnitude);

  return g_string_free (text, FALSE);
}
