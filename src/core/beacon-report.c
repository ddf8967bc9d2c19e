/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "beacon-report"

#include "config.h"

#include <inttypes.h>
#include <math.h>
#include <glib/gi18n-lib.h>

#include "beacon-json.h"
#include "beacon-report.h"
#include "beacon-store-private.h"
#include "beacon-time.h"

/*
 * Reports live in the oplog like everything else:
 *
 *   report/ID            registers ticket, template, template_version,
 *                        revision_of, created_at, and v.FIELD for each value
 *   report_signature/ID  field "signature": {report, role, name, signed_at,
 *                        strokes, content_sha256}; written once
 *   report_seal/REPORT   field "seal": {report, sha256, sealed_at, signatures,
 *                        registers: {FIELD: {value, hlc, device}}}
 *   report_delivery/REPORT  registers delivered_at and answer
 *
 * The seal pins the exact register versions that were signed. From then on
 * a change to the report that is not one of those versions and would win
 * over it is refused: kept in the oplog (so sync stays idempotent) but not
 * projected, and listed in the refusals table. When the seal itself arrives
 * after such changes (sync brings things in any order), it puts the pinned
 * versions back and recomputes the report's refusals from the oplog, so
 * every order of arrival ends in the same state. Of two different seals of
 * one report the earlier (lower HLC, then device) holds.
 */

#define VALUE_PREFIX "v."

static const char * const status_names[] = {
  "draft", "signing", "sealed", "delivered", "confirmed", "disputed",
};

void
beacon_report_problem_free (BeaconReportProblem *problem)
{
  g_free (problem->field_id);
  g_free (problem->message);
  g_free (problem);
}

static void
signature_free (BeaconReportSignature *signature)
{
  g_free (signature->id);
  g_free (signature->role);
  g_free (signature->name);
  g_free (signature->strokes);
  g_free (signature->content_sha256);
  g_free (signature);
}

void
beacon_report_free (BeaconReport *report)
{
  if (report == NULL)
    return;

  g_free (report->id);
  g_free (report->ticket_id);
  g_free (report->ticket_number);
  g_clear_pointer (&report->template, beacon_report_template_unref);
  g_free (report->revision_of);
  g_clear_pointer (&report->values, json_object_unref);
  g_clear_pointer (&report->signatures, g_ptr_array_unref);
  g_free (report->sealed_sha256);
  g_free (report->dispute_reason);
  g_free (report);
}

const char *
beacon_report_status_to_string (BeaconReportStatus status)
{
  g_return_val_if_fail (status < G_N_ELEMENTS (status_names), NULL);
  return status_names[status];
}

