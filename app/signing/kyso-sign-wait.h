#pragma once

#include <gio/gio.h>

#include "kyso-signer.h"

G_BEGIN_DECLS

/* The part every remote signer shares: waiting for the citizen's phone. One KysoSignWait lives for
 * one sign_digests call. It is created on the caller's thread (it remembers that thread's main
 * context, where progress is delivered) and then used only by the worker thread, which calls
 * kyso_sign_wait_call() for single requests and kyso_sign_wait_poll() for the status loop.
 *
 * Policy, in one place: polls start at ~2 s and back off by 1.5× to ~5 s with ±20 % jitter (many
 * clients must not poll in lock-step); transient faults (dropped connection, timeout, HTTP 5xx) are
 * retried up to a bounded number of times in a row; the provider's expiry is honoured with one last
 * poll after it passes (the server is the authority on a late approval); cancellation interrupts
 * any sleep at once. */

typedef struct _KysoSignWait KysoSignWait;

typedef enum
{
  KYSO_SIGN_POLL_PENDING,   /* no answer yet: ask again later */
  KYSO_SIGN_POLL_DONE,      /* terminal success; the callback keeps the result in its own data */
  KYSO_SIGN_POLL_TRANSIENT, /* a fault worth retrying; @error says what it was */
  KYSO_SIGN_POLL_FAILED,    /* terminal failure (refused, expired, rejected …); @error set */
} KysoSignPollResult;

typedef KysoSignPollResult (*KysoSignPollFunc) (KysoSignWait *wait, gpointer user_data, GError **error);

#define KYSO_SIGN_WAIT_DEFAULT_EXPIRY_SECONDS 300
#define KYSO_SIGN_WAIT_DEFAULT_MAX_RETRIES 3

/* @progress may be NULL. Call on the thread whose main context should receive progress. */
KysoSignWait *
kyso_sign_wait_new (KysoSignProgressFunc progress, gpointer progress_data, GCancellable *cancellable);
void
kyso_sign_wait_free (KysoSignWait *self);

/* Polling interval bounds in milliseconds (defaults 2000 and 5000). */
void
kyso_sign_wait_set_interval (KysoSignWait *self, guint initial_ms, guint max_ms);
/* How many transient faults in a row are retried before giving up (default 3). */
void
kyso_sign_wait_set_max_retries (KysoSignWait *self, guint max_retries);
/* Absolute deadline, g_get_real_time() µs; 0 = none. */
void
kyso_sign_wait_set_expires_at (KysoSignWait *self, gint64 expires_at);
gint64
kyso_sign_wait_get_expires_at (KysoSignWait *self);
GCancellable *
kyso_sign_wait_get_cancellable (KysoSignWait *self);

/* What the next progress reports carry; strings are copied. NULL leaves a field unchanged. */
void
kyso_sign_wait_set_info (KysoSignWait *self, const char *provider, const char *transaction_id,
                         const char *verification_code);
/* The codes the provider's app shows for each document (the doc_ids Kyso sent), in the order of
 * the digests; the next reports carry them as doc_codes, and as verification_code joined by ", ".
 * NULL or empty leaves them unchanged. */
void
kyso_sign_wait_set_doc_codes (KysoSignWait *self, const char *const *codes);
/* Delivers a KysoSignProgress with @state to the caller's main context (FIFO order). */
void
kyso_sign_wait_report (KysoSignWait *self, KysoSignState state);

/* Runs @func once, retrying TRANSIENT answers after a back-off (reporting RETRYING) up to the retry
 * budget. PENDING counts as an answer. FALSE with @error on failure, cancellation or budget spent. */
gboolean
kyso_sign_wait_call (KysoSignWait *self, KysoSignPollFunc func, gpointer user_data, GError **error);

/* Calls @func until it answers DONE, sleeping between PENDING answers. After the expiry passes, one
 * last poll is made; still PENDING then is KYSO_ERROR_EXPIRED. */
gboolean
kyso_sign_wait_poll (KysoSignWait *self, KysoSignPollFunc func, gpointer user_data, GError **error);

/* Sleeps @ms, waking early (FALSE, G_IO_ERROR_CANCELLED) when cancelled. */
gboolean
kyso_sign_wait_sleep (KysoSignWait *self, guint ms, GError **error);

/* TRUE for errors worth retrying: KYSO_ERROR_NETWORK (refused, dropped, timed out). */
gboolean
kyso_sign_wait_error_is_transient (const GError *error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KysoSignWait, kyso_sign_wait_free)

G_END_DECLS
