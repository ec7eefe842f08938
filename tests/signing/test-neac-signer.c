/* KysoNeacSigner against kyso-sandbox's NEAC gateway over real HTTPS: every phone outcome, every
 * fault mode, TLS, resume after a restart, and no secret in the log. */
#include "kyso-error.h"
#include "kyso-neac-signer.h"
#include "kyso-pending.h"
#include "kyso-remote-private.h"
#include "kyso-sign-wait.h"
#include "kyso-signing-credentials.h"
#include "signing-test-util.h"

#include <glib/gstdio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <string.h>

#define AN "051090000101"   /* VNPT-CA, good */
#define HUNG "051080000707" /* revoked */
#define LAN "051185000808"  /* expired */

static KysoNeacSigner *
make_signer (SigningSandbox *s, const char *cccd, const char *provider)
{
  g_autoptr(GError) error = NULL;
  KysoNeacSigner *signer = kyso_neac_signer_new (s->config, cccd, provider, &error);

  g_assert_no_error (error);
  /* Fast polling keeps the suite short; one test keeps the defaults. */
  kyso_neac_signer_set_poll_interval (signer, 300, 600);
  return signer;
}

/* Independently of the signer: the signature verifies with the citizen's certificate file. */
static void
assert_verifies (JsonObject *citizen, GBytes *digest, GBytes *signature)
{
  const char *path = json_object_get_string_member (citizen, "cert_file");
  FILE *fp = fopen (path, "r");
  X509 *cert = fp ? PEM_read_X509 (fp, NULL, NULL, NULL) : NULL;
  EVP_PKEY_CTX *ctx;

  g_assert_nonnull (cert);
  fclose (fp);
  ctx = EVP_PKEY_CTX_new (X509_get0_pubkey (cert), NULL);
  g_assert_cmpint (EVP_PKEY_verify_init (ctx), ==, 1);
  g_assert_cmpint (EVP_PKEY_CTX_set_signature_md (ctx, EVP_sha256 ()), ==, 1);
  g_assert_cmpint (EVP_PKEY_verify (ctx, g_bytes_get_data (signature, NULL), g_bytes_get_size (signature),
                                    g_bytes_get_data (digest, NULL), g_bytes_get_size (digest)),
                   ==, 1);
  EVP_PKEY_CTX_free (ctx);
  X509_free (cert);
}

static void
test_list_credentials (void)
{
  SigningSandbox *s = signing_sandbox_get ();
  g_autoptr(KysoNeacSigner) signer = make_signer (s, AN, "VNPT-CA");
  g_autofree char *id = NULL;
  g_autofree char *serial
    = g_ascii_strdown (json_object_get_string_member (signing_sandbox_citizen (s, AN), "serial_number"), -1);

  signing_sandbox_reset (s, "ignore", 300);
  id = signing_first_credential (KYSO_SIGNER (signer));
  /* cert_id is the serial in lower-case hex. */
  g_assert_cmpstr (id, ==, serial);
}

