#pragma once

#include <gio/gio.h>

#include "kyso-config.h"
#include "kyso-pdf-document.h"
#include "kyso-pdf-verify-report.h"

G_BEGIN_DECLS

/* Verifies every signature of a PDF: structure (/ByteRange, /Contents, coverage, overlaps),
 * integrity (the byte ranges hashed in one streaming pass, then the CMS), what later revisions
 * changed (object by object, see kyso-pdf-changes.h), DocMDP, PAdES level, trust and revocation.
 * The result is a KysoPdfVerifyReport (kyso-pdf-verify-report.h).
 *
 *   g_autoptr(KysoPdfVerifier) v = kyso_pdf_verifier_new ();
 *   kyso_pdf_verifier_add_trust_file (v, "root.pem");
 *   report = kyso_pdf_verifier_verify (v, "file.pdf", cancellable, &error);      CLI, tests
 *   kyso_pdf_verifier_verify_async (v, file, cancellable, callback, data);        GUI
 *
 * A verifier can be reused and shared: each verification takes a snapshot of its settings. */

#define KYSO_TYPE_PDF_VERIFIER (kyso_pdf_verifier_get_type ())
G_DECLARE_FINAL_TYPE (KysoPdfVerifier, kyso_pdf_verifier, KYSO, PDF_VERIFIER, GObject)

/* Trusts Kyso's list of the Vietnamese public CAs (kyso_trust_bundled_dir()) by default, and
 * never the system's TLS store; online. */
KysoPdfVerifier *
kyso_pdf_verifier_new (void);

/* A PEM file of trust anchors (`--trust FILE`); may be called several times. */
void
kyso_pdf_verifier_add_trust_file (KysoPdfVerifier *self, const char *path);
/* A folder of PEM/DER anchors. */
void
kyso_pdf_verifier_add_trust_dir (KysoPdfVerifier *self, const char *path);
/* Whether Kyso's list of the Vietnamese public CAs counts (default TRUE); FALSE leaves only the
 * anchors given (tests, an operator who lists its own). */
void
kyso_pdf_verifier_set_use_bundled_trust (KysoPdfVerifier *self, gboolean use);
/* Judge as of @now instead of the current time (re-checking an old file, tests with a faked
 * clock); NULL = the current time. */
void
kyso_pdf_verifier_set_validation_time (KysoPdfVerifier *self, GDateTime *now);
/* No network: revocation is reported "unknown" at once (default FALSE). */
void
kyso_pdf_verifier_set_offline (KysoPdfVerifier *self, gboolean offline);
/* Per OCSP/CRL request, in seconds (0 = the default, 5 s). */
void
kyso_pdf_verifier_set_timeout (KysoPdfVerifier *self, guint seconds);
/* Takes `[trust] anchors=PEM;PEM;…` (the operator's anchors, e.g. the sandbox's root) and
 * `[tls] ca_file` (for https revocation services only: never a document anchor) from a
 * configuration file. */
void
kyso_pdf_verifier_apply_config (KysoPdfVerifier *self, KysoConfig *config);

/* Blocking. Errors (the file cannot be checked at all, CLI exit 3): G_IO_ERROR_* when it cannot
 * be read, KYSO_ERROR_BROKEN_FILE / KYSO_ERROR_LIMIT when it is not a readable PDF,
 * KYSO_ERROR_ENCRYPTED for an encrypted file, G_IO_ERROR_CANCELLED. A file without signatures
 * is not an error: its report has none, and its status is INVALID. */
KysoPdfVerifyReport *
kyso_pdf_verifier_verify (KysoPdfVerifier *self, const char *path, GCancellable *cancellable, GError **error);
/* The same on a worker thread; @file must be a local file. */
void
kyso_pdf_verifier_verify_async (KysoPdfVerifier *self, GFile *file, GCancellable *cancellable,
                                GAsyncReadyCallback callback, gpointer user_data);
KysoPdfVerifyReport *
kyso_pdf_verifier_verify_finish (KysoPdfVerifier *self, GAsyncResult *result, GError **error);

/* The same on bytes in memory (the fuzz harness; small files). Never touches the network, and
 * leaves out the check of later signatures drawn over earlier ones (it needs poppler). */
KysoPdfVerifyReport *
kyso_pdf_verifier_verify_bytes (KysoPdfVerifier *self, GBytes *bytes, GCancellable *cancellable,
                                GError **error);

/* Another kind of document verified with this verifier's trust (a snapshot: the system store and
 * bundled anchors unless turned off, the files and folders given, offline, timeouts): @func is a
 * verifier such as kyso_ooxml_verify() (DOCX), called here with @path and those options. */
typedef KysoPdfVerifyReport *(*KysoPdfVerifierOtherFunc) (const char *path, const KysoTrustOptions *trust,
                                                          GCancellable *cancellable, GError **error);
KysoPdfVerifyReport *
kyso_pdf_verifier_verify_other (KysoPdfVerifier *self, KysoPdfVerifierOtherFunc func, const char *path,
                                GCancellable *cancellable, GError **error);
/* The same on a worker thread (the history panel); @file must be a local file. */
void
kyso_pdf_verifier_verify_other_async (KysoPdfVerifier *self, KysoPdfVerifierOtherFunc func, GFile *file,
                                      GCancellable *cancellable, GAsyncReadyCallback callback,
                                      gpointer user_data);
KysoPdfVerifyReport *
kyso_pdf_verifier_verify_other_finish (KysoPdfVerifier *self, GAsyncResult *result, GError **error);

/* The certification (DocMDP) level of @doc as it is now: 1–3 when the catalog's /Perms /DocMDP
 * names a signature dictionary (its /Reference DocMDP transform's /P; 2 when absent; an unknown
 * value reads as 1), 0 when the document is not certified. @out_num (may be NULL) receives that
 * dictionary's object number (0 when direct), @out_start its offset in the file (or -1). Also
 * what a signer checks before adding a signature (P1 allows none). */
int
kyso_pdf_verify_get_docmdp (KysoPdfDocument *doc, guint32 *out_num, gint64 *out_start);

G_END_DECLS
