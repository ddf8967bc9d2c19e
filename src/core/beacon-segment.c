/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "beacon-sync"

#include "config.h"

#include "beacon-segment.h"

#include <inttypes.h>
#include <string.h>
#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>

#include "beacon-json.h"

/*
 * Segments are what both sync modes move: the shared folder stores them as
 * files, beacon-syncd as rows. The parser trusts nothing: a segment comes
 * from a network share or a network peer, so every byte is checked before a
 * single change is handed to the store, and the checks are the same for the
 * client and the server.
 */

G_DEFINE_QUARK (beacon-segment-error-quark, beacon_segment_error)

#define SHA256_HEX_LEN 64
#define TRAILER_LEN    (sizeof BEACON_SEGMENT_TRAILER - 1 + SHA256_HEX_LEN + 1)

void
beacon_segment_free (BeaconSegment *segment)
{
  if (segment == NULL)
    return;

  g_free (segment->device);
  g_free (segment->prev_hash);
  g_free (segment->hash);
  g_clear_pointer (&segment->changes, g_ptr_array_unref);
  g_free (segment);
}

/**
 * beacon_segment_hash_is_valid:
 *
 * Returns: whether @hash is 64 lower-case hexadecimal digits
 */
gboolean
beacon_segment_hash_is_valid (const char *hash)
{
  if (hash == NULL || strlen (hash) != SHA256_HEX_LEN)
    return FALSE;

  for (const char *p = hash; *p != '\0'; p++)
    {
      if (!g_ascii_isdigit (*p) && !(*p >= 'a' && *p <= 'f'))
        return FALSE;
    }

  return TRUE;
}

static gboolean G_GNUC_PRINTF (3, 4)
fail (GError     **error,
      int          code,
      const char  *format,
      ...)
{
  va_list args;

  va_start (args, format);
  g_propagate_error (error, g_error_new_valist (BEACON_SEGMENT_ERROR, code, format, args));
  va_end (args);

  return FALSE;
}

static gboolean
get_int_member (JsonObject *object,
                const char *name,
                gint64     *out_value)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_INT64)
    return FALSE;

  *out_value = json_node_get_int (node);
  return TRUE;
}

static const char *
get_string_member (JsonObject *object,
                   const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;

  return json_node_get_string (node);
}

static JsonObject *
parse_object (JsonParser *parser,
              const char *line,
              gsize       length)
{
  JsonNode *root;

  if (!json_parser_load_from_data (parser, line, (gssize) length, NULL))
    return NULL;

  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return NULL;

  return json_node_get_object (root);
}

static gboolean
is_json_text (JsonParser *parser,
              const char *text,
              gboolean    array_only)
{
  JsonNode *root;

  if (!json_parser_load_from_data (parser, text, -1, NULL))
    return FALSE;

  root = json_parser_get_root (parser);
  return root != NULL && (!array_only || JSON_NODE_HOLDS_ARRAY (root));
}

static BeaconChange *
parse_change (JsonParser  *parser,
              JsonParser  *value_parser,
              const char  *device,
              gint64       expected_seq,
              guint        line_number,
              const char  *line,
              gsize        length,
              GError     **error)
{
  JsonObject *object = parse_object (parser, line, length);
  const char *entity, *entity_id, *field, *value, *prev;
  gint64 seq, hlc, schema_version;

  if (object == NULL)
    {
      fail (error, BEACON_SEGMENT_ERROR_CORRUPT,
            _("Line %u is not a JSON object"), line_number);
      return NULL;
    }

  if (!get_int_member (object, "seq", &seq) || seq != expected_seq)
    {
      fail (error, BEACON_SEGMENT_ERROR_CORRUPT,
            _("Line %u: “seq” must be %" PRId64 ", the next in the segment"),
            line_number, expected_seq);
      return NULL;
    }

  if (!get_int_member (object, "hlc", &hlc) || hlc < 0 ||
      !get_int_member (object, "schema", &schema_version) ||
      schema_version < 1 || schema_version > G_MAXINT)
    {
      fail (error, BEACON_SEGMENT_ERROR_CORRUPT,
            _("Line %u: “hlc” and “schema” must be positive whole numbers"), line_number);
      return NULL;
    }

  entity = get_string_member (object, "entity");
  entity_id = get_string_member (object, "id");
  field = get_string_member (object, "field");
  value = get_string_member (object, "value");
  prev = get_string_member (object, "prev");

  if (entity == NULL || *entity == '\0' || entity_id == NULL || *entity_id == '\0' ||
      field == NULL || value == NULL || prev == NULL)
    {
      fail (error, BEACON_SEGMENT_ERROR_CORRUPT,
            _("Line %u lacks “entity”, “id”, “field”, “value” or “prev”"), line_number);
      return NULL;
    }

  if (g_str_equal (entity, "event") != (*field == '\0'))
    {
      fail (error, BEACON_SEGMENT_ERROR_CORRUPT,
            _("Line %u: an event has no field, and a field change needs one"), line_number);
      return NULL;
    }

  if (!is_json_text (value_parser, value, FALSE) || !is_json_text (value_parser, prev, TRUE))
    {
      fail (error, BEACON_SEGMENT_ERROR_CORRUPT,
            _("Line %u: “value” must hold JSON and “prev” a JSON array"), line_number);
      return NULL;
    }

  /* Other members are from a newer format revision that still reads as
   * format 1: they carry nothing this build acts on. */
  return beacon_change_new (device, seq, (BeaconHlc) hlc, (int) schema_version,
                            entity, entity_id, field, value, prev);
}

