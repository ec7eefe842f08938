/* Photos and scans to PDF: a phone photo taken sideways (EXIF orientation 6 and the others) comes
 * out the right way up, the page size follows the resolution (or A4 at most), a PNG with
 * transparency and a palette reads, the size limit shrinks the images and says when it cannot,
 * bad input is refused, and the PDF then signs like any other (pdfsig, qpdf). */
#define _GNU_SOURCE
#include "config.h"

#include "kyso-error.h"
#include "kyso-pdf-from-image.h"
#include "kyso-test-pdf.h"

#include <cairo.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <jpeglib.h>
#include <poppler.h>

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PopplerDocument, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PopplerPage, g_object_unref)

/* A test picture W×H: top-left quadrant red, top-right green, bottom-left blue, bottom-right
 * white, so that any turn or mirror shows. */
static guint8 *
quadrants (guint w, guint h)
{
  guint8 *rgb = g_malloc ((gsize)w * h * 3);

  for (guint y = 0; y < h; y++)
    for (guint x = 0; x < w; x++)
      {
        guint8 *p = rgb + ((gsize)y * w + x) * 3;
        gboolean left = x < w / 2, top = y < h / 2;

        p[0] = (top && left) || (!top && !left) ? 255 : 0;
        p[1] = (top && !left) || (!top && !left) ? 255 : 0;
        p[2] = (!top && left) || (!top && !left) ? 255 : 0;
      }
  return rgb;
}

/* A JPEG of the quadrants; @orientation > 0 adds an EXIF block with it; @dpi > 0 a JFIF density. */
static void
write_jpeg (const char *path, guint w, guint h, int orientation, int dpi)
{
  g_autofree guint8 *rgb = quadrants (w, h);
  struct jpeg_compress_struct cinfo;
  struct jpeg_error_mgr jerr;
  unsigned char *mem = NULL;
  unsigned long len = 0;
  g_autoptr (GByteArray) out = g_byte_array_new ();
  g_autoptr (GError) error = NULL;

  cinfo.err = jpeg_std_error (&jerr);
  jpeg_create_compress (&cinfo);
  jpeg_mem_dest (&cinfo, &mem, &len);
  cinfo.image_width = w;
  cinfo.image_height = h;
  cinfo.input_components = 3;
  cinfo.in_color_space = JCS_RGB;
  jpeg_set_defaults (&cinfo);
  jpeg_set_quality (&cinfo, 95, TRUE);
  if (dpi > 0)
    {
      cinfo.write_JFIF_header = TRUE;
      cinfo.density_unit = 1;
      cinfo.X_density = cinfo.Y_density = (UINT16)dpi;
    }
  else
    cinfo.write_JFIF_header = FALSE;
  jpeg_start_compress (&cinfo, TRUE);
  while (cinfo.next_scanline < h)
    {
      JSAMPROW row = rgb + (gsize)cinfo.next_scanline * w * 3;
      jpeg_write_scanlines (&cinfo, &row, 1);
    }
  jpeg_finish_compress (&cinfo);
  jpeg_destroy_compress (&cinfo);

  /* SOI, then an APP1 Exif block (big-endian TIFF, one IFD entry: Orientation), then the rest. */
  g_byte_array_append (out, mem, 2);
  if (orientation > 0)
    {
      const guint8 exif[]
        = { 0xff, 0xe1, 0x00, 0x22, 'E', 'x',  'i',  'f', 0, 0, 'M', 'M', 0, 42, 0,
            0,    0,    8,    0,    1,   0x01, 0x12, 0,   3, 0, 0,   0,   1, 0,  (guint8)orientation,
            0,    0,    0,    0,    0,   0 };
      g_byte_array_append (out, exif, sizeof exif);
    }
  g_byte_array_append (out, mem + 2, len - 2);
  free (mem);
  g_file_set_contents (path, (const char *)out->data, out->len, &error);
  g_assert_no_error (error);
}

