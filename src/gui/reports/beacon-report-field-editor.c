/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "beacon-reports"

#include "config.h"

#include "beacon-report-field-editor.h"

#include <glib/gi18n.h>

/**
 * BeaconReportFieldEditor:
 *
 * Edits one field of a report: builds the row that suits the field's kind
 * (an entry row for text and dates, a combo row for a choice, check boxes
 * for a checklist, a spin button with the unit for a number, a grid of
 * typed cells for a table, a signature pad for a signature), turns what is
 * typed into the field's JSON value and says so with ::changed, and shows
 * the field's problem in a row right under it.
 *
 * It is not a widget itself: its rows go straight into the section's
 * AdwPreferencesGroup, so a section reads as one list.
 */

/* Parsing a half-typed date as the user types would flash an error at every key. */
#define FORMAT_ERROR_DELAY_MS 900

typedef struct
{
  GPtrArray *cells;            /* GtkWidget per column: GtkEntry or GtkDropDown */
  GtkWidget *remove_button;
} TableRow;

struct _BeaconReportFieldEditor
{
  GObject                  parent_instance;

  const BeaconReportField *field;     /* owned by the template, which outlives us */
  GtkWidget               *row;
  GtkWidget               *problem_row;
  GtkWidget               *problem_label;
  gboolean                 touched;
  gboolean                 editable;
  gboolean                 updating;  /* set_value () is filling the widgets */
  char                    *format_error;
  char                    *problem;
  gboolean                 show_untouched;
  guint                    format_error_id;

  /* by kind */
  GtkWidget               *entry;       /* text, date-time: the AdwEntryRow */
  GtkWidget               *now_button;  /* date-time */
  GtkTextBuffer           *buffer;      /* multiline */
  GtkWidget               *text_view;
  GPtrArray               *checks;      /* checklist: GtkCheckButton per option */
  GtkWidget               *spin;        /* number */
  GtkWidget               *grid;        /* table */
  GtkWidget               *add_row_button;
  GPtrArray               *table_rows;  /* TableRow */
  GtkWidget               *pad;         /* signature */
  GtkWidget               *signer_entry;
  GtkWidget               *sign_button;
  GtkWidget               *undo_button;
  GtkWidget               *clear_button;
  GtkWidget               *signed_label;
  gboolean                 can_sign;
  gboolean                 signed_;
};

G_DEFINE_FINAL_TYPE (BeaconReportFieldEditor, beacon_report_field_editor, G_TYPE_OBJECT)

enum {
  CHANGED,
  FLUSH,
  SIGN,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void update_problem_row (BeaconReportFieldEditor *self);

/* Dates ---------------------------------------------------------------------- */

/* “2026-11-27 09:30”, “2026-11-27 09:30:15”, or ISO 8601 with or without an
 * offset; a time without an offset is local, as people on site write it. */
static gboolean
parse_date_time (const char  *text,
                 gint64      *out_instant)
{
  g_autofree char *copy = g_strstrip (g_strdup (text));
  g_autoptr(GTimeZone) local = g_time_zone_new_local ();
  g_autoptr(GDateTime) dt = NULL;
  g_autoptr(GRegex) short_time = NULL;
  char *space;

  space = strchr (copy, ' ');
  if (space != NULL)
    *space = 'T';

  /* g_date_time_new_from_iso8601 () wants seconds. */
  short_time = g_regex_new ("^\\d{4}-\\d{2}-\\d{2}T\\d{1,2}:\\d{2}$", 0, 0, NULL);
  if (g_regex_match (short_time, copy, 0, NULL))
    {
      char *with_seconds = g_strconcat (copy, ":00", NULL);

      g_free (copy);
      copy = with_seconds;
    }

  dt = g_date_time_new_from_iso8601 (copy, local);
  if (dt == NULL)
    return FALSE;
  *out_instant = g_date_time_to_unix (dt);
  return TRUE;
}

static char *
format_date_time (gint64 instant)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_local (instant);

  return dt ? g_date_time_format (dt, "%Y-%m-%d %H:%M") : g_strdup ("");
}

static const char *
date_time_hint (void)
{
  /* Translators: how to write a date and time in a report field */
  return _("Write the date and time as 2026-11-27 09:30");
}

/* Emitting --------------------------------------------------------------------- */

static void
set_format_error (BeaconReportFieldEditor *self,
                  const char              *message)
{
  if (g_strcmp0 (self->format_error, message) == 0)
    return;
  g_free (self->format_error);
  self->format_error = g_strdup (message);
  update_problem_row (self);
}

static void
emit_value (BeaconReportFieldEditor *self,
            JsonNode                *value)
{
  self->touched = TRUE;
  g_signal_emit (self, signals[CHANGED], 0, value);
}

static void
emit_flush (BeaconReportFieldEditor *self)
{
  g_signal_emit (self, signals[FLUSH], 0);
}

static void
on_focus_leave_cb (GtkEventControllerFocus *controller,
                   BeaconReportFieldEditor *self)
{
  /* A date left half typed says what is wrong now rather than later. */
  if (self->format_error_id != 0)
    {
      g_clear_handle_id (&self->format_error_id, g_source_remove);
      update_problem_row (self);
    }
  emit_flush (self);
}

static void
watch_focus (BeaconReportFieldEditor *self,
             GtkWidget               *widget)
{
  GtkEventController *focus = gtk_event_controller_focus_new ();

  g_signal_connect_object (focus, "leave", G_CALLBACK (on_focus_leave_cb), self, 0);
  gtk_widget_add_controller (widget, focus);
}

/* Text ------------------------------------------------------------------------- */

static void
on_text_changed_cb (GtkEditable             *editable,
                    BeaconReportFieldEditor *self)
{
  g_autoptr(JsonNode) value = NULL;
  const char *text = gtk_editable_get_text (editable);

  if (self->updating)
    return;
  value = *text ? json_node_init_string (json_node_alloc (), text) : json_node_new (JSON_NODE_NULL);
  emit_value (self, value);
}

static gboolean
on_format_error_timeout_cb (gpointer user_data)
{
  BeaconReportFieldEditor *self = user_data;

  self->format_error_id = 0;
  update_problem_row (self);
  return G_SOURCE_REMOVE;
}

