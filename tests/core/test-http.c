/* kyso-http against a real server on loopback: plain HTTP and TLS (a certificate made by the
 * openssl command at test time), JSON round trips, bounded bodies, errors and cancellation. */
#include "kyso-http.h"
#include "kyso-error.h"

#include <gio/gio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct
{
  GSocketService *service;
  GMainContext *context;
  GMainLoop *loop;
  GThread *thread;
  GMutex lock;
  GCond ready;
  GTlsCertificate *tls_cert; /* NULL: plain HTTP */
  guint16 port;
  char *dir;
  char *cert_path;
} Fixture;

static void
send_response (GOutputStream *out, guint status, const char *ctype, const char *body, gsize len)
{
  g_autofree char *head = g_strdup_printf (
    "HTTP/1.1 %u X\r\nContent-Type: %s\r\nContent-Length: %" G_GSIZE_FORMAT "\r\nConnection: close\r\n\r\n",
    status, ctype, len);
  g_output_stream_write_all (out, head, strlen (head), NULL, NULL, NULL);
  g_output_stream_write_all (out, body, len, NULL, NULL, NULL);
}

static gboolean
on_run (GThreadedSocketService *service, GSocketConnection *connection, GObject *source, gpointer user_data)
{
  Fixture *f = user_data;
  g_autoptr(GIOStream) stream = g_object_ref (G_IO_STREAM (connection));
  g_autoptr(GString) req = g_string_new (NULL);
  g_autofree char *body = NULL;
  GInputStream *in;
  GOutputStream *out;
  const char *end;
  gsize content_length = 0, have;
  char path[256] = "";
  char buf[4096];

  if (f->tls_cert != NULL)
    {
      GIOStream *tls = g_tls_server_connection_new (stream, f->tls_cert, NULL);
      if (tls == NULL)
        return TRUE;
      g_clear_object (&stream);
      stream = tls;
      if (!g_tls_connection_handshake (G_TLS_CONNECTION (stream), NULL, NULL))
        return TRUE; /* the client refused our certificate */
    }
  in = g_io_stream_get_input_stream (stream);
  out = g_io_stream_get_output_stream (stream);

  while ((end = strstr (req->str, "\r\n\r\n")) == NULL)
    {
      gssize n = g_input_stream_read (in, buf, sizeof buf, NULL, NULL);
      if (n <= 0)
        return TRUE;
      g_string_append_len (req, buf, n);
    }
  sscanf (req->str, "%*s %255s", path);
  {
    const char *cl = strstr (req->str, "Content-Length: ");
    if (cl != NULL && cl < end)
      content_length = (gsize)g_ascii_strtoull (cl + 16, NULL, 10);
  }
  have = req->len - (gsize)(end + 4 - req->str);
  while (have < content_length)
    {
      gssize n = g_input_stream_read (in, buf, sizeof buf, NULL, NULL);
      if (n <= 0)
        return TRUE;
      g_string_append_len (req, buf, n);
      have += (gsize)n;
    }
  body = g_strndup (strstr (req->str, "\r\n\r\n") + 4, content_length);

  if (g_str_equal (path, "/json"))
    {
      g_autofree char *answer
        = g_strdup_printf ("{\"got\": %s, \"auth\": %s}", body,
                           strstr (req->str, "Authorization: Bearer tok") ? "true" : "false");
      send_response (out, 200, "application/json", answer, strlen (answer));
    }
  else if (g_str_equal (path, "/error"))
    send_response (out, 401, "application/json", "{\"error\": \"unauthorized\"}", 25);
  else if (g_str_equal (path, "/deep"))
    {
      /* What crashes json-glib 1.6: a stack overflow on ~90 000 nested arrays. */
      gsize depth = 200000;
      g_autofree char *deep = g_malloc (2 * depth);
      memset (deep, '[', depth);
      memset (deep + depth, ']', depth);
      send_response (out, 200, "application/json", deep, 2 * depth);
    }
  else if (g_str_equal (path, "/text"))
    send_response (out, 200, "text/html", "<html>oops</html>", 17);
  else if (g_str_equal (path, "/big"))
    {
      gsize len = 2 * 1024 * 1024;
      g_autofree char *big = g_malloc (len);
      memset (big, 'a', len);
      send_response (out, 200, "application/octet-stream", big, len);
    }
  else if (g_str_equal (path, "/slow"))
    {
      g_usleep (3 * G_USEC_PER_SEC);
      send_response (out, 200, "application/json", "{}", 2);
    }
  else
    send_response (out, 404, "text/plain", "not found", 9);
  g_io_stream_close (stream, NULL, NULL);
  return TRUE;
}

