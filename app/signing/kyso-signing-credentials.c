#include "config.h"

#include "kyso-signing-credentials.h"
#include "kyso-error.h"

#include <glib/gi18n-lib.h>
#include <libsecret/secret.h>

static const SecretSchema *
get_schema (void)
{
  static const SecretSchema schema = {
    KYSO_SIGNING_CREDENTIALS_SCHEMA_NAME,
    SECRET_SCHEMA_NONE,
    {
      { "service", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "id", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
    },
  };
  return &schema;
}

/* The keyring's own errors are about D-Bus; say what it means for the person. Cancellation stays. */
static GError *
translate_error (GError *error)
{
  GError *out;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || error->domain == KYSO_ERROR)
    return error;
  out = g_error_new (KYSO_ERROR, KYSO_ERROR_FAILED,
                     _("Kyso cannot use the keyring, where the signing service credentials are kept "
                       "(%s). Make sure the desktop keyring is running and unlocked."),
                        error->message);
  g_error_free (error);
  return out;
}

static void
return_error (GTask *task, GError *error)
{
  g_task_return_error (task, translate_error (error));
}

static gboolean
check_names (GTask *task, const char *service, const char *id)
{
  if (service != NULL && *service != '\0' && id != NULL && *id != '\0')
    return TRUE;
  g_task_return_new_error (task, KYSO_ERROR, KYSO_ERROR_INVALID_INPUT,
                           _("Both the service and the service provider identifier are needed."));
  return FALSE;
}

static void
on_stored (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (!secret_password_store_finish (result, &error))
    return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

void
kyso_signing_credentials_store_async (const char *service, const char *id, const char *secret,
                                      GCancellable *cancellable, GAsyncReadyCallback callback,
                                      gpointer user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  g_autofree char *label = NULL;

  g_task_set_source_tag (task, kyso_signing_credentials_store_async);
  if (!check_names (task, service, id))
    return;
  if (secret == NULL || *secret == '\0')
    {
      g_task_return_new_error (task, KYSO_ERROR, KYSO_ERROR_INVALID_INPUT, _("The password is empty."));
      return;
    }
  /* Translators: the keyring item's label; %s is a service name such as "neac" */
  label = g_strdup_printf (_("Kyso signing service credentials (%s)"), service);
  secret_password_store (get_schema (), SECRET_COLLECTION_DEFAULT, label, secret, cancellable, on_stored,
                         g_steal_pointer (&task), "service", service, "id", id, NULL);
}

gboolean
kyso_signing_credentials_store_finish (GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == kyso_signing_credentials_store_async,
                        FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
set_not_found (GError **error, const char *service, const char *id)
{
  g_set_error (error, KYSO_ERROR, KYSO_ERROR_NOT_FOUND,
               /* Translators: %s: a service name such as "neac" */
               _("No credentials for the %s signing service are stored on this computer. An "
                 "administrator stores them with “kyso-cli signing-credentials set --service %s "
                 "--sp-id ID”."),
                  service, service);
}

static void
on_looked_up (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  char *secret = secret_password_lookup_finish (result, &error);

  if (error != NULL)
    return_error (task, error);
  else if (secret == NULL)
    {
      const char *const *names = g_task_get_task_data (task);
      set_not_found (&error, names[0], names[1]);
      g_task_return_error (task, error);
    }
  else
    g_task_return_pointer (task, secret, (GDestroyNotify)secret_password_free);
}

void
kyso_signing_credentials_lookup_async (const char *service, const char *id, GCancellable *cancellable,
                                       GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  char **names;

  g_task_set_source_tag (task, kyso_signing_credentials_lookup_async);
  if (!check_names (task, service, id))
    return;
  names = g_new0 (char *, 3);
  names[0] = g_strdup (service);
  names[1] = g_strdup (id);
  g_task_set_task_data (task, names, (GDestroyNotify)g_strfreev);
  secret_password_lookup (get_schema (), cancellable, on_looked_up, g_steal_pointer (&task), "service",
                          service, "id", id, NULL);
}

char *
kyso_signing_credentials_lookup_finish (GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == kyso_signing_credentials_lookup_async,
                        NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

char *
kyso_signing_credentials_lookup_sync (const char *service, const char *id, GCancellable *cancellable,
                                      GError **error)
{
  GError *local = NULL;
  char *secret;

  g_return_val_if_fail (service != NULL && id != NULL, NULL);
  secret
    = secret_password_lookup_sync (get_schema (), cancellable, &local, "service", service, "id", id, NULL);
  if (local != NULL)
    {
      g_propagate_error (error, translate_error (local));
      return NULL;
    }
  if (secret == NULL)
    set_not_found (error, service, id);
  return secret;
}

static void
on_cleared (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  gboolean removed = secret_password_clear_finish (result, &error);

  if (error != NULL)
    return_error (task, error);
  else
    g_task_return_boolean (task, removed);
}

void
kyso_signing_credentials_clear_async (const char *service, const char *id, GCancellable *cancellable,
                                      GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);

  g_task_set_source_tag (task, kyso_signing_credentials_clear_async);
  if (!check_names (task, service, id))
    return;
  secret_password_clear (get_schema (), cancellable, on_cleared, g_steal_pointer (&task), "service", service,
                         "id", id, NULL);
}

gboolean
kyso_signing_credentials_clear_finish (GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == kyso_signing_credentials_clear_async,
                        FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

void
kyso_signing_credentials_free_secret (char *secret)
{
  if (secret != NULL)
    secret_password_free (secret);
}
