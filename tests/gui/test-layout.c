/* test-layout.c: every page and dialog of the citizen's loop on a small screen with big text, as
 * at a counter PC: run at 1024×600 (kyso-test-env.sh --screen) with text at 1.5× (gtk-xft-dpi) and,
 * from meson, in Vietnamese. For each page and dialog: the window fits the screen, its main
 * actions (the blue buttons, and the ones named here) lie inside the visible area — inside the
 * window and inside every scrolled view around them — and buttons are at least 32 px high (a
 * target an older hand can hit). Every one is saved as a PNG (layout-*.png) to be looked at. */
#include "config.h"

#include "kyso-application.h"
#include "kyso-component-row.h"
#include "kyso-document-page.h"
#include "kyso-dossier-applicant.h"
#include "kyso-dossier-components.h"
#include "kyso-dossier-wait.h"
#include "kyso-dossier-wizard.h"
#include "kyso-dossiers-page.h"
#include "kyso-login-page.h"
#include "kyso-phone-wait.h"
#include "kyso-sandbox-test.h"
#include "kyso-sign-dialog.h"
#include "kyso-signing-credentials.h"
#include "kyso-test-png.h"
#include "kyso-tracking-page.h"
#include "kyso-window.h"
#include "test-document-util.h"
#include "test-portal-util.h"

#include <cairo-pdf.h>
#include <glib/gi18n-lib.h>
#include <locale.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#define SCREEN_W 1024
#define SCREEN_H 600
#define MIN_TARGET 32

static KysoTestSandbox *sandbox;
static JsonObject *citizen;
static KysoApplication *app;
static KysoWindow *window;
static KysoDossiersPage *home;
static char *workdir;
static char *pdf_paths[2];

#define CCCD (json_object_get_string_member (citizen, "cccd"))
#define KHAI_SINH "62f0a1c2e4b0a7d1c3e5f701"

static KysoDossierWizard *
wizard (void)
{
  return kyso_dossiers_page_get_wizard (home);
}

static KysoDossierComponents *
components (void)
{
  return kyso_dossier_wizard_get_components (wizard ());
}

static gboolean
home_ready (gpointer data)
{
  return g_strcmp0 (kyso_dossiers_page_get_state (home), "home") == 0
         && !kyso_dossiers_page_is_searching (home) && !kyso_dossiers_page_is_loading_dossiers (home)
         && kyso_dossiers_page_get_account (home) != NULL;
}

