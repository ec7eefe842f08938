/* Helpers shared by the sandbox's own tests (see test-sandbox-common.h). */

#include "test-sandbox-common.h"

#include <openssl/bn.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <openssl/x509_vfy.h>

KysoTestSandbox *sb;

/* --- running ---------------------------------------------------------------------------------- */

static void
reset_sandbox (void)
{
  /* Every test starts from: no fault, a phone that waits, the default lifetime. */
  control ("/control/fault", "{\"clear\": true}");
  control ("/phone/policy", "{\"policy\": \"ignore\"}");
  control ("/control/expiry", "{\"seconds\": 300}");
}

static void
run_one (gconstpointer data)
{
  const SandboxTest *test = data;

  reset_sandbox ();
  test->func ();
}

void
add_sandbox_tests (const SandboxTest *tests, gsize n)
{
  for (gsize i = 0; i < n; i++)
    g_test_add_data_func (tests[i].path, &tests[i], run_one);
}

int
run_with_sandbox (const char *const *extra_args)
{
  g_autoptr (GError) error = NULL;
  int status;

  sb = kyso_test_sandbox_start (extra_args, &error);
  g_assert_no_error (error);
  status = g_test_run ();
  kyso_test_sandbox_stop_check (g_steal_pointer (&sb), &error);
  g_assert_no_error (error);
  return status;
}

int
run_program (const char *const *argv, char **out)
{
  int wait_status = 0;
  g_autoptr (GError) error = NULL;

  if (!g_spawn_sync (NULL, (char **)argv, NULL,
                     G_SPAWN_SEARCH_PATH | (out == NULL ? G_SPAWN_STDOUT_TO_DEV_NULL : 0), NULL, NULL, out,
                     NULL, &wait_status, &error))
    return -1;
  if (WIFEXITED (wait_status))
    return WEXITSTATUS (wait_status);
  return -1;
}

/* --- HTTP ------------------------------------------------------------------------------------- */

KysoHttpOptions
options (const char *token)
{
  KysoHttpOptions o = { .ca_file = sb->ca_file, .timeout_seconds = 30, .bearer_token = token };
  return o;
}

JsonNode *
post_full (const char *base, const char *path, JsonObject *request, const char *token, guint *status,
           GError **error)
{
  g_autofree char *url = g_strconcat (base, path, NULL);
  KysoHttpOptions o = options (token);
  g_autoptr (JsonNode) node = NULL;

  if (request != NULL)
    {
      node = json_node_new (JSON_NODE_OBJECT);
      json_node_set_object (node, request);
    }
  return kyso_http_post_json (url, node, &o, status, NULL, error);
}

JsonNode *
post (const char *base, const char *path, JsonObject *request, const char *token, guint *status)
{
  g_autoptr (GError) error = NULL;
  JsonNode *answer = post_full (base, path, request, token, status, &error);

  g_assert_no_error (error);
  g_assert_nonnull (answer);
  return answer;
}

guint
raw_post (const char *base, const char *path, const char *body)
{
  g_autofree char *url = g_strconcat (base, path, NULL);
  KysoHttpOptions o = options (NULL);
  g_autoptr (GBytes) bytes = g_bytes_new (body, strlen (body));
  g_autoptr (GError) error = NULL;
  g_autoptr (KysoHttpResponse) r
             = kyso_http_request ("POST", url, NULL, bytes, "application/json", &o, NULL, &error);

  g_assert_no_error (error);
  return r->status;
}

