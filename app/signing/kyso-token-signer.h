#pragma once

#include "kyso-signer.h"
#include "kyso-config.h"

G_BEGIN_DECLS

/* A KysoSigner over USB signing tokens (smart cards, VNPT-CA / Viettel-CA / FPT-CA / BkavCA
 * tokens …) through PKCS#11, loaded with p11-kit: the modules the system registers (p11-kit's
 * module configs, the user's included) plus module files the user or the operator names. Trust
 * stores (modules marked trust-policy) are skipped.
 *
 * Credentials: one per end-entity certificate found on a token present whose private key is on
 * the same token and whose key usage allows signing; the id is the first 16 hex digits of the
 * certificate's SHA-256 fingerprint, the chain is the certificate followed by its issuers when
 * the token holds them. kyso_token_signer_list_certificates_async() also says why the others
 * are refused.
 *
 * Signing (one session, one login for every digest of a sign_digests call): RSA keys sign the
 * DigestInfo with CKM_RSA_PKCS (or CKM_RSA_X_509 with PKCS#1 v1.5 padding made here when the token
 * has only raw RSA); EC keys sign with CKM_ECDSA and the raw r‖s becomes a DER ECDSA-Sig-Value.
 * Each value is checked with kyso_signer_check_signature(). The PIN is asked through the PIN
 * function for every sign_digests call that needs a login, wiped after C_Login and never kept.
 * Progress: SENDING, WAITING while the PIN is asked (or typed on the reader's keypad), APPROVED
 * once logged in. All PKCS#11 calls run on worker threads. */

#define KYSO_TYPE_TOKEN_SIGNER (kyso_token_signer_get_type ())
G_DECLARE_FINAL_TYPE (KysoTokenSigner, kyso_token_signer, KYSO, TOKEN_SIGNER, GObject)

/* ---- PIN ------------------------------------------------------------------------------ */

typedef enum
{
  KYSO_TOKEN_PIN_RETRY = 1 << 0,     /* the PIN given before was wrong (the message says so) */
  KYSO_TOKEN_PIN_COUNT_LOW = 1 << 1, /* the token says a wrong PIN was entered since the last login */
  KYSO_TOKEN_PIN_FINAL_TRY = 1 << 2, /* the token says one more wrong PIN locks it */
  KYSO_TOKEN_PIN_PAD = 1 << 3,       /* the PIN is typed on the reader's own keypad: show the message,
                                        do not ask; no reply is needed (one is ignored) */
} KysoTokenPinFlags;

typedef struct _KysoTokenPinRequest KysoTokenPinRequest;

#define KYSO_TYPE_TOKEN_PIN_REQUEST (kyso_token_pin_request_get_type ())
GType
kyso_token_pin_request_get_type (void) G_GNUC_CONST;
KysoTokenPinRequest *
kyso_token_pin_request_ref (KysoTokenPinRequest *self);
void
kyso_token_pin_request_unref (KysoTokenPinRequest *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KysoTokenPinRequest, kyso_token_pin_request_unref)

/* The token's label ("VNPT-CA Token" …) and the certificate holder's name. */
const char *
kyso_token_pin_request_get_token_label (KysoTokenPinRequest *self);
const char *
kyso_token_pin_request_get_certificate_name (KysoTokenPinRequest *self);
KysoTokenPinFlags
kyso_token_pin_request_get_flags (KysoTokenPinRequest *self);
/* What to tell the person (translated): which token, a wrong PIN and the tries left, the keypad. */
const char *
kyso_token_pin_request_get_message (KysoTokenPinRequest *self);
/* Answers the request, from any thread, once: @pin is copied for C_Login and wiped after it;
 * NULL gives up (sign_digests then fails with the last wrong-PIN error, or G_IO_ERROR_CANCELLED). */
void
kyso_token_pin_request_reply (KysoTokenPinRequest *self, const char *pin);

/* Called on the thread-default main context of the caller of sign_digests_async(), with a request
 * it may keep (ref) and answer later (a dialog) or at once (a terminal). */
