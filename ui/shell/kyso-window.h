#pragma once

#include <adwaita.h>

#include "kyso-ui-types.h"

G_BEGIN_DECLS

#define KYSO_TYPE_WINDOW (kyso_window_get_type ())
G_DECLARE_FINAL_TYPE (KysoWindow, kyso_window, KYSO, WINDOW, AdwApplicationWindow)

/* The main window: a sidebar with the places (dossiers, documents, signatures, settings) and
 * the page of the chosen one. Actions: win.show-page (s: page name), win.add-profile,
 * win.open-document (s: a PDF's path, shown in the Documents place). */
KysoWindow *
kyso_window_new (KysoApplication *application);

/* Page names: "dossiers", "documents", "profiles", "settings". */
void
kyso_window_set_page (KysoWindow *self, const char *name);
const char *
kyso_window_get_page (KysoWindow *self);

/* Kiosk mode: no places sidebar and no header bar of its own (the kiosk shell around the
 * window's content gives the way around); the size is not remembered. */
void
kyso_window_set_kiosk (KysoWindow *self, gboolean kiosk);

/* Shows a short message at the bottom of the window (takes ownership of @toast). */
void
kyso_window_add_toast (KysoWindow *self, AdwToast *toast);

/* "Sign this file": shows @file in the Documents place, where the citizen places the signature
 * and signs it (the sign dialog, over KysoSigningJob); → the signed copy. G_IO_ERROR_CANCELLED
 * when @cancellable fires or the window goes away first. Several requests may wait at once. */
void
kyso_window_sign_file_async (KysoWindow *self, GFile *file, GCancellable *cancellable,
                             GAsyncReadyCallback callback, gpointer user_data);
GFile *
kyso_window_sign_file_finish (KysoWindow *self, GAsyncResult *result, GError **error);

/* The Dossiers place (the portal) and the Documents place. */
KysoDossiersPage *
kyso_window_get_dossiers_page (KysoWindow *self);
KysoDocumentPage *
kyso_window_get_document_page (KysoWindow *self);

G_END_DECLS
