/* Reading certificates the way Vietnamese CAs write them, and deciding whether one may sign. */
#include "kyso-certificate.h"
#include "kyso-error.h"
#include "kyso-test-pki.h"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>
#include <string.h>

/* A self-signed P-256 certificate with the given subject ("UID=CCCD:…" pairs), made in memory. */
static GBytes *
make_cert (const char *const *subject, const char *key_usage, const char *san, long days_from, long days_to)
{
  EVP_PKEY *key = EVP_EC_gen ("P-256");
  X509 *x = X509_new ();
  X509_NAME *name = X509_NAME_new ();
  X509V3_CTX ctx;
  unsigned char *der = NULL;
  int len;
  GBytes *out;

  g_assert_nonnull (key);
  ASN1_INTEGER_set (X509_get_serialNumber (x), 0x54012a);
  X509_set_version (x, 2);
  for (guint i = 0; subject[i] != NULL; i += 2)
    g_assert_cmpint (X509_NAME_add_entry_by_txt (name, subject[i], MBSTRING_UTF8,
                                                 (const unsigned char *)subject[i + 1], -1, -1, 0),
                     ==, 1);
  X509_set_subject_name (x, name);
  X509_set_issuer_name (x, name);
  X509_gmtime_adj (X509_getm_notBefore (x), days_from * 86400);
  X509_gmtime_adj (X509_getm_notAfter (x), days_to * 86400);
  X509_set_pubkey (x, key);
  X509V3_set_ctx (&ctx, x, x, NULL, NULL, 0);
  if (key_usage != NULL)
    {
      X509_EXTENSION *ext = X509V3_EXT_conf_nid (NULL, &ctx, NID_key_usage, key_usage);
      X509_add_ext (x, ext, -1);
      X509_EXTENSION_free (ext);
    }
  if (san != NULL)
    {
      X509_EXTENSION *ext = X509V3_EXT_conf_nid (NULL, &ctx, NID_subject_alt_name, san);
      X509_add_ext (x, ext, -1);
      X509_EXTENSION_free (ext);
    }
  g_assert_cmpint (X509_sign (x, key, EVP_sha256 ()), >, 0);
  len = i2d_X509 (x, &der);
  out = g_bytes_new (der, (gsize)len);
  OPENSSL_free (der);
  X509_NAME_free (name);
  X509_free (x);
  EVP_PKEY_free (key);
  return out;
}

static KysoCertificate *
load (const char *name)
{
  g_autoptr(GBytes) der = kyso_test_pki_cert (name);
  g_autoptr(GError) error = NULL;
  KysoCertificate *cert = kyso_certificate_new (der, &error);

  g_assert_no_error (error);
  return cert;
}

static KysoCertificate *
from_subject (const char *const *subject)
{
  g_autoptr(GBytes) der = make_cert (subject, "critical,digitalSignature,nonRepudiation", NULL, -1, 365);
  g_autoptr(GError) error = NULL;
  KysoCertificate *cert = kyso_certificate_new (der, &error);

  g_assert_no_error (error);
  return cert;
}

