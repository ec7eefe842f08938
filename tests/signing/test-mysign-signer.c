/* KysoMysignSigner (Viettel MySign, the CSC-shaped variant) against kyso-sandbox over real HTTPS,
 * held to REAL-SERVICES.md §4: the documented answers are read as the document says, and every
 * request Kyso sends is checked field by field against the documented one. */
#include "kyso-error.h"
#include "kyso-mysign-signer-private.h"
#include "kyso-mysign-signer.h"
#include "kyso-neac-signer.h"
#include "kyso-remote-signers.h"
#include "signing-test-util.h"

#include <string.h>

#define BINH "051190000202" /* Viettel-CA, good */
#define LAN "051185000808"  /* Viettel-CA, expired */

static KysoMysignSigner *
make_signer (SigningSandbox *s, const char *cccd)
{
  g_autoptr (GError) error = NULL;
  KysoMysignSigner *signer = kyso_mysign_signer_new (s->config, cccd, NULL, &error);

  g_assert_no_error (error);
  return signer;
}

static void
store_client_secret (SigningSandbox *s)
{
  signing_store_secret ("mysign", kyso_config_get (s->config, "mysign", "client_id"),
                        signing_sandbox_get_string (s, "mysign_client_secret"));
}

static void
assert_members (JsonObject *object, const char *expected)
{
  g_autofree char *names = signing_member_names (object);

  g_assert_cmpstr (names, ==, expected);
}

static JsonObject *
body_of (GPtrArray *requests, guint i)
{
  JsonObject *r = g_ptr_array_index (requests, i);

  g_assert_cmpstr (json_object_get_string_member (r, "method"), ==, "POST");
  g_assert_true (g_str_has_prefix (json_object_get_string_member (r, "content_type"), "application/json"));
  return json_object_get_object_member (r, "json");
}

/* An approval: the documents on the phone by name, the signatures verified, and every request as
 * documented. */
