#include "verify-fixture.h"

#include "kyso-pdf-document.h"
#include "kyso-test-pki.h"

#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

/* Room for the CMS in /Contents: a 2048-bit RSA signature with three certificates is ~4 KiB. */
#define CONTENTS_BYTES 8192
#define BYTE_RANGE_PLACEHOLDER "[0 0000000000 0000000000 0000000000]"

char *
kyso_vf_tmpdir (void)
{
  g_autoptr(GError) error = NULL;
  const char *base = g_getenv ("KYSO_TEST_TMPDIR");
  g_autofree char *tmpl = g_build_filename (base != NULL ? base : g_get_tmp_dir (), "verify-XXXXXX", NULL);
  char *dir = g_mkdtemp (g_steal_pointer (&tmpl));

  g_assert_nonnull (dir);
  return dir;
}

GBytes *
kyso_vf_read (const char *path)
{
  g_autoptr(GError) error = NULL;
  char *data = NULL;
  gsize len = 0;

  g_file_get_contents (path, &data, &len, &error);
  g_assert_no_error (error);
  return g_bytes_new_take (data, len);
}

void
kyso_vf_write (const char *path, const void *data, gsize len)
{
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, data, (gssize)len, &error);
  g_assert_no_error (error);
}

static gsize
find (GBytes *bytes, gsize start, const char *needle, gboolean last)
{
  gsize len, n = strlen (needle), found = G_MAXSIZE;
  const char *d = g_bytes_get_data (bytes, &len);

  for (gsize i = start; i + n <= len; i++)
    if (memcmp (d + i, needle, n) == 0)
      {
        found = i;
        if (!last)
          break;
      }
  g_assert_cmpuint (found, !=, G_MAXSIZE);
  return found;
}

gsize
kyso_vf_patch (const char *path, const char *dest, gsize start, const char *from, const char *to)
{
  g_autoptr(GBytes) bytes = kyso_vf_read (path);
  g_autofree guint8 *copy = NULL;
  gsize len, at;

  g_assert_cmpuint (strlen (from), ==, strlen (to));
  at = find (bytes, start, from, FALSE);
  copy = g_memdup2 (g_bytes_get_data (bytes, &len), g_bytes_get_size (bytes));
  memcpy (copy + at, to, strlen (to));
  kyso_vf_write (dest, copy, len);
  return at;
}

gsize
kyso_vf_rfind (const char *path, const char *needle)
{
  g_autoptr(GBytes) bytes = kyso_vf_read (path);
  return find (bytes, 0, needle, TRUE);
}

/* Writes numbered objects with a classic xref table; bodies[i] is object i + 1. */
static void
write_pdf (const char *path, const char *const *bodies, guint n, const char *trailer_extra)
{
  g_autoptr(GString) s = g_string_new ("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n");
  g_autoptr(GArray) offsets = g_array_new (FALSE, FALSE, sizeof (gsize));
  gsize xref;

  for (guint i = 0; i < n; i++)
    {
      gsize off = s->len;
      g_array_append_val (offsets, off);
      g_string_append_printf (s, "%u 0 obj\n%s\nendobj\n", i + 1, bodies[i]);
    }
  xref = s->len;
  g_string_append_printf (s, "xref\n0 %u\n0000000000 65535 f \n", n + 1);
  for (guint i = 0; i < n; i++)
    g_string_append_printf (s, "%010" G_GSIZE_FORMAT " 00000 n \n", g_array_index (offsets, gsize, i));
  g_string_append_printf (s, "trailer\n<< /Size %u %s >>\nstartxref\n%" G_GSIZE_FORMAT "\n%%%%EOF\n", n + 1,
                          trailer_extra, xref);
  kyso_vf_write (path, s->str, s->len);
}

void
kyso_vf_write_plain_pdf (const char *path)
{
  static const char content[] = "BT /F1 24 Tf 72 700 Td (Kyso test document) Tj ET";
  g_autofree char *stream
    = g_strdup_printf ("<< /Length %zu >>\nstream\n%s\nendstream", strlen (content), content);
  const char *bodies[] = {
    "<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [5 0 R] /DA (/Helv 0 Tf 0 g) "
    "/DR << /Font << /Helv 6 0 R >> >> >> >>",
    "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
    "/Resources << /Font << /F1 6 0 R >> >> /Annots [5 0 R] >>",
    stream,
    "<< /Type /Annot /Subtype /Widget /FT /Tx /T (name) /Rect [72 600 300 630] /P 3 0 R "
    "/DA (/Helv 12 Tf 0 g) /F 4 >>",
    "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    "<< /Producer (Kyso tests) >>",
  };

  write_pdf (path, bodies, G_N_ELEMENTS (bodies), "/Root 1 0 R /Info 7 0 R");
}

