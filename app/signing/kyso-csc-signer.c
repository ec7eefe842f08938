#include "config.h"

#include "kyso-csc-signer.h"
#include "kyso-error.h"
#include "kyso-http.h"
#include "kyso-remote-private.h"
#include "kyso-signing-credentials.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#define OID_SHA256 "2.16.840.1.101.3.4.2.1"
#define OID_RSA "1.2.840.113549.1.1.1"
#define OID_SHA256_WITH_RSA "1.2.840.113549.1.1.11"
#define OID_ECDSA_SHA256 "1.2.840.10045.4.3.2"

struct _KysoCscSigner
{
  GObject parent_instance;
  char *url;
  char *ca_file;
  char *username;
  char *provider;
  KysoPending *pending;
  KysoRemoteOptions options;
  gboolean allow_async;
};

static void
kyso_csc_signer_iface_init (KysoSignerInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (KysoCscSigner, kyso_csc_signer, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (KYSO_TYPE_SIGNER, kyso_csc_signer_iface_init))

typedef struct
{
  KysoCscSigner *self;
  KysoHttpOptions http;
  KysoSignWait *wait;
  KysoPending *pending;
  char *password;
  char *token; /* Bearer, memory only */
  char *sad;   /* memory only */
  char *provider;
  gboolean v1;       /* 1.0.4 forms: "hash", no operationMode */
  gboolean can_poll; /* info lists signatures/signPolling */
  char *credential_id;
  char *description;
  GPtrArray *digests;
  GPtrArray *credentials;           /* KysoSignerCredential */
  KysoSignerCredential *credential; /* borrowed from credentials */
  char *sign_algo;
  char *response_id;
  JsonObject *answer; /* the last answer */
  guint status;
  GPtrArray *signatures;
} Job;

static void
job_free (gpointer data)
{
  Job *job = data;

  g_clear_object (&job->self);
  g_clear_pointer (&job->wait, kyso_sign_wait_free);
  g_clear_object (&job->pending);
  kyso_signing_credentials_free_secret (job->password);
  if (job->token != NULL)
    memset (job->token, 0, strlen (job->token));
  g_free (job->token);
  if (job->sad != NULL)
    memset (job->sad, 0, strlen (job->sad));
  g_free (job->sad);
  g_free (job->provider);
  g_free (job->credential_id);
  g_free (job->description);
  g_clear_pointer (&job->digests, g_ptr_array_unref);
  g_clear_pointer (&job->credentials, g_ptr_array_unref);
  g_free (job->sign_algo);
  g_free (job->response_id);
  g_clear_pointer (&job->answer, json_object_unref);
  g_clear_pointer (&job->signatures, g_ptr_array_unref);
  g_free (job);
}

static Job *
job_new (KysoCscSigner *self, KysoSignProgressFunc progress, gpointer progress_data,
         GCancellable *cancellable)
{
  Job *job = g_new0 (Job, 1);

  job->self = g_object_ref (self);
  job->http.ca_file = self->ca_file;
  /* The service password and tokens never travel in clear. */
  job->http.require_secure = TRUE;
  job->http.timeout_seconds = 30;
  job->http.max_body_bytes = 4 * 1024 * 1024;
  job->wait = kyso_remote_options_new_wait (&self->options, progress, progress_data, cancellable);
  job->provider = g_strdup (self->provider);
  job->credentials = g_ptr_array_new_with_free_func ((GDestroyNotify)kyso_signer_credential_free);
  return job;
}

/* CSC errors are {"error", "error_description"}; the code decides, the description is detail. */
static void
set_csc_error (Job *job, const char *code, const char *description, GError **error)
{
  const char *detail = description ? description : code ? code : "?";

  if (g_strcmp0 (code, "access_denied") == 0)
    g_set_error_literal (error, KYSO_ERROR, KYSO_ERROR_REFUSED,
                         _("The signing request was refused on the phone. Nothing was signed."));
  else if (g_strcmp0 (code, "expired_transaction") == 0)
    g_set_error_literal (error, KYSO_ERROR, KYSO_ERROR_EXPIRED,
                         _("The request was not approved in time. Nothing was signed; sign again and "
                           "approve the request on your phone before the time runs out."));
  else if (g_strcmp0 (code, "invalid_token") == 0 || g_strcmp0 (code, "unauthorized_client") == 0
           || g_strcmp0 (code, "invalid_sad") == 0)
    g_set_error (error, KYSO_ERROR, KYSO_ERROR_AUTH,
                 _("The signing service did not accept the login of “%s”. Store the right password with "
                   "“kyso-cli signing-credentials set --service csc --sp-id %s”."),
                    job->self->username, job->self->username);
  else if (g_strcmp0 (code, "credential_revoked") == 0)
    kyso_remote_set_revoked_error (error);
  else if (g_strcmp0 (code, "credential_expired") == 0)
    kyso_remote_set_expired_error (error);
  else if (g_strcmp0 (code, "invalid_credential") == 0 || g_strcmp0 (code, "invalid_response_id") == 0)
    g_set_error (error, KYSO_ERROR, KYSO_ERROR_NOT_FOUND,
                 _("The signing service does not know this certificate or request (%s). Choose the "
                   "certificate again and sign again."),
                    detail);
  else
    g_set_error (error, KYSO_ERROR, KYSO_ERROR_SERVER,
                 /* Translators: %s is the service's own explanation */
                 _("The signing service did not accept the request (%s). Nothing was signed."), detail);
}

/* POSTs @b (ended here) to url+@method. DONE leaves the answer in job->answer (2xx only). */
static KysoSignPollResult
csc_post (Job *job, const char *method, JsonBuilder *b, const char *const *headers, GError **error)
{
  g_autofree char *url = g_strconcat (job->self->url, method, NULL);
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(JsonNode) answer = NULL;
  KysoSignPollResult r;
  JsonObject *root;

  if (b != NULL)
    {
      json_builder_end_object (b);
      body = json_builder_get_root (b);
    }
  g_clear_pointer (&job->answer, json_object_unref);
  job->http.bearer_token = job->token;
  r = kyso_remote_post_json (url, body, headers, &job->http, kyso_sign_wait_get_cancellable (job->wait),
                             &answer, &job->status, error);
  if (r != KYSO_SIGN_POLL_DONE)
    return r;
  root = json_node_get_object (answer);
  if (job->status < 200 || job->status >= 300)
    {
      const char *code = kyso_remote_json_string (root, "error");
      g_debug ("CSC %s: HTTP %u %s", method, job->status, code ? code : "");
      set_csc_error (job, code, kyso_remote_json_string (root, "error_description"), error);
      return KYSO_SIGN_POLL_FAILED;
    }
  job->answer = json_object_ref (root);
  return KYSO_SIGN_POLL_DONE;
}

static JsonBuilder *
begin_body (void)
{
  JsonBuilder *b = json_builder_new ();

  json_builder_begin_object (b);
  return b;
}

static void
add_string (JsonBuilder *b, const char *name, const char *value)
{
  json_builder_set_member_name (b, name);
  json_builder_add_string_value (b, value);
}

static gboolean
has_string (JsonArray *array, const char *value)
{
  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      JsonNode *n = json_array_get_element (array, i);
      if (JSON_NODE_HOLDS_VALUE (n) && json_node_get_value_type (n) == G_TYPE_STRING
          && g_strcmp0 (json_node_get_string (n), value) == 0)
        return TRUE;
    }
  return FALSE;
}

