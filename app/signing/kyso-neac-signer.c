#include "config.h"

#include "kyso-neac-signer.h"
#include "kyso-neac-signer-private.h"
#include "kyso-certificate.h"
#include "kyso-error.h"
#include "kyso-remote-signer-private.h"
#include "kyso-signing-credentials.h"
#include "kyso-util.h"

#include <glib/gi18n-lib.h>
#include <string.h>

/* Only the gateway's HTTP calls live here; the wait, the checks and the record are
 * KysoRemoteSigner's. */

struct _KysoNeacSigner
{
  KysoRemoteSigner parent_instance;
  char *sp_id;
};

G_DEFINE_FINAL_TYPE (KysoNeacSigner, kyso_neac_signer, KYSO_TYPE_REMOTE_SIGNER)

#define NEAC(call) KYSO_NEAC_SIGNER ((call)->self)

static JsonBuilder *
begin_body (KysoRemoteCall *call)
{
  JsonBuilder *b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "sp_id");
  json_builder_add_string_value (b, NEAC (call)->sp_id);
  json_builder_set_member_name (b, "sp_password");
  json_builder_add_string_value (b, call->data);
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
message_has (const char *message, const char *const *words)
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
  static const char *const refused[] = { "reject", "refuse", "denied", "deny", "cancel", NULL };
  static const char *const expired[] = { "expire", "timeout", "time_out", "hết hạn", NULL };
  static const char *const revoked[] = { "revoke", "thu hồi", NULL };
  static const char *const not_found[]
    = { "user_not_found", "certificate_not_found", "cert_not_found", NULL };

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
                 _("The NEAC signing gateway ended the request (%u, %s). Nothing was signed."), status,
                    message ? message : "?");
}

/* POSTs to the gateway; DONE leaves the answer's "data" in *@out_data (NULL when the answer had
 * none). An HTTP 4xx or an envelope status_code other than 200 ends the call with a message. */
static KysoSignPollResult
neac_post (KysoRemoteCall *call, const char *path, JsonBuilder *b, JsonObject **out_data, GError **error)
{
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(JsonNode) answer = NULL;
  KysoSignPollResult r;
  JsonObject *root;
  guint status = 0;
  gint64 status_code;

  *out_data = NULL;
  json_builder_end_object (b);
  body = json_builder_get_root (b);
  r = kyso_remote_call_post (call, path, body, NULL, &answer, &status, error);
  if (r != KYSO_SIGN_POLL_DONE)
    return r;
  root = json_node_get_object (answer);
  status_code = kyso_remote_json_int (root, "status_code", status);
  if (status != 200 || status_code != 200)
    {
      const char *message = kyso_remote_json_string (root, "message");
      guint code = status != 200 ? status : (guint)CLAMP (status_code, 0, 999);

      g_debug ("sp769 %s: HTTP %u, status_code %" G_GINT64_FORMAT ", %s", path, status, status_code,
               message ? message : "");
      _kyso_neac_set_gateway_error (NEAC (call)->sp_id, kyso_remote_signer_get_provider (call->self), code,
                                    message, error);
      return KYSO_SIGN_POLL_FAILED;
    }
  if (kyso_remote_json_object (root, "data") != NULL)
    *out_data = json_object_ref (kyso_remote_json_object (root, "data"));
  return KYSO_SIGN_POLL_DONE;
}

/* The SP password, from the Secret Service, kept as the call's data. */
static gboolean
neac_connect (KysoRemoteSigner *signer, KysoRemoteCall *call, GError **error)
{
  g_autoptr(GError) local = NULL;
  char *password = kyso_signing_credentials_lookup_sync ("neac", KYSO_NEAC_SIGNER (signer)->sp_id,
                                                         kyso_sign_wait_get_cancellable (call->wait), &local);

  if (password == NULL)
    {
      if (g_error_matches (local, KYSO_ERROR, KYSO_ERROR_NOT_FOUND))
        local->code = KYSO_ERROR_AUTH;
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  kyso_remote_call_set_data (call, password, (GDestroyNotify)kyso_signing_credentials_free_secret);
  return TRUE;
}

GPtrArray *
_kyso_neac_parse_certificates (JsonObject *data, const char *account, const char *provider,
                               GPtrArray **out_serials, GPtrArray **out_statuses, GError **error)
{
  g_autoptr(GPtrArray) credentials
             = g_ptr_array_new_with_free_func ((GDestroyNotify)kyso_signer_credential_free);
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
      chain = g_ptr_array_new_with_free_func ((GDestroyNotify)g_bytes_unref);
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
      g_ptr_array_insert (credentials, (gint)at, kyso_signer_credential_new (id, provider, chain));
      g_ptr_array_insert (serials, (gint)at, g_strdup (kyso_remote_json_string (c, "serial_number")));
      g_ptr_array_insert (statuses, (gint)at, g_strdup (kyso_remote_json_string (c, "cert_status")));
    }
  if (out_serials != NULL)
    *out_serials = g_steal_pointer (&serials);
  if (out_statuses != NULL)
    *out_statuses = g_steal_pointer (&statuses);
  return g_steal_pointer (&credentials);
}

