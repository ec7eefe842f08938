/* DOCX signing and verification: Kyso's own signatures (RSA and ECDSA, with and without a
 * time-stamp, one after another), the real Office signatures of the corpus, and documents
 * changed after signing. */
#include "config.h"

#include "kyso-error.h"
#include "kyso-ooxml-package.h"
#include "kyso-ooxml-sign-session.h"
#include "kyso-ooxml-verify.h"
#include "kyso-p12-signer.h"
#include "kyso-pdf-verify.h"
#include "kyso-test-pki.h"
#include "ooxml-test-util.h"

#include <glib/gstdio.h>
#include <sys/wait.h>

static char *
tmp_path (const char *name)
{
  static char *dir = NULL;

  if (dir == NULL)
    dir = g_dir_make_tmp ("kyso-ooxml-XXXXXX", NULL);
  return g_build_filename (dir, name, NULL);
}

static char *
minimal_docx (const char *name, const char *text)
{
  char *path = tmp_path (name);
  g_autoptr (GBytes) bytes = kyso_test_docx_minimal (text);

  kyso_test_write_bytes (path, bytes);
  return path;
}

static KysoPdfSignatureReport *
sig (KysoPdfVerifyReport *report, guint i)
{
  return kyso_pdf_verify_report_get_signature (report, i);
}

static gboolean
reasons_mention (KysoPdfSignatureReport *s, const char *text)
{
  for (const char *const *r = kyso_pdf_signature_report_get_reasons (s); *r != NULL; r++)
    if (strstr (*r, text) != NULL)
      return TRUE;
  return FALSE;
}

