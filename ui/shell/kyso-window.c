#include "config.h"

#include "kyso-window.h"
#include "kyso-application.h"
#include "kyso-document-page.h"
#include "kyso-dossiers-page.h"
#include "kyso-signatures-page.h"
#include "kyso-settings-page.h"

#include <glib/gi18n-lib.h>

struct _KysoWindow
{
  AdwApplicationWindow parent_instance;

  AdwToastOverlay *toast_overlay;
  AdwLeaflet *leaflet;
  GtkWidget *sidebar_box;
  GtkWidget *sidebar_separator;
  GtkWidget *content_box;
  GtkWidget *content_header;
  GtkListBox *sidebar;
  GtkListBoxRow *dossiers_row;
  GtkListBoxRow *documents_row;
  GtkListBoxRow *profiles_row;
  GtkListBoxRow *settings_row;
  AdwWindowTitle *content_title;
  GtkStack *stack;
  KysoDossiersPage *dossiers_page;
  KysoDocumentPage *documents_page;
  KysoSignaturesPage *signatures_page;
  KysoSettingsPage *settings_page;

  gboolean set_up;
  GPtrArray *sign_requests; /* GTask of kyso_window_sign_file_async, waiting */
  gboolean ending_session;  /* closing waits for the portal session to end */
  gboolean session_ended;
  gboolean kiosk;
};

G_DEFINE_FINAL_TYPE (KysoWindow, kyso_window, ADW_TYPE_APPLICATION_WINDOW)

static const char *const page_names[] = { "dossiers", "documents", "profiles", "settings" };

static GtkListBoxRow *
row_for_page (KysoWindow *self, const char *name)
{
  GtkListBoxRow *rows[] = { self->dossiers_row, self->documents_row, self->profiles_row, self->settings_row };

  for (gsize i = 0; i < G_N_ELEMENTS (page_names); i++)
    if (g_strcmp0 (page_names[i], name) == 0)
      return rows[i];
  return NULL;
}

static GSettings *
get_settings (KysoWindow *self)
{
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));

  return KYSO_IS_APPLICATION (app) ? kyso_application_get_settings (KYSO_APPLICATION (app)) : NULL;
}

static void
sidebar_row_activated_cb (KysoWindow *self, GtkListBoxRow *row)
{
  for (gsize i = 0; i < G_N_ELEMENTS (page_names); i++)
    if (row_for_page (self, page_names[i]) == row)
      kyso_window_set_page (self, page_names[i]);
  /* On a narrow screen the sidebar is a page of its own: move on to the content. */
  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_FORWARD);
}

static void
back_clicked_cb (KysoWindow *self)
{
  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_BACK);
}

static void
stack_visible_child_cb (KysoWindow *self)
{
  GtkWidget *child = gtk_stack_get_visible_child (self->stack);
  GtkStackPage *page;

  if (child == NULL)
    return;
  page = gtk_stack_get_page (self->stack, child);
  adw_window_title_set_title (self->content_title, gtk_stack_page_get_title (page));
  gtk_list_box_select_row (self->sidebar, row_for_page (self, gtk_stack_page_get_name (page)));
}

static void
show_page_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  KysoWindow *self = user_data;

  kyso_window_set_page (self, g_variant_get_string (parameter, NULL));
  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_FORWARD);
}

static void
add_profile_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  KysoWindow *self = user_data;

  kyso_window_set_page (self, "profiles");
  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_FORWARD);
  kyso_signatures_page_add_profile (self->signatures_page);
}

/* A dossier's component opened from the Dossiers place (s: its path). */
static void
open_document_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  KysoWindow *self = user_data;
  g_autoptr(GFile) file = g_file_new_for_path (g_variant_get_string (parameter, NULL));

  kyso_window_set_page (self, "documents");
  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_FORWARD);
  kyso_document_page_open_async (self->documents_page, file, NULL, NULL, NULL);
}

