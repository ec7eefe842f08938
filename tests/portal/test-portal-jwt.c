/* ID token verification (signature with the JWKS, iss, aud/azp, exp, iat, nonce, sub; refusal of
 * "none", HS256 and short keys) with tokens made here by OpenSSL, base64url, and the loopback
 * redirect receiver (404 for other paths, state, error answers, RFC 9207 iss, deadline, cancel). */
#include "config.h"

#include "kyso-error.h"
#include "kyso-jwt.h"
#include "kyso-oidc-loopback.h"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <string.h>

#define ISSUER "https://sso.example.vn/auth/realms/digo"
#define CLIENT "web-padsvc"

static EVP_PKEY *key2048;
static EVP_PKEY *key1024;

static EVP_PKEY *
make_key (unsigned int bits)
{
  EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name (NULL, "RSA", NULL);
  EVP_PKEY *key = NULL;

  g_assert_nonnull (ctx);
  g_assert_cmpint (EVP_PKEY_keygen_init (ctx), ==, 1);
  g_assert_cmpint (EVP_PKEY_CTX_set_rsa_keygen_bits (ctx, (int)bits), ==, 1);
  g_assert_cmpint (EVP_PKEY_generate (ctx, &key), ==, 1);
  EVP_PKEY_CTX_free (ctx);
  return key;
}

static char *
bn_b64url (EVP_PKEY *key, const char *name)
{
  BIGNUM *bn = NULL;
  guint8 buf[512];
  int n;
  char *out;

  g_assert_cmpint (EVP_PKEY_get_bn_param (key, name, &bn), ==, 1);
  n = BN_bn2bin (bn, buf);
  out = kyso_base64url_encode (buf, (gsize)n);
  BN_free (bn);
  return out;
}

static JsonNode *
jwks_of (EVP_PKEY *key, const char *kid)
{
  g_autofree char *n = bn_b64url (key, OSSL_PKEY_PARAM_RSA_N);
  g_autofree char *e = bn_b64url (key, OSSL_PKEY_PARAM_RSA_E);
  g_autofree char *text
    = g_strdup_printf ("{\"keys\": [{\"kty\": \"RSA\", \"use\": \"sig\", \"alg\": \"RS256\","
                       " \"kid\": \"%s\", \"n\": \"%s\", \"e\": \"%s\"},"
                       " {\"kty\": \"EC\", \"kid\": \"other\", \"crv\": \"P-256\"}]}",
                       kid, n, e);
  return json_from_string (text, NULL);
}

static char *
b64url_text (const char *text)
{
  return kyso_base64url_encode ((const guint8 *)text, strlen (text));
}

/* header and claims as JSON texts; signed with @key (NULL = an empty signature). */
static char *
make_jwt (const char *header, const char *claims, EVP_PKEY *key)
{
  g_autofree char *h = b64url_text (header);
  g_autofree char *c = b64url_text (claims);
  g_autofree char *input = g_strdup_printf ("%s.%s", h, c);
  g_autofree char *s = NULL;
  guint8 sig[512];
  size_t sig_len = sizeof sig;

  if (key != NULL)
    {
      EVP_MD_CTX *md = EVP_MD_CTX_new ();
      g_assert_cmpint (EVP_DigestSignInit (md, NULL, EVP_sha256 (), NULL, key), ==, 1);
      g_assert_cmpint (EVP_DigestSign (md, sig, &sig_len, (const guint8 *)input, strlen (input)), ==, 1);
      EVP_MD_CTX_free (md);
      s = kyso_base64url_encode (sig, sig_len);
    }
  else
    s = g_strdup ("");
  return g_strdup_printf ("%s.%s", input, s);
}

static char *
claims_json (const char *iss, const char *aud_json, gint64 exp_delta, gint64 iat_delta, const char *nonce,
             const char *extra)
{
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  return g_strdup_printf ("{\"iss\": \"%s\", \"sub\": \"f3a1\", \"aud\": %s, \"exp\": %" G_GINT64_FORMAT ","
                          " \"iat\": %" G_GINT64_FORMAT ", \"nonce\": \"%s\", \"name\": \"Nguyễn Văn An\"%s}",
                          iss, aud_json, now + exp_delta, now + iat_delta, nonce, extra ? extra : "");
}

