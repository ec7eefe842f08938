/* The Sneaky Signature class of attacks: a signature added after another one may draw anything in
 * its widget's appearance, and an update that "only adds a signature" then changes what the page
 * shows. A later signature's widget is harmless only when it sits on an empty part of the page. In
 * the file as the earlier signature signed it, the later widget's rectangle must not overlap
 * another annotation that was there (an earlier signature's box, a filled form field …: the
 * later widget's own empty field excepted, signing it is what fills it), nor page content: text or
 * an image found there by poppler, outside those annotations. Otherwise the later widget covers
 * something, and the earlier signature is reported as modified. */
#include "config.h"

#include "kyso-pdf-placement.h"
#include "kyso-pdf-verify-private.h"

#include <glib/gi18n-lib.h>
#include <poppler.h>
#include <string.h>

/* Annotation flags (ISO 32000-1 §12.5.3): Invisible, Hidden, NoView. */
#define ANNOT_NOT_SHOWN ((1 << 0) | (1 << 1) | (1 << 5))
/* A box shorter or narrower than this (points) draws nothing one could read. */
#define MIN_VISIBLE_POINTS 2.0
/* Annotations looked at per page, at most. */
#define MAX_ANNOTS 4096

typedef struct
{
  guint owner; /* index in the entries */
  guint page;
  guint32 num;    /* the widget annotation's object number */
  double rect[4]; /* user space, x0 y0 x1 y1 */
} Widget;

/* The rectangle of an annotation dictionary, normalised; FALSE when it has none, is too small,
 * or is not shown. */
static gboolean
annot_rect (KysoPdfDocument *doc, KysoPdfObject *annot, double rect[4])
{
  g_autoptr (KysoPdfObject) r = NULL;

  if (kyso_pdf_object_get_kind (annot) != KYSO_PDF_DICT
      || (kyso_pdf_object_get_int (kyso_pdf_dict_get (annot, "F"), NULL) & ANNOT_NOT_SHOWN) != 0)
    return FALSE;
  r = kyso_pdf_document_resolve (doc, kyso_pdf_dict_get (annot, "Rect"), NULL);
  if (kyso_pdf_array_get_length (r) != 4)
    return FALSE;
  for (guint i = 0; i < 4; i++)
    {
      gboolean ok = FALSE;

      rect[i] = kyso_pdf_object_get_number (kyso_pdf_array_get (r, i), &ok);
      if (!ok)
        return FALSE;
    }
  if (rect[0] > rect[2])
    {
      double t = rect[0];
      rect[0] = rect[2];
      rect[2] = t;
    }
  if (rect[1] > rect[3])
    {
      double t = rect[1];
      rect[1] = rect[3];
      rect[3] = t;
    }
  return rect[2] - rect[0] >= MIN_VISIBLE_POINTS && rect[3] - rect[1] >= MIN_VISIBLE_POINTS;
}

/* The widget of @e's field as it is in the final state: shown, with an appearance, on a page. */
static gboolean
visible_widget (KysoPdfDocument *doc, KysoPdfSigEntry *e, Widget *out)
{
  g_autoptr (KysoPdfObject) field = NULL;
  g_autoptr (KysoPdfObject) widget = NULL;
  guint32 widget_num = e->field_num;
  guint n_pages;

  if (e->field_num == 0)
    return FALSE;
  field = kyso_pdf_document_get_object (doc, e->field_num, NULL);
  if (kyso_pdf_object_get_kind (field) != KYSO_PDF_DICT)
    return FALSE;
  widget = kyso_pdf_object_ref (field);
  if (kyso_pdf_dict_get (field, "Rect") == NULL)
    {
      g_autoptr (KysoPdfObject) kids
                 = kyso_pdf_document_resolve (doc, kyso_pdf_dict_get (field, "Kids"), NULL);
      KysoPdfObject *kid = kyso_pdf_array_get_length (kids) > 0 ? kyso_pdf_array_get (kids, 0) : NULL;

      kyso_pdf_object_unref (widget);
      widget_num = kid != NULL ? kyso_pdf_object_get_ref_num (kid) : 0;
      widget = kid != NULL ? kyso_pdf_document_resolve (doc, kid, NULL) : NULL;
    }
  if (widget_num == 0 || kyso_pdf_object_get_kind (widget) != KYSO_PDF_DICT
      || kyso_pdf_dict_get (widget, "AP") == NULL || !annot_rect (doc, widget, out->rect))
    return FALSE;
  out->num = widget_num;
  /* Its page: the one whose /Annots lists it. */
  n_pages = kyso_pdf_document_get_n_pages (doc, NULL);
  for (guint p = 0; p < n_pages; p++)
    {
      g_autoptr (KysoPdfPage) page = kyso_pdf_document_get_page (doc, p, NULL);
      g_autoptr (KysoPdfObject) annots
                 = page ? kyso_pdf_document_resolve (doc, kyso_pdf_dict_get (page->dict, "Annots"), NULL)
                        : NULL;

      for (guint i = 0; i < kyso_pdf_array_get_length (annots) && i < MAX_ANNOTS; i++)
        if (kyso_pdf_object_get_ref_num (kyso_pdf_array_get (annots, i)) == widget_num)
          {
            out->page = p;
            return TRUE;
          }
    }
  return FALSE;
}

