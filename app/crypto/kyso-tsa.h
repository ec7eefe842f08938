#pragma once

#include <gio/gio.h>
#include "kyso-http.h"

G_BEGIN_DECLS

/* RFC 3161 client: asks @url for a time-stamp token over SHA-256(@data), checks that the answer
 * is granted, that its imprint and nonce match, and that the token's signature verifies; returns
 * the TimeStampToken (a CMS ContentInfo, DER). Blocking: call from a worker thread. */
GBytes *kyso_tsa_request_token (const char             *url,
                                GBytes                 *data,
                                const KysoHttpOptions  *http,
                                GCancellable           *cancellable,
                                GError                **error);

G_END_DECLS
