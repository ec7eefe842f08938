#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Verifying an OpenID Connect ID token (a signed JWT, RFC 7519 / OIDC Core §3.1.3.7) against
 * the provider's JWKS. Not public API; tests use it directly. */

typedef struct
{
  const char *issuer;           /* required: "iss" must equal it */
  const char *audience;         /* our client_id, in "aud" (and "azp" when several); required for ID tokens */
  const char *authorized_party; /* when @audience is NULL: "azp" must equal it (Keycloak's access
                                 * tokens name the client there; their "aud" is the resource) */
  const char *nonce;            /* when not NULL, "nonce" must equal it */
  gint64 now;                   /* seconds since the epoch; 0 = the clock */
  guint leeway;                 /* seconds of clock skew allowed; 0 = 60 */
} KysoJwtCheck;

/* The kid the header names, or NULL (also when @jwt is malformed). */
char *
kyso_jwt_dup_kid (const char *jwt);

/* Checks the RS256/RS384/RS512 signature with the matching key of @jwks (a JWK Set object:
 * {"keys": [...]}) and the claims of @check. Returns the claims object (owned).
 * KYSO_ERROR_AUTH for any failure; KYSO_ERROR_NOT_FOUND when no key of @jwks matches the
 * token's kid (the caller may refetch the JWKS once: keys rotate). */
JsonNode *
kyso_jwt_verify (const char *jwt, JsonNode *jwks, const KysoJwtCheck *check, GError **error);

/* RFC 4648 §5 base64url without padding. */
char *
kyso_base64url_encode (const guint8 *data, gsize len);
/* NULL when @text has characters outside the base64url alphabet. */
GBytes *
kyso_base64url_decode (const char *text, gssize len);

G_END_DECLS
