#pragma once

#include <adwaita.h>

#include "kyso-phone-wait.h"
#include "kyso-signer.h"

G_BEGIN_DECLS

/* The window shown while a dossier's components are signed with one approval: how many files,
 * and the document window's phone-waiting widget (KysoPhoneWait: which app, the verification
 * code, the countdown, Cancel; then the outcome with what to do next). Its actions:
 * sign.cancel cancels the GCancellable given here; sign.retry emits "retry". */

#define KYSO_TYPE_DOSSIER_WAIT (kyso_dossier_wait_get_type ())
G_DECLARE_FINAL_TYPE (KysoDossierWait, kyso_dossier_wait, KYSO, DOSSIER_WAIT, AdwWindow)

KysoDossierWait *
kyso_dossier_wait_new (GtkWindow *parent, const char *provider, guint n_files, GCancellable *cancellable);
void
kyso_dossier_wait_update (KysoDossierWait *self, const KysoSignProgress *progress);
/* How it ended: NULL for success (the owner then closes the window), else the error, which
 * stays on screen with what to do. */
void
kyso_dossier_wait_set_outcome (KysoDossierWait *self, const GError *error);
KysoPhoneWait *
kyso_dossier_wait_get_phone_wait (KysoDossierWait *self);

G_END_DECLS
