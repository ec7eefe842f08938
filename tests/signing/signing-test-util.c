#include "signing-test-util.h"

#include "kyso-error.h"
#include "kyso-http.h"
#include "kyso-signing-credentials.h"

#include <string.h>

static SigningSandbox *the_sandbox;

static JsonNode *
request (SigningSandbox *s, const char *method, const char *path, const char *body, guint *status)
{
  g_autofree char *url = g_strconcat (s->sb->base_url, path, NULL);
  KysoHttpOptions options = { .ca_file = s->sb->ca_file, .timeout_seconds = 30 };
  g_autoptr(GBytes) bytes = body ? g_bytes_new (body, strlen (body)) : NULL;
  g_autoptr(KysoHttpResponse) response = NULL;
  g_autoptr(GError) error = NULL;
  JsonNode *node;

  response
    = kyso_http_request (method, url, NULL, bytes, body ? "application/json" : NULL, &options, NULL, &error);
  g_assert_no_error (error);
  if (status != NULL)
    *status = response->status;
  node = kyso_json_parse_bytes (response->body, &error);
  g_assert_no_error (error);
  return node;
}

static void
post_ok (SigningSandbox *s, const char *path, const char *body)
{
  guint status = 0;
  g_autoptr(JsonNode) node = request (s, "POST", path, body, &status);

  g_assert_cmpuint (status, ==, 200);
}

static void
on_stored (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GError **error = user_data;

  kyso_signing_credentials_store_finish (result, error);
  if (*error == NULL)
    *error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_EXISTS, "done"); /* marks completion */
}

void
signing_store_secret (const char *service, const char *id, const char *secret)
{
  GError *error = NULL;

  kyso_signing_credentials_store_async (service, id, secret, NULL, on_stored, &error);
  while (error == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS);
  g_error_free (error);
}

const char *
signing_sandbox_get_string (SigningSandbox *s, const char *member)
{
  return json_object_get_string_member_with_default (s->sb->info, member, NULL);
}

SigningSandbox *
signing_sandbox_get (void)
{
  g_autoptr(GError) error = NULL;
  JsonArray *citizens;

  if (the_sandbox != NULL)
    return the_sandbox;
  the_sandbox = g_new0 (SigningSandbox, 1);
  the_sandbox->sb = kyso_test_sandbox_start (NULL, &error);
  g_assert_no_error (error);
  the_sandbox->config = kyso_config_load (the_sandbox->sb->config_file, &error);
  g_assert_no_error (error);
  signing_store_secret ("neac", signing_sandbox_get_string (the_sandbox, "sp_id"),
                        signing_sandbox_get_string (the_sandbox, "sp_password"));
  citizens = json_object_get_array_member (the_sandbox->sb->info, "citizens");
  for (guint i = 0; i < json_array_get_length (citizens); i++)
    {
      JsonObject *c = json_array_get_object_element (citizens, i);
      signing_store_secret ("csc", json_object_get_string_member (c, "username"),
                            json_object_get_string_member (c, "password"));
    }
  return the_sandbox;
}

void
signing_sandbox_stop (void)
{
  if (the_sandbox == NULL)
    return;
  kyso_config_unref (the_sandbox->config);
  kyso_test_sandbox_stop (the_sandbox->sb);
  g_clear_pointer (&the_sandbox, g_free);
}

JsonObject *
signing_sandbox_citizen (SigningSandbox *s, const char *cccd)
{
  JsonArray *citizens = json_object_get_array_member (s->sb->info, "citizens");

  for (guint i = 0; i < json_array_get_length (citizens); i++)
    {
      JsonObject *c = json_array_get_object_element (citizens, i);
      if (g_strcmp0 (json_object_get_string_member (c, "cccd"), cccd) == 0)
        return c;
    }
  g_assert_not_reached ();
}

void
signing_sandbox_reset (SigningSandbox *s, const char *policy, guint expiry)
{
  g_autofree char *p = g_strdup_printf ("{\"policy\": \"%s\"}", policy);
  g_autofree char *e = g_strdup_printf ("{\"seconds\": %u}", expiry);

  post_ok (s, "/control/fault", "{\"clear\": true}");
  post_ok (s, "/phone/policy", p);
  post_ok (s, "/control/expiry", e);
}

