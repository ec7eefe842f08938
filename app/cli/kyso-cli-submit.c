/* kyso-cli submit: fills a dossier (applicant, component files, declaration), uploads the files
 * streamed from disk and files it → the dossier code. */
#include "config.h"

#include "kyso-cli.h"
#include "kyso-error.h"
#include "kyso-portal-sync.h"

#include <glib/gi18n-lib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int
kyso_cli_cmd_submit (KysoCliContext *ctx, int argc, char **argv);

static int
exit_status_for (const GError *error)
{
  if (error->domain == G_IO_ERROR
      || (error->domain == KYSO_ERROR
          && (error->code == KYSO_ERROR_INVALID_INPUT || error->code == KYSO_ERROR_LIMIT
              || error->code == KYSO_ERROR_AUTH || error->code == KYSO_ERROR_NOT_FOUND
              || error->code == KYSO_ERROR_BROKEN_FILE)))
    return KYSO_EXIT_INPUT;
  return KYSO_EXIT_REMOTE;
}

static void
on_progress (const KysoPortalProgress *p, gpointer user_data)
{
  gboolean *tty = user_data;

  if (!*tty)
    return;
  switch (p->stage)
    {
      case KYSO_PORTAL_STAGE_UPLOADING:
      case KYSO_PORTAL_STAGE_RETRYING:
        /* Translators: file name, file number, number of files, percentage of all bytes */
        fprintf (stderr, _("\r%s %s (%u/%u) %3u%%   "), p->stage == KYSO_PORTAL_STAGE_RETRYING
                            ? _("Sending again")
                            : _("Sending"), p->file_name ? p->file_name : "", p->file_index + 1, p->n_files,
                                 (guint)(p->total_size ? p->total_sent * 100 / p->total_size : 100));
        break;
      case KYSO_PORTAL_STAGE_SUBMITTING:
        fprintf (stderr, "\r%s\n", _("Filing the dossier…"));
        break;
      case KYSO_PORTAL_STAGE_CHECKING:
      default:
        break;
    }
  fflush (stderr);
}

static KysoApplicant *
load_applicant (const char *path, gboolean *declaration, GError **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonNode *root;
  JsonNode *decl;

  if (!json_parser_load_from_file (parser, path, error))
    return NULL;
  root = json_parser_get_root (parser);
  if (root != NULL && JSON_NODE_HOLDS_OBJECT (root)
      && (decl = json_object_get_member (json_node_get_object (root), "declaration")) != NULL
      && JSON_NODE_HOLDS_VALUE (decl) && json_node_get_value_type (decl) == G_TYPE_BOOLEAN
      && json_node_get_boolean (decl))
    *declaration = TRUE;
  return kyso_applicant_new_from_json (root, error);
}

static JsonNode *
result_json (KysoDossier *dossier, KysoProcedure *procedure)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  GPtrArray *entries = kyso_dossier_get_entries (dossier);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "code");
  json_builder_add_string_value (b, kyso_dossier_get_code (dossier));
  json_builder_set_member_name (b, "procedure_id");
  json_builder_add_string_value (b, kyso_procedure_get_id (procedure));
  json_builder_set_member_name (b, "procedure");
  json_builder_add_string_value (b, kyso_procedure_get_name (procedure));
  json_builder_set_member_name (b, "fee_total");
  json_builder_add_int_value (b, kyso_procedure_get_fee_total (procedure));
  json_builder_set_member_name (b, "files");
  json_builder_begin_array (b);
  for (guint i = 0; i < entries->len; i++)
    {
      KysoDossierEntry *e = g_ptr_array_index (entries, i);
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "key");
      json_builder_add_string_value (b, e->key);
      json_builder_set_member_name (b, "kind");
      json_builder_add_string_value (b, e->kind == KYSO_COPY_KIND_COPY ? "copy" : "original");
      json_builder_set_member_name (b, "id");
      json_builder_add_string_value (b, e->uploaded->id);
      json_builder_set_member_name (b, "name");
      json_builder_add_string_value (b, e->uploaded->name);
      json_builder_set_member_name (b, "size");
      json_builder_add_int_value (b, (gint64)e->uploaded->size);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