static void
test_approved (void)
{
  SigningSandbox *s = signing_sandbox_get ();
  g_autoptr (KysoMysignSigner) signer = make_signer (s, BINH);
  g_autoptr (GPtrArray) digests = signing_make_digests (2, "mysign");
  g_autoptr (GPtrArray) login = NULL, list = NULL, info = NULL, authorize = NULL, sign = NULL;
  g_autoptr (JsonObject) txn = NULL;
  g_autofree char *id = NULL;
  JsonObject *body;
  SignRun run = { 0 };

  store_client_secret (s);
  signing_sandbox_reset (s, "approve-after=1", 300);
  signing_sandbox_clear_requests (s);
  id = signing_first_credential (KYSO_SIGNER (signer));
  g_assert_cmpstr (id, ==,
                   json_object_get_string_member (signing_sandbox_citizen (s, BINH), "credential_id"));
  signing_run (KYSO_SIGNER (signer), id, digests, NULL, &run);
  g_assert_no_error (run.error);
  g_assert_cmpuint (run.signatures->len, ==, 2);
  g_assert_true (sign_run_saw (&run, KYSO_SIGN_STATE_WAITING));
  g_assert_true (sign_run_saw (&run, KYSO_SIGN_STATE_APPROVED));
  g_assert_cmpstr (run.provider, ==, "Viettel-CA");
  /* MySign's app shows the documents by name, not a code Kyso chose: none is shown. */
  g_assert_null (run.verification_code);
  txn = signing_sandbox_latest_transaction (s);
  g_assert_cmpstr (json_object_get_string_member (txn, "service"), ==, "mysign");
  g_assert_cmpstr (json_array_get_string_element (json_object_get_array_member (txn, "documents"), 1), ==,
                   "giay-to-1.pdf");

  /* login {client_id, client_secret, user_id, profile_id}: no citizen password, no Basic. */
  login = signing_sandbox_requests (s, "mysign/login");
  g_assert_cmpuint (login->len, ==, 2); /* list, then sign */
  body = body_of (login, 0);
  assert_members (body, "client_id,client_secret,profile_id,user_id");
  g_assert_cmpstr (json_object_get_string_member (body, "client_id"), ==, "kyso-sandbox-mysign");
  g_assert_cmpstr (json_object_get_string_member (body, "client_secret"), ==,
                   signing_sandbox_get_string (s, "mysign_client_secret"));
  g_assert_cmpstr (json_object_get_string_member (body, "user_id"), ==, BINH);
  g_assert_cmpstr (json_object_get_string_member (body, "profile_id"), ==, "adss:ras:profile:001");
  g_assert_null (json_object_get_string_member (g_ptr_array_index (login, 0), "authorization"));
  g_assert_cmpstr (json_object_get_string_member (g_ptr_array_index (login, 0), "path"), ==,
                   "/adss/service/ras/v1/login");

  /* credentials/list {userID} with the bearer token. */
  list = signing_sandbox_requests (s, "mysign/list");
  body = body_of (list, 0);
  assert_members (body, "userID");
  g_assert_cmpstr (json_object_get_string_member (body, "userID"), ==, BINH);
  g_assert_cmpstr (json_object_get_string_member (g_ptr_array_index (list, 0), "authorization"), ==,
                   "Bearer");
  g_assert_cmpstr (json_object_get_string_member (g_ptr_array_index (list, 0), "path"), ==,
                   "/adss/service/ras/csc/v1/credentials/list");

  /* credentials/info {credentialID, certificates "chain", certInfo true, authInfo true} */
  info = signing_sandbox_requests (s, "mysign/info");
  body = body_of (info, 0);
  assert_members (body, "authInfo,certInfo,certificates,credentialID");
  g_assert_cmpstr (json_object_get_string_member (body, "certificates"), ==, "chain");
  g_assert_true (json_object_get_boolean_member (body, "certInfo"));
  g_assert_true (json_object_get_boolean_member (body, "authInfo"));

  /* credentials/authorize {credentialID, numSignatures, documents[{document_id, document_name}], hash[]} */
  authorize = signing_sandbox_requests (s, "mysign/authorize");
  g_assert_cmpuint (authorize->len, ==, 1);
  body = body_of (authorize, 0);
  assert_members (body, "credentialID,documents,hash,numSignatures");
  g_assert_cmpstr (json_object_get_string_member (body, "credentialID"), ==, id);
  g_assert_cmpint (json_object_get_int_member (body, "numSignatures"), ==, 2);
  for (guint i = 0; i < 2; i++)
    {
      JsonObject *doc = json_array_get_object_element (json_object_get_array_member (body, "documents"), i);
      gsize len = 0;
      g_autofree guchar *hash = g_base64_decode (
        json_array_get_string_element (json_object_get_array_member (body, "hash"), i), &len);

      assert_members (doc, "document_id,document_name");
      g_assert_cmpmem (hash, len, g_bytes_get_data (g_ptr_array_index (digests, i), NULL), 32);
    }

  /* signatures/signHash {credentialID, SAD, documents, hash, hashAlgo, signAlgo} */
  sign = signing_sandbox_requests (s, "mysign/signHash");
  g_assert_cmpuint (sign->len, ==, 1);
  body = body_of (sign, 0);
  assert_members (body, "SAD,credentialID,documents,hash,hashAlgo,signAlgo");
  g_assert_cmpstr (json_object_get_string_member (body, "hashAlgo"), ==, "2.16.840.1.101.3.4.2.1");
  g_assert_cmpstr (json_object_get_string_member (body, "signAlgo"), ==, "1.2.840.113549.1.1.1");
  sign_run_clear (&run);
}

static void
run_expect_error (const char *cccd, const char *policy, guint expiry, int code)
{
  SigningSandbox *s = signing_sandbox_get ();
  g_autoptr (KysoMysignSigner) signer = make_signer (s, cccd);
  g_autoptr (GPtrArray) digests = signing_make_digests (1, policy);
  g_autofree char *id = NULL;
  SignRun run = { 0 };

  store_client_secret (s);
  signing_sandbox_reset (s, "ignore", 300);
  id = signing_first_credential (KYSO_SIGNER (signer));
  signing_sandbox_reset (s, policy, expiry);
  signing_run (KYSO_SIGNER (signer), id, digests, NULL, &run);
  g_assert_null (run.signatures);
  g_assert_error (run.error, KYSO_ERROR, code);
  g_assert_cmpuint (strlen (run.error->message), >, 20);
  sign_run_clear (&run);
  signing_sandbox_reset (s, "ignore", 300);
}

