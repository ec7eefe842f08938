/* kyso-cli logout: revokes the portal session and removes it from the Secret Service. */
#include "config.h"

#include "kyso-cli.h"
#include "kyso-error.h"
#include "kyso-portal-sync.h"
#include "kyso-province.h"

#include <glib/gi18n-lib.h>
#include <stdio.h>

int
kyso_cli_cmd_logout (KysoCliContext *ctx, int argc, char **argv);

int
kyso_cli_cmd_logout (KysoCliContext *ctx, int argc, char **argv)
{
  GOptionEntry entries[] = { G_OPTION_ENTRY_NULL };
  g_autoptr(KysoPortal) portal = NULL;
  g_autoptr(KysoSyncWait) wait = kyso_sync_wait_new ();
  g_autoptr(GError) error = NULL;
  KysoConfig *config;

  if (!kyso_cli_parse (NULL, _("Log out of the provincial portal"), entries, &argc, &argv))
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
  kyso_portal_logout_async (portal, NULL, kyso_sync_wait_callback, wait);
  if (!kyso_portal_logout_finish (portal, kyso_sync_wait_run (wait), &error))
    {
      kyso_cli_error ("%s", error->message);
      return KYSO_EXIT_REMOTE;
    }
  printf ("%s\n", _("Logged out."));
  return KYSO_EXIT_OK;
}