static void
test_sign_approved (void)
{
  SigningSandbox *s = signing_sandbox_get ();
  g_autoptr(KysoNeacSigner) signer = make_signer (s, AN, "VNPT-CA");
  g_autoptr(GPtrArray) digests = signing_make_digests (3, "approved");
  g_autofree char *id = signing_first_credential (KYSO_SIGNER (signer));
  g_autoptr(JsonObject) txn = NULL;
  g_autoptr(GString) sent = g_string_new (NULL);
  JsonArray *documents;
  SignRun run = { 0 };
  guint before;

  signing_sandbox_reset (s, "approve-after=1", 300);
  before = signing_sandbox_count_transactions (s);
  signing_run (KYSO_SIGNER (signer), id, digests, NULL, &run);
  g_assert_no_error (run.error);
  g_assert_cmpuint (run.signatures->len, ==, 3);
  for (guint i = 0; i < 3; i++)
    assert_verifies (signing_sandbox_citizen (s, AN), g_ptr_array_index (digests, i),
                     g_ptr_array_index (run.signatures, i));
  /* SENDING → WAITING (provider, code, expiry) → APPROVED, in that order. */
  g_assert_cmpint (g_array_index (run.states, KysoSignState, 0), ==, KYSO_SIGN_STATE_SENDING);
  g_assert_true (sign_run_saw (&run, KYSO_SIGN_STATE_WAITING));
  g_assert_cmpint (g_array_index (run.states, KysoSignState, run.states->len - 1), ==,
                   KYSO_SIGN_STATE_APPROVED);
  g_assert_cmpstr (run.provider, ==, "VNPT-CA");
  g_assert_cmpint (run.expires_at, >, g_get_real_time ());
  g_assert_cmpint (run.expires_at, <=, g_get_real_time () + 301 * G_USEC_PER_SEC);

  /* One approval for the three documents, described as asked. */
  g_assert_cmpuint (signing_sandbox_count_transactions (s), ==, before + 1);
  txn = signing_sandbox_latest_transaction (s);
  g_assert_cmpstr (json_object_get_string_member (txn, "state"), ==, "approved");
  g_assert_cmpstr (json_object_get_string_member (txn, "description"), ==, "Ký hồ sơ thử nghiệm");
  /* The progress names the gateway's own transaction (not the id Kyso sent), and the code shown
   * is exactly the doc_id the gateway received for each document: short, readable, unique. */
  g_assert_cmpstr (run.transaction_id, ==, json_object_get_string_member (txn, "id"));
  g_assert_cmpstr (run.transaction_id, !=, json_object_get_string_member (txn, "client_id"));
  documents = json_object_get_array_member (txn, "documents");
  g_assert_cmpuint (json_array_get_length (documents), ==, 3);
  for (guint i = 0; i < 3; i++)
    {
      const char *doc_id = json_array_get_string_element (documents, i);
      g_assert_true (kyso_remote_is_doc_code (doc_id));
      g_string_append_printf (sent, "%s%s", i ? ", " : "", doc_id);
    }
  g_assert_cmpstr (json_array_get_string_element (documents, 0), !=,
                   json_array_get_string_element (documents, 1));
  g_assert_cmpstr (run.verification_code, ==, sent->str);
  sign_run_clear (&run);
}

static void
test_sign_default_timing (void)
{
  SigningSandbox *s = signing_sandbox_get ();
  g_autoptr(GError) error = NULL;
  g_autoptr(KysoNeacSigner) signer = kyso_neac_signer_new (s->config, AN, "VNPT-CA", &error);
  g_autoptr(GPtrArray) digests = signing_make_digests (1, "default");
  g_autofree char *id = signing_first_credential (KYSO_SIGNER (signer));
  SignRun run = { 0 };
  gint64 start;

  signing_sandbox_reset (s, "approve-after=3", 300);
  start = g_get_monotonic_time ();
  signing_run (KYSO_SIGNER (signer), id, digests, NULL, &run);
  g_assert_no_error (run.error);
  /* Polls at ~3 s then ~4.5 s later (public clients poll about every 10 s): approved at 3 s,
   * seen by the first or second poll (≤ 8.5 s), not after many more. */
  g_assert_cmpint (g_get_monotonic_time () - start, >=, 3 * G_USEC_PER_SEC);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 10 * G_USEC_PER_SEC);
  sign_run_clear (&run);
}

static void
run_expect_error (const char *cccd, const char *policy, guint expiry, const char *fault, GQuark domain,
                  int code, gboolean expect_transaction)
{
  SigningSandbox *s = signing_sandbox_get ();
  g_autoptr(KysoNeacSigner) signer = make_signer (s, cccd, "VNPT-CA");
  g_autoptr(GPtrArray) digests = signing_make_digests (2, policy);
  g_autofree char *id = NULL;
  SignRun run = { 0 };
  guint before;

  signing_sandbox_reset (s, "ignore", 300);
  /* Certificate faults change what get_certificate offers: list with the fault on. */
  if (fault != NULL && g_str_has_suffix (fault, "-cert"))
    signing_sandbox_fault (s, fault);
  id = signing_first_credential (KYSO_SIGNER (signer));
  signing_sandbox_reset (s, policy, expiry);
  if (fault != NULL)
    signing_sandbox_fault (s, fault);
  before = signing_sandbox_count_transactions (s);
  signing_run (KYSO_SIGNER (signer), id, digests, NULL, &run);
  g_assert_null (run.signatures);
  g_assert_error (run.error, domain, code);
  /* A message for a person, not a code. */
  g_assert_cmpuint (strlen (run.error->message), >, 20);
  g_test_message ("%s / %s → %s", policy, fault ? fault : "-", run.error->message);
  g_assert_cmpuint (signing_sandbox_count_transactions (s), ==, before + (expect_transaction ? 1 : 0));
  sign_run_clear (&run);
  signing_sandbox_reset (s, "ignore", 300);
}

