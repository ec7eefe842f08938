#pragma once

/* What the parts of kyso-sandbox share beyond the public KysoSandbox API. */

#include "kyso-sandbox.h"

G_BEGIN_DECLS

typedef struct
{
  char *name;    /* "VNPT-CA" */
  char *id;      /* "vnpt-ca"; "root" for the root's own responder */
  EVP_PKEY *key; /* borrowed from the root for "root" */
  X509 *cert;
  X509 *ocsp_cert; /* the OCSP responder certificate issued by this CA */
} KysoSandboxProvider;

/* What the OCSP responder knows about one serial number of one CA. */
typedef struct
{
  KysoSandboxProvider *issuer;
  gboolean revoked;
  gint64 revoked_at; /* seconds since the epoch */
} KysoSandboxIssued;

typedef enum
{
  KYSO_SANDBOX_TXN_PENDING,
  KYSO_SANDBOX_TXN_APPROVED,
  KYSO_SANDBOX_TXN_REFUSED,
  KYSO_SANDBOX_TXN_EXPIRED,
} KysoSandboxTxnState;

typedef struct _KysoSandboxTxn KysoSandboxTxn;
typedef void (*KysoSandboxTxnNotify) (KysoSandbox *sandbox, KysoSandboxTxn *txn, gpointer data);

struct _KysoSandboxTxn
{
  char *id;        /* the service's own transaction id */
  char *client_id; /* the id the client sent (sp769 transaction_id), or NULL */
  char *service;   /* "neac" | "csc" */
  KysoSandboxCitizen *citizen;
  char *description;
  GPtrArray *doc_ids; /* char * */
  GPtrArray *digests; /* GBytes * */
  int md_nid;         /* NID of the digests' hash */
  char *tran_code;    /* a UUID, as sp769 documents */
  char *fingerprint;  /* request content, to recognise a retry */
  KysoSandboxTxnState state;
  gint64 created; /* g_get_real_time() */
  gint64 expires;
  gint64 decided;
  GPtrArray *signatures; /* GBytes *, once approved */
  guint policy_source;
  guint expiry_source;
  GPtrArray *waiters; /* private: who waits for the decision */
  KysoSandbox *sandbox;
};

typedef enum
{
  KYSO_SANDBOX_POLICY_IGNORE,
  KYSO_SANDBOX_POLICY_APPROVE,
  KYSO_SANDBOX_POLICY_REFUSE,
} KysoSandboxPolicyKind;

struct _KysoSandbox
{
  char *state_dir;
  char *base_url;      /* https://127.0.0.1:port */
  char *http_base_url; /* http://127.0.0.1:http_port: OCSP and CA certificates only, the
                        * URLs inside certificates (as real CAs do; verifiers fetch
                        * OCSP over plain HTTP) */
  guint port;
  guint http_port;
  guint previous_port;
  guint previous_http_port;
  guint expiry_seconds;
  gboolean quiet;
  SoupServer *server;
  SoupServer *http_server;

  /* PKI (kyso-sandbox-pki.c) */
  EVP_PKEY *root_key;
  X509 *root_cert;
  char *root_file;
  GPtrArray *providers; /* KysoSandboxProvider *; [0] = the root's own responder */
  EVP_PKEY *tls_key;
  X509 *tls_cert;
  EVP_PKEY *tsa_key;
  X509 *tsa_cert;
  EVP_PKEY *ocsp_key;
  EVP_PKEY *jwt_key;
  X509 *jwt_cert;
  char *jwt_kid;
  GPtrArray *citizens; /* KysoSandboxCitizen * */
  GHashTable *issued;  /* "provider-id:SERIALHEX" → KysoSandboxIssued * */
  char *sp_id;
  char *sp_password;

  /* faults (kyso-sandbox.c) */
  GHashTable *fault_modes; /* registered mode → GINT_TO_POINTER (once) */
  GHashTable *faults;      /* active mode (without "=value") → value string ("" if none) */
  GHashTable *fault_fired; /* "mode\x1fkind" of once-faults already fired */

  /* phone (kyso-sandbox-phone-core.c) */
  KysoSandboxPolicyKind policy;
  guint policy_delay_ms;
  GHashTable *txns;     /* id → KysoSandboxTxn * */
  GPtrArray *txn_order; /* KysoSandboxTxn *, oldest first (borrowed) */

  /* CSC (kyso-sandbox-csc.c) */
  GHashTable *csc_tokens; /* token → KysoSandboxCitizen * */
  GHashTable *csc_sads;   /* SAD → private struct */

  /* sp769 (kyso-sandbox-neac.c): the organisation seal listed before the citizen's certificate */
  X509 *seal_cert;

  /* request bodies as received, oldest first, bounded (kyso_sandbox_begin()) */
  GPtrArray *recorded; /* JsonNode * */

  GArray *cleanups; /* Cleanup, see kyso_sandbox_add_cleanup() */

  /* sandbox.json / kyso.conf */
  JsonObject *urls;
  JsonObject *extra;
  GKeyFile *conf;
};

