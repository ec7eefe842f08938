#include "config.h"

#include "kyso-http.h"
#include "kyso-error.h"

#include <curl/curl.h>
#include <glib/gi18n-lib.h>
#include <string.h>

typedef struct
{
  GByteArray *body;
  gsize max;
  gboolean too_large;
  GCancellable *cancellable;
} Transfer;

static void
ensure_curl (void)
{
  static gsize once = 0;

  if (g_once_init_enter (&once))
    {
      curl_global_init (CURL_GLOBAL_DEFAULT);
      g_once_init_leave (&once, 1);
    }
}

void
kyso_http_response_free (KysoHttpResponse *response)
{
  if (response == NULL)
    return;
  g_clear_pointer (&response->body, g_bytes_unref);
  g_free (response->content_type);
  g_free (response);
}

static size_t
on_write (char *ptr, size_t size, size_t nmemb, void *user_data)
{
  Transfer *t = user_data;
  gsize n = size * nmemb;

  if (t->body->len + n > t->max)
    {
      t->too_large = TRUE;
      return 0;
    }
  g_byte_array_append (t->body, (const guint8 *)ptr, (guint)n);
  return n;
}

static int
on_progress (void *user_data, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal, curl_off_t ulnow)
{
  Transfer *t = user_data;

  return g_cancellable_is_cancelled (t->cancellable) ? 1 : 0;
}

static char *
host_of (const char *url)
{
  g_autoptr(GUri) uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);

  return g_strdup (uri != NULL && g_uri_get_host (uri) != NULL ? g_uri_get_host (uri) : url);
}

gboolean
kyso_http_url_is_secure (const char *url)
{
  g_autoptr(GUri) uri = url != NULL ? g_uri_parse (url, G_URI_FLAGS_NONE, NULL) : NULL;
  const char *scheme, *host;
  g_autoptr(GInetAddress) address = NULL;

  if (uri == NULL)
    return FALSE;
  scheme = g_uri_get_scheme (uri);
  host = g_uri_get_host (uri);
  if (host == NULL || *host == '\0')
    return FALSE;
  if (g_ascii_strcasecmp (scheme, "https") == 0)
    return TRUE;
  if (g_ascii_strcasecmp (scheme, "http") != 0)
    return FALSE;
  if (g_ascii_strcasecmp (host, "localhost") == 0)
    return TRUE;
  address = g_inet_address_new_from_string (host);
  return address != NULL && g_inet_address_get_is_loopback (address);
}

gboolean
kyso_http_check_secure_url (const char *url, const char *what, GError **error)
{
  if (kyso_http_url_is_secure (url))
    return TRUE;
  g_set_error (error, KYSO_ERROR, KYSO_ERROR_INVALID_INPUT,
               /* Translators: %s names a setting, such as “[neac] url”; %s is its value */
               _("The address in %s (%s) must start with https://: passwords and sign-in tokens are "
                 "never sent over an unencrypted connection."),
                  what, url != NULL ? url : "");
  return FALSE;
}

