/* Signing, checked by tools that share no code with Kyso: pdfsig (poppler), mutool (mupdf),
 * qpdf, and openssl cms / ts. */
#include "kyso-error.h"
#include "kyso-pdf-document.h"
#include "kyso-pdf-placement.h"
#include "kyso-test-pdf.h"
#include "kyso-test-pki.h"

#include <cairo.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <openssl/cms.h>
#include <string.h>

typedef struct
{
  char *dir;
  char *in;
  char *out;
} Fixture;

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  f->dir = kyso_test_tmpdir ();
  f->in = g_build_filename (f->dir, "in.pdf", NULL);
  f->out = g_build_filename (f->dir, "out.pdf", NULL);
  kyso_test_make_simple (f->in);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  g_autoptr(GDir) d = g_dir_open (f->dir, 0, NULL);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *p = g_build_filename (f->dir, name, NULL);
      g_unlink (p);
    }
  g_rmdir (f->dir);
  g_free (f->dir);
  g_free (f->in);
  g_free (f->out);
}

static char *
path_in (Fixture *f, const char *name)
{
  return g_build_filename (f->dir, name, NULL);
}

static gint64
file_size (const char *path)
{
  GStatBuf st;

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  return st.st_size;
}

/* Every independent check on a freshly signed file with @n signatures. */
static void
check_all (const char *path, guint n)
{
  g_autoptr(GBytes) cms = NULL;

  kyso_test_assert_pdfsig (path, n);
  kyso_test_assert_qpdf (path);
  kyso_test_assert_mutool (path);
  cms = kyso_test_assert_cms (path);
}

static gint64
newest_placeholder (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KysoPdfDocument) doc = kyso_pdf_document_open (path, &error);
  g_autoptr(GPtrArray) fields = NULL;
  KysoPdfField *f;
  KysoPdfObject *contents;

  g_assert_no_error (error);
  fields = kyso_pdf_document_list_fields (doc, &error);
  g_assert_no_error (error);
  f = g_ptr_array_index (fields, fields->len - 1);
  contents = kyso_pdf_dict_get (f->value, "Contents");
  return kyso_pdf_object_get_end (contents) - kyso_pdf_object_get_start (contents);
}

