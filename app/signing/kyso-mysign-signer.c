#include "config.h"

#include "kyso-mysign-signer.h"
#include "kyso-error.h"
#include "kyso-mysign-signer-private.h"
#include "kyso-remote-signer-private.h"
#include "kyso-signing-credentials.h"

#include <glib/gi18n-lib.h>
#include <string.h>

/* Only MySign's HTTP calls live here; the wait, the checks and the record are KysoRemoteSigner's. */

#define OID_SHA256 "2.16.840.1.101.3.4.2.1"
#define OID_RSA "1.2.840.113549.1.1.1"

struct _KysoMysignSigner
{
  KysoRemoteSigner parent_instance;
  char *client_id;
  char *profile_id;
};

G_DEFINE_FINAL_TYPE (KysoMysignSigner, kyso_mysign_signer, KYSO_TYPE_REMOTE_SIGNER)

#define MYSIGN(call) KYSO_MYSIGN_SIGNER ((call)->self)

/* The call's state: the token and the SAD stay in memory only. */
typedef struct
{
  char *secret; /* the client_secret, until the token comes */
  char *token;
  char *sad;
} Session;

static void
session_free (gpointer data)
{
  Session *s = data;

  kyso_signing_credentials_free_secret (s->secret);
  kyso_signing_credentials_free_secret (s->token);
  kyso_signing_credentials_free_secret (s->sad);
  g_free (s);
}

/* --- readings ------------------------------------------------------------------------------------ */

const char *
_kyso_mysign_read_token (JsonObject *answer)
{
  const char *token = kyso_remote_json_string (answer, "access_token");

  return token != NULL && *token != '\0' ? token : NULL;
}

GStrv
_kyso_mysign_read_credential_ids (JsonObject *answer)
{
  JsonArray *ids = kyso_remote_json_array (answer, "credentialIDs");
  g_autoptr (GStrvBuilder) out = g_strv_builder_new ();

  for (guint i = 0; ids != NULL && i < json_array_get_length (ids); i++)
    {
      JsonNode *n = json_array_get_element (ids, i);
      if (JSON_NODE_HOLDS_VALUE (n) && json_node_get_value_type (n) == G_TYPE_STRING)
        g_strv_builder_add (out, json_node_get_string (n));
    }
  return g_strv_builder_end (out);
}

GPtrArray *
_kyso_mysign_read_chain (JsonObject *answer, const char **out_status)
{
  JsonObject *cert = kyso_remote_json_object (answer, "cert");
  JsonArray *certificates = kyso_remote_json_array (cert, "certificates");
  g_autoptr (GPtrArray) chain = g_ptr_array_new_with_free_func ((GDestroyNotify)g_bytes_unref);

  if (out_status != NULL)
    *out_status = kyso_remote_json_string (cert, "status");
  for (guint i = 0; certificates != NULL && i < json_array_get_length (certificates); i++)
    {
      JsonNode *n = json_array_get_element (certificates, i);
      GBytes *der = JSON_NODE_HOLDS_VALUE (n) && json_node_get_value_type (n) == G_TYPE_STRING
                      ? kyso_remote_base64_decode (json_node_get_string (n))
                      : NULL;
      if (der == NULL)
        return NULL;
      g_ptr_array_add (chain, der);
    }
  return chain->len > 0 ? g_steal_pointer (&chain) : NULL;
}

const char *
_kyso_mysign_read_sad (JsonObject *answer)
{
  const char *sad = kyso_remote_json_string (answer, "SAD");

  return sad != NULL && *sad != '\0' ? sad : NULL;
}

GPtrArray *
_kyso_mysign_read_signatures (JsonObject *answer, guint n)
{
  JsonArray *sigs = kyso_remote_json_array (answer, "signatures");
  g_autoptr (GPtrArray) out = g_ptr_array_new_with_free_func ((GDestroyNotify)g_bytes_unref);

  if (sigs == NULL || json_array_get_length (sigs) != n)
    return NULL;
  for (guint i = 0; i < n; i++)
    {
      JsonNode *node = json_array_get_element (sigs, i);
      GBytes *sig = JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING
                      ? kyso_remote_base64_decode (json_node_get_string (node))
                      : NULL;
      if (sig == NULL)
        return NULL;
      g_ptr_array_add (out, sig);
    }
  return g_steal_pointer (&out);
}

/* --- calls --------------------------------------------------------------------------------------- */

/* The answers' error bodies are not documented: the HTTP status decides, the words only choose
 * the message. */
