/* Verification of PDF signature CMS: integrity (digest, signature, signing certificate), kinds
 * found in real files, trust against chosen anchors, revocation with a real `openssl ocsp`
 * responder and a CRL over loopback, offline and dead-responder behaviour, cancellation. */
#define _GNU_SOURCE
#include "kyso-cms-verify.h"
#include "kyso-pades.h"
#include "kyso-error.h"
#include "kyso-test-pki.h"

#include <openssl/cms.h>
#include <openssl/ess.h>
#include <openssl/pem.h>
#include <string.h>

typedef enum
{
  CRL_NORMAL,
  CRL_SLOW
} CrlMode;

static GPid ocsp_pid;
static KysoTestHttp *crl_server;
static gint crl_mode = CRL_NORMAL;
static GBytes *content;
static GBytes *content_sha256;

static GBytes *
crl_handler (KysoTestHttp *server, const char *method, const char *path, GBytes *body, guint *status,
             const char **content_type, gpointer user_data)
{
  g_autofree char *file = kyso_test_pki_path ("sub/sub.crl");
  char *data = NULL;
  gsize len = 0;

  while (g_atomic_int_get (&crl_mode) == CRL_SLOW && !kyso_test_http_stopping (server))
    g_usleep (20 * 1000);
  if (g_strcmp0 (path, "/sub.crl") != 0 || !g_file_get_contents (file, &data, &len, NULL))
    {
      *status = 404;
      return NULL;
    }
  *content_type = "application/pkix-crl";
  return g_bytes_new_take (data, len);
}

static GBytes *
sha (const EVP_MD *md, GBytes *data)
{
  guint8 out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;

  EVP_Digest (g_bytes_get_data (data, NULL), g_bytes_get_size (data), out, &len, md, NULL);
  return g_bytes_new (out, len);
}

static GBytes *
read_file (const char *name)
{
  g_autofree char *path = kyso_test_pki_path (name);
  char *data = NULL;
  gsize len = 0;

  g_assert_true (g_file_get_contents (path, &data, &len, NULL));
  return g_bytes_new_take (data, len);
}

/* Anchors: only the test root. */
static KysoTrustOptions
trust_root (void)
{
  static char *files[2];
  KysoTrustOptions t = { 0 };

  if (files[0] == NULL)
    files[0] = kyso_test_pki_path ("root/root.pem");
  t.files = (const char *const *)files;
  t.timeout_seconds = 5;
  return t;
}

/* A PAdES CMS over `content` made by the builder, signed with @leaf's key. */
static GBytes *
make_cms (const char *leaf, GPtrArray *chain_override, gboolean with_timestamp)
{
  g_autoptr(GPtrArray) chain
             = chain_override ? g_ptr_array_ref (chain_override) : kyso_test_pki_chain (leaf);
  g_autoptr(GError) error = NULL;
  g_autoptr(KysoPadesBuilder) b = kyso_pades_builder_new (content_sha256, chain, &error);
  g_autoptr(GBytes) sig = NULL;

  g_assert_no_error (error);
  sig = kyso_test_pki_sign_digest (leaf, kyso_pades_builder_get_digest_to_sign (b));
  g_assert_true (kyso_pades_builder_set_signature (b, sig, &error));
  if (with_timestamp)
    {
      g_autoptr(GBytes) token = kyso_test_tsa_token_for (kyso_pades_builder_get_signature (b));
      g_assert_true (kyso_pades_builder_add_timestamp_token (b, token, &error));
    }
  return kyso_pades_builder_to_der (b, &error);
}

/* new → digest with its algorithm → check. */
static KysoCmsResult *
verify_full (GBytes *cms, GBytes *data, const KysoTrustOptions *trust, GCancellable *cancellable,
             GError **error)
{
  g_autoptr(KysoCmsVerifier) v = kyso_cms_verifier_new (cms, error);
  g_autoptr(GBytes) digest = NULL;
  KysoCmsResult *r = NULL;

  if (v == NULL)
    return NULL;
  digest = sha (kyso_cms_verifier_get_digest_algorithm (v), data);
  if (!kyso_cms_verifier_check (v, digest, trust, cancellable, &r, error))
    {
      g_assert_null (r);
      return NULL;
    }
  g_assert_nonnull (r);
  return r;
}