static void
on_date_time_changed_cb (GtkEditable             *editable,
                         BeaconReportFieldEditor *self)
{
  const char *text = gtk_editable_get_text (editable);
  g_autoptr(JsonNode) value = NULL;
  gint64 instant;

  if (self->updating)
    return;

  g_clear_handle_id (&self->format_error_id, g_source_remove);
  if (*text == '\0')
    value = json_node_new (JSON_NODE_NULL);
  else if (parse_date_time (text, &instant))
    value = json_node_init_int (json_node_alloc (), instant);

  if (value == NULL)
    {
      /* Kept in the field, not saved; shown once the typing pauses. */
      self->touched = TRUE;
      g_free (self->format_error);
      self->format_error = g_strdup (date_time_hint ());
      self->format_error_id = g_timeout_add (FORMAT_ERROR_DELAY_MS, on_format_error_timeout_cb, self);
      return;
    }

  set_format_error (self, NULL);
  emit_value (self, value);
}

static void
on_now_clicked_cb (GtkButton               *button,
                   BeaconReportFieldEditor *self)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *text = g_date_time_format (now, "%Y-%m-%d %H:%M");

  gtk_editable_set_text (GTK_EDITABLE (self->entry), text);
  emit_flush (self);
}

static void
on_buffer_changed_cb (GtkTextBuffer           *buffer,
                      BeaconReportFieldEditor *self)
{
  g_autoptr(JsonNode) value = NULL;
  GtkTextIter start, end;
  g_autofree char *text = NULL;

  if (self->updating)
    return;
  gtk_text_buffer_get_bounds (buffer, &start, &end);
  text = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
  value = *text ? json_node_init_string (json_node_alloc (), text) : json_node_new (JSON_NODE_NULL);
  emit_value (self, value);
}

/* Choice and checklist ------------------------------------------------------------ */

static void
on_choice_selected_cb (AdwComboRow             *row,
                       GParamSpec              *pspec,
                       BeaconReportFieldEditor *self)
{
  g_autoptr(JsonNode) value = NULL;
  guint selected = adw_combo_row_get_selected (row);

  if (self->updating)
    return;
  /* Item 0 is “not chosen”. */
  if (selected == 0 || selected == GTK_INVALID_LIST_POSITION || selected > self->field->options->len)
    value = json_node_new (JSON_NODE_NULL);
  else
    value = json_node_init_string (json_node_alloc (),
                                   ((BeaconReportOption *) g_ptr_array_index (self->field->options,
                                                                              selected - 1))->id);
  emit_value (self, value);
  emit_flush (self);
}

static void
update_checklist_subtitle (BeaconReportFieldEditor *self)
{
  guint n_checked = 0;
  g_autofree char *subtitle = NULL;

  for (guint i = 0; i < self->checks->len; i++)
    n_checked += gtk_check_button_get_active (g_ptr_array_index (self->checks, i));
  /* Translators: checklist progress, e.g. “3 of 8 checked” */
  subtitle = g_strdup_printf (_("%u of %u checked"), n_checked, self->checks->len);
  adw_expander_row_set_subtitle (ADW_EXPANDER_ROW (self->row), subtitle);
}

static void
on_check_toggled_cb (GtkCheckButton          *check,
                     BeaconReportFieldEditor *self)
{
  g_autoptr(JsonNode) value = NULL;
  JsonArray *array;

  update_checklist_subtitle (self);
  if (self->updating)
    return;

  array = json_array_new ();
  for (guint i = 0; i < self->checks->len; i++)
    if (gtk_check_button_get_active (g_ptr_array_index (self->checks, i)))
      json_array_add_string_element (array,
                                     ((BeaconReportOption *) g_ptr_array_index (self->field->options, i))->id);
  value = json_array_get_length (array) > 0 ? json_node_init_array (json_node_alloc (), array)
                                            : json_node_new (JSON_NODE_NULL);
  json_array_unref (array);
  emit_value (self, value);
  emit_flush (self);
}

/* Number --------------------------------------------------------------------------- */

static void
on_number_changed_cb (GtkEditable             *editable,
                      BeaconReportFieldEditor *self)
{
  g_autoptr(JsonNode) value = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  if (self->updating)
    return;

  /* People type “1 200,5” as often as “1200.5”. */
  text = g_strstrip (g_strdup (gtk_editable_get_text (editable)));
  g_strdelimit (text, ",", '.');
  if (!beacon_report_parse_value (self->field, text, &value, &error))
    {
      self->touched = TRUE;
      set_format_error (self, error->message);
      return;
    }
  set_format_error (self, NULL);
  emit_value (self, value);
}

/* Table ---------------------------------------------------------------------------- */

static void table_emit (BeaconReportFieldEditor *self);

static void
table_row_free (TableRow *row)
{
  g_ptr_array_unref (row->cells);
  g_free (row);
}

static void
on_cell_changed_cb (GObject                 *cell,
                    GParamSpec              *pspec,
                    BeaconReportFieldEditor *self)
{
  if (!self->updating)
    table_emit (self);
}

static void
on_remove_row_clicked_cb (GtkButton               *button,
                          BeaconReportFieldEditor *self)
{
  for (guint r = 0; r < self->table_rows->len; r++)
    {
      TableRow *row = g_ptr_array_index (self->table_rows, r);

      if (row->remove_button != GTK_WIDGET (button))
        continue;
      for (guint c = 0; c < row->cells->len; c++)
        gtk_grid_remove (GTK_GRID (self->grid), g_ptr_array_index (row->cells, c));
      gtk_grid_remove (GTK_GRID (self->grid), row->remove_button);
      gtk_grid_remove_row (GTK_GRID (self->grid), r + 1);
      g_ptr_array_remove_index (self->table_rows, r);
      break;
    }
  table_emit (self);
  emit_flush (self);
}

