/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "beacon-alerts.h"
#include "beacon-application.h"
#include "beacon-board-column.h"
#include "beacon-board-model.h"
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

BeaconBoardModel   *beacon_window_get_board         (BeaconWindow      *self);
BeaconBoardColumn  *beacon_window_get_column        (BeaconWindow      *self,
                                                     BeaconStage        stage);
void                beacon_window_refresh_clocks    (BeaconWindow      *self);
void                beacon_window_move_ticket       (BeaconWindow      *self,
                                                     const char        *ticket_id,
                                                     BeaconStage        stage);
GtkWindow          *beacon_window_open_ticket       (BeaconWindow      *self,
                                                     const char        *ticket_id);
gboolean            beacon_window_is_searching      (BeaconWindow      *self);
void                beacon_window_show_alerts       (BeaconWindow      *self,
                                                     GPtrArray         *alerts);
void                beacon_window_set_user_label    (BeaconWindow      *self,
                                                     const char        *label);

G_END_DECLS