static gboolean
home_state_is (gpointer state)
{
  return g_strcmp0 (kyso_dossiers_page_get_state (home), state) == 0;
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
phone_waiting (gpointer data)
{
  GtkWindow *wait = kyso_dossier_components_get_wait_dialog (components ());

  return wait != NULL
         && g_strcmp0 (
              kyso_phone_wait_get_state (kyso_dossier_wait_get_phone_wait (KYSO_DOSSIER_WAIT (wait))),
              "waiting")
              == 0;
}

static void
activate (GtkWidget *widget, const char *action, const char *target)
{
  gboolean done = target != NULL ? gtk_widget_activate_action (widget, action, "s", target)
                                 : gtk_widget_activate_action (widget, action, NULL);
  g_assert_true (done);
}

static void
widest_chain (GtkWidget *w, int depth);

/* A short name for a widget in messages: its label or accessible name, else its type. */
static char *
describe (GtkWidget *w)
{
  if (GTK_IS_BUTTON (w) && gtk_button_get_label (GTK_BUTTON (w)) != NULL)
    return g_strdup_printf ("button “%s”", gtk_button_get_label (GTK_BUTTON (w)));
  if (GTK_IS_BUTTON (w) && gtk_button_get_icon_name (GTK_BUTTON (w)) != NULL)
    return g_strdup_printf ("button %s", gtk_button_get_icon_name (GTK_BUTTON (w)));
  return g_strdup (G_OBJECT_TYPE_NAME (w));
}

/* @w's bounds in @root, clipped by every ancestor that scrolls or clips; FALSE when @w is not
 * wholly visible. */
static gboolean
wholly_visible (GtkWidget *w, GtkWidget *root, graphene_rect_t *out)
{
  graphene_rect_t b;

  if (!gtk_widget_compute_bounds (w, root, &b))
    return FALSE;
  *out = b;
  for (GtkWidget *a = gtk_widget_get_parent (w); a != NULL; a = gtk_widget_get_parent (a))
    {
      graphene_rect_t ab;

      if (!GTK_IS_VIEWPORT (a) && !GTK_IS_SCROLLED_WINDOW (a) && !GTK_IS_SCROLLABLE (a) && a != root)
        continue;
      if (!gtk_widget_compute_bounds (a, root, &ab))
        return FALSE;
      /* Half a pixel of rounding is not "cut off". */
      if (b.origin.x < ab.origin.x - 0.5 || b.origin.y < ab.origin.y - 0.5
          || b.origin.x + b.size.width > ab.origin.x + ab.size.width + 0.5
          || b.origin.y + b.size.height > ab.origin.y + ab.size.height + 0.5)
        return FALSE;
      if (a == root)
        break;
    }
  return TRUE;
}

typedef struct
{
  GtkWidget *root;
  guint main_actions;
  GString *problems;
} Walk;

static void
walk (GtkWidget *w, Walk *data)
{
  graphene_rect_t b;

  if (!gtk_widget_get_mapped (w))
    return;
  if (GTK_IS_BUTTON (w) || GTK_IS_MENU_BUTTON (w))
    {
      g_autofree char *name = describe (w);
      graphene_rect_t box;
      int h;

      /* The whole button as drawn (its border box), not its content. */
      g_assert_true (gtk_widget_compute_bounds (w, w, &box));
      h = (int)(box.size.height + 0.5);

      /* A list's rows are reached by scrolling: their buttons need not all be in view. */
      if (gtk_widget_has_css_class (w, "suggested-action")
          && gtk_widget_get_ancestor (w, GTK_TYPE_LIST_BOX_ROW) == NULL)
        {
          data->main_actions++;
          if (!wholly_visible (w, data->root, &b))
            g_string_append_printf (data->problems, "  main action %s is not wholly in view\n", name);
        }
      /* The check buttons of lists and the window's own close button are not counted. */
      if (h < MIN_TARGET && !GTK_IS_CHECK_BUTTON (w) && !gtk_widget_has_css_class (w, "titlebutton")
          && gtk_widget_get_ancestor (w, GTK_TYPE_WINDOW_CONTROLS) == NULL)
        g_string_append_printf (data->problems, "  %s is %d px high (< %d)\n", name, h, MIN_TARGET);
    }
  for (GtkWidget *c = gtk_widget_get_first_child (w); c != NULL; c = gtk_widget_get_next_sibling (c))
    walk (c, data);
}

/* Checks @toplevel (the main window or a dialog) and saves its picture; @named are more main
 * actions that must be in view (NULL-terminated). */
static void
check (GtkWidget *toplevel, const char *name, GtkWidget *named, ...)
{
  Walk data = { toplevel, 0, g_string_new (NULL) };
  g_autofree char *png = NULL;
  va_list args;
  int w, h;

  kyso_test_wait_ms (400);
  png = kyso_test_save_png (toplevel, name);
  w = gtk_widget_get_width (toplevel), h = gtk_widget_get_height (toplevel);
  if (w > SCREEN_W)
    widest_chain (toplevel, 0);
  g_test_message ("%s: %d×%d", name, w, h);
  if (w > SCREEN_W || h > SCREEN_H)
    g_string_append_printf (data.problems, "  the window is %d×%d, larger than the %d×%d screen\n", w, h,
                            SCREEN_W, SCREEN_H);
  walk (toplevel, &data);
  va_start (args, named);
  for (GtkWidget *n = named; n != NULL; n = va_arg (args, GtkWidget *))
    {
      graphene_rect_t b;
      g_autofree char *what = describe (n);

      if (!gtk_widget_get_mapped (n) || !wholly_visible (n, toplevel, &b))
        g_string_append_printf (data.problems, "  %s is not wholly in view\n", what);
    }
  va_end (args);
  if (data.problems->len > 0)
    g_test_message ("%s:\n%s", name, data.problems->str);
  g_assert_cmpstr (data.problems->str, ==, "");
  g_string_free (data.problems, TRUE);
}

static GtkWidget *
find_button (GtkWidget *root, const char *action)
{
  if (GTK_IS_ACTIONABLE (root)
      && g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (root)), action) == 0
      && gtk_widget_get_mapped (root))
    return root;
  for (GtkWidget *c = gtk_widget_get_first_child (root); c != NULL; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = find_button (c, action);
      if (found != NULL)
        return found;
    }
  return NULL;
}

