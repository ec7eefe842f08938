#pragma once

#include <adwaita.h>

#include "kyso-portal.h"

G_BEGIN_DECLS

/* "Xem lịch sử ký số" of a file the portal holds: for each signature, who signed (name,
 * e-mail), the certifying authority and when — what the counter officers see. A dialog over
 * @parent's window that fetches the history itself. */

GtkWindow *
kyso_dossier_history_show (GtkWidget *parent, KysoPortal *portal, const char *file_id, const char *file_name);

/* The records shown (KysoSigningRecord, borrowed), NULL while loading or after an error. */
GPtrArray *
kyso_dossier_history_get_records (GtkWindow *dialog);
/* "loading", "list", "empty" or "error". */
const char *
kyso_dossier_history_get_state (GtkWindow *dialog);

G_END_DECLS
