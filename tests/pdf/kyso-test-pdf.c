#include "kyso-test-pdf.h"
#include "kyso-p12-signer.h"

#include <glib/gstdio.h>
#include <openssl/cms.h>
#include <stdlib.h>
#include <string.h>

struct _KysoTestPdf
{
  GString *buf;
  GArray *offsets;     /* gint64 per object number, -1 = none */
  guint section_start; /* first object number not yet in a section */
  GArray *section;     /* object numbers added since the last section */
  gint64 last_xref;
  guint size;
};

KysoTestPdf *
kyso_test_pdf_new (const char *version)
{
  KysoTestPdf *pdf = g_new0 (KysoTestPdf, 1);

  pdf->buf = g_string_new (NULL);
  g_string_append_printf (pdf->buf, "%%PDF-%s\n%%\xe2\xe3\xcf\xd3\n", version != NULL ? version : "1.7");
  pdf->offsets = g_array_new (FALSE, FALSE, sizeof (gint64));
  pdf->section = g_array_new (FALSE, FALSE, sizeof (guint));
  pdf->last_xref = -1;
  return pdf;
}

static void
record (KysoTestPdf *pdf, guint num)
{
  gint64 none = -1, off = (gint64)pdf->buf->len;

  while (pdf->offsets->len <= num)
    g_array_append_val (pdf->offsets, none);
  g_array_index (pdf->offsets, gint64, num) = off;
  g_array_append_val (pdf->section, num);
  pdf->size = MAX (pdf->size, num + 1);
}

void
kyso_test_pdf_add (KysoTestPdf *pdf, guint num, const char *body)
{
  record (pdf, num);
  g_string_append_printf (pdf->buf, "%u 0 obj\n%s\nendobj\n", num, body);
}

void
kyso_test_pdf_add_stream (KysoTestPdf *pdf, guint num, const char *dict, const void *data, gsize len)
{
  g_autofree char *d = g_strdup (dict);
  gsize n = strlen (d);

  /* dict is "<< … >>": add /Length before the end. */
  g_assert_true (n >= 4 && d[n - 1] == '>' && d[n - 2] == '>');
  d[n - 2] = 0;
  record (pdf, num);
  g_string_append_printf (pdf->buf, "%u 0 obj\n%s /Length %" G_GSIZE_FORMAT " >>\nstream\n", num, d, len);
  g_string_append_len (pdf->buf, data, (gssize)len);
  g_string_append (pdf->buf, "\nendstream\nendobj\n");
}

void
kyso_test_pdf_append (KysoTestPdf *pdf, const char *text)
{
  g_string_append (pdf->buf, text);
}

gint64
kyso_test_pdf_offset_of (KysoTestPdf *pdf, guint num)
{
  return num < pdf->offsets->len ? g_array_index (pdf->offsets, gint64, num) : -1;
}

gsize
kyso_test_pdf_length (KysoTestPdf *pdf)
{
  return pdf->buf->len;
}

static int
cmp_uint (gconstpointer a, gconstpointer b)
{
  guint x = *(const guint *)a, y = *(const guint *)b;

  return x < y ? -1 : x > y;
}

void
kyso_test_pdf_end_section (KysoTestPdf *pdf, const char *trailer_extra, int startxref_delta)
{
  gint64 xref = (gint64)pdf->buf->len;
  gboolean first = pdf->last_xref < 0;

  g_array_sort (pdf->section, cmp_uint);
  g_string_append (pdf->buf, "xref\n");
  if (first)
    g_string_append (pdf->buf, "0 1\n0000000000 65535 f\r\n");
  for (guint i = 0; i < pdf->section->len;)
    {
      guint j = i + 1;
      while (j < pdf->section->len
             && g_array_index (pdf->section, guint, j) == g_array_index (pdf->section, guint, j - 1) + 1)
        j++;
      g_string_append_printf (pdf->buf, "%u %u\n", g_array_index (pdf->section, guint, i), j - i);
      for (; i < j; i++)
        g_string_append_printf (pdf->buf, "%010" G_GINT64_FORMAT " 00000 n\r\n",
                                kyso_test_pdf_offset_of (pdf, g_array_index (pdf->section, guint, i)));
    }
  g_string_append_printf (pdf->buf, "trailer\n<< /Size %u %s", pdf->size,
                          trailer_extra != NULL ? trailer_extra : "");
  if (!first)
    g_string_append_printf (pdf->buf, " /Prev %" G_GINT64_FORMAT, pdf->last_xref);
  g_string_append_printf (pdf->buf, " >>\nstartxref\n%" G_GINT64_FORMAT "\n%%%%EOF\n",
                          xref + startxref_delta);
  pdf->last_xref = xref;
  g_array_set_size (pdf->section, 0);
}