static KysoCmsResult *
verify (GBytes *cms, const KysoTrustOptions *trust)
{
  g_autoptr(GError) error = NULL;
  KysoCmsResult *r = verify_full (cms, content, trust, NULL, &error);

  g_assert_no_error (error);
  for (guint i = 0; i < r->reasons->len; i++)
    g_test_message ("reason: %s", (char *)g_ptr_array_index (r->reasons, i));
  return r;
}

static gboolean
has_reason (KysoCmsResult *r, const char *needle)
{
  for (guint i = 0; i < r->reasons->len; i++)
    if (strstr (g_ptr_array_index (r->reasons, i), needle) != NULL)
      return TRUE;
  return FALSE;
}

static void
test_b_b (void)
{
  g_autoptr(GBytes) cms = make_cms ("signer", NULL, FALSE);
  KysoTrustOptions trust = trust_root ();
  g_autoptr(KysoCmsResult) r = verify (cms, &trust);

  g_assert_true (r->intact);
  g_assert_cmpint (r->kind, ==, KYSO_CMS_KIND_DETACHED);
  g_assert_cmpstr (r->digest_algorithm, ==, "SHA-256");
  g_assert_false (r->weak_algorithm);
  g_assert_true (r->has_signing_certificate);
  g_assert_cmpint (r->level, ==, KYSO_PADES_LEVEL_B_B);
  g_assert_cmpstr (kyso_pades_level_to_string (r->level), ==, "B-B");
  g_assert_null (r->claimed_signing_time);
  g_assert_null (r->timestamp_time);
  g_assert_cmpstr (kyso_certificate_get_holder_name (r->signer), ==, "Nguyễn Văn An");
  g_assert_cmpstr (kyso_certificate_get_national_id (r->signer), ==, "001099012345");
  g_assert_cmpint (r->trust, ==, KYSO_TRUST_TRUSTED);
  g_assert_cmpuint (r->chain->len, ==, 3);
  g_assert_cmpstr (kyso_certificate_get_holder_name (g_ptr_array_index (r->chain, 2)), ==,
                   "Kyso Test Root CA");
  /* Revocation through the real OCSP responder. */
  g_assert_cmpint (r->revocation, ==, KYSO_REVOCATION_GOOD);
  g_assert_cmpstr (kyso_revocation_status_to_string (r->revocation), ==, "good");
  g_assert_cmpuint (r->reasons->len, ==, 0);
}

static void
test_b_t (void)
{
  g_autoptr(GBytes) cms = make_cms ("signer", NULL, TRUE);
  KysoTrustOptions trust = trust_root ();
  g_autoptr(KysoCmsResult) r = verify (cms, &trust);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

  g_assert_true (r->intact);
  g_assert_cmpint (r->level, ==, KYSO_PADES_LEVEL_B_T);
  g_assert_nonnull (r->timestamp_time);
  g_assert_false (r->timestamp_invalid);
  g_assert_cmpint (ABS (g_date_time_difference (now, r->timestamp_time)), <, 120 * G_TIME_SPAN_SECOND);
  g_assert_cmpstr (kyso_certificate_get_holder_name (r->timestamp_signer), ==, "Kyso Test TSA");
  g_assert_cmpint (r->timestamp_trust, ==, KYSO_TRUST_TRUSTED);
  g_assert_cmpint (r->trust, ==, KYSO_TRUST_TRUSTED);
}

static void
test_ecdsa (void)
{
  g_autoptr(GBytes) cms = make_cms ("signer-ec", NULL, FALSE);
  KysoTrustOptions trust = trust_root ();
  g_autoptr(KysoCmsResult) r = verify (cms, &trust);

  g_assert_true (r->intact);
  g_assert_cmpint (r->trust, ==, KYSO_TRUST_TRUSTED);
  g_assert_cmpint (r->revocation, ==, KYSO_REVOCATION_GOOD);
  g_assert_cmpstr (kyso_certificate_get_email (r->signer), ==, "binh@example.vn");
}

