#include "config.h"

#include "kyso-oidc-private.h"
#include "kyso-error.h"
#include "kyso-http.h"
#include "kyso-jwt.h"
#include "kyso-portal-json.h"
#include "kyso-session-store.h"

#include <glib/gi18n-lib.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <string.h>

/* An access token this close to expiry is refreshed before use. */
#define DEFAULT_MIN_VALIDITY 30

G_DEFINE_FINAL_TYPE (KysoOidcClient, kyso_oidc_client, G_TYPE_OBJECT)

static void
clear_secret (char **s)
{
  if (*s != NULL)
    memset (*s, 0, strlen (*s));
  g_clear_pointer (s, g_free);
}

static void
kyso_oidc_client_finalize (GObject *object)
{
  KysoOidcClient *self = KYSO_OIDC_CLIENT (object);

  g_free (self->issuer);
  g_free (self->client_id);
  g_free (self->ca_file);
  g_free (self->scope);
  g_free (self->label);
  g_free (self->redirect);
  g_free (self->userinfo_endpoint);
  g_free (self->authorization_endpoint);
  g_free (self->token_endpoint);
  g_free (self->jwks_uri);
  g_free (self->revocation_endpoint);
  g_free (self->end_session_endpoint);
  g_clear_pointer (&self->jwks, json_node_unref);
  clear_secret (&self->access_token);
  clear_secret (&self->refresh_token);
  g_clear_pointer (&self->claims, json_node_unref);
  g_clear_pointer (&self->access_claims, json_node_unref);
  g_clear_pointer (&self->userinfo, json_node_unref);
  g_mutex_clear (&self->op_lock);
  g_mutex_clear (&self->lock);
  G_OBJECT_CLASS (kyso_oidc_client_parent_class)->finalize (object);
}

static void
kyso_oidc_client_class_init (KysoOidcClientClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = kyso_oidc_client_finalize;
}

static void
kyso_oidc_client_init (KysoOidcClient *self)
{
  g_mutex_init (&self->op_lock);
  g_mutex_init (&self->lock);
  self->scope = g_strdup ("openid");
  self->redirect = g_strdup ("http://127.0.0.1/callback");
}

KysoOidcClient *
kyso_oidc_client_new (const char *issuer, const char *client_id, const char *ca_file)
{
  KysoOidcClient *self;

  g_return_val_if_fail (issuer != NULL && client_id != NULL, NULL);

  self = g_object_new (KYSO_TYPE_OIDC_CLIENT, NULL);
  /* OIDC Discovery compares issuers as strings; a trailing slash is a different issuer. */
  self->issuer = g_strdup (issuer);
  self->client_id = g_strdup (client_id);
  self->ca_file = g_strdup (ca_file);
  self->label = g_strdup (_ ("Kyso portal session"));
  return self;
}

const char *
kyso_oidc_client_get_issuer (KysoOidcClient *self)
{
  g_return_val_if_fail (KYSO_IS_OIDC_CLIENT (self), NULL);
  return self->issuer;
}

const char *
kyso_oidc_client_get_client_id (KysoOidcClient *self)
{
  g_return_val_if_fail (KYSO_IS_OIDC_CLIENT (self), NULL);
  return self->client_id;
}

void
kyso_oidc_client_set_scope (KysoOidcClient *self, const char *scope)
{
  g_return_if_fail (KYSO_IS_OIDC_CLIENT (self));
  g_free (self->scope);
  self->scope = g_strdup (scope != NULL ? scope : "openid");
}

void
kyso_oidc_client_set_label (KysoOidcClient *self, const char *label)
{
  g_return_if_fail (KYSO_IS_OIDC_CLIENT (self));
  g_free (self->label);
  self->label = g_strdup (label);
}

void
kyso_oidc_client_set_redirect (KysoOidcClient *self, const char *redirect)
{
  g_return_if_fail (KYSO_IS_OIDC_CLIENT (self));
  g_free (self->redirect);
  self->redirect = g_strdup (redirect != NULL ? redirect : "http://127.0.0.1/callback");
}

void
kyso_oidc_client_set_state_func (KysoOidcClient *self, GCallback func, gpointer user_data)
{
  g_return_if_fail (KYSO_IS_OIDC_CLIENT (self));
  self->state_func = func;
  self->state_data = user_data;
}

