/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "beacon-core"

#include "config.h"

#include "beacon-calendar.h"

#include <string.h>

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>
#include <libical/ical.h>

#include "beacon-core-resources.h"
#include "beacon-duration.h"
#include "beacon-error.h"

/**
 * BeaconCalendar:
 *
 * A working-time calendar: a time zone, weekly working hours (several ranges a
 * day, to the minute), holidays and make-up working days (调休上班).
 *
 * All arithmetic works on local dates and wall-clock times of the calendar's
 * zone and converts to instants (seconds since the Unix epoch, UTC) only at the
 * edges of working ranges, so days of 23 or 25 hours come out right. Two rules
 * decide the odd local times around a daylight-saving change:
 *
 * - a wall-clock time that does not exist (02:30 on a spring-forward night)
 *   means the instant the clock jumps, as g_time_zone_adjust_time() does: a
 *   range 02:00–04:00 on that night starts at 03:00 and lasts one hour;
 * - a wall-clock time that happens twice (02:30 on a fall-back night) means its
 *   first occurrence.
 *
 * A make-up working day works with the hours of the first weekday, Monday to
 * Sunday, that has working hours (for `cn-5x8` that is Monday's 08:30–12:00 and
 * 13:30–18:00). A calendar without weekly hours has no working time at all;
 * make-up days cannot give it any.
 *
 * The arithmetic only reads the calendar, so one calendar may be used from
 * several threads at once as long as nobody changes it.
 */

#define SECONDS_PER_MINUTE  G_GINT64_CONSTANT (60)
#define SECONDS_PER_DAY     G_GINT64_CONSTANT (86400)
#define MINUTES_PER_DAY     1440
#define DAYS_PER_WEEK       7

/* g_date_get_julian() of 1970-01-01; local dates are counted as days since then */
#define EPOCH_JULIAN        719163

/* The search for a due time gives up after this many local days (20 years). */
#define SEARCH_LIMIT_DAYS   (20 * 366)

#define FIRST_YEAR          1900
#define LAST_YEAR           2999
#define MAX_RANGE_DAYS      366

/* Instants outside years 1..9999 make no sense here and would overflow day arithmetic. */
#define FIRST_INSTANT       G_GINT64_CONSTANT (-62135596800)
#define LAST_INSTANT        G_GINT64_CONSTANT (253402300799)

#define RESOURCE_HOLIDAY_CN "/io/github/beacondesk/Beacon/core/calendars/holiday-cn/"

#define ICS_WORKDAY_PROPERTY  "X-BEACON-WORKDAY"
#define ICS_YEARS_PROPERTY    "X-BEACON-COVERED-YEARS"

typedef struct
{
  gint16 start;  /* minutes after local midnight */
  gint16 end;    /* exclusive; 1440 is midnight at the end of the day */
} WorkRange;

typedef struct
{
  WorkRange *ranges;
  guint      n_ranges;
  gint64     seconds;  /* sum of the ranges on a day without a zone change */
} DayHours;

typedef struct
{
  gint32 day;   /* local date, days since 1970-01-01 */
  gint32 kind;  /* BeaconCalendarDayKind, never NORMAL */
} SpecialDay;

/* The UTC offsets of a zone as a sorted table, built once per zone from GTimeZone:
 * GTimeZone looks intervals up by a linear scan, which is too slow for the inner loop. */
typedef struct
{
  guint   n_transitions;
  gint64 *transitions;  /* UTC instants at which offsets[i + 1] begins */
  gint32 *offsets;      /* n_transitions + 1 offsets in seconds */
} ZoneTable;

struct _BeaconCalendar
{
  char            *id;
  char            *name;
  char            *timezone_id;
  GTimeZone       *timezone;
  const ZoneTable *zone;

  DayHours         weekdays[DAYS_PER_WEEK];  /* 0 is Monday */
  GArray          *special_days;             /* SpecialDay, sorted by day, one per day */
  GArray          *covered_years;            /* int, sorted, unique */

  /* derived by update_derived () */
  int              working_day_weekday;      /* hours of make-up days; -1 when none */
  gint64           week_seconds;
  guint            week_working_days;
  gboolean         always_working;
};

G_DEFINE_BOXED_TYPE (BeaconCalendar, beacon_calendar, beacon_calendar_copy, beacon_calendar_free)

static const char * const weekday_names[DAYS_PER_WEEK] = {
  "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun",
};

static const char * const weekday_long_names[DAYS_PER_WEEK] = {
  "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
};

static const DayHours no_hours = { NULL, 0, 0 };

/* ------------------------------------------------------------------------------------------ */
/* Dates                                                                                       */

static inline gint64
floor_div (gint64 numerator,
           gint64 denominator)
{
  gint64 quotient = numerator / denominator;

  if ((numerator % denominator != 0) && ((numerator < 0) != (denominator < 0)))
    quotient--;
  return quotient;
}

/* 0 is Monday; 1970-01-01 was a Thursday. */
static inline int
weekday_index (gint64 day)
{
  return (int) (((day % DAYS_PER_WEEK) + DAYS_PER_WEEK + 3) % DAYS_PER_WEEK);
}

static gint32
day_from_date (const GDate *date)
{
  return (gint32) g_date_get_julian (date) - EPOCH_JULIAN;
}

static gint32
day_from_dmy (int year,
              int month,
              int day_of_month)
{
  GDate date;

  g_date_clear (&date, 1);
  g_date_set_dmy (&date, day_of_month, month, year);
  return day_from_date (&date);
}

static void
date_from_day (gint64  day,
               GDate  *out_date)
{
  g_date_clear (out_date, 1);
  g_date_set_julian (out_date, (guint32) (day + EPOCH_JULIAN));
}

static int
year_of_day (gint64 day)
{
  GDate date;

  date_from_day (day, &date);
  return g_date_get_year (&date);
}

static char *
format_day (gint64 day)
{
  GDate date;

  date_from_day (day, &date);
  return g_strdup_printf ("%04d-%02d-%02d", g_date_get_year (&date), g_date_get_month (&date),
                          g_date_get_day (&date));
}

/* ------------------------------------------------------------------------------------------ */
/* Zone tables                                                                                 */

#define ZONE_PROBE_FIRST G_GINT64_CONSTANT (-2208988800)  /* 1900-01-01T00:00:00Z */
#define ZONE_PROBE_LAST  G_GINT64_CONSTANT (7258118400)   /* 2200-01-01T00:00:00Z */

G_LOCK_DEFINE_STATIC (zone_tables);
static GHashTable *zone_tables;

/* Intervals of a GTimeZone are numbered in time order, so two instants with the same
 * interval number have no transition between them: bisect until the changes are found. */
static void
collect_transitions (GTimeZone *tz,
                     gint64     lo,
                     int        lo_interval,
                     gint64     hi,
                     int        hi_interval,
                     GArray    *transitions,
                     GArray    *offsets)
{
  gint64 mid;
  int mid_interval;

  if (lo_interval == hi_interval)
    return;

  if (hi - lo == 1)
    {
      gint32 offset = g_time_zone_get_offset (tz, hi_interval);

      if (offset != g_array_index (offsets, gint32, offsets->len - 1))
        {
          g_array_append_val (transitions, hi);
          g_array_append_val (offsets, offset);
        }
      return;
    }

  mid = lo + (hi - lo) / 2;
  mid_interval = g_time_zone_find_interval (tz, G_TIME_TYPE_UNIVERSAL, mid);
  collect_transitions (tz, lo, lo_interval, mid, mid_interval, transitions, offsets);
  collect_transitions (tz, mid, mid_interval, hi, hi_interval, transitions, offsets);
}

static const ZoneTable *
get_zone_table (GTimeZone *tz)
{
  const char *identifier = g_time_zone_get_identifier (tz);
  ZoneTable *table;

  G_LOCK (zone_tables);

  if (zone_tables == NULL)
    zone_tables = g_hash_table_new (g_str_hash, g_str_equal);

  table = g_hash_table_lookup (zone_tables, identifier);
  if (table == NULL)
    {
      GArray *transitions = g_array_new (FALSE, FALSE, sizeof (gint64));
      GArray *offsets = g_array_new (FALSE, FALSE, sizeof (gint32));
      int first = g_time_zone_find_interval (tz, G_TIME_TYPE_UNIVERSAL, ZONE_PROBE_FIRST);
      int last = g_time_zone_find_interval (tz, G_TIME_TYPE_UNIVERSAL, ZONE_PROBE_LAST);
      gint32 offset = g_time_zone_get_offset (tz, first);

      g_array_append_val (offsets, offset);
      collect_transitions (tz, ZONE_PROBE_FIRST, first, ZONE_PROBE_LAST, last,
                           transitions, offsets);

      /* Zone tables live as long as the process: there are only so many zones. */
      table = g_new0 (ZoneTable, 1);
      table->n_transitions = transitions->len;
      table->transitions = (gint64 *) (void *) g_array_free (transitions, FALSE);
      table->offsets = (gint32 *) (void *) g_array_free (offsets, FALSE);
      g_hash_table_insert (zone_tables, g_strdup (identifier), table);
    }

  G_UNLOCK (zone_tables);

  return table;
}

/* The number of the interval holding @instant: how many transitions are at or before it. */
static guint
zone_interval_at (const ZoneTable *zone,
                  gint64           instant)
{
  guint lo = 0;
  guint hi = zone->n_transitions;

  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;

      if (zone->transitions[mid] <= instant)
        lo = mid + 1;
      else
        hi = mid;
    }

  return lo;
}

static inline gint64
zone_to_local (const ZoneTable *zone,
               gint64           instant)
{
  return instant + zone->offsets[zone_interval_at (zone, instant)];
}

/* Converts local wall-clock times to instants, remembering the span of local time around
 * the last answer in which one offset holds unambiguously; walking day after day through
 * a calendar then costs two comparisons per conversion. */
typedef struct
{
  const ZoneTable *zone;
  gint64           local_first;
  gint64           local_end;
  gint64           offset;
} ZoneCursor;

static void
zone_cursor_init (ZoneCursor      *cursor,
                  const ZoneTable *zone)
{
  cursor->zone = zone;
  cursor->local_first = 1;
  cursor->local_end = 0;
  cursor->offset = 0;
}

static inline gboolean
zone_cursor_holds (const ZoneCursor *cursor,
                   gint64            local_first,
                   gint64            local_last)
{
  return local_first >= cursor->local_first && local_last < cursor->local_end;
}

