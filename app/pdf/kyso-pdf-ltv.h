#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Long-term validation (PAdES B-LT, ETSI EN 319 142-1 §5.4): after a file is signed, the data a
 * verifier needs years later, when the certificates have expired and the CA's services may be
 * gone, is added to the file as its own incremental update: a /DSS in the catalog with
 *   /Certs   every certificate of the signers' and time-stamp authorities' chains,
 *   /OCSPs   the OCSP responses and /CRLs the CRLs that answered for them, fetched now,
 *   /VRI     per signature (keyed by the upper-case SHA-1 of its /Contents) the ones it uses.
 * Only the catalog and new objects change, so every earlier signature stays valid. A /DSS that is
 * there already is kept and extended. kyso-cli verify --offline then validates from it alone. */

typedef struct
{
  /* The document trust anchors (as for the verifier): the chains must reach one. */
  const char *const *anchor_files; /* PEM files: the configuration's [trust] anchors */
  gboolean use_bundled;            /* Kyso's list of the Vietnamese public CAs */
  const char *tls_ca_file;         /* for https OCSP/CRL addresses (NULL = system) */
  guint timeout_seconds;           /* per OCSP/CRL request (0 = 5 s) */
} KysoPdfLtvOptions;

/* Writes @in_path plus the /DSS update to @out_path (a new file, written whole then renamed into
 * place; @out_path may be @in_path). Blocking, network: call it from the signing job's worker
 * thread after the signature is complete. Errors: G_IO_ERROR_*, KYSO_ERROR_BROKEN_FILE (not a
 * signed PDF that can be read), KYSO_ERROR_CERTIFICATE (a signer's chain reaches no anchor),
 * G_IO_ERROR_CANCELLED. */
gboolean
kyso_pdf_add_validation_data (const char *in_path, const char *out_path, const KysoPdfLtvOptions *options,
                              GCancellable *cancellable, GError **error);

/* B-LTA (ETSI EN 319 142-1 §5.5): appends a document time-stamp (/Type /DocTimeStamp, /SubFilter
 * /ETSI.RFC3161, an invisible field "DocumentTimeStamp…") over the whole file, token from the
 * RFC 3161 authority at @tsa_url, as its own incremental update. Call it after
 * kyso_pdf_add_validation_data(): the time-stamp then protects the /DSS. @options gives TLS and
 * timeouts. Errors as above, and KYSO_ERROR_SERVER / KYSO_ERROR_NETWORK from the authority. */
gboolean
kyso_pdf_add_document_timestamp (const char *in_path, const char *out_path, const char *tsa_url,
                                 const KysoPdfLtvOptions *options, GCancellable *cancellable, GError **error);

G_END_DECLS
