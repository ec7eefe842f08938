/* Verification against real signed files and forgeries built from them: every forged file must
 * come out modified or invalid with the right reason, never valid and never "unknown". */
#include "config.h"

#include "kyso-error.h"
#include "kyso-pdf-document.h"
#include "kyso-history-entry.h"
#include "kyso-pdf-ltv.h"
#include "kyso-pdf-verify.h"
#include "kyso-pades.h"
#include "kyso-test-pki.h"
#include "verify-fixture.h"

#include <stdio.h>
#include <string.h>

static char *dir;        /* this process's work folder */
static char *plain;      /* unsigned */
static char *signed_pdf; /* pdfsig, adbe.pkcs7.detached, field "Sig1" */
static char *root_pem;   /* the test PKI's root */

static char *
path_in (const char *name)
{
  return g_build_filename (dir, name, NULL);
}

static KysoPdfVerifyReport *
verify_full (const char *path, gboolean trusted, gboolean offline, GError **error)
{
  g_autoptr(KysoPdfVerifier) v = kyso_pdf_verifier_new ();

  kyso_pdf_verifier_set_use_bundled_trust (v, FALSE);
  kyso_pdf_verifier_set_offline (v, offline);
  kyso_pdf_verifier_set_timeout (v, 2);
  if (trusted)
    kyso_pdf_verifier_add_trust_file (v, root_pem);
  return kyso_pdf_verifier_verify (v, path, NULL, error);
}

/* Online, against the test PKI's OCSP responder (started in main): revocation known, so that an
 * intact signature by a trusted certificate is valid, not indeterminate. */
static KysoPdfVerifyReport *
verify (const char *path)
{
  g_autoptr(GError) error = NULL;
  KysoPdfVerifyReport *report = verify_full (path, TRUE, FALSE, &error);

  g_assert_no_error (error);
  g_assert_nonnull (report);
  return report;
}

static gboolean
has_reason (KysoPdfSignatureReport *s, const char *part)
{
  for (const char *const *r = kyso_pdf_signature_report_get_reasons (s); *r != NULL; r++)
    if (strstr (*r, part) != NULL)
      return TRUE;
  return FALSE;
}

/* The one signature of @path must have @status and every problem in @problems. */
static KysoPdfVerifyReport *
expect (const char *path, KysoSignatureStatus status, KysoSignatureProblem problems)
{
  KysoPdfVerifyReport *report = verify (path);
  KysoPdfSignatureReport *s;

  g_assert_cmpuint (kyso_pdf_verify_report_get_n_signatures (report), >=, 1);
  s = kyso_pdf_verify_report_get_signature (report, 0);
  if (kyso_pdf_signature_report_get_status (s) != status
      || (kyso_pdf_signature_report_get_problems (s) & problems) != problems)
    {
      g_autofree char *json = kyso_pdf_verify_report_to_json (report);
      g_test_message ("%s", json);
    }
  g_assert_cmpstr (kyso_signature_status_to_string (kyso_pdf_signature_report_get_status (s)), ==,
                   kyso_signature_status_to_string (status));
  g_assert_cmphex (kyso_pdf_signature_report_get_problems (s) & problems, ==, problems);
  return report;
}

static void
test_valid_pdfsig (void)
{
  g_autoptr(KysoPdfVerifyReport) report = verify (signed_pdf);
  KysoPdfSignatureReport *s;

  g_assert_cmpuint (kyso_pdf_verify_report_get_n_signatures (report), ==, 1);
  g_assert_cmpint (kyso_pdf_verify_report_get_n_revisions (report), ==, 2);
  g_assert_cmpint (kyso_pdf_verify_report_get_status (report), ==, KYSO_SIGNATURE_STATUS_VALID);
  s = kyso_pdf_verify_report_get_signature (report, 0);
  g_assert_cmpstr (kyso_pdf_signature_report_get_field (s), ==, "Sig1");
  g_assert_cmpstr (kyso_pdf_signature_report_get_signer (s), ==, "Nguyễn Văn An");
  g_assert_cmpstr (kyso_pdf_signature_report_get_email (s), ==, "an@example.vn");
  g_assert_cmpstr (kyso_pdf_signature_report_get_national_id (s), ==, "001099012345");
  g_assert_cmpstr (kyso_pdf_signature_report_get_issuer (s), ==, "Kyso Test CA");
  g_assert_nonnull (kyso_pdf_signature_report_get_serial (s));
  g_assert_cmpstr (kyso_pdf_signature_report_get_subfilter (s), ==, "adbe.pkcs7.detached");
  g_assert_cmpstr (kyso_pdf_signature_report_get_digest (s), ==, "SHA-256");
  g_assert_cmpint (kyso_pdf_signature_report_get_level (s), ==, KYSO_PADES_LEVEL_NONE); /* not ETSI.CAdES */
  g_assert_nonnull (kyso_pdf_signature_report_get_signing_time (s));
  g_assert_null (kyso_pdf_signature_report_get_timestamp_time (s));
  g_assert_true (kyso_pdf_signature_report_get_integrity (s));
  g_assert_true (kyso_pdf_signature_report_covers_whole_file (s));
  g_assert_cmpint (kyso_pdf_signature_report_get_revision (s), ==, 1);
  g_assert_cmpint (kyso_pdf_signature_report_get_changes_after (s), ==, KYSO_PDF_CHANGES_NONE);
  g_assert_cmpint (kyso_pdf_signature_report_get_trust (s), ==, KYSO_TRUST_TRUSTED);
  g_assert_cmpint (kyso_pdf_signature_report_get_revocation (s), ==, KYSO_REVOCATION_GOOD);
  g_assert_cmpstr (kyso_pdf_signature_report_get_trust_anchor (s), ==, "Kyso Test Root CA");
  g_assert_cmpint (kyso_pdf_signature_report_get_signing_time_source (s), ==, KYSO_SIGNING_TIME_CLAIMED);
  g_assert_cmpint (kyso_pdf_signature_report_get_docmdp (s), ==, 0);
  g_assert_false (kyso_pdf_signature_report_is_document_timestamp (s));
  g_assert_cmphex (kyso_pdf_signature_report_get_problems (s), ==, 0);
}

static void
test_valid_untrusted (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KysoPdfVerifyReport) report = verify_full (signed_pdf, FALSE, TRUE, &error);
  KysoPdfSignatureReport *s;

  g_assert_no_error (error);
  s = kyso_pdf_verify_report_get_signature (report, 0);
  g_assert_cmpint (kyso_pdf_signature_report_get_status (s), ==, KYSO_SIGNATURE_STATUS_INDETERMINATE);
  g_assert_cmpint (kyso_pdf_signature_report_get_trust (s), ==, KYSO_TRUST_UNTRUSTED);
  g_assert_true (kyso_pdf_signature_report_get_problems (s) & KYSO_SIGNATURE_PROBLEM_UNTRUSTED);
  g_assert_true (kyso_pdf_signature_report_get_integrity (s));
}

/* Kyso's own signer (kyso-cli sign): PAdES B-B, and B-T with a time-stamp from a real RFC 3161
 * TSA on loopback. */
static void
kyso_sign (const char *in, const char *out, const char *tsa)
{
  g_autofree char *p12 = kyso_test_pki_path ("signer.p12");
  g_autofree char *err = NULL;
  int status;

  g_setenv ("KYSO_TEST_P12_PASS", "secret-pass", TRUE);
  status = tsa != NULL ? kyso_vf_cli (NULL, &err, "sign", in, out, "--p12", p12, "--p12-pass-env",
                                      "KYSO_TEST_P12_PASS", "--invisible", "--tsa", tsa, NULL)
                       : kyso_vf_cli (NULL, &err, "sign", in, out, "--p12", p12, "--p12-pass-env",
                                      "KYSO_TEST_P12_PASS", NULL);
  if (status != 0)
    g_error ("kyso-cli sign failed (%d): %s", status, err);
}

static void
test_valid_kyso (void)
{
  g_autofree char *out = path_in ("kyso.pdf");
  g_autofree char *stamped = path_in ("kyso-bt.pdf");
  KysoTestTsaMode mode = KYSO_TEST_TSA_GOOD;
  g_autoptr(KysoTestHttp) tsa = kyso_test_http_new (kyso_test_free_port (), kyso_test_tsa_handler, &mode);
  g_autofree char *url = kyso_test_http_url (tsa, "/tsa");
  g_autoptr(KysoPdfVerifyReport) report = NULL, bt = NULL;
  KysoPdfSignatureReport *s;

  kyso_sign (plain, out, NULL);
  report = expect (out, KYSO_SIGNATURE_STATUS_VALID, 0);
  s = kyso_pdf_verify_report_get_signature (report, 0);
  g_assert_cmpstr (kyso_pdf_signature_report_get_subfilter (s), ==, "ETSI.CAdES.detached");
  g_assert_cmpint (kyso_pdf_signature_report_get_level (s), ==, KYSO_PADES_LEVEL_B_B);
  g_assert_null (kyso_pdf_signature_report_get_timestamp_time (s));

  kyso_sign (out, stamped, url);
  bt = verify (stamped);
  g_assert_cmpuint (kyso_pdf_verify_report_get_n_signatures (bt), ==, 2);
  s = kyso_pdf_verify_report_get_signature (bt, 0);
  g_assert_cmpint (kyso_pdf_signature_report_get_status (s), ==, KYSO_SIGNATURE_STATUS_VALID);
  g_assert_cmpint (kyso_pdf_signature_report_get_changes_after (s), ==, KYSO_PDF_CHANGES_SIGNATURES);
  s = kyso_pdf_verify_report_get_signature (bt, 1);
  g_assert_cmpint (kyso_pdf_signature_report_get_status (s), ==, KYSO_SIGNATURE_STATUS_VALID);
  g_assert_cmpint (kyso_pdf_signature_report_get_level (s), ==, KYSO_PADES_LEVEL_B_T);
  g_assert_nonnull (kyso_pdf_signature_report_get_timestamp_time (s));
}

static void
test_valid_openssl (void)
{
  g_autofree char *out = path_in ("openssl.pdf");
  g_autoptr(KysoPdfVerifyReport) report = NULL;

  kyso_vf_openssl_sign (plain, out, "Approval", 0, NULL);
  report = expect (out, KYSO_SIGNATURE_STATUS_VALID, 0);
  g_assert_true (
    kyso_pdf_signature_report_covers_whole_file (kyso_pdf_verify_report_get_signature (report, 0)));
}

