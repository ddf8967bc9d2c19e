/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "beacon-reports"

#include "config.h"

#include "beacon-report-editor.h"

#include <glib/gi18n.h>

#include "beacon-preferences-window.h"
#include "beacon-report-render.h"
#include "beacon-window.h"

/**
 * BeaconReportEditor:
 *
 * A window that fills, signs and follows one report. Each field is written
 * through the core as it is edited (BeaconReportSaver: at most half a second
 * later, and at once when the field loses the focus or the window closes),
 * so a crash or a closed laptop costs at most the last second of typing.
 * Completeness is checked here with the core's own rules as the person
 * types; the Sign buttons wait for a complete report. Once both have signed
 * the report is sealed and the window turns read-only and shows the seal,
 * with printing, PDF export, delivery, the customer's answer and amendment.
 */

struct _BeaconReportEditor
{
  AdwWindow          parent_instance;

  BeaconStore       *store;
  char              *report_id;
  BeaconReportSaver *saver;
  BeaconReport      *report;
  BeaconReportTemplate *template;      /* the field editors point into it */
  GPtrArray         *field_editors;    /* BeaconReportFieldEditor */
  GCancellable      *cancellable;
  gboolean           loaded;
  gboolean           read_only;
  gboolean           complete;
  gboolean           show_missing;

  /* template */
  AdwWindowTitle    *window_title;
  GtkLabel          *save_label;
  AdwToastOverlay   *toast_overlay;
  GtkBox            *seal_box;
  GtkLabel          *status_label;
  GtkLabel          *seal_label;
  GtkLabel          *answer_label;
  GtkBox            *sections_box;
  GtkBox            *missing_box;
  GtkLabel          *missing_label;
  GtkActionBar      *action_bar;
  GtkWidget         *deliver_button;
  GtkWidget         *confirm_button;
  GtkWidget         *dispute_button;
  GtkWidget         *amend_button;
};

G_DEFINE_FINAL_TYPE (BeaconReportEditor, beacon_report_editor, ADW_TYPE_WINDOW)

enum {
  PROP_0,
  PROP_STORE,
  PROP_REPORT_ID,
  PROP_LOADED,
  PROP_READ_ONLY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
show_toast (BeaconReportEditor *self,
            const char         *message)
{
  AdwToast *toast = adw_toast_new (message);

  adw_toast_set_timeout (toast, 6);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

static char *
format_local (gint64 instant)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_local (instant);

  return dt ? g_date_time_format (dt, "%Y-%m-%d %H:%M") : g_strdup ("");
}

/* State ---------------------------------------------------------------------- */

static void
update_save_label (BeaconReportEditor *self)
{
  const char *error = beacon_report_saver_get_error (self->saver);

  if (error != NULL)
    {
      /* Translators: in the header bar when the last edit could not be written */
      gtk_label_set_text (self->save_label, _("Not saved"));
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->save_label), error);
      gtk_widget_remove_css_class (GTK_WIDGET (self->save_label), "dim-label");
      gtk_widget_add_css_class (GTK_WIDGET (self->save_label), "error");
      return;
    }

  gtk_widget_remove_css_class (GTK_WIDGET (self->save_label), "error");
  gtk_widget_add_css_class (GTK_WIDGET (self->save_label), "dim-label");
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->save_label), NULL);
  if (!self->loaded)
    gtk_label_set_text (self->save_label, "");
  else if (beacon_report_saver_get_pending (self->saver))
    /* Translators: in the header bar while edits are being written */
    gtk_label_set_text (self->save_label, _("Saving…"));
  else
    /* Translators: in the header bar once every edit is written */
    gtk_label_set_text (self->save_label, _("Saved"));
}

static void
on_saver_notify_cb (BeaconReportSaver  *saver,
                    GParamSpec         *pspec,
                    BeaconReportEditor *self)
{
  update_save_label (self);
}

static void
update_completeness (BeaconReportEditor *self)
{
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(GHashTable) messages = g_hash_table_new (g_str_hash, g_str_equal);
  guint n_format_errors = 0;
  guint n_missing;

  if (self->report == NULL)
    return;

  problems = beacon_report_check (self->report);
  for (guint i = 0; i < problems->len; i++)
    {
      BeaconReportProblem *problem = g_ptr_array_index (problems, i);

      if (!g_hash_table_contains (messages, problem->field_id))
        g_hash_table_insert (messages, problem->field_id, problem->message);
    }

  for (guint i = 0; i < self->field_editors->len; i++)
    {
      BeaconReportFieldEditor *editor = g_ptr_array_index (self->field_editors, i);
      const BeaconReportField *field = beacon_report_field_editor_get_field (editor);

      if (beacon_report_field_editor_has_format_error (editor))
        n_format_errors++;
      beacon_report_field_editor_set_problem (editor,
                                              self->read_only ? NULL
                                                              : g_hash_table_lookup (messages, field->id),
                                              self->show_missing);
    }

  n_missing = g_hash_table_size (messages) + n_format_errors;
  self->complete = n_missing == 0;

  for (guint i = 0; i < self->field_editors->len; i++)
    {
      BeaconReportFieldEditor *editor = g_ptr_array_index (self->field_editors, i);

      if (beacon_report_field_editor_get_field (editor)->kind == BEACON_REPORT_FIELD_SIGNATURE)
        beacon_report_field_editor_set_can_sign (editor, self->complete && !self->read_only);
    }

  if (!self->complete)
    {
      g_autofree char *text =
        /* Translators: under the form while it cannot be signed yet */
        g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                      "%u field still needs attention before the report can be signed.",
                                      "%u fields still need attention before the report can be signed.",
                                      n_missing), n_missing);

      gtk_label_set_text (self->missing_label, text);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->missing_box), !self->complete && !self->read_only);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "editor.show-missing",
                                 !self->complete && !self->read_only);
}

