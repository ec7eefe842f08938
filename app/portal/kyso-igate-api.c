/* The HTTP plumbing of the iGate adapter: tokens, retries and error messages in one place. */
#include "config.h"

#include "kyso-igate-private.h"
#include "kyso-error.h"
#include "kyso-portal-json.h"

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <string.h>

#define MAX_ATTEMPTS 3

static gboolean
transient_status (guint status)
{
  return status == 500 || status == 502 || status == 503 || status == 504;
}

/* Waits before the next attempt (300 ms, then 1 s), waking up at once when cancelled. */
static gboolean
backoff (guint attempt, GCancellable *cancellable, GError **error)
{
  gint64 until = g_get_monotonic_time () + (attempt <= 1 ? 300 : 1000) * 1000;

  while (g_get_monotonic_time () < until)
    {
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
      g_usleep (20 * 1000);
    }
  return TRUE;
}

static const char *
server_message (JsonNode *answer)
{
  JsonObject *obj = answer != NULL && JSON_NODE_HOLDS_OBJECT (answer) ? json_node_get_object (answer) : NULL;
  const char *m = kyso_pj_string (obj, "error_description");

  return m != NULL ? m : kyso_pj_string (obj, "message");
}

static void
set_status_error (KysoIgatePortal *self, guint status, GBytes *body, GError **error)
{
  g_autoptr (JsonNode) answer = body != NULL ? kyso_json_parse_bytes (body, NULL) : NULL;
  const char *message = server_message (answer);
  const char *portal = self->province->name;

  switch (status)
    {
      case 401:
        g_set_error_literal (error, KYSO_ERROR, KYSO_ERROR_AUTH,
                             _ ("Your portal session has ended. Log in again."));
        break;
      case 403:
        g_set_error (error, KYSO_ERROR, KYSO_ERROR_AUTH,
                     _ ("The portal of %s does not allow this for your account."), portal);
        break;
      case 404:
        if (message != NULL)
          g_set_error (error, KYSO_ERROR, KYSO_ERROR_NOT_FOUND,
                       _ ("The portal does not know it: %s"), message);
        else
          g_set_error_literal (error, KYSO_ERROR, KYSO_ERROR_NOT_FOUND, _ ("The portal does not know it."));
        break;
      case 400:
      case 409:
      case 413:
      case 415:
      case 422:
        if (message != NULL)
          g_set_error (error, KYSO_ERROR, status == 413 ? KYSO_ERROR_LIMIT : KYSO_ERROR_INVALID_INPUT,
                       _ ("The portal refused it: %s"), message);
        else
          g_set_error (error, KYSO_ERROR, status == 413 ? KYSO_ERROR_LIMIT : KYSO_ERROR_INVALID_INPUT,
                       _ ("The portal refused it (HTTP %u)."), status);
        break;
      default:
        g_set_error (error, KYSO_ERROR, KYSO_ERROR_SERVER,
                     _ ("The portal of %s has a problem (HTTP %u). Try again in a few minutes."), portal,
                        status);
        break;
    }
}

static char *
api_url (KysoIgatePortal *self, const char *path)
{
  return g_strconcat (self->province->api, path, NULL);
}

/* The portal refused a fresh token: the session is over (the portal's own clients log the person
 * out and ask them to log in again). */
static void
end_session (KysoIgatePortal *self, GError **error)
{
  kyso_oidc_client_end_session (self->oidc);
  g_set_error_literal (error, KYSO_ERROR, KYSO_ERROR_AUTH,
                       _ ("Your portal session has ended. Log in again."));
}