static GtkWidget *
button (GtkWidget *root, const char *action)
{
  GtkWidget *b = find_button (root, action);

  if (b == NULL)
    g_error ("no visible button for %s", action);
  return b;
}

static GtkWindow *
find_dialog (GType type)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr (GtkWindow) w = g_list_model_get_item (toplevels, i);
      if (G_TYPE_CHECK_INSTANCE_TYPE (w, type) && gtk_widget_get_visible (GTK_WIDGET (w)))
        return w;
    }
  return NULL;
}

static char *
make_pdf (const char *name, const char *title)
{
  char *path = g_build_filename (workdir, name, NULL);
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

/* Where a page's minimum width comes from: the widest child at each level (a message). */
static void
widest_chain (GtkWidget *w, int depth)
{
  GtkWidget *widest = NULL;
  int best = -1, min, nat;

  gtk_widget_measure (w, GTK_ORIENTATION_HORIZONTAL, -1, &min, &nat, NULL, NULL);
  g_test_message ("%*s%s %s min %d", depth * 2, "", G_OBJECT_TYPE_NAME (w),
                  GTK_IS_LABEL (w) ? gtk_label_get_text (GTK_LABEL (w))
                  : GTK_IS_BUTTON (w) && gtk_button_get_label (GTK_BUTTON (w))
                    ? gtk_button_get_label (GTK_BUTTON (w))
                    : "",
                  min);
  for (GtkWidget *c = gtk_widget_get_first_child (w); c != NULL; c = gtk_widget_get_next_sibling (c))
    {
      int cmin;
      if (!gtk_widget_get_visible (c))
        continue;
      gtk_widget_measure (c, GTK_ORIENTATION_HORIZONTAL, -1, &cmin, NULL, NULL, NULL);
      if (cmin > best)
        best = cmin, widest = c;
    }
  if (widest != NULL && depth < 40)
    widest_chain (widest, depth + 1);
}

/* Tests ---------------------------------------------------------------------------------------- */

static void
test_first_start (void)
{
  /* A newcomer lands on the Dossiers place, with the places in view and named. */
  g_assert_cmpstr (kyso_window_get_page (window), ==, "dossiers");
  kyso_test_wait_until (home_state_is, "login", 20000);
  check (GTK_WIDGET (window), "layout-01-login", button (GTK_WIDGET (home), "login.browser"), NULL);
}

static gboolean
open_uri_with_curl (const char *uri, gpointer user_data, GError **error)
{
  GSubprocess *curl = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE, error, "curl", "-sS", "-L",
                                        "--cacert", sandbox->ca_file, "-o", "/dev/null", uri, NULL);

  if (curl == NULL)
    return FALSE;
  g_subprocess_wait_async (curl, NULL, NULL, NULL);
  g_object_unref (curl);
  return TRUE;
}

static void
test_home (void)
{
  KysoLoginPage *login = kyso_dossiers_page_get_login_page (home);
  g_autofree char *body = g_strdup_printf ("{\"username\": \"%s\"}", CCCD);

  json_object_unref (kyso_test_portal_post (sandbox, "/control/portal/auto-login", body));
  kyso_login_page_set_open_uri_func (login, open_uri_with_curl, NULL);
  activate (GTK_WIDGET (login), "login.browser", NULL);
  kyso_test_wait_until (home_ready, NULL, 30000);
  kyso_login_page_set_open_uri_func (login, NULL, NULL);
  check (GTK_WIDGET (window), "layout-02-home", NULL);
}