static void
test_revoked_ocsp (void)
{
  g_autoptr(GBytes) cms = make_cms ("revoked", NULL, FALSE);
  KysoTrustOptions trust = trust_root ();
  g_autoptr(KysoCmsResult) r = verify (cms, &trust);

  g_assert_true (r->intact);
  g_assert_cmpint (r->trust, ==, KYSO_TRUST_TRUSTED);
  g_assert_cmpint (r->revocation, ==, KYSO_REVOCATION_REVOKED);
  g_assert_nonnull (r->revocation_time);
  g_assert_true (has_reason (r, "revoked"));
}

static void
test_crl (void)
{
  KysoTrustOptions trust = trust_root ();
  g_autoptr(GBytes) good_cms = make_cms ("crl-good", NULL, FALSE);
  g_autoptr(GBytes) revoked_cms = make_cms ("crl-revoked", NULL, FALSE);
  guint before = kyso_test_http_request_count (crl_server);
  g_autoptr(KysoCmsResult) good = verify (good_cms, &trust);
  g_autoptr(KysoCmsResult) revoked = verify (revoked_cms, &trust);

  g_assert_cmpint (good->revocation, ==, KYSO_REVOCATION_GOOD);
  g_assert_cmpint (revoked->revocation, ==, KYSO_REVOCATION_REVOKED);
  g_assert_nonnull (revoked->revocation_time);
  g_assert_cmpuint (kyso_test_http_request_count (crl_server) - before, ==, 2);
}

static void
test_offline (void)
{
  g_autoptr(GBytes) cms = make_cms ("revoked", NULL, FALSE);
  g_autoptr(GBytes) crl_cms = make_cms ("crl-revoked", NULL, FALSE);
  KysoTrustOptions trust = trust_root ();
  guint before = kyso_test_http_request_count (crl_server);
  gint64 start = g_get_monotonic_time ();
  g_autoptr(KysoCmsResult) r = NULL;
  g_autoptr(KysoCmsResult) r2 = NULL;

  trust.offline = TRUE;
  r = verify (cms, &trust);
  r2 = verify (crl_cms, &trust);
  g_assert_true (r->intact);
  g_assert_cmpint (r->trust, ==, KYSO_TRUST_TRUSTED);
  g_assert_cmpint (r->revocation, ==, KYSO_REVOCATION_UNKNOWN);
  g_assert_cmpint (r2->revocation, ==, KYSO_REVOCATION_UNKNOWN);
  g_assert_true (has_reason (r, "offline"));
  g_assert_cmpuint (kyso_test_http_request_count (crl_server), ==, before);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 2 * G_USEC_PER_SEC);
}

static void
test_dead_responder (void)
{
  g_autoptr(GBytes) cms = make_cms ("crl-good", NULL, FALSE);
  KysoTrustOptions trust = trust_root ();
  gint64 start = g_get_monotonic_time ();
  g_autoptr(KysoCmsResult) r = NULL;

  /* The CRL server accepts and then says nothing: the fetch gives up after its timeout. */
  trust.timeout_seconds = 1;
  g_atomic_int_set (&crl_mode, CRL_SLOW);
  r = verify (cms, &trust);
  g_atomic_int_set (&crl_mode, CRL_NORMAL);
  g_assert_true (r->intact);
  g_assert_cmpint (r->revocation, ==, KYSO_REVOCATION_UNKNOWN);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 5 * G_USEC_PER_SEC);
}

static gpointer
cancel_later (gpointer data)
{
  g_usleep (300 * 1000);
  g_cancellable_cancel (data);
  return NULL;
}

static void
test_cancel (void)
{
  g_autoptr(GBytes) cms = make_cms ("crl-good", NULL, FALSE);
  KysoTrustOptions trust = trust_root ();
  g_autoptr(GCancellable) cancel = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  GThread *thread;
  gint64 start;

  /* Already cancelled. */
  g_cancellable_cancel (cancel);
  g_assert_null (verify_full (cms, content, &trust, cancel, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);

  /* Cancelled while waiting for a CRL that does not come. */
  g_cancellable_reset (cancel);
  trust.timeout_seconds = 30;
  g_atomic_int_set (&crl_mode, CRL_SLOW);
  start = g_get_monotonic_time ();
  thread = g_thread_new ("cancel", cancel_later, cancel);
  g_assert_null (verify_full (cms, content, &trust, cancel, &error));
  g_atomic_int_set (&crl_mode, CRL_NORMAL);
  g_thread_join (thread);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 5 * G_USEC_PER_SEC);
}