static void
test_sign_minimal (void)
{
  g_autofree char *in = minimal_docx ("minimal.docx", "Xin chào");
  g_autofree char *out = tmp_path ("minimal-signed.docx");
  g_autoptr (GError) error = NULL;
  g_autoptr (KysoPdfVerifyReport) report = NULL;
  g_autoptr (KysoOoxmlPackage) package = NULL;
  g_autofree char *ct = NULL;
  KysoPdfSignatureReport *s = NULL;

  g_assert_true (kyso_test_docx_sign (in, out, "signer", NULL, &error));
  g_assert_no_error (error);
  report = kyso_test_docx_verify (out);
  g_assert_cmpuint (kyso_pdf_verify_report_get_n_signatures (report), ==, 1);
  s = sig (report, 0);
  g_assert_cmpstr (kyso_pdf_signature_report_get_field (s), ==, "/_xmlsignatures/sig1.xml");
  g_assert_cmpstr (kyso_pdf_signature_report_get_signer (s), ==, "Nguyễn Văn An");
  g_assert_cmpstr (kyso_pdf_signature_report_get_national_id (s), ==, "001099012345");
  g_assert_cmpstr (kyso_pdf_signature_report_get_subfilter (s), ==, "ooxml.xades");
  g_assert_cmpstr (kyso_pdf_signature_report_get_digest (s), ==, "SHA-256");
  g_assert_nonnull (kyso_pdf_signature_report_get_signing_time (s));
  g_assert_true (kyso_pdf_signature_report_get_integrity (s));
  g_assert_true (kyso_pdf_signature_report_covers_whole_file (s));
  g_assert_cmpint (kyso_pdf_signature_report_get_level (s), ==, KYSO_PADES_LEVEL_B_B);
  g_assert_cmpint (kyso_pdf_signature_report_get_trust (s), ==, KYSO_TRUST_TRUSTED);
  g_assert_cmpint (kyso_pdf_signature_report_get_status (s), ==, KYSO_SIGNATURE_STATUS_VALID);

  /* The package holds what Word looks for. */
  package = kyso_ooxml_package_open (out, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (kyso_ooxml_package_get_part (package, "_xmlsignatures/origin.sigs"));
  g_assert_nonnull (kyso_ooxml_package_get_part (package, "_xmlsignatures/_rels/origin.sigs.rels"));
  ct = kyso_ooxml_package_dup_content_type (package, "_xmlsignatures/sig1.xml");
  g_assert_cmpstr (ct, ==, "application/vnd.openxmlformats-package.digital-signature-xmlsignature+xml");
}

static void
test_sign_twice (void)
{
  g_autofree char *in = minimal_docx ("twice.docx", "Hai chữ ký");
  g_autofree char *once = tmp_path ("twice-1.docx");
  g_autofree char *twice = tmp_path ("twice-2.docx");
  g_autoptr (GError) error = NULL;
  g_autoptr (KysoPdfVerifyReport) report = NULL;

  g_assert_true (kyso_test_docx_sign (in, once, "signer", NULL, &error));
  g_assert_true (kyso_test_docx_sign (once, twice, "signer-ec", NULL, &error));
  g_assert_no_error (error);
  report = kyso_test_docx_verify (twice);
  g_assert_cmpuint (kyso_pdf_verify_report_get_n_signatures (report), ==, 2);
  g_assert_cmpstr (kyso_pdf_signature_report_get_field (sig (report, 1)), ==, "/_xmlsignatures/sig2.xml");
  g_assert_cmpstr (kyso_pdf_signature_report_get_signer (sig (report, 1)), ==, "Trần Thị Bình");
  for (guint i = 0; i < 2; i++)
    g_assert_cmpint (kyso_pdf_signature_report_get_status (sig (report, i)), ==, KYSO_SIGNATURE_STATUS_VALID);
  g_assert_cmpint (kyso_pdf_verify_report_get_status (report), ==, KYSO_SIGNATURE_STATUS_VALID);
}

static void
test_sign_with_timestamp (void)
{
  KysoTestTsaMode mode = KYSO_TEST_TSA_GOOD;
  g_autoptr (KysoTestHttp) tsa = kyso_test_http_new (0, kyso_test_tsa_handler, &mode);
  g_autofree char *url = kyso_test_http_url (tsa, "/tsa");
  g_autofree char *in = minimal_docx ("ts.docx", "Dấu thời gian");
  g_autofree char *out = tmp_path ("ts-signed.docx");
  g_autoptr (GError) error = NULL;
  g_autoptr (KysoPdfVerifyReport) report = NULL;
  KysoPdfSignatureReport *s = NULL;

  g_assert_true (kyso_test_docx_sign (in, out, "signer", url, &error));
  g_assert_no_error (error);
  report = kyso_test_docx_verify (out);
  s = sig (report, 0);
  g_assert_nonnull (kyso_pdf_signature_report_get_timestamp_time (s));
  g_assert_cmpint (kyso_pdf_signature_report_get_level (s), ==, KYSO_PADES_LEVEL_B_T);
  g_assert_cmpint (kyso_pdf_signature_report_get_status (s), ==, KYSO_SIGNATURE_STATUS_VALID);
}

static void
test_timestamp_refused (void)
{
  KysoTestTsaMode mode = KYSO_TEST_TSA_WRONG_IMPRINT;
  g_autoptr (KysoTestHttp) tsa = kyso_test_http_new (0, kyso_test_tsa_handler, &mode);
  g_autofree char *url = kyso_test_http_url (tsa, "/tsa");
  g_autofree char *in = minimal_docx ("ts-bad.docx", "x");
  g_autofree char *out = tmp_path ("ts-bad-signed.docx");
  g_autoptr (GError) error = NULL;

  g_assert_false (kyso_test_docx_sign (in, out, "signer", url, &error));
  g_assert_error (error, KYSO_ERROR, KYSO_ERROR_SERVER);
  /* Nothing half-written at the output. */
  g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));
}

static void
test_changed_byte (void)
{
  g_autofree char *in = minimal_docx ("change.docx", "Số tiền: 100");
  g_autofree char *signed_path = tmp_path ("change-signed.docx");
  g_autofree char *changed = tmp_path ("change-changed.docx");
  g_autoptr (GError) error = NULL;
  g_autoptr (KysoPdfVerifyReport) report = NULL;
  g_autoptr (KysoOoxmlPackage) package = NULL;
  g_autoptr (GBytes) edited = NULL;
  GBytes *doc = NULL;
  char *copy = NULL;
  gsize len = 0;

  g_assert_true (kyso_test_docx_sign (in, signed_path, "signer", NULL, &error));
  package = kyso_ooxml_package_open (signed_path, NULL, &error);
  g_assert_no_error (error);
  doc = kyso_ooxml_package_get_part (package, "word/document.xml");
  len = g_bytes_get_size (doc);
  copy = g_malloc0 (len + 1);
  memcpy (copy, g_bytes_get_data (doc, NULL), len);
  g_assert_nonnull (strstr (copy, "100"));
  strstr (copy, "100")[0] = '9'; /* one byte */
  edited = g_bytes_new_take (copy, len);
  kyso_test_docx_replace_part (signed_path, changed, "word/document.xml", edited);

  report = kyso_test_docx_verify (changed);
  g_assert_cmpint (kyso_pdf_signature_report_get_status (sig (report, 0)), ==,
                   KYSO_SIGNATURE_STATUS_MODIFIED);
  g_assert_cmpint (kyso_pdf_signature_report_get_changes_after (sig (report, 0)), ==, KYSO_PDF_CHANGES_OTHER);
  g_assert_true (reasons_mention (sig (report, 0), "word/document.xml"));
}

