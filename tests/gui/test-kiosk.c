/* test-kiosk.c (the tests run in order): kiosk mode at a counter PC, in one Kyso process, under
 * Xvfb against kyso-sandbox and the real gnome-keyring. Leftovers of a crashed session are gone
 * before the start screen; citizen A logs in (ID + password + OTP), gets a signature profile,
 * fills a dossier, signs both components with one approval, uploads, submits, prints the
 * receipt to a PDF and presses "End Session"; then nothing of A remains — on screen (every label,
 * entry and row of every window), on disk (HOME, the XDG folders, the runtime folder, new files
 * in /tmp), in the keyring (secret-tool search), on the clipboard — and A's refresh token is
 * refused by the portal. Citizen B starts, walks away, and the idle countdown ends the session.
 * Screenshots of the start screen, the countdown and the receipt question, in Vietnamese at
 * 1366×768 and 1024×600 with 1.5× text, go to <builddir>/tests/gui/screenshots/kiosk-*.png. */
#include "config.h"

#include "kyso-application.h"
#include "kyso-component-row.h"
#include "kyso-dossier-applicant.h"
#include "kyso-dossier-components.h"
#include "kyso-dossier-wizard.h"
#include "kyso-dossiers-page.h"
#include "kyso-kiosk-session.h"
#include "kyso-kiosk.h"
#include "kyso-login-page.h"
#include "kyso-province.h"
#include "kyso-sandbox-test.h"
#include "kyso-signing-credentials.h"
#include "kyso-test-png.h"
#include "kyso-window.h"
#include "test-document-util.h"
#include "test-portal-util.h"

#include <cairo-pdf.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <libsecret/secret.h>
#include <locale.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

static KysoTestSandbox *sandbox;
static JsonObject *citizen;
static KysoApplication *app;
static KysoKiosk *kiosk;
static char *usb_dir;
static char *pdf_paths[2];
static char *refresh_token_a;
static char *receipt_pdf;
static gint64 started_at;

#define KHAI_SINH "62f0a1c2e4b0a7d1c3e5f701"
#define CCCD (json_object_get_string_member (citizen, "cccd"))
#define NAME (json_object_get_string_member (citizen, "name"))
#define PHONE (json_object_get_string_member (citizen, "phone"))
#define PIN "2468"

/* Helpers ------------------------------------------------------------------------------------ */

static KysoWindow *
window (void)
{
  KysoWindow *w = kyso_kiosk_get_window (kiosk);

  g_assert_nonnull (w);
  return w;
}

static KysoDossiersPage *
home (void)
{
  return kyso_window_get_dossiers_page (window ());
}

static KysoDossierWizard *
wizard (void)
{
  return kyso_dossiers_page_get_wizard (home ());
}

static KysoDossierComponents *
components (void)
{
  return kyso_dossier_wizard_get_components (wizard ());
}

static void
activate (GtkWidget *widget, const char *action, const char *target)
{
  gboolean done = target != NULL ? gtk_widget_activate_action (widget, action, "s", target)
                                 : gtk_widget_activate_action (widget, action, NULL);
  g_assert_true (done);
}

static void
shot (GtkWidget *widget, const char *name)
{
  g_autofree char *png = NULL;

  kyso_test_wait_ms (700);
  png = kyso_test_save_png (widget, name);
  g_test_message ("saved %s", png);
}

/* The same screen at the two sizes of counter PCs, with text at 1.5×. */
static gboolean
kiosk_state_is (gpointer state);

/* @state: what to wait for once the window is shown again (showing it is input, which e.g.
 * cancels a countdown); @fits: the window must not grow wider than the screen. */
