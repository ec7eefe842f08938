#pragma once

#include <gio/gio.h>
#include "kyso-http.h"

G_BEGIN_DECLS

/* Where trust comes from, and how far a verification may reach out (OCSP, CRL). Plain data: fill
 * a zeroed struct; every field is optional. */
typedef struct
{
  /* The system's trust anchors (@system_dir, default /etc/ssl/certs). For TLS-like uses only
   * (an OCSP answer before signing): never for documents, whose anchors are Kyso's list
   * (kyso_trust_bundled_dir()) and the operator's. */
  gboolean use_system_store;
  const char *system_dir;
  /* More anchors: folders of PEM/DER certificate files (*.pem, *.crt, *.cer, *.der; need not be
   * hashed), and PEM files that may hold several certificates (`--trust FILE`). NULL-terminated. */
  const char *const *directories;
  const char *const *files;
  /* Extra untrusted certificates to build chains with (DER GBytes), e.g. from a PDF's /DSS. */
  GPtrArray *extra_certs;
  /* Revocation data kept with the document (DER GBytes of OCSPResponse and CertificateList, a
   * PDF's /DSS /OCSPs and /CRLs): tried before any network, and all there is offline. An answer
   * counts only when issued after the signing time (ETSI EN 319 102-1 §5.2.5). */
  GPtrArray *ocsp_responses;
  GPtrArray *crls;
  /* No network at all: revocation is "unknown", immediately. */
  gboolean offline;
  /* Per OCSP/CRL fetch: whole transfer (0 = 5 s) and connection (0 = 3 s). */
  guint timeout_seconds;
  guint connect_timeout_seconds;
  /* TLS trust for https OCSP/CRL URLs (NULL = system). */
  const char *tls_ca_file;
  /* The current time of this validation (a re-check of an old file, tests with a faked clock);
   * NULL = now. The signing time a chain is checked at is a trusted time-stamp's, else this. */
  GDateTime *validation_time;
} KysoTrustOptions;

typedef enum
{
  KYSO_TRUST_TRUSTED,   /* chains to an anchor, every certificate valid at the validation time */
  KYSO_TRUST_UNTRUSTED, /* no chain to an anchor, or a certificate invalid at that time */
  KYSO_TRUST_UNKNOWN,   /* not decided (no signer certificate) */
} KysoTrustStatus;

typedef enum
{
  KYSO_REVOCATION_GOOD,
  KYSO_REVOCATION_REVOKED,
  KYSO_REVOCATION_UNKNOWN, /* offline, no OCSP/CRL address, no answer in time, answer not usable */
} KysoRevocationStatus;

/* Where Kyso's list of the Vietnamese public certification authorities is installed (the data
 * of resources/trust: the national root and the CAs it licensed): PKGDATADIR/trust, or the
 * folder in $KYSO_TRUST_DIR (tests, an uninstalled build). Static string. */
const char *
kyso_trust_bundled_dir (void);

/* Before signing: may the certificate chain @chain (DER GBytes, signer first, the CA
 * certificates as the signing service sent them) sign documents that verifiers will accept?
 * It must chain, at @at (NULL = now), to Kyso's list (@use_bundled) or to one of
 * @anchor_files (PEM files: the `[trust] anchors` of kyso.conf; the sandbox's root in tests),
 * and the signer's certificate must be one for signing documents. Never the system TLS store.
 * No network. FALSE with KYSO_ERROR_CERTIFICATE and a sentence a citizen understands. */
gboolean
kyso_trust_check_signing_chain (GPtrArray *chain, const char *const *anchor_files, gboolean use_bundled,
                                GDateTime *at, GError **error);

/* "trusted" / "untrusted" / "unknown", and "good" / "revoked" / "unknown" (the JSON words). */
const char *
kyso_trust_status_to_string (KysoTrustStatus status);
const char *
kyso_revocation_status_to_string (KysoRevocationStatus status);

G_END_DECLS
