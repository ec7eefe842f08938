#pragma once

#include <adwaita.h>

#include "kyso-signature-canvas.h"

G_BEGIN_DECLS

/* "Draw your signature": a window with the signature canvas, for a citizen who has no picture of
 * their signature at hand (at a counter, most people). Emits "signed" (GBytes: the PNG) when
 * they accept the drawing, then closes. Actions (group "pad"): clear, use. */

#define KYSO_TYPE_SIGNATURE_PAD (kyso_signature_pad_get_type ())
G_DECLARE_FINAL_TYPE (KysoSignaturePad, kyso_signature_pad, KYSO, SIGNATURE_PAD, AdwWindow)

KysoSignaturePad *
kyso_signature_pad_new (GtkWindow *parent);
KysoSignatureCanvas *
kyso_signature_pad_get_canvas (KysoSignaturePad *self);
/* The message shown when "use" was refused, or NULL. */
const char *
kyso_signature_pad_get_error (KysoSignaturePad *self);

G_END_DECLS