static void
test_refused (void)
{
  run_expect_error (AN, "refuse-after=1", 300, NULL, KYSO_ERROR, KYSO_ERROR_REFUSED, TRUE);
}

static void
test_expired (void)
{
  run_expect_error (AN, "ignore", 3, NULL, KYSO_ERROR, KYSO_ERROR_EXPIRED, TRUE);
}

static void
test_badsig (void)
{
  run_expect_error (AN, "approve", 300, "badsig", KYSO_ERROR, KYSO_ERROR_BAD_SIGNATURE, TRUE);
}

static void
test_badjson (void)
{
  run_expect_error (AN, "approve", 300, "badjson", KYSO_ERROR, KYSO_ERROR_SERVER, FALSE);
}

static void
test_http500_always (void)
{
  run_expect_error (AN, "approve", 300, "http500-always", KYSO_ERROR, KYSO_ERROR_SERVER, FALSE);
}

static void
test_drop_always (void)
{
  run_expect_error (AN, "approve", 300, "drop-always", KYSO_ERROR, KYSO_ERROR_NETWORK, FALSE);
}

static void
test_expired_cert (void)
{
  run_expect_error (AN, "approve", 300, "expired-cert", KYSO_ERROR, KYSO_ERROR_CERTIFICATE, FALSE);
}

static void
test_revoked_cert (void)
{
  run_expect_error (AN, "approve", 300, "revoked-cert", KYSO_ERROR, KYSO_ERROR_CERTIFICATE, FALSE);
}

static void
test_revoked_citizen (void)
{
  run_expect_error (HUNG, "approve", 300, NULL, KYSO_ERROR, KYSO_ERROR_CERTIFICATE, FALSE);
}

static void
test_expired_citizen (void)
{
  run_expect_error (LAN, "approve", 300, NULL, KYSO_ERROR, KYSO_ERROR_CERTIFICATE, FALSE);
}

/* A single fault of each kind is retried and the signature still arrives, once on the phone. */
static void
run_recovers (const char *fault)
{
  SigningSandbox *s = signing_sandbox_get ();
  g_autoptr(KysoNeacSigner) signer = make_signer (s, AN, "VNPT-CA");
  g_autoptr(GPtrArray) digests = signing_make_digests (2, fault);
  g_autofree char *id = NULL;
  SignRun run = { 0 };
  guint before;

  signing_sandbox_reset (s, "approve-after=1", 300);
  id = signing_first_credential (KYSO_SIGNER (signer));
  signing_sandbox_fault (s, fault);
  before = signing_sandbox_count_transactions (s);
  signing_run (KYSO_SIGNER (signer), id, digests, NULL, &run);
  g_assert_no_error (run.error);
  g_assert_cmpuint (run.signatures->len, ==, 2);
  if (!g_str_has_prefix (fault, "slow"))
    g_assert_true (sign_run_saw (&run, KYSO_SIGN_STATE_RETRYING));
  g_assert_cmpuint (signing_sandbox_count_transactions (s), ==, before + 1);
  sign_run_clear (&run);
  signing_sandbox_reset (s, "ignore", 300);
}

static void
test_recovers_http500 (void)
{
  run_recovers ("http500");
}

static void
test_recovers_drop (void)
{
  run_recovers ("drop");
}

static void
test_recovers_slow (void)
{
  run_recovers ("slow=2");
}

