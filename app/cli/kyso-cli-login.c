/* kyso-cli login: the browser login (RFC 8252) or the direct login of the guides (ID number +
 * password, then the OTP sent to the phone). The refresh token goes to the Secret Service. */
#include "config.h"

#include "kyso-cli.h"
#include "kyso-error.h"
#include "kyso-portal-sync.h"
#include "kyso-province.h"

#include <glib/gi18n-lib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int kyso_cli_cmd_login (KysoCliContext *ctx, int argc, char **argv);

static int
exit_status_for (const GError *error)
{
  if (error->domain == KYSO_ERROR && error->code == KYSO_ERROR_EXPIRED)
    return KYSO_EXIT_EXPIRED;
  if (error->domain == KYSO_ERROR
      && (error->code == KYSO_ERROR_AUTH || error->code == KYSO_ERROR_INVALID_INPUT))
    return KYSO_EXIT_INPUT;
  return KYSO_EXIT_REMOTE;
}

static gboolean
open_uri (const char *uri, gpointer user_data, GError **error)
{
  g_autoptr(GError) launch_error = NULL;

  fprintf (stderr, "%s\n  %s\n", _("Log in in your web browser. If it does not open, go to this address:"), uri);
  /* A browser that cannot be started is not fatal: the address above works by hand. */
  if (!g_app_info_launch_default_for_uri (uri, NULL, &launch_error))
    fprintf (stderr, "%s %s\n", _("The web browser could not be opened:"), launch_error->message);
  return TRUE;
}

/* A line from stdin without its newline, or NULL at end of input. */
static char *
read_line (void)
{
  char buf[64];

  if (fgets (buf, sizeof buf, stdin) == NULL)
    return NULL;
  return g_strstrip (g_strdup (buf));
}

static int
login_password (KysoPortal *portal, const char *username, char *password, const char *otp_arg)
{
  g_autoptr(KysoSyncWait) wait = kyso_sync_wait_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *hint = NULL;
  g_autofree char *otp = g_strdup (otp_arg);
  KysoLoginStep step;

  for (int round = 0; round < 2; round++)
    {
      kyso_portal_login_password_async (portal, username, password, otp, NULL, kyso_sync_wait_callback, wait);
      step = kyso_portal_login_password_finish (portal, kyso_sync_wait_run (wait), &hint, &error);
      if (step == KYSO_LOGIN_FAILED)
        {
          kyso_cli_error ("%s", error->message);
          return exit_status_for (error);
        }
      if (step == KYSO_LOGIN_DONE)
        return KYSO_EXIT_OK;
      if (otp != NULL)
        break;
      /* Translators: %s is a masked phone number such as 09******01 */
      fprintf (stderr, _("An OTP code was sent to %s. Enter it: "), hint ? hint : "");
      fflush (stderr);
      otp = read_line ();
      if (otp == NULL || *otp == '\0')
        {
          fprintf (stderr, "\n");
          kyso_cli_error ("%s", _("No OTP code was entered. Run the command again with --otp CODE."));
          return KYSO_EXIT_INPUT;
        }
      g_clear_pointer (&hint, g_free);
    }
  kyso_cli_error ("%s", _("The portal asked for another OTP code. Try again."));
  return KYSO_EXIT_INPUT;
}

int
kyso_cli_cmd_login (KysoCliContext *ctx, int argc, char **argv)
{
  g_autofree char *username = NULL;
  g_autofree char *password_env = NULL;
  g_autofree char *otp = NULL;
  GOptionEntry entries[] = {
    { "username", 0, 0, G_OPTION_ARG_STRING, &username, N_("ID number (CCCD/CMND) for the direct login"), N_("ID") },
    { "password-env", 0, 0, G_OPTION_ARG_STRING, &password_env,
      N_("Name of the environment variable holding the password"), N_("VAR") },
    { "otp", 0, 0, G_OPTION_ARG_STRING, &otp, N_("The OTP code sent to the phone"), N_("CODE") },
    G_OPTION_ENTRY_NULL
  };
  g_autoptr(KysoPortal) portal = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;
  KysoConfig *config;
  int status;

  if (!kyso_cli_parse (NULL, _("Log in to the provincial portal (without options: in the web browser)"),
                       entries, &argc, &argv))
    return KYSO_EXIT_USAGE;
  if ((username == NULL) != (password_env == NULL) || (otp != NULL && username == NULL))
    {
      kyso_cli_error ("%s", _("--username and --password-env go together (and --otp needs them)."));
      return KYSO_EXIT_USAGE;
    }
  config = kyso_cli_get_config (ctx);
  if (config == NULL)
    return KYSO_EXIT_INPUT;
  portal = kyso_portal_new_from_config (config, &error);
  if (portal == NULL)
    {
      kyso_cli_error ("%s", error->message);
      return KYSO_EXIT_INPUT;
    }

  if (username != NULL)
    {
      const char *value = g_getenv (password_env);
      char *password;

      if (value == NULL || *value == '\0')
        {
          /* Translators: %s is the name of an environment variable */
          kyso_cli_error (_("The environment variable %s holds no password."), password_env);
          return KYSO_EXIT_USAGE;
        }
      password = g_strdup (value);
      status = login_password (portal, username, password, otp);
      memset (password, 0, strlen (password));
      g_free (password);
    }
  else
    {
      g_autoptr(KysoSyncWait) wait = kyso_sync_wait_new ();

      kyso_portal_login_browser_async (portal, open_uri, NULL, NULL, kyso_sync_wait_callback, wait);
      if (!kyso_portal_login_browser_finish (portal, kyso_sync_wait_run (wait), &error))
        {
          kyso_cli_error ("%s", error->message);
          return exit_status_for (error);
        }
      status = KYSO_EXIT_OK;
    }
  if (status != KYSO_EXIT_OK)
    return status;
  name = kyso_portal_dup_user_name (portal);
  /* Translators: first %s is the citizen's name, second the province */
  printf (_("Logged in as %s (portal of %s).\n"), name ? name : "?", kyso_portal_get_display_name (portal));
  return KYSO_EXIT_OK;
}
