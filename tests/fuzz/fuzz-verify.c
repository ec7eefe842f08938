/* libFuzzer harness for the verification paths: signature field enumeration, /ByteRange and
 * /Contents checks, the revision-by-revision object diff, DocMDP, the range hasher and the CMS
 * checks, all on hostile bytes. Offline and without the system store, so that each input costs
 * only its own parsing. Seeds: the signed files of the corpus. */
#include "config.h"

#include "kyso-pdf-verify.h"

#include <stdint.h>

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  static KysoPdfVerifier *verifier;
  g_autoptr(GBytes) bytes = g_bytes_new_static (data, size);
  g_autoptr(KysoPdfVerifyReport) report = NULL;

  if (verifier == NULL)
    {
      verifier = kyso_pdf_verifier_new ();
      kyso_pdf_verifier_set_use_bundled_trust (verifier, FALSE);
      kyso_pdf_verifier_set_offline (verifier, TRUE);
    }
  report = kyso_pdf_verifier_verify_bytes (verifier, bytes, NULL, NULL);
  if (report != NULL)
    {
      /* Walk everything a caller would read, so that bad state shows up here. */
      g_autofree char *json = kyso_pdf_verify_report_to_json (report);
      for (guint i = 0; i < kyso_pdf_verify_report_get_n_signatures (report); i++)
        {
          KysoPdfSignatureReport *s = kyso_pdf_verify_report_get_signature (report, i);
          for (const char *const *r = kyso_pdf_signature_report_get_reasons (s); *r != NULL; r++)
            g_assert (g_utf8_validate (*r, -1, NULL));
        }
      g_assert (json != NULL && g_utf8_validate (json, -1, NULL));
    }
  return 0;
}
