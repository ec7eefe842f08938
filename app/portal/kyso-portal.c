#include "config.h"

#include "kyso-portal.h"

G_DEFINE_INTERFACE (KysoPortal, kyso_portal, G_TYPE_OBJECT)

static void
kyso_portal_default_init (KysoPortalInterface *iface)
{
  g_object_interface_install_property (
    iface, g_param_spec_boolean ("logged-in", NULL, NULL, FALSE,
                                 G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY));
  g_object_interface_install_property (
    iface, g_param_spec_string ("user-name", NULL, NULL, NULL,
                                G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY));
}

static gboolean
open_uri_default (const char *uri, gpointer user_data, GError **error)
{
  return g_app_info_launch_default_for_uri (uri, NULL, error);
}

#define IFACE(self) KYSO_PORTAL_GET_IFACE (self)

const char *
kyso_portal_get_display_name (KysoPortal *self)
{
  g_return_val_if_fail (KYSO_IS_PORTAL (self), NULL);
  return IFACE (self)->get_display_name (self);
}

gboolean
kyso_portal_is_logged_in (KysoPortal *self)
{
  g_return_val_if_fail (KYSO_IS_PORTAL (self), FALSE);
  return IFACE (self)->is_logged_in (self);
}

char *
kyso_portal_dup_user_name (KysoPortal *self)
{
  g_return_val_if_fail (KYSO_IS_PORTAL (self), NULL);
  return IFACE (self)->dup_user_name (self);
}

void
kyso_portal_login_browser_async (KysoPortal *self, KysoOpenUriFunc open_uri, gpointer open_uri_data,
                                 GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (KYSO_IS_PORTAL (self));
  if (open_uri == NULL)
    {
      open_uri = open_uri_default;
      open_uri_data = NULL;
    }
  IFACE (self)->login_browser_async (self, open_uri, open_uri_data, cancellable, callback, user_data);
}

gboolean
kyso_portal_login_browser_finish (KysoPortal *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (KYSO_IS_PORTAL (self), FALSE);
  return IFACE (self)->login_browser_finish (self, result, error);
}

void
kyso_portal_login_password_async (KysoPortal *self, const char *username, const char *password,
                                  const char *otp, GCancellable *cancellable, GAsyncReadyCallback callback,
                                  gpointer user_data)
{
  g_return_if_fail (KYSO_IS_PORTAL (self));
  g_return_if_fail (username != NULL && password != NULL);
  IFACE (self)->login_password_async (self, username, password, otp, cancellable, callback, user_data);
}

KysoLoginStep
kyso_portal_login_password_finish (KysoPortal *self, GAsyncResult *result, char **out_hint, GError **error)
{
  g_return_val_if_fail (KYSO_IS_PORTAL (self), KYSO_LOGIN_FAILED);
  return IFACE (self)->login_password_finish (self, result, out_hint, error);
}

void
kyso_portal_restore_session_async (KysoPortal *self, GCancellable *cancellable, GAsyncReadyCallback callback,
                                   gpointer user_data)
{
  g_return_if_fail (KYSO_IS_PORTAL (self));
  IFACE (self)->restore_session_async (self, cancellable, callback, user_data);
}

gboolean
kyso_portal_restore_session_finish (KysoPortal *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (KYSO_IS_PORTAL (self), FALSE);
  return IFACE (self)->restore_session_finish (self, result, error);
}

void
kyso_portal_logout_async (KysoPortal *self, GCancellable *cancellable, GAsyncReadyCallback callback,
                          gpointer user_data)
{
  g_return_if_fail (KYSO_IS_PORTAL (self));
  IFACE (self)->logout_async (self, cancellable, callback, user_data);
}

gboolean
kyso_portal_logout_finish (KysoPortal *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (KYSO_IS_PORTAL (self), FALSE);
  return IFACE (self)->logout_finish (self, result, error);
}

void
kyso_portal_list_procedures_async (KysoPortal *self, const char *search, GCancellable *cancellable,
                                   GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (KYSO_IS_PORTAL (self));
  IFACE (self)->list_procedures_async (self, search, cancellable, callback, user_data);
}

GPtrArray *
kyso_portal_list_procedures_finish (KysoPortal *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (KYSO_IS_PORTAL (self), NULL);
  return IFACE (self)->list_procedures_finish (self, result, error);
}

