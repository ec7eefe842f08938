#define _GNU_SOURCE
/* The two-phase PAdES CMS builder against real OpenSSL: `openssl cms -verify` must accept what
 * it makes, the attributes must be exactly the B-B set, and the digest to sign must not move. */
#include "kyso-pades.h"
#include "kyso-error.h"
#include "kyso-test-pki.h"

#include <glib/gstdio.h>
#include <openssl/cms.h>
#include <openssl/ec.h>
#include <openssl/ess.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <string.h>

typedef struct
{
  char *dir;
  char *content_path;
  GBytes *content;
  GBytes *digest;
} Fixture;

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  guint8 *buf = g_malloc (100000);
  guint8 md[32];

  for (gsize i = 0; i < 100000; i++)
    buf[i] = (guint8)g_test_rand_int ();
  f->content = g_bytes_new_take (buf, 100000);
  f->dir = g_dir_make_tmp ("kyso-pades-XXXXXX", &error);
  g_assert_no_error (error);
  f->content_path = g_build_filename (f->dir, "content.bin", NULL);
  g_file_set_contents (f->content_path, g_bytes_get_data (f->content, NULL), 100000, &error);
  g_assert_no_error (error);
  EVP_Digest (g_bytes_get_data (f->content, NULL), 100000, md, NULL, EVP_sha256 (), NULL);
  f->digest = g_bytes_new (md, 32);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  g_autoptr(GDir) d = g_dir_open (f->dir, 0, NULL);
  const char *name;

  while ((name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *p = g_build_filename (f->dir, name, NULL);
      g_unlink (p);
    }
  g_rmdir (f->dir);
  g_free (f->dir);
  g_free (f->content_path);
  g_bytes_unref (f->content);
  g_bytes_unref (f->digest);
}

static char *
write_tmp (Fixture *f, const char *name, GBytes *bytes)
{
  g_autoptr(GError) error = NULL;
  char *path = g_build_filename (f->dir, name, NULL);

  g_file_set_contents (path, g_bytes_get_data (bytes, NULL), (gssize)g_bytes_get_size (bytes), &error);
  g_assert_no_error (error);
  return path;
}

static KysoPadesBuilder *
build_signed (Fixture *f, const char *leaf)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) chain = kyso_test_pki_chain (leaf);
  KysoPadesBuilder *b = kyso_pades_builder_new (f->digest, chain, &error);
  g_autoptr(GBytes) sig = NULL;

  g_assert_no_error (error);
  g_assert_nonnull (b);
  g_assert_null (kyso_pades_builder_get_signature (b));
  sig = kyso_test_pki_sign_digest (leaf, kyso_pades_builder_get_digest_to_sign (b));
  g_assert_true (kyso_pades_builder_set_signature (b, sig, &error));
  g_assert_no_error (error);
  g_assert_nonnull (kyso_pades_builder_get_signature (b));
  return b;
}

/* openssl cms -verify over the content file, trusting only the test root. */
static void
assert_openssl_verifies (Fixture *f, GBytes *cms)
{
  g_autofree char *cms_path = write_tmp (f, "sig.der", cms);
  g_autofree char *ca = kyso_test_pki_path ("root/root.pem");
  g_autofree char *out = NULL;
  int rc = kyso_test_openssl (&out, "cms", "-verify", "-binary", "-inform", "DER", "-in", cms_path,
                              "-content", f->content_path, "-CAfile", ca, "-out", "/dev/null", NULL);

  if (rc != 0)
    g_test_message ("%s", out);
  g_assert_cmpint (rc, ==, 0);
  g_assert_nonnull (strstr (out, "Verification successful"));
}

static char *
openssl_print (Fixture *f, GBytes *cms)
{
  g_autofree char *cms_path = write_tmp (f, "print.der", cms);
  char *out = NULL;

  g_assert_cmpint (
    kyso_test_openssl (&out, "cms", "-cmsout", "-print", "-inform", "DER", "-in", cms_path, NULL), ==, 0);
  return out;
}

static guint
count (const char *haystack, const char *needle)
{
  guint n = 0;
  for (const char *p = strstr (haystack, needle); p != NULL; p = strstr (p + 1, needle))
    n++;
  return n;
}

