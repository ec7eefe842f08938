#include "config.h"

#include "kyso-remote-signer.h"
#include "kyso-error.h"
#include "kyso-remote-signer-private.h"

#include <glib/gi18n-lib.h>
#include <string.h>

typedef struct
{
  char *url; /* ends with '/' */
  char *ca_file;
  char *account;
  char *provider;
  KysoPending *pending;
  KysoRemoteOptions options;
} KysoRemoteSignerPrivate;

static void
kyso_remote_signer_iface_init (KysoSignerInterface *iface);

G_DEFINE_ABSTRACT_TYPE_WITH_CODE (KysoRemoteSigner, kyso_remote_signer, G_TYPE_OBJECT,
                                  G_ADD_PRIVATE (KysoRemoteSigner)
                                    G_IMPLEMENT_INTERFACE (KYSO_TYPE_SIGNER, kyso_remote_signer_iface_init))

#define PRIV(self) ((KysoRemoteSignerPrivate *)kyso_remote_signer_get_instance_private (self))
#define CLASS(self) KYSO_REMOTE_SIGNER_GET_CLASS (self)

static void
call_free (gpointer data)
{
  KysoRemoteCall *call = data;

  if (call->data_free != NULL)
    call->data_free (call->data);
  g_clear_object (&call->self);
  g_free (call->credential_id);
  g_free (call->description);
  g_clear_pointer (&call->digests, g_ptr_array_unref);
  g_strfreev (call->names);
  g_strfreev (call->doc_codes);
  g_clear_pointer (&call->wait, kyso_sign_wait_free);
  g_clear_object (&call->pending);
  g_clear_pointer (&call->credentials, g_ptr_array_unref);
  g_clear_pointer (&call->serials, g_ptr_array_unref);
  g_clear_pointer (&call->statuses, g_ptr_array_unref);
  g_free (call->client_transaction_id);
  g_free (call->transaction_id);
  g_free (call->tran_code);
  g_clear_pointer (&call->signatures, g_ptr_array_unref);
  g_free (call);
}

static KysoRemoteCall *
call_new (KysoRemoteSigner *self, KysoSignProgressFunc progress, gpointer progress_data,
          GCancellable *cancellable)
{
  KysoRemoteSignerPrivate *priv = PRIV (self);
  KysoRemoteCall *call = g_new0 (KysoRemoteCall, 1);

  call->self = g_object_ref (self);
  call->http.ca_file = priv->ca_file;
  /* The service password and tokens never travel in clear. */
  call->http.require_secure = TRUE;
  /* A status answer is small; a service that takes longer than this is as good as down. */
  call->http.timeout_seconds = 30;
  call->http.max_body_bytes = 4 * 1024 * 1024;
  call->wait = kyso_remote_options_new_wait (&priv->options, progress, progress_data, cancellable);
  if (priv->options.initial_ms == 0 && CLASS (self)->initial_ms > 0)
    kyso_sign_wait_set_interval (call->wait, CLASS (self)->initial_ms, CLASS (self)->max_ms);
  return call;
}

void
kyso_remote_call_add_credential (KysoRemoteCall *call, const char *id, GPtrArray *chain, const char *serial,
                                 const char *status)
{
  if (call->credentials == NULL)
    {
      call->credentials = g_ptr_array_new_with_free_func ((GDestroyNotify)kyso_signer_credential_free);
      call->serials = g_ptr_array_new_with_free_func (g_free);
      call->statuses = g_ptr_array_new_with_free_func (g_free);
    }
  g_ptr_array_add (call->credentials, kyso_signer_credential_new (id, PRIV (call->self)->provider, chain));
  g_ptr_array_add (call->serials, g_strdup (serial));
  g_ptr_array_add (call->statuses, g_strdup (status));
  g_ptr_array_unref (chain);
}

void
kyso_remote_call_set_data (KysoRemoteCall *call, gpointer data, GDestroyNotify destroy)
{
  if (call->data_free != NULL)
    call->data_free (call->data);
  call->data = data;
  call->data_free = destroy;
}

KysoSignPollResult
kyso_remote_call_post (KysoRemoteCall *call, const char *path, JsonNode *body, const char *bearer,
                       JsonNode **out_answer, guint *out_status, GError **error)
{
  g_autofree char *url = g_strconcat (PRIV (call->self)->url, path, NULL);
  KysoHttpOptions http = call->http;

  http.bearer_token = bearer;
  return kyso_remote_post_json (url, body, NULL, &http, kyso_sign_wait_get_cancellable (call->wait),
                                out_answer, out_status, error);
}

/* --- list -------------------------------------------------------------------------------------- */

