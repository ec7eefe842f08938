/* kyso-document-page.c: open, read and place the signature on a PDF */

#include "config.h"

#include "kyso-document-page-private.h"

#include <glib/gi18n-lib.h>

#include "kyso-document-thumbnails.h"
#include "kyso-pending.h"
#include "kyso-pdf-verify.h"
#include "kyso-sign-dialog.h"
#include "kyso-sign-session.h"

#define MAX_RECENT 6

G_DEFINE_FINAL_TYPE (KysoDocumentPage, kyso_document_page, GTK_TYPE_WIDGET)

enum
{
  PROP_0,
  PROP_FILE,
  PROP_SHOW_THUMBNAILS,
  PROP_SHOW_HISTORY,
  PROP_INVISIBLE_SIGNATURE,
  PROP_FIT_WIDTH,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum
{
  PLACEMENT_CONFIRMED,
  SIGNED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

void
kyso_document_page_update_actions (KysoDocumentPage *self)
{
  gboolean has_doc = self->renderer != NULL;
  gboolean placing = kyso_document_view_get_placing (self->view) || self->invisible;
  guint page = kyso_document_view_get_current_page (self->view);
  guint n = kyso_document_view_get_n_pages (self->view);
  double zoom = kyso_document_view_get_zoom (self->view);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "doc.previous-page", has_doc && page > 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "doc.next-page", has_doc && page + 1 < n);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "doc.zoom-in",
                                 has_doc && zoom < KYSO_DOCUMENT_VIEW_MAX_ZOOM);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "doc.zoom-out",
                                 has_doc && zoom > KYSO_DOCUMENT_VIEW_MIN_ZOOM);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "doc.zoom-fit", has_doc);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "doc.fit-width", has_doc);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "doc.show-thumbnails", has_doc);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "doc.show-history", has_doc);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "doc.place-signature", has_doc && !placing);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "doc.confirm-placement", placing);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "doc.cancel-placement", placing);
}

void
kyso_document_page_add_toast (KysoDocumentPage *self, AdwToast *toast)
{
  g_return_if_fail (KYSO_IS_DOCUMENT_PAGE (self));
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

void
kyso_document_page_show_error (KysoDocumentPage *self, const char *message)
{
  g_return_if_fail (KYSO_IS_DOCUMENT_PAGE (self));

  if (message != NULL)
    {
      gtk_info_bar_set_message_type (self->error_bar, GTK_MESSAGE_ERROR);
      gtk_label_set_text (self->error_label, message);
    }
  gtk_info_bar_set_revealed (self->error_bar, message != NULL);
}

static void
error_bar_response_cb (KysoDocumentPage *self, int response)
{
  kyso_document_page_show_error (self, NULL);
}

/* Recent documents */

static void
recent_row_activated_cb (KysoDocumentPage *self, GtkListBoxRow *row)
{
  const char *uri = g_object_get_data (G_OBJECT (row), "kyso-uri");
  g_autoptr (GFile) file = NULL;

  if (uri == NULL)
    return;
  file = g_file_new_for_uri (uri);
  kyso_document_page_open_async (self, file, NULL, NULL, NULL);
}

static int
compare_recent (gconstpointer a, gconstpointer b)
{
  GtkRecentInfo *ia = *(GtkRecentInfo **)a, *ib = *(GtkRecentInfo **)b;
  GDateTime *ma = gtk_recent_info_get_modified (ia); /* borrowed */
  GDateTime *mb = gtk_recent_info_get_modified (ib);

  return g_date_time_compare (mb, ma);
}

static void
update_recent (KysoDocumentPage *self)
{
  GList *items = gtk_recent_manager_get_items (self->recent_manager);
  g_autoptr (GPtrArray) pdfs = g_ptr_array_new ();
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->recent_list))) != NULL)
    gtk_list_box_remove (self->recent_list, child);

  for (GList *l = items; l != NULL; l = l->next)
    {
      GtkRecentInfo *info = l->data;
      if (g_strcmp0 (gtk_recent_info_get_mime_type (info), "application/pdf") == 0
          && gtk_recent_info_exists (info))
        g_ptr_array_add (pdfs, info);
    }
  g_ptr_array_sort (pdfs, compare_recent);

  for (guint i = 0; i < MIN (pdfs->len, MAX_RECENT); i++)
    {
      GtkRecentInfo *info = pdfs->pdata[i];
      g_autoptr (GFile) file = g_file_new_for_uri (gtk_recent_info_get_uri (info));
      g_autoptr (GFile) parent = g_file_get_parent (file);
      g_autofree char *folder = parent ? g_file_get_parse_name (parent) : NULL;
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *icon = gtk_image_new_from_icon_name ("go-next-symbolic");

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), gtk_recent_info_get_display_name (info));
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      if (folder != NULL)
        adw_action_row_set_subtitle (ADW_ACTION_ROW (row), folder);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), icon);
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
      g_object_set_data_full (G_OBJECT (row), "kyso-uri", g_strdup (gtk_recent_info_get_uri (info)), g_free);
      gtk_list_box_append (self->recent_list, row);
    }
  gtk_widget_set_visible (self->recent_box, pdfs->len > 0);
  g_list_free_full (items, (GDestroyNotify)gtk_recent_info_unref);
}

