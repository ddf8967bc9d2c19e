/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "beacon-sync"

#include "config.h"

#include <inttypes.h>
#include <string.h>
#include <glib/gi18n-lib.h>
#include <libsoup/soup.h>

#include "beacon-json.h"
#include "beacon-segment.h"
#include "beacon-store-private.h"
#include "beacon-sync-private.h"

/*
 * The beacon-syncd client: one round is GET /v1/heads, POST of this
 * device's segments the server lacks, and GET /v1/segments for every device
 * we are behind on. Blocking; callers on a main loop run it in a thread.
 *
 * The server's head for this device is the push cursor, so a round after a
 * lost reply (the server committed, the answer never came) sends nothing
 * twice; and if it did, the server answers 200 for an identical segment.
 */

typedef struct
{
  SoupSession *session;
  char        *base;
  char        *bearer;
  BeaconStore *store;
  char        *target;
} Client;

static void
client_clear (Client *client)
{
  g_clear_object (&client->session);
  g_free (client->base);
  g_free (client->bearer);
  g_free (client->target);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Client, client_clear)

static gboolean
set_status_error (SoupMessage  *message,
                  GBytes       *body,
                  const char   *what,
                  GError      **error)
{
  guint status = soup_message_get_status (message);
  g_autofree char *detail = NULL;
  int code;

  if (body != NULL && g_bytes_get_size (body) > 0)
    {
      g_autoptr(JsonNode) node = beacon_json_parse (g_bytes_get_data (body, NULL), NULL);

      if (node != NULL && JSON_NODE_HOLDS_OBJECT (node) &&
          json_object_has_member (json_node_get_object (node), "error"))
        detail = g_strdup (json_object_get_string_member_with_default (json_node_get_object (node),
                                                                       "error", ""));
    }

  switch (status)
    {
    case SOUP_STATUS_CONFLICT:
      code = BEACON_SYNC_ERROR_DIVERGED;
      break;
    case 426: /* Upgrade Required */
      code = BEACON_SYNC_ERROR_UPDATE_REQUIRED;
      break;
    case SOUP_STATUS_UNAUTHORIZED:
    case SOUP_STATUS_FORBIDDEN:
    case SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE:
    case SOUP_STATUS_BAD_REQUEST:
      code = BEACON_SYNC_ERROR_REFUSED;
      break;
    default:
      code = BEACON_SYNC_ERROR_UNAVAILABLE;
    }

  g_set_error (error, BEACON_SYNC_ERROR, code, _("%s: the server answered %u %s%s%s"),
               what, status, soup_message_get_reason_phrase (message) ?: "",
               detail ? ": " : "", detail ? detail : "");
  return FALSE;
}

static GBytes *
send (Client       *client,
      SoupMessage  *message,
      const char   *what,
      GError      **error)
{
  g_autoptr(GError) local_error = NULL;
  GBytes *body;

  soup_message_headers_replace (soup_message_get_request_headers (message),
                                "Authorization", client->bearer);

  body = soup_session_send_and_read (client->session, message, NULL, &local_error);
  if (body == NULL)
    {
      g_set_error (error, BEACON_SYNC_ERROR, BEACON_SYNC_ERROR_UNAVAILABLE,
                   _("%s: %s"), what, local_error->message);
      return NULL;
    }

  return body;
}

static void
note_server_time (Client      *client,
                  SoupMessage *message,
                  BeaconSyncReport *report)
{
  const char *date = soup_message_headers_get_one (soup_message_get_response_headers (message),
                                                   "Date");
  g_autoptr(GDateTime) server_time = date ? soup_date_time_new_from_http_string (date) : NULL;
  gint64 skew;

  if (server_time == NULL)
    return;

  skew = g_date_time_to_unix (server_time) - beacon_store_now (client->store);
  report->clock_skew_known = TRUE;
  report->clock_skew = skew;
  _beacon_sync_set_clock_skew (client->store, client->target, skew);

  if (ABS (skew) > BEACON_SYNC_CLOCK_SKEW_LIMIT)
    g_message (_("This device’s clock is %" PRId64 " seconds %s the server’s; "
                 "check its time settings"),
               ABS (skew), skew > 0 ? _("behind") : _("ahead of"));
}