JsonNode *
kyso_igate_api_call (KysoIgatePortal *self, const char *method, const char *path, JsonNode *body,
                     gboolean *out_sent, GCancellable *cancellable, GError **error)
{
  g_autofree char *url = api_url (self, path);
  g_autoptr (GBytes) payload = NULL;
  const char *headers[] = { "Accept: application/json", NULL };
  /* PUT too: the one iGate PUT Kyso sends takes the next dossier code, and sending it again after a
   * lost answer only leaves a gap in the portal's numbering. */
  gboolean retryable
    = strcmp (method, "GET") == 0 || strcmp (method, "DELETE") == 0 || strcmp (method, "PUT") == 0;
  gboolean refreshed = FALSE;
  guint attempt = 0;

  if (out_sent != NULL)
    *out_sent = FALSE;
  if (body != NULL)
    {
      char *text = json_to_string (body, FALSE);
      payload = g_bytes_new_take (text, strlen (text));
    }

  for (;;)
    {
      g_autoptr (KysoHttpResponse) response = NULL;
      g_autoptr (GError) local_error = NULL;
      g_autofree char *token = NULL;
      KysoHttpOptions options = { 0 };

      token = kyso_oidc_client_dup_access_token (self->oidc, 0, cancellable, error);
      if (token == NULL)
        return NULL;
      options.ca_file = self->ca_file;
      options.bearer_token = token;
      options.timeout_seconds = 60;
      options.max_body_bytes = 8 * 1024 * 1024;
      attempt++;
      response = kyso_http_request (method, url, headers, payload, payload ? "application/json" : NULL,
                                    &options, cancellable, &local_error);
      if (response == NULL)
        {
          if (retryable && attempt < MAX_ATTEMPTS
              && g_error_matches (local_error, KYSO_ERROR, KYSO_ERROR_NETWORK))
            {
              g_debug ("%s %s: connection failed, retrying", method, path);
              if (!backoff (attempt, cancellable, error))
                return NULL;
              continue;
            }
          /* A dropped connection may have dropped only the answer. */
          if (out_sent != NULL && g_error_matches (local_error, KYSO_ERROR, KYSO_ERROR_NETWORK))
            *out_sent = TRUE;
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }
      /* An access token can expire between the check and the call (or be revoked): refresh
       * once and try again. */
      if (response->status == 401 && !refreshed)
        {
          g_debug ("%s %s: token refused, refreshing", method, path);
          kyso_oidc_client_reject_access_token (self->oidc, token);
          refreshed = TRUE;
          attempt--;
          continue;
        }
      if (response->status == 401)
        {
          end_session (self, error);
          return NULL;
        }
      if (transient_status (response->status) && retryable && attempt < MAX_ATTEMPTS)
        {
          g_debug ("%s %s: HTTP %u, retrying", method, path, response->status);
          if (!backoff (attempt, cancellable, error))
            return NULL;
          continue;
        }
      if (response->status < 200 || response->status >= 300)
        {
          set_status_error (self, response->status, response->body, error);
          return NULL;
        }
      if (g_bytes_get_size (response->body) == 0)
        return json_node_new (JSON_NODE_NULL);
      return kyso_json_parse_bytes (response->body, error);
    }
}

typedef struct
{
  KysoIgateUploadProgress progress;
  gpointer data;
  gboolean retrying;
} UploadRelay;

static void
relay_progress (guint64 sent, guint64 total, gpointer user_data)
{
  UploadRelay *relay = user_data;

  if (relay->progress != NULL)
    relay->progress (sent, total, relay->retrying, relay->data);
}

/* After a lost answer: the file the portal may already have stored, found among the account's
 * files by name and size (an assumed call: REAL-SERVICES.md lists none; see
 * tests/sandbox/README.md). NULL (no error) when it is not there. */
static KysoPortalFile *
find_stored (KysoIgatePortal *self, const char *account_id, const char *name, guint64 size, GStrv taken,
             GCancellable *cancellable, GError **error)
{
  g_autofree char *eaccount = g_uri_escape_string (account_id, NULL, FALSE);
  g_autofree char *ename = g_uri_escape_string (name, NULL, FALSE);
  g_autofree char *path
    = g_strdup_printf ("fi/file/--search?spec=page&page=0&size=50&account-id=%s&keyword=%s", eaccount, ename);
  g_autoptr (JsonNode) answer = kyso_igate_api_call (self, "GET", path, NULL, NULL, cancellable, error);
  JsonArray *items;

  if (answer == NULL)
    return NULL;
  items = kyso_igate_list_items (answer);
  for (guint i = 0; items != NULL && i < json_array_get_length (items); i++)
    {
      KysoPortalFile *file = kyso_igate_parse_file (kyso_pj_array_object (items, i));

      if (file != NULL && g_strcmp0 (file->name, name) == 0 && file->size == size
          && (taken == NULL || !g_strv_contains ((const char *const *)taken, file->id)))
        return file;
      kyso_portal_file_free (file);
    }
  return NULL;
}

static gboolean
unanswered (KysoIgatePortal *self, const char *key, int set)
{
  gboolean was;

  if (key == NULL)
    return FALSE;
  g_mutex_lock (&self->lock);
  was = g_hash_table_contains (self->unanswered, key);
  if (set > 0)
    g_hash_table_add (self->unanswered, g_strdup (key));
  else if (set < 0)
    g_hash_table_remove (self->unanswered, key);
  g_mutex_unlock (&self->lock);
  return was;
}

static KysoPortalFile *
upload (KysoIgatePortal *self, KysoProcedureComponent *component, const char *path, const char *key,
        GStrv taken, KysoIgateUploadProgress progress, gpointer progress_data, GCancellable *cancellable,
        GError **error);