static CMS_SignerInfo *
parse_signer_info (GBytes *der, CMS_ContentInfo **out_cms)
{
  const unsigned char *p = g_bytes_get_data (der, NULL);
  CMS_ContentInfo *cms = d2i_CMS_ContentInfo (NULL, &p, (long)g_bytes_get_size (der));

  g_assert_nonnull (cms);
  *out_cms = cms;
  return sk_CMS_SignerInfo_value (CMS_get0_SignerInfos (cms), 0);
}

static void
test_rsa (Fixture *f, gconstpointer data)
{
  g_autoptr(KysoPadesBuilder) b = build_signed (f, "signer");
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) der = kyso_pades_builder_to_der (b, &error);
  g_autofree char *printed = NULL;
  CMS_ContentInfo *cms = NULL;
  CMS_SignerInfo *si;
  g_autoptr(GPtrArray) chain = kyso_test_pki_chain ("signer");
  STACK_OF (X509) * certs;
  ESS_SIGNING_CERT_V2 *sc;
  ASN1_STRING *value;
  const unsigned char *p;

  g_assert_no_error (error);
  assert_openssl_verifies (f, der);

  printed = openssl_print (f, der);
  g_assert_cmpuint (count (printed, "object: contentType"), ==, 1);
  g_assert_cmpuint (count (printed, "object: messageDigest"), ==, 1);
  g_assert_cmpuint (count (printed, "object: id-smime-aa-signingCertificateV2"), ==, 1);
  g_assert_cmpuint (count (printed, "signingTime"), ==, 0);
  g_assert_cmpuint (count (printed, "S/MIME Capabilities"), ==, 0);
  g_assert_nonnull (strstr (printed, "rsaEncryption"));
  g_assert_nonnull (strstr (printed, "eContent: <ABSENT>"));

  si = parse_signer_info (der, &cms);
  g_assert_cmpint (CMS_signed_get_attr_count (si), ==, 3);
  g_assert_cmpint (CMS_unsigned_get_attr_count (si), <=, 0);
  certs = CMS_get1_certs (cms);
  g_assert_cmpint (sk_X509_num (certs), ==, 3);
  /* The ESSCertIDv2 names exactly the signer (hash and issuerSerial). */
  value = CMS_signed_get0_data_by_OBJ (si, OBJ_nid2obj (NID_id_smime_aa_signingCertificateV2), -3,
                                       V_ASN1_SEQUENCE);
  g_assert_nonnull (value);
  p = ASN1_STRING_get0_data (value);
  sc = d2i_ESS_SIGNING_CERT_V2 (NULL, &p, ASN1_STRING_length (value));
  g_assert_nonnull (sc);
  {
    STACK_OF (X509) *signer_first = sk_X509_new_null ();
    const unsigned char *q = g_bytes_get_data (g_ptr_array_index (chain, 0), NULL);
    X509 *signer = d2i_X509 (NULL, &q, (long)g_bytes_get_size (g_ptr_array_index (chain, 0)));
    sk_X509_push (signer_first, signer);
    g_assert_cmpint (OSSL_ESS_check_signing_certs (NULL, sc, signer_first, 1), ==, 1);
    sk_X509_pop_free (signer_first, X509_free);
  }
  ESS_SIGNING_CERT_V2_free (sc);
  sk_X509_pop_free (certs, X509_free);
  CMS_ContentInfo_free (cms);
}

static void
test_ecdsa (Fixture *f, gconstpointer data)
{
  g_autoptr(KysoPadesBuilder) b = build_signed (f, "signer-ec");
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) der = kyso_pades_builder_to_der (b, &error);
  g_autofree char *printed = NULL;
  g_autoptr(GBytes) sig = NULL;
  g_autoptr(GBytes) der2 = NULL;
  guint8 raw[64];
  const unsigned char *p;
  ECDSA_SIG *es;

  g_assert_no_error (error);
  assert_openssl_verifies (f, der);
  printed = openssl_print (f, der);
  g_assert_nonnull (strstr (printed, "ecdsa-with-SHA256"));

  /* Some services return ECDSA as raw r‖s: accepted, and stored DER-encoded. */
  sig = kyso_test_pki_sign_digest ("signer-ec", kyso_pades_builder_get_digest_to_sign (b));
  p = g_bytes_get_data (sig, NULL);
  es = d2i_ECDSA_SIG (NULL, &p, (long)g_bytes_get_size (sig));
  g_assert_nonnull (es);
  BN_bn2binpad (ECDSA_SIG_get0_r (es), raw, 32);
  BN_bn2binpad (ECDSA_SIG_get0_s (es), raw + 32, 32);
  ECDSA_SIG_free (es);
  {
    g_autoptr(GBytes) raw_bytes = g_bytes_new (raw, sizeof raw);
    g_assert_true (kyso_pades_builder_set_signature (b, raw_bytes, &error));
    g_assert_no_error (error);
    g_assert_true (g_bytes_equal (kyso_pades_builder_get_signature (b), sig));
  }
  der2 = kyso_pades_builder_to_der (b, &error);
  g_assert_no_error (error);
  assert_openssl_verifies (f, der2);
}

