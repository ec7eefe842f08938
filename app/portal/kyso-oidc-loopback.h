#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* The loopback redirect receiver of RFC 8252 §7.3: a listening socket on 127.0.0.1 with a port
 * the system picks, which waits for the browser to come back with ?code=…&state=…
 * Not public API. */
typedef struct _KysoLoopback KysoLoopback;

/* @redirect: the registered redirect, e.g. "http://127.0.0.1/callback" (its host must be a
 * loopback address; any port it names is ignored). KYSO_ERROR_INVALID_INPUT otherwise. */
KysoLoopback *
kyso_loopback_new (const char *redirect, GError **error);
/* @redirect with the port the system picked: "http://127.0.0.1:<port>/callback" */
const char *
kyso_loopback_get_redirect_uri (KysoLoopback *self);
/* Blocks until the browser brings the answer, @deadline (g_get_monotonic_time() µs) passes or
 * @cancellable fires. Serves several connections at once; requests for other paths (a browser's
 * /favicon.ico) and answers without this login's @expected_state (missing or another) are
 * answered with an error page and waited past. Returns the authorization code; @out_iss (may be NULL)
 * receives the "iss" parameter of RFC 9207 when the provider sent one. Errors: KYSO_ERROR_AUTH (refused or
 * cancelled in the browser, with this login's state), KYSO_ERROR_EXPIRED (deadline), G_IO_ERROR_CANCELLED. */
char *
kyso_loopback_wait (KysoLoopback *self, const char *expected_state, gint64 deadline, char **out_iss,
                    GCancellable *cancellable, GError **error);
void
kyso_loopback_free (KysoLoopback *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KysoLoopback, kyso_loopback_free)

G_END_DECLS
