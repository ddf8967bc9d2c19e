/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "beacon-application.h"
#include "beacon-window.h"

G_BEGIN_DECLS

/* What the GUI tests share: a bounded main-loop spin, the app started as a
 * user would, and screenshots in $BEACON_SCREENSHOT_DIR. */

typedef gboolean (*BeaconTestCondition) (gpointer data);

gboolean           beacon_gui_test_skip_without_display         (void);
void               beacon_gui_test_init                         (int                 *argc,
                                                                 char              ***argv,
                                                                 guint                wait_ms);

gboolean           beacon_gui_test_spin_until                   (BeaconTestCondition  condition,
                                                                 gpointer             data,
                                                                 guint                timeout_ms);
void               beacon_gui_test_spin_for                     (guint                ms);

BeaconApplication *beacon_gui_test_start_app                    (const char          *name,
                                                                 BeaconStore        **store,
                                                                 BeaconWindow       **window);
gboolean           beacon_gui_test_window_is_loaded             (gpointer             window);
gboolean           beacon_gui_test_escalation_settled           (gpointer             app);
gboolean           beacon_gui_test_widget_is_mapped             (gpointer             widget);
GtkWidget         *beacon_gui_test_find_widget                  (GtkWidget           *root,
                                                                 GType                type);

void               beacon_gui_test_save_screenshot              (GtkWidget           *widget,
                                                                 const char          *name);
void               beacon_gui_test_save_screenshot_with_popover (GtkWidget           *window,
                                                                 GtkWidget           *popover,
                                                                 const char          *name);

G_END_DECLS