static gboolean
try_run (const char *const *argv, char **out, char **err)
{
  g_autoptr(GError) error = NULL;
  int status = 0;

  g_spawn_sync (NULL, (char **)argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, out, err, &status, &error);
  g_assert_no_error (error);
  return g_spawn_check_wait_status (status, NULL);
}

static void
run (const char *const *argv)
{
  g_autofree char *out = NULL, *err = NULL;

  if (!try_run (argv, &out, &err))
    g_error ("%s failed: %s%s", argv[0], out, err);
}

/* An NSS database holding the test PKI's signer, made once per process. */
static const char *
nss_db (void)
{
  static char *db;

  if (db == NULL)
    {
      g_autofree char *dir = kyso_vf_tmpdir ();
      g_autofree char *p12 = kyso_test_pki_path ("signer.p12");
      g_autofree char *pwfile = g_build_filename (dir, "pw", NULL);

      db = g_strconcat ("sql:", dir, NULL);
      kyso_vf_write (pwfile, "secret-pass\n", strlen ("secret-pass\n"));
      run ((const char *[]){ "certutil", "-N", "-d", db, "--empty-password", NULL });
      run ((const char *[]){ "pk12util", "-i", p12, "-d", db, "-w", pwfile, NULL });
    }
  return db;
}

void
kyso_vf_pdfsig_sign (const char *in, const char *out, const char *field, gboolean etsi)
{
  const char *argv[] = { "pdfsig",
                         "-nssdir",
                         nss_db (),
                         "-add-signature",
                         "-nick",
                         "Nguyễn Văn An",
                         "-new-signature-field-name",
                         field,
                         "-reason",
                         "Kyso test",
                         in,
                         out,
                         etsi ? "-etsi" : NULL,
                         NULL };
  run (argv);
}

gboolean
kyso_vf_pdfsig_try (const char *in, const char *out, const char *field)
{
  const char *argv[] = { "timeout",
                         "60",
                         "pdfsig",
                         "-nssdir",
                         nss_db (),
                         "-add-signature",
                         "-nick",
                         "Nguyễn Văn An",
                         "-new-signature-field-name",
                         field,
                         in,
                         out,
                         NULL };
  g_autofree char *std_out = NULL, *std_err = NULL;

  return try_run (argv, &std_out, &std_err) && g_file_test (out, G_FILE_TEST_EXISTS);
}

static KysoPdfDocument *
open_doc (const char *path)
{
  g_autoptr(GError) error = NULL;
  KysoPdfDocument *doc = kyso_pdf_document_open (path, &error);

  g_assert_no_error (error);
  return doc;
}

guint
kyso_vf_page_num (const char *path)
{
  g_autoptr(KysoPdfDocument) doc = open_doc (path);
  g_autoptr(GError) error = NULL;
  g_autoptr(KysoPdfPage) page = kyso_pdf_document_get_page (doc, 0, &error);

  g_assert_no_error (error);
  return page->num;
}

guint
kyso_vf_catalog_num (const char *path)
{
  g_autoptr(KysoPdfDocument) doc = open_doc (path);
  return kyso_pdf_object_get_ref_num (kyso_pdf_dict_get (kyso_pdf_document_get_trailer (doc), "Root"));
}

guint
kyso_vf_size (const char *path)
{
  g_autoptr(KysoPdfDocument) doc = open_doc (path);
  return kyso_pdf_document_get_xref_size (doc);
}

