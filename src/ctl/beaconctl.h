/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "beacon-archive.h"
#include "beacon-store.h"
#include "beacon-ticket.h"

G_BEGIN_DECLS

#define BEACONCTL_EXIT_OK      0
#define BEACONCTL_EXIT_INVALID 1
#define BEACONCTL_EXIT_USAGE   2

typedef struct
{
  const char  *db_path;
  const char  *user;
  int          argc;    /* argv[0] is the command's name */
  char       **argv;
} BeaconctlContext;

typedef struct
{
  const char *name;
  int       (*run) (BeaconctlContext *context);
  const char *summary;
} BeaconctlCommand;

int          beaconctl_customer    (BeaconctlContext *context);
int          beaconctl_user        (BeaconctlContext *context);
int          beaconctl_ticket      (BeaconctlContext *context);
int          beaconctl_search      (BeaconctlContext *context);
int          beaconctl_demo        (BeaconctlContext *context);
int          beaconctl_export      (BeaconctlContext *context);
int          beaconctl_rebuild     (BeaconctlContext *context);
int          beaconctl_report      (BeaconctlContext *context);
int          beaconctl_ledger      (BeaconctlContext *context);
int          beaconctl_sync        (BeaconctlContext *context);
int          beaconctl_conflicts   (BeaconctlContext *context);
int          beaconctl_sla         (BeaconctlContext *context);
int          beaconctl_calendar    (BeaconctlContext *context);
int          beaconctl_policy      (BeaconctlContext *context);
int          beaconctl_escalate    (BeaconctlContext *context);

/* beaconctl-sla.c */
JsonNode    *beaconctl_metrics_to_json (BeaconStore  *store,
                                        const char   *ticket_id,
                                        gint64        now,
                                        GError      **error);

/* beaconctl-common.c */
void         beaconctl_usage_error (const char       *format,
                                    ...) G_GNUC_PRINTF (1, 2);
int          beaconctl_fail        (GError           *error);
int          beaconctl_parse       (BeaconctlContext *context,
                                    const char       *parameter_string,
                                    const char       *summary,
                                    GOptionEntry     *entries,
                                    int               n_positional,
                                    int               max_positional,
                                    char           ***out_positional);
BeaconStore *beaconctl_open_store  (BeaconctlContext *context,
                                    GError          **error);
void         beaconctl_print_json  (JsonNode         *node);
gboolean     beaconctl_parse_time  (const char       *text,
                                    const char       *what,
                                    gint64           *out_instant,
                                    GError          **error);
char        *beaconctl_format_time (gint64            instant);
void         beaconctl_json_add_string (JsonBuilder  *builder,
                                        const char   *name,
                                        const char   *value);
void         beaconctl_json_add_time   (JsonBuilder  *builder,
                                        const char   *name,
                                        gint64        instant);

G_END_DECLS