void
kyso_portal_get_procedure_async (KysoPortal *self, const char *id, GCancellable *cancellable,
                                 GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (KYSO_IS_PORTAL (self));
  g_return_if_fail (id != NULL);
  IFACE (self)->get_procedure_async (self, id, cancellable, callback, user_data);
}

KysoProcedure *
kyso_portal_get_procedure_finish (KysoPortal *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (KYSO_IS_PORTAL (self), NULL);
  return IFACE (self)->get_procedure_finish (self, result, error);
}

void
kyso_portal_upload_file_async (KysoPortal *self, KysoProcedureComponent *component, const char *path,
                               const char *idempotency_key, KysoPortalProgressFunc progress,
                               gpointer progress_data, GCancellable *cancellable,
                               GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (KYSO_IS_PORTAL (self));
  g_return_if_fail (KYSO_IS_PROCEDURE_COMPONENT (component));
  g_return_if_fail (path != NULL);
  IFACE (self)->upload_file_async (self, component, path, idempotency_key, progress, progress_data,
                                   cancellable, callback, user_data);
}

KysoPortalFile *
kyso_portal_upload_file_finish (KysoPortal *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (KYSO_IS_PORTAL (self), NULL);
  return IFACE (self)->upload_file_finish (self, result, error);
}

void
kyso_portal_delete_file_async (KysoPortal *self, const char *file_id, GCancellable *cancellable,
                               GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (KYSO_IS_PORTAL (self));
  g_return_if_fail (file_id != NULL);
  IFACE (self)->delete_file_async (self, file_id, cancellable, callback, user_data);
}

gboolean
kyso_portal_delete_file_finish (KysoPortal *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (KYSO_IS_PORTAL (self), FALSE);
  return IFACE (self)->delete_file_finish (self, result, error);
}

void
kyso_portal_submit_dossier_async (KysoPortal *self, KysoDossier *dossier, KysoProcedure *procedure,
                                  KysoPortalProgressFunc progress, gpointer progress_data,
                                  GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (KYSO_IS_PORTAL (self));
  g_return_if_fail (KYSO_IS_DOSSIER (dossier));
  g_return_if_fail (KYSO_IS_PROCEDURE (procedure));
  IFACE (self)->submit_dossier_async (self, dossier, procedure, progress, progress_data, cancellable,
                                      callback, user_data);
}

char *
kyso_portal_submit_dossier_finish (KysoPortal *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (KYSO_IS_PORTAL (self), NULL);
  return IFACE (self)->submit_dossier_finish (self, result, error);
}

void
kyso_portal_track_dossier_async (KysoPortal *self, const char *code, GCancellable *cancellable,
                                 GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (KYSO_IS_PORTAL (self));
  g_return_if_fail (code != NULL);
  IFACE (self)->track_dossier_async (self, code, cancellable, callback, user_data);
}

KysoDossierStatus *
kyso_portal_track_dossier_finish (KysoPortal *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (KYSO_IS_PORTAL (self), NULL);
  return IFACE (self)->track_dossier_finish (self, result, error);
}

void
kyso_portal_get_signing_history_async (KysoPortal *self, const char *file_id, GCancellable *cancellable,
                                       GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (KYSO_IS_PORTAL (self));
  g_return_if_fail (file_id != NULL);
  IFACE (self)->get_signing_history_async (self, file_id, cancellable, callback, user_data);
}

GPtrArray *
kyso_portal_get_signing_history_finish (KysoPortal *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (KYSO_IS_PORTAL (self), NULL);
  return IFACE (self)->get_signing_history_finish (self, result, error);
}

void
kyso_portal_list_places_async (KysoPortal *self, KysoPlaceLevel level, const char *parent_id,
                               GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (KYSO_IS_PORTAL (self));
  g_return_if_fail ((level == KYSO_PLACE_DISTRICT || level == KYSO_PLACE_WARD) == (parent_id != NULL));
  IFACE (self)->list_places_async (self, level, parent_id, cancellable, callback, user_data);
}

GPtrArray *
kyso_portal_list_places_finish (KysoPortal *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (KYSO_IS_PORTAL (self), NULL);
  return IFACE (self)->list_places_finish (self, result, error);
}
