/* The portal session against the sandbox: direct and browser logins, restore, logout, refresh
 * (before expiry and after the portal refused an expired token), and no token on disk or in logs. */
#include "config.h"

#include "portal-test-util.h"
#include "kyso-error.h"
#include "kyso-http.h"
#include "kyso-igate-portal.h"
#include "kyso-province.h"

#include <glib/gstdio.h>
#include <string.h>

static const char *
citizen_user (PortalFixture *f)
{
  return json_object_get_string_member (f->citizen, "username");
}

static const char *
citizen_password (PortalFixture *f)
{
  return json_object_get_string_member (f->citizen, "password");
}

static void
count_notify (GObject *object, GParamSpec *pspec, gpointer data)
{
  (*(guint *)data)++;
}

/* What Kyso knows of the citizen comes from the tokens and userinfo (REAL-SERVICES.md §5). */
static void
test_claims (PortalFixture *f, gconstpointer data)
{
  KysoOidcClient *oidc = kyso_igate_portal_get_oidc_client (KYSO_IGATE_PORTAL (f->portal));
  g_autofree char *user_id = NULL, *account_id = NULL, *phone = NULL, *name = NULL, *identity = NULL;
  guint notified = 0;

  g_signal_connect (f->portal, "notify::logged-in", G_CALLBACK (count_notify), &notified);
  pt_login (f);
  user_id = kyso_oidc_client_dup_claim (oidc, "user_id");
  account_id = kyso_oidc_client_dup_claim (oidc, "account_id");
  phone = kyso_oidc_client_dup_claim (oidc, "preferred_username");
  name = kyso_portal_dup_user_name (f->portal);
  identity = kyso_oidc_client_dup_claim (oidc, "identity_number");
  /* user_id and account_id are in the access token only (a JWT the sandbox signed). */
  g_assert_true (g_regex_match_simple ("^[0-9a-f]{24}$", user_id, 0, 0));
  g_assert_true (g_regex_match_simple ("^[0-9a-f]{24}$", account_id, 0, 0));
  g_assert_cmpstr (user_id, !=, account_id);
  g_assert_cmpstr (phone, ==, "+84905000101");
  g_assert_cmpstr (name, ==, "Nguyễn Văn An");
  /* userinfo, read because its sub is the ID token's. */
  g_assert_cmpstr (identity, ==, citizen_user (f));
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_cmpuint (notified, >=, 1);
}

static void
enable_auto_login (PortalFixture *f)
{
  g_autofree char *body = g_strdup_printf ("{\"username\": \"%s\"}", citizen_user (f));
  g_autoptr (JsonNode) answer = pt_control (f->sb, "POST", "/control/portal/auto-login", body);
}

static gboolean
browser_login (PortalFixture *f, KysoOpenUriFunc open_uri, gpointer data, GCancellable *cancellable,
               GError **error)
{
  g_autoptr (KysoSyncWait) wait = kyso_sync_wait_new ();

  kyso_portal_login_browser_async (f->portal, open_uri, data, cancellable, kyso_sync_wait_callback, wait);
  return kyso_portal_login_browser_finish (f->portal, kyso_sync_wait_run (wait), error);
}

static void
test_browser_login (PortalFixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *name = NULL;
  g_autofree char *refresh = NULL;

  enable_auto_login (f);
  g_assert_true (browser_login (f, pt_browser_open_uri, f->sb->ca_file, NULL, &error));
  g_assert_no_error (error);
  pt_browser_join ();
  /* The browser ended on the loopback page that says the login worked. */
  g_assert_cmpuint (pt_browser_last_status (), ==, 200);
  g_assert_true (kyso_portal_is_logged_in (f->portal));
  name = kyso_portal_dup_user_name (f->portal);
  g_assert_cmpstr (name, ==, "Nguyễn Văn An");
  refresh = pt_dup_refresh_token (f->portal);
  g_assert_nonnull (refresh);
  g_assert_cmpint (pt_state (f->sb, "active_sessions"), ==, 1);
}

static void
test_browser_refused (PortalFixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  /* The citizen presses Cancel on the portal's login page. */
  g_assert_false (browser_login (f, pt_browser_cancel, f->sb->ca_file, NULL, &error));
  g_assert_error (error, KYSO_ERROR, KYSO_ERROR_AUTH);
  g_assert_false (kyso_portal_is_logged_in (f->portal));
}