static JsonNode *
verify (const char *jwt, JsonNode *jwks, const char *nonce, GError **error)
{
  KysoJwtCheck check = { .issuer = ISSUER, .audience = CLIENT, .nonce = nonce };

  return kyso_jwt_verify (jwt, jwks, &check, error);
}

#define RS256 "{\"alg\": \"RS256\", \"typ\": \"JWT\", \"kid\": \"k1\"}"

static void
test_valid (void)
{
  g_autoptr (JsonNode) jwks = jwks_of (key2048, "k1");
  g_autofree char *claims = claims_json (ISSUER, "\"" CLIENT "\"", 300, 0, "n-123", NULL);
  g_autofree char *jwt = make_jwt (RS256, claims, key2048);
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) verified = verify (jwt, jwks, "n-123", &error);
  g_autofree char *kid = kyso_jwt_dup_kid (jwt);

  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (verified), "name"), ==,
                   "Nguyễn Văn An");
  g_assert_cmpstr (kid, ==, "k1");
  /* Several audiences: fine when azp names us. */
  {
    g_autofree char *c2
      = claims_json (ISSUER, "[\"" CLIENT "\", \"account\"]", 300, 0, "n-123", ", \"azp\": \"" CLIENT "\"");
    g_autofree char *j2 = make_jwt (RS256, c2, key2048);
    g_autoptr (JsonNode) v2 = verify (j2, jwks, NULL, &error);
    g_assert_no_error (error);
    g_assert_nonnull (v2);
  }
  /* No kid: the one RSA key of the set is used. */
  {
    g_autofree char *j3 = make_jwt ("{\"alg\": \"RS256\"}", claims, key2048);
    g_autoptr (JsonNode) v3 = verify (j3, jwks, "n-123", &error);
    g_assert_no_error (error);
    g_assert_nonnull (v3);
  }
}

static void
expect_refused (const char *jwt, JsonNode *jwks, const char *nonce, int code)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) node = verify (jwt, jwks, nonce, &error);

  g_assert_error (error, KYSO_ERROR, code);
  g_assert_null (node);
}