static void
test_table (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  KysoSignSessionOptions o = { 0 };
  g_autoptr(KysoPdfDocument) doc = NULL;

  o.reason = "Xác nhận hồ sơ";
  o.location = "Quảng Ngãi";
  g_assert_true (kyso_test_sign (f->in, f->out, &o, &error));
  g_assert_no_error (error);
  check_all (f->out, 1);
  doc = kyso_pdf_document_open (f->out, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (kyso_pdf_document_get_n_revisions (doc), ==, 2);
  g_assert_cmpint (kyso_pdf_document_get_xref_kind (doc), ==, KYSO_PDF_XREF_TABLE);
  /* Besides the placeholder, the revision (appearance with vector text included) stays small. */
  g_assert_cmpint (file_size (f->out) - file_size (f->in) - newest_placeholder (f->out), <=, 64 * 1024);
}

static void
qpdf_convert (const char *in, const char *out, const char *option)
{
  g_autofree char *err = NULL;
  int status = kyso_test_run (NULL, &err, "qpdf", option, in, out, NULL);

  if (status != 0)
    g_error ("qpdf %s failed: %s", option, err);
}

static void
test_xref_stream (Fixture *f, gconstpointer data)
{
  g_autofree char *stm = path_in (f, "stm.pdf");
  g_autoptr(GError) error = NULL;
  g_autoptr(KysoPdfDocument) doc = NULL;
  g_autoptr(KysoPdfDocument) in = NULL;

  qpdf_convert (f->in, stm, "--object-streams=generate");
  in = kyso_pdf_document_open (stm, &error);
  g_assert_no_error (error);
  g_assert_cmpint (kyso_pdf_document_get_xref_kind (in), ==, KYSO_PDF_XREF_STREAM);
  g_assert_true (kyso_test_sign (stm, f->out, NULL, &error));
  g_assert_no_error (error);
  check_all (f->out, 1);
  doc = kyso_pdf_document_open (f->out, &error);
  g_assert_no_error (error);
  /* The new section is a stream too, chained to the old one. */
  g_assert_cmpint (kyso_pdf_document_get_xref_kind (doc), ==, KYSO_PDF_XREF_STREAM);
  g_assert_cmpuint (kyso_pdf_document_get_n_revisions (doc), ==, kyso_pdf_document_get_n_revisions (in) + 1);
}

static void
test_linearized (Fixture *f, gconstpointer data)
{
  g_autofree char *lin = path_in (f, "lin.pdf");
  g_autoptr(GError) error = NULL;

  qpdf_convert (f->in, lin, "--linearize");
  g_assert_true (kyso_test_sign (lin, f->out, NULL, &error));
  g_assert_no_error (error);
  check_all (f->out, 1);
}

static void
test_corpus_kinds (Fixture *f, gconstpointer data)
{
  const char *files[] = { "pyhanko/minimal-hybrid-xref.pdf", "qpdf/hybrid-xref.pdf",
                          "pyhanko/page-tree-direct-kid.pdf", "qpdf/lin1.pdf" };

  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autofree char *in = kyso_test_corpus_file (files[i]);
      g_autoptr(GError) error = NULL;

      if (in == NULL)
        {
          g_test_skip ("corpus not available");
          return;
        }
      g_test_message ("signing %s", files[i]);
      g_assert_true (kyso_test_sign (in, f->out, NULL, &error));
      g_assert_no_error (error);
      kyso_test_assert_pdfsig (f->out, 1);
      kyso_test_assert_cms (f->out);
    }
}

static void
test_resign (Fixture *f, gconstpointer data)
{
  g_autofree char *a = path_in (f, "a.pdf");
  g_autofree char *b = path_in (f, "b.pdf");
  g_autoptr(GError) error = NULL;
  KysoSignSessionOptions o = { 0 };

  o.page = 1;
  g_assert_true (kyso_test_sign (f->in, a, &o, &error));
  o.page = 2;
  g_assert_true (kyso_test_sign (a, b, &o, &error));
  o.page = -1;
  g_assert_true (kyso_test_sign (b, f->out, &o, &error));
  g_assert_no_error (error);
  check_all (f->out, 3);
}

static void
test_after_pdfsig (Fixture *f, gconstpointer data)
{
  g_autofree char *first = path_in (f, "first.pdf");
  g_autofree char *db = g_strdup_printf ("sql:%s/nssdb", kyso_test_pki_dir ());
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  int status;

  status = kyso_test_run (NULL, &err, "pdfsig", "-add-signature", "-nssdir", db, "-nick", "signer",
                          "-new-signature-field-name", "Poppler1", f->in, first, NULL);
  g_assert_cmpint (status, ==, 0);
  kyso_test_assert_pdfsig (first, 1);
  g_assert_true (kyso_test_sign (first, f->out, NULL, &error));
  g_assert_no_error (error);
  check_all (f->out, 2);
}

/* The bounding box (points, top-left origin) of pixels of the appearance's text colour in page
 * @page of @pdf rendered by poppler at 72 dpi. */