const char *
beacon_report_status_get_label (BeaconReportStatus status)
{
  switch (status)
    {
    case BEACON_REPORT_DRAFT: return _("Draft");
    case BEACON_REPORT_SIGNING: return _("Partly signed");
    case BEACON_REPORT_SEALED: return _("Sealed");
    case BEACON_REPORT_DELIVERED: return _("Delivered");
    case BEACON_REPORT_CONFIRMED: return _("Confirmed");
    case BEACON_REPORT_DISPUTED: return _("Disputed");
    default: g_return_val_if_reached (NULL);
    }
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

static int
compare_versions (BeaconHlc   hlc_a,
                  const char *device_a,
                  BeaconHlc   hlc_b,
                  const char *device_b)
{
  if (hlc_a != hlc_b)
    return hlc_a < hlc_b ? -1 : 1;
  return g_strcmp0 (device_a, device_b);
}

/* Registers ---------------------------------------------------------------- */

/* Returns the parsed value of a register, or NULL when there is none. */
static JsonNode *
load_register (BeaconStore *self,
               const char  *entity,
               const char  *entity_id,
               const char  *field,
               BeaconHlc   *out_hlc,
               char       **out_device)
{
  sqlite3_stmt *stmt;
  JsonNode *node = NULL;

  stmt = _beacon_store_prepare (self,
                                "SELECT value, hlc, device FROM registers "
                                "WHERE entity = ? AND entity_id = ? AND field = ?",
                                NULL);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_text (stmt, 1, entity, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, entity_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, field, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      node = beacon_json_parse ((const char *) sqlite3_column_text (stmt, 0), NULL);
      if (out_hlc != NULL)
        *out_hlc = (BeaconHlc) sqlite3_column_int64 (stmt, 1);
      if (out_device != NULL)
        *out_device = _beacon_sql_dup_text (stmt, 2);
    }
  sqlite3_reset (stmt);

  return node;
}

static JsonObject *
node_get_object (JsonNode *node)
{
  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

static gboolean
add_refusal (BeaconStore  *self,
             const char   *device,
             gint64        seq,
             const char   *report_id,
             const char   *entity,
             const char   *field,
             BeaconHlc     hlc,
             const char   *reason,
             GError      **error)
{
  sqlite3_stmt *stmt;
  int rc;

  g_debug ("Refusing change %s/%" PRId64 " to sealed report %s: %s", device, seq, report_id, reason);

  stmt = _beacon_store_prepare (self,
                                "INSERT OR IGNORE INTO refusals (device, seq, report_id, entity, "
                                "field, hlc, reason) VALUES (?, ?, ?, ?, ?, ?, ?)",
                                error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, device, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, seq);
  sqlite3_bind_text (stmt, 3, report_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, entity, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 5, field, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 6, (sqlite3_int64) hlc);
  sqlite3_bind_text (stmt, 7, reason, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);

  if (rc != SQLITE_DONE)
    {
      _beacon_store_set_sqlite_error (self, error, "recording a refused change");
      return FALSE;
    }
  return TRUE;
}

/* Which report a change belongs to; NULL for one that is not a report's. */
static char *
dup_report_of_change (const BeaconChange *change)
{
  if (g_str_equal (change->entity, "report") ||
      g_str_equal (change->entity, "report_seal") ||
      g_str_equal (change->entity, "report_delivery"))
    return g_strdup (change->entity_id);

  if (g_str_equal (change->entity, "report_signature"))
    {
      g_autoptr(JsonNode) node = beacon_json_parse (change->value, NULL);
      JsonObject *object = node_get_object (node);

      return object ? g_strdup (json_object_get_string_member_with_default (object, "report", NULL))
                    : NULL;
    }

  return NULL;
}

/* A change to a report register the seal does not cover, or newer than
 * the version it pinned, is refused. An older version just loses. */
static gboolean
field_change_refused (JsonObject *seal,
                      const char *field,
                      BeaconHlc   hlc,
                      const char *device)
{
  JsonObject *registers = get_object_member (seal, "registers");
  JsonObject *pinned = registers ? get_object_member (registers, field) : NULL;

  if (pinned == NULL)
    return TRUE;

  return compare_versions (hlc, device,
                           (BeaconHlc) json_object_get_int_member_with_default (pinned, "hlc", 0),
                           json_object_get_string_member_with_default (pinned, "device", "")) > 0;
}

static gboolean
seal_lists_signature (JsonObject *seal,
                      const char *signature_id)
{
  JsonArray *signatures = get_array_member (seal, "signatures");

  for (guint i = 0; signatures != NULL && i < json_array_get_length (signatures); i++)
    if (g_strcmp0 (json_array_get_string_element (signatures, i), signature_id) == 0)
      return TRUE;
  return FALSE;
}

/* A signature made after the seal that the seal does not list is refused;
 * an older one (say, made before a field changed and signed again) stays
 * on record but does not count. */
static gboolean
signature_refused (JsonObject *seal,
                   BeaconHlc   seal_hlc,
                   const char *signature_id,
                   BeaconHlc   signature_hlc)
{
  return !seal_lists_signature (seal, signature_id) && signature_hlc > seal_hlc;
}

static char *
dup_sealed_message (const char *report_id,
                    JsonObject *seal)
{
  return g_strdup_printf (_("The report %s is sealed (SHA-256 %.12s…) and can no longer change; "
                            "amend it to make a new revision"),
                          report_id, json_object_get_string_member_with_default (seal, "sha256", ""));
}

/**
 * _beacon_report_guard_local_change:
 *
 * Called by apply_change() for a change of this device before anything is
 * written: a local edit of a sealed report fails with
 * %BEACON_STORE_ERROR_IMMUTABLE and the caller rolls back.
 */
gboolean
_beacon_report_guard_local_change (BeaconStore         *self,
                                   const BeaconChange  *change,
                                   GError             **error)
{
  g_autofree char *report_id = NULL;
  g_autoptr(JsonNode) seal = NULL;

  if (!g_str_has_prefix (change->entity, "report") ||
      g_str_equal (change->entity, "report_delivery"))
    return TRUE;

  report_id = dup_report_of_change (change);
  if (report_id == NULL)
    return TRUE;

  seal = load_register (self, "report_seal", report_id, "seal", NULL, NULL);
  if (seal != NULL)
    {
      g_autofree char *message = dup_sealed_message (report_id, node_get_object (seal));

      g_set_error_literal (error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_IMMUTABLE, message);
      return FALSE;
    }

  if (g_str_equal (change->entity, "report_signature"))
    {
      g_autoptr(JsonNode) existing = load_register (self, "report_signature", change->entity_id,
                                                    change->field, NULL, NULL);

      if (existing != NULL)
        {
          g_set_error (error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_IMMUTABLE,
                       _("The signature %s is already recorded; a signature cannot change"),
                       change->entity_id);
          return FALSE;
        }
    }

  return TRUE;
}

/* Puts the sealed versions back and recomputes the report's refusals from
 * the oplog, whatever arrived before. */
static gboolean
repin_report (BeaconStore  *self,
              const char   *report_id,
              JsonObject   *seal,
              BeaconHlc     seal_hlc,
              const char   *seal_device,
              GError      **error)
{
  JsonObject *registers = get_object_member (seal, "registers");
  g_autoptr(GPtrArray) stale = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GList) members = NULL;
  sqlite3_stmt *stmt;

  stmt = _beacon_store_prepare (self, "DELETE FROM refusals WHERE report_id = ?", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, report_id, -1, SQLITE_STATIC);
  sqlite3_step (stmt);
  sqlite3_reset (stmt);

  members = registers ? json_object_get_members (registers) : NULL;
  for (GList *l = members; l != NULL; l = l->next)
    {
      JsonObject *pinned = get_object_member (registers, l->data);
      g_autofree char *value = NULL;
      int rc;

      if (pinned == NULL || !json_object_has_member (pinned, "value"))
        continue;
      value = beacon_json_to_canonical (json_object_get_member (pinned, "value"));

      stmt = _beacon_store_prepare (self,
                                    "INSERT OR REPLACE INTO registers "
                                    "(entity, entity_id, field, value, hlc, device) "
                                    "VALUES ('report', ?, ?, ?, ?, ?)",
                                    error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_text (stmt, 1, report_id, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 2, l->data, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 3, value, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 4, json_object_get_int_member_with_default (pinned, "hlc", 0));
      sqlite3_bind_text (stmt, 5, json_object_get_string_member_with_default (pinned, "device", ""),
                         -1, SQLITE_TRANSIENT);
      rc = sqlite3_step (stmt);
      sqlite3_reset (stmt);
      if (rc != SQLITE_DONE)
        {
          _beacon_store_set_sqlite_error (self, error, "restoring a sealed field");
          return FALSE;
        }
    }

  /* Registers the seal does not cover go. */
  stmt = _beacon_store_prepare (self,
                                "SELECT field FROM registers WHERE entity = 'report' AND entity_id = ?",
                                error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, report_id, -1, SQLITE_STATIC);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      const char *field = (const char *) sqlite3_column_text (stmt, 0);

      if (registers == NULL || !json_object_has_member (registers, field))
        g_ptr_array_add (stale, g_strdup (field));
    }
  sqlite3_reset (stmt);

  for (guint i = 0; i < stale->len; i++)
    {
      stmt = _beacon_store_prepare (self,
                                    "DELETE FROM registers WHERE entity = 'report' AND entity_id = ? "
                                    "AND field = ?",
                                    error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_text (stmt, 1, report_id, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 2, g_ptr_array_index (stale, i), -1, SQLITE_STATIC);
      sqlite3_step (stmt);
      sqlite3_reset (stmt);
    }

  /* Every change of the report's history, judged against this seal. A
   * refused signature also leaves the projection. */
  g_ptr_array_set_size (stale, 0);
  stmt = _beacon_store_prepare (self,
                                "SELECT device, seq, hlc, entity, entity_id, field FROM oplog "
                                "WHERE entity = 'report' AND entity_id = ?1 "
                                "UNION ALL SELECT device, seq, hlc, entity, entity_id, field FROM oplog "
                                "WHERE entity = 'report_seal' AND entity_id = ?1 "
                                "UNION ALL SELECT device, seq, hlc, entity, entity_id, field FROM oplog "
                                "WHERE entity = 'report_signature' "
                                "AND json_extract (value, '$.report') = ?1",
                                error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, report_id, -1, SQLITE_STATIC);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      const char *device = (const char *) sqlite3_column_text (stmt, 0);
      gint64 seq = sqlite3_column_int64 (stmt, 1);
      BeaconHlc hlc = (BeaconHlc) sqlite3_column_int64 (stmt, 2);
      const char *entity = (const char *) sqlite3_column_text (stmt, 3);
      const char *entity_id = (const char *) sqlite3_column_text (stmt, 4);
      const char *field = (const char *) sqlite3_column_text (stmt, 5);
      const char *reason = NULL;

      if (g_str_equal (entity, "report") && field_change_refused (seal, field, hlc, device))
        reason = "changed-after-seal";
      else if (g_str_equal (entity, "report_seal") &&
               compare_versions (hlc, device, seal_hlc, seal_device) != 0)
        reason = "sealed-twice";
      else if (g_str_equal (entity, "report_signature") &&
               signature_refused (seal, seal_hlc, entity_id, hlc))
        {
          reason = "signed-after-seal";
          g_ptr_array_add (stale, g_strdup (entity_id));
        }

      if (reason != NULL)
        {
          g_autofree char *device_copy = g_strdup (device);
          g_autofree char *entity_copy = g_strdup (entity);
          g_autofree char *field_copy = g_strdup (field);

          /* add_refusal uses another statement; this one stays positioned. */
          if (!add_refusal (self, device_copy, seq, report_id, entity_copy, field_copy, hlc,
                            reason, error))
            {
              sqlite3_reset (stmt);
              return FALSE;
            }
        }
    }
  sqlite3_reset (stmt);

  for (guint i = 0; i < stale->len; i++)
    {
      stmt = _beacon_store_prepare (self,
                                    "DELETE FROM registers WHERE entity = 'report_signature' "
                                    "AND entity_id = ?",
                                    error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_text (stmt, 1, g_ptr_array_index (stale, i), -1, SQLITE_STATIC);
      sqlite3_step (stmt);
      sqlite3_reset (stmt);
    }

  return TRUE;
}

/**
 * _beacon_report_project_change:
 * @out_refused: (out): set when the change must not be projected
 *
 * Called by project_change() for every change (local, imported, or
 * replayed by a rebuild) before the registers are written.
 */
gboolean
_beacon_report_project_change (BeaconStore         *self,
                               const BeaconChange  *change,
                               gboolean            *out_refused,
                               GError             **error)
{
  g_autofree char *report_id = NULL;
  g_autofree char *seal_device = NULL;
  g_autoptr(JsonNode) seal_node = NULL;
  JsonObject *seal;
  BeaconHlc seal_hlc = 0;

  *out_refused = FALSE;

  if (!g_str_has_prefix (change->entity, "report") ||
      g_str_equal (change->entity, "report_delivery"))
    return TRUE;

  report_id = dup_report_of_change (change);
  if (report_id == NULL)
    return TRUE;

  seal_node = load_register (self, "report_seal", report_id, "seal", &seal_hlc, &seal_device);
  seal = node_get_object (seal_node);

  if (g_str_equal (change->entity, "report"))
    {
      if (seal != NULL && field_change_refused (seal, change->field, change->hlc, change->device))
        {
          *out_refused = TRUE;
          return add_refusal (self, change->device, change->seq, report_id, change->entity,
                              change->field, change->hlc, "changed-after-seal", error);
        }
      return TRUE;
    }

  if (g_str_equal (change->entity, "report_signature"))
    {
      g_autoptr(JsonNode) existing = load_register (self, "report_signature", change->entity_id,
                                                    change->field, NULL, NULL);

      if (existing != NULL ||
          (seal != NULL && signature_refused (seal, seal_hlc, change->entity_id, change->hlc)))
        {
          *out_refused = TRUE;
          return add_refusal (self, change->device, change->seq, report_id, change->entity,
                              change->field, change->hlc,
                              existing ? "signature-rewritten" : "signed-after-seal", error);
        }
      return TRUE;
    }

  if (g_str_equal (change->entity, "report_seal"))
    {
      g_autoptr(JsonNode) new_seal = beacon_json_parse (change->value, NULL);

      if (seal != NULL && compare_versions (seal_hlc, seal_device, change->hlc, change->device) < 0)
        {
          *out_refused = TRUE;
          return add_refusal (self, change->device, change->seq, report_id, change->entity,
                              change->field, change->hlc, "sealed-twice", error);
        }

      if (seal != NULL)
        {
          /* The earlier seal holds: it replaces the one projected so far. */
          sqlite3_stmt *stmt = _beacon_store_prepare (self,
                                                      "DELETE FROM registers WHERE entity = "
                                                      "'report_seal' AND entity_id = ?",
                                                      error);
          if (stmt == NULL)
            return FALSE;
          sqlite3_bind_text (stmt, 1, report_id, -1, SQLITE_STATIC);
          sqlite3_step (stmt);
          sqlite3_reset (stmt);
        }

      if (node_get_object (new_seal) == NULL)
        {
          g_set_error (error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_INVALID,
                       _("Change %s/%" PRId64 ": the seal of report %s is not a JSON object"),
                       change->device, change->seq, report_id);
          return FALSE;
        }

      return repin_report (self, report_id, node_get_object (new_seal), change->hlc,
                           change->device, error);
    }

  return TRUE;
}

/* Values ------------------------------------------------------------------- */

static gboolean
node_is_empty (JsonNode *node)
{
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (JSON_NODE_HOLDS_ARRAY (node))
    return json_array_get_length (json_node_get_array (node)) == 0;
  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    return _beacon_text_is_blank (json_node_get_string (node));
  return FALSE;
}

static gboolean
node_is_number (JsonNode *node)
{
  GType type;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return FALSE;
  type = json_node_get_value_type (node);
  return type == G_TYPE_INT64 || type == G_TYPE_DOUBLE;
}

static double
node_get_number (JsonNode *node)
{
  return json_node_get_value_type (node) == G_TYPE_INT64 ? (double) json_node_get_int (node)
                                                         : json_node_get_double (node);
}

static gboolean
node_is_string (JsonNode *node)
{
  return node != NULL && JSON_NODE_HOLDS_VALUE (node) &&
         json_node_get_value_type (node) == G_TYPE_STRING;
}

static char *
list_option_ids (const BeaconReportField *field)
{
  GString *ids = g_string_new (NULL);

  for (guint i = 0; field->options != NULL && i < field->options->len; i++)
    g_string_append_printf (ids, "%s%s", i ? ", " : "",
                            ((BeaconReportOption *) g_ptr_array_index (field->options, i))->id);
  return g_string_free (ids, FALSE);
}

/**
 * beacon_report_validate_value:
 *
 * Checks that @value has the form the field's kind needs. Emptiness is
 * not checked here: a draft may be incomplete (see beacon_report_check ()).
 */
gboolean
beacon_report_validate_value (const BeaconReportField  *field,
                              JsonNode                 *value,
                              GError                  **error)
{
  const char *label = beacon_report_translate (field->label);

  g_return_val_if_fail (field != NULL, FALSE);

  if (value == NULL || JSON_NODE_HOLDS_NULL (value))
    return TRUE;

  switch (field->kind)
    {
    case BEACON_REPORT_FIELD_TEXT:
    case BEACON_REPORT_FIELD_MULTILINE:
      if (!node_is_string (value))
        goto wrong_kind;
      if (field->kind == BEACON_REPORT_FIELD_TEXT && strchr (json_node_get_string (value), '\n'))
        {
          g_set_error (error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_INVALID,
                       _("“%s” (%s) takes one line of text"), label, field->id);
          return FALSE;
        }
      return TRUE;

    case BEACON_REPORT_FIELD_DATE_TIME:
      if (!JSON_NODE_HOLDS_VALUE (value) || json_node_get_value_type (value) != G_TYPE_INT64 ||
          json_node_get_int (value) < 0)
        goto wrong_kind;
      return TRUE;

    case BEACON_REPORT_FIELD_CHOICE:
      if (!node_is_string (value))
        goto wrong_kind;
      if (beacon_report_field_find_option (field, json_node_get_string (value)) == NULL)
        {
          g_autofree char *ids = list_option_ids (field);

          g_set_error (error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_INVALID,
                       _("“%s” (%s): “%s” is not one of the choices %s"),
                       label, field->id, json_node_get_string (value), ids);
          return FALSE;
        }
      return TRUE;

    case BEACON_REPORT_FIELD_CHECKLIST:
      if (!JSON_NODE_HOLDS_ARRAY (value))
        goto wrong_kind;
      for (guint i = 0; i < json_array_get_length (json_node_get_array (value)); i++)
        {
          JsonNode *item = json_array_get_element (json_node_get_array (value), i);

          if (!node_is_string (item) ||
              beacon_report_field_find_option (field, json_node_get_string (item)) == NULL)
            {
              g_autofree char *ids = list_option_ids (field);

              g_set_error (error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_INVALID,
                           _("“%s” (%s): item %u is not one of %s"), label, field->id, i + 1, ids);
              return FALSE;
            }
        }
      return TRUE;

    case BEACON_REPORT_FIELD_NUMBER:
      if (!node_is_number (value))
        goto wrong_kind;
      if (field->has_min && node_get_number (value) < field->min)
        {
          g_set_error (error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_INVALID,
                       _("“%s” (%s) cannot be less than %g"), label, field->id, field->min);
          return FALSE;
        }
      return TRUE;

    case BEACON_REPORT_FIELD_TABLE:
      if (!JSON_NODE_HOLDS_ARRAY (value))
        goto wrong_kind;
      for (guint r = 0; r < json_array_get_length (json_node_get_array (value)); r++)
        {
          JsonNode *row_node = json_array_get_element (json_node_get_array (value), r);
          JsonObject *row = node_get_object (row_node);
          g_autoptr(GList) names = NULL;

          if (row == NULL)
            {
              g_set_error (error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_INVALID,
                           _("“%s” (%s), row %u: a row is a JSON object of columns"),
                           label, field->id, r + 1);
              return FALSE;
            }

          names = json_object_get_members (row);
          for (GList *l = names; l != NULL; l = l->next)
            {
              const BeaconReportField *column = NULL;
              g_autoptr(GError) local_error = NULL;

              for (guint c = 0; c < field->columns->len; c++)
                if (g_str_equal (((BeaconReportField *) g_ptr_array_index (field->columns, c))->id,
                                 l->data))
                  column = g_ptr_array_index (field->columns, c);

              if (column == NULL)
                {
                  g_set_error (error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_INVALID,
                               _("“%s” (%s), row %u: there is no column “%s”"),
                               label, field->id, r + 1, (const char *) l->data);
                  return FALSE;
                }
              if (!beacon_report_validate_value (column, json_object_get_member (row, l->data),
                                                 &local_error))
                {
                  g_set_error (error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_INVALID,
                               _("“%s” (%s), row %u: %s"), label, field->id, r + 1,
                               local_error->message);
                  return FALSE;
                }
            }
        }
      return TRUE;

    case BEACON_REPORT_FIELD_SIGNATURE:
      g_set_error (error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_INVALID,
                   _("“%s” (%s) is a signature: sign the report instead"), label, field->id);
      return FALSE;

    case BEACON_REPORT_N_FIELD_KINDS:
    default:
      break;
    }

wrong_kind:
  {
    static const char * const expected[] = {
      N_("text"), N_("text"), N_("a date and time"), N_("one of the choices"),
      N_("a list of checked items"), N_("a number"), N_("a list of rows"), N_("a signature"),
    };

    g_set_error (error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_INVALID,
                 _("“%s” (%s) needs %s"), label, field->id, _(expected[field->kind]));
    return FALSE;
  }
}

static JsonNode *
parse_cell (const BeaconReportField  *column,
            JsonNode                 *cell,
            GError                  **error)
{
  if (column->kind == BEACON_REPORT_FIELD_DATE_TIME && node_is_string (cell))
    {
      gint64 instant;

      if (!beacon_time_parse (json_node_get_string (cell), NULL, &instant, error))
        return NULL;
      return json_node_init_int (json_node_alloc (), instant);
    }
  if (column->kind == BEACON_REPORT_FIELD_NUMBER && node_is_string (cell))
    {
      const char *text = json_node_get_string (cell);
      char *end = NULL;
      double number = g_ascii_strtod (text, &end);

      if (end != text && *end == '\0')
        return json_node_init_double (json_node_alloc (), number);
    }
  return json_node_copy (cell);
}

/**
 * beacon_report_parse_value:
 * @text: what a person typed; empty clears the field
 *
 * Turns text into the JSON value of the field's kind: a date and time in
 * ISO 8601, a choice's id, checked items as ids separated by commas or a
 * JSON array, a number (optionally followed by the unit), table rows as a
 * JSON array of objects (date-time cells may be ISO 8601 text).
 */
gboolean
beacon_report_parse_value (const BeaconReportField  *field,
                           const char               *text,
                           JsonNode                **out_value,
                           GError                  **error)
{
  g_autoptr(JsonNode) node = NULL;
  const char *label = beacon_report_translate (field->label);

  g_return_val_if_fail (field != NULL && text != NULL && out_value != NULL, FALSE);

  if (*text == '\0')
    {
      *out_value = json_node_new (JSON_NODE_NULL);
      return TRUE;
    }

  switch (field->kind)
    {
    case BEACON_REPORT_FIELD_TEXT:
    case BEACON_REPORT_FIELD_MULTILINE:
    case BEACON_REPORT_FIELD_CHOICE:
      node = json_node_init_string (json_node_alloc (), text);
      break;

    case BEACON_REPORT_FIELD_DATE_TIME:
      {
        gint64 instant;

        if (!beacon_time_parse (text, NULL, &instant, error))
          {
            g_prefix_error (error, "“%s” (%s): ", label, field->id);
            return FALSE;
          }
        node = json_node_init_int (json_node_alloc (), instant);
      }
      break;

    case BEACON_REPORT_FIELD_NUMBER:
      {
        g_autofree char *copy = g_strstrip (g_strdup (text));
        char *end = NULL;
        double number = g_ascii_strtod (copy, &end);

        if (end != copy && field->unit != NULL)
          {
            while (*end == ' ')
              end++;
            if (g_str_equal (end, field->unit))
              *end = '\0';
          }
        if (end == copy || *end != '\0')
          {
            g_set_error (error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_INVALID,
                         _("“%s” (%s): “%s” is not a number"), label, field->id, text);
            return FALSE;
          }
        node = number == (gint64) number && ABS (number) < 1e15
               ? json_node_init_int (json_node_alloc (), (gint64) number)
               : json_node_init_double (json_node_alloc (), number);
      }
      break;

    case BEACON_REPORT_FIELD_CHECKLIST:
      if (*text == '[')
        {
          g_autoptr(GError) local_error = NULL;

          node = beacon_json_parse (text, &local_error);
          if (node == NULL)
            {
              g_set_error (error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_INVALID,
                           _("“%s” (%s): %s"), label, field->id, local_error->message);
              return FALSE;
            }
        }
      else
        {
          g_auto(GStrv) ids = g_strsplit (text, ",", -1);
          JsonArray *array = json_array_new ();

          for (guint i = 0; ids[i] != NULL; i++)
            {
              g_strstrip (ids[i]);
              if (*ids[i] != '\0')
                json_array_add_string_element (array, ids[i]);
            }
          node = json_node_init_array (json_node_alloc (), array);
          json_array_unref (array);
        }
      break;

    case BEACON_REPORT_FIELD_TABLE:
      {
        g_autoptr(GError) local_error = NULL;
        g_autoptr(JsonNode) rows = beacon_json_parse (text, &local_error);
        JsonArray *array;

        if (rows == NULL || !JSON_NODE_HOLDS_ARRAY (rows))
          {
            g_set_error (error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_INVALID,
                         _("“%s” (%s): give the rows as a JSON array of objects, as in "
                           "[{\"%s\": …}]: %s"),
                         label, field->id,
                         ((BeaconReportField *) g_ptr_array_index (field->columns, 0))->id,
                         local_error ? local_error->message : _("not an array"));
            return FALSE;
          }

        array = json_array_new ();
        node = json_node_init_array (json_node_alloc (), array);
        json_array_unref (array);
        for (guint r = 0; r < json_array_get_length (json_node_get_array (rows)); r++)
          {
            JsonObject *row = json_array_get_object_element (json_node_get_array (rows), r);
            JsonObject *out_row = json_object_new ();
            g_autoptr(GList) names = row ? json_object_get_members (row) : NULL;

            json_array_add_object_element (array, out_row);
            if (row == NULL)
              continue;
            for (GList *l = names; l != NULL; l = l->next)
              {
                const BeaconReportField *column = NULL;
                JsonNode *cell;

                for (guint c = 0; c < field->columns->len; c++)
                  if (g_str_equal (((BeaconReportField *) g_ptr_array_index (field->columns, c))->id,
                                   l->data))
                    column = g_ptr_array_index (field->columns, c);

                if (column == NULL)
                  cell = json_node_copy (json_object_get_member (row, l->data));
                else
                  {
                    cell = parse_cell (column, json_object_get_member (row, l->data), error);
                    if (cell == NULL)
                      {
                        g_prefix_error (error, "“%s” (%s), row %u: ", label, field->id, r + 1);
                        return FALSE;
                      }
                  }
                json_object_set_member (out_row, l->data, cell);
              }
          }
      }
      break;

    case BEACON_REPORT_FIELD_SIGNATURE:
    case BEACON_REPORT_N_FIELD_KINDS:
    default:
      break;
    }

  if (!beacon_report_validate_value (field, node, error))
    return FALSE;

  *out_value = g_steal_pointer (&node);
  return TRUE;
}

static char *
format_instant (gint64 instant)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_local (instant);

  return dt ? g_date_time_format (dt, "%Y-%m-%d %H:%M") : g_strdup ("");
}

/**
 * beacon_report_format_value:
 *
 * Returns: (transfer full): the value as a person reads it, in the UI
 *   language; tables give their row count
 */
char *
beacon_report_format_value (const BeaconReportField *field,
                            JsonNode                *value)
{
  g_return_val_if_fail (field != NULL, NULL);

  if (value == NULL || JSON_NODE_HOLDS_NULL (value))
    return g_strdup ("");

  switch (field->kind)
    {
    case BEACON_REPORT_FIELD_TEXT:
    case BEACON_REPORT_FIELD_MULTILINE:
      return g_strdup (node_is_string (value) ? json_node_get_string (value) : "");

    case BEACON_REPORT_FIELD_DATE_TIME:
      return JSON_NODE_HOLDS_VALUE (value) ? format_instant (json_node_get_int (value)) : g_strdup ("");

    case BEACON_REPORT_FIELD_CHOICE:
      {
        const char *label = node_is_string (value)
                            ? beacon_report_field_find_option (field, json_node_get_string (value))
                            : NULL;

        return g_strdup (label ? beacon_report_translate (label) : "");
      }

    case BEACON_REPORT_FIELD_CHECKLIST:
      {
        GString *text = g_string_new (NULL);

        for (guint i = 0; JSON_NODE_HOLDS_ARRAY (value) &&
                          i < json_array_get_length (json_node_get_array (value)); i++)
          {
            const char *label = beacon_report_field_find_option (field,
                                  json_array_get_string_element (json_node_get_array (value), i));

            if (label != NULL)
              g_string_append_printf (text, "%s%s", text->len ? "; " : "",
                                      beacon_report_translate (label));
          }
        return g_string_free (text, FALSE);
      }

    case BEACON_REPORT_FIELD_NUMBER:
      if (!node_is_number (value))
        return g_strdup ("");
      return field->unit ? g_strdup_printf ("%g %s", node_get_number (value), field->unit)
                         : g_strdup_printf ("%g", node_get_number (value));

    case BEACON_REPORT_FIELD_TABLE:
      {
        guint n = JSON_NODE_HOLDS_ARRAY (value) ? json_array_get_length (json_node_get_array (value)) : 0;

        return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u row", "%u rows", n), n);
      }

    case BEACON_REPORT_FIELD_SIGNATURE:
    case BEACON_REPORT_N_FIELD_KINDS:
    default:
      return g_strdup ("");
    }
}

/* Reading ------------------------------------------------------------------ */

JsonNode *
beacon_report_get_value (BeaconReport *report,
                         const char   *field_id)
{
  JsonNode *node;

  g_return_val_if_fail (report != NULL, NULL);

  node = json_object_get_member (report->values, field_id);
  return node != NULL && !JSON_NODE_HOLDS_NULL (node) ? node : NULL;
}

/**
 * beacon_report_get_signature:
 *
 * Returns: (transfer none) (nullable): the signature that counts for @role:
 *   the newest one made over the current content, or the sealed one
 */
BeaconReportSignature *
beacon_report_get_signature (BeaconReport *report,
                             const char   *role)
{
  g_return_val_if_fail (report != NULL, NULL);

  for (guint i = report->signatures->len; i > 0; i--)
    {
      BeaconReportSignature *signature = g_ptr_array_index (report->signatures, i - 1);

      if (signature->current && g_strcmp0 (signature->role, role) == 0)
        return signature;
    }
  return NULL;
}

static JsonNode *
build_content (BeaconReport *report,
               gboolean      with_signatures)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "template");
  json_builder_add_string_value (builder, report->template->id);
  json_builder_set_member_name (builder, "template_version");
  json_builder_add_int_value (builder, report->template_version);
  json_builder_set_member_name (builder, "fields");
  json_builder_begin_object (builder);
  for (guint i = 0; i < report->template->fields->len; i++)
    {
      const BeaconReportField *field = g_ptr_array_index (report->template->fields, i);
      JsonNode *value = beacon_report_get_value (report, field->id);

      if (value == NULL)
        continue;
      json_builder_set_member_name (builder, field->id);
      json_builder_add_value (builder, json_node_copy (value));
    }
  json_builder_end_object (builder);

  if (with_signatures)
    {
      json_builder_set_member_name (builder, "signatures");
      json_builder_begin_array (builder);
      for (guint i = 0; i < report->template->fields->len; i++)
        {
          const BeaconReportField *field = g_ptr_array_index (report->template->fields, i);
          BeaconReportSignature *signature;

          if (field->kind != BEACON_REPORT_FIELD_SIGNATURE ||
              (signature = beacon_report_get_signature (report, field->role)) == NULL)
            continue;

          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "role");
          json_builder_add_string_value (builder, signature->role);
          json_builder_set_member_name (builder, "name");
          json_builder_add_string_value (builder, signature->name);
          json_builder_set_member_name (builder, "signed_at");
          json_builder_add_int_value (builder, signature->signed_at);
          json_builder_set_member_name (builder, "strokes");
          json_builder_add_value (builder, beacon_json_parse (signature->strokes, NULL));
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
    }
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