static void
shots (const char *name, const char *state, gboolean fits)
{
  static const struct
  {
    int width, height;
    const char *suffix;
  } sizes[] = {
    { 1366, 768, "1366x768" },
    { 1024, 600, "1024x600" },
  };
  GtkSettings *settings = gtk_settings_get_default ();
  int dpi;

  g_object_get (settings, "gtk-xft-dpi", &dpi, NULL);
  g_object_set (settings, "gtk-xft-dpi", 96 * 1024 * 3 / 2, NULL);
  for (gsize i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      g_autofree char *file = g_strdup_printf ("%s-%s", name, sizes[i].suffix);

      /* Without a window manager, a shown window keeps its size: show it again at the new one. */
      gtk_widget_set_visible (GTK_WIDGET (window ()), FALSE);
      gtk_window_unfullscreen (GTK_WINDOW (window ()));
      gtk_window_unmaximize (GTK_WINDOW (window ()));
      gtk_window_set_default_size (GTK_WINDOW (window ()), sizes[i].width, sizes[i].height);
      gtk_window_present (GTK_WINDOW (window ()));
      kyso_test_wait_frame (GTK_WIDGET (window ()));
      kyso_test_wait_until (kiosk_state_is, (gpointer)state, 10000);
      shot (GTK_WIDGET (window ()), file);
      /* Nothing of the start screen's choices is cut off or pushed out. */
      if (fits)
        g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (window ())), <=, sizes[i].width);
    }
  g_object_set (settings, "gtk-xft-dpi", dpi, NULL);
}

static gboolean
kiosk_state_is (gpointer state)
{
  return g_strcmp0 (kyso_kiosk_get_state (kiosk), state) == 0;
}

static gboolean
sessions_ended_is (gpointer n)
{
  return kyso_kiosk_get_sessions_ended (kiosk) == GPOINTER_TO_UINT (n) && kiosk_state_is ("start");
}

static gboolean
home_state_is (gpointer state)
{
  return g_strcmp0 (kyso_dossiers_page_get_state (home ()), state) == 0;
}

static gboolean
login_state_is (gpointer state)
{
  return g_strcmp0 (kyso_login_page_get_state (kyso_dossiers_page_get_login_page (home ())), state) == 0;
}

static gboolean
home_ready (gpointer data)
{
  return home_state_is ("home") && !kyso_dossiers_page_is_searching (home ())
         && !kyso_dossiers_page_is_loading_dossiers (home ())
         && kyso_dossiers_page_get_account (home ()) != NULL;
}

static gboolean
wizard_state_is (gpointer state)
{
  return g_strcmp0 (kyso_dossier_wizard_get_state (wizard ()), state) == 0;
}

static gboolean
components_idle (gpointer data)
{
  return !kyso_dossier_components_is_busy (components ());
}

static gboolean
profiles_listed (gpointer data)
{
  return g_list_model_get_n_items (kyso_dossier_components_get_profiles (components ())) > 0;
}

static char *
make_pdf (const char *name, const char *title)
{
  char *path = g_build_filename (usb_dir, name, NULL);
  cairo_surface_t *surface = cairo_pdf_surface_create (path, 595, 842);
  cairo_t *cr = cairo_create (surface);

  cairo_select_font_face (cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_BOLD);
  cairo_set_font_size (cr, 16);
  cairo_move_to (cr, 150, 90);
  cairo_show_text (cr, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM");
  cairo_move_to (cr, 190, 140);
  cairo_show_text (cr, title);
  cairo_set_font_size (cr, 12);
  cairo_move_to (cr, 380, 620);
  cairo_show_text (cr, "Người làm đơn");
  cairo_destroy (cr);
  cairo_surface_destroy (surface);
  return path;
}

/* What identifies citizen A, wherever it could be left. */
static const char *
traces_of_a (guint i)
{
  const char *traces[] = { CCCD, NAME, PHONE, "cua-an", NULL };

  return traces[i];
}

static const char *
text_with_trace (const char *text)
{
  for (guint i = 0; text != NULL && traces_of_a (i) != NULL; i++)
    if (strstr (text, traces_of_a (i)) != NULL)
      return traces_of_a (i);
  return NULL;
}

/* Every text a widget tree shows: labels, entries, rows. */
static void
assert_no_trace_on_screen (GtkWidget *widget)
{
  const char *texts[3] = { NULL, NULL, NULL };

  if (GTK_IS_LABEL (widget))
    texts[0] = gtk_label_get_label (GTK_LABEL (widget));
  else if (GTK_IS_EDITABLE (widget))
    texts[0] = gtk_editable_get_text (GTK_EDITABLE (widget));
  if (ADW_IS_PREFERENCES_ROW (widget))
    texts[1] = adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget));
  if (ADW_IS_ACTION_ROW (widget))
    texts[2] = adw_action_row_get_subtitle (ADW_ACTION_ROW (widget));
  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    if (text_with_trace (texts[i]) != NULL)
      g_error ("A's “%s” is still on screen in a %s: “%s”", text_with_trace (texts[i]),
               G_OBJECT_TYPE_NAME (widget), texts[i]);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    assert_no_trace_on_screen (child);
}

