/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "beacon-print"

#include "config.h"

#include <cairo-pdf.h>
#include <glib/gi18n-lib.h>
#include <pango/pangocairo.h>

#include "beacon-error.h"
#include "beacon-json.h"
#include "beacon-report-render.h"

/*
 * Layout first, drawing later: paginate() turns the report into a list of
 * pages, each a list of positioned operations (text, boxes, lines,
 * signatures); draw_page() replays one page. Tables that do not fit break
 * between rows and repeat their header row on the next page. All text goes
 * through Pango, so Chinese falls back to a CJK font and Cairo's PDF
 * surface embeds subsets of the fonts used.
 */

#define MARGIN_X       42.0
#define MARGIN_TOP     36.0
#define HEADER_HEIGHT  44.0
#define FOOTER_HEIGHT  30.0
#define CELL_PAD       4.0
#define SECTION_GAP    10.0
#define SIGNATURE_H    118.0
#define FONT_FAMILY    "Noto Sans CJK SC, Noto Sans, DejaVu Sans, sans-serif"

typedef enum
{
  OP_TEXT,
  OP_FILL,
  OP_STROKE,
  OP_SIGNATURE,
} OpKind;

typedef struct
{
  OpKind       kind;
  double       x, y, w, h;
  PangoLayout *layout;      /* OP_TEXT */
  double       gray;        /* OP_FILL, OP_TEXT colour */
  JsonNode    *strokes;     /* OP_SIGNATURE, borrowed from the render */
} Op;

struct _BeaconReportRender
{
  BeaconReport    *report;
  char            *company_name;
  cairo_surface_t *logo;
  GPtrArray       *signature_nodes;  /* JsonNode, owned */

  PangoContext    *context;
  double           page_width, page_height;
  GPtrArray       *pages;            /* GPtrArray of Op */

  /* while laying out */
  GPtrArray       *page;
  double           y;
};

static void
op_free (Op *op)
{
  g_clear_object (&op->layout);
  g_free (op);
}

BeaconReportRender *
beacon_report_render_new (BeaconReport *report,
                          const char   *company_name,
                          const char   *logo_path)
{
  BeaconReportRender *self;

  g_return_val_if_fail (report != NULL, NULL);

  self = g_new0 (BeaconReportRender, 1);
  self->report = report;
  self->company_name = g_strdup (company_name != NULL && *company_name != '\0'
                                 ? company_name : _("Emergency Broadcast Technical Service Centre"));
  if (logo_path != NULL && *logo_path != '\0')
    {
      self->logo = cairo_image_surface_create_from_png (logo_path);
      if (cairo_surface_status (self->logo) != CAIRO_STATUS_SUCCESS)
        {
          g_warning ("Could not read the logo %s (a PNG file is needed)", logo_path);
          g_clear_pointer (&self->logo, cairo_surface_destroy);
        }
    }
  self->signature_nodes = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);
  self->pages = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);

  return self;
}

void
beacon_report_render_free (BeaconReportRender *self)
{
  if (self == NULL)
    return;

  g_free (self->company_name);
  g_clear_pointer (&self->logo, cairo_surface_destroy);
  g_clear_pointer (&self->pages, g_ptr_array_unref);
  g_clear_pointer (&self->signature_nodes, g_ptr_array_unref);
  g_clear_object (&self->context);
  g_free (self);
}

/* Layout ------------------------------------------------------------------- */

static double
content_width (BeaconReportRender *self)
{
  return self->page_width - 2 * MARGIN_X;
}

static double
content_top (void)
{
  return MARGIN_TOP + HEADER_HEIGHT;
}

static double
content_bottom (BeaconReportRender *self)
{
  return self->page_height - MARGIN_TOP - FOOTER_HEIGHT;
}

static void
new_page (BeaconReportRender *self)
{
  self->page = g_ptr_array_new_with_free_func ((GDestroyNotify) op_free);
  g_ptr_array_add (self->pages, self->page);
  self->y = content_top ();
}

