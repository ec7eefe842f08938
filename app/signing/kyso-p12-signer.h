#pragma once

#include "kyso-signer.h"

G_BEGIN_DECLS

/* A KysoSigner over a local PKCS#12 file (.p12 / .pfx): for tests, kiosks with their own
 * certificate, and citizens who hold a soft token. One credential, id "p12", whose chain is the
 * file's certificate followed by the CA certificates it carries, in issuer order. Signing runs on
 * a worker thread; progress goes SENDING → APPROVED (there is no phone to wait for). Each
 * signature is checked with kyso_signer_check_signature() before it is handed back. */

#define KYSO_TYPE_P12_SIGNER (kyso_p12_signer_get_type ())
G_DECLARE_FINAL_TYPE (KysoP12Signer, kyso_p12_signer, KYSO, P12_SIGNER, GObject)

#define KYSO_P12_CREDENTIAL_ID "p12"

/* Reads @path and unlocks it with @password (NULL or "" for none; files made with the legacy
 * RC2/3DES algorithms are read too). The password is not kept.
 * Errors: KYSO_ERROR_NOT_FOUND (no such file), KYSO_ERROR_INVALID_INPUT (wrong password; the file
 * holds no private key, or a key that does not match its certificate), KYSO_ERROR_BROKEN_FILE
 * (not a PKCS#12 file), KYSO_ERROR_LIMIT (file too large), KYSO_ERROR_UNSUPPORTED (key neither
 * RSA nor EC). */
KysoSigner *
kyso_p12_signer_new (const char *path, const char *password, GError **error);

/* The credential (borrowed): id "p12", provider NULL (no remote service). */
const KysoSignerCredential *
kyso_p12_signer_get_credential (KysoP12Signer *self);

G_END_DECLS
