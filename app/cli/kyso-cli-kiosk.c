/* kyso-cli kiosk: the operator's side of kiosk mode. "set-pin" writes the salted hash of the
 * operator PIN into the kiosk file (run as root for /etc/kyso/kiosk.conf); "show" prints the
 * settings Kyso would use. The PIN is read from standard input, never from the command line. */
#include "config.h"

#include "kyso-cli.h"
#include "kyso-kiosk-config.h"

#include <glib/gi18n-lib.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

int
kyso_cli_cmd_kiosk (KysoCliContext *ctx, int argc, char **argv);

#define MAX_PIN 64

/* One line of stdin without its newline; echo off when a person types it. */
static char *
read_pin (const char *prompt)
{
  struct termios old, quiet;
  gboolean tty = isatty (STDIN_FILENO) && tcgetattr (STDIN_FILENO, &old) == 0;
  char *buf = g_malloc0 (MAX_PIN + 1);
  gsize len;

  if (tty)
    {
      fprintf (stderr, "%s ", prompt);
      quiet = old;
      quiet.c_lflag &= ~(tcflag_t)ECHO;
      tcsetattr (STDIN_FILENO, TCSAFLUSH, &quiet);
    }
  if (fgets (buf, MAX_PIN + 1, stdin) == NULL)
    buf[0] = '\0';
  if (tty)
    {
      tcsetattr (STDIN_FILENO, TCSAFLUSH, &old);
      fputc ('\n', stderr);
    }
  len = strlen (buf);
  while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == '\r'))
    buf[--len] = '\0';
  return buf;
}

static void
wipe_free (char *pin)
{
  if (pin == NULL)
    return;
  memset (pin, 0, strlen (pin));
  g_free (pin);
}

static int
set_pin (const char *path)
{
  g_autoptr (GError) error = NULL;
  char *pin = read_pin (_("New operator PIN (4 to 12 digits):"));
  gboolean ok;

  if (isatty (STDIN_FILENO))
    {
      char *again = read_pin (_("The same PIN again:"));
      gboolean same = strcmp (pin, again) == 0;

      wipe_free (again);
      if (!same)
        {
          wipe_free (pin);
          kyso_cli_error ("%s", _("The two PINs differ; nothing was changed."));
          return KYSO_EXIT_INPUT;
        }
    }
  ok = kyso_kiosk_config_set_pin_in_file (path, pin, &error);
  wipe_free (pin);
  if (!ok)
    {
      kyso_cli_error ("%s: %s", path, error->message);
      return KYSO_EXIT_INPUT;
    }
  /* Translators: %s is the kiosk file's path. */
  printf (_("The operator PIN is set in %s.\n"), path);
  return KYSO_EXIT_OK;
}

static int
show (const char *path)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (KysoKioskConfig) config = kyso_kiosk_config_load (path, &error);
  g_autofree char *folders = NULL;
  KysoKioskSources sources;

  if (config == NULL)
    {
      kyso_cli_error ("%s", error->message);
      return KYSO_EXIT_INPUT;
    }
  sources = kyso_kiosk_config_get_sources (config);
  folders = g_strjoinv (";", (char **)kyso_kiosk_config_get_folders (config));
  printf ("file=%s\n", path);
  printf ("enabled=%s\n", kyso_kiosk_config_get_enabled (config) ? "true" : "false");
  printf ("province=%s\n",
          kyso_kiosk_config_get_province (config) ? kyso_kiosk_config_get_province (config) : "");
  printf ("counter=%s\n",
          kyso_kiosk_config_get_counter (config) ? kyso_kiosk_config_get_counter (config) : "");
  printf ("idle_timeout=%u\n", kyso_kiosk_config_get_idle_timeout (config));
  printf ("countdown=%u\n", kyso_kiosk_config_get_countdown (config));
  printf ("printing=%s\n", kyso_kiosk_config_get_printing (config) ? "true" : "false");
  printf ("sources=%s%s\n", (sources & KYSO_KIOSK_SOURCE_USB) ? "usb;" : "",
          (sources & KYSO_KIOSK_SOURCE_FOLDER) ? "folder;" : "");
  printf ("folders=%s\n", folders);
  /* Never the hash itself: only whether there is one. */
  printf ("pin=%s\n", kyso_kiosk_config_has_pin (config) ? "set" : "unset");
  return KYSO_EXIT_OK;
}

int
kyso_cli_cmd_kiosk (KysoCliContext *ctx, int argc, char **argv)
{
  g_autofree char *file = NULL;
  GOptionEntry entries[]
    = { /* Translators: the placeholder in “--file=FILE”. */
        { "file", 0, 0, G_OPTION_ARG_FILENAME, &file,
          N_("The kiosk file (default: the system one)"), N_("FILE") }, G_OPTION_ENTRY_NULL };
  const char *path;

  if (!kyso_cli_parse ("set-pin|show", _("Set the operator PIN of kiosk mode, or show its settings"),
                                          entries, &argc, &argv))
    return KYSO_EXIT_USAGE;
  path = file != NULL ? file : kyso_kiosk_config_get_default_path ();
  if (argc == 2 && strcmp (argv[1], "set-pin") == 0)
    return set_pin (path);
  if (argc == 2 && strcmp (argv[1], "show") == 0)
    return show (path);
  /* Translators: do not translate “set-pin” and “show”: they are typed as they are. */
  kyso_cli_error ("%s", _("Say what to do: set-pin or show."));
  return KYSO_EXIT_USAGE;
}