gint64
kyso_test_pdf_last_xref (KysoTestPdf *pdf)
{
  return pdf->last_xref;
}

GBytes *
kyso_test_pdf_free_to_bytes (KysoTestPdf *pdf)
{
  GBytes *b = g_string_free_to_bytes (pdf->buf);

  g_array_unref (pdf->offsets);
  g_array_unref (pdf->section);
  g_free (pdf);
  return b;
}

void
kyso_test_pdf_write (KysoTestPdf *pdf, const char *path)
{
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, pdf->buf->str, (gssize)pdf->buf->len, &error);
  g_assert_no_error (error);
}

static char *
box (const double b[4])
{
  char n[4][G_ASCII_DTOSTR_BUF_SIZE];

  for (int i = 0; i < 4; i++)
    g_ascii_formatd (n[i], sizeof n[i], "%g", b[i]);
  return g_strdup_printf ("[%s %s %s %s]", n[0], n[1], n[2], n[3]);
}

void
kyso_test_make_document (const char *path, const KysoTestPage *pages, guint n)
{
  KysoTestPdf *pdf = kyso_test_pdf_new ("1.7");
  g_autoptr(GString) kids = g_string_new (NULL);
  guint font = 3 + 2 * n;

  for (guint i = 0; i < n; i++)
    g_string_append_printf (kids, "%u 0 R ", 3 + 2 * i);
  kyso_test_pdf_add (pdf, 1, "<< /Type /Catalog /Pages 2 0 R >>");
  {
    g_autofree char *p = g_strdup_printf ("<< /Type /Pages /Kids [%s] /Count %u >>", kids->str, n);
    kyso_test_pdf_add (pdf, 2, p);
  }
  for (guint i = 0; i < n; i++)
    {
      const KysoTestPage *pg = &pages[i];
      g_autofree char *mb = box (pg->media_box);
      g_autofree char *cb = pg->crop_box[2] > 0 ? box (pg->crop_box) : NULL;
      g_autofree char *crop = cb != NULL ? g_strdup_printf ("/CropBox %s", cb) : g_strdup ("");
      g_autofree char *page
        = g_strdup_printf ("<< /Type /Page /Parent 2 0 R /MediaBox %s %s /Rotate %d /Contents %u 0 R "
                           "/Resources << /Font << /F1 %u 0 R >> >> >>",
                           mb, crop, pg->rotate, 4 + 2 * i, font);
      g_autofree char *content = NULL;
      char x[G_ASCII_DTOSTR_BUF_SIZE], y[G_ASCII_DTOSTR_BUF_SIZE];

      g_ascii_formatd (x, sizeof x, "%g", pg->text_x);
      g_ascii_formatd (y, sizeof y, "%g", pg->text_y);
      content = pg->text != NULL ? g_strdup_printf ("BT /F1 12 Tf %s %s Td (%s) Tj ET", x, y, pg->text)
                                 : g_strdup ("0 0 1 rg 10 10 20 20 re f");
      kyso_test_pdf_add (pdf, 3 + 2 * i, page);
      kyso_test_pdf_add_stream (pdf, 4 + 2 * i, "<< >>", content, strlen (content));
    }
  kyso_test_pdf_add (pdf, font, "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>");
  kyso_test_pdf_end_section (
    pdf, "/Root 1 0 R /ID [<0102030405060708090a0b0c0d0e0f10><0102030405060708090a0b0c0d0e0f10>]", 0);
  kyso_test_pdf_write (pdf, path);
  g_bytes_unref (kyso_test_pdf_free_to_bytes (pdf));
}