static void
set_error (KysoRemoteCall *call, const char *what, guint status, JsonObject *answer, GError **error)
{
  const char *code = kyso_remote_json_string (answer, "error");
  g_autofree char *lower = code != NULL ? g_ascii_strdown (code, -1) : NULL;

  g_debug ("MySign %s: HTTP %u %s", what, status, code ? code : "");
  if (status == 401 && g_str_equal (what, "login"))
    g_set_error (error, KYSO_ERROR, KYSO_ERROR_AUTH,
                 _ ("Viettel MySign refused this computer’s service credentials. The administrator must "
                    "update them with “kyso-cli signing-credentials set --service mysign --sp-id %s”."),
                    MYSIGN (call)->client_id);
  else if (status == 401)
    g_set_error_literal (error, KYSO_ERROR, KYSO_ERROR_AUTH,
                         _ ("Viettel MySign ended the session. Sign again."));
  else if (lower != NULL && (strstr (lower, "denied") != NULL || strstr (lower, "reject") != NULL))
    g_set_error_literal (error, KYSO_ERROR, KYSO_ERROR_REFUSED,
                         _ ("The signing request was refused on the phone. Nothing was signed."));
  else if (lower != NULL && strstr (lower, "expire") != NULL)
    g_set_error_literal (error, KYSO_ERROR, KYSO_ERROR_EXPIRED,
                         _ ("The request was not approved in time. Nothing was signed; sign again and "
                            "approve the request on your phone before the time runs out."));
  else if (lower != NULL && strstr (lower, "user") != NULL)
    g_set_error (error, KYSO_ERROR, KYSO_ERROR_NOT_FOUND,
                 _ ("%s has no signing certificate for this ID number. Check the number and the provider "
                    "in your signature settings."),
                    kyso_remote_signer_get_provider (call->self));
  else if (status == 403)
    g_set_error_literal (error, KYSO_ERROR, KYSO_ERROR_CERTIFICATE,
                         _ ("Your signing certificate cannot be used right now. Contact your certificate "
                            "provider."));
  else
    g_set_error (error, KYSO_ERROR, KYSO_ERROR_SERVER,
                 /* Translators: %u is an HTTP status, %s the service's own word for the problem */
                 _ ("Viettel MySign did not accept the request (%u, %s). Nothing was signed."), status,
                    code ? code : "?");
}

/* POSTs @b (an object being built) to @path; DONE with *@out_answer for a 200 answer. */
static KysoSignPollResult
mysign_post (KysoRemoteCall *call, const char *what, const char *path, JsonBuilder *b,
             JsonObject **out_answer, GError **error)
{
  Session *session = call->data;
  g_autoptr (JsonNode) body = NULL;
  g_autoptr (JsonNode) answer = NULL;
  KysoSignPollResult r;
  guint status = 0;

  *out_answer = NULL;
  json_builder_end_object (b);
  body = json_builder_get_root (b);
  r = kyso_remote_call_post (call, path, body, session != NULL ? session->token : NULL, &answer, &status,
                             error);
  if (r != KYSO_SIGN_POLL_DONE)
    return r;
  if (status != 200)
    {
      set_error (call, what, status, json_node_get_object (answer), error);
      return KYSO_SIGN_POLL_FAILED;
    }
  *out_answer = json_object_ref (json_node_get_object (answer));
  return KYSO_SIGN_POLL_DONE;
}

static void
add_string (JsonBuilder *b, const char *name, const char *value)
{
  json_builder_set_member_name (b, name);
  json_builder_add_string_value (b, value);
}

static KysoSignPollResult
call_login (KysoSignWait *wait, gpointer user_data, GError **error)
{
  KysoRemoteCall *call = user_data;
  Session *session = call->data;
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (JsonObject) answer = NULL;
  KysoSignPollResult r;

  json_builder_begin_object (b);
  add_string (b, "client_id", MYSIGN (call)->client_id);
  add_string (b, "client_secret", session->secret);
  add_string (b, "user_id", kyso_remote_signer_get_account (call->self));
  add_string (b, "profile_id", MYSIGN (call)->profile_id);
  r = mysign_post (call, "login", "v1/login", b, &answer, error);
  if (r != KYSO_SIGN_POLL_DONE)
    return r;
  if (_kyso_mysign_read_token (answer) == NULL)
    {
      g_set_error_literal (error, KYSO_ERROR, KYSO_ERROR_SERVER,
                           _ ("Viettel MySign sent an answer Kyso cannot read. Nothing was signed."));
      return KYSO_SIGN_POLL_FAILED;
    }
  session->token = g_strdup (_kyso_mysign_read_token (answer));
  return KYSO_SIGN_POLL_DONE;
}