static KysoSignPollResult
call_info (KysoSignWait *wait, gpointer user_data, GError **error)
{
  Job *job = user_data;
  g_autoptr(JsonBuilder) b = begin_body ();
  KysoSignPollResult r;
  const char *specs;

  add_string (b, "lang", "vi-VN");
  r = csc_post (job, "info", b, NULL, error);
  if (r != KYSO_SIGN_POLL_DONE)
    return r;
  specs = kyso_remote_json_string (job->answer, "specs");
  job->v1 = specs != NULL && g_str_has_prefix (specs, "1.");
  job->can_poll
    = !job->v1 && has_string (kyso_remote_json_array (job->answer, "methods"), "signatures/signPolling");
  if (job->provider == NULL)
    job->provider = g_strdup (kyso_remote_json_string (job->answer, "name"));
  return KYSO_SIGN_POLL_DONE;
}

static KysoSignPollResult
call_login (KysoSignWait *wait, gpointer user_data, GError **error)
{
  Job *job = user_data;
  g_autofree char *pair = g_strdup_printf ("%s:%s", job->self->username, job->password);
  g_autofree char *basic = g_base64_encode ((const guchar *)pair, strlen (pair));
  g_autofree char *header = g_strconcat ("Authorization: Basic ", basic, NULL);
  const char *headers[] = { header, NULL };
  g_autoptr(JsonBuilder) b = begin_body ();
  KysoSignPollResult r;
  const char *token;

  json_builder_set_member_name (b, "rememberMe");
  json_builder_add_boolean_value (b, FALSE);
  g_clear_pointer (&job->token, g_free);
  r = csc_post (job, "auth/login", b, headers, error);
  memset (pair, 0, strlen (pair));
  memset (header, 0, strlen (header));
  if (r != KYSO_SIGN_POLL_DONE)
    return r;
  token = kyso_remote_json_string (job->answer, "access_token");
  if (token == NULL)
    {
      g_set_error_literal (error, KYSO_ERROR, KYSO_ERROR_SERVER,
                           _("The signing service accepted the login but sent no access token."));
      return KYSO_SIGN_POLL_FAILED;
    }
  job->token = g_strdup (token);
  return KYSO_SIGN_POLL_DONE;
}