static void
test_untrusted (void)
{
  g_autoptr(GPtrArray) chain = g_ptr_array_new_with_free_func ((GDestroyNotify)g_bytes_unref);
  g_autoptr(GBytes) cms = NULL;
  g_autoptr(GBytes) good = make_cms ("signer", NULL, FALSE);
  KysoTrustOptions trust = trust_root ();
  g_autoptr(KysoCmsResult) r = NULL;
  g_autoptr(KysoCmsResult) no_anchor = NULL;

  g_ptr_array_add (chain, kyso_test_pki_cert ("other"));
  g_ptr_array_add (chain, kyso_test_pki_cert ("other-root/other-root"));
  cms = make_cms ("other", chain, FALSE);
  r = verify (cms, &trust);
  g_assert_true (r->intact);
  g_assert_cmpint (r->trust, ==, KYSO_TRUST_UNTRUSTED);
  g_assert_cmpint (r->revocation, ==, KYSO_REVOCATION_UNKNOWN);
  g_assert_true (has_reason (r, "not issued by a certification authority Kyso trusts"));

  /* A good chain with no anchors at all is untrusted too. */
  no_anchor = verify (good, NULL);
  g_assert_true (no_anchor->intact);
  g_assert_cmpint (no_anchor->trust, ==, KYSO_TRUST_UNTRUSTED);
}

static void
test_anchor_sources (void)
{
  g_autoptr(GPtrArray) leaf_only = g_ptr_array_new_with_free_func ((GDestroyNotify)g_bytes_unref);
  g_autoptr(GBytes) cms = NULL;
  g_autofree char *trust_dir = kyso_test_pki_path ("trust");
  const char *dirs[] = { trust_dir, NULL };
  KysoTrustOptions t = { 0 };
  g_autoptr(KysoCmsResult) a = NULL;
  g_autoptr(KysoCmsResult) b = NULL;
  g_autoptr(KysoCmsResult) c = NULL;

  /* The CMS carries the signer alone: the intermediate has to come from elsewhere (/DSS). */
  g_ptr_array_add (leaf_only, kyso_test_pki_cert ("signer"));
  cms = make_cms ("signer", leaf_only, FALSE);
  t.offline = TRUE;
  t.directories = dirs;
  a = verify (cms, &t);
  g_assert_cmpint (a->trust, ==, KYSO_TRUST_UNTRUSTED);

  t.extra_certs = g_ptr_array_new_with_free_func ((GDestroyNotify)g_bytes_unref);
  g_ptr_array_add (t.extra_certs, kyso_test_pki_cert ("sub/sub"));
  b = verify (cms, &t);
  g_assert_cmpint (b->trust, ==, KYSO_TRUST_TRUSTED);
  g_assert_cmpuint (b->chain->len, ==, 3);

  /* The hashed "system" folder form. */
  t.directories = NULL;
  t.use_system_store = TRUE;
  t.system_dir = trust_dir;
  c = verify (cms, &t);
  g_assert_cmpint (c->trust, ==, KYSO_TRUST_TRUSTED);
  g_ptr_array_unref (t.extra_certs);
}

static void
test_expired (void)
{
  g_autoptr(GBytes) cms = make_cms ("expired", NULL, FALSE);
  KysoTrustOptions trust = trust_root ();
  g_autoptr(KysoCmsResult) r = NULL;

  trust.offline = TRUE;
  r = verify (cms, &trust);
  g_assert_true (r->intact);
  g_assert_cmpint (r->trust, ==, KYSO_TRUST_UNTRUSTED);
  g_assert_true (has_reason (r, "was expired on"));
}

static void
test_tampered_digest (void)
{
  g_autoptr(GBytes) cms = make_cms ("signer", NULL, FALSE);
  g_autoptr(GBytes) other = g_bytes_new_static ("something else", 14);
  KysoTrustOptions trust = trust_root ();
  g_autoptr(GError) error = NULL;
  g_autoptr(KysoCmsResult) r = verify_full (cms, other, &trust, NULL, &error);

  g_assert_no_error (error);
  g_assert_false (r->intact);
  g_assert_true (has_reason (r, "changed after it was signed"));
  /* A broken signature is not sent to a revocation service. */
  g_assert_cmpint (r->revocation, ==, KYSO_REVOCATION_UNKNOWN);
}