void
kyso_vf_append_update (const char *path, guint first_num, ...)
{
  g_autoptr(KysoPdfDocument) doc = open_doc (path);
  g_autoptr(GBytes) old = kyso_vf_read (path);
  g_autoptr(GString) s = g_string_new (NULL);
  g_autoptr(GArray) nums = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr(GArray) offsets = g_array_new (FALSE, FALSE, sizeof (gsize));
  KysoPdfObject *trailer = kyso_pdf_document_get_trailer (doc);
  const KysoPdfRevision *last
    = kyso_pdf_document_get_revision (doc, kyso_pdf_document_get_n_revisions (doc) - 1);
  guint size = kyso_pdf_document_get_xref_size (doc);
  g_autofree char *root = kyso_pdf_object_to_string (kyso_pdf_dict_get (trailer, "Root"));
  g_autofree char *info = NULL;
  gsize base = g_bytes_get_size (old), xref;
  va_list ap;

  g_string_append_len (s, g_bytes_get_data (old, NULL), (gssize)base);
  if (s->str[s->len - 1] != '\n')
    g_string_append_c (s, '\n');
  va_start (ap, first_num);
  for (guint num = first_num; num != 0; num = va_arg (ap, guint))
    {
      const char *body = va_arg (ap, const char *);
      gsize off = s->len;

      g_array_append_val (nums, num);
      g_array_append_val (offsets, off);
      g_string_append_printf (s, "%u 0 obj\n%s\nendobj\n", num, body);
      size = MAX (size, num + 1);
    }
  va_end (ap);
  xref = s->len;
  g_string_append (s, "xref\n");
  for (guint i = 0; i < nums->len; i++)
    g_string_append_printf (s, "%u 1\n%010" G_GSIZE_FORMAT " 00000 n \n", g_array_index (nums, guint, i),
                            g_array_index (offsets, gsize, i));
  if (kyso_pdf_dict_get (trailer, "Info") != NULL)
    {
      g_autofree char *ref = kyso_pdf_object_to_string (kyso_pdf_dict_get (trailer, "Info"));
      info = g_strdup_printf ("/Info %s", ref);
    }
  g_string_append_printf (s, "trailer\n<< /Size %u /Root %s %s /Prev %" G_GINT64_FORMAT " >>\n", size, root,
                          info != NULL ? info : "", last->declared_offset);
  g_string_append_printf (s, "startxref\n%" G_GSIZE_FORMAT "\n%%%%EOF\n", xref);
  kyso_vf_write (path, s->str, s->len);
}

