/* Legacy .doc files: recognised, converted to PDF by LibreOffice headless only with the citizen's
 * consent (without it nothing runs), a plain error when LibreOffice is absent or the file is
 * damaged, nothing half-written. The conversions need LibreOffice (skipped without it). */
#include "config.h"

#include "kyso-error.h"
#include "kyso-office-convert.h"
#include "ooxml-test-util.h"

#include <poppler.h>
#include <string.h>

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PopplerDocument, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PopplerPage, g_object_unref)

static char *dir;

static char *
path_in (const char *name)
{
  return g_build_filename (dir, name, NULL);
}

static void
on_ready (GObject *source, GAsyncResult *result, gpointer data)
{
  *(GAsyncResult **)data = g_object_ref (result);
}

static gboolean
convert (const char *in, const char *out, gboolean agreed, GError **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  kyso_office_convert_to_pdf_async (in, out, agreed, NULL, on_ready, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  return kyso_office_convert_to_pdf_finish (result, error);
}

static char *
make_doc (void)
{
  g_autofree char *docx = path_in ("form.docx");
  g_autoptr (GBytes) minimal = kyso_test_docx_minimal ("Giấy khai sinh 2026");
  g_autofree char *soffice = kyso_office_find_converter ();
  g_autofree char *profile = path_in ("lo-profile");
  g_autofree char *profile_uri = g_filename_to_uri (profile, NULL, NULL);
  g_autofree char *env_arg = g_strdup_printf ("-env:UserInstallation=%s", profile_uri);
  const char *argv[]
    = { soffice, "--headless", "--norestore", env_arg, "--convert-to", "doc", "--outdir", dir, docx, NULL };
  g_autoptr (GError) error = NULL;
  int status = 0;

  kyso_test_write_bytes (docx, minimal);
  g_spawn_sync (NULL, (char **)argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL, NULL,
                NULL, NULL, NULL, &status, &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  return path_in ("form.doc");
}

static void
test_legacy_detect (void)
{
  g_autofree char *ole = path_in ("old.doc");
  g_autofree char *docx = path_in ("new.docx");
  g_autoptr (GBytes) minimal = kyso_test_docx_minimal ("x");

  g_assert_true (g_file_set_contents (ole, "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1 rest", -1, NULL));
  kyso_test_write_bytes (docx, minimal);
  g_assert_true (kyso_office_is_legacy_document (ole));
  g_assert_false (kyso_office_is_legacy_document (docx));
  g_assert_false (kyso_office_is_legacy_document (dir));
}

/* Without the citizen's consent nothing runs and nothing is written. */
static void
test_no_consent (void)
{
  g_autofree char *ole = path_in ("old.doc");
  g_autofree char *out = path_in ("old-no.pdf");
  g_autoptr (GError) error = NULL;

  g_assert_true (g_file_set_contents (ole, "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1 rest", -1, NULL));
  g_assert_false (convert (ole, out, FALSE, &error));
  g_assert_error (error, KYSO_ERROR, KYSO_ERROR_INVALID_INPUT);
  g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));
}

static void
test_not_installed (void)
{
  g_autofree char *ole = path_in ("old.doc");
  g_autofree char *out = path_in ("old-none.pdf");
  g_autofree char *empty = path_in ("empty-path");
  g_autofree char *saved = g_strdup (g_getenv ("PATH"));
  g_autoptr (GError) error = NULL;
  gboolean ok = FALSE;

  g_assert_true (g_file_set_contents (ole, "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1 rest", -1, NULL));
  g_mkdir_with_parents (empty, 0700);
  g_setenv ("PATH", empty, TRUE);
  ok = kyso_office_convert_to_pdf (ole, out, TRUE, NULL, &error);
  g_setenv ("PATH", saved, TRUE);
  g_assert_false (ok);
  g_assert_error (error, KYSO_ERROR, KYSO_ERROR_UNSUPPORTED);
  g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));
}

static void
test_convert (void)
{
  g_autofree char *soffice = kyso_office_find_converter ();
  g_autofree char *doc = NULL;
  g_autofree char *out = path_in ("form.pdf");
  g_autofree char *uri = NULL;
  g_autofree char *text = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (PopplerDocument) pdf = NULL;
  g_autoptr (PopplerPage) page = NULL;

  if (soffice == NULL)
    {
      g_test_skip ("LibreOffice is not installed");
      return;
    }
  doc = make_doc ();
  g_assert_true (kyso_office_is_legacy_document (doc));
  g_assert_true (convert (doc, out, TRUE, &error));
  g_assert_no_error (error);
  uri = g_filename_to_uri (out, NULL, NULL);
  pdf = poppler_document_new_from_file (uri, NULL, &error);
  g_assert_no_error (error);
  page = poppler_document_get_page (pdf, 0);
  text = poppler_page_get_text (page);
  g_assert_nonnull (strstr (text, "Giấy khai sinh 2026"));
}

static void
test_convert_damaged (void)
{
  g_autofree char *soffice = kyso_office_find_converter ();
  g_autofree char *bad = path_in ("bad.doc");
  g_autofree char *out = path_in ("bad.pdf");
  g_autoptr (GError) error = NULL;

  if (soffice == NULL)
    {
      g_test_skip ("LibreOffice is not installed");
      return;
    }
  g_assert_true (
    g_file_set_contents (bad, "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1 damaged beyond reading", -1, NULL));
  g_assert_false (kyso_office_convert_to_pdf (bad, out, TRUE, NULL, &error));
  g_assert_error (error, KYSO_ERROR, KYSO_ERROR_BROKEN_FILE);
  g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  dir = g_dir_make_tmp ("kyso-convert-test-XXXXXX", NULL);
  g_test_add_func ("/office/legacy-detect", test_legacy_detect);
  g_test_add_func ("/office/no-consent", test_no_consent);
  g_test_add_func ("/office/not-installed", test_not_installed);
  /* The conversions start LibreOffice three times: only in the interop suite, which sets this. */
  if (g_getenv ("KYSO_TEST_LIBREOFFICE") != NULL)
    {
      g_test_add_func ("/office/libreoffice/convert", test_convert);
      g_test_add_func ("/office/libreoffice/convert-damaged", test_convert_damaged);
    }
  return g_test_run ();
}
