/* kyso-page-geometry.c: box ↔ PDF coordinates on cropped, rotated and zoomed pages (GTK-free:
 * the document page, the placement rule and their tests share it) */

#include "kyso-page-geometry.h"

#include <math.h>

void
kyso_page_rect_normalize (KysoPageRect *rect)
{
  if (rect->x0 > rect->x1)
    {
      double t = rect->x0;
      rect->x0 = rect->x1;
      rect->x1 = t;
    }
  if (rect->y0 > rect->y1)
    {
      double t = rect->y0;
      rect->y0 = rect->y1;
      rect->y1 = t;
    }
}

double
kyso_page_rect_get_width (const KysoPageRect *rect)
{
  return fabs (rect->x1 - rect->x0);
}

double
kyso_page_rect_get_height (const KysoPageRect *rect)
{
  return fabs (rect->y1 - rect->y0);
}

void
kyso_page_geometry_init (KysoPageGeometry *self, double crop_x0, double crop_y0, double crop_x1,
                         double crop_y1, int rotate)
{
  g_return_if_fail (self != NULL);

  self->crop = (KysoPageRect){ crop_x0, crop_y0, crop_x1, crop_y1 };
  kyso_page_rect_normalize (&self->crop);

  /* Round to a quarter turn, then fold into [0, 360): -90 is 270, 450 is 90. */
  int quarter = (int)lround (rotate / 90.0);
  quarter %= 4;
  if (quarter < 0)
    quarter += 4;
  self->rotate = quarter * 90;
}

static gboolean
is_sideways (const KysoPageGeometry *self)
{
  return self->rotate == 90 || self->rotate == 270;
}

double
kyso_page_geometry_get_width (const KysoPageGeometry *self)
{
  return is_sideways (self) ? kyso_page_rect_get_height (&self->crop)
                            : kyso_page_rect_get_width (&self->crop);
}

double
kyso_page_geometry_get_height (const KysoPageGeometry *self)
{
  return is_sideways (self) ? kyso_page_rect_get_width (&self->crop)
                            : kyso_page_rect_get_height (&self->crop);
}

/* (u, v): page points as shown, y down. (a, b): the same point on the unturned crop box, y
 * down from its top-left corner. Turning clockwise by 90° sends (a, b) to (ch − b, a). */
static void
shown_to_pdf_point (const KysoPageGeometry *self, double u, double v, double *px, double *py)
{
  double cw = kyso_page_rect_get_width (&self->crop);
  double ch = kyso_page_rect_get_height (&self->crop);
  double a, b;

  switch (self->rotate)
    {
      case 90:
        a = v;
        b = ch - u;
        break;
      case 180:
        a = cw - u;
        b = ch - v;
        break;
      case 270:
        a = cw - v;
        b = u;
        break;
      default:
        a = u;
        b = v;
        break;
    }

  *px = self->crop.x0 + a;
  *py = self->crop.y1 - b;
}

static void
pdf_to_shown_point (const KysoPageGeometry *self, double px, double py, double *u, double *v)
{
  double cw = kyso_page_rect_get_width (&self->crop);
  double ch = kyso_page_rect_get_height (&self->crop);
  double a = px - self->crop.x0;
  double b = self->crop.y1 - py;

  switch (self->rotate)
    {
      case 90:
        *u = ch - b;
        *v = a;
        break;
      case 180:
        *u = cw - a;
        *v = ch - b;
        break;
      case 270:
        *u = b;
        *v = cw - a;
        break;
      default:
        *u = a;
        *v = b;
        break;
    }
}

void
kyso_page_geometry_to_pdf (const KysoPageGeometry *self, const KysoPageRect *page_points, KysoPageRect *pdf)
{
  KysoPageRect out;

  g_return_if_fail (self != NULL && page_points != NULL && pdf != NULL);

  shown_to_pdf_point (self, page_points->x0, page_points->y0, &out.x0, &out.y0);
  shown_to_pdf_point (self, page_points->x1, page_points->y1, &out.x1, &out.y1);
  kyso_page_rect_normalize (&out);
  *pdf = out;
}

void
kyso_page_geometry_from_pdf (const KysoPageGeometry *self, const KysoPageRect *pdf, KysoPageRect *page_points)
{
  KysoPageRect out;

  g_return_if_fail (self != NULL && pdf != NULL && page_points != NULL);

  pdf_to_shown_point (self, pdf->x0, pdf->y0, &out.x0, &out.y0);
  pdf_to_shown_point (self, pdf->x1, pdf->y1, &out.x1, &out.y1);
  kyso_page_rect_normalize (&out);
  *page_points = out;
}

void
kyso_page_geometry_view_to_pdf (const KysoPageGeometry *self, double scale, const KysoPageRect *view,
                                KysoPageRect *pdf)
{
  KysoPageRect pts;

  g_return_if_fail (scale > 0);
  g_return_if_fail (view != NULL);

  pts = (KysoPageRect){ view->x0 / scale, view->y0 / scale, view->x1 / scale, view->y1 / scale };
  kyso_page_geometry_to_pdf (self, &pts, pdf);
}

void
kyso_page_geometry_pdf_to_view (const KysoPageGeometry *self, double scale, const KysoPageRect *pdf,
                                KysoPageRect *view)
{
  KysoPageRect pts;

  g_return_if_fail (scale > 0);
  g_return_if_fail (view != NULL);

  kyso_page_geometry_from_pdf (self, pdf, &pts);
  *view = (KysoPageRect){ pts.x0 * scale, pts.y0 * scale, pts.x1 * scale, pts.y1 * scale };
}

void
kyso_page_geometry_from_shown_y_up (const KysoPageGeometry *self, const KysoPageRect *shown_y_up,
                                    KysoPageRect *page_points)
{
  double h;
  KysoPageRect out;

  g_return_if_fail (self != NULL && shown_y_up != NULL && page_points != NULL);

  h = kyso_page_geometry_get_height (self);
  out = (KysoPageRect){ shown_y_up->x0, h - shown_y_up->y1, shown_y_up->x1, h - shown_y_up->y0 };
  kyso_page_rect_normalize (&out);
  *page_points = out;
}

gboolean
kyso_page_geometry_clamp (const KysoPageGeometry *self, KysoPageRect *box, double min_width,
                          double min_height)
{
  double pw, ph, w, h;
  KysoPageRect before;

  g_return_val_if_fail (self != NULL && box != NULL, FALSE);

  before = *box;
  kyso_page_rect_normalize (box);
  pw = kyso_page_geometry_get_width (self);
  ph = kyso_page_geometry_get_height (self);

  w = CLAMP (box->x1 - box->x0, MIN (min_width, pw), pw);
  h = CLAMP (box->y1 - box->y0, MIN (min_height, ph), ph);

  /* Slide back inside rather than shrink: the size is what the user chose. */
  box->x0 = CLAMP (box->x0, 0, pw - w);
  box->y0 = CLAMP (box->y0, 0, ph - h);
  box->x1 = box->x0 + w;
  box->y1 = box->y0 + h;

  return box->x0 != before.x0 || box->y0 != before.y0 || box->x1 != before.x1 || box->y1 != before.y1;
}
