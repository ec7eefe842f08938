#pragma once

#include <gio/gio.h>

#include "kyso-signer.h"

G_BEGIN_DECLS

/* Signing one Word document (DOCX, any OPC package) the way Word and LibreOffice do (ECMA-376
 * Part 2 §13, XML-DSig with XAdES signed properties), in the same two phases as a PDF's
 * KysoSignSession, so that any KysoSigner (local PKCS#12, NEAC, CSC, token) signs it:
 *
 *   session = kyso_ooxml_sign_session_new (in, out, &options)
 *   digest  = kyso_ooxml_sign_session_prepare (session, chain, …)   reads the package (under the
 *             bounds of kyso-ooxml-package.h), digests every part a signature covers (each
 *             relationships part through the relationship transform), builds the signature's
 *             objects and SignedInfo, and returns the SHA-256 of the canonical SignedInfo: the
 *             32 bytes the signer signs (RSA PKCS#1 v1.5 or ECDSA)
 *   kyso_ooxml_sign_session_complete (session, raw_signature, …)  checks the signature against
 *             the certificate, adds a signature time-stamp when options.tsa_url is set (XAdES-T),
 *             writes _xmlsignatures/sigN.xml, its origin relationships and content types, and
 *             writes the package at @out atomically
 *
 * Nothing is written at @out until complete() succeeds; the input is never modified. Signatures
 * already in the package stay valid: they never cover the signature parts, the origin, the
 * content types or the relationships a new signature adds.
 *
 * The blocking calls do file and network work: call them from a worker thread, or use the
 * _async variants (GTask threads; callbacks on the caller's thread-default main context). */

#define KYSO_TYPE_OOXML_SIGN_SESSION (kyso_ooxml_sign_session_get_type ())
G_DECLARE_FINAL_TYPE (KysoOoxmlSignSession, kyso_ooxml_sign_session, KYSO, OOXML_SIGN_SESSION, GObject)

typedef struct
{
  GDateTime *signing_time; /* NULL = now */
  const char *comments;    /* "purpose of signing" as Word shows it; NULL = none */
  const char *tsa_url;     /* XAdES-T when set */
  const char *tls_ca_file; /* PEM trust for an https TSA (NULL = system store) */
} KysoOoxmlSignOptions;

KysoOoxmlSignSession *
kyso_ooxml_sign_session_new (const char *input_path, const char *output_path,
                             const KysoOoxmlSignOptions *options);

/* Phase 1. @chain: GBytes DER, [0] = the signer. → 32 bytes to sign (owned).
 * Errors: KYSO_ERROR_BROKEN_FILE (not a package, a part without a content type, malformed XML),
 * KYSO_ERROR_LIMIT, KYSO_ERROR_ENCRYPTED, KYSO_ERROR_CERTIFICATE (chain[0] is not a certificate,
 * or its key is neither RSA nor EC), KYSO_ERROR_INVALID_INPUT (prepared already),
 * G_IO_ERROR_*. */
GBytes *
kyso_ooxml_sign_session_prepare (KysoOoxmlSignSession *self, GPtrArray *chain, GCancellable *cancellable,
                                 GError **error);
/* Phase 2. Errors: KYSO_ERROR_BAD_SIGNATURE, KYSO_ERROR_INVALID_INPUT (not prepared, or
 * completed already), KYSO_ERROR_NETWORK / KYSO_ERROR_SERVER / KYSO_ERROR_TLS (time-stamp),
 * G_IO_ERROR_*. */
gboolean
kyso_ooxml_sign_session_complete (KysoOoxmlSignSession *self, GBytes *raw_signature,
                                  GCancellable *cancellable, GError **error);
/* Forgets a prepared session; nothing happens at the output. */
void
kyso_ooxml_sign_session_abort (KysoOoxmlSignSession *self);

void
kyso_ooxml_sign_session_prepare_async (KysoOoxmlSignSession *self, GPtrArray *chain,
                                       GCancellable *cancellable, GAsyncReadyCallback callback,
                                       gpointer user_data);
GBytes *
kyso_ooxml_sign_session_prepare_finish (KysoOoxmlSignSession *self, GAsyncResult *result, GError **error);
void
kyso_ooxml_sign_session_complete_async (KysoOoxmlSignSession *self, GBytes *raw_signature,
                                        GCancellable *cancellable, GAsyncReadyCallback callback,
                                        gpointer user_data);
gboolean
kyso_ooxml_sign_session_complete_finish (KysoOoxmlSignSession *self, GAsyncResult *result, GError **error);

/* Everything in one go with a KysoSigner: list its credentials, take @credential_id (NULL = the
 * first), prepare, sign the digest (with @progress), complete. Errors: those of the signer and of
 * prepare/complete. */
void
kyso_ooxml_sign_session_sign_with_signer_async (KysoOoxmlSignSession *self, KysoSigner *signer,
                                                const char *credential_id, KysoSignProgressFunc progress,
                                                gpointer progress_data, GCancellable *cancellable,
                                                GAsyncReadyCallback callback, gpointer user_data);
gboolean
kyso_ooxml_sign_session_sign_with_signer_finish (KysoOoxmlSignSession *self, GAsyncResult *result,
                                                 GError **error);

const char *
kyso_ooxml_sign_session_get_input_path (KysoOoxmlSignSession *self);
const char *
kyso_ooxml_sign_session_get_output_path (KysoOoxmlSignSession *self);
/* The 32 bytes to sign (borrowed), NULL before prepare. */
GBytes *
kyso_ooxml_sign_session_get_digest_to_sign (KysoOoxmlSignSession *self);
/* The signature part written ("_xmlsignatures/sig1.xml"), NULL before prepare. */
const char *
kyso_ooxml_sign_session_get_signature_part (KysoOoxmlSignSession *self);
gboolean
kyso_ooxml_sign_session_is_completed (KysoOoxmlSignSession *self);

G_END_DECLS