static JsonObject *
get_heads (Client            *client,
           BeaconSyncReport  *report,
           GError           **error)
{
  g_autofree char *uri = g_strconcat (client->base, "/v1/heads", NULL);
  g_autoptr(SoupMessage) message = soup_message_new ("GET", uri);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *text = NULL;

  if (message == NULL)
    {
      g_set_error (error, BEACON_SYNC_ERROR, BEACON_SYNC_ERROR_REFUSED,
                   _("“%s” is not a server address"), client->base);
      return NULL;
    }

  body = send (client, message, _("Asking the server what it has"), error);
  if (body == NULL)
    return NULL;

  note_server_time (client, message, report);

  if (soup_message_get_status (message) != SOUP_STATUS_OK)
    {
      set_status_error (message, body, _("Asking the server what it has"), error);
      return NULL;
    }

  text = g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body));
  node = beacon_json_parse (text, error);
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      g_clear_error (error);
      g_set_error (error, BEACON_SYNC_ERROR, BEACON_SYNC_ERROR_UNAVAILABLE,
                   _("The server’s list of devices is not a JSON object"));
      return NULL;
    }

  return json_object_ref (json_node_get_object (node));
}

static gboolean
push (Client            *client,
      gint64             server_head,
      BeaconSyncReport  *report,
      GError           **error)
{
  g_autoptr(GPtrArray) outbox = beacon_sync_list_outbox (client->store, server_head, error);
  g_autofree char *uri = g_strconcat (client->base, "/v1/segments", NULL);

  if (outbox == NULL)
    return FALSE;

  for (guint i = 0; i < outbox->len; i++)
    {
      BeaconOutboxSegment *segment = g_ptr_array_index (outbox, i);
      g_autoptr(SoupMessage) message = soup_message_new ("POST", uri);
      g_autoptr(GBytes) body = NULL;
      g_autofree char *what = g_strdup_printf (_("Sending changes %" PRId64 "–%" PRId64),
                                               segment->first_seq, segment->last_seq);
      guint status;

      soup_message_set_request_body_from_bytes (message, "application/x-beacon-segment",
                                                segment->data);
      body = send (client, message, what, error);
      if (body == NULL)
        return FALSE;

      status = soup_message_get_status (message);
      if (status != SOUP_STATUS_CREATED && status != SOUP_STATUS_OK)
        return set_status_error (message, body, what, error);

      if (!_beacon_sync_set_pushed (client->store, client->target, segment->last_seq, error))
        return FALSE;
      report->segments_sent++;
    }

  return TRUE;
}

static gboolean
pull_device (Client            *client,
             const char        *device,
             gint64             server_head,
             BeaconSyncReport  *report,
             GError           **error)
{
  for (;;)
    {
      gint64 cursor = _beacon_sync_get_cursor (client->store, device);
      g_autofree char *uri = NULL;
      g_autoptr(SoupMessage) message = NULL;
      g_autoptr(GBytes) body = NULL;
      g_autofree char *what = NULL;
      const char *data, *more;
      gsize length, offset = 0;

      if (cursor >= server_head)
        return TRUE;

      uri = g_strdup_printf ("%s/v1/segments?device=%s&after=%" PRId64,
                             client->base, device, cursor);
      message = soup_message_new ("GET", uri);
      what = g_strdup_printf (_("Receiving the changes of device %s"), device);
      body = send (client, message, what, error);
      if (body == NULL)
        return FALSE;
      if (soup_message_get_status (message) != SOUP_STATUS_OK)
        return set_status_error (message, body, what, error);

      data = g_bytes_get_data (body, &length);
      while (offset < length)
        {
          gsize end = beacon_segment_next_end (data + offset, length - offset);
          BeaconSyncOutcome outcome;

          if (end == 0)
            end = length - offset;   /* let the import quarantine the rest */

          if (!beacon_sync_import_segment (client->store, client->target, NULL, device,
                                           data + offset, end, &outcome, report, error))
            return FALSE;
          offset += end;

          if (outcome == BEACON_SYNC_WAITING || outcome == BEACON_SYNC_QUARANTINED ||
              outcome == BEACON_SYNC_UPDATE_REQUIRED)
            return TRUE;
        }

      more = soup_message_headers_get_one (soup_message_get_response_headers (message),
                                           "X-Beacon-More");
      if (g_strcmp0 (more, "1") != 0 ||
          _beacon_sync_get_cursor (client->store, device) <= cursor)
        return TRUE;
    }
}