static PangoLayout *
make_layout (BeaconReportRender *self,
             const char         *text,
             double              size,
             gboolean            bold,
             double              width,
             PangoAlignment      alignment)
{
  PangoLayout *layout = pango_layout_new (self->context);
  g_autoptr(PangoFontDescription) font = pango_font_description_from_string (FONT_FAMILY);

  pango_font_description_set_size (font, (int) (size * PANGO_SCALE));
  pango_font_description_set_weight (font, bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
  pango_layout_set_font_description (layout, font);
  if (width > 0)
    {
      pango_layout_set_width (layout, (int) (width * PANGO_SCALE));
      pango_layout_set_wrap (layout, PANGO_WRAP_WORD_CHAR);
    }
  pango_layout_set_alignment (layout, alignment);
  pango_layout_set_text (layout, text ? text : "", -1);

  return layout;
}

static double
layout_height (PangoLayout *layout)
{
  int height;

  pango_layout_get_size (layout, NULL, &height);
  return (double) height / PANGO_SCALE;
}

static Op *
add_op (GPtrArray *page,
        OpKind     kind,
        double     x,
        double     y,
        double     w,
        double     h)
{
  Op *op = g_new0 (Op, 1);

  op->kind = kind;
  op->x = x;
  op->y = y;
  op->w = w;
  op->h = h;
  g_ptr_array_add (page, op);
  return op;
}

static void
add_text (GPtrArray   *page,
          PangoLayout *layout,
          double       x,
          double       y,
          double       gray)
{
  Op *op = add_op (page, OP_TEXT, x, y, 0, 0);

  op->layout = layout;
  op->gray = gray;
}

/* Starts a new page unless @height fits below the cursor. */
static gboolean
ensure_space (BeaconReportRender *self,
              double              height)
{
  if (self->y + height <= content_bottom (self) || self->y <= content_top () + 0.5)
    return FALSE;
  new_page (self);
  return TRUE;
}

/* A row of cells: texts with widths; draws the borders and an optional fill. */
static double
measure_row (GPtrArray *layouts)
{
  double height = 0;

  for (guint i = 0; i < layouts->len; i++)
    height = MAX (height, layout_height (g_ptr_array_index (layouts, i)));
  return height + 2 * CELL_PAD;
}

static void
place_row (BeaconReportRender *self,
           GPtrArray          *layouts,   /* PangoLayout, transfer full */
           const double       *widths,
           double              height,
           double              fill)
{
  double x = MARGIN_X;

  for (guint i = 0; i < layouts->len; i++)
    {
      if (fill > 0)
        add_op (self->page, OP_FILL, x, self->y, widths[i], height)->gray = fill;
      add_op (self->page, OP_STROKE, x, self->y, widths[i], height);
      add_text (self->page, g_object_ref (g_ptr_array_index (layouts, i)),
                x + CELL_PAD, self->y + CELL_PAD, 0);
      x += widths[i];
    }
  self->y += height;
}

static void
lay_out_title (BeaconReportRender *self)
{
  BeaconReport *report = self->report;
  PangoLayout *layout;
  g_autoptr(GString) meta = g_string_new (NULL);

  layout = make_layout (self, beacon_report_translate (report->template->title), 17, TRUE,
                        content_width (self), PANGO_ALIGN_CENTER);
  add_text (self->page, layout, MARGIN_X, self->y, 0);
  self->y += layout_height (layout) + 2;

  if (report->template->subtitle != NULL)
    {
      layout = make_layout (self, beacon_report_translate (report->template->subtitle), 12, TRUE,
                            content_width (self), PANGO_ALIGN_CENTER);
      add_text (self->page, layout, MARGIN_X, self->y, 0);
      self->y += layout_height (layout) + 2;
    }

  g_string_append_printf (meta, _("Report %s"), report->id);
  if (report->revision_of != NULL)
    g_string_append_printf (meta, " · %s", _("amends an earlier sealed report"));
  g_string_append_printf (meta, " · %s", beacon_report_status_get_label (report->status));
  layout = make_layout (self, meta->str, 7.5, FALSE, content_width (self), PANGO_ALIGN_CENTER);
  add_text (self->page, layout, MARGIN_X, self->y, 0.35);
  self->y += layout_height (layout) + SECTION_GAP;
}

static void
lay_out_section_title (BeaconReportRender  *self,
                       BeaconReportSection *section)
{
  const char *title = beacon_report_translate (section->title);
  PangoLayout *layout = make_layout (self, title, 10.5, TRUE, content_width (self), PANGO_ALIGN_LEFT);
  double height = layout_height (layout) + 4;
  double keep = 30;

  /* Keep a heading with the first thing that follows: a row, a table's
   * header and first row, or a row of signature boxes. */
  if (section->fields->len > 0)
    {
      const BeaconReportField *first = g_ptr_array_index (section->fields, 0);

      if (first->kind == BEACON_REPORT_FIELD_SIGNATURE)
        keep = SIGNATURE_H + 4;
      else if (first->kind == BEACON_REPORT_FIELD_TABLE || first->full_span)
        keep = 80;
    }
  ensure_space (self, height + keep);
  add_op (self->page, OP_FILL, MARGIN_X, self->y, 3, height - 2)->gray = 0.25;
  add_text (self->page, layout, MARGIN_X + 7, self->y, 0);
  self->y += height + 2;
}

static char *
format_checklist (const BeaconReportField *field,
                  JsonNode                *value)
{
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < field->options->len; i++)
    {
      const BeaconReportOption *item = g_ptr_array_index (field->options, i);
      gboolean checked = FALSE;

      for (guint k = 0; value != NULL && JSON_NODE_HOLDS_ARRAY (value) &&
                        k < json_array_get_length (json_node_get_array (value)); k++)
        if (g_strcmp0 (json_array_get_string_element (json_node_get_array (value), k), item->id) == 0)
          checked = TRUE;

      g_string_append_printf (text, "%s%s  %s", i ? "\n" : "", checked ? "☑" : "☐",
                              beacon_report_translate (item->label));
    }

  return g_string_free (text, FALSE);
}