static gint64
zone_cursor_to_utc_slow (ZoneCursor *cursor,
                         gint64      local)
{
  const ZoneTable *zone = cursor->zone;
  guint n = zone->n_transitions;
  guint first = zone_interval_at (zone, local - SECONDS_PER_DAY);
  guint last = zone_interval_at (zone, local + SECONDS_PER_DAY);
  guint k;

  /* The first interval in which @local exists gives its first occurrence. */
  for (k = first; k <= last; k++)
    {
      gint64 instant = local - zone->offsets[k];

      if ((k == 0 || instant >= zone->transitions[k - 1]) &&
          (k == n || instant < zone->transitions[k]))
        {
          cursor->offset = zone->offsets[k];
          cursor->local_first = (k == 0)
            ? G_MININT64
            : zone->transitions[k - 1] + MAX (zone->offsets[k], zone->offsets[k - 1]);
          cursor->local_end = (k == n) ? G_MAXINT64 : zone->transitions[k] + zone->offsets[k];
          return instant;
        }
    }

  /* @local fell into a gap: the clock jumped over it, at the transition. */
  for (k = first + 1; k <= last; k++)
    {
      if (local >= zone->transitions[k - 1] + zone->offsets[k - 1] &&
          local < zone->transitions[k - 1] + zone->offsets[k])
        return zone->transitions[k - 1];
    }

  g_assert_not_reached ();
  return local;
}

static inline gint64
zone_cursor_to_utc (ZoneCursor *cursor,
                    gint64      local)
{
  if (G_LIKELY (local >= cursor->local_first && local < cursor->local_end))
    return local - cursor->offset;
  return zone_cursor_to_utc_slow (cursor, local);
}

/* ------------------------------------------------------------------------------------------ */
/* Special days                                                                                */

static guint
special_days_lower_bound (const GArray *special_days,
                          gint64        day)
{
  const SpecialDay *days = (const SpecialDay *) (void *) special_days->data;
  guint lo = 0;
  guint hi = special_days->len;

  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;

      if (days[mid].day < day)
        lo = mid + 1;
      else
        hi = mid;
    }

  return lo;
}

static void
set_special_day (GArray                *special_days,
                 gint64                 day,
                 BeaconCalendarDayKind  kind)
{
  guint index = special_days_lower_bound (special_days, day);
  SpecialDay *found = NULL;

  if (index < special_days->len && g_array_index (special_days, SpecialDay, index).day == day)
    found = &g_array_index (special_days, SpecialDay, index);

  if (kind == BEACON_CALENDAR_DAY_NORMAL)
    {
      if (found != NULL)
        g_array_remove_index (special_days, index);
    }
  else if (found != NULL)
    found->kind = kind;
  else
    {
      SpecialDay special = { (gint32) day, kind };

      g_array_insert_val (special_days, index, special);
    }
}

static void
remove_special_days (GArray *special_days,
                     gint64  first_day,
                     gint64  last_day)
{
  guint first = special_days_lower_bound (special_days, first_day);
  guint end = special_days_lower_bound (special_days, last_day + 1);

  if (end > first)
    g_array_remove_range (special_days, first, end - first);
}

/* Walks the special days in step with a day-by-day loop. */
typedef struct
{
  const SpecialDay *days;
  guint             n_days;
  guint             next;
} SpecialCursor;

static void
special_cursor_init (SpecialCursor *cursor,
                     const GArray  *special_days,
                     gint64         day)
{
  cursor->days = (const SpecialDay *) (void *) special_days->data;
  cursor->n_days = special_days->len;
  cursor->next = special_days_lower_bound (special_days, day);
}

static inline BeaconCalendarDayKind
special_cursor_kind (SpecialCursor *cursor,
                     gint64         day)
{
  while (cursor->next < cursor->n_days && cursor->days[cursor->next].day < day)
    cursor->next++;

  if (cursor->next < cursor->n_days && cursor->days[cursor->next].day == day)
    return cursor->days[cursor->next].kind;

  return BEACON_CALENDAR_DAY_NORMAL;
}

/* The first special day at or after the day last asked about. */
static inline gint64
special_cursor_next_day (const SpecialCursor *cursor)
{
  return cursor->next < cursor->n_days ? cursor->days[cursor->next].day : G_MAXINT64;
}

/* ------------------------------------------------------------------------------------------ */
/* Covered years                                                                               */

static void
add_covered_year (GArray *years,
                  int     year)
{
  guint i;

  for (i = 0; i < years->len; i++)
    {
      int existing = g_array_index (years, int, i);

      if (existing == year)
        return;
      if (existing > year)
        break;
    }

  g_array_insert_val (years, i, year);
}

static gboolean
has_covered_year (const GArray *years,
                  int           year)
{
  for (guint i = 0; i < years->len; i++)
    if (g_array_index (years, int, i) == year)
      return TRUE;
  return FALSE;
}

/* The years for which a set of events (given by their first days) is the holiday data:
 * every year in which an event starts, except a year reached only by events in its
 * first week while there are events in the year before — a New Year holiday listed with
 * the previous year's data must not claim a year whose holidays are not known yet. */
static void
derive_covered_years (const GArray *event_first_days,
                      GArray       *out_years)
{
  g_autoptr(GArray) years = g_array_new (FALSE, FALSE, sizeof (int));
  g_autoptr(GArray) substantial = g_array_new (FALSE, FALSE, sizeof (int));

  for (guint i = 0; i < event_first_days->len; i++)
    {
      GDate date;
      int year;

      date_from_day (g_array_index (event_first_days, gint32, i), &date);
      year = g_date_get_year (&date);
      add_covered_year (years, year);
      if (g_date_get_month (&date) != G_DATE_JANUARY || g_date_get_day (&date) > 7)
        add_covered_year (substantial, year);
    }

  for (guint i = 0; i < years->len; i++)
    {
      int year = g_array_index (years, int, i);

      if (has_covered_year (substantial, year) || !has_covered_year (years, year - 1))
        add_covered_year (out_years, year);
    }
}

/* ------------------------------------------------------------------------------------------ */
/* Construction                                                                                */

static void
update_derived (BeaconCalendar *self)
{
  self->working_day_weekday = -1;
  self->week_seconds = 0;
  self->week_working_days = 0;
  self->always_working = TRUE;

  for (int i = 0; i < DAYS_PER_WEEK; i++)
    {
      DayHours *hours = &self->weekdays[i];

      hours->seconds = 0;
      for (guint r = 0; r < hours->n_ranges; r++)
        hours->seconds += (hours->ranges[r].end - hours->ranges[r].start) * SECONDS_PER_MINUTE;

      self->week_seconds += hours->seconds;
      if (hours->n_ranges > 0)
        {
          self->week_working_days++;
          if (self->working_day_weekday < 0)
            self->working_day_weekday = i;
        }

      if (hours->n_ranges != 1 || hours->ranges[0].start != 0 ||
          hours->ranges[0].end != MINUTES_PER_DAY)
        self->always_working = FALSE;
    }

  for (guint i = 0; i < self->special_days->len; i++)
    if (g_array_index (self->special_days, SpecialDay, i).kind == BEACON_CALENDAR_DAY_HOLIDAY)
      {
        self->always_working = FALSE;
        break;
      }
}

static gboolean
is_valid_id (const char *id)
{
  if (id == NULL || *id == '\0')
    return FALSE;

  for (const char *p = id; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && *p != '-' && *p != '_' && *p != '.')
      return FALSE;

  return TRUE;
}

static BeaconCalendar *
calendar_alloc (const char *id,
                const char *name,
                GTimeZone  *tz)
{
  BeaconCalendar *self = g_new0 (BeaconCalendar, 1);

  self->id = g_strdup (id);
  self->name = g_strdup (name != NULL && *name != '\0' ? name : id);
  self->timezone = g_time_zone_ref (tz);
  self->timezone_id = g_strdup (g_time_zone_get_identifier (tz));
  self->zone = get_zone_table (tz);
  self->special_days = g_array_new (FALSE, FALSE, sizeof (SpecialDay));
  self->covered_years = g_array_new (FALSE, FALSE, sizeof (int));
  update_derived (self);

  return self;
}

static GTimeZone *
new_timezone (const char  *key,
              const char  *timezone_id,
              GError     **error)
{
  GTimeZone *tz = NULL;

  if (timezone_id != NULL && *timezone_id != '\0')
    tz = g_time_zone_new_identifier (timezone_id);

  if (tz == NULL)
    g_set_error (error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_INVALID,
                 _("Calendar key “%s” has an invalid value “%s”: it is not a known time zone; "
                   "use a name such as Asia/Shanghai or Europe/Berlin"),
                 key, timezone_id != NULL ? timezone_id : "");

  return tz;
}

static gboolean
check_id (const char  *id,
          GError     **error)
{
  if (is_valid_id (id))
    return TRUE;

  g_set_error (error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_INVALID,
               _("Calendar key “%s” has an invalid value “%s”: an id is not empty and contains "
                 "only letters, digits, “-”, “_” and “.”"),
               "Id", id != NULL ? id : "");
  return FALSE;
}

/**
 * beacon_calendar_new:
 * @id: a short identifier made of letters, digits, `-`, `_` and `.`
 * @name: (nullable): the name people read; %NULL uses @id
 * @timezone_id: an IANA zone name such as `Asia/Shanghai`
 * @error: return location for a #GError
 *
 * Creates a calendar without working hours, holidays or make-up days.
 *
 * Returns: (transfer full) (nullable): the calendar, or %NULL if @id or @timezone_id
 *   is not valid
 */
BeaconCalendar *
beacon_calendar_new (const char  *id,
                     const char  *name,
                     const char  *timezone_id,
                     GError     **error)
{
  g_autoptr(GTimeZone) tz = NULL;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!check_id (id, error))
    return NULL;

  tz = new_timezone ("TimeZone", timezone_id, error);
  if (tz == NULL)
    return NULL;

  return calendar_alloc (id, name, tz);
}

/**
 * beacon_calendar_copy:
 * @self: a calendar
 *
 * Returns: (transfer full): an independent copy of @self
 */
BeaconCalendar *
beacon_calendar_copy (const BeaconCalendar *self)
{
  BeaconCalendar *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = calendar_alloc (self->id, self->name, self->timezone);

  for (int i = 0; i < DAYS_PER_WEEK; i++)
    {
      copy->weekdays[i].n_ranges = self->weekdays[i].n_ranges;
      copy->weekdays[i].ranges = g_memdup2 (self->weekdays[i].ranges,
                                            sizeof (WorkRange) * self->weekdays[i].n_ranges);
    }

  g_array_append_vals (copy->special_days, self->special_days->data, self->special_days->len);
  g_array_append_vals (copy->covered_years, self->covered_years->data,
                       self->covered_years->len);
  update_derived (copy);

  return copy;
}

/**
 * beacon_calendar_free:
 * @self: (nullable): a calendar
 *
 * Frees @self.
 */