static void
test_added_part (void)
{
  g_autofree char *in = minimal_docx ("add.docx", "Thêm");
  g_autofree char *signed_path = tmp_path ("add-signed.docx");
  g_autofree char *added = tmp_path ("add-part.docx");
  g_autofree char *linked = tmp_path ("add-link.docx");
  g_autoptr (GError) error = NULL;
  g_autoptr (KysoPdfVerifyReport) report = NULL;
  g_autoptr (KysoPdfVerifyReport) report2 = NULL;
  g_autoptr (GBytes) extra = g_bytes_new_static ("<x/>", 4);
  g_autoptr (GBytes) rels = g_bytes_new_static (
    "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
    "<Relationship Id=\"rId1\" "
    "Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" "
    "Target=\"styles.xml\"/>"
    "<Relationship Id=\"rId9\" "
    "Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer\" "
    "Target=\"styles.xml\"/></Relationships>",
    strlen (
      "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
      "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
      "styles\" Target=\"styles.xml\"/>"
      "<Relationship Id=\"rId9\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
      "footer\" Target=\"styles.xml\"/></Relationships>"));

  g_assert_true (kyso_test_docx_sign (in, signed_path, "signer", NULL, &error));
  g_assert_no_error (error);
  kyso_test_docx_replace_part (signed_path, added, "word/extra.xml", extra);
  report = kyso_test_docx_verify (added);
  g_assert_cmpint (kyso_pdf_signature_report_get_status (sig (report, 0)), ==,
                   KYSO_SIGNATURE_STATUS_MODIFIED);
  g_assert_true (reasons_mention (sig (report, 0), "word/extra.xml"));

  /* A relationship added to a covered relationships part. */
  kyso_test_docx_replace_part (signed_path, linked, "word/_rels/document.xml.rels", rels);
  report2 = kyso_test_docx_verify (linked);
  g_assert_cmpint (kyso_pdf_signature_report_get_status (sig (report2, 0)), ==,
                   KYSO_SIGNATURE_STATUS_MODIFIED);
}

static void
test_forged_value (void)
{
  g_autofree char *in = minimal_docx ("forge.docx", "Giả");
  g_autofree char *signed_path = tmp_path ("forge-signed.docx");
  g_autofree char *forged = tmp_path ("forge-forged.docx");
  g_autoptr (GError) error = NULL;
  g_autoptr (KysoPdfVerifyReport) report = NULL;
  g_autoptr (KysoOoxmlPackage) package = NULL;
  g_autoptr (GBytes) edited = NULL;
  g_autofree char *text = NULL;
  char *value = NULL;

  g_assert_true (kyso_test_docx_sign (in, signed_path, "signer", NULL, &error));
  package = kyso_ooxml_package_open (signed_path, NULL, &error);
  g_assert_no_error (error);
  text = g_strndup (g_bytes_get_data (kyso_ooxml_package_get_part (package, "_xmlsignatures/sig1.xml"), NULL),
                    g_bytes_get_size (kyso_ooxml_package_get_part (package, "_xmlsignatures/sig1.xml")));
  value = strstr (text, "<SignatureValue>");
  g_assert_nonnull (value);
  value += strlen ("<SignatureValue>") + 5;
  *value = *value == 'A' ? 'B' : 'A';
  edited = g_bytes_new (text, strlen (text));
  kyso_test_docx_replace_part (signed_path, forged, "_xmlsignatures/sig1.xml", edited);
  report = kyso_test_docx_verify (forged);
  g_assert_false (kyso_pdf_signature_report_get_integrity (sig (report, 0)));
  g_assert_cmpint (kyso_pdf_signature_report_get_status (sig (report, 0)), ==, KYSO_SIGNATURE_STATUS_INVALID);
}