static void
lay_out_field (BeaconReportRender      *self,
               const BeaconReportField *field)
{
  JsonNode *value = beacon_report_get_value (self->report, field->id);
  g_autofree char *text = NULL;
  g_autoptr(GPtrArray) layouts = g_ptr_array_new_with_free_func (g_object_unref);
  double label_w = content_width (self) * self->report->template->label_width;
  double widths[2];
  double height;

  text = field->kind == BEACON_REPORT_FIELD_CHECKLIST ? format_checklist (field, value)
                                                      : beacon_report_format_value (field, value);

  if (field->full_span)
    {
      widths[0] = content_width (self);
      g_ptr_array_add (layouts, make_layout (self, beacon_report_translate (field->label), 9, TRUE,
                                             widths[0] - 2 * CELL_PAD, PANGO_ALIGN_LEFT));
      height = measure_row (layouts);
      ensure_space (self, height + 24);
      place_row (self, layouts, widths, height, 0.93);

      g_ptr_array_set_size (layouts, 0);
      g_ptr_array_add (layouts, make_layout (self, text, 9, FALSE, widths[0] - 2 * CELL_PAD,
                                             PANGO_ALIGN_LEFT));
      height = MAX (measure_row (layouts), 22);
      ensure_space (self, height);
      place_row (self, layouts, widths, height, 0);
      return;
    }

  widths[0] = label_w;
  widths[1] = content_width (self) - label_w;
  g_ptr_array_add (layouts, make_layout (self, beacon_report_translate (field->label), 9, TRUE,
                                         widths[0] - 2 * CELL_PAD, PANGO_ALIGN_LEFT));
  g_ptr_array_add (layouts, make_layout (self, text, 9, FALSE, widths[1] - 2 * CELL_PAD,
                                         PANGO_ALIGN_LEFT));
  height = measure_row (layouts);
  ensure_space (self, height);
  /* The label cell is shaded: place the two cells by hand. */
  add_op (self->page, OP_FILL, MARGIN_X, self->y, widths[0], height)->gray = 0.93;
  place_row (self, layouts, widths, height, 0);
}

static char *
format_cell (const BeaconReportField *column,
             JsonNode                *cell)
{
  if (cell == NULL || JSON_NODE_HOLDS_NULL (cell))
    return g_strdup ("");
  return beacon_report_format_value (column, cell);
}