static void
state_changed (KysoOidcClient *self)
{
  if (self->state_func != NULL)
    ((void (*) (gpointer))self->state_func) (self->state_data);
}

/* ---- HTTP helpers ---- */

static void
http_options (KysoOidcClient *self, KysoHttpOptions *options)
{
  memset (options, 0, sizeof *options);
  options->ca_file = self->ca_file;
  options->timeout_seconds = 30;
  options->max_body_bytes = 1024 * 1024;
}

/* https only, except on the loopback interface (RFC 8252 test providers, the local sandbox). */
static gboolean
endpoint_ok (const char *url)
{
  g_autoptr (GUri) uri = url != NULL ? g_uri_parse (url, G_URI_FLAGS_NONE, NULL) : NULL;
  const char *host;

  if (uri == NULL || g_uri_get_host (uri) == NULL)
    return FALSE;
  if (g_strcmp0 (g_uri_get_scheme (uri), "https") == 0)
    return TRUE;
  host = g_uri_get_host (uri);
  return g_strcmp0 (g_uri_get_scheme (uri), "http") == 0
         && (strcmp (host, "127.0.0.1") == 0 || strcmp (host, "localhost") == 0 || strcmp (host, "::1") == 0);
}

static JsonNode *
get_json (KysoOidcClient *self, const char *url, GCancellable *cancellable, GError **error)
{
  static const char *const headers[] = { "Accept: application/json", NULL };
  g_autoptr (KysoHttpResponse) response = NULL;
  KysoHttpOptions options;

  http_options (self, &options);
  response = kyso_http_request ("GET", url, headers, NULL, NULL, &options, cancellable, error);
  if (response == NULL)
    return NULL;
  if (response->status != 200)
    {
      g_set_error (error, KYSO_ERROR, KYSO_ERROR_SERVER,
                   _ ("The login server answered with an error (HTTP %u). Try again later."),
                      response->status);
      return NULL;
    }
  return kyso_json_parse_bytes (response->body, error);
}

void
kyso_oidc_append_param (GString *form, const char *name, const char *value)
{
  g_autofree char *escaped = g_uri_escape_string (value, NULL, FALSE);

  if (form->len > 0)
    g_string_append_c (form, '&');
  g_string_append_printf (form, "%s=%s", name, escaped);
}

/* POSTs a form; returns the JSON answer whatever the status (OAuth errors are JSON too). */
JsonNode *
kyso_oidc_post_form (KysoOidcClient *self, const char *url, GString *form, guint *out_status,
                     GCancellable *cancellable, GError **error)
{
  static const char *const headers[] = { "Accept: application/json", NULL };
  g_autoptr (KysoHttpResponse) response = NULL;
  g_autoptr (GBytes) body = NULL;
  KysoHttpOptions options;

  http_options (self, &options);
  body = g_bytes_new (form->str, form->len);
  /* The form holds secrets (password, refresh token): wipe it now that it is copied. */
  memset (form->str, 0, form->len);
  response = kyso_http_request ("POST", url, headers, body, "application/x-www-form-urlencoded", &options,
                                cancellable, error);
  if (response == NULL)
    return NULL;
  *out_status = response->status;
  if (g_bytes_get_size (response->body) == 0)
    return json_node_new (JSON_NODE_NULL);
  return kyso_json_parse_bytes (response->body, error);
}

char *
kyso_oidc_random_b64url (gsize n)
{
  guint8 buf[64];
  char *out;

  g_assert (n <= sizeof buf);
  if (RAND_bytes (buf, (int)n) != 1)
    g_error ("The system random number generator failed");
  out = kyso_base64url_encode (buf, n);
  memset (buf, 0, sizeof buf);
  return out;
}

/* ---- Discovery ---- */

