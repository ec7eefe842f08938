/* The Profiles page in a real window under Xvfb, against the real gnome-keyring: list, add,
 * edit, refuse invalid input, delete with confirmation, empty state. Each state is rendered to
 * a PNG in the build folder (tests/gui/) so people can look at it. */
#include "config.h"

#include "kyso-application.h"
#include "kyso-document-page.h"
#include "kyso-dossiers-page.h"
#include "kyso-dossier-wizard.h"
#include "kyso-dossier-applicant.h"
#include "kyso-dossier-components.h"
#include "kyso-login-page.h"
#include "kyso-tracking-page.h"
#include "kyso-window.h"
#include "kyso-settings-page.h"
#include "kyso-account-row.h"
#include "kyso-profile-row.h"
#include "kyso-signatures-page-private.h"
#include "kyso-profile-dialog-private.h"
#include "kyso-providers.h"
#include "kyso-test-png.h"

#include <locale.h>
#include <string.h>

static KysoApplication *app;
static KysoWindow *window;
static KysoSignaturesPage *page;

/* Main-loop helpers --------------------------------------------------------------------- */

typedef gboolean (*Condition) (gpointer data);

static gboolean
timed_out (gpointer data)
{
  *(gboolean *)data = TRUE;
  return G_SOURCE_REMOVE;
}

static void
wait_until (Condition condition, gpointer data, const char *what)
{
  gboolean expired = FALSE;
  guint timeout = g_timeout_add_seconds (20, timed_out, &expired);

  while (!condition (data) && !expired)
    g_main_context_iteration (NULL, TRUE);
  if (expired)
    g_error ("Timed out waiting for %s", what);
  g_source_remove (timeout);
}

/* Lets GTK lay out and draw a few frames. */
static void
settle (void)
{
  gboolean done = FALSE;

  g_timeout_add (300, timed_out, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

static gboolean
page_is (gpointer state)
{
  return g_strcmp0 (kyso_signatures_page_get_state (page), state) == 0;
}

static gboolean
page_has_n (gpointer n)
{
  return page_is ("list")
         && g_list_model_get_n_items (kyso_signatures_page_get_profiles (page)) == GPOINTER_TO_UINT (n);
}

static gboolean
is_null (gpointer pointer_location)
{
  return *(gpointer *)pointer_location == NULL;
}

static gboolean
is_mapped (gpointer widget)
{
  return gtk_widget_get_mapped (widget) && gtk_widget_get_width (widget) > 0;
}

static void
keep_result (GObject *source, GAsyncResult *result, gpointer user_data)
{
  *(GAsyncResult **)user_data = g_object_ref (result);
}

static gboolean
have_result (gpointer slot)
{
  return *(GAsyncResult **)slot != NULL;
}

/* Rendering ----------------------------------------------------------------------------- */

static char *
render_to_png (GtkWidget *widget, const char *name)
{
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  GtkSnapshot *snapshot;
  GskRenderer *renderer;
  /* Next to this program: <builddir>/tests/gui, however the test is started. */
  g_autofree char *self_exe = g_file_read_link ("/proc/self/exe", NULL);
  g_autofree char *dir = g_path_get_dirname (self_exe);
  char *path = g_build_filename (dir, name, NULL);
  int width, height;

  wait_until (is_mapped, widget, "the window to show");
  settle ();
  width = gtk_widget_get_width (widget);
  height = gtk_widget_get_height (widget);

  paintable = gtk_widget_paintable_new (widget);
  snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, snapshot, width, height);
  node = gtk_snapshot_free_to_node (snapshot);
  g_assert_nonnull (node);
  renderer = gtk_native_get_renderer (gtk_widget_get_native (widget));
  texture = gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, width, height));

  g_mkdir_with_parents (dir, 0755);
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_assert_cmpint (gdk_texture_get_width (texture), ==, width);
  g_test_message ("rendered %s (%d × %d)", path, width, height);
  return path;
}