/* Sign this file --------------------------------------------------------------------------- */

static void
document_signed_cb (KysoDocumentPage *page, GFile *input, GFile *output, KysoWindow *self)
{
  for (guint i = self->sign_requests->len; i > 0; i--)
    {
      GTask *task = self->sign_requests->pdata[i - 1];

      if (g_file_equal (g_task_get_task_data (task), input))
        {
          g_task_return_pointer (task, g_object_ref (output), g_object_unref);
          g_ptr_array_remove_index (self->sign_requests, i - 1);
        }
    }
}

static void
sign_request_cancelled_cb (GCancellable *cancellable, GTask *task)
{
  KysoWindow *self = g_task_get_source_object (task);

  /* Only still waiting requests are in the list; the list owns the task. */
  if (g_ptr_array_find (self->sign_requests, task, NULL))
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, "%s",
                               _("Signing was cancelled; nothing was signed."));
      g_ptr_array_remove (self->sign_requests, task);
    }
}

static gboolean
sign_request_cancel_idle (gpointer data)
{
  GTask *task = data;

  sign_request_cancelled_cb (g_task_get_cancellable (task), task);
  g_object_unref (task);
  return G_SOURCE_REMOVE;
}

static void
on_sign_request_cancelled (GCancellable *cancellable, gpointer data)
{
  /* "cancelled" may run on any thread and with the cancellable's lock held: answer later. */
  g_idle_add (sign_request_cancel_idle, g_object_ref (data));
}

void
kyso_window_sign_file_async (KysoWindow *self, GFile *file, GCancellable *cancellable,
                             GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task;

  g_return_if_fail (KYSO_IS_WINDOW (self));
  g_return_if_fail (G_IS_FILE (file));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, kyso_window_sign_file_async);
  g_task_set_task_data (task, g_object_ref (file), g_object_unref);
  g_ptr_array_add (self->sign_requests, task);
  if (cancellable != NULL)
    g_cancellable_connect (cancellable, G_CALLBACK (on_sign_request_cancelled), g_object_ref (task),
                           g_object_unref);
  kyso_window_set_page (self, "documents");
  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_FORWARD);
  kyso_document_page_open_async (self->documents_page, file, NULL, NULL, NULL);
}

GFile *
kyso_window_sign_file_finish (KysoWindow *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == kyso_window_sign_file_async, NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
fail_sign_requests (KysoWindow *self)
{
  while (self->sign_requests != NULL && self->sign_requests->len > 0)
    {
      GTask *task = g_ptr_array_steal_index (self->sign_requests, 0);

      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, "%s",
                               _("Signing was cancelled; nothing was signed."));
      g_object_unref (task);
    }
}

static void
kyso_window_dispose (GObject *object)
{
  KysoWindow *self = KYSO_WINDOW (object);

  fail_sign_requests (self);
  g_clear_pointer (&self->sign_requests, g_ptr_array_unref);
  G_OBJECT_CLASS (kyso_window_parent_class)->dispose (object);
}

/* The portal session ended at close: the window goes now. */
static void
closing_logout_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(KysoWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!kyso_portal_logout_finish (KYSO_PORTAL (source), result, &error))
    g_warning ("Logging out when closing: %s", error->message);
  self->session_ended = TRUE;
  gtk_window_destroy (GTK_WINDOW (self));
}

/* Unless the citizen chose "Remember me on this computer", closing Kyso logs out of the portal:
 * the next person at this computer must not continue their dossiers. FALSE when nothing is to
 * be done; else the window closes once the session is gone. */
static gboolean
end_session_on_close (KysoWindow *self, GSettings *settings)
{
  KysoPortal *portal = kyso_dossiers_page_get_portal (self->dossiers_page);

  if (self->session_ended || portal == NULL || !kyso_portal_is_logged_in (portal)
      || (settings != NULL && g_settings_get_boolean (settings, "remember-session")))
    return FALSE;
  if (!self->ending_session)
    {
      self->ending_session = TRUE;
      gtk_widget_set_visible (GTK_WIDGET (self), FALSE);
      kyso_portal_logout_async (portal, NULL, closing_logout_cb, g_object_ref (self));
    }
  return TRUE;
}

