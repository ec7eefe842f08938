#pragma once

#include "kyso-config.h"
#include "kyso-pending.h"
#include "kyso-signer.h"

G_BEGIN_DECLS

/* A Cloud Signature Consortium service (CSC API v2, with the v1.0.4 forms where they differ):
 * info, auth/login, credentials/list, credentials/info, credentials/authorize → SAD,
 * signatures/signHash, and — where `info` offers it — asynchronous operationMode "A" with
 * signatures/signPolling, which is the only mode a pending request survives a restart in.
 *
 * Configuration: [csc] url (…/csc/v2/ or …/v1/); [tls] ca_file. The login is @username with the
 * password read from the Secret Service (kyso-signing-credentials.h, service "csc", id =
 * @username) on the worker thread. Tokens and SADs stay in memory only. Only authMode "implicit"
 * is supported (consent is given on the phone); explicit PIN/OTP and oauth2code credentials are
 * refused with KYSO_ERROR_UNSUPPORTED. */

#define KYSO_TYPE_CSC_SIGNER (kyso_csc_signer_get_type ())
G_DECLARE_FINAL_TYPE (KysoCscSigner, kyso_csc_signer, KYSO, CSC_SIGNER, GObject)

/* @provider: shown to the citizen (which app to open); NULL = the service's own name. */
KysoCscSigner *
kyso_csc_signer_new (KysoConfig *config, const char *username, const char *provider, GError **error);
const char *
kyso_csc_signer_get_url (KysoCscSigner *self);

/* As for KysoNeacSigner: persist the next request in @pending, or resume the one it names. */
void
kyso_csc_signer_set_pending (KysoCscSigner *self, KysoPending *pending);
void
kyso_csc_signer_set_expiry (KysoCscSigner *self, guint seconds);
void
kyso_csc_signer_set_poll_interval (KysoCscSigner *self, guint initial_ms, guint max_ms);
/* FALSE = never use operationMode "A", even when offered (default TRUE). */
void
kyso_csc_signer_set_allow_async (KysoCscSigner *self, gboolean allow);

G_END_DECLS
