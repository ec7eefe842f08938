/* test-page-geometry.c: box ↔ PDF coordinates, checked by hand and against poppler's own
 * rendering of real files with /CropBox offsets and every /Rotate, at several zoom levels. */

#include <poppler.h>
#include <glib/gstdio.h>
#include <math.h>

#include "kyso-page-geometry.h"
#include "test-document-pdf.h"

static const int rotations[] = { 0, 90, 180, 270 };
static const double scales[] = { 0.5, 1.0, 1.37, 2.0, 3.0 };

static void
assert_rect_near (const KysoPageRect *r, double x0, double y0, double x1, double y1)
{
  g_assert_cmpfloat_with_epsilon (r->x0, x0, 1e-9);
  g_assert_cmpfloat_with_epsilon (r->y0, y0, 1e-9);
  g_assert_cmpfloat_with_epsilon (r->x1, x1, 1e-9);
  g_assert_cmpfloat_with_epsilon (r->y1, y1, 1e-9);
}

static void
test_init_normalises (void)
{
  KysoPageGeometry g;

  kyso_page_geometry_init (&g, 550, 700, 50, 100, -90);
  assert_rect_near (&g.crop, 50, 100, 550, 700);
  g_assert_cmpint (g.rotate, ==, 270);
  kyso_page_geometry_init (&g, 0, 0, 10, 10, 450);
  g_assert_cmpint (g.rotate, ==, 90);
  kyso_page_geometry_init (&g, 0, 0, 10, 10, 720);
  g_assert_cmpint (g.rotate, ==, 0);
  kyso_page_geometry_init (&g, 0, 0, 10, 10, 91);
  g_assert_cmpint (g.rotate, ==, 90);
}

/* A 500 × 600 crop box at (50, 100): a 100 × 40 box in the top-left corner of the page as
 * shown lands on a different corner of the crop box for each rotation. */
static void
test_by_hand (void)
{
  KysoPageGeometry g;
  KysoPageRect box = { 0, 0, 100, 40 }, pdf;

  kyso_page_geometry_init (&g, 50, 100, 550, 700, 0);
  g_assert_cmpfloat (kyso_page_geometry_get_width (&g), ==, 500);
  g_assert_cmpfloat (kyso_page_geometry_get_height (&g), ==, 600);
  kyso_page_geometry_to_pdf (&g, &box, &pdf);
  assert_rect_near (&pdf, 50, 660, 150, 700); /* top-left of the crop box */

  kyso_page_geometry_init (&g, 50, 100, 550, 700, 90);
  g_assert_cmpfloat (kyso_page_geometry_get_width (&g), ==, 600);
  g_assert_cmpfloat (kyso_page_geometry_get_height (&g), ==, 500);
  kyso_page_geometry_to_pdf (&g, &box, &pdf);
  assert_rect_near (&pdf, 50, 100, 90, 200); /* turned clockwise: bottom-left */

  kyso_page_geometry_init (&g, 50, 100, 550, 700, 180);
  kyso_page_geometry_to_pdf (&g, &box, &pdf);
  assert_rect_near (&pdf, 450, 100, 550, 140); /* bottom-right */

  kyso_page_geometry_init (&g, 50, 100, 550, 700, 270);
  kyso_page_geometry_to_pdf (&g, &box, &pdf);
  assert_rect_near (&pdf, 510, 600, 550, 700); /* top-right */

  /* The same box at zoom 2 in view pixels is twice as large on screen. */
  box = (KysoPageRect){ 0, 0, 200, 80 };
  kyso_page_geometry_view_to_pdf (&g, 2.0, &box, &pdf);
  assert_rect_near (&pdf, 510, 600, 550, 700);
}

