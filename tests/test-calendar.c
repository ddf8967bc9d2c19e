/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "beacon-test"

#include "config.h"

#include <string.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "beacon-calendar.h"
#include "beacon-duration.h"
#include "beacon-error.h"

#define HOUR   G_GINT64_CONSTANT (3600)
#define MINUTE G_GINT64_CONSTANT (60)
#define DAY    G_GINT64_CONSTANT (86400)

/* A calendar with night hours, to see daylight-saving days from both sides. */
static const char berlin_nights[] =
  "[Calendar]\n"
  "Id=berlin-nights\n"
  "Name=Berlin night shift\n"
  "TimeZone=Europe/Berlin\n"
  "Days=Mon-Sun\n"
  "Hours=00:00-06:00,22:00-24:00\n";

/* ------------------------------------------------------------------------------------------ */
/* Helpers                                                                                     */

static gint64
at (const char *iso8601)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_iso8601 (iso8601, NULL);

  g_assert_nonnull (dt);
  return g_date_time_to_unix (dt);
}

static char *
format_in (const BeaconCalendar *calendar,
           gint64                instant)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (instant);
  g_autoptr(GDateTime) local = NULL;

  local = g_date_time_to_timezone (utc, beacon_calendar_get_timezone (calendar));
  return g_date_time_format (local, "%Y-%m-%dT%H:%M:%S%:z");
}

static BeaconCalendar *
builtin (const char *id)
{
  BeaconCalendar *calendar = beacon_calendar_get_builtin (id);

  g_assert_nonnull (calendar);
  return calendar;
}

static BeaconCalendar *
parse_calendar (const char *text)
{
  g_autoptr(GError) error = NULL;
  BeaconCalendar *calendar = beacon_calendar_new_from_keyfile_data (text, &error);

  g_assert_no_error (error);
  g_assert_nonnull (calendar);
  return calendar;
}

/* Compares as local date-times so that a failure reads like the spec. */
static void
assert_due (const BeaconCalendar *calendar,
            const char           *start,
            gint64                duration,
            const char           *expected)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *due_text = NULL;
  g_autofree char *expected_text = NULL;
  gint64 due = 0;

  g_assert_true (beacon_calendar_due (calendar, at (start), duration, &due, &error));
  g_assert_no_error (error);

  due_text = format_in (calendar, due);
  expected_text = format_in (calendar, at (expected));
  g_assert_cmpstr (due_text, ==, expected_text);
  g_assert_cmpint (due, ==, at (expected));

  /* whatever due() finds, elapsed() must agree with */
  g_assert_cmpint (beacon_calendar_elapsed (calendar, at (start), due), ==, duration);
}

static void
assert_next_working_day_end (const BeaconCalendar *calendar,
                             const char           *instant,
                             guint                 n,
                             const char           *expected)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *end_text = NULL;
  g_autofree char *expected_text = NULL;
  gint64 end = 0;

  g_assert_true (beacon_calendar_next_working_day_end (calendar, at (instant), n, &end, &error));
  g_assert_no_error (error);

  end_text = format_in (calendar, end);
  expected_text = format_in (calendar, at (expected));
  g_assert_cmpstr (end_text, ==, expected_text);
}

static char *
date_text (const GDate *date)
{
  return g_strdup_printf ("%04d-%02d-%02d", g_date_get_year (date), g_date_get_month (date),
                          g_date_get_day (date));
}

/* "2026-01-01 2026-01-02 …" */
static char *
join_dates (GArray *dates)
{
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < dates->len; i++)
    {
      g_autofree char *one = date_text (&g_array_index (dates, GDate, i));
      g_string_append_printf (text, "%s%s", i > 0 ? " " : "", one);
    }

  return g_string_free (text, FALSE);
}

static char *
holidays_text (const BeaconCalendar *calendar)
{
  g_autoptr(GArray) dates = beacon_calendar_dup_holidays (calendar);
  return join_dates (dates);
}

static char *
working_days_text (const BeaconCalendar *calendar)
{
  g_autoptr(GArray) dates = beacon_calendar_dup_working_days (calendar);
  return join_dates (dates);
}

static char *
covered_years_text (const BeaconCalendar *calendar)
{
  g_autoptr(GArray) years = beacon_calendar_dup_covered_years (calendar);
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < years->len; i++)
    g_string_append_printf (text, "%s%d", i > 0 ? " " : "", g_array_index (years, int, i));

  return g_string_free (text, FALSE);
}

static char *
shared_data_path (const char *name)
{
  const char *shared = g_getenv ("BEACON_SHARED_DIR");

  if (shared == NULL)
    return NULL;
  return g_build_filename (shared, "data", "holiday-cn", name, NULL);
}

/* The published data, read independently of the code under test. */
static gboolean
read_holiday_json (const char *year,
                   GString    *holidays,
                   GString    *working_days)
{
  g_autofree char *name = g_strdup_printf ("%s.json", year);
  g_autofree char *path = shared_data_path (name);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonArray *days;

  if (path == NULL)
    return FALSE;

  json_parser_load_from_file (parser, path, &error);
  g_assert_no_error (error);

  days = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)),
                                       "days");
  for (guint i = 0; i < json_array_get_length (days); i++)
    {
      JsonObject *day = json_array_get_object_element (days, i);
      GString *target = json_object_get_boolean_member (day, "isOffDay") ? holidays : working_days;

      g_string_append_printf (target, "%s%s", target->len > 0 ? " " : "",
                              json_object_get_string_member (day, "date"));
    }

  return TRUE;
}

static BeaconCalendar *
new_plain_shanghai_calendar (void)
{
  return parse_calendar ("[Calendar]\nId=plain\nTimeZone=Asia/Shanghai\nDays=Mon-Fri\n"
                         "Hours=08:30-12:00,13:30-18:00\n");
}

static void check_round_trip (const BeaconCalendar *calendar,
                              gint64                start,
                              gint64                duration);

/* ------------------------------------------------------------------------------------------ */
/* An independent oracle: walks minute by minute through wall-clock time with GDateTime.      */

typedef struct
{
  int start[8];
  int end[8];
  int n;
} OracleHours;

static void
oracle_parse_hours (const char  *text,
                    OracleHours *hours)
{
  g_auto(GStrv) ranges = g_strsplit (text, ",", -1);

  hours->n = 0;
  for (guint i = 0; ranges[i] != NULL && *ranges[i] != '\0'; i++)
    {
      int h1, m1, h2, m2;

      g_assert_cmpint (sscanf (ranges[i], "%d:%d-%d:%d", &h1, &m1, &h2, &m2), ==, 4);
      hours->start[hours->n] = h1 * 60 + m1;
      hours->end[hours->n] = h2 * 60 + m2;
      hours->n++;
    }
}

static gint64
oracle_elapsed (const BeaconCalendar *calendar,
                gint64                from,
                gint64                to)
{
  OracleHours weekly[8];
  int working_day_weekday = 0;
  gint64 total = 0;

  g_assert_cmpint (from % 60, ==, 0);
  g_assert_cmpint (to % 60, ==, 0);

  for (int weekday = G_DATE_MONDAY; weekday <= G_DATE_SUNDAY; weekday++)
    {
      g_autofree char *text = beacon_calendar_dup_hours (calendar, weekday);

      oracle_parse_hours (text, &weekly[weekday]);
      if (working_day_weekday == 0 && weekly[weekday].n > 0)
        working_day_weekday = weekday;
    }

  for (gint64 minute = from; minute < to; minute += 60)
    {
      g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (minute);
      GTimeZone *tz = beacon_calendar_get_timezone (calendar);
      g_autoptr(GDateTime) local = g_date_time_to_timezone (utc, tz);
      GDate date;
      const OracleHours *hours;
      int minute_of_day = g_date_time_get_hour (local) * 60 + g_date_time_get_minute (local);

      g_date_clear (&date, 1);
      g_date_set_dmy (&date, g_date_time_get_day_of_month (local), g_date_time_get_month (local),
                      g_date_time_get_year (local));

      switch (beacon_calendar_get_day_kind (calendar, &date))
        {
        case BEACON_CALENDAR_DAY_HOLIDAY:
          continue;
        case BEACON_CALENDAR_DAY_WORKING_DAY:
          if (working_day_weekday == 0)
            continue;
          hours = &weekly[working_day_weekday];
          break;
        case BEACON_CALENDAR_DAY_NORMAL:
        default:
          hours = &weekly[g_date_time_get_day_of_week (local)];
          break;
        }

      for (int r = 0; r < hours->n; r++)
        if (minute_of_day >= hours->start[r] && minute_of_day < hours->end[r])
          total += 60;
    }

  return total;
}

/* ------------------------------------------------------------------------------------------ */
/* Built-in calendars                                                                          */

static void
test_builtin_ids (void)
{
  const char * const *ids = beacon_calendar_get_builtin_ids ();

  g_assert_cmpuint (g_strv_length ((GStrv) ids), ==, 3);
  g_assert_true (g_strv_contains (ids, "24x7"));
  g_assert_true (g_strv_contains (ids, "cn-5x8"));
  g_assert_true (g_strv_contains (ids, "cn-7x12"));
  g_assert_null (beacon_calendar_get_builtin ("cn-6x9"));

  for (guint i = 0; ids[i] != NULL; i++)
    {
      g_autoptr(BeaconCalendar) calendar = builtin (ids[i]);
      g_assert_cmpstr (beacon_calendar_get_id (calendar), ==, ids[i]);
      g_assert_nonnull (beacon_calendar_get_name (calendar));
    }
}