int
kyso_cli_cmd_submit (KysoCliContext *ctx, int argc, char **argv)
{
  g_autofree char *procedure_id = NULL;
  g_autofree char *applicant_file = NULL;
  g_auto(GStrv) components = NULL;
  gboolean declare = FALSE;
  gboolean json = FALSE;
  GOptionEntry entries[] = {
    { "procedure", 0, 0, G_OPTION_ARG_STRING, &procedure_id,
      N_("The procedure’s ID (see “procedures”)"), N_("ID") },
      { "applicant", 0, 0, G_OPTION_ARG_FILENAME, &applicant_file,
        N_("JSON file with the applicant’s information"), N_("FILE") },
        { "component", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &components,
          N_("A component’s file (repeatable)"), N_("KEY=FILE") },
          { "declare", 0, 0, G_OPTION_ARG_NONE, &declare,
            N_("Declare that the information given is true (or \"declaration\": true in the applicant file)"),
              NULL },
            { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON"), NULL }, G_OPTION_ENTRY_NULL };
  g_autoptr(KysoPortal) portal = NULL;
  g_autoptr(KysoSyncWait) wait = kyso_sync_wait_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(KysoProcedure) procedure = NULL;
  g_autoptr(KysoApplicant) applicant = NULL;
  g_autoptr(KysoDossier) dossier = NULL;
  g_autofree char *code = NULL;
  const char *field = NULL;
  gboolean tty = isatty (STDERR_FILENO);
  KysoConfig *config;

  if (!kyso_cli_parse (NULL, _("Submit a dossier to the provincial portal"), entries, &argc, &argv))
    return KYSO_EXIT_USAGE;
  if (procedure_id == NULL || applicant_file == NULL || components == NULL)
    {
      kyso_cli_error ("%s", _("--procedure, --applicant and at least one --component are required."));
      return KYSO_EXIT_USAGE;
    }
  applicant = load_applicant (applicant_file, &declare, &error);
  if (applicant == NULL)
    {
      kyso_cli_error (_("Cannot read the applicant file: %s"), error->message);
      return KYSO_EXIT_INPUT;
    }
  config = kyso_cli_get_config (ctx);
  if (config == NULL)
    return KYSO_EXIT_INPUT;
  portal = kyso_portal_open_sync (config, TRUE, &error);
  if (portal == NULL)
    {
      kyso_cli_error ("%s", error->message);
      return exit_status_for (error);
    }
  kyso_portal_get_procedure_async (portal, procedure_id, NULL, kyso_sync_wait_callback, wait);
  procedure = kyso_portal_get_procedure_finish (portal, kyso_sync_wait_run (wait), &error);
  if (procedure == NULL)
    {
      kyso_cli_error ("%s", error->message);
      return exit_status_for (error);
    }

  dossier = kyso_dossier_new (procedure);
  kyso_dossier_set_applicant (dossier, applicant);
  for (gsize i = 0; components[i] != NULL; i++)
    {
      const char *eq = strchr (components[i], '=');
      g_autofree char *key = eq != NULL ? g_strndup (components[i], (gsize)(eq - components[i])) : NULL;
      KysoProcedureComponent *c = key != NULL ? kyso_procedure_find_component (procedure, key) : NULL;

      if (eq == NULL || eq[1] == '\0')
        {
          kyso_cli_error (_("“%s” is not KEY=FILE."), components[i]);
          return KYSO_EXIT_USAGE;
        }
      if (c == NULL)
        {
          kyso_cli_error (_("The procedure has no component “%s” (see “kyso-cli procedures”)."), key);
          return KYSO_EXIT_USAGE;
        }
      /* A component asked for only as a copy ("bản sao") is sent as a copy, else as an original. */
      kyso_dossier_add_file (dossier, key, eq + 1,
                             kyso_procedure_component_get_originals (c) == 0
                                 && kyso_procedure_component_get_copies (c) > 0
                               ? KYSO_COPY_KIND_COPY
                               : KYSO_COPY_KIND_ORIGINAL);
    }
  kyso_dossier_set_declaration (dossier, declare);
  if (!kyso_dossier_validate (dossier, procedure, &field, &error))
    {
      if (g_strcmp0 (field, "declaration") == 0)
        kyso_cli_error ("%s %s", error->message, _("Add --declare to make the declaration."));
      else
        kyso_cli_error ("%s", error->message);
      return exit_status_for (error);
    }

  kyso_portal_submit_dossier_async (portal, dossier, procedure, on_progress, &tty, NULL,
                                    kyso_sync_wait_callback, wait);
  code = kyso_portal_submit_dossier_finish (portal, kyso_sync_wait_run (wait), &error);
  if (code == NULL)
    {
      if (tty)
        fprintf (stderr, "\n");
      kyso_cli_error ("%s", error->message);
      return exit_status_for (error);
    }
  if (json)
    {
      g_autoptr(JsonNode) root = result_json (dossier, procedure);
      g_autofree char *text = json_to_string (root, TRUE);
      printf ("%s\n", text);
    }
  else
    /* Translators: %s is a dossier code such as 000.00.20.H48-250601-0001 */
    printf (_("Dossier submitted. Its code is %s: keep it to track the dossier.\n"), code);
  return KYSO_EXIT_OK;
}
