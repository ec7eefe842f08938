#include "kyso-test-png.h"

#include <cairo.h>
#include <math.h>

static cairo_status_t
append_png (void                *closure,
            const unsigned char *data,
            unsigned int         length)
{
  g_byte_array_append (closure, data, length);
  return CAIRO_STATUS_SUCCESS;
}

GBytes *
kyso_test_make_signature_png (int width,
                              int height,
                              int variant)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);
  cairo_t *cr = cairo_create (surface);
  GByteArray *png = g_byte_array_new ();
  double w = width, h = height;
  double wave = 0.18 + 0.07 * (variant % 3);

  cairo_set_source_rgb (cr, 0.08, 0.16, 0.55);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  cairo_set_line_width (cr, MAX (2.0, h / 30.0));

  /* A looping name stroke … */
  cairo_move_to (cr, 0.08 * w, 0.65 * h);
  for (int i = 0; i < 5; i++)
    {
      double x = (0.12 + i * 0.15) * w;
      cairo_curve_to (cr, x, (0.1 + wave) * h, x + 0.09 * w, (0.05 + wave * (i % 2)) * h,
                      x + 0.06 * w, (0.7 - wave / 2) * h);
    }
  cairo_stroke (cr);
  /* … and the underline flourish. */
  cairo_move_to (cr, 0.1 * w, 0.82 * h);
  cairo_curve_to (cr, 0.4 * w, (0.7 + 0.05 * variant) * h, 0.7 * w, 0.95 * h, 0.93 * w, 0.72 * h);
  cairo_stroke (cr);

  cairo_destroy (cr);
  g_assert_cmpint (cairo_surface_write_to_png_stream (surface, append_png, png), ==, CAIRO_STATUS_SUCCESS);
  cairo_surface_destroy (surface);
  return g_byte_array_free_to_bytes (png);
}
