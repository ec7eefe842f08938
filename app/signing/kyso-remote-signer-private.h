#pragma once

#include "kyso-config.h"
#include "kyso-http.h"
#include "kyso-remote-private.h"
#include "kyso-remote-signer.h"

G_BEGIN_DECLS

/* For the service families (subclasses of KysoRemoteSigner) only. */

/* One list_credentials or sign_digests call, owned by its GTask and used by the worker thread.
 * The base fills what is marked "base"; the family's methods read it and fill theirs. */
struct _KysoRemoteCall
{
  KysoRemoteSigner *self;
  KysoHttpOptions http; /* base: ca_file, timeouts, require_secure */
  KysoSignWait *wait;   /* base */
  KysoPending *pending; /* base: NULL, or the record to fill */
  /* The request (base). */
  char *credential_id;
  char *description;
  GPtrArray *digests; /* GBytes, 32 bytes each */
  GStrv names;        /* a document name per digest (file names) */
  GStrv doc_codes;    /* the doc_id per digest, when the family shows codes */
  /* list (family): kyso_remote_call_add_credential() */
  GPtrArray *credentials;                 /* KysoSignerCredential */
  GPtrArray *serials;                     /* char *, may hold NULL */
  GPtrArray *statuses;                    /* char *: the service's word for the state, or NULL */
  const KysoSignerCredential *credential; /* base: the one chosen (borrowed) */
  const char *serial;                     /* base: its serial (borrowed) */
  /* The transaction. */
  char *client_transaction_id; /* base: a fresh "kyso-UUID", or the record's on a resend */
  char *transaction_id;        /* family: the service's id, polled with */
  char *tran_code;             /* family: the service's code, if any */
  GPtrArray *signatures;       /* family: GBytes per digest, in order */
  /* The family's own state (token, SAD …), freed with the call. */
  gpointer data;
  GDestroyNotify data_free;
};

/* For the families' constructors: @url (https, or http to loopback; a '/' is added), the TLS
 * trust file and the trust options from @config. @what names the setting in messages
 * ("[neac] url"). FALSE with KYSO_ERROR_INVALID_INPUT when @url is not secure. */
gboolean
_kyso_remote_signer_setup (KysoRemoteSigner *self, KysoConfig *config, const char *what, const char *url,
                           const char *account, const char *provider, GError **error);
const KysoRemoteOptions *
_kyso_remote_signer_get_options (KysoRemoteSigner *self);

/* list: one certificate the citizen may sign with. @chain: DER, the certificate first (taken).
 * @serial and @status may be NULL. */
void
kyso_remote_call_add_credential (KysoRemoteCall *call, const char *id, GPtrArray *chain, const char *serial,
                                 const char *status);
/* The family's state for this call (freed with it by @destroy). */
void
kyso_remote_call_set_data (KysoRemoteCall *call, gpointer data, GDestroyNotify destroy);
/* POSTs @body (NULL = "{}") as JSON to the signer's URL + @path with the call's HTTP options;
 * see kyso_remote_post_json(). @bearer: an access token, or NULL. */
KysoSignPollResult
kyso_remote_call_post (KysoRemoteCall *call, const char *path, JsonNode *body, const char *bearer,
                       JsonNode **out_answer, guint *out_status, GError **error);

G_END_DECLS
