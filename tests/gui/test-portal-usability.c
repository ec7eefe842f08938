/* test-portal-usability.c: the dossier steps as people hit them (issue 17), in the real window
 * under Xvfb with a window manager, against kyso-sandbox: every problem of step 1 said at once and
 * in the form's order, and each gone as soon as it is fixed; a file chosen by mistake and then
 * replaced by one refused as too large is not left ready to upload; a damaged PDF refused when
 * attached, and one damaged later left out of "Sign All" while the others are signed; a removed
 * file's error gone; one main (blue) button, the next step; a draft left with files signed but not
 * uploaded resumed at step 2, uploaded by clicking "Upload All" with the pointer; closing during
 * an upload asks first. Pictures in <builddir>/tests/screenshots/usability-*.png. */
#include "config.h"

#include "kyso-application.h"
#include "kyso-component-row.h"
#include "kyso-dossier-applicant.h"
#include "kyso-dossier-components.h"
#include "kyso-dossier-wait.h"
#include "kyso-dossier-wizard.h"
#include "kyso-dossiers-page.h"
#include "kyso-login-page.h"
#include "kyso-phone-wait.h"
#include "kyso-province.h"
#include "kyso-sandbox-test.h"
#include "kyso-signing-credentials.h"
#include "kyso-test-png.h"
#include "kyso-window.h"
#include "test-document-util.h"
#include "test-input-util.h"
#include "test-portal-util.h"

#include <cairo-pdf.h>
#include <fcntl.h>
#include <locale.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static KysoTestSandbox *sandbox;
static JsonObject *citizen;
static KysoApplication *app;
static KysoWindow *window;
static KysoDossiersPage *home;
static char *workdir;

#define CCCD (json_object_get_string_member (citizen, "cccd"))
#define KHAI_SINH "62f0a1c2e4b0a7d1c3e5f701"
#define TO_KHAI "to-khai-khai-sinh"
#define CHUNG_SINH "giay-chung-sinh"

/* Conditions ---------------------------------------------------------------------------------- */

static gboolean
home_ready (gpointer data)
{
  return g_strcmp0 (kyso_dossiers_page_get_state (home), "home") == 0
         && !kyso_dossiers_page_is_searching (home) && !kyso_dossiers_page_is_loading_dossiers (home)
         && kyso_dossiers_page_get_account (home) != NULL;
}

static gboolean
wizard_state_is (gpointer state)
{
  return g_strcmp0 (kyso_dossier_wizard_get_state (kyso_dossiers_page_get_wizard (home)), state) == 0;
}

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
components_idle (gpointer data)
{
  return !kyso_dossier_components_is_busy (components ());
}

static gboolean
window_active (gpointer data)
{
  return gtk_window_is_active (GTK_WINDOW (window));
}

static KysoComponentRow *
row (const char *key)
{
  KysoComponentRow *r = kyso_dossier_components_get_row (components (), key);
  g_assert_nonnull (r);
  return r;
}

static gboolean
next_action_is (gpointer action)
{
  return g_strcmp0 (kyso_dossier_components_get_next_action (components ()), action) == 0;
}

static gboolean
is_uploading (gpointer key)
{
  return kyso_component_row_get_state (row (key)) == KYSO_COMPONENT_UPLOADING;
}

static KysoDossierEntry *
entry_for (const char *key)
{
  GPtrArray *entries = kyso_dossier_get_entries (kyso_dossier_wizard_get_dossier (wizard ()));

  for (guint i = 0; i < entries->len; i++)
    if (g_strcmp0 (((KysoDossierEntry *)entries->pdata[i])->key, key) == 0)
      return entries->pdata[i];
  return NULL;
}

static void
activate (GtkWidget *widget, const char *action, const char *target)
{
  gboolean done = target != NULL ? gtk_widget_activate_action (widget, action, "s", target)
                                 : gtk_widget_activate_action (widget, action, NULL);
  g_assert_true (done);
}

