#include "config.h"

#include "kyso-config.h"

#include <gio/gio.h>

struct _KysoConfig
{
  gatomicrefcount ref;
  GKeyFile *keyfile;
  char *filename;
  char *dir;
  GHashTable *cache; /* "group\nkey" → string; keeps returned values borrowed-safe */
};

KysoConfig *
kyso_config_new_default (void)
{
  KysoConfig *self = g_new0 (KysoConfig, 1);

  g_atomic_ref_count_init (&self->ref);
  self->keyfile = g_key_file_new ();
  self->cache = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  return self;
}

KysoConfig *
kyso_config_load (const char *path, GError **error)
{
  g_autoptr(KysoConfig) self = kyso_config_new_default ();
  g_autofree char *abs = NULL;

  if (!g_key_file_load_from_file (self->keyfile, path, G_KEY_FILE_NONE, error))
    return NULL;
  abs = g_canonicalize_filename (path, NULL);
  self->dir = g_path_get_dirname (abs);
  self->filename = g_steal_pointer (&abs);
  return g_steal_pointer (&self);
}

KysoConfig *
kyso_config_load_or_default (const char *path, GError **error)
{
  g_autofree char *def = NULL;

  if (path != NULL)
    return kyso_config_load (path, error);
  def = g_build_filename (g_get_user_config_dir (), "kyso", "kyso.conf", NULL);
  if (g_file_test (def, G_FILE_TEST_IS_REGULAR))
    return kyso_config_load (def, error);
  return kyso_config_new_default ();
}

KysoConfig *
kyso_config_ref (KysoConfig *self)
{
  g_atomic_ref_count_inc (&self->ref);
  return self;
}

void
kyso_config_unref (KysoConfig *self)
{
  if (self == NULL || !g_atomic_ref_count_dec (&self->ref))
    return;
  g_key_file_unref (self->keyfile);
  g_hash_table_unref (self->cache);
  g_free (self->filename);
  g_free (self->dir);
  g_free (self);
}

static const char *
remember (KysoConfig *self, const char *group, const char *key, char *value)
{
  char *id = g_strdup_printf ("%s\n%s", group, key);
  const char *ret = value;

  g_hash_table_replace (self->cache, id, value);
  return ret;
}

const char *
kyso_config_get (KysoConfig *self, const char *group, const char *key)
{
  char *value;

  g_return_val_if_fail (self != NULL, NULL);
  value = g_key_file_get_string (self->keyfile, group, key, NULL);
  if (value == NULL || *value == '\0')
    {
      g_free (value);
      return NULL;
    }
  return remember (self, group, key, value);
}

const char *
kyso_config_get_path (KysoConfig *self, const char *group, const char *key)
{
  const char *value = kyso_config_get (self, group, key);

  if (value == NULL || g_path_is_absolute (value) || self->dir == NULL)
    return value;
  return remember (self, group, key, g_build_filename (self->dir, value, NULL));
}

void
kyso_config_set (KysoConfig *self, const char *group, const char *key, const char *value)
{
  if (value == NULL)
    g_key_file_remove_key (self->keyfile, group, key, NULL);
  else
    g_key_file_set_string (self->keyfile, group, key, value);
}

const char *
kyso_config_get_filename (KysoConfig *self)
{
  return self->filename;
}

gboolean
kyso_config_save (KysoConfig *self, const char *path, GError **error)
{
  return g_key_file_save_to_file (self->keyfile, path, error);
}