static void
update_state (BeaconReportEditor *self)
{
  BeaconReport *report = self->report;
  g_autofree char *subtitle = NULL;
  gboolean read_only;

  if (report == NULL)
    return;

  read_only = report->sealed;
  if (read_only != self->read_only)
    {
      self->read_only = read_only;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_READ_ONLY]);
    }

  adw_window_title_set_title (self->window_title, beacon_report_translate (report->template->title));
  /* Translators: the report window's subtitle: ticket number · report status */
  subtitle = g_strdup_printf (_("%s · %s"), report->ticket_number ? report->ticket_number : "",
                              beacon_report_status_get_label (report->status));
  adw_window_title_set_subtitle (self->window_title, subtitle);

  for (guint i = 0; i < self->field_editors->len; i++)
    {
      BeaconReportFieldEditor *editor = g_ptr_array_index (self->field_editors, i);
      const BeaconReportField *field = beacon_report_field_editor_get_field (editor);

      if (field->kind == BEACON_REPORT_FIELD_SIGNATURE)
        beacon_report_field_editor_set_signature (editor, beacon_report_get_signature (report, field->role));
      beacon_report_field_editor_set_editable (editor, !read_only);
    }

  gtk_widget_set_visible (GTK_WIDGET (self->seal_box), report->sealed);
  if (report->sealed)
    {
      g_autofree char *sealed_at = format_local (report->sealed_at);
      g_autofree char *short_hash = g_strndup (report->sealed_sha256 ? report->sealed_sha256 : "", 12);
      /* Translators: the seal of a signed report: a short SHA-256 and when it was sealed */
      g_autofree char *seal = g_strdup_printf (_("Seal %s… · sealed %s"), short_hash, sealed_at);
      g_autofree char *status = NULL;

      /* Translators: heading of a sealed report: its status, then that it cannot change */
      status = g_strdup_printf (_("%s — signed by both, it can no longer change"),
                                beacon_report_status_get_label (report->status));
      gtk_label_set_text (self->status_label, status);
      gtk_label_set_text (self->seal_label, seal);
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->seal_label), report->sealed_sha256);

      if (report->status == BEACON_REPORT_DISPUTED && report->dispute_reason != NULL)
        {
          /* Translators: why the customer disputed the report */
          g_autofree char *answer = g_strdup_printf (_("Disputed: %s"), report->dispute_reason);
          gtk_label_set_text (self->answer_label, answer);
        }
      else if (report->status == BEACON_REPORT_DELIVERED)
        {
          g_autofree char *at = format_local (report->delivered_at);
          /* Translators: when the sealed report went to the customer */
          g_autofree char *answer = g_strdup_printf (_("Delivered %s, waiting for the customer"), at);
          gtk_label_set_text (self->answer_label, answer);
        }
      else if (report->status == BEACON_REPORT_CONFIRMED)
        {
          g_autofree char *at = format_local (report->answered_at);
          g_autofree char *answer = report->auto_confirmed
            /* Translators: the customer did not answer in time */
            ? g_strdup_printf (_("Confirmed automatically %s"), at)
            /* Translators: when the customer confirmed the report */
            : g_strdup_printf (_("Confirmed by the customer %s"), at);
          gtk_label_set_text (self->answer_label, answer);
        }
      gtk_widget_set_visible (GTK_WIDGET (self->answer_label), report->status > BEACON_REPORT_SEALED);
    }

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "editor.print", TRUE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "editor.export-pdf", TRUE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "editor.deliver", report->status == BEACON_REPORT_SEALED);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "editor.confirm", report->status == BEACON_REPORT_DELIVERED);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "editor.dispute", report->status == BEACON_REPORT_DELIVERED);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "editor.amend", report->sealed);
  gtk_widget_set_visible (self->deliver_button, report->status == BEACON_REPORT_SEALED);
  gtk_widget_set_visible (self->confirm_button, report->status == BEACON_REPORT_DELIVERED);
  gtk_widget_set_visible (self->dispute_button, report->status == BEACON_REPORT_DELIVERED);
  gtk_widget_set_visible (self->amend_button, report->sealed);

  update_completeness (self);
}

/* Fields ------------------------------------------------------------------------ */