static void
table_header (BeaconReportRender      *self,
              const BeaconReportField *field,
              const double            *widths,
              gboolean                 continued)
{
  g_autoptr(GPtrArray) layouts = g_ptr_array_new_with_free_func (g_object_unref);
  g_autofree char *title = continued
                           ? g_strdup_printf (_("%s (continued)"), beacon_report_translate (field->label))
                           : g_strdup (beacon_report_translate (field->label));
  PangoLayout *caption = make_layout (self, title, 9, TRUE, content_width (self), PANGO_ALIGN_LEFT);
  double height;

  add_text (self->page, caption, MARGIN_X, self->y + 2, 0);
  self->y += layout_height (caption) + 4;

  for (guint c = 0; c < field->columns->len; c++)
    {
      const BeaconReportField *column = g_ptr_array_index (field->columns, c);

      g_ptr_array_add (layouts, make_layout (self, beacon_report_translate (column->label), 8.5, TRUE,
                                             widths[c] - 2 * CELL_PAD, PANGO_ALIGN_LEFT));
    }
  height = measure_row (layouts);
  place_row (self, layouts, widths, height, 0.88);
}

static void
lay_out_table (BeaconReportRender      *self,
               const BeaconReportField *field)
{
  JsonNode *value = beacon_report_get_value (self->report, field->id);
  JsonArray *rows = value && JSON_NODE_HOLDS_ARRAY (value) ? json_node_get_array (value) : NULL;
  guint n_columns = field->columns->len;
  g_autofree double *widths = g_new0 (double, n_columns);
  double total = 0;

  for (guint c = 0; c < n_columns; c++)
    total += ((BeaconReportField *) g_ptr_array_index (field->columns, c))->width > 0
             ? ((BeaconReportField *) g_ptr_array_index (field->columns, c))->width : 1;
  for (guint c = 0; c < n_columns; c++)
    {
      double share = ((BeaconReportField *) g_ptr_array_index (field->columns, c))->width;

      widths[c] = content_width (self) * (share > 0 ? share : 1) / total;
    }

  /* The caption, the header and a first row stay together. */
  self->y += 6;
  ensure_space (self, 70);
  table_header (self, field, widths, FALSE);

  if (rows == NULL || json_array_get_length (rows) == 0)
    {
      g_autoptr(GPtrArray) layouts = g_ptr_array_new_with_free_func (g_object_unref);
      double full[1] = { content_width (self) };

      g_ptr_array_add (layouts, make_layout (self, _("(no rows)"), 8.5, FALSE, full[0] - 2 * CELL_PAD,
                                             PANGO_ALIGN_LEFT));
      place_row (self, layouts, full, measure_row (layouts), 0);
      return;
    }

  for (guint r = 0; r < json_array_get_length (rows); r++)
    {
      JsonObject *row = json_array_get_object_element (rows, r);
      g_autoptr(GPtrArray) layouts = g_ptr_array_new_with_free_func (g_object_unref);
      double height;

      for (guint c = 0; c < n_columns; c++)
        {
          const BeaconReportField *column = g_ptr_array_index (field->columns, c);
          g_autofree char *text = format_cell (column, row ? json_object_get_member (row, column->id)
                                                           : NULL);

          g_ptr_array_add (layouts, make_layout (self, text, 8.5, FALSE, widths[c] - 2 * CELL_PAD,
                                                 PANGO_ALIGN_LEFT));
        }
      height = measure_row (layouts);
      if (ensure_space (self, height))
        table_header (self, field, widths, TRUE);
      place_row (self, layouts, widths, height, r % 2 ? 0.97 : 0);
    }
}

static void
lay_out_signatures (BeaconReportRender *self,
                    GPtrArray          *fields)
{
  double gap = 12;
  double box_w = (content_width (self) - gap) / 2;

  for (guint i = 0; i < fields->len; i++)
    {
      const BeaconReportField *field = g_ptr_array_index (fields, i);
      BeaconReportSignature *signature = beacon_report_get_signature (self->report, field->role);
      double x = MARGIN_X + (i % 2) * (box_w + gap);
      g_autofree char *caption = NULL;
      PangoLayout *layout;

      if (i % 2 == 0)
        {
          if (i > 0)
            self->y += SIGNATURE_H + gap;
          ensure_space (self, SIGNATURE_H);
        }

      add_op (self->page, OP_STROKE, x, self->y, box_w, SIGNATURE_H);
      layout = make_layout (self, beacon_report_translate (field->label), 8.5, TRUE,
                            box_w - 2 * CELL_PAD, PANGO_ALIGN_LEFT);
      add_text (self->page, layout, x + CELL_PAD, self->y + CELL_PAD, 0.3);

      if (signature != NULL)
        {
          g_autoptr(GDateTime) when = g_date_time_new_from_unix_local (signature->signed_at);
          g_autofree char *time = g_date_time_format (when, "%Y-%m-%d %H:%M");
          JsonNode *strokes = beacon_json_parse (signature->strokes, NULL);

          if (strokes != NULL)
            {
              Op *op = add_op (self->page, OP_SIGNATURE, x + 10, self->y + 18, box_w - 20,
                               SIGNATURE_H - 50);

              g_ptr_array_add (self->signature_nodes, strokes);
              op->strokes = strokes;
            }
          caption = g_strdup_printf ("%s    %s", signature->name, time);
        }
      else
        caption = g_strdup (_("Not signed"));

      add_op (self->page, OP_STROKE, x + 10, self->y + SIGNATURE_H - 28, box_w - 20, 0);
      layout = make_layout (self, caption, 9, FALSE, box_w - 2 * CELL_PAD, PANGO_ALIGN_LEFT);
      add_text (self->page, layout, x + CELL_PAD + 6, self->y + SIGNATURE_H - 24, 0);
    }

  if (fields->len > 0)
    self->y += SIGNATURE_H + gap;
}

