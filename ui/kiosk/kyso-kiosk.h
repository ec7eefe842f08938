#pragma once

#include <adwaita.h>

#include "kyso-application.h"
#include "kyso-config.h"
#include "kyso-kiosk-config.h"
#include "kyso-kiosk-shell.h"
#include "kyso-window.h"

G_BEGIN_DECLS

/* Kiosk mode at a one-stop counter: one citizen at a time, nothing left behind.
 *
 * Owns the fullscreen window (a KysoWindow inside a KysoKioskShell) that cannot be closed
 * without the operator PIN, watches every window of the application for input, and ends the
 * citizen's session when they press "End Session" (offering a printed receipt when a dossier
 * was submitted) or after the idle timeout and its countdown: the portal tokens are revoked,
 * the clipboard, recent files and preferences cleared, every window of the session destroyed
 * (which cancels its work), the keyring items and files of the session wiped
 * (kyso-kiosk-session.h), and a fresh window shows the start screen. */

#define KYSO_TYPE_KIOSK (kyso_kiosk_get_type ())
G_DECLARE_FINAL_TYPE (KysoKiosk, kyso_kiosk, KYSO, KIOSK, GObject)

/* @trial: `kyso --kiosk` (without a PIN set, staff may leave without one). */
KysoKiosk *
kyso_kiosk_new (KysoApplication *application, KysoKioskConfig *kiosk_config, KysoConfig *config,
                GSettings *settings, gboolean trial);
/* Shows the kiosk window (made when there is none). */
void
kyso_kiosk_present (KysoKiosk *self);

KysoWindow *
kyso_kiosk_get_window (KysoKiosk *self);
KysoKioskShell *
kyso_kiosk_get_shell (KysoKiosk *self);
/* "start", "working", "countdown", "receipt" (asking), "ending". */
const char *
kyso_kiosk_get_state (KysoKiosk *self);
/* How many citizen sessions have ended (and been wiped). */
guint
kyso_kiosk_get_sessions_ended (KysoKiosk *self);
/* The "print a receipt?" question while it is asked, else NULL. */
AdwMessageDialog *
kyso_kiosk_get_receipt_dialog (KysoKiosk *self);

/* Ends the session as the "End Session" button does (@ask_receipt) or as the idle timeout
 * does (no question). Completes once the next citizen's start screen is up. */
void
kyso_kiosk_end_session_async (KysoKiosk *self, gboolean ask_receipt, GAsyncReadyCallback callback,
                              gpointer user_data);
gboolean
kyso_kiosk_end_session_finish (KysoKiosk *self, GAsyncResult *result, GError **error);

/* Tests: the idle timeout and countdown in milliseconds; printing to a PDF instead of the
 * print dialog. */
void
kyso_kiosk_set_timeouts (KysoKiosk *self, guint idle_ms, guint countdown_ms);
void
kyso_kiosk_set_receipt_file (KysoKiosk *self, const char *path);

G_END_DECLS