static void
test_tampered_signature (void)
{
  g_autoptr(GBytes) cms = make_cms ("signer", NULL, FALSE);
  g_autoptr(KysoCmsResult) r = NULL;
  KysoTrustOptions trust = trust_root ();
  gsize len = g_bytes_get_size (cms);
  guint8 *bytes = g_memdup2 (g_bytes_get_data (cms, NULL), len);
  g_autoptr(GBytes) tampered = NULL;
  const unsigned char *p = bytes;
  CMS_ContentInfo *ci = d2i_CMS_ContentInfo (NULL, &p, (long)len);
  ASN1_OCTET_STRING *sig
    = CMS_SignerInfo_get0_signature (sk_CMS_SignerInfo_value (CMS_get0_SignerInfos (ci), 0));
  guint8 *at = memmem (bytes, len, ASN1_STRING_get0_data (sig), (size_t)ASN1_STRING_length (sig));

  g_assert_nonnull (at);
  at[40] ^= 0x01;
  CMS_ContentInfo_free (ci);
  tampered = g_bytes_new_take (bytes, len);
  trust.offline = TRUE;
  r = verify (tampered, &trust);
  g_assert_false (r->intact);
  g_assert_true (has_reason (r, "does not verify"));
}

static void
test_garbled (void)
{
  g_autoptr(GBytes) cms = make_cms ("signer", NULL, FALSE);
  gsize len = g_bytes_get_size (cms);
  g_autoptr(GBytes) truncated = g_bytes_new_from_bytes (cms, 0, len - 10);
  g_autoptr(GBytes) garbage = g_bytes_new_static ("\x30\x82\x01\x00garbage", 11);
  g_autoptr(GBytes) empty = g_bytes_new_static ("", 0);
  guint8 *padded = g_malloc0 (len + 4096);
  g_autoptr(GBytes) zero_padded = NULL;
  g_autoptr(GBytes) junk_padded = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(KysoCmsVerifier) ok = NULL;
  GBytes *bad[3];

  memcpy (padded, g_bytes_get_data (cms, NULL), len);
  zero_padded = g_bytes_new (padded, len + 4096);
  padded[len + 100] = 0x42;
  junk_padded = g_bytes_new_take (padded, len + 4096);

  /* /Contents is zero-padded: fine. */
  ok = kyso_cms_verifier_new (zero_padded, &error);
  g_assert_no_error (error);
  g_assert_nonnull (ok);

  bad[0] = truncated;
  bad[1] = garbage;
  bad[2] = junk_padded;
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_assert_null (kyso_cms_verifier_new (bad[i], &error));
      g_assert_error (error, KYSO_ERROR, KYSO_ERROR_BROKEN_FILE);
      g_clear_error (&error);
    }
  g_assert_null (kyso_cms_verifier_new (empty, &error));
  g_assert_error (error, KYSO_ERROR, KYSO_ERROR_BROKEN_FILE);
  g_clear_error (&error);

  /* A digest of the wrong size is the caller's mistake, not a broken signature. */
  {
    g_autoptr(GBytes) short_digest = g_bytes_new_static ("abc", 3);
    KysoCmsResult *r = NULL;
    g_assert_false (kyso_cms_verifier_check (ok, short_digest, NULL, NULL, &r, &error));
    g_assert_error (error, KYSO_ERROR, KYSO_ERROR_INVALID_INPUT);
    g_assert_null (r);
  }
}

/* The signer's key and serial under another subject: the signature value verifies with either
 * certificate; only signing-certificate-v2 tells them apart. */