void
signing_sandbox_fault (SigningSandbox *s, const char *mode)
{
  g_autofree char *body = g_strdup_printf ("{\"fault\": \"%s\"}", mode);

  post_ok (s, "/control/fault", body);
}

void
signing_sandbox_phone (SigningSandbox *s, const char *id, const char *answer)
{
  g_autofree char *path = g_strdup_printf ("/phone/%s/%s", id, answer);

  post_ok (s, path, "{}");
}

guint
signing_sandbox_count_transactions (SigningSandbox *s)
{
  g_autoptr(JsonNode) node = request (s, "GET", "/phone/transactions", NULL, NULL);

  return json_array_get_length (json_object_get_array_member (json_node_get_object (node), "transactions"));
}

JsonObject *
signing_sandbox_latest_transaction (SigningSandbox *s)
{
  g_autoptr(JsonNode) node = request (s, "GET", "/phone/transactions", NULL, NULL);
  JsonArray *list = json_object_get_array_member (json_node_get_object (node), "transactions");
  guint n = json_array_get_length (list);

  return n > 0 ? json_object_ref (json_array_get_object_element (list, n - 1)) : NULL;
}

GPtrArray *
signing_sandbox_requests (SigningSandbox *s, const char *kind)
{
  g_autoptr(JsonNode) node = request (s, "GET", "/control/requests", NULL, NULL);
  JsonArray *list = json_object_get_array_member (json_node_get_object (node), "requests");
  GPtrArray *out = g_ptr_array_new_with_free_func ((GDestroyNotify)json_object_unref);

  for (guint i = 0; i < json_array_get_length (list); i++)
    {
      JsonObject *r = json_array_get_object_element (list, i);
      const char *body = json_object_get_string_member_with_default (r, "body", NULL);
      g_autoptr(JsonNode) parsed = body != NULL ? json_from_string (body, NULL) : NULL;

      if (kind != NULL && g_strcmp0 (json_object_get_string_member (r, "kind"), kind) != 0)
        continue;
      if (parsed != NULL)
        json_object_set_member (r, "json", g_steal_pointer (&parsed));
      else
        json_object_set_null_member (r, "json");
      g_ptr_array_add (out, json_object_ref (r));
    }
  return out;
}

void
signing_sandbox_clear_requests (SigningSandbox *s)
{
  g_autoptr(JsonNode) node = request (s, "POST", "/control/requests", "{\"clear\": true}", NULL);
}

static gint
compare_strings (gconstpointer a, gconstpointer b)
{
  return g_strcmp0 (*(const char *const *)a, *(const char *const *)b);
}

char *
signing_member_names (JsonObject *object)
{
  g_autoptr(GList) names = json_object_get_members (object);
  g_autoptr(GPtrArray) sorted = g_ptr_array_new ();

  for (GList *l = names; l != NULL; l = l->next)
    g_ptr_array_add (sorted, l->data);
  g_ptr_array_sort (sorted, compare_strings);
  g_ptr_array_add (sorted, NULL);
  return g_strjoinv (",", (char **)sorted->pdata);
}

GPtrArray *
signing_make_digests (guint n, const char *salt)
{
  GPtrArray *digests = g_ptr_array_new_with_free_func ((GDestroyNotify)g_bytes_unref);

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *text
        = g_strdup_printf ("document %u %s %" G_GINT64_FORMAT, i, salt, g_get_real_time ());
      g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
      guint8 d[32];
      gsize len = sizeof d;

      g_checksum_update (sum, (const guchar *)text, -1);
      g_checksum_get_digest (sum, d, &len);
      g_ptr_array_add (digests, g_bytes_new (d, len));
    }
  return digests;
}

void
sign_run_clear (SignRun *run)
{
  g_clear_pointer (&run->states, g_array_unref);
  g_clear_pointer (&run->provider, g_free);
  g_clear_pointer (&run->transaction_id, g_free);
  g_clear_pointer (&run->verification_code, g_free);
  g_clear_pointer (&run->signatures, g_ptr_array_unref);
  g_clear_error (&run->error);
}