static char *
hash_content (BeaconReport *report,
              gboolean      with_signatures)
{
  g_autoptr(JsonNode) content = build_content (report, with_signatures);
  g_autofree char *canonical = beacon_json_to_canonical (content);

  return g_compute_checksum_for_string (G_CHECKSUM_SHA256, canonical, -1);
}

/**
 * beacon_report_compute_sha256:
 *
 * Returns: (transfer full): SHA-256 in hex over the canonical JSON of the
 *   template id and version, the field values and the signatures that count
 */
char *
beacon_report_compute_sha256 (BeaconReport *report)
{
  g_return_val_if_fail (report != NULL, NULL);
  return hash_content (report, TRUE);
}

static BeaconReportProblem *
problem_new (const BeaconReportField *field,
             char                    *message)
{
  BeaconReportProblem *problem = g_new0 (BeaconReportProblem, 1);

  problem->field_id = g_strdup (field->id);
  problem->message = message;
  return problem;
}

/**
 * beacon_report_check:
 *
 * Returns: (transfer full) (element-type BeaconReportProblem): what keeps
 *   the report from being signed, in template order; empty when complete
 */
GPtrArray *
beacon_report_check (BeaconReport *report)
{
  GPtrArray *problems = g_ptr_array_new_with_free_func ((GDestroyNotify) beacon_report_problem_free);

  g_return_val_if_fail (report != NULL, problems);

  for (guint i = 0; i < report->template->fields->len; i++)
    {
      const BeaconReportField *field = g_ptr_array_index (report->template->fields, i);
      const char *label = beacon_report_translate (field->label);
      JsonNode *value = beacon_report_get_value (report, field->id);
      g_autoptr(GError) error = NULL;

      if (field->kind == BEACON_REPORT_FIELD_SIGNATURE)
        continue;

      if (node_is_empty (value))
        {
          if (field->required)
            g_ptr_array_add (problems, problem_new (field, g_strdup_printf (_("“%s” is required"), label)));
          continue;
        }

      if (!beacon_report_validate_value (field, value, &error))
        {
          g_ptr_array_add (problems, problem_new (field, g_strdup (error->message)));
          continue;
        }

      if (field->not_before != NULL)
        {
          const BeaconReportField *other = beacon_report_template_find_field (report->template,
                                                                              field->not_before);
          JsonNode *other_value = beacon_report_get_value (report, field->not_before);

          if (other != NULL && other_value != NULL && node_is_number (other_value) &&
              json_node_get_int (value) < json_node_get_int (other_value))
            g_ptr_array_add (problems,
                             problem_new (field, g_strdup_printf (_("“%s” is earlier than “%s”"), label,
                                                                  beacon_report_translate (other->label))));
        }

      if (field->not_below != NULL)
        {
          const BeaconReportField *other = beacon_report_template_find_field (report->template,
                                                                              field->not_below);
          JsonNode *other_value = beacon_report_get_value (report, field->not_below);

          if (other != NULL && other_value != NULL && node_is_number (other_value) &&
              node_get_number (value) < node_get_number (other_value))
            g_ptr_array_add (problems,
                             problem_new (field, g_strdup_printf (_("“%s” is less than “%s”"), label,
                                                                  beacon_report_translate (other->label))));
        }

      if (field->kind == BEACON_REPORT_FIELD_TABLE)
        {
          JsonArray *rows = json_node_get_array (value);

          for (guint r = 0; r < json_array_get_length (rows); r++)
            {
              JsonObject *row = json_array_get_object_element (rows, r);

              for (guint c = 0; c < field->columns->len; c++)
                {
                  const BeaconReportField *column = g_ptr_array_index (field->columns, c);

                  if (column->required && node_is_empty (json_object_get_member (row, column->id)))
                    g_ptr_array_add (problems,
                                     problem_new (field,
                                                  g_strdup_printf (_("Row %u of “%s”: “%s” is required"),
                                                                   r + 1, label,
                                                                   beacon_report_translate (column->label))));
                }
            }
        }
    }

  return problems;
}