static void
test_refused (void)
{
  g_autoptr (JsonNode) jwks = jwks_of (key2048, "k1");
  g_autoptr (JsonNode) small = jwks_of (key1024, "k1");
  g_autofree char *good = claims_json (ISSUER, "\"" CLIENT "\"", 300, 0, "n-123", NULL);
  g_autofree char *jwt = make_jwt (RS256, good, key2048);
  g_autofree char *flipped = g_strdup (jwt);
  char *last = flipped + strlen (flipped) - 2;

  /* A changed signature, a changed payload. */
  *last = *last == 'A' ? 'B' : 'A';
  expect_refused (flipped, jwks, "n-123", KYSO_ERROR_AUTH);
  {
    g_autofree char *other = claims_json (ISSUER, "\"" CLIENT "\"", 300, 0, "n-456", NULL);
    g_autofree char *forged = make_jwt (RS256, other, key2048);
    g_auto (GStrv) a = g_strsplit (jwt, ".", 3);
    g_auto (GStrv) b = g_strsplit (forged, ".", 3);
    g_autofree char *mixed = g_strdup_printf ("%s.%s.%s", a[0], b[1], a[2]);
    expect_refused (mixed, jwks, NULL, KYSO_ERROR_AUTH);
  }
  /* The nonce of another login. */
  expect_refused (jwt, jwks, "n-999", KYSO_ERROR_AUTH);

  /* Claims. */
#define REFUSE_CLAIMS(iss, aud, exp, iat, extra)                                                             \
  {                                                                                                          \
    g_autofree char *c = claims_json (iss, aud, exp, iat, "n-123", extra);                                   \
    g_autofree char *j = make_jwt (RS256, c, key2048);                                                       \
    expect_refused (j, jwks, "n-123", KYSO_ERROR_AUTH);                                                      \
  }
  REFUSE_CLAIMS ("https://evil.example/auth/realms/digo", "\"" CLIENT "\"", 300, 0, NULL);
  REFUSE_CLAIMS (ISSUER, "\"another-client\"", 300, 0, NULL);
  REFUSE_CLAIMS (ISSUER, "[\"another-client\"]", 300, 0, NULL);
  REFUSE_CLAIMS (ISSUER, "[\"" CLIENT "\", \"account\"]", 300, 0, ", \"azp\": \"account\"");
  REFUSE_CLAIMS (ISSUER, "\"" CLIENT "\"", -120, -400, NULL); /* expired */
  REFUSE_CLAIMS (ISSUER, "\"" CLIENT "\"", 900, 600, NULL);   /* issued in the future */
  REFUSE_CLAIMS (ISSUER, "\"" CLIENT "\"", 300, 0, ", \"nbf\": 99999999999");
#undef REFUSE_CLAIMS
  {
    g_autofree char *c = g_strdup_printf (
      "{\"iss\": \"%s\", \"aud\": \"%s\", \"exp\": %" G_GINT64_FORMAT ", \"iat\": %" G_GINT64_FORMAT "}",
      ISSUER, CLIENT, g_get_real_time () / G_USEC_PER_SEC + 300, g_get_real_time () / G_USEC_PER_SEC);
    g_autofree char *j = make_jwt (RS256, c, key2048);
    expect_refused (j, jwks, NULL, KYSO_ERROR_AUTH); /* no subject */
  }

  /* Algorithms that must never pass, a short key, an unknown key. */
  {
    g_autofree char *none = make_jwt ("{\"alg\": \"none\", \"kid\": \"k1\"}", good, NULL);
    g_autofree char *hs = make_jwt ("{\"alg\": \"HS256\", \"kid\": \"k1\"}", good, key2048);
    g_autofree char *weak = make_jwt (RS256, good, key1024);
    g_autofree char *unknown = make_jwt ("{\"alg\": \"RS256\", \"kid\": \"k2\"}", good, key2048);
    expect_refused (none, jwks, "n-123", KYSO_ERROR_AUTH);
    expect_refused (hs, jwks, "n-123", KYSO_ERROR_AUTH);
    expect_refused (weak, small, "n-123", KYSO_ERROR_AUTH);
    expect_refused (unknown, jwks, "n-123", KYSO_ERROR_NOT_FOUND);
  }
  /* Not a JWT. */
  expect_refused ("abc.def", jwks, NULL, KYSO_ERROR_AUTH);
  expect_refused ("a$c.d*f.g!h", jwks, NULL, KYSO_ERROR_AUTH);
  expect_refused ("e30.e30.", jwks, NULL, KYSO_ERROR_AUTH); /* {} header: no alg */
}

static void
test_base64url (void)
{
  static const guint8 data[] = { 0xfb, 0xff, 0xbf, 0x00, 0x3e, 0x3f };
  g_autofree char *text = kyso_base64url_encode (data, sizeof data);
  g_autoptr (GBytes) back = kyso_base64url_decode (text, -1);
  g_autoptr (GBytes) bad = kyso_base64url_decode ("ab+c", -1);
  g_autoptr (GBytes) bad_len = kyso_base64url_decode ("abcde", -1);

  g_assert_cmpstr (text, ==, "-_-_AD4_");
  g_assert_cmpmem (g_bytes_get_data (back, NULL), g_bytes_get_size (back), data, sizeof data);
  g_assert_null (bad);
  g_assert_null (bad_len);
}

/* ---- loopback ---- */

typedef struct
{
  char *uri;
  GPtrArray *paths;   /* requests to send, one connection each */
  GPtrArray *answers; /* status lines received */
} Client;

