/* Integration tests of kyso-sandbox over real HTTPS (Kyso's own HTTP client), checked with OpenSSL:
 * TLS trust, files, NEAC, phone, CSC v2 and v1. Faults, TSA, OCSP and the CLIs: test-sandbox-faults.c. */

#include "test-sandbox-common.h"

#include <openssl/x509v3.h>

/* --- TLS and files ---------------------------------------------------------------------------- */

static void
test_tls (void)
{
  g_autofree char *url = g_strconcat (sb->base_url, "/phone/policy", NULL);
  KysoHttpOptions trusted = { .ca_file = sb->ca_file };
  KysoHttpOptions system = { 0 };
  g_autofree char *other_ca = g_build_filename (sb->dir, "ca", "vnpt-ca.pem", NULL);
  KysoHttpOptions wrong = { .ca_file = other_ca };
  g_autoptr (GError) error = NULL;
  g_autoptr (KysoHttpResponse) ok = kyso_http_request ("GET", url, NULL, NULL, NULL, &trusted, NULL, &error);
  g_autoptr (KysoHttpResponse) refused = NULL;

  g_assert_no_error (error);
  g_assert_cmpuint (ok->status, ==, 200);

  /* Neither the system store nor another CA of the sandbox vouches for its TLS certificate. */
  refused = kyso_http_request ("GET", url, NULL, NULL, NULL, &system, NULL, &error);
  g_assert_null (refused);
  g_assert_error (error, KYSO_ERROR, KYSO_ERROR_TLS);
  g_clear_error (&error);
  refused = kyso_http_request ("GET", url, NULL, NULL, NULL, &wrong, NULL, &error);
  g_assert_null (refused);
  g_assert_error (error, KYSO_ERROR, KYSO_ERROR_TLS);
}

static void
test_files (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (KysoConfig) config = kyso_config_load (sb->config_file, &error);
  g_autofree char *conf_text = NULL;
  JsonArray *citizens = json_object_get_array_member (sb->info, "citizens");
  const char *sp_password = json_object_get_string_member (sb->info, "sp_password");
  guint revoked = 0, expired = 0;

  g_assert_no_error (error);
  g_assert_cmpstr (kyso_config_get_path (config, "tls", "ca_file"), ==, sb->ca_file);
  /* kyso.conf has the documented base (…/sca/sp769); urls.neac is where its v1 calls go. */
  g_assert_cmpstr (kyso_config_get (config, "neac", "url"), ==, kyso_test_sandbox_get_url (sb, "sp769"));
  g_assert_true (g_str_has_suffix (kyso_test_sandbox_get_url (sb, "sp769"), "/sca/sp769"));
  g_assert_true (g_str_has_suffix (kyso_test_sandbox_get_url (sb, "neac"), "/sca/sp769/v1/"));
  g_assert_cmpstr (kyso_config_get (config, "neac", "sp_id"), ==,
                   json_object_get_string_member (sb->info, "sp_id"));
  g_assert_cmpstr (kyso_config_get (config, "csc", "url"), ==, kyso_test_sandbox_get_url (sb, "csc"));
  g_assert_cmpstr (kyso_config_get (config, "tsa", "url"), ==, kyso_test_sandbox_get_url (sb, "tsa"));
  g_assert_true (g_str_has_prefix (kyso_test_sandbox_get_url (sb, "neac"), "https://127.0.0.1:"));

  /* No secret in kyso.conf. */
  g_assert_true (g_file_get_contents (sb->config_file, &conf_text, NULL, NULL));
  g_assert_cmpuint (strlen (sp_password), >=, 12);
  g_assert_null (strstr (conf_text, sp_password));
  g_assert_null (strstr (conf_text, "password"));

  g_assert_cmpuint (json_array_get_length (citizens), >=, 6);
  for (guint i = 0; i < json_array_get_length (citizens); i++)
    {
      JsonObject *c = json_array_get_object_element (citizens, i);
      const char *status = json_object_get_string_member (c, "status");
      g_autoptr (X509) cert = load_pem_cert (json_object_get_string_member (c, "cert_file"));
      g_autofree char *subject = name_utf8 (X509_get_subject_name (cert));
      g_autofree char *expected = g_strdup_printf (
        "CN=%s, emailAddress=%s, UID=CCCD:%s, C=VN", json_object_get_string_member (c, "name"),
        json_object_get_string_member (c, "email"), json_object_get_string_member (c, "cccd"));
      EVP_PKEY *key = X509_get0_pubkey (cert);

      g_assert_cmpstr (subject, ==, expected);
      g_assert_cmpint (strlen (json_object_get_string_member (c, "cccd")), ==, 12);
      g_assert_cmpint (EVP_PKEY_get_base_id (key), ==, EVP_PKEY_RSA);
      g_assert_cmpint (EVP_PKEY_get_bits (key), ==, 2048);
      g_assert_cmpint (verify_chain (cert, json_object_get_string_member (c, "provider_id")), ==,
                       g_str_equal (status, "expired") ? X509_V_ERR_CERT_HAS_EXPIRED : X509_V_OK);
      revoked += g_str_equal (status, "revoked");
      expired += g_str_equal (status, "expired");
    }
  g_assert_cmpuint (revoked, ==, 1);
  g_assert_cmpuint (expired, ==, 1);
  /* Diacritics kept exactly (UTF8String), not escaped. */
  g_assert_nonnull (kyso_test_sandbox_get_citizen (sb, "051090000101"));
  g_assert_cmpstr (json_object_get_string_member (kyso_test_sandbox_get_citizen (sb, "051090000101"), "name"),
                   ==, "Nguyễn Văn An");
}