static KysoSignPollResult
call_list (KysoSignWait *wait, gpointer user_data, GError **error)
{
  KysoRemoteCall *call = user_data;

  g_clear_pointer (&call->credentials, g_ptr_array_unref);
  g_clear_pointer (&call->serials, g_ptr_array_unref);
  g_clear_pointer (&call->statuses, g_ptr_array_unref);
  return CLASS (call->self)->list (call->self, call, error);
}

static gboolean
connect_and_list (KysoRemoteCall *call, GError **error)
{
  KysoRemoteSignerClass *klass = CLASS (call->self);

  if (klass->connect != NULL && !klass->connect (call->self, call, error))
    return FALSE;
  if (!kyso_sign_wait_call (call->wait, call_list, call, error))
    return FALSE;
  if (call->credentials == NULL)
    {
      call->credentials = g_ptr_array_new_with_free_func ((GDestroyNotify)kyso_signer_credential_free);
      call->serials = g_ptr_array_new_with_free_func (g_free);
      call->statuses = g_ptr_array_new_with_free_func (g_free);
    }
  return TRUE;
}

static void
list_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  KysoRemoteCall *call = task_data;
  GError *error = NULL;

  if (!connect_and_list (call, &error))
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, g_ptr_array_ref (call->credentials), (GDestroyNotify)g_ptr_array_unref);
}

static void
kyso_remote_signer_list_credentials_async (KysoSigner *signer, GCancellable *cancellable,
                                           GAsyncReadyCallback callback, gpointer user_data)
{
  KysoRemoteSigner *self = KYSO_REMOTE_SIGNER (signer);
  g_autoptr (GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, kyso_remote_signer_list_credentials_async);
  g_task_set_task_data (task, call_new (self, NULL, NULL, cancellable), call_free);
  g_task_run_in_thread (task, list_thread);
}

static GPtrArray *
kyso_remote_signer_list_credentials_finish (KysoSigner *signer, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, signer), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == kyso_remote_signer_list_credentials_async,
                        NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* --- sign -------------------------------------------------------------------------------------- */

/* The account as a national ID number to find on the certificate, when it is one. */
static const char *
account_id (KysoRemoteSigner *self)
{
  const char *account = PRIV (self)->account;
  gsize len = account != NULL ? strlen (account) : 0;

  return (len == 9 || len == 12) && strspn (account, "0123456789") == len ? account : NULL;
}

/* The credential the request names, checked before the phone is bothered. */
static gboolean
choose_credential (KysoRemoteCall *call, GError **error)
{
  KysoRemoteSignerPrivate *priv = PRIV (call->self);

  for (guint i = 0; i < call->credentials->len; i++)
    {
      const KysoSignerCredential *c = g_ptr_array_index (call->credentials, i);

      if (g_strcmp0 (c->id, call->credential_id) != 0)
        continue;
      /* The service's own word first (it knows about suspensions), then our own checks, which do
       * not trust that word (a stale "active" on an expired certificate). */
      if (!kyso_remote_check_status_word (g_ptr_array_index (call->statuses, i), error)
          || !kyso_remote_check_credential (c, account_id (call->self), &priv->options,
                                            kyso_sign_wait_get_cancellable (call->wait), error))
        return FALSE;
      call->credential = c;
      call->serial = g_ptr_array_index (call->serials, i);
      return TRUE;
    }
  g_set_error (error, KYSO_ERROR, KYSO_ERROR_NOT_FOUND,
               _ ("The certificate chosen for signing is no longer offered by %s. Choose the certificate "
                  "again."),
                  priv->provider);
  return FALSE;
}

static KysoSignPollResult
call_send (KysoSignWait *wait, gpointer user_data, GError **error)
{
  KysoRemoteCall *call = user_data;

  return CLASS (call->self)->send (call->self, call, error);
}

static KysoSignPollResult
call_poll (KysoSignWait *wait, gpointer user_data, GError **error)
{
  KysoRemoteCall *call = user_data;
  KysoSignPollResult r = CLASS (call->self)->poll (call->self, call, error);

  if (r == KYSO_SIGN_POLL_DONE)
    kyso_sign_wait_report (wait, KYSO_SIGN_STATE_APPROVED);
  return r;
}

