#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* The receipt a citizen may take home from the counter: the dossier code, the procedure, the
 * date and how to track it. Printed through the print dialog, or exported to a PDF file when
 * @export_path is given (tests, and a counter without a printer). */

/* The receipt's lines, as shown before printing and as printed. */
char *
kyso_kiosk_receipt_dup_text (const char *counter, const char *procedure, const char *code,
                             const char *track_web, GDateTime *when);

/* Errors: G_IO_ERROR_CANCELLED when the person closes the print dialog; KYSO_ERROR_FAILED when
 * printing fails. */
void
kyso_kiosk_receipt_print_async (GtkWindow *parent, const char *text, const char *code,
                                const char *export_path, GCancellable *cancellable,
                                GAsyncReadyCallback callback, gpointer user_data);
gboolean
kyso_kiosk_receipt_print_finish (GAsyncResult *result, GError **error);

G_END_DECLS
