/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "beacon-report"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "beacon-error.h"
#include "beacon-report-template.h"
#include "beacon-report-templates-resources.h"

/*
 * Report types are data: one JSON file per template in src/core/reports/,
 * compiled into the library as a GResource. Labels are English msgids,
 * translated when shown (beacon-report-strings.c lists them for xgettext).
 */

#define TEMPLATES_PATH "/io/github/beacondesk/Beacon/reports"

static const char * const kind_names[] = {
  "text", "multiline", "date-time", "choice", "checklist", "number", "table", "signature",
};

G_STATIC_ASSERT (G_N_ELEMENTS (kind_names) == BEACON_REPORT_N_FIELD_KINDS);

G_DEFINE_BOXED_TYPE (BeaconReportTemplate, beacon_report_template,
                     beacon_report_template_ref, beacon_report_template_unref)

static void
option_free (BeaconReportOption *option)
{
  g_free (option->id);
  g_free (option->label);
  g_free (option);
}

static void
field_free (BeaconReportField *field)
{
  g_free (field->id);
  g_free (field->label);
  g_free (field->section);
  g_free (field->unit);
  g_free (field->prefill);
  g_free (field->role);
  g_free (field->not_before);
  g_free (field->not_below);
  g_strfreev (field->derive);
  g_clear_pointer (&field->options, g_ptr_array_unref);
  g_clear_pointer (&field->columns, g_ptr_array_unref);
  g_free (field);
}

static void
section_free (BeaconReportSection *section)
{
  g_free (section->title);
  g_ptr_array_unref (section->fields);
  g_free (section);
}