static gboolean
connect_service (Job *job, GError **error)
{
  g_autoptr(GError) local = NULL;

  if (!kyso_sign_wait_call (job->wait, call_info, job, error))
    return FALSE;
  job->password = kyso_signing_credentials_lookup_sync ("csc", job->self->username,
                                                        kyso_sign_wait_get_cancellable (job->wait), &local);
  if (job->password == NULL)
    {
      if (g_error_matches (local, KYSO_ERROR, KYSO_ERROR_NOT_FOUND))
        local->code = KYSO_ERROR_AUTH;
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  return kyso_sign_wait_call (job->wait, call_login, job, error);
}

typedef struct
{
  Job *job;
  const char *credential_id;
  char *cert_status;
  char *auth_mode;
  char *sign_algo;
} InfoCall;

static KysoSignPollResult
call_credential_info (KysoSignWait *wait, gpointer user_data, GError **error)
{
  InfoCall *call = user_data;
  Job *job = call->job;
  g_autoptr(JsonBuilder) b = begin_body ();
  g_autoptr(GPtrArray) chain = g_ptr_array_new_with_free_func ((GDestroyNotify)g_bytes_unref);
  JsonObject *cert, *key, *auth;
  JsonArray *certs, *algos;
  KysoSignPollResult r;
  const char *mode;

  add_string (b, "credentialID", call->credential_id);
  add_string (b, "certificates", "chain");
  json_builder_set_member_name (b, "certInfo");
  json_builder_add_boolean_value (b, TRUE);
  json_builder_set_member_name (b, "authInfo");
  json_builder_add_boolean_value (b, TRUE);
  r = csc_post (job, "credentials/info", b, NULL, error);
  if (r != KYSO_SIGN_POLL_DONE)
    return r;

  cert = kyso_remote_json_object (job->answer, "cert");
  key = kyso_remote_json_object (job->answer, "key");
  certs = kyso_remote_json_array (cert, "certificates");
  for (guint i = 0; certs != NULL && i < json_array_get_length (certs); i++)
    {
      JsonNode *n = json_array_get_element (certs, i);
      GBytes *der = JSON_NODE_HOLDS_VALUE (n) && json_node_get_value_type (n) == G_TYPE_STRING
                      ? kyso_remote_base64_decode (json_node_get_string (n))
                      : NULL;
      if (der == NULL)
        break;
      g_ptr_array_add (chain, der);
    }
  if (chain->len == 0)
    {
      g_set_error_literal (error, KYSO_ERROR, KYSO_ERROR_SERVER,
                           _("The signing service sent a certificate Kyso cannot read."));
      return KYSO_SIGN_POLL_FAILED;
    }
  /* v2 has auth.mode, v1.0.4 only authMode. */
  auth = kyso_remote_json_object (job->answer, "auth");
  mode = kyso_remote_json_string (auth, "mode");
  g_free (call->auth_mode);
  call->auth_mode = g_strdup (mode ? mode : kyso_remote_json_string (job->answer, "authMode"));
  g_free (call->cert_status);
  call->cert_status = g_strdup (kyso_remote_json_string (cert, "status"));
  /* Plain RSA over our DigestInfo-less digest is what the service wraps for us; prefer it. */
  algos = kyso_remote_json_array (key, "algo");
  g_free (call->sign_algo);
  call->sign_algo = g_strdup (has_string (algos, OID_RSA)               ? OID_RSA
                              : has_string (algos, OID_SHA256_WITH_RSA) ? OID_SHA256_WITH_RSA
                              : has_string (algos, OID_ECDSA_SHA256)    ? OID_ECDSA_SHA256
                                                                        : NULL);
  g_ptr_array_add (job->credentials, kyso_signer_credential_new (call->credential_id, job->provider, chain));
  return KYSO_SIGN_POLL_DONE;
}

static void
info_call_clear (InfoCall *call)
{
  g_free (call->cert_status);
  g_free (call->auth_mode);
  g_free (call->sign_algo);
}

static KysoSignPollResult
call_list (KysoSignWait *wait, gpointer user_data, GError **error)
{
  Job *job = user_data;
  g_autoptr(JsonBuilder) b = begin_body ();

  /* Only the ids: credentials/info then gives the chain in both versions' one form. */
  json_builder_set_member_name (b, "credentialInfo");
  json_builder_add_boolean_value (b, FALSE);
  return csc_post (job, "credentials/list", b, NULL, error);
}

static void
list_credentials_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  Job *job = task_data;
  g_autoptr(GStrvBuilder) ids = g_strv_builder_new ();
  g_auto(GStrv) list = NULL;
  GError *error = NULL;
  JsonArray *array;

  if (!connect_service (job, &error) || !kyso_sign_wait_call (job->wait, call_list, job, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  array = kyso_remote_json_array (job->answer, "credentialIDs");
  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      JsonNode *n = json_array_get_element (array, i);
      if (JSON_NODE_HOLDS_VALUE (n) && json_node_get_value_type (n) == G_TYPE_STRING)
        g_strv_builder_add (ids, json_node_get_string (n));
    }
  list = g_strv_builder_end (ids);
  for (guint i = 0; list[i] != NULL; i++)
    {
      InfoCall call = { job, list[i] };
      gboolean ok = kyso_sign_wait_call (job->wait, call_credential_info, &call, &error);

      info_call_clear (&call);
      if (!ok)
        {
          g_task_return_error (task, error);
          return;
        }
    }
  g_task_return_pointer (task, g_ptr_array_ref (job->credentials), (GDestroyNotify)g_ptr_array_unref);
}

static void
kyso_csc_signer_list_credentials_async (KysoSigner *signer, GCancellable *cancellable,
                                        GAsyncReadyCallback callback, gpointer user_data)
{
  KysoCscSigner *self = KYSO_CSC_SIGNER (signer);
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, kyso_csc_signer_list_credentials_async);
  g_task_set_task_data (task, job_new (self, NULL, NULL, cancellable), job_free);
  g_task_run_in_thread (task, list_credentials_thread);
}