/**
 * beacon_report_render_paginate:
 * @cr: a context like the one pages will be drawn on (fonts are measured on it)
 *
 * Returns: the number of pages
 */
guint
beacon_report_render_paginate (BeaconReportRender *self,
                               cairo_t            *cr,
                               double              page_width,
                               double              page_height)
{
  BeaconReportTemplate *template;

  g_return_val_if_fail (self != NULL && cr != NULL, 0);

  template = self->report->template;
  g_clear_object (&self->context);
  self->context = pango_cairo_create_context (cr);
  pango_cairo_context_set_resolution (self->context, 72);
  self->page_width = page_width;
  self->page_height = page_height;
  g_ptr_array_set_size (self->pages, 0);
  g_ptr_array_set_size (self->signature_nodes, 0);

  new_page (self);
  lay_out_title (self);

  for (guint s = 0; s < template->sections->len; s++)
    {
      BeaconReportSection *section = g_ptr_array_index (template->sections, s);
      g_autoptr(GPtrArray) signatures = g_ptr_array_new ();

      lay_out_section_title (self, section);
      for (guint f = 0; f < section->fields->len; f++)
        {
          const BeaconReportField *field = g_ptr_array_index (section->fields, f);

          if (field->kind == BEACON_REPORT_FIELD_SIGNATURE)
            g_ptr_array_add (signatures, (gpointer) field);
          else if (field->kind == BEACON_REPORT_FIELD_TABLE)
            lay_out_table (self, field);
          else
            lay_out_field (self, field);
        }
      lay_out_signatures (self, signatures);
      self->y += SECTION_GAP;
    }

  self->page = NULL;
  return self->pages->len;
}

guint
beacon_report_render_get_n_pages (BeaconReportRender *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->pages->len;
}

/* Drawing ------------------------------------------------------------------ */

static void
draw_strokes (cairo_t  *cr,
              JsonNode *node,
              double    x,
              double    y,
              double    w,
              double    h)
{
  JsonObject *object = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
  JsonNode *strokes_node = object ? json_object_get_member (object, "strokes") : NULL;
  JsonArray *strokes = strokes_node && JSON_NODE_HOLDS_ARRAY (strokes_node) ? json_node_get_array (strokes_node) : NULL;
  double width = object ? json_object_get_double_member_with_default (object, "width", 0) : 0;
  double height = object ? json_object_get_double_member_with_default (object, "height", 0) : 0;
  double scale;

  if (strokes == NULL || width <= 0 || height <= 0)
    return;

  scale = MIN (w / width, h / height);
  cairo_save (cr);
  cairo_translate (cr, x + (w - width * scale) / 2, y + (h - height * scale) / 2);
  cairo_set_source_rgb (cr, 0.05, 0.1, 0.35);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);

  for (guint s = 0; s < json_array_get_length (strokes); s++)
    {
      JsonArray *stroke = json_array_get_array_element (strokes, s);

      for (guint p = 1; stroke != NULL && p < json_array_get_length (stroke); p++)
        {
          JsonArray *a = json_array_get_array_element (stroke, p - 1);
          JsonArray *b = json_array_get_array_element (stroke, p);
          double pressure = json_array_get_length (b) > 2 ? json_array_get_double_element (b, 2) : 0.5;

          /* Each segment is as thick as the pen pressed there. */
          cairo_set_line_width (cr, 0.6 + 1.6 * CLAMP (pressure, 0, 1));
          cairo_move_to (cr, json_array_get_double_element (a, 0) * scale,
                         json_array_get_double_element (a, 1) * scale);
          cairo_line_to (cr, json_array_get_double_element (b, 0) * scale,
                         json_array_get_double_element (b, 1) * scale);
          cairo_stroke (cr);
        }
    }
  cairo_restore (cr);
}