typedef void (*KysoTokenPinFunc) (KysoTokenPinRequest *request, gpointer user_data);

/* ---- certificates on the tokens --------------------------------------------------------- */

typedef struct
{
  KysoSignerCredential *credential; /* id, provider NULL, chain [0] = the certificate */
  char *token_label;
  char *holder;  /* the subject's common name (or the whole subject) */
  char *issuer;  /* issuer DN, RFC 2253, UTF-8 */
  char *serial;  /* serial number, upper-case hex */
  char *refusal; /* NULL when it can sign; else why not (translated) */
} KysoTokenCertificate;

#define KYSO_TYPE_TOKEN_CERTIFICATE (kyso_token_certificate_get_type ())
GType
kyso_token_certificate_get_type (void) G_GNUC_CONST;
KysoTokenCertificate *
kyso_token_certificate_copy (const KysoTokenCertificate *self);
void
kyso_token_certificate_free (KysoTokenCertificate *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KysoTokenCertificate, kyso_token_certificate_free)

/* ---- the signer ------------------------------------------------------------------------- */

/* @module_paths: PKCS#11 module files to load besides the registered ones (may be NULL);
 * @use_registered: also load the modules p11-kit's configuration registers. Nothing is loaded
 * until the first listing or signing (on a worker thread). */
KysoTokenSigner *
kyso_token_signer_new (const char *const *module_paths, gboolean use_registered);
/* From kyso.conf: [token] modules=PATH;PATH… (relative to the file's folder), registered=true|false
 * (default true); @extra_module (a path, may be NULL) is loaded first. @config may be NULL. */
KysoTokenSigner *
kyso_token_signer_new_for_config (KysoConfig *config, const char *extra_module);

/* Offers (list_credentials) only the certificate with this issuer (RFC 2253, as
 * KysoTokenCertificate.issuer says it) and serial number (hex, any case, colons allowed): a profile's
 * USB token account. When no token present holds it, list_credentials fails with
 * KYSO_ERROR_NOT_FOUND. */
void
kyso_token_signer_set_certificate (KysoTokenSigner *self, const char *issuer, const char *serial);

void
kyso_token_signer_set_pin_func (KysoTokenSigner *self, KysoTokenPinFunc func, gpointer user_data,
                                GDestroyNotify destroy);

/* → GPtrArray of KysoTokenCertificate (owned), usable ones and refused ones, in token order.
 * Errors: KYSO_ERROR_NOT_FOUND (a module named in the configuration cannot be loaded). */
void
kyso_token_signer_list_certificates_async (KysoTokenSigner *self, GCancellable *cancellable,
                                           GAsyncReadyCallback callback, gpointer user_data);
GPtrArray *
kyso_token_signer_list_certificates_finish (KysoTokenSigner *self, GAsyncResult *result, GError **error);

/* Finds @id among @certificates (KysoTokenCertificate): the credential id, or a serial number in
 * hex (any case, leading zeros optional). Borrowed; NULL when none matches. */
const KysoTokenCertificate *
kyso_token_certificates_find (GPtrArray *certificates, const char *id);

/* Watches for tokens plugged in or pulled out: from now on, "tokens-changed" is emitted on the
 * thread-default main context of this call whenever the set of tokens present changes (checked
 * every @interval_ms, bounded to 50–10000; C_WaitForSlotEvent is asked without blocking where a
 * module supports it). Stops when the signer is disposed. */
void
kyso_token_signer_watch (KysoTokenSigner *self, guint interval_ms);

/* sign_digests errors besides those of KysoSigner: KYSO_ERROR_AUTH (wrong PIN with the tries
 * left, PIN locked, no way to ask the PIN), KYSO_ERROR_NOT_FOUND (the token is not there, or was
 * pulled out while signing: nothing is returned), KYSO_ERROR_CERTIFICATE (no private key for the
 * certificate, key usage), KYSO_ERROR_UNSUPPORTED (the token has no usable mechanism). */

G_END_DECLS