static void
test_builtin_hours (void)
{
  g_autoptr(BeaconCalendar) office = builtin ("cn-5x8");
  g_autoptr(BeaconCalendar) reachable = builtin ("cn-7x12");
  g_autoptr(BeaconCalendar) always = builtin ("24x7");
  g_autofree char *monday = beacon_calendar_dup_hours (office, G_DATE_MONDAY);
  g_autofree char *saturday = beacon_calendar_dup_hours (office, G_DATE_SATURDAY);
  g_autofree char *sunday_reachable = beacon_calendar_dup_hours (reachable, G_DATE_SUNDAY);
  g_autofree char *sunday_always = beacon_calendar_dup_hours (always, G_DATE_SUNDAY);

  g_assert_cmpstr (beacon_calendar_get_timezone_id (office), ==, "Asia/Shanghai");
  g_assert_cmpstr (beacon_calendar_get_timezone_id (reachable), ==, "Asia/Shanghai");
  g_assert_cmpstr (monday, ==, "08:30-12:00,13:30-18:00");
  g_assert_cmpstr (saturday, ==, "");
  g_assert_cmpstr (sunday_reachable, ==, "08:30-20:30");
  g_assert_cmpstr (sunday_always, ==, "00:00-24:00");
}

/* cn-5x8 carries exactly the published 2025 and 2026 data */
static void
test_builtin_cn_holidays (void)
{
  g_autoptr(BeaconCalendar) office = builtin ("cn-5x8");
  g_autoptr(GString) holidays = g_string_new (NULL);
  g_autoptr(GString) working_days = g_string_new (NULL);
  g_autofree char *actual_holidays = NULL;
  g_autofree char *actual_working_days = NULL;
  g_autofree char *years = covered_years_text (office);

  g_assert_cmpstr (years, ==, "2025 2026");

  if (!read_holiday_json ("2025", holidays, working_days) ||
      !read_holiday_json ("2026", holidays, working_days))
    {
      g_test_skip ("BEACON_SHARED_DIR is not set");
      return;
    }

  actual_holidays = holidays_text (office);
  actual_working_days = working_days_text (office);
  g_assert_cmpstr (actual_holidays, ==, holidays->str);
  g_assert_cmpstr (actual_working_days, ==, working_days->str);
}

/* ------------------------------------------------------------------------------------------ */
/* due()                                                                                       */

static void
test_due_outside_working_hours (void)
{
  g_autoptr(BeaconCalendar) office = builtin ("cn-5x8");

  /* before the day starts, at lunch, in the evening, on a weekend */
  assert_due (office, "2026-03-10T07:00:00+08:00", 2 * HOUR, "2026-03-10T10:30:00+08:00");
  assert_due (office, "2026-03-10T12:30:00+08:00", 1 * HOUR, "2026-03-10T14:30:00+08:00");
  assert_due (office, "2026-03-10T22:00:00+08:00", 30 * MINUTE, "2026-03-11T09:00:00+08:00");
  assert_due (office, "2026-03-14T10:00:00+08:00", 1 * HOUR, "2026-03-16T09:30:00+08:00");
  /* a clock started at the end of a range behaves like one started outside it */
  assert_due (office, "2026-03-10T12:00:00+08:00", 1 * MINUTE, "2026-03-10T13:31:00+08:00");
}

static void
test_due_twenty_minutes_at_17_40 (void)
{
  g_autoptr(BeaconCalendar) office = builtin ("cn-5x8");

  /* fits exactly: due at the end of the day, not the next morning */
  assert_due (office, "2026-03-10T17:40:00+08:00", 20 * MINUTE, "2026-03-10T18:00:00+08:00");
  /* ten minutes today, ten tomorrow */
  assert_due (office, "2026-03-10T17:50:00+08:00", 20 * MINUTE, "2026-03-11T08:40:00+08:00");
  /* on a Friday the rest is on Monday */
  assert_due (office, "2026-03-13T17:50:00+08:00", 20 * MINUTE, "2026-03-16T08:40:00+08:00");
}

static void
test_due_four_hours_from_monday_17 (void)
{
  g_autoptr(BeaconCalendar) calendar =
    parse_calendar ("[Calendar]\nId=eight-to-six\nTimeZone=Asia/Shanghai\nDays=Mon-Fri\n"
                    "Hours=08:00-18:00\n");

  assert_due (calendar, "2026-03-09T17:00:00+08:00", 4 * HOUR, "2026-03-10T11:00:00+08:00");
}

static void
test_due_end_of_range_stays (void)
{
  g_autoptr(BeaconCalendar) office = builtin ("cn-5x8");

  assert_due (office, "2026-03-10T10:00:00+08:00", 2 * HOUR, "2026-03-10T12:00:00+08:00");
  assert_due (office, "2026-03-10T10:00:00+08:00", 2 * HOUR + 1, "2026-03-10T13:30:01+08:00");
}

static void
test_due_crosses_holiday (void)
{
  g_autoptr(BeaconCalendar) office = builtin ("cn-5x8");

  /* National Day: 1–7 October 2026 off */
  assert_due (office, "2026-09-30T17:00:00+08:00", 2 * HOUR, "2026-10-08T09:30:00+08:00");
  /* Mid-Autumn, Friday 25 September off, and Sunday 20 September a make-up day */
  assert_due (office, "2026-09-24T17:00:00+08:00", 2 * HOUR, "2026-09-28T09:30:00+08:00");
}

static void
test_due_make_up_day (void)
{
  g_autoptr(BeaconCalendar) office = builtin ("cn-5x8");
  g_autoptr(BeaconCalendar) plain = new_plain_shanghai_calendar ();

  /* Saturday 14 February 2026 works (调休), with Monday's hours */
  assert_due (office, "2026-02-13T17:30:00+08:00", 2 * HOUR, "2026-02-14T10:00:00+08:00");
  /* the same start without holiday data waits for Monday */
  assert_due (plain, "2026-02-13T17:30:00+08:00", 2 * HOUR, "2026-02-16T10:00:00+08:00");
  /* a whole make-up day, and on into Spring Festival, which ends on the 23rd */
  assert_due (office, "2026-02-14T08:30:00+08:00", 8 * HOUR, "2026-02-14T18:00:00+08:00");
  assert_due (office, "2026-02-14T08:30:00+08:00", 9 * HOUR, "2026-02-24T09:30:00+08:00");
}

static void
test_due_new_year_block (void)
{
  g_autoptr(BeaconCalendar) office = builtin ("cn-5x8");

  /* 2026-01-01..03 off, Sunday 2026-01-04 a make-up day, Monday normal again */
  assert_due (office, "2025-12-31T17:00:00+08:00", 1 * HOUR, "2025-12-31T18:00:00+08:00");
  assert_due (office, "2025-12-31T17:00:00+08:00", 2 * HOUR, "2026-01-04T09:30:00+08:00");
  assert_due (office, "2025-12-31T17:00:00+08:00", 8 * HOUR, "2026-01-04T17:00:00+08:00");
  assert_due (office, "2025-12-31T17:00:00+08:00", 9 * HOUR, "2026-01-04T18:00:00+08:00");
  assert_due (office, "2025-12-31T17:00:00+08:00", 10 * HOUR, "2026-01-05T09:30:00+08:00");
  assert_due (office, "2026-01-01T09:00:00+08:00", 1 * HOUR, "2026-01-04T09:30:00+08:00");

  g_assert_cmpint (beacon_calendar_elapsed (office, at ("2025-12-31T00:00:00+08:00"),
                                            at ("2026-01-06T00:00:00+08:00")), ==, 24 * HOUR);
  assert_next_working_day_end (office, "2025-12-31T10:00:00+08:00", 1,
                               "2026-01-04T18:00:00+08:00");
}

static void
test_due_no_monday_no_thursday (void)
{
  g_autoptr(BeaconCalendar) calendar =
    parse_calendar ("[Calendar]\nId=no-mon-thu\nTimeZone=Asia/Shanghai\n"
                    "Days=Tue,Wed,Fri-Sun\nHours=09:00-17:00\n");
  g_autofree char *monday = beacon_calendar_dup_hours (calendar, G_DATE_MONDAY);
  g_autofree char *thursday = beacon_calendar_dup_hours (calendar, G_DATE_THURSDAY);

  g_assert_cmpstr (monday, ==, "");
  g_assert_cmpstr (thursday, ==, "");

  /* Sunday 2026-03-08: one hour on Sunday, Monday skipped */
  assert_due (calendar, "2026-03-08T16:00:00+08:00", 2 * HOUR, "2026-03-10T10:00:00+08:00");
  /* a clock started on Monday waits for Tuesday */
  assert_due (calendar, "2026-03-09T10:00:00+08:00", 1 * HOUR, "2026-03-10T10:00:00+08:00");
  /* Wednesday into Friday over Thursday; the end of Friday stays on Friday */
  assert_due (calendar, "2026-03-11T16:00:00+08:00", 9 * HOUR, "2026-03-13T17:00:00+08:00");
  assert_due (calendar, "2026-03-11T16:00:00+08:00", 10 * HOUR, "2026-03-14T10:00:00+08:00");
  /* five working days a week, several weeks at once */
  assert_due (calendar, "2026-03-10T09:00:00+08:00", 3 * 40 * HOUR, "2026-03-29T17:00:00+08:00");

  g_assert_cmpint (beacon_calendar_elapsed (calendar, at ("2026-03-08T00:00:00+08:00"),
                                            at ("2026-03-15T00:00:00+08:00")), ==, 40 * HOUR);
  assert_next_working_day_end (calendar, "2026-03-11T10:00:00+08:00", 1,
                               "2026-03-13T17:00:00+08:00");
  assert_next_working_day_end (calendar, "2026-03-08T10:00:00+08:00", 1,
                               "2026-03-10T17:00:00+08:00");
}