static gboolean
ink_box (const char *pdf, int page, double box[4])
{
  g_autofree char *dir = kyso_test_tmpdir ();
  g_autofree char *prefix = g_build_filename (dir, "r", NULL);
  g_autofree char *png = g_strconcat (prefix, ".png", NULL);
  g_autofree char *pg = g_strdup_printf ("%d", page);
  cairo_surface_t *s;
  int w, h, stride;
  gboolean found = FALSE;

  g_assert_cmpint (kyso_test_run (NULL, NULL, "pdftoppm", "-f", pg, "-l", pg, "-r", "72", "-png",
                                  "-singlefile", pdf, prefix, NULL),
                   ==, 0);
  s = cairo_image_surface_create_from_png (png);
  g_assert_cmpint (cairo_surface_status (s), ==, CAIRO_STATUS_SUCCESS);
  w = cairo_image_surface_get_width (s);
  h = cairo_image_surface_get_height (s);
  stride = cairo_image_surface_get_stride (s);
  box[0] = box[1] = G_MAXDOUBLE;
  box[2] = box[3] = -1;
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      {
        guint32 p = *(guint32 *)(cairo_image_surface_get_data (s) + y * stride + 4 * x);
        int r = (p >> 16) & 0xff, g = (p >> 8) & 0xff, b = p & 0xff;
        /* Dark blue: the appearance's text (0.08 0.16 0.45), anti-aliased towards white. */
        if (b > r + 40 && b > g + 30 && b < 200)
          {
            found = TRUE;
            box[0] = MIN (box[0], x);
            box[1] = MIN (box[1], y);
            box[2] = MAX (box[2], x + 1);
            box[3] = MAX (box[3], y + 1);
          }
      }
  cairo_surface_destroy (s);
  g_unlink (png);
  g_rmdir (dir);
  return found;
}

/* pdftotext's box of @word (display space, top-left origin). */
static gboolean
word_box (const char *pdf, int page, const char *word, double box[4])
{
  g_autofree char *pg = g_strdup_printf ("%d", page);
  g_autofree char *out = NULL;
  g_autofree char *needle = g_strdup_printf (">%s</word>", word);
  const char *end, *start;

  kyso_test_run (&out, NULL, "pdftotext", "-bbox", "-f", pg, "-l", pg, pdf, "-", NULL);
  end = strstr (out, needle);
  if (end == NULL)
    return FALSE;
  for (start = end; start > out && strncmp (start, "<word", 5) != 0; start--)
    ;
  return sscanf (start, "<word xMin=\"%lf\" yMin=\"%lf\" xMax=\"%lf\" yMax=\"%lf\"", &box[0], &box[1],
                 &box[2], &box[3])
         == 4;
}

static KysoPdfObject *
widget_of_last_field (KysoPdfDocument *doc)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) fields = kyso_pdf_document_list_fields (doc, &error);
  KysoPdfField *f;

  g_assert_no_error (error);
  f = g_ptr_array_index (fields, fields->len - 1);
  g_assert_cmpuint (f->num, !=, 0);
  return kyso_pdf_document_get_object (doc, f->num, NULL);
}

static void
test_rect_rotated (Fixture *f, gconstpointer data)
{
  /* Every rotation, with a CropBox that does not start at the origin. */
  KysoTestPage pages[4];
  const double rect[4] = { 150, 220, 130, 45 };

  for (int i = 0; i < 4; i++)
    {
      KysoTestPage p = { { 0, 0, 600, 800 }, { 40, 60, 560, 760 }, 90 * i, "Nguoi ky", 200, 400 };
      pages[i] = p;
    }
  kyso_test_make_document (f->in, pages, 4);
  for (int i = 0; i < 4; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(KysoPdfDocument) doc = NULL;
      g_autoptr(KysoPdfObject) w = NULL;
      KysoSignSessionOptions o = { 0 };
      KysoPdfObject *r;
      double ink[4];

      o.page = i + 1;
      o.has_rect = TRUE;
      memcpy (o.rect, rect, sizeof rect);
      g_assert_true (kyso_test_sign (f->in, f->out, &o, &error));
      g_assert_no_error (error);
      kyso_test_assert_pdfsig (f->out, 1);
      doc = kyso_pdf_document_open (f->out, &error);
      g_assert_no_error (error);
      w = widget_of_last_field (doc);
      r = kyso_pdf_dict_get (w, "Rect");
      /* /Rect is exactly the requested box, in the page's user space. */
      g_assert_cmpfloat_with_epsilon (kyso_pdf_object_get_number (kyso_pdf_array_get (r, 0), NULL), rect[0],
                                      1e-6);
      g_assert_cmpfloat_with_epsilon (kyso_pdf_object_get_number (kyso_pdf_array_get (r, 1), NULL), rect[1],
                                      1e-6);
      g_assert_cmpfloat_with_epsilon (kyso_pdf_object_get_number (kyso_pdf_array_get (r, 2), NULL),
                                      rect[0] + rect[2], 1e-6);
      g_assert_cmpfloat_with_epsilon (kyso_pdf_object_get_number (kyso_pdf_array_get (r, 3), NULL),
                                      rect[1] + rect[3], 1e-6);
      /* The text reads upright: wider than tall on screen whatever the rotation. */
      g_assert_true (ink_box (f->out, i + 1, ink));
      g_assert_cmpfloat (ink[2] - ink[0], >, ink[3] - ink[1]);
    }
}