static KysoSignPollResult
neac_list (KysoRemoteSigner *signer, KysoRemoteCall *call, GError **error)
{
  g_autoptr(JsonBuilder) b = begin_body (call);
  g_autoptr(JsonObject) data = NULL;
  g_autoptr(GPtrArray) credentials = NULL;
  g_autoptr(GPtrArray) serials = NULL;
  g_autoptr(GPtrArray) statuses = NULL;
  g_autofree char *tid = g_uuid_string_random ();
  g_autofree char *transaction_id = g_strconcat ("kyso-", tid, NULL);
  KysoSignPollResult r;

  add_string (b, "user_id", kyso_remote_signer_get_account (signer));
  /* serial_number is optional: without it the gateway lists every certificate of the account. */
  add_string (b, "transaction_id", transaction_id);
  r = neac_post (call, "v1/credentials/get_certificate", b, &data, error);
  if (r != KYSO_SIGN_POLL_DONE)
    return r;
  credentials
    = _kyso_neac_parse_certificates (data, kyso_remote_signer_get_account (signer),
                                     kyso_remote_signer_get_provider (signer), &serials, &statuses, error);
  if (credentials == NULL)
    return KYSO_SIGN_POLL_FAILED;
  for (guint i = 0; i < credentials->len; i++)
    {
      KysoSignerCredential *c = g_ptr_array_index (credentials, i);
      kyso_remote_call_add_credential (call, c->id, g_ptr_array_ref (c->chain),
                                       g_ptr_array_index (serials, i), g_ptr_array_index (statuses, i));
    }
  return KYSO_SIGN_POLL_DONE;
}

