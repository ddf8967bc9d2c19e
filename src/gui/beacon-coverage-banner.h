/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "beacon-store.h"

G_BEGIN_DECLS

#define BEACON_TYPE_COVERAGE_BANNER (beacon_coverage_banner_get_type ())

G_DECLARE_FINAL_TYPE (BeaconCoverageBanner, beacon_coverage_banner, BEACON, COVERAGE_BANNER, AdwBin)

void        beacon_coverage_banner_attach      (BeaconCoverageBanner *self,
                                                BeaconStore          *store);
void        beacon_coverage_banner_check       (BeaconCoverageBanner *self);
const char *beacon_coverage_banner_get_message (BeaconCoverageBanner *self);
guint       beacon_coverage_banner_get_n_checks (BeaconCoverageBanner *self);

G_END_DECLS
