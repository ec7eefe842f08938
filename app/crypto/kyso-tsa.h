#pragma once

#include <gio/gio.h>
#include "kyso-http.h"

G_BEGIN_DECLS

/* RFC 3161 client: asks @url for a time-stamp token over SHA-256(@data), checks that the answer
 * is granted, that its imprint and nonce match, and that the token's signature verifies; returns
 * the TimeStampToken (a CMS ContentInfo, DER). Blocking: call from a worker thread.
 *
 * The request is a POST of application/timestamp-query (SHA-256 imprint, random nonce, certReq)
 * with @http's TLS trust, timeouts and cancellation; the answer is bounded to 256 KiB. The token
 * must be signed by the certificate it carries, which must have the critical timeStamping
 * extended key usage; whether that TSA is *trusted* is not decided here (see _with_trust).
 * Errors: KYSO_ERROR_SERVER (HTTP error status, not a TimeStampResp, not granted, imprint or
 * nonce mismatch, bad token signature), KYSO_ERROR_NETWORK, KYSO_ERROR_TLS, KYSO_ERROR_LIMIT,
 * G_IO_ERROR_CANCELLED. */
GBytes *
kyso_tsa_request_token (const char *url, GBytes *data, const KysoHttpOptions *http, GCancellable *cancellable,
                        GError **error);

/* The same, and the TSA's certificate must also chain to a certificate in the PEM file
 * @trust_file (NULL = no trust decision, as above). KYSO_ERROR_CERTIFICATE when it does not;
 * KYSO_ERROR_INVALID_INPUT when @trust_file cannot be read. */
GBytes *
kyso_tsa_request_token_with_trust (const char *url, GBytes *data, const KysoHttpOptions *http,
                                   const char *trust_file, GCancellable *cancellable, GError **error);

/* The same over an already computed SHA-256 (32 bytes): a document time-stamp over byte ranges
 * hashed while they were written. */
GBytes *
kyso_tsa_request_token_for_digest (const char *url, GBytes *sha256, const KysoHttpOptions *http,
                                   GCancellable *cancellable, GError **error);

G_END_DECLS
