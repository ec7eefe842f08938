/* The sp769 adapter held to REAL-SERVICES.md §1: every documented answer body, typed in from the
 * document's facts, is read the way the document says; every request Kyso sends, as the sandbox
 * received it, is checked field by field against the documented request. */
#include "kyso-error.h"
#include "kyso-neac-signer-private.h"
#include "kyso-neac-signer.h"
#include "kyso-remote-private.h"
#include "signing-test-util.h"

#include <string.h>

#define AN "051090000101"   /* VNPT-CA, good */
#define BINH "051190000202" /* another citizen */

static char *
cert_b64 (SigningSandbox *s, const char *cccd, const char *suffix)
{
  const char *file = json_object_get_string_member (signing_sandbox_citizen (s, cccd), "cert_file");
  g_autofree char *dir = g_path_get_dirname (file);
  g_autofree char *name = g_strdup_printf ("%s%s.pem", cccd, suffix);
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autofree char *pem = NULL;
  g_autoptr (GError) error = NULL;
  GString *b64 = g_string_new (NULL);
  g_auto (GStrv) lines = NULL;

  g_file_get_contents (path, &pem, NULL, &error);
  g_assert_no_error (error);
  lines = g_strsplit (pem, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    if (!g_str_has_prefix (lines[i], "-----"))
      g_string_append (b64, lines[i]);
  return g_string_free (b64, FALSE);
}

static JsonObject *
parse_data (const char *text)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) node = json_from_string (text, &error);
  JsonObject *root;

  g_assert_no_error (error);
  root = json_node_get_object (node);
  /* The documented envelope: {status_code, message, data}. */
  g_assert_true (json_object_has_member (root, "status_code"));
  g_assert_true (json_object_has_member (root, "message"));
  g_assert_true (json_object_has_member (root, "data"));
  return JSON_NODE_HOLDS_OBJECT (json_object_get_member (root, "data"))
           ? json_object_ref (json_object_get_object_member (root, "data"))
           : NULL;
}

/* get_certificate's answer (S1): an organisation seal first, someone else's certificate, the
 * citizen's expired one, then the citizen's valid one. Only the citizen's are offered, valid
 * first, keyed by cert_id; never the ESEAL. */