/* Signing history */

static KysoPdfVerifier *
get_verifier (KysoDocumentPage *self)
{
  if (self->verifier == NULL)
    {
      self->verifier = kyso_pdf_verifier_new ();
      /* The trust anchors and TLS settings the citizen (or the kiosk operator) configured. */
      if (self->context != NULL)
        kyso_pdf_verifier_apply_config (self->verifier, kyso_context_get_config (self->context));
    }
  return self->verifier;
}

void
kyso_document_page_check_history (KysoDocumentPage *self)
{
  kyso_history_panel_check_async (self->history_panel, self->file, get_verifier (self), NULL, NULL, NULL);
}

/* Opening */

static void
update_page_labels (KysoDocumentPage *self)
{
  g_autofree char *page = g_strdup_printf ("%u", kyso_document_view_get_current_page (self->view) + 1);
  /* Translators: after the page number entry, e.g. "of 12". */
  g_autofree char *count = g_strdup_printf (_("of %u"), kyso_document_view_get_n_pages (self->view));
  g_autofree char *zoom = g_strdup_printf ("%.0f%%", kyso_document_view_get_zoom (self->view) * 100);

  if (!gtk_widget_has_focus (GTK_WIDGET (self->page_entry))
      && !gtk_widget_is_focus (gtk_widget_get_first_child (GTK_WIDGET (self->page_entry))))
    gtk_editable_set_text (GTK_EDITABLE (self->page_entry), page);
  gtk_label_set_text (self->page_count_label, count);
  gtk_label_set_text (self->zoom_label, zoom);
}

static gboolean
show_loading_cb (gpointer data)
{
  KysoDocumentPage *self = data;

  self->loading_timeout = 0;
  gtk_stack_set_visible_child_name (self->stack, "loading");
  gtk_spinner_start (self->loading_spinner);
  return G_SOURCE_REMOVE;
}

static void
stop_loading (KysoDocumentPage *self)
{
  g_clear_handle_id (&self->loading_timeout, g_source_remove);
  gtk_spinner_stop (self->loading_spinner);
}

