/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "beaconctl"

#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>
#include <stdio.h>

#include "beaconctl.h"

/*
 * beaconctl: Beacon's core from the command line, for administrators,
 * scripts, telephony integrations and tests.
 *
 * Exit status: 0 success, 1 bad input (the message on stderr says what and
 * where, and nothing was changed), 2 wrong usage.
 */

static const BeaconctlCommand commands[] = {
  { "customer", beaconctl_customer, N_("Add and list customers with their sites, contacts and systems") },
  { "user",     beaconctl_user,     N_("Add and list the service centre’s people") },
  { "ticket",   beaconctl_ticket,   N_("Open, change, show and list tickets") },
  { "search",   beaconctl_search,   N_("Find tickets by number, customer, site, summary, symptoms or notes") },
  { "demo",     beaconctl_demo,     N_("Fill the database with demo data") },
  { "export",   beaconctl_export,   N_("Write the shared content of the database as canonical JSON") },
  { "rebuild",  beaconctl_rebuild,  N_("Rebuild every table derived from the oplog") },
  { "report",   beaconctl_report,   N_("Fill in, sign, seal, deliver, print and verify reports") },
  { "ledger",   beaconctl_ledger,   N_("List the fault ledger: sealed fault handling reports") },
  { "sync",     beaconctl_sync,     N_("Sync with a shared folder or beacon-syncd; show the sync state") },
  { "conflicts", beaconctl_conflicts, N_("List concurrent edits and the losing values kept") },
  { "sla",      beaconctl_sla,      N_("Working-time arithmetic: due times, elapsed time, working days") },
  { "calendar", beaconctl_calendar, N_("List, show, add, import and export working calendars") },
  { "policy",   beaconctl_policy,   N_("Show or set the service-level policy") },
  { "escalate", beaconctl_escalate, N_("Run the escalation engine once") },
};

static void
replace_string (char       **target,
                const char  *value)
{
  g_free (*target);
  *target = g_strdup (value);
}

static void
print_usage (FILE *out)
{
  fprintf (out, "%s\n\n", _("Usage: beaconctl [--db PATH] [--user NAME] COMMAND [ARGUMENTS…]"));
  fprintf (out, "%s\n", _("Commands:"));
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    fprintf (out, "  %-10s %s\n", commands[i].name, _(commands[i].summary));
  fprintf (out, "\n%s\n", _("Options:\n"
                            "  --db PATH     the database (default: $BEACON_DB, else the app’s)\n"
                            "  --user NAME   who records the changes (default: $BEACON_USER)\n"
                            "  --help        this text; COMMAND --help tells more"));
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *db_path = NULL;
  g_autofree char *user = NULL;
  int i;

  setlocale (LC_ALL, "");
  g_set_prgname ("beaconctl");
  if (g_file_test (BUILD_LOCALEDIR, G_FILE_TEST_IS_DIR) &&
      g_getenv ("BEACON_UNINSTALLED") != NULL)
    bindtextdomain (GETTEXT_PACKAGE, BUILD_LOCALEDIR);
  else
    bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  db_path = g_strdup (g_getenv ("BEACON_DB"));
  user = g_strdup (g_getenv ("BEACON_USER"));

  /* Global options come before the command. */
  for (i = 1; i < argc; i++)
    {
      const char *arg = argv[i];

      if (g_str_equal (arg, "--help") || g_str_equal (arg, "-h"))
        {
          print_usage (stdout);
          return 0;
        }
      else if (g_str_equal (arg, "--db") || g_str_equal (arg, "--user"))
        {
          if (i + 1 >= argc)
            {
              beaconctl_usage_error (_("%s needs a value"), arg);
              return BEACONCTL_EXIT_USAGE;
            }
          if (g_str_equal (arg, "--db"))
            replace_string (&db_path, argv[++i]);
          else
            replace_string (&user, argv[++i]);
        }
      else if (g_str_has_prefix (arg, "--db="))
        replace_string (&db_path, arg + strlen ("--db="));
      else if (g_str_has_prefix (arg, "--user="))
        replace_string (&user, arg + strlen ("--user="));
      else if (arg[0] == '-')
        {
          beaconctl_usage_error (_("Unknown option “%s”"), arg);
          return BEACONCTL_EXIT_USAGE;
        }
      else
        break;
    }

  if (i >= argc)
    {
      print_usage (stderr);
      return BEACONCTL_EXIT_USAGE;
    }

  for (guint c = 0; c < G_N_ELEMENTS (commands); c++)
    {
      if (g_str_equal (argv[i], commands[c].name))
        {
          BeaconctlContext context = { db_path, user, argc - i, argv + i };

          return commands[c].run (&context);
        }
    }

  beaconctl_usage_error (_("Unknown command “%s”"), argv[i]);
  return BEACONCTL_EXIT_USAGE;
}