static void
test_wizard (void)
{
  KysoDossierApplicant *form;
  GtkWindow *wait;
  g_autoptr (GFile) a = NULL;
  g_autoptr (GFile) b = NULL;

  activate (GTK_WIDGET (home), "portal.apply", KHAI_SINH);
  kyso_test_wait_until (wizard_state_is, "steps", 20000);
  check (GTK_WIDGET (window), "layout-03-step1", button (GTK_WIDGET (wizard ()), "dossier.next"), NULL);
  activate (GTK_WIDGET (wizard ()), "dossier.next", NULL);
  check (GTK_WIDGET (window), "layout-04-step1-problems", button (GTK_WIDGET (wizard ()), "dossier.next"),
         NULL);

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
  check (GTK_WIDGET (window), "layout-05-step2", button (GTK_WIDGET (wizard ()), "dossier.next"), NULL);

  a = g_file_new_for_path (pdf_paths[0]);
  b = g_file_new_for_path (pdf_paths[1]);
  g_assert_true (kyso_dossier_components_attach (components (), "to-khai-khai-sinh", a));
  g_assert_true (kyso_dossier_components_attach (components (), "giay-chung-sinh", b));
  check (GTK_WIDGET (window), "layout-06-step2-attached", button (GTK_WIDGET (wizard ()), "dossier.next"),
         NULL);

  json_object_unref (kyso_test_portal_post (sandbox, "/phone/policy", "{\"policy\": \"approve-after=4\"}"));
  activate (GTK_WIDGET (components ()), "components.sign-all", NULL);
  kyso_test_wait_until (phone_waiting, NULL, 30000);
  wait = kyso_dossier_components_get_wait_dialog (components ());
  check (GTK_WIDGET (wait), "layout-07-phone-wait", button (GTK_WIDGET (wait), "sign.cancel"), NULL);
  kyso_test_wait_until (components_idle, NULL, 60000);
  check (GTK_WIDGET (window), "layout-08-step2-signed", button (GTK_WIDGET (wizard ()), "dossier.next"),
         NULL);

  activate (GTK_WIDGET (components ()), "components.upload-all", NULL);
  kyso_test_wait_until (components_idle, NULL, 60000);
  check (GTK_WIDGET (window), "layout-09-step2-uploaded", button (GTK_WIDGET (wizard ()), "dossier.next"),
         NULL);

  activate (GTK_WIDGET (wizard ()), "dossier.next", NULL);
  check (GTK_WIDGET (window), "layout-10-step3", button (GTK_WIDGET (wizard ()), "dossier.next"), NULL);
  activate (GTK_WIDGET (wizard ()), "dossier.declaration", NULL);
  activate (GTK_WIDGET (wizard ()), "dossier.next", NULL);
  check (GTK_WIDGET (window), "layout-11-step4", button (GTK_WIDGET (wizard ()), "dossier.submit"), NULL);
  activate (GTK_WIDGET (wizard ()), "dossier.submit", NULL);
  kyso_test_wait_until (wizard_state_is, "done", 60000);
  check (GTK_WIDGET (window), "layout-12-done", button (GTK_WIDGET (wizard ()), "dossier.copy-code"), NULL);
}

static gboolean
tracking_done (gpointer data)
{
  const char *s = kyso_tracking_page_get_state (kyso_dossiers_page_get_tracking_page (home));
  return g_strcmp0 (s, "loading") != 0 && s != NULL;
}

static void
test_tracking (void)
{
  GtkWidget *track = find_button (GTK_WIDGET (wizard ()), "portal.track");

  if (track != NULL)
    gtk_widget_activate (track);
  else
    activate (GTK_WIDGET (home), "portal.track",
              kyso_dossier_get_code (kyso_dossier_wizard_get_dossier (wizard ())));
  kyso_test_wait_until (tracking_done, NULL, 30000);
  check (GTK_WIDGET (window), "layout-13-tracking", NULL);
  activate (GTK_WIDGET (home), "portal.home", NULL);
  kyso_test_wait_until (home_ready, NULL, 20000);
  check (GTK_WIDGET (window), "layout-14-home-with-dossier", NULL);
}

