/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "beaconctl"

#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>

#include "beacon-time.h"
#include "beaconctl.h"

void
beaconctl_usage_error (const char *format,
                       ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  fprintf (stderr, "beaconctl: %s\n%s\n", message, _("Try “beaconctl --help”."));
}

/**
 * beaconctl_fail:
 * @error: (transfer full): what went wrong
 *
 * Returns: the exit status for @error
 */
int
beaconctl_fail (GError *error)
{
  fprintf (stderr, "beaconctl: %s\n", error ? error->message : _("failed"));
  g_clear_error (&error);
  return BEACONCTL_EXIT_INVALID;
}

/**
 * beaconctl_parse:
 * @n_positional: how many arguments are required, the command's name included
 * @max_positional: how many are allowed, or -1 for any number
 * @out_positional: (out) (transfer full): the arguments left after options,
 *   the command's name first
 *
 * Returns: 0, or the exit status for a usage error
 */
int
beaconctl_parse (BeaconctlContext   *context,
                 const char         *parameter_string,
                 const char         *summary,
                 GOptionEntry       *entries,
                 int                 n_positional,
                 int                 max_positional,
                 char             ***out_positional)
{
  g_autoptr(GOptionContext) option_context = g_option_context_new (parameter_string);
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) args = g_new0 (char *, context->argc + 1);
  int n_args;

  for (int i = 0; i < context->argc; i++)
    args[i] = g_strdup (context->argv[i]);

  g_option_context_set_summary (option_context, summary);
  g_option_context_set_translation_domain (option_context, GETTEXT_PACKAGE);
  if (entries != NULL)
    g_option_context_add_main_entries (option_context, entries, GETTEXT_PACKAGE);

  if (!g_option_context_parse_strv (option_context, &args, &error))
    {
      beaconctl_usage_error ("%s", error->message);
      return BEACONCTL_EXIT_USAGE;
    }

  /* args[0] is the command's own name, and counts. */
  n_args = (int) g_strv_length (args);
  if (n_args < n_positional || (max_positional >= 0 && n_args > max_positional))
    {
      g_autofree char *help = g_option_context_get_help (option_context, TRUE, NULL);

      fprintf (stderr, "beaconctl: %s\n\n%s",
               n_args < n_positional ? _("missing arguments") : _("too many arguments"), help);
      return BEACONCTL_EXIT_USAGE;
    }

  if (out_positional != NULL)
    *out_positional = g_strdupv (args);

  return 0;
}

/**
 * beaconctl_open_store:
 *
 * Opens the database the options name. `BEACON_FAKE_NOW` starts the clock
 * at an instant of its own, for tests and demonstrations.
 *
 * Returns: (transfer full): the store, or %NULL with @error set
 */
BeaconStore *
beaconctl_open_store (BeaconctlContext  *context,
                      GError           **error)
{
  g_autoptr(BeaconClock) clock = NULL;
  g_autoptr(BeaconStore) store = NULL;
  const char *fake_now = g_getenv ("BEACON_FAKE_NOW");

  if (fake_now != NULL && *fake_now != '\0')
    {
      gint64 instant;

      if (!beacon_time_parse (fake_now, NULL, &instant, error))
        {
          g_prefix_error (error, "BEACON_FAKE_NOW: ");
          return NULL;
        }
      clock = beacon_clock_new_starting (instant * G_USEC_PER_SEC);
    }
  else
    clock = beacon_clock_new_system ();

  store = beacon_store_open (context->db_path, clock, error);
  if (store == NULL)
    return NULL;

  if (context->user != NULL && *context->user != '\0')
    {
      g_autoptr(BeaconUser) user = beacon_store_find_user (store, context->user, error);

      if (user == NULL)
        {
          g_prefix_error (error, "--user: ");
          return NULL;
        }
      beacon_store_set_author (store, user->id);
    }

  return g_steal_pointer (&store);
}

void
beaconctl_print_json (JsonNode *node)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autofree char *text = NULL;

  json_generator_set_pretty (generator, TRUE);
  json_generator_set_indent (generator, 2);
  json_generator_set_root (generator, node);
  text = json_generator_to_data (generator, NULL);
  printf ("%s\n", text);
}

/**
 * beaconctl_parse_time:
 * @what: the option or argument, named in the error message
 */
gboolean
beaconctl_parse_time (const char  *text,
                      const char  *what,
                      gint64      *out_instant,
                      GError     **error)
{
  if (!beacon_time_parse (text, NULL, out_instant, error))
    {
      g_prefix_error (error, "%s: ", what);
      return FALSE;
    }
  return TRUE;
}

char *
beaconctl_format_time (gint64 instant)
{
  return instant != 0 ? beacon_time_format (instant, NULL) : g_strdup ("");
}

/* A string member, or null for a missing value. */
void
beaconctl_json_add_string (JsonBuilder *builder,
                           const char  *name,
                           const char  *value)
{
  json_builder_set_member_name (builder, name);
  if (value != NULL)
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

/* An instant as ISO 8601 with the local offset, or null for 0 (never). */
void
beaconctl_json_add_time (JsonBuilder *builder,
                         const char  *name,
                         gint64       instant)
{
  g_autofree char *text = instant != 0 ? beaconctl_format_time (instant) : NULL;

  beaconctl_json_add_string (builder, name, text);
}