static void
test_deterministic (Fixture *f, gconstpointer data)
{
  g_autoptr(GPtrArray) chain = kyso_test_pki_chain ("signer");
  g_autoptr(GError) error = NULL;
  g_autoptr(KysoPadesBuilder) a = kyso_pades_builder_new (f->digest, chain, &error);
  g_autoptr(KysoPadesBuilder) b = kyso_pades_builder_new (f->digest, chain, &error);
  g_autoptr(GBytes) other_digest = g_bytes_new_static ("0123456789abcdef0123456789abcdef", 32);
  g_autoptr(KysoPadesBuilder) c = kyso_pades_builder_new (other_digest, chain, &error);
  GBytes *attrs = kyso_pades_builder_get_signed_attributes (a);
  guint8 md[32];
  g_autoptr(GBytes) sig = NULL;
  g_autoptr(GBytes) der = NULL;
  g_autofree guint8 *implicit = NULL;

  g_assert_no_error (error);
  g_assert_cmpuint (g_bytes_get_size (kyso_pades_builder_get_digest_to_sign (a)), ==, 32);
  g_assert_true (
    g_bytes_equal (kyso_pades_builder_get_digest_to_sign (a), kyso_pades_builder_get_digest_to_sign (b)));
  g_assert_true (g_bytes_equal (attrs, kyso_pades_builder_get_signed_attributes (b)));
  g_assert_false (
    g_bytes_equal (kyso_pades_builder_get_digest_to_sign (a), kyso_pades_builder_get_digest_to_sign (c)));

  /* The digest is SHA-256 of the DER SET OF … */
  EVP_Digest (g_bytes_get_data (attrs, NULL), g_bytes_get_size (attrs), md, NULL, EVP_sha256 (), NULL);
  g_assert_cmpmem (md, 32, g_bytes_get_data (kyso_pades_builder_get_digest_to_sign (a), NULL), 32);
  g_assert_cmpint (((const guint8 *)g_bytes_get_data (attrs, NULL))[0], ==, 0x31);

  /* … and those bytes are what the CMS carries, under the [0] IMPLICIT tag. */
  sig = kyso_test_pki_sign_digest ("signer", kyso_pades_builder_get_digest_to_sign (a));
  g_assert_true (kyso_pades_builder_set_signature (a, sig, &error));
  der = kyso_pades_builder_to_der (a, &error);
  g_assert_no_error (error);
  implicit = g_memdup2 (g_bytes_get_data (attrs, NULL), g_bytes_get_size (attrs));
  implicit[0] = 0xa0;
  g_assert_nonnull (
    memmem (g_bytes_get_data (der, NULL), g_bytes_get_size (der), implicit, g_bytes_get_size (attrs)));
}

static void
test_bad_signature (Fixture *f, gconstpointer data)
{
  g_autoptr(GPtrArray) chain = kyso_test_pki_chain ("signer");
  g_autoptr(GError) error = NULL;
  g_autoptr(KysoPadesBuilder) b = kyso_pades_builder_new (f->digest, chain, &error);
  g_autoptr(GBytes) other_key
             = kyso_test_pki_sign_digest ("revoked", kyso_pades_builder_get_digest_to_sign (b));
  g_autoptr(GBytes) wrong_digest = kyso_test_pki_sign_digest ("signer", f->digest);
  g_autoptr(GBytes) garbage = g_bytes_new_static ("garbage", 7);
  g_autoptr(GBytes) empty = g_bytes_new_static ("", 0);
  GBytes *bad[] = { other_key, wrong_digest, garbage, empty };

  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_assert_false (kyso_pades_builder_set_signature (b, bad[i], &error));
      g_assert_error (error, KYSO_ERROR, KYSO_ERROR_BAD_SIGNATURE);
      g_clear_error (&error);
    }
  g_assert_null (kyso_pades_builder_get_signature (b));
  g_assert_null (kyso_pades_builder_to_der (b, &error));
  g_assert_error (error, KYSO_ERROR, KYSO_ERROR_INVALID_INPUT);
}