void
beacon_calendar_free (BeaconCalendar *self)
{
  if (self == NULL)
    return;

  for (int i = 0; i < DAYS_PER_WEEK; i++)
    g_free (self->weekdays[i].ranges);

  g_clear_pointer (&self->special_days, g_array_unref);
  g_clear_pointer (&self->covered_years, g_array_unref);
  g_clear_pointer (&self->timezone, g_time_zone_unref);
  g_free (self->timezone_id);
  g_free (self->name);
  g_free (self->id);
  g_free (self);
}

/* ------------------------------------------------------------------------------------------ */
/* Parsing pieces: hours, weekdays, dates                                                      */

static gboolean
set_value_error (GError     **error,
                 const char  *key,
                 const char  *value,
                 const char  *reason)
{
  g_set_error (error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_INVALID,
               /* Translators: a key of a calendar file, its value, and what is wrong with it */
               _("Calendar key “%s” has an invalid value “%s”: %s"),
               key, value, reason);
  return FALSE;
}

/* Splits a list on “,” and “;”, trims the items and drops empty ones. */
static GStrv
split_list (const char *text)
{
  g_auto(GStrv) parts = g_strsplit_set (text, ",;", -1);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  for (guint i = 0; parts[i] != NULL; i++)
    {
      g_strstrip (parts[i]);
      if (*parts[i] != '\0')
        g_strv_builder_add (builder, parts[i]);
    }

  return g_strv_builder_end (builder);
}

/* "8:30", "08:30", "24:00"; returns minutes after midnight or -1 */
static int
parse_clock_time (const char *text)
{
  const char *p = text;
  int hours = 0;
  int minutes = 0;
  int digits = 0;

  while (g_ascii_isdigit (*p) && digits < 2)
    {
      hours = hours * 10 + (*p++ - '0');
      digits++;
    }
  if (digits == 0 || *p++ != ':')
    return -1;

  if (!g_ascii_isdigit (p[0]) || !g_ascii_isdigit (p[1]) || p[2] != '\0')
    return -1;
  minutes = (p[0] - '0') * 10 + (p[1] - '0');

  if (minutes > 59 || hours > 24 || (hours == 24 && minutes != 0))
    return -1;

  return hours * 60 + minutes;
}

static int
compare_ranges (gconstpointer a,
                gconstpointer b)
{
  const WorkRange *range_a = a;
  const WorkRange *range_b = b;

  return range_a->start - range_b->start;
}

/* Parses "09:00-12:00,13:00-17:00" into sorted, merged ranges. */
static gboolean
parse_hours (const char  *key,
             const char  *text,
             DayHours    *out_hours,
             GError     **error)
{
  g_auto(GStrv) items = split_list (text);
  g_autoptr(GArray) ranges = g_array_new (FALSE, FALSE, sizeof (WorkRange));
  guint n_items = g_strv_length (items);

  for (guint i = 0; i < n_items; i++)
    {
      g_auto(GStrv) ends = g_strsplit (items[i], "-", -1);
      WorkRange range;
      int start, end;

      if (g_strv_length (ends) != 2)
        {
          g_autofree char *reason =
            g_strdup_printf (_("“%s” is not a time range; write it as 09:00-12:00"), items[i]);
          return set_value_error (error, key, text, reason);
        }

      start = parse_clock_time (g_strstrip (ends[0]));
      end = parse_clock_time (g_strstrip (ends[1]));

      if (start < 0 || end < 0)
        {
          g_autofree char *reason =
            g_strdup_printf (_("“%s” is not a time of day; use 00:00 to 24:00"),
                             start < 0 ? ends[0] : ends[1]);
          return set_value_error (error, key, text, reason);
        }

      if (start == MINUTES_PER_DAY)
        {
          g_autofree char *reason =
            g_strdup_printf (_("the range “%s” starts at midnight at the end of the day; "
                               "write 00:00 instead"), items[i]);
          return set_value_error (error, key, text, reason);
        }

      if (end <= start)
        {
          g_autofree char *reason =
            g_strdup_printf (_("the range “%s” does not end after it starts; split a range "
                               "over midnight into 22:00-24:00 and 00:00-06:00"), items[i]);
          return set_value_error (error, key, text, reason);
        }

      range.start = start;
      range.end = end;
      g_array_append_val (ranges, range);
    }

  g_array_sort (ranges, compare_ranges);

  for (guint i = 1; i < ranges->len; i++)
    {
      WorkRange *previous = &g_array_index (ranges, WorkRange, i - 1);
      WorkRange *current = &g_array_index (ranges, WorkRange, i);

      if (current->start < previous->end)
        {
          g_autofree char *reason =
            g_strdup_printf (_("the ranges %02d:%02d-%02d:%02d and %02d:%02d-%02d:%02d overlap"),
                             previous->start / 60, previous->start % 60,
                             previous->end / 60, previous->end % 60,
                             current->start / 60, current->start % 60,
                             current->end / 60, current->end % 60);
          return set_value_error (error, key, text, reason);
        }

      /* 09:00-12:00,12:00-13:00 is one range 09:00-13:00 */
      if (current->start == previous->end)
        {
          previous->end = current->end;
          g_array_remove_index (ranges, i);
          i--;
        }
    }

  out_hours->n_ranges = ranges->len;
  out_hours->ranges = (WorkRange *) (void *) g_array_free (g_steal_pointer (&ranges), FALSE);
  return TRUE;
}

static char *
format_hours (const DayHours *hours)
{
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < hours->n_ranges; i++)
    g_string_append_printf (text, "%s%02d:%02d-%02d:%02d", i > 0 ? "," : "",
                            hours->ranges[i].start / 60, hours->ranges[i].start % 60,
                            hours->ranges[i].end / 60, hours->ranges[i].end % 60);

  return g_string_free (text, FALSE);
}

static int
parse_weekday_name (const char *name)
{
  for (int i = 0; i < DAYS_PER_WEEK; i++)
    if (g_ascii_strcasecmp (name, weekday_names[i]) == 0 ||
        g_ascii_strcasecmp (name, weekday_long_names[i]) == 0)
      return i;
  return -1;
}

/* "Mon-Fri", "Mon,Wed,Sat", "Fri-Mon" (wraps); sets days[0..6] */
static gboolean
parse_weekdays (const char  *key,
                const char  *text,
                gboolean     out_days[DAYS_PER_WEEK],
                GError     **error)
{
  g_auto(GStrv) items = split_list (text);

  for (int i = 0; i < DAYS_PER_WEEK; i++)
    out_days[i] = FALSE;

  for (guint i = 0; items[i] != NULL; i++)
    {
      g_auto(GStrv) ends = g_strsplit (items[i], "-", -1);
      guint n_ends = g_strv_length (ends);
      int first, last;

      if (n_ends < 1 || n_ends > 2)
        {
          g_autofree char *reason =
            g_strdup_printf (_("“%s” is not a day or a range of days such as Mon-Fri"),
                             items[i]);
          return set_value_error (error, key, text, reason);
        }

      first = parse_weekday_name (g_strstrip (ends[0]));
      last = n_ends == 2 ? parse_weekday_name (g_strstrip (ends[1])) : first;

      if (first < 0 || last < 0)
        {
          g_autofree char *reason =
            g_strdup_printf (_("“%s” is not a day of the week; use Mon, Tue, Wed, Thu, Fri, "
                               "Sat or Sun"),
                             first < 0 ? ends[0] : ends[1]);
          return set_value_error (error, key, text, reason);
        }

      for (int day = first; ; day = (day + 1) % DAYS_PER_WEEK)
        {
          out_days[day] = TRUE;
          if (day == last)
            break;
        }
    }

  return TRUE;
}

static char *
format_weekdays (const gboolean days[DAYS_PER_WEEK])
{
  GString *text = g_string_new (NULL);

  for (int i = 0; i < DAYS_PER_WEEK; i++)
    {
      int last = i;

      if (!days[i])
        continue;

      while (last + 1 < DAYS_PER_WEEK && days[last + 1])
        last++;

      if (text->len > 0)
        g_string_append_c (text, ',');
      g_string_append (text, weekday_names[i]);
      if (last > i)
        g_string_append_printf (text, "-%s", weekday_names[last]);
      i = last;
    }

  return g_string_free (text, FALSE);
}

/* "2026-04-03"; strict, so that 2026-4-3 or 2026-02-30 are refused */
static gboolean
parse_iso_date (const char *text,
                gint32     *out_day)
{
  int year, month, day_of_month;

  if (strlen (text) != 10 || text[4] != '-' || text[7] != '-')
    return FALSE;

  for (int i = 0; i < 10; i++)
    if (i != 4 && i != 7 && !g_ascii_isdigit (text[i]))
      return FALSE;

  year = atoi (text);
  month = atoi (text + 5);
  day_of_month = atoi (text + 8);

  if (year < FIRST_YEAR || year > LAST_YEAR ||
      !g_date_valid_dmy (day_of_month, month, year))
    return FALSE;

  *out_day = day_from_dmy (year, month, day_of_month);
  return TRUE;
}

/* "2026-04-03;2026-12-24..2026-12-26": appends every day to @days and the first day of
 * each item to @item_first_days */
static gboolean
parse_date_list (const char  *key,
                 const char  *text,
                 GArray      *days,
                 GArray      *item_first_days,
                 GError     **error)
{
  g_auto(GStrv) items = split_list (text);

  for (guint i = 0; items[i] != NULL; i++)
    {
      const char *dots = strstr (items[i], "..");
      g_autofree char *first_text = NULL;
      g_autofree char *last_text = NULL;
      gint32 first, last;

      if (dots != NULL)
        {
          first_text = g_strstrip (g_strndup (items[i], dots - items[i]));
          last_text = g_strstrip (g_strdup (dots + 2));
        }
      else
        {
          first_text = g_strdup (items[i]);
          last_text = g_strdup (items[i]);
        }

      if (!parse_iso_date (first_text, &first) || !parse_iso_date (last_text, &last))
        {
          g_autofree char *reason =
            g_strdup_printf (_("“%s” is not a date; write a date as 2026-04-03 and a range "
                               "of dates as 2026-12-24..2026-12-26"), items[i]);
          return set_value_error (error, key, text, reason);
        }

      if (last < first)
        {
          g_autofree char *reason =
            g_strdup_printf (_("the range “%s” ends before it starts"), items[i]);
          return set_value_error (error, key, text, reason);
        }

      if (last - first >= MAX_RANGE_DAYS)
        {
          g_autofree char *reason =
            g_strdup_printf (_("the range “%s” is longer than a year"), items[i]);
          return set_value_error (error, key, text, reason);
        }

      g_array_append_val (item_first_days, first);
      for (gint32 day = first; day <= last; day++)
        g_array_append_val (days, day);
    }

  return TRUE;
}

