#include "config.h"

#include "kyso-neac-signer.h"
#include "kyso-neac-signer-private.h"
#include "kyso-certificate.h"
#include "kyso-error.h"
#include "kyso-http.h"
#include "kyso-remote-private.h"
#include "kyso-signing-credentials.h"
#include "kyso-util.h"

#include <glib/gi18n-lib.h>
#include <string.h>

struct _KysoNeacSigner {
  GObject            parent_instance;
  char              *url;       /* the documented base, …/sca/sp769/, ends with '/' */
  char              *sp_id;
  char              *ca_file;
  char              *account;
  char              *provider;
  KysoPending       *pending;
  KysoRemoteOptions  options;
};

static void kyso_neac_signer_iface_init (KysoSignerInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (KysoNeacSigner, kyso_neac_signer, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (KYSO_TYPE_SIGNER, kyso_neac_signer_iface_init))

/* One call's worth of state, owned by the GTask and used by its worker thread. */
typedef struct {
  KysoNeacSigner       *self;
  KysoHttpOptions       http;
  char                 *password;
  char                 *credential_id;
  char                 *description;
  GStrv                 doc_ids;
  GPtrArray            *digests;
  KysoSignWait         *wait;
  KysoPending          *pending;
  GPtrArray            *credentials;  /* KysoSignerCredential from get_certificate */
  GPtrArray            *serials;      /* serial_number per credential */
  GPtrArray            *statuses;     /* cert_status per credential */
  const KysoSignerCredential *credential; /* borrowed from credentials */
  const char           *serial;            /* borrowed from serials */
  char                 *client_transaction_id; /* the id Kyso sent with sign (a retry sends it again) */
  char                 *transaction_id;        /* the gateway's, from its answer: polled with */
  JsonObject           *data;         /* the last answer's "data" (NULL when it had none) */
  GPtrArray            *signatures;
} Job;

static void
job_free (gpointer data)
{
  Job *job = data;

  g_clear_object (&job->self);
  kyso_signing_credentials_free_secret (job->password);
  g_free (job->credential_id);
  g_free (job->description);
  g_strfreev (job->doc_ids);
  g_clear_pointer (&job->digests, g_ptr_array_unref);
  g_clear_pointer (&job->wait, kyso_sign_wait_free);
  g_clear_object (&job->pending);
  g_clear_pointer (&job->credentials, g_ptr_array_unref);
  g_clear_pointer (&job->serials, g_ptr_array_unref);
  g_clear_pointer (&job->statuses, g_ptr_array_unref);
  g_free (job->client_transaction_id);
  g_free (job->transaction_id);
  g_clear_pointer (&job->data, json_object_unref);
  g_clear_pointer (&job->signatures, g_ptr_array_unref);
  g_free (job);
}

static Job *
job_new (KysoNeacSigner *self)
{
  Job *job = g_new0 (Job, 1);

  job->self = g_object_ref (self);
  job->http.ca_file = self->ca_file;
  /* The service password and tokens never travel in clear. */
  job->http.require_secure = TRUE;
  /* A status answer is small; a gateway that takes longer than this is as good as down. */
  job->http.timeout_seconds = 30;
  job->http.max_body_bytes = 4 * 1024 * 1024;
  return job;
}

static JsonBuilder *
begin_body (Job *job)
{
  JsonBuilder *b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "sp_id");
  json_builder_add_string_value (b, job->self->sp_id);
  json_builder_set_member_name (b, "sp_password");
  json_builder_add_string_value (b, job->password);
  return b;
}

static void
add_string (JsonBuilder *b, const char *name, const char *value)
{
  json_builder_set_member_name (b, name);
  if (value != NULL)
    json_builder_add_string_value (b, value);
  else
    json_builder_add_null_value (b);
}

static gboolean
message_has (const char *message, const char * const *words)
{
  g_autofree char *lower = message != NULL ? g_utf8_strdown (message, -1) : NULL;

  for (guint i = 0; lower != NULL && words[i] != NULL; i++)
    if (strstr (lower, words[i]) != NULL)
      return TRUE;
  return FALSE;
}

