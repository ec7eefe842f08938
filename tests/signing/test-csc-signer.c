/* KysoCscSigner against kyso-sandbox's CSC service (v2 asynchronous and synchronous, v1.0.4) over
 * real HTTPS: outcomes, faults, certificate checks, resume, and no secret in the log. */
#include "kyso-csc-signer.h"
#include "kyso-error.h"
#include "kyso-pending.h"
#include "kyso-sign-wait.h"
#include "signing-test-util.h"

#include <string.h>

#define AN "051090000101"   /* VNPT-CA, good */
#define DAT "034092000606"  /* Newtel-CA, good; its stored password is changed by /csc/auth */
#define HUNG "051080000707" /* revoked */
#define LAN "051185000808"  /* expired */

static KysoCscSigner *
make_signer (SigningSandbox *s, const char *url_name, const char *username)
{
  g_autoptr(KysoConfig) config = kyso_config_load (s->sb->config_file, NULL);
  g_autoptr(GError) error = NULL;
  KysoCscSigner *signer;

  if (url_name != NULL)
    kyso_config_set (config, "csc", "url", kyso_test_sandbox_get_url (s->sb, url_name));
  signer = kyso_csc_signer_new (config, username, NULL, &error);
  g_assert_no_error (error);
  kyso_csc_signer_set_poll_interval (signer, 300, 600);
  return signer;
}

static char *
credential_of (SigningSandbox *s, const char *cccd)
{
  return g_strdup (json_object_get_string_member (signing_sandbox_citizen (s, cccd), "credential_id"));
}

static void
test_list (void)
{
  SigningSandbox *s = signing_sandbox_get ();
  const char *urls[] = { "csc", "csc_v1" };

  signing_sandbox_reset (s, "ignore", 300);
  for (guint i = 0; i < G_N_ELEMENTS (urls); i++)
    {
      g_autoptr(KysoCscSigner) signer = make_signer (s, urls[i], AN);
      g_autofree char *id = signing_first_credential (KYSO_SIGNER (signer));
      g_autofree char *expect = credential_of (s, AN);

      g_assert_cmpstr (id, ==, expect);
    }
}

typedef enum
{
  MODE_ASYNC,
  MODE_SYNC,
  MODE_V1
} Mode;

static void
sign_approved (Mode mode)
{
  SigningSandbox *s = signing_sandbox_get ();
  g_autoptr(KysoCscSigner) signer = make_signer (s, mode == MODE_V1 ? "csc_v1" : "csc", AN);
  g_autoptr(GPtrArray) digests = signing_make_digests (3, "csc-approved");
  g_autofree char *id = credential_of (s, AN);
  g_autoptr(JsonObject) txn = NULL;
  SignRun run = { 0 };
  guint before;

  if (mode == MODE_SYNC)
    kyso_csc_signer_set_allow_async (signer, FALSE);
  signing_sandbox_reset (s, "approve-after=1", 300);
  before = signing_sandbox_count_transactions (s);
  signing_run (KYSO_SIGNER (signer), id, digests, NULL, &run);
  g_assert_no_error (run.error);
  g_assert_cmpuint (run.signatures->len, ==, 3);
  g_assert_cmpint (g_array_index (run.states, KysoSignState, 0), ==, KYSO_SIGN_STATE_SENDING);
  g_assert_true (sign_run_saw (&run, KYSO_SIGN_STATE_WAITING));
  g_assert_true (sign_run_saw (&run, KYSO_SIGN_STATE_APPROVED));
  /* This service's app shows no code Kyso chose, so none is shown (never a made-up one). */
  g_assert_null (run.verification_code);
  /* Without a provider name, the service's own. */
  g_assert_cmpstr (run.provider, ==, "Kyso Sandbox CSC");
  g_assert_cmpuint (signing_sandbox_count_transactions (s), ==, before + 1);
  txn = signing_sandbox_latest_transaction (s);
  if (mode == MODE_ASYNC)
    g_assert_cmpstr (run.transaction_id, ==, json_object_get_string_member (txn, "id"));
  sign_run_clear (&run);
}