static GPtrArray *
load_signatures (BeaconStore *self,
                 const char  *report_id)
{
  GPtrArray *signatures = g_ptr_array_new_with_free_func ((GDestroyNotify) signature_free);
  sqlite3_stmt *stmt;

  stmt = _beacon_store_prepare (self,
                                "SELECT entity_id, value FROM registers "
                                "WHERE entity = 'report_signature' "
                                "AND json_extract (value, '$.report') = ? ORDER BY hlc, device",
                                NULL);
  if (stmt == NULL)
    return signatures;

  sqlite3_bind_text (stmt, 1, report_id, -1, SQLITE_STATIC);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      g_autoptr(JsonNode) node = beacon_json_parse ((const char *) sqlite3_column_text (stmt, 1), NULL);
      JsonObject *object = node_get_object (node);
      BeaconReportSignature *signature;
      JsonNode *strokes;

      if (object == NULL)
        continue;

      signature = g_new0 (BeaconReportSignature, 1);
      signature->id = _beacon_sql_dup_text (stmt, 0);
      signature->role = g_strdup (json_object_get_string_member_with_default (object, "role", ""));
      signature->name = g_strdup (json_object_get_string_member_with_default (object, "name", ""));
      signature->signed_at = json_object_get_int_member_with_default (object, "signed_at", 0);
      signature->content_sha256 =
        g_strdup (json_object_get_string_member_with_default (object, "content_sha256", ""));
      strokes = json_object_get_member (object, "strokes");
      signature->strokes = strokes ? beacon_json_to_canonical (strokes) : g_strdup ("null");
      g_ptr_array_add (signatures, signature);
    }
  sqlite3_reset (stmt);

  return signatures;
}

