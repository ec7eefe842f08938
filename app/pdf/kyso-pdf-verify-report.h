#pragma once

#include <gio/gio.h>

#include "kyso-cms-verify.h" /* KysoPadesLevel */
#include "kyso-trust.h"      /* KysoTrustStatus, KysoRevocationStatus */

G_BEGIN_DECLS

/* What the verifier found: one KysoPdfVerifyReport per file, holding one KysoPdfSignatureReport
 * per signature (in the order of the revisions they sign). Both are immutable once
 * kyso_pdf_verifier_verify() has returned them; the GUI's signing-history panel shows them. */

/* The validation model of ETSI EN 319 102-1, plus "modified" for what a later revision did:
 *   valid          intact, unchanged since, trusted chain usable at the proven signing time,
 *                  revocation known, strong algorithms;
 *   indeterminate  intact and unchanged, but it cannot be confirmed: chain not trusted, revocation
 *                  unknown, time-stamp not trusted, weak algorithm, certificate expired with no
 *                  proof the signature was made before (the problems say which);
 *   modified       intact when signed, changed after in a way that matters;
 *   invalid        broken, forged, malformed, revoked, or a certificate not usable for signing
 *                  (a CA's, TLS-only, expired at the proven signing time).
 * Ordered from best to worst. */
typedef enum
{
  KYSO_SIGNATURE_STATUS_VALID,
  KYSO_SIGNATURE_STATUS_INDETERMINATE,
  KYSO_SIGNATURE_STATUS_MODIFIED,
  KYSO_SIGNATURE_STATUS_INVALID,
} KysoSignatureStatus;

/* The former name of INDETERMINATE (it is never shown as "valid"). */
#define KYSO_SIGNATURE_STATUS_VALID_UNTRUSTED KYSO_SIGNATURE_STATUS_INDETERMINATE

/* Where the signing time a signature was judged at comes from. */
typedef enum
{
  KYSO_SIGNING_TIME_NONE,    /* nothing: judged as of now */
  KYSO_SIGNING_TIME_CLAIMED, /* the signer's computer (/M or signingTime): proves nothing, judged as of now */
  KYSO_SIGNING_TIME_TIMESTAMP, /* a time-stamp from a trusted authority */
} KysoSigningTimeSource;

/* What the revisions after a signature changed, worst first wins. */
typedef enum
{
  KYSO_PDF_CHANGES_NONE,        /* nothing was added after it */
  KYSO_PDF_CHANGES_SIGNATURES,  /* only signatures, their fields, DSS and document time-stamps */
  KYSO_PDF_CHANGES_FORM,        /* form fields were filled in */
  KYSO_PDF_CHANGES_ANNOTATIONS, /* comments / annotations were added or changed */
  KYSO_PDF_CHANGES_OTHER,       /* anything else: content, pages, resources, structure */
} KysoPdfChanges;

/* Why a signature is not valid: machine-readable, one human sentence each in the reasons. */
typedef enum
{
  KYSO_SIGNATURE_PROBLEM_BYTE_RANGE = 1 << 0,   /* /ByteRange missing or malformed */
  KYSO_SIGNATURE_PROBLEM_CONTENTS = 1 << 1,     /* /Contents missing, not a hex string, empty */
  KYSO_SIGNATURE_PROBLEM_GAP = 1 << 2,          /* the unsigned gap is not exactly /Contents */
  KYSO_SIGNATURE_PROBLEM_OVERLAP = 1 << 3,      /* ranges overlap another signature's */
  KYSO_SIGNATURE_PROBLEM_COVERAGE = 1 << 4,     /* signed bytes do not end a revision */
  KYSO_SIGNATURE_PROBLEM_CMS = 1 << 5,          /* the CMS does not parse or is not usable */
  KYSO_SIGNATURE_PROBLEM_DIGEST = 1 << 6,       /* the byte ranges' digest does not match */
  KYSO_SIGNATURE_PROBLEM_SIGNATURE = 1 << 7,    /* the signature value does not verify */
  KYSO_SIGNATURE_PROBLEM_DOCMDP = 1 << 8,       /* a certification level is violated */
  KYSO_SIGNATURE_PROBLEM_CHANGED = 1 << 9,      /* later revisions change what is shown */
  KYSO_SIGNATURE_PROBLEM_STRUCTURE = 1 << 10,   /* later revisions are malformed (appended junk,
                                                 * duplicate objects, redefined signatures) */
  KYSO_SIGNATURE_PROBLEM_UNTRUSTED = 1 << 11,   /* chain does not reach a trust anchor (indeterminate) */
  KYSO_SIGNATURE_PROBLEM_CERTIFICATE = 1 << 12, /* certificate not valid at the proven signing time */
  KYSO_SIGNATURE_PROBLEM_REVOKED = 1 << 13,
  KYSO_SIGNATURE_PROBLEM_TIMESTAMP = 1 << 14, /* the time-stamp does not verify */
  KYSO_SIGNATURE_PROBLEM_KEY_USAGE = 1 << 15, /* a CA's, TLS-only or non-signing certificate (invalid) */
  /* Indeterminate: */
  KYSO_SIGNATURE_PROBLEM_REVOCATION_UNKNOWN = 1 << 16,  /* no usable OCSP/CRL answer */
  KYSO_SIGNATURE_PROBLEM_WEAK_ALGORITHM = 1 << 17,      /* MD5, SHA-1, adbe.pkcs7.sha1 */
  KYSO_SIGNATURE_PROBLEM_TIMESTAMP_UNTRUSTED = 1 << 18, /* the TSA's chain is not trusted */
  KYSO_SIGNATURE_PROBLEM_TIMESTAMP_ORDER = 1 << 19,     /* time-stamp before /M, or after the next revision */
  KYSO_SIGNATURE_PROBLEM_EXPIRED_NO_PROOF = 1
                                            << 20, /* certificate expired now, no proof of earlier signing */
} KysoSignatureProblem;

