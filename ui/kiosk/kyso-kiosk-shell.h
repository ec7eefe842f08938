#pragma once

#include <adwaita.h>

#include "kyso-kiosk-start.h"

G_BEGIN_DECLS

/* What a kiosk window shows around the ordinary pages: a bar with the counter's name, the way
 * back to the start screen and an always-visible "End Session" button; the start screen or the
 * page at work; the idle countdown and the "ending" veil over everything.
 *
 * Actions (group "kiosk"): open (s: "dossier", "sign", "verify", "track"), home, end,
 * continue (the citizen is still there), leave (staff). Each emits the signal of the same name
 * ("open" with the place); the owner decides what happens. */

#define KYSO_TYPE_KIOSK_SHELL (kyso_kiosk_shell_get_type ())
G_DECLARE_FINAL_TYPE (KysoKioskShell, kyso_kiosk_shell, KYSO, KIOSK_SHELL, AdwBin)

GtkWidget *
kyso_kiosk_shell_new (void);

void
kyso_kiosk_shell_set_counter (KysoKioskShell *self, const char *counter);
/* The pages (the window's own content); the shell keeps a reference. */
void
kyso_kiosk_shell_set_work (KysoKioskShell *self, GtkWidget *work);
GtkWidget *
kyso_kiosk_shell_get_work (KysoKioskShell *self);
/* Shows the start screen, or the pages under @title. */
void
kyso_kiosk_shell_show_start (KysoKioskShell *self);
void
kyso_kiosk_shell_show_work (KysoKioskShell *self, const char *title);
gboolean
kyso_kiosk_shell_is_at_start (KysoKioskShell *self);
/* Seconds left before the session ends, or -1 to hide the countdown. */
void
kyso_kiosk_shell_set_countdown (KysoKioskShell *self, int seconds);
int
kyso_kiosk_shell_get_countdown (KysoKioskShell *self);
/* The "ending the session" veil. */
void
kyso_kiosk_shell_set_ending (KysoKioskShell *self, gboolean ending);
KysoKioskStart *
kyso_kiosk_shell_get_start (KysoKioskShell *self);

G_END_DECLS
