#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* The portal session's refresh token in the Secret Service (schema "vn.kyso.Kyso.Session",
 * attributes issuer + client_id). It is the only place a token is ever written; access tokens
 * stay in memory. Blocking: call from worker threads. Not public API. */

gboolean
kyso_session_store_save (const char *issuer, const char *client_id, const char *refresh_token,
                         const char *label, GCancellable *cancellable, GError **error);
/* NULL without an error when nothing is stored. Free with kyso_session_store_free_token(). */
char *
kyso_session_store_load (const char *issuer, const char *client_id, GCancellable *cancellable,
                         GError **error);
gboolean
kyso_session_store_clear (const char *issuer, const char *client_id, GCancellable *cancellable,
                          GError **error);
/* Overwrites, then frees, a token string. */
void
kyso_session_store_free_token (char *token);

G_END_DECLS