static void
test_due_168_hours (void)
{
  g_autoptr(BeaconCalendar) always = builtin ("24x7");
  g_autoptr(BeaconCalendar) office = builtin ("cn-5x8");
  g_autoptr(BeaconCalendar) reachable = builtin ("cn-7x12");

  assert_due (always, "2026-03-02T10:00:00+08:00", 168 * HOUR, "2026-03-09T10:00:00+08:00");
  /* 21 office days of 8 hours */
  assert_due (office, "2026-03-02T08:30:00+08:00", 168 * HOUR, "2026-03-30T18:00:00+08:00");
  /* 14 days of 12 hours */
  assert_due (reachable, "2026-03-02T08:30:00+08:00", 168 * HOUR, "2026-03-15T20:30:00+08:00");
  /* over National Day, with the make-up Saturday 10 October */
  assert_due (office, "2026-09-28T10:00:00+08:00", 168 * HOUR, "2026-11-02T10:00:00+08:00");
}

static void
test_due_zero (void)
{
  g_autoptr(BeaconCalendar) office = builtin ("cn-5x8");

  /* zero is due at the start itself, even outside working time */
  assert_due (office, "2026-03-14T03:00:00+08:00", 0, "2026-03-14T03:00:00+08:00");
  assert_due (office, "2026-03-10T10:00:00+08:00", 0, "2026-03-10T10:00:00+08:00");
}

static void
test_due_24x7_constant (void)
{
  g_autoptr(BeaconCalendar) always = builtin ("24x7");
  g_autoptr(GError) error = NULL;
  gint64 start = at ("2026-03-29T01:30:00+01:00");
  gint64 ten_years = 3653 * DAY;
  gint64 due = 0;

  g_assert_true (beacon_calendar_due (always, start, ten_years, &due, &error));
  g_assert_no_error (error);
  g_assert_cmpint (due, ==, start + ten_years);
  g_assert_cmpint (beacon_calendar_elapsed (always, start, start + ten_years), ==, ten_years);
  assert_next_working_day_end (always, "2026-03-10T10:00:00Z", 1, "2026-03-12T00:00:00Z");
  g_assert_true (beacon_calendar_is_covered (always, start, start + ten_years));
}

static void
test_due_no_working_time (void)
{
  g_autoptr(BeaconCalendar) empty =
    parse_calendar ("[Calendar]\nId=never\nTimeZone=Asia/Shanghai\nDays=\n");
  /* make-up days borrow weekday hours; without any there is still nothing */
  g_autoptr(BeaconCalendar) only_make_up =
    parse_calendar ("[Calendar]\nId=make-up-only\nTimeZone=Asia/Shanghai\nDays=\n"
                    "WorkingDays=2026-04-11\n");
  g_autoptr(GError) error = NULL;
  gint64 due = 42;

  g_assert_false (beacon_calendar_due (empty, at ("2026-03-10T10:00:00+08:00"), HOUR, &due,
                                       &error));
  g_assert_error (error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "never"));
  g_assert_cmpint (due, ==, 42);
  g_clear_error (&error);

  g_assert_false (beacon_calendar_due (only_make_up, at ("2026-03-10T10:00:00+08:00"), HOUR,
                                       &due, &error));
  g_assert_error (error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_INVALID);
  g_clear_error (&error);

  g_assert_false (beacon_calendar_next_working_day_end (empty, at ("2026-03-10T10:00:00+08:00"),
                                                        1, &due, &error));
  g_assert_error (error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_INVALID);
  g_clear_error (&error);

  g_assert_cmpint (beacon_calendar_elapsed (empty, at ("2026-03-10T00:00:00+08:00"),
                                            at ("2026-04-10T00:00:00+08:00")), ==, 0);
}

/* Holidays every day for 22 years: the search gives up instead of running on. */
static void
test_due_gives_up (void)
{
  g_autoptr(GString) text = g_string_new ("[Calendar]\nId=always-off\nTimeZone=Asia/Shanghai\n"
                                          "Days=Mon-Fri\nHours=09:00-17:00\nHolidays=");
  g_autoptr(BeaconCalendar) calendar = NULL;
  g_autoptr(GError) error = NULL;
  gint64 due = 0;

  for (int year = 2026; year < 2048; year++)
    g_string_append_printf (text, "%d-01-01..%d-12-31;", year, year);
  g_string_append_c (text, '\n');
  calendar = parse_calendar (text->str);

  g_assert_false (beacon_calendar_due (calendar, at ("2026-03-10T10:00:00+08:00"), HOUR, &due,
                                       &error));
  g_assert_error (error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "20 years"));
  g_clear_error (&error);

  g_assert_false (beacon_calendar_next_working_day_end (calendar,
                                                        at ("2026-03-10T10:00:00+08:00"), 1,
                                                        &due, &error));
  g_assert_error (error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_INVALID);
}

/* ------------------------------------------------------------------------------------------ */
/* elapsed() and next_working_day_end()                                                        */

static void
test_elapsed_basic (void)
{
  g_autoptr(BeaconCalendar) office = builtin ("cn-5x8");

  g_assert_cmpint (beacon_calendar_elapsed (office, at ("2026-03-10T00:00:00+08:00"),
                                            at ("2026-03-11T00:00:00+08:00")), ==, 8 * HOUR);
  /* lunch and nights count nothing */
  g_assert_cmpint (beacon_calendar_elapsed (office, at ("2026-03-10T12:00:00+08:00"),
                                            at ("2026-03-10T13:30:00+08:00")), ==, 0);
  g_assert_cmpint (beacon_calendar_elapsed (office, at ("2026-03-10T11:00:00+08:00"),
                                            at ("2026-03-10T14:00:00+08:00")), ==, 90 * MINUTE);
  /* empty and reversed spans */
  g_assert_cmpint (beacon_calendar_elapsed (office, at ("2026-03-10T11:00:00+08:00"),
                                            at ("2026-03-10T11:00:00+08:00")), ==, 0);
  g_assert_cmpint (beacon_calendar_elapsed (office, at ("2026-03-11T11:00:00+08:00"),
                                            at ("2026-03-10T11:00:00+08:00")), ==, 0);
  /* a quiet month: 22 working days in March 2026 */
  g_assert_cmpint (beacon_calendar_elapsed (office, at ("2026-03-01T00:00:00+08:00"),
                                            at ("2026-04-01T00:00:00+08:00")), ==, 22 * 8 * HOUR);
  /* October 2026: 22 weekdays, five of them off in 1–7, and Saturday the 10th works */
  g_assert_cmpint (beacon_calendar_elapsed (office, at ("2026-10-01T00:00:00+08:00"),
                                            at ("2026-11-01T00:00:00+08:00")), ==, 18 * 8 * HOUR);
}

static void
test_elapsed_matches_oracle (void)
{
  const char *texts[] = { NULL, NULL, berlin_nights };
  const char *ids[] = { "cn-5x8", "cn-7x12", NULL };

  for (guint c = 0; c < G_N_ELEMENTS (texts); c++)
    {
      g_autoptr(BeaconCalendar) calendar = ids[c] ? builtin (ids[c]) : parse_calendar (texts[c]);
      gint64 first = at ("2025-12-20T00:00:00Z");
      gint64 last = at ("2026-12-31T00:00:00Z");

      for (int i = 0; i < 60; i++)
        {
          gint64 from = first + (gint64) g_test_rand_int_range (0, (last - first) / 60) * 60;
          gint64 to = from + (gint64) g_test_rand_int_range (0, 4 * 24 * 60) * 60;

          g_assert_cmpint (beacon_calendar_elapsed (calendar, from, to), ==,
                           oracle_elapsed (calendar, from, to));
        }
    }
}

