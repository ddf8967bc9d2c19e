/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "beacon-store.h"

G_BEGIN_DECLS

#define BEACON_TYPE_INTAKE_DIALOG (beacon_intake_dialog_get_type ())

G_DECLARE_FINAL_TYPE (BeaconIntakeDialog, beacon_intake_dialog, BEACON, INTAKE_DIALOG, AdwWindow)

BeaconIntakeDialog *beacon_intake_dialog_new       (GtkWindow          *parent,
                                                    BeaconStore        *store);
BeaconStore        *beacon_intake_dialog_get_store (BeaconIntakeDialog *self);

G_END_DECLS
