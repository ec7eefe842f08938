#pragma once

#include <gio/gio.h>
#include <openssl/evp.h>

#include "kyso-certificate.h"
#include "kyso-trust.h"

G_BEGIN_DECLS

/* Checking the CMS of one PDF signature, with the file's bytes hashed by the caller as it
 * streams them (memory does not grow with the file):
 *
 *   v = kyso_cms_verifier_new (contents)               the bytes of /Contents (zero padding is fine)
 *   md = kyso_cms_verifier_get_digest_algorithm (v)    hash the /ByteRange ranges with this
 *   kyso_cms_verifier_check (v, digest, &trust, cancellable, &result)
 *
 * Three kinds of CMS are understood, as they appear in real files:
 *   - detached SignedData over the ranges (ETSI.CAdES.detached, adbe.pkcs7.detached);
 *   - SignedData whose encapsulated content is the SHA-1 of the ranges (adbe.pkcs7.sha1): the
 *     digest algorithm to stream with is then SHA-1, whatever the signer used on top;
 *   - an RFC 3161 TimeStampToken over the ranges (ETSI.RFC3161 document time-stamps): the
 *     algorithm is the token's imprint algorithm, and the result's time is its genTime.
 *
 * Integrity (the byte ranges and the signature) is decided without any network. Trust and
 * revocation follow the KysoTrustOptions; offline, revocation is "unknown" at once. */

typedef struct _KysoCmsVerifier KysoCmsVerifier;

typedef enum
{
  KYSO_CMS_KIND_DETACHED,     /* detached SignedData (content = the byte ranges) */
  KYSO_CMS_KIND_SHA1_CONTENT, /* SignedData over an encapsulated SHA-1 of the byte ranges */
  KYSO_CMS_KIND_TIMESTAMP,    /* RFC 3161 TimeStampToken over the byte ranges */
} KysoCmsKind;

/* What the CMS alone reaches; /DSS and document time-stamps (B-LT, B-LTA) are the caller's. */
typedef enum
{
  KYSO_PADES_LEVEL_NONE, /* no signing-certificate attribute: plain PKCS#7/CMS */
  KYSO_PADES_LEVEL_B_B,
  KYSO_PADES_LEVEL_B_T,
  KYSO_PADES_LEVEL_B_LT,
  KYSO_PADES_LEVEL_B_LTA,
} KysoPadesLevel;

/* "B-B", "B-T", "B-LT", "B-LTA", or NULL for NONE. */
const char *
kyso_pades_level_to_string (KysoPadesLevel level);

typedef struct
{
  KysoCmsKind kind;
  /* Integrity. FALSE = the signature is broken; reasons[] says why. */
  gboolean intact;
  /* Signer (NULL only when the CMS does not carry the signer's certificate: then not intact). */
  KysoCertificate *signer;
  /* KysoCertificate: the chain as built (signer first), complete when trusted. */
  GPtrArray *chain;
  /* "SHA-256", "SHA-1", … of the signature; TRUE for MD5/SHA-1 (reported, not fatal). */
  const char *digest_algorithm;
  gboolean weak_algorithm;
  /* signing-certificate(-v2) attribute present and naming the signer's certificate. */
  gboolean has_signing_certificate;
  /* The signingTime attribute, as claimed by the signer's computer (NULL if none). */
  GDateTime *claimed_signing_time;
  /* A signature time-stamp (unsigned attribute) that verified over this signature: its time.
   * For KYSO_CMS_KIND_TIMESTAMP, the token's own genTime. NULL when none or not valid. */
  GDateTime *timestamp_time;
  /* A time-stamp was there but did not verify (then timestamp_time is NULL; not fatal). */
  gboolean timestamp_invalid;
  /* The time-stamp authority's certificate, when there is a valid time-stamp. */
  KysoCertificate *timestamp_signer;
  /* Whether the TSA's chain reaches a trust anchor now (the validation time). Only a trusted
   * time-stamp proves when the signature existed. */
  KysoTrustStatus timestamp_trust;
  /* B-B, or B-T when a trusted time-stamp covers the signature (what the CMS alone proves). */
  KysoPadesLevel level;
  /* The time the chain and the certificates' validity were judged at: a trusted time-stamp's
   * time (time_proven), else the validation time (now, or the option's). */
  GDateTime *signing_time_used;
  gboolean time_proven;
  /* Trust at signing_time_used. */
  KysoTrustStatus trust;
  /* The anchor the chain ended at, when trusted. */
  KysoCertificate *anchor;
  /* The signer's certificate is not one for signing documents (a CA's, TLS-only, no
   * digitalSignature/nonRepudiation): the signature cannot be accepted. */
  gboolean not_for_signing;
  /* The signer's certificate was outside its validity at signing_time_used. */
  gboolean signer_expired;
  KysoRevocationStatus revocation;
  GDateTime *revocation_time; /* when REVOKED and known */
  /* The revocation answer came from the data kept in the document (options' ocsp_responses,
   * crls), not from the network. */
  gboolean revocation_kept;
  /* Sentences for people (translated), most important first: why broken, untrusted, unknown. */
  GPtrArray *reasons;
} KysoCmsResult;