static void
test_approved_async (void)
{
  sign_approved (MODE_ASYNC);
}

static void
test_approved_sync (void)
{
  sign_approved (MODE_SYNC);
}

static void
test_approved_v1 (void)
{
  sign_approved (MODE_V1);
}

static void
run_expect_error (const char *url_name, const char *cccd, const char *policy, guint expiry, const char *fault,
                  int code, int transactions)
{
  SigningSandbox *s = signing_sandbox_get ();
  g_autoptr(KysoCscSigner) signer = make_signer (s, url_name, cccd);
  g_autoptr(GPtrArray) digests = signing_make_digests (2, policy);
  g_autofree char *id = credential_of (s, cccd);
  SignRun run = { 0 };
  guint before;

  signing_sandbox_reset (s, policy, expiry);
  if (fault != NULL)
    signing_sandbox_fault (s, fault);
  before = signing_sandbox_count_transactions (s);
  signing_run (KYSO_SIGNER (signer), id, digests, NULL, &run);
  g_assert_null (run.signatures);
  g_assert_error (run.error, KYSO_ERROR, code);
  g_assert_cmpuint (strlen (run.error->message), >, 20);
  g_test_message ("%s %s / %s → %s", url_name, policy, fault ? fault : "-", run.error->message);
  g_assert_cmpuint (signing_sandbox_count_transactions (s), ==, before + transactions);
  sign_run_clear (&run);
  signing_sandbox_reset (s, "ignore", 300);
}

static void
test_refused (void)
{
  run_expect_error ("csc", AN, "refuse-after=1", 300, NULL, KYSO_ERROR_REFUSED, 1);
  run_expect_error ("csc_v1", AN, "refuse-after=1", 300, NULL, KYSO_ERROR_REFUSED, 1);
}

static void
test_expired (void)
{
  run_expect_error ("csc", AN, "ignore", 3, NULL, KYSO_ERROR_EXPIRED, 1);
  run_expect_error ("csc_v1", AN, "ignore", 3, NULL, KYSO_ERROR_EXPIRED, 1);
}

static void
test_faults (void)
{
  run_expect_error ("csc", AN, "approve", 300, "badsig", KYSO_ERROR_BAD_SIGNATURE, 1);
  run_expect_error ("csc", AN, "approve", 300, "badjson", KYSO_ERROR_SERVER, 0);
  run_expect_error ("csc", AN, "approve", 300, "http500-always", KYSO_ERROR_SERVER, 0);
  run_expect_error ("csc", AN, "approve", 300, "drop-always", KYSO_ERROR_NETWORK, 0);
  run_expect_error ("csc", AN, "approve", 300, "expired-cert", KYSO_ERROR_CERTIFICATE, 0);
  run_expect_error ("csc", AN, "approve", 300, "revoked-cert", KYSO_ERROR_CERTIFICATE, 0);
}

static void
test_certificates (void)
{
  run_expect_error ("csc", HUNG, "approve", 300, NULL, KYSO_ERROR_CERTIFICATE, 0);
  run_expect_error ("csc", LAN, "approve", 300, NULL, KYSO_ERROR_CERTIFICATE, 0);
}

static void
run_recovers (const char *fault, guint max_transactions)
{
  SigningSandbox *s = signing_sandbox_get ();
  g_autoptr(KysoCscSigner) signer = make_signer (s, "csc", AN);
  g_autoptr(GPtrArray) digests = signing_make_digests (2, fault);
  g_autofree char *id = credential_of (s, AN);
  SignRun run = { 0 };
  guint before;

  signing_sandbox_reset (s, "approve-after=1", 300);
  signing_sandbox_fault (s, fault);
  before = signing_sandbox_count_transactions (s);
  signing_run (KYSO_SIGNER (signer), id, digests, NULL, &run);
  g_assert_no_error (run.error);
  g_assert_cmpuint (run.signatures->len, ==, 2);
  if (!g_str_has_prefix (fault, "slow"))
    g_assert_true (sign_run_saw (&run, KYSO_SIGN_STATE_RETRYING));
  g_assert_cmpuint (signing_sandbox_count_transactions (s), >=, before + 1);
  g_assert_cmpuint (signing_sandbox_count_transactions (s), <=, before + max_transactions);
  sign_run_clear (&run);
  signing_sandbox_reset (s, "ignore", 300);
}