static void
test_untrusted (void)
{
  g_autofree char *in = minimal_docx ("untrusted.docx", "x");
  g_autofree char *out = tmp_path ("untrusted-signed.docx");
  g_autoptr (GError) error = NULL;
  g_autoptr (KysoPdfVerifyReport) report = NULL;
  KysoTrustOptions trust = { .offline = TRUE };

  g_assert_true (kyso_test_docx_sign (in, out, "signer", NULL, &error));
  report = kyso_ooxml_verify (out, &trust, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (kyso_pdf_signature_report_get_status (sig (report, 0)), ==,
                   KYSO_SIGNATURE_STATUS_VALID_UNTRUSTED);
}

/* Every signature of the corpus (Office 2007, 2010, XAdES-X-L, two signers) reads as intact;
 * their roots are not trusted here. Kyso then signs each of them again and every earlier
 * signature stays intact. */
static void
test_corpus (void)
{
  const char *files[] = {
    "hello-world-signed.docx",
    "hello-world-signed-twice.docx",
    "ms-office-2010-signed.docx",
    "Office2010-SP1-XAdES-X-L.docx",
    "signed.docx",
    "hyperlink-example-signed.docx",
    "hello-world-office-2010-technical-preview.docx",
  };
  guint checked = 0;

  for (guint f = 0; f < G_N_ELEMENTS (files); f++)
    {
      g_autofree char *path = kyso_test_ooxml_corpus (files[f]);
      g_autofree char *out = NULL;
      g_autoptr (KysoPdfVerifyReport) report = NULL;
      g_autoptr (KysoPdfVerifyReport) after = NULL;
      g_autoptr (GError) error = NULL;
      guint n = 0;

      if (path == NULL)
        continue;
      report = kyso_test_docx_verify (path);
      n = kyso_pdf_verify_report_get_n_signatures (report);
      g_assert_cmpuint (n, >=, 1);
      for (guint i = 0; i < n; i++)
        {
          KysoPdfSignatureReport *s = sig (report, i);

          if (g_test_verbose ())
            for (const char *const *r = kyso_pdf_signature_report_get_reasons (s); *r != NULL; r++)
              g_printerr ("%s #%u: %s\n", files[f], i, *r);
          g_assert_true (kyso_pdf_signature_report_get_integrity (s));
          g_assert_cmpint (kyso_pdf_signature_report_get_status (s), ==,
                           KYSO_SIGNATURE_STATUS_VALID_UNTRUSTED);
          g_assert_nonnull (kyso_pdf_signature_report_get_signer (s));
        }

      out = tmp_path (files[f]);
      g_assert_true (kyso_test_docx_sign (path, out, "signer", NULL, &error));
      g_assert_no_error (error);
      after = kyso_test_docx_verify (out);
      g_assert_cmpuint (kyso_pdf_verify_report_get_n_signatures (after), ==, n + 1);
      for (guint i = 0; i < n; i++)
        g_assert_cmpint (kyso_pdf_signature_report_get_status (sig (after, i)), ==,
                         KYSO_SIGNATURE_STATUS_VALID_UNTRUSTED);
      g_assert_cmpint (kyso_pdf_signature_report_get_status (sig (after, n)), ==,
                       KYSO_SIGNATURE_STATUS_VALID);
      checked++;
    }
  if (checked == 0)
    g_test_skip ("the OOXML corpus is not there");
}

/* Readers disagree on this one (see the corpus README): its SignatureValue does not verify over
 * the canonical SignedInfo that inherits the root's xmlns:mdssi. Kyso says it is broken, and
 * signing it again keeps that verdict and adds a valid signature. */
static void
test_corpus_pretty_printed (void)
{
  g_autofree char *path = kyso_test_ooxml_corpus ("office2007prettyPrintedRels.docx");
  g_autofree char *out = tmp_path ("pretty-resigned.docx");
  g_autoptr (KysoPdfVerifyReport) report = NULL;
  g_autoptr (KysoPdfVerifyReport) after = NULL;
  g_autoptr (GError) error = NULL;

  if (path == NULL)
    {
      g_test_skip ("the OOXML corpus is not there");
      return;
    }
  report = kyso_test_docx_verify (path);
  g_assert_cmpuint (kyso_pdf_verify_report_get_n_signatures (report), ==, 1);
  g_assert_cmpint (kyso_pdf_signature_report_get_status (sig (report, 0)), ==, KYSO_SIGNATURE_STATUS_INVALID);
  g_assert_true (kyso_test_docx_sign (path, out, "signer", NULL, &error));
  g_assert_no_error (error);
  after = kyso_test_docx_verify (out);
  g_assert_cmpint (kyso_pdf_signature_report_get_status (sig (after, 0)), ==, KYSO_SIGNATURE_STATUS_INVALID);
  g_assert_cmpint (kyso_pdf_signature_report_get_status (sig (after, 1)), ==, KYSO_SIGNATURE_STATUS_VALID);
}

static void
test_unsigned_document (void)
{
  g_autofree char *in = minimal_docx ("plain.docx", "x");
  g_autoptr (KysoPdfVerifyReport) report = kyso_test_docx_verify (in);

  g_assert_cmpuint (kyso_pdf_verify_report_get_n_signatures (report), ==, 0);
  g_assert_cmpint (kyso_pdf_verify_report_get_status (report), ==, KYSO_SIGNATURE_STATUS_INVALID);
}

/* `kyso-cli verify` reads a DOCX like a PDF: exit 0 and the signer for a valid signature, 1
 * when the document changed, 3 for a package it cannot read. */
static int
kyso_test_run_status (const char *const *argv)
{
  g_autoptr (GError) error = NULL;
  int status = 0;

  g_spawn_sync (NULL, (char **)argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL, NULL,
                NULL, NULL, NULL, &status, &error);
  g_assert_no_error (error);
  return WIFEXITED (status) ? WEXITSTATUS (status) : -1;
}

static int
run_cli (char **out, const char *path)
{
  g_autofree char *root = kyso_test_pki_path ("root/root.pem");
  const char *argv[]
    = { g_getenv ("KYSO_CLI"), "verify", "--offline", "--no-system-trust", "--trust", root, path, NULL };
  g_autoptr (GError) error = NULL;
  int status = 0;

  g_spawn_sync (NULL, (char **)argv, NULL, G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, out, NULL, &status,
                &error);
  g_assert_no_error (error);
  return WIFEXITED (status) ? WEXITSTATUS (status) : -1;
}

static void
test_cli_verify (void)
{
  g_autofree char *in = minimal_docx ("cli.docx", "Số tiền: 100");
  g_autofree char *signed_path = tmp_path ("cli-signed.docx");
  g_autofree char *changed = tmp_path ("cli-changed.docx");
  g_autofree char *junk = tmp_path ("cli-junk.docx");
  g_autofree char *out = NULL;
  g_autofree char *out2 = NULL;
  g_autofree char *out3 = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) edited = NULL;
  g_autoptr (KysoOoxmlPackage) package = NULL;
  g_autofree char *copy = NULL;
  gsize len = 0;

  if (g_getenv ("KYSO_CLI") == NULL)
    {
      g_test_skip ("KYSO_CLI is not set");
      return;
    }
  g_assert_true (kyso_test_docx_sign (in, signed_path, "signer", NULL, &error));
  g_assert_cmpint (run_cli (&out, signed_path), ==, 0);
  g_assert_nonnull (strstr (out, "Nguyễn Văn An"));
  g_assert_nonnull (strstr (out, "/_xmlsignatures/sig1.xml"));

  package = kyso_ooxml_package_open (signed_path, NULL, &error);
  g_assert_no_error (error);
  len = g_bytes_get_size (kyso_ooxml_package_get_part (package, "word/document.xml"));
  copy = g_malloc0 (len + 1);
  memcpy (copy, g_bytes_get_data (kyso_ooxml_package_get_part (package, "word/document.xml"), NULL), len);
  strstr (copy, "100")[0] = '9';
  edited = g_bytes_new (copy, len);
  kyso_test_docx_replace_part (signed_path, changed, "word/document.xml", edited);
  g_assert_cmpint (run_cli (&out2, changed), ==, 1);
  g_assert_nonnull (strstr (out2, "word/document.xml"));

  g_file_set_contents (junk, "PK\3\4 not really a zip", -1, &error);
  g_assert_no_error (error);
  g_assert_cmpint (run_cli (&out3, junk), ==, 3);
}

