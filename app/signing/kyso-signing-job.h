#pragma once

#include <gio/gio.h>

#include "kyso-pending.h"
#include "kyso-sign-session.h"
#include "kyso-signer.h"

G_BEGIN_DECLS

/* Signing N PDF files with ONE approval: the whole sequence every front end (the sign dialog, the
 * dossier, kyso-cli) runs, written once.
 *
 *   job = kyso_signing_job_new (signer, credential_id)
 *   kyso_signing_job_add_file (job, in, out, &options)      per file: output and placement
 *   kyso_signing_job_run_async (job, …)                     list the certificates → check the one
 *       chosen → prepare every file (placement by kyso-pdf-placement.h) → save the pending record →
 *       one sign_digests call (the phone is asked once) → complete every file → forget the record
 *
 * The pending record (a signer that waits for a phone keeps one; a local certificate does not) is
 * ONE format for every front end, in kyso_pending_get_default_dir() (or the folder given):
 *   <id>.json     KysoPending: service, credential, digests, transaction, expiry (no secret)
 *   <id>.session  a GVariant a{sv}: "version" u (2), "sessions" aav (kyso_sign_session_save of each
 *                 file, in order), "profile" s and "account" u (optional: the signature profile
 *                 and which of its accounts signs)
 * and the prepared copies (kyso-sign-session.h) in the same private folder. kyso-cli and the GUI
 * therefore resume each other's requests. The session forms written before version 2 (the CLI's
 * bare session, the dialog's {"session", "profile"}) are read too.
 *
 * After a failure, the ONE keep-or-forget rule: the record (and the prepared copies) are KEPT, to
 * be resumed, when the request reached the service (a transaction is recorded) and the outcome is
 * unknown: cancelled (Ctrl+C, the window closed), a network fault, a server fault (HTTP 5xx), a TLS
 * failure. They are FORGOTTEN on every answer that cannot change: refused on the phone, expired,
 * a bad signature, a certificate error, a damaged or changed prepared copy — and after
 * kyso_signing_job_abort(). Stale records are removed by kyso_signing_job_prune().
 *
 * Resuming (kyso_signing_job_resume_async) re-reads each prepared copy and refuses, with
 * KYSO_ERROR_BROKEN_FILE, one whose bytes no longer hash to the digest that was sent (a change of
 * the same size included); the signer then polls the same transaction: the phone is not asked
 * again.
 *
 * "progress" (const KysoSignProgress *) is emitted on the thread-default main context of the
 * caller of run_async / resume_async: the provider, the transaction, the code to show next to the
 * phone's, the expiry, the state. */

#define KYSO_TYPE_SIGNING_JOB (kyso_signing_job_get_type ())
G_DECLARE_FINAL_TYPE (KysoSigningJob, kyso_signing_job, KYSO, SIGNING_JOB, GObject)

/* The signed copy's default name: "<name>-signed.pdf" next to @input, else "<name>-signed-2.pdf"
 * … (the first that does not exist). Owned. */
char *
kyso_signing_job_default_output (const char *input);

/* @credential_id NULL = the signer's first certificate. */
KysoSigningJob *
kyso_signing_job_new (KysoSigner *signer, const char *credential_id);
/* Where the pending record and the prepared copies go; NULL (default) = kyso_pending_get_default_dir(). */
void
kyso_signing_job_set_pending_dir (KysoSigningJob *self, const char *dir);
/* Shown on the phone; NULL = "Sign <file>" / "Sign N files". */
void
kyso_signing_job_set_description (KysoSigningJob *self, const char *description);
/* The national ID the certificate must carry (checked before the phone is asked); NULL = any. */
void
kyso_signing_job_set_expected_id (KysoSigningJob *self, const char *national_id);
/* The signature profile that signs, kept in the record so that a resume picks the same one. */
void
kyso_signing_job_set_profile_id (KysoSigningJob *self, const char *profile_id);
/* Which of the profile's accounts signs (kept in the record with the profile). */
void
kyso_signing_job_set_profile_account (KysoSigningJob *self, guint account_index);
/* Adds a file; @output NULL = kyso_signing_job_default_output (@input), made unique within the
 * job. @options: placement and appearance (its work_dir is replaced by the job's folder); NULL =
 * the default place. → the file's index. */
