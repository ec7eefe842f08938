/* kyso-cli profiles list | add | delete: the signature profiles of the Secret Service, for
 * scripts (a kiosk's set-up, the demo). The same store and validation as the GUI's page. */
#include "config.h"

#include "kyso-cli.h"
#include "kyso-error.h"
#include "kyso-profile-store.h"
#include "kyso-providers.h"

#include <json-glib/json-glib.h>

#include <glib/gi18n-lib.h>
#include <stdio.h>
#include <string.h>

int
kyso_cli_cmd_profiles (KysoCliContext *ctx, int argc, char **argv);

typedef struct
{
  GMainLoop *loop;
  GAsyncResult *result;
} Wait;

static void
on_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Wait *w = user_data;

  w->result = g_object_ref (result);
  g_main_loop_quit (w->loop);
}

/* The store is asynchronous (it never blocks a GUI); a command line simply waits for it. */
static GAsyncResult *
wait_for (Wait *w)
{
  g_main_loop_run (w->loop);
  return w->result;
}

static void
wait_clear (Wait *w)
{
  g_clear_object (&w->result);
  g_clear_pointer (&w->loop, g_main_loop_unref);
}

static int
list_profiles (KysoProfileStore *store, gboolean json)
{
  Wait w = { g_main_loop_new (NULL, FALSE), NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) profiles = NULL;

  kyso_profile_store_list_async (store, NULL, on_done, &w);
  profiles = kyso_profile_store_list_finish (store, wait_for (&w), &error);
  wait_clear (&w);
  if (profiles == NULL)
    {
      kyso_cli_error (_("Cannot read the signature profiles: %s"), error->message);
      return KYSO_EXIT_INPUT;
    }
  if (json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;
      g_autofree char *text = NULL;

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "profiles");
      json_builder_begin_array (b);
      for (guint i = 0; i < profiles->len; i++)
        {
          KysoProfile *p = g_ptr_array_index (profiles, i);
          GListModel *accounts = kyso_profile_get_accounts (p);

          json_builder_begin_object (b);
          json_builder_set_member_name (b, "id");
          json_builder_add_string_value (b, kyso_profile_get_id (p));
          json_builder_set_member_name (b, "name");
          json_builder_add_string_value (b, kyso_profile_get_display_name (p));
          json_builder_set_member_name (b, "keyword");
          json_builder_add_string_value (b, kyso_profile_get_keyword (p));
          json_builder_set_member_name (b, "accounts");
          json_builder_begin_array (b);
          for (guint k = 0; k < g_list_model_get_n_items (accounts); k++)
            {
              g_autoptr(KysoProfileAccount) a = g_list_model_get_item (accounts, k);
              json_builder_begin_object (b);
              json_builder_set_member_name (b, "provider");
              json_builder_add_string_value (b, kyso_profile_account_get_provider (a));
              json_builder_set_member_name (b, "account");
              json_builder_add_string_value (b, kyso_profile_account_get_account (a));
              json_builder_end_object (b);
            }
          json_builder_end_array (b);
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
      json_builder_end_object (b);
      root = json_builder_get_root (b);
      text = json_to_string (root, TRUE);
      printf ("%s\n", text);
      return KYSO_EXIT_OK;
    }
  if (profiles->len == 0)
    printf ("%s\n", _("No signature profiles yet."));
  for (guint i = 0; i < profiles->len; i++)
    {
      KysoProfile *p = g_ptr_array_index (profiles, i);
      guint n = g_list_model_get_n_items (kyso_profile_get_accounts (p));

      /* Translators: a profile line: "<id>  <name>  (<n> signing accounts)" */
      printf (
        g_dngettext (GETTEXT_PACKAGE, "%s  %s  (%u signing account)\n", "%s  %s  (%u signing accounts)\n", n),
        kyso_profile_get_id (p), kyso_profile_get_display_name (p), n);
    }
  return KYSO_EXIT_OK;
}

/* People type the name they know ("VNPT-CA"); the store keeps the id ("vnpt-ca"). */
static const char *
provider_id (const char *typed)
{
  for (guint i = 0; typed != NULL && i < kyso_providers_get_n (); i++)
    {
      const KysoProvider *p = kyso_providers_get_nth (i);
      if (g_ascii_strcasecmp (p->id, typed) == 0 || g_ascii_strcasecmp (p->name, typed) == 0)
        return p->id;
    }
  return typed;
}