static void
test_substituted_certificate (void)
{
  g_autoptr(GBytes) twin_der = kyso_test_pki_cert ("signer-twin");
  g_autoptr(GBytes) signer_der = kyso_test_pki_cert ("signer");
  g_autofree char *key_path = kyso_test_pki_path ("signer.key");
  const unsigned char *p;
  X509 *twin, *signer;
  EVP_PKEY *key;
  BIO *bio = BIO_new_file (key_path, "r");
  CMS_ContentInfo *cms;
  CMS_SignerInfo *si;
  ESS_SIGNING_CERT_V2 *sc;
  unsigned char *der = NULL;
  int der_len;
  BIO *data;
  KysoTrustOptions trust = trust_root ();
  g_autoptr(GBytes) cms_bytes = NULL;
  g_autoptr(KysoCmsResult) r = NULL;

  key = PEM_read_bio_PrivateKey (bio, NULL, NULL, NULL);
  BIO_free (bio);
  p = g_bytes_get_data (twin_der, NULL);
  twin = d2i_X509 (NULL, &p, (long)g_bytes_get_size (twin_der));
  p = g_bytes_get_data (signer_der, NULL);
  signer = d2i_X509 (NULL, &p, (long)g_bytes_get_size (signer_der));

  cms = CMS_sign (NULL, NULL, NULL, NULL, CMS_PARTIAL | CMS_DETACHED | CMS_BINARY);
  si = CMS_add1_signer (cms, twin, key, EVP_sha256 (), CMS_PARTIAL | CMS_BINARY | CMS_NOSMIMECAP);
  g_assert_nonnull (si);
  sc = OSSL_ESS_signing_cert_v2_new_init (EVP_sha256 (), signer, NULL, 1);
  der_len = i2d_ESS_SIGNING_CERT_V2 (sc, &der);
  g_assert_cmpint (
    CMS_signed_add1_attr_by_NID (si, NID_id_smime_aa_signingCertificateV2, V_ASN1_SEQUENCE, der, der_len), ==,
    1);
  OPENSSL_free (der);
  der = NULL;
  ESS_SIGNING_CERT_V2_free (sc);
  data = BIO_new_mem_buf (g_bytes_get_data (content, NULL), (int)g_bytes_get_size (content));
  g_assert_cmpint (CMS_final (cms, data, NULL, CMS_BINARY | CMS_DETACHED), ==, 1);
  BIO_free (data);
  der_len = i2d_CMS_ContentInfo (cms, &der);
  cms_bytes = g_bytes_new (der, (gsize)der_len);
  OPENSSL_free (der);
  CMS_ContentInfo_free (cms);
  X509_free (twin);
  X509_free (signer);
  EVP_PKEY_free (key);

  trust.offline = TRUE;
  r = verify (cms_bytes, &trust);
  g_assert_false (r->intact);
  g_assert_true (has_reason (r, "names a different certificate"));
}

static GBytes *
openssl_sign (const char *extra1, const char *extra2, const char *input)
{
  g_autofree char *signer = kyso_test_pki_path ("signer.pem");
  g_autofree char *key = kyso_test_pki_path ("signer.key");
  g_autofree char *sub = kyso_test_pki_path ("sub/sub.pem");
  g_autofree char *out = kyso_test_pki_path ("openssl-signed.der");
  g_autofree char *log = NULL;
  int rc;

  if (extra2 != NULL)
    rc = kyso_test_openssl (&log, "cms", "-sign", "-binary", "-in", input, "-signer", signer, "-inkey", key,
                            "-certfile", sub, "-outform", "DER", "-out", out, extra1, extra2, NULL);
  else
    rc = kyso_test_openssl (&log, "cms", "-sign", "-binary", "-in", input, "-signer", signer, "-inkey", key,
                            "-certfile", sub, "-outform", "DER", "-out", out, extra1, NULL);
  if (rc != 0)
    g_error ("openssl cms -sign: %s", log);
  return read_file ("openssl-signed.der");
}

static void
test_adbe_detached (void)
{
  g_autofree char *input = kyso_test_pki_path ("content.bin");
  g_autoptr(GBytes) cms = openssl_sign ("-md", "sha256", input);
  KysoTrustOptions trust = trust_root ();
  g_autoptr(KysoCmsResult) r = NULL;

  trust.offline = TRUE;
  r = verify (cms, &trust);
  g_assert_true (r->intact);
  g_assert_cmpint (r->level, ==, KYSO_PADES_LEVEL_NONE);
  g_assert_false (r->has_signing_certificate);
  g_assert_nonnull (r->claimed_signing_time);
  g_assert_cmpint (r->trust, ==, KYSO_TRUST_TRUSTED);
}

