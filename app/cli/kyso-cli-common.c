#include "config.h"

#include "kyso-cli.h"

#include <glib/gi18n-lib.h>
#include <stdio.h>

KysoConfig *
kyso_cli_get_config (KysoCliContext *ctx)
{
  g_autoptr(GError) error = NULL;

  if (ctx->config != NULL)
    return ctx->config;
  ctx->config = kyso_config_load_or_default (ctx->config_path, &error);
  if (ctx->config == NULL)
    kyso_cli_error (_("Cannot read the configuration file: %s"), error->message);
  return ctx->config;
}

void
kyso_cli_error (const char *format, ...)
{
  g_autofree char *msg = NULL;
  va_list args;

  va_start (args, format);
  msg = g_strdup_vprintf (format, args);
  va_end (args);
  fprintf (stderr, "kyso-cli: %s\n", msg);
}

gboolean
kyso_cli_parse (const char *parameter_string, const char *summary, GOptionEntry *entries, int *argc,
                char ***argv)
{
  g_autoptr(GOptionContext) octx = g_option_context_new (parameter_string);
  g_autoptr(GError) error = NULL;

  g_option_context_set_translation_domain (octx, GETTEXT_PACKAGE);
  if (summary != NULL)
    g_option_context_set_summary (octx, summary);
  g_option_context_add_main_entries (octx, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (octx, argc, argv, &error))
    {
      kyso_cli_error ("%s", error->message);
      return FALSE;
    }
  return TRUE;
}