static GtkWidget *
new_cell (BeaconReportFieldEditor *self,
          const BeaconReportField *column)
{
  GtkWidget *cell;
  const char *column_label = beacon_report_translate (column->label);

  if (column->kind == BEACON_REPORT_FIELD_CHOICE && column->options != NULL)
    {
      g_autoptr(GtkStringList) labels = gtk_string_list_new (NULL);

      gtk_string_list_append (labels, "—");
      for (guint i = 0; i < column->options->len; i++)
        gtk_string_list_append (labels, beacon_report_translate (((BeaconReportOption *)
                                                                  g_ptr_array_index (column->options, i))->label));
      cell = gtk_drop_down_new (G_LIST_MODEL (g_steal_pointer (&labels)), NULL);
      g_signal_connect_object (cell, "notify::selected", G_CALLBACK (on_cell_changed_cb), self, 0);
    }
  else
    {
      cell = gtk_entry_new ();
      if (column->kind == BEACON_REPORT_FIELD_DATE_TIME)
        {
          gtk_entry_set_placeholder_text (GTK_ENTRY (cell), "2026-11-27 09:30");
          gtk_editable_set_width_chars (GTK_EDITABLE (cell), 16);
        }
      else if (column->kind == BEACON_REPORT_FIELD_NUMBER)
        gtk_entry_set_input_purpose (GTK_ENTRY (cell), GTK_INPUT_PURPOSE_NUMBER);
      g_signal_connect_object (cell, "notify::text", G_CALLBACK (on_cell_changed_cb), self, 0);
    }

  gtk_widget_set_hexpand (cell, column->kind != BEACON_REPORT_FIELD_DATE_TIME);
  gtk_accessible_update_property (GTK_ACCESSIBLE (cell), GTK_ACCESSIBLE_PROPERTY_LABEL, column_label, -1);
  g_object_set_data (G_OBJECT (cell), "beacon-report-column", (gpointer) column);
  watch_focus (self, cell);
  return cell;
}

static TableRow *
table_append_row (BeaconReportFieldEditor *self)
{
  TableRow *row = g_new0 (TableRow, 1);
  int top = self->table_rows->len + 1;

  row->cells = g_ptr_array_new ();
  for (guint c = 0; c < self->field->columns->len; c++)
    {
      GtkWidget *cell = new_cell (self, g_ptr_array_index (self->field->columns, c));

      gtk_widget_set_sensitive (cell, self->editable);
      gtk_grid_attach (GTK_GRID (self->grid), cell, c, top, 1, 1);
      g_ptr_array_add (row->cells, cell);
    }
  row->remove_button = gtk_button_new_from_icon_name ("list-remove-symbolic");
  gtk_widget_set_tooltip_text (row->remove_button, _("Remove the row"));
  gtk_widget_set_valign (row->remove_button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (row->remove_button, "flat");
  gtk_widget_set_visible (row->remove_button, self->editable);
  g_signal_connect_object (row->remove_button, "clicked", G_CALLBACK (on_remove_row_clicked_cb), self, 0);
  gtk_grid_attach (GTK_GRID (self->grid), row->remove_button, self->field->columns->len, top, 1, 1);
  g_ptr_array_add (self->table_rows, row);
  return row;
}

static void
on_add_row_clicked_cb (GtkButton               *button,
                       BeaconReportFieldEditor *self)
{
  TableRow *row = table_append_row (self);

  gtk_widget_grab_focus (g_ptr_array_index (row->cells, 0));
  table_emit (self);
}

/* Reads the grid into rows of typed cells; a cell that does not parse is
 * marked, named in the field's message, and keeps the table from saving. */
static void
table_emit (BeaconReportFieldEditor *self)
{
  g_autoptr(JsonNode) value = NULL;
  g_autofree char *error_message = NULL;
  JsonArray *rows = json_array_new ();

  for (guint r = 0; r < self->table_rows->len; r++)
    {
      TableRow *row = g_ptr_array_index (self->table_rows, r);
      JsonObject *object = json_object_new ();

      for (guint c = 0; c < row->cells->len; c++)
        {
          GtkWidget *cell = g_ptr_array_index (row->cells, c);
          const BeaconReportField *column = g_ptr_array_index (self->field->columns, c);
          gboolean bad = FALSE;

          if (GTK_IS_DROP_DOWN (cell))
            {
              guint selected = gtk_drop_down_get_selected (GTK_DROP_DOWN (cell));

              if (selected > 0 && selected != GTK_INVALID_LIST_POSITION)
                json_object_set_string_member (object, column->id,
                                               ((BeaconReportOption *)
                                                g_ptr_array_index (column->options, selected - 1))->id);
              continue;
            }
          else
            {
              const char *text = gtk_editable_get_text (GTK_EDITABLE (cell));
              gint64 instant;

              if (*text == '\0')
                ;
              else if (column->kind == BEACON_REPORT_FIELD_DATE_TIME)
                {
                  if (parse_date_time (text, &instant))
                    json_object_set_int_member (object, column->id, instant);
                  else
                    bad = TRUE;
                }
              else if (column->kind == BEACON_REPORT_FIELD_NUMBER)
                {
                  g_autoptr(JsonNode) number = NULL;

                  if (beacon_report_parse_value (column, text, &number, NULL) &&
                      !JSON_NODE_HOLDS_NULL (number))
                    json_object_set_member (object, column->id, g_steal_pointer (&number));
                  else
                    bad = TRUE;
                }
              else
                json_object_set_string_member (object, column->id, text);
            }

          if (bad)
            {
              gtk_widget_add_css_class (cell, "error");
              if (error_message == NULL)
                /* Translators: a table cell that does not parse: row number, column, hint */
                error_message = g_strdup_printf (_("Row %u, “%s”: %s"), r + 1,
                                                 beacon_report_translate (column->label),
                                                 column->kind == BEACON_REPORT_FIELD_DATE_TIME
                                                 ? date_time_hint () : _("write a number"));
            }
          else
            gtk_widget_remove_css_class (cell, "error");
        }
      json_array_add_object_element (rows, object);
    }

  if (error_message != NULL)
    {
      json_array_unref (rows);
      self->touched = TRUE;
      set_format_error (self, error_message);
      return;
    }

  set_format_error (self, NULL);
  value = json_array_get_length (rows) > 0 ? json_node_init_array (json_node_alloc (), rows)
                                           : json_node_new (JSON_NODE_NULL);
  json_array_unref (rows);
  emit_value (self, value);
}

static void
table_set_value (BeaconReportFieldEditor *self,
                 JsonNode                *value)
{
  JsonArray *rows = value && JSON_NODE_HOLDS_ARRAY (value) ? json_node_get_array (value) : NULL;

  while (self->table_rows->len > 0)
    {
      TableRow *row = g_ptr_array_index (self->table_rows, 0);

      for (guint c = 0; c < row->cells->len; c++)
        gtk_grid_remove (GTK_GRID (self->grid), g_ptr_array_index (row->cells, c));
      gtk_grid_remove (GTK_GRID (self->grid), row->remove_button);
      gtk_grid_remove_row (GTK_GRID (self->grid), 1);
      g_ptr_array_remove_index (self->table_rows, 0);
    }

  for (guint r = 0; rows != NULL && r < json_array_get_length (rows); r++)
    {
      JsonObject *object = json_array_get_object_element (rows, r);
      TableRow *row = table_append_row (self);

      for (guint c = 0; object != NULL && c < row->cells->len; c++)
        {
          const BeaconReportField *column = g_ptr_array_index (self->field->columns, c);
          GtkWidget *cell = g_ptr_array_index (row->cells, c);
          JsonNode *cell_value = json_object_get_member (object, column->id);

          if (cell_value == NULL || JSON_NODE_HOLDS_NULL (cell_value))
            continue;
          if (GTK_IS_DROP_DOWN (cell))
            {
              for (guint i = 0; i < column->options->len; i++)
                if (JSON_NODE_HOLDS_VALUE (cell_value) &&
                    g_strcmp0 (((BeaconReportOption *) g_ptr_array_index (column->options, i))->id,
                               json_node_get_string (cell_value)) == 0)
                  gtk_drop_down_set_selected (GTK_DROP_DOWN (cell), i + 1);
            }
          else if (column->kind == BEACON_REPORT_FIELD_DATE_TIME && JSON_NODE_HOLDS_VALUE (cell_value))
            {
              g_autofree char *text = format_date_time (json_node_get_int (cell_value));
              gtk_editable_set_text (GTK_EDITABLE (cell), text);
            }
          else
            {
              g_autofree char *text = NULL;

              if (column->kind == BEACON_REPORT_FIELD_NUMBER && JSON_NODE_HOLDS_VALUE (cell_value))
                text = g_strdup_printf ("%g", json_node_get_double (cell_value));
              else
                text = beacon_report_format_value (column, cell_value);
              gtk_editable_set_text (GTK_EDITABLE (cell), text);
            }
        }
    }
}

/* Signature ------------------------------------------------------------------------ */

static void
update_sign_button (BeaconReportFieldEditor *self)
{
  g_autofree char *name = NULL;
  gboolean has_name, has_strokes;

  if (self->sign_button == NULL)
    return;

  name = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->signer_entry))));
  has_name = *name != '\0';
  /* A name alone is not a signature. */
  has_strokes = beacon_signature_pad_get_n_strokes (BEACON_SIGNATURE_PAD (self->pad)) > 0;
  gtk_widget_set_sensitive (self->sign_button,
                            self->can_sign && self->editable && !self->signed_ && has_name && has_strokes);
  gtk_widget_set_sensitive (self->undo_button, self->editable && !self->signed_ && has_strokes);
  gtk_widget_set_sensitive (self->clear_button, self->editable && !self->signed_ && has_strokes);
}