static void
test_no_attributes (void)
{
  g_autofree char *input = kyso_test_pki_path ("content.bin");
  g_autoptr(GBytes) cms = openssl_sign ("-noattr", NULL, input);
  g_autoptr(GBytes) other = g_bytes_new_static ("other", 5);
  KysoTrustOptions trust = trust_root ();
  g_autoptr(KysoCmsResult) r = NULL;
  g_autoptr(KysoCmsResult) bad = NULL;
  g_autoptr(GError) error = NULL;

  trust.offline = TRUE;
  r = verify (cms, &trust);
  g_assert_true (r->intact);
  g_assert_null (r->claimed_signing_time);
  bad = verify_full (cms, other, &trust, NULL, &error);
  g_assert_no_error (error);
  g_assert_false (bad->intact);
}

static void
test_adbe_sha1 (void)
{
  g_autofree char *digest_path = kyso_test_pki_path ("content.sha1");
  g_autoptr(GBytes) sha1 = sha (EVP_sha1 (), content);
  g_autoptr(GBytes) cms = NULL;
  g_autoptr(KysoCmsVerifier) v = NULL;
  g_autoptr(GBytes) other = g_bytes_new_static ("other", 5);
  KysoTrustOptions trust = trust_root ();
  g_autoptr(KysoCmsResult) r = NULL;
  g_autoptr(KysoCmsResult) bad = NULL;
  g_autoptr(GError) error = NULL;

  g_file_set_contents (digest_path, g_bytes_get_data (sha1, NULL), 20, NULL);
  cms = openssl_sign ("-nodetach", NULL, digest_path);
  v = kyso_cms_verifier_new (cms, &error);
  g_assert_no_error (error);
  g_assert_cmpint (kyso_cms_verifier_get_kind (v), ==, KYSO_CMS_KIND_SHA1_CONTENT);
  g_assert_true (kyso_cms_verifier_get_digest_algorithm (v) == EVP_sha1 ());

  trust.offline = TRUE;
  r = verify (cms, &trust);
  g_assert_true (r->intact);
  g_assert_cmpint (r->kind, ==, KYSO_CMS_KIND_SHA1_CONTENT);
  g_assert_cmpstr (r->digest_algorithm, ==, "SHA-1");
  g_assert_true (r->weak_algorithm);
  g_assert_true (has_reason (r, "no longer considered secure"));
  bad = verify_full (cms, other, &trust, NULL, &error);
  g_assert_no_error (error);
  g_assert_false (bad->intact);
}

static void
test_document_timestamp (void)
{
  g_autoptr(GBytes) token = kyso_test_tsa_token_for (content);
  g_autoptr(GBytes) cms = make_cms ("signer", NULL, FALSE);
  g_autoptr(GBytes) other = g_bytes_new_static ("other", 5);
  g_autoptr(GBytes) other_digest = sha (EVP_sha256 (), other);
  KysoTrustOptions trust = trust_root ();
  g_autoptr(KysoCmsResult) r = NULL;
  g_autoptr(KysoCmsResult) bad = NULL;
  g_autoptr(GError) error = NULL;
  KysoCmsResult *none = NULL;

  trust.offline = TRUE;
  r = verify (token, &trust);
  g_assert_cmpint (r->kind, ==, KYSO_CMS_KIND_TIMESTAMP);
  g_assert_true (r->intact);
  g_assert_nonnull (r->timestamp_time);
  g_assert_cmpstr (kyso_certificate_get_holder_name (r->signer), ==, "Kyso Test TSA");
  g_assert_cmpint (r->trust, ==, KYSO_TRUST_TRUSTED);
  g_assert_cmpint (r->level, ==, KYSO_PADES_LEVEL_NONE);

  g_assert_true (kyso_cms_verify_document_timestamp (token, other_digest, &trust, NULL, &bad, &error));
  g_assert_no_error (error);
  g_assert_false (bad->intact);
  g_assert_true (has_reason (bad, "changed after it was time-stamped"));

  g_assert_false (kyso_cms_verify_document_timestamp (cms, content_sha256, &trust, NULL, &none, &error));
  g_assert_error (error, KYSO_ERROR, KYSO_ERROR_BROKEN_FILE);
  g_assert_null (none);
}

