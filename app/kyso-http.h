#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* A small blocking HTTP client over libcurl for worker threads (call it from a GTask thread,
 * never from the main loop). TLS is always verified. Bodies are bounded so that a hostile
 * server cannot exhaust memory. */

typedef struct
{
  const char *ca_file;           /* PEM trust anchors replacing the system store; NULL = system */
  guint timeout_seconds;         /* whole transfer; 0 = 60 */
  guint connect_timeout_seconds; /* 0 = 15 */
  gsize max_body_bytes;          /* 0 = 16 MiB */
  const char *bearer_token;      /* adds "Authorization: Bearer …"; never logged */
  gboolean require_secure;       /* refuse a URL that kyso_http_url_is_secure() refuses; always
                                  * on when bearer_token is set */
} KysoHttpOptions;

typedef struct
{
  guint status;
  GBytes *body;
  char *content_type;
} KysoHttpResponse;

void
kyso_http_response_free (KysoHttpResponse *response);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KysoHttpResponse, kyso_http_response_free)

/* Services that receive a password or a token must be reached over https; plain http is allowed
 * only to a loopback address (127.0.0.0/8, ::1, "localhost"), where nothing crosses a network.
 * FALSE for anything else, including URLs that do not parse or have no host. */
gboolean
kyso_http_url_is_secure (const char *url);
/* The same, as a check with a message for people: KYSO_ERROR_INVALID_INPUT naming @what (e.g.
 * "[neac] url") when @url is not secure. */
gboolean
kyso_http_check_secure_url (const char *url, const char *what, GError **error);

/* @headers: NULL-terminated "Name: value" strings, or NULL. @body may be NULL.
 * Errors: KYSO_ERROR_NETWORK, KYSO_ERROR_TLS, KYSO_ERROR_LIMIT, G_IO_ERROR_CANCELLED.
 * An HTTP error status is not a GError: look at response->status. */
KysoHttpResponse *
kyso_http_request (const char *method, const char *url, const char *const *headers, GBytes *body,
                   const char *content_type, const KysoHttpOptions *options, GCancellable *cancellable,
                   GError **error);

/* POSTs @request (may be NULL for an empty body) as JSON and parses the answer as JSON.
 * @out_status receives the HTTP status even when the body is an error document.
 * A body that is not JSON is KYSO_ERROR_SERVER. */
JsonNode *
kyso_http_post_json (const char *url, JsonNode *request, const KysoHttpOptions *options, guint *out_status,
                     GCancellable *cancellable, GError **error);

/* The deepest nesting of arrays and objects Kyso accepts from a server. json-glib recurses once
 * per level and overflows the stack on a few tens of thousands, so deeper text is refused before
 * it is parsed. No service Kyso talks to nests deeper than about ten. */
#define KYSO_JSON_MAX_DEPTH 64

/* TRUE when @data (JSON text, @len bytes, or -1 for NUL-terminated) never nests arrays and
 * objects deeper than @max_depth. Brackets inside strings do not count. Linear, no allocation. */
gboolean
kyso_json_check_depth (const char *data, gssize len, guint max_depth);

/* Parses @body as JSON, KYSO_ERROR_SERVER when it is not or when it nests deeper than
 * KYSO_JSON_MAX_DEPTH (checked before json-glib sees it). Every JSON answer from a server goes
 * through here. */
JsonNode *
kyso_json_parse_bytes (GBytes *body, GError **error);

G_END_DECLS