static void
open_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  KysoDocumentPage *self = g_task_get_source_object (task);
  GFile *file = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  g_autoptr (KysoPageRenderer) renderer = NULL;
  g_autofree char *uri = NULL;

  renderer = kyso_page_renderer_new_finish (result, &error);
  if (renderer == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_autofree char *name = g_file_get_basename (file);
          g_autofree char *message = NULL;

          stop_loading (self);
          gtk_stack_set_visible_child_name (self->stack, self->renderer ? "document" : "empty");
          /* Translators: %s is a file name, followed by the reason. */
          message = g_strdup_printf (_("“%s” could not be opened. %s"), name, error->message);
          kyso_document_page_show_error (self, message);
        }
      else if (g_task_get_cancellable (task) == self->open_cancellable)
        {
          stop_loading (self);
          gtk_stack_set_visible_child_name (self->stack, self->renderer ? "document" : "empty");
        }
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (!self->keep_status)
    kyso_document_page_show_error (self, NULL);
  self->keep_status = FALSE;
  kyso_document_view_end_placement (self->view);
  gtk_revealer_set_reveal_child (self->placement_revealer, FALSE);
  g_cancellable_cancel (self->find_cancellable);
  g_set_object (&self->file, file);
  g_set_object (&self->renderer, renderer);
  self->has_placement = FALSE;
  self->invisible = FALSE;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_INVISIBLE_SIGNATURE]);

  kyso_document_view_set_renderer (self->view, renderer);
  /* The sidebar gets the pages only while it shows: hidden, a list view may bind many rows. */
  kyso_document_thumbnails_set_renderer (self->thumbnails, self->show_thumbnails ? renderer : NULL);
  kyso_history_panel_clear (self->history_panel);
  stop_loading (self);
  gtk_stack_set_visible_child_name (self->stack, "document");
  gtk_widget_set_visible (self->toolbar, TRUE);
  update_page_labels (self);
  kyso_document_page_update_actions (self);
  gtk_widget_grab_focus (GTK_WIDGET (self->view));

  uri = g_file_get_uri (file);
  if (uri != NULL)
    {
      GtkRecentData data = { 0 };

      data.mime_type = (char *)"application/pdf";
      data.app_name = (char *)g_get_application_name ();
      data.app_exec = (char *)"kyso %u";
      gtk_recent_manager_add_full (self->recent_manager, uri, &data);
    }

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FILE]);
  if (self->show_history)
    kyso_document_page_check_history (self);
  g_task_return_boolean (task, TRUE);
}

void
kyso_document_page_open_async (KysoDocumentPage *self, GFile *file, GCancellable *cancellable,
                               GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr (GTask) task = NULL;

  g_return_if_fail (KYSO_IS_DOCUMENT_PAGE (self));
  g_return_if_fail (G_IS_FILE (file));

  /* A newer choice wins over one still opening. */
  g_cancellable_cancel (self->open_cancellable);
  g_clear_object (&self->open_cancellable);
  self->open_cancellable = cancellable ? g_object_ref (cancellable) : g_cancellable_new ();

  task = g_task_new (self, self->open_cancellable, callback, user_data);
  g_task_set_source_tag (task, kyso_document_page_open_async);
  g_task_set_task_data (task, g_object_ref (file), g_object_unref);

  /* Most files open in a blink: show the spinner only when it takes a while. */
  if (self->loading_timeout == 0)
    self->loading_timeout = g_timeout_add (200, show_loading_cb, self);
  kyso_page_renderer_new_async (file, self->open_cancellable, open_done, g_steal_pointer (&task));
}