static int
add_profile (KysoProfileStore *store, const char *name, const char *image, const char *phone,
             const char *keyword, const char *account, const char *provider, gboolean quiet)
{
  Wait w = { NULL, NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(KysoProfile) profile = kyso_profile_new ();
  g_autoptr(KysoProfileAccount) acc = NULL;
  gboolean ok;

  kyso_profile_set_display_name (profile, name);
  if (image != NULL)
    {
      char *data = NULL;
      gsize len = 0;

      if (!g_file_get_contents (image, &data, &len, &error))
        {
          kyso_cli_error ("%s", error->message);
          return KYSO_EXIT_INPUT;
        }
      g_autoptr(GBytes) png = g_bytes_new_take (data, len);
      kyso_profile_set_image (profile, png);
    }
  if (phone != NULL)
    {
      g_autofree char *normal = kyso_profile_normalize_phone (phone);
      kyso_profile_set_phone (profile, normal);
    }
  kyso_profile_set_keyword (profile, keyword);
  if (account != NULL || provider != NULL)
    {
      acc = kyso_profile_account_new (provider_id (provider), account);
      kyso_profile_add_account (profile, acc);
    }
  if (!kyso_profile_validate (profile, &error))
    {
      kyso_cli_error ("%s", error->message);
      return KYSO_EXIT_INPUT;
    }
  w.loop = g_main_loop_new (NULL, FALSE);
  kyso_profile_store_create_async (store, profile, NULL, on_done, &w);
  ok = kyso_profile_store_create_finish (store, wait_for (&w), &error);
  wait_clear (&w);
  if (!ok)
    {
      kyso_cli_error (_("Cannot save the signature profile: %s"), error->message);
      return KYSO_EXIT_INPUT;
    }
  if (!quiet)
    printf ("%s\n", kyso_profile_get_id (profile));
  return KYSO_EXIT_OK;
}

static int
delete_profile (KysoProfileStore *store, const char *id)
{
  Wait w = { g_main_loop_new (NULL, FALSE), NULL };
  g_autoptr(GError) error = NULL;
  gboolean ok;

  kyso_profile_store_delete_async (store, id, NULL, on_done, &w);
  ok = kyso_profile_store_delete_finish (store, wait_for (&w), &error);
  wait_clear (&w);
  if (!ok)
    {
      kyso_cli_error (_("Cannot delete the signature profile: %s"), error->message);
      return g_error_matches (error, KYSO_ERROR, KYSO_ERROR_NOT_FOUND) ? KYSO_EXIT_INPUT : KYSO_EXIT_REMOTE;
    }
  return KYSO_EXIT_OK;
}

int
kyso_cli_cmd_profiles (KysoCliContext *ctx, int argc, char **argv)
{
  g_autofree char *name = NULL, *image = NULL, *phone = NULL, *keyword = NULL;
  g_autofree char *account = NULL, *provider = NULL;
  gboolean json = FALSE, quiet = FALSE;
  GOptionEntry entries[]
    = { { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("list: print JSON"), NULL },
          { "name", 0, 0, G_OPTION_ARG_STRING, &name, N_("add: the signature’s name"), N_("TEXT") },
            { "image", 0, 0, G_OPTION_ARG_FILENAME, &image, N_("add: the signature image"), N_("PNG") },
              { "phone", 0, 0, G_OPTION_ARG_STRING, &phone,
                N_("add: the phone number that approves"), N_("NUMBER") },
                { "keyword", 0, 0, G_OPTION_ARG_STRING, &keyword,
                  N_("add: text that marks where to sign"), N_("TEXT") },
                  { "account", 0, 0, G_OPTION_ARG_STRING, &account,
                    N_("add: the NEAC account (CCCD or CMND number)"), N_("ID") },
                    { "provider", 0, 0, G_OPTION_ARG_STRING, &provider,
                      N_("add: the certifying authority, e.g. VNPT-CA"), N_("NAME") },
                      { "quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet, N_("add: print nothing"), NULL },
                        G_OPTION_ENTRY_NULL };
  g_autoptr(KysoProfileStore) store = NULL;

  if (!kyso_cli_parse (_("list | add | delete ID"), _("Manage the signature profiles kept in the keyring"),
                                                        entries, &argc, &argv))
    return KYSO_EXIT_USAGE;
  if (argc < 2)
    {
      kyso_cli_error (_("Say what to do: list, add or delete."));
      return KYSO_EXIT_USAGE;
    }
  store = kyso_profile_store_new ();
  if (strcmp (argv[1], "list") == 0 && argc == 2)
    return list_profiles (store, json);
  if (strcmp (argv[1], "add") == 0 && argc == 2)
    {
      if (name == NULL)
        {
          kyso_cli_error (_("A profile needs a name (--name)."));
          return KYSO_EXIT_USAGE;
        }
      return add_profile (store, name, image, phone, keyword, account, provider, quiet);
    }
  if (strcmp (argv[1], "delete") == 0 && argc == 3)
    return delete_profile (store, argv[2]);
  kyso_cli_error (_("Say what to do: list, add or delete."));
  return KYSO_EXIT_USAGE;
}