/* Every file under @path (not following links) whose name or content holds a trace of A. */
static void
assert_no_trace_on_disk (const char *path, const char *const *skip, gboolean new_only, gboolean names_only)
{
  g_autoptr (GDir) dir = NULL;
  const char *name;
  GStatBuf st;

  for (guint i = 0; skip[i] != NULL; i++)
    if (g_str_equal (path, skip[i]))
      return;
  if (g_lstat (path, &st) != 0 || S_ISLNK (st.st_mode))
    return;
  if (S_ISDIR (st.st_mode))
    {
      dir = g_dir_open (path, 0, NULL);
      while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);

          /* Other test runs share /tmp (their own folders, their sandboxes with the same test
           * citizens): only what appeared since this one began, outside those, is ours. */
          if (new_only
              && (g_lstat (child, &st) != 0 || st.st_mtime < started_at
                  || g_str_has_prefix (name, "kyso-test.") || g_str_has_prefix (name, "kyso-sandbox")))
            continue;
          assert_no_trace_on_disk (child, skip, FALSE, names_only);
        }
      return;
    }
  if (text_with_trace (path) != NULL)
    g_error ("A's “%s” is still on disk: %s", text_with_trace (path), path);
  if (!names_only && S_ISREG (st.st_mode) && st.st_size < 64 * 1024 * 1024)
    {
      g_autofree char *contents = NULL;
      gsize length;

      if (g_file_get_contents (path, &contents, &length, NULL))
        for (guint i = 0; traces_of_a (i) != NULL; i++)
          if (g_strstr_len (contents, (gssize)length, traces_of_a (i)) != NULL)
            g_error ("A's “%s” is still on disk, in %s", traces_of_a (i), path);
    }
}

static char *
run (const char *const *argv, int *status)
{
  g_autoptr (GError) error = NULL;
  char *out = NULL;

  g_spawn_sync (NULL, (char **)argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, &out,
                NULL, status, &error);
  g_assert_no_error (error);
  return out;
}

static void
clipboard_read_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GError) error = NULL;
  char *text = gdk_clipboard_read_text_finish (GDK_CLIPBOARD (source), result, &error);

  *(char **)user_data = text != NULL ? text : g_strdup ("");
}

static char *
clipboard_text (void)
{
  char *text = NULL;

  gdk_clipboard_read_text_async (gdk_display_get_clipboard (gdk_display_get_default ()), NULL,
                                 clipboard_read_cb, &text);
  while (text == NULL)
    g_main_context_iteration (NULL, TRUE);
  return text;
}

/* The citizen's portal session as the keyring holds it (the session collection). */
static char *
stored_refresh_token (void)
{
  static const SecretSchema schema = {
    "vn.kyso.Kyso.Session",
    SECRET_SCHEMA_DONT_MATCH_NAME,
    { { NULL, 0 } },
  };
  g_autoptr (GError) error = NULL;
  g_autoptr (GHashTable) attrs = g_hash_table_new (g_str_hash, g_str_equal);
  char *secret;
  char *copy;

  g_hash_table_insert (attrs, "xdg:schema", "vn.kyso.Kyso.Session");
  secret = secret_password_lookupv_sync (&schema, attrs, NULL, &error);
  g_assert_no_error (error);
  if (secret == NULL)
    return NULL;
  copy = g_strdup (secret);
  secret_password_free (secret);
  return copy;
}