/* Runs of consecutive days: "2026-10-01..2026-10-07;2026-12-25" */
static char *
format_date_list (const GArray          *special_days,
                  BeaconCalendarDayKind  kind)
{
  GString *text = g_string_new (NULL);
  guint i = 0;

  while (i < special_days->len)
    {
      const SpecialDay *first = &g_array_index (special_days, SpecialDay, i);
      guint last = i;
      g_autofree char *first_text = NULL;

      if (first->kind != (gint32) kind)
        {
          i++;
          continue;
        }

      while (last + 1 < special_days->len &&
             g_array_index (special_days, SpecialDay, last + 1).kind == (gint32) kind &&
             g_array_index (special_days, SpecialDay, last + 1).day ==
             g_array_index (special_days, SpecialDay, last).day + 1)
        last++;

      first_text = format_day (first->day);
      if (text->len > 0)
        g_string_append_c (text, ';');
      g_string_append (text, first_text);
      if (last > i)
        {
          g_autofree char *last_text =
            format_day (g_array_index (special_days, SpecialDay, last).day);
          g_string_append_printf (text, "..%s", last_text);
        }

      i = last + 1;
    }

  return g_string_free (text, FALSE);
}

static gboolean
parse_year_list (const char  *key,
                 const char  *text,
                 GArray      *years,
                 GError     **error)
{
  g_auto(GStrv) items = split_list (text);

  for (guint i = 0; items[i] != NULL; i++)
    {
      guint64 year;

      if (!g_ascii_string_to_unsigned (items[i], 10, FIRST_YEAR, LAST_YEAR, &year, NULL))
        {
          g_autofree char *reason =
            g_strdup_printf (_("“%s” is not a year between %d and %d"), items[i],
                             FIRST_YEAR, LAST_YEAR);
          return set_value_error (error, key, text, reason);
        }

      add_covered_year (years, (int) year);
    }

  return TRUE;
}

static char *
format_year_list (const GArray *years,
                  const char   *separator)
{
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < years->len; i++)
    g_string_append_printf (text, "%s%d", i > 0 ? separator : "", g_array_index (years, int, i));

  return g_string_free (text, FALSE);
}

/* ------------------------------------------------------------------------------------------ */
/* Key files                                                                                   */

#define GROUP "Calendar"

static char *
get_optional_string (GKeyFile   *keyfile,
                     const char *key)
{
  if (!g_key_file_has_key (keyfile, GROUP, key, NULL))
    return NULL;
  return g_key_file_get_string (keyfile, GROUP, key, NULL);
}

static char *
get_required_string (GKeyFile    *keyfile,
                     const char  *key,
                     GError     **error)
{
  char *value = get_optional_string (keyfile, key);

  if (value == NULL)
    g_set_error (error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_INVALID,
                 _("The calendar has no key “%s” in its [%s] group; add it, as in the "
                   "calendars shipped with Beacon"), key, GROUP);

  return value;
}

/**
 * beacon_calendar_new_from_keyfile_data:
 * @data: the text of a calendar key file
 * @error: return location for a #GError
 *
 * Parses a calendar written as a key file:
 *
 * |[
 * [Calendar]
 * Id=berlin-office
 * Name=Berlin office
 * TimeZone=Europe/Berlin
 * Days=Mon-Fri
 * Hours=09:00-12:00,13:00-17:00
 * Hours-Sat=09:00-12:00
 * Holidays=2026-04-03;2026-12-24..2026-12-26
 * WorkingDays=2026-04-11
 * HolidayYears=2026
 * ]|
 *
 * `Days` lists the weekdays that work `Hours` (ranges such as `Mon-Fri` and lists
 * such as `Mon,Wed,Sat`); `Hours-Mon` … `Hours-Sun` set one weekday's hours
 * instead (empty for none). A range may end at `24:00`. `Holidays` and
 * `WorkingDays` (make-up working days) take dates and ranges `A..B`.
 * `HolidayYears` names the years for which the holiday list is complete; without
 * it they are the years in which the listed holidays and working days begin.
 *
 * Returns: (transfer full) (nullable): the calendar, or %NULL with @error
 *   (%BEACON_STORE_ERROR_INVALID) naming the key and the bad text
 */
BeaconCalendar *
beacon_calendar_new_from_keyfile_data (const char  *data,
                                       GError     **error)
{
  g_autoptr(GKeyFile) keyfile = g_key_file_new ();
  g_autoptr(GError) local_error = NULL;
  g_autoptr(BeaconCalendar) self = NULL;
  g_autoptr(GTimeZone) tz = NULL;
  g_autofree char *id = NULL;
  g_autofree char *name = NULL;
  g_autofree char *timezone_id = NULL;
  g_autofree char *days_text = NULL;
  g_autofree char *hours_text = NULL;
  g_autofree char *holidays_text = NULL;
  g_autofree char *working_days_text = NULL;
  g_autofree char *years_text = NULL;
  g_auto(GStrv) keys = NULL;
  g_autoptr(GArray) holidays = g_array_new (FALSE, FALSE, sizeof (gint32));
  g_autoptr(GArray) working_days = g_array_new (FALSE, FALSE, sizeof (gint32));
  g_autoptr(GArray) item_first_days = g_array_new (FALSE, FALSE, sizeof (gint32));
  gboolean days[DAYS_PER_WEEK];
  DayHours common_hours = { NULL, 0, 0 };

  g_return_val_if_fail (data != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!g_key_file_load_from_data (keyfile, data, -1, G_KEY_FILE_NONE, &local_error))
    {
      g_set_error (error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_INVALID,
                   _("The calendar is not a valid key file: %s"), local_error->message);
      return NULL;
    }

  if (!g_key_file_has_group (keyfile, GROUP))
    {
      g_set_error (error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_INVALID,
                   _("The calendar has no [%s] group; it must start with the line [%s]"),
                   GROUP, GROUP);
      return NULL;
    }

  if ((id = get_required_string (keyfile, "Id", error)) == NULL ||
      !check_id (id, error))
    return NULL;

  name = get_optional_string (keyfile, "Name");

  if ((timezone_id = get_required_string (keyfile, "TimeZone", error)) == NULL ||
      (tz = new_timezone ("TimeZone", timezone_id, error)) == NULL)
    return NULL;

  self = calendar_alloc (id, name, tz);

  /* Weekly hours */
  if ((days_text = get_required_string (keyfile, "Days", error)) == NULL ||
      !parse_weekdays ("Days", days_text, days, error))
    return NULL;

  hours_text = get_optional_string (keyfile, "Hours");
  if (hours_text == NULL && memchr (days, TRUE, sizeof days) != NULL)
    {
      g_set_error (error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_INVALID,
                   _("The calendar has no key “%s” in its [%s] group; it says when the days "
                     "in “%s” work, as in Hours=09:00-12:00,13:00-17:00"),
                   "Hours", GROUP, "Days");
      return NULL;
    }

  if (hours_text != NULL && !parse_hours ("Hours", hours_text, &common_hours, error))
    return NULL;

  for (int i = 0; i < DAYS_PER_WEEK; i++)
    if (days[i])
      {
        self->weekdays[i].n_ranges = common_hours.n_ranges;
        self->weekdays[i].ranges = g_memdup2 (common_hours.ranges,
                                              sizeof (WorkRange) * common_hours.n_ranges);
      }
  g_free (common_hours.ranges);

  keys = g_key_file_get_keys (keyfile, GROUP, NULL, NULL);
  for (guint k = 0; keys[k] != NULL; k++)
    {
      g_autofree char *value = NULL;
      int weekday;

      if (!g_str_has_prefix (keys[k], "Hours-"))
        continue;

      weekday = parse_weekday_name (keys[k] + strlen ("Hours-"));
      if (weekday < 0)
        {
          g_set_error (error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_INVALID,
                       _("Calendar key “%s” is not known: a weekday's own hours go in "
                         "Hours-Mon, Hours-Tue, … Hours-Sun"), keys[k]);
          return NULL;
        }

      value = g_key_file_get_string (keyfile, GROUP, keys[k], NULL);
      g_clear_pointer (&self->weekdays[weekday].ranges, g_free);
      self->weekdays[weekday].n_ranges = 0;
      if (!parse_hours (keys[k], value != NULL ? value : "", &self->weekdays[weekday], error))
        return NULL;
    }

  /* Holidays and make-up working days */
  holidays_text = get_optional_string (keyfile, "Holidays");
  if (holidays_text != NULL &&
      !parse_date_list ("Holidays", holidays_text, holidays, item_first_days, error))
    return NULL;

  working_days_text = get_optional_string (keyfile, "WorkingDays");
  if (working_days_text != NULL &&
      !parse_date_list ("WorkingDays", working_days_text, working_days, item_first_days, error))
    return NULL;

  for (guint i = 0; i < holidays->len; i++)
    set_special_day (self->special_days, g_array_index (holidays, gint32, i),
                     BEACON_CALENDAR_DAY_HOLIDAY);

  for (guint i = 0; i < working_days->len; i++)
    {
      gint32 day = g_array_index (working_days, gint32, i);
      guint index = special_days_lower_bound (self->special_days, day);

      if (index < self->special_days->len &&
          g_array_index (self->special_days, SpecialDay, index).kind ==
          BEACON_CALENDAR_DAY_HOLIDAY &&
          g_array_index (self->special_days, SpecialDay, index).day == day)
        {
          g_autofree char *date_text = format_day (day);
          g_autofree char *reason =
            g_strdup_printf (_("%s is also listed in “%s”; a date is either a holiday or a "
                               "working day"), date_text, "Holidays");
          set_value_error (error, "WorkingDays", working_days_text, reason);
          return NULL;
        }

      set_special_day (self->special_days, day, BEACON_CALENDAR_DAY_WORKING_DAY);
    }

  years_text = get_optional_string (keyfile, "HolidayYears");
  if (years_text != NULL)
    {
      if (!parse_year_list ("HolidayYears", years_text, self->covered_years, error))
        return NULL;
    }
  else
    derive_covered_years (item_first_days, self->covered_years);

  update_derived (self);

  return g_steal_pointer (&self);
}

/**
 * beacon_calendar_to_keyfile_data:
 * @self: a calendar
 *
 * Writes @self as key-file text that beacon_calendar_new_from_keyfile_data()
 * reads back to the same calendar; this is how calendars are stored.
 *
 * Returns: (transfer full): the text
 */
