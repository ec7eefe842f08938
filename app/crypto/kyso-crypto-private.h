#pragma once

#include <gio/gio.h>
#include <openssl/cms.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

G_BEGIN_DECLS

/* Small OpenSSL glue shared by the files of app/crypto (not public API). */

G_DEFINE_AUTOPTR_CLEANUP_FUNC (X509, X509_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EVP_PKEY, EVP_PKEY_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EVP_PKEY_CTX, EVP_PKEY_CTX_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EVP_MD_CTX, EVP_MD_CTX_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CMS_ContentInfo, CMS_ContentInfo_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (BIO, BIO_free_all)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (X509_STORE, X509_STORE_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (X509_STORE_CTX, X509_STORE_CTX_free)

/* DER certificate in @der → X509, or NULL (trailing bytes are refused). */
X509 *
kyso_x509_from_bytes (GBytes *der);
/* i2d of @cert as GBytes. */
GBytes *
kyso_x509_to_bytes (X509 *cert);
/* STACK_OF(X509) from a GPtrArray of DER GBytes; NULL if any does not parse. */
STACK_OF (X509) * kyso_x509_stack_from_chain (GPtrArray *chain);
/* STACK_OF(X509) → GPtrArray of DER GBytes (with free func). */
GPtrArray *
kyso_x509_stack_to_chain (const STACK_OF (X509) * certs);

/* Checks @signature over the already computed @digest (of @md) with @key: RSA PKCS#1 v1.5 or
 * ECDSA (DER, or the raw r‖s that some CSC services return). @out_der (may be NULL) receives
 * the signature as CMS carries it: unchanged, or the raw ECDSA value DER-encoded. */
gboolean
kyso_crypto_verify_digest (EVP_PKEY *key, const EVP_MD *md, const guint8 *digest, gsize digest_len,
                           const guint8 *signature, gsize signature_len, GBytes **out_der);

/* If @signature is a raw r‖s ECDSA value for @key, its DER form (owned); otherwise NULL. */
GBytes *
kyso_crypto_ecdsa_raw_to_der (EVP_PKEY *key, const guint8 *signature, gsize signature_len);

/* SHA-256 of @len bytes as GBytes. */
GBytes *
kyso_crypto_sha256 (const void *data, gsize len);

/* Clears OpenSSL's thread error queue, so that a failure here does not leak into a later
 * unrelated ERR_get_error() call. */
void
kyso_crypto_clear_errors (void);

/* kyso-certificate.c: wraps @x509 (a reference is taken) / the wrapped X509 (borrowed). */
typedef struct _KysoCertificate KysoCertificate;
KysoCertificate *
kyso_certificate_new_from_x509 (X509 *x509);
X509 *
kyso_certificate_get_x509 (KysoCertificate *self);

/* kyso-trust.c: a store with the anchors @options names (never NULL but on OOM). */
#include "kyso-trust.h"
X509_STORE *
kyso_trust_store_new (const KysoTrustOptions *options);
/* Builds and checks @cert's chain at time @at, for @purpose (X509_PURPOSE_*, 0 = any use).
 * *@out_chain (may be NULL) receives the chain as far as it was built (always at least @cert);
 * *@out_reason a sentence for people unless TRUSTED. */
KysoTrustStatus
kyso_trust_verify (X509_STORE *store, X509 *cert, STACK_OF (X509) * untrusted, time_t at, int purpose,
                   STACK_OF (X509) * *out_chain, char **out_reason);

/* kyso-revocation.c: OCSP (AIA), then CRL (CRLDP). *@out_reason is set unless GOOD/REVOKED
 * (and may be set then); *@out_revoked_at when REVOKED and known. Only G_IO_ERROR_CANCELLED is
 * an error. */
KysoRevocationStatus
kyso_revocation_check (X509 *cert, X509 *issuer, X509_STORE *store, STACK_OF (X509) * untrusted,
                       const KysoTrustOptions *options, GCancellable *cancellable, GDateTime **out_revoked_at,
                       char **out_reason, GError **error);

/* The same, with the revocation data kept in the document (@options' ocsp_responses and crls)
 * tried first: an answer counts only when issued after @signed_at (NULL = any). *@out_kept (may
 * be NULL) is TRUE when the answer came from that kept data; *@out_raw (may be NULL) receives
 * the OCSP response or CRL fetched from the network that decided (DER as received), for /DSS. */
KysoRevocationStatus
kyso_revocation_check_at (X509 *cert, X509 *issuer, X509_STORE *store, STACK_OF (X509) * untrusted,
                          const KysoTrustOptions *options, GDateTime *signed_at, GCancellable *cancellable,
                          GDateTime **out_revoked_at, gboolean *out_kept, GBytes **out_raw, char **out_reason,
                          GError **error);

G_END_DECLS
