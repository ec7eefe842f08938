/* The two ways in: the browser login of RFC 8252 (authorization code + PKCE, loopback redirect)
 * and the direct login of the provincial guides (ID number + password, then an OTP). */
#include "config.h"

#include "kyso-oidc-private.h"
#include "kyso-error.h"
#include "kyso-jwt.h"
#include "kyso-oidc-loopback.h"
#include "kyso-portal-json.h"

#include <glib/gi18n-lib.h>
#include <openssl/evp.h>
#include <string.h>

/* ---- Browser login ---- */

typedef struct
{
  char *uri;
  KysoOpenUriFunc func;
  gpointer func_data;
  GCancellable *abort; /* cancelled when the browser cannot be opened */
  GError *error;
  GMutex lock;
} Launch;

static void
launch_clear (gpointer data)
{
  Launch *launch = data;

  g_free (launch->uri);
  g_object_unref (launch->abort);
  g_clear_error (&launch->error);
  g_mutex_clear (&launch->lock);
}

static void
launch_unref (gpointer data)
{
  g_atomic_rc_box_release_full (data, launch_clear);
}

static gboolean
launch_cb (gpointer data)
{
  Launch *launch = data;
  GError *error = NULL;

  if (!launch->func (launch->uri, launch->func_data, &error))
    {
      if (error == NULL)
        g_set_error_literal (&error, KYSO_ERROR, KYSO_ERROR_FAILED, _ ("Could not open the web browser."));
      g_mutex_lock (&launch->lock);
      launch->error = error;
      g_mutex_unlock (&launch->lock);
      g_cancellable_cancel (launch->abort);
    }
  return G_SOURCE_REMOVE;
}

static void
forward_cancel (GCancellable *cancellable, gpointer data)
{
  g_cancellable_cancel (G_CANCELLABLE (data));
}

static char *
build_authorization_url (KysoOidcClient *self, const char *redirect_uri, const char *state, const char *nonce,
                         const char *challenge)
{
  g_autoptr (GString) url = g_string_new (self->authorization_endpoint);
  g_autoptr (GString) query = g_string_new (NULL);

  kyso_oidc_append_param (query, "response_type", "code");
  kyso_oidc_append_param (query, "client_id", self->client_id);
  kyso_oidc_append_param (query, "redirect_uri", redirect_uri);
  kyso_oidc_append_param (query, "scope", self->scope);
  kyso_oidc_append_param (query, "state", state);
  kyso_oidc_append_param (query, "nonce", nonce);
  kyso_oidc_append_param (query, "code_challenge", challenge);
  kyso_oidc_append_param (query, "code_challenge_method", "S256");
  g_string_append_c (url, strchr (url->str, '?') != NULL ? '&' : '?');
  g_string_append (url, query->str);
  return g_string_free (g_steal_pointer (&url), FALSE);
}

static char *
pkce_challenge (const char *verifier)
{
  guint8 digest[32];
  unsigned int len = sizeof digest;

  EVP_Digest (verifier, strlen (verifier), digest, &len, EVP_sha256 (), NULL);
  return kyso_base64url_encode (digest, len);
}

static gboolean
login_browser_locked (KysoOidcClient *self, KysoOpenUriFunc open_uri, gpointer open_uri_data,
                      GMainContext *context, guint timeout_seconds, GCancellable *cancellable, GError **error)
{
  g_autoptr (KysoLoopback) loopback = NULL;
  g_autoptr (GString) form = NULL;
  g_autoptr (JsonNode) answer = NULL;
  g_autoptr (GError) wait_error = NULL;
  g_autofree char *verifier = kyso_oidc_random_b64url (32);
  g_autofree char *challenge = pkce_challenge (verifier);
  g_autofree char *state = kyso_oidc_random_b64url (24);
  g_autofree char *nonce = kyso_oidc_random_b64url (24);
  g_autofree char *code = NULL;
  g_autofree char *iss = NULL;
  Launch *launch;
  gulong handler = 0;
  guint status = 0;

  if (!kyso_oidc_discover_locked (self, cancellable, error))
    return FALSE;
  loopback = kyso_loopback_new (self->redirect, error);
  if (loopback == NULL)
    return FALSE;

  launch = g_atomic_rc_box_new0 (Launch);
  g_mutex_init (&launch->lock);
  launch->uri
    = build_authorization_url (self, kyso_loopback_get_redirect_uri (loopback), state, nonce, challenge);
  launch->func = open_uri;
  launch->func_data = open_uri_data;
  launch->abort = g_cancellable_new ();
  if (cancellable != NULL)
    handler = g_cancellable_connect (cancellable, G_CALLBACK (forward_cancel), g_object_ref (launch->abort),
                                     g_object_unref);
  if (context != NULL)
    {
      /* Not g_main_context_invoke(): it would run the hook here when @context is free, and a
       * GUI must launch the browser from its own thread. */
      GSource *source = g_idle_source_new ();
      g_source_set_callback (source, launch_cb, g_atomic_rc_box_acquire (launch), launch_unref);
      g_source_attach (source, context);
      g_source_unref (source);
    }
  else
    launch_cb (launch);

  code = kyso_loopback_wait (loopback, state,
                             g_get_monotonic_time ()
                               + (gint64)(timeout_seconds ? timeout_seconds : 600) * G_USEC_PER_SEC,
                             &iss, launch->abort, &wait_error);
  if (cancellable != NULL)
    g_cancellable_disconnect (cancellable, handler);
  if (code == NULL)
    {
      g_mutex_lock (&launch->lock);
      if (launch->error != NULL)
        g_propagate_error (error, g_steal_pointer (&launch->error));
      else if (g_cancellable_set_error_if_cancelled (cancellable, error))
        ;
      else
        g_propagate_error (error, g_steal_pointer (&wait_error));
      g_mutex_unlock (&launch->lock);
      launch_unref (launch);
      return FALSE;
    }
  launch_unref (launch);
  /* RFC 9207: an answer naming another issuer is a mix-up attack; do not spend the code there. */
  if (iss != NULL && strcmp (iss, self->issuer) != 0)
    {
      g_set_error_literal (
        error, KYSO_ERROR, KYSO_ERROR_AUTH,
        _ ("The login answer came from another login server, so it was refused. Log in again."));
      return FALSE;
    }

  form = g_string_new (NULL);
  kyso_oidc_append_param (form, "grant_type", "authorization_code");
  kyso_oidc_append_param (form, "code", code);
  kyso_oidc_append_param (form, "redirect_uri", kyso_loopback_get_redirect_uri (loopback));
  kyso_oidc_append_param (form, "client_id", self->client_id);
  kyso_oidc_append_param (form, "code_verifier", verifier);
  answer = kyso_oidc_post_form (self, self->token_endpoint, form, &status, cancellable, error);
  if (answer == NULL)
    return FALSE;
  if (status != 200)
    {
      g_debug ("code exchange refused: HTTP %u %s", status,
               kyso_oidc_oauth_error (answer) ? kyso_oidc_oauth_error (answer) : "");
      g_set_error_literal (error, KYSO_ERROR, KYSO_ERROR_AUTH,
                           _ ("The login server did not accept the login. Try again."));
      return FALSE;
    }
  return kyso_oidc_accept_tokens (self, answer, nonce, TRUE, cancellable, error);
}

