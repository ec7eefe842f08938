#pragma once

#include "kyso-config.h"
#include "kyso-remote-signer.h"

G_BEGIN_DECLS

/* Viettel MySign, its CSC-shaped variant (REAL-SERVICES.md §4, S6): the service provider logs in
 * at …/ras/v1/login with its client_id and client_secret and the citizen's user_id and profile_id
 * (no citizen password), then with the bearer token: csc/v1/credentials/list {userID},
 * credentials/info (the certificate chain), credentials/authorize with the documents and hashes —
 * where the citizen approves on the phone, the answer (a SAD) coming once they decide — and
 * signatures/signHash. Nothing to resume: a request whose answer is lost is asked again.
 *
 * The citizen's app shows the documents by name (document_name, an assumption: the app is not
 * public); Kyso shows no code of its own for them.
 *
 * Configuration: [mysign] url (the base …/adss/service/ras, https only except loopback),
 * client_id, profile_id; [tls] ca_file. The client_secret is read from the Secret Service
 * (kyso-signing-credentials.h, service "mysign", id = client_id) on the worker thread. */

#define KYSO_TYPE_MYSIGN_SIGNER (kyso_mysign_signer_get_type ())
G_DECLARE_FINAL_TYPE (KysoMysignSigner, kyso_mysign_signer, KYSO, MYSIGN_SIGNER, KysoRemoteSigner)

/* @account: the citizen's user_id at MySign (the CCCD/CMND number); @provider: shown to the
 * citizen (NULL = "Viettel-CA"). KYSO_ERROR_INVALID_INPUT when MySign is not configured. */
KysoMysignSigner *
kyso_mysign_signer_new (KysoConfig *config, const char *account, const char *provider, GError **error);

G_END_DECLS
