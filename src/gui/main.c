/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "beacon-gui"

#include "config.h"

#include "beacon-application.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(BeaconApplication) application = NULL;

  beacon_application_init_i18n ();

  application = beacon_application_new ();

  return g_application_run (G_APPLICATION (application), argc, argv);
}