gboolean
kyso_oidc_client_login_browser (KysoOidcClient *self, KysoOpenUriFunc open_uri, gpointer open_uri_data,
                                GMainContext *context, guint timeout_seconds, GCancellable *cancellable,
                                GError **error)
{
  gboolean ok;

  g_return_val_if_fail (KYSO_IS_OIDC_CLIENT (self), FALSE);
  g_return_val_if_fail (open_uri != NULL, FALSE);

  g_mutex_lock (&self->op_lock);
  ok = login_browser_locked (self, open_uri, open_uri_data, context, timeout_seconds, cancellable, error);
  g_mutex_unlock (&self->op_lock);
  return ok;
}

/* ---- Direct login ---- */

int
kyso_oidc_client_login_password (KysoOidcClient *self, const char *username, const char *password,
                                 const char *otp, char **out_hint, GCancellable *cancellable, GError **error)
{
  g_autoptr (GString) form = g_string_new (NULL);
  g_autoptr (JsonNode) answer = NULL;
  const char *err;
  guint status = 0;
  int result = -1;

  g_return_val_if_fail (KYSO_IS_OIDC_CLIENT (self), -1);
  g_return_val_if_fail (username != NULL && password != NULL, -1);

  g_mutex_lock (&self->op_lock);
  if (!kyso_oidc_discover_locked (self, cancellable, error))
    goto out;
  kyso_oidc_append_param (form, "grant_type", "password");
  kyso_oidc_append_param (form, "client_id", self->client_id);
  kyso_oidc_append_param (form, "scope", self->scope);
  kyso_oidc_append_param (form, "username", username);
  kyso_oidc_append_param (form, "password", password);
  if (otp != NULL && *otp != '\0')
    kyso_oidc_append_param (form, "otp", otp);
  answer = kyso_oidc_post_form (self, self->token_endpoint, form, &status, cancellable, error);
  if (answer == NULL)
    goto out;
  if (status == 200)
    {
      if (kyso_oidc_accept_tokens (self, answer, NULL, TRUE, cancellable, error))
        result = KYSO_LOGIN_DONE;
      goto out;
    }
  err = kyso_oidc_oauth_error (answer);
  if (g_strcmp0 (err, "otp_required") == 0)
    {
      if (out_hint != NULL)
        *out_hint = g_strdup (kyso_pj_string (json_node_get_object (answer), "phone_hint"));
      result = KYSO_LOGIN_NEED_OTP;
    }
  else if (g_strcmp0 (err, "invalid_otp") == 0)
    g_set_error_literal (error, KYSO_ERROR, KYSO_ERROR_AUTH,
                         _ ("The OTP code is wrong or has expired. Ask for a new code and try again."));
  else if (g_strcmp0 (err, "invalid_grant") == 0)
    g_set_error_literal (error, KYSO_ERROR, KYSO_ERROR_AUTH,
                         _ ("The ID number or the password is not correct."));
  else if (g_strcmp0 (err, "unauthorized_client") == 0 || g_strcmp0 (err, "unsupported_grant_type") == 0)
    g_set_error_literal (error, KYSO_ERROR, KYSO_ERROR_UNSUPPORTED,
                         _ ("This portal does not accept a direct login. Log in with the browser instead."));
  else
    g_set_error (error, KYSO_ERROR, KYSO_ERROR_SERVER,
                 _ ("The login server answered with an error (HTTP %u). Try again later."), status);
out:
  g_mutex_unlock (&self->op_lock);
  return result;
}
