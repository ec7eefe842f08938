#include "config.h"

#include "kyso-pdf-placement.h"
#include "kyso-page-geometry.h"
#include "kyso-error.h"

#include <glib/gi18n-lib.h>
#include <poppler.h>
#include <string.h>

/* Distance between the keyword's line and the box, and from the page edges. */
#define GAP 4.0
#define MARGIN 36.0

/* One mapping between the page as shown and user space: kyso-page-geometry.h (the document page
 * uses the same). "Display" space here is that shown page with the origin at the lower left and
 * y up, as poppler reports found text. */
static void
geometry_of (const KysoPdfPage *page, KysoPageGeometry *g)
{
  kyso_page_geometry_init (g, page->crop_box[0], page->crop_box[1], page->crop_box[2], page->crop_box[3],
                           page->rotate);
}

void
kyso_pdf_page_display_size (const KysoPdfPage *page, double *width, double *height)
{
  KysoPageGeometry g;

  geometry_of (page, &g);
  *width = kyso_page_geometry_get_width (&g);
  *height = kyso_page_geometry_get_height (&g);
}

static void
corners_to_rect (double ax, double ay, double bx, double by, double out[4])
{
  out[0] = MIN (ax, bx);
  out[1] = MIN (ay, by);
  out[2] = MAX (ax, bx) - out[0];
  out[3] = MAX (ay, by) - out[1];
}

void
kyso_pdf_page_display_to_user (const KysoPdfPage *page, const double d[4], double u[4])
{
  KysoPageGeometry g;
  KysoPageRect shown_y_up = { d[0], d[1], d[0] + d[2], d[1] + d[3] };
  KysoPageRect points, pdf;

  geometry_of (page, &g);
  kyso_page_geometry_from_shown_y_up (&g, &shown_y_up, &points);
  kyso_page_geometry_to_pdf (&g, &points, &pdf);
  corners_to_rect (pdf.x0, pdf.y0, pdf.x1, pdf.y1, u);
}

void
kyso_pdf_page_user_to_display (const KysoPdfPage *page, const double u[4], double d[4])
{
  KysoPageGeometry g;
  KysoPageRect pdf = { u[0], u[1], u[0] + u[2], u[1] + u[3] };
  KysoPageRect points;
  double h;

  geometry_of (page, &g);
  kyso_page_geometry_from_pdf (&g, &pdf, &points);
  h = kyso_page_geometry_get_height (&g);
  corners_to_rect (points.x0, h - points.y1, points.x1, h - points.y0, d);
}

/* Keeps a display box inside the displayed page (shrinking it only if the page is smaller). */
static void
clamp_display (const KysoPdfPage *page, double d[4])
{
  double pw, ph;

  kyso_pdf_page_display_size (page, &pw, &ph);
  d[2] = MIN (d[2], pw);
  d[3] = MIN (d[3], ph);
  d[0] = CLAMP (d[0], 0, pw - d[2]);
  d[1] = CLAMP (d[1], 0, ph - d[3]);
}

void
kyso_pdf_placement_default (const KysoPdfPage *page, double width, double height, double user_rect[4])
{
  double pw, ph, d[4];
  double margin;

  kyso_pdf_page_display_size (page, &pw, &ph);
  margin = MIN (MARGIN, MIN (pw, ph) / 10);
  d[2] = width;
  d[3] = height;
  d[0] = pw - margin - width;
  d[1] = margin;
  clamp_display (page, d);
  kyso_pdf_page_display_to_user (page, d, user_rect);
}

/* Signatures --------------------------------------------------------------------------------- */

static gboolean
is_signature_field (KysoPdfDocument *doc, KysoPdfObject *annot)
{
  g_autoptr(KysoPdfObject) node = kyso_pdf_object_ref (annot);

  /* /FT may be inherited from a parent field: a bounded walk up the tree. */
  for (guint depth = 0; depth < 32 && kyso_pdf_object_get_kind (node) == KYSO_PDF_DICT; depth++)
    {
      g_autoptr(KysoPdfObject) ft = kyso_pdf_document_resolve (doc, kyso_pdf_dict_get (node, "FT"), NULL);
      KysoPdfObject *parent;

      if (ft != NULL && kyso_pdf_object_get_kind (ft) == KYSO_PDF_NAME)
        return kyso_pdf_object_is_name (ft, "Sig");
      parent = kyso_pdf_document_resolve (doc, kyso_pdf_dict_get (node, "Parent"), NULL);
      kyso_pdf_object_unref (node);
      node = parent;
      if (node == NULL)
        return FALSE;
    }
  return FALSE;
}

