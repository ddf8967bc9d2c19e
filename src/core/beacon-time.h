/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Instants in Beacon are seconds since the Unix epoch (UTC), as gint64. */

gboolean  beacon_time_parse    (const char  *text,
                                GTimeZone   *default_tz,
                                gint64      *out_instant,
                                GError     **error);
char     *beacon_time_format   (gint64       instant,
                                GTimeZone   *tz);
char     *beacon_time_format_utc (gint64     instant);

G_END_DECLS