static void
test_keyword (Fixture *f, gconstpointer data)
{
  KysoTestPage pages[2] = {
    { { 0, 0, 600, 800 }, { 0 }, 0, "Nothing here", 100, 700 },
    { { 0, 0, 600, 800 }, { 30, 50, 580, 780 }, 90, "Nguoi ky", 300, 200 },
  };
  g_autoptr(GError) error = NULL;
  KysoSignSessionOptions o = { 0 };
  double word[8], ink[4];

  kyso_test_make_document (f->in, pages, 2);
  o.keyword = "Nguoi ky";
  g_assert_true (kyso_test_sign (f->in, f->out, &o, &error));
  g_assert_no_error (error);
  kyso_test_assert_pdfsig (f->out, 1);
  /* As poppler shows the (rotated, cropped) page: the box sits just under the words (where the
   * forms leave room for the signature and the name), centred on them, and reads left to right. */
  g_assert_true (word_box (f->out, 2, "Nguoi", word));
  g_assert_true (word_box (f->out, 2, "ky", word + 4));
  g_assert_true (ink_box (f->out, 2, ink));
  g_test_message ("words %g %g %g %g / %g %g %g %g, ink %g %g %g %g", word[0], word[1], word[2], word[3],
                  word[4], word[5], word[6], word[7], ink[0], ink[1], ink[2], ink[3]);
  /* The text is centred in a 60-point box whose top is 4 points under the match. */
  g_assert_cmpfloat (ink[1], >=, word[3] + 4);
  g_assert_cmpfloat (ink[3], <=, word[3] + 4 + 60 + 1);
  g_assert_cmpfloat (fabs ((ink[0] + ink[2]) / 2 - (word[0] + word[6]) / 2), <=, 12);
  g_assert_cmpfloat (ink[2] - ink[0], >, ink[3] - ink[1]);

  /* A second signer with the same keyword: never on top of the first signature. */
  {
    g_autofree char *twice = g_strconcat (f->out, "-2.pdf", NULL);
    g_autoptr(KysoPdfDocument) doc = NULL;
    g_autoptr(KysoPdfPage) page = NULL;
    g_autoptr(GArray) sigs = NULL;
    double *a, *b;

    g_assert_true (kyso_test_sign (f->out, twice, &o, &error));
    g_assert_no_error (error);
    kyso_test_assert_pdfsig (twice, 2);
    doc = kyso_pdf_document_open (twice, &error);
    g_assert_no_error (error);
    page = kyso_pdf_document_get_page (doc, 1, &error);
    g_assert_no_error (error);
    sigs = kyso_pdf_placement_list_signatures (doc, page);
    g_assert_cmpuint (sigs->len, ==, 2);
    a = g_array_index (sigs, KysoPdfPlacement, 0).rect;
    b = g_array_index (sigs, KysoPdfPlacement, 1).rect;
    g_assert_true (a[0] + a[2] <= b[0] || b[0] + b[2] <= a[0] || a[1] + a[3] <= b[1] || b[1] + b[3] <= a[1]);
    g_unlink (twice);
  }

  /* An absent keyword is a clear error, and nothing is written. */
  g_unlink (f->out);
  o.keyword = "Không có";
  g_assert_false (kyso_test_sign (f->in, f->out, &o, &error));
  g_assert_error (error, KYSO_ERROR, KYSO_ERROR_NOT_FOUND);
  g_assert_false (g_file_test (f->out, G_FILE_TEST_EXISTS));
}

