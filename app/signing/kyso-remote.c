#include "config.h"

#include "kyso-remote-private.h"
#include "kyso-certificate.h"
#include "kyso-crypto-private.h"
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

  return g_get_real_time () + (gint64)seconds * G_USEC_PER_SEC;
}

GStrv
kyso_remote_make_doc_ids (const char *const *doc_ids, guint n)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  GStrv out = g_new0 (char *, n + 1);

  for (guint i = 0; i < n; i++)
    {
      const char *given = doc_ids != NULL ? doc_ids[i] : NULL;
      /* Translators: the name shown on the phone for a document that has none; %u counts from 1 */
      char *id
        = given != NULL && *given != '\0' ? g_strdup (given) : g_strdup_printf (_("Document %u"), i + 1);

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

/* No 0/O, 1/I/L: read aloud or copied by hand without doubt. */
static const char code_alphabet[] = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";

GStrv
kyso_remote_make_doc_codes (guint n)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  GStrv out = g_new0 (char *, n + 1);

  for (guint i = 0; i < n; i++)
    {
      char code[KYSO_REMOTE_DOC_CODE_LEN + 1];

      do
        {
          for (guint k = 0; k < KYSO_REMOTE_DOC_CODE_LEN; k++)
            code[k] = k == 3 ? '-' : code_alphabet[g_random_int_range (0, sizeof code_alphabet - 1)];
          code[KYSO_REMOTE_DOC_CODE_LEN] = '\0';
        }
      while (g_hash_table_contains (seen, code));
      out[i] = g_strdup (code);
      g_hash_table_add (seen, out[i]);
    }
  return out;
}

gboolean
kyso_remote_is_doc_code (const char *code)
{
  if (code == NULL || strlen (code) != KYSO_REMOTE_DOC_CODE_LEN)
    return FALSE;
  for (guint k = 0; k < KYSO_REMOTE_DOC_CODE_LEN; k++)
    if (k == 3 ? code[k] != '-' : strchr (code_alphabet, code[k]) == NULL)
      return FALSE;
  return TRUE;
}

