/* A Word document signed through kyso-sandbox's NEAC gateway (real HTTPS, the phone approving):
 * the same hash signing as a PDF, so the remote signer works unchanged; Kyso then reads the
 * citizen as the signer, the signature intact. */
#include "config.h"

#include "kyso-error.h"
#include "kyso-neac-signer.h"
#include "kyso-ooxml-sign-session.h"
#include "kyso-ooxml-verify.h"
#include "ooxml-test-util.h"
#include "signing-test-util.h"

#define AN "051090000101" /* VNPT-CA, good */

static void
on_ready (GObject *source, GAsyncResult *result, gpointer data)
{
  *(GAsyncResult **)data = g_object_ref (result);
}

static gboolean
sign_docx (KysoSigner *signer, const char *in, const char *out, GError **error)
{
  g_autoptr (KysoOoxmlSignSession) session = kyso_ooxml_sign_session_new (in, out, NULL);
  g_autoptr (GAsyncResult) result = NULL;

  kyso_ooxml_sign_session_sign_with_signer_async (session, signer, NULL, NULL, NULL, NULL, on_ready, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  return kyso_ooxml_sign_session_sign_with_signer_finish (session, result, error);
}

static void
test_neac_docx (void)
{
  SigningSandbox *s = signing_sandbox_get ();
  g_autoptr (GError) error = NULL;
  g_autoptr (KysoNeacSigner) signer = kyso_neac_signer_new (s->config, AN, "VNPT-CA", &error);
  g_autofree char *dir = g_dir_make_tmp ("kyso-ooxml-neac-XXXXXX", NULL);
  g_autofree char *in = g_build_filename (dir, "to-khai.docx", NULL);
  g_autofree char *out = g_build_filename (dir, "to-khai-signed.docx", NULL);
  g_autofree char *refused = g_build_filename (dir, "to-khai-refused.docx", NULL);
  g_autoptr (GBytes) minimal = kyso_test_docx_minimal ("Tờ khai đăng ký khai sinh");
  g_autoptr (KysoPdfVerifyReport) report = NULL;
  KysoPdfSignatureReport *sig = NULL;
  KysoTrustOptions trust = { .offline = TRUE };

  g_assert_no_error (error);
  kyso_neac_signer_set_poll_interval (signer, 300, 600);
  kyso_test_write_bytes (in, minimal);

  signing_sandbox_reset (s, "approve-after=1", 300);
  g_assert_true (sign_docx (KYSO_SIGNER (signer), in, out, &error));
  g_assert_no_error (error);
  report = kyso_ooxml_verify (out, &trust, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (kyso_pdf_verify_report_get_n_signatures (report), ==, 1);
  sig = kyso_pdf_verify_report_get_signature (report, 0);
  g_assert_true (kyso_pdf_signature_report_get_integrity (sig));
  g_assert_cmpstr (kyso_pdf_signature_report_get_national_id (sig), ==, AN);
  g_assert_cmpint (kyso_pdf_signature_report_get_changes_after (sig), ==, KYSO_PDF_CHANGES_NONE);

  /* Refused on the phone: an error, nothing written. */
  signing_sandbox_reset (s, "refuse-after=1", 300);
  g_assert_false (sign_docx (KYSO_SIGNER (signer), in, refused, &error));
  g_assert_error (error, KYSO_ERROR, KYSO_ERROR_REFUSED);
  g_assert_false (g_file_test (refused, G_FILE_TEST_EXISTS));
}

int
main (int argc, char **argv)
{
  int ret = 0;

  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/ooxml/neac/sign", test_neac_docx);
  ret = g_test_run ();
  signing_sandbox_stop ();
  return ret;
}
