/* kyso-sandbox: local stand-ins for the CAs, the NEAC gateway, a CSC service, the citizen's phone,
 * a time-stamp authority and an OCSP responder, over HTTPS on loopback. See README.md. */

#include "kyso-sandbox-private.h"

#include <glib-unix.h>
#include <locale.h>
#include <stdlib.h>

static gboolean
quit_cb (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

static gboolean
write_ready_file (const char *path, const char *base_url, GError **error)
{
  g_autofree char *text = g_strconcat (base_url, "\n", NULL);
  return g_file_set_contents_full (path, text, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0644, error);
}

static void
install_services (KysoSandbox *sb)
{
  kyso_sandbox_set_url (sb, "base", kyso_sandbox_get_base_url (sb));
  kyso_sandbox_set_config (sb, "tls", "ca_file", kyso_sandbox_get_root_file (sb));
  kyso_sandbox_set_config (sb, "trust", "anchors", kyso_sandbox_get_root_file (sb));
  kyso_sandbox_phone_install (sb);
  kyso_sandbox_neac_install (sb);
  kyso_sandbox_csc_install (sb);
  kyso_sandbox_mysign_install (sb);
  kyso_sandbox_tsa_install (sb);
  kyso_sandbox_ocsp_install (sb);
#ifdef KYSO_SANDBOX_HAVE_PORTAL
  kyso_sandbox_portal_install (sb);
#endif
}

int
main (int argc, char *argv[])
{
  g_autofree char *state_dir = NULL;
  g_autofree char *phone = NULL;
  g_autofree char *ready_file = NULL;
  g_auto (GStrv) faults = NULL;
  int port = 0;
  int expiry = 300;
  gboolean quiet = FALSE;
  gboolean init_only = FALSE;
  GOptionEntry entries[] = {
    { "state", 0, 0, G_OPTION_ARG_FILENAME, &state_dir, "State directory (created on first start)", "DIR" },
    { "port", 0, 0, G_OPTION_ARG_INT, &port, "HTTPS port on 127.0.0.1 (0 = last one or any free)", "N" },
    { "phone", 0, 0, G_OPTION_ARG_STRING, &phone,
      "Phone policy: ignore, approve, approve-after=S, refuse, refuse-after=S", "POLICY" },
    { "fault", 0, 0, G_OPTION_ARG_STRING_ARRAY, &faults, "Inject a fault (repeatable; see README.md)",
      "MODE" },
    { "expiry", 0, 0, G_OPTION_ARG_INT, &expiry, "Lifetime of a signing transaction (default 300)",
      "SECONDS" },
    { "ready-file", 0, 0, G_OPTION_ARG_FILENAME, &ready_file, "Written when ready to serve", "FILE" },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet, "No request log", NULL },
    { "init", 0, 0, G_OPTION_ARG_NONE, &init_only, "Only create the state directory, then exit", NULL },
    { NULL },
  };
  g_autoptr (GOptionContext) context
             = g_option_context_new ("— Kyso's local CAs, signing services and phone");
  g_autoptr (GError) error = NULL;
  g_autoptr (KysoSandbox) sb = NULL;
  g_autoptr (GMainLoop) loop = NULL;

  setlocale (LC_ALL, "");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("kyso-sandbox: %s\n", error->message);
      return 2;
    }
  if (state_dir == NULL || port < 0 || port > 65535 || expiry < 1 || expiry > 86400)
    {
      g_printerr ("kyso-sandbox: --state DIR is required; --port 0…65535; --expiry 1…86400\n");
      return 2;
    }

  sb = kyso_sandbox_new (state_dir);
  sb->quiet = quiet;
  sb->expiry_seconds = (guint)expiry;
  if (phone != NULL && !kyso_sandbox_phone_set_policy (sb, phone, &error))
    {
      g_printerr ("kyso-sandbox: %s\n", error->message);
      return 2;
    }
  if (!kyso_sandbox_pki_load (sb, &error))
    {
      g_printerr ("kyso-sandbox: cannot prepare %s: %s\n", state_dir, error->message);
      return 1;
    }
  if (init_only)
    return 0;
  if (!kyso_sandbox_listen (sb, (guint)port, &error) || !kyso_sandbox_pki_issue (sb, &error))
    {
      g_printerr ("kyso-sandbox: %s\n", error->message);
      return 1;
    }
  install_services (sb);
  /* After the parts are installed: they may register faults of their own. */
  for (guint i = 0; faults != NULL && faults[i] != NULL; i++)
    if (!kyso_sandbox_add_fault (sb, faults[i], &error))
      {
        g_printerr ("kyso-sandbox: %s\n", error->message);
        return 2;
      }
  /* Signals first: whoever sees the ready file may stop us at once. */
  loop = g_main_loop_new (NULL, FALSE);
  g_unix_signal_add (SIGTERM, quit_cb, loop);
  g_unix_signal_add (SIGINT, quit_cb, loop);
  if (!kyso_sandbox_write_files (sb, &error)
      || (ready_file != NULL && !write_ready_file (ready_file, kyso_sandbox_get_base_url (sb), &error)))
    {
      g_printerr ("kyso-sandbox: %s\n", error->message);
      return 1;
    }
  g_print ("kyso-sandbox: ready at %s\n", kyso_sandbox_get_base_url (sb));
  fflush (stdout);

  g_main_loop_run (loop);

  g_clear_pointer (&sb, kyso_sandbox_free);
  return 0;
}