static void
test_round_trip (void)
{
  for (guint r = 0; r < G_N_ELEMENTS (rotations); r++)
    for (guint s = 0; s < G_N_ELEMENTS (scales); s++)
      {
        KysoPageGeometry g;
        KysoPageRect view = { 33.5, 71.25, 233.5, 151.25 }, pdf, back;

        kyso_page_geometry_init (&g, -20, 30, 592, 871, rotations[r]);
        kyso_page_geometry_view_to_pdf (&g, scales[s], &view, &pdf);
        /* Size survives the turn (swapped for a quarter turn) and the zoom. */
        if (rotations[r] % 180 == 0)
          g_assert_cmpfloat_with_epsilon (kyso_page_rect_get_width (&pdf), 200 / scales[s], 1e-9);
        else
          g_assert_cmpfloat_with_epsilon (kyso_page_rect_get_height (&pdf), 200 / scales[s], 1e-9);
        kyso_page_geometry_pdf_to_view (&g, scales[s], &pdf, &back);
        assert_rect_near (&back, view.x0, view.y0, view.x1, view.y1);
      }
}

static void
test_clamp (void)
{
  KysoPageGeometry g;
  KysoPageRect box;

  kyso_page_geometry_init (&g, 0, 0, 595, 842, 90); /* shown 842 × 595 */

  box = (KysoPageRect){ 10, 10, 110, 60 };
  g_assert_false (kyso_page_geometry_clamp (&g, &box, 20, 10));

  box = (KysoPageRect){ 800, 580, 900, 630 }; /* off the bottom-right: slides back */
  g_assert_true (kyso_page_geometry_clamp (&g, &box, 20, 10));
  assert_rect_near (&box, 742, 545, 842, 595);

  box = (KysoPageRect){ -30, -5, 70, 45 }; /* off the top-left */
  g_assert_true (kyso_page_geometry_clamp (&g, &box, 20, 10));
  assert_rect_near (&box, 0, 0, 100, 50);

  box = (KysoPageRect){ 100, 100, 102, 101 }; /* too small: grows to the minimum */
  g_assert_true (kyso_page_geometry_clamp (&g, &box, 20, 10));
  assert_rect_near (&box, 100, 100, 120, 110);

  box = (KysoPageRect){ -10, -10, 2000, 2000 }; /* larger than the page */
  g_assert_true (kyso_page_geometry_clamp (&g, &box, 20, 10));
  assert_rect_near (&box, 0, 0, 842, 595);
}

/* Fraction of dark pixels in [x0, x1) × [y0, y1) of an ARGB32 surface, clipped. */
static double
dark_fraction (cairo_surface_t *surface, int x0, int y0, int x1, int y1)
{
  int w = cairo_image_surface_get_width (surface), h = cairo_image_surface_get_height (surface);
  int stride = cairo_image_surface_get_stride (surface);
  const guint8 *data = cairo_image_surface_get_data (surface);
  guint dark = 0, total = 0;

  x0 = MAX (x0, 0), y0 = MAX (y0, 0), x1 = MIN (x1, w), y1 = MIN (y1, h);
  for (int y = y0; y < y1; y++)
    for (int x = x0; x < x1; x++)
      {
        guint32 px = *(const guint32 *)(data + y * stride + x * 4);
        total++;
        if ((px & 0xff) < 64 && ((px >> 8) & 0xff) < 64 && ((px >> 16) & 0xff) < 64)
          dark++;
      }
  return total ? (double)dark / total : 0;
}

/* Each page carries a black square at a known place in PDF user space. poppler renders the
 * page as the reader sees it; the geometry must predict where the square is on screen. */