#define KYSO_SIGNATURE_PROBLEM_LAST KYSO_SIGNATURE_PROBLEM_EXPIRED_NO_PROOF

#define KYSO_TYPE_PDF_SIGNATURE_REPORT (kyso_pdf_signature_report_get_type ())
G_DECLARE_FINAL_TYPE (KysoPdfSignatureReport, kyso_pdf_signature_report, KYSO, PDF_SIGNATURE_REPORT, GObject)

/* Strings are borrowed; NULL when unknown (no certificate, no /M …). */
const char *
kyso_pdf_signature_report_get_field (KysoPdfSignatureReport *self);
const char *
kyso_pdf_signature_report_get_signer (KysoPdfSignatureReport *self);
const char *
kyso_pdf_signature_report_get_email (KysoPdfSignatureReport *self);
const char *
kyso_pdf_signature_report_get_national_id (KysoPdfSignatureReport *self);
const char *
kyso_pdf_signature_report_get_issuer (KysoPdfSignatureReport *self);
const char *
kyso_pdf_signature_report_get_serial (KysoPdfSignatureReport *self);
/* The time in /M, as the signer's computer claimed it. */
GDateTime *
kyso_pdf_signature_report_get_signing_time (KysoPdfSignatureReport *self);
/* The time of a signature time-stamp that verifies, or NULL; trustworthy only when the
 * signing-time source is TIMESTAMP (its authority is trusted). */
GDateTime *
kyso_pdf_signature_report_get_timestamp_time (KysoPdfSignatureReport *self);
/* The signing time to show: the trusted time-stamp's, else the claimed one (/M), else NULL; and
 * where it comes from. */
GDateTime *
kyso_pdf_signature_report_get_best_signing_time (KysoPdfSignatureReport *self);
KysoSigningTimeSource
kyso_pdf_signature_report_get_signing_time_source (KysoPdfSignatureReport *self);
/* The trust anchor the signer's chain ends at (its holder name, and SHA-256 in lower-case hex),
 * or NULL when not trusted. */
const char *
kyso_pdf_signature_report_get_trust_anchor (KysoPdfSignatureReport *self);
const char *
kyso_pdf_signature_report_get_trust_anchor_sha256 (KysoPdfSignatureReport *self);
/* "SHA-256", …; "ETSI.CAdES.detached", "adbe.pkcs7.detached", "ETSI.RFC3161" … */
const char *
kyso_pdf_signature_report_get_digest (KysoPdfSignatureReport *self);
const char *
kyso_pdf_signature_report_get_subfilter (KysoPdfSignatureReport *self);
/* TRUE for a document time-stamp (/Type /DocTimeStamp) rather than a person's signature. */
gboolean
kyso_pdf_signature_report_is_document_timestamp (KysoPdfSignatureReport *self);
/* The PAdES level proven: B-T needs a trusted time-stamp, B-LT revocation data kept in the file
 * that was used, B-LTA a trusted document time-stamp over that data. */
