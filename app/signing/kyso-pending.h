#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* A remote signing request that may still be waiting for the citizen's phone, kept on disk so that
 * after a crash or a restart Kyso resumes polling the *same* transaction instead of sending a
 * second request to the phone. One JSON file per request in
 * $XDG_STATE_HOME/kyso/pending/<id>.json (folder 0700, files 0600, written atomically), next to an
 * optional <id>.session file where the caller keeps its prepared document (see
 * kyso_pending_dup_session_path()).
 *
 * No secrets are written: no service password, token or SAD, and not the citizen's ID number. The
 * credential is pinned by the SHA-256 of its certificate, so a resume with another certificate is
 * refused. While a signer is working with a record, the caller must not change it. */

#define KYSO_TYPE_PENDING (kyso_pending_get_type ())
G_DECLARE_FINAL_TYPE (KysoPending, kyso_pending, KYSO, PENDING, GObject)

typedef enum
{
  KYSO_PENDING_PREPARED, /* saved, the request not yet (known to be) accepted by the service */
  KYSO_PENDING_SENT,     /* the service took the request; the phone is asked */
  KYSO_PENDING_APPROVED, /* the service said yes; the signed file may not be written yet */
} KysoPendingState;

/* $XDG_STATE_HOME/kyso/pending (borrowed, static). */
const char *
kyso_pending_get_default_dir (void);

/* A new record with a fresh random id; @dir NULL = the default folder. Not saved yet. */
KysoPending *
kyso_pending_new (const char *dir, const char *kind);
KysoPending *
kyso_pending_load (const char *dir, const char *id, GError **error);
/* → GPtrArray of KysoPending, oldest first. Unreadable files are skipped (with a debug message). */
GPtrArray *
kyso_pending_list (const char *dir, GError **error);
/* The newest record for @document_path (and @output_path when not NULL) that is not expired;
 * NULL without error when there is none. Paths are compared after canonicalisation. */
KysoPending *
kyso_pending_find_for_document (const char *dir, const char *document_path, const char *output_path,
                                GError **error);
/* Forgets records whose expiry passed more than @grace_seconds ago; → how many. Only the record
 * and its session file: kyso_signing_job_prune() also removes the prepared copies. */
guint
kyso_pending_prune (const char *dir, gint64 grace_seconds);

gboolean
kyso_pending_save (KysoPending *self, GError **error);
/* Removes the record and its session file. Missing files are not an error. */
gboolean
kyso_pending_forget (KysoPending *self, GError **error);

const char *
kyso_pending_get_id (KysoPending *self);
const char *
kyso_pending_get_dir (KysoPending *self);
const char *
kyso_pending_get_kind (KysoPending *self); /* "neac", "csc" */
/* Where the caller may keep its serialised sign session; removed by forget(). Owned. */
char *
kyso_pending_dup_session_path (KysoPending *self);

KysoPendingState
kyso_pending_get_state (KysoPending *self);
void
kyso_pending_set_state (KysoPending *self, KysoPendingState state);

/* Strings: borrowed getters, copying setters, NULL allowed. */
const char *
kyso_pending_get_service_url (KysoPending *self);
void
kyso_pending_set_service_url (KysoPending *self, const char *url);
const char *
kyso_pending_get_provider (KysoPending *self);
void
kyso_pending_set_provider (KysoPending *self, const char *provider);
const char *
kyso_pending_get_credential_id (KysoPending *self);
void
kyso_pending_set_credential_id (KysoPending *self, const char *credential_id);
/* Lower-case hex SHA-256 of the signer certificate (DER). */
const char *
kyso_pending_get_certificate_sha256 (KysoPending *self);
void
kyso_pending_set_certificate_sha256 (KysoPending *self, const char *sha256_hex);
const char *
kyso_pending_get_transaction_id (KysoPending *self);
void
kyso_pending_set_transaction_id (KysoPending *self, const char *transaction_id);
const char *
kyso_pending_get_tran_code (KysoPending *self);
void
kyso_pending_set_tran_code (KysoPending *self, const char *tran_code);
const char *
kyso_pending_get_verification_code (KysoPending *self);
void
kyso_pending_set_verification_code (KysoPending *self, const char *code);
const char *
kyso_pending_get_description (KysoPending *self);
void
kyso_pending_set_description (KysoPending *self, const char *description);
const char *
kyso_pending_get_document_path (KysoPending *self);
void
kyso_pending_set_document_path (KysoPending *self, const char *path);
const char *
kyso_pending_get_output_path (KysoPending *self);
void
kyso_pending_set_output_path (KysoPending *self, const char *path);

/* GBytes digests (borrowed array) and one doc id per digest (may be NULL). */
GPtrArray *
kyso_pending_get_digests (KysoPending *self);
const char *const *
kyso_pending_get_doc_ids (KysoPending *self);
void
kyso_pending_set_digests (KysoPending *self, GPtrArray *digests, const char *const *doc_ids);
gboolean
kyso_pending_matches_digests (KysoPending *self, GPtrArray *digests);

/* Every record expires: one saved without a deadline (or read from a file without one) lapses
 * this long after it was created. */
#define KYSO_PENDING_DEFAULT_LIFETIME_SECONDS (15 * 60)

/* g_get_real_time() µs. get_expires_at() is never 0 (see above). */
gint64
kyso_pending_get_created_at (KysoPending *self);
gint64
kyso_pending_get_expires_at (KysoPending *self);
void
kyso_pending_set_expires_at (KysoPending *self, gint64 expires_at);
gboolean
kyso_pending_is_expired (KysoPending *self, gint64 now);

G_END_DECLS