static void
test_auth_errors (void)
{
  SigningSandbox *s = signing_sandbox_get ();
  g_autoptr(KysoConfig) config = kyso_config_load (s->sb->config_file, NULL);
  g_autoptr(KysoNeacSigner) signer = NULL;
  g_autoptr(KysoNeacSigner) unknown = make_signer (s, "999999999999", "VNPT-CA");
  g_autoptr(KysoNeacSigner) an = make_signer (s, AN, "VNPT-CA");
  g_autoptr(GPtrArray) digests = signing_make_digests (1, "auth");
  g_autoptr(GError) error = NULL;
  SignRun run = { 0 };
  guint before;

  signing_sandbox_reset (s, "approve", 300);
  before = signing_sandbox_count_transactions (s);

  /* An sp_id with no password in the keyring: says how to store one. */
  kyso_config_set (config, "neac", "sp_id", "no-such-sp");
  signer = kyso_neac_signer_new (config, AN, "VNPT-CA", &error);
  g_assert_no_error (error);
  signing_run (KYSO_SIGNER (signer), "x", digests, NULL, &run);
  g_assert_error (run.error, KYSO_ERROR, KYSO_ERROR_AUTH);
  g_assert_nonnull (strstr (run.error->message, "signing-credentials"));
  sign_run_clear (&run);
  g_clear_object (&signer);

  /* A password the gateway refuses (401 invalid_sp_credentials). */
  signing_store_secret ("neac", "wrong-sp", "not-the-password");
  kyso_config_set (config, "neac", "sp_id", "wrong-sp");
  signer = kyso_neac_signer_new (config, AN, "VNPT-CA", &error);
  signing_run (KYSO_SIGNER (signer), "x", digests, NULL, &run);
  g_assert_error (run.error, KYSO_ERROR, KYSO_ERROR_AUTH);
  sign_run_clear (&run);

  /* An ID number the gateway does not know: user_not_found. */
  signing_run (KYSO_SIGNER (unknown), "x", digests, NULL, &run);
  g_assert_error (run.error, KYSO_ERROR, KYSO_ERROR_NOT_FOUND);
  sign_run_clear (&run);

  /* A credential id the gateway does not offer. */
  signing_run (KYSO_SIGNER (an), "not-a-cert", digests, NULL, &run);
  g_assert_error (run.error, KYSO_ERROR, KYSO_ERROR_NOT_FOUND);
  sign_run_clear (&run);

  /* None of these reached the phone. */
  g_assert_cmpuint (signing_sandbox_count_transactions (s), ==, before);
}

