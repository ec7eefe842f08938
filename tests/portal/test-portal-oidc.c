/* The OpenID Connect client against a real, independent provider: the npm package oidc-provider
 * (tests/oidc/provider.mjs) on loopback. An HTTP client that follows redirects plays the browser.
 * Browser login with PKCE, ID token verified with the provider's JWKS, refresh (the provider
 * rotates refresh tokens), restore from the Secret Service, and logout revoking the session. */
#include "config.h"

#include "portal-test-util.h"
#include "kyso-error.h"
#include "kyso-http.h"
#include "kyso-oidc-client.h"
#include "kyso-session-store.h"

#include <signal.h>
#include <string.h>

typedef struct
{
  GSubprocess *node;
  char *issuer;
} Provider;

static Provider *provider;

static char *
node_path (void)
{
  return g_find_program_in_path ("node");
}

static gboolean
provider_available (char **why)
{
  g_autofree char *node = node_path ();
  g_autofree char *module
    = g_build_filename (g_getenv ("G_TEST_SRCDIR"), "node_modules", "oidc-provider", "package.json", NULL);

  if (node == NULL)
    *why = g_strdup ("node is not installed (build-aux/install-deps.sh)");
  else if (!g_file_test (module, G_FILE_TEST_EXISTS))
    *why = g_strdup ("tests/node_modules lacks oidc-provider (run build-aux/install-test-tools.sh)");
  else
    return TRUE;
  return FALSE;
}

static void
provider_start (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *script = g_build_filename (g_getenv ("G_TEST_SRCDIR"), "oidc", "provider.mjs", NULL);
  g_autofree char *node = node_path ();
  g_autoptr(GDataInputStream) lines = NULL;
  g_autofree char *line = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();

  provider = g_new0 (Provider, 1);
  /* stdin stays open: the provider stops by itself when this program goes away. */
  provider->node = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error,
                                     node, script, NULL);
  g_assert_no_error (error);
  lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (provider->node));
  line = g_data_input_stream_read_line_utf8 (lines, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (line);
  json_parser_load_from_data (parser, line, -1, &error);
  g_assert_no_error (error);
  provider->issuer = g_strdup (
    json_object_get_string_member (json_node_get_object (json_parser_get_root (parser)), "issuer"));
  g_assert_true (g_str_has_prefix (provider->issuer, "http://127.0.0.1:"));
}

static void
provider_stop (void)
{
  if (provider == NULL)
    return;
  g_subprocess_send_signal (provider->node, SIGTERM);
  g_subprocess_wait (provider->node, NULL, NULL);
  g_object_unref (provider->node);
  g_free (provider->issuer);
  g_clear_pointer (&provider, g_free);
}

typedef struct
{
  KysoOidcClient *client;
} Fixture;

static void
setup (Fixture *f, gconstpointer data)
{
  f->client = kyso_oidc_client_new (provider->issuer, "web-padsvc", NULL);
}

static void
teardown (Fixture *f, gconstpointer data)
{
  kyso_session_store_clear (provider->issuer, "web-padsvc", NULL, NULL);
  pt_browser_join ();
  g_assert_finalize_object (f->client);
}

typedef struct
{
  KysoOidcClient *client;
  gboolean ok;
  GError *error;
  gboolean done;
} Login;

/* The login blocks: run it in a thread and keep this thread's main context (where the browser is
 * opened) turning. */
static gpointer
login_thread (gpointer data)
{
  Login *l = data;

  l->ok = kyso_oidc_client_login_browser (l->client, pt_browser_open_uri, NULL, g_main_context_default (), 60,
                                          NULL, &l->error);
  g_atomic_int_set (&l->done, TRUE);
  g_main_context_wakeup (NULL);
  return NULL;
}

static void
browser_login (Fixture *f)
{
  Login l = { .client = f->client };
  GThread *thread = g_thread_new ("login", login_thread, &l);

  while (!g_atomic_int_get (&l.done))
    g_main_context_iteration (NULL, TRUE);
  g_thread_join (thread);
  g_assert_no_error (l.error);
  g_assert_true (l.ok);
  pt_browser_join ();
  g_assert_cmpuint (pt_browser_last_status (), ==, 200);
}

