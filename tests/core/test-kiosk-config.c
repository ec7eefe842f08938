/* The kiosk file: defaults, every key, refused values, file permissions, the PIN hash. */
#include "kyso-error.h"
#include "kyso-kiosk-config.h"

#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>

static char *
write_file (const char *dir, const char *name, const char *contents, int mode)
{
  char *path = g_build_filename (dir, name, NULL);
  g_autoptr (GError) error = NULL;

  g_file_set_contents (path, contents, -1, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_chmod (path, mode), ==, 0);
  return path;
}

static void
test_defaults (void)
{
  g_autoptr (KysoKioskConfig) config = kyso_kiosk_config_new_default ();

  g_assert_false (kyso_kiosk_config_get_enabled (config));
  g_assert_null (kyso_kiosk_config_get_province (config));
  g_assert_null (kyso_kiosk_config_get_counter (config));
  g_assert_cmpuint (kyso_kiosk_config_get_idle_timeout (config), ==, 180);
  g_assert_cmpuint (kyso_kiosk_config_get_countdown (config), ==, 30);
  g_assert_true (kyso_kiosk_config_get_printing (config));
  g_assert_cmpint (kyso_kiosk_config_get_sources (config), ==, KYSO_KIOSK_SOURCE_USB);
  g_assert_cmpuint (g_strv_length ((char **)kyso_kiosk_config_get_folders (config)), ==, 0);
  g_assert_false (kyso_kiosk_config_has_pin (config));
  g_assert_false (kyso_kiosk_config_check_pin (config, "1234"));
}

static void
test_every_key (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *hash = kyso_kiosk_pin_hash ("246810", &error);
  g_autofree char *data = NULL;
  g_autoptr (KysoKioskConfig) config = NULL;
  const char *const *folders;

  g_assert_no_error (error);
  data = g_strdup_printf ("# the counter's kiosk\n[kiosk]\nenabled=true\nprovince=quangngai\n"
                          "counter=Bộ phận một cửa UBND phường Nghĩa Chánh\nidle_timeout=240\ncountdown=20\n"
                          "printing=false\nsources=usb;folder;\nfolders=/srv/kyso/scans/;/srv/other\n"
                          "pin_hash=%s\n",
                          hash);
  config = kyso_kiosk_config_load_from_data (data, -1, &error);
  g_assert_no_error (error);
  g_assert_true (kyso_kiosk_config_get_enabled (config));
  g_assert_cmpstr (kyso_kiosk_config_get_province (config), ==, "quangngai");
  g_assert_cmpstr (kyso_kiosk_config_get_counter (config), ==, "Bộ phận một cửa UBND phường Nghĩa Chánh");
  g_assert_cmpuint (kyso_kiosk_config_get_idle_timeout (config), ==, 240);
  g_assert_cmpuint (kyso_kiosk_config_get_countdown (config), ==, 20);
  g_assert_false (kyso_kiosk_config_get_printing (config));
  g_assert_cmpint (kyso_kiosk_config_get_sources (config), ==,
                   KYSO_KIOSK_SOURCE_USB | KYSO_KIOSK_SOURCE_FOLDER);
  folders = kyso_kiosk_config_get_folders (config);
  g_assert_cmpuint (g_strv_length ((char **)folders), ==, 2);
  g_assert_cmpstr (folders[0], ==, "/srv/kyso/scans");
  g_assert_true (kyso_kiosk_config_has_pin (config));
  g_assert_true (kyso_kiosk_config_check_pin (config, "246810"));
  g_assert_false (kyso_kiosk_config_check_pin (config, "246811"));
  g_assert_false (kyso_kiosk_config_check_pin (config, ""));
  g_assert_false (kyso_kiosk_config_check_pin (config, NULL));

  /* Sources: the drives and the listed folders, nothing beside or above them. */
  g_assert_true (kyso_kiosk_config_allows_path (config, "/media/kiosk/USB/to-khai.pdf"));
  g_assert_true (kyso_kiosk_config_allows_path (config, "/run/media/kiosk/USB/a.pdf"));
  g_assert_true (kyso_kiosk_config_allows_path (config, "/srv/kyso/scans/scan-001.pdf"));
  g_assert_false (kyso_kiosk_config_allows_path (config, "/srv/kyso/scans-other/a.pdf"));
  g_assert_false (kyso_kiosk_config_allows_path (config, "/srv/kyso/scans/../../../etc/shadow"));
  g_assert_false (kyso_kiosk_config_allows_path (config, "/home/kiosk/a.pdf"));
  g_assert_false (kyso_kiosk_config_allows_path (config, "/mediafake/a.pdf"));
  g_assert_false (kyso_kiosk_config_allows_path (config, "relative/a.pdf"));
}

static void
test_refused_values (void)
{
  static const struct
  {
    const char *data;
    const char *key;
  } cases[] = {
    { "[kiosk]\nidle_timeout=5\n", "idle_timeout" },
    { "[kiosk]\nidle_timeout=3601\n", "idle_timeout" },
    { "[kiosk]\nidle_timeout=ba phút\n", "idle_timeout" },
    { "[kiosk]\ncountdown=0\n", "countdown" },
    { "[kiosk]\nenabled=có\n", "enabled" },
    { "[kiosk]\nprinting=2\n", "printing" },
    { "[kiosk]\nsources=usb;camera\n", "sources" },
    { "[kiosk]\nsources=folder\n", "folders" },
    { "[kiosk]\nfolders=scans\n", "folders" },
    { "[kiosk]\npin_hash=1234\n", "pin_hash" },
    { "[kiosk]\npin_hash=pbkdf2-sha256$100$c2FsdHNhbHQ=$AAAA\n", "pin_hash" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (KysoKioskConfig) config = kyso_kiosk_config_load_from_data (cases[i].data, -1, &error);

      g_assert_null (config);
      g_assert_error (error, KYSO_ERROR, KYSO_ERROR_INVALID_INPUT);
      /* The message names the setting to fix. */
      g_assert_nonnull (strstr (error->message, cases[i].key));
    }

  {
    g_autoptr (GError) error = NULL;
    g_autoptr (KysoKioskConfig) config = kyso_kiosk_config_load_from_data ("not a key file", -1, &error);

    g_assert_null (config);
    g_assert_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_PARSE);
  }
}