JsonNode *
get_json (const char *path, guint *status)
{
  g_autofree char *url = g_strconcat (sb->base_url, path, NULL);
  KysoHttpOptions o = options (NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (KysoHttpResponse) r = kyso_http_request ("GET", url, NULL, NULL, NULL, &o, NULL, &error);
  JsonNode *node;

  g_assert_no_error (error);
  *status = r->status;
  node = kyso_json_parse_bytes (r->body, &error);
  g_assert_no_error (error);
  return node;
}

void
control (const char *path, const char *json)
{
  g_assert_cmpuint (raw_post (sb->base_url, path, json), ==, 200);
}

void
assert_member (JsonNode *node, const char *name, const char *value)
{
  g_assert_nonnull (node);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
  g_assert_cmpstr (json_object_get_string_member_with_default (json_node_get_object (node), name, NULL), ==,
                   value);
}

/* --- NEAC and the phone ----------------------------------------------------------------------- */

JsonObject *
neac_body (const char *cccd)
{
  JsonObject *o = json_object_new ();
  g_autofree char *id = new_transaction_id ();

  json_object_set_string_member (o, "sp_id", json_object_get_string_member (sb->info, "sp_id"));
  json_object_set_string_member (o, "sp_password", json_object_get_string_member (sb->info, "sp_password"));
  json_object_set_string_member (o, "user_id", cccd);
  json_object_set_string_member (o, "transaction_id", id);
  return o;
}

JsonObject *
neac_sign_body (const char *cccd, const char *transaction_id, GPtrArray *digests)
{
  JsonObject *o = neac_body (cccd);
  JsonArray *files = json_array_new ();

  json_object_set_string_member (o, "transaction_id", transaction_id);
  json_object_set_string_member (o, "transaction_desc", "Ký hồ sơ thử nghiệm");
  for (guint i = 0; i < digests->len; i++)
    {
      JsonObject *f = json_object_new ();
      gsize len = 0;
      const guchar *d = g_bytes_get_data (g_ptr_array_index (digests, i), &len);
      GString *hex = g_string_new (NULL);
      g_autofree char *doc = g_strdup_printf ("tệp-%u.pdf", i + 1);

      for (gsize k = 0; k < len; k++)
        g_string_append_printf (hex, "%02x", d[k]);
      json_object_set_string_member (f, "data_to_be_signed", hex->str);
      json_object_set_string_member (f, "doc_id", doc);
      json_object_set_string_member (f, "file_type", "pdf");
      json_object_set_string_member (f, "sign_type", "hash");
      json_array_add_object_element (files, f);
      g_string_free (hex, TRUE);
    }
  json_object_set_array_member (o, "sign_files", files);
  return o;
}

/* The gateway's own id for a transaction a test sent with @client_id (or @client_id itself). */
static char *
gateway_id (const char *client_id)
{
  guint status = 0;
  g_autoptr (JsonNode) list = get_json ("/phone/transactions", &status);
  JsonArray *array = json_object_get_array_member (json_node_get_object (list), "transactions");

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *t = json_array_get_object_element (array, i);
      if (g_strcmp0 (json_object_get_string_member_with_default (t, "client_id", NULL), client_id) == 0)
        return g_strdup (json_object_get_string_member (t, "id"));
    }
  return g_strdup (client_id);
}

/* The sp769 status answer has no "status": SUCCESS = data.signatures present; status_code 400
 * ends it (REJECTED / EXPIRED by the message the sandbox chose); any other 200 is PENDING. NULL
 * for any other answer. */
const char *
neac_status (const char *transaction_id, JsonNode **out)
{
  g_autoptr (JsonObject) req = neac_body (GOOD_CCCD);
  g_autofree char *id = gateway_id (transaction_id);
  g_autofree char *path = g_strdup_printf ("signatures/sign/%s/status", id);
  guint status = 0;
  g_autoptr (JsonNode) answer = NULL;
  const char *result = NULL;
  JsonObject *root;
  gint64 code;
  const char *message;

  json_object_remove_member (req, "user_id");
  json_object_remove_member (req, "transaction_id");
  answer = post (kyso_test_sandbox_get_url (sb, "neac"), path, req, NULL, &status);
  root = json_node_get_object (answer);
  code = json_object_get_int_member_with_default (root, "status_code", 0);
  message = json_object_get_string_member_with_default (root, "message", "");
  g_assert_false (json_object_has_member (root, "status"));
  if (status == 200 && code == 200)
    {
      JsonNode *data = json_object_get_member (root, "data");
      JsonObject *d = data != NULL && JSON_NODE_HOLDS_OBJECT (data) ? json_node_get_object (data) : NULL;
      g_assert_nonnull (d);
      g_assert_false (json_object_has_member (d, "status"));
      result = json_object_has_member (d, "signatures") ? "SUCCESS" : "PENDING";
    }
  else if (code == 400 && strstr (message, "reject") != NULL)
    result = "REJECTED";
  else if (code == 400 && strstr (message, "expire") != NULL)
    result = "EXPIRED";
  if (out != NULL)
    *out = g_steal_pointer (&answer);
  return result;
}

guint
phone_action (const char *id, const char *action)
{
  g_autofree char *path = g_strdup_printf ("/phone/%s/%s", id, action);
  return raw_post (sb->base_url, path, "{}");
}

guint
count_transactions (const char *id)
{
  guint status = 0, count = 0;
  g_autoptr (JsonNode) list = get_json ("/phone/transactions", &status);
  JsonArray *array = json_object_get_array_member (json_node_get_object (list), "transactions");

  g_assert_cmpuint (status, ==, 200);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *t = json_array_get_object_element (array, i);
      count += g_strcmp0 (json_object_get_string_member (t, "id"), id) == 0
               || g_strcmp0 (json_object_get_string_member_with_default (t, "client_id", NULL), id) == 0;
    }
  return count;
}

