#include "kyso-util.h"
#include "kyso-config.h"

#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

static char *
make_tmpdir (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("kyso-util-XXXXXX", &error);

  g_assert_no_error (error);
  return dir;
}

static guint
count_entries (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  guint n = 0;

  while (g_dir_read_name (d) != NULL)
    n++;
  return n;
}

static void
test_atomic_commit (void)
{
  g_autofree char *dir = make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "out.pdf", NULL);
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  KysoAtomicFile *f;

  g_file_set_contents (path, "old", -1, &error);
  g_assert_no_error (error);

  f = kyso_atomic_file_new (path, &error);
  g_assert_no_error (error);
  g_assert_true (kyso_write_all (kyso_atomic_file_get_fd (f), "new bytes", 9, &error));
  g_assert_true (kyso_pwrite_all (kyso_atomic_file_get_fd (f), "N", 1, 0, &error));
  /* Until commit, the target keeps its old contents. */
  g_file_get_contents (path, &contents, NULL, &error);
  g_assert_cmpstr (contents, ==, "old");
  g_clear_pointer (&contents, g_free);
  g_assert_cmpuint (count_entries (dir), ==, 2);

  g_assert_true (kyso_atomic_file_commit (f, &error));
  g_assert_no_error (error);
  kyso_atomic_file_free (f);

  g_file_get_contents (path, &contents, NULL, &error);
  g_assert_cmpstr (contents, ==, "New bytes");
  g_assert_cmpuint (count_entries (dir), ==, 1);
  g_unlink (path);
  g_rmdir (dir);
}

static void
test_atomic_abort (void)
{
  g_autofree char *dir = make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "out.pdf", NULL);
  g_autoptr(GError) error = NULL;
  KysoAtomicFile *f = kyso_atomic_file_new (path, &error);

  g_assert_no_error (error);
  g_assert_true (kyso_write_all (kyso_atomic_file_get_fd (f), "partial", 7, &error));
  kyso_atomic_file_free (f);
  /* Nothing is left behind: neither the target nor the temporary file. */
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  g_assert_cmpuint (count_entries (dir), ==, 0);
  g_rmdir (dir);
}

static void
test_atomic_bad_dir (void)
{
  g_autoptr(GError) error = NULL;
  KysoAtomicFile *f = kyso_atomic_file_new ("/nonexistent-kyso-dir/x.pdf", &error);

  g_assert_null (f);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
}

static void
test_hex (void)
{
  const guint8 data[] = { 0x00, 0x01, 0xab, 0xff };
  g_autofree char *hex = kyso_hex_encode (data, sizeof data);
  g_autoptr(GBytes) back = kyso_hex_decode ("0001ABff", -1);
  g_autoptr(GBytes) odd = kyso_hex_decode ("abc", -1);
  g_autoptr(GBytes) bad = kyso_hex_decode ("zz", -1);
  g_autoptr(GBytes) empty = kyso_hex_decode ("", -1);

  g_assert_cmpstr (hex, ==, "0001abff");
  g_assert_nonnull (back);
  g_assert_cmpmem (g_bytes_get_data (back, NULL), g_bytes_get_size (back), data, sizeof data);
  g_assert_null (odd);
  g_assert_null (bad);
  g_assert_nonnull (empty);
  g_assert_cmpuint (g_bytes_get_size (empty), ==, 0);
}

static void
test_config (void)
{
  g_autofree char *dir = make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "kyso.conf", NULL);
  g_autofree char *expected = g_build_filename (dir, "root.pem", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(KysoConfig) config = NULL;

  g_file_set_contents (path, "[tls]\nca_file=root.pem\n[neac]\nurl=https://127.0.0.1:1/neac/v1/\nsp_id=\n",
                       -1, &error);
  g_assert_no_error (error);
  config = kyso_config_load (path, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (kyso_config_get (config, "neac", "url"), ==, "https://127.0.0.1:1/neac/v1/");
  /* Empty values count as unset; relative paths are relative to the file. */
  g_assert_null (kyso_config_get (config, "neac", "sp_id"));
  g_assert_null (kyso_config_get (config, "csc", "url"));
  g_assert_cmpstr (kyso_config_get_path (config, "tls", "ca_file"), ==, expected);

  g_clear_pointer (&config, kyso_config_unref);
  config = kyso_config_load ("/nonexistent-kyso.conf", &error);
  g_assert_null (config);
  g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT);
  g_unlink (path);
  g_rmdir (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/util/atomic/commit", test_atomic_commit);
  g_test_add_func ("/util/atomic/abort", test_atomic_abort);
  g_test_add_func ("/util/atomic/bad-dir", test_atomic_bad_dir);
  g_test_add_func ("/util/hex", test_hex);
  g_test_add_func ("/util/config", test_config);
  return g_test_run ();
}