static gpointer
client_thread (gpointer data)
{
  Client *c = data;
  g_autoptr (GUri) uri = g_uri_parse (c->uri, G_URI_FLAGS_NONE, NULL);

  for (guint i = 0; i < c->paths->len; i++)
    {
      g_autoptr (GSocketClient) client = g_socket_client_new ();
      g_autoptr (GSocketConnection) conn = g_socket_client_connect_to_host (
        client, "127.0.0.1", (guint16)g_uri_get_port (uri), NULL, NULL);
      g_autofree char *request = g_strdup_printf ("GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
                                                  (char *)g_ptr_array_index (c->paths, i));
      g_autoptr (GDataInputStream) in = NULL;
      char *status;

      g_assert_nonnull (conn);
      g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (conn)), request,
                                 strlen (request), NULL, NULL, NULL);
      in = g_data_input_stream_new (g_io_stream_get_input_stream (G_IO_STREAM (conn)));
      status = g_data_input_stream_read_line (in, NULL, NULL, NULL);
      g_ptr_array_add (c->answers, status != NULL ? g_strstrip (status) : g_strdup ("(none)"));
    }
  return NULL;
}

static char *
wait_with (const char *const *paths, const char *state, char **out_iss, GPtrArray *answers, GError **error)
{
  g_autoptr (KysoLoopback) lb = kyso_loopback_new ("http://127.0.0.1/callback", error);
  Client c = { 0 };
  GThread *thread;
  char *code;

  g_assert_nonnull (lb);
  g_assert_true (g_str_has_prefix (kyso_loopback_get_redirect_uri (lb), "http://127.0.0.1:"));
  c.uri = (char *)kyso_loopback_get_redirect_uri (lb);
  c.paths = g_ptr_array_new ();
  c.answers = answers;
  for (gsize i = 0; paths[i] != NULL; i++)
    g_ptr_array_add (c.paths, (char *)paths[i]);
  thread = g_thread_new ("client", client_thread, &c);
  code = kyso_loopback_wait (lb, state, g_get_monotonic_time () + 10 * G_USEC_PER_SEC, out_iss, NULL, error);
  g_thread_join (thread);
  g_ptr_array_unref (c.paths);
  return code;
}

static void
test_loopback (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) answers = g_ptr_array_new_with_free_func (g_free);
  const char *ok_paths[]
    = { "/favicon.ico", "/callback?code=abc%2F1&state=s-1&iss=https%3A%2F%2Fsso.example.vn", NULL };
  /* Answers that are not this login's (another or no state) are refused and the wait goes on. */
  const char *stray[] = { "/callback?code=abc&state=forged", "/callback?code=abc",
                          "/callback?error=access_denied", "/callback?code=right&state=s-1", NULL };
  const char *refused[] = { "/callback?error=access_denied&state=s-1", NULL };
  g_autofree char *iss = NULL;
  g_autofree char *code = wait_with (ok_paths, "s-1", &iss, answers, &error);
  g_autofree char *right = NULL;
  char *none;

  g_assert_no_error (error);
  g_assert_cmpstr (code, ==, "abc/1");
  g_assert_cmpstr (iss, ==, "https://sso.example.vn");
  g_assert_cmpstr (g_ptr_array_index (answers, 0), ==, "HTTP/1.1 404 Not Found");
  g_assert_cmpstr (g_ptr_array_index (answers, 1), ==, "HTTP/1.1 200 OK");

  g_ptr_array_set_size (answers, 0);
  right = wait_with (stray, "s-1", NULL, answers, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (right, ==, "right");
  g_assert_cmpuint (answers->len, ==, 4);
  for (guint i = 0; i < 3; i++)
    g_assert_cmpstr (g_ptr_array_index (answers, i), ==, "HTTP/1.1 400 Bad Request");
  g_assert_cmpstr (g_ptr_array_index (answers, 3), ==, "HTTP/1.1 200 OK");

  g_ptr_array_set_size (answers, 0);
  none = wait_with (refused, "s-1", NULL, answers, &error);
  g_assert_error (error, KYSO_ERROR, KYSO_ERROR_AUTH);
  g_assert_null (none);
}

typedef struct
{
  guint16 port;
  char *status;
} Idle;

/* A browser's pre-connection that sends nothing, held open, then the real answer on a second
 * connection: it must not wait for the first one. */