static void
shot (const char *name)
{
  kyso_test_wait_ms (500);
  g_free (kyso_test_save_png (GTK_WIDGET (window), name));
}

static guint
phone_transactions (void)
{
  g_autoptr (JsonObject) list = kyso_test_portal_get (sandbox, "/phone/transactions");
  return json_array_get_length (json_object_get_array_member (list, "transactions"));
}

static guint
sandbox_files (void)
{
  g_autoptr (JsonObject) state = kyso_test_portal_get (sandbox, "/control/portal/state");
  return (guint)json_object_get_int_member (state, "files");
}

static GtkWindow *
find_message_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr (GtkWindow) w = g_list_model_get_item (toplevels, i);
      if (ADW_IS_MESSAGE_DIALOG (w) && gtk_widget_get_visible (GTK_WIDGET (w)))
        return w;
    }
  return NULL;
}

/* The visible button under @root for @action (and @target, if given). */
static GtkWidget *
find_button (GtkWidget *root, const char *action)
{
  if (GTK_IS_BUTTON (root) && g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (root)), action) == 0
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

static gboolean
is_main (GtkWidget *button)
{
  return button != NULL && gtk_widget_has_css_class (button, "suggested-action");
}

static char *
make_pdf (const char *name, const char *title)
{
  char *path = g_build_filename (workdir, name, NULL);
  cairo_surface_t *surface = cairo_pdf_surface_create (path, 595, 842);
  cairo_t *cr = cairo_create (surface);

  cairo_select_font_face (cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_BOLD);
  cairo_set_font_size (cr, 16);
  cairo_move_to (cr, 190, 140);
  cairo_show_text (cr, title);
  cairo_set_font_size (cr, 12);
  cairo_move_to (cr, 380, 620);
  cairo_show_text (cr, "Người làm đơn");
  cairo_destroy (cr);
  cairo_surface_destroy (surface);
  return path;
}

/* The first half of a good PDF: what an interrupted download leaves. */
static void
truncate_file (const char *path)
{
  g_autofree char *data = NULL;
  gsize len;

  g_assert_true (g_file_get_contents (path, &data, &len, NULL));
  g_assert_true (g_file_set_contents (path, data, (gssize)(len / 2), NULL));
}

static gboolean
attach (const char *key, const char *path)
{
  g_autoptr (GFile) file = g_file_new_for_path (path);
  return kyso_dossier_components_attach (components (), key, file);
}

static void
open_new_dossier (void)
{
  activate (GTK_WIDGET (home), "portal.apply", KHAI_SINH);
  kyso_test_wait_until (wizard_state_is, "steps", 20000);
  g_assert_cmpint (kyso_dossier_wizard_get_step (wizard ()), ==, KYSO_DOSSIER_STEP_INFORMATION);
}

/* Tests ---------------------------------------------------------------------------------------- */