static void
on_signer_changed_cb (GObject                 *object,
                      GParamSpec              *pspec,
                      BeaconReportFieldEditor *self)
{
  update_sign_button (self);
}

static void
on_undo_clicked_cb (GtkButton               *button,
                    BeaconReportFieldEditor *self)
{
  beacon_signature_pad_undo (BEACON_SIGNATURE_PAD (self->pad));
}

static void
on_clear_clicked_cb (GtkButton               *button,
                     BeaconReportFieldEditor *self)
{
  beacon_signature_pad_clear (BEACON_SIGNATURE_PAD (self->pad));
}

static void
on_sign_clicked_cb (GtkButton               *button,
                    BeaconReportFieldEditor *self)
{
  g_autoptr(JsonNode) strokes = beacon_signature_pad_dup_strokes (BEACON_SIGNATURE_PAD (self->pad));
  g_autofree char *name = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->signer_entry))));

  g_signal_emit (self, signals[SIGN], 0, self->field->role, name, strokes);
}

/* Building --------------------------------------------------------------------------- */

static GtkWidget *
new_title_label (const char *text)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  return label;
}

static GtkWidget *
new_boxed_row (GtkWidget **out_box)
{
  GtkWidget *row = adw_preferences_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 8);

  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  gtk_widget_set_margin_top (box, 10);
  gtk_widget_set_margin_bottom (box, 10);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  *out_box = box;
  return row;
}

static char *
decorated_title (const BeaconReportField *field)
{
  const char *label = beacon_report_translate (field->label);

  /* Translators: a required field's title; keep the asterisk after the label */
  return field->required ? g_strdup_printf (_("%s *"), label) : g_strdup (label);
}