void
kyso_vf_sign_with (const char *in, const char *out, const char *field, const KysoVfSignOptions *options,
                   KysoVfCmsMaker maker, gpointer user_data)
{
  guint page = kyso_vf_page_num (in), catalog = kyso_vf_catalog_num (in), next = kyso_vf_size (in);
  guint sig = next, widget = next + 1, ap = next + 2;
  int docmdp = options->docmdp;
  g_autofree char *zeros = g_strnfill (2 * CONTENTS_BYTES, '0');
  g_autofree char *reference
    = docmdp > 0
        ? g_strdup_printf ("/Reference [<< /Type /SigRef /TransformMethod /DocMDP /TransformParams << /Type "
                           "/TransformParams /P %d /V /1.2 >> >>]",
                           docmdp)
        : g_strdup ("");
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *m
    = options->m != NULL ? g_strdup (options->m) : g_date_time_format (now, "D:%Y%m%d%H%M%S+00'00'");
  g_autofree char *sig_body = g_strdup_printf (
    "<< /Type /%s /Filter /Adobe.PPKLite /SubFilter /%s /M (%s) "
    "%s /ByteRange " BYTE_RANGE_PLACEHOLDER " /Contents <%s> >>",
    options->type != NULL ? options->type : "Sig",
    options->subfilter != NULL ? options->subfilter : "adbe.pkcs7.detached", m, reference, zeros);
  g_autofree char *ap_ref
    = options->appearance != NULL ? g_strdup_printf (" /AP << /N %u 0 R >>", ap) : g_strdup ("");
  g_autofree char *widget_body = g_strdup_printf (
    "<< /Type /Annot /Subtype /Widget /FT /Sig /T (%s) /Rect %s /F 132 /P %u 0 R /V %u 0 R%s >>", field,
    options->rect != NULL ? options->rect : "[0 0 0 0]", page, sig, ap_ref);
  g_autofree char *ap_body = NULL;
  g_autofree char *page_body = NULL, *catalog_body = NULL;
  g_autoptr(GBytes) bytes = NULL, der = NULL;
  g_autofree guint8 *copy = NULL;
  char range[64];
  gsize len, contents_at, range_at, gap_start, gap_end;

  if (options->appearance != NULL)
    {
      double r[4] = { 0 };

      /* The appearance's own space: its box is the widget's size, at the origin. */
      g_assert_nonnull (options->rect);
      g_assert_cmpint (sscanf (options->rect, "[%lf %lf %lf %lf]", &r[0], &r[1], &r[2], &r[3]), ==, 4);
      ap_body
        = g_strdup_printf ("<< /Type /XObject /Subtype /Form /BBox [0 0 %g %g] /Length %zu >>\nstream\n%s\n"
                           "endstream",
                           r[2] - r[0], r[3] - r[1], strlen (options->appearance), options->appearance);
    }

  /* The new widget joins the page's /Annots and the form's /Fields; a certification also goes
   * into the catalog's /Perms. */
  {
    g_autoptr(KysoPdfDocument) doc = open_doc (in);
    g_autoptr(KysoPdfObject) p = kyso_pdf_document_get_object (doc, page, NULL);
    g_autoptr(KysoPdfObject) c = kyso_pdf_document_get_object (doc, catalog, NULL);
    g_autoptr(KysoPdfObject) pc = kyso_pdf_object_copy (p);
    g_autoptr(KysoPdfObject) cc = kyso_pdf_object_copy (c);
    /* Indirect /AcroForm, /Annots or /Fields are copied in directly: simpler, and still valid. */
    g_autoptr(KysoPdfObject) af_old
               = kyso_pdf_document_resolve (doc, kyso_pdf_dict_get (c, "AcroForm"), NULL);
    g_autoptr(KysoPdfObject) list_old
               = kyso_pdf_document_resolve (doc, kyso_pdf_dict_get (p, "Annots"), NULL);
    g_autoptr(KysoPdfObject) af = kyso_pdf_object_copy (af_old);
    KysoPdfObject *list = kyso_pdf_object_copy (list_old);
    g_autoptr(KysoPdfObject) fields_old = NULL;
    KysoPdfObject *fields;

    if (list == NULL || kyso_pdf_object_get_kind (list) != KYSO_PDF_ARRAY)
      list = kyso_pdf_array_new ();
    kyso_pdf_array_add (list, kyso_pdf_ref_new (widget, 0));
    kyso_pdf_dict_set (pc, "Annots", list);
    if (af == NULL || kyso_pdf_object_get_kind (af) != KYSO_PDF_DICT)
      af = kyso_pdf_dict_new ();
    fields_old = kyso_pdf_document_resolve (doc, kyso_pdf_dict_get (af, "Fields"), NULL);
    fields = kyso_pdf_object_copy (fields_old);
    if (fields == NULL || kyso_pdf_object_get_kind (fields) != KYSO_PDF_ARRAY)
      fields = kyso_pdf_array_new ();
    kyso_pdf_array_add (fields, kyso_pdf_ref_new (widget, 0));
    kyso_pdf_dict_set (af, "Fields", fields);
    kyso_pdf_dict_set (af, "SigFlags", kyso_pdf_int_new (3));
    kyso_pdf_dict_set (cc, "AcroForm", kyso_pdf_object_ref (af));
    if (docmdp > 0)
      {
        KysoPdfObject *perms = kyso_pdf_dict_new ();
        kyso_pdf_dict_set (perms, "DocMDP", kyso_pdf_ref_new (sig, 0));
        kyso_pdf_dict_set (cc, "Perms", perms);
      }
    page_body = kyso_pdf_object_to_string (pc);
    catalog_body = kyso_pdf_object_to_string (cc);
  }

  {
    g_autoptr(GBytes) src = kyso_vf_read (in);
    kyso_vf_write (out, g_bytes_get_data (src, NULL), g_bytes_get_size (src));
  }
  if (ap_body != NULL)
    kyso_vf_append_update (out, sig, sig_body, widget, widget_body, ap, ap_body, page, page_body, catalog,
                           catalog_body, 0);
  else
    kyso_vf_append_update (out, sig, sig_body, widget, widget_body, page, page_body, catalog, catalog_body,
                           0);

  /* Fill in the /ByteRange around the /Contents placeholder, then sign those bytes. */
  bytes = kyso_vf_read (out);
  copy = g_memdup2 (g_bytes_get_data (bytes, &len), g_bytes_get_size (bytes));
  contents_at = kyso_vf_rfind (out, "/Contents <") + strlen ("/Contents ");
  range_at = kyso_vf_rfind (out, BYTE_RANGE_PLACEHOLDER);
  gap_start = contents_at;
  gap_end = contents_at + 2 * CONTENTS_BYTES + 2;
  g_snprintf (range, sizeof range, "[0 %010" G_GSIZE_FORMAT " %010" G_GSIZE_FORMAT " %010" G_GSIZE_FORMAT "]",
              gap_start, gap_end, len - gap_end);
  g_assert_cmpuint (strlen (range), ==, strlen (BYTE_RANGE_PLACEHOLDER));
  memcpy (copy + range_at, range, strlen (range));

  {
    g_autoptr(GByteArray) data = g_byte_array_new ();
    g_autoptr(GBytes) signed_bytes = NULL;

    g_byte_array_append (data, copy, (guint)gap_start);
    g_byte_array_append (data, copy + gap_end, (guint)(len - gap_end));
    signed_bytes = g_byte_array_free_to_bytes (g_steal_pointer (&data));
    der = maker (signed_bytes, user_data);
  }
  g_assert_cmpuint (g_bytes_get_size (der), <=, CONTENTS_BYTES);
  for (gsize i = 0; i < g_bytes_get_size (der); i++)
    {
      static const char hex[] = "0123456789ABCDEF";
      guint8 b = ((const guint8 *)g_bytes_get_data (der, NULL))[i];
      copy[gap_start + 1 + 2 * i] = (guint8)hex[b >> 4];
      copy[gap_start + 2 + 2 * i] = (guint8)hex[b & 15];
    }
  kyso_vf_write (out, copy, len);
}

