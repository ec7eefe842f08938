#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Every way of producing a signature — a local PKCS#12 file, the NEAC gateway, a CSC service —
 * behind one interface. A signer signs *digests* (hash signing): the PDF and CMS work stays in
 * Kyso, only 32-byte SHA-256 digests travel. One call signs N digests with one approval. */

#define KYSO_TYPE_SIGNER (kyso_signer_get_type ())
G_DECLARE_INTERFACE (KysoSigner, kyso_signer, KYSO, SIGNER, GObject)

/* A certificate the signer can sign with. */
typedef struct
{
  char *id;         /* cert_id, credentialID, or "p12" */
  char *provider;   /* "VNPT-CA", … (may be NULL) */
  GPtrArray *chain; /* GBytes, DER; [0] = the signer's certificate, then its issuers */
} KysoSignerCredential;

#define KYSO_TYPE_SIGNER_CREDENTIAL (kyso_signer_credential_get_type ())
GType
kyso_signer_credential_get_type (void) G_GNUC_CONST;
KysoSignerCredential *
kyso_signer_credential_new (const char *id, const char *provider, GPtrArray *chain);
KysoSignerCredential *
kyso_signer_credential_copy (const KysoSignerCredential *self);
void
kyso_signer_credential_free (KysoSignerCredential *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KysoSignerCredential, kyso_signer_credential_free)

typedef enum
{
  KYSO_SIGN_STATE_SENDING,  /* the request is on its way */
  KYSO_SIGN_STATE_WAITING,  /* waiting for the citizen to approve on the phone */
  KYSO_SIGN_STATE_APPROVED, /* approved; signatures are being fetched and checked */
  KYSO_SIGN_STATE_RETRYING, /* a transient network fault; trying again */
} KysoSignState;

typedef struct
{
  KysoSignState state;
  const char *provider;       /* e.g. "VNPT-CA"; which app to open on the phone */
  const char *transaction_id; /* the provider's transaction, NULL for local signers */
  /* The code the provider's app shows for the document (the doc_id Kyso chose and sent), for the
   * citizen to check that the phone shows this code for this document; with several documents
   * the codes joined by ", ". NULL when the service shows no code Kyso chose: then show none. */
  const char *verification_code;
  /* The same codes one per document, in the order of the digests (NULL-terminated), or NULL. */
  const char *const *doc_codes;
  gint64 expires_at; /* g_get_real_time() µs when the request lapses; 0 = none */
} KysoSignProgress;

/* Called on the thread-default main context of the caller of sign_digests_async(). */
typedef void (*KysoSignProgressFunc) (const KysoSignProgress *progress, gpointer user_data);

typedef struct
{
  const char *credential_id; /* from list_credentials */
  const char *description;   /* shown on the phone: what is being signed */
  /* One name per digest (file names), for services whose requests carry a document name; may be
   * NULL. Not the code the phone shows: the signer chooses that (KysoSignProgress.doc_codes). */
  const char *const *doc_ids;
} KysoSignRequest;

struct _KysoSignerInterface
{
  GTypeInterface parent_iface;

  void (*list_credentials_async) (KysoSigner *self, GCancellable *cancellable, GAsyncReadyCallback callback,
                                  gpointer user_data);
  GPtrArray *(*list_credentials_finish) (KysoSigner *self, GAsyncResult *result, GError **error);
  void (*sign_digests_async) (KysoSigner *self, GPtrArray *digests, const KysoSignRequest *request,
                              KysoSignProgressFunc progress, gpointer progress_data,
                              GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data);
  GPtrArray *(*sign_digests_finish) (KysoSigner *self, GAsyncResult *result, GError **error);
};

/* → GPtrArray of KysoSignerCredential (owned, with free func). */
void
kyso_signer_list_credentials_async (KysoSigner *self, GCancellable *cancellable, GAsyncReadyCallback callback,
                                    gpointer user_data);
GPtrArray *
kyso_signer_list_credentials_finish (KysoSigner *self, GAsyncResult *result, GError **error);

/* @digests: GBytes of 32 bytes (SHA-256). → GPtrArray of GBytes raw signatures, same order, each
 * already checked against the credential's public key. @progress may be NULL; @progress_data must
 * stay alive until the callback runs. Errors: KYSO_ERROR_REFUSED, KYSO_ERROR_EXPIRED,
 * KYSO_ERROR_BAD_SIGNATURE, KYSO_ERROR_NETWORK, KYSO_ERROR_SERVER, KYSO_ERROR_AUTH,
 * KYSO_ERROR_CERTIFICATE, G_IO_ERROR_CANCELLED. */
void
kyso_signer_sign_digests_async (KysoSigner *self, GPtrArray *digests, const KysoSignRequest *request,
                                KysoSignProgressFunc progress, gpointer progress_data,
                                GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data);
GPtrArray *
kyso_signer_sign_digests_finish (KysoSigner *self, GAsyncResult *result, GError **error);

/* Checks @signature over the SHA-256 @digest with the public key of @cert_der (RSA PKCS#1 v1.5
 * or ECDSA). KYSO_ERROR_BAD_SIGNATURE when it does not verify. Every signer calls this before
 * handing a signature back. */
gboolean
kyso_signer_check_signature (GBytes *cert_der, GBytes *digest, GBytes *signature, GError **error);

G_END_DECLS