static gboolean
run_round (Client            *client,
           BeaconSyncReport  *report,
           GError           **error)
{
  g_autoptr(JsonObject) heads = NULL;
  const char *own = beacon_store_get_device_id (client->store);
  JsonObjectIter iter;
  const char *device;
  JsonNode *head;

  heads = get_heads (client, report, error);
  if (heads == NULL)
    return FALSE;

  if (!push (client, json_object_get_int_member_with_default (heads, own, 0), report, error))
    return FALSE;

  json_object_iter_init (&iter, heads);
  while (json_object_iter_next (&iter, &device, &head))
    {
      if (!g_uuid_string_is_valid (device) || g_ascii_strcasecmp (device, own) == 0 ||
          !JSON_NODE_HOLDS_VALUE (head) || json_node_get_value_type (head) != G_TYPE_INT64)
        continue;

      if (!pull_device (client, device, json_node_get_int (head), report, error))
        return FALSE;
    }

  return TRUE;
}

/**
 * beacon_sync_server:
 * @url: the server, e.g. `https://sync.example.cn:8780`
 * @token: this device's bearer token
 * @report: (out caller-allocates) (optional): what the round did
 *
 * One round with beacon-syncd. `BEACON_SYNC_CA_FILE` names a PEM file of
 * certificate authorities to trust instead of the system's, for a server
 * with a certificate of the centre's own.
 *
 * Returns: %TRUE if both directions completed
 */
gboolean
beacon_sync_server (BeaconStore       *store,
                    const char        *url,
                    const char        *token,
                    BeaconSyncReport  *report,
                    GError           **error)
{
  g_auto(Client) client = { 0 };
  g_autoptr(GError) round_error = NULL;
  BeaconSyncReport scratch = { 0 };
  const char *ca_file = g_getenv ("BEACON_SYNC_CA_FILE");
  g_autofree char *base = NULL;
  gsize length;

  g_return_val_if_fail (BEACON_IS_STORE (store), FALSE);
  g_return_val_if_fail (url != NULL && token != NULL, FALSE);

  if (report == NULL)
    report = &scratch;
  memset (report, 0, sizeof *report);

  base = g_strdup (url);
  length = strlen (base);
  while (length > 0 && base[length - 1] == '/')
    base[--length] = '\0';

  if (!beacon_sync_prepare (store, error))
    return FALSE;

  client.store = store;
  client.base = g_steal_pointer (&base);
  client.bearer = g_strconcat ("Bearer ", token, NULL);
  client.target = beacon_sync_dup_server_target (url);
  client.session = soup_session_new_with_options ("timeout", 60,
                                                  "idle-timeout", 60,
                                                  "user-agent", "Beacon/" PACKAGE_VERSION,
                                                  NULL);

  if (ca_file != NULL && *ca_file != '\0')
    {
      /* GTlsFileDatabase wants an absolute path: with a relative one it
       * trusts nothing, and every server looked untrusted. */
      g_autofree char *ca_path = g_canonicalize_filename (ca_file, NULL);
      g_autoptr(GTlsDatabase) database = g_tls_file_database_new (ca_path, &round_error);

      if (database != NULL)
        soup_session_set_tls_database (client.session, database);
    }

  if (round_error == NULL)
    run_round (&client, report, &round_error);

  _beacon_sync_finish_round (store, client.target, round_error, report);

  if (round_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&round_error));
      return FALSE;
    }

  return TRUE;
}