static gboolean
rects_overlap (const double a[4], const double b[4])
{
  return a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3];
}

static gboolean
point_in (const double r[4], double x, double y)
{
  return x >= r[0] && x <= r[2] && y >= r[1] && y <= r[3];
}

/* The shown annotations of @page that existed in revision @rev, but @except (user-space rects). */
static GArray *
annots_at (KysoPdfHistory *h, KysoPdfDocument *doc, KysoPdfPage *page, guint rev, guint32 except)
{
  GArray *out = g_array_new (FALSE, FALSE, sizeof (double) * 4);
  g_autoptr (KysoPdfObject) annots
             = kyso_pdf_document_resolve (doc, kyso_pdf_dict_get (page->dict, "Annots"), NULL);

  for (guint i = 0; i < kyso_pdf_array_get_length (annots) && i < MAX_ANNOTS; i++)
    {
      KysoPdfObject *ref = kyso_pdf_array_get (annots, i);
      guint32 num = kyso_pdf_object_get_ref_num (ref);
      g_autoptr (KysoPdfObject) annot = NULL;
      double rect[4];

      if (num == 0 || num == except || kyso_pdf_history_lookup (h, rev, num) == NULL)
        continue;
      annot = kyso_pdf_document_resolve (doc, ref, NULL);
      if (annot_rect (doc, annot, rect))
        g_array_append_vals (out, rect, 1);
    }
  return out;
}

/* Poppler's text and image boxes are in the displayed page's space, origin at the top left: the
 * centre of @box in user space. */
static void
box_center_to_user (KysoPdfPage *geometry, double dh, const PopplerRectangle *box, double *ux, double *uy)
{
  double d[4] = { (box->x1 + box->x2) / 2, dh - (box->y1 + box->y2) / 2, 0, 0 };
  double u[4];

  kyso_pdf_page_display_to_user (geometry, d, u);
  *ux = u[0];
  *uy = u[1];
}

static gboolean
outside_all (GArray *annots, double x, double y)
{
  for (guint i = 0; i < annots->len; i++)
    if (point_in (&g_array_index (annots, double, 4 * i), x, y))
      return FALSE;
  return TRUE;
}

/* Text or an image of the page's own content inside @rect (user space), not drawn by one of
 * @annots (poppler reads annotation appearances with the page). */