gboolean
kyso_oidc_discover_locked (KysoOidcClient *self, GCancellable *cancellable, GError **error)
{
  g_autofree char *url = NULL;
  g_autoptr (JsonNode) meta = NULL;
  JsonObject *obj;
  JsonArray *methods;

  if (self->token_endpoint != NULL)
    return TRUE;
  url = g_str_has_suffix (self->issuer, "/")
          ? g_strconcat (self->issuer, ".well-known/openid-configuration", NULL)
          : g_strconcat (self->issuer, "/.well-known/openid-configuration", NULL);
  if (!endpoint_ok (url))
    {
      g_set_error (error, KYSO_ERROR, KYSO_ERROR_INVALID_INPUT,
                   _ ("The login server address “%s” must start with https://."), self->issuer);
      return FALSE;
    }
  meta = get_json (self, url, cancellable, error);
  if (meta == NULL)
    return FALSE;
  obj = JSON_NODE_HOLDS_OBJECT (meta) ? json_node_get_object (meta) : NULL;
  /* OIDC Discovery §4.3: the metadata must name the issuer we asked, or it is someone else's. */
  if (g_strcmp0 (kyso_pj_string (obj, "issuer"), self->issuer) != 0
      || !endpoint_ok (kyso_pj_string (obj, "authorization_endpoint"))
      || !endpoint_ok (kyso_pj_string (obj, "token_endpoint"))
      || !endpoint_ok (kyso_pj_string (obj, "jwks_uri")))
    {
      g_set_error (error, KYSO_ERROR, KYSO_ERROR_SERVER,
                   _ ("The login server at %s does not describe itself correctly. Check the portal address "
                      "in the settings."),
                      self->issuer);
      return FALSE;
    }
  methods = kyso_pj_array (obj, "code_challenge_methods_supported");
  if (methods != NULL)
    {
      gboolean s256 = FALSE;
      for (guint i = 0; i < json_array_get_length (methods); i++)
        {
          JsonNode *m = json_array_get_element (methods, i);
          if (JSON_NODE_HOLDS_VALUE (m) && json_node_get_value_type (m) == G_TYPE_STRING
              && g_strcmp0 (json_node_get_string (m), "S256") == 0)
            s256 = TRUE;
        }
      if (!s256)
        {
          g_set_error (error, KYSO_ERROR, KYSO_ERROR_UNSUPPORTED,
                       _ ("The login server at %s does not support PKCE (S256), which Kyso requires."),
                          self->issuer);
          return FALSE;
        }
    }

  g_mutex_lock (&self->lock);
  self->authorization_endpoint = g_strdup (kyso_pj_string (obj, "authorization_endpoint"));
  self->token_endpoint = g_strdup (kyso_pj_string (obj, "token_endpoint"));
  self->jwks_uri = g_strdup (kyso_pj_string (obj, "jwks_uri"));
  if (endpoint_ok (kyso_pj_string (obj, "revocation_endpoint")))
    self->revocation_endpoint = g_strdup (kyso_pj_string (obj, "revocation_endpoint"));
  if (endpoint_ok (kyso_pj_string (obj, "end_session_endpoint")))
    self->end_session_endpoint = g_strdup (kyso_pj_string (obj, "end_session_endpoint"));
  if (endpoint_ok (kyso_pj_string (obj, "userinfo_endpoint")))
    self->userinfo_endpoint = g_strdup (kyso_pj_string (obj, "userinfo_endpoint"));
  g_mutex_unlock (&self->lock);
  return TRUE;
}

gboolean
kyso_oidc_client_discover (KysoOidcClient *self, GCancellable *cancellable, GError **error)
{
  gboolean ok;

  g_return_val_if_fail (KYSO_IS_OIDC_CLIENT (self), FALSE);

  g_mutex_lock (&self->op_lock);
  ok = kyso_oidc_discover_locked (self, cancellable, error);
  g_mutex_unlock (&self->op_lock);
  return ok;
}

/* ---- Tokens ---- */

static JsonNode *
verify_id_token (KysoOidcClient *self, const char *id_token, const char *nonce, GCancellable *cancellable,
                 GError **error)
{
  KysoJwtCheck check = { .issuer = self->issuer, .audience = self->client_id, .nonce = nonce };
  g_autoptr (GError) local_error = NULL;
  JsonNode *claims;

  for (int attempt = 0; attempt < 2; attempt++)
    {
      if (self->jwks == NULL || attempt > 0)
        {
          JsonNode *jwks = get_json (self, self->jwks_uri, cancellable, error);
          if (jwks == NULL)
            return NULL;
          g_mutex_lock (&self->lock);
          g_clear_pointer (&self->jwks, json_node_unref);
          self->jwks = jwks;
          g_mutex_unlock (&self->lock);
        }
      g_clear_error (&local_error);
      claims = kyso_jwt_verify (id_token, self->jwks, &check, &local_error);
      if (claims != NULL)
        return claims;
      /* An unknown kid means the provider rotated its keys: fetch them once more. */
      if (!g_error_matches (local_error, KYSO_ERROR, KYSO_ERROR_NOT_FOUND))
        break;
    }
  g_propagate_error (error, g_steal_pointer (&local_error));
  return NULL;
}