/* Night hours in zones that change their clocks, around changes of 2026 */
static void
test_elapsed_matches_oracle_around_dst (void)
{
  static const struct { const char *zone; const char *change; } changes[] = {
    { "Europe/Berlin", "2026-03-29T00:00:00Z" },
    { "Europe/Berlin", "2026-10-25T00:00:00Z" },
    { "America/New_York", "2026-03-08T00:00:00Z" },
    { "America/New_York", "2026-11-01T00:00:00Z" },
    { "Australia/Sydney", "2026-04-05T00:00:00Z" },
    { "Australia/Sydney", "2026-10-04T00:00:00Z" },
    { "Australia/Lord_Howe", "2026-04-05T00:00:00Z" },
    /* changes at midnight: the day starts at 01:00, or 23:00 comes twice */
    { "America/Santiago", "2026-04-05T00:00:00Z" },
    { "America/Santiago", "2026-09-06T00:00:00Z" },
    { "Asia/Beirut", "2026-03-29T00:00:00Z" },
    { "Asia/Beirut", "2026-10-25T00:00:00Z" },
    { "America/Havana", "2026-11-01T00:00:00Z" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (changes); i++)
    {
      g_autofree char *text =
        g_strdup_printf ("[Calendar]\nId=nights\nTimeZone=%s\nDays=Mon-Sun\n"
                         "Hours=00:00-06:00,07:15-07:45,22:00-24:00\n", changes[i].zone);
      g_autoptr(BeaconCalendar) calendar = parse_calendar (text);
      gint64 first = at (changes[i].change) - 2 * DAY;

      for (int j = 0; j < 25; j++)
        {
          gint64 from = first + (gint64) g_test_rand_int_range (0, 2 * 24 * 60) * 60;
          gint64 to = from + (gint64) g_test_rand_int_range (0, 3 * 24 * 60) * 60;

          g_assert_cmpint (beacon_calendar_elapsed (calendar, from, to), ==,
                           oracle_elapsed (calendar, from, to));
          if (to > from)
            check_round_trip (calendar, from, oracle_elapsed (calendar, from, to));
        }
    }
}

static void
test_next_working_day_end (void)
{
  g_autoptr(BeaconCalendar) office = builtin ("cn-5x8");
  g_autoptr(BeaconCalendar) reachable = builtin ("cn-7x12");

  /* Friday → the make-up Sunday */
  assert_next_working_day_end (office, "2026-09-18T15:00:00+08:00", 1,
                               "2026-09-20T18:00:00+08:00");
  assert_next_working_day_end (office, "2026-09-18T15:00:00+08:00", 2,
                               "2026-09-21T18:00:00+08:00");
  /* strictly after the date: late on a working day still means tomorrow */
  assert_next_working_day_end (office, "2026-03-10T23:59:59+08:00", 1,
                               "2026-03-11T18:00:00+08:00");
  assert_next_working_day_end (office, "2026-03-10T00:00:00+08:00", 1,
                               "2026-03-11T18:00:00+08:00");
  /* over National Day */
  assert_next_working_day_end (office, "2026-09-30T10:00:00+08:00", 1,
                               "2026-10-08T18:00:00+08:00");
  /* 10 working days: whole weeks at once */
  assert_next_working_day_end (office, "2026-03-06T10:00:00+08:00", 10,
                               "2026-03-20T18:00:00+08:00");
  assert_next_working_day_end (reachable, "2026-03-10T23:00:00+08:00", 1,
                               "2026-03-11T20:30:00+08:00");
}

/* ------------------------------------------------------------------------------------------ */
/* Daylight-saving time in Europe/Berlin                                                       */

static void
test_dst_spring (void)
{
  g_autoptr(BeaconCalendar) nights = parse_calendar (berlin_nights);

  /* 2026-03-29: 02:00 CET becomes 03:00 CEST, so the 00:00–06:00 range lasts 5 hours */
  g_assert_cmpint (beacon_calendar_elapsed (nights, at ("2026-03-29T00:00:00+01:00"),
                                            at ("2026-03-29T12:00:00+02:00")), ==, 5 * HOUR);
  g_assert_cmpint (beacon_calendar_elapsed (nights, at ("2026-03-28T12:00:00+01:00"),
                                            at ("2026-03-29T12:00:00+02:00")), ==, 7 * HOUR);
  g_assert_cmpint (beacon_calendar_elapsed (nights, at ("2026-03-29T00:00:00+01:00"),
                                            at ("2026-03-30T00:00:00+02:00")), ==, 7 * HOUR);
  /* an ordinary day has 8 working hours */
  g_assert_cmpint (beacon_calendar_elapsed (nights, at ("2026-03-30T00:00:00+02:00"),
                                            at ("2026-03-31T00:00:00+02:00")), ==, 8 * HOUR);

  /* one hour on Saturday night, then 00:00 CET to 06:00 CEST is five */
  assert_due (nights, "2026-03-28T23:00:00+01:00", 6 * HOUR, "2026-03-29T06:00:00+02:00");
  /* 01:00–02:00 CET, then 03:00–04:00 CEST */
  assert_due (nights, "2026-03-29T01:00:00+01:00", 2 * HOUR, "2026-03-29T04:00:00+02:00");
  /* four hours that night, two more from 22:00 CEST to midnight */
  assert_due (nights, "2026-03-29T01:00:00+01:00", 6 * HOUR, "2026-03-30T00:00:00+02:00");
}

static void
test_dst_autumn (void)
{
  g_autoptr(BeaconCalendar) nights = parse_calendar (berlin_nights);

  /* 2026-10-25: 03:00 CEST becomes 02:00 CET, so the 00:00–06:00 range lasts 7 hours */
  g_assert_cmpint (beacon_calendar_elapsed (nights, at ("2026-10-25T00:00:00+02:00"),
                                            at ("2026-10-25T12:00:00+01:00")), ==, 7 * HOUR);
  g_assert_cmpint (beacon_calendar_elapsed (nights, at ("2026-10-24T12:00:00+02:00"),
                                            at ("2026-10-25T12:00:00+01:00")), ==, 9 * HOUR);
  g_assert_cmpint (beacon_calendar_elapsed (nights, at ("2026-10-25T00:00:00+02:00"),
                                            at ("2026-10-26T00:00:00+01:00")), ==, 9 * HOUR);

  /* five hours from midnight CEST end at 04:00 CET, not 05:00 */
  assert_due (nights, "2026-10-25T00:00:00+02:00", 5 * HOUR, "2026-10-25T04:00:00+01:00");
  /* started in the repeated hour (second 02:30) */
  assert_due (nights, "2026-10-25T02:30:00+01:00", 1 * HOUR, "2026-10-25T03:30:00+01:00");
  /* seven hours fill the night; the eighth starts at 22:00 CET */
  assert_due (nights, "2026-10-25T00:00:00+02:00", 7 * HOUR, "2026-10-25T06:00:00+01:00");
  assert_due (nights, "2026-10-25T00:00:00+02:00", 8 * HOUR, "2026-10-25T23:00:00+01:00");
}

static void
test_dst_nonexistent_range_start (void)
{
  g_autoptr(BeaconCalendar) early =
    parse_calendar ("[Calendar]\nId=early\nTimeZone=Europe/Berlin\nDays=Mon-Sun\n"
                    "Hours=02:00-04:00\n");
  g_autoptr(BeaconCalendar) short_range =
    parse_calendar ("[Calendar]\nId=short\nTimeZone=Europe/Berlin\nDays=Mon-Sun\n"
                    "Hours=02:00-02:30,05:00-06:00\n");

  /* 02:00 does not exist on 2026-03-29: the range starts when the clock jumps to 03:00 */
  g_assert_cmpint (beacon_calendar_elapsed (early, at ("2026-03-29T00:00:00+01:00"),
                                            at ("2026-03-29T12:00:00+02:00")), ==, 1 * HOUR);
  assert_due (early, "2026-03-29T00:00:00+01:00", 30 * MINUTE, "2026-03-29T03:30:00+02:00");
  /* a range entirely in the gap vanishes that night */
  g_assert_cmpint (beacon_calendar_elapsed (short_range, at ("2026-03-29T00:00:00+01:00"),
                                            at ("2026-03-29T12:00:00+02:00")), ==, 1 * HOUR);
  assert_due (short_range, "2026-03-29T00:00:00+01:00", 30 * MINUTE, "2026-03-29T05:30:00+02:00");
  /* 02:00 happens twice on 2026-10-25: the range starts at the first */
  g_assert_cmpint (beacon_calendar_elapsed (early, at ("2026-10-25T00:00:00+02:00"),
                                            at ("2026-10-25T12:00:00+01:00")), ==, 3 * HOUR);
}

/* ------------------------------------------------------------------------------------------ */
/* Properties                                                                                  */

static void
check_round_trip (const BeaconCalendar *calendar,
                  gint64                start,
                  gint64                duration)
{
  g_autoptr(GError) error = NULL;
  gint64 due = 0;

  g_assert_true (beacon_calendar_due (calendar, start, duration, &due, &error));
  g_assert_no_error (error);
  g_assert_cmpint (due, >=, start);

  if (beacon_calendar_elapsed (calendar, start, due) != duration ||
      (duration > 0 && beacon_calendar_elapsed (calendar, start, due - 1) >= duration))
    {
      g_autofree char *start_text = format_in (calendar, start);
      g_autofree char *due_text = format_in (calendar, due);
      g_test_message ("%s: start %s, duration %" G_GINT64_FORMAT ", due %s",
                      beacon_calendar_get_id (calendar), start_text, duration, due_text);
    }

  g_assert_cmpint (beacon_calendar_elapsed (calendar, start, due), ==, duration);
  if (duration > 0)
    g_assert_cmpint (beacon_calendar_elapsed (calendar, start, due - 1), <, duration);
}

static void
test_property_round_trip (void)
{
  const char *ids[] = { "24x7", "cn-5x8", "cn-7x12", NULL };
  gint64 first = at ("2024-12-01T00:00:00Z");
  gint64 last = at ("2027-06-30T00:00:00Z");

  for (guint c = 0; c < G_N_ELEMENTS (ids); c++)
    {
      g_autoptr(BeaconCalendar) calendar =
        ids[c] ? builtin (ids[c]) : parse_calendar (berlin_nights);

      for (int i = 0; i < 3000; i++)
        {
          gint64 start = first + g_test_rand_int_range (0, (last - first) / 60) * MINUTE;
          gint64 duration;

          switch (i % 4)
            {
            case 0: /* any second, up to a day */
              start += g_test_rand_int_range (0, 60);
              duration = g_test_rand_int_range (0, DAY);
              break;
            case 1: /* whole minutes, up to 30 days */
              duration = g_test_rand_int_range (0, 30 * 24 * 60) * MINUTE;
              break;
            case 2: /* whole hours, up to 400 */
              duration = g_test_rand_int_range (0, 400) * HOUR;
              break;
            default: /* short targets */
              duration = g_test_rand_int_range (1, 121) * MINUTE;
              break;
            }

          check_round_trip (calendar, start, duration);
        }
    }
}

/* elapsed (a, c) = elapsed (a, b) + elapsed (b, c) */
static void
test_property_additive (void)
{
  const char *ids[] = { "cn-5x8", "cn-7x12", NULL };
  gint64 first = at ("2025-01-01T00:00:00Z");

  for (guint c = 0; c < G_N_ELEMENTS (ids); c++)
    {
      g_autoptr(BeaconCalendar) calendar =
        ids[c] ? builtin (ids[c]) : parse_calendar (berlin_nights);

      for (int i = 0; i < 2000; i++)
        {
          gint64 a = first + g_test_rand_int_range (0, 2 * 366) * DAY +
                     g_test_rand_int_range (0, DAY);
          gint64 b = a + g_test_rand_int_range (0, 40 * DAY);
          gint64 c2 = b + g_test_rand_int_range (0, 40 * DAY);

          g_assert_cmpint (beacon_calendar_elapsed (calendar, a, c2), ==,
                           beacon_calendar_elapsed (calendar, a, b) +
                           beacon_calendar_elapsed (calendar, b, c2));
        }
    }
}

/* ------------------------------------------------------------------------------------------ */
/* Key files                                                                                   */

static const char berlin_office[] =
  "[Calendar]\n"
  "Id=berlin-office\n"
  "Name=Berlin office\n"
  "TimeZone=Europe/Berlin\n"
  "Days=Mon-Fri\n"
  "Hours=09:00-12:00,13:00-17:00\n"
  "Holidays=2026-04-03;2026-12-24..2026-12-26\n"
  "WorkingDays=2026-04-11\n";

static void
test_keyfile_parse (void)
{
  g_autoptr(BeaconCalendar) calendar = parse_calendar (berlin_office);
  g_autofree char *monday = beacon_calendar_dup_hours (calendar, G_DATE_MONDAY);
  g_autofree char *friday = beacon_calendar_dup_hours (calendar, G_DATE_FRIDAY);
  g_autofree char *saturday = beacon_calendar_dup_hours (calendar, G_DATE_SATURDAY);
  g_autofree char *holidays = holidays_text (calendar);
  g_autofree char *working_days = working_days_text (calendar);
  g_autofree char *years = covered_years_text (calendar);

  g_assert_cmpstr (beacon_calendar_get_id (calendar), ==, "berlin-office");
  g_assert_cmpstr (beacon_calendar_get_name (calendar), ==, "Berlin office");
  g_assert_cmpstr (beacon_calendar_get_timezone_id (calendar), ==, "Europe/Berlin");
  g_assert_cmpstr (monday, ==, "09:00-12:00,13:00-17:00");
  g_assert_cmpstr (friday, ==, "09:00-12:00,13:00-17:00");
  g_assert_cmpstr (saturday, ==, "");
  g_assert_cmpstr (holidays, ==, "2026-04-03 2026-12-24 2026-12-25 2026-12-26");
  g_assert_cmpstr (working_days, ==, "2026-04-11");
  g_assert_cmpstr (years, ==, "2026");

  /* Good Friday off; the make-up Saturday works Monday's hours */
  assert_due (calendar, "2026-04-02T16:00:00+02:00", 2 * HOUR, "2026-04-06T10:00:00+02:00");
  assert_due (calendar, "2026-04-10T16:00:00+02:00", 2 * HOUR, "2026-04-11T10:00:00+02:00");
}

static void
test_keyfile_syntax (void)
{
  /* lists, wrapping ranges, 24:00, spaces, long names, merged adjacent ranges */
  g_autoptr(BeaconCalendar) calendar =
    parse_calendar ("[Calendar]\nId=odd\nTimeZone=Asia/Shanghai\n"
                    "Days=Mon, Wed ,Fri-Sun\nHours=22:00-24:00; 08:00-12:00,12:00-13:00\n"
                    "Hours-Sunday=\n");
  g_autofree char *monday = beacon_calendar_dup_hours (calendar, G_DATE_MONDAY);
  g_autofree char *tuesday = beacon_calendar_dup_hours (calendar, G_DATE_TUESDAY);
  g_autofree char *saturday = beacon_calendar_dup_hours (calendar, G_DATE_SATURDAY);
  g_autofree char *sunday = beacon_calendar_dup_hours (calendar, G_DATE_SUNDAY);

  g_assert_cmpstr (monday, ==, "08:00-13:00,22:00-24:00");
  g_assert_cmpstr (tuesday, ==, "");
  g_assert_cmpstr (saturday, ==, "08:00-13:00,22:00-24:00");
  g_assert_cmpstr (sunday, ==, "");
  g_assert_cmpstr (beacon_calendar_get_name (calendar), ==, "odd");
  g_assert_false (beacon_calendar_has_holiday_data (calendar));
}

static void
test_keyfile_per_weekday_hours (void)
{
  g_autoptr(BeaconCalendar) calendar =
    parse_calendar ("[Calendar]\nId=shop\nTimeZone=Asia/Shanghai\nDays=Tue-Fri\n"
                    "Hours=10:00-16:00\nHours-Fri=10:00-14:00\nHours-Sat=09:00-12:00\n"
                    "WorkingDays=2026-03-08\n");
  g_autofree char *friday = beacon_calendar_dup_hours (calendar, G_DATE_FRIDAY);
  g_autofree char *saturday = beacon_calendar_dup_hours (calendar, G_DATE_SATURDAY);
  g_autofree char *text = beacon_calendar_to_keyfile_data (calendar);
  g_autoptr(BeaconCalendar) again = parse_calendar (text);
  g_autofree char *text_again = beacon_calendar_to_keyfile_data (again);

  g_assert_cmpstr (friday, ==, "10:00-14:00");
  g_assert_cmpstr (saturday, ==, "09:00-12:00");

  /* the make-up Sunday works the first weekday with hours: Tuesday's 10:00–16:00 */
  assert_due (calendar, "2026-03-07T11:00:00+08:00", 2 * HOUR, "2026-03-08T11:00:00+08:00");
  assert_due (calendar, "2026-03-08T08:00:00+08:00", 6 * HOUR, "2026-03-08T16:00:00+08:00");
  assert_due (calendar, "2026-03-13T13:00:00+08:00", 2 * HOUR, "2026-03-14T10:00:00+08:00");

  g_assert_nonnull (strstr (text, "Days=Tue-Thu\n"));
  g_assert_nonnull (strstr (text, "Hours-Fri=10:00-14:00\n"));
  g_assert_nonnull (strstr (text, "Hours-Sat=09:00-12:00\n"));
  g_assert_cmpstr (text, ==, text_again);
}

static void
test_keyfile_round_trip (void)
{
  const char * const *ids = beacon_calendar_get_builtin_ids ();
  g_autoptr(BeaconCalendar) berlin = parse_calendar (berlin_office);
  g_autofree char *berlin_text = beacon_calendar_to_keyfile_data (berlin);
  g_autoptr(BeaconCalendar) berlin_again = parse_calendar (berlin_text);
  g_autofree char *berlin_text_again = beacon_calendar_to_keyfile_data (berlin_again);

  g_assert_cmpstr (berlin_text, ==, berlin_text_again);
  g_assert_nonnull (strstr (berlin_text, "Holidays=2026-04-03;2026-12-24..2026-12-26\n"));
  g_assert_nonnull (strstr (berlin_text, "WorkingDays=2026-04-11\n"));

  for (guint i = 0; ids[i] != NULL; i++)
    {
      g_autoptr(BeaconCalendar) calendar = builtin (ids[i]);
      g_autofree char *text = beacon_calendar_to_keyfile_data (calendar);
      g_autoptr(BeaconCalendar) again = parse_calendar (text);
      g_autofree char *text_again = beacon_calendar_to_keyfile_data (again);
      g_autofree char *holidays = holidays_text (calendar);
      g_autofree char *holidays_again = holidays_text (again);
      g_autofree char *years = covered_years_text (calendar);
      g_autofree char *years_again = covered_years_text (again);
      gint64 start = at ("2026-09-30T17:00:00+08:00");
      gint64 due = 0, due_again = 0;

      g_assert_cmpstr (text, ==, text_again);
      g_assert_cmpstr (holidays, ==, holidays_again);
      g_assert_cmpstr (years, ==, years_again);
      g_assert_true (beacon_calendar_due (calendar, start, 30 * HOUR, &due, NULL));
      g_assert_true (beacon_calendar_due (again, start, 30 * HOUR, &due_again, NULL));
      g_assert_cmpint (due, ==, due_again);
    }
}

typedef struct
{
  const char *text;
  const char *key;      /* must appear in the message */
  const char *bad_text; /* must appear in the message */
} BadKeyfile;

static void
test_keyfile_errors (void)
{
  static const BadKeyfile cases[] = {
    { "[Calendar]\nTimeZone=Asia/Shanghai\nDays=Mon-Fri\nHours=09:00-17:00\n", "Id", NULL },
    { "[Calendar]\nId=bad id\nTimeZone=Asia/Shanghai\nDays=Mon\nHours=09:00-17:00\n",
      "Id", "bad id" },
    { "[Calendar]\nId=x\nDays=Mon-Fri\nHours=09:00-17:00\n", "TimeZone", NULL },
    { "[Calendar]\nId=x\nTimeZone=Mars/Olympus_Mons\nDays=Mon-Fri\nHours=09:00-17:00\n",
      "TimeZone", "Mars/Olympus_Mons" },
    { "[Calendar]\nId=x\nTimeZone=Asia/Shanghai\nHours=09:00-17:00\n", "Days", NULL },
    { "[Calendar]\nId=x\nTimeZone=Asia/Shanghai\nDays=Mon-Fry\nHours=09:00-17:00\n",
      "Days", "Fry" },
    { "[Calendar]\nId=x\nTimeZone=Asia/Shanghai\nDays=Mon-Fri\n", "Hours", NULL },
    { "[Calendar]\nId=x\nTimeZone=Asia/Shanghai\nDays=Mon-Fri\nHours=9-17\n", "Hours", "9-17" },
    { "[Calendar]\nId=x\nTimeZone=Asia/Shanghai\nDays=Mon-Fri\nHours=09:00-25:00\n",
      "Hours", "25:00" },
    { "[Calendar]\nId=x\nTimeZone=Asia/Shanghai\nDays=Mon-Fri\nHours=09:60-17:00\n",
      "Hours", "09:60" },
    { "[Calendar]\nId=x\nTimeZone=Asia/Shanghai\nDays=Mon-Fri\nHours=22:00-06:00\n",
      "Hours", "22:00-06:00" },
    { "[Calendar]\nId=x\nTimeZone=Asia/Shanghai\nDays=Mon-Fri\nHours=09:00-13:00,12:00-17:00\n",
      "Hours", "overlap" },
    { "[Calendar]\nId=x\nTimeZone=Asia/Shanghai\nDays=Mon-Fri\nHours=09:00-17:00\n"
      "Hours-Funday=10:00-12:00\n", "Hours-Funday", NULL },
    { "[Calendar]\nId=x\nTimeZone=Asia/Shanghai\nDays=Mon-Fri\nHours=09:00-17:00\n"
      "Hours-Sat=10-12\n", "Hours-Sat", "10-12" },
    { "[Calendar]\nId=x\nTimeZone=Asia/Shanghai\nDays=Mon-Fri\nHours=09:00-17:00\n"
      "Holidays=2026-02-30\n", "Holidays", "2026-02-30" },
    { "[Calendar]\nId=x\nTimeZone=Asia/Shanghai\nDays=Mon-Fri\nHours=09:00-17:00\n"
      "Holidays=2026-12-26..2026-12-24\n", "Holidays", "2026-12-26..2026-12-24" },
    { "[Calendar]\nId=x\nTimeZone=Asia/Shanghai\nDays=Mon-Fri\nHours=09:00-17:00\n"
      "Holidays=2026-1-1\n", "Holidays", "2026-1-1" },
    { "[Calendar]\nId=x\nTimeZone=Asia/Shanghai\nDays=Mon-Fri\nHours=09:00-17:00\n"
      "WorkingDays=2026-04-11;tomorrow\n", "WorkingDays", "tomorrow" },
    { "[Calendar]\nId=x\nTimeZone=Asia/Shanghai\nDays=Mon-Fri\nHours=09:00-17:00\n"
      "Holidays=2026-04-11\nWorkingDays=2026-04-11\n", "WorkingDays", "2026-04-11" },
    { "[Calendar]\nId=x\nTimeZone=Asia/Shanghai\nDays=Mon-Fri\nHours=09:00-17:00\n"
      "HolidayYears=20x6\n", "HolidayYears", "20x6" },
    { "[Office]\nId=x\n", "[Calendar]", NULL },
    { "this is not a key file\n", "key file", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(BeaconCalendar) calendar =
        beacon_calendar_new_from_keyfile_data (cases[i].text, &error);

      g_test_message ("case %u: %s", i, error ? error->message : "(no error)");
      g_assert_null (calendar);
      g_assert_error (error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_INVALID);
      g_assert_nonnull (strstr (error->message, cases[i].key));
      if (cases[i].bad_text != NULL)
        g_assert_nonnull (strstr (error->message, cases[i].bad_text));
    }
}

static void
test_keyfile_load_file (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("beacon-calendar-XXXXXX", &error);
  g_autofree char *good = NULL;
  g_autofree char *bad = NULL;
  g_autofree char *missing = NULL;
  g_autoptr(BeaconCalendar) calendar = NULL;

  g_assert_no_error (error);
  good = g_build_filename (dir, "berlin.calendar", NULL);
  bad = g_build_filename (dir, "bad.calendar", NULL);
  missing = g_build_filename (dir, "missing.calendar", NULL);

  g_assert_true (g_file_set_contents (good, berlin_office, -1, NULL));
  g_assert_true (g_file_set_contents (bad, "[Calendar]\nId=x\nTimeZone=Asia/Shanghai\n"
                                      "Days=Mon-Fri\nHours=09:00-17:00\nHolidays=2026-13-01\n",
                                      -1, NULL));

  calendar = beacon_calendar_load_file (good, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (beacon_calendar_get_id (calendar), ==, "berlin-office");
  g_clear_pointer (&calendar, beacon_calendar_free);

  calendar = beacon_calendar_load_file (bad, &error);
  g_assert_null (calendar);
  g_assert_error (error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, bad));
  g_assert_nonnull (strstr (error->message, "Holidays"));
  g_assert_nonnull (strstr (error->message, "2026-13-01"));
  g_clear_error (&error);

  calendar = beacon_calendar_load_file (missing, &error);
  g_assert_null (calendar);
  g_assert_error (error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, missing));
  g_clear_error (&error);

  g_unlink (good);
  g_unlink (bad);
  g_rmdir (dir);
}

static void
test_calendar_edit (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BeaconCalendar) calendar = beacon_calendar_new ("edit", NULL, "Asia/Shanghai", &error);
  g_autoptr(BeaconCalendar) copy = NULL;
  GDate date;

  g_assert_no_error (error);
  g_assert_true (beacon_calendar_set_hours (calendar, G_DATE_MONDAY, "09:00-17:00", &error));
  g_assert_no_error (error);
  g_assert_false (beacon_calendar_set_hours (calendar, G_DATE_TUESDAY, "17:00-09:00", &error));
  g_assert_error (error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "Hours-Tue"));
  g_clear_error (&error);

  g_date_clear (&date, 1);
  g_date_set_dmy (&date, 9, G_DATE_MARCH, 2026);
  beacon_calendar_set_day_kind (calendar, &date, BEACON_CALENDAR_DAY_HOLIDAY);
  g_assert_cmpint (beacon_calendar_get_day_kind (calendar, &date), ==, BEACON_CALENDAR_DAY_HOLIDAY);

  copy = beacon_calendar_copy (calendar);
  beacon_calendar_set_day_kind (calendar, &date, BEACON_CALENDAR_DAY_NORMAL);
  g_assert_cmpint (beacon_calendar_get_day_kind (calendar, &date), ==, BEACON_CALENDAR_DAY_NORMAL);
  g_assert_cmpint (beacon_calendar_get_day_kind (copy, &date), ==, BEACON_CALENDAR_DAY_HOLIDAY);

  /* Monday 9 March off in the copy: the hour is due a week later */
  assert_due (calendar, "2026-03-09T08:00:00+08:00", HOUR, "2026-03-09T10:00:00+08:00");
  assert_due (copy, "2026-03-09T08:00:00+08:00", HOUR, "2026-03-16T10:00:00+08:00");

  g_assert_null (beacon_calendar_new ("edit", NULL, "Nowhere/Town", &error));
  g_assert_error (error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_INVALID);
}