/* Tests ---------------------------------------------------------------------------------------- */

static void
test_start (void)
{
  KysoKioskShell *shell = kyso_kiosk_get_shell (kiosk);
  g_autofree char **accels = NULL;

  g_assert_true (kiosk_state_is ("start"));
  g_assert_true (kyso_kiosk_shell_is_at_start (shell));
  /* No way out for a citizen: no quit action or shortcut, and closing the window does nothing. */
  g_assert_false (g_action_group_has_action (G_ACTION_GROUP (app), "quit"));
  accels = gtk_application_get_accels_for_action (GTK_APPLICATION (app), "window.close");
  g_assert_null (accels[0]);
  gtk_window_close (GTK_WINDOW (window ()));
  kyso_test_wait_ms (200);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (window ())));
  g_assert_true (kyso_kiosk_session_is_active ());
  for (guint i = 0; i < 4; i++)
    {
      const char *places[] = { "dossier", "sign", "verify", "track" };
      GtkWidget *choice = kyso_kiosk_start_get_choice (kyso_kiosk_shell_get_start (shell), places[i]);

      g_assert_nonnull (choice);
      /* Large touch targets. */
      g_assert_cmpint (gtk_widget_get_height (choice), >=, 120);
      g_assert_cmpint (gtk_widget_get_width (choice), >=, 200);
    }
  shots ("kiosk-01-start", "start", TRUE);

  /* Staff only: a wrong PIN keeps the kiosk. */
  activate (GTK_WIDGET (shell), "kiosk.leave", NULL);
  kyso_test_wait_ms (300);
  {
    GListModel *toplevels = gtk_window_get_toplevels ();
    AdwMessageDialog *dialog = NULL;

    for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
      {
        g_autoptr (GtkWindow) w = g_list_model_get_item (toplevels, i);
        if (ADW_IS_MESSAGE_DIALOG (w))
          dialog = ADW_MESSAGE_DIALOG (w);
      }
    g_assert_nonnull (dialog);
    shot (GTK_WIDGET (dialog), "kiosk-02-staff-pin");
    gtk_editable_set_text (GTK_EDITABLE (adw_message_dialog_get_extra_child (dialog)), "1111");
    adw_message_dialog_response (dialog, "leave");
    kyso_test_wait_ms (300);
    g_assert_true (kiosk_state_is ("start"));
    g_assert_true (gtk_widget_get_visible (GTK_WIDGET (window ())));
  }
}

