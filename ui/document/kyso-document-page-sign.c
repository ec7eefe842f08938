/* kyso-document-page-sign.c: the document page's placement by keyword, signing, and resuming a
 * request left waiting for the phone */

#include "config.h"

#include "kyso-document-page-private.h"

#include <glib/gi18n-lib.h>

#include "kyso-error.h"
#include "kyso-pdf-document.h"
#include "kyso-pdf-placement.h"
#include "kyso-pending.h"
#include "kyso-sign-dialog.h"
#include "kyso-signing-job.h"

#define MAX_HIGHLIGHTS 50

/* Placement */

static void
place_box (KysoDocumentPage *self, guint page, const KysoPageRect *rect)
{
  self->moving_box = TRUE;
  kyso_document_view_begin_placement (self->view, page, rect);
  self->moving_box = FALSE;
}

void
kyso_document_page_box_changed_cb (KysoSignatureBox *box, KysoDocumentPage *self)
{
  if (!self->moving_box)
    self->user_moved_box = TRUE;
}

/* The box goes where the one placement rule of kyso-pdf-placement.h puts it — the same /Rect as
 * kyso-cli and the dossier give for this keyword. The rule reads the file with poppler and the
 * Kyso reader: on a worker thread. */
typedef struct
{
  char *path;
  char *keyword;
} RuleData;

static void
rule_data_free (RuleData *d)
{
  g_free (d->path);
  g_free (d->keyword);
  g_free (d);
}

static void
rule_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  RuleData *d = task_data;
  g_autoptr (KysoPdfDocument) doc = NULL;
  GError *error = NULL;
  GArray *found = NULL;

  doc = kyso_pdf_document_open (d->path, &error);
  if (doc != NULL)
    found = kyso_pdf_placement_find_keyword (doc, d->path, d->keyword, FALSE, KYSO_PDF_PLACEMENT_BOX_WIDTH,
                                             KYSO_PDF_PLACEMENT_BOX_HEIGHT, cancellable, &error);
  if (found == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, found, (GDestroyNotify)g_array_unref);
}

static void
rule_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  KysoDocumentPage *self = KYSO_DOCUMENT_PAGE (source);
  g_autoptr (GError) error = NULL;
  g_autoptr (GArray) found = g_task_propagate_pointer (G_TASK (result), &error);
  g_autofree char *text = NULL;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return; /* the page may be gone: do not touch it */
  if (found == NULL || found->len == 0 || self->renderer == NULL)
    {
      /* Translators: %s is the location keyword of the signature profile. */
      text = g_strdup_printf (_("“%s” is not in this document: put the frame where you want to sign."),
                                 self->keyword);
    }
  else
    {
      KysoPdfPlacement *p = &g_array_index (found, KysoPdfPlacement, 0);
      KysoPageRect pdf = { p->rect[0], p->rect[1], p->rect[0] + p->rect[2], p->rect[1] + p->rect[3] };
      KysoPageGeometry g;
      KysoPageRect box;

      kyso_page_renderer_get_geometry (self->renderer, p->page_index, &g);
      kyso_page_geometry_from_pdf (&g, &pdf, &box);
      if (!self->user_moved_box && kyso_document_view_get_placing (self->view))
        place_box (self, p->page_index, &box);
      /* Translators: %s is the location keyword, %u a page number. */
      text = g_strdup_printf (_("Found “%s” on page %u: the frame is placed under it."), self->keyword,
                                 p->page_index + 1);
    }
  gtk_label_set_text (self->keyword_label, text);
  g_clear_object (&self->find_cancellable);
}