/* `kyso-cli sign` signs a DOCX with a PKCS#12 file: 0 and a valid signature; a remote signer is
 * refused for a DOCX (2), a broken package is the input's fault (3). */
static void
test_cli_sign (void)
{
  g_autofree char *p12 = kyso_test_pki_path ("signer.p12");
  g_autofree char *in = minimal_docx ("cli-sign.docx", "Ký bằng dòng lệnh");
  g_autofree char *out = tmp_path ("cli-sign-signed.docx");
  g_autofree char *junk = tmp_path ("cli-sign-junk.docx");
  g_autofree char *junk_out = tmp_path ("cli-sign-junk-signed.docx");
  g_autoptr (KysoPdfVerifyReport) report = NULL;
  g_autoptr (GError) error = NULL;
  const char *cli = g_getenv ("KYSO_CLI");
  int status = 0;

  if (cli == NULL)
    {
      g_test_skip ("KYSO_CLI is not set");
      return;
    }
  g_setenv ("KYSO_TEST_P12_PASS", "secret-pass", TRUE);
  status
    = kyso_test_run_status ((const char *[]){ cli, "sign", "--p12", p12, "--p12-pass-env",
                                              "KYSO_TEST_P12_PASS", "--reason", "Tờ khai", in, out, NULL });
  g_assert_cmpint (status, ==, 0);
  report = kyso_test_docx_verify (out);
  g_assert_cmpint (kyso_pdf_signature_report_get_status (sig (report, 0)), ==, KYSO_SIGNATURE_STATUS_VALID);

  status = kyso_test_run_status ((const char *[]){ cli, "sign", "--neac", in, out, NULL });
  g_assert_cmpint (status, ==, 2);

  g_file_set_contents (junk, "PK\3\4 not really a zip", -1, &error);
  g_assert_no_error (error);
  g_setenv ("KYSO_TEST_P12_PASS", "secret-pass", TRUE);
  status = kyso_test_run_status ((const char *[]){ cli, "sign", "--p12", p12, "--p12-pass-env",
                                                   "KYSO_TEST_P12_PASS", junk, junk_out, NULL });
  g_assert_cmpint (status, ==, 3);
  g_assert_false (g_file_test (junk_out, G_FILE_TEST_EXISTS));
}