/* Step 1: every problem at once, top to bottom; each one goes as soon as it is fixed. */
static void
test_step1_problems (void)
{
  KysoDossierApplicant *form;
  const char *error;
  const char *birth, *gender, *issued;

  open_new_dossier ();
  form = kyso_dossier_wizard_get_applicant_form (wizard ());
  activate (GTK_WIDGET (wizard ()), "dossier.next", NULL);
  g_assert_cmpint (kyso_dossier_wizard_get_step (wizard ()), ==, KYSO_DOSSIER_STEP_INFORMATION);
  error = kyso_dossier_wizard_get_error (wizard ());
  g_assert_nonnull (error);
  g_test_message ("step 1 says: %s", error);
  /* Date of birth, gender and the ID card's date of issue are all missing: all three are said,
   * in the form's order, and the focus is on the first. */
  birth = strstr (error, "date of birth");
  gender = strstr (error, "gender");
  issued = strstr (error, "ID card was issued");
  g_assert_nonnull (birth);
  g_assert_nonnull (gender);
  g_assert_nonnull (issued);
  g_assert_true (birth < gender && gender < issued);
  g_assert_cmpstr (kyso_dossier_applicant_get_marked (form), ==, "birth_date");
  shot ("usability-01-step1-problems");

  /* Choosing the gender takes its problem away at once, the others stay. */
  kyso_dossier_applicant_set_field (form, "gender", "female");
  error = kyso_dossier_wizard_get_error (wizard ());
  g_assert_nonnull (error);
  g_assert_null (strstr (error, "gender"));
  g_assert_nonnull (strstr (error, "date of birth"));

  kyso_dossier_applicant_set_field (form, "birth_date", "15/03/1990");
  kyso_dossier_applicant_set_field (form, "id_issue_date", "01/07/2021");
  kyso_dossier_applicant_set_field (form, "id_issue_place", "Cục Cảnh sát QLHC về TTXH");
  kyso_dossier_applicant_set_field (form, "province", "Quảng Ngãi");
  kyso_dossier_applicant_set_field (form, "district", "Thành phố Quảng Ngãi");
  kyso_dossier_applicant_set_field (form, "ward", "Phường Trần Phú");
  kyso_dossier_applicant_set_field (form, "address", "12 Hùng Vương");
  g_assert_null (kyso_dossier_wizard_get_error (wizard ()));
  g_assert_null (kyso_dossier_applicant_get_marked (form));
  activate (GTK_WIDGET (wizard ()), "dossier.next", NULL);
  g_assert_cmpint (kyso_dossier_wizard_get_step (wizard ()), ==, KYSO_DOSSIER_STEP_COMPONENTS);
}

/* The signature image attached by mistake to "Giấy chứng sinh", then a replacement refused as too
 * large: the image must not stay ready to be uploaded as the birth certificate. */
static void
test_refused_replacement (void)
{
  g_autoptr (GBytes) png = kyso_test_make_signature_png (420, 160, 0);
  g_autofree char *image = g_build_filename (workdir, "chu-ky.png", NULL);
  g_autofree char *big = g_build_filename (workdir, "giay-chung-sinh-scan.pdf", NULL);
  const char *detail;
  guint files = sandbox_files ();
  int fd;

  g_assert_true (
    g_file_set_contents (image, g_bytes_get_data (png, NULL), (gssize)g_bytes_get_size (png), NULL));
  g_assert_true (attach (CHUNG_SINH, image));
  g_assert_cmpint (kyso_component_row_get_state (row (CHUNG_SINH)), ==, KYSO_COMPONENT_ATTACHED);

  /* A 21 MB scan: the component takes 20 MB. */
  fd = open (big, O_WRONLY | O_CREAT | O_TRUNC, 0600);
  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (write (fd, "%PDF-1.4\n", 9), ==, 9);
  g_assert_cmpint (ftruncate (fd, 21 * 1024 * 1024), ==, 0);
  close (fd);
  g_assert_false (attach (CHUNG_SINH, big));

  /* Nothing is attached for the component any more; the row says why and what to do. */
  g_assert_null (entry_for (CHUNG_SINH));
  g_assert_cmpint (kyso_component_row_get_state (row (CHUNG_SINH)), ==, KYSO_COMPONENT_FAILED);
  detail = kyso_component_row_get_detail (row (CHUNG_SINH));
  g_test_message ("row says: %s", detail);
  g_assert_nonnull (strstr (detail, "chu-ky.png"));
  /* Sizes as the labels write them. */
  g_assert_nonnull (strstr (detail, "20 MB"));
  g_assert_null (strstr (detail, "MiB"));
  /* The main button is attaching a file there. */
  g_assert_cmpstr (kyso_dossier_components_get_next_action (components ()), ==, "attach");
  shot ("usability-02-refused-replacement");

  /* "Upload All" sends nothing for it. */
  activate (GTK_WIDGET (components ()), "components.upload-all", NULL);
  kyso_test_wait_until (components_idle, NULL, 30000);
  g_assert_cmpuint (sandbox_files (), ==, files);
  g_assert_null (entry_for (CHUNG_SINH));
}

/* A damaged PDF is refused when attached, in plain words; one damaged after it was attached is
 * left out of "Sign All", the others are signed with the one approval; a removed file's error goes. */