/* ------------------------------------------------------------------------------------------ */
/* iCalendar                                                                                   */

static void
check_ics_import_matches_json (const char *year)
{
  g_autofree char *ics_name = g_strdup_printf ("%s.ics", year);
  g_autofree char *ics_path = shared_data_path (ics_name);
  g_autoptr(BeaconCalendar) calendar = new_plain_shanghai_calendar ();
  g_autoptr(GString) holidays = g_string_new (NULL);
  g_autoptr(GString) working_days = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *actual_holidays = NULL;
  g_autofree char *actual_working_days = NULL;
  g_autofree char *years = NULL;

  if (ics_path == NULL || !read_holiday_json (year, holidays, working_days))
    {
      g_test_skip ("BEACON_SHARED_DIR is not set");
      return;
    }

  g_assert_true (beacon_calendar_import_ics (calendar, ics_path, &error));
  g_assert_no_error (error);

  actual_holidays = holidays_text (calendar);
  actual_working_days = working_days_text (calendar);
  years = covered_years_text (calendar);
  g_assert_cmpstr (actual_holidays, ==, holidays->str);
  g_assert_cmpstr (actual_working_days, ==, working_days->str);
  g_assert_cmpstr (years, ==, year);
}

static void
test_ics_import_2025 (void)
{
  check_ics_import_matches_json ("2025");
}