/**
 * beacon_segment_parse:
 * @data: the bytes of one segment
 *
 * Verifies a segment completely (size, format, hash, UTF-8, header, every
 * line and the sequence numbering) before it returns anything.
 *
 * Returns: (transfer full): the segment, or %NULL with @error set in
 *   %BEACON_SEGMENT_ERROR: %BEACON_SEGMENT_ERROR_TOO_NEW means “update
 *   required”, not damage
 */
BeaconSegment *
beacon_segment_parse (const char  *data,
                      gsize        length,
                      GError     **error)
{
  g_autoptr(BeaconSegment) segment = NULL;
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(JsonParser) value_parser = NULL;
  g_autoptr(GChecksum) checksum = NULL;
  const char *p, *end, *trailer, *line, *next;
  JsonObject *header;
  const char *device, *prev_hash;
  gint64 format = 0, first_seq, last_seq, count;
  guint line_number;

  g_return_val_if_fail (data != NULL || length == 0, NULL);

  if (length > BEACON_SEGMENT_MAX_SIZE)
    {
      fail (error, BEACON_SEGMENT_ERROR_TOO_LARGE,
            _("The segment has %" PRIu64 " bytes; at most %d are allowed"),
            (guint64) length, BEACON_SEGMENT_MAX_SIZE);
      return NULL;
    }

  if (length < sizeof BEACON_SEGMENT_MAGIC ||
      memcmp (data, BEACON_SEGMENT_MAGIC, sizeof BEACON_SEGMENT_MAGIC - 1) != 0)
    {
      fail (error, BEACON_SEGMENT_ERROR_CORRUPT, _("This is not a Beacon segment"));
      return NULL;
    }

  /* The format comes first: a newer format may frame everything else differently. */
  end = data + length;
  for (p = data + sizeof BEACON_SEGMENT_MAGIC - 1; p < end && g_ascii_isdigit (*p); p++)
    {
      if (format > 100000)
        break;
      format = format * 10 + (*p - '0');
    }
  if (p == data + sizeof BEACON_SEGMENT_MAGIC - 1 || p >= end || *p != '\n' || format < 1)
    {
      fail (error, BEACON_SEGMENT_ERROR_CORRUPT, _("Line 1: the format version is missing"));
      return NULL;
    }
  if (format > BEACON_SEGMENT_FORMAT)
    {
      fail (error, BEACON_SEGMENT_ERROR_TOO_NEW,
            _("The segment has format %" PRId64 "; this Beacon reads up to format %d. "
              "Update required"),
            format, BEACON_SEGMENT_FORMAT);
      return NULL;
    }

  if (length < TRAILER_LEN + 1 || data[length - 1] != '\n' ||
      data[length - TRAILER_LEN - 1] != '\n')
    {
      fail (error, BEACON_SEGMENT_ERROR_CORRUPT,
            _("The segment is cut short: its SHA-256 trailer is missing"));
      return NULL;
    }

  trailer = end - TRAILER_LEN;
  if (memcmp (trailer, BEACON_SEGMENT_TRAILER, sizeof BEACON_SEGMENT_TRAILER - 1) != 0)
    {
      fail (error, BEACON_SEGMENT_ERROR_CORRUPT,
            _("The segment is cut short: its SHA-256 trailer is missing"));
      return NULL;
    }

  segment = g_new0 (BeaconSegment, 1);
  segment->format = (int) format;
  segment->hash = g_strndup (trailer + sizeof BEACON_SEGMENT_TRAILER - 1, SHA256_HEX_LEN);
  if (!beacon_segment_hash_is_valid (segment->hash))
    {
      fail (error, BEACON_SEGMENT_ERROR_CORRUPT, _("The SHA-256 trailer is malformed"));
      return NULL;
    }

  checksum = g_checksum_new (G_CHECKSUM_SHA256);
  g_checksum_update (checksum, (const guchar *) data, trailer - data);
  if (!g_str_equal (g_checksum_get_string (checksum), segment->hash))
    {
      fail (error, BEACON_SEGMENT_ERROR_CORRUPT,
            _("The SHA-256 of the segment does not match its trailer: "
              "the file is damaged or incomplete"));
      return NULL;
    }

  if (!g_utf8_validate_len (data, trailer - data, NULL))
    {
      fail (error, BEACON_SEGMENT_ERROR_CORRUPT, _("The segment is not valid UTF-8"));
      return NULL;
    }

  /* Line 2: the header. */
  parser = json_parser_new_immutable ();
  value_parser = json_parser_new_immutable ();
  line = memchr (data, '\n', trailer - data) + 1;
  next = line < trailer ? memchr (line, '\n', trailer - line) : NULL;
  if (next == NULL || (header = parse_object (parser, line, next - line)) == NULL)
    {
      fail (error, BEACON_SEGMENT_ERROR_CORRUPT, _("Line 2: the header is not a JSON object"));
      return NULL;
    }

  device = get_string_member (header, "device");
  prev_hash = get_string_member (header, "prev");
  if (device == NULL || !g_uuid_string_is_valid (device))
    {
      fail (error, BEACON_SEGMENT_ERROR_CORRUPT, _("Line 2: “device” must be a UUID"));
      return NULL;
    }
  if (prev_hash == NULL || (*prev_hash != '\0' && !beacon_segment_hash_is_valid (prev_hash)))
    {
      fail (error, BEACON_SEGMENT_ERROR_CORRUPT,
            _("Line 2: “prev” must be the SHA-256 of the previous segment, or empty"));
      return NULL;
    }
  if (!get_int_member (header, "first", &first_seq) ||
      !get_int_member (header, "last", &last_seq) ||
      !get_int_member (header, "count", &count) ||
      first_seq < 1 || last_seq < first_seq || count != last_seq - first_seq + 1 ||
      count > (gint64) length)
    {
      fail (error, BEACON_SEGMENT_ERROR_CORRUPT,
            _("Line 2: “first”, “last” and “count” must describe a range of sequence numbers"));
      return NULL;
    }
  if ((*prev_hash == '\0') != (first_seq == 1))
    {
      fail (error, BEACON_SEGMENT_ERROR_CORRUPT,
            _("Line 2: only a device’s first segment has no “prev”"));
      return NULL;
    }

  segment->device = g_ascii_strdown (device, -1);
  segment->prev_hash = g_strdup (prev_hash);
  segment->first_seq = first_seq;
  segment->last_seq = last_seq;
  segment->changes = g_ptr_array_new_full ((guint) count, (GDestroyNotify) beacon_change_free);

  line_number = 3;
  for (line = next + 1; line < trailer; line = next + 1, line_number++)
    {
      BeaconChange *change;

      next = memchr (line, '\n', trailer - line);
      g_assert (next != NULL);   /* the byte before the trailer is a newline */

      if ((gint64) segment->changes->len >= count)
        {
          fail (error, BEACON_SEGMENT_ERROR_CORRUPT,
                _("Line %u: the header announces %" PRId64 " changes, and there are more"),
                line_number, count);
          return NULL;
        }

      change = parse_change (parser, value_parser, segment->device,
                             first_seq + segment->changes->len, line_number,
                             line, next - line, error);
      if (change == NULL)
        return NULL;

      g_ptr_array_add (segment->changes, change);
    }

  if ((gint64) segment->changes->len != count)
    {
      fail (error, BEACON_SEGMENT_ERROR_CORRUPT,
            _("The header announces %" PRId64 " changes; the segment holds %u"),
            count, segment->changes->len);
      return NULL;
    }

  return g_steal_pointer (&segment);
}