void
_kyso_neac_set_gateway_error (const char *sp_id, const char *provider, guint status, const char *message,
                              GError **error)
{
  static const char * const refused[] = { "reject", "refuse", "denied", "deny", "cancel", NULL };
  static const char * const expired[] = { "expire", "timeout", "time_out", "hết hạn", NULL };
  static const char * const revoked[] = { "revoke", "thu hồi", NULL };
  static const char * const not_found[] = { "user_not_found", "certificate_not_found", "cert_not_found", NULL };

  /* The documented codes decide; the message (text for logs, S1) only chooses the words. */
  if (status == 401)
    g_set_error (error, KYSO_ERROR, KYSO_ERROR_AUTH,
                 _("The NEAC signing gateway refused this computer’s service credentials. The "
                   "administrator must update them with “kyso-cli signing-credentials set --service neac "
                   "--sp-id %s”."),
                 sp_id);
  else if (status == 403 && message_has (message, revoked))
    kyso_remote_set_revoked_error (error);
  else if (status == 403 && message_has (message, expired))
    kyso_remote_set_expired_error (error);
  else if (status == 403)
    g_set_error_literal (error, KYSO_ERROR, KYSO_ERROR_CERTIFICATE,
                         _("Your signing certificate cannot be used right now. Contact your certificate "
                           "provider."));
  else if (status >= 500)
    g_set_error_literal (error, KYSO_ERROR, KYSO_ERROR_SERVER,
                         _("The NEAC signing gateway had an internal error and did not finish the request. "
                           "Nothing was signed; try again later."));
  else if (message_has (message, refused))
    g_set_error_literal (error, KYSO_ERROR, KYSO_ERROR_REFUSED,
                         _("The signing request was refused on the phone. Nothing was signed."));
  else if (message_has (message, expired))
    g_set_error_literal (error, KYSO_ERROR, KYSO_ERROR_EXPIRED,
                         _("The request was not approved in time. Nothing was signed; sign again and "
                           "approve the request on your phone before the time runs out."));
  else if (message_has (message, not_found))
    g_set_error (error, KYSO_ERROR, KYSO_ERROR_NOT_FOUND,
                 _("%s has no signing certificate for this ID number. Check the number and the provider "
                   "in your signature settings."),
                 provider);
  else
    g_set_error (error, KYSO_ERROR, KYSO_ERROR_SERVER,
                 /* Translators: %u is a status code such as 400, %s the gateway's own word for the problem */
                 _("The NEAC signing gateway ended the request (%u, %s). Nothing was signed."),
                 status, message ? message : "?");
}

/* POSTs to the gateway; DONE leaves the answer's "data" in job->data (NULL when the answer had
 * none). An HTTP 4xx or an envelope status_code other than 200 ends the call with a message. */
static KysoSignPollResult
neac_post (Job *job, const char *path, JsonBuilder *b, GError **error)
{
  g_autofree char *url = g_strconcat (job->self->url, path, NULL);
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(JsonNode) answer = NULL;
  KysoSignPollResult r;
  JsonObject *root;
  guint status = 0;
  gint64 status_code;

  json_builder_end_object (b);
  body = json_builder_get_root (b);
  g_clear_pointer (&job->data, json_object_unref);
  r = kyso_remote_post_json (url, body, NULL, &job->http, kyso_sign_wait_get_cancellable (job->wait), &answer,
                             &status, error);
  if (r != KYSO_SIGN_POLL_DONE)
    return r;
  root = json_node_get_object (answer);
  status_code = kyso_remote_json_int (root, "status_code", status);
  if (status != 200 || status_code != 200)
    {
      const char *message = kyso_remote_json_string (root, "message");
      guint code = status != 200 ? status : (guint) CLAMP (status_code, 0, 999);

      g_debug ("sp769 %s: HTTP %u, status_code %" G_GINT64_FORMAT ", %s", path, status, status_code,
               message ? message : "");
      _kyso_neac_set_gateway_error (job->self->sp_id, job->self->provider, code, message, error);
      return KYSO_SIGN_POLL_FAILED;
    }
  if (kyso_remote_json_object (root, "data") != NULL)
    job->data = json_object_ref (kyso_remote_json_object (root, "data"));
  return KYSO_SIGN_POLL_DONE;
}

