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

/* @chain: GBytes of DER certificates, [0] = the signer. */
KysoPadesBuilder *kyso_pades_builder_new (GBytes      *document_digest,
                                          GPtrArray   *chain,
                                          GError     **error);
void              kyso_pades_builder_free (KysoPadesBuilder *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KysoPadesBuilder, kyso_pades_builder_free)

/* Borrowed. 32 bytes. */
GBytes  *kyso_pades_builder_get_digest_to_sign (KysoPadesBuilder *self);
/* The DER SET OF signed attributes the digest above covers (borrowed). */
GBytes  *kyso_pades_builder_get_signed_attributes (KysoPadesBuilder *self);
/* KYSO_ERROR_BAD_SIGNATURE when @raw_signature does not verify under the signer's key. */
gboolean kyso_pades_builder_set_signature (KysoPadesBuilder *self,
                                           GBytes           *raw_signature,
                                           GError          **error);
/* The signature value the time-stamp must cover (borrowed; NULL before set_signature). */
GBytes  *kyso_pades_builder_get_signature (KysoPadesBuilder *self);
gboolean kyso_pades_builder_add_timestamp_token (KysoPadesBuilder *self,
                                                 GBytes           *token_der,
                                                 GError          **error);
GBytes  *kyso_pades_builder_to_der (KysoPadesBuilder *self,
                                    GError          **error);

G_END_DECLS