static void
test_signer (void)
{
  g_autoptr(KysoCertificate) cert = load ("signer");
  g_autoptr(GBytes) der = kyso_test_pki_cert ("signer");
  g_autofree char *fp = kyso_certificate_dup_fingerprint (cert);
  g_autofree char *expected_fp = NULL;
  g_autofree char *pem_path = kyso_test_pki_path ("signer.pem");
  g_autofree char *pem = NULL;
  gsize pem_len;

  g_assert_cmpstr (kyso_certificate_get_holder_name (cert), ==, "Nguyễn Văn An");
  g_assert_cmpstr (kyso_certificate_get_email (cert), ==, "an@example.vn");
  g_assert_cmpstr (kyso_certificate_get_national_id (cert), ==, "001099012345");
  g_assert_cmpstr (kyso_certificate_get_national_id_kind (cert), ==, "CCCD");
  g_assert_cmpstr (kyso_certificate_get_issuer_name (cert), ==, "Kyso Test CA");
  g_assert_cmpstr (kyso_certificate_get_serial (cert), ==, "1000");
  g_assert_nonnull (strstr (kyso_certificate_get_subject (cert), "CN=Nguyễn Văn An"));
  g_assert_nonnull (strstr (kyso_certificate_get_subject (cert), "L=Hà Nội"));
  g_assert_nonnull (strstr (kyso_certificate_get_issuer (cert), "CN=Kyso Test Sub CA"));
  g_assert_true (kyso_certificate_can_sign (cert));
  g_assert_true (kyso_certificate_is_valid_at (cert, NULL));
  g_assert_true (g_bytes_equal (kyso_certificate_get_der (cert), der));
  g_assert_cmpint (
    g_date_time_compare (kyso_certificate_get_not_before (cert), kyso_certificate_get_not_after (cert)), <,
    0);
  expected_fp = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, der);
  g_assert_cmpstr (fp, ==, expected_fp);

  /* PEM works as well as DER. */
  g_assert_true (g_file_get_contents (pem_path, &pem, &pem_len, NULL));
  {
    g_autoptr(GBytes) pem_bytes = g_bytes_new (pem, pem_len);
    g_autoptr(KysoCertificate) again = kyso_certificate_new (pem_bytes, NULL);
    g_assert_nonnull (again);
    g_assert_true (g_bytes_equal (kyso_certificate_get_der (again), der));
  }
  g_assert_finalize_object (g_steal_pointer (&cert));
}

static void
test_pki_variants (void)
{
  g_autoptr(KysoCertificate) ec = load ("signer-ec");
  g_autoptr(KysoCertificate) plain = load ("crl-good");
  g_autoptr(KysoCertificate) ca = load ("sub/sub");

  /* serialNumber=CMND:…, and the e-mail only in subjectAltName. */
  g_assert_cmpstr (kyso_certificate_get_national_id (ec), ==, "123456789");
  g_assert_cmpstr (kyso_certificate_get_national_id_kind (ec), ==, "CMND");
  g_assert_cmpstr (kyso_certificate_get_email (ec), ==, "binh@example.vn");
  g_assert_cmpstr (kyso_certificate_get_holder_name (ec), ==, "Trần Thị Bình");

  /* A plain 12-digit UID is a CCCD number. */
  g_assert_cmpstr (kyso_certificate_get_national_id (plain), ==, "012345678901");
  g_assert_cmpstr (kyso_certificate_get_national_id_kind (plain), ==, "CCCD");
  g_assert_null (kyso_certificate_get_email (plain));

  /* The CA itself: no ID, not for signing documents; its issuer is named by O. */
  g_assert_null (kyso_certificate_get_national_id (ca));
  g_assert_false (kyso_certificate_can_sign (ca));
  g_assert_cmpstr (kyso_certificate_get_issuer_name (ca), ==, "Kyso Test");
}

