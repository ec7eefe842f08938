#pragma once

#include <gtk/gtk.h>

#include "kyso-page-renderer.h"
#include "kyso-signature-box.h"

G_BEGIN_DECLS

/* The pages of a PDF, one under the other, in a GtkScrolledWindow (this widget is
 * GtkScrollable). Only the pages on screen (and one either side) are asked for, off the main
 * thread; while a page is drawn at the new zoom the last picture of it stands in, so scrolling
 * and zooming never wait. Zoom: fit width, in/out by steps, Ctrl+scroll around the pointer.
 *
 * During placement a KysoSignatureBox rides on a page; clicking another spot on any page moves
 * it there. The view forwards the box's "confirmed" and "cancelled" signals as
 * "placement-confirmed" and "placement-cancelled". */

#define KYSO_TYPE_DOCUMENT_VIEW (kyso_document_view_get_type ())
G_DECLARE_FINAL_TYPE (KysoDocumentView, kyso_document_view, KYSO, DOCUMENT_VIEW, GtkWidget)

#define KYSO_DOCUMENT_VIEW_MIN_ZOOM 0.1
#define KYSO_DOCUMENT_VIEW_MAX_ZOOM 8.0

GtkWidget *
kyso_document_view_new (void);

void
kyso_document_view_set_renderer (KysoDocumentView *self, KysoPageRenderer *renderer);
KysoPageRenderer *
kyso_document_view_get_renderer (KysoDocumentView *self);

/* 1.0 is the page's real size on a 96 dpi screen. Setting a zoom turns fit-width off. */
double
kyso_document_view_get_zoom (KysoDocumentView *self);
void
kyso_document_view_set_zoom (KysoDocumentView *self, double zoom);
void
kyso_document_view_zoom_in (KysoDocumentView *self);
void
kyso_document_view_zoom_out (KysoDocumentView *self);
gboolean
kyso_document_view_get_fit_width (KysoDocumentView *self);
void
kyso_document_view_set_fit_width (KysoDocumentView *self, gboolean fit_width);
/* Pixels (of the widget, not the device) per PDF point. */
double
kyso_document_view_get_pixels_per_point (KysoDocumentView *self);

/* The page most of the screen shows (0-based). */
guint
kyso_document_view_get_current_page (KysoDocumentView *self);
void
kyso_document_view_go_to_page (KysoDocumentView *self, guint page);
guint
kyso_document_view_get_n_pages (KysoDocumentView *self);

/* Found text to mark (GArray of KysoTextMatch, or NULL to clear). */
void
kyso_document_view_set_highlights (KysoDocumentView *self, GArray *matches);

/* Shows the box on @page at @rect (page points) and gives it the keyboard focus. */
void
kyso_document_view_begin_placement (KysoDocumentView *self, guint page, const KysoPageRect *rect);
void
kyso_document_view_end_placement (KysoDocumentView *self);
gboolean
kyso_document_view_get_placing (KysoDocumentView *self);
KysoSignatureBox *
kyso_document_view_get_signature_box (KysoDocumentView *self);

/* TRUE when every page on screen shows its picture at the current zoom (nothing pending).
 * "pages-ready" is emitted each time this becomes TRUE. */
gboolean
kyso_document_view_get_ready (KysoDocumentView *self);

G_END_DECLS