static void
test_invisible (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KysoPdfDocument) doc = NULL;
  g_autoptr(KysoPdfObject) w = NULL;
  KysoSignSessionOptions o = { 0 };
  KysoPdfObject *r;

  o.invisible = TRUE;
  g_assert_true (kyso_test_sign (f->in, f->out, &o, &error));
  g_assert_no_error (error);
  check_all (f->out, 1);
  doc = kyso_pdf_document_open (f->out, &error);
  w = widget_of_last_field (doc);
  r = kyso_pdf_dict_get (w, "Rect");
  for (guint i = 0; i < 4; i++)
    g_assert_cmpfloat (kyso_pdf_object_get_number (kyso_pdf_array_get (r, i), NULL), ==, 0);
}

static cairo_status_t
append_png (void *closure, const unsigned char *data, unsigned int len)
{
  g_byte_array_append (closure, data, len);
  return CAIRO_STATUS_SUCCESS;
}

static GBytes *
make_png (int w, int h)
{
  cairo_surface_t *s = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, w, h);
  cairo_t *cr = cairo_create (s);
  g_autoptr(GByteArray) out = g_byte_array_new ();

  /* A red stroke on a transparent background, like a scanned signature. */
  cairo_set_source_rgba (cr, 0.8, 0.1, 0.1, 1);
  cairo_set_line_width (cr, h / 10.0);
  cairo_move_to (cr, w * 0.1, h * 0.8);
  cairo_curve_to (cr, w * 0.3, h * 0.1, w * 0.6, h * 0.9, w * 0.9, h * 0.2);
  cairo_stroke (cr);
  cairo_destroy (cr);
  g_assert_cmpint (cairo_surface_write_to_png_stream (s, append_png, out), ==, CAIRO_STATUS_SUCCESS);
  cairo_surface_destroy (s);
  return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}

static void
test_image (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) png = make_png (400, 150);
  g_autoptr(KysoPdfDocument) doc = NULL;
  g_autoptr(KysoPdfObject) w = NULL;
  g_autoptr(KysoPdfObject) ap = NULL;
  g_autoptr(KysoPdfObject) im = NULL;
  KysoSignSessionOptions o = { 0 };
  KysoPdfObject *xo;

  o.image_png = png;
  o.show_ca = TRUE;
  o.has_rect = TRUE;
  o.rect[0] = 300;
  o.rect[1] = 80;
  o.rect[2] = 240;
  o.rect[3] = 80;
  g_assert_true (kyso_test_sign (f->in, f->out, &o, &error));
  g_assert_no_error (error);
  check_all (f->out, 1);
  doc = kyso_pdf_document_open (f->out, &error);
  w = widget_of_last_field (doc);
  ap = kyso_pdf_document_resolve (doc, kyso_pdf_dict_get (kyso_pdf_dict_get (w, "AP"), "N"), &error);
  g_assert_no_error (error);
  xo = kyso_pdf_dict_get (kyso_pdf_dict_get (ap, "Resources"), "XObject");
  im = kyso_pdf_document_resolve (doc, kyso_pdf_dict_get (xo, "Im0"), &error);
  g_assert_true (kyso_pdf_object_is_name (kyso_pdf_dict_get (im, "Subtype"), "Image"));
  g_assert_cmpint (kyso_pdf_object_get_int (kyso_pdf_dict_get (im, "Width"), NULL), ==, 400);
  /* The transparency survives as a soft mask. */
  g_assert_cmpint (kyso_pdf_object_get_kind (kyso_pdf_dict_get (im, "SMask")), ==, KYSO_PDF_REF);

  /* Not a PNG: refused before anything is written. */
  g_unlink (f->out);
  {
    g_autoptr(GBytes) junk = g_bytes_new_static ("GIF89a....", 10);
    o.image_png = junk;
    g_assert_false (kyso_test_sign (f->in, f->out, &o, &error));
    g_assert_error (error, KYSO_ERROR, KYSO_ERROR_INVALID_INPUT);
    g_assert_false (g_file_test (f->out, G_FILE_TEST_EXISTS));
  }
}

