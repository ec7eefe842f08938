/* The HTTP plumbing of the iGate adapter: tokens, retries and error messages in one place. */
#include "config.h"

#include "kyso-igate-private.h"
#include "kyso-error.h"
#include "kyso-portal-json.h"

#include <glib/gi18n-lib.h>
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
  g_autoptr(JsonNode) answer = body != NULL ? kyso_json_parse_bytes (body, NULL) : NULL;
  const char *message = server_message (answer);
  const char *portal = self->province->name;

  switch (status)
    {
    case 401:
      g_set_error_literal (error, KYSO_ERROR, KYSO_ERROR_AUTH, _("Your portal session has ended. Log in again."));
      break;
    case 403:
      g_set_error (error, KYSO_ERROR, KYSO_ERROR_AUTH,
                   _("The portal of %s does not allow this for your account."), portal);
      break;
    case 404:
      if (message != NULL)
        g_set_error (error, KYSO_ERROR, KYSO_ERROR_NOT_FOUND, _("The portal does not know it: %s"), message);
      else
        g_set_error_literal (error, KYSO_ERROR, KYSO_ERROR_NOT_FOUND, _("The portal does not know it."));
      break;
    case 400:
    case 409:
    case 413:
    case 415:
    case 422:
      if (message != NULL)
        g_set_error (error, KYSO_ERROR, status == 413 ? KYSO_ERROR_LIMIT : KYSO_ERROR_INVALID_INPUT,
                     _("The portal refused it: %s"), message);
      else
        g_set_error (error, KYSO_ERROR, status == 413 ? KYSO_ERROR_LIMIT : KYSO_ERROR_INVALID_INPUT,
                     _("The portal refused it (HTTP %u)."), status);
      break;
    default:
      g_set_error (error, KYSO_ERROR, KYSO_ERROR_SERVER,
                   _("The portal of %s has a problem (HTTP %u). Try again in a few minutes."), portal, status);
      break;
    }
}

static char *
api_url (KysoIgatePortal *self, const char *path)
{
  return g_strconcat (self->province->api, path, NULL);
}

JsonNode *
kyso_igate_api_call (KysoIgatePortal *self,
                     const char      *method,
                     const char      *path,
                     JsonNode        *body,
                     const char      *idempotency_key,
                     GCancellable    *cancellable,
                     GError         **error)
{
  g_autofree char *url = api_url (self, path);
  g_autofree char *key_header = NULL;
  g_autoptr(GBytes) payload = NULL;
  const char *headers[3] = { "Accept: application/json", NULL, NULL };
  gboolean retryable = idempotency_key != NULL || strcmp (method, "GET") == 0 || strcmp (method, "DELETE") == 0;
  gboolean refreshed = FALSE;
  guint attempt = 0;

  if (idempotency_key != NULL)
    {
      key_header = g_strdup_printf ("Idempotency-Key: %s", idempotency_key);
      headers[1] = key_header;
    }
  if (body != NULL)
    {
      char *text = json_to_string (body, FALSE);
      payload = g_bytes_new_take (text, strlen (text));
    }

  for (;;)
    {
      g_autoptr(KysoHttpResponse) response = NULL;
      g_autoptr(GError) local_error = NULL;
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
          if (retryable && attempt < MAX_ATTEMPTS && g_error_matches (local_error, KYSO_ERROR, KYSO_ERROR_NETWORK))
            {
              g_debug ("%s %s: connection failed, retrying", method, path);
              if (!backoff (attempt, cancellable, error))
                return NULL;
              continue;
            }
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

typedef struct {
  KysoIgateUploadProgress progress;
  gpointer                data;
  gboolean                retrying;
} UploadRelay;

static void
relay_progress (guint64 sent, guint64 total, gpointer user_data)
{
  UploadRelay *relay = user_data;

  if (relay->progress != NULL)
    relay->progress (sent, total, relay->retrying, relay->data);
}

KysoPortalFile *
kyso_igate_api_upload (KysoIgatePortal        *self,
                       KysoProcedureComponent *component,
                       const char             *path,
                       const char             *idempotency_key,
                       KysoIgateUploadProgress progress,
                       gpointer                progress_data,
                       GCancellable           *cancellable,
                       GError                **error)
{
  g_autofree char *url = api_url (self, "fi/file/--multiple");
  g_autofree char *key_header = g_strdup_printf ("Idempotency-Key: %s", idempotency_key);
  const char *headers[] = { key_header, NULL };
  UploadRelay relay = { progress, progress_data, FALSE };
  gboolean refreshed = FALSE;
  guint attempt = 0;

  for (;;)
    {
      g_autoptr(KysoHttpResponse) response = NULL;
      g_autoptr(GError) local_error = NULL;
      g_autoptr(JsonNode) answer = NULL;
      g_autofree char *token = NULL;
      KysoUploadRequest request = { 0 };
      KysoPortalFile *file;
      JsonArray *array;

      /* A big file takes minutes: start with a token that will not lapse on the way. */
      token = kyso_oidc_client_dup_access_token (self->oidc, 120, cancellable, error);
      if (token == NULL)
        return NULL;
      request.url = url;
      request.field = "files";
      request.path = path;
      request.types = kyso_procedure_component_get_types (component);
      request.max_bytes = kyso_procedure_component_get_max_bytes (component);
      request.headers = headers;
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
              g_debug ("upload: connection dropped, sending again with the same idempotency key");
              relay.retrying = TRUE;
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
      if (transient_status (response->status) && attempt < MAX_ATTEMPTS)
        {
          relay.retrying = TRUE;
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
      array = JSON_NODE_HOLDS_ARRAY (answer) ? json_node_get_array (answer) : NULL;
      file = kyso_igate_parse_file (kyso_pj_array_object (array, 0));
      if (file == NULL)
        g_set_error_literal (error, KYSO_ERROR, KYSO_ERROR_SERVER,
                             _("The portal accepted the file but did not say where it is. Try again."));
      return file;
    }
}