static void
build_row (BeaconReportFieldEditor *self)
{
  const BeaconReportField *field = self->field;
  g_autofree char *title = decorated_title (field);
  const char *label = beacon_report_translate (field->label);
  GtkWidget *box;

  switch (field->kind)
    {
    case BEACON_REPORT_FIELD_TEXT:
      self->row = self->entry = adw_entry_row_new ();
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->row), title);
      g_signal_connect_object (self->entry, "changed", G_CALLBACK (on_text_changed_cb), self, 0);
      break;

    case BEACON_REPORT_FIELD_DATE_TIME:
      {
        GtkWidget *now = gtk_button_new_from_icon_name ("document-open-recent-symbolic");

        self->row = self->entry = adw_entry_row_new ();
        adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->row), title);
        gtk_widget_set_tooltip_text (now, _("Now"));
        gtk_accessible_update_property (GTK_ACCESSIBLE (now), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                        _("Set to now"), -1);
        gtk_widget_set_valign (now, GTK_ALIGN_CENTER);
        gtk_widget_add_css_class (now, "flat");
        g_signal_connect_object (now, "clicked", G_CALLBACK (on_now_clicked_cb), self, 0);
        adw_entry_row_add_suffix (ADW_ENTRY_ROW (self->row), now);
        self->now_button = now;
        g_signal_connect_object (self->entry, "changed", G_CALLBACK (on_date_time_changed_cb), self, 0);
      }
      break;

    case BEACON_REPORT_FIELD_MULTILINE:
      {
        GtkWidget *frame = gtk_frame_new (NULL);

        self->row = new_boxed_row (&box);
        adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->row), title);
        gtk_box_append (GTK_BOX (box), new_title_label (title));
        self->text_view = gtk_text_view_new ();
        self->buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (self->text_view));
        gtk_text_view_set_wrap_mode (GTK_TEXT_VIEW (self->text_view), GTK_WRAP_WORD_CHAR);
        gtk_text_view_set_top_margin (GTK_TEXT_VIEW (self->text_view), 6);
        gtk_text_view_set_bottom_margin (GTK_TEXT_VIEW (self->text_view), 6);
        gtk_text_view_set_left_margin (GTK_TEXT_VIEW (self->text_view), 8);
        gtk_text_view_set_right_margin (GTK_TEXT_VIEW (self->text_view), 8);
        gtk_widget_set_size_request (self->text_view, -1, 72);
        gtk_accessible_update_property (GTK_ACCESSIBLE (self->text_view),
                                        GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
        gtk_frame_set_child (GTK_FRAME (frame), self->text_view);
        gtk_box_append (GTK_BOX (box), frame);
        g_signal_connect_object (self->buffer, "changed", G_CALLBACK (on_buffer_changed_cb), self, 0);
        watch_focus (self, self->text_view);
      }
      break;

    case BEACON_REPORT_FIELD_CHOICE:
      {
        g_autoptr(GtkStringList) labels = gtk_string_list_new (NULL);

        /* Translators: a choice nobody has made yet */
        gtk_string_list_append (labels, _("Not chosen"));
        for (guint i = 0; field->options != NULL && i < field->options->len; i++)
          gtk_string_list_append (labels, beacon_report_translate (((BeaconReportOption *)
                                                                    g_ptr_array_index (field->options, i))->label));
        self->row = adw_combo_row_new ();
        adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->row), title);
        adw_combo_row_set_model (ADW_COMBO_ROW (self->row), G_LIST_MODEL (labels));
        g_signal_connect_object (self->row, "notify::selected", G_CALLBACK (on_choice_selected_cb), self, 0);
      }
      break;

    case BEACON_REPORT_FIELD_CHECKLIST:
      self->row = adw_expander_row_new ();
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->row), title);
      adw_expander_row_set_expanded (ADW_EXPANDER_ROW (self->row), TRUE);
      self->checks = g_ptr_array_new ();
      for (guint i = 0; field->options != NULL && i < field->options->len; i++)
        {
          BeaconReportOption *option = g_ptr_array_index (field->options, i);
          GtkWidget *item = adw_action_row_new ();
          GtkWidget *check = gtk_check_button_new ();

          adw_preferences_row_set_title (ADW_PREFERENCES_ROW (item), beacon_report_translate (option->label));
          adw_action_row_add_prefix (ADW_ACTION_ROW (item), check);
          adw_action_row_set_activatable_widget (ADW_ACTION_ROW (item), check);
          g_signal_connect_object (check, "toggled", G_CALLBACK (on_check_toggled_cb), self, 0);
          adw_expander_row_add_row (ADW_EXPANDER_ROW (self->row), item);
          g_ptr_array_add (self->checks, check);
        }
      update_checklist_subtitle (self);
      break;

    case BEACON_REPORT_FIELD_NUMBER:
      {
        GtkAdjustment *adjustment = gtk_adjustment_new (0, field->has_min ? field->min : -1e12, 1e12,
                                                        1, 10, 0);

        self->row = adw_action_row_new ();
        adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->row), title);
        self->spin = gtk_spin_button_new (adjustment, 1, 0);
        gtk_spin_button_set_numeric (GTK_SPIN_BUTTON (self->spin), FALSE);
        gtk_spin_button_set_update_policy (GTK_SPIN_BUTTON (self->spin), GTK_UPDATE_IF_VALID);
        gtk_widget_set_valign (self->spin, GTK_ALIGN_CENTER);
        gtk_editable_set_width_chars (GTK_EDITABLE (self->spin), 8);
        gtk_accessible_update_property (GTK_ACCESSIBLE (self->spin), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
        adw_action_row_add_suffix (ADW_ACTION_ROW (self->row), self->spin);
        if (field->unit != NULL)
          {
            GtkWidget *unit = gtk_label_new (field->unit);

            gtk_widget_add_css_class (unit, "dim-label");
            adw_action_row_add_suffix (ADW_ACTION_ROW (self->row), unit);
          }
        if (field->derive != NULL)
          {
            /* Translators: a number the report works out from others */
            adw_action_row_set_subtitle (ADW_ACTION_ROW (self->row), _("Calculated"));
            gtk_editable_set_editable (GTK_EDITABLE (self->spin), FALSE);
            gtk_widget_set_can_focus (self->spin, FALSE);
          }
        g_signal_connect_object (self->spin, "changed", G_CALLBACK (on_number_changed_cb), self, 0);
        watch_focus (self, self->spin);
      }
      break;

    case BEACON_REPORT_FIELD_TABLE:
      {
        GtkWidget *header = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
        GtkWidget *title_label = new_title_label (title);

        self->row = new_boxed_row (&box);
        adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->row), title);
        gtk_widget_set_hexpand (title_label, TRUE);
        gtk_box_append (GTK_BOX (header), title_label);
        self->add_row_button = gtk_button_new_from_icon_name ("list-add-symbolic");
        gtk_widget_set_tooltip_text (self->add_row_button, _("Add a row"));
        gtk_widget_add_css_class (self->add_row_button, "flat");
        g_signal_connect_object (self->add_row_button, "clicked", G_CALLBACK (on_add_row_clicked_cb), self, 0);
        gtk_box_append (GTK_BOX (header), self->add_row_button);
        gtk_box_append (GTK_BOX (box), header);

        self->grid = gtk_grid_new ();
        gtk_grid_set_row_spacing (GTK_GRID (self->grid), 6);
        gtk_grid_set_column_spacing (GTK_GRID (self->grid), 6);
        gtk_accessible_update_property (GTK_ACCESSIBLE (self->grid), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
        for (guint c = 0; c < field->columns->len; c++)
          {
            const BeaconReportField *column = g_ptr_array_index (field->columns, c);
            g_autofree char *column_title = decorated_title (column);
            GtkWidget *heading = new_title_label (column_title);

            gtk_widget_add_css_class (heading, "caption-heading");
            gtk_widget_add_css_class (heading, "dim-label");
            gtk_grid_attach (GTK_GRID (self->grid), heading, c, 0, 1, 1);
          }
        self->table_rows = g_ptr_array_new_with_free_func ((GDestroyNotify) table_row_free);
        gtk_box_append (GTK_BOX (box), self->grid);
      }
      break;

    case BEACON_REPORT_FIELD_SIGNATURE:
      {
        GtkWidget *top = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
        GtkWidget *buttons = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
        GtkWidget *title_label = new_title_label (title);
        GtkWidget *spacer = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
        g_autofree char *pad_name = NULL;

        self->row = new_boxed_row (&box);
        adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->row), title);
        gtk_widget_add_css_class (title_label, "heading");
        gtk_widget_set_hexpand (title_label, TRUE);
        gtk_box_append (GTK_BOX (top), title_label);
        self->signer_entry = gtk_entry_new ();
        /* Translators: placeholder of the signer's name entry */
        gtk_entry_set_placeholder_text (GTK_ENTRY (self->signer_entry), _("Signer’s name"));
        gtk_editable_set_width_chars (GTK_EDITABLE (self->signer_entry), 18);
        gtk_accessible_update_property (GTK_ACCESSIBLE (self->signer_entry), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                        _("Signer’s name"), -1);
        g_signal_connect_object (self->signer_entry, "notify::text", G_CALLBACK (on_signer_changed_cb), self, 0);
        gtk_box_append (GTK_BOX (top), self->signer_entry);
        gtk_box_append (GTK_BOX (box), top);

        self->pad = beacon_signature_pad_new ();
        /* Translators: accessible name of the pad, e.g. “Signature of Engineer” */
        pad_name = g_strdup_printf (_("Signature of %s"), label);
        gtk_accessible_update_property (GTK_ACCESSIBLE (self->pad), GTK_ACCESSIBLE_PROPERTY_LABEL, pad_name, -1);
        g_signal_connect_object (self->pad, "notify::n-strokes", G_CALLBACK (on_signer_changed_cb), self, 0);
        gtk_box_append (GTK_BOX (box), self->pad);

        self->signed_label = gtk_label_new (NULL);
        gtk_label_set_xalign (GTK_LABEL (self->signed_label), 0);
        gtk_label_set_wrap (GTK_LABEL (self->signed_label), TRUE);
        gtk_widget_add_css_class (self->signed_label, "dim-label");
        gtk_widget_set_visible (self->signed_label, FALSE);
        gtk_box_append (GTK_BOX (box), self->signed_label);

        self->undo_button = gtk_button_new_from_icon_name ("edit-undo-symbolic");
        gtk_widget_set_tooltip_text (self->undo_button, _("Undo the last stroke"));
        g_signal_connect_object (self->undo_button, "clicked", G_CALLBACK (on_undo_clicked_cb), self, 0);
        gtk_box_append (GTK_BOX (buttons), self->undo_button);
        self->clear_button = gtk_button_new_with_mnemonic (_("C_lear"));
        g_signal_connect_object (self->clear_button, "clicked", G_CALLBACK (on_clear_clicked_cb), self, 0);
        gtk_box_append (GTK_BOX (buttons), self->clear_button);
        gtk_widget_set_hexpand (spacer, TRUE);
        gtk_box_append (GTK_BOX (buttons), spacer);
        self->sign_button = gtk_button_new_with_mnemonic (_("_Sign"));
        gtk_widget_add_css_class (self->sign_button, "suggested-action");
        g_signal_connect_object (self->sign_button, "clicked", G_CALLBACK (on_sign_clicked_cb), self, 0);
        gtk_box_append (GTK_BOX (buttons), self->sign_button);
        gtk_box_append (GTK_BOX (box), buttons);
        update_sign_button (self);
      }
      break;

    case BEACON_REPORT_N_FIELD_KINDS:
    default:
      g_assert_not_reached ();
    }

  g_object_set_data (G_OBJECT (self->row), "beacon-report-field-kind", GINT_TO_POINTER (field->kind + 1));
  g_object_set_data (G_OBJECT (self->row), "beacon-report-field-id", field->id);
  if (self->entry != NULL)
    watch_focus (self, self->entry);

  self->problem_row = adw_preferences_row_new ();
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (self->problem_row), FALSE);
  self->problem_label = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (self->problem_label), 0);
  gtk_label_set_wrap (GTK_LABEL (self->problem_label), TRUE);
  gtk_widget_add_css_class (self->problem_label, "field-error");
  gtk_widget_set_margin_bottom (self->problem_label, 6);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (self->problem_row), self->problem_label);
  gtk_widget_set_visible (self->problem_row, FALSE);
}