static void
make_certificate (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *key_path = g_build_filename (f->dir, "key.pem", NULL);
  const char *argv[] = {
    "openssl",
    "req",
    "-x509",
    "-newkey",
    "ec",
    "-pkeyopt",
    "ec_paramgen_curve:P-256",
    "-nodes",
    "-keyout",
    key_path,
    "-out",
    f->cert_path,
    "-days",
    "1",
    "-subj",
    "/CN=127.0.0.1",
    "-addext",
    "subjectAltName=IP:127.0.0.1",
    NULL,
  };
  int status = 0;

  g_spawn_sync (NULL, (char **)argv, NULL,
                G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL,
                NULL, NULL, &status, &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  f->tls_cert = g_tls_certificate_new_from_files (f->cert_path, key_path, &error);
  g_assert_no_error (error);
}

static gpointer
server_thread (gpointer data)
{
  Fixture *f = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GInetAddress) lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) addr = g_inet_socket_address_new (lo, 0);
  g_autoptr(GSocketAddress) effective = NULL;

  f->context = g_main_context_new ();
  g_main_context_push_thread_default (f->context);
  f->loop = g_main_loop_new (f->context, FALSE);
  f->service = g_threaded_socket_service_new (4);
  g_socket_listener_add_address (G_SOCKET_LISTENER (f->service), addr, G_SOCKET_TYPE_STREAM,
                                 G_SOCKET_PROTOCOL_TCP, NULL, &effective, &error);
  g_assert_no_error (error);
  g_signal_connect (f->service, "run", G_CALLBACK (on_run), f);
  g_socket_service_start (f->service);

  g_mutex_lock (&f->lock);
  f->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (effective));
  g_cond_signal (&f->ready);
  g_mutex_unlock (&f->lock);

  g_main_loop_run (f->loop);
  g_socket_service_stop (f->service);
  g_socket_listener_close (G_SOCKET_LISTENER (f->service));
  g_clear_object (&f->service);
  g_main_context_pop_thread_default (f->context);
  g_main_loop_unref (f->loop);
  g_main_context_unref (f->context);
  return NULL;
}

static gboolean
quit_loop (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;

  f->dir = g_dir_make_tmp ("kyso-http-XXXXXX", &error);
  g_assert_no_error (error);
  f->cert_path = g_build_filename (f->dir, "cert.pem", NULL);
  if (GPOINTER_TO_INT (data))
    make_certificate (f);
  /* The listener accepts on its own main context, since the client blocks this thread. */
  g_mutex_init (&f->lock);
  g_cond_init (&f->ready);
  g_mutex_lock (&f->lock);
  f->thread = g_thread_new ("server", server_thread, f);
  while (f->port == 0)
    g_cond_wait (&f->ready, &f->lock);
  g_mutex_unlock (&f->lock);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  g_main_context_invoke (f->context, quit_loop, f->loop);
  g_thread_join (f->thread);
  g_mutex_clear (&f->lock);
  g_cond_clear (&f->ready);
  g_clear_object (&f->tls_cert);
  g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", f->dir);
  g_assert_cmpint (system (cmd), ==, 0);
  g_free (f->cert_path);
  g_free (f->dir);
}

static char *
url (Fixture *f, const char *path)
{
  return g_strdup_printf ("%s://127.0.0.1:%u%s", f->tls_cert ? "https" : "http", f->port, path);
}