static void
test_recovers (void)
{
  run_recovers ("http500", 1);
  /* CSC has no client-chosen transaction id: an answer lost after the phone was asked costs a
   * second request (the first is left to expire). */
  run_recovers ("drop", 2);
  run_recovers ("slow=2", 1);
}

static void
test_auth (void)
{
  SigningSandbox *s = signing_sandbox_get ();
  g_autoptr(KysoCscSigner) nobody = make_signer (s, "csc", "no-such-user");
  g_autoptr(KysoCscSigner) dat = make_signer (s, "csc", DAT);
  g_autoptr(KysoCscSigner) an = make_signer (s, "csc", AN);
  g_autoptr(GPtrArray) digests = signing_make_digests (1, "csc-auth");
  g_autofree char *dat_id = credential_of (s, DAT);
  g_autofree char *an_id = credential_of (s, AN);
  SignRun run = { 0 };

  signing_sandbox_reset (s, "approve", 300);
  /* No password in the keyring for this login: says how to store one. */
  signing_run (KYSO_SIGNER (nobody), "x", digests, NULL, &run);
  g_assert_error (run.error, KYSO_ERROR, KYSO_ERROR_AUTH);
  g_assert_nonnull (strstr (run.error->message, "signing-credentials"));
  /* A wrong password: unauthorized_client. */
  signing_store_secret ("csc", DAT, "wrong password");
  signing_run (KYSO_SIGNER (dat), dat_id, digests, NULL, &run);
  g_assert_error (run.error, KYSO_ERROR, KYSO_ERROR_AUTH);
  /* Someone else's credential: invalid_credential. */
  signing_run (KYSO_SIGNER (an), dat_id, digests, NULL, &run);
  g_assert_error (run.error, KYSO_ERROR, KYSO_ERROR_NOT_FOUND);
  /* The right one still works. */
  signing_run (KYSO_SIGNER (an), an_id, digests, NULL, &run);
  g_assert_no_error (run.error);
  sign_run_clear (&run);
}