static void
find_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  KysoDocumentPage *self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GArray) matches = NULL;
  g_autoptr (GTask) task = NULL;
  RuleData *d;

  matches = kyso_page_renderer_find_text_finish (KYSO_PAGE_RENDERER (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return; /* the page may be gone: do not touch it */

  /* Every occurrence is highlighted; the rule picks the one the box goes under. */
  if (matches != NULL && matches->len > 0)
    kyso_document_view_set_highlights (self->view, matches);
  task = g_task_new (self, self->find_cancellable, rule_done, NULL);
  g_task_set_source_tag (task, find_done);
  d = g_new0 (RuleData, 1);
  d->path = self->file != NULL ? g_file_get_path (self->file) : NULL;
  d->keyword = g_strdup (self->keyword);
  g_task_set_task_data (task, d, (GDestroyNotify)rule_data_free);
  if (d->path == NULL || matches == NULL || matches->len == 0)
    g_task_return_new_error (task, KYSO_ERROR, KYSO_ERROR_NOT_FOUND, "%s", "");
  else
    g_task_run_in_thread (task, rule_thread);
}

static void
search_keyword (KysoDocumentPage *self)
{
  g_cancellable_cancel (self->find_cancellable);
  g_clear_object (&self->find_cancellable);
  if (self->keyword != NULL && *self->keyword != '\0' && kyso_document_view_get_placing (self->view))
    {
      g_autofree char *text = NULL;

      /* Translators: %s is the location keyword of the signature profile. */
      text = g_strdup_printf (_("Looking for “%s” in the document…"), self->keyword);
      gtk_label_set_text (self->keyword_label, text);
      gtk_widget_set_visible (GTK_WIDGET (self->keyword_label), TRUE);
      self->find_cancellable = g_cancellable_new ();
      kyso_page_renderer_find_text_async (self->renderer, self->keyword, MAX_HIGHLIGHTS,
                                          self->find_cancellable, find_done, self);
    }
  else
    gtk_widget_set_visible (GTK_WIDGET (self->keyword_label), FALSE);
}

static char *
dup_last_profile_id (KysoDocumentPage *self)
{
  KysoContext *app = self->context;
  GSettings *settings = app ? kyso_context_get_settings (app) : NULL;

  return settings ? g_settings_get_string (settings, "last-profile") : NULL;
}

void
kyso_document_page_apply_look (KysoDocumentPage *self, const char *keyword, GBytes *image_png,
                               const char *text)
{
  g_autoptr (GdkTexture) texture = NULL;

  g_free (self->keyword);
  self->keyword = g_strdup (keyword);
  g_free (self->box_text);
  self->box_text = g_strdup (text);
  g_clear_pointer (&self->image_png, g_bytes_unref);
  if (image_png != NULL)
    {
      self->image_png = g_bytes_ref (image_png);
      /* The profile's image was checked when saved; a failure here only loses the preview. */
      texture = gdk_texture_new_from_bytes (image_png, NULL);
    }
  kyso_signature_box_set_preview (kyso_document_view_get_signature_box (self->view), GDK_PAINTABLE (texture),
                                  text);
}

/* The signature the citizen used last (else the first) gives the keyword and the box's image. */
static void
profiles_listed (GObject *source, GAsyncResult *result, gpointer user_data)
{
  KysoDocumentPage *self = user_data;
  g_autoptr (GPtrArray) profiles = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *last = NULL;
  KysoProfile *chosen = NULL;

  profiles = kyso_profile_store_list_finish (KYSO_PROFILE_STORE (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  last = dup_last_profile_id (self);
  for (guint i = 0; profiles != NULL && i < profiles->len; i++)
    if (chosen == NULL || g_strcmp0 (kyso_profile_get_id (profiles->pdata[i]), last) == 0)
      chosen = profiles->pdata[i];
  if (chosen != NULL)
    kyso_document_page_apply_look (self, kyso_profile_get_keyword (chosen), kyso_profile_get_image (chosen),
                                   kyso_profile_get_display_name (chosen));
  search_keyword (self);
}

void
kyso_document_page_place_signature_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  KysoDocumentPage *self = KYSO_DOCUMENT_PAGE (widget);
  guint page = kyso_document_view_get_current_page (self->view);
  KysoContext *app = self->context;
  KysoPageGeometry g;
  KysoPageRect box;
  double w, h;

  if (self->renderer == NULL)
    return;

  /* Until the keyword is found (or if it is not), the frame waits where the placement rule puts
   * a signature without a keyword: the lower right corner of the page on screen. */
  kyso_page_renderer_get_geometry (self->renderer, page, &g);
  {
    KysoPdfPage shown = { .rotate = g.rotate };
    double user[4];
    KysoPageRect pdf;

    shown.crop_box[0] = shown.media_box[0] = g.crop.x0;
    shown.crop_box[1] = shown.media_box[1] = g.crop.y0;
    shown.crop_box[2] = shown.media_box[2] = g.crop.x1;
    shown.crop_box[3] = shown.media_box[3] = g.crop.y1;
    w = MIN (KYSO_DOCUMENT_PAGE_BOX_WIDTH, kyso_page_geometry_get_width (&g));
    h = MIN (KYSO_DOCUMENT_PAGE_BOX_HEIGHT, kyso_page_geometry_get_height (&g));
    kyso_pdf_placement_default (&shown, w, h, user);
    pdf = (KysoPageRect){ user[0], user[1], user[0] + user[2], user[1] + user[3] };
    kyso_page_geometry_from_pdf (&g, &pdf, &box);
  }
  self->user_moved_box = FALSE;
  place_box (self, page, &box);
  gtk_revealer_set_reveal_child (self->placement_revealer, TRUE);
  kyso_document_page_update_actions (self);

  if (!self->look_set && app != NULL)
    {
      g_cancellable_cancel (self->profile_cancellable);
      g_clear_object (&self->profile_cancellable);
      self->profile_cancellable = g_cancellable_new ();
      kyso_profile_store_list_async (kyso_context_get_profile_store (app), self->profile_cancellable,
                                     profiles_listed, self);
    }
  else
    search_keyword (self);
}

/* Signing */

static void
signed_open_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  KysoDocumentPage *self = KYSO_DOCUMENT_PAGE (source);
  g_autoptr (GError) error = NULL;

  /* The signed file is on screen: show who signed it, checked like any other file. */
  if (kyso_document_page_open_finish (self, result, &error))
    {
      /* Where the citizen signed, so the signature is the first thing they see. */
      kyso_document_view_go_to_page (self->view, self->signed_page);
      if (self->show_history)
        kyso_document_page_check_history (self);
      else
        kyso_document_page_set_show_history (self, TRUE);
    }
}

static void
sign_dialog_signed_cb (KysoSignDialog *dialog, GFile *output, KysoDocumentPage *self)
{
  KysoContext *app = self->context;
  GSettings *settings = app ? kyso_context_get_settings (app) : NULL;
  KysoProfile *profile = kyso_sign_dialog_get_profile (dialog);
  g_autofree char *name = g_file_get_basename (output);
  g_autoptr (GFile) parent = g_file_get_parent (output);
  g_autofree char *folder = parent ? g_file_get_parse_name (parent) : g_strdup ("");
  g_autofree char *status = NULL;
  AdwToast *toast;

  if (settings != NULL && profile != NULL)
    g_settings_set_string (settings, "last-profile", kyso_profile_get_id (profile));

  toast = adw_toast_new (_("Signed successfully"));
  adw_toast_set_priority (toast, ADW_TOAST_PRIORITY_HIGH);
  kyso_document_page_add_toast (self, toast);
  /* Translators: %s are the signed file's name and its folder. */
  status = g_strdup_printf (_("Signed successfully. The signed file is “%s” in %s."), name, folder);
  gtk_info_bar_set_message_type (self->error_bar, GTK_MESSAGE_INFO);
  gtk_label_set_text (self->error_label, status);
  gtk_info_bar_set_revealed (self->error_bar, TRUE);
  self->keep_status = TRUE;
  self->signed_page = self->placement_page;
  if (self->file != NULL)
    {
      g_autoptr (GFile) input = g_object_ref (self->file);
      g_signal_emit_by_name (self, "signed", input, output);
    }

  kyso_document_page_open_async (self, output, NULL, signed_open_done, NULL);
}

void
kyso_document_page_start_signing (KysoDocumentPage *self)
{
  KysoContext *app = self->context;
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  KysoSignPlacement placement = { self->placement_page, self->placement_rect, self->placement_invisible };
  KysoSignDialog *dialog;

  if (self->file == NULL)
    return;
  dialog = kyso_sign_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, self->file, &placement);
  if (self->signer_factory != NULL)
    kyso_sign_dialog_set_signer_factory (dialog, self->signer_factory, self->signer_factory_data, NULL);
  if (app != NULL)
    {
      GSettings *settings = kyso_context_get_settings (app);
      g_autofree char *last = dup_last_profile_id (self);
      g_autofree char *tsa = settings ? g_settings_get_string (settings, "tsa-url") : NULL;
      KysoConfig *config = kyso_context_get_config (app);

      kyso_sign_dialog_set_config (dialog, config);
      /* The time-stamp server from the settings page, else from the configuration file. */
      kyso_sign_dialog_set_tsa_url (dialog, tsa && *tsa ? tsa : kyso_config_get (config, "tsa", "url"));
      kyso_sign_dialog_load_profiles (dialog, kyso_context_get_profile_store (app), last);
    }
  g_signal_connect_object (dialog, "signed", G_CALLBACK (sign_dialog_signed_cb), self, 0);
  g_set_weak_pointer (&self->sign_dialog, dialog);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Resuming a request left waiting */

void
kyso_document_page_show_pending (KysoDocumentPage *self, KysoPending *pending)
{
  g_set_object (&self->pending, pending);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "doc.resume-signing", pending != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "doc.discard-pending", pending != NULL);
  if (pending != NULL)
    {
      g_autofree char *name = g_path_get_basename (kyso_pending_get_document_path (pending));
      g_autoptr (GDateTime) until
                 = g_date_time_new_from_unix_local (kyso_pending_get_expires_at (pending) / G_USEC_PER_SEC);
      g_autofree char *time = until ? g_date_time_format (until, "%H:%M") : g_strdup ("");
      g_autofree char *text = NULL;

      /* Translators: %s are a file name and a time (HH:MM). */
      text = g_strdup_printf (
        _("Kyso was closed while “%s” was waiting for approval on your phone. The request "
                                "is valid until %s: resume it to finish signing."),
           name, time);
      gtk_label_set_text (self->resume_label, text);
    }
  gtk_info_bar_set_revealed (self->resume_bar, pending != NULL);
}

