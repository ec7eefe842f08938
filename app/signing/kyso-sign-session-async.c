/* The asynchronous face of KysoSignSession: GTask threads for the file work, and the whole
 * list-credentials → prepare → sign → complete sequence over a KysoSigner. */
#include "config.h"

#include "kyso-sign-session.h"
#include "kyso-error.h"

#include <glib/gi18n-lib.h>

static void
prepare_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  GError *error = NULL;
  GBytes *digest = kyso_sign_session_prepare (source, data, cancellable, &error);

  if (digest == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, digest, (GDestroyNotify)g_bytes_unref);
}

void
kyso_sign_session_prepare_async (KysoSignSession *self, GPtrArray *chain, GCancellable *cancellable,
                                 GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (KYSO_IS_SIGN_SESSION (self));
  g_return_if_fail (chain != NULL);
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, kyso_sign_session_prepare_async);
  g_task_set_task_data (task, g_ptr_array_ref (chain), (GDestroyNotify)g_ptr_array_unref);
  g_task_run_in_thread (task, prepare_thread);
}

GBytes *
kyso_sign_session_prepare_finish (KysoSignSession *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == kyso_sign_session_prepare_async, NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
complete_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  GError *error = NULL;

  if (kyso_sign_session_complete (source, data, cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

void
kyso_sign_session_complete_async (KysoSignSession *self, GBytes *raw_signature, GCancellable *cancellable,
                                  GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (KYSO_IS_SIGN_SESSION (self));
  g_return_if_fail (raw_signature != NULL);
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, kyso_sign_session_complete_async);
  g_task_set_task_data (task, g_bytes_ref (raw_signature), (GDestroyNotify)g_bytes_unref);
  g_task_run_in_thread (task, complete_thread);
}

gboolean
kyso_sign_session_complete_finish (KysoSignSession *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == kyso_sign_session_complete_async, FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* sign_with_signer ---------------------------------------------------------------------------- */

typedef struct
{
  KysoSigner *signer;
  char *credential_id;
  char *description;
  char *doc_id;
  const char *doc_ids[2];
  KysoSignProgressFunc progress;
  gpointer progress_data;
} SignData;

static void
sign_data_free (SignData *d)
{
  g_clear_object (&d->signer);
  g_free (d->credential_id);
  g_free (d->description);
  g_free (d->doc_id);
  g_free (d);
}

static void
on_completed (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (kyso_sign_session_complete_finish (KYSO_SIGN_SESSION (source), result, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
on_signed (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  KysoSignSession *self = g_task_get_source_object (task);
  g_autoptr(GPtrArray) sigs = NULL;
  GError *error = NULL;

  sigs = kyso_signer_sign_digests_finish (KYSO_SIGNER (source), result, &error);
  if (sigs == NULL)
    {
      kyso_sign_session_abort (self);
      g_task_return_error (task, error);
      return;
    }
  if (sigs->len != 1)
    {
      kyso_sign_session_abort (self);
      g_task_return_new_error (task, KYSO_ERROR, KYSO_ERROR_SERVER,
                               _("The signing service returned an unexpected number of signatures."));
      return;
    }
  kyso_sign_session_complete_async (self, g_ptr_array_index (sigs, 0), g_task_get_cancellable (task),
                                    on_completed, g_object_ref (task));
}

static void
on_prepared (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  SignData *d = g_task_get_task_data (task);
  g_autoptr(GBytes) digest = NULL;
  g_autoptr(GPtrArray) digests = g_ptr_array_new_with_free_func ((GDestroyNotify)g_bytes_unref);
  KysoSignRequest request = { 0 };
  GError *error = NULL;

  digest = kyso_sign_session_prepare_finish (KYSO_SIGN_SESSION (source), result, &error);
  if (digest == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  g_ptr_array_add (digests, g_steal_pointer (&digest));
  request.credential_id = d->credential_id;
  request.description = d->description;
  request.doc_ids = d->doc_ids;
  kyso_signer_sign_digests_async (d->signer, digests, &request, d->progress, d->progress_data,
                                  g_task_get_cancellable (task), on_signed, g_object_ref (task));
}

static void
on_credentials (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  SignData *d = g_task_get_task_data (task);
  g_autoptr(GPtrArray) creds = NULL;
  KysoSignerCredential *chosen = NULL;
  GError *error = NULL;

  creds = kyso_signer_list_credentials_finish (KYSO_SIGNER (source), result, &error);
  if (creds == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  for (guint i = 0; i < creds->len && chosen == NULL; i++)
    {
      KysoSignerCredential *c = g_ptr_array_index (creds, i);
      if (d->credential_id == NULL || g_strcmp0 (c->id, d->credential_id) == 0)
        chosen = c;
    }
  if (chosen == NULL || chosen->chain == NULL || chosen->chain->len == 0)
    {
      g_task_return_new_error (task, KYSO_ERROR, KYSO_ERROR_NOT_FOUND,
                               _("The signing service has no usable certificate for this account."));
      return;
    }
  g_free (d->credential_id);
  d->credential_id = g_strdup (chosen->id);
  kyso_sign_session_prepare_async (g_task_get_source_object (task), chosen->chain,
                                   g_task_get_cancellable (task), on_prepared, g_object_ref (task));
}

void
kyso_sign_session_sign_with_signer_async (KysoSignSession *self, KysoSigner *signer,
                                          const char *credential_id, KysoSignProgressFunc progress,
                                          gpointer progress_data, GCancellable *cancellable,
                                          GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(GTask) task = NULL;
  SignData *d;

  g_return_if_fail (KYSO_IS_SIGN_SESSION (self));
  g_return_if_fail (KYSO_IS_SIGNER (signer));
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, kyso_sign_session_sign_with_signer_async);
  d = g_new0 (SignData, 1);
  d->signer = g_object_ref (signer);
  d->credential_id = g_strdup (credential_id);
  d->doc_id = g_path_get_basename (kyso_sign_session_get_input_path (self));
  /* Translators: shown on the citizen's phone; %s is the file name */
  d->description = g_strdup_printf (_("Sign %s"), d->doc_id);
  d->doc_ids[0] = d->doc_id;
  d->progress = progress;
  d->progress_data = progress_data;
  g_task_set_task_data (task, d, (GDestroyNotify)sign_data_free);
  kyso_signer_list_credentials_async (signer, cancellable, on_credentials, g_steal_pointer (&task));
}

gboolean
kyso_sign_session_sign_with_signer_finish (KysoSignSession *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == kyso_sign_session_sign_with_signer_async,
                        FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
