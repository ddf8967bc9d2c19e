/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "beacon-core"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "beacon-domain.h"

typedef struct
{
  const char *id;      /* the kebab-case name used in the store, JSON and beaconctl */
  const char *label;   /* what a person reads */
} Name;

static const Name kinds[BEACON_N_KINDS] = {
  { "fault",         N_("Fault") },
  { "consulting",    N_("Consulting") },
  { "inspection",    N_("Inspection") },
  { "check",         N_("Performance and configuration check") },
  { "upgrade",       N_("Upgrade or data migration") },
  { "drill",         N_("Backup and recovery drill") },
  { "training",      N_("Training") },
  { "follow-up",     N_("Follow-up call") },
  { "investigation", N_("Post-incident investigation") },
};

static const Name event_types[BEACON_N_EVENTS] = {
  { "accepted",            N_("Request accepted") },
  { "validated",           N_("Request validated") },
  { "acknowledged",        N_("Phone response") },
  { "expert-engaged",      N_("Expert engaged") },
  { "remote-connected",    N_("Remote access connected") },
  { "dispatched",          N_("Engineer dispatched") },
  { "arrived",             N_("Arrived on site") },
  { "repair-started",      N_("Repair started") },
  { "approval-requested",  N_("Approval requested") },
  { "approval-granted",    N_("Approval granted") },
  { "recovered",           N_("Recovered") },
  { "solution-provided",   N_("Solution provided") },
  { "analysis-delivered",  N_("Analysis report delivered") },
  { "status-update",       N_("Status update") },
  { "level-changed",       N_("Level changed") },
  { "escalated",           N_("Escalated") },
  { "note",                N_("Note") },
  { "action",              N_("Action") },
  { "observation-started", N_("On-site observation started") },
  { "observation-ended",   N_("On-site observation ended") },
  { "closed",              N_("Closed") },
  { "reopened",            N_("Reopened") },
};

static const Name stages[BEACON_N_STAGES] = {
  { "new",        N_("New") },
  { "responding", N_("Responding") },
  { "on-site",    N_("On site") },
  { "recovered",  N_("Recovered") },
  { "reporting",  N_("Reporting") },
  { "closed",     N_("Closed") },
};

static const Name roles[BEACON_N_ROLES] = {
  { "operator",   N_("Operator") },
  { "engineer",   N_("Engineer") },
  { "supervisor", N_("Supervisor") },
  { "admin",      N_("Administrator") },
};

static gboolean
lookup (const Name *names,
        guint       n_names,
        const char *text,
        int        *out_index)
{
  if (text == NULL)
    return FALSE;

  for (guint i = 0; i < n_names; i++)
    {
      if (g_str_equal (names[i].id, text))
        {
          *out_index = i;
          return TRUE;
        }
    }

  return FALSE;
}

#define DEFINE_NAMES(prefix, Type, table, count)                                  \
  const char *                                                                    \
  prefix##_to_string (Type value)                                                 \
  {                                                                               \
    g_return_val_if_fail ((guint) value < count, NULL);                           \
    return table[value].id;                                                       \
  }                                                                               \
  const char *                                                                    \
  prefix##_get_label (Type value)                                                 \
  {                                                                               \
    g_return_val_if_fail ((guint) value < count, NULL);                           \
    return g_dgettext (GETTEXT_PACKAGE, table[value].label);                      \
  }                                                                               \
  gboolean                                                                        \
  prefix##_from_string (const char *text,                                         \
                        Type       *out_value)                                    \
  {                                                                               \
    int index;                                                                    \
    if (!lookup (table, count, text, &index))                                     \
      return FALSE;                                                               \
    *out_value = (Type) index;                                                    \
    return TRUE;                                                                  \
  }

DEFINE_NAMES (beacon_kind, BeaconTicketKind, kinds, BEACON_N_KINDS)
DEFINE_NAMES (beacon_event_type, BeaconEventType, event_types, BEACON_N_EVENTS)
DEFINE_NAMES (beacon_stage, BeaconStage, stages, BEACON_N_STAGES)
DEFINE_NAMES (beacon_role, BeaconRole, roles, BEACON_N_ROLES)

/**
 * beacon_level_get_label:
 * @level: 1 to 4
 *
 * Returns: the level's name from the service plan, e.g. “Level 1 (critical)”
 */
const char *
beacon_level_get_label (int level)
{
  switch (level)
    {
    case 1: return _("Level 1 (critical)");
    case 2: return _("Level 2 (major)");
    case 3: return _("Level 3 (important)");
    case 4: return _("Level 4 (routine)");
    default: return _("Unknown level");
    }
}

/**
 * beacon_channel_get_label:
 * @channel: how the request came in: `phone`, `email`, `fax` or `alarm`
 *
 * Returns: what a person reads; an unknown channel is shown as it is
 */
const char *
beacon_channel_get_label (const char *channel)
{
  static const Name channels[] = {
    { "phone", N_("Phone") },
    { "email", N_("E-mail") },
    { "fax",   N_("Fax") },
    { "alarm", N_("Monitoring alarm") },
  };
  int index;

  if (!lookup (channels, G_N_ELEMENTS (channels), channel, &index))
    return channel;
  return g_dgettext (GETTEXT_PACKAGE, channels[index].label);
}

/**
 * beacon_stage_from_events:
 * @types: a ticket's events in the order they occurred
 *
 * The stage is what the events say has happened so far: closed until reopened;
 * otherwise the furthest of solution provided, recovered, arrived, and
 * acknowledged or remote connected.
 *
 * Returns: the ticket's stage
 */
BeaconStage
beacon_stage_from_events (const BeaconEventType *types,
                          guint                  n_types)
{
  gboolean closed = FALSE;
  gboolean responded = FALSE;
  gboolean arrived = FALSE;
  gboolean recovered = FALSE;
  gboolean solved = FALSE;

  for (guint i = 0; i < n_types; i++)
    {
      switch (types[i])
        {
        case BEACON_EVENT_CLOSED:            closed = TRUE;    break;
        case BEACON_EVENT_REOPENED:          closed = FALSE;   break;
        case BEACON_EVENT_ACKNOWLEDGED:
        case BEACON_EVENT_REMOTE_CONNECTED:  responded = TRUE; break;
        case BEACON_EVENT_ARRIVED:           arrived = TRUE;   break;
        case BEACON_EVENT_RECOVERED:         recovered = TRUE; break;
        case BEACON_EVENT_SOLUTION_PROVIDED: solved = TRUE;    break;
        default:
          break;
        }
    }

  if (closed)
    return BEACON_STAGE_CLOSED;
  if (solved)
    return BEACON_STAGE_REPORTING;
  if (recovered)
    return BEACON_STAGE_RECOVERED;
  if (arrived)
    return BEACON_STAGE_ON_SITE;
  if (responded)
    return BEACON_STAGE_RESPONDING;
  return BEACON_STAGE_NEW;
}