/* kyso-sandbox.c */
KysoSandbox *
kyso_sandbox_new (const char *state_dir);
void
kyso_sandbox_free (KysoSandbox *self);
gboolean
kyso_sandbox_listen (KysoSandbox *self, guint port, GError **error);
gboolean
kyso_sandbox_write_files (KysoSandbox *self, GError **error);
/* "MODE" or "MODE=VALUE"; FALSE with @error for an unknown mode. */
gboolean
kyso_sandbox_add_fault (KysoSandbox *self, const char *spec, GError **error);
void
kyso_sandbox_remove_fault (KysoSandbox *self, const char *mode);
void
kyso_sandbox_clear_faults (KysoSandbox *self);
JsonNode *
kyso_sandbox_dup_fault_list (KysoSandbox *self);
/* Seconds of the slow fault, 0 when not set. */
guint
kyso_sandbox_get_slow_seconds (KysoSandbox *self);
char *
kyso_sandbox_format_time (gint64 unix_seconds);
char *
kyso_sandbox_random_token (gsize n_bytes);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KysoSandbox, kyso_sandbox_free)

/* kyso-sandbox-state.c and kyso-sandbox-pki.c */
/* Loads DIR, or creates it on first start (keys, CAs, TLS/TSA/OCSP/JWT certificates). */
gboolean
kyso_sandbox_pki_load (KysoSandbox *self, GError **error);
/* Issues the certificates that name BASE (the citizens') when the port changed, then saves. */
gboolean
kyso_sandbox_pki_issue (KysoSandbox *self, GError **error);
KysoSandboxIssued *
kyso_sandbox_pki_lookup (KysoSandbox *self, KysoSandboxProvider *issuer, const ASN1_INTEGER *serial);
/* The certificate to hand out for @citizen, given the faults expired-cert / revoked-cert. */
X509 *
kyso_sandbox_pki_served_cert (KysoSandbox *self, KysoSandboxCitizen *citizen);
/* Raw RSASSA-PKCS1-v1_5 with DigestInfo of @md_nid over @digest. */
GBytes *
kyso_sandbox_pki_sign_digest (EVP_PKEY *key, int md_nid, GBytes *digest, GError **error);
GBytes *
kyso_sandbox_pki_der (X509 *cert);
char *
kyso_sandbox_pki_base64 (X509 *cert);
char *
kyso_sandbox_pki_serial_hex (X509 *cert);
char *
kyso_sandbox_pki_name_string (const X509_NAME *name);

/* kyso-sandbox-phone-core.c: transactions, the phone, /phone and /control */
void
kyso_sandbox_phone_install (KysoSandbox *self);
gboolean
kyso_sandbox_phone_set_policy (KysoSandbox *self, const char *policy, GError **error);
char *
kyso_sandbox_phone_dup_policy (KysoSandbox *self);
/* NULL when unknown; a pending transaction past its expiry is expired first. */
KysoSandboxTxn *
kyso_sandbox_txn_lookup (KysoSandbox *self, const char *id);
JsonNode *
kyso_sandbox_txn_to_json (KysoSandboxTxn *txn);
/* Creates and registers a pending transaction (takes @doc_ids and @digests), shows it on the
 * phone and applies the policy. */
KysoSandboxTxn *
kyso_sandbox_txn_new (KysoSandbox *self, const char *id, const char *service, KysoSandboxCitizen *citizen,
                      const char *description, GPtrArray *doc_ids, GPtrArray *digests, int md_nid,
                      const char *fingerprint);
/* Calls @notify once the transaction is decided (approved, refused, expired) — at once if it is
 * already; @destroy frees @data afterwards (or when the sandbox stops first). */
void
kyso_sandbox_txn_wait (KysoSandbox *self, KysoSandboxTxn *txn, KysoSandboxTxnNotify notify, gpointer data,
                       GDestroyNotify destroy);
/* The signatures to return (badsig applied); new array of GBytes. */
GPtrArray *
kyso_sandbox_txn_dup_signatures (KysoSandbox *self, KysoSandboxTxn *txn);
const char *
kyso_sandbox_txn_state_to_string (KysoSandboxTxnState state);
char *
kyso_sandbox_tran_code (void);
/* The recorded requests as {"requests": [{kind, method, path, content_type, authorization, body}]}
 * (authorization: the scheme only, "Bearer" / "Basic" / null; body: the text as sent). */
JsonNode *
kyso_sandbox_dup_recorded (KysoSandbox *self);
void
kyso_sandbox_clear_recorded (KysoSandbox *self);

/* the services */
void
kyso_sandbox_neac_install (KysoSandbox *self);
void
kyso_sandbox_csc_install (KysoSandbox *self);
void
kyso_sandbox_mysign_install (KysoSandbox *self);
void
kyso_sandbox_tsa_install (KysoSandbox *self);
void
kyso_sandbox_ocsp_install (KysoSandbox *self);

G_END_DECLS