static void
test_damaged_pdf (void)
{
  g_autofree char *good = make_pdf ("to-khai.pdf", "TỜ KHAI ĐĂNG KÝ KHAI SINH");
  g_autofree char *other = make_pdf ("chung-sinh.pdf", "GIẤY CHỨNG SINH");
  g_autofree char *broken = make_pdf ("hong.pdf", "HỎNG");
  g_autoptr (JsonObject) list = NULL;
  JsonArray *transactions;
  JsonObject *last;
  const char *detail;
  guint before;

  truncate_file (broken);
  g_assert_false (attach (TO_KHAI, broken));
  detail = kyso_component_row_get_detail (row (TO_KHAI));
  g_test_message ("row says: %s", detail);
  g_assert_nonnull (strstr (detail, "damaged"));
  g_assert_null (strstr (detail, "startxref"));
  g_assert_null (entry_for (TO_KHAI));

  g_assert_true (attach (TO_KHAI, good));
  g_assert_true (attach (CHUNG_SINH, other));
  g_assert_cmpstr (kyso_dossier_components_get_next_action (components ()), ==, "sign");
  /* The main button, beside Next (always in view), says "Sign All"; Next is not the main one. */
  g_assert_true (is_main (find_button (GTK_WIDGET (wizard ()), "dossier.step-action")));
  g_assert_cmpstr (
    gtk_button_get_label (GTK_BUTTON (find_button (GTK_WIDGET (wizard ()), "dossier.step-action"))), ==,
    "Sign _All with One Approval");
  g_assert_false (is_main (find_button (GTK_WIDGET (wizard ()), "dossier.next")));

  /* The second file is damaged on disk since (a draft's file, a disk problem). */
  truncate_file (other);
  before = phone_transactions ();
  activate (GTK_WIDGET (components ()), "components.sign-all", NULL);
  kyso_test_wait_until (components_idle, NULL, 60000);
  g_assert_cmpint (kyso_component_row_get_state (row (TO_KHAI)), ==, KYSO_COMPONENT_SIGNED);
  g_assert_cmpint (kyso_component_row_get_state (row (CHUNG_SINH)), ==, KYSO_COMPONENT_FAILED);
  g_assert_nonnull (strstr (kyso_component_row_get_detail (row (CHUNG_SINH)), "damaged"));
  list = kyso_test_portal_get (sandbox, "/phone/transactions");
  transactions = json_object_get_array_member (list, "transactions");
  g_assert_cmpuint (json_array_get_length (transactions), ==, before + 1);
  last = json_array_get_object_element (transactions, json_array_get_length (transactions) - 1);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (last, "documents")), ==, 1);
  shot ("usability-03-damaged-left-out");

  /* Signing only the damaged one says so; removing it takes the message away. */
  activate (GTK_WIDGET (components ()), "components.sign-all", NULL);
  g_assert_nonnull (kyso_dossier_components_get_message (components ()));
  activate (GTK_WIDGET (components ()), "components.remove", CHUNG_SINH);
  g_assert_null (kyso_dossier_components_get_message (components ()));
  g_assert_cmpint (kyso_component_row_get_state (row (CHUNG_SINH)), ==, KYSO_COMPONENT_EMPTY);
}

/* A draft left with a file signed but not uploaded goes on at step 2 (not Fees); the main button
 * is "Upload All", clicked with the pointer; then Next is the main one. */