/* --- NEAC ------------------------------------------------------------------------------------- */

static void
test_neac_get_certificate (void)
{
  g_autoptr (JsonObject) req = neac_body (GOOD_CCCD);
  guint status = 0;
  g_autoptr (JsonNode) answer = post (kyso_test_sandbox_get_url (sb, "neac"), "credentials/get_certificate",
                                      req, NULL, &status);
  JsonArray *list = json_object_get_array_member (
    json_object_get_object_member (json_node_get_object (answer), "data"), "user_certificates");
  JsonObject *seal = json_array_get_object_element (list, 0);
  JsonObject *cert_obj = json_array_get_object_element (list, 1);
  g_autoptr (X509) cert = der_b64_cert (json_object_get_string_member (cert_obj, "cert_data"));
  g_autoptr (X509) ca = der_b64_cert (
    json_object_get_string_member (json_object_get_object_member (cert_obj, "chain_data"), "ca_cert"));
  g_autofree char *serial = serial_hex (cert);

  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (answer), "status_code"), ==, 200);
  /* An organisation seal first, then the citizen's own certificate, every documented member. */
  g_assert_cmpuint (json_array_get_length (list), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (seal, "service_type"), ==, "ESEAL");
  g_assert_null (strstr (json_object_get_string_member (seal, "cert_subject"), GOOD_CCCD));
  g_assert_cmpstr (json_object_get_string_member (cert_obj, "service_type"), ==, "SMARTCA");
  g_assert_nonnull (json_object_get_string_member (cert_obj, "service_name"));
  g_assert_nonnull (json_object_get_string_member (cert_obj, "cert_id"));
  g_assert_nonnull (json_object_get_string_member (cert_obj, "cert_valid_from"));
  g_assert_nonnull (json_object_get_string_member (cert_obj, "cert_valid_to"));
  g_assert_true (
    json_object_get_null_member (json_object_get_object_member (cert_obj, "chain_data"), "root_cert"));
  g_assert_cmpstr (json_object_get_string_member (cert_obj, "transaction_id"), ==,
                   json_object_get_string_member (req, "transaction_id"));
  g_assert_cmpstr (json_object_get_string_member (cert_obj, "cert_status"), ==, "Đang hoạt động");
  g_assert_cmpstr (json_object_get_string_member (cert_obj, "serial_number"), ==, serial);
  g_assert_nonnull (strstr (json_object_get_string_member (cert_obj, "cert_subject"), "UID=CCCD:" GOOD_CCCD));
  g_assert_cmpint (X509_check_issued (ca, cert), ==, X509_V_OK);
  g_assert_cmpint (verify_chain (cert, "vnpt-ca"), ==, X509_V_OK);

  /* Errors: SP credentials, unknown user, wrong serial, not JSON. */
  json_object_set_string_member (req, "sp_password", "wrong");
  g_clear_pointer (&answer, json_node_unref);
  answer = post (kyso_test_sandbox_get_url (sb, "neac"), "credentials/get_certificate", req, NULL, &status);
  g_assert_cmpuint (status, ==, 401);
  assert_member (answer, "message", "SP_CREDENTIAL_INVALID");

  g_clear_pointer (&req, json_object_unref);
  req = neac_body ("999999999999");
  g_clear_pointer (&answer, json_node_unref);
  answer = post (kyso_test_sandbox_get_url (sb, "neac"), "credentials/get_certificate", req, NULL, &status);
  g_assert_cmpuint (status, ==, 400);
  assert_member (answer, "message", "user_not_found");

  g_clear_pointer (&req, json_object_unref);
  req = neac_body (GOOD_CCCD);
  json_object_set_string_member (req, "serial_number", "0123");
  g_clear_pointer (&answer, json_node_unref);
  answer = post (kyso_test_sandbox_get_url (sb, "neac"), "credentials/get_certificate", req, NULL, &status);
  g_assert_cmpuint (status, ==, 400);
  assert_member (answer, "message", "certificate_not_found");

  g_assert_cmpuint (raw_post (kyso_test_sandbox_get_url (sb, "neac"), "credentials/get_certificate", "{oops"),
                    ==, 400);
}