static void
test_refused (void)
{
  run_expect_error (BINH, "refuse-after=1", 300, KYSO_ERROR_REFUSED);
}

static void
test_expired (void)
{
  run_expect_error (BINH, "ignore", 2, KYSO_ERROR_EXPIRED);
}

static void
test_expired_certificate (void)
{
  run_expect_error (LAN, "approve", 300, KYSO_ERROR_CERTIFICATE);
}

/* A wrong client_secret is refused at login, with what the administrator must do. */
static void
test_wrong_secret (void)
{
  SigningSandbox *s = signing_sandbox_get ();
  g_autoptr (KysoMysignSigner) signer = make_signer (s, BINH);
  g_autoptr (GPtrArray) digests = signing_make_digests (1, "secret");
  SignRun run = { 0 };
  guint before;

  signing_store_secret ("mysign", kyso_config_get (s->config, "mysign", "client_id"), "not-the-secret");
  signing_sandbox_reset (s, "approve", 300);
  before = signing_sandbox_count_transactions (s);
  signing_run (KYSO_SIGNER (signer), "x", digests, NULL, &run);
  g_assert_error (run.error, KYSO_ERROR, KYSO_ERROR_AUTH);
  g_assert_nonnull (strstr (run.error->message, "--service mysign"));
  g_assert_cmpuint (signing_sandbox_count_transactions (s), ==, before);
  sign_run_clear (&run);
  store_client_secret (s);
}

/* The documented answers, typed in from REAL-SERVICES.md §4. */
static void
test_answers (void)
{
  g_autoptr (JsonNode) login
             = json_from_string ("{\"access_token\": \"eyJ.a.b\", \"token_type\": \"Bearer\"}", NULL);
  g_autoptr (JsonNode) list = json_from_string ("{\"credentialIDs\": [\"cred-1\", \"cred-2\"]}", NULL);
  g_autoptr (JsonNode) empty = json_from_string ("{\"credentialIDs\": []}", NULL);
  g_autoptr (JsonNode) info = json_from_string (
    "{\"cert\": {\"status\": \"valid\", \"certificates\": [\"AAEC\", \"AwQF\"]}}", NULL);
  g_autoptr (JsonNode) bad_info = json_from_string ("{\"cert\": {\"certificates\": [\"***\"]}}", NULL);
  g_autoptr (JsonNode) sad = json_from_string ("{\"SAD\": \"1/abc\", \"expiresIn\": 300}", NULL);
  g_autoptr (JsonNode) sigs = json_from_string ("{\"signatures\": [\"AAEC\", \"AwQF\"]}", NULL);
  g_auto (GStrv) ids = _kyso_mysign_read_credential_ids (json_node_get_object (list));
  g_auto (GStrv) none = _kyso_mysign_read_credential_ids (json_node_get_object (empty));
  const char *status = NULL;
  g_autoptr (GPtrArray) chain = _kyso_mysign_read_chain (json_node_get_object (info), &status);
  g_autoptr (GPtrArray) two = _kyso_mysign_read_signatures (json_node_get_object (sigs), 2);
  g_autoptr (GPtrArray) three = _kyso_mysign_read_signatures (json_node_get_object (sigs), 3);
  g_autoptr (GPtrArray) unreadable = _kyso_mysign_read_chain (json_node_get_object (bad_info), NULL);

  g_assert_cmpstr (_kyso_mysign_read_token (json_node_get_object (login)), ==, "eyJ.a.b");
  g_assert_null (_kyso_mysign_read_token (json_node_get_object (list)));
  g_assert_cmpuint (g_strv_length (ids), ==, 2);
  g_assert_cmpstr (ids[1], ==, "cred-2");
  g_assert_cmpuint (g_strv_length (none), ==, 0);
  g_assert_cmpuint (chain->len, ==, 2);
  g_assert_cmpstr (status, ==, "valid");
  g_assert_null (unreadable);
  g_assert_cmpstr (_kyso_mysign_read_sad (json_node_get_object (sad)), ==, "1/abc");
  g_assert_null (_kyso_mysign_read_sad (json_node_get_object (sigs)));
  g_assert_cmpuint (two->len, ==, 2);
  g_assert_null (three);
}

