/* test-kiosk-crash.c: a kiosk Kyso killed in the middle of a citizen's session (SIGKILL: nothing
 * of its own ending runs) leaves files in its private folder and a profile in the keyring; the
 * next start removes both before the start screen appears.
 *
 * The test runs itself with --child: that process starts kiosk mode, stores a profile, opens a
 * document (a recent file, a thumbnail-free view) and kills itself. */
#include "config.h"

#include "kyso-application.h"
#include "kyso-document-page.h"
#include "kyso-kiosk-session.h"
#include "kyso-kiosk.h"
#include "kyso-test-png.h"
#include "kyso-window.h"
#include "test-document-util.h"

#include <cairo-pdf.h>
#include <glib/gstdio.h>
#include <locale.h>
#include <signal.h>
#include <string.h>

#define CCCD "079090007777"
#define NAME "Trần Thị Bình"

static char *self_path;

static KysoApplication *
start_kiosk (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (KysoKioskConfig) config
             = kyso_kiosk_config_load_from_data ("[kiosk]\nenabled=true\ncounter=Quầy 2\n", -1, &error);
  KysoApplication *app = kyso_application_new ();

  g_assert_no_error (error);
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_assert_true (kyso_application_enable_kiosk (app, config, FALSE, &error));
  g_assert_no_error (error);
  return app;
}

static void
keep_result (GObject *source, GAsyncResult *result, gpointer slot)
{
  *(GAsyncResult **)slot = g_object_ref (result);
}

static gboolean
have_result (gpointer slot)
{
  return *(GAsyncResult **)slot != NULL;
}

static gboolean
file_exists (gpointer path)
{
  return g_file_test (path, G_FILE_TEST_EXISTS);
}

static char *
secret_search (const char *schema)
{
  const char *argv[] = { "secret-tool", "search", "--all", "--unlock", "xdg:schema", schema, NULL };
  g_autoptr (GError) error = NULL;
  char *out = NULL;
  int status;

  g_spawn_sync (NULL, (char **)argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, &out,
                NULL, &status, &error);
  g_assert_no_error (error);
  return out;
}

/* The killed session. */
static int
child (void)
{
  g_autoptr (GError) error = NULL;
  KysoApplication *app = start_kiosk ();
  g_autoptr (KysoProfile) profile = kyso_profile_new ();
  g_autoptr (KysoProfileAccount) account = kyso_profile_account_new ("vnpt-ca", CCCD);
  g_autoptr (GBytes) png = kyso_test_make_signature_png (300, 120, 0);
  g_autoptr (GAsyncResult) result = NULL;
  g_autofree char *usb = g_build_filename (g_getenv ("KYSO_TEST_TMPDIR"), "usb", NULL);
  g_autofree char *pdf = g_build_filename (usb, "hop-dong-cua-binh.pdf", NULL);
  g_autofree char *recent = NULL;
  g_autoptr (GFile) file = NULL;
  KysoKiosk *kiosk;
  cairo_surface_t *surface;
  cairo_t *cr;

  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_application_activate (G_APPLICATION (app));
  kiosk = kyso_application_get_kiosk (app);

  kyso_profile_set_display_name (profile, NAME);
  kyso_profile_set_phone (profile, "0987654321");
  kyso_profile_set_image (profile, png);
  kyso_profile_add_account (profile, account);
  kyso_profile_store_create_async (kyso_application_get_profile_store (app), profile, NULL, keep_result,
                                   &result);
  kyso_test_wait_until (have_result, &result, 20000);
  g_assert_true (kyso_profile_store_create_finish (kyso_application_get_profile_store (app), result, &error));
  g_clear_object (&result);

  g_assert_cmpint (g_mkdir_with_parents (usb, 0700), ==, 0);
  surface = cairo_pdf_surface_create (pdf, 595, 842);
  cr = cairo_create (surface);
  cairo_move_to (cr, 72, 72);
  cairo_show_text (cr, NAME);
  cairo_destroy (cr);
  cairo_surface_destroy (surface);
  file = g_file_new_for_path (pdf);
  kyso_document_page_open_async (kyso_window_get_document_page (kyso_kiosk_get_window (kiosk)), file, NULL,
                                 keep_result, &result);
  kyso_test_wait_until (have_result, &result, 20000);

  /* The recent file is written where the XDG data folder now is: the private folder. */
  recent = g_build_filename (g_get_user_data_dir (), "recently-used.xbel", NULL);
  g_assert_true (g_str_has_prefix (recent, kyso_kiosk_session_get_dir ()));
  kyso_test_wait_until (file_exists, recent, 10000);
  raise (SIGKILL);
  return 1;
}

static gboolean
holds (const char *dir, const char *needle)
{
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autofree char *contents = NULL;

      if (strstr (name, needle) != NULL)
        return TRUE;
      if (g_file_test (path, G_FILE_TEST_IS_DIR) && !g_file_test (path, G_FILE_TEST_IS_SYMLINK))
        {
          if (holds (path, needle))
            return TRUE;
        }
      else if (g_file_get_contents (path, &contents, NULL, NULL) && strstr (contents, needle) != NULL)
        return TRUE;
    }
  return FALSE;
}

static void
test_next_start_wipes (void)
{
  const char *argv[] = { self_path, "--child", NULL };
  g_autoptr (GError) error = NULL;
  g_autoptr (GSubprocess) killed = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_NONE, &error);
  g_autofree char *folder = g_build_filename (g_getenv ("XDG_RUNTIME_DIR"), "kyso-kiosk", NULL);
  g_autofree char *profiles = NULL;
  KysoApplication *app;

  g_assert_no_error (error);
  g_assert_true (g_subprocess_wait (killed, NULL, &error));
  g_assert_true (g_subprocess_get_if_signaled (killed));
  g_assert_cmpint (g_subprocess_get_term_sig (killed), ==, SIGKILL);

  /* What the killed session left: its folder naming the document, its profile in the keyring. */
  g_assert_true (holds (folder, "hop-dong-cua-binh"));
  profiles = secret_search ("vn.kyso.Kyso.Profile");
  g_assert_nonnull (strstr (profiles, CCCD));

  /* The next start: the folder before anything reads it, the keyring at startup — both
   * before the window with the start screen exists. */
  app = start_kiosk ();
  g_assert_false (holds (folder, "hop-dong-cua-binh"));
  g_assert_false (holds (folder, CCCD));
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_assert_no_error (error);
  g_assert_null (kyso_application_get_kiosk (app));
  g_clear_pointer (&profiles, g_free);
  profiles = secret_search ("vn.kyso.Kyso.Profile");
  g_assert_cmpstr (profiles, ==, "");

  g_application_activate (G_APPLICATION (app));
  g_assert_cmpstr (kyso_kiosk_get_state (kyso_application_get_kiosk (app)), ==, "start");
  g_object_unref (app);
}

int
main (int argc, char **argv)
{
  setlocale (LC_ALL, "C.UTF-8");
  g_setenv ("GTK_A11Y", "none", TRUE);
  if (argc > 1 && strcmp (argv[1], "--child") == 0)
    {
      /* As g_application_run() would: GTK names the recent files' owner after it. */
      g_set_prgname ("kyso");
      return child ();
    }
  g_test_init (&argc, &argv, NULL);
  self_path = g_canonicalize_filename (argv[0], NULL);
  g_test_add_func ("/kiosk-crash/next-start-wipes", test_next_start_wipes);
  return g_test_run ();
}