static void
test_json_roundtrip (Fixture *f, gconstpointer data)
{
  g_autofree char *u = url (f, "/json");
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) req = json_from_string ("{\"tên\": \"Nguyễn Văn An\"}", NULL);
  KysoHttpOptions opts = { .ca_file = f->tls_cert ? f->cert_path : NULL, .bearer_token = "tok" };
  guint status = 0;
  g_autoptr(JsonNode) answer = kyso_http_post_json (u, req, &opts, &status, NULL, &error);
  JsonObject *got;

  g_assert_no_error (error);
  g_assert_cmpuint (status, ==, 200);
  got = json_object_get_object_member (json_node_get_object (answer), "got");
  g_assert_cmpstr (json_object_get_string_member (got, "tên"), ==, "Nguyễn Văn An");
  g_assert_true (json_object_get_boolean_member (json_node_get_object (answer), "auth"));
}

static void
test_error_status (Fixture *f, gconstpointer data)
{
  g_autofree char *u = url (f, "/error");
  g_autoptr(GError) error = NULL;
  guint status = 0;
  g_autoptr(JsonNode) answer = kyso_http_post_json (u, NULL, NULL, &status, NULL, &error);

  /* An HTTP error is an answer, not a GError: the caller reads the error document. */
  g_assert_no_error (error);
  g_assert_cmpuint (status, ==, 401);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (answer), "error"), ==,
                   "unauthorized");
}

static void
test_not_json (Fixture *f, gconstpointer data)
{
  g_autofree char *u = url (f, "/text");
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) answer = kyso_http_post_json (u, NULL, NULL, NULL, NULL, &error);

  g_assert_null (answer);
  g_assert_error (error, KYSO_ERROR, KYSO_ERROR_SERVER);
}

static void
test_body_limit (Fixture *f, gconstpointer data)
{
  g_autofree char *u = url (f, "/big");
  g_autoptr(GError) error = NULL;
  KysoHttpOptions small = { .max_body_bytes = 1024 * 1024 };
  g_autoptr(KysoHttpResponse) r = kyso_http_request ("GET", u, NULL, NULL, NULL, &small, NULL, &error);
  g_autoptr(KysoHttpResponse) r2 = NULL;

  g_assert_null (r);
  g_assert_error (error, KYSO_ERROR, KYSO_ERROR_LIMIT);
  g_clear_error (&error);
  r2 = kyso_http_request ("GET", u, NULL, NULL, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_bytes_get_size (r2->body), ==, 2 * 1024 * 1024);
}

static void
test_too_deep (Fixture *f, gconstpointer data)
{
  g_autofree char *u = url (f, "/deep");
  g_autoptr(GError) error = NULL;
  guint status = 0;
  g_autoptr(JsonNode) answer = kyso_http_post_json (u, NULL, NULL, &status, NULL, &error);

  g_assert_null (answer);
  g_assert_cmpuint (status, ==, 200);
  g_assert_error (error, KYSO_ERROR, KYSO_ERROR_SERVER);
  g_assert_nonnull (strstr (error->message, "deep"));
}

static char *
nested (guint depth, const char *inner)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < depth; i++)
    g_string_append (s, i % 2 ? "[" : "{\"k\":");
  g_string_append (s, inner);
  for (guint i = depth; i > 0; i--)
    g_string_append (s, (i - 1) % 2 ? "]" : "}");
  return g_string_free (s, FALSE);
}