static gboolean
sign_in_thread (KysoRemoteCall *call, GError **error)
{
  KysoRemoteSignerPrivate *priv = PRIV (call->self);
  const char *kind = CLASS (call->self)->pending_kind;
  KysoPending *pending = kind != NULL ? call->pending : NULL;
  gboolean resume = FALSE;

  kyso_sign_wait_set_info (call->wait, priv->provider, NULL, NULL);
  kyso_sign_wait_report (call->wait, KYSO_SIGN_STATE_SENDING);
  if (!connect_and_list (call, error) || !choose_credential (call, error))
    return FALSE;
  if (!kyso_remote_pending_begin (pending, kind, priv->url, priv->provider, call->credential, call->digests,
                                  (const char *const *)call->doc_codes, call->description, &resume, error))
    return FALSE;

  if (resume)
    {
      const char *const *codes = kyso_pending_get_doc_ids (pending);

      /* The codes the phone already shows for this request. */
      if (call->doc_codes != NULL && codes != NULL && g_strv_length ((char **)codes) == call->digests->len)
        {
          g_strfreev (call->doc_codes);
          call->doc_codes = g_strdupv ((char **)codes);
        }
      kyso_sign_wait_set_expires_at (call->wait, kyso_pending_get_expires_at (pending));
      if (kyso_pending_get_state (pending) == KYSO_PENDING_PREPARED)
        {
          /* Saved before the service's answer came: send the same request again, with the same
           * client transaction id. */
          call->client_transaction_id = g_strdup (kyso_pending_get_transaction_id (pending));
          resume = FALSE;
        }
      else
        {
          call->transaction_id = g_strdup (kyso_pending_get_transaction_id (pending));
          call->tran_code = g_strdup (kyso_pending_get_tran_code (pending));
          kyso_sign_wait_set_info (call->wait, NULL, call->transaction_id, NULL);
          g_debug ("%s: resuming transaction %s", kind, call->transaction_id);
        }
    }
  else
    {
      g_autofree char *uuid = g_uuid_string_random ();
      call->client_transaction_id = g_strconcat ("kyso-", uuid, NULL);
      kyso_sign_wait_set_expires_at (call->wait, kyso_remote_options_default_expiry (&priv->options));
      /* On disk before the request leaves: a crash from here on sends this same request. */
      kyso_remote_pending_record (pending, call->client_transaction_id, NULL,
                                  (const char *const *)call->doc_codes,
                                  kyso_sign_wait_get_expires_at (call->wait), KYSO_PENDING_PREPARED);
    }
  kyso_sign_wait_set_doc_codes (call->wait, (const char *const *)call->doc_codes);
  if (!resume)
    {
      gboolean waits = CLASS (call->self)->send_waits_for_phone;
      gint64 left = kyso_sign_wait_get_expires_at (call->wait) - g_get_real_time ();

      if (waits)
        {
          kyso_sign_wait_report (call->wait, KYSO_SIGN_STATE_WAITING);
          call->http.timeout_seconds = (guint)CLAMP (left / G_USEC_PER_SEC, 0, 86400) + 60;
        }
      if (!kyso_sign_wait_call (call->wait, call_send, call, error))
        return FALSE;
      call->http.timeout_seconds = 30;
      kyso_sign_wait_set_info (call->wait, NULL, call->transaction_id, NULL);
      if (call->transaction_id != NULL)
        kyso_remote_pending_record (pending, call->transaction_id, call->tran_code, NULL,
                                    kyso_sign_wait_get_expires_at (call->wait), KYSO_PENDING_SENT);
    }
  if (call->signatures == NULL)
    {
      kyso_sign_wait_report (call->wait, KYSO_SIGN_STATE_WAITING);
      if (!kyso_sign_wait_poll (call->wait, call_poll, call, error))
        return FALSE;
    }
  else
    kyso_sign_wait_report (call->wait, KYSO_SIGN_STATE_APPROVED);
  return kyso_remote_check_signatures (call->credential, call->digests, call->signatures, error);
}

static void
sign_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  KysoRemoteCall *call = task_data;
  GError *error = NULL;

  /* Whether a failed request's record is kept is the caller's decision (the signing job's). */
  if (sign_in_thread (call, &error))
    {
      kyso_remote_pending_end (CLASS (call->self)->pending_kind != NULL ? call->pending : NULL, NULL);
      g_task_return_pointer (task, g_steal_pointer (&call->signatures), (GDestroyNotify)g_ptr_array_unref);
    }
  else
    g_task_return_error (task, error);
}

