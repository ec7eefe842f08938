/* kyso-cli track: the status and history of a dossier ("Tra cứu hồ sơ"). */
#include "config.h"

#include "kyso-cli.h"
#include "kyso-error.h"
#include "kyso-portal-sync.h"

#include <glib/gi18n-lib.h>
#include <stdio.h>

int
kyso_cli_cmd_track (KysoCliContext *ctx, int argc, char **argv);

static char *
local_time (GDateTime *t)
{
  g_autoptr(GDateTime) local = t != NULL ? g_date_time_to_local (t) : NULL;

  return local != NULL ? g_date_time_format (local, "%d/%m/%Y %H:%M") : g_strdup ("-");
}

int
kyso_cli_cmd_track (KysoCliContext *ctx, int argc, char **argv)
{
  gboolean json = FALSE;
  GOptionEntry entries[]
    = { { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON"), NULL }, G_OPTION_ENTRY_NULL };
  g_autoptr(KysoPortal) portal = NULL;
  g_autoptr(KysoSyncWait) wait = kyso_sync_wait_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(KysoDossierStatus) status = NULL;
  KysoConfig *config;

  if (!kyso_cli_parse (_("CODE"), _("Show the status and history of a dossier"), entries, &argc, &argv))
    return KYSO_EXIT_USAGE;
  if (argc != 2)
    {
      kyso_cli_error ("%s", _("Give one dossier code."));
      return KYSO_EXIT_USAGE;
    }
  config = kyso_cli_get_config (ctx);
  if (config == NULL)
    return KYSO_EXIT_INPUT;
  portal = kyso_portal_open_sync (config, TRUE, &error);
  if (portal == NULL)
    {
      kyso_cli_error ("%s", error->message);
      return g_error_matches (error, KYSO_ERROR, KYSO_ERROR_AUTH) ? KYSO_EXIT_INPUT : KYSO_EXIT_REMOTE;
    }
  kyso_portal_track_dossier_async (portal, argv[1], NULL, kyso_sync_wait_callback, wait);
  status = kyso_portal_track_dossier_finish (portal, kyso_sync_wait_run (wait), &error);
  if (status == NULL)
    {
      kyso_cli_error ("%s", error->message);
      return g_error_matches (error, KYSO_ERROR, KYSO_ERROR_NOT_FOUND) ? KYSO_EXIT_INPUT : KYSO_EXIT_REMOTE;
    }

  if (json)
    {
      g_autoptr(JsonNode) root = kyso_dossier_status_to_json (status);
      g_autofree char *text = json_to_string (root, TRUE);
      printf ("%s\n", text);
      return KYSO_EXIT_OK;
    }
  printf ("%s  %s\n", status->code, status->status ? status->status : "");
  if (status->procedure_name != NULL)
    printf ("    %s: %s\n", _("Procedure"), status->procedure_name);
  if (status->agency != NULL)
    printf ("    %s: %s\n", _("Agency"), status->agency);
  {
    g_autofree char *submitted = local_time (status->submitted);
    g_autofree char *due = local_time (status->due);
    printf ("    %s: %s\n    %s: %s\n", _("Submitted"), submitted, _("Expected result"), due);
  }
  for (guint i = 0; i < status->history->len; i++)
    {
      KysoDossierEvent *e = g_ptr_array_index (status->history, i);
      g_autofree char *when = local_time (e->time);
      printf ("    %s  %s%s%s\n", when, e->status, e->note ? " — " : "", e->note ? e->note : "");
    }
  return KYSO_EXIT_OK;
}
