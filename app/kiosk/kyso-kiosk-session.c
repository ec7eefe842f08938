#include "config.h"

#include "kyso-kiosk-session.h"
#include "kyso-error.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <libsecret/secret.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The folders redirected into the private one (variable, sub-folder). */
static const struct
{
  const char *variable;
  const char *name;
} redirected[] = {
  { "XDG_DATA_HOME", "data" },
  { "XDG_STATE_HOME", "state" },
  { "XDG_CACHE_HOME", "cache" },
  { "TMPDIR", "tmp" },
};

/* Citizen secrets, by schema name (see kyso-profile-store.c, kyso-session-store.c,
 * kyso-dossier-draft.c). */
static const char *const citizen_schemas[] = {
  "vn.kyso.Kyso.Profile",
  "vn.kyso.Kyso.Session",
  "vn.kyso.Kyso.Draft",
};

static char *session_dir;

static gboolean
set_errno_error (GError **error, const char *path, int saved)
{
  g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved), "%s: %s", path, g_strerror (saved));
  return FALSE;
}

/* Removes what @path holds (not following links), and @path itself when @keep is FALSE. */
static gboolean
remove_tree (const char *path, gboolean keep, GError **error)
{
  GStatBuf st;

  if (g_lstat (path, &st) != 0)
    return errno == ENOENT ? TRUE : set_errno_error (error, path, errno);
  if (S_ISDIR (st.st_mode))
    {
      g_autoptr (GDir) dir = g_dir_open (path, 0, error);
      const char *name;

      if (dir == NULL)
        return FALSE;
      while ((name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);

          if (!remove_tree (child, FALSE, error))
            return FALSE;
        }
      if (!keep && g_rmdir (path) != 0)
        return set_errno_error (error, path, errno);
    }
  else if (g_unlink (path) != 0 && errno != ENOENT)
    return set_errno_error (error, path, errno);
  return TRUE;
}

static gboolean
make_folders (GError **error)
{
  if (g_mkdir (session_dir, 0700) != 0 && errno != EEXIST)
    return set_errno_error (error, session_dir, errno);
  for (gsize i = 0; i < G_N_ELEMENTS (redirected); i++)
    {
      g_autofree char *sub = g_build_filename (session_dir, redirected[i].name, NULL);

      if (g_mkdir (sub, 0700) != 0 && errno != EEXIST)
        return set_errno_error (error, sub, errno);
    }
  return TRUE;
}

static gboolean
unsupported (GError **error)
{
  g_set_error_literal (
    error, KYSO_ERROR, KYSO_ERROR_UNSUPPORTED,
    _("Kiosk mode needs a private runtime folder (XDG_RUNTIME_DIR, mode 0700, owned by this "
       "account), as a login session provides."));
  return FALSE;
}

gboolean
kyso_kiosk_session_begin (GError **error)
{
  const char *runtime = g_getenv ("XDG_RUNTIME_DIR");
  g_autofree char *dir = NULL;
  GStatBuf st;

  if (runtime == NULL || !g_path_is_absolute (runtime) || g_lstat (runtime, &st) != 0 || !S_ISDIR (st.st_mode)
      || st.st_uid != getuid () || (st.st_mode & 077) != 0)
    return unsupported (error);

  dir = g_build_filename (runtime, "kyso-kiosk", NULL);
  /* A previous session that did not end (a crash, a power cut) left its files: remove them
   * before anything of this one starts. A link in its place is removed, never followed. */
  if (!remove_tree (dir, FALSE, error))
    return FALSE;
  g_free (session_dir);
  session_dir = g_steal_pointer (&dir);
  if (!make_folders (error))
    return FALSE;
  for (gsize i = 0; i < G_N_ELEMENTS (redirected); i++)
    {
      g_autofree char *sub = g_build_filename (session_dir, redirected[i].name, NULL);

      g_setenv (redirected[i].variable, sub, TRUE);
    }
  /* No preference of one citizen (last profile, folder, province) is written anywhere. */
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  return TRUE;
}

gboolean
kyso_kiosk_session_is_active (void)
{
  return session_dir != NULL;
}

const char *
kyso_kiosk_session_get_dir (void)
{
  return session_dir;
}

const char *
kyso_kiosk_session_get_collection (void)
{
  return session_dir != NULL ? SECRET_COLLECTION_SESSION : SECRET_COLLECTION_DEFAULT;
}

gboolean
kyso_kiosk_session_wipe_files (GError **error)
{
  if (session_dir == NULL)
    return TRUE;
  return remove_tree (session_dir, TRUE, error) && make_folders (error);
}

gboolean
kyso_kiosk_session_wipe_secrets (GCancellable *cancellable, GError **error)
{
  for (gsize i = 0; i < G_N_ELEMENTS (citizen_schemas); i++)
    {
      /* No attributes: every item of the schema, in every unlocked collection. */
      SecretSchema schema = { citizen_schemas[i], SECRET_SCHEMA_NONE, { { NULL, 0 } } };
      g_autoptr (GHashTable) none = g_hash_table_new (g_str_hash, g_str_equal);
      GError *local = NULL;

      secret_password_clearv_sync (&schema, none, cancellable, &local);
      if (local != NULL)
        {
          if (g_error_matches (local, G_IO_ERROR, G_IO_ERROR_CANCELLED))
            g_propagate_error (error, local);
          else
            {
              g_set_error (error, KYSO_ERROR, KYSO_ERROR_FAILED,
                           /* Translators: %s says why the keyring could not be emptied. */
                           _("The keyring could not be cleared of this session: %s"), local->message);
              g_error_free (local);
            }
          return FALSE;
        }
    }
  return TRUE;
}

static void
wipe_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  GError *error = NULL;

  if (g_task_return_error_if_cancelled (task))
    return;
  if (!kyso_kiosk_session_wipe_secrets (cancellable, &error) || !kyso_kiosk_session_wipe_files (&error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

void
kyso_kiosk_session_wipe_async (GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr (GTask) task = g_task_new (NULL, cancellable, callback, user_data);

  g_task_set_source_tag (task, kyso_kiosk_session_wipe_async);
  g_task_run_in_thread (task, wipe_thread);
}

gboolean
kyso_kiosk_session_wipe_finish (GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == kyso_kiosk_session_wipe_async, FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
