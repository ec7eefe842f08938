#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Legacy Word documents (.doc, the OLE2 format of Word 97–2003) cannot carry a signature Kyso or
 * Word would check; Kyso says so and, only when the citizen agrees, converts the document to PDF
 * with LibreOffice headless (when installed) and signs the PDF. Never silently: the caller passes
 * the citizen's answer, and without it nothing runs.
 *
 * The conversion runs `soffice --headless --convert-to pdf` with a throwaway user profile in a
 * temporary folder (never the citizen's LibreOffice settings), bounded in time
 * (KYSO_OFFICE_CONVERT_TIMEOUT seconds), and writes @output_path atomically. */

#define KYSO_OFFICE_CONVERT_TIMEOUT 120

/* TRUE when @path starts like an OLE2 compound file (a .doc, .xls, .ppt of Office 97–2003). */
gboolean
kyso_office_is_legacy_document (const char *path);
/* The LibreOffice program, when installed (owned), else NULL. */
char *
kyso_office_find_converter (void);

/* Errors: KYSO_ERROR_INVALID_INPUT (the citizen did not agree: nothing was run),
 * KYSO_ERROR_UNSUPPORTED (LibreOffice is not installed), KYSO_ERROR_BROKEN_FILE (LibreOffice could
 * not read the document), G_IO_ERROR_TIMED_OUT, G_IO_ERROR_CANCELLED, G_IO_ERROR_*. Blocking. */
gboolean
kyso_office_convert_to_pdf (const char *input_path, const char *output_path, gboolean citizen_agreed,
                            GCancellable *cancellable, GError **error);
void
kyso_office_convert_to_pdf_async (const char *input_path, const char *output_path, gboolean citizen_agreed,
                                  GCancellable *cancellable, GAsyncReadyCallback callback,
                                  gpointer user_data);
gboolean
kyso_office_convert_to_pdf_finish (GAsyncResult *result, GError **error);

G_END_DECLS