static gboolean
mysign_connect (KysoRemoteSigner *signer, KysoRemoteCall *call, GError **error)
{
  g_autoptr (GError) local = NULL;
  Session *session = g_new0 (Session, 1);

  kyso_remote_call_set_data (call, session, session_free);
  session->secret = kyso_signing_credentials_lookup_sync (
    "mysign", KYSO_MYSIGN_SIGNER (signer)->client_id, kyso_sign_wait_get_cancellable (call->wait), &local);
  if (session->secret == NULL)
    {
      if (g_error_matches (local, KYSO_ERROR, KYSO_ERROR_NOT_FOUND))
        local->code = KYSO_ERROR_AUTH;
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  if (!kyso_sign_wait_call (call->wait, call_login, call, error))
    return FALSE;
  g_clear_pointer (&session->secret, kyso_signing_credentials_free_secret);
  return TRUE;
}

static KysoSignPollResult
mysign_list (KysoRemoteSigner *signer, KysoRemoteCall *call, GError **error)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (JsonObject) answer = NULL;
  g_auto (GStrv) ids = NULL;
  KysoSignPollResult r;

  json_builder_begin_object (b);
  add_string (b, "userID", kyso_remote_signer_get_account (signer));
  r = mysign_post (call, "credentials/list", "csc/v1/credentials/list", b, &answer, error);
  if (r != KYSO_SIGN_POLL_DONE)
    return r;
  ids = _kyso_mysign_read_credential_ids (answer);
  for (guint i = 0; ids[i] != NULL; i++)
    {
      g_autoptr (JsonBuilder) info = json_builder_new ();
      g_autoptr (JsonObject) cert = NULL;
      GPtrArray *chain;
      const char *status = NULL;

      json_builder_begin_object (info);
      add_string (info, "credentialID", ids[i]);
      add_string (info, "certificates", "chain");
      json_builder_set_member_name (info, "certInfo");
      json_builder_add_boolean_value (info, TRUE);
      json_builder_set_member_name (info, "authInfo");
      json_builder_add_boolean_value (info, TRUE);
      r = mysign_post (call, "credentials/info", "csc/v1/credentials/info", info, &cert, error);
      if (r != KYSO_SIGN_POLL_DONE)
        return r;
      chain = _kyso_mysign_read_chain (cert, &status);
      if (chain == NULL)
        {
          g_set_error_literal (error, KYSO_ERROR, KYSO_ERROR_SERVER,
                               _ ("Viettel MySign sent a certificate Kyso cannot read."));
          return KYSO_SIGN_POLL_FAILED;
        }
      kyso_remote_call_add_credential (
        call, ids[i], chain, kyso_remote_json_string (kyso_remote_json_object (cert, "cert"), "serialNumber"),
        status);
    }
  return KYSO_SIGN_POLL_DONE;
}