static void
draw_text (cairo_t     *cr,
           PangoLayout *layout,
           double       x,
           double       y,
           double       gray)
{
  cairo_set_source_rgb (cr, gray, gray, gray);
  cairo_move_to (cr, x, y);
  pango_cairo_update_layout (cr, layout);
  pango_cairo_show_layout (cr, layout);
  /* No current point may leak into the next path (or the next page). */
  cairo_new_path (cr);
}

static void
draw_default_logo (cairo_t *cr,
                   double   x,
                   double   y,
                   double   size)
{
  /* A beacon: a dot with two arcs of a broadcast. */
  cairo_save (cr);
  cairo_set_source_rgb (cr, 0.75, 0.1, 0.1);
  cairo_arc (cr, x + size / 2, y + size * 0.62, size * 0.12, 0, 2 * G_PI);
  cairo_fill (cr);
  cairo_set_line_width (cr, size * 0.07);
  for (int i = 1; i <= 2; i++)
    {
      cairo_arc (cr, x + size / 2, y + size * 0.62, size * (0.12 + 0.16 * i),
                 -G_PI * 0.85, -G_PI * 0.15);
      cairo_stroke (cr);
    }
  cairo_restore (cr);
}

static void
draw_header_footer (BeaconReportRender *self,
                    cairo_t            *cr,
                    guint               page)
{
  BeaconReport *report = self->report;
  double logo_size = 26;
  double top = MARGIN_TOP;
  double bottom = self->page_height - MARGIN_TOP - FOOTER_HEIGHT + 8;
  double third = content_width (self) / 3;
  g_autoptr(PangoLayout) company = NULL;
  g_autoptr(PangoLayout) title = NULL;
  g_autoptr(PangoLayout) left = NULL;
  g_autoptr(PangoLayout) middle = NULL;
  g_autoptr(PangoLayout) right = NULL;
  g_autofree char *ticket = NULL;
  g_autofree char *page_text = NULL;
  g_autofree char *seal = NULL;

  if (self->logo != NULL)
    {
      double scale = logo_size / MAX (cairo_image_surface_get_height (self->logo), 1);

      cairo_save (cr);
      cairo_translate (cr, MARGIN_X, top);
      cairo_scale (cr, scale, scale);
      cairo_set_source_surface (cr, self->logo, 0, 0);
      cairo_paint (cr);
      cairo_restore (cr);
    }
  else
    draw_default_logo (cr, MARGIN_X, top, logo_size);

  company = make_layout (self, self->company_name, 11, TRUE, content_width (self) / 2,
                         PANGO_ALIGN_LEFT);
  draw_text (cr, company, MARGIN_X + logo_size + 8, top + 5, 0.1);
  title = make_layout (self, beacon_report_translate (report->template->title), 8.5, FALSE,
                       content_width (self) / 2, PANGO_ALIGN_RIGHT);
  draw_text (cr, title, MARGIN_X + content_width (self) / 2, top + 8, 0.35);

  cairo_set_source_rgb (cr, 0.6, 0.1, 0.1);
  cairo_set_line_width (cr, 1.2);
  cairo_move_to (cr, MARGIN_X, top + logo_size + 6);
  cairo_line_to (cr, MARGIN_X + content_width (self), top + logo_size + 6);
  cairo_stroke (cr);

  cairo_set_source_rgb (cr, 0.6, 0.6, 0.6);
  cairo_set_line_width (cr, 0.5);
  cairo_move_to (cr, MARGIN_X, bottom - 4);
  cairo_line_to (cr, MARGIN_X + content_width (self), bottom - 4);
  cairo_stroke (cr);

  ticket = g_strdup_printf (_("Ticket %s"), report->ticket_number ? report->ticket_number : "—");
  page_text = g_strdup_printf (_("Page %u of %u"), page + 1, self->pages->len);
  seal = report->sealed ? g_strdup_printf (_("Seal SHA-256 %.16s"), report->sealed_sha256)
                        : g_strdup (_("Draft, not sealed"));

  left = make_layout (self, ticket, 7.5, FALSE, third, PANGO_ALIGN_LEFT);
  middle = make_layout (self, page_text, 7.5, FALSE, third, PANGO_ALIGN_CENTER);
  right = make_layout (self, seal, 7.5, FALSE, third, PANGO_ALIGN_RIGHT);
  draw_text (cr, left, MARGIN_X, bottom, 0.3);
  draw_text (cr, middle, MARGIN_X + third, bottom, 0.3);
  draw_text (cr, right, MARGIN_X + 2 * third, bottom, 0.3);
}