static void
test_json_depth (void)
{
  g_autofree char *at_limit = nested (KYSO_JSON_MAX_DEPTH, "1");
  g_autofree char *over = nested (KYSO_JSON_MAX_DEPTH + 1, "1");
  /* Brackets inside strings, with escaped quotes and backslashes, are text. */
  g_autofree char *strings = nested (KYSO_JSON_MAX_DEPTH, "\"[[[{{\\\\\\\"[[[\"");
  g_autoptr(GBytes) ok_bytes = g_bytes_new (at_limit, strlen (at_limit));
  g_autoptr(GBytes) over_bytes = g_bytes_new (over, strlen (over));
  g_autoptr(GBytes) strings_bytes = g_bytes_new (strings, strlen (strings));
  g_autoptr(JsonNode) ok = NULL;
  g_autoptr(JsonNode) refused = NULL;
  g_autoptr(JsonNode) text = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (kyso_json_check_depth (at_limit, -1, KYSO_JSON_MAX_DEPTH));
  g_assert_false (kyso_json_check_depth (over, -1, KYSO_JSON_MAX_DEPTH));
  g_assert_true (kyso_json_check_depth (strings, -1, KYSO_JSON_MAX_DEPTH));
  g_assert_true (kyso_json_check_depth ("[\"\\\"\"]", -1, 1));
  g_assert_false (kyso_json_check_depth ("[[1]]", -1, 1));
  g_assert_true (kyso_json_check_depth ("", 0, 0));
  /* A length stops the scan: the second array is not read. */
  g_assert_true (kyso_json_check_depth ("[][[", 2, 1));

  ok = kyso_json_parse_bytes (ok_bytes, &error);
  g_assert_no_error (error);
  g_assert_nonnull (ok);
  text = kyso_json_parse_bytes (strings_bytes, &error);
  g_assert_no_error (error);
  g_assert_nonnull (text);
  refused = kyso_json_parse_bytes (over_bytes, &error);
  g_assert_null (refused);
  g_assert_error (error, KYSO_ERROR, KYSO_ERROR_SERVER);
}

static void
test_secure_url (void)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (kyso_http_url_is_secure ("https://gwsca.vnpt.vn/sca/sp769"));
  g_assert_true (kyso_http_url_is_secure ("HTTPS://example.vn/"));
  g_assert_true (kyso_http_url_is_secure ("http://127.0.0.1:8080/neac/"));
  g_assert_true (kyso_http_url_is_secure ("http://127.8.9.10/"));
  g_assert_true (kyso_http_url_is_secure ("http://[::1]:99/x"));
  g_assert_true (kyso_http_url_is_secure ("http://localhost/x"));
  g_assert_false (kyso_http_url_is_secure ("http://gwsca.vnpt.vn/sca/sp769"));
  g_assert_false (kyso_http_url_is_secure ("http://10.0.0.1/"));
  g_assert_false (kyso_http_url_is_secure ("http://localhost.example.vn/"));
  g_assert_false (kyso_http_url_is_secure ("http://127.0.0.1.example.vn/"));
  g_assert_false (kyso_http_url_is_secure ("ftp://127.0.0.1/"));
  g_assert_false (kyso_http_url_is_secure ("https:///nohost"));
  g_assert_false (kyso_http_url_is_secure ("not a url"));
  g_assert_false (kyso_http_url_is_secure (NULL));

  g_assert_true (kyso_http_check_secure_url ("https://a.vn/", "[neac] url", &error));
  g_assert_no_error (error);
  g_assert_false (kyso_http_check_secure_url ("http://a.vn/", "[neac] url", &error));
  g_assert_error (error, KYSO_ERROR, KYSO_ERROR_INVALID_INPUT);
  g_assert_nonnull (strstr (error->message, "[neac] url"));
}

/* A bearer token (or require_secure) never leaves over plain http to another machine: refused
 * before any connection is tried (the address below would otherwise time out). */
static void
test_token_in_clear (void)
{
  g_autoptr(GError) error = NULL;
  KysoHttpOptions with_token = { .bearer_token = "secret", .connect_timeout_seconds = 1 };
  KysoHttpOptions required = { .require_secure = TRUE, .connect_timeout_seconds = 1 };
  g_autoptr(KysoHttpResponse) r1 = NULL;
  g_autoptr(KysoHttpResponse) r2 = NULL;

  r1 = kyso_http_request ("GET", "http://192.0.2.1/api", NULL, NULL, NULL, &with_token, NULL, &error);
  g_assert_null (r1);
  g_assert_error (error, KYSO_ERROR, KYSO_ERROR_INVALID_INPUT);
  g_assert_nonnull (strstr (error->message, "192.0.2.1"));
  g_assert_null (strstr (error->message, "secret"));
  g_clear_error (&error);
  r2 = kyso_http_request ("POST", "http://192.0.2.1/api", NULL, NULL, NULL, &required, NULL, &error);
  g_assert_null (r2);
  g_assert_error (error, KYSO_ERROR, KYSO_ERROR_INVALID_INPUT);
}