static void
test_browser_login (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;
  g_autofree char *subject = NULL;
  g_autofree char *token = NULL;
  g_autofree char *refresh = NULL;

  g_assert_false (kyso_oidc_client_is_logged_in (f->client));
  browser_login (f);
  g_assert_true (kyso_oidc_client_is_logged_in (f->client));
  name = kyso_oidc_client_dup_user_name (f->client);
  g_assert_cmpstr (name, ==, "Nguyễn Văn An");
  subject = kyso_oidc_client_dup_subject (f->client);
  g_assert_cmpstr (subject, ==, "c0ffee00-0000-4000-8000-051090000101");
  token = kyso_oidc_client_dup_access_token (f->client, 0, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (token);
  g_assert_cmpuint (kyso_oidc_client_get_refresh_count (f->client), ==, 0);
  refresh = kyso_session_store_load (provider->issuer, "web-padsvc", NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (refresh);
}

static void
test_refresh_and_restore (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KysoOidcClient) other = NULL;
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  g_autofree char *third = NULL;
  g_autofree char *stored_before = NULL;
  g_autofree char *stored_after = NULL;
  g_autofree char *name = NULL;

  browser_login (f);
  first = kyso_oidc_client_dup_access_token (f->client, 0, NULL, &error);
  g_assert_no_error (error);
  stored_before = kyso_session_store_load (provider->issuer, "web-padsvc", NULL, &error);

  /* Asking for an hour of validity (the provider gives 5 minutes) forces a refresh. */
  second = kyso_oidc_client_dup_access_token (f->client, 3600, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (first, !=, second);
  g_assert_cmpuint (kyso_oidc_client_get_refresh_count (f->client), ==, 1);
  /* oidc-provider rotates refresh tokens of public clients: the new one replaced the old. */
  stored_after = kyso_session_store_load (provider->issuer, "web-padsvc", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (stored_before, !=, stored_after);

  /* A token the API refused is not handed out again. */
  kyso_oidc_client_reject_access_token (f->client, second);
  third = kyso_oidc_client_dup_access_token (f->client, 0, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (third, !=, second);

  other = kyso_oidc_client_new (provider->issuer, "web-padsvc", NULL);
  g_assert_true (kyso_oidc_client_restore (other, NULL, &error));
  g_assert_no_error (error);
  name = kyso_oidc_client_dup_user_name (other);
  g_assert_cmpstr (name, ==, "Nguyễn Văn An");
  g_assert_finalize_object (g_steal_pointer (&other));
}

static void
test_logout_revokes (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KysoOidcClient) other = NULL;
  g_autofree char *refresh = NULL;
  g_autofree char *form = NULL;
  g_autofree char *url = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(KysoHttpResponse) response = NULL;
  g_autofree char *token = NULL;

  browser_login (f);
  refresh = kyso_session_store_load (provider->issuer, "web-padsvc", NULL, &error);
  g_assert_nonnull (refresh);
  g_assert_true (kyso_oidc_client_logout (f->client, NULL, &error));
  g_assert_no_error (error);
  g_assert_false (kyso_oidc_client_is_logged_in (f->client));
  token = kyso_oidc_client_dup_access_token (f->client, 0, NULL, &error);
  g_assert_error (error, KYSO_ERROR, KYSO_ERROR_AUTH);
  g_assert_null (token);
  g_clear_error (&error);

  other = kyso_oidc_client_new (provider->issuer, "web-padsvc", NULL);
  g_assert_false (kyso_oidc_client_restore (other, NULL, &error));
  g_assert_no_error (error);

  /* At the provider, the revoked refresh token no longer works. */
  form = g_strdup_printf ("grant_type=refresh_token&client_id=web-padsvc&refresh_token=%s", refresh);
  url = g_strconcat (provider->issuer, "/token", NULL);
  body = g_bytes_new (form, strlen (form));
  response
    = kyso_http_request ("POST", url, NULL, body, "application/x-www-form-urlencoded", NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (response->status, ==, 400);
  g_assert_nonnull (g_strstr_len (g_bytes_get_data (response->body, NULL), g_bytes_get_size (response->body),
                                  "invalid_grant"));
  g_assert_finalize_object (g_steal_pointer (&other));
}

static void
test_wrong_issuer (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  /* The same provider under another name: its metadata names the real issuer, so it is refused. */
  g_autofree char *alias = g_strdup_printf ("%s/", provider->issuer);
  g_autoptr(KysoOidcClient) client = kyso_oidc_client_new (alias, "web-padsvc", NULL);

  g_assert_false (kyso_oidc_client_discover (client, NULL, &error));
  g_assert_error (error, KYSO_ERROR, KYSO_ERROR_SERVER);
}

int
main (int argc, char **argv)
{
  g_autofree char *why = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);
  /* The provider is part of the test tools (build-aux/install-test-tools.sh): without it this
   * suite fails rather than passing without having tested anything. */
  if (!provider_available (&why))
    g_error ("The OpenID provider for this test is missing: %s", why);
#define ADD(path, func) g_test_add (path, Fixture, NULL, setup, func, teardown)
  ADD ("/portal/oidc/browser-login", test_browser_login);
  ADD ("/portal/oidc/refresh-and-restore", test_refresh_and_restore);
  ADD ("/portal/oidc/logout-revokes", test_logout_revokes);
  ADD ("/portal/oidc/wrong-issuer", test_wrong_issuer);
#undef ADD
  provider_start ();
  status = g_test_run ();
  provider_stop ();
  return status;
}