BeaconReportTemplate *
beacon_report_template_ref (BeaconReportTemplate *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
beacon_report_template_unref (BeaconReportTemplate *self)
{
  g_return_if_fail (self != NULL);

  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;

  g_free (self->id);
  g_free (self->title);
  g_free (self->subtitle);
  g_ptr_array_unref (self->fields);
  g_ptr_array_unref (self->sections);
  g_free (self);
}

const char *
beacon_report_field_kind_to_string (BeaconReportFieldKind kind)
{
  g_return_val_if_fail (kind < BEACON_REPORT_N_FIELD_KINDS, NULL);
  return kind_names[kind];
}

/**
 * beacon_report_translate:
 * @msgid: a label from a template
 *
 * Returns: the label in the UI language
 */
const char *
beacon_report_translate (const char *msgid)
{
  if (msgid == NULL || *msgid == '\0')
    return "";
  return g_dgettext (GETTEXT_PACKAGE, msgid);
}

/* json-glib 1.6 warns when a member is missing; these just say NULL. */
static JsonObject *
get_object_member (JsonObject *object,
                   const char *member)
{
  JsonNode *node = object ? json_object_get_member (object, member) : NULL;

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

static JsonArray *
get_array_member (JsonObject *object,
                  const char *member)
{
  JsonNode *node = object ? json_object_get_member (object, member) : NULL;

  return node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

static const char *
get_string (JsonObject *object,
            const char *member)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

static GPtrArray *
parse_options (JsonObject  *object,
               const char  *member,
               const char  *where,
               GError     **error)
{
  g_autoptr(GPtrArray) options = g_ptr_array_new_with_free_func ((GDestroyNotify) option_free);
  JsonNode *node = json_object_get_member (object, member);
  JsonArray *array;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    {
      g_set_error (error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_INVALID,
                   _("Report template, %s: “%s” must be a list of {\"id\", \"label\"}"),
                   where, member);
      return NULL;
    }

  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      JsonObject *option_object = JSON_NODE_HOLDS_OBJECT (element) ? json_node_get_object (element) : NULL;
      BeaconReportOption *option;

      if (option_object == NULL || get_string (option_object, "id") == NULL ||
          get_string (option_object, "label") == NULL)
        {
          g_set_error (error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_INVALID,
                       _("Report template, %s: entry %u of “%s” needs an id and a label"),
                       where, i + 1, member);
          return NULL;
        }

      option = g_new0 (BeaconReportOption, 1);
      option->id = g_strdup (get_string (option_object, "id"));
      option->label = g_strdup (get_string (option_object, "label"));
      g_ptr_array_add (options, option);
    }

  return g_steal_pointer (&options);
}

static BeaconReportField *
parse_field (JsonObject  *object,
             const char  *template_id,
             const char  *section,
             gboolean     is_column,
             GError     **error)
{
  BeaconReportField *field = g_new0 (BeaconReportField, 1);
  const char *kind = get_string (object, "kind");
  g_autofree char *where = NULL;
  JsonObject *print;
  guint i;

  field->id = g_strdup (get_string (object, "id"));
  field->label = g_strdup (get_string (object, "label"));
  where = g_strdup_printf ("%s, %s", template_id, field->id ? field->id : "?");

  if (field->id == NULL || field->label == NULL || kind == NULL)
    {
      g_set_error (error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_INVALID,
                   _("Report template, %s: a field needs an id, a kind and a label"), where);
      goto fail;
    }

  for (i = 0; i < G_N_ELEMENTS (kind_names); i++)
    if (g_str_equal (kind, kind_names[i]))
      break;
  if (i == G_N_ELEMENTS (kind_names) ||
      (is_column && (i == BEACON_REPORT_FIELD_TABLE || i == BEACON_REPORT_FIELD_SIGNATURE)))
    {
      g_set_error (error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_INVALID,
                   _("Report template, %s: unknown field kind “%s”"), where, kind);
      goto fail;
    }
  field->kind = i;

  field->section = g_strdup (section);
  field->required = json_object_get_boolean_member_with_default (object, "required", FALSE);
  field->unit = g_strdup (get_string (object, "unit"));
  field->prefill = g_strdup (get_string (object, "prefill"));
  field->role = g_strdup (get_string (object, "role"));
  field->not_before = g_strdup (get_string (object, "not_before"));
  field->not_below = g_strdup (get_string (object, "not_below"));
  field->width = json_object_get_double_member_with_default (object, "width", 0);
  if (json_object_has_member (object, "min"))
    {
      field->has_min = TRUE;
      field->min = json_object_get_double_member (object, "min");
    }
  if (json_object_has_member (object, "derive"))
    {
      JsonArray *derive = get_array_member (object, "derive");

      if (derive == NULL || json_array_get_length (derive) != 2)
        {
          g_set_error (error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_INVALID,
                       _("Report template, %s: “derive” names two number fields"), where);
          goto fail;
        }
      field->derive = g_new0 (char *, 3);
      field->derive[0] = g_strdup (json_array_get_string_element (derive, 0));
      field->derive[1] = g_strdup (json_array_get_string_element (derive, 1));
    }

  print = get_object_member (object, "print");
  if (print != NULL)
    field->full_span = g_strcmp0 (get_string (print, "span"), "full") == 0;

  switch (field->kind)
    {
    case BEACON_REPORT_FIELD_CHOICE:
      field->options = parse_options (object, "options", where, error);
      if (field->options == NULL)
        goto fail;
      break;

    case BEACON_REPORT_FIELD_CHECKLIST:
      field->options = parse_options (object, "items", where, error);
      if (field->options == NULL)
        goto fail;
      field->full_span = TRUE;
      break;

    case BEACON_REPORT_FIELD_TABLE:
      {
        JsonArray *columns = get_array_member (object, "columns");

        field->full_span = TRUE;
        field->columns = g_ptr_array_new_with_free_func ((GDestroyNotify) field_free);
        for (guint c = 0; columns != NULL && c < json_array_get_length (columns); c++)
          {
            JsonObject *column_object = json_array_get_object_element (columns, c);
            BeaconReportField *column;

            if (column_object == NULL)
              break;
            column = parse_field (column_object, where, section, TRUE, error);
            if (column == NULL)
              goto fail;
            g_ptr_array_add (field->columns, column);
          }
        if (field->columns->len == 0)
          {
            g_set_error (error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_INVALID,
                         _("Report template, %s: a table needs its columns"), where);
            goto fail;
          }
      }
      break;

    case BEACON_REPORT_FIELD_SIGNATURE:
      if (field->role == NULL)
        {
          g_set_error (error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_INVALID,
                       _("Report template, %s: a signature needs a role"), where);
          goto fail;
        }
      break;

    case BEACON_REPORT_FIELD_TEXT:
    case BEACON_REPORT_FIELD_MULTILINE:
    case BEACON_REPORT_FIELD_DATE_TIME:
    case BEACON_REPORT_FIELD_NUMBER:
    case BEACON_REPORT_N_FIELD_KINDS:
    default:
      break;
    }

  return field;

fail:
  field_free (field);
  return NULL;
}

/**
 * beacon_report_template_new_from_data:
 *
 * Reads a template. The error names the template and the field at fault.
 *
 * Returns: (transfer full): the template, or %NULL with @error set
 */
BeaconReportTemplate *
beacon_report_template_new_from_data (const char  *data,
                                      gssize       length,
                                      GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(BeaconReportTemplate) self = NULL;
  g_autoptr(GHashTable) ids = g_hash_table_new (g_str_hash, g_str_equal);
  JsonObject *root;
  JsonArray *sections;
  JsonObject *print;

  if (!json_parser_load_from_data (parser, data, length, error))
    return NULL;

  root = JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser))
         ? json_node_get_object (json_parser_get_root (parser)) : NULL;
  if (root == NULL || get_string (root, "id") == NULL || get_string (root, "title") == NULL ||
      json_object_get_int_member_with_default (root, "version", 0) < 1 ||
      (sections = get_array_member (root, "sections")) == NULL)
    {
      g_set_error (error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_INVALID,
                   _("Report template: needs an id, a title, a version from 1 and sections"));
      return NULL;
    }

  self = g_new0 (BeaconReportTemplate, 1);
  g_atomic_ref_count_init (&self->ref_count);
  self->id = g_strdup (get_string (root, "id"));
  self->version = (int) json_object_get_int_member (root, "version");
  self->title = g_strdup (get_string (root, "title"));
  self->subtitle = g_strdup (get_string (root, "subtitle"));
  self->ledger = json_object_get_boolean_member_with_default (root, "ledger", FALSE);
  self->sections = g_ptr_array_new_with_free_func ((GDestroyNotify) section_free);
  self->fields = g_ptr_array_new ();
  self->label_width = 0.28;

  print = get_object_member (root, "print");
  if (print != NULL)
    self->label_width = json_object_get_double_member_with_default (print, "label_width", 0.28);

  for (guint s = 0; s < json_array_get_length (sections); s++)
    {
      JsonObject *section_object = json_array_get_object_element (sections, s);
      BeaconReportSection *section;
      JsonArray *fields;

      if (section_object == NULL || get_string (section_object, "title") == NULL ||
          (fields = get_array_member (section_object, "fields")) == NULL)
        {
          g_set_error (error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_INVALID,
                       _("Report template %s: section %u needs a title and fields"),
                       self->id, s + 1);
          return NULL;
        }

      section = g_new0 (BeaconReportSection, 1);
      section->title = g_strdup (get_string (section_object, "title"));
      section->fields = g_ptr_array_new_with_free_func ((GDestroyNotify) field_free);
      g_ptr_array_add (self->sections, section);

      for (guint f = 0; f < json_array_get_length (fields); f++)
        {
          JsonObject *field_object = json_array_get_object_element (fields, f);
          BeaconReportField *field;

          if (field_object == NULL)
            continue;
          field = parse_field (field_object, self->id, section->title, FALSE, error);
          if (field == NULL)
            return NULL;
          if (!g_hash_table_add (ids, field->id))
            {
              g_set_error (error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_INVALID,
                           _("Report template %s: the field id “%s” is used twice"),
                           self->id, field->id);
              field_free (field);
              return NULL;
            }
          g_ptr_array_add (section->fields, field);
          g_ptr_array_add (self->fields, field);
        }
    }

  return g_steal_pointer (&self);
}