GPtrArray *
make_digests (guint n)
{
  GPtrArray *digests = g_ptr_array_new_with_free_func ((GDestroyNotify)g_bytes_unref);

  for (guint i = 0; i < n; i++)
    {
      guchar random[64], md[32];
      RAND_bytes (random, sizeof random);
      EVP_Digest (random, sizeof random, md, NULL, EVP_sha256 (), NULL);
      g_ptr_array_add (digests, g_bytes_new (md, sizeof md));
    }
  return digests;
}

char *
new_transaction_id (void)
{
  guchar random[8];

  RAND_bytes (random, sizeof random);
  return g_strdup_printf ("test-%02x%02x%02x%02x%02x%02x%02x%02x", random[0], random[1], random[2], random[3],
                          random[4], random[5], random[6], random[7]);
}

/* --- CSC -------------------------------------------------------------------------------------- */

char *
csc_login (const char *base, const char *cccd, const char *password)
{
  JsonObject *c = kyso_test_sandbox_get_citizen (sb, cccd);
  g_autofree char *pair
    = g_strdup_printf ("%s:%s", json_object_get_string_member (c, "username"),
                       password != NULL ? password : json_object_get_string_member (c, "password"));
  g_autofree char *b64 = g_base64_encode ((const guchar *)pair, strlen (pair));
  g_autofree char *auth = g_strconcat ("Authorization: Basic ", b64, NULL);
  const char *headers[] = { auth, NULL };
  g_autofree char *url = g_strconcat (base, "auth/login", NULL);
  KysoHttpOptions o = options (NULL);
  g_autoptr (GBytes) body = g_bytes_new_static ("{}", 2);
  g_autoptr (GError) error = NULL;
  g_autoptr (KysoHttpResponse) r
             = kyso_http_request ("POST", url, headers, body, "application/json", &o, NULL, &error);
  g_autoptr (JsonNode) node = NULL;

  g_assert_no_error (error);
  node = kyso_json_parse_bytes (r->body, &error);
  g_assert_no_error (error);
  if (r->status == 401)
    {
      assert_member (node, "error", "unauthorized_client");
      return NULL;
    }
  g_assert_cmpuint (r->status, ==, 200);
  return g_strdup (json_object_get_string_member (json_node_get_object (node), "access_token"));
}

static JsonArray *
b64_array (GPtrArray *digests)
{
  JsonArray *array = json_array_new ();

  for (guint i = 0; i < digests->len; i++)
    {
      gsize len = 0;
      const guchar *d = g_bytes_get_data (g_ptr_array_index (digests, i), &len);
      g_autofree char *b64 = g_base64_encode (d, len);
      json_array_add_string_element (array, b64);
    }
  return array;
}

char *
csc_authorize (const char *base, const char *token, const char *credential, GPtrArray *digests, gboolean v2)
{
  g_autoptr (JsonObject) req = json_object_new ();
  g_autoptr (JsonNode) answer = NULL;
  guint status = 0;

  json_object_set_string_member (req, "credentialID", credential);
  json_object_set_int_member (req, "numSignatures", digests->len);
  json_object_set_array_member (req, v2 ? "hashes" : "hash", b64_array (digests));
  json_object_set_string_member (req, "hashAlgorithmOID", "2.16.840.1.101.3.4.2.1");
  answer = post (base, "credentials/authorize", req, token, &status);
  g_assert_cmpuint (status, ==, 200);
  return g_strdup (json_object_get_string_member (json_node_get_object (answer), "SAD"));
}

JsonObject *
csc_sign_body (const char *credential, const char *sad, GPtrArray *digests, gboolean v2)
{
  JsonObject *req = json_object_new ();

  json_object_set_string_member (req, "credentialID", credential);
  json_object_set_string_member (req, "SAD", sad);
  json_object_set_array_member (req, v2 ? "hashes" : "hash", b64_array (digests));
  json_object_set_string_member (req, v2 ? "hashAlgorithmOID" : "hashAlgo", "2.16.840.1.101.3.4.2.1");
  json_object_set_string_member (req, "signAlgo", "1.2.840.113549.1.1.1");
  json_object_set_string_member (req, "clientData", "Ký hồ sơ thử nghiệm");
  return req;
}