/* The claims of an access token that is a JWT signed by the provider for this client (Keycloak's
 * are), or NULL for an opaque token. The token came straight from the token endpoint over TLS;
 * checking it still keeps Kyso from reading claims a proxy or a bug put there. */
static JsonNode *
access_token_claims (KysoOidcClient *self, const char *access)
{
  KysoJwtCheck check = { .issuer = self->issuer, .authorized_party = self->client_id };
  g_autoptr (GError) error = NULL;
  JsonNode *claims;

  if (self->jwks == NULL || strchr (access, '.') == NULL)
    return NULL;
  claims = kyso_jwt_verify (access, self->jwks, &check, &error);
  if (claims == NULL)
    g_debug ("access token claims not used: %s", error->message);
  return claims;
}

/* GETs the userinfo endpoint with @access. NULL (and no error) when there is none or it failed:
 * the profile is then what the tokens say. */
static JsonNode *
fetch_userinfo (KysoOidcClient *self, const char *access, GCancellable *cancellable)
{
  static const char *const headers[] = { "Accept: application/json", NULL };
  g_autoptr (KysoHttpResponse) response = NULL;
  g_autoptr (GError) error = NULL;
  KysoHttpOptions options;
  JsonNode *answer;

  if (self->userinfo_endpoint == NULL)
    return NULL;
  http_options (self, &options);
  options.bearer_token = access;
  response
    = kyso_http_request ("GET", self->userinfo_endpoint, headers, NULL, NULL, &options, cancellable, &error);
  if (response == NULL || response->status != 200)
    {
      g_debug ("userinfo not read: %s", response == NULL ? error->message : "HTTP error");
      return NULL;
    }
  answer = kyso_json_parse_bytes (response->body, NULL);
  if (answer != NULL && !JSON_NODE_HOLDS_OBJECT (answer))
    g_clear_pointer (&answer, json_node_unref);
  return answer;
}

/* Takes a successful token response: checks it, keeps the access token in memory and the
 * refresh token in the Secret Service. */
gboolean
kyso_oidc_accept_tokens (KysoOidcClient *self, JsonNode *response, const char *nonce,
                         gboolean require_id_token, GCancellable *cancellable, GError **error)
{
  JsonObject *obj = JSON_NODE_HOLDS_OBJECT (response) ? json_node_get_object (response) : NULL;
  const char *access = kyso_pj_string (obj, "access_token");
  const char *type = kyso_pj_string (obj, "token_type");
  const char *refresh = kyso_pj_string (obj, "refresh_token");
  const char *id_token = kyso_pj_string (obj, "id_token");
  gint64 expires_in = kyso_pj_int (obj, "expires_in", 300);
  g_autoptr (JsonNode) claims = NULL;
  g_autoptr (JsonNode) access_claims = NULL;
  g_autoptr (JsonNode) userinfo = NULL;

  if (access == NULL || (type != NULL && g_ascii_strcasecmp (type, "bearer") != 0))
    {
      g_set_error_literal (error, KYSO_ERROR, KYSO_ERROR_SERVER,
                           _ ("The login server sent an answer Kyso cannot use. Try again later."));
      return FALSE;
    }
  if (id_token != NULL)
    {
      claims = verify_id_token (self, id_token, nonce, cancellable, error);
      if (claims == NULL)
        return FALSE;
      /* OIDC Core §12.2: a refreshed ID token must be about the same person. */
      if (self->claims != NULL
          && g_strcmp0 (kyso_pj_string (json_node_get_object (self->claims), "sub"),
                        kyso_pj_string (json_node_get_object (claims), "sub"))
               != 0)
        {
          g_set_error_literal (error, KYSO_ERROR, KYSO_ERROR_AUTH,
                               _ ("The login server answered for another person. Log in again."));
          return FALSE;
        }
    }
  else if (require_id_token)
    {
      g_set_error_literal (error, KYSO_ERROR, KYSO_ERROR_AUTH,
                           _ ("The login server did not identify the citizen (no ID token). Try again."));
      return FALSE;
    }

  access_claims = access_token_claims (self, access);
  /* The profile: read once per login or resumed session, and only when it is about the person
   * the ID token names (OIDC Core §5.3.2). */
  if (self->claims == NULL || self->userinfo == NULL)
    {
      JsonNode *id_claims = claims != NULL ? claims : self->claims;
      const char *sub = id_claims != NULL ? kyso_pj_string (json_node_get_object (id_claims), "sub") : NULL;

      /* Without an ID token there is nobody to compare with: no profile from userinfo. */
      if (sub != NULL)
        userinfo = fetch_userinfo (self, access, cancellable);
      if (userinfo != NULL && g_strcmp0 (kyso_pj_string (json_node_get_object (userinfo), "sub"), sub) != 0)
        {
          g_set_error_literal (error, KYSO_ERROR, KYSO_ERROR_AUTH,
                               _ ("The login server answered for another person. Log in again."));
          return FALSE;
        }
    }

  if (refresh != NULL && g_strcmp0 (refresh, self->refresh_token) != 0
      && !kyso_session_store_save (self->issuer, self->client_id, refresh, self->label, cancellable, error))
    return FALSE;

  g_mutex_lock (&self->lock);
  clear_secret (&self->access_token);
  self->access_token = g_strdup (access);
  self->access_expires = g_get_real_time () / G_USEC_PER_SEC + CLAMP (expires_in, 1, 86400);
  if (refresh != NULL && g_strcmp0 (refresh, self->refresh_token) != 0)
    {
      clear_secret (&self->refresh_token);
      self->refresh_token = g_strdup (refresh);
    }
  if (claims != NULL)
    {
      g_clear_pointer (&self->claims, json_node_unref);
      self->claims = g_steal_pointer (&claims);
    }
  g_clear_pointer (&self->access_claims, json_node_unref);
  self->access_claims = g_steal_pointer (&access_claims);
  if (userinfo != NULL)
    {
      g_clear_pointer (&self->userinfo, json_node_unref);
      self->userinfo = g_steal_pointer (&userinfo);
    }
  g_mutex_unlock (&self->lock);
  state_changed (self);
  return TRUE;
}