static void
kyso_remote_signer_sign_digests_async (KysoSigner *signer, GPtrArray *digests, const KysoSignRequest *request,
                                       KysoSignProgressFunc progress, gpointer progress_data,
                                       GCancellable *cancellable, GAsyncReadyCallback callback,
                                       gpointer user_data)
{
  KysoRemoteSigner *self = KYSO_REMOTE_SIGNER (signer);
  KysoRemoteSignerPrivate *priv = PRIV (self);
  g_autoptr (GTask) task = g_task_new (self, cancellable, callback, user_data);
  KysoRemoteCall *call = call_new (self, progress, progress_data, cancellable);

  g_task_set_source_tag (task, kyso_remote_signer_sign_digests_async);
  g_task_set_task_data (task, call, call_free);
  call->credential_id = g_strdup (request->credential_id);
  /* Translators: shown on the citizen's phone when the caller gives no description */
  call->description = g_strdup (request->description ? request->description : _ ("Sign documents with Kyso"));
  call->digests = g_ptr_array_new_with_free_func ((GDestroyNotify)g_bytes_unref);
  for (guint i = 0; i < digests->len; i++)
    {
      GBytes *d = g_ptr_array_index (digests, i);
      if (g_bytes_get_size (d) != 32)
        {
          g_task_return_new_error (task, KYSO_ERROR, KYSO_ERROR_INVALID_INPUT,
                                   _ ("Only SHA-256 digests can be signed."));
          return;
        }
      g_ptr_array_add (call->digests, g_bytes_ref (d));
    }
  call->names = kyso_remote_make_doc_ids (request->doc_ids, digests->len);
  /* The doc_id is the code the citizen matches: Kyso chooses it. */
  if (CLASS (self)->shows_doc_codes)
    call->doc_codes = kyso_remote_make_doc_codes (digests->len);
  call->pending = priv->pending ? g_object_ref (priv->pending) : NULL;
  g_task_run_in_thread (task, sign_thread);
}

static GPtrArray *
kyso_remote_signer_sign_digests_finish (KysoSigner *signer, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, signer), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == kyso_remote_signer_sign_digests_async,
                        NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
kyso_remote_signer_iface_init (KysoSignerInterface *iface)
{
  iface->list_credentials_async = kyso_remote_signer_list_credentials_async;
  iface->list_credentials_finish = kyso_remote_signer_list_credentials_finish;
  iface->sign_digests_async = kyso_remote_signer_sign_digests_async;
  iface->sign_digests_finish = kyso_remote_signer_sign_digests_finish;
}

/* --- object ------------------------------------------------------------------------------------ */

static void
kyso_remote_signer_finalize (GObject *object)
{
  KysoRemoteSignerPrivate *priv = PRIV (KYSO_REMOTE_SIGNER (object));

  g_free (priv->url);
  g_free (priv->ca_file);
  g_free (priv->account);
  g_free (priv->provider);
  g_clear_object (&priv->pending);
  kyso_remote_options_clear (&priv->options);
  G_OBJECT_CLASS (kyso_remote_signer_parent_class)->finalize (object);
}

static void
kyso_remote_signer_class_init (KysoRemoteSignerClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = kyso_remote_signer_finalize;
}

static void
kyso_remote_signer_init (KysoRemoteSigner *self)
{
}

gboolean
_kyso_remote_signer_setup (KysoRemoteSigner *self, KysoConfig *config, const char *what, const char *url,
                           const char *account, const char *provider, GError **error)
{
  KysoRemoteSignerPrivate *priv = PRIV (self);

  if (!kyso_http_check_secure_url (url, what, error))
    return FALSE;
  priv->url = g_str_has_suffix (url, "/") ? g_strdup (url) : g_strconcat (url, "/", NULL);
  priv->ca_file = g_strdup (kyso_config_get_path (config, "tls", "ca_file"));
  priv->account = g_strdup (account);
  priv->provider = g_strdup (provider);
  kyso_remote_options_load (&priv->options, config);
  return TRUE;
}

const KysoRemoteOptions *
_kyso_remote_signer_get_options (KysoRemoteSigner *self)
{
  return &PRIV (self)->options;
}

const char *
kyso_remote_signer_get_url (KysoRemoteSigner *self)
{
  g_return_val_if_fail (KYSO_IS_REMOTE_SIGNER (self), NULL);
  return PRIV (self)->url;
}

const char *
kyso_remote_signer_get_provider (KysoRemoteSigner *self)
{
  g_return_val_if_fail (KYSO_IS_REMOTE_SIGNER (self), NULL);
  return PRIV (self)->provider;
}

const char *
kyso_remote_signer_get_account (KysoRemoteSigner *self)
{
  g_return_val_if_fail (KYSO_IS_REMOTE_SIGNER (self), NULL);
  return PRIV (self)->account;
}

void
kyso_remote_signer_set_pending (KysoRemoteSigner *self, KysoPending *pending)
{
  g_return_if_fail (KYSO_IS_REMOTE_SIGNER (self));
  g_set_object (&PRIV (self)->pending, pending);
}

void
kyso_remote_signer_set_expiry (KysoRemoteSigner *self, guint seconds)
{
  g_return_if_fail (KYSO_IS_REMOTE_SIGNER (self));
  PRIV (self)->options.expiry_seconds = seconds;
}

void
kyso_remote_signer_set_poll_interval (KysoRemoteSigner *self, guint initial_ms, guint max_ms)
{
  g_return_if_fail (KYSO_IS_REMOTE_SIGNER (self));
  PRIV (self)->options.initial_ms = initial_ms;
  PRIV (self)->options.max_ms = max_ms;
}