/* A day after a request lapsed, its record and prepared copies go (kyso-cli does the same). */
#define PRUNE_GRACE_SECONDS (24 * 3600)

void
kyso_document_page_check_pending (KysoDocumentPage *self)
{
  g_autoptr (GPtrArray) records = NULL;
  KysoPending *found = NULL;
  gint64 now = g_get_real_time ();

  g_return_if_fail (KYSO_IS_DOCUMENT_PAGE (self));

  /* A handful of tiny files in Kyso's own state folder: read here, at once. The records are the
   * ones kyso-cli writes too (kyso-signing-job.h): either resumes the other's. */
  kyso_signing_job_prune (NULL, PRUNE_GRACE_SECONDS);
  records = kyso_pending_list (NULL, NULL);
  for (guint i = 0; records != NULL && i < records->len; i++)
    {
      KysoPending *p = records->pdata[i];
      g_autofree char *session = kyso_pending_dup_session_path (p);
      const char *document = kyso_pending_get_document_path (p);

      if (!kyso_pending_is_expired (p, now) && document != NULL && g_file_test (document, G_FILE_TEST_EXISTS)
          && g_file_test (session, G_FILE_TEST_EXISTS))
        found = p; /* the newest wins: records come oldest first */
    }
  kyso_document_page_show_pending (self, found);
}