static gboolean
lookup_password (Job *job, GError **error)
{
  g_autoptr(GError) local = NULL;

  job->password = kyso_signing_credentials_lookup_sync ("neac", job->self->sp_id,
                                                        kyso_sign_wait_get_cancellable (job->wait), &local);
  if (job->password != NULL)
    return TRUE;
  if (g_error_matches (local, KYSO_ERROR, KYSO_ERROR_NOT_FOUND))
    local->code = KYSO_ERROR_AUTH;
  g_propagate_error (error, g_steal_pointer (&local));
  return FALSE;
}

GPtrArray *
_kyso_neac_parse_certificates (JsonObject *data, const char *account, const char *provider,
                               GPtrArray **out_serials, GPtrArray **out_statuses, GError **error)
{
  g_autoptr(GPtrArray) credentials = g_ptr_array_new_with_free_func ((GDestroyNotify) kyso_signer_credential_free);
  g_autoptr(GPtrArray) serials = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) statuses = g_ptr_array_new_with_free_func (g_free);
  JsonArray *certs = kyso_remote_json_array (data, "user_certificates");
  guint n_valid = 0;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  for (guint i = 0; certs != NULL && i < json_array_get_length (certs); i++)
    {
      JsonNode *node = json_array_get_element (certs, i);
      JsonObject *c = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      JsonObject *chain_data = kyso_remote_json_object (c, "chain_data");
      const char *service_type = kyso_remote_json_string (c, "service_type");
      const char *id = kyso_remote_json_string (c, "cert_id");
      g_autoptr(GPtrArray) chain = NULL;
      g_autoptr(GBytes) der = NULL;
      g_autoptr(KysoCertificate) cert = NULL;
      GDateTime *not_after;
      guint at;

      /* An organisation seal is not the citizen's signature: never offered. */
      if (service_type != NULL && g_ascii_strcasecmp (service_type, "ESEAL") == 0)
        continue;
      der = kyso_remote_base64_decode (kyso_remote_json_string (c, "cert_data"));
      if (der == NULL || id == NULL || (cert = kyso_certificate_new (der, NULL)) == NULL)
        {
          g_set_error_literal (error, KYSO_ERROR, KYSO_ERROR_SERVER,
                               _("The NEAC signing gateway sent a certificate Kyso cannot read."));
          return NULL;
        }
      /* The citizen's own: the ID number on the certificate is the account's, whatever the
       * order of the list. */
      if (account != NULL && !kyso_certificate_matches_national_id (cert, account))
        continue;
      chain = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
      g_ptr_array_add (chain, g_steal_pointer (&der));
      /* Issuers, nearest first; root_cert may be null, and the CMS then carries less. */
      for (guint k = 0; k < 2; k++)
        {
          GBytes *ca = kyso_remote_base64_decode (
            kyso_remote_json_string (chain_data, k == 0 ? "ca_cert" : "root_cert"));
          if (ca != NULL)
            g_ptr_array_add (chain, ca);
        }
      /* Certificates valid today first, in the gateway's order; the others after them. */
      not_after = kyso_certificate_get_not_after (cert);
      at = not_after != NULL && g_date_time_to_unix (not_after) > now ? n_valid++ : credentials->len;
      g_ptr_array_insert (credentials, (gint) at, kyso_signer_credential_new (id, provider, chain));
      g_ptr_array_insert (serials, (gint) at, g_strdup (kyso_remote_json_string (c, "serial_number")));
      g_ptr_array_insert (statuses, (gint) at, g_strdup (kyso_remote_json_string (c, "cert_status")));
    }
  if (out_serials != NULL)
    *out_serials = g_steal_pointer (&serials);
  if (out_statuses != NULL)
    *out_statuses = g_steal_pointer (&statuses);
  return g_steal_pointer (&credentials);
}