static void
forget_session (KysoOidcClient *self)
{
  g_mutex_lock (&self->lock);
  clear_secret (&self->access_token);
  clear_secret (&self->refresh_token);
  g_clear_pointer (&self->claims, json_node_unref);
  g_clear_pointer (&self->access_claims, json_node_unref);
  g_clear_pointer (&self->userinfo, json_node_unref);
  self->access_expires = 0;
  g_mutex_unlock (&self->lock);
  state_changed (self);
}

const char *
kyso_oidc_oauth_error (JsonNode *answer)
{
  return JSON_NODE_HOLDS_OBJECT (answer) ? kyso_pj_string (json_node_get_object (answer), "error") : NULL;
}

static gboolean
refresh_locked (KysoOidcClient *self, const char *refresh_token, GCancellable *cancellable, GError **error)
{
  g_autoptr (GString) form = g_string_new (NULL);
  g_autoptr (JsonNode) answer = NULL;
  guint status = 0;

  if (!kyso_oidc_discover_locked (self, cancellable, error))
    return FALSE;
  /* A refresh can be repeated safely (the provider keeps the session's earlier refresh tokens
   * valid, or answers invalid_grant): one more try after a dropped connection or a 5xx. */
  for (int attempt = 0; attempt < 2; attempt++)
    {
      g_autoptr (GError) local_error = NULL;

      g_string_truncate (form, 0);
      kyso_oidc_append_param (form, "grant_type", "refresh_token");
      kyso_oidc_append_param (form, "refresh_token", refresh_token);
      kyso_oidc_append_param (form, "client_id", self->client_id);
      g_clear_pointer (&answer, json_node_unref);
      answer = kyso_oidc_post_form (self, self->token_endpoint, form, &status, cancellable, &local_error);
      if (answer != NULL && status < 500)
        break;
      if (attempt == 1 || (answer == NULL && !g_error_matches (local_error, KYSO_ERROR, KYSO_ERROR_NETWORK)))
        {
          if (answer == NULL)
            {
              g_propagate_error (error, g_steal_pointer (&local_error));
              return FALSE;
            }
          break;
        }
      g_usleep (300 * 1000);
    }
  if (status == 400 || status == 401)
    {
      /* invalid_grant: the session ended at the provider (expired, revoked, logged out elsewhere). */
      g_debug ("refresh refused: %s", kyso_oidc_oauth_error (answer) ? kyso_oidc_oauth_error (answer) : "?");
      forget_session (self);
      kyso_session_store_clear (self->issuer, self->client_id, NULL, NULL);
      g_set_error_literal (error, KYSO_ERROR, KYSO_ERROR_AUTH,
                           _ ("Your portal session has ended. Log in again."));
      return FALSE;
    }
  if (status != 200)
    {
      g_set_error (error, KYSO_ERROR, KYSO_ERROR_SERVER,
                   _ ("The login server answered with an error (HTTP %u). Try again later."), status);
      return FALSE;
    }
  if (!kyso_oidc_accept_tokens (self, answer, NULL, FALSE, cancellable, error))
    return FALSE;
  g_mutex_lock (&self->lock);
  self->refresh_count++;
  g_mutex_unlock (&self->lock);
  return TRUE;
}