static gboolean
kyso_window_close_request (GtkWindow *window)
{
  KysoWindow *self = KYSO_WINDOW (window);
  GSettings *settings = get_settings (self);

  if (self->ending_session)
    return TRUE;

  /* A kiosk's window is fullscreen and keeps nothing of one citizen for the next. */
  if (settings != NULL && !self->kiosk)
    {
      int width, height;

      gtk_window_get_default_size (window, &width, &height);
      g_settings_delay (settings);
      g_settings_set_boolean (settings, "window-maximized", gtk_window_is_maximized (window));
      if (!gtk_window_is_maximized (window))
        {
          g_settings_set_int (settings, "window-width", width);
          g_settings_set_int (settings, "window-height", height);
        }
      g_settings_set_string (settings, "last-page", kyso_window_get_page (self));
      g_settings_apply (settings);
    }
  if (end_session_on_close (self, settings))
    return TRUE;
  return GTK_WINDOW_CLASS (kyso_window_parent_class)->close_request (window);
}

/* Runs once the window belongs to the application ("application" is set after construction). */
static void
application_set_cb (KysoWindow *self, GParamSpec *pspec, gpointer user_data)
{
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));
  KysoContext *context;
  GSettings *settings;
  g_autofree char *page = NULL;

  if (!KYSO_IS_APPLICATION (app) || self->set_up)
    return;
  self->set_up = TRUE;
  settings = kyso_application_get_settings (KYSO_APPLICATION (app));

  context = kyso_application_get_context (KYSO_APPLICATION (app));

  /* Every place gets the same context, the same way. */
  kyso_dossiers_page_set_context (self->dossiers_page, context);
  kyso_document_page_set_context (self->documents_page, context);
  kyso_signatures_page_set_context (self->signatures_page, context);
  kyso_settings_page_set_context (self->settings_page, context);

  if (settings != NULL)
    {
      gtk_window_set_default_size (GTK_WINDOW (self), g_settings_get_int (settings, "window-width"),
                                   g_settings_get_int (settings, "window-height"));
      if (g_settings_get_boolean (settings, "window-maximized"))
        gtk_window_maximize (GTK_WINDOW (self));
      page = g_settings_get_string (settings, "last-page");
    }
  /* A first start lands where a citizen begins: applying for a public service. */
  kyso_window_set_page (self, page != NULL && *page != '\0' ? page : "dossiers");
  /* The stack may already show that page (the first one): title and sidebar follow anyway. */
  stack_visible_child_cb (self);
}

static void
kyso_window_class_init (KysoWindowClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  window_class->close_request = kyso_window_close_request;
  G_OBJECT_CLASS (klass)->dispose = kyso_window_dispose;

  g_type_ensure (KYSO_TYPE_DOCUMENT_PAGE);
  g_type_ensure (KYSO_TYPE_DOSSIERS_PAGE);
  g_type_ensure (KYSO_TYPE_SIGNATURES_PAGE);
  g_type_ensure (KYSO_TYPE_SETTINGS_PAGE);

  gtk_widget_class_set_template_from_resource (widget_class, "/vn/kyso/Kyso/ui/kyso-window.ui");
  gtk_widget_class_bind_template_child (widget_class, KysoWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, KysoWindow, leaflet);
  gtk_widget_class_bind_template_child (widget_class, KysoWindow, sidebar_box);
  gtk_widget_class_bind_template_child (widget_class, KysoWindow, sidebar_separator);
  gtk_widget_class_bind_template_child (widget_class, KysoWindow, content_box);
  gtk_widget_class_bind_template_child (widget_class, KysoWindow, content_header);
  gtk_widget_class_bind_template_child (widget_class, KysoWindow, sidebar);
  gtk_widget_class_bind_template_child (widget_class, KysoWindow, dossiers_row);
  gtk_widget_class_bind_template_child (widget_class, KysoWindow, documents_row);
  gtk_widget_class_bind_template_child (widget_class, KysoWindow, profiles_row);
  gtk_widget_class_bind_template_child (widget_class, KysoWindow, settings_row);
  gtk_widget_class_bind_template_child (widget_class, KysoWindow, content_title);
  gtk_widget_class_bind_template_child (widget_class, KysoWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, KysoWindow, dossiers_page);
  gtk_widget_class_bind_template_child (widget_class, KysoWindow, documents_page);
  gtk_widget_class_bind_template_child (widget_class, KysoWindow, signatures_page);
  gtk_widget_class_bind_template_child (widget_class, KysoWindow, settings_page);
  gtk_widget_class_bind_template_callback (widget_class, sidebar_row_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, back_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, stack_visible_child_cb);
}

