#pragma once

/* OpenSSL helpers shared by the sandbox's state and services (kyso-sandbox-pki.c). */

#include "kyso-sandbox-private.h"

G_BEGIN_DECLS

typedef struct
{
  int nid;           /* NID_undef ends a list */
  const char *value; /* in the syntax of openssl.cnf, e.g. "critical,CA:TRUE" */
} KysoSandboxExt;

gboolean
kyso_sandbox_pki_set_error (GError **error, const char *what);
/* DIR/@sub/@name@suffix */
char *
kyso_sandbox_state_path (KysoSandbox *self, const char *sub, const char *name, const char *suffix);
gboolean
kyso_sandbox_save_key (EVP_PKEY *key, const char *path, GError **error);
gboolean
kyso_sandbox_save_cert (X509 *cert, const char *path, GError **error);
EVP_PKEY *
kyso_sandbox_load_key (const char *path, GError **error);
X509 *
kyso_sandbox_load_cert (const char *path, GError **error);
/* Queue a key for kyso_sandbox_generate_keys(): RSA 2048 when @rsa, else EC P-256. */
void
kyso_sandbox_key_job_add (GPtrArray *jobs, EVP_PKEY **slot, gboolean rsa);
gboolean
kyso_sandbox_generate_keys (GPtrArray *jobs, GError **error);
/* A certificate for @key named @subject, signed by @issuer_key (self-signed when @issuer is
 * NULL), random serial, SHA-256; @exts ends with NID_undef. */
X509 *
kyso_sandbox_make_cert (X509_NAME *subject, EVP_PKEY *key, X509 *issuer, EVP_PKEY *issuer_key,
                        gint64 not_before, gint64 not_after, const KysoSandboxExt *exts, GError **error);
/* C=VN, O=@org, CN=@cn */
X509_NAME *
kyso_sandbox_simple_name (const char *cn, const char *org);

G_END_DECLS