JsonNode *
csc_poll (const char *base, const char *token, const char *response_id, guint *status)
{
  g_autoptr (JsonObject) req = json_object_new ();

  json_object_set_string_member (req, "responseID", response_id);
  return post (base, "signatures/signPolling", req, token, status);
}

void
assert_signatures (JsonNode *answer, X509 *cert, GPtrArray *digests)
{
  JsonArray *sigs = json_object_get_array_member (json_node_get_object (answer), "signatures");

  g_assert_cmpuint (json_array_get_length (sigs), ==, digests->len);
  for (guint i = 0; i < digests->len; i++)
    g_assert_true (
      verify_raw (cert, g_ptr_array_index (digests, i), json_array_get_string_element (sigs, i)));
}

/* --- OpenSSL ---------------------------------------------------------------------------------- */

X509 *
load_pem_cert (const char *path)
{
  BIO *bio = BIO_new_file (path, "r");
  X509 *cert;

  g_assert_nonnull (bio);
  cert = PEM_read_bio_X509 (bio, NULL, NULL, NULL);
  BIO_free (bio);
  g_assert_nonnull (cert);
  return cert;
}

X509 *
der_b64_cert (const char *b64)
{
  gsize len = 0;
  g_autofree guchar *der = g_base64_decode (b64, &len);
  const guchar *p = der;
  X509 *cert = d2i_X509 (NULL, &p, (long)len);

  g_assert_nonnull (cert);
  return cert;
}

X509 *
citizen_cert (const char *cccd)
{
  return load_pem_cert (
    json_object_get_string_member (kyso_test_sandbox_get_citizen (sb, cccd), "cert_file"));
}

char *
name_utf8 (const X509_NAME *name)
{
  BIO *bio = BIO_new (BIO_s_mem ());
  char *data = NULL;
  long len;
  char *result;

  X509_NAME_print_ex (
    bio, name, 0, (XN_FLAG_SEP_CPLUS_SPC | XN_FLAG_DN_REV | ASN1_STRFLGS_RFC2253) & ~ASN1_STRFLGS_ESC_MSB);
  len = BIO_get_mem_data (bio, &data);
  result = g_strndup (data, len);
  BIO_free (bio);
  return result;
}

char *
serial_hex (X509 *cert)
{
  BIGNUM *bn = ASN1_INTEGER_to_BN (X509_get0_serialNumber (cert), NULL);
  char *hex = BN_bn2hex (bn);
  char *result = g_strdup (hex);

  OPENSSL_free (hex);
  BN_free (bn);
  return result;
}

int
verify_chain (X509 *cert, const char *provider_id)
{
  g_autofree char *ca_name = g_strconcat (provider_id, ".pem", NULL);
  g_autofree char *ca_path = g_build_filename (sb->dir, "ca", ca_name, NULL);
  X509_STORE *store = X509_STORE_new ();
  X509_STORE_CTX *ctx = X509_STORE_CTX_new ();
  STACK_OF (X509) *untrusted = sk_X509_new_null ();
  X509 *root = load_pem_cert (sb->ca_file);
  X509 *ca = load_pem_cert (ca_path);
  int result;

  X509_STORE_add_cert (store, root);
  sk_X509_push (untrusted, ca);
  X509_STORE_CTX_init (ctx, store, cert, untrusted);
  result = X509_verify_cert (ctx) == 1 ? X509_V_OK : X509_STORE_CTX_get_error (ctx);
  X509_STORE_CTX_free (ctx);
  sk_X509_pop_free (untrusted, X509_free);
  X509_free (root);
  X509_STORE_free (store);
  return result;
}

gboolean
verify_raw (X509 *cert, GBytes *digest, const char *signature_b64)
{
  gsize sig_len = 0, dlen = 0;
  g_autofree guchar *sig = g_base64_decode (signature_b64, &sig_len);
  const guchar *d = g_bytes_get_data (digest, &dlen);
  EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new (X509_get0_pubkey (cert), NULL);
  int rc;

  /* Raw RSASSA-PKCS1-v1_5 over a SHA-256 digest: OpenSSL adds and checks the DigestInfo. */
  g_assert_cmpint (EVP_PKEY_verify_init (ctx), ==, 1);
  g_assert_cmpint (EVP_PKEY_CTX_set_rsa_padding (ctx, RSA_PKCS1_PADDING), ==, 1);
  g_assert_cmpint (EVP_PKEY_CTX_set_signature_md (ctx, EVP_sha256 ()), ==, 1);
  rc = EVP_PKEY_verify (ctx, sig, sig_len, d, dlen);
  EVP_PKEY_CTX_free (ctx);
  return rc == 1;
}