static void
on_field_changed_cb (BeaconReportFieldEditor *editor,
                     JsonNode                *value,
                     BeaconReportEditor      *self)
{
  const BeaconReportField *field = beacon_report_field_editor_get_field (editor);

  if (self->read_only)
    return;

  /* The local copy is checked at once; the core gets it within half a second. */
  if (value == NULL || JSON_NODE_HOLDS_NULL (value))
    json_object_remove_member (self->report->values, field->id);
  else
    json_object_set_member (self->report->values, field->id, json_node_copy (value));

  beacon_report_saver_set_value (self->saver, field->id, value);
  update_completeness (self);
}

static void
on_field_flush_cb (BeaconReportFieldEditor *editor,
                   BeaconReportEditor      *self)
{
  beacon_report_saver_flush (self->saver);
}

/* The core works out derived numbers; show them as it stores them. */
static void
on_saver_saved_cb (BeaconReportSaver  *saver,
                   BeaconReport       *stored,
                   BeaconReportEditor *self)
{
  for (guint i = 0; stored != NULL && i < self->field_editors->len; i++)
    {
      BeaconReportFieldEditor *editor = g_ptr_array_index (self->field_editors, i);
      const BeaconReportField *field = beacon_report_field_editor_get_field (editor);
      JsonNode *value;

      if (field->derive == NULL)
        continue;
      value = beacon_report_get_value (stored, field->id);
      beacon_report_field_editor_set_value (editor, value);
      if (value != NULL)
        json_object_set_member (self->report->values, field->id, json_node_copy (value));
      else
        json_object_remove_member (self->report->values, field->id);
    }
  update_completeness (self);
}

static void apply_report (BeaconReportEditor *self,
                          BeaconReport       *report);

static void
on_signed_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(BeaconReportEditor) self = user_data;
  g_autoptr(GError) error = NULL;
  BeaconReport *report;

  report = beacon_report_saver_run_finish (BEACON_REPORT_SAVER (object), result, NULL, &error);
  if (report == NULL)
    {
      show_toast (self, error->message);
      return;
    }
  apply_report (self, report);
  if (self->report->sealed)
    /* Translators: a toast once the second signature seals the report */
    show_toast (self, _("Both have signed: the report is sealed"));
}

static void
on_field_sign_cb (BeaconReportFieldEditor *editor,
                  const char              *role,
                  const char              *name,
                  JsonNode                *strokes,
                  BeaconReportEditor      *self)
{
  if (!self->complete || self->read_only)
    return;
  gtk_widget_set_sensitive (beacon_report_field_editor_get_sign_button (editor), FALSE);
  beacon_report_saver_run_async (self->saver, BEACON_REPORT_OP_SIGN, role, name, strokes,
                                 self->cancellable, on_signed_cb, g_object_ref (self));
}

static void
build_sections (BeaconReportEditor *self)
{
  BeaconReportTemplate *template = self->report->template;

  for (guint s = 0; s < template->sections->len; s++)
    {
      BeaconReportSection *section = g_ptr_array_index (template->sections, s);
      GtkWidget *group = adw_preferences_group_new ();

      adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), beacon_report_translate (section->title));
      if (s == 0 && template->subtitle != NULL)
        adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group),
                                               beacon_report_translate (template->subtitle));

      for (guint f = 0; f < section->fields->len; f++)
        {
          const BeaconReportField *field = g_ptr_array_index (section->fields, f);
          BeaconReportFieldEditor *editor = beacon_report_field_editor_new (field);

          beacon_report_field_editor_add_to_group (editor, ADW_PREFERENCES_GROUP (group));
          if (field->kind != BEACON_REPORT_FIELD_SIGNATURE)
            beacon_report_field_editor_set_value (editor, beacon_report_get_value (self->report, field->id));
          g_signal_connect_object (editor, "changed", G_CALLBACK (on_field_changed_cb), self, 0);
          g_signal_connect_object (editor, "flush", G_CALLBACK (on_field_flush_cb), self, 0);
          g_signal_connect_object (editor, "sign", G_CALLBACK (on_field_sign_cb), self, 0);
          g_ptr_array_add (self->field_editors, editor);
        }

      gtk_box_append (self->sections_box, group);
    }
}

/* Takes @report. */
static void
apply_report (BeaconReportEditor *self,
              BeaconReport       *report)
{
  gboolean first = self->report == NULL;

  g_clear_pointer (&self->report, beacon_report_free);
  self->report = report;

  if (first)
    {
      self->template = beacon_report_template_ref (report->template);
      build_sections (self);
    }
  update_state (self);

  if (first)
    {
      self->loaded = TRUE;
      update_save_label (self);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADED]);
    }
}

static void
on_loaded_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(BeaconReportEditor) self = user_data;
  g_autoptr(GError) error = NULL;
  BeaconReport *report;

  report = beacon_report_saver_run_finish (BEACON_REPORT_SAVER (object), result, NULL, &error);
  if (report == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          adw_window_title_set_subtitle (self->window_title, error->message);
          show_toast (self, error->message);
        }
      return;
    }
  apply_report (self, report);
}