/* A second signature leaves the first valid: later revisions only add signatures. */
static void
test_second_signature (void)
{
  g_autofree char *out = path_in ("twice.pdf");
  g_autoptr(KysoPdfVerifyReport) report = NULL;
  KysoPdfSignatureReport *first, *second;

  kyso_vf_pdfsig_sign (signed_pdf, out, "Sig2", FALSE);
  report = verify (out);
  g_assert_cmpuint (kyso_pdf_verify_report_get_n_signatures (report), ==, 2);
  first = kyso_pdf_verify_report_get_signature (report, 0);
  second = kyso_pdf_verify_report_get_signature (report, 1);
  g_assert_cmpstr (kyso_pdf_signature_report_get_field (first), ==, "Sig1");
  g_assert_cmpint (kyso_pdf_signature_report_get_status (first), ==, KYSO_SIGNATURE_STATUS_VALID);
  g_assert_false (kyso_pdf_signature_report_covers_whole_file (first));
  g_assert_cmpint (kyso_pdf_signature_report_get_revision (first), ==, 1);
  g_assert_cmpint (kyso_pdf_signature_report_get_changes_after (first), ==, KYSO_PDF_CHANGES_SIGNATURES);
  g_assert_cmpint (kyso_pdf_signature_report_get_status (second), ==, KYSO_SIGNATURE_STATUS_VALID);
  g_assert_true (kyso_pdf_signature_report_covers_whole_file (second));
  g_assert_cmpint (kyso_pdf_verify_report_get_status (report), ==, KYSO_SIGNATURE_STATUS_VALID);
}

static void
test_no_signatures (void)
{
  g_autoptr(KysoPdfVerifyReport) report = verify (plain);

  g_assert_cmpuint (kyso_pdf_verify_report_get_n_signatures (report), ==, 0);
  g_assert_cmpint (kyso_pdf_verify_report_get_status (report), ==, KYSO_SIGNATURE_STATUS_INVALID);
}

static void
test_unreadable (void)
{
  g_autofree char *junk = path_in ("junk.pdf");
  g_autofree char *missing = path_in ("missing.pdf");
  g_autoptr(GError) error = NULL;
  KysoPdfVerifyReport *report;

  kyso_vf_write (junk, "%PDF-1.7\nthis is not a PDF at all\n", 34);
  report = verify_full (junk, TRUE, TRUE, &error);
  g_assert_null (report);
  g_assert_error (error, KYSO_ERROR, KYSO_ERROR_BROKEN_FILE);
  g_clear_error (&error);
  report = verify_full (missing, TRUE, TRUE, &error);
  g_assert_null (report);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
}

/* Forgeries of /Contents and /ByteRange: each must be invalid with its own reason. */

static char *
forged (const char *name, const char *from, const char *to)
{
  char *out = path_in (name);
  kyso_vf_patch (signed_pdf, out, 0, from, to);
  return out;
}

/* A signed byte changed in place: the digest no longer matches. */
static void
test_bytes_changed (void)
{
  g_autofree char *out = forged ("edited.pdf", "(Kyso test document)", "(Kyso TEST document)");
  g_autoptr(KysoPdfVerifyReport) r
             = expect (out, KYSO_SIGNATURE_STATUS_INVALID, KYSO_SIGNATURE_PROBLEM_DIGEST);

  g_assert_false (kyso_pdf_signature_report_get_integrity (kyso_pdf_verify_report_get_signature (r, 0)));
  g_assert_true (has_reason (kyso_pdf_verify_report_get_signature (r, 0), "digest"));
}

static void
test_contents_removed (void)
{
  g_autofree char *out = forged ("no-contents.pdf", "/Contents <", "/Cxntents <");
  g_autoptr(KysoPdfVerifyReport) r
             = expect (out, KYSO_SIGNATURE_STATUS_INVALID, KYSO_SIGNATURE_PROBLEM_CONTENTS);

  g_assert_false (kyso_pdf_signature_report_get_integrity (kyso_pdf_verify_report_get_signature (r, 0)));
}

/* The offset and length of the signature's hex string in @path (from '<' to '>' included). */
static void
contents_span (const char *path, gsize *start, gsize *len)
{
  g_autoptr(GBytes) bytes = kyso_vf_read (path);
  const char *d = g_bytes_get_data (bytes, NULL);
  gsize at = kyso_vf_rfind (path, "/Contents <") + strlen ("/Contents ");
  const char *end = memchr (d + at, '>', g_bytes_get_size (bytes) - at);

  g_assert_nonnull (end);
  *start = at;
  *len = (gsize)(end - (d + at)) + 1;
}

