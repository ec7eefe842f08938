#pragma once

#include <gio/gio.h>
#include "kyso-http.h"

G_BEGIN_DECLS

/* Where trust comes from, and how far a verification may reach out (OCSP, CRL). Plain data: fill
 * a zeroed struct; every field is optional. */
typedef struct {
  /* The system's trust anchors (@system_dir, default /etc/ssl/certs). */
  gboolean             use_system_store;
  const char          *system_dir;
  /* More anchors: folders of PEM/DER certificate files (*.pem, *.crt, *.cer, *.der; need not be
   * hashed), and PEM files that may hold several certificates (`--trust FILE`). NULL-terminated. */
  const char * const  *directories;
  const char * const  *files;
  /* Extra untrusted certificates to build chains with (DER GBytes), e.g. from a PDF's /DSS. */
  GPtrArray           *extra_certs;
  /* No network at all: revocation is "unknown", immediately. */
  gboolean             offline;
  /* Per OCSP/CRL fetch: whole transfer (0 = 5 s) and connection (0 = 3 s). */
  guint                timeout_seconds;
  guint                connect_timeout_seconds;
  /* TLS trust for https OCSP/CRL URLs (NULL = system). */
  const char          *tls_ca_file;
  /* Validate as of this time instead of now/the time-stamp (tests, re-checks); NULL = no. */
  GDateTime           *validation_time;
} KysoTrustOptions;

typedef enum {
  KYSO_TRUST_TRUSTED,     /* chains to an anchor, every certificate valid at the validation time */
  KYSO_TRUST_UNTRUSTED,   /* no chain to an anchor, or a certificate invalid at that time */
  KYSO_TRUST_UNKNOWN,     /* not decided (no signer certificate) */
} KysoTrustStatus;

typedef enum {
  KYSO_REVOCATION_GOOD,
  KYSO_REVOCATION_REVOKED,
  KYSO_REVOCATION_UNKNOWN, /* offline, no OCSP/CRL address, no answer in time, answer not usable */
} KysoRevocationStatus;

/* "trusted" / "untrusted" / "unknown", and "good" / "revoked" / "unknown" (the JSON words). */
const char *kyso_trust_status_to_string      (KysoTrustStatus      status);
const char *kyso_revocation_status_to_string (KysoRevocationStatus status);

G_END_DECLS
