/* The local PKCS#12 signer: real files made by the openssl command, real signatures, every
 * _finish and error path, and the whole local signing chain into a CMS that openssl accepts. */
#include "kyso-p12-signer.h"
#include "kyso-pades.h"
#include "kyso-error.h"
#include "kyso-test-pki.h"

#include <glib/gstdio.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <string.h>

#define PASSWORD "secret-pass"

typedef struct
{
  GAsyncResult *result;
  GArray *states; /* KysoSignState seen, in order */
  gboolean callback_ran;
} Wait;

static void
on_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Wait *w = user_data;

  w->result = g_object_ref (result);
  w->callback_ran = TRUE;
}

static void
on_progress (const KysoSignProgress *progress, gpointer user_data)
{
  Wait *w = user_data;

  /* Progress must arrive on the caller's thread, before the callback. */
  g_assert_false (w->callback_ran);
  g_assert_null (progress->transaction_id);
  g_array_append_val (w->states, progress->state);
}

static void
wait_for (Wait *w)
{
  while (w->result == NULL)
    g_main_context_iteration (NULL, TRUE);
}

static void
wait_clear (Wait *w)
{
  g_clear_object (&w->result);
  g_clear_pointer (&w->states, g_array_unref);
}

/* The worker thread drops its reference to the task (and so to the signer) just after the result
 * is queued; wait for that, then the signer must be gone: nothing else may keep it. */
static void
assert_finalized (gpointer object)
{
  gpointer weak = object;
  gint64 deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;

  g_object_add_weak_pointer (object, &weak);
  g_object_unref (object);
  while (weak != NULL && g_get_monotonic_time () < deadline)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
  g_assert_null (weak);
}

static KysoSigner *
open_signer (const char *file)
{
  g_autofree char *path = kyso_test_pki_path (file);
  g_autoptr(GError) error = NULL;
  KysoSigner *signer = kyso_p12_signer_new (path, PASSWORD, &error);

  g_assert_no_error (error);
  g_assert_true (KYSO_IS_P12_SIGNER (signer));
  return signer;
}

static GPtrArray *
make_digests (guint n)
{
  GPtrArray *digests = g_ptr_array_new_with_free_func ((GDestroyNotify)g_bytes_unref);

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *text = g_strdup_printf ("document %u", i);
      guint8 md[32];
      gsize len = 32;
      g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
      g_checksum_update (sum, (const guchar *)text, -1);
      g_checksum_get_digest (sum, md, &len);
      g_ptr_array_add (digests, g_bytes_new (md, 32));
    }
  return digests;
}

static GPtrArray *
sign (KysoSigner *signer, GPtrArray *digests, const char *credential_id, GCancellable *cancellable,
      GArray **out_states, GError **error)
{
  Wait w = { 0 };
  KysoSignRequest request = { .credential_id = credential_id, .description = "test" };
  GPtrArray *result;

  w.states = g_array_new (FALSE, FALSE, sizeof (KysoSignState));
  kyso_signer_sign_digests_async (signer, digests, &request, on_progress, &w, cancellable, on_done, &w);
  /* Nothing is delivered synchronously. */
  g_assert_null (w.result);
  g_assert_cmpuint (w.states->len, ==, 0);
  wait_for (&w);
  result = kyso_signer_sign_digests_finish (signer, w.result, error);
  if (out_states != NULL)
    *out_states = g_array_ref (w.states);
  wait_clear (&w);
  return result;
}

static void
test_credentials (void)
{
  g_autoptr(KysoSigner) signer = open_signer ("signer.p12");
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GBytes) leaf = kyso_test_pki_cert ("signer");
  g_autoptr(GBytes) sub = kyso_test_pki_cert ("sub/sub");
  g_autoptr(GBytes) root = kyso_test_pki_cert ("root/root");
  const KysoSignerCredential *cred;
  Wait w = { 0 };

  kyso_signer_list_credentials_async (signer, NULL, on_done, &w);
  wait_for (&w);
  list = kyso_signer_list_credentials_finish (signer, w.result, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 1);
  cred = g_ptr_array_index (list, 0);
  g_assert_cmpstr (cred->id, ==, "p12");
  g_assert_cmpuint (cred->chain->len, ==, 3);
  /* Issuer order, whatever order the file keeps them in. */
  g_assert_true (g_bytes_equal (g_ptr_array_index (cred->chain, 0), leaf));
  g_assert_true (g_bytes_equal (g_ptr_array_index (cred->chain, 1), sub));
  g_assert_true (g_bytes_equal (g_ptr_array_index (cred->chain, 2), root));
  g_assert_true (g_bytes_equal (
    g_ptr_array_index (kyso_p12_signer_get_credential (KYSO_P12_SIGNER (signer))->chain, 0), leaf));
  wait_clear (&w);

  /* Cancelled before it starts. */
  {
    g_autoptr(GCancellable) cancel = g_cancellable_new ();
    g_autoptr(GPtrArray) none = NULL;
    g_cancellable_cancel (cancel);
    kyso_signer_list_credentials_async (signer, cancel, on_done, &w);
    wait_for (&w);
    none = kyso_signer_list_credentials_finish (signer, w.result, &error);
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
    g_assert_null (none);
    wait_clear (&w);
  }
  assert_finalized (g_steal_pointer (&signer));
}

