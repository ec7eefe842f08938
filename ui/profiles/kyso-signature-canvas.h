#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* A white pad a citizen signs on with a finger, a stylus or the mouse (a drag gesture; a stylus's
 * pressure, when the device reports one, widens the line). The strokes become the PNG of a
 * signature profile: dark ink on transparency, cropped to what was drawn. */

#define KYSO_TYPE_SIGNATURE_CANVAS (kyso_signature_canvas_get_type ())
G_DECLARE_FINAL_TYPE (KysoSignatureCanvas, kyso_signature_canvas, KYSO, SIGNATURE_CANVAS, GtkWidget)

GtkWidget *
kyso_signature_canvas_new (void);

void
kyso_signature_canvas_clear (KysoSignatureCanvas *self);
gboolean
kyso_signature_canvas_is_empty (KysoSignatureCanvas *self);
guint
kyso_signature_canvas_get_n_strokes (KysoSignatureCanvas *self);

/* A stroke through @n_points points (x, y pairs in the widget's coordinates), as a drag would
 * draw it; @pressure 0–1 (1 for a mouse). For tests and replays. */
void
kyso_signature_canvas_add_stroke (KysoSignatureCanvas *self, const double *xy, guint n_points,
                                  double pressure);

/* The drawing as a PNG (twice the on-screen resolution, at most 1200 × 400 pixels).
 * KYSO_ERROR_INVALID_INPUT when nothing, or too little to be a signature, was drawn. */
GBytes *
kyso_signature_canvas_to_png (KysoSignatureCanvas *self, GError **error);

G_END_DECLS