static gboolean
document_ready (gpointer data)
{
  KysoDocumentPage *page = kyso_window_get_document_page (window);
  return kyso_document_page_get_file (page) != NULL
         && kyso_document_view_get_ready (kyso_document_page_get_view (page));
}

static gboolean
sign_dialog_settled (gpointer data)
{
  KysoSignDialog *dialog = kyso_document_page_get_sign_dialog (kyso_window_get_document_page (window));
  const char *state = dialog != NULL ? kyso_sign_dialog_get_state (dialog) : NULL;

  return g_strcmp0 (state, "ready") == 0 || g_strcmp0 (state, "blocked") == 0
         || g_strcmp0 (state, "certificate-error") == 0 || g_strcmp0 (state, "no-profile") == 0;
}

static void
test_document (void)
{
  KysoDocumentPage *page = kyso_window_get_document_page (window);
  KysoSignDialog *dialog;

  activate (GTK_WIDGET (window), "win.show-page", "documents");
  check (GTK_WIDGET (window), "layout-15-documents", NULL);
  activate (GTK_WIDGET (window), "win.open-document", pdf_paths[0]);
  kyso_test_wait_until (document_ready, NULL, 20000);
  activate (GTK_WIDGET (page), "doc.place-signature", NULL);
  kyso_test_wait_ms (800);
  check (GTK_WIDGET (window), "layout-16-placing", button (GTK_WIDGET (page), "doc.confirm-placement"), NULL);
  activate (GTK_WIDGET (page), "doc.confirm-placement", NULL);
  kyso_test_wait_until (sign_dialog_settled, NULL, 30000);
  dialog = kyso_document_page_get_sign_dialog (page);
  check (GTK_WIDGET (dialog), "layout-17-sign-dialog", button (GTK_WIDGET (dialog), "sign.sign"), NULL);
  gtk_window_close (GTK_WINDOW (dialog));
  kyso_test_wait_ms (300);
  activate (GTK_WIDGET (page), "doc.show-history", NULL);
  kyso_test_wait_ms (1500);
  check (GTK_WIDGET (window), "layout-18-signature-check", NULL);
}

static void
test_signatures_and_settings (void)
{
  GtkWindow *dialog;

  activate (GTK_WIDGET (window), "win.show-page", "profiles");
  kyso_test_wait_ms (800);
  check (GTK_WIDGET (window), "layout-19-signatures", NULL);
  activate (GTK_WIDGET (window), "win.add-profile", NULL);
  kyso_test_wait_ms (800);
  dialog = find_dialog (ADW_TYPE_WINDOW);
  if (dialog == NULL || dialog == GTK_WINDOW (window))
    dialog = find_dialog (GTK_TYPE_WINDOW);
  g_assert_nonnull (dialog);
  if (dialog != GTK_WINDOW (window))
    {
      check (GTK_WIDGET (dialog), "layout-20-profile-dialog", NULL);
      gtk_window_close (dialog);
    }
  kyso_test_wait_ms (300);
  activate (GTK_WIDGET (window), "win.show-page", "settings");
  check (GTK_WIDGET (window), "layout-21-settings", NULL);
}

static volatile pid_t sandbox_pid;

static void
on_fatal_signal (int signum)
{
  if (sandbox_pid > 0)
    kill (sandbox_pid, SIGTERM);
  signal (signum, SIG_DFL);
  raise (signum);
}