static void
test_resume_signed_not_uploaded (void)
{
  g_autofree char *other = make_pdf ("chung-sinh-2.pdf", "GIẤY CHỨNG SINH");
  g_autofree char *draft_id = NULL;
  GtkWidget *upload_all;

  g_assert_true (attach (CHUNG_SINH, other));
  activate (GTK_WIDGET (components ()), "components.sign", CHUNG_SINH);
  kyso_test_wait_until (components_idle, NULL, 60000);
  g_assert_cmpint (kyso_component_row_get_state (row (CHUNG_SINH)), ==, KYSO_COMPONENT_SIGNED);
  activate (GTK_WIDGET (wizard ()), "dossier.declaration", NULL);
  draft_id = g_strdup (kyso_dossier_get_draft_id (kyso_dossier_wizard_get_dossier (wizard ())));
  activate (GTK_WIDGET (wizard ()), "dossier.close", NULL);
  kyso_test_wait_until (home_ready, NULL, 20000);

  activate (GTK_WIDGET (home), "portal.resume", draft_id);
  kyso_test_wait_until (wizard_state_is, "steps", 20000);
  g_assert_cmpint (kyso_dossier_wizard_get_step (wizard ()), ==, KYSO_DOSSIER_STEP_COMPONENTS);
  /* Who signed the files is read again from them (off the main thread). */
  kyso_test_wait_until (next_action_is, (gpointer) "upload", 20000);
  shot ("usability-04-resumed-at-step-2");

  upload_all = find_button (GTK_WIDGET (wizard ()), "dossier.step-action");
  g_assert_true (is_main (upload_all));
  g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (upload_all)), ==, "U_pload All");
  g_assert_false (is_main (find_button (GTK_WIDGET (wizard ()), "dossier.next")));
  kyso_test_click (upload_all);
  kyso_test_wait_until (components_idle, NULL, 60000);
  g_assert_cmpint (kyso_component_row_get_state (row (TO_KHAI)), ==, KYSO_COMPONENT_UPLOADED);
  g_assert_cmpint (kyso_component_row_get_state (row (CHUNG_SINH)), ==, KYSO_COMPONENT_UPLOADED);
  g_assert_null (kyso_dossier_components_get_next_action (components ()));
  g_assert_true (is_main (find_button (GTK_WIDGET (wizard ()), "dossier.next")));
  g_assert_null (find_button (GTK_WIDGET (wizard ()), "dossier.step-action"));
  shot ("usability-05-uploaded");
}

/* Closing the dossier while a file is being uploaded asks first. */
static void
test_close_mid_upload (void)
{
  g_autofree char *other = make_pdf ("chung-sinh-3.pdf", "GIẤY CHỨNG SINH");
  GtkWindow *dialog;

  g_assert_true (attach (CHUNG_SINH, other));
  json_object_unref (kyso_test_portal_post (sandbox, "/control/fault", "{\"fault\": \"slow=6\"}"));
  activate (GTK_WIDGET (components ()), "components.upload", CHUNG_SINH);
  kyso_test_wait_until (is_uploading, (gpointer)CHUNG_SINH, 20000);
  activate (GTK_WIDGET (wizard ()), "dossier.close", NULL);
  dialog = find_message_dialog ();
  g_assert_nonnull (dialog);
  g_free (kyso_test_save_png (GTK_WIDGET (dialog), "usability-06-close-mid-upload"));
  /* Keep uploading: nothing changes. */
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "keep");
  g_assert_true (wizard_state_is ("steps"));
  g_assert_true (is_uploading ((gpointer)CHUNG_SINH));
  /* Stop and close: home, the upload stopped. */
  activate (GTK_WIDGET (wizard ()), "dossier.close", NULL);
  dialog = find_message_dialog ();
  g_assert_nonnull (dialog);
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "close");
  kyso_test_wait_until (home_ready, NULL, 20000);
  kyso_test_wait_until (components_idle, NULL, 20000);
  json_object_unref (kyso_test_portal_post (sandbox, "/control/fault", "{\"clear\": true}"));
}

static void
restore_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  *(int *)user_data = kyso_portal_restore_session_finish (KYSO_PORTAL (source), result, NULL) ? 1 : 0;
}

static gboolean
is_set (gpointer value)
{
  return *(int *)value >= 0;
}

static gboolean
is_null (gpointer slot)
{
  return *(gpointer *)slot == NULL;
}

/* Closing Kyso ends the portal session unless "Remember me on this computer" is on (it is off
 * unless chosen): the next person at the computer finds the login page, not the last citizen's
 * dossiers. */