GBytes *
kyso_vf_openssl_cms (GBytes *signed_bytes, gpointer user_data)
{
  OpensslCmsOptions *o = user_data;
  g_autofree char *dir = kyso_vf_tmpdir ();
  g_autofree char *signed_bin = g_build_filename (dir, "signed.bin", NULL);
  g_autofree char *cms = g_build_filename (dir, "sig.der", NULL);
  g_autofree char *pem = g_strconcat (o->signer != NULL ? o->signer : "signer", ".pem", NULL);
  g_autofree char *k = g_strconcat (o->signer != NULL ? o->signer : "signer", ".key", NULL);
  g_autofree char *signer = kyso_test_pki_path (pem);
  g_autofree char *key = kyso_test_pki_path (k);
  g_autofree char *cas = kyso_test_pki_path (o->certfile != NULL ? o->certfile : "cas.pem");

  kyso_vf_write (signed_bin, g_bytes_get_data (signed_bytes, NULL), g_bytes_get_size (signed_bytes));
  g_assert_cmpint (kyso_test_openssl (NULL, "cms", "-sign", "-binary", "-in", signed_bin, "-signer", signer,
                                      "-inkey", key, "-certfile", cas, "-md",
                                      o->md != NULL ? o->md : "sha256", "-outform", "DER", "-out", cms,
                                      "-nosmimecap", NULL),
                   ==, 0);
  return kyso_vf_read (cms);
}

void
kyso_vf_openssl_sign (const char *in, const char *out, const char *field, int docmdp, const char *signer_name)
{
  KysoVfSignOptions options = { .docmdp = docmdp };
  OpensslCmsOptions o = { signer_name, NULL };

  kyso_vf_sign_with (in, out, field, &options, kyso_vf_openssl_cms, &o);
}

void
kyso_vf_openssl_sign_md (const char *in, const char *out, const char *field, const char *signer_name,
                         const char *md)
{
  KysoVfSignOptions options = { 0 };
  OpensslCmsOptions o = { signer_name, md };

  kyso_vf_sign_with (in, out, field, &options, kyso_vf_openssl_cms, &o);
}

int
kyso_vf_cli (char **out, char **err, const char *first_arg, ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *std_out = NULL, *std_err = NULL;
  const char *cli = g_getenv ("KYSO_CLI");
  int status = -1;
  va_list ap;

  g_assert_nonnull (cli);
  g_ptr_array_add (argv, (gpointer)cli);
  va_start (ap, first_arg);
  for (const char *a = first_arg; a != NULL; a = va_arg (ap, const char *))
    g_ptr_array_add (argv, (gpointer)a);
  va_end (ap);
  g_ptr_array_add (argv, NULL);
  g_spawn_sync (NULL, (char **)argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL, &std_out, &std_err, &status,
                &error);
  g_assert_no_error (error);
  if (out != NULL)
    *out = g_steal_pointer (&std_out);
  if (err != NULL)
    *err = g_steal_pointer (&std_err);
  return WIFEXITED (status) ? WEXITSTATUS (status) : 255;
}

int
kyso_vf_run (char **out, const char *first_arg, ...)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_autoptr (GError) error = NULL;
  g_autofree char *std_out = NULL, *std_err = NULL;
  int status = -1;
  va_list ap;

  va_start (ap, first_arg);
  for (const char *a = first_arg; a != NULL; a = va_arg (ap, const char *))
    g_ptr_array_add (argv, (gpointer)a);
  va_end (ap);
  g_ptr_array_add (argv, NULL);
  g_spawn_sync (NULL, (char **)argv->pdata, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &std_out, &std_err,
                &status, &error);
  g_assert_no_error (error);
  if (out != NULL)
    *out = g_strconcat (std_out, std_err, NULL);
  return WIFEXITED (status) ? WEXITSTATUS (status) : 255;
}