/* A time-stamp over something else, slipped in as an unsigned attribute: ignored, reported. */
static void
test_foreign_timestamp (void)
{
  g_autoptr(GBytes) cms = make_cms ("signer", NULL, FALSE);
  g_autoptr(GBytes) token = kyso_test_tsa_token_for (content);
  const unsigned char *p = g_bytes_get_data (cms, NULL);
  CMS_ContentInfo *ci = d2i_CMS_ContentInfo (NULL, &p, (long)g_bytes_get_size (cms));
  CMS_SignerInfo *si = sk_CMS_SignerInfo_value (CMS_get0_SignerInfos (ci), 0);
  unsigned char *der = NULL;
  int len;
  g_autoptr(GBytes) with_token = NULL;
  KysoTrustOptions trust = trust_root ();
  g_autoptr(KysoCmsResult) r = NULL;

  g_assert_cmpint (CMS_unsigned_add1_attr_by_NID (si, NID_id_smime_aa_timeStampToken, V_ASN1_SEQUENCE,
                                                  g_bytes_get_data (token, NULL),
                                                  (int)g_bytes_get_size (token)),
                   ==, 1);
  len = i2d_CMS_ContentInfo (ci, &der);
  with_token = g_bytes_new (der, (gsize)len);
  OPENSSL_free (der);
  CMS_ContentInfo_free (ci);

  trust.offline = TRUE;
  r = verify (with_token, &trust);
  g_assert_true (r->intact);
  g_assert_true (r->timestamp_invalid);
  g_assert_null (r->timestamp_time);
  g_assert_cmpint (r->level, ==, KYSO_PADES_LEVEL_B_B);
  g_assert_true (has_reason (r, "time-stamp does not verify"));
}

int
main (int argc, char **argv)
{
  g_autofree char *content_path = NULL;
  int rc;

  g_test_init (&argc, &argv, NULL);
  kyso_test_pki_get ();
  {
    static const char text[] = "%PDF-1.7 … the byte ranges of a signed file …";
    content = g_bytes_new_static (text, strlen (text));
  }
  content_sha256 = sha (EVP_sha256 (), content);
  content_path = kyso_test_pki_path ("content.bin");
  g_file_set_contents (content_path, g_bytes_get_data (content, NULL), (gssize)g_bytes_get_size (content),
                       NULL);
  ocsp_pid = kyso_test_ocsp_start ();
  crl_server = kyso_test_http_new (kyso_test_pki_get ()->http_port, crl_handler, NULL);

  g_test_add_func ("/cms-verify/b-b", test_b_b);
  g_test_add_func ("/cms-verify/b-t", test_b_t);
  g_test_add_func ("/cms-verify/ecdsa", test_ecdsa);
  g_test_add_func ("/cms-verify/revoked-ocsp", test_revoked_ocsp);
  g_test_add_func ("/cms-verify/crl", test_crl);
  g_test_add_func ("/cms-verify/offline", test_offline);
  g_test_add_func ("/cms-verify/dead-responder", test_dead_responder);
  g_test_add_func ("/cms-verify/cancel", test_cancel);
  g_test_add_func ("/cms-verify/untrusted", test_untrusted);
  g_test_add_func ("/cms-verify/anchor-sources", test_anchor_sources);
  g_test_add_func ("/cms-verify/expired", test_expired);
  g_test_add_func ("/cms-verify/tampered-digest", test_tampered_digest);
  g_test_add_func ("/cms-verify/tampered-signature", test_tampered_signature);
  g_test_add_func ("/cms-verify/garbled", test_garbled);
  g_test_add_func ("/cms-verify/substituted-certificate", test_substituted_certificate);
  g_test_add_func ("/cms-verify/adbe-detached", test_adbe_detached);
  g_test_add_func ("/cms-verify/no-attributes", test_no_attributes);
  g_test_add_func ("/cms-verify/adbe-sha1", test_adbe_sha1);
  g_test_add_func ("/cms-verify/document-timestamp", test_document_timestamp);
  g_test_add_func ("/cms-verify/foreign-timestamp", test_foreign_timestamp);
  rc = g_test_run ();

  kyso_test_http_free (crl_server);
  kyso_test_ocsp_stop (ocsp_pid);
  g_bytes_unref (content_sha256);
  g_bytes_unref (content);
  kyso_test_pki_cleanup ();
  return rc;
}