static GHashTable *
load_builtin (void)
{
  static GHashTable *templates;
  static gsize initialized;

  if (g_once_init_enter (&initialized))
    {
      GResource *resource = beacon_report_templates_get_resource ();
      GHashTable *table = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                                 (GDestroyNotify) beacon_report_template_unref);
      g_auto(GStrv) names = g_resource_enumerate_children (resource, TEMPLATES_PATH, 0, NULL);

      for (guint i = 0; names != NULL && names[i] != NULL; i++)
        {
          g_autofree char *path = g_build_path ("/", TEMPLATES_PATH, names[i], NULL);
          g_autoptr(GBytes) bytes = g_resource_lookup_data (resource, path, 0, NULL);
          g_autoptr(GError) error = NULL;
          BeaconReportTemplate *template;

          if (bytes == NULL)
            continue;
          template = beacon_report_template_new_from_data (g_bytes_get_data (bytes, NULL),
                                                           g_bytes_get_size (bytes), &error);
          if (template == NULL)
            g_critical ("Built-in report template %s: %s", names[i], error->message);
          else
            g_hash_table_replace (table, template->id, template);
        }

      templates = table;
      g_once_init_leave (&initialized, 1);
    }

  return templates;
}

/**
 * beacon_report_template_lookup:
 * @id: `field-service`, `fault-handling`, `inspection`, …
 *
 * Returns: (transfer full): the built-in template, or %NULL with @error set
 */