/* documents[{document_id, document_name}] and hash[] of the request. */
static void
add_documents (KysoRemoteCall *call, JsonBuilder *b)
{
  json_builder_set_member_name (b, "documents");
  json_builder_begin_array (b);
  for (guint i = 0; i < call->digests->len; i++)
    {
      g_autofree char *id = g_strdup_printf ("%u", i + 1);

      json_builder_begin_object (b);
      add_string (b, "document_id", id);
      add_string (b, "document_name", call->names[i]);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_set_member_name (b, "hash");
  json_builder_begin_array (b);
  for (guint i = 0; i < call->digests->len; i++)
    {
      gsize n;
      const guint8 *d = g_bytes_get_data (g_ptr_array_index (call->digests, i), &n);
      g_autofree char *b64 = g_base64_encode (d, n);

      json_builder_add_string_value (b, b64);
    }
  json_builder_end_array (b);
}

/* authorize (the phone decides while it waits) → SAD → signHash → the signatures. */
static KysoSignPollResult
mysign_send (KysoRemoteSigner *signer, KysoRemoteCall *call, GError **error)
{
  Session *session = call->data;
  KysoSignPollResult r;

  if (session->sad == NULL)
    {
      g_autoptr (JsonBuilder) b = json_builder_new ();
      g_autoptr (JsonObject) answer = NULL;

      json_builder_begin_object (b);
      add_string (b, "credentialID", call->credential->id);
      json_builder_set_member_name (b, "numSignatures");
      json_builder_add_int_value (b, call->digests->len);
      add_documents (call, b);
      r = mysign_post (call, "credentials/authorize", "csc/v1/credentials/authorize", b, &answer, error);
      if (r != KYSO_SIGN_POLL_DONE)
        return r;
      if (_kyso_mysign_read_sad (answer) == NULL)
        {
          g_set_error_literal (error, KYSO_ERROR, KYSO_ERROR_SERVER,
                               _ ("Viettel MySign sent an answer Kyso cannot read. Nothing was signed."));
          return KYSO_SIGN_POLL_FAILED;
        }
      session->sad = g_strdup (_kyso_mysign_read_sad (answer));
      kyso_sign_wait_report (call->wait, KYSO_SIGN_STATE_APPROVED);
    }
  {
    g_autoptr (JsonBuilder) b = json_builder_new ();
    g_autoptr (JsonObject) answer = NULL;

    json_builder_begin_object (b);
    add_string (b, "credentialID", call->credential->id);
    add_string (b, "SAD", session->sad);
    add_documents (call, b);
    add_string (b, "hashAlgo", OID_SHA256);
    add_string (b, "signAlgo", OID_RSA);
    r = mysign_post (call, "signatures/signHash", "csc/v1/signatures/signHash", b, &answer, error);
    if (r != KYSO_SIGN_POLL_DONE)
      return r;
    g_clear_pointer (&call->signatures, g_ptr_array_unref);
    call->signatures = _kyso_mysign_read_signatures (answer, call->digests->len);
    if (call->signatures == NULL)
      {
        g_set_error_literal (error, KYSO_ERROR, KYSO_ERROR_BAD_SIGNATURE,
                             _ ("The signing service did not return one signature per document. Nothing "
                                "was signed."));
        return KYSO_SIGN_POLL_FAILED;
      }
  }
  return KYSO_SIGN_POLL_DONE;
}

/* Never reached: send() comes back with the signatures. */
static KysoSignPollResult
mysign_poll (KysoRemoteSigner *signer, KysoRemoteCall *call, GError **error)
{
  g_set_error_literal (error, KYSO_ERROR, KYSO_ERROR_SERVER,
                       _ ("Viettel MySign sent an answer Kyso cannot read. Nothing was signed."));
  return KYSO_SIGN_POLL_FAILED;
}

static void
kyso_mysign_signer_finalize (GObject *object)
{
  KysoMysignSigner *self = KYSO_MYSIGN_SIGNER (object);

  g_free (self->client_id);
  g_free (self->profile_id);
  G_OBJECT_CLASS (kyso_mysign_signer_parent_class)->finalize (object);
}

static void
kyso_mysign_signer_class_init (KysoMysignSignerClass *klass)
{
  KysoRemoteSignerClass *remote = KYSO_REMOTE_SIGNER_CLASS (klass);

  G_OBJECT_CLASS (klass)->finalize = kyso_mysign_signer_finalize;
  /* A held authorize has no id to come back to. */
  remote->pending_kind = NULL;
  remote->shows_doc_codes = FALSE;
  remote->send_waits_for_phone = TRUE;
  remote->connect = mysign_connect;
  remote->list = mysign_list;
  remote->send = mysign_send;
  remote->poll = mysign_poll;
}

static void
kyso_mysign_signer_init (KysoMysignSigner *self)
{
}

KysoMysignSigner *
kyso_mysign_signer_new (KysoConfig *config, const char *account, const char *provider, GError **error)
{
  const char *url = kyso_config_get (config, "mysign", "url");
  const char *client_id = kyso_config_get (config, "mysign", "client_id");
  const char *profile_id = kyso_config_get (config, "mysign", "profile_id");
  g_autoptr (KysoMysignSigner) self = NULL;

  g_return_val_if_fail (config != NULL, NULL);
  if (url == NULL || client_id == NULL || profile_id == NULL)
    {
      g_set_error_literal (error, KYSO_ERROR, KYSO_ERROR_INVALID_INPUT,
                           _ ("Viettel MySign is not configured: the configuration needs [mysign] url, "
                              "client_id and profile_id."));
      return NULL;
    }
  if (account == NULL || *account == '\0')
    {
      g_set_error_literal (error, KYSO_ERROR, KYSO_ERROR_INVALID_INPUT,
                           _ ("The account to log in to the signing service is missing or not valid."));
      return NULL;
    }
  self = g_object_new (KYSO_TYPE_MYSIGN_SIGNER, NULL);
  if (!_kyso_remote_signer_setup (KYSO_REMOTE_SIGNER (self), config, "[mysign] url", url, account,
                                  provider ? provider : "Viettel-CA", error))
    return NULL;
  self->client_id = g_strdup (client_id);
  self->profile_id = g_strdup (profile_id);
  return g_steal_pointer (&self);
}