/* Keyring set-up -------------------------------------------------------------------------- */

static KysoProfile *
make_profile (const char *name, const char *phone, const char *provider, const char *account,
              const char *provider2, int variant)
{
  KysoProfile *profile = kyso_profile_new ();
  g_autoptr(GBytes) png = kyso_test_make_signature_png (420, 160, variant);
  g_autoptr(KysoProfileAccount) a = kyso_profile_account_new (provider, account);

  kyso_profile_set_display_name (profile, name);
  kyso_profile_set_phone (profile, phone);
  kyso_profile_set_keyword (profile, "Người làm đơn");
  kyso_profile_set_image (profile, png);
  kyso_profile_add_account (profile, a);
  if (provider2 != NULL)
    {
      g_autoptr(KysoProfileAccount) b = kyso_profile_account_new (provider2, account);
      kyso_profile_add_account (profile, b);
    }
  return profile;
}

static void
store_profile (KysoProfile *profile)
{
  KysoProfileStore *store = kyso_application_get_profile_store (app);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  kyso_profile_store_create_async (store, profile, NULL, keep_result, &result);
  wait_until (have_result, &result, "the profile to be stored");
  g_assert_true (kyso_profile_store_create_finish (store, result, &error));
  g_assert_no_error (error);
}

static KysoProfile *
lookup_profile (const char *id)
{
  KysoProfileStore *store = kyso_application_get_profile_store (app);
  g_autoptr(GAsyncResult) result = NULL;

  kyso_profile_store_lookup_async (store, id, NULL, keep_result, &result);
  wait_until (have_result, &result, "the profile to be read");
  return kyso_profile_store_lookup_finish (store, result, NULL);
}

static KysoProfileRow *
nth_row (guint n)
{
  return KYSO_PROFILE_ROW (gtk_list_box_get_row_at_index (kyso_signatures_page_get_list_box (page), n));
}

/* Tests ------------------------------------------------------------------------------------- */

static void
test_list (void)
{
  g_autoptr(KysoProfile) an
             = make_profile ("Nguyễn Văn An", "0912345678", "vnpt-ca", "079203001234", "viettel-ca", 0);
  g_autoptr(KysoProfile) cuc = make_profile ("Bùi Thị Cúc", "+84387654321", "misa-ca", "123456789", NULL, 1);
  g_autofree char *png = NULL;
  KysoProfileRow *row;

  store_profile (an);
  store_profile (cuc);

  window = kyso_window_new (app);
  page = KYSO_SIGNATURES_PAGE (
    gtk_widget_get_template_child (GTK_WIDGET (window), KYSO_TYPE_WINDOW, "signatures_page"));
  kyso_window_set_page (window, "profiles");
  g_assert_cmpstr (kyso_window_get_page (window), ==, "profiles");
  gtk_window_present (GTK_WINDOW (window));

  wait_until (page_has_n, GUINT_TO_POINTER (2), "two profiles in the list");

  /* Rows in name order, each with its image and what tells it apart. */
  row = nth_row (0);
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), ==, "Bùi Thị Cúc");
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), ==, "MISA-CA · Phone ending in 321");
  row = nth_row (1);
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), ==, "Nguyễn Văn An");
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), ==,
                   "VNPT-CA, Viettel-CA · Phone ending in 678");
  g_assert_cmpstr (kyso_profile_get_id (kyso_profile_row_get_profile (row)), ==, kyso_profile_get_id (an));
  g_assert_null (gtk_list_box_get_row_at_index (kyso_signatures_page_get_list_box (page), 2));
  /* No ID number is shown anywhere on the row. */
  g_assert_null (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), "079203001234"));

  png = render_to_png (GTK_WIDGET (window), "signatures-page.png");
  g_assert_true (g_file_test (png, G_FILE_TEST_IS_REGULAR));
}