char *
beacon_calendar_to_keyfile_data (const BeaconCalendar *self)
{
  g_autoptr(GKeyFile) keyfile = g_key_file_new ();
  g_autofree char *holidays = NULL;
  g_autofree char *working_days = NULL;
  char *hours[DAYS_PER_WEEK];
  gboolean in_days[DAYS_PER_WEEK] = { FALSE, };
  int common = -1;
  int common_count = 0;

  g_return_val_if_fail (self != NULL, NULL);

  g_key_file_set_string (keyfile, GROUP, "Id", self->id);
  g_key_file_set_string (keyfile, GROUP, "Name", self->name);
  g_key_file_set_string (keyfile, GROUP, "TimeZone", self->timezone_id);

  /* The hours most weekdays share go in Days and Hours, the others in Hours-<day>. */
  for (int i = 0; i < DAYS_PER_WEEK; i++)
    hours[i] = format_hours (&self->weekdays[i]);

  for (int i = 0; i < DAYS_PER_WEEK; i++)
    {
      int count = 0;

      if (*hours[i] == '\0')
        continue;
      for (int j = 0; j < DAYS_PER_WEEK; j++)
        if (g_str_equal (hours[i], hours[j]))
          count++;
      if (count > common_count)
        {
          common = i;
          common_count = count;
        }
    }

  if (common >= 0)
    {
      g_autofree char *days = NULL;

      for (int i = 0; i < DAYS_PER_WEEK; i++)
        in_days[i] = g_str_equal (hours[i], hours[common]);

      days = format_weekdays (in_days);
      g_key_file_set_string (keyfile, GROUP, "Days", days);
      g_key_file_set_string (keyfile, GROUP, "Hours", hours[common]);

      for (int i = 0; i < DAYS_PER_WEEK; i++)
        if (!in_days[i] && *hours[i] != '\0')
          {
            g_autofree char *key = g_strdup_printf ("Hours-%s", weekday_names[i]);
            g_key_file_set_string (keyfile, GROUP, key, hours[i]);
          }
    }
  else
    g_key_file_set_string (keyfile, GROUP, "Days", "");

  for (int i = 0; i < DAYS_PER_WEEK; i++)
    g_free (hours[i]);

  holidays = format_date_list (self->special_days, BEACON_CALENDAR_DAY_HOLIDAY);
  if (*holidays != '\0')
    g_key_file_set_string (keyfile, GROUP, "Holidays", holidays);

  working_days = format_date_list (self->special_days, BEACON_CALENDAR_DAY_WORKING_DAY);
  if (*working_days != '\0')
    g_key_file_set_string (keyfile, GROUP, "WorkingDays", working_days);

  if (self->covered_years->len > 0)
    {
      g_autofree char *years = format_year_list (self->covered_years, ";");
      g_key_file_set_string (keyfile, GROUP, "HolidayYears", years);
    }

  return g_key_file_to_data (keyfile, NULL, NULL);
}

/**
 * beacon_calendar_load_file:
 * @path: a calendar key file
 * @error: return location for a #GError
 *
 * Reads a calendar key file; see beacon_calendar_new_from_keyfile_data().
 *
 * Returns: (transfer full) (nullable): the calendar, or %NULL with @error naming
 *   the file and what was wrong
 */
BeaconCalendar *
beacon_calendar_load_file (const char  *path,
                           GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *contents = NULL;
  BeaconCalendar *self;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!g_file_get_contents (path, &contents, NULL, &local_error))
    {
      g_set_error (error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_NOT_FOUND,
                   _("Could not read the calendar file “%s”: %s"), path, local_error->message);
      return NULL;
    }

  self = beacon_calendar_new_from_keyfile_data (contents, &local_error);
  if (self == NULL)
    {
      g_propagate_prefixed_error (error, g_steal_pointer (&local_error),
                                  _("In the calendar file “%s”: "), path);
      return NULL;
    }

  return self;
}

/* ------------------------------------------------------------------------------------------ */
/* Built-in calendars                                                                          */

static gboolean
load_holiday_cn_json (BeaconCalendar  *self,
                      GBytes          *bytes,
                      GError         **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *root;
  JsonArray *days;
  gsize size;
  const char *data = g_bytes_get_data (bytes, &size);

  if (!json_parser_load_from_data (parser, data, size, error))
    return FALSE;

  if (!JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    goto invalid;

  root = json_node_get_object (json_parser_get_root (parser));
  if (!json_object_has_member (root, "year") || !json_object_has_member (root, "days"))
    goto invalid;

  days = json_object_get_array_member (root, "days");
  if (days == NULL)
    goto invalid;

  for (guint i = 0; i < json_array_get_length (days); i++)
    {
      JsonObject *entry = json_array_get_object_element (days, i);
      const char *date_text;
      gint32 day;

      if (entry == NULL)
        goto invalid;

      date_text = json_object_get_string_member_with_default (entry, "date", "");
      if (!parse_iso_date (date_text, &day))
        goto invalid;

      set_special_day (self->special_days, day,
                       json_object_get_boolean_member_with_default (entry, "isOffDay", TRUE)
                         ? BEACON_CALENDAR_DAY_HOLIDAY
                         : BEACON_CALENDAR_DAY_WORKING_DAY);
    }

  add_covered_year (self->covered_years, (int) json_object_get_int_member (root, "year"));
  return TRUE;

invalid:
  g_set_error (error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_INVALID,
               _("The holiday data is not in the holiday-cn format"));
  return FALSE;
}

static void
load_builtin_holidays (BeaconCalendar *self)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) names = NULL;

  names = g_resource_enumerate_children (beacon_core_get_resource (), RESOURCE_HOLIDAY_CN,
                                         G_RESOURCE_LOOKUP_FLAGS_NONE, &error);
  if (names == NULL)
    {
      g_critical ("No built-in holiday data: %s", error->message);
      return;
    }

  for (guint i = 0; names[i] != NULL; i++)
    {
      g_autofree char *path = NULL;
      g_autoptr(GBytes) bytes = NULL;

      if (!g_str_has_suffix (names[i], ".json"))
        continue;

      path = g_strconcat (RESOURCE_HOLIDAY_CN, names[i], NULL);
      bytes = g_resource_lookup_data (beacon_core_get_resource (), path,
                                      G_RESOURCE_LOOKUP_FLAGS_NONE, &error);
      if (bytes == NULL || !load_holiday_cn_json (self, bytes, &error))
        {
          g_critical ("Built-in holiday data %s is broken: %s", path, error->message);
          g_clear_error (&error);
        }
    }
}

static void
set_every_weekday (BeaconCalendar  *self,
                   const WorkRange *ranges,
                   guint            n_ranges,
                   int              n_weekdays)
{
  for (int i = 0; i < n_weekdays; i++)
    {
      self->weekdays[i].n_ranges = n_ranges;
      self->weekdays[i].ranges = g_memdup2 (ranges, sizeof (WorkRange) * n_ranges);
    }
}

static const char * const builtin_ids[] = { "24x7", "cn-5x8", "cn-7x12", NULL };

static BeaconCalendar *
create_builtin (const char *id)
{
  BeaconCalendar *self = NULL;

  if (g_str_equal (id, "24x7"))
    {
      static const WorkRange whole_day[] = { { 0, MINUTES_PER_DAY } };

      self = beacon_calendar_new (id, _("Around the clock (7×24)"), "UTC", NULL);
      set_every_weekday (self, whole_day, G_N_ELEMENTS (whole_day), 7);
    }
  else if (g_str_equal (id, "cn-5x8"))
    {
      static const WorkRange office[] = { { 8 * 60 + 30, 12 * 60 }, { 13 * 60 + 30, 18 * 60 } };

      self = beacon_calendar_new (id, _("Office hours, China (5×8)"), "Asia/Shanghai", NULL);
      set_every_weekday (self, office, G_N_ELEMENTS (office), 5);
      load_builtin_holidays (self);
    }
  else if (g_str_equal (id, "cn-7x12"))
    {
      static const WorkRange reachable[] = { { 8 * 60 + 30, 20 * 60 + 30 } };

      self = beacon_calendar_new (id, _("Reachable hours, China (7×12)"), "Asia/Shanghai",
                                  NULL);
      set_every_weekday (self, reachable, G_N_ELEMENTS (reachable), 7);
    }

  if (self != NULL)
    update_derived (self);

  return self;
}

/**
 * beacon_calendar_get_builtin_ids:
 *
 * Returns: (transfer none): the ids of the built-in calendars: `24x7`, `cn-5x8`
 *   (Mon–Fri 08:30–12:00 and 13:30–18:00, Asia/Shanghai, with China's statutory
 *   holidays and make-up working days) and `cn-7x12` (every day 08:30–20:30,
 *   Asia/Shanghai)
 */
const char * const *
beacon_calendar_get_builtin_ids (void)
{
  return builtin_ids;
}

/**
 * beacon_calendar_get_builtin:
 * @id: a built-in calendar id
 *
 * Returns: (transfer full) (nullable): a new copy of the built-in calendar, or
 *   %NULL if there is none with that id
 */
BeaconCalendar *
beacon_calendar_get_builtin (const char *id)
{
  static BeaconCalendar *builtins[G_N_ELEMENTS (builtin_ids) - 1];
  static gsize initialized = 0;

  g_return_val_if_fail (id != NULL, NULL);

  if (g_once_init_enter (&initialized))
    {
      for (guint i = 0; builtin_ids[i] != NULL; i++)
        builtins[i] = create_builtin (builtin_ids[i]);
      g_once_init_leave (&initialized, 1);
    }

  for (guint i = 0; builtin_ids[i] != NULL; i++)
    if (g_str_equal (id, builtin_ids[i]))
      return beacon_calendar_copy (builtins[i]);

  return NULL;
}

/* ------------------------------------------------------------------------------------------ */
/* iCalendar                                                                                   */

static gboolean
looks_like_icalendar (const char *text)
{
  if (g_str_has_prefix (text, "\xef\xbb\xbf"))
    text += 3;
  while (g_ascii_isspace (*text))
    text++;
  return g_ascii_strncasecmp (text, "BEGIN:VCALENDAR", strlen ("BEGIN:VCALENDAR")) == 0;
}

static icalproperty *
find_x_property (icalcomponent *component,
                 const char    *name)
{
  for (icalproperty *property = icalcomponent_get_first_property (component, ICAL_X_PROPERTY);
       property != NULL;
       property = icalcomponent_get_next_property (component, ICAL_X_PROPERTY))
    {
      const char *x_name = icalproperty_get_x_name (property);

      if (x_name != NULL && g_ascii_strcasecmp (x_name, name) == 0)
        return property;
    }

  return NULL;
}

static char *
dup_x_value (icalproperty *property)
{
  const char *value = icalproperty_get_x (property);

  if (value == NULL)
    value = icalproperty_get_value_as_string (property);
  return g_strstrip (g_strdup (value != NULL ? value : ""));
}