static void
append_change_line (GString            *out,
                    const BeaconChange *change)
{
  /* Members in name order; value and prev stay the exact text stored. */
  g_string_append (out, "{\"entity\":");
  beacon_json_append_string (out, change->entity);
  g_string_append (out, ",\"field\":");
  beacon_json_append_string (out, change->field);
  g_string_append_printf (out, ",\"hlc\":%" PRIu64 ",\"id\":", (guint64) change->hlc);
  beacon_json_append_string (out, change->entity_id);
  g_string_append (out, ",\"prev\":");
  beacon_json_append_string (out, change->prev);
  g_string_append_printf (out, ",\"schema\":%d,\"seq\":%" PRId64 ",\"value\":",
                          change->schema_version, change->seq);
  beacon_json_append_string (out, change->value);
  g_string_append (out, "}\n");
}

/**
 * beacon_segment_build:
 * @device: the device that wrote the changes
 * @prev_hash: the hash of its previous segment, "" before its first
 * @changes: (element-type BeaconChange): consecutive changes of @device
 * @start: the index of the first change to put in
 * @max_size: the size limit; 0 for %BEACON_SEGMENT_MAX_SIZE
 * @out_n_used: (out): how many changes went in (at least one)
 * @out_hash: (out) (transfer full): the new segment's hash
 *
 * Returns: (transfer full): the bytes of one segment
 */