static GPtrArray *
kyso_csc_signer_list_credentials_finish (KysoSigner *signer, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, signer), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == kyso_csc_signer_list_credentials_async,
                        NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* What credentials/info says, before any of our own checks. */
static gboolean
check_info (const InfoCall *call, GError **error)
{
  if (!kyso_remote_check_status_word (call->cert_status, error))
    return FALSE;
  if (call->auth_mode != NULL && g_strcmp0 (call->auth_mode, "implicit") != 0)
    {
      g_set_error (error, KYSO_ERROR, KYSO_ERROR_UNSUPPORTED,
                   /* Translators: %s is a CSC authorisation mode such as "explicit" or "oauth2code" */
                   _("This certificate needs an authorisation Kyso does not support yet (%s). Ask your "
                     "certificate provider for approval on the phone."),
                      call->auth_mode);
      return FALSE;
    }
  if (call->sign_algo == NULL)
    {
      g_set_error_literal (error, KYSO_ERROR, KYSO_ERROR_UNSUPPORTED,
                           _("The signing service offers no signature algorithm Kyso can use with this "
                             "certificate."));
      return FALSE;
    }
  return TRUE;
}

/* The credential to sign with, checked before the phone is bothered. */
static gboolean
prepare_credential (Job *job, GError **error)
{
  InfoCall call = { job, job->credential_id };
  const char *login = job->self->username;
  gboolean ok = FALSE;

  if (kyso_sign_wait_call (job->wait, call_credential_info, &call, error) && check_info (&call, error))
    {
      job->credential = g_ptr_array_index (job->credentials, job->credentials->len - 1);
      /* A login that is an ID number (as at the sandbox and Vietnamese CAs) must be the holder's. */
      ok = kyso_remote_check_credential (
        job->credential, strspn (login, "0123456789") == strlen (login) ? login : NULL, &job->self->options,
        kyso_sign_wait_get_cancellable (job->wait), error);
      if (ok)
        job->sign_algo = g_strdup (call.sign_algo);
    }
  info_call_clear (&call);
  return ok;
}