/* Make-up working days: X-BEACON-WORKDAY:TRUE, or a summary that says 上班 or 补班 */
static gboolean
is_working_day_event (icalcomponent *event)
{
  icalproperty *marker = find_x_property (event, ICS_WORKDAY_PROPERTY);
  const char *summary;

  if (marker != NULL)
    {
      g_autofree char *value = dup_x_value (marker);
      return g_ascii_strcasecmp (value, "TRUE") == 0;
    }

  summary = icalcomponent_get_summary (event);
  return summary != NULL && (strstr (summary, "上班") != NULL || strstr (summary, "补班") != NULL);
}

static gboolean
set_ics_error (GError     **error,
               const char  *source,
               const char  *reason)
{
  g_set_error (error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_INVALID,
               /* Translators: the first %s is a file name or “iCalendar data” */
               _("Could not import holidays from %s: %s"), source, reason);
  return FALSE;
}

static gboolean
import_vcalendar (icalcomponent  *vcalendar,
                  const char     *source,
                  GArray         *imported,
                  GArray         *event_first_days,
                  GArray         *stated_years,
                  gboolean       *years_stated,
                  GError        **error)
{
  icalproperty *years_property = find_x_property (vcalendar, ICS_YEARS_PROPERTY);

  if (years_property != NULL)
    {
      g_autofree char *years_text = dup_x_value (years_property);

      if (!parse_year_list (ICS_YEARS_PROPERTY, years_text, stated_years, error))
        return FALSE;
      *years_stated = TRUE;
    }

  for (icalcomponent *event = icalcomponent_get_first_component (vcalendar,
                                                                 ICAL_VEVENT_COMPONENT);
       event != NULL;
       event = icalcomponent_get_next_component (vcalendar, ICAL_VEVENT_COMPONENT))
    {
      struct icaltimetype dtstart = icalcomponent_get_dtstart (event);
      struct icaltimetype dtend = icalcomponent_get_dtend (event);
      const char *summary = icalcomponent_get_summary (event);
      BeaconCalendarDayKind kind;
      gint32 first_day, end_day;

      /* Only all-day events say anything about whole dates. */
      if (icaltime_is_null_time (dtstart) || !dtstart.is_date)
        continue;

      if (dtstart.year < FIRST_YEAR || dtstart.year > LAST_YEAR ||
          !g_date_valid_dmy (dtstart.day, dtstart.month, dtstart.year))
        {
          g_autofree char *reason =
            g_strdup_printf (_("the event “%s” starts on an impossible date %s"),
                             summary ? summary : "", icaltime_as_ical_string (dtstart));
          return set_ics_error (error, source, reason);
        }
      first_day = day_from_dmy (dtstart.year, dtstart.month, dtstart.day);

      /* DTEND is exclusive; without it an all-day event lasts one day. */
      if (icaltime_is_null_time (dtend) || !dtend.is_date)
        end_day = first_day + 1;
      else if (dtend.year < FIRST_YEAR || dtend.year > LAST_YEAR ||
               !g_date_valid_dmy (dtend.day, dtend.month, dtend.year))
        {
          g_autofree char *reason =
            g_strdup_printf (_("the event “%s” ends on an impossible date %s"),
                             summary ? summary : "", icaltime_as_ical_string (dtend));
          return set_ics_error (error, source, reason);
        }
      else
        end_day = day_from_dmy (dtend.year, dtend.month, dtend.day);

      if (end_day == first_day)
        end_day = first_day + 1;

      if (end_day < first_day || end_day - first_day > MAX_RANGE_DAYS)
        {
          g_autofree char *first_text = format_day (first_day);
          g_autofree char *reason =
            g_strdup_printf (_("the event “%s” starting %s ends before it starts or lasts "
                               "more than a year"),
                             summary ? summary : "", first_text);
          return set_ics_error (error, source, reason);
        }

      kind = is_working_day_event (event) ? BEACON_CALENDAR_DAY_WORKING_DAY
                                          : BEACON_CALENDAR_DAY_HOLIDAY;

      g_array_append_val (event_first_days, first_day);
      for (gint32 day = first_day; day < end_day; day++)
        {
          SpecialDay special = { day, kind };
          g_array_append_val (imported, special);
        }
    }

  return TRUE;
}

/**
 * beacon_calendar_import_ics:
 * @self: a calendar
 * @path_or_data: the path of an iCalendar file, or iCalendar text (anything that
 *   starts with `BEGIN:VCALENDAR`)
 * @error: return location for a #GError
 *
 * Imports holidays and make-up working days from all-day events: an event whose
 * SUMMARY contains 上班 or 补班, or that carries `X-BEACON-WORKDAY:TRUE`, makes its
 * days working days; any other all-day event makes its days holidays. DTEND is
 * exclusive and every day of a multi-day event counts. Events with a time of day
 * are ignored, and recurrence rules are not expanded.
 *
 * The imported data replaces what @self had between the first and the last day
 * of the file's events, so importing a file again, or a corrected version of it,
 * does not duplicate anything. The years the file covers (stated by
 * `X-BEACON-COVERED-YEARS`, or else those in which its events begin) count as
 * covered; see beacon_calendar_is_covered(). On error @self is unchanged.
 *
 * Returns: %TRUE on success
 */
gboolean
beacon_calendar_import_ics (BeaconCalendar  *self,
                            const char      *path_or_data,
                            GError         **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *source = NULL;
  g_autoptr(GArray) imported = g_array_new (FALSE, FALSE, sizeof (SpecialDay));
  g_autoptr(GArray) event_first_days = g_array_new (FALSE, FALSE, sizeof (gint32));
  g_autoptr(GArray) stated_years = g_array_new (FALSE, FALSE, sizeof (int));
  gboolean years_stated = FALSE;
  const char *data;
  icalcomponent *root;
  gboolean ok = TRUE;
  gint32 first_day = G_MAXINT32;
  gint32 last_day = G_MININT32;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (path_or_data != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (looks_like_icalendar (path_or_data))
    {
      data = path_or_data;
      source = g_strdup (_("the iCalendar data"));
    }
  else
    {
      if (!g_file_get_contents (path_or_data, &contents, NULL, &local_error))
        {
          g_set_error (error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_NOT_FOUND,
                       _("Could not read the iCalendar file “%s”: %s"), path_or_data,
                       local_error->message);
          return FALSE;
        }
      data = contents;
      source = g_strdup_printf ("“%s”", path_or_data);

      if (!looks_like_icalendar (data))
        return set_ics_error (error, source,
                              _("it is not an iCalendar file (it does not start with "
                                "BEGIN:VCALENDAR)"));
    }

  root = icalparser_parse_string (data);
  if (root == NULL)
    return set_ics_error (error, source, _("it is not an iCalendar file"));

  if (icalcomponent_isa (root) == ICAL_VCALENDAR_COMPONENT)
    ok = import_vcalendar (root, source, imported, event_first_days, stated_years,
                           &years_stated, error);
  else
    {
      for (icalcomponent *vcalendar = icalcomponent_get_first_component (root,
                                                                         ICAL_VCALENDAR_COMPONENT);
           ok && vcalendar != NULL;
           vcalendar = icalcomponent_get_next_component (root, ICAL_VCALENDAR_COMPONENT))
        ok = import_vcalendar (vcalendar, source, imported, event_first_days, stated_years,
                               &years_stated, error);
    }

  icalcomponent_free (root);

  if (!ok)
    return FALSE;

  if (imported->len == 0)
    return set_ics_error (error, source,
                          _("it has no all-day events, so it holds no holidays"));

  for (guint i = 0; i < imported->len; i++)
    {
      gint32 day = g_array_index (imported, SpecialDay, i).day;

      first_day = MIN (first_day, day);
      last_day = MAX (last_day, day);
    }

  remove_special_days (self->special_days, first_day, last_day);
  for (guint i = 0; i < imported->len; i++)
    {
      const SpecialDay *special = &g_array_index (imported, SpecialDay, i);
      set_special_day (self->special_days, special->day, special->kind);
    }

  if (years_stated)
    for (guint i = 0; i < stated_years->len; i++)
      add_covered_year (self->covered_years, g_array_index (stated_years, int, i));
  else
    derive_covered_years (event_first_days, self->covered_years);

  update_derived (self);

  return TRUE;
}

static struct icaltimetype
icaldate_from_day (gint64 day)
{
  struct icaltimetype time = icaltime_null_date ();
  GDate date;

  date_from_day (day, &date);
  time.year = g_date_get_year (&date);
  time.month = g_date_get_month (&date);
  time.day = g_date_get_day (&date);
  return time;
}

static icalproperty *
new_x_property (const char *name,
                const char *value)
{
  icalproperty *property = icalproperty_new_x (value);

  icalproperty_set_x_name (property, name);
  return property;
}

/**
 * beacon_calendar_export_ics:
 * @self: a calendar
 * @error: return location for a #GError
 *
 * Writes the holidays and make-up working days of @self as all-day VEVENTs, one
 * for each run of consecutive days, with an exclusive DTEND. Make-up working days
 * carry `X-BEACON-WORKDAY:TRUE`, holidays `X-BEACON-WORKDAY:FALSE`, and the
 * covered years go in `X-BEACON-COVERED-YEARS`, so that
 * beacon_calendar_import_ics() reads the same data back. DTSTAMP is the event's
 * first day at 00:00 UTC, which keeps the output the same for the same data.
 *
 * Returns: (transfer full) (nullable): the iCalendar text
 */
char *
beacon_calendar_export_ics (const BeaconCalendar  *self,
                            GError               **error)
{
  icalcomponent *vcalendar;
  char *ical_text;
  char *text;
  guint i = 0;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  vcalendar = icalcomponent_vanew (ICAL_VCALENDAR_COMPONENT,
                                   icalproperty_new_version ("2.0"),
                                   icalproperty_new_prodid ("-//Beacon//Beacon "
                                                            PACKAGE_VERSION "//EN"),
                                   icalproperty_new_calscale ("GREGORIAN"),
                                   (void *) 0);
  icalcomponent_add_property (vcalendar, new_x_property ("X-WR-CALNAME", self->name));
  icalcomponent_add_property (vcalendar, new_x_property ("X-WR-TIMEZONE", self->timezone_id));
  icalcomponent_add_property (vcalendar, new_x_property ("X-BEACON-CALENDAR-ID", self->id));
  if (self->covered_years->len > 0)
    {
      g_autofree char *years = format_year_list (self->covered_years, ",");
      icalcomponent_add_property (vcalendar, new_x_property (ICS_YEARS_PROPERTY, years));
    }

  while (i < self->special_days->len)
    {
      const SpecialDay *first = &g_array_index (self->special_days, SpecialDay, i);
      gboolean working = first->kind == BEACON_CALENDAR_DAY_WORKING_DAY;
      guint last = i;
      g_autofree char *first_text = NULL;
      g_autofree char *end_text = NULL;
      g_autofree char *uid = NULL;
      icalcomponent *event;

      while (last + 1 < self->special_days->len &&
             g_array_index (self->special_days, SpecialDay, last + 1).kind == first->kind &&
             g_array_index (self->special_days, SpecialDay, last + 1).day ==
             g_array_index (self->special_days, SpecialDay, last).day + 1)
        last++;

      first_text = format_day (first->day);
      end_text = format_day (g_array_index (self->special_days, SpecialDay, last).day + 1);
      uid = g_strdup_printf ("%s/%s/%s@beacon", first_text, end_text, self->id);

      event = icalcomponent_vanew (
        ICAL_VEVENT_COMPONENT,
        icalproperty_new_uid (uid),
        icalproperty_new_dtstamp (icaltime_from_timet_with_zone (
          (time_t) (first->day * SECONDS_PER_DAY), 0, icaltimezone_get_utc_timezone ())),
        icalproperty_new_dtstart (icaldate_from_day (first->day)),
        icalproperty_new_dtend (icaldate_from_day (
          g_array_index (self->special_days, SpecialDay, last).day + 1)),
        icalproperty_new_summary (working ? _("Make-up working day") : _("Holiday")),
        icalproperty_new_transp (working ? ICAL_TRANSP_OPAQUE : ICAL_TRANSP_TRANSPARENT),
        (void *) 0);
      icalcomponent_add_property (event, new_x_property (ICS_WORKDAY_PROPERTY,
                                                         working ? "TRUE" : "FALSE"));
      icalcomponent_add_component (vcalendar, event);

      i = last + 1;
    }

  ical_text = icalcomponent_as_ical_string_r (vcalendar);
  icalcomponent_free (vcalendar);

  if (ical_text == NULL)
    {
      g_set_error (error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_FAILED,
                   _("Could not write calendar “%s” as iCalendar"), self->id);
      return NULL;
    }

  text = g_strdup (ical_text);
  icalmemory_free_buffer (ical_text);
  return text;
}

/* ------------------------------------------------------------------------------------------ */
/* Accessors                                                                                   */

/**
 * beacon_calendar_get_id:
 * @self: a calendar
 *
 * Returns: (transfer none): the id, such as `cn-5x8`
 */
const char *
beacon_calendar_get_id (const BeaconCalendar *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->id;
}

/**
 * beacon_calendar_get_name:
 * @self: a calendar
 *
 * Returns: (transfer none): the name people read
 */
const char *
beacon_calendar_get_name (const BeaconCalendar *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->name;
}

/**
 * beacon_calendar_get_timezone_id:
 * @self: a calendar
 *
 * Returns: (transfer none): the zone's identifier, such as `Asia/Shanghai`
 */
const char *
beacon_calendar_get_timezone_id (const BeaconCalendar *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->timezone_id;
}

/**
 * beacon_calendar_get_timezone:
 * @self: a calendar
 *
 * Returns: (transfer none): the calendar's zone
 */
GTimeZone *
beacon_calendar_get_timezone (const BeaconCalendar *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->timezone;
}

/**
 * beacon_calendar_dup_hours:
 * @self: a calendar
 * @weekday: a weekday
 *
 * Returns: (transfer full): the weekday's working hours as `09:00-12:00,13:00-17:00`;
 *   empty when the weekday does not work
 */
char *
beacon_calendar_dup_hours (const BeaconCalendar *self,
                           GDateWeekday          weekday)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (g_date_valid_weekday (weekday), NULL);

  return format_hours (&self->weekdays[weekday - 1]);
}

