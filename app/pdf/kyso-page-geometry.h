#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Pure arithmetic between the three coordinate systems a signature box lives in. No GTK and no
 * poppler here, so unit tests link this file alone.
 *
 * - PDF user space: the page's default user space, y up, in points, where /MediaBox, /CropBox
 *   and a widget annotation's /Rect are expressed. Not rotated.
 * - Page points: the page as the reader sees it — cropped to /CropBox, turned by /Rotate
 *   (clockwise) — origin at the top-left corner, y down, in points.
 * - View pixels: page points times the zoom scale (pixels per point), origin at the page's
 *   top-left corner on screen.
 *
 * Because /Rotate is a multiple of 90°, every rectangle maps to a rectangle. */

typedef struct
{
  double x0, y0, x1, y1; /* x0 <= x1, y0 <= y1 once normalised */
} KysoPageRect;

typedef struct
{
  KysoPageRect crop; /* /CropBox (already clipped to /MediaBox), PDF user space */
  int rotate;        /* 0, 90, 180 or 270: the clockwise turn applied when shown */
} KysoPageGeometry;

/* Normalises the box (any corner order) and the rotation (any multiple of 90, also negative;
 * other values are rounded to the nearest quarter turn, as viewers do). */
void
kyso_page_geometry_init (KysoPageGeometry *self, double crop_x0, double crop_y0, double crop_x1,
                         double crop_y1, int rotate);

/* Size of the page as shown, in page points (width and height swap for 90 and 270). */
double
kyso_page_geometry_get_width (const KysoPageGeometry *self);
double
kyso_page_geometry_get_height (const KysoPageGeometry *self);

/* Page points (y down, as shown) ↔ PDF user space. */
void
kyso_page_geometry_to_pdf (const KysoPageGeometry *self, const KysoPageRect *page_points, KysoPageRect *pdf);
void
kyso_page_geometry_from_pdf (const KysoPageGeometry *self, const KysoPageRect *pdf,
                             KysoPageRect *page_points);

/* View pixels at @scale (> 0) ↔ PDF user space: the composition of the above with the zoom. */
void
kyso_page_geometry_view_to_pdf (const KysoPageGeometry *self, double scale, const KysoPageRect *view,
                                KysoPageRect *pdf);
void
kyso_page_geometry_pdf_to_view (const KysoPageGeometry *self, double scale, const KysoPageRect *pdf,
                                KysoPageRect *view);

/* poppler-glib reports found text as rectangles on the page as shown but with y up (origin at
 * the bottom-left corner of the shown page). Converts such a rectangle to page points. */
void
kyso_page_geometry_from_shown_y_up (const KysoPageGeometry *self, const KysoPageRect *shown_y_up,
                                    KysoPageRect *page_points);

/* Keeps a box (page points) inside the shown page: at least @min_width × @min_height, at most
 * the page's size, moved (not shrunk) back inside when it sticks out. Returns TRUE if it changed. */
gboolean
kyso_page_geometry_clamp (const KysoPageGeometry *self, KysoPageRect *page_points, double min_width,
                          double min_height);

void
kyso_page_rect_normalize (KysoPageRect *rect);
double
kyso_page_rect_get_width (const KysoPageRect *rect);
double
kyso_page_rect_get_height (const KysoPageRect *rect);

G_END_DECLS