/* An RFC 3161 TSA: `openssl ts -reply` behind the crypto area's loopback HTTP server. */
static GBytes *
tsa_handler (KysoTestHttp *server, const char *method, const char *path, GBytes *body, guint *status,
             const char **content_type, gpointer user_data)
{
  g_autofree char *dir = kyso_test_tmpdir ();
  g_autofree char *q = g_build_filename (dir, "q.tsq", NULL);
  g_autofree char *r = g_build_filename (dir, "r.tsr", NULL);
  g_autofree char *cnf = kyso_test_pki_file ("ts.cnf");
  g_autofree char *reply = NULL;
  gsize len;

  g_file_set_contents (q, g_bytes_get_data (body, NULL), (gssize)g_bytes_get_size (body), NULL);
  *status = 500;
  *content_type = "text/plain";
  if (kyso_test_run (NULL, NULL, "openssl", "ts", "-reply", "-config", cnf, "-queryfile", q, "-out", r, NULL)
        == 0
      && g_file_get_contents (r, &reply, &len, NULL))
    {
      *status = 200;
      *content_type = "application/timestamp-reply";
    }
  g_unlink (q);
  g_unlink (r);
  g_rmdir (dir);
  return reply != NULL ? g_bytes_new_take (g_steal_pointer (&reply), len) : NULL;
}

