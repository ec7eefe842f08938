#pragma once

#include <adwaita.h>

#include "kyso-config.h"
#include "kyso-pending.h"
#include "kyso-page-geometry.h"
#include "kyso-profile-store.h"
#include "kyso-phone-wait.h"
#include "kyso-signer.h"

G_BEGIN_DECLS

/* "Ký số": confirm, then sign. The citizen sees the signature profile (with its image), the
 * signature exactly as it will be drawn, and the certificate the provider holds for them
 * (holder, national ID, certifying authority, validity) — with a clear warning, and no Sign
 * button, when that certificate is not theirs or not usable. Signing then runs here: the
 * document is prepared, the digest goes to the provider, the dialog waits for the phone
 * (KysoPhoneWait) and writes the signed file next to the original or where the citizen chose.
 *
 * Actions (group "sign"): sign, cancel, retry, fetch-certificate, change-output, add-profile.
 * "signed" is emitted with the output file when it is written; the dialog then closes. */

#define KYSO_TYPE_SIGN_DIALOG (kyso_sign_dialog_get_type ())
G_DECLARE_FINAL_TYPE (KysoSignDialog, kyso_sign_dialog, KYSO, SIGN_DIALOG, AdwWindow)

/* Makes the signer for one account of a profile (the default: the NEAC gateway from the
 * configuration). Tests and kiosks with a local certificate give their own. */
typedef KysoSigner *(*KysoSignerFactory) (KysoProfile *profile, KysoProfileAccount *account,
                                          gpointer user_data, GError **error);

typedef struct
{
  guint page;        /* 0-based */
  KysoPageRect rect; /* PDF user space (ignored when invisible) */
  gboolean invisible;
} KysoSignPlacement;

KysoSignDialog *
kyso_sign_dialog_new (GtkWindow *parent, GFile *input, const KysoSignPlacement *placement);

/* Where the configuration (NEAC gateway, TLS, time-stamp server) comes from. */
void
kyso_sign_dialog_set_config (KysoSignDialog *self, KysoConfig *config);
void
kyso_sign_dialog_set_tsa_url (KysoSignDialog *self, const char *tsa_url);
void
kyso_sign_dialog_set_signer_factory (KysoSignDialog *self, KysoSignerFactory factory, gpointer user_data,
                                     GDestroyNotify destroy);
/* Loads the profiles (asynchronously) and preselects @profile_id when given. */
void
kyso_sign_dialog_load_profiles (KysoSignDialog *self, KysoProfileStore *store, const char *profile_id);

/* Takes up a request a previous run left waiting for the phone (@pending, with the session file
 * this dialog saved next to it): once the profile's certificate is back, the same transaction is
 * polled again — the phone is not asked twice. Errors: KYSO_ERROR_NOT_FOUND / _BROKEN_FILE when
 * the saved request is gone or unreadable, and kyso_sign_session_load()'s. */
gboolean
kyso_sign_dialog_resume (KysoSignDialog *self, KysoPending *pending, KysoProfileStore *store, GError **error);

void
kyso_sign_dialog_set_output (KysoSignDialog *self, GFile *output);
GFile *
kyso_sign_dialog_get_output (KysoSignDialog *self);
/* The profile chosen (borrowed), or NULL. */
KysoProfile *
kyso_sign_dialog_get_profile (KysoSignDialog *self);
KysoPhoneWait *
kyso_sign_dialog_get_wait (KysoSignDialog *self);

/* "loading", "no-profile", "certificate", "certificate-error", "blocked" (certificate not
 * usable for this profile), "ready", "signing", "done" (see the wait widget for how). */
const char *
kyso_sign_dialog_get_state (KysoSignDialog *self);
/* The warning shown under the certificate, or NULL. */
const char *
kyso_sign_dialog_get_warning (KysoSignDialog *self);

/* "<name>-signed.pdf" next to @input, or "<name>-signed-2.pdf" … when that exists. */
GFile *
kyso_sign_dialog_default_output (GFile *input);

G_END_DECLS
