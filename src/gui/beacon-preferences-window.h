/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define BEACON_TYPE_PREFERENCES_WINDOW (beacon_preferences_window_get_type ())

G_DECLARE_FINAL_TYPE (BeaconPreferencesWindow, beacon_preferences_window, BEACON, PREFERENCES_WINDOW, AdwPreferencesWindow)

BeaconPreferencesWindow *beacon_preferences_window_new (GtkWindow *parent);

gboolean    beacon_preferences_window_check_server_url   (const char  *url,
                                                          char       **out_message);
gboolean    beacon_preferences_window_check_folder       (const char  *folder,
                                                          char       **out_message);
const char *beacon_preferences_window_get_company_name   (void);
const char *beacon_preferences_window_get_company_logo   (void);

G_END_DECLS
