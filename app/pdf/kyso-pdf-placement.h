#pragma once

#include <gio/gio.h>

#include "kyso-pdf-document.h"

G_BEGIN_DECLS

/* Where a signature box goes. Rectangles are {x, y, width, height}.
 *
 * "Display" space is the page as a reader shows it: its CropBox, turned by /Rotate, with the
 * origin at the lower left corner and y up, in points. The signature's /Rect must be in the page's
 * default user space (the coordinates of the page's content, before /Rotate and the CropBox);
 * these helpers convert, so a box proposed "above the keyword, near the bottom right" lands there
 * on rotated and cropped pages too. */

void kyso_pdf_page_display_size     (const KysoPdfPage *page,
                                     double            *width,
                                     double            *height);
void kyso_pdf_page_display_to_user  (const KysoPdfPage *page,
                                     const double       display_rect[4],
                                     double             user_rect[4]);
void kyso_pdf_page_user_to_display  (const KysoPdfPage *page,
                                     const double       user_rect[4],
                                     double             display_rect[4]);

/* A box of @width × @height (display orientation) in the lower right corner of the displayed page,
 * a margin in from the edges; in user space. */
void kyso_pdf_placement_default     (const KysoPdfPage *page,
                                     double             width,
                                     double             height,
                                     double             user_rect[4]);

typedef struct {
  guint  page_index;   /* 0-based */
  double rect[4];      /* user space */
} KysoPdfPlacement;

/* Looks for @keyword (case-insensitive, whole text as poppler extracts it) on every page of the
 * PDF at @path with poppler and proposes, for the first occurrence (or every one with @all), a box
 * of @width × @height just above the line where it was found, left-aligned with it and kept inside
 * the displayed page. @doc gives the page geometry (the same file opened with the Kyso reader).
 * → GArray of KysoPdfPlacement. KYSO_ERROR_NOT_FOUND when the text does not occur.
 * Blocking (poppler reads the file): call it from a worker thread. */
GArray *kyso_pdf_placement_find_keyword (KysoPdfDocument  *doc,
                                         const char       *path,
                                         const char       *keyword,
                                         gboolean          all,
                                         double            width,
                                         double            height,
                                         GCancellable     *cancellable,
                                         GError          **error);

G_END_DECLS