static void
test_timestamp (Fixture *f, gconstpointer data)
{
  g_autoptr(KysoTestHttp) tsa = kyso_test_http_new (kyso_test_free_port (), tsa_handler, NULL);
  g_autofree char *url = kyso_test_http_url (tsa, "/tsa");
  g_autofree char *token_path = path_in (f, "token.der");
  g_autofree char *sig_path = path_in (f, "sigvalue.bin");
  g_autofree char *ca = kyso_test_pki_file ("ca.pem");
  g_autofree char *tsa_pem = kyso_test_pki_file ("tsa.pem");
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) cms = NULL;
  KysoSignSessionOptions o = { 0 };
  CMS_ContentInfo *ci;
  CMS_SignerInfo *si;
  X509_ATTRIBUTE *attr;
  ASN1_TYPE *t;
  ASN1_OCTET_STRING *sig;
  const unsigned char *p;

  o.tsa_url = url;
  g_assert_true (kyso_test_sign (f->in, f->out, &o, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (kyso_test_http_request_count (tsa), ==, 1);
  kyso_test_assert_pdfsig (f->out, 1);
  kyso_test_assert_qpdf (f->out);
  cms = kyso_test_assert_cms (f->out);

  /* The signature-time-stamp attribute holds a token over the signature value: openssl ts says so. */
  p = g_bytes_get_data (cms, NULL);
  ci = d2i_CMS_ContentInfo (NULL, &p, (long)g_bytes_get_size (cms));
  g_assert_nonnull (ci);
  si = sk_CMS_SignerInfo_value (CMS_get0_SignerInfos (ci), 0);
  attr = CMS_unsigned_get_attr (si, CMS_unsigned_get_attr_by_NID (si, NID_id_smime_aa_timeStampToken, -1));
  g_assert_nonnull (attr);
  t = X509_ATTRIBUTE_get0_type (attr, 0);
  g_assert_cmpint (t->type, ==, V_ASN1_SEQUENCE);
  sig = CMS_SignerInfo_get0_signature (si);
  g_file_set_contents (token_path, (const char *)t->value.sequence->data, t->value.sequence->length, &error);
  g_file_set_contents (sig_path, (const char *)ASN1_STRING_get0_data (sig), ASN1_STRING_length (sig), &error);
  g_assert_no_error (error);
  CMS_ContentInfo_free (ci);
  g_assert_cmpint (kyso_test_run (NULL, &err, "openssl", "ts", "-verify", "-data", sig_path, "-in",
                                  token_path, "-token_in", "-CAfile", ca, "-untrusted", tsa_pem, NULL),
                   ==, 0);

  /* A TSA that fails makes signing fail, with nothing at the output. */
  g_unlink (f->out);
  {
    g_autofree char *dead = g_strdup_printf ("http://127.0.0.1:%u/tsa", kyso_test_free_port ());
    o.tsa_url = dead;
    g_assert_false (kyso_test_sign (f->in, f->out, &o, &error));
    g_assert_error (error, KYSO_ERROR, KYSO_ERROR_NETWORK);
    g_assert_false (g_file_test (f->out, G_FILE_TEST_EXISTS));
  }
}

static void
test_no_pages_and_certified (Fixture *f, gconstpointer data)
{
  KysoTestPdf *pdf = kyso_test_pdf_new ("1.7");
  g_autoptr(GError) error = NULL;
  g_autofree char *certified = path_in (f, "certified.pdf");

  /* No pages at all: an invisible signature in the form still signs the document. */
  kyso_test_pdf_add (pdf, 1, "<< /Type /Catalog /Pages 2 0 R >>");
  kyso_test_pdf_add (pdf, 2, "<< /Type /Pages /Kids [] /Count 0 >>");
  kyso_test_pdf_end_section (pdf, "/Root 1 0 R", 0);
  kyso_test_pdf_write (pdf, f->in);
  g_bytes_unref (kyso_test_pdf_free_to_bytes (pdf));
  g_assert_true (kyso_test_sign (f->in, f->out, NULL, &error));
  g_assert_no_error (error);
  kyso_test_assert_pdfsig (f->out, 1);
  kyso_test_assert_cms (f->out);

  /* Certified against any change (DocMDP P=1): refused, nothing written. */
  pdf = kyso_test_pdf_new ("1.7");
  kyso_test_pdf_add (pdf, 1, "<< /Type /Catalog /Pages 2 0 R /Perms << /DocMDP 4 0 R >> >>");
  kyso_test_pdf_add (pdf, 2, "<< /Type /Pages /Kids [3 0 R] /Count 1 >>");
  kyso_test_pdf_add (pdf, 3, "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 300] >>");
  kyso_test_pdf_add (pdf, 4,
                     "<< /Type /Sig /Reference [<< /TransformMethod /DocMDP /TransformParams "
                     "<< /P 1 /V /1.2 >> >>] >>");
  kyso_test_pdf_end_section (pdf, "/Root 1 0 R", 0);
  kyso_test_pdf_write (pdf, certified);
  g_bytes_unref (kyso_test_pdf_free_to_bytes (pdf));
  g_unlink (f->out);
  g_assert_false (kyso_test_sign (certified, f->out, NULL, &error));
  g_assert_error (error, KYSO_ERROR, KYSO_ERROR_UNSUPPORTED);
  g_assert_false (g_file_test (f->out, G_FILE_TEST_EXISTS));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
#define ADD(name, func) g_test_add ("/pdf/sign/" name, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("table", test_table);
  ADD ("xref-stream", test_xref_stream);
  ADD ("linearized", test_linearized);
  ADD ("corpus-kinds", test_corpus_kinds);
  ADD ("resign", test_resign);
  ADD ("after-pdfsig", test_after_pdfsig);
  ADD ("rect-rotated", test_rect_rotated);
  ADD ("keyword", test_keyword);
  ADD ("invisible", test_invisible);
  ADD ("image", test_image);
  ADD ("timestamp", test_timestamp);
  ADD ("no-pages-and-certified", test_no_pages_and_certified);
#undef ADD
  return g_test_run ();
}