static void
test_get_certificate_answer (void)
{
  SigningSandbox *s = signing_sandbox_get ();
  g_autofree char *an = cert_b64 (s, AN, "");
  g_autofree char *an_expired = cert_b64 (s, AN, "-expired");
  g_autofree char *binh = cert_b64 (s, BINH, "");
  g_autofree char *text = g_strdup_printf (
    "{\"status_code\": 200, \"message\": \"SUCCESS\", \"data\": {\"user_certificates\": ["
    "{\"service_type\": \"ESEAL\", \"service_name\": \"SmartCA eSeal\", \"cert_id\": \"seal-1\","
    " \"cert_status\": \"Đang hoạt động\", \"serial_number\": \"5401\", \"cert_subject\": \"CN=CÔNG TY "
    "A,UID=MST:0101\","
    " \"cert_valid_from\": \"2024-01-01T00:00:00Z\", \"cert_valid_to\": \"2027-01-01T00:00:00Z\","
    " \"cert_data\": \"%s\", \"chain_data\": {\"ca_cert\": null, \"root_cert\": null}, \"transaction_id\": "
    "\"t-1\"},"
    "{\"service_type\": \"SMARTCA\", \"service_name\": \"SmartCA PS0\", \"cert_id\": \"other-1\","
    " \"cert_status\": \"Đang hoạt động\", \"serial_number\": \"5402\", \"cert_subject\": "
    "\"CN=B,UID=CCCD:" BINH "\","
    " \"cert_valid_from\": \"2024-01-01T00:00:00Z\", \"cert_valid_to\": \"2027-01-01T00:00:00Z\","
    " \"cert_data\": \"%s\", \"chain_data\": {\"ca_cert\": null, \"root_cert\": null}, \"transaction_id\": "
    "\"t-1\"},"
    "{\"service_type\": \"SMARTCA\", \"service_name\": \"SmartCA PS0\", \"cert_id\": \"an-old\","
    " \"cert_status\": \"Hết hạn\", \"serial_number\": \"5403\", \"cert_subject\": \"CN=A,UID=CCCD:" AN "\","
    " \"cert_valid_from\": \"2020-01-01T00:00:00Z\", \"cert_valid_to\": \"2021-01-01T00:00:00Z\","
    " \"cert_data\": \"%s\", \"chain_data\": {\"ca_cert\": null, \"root_cert\": null}, \"transaction_id\": "
    "\"t-1\"},"
    "{\"service_type\": \"SMARTCA\", \"service_name\": \"SmartCA PS0\", \"cert_id\": \"an-now\","
    " \"cert_status\": \"Đang hoạt động\", \"serial_number\": \"5404\", \"cert_subject\": \"CN=A,UID=CCCD:" AN
    "\","
    " \"cert_valid_from\": \"2024-01-01T00:00:00Z\", \"cert_valid_to\": \"2027-01-01T00:00:00Z\","
    " \"cert_data\": \"%s\", \"chain_data\": {\"ca_cert\": null, \"root_cert\": null}, \"transaction_id\": "
    "\"t-1\"}"
    "]}}",
    binh, binh, an_expired, an);
  g_autoptr (JsonObject) data = parse_data (text);
  g_autoptr (GPtrArray) serials = NULL;
  g_autoptr (GPtrArray) statuses = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) creds
             = _kyso_neac_parse_certificates (data, AN, "VNPT-CA", &serials, &statuses, &error);
  KysoSignerCredential *first;

  g_assert_no_error (error);
  g_assert_cmpuint (creds->len, ==, 2);
  first = g_ptr_array_index (creds, 0);
  g_assert_cmpstr (first->id, ==, "an-now");
  g_assert_cmpstr (first->provider, ==, "VNPT-CA");
  /* root_cert may be null, ca_cert too: the chain is the certificate alone. */
  g_assert_cmpuint (first->chain->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (serials, 0), ==, "5404");
  g_assert_cmpstr (g_ptr_array_index (statuses, 0), ==, "Đang hoạt động");
  g_assert_cmpstr (((KysoSignerCredential *)g_ptr_array_index (creds, 1))->id, ==, "an-old");

  /* Someone else's account: only their own certificate, still never the seal. */
  g_clear_pointer (&creds, g_ptr_array_unref);
  creds = _kyso_neac_parse_certificates (data, BINH, "VNPT-CA", NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (creds->len, ==, 1);
  g_assert_cmpstr (((KysoSignerCredential *)g_ptr_array_index (creds, 0))->id, ==, "other-1");

  /* An entry whose cert_data is not a certificate is an unreadable answer, not a skip. */
  {
    g_autoptr (JsonObject) bad = parse_data (
      "{\"status_code\": 200, \"message\": \"SUCCESS\", \"data\": {\"user_certificates\": ["
      "{\"service_type\": \"SMARTCA\", \"cert_id\": \"x\", \"cert_data\": \"bm90IGEgY2VydA==\"}]}}");
    g_autoptr (GPtrArray) none = _kyso_neac_parse_certificates (bad, AN, "VNPT-CA", NULL, NULL, &error);
    g_assert_null (none);
    g_assert_error (error, KYSO_ERROR, KYSO_ERROR_SERVER);
  }
}

/* The status answer: done only with "signatures" present and not null (S1 §4, S2, S3). */
static void
test_status_answers (void)
{
  g_autoptr (JsonObject) done = parse_data (
    "{\"status_code\": 200, \"message\": \"SUCCESS\", \"data\": {\"transaction_id\": \"SP769-1\","
    " \"signatures\": [{\"doc_id\": \"30c-7401-2562\", \"signature_value\": \"AAEC\", "
    "\"timestamp_signature\": null}]}}");
  g_autoptr (JsonObject) waiting
             = parse_data ("{\"status_code\": 200, \"message\": \"sig_wait_for_user_confirm\", \"data\": "
                           "{\"transaction_id\": \"SP769-1\"}}");
  g_autoptr (JsonObject) nulled = parse_data ("{\"status_code\": 200, \"message\": \"PENDING\", \"data\": "
                                              "{\"transaction_id\": \"SP769-1\", \"signatures\": null}}");
  g_autoptr (JsonObject) empty = parse_data ("{\"status_code\": 200, \"message\": \"\", \"data\": null}");
  g_autoptr (JsonObject) sign = parse_data (
    "{\"status_code\": 200, \"message\": \"sig_wait_for_user_confirm\", \"data\": {\"transaction_id\":"
    " \"SP769-1\", \"tran_code\": \"0a6d4e0c-1b2f-4a0e-9a5f-3c2d1e0f9b8a\"}}");

  g_assert_true (_kyso_neac_answer_is_done (done));
  g_assert_false (_kyso_neac_answer_is_done (waiting));
  g_assert_false (_kyso_neac_answer_is_done (nulled));
  g_assert_false (_kyso_neac_answer_is_done (empty));
  g_assert_null (empty);
  /* The sign answer: the gateway's transaction_id and a UUID tran_code. */
  g_assert_cmpstr (kyso_remote_json_string (sign, "transaction_id"), ==, "SP769-1");
  g_assert_true (g_uuid_string_is_valid (kyso_remote_json_string (sign, "tran_code")));
  g_assert_false (_kyso_neac_answer_is_done (sign));
}

