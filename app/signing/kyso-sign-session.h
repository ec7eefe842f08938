#pragma once

#include <gio/gio.h>

#include "kyso-signer.h"

G_BEGIN_DECLS

/* Signing one PDF in two phases, so that the key can be anywhere and take its time (a remote CA
 * waiting minutes for the citizen's phone):
 *
 *   session = kyso_sign_session_new (in, out, &options)
 *   digest  = kyso_sign_session_prepare (session, chain, …)   writes the signed revision with an
 *             empty /Contents to the *prepared copy*, hashes its byte ranges, builds the PAdES
 *             signed attributes and returns the 32-byte SHA-256 the signer must sign
 *   kyso_sign_session_complete (session, raw_signature, …)    checks the signature against the
 *             certificate, adds an RFC 3161 time-stamp when options.tsa_url is set (B-T), writes the
 *             CMS into the placeholder, fsyncs and renames the file to @out
 *
 * Nothing is ever written at @out until complete() succeeds; the input is never modified. The
 * prepared (unsigned) copy is private: it is made 0600 in a 0700 folder (options.work_dir, by
 * default kyso_sign_session_get_default_work_dir()), never next to @out, and only gets the input's
 * permissions (never wider, never more than rw) when it is renamed into place. When @out is on
 * another file system, complete() copies it into a temporary file next to @out first.
 *
 * A prepared session survives a restart: kyso_sign_session_save() gives a GVariant (paths, the
 * digests, the byte ranges, the placeholder's place, the certificate chain — no secret), and
 * kyso_sign_session_load() rebuilds it; the temporary file stays on disk until complete() or
 * kyso_sign_session_abort(). A session that was never saved removes its temporary file when it
 * is finalized without completing.
 *
 * The blocking calls run file and network work: call them from a worker thread, or use the
 * _async variants (GTask threads; callbacks on the caller's thread-default main context). */

#define KYSO_TYPE_SIGN_SESSION (kyso_sign_session_get_type ())
G_DECLARE_FINAL_TYPE (KysoSignSession, kyso_sign_session, KYSO, SIGN_SESSION, GObject)

typedef struct
{
  int page; /* 1-based; -1 = last page; 0 = default (the keyword's page, else the last) */
  gboolean has_rect;
  double rect[4];            /* x, y, width, height in the page's user space (PDF points) */
  const char *keyword;       /* without a rect: place the box by this text (kyso-pdf-placement.h) */
  gboolean keyword_fallback; /* keyword absent: the default place instead of KYSO_ERROR_NOT_FOUND */
  double box_width;          /* size for keyword / default placement; 0 = KYSO_PDF_PLACEMENT_BOX_* */
  double box_height;
  gboolean invisible;
  const char *field_name; /* NULL = "Signature<n>" */
  const char *name;       /* /Name and the appearance's "Ký bởi"; NULL = certificate holder */
  const char *reason;
  const char *location;
  const char *contact_info;
  gboolean show_ca;        /* add the CA line to the appearance */
  GBytes *image_png;       /* the profile's image, or NULL */
  GDateTime *signing_time; /* /M and the appearance's date; NULL = now */
  const char *tsa_url;     /* B-T when set */
  const char *tls_ca_file; /* PEM trust for an https TSA (NULL = system store) */
  const char *work_dir;    /* where the prepared copy waits; NULL = the default (0700) */
} KysoSignSessionOptions;

/* $XDG_STATE_HOME/kyso/pending: the private folder of prepared copies and pending records
 * (borrowed, static). */
const char *
kyso_sign_session_get_default_work_dir (void);

KysoSignSession *
kyso_sign_session_new (const char *input_path, const char *output_path,
                       const KysoSignSessionOptions *options);

/* Phase 1. @chain: GBytes DER, [0] = the signer. → 32 bytes to sign (owned).
 * Errors: KYSO_ERROR_ENCRYPTED, KYSO_ERROR_BROKEN_FILE, KYSO_ERROR_LIMIT, KYSO_ERROR_UNSUPPORTED,
 * KYSO_ERROR_NOT_FOUND (keyword absent), KYSO_ERROR_INVALID_INPUT (page, rect, image),
 * KYSO_ERROR_CERTIFICATE, G_IO_ERROR_*. */
