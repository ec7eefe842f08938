/* Signature profiles in the Secret Service. Each call runs libsecret's blocking API in a GTask
 * worker thread (libsecret gives every blocking call its own main context), so the caller's
 * main loop never waits on D-Bus or on a keyring unlock. */
#include "config.h"

#include "kyso-profile-store.h"
#include "kyso-error.h"
#include "kyso-kiosk-session.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#define ATTR_PROFILE_ID "profile-id"

struct _KysoProfileStore
{
  GObject parent_instance;
};

G_DEFINE_FINAL_TYPE (KysoProfileStore, kyso_profile_store, G_TYPE_OBJECT)

enum
{
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

typedef enum
{
  OP_CREATE,
  OP_UPDATE,
  OP_DELETE,
} OpKind;

/* What a worker needs, copied on the caller's thread so the profile object itself never
 * crosses threads. */
typedef struct
{
  OpKind kind;
  char *id;
  char *label;
  char *json; /* the secret: wiped before it is freed */
} Op;

static void
op_free (Op *op)
{
  g_free (op->id);
  g_free (op->label);
  if (op->json != NULL)
    {
      secret_password_wipe (op->json);
      g_free (op->json);
    }
  g_free (op);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Op, op_free)

const SecretSchema *
kyso_profile_store_get_schema (void)
{
  static const SecretSchema schema = {
    "vn.kyso.Kyso.Profile",
    SECRET_SCHEMA_NONE,
    {
      { ATTR_PROFILE_ID, SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
    },
    0,
    NULL,
    NULL,
    NULL,
    NULL,
    NULL,
    NULL,
    NULL,
  };

  return &schema;
}

static void
kyso_profile_store_class_init (KysoProfileStoreClass *klass)
{
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                                   NULL, G_TYPE_NONE, 0);
}

static void
kyso_profile_store_init (KysoProfileStore *self)
{
}

KysoProfileStore *
kyso_profile_store_new (void)
{
  return g_object_new (KYSO_TYPE_PROFILE_STORE, NULL);
}

/* Worker side --------------------------------------------------------------------------------- */

/* Turns a libsecret / D-Bus failure into a message a citizen can act on; cancellation stays. */
static void
keyring_error (GError **error, GError *cause)
{
  if (g_error_matches (cause, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_propagate_error (error, cause);
      return;
    }
  g_set_error (error, KYSO_ERROR, KYSO_ERROR_FAILED,
               _("Kyso could not use the keyring where your signatures are kept (%s). Make sure a "
                 "keyring such as GNOME Keyring is running and unlocked, then try again."),
                  cause->message);
  g_error_free (cause);
}

static GHashTable *
attributes_for (const char *id)
{
  GHashTable *attrs = g_hash_table_new (g_str_hash, g_str_equal);

  if (id != NULL)
    g_hash_table_insert (attrs, (gpointer)ATTR_PROFILE_ID, (gpointer)id);
  return attrs;
}

/* The items of @id (or all profile items when NULL); NULL with @error set on failure. An empty
 * result is a GList of length 0, so callers tell "none" from "failed" by @error. */
static GList *
search_items (const char *id, gboolean load_secrets, GCancellable *cancellable, GError **error)
{
  g_autoptr(GHashTable) attrs = attributes_for (id);
  GError *local_error = NULL;
  GList *items;
  SecretSearchFlags flags = SECRET_SEARCH_ALL | SECRET_SEARCH_UNLOCK;

  if (load_secrets)
    flags |= SECRET_SEARCH_LOAD_SECRETS;
  items = secret_service_search_sync (NULL, kyso_profile_store_get_schema (), attrs, flags, cancellable,
                                      &local_error);
  if (local_error != NULL)
    {
      g_list_free_full (items, g_object_unref);
      keyring_error (error, local_error);
      return NULL;
    }
  return items;
}

static KysoProfile *
read_item (SecretItem *item, GCancellable *cancellable, GError **error)
{
  g_autoptr(SecretValue) value = secret_item_get_secret (item);
  const char *data;
  gsize len;

  if (value == NULL)
    {
      GError *local_error = NULL;

      if (!secret_item_load_secret_sync (item, cancellable, &local_error))
        {
          keyring_error (error, local_error);
          return NULL;
        }
      value = secret_item_get_secret (item);
    }
  if (value == NULL)
    {
      g_set_error (error, KYSO_ERROR, KYSO_ERROR_FAILED,
                   _("The keyring is locked. Unlock it and try again."));
      return NULL;
    }
  data = secret_value_get (value, &len);
  return kyso_profile_new_from_json (data, len, error);
}

static int
compare_profiles (gconstpointer a, gconstpointer b)
{
  KysoProfile *pa = *(KysoProfile **)a;
  KysoProfile *pb = *(KysoProfile **)b;
  int cmp = g_utf8_collate (kyso_profile_get_display_name (pa), kyso_profile_get_display_name (pb));

  return cmp != 0 ? cmp : strcmp (kyso_profile_get_id (pa), kyso_profile_get_id (pb));
}

static void
list_thread (GTask *task, gpointer source_object, gpointer task_data, GCancellable *cancellable)
{
  g_autoptr(GPtrArray) profiles = g_ptr_array_new_with_free_func (g_object_unref);
  GError *error = NULL;
  GList *items = search_items (NULL, TRUE, cancellable, &error);

  if (error != NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  for (GList *l = items; l != NULL; l = l->next)
    {
      g_autoptr(GError) item_error = NULL;
      KysoProfile *profile = read_item (l->data, cancellable, &item_error);

      if (g_error_matches (item_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_list_free_full (items, g_object_unref);
          g_task_return_error (task, g_steal_pointer (&item_error));
          return;
        }
      /* One damaged item must not hide the others; its content is never logged. */
      if (profile == NULL)
        g_debug ("Skipping a profile item that cannot be read: %s", item_error->message);
      else
        g_ptr_array_add (profiles, profile);
    }
  g_list_free_full (items, g_object_unref);

  g_ptr_array_sort (profiles, compare_profiles);
  g_task_return_pointer (task, g_steal_pointer (&profiles), (GDestroyNotify)g_ptr_array_unref);
}

static void
not_found (GError **error)
{
  g_set_error (error, KYSO_ERROR, KYSO_ERROR_NOT_FOUND,
               _("This signature is no longer in the keyring. It may have been deleted in the meantime."));
}

static void
lookup_thread (GTask *task, gpointer source_object, gpointer task_data, GCancellable *cancellable)
{
  const char *id = task_data;
  GError *error = NULL;
  GList *items = search_items (id, TRUE, cancellable, &error);
  KysoProfile *profile = NULL;

  if (error == NULL && items == NULL)
    not_found (&error);
  else if (error == NULL)
    profile = read_item (items->data, cancellable, &error);
  g_list_free_full (items, g_object_unref);

  if (profile == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, profile, g_object_unref);
}

static gboolean
write_item (Op *op, SecretItem *existing, GCancellable *cancellable, GError **error)
{
  g_autoptr(SecretValue) value = secret_value_new (op->json, -1, "application/json");
  g_autoptr(GHashTable) attrs = attributes_for (op->id);
  GError *local_error = NULL;

  if (existing == NULL)
    secret_service_store_sync (NULL, kyso_profile_store_get_schema (), attrs,
                               kyso_kiosk_session_get_collection (), op->label, value, cancellable,
                               &local_error);
  /* Update in place, wherever the item lives: storing anew could duplicate it in the default
   * collection when the user moved it elsewhere. */
  else if (secret_item_set_secret_sync (existing, value, cancellable, &local_error))
    secret_item_set_label_sync (existing, op->label, cancellable, &local_error);

  if (local_error != NULL)
    {
      keyring_error (error, local_error);
      return FALSE;
    }
  return TRUE;
}

static void
write_thread (GTask *task, gpointer source_object, gpointer task_data, GCancellable *cancellable)
{
  Op *op = task_data;
  GError *error = NULL;
  GList *items = search_items (op->id, FALSE, cancellable, &error);

  if (error != NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  switch (op->kind)
    {
      case OP_CREATE:
        if (items != NULL)
          g_set_error (&error, KYSO_ERROR, KYSO_ERROR_FAILED,
                       _("This signature is already saved. Edit it instead of adding it again."));
        else
          write_item (op, NULL, cancellable, &error);
        break;
      case OP_UPDATE:
        if (items == NULL)
          not_found (&error);
        else
          write_item (op, items->data, cancellable, &error);
        break;
      case OP_DELETE:
        if (items == NULL)
          not_found (&error);
        for (GList *l = items; l != NULL && error == NULL; l = l->next)
          {
            GError *local_error = NULL;

            if (!secret_item_delete_sync (l->data, cancellable, &local_error))
              keyring_error (&error, local_error);
          }
        break;
      default:
        g_assert_not_reached ();
    }
  g_list_free_full (items, g_object_unref);

  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

/* Caller side ------------------------------------------------------------------------------- */

void
kyso_profile_store_list_async (KysoProfileStore *self, GCancellable *cancellable,
                               GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (KYSO_IS_PROFILE_STORE (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, kyso_profile_store_list_async);
  g_task_run_in_thread (task, list_thread);
}

GPtrArray *
kyso_profile_store_list_finish (KysoProfileStore *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (KYSO_IS_PROFILE_STORE (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == kyso_profile_store_list_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

void
kyso_profile_store_lookup_async (KysoProfileStore *self, const char *id, GCancellable *cancellable,
                                 GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (KYSO_IS_PROFILE_STORE (self));
  g_return_if_fail (id != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, kyso_profile_store_lookup_async);
  g_task_set_task_data (task, g_strdup (id), g_free);
  g_task_run_in_thread (task, lookup_thread);
}

KysoProfile *
kyso_profile_store_lookup_finish (KysoProfileStore *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (KYSO_IS_PROFILE_STORE (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == kyso_profile_store_lookup_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* The worker finished a write: announce the change in the caller's context, then complete. */
static void
write_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  KysoProfileStore *self = g_task_get_source_object (task);
  GError *error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_task_return_error (task, error);
      return;
    }
  g_signal_emit (self, signals[CHANGED], 0);
  g_task_return_boolean (task, TRUE);
}

static void
start_write (KysoProfileStore *self, Op *op_in, gpointer source_tag, GCancellable *cancellable,
             GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(Op) op = op_in;
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  g_autoptr(GTask) worker = NULL;

  g_task_set_source_tag (task, source_tag);
  /* Once the keyring has changed, report that truthfully even if cancelled late. */
  g_task_set_check_cancellable (task, FALSE);

  worker = g_task_new (self, cancellable, write_done, g_steal_pointer (&task));
  g_task_set_source_tag (worker, start_write);
  g_task_set_check_cancellable (worker, FALSE);
  g_task_set_task_data (worker, g_steal_pointer (&op), (GDestroyNotify)op_free);
  g_task_run_in_thread (worker, write_thread);
}

static void
save_async (KysoProfileStore *self, OpKind kind, KysoProfile *profile, gpointer source_tag,
            GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(GError) error = NULL;
  Op *op;

  if (!kyso_profile_validate (profile, &error))
    {
      g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

      g_task_set_source_tag (task, source_tag);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  op = g_new0 (Op, 1);
  op->kind = kind;
  op->id = g_strdup (kyso_profile_get_id (profile));
  /* Translators: the label of the keyring item, seen in Passwords and Keys (Seahorse). */
  op->label = g_strdup_printf (_("Kyso signature “%s”"), kyso_profile_get_display_name (profile));
  op->json = kyso_profile_to_json (profile);
  start_write (self, op, source_tag, cancellable, callback, user_data);
}

void
kyso_profile_store_create_async (KysoProfileStore *self, KysoProfile *profile, GCancellable *cancellable,
                                 GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (KYSO_IS_PROFILE_STORE (self));
  g_return_if_fail (KYSO_IS_PROFILE (profile));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  save_async (self, OP_CREATE, profile, kyso_profile_store_create_async, cancellable, callback, user_data);
}

gboolean
kyso_profile_store_create_finish (KysoProfileStore *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (KYSO_IS_PROFILE_STORE (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == kyso_profile_store_create_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

void
kyso_profile_store_update_async (KysoProfileStore *self, KysoProfile *profile, GCancellable *cancellable,
                                 GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (KYSO_IS_PROFILE_STORE (self));
  g_return_if_fail (KYSO_IS_PROFILE (profile));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  save_async (self, OP_UPDATE, profile, kyso_profile_store_update_async, cancellable, callback, user_data);
}

gboolean
kyso_profile_store_update_finish (KysoProfileStore *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (KYSO_IS_PROFILE_STORE (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == kyso_profile_store_update_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

void
kyso_profile_store_delete_async (KysoProfileStore *self, const char *id, GCancellable *cancellable,
                                 GAsyncReadyCallback callback, gpointer user_data)
{
  Op *op;

  g_return_if_fail (KYSO_IS_PROFILE_STORE (self));
  g_return_if_fail (id != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  op = g_new0 (Op, 1);
  op->kind = OP_DELETE;
  op->id = g_strdup (id);
  start_write (self, op, kyso_profile_store_delete_async, cancellable, callback, user_data);
}

gboolean
kyso_profile_store_delete_finish (KysoProfileStore *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (KYSO_IS_PROFILE_STORE (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == kyso_profile_store_delete_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
