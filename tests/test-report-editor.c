/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "beacon-test"

#include "config.h"

#include <glib/gstdio.h>
#include <math.h>

#include "beacon-application.h"
#include "beacon-gui-test-util.h"
#include "beacon-json.h"
#include "beacon-report.h"
#include "beacon-test-util.h"
#include "beacon-window.h"
#include "reports/beacon-report-editor.h"

/* The report editor (issue #5) in a real display: every field kind gets its
 * widget, what is typed reaches the store within a second and is there
 * again when the report is reopened, an incomplete report cannot be signed,
 * and two drawn signatures seal it and lock the window. Screenshots of each
 * editor land in $BEACON_SCREENSHOT_DIR for people to look at.
 *
 * Drawing: the tests call the pad's stroke API (begin/extend/end_stroke),
 * the functions its GtkGestureStylus and GtkGestureDrag handlers call, since
 * Xvfb has neither a pen nor a way to inject pointer motion into GTK. */

#define WAIT_MS 10000

typedef struct
{
  char              *dir;
  char              *db_path;
  BeaconApplication *app;
  BeaconWindow      *window;
  BeaconStore       *store;
} Fixture;

static void
fixture_set_up (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;

  fixture->dir = g_dir_make_tmp ("beacon-test-report-editor-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->db_path = g_build_filename (fixture->dir, "beacon.db", NULL);
  g_setenv ("BEACON_DB", fixture->db_path, TRUE);
  g_setenv ("BEACON_FAKE_NOW", "2026-11-27T09:35:00+08:00", TRUE);
  g_setenv ("BEACON_USER", "Duty Operator", TRUE);

  fixture->app = beacon_gui_test_start_app ("ReportTest", &fixture->store, &fixture->window);
  g_assert_nonnull (fixture->store);
  g_assert_nonnull (fixture->window);
  g_assert_true (beacon_gui_test_spin_until (beacon_gui_test_window_is_loaded, fixture->window, WAIT_MS));
}

static void
fixture_tear_down (Fixture *fixture)
{
  GList *windows;
  g_autoptr(GDir) dir = NULL;
  const char *name;

  while ((windows = gtk_application_get_windows (GTK_APPLICATION (fixture->app))) != NULL)
    gtk_window_destroy (GTK_WINDOW (windows->data));
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_clear_object (&fixture->app);

  dir = g_dir_open (fixture->dir, 0, NULL);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (fixture->dir, name, NULL);
      g_unlink (path);
    }
  g_rmdir (fixture->dir);
  g_clear_pointer (&fixture->db_path, g_free);
  g_clear_pointer (&fixture->dir, g_free);
  g_unsetenv ("BEACON_DB");
  g_unsetenv ("BEACON_FAKE_NOW");
  g_unsetenv ("BEACON_USER");
}

/* Opening ----------------------------------------------------------------------- */

typedef struct
{
  Fixture    *fixture;
  const char *report_id;   /* NULL: any editor */
  BeaconReportEditor *editor;
} EditorQuery;

static gboolean
editor_is_open_and_loaded (gpointer data)
{
  EditorQuery *query = data;

  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (query->fixture->app)); l; l = l->next)
    if (BEACON_IS_REPORT_EDITOR (l->data) &&
        (query->report_id == NULL ||
         g_strcmp0 (beacon_report_editor_get_report_id (l->data), query->report_id) == 0) &&
        beacon_report_editor_get_loaded (l->data))
      {
        query->editor = l->data;
        return TRUE;
      }
  return FALSE;
}

/* Through app.new-report, as the ticket view does. */
static BeaconReportEditor *
new_report (Fixture    *fixture,
            const char *ticket_number,
            const char *template_id)
{
  g_autofree char *spec = g_strdup_printf ("%s:%s", ticket_number, template_id);
  EditorQuery query = { fixture, NULL, NULL };

  g_action_group_activate_action (G_ACTION_GROUP (fixture->app), "new-report", g_variant_new_string (spec));
  g_assert_true (beacon_gui_test_spin_until (editor_is_open_and_loaded, &query, WAIT_MS));
  return query.editor;
}

