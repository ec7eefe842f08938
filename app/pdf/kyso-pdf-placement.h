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

void
kyso_pdf_page_display_size (const KysoPdfPage *page, double *width, double *height);
void
kyso_pdf_page_display_to_user (const KysoPdfPage *page, const double display_rect[4], double user_rect[4]);
void
kyso_pdf_page_user_to_display (const KysoPdfPage *page, const double user_rect[4], double display_rect[4]);

typedef struct
{
  guint page_index; /* 0-based */
  double rect[4];   /* user space */
} KysoPdfPlacement;

/* THE PLACEMENT RULE — one rule for kyso-cli, the dossier and the document page.
 *
 * What the provinces' guides show: the citizen's profile holds a location keyword ("Từ khóa định
 * vị vị trí"), the caption of the form's signature block — "Người làm đơn", "NGƯỜI KHAI",
 * "(Ký, ghi rõ họ tên)". On the forms the signature and the signer's name go in the blank space
 * right UNDER that caption, centred on it. So:
 *
 *   1. By keyword: the LAST occurrence in the document (signature blocks close a document; the
 *      same words earlier are body text — "người làm đơn cam đoan …"); with a page given, the last
 *      occurrence on that page. The box is centred horizontally on the keyword, its top edge GAP
 *      (4 pt) under the keyword's line, and kept inside the displayed page.
 *   2. Without a keyword (or when the keyword is absent and the caller falls back): the lower right
 *      corner of the displayed page, a margin (36 pt, less on small pages) in from the edges.
 *   3. Never over a signature that is already there: when the box would overlap the widget of an
 *      existing signature field on that page, it moves to the nearest spot of the page that
 *      overlaps none (a co-signer's box under the same caption lands beside or below the first).
 *
 * The default box is KYSO_PDF_PLACEMENT_BOX_WIDTH × KYSO_PDF_PLACEMENT_BOX_HEIGHT points. An
 * explicit rectangle chosen by the citizen is never moved. */
#define KYSO_PDF_PLACEMENT_BOX_WIDTH 180.0
#define KYSO_PDF_PLACEMENT_BOX_HEIGHT 60.0

/* Rule 2: a box of @width × @height (display orientation) in the lower right corner of the
 * displayed page, a margin in from the edges; in user space. */
void
kyso_pdf_placement_default (const KysoPdfPage *page, double width, double height, double user_rect[4]);

/* The widgets of the signature fields already on @page (invisible ones left out). → GArray of
 * KysoPdfPlacement. Odd annotations are skipped, never an error. */
GArray *
kyso_pdf_placement_list_signatures (KysoPdfDocument *doc, const KysoPdfPage *page);

/* Rule 3: moves @user_rect to the free spot of the displayed page nearest to it that overlaps
 * none of @taken (from kyso_pdf_placement_list_signatures); unchanged when it overlaps none, or
 * when the page has no free spot that large. → TRUE when it moved. */
gboolean
kyso_pdf_placement_avoid (const KysoPdfPage *page, GArray *taken, double user_rect[4]);

/* Rule 1 (and 3): looks for @keyword (case-insensitive, as poppler extracts the text) on every
 * page of the PDF at @path and proposes a box of @width × @height for each occurrence, in the
 * rule's order: the last occurrence first (last page first, lowest on the page first). With
 * @all FALSE only the first of them (the rule's choice). @doc gives the page geometry and the
 * existing signatures (the same file opened with the Kyso reader). → GArray of
 * KysoPdfPlacement. KYSO_ERROR_NOT_FOUND when the text does not occur.
 * Blocking (poppler reads the file): call it from a worker thread. */
GArray *
kyso_pdf_placement_find_keyword (KysoPdfDocument *doc, const char *path, const char *keyword, gboolean all,
                                 double width, double height, GCancellable *cancellable, GError **error);

G_END_DECLS
