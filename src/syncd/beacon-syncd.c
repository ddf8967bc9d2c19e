/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "beacon-syncd"

#include "config.h"

#include <locale.h>
#include <stdio.h>
#include <glib/gi18n.h>
#include <glib-unix.h>

#include "beacon-syncd-server.h"

static const char description[] = N_(
  "beacon-syncd keeps the segments (batches of changes) of every Beacon device of\n"
  "a service centre and hands them to the others. It never reads or changes the\n"
  "tickets themselves, and keeps its own SQLite database on local disk.\n"
  "\n"
  "Commands:\n"
  "  (none)                 serve: beacon-syncd --db PATH --listen 127.0.0.1:8780\n"
  "  token add DEVICE-NAME  issue a token for a device; the token is printed on the\n"
  "                         last line and cannot be shown again\n"
  "  token list             list tokens: name, device, issued, valid or revoked\n"
  "  token revoke NAME      revoke a token at once\n"
  "\n"
  "A token is bound to the device UUID of its first push; a segment of another\n"
  "device under it is refused with 403.\n"
  "\n"
  "Endpoints (all but /v1/health need “Authorization: Bearer TOKEN”, else 401):\n"
  "  POST /v1/segments               201 stored, 200 identical duplicate, 400 damaged,\n"
  "                                  403 other device, 409 same range with other\n"
  "                                  content, 413 too large, 426 format too new,\n"
  "                                  429 too many requests\n"
  "  GET  /v1/heads                  {\"DEVICE-UUID\": last sequence number, …}\n"
  "  GET  /v1/segments?device=UUID&after=SEQ\n"
  "                                  the device's segments after SEQ, back to back;\n"
  "                                  X-Beacon-More: 1 when there are more\n"
  "  GET  /v1/health                 {\"status\": \"ok\", \"now\": …}\n"
  "Every reply carries the server's time (Date header); clients warn when their\n"
  "clock is off by more than 2 minutes. A reply is sent only after the segment\n"
  "is committed, so a server stopped mid-push loses and duplicates nothing.\n"
  "\n"
  "Plain HTTP is served only on a loopback address (127.0.0.1, ::1) unless\n"
  "--insecure is given; anywhere else give --tls-cert and --tls-key.\n"
  "\n"
  "Exit status: 0 success, 1 failure (the message says what), 2 wrong usage.");

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(BeaconSyncdServer) server = NULL;
  g_autoptr(GTlsCertificate) certificate = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autofree char *db_path = NULL;
  g_autofree char *listen = NULL;
  g_autofree char *tls_cert = NULL;
  g_autofree char *tls_key = NULL;
  g_autofree char *uri = NULL;
  gboolean insecure = FALSE;
  double rate = 200, burst = 2000;
  GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db_path,
      N_("The server's database (default /var/lib/beacon-syncd/syncd.db)"), N_("PATH") },
    { "listen", 0, 0, G_OPTION_ARG_STRING, &listen,
      N_("Address and port to serve on (default 127.0.0.1:8780; port 0 picks a free one)"),
      N_("HOST:PORT") },
    { "tls-cert", 0, 0, G_OPTION_ARG_FILENAME, &tls_cert,
      N_("PEM certificate (chain) to serve HTTPS with"), N_("FILE") },
    { "tls-key", 0, 0, G_OPTION_ARG_FILENAME, &tls_key,
      N_("PEM private key of the certificate"), N_("FILE") },
    { "insecure", 0, 0, G_OPTION_ARG_NONE, &insecure,
      N_("Allow plain HTTP on an address other than loopback"), NULL },
    { "rate", 0, 0, G_OPTION_ARG_DOUBLE, &rate,
      N_("Requests per second allowed per token (default 200; 0: no limit)"), N_("N") },
    { "burst", 0, 0, G_OPTION_ARG_DOUBLE, &burst,
      N_("Requests a token may make at once before the rate applies (default 2000)"), N_("N") },
    { NULL }
  };

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  g_set_prgname ("beacon-syncd");

  context = g_option_context_new (_("[token add NAME | token list | token revoke NAME]"));
  g_option_context_set_summary (context, _("The Beacon sync service."));
  g_option_context_set_description (context, _(description));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      fprintf (stderr, "beacon-syncd: %s\n", error->message);
      return 2;
    }

  if (db_path == NULL)
    db_path = g_strdup ("/var/lib/beacon-syncd/syncd.db");

  server = beacon_syncd_server_open (db_path, &error);
  if (server == NULL)
    {
      fprintf (stderr, "beacon-syncd: %s\n", error->message);
      return 1;
    }

  if (argc > 1)
    {
      if (g_str_equal (argv[1], "token") && argc == 4 && g_str_equal (argv[2], "add"))
        {
          g_autofree char *token = beacon_syncd_server_add_token (server, argv[3], &error);

          if (token == NULL)
            {
              fprintf (stderr, "beacon-syncd: %s\n", error->message);
              return 1;
            }
          printf (_("Token for “%s” (give it to the device; it is not shown again):\n"), argv[3]);
          printf ("%s\n", token);
          return 0;
        }
      if (g_str_equal (argv[1], "token") && argc == 3 && g_str_equal (argv[2], "list"))
        {
          g_autofree char *list = beacon_syncd_server_list_tokens (server, &error);

          fputs (list, stdout);
          return 0;
        }
      if (g_str_equal (argv[1], "token") && argc == 4 && g_str_equal (argv[2], "revoke"))
        {
          if (!beacon_syncd_server_revoke_token (server, argv[3], &error))
            {
              fprintf (stderr, "beacon-syncd: %s\n", error->message);
              return 1;
            }
          return 0;
        }

      fprintf (stderr, "beacon-syncd: %s\n%s\n", _("Unknown command"),
               _("Try “beacon-syncd --help”."));
      return 2;
    }

  if ((tls_cert == NULL) != (tls_key == NULL))
    {
      fprintf (stderr, "beacon-syncd: %s\n", _("--tls-cert and --tls-key go together"));
      return 2;
    }
  if (tls_cert != NULL)
    {
      certificate = g_tls_certificate_new_from_files (tls_cert, tls_key, &error);
      if (certificate == NULL)
        {
          fprintf (stderr, "beacon-syncd: %s\n", error->message);
          return 1;
        }
    }

  beacon_syncd_server_set_rate (server, rate, burst);
  if (!beacon_syncd_server_listen (server, listen ? listen : "127.0.0.1:8780", certificate,
                                   insecure, &uri, &error))
    {
      fprintf (stderr, "beacon-syncd: %s\n", error->message);
      return 1;
    }

  printf (_("Listening on %s\n"), uri);
  fflush (stdout);

  loop = g_main_loop_new (NULL, FALSE);
  g_unix_signal_add (SIGTERM, (GSourceFunc) (void (*) (void)) g_main_loop_quit, loop);
  g_unix_signal_add (SIGINT, (GSourceFunc) (void (*) (void)) g_main_loop_quit, loop);
  g_main_loop_run (loop);

  return 0;
}