static BeaconReportEditor *
open_report (Fixture    *fixture,
             const char *report_id)
{
  EditorQuery query = { fixture, report_id, NULL };

  g_action_group_activate_action (G_ACTION_GROUP (fixture->app), "open-report", g_variant_new_string (report_id));
  g_assert_true (beacon_gui_test_spin_until (editor_is_open_and_loaded, &query, WAIT_MS));
  return query.editor;
}

static gboolean
editor_is_closed (gpointer data)
{
  EditorQuery *query = data;

  return beacon_report_editor_find (GTK_APPLICATION (query->fixture->app), query->report_id) == NULL;
}

static void
close_editor (Fixture            *fixture,
              BeaconReportEditor *editor)
{
  g_autofree char *report_id = g_strdup (beacon_report_editor_get_report_id (editor));
  EditorQuery query = { fixture, report_id, NULL };

  gtk_window_close (GTK_WINDOW (editor));
  g_assert_true (beacon_gui_test_spin_until (editor_is_closed, &query, WAIT_MS));
}

/* Screenshots --------------------------------------------------------------------- */

static void collect_descendants (GtkWidget *widget, GType type, GPtrArray *found);

/* The signatures are at the end of the form. */
static void
scroll_to_end (BeaconReportEditor *editor)
{
  g_autoptr(GPtrArray) scrolled = g_ptr_array_new ();
  GtkAdjustment *adjustment;

  collect_descendants (GTK_WIDGET (editor), GTK_TYPE_SCROLLED_WINDOW, scrolled);
  g_assert_cmpuint (scrolled->len, >, 0);
  beacon_gui_test_spin_for (200);
  /* The form's, not the one in the menu's popover: the tallest. */
  adjustment = gtk_scrolled_window_get_vadjustment (g_ptr_array_index (scrolled, 0));
  for (guint i = 1; i < scrolled->len; i++)
    {
      GtkAdjustment *other = gtk_scrolled_window_get_vadjustment (g_ptr_array_index (scrolled, i));

      if (gtk_adjustment_get_upper (other) > gtk_adjustment_get_upper (adjustment))
        adjustment = other;
    }
  gtk_adjustment_set_value (adjustment, gtk_adjustment_get_upper (adjustment));
}

/* Walking the widgets ---------------------------------------------------------------- */

static void
collect_descendants (GtkWidget *widget,
                     GType      type,
                     GPtrArray *found)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      if (G_TYPE_CHECK_INSTANCE_TYPE (child, type))
        g_ptr_array_add (found, child);
      collect_descendants (child, type, found);
    }
}

static guint
count_descendants (GtkWidget *widget,
                   GType      type)
{
  g_autoptr(GPtrArray) found = g_ptr_array_new ();

  collect_descendants (widget, type, found);
  return found->len;
}

static void
collect_field_rows (GtkWidget *widget,
                    GPtrArray *rows)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      if (g_object_get_data (G_OBJECT (child), "beacon-report-field-kind") != NULL)
        g_ptr_array_add (rows, child);
      collect_field_rows (child, rows);
    }
}

static JsonNode *
stored_value (Fixture    *fixture,
              const char *report_id,
              const char *field_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BeaconReport) report = beacon_store_get_report (fixture->store, report_id, &error);
  JsonNode *value;

  g_assert_no_error (error);
  value = beacon_report_get_value (report, field_id);
  return value ? json_node_copy (value) : NULL;
}

static void
set_stored_text (Fixture    *fixture,
                 const char *report_id,
                 const char *field_id,
                 const char *text)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BeaconReport) report = beacon_store_get_report (fixture->store, report_id, &error);
  g_autoptr(JsonNode) value = NULL;

  g_assert_no_error (error);
  beacon_report_parse_value (beacon_report_template_find_field (report->template, field_id), text, &value, &error);
  g_assert_no_error (error);
  beacon_store_set_report_field (fixture->store, report_id, field_id, value, &error);
  g_assert_no_error (error);
}