/**
 * beacon_report_render_draw_page:
 * @page: from 0
 *
 * Draws one page laid out by beacon_report_render_paginate () at the
 * origin of @cr, in points.
 */
void
beacon_report_render_draw_page (BeaconReportRender *self,
                                cairo_t            *cr,
                                guint               page)
{
  GPtrArray *ops;

  g_return_if_fail (self != NULL && cr != NULL);
  g_return_if_fail (page < self->pages->len);

  ops = g_ptr_array_index (self->pages, page);

  cairo_save (cr);
  cairo_new_path (cr);
  draw_header_footer (self, cr, page);

  for (guint i = 0; i < ops->len; i++)
    {
      Op *op = g_ptr_array_index (ops, i);

      switch (op->kind)
        {
        case OP_TEXT:
          draw_text (cr, op->layout, op->x, op->y, op->gray);
          break;

        case OP_FILL:
          cairo_set_source_rgb (cr, op->gray, op->gray, op->gray);
          cairo_rectangle (cr, op->x, op->y, op->w, op->h);
          cairo_fill (cr);
          break;

        case OP_STROKE:
          cairo_set_source_rgb (cr, 0.55, 0.55, 0.55);
          cairo_set_line_width (cr, 0.5);
          if (op->h == 0)
            {
              cairo_move_to (cr, op->x, op->y);
              cairo_line_to (cr, op->x + op->w, op->y);
            }
          else
            cairo_rectangle (cr, op->x, op->y, op->w, op->h);
          cairo_stroke (cr);
          break;

        case OP_SIGNATURE:
          draw_strokes (cr, op->strokes, op->x, op->y, op->w, op->h);
          break;

        default:
          g_assert_not_reached ();
        }
    }
  cairo_restore (cr);
}

/**
 * beacon_report_render_to_pdf:
 *
 * Writes the report as an A4 PDF with the fonts embedded.
 */
gboolean
beacon_report_render_to_pdf (BeaconReportRender  *self,
                             const char          *path,
                             GError             **error)
{
  cairo_surface_t *surface;
  cairo_status_t status;
  cairo_t *cr;
  g_autofree char *title = NULL;

  g_return_val_if_fail (self != NULL && path != NULL, FALSE);

  surface = cairo_pdf_surface_create (path, BEACON_REPORT_PAGE_WIDTH, BEACON_REPORT_PAGE_HEIGHT);
  status = cairo_surface_status (surface);
  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_FAILED,
                   _("Could not write the PDF %s: %s"), path, cairo_status_to_string (status));
      cairo_surface_destroy (surface);
      return FALSE;
    }

  title = g_strdup_printf ("%s %s", beacon_report_translate (self->report->template->title),
                           self->report->ticket_number ? self->report->ticket_number : "");
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_TITLE, title);
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_CREATOR, "Beacon");

  cr = cairo_create (surface);
  beacon_report_render_paginate (self, cr, BEACON_REPORT_PAGE_WIDTH, BEACON_REPORT_PAGE_HEIGHT);
  for (guint page = 0; page < self->pages->len; page++)
    {
      beacon_report_render_draw_page (self, cr, page);
      cairo_show_page (cr);
    }
  cairo_destroy (cr);
  cairo_surface_finish (surface);
  status = cairo_surface_status (surface);
  cairo_surface_destroy (surface);

  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_FAILED,
                   _("Could not write the PDF %s: %s"), path, cairo_status_to_string (status));
      return FALSE;
    }

  return TRUE;
}
