#pragma once

#include <adwaita.h>

#include "kyso-token-signer.h"

G_BEGIN_DECLS

/* Asks the PIN of a USB token for a KysoTokenSigner's request (its KysoTokenPinFunc shows one):
 * the token, the certificate holder and what the token says (a wrong PIN, the tries left) in the
 * body, the PIN in a password entry. The request is answered exactly once: the PIN on "sign"
 * (the entry is emptied at once), giving up on "cancel" or when the dialog goes away.
 *
 * A reader with its own keypad (KYSO_TOKEN_PIN_PAD) asks nothing: the dialog says to type the PIN
 * on the reader and offers only "cancel"; whoever shows it closes it once signing goes on
 * (KYSO_SIGN_STATE_APPROVED or the end) and cancels the signing on "cancel". */

#define KYSO_TYPE_PIN_DIALOG (kyso_pin_dialog_get_type ())
G_DECLARE_FINAL_TYPE (KysoPinDialog, kyso_pin_dialog, KYSO, PIN_DIALOG, AdwMessageDialog)

KysoPinDialog *
kyso_pin_dialog_new (GtkWindow *parent, KysoTokenPinRequest *request);
KysoTokenPinRequest *
kyso_pin_dialog_get_request (KysoPinDialog *self);
/* The password entry (NULL for a PIN pad), for tests and keyboard focus. */
GtkWidget *
kyso_pin_dialog_get_entry (KysoPinDialog *self);

G_END_DECLS