static BeaconReport *
load_report_locked (BeaconStore  *self,
                    const char   *report_id,
                    GError      **error)
{
  g_autoptr(BeaconReport) report = g_new0 (BeaconReport, 1);
  g_autoptr(JsonNode) seal_node = NULL;
  g_autoptr(JsonNode) delivered = NULL;
  g_autoptr(JsonNode) answer = NULL;
  g_autofree char *template_id = NULL;
  g_autofree char *fields_sha256 = NULL;
  JsonObject *seal;
  sqlite3_stmt *stmt;
  gboolean found = FALSE;

  report->id = g_strdup (report_id);
  report->values = json_object_new ();

  stmt = _beacon_store_prepare (self,
                                "SELECT field, value FROM registers "
                                "WHERE entity = 'report' AND entity_id = ?",
                                error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_text (stmt, 1, report_id, -1, SQLITE_STATIC);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      const char *field = (const char *) sqlite3_column_text (stmt, 0);
      JsonNode *value = beacon_json_parse ((const char *) sqlite3_column_text (stmt, 1), NULL);

      found = TRUE;
      if (value == NULL)
        continue;

      if (g_str_has_prefix (field, VALUE_PREFIX))
        {
          if (!JSON_NODE_HOLDS_NULL (value))
            json_object_set_member (report->values, field + strlen (VALUE_PREFIX), g_steal_pointer (&value));
        }
      else if (g_str_equal (field, "ticket") && node_is_string (value))
        report->ticket_id = g_strdup (json_node_get_string (value));
      else if (g_str_equal (field, "template") && node_is_string (value))
        template_id = g_strdup (json_node_get_string (value));
      else if (g_str_equal (field, "template_version") && node_is_number (value))
        report->template_version = (int) json_node_get_int (value);
      else if (g_str_equal (field, "revision_of") && node_is_string (value))
        report->revision_of = g_strdup (json_node_get_string (value));
      else if (g_str_equal (field, "created_at") && node_is_number (value))
        report->created_at = json_node_get_int (value);

      g_clear_pointer (&value, json_node_unref);
    }
  sqlite3_reset (stmt);

  if (!found || template_id == NULL)
    {
      g_set_error (error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_NOT_FOUND,
                   _("There is no report %s"), report_id);
      return NULL;
    }

  report->template = beacon_report_template_lookup (template_id, error);
  if (report->template == NULL)
    {
      g_prefix_error (error, _("Report %s: "), report_id);
      return NULL;
    }

  stmt = _beacon_store_prepare (self, "SELECT number FROM tickets WHERE id = ?", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, report->ticket_id, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    report->ticket_number = _beacon_sql_dup_text (stmt, 0);
  sqlite3_reset (stmt);

  report->signatures = load_signatures (self, report_id);

  seal_node = load_register (self, "report_seal", report_id, "seal", NULL, NULL);
  seal = node_get_object (seal_node);
  fields_sha256 = hash_content (report, FALSE);
  for (guint i = 0; i < report->signatures->len; i++)
    {
      BeaconReportSignature *signature = g_ptr_array_index (report->signatures, i);

      signature->current = seal != NULL ? seal_lists_signature (seal, signature->id)
                                        : g_str_equal (signature->content_sha256, fields_sha256);
    }

  if (seal != NULL)
    {
      report->sealed = TRUE;
      report->sealed_sha256 = g_strdup (json_object_get_string_member_with_default (seal, "sha256", ""));
      report->sealed_at = json_object_get_int_member_with_default (seal, "sealed_at", 0);
      report->status = BEACON_REPORT_SEALED;
    }
  else
    {
      report->status = BEACON_REPORT_DRAFT;
      for (guint i = 0; i < report->signatures->len; i++)
        if (((BeaconReportSignature *) g_ptr_array_index (report->signatures, i))->current)
          report->status = BEACON_REPORT_SIGNING;
    }

  delivered = load_register (self, "report_delivery", report_id, "delivered_at", NULL, NULL);
  if (report->sealed && delivered != NULL && node_is_number (delivered))
    {
      JsonObject *answer_object;

      report->delivered_at = json_node_get_int (delivered);
      report->status = BEACON_REPORT_DELIVERED;

      answer = load_register (self, "report_delivery", report_id, "answer", NULL, NULL);
      answer_object = node_get_object (answer);
      if (answer_object != NULL)
        {
          gboolean confirmed = g_strcmp0 (json_object_get_string_member_with_default (answer_object,
                                                                                      "state", ""),
                                          "confirmed") == 0;

          report->status = confirmed ? BEACON_REPORT_CONFIRMED : BEACON_REPORT_DISPUTED;
          report->answered_at = json_object_get_int_member_with_default (answer_object, "at", 0);
          report->auto_confirmed = json_object_get_boolean_member_with_default (answer_object,
                                                                                "auto", FALSE);
          report->dispute_reason =
            g_strdup (json_object_get_string_member_with_default (answer_object, "reason", ""));
        }
    }

  return g_steal_pointer (&report);
}

/**
 * beacon_store_get_report:
 *
 * Returns: (transfer full): the report, or %NULL with @error set
 */
BeaconReport *
beacon_store_get_report (BeaconStore  *self,
                         const char   *report_id,
                         GError      **error)
{
  BeaconReport *report;

  g_return_val_if_fail (BEACON_IS_STORE (self), NULL);
  g_return_val_if_fail (report_id != NULL, NULL);

  _beacon_store_lock (self);
  report = load_report_locked (self, report_id, error);
  _beacon_store_unlock (self);

  return report;
}

static GPtrArray *
list_report_ids_locked (BeaconStore  *self,
                        const char   *sql,
                        const char   *parameter,
                        GError      **error)
{
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  sqlite3_stmt *stmt = _beacon_store_prepare (self, sql, error);

  if (stmt == NULL)
    return NULL;

  sqlite3_bind_text (stmt, 1, parameter, -1, SQLITE_STATIC);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_ptr_array_add (ids, _beacon_sql_dup_text (stmt, 0));
  sqlite3_reset (stmt);

  return g_steal_pointer (&ids);
}

static GPtrArray *
load_reports_locked (BeaconStore  *self,
                     GPtrArray    *ids,
                     GError      **error)
{
  g_autoptr(GPtrArray) reports = g_ptr_array_new_with_free_func ((GDestroyNotify) beacon_report_free);

  for (guint i = 0; i < ids->len; i++)
    {
      BeaconReport *report = load_report_locked (self, g_ptr_array_index (ids, i), error);

      if (report == NULL)
        return NULL;
      g_ptr_array_add (reports, report);
    }

  return g_steal_pointer (&reports);
}

/**
 * beacon_store_list_reports:
 * @ticket_id: (nullable): a ticket's UUID, or %NULL for all reports
 *
 * Returns: (transfer full) (element-type BeaconReport): reports, oldest first
 */
GPtrArray *
beacon_store_list_reports (BeaconStore  *self,
                           const char   *ticket_id,
                           GError      **error)
{
  g_autoptr(GPtrArray) ids = NULL;
  GPtrArray *reports = NULL;

  g_return_val_if_fail (BEACON_IS_STORE (self), NULL);

  _beacon_store_lock (self);
  ids = list_report_ids_locked (self,
                                "SELECT entity_id FROM registers WHERE entity = 'report' "
                                "AND field = 'ticket' AND (?1 IS NULL OR json_extract (value, '$') = ?1) "
                                "ORDER BY hlc, device",
                                ticket_id, error);
  if (ids != NULL)
    reports = load_reports_locked (self, ids, error);
  _beacon_store_unlock (self);

  return reports;
}

static int
compare_sealed_at (gconstpointer a,
                   gconstpointer b)
{
  const BeaconReport *ra = *(BeaconReport * const *) a;
  const BeaconReport *rb = *(BeaconReport * const *) b;

  return (ra->sealed_at > rb->sealed_at) - (ra->sealed_at < rb->sealed_at);
}

/**
 * beacon_store_list_ledger:
 *
 * The fault ledger (用户故障处理台账): every sealed report of a template that
 * feeds it, in the order they were sealed.
 *
 * Returns: (transfer full) (element-type BeaconReport): the reports
 */
GPtrArray *
beacon_store_list_ledger (BeaconStore  *self,
                          GError      **error)
{
  g_autoptr(GPtrArray) ids = NULL;
  g_autoptr(GPtrArray) reports = NULL;

  g_return_val_if_fail (BEACON_IS_STORE (self), NULL);

  _beacon_store_lock (self);
  ids = list_report_ids_locked (self,
                                "SELECT entity_id FROM registers WHERE entity = 'report_seal' "
                                "AND ?1 IS NULL",
                                NULL, error);
  if (ids != NULL)
    reports = load_reports_locked (self, ids, error);
  _beacon_store_unlock (self);

  if (reports == NULL)
    return NULL;

  for (guint i = reports->len; i > 0; i--)
    if (!((BeaconReport *) g_ptr_array_index (reports, i - 1))->template->ledger)
      g_ptr_array_remove_index (reports, i - 1);
  g_ptr_array_sort (reports, compare_sealed_at);

  return g_steal_pointer (&reports);
}

/* Writing ------------------------------------------------------------------ */

static gboolean
record_value (BeaconStore  *self,
              const char   *report_id,
              const char   *field_id,
              JsonNode     *value,
              GError      **error)
{
  g_autofree char *field = g_strconcat (VALUE_PREFIX, field_id, NULL);

  return _beacon_store_record (self, "report", report_id, field, value, NULL, error);
}

static JsonNode *
make_row (gint64      time,
          const char *first_column,
          const char *first,
          const char *second_column,
          const char *second)
{
  JsonObject *row = json_object_new ();
  JsonNode *node;

  json_object_set_int_member (row, "time", time);
  json_object_set_string_member (row, first_column, first);
  if (second_column != NULL)
    json_object_set_string_member (row, second_column, second ? second : "");
  node = json_node_init_object (json_node_alloc (), row);
  json_object_unref (row);

  return node;
}

static JsonNode *
prefill_timeline (const BeaconReportField *field,
                  BeaconTicket            *ticket,
                  gboolean                 approvals_only)
{
  const BeaconReportField *text_column = NULL;
  JsonArray *rows = json_array_new ();
  JsonNode *node;

  /* The first text column after the time takes the description. */
  for (guint c = 0; c < field->columns->len && text_column == NULL; c++)
    {
      const BeaconReportField *column = g_ptr_array_index (field->columns, c);

      if (column->kind == BEACON_REPORT_FIELD_TEXT || column->kind == BEACON_REPORT_FIELD_MULTILINE)
        text_column = column;
    }

  for (guint i = 0; text_column != NULL && ticket->events != NULL && i < ticket->events->len; i++)
    {
      BeaconEvent *event = g_ptr_array_index (ticket->events, i);
      g_autofree char *text = NULL;

      if (approvals_only)
        {
          if (event->type != BEACON_EVENT_APPROVAL_GRANTED)
            continue;
          json_array_add_element (rows, make_row (event->occurred_at, text_column->id,
                                                  event->note, "approved_by", event->author));
          continue;
        }

      text = _beacon_text_is_blank (event->note)
             ? g_strdup (beacon_event_type_get_label (event->type))
             : g_strdup_printf ("%s: %s", beacon_event_type_get_label (event->type), event->note);
      json_array_add_element (rows, make_row (event->occurred_at, text_column->id, text, NULL, NULL));
    }

  node = json_node_init_array (json_node_alloc (), rows);
  json_array_unref (rows);
  return node;
}

/* The newest sealed report of the same template for the same customer. */
static JsonNode *
prefill_from_last (BeaconStore             *self,
                   BeaconTicket            *ticket,
                   BeaconReportTemplate    *template,
                   const char              *field_id)
{
  g_autoptr(GPtrArray) ids = NULL;
  g_autoptr(GPtrArray) reports = NULL;
  BeaconReport *newest = NULL;
  JsonNode *value;

  if (ticket->customer_id == NULL)
    return NULL;

  ids = list_report_ids_locked (self,
                                "SELECT s.entity_id FROM registers s "
                                "JOIN registers r ON r.entity = 'report' AND r.entity_id = s.entity_id "
                                "AND r.field = 'ticket' "
                                "JOIN tickets t ON t.id = json_extract (r.value, '$') "
                                "WHERE s.entity = 'report_seal' AND t.customer_id = ?",
                                ticket->customer_id, NULL);
  if (ids == NULL || (reports = load_reports_locked (self, ids, NULL)) == NULL)
    return NULL;

  for (guint i = 0; i < reports->len; i++)
    {
      BeaconReport *report = g_ptr_array_index (reports, i);

      if (g_str_equal (report->template->id, template->id) &&
          (newest == NULL || report->sealed_at > newest->sealed_at))
        newest = report;
    }

  value = newest ? beacon_report_get_value (newest, field_id) : NULL;
  return value ? json_node_copy (value) : NULL;
}

static JsonNode *
prefill_value (BeaconStore             *self,
               BeaconTicket            *ticket,
               BeaconReportTemplate    *template,
               const BeaconReportField *field)
{
  const char *source = field->prefill;
  const char *text = NULL;

  if (g_str_equal (source, "ticket.number"))
    text = ticket->number;
  else if (g_str_equal (source, "ticket.customer"))
    text = ticket->customer;
  else if (g_str_equal (source, "ticket.site"))
    text = ticket->site;
  else if (g_str_equal (source, "ticket.system"))
    text = ticket->system;
  else if (g_str_equal (source, "ticket.symptoms"))
    text = !_beacon_text_is_blank (ticket->symptoms) ? ticket->symptoms : ticket->summary;
  else if (g_str_equal (source, "ticket.level"))
    {
      g_autofree char *level = g_strdup_printf ("%d", ticket->level);

      return beacon_report_field_find_option (field, level)
             ? json_node_init_string (json_node_alloc (), level) : NULL;
    }
  else if (g_str_equal (source, "ticket.accepted_at") && ticket->accepted_at > 0)
    return json_node_init_int (json_node_alloc (), ticket->accepted_at);
  else if (g_str_equal (source, "ticket.fault_at") && ticket->fault_at > 0)
    return json_node_init_int (json_node_alloc (), ticket->fault_at);
  else if (g_str_equal (source, "ticket.timeline") && field->kind == BEACON_REPORT_FIELD_TABLE)
    return prefill_timeline (field, ticket, FALSE);
  else if (g_str_equal (source, "ticket.approvals") && field->kind == BEACON_REPORT_FIELD_TABLE)
    return prefill_timeline (field, ticket, TRUE);
  else if (g_str_has_prefix (source, "event."))
    {
      BeaconEventType type;

      if (!beacon_event_type_from_string (source + strlen ("event."), &type))
        return NULL;
      for (guint i = 0; ticket->events != NULL && i < ticket->events->len; i++)
        {
          BeaconEvent *event = g_ptr_array_index (ticket->events, i);

          if (event->type == type)
            return json_node_init_int (json_node_alloc (), event->occurred_at);
        }
      return NULL;
    }
  else if (g_str_has_prefix (source, "last."))
    return prefill_from_last (self, ticket, template, source + strlen ("last."));

  return !_beacon_text_is_blank (text) ? json_node_init_string (json_node_alloc (), text) : NULL;
}

static gboolean
record_header (BeaconStore          *self,
               const char           *report_id,
               const char           *ticket_id,
               BeaconReportTemplate *template,
               const char           *revision_of,
               GError              **error)
{
  return _beacon_store_record_string (self, "report", report_id, "ticket", ticket_id, error) &&
         _beacon_store_record_string (self, "report", report_id, "template", template->id, error) &&
         _beacon_store_record_int (self, "report", report_id, "template_version", template->version,
                                   error) &&
         _beacon_store_record_int (self, "report", report_id, "created_at",
                                   beacon_store_now (self), error) &&
         (revision_of == NULL ||
          _beacon_store_record_string (self, "report", report_id, "revision_of", revision_of, error));
}

/**
 * beacon_store_create_report:
 * @ticket: the ticket's number or UUID
 * @template_id: `field-service`, `fault-handling`, `inspection`, …
 *
 * Starts a report, filled in from the ticket and its timeline as far as
 * the template says.
 *
 * Returns: (transfer full): the report's id, or %NULL with @error set
 */
char *
beacon_store_create_report (BeaconStore  *self,
                            const char   *ticket,
                            const char   *template_id,
                            GError      **error)
{
  g_autoptr(BeaconReportTemplate) template = NULL;
  g_autoptr(BeaconTicket) found = NULL;
  g_autofree char *report_id = NULL;

  g_return_val_if_fail (BEACON_IS_STORE (self), NULL);
  g_return_val_if_fail (ticket != NULL && template_id != NULL, NULL);

  template = beacon_report_template_lookup (template_id, error);
  if (template == NULL)
    return NULL;

  found = beacon_store_get_ticket (self, ticket, TRUE, error);
  if (found == NULL)
    return NULL;

  if (!_beacon_store_begin (self, error))
    return NULL;

  report_id = _beacon_uuid_new ();
  if (!record_header (self, report_id, found->id, template, NULL, error))
    goto fail;

  for (guint i = 0; i < template->fields->len; i++)
    {
      const BeaconReportField *field = g_ptr_array_index (template->fields, i);
      g_autoptr(JsonNode) value = NULL;

      if (field->prefill == NULL)
        continue;
      value = prefill_value (self, found, template, field);
      if (value == NULL || !beacon_report_validate_value (field, value, NULL))
        continue;
      if (!record_value (self, report_id, field->id, value, error))
        goto fail;
    }

  if (!_beacon_store_commit (self, error))
    return NULL;

  return g_steal_pointer (&report_id);

fail:
  _beacon_store_rollback (self);
  return NULL;
}

/**
 * beacon_store_amend_report:
 *
 * Starts a new revision of a sealed report with its values, to be signed
 * again. The sealed one stays as it is.
 *
 * Returns: (transfer full): the new report's id, or %NULL with @error set
 */
char *
beacon_store_amend_report (BeaconStore  *self,
                           const char   *report_id,
                           GError      **error)
{
  g_autoptr(BeaconReport) old = NULL;
  g_autofree char *new_id = NULL;
  g_autoptr(GList) members = NULL;

  g_return_val_if_fail (BEACON_IS_STORE (self), NULL);

  if (!_beacon_store_begin (self, error))
    return NULL;

  old = load_report_locked (self, report_id, error);
  if (old == NULL)
    goto fail;

  if (!old->sealed)
    {
      g_set_error (error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_INVALID,
                   _("Report %s is not sealed yet: change it directly instead of amending it"),
                   report_id);
      goto fail;
    }

  new_id = _beacon_uuid_new ();
  if (!record_header (self, new_id, old->ticket_id, old->template, old->id, error))
    goto fail;

  members = json_object_get_members (old->values);
  for (GList *l = members; l != NULL; l = l->next)
    {
      const BeaconReportField *field = beacon_report_template_find_field (old->template, l->data);
      JsonNode *value = json_object_get_member (old->values, l->data);

      if (field == NULL || !beacon_report_validate_value (field, value, NULL))
        continue;
      if (!record_value (self, new_id, l->data, value, error))
        goto fail;
    }

  if (!_beacon_store_commit (self, error))
    return NULL;

  return g_steal_pointer (&new_id);

fail:
  _beacon_store_rollback (self);
  return NULL;
}

static gboolean
check_not_sealed (BeaconStore   *self,
                  BeaconReport  *report,
                  GError       **error)
{
  g_autoptr(JsonNode) seal = NULL;
  g_autofree char *message = NULL;

  if (!report->sealed)
    return TRUE;

  seal = load_register (self, "report_seal", report->id, "seal", NULL, NULL);
  message = dup_sealed_message (report->id, node_get_object (seal));
  g_set_error_literal (error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_IMMUTABLE, message);
  return FALSE;
}

/**
 * beacon_store_set_report_field:
 * @value: (nullable): the value; %NULL or JSON null empties the field
 *
 * Saves one field of a draft at once, so an editor can autosave as the
 * user types. Fields derived from this one are updated too.
 */
gboolean
beacon_store_set_report_field (BeaconStore  *self,
                               const char   *report_id,
                               const char   *field_id,
                               JsonNode     *value,
                               GError      **error)
{
  g_autoptr(BeaconReport) report = NULL;
  g_autoptr(JsonNode) null_node = json_node_new (JSON_NODE_NULL);
  const BeaconReportField *field;

  g_return_val_if_fail (BEACON_IS_STORE (self), FALSE);
  g_return_val_if_fail (report_id != NULL && field_id != NULL, FALSE);

  if (!_beacon_store_begin (self, error))
    return FALSE;

  report = load_report_locked (self, report_id, error);
  if (report == NULL || !check_not_sealed (self, report, error))
    goto fail;

  field = beacon_report_template_find_field (report->template, field_id);
  if (field == NULL || field->kind == BEACON_REPORT_FIELD_SIGNATURE)
    {
      GString *ids = g_string_new (NULL);

      for (guint i = 0; i < report->template->fields->len; i++)
        {
          const BeaconReportField *f = g_ptr_array_index (report->template->fields, i);

          if (f->kind != BEACON_REPORT_FIELD_SIGNATURE)
            g_string_append_printf (ids, "%s%s", ids->len ? ", " : "", f->id);
        }
      g_set_error (error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_INVALID,
                   _("The %s report has no field “%s” to fill in; its fields are %s"),
                   report->template->id, field_id, ids->str);
      g_string_free (ids, TRUE);
      goto fail;
    }

  if (value == NULL)
    value = null_node;
  if (!beacon_report_validate_value (field, value, error) ||
      !record_value (self, report_id, field_id, value, error))
    goto fail;

  /* A field computed from this one follows it. */
  json_object_set_member (report->values, field_id, json_node_copy (value));
  for (guint i = 0; i < report->template->fields->len; i++)
    {
      const BeaconReportField *derived = g_ptr_array_index (report->template->fields, i);
      JsonNode *a, *b;
      g_autoptr(JsonNode) result = NULL;

      if (derived->derive == NULL || !g_strv_contains ((const char * const *) derived->derive, field_id))
        continue;

      a = beacon_report_get_value (report, derived->derive[0]);
      b = beacon_report_get_value (report, derived->derive[1]);
      if (a == NULL || b == NULL || !node_is_number (a) || !node_is_number (b))
        continue;
      result = json_node_init_double (json_node_alloc (), node_get_number (a) - node_get_number (b));
      if (!record_value (self, report_id, derived->id, result, error))
        goto fail;
    }

  return _beacon_store_commit (self, error);

fail:
  _beacon_store_rollback (self);
  return FALSE;
}

static JsonNode *
normalize_strokes (JsonNode  *strokes,
                   GError   **error)
{
  g_autoptr(JsonNode) result = NULL;
  JsonArray *list;
  JsonObject *object;
  double max_x = 1, max_y = 1;
  guint n_points = 0;

  if (strokes == NULL || JSON_NODE_HOLDS_NULL (strokes))
    return beacon_json_parse ("{\"width\": 0, \"height\": 0, \"strokes\": []}", NULL);

  if (JSON_NODE_HOLDS_ARRAY (strokes))
    list = json_node_get_array (strokes);
  else if (JSON_NODE_HOLDS_OBJECT (strokes))
    list = get_array_member (json_node_get_object (strokes), "strokes");
  else
    list = NULL;

  if (list == NULL)
    goto invalid;

  for (guint s = 0; s < json_array_get_length (list); s++)
    {
      JsonArray *stroke = json_array_get_array_element (list, s);

      if (stroke == NULL)
        goto invalid;
      for (guint p = 0; p < json_array_get_length (stroke); p++)
        {
          JsonArray *point = json_array_get_array_element (stroke, p);
          guint n = point ? json_array_get_length (point) : 0;

          if (n < 2 || n > 3)
            goto invalid;
          for (guint k = 0; k < n; k++)
            if (!node_is_number (json_array_get_element (point, k)))
              goto invalid;
          max_x = MAX (max_x, node_get_number (json_array_get_element (point, 0)));
          max_y = MAX (max_y, node_get_number (json_array_get_element (point, 1)));
          n_points++;
        }
    }

  if (n_points > 200000)
    {
      g_set_error (error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_INVALID,
                   _("The signature has %u points; at most 200000 are kept"), n_points);
      return NULL;
    }

  result = json_node_copy (strokes);
  if (JSON_NODE_HOLDS_ARRAY (result))
    {
      JsonNode *wrapped = json_node_new (JSON_NODE_OBJECT);

      object = json_object_new ();
      json_object_set_int_member (object, "width", (gint64) ceil (max_x));
      json_object_set_int_member (object, "height", (gint64) ceil (max_y));
      json_object_set_member (object, "strokes", g_steal_pointer (&result));
      json_node_take_object (wrapped, object);
      result = wrapped;
    }
  else
    {
      object = json_node_get_object (result);
      if (!json_object_has_member (object, "width"))
        json_object_set_int_member (object, "width", (gint64) ceil (max_x));
      if (!json_object_has_member (object, "height"))
        json_object_set_int_member (object, "height", (gint64) ceil (max_y));
    }

  return g_steal_pointer (&result);

invalid:
  g_set_error (error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_INVALID,
               _("Signature strokes are {\"width\": W, \"height\": H, \"strokes\": "
                 "[[[x, y, pressure], …], …]}: a list of strokes, each a list of points"));
  return NULL;
}

static gboolean
seal_report_locked (BeaconStore   *self,
                    BeaconReport  *report,
                    GError       **error)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) seal = NULL;
  g_autofree char *sha256 = beacon_report_compute_sha256 (report);
  sqlite3_stmt *stmt;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "report");
  json_builder_add_string_value (builder, report->id);
  json_builder_set_member_name (builder, "sha256");
  json_builder_add_string_value (builder, sha256);
  json_builder_set_member_name (builder, "sealed_at");
  json_builder_add_int_value (builder, beacon_store_now (self));

  json_builder_set_member_name (builder, "signatures");
  json_builder_begin_array (builder);
  for (guint i = 0; i < report->template->fields->len; i++)
    {
      const BeaconReportField *field = g_ptr_array_index (report->template->fields, i);
      BeaconReportSignature *signature;

      if (field->kind == BEACON_REPORT_FIELD_SIGNATURE &&
          (signature = beacon_report_get_signature (report, field->role)) != NULL)
        json_builder_add_string_value (builder, signature->id);
    }
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "registers");
  json_builder_begin_object (builder);
  stmt = _beacon_store_prepare (self,
                                "SELECT field, value, hlc, device FROM registers "
                                "WHERE entity = 'report' AND entity_id = ? ORDER BY field",
                                error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, report->id, -1, SQLITE_STATIC);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      json_builder_set_member_name (builder, (const char *) sqlite3_column_text (stmt, 0));
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "value");
      json_builder_add_value (builder,
                              beacon_json_parse ((const char *) sqlite3_column_text (stmt, 1), NULL));
      json_builder_set_member_name (builder, "hlc");
      json_builder_add_int_value (builder, sqlite3_column_int64 (stmt, 2));
      json_builder_set_member_name (builder, "device");
      json_builder_add_string_value (builder, (const char *) sqlite3_column_text (stmt, 3));
      json_builder_end_object (builder);
    }
  sqlite3_reset (stmt);
  json_builder_end_object (builder);
  json_builder_end_object (builder);

  seal = json_builder_get_root (builder);
  return _beacon_store_record (self, "report_seal", report->id, "seal", seal, NULL, error);
}

