/* libFuzzer harness for Word documents: the package reader under its bounds (ZIP, names, sizes),
 * then what the verifier reads from it (relationships, content types, every signature part's
 * XML, canonicalisation, the relationship transform, the certificates), offline. Built with
 * -Dfuzzing=true (clang); the same entry point also runs over the OOXML corpus in normal builds
 * (fuzz-replay.c), under the sanitizers. */
#include "kyso-ooxml-package.h"
#include "kyso-ooxml-verify.h"

#include <stdint.h>

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr (GBytes) bytes = g_bytes_new (data, size);
  g_autoptr (KysoOoxmlPackage) package = kyso_ooxml_package_open_bytes (bytes, NULL);
  g_autoptr (KysoPdfVerifyReport) report = NULL;
  g_autoptr (GBytes) again = NULL;
  g_autofree char *json = NULL;

  if (package == NULL)
    return 0;
  for (const char *const *n = kyso_ooxml_package_get_names (package); *n != NULL; n++)
    {
      g_autofree char *ct = kyso_ooxml_package_dup_content_type (package, *n);

      g_assert (kyso_ooxml_package_get_part (package, *n) != NULL);
      (void)ct;
    }
  /* What was read writes out again and reads back the same. */
  if (kyso_ooxml_package_get_n_parts (package) < 64)
    {
      g_autoptr (KysoOoxmlPackage) back = NULL;

      again = kyso_ooxml_package_to_bytes (package, NULL);
      g_assert (again != NULL);
      back = kyso_ooxml_package_open_bytes (again, NULL);
      g_assert (back != NULL);
      g_assert (kyso_ooxml_package_get_n_parts (back) == kyso_ooxml_package_get_n_parts (package));
    }
  report = kyso_ooxml_verify_bytes (bytes, NULL, NULL, NULL);
  if (report != NULL)
    {
      json = kyso_pdf_verify_report_to_json (report);
      g_assert (json != NULL);
    }
  return 0;
}
