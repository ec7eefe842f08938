/* kyso-cli: the same engine as the GUI, for scripts, tests and benchmarks. */
#include "config.h"

#include "cli/kyso-cli.h"

#include <glib/gi18n-lib.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>

typedef struct
{
  const char *name;
  KysoCliCommandFunc func;
  const char *summary;
} Command;

/* One line per command, sorted; each lives in cli/kyso-cli-<name>.c. */
#define COMMAND(n, s) int kyso_cli_cmd_##n (KysoCliContext *, int, char **);
#include "cli/kyso-cli-commands.h"
#undef COMMAND

static const Command commands[] = {
#define COMMAND(n, s) { #n, kyso_cli_cmd_##n, s },
#include "cli/kyso-cli-commands.h"
#undef COMMAND
};

/* C names cannot hold '-': "signing_credentials" in the table is typed "signing-credentials". */
static gboolean
command_is (const char *name, const char *arg)
{
  for (; *name != '\0' && *arg != '\0'; name++, arg++)
    if (*name != *arg && !(*name == '_' && *arg == '-'))
      return FALSE;
  return *name == *arg;
}

static void
print_help (FILE *out)
{
  fprintf (out, "%s\n\n", _("Usage: kyso-cli [--config FILE] COMMAND [OPTIONS…]"));
  fprintf (out, "%s\n", _("Sign, verify and submit public-service documents."));
  fprintf (out, "\n%s\n", _("Commands:"));
  for (gsize i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      g_autofree char *name = g_strdelimit (g_strdup (commands[i].name), "_", '-');
      fprintf (out, "  %-20s %s\n", name, _(commands[i].summary));
    }
  fprintf (out, "\n%s\n", _("Options:"));
  fprintf (out, "  %-24s %s\n", "--config FILE", _("Read service addresses from FILE"));
  fprintf (out, "  %-24s %s\n", "--version", _("Print the version and exit"));
  fprintf (out, "  %-24s %s\n", "--help", _("Print this help and exit"));
  fprintf (out, "\n%s\n", _("Run “kyso-cli COMMAND --help” for a command’s options."));
}

int
main (int argc, char **argv)
{
  KysoCliContext ctx = { 0 };
  const char *localedir = g_getenv ("KYSO_LOCALEDIR");
  int i = 1;
  int status;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, localedir != NULL ? localedir : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  /* Global options come before the command. */
  for (; i < argc && argv[i][0] == '-'; i++)
    {
      if (strcmp (argv[i], "--version") == 0)
        {
          printf ("kyso-cli %s\n", PACKAGE_VERSION);
          return KYSO_EXIT_OK;
        }
      else if (strcmp (argv[i], "--help") == 0 || strcmp (argv[i], "-h") == 0)
        {
          print_help (stdout);
          return KYSO_EXIT_OK;
        }
      else if (strcmp (argv[i], "--config") == 0 && i + 1 < argc)
        ctx.config_path = argv[++i];
      else if (g_str_has_prefix (argv[i], "--config="))
        ctx.config_path = argv[i] + strlen ("--config=");
      else
        {
          kyso_cli_error (_("Unknown option “%s”"), argv[i]);
          print_help (stderr);
          return KYSO_EXIT_USAGE;
        }
    }

  if (i >= argc)
    {
      print_help (stderr);
      return KYSO_EXIT_USAGE;
    }

  for (gsize c = 0; c < G_N_ELEMENTS (commands); c++)
    if (command_is (commands[c].name, argv[i]))
      {
        status = commands[c].func (&ctx, argc - i, argv + i);
        g_clear_pointer (&ctx.config, kyso_config_unref);
        return status;
      }

  kyso_cli_error (_("Unknown command “%s”"), argv[i]);
  print_help (stderr);
  return KYSO_EXIT_USAGE;
}
