/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "beaconctl"

#include "config.h"

#include <gio/gunixoutputstream.h>
#include <glib/gi18n.h>
#include <stdio.h>
#include <unistd.h>

#include "beacon-demo.h"
#include "beaconctl.h"

int
beaconctl_demo (BeaconctlContext *context)
{
  g_autoptr(BeaconStore) store = NULL;
  int n_tickets = 500;
  int seed = 1;
  GError *error = NULL;
  GOptionEntry entries[] = {
    { "tickets", 0, 0, G_OPTION_ARG_INT, &n_tickets, N_("How many tickets (default 500)"), N_("N") },
    { "seed", 0, 0, G_OPTION_ARG_INT, &seed, N_("The same seed gives the same data (default 1)"), N_("S") },
    { NULL }
  };
  int status;

  status = beaconctl_parse (context, "demo",
                            _("Fill the database with demo data: customers, sites, systems, "
                              "engineers and tickets of every kind, level and stage."),
                            entries, 1, 1, NULL);
  if (status != 0)
    return status;

  if (n_tickets < 0 || n_tickets > 10000000)
    {
      g_set_error (&error, BEACON_STORE_ERROR, BEACON_STORE_ERROR_INVALID,
                   _("--tickets %d: give a number from 0 to 10000000"), n_tickets);
      return beaconctl_fail (error);
    }

  store = beaconctl_open_store (context, &error);
  if (store == NULL)
    return beaconctl_fail (error);

  if (!beacon_store_fill_demo (store, n_tickets, (guint32) seed, &error))
    return beaconctl_fail (error);

  return BEACONCTL_EXIT_OK;
}

int
beaconctl_export (BeaconctlContext *context)
{
  g_auto(GStrv) positional = NULL;
  g_autoptr(BeaconStore) store = NULL;
  g_autoptr(GOutputStream) out = NULL;
  g_autoptr(GFile) file = NULL;
  GError *error = NULL;
  int status;

  status = beaconctl_parse (context, _("export json [FILE]"),
                            _("Write the shared content of the database as canonical JSON "
                              "(to standard output without FILE)."),
                            NULL, 2, 3, &positional);
  if (status != 0)
    return status;

  if (!g_str_equal (positional[1], "json"))
    {
      beaconctl_usage_error (_("Unknown export format “%s”; the format is json"), positional[1]);
      return BEACONCTL_EXIT_USAGE;
    }

  store = beaconctl_open_store (context, &error);
  if (store == NULL)
    return beaconctl_fail (error);

  if (positional[2] != NULL)
    {
      file = g_file_new_for_commandline_arg (positional[2]);
      out = G_OUTPUT_STREAM (g_file_replace (file, NULL, FALSE, G_FILE_CREATE_NONE, NULL, &error));
      if (out == NULL)
        return beaconctl_fail (error);
    }
  else
    out = g_unix_output_stream_new (STDOUT_FILENO, FALSE);

  if (!beacon_store_export_json (store, out, NULL, &error) ||
      !g_output_stream_close (out, NULL, &error))
    return beaconctl_fail (error);

  return BEACONCTL_EXIT_OK;
}

int
beaconctl_rebuild (BeaconctlContext *context)
{
  g_autoptr(BeaconStore) store = NULL;
  GError *error = NULL;
  int status;

  status = beaconctl_parse (context, "rebuild",
                            _("Rebuild the tickets, the customer archive and the search index "
                              "from the oplog."),
                            NULL, 1, 1, NULL);
  if (status != 0)
    return status;

  store = beaconctl_open_store (context, &error);
  if (store == NULL)
    return beaconctl_fail (error);

  if (!beacon_store_rebuild_projections (store, &error) ||
      !beacon_store_check_integrity (store, &error))
    return beaconctl_fail (error);

  return BEACONCTL_EXIT_OK;
}
