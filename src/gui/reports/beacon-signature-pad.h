/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define BEACON_TYPE_SIGNATURE_PAD (beacon_signature_pad_get_type ())

G_DECLARE_FINAL_TYPE (BeaconSignaturePad, beacon_signature_pad, BEACON, SIGNATURE_PAD, GtkWidget)

GtkWidget *beacon_signature_pad_new          (void);
gboolean   beacon_signature_pad_get_editable (BeaconSignaturePad *self);
void       beacon_signature_pad_set_editable (BeaconSignaturePad *self,
                                              gboolean            editable);
guint      beacon_signature_pad_get_n_strokes (BeaconSignaturePad *self);

void       beacon_signature_pad_begin_stroke (BeaconSignaturePad *self,
                                              double              x,
                                              double              y,
                                              double              pressure);
void       beacon_signature_pad_extend_stroke (BeaconSignaturePad *self,
                                              double              x,
                                              double              y,
                                              double              pressure);
void       beacon_signature_pad_end_stroke   (BeaconSignaturePad *self);
void       beacon_signature_pad_undo         (BeaconSignaturePad *self);
void       beacon_signature_pad_clear        (BeaconSignaturePad *self);

JsonNode  *beacon_signature_pad_dup_strokes  (BeaconSignaturePad *self);
void       beacon_signature_pad_set_strokes  (BeaconSignaturePad *self,
                                              const char         *strokes_json);

G_END_DECLS