static void
test_neac_approve (void)
{
  g_autoptr (GPtrArray) digests = make_digests (3);
  g_autofree char *id = new_transaction_id ();
  g_autoptr (JsonObject) req = neac_sign_body (GOOD_CCCD, id, digests);
  g_autoptr (JsonNode) answer = NULL;
  g_autoptr (JsonNode) again = NULL;
  g_autoptr (X509) cert = citizen_cert (GOOD_CCCD);
  g_autofree char *gw = NULL;
  JsonObject *data;
  JsonArray *sigs;
  guint status = 0;

  answer = post (kyso_test_sandbox_get_url (sb, "neac"), "signatures/sign", req, NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  assert_member (answer, "message", "sig_wait_for_user_confirm");
  data = json_object_get_object_member (json_node_get_object (answer), "data");
  /* The gateway answers with its own transaction_id and a UUID tran_code (S1). */
  gw = g_strdup (json_object_get_string_member (data, "transaction_id"));
  g_assert_cmpstr (gw, !=, id);
  g_assert_true (g_str_has_prefix (gw, "SP769-"));
  g_assert_true (g_uuid_string_is_valid (json_object_get_string_member (data, "tran_code")));
  g_assert_false (json_object_has_member (data, "expired_in"));

  g_assert_cmpstr (neac_status (id, NULL), ==, "PENDING");
  /* Polled with the id the client sent, the gateway does not know it. */
  {
    g_autoptr (JsonObject) st = neac_body (GOOD_CCCD);
    g_autofree char *path = g_strdup_printf ("signatures/sign/%s/status", id);
    g_autoptr (JsonNode) not_found = post (kyso_test_sandbox_get_url (sb, "neac"), path, st, NULL, &status);
    g_assert_cmpuint (status, ==, 400);
    assert_member (not_found, "message", "transaction_not_found");
  }
  /* The status call of the public clients, with an empty body {}, is answered too. */
  {
    g_autofree char *path = g_strdup_printf ("signatures/sign/%s/status", gw);
    g_assert_cmpuint (raw_post (kyso_test_sandbox_get_url (sb, "neac"), path, "{}"), ==, 200);
  }

  /* A retry of the same request: the same transaction, not a second one on the phone. */
  again = post (kyso_test_sandbox_get_url (sb, "neac"), "signatures/sign", req, NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpuint (count_transactions (id), ==, 1);

  g_assert_cmpuint (phone_action (id, "approve"), ==, 200);
  g_assert_cmpuint (phone_action (id, "approve"), ==, 409);
  g_assert_cmpuint (phone_action (id, "refuse"), ==, 409);

  g_clear_pointer (&answer, json_node_unref);
  g_assert_cmpstr (neac_status (id, &answer), ==, "SUCCESS");
  sigs = json_object_get_array_member (json_object_get_object_member (json_node_get_object (answer), "data"),
                                       "signatures");
  g_assert_cmpuint (json_array_get_length (sigs), ==, 3);
  for (guint i = 0; i < 3; i++)
    {
      JsonObject *s = json_array_get_object_element (sigs, i);
      g_autofree char *doc = g_strdup_printf ("tệp-%u.pdf", i + 1);
      g_assert_cmpstr (json_object_get_string_member (s, "doc_id"), ==, doc);
      g_assert_true (json_object_has_member (s, "timestamp_signature"));
      g_assert_true (verify_raw (cert, g_ptr_array_index (digests, i),
                                 json_object_get_string_member (s, "signature_value")));
      /* Negative control: the signature of digest i does not verify digest i+1. */
      g_assert_false (verify_raw (cert, g_ptr_array_index (digests, (i + 1) % 3),
                                  json_object_get_string_member (s, "signature_value")));
    }

  /* The same id with other content is refused. */
  g_clear_pointer (&digests, g_ptr_array_unref);
  digests = make_digests (1);
  g_clear_pointer (&req, json_object_unref);
  req = neac_sign_body (GOOD_CCCD, id, digests);
  g_clear_pointer (&answer, json_node_unref);
  answer = post (kyso_test_sandbox_get_url (sb, "neac"), "signatures/sign", req, NULL, &status);
  g_assert_cmpuint (status, ==, 400);
  assert_member (answer, "message", "duplicate_transaction");
}

static void
test_neac_refuse_and_expiry (void)
{
  g_autoptr (GPtrArray) digests = make_digests (1);
  g_autofree char *refused_id = new_transaction_id ();
  g_autofree char *expired_id = new_transaction_id ();
  g_autoptr (JsonObject) req = neac_sign_body (GOOD_CCCD, refused_id, digests);
  g_autoptr (JsonNode) answer = NULL;
  guint status = 0;

  answer = post (kyso_test_sandbox_get_url (sb, "neac"), "signatures/sign", req, NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpuint (phone_action (refused_id, "refuse"), ==, 200);
  g_assert_cmpstr (neac_status (refused_id, NULL), ==, "REJECTED");
  g_assert_cmpuint (phone_action (refused_id, "approve"), ==, 409);

  /* A 1-second lifetime: nobody answers, the transaction expires. */
  control ("/control/expiry", "{\"seconds\": 1}");
  g_clear_pointer (&req, json_object_unref);
  req = neac_sign_body (GOOD_CCCD, expired_id, digests);
  g_clear_pointer (&answer, json_node_unref);
  answer = post (kyso_test_sandbox_get_url (sb, "neac"), "signatures/sign", req, NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpstr (neac_status (expired_id, NULL), ==, "PENDING");
  g_usleep (1300 * 1000);
  g_assert_cmpstr (neac_status (expired_id, NULL), ==, "EXPIRED");
  g_assert_cmpuint (phone_action (expired_id, "approve"), ==, 409);

  /* Unknown transaction. */
  g_clear_pointer (&answer, json_node_unref);
  g_assert_null (neac_status ("no-such-transaction", &answer));
  assert_member (answer, "message", "transaction_not_found");
}

static void
test_neac_credential_status (void)
{
  JsonObject *revoked = kyso_test_sandbox_get_citizen (sb, "revoked");
  JsonObject *expired = kyso_test_sandbox_get_citizen (sb, "expired");
  struct
  {
    JsonObject *citizen;
    const char *cert_status;
    const char *message;
  } cases[] = {
    { revoked, "Đã thu hồi", "certificate_revoked" },
    { expired, "Hết hạn", "certificate_expired" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const char *cccd = json_object_get_string_member (cases[i].citizen, "cccd");
      g_autoptr (JsonObject) req = neac_body (cccd);
      g_autoptr (GPtrArray) digests = make_digests (1);
      g_autofree char *id = new_transaction_id ();
      g_autoptr (JsonObject) sign = neac_sign_body (cccd, id, digests);
      guint status = 0;
      g_autoptr (JsonNode) answer = post (kyso_test_sandbox_get_url (sb, "neac"),
                                          "credentials/get_certificate", req, NULL, &status);
      JsonObject *cert_obj = json_array_get_object_element (
        json_object_get_array_member (json_object_get_object_member (json_node_get_object (answer), "data"),
                                      "user_certificates"),
        1);

      g_assert_cmpuint (status, ==, 200);
      g_assert_cmpstr (json_object_get_string_member (cert_obj, "cert_status"), ==, cases[i].cert_status);
      g_clear_pointer (&answer, json_node_unref);
      answer = post (kyso_test_sandbox_get_url (sb, "neac"), "signatures/sign", sign, NULL, &status);
      g_assert_cmpuint (status, ==, 403);
      assert_member (answer, "message", cases[i].message);
      g_assert_cmpuint (count_transactions (id), ==, 0);
    }
}

static void
test_phone_policy (void)
{
  g_autoptr (GPtrArray) digests = make_digests (1);
  g_autofree char *approved_id = new_transaction_id ();
  g_autofree char *refused_id = new_transaction_id ();
  g_autoptr (JsonObject) req = neac_sign_body (GOOD_CCCD, approved_id, digests);
  g_autoptr (JsonNode) answer = NULL;
  g_autoptr (JsonNode) policy = NULL;
  guint status = 0;

  control ("/phone/policy", "{\"policy\": \"approve-after=0.3\"}");
  policy = get_json ("/phone/policy", &status);
  assert_member (policy, "policy", "approve-after=0.3");
  answer = post (kyso_test_sandbox_get_url (sb, "neac"), "signatures/sign", req, NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpstr (neac_status (approved_id, NULL), ==, "PENDING");
  g_usleep (600 * 1000);
  g_assert_cmpstr (neac_status (approved_id, NULL), ==, "SUCCESS");

  control ("/phone/policy", "{\"policy\": \"refuse\"}");
  g_clear_pointer (&req, json_object_unref);
  req = neac_sign_body (GOOD_CCCD, refused_id, digests);
  g_clear_pointer (&answer, json_node_unref);
  answer = post (kyso_test_sandbox_get_url (sb, "neac"), "signatures/sign", req, NULL, &status);
  g_usleep (200 * 1000);
  g_assert_cmpstr (neac_status (refused_id, NULL), ==, "REJECTED");

  g_assert_cmpuint (raw_post (sb->base_url, "/phone/policy", "{\"policy\": \"maybe\"}"), ==, 400);
  g_assert_cmpuint (raw_post (sb->base_url, "/phone/policy", "{\"policy\": \"approve-after=-1\"}"), ==, 400);
  g_assert_cmpuint (raw_post (sb->base_url, "/phone/no-such-id/approve", "{}"), ==, 404);
}

/* --- CSC -------------------------------------------------------------------------------------- */

static void
test_csc_v2_async (void)
{
  const char *csc = kyso_test_sandbox_get_url (sb, "csc");
  g_autofree char *token = csc_login (csc, GOOD_CCCD, NULL);
  g_autoptr (GPtrArray) digests = make_digests (2);
  g_autoptr (JsonNode) answer = NULL;
  g_autoptr (JsonObject) req = NULL;
  g_autoptr (X509) cert = NULL;
  g_autofree char *cred = g_strconcat ("vnpt-ca-", GOOD_CCCD, NULL);
  g_autofree char *sad = NULL;
  g_autofree char *response_id = NULL;
  JsonObject *o;
  JsonArray *chain;
  guint status = 0;

  /* info needs no token; everything else does. */
  answer = post (csc, "info", NULL, NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  assert_member (answer, "specs", "2.0.0.2");
  g_clear_pointer (&answer, json_node_unref);
  answer = post (csc, "credentials/list", NULL, NULL, &status);
  g_assert_cmpuint (status, ==, 401);
  assert_member (answer, "error", "invalid_token");

  req = json_object_new ();
  json_object_set_boolean_member (req, "credentialInfo", TRUE);
  json_object_set_string_member (req, "certificates", "chain");
  g_clear_pointer (&answer, json_node_unref);
  answer = post (csc, "credentials/list", req, token, &status);
  g_assert_cmpuint (status, ==, 200);
  o = json_node_get_object (answer);
  g_assert_cmpstr (json_array_get_string_element (json_object_get_array_member (o, "credentialIDs"), 0), ==,
                   cred);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (o, "credentialInfos")), ==, 1);

  g_clear_pointer (&req, json_object_unref);
  req = json_object_new ();
  json_object_set_string_member (req, "credentialID", cred);
  json_object_set_string_member (req, "certificates", "chain");
  json_object_set_boolean_member (req, "certInfo", TRUE);
  g_clear_pointer (&answer, json_node_unref);
  answer = post (csc, "credentials/info", req, token, &status);
  g_assert_cmpuint (status, ==, 200);
  o = json_node_get_object (answer);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (o, "auth"), "mode"), ==,
                   "implicit");
  g_assert_cmpstr (json_object_get_string_member (o, "authMode"), ==, "implicit");
  g_assert_cmpstr (json_array_get_string_element (
                     json_object_get_array_member (json_object_get_object_member (o, "key"), "algo"), 0),
                   ==, "1.2.840.113549.1.1.1");
  chain = json_object_get_array_member (json_object_get_object_member (o, "cert"), "certificates");
  g_assert_cmpuint (json_array_get_length (chain), ==, 3);
  cert = der_b64_cert (json_array_get_string_element (chain, 0));
  g_assert_cmpint (verify_chain (cert, "vnpt-ca"), ==, X509_V_OK);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (o, "cert"), "status"), ==,
                   "valid");

  sad = csc_authorize (csc, token, cred, digests, TRUE);
  g_clear_pointer (&req, json_object_unref);
  req = csc_sign_body (cred, sad, digests, TRUE);
  json_object_set_string_member (req, "operationMode", "A");
  g_clear_pointer (&answer, json_node_unref);
  answer = post (csc, "signatures/signHash", req, token, &status);
  g_assert_cmpuint (status, ==, 200);
  response_id = g_strdup (json_object_get_string_member (json_node_get_object (answer), "responseID"));
  g_assert_nonnull (response_id);

  g_clear_pointer (&answer, json_node_unref);
  answer = csc_poll (csc, token, response_id, &status);
  g_assert_cmpuint (status, ==, 202);
  assert_member (answer, "status", "pending");

  /* The SAD was for two signatures and is used up. */
  g_clear_pointer (&answer, json_node_unref);
  answer = post (csc, "signatures/signHash", req, token, &status);
  g_assert_cmpuint (status, ==, 400);
  assert_member (answer, "error", "invalid_sad");

  g_assert_cmpuint (phone_action (response_id, "approve"), ==, 200);
  g_clear_pointer (&answer, json_node_unref);
  answer = csc_poll (csc, token, response_id, &status);
  g_assert_cmpuint (status, ==, 200);
  assert_signatures (answer, cert, digests);

  g_clear_pointer (&answer, json_node_unref);
  answer = csc_poll (csc, token, "csc-unknown", &status);
  g_assert_cmpuint (status, ==, 400);
  assert_member (answer, "error", "invalid_response_id");
}

static void
test_csc_errors (void)
{
  const char *csc = kyso_test_sandbox_get_url (sb, "csc");
  JsonObject *revoked = kyso_test_sandbox_get_citizen (sb, "revoked");
  g_autofree char *token = csc_login (csc, GOOD_CCCD, NULL);
  g_autofree char *revoked_token = csc_login (csc, json_object_get_string_member (revoked, "cccd"), NULL);
  g_autofree char *bad = NULL;
  g_autoptr (GPtrArray) digests = make_digests (1);
  g_autoptr (JsonObject) req = json_object_new ();
  g_autoptr (JsonNode) answer = NULL;
  g_autofree char *cred = g_strconcat ("vnpt-ca-", GOOD_CCCD, NULL);
  g_autofree char *other_sad = NULL;
  guint status = 0;

  /* Wrong password. */
  bad = csc_login (csc, GOOD_CCCD, "not-the-password");
  g_assert_null (bad);

  /* Someone else's credential. */
  json_object_set_string_member (req, "credentialID",
                                 json_object_get_string_member (revoked, "credential_id"));
  answer = post (csc, "credentials/info", req, token, &status);
  g_assert_cmpuint (status, ==, 400);
  assert_member (answer, "error", "invalid_credential");

  /* The revoked citizen sees its status and may not authorize. */
  g_clear_pointer (&answer, json_node_unref);
  answer = post (csc, "credentials/info", req, revoked_token, &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpstr (json_object_get_string_member (
                     json_object_get_object_member (json_node_get_object (answer), "cert"), "status"),
                   ==, "revoked");
  json_object_set_int_member (req, "numSignatures", 1);
  g_clear_pointer (&answer, json_node_unref);
  answer = post (csc, "credentials/authorize", req, revoked_token, &status);
  g_assert_cmpuint (status, ==, 400);
  assert_member (answer, "error", "credential_revoked");

  /* A SAD bound to other hashes does not sign these. */
  {
    g_autoptr (GPtrArray) others = make_digests (1);
    g_autoptr (JsonObject) sign = NULL;
    other_sad = csc_authorize (csc, token, cred, others, TRUE);
    sign = csc_sign_body (cred, other_sad, digests, TRUE);
    json_object_set_string_member (sign, "operationMode", "A");
    g_clear_pointer (&answer, json_node_unref);
    answer = post (csc, "signatures/signHash", sign, token, &status);
    g_assert_cmpuint (status, ==, 400);
    assert_member (answer, "error", "invalid_sad");

    /* A hash of the wrong length for SHA-256. */
    json_array_remove_element (json_object_get_array_member (sign, "hashes"), 0);
    json_array_add_string_element (json_object_get_array_member (sign, "hashes"), "AAAA");
    g_clear_pointer (&answer, json_node_unref);
    answer = post (csc, "signatures/signHash", sign, token, &status);
    g_assert_cmpuint (status, ==, 400);
    assert_member (answer, "error", "invalid_request");
  }
}

static void
test_csc_v1_sync (void)
{
  const char *csc = kyso_test_sandbox_get_url (sb, "csc_v1");
  g_autofree char *token = csc_login (csc, GOOD_CCCD, NULL);
  g_autoptr (GPtrArray) digests = make_digests (2);
  g_autoptr (X509) cert = citizen_cert (GOOD_CCCD);
  g_autofree char *cred = g_strconcat ("vnpt-ca-", GOOD_CCCD, NULL);
  g_autofree char *sad = NULL;
  g_autoptr (JsonObject) req = NULL;
  g_autoptr (JsonNode) answer = NULL;
  guint status = 0;
  gint64 start;

  answer = post (csc, "info", NULL, NULL, &status);
  assert_member (answer, "specs", "1.0.4.0");

  /* Synchronous: the request is held until the phone approves (policy: after 0.4 s). */
  control ("/phone/policy", "{\"policy\": \"approve-after=0.4\"}");
  sad = csc_authorize (csc, token, cred, digests, FALSE);
  req = csc_sign_body (cred, sad, digests, FALSE);
  start = g_get_monotonic_time ();
  g_clear_pointer (&answer, json_node_unref);
  answer = post (csc, "signatures/signHash", req, token, &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpint (g_get_monotonic_time () - start, >=, 350 * 1000);
  assert_signatures (answer, cert, digests);

  /* Refused on the phone. */
  control ("/phone/policy", "{\"policy\": \"refuse-after=0.1\"}");
  g_free (sad);
  sad = csc_authorize (csc, token, cred, digests, FALSE);
  g_clear_pointer (&req, json_object_unref);
  req = csc_sign_body (cred, sad, digests, FALSE);
  g_clear_pointer (&answer, json_node_unref);
  answer = post (csc, "signatures/signHash", req, token, &status);
  g_assert_cmpuint (status, ==, 400);
  assert_member (answer, "error", "access_denied");

  /* Nobody answers within the lifetime. */
  control ("/phone/policy", "{\"policy\": \"ignore\"}");
  control ("/control/expiry", "{\"seconds\": 1}");
  g_free (sad);
  sad = csc_authorize (csc, token, cred, digests, FALSE);
  g_clear_pointer (&req, json_object_unref);
  req = csc_sign_body (cred, sad, digests, FALSE);
  g_clear_pointer (&answer, json_node_unref);
  answer = post (csc, "signatures/signHash", req, token, &status);
  g_assert_cmpuint (status, ==, 400);
  assert_member (answer, "error", "expired_transaction");

  /* v1 has no signPolling. */
  g_clear_pointer (&answer, json_node_unref);
  answer = csc_poll (csc, token, "csc-x", &status);
  g_assert_cmpuint (status, ==, 404);
}

static const SandboxTest tests[] = {
  { "/sandbox/tls", test_tls },
  { "/sandbox/files", test_files },
  { "/sandbox/neac/get-certificate", test_neac_get_certificate },
  { "/sandbox/neac/approve", test_neac_approve },
  { "/sandbox/neac/refuse-and-expiry", test_neac_refuse_and_expiry },
  { "/sandbox/neac/credential-status", test_neac_credential_status },
  { "/sandbox/phone/policy", test_phone_policy },
  { "/sandbox/csc/v2-async", test_csc_v2_async },
  { "/sandbox/csc/errors", test_csc_errors },
  { "/sandbox/csc/v1-sync", test_csc_v1_sync },
};

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  add_sandbox_tests (tests, G_N_ELEMENTS (tests));
  return run_with_sandbox (NULL);
}