/**
 * beacon_store_sign_report:
 * @role: the role of a signature field of the template: `engineer`, `customer`
 * @strokes: (nullable): the drawn signature
 *
 * Signs a complete report. When every signature the template asks for is
 * there, the report is sealed in the same transaction.
 *
 * Returns: (transfer full): the signature's id, or %NULL with @error set
 */
char *
beacon_store_sign_report (BeaconStore  *self,
                          const char   *report_id,
                          const char   *role,
                          const char   *name,
                          JsonNode     *strokes,
                          GError      **error)
{
  g_autoptr(BeaconReport) report = NULL;
  g_autoptr(BeaconReport) signed_report = NULL;
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(JsonNode) normalized = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) record = NULL;
  g_autofree char *signature_id = NULL;
  g_autofree char *fields_sha256 = NULL;
  BeaconReportSignature *existing;
  gboolean complete = TRUE;

  g_return_val_if_fail (BEACON_IS_STORE (self), NULL);
  g_return_val_if_fail (report_id != NULL && role != NULL, NULL);

  if (!_beacon_store_begin (self, error))
    return NULL;

  report = load_report_locked (self, report_id, error);
  if (report == NULL || !check_not_sealed (self, report, error))
    goto fail;

  if (beacon_report_template_find_signature (report->template, role) == NULL)
    {
      g_set_error (error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_INVALID,
                   _("The %s report has no signature for the role “%s”; sign as engineer or customer"),
                   report->template->id, role);
      goto fail;
    }

  if (name == NULL || _beacon_text_is_blank (name))
    {
      g_set_error (error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_INVALID,
                   _("A signature needs the signer’s name"));
      goto fail;
    }

  problems = beacon_report_check (report);
  if (problems->len > 0)
    {
      GString *text = g_string_new (NULL);

      for (guint i = 0; i < problems->len && i < 5; i++)
        g_string_append_printf (text, "%s%s", i ? "; " : "",
                                ((BeaconReportProblem *) g_ptr_array_index (problems, i))->message);
      if (problems->len > 5)
        g_string_append (text, "; …");
      g_set_error (error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_INVALID,
                   _("Report %s cannot be signed before it is complete: %s"), report_id, text->str);
      g_string_free (text, TRUE);
      goto fail;
    }

  existing = beacon_report_get_signature (report, role);
  if (existing != NULL)
    {
      g_set_error (error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_INVALID,
                   _("Report %s is already signed as %s by %s"), report_id, role, existing->name);
      goto fail;
    }

  normalized = normalize_strokes (strokes, error);
  if (normalized == NULL)
    goto fail;

  fields_sha256 = hash_content (report, FALSE);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "report");
  json_builder_add_string_value (builder, report_id);
  json_builder_set_member_name (builder, "role");
  json_builder_add_string_value (builder, role);
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, g_strstrip (g_strdup (name)));
  json_builder_set_member_name (builder, "signed_at");
  json_builder_add_int_value (builder, beacon_store_now (self));
  json_builder_set_member_name (builder, "strokes");
  json_builder_add_value (builder, g_steal_pointer (&normalized));
  json_builder_set_member_name (builder, "content_sha256");
  json_builder_add_string_value (builder, fields_sha256);
  json_builder_end_object (builder);
  record = json_builder_get_root (builder);

  signature_id = _beacon_uuid_new ();
  if (!_beacon_store_record (self, "report_signature", signature_id, "signature", record, NULL, error))
    goto fail;

  signed_report = load_report_locked (self, report_id, error);
  if (signed_report == NULL)
    goto fail;

  for (guint i = 0; i < signed_report->template->fields->len; i++)
    {
      const BeaconReportField *field = g_ptr_array_index (signed_report->template->fields, i);

      if (field->kind == BEACON_REPORT_FIELD_SIGNATURE && field->required &&
          beacon_report_get_signature (signed_report, field->role) == NULL)
        complete = FALSE;
    }

  if (complete && !seal_report_locked (self, signed_report, error))
    goto fail;

  if (!_beacon_store_commit (self, error))
    return NULL;

  return g_steal_pointer (&signature_id);