/**
 * beacon_calendar_set_hours:
 * @self: a calendar
 * @weekday: a weekday
 * @hours: ranges such as `09:00-12:00,13:00-17:00`; empty for a day off
 * @error: return location for a #GError
 *
 * Returns: %TRUE if @hours was valid and is now @weekday's working hours
 */
gboolean
beacon_calendar_set_hours (BeaconCalendar  *self,
                           GDateWeekday     weekday,
                           const char      *hours,
                           GError         **error)
{
  g_autofree char *key = NULL;
  DayHours parsed = { NULL, 0, 0 };

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (g_date_valid_weekday (weekday), FALSE);
  g_return_val_if_fail (hours != NULL, FALSE);

  key = g_strdup_printf ("Hours-%s", weekday_names[weekday - 1]);
  if (!parse_hours (key, hours, &parsed, error))
    return FALSE;

  g_free (self->weekdays[weekday - 1].ranges);
  self->weekdays[weekday - 1] = parsed;
  update_derived (self);
  return TRUE;
}

/**
 * beacon_calendar_get_day_kind:
 * @self: a calendar
 * @date: a date
 *
 * Returns: whether @date is a holiday, a make-up working day or a normal day
 */
BeaconCalendarDayKind
beacon_calendar_get_day_kind (const BeaconCalendar *self,
                              const GDate          *date)
{
  guint index;
  gint32 day;

  g_return_val_if_fail (self != NULL, BEACON_CALENDAR_DAY_NORMAL);
  g_return_val_if_fail (date != NULL, BEACON_CALENDAR_DAY_NORMAL);

  if (!g_date_valid (date))
    return BEACON_CALENDAR_DAY_NORMAL;

  day = day_from_date (date);
  index = special_days_lower_bound (self->special_days, day);
  if (index < self->special_days->len &&
      g_array_index (self->special_days, SpecialDay, index).day == day)
    return g_array_index (self->special_days, SpecialDay, index).kind;

  return BEACON_CALENDAR_DAY_NORMAL;
}

/**
 * beacon_calendar_set_day_kind:
 * @self: a calendar
 * @date: a date
 * @kind: what @date becomes; %BEACON_CALENDAR_DAY_NORMAL removes a holiday or
 *   make-up working day
 *
 * Marks one date. This does not change which years count as covered.
 */
void
beacon_calendar_set_day_kind (BeaconCalendar        *self,
                              const GDate           *date,
                              BeaconCalendarDayKind  kind)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (date != NULL && g_date_valid (date));
  g_return_if_fail (kind <= BEACON_CALENDAR_DAY_WORKING_DAY);

  set_special_day (self->special_days, day_from_date (date), kind);
  update_derived (self);
}

static GArray *
dup_special_days (const BeaconCalendar  *self,
                  BeaconCalendarDayKind  kind)
{
  GArray *dates = g_array_new (FALSE, FALSE, sizeof (GDate));

  for (guint i = 0; i < self->special_days->len; i++)
    {
      const SpecialDay *special = &g_array_index (self->special_days, SpecialDay, i);
      GDate date;

      if (special->kind != (gint32) kind)
        continue;
      date_from_day (special->day, &date);
      g_array_append_val (dates, date);
    }

  return dates;
}

/**
 * beacon_calendar_dup_holidays:
 * @self: a calendar
 *
 * Returns: (transfer full) (element-type GDate): the holidays, in date order
 */
GArray *
beacon_calendar_dup_holidays (const BeaconCalendar *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return dup_special_days (self, BEACON_CALENDAR_DAY_HOLIDAY);
}

/**
 * beacon_calendar_dup_working_days:
 * @self: a calendar
 *
 * Returns: (transfer full) (element-type GDate): the make-up working days, in date order
 */
GArray *
beacon_calendar_dup_working_days (const BeaconCalendar *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return dup_special_days (self, BEACON_CALENDAR_DAY_WORKING_DAY);
}

/**
 * beacon_calendar_dup_covered_years:
 * @self: a calendar
 *
 * Returns: (transfer full) (element-type int): the years whose holiday data was
 *   loaded or imported, ascending
 */
GArray *
beacon_calendar_dup_covered_years (const BeaconCalendar *self)
{
  GArray *years;

  g_return_val_if_fail (self != NULL, NULL);

  years = g_array_new (FALSE, FALSE, sizeof (int));
  g_array_append_vals (years, self->covered_years->data, self->covered_years->len);
  return years;
}

/**
 * beacon_calendar_has_holiday_data:
 * @self: a calendar
 *
 * Returns: %TRUE if @self has holidays, make-up working days or covered years;
 *   a calendar without (`24x7`, a plain weekly calendar) never needs updating
 */
gboolean
beacon_calendar_has_holiday_data (const BeaconCalendar *self)
{
  g_return_val_if_fail (self != NULL, FALSE);
  return self->special_days->len > 0 || self->covered_years->len > 0;
}

/* ------------------------------------------------------------------------------------------ */
/* Arithmetic                                                                                  */

static inline const DayHours *
hours_of_day (const BeaconCalendar  *self,
              gint64                 day,
              BeaconCalendarDayKind  kind)
{
  switch (kind)
    {
    case BEACON_CALENDAR_DAY_HOLIDAY:
      return &no_hours;
    case BEACON_CALENDAR_DAY_WORKING_DAY:
      return self->working_day_weekday >= 0 ? &self->weekdays[self->working_day_weekday]
                                            : &no_hours;
    case BEACON_CALENDAR_DAY_NORMAL:
    default:
      return &self->weekdays[weekday_index (day)];
    }
}

static inline gint64
clamp_instant (gint64 instant)
{
  return CLAMP (instant, FIRST_INSTANT, LAST_INSTANT);
}

/**
 * beacon_calendar_due:
 * @self: a calendar
 * @start: when the clock starts, seconds since the epoch
 * @duration: working time in seconds, zero or more
 * @out_due: (out): the due time
 * @error: return location for a #GError
 *
 * Finds the earliest instant t ≥ @start such that the working time in
 * [@start, t] equals @duration. A clock started outside working time starts
 * counting at the next working range; a due time that falls on the end of a
 * range stays there (10:00 + 2 h on `cn-5x8` is 12:00, not 13:30). A zero
 * @duration is due at @start itself, working time or not.
 *
 * The cost grows with the number of local days crossed (whole weeks without
 * special days at once), not with the duration; `24x7` is constant time.
 *
 * Returns: %TRUE with *@out_due set; %FALSE with @error when the calendar has no
 *   working time at all, or none within 20 years after @start
 */