static void
test_ics_import_2026 (void)
{
  check_ics_import_matches_json ("2026");
}

static void
test_ics_reimport (void)
{
  g_autofree char *path = shared_data_path ("2026.ics");
  g_autoptr(BeaconCalendar) calendar = new_plain_shanghai_calendar ();
  g_autoptr(BeaconCalendar) office = builtin ("cn-5x8");
  g_autoptr(GError) error = NULL;
  g_autofree char *once = NULL;
  g_autofree char *twice = NULL;
  g_autofree char *builtin_before = NULL;
  g_autofree char *builtin_after = NULL;
  g_autofree char *corrected = NULL;
  static const char correction[] =
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n"
    "BEGIN:VEVENT\r\nUID:fix-1\r\nDTSTAMP:20260101T000000Z\r\nSUMMARY:国庆节假期\r\n"
    "DTSTART;VALUE=DATE:20261001\r\nDTEND;VALUE=DATE:20261009\r\nEND:VEVENT\r\n"
    "END:VCALENDAR\r\n";

  if (path == NULL)
    {
      g_test_skip ("BEACON_SHARED_DIR is not set");
      return;
    }

  g_assert_true (beacon_calendar_import_ics (calendar, path, &error));
  g_assert_no_error (error);
  once = beacon_calendar_to_keyfile_data (calendar);
  g_assert_true (beacon_calendar_import_ics (calendar, path, &error));
  g_assert_no_error (error);
  twice = beacon_calendar_to_keyfile_data (calendar);
  g_assert_cmpstr (once, ==, twice);

  /* the built-in data already holds 2026: importing it again changes nothing */
  builtin_before = beacon_calendar_to_keyfile_data (office);
  g_assert_true (beacon_calendar_import_ics (office, path, &error));
  g_assert_no_error (error);
  builtin_after = beacon_calendar_to_keyfile_data (office);
  g_assert_cmpstr (builtin_before, ==, builtin_after);

  /* a correction replaces its own span (1–8 October) and nothing around it */
  g_assert_true (beacon_calendar_import_ics (calendar, correction, &error));
  g_assert_no_error (error);
  corrected = holidays_text (calendar);
  g_assert_nonnull (strstr (corrected, "2026-09-27 2026-10-01 2026-10-02 2026-10-03 2026-10-04 "
                                       "2026-10-05 2026-10-06 2026-10-07 2026-10-08"));
  {
    g_autofree char *working = working_days_text (calendar);
    g_assert_nonnull (strstr (working, "2026-10-10"));
  }
}

