#include "kyso-test-png.h"

#include <cairo.h>
#include <math.h>

static cairo_status_t
append_png (void *closure, const unsigned char *data, unsigned int length)
{
  g_byte_array_append (closure, data, length);
  return CAIRO_STATUS_SUCCESS;
}

GBytes *
kyso_test_make_signature_png (int width, int height, int variant)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);
  cairo_t *cr = cairo_create (surface);
  GByteArray *png = g_byte_array_new ();
  double w = width, h = height;
  /* A trochoid (a rolling loop) reads as cursive handwriting; the variant changes its rhythm. */
  double loops = 3.5 + 1.5 * (variant % 3);
  double radius = h * (0.2 + 0.04 * (variant % 2));
  double slant = 0.25 + 0.1 * (variant % 3);

  cairo_set_source_rgb (cr, 0.08, 0.16, 0.55);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  cairo_set_line_width (cr, MAX (2.0, h / 40.0));

  for (int i = 0; i <= 400; i++)
    {
      double t = i / 400.0;
      double a = t * loops * 2 * G_PI;
      double envelope = 0.6 + 0.4 * sin (t * G_PI * (1.5 + 0.5 * variant));
      double y = h * 0.5 - radius * envelope * sin (a) - h * 0.08 * sin (t * G_PI);
      double x = w * (0.1 + 0.72 * t) + radius * 0.8 * cos (a) + slant * (h * 0.5 - y);

      if (i == 0)
        cairo_move_to (cr, x, y);
      else
        cairo_line_to (cr, x, y);
    }
  cairo_stroke (cr);

  /* The underline flourish. */
  cairo_move_to (cr, 0.12 * w, 0.8 * h);
  cairo_curve_to (cr, 0.4 * w, (0.7 + 0.04 * variant) * h, 0.7 * w, 0.92 * h, 0.92 * w, 0.7 * h);
  cairo_stroke (cr);

  cairo_destroy (cr);
  g_assert_cmpint (cairo_surface_write_to_png_stream (surface, append_png, png), ==, CAIRO_STATUS_SUCCESS);
  cairo_surface_destroy (surface);
  return g_byte_array_free_to_bytes (png);
}
