/* Kiosk mode's citizen session against the real gnome-keyring of kyso-test-env.sh: leftovers of
 * a crashed session removed at begin, the XDG folders redirected into the private 0700 folder,
 * citizen secrets stored in the session collection and wiped from every collection, the
 * operator's secrets kept, and the refusals. */
#include "kyso-error.h"
#include "kyso-kiosk-session.h"

#include <glib/gstdio.h>
#include <libsecret/secret.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char *runtime;

static const SecretSchema *
schema_named (const char *name)
{
  static SecretSchema schemas[4];
  static const char *names[] = { "vn.kyso.Kyso.Profile", "vn.kyso.Kyso.Session", "vn.kyso.Kyso.Draft",
                                 "vn.kyso.Kyso.SigningCredentials" };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    if (strcmp (names[i], name) == 0)
      {
        schemas[i].name = names[i];
        schemas[i].flags = SECRET_SCHEMA_NONE;
        schemas[i].attributes[0].name = "who";
        schemas[i].attributes[0].type = SECRET_SCHEMA_ATTRIBUTE_STRING;
        return &schemas[i];
      }
  g_assert_not_reached ();
}

static void
store (const char *schema, const char *collection, const char *who)
{
  g_autoptr (GError) error = NULL;

  g_assert_true (secret_password_store_sync (schema_named (schema), collection, who, "secret-of-A", NULL,
                                             &error, "who", who, NULL));
  g_assert_no_error (error);
}

static gboolean
stored (const char *schema, const char *who)
{
  g_autoptr (GError) error = NULL;
  char *secret = secret_password_lookup_sync (schema_named (schema), NULL, &error, "who", who, NULL);

  g_assert_no_error (error);
  if (secret == NULL)
    return FALSE;
  secret_password_free (secret);
  return TRUE;
}

static guint
count_files (const char *path)
{
  g_autoptr (GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;
  guint n = 0;

  if (dir == NULL)
    return 1;
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      n += g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK)
             ? count_files (child)
             : 1;
    }
  return n;
}

static void
test_refused (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *open_dir = g_build_filename (runtime, "..", "open-runtime", NULL);

  /* Before begin(): the desktop's collection, nothing to wipe. */
  g_assert_false (kyso_kiosk_session_is_active ());
  g_assert_cmpstr (kyso_kiosk_session_get_collection (), ==, SECRET_COLLECTION_DEFAULT);
  g_assert_null (kyso_kiosk_session_get_dir ());
  g_assert_true (kyso_kiosk_session_wipe_files (&error));
  g_assert_no_error (error);

  g_unsetenv ("XDG_RUNTIME_DIR");
  g_assert_false (kyso_kiosk_session_begin (&error));
  g_assert_error (error, KYSO_ERROR, KYSO_ERROR_UNSUPPORTED);
  g_clear_error (&error);

  /* A runtime folder others may enter is no private place. */
  g_assert_cmpint (g_mkdir_with_parents (open_dir, 0755), ==, 0);
  g_assert_cmpint (g_chmod (open_dir, 0755), ==, 0);
  g_setenv ("XDG_RUNTIME_DIR", open_dir, TRUE);
  g_assert_false (kyso_kiosk_session_begin (&error));
  g_assert_error (error, KYSO_ERROR, KYSO_ERROR_UNSUPPORTED);
  g_assert_false (kyso_kiosk_session_is_active ());
  g_rmdir (open_dir);
  g_setenv ("XDG_RUNTIME_DIR", runtime, TRUE);
}