/* The documented codes end a request, each with its own plain message. */
static void
test_error_codes (void)
{
  static const struct
  {
    guint status;
    const char *message;
    int code;
  } cases[] = {
    { 400, "BAD_REQUEST", KYSO_ERROR_SERVER },
    { 401, "SP_CREDENTIAL_INVALID", KYSO_ERROR_AUTH },
    { 403, "CREDENTIAL_STATUS_INVALID", KYSO_ERROR_CERTIFICATE },
    { 500, "SERVER_INTERNAL_ERROR", KYSO_ERROR_SERVER },
    /* The message only chooses the words for what the code already ends. */
    { 400, "user_reject_transaction", KYSO_ERROR_REFUSED },
    { 400, "transaction_expired", KYSO_ERROR_EXPIRED },
    { 400, "user_not_found", KYSO_ERROR_NOT_FOUND },
  };
  g_autoptr (GHashTable) messages = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = NULL;

      _kyso_neac_set_gateway_error ("sp-1", "VNPT-CA", cases[i].status, cases[i].message, &error);
      g_assert_error (error, KYSO_ERROR, cases[i].code);
      g_assert_cmpuint (strlen (error->message), >, 20);
      /* No two cases say the same thing. */
      g_assert_true (g_hash_table_add (messages, g_strdup (error->message)));
    }
}

static void
assert_members (JsonObject *object, const char *expected)
{
  g_autofree char *names = signing_member_names (object);

  g_assert_cmpstr (names, ==, expected);
}

/* What Kyso sends, field by field, against S1 (and the status call's empty-body clients S2/S3,
 * whose credentials S1 puts in every body). */