static void
on_ready (GObject *source, GAsyncResult *result, gpointer data)
{
  *(GAsyncResult **)data = g_object_ref (result);
}

static GAsyncResult *
wait_result (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *slot;
}

/* The PDF verifier's trust and worker thread for a DOCX (what the history panel calls). */
static void
test_verifier_async (void)
{
  g_autofree char *root = kyso_test_pki_path ("root/root.pem");
  g_autofree char *in = minimal_docx ("panel.docx", "Lịch sử ký");
  g_autofree char *out = tmp_path ("panel-signed.docx");
  g_autofree char *junk = tmp_path ("panel-junk.docx");
  g_autoptr (KysoPdfVerifier) verifier = kyso_pdf_verifier_new ();
  g_autoptr (GFile) file = g_file_new_for_path (out);
  g_autoptr (GFile) junk_file = g_file_new_for_path (junk);
  g_autoptr (GAsyncResult) r1 = NULL;
  g_autoptr (GAsyncResult) r2 = NULL;
  g_autoptr (KysoPdfVerifyReport) report = NULL;
  g_autoptr (KysoPdfVerifyReport) none = NULL;
  g_autoptr (GError) error = NULL;

  g_assert_true (kyso_test_docx_sign (in, out, "signer", NULL, &error));
  kyso_pdf_verifier_add_trust_file (verifier, root);
  kyso_pdf_verifier_set_offline (verifier, TRUE);
  kyso_pdf_verifier_set_use_bundled_trust (verifier, FALSE);
  kyso_pdf_verifier_verify_other_async (verifier, kyso_ooxml_verify, file, NULL, on_ready, &r1);
  report = kyso_pdf_verifier_verify_other_finish (verifier, wait_result (&r1), &error);
  g_assert_no_error (error);
  g_assert_cmpint (kyso_pdf_verify_report_get_status (report), ==, KYSO_SIGNATURE_STATUS_VALID);

  g_assert_true (g_file_set_contents (junk, "PK\3\4 junk", -1, NULL));
  kyso_pdf_verifier_verify_other_async (verifier, kyso_ooxml_verify, junk_file, NULL, on_ready, &r2);
  none = kyso_pdf_verifier_verify_other_finish (verifier, wait_result (&r2), &error);
  g_assert_null (none);
  g_assert_error (error, KYSO_ERROR, KYSO_ERROR_BROKEN_FILE);
}