static void
write_png (const char *path, guint w, guint h, gboolean alpha)
{
  cairo_surface_t *s = cairo_image_surface_create (alpha ? CAIRO_FORMAT_ARGB32 : CAIRO_FORMAT_RGB24, w, h);
  cairo_t *cr = cairo_create (s);

  cairo_set_source_rgba (cr, 1, 0, 0, 1);
  cairo_rectangle (cr, 0, 0, w / 2.0, h / 2.0);
  cairo_fill (cr);
  cairo_set_source_rgba (cr, 0, 1, 0, 1);
  cairo_rectangle (cr, w / 2.0, 0, w / 2.0, h / 2.0);
  cairo_fill (cr);
  cairo_set_source_rgba (cr, 0, 0, 1, alpha ? 0.0 : 1.0); /* transparent: white once composed */
  cairo_rectangle (cr, 0, h / 2.0, w / 2.0, h / 2.0);
  cairo_fill (cr);
  cairo_set_source_rgba (cr, 1, 1, 1, 1);
  cairo_rectangle (cr, w / 2.0, h / 2.0, w / 2.0, h / 2.0);
  cairo_fill (cr);
  cairo_destroy (cr);
  g_assert_cmpint (cairo_surface_write_to_png (s, path), ==, CAIRO_STATUS_SUCCESS);
  cairo_surface_destroy (s);
}

typedef struct
{
  double width, height;
  guint8 tl[3], tr[3], bl[3], br[3]; /* colours at the four quadrant centres */
} PageLook;