void
kyso_test_make_simple (const char *path)
{
  KysoTestPage pages[3] = {
    { { 0, 0, 595, 842 }, { 0 }, 0, "First page", 72, 770 },
    { { 0, 0, 595, 842 }, { 0 }, 0, "Second page", 72, 770 },
    { { 0, 0, 595, 842 }, { 0 }, 0, "Nguoi ky", 300, 200 },
  };

  kyso_test_make_document (path, pages, 3);
}

int
kyso_test_run (char **out, char **err, const char *first, ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *o = NULL;
  g_autofree char *e = NULL;
  int status = -1;
  va_list ap;

  g_ptr_array_add (argv, (char *)first);
  va_start (ap, first);
  for (const char *a = va_arg (ap, const char *); a != NULL; a = va_arg (ap, const char *))
    g_ptr_array_add (argv, (char *)a);
  va_end (ap);
  g_ptr_array_add (argv, NULL);
  if (!g_spawn_sync (NULL, (char **)argv->pdata, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &o, &e, &status,
                     &error))
    g_error ("cannot run %s: %s", first, error->message);
  if (out != NULL)
    *out = g_steal_pointer (&o);
  if (err != NULL)
    *err = g_steal_pointer (&e);
  return WIFEXITED (status) ? WEXITSTATUS (status) : 128 + WTERMSIG (status);
}

char *
kyso_test_tmpdir (void)
{
  g_autoptr(GError) error = NULL;
  const char *base = g_getenv ("KYSO_TEST_TMPDIR");
  char *dir;

  if (base != NULL)
    {
      g_autofree char *templ = g_build_filename (base, "pdf-XXXXXX", NULL);
      dir = g_mkdtemp (g_steal_pointer (&templ));
      g_assert_nonnull (dir);
      return dir;
    }
  dir = g_dir_make_tmp ("kyso-pdf-XXXXXX", &error);
  g_assert_no_error (error);
  return dir;
}

char *
kyso_test_corpus_file (const char *rel)
{
  const char *dir = g_getenv ("KYSO_CORPUS_DIR");
  char *path;

  if (dir == NULL)
    return NULL;
  path = g_build_filename (dir, rel, NULL);
  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
    g_clear_pointer (&path, g_free);
  return path;
}

static char *pki_dir;

const char *
kyso_test_pki_dir (void)
{
  g_autofree char *script = NULL;
  g_autofree char *err = NULL;

  if (pki_dir != NULL)
    return pki_dir;
  pki_dir = kyso_test_tmpdir ();
  script = g_test_build_filename (G_TEST_DIST, "pdf", "make-test-pki.sh", NULL);
  if (kyso_test_run (NULL, &err, "sh", script, pki_dir, NULL) != 0)
    g_error ("make-test-pki.sh failed: %s", err);
  return pki_dir;
}

char *
kyso_test_pki_file (const char *name)
{
  return g_build_filename (kyso_test_pki_dir (), name, NULL);
}

KysoSigner *
kyso_test_signer (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *p12 = kyso_test_pki_file ("signer.p12");
  KysoSigner *signer = kyso_p12_signer_new (p12, "test-pass", &error);

  g_assert_no_error (error);
  return signer;
}

static void
on_result (GObject *source, GAsyncResult *result, gpointer user_data)
{
  *(GAsyncResult **)user_data = g_object_ref (result);
}

static GAsyncResult *
wait_result (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *slot;
}

