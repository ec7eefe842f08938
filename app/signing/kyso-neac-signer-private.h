#pragma once

#include <json-glib/json-glib.h>

#include "kyso-signer.h"

G_BEGIN_DECLS

/* The sp769 adapter's readings of the gateway's answers, for the contract tests that feed them
 * the documented sample bodies (REAL-SERVICES.md §1). */

/* data.user_certificates[] → KysoSignerCredential (with @provider) of the citizen whose ID number
 * (CCCD/CMND) is on the certificate (@account NULL = any), never an ESEAL entry; certificates
 * valid today first, else in the gateway's order. *@out_serials / *@out_statuses (may be NULL)
 * get serial_number / cert_status per credential. KYSO_ERROR_SERVER for an unreadable entry. */
GPtrArray *
_kyso_neac_parse_certificates (JsonObject *data, const char *account, const char *provider,
                               GPtrArray **out_serials, GPtrArray **out_statuses, GError **error);
/* The status answer's data says the request is done: "signatures" present and not null. */
gboolean
_kyso_neac_answer_is_done (JsonObject *data);
/* The message for an answer that ends the request: HTTP 4xx or status_code ≠ 200 (@status). */
void
_kyso_neac_set_gateway_error (const char *sp_id, const char *provider, guint status, const char *message,
                              GError **error);

G_END_DECLS