/* Tests ---------------------------------------------------------------------------- */

static void
check_field_widgets (BeaconReportEditor *editor)
{
  BeaconReportTemplate *template = beacon_report_editor_get_report (editor)->template;
  g_autoptr(GPtrArray) rows = g_ptr_array_new ();
  guint expected[BEACON_REPORT_N_FIELD_KINDS] = { 0 };
  guint found[BEACON_REPORT_N_FIELD_KINDS] = { 0 };
  guint expected_checks = 0;

  for (guint i = 0; i < template->fields->len; i++)
    {
      const BeaconReportField *field = g_ptr_array_index (template->fields, i);

      expected[field->kind]++;
      if (field->kind == BEACON_REPORT_FIELD_CHECKLIST)
        expected_checks += field->options->len;
    }

  collect_field_rows (GTK_WIDGET (editor), rows);
  g_assert_cmpuint (rows->len, ==, template->fields->len);
  for (guint i = 0; i < rows->len; i++)
    {
      GtkWidget *row = g_ptr_array_index (rows, i);
      BeaconReportFieldKind kind = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (row),
                                                                       "beacon-report-field-kind")) - 1;

      found[kind]++;
      switch (kind)
        {
        case BEACON_REPORT_FIELD_TEXT:
        case BEACON_REPORT_FIELD_DATE_TIME:
          g_assert_true (ADW_IS_ENTRY_ROW (row));
          break;
        case BEACON_REPORT_FIELD_MULTILINE:
          g_assert_cmpuint (count_descendants (row, GTK_TYPE_TEXT_VIEW), ==, 1);
          break;
        case BEACON_REPORT_FIELD_CHOICE:
          g_assert_true (ADW_IS_COMBO_ROW (row));
          break;
        case BEACON_REPORT_FIELD_CHECKLIST:
          g_assert_true (ADW_IS_EXPANDER_ROW (row));
          break;
        case BEACON_REPORT_FIELD_NUMBER:
          g_assert_cmpuint (count_descendants (row, GTK_TYPE_SPIN_BUTTON), ==, 1);
          break;
        case BEACON_REPORT_FIELD_TABLE:
          g_assert_cmpuint (count_descendants (row, GTK_TYPE_GRID), ==, 1);
          break;
        case BEACON_REPORT_FIELD_SIGNATURE:
          g_assert_cmpuint (count_descendants (row, BEACON_TYPE_SIGNATURE_PAD), ==, 1);
          break;
        case BEACON_REPORT_N_FIELD_KINDS:
        default:
          g_assert_not_reached ();
        }
    }

  for (guint kind = 0; kind < BEACON_REPORT_N_FIELD_KINDS; kind++)
    {
      g_test_message ("%s: %u", beacon_report_field_kind_to_string (kind), found[kind]);
      g_assert_cmpuint (found[kind], ==, expected[kind]);
    }
  g_assert_cmpuint (count_descendants (GTK_WIDGET (editor), BEACON_TYPE_SIGNATURE_PAD), ==,
                    expected[BEACON_REPORT_FIELD_SIGNATURE]);
  g_assert_cmpuint (count_descendants (GTK_WIDGET (editor), GTK_TYPE_CHECK_BUTTON), ==, expected_checks);
}

static void
test_editor_renders_every_kind (void)
{
  Fixture fixture = { 0 };
  g_autoptr(BeaconTicket) ticket = NULL;
  static const char * const templates[] = { "field-service", "fault-handling", "inspection" };

  fixture_set_up (&fixture);
  ticket = beacon_test_make_ticket (fixture.store, 1);

  for (guint i = 0; i < G_N_ELEMENTS (templates); i++)
    {
      BeaconReportEditor *editor = new_report (&fixture, ticket->number, templates[i]);
      g_autofree char *name = g_strdup_printf ("report-editor-%s", templates[i]);

      g_assert_cmpstr (beacon_report_editor_get_report (editor)->template->id, ==, templates[i]);
      /* Prefilled from the ticket. */
      g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (beacon_report_field_editor_get_row (
                         beacon_report_editor_get_field_editor (editor, "ticket_number")))), ==, ticket->number);
      check_field_widgets (editor);
      beacon_gui_test_save_screenshot (GTK_WIDGET (editor), name);
      if (g_str_equal (templates[i], "inspection"))
        {
          g_autofree char *end_name = g_strdup_printf ("%s-end", name);

          scroll_to_end (editor);
          beacon_gui_test_save_screenshot (GTK_WIDGET (editor), end_name);
        }
      close_editor (&fixture, editor);
    }

  fixture_tear_down (&fixture);
}

