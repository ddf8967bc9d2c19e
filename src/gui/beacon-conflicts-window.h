/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "beacon-store.h"

G_BEGIN_DECLS

#define BEACON_TYPE_CONFLICTS_WINDOW (beacon_conflicts_window_get_type ())

G_DECLARE_FINAL_TYPE (BeaconConflictsWindow, beacon_conflicts_window, BEACON, CONFLICTS_WINDOW, AdwWindow)

BeaconConflictsWindow *beacon_conflicts_window_new          (GtkWindow             *parent,
                                                             BeaconStore           *store);
gboolean               beacon_conflicts_window_get_loaded   (BeaconConflictsWindow *self);
guint                  beacon_conflicts_window_get_n_fields (BeaconConflictsWindow *self);

G_END_DECLS