GBytes *
kyso_sign_session_prepare (KysoSignSession *self, GPtrArray *chain, GCancellable *cancellable,
                           GError **error);
/* Phase 2. Errors: KYSO_ERROR_BAD_SIGNATURE, KYSO_ERROR_NETWORK / KYSO_ERROR_SERVER / KYSO_ERROR_TLS
 * (time-stamp), KYSO_ERROR_LIMIT (CMS larger than the placeholder), G_IO_ERROR_*. */
gboolean
kyso_sign_session_complete (KysoSignSession *self, GBytes *raw_signature, GCancellable *cancellable,
                            GError **error);
/* Removes the temporary file of a prepared session; nothing happens at the output. */
void
kyso_sign_session_abort (KysoSignSession *self);

void
kyso_sign_session_prepare_async (KysoSignSession *self, GPtrArray *chain, GCancellable *cancellable,
                                 GAsyncReadyCallback callback, gpointer user_data);
GBytes *
kyso_sign_session_prepare_finish (KysoSignSession *self, GAsyncResult *result, GError **error);
void
kyso_sign_session_complete_async (KysoSignSession *self, GBytes *raw_signature, GCancellable *cancellable,
                                  GAsyncReadyCallback callback, gpointer user_data);
gboolean
kyso_sign_session_complete_finish (KysoSignSession *self, GAsyncResult *result, GError **error);

/* Everything in one go with a KysoSigner: list its credentials, take @credential_id (NULL = the
 * first), prepare, sign the digest (with @progress: sending, waiting for the phone …), complete. */
void
kyso_sign_session_sign_with_signer_async (KysoSignSession *self, KysoSigner *signer,
                                          const char *credential_id, KysoSignProgressFunc progress,
                                          gpointer progress_data, GCancellable *cancellable,
                                          GAsyncReadyCallback callback, gpointer user_data);
gboolean
kyso_sign_session_sign_with_signer_finish (KysoSignSession *self, GAsyncResult *result, GError **error);

/* State of a prepared session (a{sv}, floating); NULL before prepare or after complete. */
GVariant *
kyso_sign_session_save (KysoSignSession *self);
/* Re-reads the prepared copy and checks that its byte ranges still hash to the digest that was
 * sent to the signer (a change of the same size included). Blocking: reads the whole file.
 * Errors: KYSO_ERROR_INVALID_INPUT (not a saved session), KYSO_ERROR_NOT_FOUND (prepared copy
 * gone), KYSO_ERROR_BROKEN_FILE (prepared copy changed). */
KysoSignSession *
kyso_sign_session_load (GVariant *state, GError **error);

const char *
kyso_sign_session_get_input_path (KysoSignSession *self);
const char *
kyso_sign_session_get_output_path (KysoSignSession *self);
/* NULL before prepare. */
const char *
kyso_sign_session_get_temp_path (KysoSignSession *self);
const char *
kyso_sign_session_get_field_name (KysoSignSession *self);
/* The 32 bytes to sign (borrowed), NULL before prepare. */
GBytes *
kyso_sign_session_get_digest_to_sign (KysoSignSession *self);
/* SHA-256 over the byte ranges (borrowed), NULL before prepare. */
GBytes *
kyso_sign_session_get_document_digest (KysoSignSession *self);
/* /ByteRange of the prepared file; FALSE before prepare. */
gboolean
kyso_sign_session_get_byte_range (KysoSignSession *self, gint64 byte_range[4]);
/* Page (0-based) and user-space rect the signature was placed at; FALSE before prepare. */
gboolean
kyso_sign_session_get_placement (KysoSignSession *self, guint *page_index, double rect[4]);
gboolean
kyso_sign_session_is_completed (KysoSignSession *self);

G_END_DECLS
