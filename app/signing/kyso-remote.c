#include "config.h"

#include "kyso-remote-private.h"
#include "kyso-error.h"
#include "kyso-util.h"

#include <glib/gi18n-lib.h>
#include <string.h>

KysoSignWait *
kyso_remote_options_new_wait (const KysoRemoteOptions *options, KysoSignProgressFunc progress,
                              gpointer progress_data, GCancellable *cancellable)
{
  KysoSignWait *wait = kyso_sign_wait_new (progress, progress_data, cancellable);

  if (options->initial_ms > 0)
    kyso_sign_wait_set_interval (wait, options->initial_ms, options->max_ms);
  if (options->max_retries > 0)
    kyso_sign_wait_set_max_retries (wait, options->max_retries);
  return wait;
}

gint64
kyso_remote_options_default_expiry (const KysoRemoteOptions *options)
{
  guint seconds = options->expiry_seconds ? options->expiry_seconds : KYSO_SIGN_WAIT_DEFAULT_EXPIRY_SECONDS;

  return g_get_real_time () + (gint64) seconds * G_USEC_PER_SEC;
}

GStrv
kyso_remote_make_doc_ids (const char * const *doc_ids, guint n)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  GStrv out = g_new0 (char *, n + 1);

  for (guint i = 0; i < n; i++)
    {
      const char *given = doc_ids != NULL ? doc_ids[i] : NULL;
      /* Translators: the name shown on the phone for a document that has none; %u counts from 1 */
      char *id = given != NULL && *given != '\0' ? g_strdup (given) : g_strdup_printf (_("Document %u"), i + 1);

      for (guint k = 2; g_hash_table_contains (seen, id); k++)
        {
          char *next = g_strdup_printf ("%s (%u)", given != NULL && *given != '\0' ? given : id, k);
          g_free (id);
          id = next;
        }
      out[i] = id;
      g_hash_table_add (seen, id);
    }
  return out;
}

gboolean
kyso_remote_check_signatures (const KysoSignerCredential *credential, GPtrArray *digests, GPtrArray *signatures,
                              GError **error)
{
  GBytes *cert;

  if (credential == NULL || credential->chain->len == 0 || signatures == NULL
      || signatures->len != digests->len)
    {
      g_set_error_literal (error, KYSO_ERROR, KYSO_ERROR_BAD_SIGNATURE,
                           _("The signing service did not return one signature per document. Nothing "
                             "was signed."));
      return FALSE;
    }
  cert = g_ptr_array_index (credential->chain, 0);
  for (guint i = 0; i < digests->len; i++)
    if (!kyso_signer_check_signature (cert, g_ptr_array_index (digests, i), g_ptr_array_index (signatures, i),
                                      error))
      return FALSE;
  return TRUE;
}

char *
kyso_remote_certificate_sha256 (const KysoSignerCredential *credential)
{
  if (credential == NULL || credential->chain->len == 0)
    return NULL;
  return g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, g_ptr_array_index (credential->chain, 0));
}

gboolean
kyso_remote_pending_begin (KysoPending *pending, const char *kind, const char *service_url, const char *provider,
                           const KysoSignerCredential *credential, GPtrArray *digests,
                           const char * const *doc_ids, const char *description, gboolean *out_resume,
                           GError **error)
{
  g_autofree char *fingerprint = kyso_remote_certificate_sha256 (credential);

  *out_resume = FALSE;
  if (pending == NULL)
    return TRUE;
  if (kyso_pending_get_transaction_id (pending) != NULL)
    {
      /* A record from an earlier run: resume only what is exactly the same request. */
      if (g_strcmp0 (kyso_pending_get_kind (pending), kind) != 0
          || g_strcmp0 (kyso_pending_get_service_url (pending), service_url) != 0
          || g_strcmp0 (kyso_pending_get_certificate_sha256 (pending), fingerprint) != 0
          || !kyso_pending_matches_digests (pending, digests))
        {
          g_set_error_literal (error, KYSO_ERROR, KYSO_ERROR_INVALID_INPUT,
                               _("The waiting signing request was made for another document, certificate "
                                 "or service, so it cannot be continued here. Start a new signature."));
          return FALSE;
        }
      *out_resume = TRUE;
      return TRUE;
    }
  kyso_pending_set_service_url (pending, service_url);
  kyso_pending_set_provider (pending, provider);
  kyso_pending_set_credential_id (pending, credential->id);
  kyso_pending_set_certificate_sha256 (pending, fingerprint);
  kyso_pending_set_digests (pending, digests, doc_ids);
  kyso_pending_set_description (pending, description);
  kyso_pending_set_state (pending, KYSO_PENDING_PREPARED);
  return TRUE;
}

void
kyso_remote_pending_save (KysoPending *pending)
{
  g_autoptr(GError) error = NULL;

  if (pending != NULL && !kyso_pending_save (pending, &error))
    g_warning ("Could not save the pending signing request: %s", error->message);
}

