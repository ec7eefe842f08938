#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* One citizen at a time at a counter PC, and nothing of them left for the next one.
 *
 * kyso_kiosk_session_begin() runs first thing in a kiosk process, before GLib reads the XDG
 * variables: it removes whatever a previous session left in the private folder (after a crash),
 * creates the folder again ($XDG_RUNTIME_DIR/kyso-kiosk, 0700: a tmpfs the system clears at
 * logout) and points XDG_DATA_HOME, XDG_STATE_HOME, XDG_CACHE_HOME and TMPDIR into it, and
 * GSETTINGS_BACKEND at memory. So drafts, pending signing requests, recent files, thumbnails
 * and temporary files all land there, whichever module writes them.
 *
 * Secrets go to the Secret Service's in-memory "session" collection
 * (kyso_kiosk_session_get_collection()); kyso_kiosk_session_wipe_async() deletes every item of
 * the citizen schemas (vn.kyso.Kyso.Profile, .Session, .Draft) in every collection, and every
 * file in the folder. The operator's own secrets (signing service credentials) stay. */

/* Errors: KYSO_ERROR_UNSUPPORTED when $XDG_RUNTIME_DIR is unset, not ours or open to others;
 * G_FILE_ERROR_* when the folder cannot be made. */
gboolean
kyso_kiosk_session_begin (GError **error);
gboolean
kyso_kiosk_session_is_active (void);
/* The private folder (borrowed), NULL before begin(). */
const char *
kyso_kiosk_session_get_dir (void);
/* Where citizen secrets are stored: SECRET_COLLECTION_SESSION in kiosk mode, else
 * SECRET_COLLECTION_DEFAULT. */
const char *
kyso_kiosk_session_get_collection (void);

/* Blocking forms, for start-up (before any window) and worker threads. */
gboolean
kyso_kiosk_session_wipe_files (GError **error);
gboolean
kyso_kiosk_session_wipe_secrets (GCancellable *cancellable, GError **error);

/* Both of the above in a worker thread: secrets first, then files. */
void
kyso_kiosk_session_wipe_async (GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data);
gboolean
kyso_kiosk_session_wipe_finish (GAsyncResult *result, GError **error);

G_END_DECLS