static void
test_citizen_a (void)
{
  KysoKioskShell *shell = kyso_kiosk_get_shell (kiosk);
  KysoLoginPage *login;
  g_autofree char *otp = NULL;
  g_autoptr (KysoProfile) profile = kyso_profile_new ();
  g_autoptr (KysoProfileAccount) account = kyso_profile_account_new ("vnpt-ca", CCCD);
  g_autoptr (GBytes) png = kyso_test_make_signature_png (420, 160, 0);
  g_autoptr (GAsyncResult) stored = NULL;
  g_autoptr (GError) error = NULL;
  KysoDossierApplicant *form;
  g_autoptr (GFile) a = NULL;
  g_autoptr (GFile) b = NULL;

  activate (GTK_WIDGET (shell), "kiosk.open", "dossier");
  g_assert_true (kiosk_state_is ("working"));
  login = kyso_dossiers_page_get_login_page (home ());
  kyso_test_wait_until (home_state_is, "login", 20000);

  kyso_login_page_fill (login, CCCD, json_object_get_string_member (citizen, "password"), NULL);
  activate (GTK_WIDGET (login), "login.password", NULL);
  kyso_test_wait_until (login_state_is, "otp", 20000);
  otp = kyso_test_portal_otp (sandbox, PHONE);
  kyso_login_page_fill (login, NULL, NULL, otp);
  activate (GTK_WIDGET (login), "login.password", NULL);
  kyso_test_wait_until (home_ready, NULL, 30000);
  shot (GTK_WIDGET (window ()), "kiosk-03-citizen-a-home");

  /* In kiosk mode the portal session lives in the keyring's in-memory collection. */
  refresh_token_a = stored_refresh_token ();
  g_assert_nonnull (refresh_token_a);

  /* A's signature for this session (as the Signatures page stores it). */
  kyso_profile_set_display_name (profile, NAME);
  kyso_profile_set_phone (profile, PHONE);
  kyso_profile_set_keyword (profile, "Người làm đơn");
  kyso_profile_set_image (profile, png);
  kyso_profile_add_account (profile, account);
  kyso_profile_store_create_async (kyso_application_get_profile_store (app), profile, NULL,
                                   kyso_test_portal_keep_result, &stored);
  kyso_test_wait_until (kyso_test_portal_have_result, &stored, 20000);
  g_assert_true (kyso_profile_store_create_finish (kyso_application_get_profile_store (app), stored, &error));
  g_assert_no_error (error);

  /* The dossier: information, two components signed with one approval, uploaded, submitted. */
  activate (GTK_WIDGET (home ()), "portal.apply", KHAI_SINH);
  kyso_test_wait_until (wizard_state_is, "steps", 20000);
  form = kyso_dossier_wizard_get_applicant_form (wizard ());
  kyso_dossier_applicant_set_field (form, "birth_date", "15/03/1990");
  kyso_dossier_applicant_set_field (form, "gender", "male");
  kyso_dossier_applicant_set_field (form, "id_issue_date", "01/07/2021");
  kyso_dossier_applicant_set_field (form, "id_issue_place", "Cục Cảnh sát QLHC về TTXH");
  kyso_dossier_applicant_set_field (form, "province", "Quảng Ngãi");
  kyso_dossier_applicant_set_field (form, "district", "Thành phố Quảng Ngãi");
  kyso_dossier_applicant_set_field (form, "ward", "Phường Trần Phú");
  kyso_dossier_applicant_set_field (form, "address", "12 Hùng Vương");
  activate (GTK_WIDGET (wizard ()), "dossier.next", NULL);
  g_assert_cmpint (kyso_dossier_wizard_get_step (wizard ()), ==, KYSO_DOSSIER_STEP_COMPONENTS);

  kyso_test_wait_until (profiles_listed, NULL, 20000);
  a = g_file_new_for_path (pdf_paths[0]);
  b = g_file_new_for_path (pdf_paths[1]);
  g_assert_true (kyso_dossier_components_attach (components (), "to-khai-khai-sinh", a));
  g_assert_true (kyso_dossier_components_attach (components (), "giay-chung-sinh", b));
  kyso_test_wait_until (components_idle, NULL, 30000);
  activate (GTK_WIDGET (components ()), "components.sign-all", NULL);
  kyso_test_wait_until (components_idle, NULL, 90000);
  if (kyso_dossier_components_get_message (components ()) != NULL)
    g_test_message ("sign-all: %s", kyso_dossier_components_get_message (components ()));
  g_assert_null (kyso_dossier_components_get_message (components ()));
  activate (GTK_WIDGET (components ()), "components.upload-all", NULL);
  kyso_test_wait_until (components_idle, NULL, 60000);
  activate (GTK_WIDGET (wizard ()), "dossier.next", NULL);
  if (!kyso_dossier_get_declaration (kyso_dossier_wizard_get_dossier (wizard ())))
    activate (GTK_WIDGET (wizard ()), "dossier.declaration", NULL);
  activate (GTK_WIDGET (wizard ()), "dossier.next", NULL);
  activate (GTK_WIDGET (wizard ()), "dossier.submit", NULL);
  kyso_test_wait_until (wizard_state_is, "done", 60000);
  g_assert_nonnull (kyso_dossier_get_code (kyso_dossier_wizard_get_dossier (wizard ())));
  shot (GTK_WIDGET (window ()), "kiosk-04-citizen-a-submitted");

  /* A copies the dossier code, and the preferences remember A's profile. */
  gdk_clipboard_set_text (gdk_display_get_clipboard (gdk_display_get_default ()), CCCD);
  g_settings_set_string (kyso_application_get_settings (app), "last-profile", kyso_profile_get_id (profile));
}

