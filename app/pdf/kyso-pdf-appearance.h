#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* The visible part of a signature: the profile's image on the left (or on top in a tall box) and
 * the lines "Ký bởi: <name>", "Ngày ký: <dd/mm/yyyy HH:MM>", then optionally the CA and the
 * reason. Text is drawn as vector outlines (cairo glyph paths from DejaVu Sans), so Vietnamese
 * diacritics come out exactly in any viewer without embedding a font; the text shrinks to fit.
 * Coordinates: the box as the reader sees it, [0 0 width height], upright. */

typedef struct
{
  const char *signer_name; /* required */
  GDateTime *time;         /* required; shown in its own time zone */
  const char *ca_name;     /* optional line "CA: …" (the certifying authority) */
  const char *reason;      /* optional line "Lý do: …" */
  GBytes *image_png;       /* optional PNG (alpha kept as a soft mask) */
} KysoPdfAppearanceInfo;

typedef struct _KysoPdfAppearance KysoPdfAppearance;

/* Errors: KYSO_ERROR_INVALID_INPUT (image not a PNG, box too small). */
KysoPdfAppearance *
kyso_pdf_appearance_new (const KysoPdfAppearanceInfo *info, double width, double height, GError **error);
void
kyso_pdf_appearance_free (KysoPdfAppearance *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KysoPdfAppearance, kyso_pdf_appearance_free)

double
kyso_pdf_appearance_get_width (KysoPdfAppearance *self);
double
kyso_pdf_appearance_get_height (KysoPdfAppearance *self);
/* The content stream (PDF operators, uncompressed); it paints the image as /Im0. */
GBytes *
kyso_pdf_appearance_get_content (KysoPdfAppearance *self);
/* The image, when there is one: its size in pixels, DeviceRGB samples and (when the PNG has
 * transparency) DeviceGray alpha samples, each FlateDecode-compressed. FALSE when no image. */
gboolean
kyso_pdf_appearance_get_image (KysoPdfAppearance *self, guint *width, guint *height, GBytes **rgb_flate,
                               GBytes **alpha_flate);

G_END_DECLS