BeaconReportTemplate *
beacon_report_template_lookup (const char  *id,
                               GError     **error)
{
  BeaconReportTemplate *template;

  g_return_val_if_fail (id != NULL, NULL);

  template = g_hash_table_lookup (load_builtin (), id);
  if (template == NULL)
    {
      g_autoptr(GPtrArray) all = beacon_report_template_list ();
      g_autoptr(GString) names = g_string_new (NULL);

      for (guint i = 0; i < all->len; i++)
        g_string_append_printf (names, "%s%s", i ? ", " : "",
                                ((BeaconReportTemplate *) g_ptr_array_index (all, i))->id);
      g_set_error (error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_NOT_FOUND,
                   _("There is no report template “%s”; the templates are %s"), id, names->str);
      return NULL;
    }

  return beacon_report_template_ref (template);
}

static int
compare_templates (gconstpointer a,
                   gconstpointer b)
{
  const BeaconReportTemplate *ta = *(BeaconReportTemplate * const *) a;
  const BeaconReportTemplate *tb = *(BeaconReportTemplate * const *) b;

  return g_strcmp0 (ta->id, tb->id);
}

/**
 * beacon_report_template_list:
 *
 * Returns: (transfer container) (element-type BeaconReportTemplate): the
 *   built-in templates by id
 */
GPtrArray *
beacon_report_template_list (void)
{
  GPtrArray *list = g_ptr_array_new_with_free_func ((GDestroyNotify) beacon_report_template_unref);
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, load_builtin ());
  while (g_hash_table_iter_next (&iter, NULL, &value))
    g_ptr_array_add (list, beacon_report_template_ref (value));
  g_ptr_array_sort (list, compare_templates);

  return list;
}

const BeaconReportField *
beacon_report_template_find_field (BeaconReportTemplate *self,
                                   const char           *field_id)
{
  g_return_val_if_fail (self != NULL, NULL);

  for (guint i = 0; field_id != NULL && i < self->fields->len; i++)
    {
      const BeaconReportField *field = g_ptr_array_index (self->fields, i);

      if (g_str_equal (field->id, field_id))
        return field;
    }
  return NULL;
}

const BeaconReportField *
beacon_report_template_find_signature (BeaconReportTemplate *self,
                                       const char           *role)
{
  g_return_val_if_fail (self != NULL, NULL);

  for (guint i = 0; role != NULL && i < self->fields->len; i++)
    {
      const BeaconReportField *field = g_ptr_array_index (self->fields, i);

      if (field->kind == BEACON_REPORT_FIELD_SIGNATURE && g_str_equal (field->role, role))
        return field;
    }
  return NULL;
}

const char *
beacon_report_field_find_option (const BeaconReportField *field,
                                 const char              *option_id)
{
  for (guint i = 0; field->options != NULL && option_id != NULL && i < field->options->len; i++)
    {
      const BeaconReportOption *option = g_ptr_array_index (field->options, i);

      if (g_str_equal (option->id, option_id))
        return option->label;
    }
  return NULL;
}

static void
collect_field (GPtrArray               *strings,
               const BeaconReportField *field)
{
  g_ptr_array_add (strings, field->label);
  for (guint i = 0; field->options != NULL && i < field->options->len; i++)
    g_ptr_array_add (strings, ((BeaconReportOption *) g_ptr_array_index (field->options, i))->label);
  for (guint i = 0; field->columns != NULL && i < field->columns->len; i++)
    collect_field (strings, g_ptr_array_index (field->columns, i));
}

/**
 * beacon_report_template_collect_strings:
 *
 * Returns: (transfer container) (element-type utf8): every msgid of the
 *   template, borrowed; a test keeps beacon-report-strings.c in step with it
 */
GPtrArray *
beacon_report_template_collect_strings (BeaconReportTemplate *self)
{
  GPtrArray *strings = g_ptr_array_new ();

  g_ptr_array_add (strings, self->title);
  if (self->subtitle != NULL)
    g_ptr_array_add (strings, self->subtitle);
  for (guint s = 0; s < self->sections->len; s++)
    {
      BeaconReportSection *section = g_ptr_array_index (self->sections, s);

      g_ptr_array_add (strings, section->title);
      for (guint f = 0; f < section->fields->len; f++)
        collect_field (strings, g_ptr_array_index (section->fields, f));
    }

  return strings;
}
