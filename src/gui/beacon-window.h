/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "beacon-application.h"
#include "beacon-intake-dialog.h"
#include "beacon-store.h"

G_BEGIN_DECLS

#define BEACON_TYPE_WINDOW (beacon_window_get_type ())

G_DECLARE_FINAL_TYPE (BeaconWindow, beacon_window, BEACON, WINDOW, AdwApplicationWindow)

BeaconWindow       *beacon_window_new               (BeaconApplication *application,
                                                     BeaconStore       *store);
BeaconStore        *beacon_window_get_store         (BeaconWindow      *self);
GListModel         *beacon_window_get_tickets       (BeaconWindow      *self);
gboolean            beacon_window_get_loaded        (BeaconWindow      *self);
BeaconIntakeDialog *beacon_window_get_intake_dialog (BeaconWindow      *self);
void                beacon_window_reload            (BeaconWindow      *self);

G_END_DECLS