KysoPortalFile *
kyso_igate_api_upload (KysoIgatePortal *self, KysoProcedureComponent *component, const char *path,
                       const char *key, GStrv taken, KysoIgateUploadProgress progress, gpointer progress_data,
                       GCancellable *cancellable, GError **error)
{
  g_autoptr (GError) local_error = NULL;
  KysoPortalFile *file
    = upload (self, component, path, key, taken, progress, progress_data, cancellable, &local_error);

  /* Cancelled or cut off: the portal may have the file; the next call with this key looks first. */
  if (file == NULL
      && (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED)
          || g_error_matches (local_error, KYSO_ERROR, KYSO_ERROR_NETWORK)))
    unanswered (self, key, +1);
  else
    unanswered (self, key, -1);
  if (local_error != NULL)
    g_propagate_error (error, g_steal_pointer (&local_error));
  return file;
}

static KysoPortalFile *
upload (KysoIgatePortal *self, KysoProcedureComponent *component, const char *path, const char *key,
        GStrv taken, KysoIgateUploadProgress progress, gpointer progress_data, GCancellable *cancellable,
        GError **error)
{
  g_autofree char *url = api_url (self, "fi/file/--multiple?uuid=1");
  g_autofree char *account_id = kyso_oidc_client_dup_claim (self->oidc, "account_id");
  g_autofree char *name = g_path_get_basename (path);
  const char *fields[] = { "account-id", account_id, NULL };
  UploadRelay relay = { progress, progress_data, FALSE };
  gboolean refreshed = FALSE;
  gboolean maybe_stored = unanswered (self, key, 0);
  guint attempt = 0;

  if (account_id == NULL)
    {
      g_set_error_literal (error, KYSO_ERROR, KYSO_ERROR_AUTH,
                           _ ("The portal did not say which account you logged in with. Log in again."));
      return NULL;
    }
  for (;;)
    {
      g_autoptr (KysoHttpResponse) response = NULL;
      g_autoptr (GError) local_error = NULL;
      g_autoptr (JsonNode) answer = NULL;
      g_autofree char *token = NULL;
      KysoUploadRequest request = { 0 };
      KysoPortalFile *file;
      GStatBuf st;

      /* The last attempt may have stored the file and lost only the answer: look before sending
       * it a second time. */
      if (maybe_stored && g_stat (path, &st) == 0)
        {
          g_autoptr (GError) find_error = NULL;
          file = find_stored (self, account_id, name, (guint64)st.st_size, taken, cancellable, &find_error);
          if (file != NULL)
            {
              g_debug ("upload: the portal had stored the file before the answer was lost");
              return file;
            }
          if (find_error != NULL)
            {
              g_propagate_error (error, g_steal_pointer (&find_error));
              return NULL;
            }
        }
      /* A big file takes minutes: start with a token that will not lapse on the way. */
      token = kyso_oidc_client_dup_access_token (self->oidc, 120, cancellable, error);
      if (token == NULL)
        return NULL;
      request.url = url;
      request.field = "files";
      request.fields = fields;
      request.path = path;
      request.types = kyso_procedure_component_get_types (component);
      request.max_bytes = kyso_procedure_component_get_max_bytes (component);
      request.bearer_token = token;
      request.ca_file = self->ca_file;
      request.progress = relay_progress;
      request.progress_data = &relay;
      attempt++;
      response = kyso_portal_upload_file (&request, cancellable, &local_error);
      if (response == NULL)
        {
          if (attempt < MAX_ATTEMPTS && g_error_matches (local_error, KYSO_ERROR, KYSO_ERROR_NETWORK))
            {
              g_debug ("upload: connection dropped; looking for the file before sending it again");
              relay.retrying = TRUE;
              maybe_stored = TRUE;
              if (!backoff (attempt, cancellable, error))
                return NULL;
              continue;
            }
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }
      if (response->status == 401 && !refreshed)
        {
          kyso_oidc_client_reject_access_token (self->oidc, token);
          refreshed = TRUE;
          attempt--;
          continue;
        }
      if (response->status == 401)
        {
          end_session (self, error);
          return NULL;
        }
      if (transient_status (response->status) && attempt < MAX_ATTEMPTS)
        {
          relay.retrying = TRUE;
          /* A gateway error can come after the portal stored the file. */
          maybe_stored = response->status == 502 || response->status == 504;
          if (!backoff (attempt, cancellable, error))
            return NULL;
          continue;
        }
      if (response->status < 200 || response->status >= 300)
        {
          set_status_error (self, response->status, response->body, error);
          return NULL;
        }
      answer = kyso_json_parse_bytes (response->body, error);
      if (answer == NULL)
        return NULL;
      /* fi/file/--multiple answers a list, one entry per part. */
      file = kyso_igate_parse_file (
        kyso_pj_array_object (JSON_NODE_HOLDS_ARRAY (answer) ? json_node_get_array (answer) : NULL, 0));
      if (file == NULL)
        g_set_error_literal (error, KYSO_ERROR, KYSO_ERROR_SERVER,
                             _ ("The portal accepted the file but did not say where it is. Try again."));
      return file;
    }
}