/* prepare/complete through their _async faces with a real KysoSigner (the PKCS#12 file). */
static void
test_async_with_p12 (void)
{
  g_autofree char *p12 = kyso_test_pki_path ("signer.p12");
  g_autofree char *in = minimal_docx ("async.docx", "Bất đồng bộ");
  g_autofree char *out = tmp_path ("async-signed.docx");
  g_autoptr (GError) error = NULL;
  g_autoptr (KysoSigner) signer = kyso_p12_signer_new (p12, "secret-pass", &error);
  const KysoSignerCredential *cred = NULL;
  g_autoptr (KysoOoxmlSignSession) session = kyso_ooxml_sign_session_new (in, out, NULL);
  g_autoptr (GAsyncResult) r1 = NULL;
  g_autoptr (GAsyncResult) r2 = NULL;
  g_autoptr (GAsyncResult) r3 = NULL;
  g_autoptr (GBytes) digest = NULL;
  g_autoptr (GPtrArray) digests = g_ptr_array_new_with_free_func ((GDestroyNotify)g_bytes_unref);
  g_autoptr (GPtrArray) sigs = NULL;
  g_autoptr (KysoPdfVerifyReport) report = NULL;
  KysoSignRequest request = { .credential_id = KYSO_P12_CREDENTIAL_ID, .description = "docx" };

  g_assert_no_error (error);
  cred = kyso_p12_signer_get_credential (KYSO_P12_SIGNER (signer));
  kyso_ooxml_sign_session_prepare_async (session, cred->chain, NULL, on_ready, &r1);
  digest = kyso_ooxml_sign_session_prepare_finish (session, wait_result (&r1), &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (digest, kyso_ooxml_sign_session_get_digest_to_sign (session)));
  g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));

  g_ptr_array_add (digests, g_bytes_ref (digest));
  kyso_signer_sign_digests_async (signer, digests, &request, NULL, NULL, NULL, on_ready, &r2);
  sigs = kyso_signer_sign_digests_finish (signer, wait_result (&r2), &error);
  g_assert_no_error (error);

  kyso_ooxml_sign_session_complete_async (session, g_ptr_array_index (sigs, 0), NULL, on_ready, &r3);
  g_assert_true (kyso_ooxml_sign_session_complete_finish (session, wait_result (&r3), &error));
  g_assert_no_error (error);
  g_assert_true (kyso_ooxml_sign_session_is_completed (session));
  report = kyso_test_docx_verify (out);
  g_assert_cmpint (kyso_pdf_signature_report_get_status (sig (report, 0)), ==, KYSO_SIGNATURE_STATUS_VALID);
}

/* The whole sequence over a KysoSigner in one call; an unknown certificate id is refused. */
static void
test_with_signer (void)
{
  g_autofree char *p12 = kyso_test_pki_path ("signer.p12");
  g_autofree char *in = minimal_docx ("with-signer.docx", "Một lần");
  g_autofree char *out = tmp_path ("with-signer-signed.docx");
  g_autofree char *out2 = tmp_path ("with-signer-none.docx");
  g_autoptr (GError) error = NULL;
  g_autoptr (KysoSigner) signer = kyso_p12_signer_new (p12, "secret-pass", &error);
  g_autoptr (KysoOoxmlSignSession) session = kyso_ooxml_sign_session_new (in, out, NULL);
  g_autoptr (KysoOoxmlSignSession) wrong = kyso_ooxml_sign_session_new (in, out2, NULL);
  g_autoptr (GAsyncResult) r1 = NULL;
  g_autoptr (GAsyncResult) r2 = NULL;
  g_autoptr (KysoPdfVerifyReport) report = NULL;

  g_assert_no_error (error);
  kyso_ooxml_sign_session_sign_with_signer_async (session, signer, NULL, NULL, NULL, NULL, on_ready, &r1);
  g_assert_true (kyso_ooxml_sign_session_sign_with_signer_finish (session, wait_result (&r1), &error));
  g_assert_no_error (error);
  report = kyso_test_docx_verify (out);
  g_assert_cmpint (kyso_pdf_signature_report_get_status (sig (report, 0)), ==, KYSO_SIGNATURE_STATUS_VALID);

  kyso_ooxml_sign_session_sign_with_signer_async (wrong, signer, "no-such-certificate", NULL, NULL, NULL,
                                                  on_ready, &r2);
  g_assert_false (kyso_ooxml_sign_session_sign_with_signer_finish (wrong, wait_result (&r2), &error));
  g_assert_error (error, KYSO_ERROR, KYSO_ERROR_CERTIFICATE);
  g_assert_false (g_file_test (out2, G_FILE_TEST_EXISTS));
}

