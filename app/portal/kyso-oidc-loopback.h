#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* The loopback redirect receiver of RFC 8252 §7.3: a listening socket on 127.0.0.1 with a port
 * the system picks, which waits for the browser to come back with ?code=…&state=…
 * Not public API. */
typedef struct _KysoLoopback KysoLoopback;

KysoLoopback *kyso_loopback_new      (GError       **error);
/* "http://127.0.0.1:<port>/callback" */
const char   *kyso_loopback_get_redirect_uri (KysoLoopback *self);
/* Blocks until the browser brings the answer, @deadline (g_get_monotonic_time() µs) passes or
 * @cancellable fires. Requests for other paths (a browser's /favicon.ico) are answered 404 and
 * waited past. Returns the authorization code; @out_iss (may be NULL) receives the "iss"
 * parameter of RFC 9207 when the provider sent one. Errors: KYSO_ERROR_AUTH (refused, or a state
 * that does not match), KYSO_ERROR_EXPIRED (deadline), G_IO_ERROR_CANCELLED. */
char         *kyso_loopback_wait     (KysoLoopback  *self,
                                      const char    *expected_state,
                                      gint64         deadline,
                                      char         **out_iss,
                                      GCancellable  *cancellable,
                                      GError       **error);
void          kyso_loopback_free     (KysoLoopback  *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KysoLoopback, kyso_loopback_free)

G_END_DECLS