fail:
  _beacon_store_rollback (self);
  return NULL;
}

/**
 * beacon_store_deliver_report:
 *
 * Records that the sealed report was handed to the customer; the customer
 * confirms by the end of the next working day.
 */
gboolean
beacon_store_deliver_report (BeaconStore  *self,
                             const char   *report_id,
                             GError      **error)
{
  g_autoptr(BeaconReport) report = NULL;

  g_return_val_if_fail (BEACON_IS_STORE (self), FALSE);

  if (!_beacon_store_begin (self, error))
    return FALSE;

  report = load_report_locked (self, report_id, error);
  if (report == NULL)
    goto fail;

  if (!report->sealed)
    {
      g_set_error (error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_INVALID,
                   _("Report %s is not sealed yet: the engineer and the customer lead sign it "
                     "before it is delivered"), report_id);
      goto fail;
    }
  if (report->delivered_at != 0)
    {
      g_autofree char *when = format_instant (report->delivered_at);

      g_set_error (error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_INVALID,
                   _("Report %s was already delivered on %s"), report_id, when);
      goto fail;
    }

  if (!_beacon_store_record_int (self, "report_delivery", report_id, "delivered_at",
                                 beacon_store_now (self), error))
    goto fail;

  return _beacon_store_commit (self, error);

fail:
  _beacon_store_rollback (self);
  return FALSE;
}

