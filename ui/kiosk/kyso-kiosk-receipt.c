#include "config.h"

#include "kyso-kiosk-receipt.h"
#include "kyso-error.h"

#include <glib/gi18n-lib.h>

typedef struct
{
  char *text;
  char *code;
} Receipt;

static void
receipt_free (gpointer data, GClosure *closure)
{
  Receipt *r = data;

  g_free (r->text);
  g_free (r->code);
  g_free (r);
}

char *
kyso_kiosk_receipt_dup_text (const char *counter, const char *procedure, const char *code,
                             const char *track_web, GDateTime *when)
{
  GString *s = g_string_new (NULL);
  g_autofree char *date = g_date_time_format (when, "%d/%m/%Y %H:%M");

  if (counter != NULL && *counter != '\0')
    g_string_append_printf (s, "%s\n\n", counter);
  /* Translators: each line of the printed receipt: a label, then its value. */
  g_string_append_printf (s, _("Procedure: %s\n"), procedure != NULL ? procedure : "");
  g_string_append_printf (s, _("Dossier code: %s\n"), code);
  g_string_append_printf (s, _("Submitted on: %s\n\n"), date);
  g_string_append (s, _("To track your dossier, choose “Track a Dossier” at this counter"));
  if (track_web != NULL && *track_web != '\0')
    /* Translators: %s is the province portal's web address. */
    g_string_append_printf (s, _(", or visit %s"), track_web);
  g_string_append (s, _(", and type the dossier code above."));
  return g_string_free (s, FALSE);
}

static void
draw_page_cb (GtkPrintOperation *operation, GtkPrintContext *context, int page_nr, gpointer user_data)
{
  Receipt *r = user_data;
  cairo_t *cr = gtk_print_context_get_cairo_context (context);
  double width = gtk_print_context_get_width (context);
  g_autoptr (PangoLayout) title = gtk_print_context_create_pango_layout (context);
  g_autoptr (PangoLayout) code = gtk_print_context_create_pango_layout (context);
  g_autoptr (PangoLayout) body = gtk_print_context_create_pango_layout (context);
  g_autoptr (PangoFontDescription) big = pango_font_description_from_string ("Sans Bold 16");
  g_autoptr (PangoFontDescription) huge = pango_font_description_from_string ("Monospace Bold 22");
  g_autoptr (PangoFontDescription) normal = pango_font_description_from_string ("Sans 12");
  int h;
  double y = 0;

  pango_layout_set_width (title, (int)(width * PANGO_SCALE));
  pango_layout_set_font_description (title, big);
  pango_layout_set_text (title, _("Receipt of an Online Dossier"), -1);
  cairo_move_to (cr, 0, y);
  pango_cairo_show_layout (cr, title);
  pango_layout_get_pixel_size (title, NULL, &h);
  y += h + 18;

  pango_layout_set_font_description (code, huge);
  pango_layout_set_text (code, r->code, -1);
  cairo_move_to (cr, 0, y);
  pango_cairo_show_layout (cr, code);
  pango_layout_get_pixel_size (code, NULL, &h);
  y += h + 18;

  pango_layout_set_width (body, (int)(width * PANGO_SCALE));
  pango_layout_set_wrap (body, PANGO_WRAP_WORD_CHAR);
  pango_layout_set_font_description (body, normal);
  pango_layout_set_text (body, r->text, -1);
  cairo_move_to (cr, 0, y);
  pango_cairo_show_layout (cr, body);
}

static void
done_cb (GtkPrintOperation *operation, GtkPrintOperationResult result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  g_autoptr (GError) error = NULL;

  g_object_set_data (G_OBJECT (task), "kyso-done", GINT_TO_POINTER (TRUE));
  if (result == GTK_PRINT_OPERATION_RESULT_ERROR)
    {
      gtk_print_operation_get_error (operation, &error);
      g_task_return_new_error (task, KYSO_ERROR, KYSO_ERROR_FAILED,
                               /* Translators: %s says why printing failed. */
                               _("The receipt could not be printed: %s"),
                                  error != NULL ? error->message : _("unknown error"));
    }
  else if (result == GTK_PRINT_OPERATION_RESULT_CANCEL)
    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, _("Printing was cancelled."));
  else
    g_task_return_boolean (task, TRUE);
}

void
kyso_kiosk_receipt_print_async (GtkWindow *parent, const char *text, const char *code,
                                const char *export_path, GCancellable *cancellable,
                                GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr (GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  g_autoptr (GtkPrintOperation) operation = gtk_print_operation_new ();
  Receipt *r = g_new0 (Receipt, 1);
  g_autoptr (GError) error = NULL;
  GtkPrintOperationResult result;
  gulong done_id;

  g_task_set_source_tag (task, kyso_kiosk_receipt_print_async);
  r->text = g_strdup (text);
  r->code = g_strdup (code);
  gtk_print_operation_set_n_pages (operation, 1);
  gtk_print_operation_set_unit (operation, GTK_UNIT_POINTS);
  gtk_print_operation_set_embed_page_setup (operation, TRUE);
  /* The receipt's name in a print queue: nothing personal. */
  gtk_print_operation_set_job_name (operation, "kyso-receipt");
  g_signal_connect_data (operation, "draw-page", G_CALLBACK (draw_page_cb), r, receipt_free, 0);
  done_id = g_signal_connect (operation, "done", G_CALLBACK (done_cb), g_object_ref (task));
  if (export_path != NULL)
    gtk_print_operation_set_export_filename (operation, export_path);
  else
    gtk_print_operation_set_allow_async (operation, TRUE);

  result = gtk_print_operation_run (operation,
                                    export_path != NULL ? GTK_PRINT_OPERATION_ACTION_EXPORT
                                                        : GTK_PRINT_OPERATION_ACTION_PRINT_DIALOG,
                                    parent, &error);
  /* "done" is not emitted for an error found before printing began. */
  if (result == GTK_PRINT_OPERATION_RESULT_ERROR && g_object_get_data (G_OBJECT (task), "kyso-done") == NULL)
    {
      g_signal_handler_disconnect (operation, done_id);
      g_object_unref (task); /* the reference "done" would have dropped */
      g_task_return_new_error (task, KYSO_ERROR, KYSO_ERROR_FAILED,
                               _("The receipt could not be printed: %s"),
                                  error != NULL ? error->message : _("unknown error"));
    }
}

gboolean
kyso_kiosk_receipt_print_finish (GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == kyso_kiosk_receipt_print_async, FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
