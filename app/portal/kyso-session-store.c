#include "config.h"

#include "kyso-session-store.h"
#include "kyso-kiosk-session.h"

#include <libsecret/secret.h>
#include <string.h>

static const SecretSchema *
session_schema (void)
{
  static const SecretSchema schema = { "vn.kyso.Kyso.Session",
                                       SECRET_SCHEMA_NONE,
                                       {
                                         { "issuer", SECRET_SCHEMA_ATTRIBUTE_STRING },
                                         { "client_id", SECRET_SCHEMA_ATTRIBUTE_STRING },
                                         { NULL, 0 },
                                       } };
  return &schema;
}

gboolean
kyso_session_store_save (const char *issuer, const char *client_id, const char *refresh_token,
                         const char *label, GCancellable *cancellable, GError **error)
{
  return secret_password_store_sync (session_schema (), kyso_kiosk_session_get_collection (), label,
                                     refresh_token, cancellable, error, "issuer", issuer, "client_id",
                                     client_id, NULL);
}

char *
kyso_session_store_load (const char *issuer, const char *client_id, GCancellable *cancellable, GError **error)
{
  char *secret = secret_password_lookup_sync (session_schema (), cancellable, error, "issuer", issuer,
                                              "client_id", client_id, NULL);
  char *token;

  /* libsecret may hand back secure memory that only secret_password_free() may release;
   * callers free with kyso_session_store_free_token(). */
  if (secret == NULL)
    return NULL;
  token = g_strdup (secret);
  secret_password_free (secret);
  return token;
}

gboolean
kyso_session_store_clear (const char *issuer, const char *client_id, GCancellable *cancellable,
                          GError **error)
{
  g_autoptr(GError) local_error = NULL;

  /* FALSE without an error only means there was nothing to remove. */
  secret_password_clear_sync (session_schema (), cancellable, &local_error, "issuer", issuer, "client_id",
                              client_id, NULL);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  return TRUE;
}

void
kyso_session_store_free_token (char *token)
{
  if (token != NULL)
    memset (token, 0, strlen (token));
  g_free (token);
}