typedef struct
{
  Fixture    *fixture;
  const char *report_id;
  const char *field_id;
  const char *text;
} StoredQuery;

static gboolean
store_has_text (gpointer data)
{
  StoredQuery *query = data;
  g_autoptr(JsonNode) value = stored_value (query->fixture, query->report_id, query->field_id);

  return value != NULL && JSON_NODE_HOLDS_VALUE (value) &&
         g_strcmp0 (json_node_get_string (value), query->text) == 0;
}

static gboolean
saver_is_idle (gpointer data)
{
  return !beacon_report_saver_get_pending (BEACON_REPORT_SAVER (data));
}

static void
test_editor_autosaves (void)
{
  Fixture fixture = { 0 };
  g_autoptr(BeaconTicket) ticket = NULL;
  g_autofree char *report_id = NULL;
  BeaconReportEditor *editor;
  GtkWidget *system_row, *remarks_row;
  StoredQuery query;
  gint64 typed_at;

  fixture_set_up (&fixture);
  ticket = beacon_test_make_ticket (fixture.store, 2);
  editor = new_report (&fixture, ticket->number, "field-service");
  report_id = g_strdup (beacon_report_editor_get_report_id (editor));

  /* Typing, then waiting without touching anything: the debounce writes it. */
  system_row = beacon_report_field_editor_get_row (beacon_report_editor_get_field_editor (editor, "system"));
  gtk_editable_set_text (GTK_EDITABLE (system_row), "应急广播平台主服务器 A");
  typed_at = g_get_monotonic_time ();
  query = (StoredQuery) { &fixture, report_id, "system", "应急广播平台主服务器 A" };
  g_assert_true (beacon_gui_test_spin_until (store_has_text, &query, WAIT_MS));
  /* Within the second the design allows (a generous bound for a loaded machine). */
  g_test_message ("saved after %" G_GINT64_FORMAT " ms", (g_get_monotonic_time () - typed_at) / 1000);
  g_assert_cmpint (g_get_monotonic_time () - typed_at, <, 3 * G_USEC_PER_SEC);
  g_assert_true (beacon_gui_test_spin_until (saver_is_idle, beacon_report_editor_get_saver (editor), WAIT_MS));
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (beacon_report_editor_get_save_label (editor))), ==,
                   g_dgettext (GETTEXT_PACKAGE, "Saved"));

  /* Closing right after typing still saves: the close flushes. */
  remarks_row = beacon_report_field_editor_get_row (beacon_report_editor_get_field_editor (editor, "remarks"));
  {
    g_autoptr(GPtrArray) views = g_ptr_array_new ();

    collect_descendants (remarks_row, GTK_TYPE_TEXT_VIEW, views);
    gtk_text_buffer_set_text (gtk_text_view_get_buffer (g_ptr_array_index (views, 0)),
                              "客户要求下周复查\nCheck again next week", -1);
  }
  close_editor (&fixture, editor);
  query = (StoredQuery) { &fixture, report_id, "remarks", "客户要求下周复查\nCheck again next week" };
  g_assert_true (beacon_gui_test_spin_until (store_has_text, &query, WAIT_MS));

  /* Reopened, the draft is as it was. */
  editor = open_report (&fixture, report_id);
  system_row = beacon_report_field_editor_get_row (beacon_report_editor_get_field_editor (editor, "system"));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (system_row)), ==, "应急广播平台主服务器 A");

  /* A date that does not parse is not saved and says how to write it. */
  {
    BeaconReportFieldEditor *arrived = beacon_report_editor_get_field_editor (editor, "arrived_at");
    GtkWidget *row = beacon_report_field_editor_get_row (arrived);

    gtk_editable_set_text (GTK_EDITABLE (row), "2026-11-27 10:10");
    gtk_widget_activate_action (GTK_WIDGET (editor), "editor.show-missing", NULL);
    g_assert_true (beacon_gui_test_spin_until (saver_is_idle, beacon_report_editor_get_saver (editor), WAIT_MS));
    {
      g_autoptr(JsonNode) value = stored_value (&fixture, report_id, "arrived_at");
      g_autoptr(GDateTime) expected = g_date_time_new_local (2026, 11, 27, 10, 10, 0);

      g_assert_nonnull (value);
      g_assert_cmpint (json_node_get_int (value), ==, g_date_time_to_unix (expected));
    }
    gtk_editable_set_text (GTK_EDITABLE (row), "27/11 10h");
    g_assert_true (beacon_report_field_editor_has_format_error (arrived));
  }

  fixture_tear_down (&fixture);
}