static void
add_hashes (Job *job, JsonBuilder *b)
{
  /* v1.0.4 calls the list "hash", v2 "hashes". */
  json_builder_set_member_name (b, job->v1 ? "hash" : "hashes");
  json_builder_begin_array (b);
  for (guint i = 0; i < job->digests->len; i++)
    {
      gsize n;
      const guint8 *d = g_bytes_get_data (g_ptr_array_index (job->digests, i), &n);
      g_autofree char *b64 = g_base64_encode (d, n);
      json_builder_add_string_value (b, b64);
    }
  json_builder_end_array (b);
}

static gboolean
use_async (Job *job)
{
  return job->can_poll && job->self->allow_async;
}

/* SAD signatures are in the same order as the hashes. */
static KysoSignPollResult
take_signatures (Job *job, GError **error)
{
  JsonArray *array = kyso_remote_json_array (job->answer, "signatures");
  g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func ((GDestroyNotify)g_bytes_unref);

  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      JsonNode *n = json_array_get_element (array, i);
      GBytes *sig = JSON_NODE_HOLDS_VALUE (n) && json_node_get_value_type (n) == G_TYPE_STRING
                      ? kyso_remote_base64_decode (json_node_get_string (n))
                      : NULL;
      if (sig == NULL)
        break;
      g_ptr_array_add (out, sig);
    }
  if (out->len != job->digests->len)
    {
      g_set_error_literal (error, KYSO_ERROR, KYSO_ERROR_BAD_SIGNATURE,
                           _("The signing service did not return one signature per document. Nothing "
                             "was signed."));
      return KYSO_SIGN_POLL_FAILED;
    }
  g_clear_pointer (&job->signatures, g_ptr_array_unref);
  job->signatures = g_steal_pointer (&out);
  return KYSO_SIGN_POLL_DONE;
}

