#include "config.h"

#include "kyso-cli.h"

#include <glib/gi18n-lib.h>
#include <stdio.h>

int
kyso_cli_cmd_config (KysoCliContext *ctx, int argc, char **argv);

/* Prints where each service is, so a user can see what Kyso will talk to. */
int
kyso_cli_cmd_config (KysoCliContext *ctx, int argc, char **argv)
{
  static const struct
  {
    const char *group, *key;
  } keys[] = {
    { "portal", "province" }, { "portal", "issuer" }, { "portal", "api" },  { "neac", "url" },
    { "csc", "url" },         { "tsa", "url" },       { "tls", "ca_file" },
  };
  GOptionEntry entries[] = { G_OPTION_ENTRY_NULL };
  KysoConfig *config;

  if (!kyso_cli_parse (NULL, _("Show the configuration in use"), entries, &argc, &argv))
    return KYSO_EXIT_USAGE;
  config = kyso_cli_get_config (ctx);
  if (config == NULL)
    return KYSO_EXIT_INPUT;
  printf ("%s: %s\n",
          _("File"), kyso_config_get_filename (config) ? kyso_config_get_filename (config) : _("(none)"));
  for (gsize i = 0; i < G_N_ELEMENTS (keys); i++)
    {
      const char *v = kyso_config_get (config, keys[i].group, keys[i].key);
      printf ("%s.%s = %s\n", keys[i].group, keys[i].key, v ? v : "");
    }
  return KYSO_EXIT_OK;
}
