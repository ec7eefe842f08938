/* kyso-cli login: the browser login (RFC 8252); the province's own login page asks for the ID
 * number, password, captcha and OTP. The refresh token goes to the Secret Service. */
#include "config.h"

#include "kyso-cli.h"
#include "kyso-error.h"
#include "kyso-portal-sync.h"
#include "kyso-province.h"

#include <glib/gi18n-lib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int
kyso_cli_cmd_login (KysoCliContext *ctx, int argc, char **argv);

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
  g_autoptr (GError) launch_error = NULL;

  fprintf (stderr, "%s\n  %s\n",
           _ ("Log in in your web browser. If it does not open, go to this address:"), uri);
  /* A browser that cannot be started is not fatal: the address above works by hand. */
  if (!g_app_info_launch_default_for_uri (uri, NULL, &launch_error))
    fprintf (stderr, "%s %s\n", _ ("The web browser could not be opened:"), launch_error->message);
  return TRUE;
}

int
kyso_cli_cmd_login (KysoCliContext *ctx, int argc, char **argv)
{
  GOptionEntry entries[] = { G_OPTION_ENTRY_NULL };
  g_autoptr (KysoPortal) portal = NULL;
  g_autoptr (KysoSyncWait) wait = kyso_sync_wait_new ();
  g_autoptr (GError) error = NULL;
  g_autofree char *name = NULL;
  KysoConfig *config;

  if (!kyso_cli_parse (NULL, _ ("Log in to the provincial portal in the web browser"), entries, &argc, &argv))
    return KYSO_EXIT_USAGE;
  config = kyso_cli_get_config (ctx);
  if (config == NULL)
    return KYSO_EXIT_INPUT;
  portal = kyso_portal_new_from_config (config, &error);
  if (portal == NULL)
    {
      kyso_cli_error ("%s", error->message);
      return KYSO_EXIT_INPUT;
    }
  kyso_portal_login_browser_async (portal, open_uri, NULL, NULL, kyso_sync_wait_callback, wait);
  if (!kyso_portal_login_browser_finish (portal, kyso_sync_wait_run (wait), &error))
    {
      kyso_cli_error ("%s", error->message);
      return exit_status_for (error);
    }
  name = kyso_portal_dup_user_name (portal);
  /* Translators: first %s is the citizen's name, second the province */
  printf (_ ("Logged in as %s (portal of %s).\n"), name ? name : "?", kyso_portal_get_display_name (portal));
  return KYSO_EXIT_OK;
}