/* authorize and signHash are retried together: a SAD may be used up by a request whose answer was
 * lost, and a new one costs nothing (implicit mode). */
static KysoSignPollResult
call_authorize_and_sign (KysoSignWait *wait, gpointer user_data, GError **error)
{
  Job *job = user_data;
  g_autoptr(JsonBuilder) a = begin_body ();
  g_autoptr(JsonBuilder) s = begin_body ();
  KysoSignPollResult r;
  const char *sad;

  add_string (a, "credentialID", job->credential_id);
  json_builder_set_member_name (a, "numSignatures");
  json_builder_add_int_value (a, job->digests->len);
  add_hashes (job, a);
  if (!job->v1)
    add_string (a, "hashAlgorithmOID", OID_SHA256);
  r = csc_post (job, "credentials/authorize", a, NULL, error);
  if (r != KYSO_SIGN_POLL_DONE)
    return r;
  sad = kyso_remote_json_string (job->answer, "SAD");
  if (sad == NULL)
    {
      g_set_error_literal (error, KYSO_ERROR, KYSO_ERROR_SERVER,
                           _("The signing service did not authorise the signature. Nothing was signed."));
      return KYSO_SIGN_POLL_FAILED;
    }
  g_free (job->sad);
  job->sad = g_strdup (sad);

  add_string (s, "credentialID", job->credential_id);
  add_string (s, "SAD", job->sad);
  add_hashes (job, s);
  add_string (s, job->v1 ? "hashAlgo" : "hashAlgorithmOID", OID_SHA256);
  add_string (s, "signAlgo", job->sign_algo);
  add_string (s, "clientData", job->description);
  if (use_async (job))
    add_string (s, "operationMode", "A");
  else
    /* Synchronous: the answer comes when the citizen decides, so wait as long as they may. */
    kyso_sign_wait_report (wait, KYSO_SIGN_STATE_WAITING);
  r = csc_post (job, "signatures/signHash", s, NULL, error);
  if (r != KYSO_SIGN_POLL_DONE)
    return r;
  if (!use_async (job))
    return take_signatures (job, error);
  g_free (job->response_id);
  job->response_id = g_strdup (kyso_remote_json_string (job->answer, "responseID"));
  if (job->response_id == NULL)
    {
      g_set_error_literal (
        error, KYSO_ERROR, KYSO_ERROR_SERVER,
        _("The signing service did not say how to follow the request. Nothing was signed."));
      return KYSO_SIGN_POLL_FAILED;
    }
  return KYSO_SIGN_POLL_DONE;
}

static KysoSignPollResult
call_poll (KysoSignWait *wait, gpointer user_data, GError **error)
{
  Job *job = user_data;
  g_autoptr(JsonBuilder) b = begin_body ();
  KysoSignPollResult r;

  add_string (b, "responseID", job->response_id);
  r = csc_post (job, "signatures/signPolling", b, NULL, error);
  if (r != KYSO_SIGN_POLL_DONE)
    return r;
  if (job->status == 202 || g_strcmp0 (kyso_remote_json_string (job->answer, "status"), "pending") == 0)
    return KYSO_SIGN_POLL_PENDING;
  kyso_sign_wait_report (wait, KYSO_SIGN_STATE_APPROVED);
  return take_signatures (job, error);
}

