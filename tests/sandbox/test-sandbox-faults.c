/* Integration tests of kyso-sandbox: every fault mode, the TSA (checked by `openssl ts -verify`), the
 * OCSP responder (checked by `openssl ocsp` and OpenSSL's API), the two command-line tools, and a
 * restart in the same state dir. */

#include "test-sandbox-common.h"

#include <openssl/ocsp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

static JsonNode *
get_certificate (const char *cccd, guint *status, GError **error)
{
  g_autoptr (JsonObject) req = neac_body (cccd);
  return post_full (kyso_test_sandbox_get_url (sb, "neac"), "credentials/get_certificate", req, NULL, status,
                    error);
}

static X509 *
served_cert (JsonNode *answer)
{
  JsonObject *data = json_object_get_object_member (json_node_get_object (answer), "data");
  /* [0] is the organisation seal, [1] the citizen's certificate. */
  JsonObject *c = json_array_get_object_element (json_object_get_array_member (data, "user_certificates"), 1);
  return der_b64_cert (json_object_get_string_member (c, "cert_data"));
}

static void
test_http500 (void)
{
  g_autoptr (GError) error = NULL;
  guint status = 0;
  g_autoptr (JsonNode) answer = NULL;

  control ("/control/fault", "{\"fault\": \"http500\"}");
  /* Once per kind: the first request fails, the retry succeeds; another kind fails once too. */
  answer = get_certificate (GOOD_CCCD, &status, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (status, ==, 500);
  assert_member (answer, "message", "internal_error");
  g_clear_pointer (&answer, json_node_unref);
  answer = get_certificate (GOOD_CCCD, &status, &error);
  g_assert_cmpuint (status, ==, 200);
  g_clear_pointer (&answer, json_node_unref);
  answer = post (kyso_test_sandbox_get_url (sb, "csc"), "info", NULL, NULL, &status);
  g_assert_cmpuint (status, ==, 500);
  assert_member (answer, "error", "server_error");
  g_clear_pointer (&answer, json_node_unref);
  answer = post (kyso_test_sandbox_get_url (sb, "csc"), "info", NULL, NULL, &status);
  g_assert_cmpuint (status, ==, 200);

  /* Always: every request. The phone and control endpoints never fail. */
  control ("/control/fault", "{\"fault\": \"http500-always\"}");
  for (int i = 0; i < 3; i++)
    {
      g_clear_pointer (&answer, json_node_unref);
      answer = get_certificate (GOOD_CCCD, &status, &error);
      g_assert_cmpuint (status, ==, 500);
    }
  control ("/phone/policy", "{\"policy\": \"ignore\"}");
}

static void
test_slow (void)
{
  g_autoptr (GError) error = NULL;
  guint status = 0;
  g_autoptr (JsonNode) answer = NULL;
  gint64 start;

  control ("/control/fault", "{\"fault\": \"slow=1\"}");
  start = g_get_monotonic_time ();
  answer = get_certificate (GOOD_CCCD, &status, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpint (g_get_monotonic_time () - start, >=, 950 * 1000);

  /* A client with a shorter timeout gives up. */
  {
    g_autofree char *url = g_strconcat (kyso_test_sandbox_get_url (sb, "csc"), "info", NULL);
    KysoHttpOptions o = { .ca_file = sb->ca_file, .timeout_seconds = 1 };
    g_autoptr (GBytes) body = g_bytes_new_static ("{}", 2);
    control ("/control/fault", "{\"fault\": \"slow=3\"}");
    g_assert_null (kyso_http_request ("POST", url, NULL, body, "application/json", &o, NULL, &error));
    g_assert_error (error, KYSO_ERROR, KYSO_ERROR_NETWORK);
  }
}

static void
test_drop (void)
{
  g_autoptr (GError) error = NULL;
  guint status = 0;
  g_autoptr (JsonNode) answer = NULL;
  g_autoptr (GPtrArray) digests = make_digests (1);
  g_autofree char *id = new_transaction_id ();
  g_autoptr (JsonObject) sign = neac_sign_body (GOOD_CCCD, id, digests);

  control ("/control/fault", "{\"fault\": \"drop\"}");
  answer = get_certificate (GOOD_CCCD, &status, &error);
  g_assert_null (answer);
  g_assert_error (error, KYSO_ERROR, KYSO_ERROR_NETWORK);
  g_clear_error (&error);
  answer = get_certificate (GOOD_CCCD, &status, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (status, ==, 200);

  /* The sign was processed though its answer was lost; the retry finds the same transaction. */
  g_clear_pointer (&answer, json_node_unref);
  answer = post_full (kyso_test_sandbox_get_url (sb, "neac"), "signatures/sign", sign, NULL, &status, &error);
  g_assert_error (error, KYSO_ERROR, KYSO_ERROR_NETWORK);
  g_clear_error (&error);
  g_assert_cmpuint (count_transactions (id), ==, 1);
  answer = post (kyso_test_sandbox_get_url (sb, "neac"), "signatures/sign", sign, NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  assert_member (answer, "message", "sig_wait_for_user_confirm");
  g_assert_cmpuint (count_transactions (id), ==, 1);

  /* drop-always: every answer is cut. */
  control ("/control/fault", "{\"fault\": \"drop-always\"}");
  for (int i = 0; i < 2; i++)
    {
      g_clear_pointer (&answer, json_node_unref);
      answer = get_certificate (GOOD_CCCD, &status, &error);
      g_assert_error (error, KYSO_ERROR, KYSO_ERROR_NETWORK);
      g_clear_error (&error);
    }
}

static void
test_badjson (void)
{
  g_autoptr (GError) error = NULL;
  guint status = 0;
  g_autoptr (JsonNode) answer = NULL;

  control ("/control/fault", "{\"fault\": \"badjson\"}");
  answer = get_certificate (GOOD_CCCD, &status, &error);
  g_assert_null (answer);
  g_assert_error (error, KYSO_ERROR, KYSO_ERROR_SERVER);
  g_clear_error (&error);
  answer = post_full (kyso_test_sandbox_get_url (sb, "csc"), "info", NULL, NULL, &status, &error);
  g_assert_error (error, KYSO_ERROR, KYSO_ERROR_SERVER);
  g_clear_error (&error);
  control ("/control/fault", "{\"fault\": \"badjson\", \"enabled\": false}");
  answer = get_certificate (GOOD_CCCD, &status, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (status, ==, 200);
}

static void
test_badsig (void)
{
  g_autoptr (GPtrArray) digests = make_digests (2);
  g_autofree char *id = new_transaction_id ();
  g_autoptr (JsonObject) sign = neac_sign_body (GOOD_CCCD, id, digests);
  g_autoptr (JsonNode) answer = NULL;
  g_autoptr (X509) cert = citizen_cert (GOOD_CCCD);
  JsonArray *sigs;
  guint status = 0;

  control ("/control/fault", "{\"fault\": \"badsig\"}");
  answer = post (kyso_test_sandbox_get_url (sb, "neac"), "signatures/sign", sign, NULL, &status);
  g_assert_cmpuint (phone_action (id, "approve"), ==, 200);
  g_clear_pointer (&answer, json_node_unref);
  g_assert_cmpstr (neac_status (id, &answer), ==, "SUCCESS");
  sigs = json_object_get_array_member (json_object_get_object_member (json_node_get_object (answer), "data"),
                                       "signatures");
  for (guint i = 0; i < 2; i++)
    g_assert_false (verify_raw (
      cert, g_ptr_array_index (digests, i),
      json_object_get_string_member (json_array_get_object_element (sigs, i), "signature_value")));

  /* The same transaction without the fault: the real signatures verify. */
  control ("/control/fault", "{\"clear\": true}");
  g_clear_pointer (&answer, json_node_unref);
  g_assert_cmpstr (neac_status (id, &answer), ==, "SUCCESS");
  sigs = json_object_get_array_member (json_object_get_object_member (json_node_get_object (answer), "data"),
                                       "signatures");
  for (guint i = 0; i < 2; i++)
    g_assert_true (verify_raw (
      cert, g_ptr_array_index (digests, i),
      json_object_get_string_member (json_array_get_object_element (sigs, i), "signature_value")));
}

static int
ocsp_status_of (X509 *cert, const char *issuer_file)
{
  g_autoptr (X509) issuer = load_pem_cert (issuer_file);
  g_autofree char *cert_path = g_build_filename (sb->dir, "served.pem", NULL);
  g_autofree char *url = g_strconcat (sb->http_base_url, "/ocsp", NULL);
  g_autofree char *out = NULL;
  BIO *bio = BIO_new_file (cert_path, "w");
  const char *argv[] = { "openssl", "ocsp", "-issuer", issuer_file, "-cert", cert_path,
                         "-url",    url,    "-CAfile", sb->ca_file, NULL };

  PEM_write_bio_X509 (bio, cert);
  BIO_free (bio);
  g_assert_cmpint (run_program (argv, &out), ==, 0);
  if (strstr (out, ": good") != NULL)
    return V_OCSP_CERTSTATUS_GOOD;
  if (strstr (out, ": revoked") != NULL)
    return V_OCSP_CERTSTATUS_REVOKED;
  return V_OCSP_CERTSTATUS_UNKNOWN;
}

static void
test_bad_certificates (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (X509) real = citizen_cert (GOOD_CCCD);
  g_autofree char *vnpt = g_build_filename (sb->dir, "ca", "vnpt-ca.pem", NULL);
  const char *faults[] = { "expired-cert", "revoked-cert" };

  for (gsize i = 0; i < G_N_ELEMENTS (faults); i++)
    {
      g_autofree char *body = g_strdup_printf ("{\"fault\": \"%s\"}", faults[i]);
      guint status = 0;
      g_autoptr (JsonNode) answer = NULL;
      g_autoptr (X509) cert = NULL;
      g_autofree char *real_serial = serial_hex (real);
      g_autofree char *served_serial = NULL;
      JsonObject *c;

      control ("/control/fault", "{\"clear\": true}");
      control ("/control/fault", body);
      answer = get_certificate (GOOD_CCCD, &status, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (status, ==, 200);
      c = json_array_get_object_element (
        json_object_get_array_member (json_object_get_object_member (json_node_get_object (answer), "data"),
                                      "user_certificates"),
        1);
      /* The gateway still calls it active: only the certificate itself tells. */
      g_assert_cmpstr (json_object_get_string_member (c, "cert_status"), ==, "Đang hoạt động");
      cert = served_cert (answer);
      served_serial = serial_hex (cert);
      g_assert_cmpstr (served_serial, !=, real_serial);
      g_assert_true (EVP_PKEY_eq (X509_get0_pubkey (cert), X509_get0_pubkey (real)) == 1);
      if (i == 0)
        {
          g_assert_cmpint (verify_chain (cert, "vnpt-ca"), ==, X509_V_ERR_CERT_HAS_EXPIRED);
          g_assert_cmpint (ocsp_status_of (cert, vnpt), ==, V_OCSP_CERTSTATUS_GOOD);
        }
      else
        {
          g_assert_cmpint (verify_chain (cert, "vnpt-ca"), ==, X509_V_OK);
          g_assert_cmpint (ocsp_status_of (cert, vnpt), ==, V_OCSP_CERTSTATUS_REVOKED);
        }
    }
  g_assert_cmpint (ocsp_status_of (real, vnpt), ==, V_OCSP_CERTSTATUS_GOOD);
}

static void
test_fault_control (void)
{
  guint status = 0;
  g_autoptr (JsonNode) list = NULL;
  JsonArray *faults;

  g_assert_cmpuint (raw_post (sb->base_url, "/control/fault", "{\"fault\": \"nonsense\"}"), ==, 400);
  g_assert_cmpuint (raw_post (sb->base_url, "/control/fault", "{\"fault\": \"badsig=3\"}"), ==, 400);
  control ("/control/fault", "{\"fault\": \"slow=2\"}");
  control ("/control/fault", "{\"fault\": \"badsig\"}");
  list = get_json ("/control/fault", &status);
  faults = json_object_get_array_member (json_node_get_object (list), "faults");
  g_assert_cmpuint (json_array_get_length (faults), ==, 2);
  g_assert_cmpstr (json_array_get_string_element (faults, 0), ==, "badsig");
  g_assert_cmpstr (json_array_get_string_element (faults, 1), ==, "slow=2");
  control ("/control/fault", "{\"fault\": \"slow\", \"enabled\": false}");
  g_clear_pointer (&list, json_node_unref);
  list = get_json ("/control/fault", &status);
  g_assert_cmpuint (
    json_array_get_length (json_object_get_array_member (json_node_get_object (list), "faults")), ==, 1);
  g_assert_cmpuint (raw_post (sb->base_url, "/control/expiry", "{\"seconds\": 0}"), ==, 400);
}

/* --- TSA, OCSP, CA issuers -------------------------------------------------------------------- */

static void
test_tsa (void)
{
  g_autofree char *data = g_build_filename (sb->dir, "tsa-data.txt", NULL);
  g_autofree char *other = g_build_filename (sb->dir, "tsa-other.txt", NULL);
  g_autofree char *query = g_build_filename (sb->dir, "tsa.tsq", NULL);
  g_autofree char *reply = g_build_filename (sb->dir, "tsa.tsr", NULL);
  g_autofree char *tsa_pem = g_build_filename (sb->dir, "tsa", "tsa.pem", NULL);
  const char *make_query[]
    = { "openssl", "ts", "-query", "-data", data, "-sha256", "-cert", "-out", query, NULL };
  const char *verify[] = { "openssl", "ts",      "-verify",   "-in",        reply,   "-queryfile",
                           query,     "-CAfile", sb->ca_file, "-untrusted", tsa_pem, NULL };
  const char *verify_other[] = { "openssl", "ts",      "-verify",   "-in",        reply,   "-data",
                                 other,     "-CAfile", sb->ca_file, "-untrusted", tsa_pem, NULL };
  g_autofree char *q = NULL;
  gsize q_len = 0;
  g_autoptr (GBytes) body = NULL;
  KysoHttpOptions o = options (NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (KysoHttpResponse) r = NULL;
  g_autoptr (X509) tsa = load_pem_cert (tsa_pem);
  X509_EXTENSION *eku = X509_get_ext (tsa, X509_get_ext_by_NID (tsa, NID_ext_key_usage, -1));

  /* The TSA certificate: EKU timeStamping only, critical (RFC 3161 §2.3). */
  g_assert_true (X509_EXTENSION_get_critical (eku));
  g_assert_cmpuint (X509_get_extended_key_usage (tsa), ==, XKU_TIMESTAMP);

  g_assert_true (g_file_set_contents (data, "Hồ sơ đăng ký khai sinh", -1, NULL));
  g_assert_true (g_file_set_contents (other, "Something else", -1, NULL));
  g_assert_cmpint (run_program (make_query, NULL), ==, 0);
  g_assert_true (g_file_get_contents (query, &q, &q_len, NULL));
  body = g_bytes_new (q, q_len);
  r = kyso_http_request ("POST", kyso_test_sandbox_get_url (sb, "tsa"), NULL, body,
                         "application/timestamp-query", &o, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (r->status, ==, 200);
  g_assert_cmpstr (r->content_type, ==, "application/timestamp-reply");
  g_assert_true (
    g_file_set_contents (reply, g_bytes_get_data (r->body, NULL), g_bytes_get_size (r->body), NULL));
  g_assert_cmpint (run_program (verify, NULL), ==, 0);
  /* Negative control: the token does not vouch for other data. */
  g_assert_cmpint (run_program (verify_other, NULL), !=, 0);
}

static GBytes *
ocsp_request_der (OCSP_CERTID *id)
{
  OCSP_REQUEST *req = OCSP_REQUEST_new ();
  guchar *der = NULL;
  int len;
  GBytes *bytes;

  OCSP_request_add0_id (req, id);
  OCSP_request_add1_nonce (req, NULL, -1);
  len = i2d_OCSP_REQUEST (req, &der);
  bytes = g_bytes_new (der, len);
  OPENSSL_free (der);
  OCSP_REQUEST_free (req);
  return bytes;
}

/* Posts over HTTPS (or GETs over plain HTTP when @get) and returns the single status, or -1 -
 * response status when the response is not "successful". */
static int
ocsp_query (OCSP_CERTID *id, gboolean get)
{
  g_autoptr (GBytes) der = ocsp_request_der (OCSP_CERTID_dup (id));
  KysoHttpOptions o = options (NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (KysoHttpResponse) r = NULL;
  const guchar *p;
  OCSP_RESPONSE *resp;
  OCSP_BASICRESP *basic;
  X509_STORE *store;
  X509 *root = load_pem_cert (sb->ca_file);
  int status = -1, reason = 0;

  if (get)
    {
      g_autofree char *b64 = g_base64_encode (g_bytes_get_data (der, NULL), g_bytes_get_size (der));
      g_autofree char *escaped = g_uri_escape_string (b64, NULL, FALSE);
      g_autofree char *url = g_strconcat (sb->http_base_url, "/ocsp/", escaped, NULL);
      r = kyso_http_request ("GET", url, NULL, NULL, NULL, &o, NULL, &error);
    }
  else
    r = kyso_http_request ("POST", kyso_test_sandbox_get_url (sb, "ocsp"), NULL, der,
                           "application/ocsp-request", &o, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (r->status, ==, 200);
  p = g_bytes_get_data (r->body, NULL);
  resp = d2i_OCSP_RESPONSE (NULL, &p, (long)g_bytes_get_size (r->body));
  g_assert_nonnull (resp);
  if (OCSP_response_status (resp) != OCSP_RESPONSE_STATUS_SUCCESSFUL)
    {
      status = -1 - OCSP_response_status (resp);
      OCSP_RESPONSE_free (resp);
      X509_free (root);
      return status;
    }
  basic = OCSP_response_get1_basic (resp);
  store = X509_STORE_new ();
  X509_STORE_add_cert (store, root);
  g_assert_cmpint (OCSP_basic_verify (basic, NULL, store, 0), ==, 1);
  g_assert_cmpint (OCSP_resp_find_status (basic, id, &status, &reason, NULL, NULL, NULL), ==, 1);
  X509_STORE_free (store);
  X509_free (root);
  OCSP_BASICRESP_free (basic);
  OCSP_RESPONSE_free (resp);
  return status;
}

static void
test_ocsp (void)
{
  g_autofree char *vnpt_path = g_build_filename (sb->dir, "ca", "vnpt-ca.pem", NULL);
  g_autofree char *tls_path = g_build_filename (sb->dir, "tls", "tls.pem", NULL);
  g_autoptr (X509) vnpt = load_pem_cert (vnpt_path);
  g_autoptr (X509) tls = load_pem_cert (tls_path);
  g_autoptr (X509) good = citizen_cert (GOOD_CCCD);
  g_autoptr (X509) revoked = citizen_cert (
    json_object_get_string_member (kyso_test_sandbox_get_citizen (sb, "revoked"), "cccd"));
  g_autoptr (X509) root = load_pem_cert (sb->ca_file);
  OCSP_CERTID *id;
  ASN1_INTEGER *serial = ASN1_INTEGER_new ();

  g_assert_cmpint (ocsp_status_of (good, vnpt_path), ==, V_OCSP_CERTSTATUS_GOOD);
  g_assert_cmpint (ocsp_status_of (revoked, vnpt_path), ==, V_OCSP_CERTSTATUS_REVOKED);

  id = OCSP_cert_to_id (EVP_sha1 (), good, vnpt);
  g_assert_cmpint (ocsp_query (id, FALSE), ==, V_OCSP_CERTSTATUS_GOOD);
  g_assert_cmpint (ocsp_query (id, TRUE), ==, V_OCSP_CERTSTATUS_GOOD);
  OCSP_CERTID_free (id);
  id = OCSP_cert_to_id (EVP_sha256 (), revoked, vnpt);
  g_assert_cmpint (ocsp_query (id, FALSE), ==, V_OCSP_CERTSTATUS_REVOKED);
  OCSP_CERTID_free (id);
  /* The root answers for what it issued (here the TLS certificate). */
  id = OCSP_cert_to_id (EVP_sha1 (), tls, root);
  g_assert_cmpint (ocsp_query (id, FALSE), ==, V_OCSP_CERTSTATUS_GOOD);
  OCSP_CERTID_free (id);
  /* A serial VNPT-CA never issued. */
  ASN1_INTEGER_set_uint64 (serial, 424242);
  id = OCSP_cert_id_new (EVP_sha1 (), X509_get_subject_name (vnpt), X509_get0_pubkey_bitstr (vnpt), serial);
  g_assert_cmpint (ocsp_query (id, FALSE), ==, V_OCSP_CERTSTATUS_UNKNOWN);
  OCSP_CERTID_free (id);
  /* An issuer that is not a CA of the sandbox. */
  id = OCSP_cert_id_new (EVP_sha1 (), X509_get_subject_name (tls), X509_get0_pubkey_bitstr (tls), serial);
  g_assert_cmpint (ocsp_query (id, FALSE), ==, -1 - OCSP_RESPONSE_STATUS_UNAUTHORIZED);
  OCSP_CERTID_free (id);
  ASN1_INTEGER_free (serial);
}

static void
test_ca_issuers (void)
{
  g_autofree char *url = g_strconcat (sb->http_base_url, "/ca/vnpt-ca.crt", NULL);
  g_autofree char *pem = g_build_filename (sb->dir, "ca", "vnpt-ca.pem", NULL);
  g_autoptr (X509) expected = load_pem_cert (pem);
  g_autoptr (X509) got = NULL;
  g_autoptr (X509) good = citizen_cert (GOOD_CCCD);
  KysoHttpOptions o = options (NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (KysoHttpResponse) r = kyso_http_request ("GET", url, NULL, NULL, NULL, &o, NULL, &error);
  const guchar *p;
  AUTHORITY_INFO_ACCESS *aia = X509_get_ext_d2i (good, NID_info_access, NULL, NULL);
  gboolean found = FALSE;

  g_assert_no_error (error);
  g_assert_cmpuint (r->status, ==, 200);
  p = g_bytes_get_data (r->body, NULL);
  got = d2i_X509 (NULL, &p, (long)g_bytes_get_size (r->body));
  g_assert_nonnull (got);
  g_assert_cmpint (X509_cmp (got, expected), ==, 0);

  /* The citizen's AIA points at this sandbox's OCSP responder. */
  for (int i = 0; i < sk_ACCESS_DESCRIPTION_num (aia); i++)
    {
      ACCESS_DESCRIPTION *ad = sk_ACCESS_DESCRIPTION_value (aia, i);
      if (OBJ_obj2nid (ad->method) == NID_ad_OCSP && ad->location->type == GEN_URI)
        {
          g_autofree char *ocsp = g_strconcat (sb->http_base_url, "/ocsp", NULL);
          g_assert_cmpstr ((const char *)ASN1_STRING_get0_data (ad->location->d.uniformResourceIdentifier),
                           ==, ocsp);
          found = TRUE;
        }
    }
  AUTHORITY_INFO_ACCESS_free (aia);
  g_assert_true (found);
}

/* --- the command-line tools ------------------------------------------------------------------- */

static void
test_phone_cli (void)
{
  g_autoptr (GPtrArray) digests = make_digests (1);
  g_autofree char *id = new_transaction_id ();
  g_autoptr (JsonObject) sign = neac_sign_body (GOOD_CCCD, id, digests);
  g_autoptr (JsonNode) answer = NULL;
  g_autoptr (JsonNode) policy = NULL;
  g_autofree char *out = NULL;
  const char *phone = kyso_test_sandbox_phone_exe ();
  const char *list[] = { phone, "--state", sb->dir, "list", NULL };
  const char *approve[] = { phone, "--state", sb->dir, "approve", id, NULL };
  const char *refuse_latest[] = { phone, "--state", sb->dir, "refuse", NULL };
  const char *set_policy[] = { phone, "--state", sb->dir, "policy", "approve-after=7", NULL };
  const char *bad_policy[] = { phone, "--state", sb->dir, "policy", "sometimes", NULL };
  const char *fault[] = { phone, "--state", sb->dir, "fault", "badsig", "slow=1", NULL };
  const char *clear[] = { phone, "--state", sb->dir, "fault", "--clear", NULL };
  const char *usage[] = { phone, "--state", sb->dir, "dance", NULL };
  guint status = 0;

  answer = post (kyso_test_sandbox_get_url (sb, "neac"), "signatures/sign", sign, NULL, &status);
  g_assert_cmpint (run_program (list, &out), ==, 0);
  /* The gateway's own id, and the doc_id codes the phone shows. */
  g_assert_nonnull (
    strstr (out, json_object_get_string_member (
                   json_object_get_object_member (json_node_get_object (answer), "data"), "transaction_id")));
  g_assert_nonnull (strstr (out, "tệp-1.pdf"));
  g_assert_nonnull (strstr (out, "pending"));
  g_assert_cmpint (run_program (approve, NULL), ==, 0);
  g_assert_cmpstr (neac_status (id, NULL), ==, "SUCCESS");
  g_assert_cmpint (run_program (approve, NULL), ==, 1); /* no longer pending */

  /* No id: the latest pending transaction. */
  {
    g_autofree char *latest = new_transaction_id ();
    g_autoptr (JsonObject) sign2 = neac_sign_body (GOOD_CCCD, latest, digests);
    g_clear_pointer (&answer, json_node_unref);
    answer = post (kyso_test_sandbox_get_url (sb, "neac"), "signatures/sign", sign2, NULL, &status);
    g_assert_cmpint (run_program (refuse_latest, NULL), ==, 0);
    g_assert_cmpstr (neac_status (latest, NULL), ==, "REJECTED");
  }

  g_assert_cmpint (run_program (set_policy, NULL), ==, 0);
  policy = get_json ("/phone/policy", &status);
  assert_member (policy, "policy", "approve-after=7");
  g_assert_cmpint (run_program (bad_policy, NULL), ==, 1);

  g_assert_cmpint (run_program (fault, NULL), ==, 0);
  g_clear_pointer (&policy, json_node_unref);
  policy = get_json ("/control/fault", &status);
  g_assert_cmpuint (
    json_array_get_length (json_object_get_array_member (json_node_get_object (policy), "faults")), ==, 2);
  g_assert_cmpint (run_program (clear, NULL), ==, 0);
  g_clear_pointer (&policy, json_node_unref);
  policy = get_json ("/control/fault", &status);
  g_assert_cmpuint (
    json_array_get_length (json_object_get_array_member (json_node_get_object (policy), "faults")), ==, 0);
  g_assert_cmpint (run_program (usage, NULL), ==, 2);
}

static void
test_server_cli (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("kyso-sandbox-cli-XXXXXX", &error);
  g_autofree char *src = g_build_filename (sb->dir, ".", NULL);
  const char *exe = kyso_test_sandbox_exe ();
  const char *copy[] = { "cp", "-a", src, dir, NULL };
  const char *no_state[] = { exe, NULL };
  const char *bad_phone[] = { exe, "--state", dir, "--phone", "whenever", NULL };
  g_autofree char *asan = g_strdup_printf ("ASAN_OPTIONS=%s:detect_leaks=0",
                                           g_getenv ("ASAN_OPTIONS") ? g_getenv ("ASAN_OPTIONS") : "");
  /* This one stops after the parts are installed; the portal part registers no cleanup yet
   * (kyso_sandbox_add_cleanup), so its state would show as a leak under ASan. */
  const char *bad_fault[] = { "env", asan, exe, "--state", dir, "--fault", "meteor", NULL };
  const char *bad_port[] = { exe, "--state", dir, "--port", "70000", NULL };
  const char *rm[] = { "rm", "-rf", dir, NULL };

  g_assert_no_error (error);
  g_assert_cmpint (run_program (copy, NULL), ==, 0);
  g_assert_cmpint (run_program (no_state, NULL), ==, 2);
  g_assert_cmpint (run_program (bad_phone, NULL), ==, 2);
  g_assert_cmpint (run_program (bad_port, NULL), ==, 2);
  /* A copy of the running sandbox's dir: its port is taken, so this one would move — but stops at --fault. */
  g_assert_cmpint (run_program (bad_fault, NULL), ==, 2);
  g_assert_cmpint (run_program (rm, NULL), ==, 0);
}

static void
test_restart (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("kyso-sandbox-restart-XXXXXX", &error);
  const char *rm[] = { "rm", "-rf", dir, NULL };
  KysoTestSandbox *first, *second, *third;
  g_autofree char *root1 = NULL, *root2 = NULL, *root3 = NULL;
  g_autofree char *serial1 = NULL, *serial2 = NULL, *serial3 = NULL;
  g_autofree char *cert_path = NULL;
  g_autoptr (GSocketListener) blocker = NULL;
  g_autoptr (GSocketAddress) addr = NULL;
  g_autoptr (GInetAddress) loopback = NULL;
  g_autoptr (X509) cert1 = NULL;
  g_autoptr (X509) cert3 = NULL;
  guint port1;

  g_assert_no_error (error);
  first = kyso_test_sandbox_start_in (dir, NULL, &error);
  g_assert_no_error (error);
  cert_path = g_strdup (
    json_object_get_string_member (kyso_test_sandbox_get_citizen (first, GOOD_CCCD), "cert_file"));
  g_assert_true (g_file_get_contents (first->ca_file, &root1, NULL, NULL));
  serial1 = g_strdup (
    json_object_get_string_member (kyso_test_sandbox_get_citizen (first, GOOD_CCCD), "serial_number"));
  cert1 = load_pem_cert (cert_path);
  port1 = (guint)g_ascii_strtoull (strrchr (first->base_url, ':') + 1, NULL, 10);
  kyso_test_sandbox_stop_check (first, &error);
  g_assert_no_error (error);

  /* Same dir, port free again: everything reused as is. */
  second = kyso_test_sandbox_start_in (dir, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (second->ca_file, &root2, NULL, NULL));
  serial2 = g_strdup (
    json_object_get_string_member (kyso_test_sandbox_get_citizen (second, GOOD_CCCD), "serial_number"));
  g_assert_cmpstr (root1, ==, root2);
  g_assert_cmpstr (serial1, ==, serial2);
  kyso_test_sandbox_stop_check (second, &error);
  g_assert_no_error (error);

  /* Port taken: another port, the citizens re-issued (same keys, same root). */
  blocker = g_socket_listener_new ();
  loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  addr = g_inet_socket_address_new (loopback, port1);
  g_assert_true (g_socket_listener_add_address (blocker, addr, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP,
                                                NULL, NULL, &error));
  g_assert_no_error (error);
  third = kyso_test_sandbox_start_in (dir, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint ((guint)g_ascii_strtoull (strrchr (third->base_url, ':') + 1, NULL, 10), !=, port1);
  g_assert_true (g_file_get_contents (third->ca_file, &root3, NULL, NULL));
  serial3 = g_strdup (
    json_object_get_string_member (kyso_test_sandbox_get_citizen (third, GOOD_CCCD), "serial_number"));
  g_assert_cmpstr (root1, ==, root3);
  g_assert_cmpstr (serial1, !=, serial3);
  cert3 = load_pem_cert (cert_path);
  g_assert_true (EVP_PKEY_eq (X509_get0_pubkey (cert1), X509_get0_pubkey (cert3)) == 1);
  kyso_test_sandbox_stop_check (third, &error);
  g_assert_no_error (error);
  g_assert_cmpint (run_program (rm, NULL), ==, 0);
}

static const SandboxTest tests[] = {
  { "/sandbox/fault/http500", test_http500 },
  { "/sandbox/fault/slow", test_slow },
  { "/sandbox/fault/drop", test_drop },
  { "/sandbox/fault/badjson", test_badjson },
  { "/sandbox/fault/badsig", test_badsig },
  { "/sandbox/fault/expired-and-revoked-cert", test_bad_certificates },
  { "/sandbox/fault/control", test_fault_control },
  { "/sandbox/tsa", test_tsa },
  { "/sandbox/ocsp", test_ocsp },
  { "/sandbox/ca-issuers", test_ca_issuers },
  { "/sandbox/cli/phone", test_phone_cli },
  { "/sandbox/cli/server", test_server_cli },
  { "/sandbox/restart", test_restart },
};

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  add_sandbox_tests (tests, G_N_ELEMENTS (tests));
  return run_with_sandbox (NULL);
}
