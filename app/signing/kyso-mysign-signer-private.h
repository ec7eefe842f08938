#pragma once

#include <json-glib/json-glib.h>

#include "kyso-signer.h"

G_BEGIN_DECLS

/* The MySign adapter's readings of the service's answers, for the contract tests. */

/* login → access_token, or NULL. */
const char *
_kyso_mysign_read_token (JsonObject *answer);
/* credentials/list → credentialIDs[] (NULL-terminated, owned; empty when there are none). */
GStrv
_kyso_mysign_read_credential_ids (JsonObject *answer);
/* credentials/info → the chain (GBytes DER, the certificate first) and *@out_status
 * (cert.status, borrowed, may be NULL); NULL when cert.certificates is missing or unreadable. */
GPtrArray *
_kyso_mysign_read_chain (JsonObject *answer, const char **out_status);
/* authorize → SAD, or NULL. */
const char *
_kyso_mysign_read_sad (JsonObject *answer);
/* signHash → signatures[] (GBytes), or NULL unless there are exactly @n readable ones. */
GPtrArray *
_kyso_mysign_read_signatures (JsonObject *answer, guint n);

G_END_DECLS