static void
update_problem_row (BeaconReportFieldEditor *self)
{
  const char *message = NULL;

  /* What was typed wrong comes first: it is what the person is looking at. */
  if (self->format_error != NULL && self->format_error_id == 0)
    message = self->format_error;
  else if (self->problem != NULL && (self->touched || self->show_untouched))
    message = self->problem;

  gtk_label_set_text (GTK_LABEL (self->problem_label), message ? message : "");
  gtk_widget_set_visible (self->problem_row, message != NULL);
  if (message != NULL)
    {
      gtk_widget_add_css_class (self->row, "error");
      gtk_accessible_update_property (GTK_ACCESSIBLE (self->row), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                      message, -1);
      gtk_accessible_update_state (GTK_ACCESSIBLE (self->row), GTK_ACCESSIBLE_STATE_INVALID,
                                   GTK_ACCESSIBLE_INVALID_TRUE, -1);
    }
  else
    {
      gtk_widget_remove_css_class (self->row, "error");
      gtk_accessible_reset_state (GTK_ACCESSIBLE (self->row), GTK_ACCESSIBLE_STATE_INVALID);
    }
}

static void
beacon_report_field_editor_dispose (GObject *object)
{
  BeaconReportFieldEditor *self = BEACON_REPORT_FIELD_EDITOR (object);

  g_clear_handle_id (&self->format_error_id, g_source_remove);
  g_clear_object (&self->row);
  g_clear_object (&self->problem_row);

  G_OBJECT_CLASS (beacon_report_field_editor_parent_class)->dispose (object);
}

