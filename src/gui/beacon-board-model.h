/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "beacon-board-queries.h"
#include "beacon-ticket-object.h"

G_BEGIN_DECLS

#define BEACON_TYPE_BOARD_MODEL (beacon_board_model_get_type ())

G_DECLARE_FINAL_TYPE (BeaconBoardModel, beacon_board_model, BEACON, BOARD_MODEL, GObject)

/**
 * BeaconBoardFilter:
 *
 * What the operator narrowed the board to. Empty strings and 0 mean “any”.
 */
typedef struct
{
  int       level;          /* 0: any */
  int       kind;           /* -1: any, else a BeaconTicketKind */
  char     *customer_id;
  char     *assignee_id;
  gboolean  mine;
  gboolean  alarming_only;  /* warning or breached */
} BeaconBoardFilter;

typedef struct _BeaconBoardSnapshot BeaconBoardSnapshot;

void              beacon_board_snapshot_free     (BeaconBoardSnapshot *snapshot);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (BeaconBoardSnapshot, beacon_board_snapshot_free)

BeaconBoardModel *beacon_board_model_new         (void);
GListModel       *beacon_board_model_get_column  (BeaconBoardModel    *self,
                                                  BeaconStage          stage);
GListModel       *beacon_board_model_get_open    (BeaconBoardModel    *self);
BeaconTicketObject *beacon_board_model_lookup    (BeaconBoardModel    *self,
                                                  const char          *ticket_id);

void              beacon_board_model_load_async  (BeaconBoardModel    *self,
                                                  BeaconStore         *store,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
BeaconBoardSnapshot *beacon_board_model_load_finish (BeaconBoardModel *self,
                                                     GAsyncResult     *result,
                                                     GError          **error);
void              beacon_board_model_apply       (BeaconBoardModel    *self,
                                                  BeaconBoardSnapshot *snapshot);
void              beacon_board_model_refresh_sla (BeaconBoardModel    *self,
                                                  gint64               now);

const BeaconBoardFilter *beacon_board_model_get_filter (BeaconBoardModel *self);
void              beacon_board_model_set_filter  (BeaconBoardModel        *self,
                                                  const BeaconBoardFilter *filter);
void              beacon_board_model_set_user    (BeaconBoardModel    *self,
                                                  const char          *user_id);
void              beacon_board_model_set_matches (BeaconBoardModel    *self,
                                                  GHashTable          *ticket_ids);
gint64            beacon_board_model_get_closed_since (gint64          now);
GStrv             beacon_board_model_dup_closed_ids (BeaconBoardModel *self);

G_END_DECLS