gboolean
kyso_document_page_open_finish (KysoDocumentPage *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (KYSO_IS_DOCUMENT_PAGE (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == kyso_document_page_open_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
chooser_response_cb (GtkNativeDialog *chooser, int response, KysoDocumentPage *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr (GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      if (file != NULL)
        kyso_document_page_open_async (self, file, NULL, NULL, NULL);
    }
  gtk_native_dialog_destroy (chooser);
  g_object_unref (chooser);
}

static void
open_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  KysoDocumentPage *self = KYSO_DOCUMENT_PAGE (widget);
  GtkRoot *root = gtk_widget_get_root (widget);
  GtkFileChooserNative *chooser;
  g_autoptr (GtkFileFilter) filter = gtk_file_filter_new ();

  /* The portal's chooser when sandboxed: Kyso sees only the file the citizen picked. */
  chooser = gtk_file_chooser_native_new (_("Open a PDF"), GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                            GTK_FILE_CHOOSER_ACTION_OPEN, _("_Open"), _("_Cancel"));
  gtk_file_filter_set_name (filter, _("PDF documents"));
  gtk_file_filter_add_mime_type (filter, "application/pdf");
  gtk_file_filter_add_suffix (filter, "pdf");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_signal_connect (chooser, "response", G_CALLBACK (chooser_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static gboolean
drop_cb (GtkDropTarget *target, const GValue *value, double x, double y, KysoDocumentPage *self)
{
  GFile *file = NULL;

  if (G_VALUE_HOLDS (value, G_TYPE_FILE))
    file = g_value_get_object (value);
  else if (G_VALUE_HOLDS (value, GDK_TYPE_FILE_LIST))
    {
      GSList *files = g_value_get_boxed (value);
      file = files ? files->data : NULL;
    }
  if (file == NULL)
    return FALSE;
  kyso_document_page_open_async (self, file, NULL, NULL, NULL);
  return TRUE;
}

/* Navigation and zoom */

static void
page_entry_activate_cb (KysoDocumentPage *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->page_entry));
  guint64 page = 0;

  if (!g_ascii_string_to_unsigned (text, 10, 1, MAX (kyso_document_view_get_n_pages (self->view), 1), &page,
                                   NULL))
    {
      gtk_widget_error_bell (GTK_WIDGET (self->page_entry));
      update_page_labels (self);
      return;
    }
  kyso_document_view_go_to_page (self->view, (guint)page - 1);
  gtk_widget_grab_focus (GTK_WIDGET (self->view));
}

static void
view_current_page_cb (KysoDocumentPage *self)
{
  kyso_document_thumbnails_set_current_page (self->thumbnails,
                                             kyso_document_view_get_current_page (self->view));
  update_page_labels (self);
  kyso_document_page_update_actions (self);
}

static void
view_zoom_cb (KysoDocumentPage *self)
{
  update_page_labels (self);
  kyso_document_page_update_actions (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FIT_WIDTH]);
}

static void
thumbnail_activated_cb (KysoDocumentPage *self, guint page)
{
  kyso_document_view_go_to_page (self->view, page);
}

static void
navigate_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  KysoDocumentPage *self = KYSO_DOCUMENT_PAGE (widget);
  guint page = kyso_document_view_get_current_page (self->view);

  if (g_str_equal (action_name, "doc.previous-page"))
    kyso_document_view_go_to_page (self->view, page > 0 ? page - 1 : 0);
  else
    kyso_document_view_go_to_page (self->view, page + 1);
}

static void
zoom_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  KysoDocumentPage *self = KYSO_DOCUMENT_PAGE (widget);

  if (g_str_equal (action_name, "doc.zoom-in"))
    kyso_document_view_zoom_in (self->view);
  else if (g_str_equal (action_name, "doc.zoom-out"))
    kyso_document_view_zoom_out (self->view);
  else
    kyso_document_view_set_fit_width (self->view, TRUE);
}

static void
finish_placement (KysoDocumentPage *self)
{
  g_cancellable_cancel (self->find_cancellable);
  g_clear_object (&self->find_cancellable);
  kyso_document_view_end_placement (self->view);
  kyso_document_view_set_highlights (self->view, NULL);
  gtk_revealer_set_reveal_child (self->placement_revealer, FALSE);
  if (self->invisible)
    {
      self->invisible = FALSE;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_INVISIBLE_SIGNATURE]);
    }
  gtk_widget_grab_focus (GTK_WIDGET (self->view));
  kyso_document_page_update_actions (self);
}

static void
confirm_placement_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  KysoDocumentPage *self = KYSO_DOCUMENT_PAGE (widget);
  KysoSignatureBox *box = kyso_document_view_get_signature_box (self->view);

  self->has_placement = TRUE;
  self->placement_invisible = self->invisible;
  self->placement_page = kyso_signature_box_get_page (box);
  kyso_signature_box_get_pdf_rect (box, &self->placement_rect);
  finish_placement (self);
  g_signal_emit (self, signals[PLACEMENT_CONFIRMED], 0);
  kyso_document_page_start_signing (self);
}