static void
test_session_ends_on_close (void)
{
  g_autoptr (KysoConfig) config = kyso_config_load (sandbox->config_file, NULL);
  g_autoptr (KysoPortal) fresh = kyso_portal_new_from_config (config, NULL);
  GSettings *settings = kyso_application_get_settings (app);
  int restored = -1;

  activate (GTK_WIDGET (home), "portal.home", NULL);
  kyso_test_wait_until (home_ready, NULL, 20000);
  g_assert_false (g_settings_get_boolean (settings, "remember-session"));
  g_object_add_weak_pointer (G_OBJECT (window), (gpointer *)&window);
  gtk_window_close (GTK_WINDOW (window));
  kyso_test_wait_until (is_null, &window, 20000);

  kyso_portal_restore_session_async (fresh, NULL, restore_cb, &restored);
  kyso_test_wait_until (is_set, &restored, 20000);
  g_assert_cmpint (restored, ==, 0);
}

/* The browser's side of the login, automated: follow the redirects to Kyso's loopback port. */
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

static gboolean
login_shown (gpointer data)
{
  return g_strcmp0 (kyso_dossiers_page_get_state (home), "login") == 0;
}

static void
log_in (void)
{
  KysoLoginPage *login = kyso_dossiers_page_get_login_page (home);
  g_autofree char *body = g_strdup_printf ("{\"username\": \"%s\"}", CCCD);

  kyso_test_wait_until (login_shown, NULL, 20000);
  json_object_unref (kyso_test_portal_post (sandbox, "/control/portal/auto-login", body));
  kyso_login_page_set_open_uri_func (login, open_uri_with_curl, NULL);
  activate (GTK_WIDGET (login), "login.browser", NULL);
  kyso_test_wait_until (home_ready, NULL, 30000);
  kyso_login_page_set_open_uri_func (login, NULL, NULL);
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
  int status;

  setlocale (LC_ALL, "C.UTF-8");
  /* No accessibility bus: its daemon's greeting on stdout would break the TAP stream. */
  g_setenv ("GTK_A11Y", "none", TRUE);
  g_test_init (&argc, &argv, NULL);
  gtk_init ();
  g_assert_true (kyso_test_input_init ());

  sandbox = kyso_test_sandbox_start (args, &error);
  g_assert_no_error (error);
  sandbox_pid = (pid_t)atoi (g_subprocess_get_identifier (sandbox->process));
  signal (SIGABRT, on_fatal_signal);
  signal (SIGTRAP, on_fatal_signal);
  signal (SIGSEGV, on_fatal_signal);
  citizen = kyso_test_sandbox_get_citizen (sandbox, "051090000101");
  g_assert_nonnull (citizen);
  workdir = kyso_test_make_tmpdir ("usability");

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
  g_assert_no_error (error);
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
  g_assert_no_error (error);

  window = kyso_window_new (app);
  gtk_window_set_default_size (GTK_WINDOW (window), 1100, 860);
  gtk_window_present (GTK_WINDOW (window));
  kyso_test_wait_until (window_active, NULL, 10000);
  kyso_window_set_page (window, "dossiers");
  home = kyso_window_get_dossiers_page (window);
  log_in ();

  g_test_add_func ("/usability/01-step1-problems", test_step1_problems);
  g_test_add_func ("/usability/02-refused-replacement", test_refused_replacement);
  g_test_add_func ("/usability/03-damaged-pdf", test_damaged_pdf);
  g_test_add_func ("/usability/04-resume-signed-not-uploaded", test_resume_signed_not_uploaded);
  g_test_add_func ("/usability/05-close-mid-upload", test_close_mid_upload);
  g_test_add_func ("/usability/06-session-ends-on-close", test_session_ends_on_close);
  status = g_test_run ();

  if (window != NULL)
    gtk_window_destroy (GTK_WINDOW (window));
  kyso_test_wait_ms (500);
  g_clear_object (&app);
  kyso_test_sandbox_stop (sandbox);
  return status;
}