KysoPadesLevel
kyso_pdf_signature_report_get_level (KysoPdfSignatureReport *self);
/* The byte ranges' digest matches and the signature verifies with the signer's key. */
gboolean
kyso_pdf_signature_report_get_integrity (KysoPdfSignatureReport *self);
/* TRUE when it signs the whole file; otherwise the (0-based) revision it signs. */
gboolean
kyso_pdf_signature_report_covers_whole_file (KysoPdfSignatureReport *self);
int
kyso_pdf_signature_report_get_revision (KysoPdfSignatureReport *self);
/* 0 when not a certification signature, else its DocMDP /P (1, 2 or 3). */
int
kyso_pdf_signature_report_get_docmdp (KysoPdfSignatureReport *self);
KysoPdfChanges
kyso_pdf_signature_report_get_changes_after (KysoPdfSignatureReport *self);
KysoTrustStatus
kyso_pdf_signature_report_get_trust (KysoPdfSignatureReport *self);
KysoRevocationStatus
kyso_pdf_signature_report_get_revocation (KysoPdfSignatureReport *self);
KysoSignatureStatus
kyso_pdf_signature_report_get_status (KysoPdfSignatureReport *self);
KysoSignatureProblem
kyso_pdf_signature_report_get_problems (KysoPdfSignatureReport *self);
/* Translated sentences saying why the status is what it is (and notes such as "time-stamped");
 * NULL-terminated, borrowed. */
const char *const *
kyso_pdf_signature_report_get_reasons (KysoPdfSignatureReport *self);

#define KYSO_TYPE_PDF_VERIFY_REPORT (kyso_pdf_verify_report_get_type ())
G_DECLARE_FINAL_TYPE (KysoPdfVerifyReport, kyso_pdf_verify_report, KYSO, PDF_VERIFY_REPORT, GObject)

const char *
kyso_pdf_verify_report_get_path (KysoPdfVerifyReport *self);
/* The worst status over the signatures; INVALID when the file has none. */
KysoSignatureStatus
kyso_pdf_verify_report_get_status (KysoPdfVerifyReport *self);
guint
kyso_pdf_verify_report_get_n_revisions (KysoPdfVerifyReport *self);
/* A list of KysoPdfSignatureReport (borrowed), for a GtkListView. */
GListModel *
kyso_pdf_verify_report_get_signatures (KysoPdfVerifyReport *self);
guint
kyso_pdf_verify_report_get_n_signatures (KysoPdfVerifyReport *self);
/* Borrowed. */
KysoPdfSignatureReport *
kyso_pdf_verify_report_get_signature (KysoPdfVerifyReport *self, guint index);
/* Before a signed file is uploaded to the portal: its last signature (document time-stamps
 * aside) must be valid — not indeterminate, modified or invalid — and made by the citizen whose
 * ID number is @account_id (NULL: not checked). A file without signatures passes (a component
 * that needs none). FALSE with KYSO_ERROR_CERTIFICATE and a sentence for the citizen, saying why
 * and what to do. The report should come from an online check with the configured anchors:
 * offline, revocation is unknown and nothing is valid. */
gboolean
kyso_pdf_verify_report_check_for_upload (KysoPdfVerifyReport *self, const char *account_id, GError **error);
/* The `kyso-cli verify --json` document (owned, UTF-8, pretty-printed). */
char *
kyso_pdf_verify_report_to_json (KysoPdfVerifyReport *self);

/* Stable names used in the JSON ("valid", "indeterminate", "modified", "signatures" …); the
 * PAdES level, trust and revocation words come from kyso_pades_level_to_string() and
 * kyso-trust.h. */
const char *
kyso_signature_status_to_string (KysoSignatureStatus status);
/* The reason code of one problem flag ("chain_not_trusted", "revocation_unknown" …), NULL when
 * @problem is not exactly one known flag. */
const char *
kyso_signature_problem_to_string (KysoSignatureProblem problem);
/* "timestamp", "claimed", "none". */
const char *
kyso_signing_time_source_to_string (KysoSigningTimeSource source);
const char *
kyso_pdf_changes_to_string (KysoPdfChanges changes);
/* Translated, for people ("Valid", "Cannot be confirmed", "Modified after signing" …); never
 * says "valid" for anything but VALID. */
const char *
kyso_signature_status_to_label (KysoSignatureStatus status);

G_END_DECLS