gboolean
kyso_oidc_client_restore (KysoOidcClient *self, GCancellable *cancellable, GError **error)
{
  g_autoptr (GError) local_error = NULL;
  char *stored;
  gboolean ok;

  g_return_val_if_fail (KYSO_IS_OIDC_CLIENT (self), FALSE);

  g_mutex_lock (&self->op_lock);
  stored = kyso_session_store_load (self->issuer, self->client_id, cancellable, &local_error);
  if (stored == NULL)
    {
      g_mutex_unlock (&self->op_lock);
      if (local_error != NULL)
        g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  g_mutex_lock (&self->lock);
  clear_secret (&self->refresh_token);
  self->refresh_token = g_strdup (stored);
  g_mutex_unlock (&self->lock);
  ok = refresh_locked (self, stored, cancellable, error);
  kyso_session_store_free_token (stored);
  g_mutex_unlock (&self->op_lock);
  return ok;
}

char *
kyso_oidc_client_dup_access_token (KysoOidcClient *self, guint min_validity, GCancellable *cancellable,
                                   GError **error)
{
  g_autofree char *refresh = NULL;
  char *token = NULL;
  gint64 now;

  g_return_val_if_fail (KYSO_IS_OIDC_CLIENT (self), NULL);

  if (min_validity == 0)
    min_validity = DEFAULT_MIN_VALIDITY;
  g_mutex_lock (&self->op_lock);
  now = g_get_real_time () / G_USEC_PER_SEC;
  g_mutex_lock (&self->lock);
  if (self->access_token != NULL && self->access_expires - now > (gint64)min_validity)
    token = g_strdup (self->access_token);
  else
    refresh = g_strdup (self->refresh_token);
  g_mutex_unlock (&self->lock);

  if (token == NULL)
    {
      if (refresh == NULL)
        g_set_error_literal (error, KYSO_ERROR, KYSO_ERROR_AUTH,
                             _ ("You are not logged in to the portal. Log in first."));
      else if (refresh_locked (self, refresh, cancellable, error))
        {
          g_mutex_lock (&self->lock);
          token = g_strdup (self->access_token);
          g_mutex_unlock (&self->lock);
        }
      clear_secret (&refresh);
    }
  g_mutex_unlock (&self->op_lock);
  return token;
}

void
kyso_oidc_client_reject_access_token (KysoOidcClient *self, const char *token)
{
  g_return_if_fail (KYSO_IS_OIDC_CLIENT (self));

  g_mutex_lock (&self->lock);
  /* Only if it is still the current one: another thread may have refreshed already. */
  if (token != NULL && g_strcmp0 (token, self->access_token) == 0)
    {
      clear_secret (&self->access_token);
      self->access_expires = 0;
    }
  g_mutex_unlock (&self->lock);
}

/* ---- Logout ---- */

void
kyso_oidc_client_end_session (KysoOidcClient *self)
{
  g_return_if_fail (KYSO_IS_OIDC_CLIENT (self));

  g_mutex_lock (&self->op_lock);
  forget_session (self);
  kyso_session_store_clear (self->issuer, self->client_id, NULL, NULL);
  g_mutex_unlock (&self->op_lock);
}

gboolean
kyso_oidc_client_logout (KysoOidcClient *self, GCancellable *cancellable, GError **error)
{
  g_autoptr (GError) remote_error = NULL;
  g_autoptr (GError) store_error = NULL;
  char *refresh = NULL;

  g_return_val_if_fail (KYSO_IS_OIDC_CLIENT (self), FALSE);

  g_mutex_lock (&self->op_lock);
  g_mutex_lock (&self->lock);
  refresh = g_strdup (self->refresh_token);
  g_mutex_unlock (&self->lock);
  if (refresh == NULL)
    refresh = kyso_session_store_load (self->issuer, self->client_id, cancellable, NULL);

  if (refresh != NULL && kyso_oidc_discover_locked (self, cancellable, &remote_error))
    {
      g_autoptr (GString) form = g_string_new (NULL);
      g_autoptr (JsonNode) answer = NULL;
      const char *url;
      guint status = 0;

      if (self->revocation_endpoint != NULL)
        {
          /* RFC 7009: revoking the refresh token ends the session and its access tokens. */
          url = self->revocation_endpoint;
          kyso_oidc_append_param (form, "token", refresh);
          kyso_oidc_append_param (form, "token_type_hint", "refresh_token");
          kyso_oidc_append_param (form, "client_id", self->client_id);
        }
      else
        {
          /* Keycloak's back-channel logout takes the refresh token the same way. */
          url = self->end_session_endpoint;
          kyso_oidc_append_param (form, "client_id", self->client_id);
          kyso_oidc_append_param (form, "refresh_token", refresh);
        }
      if (url != NULL)
        {
          answer = kyso_oidc_post_form (self, url, form, &status, cancellable, &remote_error);
          if (answer != NULL && status != 200 && status != 204)
            g_set_error (&remote_error, KYSO_ERROR, KYSO_ERROR_SERVER,
                         _ ("The login server answered with an error (HTTP %u)."), status);
        }
    }
  kyso_session_store_free_token (refresh);

  forget_session (self);
  kyso_session_store_clear (self->issuer, self->client_id, cancellable, &store_error);
  g_mutex_unlock (&self->op_lock);

  if (store_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&store_error));
      return FALSE;
    }
  if (remote_error != NULL)
    {
      g_set_error (error, remote_error->domain, remote_error->code,
                   _ ("You are logged out on this computer, but the portal could not be told: %s"),
                      remote_error->message);
      return FALSE;
    }
  return TRUE;
}