static KysoSignPollResult
get_certificate (KysoSignWait *wait, gpointer user_data, GError **error)
{
  Job *job = user_data;
  g_autoptr(JsonBuilder) b = begin_body (job);
  g_autofree char *tid = g_uuid_string_random ();
  g_autofree char *transaction_id = g_strconcat ("kyso-", tid, NULL);
  KysoSignPollResult r;

  add_string (b, "user_id", job->self->account);
  /* serial_number is optional: without it the gateway lists every certificate of the account. */
  add_string (b, "transaction_id", transaction_id);
  r = neac_post (job, "v1/credentials/get_certificate", b, error);
  if (r != KYSO_SIGN_POLL_DONE)
    return r;
  g_clear_pointer (&job->credentials, g_ptr_array_unref);
  g_clear_pointer (&job->serials, g_ptr_array_unref);
  g_clear_pointer (&job->statuses, g_ptr_array_unref);
  job->credentials = _kyso_neac_parse_certificates (job->data, job->self->account, job->self->provider,
                                                    &job->serials, &job->statuses, error);
  return job->credentials != NULL ? KYSO_SIGN_POLL_DONE : KYSO_SIGN_POLL_FAILED;
}

static void
list_credentials_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  Job *job = task_data;
  GError *error = NULL;

  if (!lookup_password (job, &error) || !kyso_sign_wait_call (job->wait, get_certificate, job, &error))
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, g_ptr_array_ref (job->credentials), (GDestroyNotify) g_ptr_array_unref);
}

static void
kyso_neac_signer_list_credentials_async (KysoSigner *signer, GCancellable *cancellable,
                                         GAsyncReadyCallback callback, gpointer user_data)
{
  KysoNeacSigner *self = KYSO_NEAC_SIGNER (signer);
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  Job *job = job_new (self);

  g_task_set_source_tag (task, kyso_neac_signer_list_credentials_async);
  job->wait = kyso_remote_options_new_wait (&self->options, NULL, NULL, cancellable);
  g_task_set_task_data (task, job, job_free);
  g_task_run_in_thread (task, list_credentials_thread);
}

static GPtrArray *
kyso_neac_signer_list_credentials_finish (KysoSigner *signer, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, signer), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == kyso_neac_signer_list_credentials_async,
                        NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* The credential the request names, checked before the phone is bothered. */
static const KysoSignerCredential *
choose_credential (Job *job, const char **serial, GError **error)
{
  for (guint i = 0; i < job->credentials->len; i++)
    {
      const KysoSignerCredential *c = g_ptr_array_index (job->credentials, i);
      const char *status = g_ptr_array_index (job->statuses, i);

      if (g_strcmp0 (c->id, job->credential_id) != 0)
        continue;
      /* The gateway's own word first (it knows about suspensions), then our own checks, which do
       * not trust that word (a stale "active" on an expired certificate). */
      if (!kyso_remote_check_status_word (status, error))
        return NULL;
      if (!kyso_remote_check_credential (c, job->self->account, &job->self->options,
                                         kyso_sign_wait_get_cancellable (job->wait), error))
        return NULL;
      *serial = g_ptr_array_index (job->serials, i);
      return c;
    }
  g_set_error (error, KYSO_ERROR, KYSO_ERROR_NOT_FOUND,
               _("The certificate chosen for signing is no longer offered by %s. Choose the certificate "
                 "again."),
               job->self->provider);
  return NULL;
}

