#pragma once

#include <gtk/gtk.h>

#include "kyso-page-geometry.h"

G_BEGIN_DECLS

/* The frame the citizen drags onto the page to say where the signature goes. It keeps its
 * position in page points (see kyso-page-geometry.h), so zooming never moves it, and it never
 * leaves its page. Mouse: drag to move, drag a corner to resize. Keyboard: arrows move,
 * Shift+arrows resize (Ctrl for fine steps), Page Up/Down ask for the previous/next page,
 * Enter confirms, Escape cancels. Each of these is also an action of the widget
 * ("box.move", "box.resize", "box.page", "box.confirm", "box.cancel"). */

#define KYSO_TYPE_SIGNATURE_BOX (kyso_signature_box_get_type ())
G_DECLARE_FINAL_TYPE (KysoSignatureBox, kyso_signature_box, KYSO, SIGNATURE_BOX, GtkWidget)

/* One keyboard step, in page points (a fine step is 1 point). */
#define KYSO_SIGNATURE_BOX_STEP 5.0
#define KYSO_SIGNATURE_BOX_MIN_WIDTH 40.0
#define KYSO_SIGNATURE_BOX_MIN_HEIGHT 20.0

GtkWidget *
kyso_signature_box_new (void);

/* Puts the box on @page, whose shape is @geometry; the box is pulled inside if needed. */
void
kyso_signature_box_set_page (KysoSignatureBox *self, guint page, const KysoPageGeometry *geometry);
guint
kyso_signature_box_get_page (KysoSignatureBox *self);
void
kyso_signature_box_get_geometry (KysoSignatureBox *self, KysoPageGeometry *geometry);

/* In page points (as shown, y down). */
void
kyso_signature_box_set_rect (KysoSignatureBox *self, const KysoPageRect *rect);
void
kyso_signature_box_get_rect (KysoSignatureBox *self, KysoPageRect *rect);
/* The same box in PDF user space: what becomes the widget's /Rect. */
void
kyso_signature_box_get_pdf_rect (KysoSignatureBox *self, KysoPageRect *rect);

/* Pixels per point of the view showing the box (drags are measured in pixels). */
void
kyso_signature_box_set_scale (KysoSignatureBox *self, double scale);
double
kyso_signature_box_get_scale (KysoSignatureBox *self);

/* Moves / resizes by whole points, staying inside the page. */
void
kyso_signature_box_move (KysoSignatureBox *self, double dx, double dy);
void
kyso_signature_box_resize (KysoSignatureBox *self, double dw, double dh);

/* What the box shows: the signature image (may be NULL) and a line of text. */
void
kyso_signature_box_set_preview (KysoSignatureBox *self, GdkPaintable *image, const char *text);

G_END_DECLS
