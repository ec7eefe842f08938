#pragma once

/* What the signer tests share: one kyso-sandbox per test program, driven through its phone and
 * control endpoints over the same HTTPS client the application uses, and a synchronous wrapper
 * around sign_digests_async that records every progress report. */

#include "kyso-config.h"
#include "kyso-signer.h"
#include "kyso-sandbox-test.h"

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef struct
{
  KysoTestSandbox *sb;
  KysoConfig *config;
} SigningSandbox;

/* Starts the sandbox (fails the test program when it cannot) and stores the NEAC SP password and
 * every citizen's CSC password in the keyring. */
SigningSandbox *
signing_sandbox_get (void);
void
signing_sandbox_stop (void);

/* Stores a secret in the test keyring, waiting for it. */
void
signing_store_secret (const char *service, const char *id, const char *secret);

/* A citizen from sandbox.json by CCCD (borrowed). */
JsonObject *
signing_sandbox_citizen (SigningSandbox *s, const char *cccd);
const char *
signing_sandbox_get_string (SigningSandbox *s, const char *member);

/* Back to: phone @policy, no faults, transactions live @expiry seconds. */
void
signing_sandbox_reset (SigningSandbox *s, const char *policy, guint expiry);
void
signing_sandbox_fault (SigningSandbox *s, const char *mode);
void
signing_sandbox_phone (SigningSandbox *s, const char *id, const char *answer);
/* How many transactions the phone has seen in total (phone/transactions). */
guint
signing_sandbox_count_transactions (SigningSandbox *s);
/* The newest transaction (new reference) or NULL. */
JsonObject *
signing_sandbox_latest_transaction (SigningSandbox *s);

/* The requests the sandbox received since the last clear, of @kind ("neac/sign", …; NULL = all),
 * oldest first: GPtrArray of JsonObject {kind, method, path, content_type, authorization, body}
 * with "json" added: the body parsed (NULL when it is not JSON). */
GPtrArray *
signing_sandbox_requests (SigningSandbox *s, const char *kind);
void
signing_sandbox_clear_requests (SigningSandbox *s);
/* The names of @object's members, sorted and joined by ",": to compare with a documented list. */
char *
signing_member_names (JsonObject *object);

/* n SHA-256 digests of "document i" + @salt. */
GPtrArray *
signing_make_digests (guint n, const char *salt);

typedef struct
{
  GArray *states; /* KysoSignState in order */
  char *provider;
  char *transaction_id;
  char *verification_code;
  gint64 expires_at;
  GPtrArray *signatures;
  GError *error;
  gboolean done;
  GCancellable *cancel_when_waiting; /* cancelled at the first WAITING report */
} SignRun;

void
sign_run_clear (SignRun *run);
/* Runs list_credentials and returns the first credential's id (owned), or fails the test. */
char *
signing_first_credential (KysoSigner *signer);
/* Signs @digests with @credential_id, iterating the main context until done. */
void
signing_run (KysoSigner *signer, const char *credential_id, GPtrArray *digests, GCancellable *cancellable,
             SignRun *run);
gboolean
sign_run_saw (SignRun *run, KysoSignState state);

/* Every log message at every level (debug included) collected between begin and end; outside,
 * messages go to the default writer. Install once, before any message. */
void
signing_capture_log_install (void);
void
signing_capture_log_begin (void);
char *
signing_capture_log_end (void);

G_END_DECLS