static void
cancel_placement_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  finish_placement (KYSO_DOCUMENT_PAGE (widget));
}

static void
placement_confirmed_cb (KysoDocumentPage *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "doc.confirm-placement", NULL);
}

static void
placement_cancelled_cb (KysoDocumentPage *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "doc.cancel-placement", NULL);
}

static void
set_invisible (KysoDocumentPage *self, gboolean invisible)
{
  KysoSignatureBox *box = kyso_document_view_get_signature_box (self->view);

  invisible = !!invisible;
  if (self->invisible == invisible)
    return;
  self->invisible = invisible;
  /* Nothing to place for an invisible signature: the frame goes, Enter on the button signs. */
  gtk_widget_set_visible (GTK_WIDGET (box), !invisible && kyso_document_view_get_placing (self->view));
  gtk_button_set_label (self->confirm_button, invisible ? _("_Continue") : _("Sign _Here"));
  if (invisible)
    gtk_widget_grab_focus (GTK_WIDGET (self->confirm_button));
  else if (kyso_document_view_get_placing (self->view))
    gtk_widget_grab_focus (GTK_WIDGET (box));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_INVISIBLE_SIGNATURE]);
}

void
kyso_document_page_set_show_history (KysoDocumentPage *self, gboolean show)
{
  show = !!show;
  if (self->show_history == show)
    return;
  self->show_history = show;
  gtk_revealer_set_reveal_child (self->history_revealer, show);
  if (show && self->file != NULL)
    kyso_document_page_check_history (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SHOW_HISTORY]);
}