static KysoSignPollResult
neac_send (KysoRemoteSigner *signer, KysoRemoteCall *call, GError **error)
{
  g_autoptr(JsonBuilder) b = begin_body (call);
  g_autoptr(JsonObject) data = NULL;
  KysoSignPollResult r;
  const char *answered;

  add_string (b, "user_id", kyso_remote_signer_get_account (signer));
  add_string (b, "transaction_id", call->client_transaction_id);
  add_string (b, "transaction_desc", call->description);
  add_string (b, "serial_number", call->serial);
  json_builder_set_member_name (b, "sign_files");
  json_builder_begin_array (b);
  for (guint i = 0; i < call->digests->len; i++)
    {
      gsize n;
      const guint8 *d = g_bytes_get_data (g_ptr_array_index (call->digests, i), &n);
      g_autofree char *hex = kyso_hex_encode (d, n);

      json_builder_begin_object (b);
      add_string (b, "data_to_be_signed", hex);
      /* The code the phone shows next to this document, and that Kyso shows while waiting. */
      add_string (b, "doc_id", call->doc_codes[i]);
      add_string (b, "file_type", "pdf");
      add_string (b, "sign_type", "hash");
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  /* The same transaction_id on a retry, so that the gateway can recognise it. */
  r = neac_post (call, "v1/signatures/sign", b, &data, error);
  if (r != KYSO_SIGN_POLL_DONE)
    return r;
  /* The gateway may answer with a transaction_id of its own: that is the one to poll (S1, S2). */
  answered = kyso_remote_json_string (data, "transaction_id");
  g_free (call->transaction_id);
  call->transaction_id
    = g_strdup (answered != NULL && *answered != '\0' ? answered : call->client_transaction_id);
  g_free (call->tran_code);
  call->tran_code = g_strdup (kyso_remote_json_string (data, "tran_code"));
  return KYSO_SIGN_POLL_DONE;
}

/* Signatures come back keyed by doc_id; put them in the order of the digests. */
static KysoSignPollResult
collect_signatures (KysoRemoteCall *call, JsonObject *data, GError **error)
{
  JsonArray *sigs = kyso_remote_json_array (data, "signatures");
  g_autoptr(GPtrArray) out = g_ptr_array_new_full (call->digests->len, (GDestroyNotify)g_bytes_unref);

  g_ptr_array_set_size (out, (gint)call->digests->len);
  for (guint i = 0; sigs != NULL && i < json_array_get_length (sigs); i++)
    {
      JsonNode *node = json_array_get_element (sigs, i);
      JsonObject *o = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      const char *doc_id = kyso_remote_json_string (o, "doc_id");
      guint k;

      for (k = 0; k < call->digests->len; k++)
        if (g_strcmp0 (call->doc_codes[k], doc_id) == 0)
          break;
      /* Without doc ids, trust the order. */
      if (doc_id == NULL && i < call->digests->len)
        k = i;
      if (k < call->digests->len && out->pdata[k] == NULL)
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
  g_clear_pointer (&call->signatures, g_ptr_array_unref);
  call->signatures = g_steal_pointer (&out);
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
neac_poll (KysoRemoteSigner *signer, KysoRemoteCall *call, GError **error)
{
  g_autoptr(JsonBuilder) b = begin_body (call);
  g_autoptr(JsonObject) data = NULL;
  g_autofree char *escaped = g_uri_escape_string (call->transaction_id, NULL, FALSE);
  g_autofree char *path = g_strdup_printf ("v1/signatures/sign/%s/status", escaped);
  KysoSignPollResult r = neac_post (call, path, b, &data, error);

  if (r != KYSO_SIGN_POLL_DONE)
    return r;
  if (!_kyso_neac_answer_is_done (data))
    return KYSO_SIGN_POLL_PENDING;
  return collect_signatures (call, data, error);
}

static void
kyso_neac_signer_finalize (GObject *object)
{
  g_free (KYSO_NEAC_SIGNER (object)->sp_id);
  G_OBJECT_CLASS (kyso_neac_signer_parent_class)->finalize (object);
}

static void
kyso_neac_signer_class_init (KysoNeacSignerClass *klass)
{
  KysoRemoteSignerClass *remote = KYSO_REMOTE_SIGNER_CLASS (klass);

  G_OBJECT_CLASS (klass)->finalize = kyso_neac_signer_finalize;
  remote->pending_kind = "neac";
  remote->shows_doc_codes = TRUE;
  /* Public clients poll about every 10 s (S2, S5); a little sooner at first. */
  remote->initial_ms = 3000;
  remote->max_ms = 10000;
  remote->connect = neac_connect;
  remote->list = neac_list;
  remote->send = neac_send;
  remote->poll = neac_poll;
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
  g_autoptr(KysoNeacSigner) self = NULL;
  g_autofree char *base = NULL;

  g_return_val_if_fail (config != NULL, NULL);
  if (url == NULL || sp_id == NULL
      || (!g_str_has_prefix (url, "https://") && !g_str_has_prefix (url, "http://")))
    {
      g_set_error_literal (error, KYSO_ERROR, KYSO_ERROR_INVALID_INPUT,
                           _("The NEAC signing gateway is not configured: the configuration needs "
                             "[neac] url and sp_id."));
      return NULL;
    }
  if (account == NULL || strlen (account) < 9 || strspn (account, "0123456789") != strlen (account))
    {
      g_set_error_literal (error, KYSO_ERROR, KYSO_ERROR_INVALID_INPUT,
                           _("The account must be the citizen’s ID number (CMND or CCCD: 9 or 12 digits)."));
      return NULL;
    }
  /* The documented base is …/sca/sp769 and Kyso adds v1/…; a base given with v1/ is taken too. */
  base = g_str_has_suffix (url, "/") ? g_strdup (url) : g_strconcat (url, "/", NULL);
  if (g_str_has_suffix (base, "/v1/"))
    base[strlen (base) - 3] = '\0';
  self = g_object_new (KYSO_TYPE_NEAC_SIGNER, NULL);
  if (!_kyso_remote_signer_setup (KYSO_REMOTE_SIGNER (self), config, "[neac] url", base, account,
                                  provider ? provider : "NEAC", error))
    return NULL;
  self->sp_id = g_strdup (sp_id);
  return g_steal_pointer (&self);
}

const char *
kyso_neac_signer_get_provider (KysoNeacSigner *self)
{
  return kyso_remote_signer_get_provider (KYSO_REMOTE_SIGNER (self));
}

const char *
kyso_neac_signer_get_url (KysoNeacSigner *self)
{
  return kyso_remote_signer_get_url (KYSO_REMOTE_SIGNER (self));
}

void
kyso_neac_signer_set_pending (KysoNeacSigner *self, KysoPending *pending)
{
  kyso_remote_signer_set_pending (KYSO_REMOTE_SIGNER (self), pending);
}

void
kyso_neac_signer_set_expiry (KysoNeacSigner *self, guint seconds)
{
  kyso_remote_signer_set_expiry (KYSO_REMOTE_SIGNER (self), seconds);
}

void
kyso_neac_signer_set_poll_interval (KysoNeacSigner *self, guint initial_ms, guint max_ms)
{
  kyso_remote_signer_set_poll_interval (KYSO_REMOTE_SIGNER (self), initial_ms, max_ms);
}
