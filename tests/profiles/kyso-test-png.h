#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A real PNG (encoded by cairo) that looks like a handwritten signature: a few pen strokes in
 * ink blue on a transparent background. @variant changes the strokes. */
GBytes *
kyso_test_make_signature_png (int width, int height, int variant);

G_END_DECLS