static void
beacon_report_field_editor_finalize (GObject *object)
{
  BeaconReportFieldEditor *self = BEACON_REPORT_FIELD_EDITOR (object);

  g_clear_pointer (&self->checks, g_ptr_array_unref);
  g_clear_pointer (&self->table_rows, g_ptr_array_unref);
  g_free (self->format_error);
  g_free (self->problem);

  G_OBJECT_CLASS (beacon_report_field_editor_parent_class)->finalize (object);
}

static void
beacon_report_field_editor_class_init (BeaconReportFieldEditorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = beacon_report_field_editor_dispose;
  object_class->finalize = beacon_report_field_editor_finalize;

  /**
   * BeaconReportFieldEditor::changed:
   * @value: (transfer none): the field's new JSON value; a JSON null when emptied
   */
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_POINTER);
  /**
   * BeaconReportFieldEditor::flush:
   *
   * The person left the field, or made a choice: write now.
   */
  signals[FLUSH] = g_signal_new ("flush", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                 0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  /**
   * BeaconReportFieldEditor::sign:
   * @role: engineer or customer
   * @name: the signer's name
   * @strokes: (transfer none): the drawn signature
   */
  signals[SIGN] = g_signal_new ("sign", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                0, NULL, NULL, NULL, G_TYPE_NONE, 3,
                                G_TYPE_STRING, G_TYPE_STRING, G_TYPE_POINTER);
}

static void
beacon_report_field_editor_init (BeaconReportFieldEditor *self)
{
  self->editable = TRUE;
}

BeaconReportFieldEditor *
beacon_report_field_editor_new (const BeaconReportField *field)
{
  BeaconReportFieldEditor *self;

  g_return_val_if_fail (field != NULL, NULL);

  self = g_object_new (BEACON_TYPE_REPORT_FIELD_EDITOR, NULL);
  self->field = field;
  build_row (self);
  g_object_ref_sink (self->row);
  g_object_ref_sink (self->problem_row);
  return self;
}

const BeaconReportField *
beacon_report_field_editor_get_field (BeaconReportFieldEditor *self)
{
  g_return_val_if_fail (BEACON_IS_REPORT_FIELD_EDITOR (self), NULL);
  return self->field;
}

/* Returns: (transfer none): the row that edits the field */
GtkWidget *
beacon_report_field_editor_get_row (BeaconReportFieldEditor *self)
{
  g_return_val_if_fail (BEACON_IS_REPORT_FIELD_EDITOR (self), NULL);
  return self->row;
}

void
beacon_report_field_editor_add_to_group (BeaconReportFieldEditor *self,
                                         AdwPreferencesGroup     *group)
{
  g_return_if_fail (BEACON_IS_REPORT_FIELD_EDITOR (self));

  adw_preferences_group_add (group, self->row);
  adw_preferences_group_add (group, self->problem_row);
}

/**
 * beacon_report_field_editor_set_value:
 * @value: (nullable): the stored value
 *
 * Shows @value without emitting ::changed.
 */
void
beacon_report_field_editor_set_value (BeaconReportFieldEditor *self,
                                      JsonNode                *value)
{
  g_autofree char *text = NULL;

  g_return_if_fail (BEACON_IS_REPORT_FIELD_EDITOR (self));

  if (value != NULL && JSON_NODE_HOLDS_NULL (value))
    value = NULL;

  self->updating = TRUE;
  switch (self->field->kind)
    {
    case BEACON_REPORT_FIELD_TEXT:
      text = beacon_report_format_value (self->field, value);
      gtk_editable_set_text (GTK_EDITABLE (self->entry), text);
      break;
    case BEACON_REPORT_FIELD_DATE_TIME:
      text = value && JSON_NODE_HOLDS_VALUE (value) ? format_date_time (json_node_get_int (value))
                                                    : g_strdup ("");
      gtk_editable_set_text (GTK_EDITABLE (self->entry), text);
      break;
    case BEACON_REPORT_FIELD_MULTILINE:
      text = beacon_report_format_value (self->field, value);
      gtk_text_buffer_set_text (self->buffer, text, -1);
      break;
    case BEACON_REPORT_FIELD_CHOICE:
      {
        guint selected = 0;

        for (guint i = 0; value != NULL && i < self->field->options->len; i++)
          if (JSON_NODE_HOLDS_VALUE (value) &&
              g_strcmp0 (((BeaconReportOption *) g_ptr_array_index (self->field->options, i))->id,
                         json_node_get_string (value)) == 0)
            selected = i + 1;
        adw_combo_row_set_selected (ADW_COMBO_ROW (self->row), selected);
      }
      break;
    case BEACON_REPORT_FIELD_CHECKLIST:
      for (guint i = 0; i < self->checks->len; i++)
        {
          const char *id = ((BeaconReportOption *) g_ptr_array_index (self->field->options, i))->id;
          gboolean active = FALSE;

          for (guint j = 0; value != NULL && JSON_NODE_HOLDS_ARRAY (value) &&
                            j < json_array_get_length (json_node_get_array (value)); j++)
            if (g_strcmp0 (json_array_get_string_element (json_node_get_array (value), j), id) == 0)
              active = TRUE;
          gtk_check_button_set_active (g_ptr_array_index (self->checks, i), active);
        }
      break;
    case BEACON_REPORT_FIELD_NUMBER:
      if (value != NULL && JSON_NODE_HOLDS_VALUE (value))
        text = g_strdup_printf ("%g", json_node_get_double (value));
      gtk_editable_set_text (GTK_EDITABLE (self->spin), text ? text : "");
      break;
    case BEACON_REPORT_FIELD_TABLE:
      table_set_value (self, value);
      break;
    case BEACON_REPORT_FIELD_SIGNATURE:
    case BEACON_REPORT_N_FIELD_KINDS:
    default:
      break;
    }
  self->updating = FALSE;
  set_format_error (self, NULL);
}