static gboolean
row_shows_error (gpointer data)
{
  return gtk_widget_has_css_class (data, "error");
}

static void
test_editor_requires_fields (void)
{
  Fixture fixture = { 0 };
  g_autoptr(BeaconTicket) ticket = NULL;
  BeaconReportEditor *editor;
  BeaconReportFieldEditor *system, *engineer;
  GtkWidget *system_row;

  fixture_set_up (&fixture);
  ticket = beacon_test_make_ticket (fixture.store, 2);
  editor = new_report (&fixture, ticket->number, "field-service");

  system = beacon_report_editor_get_field_editor (editor, "system");
  engineer = beacon_report_editor_get_field_editor (editor, "engineer_signature");
  system_row = beacon_report_field_editor_get_row (system);

  /* Incomplete: Sign stays off even with a name and a drawing. */
  gtk_editable_set_text (beacon_report_field_editor_get_signer_entry (engineer), "王工");
  beacon_signature_pad_begin_stroke (beacon_report_field_editor_get_pad (engineer), 20, 60, 0.4);
  beacon_signature_pad_extend_stroke (beacon_report_field_editor_get_pad (engineer), 120, 30, 0.7);
  beacon_signature_pad_end_stroke (beacon_report_field_editor_get_pad (engineer));
  g_assert_false (gtk_widget_get_sensitive (beacon_report_field_editor_get_sign_button (engineer)));

  /* Emptying a required field shows why, right under it. */
  gtk_editable_set_text (GTK_EDITABLE (system_row), "服务器");
  gtk_editable_set_text (GTK_EDITABLE (system_row), "");
  g_assert_true (beacon_gui_test_spin_until (row_shows_error, system_row, WAIT_MS));
  g_assert_true (gtk_widget_get_visible (gtk_widget_get_next_sibling (system_row)));

  /* Untouched required fields are quiet until asked what is missing. */
  {
    GtkWidget *result_row = beacon_report_field_editor_get_row (beacon_report_editor_get_field_editor (editor, "result"));

    g_assert_false (gtk_widget_has_css_class (result_row, "error"));
    gtk_widget_activate_action (GTK_WIDGET (editor), "editor.show-missing", NULL);
    g_assert_true (gtk_widget_has_css_class (result_row, "error"));
  }
  beacon_gui_test_save_screenshot (GTK_WIDGET (editor), "report-editor-missing");

  fixture_tear_down (&fixture);
}

static void
complete_field_service (Fixture    *fixture,
                        const char *report_id)
{
  set_stored_text (fixture, report_id, "system", "应急广播平台主服务器");
  set_stored_text (fixture, report_id, "arrived_at", "2026-11-27T10:10:00+08:00");
  set_stored_text (fixture, report_id, "repair_started_at", "2026-11-27T10:20:00+08:00");
  set_stored_text (fixture, report_id, "completed_at", "2026-11-27T12:05:00+08:00");
  set_stored_text (fixture, report_id, "handling",
                   "[{\"time\": \"2026-11-27T10:20:00+08:00\", \"action\": \"更换主服务器电源模块\"},"
                   " {\"time\": \"2026-11-27T11:40:00+08:00\", \"action\": \"切回主服务器，业务恢复\"}]");
  set_stored_text (fixture, report_id, "result", "recovered");
  set_stored_text (fixture, report_id, "observation", "yes");
}