static gboolean
sign_in_thread (Job *job, GError **error)
{
  g_auto(GStrv) doc_ids = kyso_remote_make_doc_ids (NULL, job->digests->len);
  gboolean resume = FALSE;
  guint expiry = job->self->options.expiry_seconds ? job->self->options.expiry_seconds
                                                   : KYSO_SIGN_WAIT_DEFAULT_EXPIRY_SECONDS;

  /* This service's app shows no code Kyso chose: none is shown here either. */
  kyso_sign_wait_set_info (job->wait, job->self->provider, NULL, NULL);
  kyso_sign_wait_report (job->wait, KYSO_SIGN_STATE_SENDING);
  if (!connect_service (job, error))
    return FALSE;
  kyso_sign_wait_set_info (job->wait, job->provider, NULL, NULL);
  if (!prepare_credential (job, error))
    return FALSE;
  /* Only an asynchronous request has an id to come back to. */
  if (use_async (job)
      && !kyso_remote_pending_begin (job->pending, "csc", job->self->url, job->provider, job->credential,
                                     job->digests, (const char *const *)doc_ids, job->description, &resume,
                                     error))
    return FALSE;

  if (resume)
    {
      job->response_id = g_strdup (kyso_pending_get_transaction_id (job->pending));
      kyso_sign_wait_set_expires_at (job->wait, kyso_pending_get_expires_at (job->pending));
      g_debug ("CSC: resuming request %s", job->response_id);
    }
  else
    {
      kyso_sign_wait_set_expires_at (job->wait, kyso_remote_options_default_expiry (&job->self->options));
      if (!use_async (job))
        job->http.timeout_seconds = expiry + 60;
      if (!kyso_sign_wait_call (job->wait, call_authorize_and_sign, job, error))
        return FALSE;
      job->http.timeout_seconds = 30;
      if (use_async (job))
        kyso_remote_pending_record (job->pending, job->response_id, NULL, NULL,
                                    kyso_sign_wait_get_expires_at (job->wait), KYSO_PENDING_SENT);
    }
  if (use_async (job))
    {
      kyso_sign_wait_set_info (job->wait, NULL, job->response_id, NULL);
      kyso_sign_wait_report (job->wait, KYSO_SIGN_STATE_WAITING);
      if (!kyso_sign_wait_poll (job->wait, call_poll, job, error))
        return FALSE;
    }
  else
    kyso_sign_wait_report (job->wait, KYSO_SIGN_STATE_APPROVED);
  return kyso_remote_check_signatures (job->credential, job->digests, job->signatures, error);
}

static void
sign_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  Job *job = task_data;
  GError *error = NULL;

  if (sign_in_thread (job, &error))
    {
      if (job->response_id != NULL)
        kyso_remote_pending_end (job->pending, NULL);
      g_task_return_pointer (task, g_steal_pointer (&job->signatures), (GDestroyNotify)g_ptr_array_unref);
    }
  else
    {
      if (job->response_id != NULL)
        kyso_remote_pending_end (job->pending, error);
      g_task_return_error (task, error);
    }
}

static void
kyso_csc_signer_sign_digests_async (KysoSigner *signer, GPtrArray *digests, const KysoSignRequest *request,
                                    KysoSignProgressFunc progress, gpointer progress_data,
                                    GCancellable *cancellable, GAsyncReadyCallback callback,
                                    gpointer user_data)
{
  KysoCscSigner *self = KYSO_CSC_SIGNER (signer);
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  Job *job = job_new (self, progress, progress_data, cancellable);

  g_task_set_source_tag (task, kyso_csc_signer_sign_digests_async);
  g_task_set_task_data (task, job, job_free);
  job->credential_id = g_strdup (request->credential_id);
  job->description = g_strdup (request->description ? request->description : _("Sign documents with Kyso"));
  job->digests = g_ptr_array_new_with_free_func ((GDestroyNotify)g_bytes_unref);
  for (guint i = 0; i < digests->len; i++)
    {
      GBytes *d = g_ptr_array_index (digests, i);
      if (g_bytes_get_size (d) != 32)
        {
          g_task_return_new_error (task, KYSO_ERROR, KYSO_ERROR_INVALID_INPUT,
                                   _("Only SHA-256 digests can be signed."));
          return;
        }
      g_ptr_array_add (job->digests, g_bytes_ref (d));
    }
  job->pending = self->pending ? g_object_ref (self->pending) : NULL;
  g_task_run_in_thread (task, sign_thread);
}

