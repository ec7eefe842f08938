#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Photos and scans (JPEG, PNG) as a PDF, one page per image, so that they sign like any PDF.
 *
 *   - the page is the image's size at its resolution (JFIF density, EXIF XResolution, PNG pHYs;
 *     150 dpi when none is written), scaled down to fit an A4 page (portrait or landscape, as the
 *     image is) when larger, and never made larger;
 *   - the EXIF orientation of a JPEG (a phone photo taken sideways) is honoured: the page shows
 *     the picture the right way up;
 *   - a JPEG is embedded as it is (DCTDecode, no re-encoding); a PNG is decoded (libpng; any bit
 *     depth, palette, transparency composed onto white) and stored deflated;
 *   - when @max_bytes is set and the PDF would be larger, the images are re-encoded as JPEG at
 *     smaller sizes (¾, ½, ⅓, ¼) until it fits; the size reached is in *@out_size.
 *
 * Inputs are bounded: at most KYSO_IMAGE_MAX_FILE bytes each and KYSO_IMAGE_MAX_PIXELS pixels.
 * The output is written atomically. Errors: KYSO_ERROR_UNSUPPORTED (neither JPEG nor PNG, or a
 * JPEG kind PDF cannot show: arithmetic-coded, 12-bit), KYSO_ERROR_BROKEN_FILE (a damaged
 * image), KYSO_ERROR_LIMIT (too large, or still over @max_bytes at the smallest size: the message
 * says the size reached), KYSO_ERROR_INVALID_INPUT (no image), G_IO_ERROR_*. */

#define KYSO_IMAGE_MAX_FILE (G_GINT64_CONSTANT (64) * 1024 * 1024)
#define KYSO_IMAGE_MAX_PIXELS (G_GINT64_CONSTANT (120) * 1000 * 1000)

typedef struct
{
  gint64 max_bytes;   /* 0 = no limit */
  double default_dpi; /* for images that say none; 0 = 150 */
} KysoPdfFromImageOptions;

gboolean
kyso_pdf_from_images (const char *const *image_paths, const char *output_path,
                      const KysoPdfFromImageOptions *options, gint64 *out_size, GCancellable *cancellable,
                      GError **error);

/* "image/jpeg", "image/png" by the file's first bytes, or NULL. */
const char *
kyso_image_sniff_type (const char *path);

G_END_DECLS