/* ---- State ---- */

gboolean
kyso_oidc_client_is_logged_in (KysoOidcClient *self)
{
  gboolean ret;

  g_return_val_if_fail (KYSO_IS_OIDC_CLIENT (self), FALSE);
  g_mutex_lock (&self->lock);
  ret = self->refresh_token != NULL || self->access_token != NULL;
  g_mutex_unlock (&self->lock);
  return ret;
}

/* @name from the ID token, the access token, then userinfo. Call with lock held. */
static const char *
find_claim (KysoOidcClient *self, const char *name)
{
  JsonNode *sources[] = { self->claims, self->access_claims, self->userinfo };
  const char *value = NULL;

  if (self->claims == NULL)
    return NULL;
  for (gsize i = 0; i < G_N_ELEMENTS (sources) && value == NULL; i++)
    if (sources[i] != NULL)
      value = kyso_pj_string (json_node_get_object (sources[i]), name);
  return value;
}

static char *
dup_claim (KysoOidcClient *self, const char *first, const char *second)
{
  char *ret;

  g_mutex_lock (&self->lock);
  ret = g_strdup (find_claim (self, first));
  if (ret == NULL && second != NULL)
    ret = g_strdup (find_claim (self, second));
  g_mutex_unlock (&self->lock);
  return ret;
}

char *
kyso_oidc_client_dup_claim (KysoOidcClient *self, const char *name)
{
  g_return_val_if_fail (KYSO_IS_OIDC_CLIENT (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);
  return dup_claim (self, name, NULL);
}

char *
kyso_oidc_client_dup_user_name (KysoOidcClient *self)
{
  g_return_val_if_fail (KYSO_IS_OIDC_CLIENT (self), NULL);
  return dup_claim (self, "name", "preferred_username");
}

char *
kyso_oidc_client_dup_subject (KysoOidcClient *self)
{
  g_return_val_if_fail (KYSO_IS_OIDC_CLIENT (self), NULL);
  return dup_claim (self, "sub", NULL);
}

guint
kyso_oidc_client_get_refresh_count (KysoOidcClient *self)
{
  guint n;

  g_return_val_if_fail (KYSO_IS_OIDC_CLIENT (self), 0);
  g_mutex_lock (&self->lock);
  n = self->refresh_count;
  g_mutex_unlock (&self->lock);
  return n;
}
