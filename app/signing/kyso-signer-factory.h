#pragma once

#include "kyso-config.h"
#include "kyso-pending.h"
#include "kyso-profile-account.h"
#include "kyso-signer.h"

G_BEGIN_DECLS

/* The one place that knows which KysoSigner serves which kind of account, and how each kind keeps
 * a request waiting for the phone. Every front end (the sign dialog, the dossier, kyso-cli) makes
 * its signer here; a new kind of account (a token, another service) is one more case below.
 *
 *   KYSO_ACCOUNT_KIND_NEAC_SIGN → KysoNeacSigner (account = CCCD/CMND, provider)    kind "neac"
 *   KYSO_ACCOUNT_KIND_CSC       → KysoCscSigner  (account = login, provider)        kind "csc"
 *   KYSO_ACCOUNT_KIND_TOKEN     → KysoTokenSigner (account = certificate serial, provider = issuer),
 *                                 no pending record; the front end sets its PIN function */

/* @account's kind picks the signer. KYSO_ERROR_UNSUPPORTED for a kind Kyso cannot sign with,
 * KYSO_ERROR_INVALID_INPUT when the service is not configured. */
KysoSigner *
kyso_signer_factory_new_for_account (KysoConfig *config, KysoProfileAccount *account, GError **error);
/* The same from a pending record's kind ("neac", "csc") and the citizen's account there. */
KysoSigner *
kyso_signer_factory_new_for_kind (KysoConfig *config, const char *kind, const char *account,
                                  const char *provider, GError **error);

/* The kind written in pending records for @signer ("neac", "csc"), or NULL for a signer that
 * answers at once and keeps no record (a local certificate). */
const char *
kyso_signer_factory_get_kind (KysoSigner *signer);
/* Hands @pending (NULL = none) to a signer that keeps one; FALSE when @signer keeps none. */
gboolean
kyso_signer_factory_set_pending (KysoSigner *signer, KysoPending *pending);
/* Stop waiting after @seconds when the provider does not say (0 = the default). */
void
kyso_signer_factory_set_expiry (KysoSigner *signer, guint seconds);

G_END_DECLS
