#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "kyso-config.h"
#include "kyso-http.h"
#include "kyso-pending.h"
#include "kyso-sign-wait.h"
#include "kyso-signer.h"

G_BEGIN_DECLS

/* What the NEAC and CSC signers share besides the wait loop: timing options, the checks made
 * before asking the phone and after it answers, and the pending-record bookkeeping. */

typedef struct
{
  guint expiry_seconds; /* when the provider does not say; 0 = KYSO_SIGN_WAIT_DEFAULT_EXPIRY_SECONDS */
  guint initial_ms;     /* polling interval bounds; 0 = the wait's defaults */
  guint max_ms;
  guint max_retries; /* transient faults in a row; 0 = default */
  GStrv trust_files; /* [trust] anchors: to check OCSP answers before signing */
  char *tls_ca_file; /* [tls] ca_file: for https revocation services */
} KysoRemoteOptions;

/* Reads the trust settings from @config; _clear frees them. */
void
kyso_remote_options_load (KysoRemoteOptions *options, KysoConfig *config);
void
kyso_remote_options_clear (KysoRemoteOptions *options);

KysoSignWait *
kyso_remote_options_new_wait (const KysoRemoteOptions *options, KysoSignProgressFunc progress,
                              gpointer progress_data, GCancellable *cancellable);
gint64
kyso_remote_options_default_expiry (const KysoRemoteOptions *options);

/* One non-empty, unique doc id per digest (signatures come back keyed by them). */
GStrv
kyso_remote_make_doc_ids (const char *const *doc_ids, guint n);

/* The doc_id Kyso sends for each document is the code the citizen matches on the phone (sp769:
 * "shown at the same time in the SP's interface and in the CA's confirmation app"): @n codes
 * like "4K7-2QF9" (3 + 4 characters of 23456789ABCDEFGHJKMNPQRSTUVWXYZ, random, unique in the
 * batch). */
#define KYSO_REMOTE_DOC_CODE_LEN 8
GStrv
kyso_remote_make_doc_codes (guint n);
gboolean
kyso_remote_is_doc_code (const char *code);

/* Before asking: valid now, key usage allows signing, the subject's national ID is @account's
 * (when @account is not NULL), and not revoked (OCSP, then CRL; a revocation service that does
 * not answer is not a reason to refuse — the signature's own validation checks again).
 * KYSO_ERROR_CERTIFICATE otherwise. Blocking: worker threads only. */
gboolean
kyso_remote_check_credential (const KysoSignerCredential *credential, const char *account,
                              const KysoRemoteOptions *options, GCancellable *cancellable, GError **error);
/* A provider's own word for its certificate's state ("Đã thu hồi", "revoked", "Hết hạn", "expired",
 * "suspended" …): FALSE with KYSO_ERROR_CERTIFICATE and a message for people when it says the
 * certificate cannot sign; unknown words pass (the checks above do not trust them anyway). */
gboolean
kyso_remote_check_status_word (const char *status, GError **error);
/* The messages for a revoked / expired certificate, shared with the services' error codes. */
void
kyso_remote_set_revoked_error (GError **error);
void
kyso_remote_set_expired_error (GError **error);

/* After the answer: every signature verifies over its digest with the credential's key. */
gboolean
kyso_remote_check_signatures (const KysoSignerCredential *credential, GPtrArray *digests,
                              GPtrArray *signatures, GError **error);
char *
kyso_remote_certificate_sha256 (const KysoSignerCredential *credential);

/* Fills a fresh @pending (and saves it, state PREPARED) or checks that a loaded one is for the
 * same service, credential and digests. *@out_resume = TRUE when it already names a transaction. */
gboolean
kyso_remote_pending_begin (KysoPending *pending, const char *kind, const char *service_url,
                           const char *provider, const KysoSignerCredential *credential, GPtrArray *digests,
                           const char *const *doc_ids, const char *description, gboolean *out_resume,
                           GError **error);
/* Saves, logging (not failing) when the disk refuses: losing resumability is not worth a failed
 * signature. */
void
kyso_remote_pending_save (KysoPending *pending);
/* What a signer records once the service took the request: the service's transaction id, its
 * tran_code, the doc codes sent, the expiry (0 = unchanged), and @state; then saves. NULL
 * strings leave a field unchanged; @pending NULL does nothing. */
void
kyso_remote_pending_record (KysoPending *pending, const char *transaction_id, const char *tran_code,
                            const char *const *doc_codes, gint64 expires_at, KysoPendingState state);
/* After the wait: success → state APPROVED, saved. A failure changes nothing: whether to keep or
 * forget the record is the caller's decision (the signing job's), not the signer's. */
void
kyso_remote_pending_end (KysoPending *pending, const GError *error);
/* A helper for that decision: TRUE when the same request may still succeed after @error
 * (cancelled, or a network fault), so its record is worth keeping for a resume. */
gboolean
kyso_remote_error_may_resume (const GError *error);

/* Small JSON readers that tolerate absent or mistyped members. */
const char *
kyso_remote_json_string (JsonObject *object, const char *member);
JsonObject *
kyso_remote_json_object (JsonObject *object, const char *member);
JsonArray *
kyso_remote_json_array (JsonObject *object, const char *member);
gint64
kyso_remote_json_int (JsonObject *object, const char *member, gint64 fallback);
/* Base64 that must decode to something; NULL otherwise. */
GBytes *
kyso_remote_base64_decode (const char *text);

/* POSTs @body (NULL = "{}") as JSON with extra @headers (NULL-terminated, may be NULL) and sorts the
 * outcome: network faults and HTTP 5xx are TRANSIENT, TLS problems and unreadable answers FAILED
 * (both with @error set); otherwise DONE with *@out_answer (the parsed JSON) and *@out_status for
 * the caller to read. A 5xx answer's body is not looked at. */
KysoSignPollResult
kyso_remote_post_json (const char *url, JsonNode *body, const char *const *headers,
                       const KysoHttpOptions *options, GCancellable *cancellable, JsonNode **out_answer,
                       guint *out_status, GError **error);

G_END_DECLS