gboolean
kyso_remote_check_signatures (const KysoSignerCredential *credential, GPtrArray *digests,
                              GPtrArray *signatures, GError **error)
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
kyso_remote_pending_begin (KysoPending *pending, const char *kind, const char *service_url,
                           const char *provider, const KysoSignerCredential *credential, GPtrArray *digests,
                           const char *const *doc_ids, const char *description, gboolean *out_resume,
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
kyso_remote_pending_record (KysoPending *pending, const char *transaction_id, const char *tran_code,
                            const char *const *doc_codes, gint64 expires_at, KysoPendingState state)
{
  g_autofree char *joined = doc_codes != NULL ? g_strjoinv (", ", (char **)doc_codes) : NULL;

  if (pending == NULL)
    return;
  if (transaction_id != NULL)
    kyso_pending_set_transaction_id (pending, transaction_id);
  if (tran_code != NULL)
    kyso_pending_set_tran_code (pending, tran_code);
  if (doc_codes != NULL)
    {
      /* set_digests empties the record's array first: hand it a copy. */
      GPtrArray *old = kyso_pending_get_digests (pending);
      g_autoptr(GPtrArray) digests = g_ptr_array_new_with_free_func ((GDestroyNotify)g_bytes_unref);

      for (guint i = 0; i < old->len; i++)
        g_ptr_array_add (digests, g_bytes_ref (g_ptr_array_index (old, i)));
      kyso_pending_set_digests (pending, digests, doc_codes);
      kyso_pending_set_verification_code (pending, joined);
    }
  if (expires_at > 0)
    kyso_pending_set_expires_at (pending, expires_at);
  kyso_pending_set_state (pending, state);
  kyso_remote_pending_save (pending);
}

void
kyso_remote_pending_end (KysoPending *pending, const GError *error)
{
  if (pending != NULL && error == NULL)
    {
      kyso_pending_set_state (pending, KYSO_PENDING_APPROVED);
      kyso_remote_pending_save (pending);
    }
}

gboolean
kyso_remote_error_may_resume (const GError *error)
{
  return error != NULL
         && (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)
             || kyso_sign_wait_error_is_transient (error));
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
    return (gint64)json_node_get_double (n);
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
kyso_remote_post_json (const char *url, JsonNode *body, const char *const *headers,
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
    g_ptr_array_add (all, (gpointer)headers[i]);
  g_ptr_array_add (all, NULL);

  response = kyso_http_request ("POST", url, (const char *const *)all->pdata, bytes, "application/json",
                                options, cancellable, error);
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

gboolean
kyso_remote_check_credential (const KysoSignerCredential *credential, const char *account,
                              const KysoRemoteOptions *options, GCancellable *cancellable, GError **error)
{
  g_autoptr(KysoCertificate) cert = NULL;
  g_autoptr(X509_STORE) store = NULL;
  g_autoptr(GDateTime) revoked_at = NULL;
  g_autofree char *reason = NULL;
  g_autoptr(GError) local = NULL;
  STACK_OF (X509) *untrusted = NULL;
  KysoTrustOptions trust = { 0 };
  KysoRevocationStatus status;
  X509 *issuer;

  if (credential == NULL || credential->chain->len == 0)
    {
      g_set_error_literal (error, KYSO_ERROR, KYSO_ERROR_CERTIFICATE,
                           _("The signing certificate cannot be read."));
      return FALSE;
    }
  cert = kyso_certificate_new (g_ptr_array_index (credential->chain, 0), error);
  if (cert == NULL || !kyso_certificate_check_for_signing (cert, account, NULL, error))
    return FALSE;
  if (credential->chain->len < 2)
    {
      g_debug ("no issuer certificate: revocation not checked before signing");
      return TRUE;
    }

  untrusted = kyso_x509_stack_from_chain (credential->chain);
  issuer = untrusted != NULL ? sk_X509_value (untrusted, 1) : NULL;
  trust.use_system_store = TRUE;
  trust.files = (const char *const *)options->trust_files;
  trust.tls_ca_file = options->tls_ca_file;
  store = kyso_trust_store_new (&trust);
  status = issuer != NULL ? kyso_revocation_check (sk_X509_value (untrusted, 0), issuer, store, untrusted,
                                                   &trust, cancellable, &revoked_at, &reason, &local)
                          : KYSO_REVOCATION_UNKNOWN;
  sk_X509_pop_free (untrusted, X509_free);
  /* Only cancellation is an error here. */
  if (local != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  if (status == KYSO_REVOCATION_REVOKED)
    {
      kyso_remote_set_revoked_error (error);
      return FALSE;
    }
  if (status == KYSO_REVOCATION_UNKNOWN)
    g_debug ("revocation before signing not decided: %s", reason ? reason : "?");
  return TRUE;
}

void
kyso_remote_options_load (KysoRemoteOptions *options, KysoConfig *config)
{
  const char *anchors = kyso_config_get (config, "trust", "anchors");
  const char *ca_file = kyso_config_get_path (config, "tls", "ca_file");
  g_autoptr(GStrvBuilder) files = g_strv_builder_new ();
  g_auto(GStrv) parts = anchors ? g_strsplit (anchors, ";", -1) : NULL;
  const char *dir = kyso_config_get_filename (config);
  g_autofree char *base = dir ? g_path_get_dirname (dir) : NULL;

  for (guint i = 0; parts != NULL && parts[i] != NULL; i++)
    {
      const char *f = g_strstrip (parts[i]);
      if (*f == '\0')
        continue;
      if (g_path_is_absolute (f) || base == NULL)
        g_strv_builder_add (files, f);
      else
        {
          g_autofree char *path = g_build_filename (base, f, NULL);
          g_strv_builder_add (files, path);
        }
    }
  g_clear_pointer (&options->trust_files, g_strfreev);
  options->trust_files = g_strv_builder_end (files);
  g_free (options->tls_ca_file);
  options->tls_ca_file = g_strdup (ca_file);
}

void
kyso_remote_options_clear (KysoRemoteOptions *options)
{
  g_clear_pointer (&options->trust_files, g_strfreev);
  g_clear_pointer (&options->tls_ca_file, g_free);
}

void
kyso_remote_set_revoked_error (GError **error)
{
  g_set_error_literal (error, KYSO_ERROR, KYSO_ERROR_CERTIFICATE,
                       _("Your signing certificate has been revoked by the certificate provider and cannot "
                         "sign. Contact your certificate provider."));
}

void
kyso_remote_set_expired_error (GError **error)
{
  g_set_error_literal (
    error, KYSO_ERROR, KYSO_ERROR_CERTIFICATE,
    _("Your signing certificate has expired. Renew it with your certificate provider, then "
       "sign again."));
}

gboolean
kyso_remote_check_status_word (const char *status, GError **error)
{
  static const char *const revoked[] = { "Đã thu hồi", "revoked", NULL };
  static const char *const expired[] = { "Hết hạn", "expired", NULL };
  static const char *const suspended[] = { "Tạm dừng", "Tạm khóa", "suspended", "disabled", NULL };

  if (status == NULL)
    return TRUE;
  for (guint i = 0; revoked[i] != NULL; i++)
    if (g_ascii_strcasecmp (status, revoked[i]) == 0)
      {
        kyso_remote_set_revoked_error (error);
        return FALSE;
      }
  for (guint i = 0; expired[i] != NULL; i++)
    if (g_ascii_strcasecmp (status, expired[i]) == 0)
      {
        kyso_remote_set_expired_error (error);
        return FALSE;
      }
  for (guint i = 0; suspended[i] != NULL; i++)
    if (g_ascii_strcasecmp (status, suspended[i]) == 0)
      {
        g_set_error_literal (
          error, KYSO_ERROR, KYSO_ERROR_CERTIFICATE,
          _("Your signing certificate is suspended and cannot sign right now. Contact your "
             "certificate provider."));
        return FALSE;
      }
  return TRUE;
}
