#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* A signing service's *service-provider* credentials (NEAC `sp_id`/`sp_password`, a CSC client's
 * id/secret). They belong to an organisation (a kiosk operator, a portal), not to the citizen, and
 * live only in the Secret Service under the schema vn.kyso.Kyso.ServiceCredential with the
 * attributes service ("neac", "csc") and id (the sp_id or client id) — never in a file, GSettings,
 * the command line or a log. The secret strings returned here are freed with
 * kyso_signing_credentials_free_secret(), which wipes them. */

#define KYSO_SIGNING_CREDENTIALS_SCHEMA_NAME "vn.kyso.Kyso.ServiceCredential"

void
kyso_signing_credentials_store_async (const char *service, const char *id, const char *secret,
                                      GCancellable *cancellable, GAsyncReadyCallback callback,
                                      gpointer user_data);
gboolean
kyso_signing_credentials_store_finish (GAsyncResult *result, GError **error);

/* → the secret; KYSO_ERROR_NOT_FOUND when none is stored for (@service, @id). */
void
kyso_signing_credentials_lookup_async (const char *service, const char *id, GCancellable *cancellable,
                                       GAsyncReadyCallback callback, gpointer user_data);
char *
kyso_signing_credentials_lookup_finish (GAsyncResult *result, GError **error);
/* The same, blocking: for signers' worker threads only. */
char *
kyso_signing_credentials_lookup_sync (const char *service, const char *id, GCancellable *cancellable,
                                      GError **error);

/* → TRUE when something was removed. */
void
kyso_signing_credentials_clear_async (const char *service, const char *id, GCancellable *cancellable,
                                      GAsyncReadyCallback callback, gpointer user_data);
gboolean
kyso_signing_credentials_clear_finish (GAsyncResult *result, GError **error);

void
kyso_signing_credentials_free_secret (char *secret);

G_END_DECLS