guint
kyso_signing_job_add_file (KysoSigningJob *self, const char *input, const char *output,
                           const KysoSignSessionOptions *options);

/* Errors: the signer's (KYSO_ERROR_REFUSED, _EXPIRED, _NETWORK, _SERVER, _BAD_SIGNATURE,
 * _CERTIFICATE …), the PDF's (_ENCRYPTED, _BROKEN_FILE, _NOT_FOUND for an absent keyword …; with
 * several files the message names the file), KYSO_ERROR_INVALID_INPUT (no file; a request for
 * the first file is waiting already), G_IO_ERROR_CANCELLED. */
void
kyso_signing_job_run_async (KysoSigningJob *self, GCancellable *cancellable, GAsyncReadyCallback callback,
                            gpointer user_data);
gboolean
kyso_signing_job_run_finish (KysoSigningJob *self, GAsyncResult *result, GError **error);

/* Takes up @pending (its files come from its session file) and finishes it with this job's
 * signer, which must hold the same certificate. Files added before are ignored. Errors as for
 * run, and KYSO_ERROR_NOT_FOUND (the record's session or a prepared copy is gone),
 * KYSO_ERROR_BROKEN_FILE (a prepared copy changed), KYSO_ERROR_INVALID_INPUT (another service,
 * certificate or document). */
void
kyso_signing_job_resume_async (KysoSigningJob *self, KysoPending *pending, GCancellable *cancellable,
                               GAsyncReadyCallback callback, gpointer user_data);
gboolean
kyso_signing_job_resume_finish (KysoSigningJob *self, GAsyncResult *result, GError **error);

/* The citizen does not want this request any more: a run in progress is cancelled, and the record
 * and every prepared copy are removed (now, or when the run returns). */
void
kyso_signing_job_abort (KysoSigningJob *self);

/* Results. Index in add order (or the record's order after a resume). */
guint
kyso_signing_job_get_n_files (KysoSigningJob *self);
const char *
kyso_signing_job_get_input (KysoSigningJob *self, guint index);
const char *
kyso_signing_job_get_output (KysoSigningJob *self, guint index);
/* The file's sign session (borrowed): its field name, byte range … */
KysoSignSession *
kyso_signing_job_get_session (KysoSigningJob *self, guint index);
/* TRUE once that file is signed and at its output. */
gboolean
kyso_signing_job_is_signed (KysoSigningJob *self, guint index);
/* Where the box went (0-based page, user-space rect); FALSE before it was prepared. */
gboolean
kyso_signing_job_get_placement (KysoSigningJob *self, guint index, guint *page_index, double rect[4]);
/* The certificate used (borrowed), its holder's name and national ID; NULL before. */
const KysoSignerCredential *
kyso_signing_job_get_credential (KysoSigningJob *self);
const char *
kyso_signing_job_get_signer_name (KysoSigningJob *self);
const char *
kyso_signing_job_get_signer_id (KysoSigningJob *self);
/* The record of this job's request (borrowed), NULL when the signer keeps none. */
KysoPending *
kyso_signing_job_get_pending (KysoSigningJob *self);
/* The last progress report (borrowed strings), state SENDING before any. */
const KysoSignProgress *
kyso_signing_job_get_progress (KysoSigningJob *self);

/* Records waiting in @dir (NULL = default) --------------------------------------------------- */

/* The newest unexpired record for @input (and @output when not NULL) whose session file is there;
 * NULL without error when there is none. */
KysoPending *
kyso_signing_job_find_pending (const char *dir, const char *input, const char *output, GError **error);
/* The profile id saved with @pending's session, or NULL. Owned. */
char *
kyso_signing_job_dup_profile_id (KysoPending *pending);
/* The account index saved with it (0 when none was). */
guint
kyso_signing_job_get_profile_account (KysoPending *pending);
/* Removes @pending, its session file and its prepared copies. */
void
kyso_signing_job_forget (KysoPending *pending);
/* Forgets every record whose expiry passed more than @grace_seconds ago, with its prepared copies,
 * and prepared copies and session files no record names any more that are older than that. → how
 * many records. */
guint
kyso_signing_job_prune (const char *dir, gint64 grace_seconds);

G_END_DECLS