static void
check_signatures (const char *file, const char *leaf_name)
{
  g_autoptr(KysoSigner) signer = open_signer (file);
  g_autoptr(GPtrArray) digests = make_digests (3);
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) states = NULL;
  g_autoptr(GPtrArray) sigs = sign (signer, digests, "p12", NULL, &states, &error);
  g_autoptr(GBytes) leaf = kyso_test_pki_cert (leaf_name);

  g_assert_no_error (error);
  g_assert_cmpuint (sigs->len, ==, 3);
  for (guint i = 0; i < 3; i++)
    {
      g_assert_true (kyso_signer_check_signature (leaf, g_ptr_array_index (digests, i),
                                                  g_ptr_array_index (sigs, i), &error));
      g_assert_no_error (error);
    }
  /* Same order as the digests: signature 0 does not verify digest 1. */
  g_assert_false (
    kyso_signer_check_signature (leaf, g_ptr_array_index (digests, 1), g_ptr_array_index (sigs, 0), &error));
  g_assert_error (error, KYSO_ERROR, KYSO_ERROR_BAD_SIGNATURE);
  g_assert_cmpuint (states->len, ==, 2);
  g_assert_cmpint (g_array_index (states, KysoSignState, 0), ==, KYSO_SIGN_STATE_SENDING);
  g_assert_cmpint (g_array_index (states, KysoSignState, 1), ==, KYSO_SIGN_STATE_APPROVED);
  assert_finalized (g_steal_pointer (&signer));
}

static void
test_sign_rsa (void)
{
  check_signatures ("signer.p12", "signer");
}

static void
test_sign_ec (void)
{
  check_signatures ("signer-ec.p12", "signer-ec");
}

static void
test_sign_legacy (void)
{
  g_autofree char *pem = kyso_test_pki_path ("signer.pem");
  g_autofree char *key = kyso_test_pki_path ("signer.key");
  g_autofree char *out = kyso_test_pki_path ("legacy.p12");
  g_autofree char *log = NULL;

  /* RC2-40 / 3DES, as older CA tools export. */
  if (kyso_test_openssl (&log, "pkcs12", "-export", "-legacy", "-in", pem, "-inkey", key, "-passout",
                         "pass:" PASSWORD, "-out", out, NULL)
      != 0)
    {
      g_test_skip ("openssl cannot write legacy PKCS#12 here");
      return;
    }
  check_signatures ("legacy.p12", "signer");
}

static void
test_no_password (void)
{
  g_autofree char *pem = kyso_test_pki_path ("signer.pem");
  g_autofree char *key = kyso_test_pki_path ("signer.key");
  g_autofree char *out = kyso_test_pki_path ("nopass.p12");
  g_autoptr(GError) error = NULL;
  g_autoptr(KysoSigner) a = NULL;
  g_autoptr(KysoSigner) b = NULL;

  g_assert_cmpint (kyso_test_openssl (NULL, "pkcs12", "-export", "-in", pem, "-inkey", key, "-passout",
                                      "pass:", "-out", out, NULL),
                   ==, 0);
  a = kyso_p12_signer_new (out, NULL, &error);
  g_assert_no_error (error);
  b = kyso_p12_signer_new (out, "", &error);
  g_assert_no_error (error);
  /* A chain of just the leaf when the file has no CA certificates. */
  g_assert_cmpuint (kyso_p12_signer_get_credential (KYSO_P12_SIGNER (a))->chain->len, ==, 1);
}

/* openssl (command and PKCS12_create) refuses to pair a certificate with a foreign key, so the
 * file is assembled from its bags. */