GArray *
kyso_pdf_placement_list_signatures (KysoPdfDocument *doc, const KysoPdfPage *page)
{
  GArray *out = g_array_new (FALSE, FALSE, sizeof (KysoPdfPlacement));
  g_autoptr(KysoPdfObject) annots = NULL;

  if (page == NULL || page->dict == NULL)
    return out;
  annots = kyso_pdf_document_resolve (doc, kyso_pdf_dict_get (page->dict, "Annots"), NULL);
  if (annots == NULL || kyso_pdf_object_get_kind (annots) != KYSO_PDF_ARRAY)
    return out;
  for (guint i = 0; i < kyso_pdf_array_get_length (annots) && i < 10000; i++)
    {
      g_autoptr(KysoPdfObject) a = kyso_pdf_document_resolve (doc, kyso_pdf_array_get (annots, i), NULL);
      g_autoptr(KysoPdfObject) r = NULL;
      KysoPdfPlacement widget = { page->index, { 0 } };
      double v[4];
      gboolean ok = TRUE;

      if (a == NULL || kyso_pdf_object_get_kind (a) != KYSO_PDF_DICT
          || !kyso_pdf_object_is_name (kyso_pdf_dict_get (a, "Subtype"), "Widget")
          || !is_signature_field (doc, a))
        continue;
      r = kyso_pdf_document_resolve (doc, kyso_pdf_dict_get (a, "Rect"), NULL);
      if (r == NULL || kyso_pdf_object_get_kind (r) != KYSO_PDF_ARRAY || kyso_pdf_array_get_length (r) != 4)
        continue;
      for (guint k = 0; k < 4 && ok; k++)
        v[k] = kyso_pdf_object_get_number (kyso_pdf_array_get (r, k), &ok);
      if (!ok)
        continue;
      corners_to_rect (v[0], v[1], v[2], v[3], widget.rect);
      /* An invisible signature takes no room. */
      if (widget.rect[2] > 0.5 && widget.rect[3] > 0.5)
        g_array_append_val (out, widget);
    }
  return out;
}

/* Do two display boxes overlap (with a small gap kept between them)? */
static gboolean
overlaps (const double a[4], const double b[4])
{
  const double gap = 2.0;

  return a[0] < b[0] + b[2] + gap && b[0] < a[0] + a[2] + gap && a[1] < b[1] + b[3] + gap
         && b[1] < a[1] + a[3] + gap;
}

static gboolean
overlaps_any (const double d[4], const GArray *taken_display)
{
  for (guint i = 0; i < taken_display->len; i++)
    if (overlaps (d, g_array_index (taken_display, KysoPdfPlacement, i).rect))
      return TRUE;
  return FALSE;
}

gboolean
kyso_pdf_placement_avoid (const KysoPdfPage *page, GArray *taken, double user_rect[4])
{
  g_autoptr(GArray) shown = NULL;
  double d[4], best[4], pw, ph, best_dist = -1;
  const double step = 6.0;

  if (taken == NULL || taken->len == 0)
    return FALSE;
  shown = g_array_sized_new (FALSE, FALSE, sizeof (KysoPdfPlacement), taken->len);
  for (guint i = 0; i < taken->len; i++)
    {
      KysoPdfPlacement t = { page->index, { 0 } };
      kyso_pdf_page_user_to_display (page, g_array_index (taken, KysoPdfPlacement, i).rect, t.rect);
      g_array_append_val (shown, t);
    }
  kyso_pdf_page_user_to_display (page, user_rect, d);
  if (!overlaps_any (d, shown))
    return FALSE;
  kyso_pdf_page_display_size (page, &pw, &ph);
  /* The nearest free spot on a grid of the displayed page; the bounds are exact edges too. */
  for (double y = 0; y <= ph - d[3] + step; y += step)
    for (double x = 0; x <= pw - d[2] + step; x += step)
      {
        double c[4] = { MIN (x, pw - d[2]), MIN (y, ph - d[3]), d[2], d[3] };
        double dist = (c[0] - d[0]) * (c[0] - d[0]) + (c[1] - d[1]) * (c[1] - d[1]);

        if (c[0] < 0 || c[1] < 0 || (best_dist >= 0 && dist >= best_dist) || overlaps_any (c, shown))
          continue;
        memcpy (best, c, sizeof best);
        best_dist = dist;
      }
  if (best_dist < 0)
    return FALSE;
  kyso_pdf_page_display_to_user (page, best, user_rect);
  return TRUE;
}