static void
look (const char *pdf, int page_index, PageLook *out)
{
  g_autofree char *uri = g_filename_to_uri (pdf, NULL, NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (PopplerDocument) doc = poppler_document_new_from_file (uri, NULL, &error);
  g_autoptr (PopplerPage) page = NULL;
  cairo_surface_t *s = NULL;
  cairo_t *cr = NULL;
  int w = 0, h = 0;
  const double scale = 0.25;

  g_assert_no_error (error);
  page = poppler_document_get_page (doc, page_index);
  poppler_page_get_size (page, &out->width, &out->height);
  w = (int)ceil (out->width * scale);
  h = (int)ceil (out->height * scale);
  s = cairo_image_surface_create (CAIRO_FORMAT_RGB24, w, h);
  cr = cairo_create (s);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  cairo_scale (cr, scale, scale);
  poppler_page_render (page, cr);
  cairo_destroy (cr);
  cairo_surface_flush (s);
  {
    const guint8 *data = cairo_image_surface_get_data (s);
    int stride = cairo_image_surface_get_stride (s);
    int xs[2] = { w / 4, 3 * w / 4 }, ys[2] = { h / 4, 3 * h / 4 };
    guint8 *slots[4] = { out->tl, out->tr, out->bl, out->br };

    for (int i = 0; i < 4; i++)
      {
        const guint8 *px = data + ys[i / 2] * stride + xs[i % 2] * 4; /* BGRx */

        slots[i][0] = px[2] > 128 ? 255 : 0;
        slots[i][1] = px[1] > 128 ? 255 : 0;
        slots[i][2] = px[0] > 128 ? 255 : 0;
      }
  }
  cairo_surface_destroy (s);
}

#define RED ((guint8[3]){ 255, 0, 0 })
#define GREEN ((guint8[3]){ 0, 255, 0 })
#define BLUE ((guint8[3]){ 0, 0, 255 })
#define WHITE ((guint8[3]){ 255, 255, 255 })

static void
assert_colour (const guint8 *got, const guint8 *want)
{
  g_assert_cmpmem (got, 3, want, 3);
}

static char *
convert_one (const char *image, const char *name)
{
  g_autofree char *dir = kyso_test_tmpdir ();
  char *out = g_build_filename (dir, name, NULL);
  const char *paths[] = { image, NULL };
  g_autoptr (GError) error = NULL;
  gint64 size = 0;

  g_assert_true (kyso_pdf_from_images (paths, out, NULL, &size, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (size, >, 0);
  return out;
}

/* Orientation 6 (the phone turned clockwise): the picture is turned back, the page is portrait. */
static void
test_jpeg_orientation (void)
{
  g_autofree char *dir = kyso_test_tmpdir ();
  const struct
  {
    int orientation;
    const guint8 *tl, *tr, *bl, *br;
    gboolean turned;
  } cases[] = {
    { 1, RED, GREEN, BLUE, WHITE, FALSE }, { 2, GREEN, RED, WHITE, BLUE, FALSE },
    { 3, WHITE, BLUE, GREEN, RED, FALSE }, { 4, BLUE, WHITE, RED, GREEN, FALSE },
    { 5, RED, BLUE, GREEN, WHITE, TRUE },  { 6, BLUE, RED, WHITE, GREEN, TRUE },
    { 7, WHITE, GREEN, BLUE, RED, TRUE },  { 8, GREEN, WHITE, RED, BLUE, TRUE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *name = g_strdup_printf ("photo-%d.jpg", cases[i].orientation);
      g_autofree char *jpg = g_build_filename (dir, name, NULL);
      g_autofree char *pdf = NULL;
      PageLook l = { 0 };

      /* 400×200 at 100 dpi: 288×144 points, landscape as stored. */
      write_jpeg (jpg, 400, 200, cases[i].orientation, 100);
      pdf = convert_one (jpg, "photo.pdf");
      look (pdf, 0, &l);
      g_test_message ("orientation %d", cases[i].orientation);
      g_assert_cmpfloat_with_epsilon (l.width, cases[i].turned ? 144 : 288, 0.01);
      g_assert_cmpfloat_with_epsilon (l.height, cases[i].turned ? 288 : 144, 0.01);
      assert_colour (l.tl, cases[i].tl);
      assert_colour (l.tr, cases[i].tr);
      assert_colour (l.bl, cases[i].bl);
      assert_colour (l.br, cases[i].br);
    }
}

/* The JPEG is embedded as it is: its bytes are inside the PDF. */
static void
test_jpeg_not_reencoded (void)
{
  g_autofree char *dir = kyso_test_tmpdir ();
  g_autofree char *jpg = g_build_filename (dir, "scan.jpg", NULL);
  g_autofree char *pdf = NULL;
  g_autofree char *jdata = NULL;
  g_autofree char *pdata = NULL;
  gsize jlen = 0, plen = 0;

  write_jpeg (jpg, 300, 300, 0, 0);
  pdf = convert_one (jpg, "scan.pdf");
  g_assert_true (g_file_get_contents (jpg, &jdata, &jlen, NULL));
  g_assert_true (g_file_get_contents (pdf, &pdata, &plen, NULL));
  g_assert_nonnull (memmem (pdata, plen, jdata, jlen));
  g_assert_nonnull (strstr (pdata, "/DCTDecode"));
}

/* Page size: from the resolution; 150 dpi when none; A4 at most. */
static void
test_page_size (void)
{
  g_autofree char *dir = kyso_test_tmpdir ();
  g_autofree char *a = g_build_filename (dir, "nodpi.jpg", NULL);
  g_autofree char *b = g_build_filename (dir, "huge.jpg", NULL);
  g_autofree char *pdf_a = NULL;
  g_autofree char *pdf_b = NULL;
  PageLook la = { 0 }, lb = { 0 };

  write_jpeg (a, 300, 600, 0, 0);    /* 150 dpi → 144 × 288 points */
  write_jpeg (b, 4000, 3000, 0, 72); /* 72 dpi → 4000 × 3000 points → A4 landscape */
  pdf_a = convert_one (a, "a.pdf");
  pdf_b = convert_one (b, "b.pdf");
  look (pdf_a, 0, &la);
  look (pdf_b, 0, &lb);
  g_assert_cmpfloat_with_epsilon (la.width, 144, 0.01);
  g_assert_cmpfloat_with_epsilon (la.height, 288, 0.01);
  /* 4:3 inside 841.89 × 595.276: the height decides. */
  g_assert_cmpfloat_with_epsilon (lb.height, 595.276, 0.01);
  g_assert_cmpfloat_with_epsilon (lb.width, 4000 * 595.276 / 3000, 0.01);
}

/* PNG: transparency onto white, several pages in one PDF with a JPEG. */
static void
test_png_and_pages (void)
{
  g_autofree char *dir = kyso_test_tmpdir ();
  g_autofree char *png = g_build_filename (dir, "scan.png", NULL);
  g_autofree char *jpg = g_build_filename (dir, "photo.jpg", NULL);
  g_autofree char *pdf = g_build_filename (dir, "both.pdf", NULL);
  const char *paths[] = { png, jpg, NULL };
  g_autoptr (GError) error = NULL;
  g_autofree char *uri = g_filename_to_uri (pdf, NULL, NULL);
  g_autoptr (PopplerDocument) doc = NULL;
  PageLook l = { 0 };

  write_png (png, 200, 100, TRUE);
  write_jpeg (jpg, 200, 100, 6, 0);
  g_assert_true (kyso_pdf_from_images (paths, pdf, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  doc = poppler_document_new_from_file (uri, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (poppler_document_get_n_pages (doc), ==, 2);
  look (pdf, 0, &l);
  assert_colour (l.tl, RED);
  assert_colour (l.tr, GREEN);
  assert_colour (l.bl, WHITE); /* transparent blue composed onto white */
  assert_colour (l.br, WHITE);
  g_assert_cmpint (kyso_test_run (NULL, NULL, "qpdf", "--check", pdf, NULL), ==, 0);
}

/* Over the limit: the images are shrunk until the PDF fits; when they cannot, the message says
 * the size reached, and nothing is written. */
static void
test_size_limit (void)
{
  g_autofree char *dir = kyso_test_tmpdir ();
  g_autofree char *png = g_build_filename (dir, "big.png", NULL);
  g_autofree char *fits = g_build_filename (dir, "fits.pdf", NULL);
  g_autofree char *never = g_build_filename (dir, "never.pdf", NULL);
  const char *paths[] = { png, NULL };
  g_autoptr (GError) error = NULL;
  KysoPdfFromImageOptions small = { .max_bytes = 60 * 1024 };
  KysoPdfFromImageOptions tiny = { .max_bytes = 200 };
  gint64 full = 0, size = 0;
  cairo_surface_t *s = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 1200, 900);
  guint32 *px = (guint32 *)cairo_image_surface_get_data (s);
  g_autofree char *plain = g_build_filename (dir, "plain.pdf", NULL);

  /* Noise does not deflate: a PNG-made PDF of about 3 MB. */
  for (gsize i = 0; i < 1200 * 900; i++)
    px[i] = g_random_int () & 0xffffff;
  cairo_surface_mark_dirty (s);
  g_assert_cmpint (cairo_surface_write_to_png (s, png), ==, CAIRO_STATUS_SUCCESS);
  cairo_surface_destroy (s);

  g_assert_true (kyso_pdf_from_images (paths, plain, NULL, &full, NULL, &error));
  g_assert_cmpint (full, >, 1024 * 1024);
  g_assert_true (kyso_pdf_from_images (paths, fits, &small, &size, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (size, <=, small.max_bytes);
  {
    PageLook a = { 0 }, b = { 0 };

    look (plain, 0, &a);
    look (fits, 0, &b);
    g_assert_cmpfloat_with_epsilon (a.width, b.width, 0.5); /* the page keeps its size */
    g_assert_cmpfloat_with_epsilon (a.height, b.height, 0.5);
  }
  g_assert_false (kyso_pdf_from_images (paths, never, &tiny, &size, NULL, &error));
  g_assert_error (error, KYSO_ERROR, KYSO_ERROR_LIMIT);
  g_assert_false (g_file_test (never, G_FILE_TEST_EXISTS));
}

static void
test_bad_input (void)
{
  g_autofree char *dir = kyso_test_tmpdir ();
  g_autofree char *txt = g_build_filename (dir, "note.jpg", NULL);
  g_autofree char *cut = g_build_filename (dir, "cut.png", NULL);
  g_autofree char *jpg_cut = g_build_filename (dir, "cut.jpg", NULL);
  g_autofree char *out = g_build_filename (dir, "out.pdf", NULL);
  g_autofree char *png_data = NULL;
  g_autofree char *jpg_data = NULL;
  gsize len = 0;
  g_autoptr (GError) error = NULL;
  const char *none[] = { NULL };

  g_assert_true (g_file_set_contents (txt, "not an image", -1, NULL));
  g_assert_false (kyso_pdf_from_images ((const char *[]){ txt, NULL }, out, NULL, NULL, NULL, &error));
  g_assert_error (error, KYSO_ERROR, KYSO_ERROR_UNSUPPORTED);
  g_clear_error (&error);

  write_png (cut, 100, 100, FALSE);
  g_assert_true (g_file_get_contents (cut, &png_data, &len, NULL));
  g_assert_true (g_file_set_contents (cut, png_data, (gssize)len / 2, NULL));
  g_assert_false (kyso_pdf_from_images ((const char *[]){ cut, NULL }, out, NULL, NULL, NULL, &error));
  g_assert_error (error, KYSO_ERROR, KYSO_ERROR_BROKEN_FILE);
  g_clear_error (&error);

  write_jpeg (jpg_cut, 100, 100, 0, 0);
  g_assert_true (g_file_get_contents (jpg_cut, &jpg_data, &len, NULL));
  g_assert_true (g_file_set_contents (jpg_cut, jpg_data, 40, NULL)); /* headers cut before the frame */
  g_assert_false (kyso_pdf_from_images ((const char *[]){ jpg_cut, NULL }, out, NULL, NULL, NULL, &error));
  g_assert_error (error, KYSO_ERROR, KYSO_ERROR_BROKEN_FILE);
  g_clear_error (&error);

  g_assert_false (kyso_pdf_from_images (none, out, NULL, NULL, NULL, &error));
  g_assert_error (error, KYSO_ERROR, KYSO_ERROR_INVALID_INPUT);
  g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));
}

/* The photo's PDF signs like any PDF: pdfsig accepts the signature. */
static void
test_photo_signs (void)
{
  g_autofree char *dir = kyso_test_tmpdir ();
  g_autofree char *jpg = g_build_filename (dir, "cccd.jpg", NULL);
  g_autofree char *pdf = NULL;
  g_autofree char *signed_pdf = g_build_filename (dir, "cccd-signed.pdf", NULL);
  g_autofree char *out = NULL;
  g_autoptr (GError) error = NULL;
  KysoSignSessionOptions options = { .invisible = TRUE };

  write_jpeg (jpg, 800, 500, 6, 200);
  pdf = convert_one (jpg, "cccd.pdf");
  g_assert_true (kyso_test_sign (pdf, signed_pdf, &options, &error));
  g_assert_no_error (error);
  g_assert_cmpint (kyso_test_run (&out, NULL, "pdfsig", signed_pdf, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "Signature is Valid"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/pdf/from-image/jpeg-orientation", test_jpeg_orientation);
  g_test_add_func ("/pdf/from-image/jpeg-not-reencoded", test_jpeg_not_reencoded);
  g_test_add_func ("/pdf/from-image/page-size", test_page_size);
  g_test_add_func ("/pdf/from-image/png-and-pages", test_png_and_pages);
  g_test_add_func ("/pdf/from-image/size-limit", test_size_limit);
  g_test_add_func ("/pdf/from-image/bad-input", test_bad_input);
  g_test_add_func ("/pdf/from-image/photo-signs", test_photo_signs);
  return g_test_run ();
}