static gboolean
no_browser (const char *uri, gpointer data, GError **error)
{
  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "no browser here");
  return FALSE;
}

static void
test_browser_missing (PortalFixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  g_assert_false (browser_login (f, no_browser, NULL, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
}

typedef struct
{
  char *uri;
  GCancellable *cancellable;
} Remembered;

static gboolean
cancel_later (gpointer data)
{
  g_cancellable_cancel (data);
  return G_SOURCE_REMOVE;
}

/* The "browser" remembers the address, then the person gives up (however slow the machine is,
 * the login was started before it is cancelled). */
static gboolean
remember_uri (const char *uri, gpointer data, GError **error)
{
  Remembered *r = data;

  r->uri = g_strdup (uri);
  g_timeout_add (300, cancel_later, r->cancellable);
  return TRUE;
}

static void
test_browser_cancelled (PortalFixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  Remembered r = { NULL, cancellable };
  g_autofree char *uri = NULL;
  g_autoptr (GUri) parsed = NULL;
  g_autoptr (GHashTable) params = NULL;

  g_assert_false (browser_login (f, remember_uri, &r, cancellable, &error));
  uri = r.uri;
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  /* The request the browser would have shown: code flow with PKCE S256, state, nonce, loopback. */
  g_assert_nonnull (uri);
  g_clear_error (&error);
  parsed = g_uri_parse (uri, G_URI_FLAGS_NONE, &error);
  g_assert_no_error (error);
  params = g_uri_parse_params (g_uri_get_query (parsed), -1, "&", G_URI_PARAMS_NONE, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (g_hash_table_lookup (params, "response_type"), ==, "code");
  g_assert_cmpstr (g_hash_table_lookup (params, "client_id"), ==, "kyso-desktop");
  g_assert_cmpstr (g_hash_table_lookup (params, "code_challenge_method"), ==, "S256");
  g_assert_cmpuint (strlen (g_hash_table_lookup (params, "code_challenge")), ==, 43);
  g_assert_cmpuint (strlen (g_hash_table_lookup (params, "state")), >=, 22);
  g_assert_cmpuint (strlen (g_hash_table_lookup (params, "nonce")), >=, 22);
  g_assert_true (g_str_has_prefix (g_hash_table_lookup (params, "redirect_uri"), "http://127.0.0.1:"));
  g_assert_true (g_str_has_suffix (g_hash_table_lookup (params, "redirect_uri"), "/callback"));
}

static gboolean
restore (KysoPortal *portal, GError **error)
{
  g_autoptr (KysoSyncWait) wait = kyso_sync_wait_new ();

  kyso_portal_restore_session_async (portal, NULL, kyso_sync_wait_callback, wait);
  return kyso_portal_restore_session_finish (portal, kyso_sync_wait_run (wait), error);
}

static gboolean
logout (KysoPortal *portal, GError **error)
{
  g_autoptr (KysoSyncWait) wait = kyso_sync_wait_new ();

  kyso_portal_logout_async (portal, NULL, kyso_sync_wait_callback, wait);
  return kyso_portal_logout_finish (portal, kyso_sync_wait_run (wait), error);
}

static void
test_restore_and_logout (PortalFixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (KysoPortal) second = NULL;
  g_autoptr (KysoPortal) third = NULL;
  g_autofree char *old_refresh = NULL;
  g_autofree char *name = NULL;
  g_autofree char *form = NULL;
  g_autoptr (KysoHttpResponse) response = NULL;
  KysoHttpOptions options = { .ca_file = f->sb->ca_file };

  pt_login (f);
  old_refresh = pt_dup_refresh_token (f->portal);
  g_assert_nonnull (old_refresh);

  /* Another run of the program: the session comes back from the Secret Service. */
  second = kyso_portal_new_from_config (f->config, &error);
  g_assert_no_error (error);
  g_assert_false (kyso_portal_is_logged_in (second));
  g_assert_true (restore (second, &error));
  g_assert_no_error (error);
  g_assert_true (kyso_portal_is_logged_in (second));
  name = kyso_portal_dup_user_name (second);
  g_assert_cmpstr (name, ==, "Nguyễn Văn An");

  g_assert_true (logout (second, &error));
  g_assert_no_error (error);
  g_assert_false (kyso_portal_is_logged_in (second));
  g_assert_cmpint (pt_state (f->sb, "active_sessions"), ==, 0);
  g_assert_null (pt_dup_refresh_token (f->portal));

  third = kyso_portal_new_from_config (f->config, &error);
  g_assert_no_error (error);
  g_assert_false (restore (third, &error));
  g_assert_no_error (error);

  /* The revoked refresh token is dead at the provider too. */
  form = g_strdup_printf ("grant_type=refresh_token&client_id=kyso-desktop&refresh_token=%s", old_refresh);
  {
    g_autofree char *url
      = g_strconcat (kyso_test_sandbox_get_url (f->sb, "issuer"), "/protocol/openid-connect/token", NULL);
    g_autoptr (GBytes) body = g_bytes_new (form, strlen (form));
    response = kyso_http_request ("POST", url, NULL, body, "application/x-www-form-urlencoded", &options,
                                  NULL, &error);
  }
  g_assert_no_error (error);
  g_assert_cmpuint (response->status, ==, 400);

  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_finalize_object (g_steal_pointer (&second));
  g_assert_finalize_object (g_steal_pointer (&third));
}

static void
test_logout_offline (PortalFixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  pt_login (f);
  /* The portal cannot be reached: the session is forgotten here all the same, and the error
   * says the portal was not told. */
  kyso_test_sandbox_stop (g_steal_pointer (&f->sb));
  g_assert_false (logout (f->portal, &error));
  g_assert_error (error, KYSO_ERROR, KYSO_ERROR_NETWORK);
  g_assert_false (kyso_portal_is_logged_in (f->portal));
  g_assert_null (pt_dup_refresh_token (f->portal));
}

static void
test_logout_back_channel (PortalFixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) answer
             = pt_control (f->sb, "POST", "/control/portal/discovery", "{\"revocation_endpoint\": false}");

  /* A Keycloak without a revocation endpoint: the session ends through its back-channel logout. */
  pt_login (f);
  g_assert_cmpint (pt_state (f->sb, "active_sessions"), ==, 1);
  g_assert_true (logout (f->portal, &error));
  g_assert_no_error (error);
  g_assert_cmpint (pt_state (f->sb, "active_sessions"), ==, 0);
  g_assert_null (pt_dup_refresh_token (f->portal));
}

static GPtrArray *
list_procedures (KysoPortal *portal, GError **error)
{
  g_autoptr (KysoSyncWait) wait = kyso_sync_wait_new ();

  kyso_portal_list_procedures_async (portal, NULL, NULL, kyso_sync_wait_callback, wait);
  return kyso_portal_list_procedures_finish (portal, kyso_sync_wait_run (wait), error);
}

static guint
refresh_count (PortalFixture *f)
{
  return kyso_oidc_client_get_refresh_count (
    kyso_igate_portal_get_oidc_client (KYSO_IGATE_PORTAL (f->portal)));
}

static void
test_token_expired_midway (PortalFixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) first = NULL;
  g_autoptr (GPtrArray) second = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  guint refreshes;

  pt_login (f);
  first = list_procedures (f->portal, &error);
  g_assert_no_error (error);
  before = pt_dup_access_token (f->portal);
  refreshes = refresh_count (f);

  /* The portal says the token expired (and keeps refusing it): one refresh, then it works. */
  pt_set_fault (f->sb, "token-expired");
  second = list_procedures (f->portal, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (second->len, ==, first->len);
  g_assert_cmpuint (refresh_count (f), ==, refreshes + 1);
  after = pt_dup_access_token (f->portal);
  g_assert_cmpstr (before, !=, after);
}

static void
test_refresh_survives_faults (PortalFixture *f, gconstpointer data)
{
  static const char *const faults[] = { "http500", "drop" };
  KysoOidcClient *oidc = kyso_igate_portal_get_oidc_client (KYSO_IGATE_PORTAL (f->portal));
  guint refreshes;

  pt_login (f);
  refreshes = refresh_count (f);
  /* The refresh answer is lost (500, or dropped after the portal made new tokens): one more try
   * with the same refresh token works, the session is kept. */
  for (gsize i = 0; i < G_N_ELEMENTS (faults); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autofree char *token = pt_dup_access_token (f->portal);
      g_autoptr (GPtrArray) list = NULL;

      pt_clear_faults (f->sb);
      pt_set_fault (f->sb, faults[i]);
      kyso_oidc_client_reject_access_token (oidc, token);
      list = list_procedures (f->portal, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (list->len, ==, 4);
      g_assert_cmpuint (refresh_count (f), ==, refreshes + i + 1);
    }
  g_assert_true (kyso_portal_is_logged_in (f->portal));
}

static void
test_refresh_before_expiry (PortalFixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) answer
             = pt_control (f->sb, "POST", "/control/portal/token-lifetime", "{\"seconds\": 20}");
  guint refreshes;

  pt_login (f);
  refreshes = refresh_count (f);
  /* 20 s left is under the 30 s margin: the token is refreshed before it is used. */
  for (int i = 0; i < 2; i++)
    {
      g_autoptr (GPtrArray) list = list_procedures (f->portal, &error);
      g_assert_no_error (error);
    }
  g_assert_cmpuint (refresh_count (f), ==, refreshes + 2);
}

static void
test_session_ended (PortalFixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) list = NULL;
  g_autoptr (JsonNode) answer
             = pt_control (f->sb, "POST", "/control/portal/token-lifetime", "{\"seconds\": 1}");
  g_autofree char *refresh = NULL;
  g_autofree char *form = NULL;
  g_autofree char *url = NULL;
  g_autoptr (GBytes) body = NULL;
  g_autoptr (KysoHttpResponse) response = NULL;
  KysoHttpOptions options = { .ca_file = f->sb->ca_file };

  pt_login (f);
  /* The session is revoked elsewhere (another device logs out): the next call says so. */
  refresh = pt_dup_refresh_token (f->portal);
  form = g_strdup_printf ("token=%s&client_id=kyso-desktop", refresh);
  url = g_strconcat (kyso_test_sandbox_get_url (f->sb, "issuer"), "/protocol/openid-connect/revoke", NULL);
  body = g_bytes_new (form, strlen (form));
  response = kyso_http_request ("POST", url, NULL, body, "application/x-www-form-urlencoded", &options, NULL,
                                &error);
  g_assert_no_error (error);
  g_assert_cmpuint (response->status, ==, 200);

  list = list_procedures (f->portal, &error);
  g_assert_error (error, KYSO_ERROR, KYSO_ERROR_AUTH);
  g_assert_null (list);
  g_assert_false (kyso_portal_is_logged_in (f->portal));
  g_assert_null (pt_dup_refresh_token (f->portal));
}

static void
test_not_logged_in (PortalFixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) list = list_procedures (f->portal, &error);

  g_assert_error (error, KYSO_ERROR, KYSO_ERROR_AUTH);
  g_assert_null (list);
}