static void
test_edit (void)
{
  KysoProfile *an = kyso_profile_row_get_profile (nth_row (1));
  g_autofree char *id = g_strdup (kyso_profile_get_id (an));
  KysoProfileDialog *dialog = kyso_signatures_page_open_dialog (page, an);
  GPtrArray *rows = kyso_profile_dialog_get_account_rows (dialog);
  g_autofree char *png = NULL;
  g_autoptr(KysoProfile) stored = NULL;

  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *)&dialog);

  /* The form shows what is stored. */
  g_assert_cmpstr (gtk_editable_get_text (kyso_profile_dialog_get_name_entry (dialog)), ==, "Nguyễn Văn An");
  g_assert_cmpstr (gtk_editable_get_text (kyso_profile_dialog_get_phone_entry (dialog)), ==, "0912345678");
  g_assert_cmpstr (gtk_editable_get_text (kyso_profile_dialog_get_keyword_entry (dialog)), ==,
                   "Người làm đơn");
  g_assert_nonnull (kyso_profile_dialog_get_image (dialog));
  g_assert_cmpuint (rows->len, ==, 2);
  g_assert_cmpstr (gtk_editable_get_text (kyso_account_row_get_entry (rows->pdata[0])), ==, "079203001234");
  g_assert_null (kyso_profile_dialog_get_error (dialog));

  png = render_to_png (GTK_WIDGET (dialog), "profile-dialog.png");

  /* An invalid phone number is refused with the reason, and nothing is written. */
  gtk_editable_set_text (kyso_profile_dialog_get_phone_entry (dialog), "0912");
  kyso_profile_dialog_save (dialog);
  g_assert_false (kyso_profile_dialog_is_saving (dialog));
  g_assert_nonnull (kyso_profile_dialog_get_error (dialog));
  g_assert_true (
    gtk_widget_has_css_class (GTK_WIDGET (kyso_profile_dialog_get_phone_entry (dialog)), "error"));
  g_free (png);
  png = render_to_png (GTK_WIDGET (dialog), "profile-dialog-error.png");

  /* So is an account number of the wrong length; the row at fault is flagged. */
  gtk_editable_set_text (kyso_profile_dialog_get_phone_entry (dialog), "0909 123.456");
  gtk_editable_set_text (kyso_account_row_get_entry (rows->pdata[1]), "12345");
  kyso_profile_dialog_save (dialog);
  g_assert_nonnull (kyso_profile_dialog_get_error (dialog));
  g_assert_true (
    gtk_widget_has_css_class (GTK_WIDGET (kyso_account_row_get_entry (rows->pdata[1])), "error"));

  /* Removing that account makes the form valid; saving updates the keyring and closes. */
  g_signal_emit_by_name (rows->pdata[1], "remove-requested");
  g_assert_cmpuint (rows->len, ==, 1);
  kyso_profile_dialog_save (dialog);
  g_assert_null (kyso_profile_dialog_get_error (dialog));
  wait_until (is_null, &dialog, "the dialog to close after saving");

  stored = lookup_profile (id);
  g_assert_nonnull (stored);
  g_assert_cmpstr (kyso_profile_get_phone (stored), ==, "0909123456");
  g_assert_cmpuint (g_list_model_get_n_items (kyso_profile_get_accounts (stored)), ==, 1);
  wait_until (page_has_n, GUINT_TO_POINTER (2), "the list after the edit");
}

static gboolean
dialog_has_image_or_error (gpointer dialog)
{
  return kyso_profile_dialog_get_image (dialog) != NULL || kyso_profile_dialog_get_error (dialog) != NULL;
}

