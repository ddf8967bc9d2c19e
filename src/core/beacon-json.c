/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "beacon-core"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "beacon-error.h"
#include "beacon-json.h"

/**
 * beacon_json_parse:
 *
 * Returns: (transfer full): the root of @text, or %NULL with @error set
 */
JsonNode *
beacon_json_parse (const char  *text,
                   GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(GError) local_error = NULL;

  if (text == NULL || !json_parser_load_from_data (parser, text, -1, &local_error))
    {
      g_set_error (error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_INVALID,
                   _("Not valid JSON: %s"),
                   local_error ? local_error->message : _("no text"));
      return NULL;
    }

  if (json_parser_get_root (parser) == NULL)
    {
      g_set_error (error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_INVALID,
                   _("Not valid JSON: the text is empty"));
      return NULL;
    }

  return json_node_copy (json_parser_get_root (parser));
}

void
beacon_json_append_string (GString    *out,
                           const char *text)
{
  g_string_append_c (out, '"');
  for (const char *p = text; *p != '\0'; p++)
    {
      guchar c = (guchar) *p;

      switch (c)
        {
        case '"':  g_string_append (out, "\\\""); break;
        case '\\': g_string_append (out, "\\\\"); break;
        case '\n': g_string_append (out, "\\n"); break;
        case '\r': g_string_append (out, "\\r"); break;
        case '\t': g_string_append (out, "\\t"); break;
        case '\b': g_string_append (out, "\\b"); break;
        case '\f': g_string_append (out, "\\f"); break;
        default:
          if (c < 0x20)
            g_string_append_printf (out, "\\u%04x", c);
          else
            g_string_append_c (out, (char) c);
        }
    }
  g_string_append_c (out, '"');
}

static int
compare_member_names (gconstpointer a,
                      gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

/**
 * beacon_json_append_canonical:
 *
 * Writes @node compactly with object members sorted by name, so equal
 * values always give equal bytes. Doubles use the shortest round-trip form.
 */
void
beacon_json_append_canonical (GString  *out,
                              JsonNode *node)
{
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    {
      g_string_append (out, "null");
      return;
    }

  switch (json_node_get_node_type (node))
    {
    case JSON_NODE_OBJECT:
      {
        JsonObject *object = json_node_get_object (node);
        g_autoptr(GList) members = json_object_get_members (object);
        g_autoptr(GPtrArray) names = g_ptr_array_new ();
        guint i;

        for (GList *l = members; l != NULL; l = l->next)
          g_ptr_array_add (names, l->data);
        g_ptr_array_sort (names, compare_member_names);

        g_string_append_c (out, '{');
        for (i = 0; i < names->len; i++)
          {
            const char *name = g_ptr_array_index (names, i);

            if (i > 0)
              g_string_append_c (out, ',');
            beacon_json_append_string (out, name);
            g_string_append_c (out, ':');
            beacon_json_append_canonical (out, json_object_get_member (object, name));
          }
        g_string_append_c (out, '}');
        break;
      }

    case JSON_NODE_ARRAY:
      {
        JsonArray *array = json_node_get_array (node);
        guint n = json_array_get_length (array);

        g_string_append_c (out, '[');
        for (guint i = 0; i < n; i++)
          {
            if (i > 0)
              g_string_append_c (out, ',');
            beacon_json_append_canonical (out, json_array_get_element (array, i));
          }
        g_string_append_c (out, ']');
        break;
      }

    case JSON_NODE_VALUE:
      {
        GType type = json_node_get_value_type (node);

        if (type == G_TYPE_STRING)
          beacon_json_append_string (out, json_node_get_string (node));
        else if (type == G_TYPE_INT64 || type == G_TYPE_INT)
          g_string_append_printf (out, "%" G_GINT64_FORMAT, json_node_get_int (node));
        else if (type == G_TYPE_BOOLEAN)
          g_string_append (out, json_node_get_boolean (node) ? "true" : "false");
        else if (type == G_TYPE_DOUBLE)
          {
            char buffer[G_ASCII_DTOSTR_BUF_SIZE];

            g_string_append (out, g_ascii_dtostr (buffer, sizeof buffer,
                                                  json_node_get_double (node)));
          }
        else
          g_string_append (out, "null");
        break;
      }

    case JSON_NODE_NULL:
    default:
      g_string_append (out, "null");
      break;
    }
}

/**
 * beacon_json_to_canonical:
 *
 * Returns: (transfer full): @node as canonical JSON text
 */
char *
beacon_json_to_canonical (JsonNode *node)
{
  GString *out = g_string_new (NULL);

  beacon_json_append_canonical (out, node);
  return g_string_free (out, FALSE);
}