static void
test_ics_export_round_trip (void)
{
  g_autoptr(BeaconCalendar) office = builtin ("cn-5x8");
  g_autoptr(BeaconCalendar) berlin = parse_calendar (berlin_office);
  BeaconCalendar *sources[] = { office, berlin };

  for (guint i = 0; i < G_N_ELEMENTS (sources); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *ics = beacon_calendar_export_ics (sources[i], &error);
      g_autoptr(BeaconCalendar) target = new_plain_shanghai_calendar ();
      g_autofree char *holidays = holidays_text (sources[i]);
      g_autofree char *holidays_again = NULL;
      g_autofree char *working = working_days_text (sources[i]);
      g_autofree char *working_again = NULL;
      g_autofree char *years = covered_years_text (sources[i]);
      g_autofree char *years_again = NULL;
      g_autofree char *ics_again = NULL;

      g_assert_no_error (error);
      g_assert_nonnull (strstr (ics, "BEGIN:VCALENDAR"));
      g_assert_nonnull (strstr (ics, "DTSTART;VALUE=DATE:"));
      g_assert_nonnull (strstr (ics, "X-BEACON-WORKDAY:TRUE"));

      g_assert_true (beacon_calendar_import_ics (target, ics, &error));
      g_assert_no_error (error);

      holidays_again = holidays_text (target);
      working_again = working_days_text (target);
      years_again = covered_years_text (target);
      g_assert_cmpstr (holidays, ==, holidays_again);
      g_assert_cmpstr (working, ==, working_again);
      g_assert_cmpstr (years, ==, years_again);

      /* the same data exports to the same text */
      ics_again = beacon_calendar_export_ics (sources[i], NULL);
      g_assert_cmpstr (ics, ==, ics_again);
    }

  /* National Day 2026 is one event, DTEND exclusive */
  {
    g_autofree char *ics = beacon_calendar_export_ics (office, NULL);
    g_assert_nonnull (strstr (ics, "DTSTART;VALUE=DATE:20261001\r\nDTEND;VALUE=DATE:20261008"));
  }
}

static void
test_ics_event_rules (void)
{
  g_autoptr(BeaconCalendar) calendar = new_plain_shanghai_calendar ();
  g_autoptr(GError) error = NULL;
  g_autofree char *holidays = NULL;
  g_autofree char *working = NULL;
  g_autofree char *years = NULL;
  static const char data[] =
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n"
    /* three days: DTEND is exclusive */
    "BEGIN:VEVENT\r\nUID:a\r\nDTSTAMP:20260101T000000Z\r\nSUMMARY:Christmas\r\n"
    "DTSTART;VALUE=DATE:20271224\r\nDTEND;VALUE=DATE:20271227\r\nEND:VEVENT\r\n"
    /* no DTEND: one day */
    "BEGIN:VEVENT\r\nUID:b\r\nDTSTAMP:20260101T000000Z\r\nSUMMARY:Founders' day\r\n"
    "DTSTART;VALUE=DATE:20270301\r\nEND:VEVENT\r\n"
    /* 补班 in the summary */
    "BEGIN:VEVENT\r\nUID:c\r\nDTSTAMP:20260101T000000Z\r\nSUMMARY:补班\r\n"
    "DTSTART;VALUE=DATE:20270306\r\nDTEND;VALUE=DATE:20270307\r\nEND:VEVENT\r\n"
    /* the marker, whatever the summary says */
    "BEGIN:VEVENT\r\nUID:d\r\nDTSTAMP:20260101T000000Z\r\nSUMMARY:Stocktaking\r\n"
    "X-BEACON-WORKDAY:TRUE\r\n"
    "DTSTART;VALUE=DATE:20270313\r\nDTEND;VALUE=DATE:20270315\r\nEND:VEVENT\r\n"
    /* a meeting with a time of day says nothing about whole days */
    "BEGIN:VEVENT\r\nUID:e\r\nDTSTAMP:20260101T000000Z\r\nSUMMARY:Meeting\r\n"
    "DTSTART:20270401T090000Z\r\nDTEND:20270401T100000Z\r\nEND:VEVENT\r\n"
    "END:VCALENDAR\r\n";

  g_assert_true (beacon_calendar_import_ics (calendar, data, &error));
  g_assert_no_error (error);

  holidays = holidays_text (calendar);
  working = working_days_text (calendar);
  years = covered_years_text (calendar);
  g_assert_cmpstr (holidays, ==, "2027-03-01 2027-12-24 2027-12-25 2027-12-26");
  g_assert_cmpstr (working, ==, "2027-03-06 2027-03-13 2027-03-14");
  g_assert_cmpstr (years, ==, "2027");
}

static void
test_ics_errors (void)
{
  g_autoptr(BeaconCalendar) calendar = new_plain_shanghai_calendar ();
  g_autoptr(GError) error = NULL;
  g_autofree char *before = beacon_calendar_to_keyfile_data (calendar);
  g_autofree char *after = NULL;

  g_assert_false (beacon_calendar_import_ics (calendar, "/nonexistent/holidays.ics", &error));
  g_assert_error (error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "/nonexistent/holidays.ics"));
  g_clear_error (&error);

  g_assert_false (beacon_calendar_import_ics (calendar,
                                              "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n",
                                              &error));
  g_assert_error (error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "all-day"));
  g_clear_error (&error);

  g_assert_false (beacon_calendar_import_ics (calendar,
                                              "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:x\r\n"
                                              "SUMMARY:Backwards\r\n"
                                              "DTSTART;VALUE=DATE:20260510\r\n"
                                              "DTEND;VALUE=DATE:20260501\r\n"
                                              "END:VEVENT\r\nEND:VCALENDAR\r\n",
                                              &error));
  g_assert_error (error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "Backwards"));
  g_clear_error (&error);

  /* failed imports change nothing */
  after = beacon_calendar_to_keyfile_data (calendar);
  g_assert_cmpstr (before, ==, after);
}

/* ------------------------------------------------------------------------------------------ */
/* Coverage                                                                                    */

static void
test_coverage_builtin (void)
{
  g_autoptr(BeaconCalendar) office = builtin ("cn-5x8");
  g_autofree char *warning_october = NULL;
  g_autofree char *warning_november = NULL;

  g_assert_true (beacon_calendar_is_covered (office, at ("2025-01-01T00:00:00+08:00"),
                                             at ("2026-12-31T23:59:59+08:00")));
  g_assert_false (beacon_calendar_is_covered (office, at ("2026-12-01T00:00:00+08:00"),
                                              at ("2027-01-01T00:00:00+08:00")));
  g_assert_false (beacon_calendar_is_covered (office, at ("2024-12-31T00:00:00+08:00"),
                                              at ("2025-01-02T00:00:00+08:00")));
  /* the zone decides the year: 16:00 UTC on 31 December is New Year in Shanghai */
  g_assert_false (beacon_calendar_is_covered (office, at ("2026-12-31T16:00:00Z"),
                                              at ("2026-12-31T17:00:00Z")));

  warning_october = beacon_calendar_dup_coverage_warning (office, at ("2026-10-01T09:00:00+08:00"));
  g_assert_null (warning_october);
  /* on 15 November the next 60 days reach into 2027 */
  warning_november = beacon_calendar_dup_coverage_warning (office,
                                                           at ("2026-11-15T09:00:00+08:00"));
  g_assert_nonnull (warning_november);
  g_assert_nonnull (strstr (warning_november, "2027"));
}

static void
test_coverage_without_holiday_data (void)
{
  g_autoptr(BeaconCalendar) always = builtin ("24x7");
  g_autoptr(BeaconCalendar) reachable = builtin ("cn-7x12");
  g_autoptr(BeaconCalendar) plain = new_plain_shanghai_calendar ();
  BeaconCalendar *calendars[] = { always, reachable, plain };

  for (guint i = 0; i < G_N_ELEMENTS (calendars); i++)
    {
      g_autofree char *warning = beacon_calendar_dup_coverage_warning (calendars[i],
                                                                       at ("2031-11-15T00:00:00Z"));
      g_assert_false (beacon_calendar_has_holiday_data (calendars[i]));
      g_assert_true (beacon_calendar_is_covered (calendars[i], at ("1999-01-01T00:00:00Z"),
                                                 at ("2040-01-01T00:00:00Z")));
      g_assert_null (warning);
    }
}

