#pragma once

#include "kyso-config.h"
#include "kyso-remote-signer.h"

G_BEGIN_DECLS

/* Which remote-signing service family speaks for a provider is data: "service" in
 * resources/data/providers.json (kyso-providers.h), "sp769" when a provider does not say.
 *
 *   "sp769"  → KysoNeacSigner   ([neac] url, sp_id)
 *   "mysign" → KysoMysignSigner ([mysign] url, client_id, profile_id)
 *
 * @account: the citizen's CCCD/CMND; @provider: a provider id ("viettel-ca") or name
 * ("Viettel-CA"); an unknown one is spoken to as "sp769" and shown as given.
 * KYSO_ERROR_UNSUPPORTED for a family Kyso does not speak; the constructors' errors otherwise. */
KysoRemoteSigner *
kyso_remote_signer_new_for_provider (KysoConfig *config, const char *account, const char *provider,
                                     GError **error);

G_END_DECLS