static gboolean
region_has_content (PopplerDocument *pdoc, KysoPdfPage *geometry, guint page_index, const double rect[4],
                    GArray *annots)
{
  g_autoptr (GObject) page_obj = G_OBJECT (poppler_document_get_page (pdoc, (int)page_index));
  PopplerPage *page = (PopplerPage *)page_obj;
  g_autofree PopplerRectangle *boxes = NULL;
  g_autofree char *text = NULL;
  guint n_boxes = 0;
  double dw, dh;
  GList *images;
  gboolean content = FALSE;

  if (page == NULL)
    return FALSE;
  kyso_pdf_page_display_size (geometry, &dw, &dh);
  text = poppler_page_get_text (page);
  if (text != NULL && poppler_page_get_text_layout (page, &boxes, &n_boxes))
    {
      const char *p = text;

      for (guint i = 0; i < n_boxes && *p != 0 && !content; i++, p = g_utf8_next_char (p))
        {
          double x, y;

          if (g_unichar_isspace (g_utf8_get_char (p)))
            continue;
          box_center_to_user (geometry, dh, &boxes[i], &x, &y);
          content = point_in (rect, x, y) && outside_all (annots, x, y);
        }
    }
  images = content ? NULL : poppler_page_get_image_mapping (page);
  for (GList *l = images; l != NULL && !content; l = l->next)
    {
      PopplerImageMapping *m = l->data;
      PopplerRectangle *a = &m->area;
      double corners[2][2];

      box_center_to_user (geometry, dh, &(PopplerRectangle){ a->x1, a->y1, a->x1, a->y1 }, &corners[0][0],
                          &corners[0][1]);
      box_center_to_user (geometry, dh, &(PopplerRectangle){ a->x2, a->y2, a->x2, a->y2 }, &corners[1][0],
                          &corners[1][1]);
      {
        double r[4] = { MIN (corners[0][0], corners[1][0]), MIN (corners[0][1], corners[1][1]),
                        MAX (corners[0][0], corners[1][0]), MAX (corners[0][1], corners[1][1]) };
        double cx = (r[0] + r[2]) / 2, cy = (r[1] + r[3]) / 2;

        content = rects_overlap (r, rect) && outside_all (annots, cx, cy);
      }
    }
  poppler_page_free_image_mapping (images);
  return content;
}

void
kyso_pdf_verify_check_overlays (KysoPdfHistory *h, KysoPdfDocument *doc, GBytes *file, GPtrArray *entries,
                                GCancellable *cancellable)
{
  g_autoptr (GArray) widgets = g_array_new (FALSE, FALSE, sizeof (Widget));

  if (file == NULL)
    return;
  /* The shown widgets of signatures. */
  for (guint i = 0; i < entries->len; i++)
    {
      KysoPdfSigEntry *e = g_ptr_array_index (entries, i);
      Widget w = { .owner = i };

      if (e->report->revision > 0 && visible_widget (doc, e, &w))
        g_array_append_val (widgets, w);
    }

  for (guint i = 0; widgets->len > 0 && i < entries->len && !g_cancellable_is_cancelled (cancellable); i++)
    {
      KysoPdfSigEntry *s = g_ptr_array_index (entries, i);
      g_autoptr (GObject) pdoc_obj = NULL;
      PopplerDocument *pdoc = NULL;
      g_autoptr (GBytes) prefix = NULL;

      if (!s->report->integrity || s->report->revision < 0 || s->signed_end <= 0
          || (gsize)s->signed_end > g_bytes_get_size (file))
        continue;
      for (guint k = 0; k < widgets->len; k++)
        {
          Widget *w = &g_array_index (widgets, Widget, k);
          KysoPdfSigEntry *later = g_ptr_array_index (entries, w->owner);
          g_autoptr (KysoPdfPage) geometry = NULL;
          g_autoptr (GArray) annots = NULL;
          gboolean covers = FALSE;

          if (later->report->revision <= s->report->revision)
            continue;
          geometry = kyso_pdf_document_get_page (doc, w->page, NULL);
          if (geometry == NULL)
            continue;
          annots = annots_at (h, doc, geometry, (guint)s->report->revision, w->num);
          for (guint j = 0; j < annots->len && !covers; j++)
            covers = rects_overlap (&g_array_index (annots, double, 4 * j), w->rect);
          /* The file as @s signed it, opened once. */
          if (!covers && pdoc == NULL)
            {
              prefix = g_bytes_new_from_bytes (file, 0, (gsize)s->signed_end);
              pdoc = poppler_document_new_from_bytes (prefix, NULL, NULL);
              pdoc_obj = (GObject *)pdoc;
              if (pdoc == NULL)
                break;
            }
          if (!covers && !region_has_content (pdoc, geometry, w->page, w->rect, annots))
            continue;
          s->report->changes_after = MAX (s->report->changes_after, KYSO_PDF_CHANGES_ANNOTATIONS);
          kyso_pdf_signature_report_add_reason (s->report, KYSO_SIGNATURE_PROBLEM_CHANGED,
                                                /* Translators: %s is the name of the later signature field */
                                                _ ("A later signature (%s) draws its box over content that "
                                                   "this signature covered: what the page shows "
                                                   "was changed after signing."),
                                                   later->report->field != NULL ? later->report->field : "?");
        }
    }
}