static void
test_subject_forms (void)
{
  struct
  {
    const char *subject[9];
    const char *id;
    const char *kind;
  } cases[] = {
    { { "CN", "A", "UID", "CCCD: 0010 9901 2345", NULL }, "001099012345", "CCCD" },
    { { "CN", "A", "UID", "cccd:001099012345", NULL }, "001099012345", "CCCD" },
    { { "CN", "A", "0.9.2342.19200300.100.1.1", "CMND:123456789", NULL }, "123456789", "CMND" },
    { { "CN", "A", "serialNumber", "CCCD:079088001122", NULL }, "079088001122", "CCCD" },
    { { "CN", "A", "UID", "HC:B1234567", NULL }, "B1234567", "HC" },
    { { "CN", "A", "UID", "123456789", NULL }, "123456789", "CMND" },
    /* An organisation's tax code is not a personal ID. */
    { { "CN", "Công ty A", "UID", "MST:0101234567", NULL }, NULL, NULL },
    { { "CN", "A", "UID", "12345", NULL }, NULL, NULL },
    /* Both: the chip card wins over a tax code and over an old CMND. */
    { { "CN", "A", "UID", "MST:0101234567", "serialNumber", "CCCD:001099012345", NULL },
      "001099012345",
      "CCCD" },
    { { "CN", "A", "UID", "CMND:123456789", "serialNumber", "CCCD:001099012345", NULL },
      "001099012345",
      "CCCD" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(KysoCertificate) cert = from_subject (cases[i].subject);
      g_assert_cmpstr (kyso_certificate_get_national_id (cert), ==, cases[i].id);
      g_assert_cmpstr (kyso_certificate_get_national_id_kind (cert), ==, cases[i].kind);
    }
}

static void
test_names (void)
{
  const char *org_only[] = { "O", "Công ty TNHH Một Thành Viên", NULL };
  const char *uid_only[] = { "UID", "CCCD:001099012345", NULL };
  const char *email[] = { "CN", "A", "emailAddress", "a@subject.vn", NULL };
  g_autoptr(KysoCertificate) a = from_subject (org_only);
  g_autoptr(KysoCertificate) b = from_subject (uid_only);
  g_autoptr(GBytes) der = make_cert (email, NULL, "email:b@san.vn", -1, 1);
  g_autoptr(KysoCertificate) c = kyso_certificate_new (der, NULL);

  g_assert_cmpstr (kyso_certificate_get_holder_name (a), ==, "Công ty TNHH Một Thành Viên");
  g_assert_cmpstr (kyso_certificate_get_issuer_name (a), ==, "Công ty TNHH Một Thành Viên");
  g_assert_cmpstr (kyso_certificate_get_serial (a), ==, "54012A");
  /* No CN, no O: the whole subject. */
  g_assert_cmpstr (kyso_certificate_get_holder_name (b), ==, "UID=CCCD:001099012345");
  /* Subject e-mail first; no keyUsage at all means any use. */
  g_assert_cmpstr (kyso_certificate_get_email (c), ==, "a@subject.vn");
  g_assert_true (kyso_certificate_can_sign (c));
}

static void
test_normalize (void)
{
  g_autofree char *a = kyso_national_id_normalize ("CCCD: 0010 9901 2345");
  g_autofree char *b = kyso_national_id_normalize (" 001099012345 ");
  g_autofree char *c = kyso_national_id_normalize ("hc:b1234567");
  g_autofree char *d = kyso_national_id_normalize (" - ");
  g_autofree char *e = kyso_national_id_normalize (NULL);

  g_assert_cmpstr (a, ==, "001099012345");
  g_assert_cmpstr (b, ==, "001099012345");
  g_assert_cmpstr (c, ==, "B1234567");
  g_assert_null (d);
  g_assert_null (e);
}

static void
test_check_for_signing (void)
{
  g_autoptr(KysoCertificate) signer = load ("signer");
  g_autoptr(KysoCertificate) expired = load ("expired");
  g_autoptr(KysoCertificate) no_sign = load ("no-sign");
  g_autoptr(KysoCertificate) ca = load ("sub/sub");
  g_autoptr(GDateTime) past = g_date_time_new_utc (2000, 1, 1, 0, 0, 0);
  g_autoptr(GDateTime) in_2020 = g_date_time_new_utc (2020, 6, 1, 0, 0, 0);
  g_autoptr(GError) error = NULL;

  g_assert_true (kyso_certificate_check_for_signing (signer, "001099012345", NULL, &error));
  g_assert_no_error (error);
  g_assert_true (kyso_certificate_check_for_signing (signer, "CCCD:001099012345", NULL, &error));
  g_assert_true (kyso_certificate_check_for_signing (signer, NULL, NULL, &error));
  g_assert_no_error (error);

  g_assert_false (kyso_certificate_check_for_signing (signer, "001099012346", NULL, &error));
  g_assert_error (error, KYSO_ERROR, KYSO_ERROR_CERTIFICATE);
  /* No ID numbers in messages. */
  g_assert_null (strstr (error->message, "00109901234"));
  g_assert_nonnull (strstr (error->message, "different ID"));
  g_clear_error (&error);

  g_assert_false (kyso_certificate_check_for_signing (signer, "001099012345", past, &error));
  g_assert_error (error, KYSO_ERROR, KYSO_ERROR_CERTIFICATE);
  g_assert_nonnull (strstr (error->message, "not valid until"));
  g_clear_error (&error);

  g_assert_false (kyso_certificate_check_for_signing (expired, "001001001001", NULL, &error));
  g_assert_error (error, KYSO_ERROR, KYSO_ERROR_CERTIFICATE);
  g_assert_nonnull (strstr (error->message, "expired on 01/01/2021"));
  g_clear_error (&error);
  g_assert_false (kyso_certificate_is_valid_at (expired, NULL));
  g_assert_true (kyso_certificate_is_valid_at (expired, in_2020));
  g_assert_true (kyso_certificate_check_for_signing (expired, "001001001001", in_2020, &error));
  g_assert_no_error (error);

  g_assert_false (kyso_certificate_check_for_signing (no_sign, NULL, NULL, &error));
  g_assert_error (error, KYSO_ERROR, KYSO_ERROR_CERTIFICATE);
  g_assert_nonnull (strstr (error->message, "not meant for signing"));
  g_clear_error (&error);

  /* keyUsage keyCertSign only; and it has no ID either. */
  g_assert_false (kyso_certificate_check_for_signing (ca, NULL, NULL, &error));
  g_assert_error (error, KYSO_ERROR, KYSO_ERROR_CERTIFICATE);
  g_clear_error (&error);
  {
    const char *no_id[] = { "CN", "Ai Đó", NULL };
    g_autoptr(KysoCertificate) anon = from_subject (no_id);
    g_assert_false (kyso_certificate_check_for_signing (anon, "001099012345", NULL, &error));
    g_assert_error (error, KYSO_ERROR, KYSO_ERROR_CERTIFICATE);
    g_assert_nonnull (strstr (error->message, "does not state an ID"));
  }
}

static void
test_garbage (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) der = kyso_test_pki_cert ("signer");
  g_autoptr(GBytes) truncated = g_bytes_new_from_bytes (der, 0, g_bytes_get_size (der) - 1);
  g_autoptr(GBytes) trailing = NULL;
  g_autoptr(GBytes) empty = g_bytes_new_static ("", 0);
  g_autoptr(GBytes) bad_pem
             = g_bytes_new_static ("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n", 59);
  GByteArray *extra = g_byte_array_new ();
  GBytes *inputs[4];

  g_byte_array_append (extra, g_bytes_get_data (der, NULL), (guint)g_bytes_get_size (der));
  g_byte_array_append (extra, (const guint8 *)"x", 1);
  trailing = g_byte_array_free_to_bytes (extra);
  inputs[0] = truncated;
  inputs[1] = trailing;
  inputs[2] = empty;
  inputs[3] = bad_pem;
  for (guint i = 0; i < G_N_ELEMENTS (inputs); i++)
    {
      g_assert_null (kyso_certificate_new (inputs[i], &error));
      g_assert_error (error, KYSO_ERROR, KYSO_ERROR_CERTIFICATE);
      g_clear_error (&error);
    }
}

int
main (int argc, char **argv)
{
  int rc;

  /* Dates in messages are local; make "local" the same everywhere. */
  g_setenv ("TZ", "UTC", TRUE);
  g_test_init (&argc, &argv, NULL);
  kyso_test_pki_get ();
  g_test_add_func ("/certificate/signer", test_signer);
  g_test_add_func ("/certificate/pki-variants", test_pki_variants);
  g_test_add_func ("/certificate/subject-forms", test_subject_forms);
  g_test_add_func ("/certificate/names", test_names);
  g_test_add_func ("/certificate/normalize", test_normalize);
  g_test_add_func ("/certificate/check-for-signing", test_check_for_signing);
  g_test_add_func ("/certificate/garbage", test_garbage);
  rc = g_test_run ();
  kyso_test_pki_cleanup ();
  return rc;
}