static GPtrArray *
kyso_csc_signer_sign_digests_finish (KysoSigner *signer, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, signer), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == kyso_csc_signer_sign_digests_async, NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
kyso_csc_signer_iface_init (KysoSignerInterface *iface)
{
  iface->list_credentials_async = kyso_csc_signer_list_credentials_async;
  iface->list_credentials_finish = kyso_csc_signer_list_credentials_finish;
  iface->sign_digests_async = kyso_csc_signer_sign_digests_async;
  iface->sign_digests_finish = kyso_csc_signer_sign_digests_finish;
}

static void
kyso_csc_signer_finalize (GObject *object)
{
  KysoCscSigner *self = KYSO_CSC_SIGNER (object);

  g_free (self->url);
  g_free (self->ca_file);
  g_free (self->username);
  g_free (self->provider);
  g_clear_object (&self->pending);
  kyso_remote_options_clear (&self->options);
  G_OBJECT_CLASS (kyso_csc_signer_parent_class)->finalize (object);
}

static void
kyso_csc_signer_class_init (KysoCscSignerClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = kyso_csc_signer_finalize;
}

static void
kyso_csc_signer_init (KysoCscSigner *self)
{
  self->allow_async = TRUE;
}

KysoCscSigner *
kyso_csc_signer_new (KysoConfig *config, const char *username, const char *provider, GError **error)
{
  const char *url = kyso_config_get (config, "csc", "url");
  KysoCscSigner *self;

  g_return_val_if_fail (config != NULL, NULL);
  if (url == NULL || (!g_str_has_prefix (url, "https://") && !g_str_has_prefix (url, "http://")))
    {
      g_set_error_literal (
        error, KYSO_ERROR, KYSO_ERROR_INVALID_INPUT,
        _("The CSC signing service is not configured: the configuration needs [csc] url."));
      return NULL;
    }
  if (!kyso_http_check_secure_url (url, "[csc] url", error))
    return NULL;
  if (username == NULL || *username == '\0' || strchr (username, ':') != NULL)
    {
      g_set_error_literal (error, KYSO_ERROR, KYSO_ERROR_INVALID_INPUT,
                           _("The account to log in to the signing service is missing or not valid."));
      return NULL;
    }
  self = g_object_new (KYSO_TYPE_CSC_SIGNER, NULL);
  self->url = g_str_has_suffix (url, "/") ? g_strdup (url) : g_strconcat (url, "/", NULL);
  self->ca_file = g_strdup (kyso_config_get_path (config, "tls", "ca_file"));
  self->username = g_strdup (username);
  self->provider = g_strdup (provider);
  kyso_remote_options_load (&self->options, config);
  return self;
}

const char *
kyso_csc_signer_get_url (KysoCscSigner *self)
{
  g_return_val_if_fail (KYSO_IS_CSC_SIGNER (self), NULL);
  return self->url;
}

void
kyso_csc_signer_set_pending (KysoCscSigner *self, KysoPending *pending)
{
  g_return_if_fail (KYSO_IS_CSC_SIGNER (self));
  g_set_object (&self->pending, pending);
}

void
kyso_csc_signer_set_expiry (KysoCscSigner *self, guint seconds)
{
  g_return_if_fail (KYSO_IS_CSC_SIGNER (self));
  self->options.expiry_seconds = seconds;
}

void
kyso_csc_signer_set_poll_interval (KysoCscSigner *self, guint initial_ms, guint max_ms)
{
  g_return_if_fail (KYSO_IS_CSC_SIGNER (self));
  self->options.initial_ms = initial_ms;
  self->options.max_ms = max_ms;
}

void
kyso_csc_signer_set_allow_async (KysoCscSigner *self, gboolean allow)
{
  g_return_if_fail (KYSO_IS_CSC_SIGNER (self));
  self->allow_async = allow;
}
