#include "config.h"

#include "kyso-portal-sync.h"
#include "kyso-error.h"
#include "kyso-province.h"

#include <glib/gi18n-lib.h>

struct _KysoSyncWait
{
  GAsyncResult *result;
};

KysoSyncWait *
kyso_sync_wait_new (void)
{
  return g_new0 (KysoSyncWait, 1);
}

void
kyso_sync_wait_callback (GObject *source, GAsyncResult *result, gpointer waiter)
{
  KysoSyncWait *self = waiter;

  g_clear_object (&self->result);
  self->result = g_object_ref (result);
}

GAsyncResult *
kyso_sync_wait_run (KysoSyncWait *self)
{
  GMainContext *context = g_main_context_ref_thread_default ();

  g_clear_object (&self->result);
  while (self->result == NULL)
    g_main_context_iteration (context, TRUE);
  g_main_context_unref (context);
  return self->result;
}

void
kyso_sync_wait_free (KysoSyncWait *self)
{
  if (self == NULL)
    return;
  g_clear_object (&self->result);
  g_free (self);
}

KysoPortal *
kyso_portal_open_sync (KysoConfig *config, gboolean require_session, GError **error)
{
  g_autoptr(KysoPortal) portal = kyso_portal_new_from_config (config, error);
  g_autoptr(KysoSyncWait) wait = kyso_sync_wait_new ();
  g_autoptr(GError) local_error = NULL;

  if (portal == NULL)
    return NULL;
  kyso_portal_restore_session_async (portal, NULL, kyso_sync_wait_callback, wait);
  if (!kyso_portal_restore_session_finish (portal, kyso_sync_wait_run (wait), &local_error))
    {
      if (local_error != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }
      if (require_session)
        {
          g_set_error_literal (error, KYSO_ERROR, KYSO_ERROR_AUTH,
                               _("You are not logged in to the portal. Log in first."));
          return NULL;
        }
    }
  return g_steal_pointer (&portal);
}