static void
test_end_with_receipt (void)
{
  g_autofree char *code = g_strdup (kyso_dossier_get_code (kyso_dossier_wizard_get_dossier (wizard ())));
  g_autofree char *text = NULL;
  AdwMessageDialog *dialog;
  const char *pdftotext[] = { "pdftotext", receipt_pdf, "-", NULL };
  int status;

  activate (GTK_WIDGET (kyso_kiosk_get_shell (kiosk)), "kiosk.end", NULL);
  kyso_test_wait_until (kiosk_state_is, "receipt", 5000);
  dialog = kyso_kiosk_get_receipt_dialog (kiosk);
  kyso_test_wait_frame (GTK_WIDGET (dialog));
  shot (GTK_WIDGET (dialog), "kiosk-05-receipt");
  adw_message_dialog_response (dialog, "print");
  kyso_test_wait_until (sessions_ended_is, GUINT_TO_POINTER (1), 30000);

  /* The receipt: the code, the procedure, how to track. */
  text = run (pdftotext, &status);
  g_assert_cmpint (status, ==, 0);
  g_assert_nonnull (strstr (text, code));
  g_assert_nonnull (strstr (text, "Đăng ký khai sinh"));
  g_assert_nonnull (strstr (text, "Tra cứu hồ sơ"));
  /* Nothing personal on a paper that may be left on the counter. */
  g_assert_null (text_with_trace (text));
}

static void
test_nothing_of_a_left (void)
{
  g_autofree char *clip = NULL;
  g_autofree char *secrets = NULL;
  g_autofree char *last = NULL;
  g_autofree char *refused = NULL;
  g_autofree char *token_url = NULL;
  g_autofree char *form = NULL;
  g_autoptr (KysoConfig) config = kyso_config_load (sandbox->config_file, NULL);
  g_autoptr (KysoProvince) province = kyso_province_new_from_config (config, NULL);
  const char *tmp = g_getenv ("KYSO_TEST_TMPDIR");
  const char *skip[] = { sandbox->dir, usb_dir, NULL };
  GListModel *toplevels = gtk_window_get_toplevels ();
  int status;

  g_assert_true (kiosk_state_is ("start"));
  g_assert_nonnull (province);

  /* Not on screen: the start screen, and each place B could open. */
  for (guint p = 0; p < 4; p++)
    {
      const char *pages[] = { "dossiers", "documents", "profiles", "settings" };

      kyso_window_set_page (window (), pages[p]);
      kyso_test_wait_ms (800);
      for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
        {
          g_autoptr (GtkWidget) w = g_list_model_get_item (toplevels, i);
          assert_no_trace_on_screen (w);
        }
    }
  kyso_window_set_page (window (), "dossiers");
  g_assert_false (kyso_portal_is_logged_in (kyso_dossiers_page_get_portal (home ())));
  last = g_settings_get_string (kyso_application_get_settings (app), "last-profile");
  g_assert_cmpstr (last, ==, "");

  /* Not on disk: HOME, the XDG folders and the runtime folder all live in the test's folder;
   * the sandbox (the portal's side) and A's USB stick (taken away) aside. */
  assert_no_trace_on_disk (tmp, skip, FALSE, FALSE);
  /* In the shared /tmp, names only: compilers and other tests write the same test citizens'
   * data there at any moment. This process's own temporary files go to the kiosk's TMPDIR,
   * inside the test's folder, checked in full above. */
  assert_no_trace_on_disk ("/tmp", skip, TRUE, TRUE);

  /* Not in the keyring. */
  {
    const char *schemas[] = { "vn.kyso.Kyso.Profile", "vn.kyso.Kyso.Session", "vn.kyso.Kyso.Draft" };

    for (guint i = 0; i < G_N_ELEMENTS (schemas); i++)
      {
        const char *argv[] = { "secret-tool", "search", "--all", "--unlock", "xdg:schema", schemas[i], NULL };
        g_autofree char *out = run (argv, &status);

        g_assert_cmpstr (out, ==, "");
      }
  }

  /* Not on the clipboard. */
  clip = clipboard_text ();
  g_assert_null (text_with_trace (clip));

  /* A's refresh token was revoked: the portal refuses it. */
  token_url = g_strconcat (province->issuer, "/protocol/openid-connect/token", NULL);
  form = g_strdup_printf ("grant_type=refresh_token&client_id=%s&refresh_token=%s", province->client_id,
                          refresh_token_a);
  {
    const char *argv[] = { "curl",         "-sS",    "--cacert", sandbox->ca_file, "-o", "/dev/null", "-w",
                           "%{http_code}", "--data", form,       token_url,        NULL };

    refused = run (argv, &status);
  }
  g_assert_cmpint (status, ==, 0);
  g_assert_cmpstr (refused, ==, "400");
}