static void
test_constructor_errors (void)
{
  g_autoptr(KysoConfig) empty = kyso_config_new_default ();
  g_autoptr(KysoConfig) config = kyso_config_new_default ();
  g_autoptr(GError) error = NULL;

  g_assert_null (kyso_neac_signer_new (empty, AN, "VNPT-CA", &error));
  g_assert_error (error, KYSO_ERROR, KYSO_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  kyso_config_set (config, "neac", "url", "ftp://x/");
  kyso_config_set (config, "neac", "sp_id", "sp");
  g_assert_null (kyso_neac_signer_new (config, AN, "VNPT-CA", &error));
  g_assert_error (error, KYSO_ERROR, KYSO_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  /* The SP password never travels in clear: plain http only to this machine. */
  kyso_config_set (config, "neac", "url", "http://gwsca.vnpt.vn/sca/sp769");
  g_assert_null (kyso_neac_signer_new (config, AN, "VNPT-CA", &error));
  g_assert_error (error, KYSO_ERROR, KYSO_ERROR_INVALID_INPUT);
  g_assert_nonnull (strstr (error->message, "https://"));
  g_clear_error (&error);
  kyso_config_set (config, "neac", "url", "http://127.0.0.1:1/neac/v1");
  {
    g_autoptr(KysoNeacSigner) loopback = kyso_neac_signer_new (config, AN, "VNPT-CA", &error);
    g_assert_no_error (error);
    g_assert_nonnull (loopback);
  }
  kyso_config_set (config, "neac", "url", "https://rmgateway.vnptit.vn/sca/sp769");
  g_assert_null (kyso_neac_signer_new (config, "12ab", "VNPT-CA", &error));
  g_assert_error (error, KYSO_ERROR, KYSO_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  {
    g_autoptr(KysoNeacSigner) ok = kyso_neac_signer_new (config, AN, NULL, &error);
    g_assert_no_error (error);
    /* The documented base; a trailing slash is added and Kyso appends v1/…. */
    g_assert_cmpstr (kyso_neac_signer_get_url (ok), ==, "https://rmgateway.vnptit.vn/sca/sp769/");
    g_assert_cmpstr (kyso_neac_signer_get_provider (ok), ==, "NEAC");
  }
  /* A base written with v1/ is the same gateway. */
  kyso_config_set (config, "neac", "url", "https://gwsca.vnpt.vn/sca/sp769/v1/");
  {
    g_autoptr(KysoNeacSigner) v1 = kyso_neac_signer_new (config, AN, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpstr (kyso_neac_signer_get_url (v1), ==, "https://gwsca.vnpt.vn/sca/sp769/");
  }
}

static void
test_wrong_ca (void)
{
  SigningSandbox *s = signing_sandbox_get ();
  g_autoptr(KysoConfig) config = kyso_config_load (s->sb->config_file, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(KysoNeacSigner) signer = NULL;
  g_autoptr(GPtrArray) digests = signing_make_digests (1, "tls");
  JsonArray *providers = json_object_get_array_member (s->sb->info, "providers");
  SignRun run = { 0 };
  guint before;

  /* An issuing CA of the sandbox is a real CA, but not the one behind the TLS certificate. */
  kyso_config_set (config, "tls", "ca_file",
                   json_object_get_string_member (json_array_get_object_element (providers, 0), "ca_file"));
  signer = kyso_neac_signer_new (config, AN, "VNPT-CA", &error);
  g_assert_no_error (error);
  signing_sandbox_reset (s, "approve", 300);
  before = signing_sandbox_count_transactions (s);
  signing_run (KYSO_SIGNER (signer), "x", digests, NULL, &run);
  g_assert_error (run.error, KYSO_ERROR, KYSO_ERROR_TLS);
  g_assert_cmpuint (signing_sandbox_count_transactions (s), ==, before);
  sign_run_clear (&run);
}

static char *
make_pending_dir (void)
{
  g_autofree char *base = g_dir_make_tmp ("kyso-neac-pending-XXXXXX", NULL);

  return g_build_filename (base, "pending", NULL);
}

static void
test_cancel_then_resume (void)
{
  SigningSandbox *s = signing_sandbox_get ();
  g_autoptr(KysoNeacSigner) first = make_signer (s, AN, "VNPT-CA");
  g_autoptr(KysoNeacSigner) second = make_signer (s, AN, "VNPT-CA");
  g_autoptr(GPtrArray) digests = signing_make_digests (2, "resume");
  g_autoptr(GPtrArray) other = signing_make_digests (2, "other");
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autofree char *dir = make_pending_dir ();
  g_autofree char *id = signing_first_credential (KYSO_SIGNER (first));
  g_autoptr(KysoPending) pending = kyso_pending_new (dir, "neac");
  g_autoptr(KysoPending) loaded = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) txn = NULL;
  SignRun run = { 0 };
  gint64 start;
  guint before;

  signing_sandbox_reset (s, "ignore", 300);
  before = signing_sandbox_count_transactions (s);
  kyso_pending_set_document_path (pending, "/tmp/in.pdf");
  kyso_neac_signer_set_pending (first, pending);
  kyso_neac_signer_set_poll_interval (first, 5000, 5000);
  run.cancel_when_waiting = cancellable;
  start = g_get_monotonic_time ();
  signing_run (KYSO_SIGNER (first), id, digests, cancellable, &run);
  g_assert_error (run.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  /* Cancelling does not wait for the next poll. */
  g_assert_cmpint (g_get_monotonic_time () - start, <, 4 * G_USEC_PER_SEC);
  sign_run_clear (&run);
  g_assert_cmpuint (signing_sandbox_count_transactions (s), ==, before + 1);

  /* The record survived, in state "sent", naming the transaction. */
  list = kyso_pending_list (dir, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 1);
  loaded = g_object_ref (g_ptr_array_index (list, 0));
  g_assert_cmpint (kyso_pending_get_state (loaded), ==, KYSO_PENDING_SENT);
  g_assert_nonnull (kyso_pending_get_transaction_id (loaded));
  txn = signing_sandbox_latest_transaction (s);
  /* The gateway's own transaction id and its tran_code (a UUID), and the doc_ids it received. */
  g_assert_cmpstr (json_object_get_string_member (txn, "id"), ==, kyso_pending_get_transaction_id (loaded));
  g_assert_cmpstr (json_object_get_string_member (txn, "tran_code"), ==, kyso_pending_get_tran_code (loaded));
  g_assert_true (g_uuid_string_is_valid (kyso_pending_get_tran_code (loaded)));
  {
    JsonArray *documents = json_object_get_array_member (txn, "documents");
    g_autofree char *joined = g_strdup_printf ("%s, %s", json_array_get_string_element (documents, 0),
                                               json_array_get_string_element (documents, 1));
    g_assert_cmpstr (kyso_pending_get_doc_ids (loaded)[0], ==, json_array_get_string_element (documents, 0));
    g_assert_cmpstr (kyso_pending_get_doc_ids (loaded)[1], ==, json_array_get_string_element (documents, 1));
    g_assert_cmpstr (kyso_pending_get_verification_code (loaded), ==, joined);
  }

  /* Other digests never resume someone else's transaction. */
  kyso_neac_signer_set_pending (second, loaded);
  signing_run (KYSO_SIGNER (second), id, other, NULL, &run);
  g_assert_error (run.error, KYSO_ERROR, KYSO_ERROR_INVALID_INPUT);
  sign_run_clear (&run);

  /* Approved while nobody was waiting; a "restart" picks it up without a second request. */
  signing_sandbox_phone (s, kyso_pending_get_transaction_id (loaded), "approve");
  signing_run (KYSO_SIGNER (second), id, digests, NULL, &run);
  g_assert_no_error (run.error);
  g_assert_cmpuint (run.signatures->len, ==, 2);
  g_assert_false (sign_run_saw (&run, KYSO_SIGN_STATE_RETRYING));
  g_assert_cmpuint (signing_sandbox_count_transactions (s), ==, before + 1);
  /* Approved and kept until the caller has written its file. */
  g_assert_cmpint (kyso_pending_get_state (loaded), ==, KYSO_PENDING_APPROVED);
  g_assert_true (kyso_pending_forget (loaded, &error));
  sign_run_clear (&run);
}

/* Saved, then the process died before the gateway's answer: the same request goes again with
 * the same transaction_id, and the gateway answers with the transaction it already has. */
static void
test_resume_prepared (void)
{
  SigningSandbox *s = signing_sandbox_get ();
  g_autoptr(KysoNeacSigner) signer = make_signer (s, AN, "VNPT-CA");
  g_autoptr(GPtrArray) digests = signing_make_digests (1, "prepared");
  g_autofree char *dir = make_pending_dir ();
  g_autofree char *id = signing_first_credential (KYSO_SIGNER (signer));
  g_autoptr(KysoPending) pending = kyso_pending_new (dir, "neac");
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(JsonObject) txn = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autofree char *code = NULL;
  SignRun run = { 0 };
  guint before;

  signing_sandbox_reset (s, "ignore", 300);
  before = signing_sandbox_count_transactions (s);
  /* First run: cancelled at WAITING leaves a SENT record; turn it back into what a crash right
   * after sending would have left — the id Kyso sent, no answer. */
  kyso_neac_signer_set_pending (signer, pending);
  run.cancel_when_waiting = cancellable;
  signing_run (KYSO_SIGNER (signer), id, digests, cancellable, &run);
  g_assert_error (run.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  code = g_strdup (run.verification_code);
  sign_run_clear (&run);
  g_assert_cmpuint (signing_sandbox_count_transactions (s), ==, before + 1);
  txn = signing_sandbox_latest_transaction (s);
  kyso_pending_set_transaction_id (pending, json_object_get_string_member (txn, "client_id"));
  kyso_pending_set_state (pending, KYSO_PENDING_PREPARED);
  /* Known to the gateway: the repeat is answered with the same transaction, the same codes. */
  signing_sandbox_reset (s, "approve", 300);
  signing_sandbox_phone (s, json_object_get_string_member (txn, "id"), "approve");
  signing_run (KYSO_SIGNER (signer), id, digests, NULL, &run);
  g_assert_no_error (run.error);
  g_assert_cmpstr (run.verification_code, ==, code);
  g_assert_cmpstr (run.transaction_id, ==, json_object_get_string_member (txn, "id"));
  sign_run_clear (&run);
  g_assert_cmpuint (signing_sandbox_count_transactions (s), ==, before + 1);
  kyso_pending_forget (pending, NULL);
  g_clear_pointer (&txn, json_object_unref);

  /* Unknown to the gateway (a crash before the request left): sent once, with that id. */
  {
    g_autoptr(KysoPending) fresh = kyso_pending_new (dir, "neac");
    g_autoptr(GPtrArray) d2 = signing_make_digests (1, "prepared-2");
    g_autofree char *tid = g_strconcat ("kyso-", kyso_pending_get_id (fresh), NULL);

    kyso_neac_signer_set_pending (signer, fresh);
    run.cancel_when_waiting = NULL;
    signing_sandbox_reset (s, "approve-after=1", 300);
    signing_run (KYSO_SIGNER (signer), id, d2, NULL, &run);
    g_assert_no_error (run.error);
    sign_run_clear (&run);
    g_assert_cmpuint (signing_sandbox_count_transactions (s), ==, before + 2);
    /* Pretend the gateway never heard of it: a new id, back to PREPARED. */
    kyso_pending_set_transaction_id (fresh, tid);
    kyso_pending_set_state (fresh, KYSO_PENDING_PREPARED);
    signing_run (KYSO_SIGNER (signer), id, d2, NULL, &run);
    g_assert_no_error (run.error);
    sign_run_clear (&run);
    g_assert_cmpuint (signing_sandbox_count_transactions (s), ==, before + 3);
    txn = signing_sandbox_latest_transaction (s);
    g_assert_cmpstr (json_object_get_string_member (txn, "client_id"), ==, tid);
    g_assert_cmpstr (json_object_get_string_member (txn, "id"), ==, kyso_pending_get_transaction_id (fresh));
  }
  list = kyso_pending_list (dir, NULL);
  g_assert_cmpuint (list->len, ==, 1);
}

/* Everything the library logs at every level while signing, faults included. */
static void
test_no_secret_in_log (void)
{
  SigningSandbox *s = signing_sandbox_get ();
  g_autoptr(KysoNeacSigner) signer = make_signer (s, AN, "VNPT-CA");
  g_autoptr(GPtrArray) digests = signing_make_digests (1, "log");
  g_autofree char *id = NULL;
  SignRun run = { 0 };

  signing_capture_log_begin ();
  signing_sandbox_reset (s, "approve-after=1", 300);
  signing_sandbox_fault (s, "http500");
  id = signing_first_credential (KYSO_SIGNER (signer));
  signing_run (KYSO_SIGNER (signer), id, digests, NULL, &run);
  g_assert_no_error (run.error);
  sign_run_clear (&run);
  {
    g_autofree char *log = signing_capture_log_end ();
    g_assert_cmpuint (strlen (log), >, 0);
    g_assert_null (strstr (log, signing_sandbox_get_string (s, "sp_password")));
    g_assert_null (strstr (log, "sp_password"));
    g_assert_null (strstr (log, AN));
  }
  signing_sandbox_reset (s, "ignore", 300);
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  /* Temporary files inside the wrapper's folder, which it removes. */
  if (g_getenv ("KYSO_TEST_TMPDIR") != NULL)
    g_setenv ("TMPDIR", g_getenv ("KYSO_TEST_TMPDIR"), TRUE);
  signing_capture_log_install ();
  g_test_add_func ("/neac/constructor", test_constructor_errors);
  g_test_add_func ("/neac/list-credentials", test_list_credentials);
  g_test_add_func ("/neac/approved", test_sign_approved);
  g_test_add_func ("/neac/default-timing", test_sign_default_timing);
  g_test_add_func ("/neac/refused", test_refused);
  g_test_add_func ("/neac/expired", test_expired);
  g_test_add_func ("/neac/fault/badsig", test_badsig);
  g_test_add_func ("/neac/fault/badjson", test_badjson);
  g_test_add_func ("/neac/fault/http500-always", test_http500_always);
  g_test_add_func ("/neac/fault/drop-always", test_drop_always);
  g_test_add_func ("/neac/fault/expired-cert", test_expired_cert);
  g_test_add_func ("/neac/fault/revoked-cert", test_revoked_cert);
  g_test_add_func ("/neac/fault/http500-once", test_recovers_http500);
  g_test_add_func ("/neac/fault/drop-once", test_recovers_drop);
  g_test_add_func ("/neac/fault/slow", test_recovers_slow);
  g_test_add_func ("/neac/certificate/revoked", test_revoked_citizen);
  g_test_add_func ("/neac/certificate/expired", test_expired_citizen);
  g_test_add_func ("/neac/auth", test_auth_errors);
  g_test_add_func ("/neac/tls/wrong-ca", test_wrong_ca);
  g_test_add_func ("/neac/resume/after-cancel", test_cancel_then_resume);
  g_test_add_func ("/neac/resume/prepared", test_resume_prepared);
  g_test_add_func ("/neac/no-secret-in-log", test_no_secret_in_log);
  status = g_test_run ();
  signing_sandbox_stop ();
  return status;
}
