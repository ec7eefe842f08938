#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Building a PAdES (ETSI.CAdES.detached) CMS SignedData in two phases, so that the private key
 * can live anywhere (a PKCS#12 file, a remote CA that waits minutes for the citizen's phone):
 *
 *   1. kyso_pades_builder_new (document_digest, chain)   SHA-256 of the PDF's byte ranges, and the
 *                                                         signer certificate (DER) followed by its chain
 *   2. kyso_pades_builder_get_digest_to_sign ()           SHA-256 of the DER signed attributes:
 *                                                         content-type id-data, message-digest,
 *                                                         signing-certificate-v2 — and no signing-time,
 *                                                         so the same inputs always give the same digest
 *                                                         (a pending remote request survives a restart)
 *   3. kyso_pades_builder_set_signature ()                the raw signature from the signer; checked
 *                                                         against the certificate's public key first
 *   4. kyso_pades_builder_add_timestamp_token ()          optional (B-T): an RFC 3161 token over the
 *                                                         signature value, as signature-time-stamp
 *   5. kyso_pades_builder_to_der ()                       the CMS to put in /Contents
 *
 * Keys: RSA (PKCS#1 v1.5, which NEAC and most Vietnamese CAs return) and ECDSA (DER-encoded). */
typedef struct _KysoPadesBuilder KysoPadesBuilder;

/* @document_digest: 32 bytes. @chain: GBytes of DER certificates, [0] = the signer (a repeated
 * certificate is included once). Errors: KYSO_ERROR_INVALID_INPUT (digest size),
 * KYSO_ERROR_CERTIFICATE (no or unreadable certificate), KYSO_ERROR_UNSUPPORTED (key not RSA/EC). */
KysoPadesBuilder *
kyso_pades_builder_new (GBytes *document_digest, GPtrArray *chain, GError **error);
void
kyso_pades_builder_free (KysoPadesBuilder *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KysoPadesBuilder, kyso_pades_builder_free)

/* Borrowed. 32 bytes. */
GBytes *
kyso_pades_builder_get_digest_to_sign (KysoPadesBuilder *self);
/* The DER SET OF signed attributes the digest above covers (borrowed). */
GBytes *
kyso_pades_builder_get_signed_attributes (KysoPadesBuilder *self);
/* KYSO_ERROR_BAD_SIGNATURE when @raw_signature does not verify under the signer's key.
 * RSA: the PKCS#1 v1.5 signature. ECDSA: DER, or raw r‖s (converted to DER). May be called
 * again to replace the signature. */
gboolean
kyso_pades_builder_set_signature (KysoPadesBuilder *self, GBytes *raw_signature, GError **error);
/* The signature value the time-stamp must cover (borrowed; NULL before set_signature). */
GBytes *
kyso_pades_builder_get_signature (KysoPadesBuilder *self);
/* Adds @token_der (an RFC 3161 TimeStampToken, DER) as the unsigned attribute
 * id-aa-signatureTimeStampToken, replacing any earlier one. KYSO_ERROR_INVALID_INPUT before
 * set_signature; KYSO_ERROR_SERVER when the token's imprint is not SHA-256 (or its own
 * algorithm) of the signature value, or it does not parse. */
gboolean
kyso_pades_builder_add_timestamp_token (KysoPadesBuilder *self, GBytes *token_der, GError **error);
/* The SignedData ContentInfo, DER (owned). KYSO_ERROR_INVALID_INPUT before set_signature. */
GBytes *
kyso_pades_builder_to_der (KysoPadesBuilder *self, GError **error);

/* Added by the crypto area. */

/* Checks that the RFC 3161 token @token_der (a CMS ContentInfo) time-stamps @data: its message
 * imprint is the digest of @data (with the token's own hash algorithm). Does not check the
 * token's signature (kyso_tsa_request_token does). KYSO_ERROR_SERVER when it does not match or
 * does not parse. */
gboolean
kyso_pades_check_timestamp_imprint (GBytes *token_der, GBytes *data, GError **error);

/* An upper bound for the size of the CMS that kyso_pades_builder_to_der() will return for
 * @chain ([0] = signer), plus @timestamp_reserve bytes for a time-stamp token (0 for B-B; a
 * token with its TSA certificate chain is typically 4–8 KiB, so reserve 12288 or more). Use it
 * to size the /Contents placeholder before anything is signed. */
gsize
kyso_pades_estimate_size (GPtrArray *chain, gsize timestamp_reserve);

G_END_DECLS
