#pragma once

#include "kyso-document-page.h"
#include "kyso-document-thumbnails.h"
#include "kyso-pending.h"
#include "kyso-pdf-verify.h"
#include "kyso-sign-dialog.h"

G_BEGIN_DECLS

/* Shared between kyso-document-page.c (opening, reading, the widget) and
 * kyso-document-page-sign.c (placement by keyword, signing, resuming). */

struct _KysoDocumentPage
{
  GtkWidget parent_instance;

  KysoContext *context;

  AdwToastOverlay *toast_overlay;
  GtkWidget *toolbar;
  GtkInfoBar *error_bar;
  GtkLabel *error_label;
  GtkInfoBar *resume_bar;
  GtkLabel *resume_label;
  KysoPending *pending; /* the request offered for resume */
  guint pending_id;
  GtkStack *stack;
  GtkSpinner *loading_spinner;
  GtkWidget *recent_box;
  GtkListBox *recent_list;
  GtkRevealer *thumbnails_revealer;
  KysoDocumentThumbnails *thumbnails;
  KysoDocumentView *view;
  GtkRevealer *history_revealer;
  KysoHistoryPanel *history_panel;
  GtkEntry *page_entry;
  GtkLabel *page_count_label;
  GtkLabel *zoom_label;
  GtkRevealer *placement_revealer;
  GtkLabel *keyword_label;
  GtkButton *confirm_button;

  GtkRecentManager *recent_manager;
  GCancellable *open_cancellable;
  GCancellable *find_cancellable;
  guint loading_timeout;
  GFile *file;
  KysoPageRenderer *renderer;
  KysoPdfVerifier *verifier;

  char *keyword;
  GBytes *image_png;
  char *box_text;
  gboolean look_set; /* set by the caller: do not take it from a profile */
  GCancellable *profile_cancellable;

  KysoSignerFactory signer_factory;
  gpointer signer_factory_data;
  KysoSignDialog *sign_dialog; /* weak */
  gboolean keep_status;        /* the next open keeps the "signed" message */
  guint signed_page;

  gboolean show_thumbnails;
  gboolean show_history;
  gboolean invisible;
  gboolean user_moved_box;
  gboolean moving_box;

  gboolean has_placement;
  guint placement_page;
  KysoPageRect placement_rect;
  gboolean placement_invisible;
};

/* kyso-document-page.c */
void
kyso_document_page_update_actions (KysoDocumentPage *self);
void
kyso_document_page_check_history (KysoDocumentPage *self);
void
kyso_document_page_set_show_history (KysoDocumentPage *self, gboolean show);

/* kyso-document-page-sign.c */
void
kyso_document_page_box_changed_cb (KysoSignatureBox *box, KysoDocumentPage *self);
void
kyso_document_page_apply_look (KysoDocumentPage *self, const char *keyword, GBytes *image_png,
                               const char *text);
void
kyso_document_page_place_signature_action (GtkWidget *widget, const char *action_name, GVariant *parameter);
void
kyso_document_page_start_signing (KysoDocumentPage *self);
void
kyso_document_page_show_pending (KysoDocumentPage *self, KysoPending *pending);
gboolean
kyso_document_page_check_pending_idle (gpointer data);
void
kyso_document_page_resume_signing_action (GtkWidget *widget, const char *action_name, GVariant *parameter);
void
kyso_document_page_discard_pending_action (GtkWidget *widget, const char *action_name, GVariant *parameter);

G_END_DECLS
