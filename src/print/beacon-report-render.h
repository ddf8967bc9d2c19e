/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <cairo.h>

#include "beacon-report.h"

G_BEGIN_DECLS

/* A4 in points, the unit the renderer works in. */
#define BEACON_REPORT_PAGE_WIDTH  595.2756
#define BEACON_REPORT_PAGE_HEIGHT 841.8898

typedef struct _BeaconReportRender BeaconReportRender;

/**
 * BeaconReportRender:
 *
 * Lays a report out on pages and draws them with Pango and Cairo. The same
 * object serves PDF export (beacon_report_render_to_pdf ()) and printing:
 * GtkPrintOperation calls beacon_report_render_paginate () in its paginate
 * step and beacon_report_render_draw_page () for each page, with a cairo_t in
 * points.
 */
BeaconReportRender *beacon_report_render_new       (BeaconReport       *report,
                                                    const char         *company_name,
                                                    const char         *logo_path);
void                beacon_report_render_free      (BeaconReportRender *self);
guint               beacon_report_render_paginate  (BeaconReportRender *self,
                                                    cairo_t            *cr,
                                                    double              page_width,
                                                    double              page_height);
guint               beacon_report_render_get_n_pages (BeaconReportRender *self);
void                beacon_report_render_draw_page (BeaconReportRender *self,
                                                    cairo_t            *cr,
                                                    guint               page);
gboolean            beacon_report_render_to_pdf    (BeaconReportRender *self,
                                                    const char         *path,
                                                    GError            **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BeaconReportRender, beacon_report_render_free)

G_END_DECLS