/* Frees @result and everything in it (NULL is fine). */
void
kyso_cms_result_free (KysoCmsResult *result);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KysoCmsResult, kyso_cms_result_free)

/* Parses @cms_der. NULL with KYSO_ERROR_BROKEN_FILE when it is not a SignedData (or time-stamp
 * token) with exactly one usable signer — report such a signature as broken, with
 * error->message as the reason; KYSO_ERROR_UNSUPPORTED when its digest algorithm is unknown. */
KysoCmsVerifier *
kyso_cms_verifier_new (GBytes *cms_der, GError **error);
/* NULL is fine. */
void
kyso_cms_verifier_free (KysoCmsVerifier *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KysoCmsVerifier, kyso_cms_verifier_free)

/* Which of the three kinds above @self is (decided by new()). */
KysoCmsKind
kyso_cms_verifier_get_kind (KysoCmsVerifier *self);
/* The algorithm the caller must hash the byte ranges with (static, never NULL). */
const EVP_MD *
kyso_cms_verifier_get_digest_algorithm (KysoCmsVerifier *self);

/* Checks the CMS against @content_digest (the byte ranges hashed with the algorithm above).
 * Always fills *@out (even for a broken signature) and returns TRUE; FALSE only with
 * G_IO_ERROR_CANCELLED, or KYSO_ERROR_INVALID_INPUT when @content_digest has the wrong size.
 * Blocking (network for revocation): call from a worker thread. @trust may be NULL (no anchors:
 * untrusted; revocation still attempted unless offline). */
gboolean
kyso_cms_verifier_check (KysoCmsVerifier *self, GBytes *content_digest, const KysoTrustOptions *trust,
                         GCancellable *cancellable, KysoCmsResult **out, GError **error);

/* Helper for ETSI.RFC3161 document time-stamps: the same as new + check on @token_der. */
gboolean
kyso_cms_verify_document_timestamp (GBytes *token_der, GBytes *content_digest, const KysoTrustOptions *trust,
                                    GCancellable *cancellable, KysoCmsResult **out, GError **error);

/* For B-LT (/DSS): the validation data of the signature @cms_der, fetched now — its signer's chain
 * and its time-stamp authority's (DER certificates into @certs), and for each certificate below
 * the anchor the OCSP response (DER OCSPResponse, with the responder's certificates) or CRL that
 * answered (@ocsps, @crls). Entries already in the arrays are not added twice. @trust gives the
 * anchors (the signer's chain must reach one: else KYSO_ERROR_CERTIFICATE), timeouts and TLS.
 * A certificate whose revocation cannot be fetched is left without (the verifier will say
 * "revocation unknown"). Blocking, network. */
gboolean
kyso_cms_collect_validation_data (GBytes *cms_der, const KysoTrustOptions *trust, GPtrArray *certs,
                                  GPtrArray *ocsps, GPtrArray *crls, GCancellable *cancellable,
                                  GError **error);

G_END_DECLS