static void
test_add (void)
{
  const char *tmp = g_getenv ("KYSO_TEST_TMPDIR");
  g_autofree char *png_path = g_build_filename (tmp != NULL ? tmp : g_get_tmp_dir (), "signature.png", NULL);
  g_autofree char *txt_path
    = g_build_filename (tmp != NULL ? tmp : g_get_tmp_dir (), "not-an-image.png", NULL);
  g_autoptr(GBytes) png = kyso_test_make_signature_png (380, 150, 2);
  g_autoptr(GFile) png_file = g_file_new_for_path (png_path);
  g_autoptr(GFile) txt_file = g_file_new_for_path (txt_path);
  KysoProfileDialog *dialog = kyso_signatures_page_open_dialog (page, NULL);
  GPtrArray *rows = kyso_profile_dialog_get_account_rows (dialog);
  KysoAccountRow *account_row;
  g_autofree char *rendered = NULL;
  guint viettel = 0;

  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *)&dialog);
  g_assert_true (g_file_set_contents (png_path, g_bytes_get_data (png, NULL), g_bytes_get_size (png), NULL));
  g_assert_true (g_file_set_contents (txt_path, "hello, this is text", -1, NULL));

  /* A new form starts empty with one account row; saving it says what is missing. */
  g_assert_cmpuint (rows->len, ==, 1);
  rendered = render_to_png (GTK_WIDGET (dialog), "profile-dialog-new.png");
  kyso_profile_dialog_save (dialog);
  g_assert_nonnull (kyso_profile_dialog_get_error (dialog));
  g_assert_null (kyso_profile_dialog_get_image (dialog));

  /* A file that is not a PNG is refused by what the file chooser would hand over. */
  kyso_profile_dialog_load_image_file (dialog, txt_file);
  wait_until (dialog_has_image_or_error, dialog, "the text file to be refused");
  g_assert_null (kyso_profile_dialog_get_image (dialog));
  g_assert_nonnull (strstr (kyso_profile_dialog_get_error (dialog), "PNG"));

  kyso_profile_dialog_load_image_file (dialog, png_file);
  wait_until (dialog_has_image_or_error, dialog, "the PNG to load");
  while (kyso_profile_dialog_get_image (dialog) == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (g_bytes_equal (kyso_profile_dialog_get_image (dialog), png));

  gtk_editable_set_text (kyso_profile_dialog_get_name_entry (dialog), "  Lê Minh Tư  ");
  gtk_editable_set_text (kyso_profile_dialog_get_phone_entry (dialog), "+84 912 000 111");
  account_row = rows->pdata[0];
  for (guint i = 0; i < kyso_providers_get_n (); i++)
    if (g_str_equal (kyso_providers_get_nth (i)->id, "viettel-ca"))
      viettel = i + 1; /* position 0 is "Choose provider" */
  gtk_drop_down_set_selected (kyso_account_row_get_dropdown (account_row), viettel);
  gtk_editable_set_text (kyso_account_row_get_entry (account_row), "987654321");
  kyso_profile_dialog_add_account (dialog);
  g_assert_cmpuint (rows->len, ==, 2);
  /* An account without a provider is refused… */
  gtk_editable_set_text (kyso_account_row_get_entry (rows->pdata[1]), "987654321012");
  kyso_profile_dialog_save (dialog);
  g_assert_nonnull (kyso_profile_dialog_get_error (dialog));
  g_assert_true (
    gtk_widget_has_css_class (GTK_WIDGET (kyso_account_row_get_dropdown (rows->pdata[1])), "error"));
  /* …until one is chosen. */
  gtk_drop_down_set_selected (kyso_account_row_get_dropdown (rows->pdata[1]), 1);

  kyso_profile_dialog_save (dialog);
  g_assert_null (kyso_profile_dialog_get_error (dialog));
  wait_until (is_null, &dialog, "the new signature to be saved");
  wait_until (page_has_n, GUINT_TO_POINTER (3), "three profiles in the list");

  {
    KysoProfile *added = kyso_profile_row_get_profile (nth_row (1)); /* Bùi, Lê, Nguyễn */
    g_autoptr(KysoProfileAccount) first = g_list_model_get_item (kyso_profile_get_accounts (added), 0);

    g_assert_cmpstr (kyso_profile_get_display_name (added), ==, "Lê Minh Tư");
    g_assert_cmpstr (kyso_profile_get_phone (added), ==, "+84912000111");
    g_assert_cmpstr (kyso_profile_account_get_provider (first), ==, "viettel-ca");
    g_assert_cmpstr (kyso_profile_account_get_account (first), ==, "987654321");
  }
}