static void
test_begin_after_crash (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_build_filename (runtime, "kyso-kiosk", NULL);
  g_autofree char *deep = g_build_filename (dir, "data", "kyso", "drafts", NULL);
  g_autofree char *left = g_build_filename (deep, "nguyen-van-an.json", NULL);
  g_autofree char *outside = g_build_filename (runtime, "outside.txt", NULL);
  g_autofree char *link = g_build_filename (dir, "tmp", "link", NULL);
  g_autofree char *drafts = NULL;
  g_autofree char *tmp = NULL;
  GStatBuf st;

  /* What a killed session leaves, with a link out of the folder that must not be followed. */
  g_assert_cmpint (g_mkdir_with_parents (deep, 0700), ==, 0);
  g_file_set_contents (left, "079090001234 Nguyễn Văn An", -1, &error);
  g_assert_no_error (error);
  g_file_set_contents (outside, "keep", -1, &error);
  g_assert_no_error (error);
  tmp = g_path_get_dirname (link);
  g_assert_cmpint (g_mkdir_with_parents (tmp, 0700), ==, 0);
  g_assert_cmpint (symlink (outside, link), ==, 0);

  g_assert_true (kyso_kiosk_session_begin (&error));
  g_assert_no_error (error);
  g_assert_true (kyso_kiosk_session_is_active ());
  g_assert_cmpstr (kyso_kiosk_session_get_dir (), ==, dir);
  g_assert_cmpstr (kyso_kiosk_session_get_collection (), ==, SECRET_COLLECTION_SESSION);
  g_assert_false (g_file_test (left, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (outside, G_FILE_TEST_EXISTS));
  g_assert_cmpint (g_lstat (dir, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0700);
  g_assert_cmpuint (count_files (dir), ==, 0);

  /* Whatever writes to the XDG folders writes into the private one. */
  drafts = g_build_filename (dir, "data", NULL);
  g_assert_cmpstr (g_getenv ("XDG_DATA_HOME"), ==, drafts);
  g_assert_true (g_str_has_prefix (g_getenv ("XDG_STATE_HOME"), dir));
  g_assert_true (g_str_has_prefix (g_getenv ("XDG_CACHE_HOME"), dir));
  g_assert_true (g_str_has_prefix (g_getenv ("TMPDIR"), dir));
  g_assert_cmpstr (g_getenv ("GSETTINGS_BACKEND"), ==, "memory");
}

static void
keep_result (GObject *source, GAsyncResult *result, gpointer user_data)
{
  *(GAsyncResult **)user_data = g_object_ref (result);
}

static gboolean
wipe (GCancellable *cancellable, GError **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  kyso_kiosk_session_wipe_async (cancellable, keep_result, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  return kyso_kiosk_session_wipe_finish (result, error);
}

static void
test_wipe (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GCancellable) cancelled = g_cancellable_new ();
  g_autofree char *file
    = g_build_filename (g_getenv ("XDG_STATE_HOME"), "kyso-pending-079090001234.json", NULL);

  /* Citizen A's profile and portal session in the session collection, a draft left in the
   * default one by a desktop session, and the operator's signing credentials. */
  store ("vn.kyso.Kyso.Profile", kyso_kiosk_session_get_collection (), "A");
  store ("vn.kyso.Kyso.Session", kyso_kiosk_session_get_collection (), "A");
  store ("vn.kyso.Kyso.Draft", SECRET_COLLECTION_DEFAULT, "A");
  store ("vn.kyso.Kyso.SigningCredentials", SECRET_COLLECTION_DEFAULT, "operator");
  g_file_set_contents (file, "{}", -1, &error);
  g_assert_no_error (error);
  g_assert_true (stored ("vn.kyso.Kyso.Profile", "A"));

  /* A cancelled wipe says so. */
  g_cancellable_cancel (cancelled);
  g_assert_false (wipe (cancelled, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);

  g_assert_true (wipe (NULL, &error));
  g_assert_no_error (error);
  g_assert_false (stored ("vn.kyso.Kyso.Profile", "A"));
  g_assert_false (stored ("vn.kyso.Kyso.Session", "A"));
  g_assert_false (stored ("vn.kyso.Kyso.Draft", "A"));
  g_assert_true (stored ("vn.kyso.Kyso.SigningCredentials", "operator"));
  g_assert_false (g_file_test (file, G_FILE_TEST_EXISTS));
  /* The folders are there again for the next citizen. */
  g_assert_true (g_file_test (g_getenv ("XDG_STATE_HOME"), G_FILE_TEST_IS_DIR));
  g_assert_cmpuint (count_files (kyso_kiosk_session_get_dir ()), ==, 0);

  /* Nothing left to wipe is no error. */
  g_assert_true (wipe (NULL, &error));
  g_assert_no_error (error);
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  runtime = g_build_filename (g_getenv ("KYSO_TEST_TMPDIR"), "kiosk-runtime", NULL);
  g_assert_cmpint (g_mkdir_with_parents (runtime, 0700), ==, 0);
  g_setenv ("XDG_RUNTIME_DIR", runtime, TRUE);
  g_test_add_func ("/kiosk-session/refused", test_refused);
  g_test_add_func ("/kiosk-session/begin-after-crash", test_begin_after_crash);
  g_test_add_func ("/kiosk-session/wipe", test_wipe);
  status = g_test_run ();
  g_free (runtime);
  return status;
}
