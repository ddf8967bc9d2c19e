/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "beacon-store.h"

G_BEGIN_DECLS

#define BEACON_TYPE_USER_DIALOG (beacon_user_dialog_get_type ())

G_DECLARE_FINAL_TYPE (BeaconUserDialog, beacon_user_dialog, BEACON, USER_DIALOG, AdwMessageDialog)

BeaconUserDialog *beacon_user_dialog_new (GtkWindow   *parent,
                                          BeaconStore *store);

G_END_DECLS