/* ---- no token on disk or in logs ---- */

static GString *captured_log;

static GLogWriterOutput
capture_log (GLogLevelFlags level, const GLogField *fields, gsize n_fields, gpointer data)
{
  for (gsize i = 0; i < n_fields; i++)
    if (g_strcmp0 (fields[i].key, "MESSAGE") == 0 && fields[i].length < 0)
      g_string_append_printf (captured_log, "%s\n", (const char *)fields[i].value);
  /* Debug output would break TAP on stdout: keep it, show only what matters. */
  if (level & G_LOG_LEVEL_DEBUG)
    return G_LOG_WRITER_HANDLED;
  return g_log_writer_default (level, fields, n_fields, data);
}

static gboolean
file_contains (const char *path, const char *needle)
{
  g_autofree char *data = NULL;
  gsize len = 0, n = strlen (needle);

  if (!g_file_get_contents (path, &data, &len, NULL))
    return FALSE;
  for (gsize i = 0; i + n <= len; i++)
    if (memcmp (data + i, needle, n) == 0)
      return TRUE;
  return FALSE;
}

static guint
scan_tree (const char *dir, const char *const *needles, guint *files)
{
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;
  guint hits = 0;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      if (g_file_test (path, G_FILE_TEST_IS_SYMLINK))
        continue;
      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        hits += scan_tree (path, needles, files);
      else if (g_file_test (path, G_FILE_TEST_IS_REGULAR))
        {
          (*files)++;
          for (gsize i = 0; needles[i] != NULL; i++)
            if (file_contains (path, needles[i]))
              {
                g_test_message ("secret found in %s", path);
                hits++;
              }
        }
    }
  return hits;
}

