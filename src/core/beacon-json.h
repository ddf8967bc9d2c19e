/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

JsonNode *beacon_json_parse            (const char *text,
                                        GError    **error);
void      beacon_json_append_canonical (GString    *out,
                                        JsonNode   *node);
char     *beacon_json_to_canonical     (JsonNode   *node);
void      beacon_json_append_string    (GString    *out,
                                        const char *text);

G_END_DECLS
