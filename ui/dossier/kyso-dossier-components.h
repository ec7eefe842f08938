#pragma once

#include <adwaita.h>

#include "kyso-component-row.h"
#include "kyso-config.h"
#include "kyso-portal.h"
#include "kyso-profile-store.h"

#include "kyso-context.h"

G_BEGIN_DECLS

/* Step 2 of the dossier wizard, "Thành phần hồ sơ": one KysoComponentRow per component, the
 * signature profile to sign with, "Sign all with one approval" and "Upload all".
 *
 * Actions (group "components", target s = component key unless said): attach, sign, sign-all
 * (none), open, history, upload, upload-all (none), cancel, remove.
 * Signals: "changed" — the dossier changed (save the draft); "notify::busy". */

#define KYSO_TYPE_DOSSIER_COMPONENTS (kyso_dossier_components_get_type ())
G_DECLARE_FINAL_TYPE (KysoDossierComponents, kyso_dossier_components, KYSO, DOSSIER_COMPONENTS, AdwBin)

void
kyso_dossier_components_set_context (KysoDossierComponents *self, KysoPortal *portal, KysoContext *context);
/* Held around every change this page makes to the dossier (the wizard saves drafts in a
 * worker thread under the same lock). */
void
kyso_dossier_components_set_dossier_lock (KysoDossierComponents *self, GMutex *lock);
/* The logged-in citizen's ID number: every signature must be theirs. */
void
kyso_dossier_components_set_account_id (KysoDossierComponents *self, const char *national_id);
void
kyso_dossier_components_load (KysoDossierComponents *self, KysoDossier *dossier, KysoProcedure *procedure);
/* Signing or uploading is under way (the wizard waits). */
gboolean
kyso_dossier_components_is_busy (KysoDossierComponents *self);
/* What the citizen does next on this step, the one button shown as the main (blue) one:
 * "attach" (a required component has no file), "sign" (a PDF not signed yet), "upload" (a file
 * not at the portal yet), or NULL when the step is done (the wizard's Next is next). */
const char *
kyso_dossier_components_get_next_action (KysoDossierComponents *self);
/* Does what _get_next_action says (for "attach": opens the file chooser for that component). */
void
kyso_dossier_components_do_next_action (KysoDossierComponents *self);
/* Stops the uploads under way and the signing waiting for the phone (the dossier is closing). */
void
kyso_dossier_components_cancel_work (KysoDossierComponents *self);
KysoComponentRow *
kyso_dossier_components_get_row (KysoDossierComponents *self, const char *key);
/* Attaches @file to component @key, as the file chooser does. FALSE when it is refused (type,
 * size); the row then says why. */
gboolean
kyso_dossier_components_attach (KysoDossierComponents *self, const char *key, GFile *file);
/* Why the dossier cannot go on (a component signed by someone else), or NULL (owned). */
char *
kyso_dossier_components_dup_blocker (KysoDossierComponents *self);
/* The profiles offered (KysoProfile) and the message shown above the list, or NULL. */
GListModel *
kyso_dossier_components_get_profiles (KysoDossierComponents *self);
const char *
kyso_dossier_components_get_message (KysoDossierComponents *self);
/* The signing-history dialog opened last, or NULL. */
GtkWindow *
kyso_dossier_components_get_history_dialog (KysoDossierComponents *self);
/* The waiting dialog while signing, or NULL. */
GtkWindow *
kyso_dossier_components_get_wait_dialog (KysoDossierComponents *self);

G_END_DECLS