/* Print and PDF ------------------------------------------------------------------- */

static const char *
company_name (void)
{
  return beacon_preferences_window_get_company_name ();
}

static void
on_begin_print_cb (GtkPrintOperation  *operation,
                   GtkPrintContext    *context,
                   BeaconReportRender *render)
{
  guint n_pages = beacon_report_render_paginate (render, gtk_print_context_get_cairo_context (context),
                                                 gtk_print_context_get_width (context),
                                                 gtk_print_context_get_height (context));

  gtk_print_operation_set_n_pages (operation, MAX (n_pages, 1));
}

static void
on_draw_page_cb (GtkPrintOperation  *operation,
                 GtkPrintContext    *context,
                 int                 page_nr,
                 BeaconReportRender *render)
{
  beacon_report_render_draw_page (render, gtk_print_context_get_cairo_context (context), page_nr);
}

typedef struct
{
  BeaconReport       *report;
  BeaconReportRender *render;
} PrintData;

static void
print_data_free (PrintData *data)
{
  g_clear_pointer (&data->render, beacon_report_render_free);
  g_clear_pointer (&data->report, beacon_report_free);
  g_free (data);
}

static void
on_print_loaded_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(BeaconReportEditor) self = user_data;
  g_autoptr(GtkPrintOperation) operation = NULL;
  g_autoptr(GtkPageSetup) page_setup = gtk_page_setup_new ();
  g_autoptr(GtkPaperSize) a4 = gtk_paper_size_new (GTK_PAPER_NAME_A4);
  g_autoptr(GError) error = NULL;
  g_autofree char *job_name = NULL;
  PrintData *data;

  data = g_new0 (PrintData, 1);
  data->report = beacon_report_saver_run_finish (BEACON_REPORT_SAVER (object), result, NULL, &error);
  if (data->report == NULL)
    {
      print_data_free (data);
      show_toast (self, error->message);
      return;
    }
  data->render = beacon_report_render_new (data->report, company_name (),
                                           beacon_preferences_window_get_company_logo ());

  operation = gtk_print_operation_new ();
  gtk_page_setup_set_paper_size_and_default_margins (page_setup, a4);
  gtk_print_operation_set_default_page_setup (operation, page_setup);
  /* The renderer lays out its own margins on the whole A4 page, in points. */
  gtk_print_operation_set_use_full_page (operation, TRUE);
  gtk_print_operation_set_unit (operation, GTK_UNIT_POINTS);
  job_name = g_strdup_printf ("%s %s", data->report->ticket_number ? data->report->ticket_number : "",
                              beacon_report_translate (data->report->template->title));
  gtk_print_operation_set_job_name (operation, job_name);
  g_signal_connect (operation, "begin-print", G_CALLBACK (on_begin_print_cb), data->render);
  g_signal_connect (operation, "draw-page", G_CALLBACK (on_draw_page_cb), data->render);
  g_object_set_data_full (G_OBJECT (operation), "beacon-print-data", data, (GDestroyNotify) print_data_free);

  gtk_print_operation_set_allow_async (operation, TRUE);
  if (gtk_print_operation_run (operation, GTK_PRINT_OPERATION_ACTION_PRINT_DIALOG,
                               GTK_WINDOW (self), &error) == GTK_PRINT_OPERATION_RESULT_ERROR)
    show_toast (self, error->message);
}

static void
print_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  BeaconReportEditor *self = BEACON_REPORT_EDITOR (widget);

  /* What was typed last goes on paper too. */
  beacon_report_saver_run_async (self->saver, BEACON_REPORT_OP_LOAD, NULL, NULL, NULL,
                                 self->cancellable, on_print_loaded_cb, g_object_ref (self));
}

static void
export_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  PrintData *data = task_data;
  const char *path = g_object_get_data (G_OBJECT (task), "beacon-path");
  g_autoptr(GError) error = NULL;

  data->render = beacon_report_render_new (data->report, company_name (),
                                           beacon_preferences_window_get_company_logo ());
  if (!beacon_report_render_to_pdf (data->render, path, &error))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

static void
on_exported_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  BeaconReportEditor *self = BEACON_REPORT_EDITOR (object);
  g_autoptr(GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    show_toast (self, error->message);
  else
    /* Translators: a toast after the PDF was written */
    show_toast (self, _("PDF exported"));
}

static void
on_export_loaded_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  BeaconReportEditor *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;
  PrintData *data = g_new0 (PrintData, 1);

  data->report = beacon_report_saver_run_finish (BEACON_REPORT_SAVER (object), result, NULL, &error);
  if (data->report == NULL)
    {
      print_data_free (data);
      show_toast (self, error->message);
      return;
    }
  g_task_set_task_data (task, data, (GDestroyNotify) print_data_free);
  g_task_run_in_thread (task, export_thread);
}

