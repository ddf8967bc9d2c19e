/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "beacon-sla.h"

G_BEGIN_DECLS

#define BEACON_TYPE_COUNTDOWN (beacon_countdown_get_type ())

G_DECLARE_FINAL_TYPE (BeaconCountdown, beacon_countdown, BEACON, COUNTDOWN, GtkWidget)

GtkWidget       *beacon_countdown_new        (void);
void             beacon_countdown_set_metric (BeaconCountdown       *self,
                                              const BeaconSlaMetric *metric);
void             beacon_countdown_set_show_metric_label (BeaconCountdown *self,
                                                         gboolean         show);
const char      *beacon_countdown_get_text   (BeaconCountdown       *self);
BeaconSlaStatus  beacon_countdown_get_status (BeaconCountdown       *self);
void             beacon_countdown_update     (BeaconCountdown       *self,
                                              gint64                 now);

char            *beacon_countdown_format_duration      (gint64 seconds);
char            *beacon_countdown_format_duration_long (gint64 seconds);

G_END_DECLS