static void
test_constructor (void)
{
  g_autoptr(KysoConfig) empty = kyso_config_new_default ();
  g_autoptr(KysoConfig) config = kyso_config_new_default ();
  g_autoptr(GError) error = NULL;
  g_autoptr(KysoCscSigner) ok = NULL;

  g_assert_null (kyso_csc_signer_new (empty, AN, NULL, &error));
  g_assert_error (error, KYSO_ERROR, KYSO_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  /* The citizen's password and the tokens never travel in clear. */
  kyso_config_set (config, "csc", "url", "http://remotesigning.example.vn/csc/v2");
  g_assert_null (kyso_csc_signer_new (config, AN, NULL, &error));
  g_assert_error (error, KYSO_ERROR, KYSO_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  kyso_config_set (config, "csc", "url", "https://127.0.0.1:1/csc/v2");
  g_assert_null (kyso_csc_signer_new (config, "a:b", NULL, &error));
  g_assert_error (error, KYSO_ERROR, KYSO_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  ok = kyso_csc_signer_new (config, AN, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (kyso_csc_signer_get_url (ok), ==, "https://127.0.0.1:1/csc/v2/");
}

static void
test_cancel_then_resume (void)
{
  SigningSandbox *s = signing_sandbox_get ();
  g_autoptr(KysoCscSigner) first = make_signer (s, "csc", AN);
  g_autoptr(KysoCscSigner) second = make_signer (s, "csc", AN);
  g_autoptr(GPtrArray) digests = signing_make_digests (2, "csc-resume");
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autofree char *base = g_dir_make_tmp ("kyso-csc-pending-XXXXXX", NULL);
  g_autofree char *dir = g_build_filename (base, "pending", NULL);
  g_autofree char *id = credential_of (s, AN);
  g_autoptr(KysoPending) pending = kyso_pending_new (dir, "csc");
  g_autoptr(GPtrArray) list = NULL;
  KysoPending *loaded;
  SignRun run = { 0 };
  guint before;

  signing_sandbox_reset (s, "ignore", 300);
  before = signing_sandbox_count_transactions (s);
  kyso_csc_signer_set_pending (first, pending);
  run.cancel_when_waiting = cancellable;
  signing_run (KYSO_SIGNER (first), id, digests, cancellable, &run);
  g_assert_error (run.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  run.cancel_when_waiting = NULL;

  list = kyso_pending_list (dir, NULL);
  g_assert_cmpuint (list->len, ==, 1);
  loaded = g_ptr_array_index (list, 0);
  g_assert_cmpstr (kyso_pending_get_kind (loaded), ==, "csc");
  g_assert_cmpint (kyso_pending_get_state (loaded), ==, KYSO_PENDING_SENT);
  g_assert_true (g_str_has_prefix (kyso_pending_get_transaction_id (loaded), "csc-"));

  signing_sandbox_phone (s, kyso_pending_get_transaction_id (loaded), "approve");
  kyso_csc_signer_set_pending (second, loaded);
  signing_run (KYSO_SIGNER (second), id, digests, NULL, &run);
  g_assert_no_error (run.error);
  g_assert_cmpuint (signing_sandbox_count_transactions (s), ==, before + 1);
  g_assert_cmpint (kyso_pending_get_state (loaded), ==, KYSO_PENDING_APPROVED);
  kyso_pending_forget (loaded, NULL);
  sign_run_clear (&run);
}

static void
test_no_secret_in_log (void)
{
  SigningSandbox *s = signing_sandbox_get ();
  g_autoptr(KysoCscSigner) signer = make_signer (s, "csc", AN);
  g_autoptr(GPtrArray) digests = signing_make_digests (1, "csc-log");
  g_autofree char *id = credential_of (s, AN);
  const char *password = json_object_get_string_member (signing_sandbox_citizen (s, AN), "password");
  SignRun run = { 0 };

  signing_capture_log_begin ();
  signing_sandbox_reset (s, "approve-after=1", 300);
  signing_sandbox_fault (s, "http500");
  signing_run (KYSO_SIGNER (signer), id, digests, NULL, &run);
  g_assert_no_error (run.error);
  sign_run_clear (&run);
  {
    g_autofree char *log = signing_capture_log_end ();
    g_assert_cmpuint (strlen (log), >, 0);
    g_assert_null (strstr (log, password));
    g_assert_null (strstr (log, "Basic "));
    g_assert_null (strstr (log, "Bearer"));
    g_assert_null (strstr (log, "SAD"));
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
  g_test_add_func ("/csc/constructor", test_constructor);
  g_test_add_func ("/csc/list", test_list);
  g_test_add_func ("/csc/approved/async", test_approved_async);
  g_test_add_func ("/csc/approved/sync", test_approved_sync);
  g_test_add_func ("/csc/approved/v1", test_approved_v1);
  g_test_add_func ("/csc/refused", test_refused);
  g_test_add_func ("/csc/expired", test_expired);
  g_test_add_func ("/csc/faults", test_faults);
  g_test_add_func ("/csc/recovers", test_recovers);
  g_test_add_func ("/csc/certificates", test_certificates);
  g_test_add_func ("/csc/auth", test_auth);
  g_test_add_func ("/csc/resume", test_cancel_then_resume);
  g_test_add_func ("/csc/no-secret-in-log", test_no_secret_in_log);
  status = g_test_run ();
  signing_sandbox_stop ();
  return status;
}
