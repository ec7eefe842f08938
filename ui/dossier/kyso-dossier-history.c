#include "config.h"

#include "kyso-dossier-history.h"

#include <glib/gi18n-lib.h>

/* What the dialog keeps, as object data. */
typedef struct
{
  GtkWindow *dialog; /* weak */
  GtkStack *stack;
  GtkListBox *list;
  GtkLabel *message;
  GPtrArray *records;
  GCancellable *cancellable;
  char *state;
} History;

static void
history_free (gpointer data)
{
  History *h = data;

  g_cancellable_cancel (h->cancellable);
  g_clear_object (&h->cancellable);
  g_clear_pointer (&h->records, g_ptr_array_unref);
  g_free (h->state);
  g_free (h);
}

static void
set_state (History *h, const char *state)
{
  g_free (h->state);
  h->state = g_strdup (state);
  gtk_stack_set_visible_child_name (h->stack, g_str_equal (state, "list")      ? "list"
                                              : g_str_equal (state, "loading") ? "loading"
                                                                               : "message");
}

static void
history_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GtkWindow) dialog = user_data;
  History *h = g_object_get_data (G_OBJECT (dialog), "kyso-history");
  g_autoptr(GError) error = NULL;
  GPtrArray *records = kyso_portal_get_signing_history_finish (KYSO_PORTAL (source), result, &error);

  if (h == NULL || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_clear_pointer (&records, g_ptr_array_unref);
      return;
    }
  if (records == NULL)
    {
      gtk_label_set_text (h->message, error->message);
      set_state (h, "error");
      return;
    }
  h->records = records;
  for (guint i = 0; i < records->len; i++)
    {
      KysoSigningRecord *r = records->pdata[i];
      GtkWidget *row = adw_action_row_new ();
      g_autofree char *when = r->time != NULL ? g_date_time_format (r->time, "%d/%m/%Y %H:%M") : NULL;
      g_autoptr(GString) subtitle = g_string_new (NULL);

      if (r->email != NULL)
        g_string_append (subtitle, r->email);
      /* Translators: the certifying authority of a signature ("Cơ quan chứng thực") */
      g_string_append_printf (subtitle, "%s%s: %s", subtitle->len > 0 ? "\n" : "",
                              _("Certified by"), r->authority != NULL ? r->authority : _("unknown"));
      /* Translators: when a file was signed ("Ngày ký") */
      g_string_append_printf (subtitle, "\n%s: %s", _("Signed on"), when != NULL ? when : _("unknown"));
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row),
                                     r->signer != NULL ? r->signer : _("Unknown signer"));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle->str);
      adw_action_row_set_icon_name (ADW_ACTION_ROW (row), "kyso-signature-symbolic");
      gtk_list_box_append (h->list, row);
    }
  if (records->len == 0)
    {
      gtk_label_set_text (h->message, _("The portal holds no signature in this file."));
      set_state (h, "empty");
    }
  else
    set_state (h, "list");
}

GtkWindow *
kyso_dossier_history_show (GtkWidget *parent, KysoPortal *portal, const char *file_id, const char *file_name)
{
  GtkRoot *root = gtk_widget_get_root (parent);
  GtkWidget *dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                              _("Signing History"), file_name);
  GtkWidget *stack = gtk_stack_new ();
  GtkWidget *spinner = gtk_spinner_new ();
  GtkWidget *list = gtk_list_box_new ();
  GtkWidget *message = gtk_label_new (NULL);
  History *h = g_new0 (History, 1);

  gtk_spinner_set_spinning (GTK_SPINNER (spinner), TRUE);
  gtk_widget_set_size_request (spinner, 24, 24);
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (list, "boxed-list");
  gtk_accessible_update_property (GTK_ACCESSIBLE (list), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Signatures"), -1);
  gtk_label_set_wrap (GTK_LABEL (message), TRUE);
  gtk_stack_add_named (GTK_STACK (stack), spinner, "loading");
  gtk_stack_add_named (GTK_STACK (stack), list, "list");
  gtk_stack_add_named (GTK_STACK (stack), message, "message");
  gtk_widget_set_size_request (stack, 360, -1);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), stack);
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));

  h->dialog = GTK_WINDOW (dialog);
  h->stack = GTK_STACK (stack);
  h->list = GTK_LIST_BOX (list);
  h->message = GTK_LABEL (message);
  h->cancellable = g_cancellable_new ();
  g_object_set_data_full (G_OBJECT (dialog), "kyso-history", h, history_free);
  set_state (h, "loading");
  kyso_portal_get_signing_history_async (portal, file_id, h->cancellable, history_cb, g_object_ref (dialog));
  gtk_window_present (GTK_WINDOW (dialog));
  return GTK_WINDOW (dialog);
}

GPtrArray *
kyso_dossier_history_get_records (GtkWindow *dialog)
{
  History *h = g_object_get_data (G_OBJECT (dialog), "kyso-history");

  return h != NULL ? h->records : NULL;
}

const char *
kyso_dossier_history_get_state (GtkWindow *dialog)
{
  History *h = g_object_get_data (G_OBJECT (dialog), "kyso-history");

  return h != NULL ? h->state : NULL;
}
