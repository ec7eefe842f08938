#include "config.h"

#include "ooxml-test-util.h"
#include "kyso-ooxml-package.h"
#include "kyso-ooxml-sign-session.h"
#include "kyso-ooxml-verify.h"
#include "kyso-test-pki.h"

#include <zip.h>

struct _KysoTestZip
{
  zip_source_t *src;
  zip_t *za;
  GPtrArray *keep;
};

KysoTestZip *
kyso_test_zip_new (void)
{
  KysoTestZip *zip = g_new0 (KysoTestZip, 1);
  zip_error_t zerr;

  zip_error_init (&zerr);
  zip->src = zip_source_buffer_create (NULL, 0, 0, &zerr);
  g_assert_nonnull (zip->src);
  zip->za = zip_open_from_source (zip->src, ZIP_TRUNCATE, &zerr);
  g_assert_nonnull (zip->za);
  zip_source_keep (zip->src);
  zip->keep = g_ptr_array_new_with_free_func (g_free);
  zip_error_fini (&zerr);
  return zip;
}

void
kyso_test_zip_add (KysoTestZip *zip, const char *name, const void *data, gsize len, gboolean store)
{
  void *copy = g_memdup2 (data, len);
  zip_source_t *s = zip_source_buffer (zip->za, copy, len, 0);
  zip_int64_t idx = zip_file_add (zip->za, name, s, ZIP_FL_ENC_UTF_8);

  g_assert_cmpint (idx, >=, 0);
  g_ptr_array_add (zip->keep, copy);
  zip_set_file_compression (zip->za, (zip_uint64_t)idx, store ? ZIP_CM_STORE : ZIP_CM_DEFLATE, 9);
}

void
kyso_test_zip_add_text (KysoTestZip *zip, const char *name, const char *text)
{
  kyso_test_zip_add (zip, name, text, strlen (text), FALSE);
}

GBytes *
kyso_test_zip_finish (KysoTestZip *zip)
{
  zip_stat_t st;
  guint8 *buf = NULL;
  zip_int64_t n = 0;

  g_assert_cmpint (zip_close (zip->za), ==, 0);
  zip_stat_init (&st);
  g_assert_cmpint (zip_source_stat (zip->src, &st), ==, 0);
  g_assert_cmpint (zip_source_open (zip->src), ==, 0);
  buf = g_malloc (st.size);
  n = zip_source_read (zip->src, buf, st.size);
  g_assert_cmpint (n, ==, (zip_int64_t)st.size);
  zip_source_close (zip->src);
  zip_source_free (zip->src);
  g_ptr_array_unref (zip->keep);
  g_free (zip);
  return g_bytes_new_take (buf, st.size);
}

GBytes *
kyso_test_docx_minimal (const char *text)
{
  KysoTestZip *zip = kyso_test_zip_new ();
  g_autofree char *doc = g_strdup_printf (
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
    "<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body><w:p><w:r>"
    "<w:t>%s</w:t></w:r></w:p></w:body></w:document>",
    text);

  kyso_test_zip_add_text (
    zip, "[Content_Types].xml",
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
    "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
    "<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
    "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
    "<Override PartName=\"/word/document.xml\" "
    "ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/>"
    "<Override PartName=\"/word/styles.xml\" "
    "ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml\"/>"
    "<Override PartName=\"/docProps/core.xml\" "
    "ContentType=\"application/vnd.openxmlformats-package.core-properties+xml\"/></Types>");
  kyso_test_zip_add_text (
    zip, "_rels/.rels",
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
    "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
    "<Relationship Id=\"rId1\" "
    "Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" "
    "Target=\"word/document.xml\"/>"
    "<Relationship Id=\"rId2\" "
    "Type=\"http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties\" "
    "Target=\"docProps/core.xml\"/></Relationships>");
  kyso_test_zip_add_text (zip, "word/document.xml", doc);
  kyso_test_zip_add_text (
    zip, "word/_rels/document.xml.rels",
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
    "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
    "<Relationship Id=\"rId1\" "
    "Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" "
    "Target=\"styles.xml\"/></Relationships>");
  kyso_test_zip_add_text (
    zip, "word/styles.xml",
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
    "<w:styles xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"/>");
  kyso_test_zip_add_text (
    zip, "docProps/core.xml",
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
    "<cp:coreProperties xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\" "
    "xmlns:dc=\"http://purl.org/dc/elements/1.1/\"><dc:title>Tờ khai</dc:title></cp:coreProperties>");
  return kyso_test_zip_finish (zip);
}

void
kyso_test_write_bytes (const char *path, GBytes *bytes)
{
  g_autoptr (GError) error = NULL;
  gsize len = 0;
  const char *data = g_bytes_get_data (bytes, &len);

  g_file_set_contents (path, data, (gssize)len, &error);
  g_assert_no_error (error);
}

char *
kyso_test_ooxml_corpus (const char *name)
{
  const char *dir = g_getenv ("KYSO_OOXML_CORPUS_DIR");
  char *path = g_build_filename (dir != NULL ? dir : "", name, NULL);

  if (dir != NULL && g_file_test (path, G_FILE_TEST_IS_REGULAR))
    return path;
  g_free (path);
  return NULL;
}

gboolean
kyso_test_docx_sign (const char *in, const char *out, const char *who, const char *tsa_url, GError **error)
{
  g_autoptr (GPtrArray) chain = kyso_test_pki_chain (who);
  KysoOoxmlSignOptions options = { .comments = "Ký tờ khai", .tsa_url = tsa_url };
  g_autoptr (KysoOoxmlSignSession) session = kyso_ooxml_sign_session_new (in, out, &options);
  g_autoptr (GBytes) digest = kyso_ooxml_sign_session_prepare (session, chain, NULL, error);
  g_autoptr (GBytes) signature = NULL;

  if (digest == NULL)
    return FALSE;
  g_assert_cmpuint (g_bytes_get_size (digest), ==, 32);
  signature = kyso_test_pki_sign_digest (who, digest);
  return kyso_ooxml_sign_session_complete (session, signature, NULL, error);
}

KysoPdfVerifyReport *
kyso_test_docx_verify (const char *path)
{
  g_autofree char *root = kyso_test_pki_path ("root/root.pem");
  const char *files[] = { root, NULL };
  g_autoptr (GPtrArray) extra = g_ptr_array_new_with_free_func ((GDestroyNotify)g_bytes_unref);
  KysoTrustOptions trust = { .files = files, .offline = TRUE, .extra_certs = extra };
  g_autoptr (GError) error = NULL;
  KysoPdfVerifyReport *report = NULL;

  /* The sub CA, as a CA's bundle would hold it: LibreOffice puts only the signer's certificate in
   * its signatures. */
  g_ptr_array_add (extra, kyso_test_pki_cert ("sub/sub"));
  report = kyso_ooxml_verify (path, &trust, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (report);
  return report;
}

void
kyso_test_docx_replace_part (const char *path, const char *out, const char *name, GBytes *data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (KysoOoxmlPackage) package = kyso_ooxml_package_open (path, NULL, &error);

  g_assert_no_error (error);
  g_assert_true (kyso_ooxml_package_set_part (package, name, data, &error));
  g_assert_true (kyso_ooxml_package_write (package, out, &error));
  g_assert_no_error (error);
}
