#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* OpenID Connect for a native application (RFC 8252): discovery, authorization code + PKCE
 * (S256) in the system browser with a loopback redirect, ID token verification, refresh,
 * revocation; and the direct "ID number + password, then OTP" login of the provincial portals.
 *
 * The refresh token is kept only in the Secret Service; the access and ID tokens only in
 * memory. Every call blocks (network, Secret Service): call from worker threads. The object is
 * thread-safe. Used by the portal adapters; the GUI goes through KysoPortal. */

#define KYSO_TYPE_OIDC_CLIENT (kyso_oidc_client_get_type ())
G_DECLARE_FINAL_TYPE (KysoOidcClient, kyso_oidc_client, KYSO, OIDC_CLIENT, GObject)

/* Opens @uri in the person's browser. Return FALSE with @error when it cannot. */
typedef gboolean (*KysoOpenUriFunc) (const char *uri, gpointer user_data, GError **error);

typedef enum
{
  KYSO_LOGIN_FAILED = -1, /* see the GError */
  KYSO_LOGIN_DONE,        /* logged in */
  KYSO_LOGIN_NEED_OTP,    /* password accepted; an OTP was sent: call again with it */
} KysoLoginStep;

/* @ca_file: PEM trust anchors replacing the system store, or NULL. */
KysoOidcClient *
kyso_oidc_client_new (const char *issuer, const char *client_id, const char *ca_file);
const char *
kyso_oidc_client_get_issuer (KysoOidcClient *self);
const char *
kyso_oidc_client_get_client_id (KysoOidcClient *self);
/* Default "openid". */
void
kyso_oidc_client_set_scope (KysoOidcClient *self, const char *scope);
/* The label of the Secret Service item, for people (e.g. "Kyso — Quảng Ngãi portal"). */
void
kyso_oidc_client_set_label (KysoOidcClient *self, const char *label);
/* The redirect registered for Kyso with the provider, e.g. "http://127.0.0.1/callback": its host
 * must be a loopback address; the browser login listens on a port the system picks and sends
 * this address with that port (RFC 8252 §7.3). Default "http://127.0.0.1/callback". */
void
kyso_oidc_client_set_redirect (KysoOidcClient *self, const char *redirect);
/* Called (from whatever thread changed it) when the login state changes. */
void
kyso_oidc_client_set_state_func (KysoOidcClient *self, GCallback func, /* void (*)(gpointer) */
                                 gpointer user_data);

/* Fetches and checks the provider's metadata (cached afterwards). */
gboolean
kyso_oidc_client_discover (KysoOidcClient *self, GCancellable *cancellable, GError **error);

/* The browser login. Listens on 127.0.0.1 (random port), calls @open_uri on @context (the
 * caller's main context, so a GUI can launch the browser) with the authorization URL, waits up
 * to @timeout_seconds (0 = 10 minutes) for the redirect, checks state, exchanges the code with
 * the PKCE verifier and verifies the ID token (signature, iss, aud, exp, nonce).
 * Errors: KYSO_ERROR_AUTH (refused, mismatched), KYSO_ERROR_EXPIRED (nobody came back),
 * KYSO_ERROR_NETWORK/TLS/SERVER, G_IO_ERROR_CANCELLED, or @open_uri's error. */
gboolean
kyso_oidc_client_login_browser (KysoOidcClient *self, KysoOpenUriFunc open_uri, gpointer open_uri_data,
                                GMainContext *context, guint timeout_seconds, GCancellable *cancellable,
                                GError **error);

/* The direct login: password grant at the token endpoint, with @otp once the portal asked for
 * it. KYSO_LOGIN_NEED_OTP (and @out_hint, e.g. "09******78", may be NULL) when an OTP was
 * sent; KYSO_LOGIN_DONE when logged in; otherwise -1 with KYSO_ERROR_AUTH (wrong password or
 * OTP) or a network error. */
int
kyso_oidc_client_login_password (KysoOidcClient *self, const char *username, const char *password,
                                 const char *otp, char **out_hint, GCancellable *cancellable, GError **error);

/* Loads a refresh token kept in the Secret Service and refreshes it. FALSE without an error
 * when there is no stored session. */
gboolean
kyso_oidc_client_restore (KysoOidcClient *self, GCancellable *cancellable, GError **error);

/* A valid access token, refreshed first when it expires within @min_validity seconds.
 * KYSO_ERROR_AUTH when not logged in or the session ended (log in again). */
char *
kyso_oidc_client_dup_access_token (KysoOidcClient *self, guint min_validity, GCancellable *cancellable,
                                   GError **error);
/* The portal refused @token (401): forget it so the next call refreshes. */
void
kyso_oidc_client_reject_access_token (KysoOidcClient *self, const char *token);

/* The portal said the session is over (it refused a fresh token): forget every token here and
 * in the Secret Service, without calling the provider. */
void
kyso_oidc_client_end_session (KysoOidcClient *self);

/* Revokes the refresh token at the provider (revocation endpoint, else Keycloak's back-channel
 * logout), then forgets every token here and in the Secret Service. Local state is cleared
 * even when the provider cannot be reached; the error then says so. */
gboolean
kyso_oidc_client_logout (KysoOidcClient *self, GCancellable *cancellable, GError **error);

gboolean
kyso_oidc_client_is_logged_in (KysoOidcClient *self);
/* From the ID token: "name", else "preferred_username"; NULL when not logged in. */
char *
kyso_oidc_client_dup_user_name (KysoOidcClient *self);
char *
kyso_oidc_client_dup_subject (KysoOidcClient *self);
/* A string claim about the logged-in person: from the ID token, else the access token (when it
 * is a JWT the provider signed for this client, as Keycloak's are), else the userinfo answer
 * (fetched at login and when a session is resumed, and only kept when its "sub" is the ID
 * token's). NULL when not logged in or nobody says. */
char *
kyso_oidc_client_dup_claim (KysoOidcClient *self, const char *name);
/* How many times tokens were refreshed (for tests and diagnostics). */
guint
kyso_oidc_client_get_refresh_count (KysoOidcClient *self);

G_END_DECLS