gboolean
kyso_document_page_check_pending_idle (gpointer data)
{
  KysoDocumentPage *self = data;

  self->pending_id = 0;
  kyso_document_page_check_pending (self);
  return G_SOURCE_REMOVE;
}

static void
resume_open_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  KysoDocumentPage *self = KYSO_DOCUMENT_PAGE (source);
  g_autoptr (KysoPending) pending = user_data;
  g_autoptr (GError) error = NULL;
  KysoContext *app = self->context;
  GtkRoot *root;
  KysoSignPlacement placement = { 0 };
  KysoSignDialog *dialog;

  if (!kyso_document_page_open_finish (self, result, &error) || app == NULL)
    return; /* the page shows why */

  root = gtk_widget_get_root (GTK_WIDGET (self));
  dialog = kyso_sign_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, self->file, &placement);
  if (self->signer_factory != NULL)
    kyso_sign_dialog_set_signer_factory (dialog, self->signer_factory, self->signer_factory_data, NULL);
  kyso_sign_dialog_set_config (dialog, kyso_context_get_config (app));
  if (!kyso_sign_dialog_resume (dialog, pending, kyso_context_get_profile_store (app), &error))
    {
      gtk_window_destroy (GTK_WINDOW (dialog));
      kyso_document_page_show_error (self, error->message);
      kyso_signing_job_forget (pending);
      return;
    }
  g_signal_connect_object (dialog, "signed", G_CALLBACK (sign_dialog_signed_cb), self, 0);
  g_set_weak_pointer (&self->sign_dialog, dialog);
  self->placement_page = 0;
  gtk_window_present (GTK_WINDOW (dialog));
}

void
kyso_document_page_resume_signing_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  KysoDocumentPage *self = KYSO_DOCUMENT_PAGE (widget);
  g_autoptr (KysoPending) pending = self->pending ? g_object_ref (self->pending) : NULL;
  g_autoptr (GFile) document = NULL;

  if (pending == NULL)
    return;
  kyso_document_page_show_pending (self, NULL);
  document = g_file_new_for_path (kyso_pending_get_document_path (pending));
  kyso_document_page_open_async (self, document, NULL, resume_open_done, g_steal_pointer (&pending));
}

void
kyso_document_page_discard_pending_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  KysoDocumentPage *self = KYSO_DOCUMENT_PAGE (widget);

  if (self->pending == NULL)
    return;
  /* The prepared (unsigned) copies go too; the original document was never touched. */
  kyso_signing_job_forget (self->pending);
  kyso_document_page_show_pending (self, NULL);
}