gboolean
kyso_test_sign (const char *in, const char *out, const KysoSignSessionOptions *options, GError **error)
{
  g_autoptr(KysoSigner) signer = kyso_test_signer ();
  g_autoptr(KysoSignSession) session = kyso_sign_session_new (in, out, options);
  g_autoptr(GPtrArray) creds = NULL;
  g_autoptr(GPtrArray) digests = g_ptr_array_new_with_free_func ((GDestroyNotify)g_bytes_unref);
  g_autoptr(GPtrArray) sigs = NULL;
  g_autoptr(GAsyncResult) r1 = NULL;
  g_autoptr(GAsyncResult) r2 = NULL;
  KysoSignRequest request = { 0 };
  KysoSignerCredential *cred;
  GBytes *digest;

  kyso_signer_list_credentials_async (signer, NULL, on_result, &r1);
  creds = kyso_signer_list_credentials_finish (signer, wait_result (&r1), error);
  if (creds == NULL)
    return FALSE;
  cred = g_ptr_array_index (creds, 0);
  digest = kyso_sign_session_prepare (session, cred->chain, NULL, error);
  if (digest == NULL)
    return FALSE;
  g_ptr_array_add (digests, digest);
  request.credential_id = cred->id;
  request.description = "test";
  kyso_signer_sign_digests_async (signer, digests, &request, NULL, NULL, NULL, on_result, &r2);
  sigs = kyso_signer_sign_digests_finish (signer, wait_result (&r2), error);
  if (sigs == NULL)
    return FALSE;
  return kyso_sign_session_complete (session, g_ptr_array_index (sigs, 0), NULL, error);
}

void
kyso_test_assert_pdfsig (const char *path, guint n)
{
  g_autofree char *db = g_strdup_printf ("sql:%s/nssdb", kyso_test_pki_dir ());
  g_autofree char *out = NULL;
  g_auto(GStrv) blocks = NULL;
  guint valid = 0;

  kyso_test_run (&out, NULL, "pdfsig", "-nssdir", db, path, NULL);
  blocks = g_strsplit (out, "Signature #", -1);
  if (g_strv_length (blocks) != n + 1)
    g_error ("pdfsig found %u signatures, expected %u:\n%s", g_strv_length (blocks) - 1, n, out);
  for (guint i = 1; i <= n; i++)
    if (strstr (blocks[i], "Signature Validation: Signature is Valid.") != NULL)
      valid++;
  if (valid != n)
    g_error ("pdfsig: %u of %u signatures valid:\n%s", valid, n, out);
  if (strstr (blocks[n], "Total document signed") == NULL)
    g_error ("pdfsig: the last signature does not cover the whole file:\n%s", out);
}

void
kyso_test_assert_qpdf (const char *path)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int status = kyso_test_run (&out, &err, "qpdf", "--check", path, NULL);

  if (status != 0)
    g_error ("qpdf --check %s: exit %d\n%s%s", path, status, out, err);
}

void
kyso_test_assert_mutool (const char *path)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_auto(GStrv) blocks = NULL;
  guint n;

  kyso_test_run (&out, &err, "mutool", "sign", "-v", path, NULL);
  blocks = g_strsplit (out, "Verifying signature", -1);
  n = g_strv_length (blocks);
  if (n < 2 || strstr (blocks[n - 1], "The document is unchanged since signing") == NULL)
    g_error ("mutool does not verify the last signature of %s:\n%s%s", path, out, err);
  /* Earlier signatures: still valid, with (permitted) edits after them. */
  for (guint i = 1; i + 1 < n; i++)
    if (strstr (blocks[i], "The signature is valid but there have been edits since signing") == NULL)
      g_error ("mutool: an earlier signature of %s is no longer valid:\n%s%s", path, out, err);
}

/* PAdES baseline: content-type, message-digest, exactly one signing-certificate-v2 and no
 * signing-time among the signer's signed attributes; detached content. */