static void
test_bad_input (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) chain = kyso_test_pki_chain ("signer");
  g_autoptr(GPtrArray) empty = g_ptr_array_new ();
  g_autoptr(GPtrArray) garbage = g_ptr_array_new_with_free_func ((GDestroyNotify)g_bytes_unref);
  g_autoptr(GPtrArray) bad_tail = kyso_test_pki_chain ("signer");
  g_autoptr(GBytes) short_digest = g_bytes_new_static ("0123456789abcdef0123456789abcde", 31);
  g_autoptr(KysoPadesBuilder) b = NULL;

  g_assert_null (kyso_pades_builder_new (short_digest, chain, &error));
  g_assert_error (error, KYSO_ERROR, KYSO_ERROR_INVALID_INPUT);
  g_clear_error (&error);

  g_assert_null (kyso_pades_builder_new (f->digest, empty, &error));
  g_assert_error (error, KYSO_ERROR, KYSO_ERROR_CERTIFICATE);
  g_clear_error (&error);
  g_assert_null (kyso_pades_builder_new (f->digest, NULL, &error));
  g_assert_error (error, KYSO_ERROR, KYSO_ERROR_CERTIFICATE);
  g_clear_error (&error);

  g_ptr_array_add (garbage, g_bytes_new_static ("\x30\x03\x02\x01\x01", 5));
  g_assert_null (kyso_pades_builder_new (f->digest, garbage, &error));
  g_assert_error (error, KYSO_ERROR, KYSO_ERROR_CERTIFICATE);
  g_clear_error (&error);

  g_ptr_array_add (bad_tail, g_bytes_new_static ("nope", 4));
  g_assert_null (kyso_pades_builder_new (f->digest, bad_tail, &error));
  g_assert_error (error, KYSO_ERROR, KYSO_ERROR_CERTIFICATE);
  g_clear_error (&error);

  /* Time-stamp before signature: refused. */
  b = kyso_pades_builder_new (f->digest, chain, &error);
  g_assert_no_error (error);
  {
    g_autoptr(GBytes) tok = kyso_test_tsa_token_for (f->digest);
    g_assert_false (kyso_pades_builder_add_timestamp_token (b, tok, &error));
    g_assert_error (error, KYSO_ERROR, KYSO_ERROR_INVALID_INPUT);
  }
}

static void
test_duplicate_chain (Fixture *f, gconstpointer data)
{
  g_autoptr(GPtrArray) chain = kyso_test_pki_chain ("signer");
  g_autoptr(GError) error = NULL;
  g_autoptr(KysoPadesBuilder) b = NULL;
  g_autoptr(GBytes) sig = NULL;
  g_autoptr(GBytes) der = NULL;
  CMS_ContentInfo *cms = NULL;
  STACK_OF (X509) * certs;

  g_ptr_array_add (chain, g_bytes_ref (g_ptr_array_index (chain, 0)));
  b = kyso_pades_builder_new (f->digest, chain, &error);
  g_assert_no_error (error);
  sig = kyso_test_pki_sign_digest ("signer", kyso_pades_builder_get_digest_to_sign (b));
  g_assert_true (kyso_pades_builder_set_signature (b, sig, &error));
  der = kyso_pades_builder_to_der (b, &error);
  g_assert_no_error (error);
  parse_signer_info (der, &cms);
  certs = CMS_get1_certs (cms);
  g_assert_cmpint (sk_X509_num (certs), ==, 3);
  sk_X509_pop_free (certs, X509_free);
  CMS_ContentInfo_free (cms);
  assert_openssl_verifies (f, der);
}