static gboolean
editor_is_read_only (gpointer data)
{
  return beacon_report_editor_get_read_only (BEACON_REPORT_EDITOR (data));
}

typedef struct
{
  Fixture    *fixture;
  const char *report_id;
  const char *role;
} SignatureQuery;

static gboolean
store_has_signature (gpointer data)
{
  SignatureQuery *query = data;
  g_autoptr(BeaconReport) report = beacon_store_get_report (query->fixture->store, query->report_id, NULL);

  return report != NULL && beacon_report_get_signature (report, query->role) != NULL;
}

static void
draw_and_sign (BeaconReportEditor *editor,
               const char         *field_id,
               const char         *name,
               double              offset)
{
  BeaconReportFieldEditor *field = beacon_report_editor_get_field_editor (editor, field_id);
  BeaconSignaturePad *pad = beacon_report_field_editor_get_pad (field);
  GtkWidget *sign = beacon_report_field_editor_get_sign_button (field);

  /* A person draws on a pad they can see. */
  g_assert_true (beacon_gui_test_spin_until (beacon_gui_test_widget_is_mapped, pad, WAIT_MS));
  gtk_editable_set_text (beacon_report_field_editor_get_signer_entry (field), name);
  g_assert_false (gtk_widget_get_sensitive (sign));   /* nothing drawn yet */

  /* Two strokes and a dot, with a pen's changing pressure. */
  beacon_signature_pad_begin_stroke (pad, 30, 80, 0.2);
  for (int i = 1; i <= 20; i++)
    beacon_signature_pad_extend_stroke (pad, 30 + i * 8, 80 - 40 * sin (i / 3.0) + offset, 0.2 + i * 0.03);
  beacon_signature_pad_end_stroke (pad);
  beacon_signature_pad_begin_stroke (pad, 60, 100, 0.5);
  beacon_signature_pad_extend_stroke (pad, 200, 95, 0.6);
  beacon_signature_pad_end_stroke (pad);
  beacon_signature_pad_begin_stroke (pad, 240, 50, 0.3);
  beacon_signature_pad_end_stroke (pad);
  /* Undo takes back the dot. */
  beacon_signature_pad_undo (pad);
  g_assert_cmpuint (beacon_signature_pad_get_n_strokes (pad), ==, 2);

  g_assert_true (gtk_widget_get_sensitive (sign));
  g_signal_emit_by_name (sign, "clicked");
}