static void
test_against_poppler (void)
{
  g_autofree char *dir = g_dir_make_tmp ("kyso-geometry-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "rotated.pdf", NULL);
  g_autofree char *uri = g_filename_to_uri (path, NULL, NULL);
  KysoTestPage pages[8] = { 0 };
  g_autoptr (GError) error = NULL;
  PopplerDocument *doc = NULL;

  for (guint i = 0; i < 8; i++)
    {
      KysoTestPage *p = &pages[i];
      p->media[0] = 0, p->media[1] = 0, p->media[2] = 612, p->media[3] = 792;
      if (i >= 4) /* the second half is cropped off-centre */
        p->crop[0] = 40, p->crop[1] = 120, p->crop[2] = 560, p->crop[3] = 700;
      p->rotate = rotations[i % 4];
      p->fill[0] = 100, p->fill[1] = 500, p->fill[2] = 220, p->fill[3] = 560;
      p->text = "Sign here";
      p->text_x = 300, p->text_y = 200, p->text_size = 20;
    }
  g_assert_true (kyso_test_pdf_write (path, pages, 8, &error));
  g_assert_no_error (error);

  doc = poppler_document_new_from_file (uri, NULL, &error);
  g_assert_no_error (error);

  for (guint i = 0; i < 8; i++)
    {
      PopplerPage *page = poppler_document_get_page (doc, i);
      PopplerRectangle crop;
      KysoPageGeometry g;
      double w, h;
      GList *found;

      poppler_page_get_crop_box (page, &crop);
      kyso_page_geometry_init (&g, crop.x1, crop.y1, crop.x2, crop.y2, pages[i].rotate);
      poppler_page_get_size (page, &w, &h);
      g_assert_cmpfloat_with_epsilon (kyso_page_geometry_get_width (&g), w, 1e-6);
      g_assert_cmpfloat_with_epsilon (kyso_page_geometry_get_height (&g), h, 1e-6);

      for (guint s = 0; s < G_N_ELEMENTS (scales); s++)
        {
          double scale = scales[s];
          cairo_surface_t *surface
            = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, (int)ceil (w * scale), (int)ceil (h * scale));
          cairo_t *cr = cairo_create (surface);
          KysoPageRect fill = { pages[i].fill[0], pages[i].fill[1], pages[i].fill[2], pages[i].fill[3] };
          KysoPageRect view;

          cairo_set_source_rgb (cr, 1, 1, 1);
          cairo_paint (cr);
          cairo_scale (cr, scale, scale);
          poppler_page_render (page, cr);
          cairo_destroy (cr);
          cairo_surface_flush (surface);

          kyso_page_geometry_pdf_to_view (&g, scale, &fill, &view);
          /* Inside (one pixel in from the edges) all black; a 3-pixel ring outside all white. */
          g_assert_cmpfloat (
            dark_fraction (surface, (int)view.x0 + 1, (int)view.y0 + 1, (int)view.x1 - 1, (int)view.y1 - 1),
            >, 0.99);
          g_assert_cmpfloat (
            dark_fraction (surface, (int)view.x0 - 4, (int)view.y0 - 4, (int)view.x0 - 1, (int)view.y1 + 4),
            <, 0.01);
          g_assert_cmpfloat (
            dark_fraction (surface, (int)view.x1 + 2, (int)view.y0 - 4, (int)view.x1 + 5, (int)view.y1 + 4),
            <, 0.01);
          g_assert_cmpfloat (
            dark_fraction (surface, (int)view.x0 - 4, (int)view.y0 - 4, (int)view.x1 + 4, (int)view.y0 - 1),
            <, 0.01);
          g_assert_cmpfloat (
            dark_fraction (surface, (int)view.x0 - 4, (int)view.y1 + 2, (int)view.x1 + 4, (int)view.y1 + 5),
            <, 0.01);
          cairo_surface_destroy (surface);
        }

      /* Found text comes back as shown, y up; through the geometry it lands where it was
       * drawn: starting at x = 300, baseline y = 200 in user space. */
      found = poppler_page_find_text (page, "Sign here");
      g_assert_nonnull (found);
      {
        PopplerRectangle *r = found->data;
        KysoPageRect shown = { r->x1, r->y1, r->x2, r->y2 }, pts, pdf;

        kyso_page_geometry_from_shown_y_up (&g, &shown, &pts);
        kyso_page_geometry_to_pdf (&g, &pts, &pdf);
        g_assert_cmpfloat_with_epsilon (pdf.x0, 300, 0.5);
        g_assert_cmpfloat (pdf.y0, <=, 200);
        g_assert_cmpfloat (pdf.y0, >, 190);
        g_assert_cmpfloat (pdf.y1, >, 210);
        g_assert_cmpfloat (pdf.y1, <, 225);
      }
      g_list_free_full (found, (GDestroyNotify)poppler_rectangle_free);
      g_object_unref (page);
    }

  g_object_unref (doc);

  g_unlink (path);
  g_rmdir (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/geometry/init-normalises", test_init_normalises);
  g_test_add_func ("/geometry/by-hand", test_by_hand);
  g_test_add_func ("/geometry/round-trip", test_round_trip);
  g_test_add_func ("/geometry/clamp", test_clamp);
  g_test_add_func ("/geometry/against-poppler", test_against_poppler);
  return g_test_run ();
}
