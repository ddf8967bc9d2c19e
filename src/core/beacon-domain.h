/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The vocabulary of the service plan: ticket kinds, events, stages, roles. */

typedef enum
{
  BEACON_KIND_FAULT,
  BEACON_KIND_CONSULTING,
  BEACON_KIND_INSPECTION,
  BEACON_KIND_CHECK,
  BEACON_KIND_UPGRADE,
  BEACON_KIND_DRILL,
  BEACON_KIND_TRAINING,
  BEACON_KIND_FOLLOW_UP,
  BEACON_KIND_INVESTIGATION,
  BEACON_N_KINDS,
} BeaconTicketKind;

typedef enum
{
  BEACON_EVENT_ACCEPTED,
  BEACON_EVENT_VALIDATED,
  BEACON_EVENT_ACKNOWLEDGED,
  BEACON_EVENT_EXPERT_ENGAGED,
  BEACON_EVENT_REMOTE_CONNECTED,
  BEACON_EVENT_DISPATCHED,
  BEACON_EVENT_ARRIVED,
  BEACON_EVENT_REPAIR_STARTED,
  BEACON_EVENT_APPROVAL_REQUESTED,
  BEACON_EVENT_APPROVAL_GRANTED,
  BEACON_EVENT_RECOVERED,
  BEACON_EVENT_SOLUTION_PROVIDED,
  BEACON_EVENT_ANALYSIS_DELIVERED,
  BEACON_EVENT_STATUS_UPDATE,
  BEACON_EVENT_LEVEL_CHANGED,
  BEACON_EVENT_ESCALATED,
  BEACON_EVENT_NOTE,
  BEACON_EVENT_ACTION,
  BEACON_EVENT_OBSERVATION_STARTED,
  BEACON_EVENT_OBSERVATION_ENDED,
  BEACON_EVENT_CLOSED,
  BEACON_EVENT_REOPENED,
  BEACON_N_EVENTS,
} BeaconEventType;

typedef enum
{
  BEACON_STAGE_NEW,
  BEACON_STAGE_RESPONDING,
  BEACON_STAGE_ON_SITE,
  BEACON_STAGE_RECOVERED,
  BEACON_STAGE_REPORTING,
  BEACON_STAGE_CLOSED,
  BEACON_N_STAGES,
} BeaconStage;

typedef enum
{
  BEACON_ROLE_OPERATOR,
  BEACON_ROLE_ENGINEER,
  BEACON_ROLE_SUPERVISOR,
  BEACON_ROLE_ADMIN,
  BEACON_N_ROLES,
} BeaconRole;

#define BEACON_LEVEL_MIN 1
#define BEACON_LEVEL_MAX 4

const char *beacon_kind_to_string        (BeaconTicketKind kind);
gboolean    beacon_kind_from_string      (const char      *text,
                                          BeaconTicketKind *out_kind);
const char *beacon_kind_get_label        (BeaconTicketKind kind);

const char *beacon_event_type_to_string  (BeaconEventType  type);
gboolean    beacon_event_type_from_string (const char     *text,
                                           BeaconEventType *out_type);
const char *beacon_event_type_get_label  (BeaconEventType  type);

const char *beacon_stage_to_string       (BeaconStage      stage);
gboolean    beacon_stage_from_string     (const char      *text,
                                          BeaconStage     *out_stage);
const char *beacon_stage_get_label       (BeaconStage      stage);

const char *beacon_role_to_string        (BeaconRole       role);
gboolean    beacon_role_from_string      (const char      *text,
                                          BeaconRole      *out_role);
const char *beacon_role_get_label        (BeaconRole       role);

const char *beacon_level_get_label       (int              level);
const char *beacon_channel_get_label     (const char      *channel);

BeaconStage beacon_stage_from_events     (const BeaconEventType *types,
                                          guint                  n_types);

G_END_DECLS