static void
count_changed (KysoProfileStore *store, gpointer user_data)
{
  (*(int *)user_data)++;
}

static void
test_close_while_saving (void)
{
  KysoProfile *profile = kyso_profile_row_get_profile (nth_row (0));
  g_autofree char *id = g_strdup (kyso_profile_get_id (profile));
  KysoProfileDialog *dialog = kyso_signatures_page_open_dialog (page, profile);
  KysoProfileStore *store = kyso_application_get_profile_store (app);
  g_autoptr(KysoProfile) stored = NULL;
  int changed = 0;
  gulong handler = g_signal_connect (store, "changed", G_CALLBACK (count_changed), &changed);

  /* Closing the dialog while the keyring write runs must neither crash nor half-write: the
   * profile ends up either as it was or as saved (the write was not cancelled in time). */
  gtk_editable_set_text (kyso_profile_dialog_get_keyword_entry (dialog), "Ký tên");
  kyso_profile_dialog_save (dialog);
  g_assert_true (kyso_profile_dialog_is_saving (dialog));
  gtk_window_close (GTK_WINDOW (dialog));
  settle ();
  settle ();

  stored = lookup_profile (id);
  g_assert_nonnull (stored);
  if (changed > 0)
    g_assert_cmpstr (kyso_profile_get_keyword (stored), ==, "Ký tên");
  else
    g_assert_cmpstr (kyso_profile_get_keyword (stored), ==, "Người làm đơn");
  g_test_message ("closed while saving: %s", changed > 0 ? "saved" : "cancelled");
  g_signal_handler_disconnect (store, handler);
  wait_until (page_has_n, GUINT_TO_POINTER (3), "the list after closing");
}

static gboolean
fewer_rows (gpointer n)
{
  return g_list_model_get_n_items (kyso_signatures_page_get_profiles (page)) < GPOINTER_TO_UINT (n);
}

static void
test_delete_to_empty (void)
{
  g_autofree char *png = NULL;

  /* "Cancel" keeps the profile. */
  {
    AdwMessageDialog *confirm
      = kyso_signatures_page_confirm_delete (page, kyso_profile_row_get_profile (nth_row (0)));
    g_assert_true (adw_message_dialog_has_response (confirm, "delete"));
    g_assert_cmpint (adw_message_dialog_get_response_appearance (confirm, "delete"), ==,
                     ADW_RESPONSE_DESTRUCTIVE);
    g_assert_cmpstr (adw_message_dialog_get_default_response (confirm), ==, "cancel");
    adw_message_dialog_response (confirm, "cancel");
    settle ();
    g_assert_cmpuint (g_list_model_get_n_items (kyso_signatures_page_get_profiles (page)), ==, 3);
  }

  while (g_list_model_get_n_items (kyso_signatures_page_get_profiles (page)) > 0)
    {
      guint n = g_list_model_get_n_items (kyso_signatures_page_get_profiles (page));
      AdwMessageDialog *confirm
        = kyso_signatures_page_confirm_delete (page, kyso_profile_row_get_profile (nth_row (0)));

      adw_message_dialog_response (confirm, "delete");
      wait_until (fewer_rows, GUINT_TO_POINTER (n), "a profile to be deleted");
    }
  wait_until (page_is, (gpointer) "empty", "the empty state");
  png = render_to_png (GTK_WIDGET (window), "profiles-empty.png");
}