static void
test_citizen_b_walks_away (void)
{
  KysoKioskShell *shell = kyso_kiosk_get_shell (kiosk);

  /* B starts where A never was: the login page, empty. */
  activate (GTK_WIDGET (shell), "kiosk.open", "dossier");
  kyso_test_wait_until (home_state_is, "login", 20000);
  g_assert_cmpstr (kyso_login_page_get_login_id (kyso_dossiers_page_get_login_page (home ())), !=, CCCD);

  /* B walks away: after the idle time, a countdown that a touch cancels … */
  kyso_kiosk_set_timeouts (kiosk, 1500, 4000);
  kyso_test_wait_until (kiosk_state_is, "countdown", 5000);
  g_assert_cmpint (kyso_kiosk_shell_get_countdown (shell), >, 0);
  g_assert_cmpint (kyso_kiosk_shell_get_countdown (shell), <=, 4);
  activate (GTK_WIDGET (shell), "kiosk.continue", NULL);
  g_assert_true (kiosk_state_is ("working"));

  /* … and the screenshot of it with the real figures. */
  kyso_kiosk_set_timeouts (kiosk, 1000, 30000);
  kyso_test_wait_until (kiosk_state_is, "countdown", 5000);
  /* The pages under the veil are the desktop's, wider than 1024 px at 1.5× text. */
  shots ("kiosk-06-countdown", "countdown", FALSE);
  activate (GTK_WIDGET (shell), "kiosk.continue", NULL);

  /* Then nobody touches it: the session ends by itself, with no question asked. */
  kyso_kiosk_set_timeouts (kiosk, 1000, 2000);
  kyso_test_wait_until (sessions_ended_is, GUINT_TO_POINTER (2), 15000);
  g_assert_null (kyso_kiosk_get_receipt_dialog (kiosk));
  g_assert_false (kyso_portal_is_logged_in (kyso_dossiers_page_get_portal (home ())));
}