static gpointer
cancel_later (gpointer data)
{
  g_usleep (200 * 1000);
  g_cancellable_cancel (data);
  return NULL;
}

static void
test_cancel (Fixture *f, gconstpointer data)
{
  g_autofree char *u = url (f, "/slow");
  g_autoptr(GError) error = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  GThread *t = g_thread_new ("cancel", cancel_later, cancellable);
  gint64 start = g_get_monotonic_time ();
  g_autoptr(KysoHttpResponse) r = kyso_http_request ("GET", u, NULL, NULL, NULL, NULL, cancellable, &error);

  g_thread_join (t);
  g_assert_null (r);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  /* Cancelled well before the server's 3 s answer. */
  g_assert_cmpint (g_get_monotonic_time () - start, <, 2 * G_USEC_PER_SEC);
}

static void
test_refused (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocket) sock
             = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL);
  g_autoptr(GInetAddress) lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) addr = g_inet_socket_address_new (lo, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autofree char *u = NULL;
  g_autoptr(KysoHttpResponse) r = NULL;

  /* A port that is bound but not listening refuses connections. */
  g_assert_true (g_socket_bind (sock, addr, FALSE, NULL));
  bound = g_socket_get_local_address (sock, NULL);
  u = g_strdup_printf ("http://127.0.0.1:%u/",
                       g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)));
  r = kyso_http_request ("GET", u, NULL, NULL, NULL, NULL, NULL, &error);
  g_assert_null (r);
  g_assert_error (error, KYSO_ERROR, KYSO_ERROR_NETWORK);
  g_assert_nonnull (strstr (error->message, "127.0.0.1"));
}

static void
test_tls_untrusted (Fixture *f, gconstpointer data)
{
  g_autofree char *u = url (f, "/json");
  g_autoptr(GError) error = NULL;
  /* Without the test certificate as trust anchor the system store cannot vouch for it. */
  KysoHttpOptions opts = { .ca_file = "/etc/ssl/certs/ca-certificates.crt" };
  g_autoptr(KysoHttpResponse) r = kyso_http_request ("GET", u, NULL, NULL, NULL, &opts, NULL, &error);

  g_assert_null (r);
  g_assert_error (error, KYSO_ERROR, KYSO_ERROR_TLS);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/http/plain/json", Fixture, GINT_TO_POINTER (0), fixture_setup, test_json_roundtrip,
              fixture_teardown);
  g_test_add ("/http/plain/error-status", Fixture, GINT_TO_POINTER (0), fixture_setup, test_error_status,
              fixture_teardown);
  g_test_add ("/http/plain/not-json", Fixture, GINT_TO_POINTER (0), fixture_setup, test_not_json,
              fixture_teardown);
  g_test_add ("/http/plain/body-limit", Fixture, GINT_TO_POINTER (0), fixture_setup, test_body_limit,
              fixture_teardown);
  g_test_add ("/http/plain/cancel", Fixture, GINT_TO_POINTER (0), fixture_setup, test_cancel,
              fixture_teardown);
  g_test_add ("/http/plain/too-deep", Fixture, GINT_TO_POINTER (0), fixture_setup, test_too_deep,
              fixture_teardown);
  g_test_add_func ("/http/refused", test_refused);
  g_test_add_func ("/http/json-depth", test_json_depth);
  g_test_add_func ("/http/secure-url", test_secure_url);
  g_test_add_func ("/http/token-in-clear", test_token_in_clear);
  g_test_add ("/http/tls/json", Fixture, GINT_TO_POINTER (1), fixture_setup, test_json_roundtrip,
              fixture_teardown);
  g_test_add ("/http/tls/untrusted", Fixture, GINT_TO_POINTER (1), fixture_setup, test_tls_untrusted,
              fixture_teardown);
  return g_test_run ();
}
