/* kyso-cli signing-credentials: puts a signing service's provider credentials (NEAC sp_password,
 * a CSC login's password) into the Secret Service. The secret is read from standard input — never
 * from the command line, where other users could see it in the process list. */
#include "config.h"

#include "kyso-cli.h"
#include "kyso-error.h"
#include "kyso-signing-credentials.h"

#include <glib/gi18n-lib.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

int
kyso_cli_cmd_signing_credentials (KysoCliContext *ctx, int argc, char **argv);

#define MAX_SECRET 4096

typedef struct
{
  GMainLoop *loop;
  gboolean ok;
  gboolean found;
  GError *error;
} Wait;

/* One line from stdin, without its newline; echo off when a person types it. */
static char *
read_secret (void)
{
  struct termios old, quiet;
  gboolean tty = isatty (STDIN_FILENO) && tcgetattr (STDIN_FILENO, &old) == 0;
  char *buf = g_malloc0 (MAX_SECRET + 1);
  gsize len;

  if (tty)
    {
      fprintf (stderr, "%s ", _("Password:"));
      quiet = old;
      quiet.c_lflag &= ~(tcflag_t)ECHO;
      tcsetattr (STDIN_FILENO, TCSAFLUSH, &quiet);
    }
  if (fgets (buf, MAX_SECRET + 1, stdin) == NULL)
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
wipe_free (char *secret)
{
  if (secret == NULL)
    return;
  memset (secret, 0, strlen (secret));
  g_free (secret);
}

static void
on_stored (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Wait *w = user_data;

  w->ok = kyso_signing_credentials_store_finish (result, &w->error);
  g_main_loop_quit (w->loop);
}

static void
on_looked_up (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Wait *w = user_data;
  char *secret = kyso_signing_credentials_lookup_finish (result, &w->error);

  w->found = secret != NULL;
  w->ok = secret != NULL || g_error_matches (w->error, KYSO_ERROR, KYSO_ERROR_NOT_FOUND);
  if (w->ok)
    g_clear_error (&w->error);
  kyso_signing_credentials_free_secret (secret);
  g_main_loop_quit (w->loop);
}

static void
on_cleared (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Wait *w = user_data;

  w->found = kyso_signing_credentials_clear_finish (result, &w->error);
  w->ok = w->error == NULL;
  g_main_loop_quit (w->loop);
}

int
kyso_cli_cmd_signing_credentials (KysoCliContext *ctx, int argc, char **argv)
{
  g_autofree char *service = NULL;
  g_autofree char *sp_id = NULL;
  GOptionEntry entries[]
    = { { "service", 0, 0, G_OPTION_ARG_STRING, &service,
          N_("The signing service: neac, csc or mysign"), "SERVICE" },
          { "sp-id", 0, 0, G_OPTION_ARG_STRING, &sp_id,
            N_("The service provider id (NEAC sp_id, MySign client_id) or the CSC login"), "ID" },
            G_OPTION_ENTRY_NULL };
  Wait w = { 0 };
  const char *action;
  int status;

  if (!kyso_cli_parse (_("set|check|clear"),
                          _("Store, check or remove a signing service’s credentials in the keyring. “set” "
                         "reads the password from standard input."),
                             entries, &argc, &argv))
    return KYSO_EXIT_USAGE;
  action = argc == 2 ? argv[1] : NULL;
  if (action == NULL
      || (!g_str_equal (action, "set") && !g_str_equal (action, "check") && !g_str_equal (action, "clear")))
    {
      kyso_cli_error (_("Say what to do: set, check or clear."));
      return KYSO_EXIT_USAGE;
    }
  if (service == NULL || sp_id == NULL
      || (!g_str_equal (service, "neac") && !g_str_equal (service, "csc")
          && !g_str_equal (service, "mysign")))
    {
      kyso_cli_error (_("--service (neac, csc or mysign) and --sp-id are required."));
      return KYSO_EXIT_USAGE;
    }

  w.loop = g_main_loop_new (NULL, FALSE);
  if (g_str_equal (action, "set"))
    {
      char *secret = read_secret ();

      if (*secret == '\0')
        {
          wipe_free (secret);
          g_main_loop_unref (w.loop);
          kyso_cli_error (_("No password was given on standard input."));
          return KYSO_EXIT_INPUT;
        }
      kyso_signing_credentials_store_async (service, sp_id, secret, NULL, on_stored, &w);
      wipe_free (secret);
    }
  else if (g_str_equal (action, "check"))
    kyso_signing_credentials_lookup_async (service, sp_id, NULL, on_looked_up, &w);
  else
    kyso_signing_credentials_clear_async (service, sp_id, NULL, on_cleared, &w);
  g_main_loop_run (w.loop);
  g_main_loop_unref (w.loop);

  if (!w.ok)
    {
      kyso_cli_error ("%s", w.error->message);
      g_error_free (w.error);
      return KYSO_EXIT_INPUT;
    }
  status = KYSO_EXIT_OK;
  if (g_str_equal (action, "check"))
    {
      /* Says whether, never what. */
      printf ("%s\n", w.found ? _("stored") : _("not stored"));
      status = w.found ? KYSO_EXIT_OK : KYSO_EXIT_INPUT;
    }
  else if (g_str_equal (action, "clear") && !w.found)
    printf ("%s\n", _("nothing was stored"));
  return status;
}