static void
check_attributes (const guint8 *der, gsize len)
{
  const unsigned char *p = der;
  CMS_ContentInfo *cms = d2i_CMS_ContentInfo (NULL, &p, (long)len);
  CMS_SignerInfo *si;
  int n_v2 = 0;

  g_assert_nonnull (cms);
  g_assert_true (CMS_is_detached (cms));
  g_assert_cmpint (sk_CMS_SignerInfo_num (CMS_get0_SignerInfos (cms)), ==, 1);
  si = sk_CMS_SignerInfo_value (CMS_get0_SignerInfos (cms), 0);
  for (int i = -1; (i = CMS_signed_get_attr_by_NID (si, NID_id_smime_aa_signingCertificateV2, i)) >= 0;)
    n_v2++;
  g_assert_cmpint (n_v2, ==, 1);
  g_assert_cmpint (CMS_signed_get_attr_by_NID (si, NID_pkcs9_signingTime, -1), <, 0);
  g_assert_cmpint (CMS_signed_get_attr_by_NID (si, NID_pkcs9_contentType, -1), >=, 0);
  g_assert_cmpint (CMS_signed_get_attr_by_NID (si, NID_pkcs9_messageDigest, -1), >=, 0);
  g_assert_cmpint (CMS_signed_get_attr_by_NID (si, NID_id_smime_aa_signingCertificate, -1), <, 0);
  CMS_ContentInfo_free (cms);
}

GBytes *
kyso_test_assert_cms (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *data = NULL;
  g_autofree char *dir = kyso_test_tmpdir ();
  g_autofree char *sig_path = g_build_filename (dir, "sig.der", NULL);
  g_autofree char *content_path = g_build_filename (dir, "content.bin", NULL);
  g_autofree char *ca = kyso_test_pki_file ("ca.pem");
  g_autofree char *err = NULL;
  g_autoptr(GByteArray) der = g_byte_array_new ();
  g_autoptr(GString) content = g_string_new (NULL);
  const char *p = NULL;
  gint64 br[4];
  char *end;
  gsize len;
  int status;

  g_file_get_contents (path, &data, &len, &error);
  g_assert_no_error (error);
  /* The last "/ByteRange" in the file: a plain byte scan, independent of Kyso's parser. */
  for (gsize i = 0; i + 10 < len; i++)
    if (memcmp (data + i, "/ByteRange", 10) == 0)
      p = data + i + 10;
  g_assert_nonnull (p);
  while (*p == ' ' || *p == '[')
    p++;
  for (int i = 0; i < 4; i++)
    {
      br[i] = g_ascii_strtoll (p, &end, 10);
      g_assert_true (end != p);
      p = end;
      while (*p == ' ')
        p++;
    }
  g_assert_cmpint (br[0], ==, 0);
  g_assert_cmpint (br[2] + br[3], ==, (gint64)len);
  g_assert_cmpint (data[br[1]], ==, '<');
  g_assert_cmpint (data[br[2] - 1], ==, '>');
  for (gint64 i = br[1] + 1; i + 1 < br[2] - 1; i += 2)
    {
      char hex[3] = { data[i], data[i + 1], 0 };
      guint8 b = (guint8)strtoul (hex, NULL, 16);
      g_byte_array_append (der, &b, 1);
    }
  /* DER has a definite length: cut the zero padding after it. */
  if (der->len >= 4 && der->data[0] == 0x30 && der->data[1] == 0x82)
    g_byte_array_set_size (der, 4 + (der->data[2] << 8 | der->data[3]));
  else if (der->len >= 5 && der->data[0] == 0x30 && der->data[1] == 0x83)
    g_byte_array_set_size (der, 5 + (der->data[2] << 16 | der->data[3] << 8 | der->data[4]));
  g_string_append_len (content, data, br[1]);
  g_string_append_len (content, data + br[2], br[3]);
  g_file_set_contents (sig_path, (const char *)der->data, der->len, &error);
  g_assert_no_error (error);
  g_file_set_contents (content_path, content->str, (gssize)content->len, &error);
  g_assert_no_error (error);
  status
    = kyso_test_run (NULL, &err, "openssl", "cms", "-verify", "-binary", "-inform", "DER", "-in", sig_path,
                     "-content", content_path, "-CAfile", ca, "-purpose", "any", "-out", "/dev/null", NULL);
  if (status != 0)
    g_error ("openssl cms -verify failed on %s: %s", path, err);
  check_attributes (der->data, der->len);
  g_unlink (sig_path);
  g_unlink (content_path);
  g_rmdir (dir);
  return g_byte_array_free_to_bytes (g_steal_pointer (&der));
}