static void
test_async_errors (void)
{
  g_autofree char *missing = tmp_path ("does-not-exist.docx");
  g_autofree char *in = minimal_docx ("errors.docx", "x");
  g_autofree char *out = tmp_path ("errors-signed.docx");
  g_autoptr (GPtrArray) chain = kyso_test_pki_chain ("signer");
  g_autoptr (KysoOoxmlSignSession) bad = kyso_ooxml_sign_session_new (missing, out, NULL);
  g_autoptr (KysoOoxmlSignSession) session = kyso_ooxml_sign_session_new (in, out, NULL);
  g_autoptr (GAsyncResult) r1 = NULL;
  g_autoptr (GAsyncResult) r2 = NULL;
  g_autoptr (GAsyncResult) r3 = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) digest = NULL;
  g_autoptr (GBytes) junk = g_bytes_new_static ("not a signature", 15);

  kyso_ooxml_sign_session_prepare_async (bad, chain, NULL, on_ready, &r1);
  g_assert_null (kyso_ooxml_sign_session_prepare_finish (bad, wait_result (&r1), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* Complete before prepare. */
  kyso_ooxml_sign_session_complete_async (session, junk, NULL, on_ready, &r2);
  g_assert_false (kyso_ooxml_sign_session_complete_finish (session, wait_result (&r2), &error));
  g_assert_error (error, KYSO_ERROR, KYSO_ERROR_INVALID_INPUT);
  g_clear_error (&error);

  digest = kyso_ooxml_sign_session_prepare (session, chain, NULL, &error);
  g_assert_no_error (error);
  kyso_ooxml_sign_session_complete_async (session, junk, NULL, on_ready, &r3);
  g_assert_false (kyso_ooxml_sign_session_complete_finish (session, wait_result (&r3), &error));
  g_assert_error (error, KYSO_ERROR, KYSO_ERROR_BAD_SIGNATURE);
  g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));
  g_clear_error (&error);

  /* A second prepare is refused; abort forgets. */
  g_assert_null (kyso_ooxml_sign_session_prepare (session, chain, NULL, &error));
  g_assert_error (error, KYSO_ERROR, KYSO_ERROR_INVALID_INPUT);
  kyso_ooxml_sign_session_abort (session);
  g_assert_null (kyso_ooxml_sign_session_get_digest_to_sign (session));
}

int
main (int argc, char **argv)
{
  int ret = 0;

  g_test_init (&argc, &argv, NULL);
  kyso_test_pki_get ();
  g_test_add_func ("/ooxml/sign/minimal", test_sign_minimal);
  g_test_add_func ("/ooxml/sign/twice", test_sign_twice);
  g_test_add_func ("/ooxml/sign/timestamp", test_sign_with_timestamp);
  g_test_add_func ("/ooxml/sign/timestamp-refused", test_timestamp_refused);
  g_test_add_func ("/ooxml/sign/async-p12", test_async_with_p12);
  g_test_add_func ("/ooxml/sign/async-errors", test_async_errors);
  g_test_add_func ("/ooxml/sign/with-signer", test_with_signer);
  g_test_add_func ("/ooxml/verify/changed-byte", test_changed_byte);
  g_test_add_func ("/ooxml/verify/added-part", test_added_part);
  g_test_add_func ("/ooxml/verify/forged-value", test_forged_value);
  g_test_add_func ("/ooxml/verify/untrusted", test_untrusted);
  g_test_add_func ("/ooxml/verify/unsigned", test_unsigned_document);
  g_test_add_func ("/ooxml/verify/corpus", test_corpus);
  g_test_add_func ("/ooxml/verify/cli", test_cli_verify);
  g_test_add_func ("/ooxml/verify/verifier-async", test_verifier_async);
  g_test_add_func ("/ooxml/sign/cli", test_cli_sign);
  g_test_add_func ("/ooxml/verify/corpus-pretty-printed", test_corpus_pretty_printed);
  ret = g_test_run ();
  kyso_test_pki_cleanup ();
  return ret;
}