static void
kyso_window_init (KysoWindow *self)
{
  static const GActionEntry actions[] = {
    { "show-page", show_page_activated, "s", NULL, NULL },
    { "add-profile", add_profile_activated, NULL, NULL, NULL },
    { "open-document", open_document_activated, "s", NULL, NULL },
  };

  gtk_widget_init_template (GTK_WIDGET (self));
  self->sign_requests = g_ptr_array_new_with_free_func (g_object_unref);
  g_signal_connect_object (self->documents_page, "signed", G_CALLBACK (document_signed_cb), self, 0);
  g_action_map_add_action_entries (G_ACTION_MAP (self), actions, G_N_ELEMENTS (actions), self);
  g_signal_connect (self, "notify::application", G_CALLBACK (application_set_cb), NULL);
  /* The content is what the leaflet shows first when it folds after start-up. */
  adw_leaflet_set_visible_child (self->leaflet, self->content_box);
}

KysoWindow *
kyso_window_new (KysoApplication *application)
{
  return g_object_new (KYSO_TYPE_WINDOW, "application", application, NULL);
}

void
kyso_window_set_page (KysoWindow *self, const char *name)
{
  g_return_if_fail (KYSO_IS_WINDOW (self));

  if (row_for_page (self, name) == NULL)
    {
      g_warning ("No page called “%s”", name);
      return;
    }
  gtk_stack_set_visible_child_name (self->stack, name);
}

const char *
kyso_window_get_page (KysoWindow *self)
{
  g_return_val_if_fail (KYSO_IS_WINDOW (self), NULL);
  return gtk_stack_get_visible_child_name (self->stack);
}

void
kyso_window_add_toast (KysoWindow *self, AdwToast *toast)
{
  g_return_if_fail (KYSO_IS_WINDOW (self));
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

KysoDossiersPage *
kyso_window_get_dossiers_page (KysoWindow *self)
{
  g_return_val_if_fail (KYSO_IS_WINDOW (self), NULL);
  return self->dossiers_page;
}

KysoDocumentPage *
kyso_window_get_document_page (KysoWindow *self)
{
  g_return_val_if_fail (KYSO_IS_WINDOW (self), NULL);
  return self->documents_page;
}

void
kyso_window_set_kiosk (KysoWindow *self, gboolean kiosk)
{
  g_return_if_fail (KYSO_IS_WINDOW (self));

  self->kiosk = kiosk;
  /* The kiosk's start screen and bar replace the places and the window's own buttons. */
  gtk_widget_set_visible (self->sidebar_box, !kiosk);
  gtk_widget_set_visible (self->sidebar_separator, !kiosk);
  gtk_widget_set_visible (self->content_header, !kiosk);
  adw_leaflet_set_can_navigate_back (self->leaflet, !kiosk);
  adw_leaflet_set_visible_child (self->leaflet, self->content_box);
}