static gboolean
record_answer (BeaconStore  *self,
               const char   *report_id,
               gboolean      confirmed,
               const char   *reason,
               gint64        at,
               gboolean      automatic,
               GError      **error)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) answer = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "state");
  json_builder_add_string_value (builder, confirmed ? "confirmed" : "disputed");
  json_builder_set_member_name (builder, "reason");
  json_builder_add_string_value (builder, reason ? reason : "");
  json_builder_set_member_name (builder, "at");
  json_builder_add_int_value (builder, at);
  json_builder_set_member_name (builder, "auto");
  json_builder_add_boolean_value (builder, automatic);
  json_builder_end_object (builder);
  answer = json_builder_get_root (builder);

  return _beacon_store_record (self, "report_delivery", report_id, "answer", answer, NULL, error);
}

/**
 * beacon_store_answer_report:
 * @confirmed: %TRUE when the customer confirms, %FALSE for a dispute
 * @reason: (nullable): why the customer disputes; required then
 *
 * Records the customer's answer to a delivered report. A disputed report
 * can be confirmed after the negotiation; a confirmed one stays confirmed.
 */
gboolean
beacon_store_answer_report (BeaconStore  *self,
                            const char   *report_id,
                            gboolean      confirmed,
                            const char   *reason,
                            GError      **error)
{
  g_autoptr(BeaconReport) report = NULL;

  g_return_val_if_fail (BEACON_IS_STORE (self), FALSE);

  if (!_beacon_store_begin (self, error))
    return FALSE;

  report = load_report_locked (self, report_id, error);
  if (report == NULL)
    goto fail;

  if (report->delivered_at == 0)
    {
      g_set_error (error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_INVALID,
                   _("Report %s has not been delivered yet; deliver it first"), report_id);
      goto fail;
    }
  if (report->status == BEACON_REPORT_CONFIRMED)
    {
      g_set_error (error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_INVALID,
                   _("Report %s is already confirmed"), report_id);
      goto fail;
    }
  if (!confirmed && (reason == NULL || _beacon_text_is_blank (reason)))
    {
      g_set_error (error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_INVALID,
                   _("A dispute needs the customer’s reason"));
      goto fail;
    }

  if (!record_answer (self, report_id, confirmed, reason, beacon_store_now (self), FALSE, error))
    goto fail;

  return _beacon_store_commit (self, error);

fail:
  _beacon_store_rollback (self);
  return FALSE;
}

/**
 * beacon_store_auto_confirm_reports:
 * @now: the instant to judge by
 * @calendar: the working calendar of the confirmation target (`cn-5x8`)
 *
 * Confirms every delivered report the customer has not answered by the end
 * of the next working day after delivery, as the service plan says. The
 * confirmation is dated at that deadline.
 *
 * Returns: how many reports were confirmed; 0 with @error set on failure
 */
guint
beacon_store_auto_confirm_reports (BeaconStore           *self,
                                   gint64                 now,
                                   const BeaconCalendar  *calendar,
                                   GError               **error)
{
  g_autoptr(GPtrArray) ids = NULL;
  guint n_confirmed = 0;

  g_return_val_if_fail (BEACON_IS_STORE (self), 0);
  g_return_val_if_fail (calendar != NULL, 0);

  if (!_beacon_store_begin (self, error))
    return 0;

  ids = list_report_ids_locked (self,
                                "SELECT d.entity_id FROM registers d WHERE d.entity = 'report_delivery' "
                                "AND d.field = 'delivered_at' AND ?1 IS NULL AND NOT EXISTS "
                                "(SELECT 1 FROM registers a WHERE a.entity = 'report_delivery' "
                                " AND a.entity_id = d.entity_id AND a.field = 'answer')",
                                NULL, error);
  if (ids == NULL)
    goto fail;

  for (guint i = 0; i < ids->len; i++)
    {
      g_autoptr(BeaconReport) report = load_report_locked (self, g_ptr_array_index (ids, i), error);
      gint64 deadline;

      if (report == NULL)
        goto fail;
      if (report->status != BEACON_REPORT_DELIVERED)
        continue;
      if (!beacon_calendar_next_working_day_end (calendar, report->delivered_at, 1, &deadline, error))
        goto fail;
      if (now < deadline)
        continue;
      if (!record_answer (self, report->id, TRUE, NULL, deadline, TRUE, error))
        goto fail;
      n_confirmed++;
    }

  if (!_beacon_store_commit (self, error))
    return 0;

  return n_confirmed;

fail:
  _beacon_store_rollback (self);
  return 0;
}

/**
 * beacon_store_verify_report:
 * @out_sha256: (out) (optional): the hash of the content as stored now
 *
 * Recomputes the hash of a sealed report from what the database holds.
 *
 * Returns: %TRUE when it matches the seal; %FALSE with @error otherwise
 */
gboolean
beacon_store_verify_report (BeaconStore  *self,
                            const char   *report_id,
                            char        **out_sha256,
                            GError      **error)
{
  g_autoptr(BeaconReport) report = NULL;
  g_autofree char *sha256 = NULL;

  g_return_val_if_fail (BEACON_IS_STORE (self), FALSE);

  report = beacon_store_get_report (self, report_id, error);
  if (report == NULL)
    return FALSE;

  if (!report->sealed)
    {
      g_set_error (error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_INVALID,
                   _("Report %s is not sealed; there is no seal to check it against"), report_id);
      return FALSE;
    }

  sha256 = beacon_report_compute_sha256 (report);
  if (out_sha256 != NULL)
    *out_sha256 = g_strdup (sha256);

  if (!g_str_equal (sha256, report->sealed_sha256))
    {
      g_set_error (error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_FAILED,
                   _("Report %s no longer matches its seal: sealed SHA-256 %s, content now %s. "
                     "The database was changed outside Beacon; restore it from a backup or "
                     "rebuild it from the oplog"),
                   report_id, report->sealed_sha256, sha256);
      return FALSE;
    }

  return TRUE;
}

guint
beacon_store_count_report_refusals (BeaconStore  *self,
                                    const char   *report_id,
                                    GError      **error)
{
  sqlite3_stmt *stmt;
  guint n = 0;

  g_return_val_if_fail (BEACON_IS_STORE (self), 0);

  _beacon_store_lock (self);
  stmt = _beacon_store_prepare (self, "SELECT count(*) FROM refusals WHERE report_id = ?", error);
  if (stmt != NULL)
    {
      sqlite3_bind_text (stmt, 1, report_id, -1, SQLITE_STATIC);
      if (sqlite3_step (stmt) == SQLITE_ROW)
        n = (guint) sqlite3_column_int64 (stmt, 0);
      sqlite3_reset (stmt);
    }
  _beacon_store_unlock (self);

  return n;
}