KysoHttpResponse *
kyso_http_request (const char *method, const char *url, const char *const *headers, GBytes *body,
                   const char *content_type, const KysoHttpOptions *options, GCancellable *cancellable,
                   GError **error)
{
  static const KysoHttpOptions defaults = { 0 };
  g_autofree char *auth = NULL;
  g_autofree char *ctype = NULL;
  struct curl_slist *list = NULL;
  Transfer t = { 0 };
  KysoHttpResponse *response = NULL;
  CURLcode rc;
  CURL *curl;
  long status = 0;
  char *resp_ctype = NULL;

  g_return_val_if_fail (method != NULL && url != NULL, NULL);

  if (options == NULL)
    options = &defaults;
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;
  if ((options->require_secure || options->bearer_token != NULL) && !kyso_http_url_is_secure (url))
    {
      g_autofree char *host = host_of (url);

      g_set_error (error, KYSO_ERROR, KYSO_ERROR_INVALID_INPUT,
                   /* Translators: %s is a host name */
                   _("Kyso did not connect to %s: its address does not start with https://, and "
                     "passwords and sign-in tokens are never sent over an unencrypted connection."),
                      host);
      return NULL;
    }

  ensure_curl ();
  curl = curl_easy_init ();
  if (curl == NULL)
    {
      g_set_error_literal (error, KYSO_ERROR, KYSO_ERROR_FAILED, _("Could not start a network request."));
      return NULL;
    }

  t.body = g_byte_array_new ();
  t.max = options->max_body_bytes ? options->max_body_bytes : 16 * 1024 * 1024;
  t.cancellable = cancellable;

  for (gsize i = 0; headers != NULL && headers[i] != NULL; i++)
    list = curl_slist_append (list, headers[i]);
  if (content_type != NULL)
    {
      ctype = g_strdup_printf ("Content-Type: %s", content_type);
      list = curl_slist_append (list, ctype);
    }
  if (options->bearer_token != NULL)
    {
      auth = g_strdup_printf ("Authorization: Bearer %s", options->bearer_token);
      list = curl_slist_append (list, auth);
    }
  /* libcurl would otherwise send "Expect: 100-continue" and wait a second on small servers. */
  list = curl_slist_append (list, "Expect:");

  curl_easy_setopt (curl, CURLOPT_URL, url);
  curl_easy_setopt (curl, CURLOPT_CUSTOMREQUEST, method);
  curl_easy_setopt (curl, CURLOPT_HTTPHEADER, list);
  curl_easy_setopt (curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt (curl, CURLOPT_PROTOCOLS_STR, "https,http");
  curl_easy_setopt (curl, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt (curl, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt (curl, CURLOPT_SSL_VERIFYHOST, 2L);
  if (options->ca_file != NULL)
    curl_easy_setopt (curl, CURLOPT_CAINFO, options->ca_file);
  curl_easy_setopt (curl, CURLOPT_TIMEOUT, (long)(options->timeout_seconds ? options->timeout_seconds : 60));
  curl_easy_setopt (curl, CURLOPT_CONNECTTIMEOUT,
                    (long)(options->connect_timeout_seconds ? options->connect_timeout_seconds : 15));
  curl_easy_setopt (curl, CURLOPT_WRITEFUNCTION, on_write);
  curl_easy_setopt (curl, CURLOPT_WRITEDATA, &t);
  curl_easy_setopt (curl, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt (curl, CURLOPT_XFERINFOFUNCTION, on_progress);
  curl_easy_setopt (curl, CURLOPT_XFERINFODATA, &t);
  curl_easy_setopt (curl, CURLOPT_USERAGENT, "Kyso/" PACKAGE_VERSION);
  if (body != NULL)
    {
      gsize len;
      const void *data = g_bytes_get_data (body, &len);
      curl_easy_setopt (curl, CURLOPT_POSTFIELDS, data);
      curl_easy_setopt (curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
    }

  rc = curl_easy_perform (curl);
  if (rc != CURLE_OK)
    {
      g_autofree char *host = host_of (url);

      if (rc == CURLE_ABORTED_BY_CALLBACK && g_cancellable_is_cancelled (cancellable))
        g_cancellable_set_error_if_cancelled (cancellable, error);
      else if (t.too_large)
        g_set_error (error, KYSO_ERROR, KYSO_ERROR_LIMIT, _("The answer from %s is too large."), host);
      else if (rc == CURLE_PEER_FAILED_VERIFICATION || rc == CURLE_SSL_CACERT_BADFILE
               || rc == CURLE_SSL_CERTPROBLEM || rc == CURLE_SSL_CONNECT_ERROR)
        g_set_error (error, KYSO_ERROR, KYSO_ERROR_TLS,
                     _("The identity of %s could not be verified, so Kyso did not connect (%s)."), host,
                        curl_easy_strerror (rc));
      else
        g_set_error (error, KYSO_ERROR, KYSO_ERROR_NETWORK,
                     _("Could not reach %s: %s. Check the network connection and try again."), host,
                        curl_easy_strerror (rc));
      goto out;
    }

  curl_easy_getinfo (curl, CURLINFO_RESPONSE_CODE, &status);
  curl_easy_getinfo (curl, CURLINFO_CONTENT_TYPE, &resp_ctype);
  response = g_new0 (KysoHttpResponse, 1);
  response->status = (guint)status;
  response->content_type = g_strdup (resp_ctype);
  response->body = g_byte_array_free_to_bytes (g_steal_pointer (&t.body));

out:
  if (t.body != NULL)
    g_byte_array_unref (t.body);
  curl_slist_free_all (list);
  curl_easy_cleanup (curl);
  return response;
}

gboolean
kyso_json_check_depth (const char *data, gssize len, guint max_depth)
{
  gsize n = len < 0 ? (data != NULL ? strlen (data) : 0) : (gsize)len;
  gboolean in_string = FALSE;
  guint depth = 0;

  for (gsize i = 0; i < n; i++)
    {
      char c = data[i];

      if (in_string)
        {
          if (c == '\\')
            i++; /* the escaped character cannot end the string */
          else if (c == '"')
            in_string = FALSE;
        }
      else if (c == '"')
        in_string = TRUE;
      else if (c == '[' || c == '{')
        {
          if (++depth > max_depth)
            return FALSE;
        }
      else if ((c == ']' || c == '}') && depth > 0)
        depth--;
    }
  return TRUE;
}

JsonNode *
kyso_json_parse_bytes (GBytes *body, GError **error)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  gsize len = 0;
  const char *data = body ? g_bytes_get_data (body, &len) : NULL;

  if (data != NULL && !kyso_json_check_depth (data, (gssize)len, KYSO_JSON_MAX_DEPTH))
    {
      g_set_error_literal (error, KYSO_ERROR, KYSO_ERROR_SERVER,
                           _("The server sent an answer nested too deeply for Kyso to read."));
      return NULL;
    }
  if (data == NULL || len == 0 || !json_parser_load_from_data (parser, data, (gssize)len, NULL)
      || json_parser_get_root (parser) == NULL)
    {
      g_set_error_literal (error, KYSO_ERROR, KYSO_ERROR_SERVER,
                           _("The server sent an answer Kyso cannot read."));
      return NULL;
    }
  return json_node_copy (json_parser_get_root (parser));
}

JsonNode *
kyso_http_post_json (const char *url, JsonNode *request, const KysoHttpOptions *options, guint *out_status,
                     GCancellable *cancellable, GError **error)
{
  static const char *const headers[] = { "Accept: application/json", NULL };
  g_autoptr(GBytes) body = NULL;
  g_autoptr(KysoHttpResponse) response = NULL;

  if (request != NULL)
    {
      gsize len;
      char *text = json_to_string (request, FALSE);
      len = strlen (text);
      body = g_bytes_new_take (text, len);
    }
  response = kyso_http_request ("POST", url, headers, body, "application/json", options, cancellable, error);
  if (response == NULL)
    return NULL;
  if (out_status != NULL)
    *out_status = response->status;
  return kyso_json_parse_bytes (response->body, error);
}
