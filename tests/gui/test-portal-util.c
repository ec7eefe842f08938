/* test-portal-util.c: the sandbox's test endpoints and kyso-cli verify for the portal GUI tests. */
#include "config.h"

#include "test-portal-util.h"
#include "kyso-http.h"

#include <string.h>

static JsonObject *
request (KysoTestSandbox *sb, const char *method, const char *path, const char *json)
{
  g_autofree char *url = g_strconcat (sb->base_url, path, NULL);
  KysoHttpOptions options = { .ca_file = sb->ca_file, .timeout_seconds = 30 };
  g_autoptr(GBytes) body = json != NULL ? g_bytes_new (json, strlen (json)) : NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(KysoHttpResponse) response = kyso_http_request (
    method, url, NULL, body, json != NULL ? "application/json" : NULL, &options, NULL, &error);
  g_autoptr(JsonNode) node = NULL;

  g_assert_no_error (error);
  g_assert_cmpuint (response->status, ==, 200);
  node = kyso_json_parse_bytes (response->body, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
  return json_object_ref (json_node_get_object (node));
}

JsonObject *
kyso_test_portal_get (KysoTestSandbox *sb, const char *path)
{
  return request (sb, "GET", path, NULL);
}

JsonObject *
kyso_test_portal_post (KysoTestSandbox *sb, const char *path, const char *json)
{
  return request (sb, "POST", path, json);
}

char *
kyso_test_portal_otp (KysoTestSandbox *sb, const char *phone)
{
  g_autofree char *path = g_strdup_printf ("/control/portal/sms?phone=%s", phone);
  g_autoptr(JsonObject) sms = kyso_test_portal_get (sb, path);

  return g_strdup (json_object_get_string_member (sms, "otp"));
}

JsonObject *
kyso_test_portal_verify (KysoTestSandbox *sb, const char *file)
{
  const char *cli = g_getenv ("KYSO_CLI");
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  g_assert_nonnull (cli);
  process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error, cli,
                              "--config", sb->config_file, "verify", "--json", file, NULL);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_communicate_utf8 (process, NULL, NULL, &out, &err, &error));
  g_assert_no_error (error);
  if (err != NULL && *err != '\0')
    g_test_message ("kyso-cli verify: %s", err);
  g_assert_true (json_parser_load_from_data (parser, out, -1, &error));
  g_assert_no_error (error);
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

void
kyso_test_portal_keep_result (GObject *source, GAsyncResult *result, gpointer slot)
{
  *(GAsyncResult **)slot = g_object_ref (result);
}

gboolean
kyso_test_portal_have_result (gpointer slot)
{
  return *(GAsyncResult **)slot != NULL;
}