int
main (int argc, char **argv)
{
  const char *args[] = { "--phone", "approve-after=1", NULL };
  g_autoptr (GError) error = NULL;
  g_autoptr (GAsyncResult) stored = NULL;
  g_autoptr (KysoKioskConfig) kiosk_config = NULL;
  g_autofree char *config = NULL, *config_dir = NULL, *config_path = NULL, *hash = NULL, *kiosk_data = NULL;
  g_autofree char *sandbox_dir = NULL;
  int status;

  started_at = g_get_real_time () / G_USEC_PER_SEC - 1;
  setlocale (LC_ALL, "C.UTF-8");
  g_setenv ("GTK_A11Y", "none", TRUE);
  g_test_init (&argc, &argv, NULL);

  /* Kiosk mode first, as kyso's main does it: before anything reads the XDG folders. */
  hash = kyso_kiosk_pin_hash (PIN, &error);
  g_assert_no_error (error);
  kiosk_data
    = g_strdup_printf ("[kiosk]\nenabled=true\nprovince=sandbox\n"
                       "counter=Bộ phận một cửa UBND phường Nghĩa Chánh\nprinting=true\npin_hash=%s\n",
                       hash);
  kiosk_config = kyso_kiosk_config_load_from_data (kiosk_data, -1, &error);
  g_assert_no_error (error);
  app = kyso_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_assert_true (kyso_application_enable_kiosk (app, kiosk_config, FALSE, &error));
  g_assert_no_error (error);
  bindtextdomain (GETTEXT_PACKAGE, g_getenv ("KYSO_LOCALEDIR") ? g_getenv ("KYSO_LOCALEDIR") : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  /* In the test's folder: this process's TMPDIR is now the kiosk's, wiped between citizens. */
  sandbox_dir = g_build_filename (g_getenv ("KYSO_TEST_TMPDIR"), "sandbox", NULL);
  sandbox = kyso_test_sandbox_start_in (sandbox_dir, args, &error);
  g_assert_no_error (error);
  citizen = kyso_test_sandbox_get_citizen (sandbox, "051090000101");
  g_assert_nonnull (citizen);
  g_assert_true (g_file_get_contents (sandbox->config_file, &config, NULL, NULL));
  config_dir = g_build_filename (g_get_user_config_dir (), "kyso", NULL);
  g_assert_cmpint (g_mkdir_with_parents (config_dir, 0700), ==, 0);
  config_path = g_build_filename (config_dir, "kyso.conf", NULL);
  g_assert_true (g_file_set_contents (config_path, config, -1, NULL));

  /* The counter's own NEAC credentials: the operator's, kept across citizens. */
  kyso_signing_credentials_store_async ("neac", json_object_get_string_member (sandbox->info, "sp_id"),
                                        json_object_get_string_member (sandbox->info, "sp_password"), NULL,
                                        kyso_test_portal_keep_result, &stored);
  kyso_test_wait_until (kyso_test_portal_have_result, &stored, 20000);
  g_assert_true (kyso_signing_credentials_store_finish (stored, &error));
  g_assert_no_error (error);

  /* A's USB stick. */
  usb_dir = g_build_filename (g_getenv ("KYSO_TEST_TMPDIR"), "usb", NULL);
  g_assert_cmpint (g_mkdir_with_parents (usb_dir, 0700), ==, 0);
  pdf_paths[0] = make_pdf ("to-khai-cua-an.pdf", "TỜ KHAI ĐĂNG KÝ KHAI SINH");
  pdf_paths[1] = make_pdf ("giay-chung-sinh-cua-an.pdf", "GIẤY CHỨNG SINH");
  receipt_pdf = g_build_filename (usb_dir, "..", "receipt.pdf", NULL);

  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_assert_no_error (error);
  g_application_activate (G_APPLICATION (app));
  kiosk = kyso_application_get_kiosk (app);
  g_assert_nonnull (kiosk);
  kyso_kiosk_set_receipt_file (kiosk, receipt_pdf);
  gtk_window_unfullscreen (GTK_WINDOW (window ()));
  gtk_window_set_default_size (GTK_WINDOW (window ()), 1366, 768);
  kyso_test_wait_frame (GTK_WIDGET (window ()));

  g_test_add_func ("/kiosk/01-start", test_start);
  g_test_add_func ("/kiosk/02-citizen-a", test_citizen_a);
  g_test_add_func ("/kiosk/03-end-with-receipt", test_end_with_receipt);
  g_test_add_func ("/kiosk/04-nothing-of-a-left", test_nothing_of_a_left);
  g_test_add_func ("/kiosk/05-citizen-b-walks-away", test_citizen_b_walks_away);
  status = g_test_run ();

  g_clear_object (&app);
  kyso_test_sandbox_stop (sandbox);
  g_free (pdf_paths[0]);
  g_free (pdf_paths[1]);
  g_free (usb_dir);
  g_free (receipt_pdf);
  g_free (refresh_token_a);
  return status;
}