static char *
forged_contents (const char *name, char first, char fill, char last, gsize keep)
{
  g_autoptr(GBytes) bytes = kyso_vf_read (signed_pdf);
  g_autofree guint8 *copy = g_memdup2 (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  char *out = path_in (name);
  gsize start, len;

  contents_span (signed_pdf, &start, &len);
  copy[start] = (guint8)first;
  for (gsize i = start + 1 + keep; i < start + len - 1; i++)
    copy[i] = (guint8)fill;
  copy[start + len - 1] = (guint8)last;
  kyso_vf_write (out, copy, g_bytes_get_size (bytes));
  return out;
}

static void
test_contents_emptied (void)
{
  /* All zeros: a placeholder nobody filled. */
  g_autofree char *zeros = forged_contents ("zero-contents.pdf", '<', '0', '>', 0);
  g_autoptr(KysoPdfVerifyReport) a
             = expect (zeros, KYSO_SIGNATURE_STATUS_INVALID, KYSO_SIGNATURE_PROBLEM_CONTENTS);
  /* "<>" and spaces up to the old end: the gap no longer matches either. */
  g_autoptr(GBytes) bytes = kyso_vf_read (signed_pdf);
  g_autofree guint8 *copy = g_memdup2 (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  g_autofree char *empty = path_in ("empty-contents.pdf");
  g_autoptr(KysoPdfVerifyReport) b = NULL;
  gsize start, len;

  contents_span (signed_pdf, &start, &len);
  copy[start + 1] = '>';
  memset (copy + start + 2, ' ', len - 2);
  kyso_vf_write (empty, copy, g_bytes_get_size (bytes));
  b = expect (empty, KYSO_SIGNATURE_STATUS_INVALID,
              KYSO_SIGNATURE_PROBLEM_CONTENTS | KYSO_SIGNATURE_PROBLEM_GAP);
}

static void
test_contents_mistyped (void)
{
  /* A literal string instead of hex: "(…)". */
  g_autofree char *out = forged_contents ("literal-contents.pdf", '(', 'A', ')', 0);
  g_autoptr(KysoPdfVerifyReport) r
             = expect (out, KYSO_SIGNATURE_STATUS_INVALID, KYSO_SIGNATURE_PROBLEM_CONTENTS);

  g_assert_true (has_reason (kyso_pdf_verify_report_get_signature (r, 0), "hexadecimal"));
}

static void
test_contents_garbage (void)
{
  /* Hex that is not a CMS. */
  g_autofree char *out = forged_contents ("garbage-contents.pdf", '<', 'A', '>', 0);
  g_autoptr(KysoPdfVerifyReport) r = expect (out, KYSO_SIGNATURE_STATUS_INVALID, KYSO_SIGNATURE_PROBLEM_CMS);
}

/* The /ByteRange array as written, and a copy of the signed file with it replaced by @text
 * padded with spaces to the same length. */
static char *
forged_byte_range (const char *name, const char *text)
{
  g_autoptr(GBytes) bytes = kyso_vf_read (signed_pdf);
  g_autofree guint8 *copy = g_memdup2 (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  gsize at = kyso_vf_rfind (signed_pdf, "/ByteRange [") + strlen ("/ByteRange ");
  const guint8 *end = memchr (copy + at, ']', g_bytes_get_size (bytes) - at);
  gsize len = (gsize)(end - (copy + at)) + 1;
  char *out = path_in (name);

  g_assert_cmpuint (strlen (text), <=, len);
  memset (copy + at, ' ', len);
  memcpy (copy + at, text, strlen (text));
  kyso_vf_write (out, copy, g_bytes_get_size (bytes));
  return out;
}

static void
signed_ranges (gint64 r[4])
{
  g_autoptr(GBytes) bytes = kyso_vf_read (signed_pdf);
  gsize at = kyso_vf_rfind (signed_pdf, "/ByteRange [") + strlen ("/ByteRange [");
  g_autofree char *text = g_strndup ((const char *)g_bytes_get_data (bytes, NULL) + at, 64);

  g_assert_cmpint (sscanf (text,
                           "%" G_GINT64_FORMAT " %" G_GINT64_FORMAT " %" G_GINT64_FORMAT " %" G_GINT64_FORMAT,
                           &r[0], &r[1], &r[2], &r[3]),
                   ==, 4);
}

static void
test_byte_range_removed (void)
{
  g_autofree char *out = forged ("no-byterange.pdf", "/ByteRange [", "/BxteRange [");
  g_autoptr(KysoPdfVerifyReport) r
             = expect (out, KYSO_SIGNATURE_STATUS_INVALID, KYSO_SIGNATURE_PROBLEM_BYTE_RANGE);

  g_assert_false (kyso_pdf_signature_report_get_integrity (kyso_pdf_verify_report_get_signature (r, 0)));
}

static void
test_byte_range_emptied (void)
{
  g_autofree char *out = forged_byte_range ("empty-byterange.pdf", "[]");
  g_autoptr(KysoPdfVerifyReport) r
             = expect (out, KYSO_SIGNATURE_STATUS_INVALID, KYSO_SIGNATURE_PROBLEM_BYTE_RANGE);
}

static void
test_byte_range_mistyped (void)
{
  gint64 r[4];
  g_autofree char *real = NULL, *negative = NULL, *three = NULL, *late = NULL;
  g_autofree char *t1 = NULL, *t2 = NULL, *t3 = NULL, *t4 = NULL;
  g_autoptr(KysoPdfVerifyReport) a = NULL, b = NULL, c = NULL, d = NULL;

  signed_ranges (r);
  t1 = g_strdup_printf ("[0 %" G_GINT64_FORMAT ".0 %" G_GINT64_FORMAT " %" G_GINT64_FORMAT "]", r[1], r[2],
                        r[3]);
  t2 = g_strdup_printf ("[0 %" G_GINT64_FORMAT " %" G_GINT64_FORMAT " -%" G_GINT64_FORMAT "]", r[1], r[2],
                        r[3]);
  t3 = g_strdup_printf ("[0 %" G_GINT64_FORMAT " %" G_GINT64_FORMAT "]", r[1], r[2] + r[3]);
  t4 = g_strdup_printf ("[1 %" G_GINT64_FORMAT " %" G_GINT64_FORMAT " %" G_GINT64_FORMAT "]", r[1] - 1, r[2],
                        r[3]);
  real = forged_byte_range ("real-byterange.pdf", t1);
  negative = forged_byte_range ("negative-byterange.pdf", t2);
  three = forged_byte_range ("three-byterange.pdf", t3);
  late = forged_byte_range ("late-byterange.pdf", t4);
  a = expect (real, KYSO_SIGNATURE_STATUS_INVALID, KYSO_SIGNATURE_PROBLEM_BYTE_RANGE);
  b = expect (negative, KYSO_SIGNATURE_STATUS_INVALID, KYSO_SIGNATURE_PROBLEM_BYTE_RANGE);
  c = expect (three, KYSO_SIGNATURE_STATUS_INVALID, KYSO_SIGNATURE_PROBLEM_BYTE_RANGE);
  d = expect (late, KYSO_SIGNATURE_STATUS_INVALID, KYSO_SIGNATURE_PROBLEM_BYTE_RANGE);
  g_assert_true (has_reason (kyso_pdf_verify_report_get_signature (d, 0), "beginning"));
}

static void
test_byte_range_elsewhere (void)
{
  gint64 r[4];
  g_autofree char *t1 = NULL, *t2 = NULL, *shifted = NULL, *wide = NULL;
  g_autoptr(KysoPdfVerifyReport) a = NULL, b = NULL;

  signed_ranges (r);
  /* The gap moved by a few bytes: it no longer frames /Contents. */
  t1 = g_strdup_printf ("[0 %" G_GINT64_FORMAT " %" G_GINT64_FORMAT " %" G_GINT64_FORMAT "]", r[1] - 4,
                        r[2] - 4, r[3] + 4);
  /* A wider gap that leaves part of the dictionary unsigned. */
  t2 = g_strdup_printf ("[0 %" G_GINT64_FORMAT " %" G_GINT64_FORMAT " %" G_GINT64_FORMAT "]", r[1] - 40, r[2],
                        r[3]);
  shifted = forged_byte_range ("shifted-byterange.pdf", t1);
  wide = forged_byte_range ("wide-byterange.pdf", t2);
  a = expect (shifted, KYSO_SIGNATURE_STATUS_INVALID,
              KYSO_SIGNATURE_PROBLEM_GAP | KYSO_SIGNATURE_PROBLEM_DIGEST);
  g_assert_false (kyso_pdf_signature_report_get_integrity (kyso_pdf_verify_report_get_signature (a, 0)));
  b = expect (wide, KYSO_SIGNATURE_STATUS_INVALID, KYSO_SIGNATURE_PROBLEM_GAP);
}

/* Content after signing. */

static char *
copy_of (const char *src, const char *name)
{
  g_autoptr(GBytes) bytes = kyso_vf_read (src);
  char *out = path_in (name);

  kyso_vf_write (out, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  return out;
}

static void
append_text (const char *path, const char *text)
{
  g_autoptr(GBytes) bytes = kyso_vf_read (path);
  g_autoptr(GByteArray) data = g_byte_array_new ();

  g_byte_array_append (data, g_bytes_get_data (bytes, NULL), (guint)g_bytes_get_size (bytes));
  g_byte_array_append (data, (const guint8 *)text, (guint)strlen (text));
  kyso_vf_write (path, data->data, data->len);
}

static void
test_appended_junk (void)
{
  g_autofree char *out = copy_of (signed_pdf, "appended-junk.pdf");
  g_autofree char *objects = copy_of (signed_pdf, "appended-objects.pdf");
  g_autoptr(KysoPdfVerifyReport) a = NULL, b = NULL;

  append_text (out, "Anything at all after the signed bytes\n");
  a = expect (out, KYSO_SIGNATURE_STATUS_MODIFIED, KYSO_SIGNATURE_PROBLEM_STRUCTURE);
  g_assert_false (kyso_pdf_signature_report_covers_whole_file (kyso_pdf_verify_report_get_signature (a, 0)));
  /* The incremental saving attack without a cross-reference section: objects a lenient reader
   * would pick up when it rebuilds the file. */
  append_text (objects,
               "4 0 obj\n<< /Length 44 >>\nstream\nBT /F1 24 Tf 72 700 Td (Forged text) Tj ET\nendstream\n"
               "endobj\n");
  b = expect (objects, KYSO_SIGNATURE_STATUS_MODIFIED, KYSO_SIGNATURE_PROBLEM_STRUCTURE);
}

static void
test_new_revision_page_content (void)
{
  g_autofree char *out = copy_of (signed_pdf, "new-content.pdf");
  static const char forged_text[] = "BT /F1 24 Tf 72 700 Td (Pay 1 000 000 000 VND) Tj ET";
  g_autofree char *stream
    = g_strdup_printf ("<< /Length %zu >>\nstream\n%s\nendstream", strlen (forged_text), forged_text);
  g_autoptr(KysoPdfVerifyReport) r = NULL;
  KysoPdfSignatureReport *s;

  /* Object 4 is the page's content stream in the test document. */
  kyso_vf_append_update (out, 4, stream, 0);
  r = expect (out, KYSO_SIGNATURE_STATUS_MODIFIED, KYSO_SIGNATURE_PROBLEM_CHANGED);
  s = kyso_pdf_verify_report_get_signature (r, 0);
  g_assert_cmpint (kyso_pdf_signature_report_get_changes_after (s), ==, KYSO_PDF_CHANGES_OTHER);
  g_assert_true (kyso_pdf_signature_report_get_integrity (s));
  g_assert_true (has_reason (s, "object 4"));
}

static void
test_new_revision_page_dict (void)
{
  g_autofree char *out = copy_of (signed_pdf, "new-page.pdf");
  guint page = kyso_vf_page_num (signed_pdf), next = kyso_vf_size (signed_pdf);
  g_autoptr(KysoPdfDocument) doc = kyso_pdf_document_open (signed_pdf, NULL);
  g_autoptr(KysoPdfObject) old = kyso_pdf_document_get_object (doc, page, NULL);
  g_autoptr(KysoPdfObject) copy = kyso_pdf_object_copy (old);
  g_autofree char *page_body = NULL;
  static const char text[] = "BT /F1 24 Tf 72 700 Td (Replaced page) Tj ET";
  g_autofree char *stream = g_strdup_printf ("<< /Length %zu >>\nstream\n%s\nendstream", strlen (text), text);
  g_autoptr(KysoPdfVerifyReport) r = NULL;

  /* The same page, drawing a new content stream. */
  kyso_pdf_dict_set (copy, "Contents", kyso_pdf_ref_new (next, 0));
  page_body = kyso_pdf_object_to_string (copy);
  kyso_vf_append_update (out, page, page_body, next, stream, 0);
  r = expect (out, KYSO_SIGNATURE_STATUS_MODIFIED, KYSO_SIGNATURE_PROBLEM_CHANGED);
  g_assert_true (has_reason (kyso_pdf_verify_report_get_signature (r, 0), "/Contents"));
}

/* The signature wrapping attack: the CMS is shortened inside the gap and attacker objects fill
 * the rest of it, where no signed byte covers them; an update then uses them. */
static void
test_objects_in_gap (void)
{
  g_autofree char *base = path_in ("gap-base.pdf");
  g_autoptr(GBytes) bytes = NULL;
  g_autofree guint8 *copy = NULL;
  g_autofree char *out = path_in ("objects-in-gap.pdf");
  static const char text[] = "BT /F1 24 Tf 72 700 Td (Wrapped) Tj ET";
  g_autofree char *object = NULL;
  g_autofree char *xref = NULL;
  g_autoptr(KysoPdfVerifyReport) r = NULL;
  gsize start, len, hex_end, obj_at;
  guint page;

  /* openssl-made: its /Contents has room to spare (pdfsig's has a few bytes). */
  kyso_vf_openssl_sign (plain, base, "Approval", 0, NULL);
  bytes = kyso_vf_read (base);
  copy = g_memdup2 (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  page = kyso_vf_page_num (base);
  contents_span (base, &start, &len);
  /* The real CMS ends where the zero padding starts. */
  hex_end = start + len - 1;
  while (hex_end > start + 1 && copy[hex_end - 1] == '0')
    hex_end--;
  hex_end += 2; /* keep a whole byte of padding */
  object = g_strdup_printf ("\n99 0 obj\n<< /Length %zu >>\nstream\n%s\nendstream\nendobj\n%%", strlen (text),
                            text);
  g_assert_cmpuint (hex_end + 1 + strlen (object), <, start + len - 1);
  copy[hex_end] = '>';
  obj_at = hex_end + 1;
  memcpy (copy + obj_at, object, strlen (object));
  memset (copy + obj_at + strlen (object), ' ', start + len - 1 - (obj_at + strlen (object)));
  kyso_vf_write (out, copy, g_bytes_get_size (bytes));
  /* The page now draws object 99, which sits in the gap. */
  {
    g_autoptr(KysoPdfDocument) doc = kyso_pdf_document_open (base, NULL);
    g_autoptr(KysoPdfObject) old = kyso_pdf_document_get_object (doc, page, NULL);
    g_autoptr(KysoPdfObject) page_copy = kyso_pdf_object_copy (old);
    kyso_pdf_dict_set (page_copy, "Contents", kyso_pdf_ref_new (99, 0));
    xref = kyso_pdf_object_to_string (page_copy);
  }
  kyso_vf_append_update (out, page, xref, 0);
  r = expect (out, KYSO_SIGNATURE_STATUS_INVALID, KYSO_SIGNATURE_PROBLEM_GAP);
}

/* The last occurrence of @needle in @s (binary-safe), which must be there. */
static char *
rfind_mem (GString *s, const char *needle)
{
  gsize n = strlen (needle);

  for (gsize i = s->len - n + 1; i > 0; i--)
    if (memcmp (s->str + i - 1, needle, n) == 0)
      return s->str + i - 1;
  g_assert_not_reached ();
}

/* The same idea with the signed bytes after the gap moved further down to make room: the
 * attacker also updates /ByteRange, the xref offsets and startxref so that the file still reads. */
static void
test_signed_bytes_moved (void)
{
  g_autoptr(GBytes) bytes = kyso_vf_read (signed_pdf);
  const char *d = g_bytes_get_data (bytes, NULL);
  gsize size = g_bytes_get_size (bytes);
  /* Kept valid inside the signature dictionary (pdfsig writes /ByteRange after /Contents), with
   * an object a reconstructing reader would pick up. */
  static const char inserted[] = " /Attacker (\n98 0 obj\n<< /Forged true >>\nendobj\n)";
  gsize k = strlen (inserted);
  g_autoptr(GString) s = g_string_new (NULL);
  g_autofree char *out = path_in ("moved.pdf");
  g_autofree char *old_range = NULL, *new_range = NULL;
  g_autoptr(KysoPdfVerifyReport) r = NULL;
  gint64 ranges[4];
  gsize xref, startxref;
  char *p;

  signed_ranges (ranges);
  g_string_append_len (s, d, (gssize)ranges[2]);
  g_string_append (s, inserted);
  g_string_append_len (s, d + ranges[2], (gssize)(size - (gsize)ranges[2]));
  /* The last xref table's entries past the insertion, and startxref (pdfsig ends lines with CRLF). */
  startxref = (gsize)(rfind_mem (s, "startxref") - s->str);
  xref = (gsize)g_ascii_strtoull (s->str + startxref + strlen ("startxref"), NULL, 10);
  g_assert_cmpuint (xref, >, (gsize)ranges[2]);
  xref += k;
  g_assert_true (g_str_has_prefix (s->str + xref, "xref"));
  for (p = s->str + xref; (p = strstr (p, " n")) != NULL && p < s->str + s->len; p++)
    {
      char digits[11];
      gsize off;

      /* "oooooooooo ggggg n": the offset starts 16 bytes before " n". */
      memcpy (digits, p - 16, 10);
      digits[10] = 0;
      off = (gsize)g_ascii_strtoull (digits, NULL, 10);
      if (off > (gsize)ranges[2])
        {
          g_snprintf (digits, sizeof digits, "%010" G_GSIZE_FORMAT, off + k);
          memcpy (p - 16, digits, 10);
        }
    }
  {
    g_autofree char *tail = g_strdup_printf ("startxref\n%" G_GSIZE_FORMAT "\n%%%%EOF\n", xref);
    g_string_truncate (s, startxref);
    g_string_append (s, tail);
  }
  /* /ByteRange rewritten in its own space: the second range now starts k bytes later and runs
   * to the new end of the file. */
  new_range = g_strdup_printf ("[0 %" G_GINT64_FORMAT " %" G_GINT64_FORMAT " %" G_GSIZE_FORMAT "]", ranges[1],
                               ranges[2] + (gint64)k, s->len - (gsize)ranges[2] - k);
  p = rfind_mem (s, "/ByteRange [") + strlen ("/ByteRange ");
  old_range = g_strndup (p, (gsize)(strchr (p, ']') - p) + 1);
  g_assert_cmpuint (strlen (new_range), <=, strlen (old_range));
  memset (p, ' ', strlen (old_range));
  memcpy (p, new_range, strlen (new_range));
  kyso_vf_write (out, s->str, s->len);
  r = expect (out, KYSO_SIGNATURE_STATUS_INVALID, KYSO_SIGNATURE_PROBLEM_GAP | KYSO_SIGNATURE_PROBLEM_DIGEST);
  g_assert_false (kyso_pdf_signature_report_get_integrity (kyso_pdf_verify_report_get_signature (r, 0)));
}

static void
test_signature_dict_redefined (void)
{
  g_autofree char *out = copy_of (signed_pdf, "sigdict.pdf");
  g_autoptr(KysoPdfDocument) doc = kyso_pdf_document_open (signed_pdf, NULL);
  g_autoptr(GBytes) bytes = kyso_vf_read (signed_pdf);
  const char *d = g_bytes_get_data (bytes, NULL);
  g_autofree char *body = NULL;
  guint32 num = 0;
  g_autoptr(KysoPdfVerifyReport) r = NULL;
  gsize at = kyso_vf_rfind (signed_pdf, "/ByteRange");

  /* The signature dictionary is the object whose header precedes /ByteRange. */
  while (at > 0 && memcmp (d + at, " obj", 4) != 0)
    at--;
  while (at > 0 && d[at - 1] != '\n' && d[at - 1] != '\r')
    at--;
  num = (guint32)g_ascii_strtoull (d + at, NULL, 10);
  g_assert_cmpuint (num, !=, 0);
  {
    g_autoptr(KysoPdfObject) v = kyso_pdf_document_get_object (doc, num, NULL);
    g_autoptr(KysoPdfObject) copy = kyso_pdf_object_copy (v);
    kyso_pdf_dict_set (copy, "Name", kyso_pdf_string_new ((const guint8 *)"Someone Else", 12, FALSE));
    body = kyso_pdf_object_to_string (copy);
  }
  kyso_vf_append_update (out, num, body, 0);
  r = expect (out, KYSO_SIGNATURE_STATUS_INVALID, KYSO_SIGNATURE_PROBLEM_GAP);
}

/* A second field pointing at the first one's signature value: the copy is invalid (its bytes
 * are another signature's), the original stays as it was. */
static void
test_reused_signature (void)
{
  g_autofree char *out = copy_of (signed_pdf, "reused.pdf");
  g_autoptr(GBytes) bytes = kyso_vf_read (signed_pdf);
  const char *d = g_bytes_get_data (bytes, NULL);
  gsize at = kyso_vf_rfind (signed_pdf, "/ByteRange");
  guint catalog = kyso_vf_catalog_num (signed_pdf), page = kyso_vf_page_num (signed_pdf);
  guint next = kyso_vf_size (signed_pdf);
  g_autoptr(KysoPdfDocument) doc = kyso_pdf_document_open (signed_pdf, NULL);
  g_autoptr(KysoPdfObject) cat = kyso_pdf_document_get_object (doc, catalog, NULL);
  g_autoptr(KysoPdfObject) pg = kyso_pdf_document_get_object (doc, page, NULL);
  g_autoptr(KysoPdfObject) cat_copy = kyso_pdf_object_copy (cat);
  g_autoptr(KysoPdfObject) pg_copy = kyso_pdf_object_copy (pg);
  g_autoptr(KysoPdfObject) form = NULL, annots = NULL;
  g_autofree char *widget = NULL, *cat_body = NULL, *pg_body = NULL;
  g_autoptr(KysoPdfVerifyReport) r = NULL;
  KysoPdfSignatureReport *original = NULL, *copy = NULL;
  guint32 sig;

  while (at > 0 && memcmp (d + at, " obj", 4) != 0)
    at--;
  while (at > 0 && d[at - 1] != '\n' && d[at - 1] != '\r')
    at--;
  sig = (guint32)g_ascii_strtoull (d + at, NULL, 10);
  widget
    = g_strdup_printf ("<< /Type /Annot /Subtype /Widget /FT /Sig /T (Copy) /Rect [0 0 0 0] /F 132 /P %u 0 R "
                       "/V %u 0 R >>",
                       page, sig);
  form = kyso_pdf_object_copy (kyso_pdf_dict_get (cat, "AcroForm"));
  kyso_pdf_array_add (kyso_pdf_dict_get (form, "Fields"), kyso_pdf_ref_new (next, 0));
  kyso_pdf_dict_set (cat_copy, "AcroForm", g_steal_pointer (&form));
  annots = kyso_pdf_object_copy (kyso_pdf_dict_get (pg, "Annots"));
  kyso_pdf_array_add (annots, kyso_pdf_ref_new (next, 0));
  kyso_pdf_dict_set (pg_copy, "Annots", g_steal_pointer (&annots));
  cat_body = kyso_pdf_object_to_string (cat_copy);
  pg_body = kyso_pdf_object_to_string (pg_copy);
  kyso_vf_append_update (out, next, widget, catalog, cat_body, page, pg_body, 0);

  r = verify (out);
  g_assert_cmpuint (kyso_pdf_verify_report_get_n_signatures (r), ==, 2);
  for (guint i = 0; i < 2; i++)
    {
      KysoPdfSignatureReport *s = kyso_pdf_verify_report_get_signature (r, i);
      if (g_strcmp0 (kyso_pdf_signature_report_get_field (s), "Copy") == 0)
        copy = s;
      else
        original = s;
    }
  g_assert_nonnull (copy);
  g_assert_nonnull (original);
  g_assert_cmpint (kyso_pdf_signature_report_get_status (copy), ==, KYSO_SIGNATURE_STATUS_INVALID);
  g_assert_true (kyso_pdf_signature_report_get_problems (copy) & KYSO_SIGNATURE_PROBLEM_OVERLAP);
  g_assert_false (kyso_pdf_signature_report_get_problems (original) & KYSO_SIGNATURE_PROBLEM_OVERLAP);
  g_assert_cmpint (kyso_pdf_signature_report_get_status (original), ==, KYSO_SIGNATURE_STATUS_VALID);
}

static void
test_duplicate_objects (void)
{
  g_autofree char *out = copy_of (signed_pdf, "duplicate.pdf");
  g_autoptr(GBytes) before = kyso_vf_read (out);
  g_autoptr(GBytes) after = NULL;
  g_autoptr(GByteArray) data = g_byte_array_new ();
  g_autoptr(KysoPdfVerifyReport) r = NULL;
  const char *d;
  gsize at;

  /* An update defining object 7 (the /Info) twice; the xref lists the second. */
  kyso_vf_append_update (out, 7, "<< /Producer (second) >>", 0);
  after = kyso_vf_read (out);
  d = g_bytes_get_data (after, NULL);
  at = g_bytes_get_size (before) + (d[g_bytes_get_size (before) - 1] == '\n' ? 0 : 1);
  g_byte_array_append (data, (const guint8 *)d, (guint)g_bytes_get_size (after));
  /* Insert a first definition before the listed one; the xref offsets shift by its length. */
  {
    static const char first[] = "7 0 obj\n<< /Producer (first) >>\nendobj\n";
    g_autoptr(GByteArray) fixed = g_byte_array_new ();
    g_autofree char *tail = g_strndup (d + at, g_bytes_get_size (after) - at);
    g_autofree char *xref_line = NULL, *new_line = NULL, *sx = NULL, *nsx = NULL;
    gsize listed = at, xref_at;
    char *p;

    xref_at = (gsize)(strstr (tail, "xref\n") - tail) + at;
    xref_line = g_strdup_printf ("%010" G_GSIZE_FORMAT " 00000 n", listed);
    new_line = g_strdup_printf ("%010" G_GSIZE_FORMAT " 00000 n", listed + strlen (first));
    sx = g_strdup_printf ("startxref\n%" G_GSIZE_FORMAT "\n", xref_at);
    nsx = g_strdup_printf ("startxref\n%" G_GSIZE_FORMAT "\n", xref_at + strlen (first));
    p = strstr (tail, xref_line);
    g_assert_nonnull (p);
    memcpy (p, new_line, strlen (new_line));
    p = strstr (tail, sx);
    g_assert_nonnull (p);
    g_byte_array_append (fixed, (const guint8 *)d, (guint)at);
    g_byte_array_append (fixed, (const guint8 *)first, (guint)strlen (first));
    g_byte_array_append (fixed, (const guint8 *)tail, (guint)(p - tail));
    g_byte_array_append (fixed, (const guint8 *)nsx, (guint)strlen (nsx));
    g_byte_array_append (fixed, (const guint8 *)p + strlen (sx), (guint)strlen (p + strlen (sx)));
    kyso_vf_write (out, fixed->data, fixed->len);
  }
  r = expect (out, KYSO_SIGNATURE_STATUS_MODIFIED, KYSO_SIGNATURE_PROBLEM_STRUCTURE);
  g_assert_true (has_reason (kyso_pdf_verify_report_get_signature (r, 0), "twice"));
}

/* A later update whose names are not text (#FF escapes) still gives readable reasons. */
static void
test_binary_names (void)
{
  g_autofree char *out = copy_of (signed_pdf, "binary-names.pdf");
  guint catalog = kyso_vf_catalog_num (signed_pdf);
  g_autoptr(KysoPdfDocument) doc = kyso_pdf_document_open (signed_pdf, NULL);
  g_autoptr(KysoPdfObject) old = kyso_pdf_document_get_object (doc, catalog, NULL);
  g_autoptr(KysoPdfObject) copy = kyso_pdf_object_copy (old);
  g_autofree char *body = NULL;
  g_autoptr(KysoPdfVerifyReport) r = NULL;
  KysoPdfSignatureReport *s;

  kyso_pdf_dict_set (copy, "Bad\xff\xfeName", kyso_pdf_int_new (1));
  body = kyso_pdf_object_to_string (copy);
  kyso_vf_append_update (out, catalog, body, 0);
  r = expect (out, KYSO_SIGNATURE_STATUS_MODIFIED, KYSO_SIGNATURE_PROBLEM_CHANGED);
  s = kyso_pdf_verify_report_get_signature (r, 0);
  g_assert_true (has_reason (s, "catalog"));
  for (const char *const *reason = kyso_pdf_signature_report_get_reasons (s); *reason != NULL; reason++)
    g_assert_true (g_utf8_validate (*reason, -1, NULL));
}

/* Names copied into the report (here /SubFilter) are kept valid text in the JSON. */
static void
test_binary_subfilter (void)
{
  g_autofree char *out = forged ("binary-subfilter.pdf", "/adbe.pkcs7.detached", "/adbe.pk#FF.detached");
  g_autoptr(KysoPdfVerifyReport) r = verify (out);
  g_autofree char *json = kyso_pdf_verify_report_to_json (r);
  KysoPdfSignatureReport *s = kyso_pdf_verify_report_get_signature (r, 0);

  g_assert_true (g_utf8_validate (json, -1, NULL));
  g_assert_true (g_utf8_validate (kyso_pdf_signature_report_get_subfilter (s), -1, NULL));
  g_assert_cmpint (kyso_pdf_signature_report_get_status (s), ==, KYSO_SIGNATURE_STATUS_INVALID);
}

/* Form filling after signing: allowed by PDF, but what is shown changed. */
static void
test_form_filled (void)
{
  g_autofree char *out = copy_of (signed_pdf, "filled.pdf");
  guint next = kyso_vf_size (signed_pdf);
  static const char ap[] = "/Tx BMC BT /Helv 12 Tf 2 8 Td (Tran Van Binh) Tj ET EMC";
  g_autofree char *stream
    = g_strdup_printf ("<< /Type /XObject /Subtype /Form /BBox [0 0 228 30] /Length %zu >>\n"
                       "stream\n%s\nendstream",
                       strlen (ap), ap);
  g_autofree char *field
    = g_strdup_printf ("<< /Type /Annot /Subtype /Widget /FT /Tx /T (name) /Rect [72 600 300 630] "
                       "/P 3 0 R /DA (/Helv 12 Tf 0 g) /F 4 /V (Tran Van Binh) /AP << /N %u 0 R >> >>",
                       next);
  g_autoptr(KysoPdfVerifyReport) r = NULL;
  KysoPdfSignatureReport *s;

  kyso_vf_append_update (out, 5, field, next, stream, 0);
  r = expect (out, KYSO_SIGNATURE_STATUS_MODIFIED, KYSO_SIGNATURE_PROBLEM_CHANGED);
  s = kyso_pdf_verify_report_get_signature (r, 0);
  g_assert_cmpint (kyso_pdf_signature_report_get_changes_after (s), ==, KYSO_PDF_CHANGES_FORM);
  g_assert_true (has_reason (s, "“name”"));
}

static char *
with_text_annotation (const char *src, const char *name)
{
  char *out = copy_of (src, name);
  guint page = kyso_vf_page_num (src), next = kyso_vf_size (src);
  g_autoptr(KysoPdfDocument) doc = kyso_pdf_document_open (src, NULL);
  g_autoptr(KysoPdfObject) p = kyso_pdf_document_get_object (doc, page, NULL);
  g_autoptr(KysoPdfObject) copy = kyso_pdf_object_copy (p);
  g_autoptr(KysoPdfObject) annots_old
             = kyso_pdf_document_resolve (doc, kyso_pdf_dict_get (p, "Annots"), NULL);
  KysoPdfObject *annots = kyso_pdf_object_copy (annots_old);
  g_autofree char *page_body = NULL;
  g_autofree char *annot = g_strdup_printf ("<< /Type /Annot /Subtype /FreeText /Rect [72 690 400 730] /P %u "
                                            "0 R /Contents (Approved) /DA (/Helv 20 Tf 0 g) >>",
                                            page);

  kyso_pdf_array_add (annots, kyso_pdf_ref_new (next, 0));
  kyso_pdf_dict_set (copy, "Annots", annots);
  page_body = kyso_pdf_object_to_string (copy);
  kyso_vf_append_update (out, next, annot, page, page_body, 0);
  return out;
}

static void
test_annotation_added (void)
{
  g_autofree char *out = with_text_annotation (signed_pdf, "annotated.pdf");
  g_autoptr(KysoPdfVerifyReport) r
             = expect (out, KYSO_SIGNATURE_STATUS_MODIFIED, KYSO_SIGNATURE_PROBLEM_CHANGED);

  g_assert_cmpint (kyso_pdf_signature_report_get_changes_after (kyso_pdf_verify_report_get_signature (r, 0)),
                   ==, KYSO_PDF_CHANGES_ANNOTATIONS);
}

/* DocMDP: P1 forbids the annotation; P3 allows it (still "modified": what is shown changed). */
static void
test_certified (void)
{
  g_autofree char *p1 = path_in ("certified-p1.pdf");
  g_autofree char *p3 = path_in ("certified-p3.pdf");
  g_autofree char *p1_annot = NULL, *p3_annot = NULL, *p1_signed = NULL;
  g_autoptr(KysoPdfVerifyReport) a = NULL, b = NULL, c = NULL, d = NULL;
  KysoPdfSignatureReport *s;

  kyso_vf_openssl_sign (plain, p1, "Certification", 1, NULL);
  kyso_vf_openssl_sign (plain, p3, "Certification", 3, NULL);
  a = expect (p1, KYSO_SIGNATURE_STATUS_VALID, 0);
  g_assert_cmpint (kyso_pdf_signature_report_get_docmdp (kyso_pdf_verify_report_get_signature (a, 0)), ==, 1);
  {
    g_autoptr(KysoPdfDocument) d1 = kyso_pdf_document_open (p1, NULL);
    g_autoptr(KysoPdfDocument) d3 = kyso_pdf_document_open (p3, NULL);
    g_autoptr(KysoPdfDocument) d0 = kyso_pdf_document_open (signed_pdf, NULL);
    guint32 num = 0;

    g_assert_cmpint (kyso_pdf_verify_get_docmdp (d1, &num, NULL), ==, 1);
    g_assert_cmpuint (num, !=, 0);
    g_assert_cmpint (kyso_pdf_verify_get_docmdp (d3, NULL, NULL), ==, 3);
    g_assert_cmpint (kyso_pdf_verify_get_docmdp (d0, NULL, NULL), ==, 0);
  }

  p1_annot = with_text_annotation (p1, "certified-p1-annotated.pdf");
  b = expect (p1_annot, KYSO_SIGNATURE_STATUS_INVALID, KYSO_SIGNATURE_PROBLEM_DOCMDP);
  s = kyso_pdf_verify_report_get_signature (b, 0);
  g_assert_true (kyso_pdf_signature_report_get_integrity (s));
  g_assert_cmpint (kyso_pdf_signature_report_get_changes_after (s), ==, KYSO_PDF_CHANGES_ANNOTATIONS);

  p3_annot = with_text_annotation (p3, "certified-p3-annotated.pdf");
  c = expect (p3_annot, KYSO_SIGNATURE_STATUS_MODIFIED, KYSO_SIGNATURE_PROBLEM_CHANGED);
  g_assert_false (kyso_pdf_signature_report_get_problems (kyso_pdf_verify_report_get_signature (c, 0))
                  & KYSO_SIGNATURE_PROBLEM_DOCMDP);

  /* P1 also forbids another approval signature. */
  p1_signed = path_in ("certified-p1-signed.pdf");
  kyso_vf_pdfsig_sign (p1, p1_signed, "Later", FALSE);
  d = expect (p1_signed, KYSO_SIGNATURE_STATUS_INVALID, KYSO_SIGNATURE_PROBLEM_DOCMDP);
}

static void
test_bytes (void)
{
  g_autoptr(GBytes) bytes = kyso_vf_read (signed_pdf);
  g_autoptr(KysoPdfVerifier) v = kyso_pdf_verifier_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(KysoPdfVerifyReport) r = NULL;

  kyso_pdf_verifier_set_use_bundled_trust (v, FALSE);
  kyso_pdf_verifier_add_trust_file (v, root_pem);
  r = kyso_pdf_verifier_verify_bytes (v, bytes, NULL, &error);
  g_assert_no_error (error);
  /* Never online: revocation unknown, so it cannot be confirmed. */
  g_assert_cmpint (kyso_pdf_verify_report_get_status (r), ==, KYSO_SIGNATURE_STATUS_INDETERMINATE);
  g_assert_true (kyso_pdf_signature_report_get_problems (kyso_pdf_verify_report_get_signature (r, 0))
                 & KYSO_SIGNATURE_PROBLEM_REVOCATION_UNKNOWN);
  g_assert_null (kyso_pdf_verify_report_get_path (r));
}

static void
got_result (GObject *source, GAsyncResult *result, gpointer data)
{
  GAsyncResult **out = data;
  *out = g_object_ref (result);
}

static KysoPdfVerifyReport *
verify_async (const char *path, GCancellable *cancellable, GError **error)
{
  g_autoptr(KysoPdfVerifier) v = kyso_pdf_verifier_new ();
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GAsyncResult) result = NULL;

  kyso_pdf_verifier_set_use_bundled_trust (v, FALSE);
  kyso_pdf_verifier_set_timeout (v, 2);
  kyso_pdf_verifier_add_trust_file (v, root_pem);
  kyso_pdf_verifier_verify_async (v, file, cancellable, got_result, &result);
  /* Settings changed after the call must not affect the running check. */
  kyso_pdf_verifier_set_use_bundled_trust (v, TRUE);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  return kyso_pdf_verifier_verify_finish (v, result, error);
}

static void
test_async (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KysoPdfVerifyReport) r = verify_async (signed_pdf, NULL, &error);
  g_autofree char *missing = path_in ("does-not-exist.pdf");
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  KysoPdfVerifyReport *none;

  g_assert_no_error (error);
  g_assert_cmpint (kyso_pdf_verify_report_get_status (r), ==, KYSO_SIGNATURE_STATUS_VALID);
  g_assert_cmpstr (kyso_pdf_verify_report_get_path (r), ==, signed_pdf);
  g_assert_cmpuint (g_list_model_get_n_items (kyso_pdf_verify_report_get_signatures (r)), ==, 1);

  none = verify_async (missing, NULL, &error);
  g_assert_null (none);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_cancellable_cancel (cancellable);
  none = verify_async (signed_pdf, cancellable, &error);
  g_assert_null (none);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

/* Revocation against a real OCSP responder (`openssl ocsp`) on loopback. */
static void
test_revocation (void)
{
  g_autofree char *revoked = path_in ("revoked.pdf");
  g_autoptr(GError) error = NULL;
  g_autoptr(KysoPdfVerifyReport) good = NULL, bad = NULL, offline = NULL;

  kyso_vf_openssl_sign (plain, revoked, "Revoked", 0, "revoked");
  good = verify_full (signed_pdf, TRUE, FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpint (kyso_pdf_signature_report_get_revocation (kyso_pdf_verify_report_get_signature (good, 0)),
                   ==, KYSO_REVOCATION_GOOD);
  g_assert_cmpint (kyso_pdf_verify_report_get_status (good), ==, KYSO_SIGNATURE_STATUS_VALID);
  bad = verify_full (revoked, TRUE, FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpint (kyso_pdf_signature_report_get_revocation (kyso_pdf_verify_report_get_signature (bad, 0)),
                   ==, KYSO_REVOCATION_REVOKED);
  g_assert_cmpint (kyso_pdf_verify_report_get_status (bad), ==, KYSO_SIGNATURE_STATUS_INVALID);
  g_assert_true (kyso_pdf_signature_report_get_problems (kyso_pdf_verify_report_get_signature (bad, 0))
                 & KYSO_SIGNATURE_PROBLEM_REVOKED);
  offline = verify_full (signed_pdf, TRUE, TRUE, &error);
  g_assert_cmpint (
    kyso_pdf_signature_report_get_revocation (kyso_pdf_verify_report_get_signature (offline, 0)), ==,
    KYSO_REVOCATION_UNKNOWN);
  /* Revocation unknown: intact and trusted, but not confirmed. */
  g_assert_cmpint (kyso_pdf_verify_report_get_status (offline), ==, KYSO_SIGNATURE_STATUS_INDETERMINATE);
  g_assert_true (kyso_pdf_signature_report_get_problems (kyso_pdf_verify_report_get_signature (offline, 0))
                 & KYSO_SIGNATURE_PROBLEM_REVOCATION_UNKNOWN);
}

/* ---- the validation model, with throwaway PKIs ------------------------------------------- */

typedef struct
{
  const char *leaf;    /* the test PKI's certificate and key that sign */
  const char *tsa;     /* NULL: no time-stamp; "tsa" (trusted) or "rogue-tsa" (untrusted root) */
  GDateTime *gen_time; /* the time-stamp's time (NULL = now) */
} PadesCms;

/* A PAdES CMS (ETSI.CAdES.detached) built by Kyso's builder, signed with the test key. */
static GBytes *
pades_cms (GBytes *signed_bytes, gpointer user_data)
{
  PadesCms *o = user_data;
  g_autoptr(GPtrArray) chain = kyso_test_pki_chain (o->leaf);
  guint8 md[32];
  g_autoptr(GBytes) digest = NULL;
  g_autoptr(KysoPadesBuilder) b = NULL;
  g_autoptr(GBytes) sig = NULL;
  g_autoptr(GError) error = NULL;
  GBytes *der;

  {
    g_autoptr(GChecksum) c = g_checksum_new (G_CHECKSUM_SHA256);
    gsize n = sizeof md;

    g_checksum_update (c, g_bytes_get_data (signed_bytes, NULL), (gssize)g_bytes_get_size (signed_bytes));
    g_checksum_get_digest (c, md, &n);
  }
  digest = g_bytes_new (md, sizeof md);
  b = kyso_pades_builder_new (digest, chain, &error);
  g_assert_no_error (error);
  sig = kyso_test_pki_sign_digest (o->leaf, kyso_pades_builder_get_digest_to_sign (b));
  g_assert_true (kyso_pades_builder_set_signature (b, sig, &error));
  if (o->tsa != NULL)
    {
      g_autoptr(GBytes) token
                 = kyso_test_tsa_token_custom (kyso_pades_builder_get_signature (b), o->tsa, o->gen_time);
      g_assert_true (kyso_pades_builder_add_timestamp_token (b, token, &error));
    }
  der = kyso_pades_builder_to_der (b, &error);
  g_assert_no_error (error);
  return der;
}

static void
pades_sign (const char *in, const char *out, const PadesCms *cms, const char *m)
{
  KysoVfSignOptions options = { .subfilter = "ETSI.CAdES.detached", .m = m };

  kyso_vf_sign_with (in, out, "Signature1", &options, pades_cms, (gpointer)cms);
}

static void
assert_problem (KysoPdfSignatureReport *s, KysoSignatureStatus status, KysoSignatureProblem problems)
{
  if (kyso_pdf_signature_report_get_status (s) != status
      || (kyso_pdf_signature_report_get_problems (s) & problems) != problems)
    for (const char *const *r = kyso_pdf_signature_report_get_reasons (s); *r != NULL; r++)
      g_test_message ("reason: %s", *r);
  g_assert_cmpstr (kyso_signature_status_to_string (kyso_pdf_signature_report_get_status (s)), ==,
                   kyso_signature_status_to_string (status));
  g_assert_cmphex (kyso_pdf_signature_report_get_problems (s) & problems, ==, problems);
}

/* The first case: a certificate that expired, and a home-made time-stamp authority that
 * backdates into the certificate's validity. The untrusted time decides nothing: the signature is
 * judged as of now, when the certificate is expired, and cannot be confirmed. */
static void
test_model_expired_backdated (void)
{
  g_autofree char *out = path_in ("expired-backdated.pdf");
  g_autoptr(GDateTime) back = g_date_time_new_utc (2020, 6, 1, 10, 0, 0);
  PadesCms cms = { "expired", "rogue-tsa", back };
  g_autoptr(KysoPdfVerifyReport) report = NULL;
  KysoPdfSignatureReport *s;

  pades_sign (plain, out, &cms, "D:20200601095900+00'00'");
  report = verify (out);
  s = kyso_pdf_verify_report_get_signature (report, 0);
  assert_problem (s, KYSO_SIGNATURE_STATUS_INDETERMINATE,
                  KYSO_SIGNATURE_PROBLEM_TIMESTAMP_UNTRUSTED | KYSO_SIGNATURE_PROBLEM_EXPIRED_NO_PROOF);
  g_assert_true (kyso_pdf_signature_report_get_integrity (s));
  g_assert_cmpint (kyso_pdf_signature_report_get_signing_time_source (s), ==, KYSO_SIGNING_TIME_CLAIMED);
  g_assert_cmpint (kyso_pdf_signature_report_get_level (s), ==, KYSO_PADES_LEVEL_B_B);
  g_assert_nonnull (kyso_pdf_signature_report_get_timestamp_time (s));
  g_assert_cmpint (kyso_pdf_verify_report_get_status (report), !=, KYSO_SIGNATURE_STATUS_VALID);
  /* The history panel: a warning, never worded "valid", and the untrusted time is not shown as
   * confirmed by a time-stamp. */
  {
    g_autoptr (KysoHistoryEntry) entry = kyso_history_entry_new_from_report (s);
    g_autofree char *title = g_ascii_strdown (kyso_history_entry_get_title (entry), -1);

    g_assert_cmpint (kyso_history_entry_get_status (entry), ==, KYSO_HISTORY_STATUS_WARNING);
    g_assert_null (strstr (title, "valid"));
    g_assert_false (kyso_history_entry_get_timestamped (entry));
    g_assert_null (kyso_history_entry_get_trust_anchor (entry));
  }
}

/* A trusted time-stamp proves when the signature was made; a certificate expired then is
 * invalid, not merely unconfirmed. */
static void
test_model_expired_at_signing (void)
{
  g_autofree char *out = path_in ("expired-stamped.pdf");
  PadesCms cms = { "expired", "tsa", NULL };
  g_autoptr(KysoPdfVerifyReport) report = NULL;
  KysoPdfSignatureReport *s;

  pades_sign (plain, out, &cms, NULL);
  report = verify (out);
  s = kyso_pdf_verify_report_get_signature (report, 0);
  assert_problem (s, KYSO_SIGNATURE_STATUS_INVALID, KYSO_SIGNATURE_PROBLEM_CERTIFICATE);
  g_assert_cmpint (kyso_pdf_signature_report_get_signing_time_source (s), ==, KYSO_SIGNING_TIME_TIMESTAMP);
}

/* A time-stamp earlier than the signing time the signer's computer wrote. */
static void
test_model_timestamp_before_m (void)
{
  g_autofree char *out = path_in ("stamp-before-m.pdf");
  PadesCms cms = { "signer", "tsa", NULL };
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) later = g_date_time_add_hours (now, 3);
  g_autofree char *m = g_date_time_format (later, "D:%Y%m%d%H%M%S+00'00'");
  g_autoptr(KysoPdfVerifyReport) report = NULL;

  pades_sign (plain, out, &cms, m);
  report = verify (out);
  assert_problem (kyso_pdf_verify_report_get_signature (report, 0), KYSO_SIGNATURE_STATUS_INDETERMINATE,
                  KYSO_SIGNATURE_PROBLEM_TIMESTAMP_ORDER);
}

/* B-T with a trusted authority: the time is proven, revocation known online, valid. */
static void
test_model_b_t (void)
{
  g_autofree char *out = path_in ("b-t.pdf");
  PadesCms cms = { "signer", "tsa", NULL };
  g_autoptr(KysoPdfVerifyReport) report = NULL;
  KysoPdfSignatureReport *s;

  pades_sign (plain, out, &cms, NULL);
  report = verify (out);
  s = kyso_pdf_verify_report_get_signature (report, 0);
  assert_problem (s, KYSO_SIGNATURE_STATUS_VALID, 0);
  g_assert_cmphex (kyso_pdf_signature_report_get_problems (s), ==, 0);
  g_assert_cmpint (kyso_pdf_signature_report_get_level (s), ==, KYSO_PADES_LEVEL_B_T);
  g_assert_cmpint (kyso_pdf_signature_report_get_signing_time_source (s), ==, KYSO_SIGNING_TIME_TIMESTAMP);
  g_assert_true (kyso_pdf_signature_report_get_best_signing_time (s)
                 == kyso_pdf_signature_report_get_timestamp_time (s));
  {
    g_autoptr (KysoHistoryEntry) entry = kyso_history_entry_new_from_report (s);

    g_assert_cmpint (kyso_history_entry_get_status (entry), ==, KYSO_HISTORY_STATUS_VALID);
    g_assert_true (kyso_history_entry_get_timestamped (entry));
    g_assert_cmpstr (kyso_history_entry_get_trust_anchor (entry), ==, "Kyso Test Root CA");
    g_assert_cmpstr (kyso_history_entry_get_level (entry), ==, "B-T");
  }
}

/* Certificates that may not sign documents: a web server's, a CA's, one without
 * digitalSignature/nonRepudiation. All invalid, however well the chain is trusted. */
static void
test_model_not_for_signing (void)
{
  static const char *const leaves[] = { "tls-server", "sub/sub", "no-sign" };

  for (gsize i = 0; i < G_N_ELEMENTS (leaves); i++)
    {
      g_autofree char *name = g_strdup_printf ("not-for-signing-%zu.pdf", i);
      g_autofree char *out = path_in (name);
      g_autoptr(KysoPdfVerifyReport) report = NULL;
      /* The sub CA signs with only the root beside it. */
      OpensslCmsOptions o = { leaves[i], NULL, i == 1 ? "root/root.pem" : NULL };
      KysoVfSignOptions options = { 0 };

      kyso_vf_sign_with (plain, out, "Sig", &options, kyso_vf_openssl_cms, &o);
      report = verify (out);
      g_test_message ("%s", leaves[i]);
      assert_problem (kyso_pdf_verify_report_get_signature (report, 0), KYSO_SIGNATURE_STATUS_INVALID,
                      KYSO_SIGNATURE_PROBLEM_KEY_USAGE);
    }
}

/* SHA-1: intact and trusted, but no longer a proof. */
static void
test_model_sha1 (void)
{
  g_autofree char *out = path_in ("sha1.pdf");
  g_autoptr(KysoPdfVerifyReport) report = NULL;
  KysoPdfSignatureReport *s;

  kyso_vf_openssl_sign_md (plain, out, "Sig", "signer", "sha1");
  report = verify (out);
  s = kyso_pdf_verify_report_get_signature (report, 0);
  assert_problem (s, KYSO_SIGNATURE_STATUS_INDETERMINATE, KYSO_SIGNATURE_PROBLEM_WEAK_ALGORITHM);
  g_assert_cmpstr (kyso_pdf_signature_report_get_digest (s), ==, "SHA-1");
}

/* The system's TLS store is never a document anchor: with nothing configured, even a
 * certificate the system would trust for TLS leads nowhere. */
static void
test_model_no_system_store (void)
{
  g_autoptr(KysoPdfVerifier) v = kyso_pdf_verifier_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(KysoPdfVerifyReport) report = NULL;
  g_autofree char *ssl_dir = path_in ("fake-system-store");
  g_autofree char *anchor = g_build_filename (ssl_dir, "root.pem", NULL);
  g_autoptr(GBytes) pem = kyso_vf_read (root_pem);

  /* Even with the test root among "system" certificates (SSL_CERT_DIR), nothing trusts it. */
  g_assert_cmpint (g_mkdir_with_parents (ssl_dir, 0700), ==, 0);
  kyso_vf_write (anchor, g_bytes_get_data (pem, NULL), g_bytes_get_size (pem));
  g_setenv ("SSL_CERT_DIR", ssl_dir, TRUE);
  g_setenv ("SSL_CERT_FILE", anchor, TRUE);
  kyso_pdf_verifier_set_offline (v, TRUE);
  report = kyso_pdf_verifier_verify (v, signed_pdf, NULL, &error);
  g_unsetenv ("SSL_CERT_DIR");
  g_unsetenv ("SSL_CERT_FILE");
  g_assert_no_error (error);
  assert_problem (kyso_pdf_verify_report_get_signature (report, 0), KYSO_SIGNATURE_STATUS_INDETERMINATE,
                  KYSO_SIGNATURE_PROBLEM_UNTRUSTED);
  g_assert_null (
    kyso_pdf_signature_report_get_trust_anchor (kyso_pdf_verify_report_get_signature (report, 0)));
}

/* A signature dressed as a document time-stamp (/Type /DocTimeStamp, /SubFilter ETSI.RFC3161)
 * after a certification that allows no changes: it is a signature (its CMS says so), so the
 * certification is broken, and it is not reported as a time-stamp. */
static void
test_model_disguised_timestamp (void)
{
  g_autofree char *certified = path_in ("certified-p1.pdf");
  g_autofree char *out = path_in ("disguised-ts.pdf");
  KysoVfSignOptions options = { .type = "DocTimeStamp", .subfilter = "ETSI.RFC3161" };
  OpensslCmsOptions o = { "signer-ec", NULL, NULL };
  g_autoptr(KysoPdfVerifyReport) report = NULL;
  KysoPdfSignatureReport *first, *second;

  kyso_vf_openssl_sign (plain, certified, "Cert", 1, NULL);
  kyso_vf_sign_with (certified, out, "Stamp", &options, kyso_vf_openssl_cms, &o);
  report = verify (out);
  g_assert_cmpuint (kyso_pdf_verify_report_get_n_signatures (report), ==, 2);
  first = kyso_pdf_verify_report_get_signature (report, 0);
  second = kyso_pdf_verify_report_get_signature (report, 1);
  g_assert_false (kyso_pdf_signature_report_is_document_timestamp (second));
  g_assert_cmpstr (kyso_pdf_signature_report_get_signer (second), ==, "Trần Thị Bình");
  assert_problem (first, KYSO_SIGNATURE_STATUS_INVALID, KYSO_SIGNATURE_PROBLEM_DOCMDP);
  g_assert_true (has_reason (second, "marked as a document time-stamp"));
}

/* Sneaky Signature: a second signature whose visible box covers the page's text (its appearance
 * paints over it) changes what the page shows: the first signature is modified. */
static void
test_overlay_covers_content (void)
{
  g_autofree char *first = path_in ("overlay-first.pdf");
  g_autofree char *out = path_in ("overlay.pdf");
  KysoVfSignOptions options
    = { .rect = "[60 680 560 740]",
        .appearance = "1 1 1 rg 0 0 500 60 re f BT /Helv 24 Tf 0 g 12 20 Td (Nothing) Tj ET" };
  OpensslCmsOptions o = { "signer-ec", NULL, NULL };
  g_autoptr(KysoPdfVerifyReport) report = NULL;

  kyso_vf_openssl_sign (plain, first, "First", 0, NULL);
  kyso_vf_sign_with (first, out, "Second", &options, kyso_vf_openssl_cms, &o);
  report = verify (out);
  g_assert_cmpuint (kyso_pdf_verify_report_get_n_signatures (report), ==, 2);
  assert_problem (kyso_pdf_verify_report_get_signature (report, 0), KYSO_SIGNATURE_STATUS_MODIFIED,
                  KYSO_SIGNATURE_PROBLEM_CHANGED);
  g_assert_true (has_reason (kyso_pdf_verify_report_get_signature (report, 0), "Second"));
  assert_problem (kyso_pdf_verify_report_get_signature (report, 1), KYSO_SIGNATURE_STATUS_VALID, 0);
}

/* A third signature's box over the second one's box hides it: the second is modified. A box on an
 * empty part of the page is what co-signers do, and leaves earlier signatures valid. */
static void
test_overlay_covers_signature (void)
{
  g_autofree char *first = path_in ("co-first.pdf");
  g_autofree char *second = path_in ("co-second.pdf");
  g_autofree char *third = path_in ("co-third.pdf");
  KysoVfSignOptions visible = { .rect = "[300 100 500 160]", .appearance = "0 0 1 rg 0 0 200 60 re f" };
  KysoVfSignOptions blank_area = { .rect = "[300 300 500 360]", .appearance = "0 0 1 rg 0 0 200 60 re f" };
  KysoVfSignOptions on_top = { .rect = "[320 110 480 150]", .appearance = "1 1 1 rg 0 0 160 40 re f" };
  OpensslCmsOptions o = { "signer", NULL, NULL };
  g_autoptr(KysoPdfVerifyReport) co = NULL, hidden = NULL;

  kyso_vf_sign_with (plain, first, "A", &visible, kyso_vf_openssl_cms, &o);
  kyso_vf_sign_with (first, second, "B", &blank_area, kyso_vf_openssl_cms, &o);
  co = verify (second);
  assert_problem (kyso_pdf_verify_report_get_signature (co, 0), KYSO_SIGNATURE_STATUS_VALID, 0);
  assert_problem (kyso_pdf_verify_report_get_signature (co, 1), KYSO_SIGNATURE_STATUS_VALID, 0);

  kyso_vf_sign_with (second, third, "C", &on_top, kyso_vf_openssl_cms, &o);
  hidden = verify (third);
  assert_problem (kyso_pdf_verify_report_get_signature (hidden, 0), KYSO_SIGNATURE_STATUS_MODIFIED,
                  KYSO_SIGNATURE_PROBLEM_CHANGED);
  /* B's box is elsewhere, but C's box covers A's, which B's revision showed: B is modified too. */
  assert_problem (kyso_pdf_verify_report_get_signature (hidden, 1), KYSO_SIGNATURE_STATUS_MODIFIED,
                  KYSO_SIGNATURE_PROBLEM_CHANGED);
  assert_problem (kyso_pdf_verify_report_get_signature (hidden, 2), KYSO_SIGNATURE_STATUS_VALID, 0);
}

/* B-LT: a B-T signature by a certificate valid for 30 days gets its validation data added (/DSS
 * from the OCSP responder, in its own incremental update); a year later, offline, after the
 * certificate expired, it still validates from the file alone, as B-LT. Without the /DSS the same
 * check cannot be confirmed. pdfsig and qpdf accept the file. */
static void
test_ltv_offline_year_later (void)
{
  g_autofree char *bt = path_in ("short-b-t.pdf");
  g_autofree char *lt = path_in ("short-b-lt.pdf");
  PadesCms cms = { "short", "tsa", NULL };
  const char *anchors[] = { root_pem, NULL };
  KysoPdfLtvOptions options = { .anchor_files = anchors, .timeout_seconds = 5 };
  g_autoptr (GError) error = NULL;
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr (GDateTime) later = g_date_time_add_days (now, 400);
  g_autoptr (KysoPdfVerifyReport) fresh = NULL, old_bt = NULL, old_lt = NULL;
  g_autofree char *qpdf_out = NULL;
  KysoPdfSignatureReport *s;

  pades_sign (plain, bt, &cms, NULL);
  g_assert_true (kyso_pdf_add_validation_data (bt, lt, &options, NULL, &error));
  g_assert_no_error (error);

  /* Today, online: still valid, now B-LT (the revocation answer kept in the file decides). */
  fresh = verify (lt);
  s = kyso_pdf_verify_report_get_signature (fresh, 0);
  assert_problem (s, KYSO_SIGNATURE_STATUS_VALID, 0);
  g_assert_cmpint (kyso_pdf_signature_report_get_level (s), ==, KYSO_PADES_LEVEL_B_LT);
  g_assert_cmpint (kyso_pdf_signature_report_get_changes_after (s), ==, KYSO_PDF_CHANGES_SIGNATURES);

  /* A year later, offline. */
  {
    g_autoptr (KysoPdfVerifier) v = kyso_pdf_verifier_new ();

    kyso_pdf_verifier_set_use_bundled_trust (v, FALSE);
    kyso_pdf_verifier_add_trust_file (v, root_pem);
    kyso_pdf_verifier_set_offline (v, TRUE);
    kyso_pdf_verifier_set_validation_time (v, later);
    old_lt = kyso_pdf_verifier_verify (v, lt, NULL, &error);
    g_assert_no_error (error);
    old_bt = kyso_pdf_verifier_verify (v, bt, NULL, &error);
    g_assert_no_error (error);
  }
  s = kyso_pdf_verify_report_get_signature (old_lt, 0);
  assert_problem (s, KYSO_SIGNATURE_STATUS_VALID, 0);
  g_assert_cmpint (kyso_pdf_signature_report_get_level (s), ==, KYSO_PADES_LEVEL_B_LT);
  g_assert_cmpint (kyso_pdf_signature_report_get_revocation (s), ==, KYSO_REVOCATION_GOOD);
  g_assert_cmpint (kyso_pdf_signature_report_get_signing_time_source (s), ==, KYSO_SIGNING_TIME_TIMESTAMP);
  s = kyso_pdf_verify_report_get_signature (old_bt, 0);
  assert_problem (s, KYSO_SIGNATURE_STATUS_INDETERMINATE, KYSO_SIGNATURE_PROBLEM_REVOCATION_UNKNOWN);

  /* Other readers accept the file. */
  g_assert_cmpint (kyso_vf_run (&qpdf_out, "qpdf", "--check", lt, NULL), ==, 0);
  {
    g_autofree char *pdfsig_out = NULL;

    kyso_vf_run (&pdfsig_out, "pdfsig", lt, NULL);
    g_assert_nonnull (strstr (pdfsig_out, "Signature is Valid"));
  }

  /* B-LTA: a document time-stamp over the whole file, /DSS included. */
  {
    g_autofree char *lta = path_in ("short-b-lta.pdf");
    KysoTestTsaMode mode = KYSO_TEST_TSA_GOOD;
    g_autoptr (KysoTestHttp) tsa = kyso_test_http_new (kyso_test_free_port (), kyso_test_tsa_handler, &mode);
    g_autofree char *url = kyso_test_http_url (tsa, "/tsa");
    g_autoptr (KysoPdfVerifyReport) report = NULL;
    g_autofree char *pdfsig_out = NULL;
    g_autofree char *qpdf2 = NULL;
    KysoPdfSignatureReport *stamp;

    g_assert_true (kyso_pdf_add_document_timestamp (lt, lta, url, &options, NULL, &error));
    g_assert_no_error (error);
    report = verify (lta);
    g_assert_cmpuint (kyso_pdf_verify_report_get_n_signatures (report), ==, 2);
    s = kyso_pdf_verify_report_get_signature (report, 0);
    assert_problem (s, KYSO_SIGNATURE_STATUS_VALID, 0);
    g_assert_cmpint (kyso_pdf_signature_report_get_level (s), ==, KYSO_PADES_LEVEL_B_LTA);
    stamp = kyso_pdf_verify_report_get_signature (report, 1);
    g_assert_true (kyso_pdf_signature_report_is_document_timestamp (stamp));
    g_assert_true (kyso_pdf_signature_report_get_integrity (stamp));
    g_assert_cmpint (kyso_pdf_signature_report_get_trust (stamp), ==, KYSO_TRUST_TRUSTED);
    g_assert_cmpint (kyso_pdf_signature_report_get_signing_time_source (stamp), ==,
                     KYSO_SIGNING_TIME_TIMESTAMP);
    g_assert_cmpint (kyso_vf_run (&qpdf2, "qpdf", "--check", lta, NULL), ==, 0);
    kyso_vf_run (&pdfsig_out, "pdfsig", lta, NULL);
    g_assert_nonnull (strstr (pdfsig_out, "Signature is Valid"));
  }
}

/* Before upload: the last signature valid and by the logged-in citizen. */
static void
test_upload_check (void)
{
  g_autoptr (KysoPdfVerifyReport) ok = verify (signed_pdf);
  g_autoptr (KysoPdfVerifyReport) none = verify (plain);
  g_autoptr (KysoPdfVerifyReport) offline = NULL;
  g_autoptr (GError) error = NULL;

  g_assert_true (kyso_pdf_verify_report_check_for_upload (ok, "CCCD: 0010 9901 2345", &error));
  g_assert_no_error (error);
  g_assert_true (kyso_pdf_verify_report_check_for_upload (ok, NULL, &error));
  g_assert_true (kyso_pdf_verify_report_check_for_upload (none, "001099012345", &error));
  g_assert_false (kyso_pdf_verify_report_check_for_upload (ok, "079088001122", &error));
  g_assert_error (error, KYSO_ERROR, KYSO_ERROR_CERTIFICATE);
  g_assert_nonnull (strstr (error->message, "Nguyễn Văn An"));
  g_clear_error (&error);
  /* Offline nothing can be confirmed: not uploaded as if it were. */
  offline = verify_full (signed_pdf, TRUE, TRUE, &error);
  g_assert_no_error (error);
  g_assert_false (kyso_pdf_verify_report_check_for_upload (offline, "001099012345", &error));
  g_assert_error (error, KYSO_ERROR, KYSO_ERROR_CERTIFICATE);
  g_assert_nonnull (strstr (error->message, "cannot confirm"));
}

int
main (int argc, char **argv)
{
  int status;
  GPid ocsp;

  g_test_init (&argc, &argv, NULL);
  dir = kyso_vf_tmpdir ();
  plain = path_in ("plain.pdf");
  signed_pdf = path_in ("signed.pdf");
  root_pem = kyso_test_pki_path ("root/root.pem");
  kyso_vf_write_plain_pdf (plain);
  kyso_vf_pdfsig_sign (plain, signed_pdf, "Sig1", FALSE);

  g_test_add_func ("/verify/valid/pdfsig", test_valid_pdfsig);
  g_test_add_func ("/verify/valid/untrusted", test_valid_untrusted);
  g_test_add_func ("/verify/valid/kyso", test_valid_kyso);
  g_test_add_func ("/verify/valid/openssl", test_valid_openssl);
  g_test_add_func ("/verify/valid/second-signature", test_second_signature);
  g_test_add_func ("/verify/no-signatures", test_no_signatures);
  g_test_add_func ("/verify/unreadable", test_unreadable);
  g_test_add_func ("/verify/forgery/bytes-changed", test_bytes_changed);
  g_test_add_func ("/verify/forgery/contents-removed", test_contents_removed);
  g_test_add_func ("/verify/forgery/contents-emptied", test_contents_emptied);
  g_test_add_func ("/verify/forgery/contents-mistyped", test_contents_mistyped);
  g_test_add_func ("/verify/forgery/contents-garbage", test_contents_garbage);
  g_test_add_func ("/verify/forgery/byterange-removed", test_byte_range_removed);
  g_test_add_func ("/verify/forgery/byterange-emptied", test_byte_range_emptied);
  g_test_add_func ("/verify/forgery/byterange-mistyped", test_byte_range_mistyped);
  g_test_add_func ("/verify/forgery/byterange-elsewhere", test_byte_range_elsewhere);
  g_test_add_func ("/verify/forgery/appended", test_appended_junk);
  g_test_add_func ("/verify/forgery/page-content", test_new_revision_page_content);
  g_test_add_func ("/verify/forgery/page-dict", test_new_revision_page_dict);
  g_test_add_func ("/verify/forgery/objects-in-gap", test_objects_in_gap);
  g_test_add_func ("/verify/forgery/signed-bytes-moved", test_signed_bytes_moved);
  g_test_add_func ("/verify/forgery/signature-dict", test_signature_dict_redefined);
  g_test_add_func ("/verify/forgery/duplicate-objects", test_duplicate_objects);
  g_test_add_func ("/verify/forgery/reused-signature", test_reused_signature);
  g_test_add_func ("/verify/changes/form-filled", test_form_filled);
  g_test_add_func ("/verify/changes/binary-names", test_binary_names);
  g_test_add_func ("/verify/forgery/binary-subfilter", test_binary_subfilter);
  g_test_add_func ("/verify/changes/annotation", test_annotation_added);
  g_test_add_func ("/verify/docmdp", test_certified);
  g_test_add_func ("/verify/bytes", test_bytes);
  g_test_add_func ("/verify/async", test_async);
  g_test_add_func ("/verify/revocation", test_revocation);
  g_test_add_func ("/verify/model/expired-backdated-tsa", test_model_expired_backdated);
  g_test_add_func ("/verify/model/expired-at-signing", test_model_expired_at_signing);
  g_test_add_func ("/verify/model/timestamp-before-m", test_model_timestamp_before_m);
  g_test_add_func ("/verify/model/b-t", test_model_b_t);
  g_test_add_func ("/verify/model/not-for-signing", test_model_not_for_signing);
  g_test_add_func ("/verify/model/sha1", test_model_sha1);
  g_test_add_func ("/verify/model/no-system-store", test_model_no_system_store);
  g_test_add_func ("/verify/model/disguised-timestamp", test_model_disguised_timestamp);
  g_test_add_func ("/verify/overlay/covers-content", test_overlay_covers_content);
  g_test_add_func ("/verify/overlay/covers-signature", test_overlay_covers_signature);
  g_test_add_func ("/verify/ltv/offline-year-later", test_ltv_offline_year_later);
  g_test_add_func ("/verify/upload-check", test_upload_check);
  ocsp = kyso_test_ocsp_start ();
  status = g_test_run ();
  kyso_test_ocsp_stop (ocsp);
  kyso_test_pki_cleanup ();
  return status;
}
