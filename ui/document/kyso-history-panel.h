#pragma once

#include <gtk/gtk.h>

#include "kyso-history-entry.h"
#include "kyso-pdf-verify.h"

G_BEGIN_DECLS

/* The signing history of one document ("Xem lịch sử ký số"): for each signature the signer,
 * email, certifying authority, date, and the verdict with its reason. Shows a spinner while the
 * check runs, a plain sentence when there is no signature, and errors inline. Its close button
 * activates "doc.show-history". */

#define KYSO_TYPE_HISTORY_PANEL (kyso_history_panel_get_type ())
G_DECLARE_FINAL_TYPE (KysoHistoryPanel, kyso_history_panel, KYSO, HISTORY_PANEL, GtkWidget)

GtkWidget *
kyso_history_panel_new (void);

void
kyso_history_panel_set_loading (KysoHistoryPanel *self);
/* @entries: KysoHistoryEntry items, oldest signature first; an empty model shows "no signature". */
void
kyso_history_panel_set_entries (KysoHistoryPanel *self, GListModel *entries);
GListModel *
kyso_history_panel_get_entries (KysoHistoryPanel *self);
void
kyso_history_panel_set_error (KysoHistoryPanel *self, const char *message);
/* Checks every signature of @file with @verifier off the main thread and shows the result (or
 * the error, inline). A new check cancels the one running. Document time-stamps are not people
 * and are left out of the list. */
void
kyso_history_panel_check_async (KysoHistoryPanel *self, GFile *file, KysoPdfVerifier *verifier,
                                GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data);
gboolean
kyso_history_panel_check_finish (KysoHistoryPanel *self, GAsyncResult *result, GError **error);

/* Back to the initial state (no document checked). */
void
kyso_history_panel_clear (KysoHistoryPanel *self);

/* "idle", "loading", "empty", "list" or "error": what is shown (for tests and accessibility). */
const char *
kyso_history_panel_get_state (KysoHistoryPanel *self);

G_END_DECLS