static void
write_mismatched (const char *out, const char *cert_pem, const char *key_pem)
{
  BIO *bio = BIO_new_file (cert_pem, "r");
  X509 *cert = PEM_read_bio_X509 (bio, NULL, NULL, NULL);
  EVP_PKEY *key;
  STACK_OF (PKCS12_SAFEBAG) *bags = NULL;
  STACK_OF (PKCS7) *safes = NULL;
  PKCS12 *p12;

  BIO_free (bio);
  bio = BIO_new_file (key_pem, "r");
  key = PEM_read_bio_PrivateKey (bio, NULL, NULL, NULL);
  BIO_free (bio);
  g_assert_nonnull (PKCS12_add_cert (&bags, cert));
  g_assert_nonnull (PKCS12_add_key (&bags, key, 0, PKCS12_DEFAULT_ITER, NID_aes_256_cbc, PASSWORD));
  g_assert_cmpint (PKCS12_add_safe (&safes, bags, -1, 0, NULL), ==, 1);
  p12 = PKCS12_add_safes (safes, 0);
  g_assert_nonnull (p12);
  g_assert_cmpint (PKCS12_set_mac (p12, PASSWORD, -1, NULL, 0, PKCS12_DEFAULT_ITER, EVP_sha256 ()), ==, 1);
  bio = BIO_new_file (out, "wb");
  g_assert_cmpint (i2d_PKCS12_bio (bio, p12), ==, 1);
  BIO_free (bio);
  PKCS12_free (p12);
  sk_PKCS7_pop_free (safes, PKCS7_free);
  sk_PKCS12_SAFEBAG_pop_free (bags, PKCS12_SAFEBAG_free);
  EVP_PKEY_free (key);
  X509_free (cert);
}

static void
test_open_errors (void)
{
  g_autofree char *p12 = kyso_test_pki_path ("signer.p12");
  g_autofree char *missing = kyso_test_pki_path ("missing.p12");
  g_autofree char *garbage = kyso_test_pki_path ("garbage.p12");
  g_autofree char *nokey = kyso_test_pki_path ("nokey.p12");
  g_autofree char *mismatch = kyso_test_pki_path ("mismatch.p12");
  g_autofree char *pem = kyso_test_pki_path ("signer.pem");
  g_autofree char *other_key = kyso_test_pki_path ("revoked.key");
  g_autofree char *huge = kyso_test_pki_path ("huge.p12");
  g_autoptr(GError) error = NULL;
  g_autofree char *big = g_malloc0 (2 * 1024 * 1024);

  g_assert_null (kyso_p12_signer_new (p12, "wrong", &error));
  g_assert_error (error, KYSO_ERROR, KYSO_ERROR_INVALID_INPUT);
  g_assert_nonnull (strstr (error->message, "password"));
  g_clear_error (&error);
  g_assert_null (kyso_p12_signer_new (p12, NULL, &error));
  g_assert_error (error, KYSO_ERROR, KYSO_ERROR_INVALID_INPUT);
  g_clear_error (&error);

  g_assert_null (kyso_p12_signer_new (missing, PASSWORD, &error));
  g_assert_error (error, KYSO_ERROR, KYSO_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_file_set_contents (garbage, "not a pkcs12 file", -1, NULL);
  g_assert_null (kyso_p12_signer_new (garbage, PASSWORD, &error));
  g_assert_error (error, KYSO_ERROR, KYSO_ERROR_BROKEN_FILE);
  g_clear_error (&error);

  g_file_set_contents (huge, big, 2 * 1024 * 1024, NULL);
  g_assert_null (kyso_p12_signer_new (huge, PASSWORD, &error));
  g_assert_error (error, KYSO_ERROR, KYSO_ERROR_LIMIT);
  g_clear_error (&error);

  g_assert_cmpint (kyso_test_openssl (NULL, "pkcs12", "-export", "-nokeys", "-in", pem, "-passout",
                                      "pass:" PASSWORD, "-out", nokey, NULL),
                   ==, 0);
  g_assert_null (kyso_p12_signer_new (nokey, PASSWORD, &error));
  g_assert_error (error, KYSO_ERROR, KYSO_ERROR_INVALID_INPUT);
  g_clear_error (&error);

  write_mismatched (mismatch, pem, other_key);
  g_assert_null (kyso_p12_signer_new (mismatch, PASSWORD, &error));
  g_assert_error (error, KYSO_ERROR, KYSO_ERROR_INVALID_INPUT);
  g_assert_nonnull (strstr (error->message, "does not belong"));
  g_clear_error (&error);
}

static void
test_sign_errors (void)
{
  g_autoptr(KysoSigner) signer = open_signer ("signer.p12");
  g_autoptr(GPtrArray) digests = make_digests (2);
  g_autoptr(GPtrArray) short_digest = g_ptr_array_new_with_free_func ((GDestroyNotify)g_bytes_unref);
  g_autoptr(GCancellable) cancel = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) states = NULL;
  GPtrArray *sigs;

  sigs = sign (signer, digests, "someone-else", NULL, NULL, &error);
  g_assert_error (error, KYSO_ERROR, KYSO_ERROR_NOT_FOUND);
  g_assert_null (sigs);
  g_clear_error (&error);

  g_ptr_array_add (short_digest, g_bytes_new_static ("sha1 is twenty bytes", 20));
  sigs = sign (signer, short_digest, "p12", NULL, NULL, &error);
  g_assert_error (error, KYSO_ERROR, KYSO_ERROR_INVALID_INPUT);
  g_assert_null (sigs);
  g_clear_error (&error);

  g_cancellable_cancel (cancel);
  sigs = sign (signer, digests, "p12", cancel, &states, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (sigs);
  /* It said it was sending, never that it was approved. */
  g_assert_cmpuint (states->len, ==, 1);
  assert_finalized (g_steal_pointer (&signer));
}

/* A local file may hold a certificate a CA would not let sign now: refused, with a reason. */
static void
test_refuses_unusable (void)
{
  static const char *const files[] = { "expired.p12", "no-sign.p12" };
  static const char *const words[] = { "expired", "not meant for signing" };

  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autoptr(KysoSigner) signer = open_signer (files[i]);
      g_autoptr(GPtrArray) digests = make_digests (1);
      g_autoptr(GError) error = NULL;
      GPtrArray *sigs = sign (signer, digests, "p12", NULL, NULL, &error);

      g_assert_null (sigs);
      g_assert_error (error, KYSO_ERROR, KYSO_ERROR_CERTIFICATE);
      g_assert_nonnull (strstr (error->message, words[i]));
    }
}