static gpointer
idle_then_answer (gpointer data)
{
  Idle *idle = data;
  g_autoptr (GSocketClient) client = g_socket_client_new ();
  g_autoptr (GSocketConnection) silent
             = g_socket_client_connect_to_host (client, "127.0.0.1", idle->port, NULL, NULL);
  g_autoptr (GSocketConnection) conn
             = g_socket_client_connect_to_host (client, "127.0.0.1", idle->port, NULL, NULL);
  const char *request = "GET /callback?code=c2&state=s-2 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
  g_autoptr (GDataInputStream) in = NULL;

  g_assert_nonnull (silent);
  g_assert_nonnull (conn);
  g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (conn)), request, strlen (request),
                             NULL, NULL, NULL);
  in = g_data_input_stream_new (g_io_stream_get_input_stream (G_IO_STREAM (conn)));
  idle->status = g_data_input_stream_read_line (in, NULL, NULL, NULL);
  return NULL;
}

static void
test_loopback_connections (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (KysoLoopback) lb = kyso_loopback_new ("http://127.0.0.1/callback", &error);
  g_autoptr (GUri) uri = NULL;
  g_autofree char *code = NULL;
  gint64 start = g_get_monotonic_time ();
  Idle idle = { 0 };
  GThread *thread;

  g_assert_no_error (error);
  uri = g_uri_parse (kyso_loopback_get_redirect_uri (lb), G_URI_FLAGS_NONE, NULL);
  idle.port = (guint16)g_uri_get_port (uri);
  thread = g_thread_new ("idle", idle_then_answer, &idle);
  code = kyso_loopback_wait (lb, "s-2", g_get_monotonic_time () + 30 * G_USEC_PER_SEC, NULL, NULL, &error);
  g_thread_join (thread);
  g_assert_no_error (error);
  g_assert_cmpstr (code, ==, "c2");
  g_assert_cmpstr (g_strstrip (idle.status), ==, "HTTP/1.1 200 OK");
  /* Well before the idle connection's 10 s. */
  g_assert_cmpint (g_get_monotonic_time () - start, <, 5 * G_USEC_PER_SEC);
  g_free (idle.status);

  /* The registered redirect must be a loopback one. */
  g_assert_null (kyso_loopback_new ("https://dichvucong.quangngai.gov.vn/", &error));
  g_assert_error (error, KYSO_ERROR, KYSO_ERROR_INVALID_INPUT);
}

static gpointer
cancel_thread (gpointer data)
{
  g_usleep (200 * 1000);
  g_cancellable_cancel (data);
  return NULL;
}

static void
test_loopback_deadline_and_cancel (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (KysoLoopback) lb = kyso_loopback_new ("http://127.0.0.1/callback", &error);
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  GThread *thread;
  char *code;

  g_assert_no_error (error);
  code = kyso_loopback_wait (lb, "s", g_get_monotonic_time () + G_USEC_PER_SEC / 2, NULL, NULL, &error);
  g_assert_error (error, KYSO_ERROR, KYSO_ERROR_EXPIRED);
  g_assert_null (code);
  g_clear_error (&error);

  thread = g_thread_new ("cancel", cancel_thread, cancellable);
  code
    = kyso_loopback_wait (lb, "s", g_get_monotonic_time () + 30 * G_USEC_PER_SEC, NULL, cancellable, &error);
  g_thread_join (thread);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (code);
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  key2048 = make_key (2048);
  key1024 = make_key (1024);
  g_test_add_func ("/portal/jwt/valid", test_valid);
  g_test_add_func ("/portal/jwt/refused", test_refused);
  g_test_add_func ("/portal/jwt/base64url", test_base64url);
  g_test_add_func ("/portal/loopback/answers", test_loopback);
  g_test_add_func ("/portal/loopback/connections", test_loopback_connections);
  g_test_add_func ("/portal/loopback/deadline-and-cancel", test_loopback_deadline_and_cancel);
  status = g_test_run ();
  EVP_PKEY_free (key2048);
  EVP_PKEY_free (key1024);
  return status;
}