static void
test_pin_hash (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *a = kyso_kiosk_pin_hash ("1234", &error);
  g_autofree char *b = NULL;
  static const char *bad[] = { "", "123", "1234567890123", "12a4", "12 34", "١٢٣٤" };

  g_assert_no_error (error);
  b = kyso_kiosk_pin_hash ("1234", &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (a, "pbkdf2-sha256$"));
  /* A fresh salt each time: the same PIN never gives the same line. */
  g_assert_cmpstr (a, !=, b);
  g_assert_null (strstr (a, "1234$"));
  g_assert_true (kyso_kiosk_pin_matches ("1234", a));
  g_assert_true (kyso_kiosk_pin_matches ("1234", b));
  g_assert_false (kyso_kiosk_pin_matches ("1235", a));
  g_assert_false (kyso_kiosk_pin_matches ("1234", "pbkdf2-sha256$100000$$"));
  g_assert_false (kyso_kiosk_pin_matches ("1234", NULL));

  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (GError) e = NULL;
      g_autofree char *h = kyso_kiosk_pin_hash (bad[i], &e);

      g_assert_null (h);
      g_assert_error (e, KYSO_ERROR, KYSO_ERROR_INVALID_INPUT);
    }
}

static void
test_file (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("kyso-kiosk-XXXXXX", &error);
  g_autofree char *good = NULL;
  g_autofree char *open_to_all = NULL;
  g_autofree char *missing = NULL;
  g_autofree char *contents = NULL;
  g_autoptr (KysoKioskConfig) config = NULL;
  GStatBuf st;

  g_assert_no_error (error);
  good = write_file (dir, "kiosk.conf", "# kept\n[kiosk]\ncounter=Quầy 3\nidle_timeout=60\n", 0644);
  config = kyso_kiosk_config_load (good, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (kyso_kiosk_config_get_counter (config), ==, "Quầy 3");
  g_assert_false (kyso_kiosk_config_has_pin (config));
  g_clear_pointer (&config, kyso_kiosk_config_unref);

  /* The PIN goes in beside the other keys and comments; the file stays 0644. */
  g_assert_true (kyso_kiosk_config_set_pin_in_file (good, "97531", &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_stat (good, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0644);
  g_file_get_contents (good, &contents, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (contents, "# kept"));
  g_assert_null (strstr (contents, "97531"));
  config = kyso_kiosk_config_load (good, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (kyso_kiosk_config_get_idle_timeout (config), ==, 60);
  g_assert_true (kyso_kiosk_config_check_pin (config, "97531"));
  g_clear_pointer (&config, kyso_kiosk_config_unref);

  /* A bad PIN changes nothing. */
  g_assert_false (kyso_kiosk_config_set_pin_in_file (good, "12", &error));
  g_assert_error (error, KYSO_ERROR, KYSO_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  config = kyso_kiosk_config_load (good, &error);
  g_assert_true (kyso_kiosk_config_check_pin (config, "97531"));
  g_clear_pointer (&config, kyso_kiosk_config_unref);

  /* A file others could change is refused. */
  open_to_all = write_file (dir, "open.conf", "[kiosk]\nenabled=true\n", 0666);
  config = kyso_kiosk_config_load (open_to_all, &error);
  g_assert_null (config);
  g_assert_error (error, KYSO_ERROR, KYSO_ERROR_INVALID_INPUT);
  g_clear_error (&error);

  missing = g_build_filename (dir, "missing.conf", NULL);
  config = kyso_kiosk_config_load (missing, &error);
  g_assert_null (config);
  g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT);
  g_clear_error (&error);

  /* set-pin creates a missing file. */
  g_assert_true (kyso_kiosk_config_set_pin_in_file (missing, "0000", &error));
  g_assert_no_error (error);

  /* The environment picks the file; a missing default is no error. */
  g_setenv ("KYSO_KIOSK_CONFIG", good, TRUE);
  g_assert_cmpstr (kyso_kiosk_config_get_default_path (), ==, good);
  config = kyso_kiosk_config_load_default (&error);
  g_assert_no_error (error);
  g_assert_nonnull (config);
  g_clear_pointer (&config, kyso_kiosk_config_unref);
  g_setenv ("KYSO_KIOSK_CONFIG", open_to_all, TRUE);
  config = kyso_kiosk_config_load_default (&error);
  g_assert_null (config);
  g_assert_error (error, KYSO_ERROR, KYSO_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  g_setenv ("KYSO_KIOSK_CONFIG", "/nonexistent/kiosk.conf", TRUE);
  config = kyso_kiosk_config_load_default (&error);
  g_assert_no_error (error);
  g_assert_null (config);
  g_unsetenv ("KYSO_KIOSK_CONFIG");

  g_remove (good);
  g_remove (open_to_all);
  g_remove (missing);
  g_rmdir (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/kiosk-config/defaults", test_defaults);
  g_test_add_func ("/kiosk-config/every-key", test_every_key);
  g_test_add_func ("/kiosk-config/refused-values", test_refused_values);
  g_test_add_func ("/kiosk-config/pin-hash", test_pin_hash);
  g_test_add_func ("/kiosk-config/file", test_file);
  return g_test_run ();
}
