#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Writes small, valid PDFs for the document tests: each page has its own MediaBox, optional
 * CropBox and /Rotate, optional text lines (Helvetica) and an optional filled black square, so
 * tests can check where things land on screen and in the file. */

typedef struct
{
  double media[4]; /* x0 y0 x1 y1 */
  double crop[4];  /* all zero = no /CropBox */
  int rotate;
  const char *text; /* NULL = none; one line, ASCII */
  double text_x, text_y, text_size;
  double fill[4]; /* all zero = none; filled rectangle x0 y0 x1 y1 in user space */
} KysoTestPage;

gboolean
kyso_test_pdf_write (const char *path, const KysoTestPage *pages, guint n_pages, GError **error);

/* @n_pages A4 pages, each saying "Page N" at the top and, on @keyword_page (1-based, 0 for none),
 * the text @keyword near the lower right, where a signature usually goes. */
gboolean
kyso_test_pdf_write_simple (const char *path, guint n_pages, const char *keyword, guint keyword_page,
                            GError **error);

G_END_DECLS