void
kyso_remote_pending_end (KysoPending *pending, const GError *error)
{
  if (pending == NULL)
    return;
  if (error == NULL)
    {
      kyso_pending_set_state (pending, KYSO_PENDING_APPROVED);
      kyso_remote_pending_save (pending);
    }
  else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)
           && !kyso_sign_wait_error_is_transient (error))
    {
      g_autoptr(GError) local = NULL;
      if (!kyso_pending_forget (pending, &local))
        g_warning ("Could not forget the pending signing request: %s", local->message);
    }
}

const char *
kyso_remote_json_string (JsonObject *object, const char *member)
{
  JsonNode *n = object ? json_object_get_member (object, member) : NULL;

  if (n == NULL || !JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (n);
}

JsonObject *
kyso_remote_json_object (JsonObject *object, const char *member)
{
  JsonNode *n = object ? json_object_get_member (object, member) : NULL;

  return n != NULL && JSON_NODE_HOLDS_OBJECT (n) ? json_node_get_object (n) : NULL;
}

JsonArray *
kyso_remote_json_array (JsonObject *object, const char *member)
{
  JsonNode *n = object ? json_object_get_member (object, member) : NULL;

  return n != NULL && JSON_NODE_HOLDS_ARRAY (n) ? json_node_get_array (n) : NULL;
}

gint64
kyso_remote_json_int (JsonObject *object, const char *member, gint64 fallback)
{
  JsonNode *n = object ? json_object_get_member (object, member) : NULL;

  if (n == NULL || !JSON_NODE_HOLDS_VALUE (n))
    return fallback;
  if (json_node_get_value_type (n) == G_TYPE_INT64)
    return json_node_get_int (n);
  if (json_node_get_value_type (n) == G_TYPE_DOUBLE)
    return (gint64) json_node_get_double (n);
  return fallback;
}

GBytes *
kyso_remote_base64_decode (const char *text)
{
  gsize len = 0;
  guchar *data;

  if (text == NULL || *text == '\0')
    return NULL;
  /* g_base64_decode never fails; reject text that is not base64 at all. */
  for (const char *p = text; *p; p++)
    if (!g_ascii_isalnum (*p) && *p != '+' && *p != '/' && *p != '=' && *p != '\n' && *p != '\r')
      return NULL;
  data = g_base64_decode (text, &len);
  if (len == 0)
    {
      g_free (data);
      return NULL;
    }
  return g_bytes_new_take (data, len);
}

KysoSignPollResult
kyso_remote_post_json (const char *url, JsonNode *body, const char * const *headers,
                       const KysoHttpOptions *options, GCancellable *cancellable, JsonNode **out_answer,
                       guint *out_status, GError **error)
{
  g_autoptr(GPtrArray) all = g_ptr_array_new ();
  g_autoptr(KysoHttpResponse) response = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *host = NULL;
  g_autoptr(GUri) uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  char *text;

  *out_answer = NULL;
  *out_status = 0;
  text = body ? json_to_string (body, FALSE) : g_strdup ("{}");
  bytes = g_bytes_new_take (text, strlen (text));
  g_ptr_array_add (all, (gpointer) "Accept: application/json");
  for (guint i = 0; headers != NULL && headers[i] != NULL; i++)
    g_ptr_array_add (all, (gpointer) headers[i]);
  g_ptr_array_add (all, NULL);

  response = kyso_http_request ("POST", url, (const char * const *) all->pdata, bytes, "application/json", options,
                                cancellable, error);
  if (response == NULL)
    return error != NULL && kyso_sign_wait_error_is_transient (*error) ? KYSO_SIGN_POLL_TRANSIENT
                                                                      : KYSO_SIGN_POLL_FAILED;
  *out_status = response->status;
  host = g_strdup (uri != NULL && g_uri_get_host (uri) ? g_uri_get_host (uri) : url);
  if (response->status >= 500)
    {
      g_set_error (error, KYSO_ERROR, KYSO_ERROR_SERVER,
                   /* Translators: %s is a host name, %u an HTTP status such as 500 */
                   _("The signing service at %s is having trouble (HTTP %u). Try again in a few minutes."),
                   host, response->status);
      return KYSO_SIGN_POLL_TRANSIENT;
    }
  *out_answer = kyso_json_parse_bytes (response->body, NULL);
  if (*out_answer == NULL || !JSON_NODE_HOLDS_OBJECT (*out_answer))
    {
      g_clear_pointer (out_answer, json_node_unref);
      g_set_error (error, KYSO_ERROR, KYSO_ERROR_SERVER,
                   _("The signing service at %s sent an answer Kyso cannot read (HTTP %u). Nothing was "
                     "signed; try again later."),
                   host, response->status);
      return KYSO_SIGN_POLL_FAILED;
    }
  return KYSO_SIGN_POLL_DONE;
}

/* FIXME: replaced by kyso_certificate_check_for_signing() when app/crypto/kyso-certificate.h lands;
 * until then only the certificate's readability is checked here. */
gboolean
kyso_remote_check_credential (const KysoSignerCredential *credential, const char *account, GError **error)
{
  if (credential == NULL || credential->chain->len == 0)
    {
      g_set_error_literal (error, KYSO_ERROR, KYSO_ERROR_CERTIFICATE, _("The signing certificate cannot be read."));
      return FALSE;
    }
  return TRUE;
}