static void
test_constructor (void)
{
  g_autoptr (KysoConfig) config = kyso_config_new_default ();
  g_autoptr (GError) error = NULL;

  g_assert_null (kyso_mysign_signer_new (config, BINH, NULL, &error));
  g_assert_error (error, KYSO_ERROR, KYSO_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  kyso_config_set (config, "mysign", "url", "http://remotesigning.viettel.vn/adss/service/ras");
  kyso_config_set (config, "mysign", "client_id", "c");
  kyso_config_set (config, "mysign", "profile_id", "adss:ras:profile:001");
  /* The client_secret and the token never travel in clear. */
  g_assert_null (kyso_mysign_signer_new (config, BINH, NULL, &error));
  g_assert_error (error, KYSO_ERROR, KYSO_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  kyso_config_set (config, "mysign", "url", "https://remotesigning.viettel.vn/adss/service/ras");
  {
    g_autoptr (KysoMysignSigner) ok = kyso_mysign_signer_new (config, BINH, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpstr (kyso_remote_signer_get_url (KYSO_REMOTE_SIGNER (ok)), ==,
                     "https://remotesigning.viettel.vn/adss/service/ras/");
    g_assert_cmpstr (kyso_remote_signer_get_provider (KYSO_REMOTE_SIGNER (ok)), ==, "Viettel-CA");
  }
}

/* The family is the provider's "service" in providers.json, by id or by name. */
static void
test_family_by_provider (void)
{
  SigningSandbox *s = signing_sandbox_get ();
  g_autoptr(GError) error = NULL;
  g_autoptr(KysoRemoteSigner) viettel
             = kyso_remote_signer_new_for_provider (s->config, BINH, "viettel-ca", &error);
  g_autoptr(KysoRemoteSigner) by_name = NULL;
  g_autoptr(KysoRemoteSigner) vnpt = NULL;
  g_autoptr(KysoRemoteSigner) unknown = NULL;

  g_assert_no_error (error);
  g_assert_true (KYSO_IS_MYSIGN_SIGNER (viettel));
  g_assert_cmpstr (kyso_remote_signer_get_provider (viettel), ==, "Viettel-CA");
  by_name = kyso_remote_signer_new_for_provider (s->config, BINH, "Viettel-CA", &error);
  g_assert_true (KYSO_IS_MYSIGN_SIGNER (by_name));
  vnpt = kyso_remote_signer_new_for_provider (s->config, "051090000101", "vnpt-ca", &error);
  g_assert_no_error (error);
  g_assert_true (KYSO_IS_NEAC_SIGNER (vnpt));
  g_assert_cmpstr (kyso_remote_signer_get_provider (vnpt), ==, "VNPT-CA");
  /* A provider the list does not know: the 769 gateway, shown as given. */
  unknown = kyso_remote_signer_new_for_provider (s->config, "051090000101", "New-CA", &error);
  g_assert_no_error (error);
  g_assert_true (KYSO_IS_NEAC_SIGNER (unknown));
  g_assert_cmpstr (kyso_remote_signer_get_provider (unknown), ==, "New-CA");
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  if (g_getenv ("KYSO_TEST_TMPDIR") != NULL)
    g_setenv ("TMPDIR", g_getenv ("KYSO_TEST_TMPDIR"), TRUE);
  g_test_add_func ("/mysign/constructor", test_constructor);
  g_test_add_func ("/mysign/answers", test_answers);
  g_test_add_func ("/mysign/family-by-provider", test_family_by_provider);
  g_test_add_func ("/mysign/approved", test_approved);
  g_test_add_func ("/mysign/refused", test_refused);
  g_test_add_func ("/mysign/expired", test_expired);
  g_test_add_func ("/mysign/certificate/expired", test_expired_certificate);
  g_test_add_func ("/mysign/auth", test_wrong_secret);
  status = g_test_run ();
  signing_sandbox_stop ();
  return status;
}
