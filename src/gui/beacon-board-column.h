/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "beacon-domain.h"
#include "beacon-ticket-object.h"

G_BEGIN_DECLS

#define BEACON_TYPE_BOARD_COLUMN (beacon_board_column_get_type ())

G_DECLARE_FINAL_TYPE (BeaconBoardColumn, beacon_board_column, BEACON, BOARD_COLUMN, GtkWidget)

GtkWidget          *beacon_board_column_new          (BeaconStage        stage,
                                                      GListModel        *tickets);
BeaconStage         beacon_board_column_get_stage    (BeaconBoardColumn *self);
BeaconTicketObject *beacon_board_column_get_selected (BeaconBoardColumn *self);
gboolean            beacon_board_column_select_id    (BeaconBoardColumn *self,
                                                      const char        *ticket_id);
GtkListView        *beacon_board_column_get_list_view (BeaconBoardColumn *self);
const char         *beacon_stage_get_column_title    (BeaconStage        stage);

G_END_DECLS