static KysoSignPollResult
send_sign (KysoSignWait *wait, gpointer user_data, GError **error)
{
  Job *job = user_data;
  g_autoptr(JsonBuilder) b = begin_body (job);
  KysoSignPollResult r;
  const char *answered;

  add_string (b, "user_id", job->self->account);
  add_string (b, "transaction_id", job->client_transaction_id);
  add_string (b, "transaction_desc", job->description);
  add_string (b, "serial_number", job->serial);
  json_builder_set_member_name (b, "sign_files");
  json_builder_begin_array (b);
  for (guint i = 0; i < job->digests->len; i++)
    {
      gsize n;
      const guint8 *d = g_bytes_get_data (g_ptr_array_index (job->digests, i), &n);
      g_autofree char *hex = kyso_hex_encode (d, n);

      json_builder_begin_object (b);
      add_string (b, "data_to_be_signed", hex);
      /* The code the phone shows next to this document, and that Kyso shows while waiting. */
      add_string (b, "doc_id", job->doc_ids[i]);
      add_string (b, "file_type", "pdf");
      add_string (b, "sign_type", "hash");
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  /* The same transaction_id on a retry, so that the gateway can recognise it. */
  r = neac_post (job, "v1/signatures/sign", b, error);
  if (r != KYSO_SIGN_POLL_DONE)
    return r;
  /* The gateway may answer with a transaction_id of its own: that is the one to poll (S1, S2). */
  answered = kyso_remote_json_string (job->data, "transaction_id");
  g_free (job->transaction_id);
  job->transaction_id = g_strdup (answered != NULL && *answered != '\0' ? answered : job->client_transaction_id);
  kyso_sign_wait_set_info (wait, NULL, job->transaction_id, NULL);
  return KYSO_SIGN_POLL_DONE;
}

/* Signatures come back keyed by doc_id; put them in the order of the digests. */
static KysoSignPollResult
collect_signatures (Job *job, GError **error)
{
  JsonArray *sigs = kyso_remote_json_array (job->data, "signatures");
  g_autoptr(GPtrArray) out = g_ptr_array_new_full (job->digests->len, (GDestroyNotify) g_bytes_unref);

  g_ptr_array_set_size (out, (gint) job->digests->len);
  for (guint i = 0; sigs != NULL && i < json_array_get_length (sigs); i++)
    {
      JsonNode *node = json_array_get_element (sigs, i);
      JsonObject *o = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      const char *doc_id = kyso_remote_json_string (o, "doc_id");
      guint k;

      for (k = 0; k < job->digests->len; k++)
        if (g_strcmp0 (job->doc_ids[k], doc_id) == 0)
          break;
      /* Without doc ids, trust the order. */
      if (doc_id == NULL && i < job->digests->len)
        k = i;
      if (k < job->digests->len && out->pdata[k] == NULL)
        out->pdata[k] = kyso_remote_base64_decode (kyso_remote_json_string (o, "signature_value"));
    }
  for (guint k = 0; k < out->len; k++)
    if (out->pdata[k] == NULL)
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

gboolean
_kyso_neac_answer_is_done (JsonObject *data)
{
  JsonNode *n = data != NULL ? json_object_get_member (data, "signatures") : NULL;

  return n != NULL && !JSON_NODE_HOLDS_NULL (n);
}

/* Done = "signatures" present and not null (S2, S3); any other answer the gateway accepts is
 * still waiting, whatever its shape (the pending body is not documented). */
static KysoSignPollResult
poll_status (KysoSignWait *wait, gpointer user_data, GError **error)
{
  Job *job = user_data;
  g_autoptr(JsonBuilder) b = begin_body (job);
  g_autofree char *escaped = g_uri_escape_string (job->transaction_id, NULL, FALSE);
  g_autofree char *path = g_strdup_printf ("v1/signatures/sign/%s/status", escaped);
  KysoSignPollResult r = neac_post (job, path, b, error);

  if (r != KYSO_SIGN_POLL_DONE)
    return r;
  if (!_kyso_neac_answer_is_done (job->data))
    return KYSO_SIGN_POLL_PENDING;
  kyso_sign_wait_report (wait, KYSO_SIGN_STATE_APPROVED);
  return collect_signatures (job, error);
}

static gboolean
sign_in_thread (Job *job, GError **error)
{
  gboolean resume = FALSE;

  kyso_sign_wait_set_info (job->wait, job->self->provider, NULL, NULL);
  kyso_sign_wait_report (job->wait, KYSO_SIGN_STATE_SENDING);
  if (!lookup_password (job, error) || !kyso_sign_wait_call (job->wait, get_certificate, job, error))
    return FALSE;
  job->credential = choose_credential (job, &job->serial, error);
  if (job->credential == NULL)
    return FALSE;
  if (!kyso_remote_pending_begin (job->pending, "neac", job->self->url, job->self->provider, job->credential,
                                  job->digests, (const char *const *)job->doc_ids, job->description, &resume,
                                  error))
    return FALSE;

  if (resume)
    {
      const char * const *codes = kyso_pending_get_doc_ids (job->pending);

      /* The codes the phone already shows for this request. */
      if (codes != NULL && g_strv_length ((char **) codes) == job->digests->len)
        {
          g_strfreev (job->doc_ids);
          job->doc_ids = g_strdupv ((char **) codes);
        }
      kyso_sign_wait_set_expires_at (job->wait, kyso_pending_get_expires_at (job->pending));
      if (kyso_pending_get_state (job->pending) == KYSO_PENDING_PREPARED)
        {
          /* Saved before the gateway's answer came: send the same request again, with the same
           * transaction_id (README: the gateway answers a repeat with the same transaction). */
          job->client_transaction_id = g_strdup (kyso_pending_get_transaction_id (job->pending));
          resume = FALSE;
        }
      else
        {
          job->transaction_id = g_strdup (kyso_pending_get_transaction_id (job->pending));
          kyso_sign_wait_set_info (job->wait, NULL, job->transaction_id, NULL);
          g_debug ("sp769: resuming transaction %s", job->transaction_id);
        }
    }
  else
    {
      g_autofree char *uuid = g_uuid_string_random ();
      job->client_transaction_id = g_strconcat ("kyso-", uuid, NULL);
      kyso_sign_wait_set_expires_at (job->wait, kyso_remote_options_default_expiry (&job->self->options));
      /* On disk before the request leaves: a crash from here on sends this same request. */
      kyso_remote_pending_record (job->pending, job->client_transaction_id, NULL, (const char *const *) job->doc_ids,
                                  kyso_sign_wait_get_expires_at (job->wait), KYSO_PENDING_PREPARED);
    }
  kyso_sign_wait_set_doc_codes (job->wait, (const char *const *) job->doc_ids);
  if (!resume)
    {
      if (!kyso_sign_wait_call (job->wait, send_sign, job, error))
        return FALSE;
      kyso_remote_pending_record (job->pending, job->transaction_id, kyso_remote_json_string (job->data, "tran_code"),
                                  NULL, 0, KYSO_PENDING_SENT);
    }
  kyso_sign_wait_report (job->wait, KYSO_SIGN_STATE_WAITING);
  if (!kyso_sign_wait_poll (job->wait, poll_status, job, error))
    return FALSE;
  return kyso_remote_check_signatures (job->credential, job->digests, job->signatures, error);
}

static void
sign_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  Job *job = task_data;
  GError *error = NULL;

  /* Whether a failed request's record is kept is the caller's decision (the signing job's). */
  if (sign_in_thread (job, &error))
    {
      kyso_remote_pending_end (job->pending, NULL);
      g_task_return_pointer (task, g_steal_pointer (&job->signatures), (GDestroyNotify) g_ptr_array_unref);
    }
  else
    g_task_return_error (task, error);
}

static void
kyso_neac_signer_sign_digests_async (KysoSigner *signer, GPtrArray *digests, const KysoSignRequest *request,
                                     KysoSignProgressFunc progress, gpointer progress_data,
                                     GCancellable *cancellable, GAsyncReadyCallback callback,
                                     gpointer user_data)
{
  KysoNeacSigner *self = KYSO_NEAC_SIGNER (signer);
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  Job *job = job_new (self);

  g_task_set_source_tag (task, kyso_neac_signer_sign_digests_async);
  g_task_set_task_data (task, job, job_free);
  job->wait = kyso_remote_options_new_wait (&self->options, progress, progress_data, cancellable);
  /* Public clients poll about every 10 s (S2, S5); a little sooner at first. */
  if (self->options.initial_ms == 0)
    kyso_sign_wait_set_interval (job->wait, 3000, 10000);
  job->credential_id = g_strdup (request->credential_id);
  /* Translators: shown on the citizen's phone when the caller gives no description */
  job->description = g_strdup (request->description ? request->description : _("Sign documents with Kyso"));
  job->digests = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
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
  /* doc_id is the code the citizen matches: Kyso chooses it (the names are not sent). */
  job->doc_ids = kyso_remote_make_doc_codes (digests->len);
  job->pending = self->pending ? g_object_ref (self->pending) : NULL;
  g_task_run_in_thread (task, sign_thread);
}

static GPtrArray *
kyso_neac_signer_sign_digests_finish (KysoSigner *signer, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, signer), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == kyso_neac_signer_sign_digests_async, NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
kyso_neac_signer_iface_init (KysoSignerInterface *iface)
{
  iface->list_credentials_async = kyso_neac_signer_list_credentials_async;
  iface->list_credentials_finish = kyso_neac_signer_list_credentials_finish;
  iface->sign_digests_async = kyso_neac_signer_sign_digests_async;
  iface->sign_digests_finish = kyso_neac_signer_sign_digests_finish;
}

static void
kyso_neac_signer_finalize (GObject *object)
{
  KysoNeacSigner *self = KYSO_NEAC_SIGNER (object);

  g_free (self->url);
  g_free (self->sp_id);
  g_free (self->ca_file);
  g_free (self->account);
  g_free (self->provider);
  g_clear_object (&self->pending);
  kyso_remote_options_clear (&self->options);
  G_OBJECT_CLASS (kyso_neac_signer_parent_class)->finalize (object);
}

static void
kyso_neac_signer_class_init (KysoNeacSignerClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = kyso_neac_signer_finalize;
}

static void
kyso_neac_signer_init (KysoNeacSigner *self)
{
}

KysoNeacSigner *
kyso_neac_signer_new (KysoConfig *config, const char *account, const char *provider, GError **error)
{
  const char *url = kyso_config_get (config, "neac", "url");
  const char *sp_id = kyso_config_get (config, "neac", "sp_id");
  KysoNeacSigner *self;

  g_return_val_if_fail (config != NULL, NULL);
  if (url == NULL || sp_id == NULL
      || (!g_str_has_prefix (url, "https://") && !g_str_has_prefix (url, "http://")))
    {
      g_set_error_literal (error, KYSO_ERROR, KYSO_ERROR_INVALID_INPUT,
                           _("The NEAC signing gateway is not configured: the configuration needs "
                             "[neac] url and sp_id."));
      return NULL;
    }
  if (!kyso_http_check_secure_url (url, "[neac] url", error))
    return NULL;
  if (account == NULL || strlen (account) < 9 || strspn (account, "0123456789") != strlen (account))
    {
      g_set_error_literal (error, KYSO_ERROR, KYSO_ERROR_INVALID_INPUT,
                           _("The account must be the citizen’s ID number (CMND or CCCD: 9 or 12 digits)."));
      return NULL;
    }
  self = g_object_new (KYSO_TYPE_NEAC_SIGNER, NULL);
  self->url = g_str_has_suffix (url, "/") ? g_strdup (url) : g_strconcat (url, "/", NULL);
  /* The documented base is …/sca/sp769 and Kyso adds v1/…; a base given with v1/ is taken too. */
  if (g_str_has_suffix (self->url, "/v1/"))
    self->url[strlen (self->url) - 3] = '\0';
  self->sp_id = g_strdup (sp_id);
  self->ca_file = g_strdup (kyso_config_get_path (config, "tls", "ca_file"));
  self->account = g_strdup (account);
  self->provider = g_strdup (provider ? provider : "NEAC");
  kyso_remote_options_load (&self->options, config);
  return self;
}

const char *
kyso_neac_signer_get_provider (KysoNeacSigner *self)
{
  g_return_val_if_fail (KYSO_IS_NEAC_SIGNER (self), NULL);
  return self->provider;
}

const char *
kyso_neac_signer_get_url (KysoNeacSigner *self)
{
  g_return_val_if_fail (KYSO_IS_NEAC_SIGNER (self), NULL);
  return self->url;
}

void
kyso_neac_signer_set_pending (KysoNeacSigner *self, KysoPending *pending)
{
  g_return_if_fail (KYSO_IS_NEAC_SIGNER (self));
  g_set_object (&self->pending, pending);
}

void
kyso_neac_signer_set_expiry (KysoNeacSigner *self, guint seconds)
{
  g_return_if_fail (KYSO_IS_NEAC_SIGNER (self));
  self->options.expiry_seconds = seconds;
}

void
kyso_neac_signer_set_poll_interval (KysoNeacSigner *self, guint initial_ms, guint max_ms)
{
  g_return_if_fail (KYSO_IS_NEAC_SIGNER (self));
  self->options.initial_ms = initial_ms;
  self->options.max_ms = max_ms;
}