gboolean
beacon_calendar_due (const BeaconCalendar  *self,
                     gint64                 start,
                     gint64                 duration,
                     gint64                *out_due,
                     GError               **error)
{
  ZoneCursor zone;
  SpecialCursor specials;
  gint64 remaining = duration;
  gint64 day, last_day;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (duration >= 0, FALSE);
  g_return_val_if_fail (out_due != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (duration == 0)
    {
      *out_due = start;
      return TRUE;
    }

  if (start < FIRST_INSTANT || start > LAST_INSTANT)
    {
      g_set_error (error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_INVALID,
                   _("The start time is outside the years 1 to 9999"));
      return FALSE;
    }

  if (self->always_working)
    {
      if (duration > LAST_INSTANT - start)
        goto too_far;
      *out_due = start + duration;
      return TRUE;
    }

  if (self->week_seconds == 0)
    {
      g_set_error (error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_INVALID,
                   _("Calendar “%s” has no working hours on any weekday, so nothing can "
                     "become due; give it working hours"), self->id);
      return FALSE;
    }

  zone_cursor_init (&zone, self->zone);
  day = floor_div (zone_to_local (self->zone, start), SECONDS_PER_DAY);
  last_day = day + SEARCH_LIMIT_DAYS;
  special_cursor_init (&specials, self->special_days, day);

  while (day <= last_day)
    {
      gint64 midnight = day * SECONDS_PER_DAY;
      BeaconCalendarDayKind kind = special_cursor_kind (&specials, day);
      const DayHours *hours;

      if (!zone_cursor_holds (&zone, midnight, midnight))
        zone_cursor_to_utc (&zone, midnight);

      /* A whole week without special days or zone changes has the usual working time. */
      if (kind == BEACON_CALENDAR_DAY_NORMAL &&
          remaining > self->week_seconds &&
          special_cursor_next_day (&specials) >= day + DAYS_PER_WEEK &&
          zone_cursor_holds (&zone, midnight, midnight + DAYS_PER_WEEK * SECONDS_PER_DAY) &&
          midnight - zone.offset >= start)
        {
          remaining -= self->week_seconds;
          day += DAYS_PER_WEEK;
          continue;
        }

      hours = hours_of_day (self, day, kind);
      if (hours->n_ranges == 0)
        {
          day++;
          continue;
        }

      if (remaining > hours->seconds &&
          zone_cursor_holds (&zone, midnight, midnight + SECONDS_PER_DAY) &&
          midnight - zone.offset >= start)
        {
          remaining -= hours->seconds;
          day++;
          continue;
        }

      for (guint r = 0; r < hours->n_ranges; r++)
        {
          gint64 range_start = zone_cursor_to_utc (&zone, midnight + hours->ranges[r].start * 60);
          gint64 range_end = zone_cursor_to_utc (&zone, midnight + hours->ranges[r].end * 60);

          if (range_start < start)
            range_start = start;
          if (range_end <= range_start)
            continue;

          if (remaining <= range_end - range_start)
            {
              *out_due = range_start + remaining;
              return TRUE;
            }
          remaining -= range_end - range_start;
        }

      day++;
    }

too_far:
  {
    g_autofree char *duration_text = beacon_duration_format (duration);

    g_set_error (error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_INVALID,
                 _("Calendar “%s” has too little working time to reach %s within 20 years"),
                 self->id, duration_text);
  }
  return FALSE;
}

/**
 * beacon_calendar_elapsed:
 * @self: a calendar
 * @from: an instant, seconds since the epoch
 * @to: a later instant
 *
 * Counts the working time between two instants. For any start and duration,
 * `elapsed (start, due (start, d)) == d`.
 *
 * Returns: the working seconds in [@from, @to]; 0 when @to ≤ @from
 */
gint64
beacon_calendar_elapsed (const BeaconCalendar *self,
                         gint64                from,
                         gint64                to)
{
  ZoneCursor zone;
  SpecialCursor specials;
  gint64 total = 0;
  gint64 day;

  g_return_val_if_fail (self != NULL, 0);

  from = clamp_instant (from);
  to = clamp_instant (to);

  if (to <= from)
    return 0;

  if (self->always_working)
    return to - from;

  if (self->week_seconds == 0)
    return 0;

  zone_cursor_init (&zone, self->zone);
  day = floor_div (zone_to_local (self->zone, from), SECONDS_PER_DAY);
  special_cursor_init (&specials, self->special_days, day);

  for (;;)
    {
      gint64 midnight = day * SECONDS_PER_DAY;
      BeaconCalendarDayKind kind = special_cursor_kind (&specials, day);
      gint64 day_start = zone_cursor_to_utc (&zone, midnight);
      const DayHours *hours;

      if (day_start >= to)
        break;

      if (kind == BEACON_CALENDAR_DAY_NORMAL &&
          day_start >= from &&
          special_cursor_next_day (&specials) >= day + DAYS_PER_WEEK &&
          zone_cursor_holds (&zone, midnight, midnight + DAYS_PER_WEEK * SECONDS_PER_DAY) &&
          midnight + DAYS_PER_WEEK * SECONDS_PER_DAY - zone.offset <= to)
        {
          total += self->week_seconds;
          day += DAYS_PER_WEEK;
          continue;
        }

      hours = hours_of_day (self, day, kind);

      if (hours->n_ranges > 0 &&
          day_start >= from &&
          zone_cursor_holds (&zone, midnight, midnight + SECONDS_PER_DAY) &&
          midnight + SECONDS_PER_DAY - zone.offset <= to)
        {
          total += hours->seconds;
          day++;
          continue;
        }

      for (guint r = 0; r < hours->n_ranges; r++)
        {
          gint64 range_start = zone_cursor_to_utc (&zone, midnight + hours->ranges[r].start * 60);
          gint64 range_end = zone_cursor_to_utc (&zone, midnight + hours->ranges[r].end * 60);

          range_start = MAX (range_start, from);
          range_end = MIN (range_end, to);
          if (range_end > range_start)
            total += range_end - range_start;
        }

      day++;
    }

  return total;
}

/**
 * beacon_calendar_next_working_day_end:
 * @self: a calendar
 * @instant: an instant, seconds since the epoch
 * @n: which working day, 1 or more
 * @out_end: (out): the end of that working day
 * @error: return location for a #GError
 *
 * Finds the end of the last working range of the @n-th working day strictly
 * after the local date of @instant: the deadline “end of the next working day”
 * for @n = 1. Holidays are skipped and make-up working days count.
 *
 * Returns: %TRUE with *@out_end set; %FALSE with @error when the calendar has
 *   no working day within 20 years
 */
gboolean
beacon_calendar_next_working_day_end (const BeaconCalendar  *self,
                                      gint64                 instant,
                                      guint                  n,
                                      gint64                *out_end,
                                      GError               **error)
{
  ZoneCursor zone;
  SpecialCursor specials;
  gint64 remaining = n;
  gint64 day, last_day;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (n >= 1, FALSE);
  g_return_val_if_fail (out_end != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (instant < FIRST_INSTANT || instant > LAST_INSTANT)
    {
      g_set_error (error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_INVALID,
                   _("The start time is outside the years 1 to 9999"));
      return FALSE;
    }

  zone_cursor_init (&zone, self->zone);
  day = floor_div (zone_to_local (self->zone, instant), SECONDS_PER_DAY) + 1;
  last_day = day + SEARCH_LIMIT_DAYS;

  if (self->always_working && n <= SEARCH_LIMIT_DAYS)
    {
      *out_end = zone_cursor_to_utc (&zone, (day + n) * SECONDS_PER_DAY);
      return TRUE;
    }

  special_cursor_init (&specials, self->special_days, day);

  while (self->week_working_days > 0 && day <= last_day)
    {
      BeaconCalendarDayKind kind = special_cursor_kind (&specials, day);
      const DayHours *hours;

      if (kind == BEACON_CALENDAR_DAY_NORMAL &&
          remaining > self->week_working_days &&
          special_cursor_next_day (&specials) >= day + DAYS_PER_WEEK)
        {
          remaining -= self->week_working_days;
          day += DAYS_PER_WEEK;
          continue;
        }

      hours = hours_of_day (self, day, kind);
      if (hours->n_ranges > 0 && --remaining == 0)
        {
          gint64 last_range_end = hours->ranges[hours->n_ranges - 1].end * SECONDS_PER_MINUTE;

          *out_end = zone_cursor_to_utc (&zone, day * SECONDS_PER_DAY + last_range_end);
          return TRUE;
        }

      day++;
    }

  g_set_error (error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_INVALID,
               _("Calendar “%s” has too few working days within 20 years; give it working "
                 "hours"),
               self->id);
  return FALSE;
}

/* ------------------------------------------------------------------------------------------ */
/* Coverage                                                                                    */

static int
first_uncovered_year (const BeaconCalendar *self,
                      gint64                from,
                      gint64                to)
{
  int first_year, last_year;

  if (!beacon_calendar_has_holiday_data (self))
    return 0;

  from = clamp_instant (from);
  to = clamp_instant (to);
  if (to < from)
    {
      gint64 swap = from;
      from = to;
      to = swap;
    }

  first_year = year_of_day (floor_div (zone_to_local (self->zone, from), SECONDS_PER_DAY));
  last_year = year_of_day (floor_div (zone_to_local (self->zone, to), SECONDS_PER_DAY));

  for (int year = first_year; year <= last_year; year++)
    if (!has_covered_year (self->covered_years, year))
      return year;

  return 0;
}

/**
 * beacon_calendar_is_covered:
 * @self: a calendar
 * @from: an instant
 * @to: a later instant
 *
 * Tells whether holiday data was loaded or imported for every year that the
 * local dates from @from to @to touch. A calendar without holiday data at all
 * (`24x7`, a plain weekly calendar) is always covered.
 *
 * Returns: %TRUE if the due times in that span can be trusted
 */
gboolean
beacon_calendar_is_covered (const BeaconCalendar *self,
                            gint64                from,
                            gint64                to)
{
  g_return_val_if_fail (self != NULL, TRUE);
  return first_uncovered_year (self, from, to) == 0;
}

/**
 * beacon_calendar_dup_coverage_warning:
 * @self: a calendar
 * @now: the current instant
 *
 * Returns: (transfer full) (nullable): a warning to show when the next
 *   %BEACON_CALENDAR_COVERAGE_DAYS days after @now are not covered by holiday
 *   data, or %NULL when they are
 */
char *
beacon_calendar_dup_coverage_warning (const BeaconCalendar *self,
                                      gint64                now)
{
  int year;

  g_return_val_if_fail (self != NULL, NULL);

  year = first_uncovered_year (self, now,
                               now + BEACON_CALENDAR_COVERAGE_DAYS * SECONDS_PER_DAY);
  if (year == 0)
    return NULL;

  return g_strdup_printf (_("Calendar “%s” has no holidays for %d yet, so due times after "
                            "its New Year may be wrong. Import the %d holiday calendar "
                            "(an iCalendar file)."),
                          self->name, year, year);
}
