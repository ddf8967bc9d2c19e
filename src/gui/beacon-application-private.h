/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "beacon-application.h"

G_BEGIN_DECLS

void _beacon_application_install_actions (BeaconApplication *self);

G_END_DECLS
