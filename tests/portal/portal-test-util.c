#include "config.h"

#include "portal-test-util.h"
#include "kyso-http.h"
#include "kyso-igate-portal.h"
#include "kyso-province.h"
#include "kyso-session-store.h"

#include <curl/curl.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

void
pt_fixture_setup (PortalFixture *f, gconstpointer extra_args)
{
  g_autoptr (GError) error = NULL;
  JsonArray *citizens;

  f->sb = kyso_test_sandbox_start (extra_args, &error);
  g_assert_no_error (error);
  f->config = kyso_config_load (f->sb->config_file, &error);
  g_assert_no_error (error);
  f->portal = kyso_portal_new_from_config (f->config, &error);
  g_assert_no_error (error);
  g_assert_true (KYSO_IS_IGATE_PORTAL (f->portal));
  citizens = json_object_get_array_member (f->sb->info, "citizens");
  f->citizen = json_array_get_object_element (citizens, 0);
  g_assert_cmpstr (json_object_get_string_member (f->citizen, "status"), ==, "good");
}

void
pt_fixture_teardown (PortalFixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  KysoOidcClient *oidc = kyso_igate_portal_get_oidc_client (KYSO_IGATE_PORTAL (f->portal));

  /* Each test starts without a stored session. */
  kyso_session_store_clear (kyso_oidc_client_get_issuer (oidc), kyso_oidc_client_get_client_id (oidc), NULL,
                            &error);
  g_assert_no_error (error);
  pt_browser_join ();
  /* Pending notifications hold references to the portal until they run. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_finalize_object (f->portal);
  kyso_config_unref (f->config);
  kyso_test_sandbox_stop (f->sb);
}

JsonNode *
pt_control (KysoTestSandbox *sb, const char *method, const char *path, const char *json_body)
{
  static const char *const headers[] = { "Accept: application/json", NULL };
  g_autofree char *url = g_strconcat (sb->base_url, path, NULL);
  g_autoptr (GBytes) body = json_body != NULL ? g_bytes_new (json_body, strlen (json_body)) : NULL;
  g_autoptr (KysoHttpResponse) response = NULL;
  g_autoptr (GError) error = NULL;
  KysoHttpOptions options = { .ca_file = sb->ca_file };
  JsonNode *node;

  response = kyso_http_request (method, url, headers, body, body ? "application/json" : NULL, &options, NULL,
                                &error);
  g_assert_no_error (error);
  if (response->status < 200 || response->status >= 300)
    g_error ("%s %s → HTTP %u: %.*s", method, path, response->status, (int)g_bytes_get_size (response->body),
             (const char *)g_bytes_get_data (response->body, NULL));
  if (g_bytes_get_size (response->body) == 0)
    return json_node_new (JSON_NODE_NULL);
  node = kyso_json_parse_bytes (response->body, &error);
  g_assert_no_error (error);
  return node;
}

void
pt_set_fault (KysoTestSandbox *sb, const char *mode)
{
  g_autofree char *body = g_strdup_printf ("{\"fault\": \"%s\"}", mode);
  g_autoptr (JsonNode) answer = pt_control (sb, "POST", "/control/fault", body);
}

void
pt_clear_faults (KysoTestSandbox *sb)
{
  g_autoptr (JsonNode) answer = pt_control (sb, "POST", "/control/fault", "{\"clear\": true}");
}

gint64
pt_state (KysoTestSandbox *sb, const char *member)
{
  g_autoptr (JsonNode) state = pt_control (sb, "GET", "/control/portal/state", NULL);

  return json_object_get_int_member (json_node_get_object (state), member);
}

guint
pt_count_stored (KysoTestSandbox *sb)
{
  g_autofree char *dir = g_build_filename (sb->dir, "portal", "files", NULL);
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  guint n = 0;

  while (d != NULL && g_dir_read_name (d) != NULL)
    n++;
  return n;
}

void
pt_login (PortalFixture *f)
{
  g_autoptr (KysoSyncWait) wait = kyso_sync_wait_new ();
  g_autoptr (GError) error = NULL;
  g_autofree char *body
    = g_strdup_printf ("{\"username\": \"%s\"}", json_object_get_string_member (f->citizen, "username"));
  g_autoptr (JsonNode) answer = pt_control (f->sb, "POST", "/control/portal/auto-login", body);

  /* The browser login, the only way in: the sandbox's login page signs the citizen in at once. */
  kyso_portal_login_browser_async (f->portal, pt_browser_open_uri, f->sb->ca_file, NULL,
                                   kyso_sync_wait_callback, wait);
  g_assert_true (kyso_portal_login_browser_finish (f->portal, kyso_sync_wait_run (wait), &error));
  g_assert_no_error (error);
  pt_browser_join ();
  g_clear_pointer (&answer, json_node_unref);
  answer = pt_control (f->sb, "POST", "/control/portal/auto-login", "{\"username\": null}");
}

