/* kyso-cli procedures: what the citizen can apply for online, with each procedure's components. */
#include "config.h"

#include "kyso-cli.h"
#include "kyso-error.h"
#include "kyso-portal-sync.h"

#include <glib/gi18n-lib.h>
#include <stdio.h>

int
kyso_cli_cmd_procedures (KysoCliContext *ctx, int argc, char **argv);

static void
print_procedure (KysoProcedure *p)
{
  GPtrArray *components = kyso_procedure_get_components (p);
  g_autofree char *fee = g_strdup_printf ("%" G_GINT64_FORMAT, kyso_procedure_get_fee_total (p));

  printf ("%s  %s\n", kyso_procedure_get_code (p) ? kyso_procedure_get_code (p) : "-",
          kyso_procedure_get_name (p));
  printf ("    %s: %s\n", _("ID"), kyso_procedure_get_id (p));
  if (kyso_procedure_get_agency (p) != NULL)
    printf ("    %s: %s\n", _("Agency"), kyso_procedure_get_agency (p));
  if (kyso_procedure_get_processing_time (p) != NULL)
    printf ("    %s: %s\n", _("Processing time"), kyso_procedure_get_processing_time (p));
  /* Translators: %s is an amount of Vietnamese đồng */
  printf ("    %s: %s\n", _("Fee"), kyso_procedure_get_fee_total (p) > 0 ? fee : _("free"));
  for (guint i = 0; i < components->len; i++)
    {
      KysoProcedureComponent *c = g_ptr_array_index (components, i);
      g_autofree char *types = g_strjoinv (", ", (char **)kyso_procedure_component_get_types (c));
      g_autofree char *max
        = g_format_size_full (kyso_procedure_component_get_max_bytes (c), G_FORMAT_SIZE_IEC_UNITS);

      printf ("    %s %s [%s]%s\n", kyso_procedure_component_get_required (c) ? "*" : "-",
              kyso_procedure_component_get_name (c), kyso_procedure_component_get_key (c),
              kyso_procedure_component_get_required (c) ? "" : _(" (optional)"));
      /* Translators: originals / copies / accepted types / size limit of a dossier component */
      printf (_("        originals: %u, copies: %u; %s up to %s\n"),
                 kyso_procedure_component_get_originals (c), kyso_procedure_component_get_copies (c), types,
                 max);
    }
}

int
kyso_cli_cmd_procedures (KysoCliContext *ctx, int argc, char **argv)
{
  g_autofree char *search = NULL;
  gboolean json = FALSE;
  GOptionEntry entries[]
    = { { "search", 0, 0, G_OPTION_ARG_STRING, &search,
          N_("Only procedures whose name or code contains TEXT"), N_("TEXT") },
          { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON"), NULL }, G_OPTION_ENTRY_NULL };
  g_autoptr(KysoPortal) portal = NULL;
  g_autoptr(KysoSyncWait) wait = kyso_sync_wait_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(JsonBuilder) b = json_builder_new ();
  KysoConfig *config;

  if (!kyso_cli_parse (NULL, _("List the procedures that can be applied for online"), entries, &argc, &argv))
    return KYSO_EXIT_USAGE;
  config = kyso_cli_get_config (ctx);
  if (config == NULL)
    return KYSO_EXIT_INPUT;
  portal = kyso_portal_open_sync (config, TRUE, &error);
  if (portal == NULL)
    {
      kyso_cli_error ("%s", error->message);
      return g_error_matches (error, KYSO_ERROR, KYSO_ERROR_AUTH) ? KYSO_EXIT_INPUT : KYSO_EXIT_REMOTE;
    }
  kyso_portal_list_procedures_async (portal, search, NULL, kyso_sync_wait_callback, wait);
  list = kyso_portal_list_procedures_finish (portal, kyso_sync_wait_run (wait), &error);
  if (list == NULL)
    {
      kyso_cli_error ("%s", error->message);
      return KYSO_EXIT_REMOTE;
    }

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "procedures");
  json_builder_begin_array (b);
  for (guint i = 0; i < list->len; i++)
    {
      g_autoptr(KysoProcedure) full = NULL;

      /* The list has summaries; components and fees come with each procedure's details. */
      kyso_portal_get_procedure_async (portal, kyso_procedure_get_id (g_ptr_array_index (list, i)), NULL,
                                       kyso_sync_wait_callback, wait);
      full = kyso_portal_get_procedure_finish (portal, kyso_sync_wait_run (wait), &error);
      if (full == NULL)
        {
          kyso_cli_error ("%s", error->message);
          return KYSO_EXIT_REMOTE;
        }
      if (json)
        json_builder_add_value (b, kyso_procedure_to_json (full));
      else
        print_procedure (full);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);

  if (json)
    {
      g_autoptr(JsonNode) root = json_builder_get_root (b);
      g_autofree char *text = json_to_string (root, TRUE);
      printf ("%s\n", text);
    }
  else if (list->len == 0)
    printf ("%s\n", _("No procedure matches."));
  return KYSO_EXIT_OK;
}