static void
test_requests (void)
{
  SigningSandbox *s = signing_sandbox_get ();
  g_autoptr (GError) error = NULL;
  g_autoptr (KysoNeacSigner) signer = kyso_neac_signer_new (s->config, AN, "VNPT-CA", &error);
  g_autoptr (GPtrArray) digests = signing_make_digests (2, "contract");
  g_autoptr (GPtrArray) all = NULL;
  g_autoptr (GPtrArray) get = NULL;
  g_autoptr (GPtrArray) sign = NULL;
  g_autoptr (GPtrArray) status = NULL;
  g_autoptr (JsonObject) txn = NULL;
  g_autofree char *id = NULL;
  JsonObject *body;
  JsonArray *files;
  SignRun run = { 0 };

  g_assert_no_error (error);
  kyso_neac_signer_set_poll_interval (signer, 300, 600);
  signing_sandbox_reset (s, "approve-after=1", 300);
  signing_sandbox_clear_requests (s);
  id = signing_first_credential (KYSO_SIGNER (signer));
  signing_run (KYSO_SIGNER (signer), id, digests, NULL, &run);
  g_assert_no_error (run.error);
  txn = signing_sandbox_latest_transaction (s);

  all = signing_sandbox_requests (s, NULL);
  for (guint i = 0; i < all->len; i++)
    {
      JsonObject *r = g_ptr_array_index (all, i);

      /* (The revocation check before asking the phone goes to OCSP.) */
      if (!g_str_has_prefix (json_object_get_string_member (r, "kind"), "neac/"))
        continue;
      /* All calls are POST, JSON in, under the documented base + v1/. */
      g_assert_cmpstr (json_object_get_string_member (r, "method"), ==, "POST");
      g_assert_true (
        g_str_has_prefix (json_object_get_string_member (r, "content_type"), "application/json"));
      g_assert_true (g_str_has_prefix (json_object_get_string_member (r, "path"), "/sca/sp769/v1/"));
      g_assert_true (JSON_NODE_HOLDS_OBJECT (json_object_get_member (r, "json")));
      body = json_object_get_object_member (r, "json");
      g_assert_cmpstr (json_object_get_string_member (body, "sp_id"), ==,
                       signing_sandbox_get_string (s, "sp_id"));
      g_assert_cmpstr (json_object_get_string_member (body, "sp_password"), ==,
                       signing_sandbox_get_string (s, "sp_password"));
    }

  /* get_certificate {sp_id, sp_password, user_id, serial_number?, transaction_id} */
  get = signing_sandbox_requests (s, "neac/get_certificate");
  g_assert_cmpuint (get->len, >=, 1);
  body = json_object_get_object_member (g_ptr_array_index (get, 0), "json");
  assert_members (body, "sp_id,sp_password,transaction_id,user_id");
  g_assert_cmpstr (json_object_get_string_member (body, "user_id"), ==, AN);
  g_assert_cmpuint (strlen (json_object_get_string_member (body, "transaction_id")), >, 0);

  /* sign {sp_id, sp_password, user_id, transaction_id, transaction_desc?, serial_number?,
   * time_stamp?, sign_files[{data_to_be_signed, doc_id, file_type, sign_type}]} */
  sign = signing_sandbox_requests (s, "neac/sign");
  g_assert_cmpuint (sign->len, ==, 1);
  body = json_object_get_object_member (g_ptr_array_index (sign, 0), "json");
  assert_members (body, "serial_number,sign_files,sp_id,sp_password,transaction_desc,transaction_id,user_id");
  g_assert_cmpstr (json_object_get_string_member (body, "user_id"), ==, AN);
  g_assert_cmpstr (json_object_get_string_member (body, "transaction_id"), ==,
                   json_object_get_string_member (txn, "client_id"));
  {
    g_autofree char *serial = g_ascii_strup (json_object_get_string_member (body, "serial_number"), -1);
    g_assert_cmpstr (serial, ==,
                     json_object_get_string_member (signing_sandbox_citizen (s, AN), "serial_number"));
  }
  files = json_object_get_array_member (body, "sign_files");
  g_assert_cmpuint (json_array_get_length (files), ==, 2);
  for (guint i = 0; i < 2; i++)
    {
      JsonObject *f = json_array_get_object_element (files, i);
      const char *hex = json_object_get_string_member (f, "data_to_be_signed");
      g_autofree char *expect = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *)"", 0);
      g_autofree char *lower = NULL;

      assert_members (f, "data_to_be_signed,doc_id,file_type,sign_type");
      /* "hash" signing with the lowercase hex of the hash. */
      g_assert_cmpstr (json_object_get_string_member (f, "sign_type"), ==, "hash");
      g_assert_cmpstr (json_object_get_string_member (f, "file_type"), ==, "pdf");
      g_assert_cmpuint (strlen (hex), ==, strlen (expect));
      lower = g_ascii_strdown (hex, -1);
      g_assert_cmpstr (hex, ==, lower);
      {
        gsize n;
        const guint8 *d = g_bytes_get_data (g_ptr_array_index (digests, i), &n);
        g_autoptr (GString) want = g_string_new (NULL);
        for (gsize k = 0; k < n; k++)
          g_string_append_printf (want, "%02x", d[k]);
        g_assert_cmpstr (hex, ==, want->str);
      }
      /* doc_id: the readable code, and the one the progress showed. */
      g_assert_true (kyso_remote_is_doc_code (json_object_get_string_member (f, "doc_id")));
      g_assert_nonnull (strstr (run.verification_code, json_object_get_string_member (f, "doc_id")));
    }

  /* status: polled with the gateway's own transaction_id, never the one Kyso sent. */
  status = signing_sandbox_requests (s, "neac/status");
  g_assert_cmpuint (status->len, >=, 1);
  for (guint i = 0; i < status->len; i++)
    {
      JsonObject *r = g_ptr_array_index (status, i);
      g_autofree char *path = g_strdup_printf ("/sca/sp769/v1/signatures/sign/%s/status",
                                               json_object_get_string_member (txn, "id"));
      g_assert_cmpstr (json_object_get_string_member (r, "path"), ==, path);
      assert_members (json_object_get_object_member (r, "json"), "sp_id,sp_password");
    }
  sign_run_clear (&run);
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  if (g_getenv ("KYSO_TEST_TMPDIR") != NULL)
    g_setenv ("TMPDIR", g_getenv ("KYSO_TEST_TMPDIR"), TRUE);
  g_test_add_func ("/sp769/answer/get-certificate", test_get_certificate_answer);
  g_test_add_func ("/sp769/answer/status", test_status_answers);
  g_test_add_func ("/sp769/answer/errors", test_error_codes);
  g_test_add_func ("/sp769/requests", test_requests);
  status = g_test_run ();
  signing_sandbox_stop ();
  return status;
}
