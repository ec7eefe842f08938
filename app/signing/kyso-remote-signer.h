#pragma once

#include "kyso-pending.h"
#include "kyso-sign-wait.h"
#include "kyso-signer.h"

G_BEGIN_DECLS

/* What every remote signer shares — the service URL, the TLS trust file, the citizen's account,
 * the provider shown to the citizen, the pending record, the approval window and the polling
 * interval, and the whole wait: list the certificates, check the chosen one, send the request,
 * record it, poll until the phone answers or the deadline passes, check every signature. Each
 * service family (sp769, MySign, SmartCA …) is a subclass that only makes its HTTP calls
 * (kyso-remote-signer-private.h). Instances are made by the subclasses' constructors or by
 * kyso_remote_signer_new_for_provider() (kyso-remote-signers.h). */

#define KYSO_TYPE_REMOTE_SIGNER (kyso_remote_signer_get_type ())
G_DECLARE_DERIVABLE_TYPE (KysoRemoteSigner, kyso_remote_signer, KYSO, REMOTE_SIGNER, GObject)

/* One call's state, for the families (kyso-remote-signer-private.h). */
typedef struct _KysoRemoteCall KysoRemoteCall;

/* The families fill in the class (the methods run on the worker thread; see
 * kyso-remote-signer-private.h for KysoRemoteCall and the helpers). */
struct _KysoRemoteSignerClass
{
  GObjectClass parent_class;

  /* The record kind ("neac", "mysign" …); NULL = requests of this family cannot be resumed and no
   * record is kept. */
  const char *pending_kind;
  /* TRUE when the provider's app shows the doc_id Kyso sends: codes are made and reported. */
  gboolean shows_doc_codes;
  /* TRUE when send() itself waits for the phone (the answer comes once the citizen decides): the
   * WAITING report comes before it, and it gets the whole approval window as its timeout. */
  gboolean send_waits_for_phone;
  /* Default polling interval bounds, ms. */
  guint initial_ms;
  guint max_ms;

  /* Worker thread, once per call, before anything else: read secrets, log in. Optional. */
  gboolean (*connect) (KysoRemoteSigner *self, KysoRemoteCall *call, GError **error);
  /* The certificates of the account: kyso_remote_call_add_credential() for each one the citizen
   * may sign with. Retried when TRANSIENT. */
  KysoSignPollResult (*list) (KysoRemoteSigner *self, KysoRemoteCall *call, GError **error);
  /* Ask for the approval of call->digests with call->credential: DONE when the service took the
   * request (call->transaction_id / tran_code set, kyso_sign_wait_set_expires_at() if it says),
   * or already has the signatures (call->signatures set). Retried when TRANSIENT, with the same
   * call->client_transaction_id. */
  KysoSignPollResult (*send) (KysoRemoteSigner *self, KysoRemoteCall *call, GError **error);
  /* One look at the request: PENDING, DONE with call->signatures, or FAILED. */
  KysoSignPollResult (*poll) (KysoRemoteSigner *self, KysoRemoteCall *call, GError **error);
};

/* The service base URL, ending with '/'. */
const char *
kyso_remote_signer_get_url (KysoRemoteSigner *self);
/* Shown to the citizen: which app to open ("VNPT-CA" …). */
const char *
kyso_remote_signer_get_provider (KysoRemoteSigner *self);
/* The citizen's account at the service (CCCD/CMND, or the service's user name). */
const char *
kyso_remote_signer_get_account (KysoRemoteSigner *self);

/* Record the next sign request in @pending, or, when @pending already names a transaction for
 * the same digests, resume waiting for it instead of asking the phone again. NULL = no record.
 * The signer records (transaction, tran_code, doc codes, expiry) and saves; keeping or forgetting
 * the record after a failure is the caller's decision. */
void
kyso_remote_signer_set_pending (KysoRemoteSigner *self, KysoPending *pending);
/* The approval window when the service does not announce one (default 300 s). */
void
kyso_remote_signer_set_expiry (KysoRemoteSigner *self, guint seconds);
/* Polling interval bounds in ms; 0, 0 = the service family's defaults. */
void
kyso_remote_signer_set_poll_interval (KysoRemoteSigner *self, guint initial_ms, guint max_ms);

G_END_DECLS