char *
pt_dup_access_token (KysoPortal *portal)
{
  g_autoptr (GError) error = NULL;
  char *token = kyso_oidc_client_dup_access_token (
    kyso_igate_portal_get_oidc_client (KYSO_IGATE_PORTAL (portal)), 0, NULL, &error);

  g_assert_no_error (error);
  return token;
}

char *
pt_dup_refresh_token (KysoPortal *portal)
{
  KysoOidcClient *oidc = kyso_igate_portal_get_oidc_client (KYSO_IGATE_PORTAL (portal));
  g_autoptr (GError) error = NULL;
  char *token = kyso_session_store_load (kyso_oidc_client_get_issuer (oidc),
                                         kyso_oidc_client_get_client_id (oidc), NULL, &error);

  g_assert_no_error (error);
  return token;
}

void
pt_write_pdf (const char *path, guint64 size)
{
  static const char head[] = "%PDF-1.7\n%\xE2\xE3\xCF\xD3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n";
  static const char tail[] = "\n%%EOF\n";
  int fd = g_open (path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpuint (size, >=, sizeof head + sizeof tail);
  g_assert_cmpint (write (fd, head, sizeof head - 1), ==, sizeof head - 1);
  /* The middle is a hole: a 300 MB file costs no disk writes here. */
  g_assert_cmpint (ftruncate (fd, (off_t)(size - (sizeof tail - 1))), ==, 0);
  g_assert_cmpint (lseek (fd, 0, SEEK_END), >=, 0);
  g_assert_cmpint (write (fd, tail, sizeof tail - 1), ==, sizeof tail - 1);
  g_assert_cmpint (close (fd), ==, 0);
}

char *
pt_make_tmp_dir (void)
{
  g_autoptr (GError) error = NULL;
  char *dir = g_dir_make_tmp ("kyso-portal-test-XXXXXX", &error);

  g_assert_no_error (error);
  return dir;
}

void
pt_remove_tree (const char *path)
{
  g_autoptr (GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);
      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        pt_remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

/* ---- the browser ---- */

typedef struct
{
  char *uri;
  char *ca_file;
  gboolean cancel;
} Visit;

static GThread *browser_thread;
static guint browser_status;

static size_t
discard (char *ptr, size_t size, size_t nmemb, void *data)
{
  return size * nmemb;
}

static gpointer
browse (gpointer data)
{
  Visit *v = data;
  CURL *curl = curl_easy_init ();
  g_autofree char *url = NULL;
  long status = 0;

  if (v->cancel)
    {
      /* The sandbox's form posts back to the authorization endpoint with the same parameters. */
      const char *q = strchr (v->uri, '?');
      g_autofree char *endpoint = g_strndup (v->uri, (gsize)(q - v->uri));
      g_autofree char *fields = g_strconcat (q + 1, "&cancel=1", NULL);

      curl_easy_setopt (curl, CURLOPT_URL, endpoint);
      curl_easy_setopt (curl, CURLOPT_COPYPOSTFIELDS, fields);
    }
  else
    curl_easy_setopt (curl, CURLOPT_URL, v->uri);
  curl_easy_setopt (curl, CURLOPT_FOLLOWLOCATION, 1L);
  curl_easy_setopt (curl, CURLOPT_MAXREDIRS, 10L);
  curl_easy_setopt (curl, CURLOPT_COOKIEFILE, "");
  curl_easy_setopt (curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt (curl, CURLOPT_TIMEOUT, 30L);
  curl_easy_setopt (curl, CURLOPT_WRITEFUNCTION, discard);
  if (v->ca_file != NULL)
    curl_easy_setopt (curl, CURLOPT_CAINFO, v->ca_file);
  if (curl_easy_perform (curl) == CURLE_OK)
    curl_easy_getinfo (curl, CURLINFO_RESPONSE_CODE, &status);
  g_atomic_int_set (&browser_status, (guint)status);
  curl_easy_cleanup (curl);
  g_free (v->uri);
  g_free (v->ca_file);
  g_free (v);
  return NULL;
}

static gboolean
start_browser (const char *uri, const char *ca_file, gboolean cancel)
{
  Visit *v = g_new0 (Visit, 1);

  pt_browser_join ();
  v->uri = g_strdup (uri);
  v->ca_file = g_strdup (ca_file);
  v->cancel = cancel;
  g_atomic_int_set (&browser_status, 0);
  browser_thread = g_thread_new ("browser", browse, v);
  return TRUE;
}

gboolean
pt_browser_open_uri (const char *uri, gpointer ca_file, GError **error)
{
  return start_browser (uri, ca_file, FALSE);
}

gboolean
pt_browser_cancel (const char *uri, gpointer ca_file, GError **error)
{
  return start_browser (uri, ca_file, TRUE);
}

guint
pt_browser_last_status (void)
{
  return g_atomic_int_get (&browser_status);
}

void
pt_browser_join (void)
{
  if (browser_thread != NULL)
    g_thread_join (g_steal_pointer (&browser_thread));
}