GBytes *
beacon_segment_build (const char  *device,
                      const char  *prev_hash,
                      GPtrArray   *changes,
                      guint        start,
                      guint        max_size,
                      guint       *out_n_used,
                      char       **out_hash)
{
  g_autoptr(GString) body = g_string_new (NULL);
  g_autoptr(GString) line = g_string_new (NULL);
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  GString *out;
  const BeaconChange *first, *last;
  guint n_used = 0;

  g_return_val_if_fail (changes != NULL && start < changes->len, NULL);

  if (max_size == 0 || max_size > BEACON_SEGMENT_MAX_SIZE)
    max_size = BEACON_SEGMENT_MAX_SIZE;

  /* Room for the magic, header and trailer lines. */
  for (guint i = start; i < changes->len; i++)
    {
      g_string_truncate (line, 0);
      append_change_line (line, g_ptr_array_index (changes, i));
      if (n_used > 0 && body->len + line->len + 512 > max_size)
        break;
      g_string_append_len (body, line->str, line->len);
      n_used++;
    }

  first = g_ptr_array_index (changes, start);
  last = g_ptr_array_index (changes, start + n_used - 1);

  out = g_string_sized_new (body->len + 512);
  g_string_append_printf (out, BEACON_SEGMENT_MAGIC "%d\n{\"count\":%u,\"device\":",
                          BEACON_SEGMENT_FORMAT, n_used);
  beacon_json_append_string (out, device);
  g_string_append_printf (out, ",\"first\":%" PRId64 ",\"last\":%" PRId64 ",\"prev\":",
                          first->seq, last->seq);
  beacon_json_append_string (out, prev_hash ? prev_hash : "");
  g_string_append (out, "}\n");
  g_string_append_len (out, body->str, body->len);

  g_checksum_update (checksum, (const guchar *) out->str, out->len);
  g_string_append_printf (out, BEACON_SEGMENT_TRAILER "%s\n", g_checksum_get_string (checksum));

  *out_n_used = n_used;
  *out_hash = g_strdup (g_checksum_get_string (checksum));

  return g_string_free_to_bytes (out);
}

/**
 * beacon_segment_next_end:
 *
 * Finds where the first of several segments sent back to back ends.
 *
 * Returns: the length of the first segment in @data, or 0 if none ends there
 */
gsize
beacon_segment_next_end (const char *data,
                         gsize       length)
{
  static const char marker[] = "\n" BEACON_SEGMENT_TRAILER;
  const char *found = g_strstr_len (data, (gssize) length, marker);
  gsize end;

  /* Binary zeros stop g_strstr_len; such data is not a segment anyway. */
  if (found == NULL)
    return 0;

  end = (found - data) + TRAILER_LEN + 1;
  if (end > length || data[end - 1] != '\n')
    return 0;

  return end;
}
