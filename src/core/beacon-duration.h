/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A duration is a count of seconds of working time, as gint64. */

gboolean  beacon_duration_parse  (const char  *text,
                                  gint64      *out_seconds,
                                  GError     **error);
char     *beacon_duration_format (gint64       seconds);

G_END_DECLS