static void
on_export_response_cb (GtkNativeDialog    *dialog,
                       int                 response,
                       BeaconReportEditor *self)
{
  g_autoptr(GFile) file = NULL;
  GTask *task;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
  g_object_unref (dialog);
  if (file == NULL || g_file_peek_path (file) == NULL)
    return;

  task = g_task_new (self, self->cancellable, on_exported_cb, NULL);
  g_task_set_source_tag (task, on_export_response_cb);
  g_object_set_data_full (G_OBJECT (task), "beacon-path", g_file_get_path (file), g_free);
  beacon_report_saver_run_async (self->saver, BEACON_REPORT_OP_LOAD, NULL, NULL, NULL,
                                 self->cancellable, on_export_loaded_cb, task);
}

static void
export_pdf_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  BeaconReportEditor *self = BEACON_REPORT_EDITOR (widget);
  GtkFileChooserNative *dialog;
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();
  g_autofree char *name = NULL;

  if (self->report == NULL)
    return;

  /* Translators: title of the file chooser that saves a report as PDF */
  dialog = gtk_file_chooser_native_new (_("Export Report as PDF"), GTK_WINDOW (self),
                                        GTK_FILE_CHOOSER_ACTION_SAVE,
                                        _("_Export"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (dialog), TRUE);
  gtk_file_filter_set_name (filter, _("PDF documents"));
  gtk_file_filter_add_mime_type (filter, "application/pdf");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (dialog), filter);
  name = g_strdup_printf ("%s-%s.pdf", self->report->ticket_number ? self->report->ticket_number : "report",
                          self->report->template->id);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (dialog), name);
  g_signal_connect (dialog, "response", G_CALLBACK (on_export_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

/* Delivery, answers, amendment ---------------------------------------------------- */

static void
on_step_done_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(BeaconReportEditor) self = user_data;
  g_autoptr(GError) error = NULL;
  BeaconReport *report;

  report = beacon_report_saver_run_finish (BEACON_REPORT_SAVER (object), result, NULL, &error);
  if (report == NULL)
    {
      show_toast (self, error->message);
      return;
    }
  apply_report (self, report);
}

static void
deliver_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  BeaconReportEditor *self = BEACON_REPORT_EDITOR (widget);

  beacon_report_saver_run_async (self->saver, BEACON_REPORT_OP_DELIVER, NULL, NULL, NULL,
                                 self->cancellable, on_step_done_cb, g_object_ref (self));
}

static void
confirm_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  BeaconReportEditor *self = BEACON_REPORT_EDITOR (widget);

  beacon_report_saver_run_async (self->saver, BEACON_REPORT_OP_CONFIRM, NULL, NULL, NULL,
                                 self->cancellable, on_step_done_cb, g_object_ref (self));
}

static void
on_dispute_response_cb (AdwMessageDialog   *dialog,
                        const char         *response,
                        BeaconReportEditor *self)
{
  GtkEditable *entry = g_object_get_data (G_OBJECT (dialog), "beacon-reason");
  g_autofree char *reason = g_strstrip (g_strdup (gtk_editable_get_text (entry)));

  if (!g_str_equal (response, "dispute"))
    return;
  beacon_report_saver_run_async (self->saver, BEACON_REPORT_OP_DISPUTE, reason, NULL, NULL,
                                 self->cancellable, on_step_done_cb, g_object_ref (self));
}

static void
on_reason_changed_cb (GtkEditable      *entry,
                      AdwMessageDialog *dialog)
{
  g_autofree char *reason = g_strstrip (g_strdup (gtk_editable_get_text (entry)));

  adw_message_dialog_set_response_enabled (dialog, "dispute", *reason != '\0');
}

static void
dispute_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  BeaconReportEditor *self = BEACON_REPORT_EDITOR (widget);
  GtkWidget *dialog;
  GtkWidget *entry = gtk_entry_new ();

  /* Translators: heading of the dialog that records a customer's dispute */
  dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Dispute the Report?"),
                                   _("Write down what the customer does not accept. "
                                     "The reason is kept with the report."));
  gtk_entry_set_placeholder_text (GTK_ENTRY (entry), _("Reason"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Reason"), -1);
  gtk_entry_set_activates_default (GTK_ENTRY (entry), TRUE);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), entry);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "dispute", _("_Dispute"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "dispute",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_response_enabled (ADW_MESSAGE_DIALOG (dialog), "dispute", FALSE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "dispute");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data (G_OBJECT (dialog), "beacon-reason", entry);
  g_signal_connect (entry, "changed", G_CALLBACK (on_reason_changed_cb), dialog);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_dispute_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
on_amended_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(BeaconReportEditor) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(BeaconReport) report = NULL;
  g_autofree char *new_report_id = NULL;
  GtkApplication *application = gtk_window_get_application (GTK_WINDOW (self));

  report = beacon_report_saver_run_finish (BEACON_REPORT_SAVER (object), result, &new_report_id, &error);
  if (report == NULL)
    {
      show_toast (self, error->message);
      return;
    }
  if (application != NULL && new_report_id != NULL)
    {
      beacon_report_editor_open (application, self->store, new_report_id);
      gtk_window_destroy (GTK_WINDOW (self));
    }
}