static void
test_no_secret_on_disk_or_in_logs (PortalFixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) list = NULL;
  g_autoptr (KysoDossier) dossier = NULL;
  g_autofree char *access = NULL;
  g_autofree char *refresh = NULL;
  g_autofree char *sandbox_log = g_build_filename (f->sb->dir, "sandbox.log", NULL);
  const char *root = g_getenv ("KYSO_TEST_TMPDIR");
  KysoApplicant *applicant;
  guint files = 0;

  g_assert_nonnull (root);
  g_string_truncate (captured_log, 0);

  pt_login (f);
  /* A token that was used once can expire (the fault spares a token's first request). */
  list = list_procedures (f->portal, &error);
  g_assert_no_error (error);
  g_clear_pointer (&list, g_ptr_array_unref);
  pt_set_fault (f->sb, "token-expired");
  list = list_procedures (f->portal, &error);
  g_assert_no_error (error);
  access = pt_dup_access_token (f->portal);
  refresh = pt_dup_refresh_token (f->portal);

  /* A draft too: it must not carry the ID number or the phone number. */
  dossier = kyso_dossier_new (g_ptr_array_index (list, 0));
  applicant = kyso_dossier_get_applicant (dossier);
  applicant->full_name = g_strdup ("Nguyễn Văn An");
  applicant->id_number = g_strdup ("051090000101");
  applicant->phone = g_strdup ("0905000101");
  g_assert_true (kyso_dossier_save_draft (dossier, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (logout (f->portal, &error));
  g_assert_no_error (error);

  {
    const char *needles[] = { access, refresh, citizen_password (f), "051090000101", "0905000101", NULL };
    const char *log_needles[] = { access, refresh, citizen_password (f), NULL };

    g_assert_cmpuint (scan_tree (root, needles, &files), ==, 0);
    g_assert_cmpuint (files, >, 0);
    /* The debug log did say things (retries), but nothing secret. */
    g_assert_cmpuint (captured_log->len, >, 0);
    for (gsize i = 0; log_needles[i] != NULL; i++)
      {
        g_assert_null (strstr (captured_log->str, log_needles[i]));
        g_assert_false (file_contains (sandbox_log, log_needles[i]));
      }
  }
  g_assert_true (kyso_dossier_delete_draft (kyso_dossier_get_draft_id (dossier), NULL, &error));
  g_assert_no_error (error);
}

int
main (int argc, char **argv)
{
  /* Every message of the program is kept (debug ones too) to look for secrets in it. */
  g_setenv ("G_MESSAGES_DEBUG", "all", TRUE);
  captured_log = g_string_new (NULL);
  g_log_set_writer_func (capture_log, NULL, NULL);
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add (path, PortalFixture, NULL, pt_fixture_setup, func, pt_fixture_teardown)
  ADD ("/portal/session/claims", test_claims);
  ADD ("/portal/session/browser-login", test_browser_login);
  ADD ("/portal/session/browser-refused", test_browser_refused);
  ADD ("/portal/session/browser-missing", test_browser_missing);
  ADD ("/portal/session/browser-cancelled", test_browser_cancelled);
  ADD ("/portal/session/restore-and-logout", test_restore_and_logout);
  ADD ("/portal/session/logout-offline", test_logout_offline);
  ADD ("/portal/session/logout-back-channel", test_logout_back_channel);
  ADD ("/portal/session/refresh-survives-faults", test_refresh_survives_faults);
  ADD ("/portal/session/token-expired-midway", test_token_expired_midway);
  ADD ("/portal/session/refresh-before-expiry", test_refresh_before_expiry);
  ADD ("/portal/session/ended-elsewhere", test_session_ended);
  ADD ("/portal/session/not-logged-in", test_not_logged_in);
  ADD ("/portal/session/no-secret-on-disk-or-in-logs", test_no_secret_on_disk_or_in_logs);
#undef ADD
  return g_test_run ();
}
