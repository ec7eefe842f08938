#pragma once

#include "kyso-oidc-client.h"

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Shared by kyso-oidc-client.c (discovery, tokens, refresh, logout) and kyso-oidc-login.c (the
 * browser and direct logins). Not public API. */

struct _KysoOidcClient
{
  GObject parent_instance;

  char *issuer;
  char *client_id;
  char *ca_file;
  char *scope;
  char *label;
  char *redirect; /* the registered loopback redirect, without port */
  GCallback state_func;
  gpointer state_data;

  /* Serialises every operation that changes tokens (login, refresh, logout), so that two
   * threads never spend the same single-use refresh token. */
  GMutex op_lock;
  /* Guards the fields below for short reads and writes. */
  GMutex lock;
  char *authorization_endpoint;
  char *token_endpoint;
  char *jwks_uri;
  char *revocation_endpoint;
  char *end_session_endpoint;
  char *userinfo_endpoint;
  JsonNode *jwks;
  char *access_token;
  gint64 access_expires; /* g_get_real_time() seconds */
  char *refresh_token;
  JsonNode *claims;        /* of the ID token */
  JsonNode *access_claims; /* of the access token when it is a JWT the provider signed, or NULL */
  JsonNode *userinfo;      /* the userinfo answer (its "sub" is the ID token's), or NULL */
  guint refresh_count;
};

/* Appends name=value (URL-escaped) to an x-www-form-urlencoded body. */
void
kyso_oidc_append_param (GString *form, const char *name, const char *value);
/* POSTs @form (wiped afterwards: it may hold secrets); the JSON answer whatever the status. */
JsonNode *
kyso_oidc_post_form (KysoOidcClient *self, const char *url, GString *form, guint *out_status,
                     GCancellable *cancellable, GError **error);
char *
kyso_oidc_random_b64url (gsize n);
/* Call with op_lock held. */
gboolean
kyso_oidc_discover_locked (KysoOidcClient *self, GCancellable *cancellable, GError **error);
/* Checks a token answer (ID token included) and keeps it. Call with op_lock held. */
gboolean
kyso_oidc_accept_tokens (KysoOidcClient *self, JsonNode *response, const char *nonce,
                         gboolean require_id_token, GCancellable *cancellable, GError **error);
/* The "error" of an OAuth error answer, or NULL. */
const char *
kyso_oidc_oauth_error (JsonNode *answer);

G_END_DECLS