/* The keyword ----------------------------------------------------------------------------------- */

static GArray *
find_in (PopplerDocument *pdoc, KysoPdfDocument *doc, const char *keyword, gboolean all, double width,
         double height, GCancellable *cancellable, GError **error)
{
  g_autoptr(GArray) out = g_array_new (FALSE, FALSE, sizeof (KysoPdfPlacement));
  int n_pages;

  n_pages = poppler_document_get_n_pages (pdoc);
  /* Last page first: the rule wants the last occurrence. */
  for (int i = n_pages - 1; i >= 0 && (all || out->len == 0); i--)
    {
      PopplerPage *ppage = poppler_document_get_page (pdoc, i);
      g_autoptr(KysoPdfPage) page = NULL;
      g_autoptr(GArray) taken = NULL;
      GList *matches;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        {
          g_clear_object (&ppage);
          return NULL;
        }
      if (ppage == NULL)
        continue;
      matches = poppler_page_find_text_with_options (ppage, keyword, POPPLER_FIND_DEFAULT);
      g_object_unref (ppage);
      if (matches == NULL)
        continue;
      page = kyso_pdf_document_get_page (doc, (guint)i, error);
      if (page == NULL)
        {
          g_list_free_full (matches, (GDestroyNotify)poppler_rectangle_free);
          return NULL;
        }
      taken = kyso_pdf_placement_list_signatures (doc, page);
      /* Lowest on the page first: poppler gives them in reading order. */
      matches = g_list_reverse (matches);
      for (GList *l = matches; l != NULL && (all || out->len == 0); l = l->next)
        {
          /* poppler gives the match in display space, origin at the lower left, y up. */
          PopplerRectangle *r = l->data;
          double cx = (r->x1 + r->x2) / 2;
          double bottom = MIN (r->y1, r->y2);
          double d[4] = { cx - width / 2, bottom - GAP - height, width, height };
          KysoPdfPlacement p = { (guint)i, { 0 } };

          clamp_display (page, d);
          kyso_pdf_page_display_to_user (page, d, p.rect);
          kyso_pdf_placement_avoid (page, taken, p.rect);
          g_array_append_val (out, p);
        }
      g_list_free_full (matches, (GDestroyNotify)poppler_rectangle_free);
    }
  if (out->len == 0)
    {
      g_set_error (
        error, KYSO_ERROR, KYSO_ERROR_NOT_FOUND,
        /* Translators: %s is the text searched for */
        _("The location keyword “%s” does not occur in the document. Place the signature by hand."),
           keyword);
      return NULL;
    }
  return g_steal_pointer (&out);
}

GArray *
kyso_pdf_placement_find_keyword (KysoPdfDocument *doc, const char *path, const char *keyword, gboolean all,
                                 double width, double height, GCancellable *cancellable, GError **error)
{
  g_autoptr(GFile) file = NULL;
  g_autoptr(GError) local = NULL;
  PopplerDocument *pdoc;
  GArray *out;

  g_return_val_if_fail (keyword != NULL, NULL);
  if (*keyword == 0)
    {
      g_set_error (error, KYSO_ERROR, KYSO_ERROR_INVALID_INPUT, _("The location keyword is empty."));
      return NULL;
    }
  file = g_file_new_for_path (path);
  pdoc = poppler_document_new_from_gfile (file, NULL, cancellable, &local);
  if (pdoc == NULL)
    {
      g_set_error (error, KYSO_ERROR, KYSO_ERROR_BROKEN_FILE,
                   /* Translators: %s is poppler's explanation */
                   _("Cannot search the document for the location keyword: %s"), local->message);
      return NULL;
    }
  out = find_in (pdoc, doc, keyword, all, width, height, cancellable, error);
  g_object_unref (pdoc);
  return out;
}