static void
test_timestamp (Fixture *f, gconstpointer data)
{
  g_autoptr(KysoPadesBuilder) b = build_signed (f, "signer");
  g_autoptr(GError) error = NULL;
  GBytes *sig = kyso_pades_builder_get_signature (b);
  g_autoptr(GBytes) token = kyso_test_tsa_token_for (sig);
  g_autoptr(GBytes) wrong = kyso_test_tsa_token_for (f->digest);
  g_autoptr(GBytes) garbage = g_bytes_new_static ("\x30\x00", 2);
  g_autoptr(GBytes) der = NULL;
  g_autofree char *printed = NULL;
  g_autofree char *tok_path = write_tmp (f, "token.der", token);
  g_autofree char *sig_path = write_tmp (f, "sig.bin", sig);
  g_autofree char *ca = kyso_test_pki_path ("root/root.pem");
  g_autofree char *tsa = kyso_test_pki_path ("tsa.pem");
  g_autofree char *out = NULL;
  CMS_ContentInfo *cms = NULL;
  CMS_SignerInfo *si;
  gsize estimate;

  g_assert_false (kyso_pades_builder_add_timestamp_token (b, wrong, &error));
  g_assert_error (error, KYSO_ERROR, KYSO_ERROR_SERVER);
  g_clear_error (&error);
  g_assert_false (kyso_pades_builder_add_timestamp_token (b, garbage, &error));
  g_assert_error (error, KYSO_ERROR, KYSO_ERROR_SERVER);
  g_clear_error (&error);

  g_assert_true (kyso_pades_builder_add_timestamp_token (b, token, &error));
  g_assert_no_error (error);
  /* A second token replaces the first: still one. */
  g_assert_true (kyso_pades_builder_add_timestamp_token (b, token, &error));
  der = kyso_pades_builder_to_der (b, &error);
  g_assert_no_error (error);
  assert_openssl_verifies (f, der);
  printed = openssl_print (f, der);
  g_assert_cmpuint (count (printed, "object: id-smime-aa-timeStampToken"), ==, 1);
  si = parse_signer_info (der, &cms);
  g_assert_cmpint (CMS_unsigned_get_attr_count (si), ==, 1);
  CMS_ContentInfo_free (cms);

  /* The token independently verifies over the signature value. */
  g_assert_cmpint (kyso_test_openssl (&out, "ts", "-verify", "-in", tok_path, "-token_in", "-data", sig_path,
                                      "-CAfile", ca, "-untrusted", tsa, NULL),
                   ==, 0);

  {
    g_autoptr(GPtrArray) chain = kyso_test_pki_chain ("signer");
    estimate = kyso_pades_estimate_size (chain, 12288);
    g_test_message ("B-T: CMS %zu bytes (token %zu), estimate with 12288 reserved %zu",
                    g_bytes_get_size (der), g_bytes_get_size (token), estimate);
    g_assert_cmpuint (estimate, >=, g_bytes_get_size (der));
  }
}

static void
test_estimate (Fixture *f, gconstpointer data)
{
  const char *leaves[] = { "signer", "signer-ec" };

  for (guint i = 0; i < G_N_ELEMENTS (leaves); i++)
    {
      g_autoptr(KysoPadesBuilder) b = build_signed (f, leaves[i]);
      g_autoptr(GPtrArray) chain = kyso_test_pki_chain (leaves[i]);
      g_autoptr(GBytes) der = kyso_pades_builder_to_der (b, NULL);
      gsize est = kyso_pades_estimate_size (chain, 0);

      g_test_message ("%s: CMS %zu bytes, estimate %zu", leaves[i], g_bytes_get_size (der), est);

      g_assert_cmpuint (est, >=, g_bytes_get_size (der));
      /* Tight enough that /Contents does not waste much. */
      g_assert_cmpuint (est, <, g_bytes_get_size (der) + 4096);
    }
}

int
main (int argc, char **argv)
{
  int rc;

  g_test_init (&argc, &argv, NULL);
  kyso_test_pki_get ();
#define ADD(path, fn) g_test_add (path, Fixture, NULL, fixture_set_up, fn, fixture_tear_down)
  ADD ("/pades/rsa", test_rsa);
  ADD ("/pades/ecdsa", test_ecdsa);
  ADD ("/pades/deterministic", test_deterministic);
  ADD ("/pades/bad-signature", test_bad_signature);
  ADD ("/pades/bad-input", test_bad_input);
  ADD ("/pades/duplicate-chain", test_duplicate_chain);
  ADD ("/pades/timestamp", test_timestamp);
  ADD ("/pades/estimate", test_estimate);
  rc = g_test_run ();
  kyso_test_pki_cleanup ();
  return rc;
}