static void
kyso_document_page_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  KysoDocumentPage *self = KYSO_DOCUMENT_PAGE (object);

  switch (prop_id)
    {
      case PROP_FILE:
        g_value_set_object (value, self->file);
        break;
      case PROP_SHOW_THUMBNAILS:
        g_value_set_boolean (value, self->show_thumbnails);
        break;
      case PROP_SHOW_HISTORY:
        g_value_set_boolean (value, self->show_history);
        break;
      case PROP_INVISIBLE_SIGNATURE:
        g_value_set_boolean (value, self->invisible);
        break;
      case PROP_FIT_WIDTH:
        g_value_set_boolean (value, kyso_document_view_get_fit_width (self->view));
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kyso_document_page_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  KysoDocumentPage *self = KYSO_DOCUMENT_PAGE (object);

  switch (prop_id)
    {
      case PROP_SHOW_THUMBNAILS:
        if (self->show_thumbnails != g_value_get_boolean (value))
          {
            self->show_thumbnails = g_value_get_boolean (value);
            kyso_document_thumbnails_set_renderer (self->thumbnails,
                                                   self->show_thumbnails ? self->renderer : NULL);
            kyso_document_thumbnails_set_current_page (self->thumbnails,
                                                       kyso_document_view_get_current_page (self->view));
            gtk_revealer_set_reveal_child (self->thumbnails_revealer, self->show_thumbnails);
            g_object_notify_by_pspec (object, pspec);
          }
        break;
      case PROP_SHOW_HISTORY:
        kyso_document_page_set_show_history (self, g_value_get_boolean (value));
        break;
      case PROP_INVISIBLE_SIGNATURE:
        set_invisible (self, g_value_get_boolean (value));
        kyso_document_page_update_actions (self);
        break;
      case PROP_FIT_WIDTH:
        kyso_document_view_set_fit_width (self->view, g_value_get_boolean (value));
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kyso_document_page_dispose (GObject *object)
{
  KysoDocumentPage *self = KYSO_DOCUMENT_PAGE (object);

  g_cancellable_cancel (self->open_cancellable);
  g_cancellable_cancel (self->find_cancellable);
  g_cancellable_cancel (self->profile_cancellable);
  g_clear_object (&self->profile_cancellable);
  g_clear_weak_pointer (&self->sign_dialog);
  g_clear_handle_id (&self->pending_id, g_source_remove);
  g_clear_object (&self->pending);
  g_clear_handle_id (&self->loading_timeout, g_source_remove);
  if (self->recent_manager != NULL)
    g_signal_handlers_disconnect_by_data (self->recent_manager, self);
  gtk_widget_dispose_template (GTK_WIDGET (object), KYSO_TYPE_DOCUMENT_PAGE);
  /* Template children not bound to a field are not removed by dispose_template. */
  for (GtkWidget *child; (child = gtk_widget_get_first_child (GTK_WIDGET (object))) != NULL;)
    gtk_widget_unparent (child);
  g_clear_object (&self->open_cancellable);
  g_clear_object (&self->find_cancellable);
  g_clear_object (&self->file);
  g_clear_object (&self->renderer);
  g_clear_object (&self->verifier);
  g_clear_object (&self->context);
  g_clear_pointer (&self->image_png, g_bytes_unref);

  G_OBJECT_CLASS (kyso_document_page_parent_class)->dispose (object);
}

static void
kyso_document_page_finalize (GObject *object)
{
  KysoDocumentPage *self = KYSO_DOCUMENT_PAGE (object);

  g_free (self->keyword);
  g_free (self->box_text);

  G_OBJECT_CLASS (kyso_document_page_parent_class)->finalize (object);
}

static void
kyso_document_page_class_init (KysoDocumentPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = kyso_document_page_get_property;
  object_class->set_property = kyso_document_page_set_property;
  object_class->dispose = kyso_document_page_dispose;
  object_class->finalize = kyso_document_page_finalize;

  properties[PROP_FILE]
    = g_param_spec_object ("file", NULL, NULL, G_TYPE_FILE, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_SHOW_THUMBNAILS]
    = g_param_spec_boolean ("show-thumbnails", NULL, NULL, FALSE,
                            G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_SHOW_HISTORY] = g_param_spec_boolean (
    "show-history", NULL, NULL, FALSE, G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_INVISIBLE_SIGNATURE]
    = g_param_spec_boolean ("invisible-signature", NULL, NULL, FALSE,
                            G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_FIT_WIDTH] = g_param_spec_boolean (
    "fit-width", NULL, NULL, TRUE, G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[PLACEMENT_CONFIRMED] = g_signal_new ("placement-confirmed", G_TYPE_FROM_CLASS (klass),
                                               G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  /* (GFile *input, GFile *output): a document shown here was signed into @output. */
  signals[SIGNED] = g_signal_new ("signed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                  G_TYPE_NONE, 2, G_TYPE_FILE, G_TYPE_FILE);

  g_type_ensure (KYSO_TYPE_DOCUMENT_VIEW);
  g_type_ensure (KYSO_TYPE_DOCUMENT_THUMBNAILS);
  g_type_ensure (KYSO_TYPE_HISTORY_PANEL);
  gtk_widget_class_set_template_from_resource (widget_class, "/vn/kyso/Kyso/ui/kyso-document-page.ui");
  gtk_widget_class_bind_template_child (widget_class, KysoDocumentPage, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, KysoDocumentPage, toolbar);
  gtk_widget_class_bind_template_child (widget_class, KysoDocumentPage, error_bar);
  gtk_widget_class_bind_template_child (widget_class, KysoDocumentPage, error_label);
  gtk_widget_class_bind_template_child (widget_class, KysoDocumentPage, resume_bar);
  gtk_widget_class_bind_template_child (widget_class, KysoDocumentPage, resume_label);
  gtk_widget_class_bind_template_child (widget_class, KysoDocumentPage, stack);
  gtk_widget_class_bind_template_child (widget_class, KysoDocumentPage, loading_spinner);
  gtk_widget_class_bind_template_child (widget_class, KysoDocumentPage, recent_box);
  gtk_widget_class_bind_template_child (widget_class, KysoDocumentPage, recent_list);
  gtk_widget_class_bind_template_child (widget_class, KysoDocumentPage, thumbnails_revealer);
  gtk_widget_class_bind_template_child (widget_class, KysoDocumentPage, thumbnails);
  gtk_widget_class_bind_template_child (widget_class, KysoDocumentPage, view);
  gtk_widget_class_bind_template_child (widget_class, KysoDocumentPage, history_revealer);
  gtk_widget_class_bind_template_child (widget_class, KysoDocumentPage, history_panel);
  gtk_widget_class_bind_template_child (widget_class, KysoDocumentPage, page_entry);
  gtk_widget_class_bind_template_child (widget_class, KysoDocumentPage, page_count_label);
  gtk_widget_class_bind_template_child (widget_class, KysoDocumentPage, zoom_label);
  gtk_widget_class_bind_template_child (widget_class, KysoDocumentPage, placement_revealer);
  gtk_widget_class_bind_template_child (widget_class, KysoDocumentPage, keyword_label);
  gtk_widget_class_bind_template_child (widget_class, KysoDocumentPage, confirm_button);
  gtk_widget_class_bind_template_callback (widget_class, error_bar_response_cb);
  gtk_widget_class_bind_template_callback (widget_class, recent_row_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, page_entry_activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, view_current_page_cb);
  gtk_widget_class_bind_template_callback (widget_class, view_zoom_cb);
  gtk_widget_class_bind_template_callback (widget_class, thumbnail_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, placement_confirmed_cb);
  gtk_widget_class_bind_template_callback (widget_class, placement_cancelled_cb);

  gtk_widget_class_install_action (widget_class, "doc.open", NULL, open_action);
  gtk_widget_class_install_action (widget_class, "doc.previous-page", NULL, navigate_action);
  gtk_widget_class_install_action (widget_class, "doc.next-page", NULL, navigate_action);
  gtk_widget_class_install_action (widget_class, "doc.zoom-in", NULL, zoom_action);
  gtk_widget_class_install_action (widget_class, "doc.zoom-out", NULL, zoom_action);
  gtk_widget_class_install_action (widget_class, "doc.zoom-fit", NULL, zoom_action);
  gtk_widget_class_install_property_action (widget_class, "doc.fit-width", "fit-width");
  gtk_widget_class_install_property_action (widget_class, "doc.show-thumbnails", "show-thumbnails");
  gtk_widget_class_install_property_action (widget_class, "doc.show-history", "show-history");
  gtk_widget_class_install_property_action (widget_class, "doc.invisible-signature", "invisible-signature");
  gtk_widget_class_install_action (widget_class, "doc.place-signature", NULL,
                                   kyso_document_page_place_signature_action);
  gtk_widget_class_install_action (widget_class, "doc.confirm-placement", NULL, confirm_placement_action);
  gtk_widget_class_install_action (widget_class, "doc.cancel-placement", NULL, cancel_placement_action);
  gtk_widget_class_install_action (widget_class, "doc.resume-signing", NULL,
                                   kyso_document_page_resume_signing_action);
  gtk_widget_class_install_action (widget_class, "doc.discard-pending", NULL,
                                   kyso_document_page_discard_pending_action);

  /* Every shortcut of the document page, in one place. */
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_o, GDK_CONTROL_MASK, "doc.open", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_plus, GDK_CONTROL_MASK, "doc.zoom-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_equal, GDK_CONTROL_MASK, "doc.zoom-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Add, GDK_CONTROL_MASK, "doc.zoom-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_minus, GDK_CONTROL_MASK, "doc.zoom-out", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Subtract, GDK_CONTROL_MASK, "doc.zoom-out",
                                       NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_0, GDK_CONTROL_MASK, "doc.zoom-fit", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F9, 0, "doc.show-thumbnails", NULL);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "kyso-document-page");
}

static void
kyso_document_page_init (KysoDocumentPage *self)
{
  GtkDropTarget *drop;
  GType types[] = { GDK_TYPE_FILE_LIST, G_TYPE_FILE };

  gtk_widget_init_template (GTK_WIDGET (self));

  g_signal_connect (kyso_document_view_get_signature_box (self->view), "changed",
                    G_CALLBACK (kyso_document_page_box_changed_cb), self);

  drop = gtk_drop_target_new (G_TYPE_INVALID, GDK_ACTION_COPY);
  gtk_drop_target_set_gtypes (drop, types, G_N_ELEMENTS (types));
  g_signal_connect (drop, "drop", G_CALLBACK (drop_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drop));

  self->recent_manager = gtk_recent_manager_get_default ();
  g_signal_connect_swapped (self->recent_manager, "changed", G_CALLBACK (update_recent), self);
  update_recent (self);
  kyso_document_page_update_actions (self);
  kyso_document_page_show_pending (self, NULL);
  /* After start-up: a request a previous run left waiting for the phone is offered for resume. */
  self->pending_id = g_idle_add (kyso_document_page_check_pending_idle, self);
}

void
kyso_document_page_set_context (KysoDocumentPage *self, KysoContext *context)
{
  g_return_if_fail (KYSO_IS_DOCUMENT_PAGE (self));
  g_return_if_fail (KYSO_IS_CONTEXT (context));

  if (g_set_object (&self->context, context))
    g_clear_object (&self->verifier);
}

GtkWidget *
kyso_document_page_new (void)
{
  return g_object_new (KYSO_TYPE_DOCUMENT_PAGE, NULL);
}

GFile *
kyso_document_page_get_file (KysoDocumentPage *self)
{
  g_return_val_if_fail (KYSO_IS_DOCUMENT_PAGE (self), NULL);
  return self->file;
}

KysoPageRenderer *
kyso_document_page_get_renderer (KysoDocumentPage *self)
{
  g_return_val_if_fail (KYSO_IS_DOCUMENT_PAGE (self), NULL);
  return self->renderer;
}

KysoDocumentView *
kyso_document_page_get_view (KysoDocumentPage *self)
{
  g_return_val_if_fail (KYSO_IS_DOCUMENT_PAGE (self), NULL);
  return self->view;
}

KysoHistoryPanel *
kyso_document_page_get_history_panel (KysoDocumentPage *self)
{
  g_return_val_if_fail (KYSO_IS_DOCUMENT_PAGE (self), NULL);
  return self->history_panel;
}

void
kyso_document_page_set_signature_look (KysoDocumentPage *self, const char *keyword, GBytes *image_png,
                                       const char *text)
{
  g_return_if_fail (KYSO_IS_DOCUMENT_PAGE (self));

  self->look_set = TRUE;
  kyso_document_page_apply_look (self, keyword, image_png, text);
}

gboolean
kyso_document_page_get_placement (KysoDocumentPage *self, guint *page, KysoPageRect *pdf_rect,
                                  gboolean *invisible)
{
  g_return_val_if_fail (KYSO_IS_DOCUMENT_PAGE (self), FALSE);

  if (!self->has_placement)
    return FALSE;
  if (page)
    *page = self->placement_page;
  if (pdf_rect)
    *pdf_rect = self->placement_rect;
  if (invisible)
    *invisible = self->placement_invisible;
  return TRUE;
}

void
kyso_document_page_set_signer_factory (KysoDocumentPage *self, KysoSignerFactory factory, gpointer user_data)
{
  g_return_if_fail (KYSO_IS_DOCUMENT_PAGE (self));

  self->signer_factory = factory;
  self->signer_factory_data = user_data;
}

KysoSignDialog *
kyso_document_page_get_sign_dialog (KysoDocumentPage *self)
{
  g_return_val_if_fail (KYSO_IS_DOCUMENT_PAGE (self), NULL);
  return self->sign_dialog;
}
