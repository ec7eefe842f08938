#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* A small blocking HTTP client over libcurl for worker threads (call it from a GTask thread,
 * never from the main loop). TLS is always verified. Bodies are bounded so that a hostile
 * server cannot exhaust memory. */

typedef struct {
  const char *ca_file;               /* PEM trust anchors replacing the system store; NULL = system */
  guint       timeout_seconds;       /* whole transfer; 0 = 60 */
  guint       connect_timeout_seconds; /* 0 = 15 */
  gsize       max_body_bytes;        /* 0 = 16 MiB */
  const char *bearer_token;          /* adds "Authorization: Bearer …"; never logged */
} KysoHttpOptions;

typedef struct {
  guint   status;
  GBytes *body;
  char   *content_type;
} KysoHttpResponse;

void kyso_http_response_free (KysoHttpResponse *response);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KysoHttpResponse, kyso_http_response_free)

/* @headers: NULL-terminated "Name: value" strings, or NULL. @body may be NULL.
 * Errors: KYSO_ERROR_NETWORK, KYSO_ERROR_TLS, KYSO_ERROR_LIMIT, G_IO_ERROR_CANCELLED.
 * An HTTP error status is not a GError: look at response->status. */
KysoHttpResponse *kyso_http_request (const char             *method,
                                     const char             *url,
                                     const char * const     *headers,
                                     GBytes                 *body,
                                     const char             *content_type,
                                     const KysoHttpOptions  *options,
                                     GCancellable           *cancellable,
                                     GError                **error);

/* POSTs @request (may be NULL for an empty body) as JSON and parses the answer as JSON.
 * @out_status receives the HTTP status even when the body is an error document.
 * A body that is not JSON is KYSO_ERROR_SERVER. */
JsonNode *kyso_http_post_json (const char             *url,
                               JsonNode               *request,
                               const KysoHttpOptions  *options,
                               guint                  *out_status,
                               GCancellable           *cancellable,
                               GError                **error);

/* Parses @body as JSON, KYSO_ERROR_SERVER when it is not. */
JsonNode *kyso_json_parse_bytes (GBytes  *body,
                                 GError **error);

G_END_DECLS
