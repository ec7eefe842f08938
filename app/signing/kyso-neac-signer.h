#pragma once

#include "kyso-config.h"
#include "kyso-pending.h"
#include "kyso-remote-signer.h"

G_BEGIN_DECLS

/* VNPT SmartCA's sp769 gateway, the shape Decision 769/QĐ-BTTTT gives NEAC (REAL-SERVICES.md §1):
 * the citizen's certificate stays with their CA, which asks for approval on the phone. Hash
 * signing only.
 *
 * - Certificates: only personal ones (never service_type ESEAL) that carry the account's ID number
 *   (CCCD/CMND), valid ones first; cert_id is the credential id.
 * - doc_id: Kyso chooses one short readable code per document (kyso_remote_make_doc_codes()); it is
 *   what the CA's app shows, and the progress reports it (doc_codes / verification_code).
 * - The gateway answers sign with its own transaction_id: that one is polled (about every 3–10 s)
 *   until "signatures" is present; any other accepted answer is "still waiting" until the
 *   deadline; an HTTP 4xx or a status_code other than 200 ends the wait with a message.
 * - With a KysoPending, the request is recorded (the gateway's transaction id, tran_code, doc
 *   ids, expiry) and saved; keeping or forgetting it after a failure is the caller's decision.
 *
 * Configuration: [neac] url (the documented base, e.g. https://gwsca.vnpt.vn/sca/sp769; Kyso
 * appends v1/…; https only, except loopback), sp_id; [tls] ca_file. The sp_password is read from
 * the Secret Service (kyso-signing-credentials.h, service "neac", id = sp_id) on the worker thread,
 * never from a file or the command line. */

#define KYSO_TYPE_NEAC_SIGNER (kyso_neac_signer_get_type ())
G_DECLARE_FINAL_TYPE (KysoNeacSigner, kyso_neac_signer, KYSO, NEAC_SIGNER, KysoRemoteSigner)

/* @account: the citizen's CMND/CCCD number (user_id); @provider: "VNPT-CA", … (shown to the
 * citizen: which app to open). KYSO_ERROR_INVALID_INPUT when the gateway is not configured. */
KysoNeacSigner *
kyso_neac_signer_new (KysoConfig *config, const char *account, const char *provider, GError **error);

const char *
kyso_neac_signer_get_provider (KysoNeacSigner *self);
const char *
kyso_neac_signer_get_url (KysoNeacSigner *self);

/* Persist the next sign request in @pending, or, when @pending already names a transaction for
 * the same digests, resume waiting for it instead of asking the phone again. NULL = no record. */
void
kyso_neac_signer_set_pending (KysoNeacSigner *self, KysoPending *pending);
/* The approval window when the gateway does not announce one (default 300 s). */
void
kyso_neac_signer_set_expiry (KysoNeacSigner *self, guint seconds);
/* Polling interval bounds (defaults 3000 / 10000 ms). */
void
kyso_neac_signer_set_poll_interval (KysoNeacSigner *self, guint initial_ms, guint max_ms);

G_END_DECLS