/* The whole local chain: PKCS#12 → PAdES builder → CMS → `openssl cms -verify`. */
static void
test_with_pades (void)
{
  g_autoptr(KysoSigner) signer = open_signer ("signer.p12");
  g_autoptr(GError) error = NULL;
  g_autofree char *content = kyso_test_pki_path ("content.bin");
  g_autofree char *cms_path = kyso_test_pki_path ("content.p7s");
  g_autofree char *ca = kyso_test_pki_path ("root/root.pem");
  g_autofree char *log = NULL;
  g_autoptr(GBytes) doc_digest = NULL;
  g_autoptr(KysoPadesBuilder) b = NULL;
  g_autoptr(GPtrArray) digests = g_ptr_array_new_with_free_func ((GDestroyNotify)g_bytes_unref);
  g_autoptr(GPtrArray) sigs = NULL;
  g_autoptr(GBytes) der = NULL;
  const char *text = "%PDF-1.7 pretend byte ranges";
  guint8 md[32];
  gsize len = 32;
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);

  g_file_set_contents (content, text, -1, NULL);
  g_checksum_update (sum, (const guchar *)text, -1);
  g_checksum_get_digest (sum, md, &len);
  doc_digest = g_bytes_new (md, 32);

  b = kyso_pades_builder_new (doc_digest, kyso_p12_signer_get_credential (KYSO_P12_SIGNER (signer))->chain,
                              &error);
  g_assert_no_error (error);
  g_ptr_array_add (digests, g_bytes_ref (kyso_pades_builder_get_digest_to_sign (b)));
  sigs = sign (signer, digests, "p12", NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (kyso_pades_builder_set_signature (b, g_ptr_array_index (sigs, 0), &error));
  der = kyso_pades_builder_to_der (b, &error);
  g_assert_no_error (error);
  g_file_set_contents (cms_path, g_bytes_get_data (der, NULL), (gssize)g_bytes_get_size (der), NULL);
  g_assert_cmpint (kyso_test_openssl (&log, "cms", "-verify", "-binary", "-inform", "DER", "-in", cms_path,
                                      "-content", content, "-CAfile", ca, "-out", "/dev/null", NULL),
                   ==, 0);
  g_assert_nonnull (strstr (log, "Verification successful"));
}

int
main (int argc, char **argv)
{
  int rc;

  g_test_init (&argc, &argv, NULL);
  kyso_test_pki_get ();
  g_test_add_func ("/p12-signer/credentials", test_credentials);
  g_test_add_func ("/p12-signer/sign-rsa", test_sign_rsa);
  g_test_add_func ("/p12-signer/sign-ec", test_sign_ec);
  g_test_add_func ("/p12-signer/sign-legacy", test_sign_legacy);
  g_test_add_func ("/p12-signer/no-password", test_no_password);
  g_test_add_func ("/p12-signer/open-errors", test_open_errors);
  g_test_add_func ("/p12-signer/sign-errors", test_sign_errors);
  g_test_add_func ("/p12-signer/refuses-unusable", test_refuses_unusable);
  g_test_add_func ("/p12-signer/with-pades", test_with_pades);
  rc = g_test_run ();
  kyso_test_pki_cleanup ();
  return rc;
}