static void
on_progress (const KysoSignProgress *p, gpointer user_data)
{
  SignRun *run = user_data;

  g_assert_false (run->done);
  g_array_append_val (run->states, p->state);
  g_free (run->provider);
  run->provider = g_strdup (p->provider);
  g_free (run->transaction_id);
  run->transaction_id = g_strdup (p->transaction_id);
  g_free (run->verification_code);
  run->verification_code = g_strdup (p->verification_code);
  run->expires_at = p->expires_at;
  if (p->state == KYSO_SIGN_STATE_WAITING && run->cancel_when_waiting != NULL)
    g_cancellable_cancel (run->cancel_when_waiting);
}

static void
on_signed (GObject *source, GAsyncResult *result, gpointer user_data)
{
  SignRun *run = user_data;

  run->signatures = kyso_signer_sign_digests_finish (KYSO_SIGNER (source), result, &run->error);
  g_assert_true ((run->signatures == NULL) != (run->error == NULL));
  run->done = TRUE;
}

void
signing_run (KysoSigner *signer, const char *credential_id, GPtrArray *digests, GCancellable *cancellable,
             SignRun *run)
{
  const char *doc_ids[] = { "don-de-nghi.pdf", "giay-to-1.pdf", "giay-to-2.pdf", "giay-to-3.pdf", NULL };
  KysoSignRequest req = {
    .credential_id = credential_id,
    .description = "Ký hồ sơ thử nghiệm",
    .doc_ids = digests->len < G_N_ELEMENTS (doc_ids) ? doc_ids : NULL,
  };

  sign_run_clear (run);
  run->done = FALSE;
  run->states = g_array_new (FALSE, FALSE, sizeof (KysoSignState));
  kyso_signer_sign_digests_async (signer, digests, &req, on_progress, run, cancellable, on_signed, run);
  while (!run->done)
    g_main_context_iteration (NULL, TRUE);
}

gboolean
sign_run_saw (SignRun *run, KysoSignState state)
{
  for (guint i = 0; run->states != NULL && i < run->states->len; i++)
    if (g_array_index (run->states, KysoSignState, i) == state)
      return TRUE;
  return FALSE;
}

typedef struct
{
  GPtrArray *list;
  GError *error;
  gboolean done;
} ListRun;

static void
on_listed (GObject *source, GAsyncResult *result, gpointer user_data)
{
  ListRun *run = user_data;

  run->list = kyso_signer_list_credentials_finish (KYSO_SIGNER (source), result, &run->error);
  run->done = TRUE;
}

char *
signing_first_credential (KysoSigner *signer)
{
  ListRun run = { 0 };
  char *id;

  kyso_signer_list_credentials_async (signer, NULL, on_listed, &run);
  while (!run.done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_no_error (run.error);
  g_assert_cmpuint (run.list->len, >=, 1);
  id = g_strdup (((KysoSignerCredential *)g_ptr_array_index (run.list, 0))->id);
  g_ptr_array_unref (run.list);
  return id;
}

static GString *log_text;
static GMutex log_lock;

static GLogWriterOutput
capture_log_or_default (GLogLevelFlags level, const GLogField *fields, gsize n_fields, gpointer user_data)
{
  gboolean captured = FALSE;

  /* Worker threads log too. */
  g_mutex_lock (&log_lock);
  if (log_text != NULL)
    {
      for (gsize i = 0; i < n_fields; i++)
        if (g_strcmp0 (fields[i].key, "MESSAGE") == 0)
          {
            g_string_append_len (log_text, fields[i].value, fields[i].length);
            g_string_append_c (log_text, '\n');
          }
      captured = TRUE;
    }
  g_mutex_unlock (&log_lock);
  if (captured && !(level & G_LOG_LEVEL_CRITICAL) && !(level & G_LOG_LEVEL_ERROR))
    return G_LOG_WRITER_HANDLED;
  return g_log_writer_default (level, fields, n_fields, user_data);
}

void
signing_capture_log_install (void)
{
  g_log_set_writer_func (capture_log_or_default, NULL, NULL);
}

void
signing_capture_log_begin (void)
{
  g_log_set_debug_enabled (TRUE);
  g_mutex_lock (&log_lock);
  log_text = g_string_new (NULL);
  g_mutex_unlock (&log_lock);
}

char *
signing_capture_log_end (void)
{
  char *text;

  g_mutex_lock (&log_lock);
  text = g_string_free (g_steal_pointer (&log_text), FALSE);
  g_mutex_unlock (&log_lock);
  return text;
}
