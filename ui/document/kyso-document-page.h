#pragma once

#include <adwaita.h>

#include "kyso-context.h"
#include "kyso-document-view.h"
#include "kyso-history-panel.h"
#include "kyso-pdf-placement.h"
#include "kyso-sign-dialog.h"

G_BEGIN_DECLS

/* The "Documents" place of the main window: open a PDF (file chooser portal, drag and drop,
 * recent documents), read it (pages, thumbnails, zoom), choose where the signature goes, and
 * see the document's signing history.
 *
 * Actions (group "doc"): open, previous-page, next-page, zoom-in, zoom-out, fit-width (b),
 * show-thumbnails (b), show-history (b), place-signature, confirm-placement, cancel-placement,
 * invisible-signature (b). Shortcuts: Ctrl+O, Ctrl+plus, Ctrl+minus, Ctrl+0, F9.
 *
 * When the citizen confirms the position, "placement-confirmed" is emitted and the signing dialog
 * (KysoSignDialog) opens with the application's profiles and configuration; once signed,
 * "signed" (GFile *input, GFile *output) is emitted and the signed file is opened here with its
 * signing history. */

#define KYSO_TYPE_DOCUMENT_PAGE (kyso_document_page_get_type ())
G_DECLARE_FINAL_TYPE (KysoDocumentPage, kyso_document_page, KYSO, DOCUMENT_PAGE, GtkWidget)

/* The default size of a new signature box, in points: the one of the placement rule. */
#define KYSO_DOCUMENT_PAGE_BOX_WIDTH KYSO_PDF_PLACEMENT_BOX_WIDTH
#define KYSO_DOCUMENT_PAGE_BOX_HEIGHT KYSO_PDF_PLACEMENT_BOX_HEIGHT

GtkWidget *
kyso_document_page_new (void);
/* The configuration (trust anchors, services), profiles and preferences signing uses. */
void
kyso_document_page_set_context (KysoDocumentPage *self, KysoContext *context);

/* Opens @file (replacing the current document). Errors are also shown in the page. */
void
kyso_document_page_open_async (KysoDocumentPage *self, GFile *file, GCancellable *cancellable,
                               GAsyncReadyCallback callback, gpointer user_data);
gboolean
kyso_document_page_open_finish (KysoDocumentPage *self, GAsyncResult *result, GError **error);
GFile *
kyso_document_page_get_file (KysoDocumentPage *self);
KysoPageRenderer *
kyso_document_page_get_renderer (KysoDocumentPage *self);
KysoDocumentView *
kyso_document_page_get_view (KysoDocumentPage *self);
KysoHistoryPanel *
kyso_document_page_get_history_panel (KysoDocumentPage *self);

/* What the placement proposes: the profile's location keyword (may be NULL) and what the box
 * shows (signature image PNG, may be NULL; a line of text, may be NULL). */
void
kyso_document_page_set_signature_look (KysoDocumentPage *self, const char *keyword, GBytes *image_png,
                                       const char *text);

/* The confirmed position: @page (0-based) and @pdf_rect in PDF user space, or @invisible.
 * FALSE when nothing was confirmed since the document was opened. */
gboolean
kyso_document_page_get_placement (KysoDocumentPage *self, guint *page, KysoPageRect *pdf_rect,
                                  gboolean *invisible);

/* Replaces how signers are made (default: the NEAC gateway from the configuration), for a kiosk
 * with a local certificate and for tests. @user_data must outlive the page. */
void
kyso_document_page_set_signer_factory (KysoDocumentPage *self, KysoSignerFactory factory, gpointer user_data);
/* The signing dialog while it is open (borrowed), else NULL. */
KysoSignDialog *
kyso_document_page_get_sign_dialog (KysoDocumentPage *self);

/* Looks for a signing request a previous run left waiting for the phone (done once after
 * start-up) and offers to resume it ("doc.resume-signing") or forget it ("doc.discard-pending"). */
void
kyso_document_page_check_pending (KysoDocumentPage *self);

/* Shows a short message over the page (takes ownership of @toast). */
void
kyso_document_page_add_toast (KysoDocumentPage *self, AdwToast *toast);
/* Shows an error above the page until closed; NULL hides it. */
void
kyso_document_page_show_error (KysoDocumentPage *self, const char *message);

G_END_DECLS