static void
test_coverage_imported (void)
{
  g_autoptr(BeaconCalendar) office = builtin ("cn-5x8");
  g_autoptr(GError) error = NULL;
  g_autofree char *warning = NULL;
  g_autofree char *years = NULL;
  /* 2027 data, with the New Year holiday of 2028 listed at its end */
  static const char next_year[] =
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n"
    "BEGIN:VEVENT\r\nUID:a\r\nDTSTAMP:20261101T000000Z\r\nSUMMARY:元旦假期\r\n"
    "DTSTART;VALUE=DATE:20270101\r\nDTEND;VALUE=DATE:20270102\r\nEND:VEVENT\r\n"
    "BEGIN:VEVENT\r\nUID:b\r\nDTSTAMP:20261101T000000Z\r\nSUMMARY:春节假期\r\n"
    "DTSTART;VALUE=DATE:20270206\r\nDTEND;VALUE=DATE:20270214\r\nEND:VEVENT\r\n"
    "BEGIN:VEVENT\r\nUID:c\r\nDTSTAMP:20261101T000000Z\r\nSUMMARY:元旦假期\r\n"
    "DTSTART;VALUE=DATE:20280101\r\nDTEND;VALUE=DATE:20280102\r\nEND:VEVENT\r\n"
    "END:VCALENDAR\r\n";

  g_assert_true (beacon_calendar_import_ics (office, next_year, &error));
  g_assert_no_error (error);

  years = covered_years_text (office);
  g_assert_cmpstr (years, ==, "2025 2026 2027");

  warning = beacon_calendar_dup_coverage_warning (office, at ("2026-11-15T09:00:00+08:00"));
  g_assert_null (warning);
  g_assert_false (beacon_calendar_is_covered (office, at ("2027-12-15T00:00:00+08:00"),
                                              at ("2028-01-15T00:00:00+08:00")));

  /* and the keyfile can say which years its list is complete for */
  {
    g_autoptr(BeaconCalendar) stated =
      parse_calendar ("[Calendar]\nId=quiet\nTimeZone=Asia/Shanghai\nDays=Mon-Fri\n"
                      "Hours=09:00-17:00\nHolidays=2026-12-25\nHolidayYears=2026;2027\n");
    g_assert_true (beacon_calendar_is_covered (stated, at ("2026-01-01T00:00:00+08:00"),
                                               at ("2027-12-31T00:00:00+08:00")));
    g_assert_false (beacon_calendar_is_covered (stated, at ("2026-01-01T00:00:00+08:00"),
                                                at ("2028-01-01T00:00:00+08:00")));
  }
}

/* ------------------------------------------------------------------------------------------ */
/* Durations                                                                                   */

static void
test_duration_parse (void)
{
  static const struct { const char *text; gint64 seconds; } cases[] = {
    { "7200", 7200 },
    { "0", 0 },
    { "2h", 2 * HOUR },
    { "90m", 90 * MINUTE },
    { "2h30m", 2 * HOUR + 30 * MINUTE },
    { "45s", 45 },
    { "5d", 5 * DAY },
    { "1d 2h", DAY + 2 * HOUR },
    { " 2H30M ", 2 * HOUR + 30 * MINUTE },
    { "1h0m5s", HOUR + 5 },
    { "PT2H30M", 2 * HOUR + 30 * MINUTE },
    { "P5D", 5 * DAY },
    { "P1W", 7 * DAY },
    { "P1DT2H", DAY + 2 * HOUR },
    { "PT45S", 45 },
    { "PT0S", 0 },
    { "pt15m", 15 * MINUTE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      gint64 seconds = -1;

      g_assert_true (beacon_duration_parse (cases[i].text, &seconds, &error));
      g_assert_no_error (error);
      g_assert_cmpint (seconds, ==, cases[i].seconds);
    }
}

static void
test_duration_parse_errors (void)
{
  static const struct { const char *text; const char *hint; } cases[] = {
    { "", "empty" },
    { "   ", "empty" },
    { "2x", "“x”" },
    { "2h30", "no unit" },
    { "30m2h", "each once" },
    { "2h2h", "each once" },
    { "h", "number" },
    { "-5", "negative" },
    { "1.5h", "“.”" },
    { "P", "amount" },
    { "PT", "amount" },
    { "P1M", "months" },
    { "P1Y", "months" },
    { "PT1.5H", "fractions" },
    { "P2H", "“H”" },
    { "99999999999999999999", "too long" },
    { "9999999999999999d", "too long" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      gint64 seconds = -1;

      g_assert_false (beacon_duration_parse (cases[i].text, &seconds, &error));
      g_test_message ("“%s”: %s", cases[i].text, error->message);
      g_assert_error (error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_INVALID);
      g_assert_nonnull (strstr (error->message, cases[i].hint));
      g_assert_cmpint (seconds, ==, -1);
    }
}

static void
test_duration_format (void)
{
  static const struct { gint64 seconds; const char *text; } cases[] = {
    { 0, "0s" },
    { 45, "45s" },
    { 90 * MINUTE, "1h30m" },
    { 2 * HOUR + 30 * MINUTE, "2h30m" },
    { 7 * DAY, "7d" },
    { DAY + 2 * HOUR, "1d2h" },
    { HOUR + 5, "1h5s" },
    { -(90 * MINUTE), "-1h30m" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = beacon_duration_format (cases[i].seconds);
      g_assert_cmpstr (text, ==, cases[i].text);
    }

  for (int i = 0; i < 1000; i++)
    {
      gint64 seconds = g_test_rand_int_range (0, G_MAXINT32) *
                       (gint64) g_test_rand_int_range (1, 100);
      g_autofree char *text = beacon_duration_format (seconds);
      gint64 parsed = -1;

      g_assert_true (beacon_duration_parse (text, &parsed, NULL));
      g_assert_cmpint (parsed, ==, seconds);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/calendar/builtin/ids", test_builtin_ids);
  g_test_add_func ("/calendar/builtin/hours", test_builtin_hours);
  g_test_add_func ("/calendar/builtin/cn-holidays", test_builtin_cn_holidays);

  g_test_add_func ("/calendar/due/outside-working-hours", test_due_outside_working_hours);
  g_test_add_func ("/calendar/due/twenty-minutes-at-17-40", test_due_twenty_minutes_at_17_40);
  g_test_add_func ("/calendar/due/four-hours-from-monday-17", test_due_four_hours_from_monday_17);
  g_test_add_func ("/calendar/due/end-of-range-stays", test_due_end_of_range_stays);
  g_test_add_func ("/calendar/due/crosses-holiday", test_due_crosses_holiday);
  g_test_add_func ("/calendar/due/make-up-day", test_due_make_up_day);
  g_test_add_func ("/calendar/due/new-year-block", test_due_new_year_block);
  g_test_add_func ("/calendar/due/no-monday-no-thursday", test_due_no_monday_no_thursday);
  g_test_add_func ("/calendar/due/168-hours", test_due_168_hours);
  g_test_add_func ("/calendar/due/zero", test_due_zero);
  g_test_add_func ("/calendar/due/24x7-constant", test_due_24x7_constant);
  g_test_add_func ("/calendar/due/no-working-time", test_due_no_working_time);
  g_test_add_func ("/calendar/due/gives-up-after-20-years", test_due_gives_up);

  g_test_add_func ("/calendar/elapsed/basic", test_elapsed_basic);
  g_test_add_func ("/calendar/elapsed/matches-oracle", test_elapsed_matches_oracle);
  g_test_add_func ("/calendar/elapsed/matches-oracle-around-dst",
                   test_elapsed_matches_oracle_around_dst);
  g_test_add_func ("/calendar/next-working-day-end", test_next_working_day_end);

  g_test_add_func ("/calendar/dst/berlin-spring", test_dst_spring);
  g_test_add_func ("/calendar/dst/berlin-autumn", test_dst_autumn);
  g_test_add_func ("/calendar/dst/nonexistent-range-start", test_dst_nonexistent_range_start);

  g_test_add_func ("/calendar/property/due-elapsed-round-trip", test_property_round_trip);
  g_test_add_func ("/calendar/property/elapsed-additive", test_property_additive);

  g_test_add_func ("/calendar/keyfile/parse", test_keyfile_parse);
  g_test_add_func ("/calendar/keyfile/syntax", test_keyfile_syntax);
  g_test_add_func ("/calendar/keyfile/per-weekday-hours", test_keyfile_per_weekday_hours);
  g_test_add_func ("/calendar/keyfile/round-trip", test_keyfile_round_trip);
  g_test_add_func ("/calendar/keyfile/errors-name-the-key", test_keyfile_errors);
  g_test_add_func ("/calendar/keyfile/load-file", test_keyfile_load_file);
  g_test_add_func ("/calendar/edit", test_calendar_edit);

  g_test_add_func ("/calendar/ics/import-2025", test_ics_import_2025);
  g_test_add_func ("/calendar/ics/import-2026", test_ics_import_2026);
  g_test_add_func ("/calendar/ics/reimport-replaces", test_ics_reimport);
  g_test_add_func ("/calendar/ics/export-round-trip", test_ics_export_round_trip);
  g_test_add_func ("/calendar/ics/event-rules", test_ics_event_rules);
  g_test_add_func ("/calendar/ics/errors", test_ics_errors);

  g_test_add_func ("/calendar/coverage/builtin", test_coverage_builtin);
  g_test_add_func ("/calendar/coverage/without-holiday-data", test_coverage_without_holiday_data);
  g_test_add_func ("/calendar/coverage/imported", test_coverage_imported);

  g_test_add_func ("/duration/parse", test_duration_parse);
  g_test_add_func ("/duration/parse-errors", test_duration_parse_errors);
  g_test_add_func ("/duration/format", test_duration_format);

  return g_test_run ();
}