/**
 * beacon_report_field_editor_set_problem:
 * @message: (nullable): what keeps the field from being complete
 * @show_untouched: show it even if the person has not edited the field
 *
 * A required field nobody has filled yet is not an error until the person
 * asks what is missing; a field they emptied is.
 */
void
beacon_report_field_editor_set_problem (BeaconReportFieldEditor *self,
                                        const char              *message,
                                        gboolean                 show_untouched)
{
  g_return_if_fail (BEACON_IS_REPORT_FIELD_EDITOR (self));

  g_free (self->problem);
  self->problem = g_strdup (message);
  self->show_untouched = show_untouched;
  update_problem_row (self);
}

/* Whether the widgets hold text that does not parse (and so is not saved). */
gboolean
beacon_report_field_editor_has_format_error (BeaconReportFieldEditor *self)
{
  g_return_val_if_fail (BEACON_IS_REPORT_FIELD_EDITOR (self), FALSE);
  return self->format_error != NULL;
}

void
beacon_report_field_editor_set_editable (BeaconReportFieldEditor *self,
                                         gboolean                 editable)
{
  g_return_if_fail (BEACON_IS_REPORT_FIELD_EDITOR (self));

  self->editable = editable;
  switch (self->field->kind)
    {
    case BEACON_REPORT_FIELD_TEXT:
    case BEACON_REPORT_FIELD_DATE_TIME:
      gtk_editable_set_editable (GTK_EDITABLE (self->entry), editable);
      if (self->now_button != NULL)
        gtk_widget_set_visible (self->now_button, editable);
      break;
    case BEACON_REPORT_FIELD_MULTILINE:
      gtk_text_view_set_editable (GTK_TEXT_VIEW (self->text_view), editable);
      gtk_text_view_set_cursor_visible (GTK_TEXT_VIEW (self->text_view), editable);
      break;
    case BEACON_REPORT_FIELD_NUMBER:
      gtk_editable_set_editable (GTK_EDITABLE (self->spin), editable && self->field->derive == NULL);
      break;
    case BEACON_REPORT_FIELD_TABLE:
      gtk_widget_set_visible (self->add_row_button, editable);
      for (guint r = 0; r < self->table_rows->len; r++)
        {
          TableRow *row = g_ptr_array_index (self->table_rows, r);

          gtk_widget_set_visible (row->remove_button, editable);
          for (guint c = 0; c < row->cells->len; c++)
            {
              GtkWidget *cell = g_ptr_array_index (row->cells, c);

              if (GTK_IS_EDITABLE (cell))
                gtk_editable_set_editable (GTK_EDITABLE (cell), editable);
              else
                gtk_widget_set_sensitive (cell, editable);
            }
        }
      break;
    case BEACON_REPORT_FIELD_CHOICE:
    case BEACON_REPORT_FIELD_CHECKLIST:
      gtk_widget_set_sensitive (self->row, editable);
      if (self->field->kind == BEACON_REPORT_FIELD_CHECKLIST)
        adw_expander_row_set_expanded (ADW_EXPANDER_ROW (self->row), TRUE);
      break;
    case BEACON_REPORT_FIELD_SIGNATURE:
      beacon_signature_pad_set_editable (BEACON_SIGNATURE_PAD (self->pad), editable && !self->signed_);
      gtk_editable_set_editable (GTK_EDITABLE (self->signer_entry), editable && !self->signed_);
      update_sign_button (self);
      break;
    case BEACON_REPORT_N_FIELD_KINDS:
    default:
      break;
    }
}

/* Whether the report is complete, so that this signature may be made. */
void
beacon_report_field_editor_set_can_sign (BeaconReportFieldEditor *self,
                                         gboolean                 can_sign)
{
  g_return_if_fail (BEACON_IS_REPORT_FIELD_EDITOR (self));

  self->can_sign = can_sign;
  update_sign_button (self);
}

/**
 * beacon_report_field_editor_set_signature:
 * @signature: (nullable): the signature that counts for the field's role
 */
void
beacon_report_field_editor_set_signature (BeaconReportFieldEditor *self,
                                          BeaconReportSignature   *signature)
{
  g_return_if_fail (BEACON_IS_REPORT_FIELD_EDITOR (self));
  g_return_if_fail (self->field->kind == BEACON_REPORT_FIELD_SIGNATURE);

  self->signed_ = signature != NULL;
  if (signature != NULL)
    {
      g_autoptr(GDateTime) at = g_date_time_new_from_unix_local (signature->signed_at);
      g_autofree char *when = at ? g_date_time_format (at, "%Y-%m-%d %H:%M") : g_strdup ("");
      /* Translators: under a signature: the signer's name and when they signed */
      g_autofree char *text = g_strdup_printf (_("Signed by %s on %s"), signature->name, when);

      gtk_editable_set_text (GTK_EDITABLE (self->signer_entry), signature->name);
      beacon_signature_pad_set_strokes (BEACON_SIGNATURE_PAD (self->pad), signature->strokes);
      gtk_label_set_text (GTK_LABEL (self->signed_label), text);
    }
  gtk_widget_set_visible (self->signed_label, self->signed_);
  gtk_widget_set_visible (gtk_widget_get_parent (self->sign_button), !self->signed_);
  beacon_report_field_editor_set_editable (self, self->editable);
}

/* Returns: (transfer none) (nullable): the pad of a signature field */
BeaconSignaturePad *
beacon_report_field_editor_get_pad (BeaconReportFieldEditor *self)
{
  g_return_val_if_fail (BEACON_IS_REPORT_FIELD_EDITOR (self), NULL);
  return self->pad ? BEACON_SIGNATURE_PAD (self->pad) : NULL;
}

GtkEditable *
beacon_report_field_editor_get_signer_entry (BeaconReportFieldEditor *self)
{
  g_return_val_if_fail (BEACON_IS_REPORT_FIELD_EDITOR (self), NULL);
  return self->signer_entry ? GTK_EDITABLE (self->signer_entry) : NULL;
}

GtkWidget *
beacon_report_field_editor_get_sign_button (BeaconReportFieldEditor *self)
{
  g_return_val_if_fail (BEACON_IS_REPORT_FIELD_EDITOR (self), NULL);
  return self->sign_button;
}