static void
test_pages (void)
{
  const char *pages[] = { "dossiers", "documents", "settings", "profiles" };

  for (gsize i = 0; i < G_N_ELEMENTS (pages); i++)
    {
      g_action_group_activate_action (G_ACTION_GROUP (window), "show-page", g_variant_new_string (pages[i]));
      g_assert_cmpstr (kyso_window_get_page (window), ==, pages[i]);
    }
  g_action_group_activate_action (G_ACTION_GROUP (window), "show-page", g_variant_new_string ("settings"));
  g_free (render_to_png (GTK_WIDGET (window), "settings-page.png"));

  /* The time-stamp server field refuses what is not a web address and stores what is. */
  {
    GSettings *settings = kyso_application_get_settings (app);
    GtkWidget *settings_page
      = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (window), KYSO_TYPE_WINDOW, "settings_page"));
    GtkWidget *tsa_row
      = GTK_WIDGET (gtk_widget_get_template_child (settings_page, KYSO_TYPE_SETTINGS_PAGE, "tsa_row"));
    g_autofree char *stored = NULL;

    g_assert_nonnull (settings); /* the tests compile the schema into the build folder */
    gtk_editable_set_text (GTK_EDITABLE (tsa_row), "not an address");
    g_signal_emit_by_name (tsa_row, "apply");
    g_assert_true (gtk_widget_has_css_class (tsa_row, "error"));
    stored = g_settings_get_string (settings, "tsa-url");
    g_assert_cmpstr (stored, ==, "");
    g_free (stored);
    gtk_editable_set_text (GTK_EDITABLE (tsa_row), " https://tsa.example.vn/tsr ");
    g_assert_false (gtk_widget_has_css_class (tsa_row, "error"));
    g_signal_emit_by_name (tsa_row, "apply");
    stored = g_settings_get_string (settings, "tsa-url");
    g_assert_cmpstr (stored, ==, "https://tsa.example.vn/tsr");
  }
  g_action_group_activate_action (G_ACTION_GROUP (window), "show-page", g_variant_new_string ("documents"));
  g_free (render_to_png (GTK_WIDGET (window), "documents-page.png"));

  /* app.about opens the About window over the main window. */
  {
    GListModel *toplevels = gtk_window_get_toplevels (); /* borrowed */
    GtkWindow *about = NULL;

    g_action_group_activate_action (G_ACTION_GROUP (app), "about", NULL);
    for (guint i = 0; i < g_list_model_get_n_items (toplevels) && about == NULL; i++)
      {
        g_autoptr(GtkWindow) w = g_list_model_get_item (toplevels, i);
        if (ADW_IS_ABOUT_WINDOW (w))
          about = w;
      }
    g_assert_nonnull (about);
    g_assert_true (gtk_window_get_transient_for (about) == GTK_WINDOW (window));
    g_assert_cmpstr (adw_about_window_get_version (ADW_ABOUT_WINDOW (about)), ==, PACKAGE_VERSION);
    gtk_window_destroy (about);
  }
}

int
main (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  int status;

  setlocale (LC_ALL, "C.UTF-8");
  g_test_init (&argc, &argv, NULL);

  /* Empty keyring, then the real application object, registered but driven by the test. */
  secret_password_clear_sync (kyso_profile_store_get_schema (), NULL, &error, NULL);
  g_assert_no_error (error);
  app = kyso_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_assert_no_error (error);

  g_test_add_func ("/gui/profiles/list", test_list);
  g_test_add_func ("/gui/profiles/edit", test_edit);
  g_test_add_func ("/gui/profiles/add", test_add);
  g_test_add_func ("/gui/profiles/close-while-saving", test_close_while_saving);
  g_test_add_func ("/gui/profiles/delete-to-empty", test_delete_to_empty);
  g_test_add_func ("/gui/window/pages", test_pages);
  status = g_test_run ();

  if (window != NULL)
    gtk_window_destroy (GTK_WINDOW (window));
  g_clear_object (&app);
  return status;
}