static void
amend_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  BeaconReportEditor *self = BEACON_REPORT_EDITOR (widget);

  beacon_report_saver_run_async (self->saver, BEACON_REPORT_OP_AMEND, NULL, NULL, NULL,
                                 self->cancellable, on_amended_cb, g_object_ref (self));
}

static void
show_missing_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  BeaconReportEditor *self = BEACON_REPORT_EDITOR (widget);
  g_autoptr(GPtrArray) problems = NULL;

  self->show_missing = TRUE;
  update_completeness (self);

  /* Take the person to the first one. */
  problems = self->report ? beacon_report_check (self->report) : NULL;
  if (problems != NULL && problems->len > 0)
    {
      BeaconReportProblem *problem = g_ptr_array_index (problems, 0);
      BeaconReportFieldEditor *editor = beacon_report_editor_get_field_editor (self, problem->field_id);

      if (editor != NULL)
        gtk_widget_grab_focus (beacon_report_field_editor_get_row (editor));
    }
}

/* Window --------------------------------------------------------------------------- */

static gboolean
beacon_report_editor_close_request (GtkWindow *window)
{
  BeaconReportEditor *self = BEACON_REPORT_EDITOR (window);

  /* The saver outlives the window until the write is done. */
  if (self->saver != NULL)
    beacon_report_saver_flush (self->saver);

  return GTK_WINDOW_CLASS (beacon_report_editor_parent_class)->close_request (window);
}

static void
beacon_report_editor_constructed (GObject *object)
{
  BeaconReportEditor *self = BEACON_REPORT_EDITOR (object);

  G_OBJECT_CLASS (beacon_report_editor_parent_class)->constructed (object);

  g_assert (self->store != NULL && self->report_id != NULL);

  self->saver = beacon_report_saver_new (self->store, self->report_id);
  g_signal_connect_object (self->saver, "notify::pending", G_CALLBACK (on_saver_notify_cb), self, 0);
  g_signal_connect_object (self->saver, "notify::error", G_CALLBACK (on_saver_notify_cb), self, 0);
  g_signal_connect_object (self->saver, "saved", G_CALLBACK (on_saver_saved_cb), self, 0);

  beacon_report_saver_run_async (self->saver, BEACON_REPORT_OP_LOAD, NULL, NULL, NULL,
                                 self->cancellable, on_loaded_cb, g_object_ref (self));
}

static void
beacon_report_editor_dispose (GObject *object)
{
  BeaconReportEditor *self = BEACON_REPORT_EDITOR (object);

  if (self->saver != NULL)
    beacon_report_saver_flush (self->saver);
  g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), BEACON_TYPE_REPORT_EDITOR);
  g_clear_pointer (&self->field_editors, g_ptr_array_unref);
  g_clear_object (&self->saver);

  G_OBJECT_CLASS (beacon_report_editor_parent_class)->dispose (object);
}

static void
beacon_report_editor_finalize (GObject *object)
{
  BeaconReportEditor *self = BEACON_REPORT_EDITOR (object);

  g_clear_pointer (&self->report, beacon_report_free);
  g_clear_pointer (&self->template, beacon_report_template_unref);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->store);
  g_free (self->report_id);

  G_OBJECT_CLASS (beacon_report_editor_parent_class)->finalize (object);
}