static void
test_editor_signs_and_seals (void)
{
  Fixture fixture = { 0 };
  g_autoptr(BeaconTicket) ticket = NULL;
  g_autofree char *report_id = NULL;
  g_autoptr(BeaconReport) report = NULL;
  g_autoptr(JsonNode) strokes = NULL;
  g_autoptr(GError) error = NULL;
  BeaconReportEditor *editor;
  BeaconReportSignature *signature;
  SignatureQuery query;
  JsonArray *lines;

  fixture_set_up (&fixture);
  ticket = beacon_test_make_ticket (fixture.store, 1);
  report_id = beacon_store_create_report (fixture.store, ticket->number, "field-service", &error);
  g_assert_no_error (error);
  complete_field_service (&fixture, report_id);
  editor = open_report (&fixture, report_id);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (gtk_widget_get_parent (gtk_widget_get_parent (
                    beacon_report_editor_get_seal_label (editor))))));

  draw_and_sign (editor, "engineer_signature", "王工", 0);
  query = (SignatureQuery) { &fixture, report_id, "engineer" };
  g_assert_true (beacon_gui_test_spin_until (store_has_signature, &query, WAIT_MS));
  g_assert_false (beacon_report_editor_get_read_only (editor));
  scroll_to_end (editor);
  beacon_gui_test_save_screenshot (GTK_WIDGET (editor), "report-editor-signing");

  /* The strokes are stored as vectors with the signature. */
  report = beacon_store_get_report (fixture.store, report_id, &error);
  g_assert_no_error (error);
  signature = beacon_report_get_signature (report, "engineer");
  g_assert_cmpstr (signature->name, ==, "王工");
  strokes = beacon_json_parse (signature->strokes, &error);
  g_assert_no_error (error);
  lines = json_object_get_array_member (json_node_get_object (strokes), "strokes");
  g_assert_cmpuint (json_array_get_length (lines), ==, 2);
  g_assert_cmpuint (json_array_get_length (json_array_get_array_element (lines, 0)), ==, 21);
  g_assert_cmpfloat (json_array_get_double_element (
                       json_array_get_array_element (json_array_get_array_element (lines, 0), 0), 2), ==, 0.2);
  g_clear_pointer (&report, beacon_report_free);

  draw_and_sign (editor, "customer_signature", "李主任", 6);
  g_assert_true (beacon_gui_test_spin_until (editor_is_read_only, editor, WAIT_MS));

  report = beacon_store_get_report (fixture.store, report_id, &error);
  g_assert_no_error (error);
  g_assert_true (report->sealed);
  {
    g_autofree char *short_hash = g_strndup (report->sealed_sha256, 12);
    const char *seal = gtk_label_get_text (GTK_LABEL (beacon_report_editor_get_seal_label (editor)));

    g_assert_nonnull (strstr (seal, short_hash));
    g_assert_true (gtk_widget_get_visible (beacon_report_editor_get_seal_label (editor)));
  }
  /* Read-only: the entries no longer take text, the pads no more ink. */
  {
    GtkWidget *system_row = beacon_report_field_editor_get_row (beacon_report_editor_get_field_editor (editor, "system"));
    BeaconReportFieldEditor *engineer = beacon_report_editor_get_field_editor (editor, "engineer_signature");

    g_assert_false (gtk_editable_get_editable (GTK_EDITABLE (system_row)));
    g_assert_false (beacon_signature_pad_get_editable (beacon_report_field_editor_get_pad (engineer)));
    g_assert_false (gtk_widget_is_visible (beacon_report_field_editor_get_sign_button (engineer)));
  }
  beacon_gui_test_save_screenshot (GTK_WIDGET (editor), "report-editor-sealed");
  scroll_to_end (editor);
  beacon_gui_test_save_screenshot (GTK_WIDGET (editor), "report-editor-sealed-signatures");

  /* Deliver, then the customer disputes: the buttons follow the status. */
  gtk_widget_activate_action (GTK_WIDGET (editor), "editor.deliver", NULL);
  {
    g_autoptr(BeaconReport) delivered = NULL;
    gint64 deadline = g_get_monotonic_time () + WAIT_MS * 1000;

    do
      {
        g_main_context_iteration (NULL, FALSE);
        g_clear_pointer (&delivered, beacon_report_free);
        delivered = beacon_store_get_report (fixture.store, report_id, NULL);
      }
    while (delivered->status != BEACON_REPORT_DELIVERED && g_get_monotonic_time () < deadline);
    g_assert_cmpint (delivered->status, ==, BEACON_REPORT_DELIVERED);
  }

  fixture_tear_down (&fixture);
}

int
main (int   argc,
      char *argv[])
{
  if (beacon_gui_test_skip_without_display ())
    return 0;

  beacon_gui_test_init (&argc, &argv, WAIT_MS);

  g_test_add_func ("/report-editor/renders-every-kind", test_editor_renders_every_kind);
  g_test_add_func ("/report-editor/autosaves", test_editor_autosaves);
  g_test_add_func ("/report-editor/requires-fields", test_editor_requires_fields);
  g_test_add_func ("/report-editor/signs-and-seals", test_editor_signs_and_seals);

  return g_test_run ();
}
