/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define BEACON_TYPE_CALENDAR (beacon_calendar_get_type ())

/**
 * BEACON_CALENDAR_COVERAGE_DAYS:
 *
 * How far ahead of `now` holiday data should reach before Beacon warns.
 */
#define BEACON_CALENDAR_COVERAGE_DAYS 60

/**
 * BeaconCalendarDayKind:
 * @BEACON_CALENDAR_DAY_NORMAL: the date follows the weekly working hours
 * @BEACON_CALENDAR_DAY_HOLIDAY: the whole date is off
 * @BEACON_CALENDAR_DAY_WORKING_DAY: a make-up working day (调休上班): the date works
 *   with the hours of the first weekday, Monday to Sunday, that has working hours
 */
typedef enum
{
  BEACON_CALENDAR_DAY_NORMAL,
  BEACON_CALENDAR_DAY_HOLIDAY,
  BEACON_CALENDAR_DAY_WORKING_DAY,
} BeaconCalendarDayKind;

typedef struct _BeaconCalendar BeaconCalendar;

GType                beacon_calendar_get_type               (void) G_GNUC_CONST;

BeaconCalendar      *beacon_calendar_new                    (const char            *id,
                                                             const char            *name,
                                                             const char            *timezone_id,
                                                             GError               **error);
BeaconCalendar      *beacon_calendar_copy                   (const BeaconCalendar  *self);
void                 beacon_calendar_free                   (BeaconCalendar        *self);

const char * const  *beacon_calendar_get_builtin_ids        (void);
BeaconCalendar      *beacon_calendar_get_builtin            (const char            *id);

BeaconCalendar      *beacon_calendar_new_from_keyfile_data  (const char            *data,
                                                             GError               **error);
char                *beacon_calendar_to_keyfile_data        (const BeaconCalendar  *self);
BeaconCalendar      *beacon_calendar_load_file              (const char            *path,
                                                             GError               **error);

gboolean             beacon_calendar_import_ics             (BeaconCalendar        *self,
                                                             const char            *path_or_data,
                                                             GError               **error);
char                *beacon_calendar_export_ics             (const BeaconCalendar  *self,
                                                             GError               **error);

const char          *beacon_calendar_get_id                 (const BeaconCalendar  *self);
const char          *beacon_calendar_get_name               (const BeaconCalendar  *self);
const char          *beacon_calendar_get_timezone_id        (const BeaconCalendar  *self);
GTimeZone           *beacon_calendar_get_timezone           (const BeaconCalendar  *self);

char                *beacon_calendar_dup_hours              (const BeaconCalendar  *self,
                                                             GDateWeekday           weekday);
gboolean             beacon_calendar_set_hours              (BeaconCalendar        *self,
                                                             GDateWeekday           weekday,
                                                             const char            *hours,
                                                             GError               **error);
BeaconCalendarDayKind beacon_calendar_get_day_kind          (const BeaconCalendar  *self,
                                                             const GDate           *date);
void                 beacon_calendar_set_day_kind           (BeaconCalendar        *self,
                                                             const GDate           *date,
                                                             BeaconCalendarDayKind  kind);
GArray              *beacon_calendar_dup_holidays           (const BeaconCalendar  *self);
GArray              *beacon_calendar_dup_working_days       (const BeaconCalendar  *self);
GArray              *beacon_calendar_dup_covered_years      (const BeaconCalendar  *self);
gboolean             beacon_calendar_has_holiday_data       (const BeaconCalendar  *self);

gboolean             beacon_calendar_due                    (const BeaconCalendar  *self,
                                                             gint64                 start,
                                                             gint64                 duration,
                                                             gint64                *out_due,
                                                             GError               **error);
gint64               beacon_calendar_elapsed                (const BeaconCalendar  *self,
                                                             gint64                 from,
                                                             gint64                 to);
gboolean             beacon_calendar_next_working_day_end   (const BeaconCalendar  *self,
                                                             gint64                 instant,
                                                             guint                  n,
                                                             gint64                *out_end,
                                                             GError               **error);

gboolean             beacon_calendar_is_covered             (const BeaconCalendar  *self,
                                                             gint64                 from,
                                                             gint64                 to);
char                *beacon_calendar_dup_coverage_warning   (const BeaconCalendar  *self,
                                                             gint64                 now);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BeaconCalendar, beacon_calendar_free)

G_END_DECLS
