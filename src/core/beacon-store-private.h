/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>
#include <sqlite3.h>

#include "beacon-store.h"

G_BEGIN_DECLS

/* Shared between the files that make up BeaconStore. Every function here
 * expects the caller to hold the store's lock (_beacon_store_lock). */

void          _beacon_store_lock          (BeaconStore  *self);
void          _beacon_store_unlock        (BeaconStore  *self);
sqlite3      *_beacon_store_get_db        (BeaconStore  *self);

gboolean      _beacon_store_begin         (BeaconStore  *self,
                                           GError      **error);
gboolean      _beacon_store_commit        (BeaconStore  *self,
                                           GError      **error);
void          _beacon_store_rollback      (BeaconStore  *self);

sqlite3_stmt *_beacon_store_prepare       (BeaconStore  *self,
                                           const char   *sql,
                                           GError      **error);
gboolean      _beacon_store_exec          (BeaconStore  *self,
                                           const char   *sql,
                                           GError      **error);
void          _beacon_store_set_sqlite_error (BeaconStore *self,
                                              GError     **error,
                                              const char  *what);

gboolean      _beacon_store_record        (BeaconStore  *self,
                                           const char   *entity,
                                           const char   *entity_id,
                                           const char   *field,
                                           JsonNode     *value,
                                           const char   *prev,
                                           GError      **error);
gboolean      _beacon_store_record_string (BeaconStore  *self,
                                           const char   *entity,
                                           const char   *entity_id,
                                           const char   *field,
                                           const char   *value,
                                           GError      **error);
gboolean      _beacon_store_record_int    (BeaconStore  *self,
                                           const char   *entity,
                                           const char   *entity_id,
                                           const char   *field,
                                           gint64        value,
                                           GError      **error);
char         *_beacon_store_dup_meta      (BeaconStore  *self,
                                           const char   *key);
gboolean      _beacon_store_set_meta      (BeaconStore  *self,
                                           const char   *key,
                                           const char   *value,
                                           GError      **error);
void          _beacon_store_emit_changed  (BeaconStore  *self);

gboolean      _beacon_text_is_blank       (const char   *text);
gboolean      _beacon_store_require_supervisor (BeaconStore *self,
                                                const char  *what,
                                                GError     **error);
char         *_beacon_uuid_new            (void);
char         *_beacon_sql_dup_text        (sqlite3_stmt *stmt,
                                           int           column);

/* Tickets (beacon-ticket.c) */
#include "beacon-ticket.h"

char         *_beacon_store_create_ticket_id (BeaconStore             *self,
                                              const BeaconTicketDraft *draft,
                                              GError                 **error);
gboolean      _beacon_store_record_event  (BeaconStore      *self,
                                           const char       *event_id,
                                           const char       *ticket_id,
                                           BeaconEventType   type,
                                           gint64            occurred_at,
                                           gint64            recorded_at,
                                           const char       *note,
                                           JsonObject       *payload,
                                           GError          **error);
gboolean      _beacon_store_refresh_ticket (BeaconStore *self,
                                            const char  *ticket_id,
                                            GError     **error);

/* Reports (beacon-report.c) */
gboolean      _beacon_report_guard_local_change (BeaconStore         *self,
                                                 const BeaconChange  *change,
                                                 GError             **error);
gboolean      _beacon_report_project_change     (BeaconStore         *self,
                                                 const BeaconChange  *change,
                                                 gboolean            *out_refused,
                                                 GError             **error);

/* SLA: policies, stored calendars, clocks (beacon-policy.c,
 * beacon-store-calendars.c, beacon-metrics.c) */
#include "beacon-policy.h"

void                  _beacon_store_forget_sla_cache       (BeaconStore *self);
int                   _beacon_store_current_policy_version (BeaconStore *self);
const BeaconPolicy   *_beacon_store_lookup_policy          (BeaconStore *self,
                                                            int          version);
const BeaconCalendar *_beacon_store_lookup_calendar        (BeaconStore *self,
                                                            const char  *id);
gboolean              _beacon_store_refresh_metrics        (BeaconStore *self,
                                                            const char  *ticket_id,
                                                            GError     **error);

G_END_DECLS