int
main (int argc, char **argv)
{
  const char *args[] = { "--phone", "approve-after=1", NULL };
  g_autoptr (GError) error = NULL;
  g_autoptr (GAsyncResult) stored = NULL;
  g_autofree char *config = NULL, *config_dir = NULL, *config_path = NULL;
  g_autoptr (KysoProfile) profile = NULL;
  g_autoptr (KysoProfileAccount) account = NULL;
  g_autoptr (GBytes) png = NULL;
  const char *scale = g_getenv ("KYSO_TEST_TEXT_SCALE");
  int status;

  setlocale (LC_ALL, "C.UTF-8");
  g_setenv ("GTK_A11Y", "none", TRUE);
  g_test_init (&argc, &argv, NULL);
  gtk_init ();
  bindtextdomain (GETTEXT_PACKAGE, g_getenv ("KYSO_LOCALEDIR") ? g_getenv ("KYSO_LOCALEDIR") : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  /* Pictures of what is shown, not of a crossfade half-way. */
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);
  /* Large text, as the desktop's accessibility setting gives it (96 dpi × 1.5). */
  g_object_set (gtk_settings_get_default (), "gtk-xft-dpi",
                (int)(96 * 1024 * (scale != NULL ? g_ascii_strtod (scale, NULL) : 1.5)), NULL);

  sandbox = kyso_test_sandbox_start (args, &error);
  g_assert_no_error (error);
  sandbox_pid = (pid_t)atoi (g_subprocess_get_identifier (sandbox->process));
  signal (SIGABRT, on_fatal_signal);
  signal (SIGTRAP, on_fatal_signal);
  signal (SIGSEGV, on_fatal_signal);
  citizen = kyso_test_sandbox_get_citizen (sandbox, "051090000101");
  workdir = kyso_test_make_tmpdir ("layout");
  pdf_paths[0] = make_pdf ("to-khai-khai-sinh.pdf", "TỜ KHAI ĐĂNG KÝ KHAI SINH");
  pdf_paths[1] = make_pdf ("giay-chung-sinh.pdf", "GIẤY CHỨNG SINH");

  g_assert_true (g_file_get_contents (sandbox->config_file, &config, NULL, NULL));
  config_dir = g_build_filename (g_get_user_config_dir (), "kyso", NULL);
  g_assert_cmpint (g_mkdir_with_parents (config_dir, 0700), ==, 0);
  config_path = g_build_filename (config_dir, "kyso.conf", NULL);
  g_assert_true (g_file_set_contents (config_path, config, -1, NULL));
  kyso_signing_credentials_store_async ("neac", json_object_get_string_member (sandbox->info, "sp_id"),
                                        json_object_get_string_member (sandbox->info, "sp_password"), NULL,
                                        kyso_test_portal_keep_result, &stored);
  kyso_test_wait_until (kyso_test_portal_have_result, &stored, 20000);
  g_assert_true (kyso_signing_credentials_store_finish (stored, &error));
  g_clear_object (&stored);

  app = kyso_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_assert_no_error (error);

  profile = kyso_profile_new ();
  png = kyso_test_make_signature_png (420, 160, 0);
  account = kyso_profile_account_new ("vnpt-ca", CCCD);
  kyso_profile_set_display_name (profile, json_object_get_string_member (citizen, "name"));
  kyso_profile_set_phone (profile, json_object_get_string_member (citizen, "phone"));
  kyso_profile_set_keyword (profile, "Người làm đơn");
  kyso_profile_set_image (profile, png);
  kyso_profile_add_account (profile, account);
  kyso_profile_store_create_async (kyso_application_get_profile_store (app), profile, NULL,
                                   kyso_test_portal_keep_result, &stored);
  kyso_test_wait_until (kyso_test_portal_have_result, &stored, 20000);
  g_assert_true (kyso_profile_store_create_finish (kyso_application_get_profile_store (app), stored, &error));

  /* As a first start: the window's own size and first place (nothing remembered yet), maximised
   * by the counter PC's window manager as kiosks are. */
  window = kyso_window_new (app);
  gtk_window_maximize (GTK_WINDOW (window));
  gtk_window_present (GTK_WINDOW (window));
  home = kyso_window_get_dossiers_page (window);

  g_test_add_func ("/layout/01-first-start", test_first_start);
  g_test_add_func ("/layout/02-home", test_home);
  g_test_add_func ("/layout/03-wizard", test_wizard);
  g_test_add_func ("/layout/04-tracking", test_tracking);
  g_test_add_func ("/layout/05-document", test_document);
  g_test_add_func ("/layout/06-signatures-settings", test_signatures_and_settings);
  status = g_test_run ();

  gtk_window_destroy (GTK_WINDOW (window));
  kyso_test_wait_ms (500);
  g_clear_object (&app);
  kyso_test_sandbox_stop (sandbox);
  return status;
}