static void
beacon_report_editor_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  BeaconReportEditor *self = BEACON_REPORT_EDITOR (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    case PROP_REPORT_ID:
      g_value_set_string (value, self->report_id);
      break;
    case PROP_LOADED:
      g_value_set_boolean (value, self->loaded);
      break;
    case PROP_READ_ONLY:
      g_value_set_boolean (value, self->read_only);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
beacon_report_editor_set_property (GObject      *object,
                                   guint         prop_id,
                                   const GValue *value,
                                   GParamSpec   *pspec)
{
  BeaconReportEditor *self = BEACON_REPORT_EDITOR (object);

  switch (prop_id)
    {
    case PROP_STORE:
      self->store = g_value_dup_object (value);
      break;
    case PROP_REPORT_ID:
      self->report_id = g_value_dup_string (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
beacon_report_editor_class_init (BeaconReportEditorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->constructed = beacon_report_editor_constructed;
  object_class->dispose = beacon_report_editor_dispose;
  object_class->finalize = beacon_report_editor_finalize;
  object_class->get_property = beacon_report_editor_get_property;
  object_class->set_property = beacon_report_editor_set_property;
  window_class->close_request = beacon_report_editor_close_request;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, BEACON_TYPE_STORE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_REPORT_ID] =
    g_param_spec_string ("report-id", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_LOADED] =
    g_param_spec_boolean ("loaded", NULL, NULL, FALSE, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_READ_ONLY] =
    g_param_spec_boolean ("read-only", NULL, NULL, FALSE, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/beacondesk/Beacon/ui/beacon-report-editor.ui");
  gtk_widget_class_bind_template_child (widget_class, BeaconReportEditor, window_title);
  gtk_widget_class_bind_template_child (widget_class, BeaconReportEditor, save_label);
  gtk_widget_class_bind_template_child (widget_class, BeaconReportEditor, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, BeaconReportEditor, seal_box);
  gtk_widget_class_bind_template_child (widget_class, BeaconReportEditor, status_label);
  gtk_widget_class_bind_template_child (widget_class, BeaconReportEditor, seal_label);
  gtk_widget_class_bind_template_child (widget_class, BeaconReportEditor, answer_label);
  gtk_widget_class_bind_template_child (widget_class, BeaconReportEditor, sections_box);
  gtk_widget_class_bind_template_child (widget_class, BeaconReportEditor, missing_box);
  gtk_widget_class_bind_template_child (widget_class, BeaconReportEditor, missing_label);
  gtk_widget_class_bind_template_child (widget_class, BeaconReportEditor, action_bar);
  gtk_widget_class_bind_template_child (widget_class, BeaconReportEditor, deliver_button);
  gtk_widget_class_bind_template_child (widget_class, BeaconReportEditor, confirm_button);
  gtk_widget_class_bind_template_child (widget_class, BeaconReportEditor, dispute_button);
  gtk_widget_class_bind_template_child (widget_class, BeaconReportEditor, amend_button);

  gtk_widget_class_install_action (widget_class, "editor.print", NULL, print_action);
  gtk_widget_class_install_action (widget_class, "editor.export-pdf", NULL, export_pdf_action);
  gtk_widget_class_install_action (widget_class, "editor.deliver", NULL, deliver_action);
  gtk_widget_class_install_action (widget_class, "editor.confirm", NULL, confirm_action);
  gtk_widget_class_install_action (widget_class, "editor.dispute", NULL, dispute_action);
  gtk_widget_class_install_action (widget_class, "editor.amend", NULL, amend_action);
  gtk_widget_class_install_action (widget_class, "editor.show-missing", NULL, show_missing_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_p, GDK_CONTROL_MASK, "editor.print", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_e, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "editor.export-pdf", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_w, GDK_CONTROL_MASK, "window.close", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);

  g_type_ensure (BEACON_TYPE_SIGNATURE_PAD);
}

static void
beacon_report_editor_init (BeaconReportEditor *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->field_editors = g_ptr_array_new_with_free_func (g_object_unref);
  self->cancellable = g_cancellable_new ();

  /* Nothing to act on until the report is loaded. */
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "editor.print", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "editor.export-pdf", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "editor.deliver", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "editor.confirm", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "editor.dispute", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "editor.amend", FALSE);
  gtk_widget_set_visible (self->deliver_button, FALSE);
  gtk_widget_set_visible (self->confirm_button, FALSE);
  gtk_widget_set_visible (self->dispute_button, FALSE);
  gtk_widget_set_visible (self->amend_button, FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->missing_box), FALSE);
}

/* Public --------------------------------------------------------------------------- */

/**
 * beacon_report_editor_new:
 *
 * Returns: (transfer full): a window editing @report_id, loading it in the
 *   background (see #BeaconReportEditor:loaded)
 */
BeaconReportEditor *
beacon_report_editor_new (GtkApplication *application,
                          BeaconStore    *store,
                          const char     *report_id)
{
  g_return_val_if_fail (BEACON_IS_STORE (store), NULL);
  g_return_val_if_fail (report_id != NULL, NULL);

  return g_object_new (BEACON_TYPE_REPORT_EDITOR,
                       "application", application,
                       "store", store,
                       "report-id", report_id,
                       NULL);
}

/* Returns: (transfer none) (nullable): the open editor of @report_id */
BeaconReportEditor *
beacon_report_editor_find (GtkApplication *application,
                           const char     *report_id)
{
  g_return_val_if_fail (GTK_IS_APPLICATION (application), NULL);

  for (GList *l = gtk_application_get_windows (application); l != NULL; l = l->next)
    if (BEACON_IS_REPORT_EDITOR (l->data) &&
        g_strcmp0 (BEACON_REPORT_EDITOR (l->data)->report_id, report_id) == 0)
      return l->data;
  return NULL;
}

/**
 * beacon_report_editor_open:
 *
 * Presents the editor of @report_id, opening one over the board if none is.
 *
 * Returns: (transfer none): the editor
 */
BeaconReportEditor *
beacon_report_editor_open (GtkApplication *application,
                           BeaconStore    *store,
                           const char     *report_id)
{
  BeaconReportEditor *self;

  g_return_val_if_fail (GTK_IS_APPLICATION (application), NULL);

  self = beacon_report_editor_find (application, report_id);
  if (self == NULL)
    {
      self = beacon_report_editor_new (application, store, report_id);
      for (GList *l = gtk_application_get_windows (application); l != NULL; l = l->next)
        if (BEACON_IS_WINDOW (l->data))
          {
            gtk_window_set_transient_for (GTK_WINDOW (self), l->data);
            break;
          }
    }
  gtk_window_present (GTK_WINDOW (self));
  return self;
}

typedef struct
{
  GtkApplication *application;
  BeaconStore    *store;
  char           *ticket;
  char           *template_id;
} NewReport;

static void
new_report_free (NewReport *data)
{
  g_clear_object (&data->application);
  g_clear_object (&data->store);
  g_free (data->ticket);
  g_free (data->template_id);
  g_free (data);
}

static void
new_report_thread (GTask        *task,
                   gpointer      source_object,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  NewReport *data = task_data;
  GError *error = NULL;
  char *report_id = beacon_store_create_report (data->store, data->ticket, data->template_id, &error);

  if (report_id == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, report_id, g_free);
}

static void
on_new_report_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  NewReport *data = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  g_autofree char *report_id = g_task_propagate_pointer (G_TASK (result), &error);

  g_application_release (G_APPLICATION (data->application));
  if (report_id == NULL)
    {
      GtkWindow *parent = gtk_application_get_active_window (data->application);
      /* Translators: heading of the error when a report cannot be started */
      GtkWidget *dialog = adw_message_dialog_new (parent, _("Could Not Start the Report"), error->message);

      adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
      gtk_window_present (GTK_WINDOW (dialog));
      return;
    }
  beacon_report_editor_open (data->application, data->store, report_id);
}

/**
 * beacon_report_editor_new_report:
 * @ticket_and_template: `TICKET:TEMPLATE`, the ticket's id or number and
 *   the template's id, as app.new-report takes it
 *
 * Creates a report prefilled from the ticket, in the background, and opens it.
 */
void
beacon_report_editor_new_report (GtkApplication *application,
                                 BeaconStore    *store,
                                 const char     *ticket_and_template)
{
  g_autoptr(GTask) task = NULL;
  const char *colon;
  NewReport *data;

  g_return_if_fail (GTK_IS_APPLICATION (application));
  g_return_if_fail (BEACON_IS_STORE (store));
  g_return_if_fail (ticket_and_template != NULL);

  colon = strrchr (ticket_and_template, ':');
  if (colon == NULL || colon == ticket_and_template || colon[1] == '\0')
    {
      g_warning ("app.new-report takes TICKET:TEMPLATE, not “%s”", ticket_and_template);
      return;
    }

  data = g_new0 (NewReport, 1);
  data->application = g_object_ref (application);
  data->store = g_object_ref (store);
  data->ticket = g_strndup (ticket_and_template, colon - ticket_and_template);
  data->template_id = g_strdup (colon + 1);

  g_application_hold (G_APPLICATION (application));
  task = g_task_new (NULL, NULL, on_new_report_cb, NULL);
  g_task_set_source_tag (task, beacon_report_editor_new_report);
  g_task_set_task_data (task, data, (GDestroyNotify) new_report_free);
  g_task_run_in_thread (task, new_report_thread);
}

const char *
beacon_report_editor_get_report_id (BeaconReportEditor *self)
{
  g_return_val_if_fail (BEACON_IS_REPORT_EDITOR (self), NULL);
  return self->report_id;
}

gboolean
beacon_report_editor_get_loaded (BeaconReportEditor *self)
{
  g_return_val_if_fail (BEACON_IS_REPORT_EDITOR (self), FALSE);
  return self->loaded;
}

gboolean
beacon_report_editor_get_read_only (BeaconReportEditor *self)
{
  g_return_val_if_fail (BEACON_IS_REPORT_EDITOR (self), FALSE);
  return self->read_only;
}

/* Returns: (transfer none) (nullable): the report as edited here, with values not yet stored */
BeaconReport *
beacon_report_editor_get_report (BeaconReportEditor *self)
{
  g_return_val_if_fail (BEACON_IS_REPORT_EDITOR (self), NULL);
  return self->report;
}

BeaconReportSaver *
beacon_report_editor_get_saver (BeaconReportEditor *self)
{
  g_return_val_if_fail (BEACON_IS_REPORT_EDITOR (self), NULL);
  return self->saver;
}

BeaconReportFieldEditor *
beacon_report_editor_get_field_editor (BeaconReportEditor *self,
                                       const char         *field_id)
{
  g_return_val_if_fail (BEACON_IS_REPORT_EDITOR (self), NULL);

  for (guint i = 0; self->field_editors != NULL && i < self->field_editors->len; i++)
    {
      BeaconReportFieldEditor *editor = g_ptr_array_index (self->field_editors, i);

      if (g_strcmp0 (beacon_report_field_editor_get_field (editor)->id, field_id) == 0)
        return editor;
    }
  return NULL;
}

GtkWidget *
beacon_report_editor_get_seal_label (BeaconReportEditor *self)
{
  g_return_val_if_fail (BEACON_IS_REPORT_EDITOR (self), NULL);
  return GTK_WIDGET (self->seal_label);
}

GtkWidget *
beacon_report_editor_get_save_label (BeaconReportEditor *self)
{
  g_return_val_if_fail (BEACON_IS_REPORT_EDITOR (self), NULL);
  return GTK_WIDGET (self->save_label);
}
