/* test-portal-flow.c (the tests run in order, each going on from the state the last left): the citizen's
 * whole loop in the real window under Xvfb, against kyso-sandbox (OpenID login, iGate API, NEAC gateway with
 * a phone that approves by itself, TSA, OCSP) and the real gnome-keyring, driven through the app's own
 * actions: log in (ID + password + OTP; later the browser flow), find a procedure, fill the four steps,
 * attach two PDFs, sign both with ONE approval, upload, submit, get the dossier code, track it. Then the same
 * with a dropped upload and an expired token, a signer who is not the citizen, logout, and the browser login.
 * Assertions are on state (sandbox files, their signatures, the keyring, drafts); every page is saved as a
 * PNG under <builddir>/tests/gui/screenshots/portal-*.png. */
#include "config.h"

#include "kyso-application.h"
#include "kyso-document-page.h"
#include "kyso-dossier-wizard.h"
#include "kyso-dossier-applicant.h"
#include "kyso-dossier-components.h"
#include "kyso-login-page.h"
#include "kyso-tracking-page.h"
#include "kyso-component-row.h"
#include "kyso-dossier-history.h"
#include "kyso-dossier-wait.h"
#include "kyso-error.h"
#include "kyso-dossiers-page.h"
#include "kyso-http.h"
#include "kyso-igate-portal.h"
#include "kyso-phone-wait.h"
#include "kyso-province.h"
#include "kyso-sandbox-test.h"
#include "kyso-signing-credentials.h"
#include "kyso-test-png.h"
#include "kyso-sign-dialog.h"
#include "kyso-window.h"
#include "test-document-util.h"
#include "test-portal-util.h"

#include <cairo-pdf.h>
#include <locale.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

static KysoTestSandbox *sandbox;
static JsonObject *citizen;
static KysoApplication *app;
static KysoWindow *window;
static KysoDossiersPage *home;
static char *pdf_paths[2];
static char *first_code;

#define CCCD (json_object_get_string_member (citizen, "cccd"))
#define KHAI_SINH "62f0a1c2e4b0a7d1c3e5f701"

/* Conditions ---------------------------------------------------------------------------------- */

static gboolean
home_state_is (gpointer state)
{
  return g_strcmp0 (kyso_dossiers_page_get_state (home), state) == 0;
}

static gboolean
login_state_is (gpointer state)
{
  return g_strcmp0 (kyso_login_page_get_state (kyso_dossiers_page_get_login_page (home)), state) == 0;
}

static gboolean
home_ready (gpointer data)
{
  return home_state_is ("home") && !kyso_dossiers_page_is_searching (home)
         && !kyso_dossiers_page_is_loading_dossiers (home) && kyso_dossiers_page_get_account (home) != NULL;
}

static gboolean
wizard_state_is (gpointer state)
{
  return g_strcmp0 (kyso_dossier_wizard_get_state (kyso_dossiers_page_get_wizard (home)), state) == 0;
}

static gboolean
components_idle (gpointer data)
{
  return !kyso_dossier_components_is_busy (
    kyso_dossier_wizard_get_components (kyso_dossiers_page_get_wizard (home)));
}

static gboolean
tracking_state_is (gpointer state)
{
  const char *s = kyso_tracking_page_get_state (kyso_dossiers_page_get_tracking_page (home));
  return g_strcmp0 (s, state) == 0 || (g_strcmp0 (state, "done") == 0 && g_strcmp0 (s, "loading") != 0);
}

static gboolean
tracking_history_shown (gpointer tracking)
{
  return kyso_tracking_page_get_history (tracking) != NULL;
}

static gboolean
draft_saved (gpointer before)
{
  return kyso_dossier_wizard_get_saves (kyso_dossiers_page_get_wizard (home)) > GPOINTER_TO_UINT (before);
}

static gboolean
history_loaded (gpointer dialog)
{
  return g_strcmp0 (kyso_dossier_history_get_state (dialog), "loading") != 0;
}

static gboolean
phone_waiting (gpointer data)
{
  KysoDossierComponents *c = kyso_dossier_wizard_get_components (kyso_dossiers_page_get_wizard (home));
  GtkWindow *wait = kyso_dossier_components_get_wait_dialog (c);

  return wait != NULL
         && g_strcmp0 (
              kyso_phone_wait_get_state (kyso_dossier_wait_get_phone_wait (KYSO_DOSSIER_WAIT (wait))),
              "waiting")
              == 0;
}

/* Helpers -------------------------------------------------------------------------------------- */

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
  g_autofree char *png = NULL;

  /* Past the stacks' transitions (crossfade, slide). */
  kyso_test_wait_ms (700);
  png = kyso_test_save_png (GTK_WIDGET (window), name);
  g_test_message ("saved %s", png);
}

/* A dossier component as people make them: Vietnamese text (embedded font, ToUnicode) and the
 * profile's keyword "Người làm đơn" where the signature goes. */
static char *
make_pdf (const char *name, const char *title)
{
  g_autofree char *dir = kyso_test_make_tmpdir ("pdfs");
  char *path = g_build_filename (dir, name, NULL);
  cairo_surface_t *surface = cairo_pdf_surface_create (path, 595, 842);
  cairo_t *cr = cairo_create (surface);

  cairo_select_font_face (cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_BOLD);
  cairo_set_font_size (cr, 16);
  cairo_move_to (cr, 150, 90);
  cairo_show_text (cr, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM");
  cairo_move_to (cr, 190, 140);
  cairo_show_text (cr, title);
  cairo_select_font_face (cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size (cr, 12);
  cairo_move_to (cr, 72, 200);
  cairo_show_text (cr, "Họ, chữ đệm, tên người yêu cầu: Nguyễn Văn An");
  cairo_move_to (cr, 72, 224);
  cairo_show_text (cr, "Nơi cư trú: 12 Hùng Vương, phường Trần Phú, thành phố Quảng Ngãi");
  cairo_move_to (cr, 380, 620);
  cairo_show_text (cr, "Người làm đơn");
  cairo_destroy (cr);
  cairo_surface_destroy (surface);
  return path;
}

static void
fill_step1_rest (void)
{
  KysoDossierApplicant *form = kyso_dossier_wizard_get_applicant_form (wizard ());

  kyso_dossier_applicant_set_field (form, "birth_date", "15/03/1990");
  kyso_dossier_applicant_set_field (form, "gender", "male");
  kyso_dossier_applicant_set_field (form, "id_issue_date", "01/07/2021");
  kyso_dossier_applicant_set_field (form, "id_issue_place", "Cục Cảnh sát QLHC về TTXH");
  kyso_dossier_applicant_set_field (form, "province", "Quảng Ngãi");
  kyso_dossier_applicant_set_field (form, "district", "Thành phố Quảng Ngãi");
  kyso_dossier_applicant_set_field (form, "ward", "Phường Trần Phú");
  kyso_dossier_applicant_set_field (form, "address", "12 Hùng Vương");
}

static void
open_new_dossier (void)
{
  activate (GTK_WIDGET (home), "portal.apply", KHAI_SINH);
  kyso_test_wait_until (home_state_is, "wizard", 5000);
  kyso_test_wait_until (wizard_state_is, "steps", 20000);
  g_assert_cmpint (kyso_dossier_wizard_get_step (wizard ()), ==, KYSO_DOSSIER_STEP_INFORMATION);
}

static void
attach_both (void)
{
  g_autoptr(GFile) a = g_file_new_for_path (pdf_paths[0]);
  g_autoptr(GFile) b = g_file_new_for_path (pdf_paths[1]);

  g_assert_true (kyso_dossier_components_attach (components (), "to-khai-khai-sinh", a));
  g_assert_true (kyso_dossier_components_attach (components (), "giay-chung-sinh", b));
}

static KysoComponentRow *
row (const char *key)
{
  KysoComponentRow *r = kyso_dossier_components_get_row (components (), key);
  g_assert_nonnull (r);
  return r;
}

static guint
phone_transactions (void)
{
  g_autoptr(JsonObject) list = kyso_test_portal_get (sandbox, "/phone/transactions");
  return json_array_get_length (json_object_get_array_member (list, "transactions"));
}

static void
sign_all_and_wait (void)
{
  guint before = phone_transactions ();
  g_autoptr(JsonObject) list = NULL;
  JsonArray *transactions;
  JsonObject *last;

  activate (GTK_WIDGET (components ()), "components.sign-all", NULL);
  g_assert_true (kyso_dossier_components_is_busy (components ()));
  g_assert_cmpint (kyso_component_row_get_state (row ("to-khai-khai-sinh")), ==, KYSO_COMPONENT_SIGNING);
  kyso_test_wait_until (phone_waiting, NULL, 30000);
  kyso_test_wait_until (components_idle, NULL, 60000);
  g_assert_null (kyso_dossier_components_get_message (components ()));

  /* Both files, one request to the phone. */
  list = kyso_test_portal_get (sandbox, "/phone/transactions");
  transactions = json_object_get_array_member (list, "transactions");
  g_assert_cmpuint (json_array_get_length (transactions), ==, before + 1);
  last = json_array_get_object_element (transactions, json_array_get_length (transactions) - 1);
  g_assert_cmpstr (json_object_get_string_member (last, "state"), ==, "approved");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (last, "documents")), ==, 2);
  for (guint i = 0; i < 2; i++)
    {
      const char *key = i == 0 ? "to-khai-khai-sinh" : "giay-chung-sinh";
      g_assert_cmpint (kyso_component_row_get_state (row (key)), ==, KYSO_COMPONENT_SIGNED);
      /* Next to the original, under a free name (-signed.pdf, -signed-2.pdf …). */
      g_assert_nonnull (strstr (
        ((KysoDossierEntry *)kyso_dossier_get_entries (kyso_dossier_wizard_get_dossier (wizard ()))->pdata[i])
          ->path,
        "-signed"));
    }
}

static void
upload_all_and_wait (void)
{
  activate (GTK_WIDGET (components ()), "components.upload-all", NULL);
  kyso_test_wait_until (components_idle, NULL, 60000);
  for (guint i = 0; i < 2; i++)
    {
      KysoComponentRow *r = row (i == 0 ? "to-khai-khai-sinh" : "giay-chung-sinh");
      if (kyso_component_row_get_state (r) != KYSO_COMPONENT_UPLOADED)
        g_test_message ("not uploaded: %s", kyso_component_row_get_detail (r));
      g_assert_cmpint (kyso_component_row_get_state (r), ==, KYSO_COMPONENT_UPLOADED);
    }
}

static void
submit_and_wait (void)
{
  activate (GTK_WIDGET (wizard ()), "dossier.next", NULL);
  g_assert_cmpint (kyso_dossier_wizard_get_step (wizard ()), ==, KYSO_DOSSIER_STEP_FEES);
  if (!kyso_dossier_get_declaration (kyso_dossier_wizard_get_dossier (wizard ())))
    activate (GTK_WIDGET (wizard ()), "dossier.declaration", NULL);
  activate (GTK_WIDGET (wizard ()), "dossier.next", NULL);
  g_assert_cmpint (kyso_dossier_wizard_get_step (wizard ()), ==, KYSO_DOSSIER_STEP_SUBMIT);
  activate (GTK_WIDGET (wizard ()), "dossier.submit", NULL);
  kyso_test_wait_until (wizard_state_is, "done", 60000);
  g_assert_nonnull (kyso_dossier_get_code (kyso_dossier_wizard_get_dossier (wizard ())));
}

static gboolean
document_shown (gpointer path)
{
  KysoDocumentPage *page = kyso_window_get_document_page (window);
  GFile *file = kyso_document_page_get_file (page);
  g_autofree char *shown = file != NULL ? g_file_get_path (file) : NULL;

  return g_strcmp0 (shown, path) == 0 && kyso_document_view_get_ready (kyso_document_page_get_view (page));
}

static gboolean
sign_dialog_settled (gpointer data)
{
  KysoSignDialog *dialog = kyso_document_page_get_sign_dialog (kyso_window_get_document_page (window));
  const char *state = dialog != NULL ? kyso_sign_dialog_get_state (dialog) : NULL;

  return g_strcmp0 (state, "ready") == 0 || g_strcmp0 (state, "blocked") == 0
         || g_strcmp0 (state, "certificate-error") == 0 || g_strcmp0 (state, "no-profile") == 0;
}

/* The component now holds a signed file other than the one attached, and its row knows who signed. */
static gboolean
component_signed_elsewhere (gpointer key)
{
  KysoComponentRow *r = kyso_dossier_components_get_row (components (), key);

  return kyso_component_row_get_state (r) == KYSO_COMPONENT_SIGNED;
}

static GtkWindow *
find_message_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) w = g_list_model_get_item (toplevels, i);
      if (ADW_IS_MESSAGE_DIALOG (w) && gtk_widget_get_visible (GTK_WIDGET (w)))
        return w;
    }
  return NULL;
}

/* Tests ---------------------------------------------------------------------------------------- */

static void
test_login_direct (void)
{
  KysoLoginPage *login = kyso_dossiers_page_get_login_page (home);
  const char *phone = json_object_get_string_member (citizen, "phone");
  g_autofree char *otp = NULL;
  KysoWindow *second;
  KysoDossiersPage *second_home;

  /* No session in the keyring yet: the login page. */
  kyso_test_wait_until (home_state_is, "login", 20000);
  g_assert_false (kyso_portal_is_logged_in (kyso_dossiers_page_get_portal (home)));
  g_assert_cmpstr (kyso_login_page_get_province (login), ==, "sandbox");
  shot ("portal-01-login");

  /* A wrong password is said inline; the form stays. */
  kyso_login_page_fill (login, CCCD, "not-the-password", NULL);
  activate (GTK_WIDGET (login), "login.password", NULL);
  g_assert_cmpstr (kyso_login_page_get_state (login), ==, "busy");
  kyso_test_wait_until (login_state_is, "form", 20000);
  g_assert_nonnull (kyso_login_page_get_error (login));
  shot ("portal-02-login-wrong-password");

  /* ID + password, then the OTP the portal sent by text message. */
  kyso_login_page_fill (login, CCCD, json_object_get_string_member (citizen, "password"), NULL);
  activate (GTK_WIDGET (login), "login.password", NULL);
  kyso_test_wait_until (login_state_is, "otp", 20000);
  g_assert_null (kyso_login_page_get_error (login));
  shot ("portal-03-login-otp");
  otp = kyso_test_portal_otp (sandbox, phone);
  g_assert_cmpuint (strlen (otp), ==, 6);
  kyso_login_page_fill (login, NULL, NULL, otp);
  activate (GTK_WIDGET (login), "login.password", NULL);
  kyso_test_wait_until (home_ready, NULL, 30000);
  g_assert_true (kyso_portal_is_logged_in (kyso_dossiers_page_get_portal (home)));
  g_assert_cmpstr (kyso_login_page_get_login_id (login), ==, CCCD);
  /* The account's details (OpenID userinfo) name the citizen. */
  g_assert_cmpstr (kyso_dossiers_page_get_account (home)->id_number, ==, CCCD);
  g_assert_cmpstr (kyso_dossiers_page_get_account (home)->full_name, ==,
                   json_object_get_string_member (citizen, "name"));
  g_assert_cmpuint (g_list_model_get_n_items (kyso_dossiers_page_get_procedures (home)), ==, 4);
  g_assert_cmpuint (g_list_model_get_n_items (kyso_dossiers_page_get_dossiers (home)), ==, 0);
  shot ("portal-04-home");

  /* The session is in the Secret Service: a second window resumes it silently. */
  second = kyso_window_new (app);
  second_home = kyso_window_get_dossiers_page (second);
  home = second_home;
  kyso_test_wait_until (home_ready, NULL, 30000);
  home = kyso_window_get_dossiers_page (window);
  gtk_window_destroy (GTK_WINDOW (second));
}

static void
test_search (void)
{
  g_autoptr(KysoProcedure) first = NULL;

  activate (GTK_WIDGET (home), "portal.search", "khai sinh");
  g_assert_true (kyso_dossiers_page_is_searching (home));
  kyso_test_wait_until (home_ready, NULL, 20000);
  g_assert_cmpuint (g_list_model_get_n_items (kyso_dossiers_page_get_procedures (home)), ==, 1);
  first = g_list_model_get_item (kyso_dossiers_page_get_procedures (home), 0);
  g_assert_cmpstr (kyso_procedure_get_id (first), ==, KHAI_SINH);
  g_assert_cmpstr (kyso_procedure_get_name (first), ==, "Đăng ký khai sinh");
  shot ("portal-05-search");

  activate (GTK_WIDGET (home), "portal.search", "không có thủ tục này");
  kyso_test_wait_until (home_ready, NULL, 20000);
  g_assert_cmpuint (g_list_model_get_n_items (kyso_dossiers_page_get_procedures (home)), ==, 0);
  shot ("portal-06-search-nothing");
  activate (GTK_WIDGET (home), "portal.search", "khai sinh");
  kyso_test_wait_until (home_ready, NULL, 20000);
}

static void
test_information (void)
{
  KysoDossierApplicant *form;
  g_autoptr(KysoApplicant) typed = NULL;
  g_autofree char *drafts_dir = g_build_filename (g_get_user_data_dir (), "kyso", "drafts", NULL);
  g_autofree char *draft_path = NULL;
  g_autofree char *draft_text = NULL;
  guint saves;

  open_new_dossier ();
  form = kyso_dossier_wizard_get_applicant_form (wizard ());
  /* Prefilled from the account. */
  typed = kyso_dossier_applicant_get (form);
  g_assert_cmpstr (typed->full_name, ==, json_object_get_string_member (citizen, "name"));
  g_assert_cmpstr (typed->id_number, ==, CCCD);
  g_assert_cmpstr (typed->phone, ==, json_object_get_string_member (citizen, "phone"));
  g_assert_cmpstr (typed->email, ==, json_object_get_string_member (citizen, "email"));
  shot ("portal-07-step1-prefilled");

  /* Next checks the step: the first missing field is named and marked. */
  activate (GTK_WIDGET (wizard ()), "dossier.next", NULL);
  g_assert_cmpint (kyso_dossier_wizard_get_step (wizard ()), ==, KYSO_DOSSIER_STEP_INFORMATION);
  g_assert_nonnull (kyso_dossier_wizard_get_error (wizard ()));
  g_assert_nonnull (kyso_dossier_applicant_get_marked (form));
  shot ("portal-08-step1-missing");

  fill_step1_rest ();
  kyso_test_wait_until (draft_saved, GUINT_TO_POINTER (0), 10000);
  saves = kyso_dossier_wizard_get_saves (wizard ());
  activate (GTK_WIDGET (wizard ()), "dossier.next", NULL);
  g_assert_null (kyso_dossier_wizard_get_error (wizard ()));
  g_assert_cmpint (kyso_dossier_wizard_get_step (wizard ()), ==, KYSO_DOSSIER_STEP_COMPONENTS);
  g_assert_cmpstr (kyso_dossier_get_applicant (kyso_dossier_wizard_get_dossier (wizard ()))->birth_date, ==,
                   "1990-03-15");

  /* A draft at every step; the ID number stays out of the file (it is in the keyring). */
  kyso_test_wait_until (draft_saved, GUINT_TO_POINTER (saves), 10000);
  draft_path = g_strdup_printf ("%s/%s.json", drafts_dir,
                                kyso_dossier_get_draft_id (kyso_dossier_wizard_get_dossier (wizard ())));
  g_assert_true (g_file_get_contents (draft_path, &draft_text, NULL, NULL));
  g_assert_nonnull (strstr (draft_text, "Hùng Vương"));
  g_assert_null (strstr (draft_text, CCCD));
}

static void
test_components (void)
{
  g_autofree char *txt_dir = kyso_test_make_tmpdir ("wrong");
  g_autofree char *txt = g_build_filename (txt_dir, "ghi-chu.txt", NULL);
  g_autoptr(GFile) txt_file = g_file_new_for_path (txt);
  g_autofree char *original_before = NULL;
  g_autofree char *original_after = NULL;
  gsize len_before, len_after;
  GtkWindow *dialog;
  GPtrArray *records;

  /* A type the procedure does not take is refused before anything is sent, and said why. */
  g_assert_true (g_file_set_contents (txt, "ghi chú", -1, NULL));
  g_assert_false (kyso_dossier_components_attach (components (), "to-khai-khai-sinh", txt_file));
  g_assert_cmpint (kyso_component_row_get_state (row ("to-khai-khai-sinh")), ==, KYSO_COMPONENT_FAILED);
  g_assert_nonnull (kyso_component_row_get_detail (row ("to-khai-khai-sinh")));
  shot ("portal-09-step2-refused-type");

  attach_both ();
  g_assert_cmpint (kyso_component_row_get_state (row ("to-khai-khai-sinh")), ==, KYSO_COMPONENT_ATTACHED);
  g_assert_cmpint (kyso_component_row_get_state (row ("giay-chung-sinh")), ==, KYSO_COMPONENT_ATTACHED);
  g_assert_cmpuint (g_list_model_get_n_items (kyso_dossier_components_get_profiles (components ())), ==, 1);
  shot ("portal-10-step2-attached");
  g_assert_true (g_file_get_contents (pdf_paths[0], &original_before, &len_before, NULL));

  /* Both files, one approval on the phone (the sandbox's phone approves after 2 s). */
  activate (GTK_WIDGET (components ()), "components.sign-all", NULL);
  kyso_test_wait_until (phone_waiting, NULL, 30000);
  {
    GtkWindow *wait = kyso_dossier_components_get_wait_dialog (components ());
    g_autofree char *png = NULL;

    kyso_test_wait_ms (300);
    png = kyso_test_save_png (GTK_WIDGET (wait), "portal-11-sign-wait");
    g_test_message ("saved %s", png);
  }
  kyso_test_wait_until (components_idle, NULL, 60000);
  g_assert_null (kyso_dossier_components_get_message (components ()));
  g_assert_cmpint (kyso_component_row_get_state (row ("to-khai-khai-sinh")), ==, KYSO_COMPONENT_SIGNED);
  g_assert_cmpint (kyso_component_row_get_state (row ("giay-chung-sinh")), ==, KYSO_COMPONENT_SIGNED);
  /* The original is untouched; the signed copy sits next to it. */
  g_assert_true (g_file_get_contents (pdf_paths[0], &original_after, &len_after, NULL));
  g_assert_cmpmem (original_before, len_before, original_after, len_after);
  shot ("portal-12-step2-signed");

  upload_all_and_wait ();
  shot ("portal-13-step2-uploaded");

  /* The portal's signing history of an uploaded component. */
  activate (GTK_WIDGET (components ()), "components.history", "to-khai-khai-sinh");
  dialog = kyso_dossier_components_get_history_dialog (components ());
  g_assert_nonnull (dialog);
  kyso_test_wait_until (history_loaded, dialog, 20000);
  g_assert_cmpstr (kyso_dossier_history_get_state (dialog), ==, "list");
  records = kyso_dossier_history_get_records (dialog);
  g_assert_cmpuint (records->len, ==, 1);
  g_assert_cmpstr (((KysoSigningRecord *)records->pdata[0])->signer, ==,
                   json_object_get_string_member (citizen, "name"));
  {
    g_autofree char *png = kyso_test_save_png (GTK_WIDGET (dialog), "portal-14-signing-history");
    g_test_message ("saved %s", png);
  }
  gtk_window_destroy (dialog);
}

static void
test_submit (void)
{
  KysoDossier *dossier = kyso_dossier_wizard_get_dossier (wizard ());
  g_autoptr(KysoDossier) reloaded = NULL;
  g_autoptr(GError) error = NULL;

  activate (GTK_WIDGET (wizard ()), "dossier.next", NULL);
  g_assert_cmpint (kyso_dossier_wizard_get_step (wizard ()), ==, KYSO_DOSSIER_STEP_FEES);
  shot ("portal-15-step3-fees");
  /* The declaration is required. */
  activate (GTK_WIDGET (wizard ()), "dossier.next", NULL);
  g_assert_cmpint (kyso_dossier_wizard_get_step (wizard ()), ==, KYSO_DOSSIER_STEP_FEES);
  g_assert_nonnull (kyso_dossier_wizard_get_error (wizard ()));
  shot ("portal-16-step3-declaration-missing");
  activate (GTK_WIDGET (wizard ()), "dossier.declaration", NULL);
  g_assert_true (kyso_dossier_get_declaration (dossier));
  activate (GTK_WIDGET (wizard ()), "dossier.next", NULL);
  g_assert_cmpint (kyso_dossier_wizard_get_step (wizard ()), ==, KYSO_DOSSIER_STEP_SUBMIT);
  shot ("portal-17-step4-submit");

  activate (GTK_WIDGET (wizard ()), "dossier.submit", NULL);
  kyso_test_wait_until (wizard_state_is, "done", 60000);
  first_code = g_strdup (kyso_dossier_get_code (dossier));
  g_assert_nonnull (first_code);
  g_assert_true (g_str_has_prefix (first_code, "000.00.20.H48-"));
  shot ("portal-18-done");

  /* The draft remembers the code. */
  kyso_test_wait_ms (500);
  reloaded = kyso_dossier_load_draft (kyso_dossier_get_draft_id (dossier), NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (kyso_dossier_get_code (reloaded), ==, first_code);
}

static void
test_tracking (void)
{
  KysoTrackingPage *tracking = kyso_dossiers_page_get_tracking_page (home);
  KysoDossierStatus *status;
  GtkWindow *dialog;

  /* "Track this dossier" on the last page. */
  activate (GTK_WIDGET (wizard ()), "portal.track", first_code);
  kyso_test_wait_until (home_state_is, "tracking", 5000);
  kyso_test_wait_until (tracking_state_is, "done", 20000);
  g_assert_cmpstr (kyso_tracking_page_get_state (tracking), ==, "found");
  status = kyso_tracking_page_get_status (tracking);
  g_assert_cmpstr (status->code, ==, first_code);
  g_assert_cmpuint (status->history->len, >=, 1);
  g_assert_cmpuint (status->files->len, ==, 2);
  shot ("portal-19-tracking");

  /* The sandbox holds both signed files, and each signature is valid (trusted chain, OCSP). */
  for (guint i = 0; i < status->files->len; i++)
    {
      KysoPortalFile *f = status->files->pdata[i];
      g_autofree char *stored = g_build_filename (sandbox->dir, "portal", "files", f->id, NULL);
      g_autoptr(JsonObject) report = NULL;
      JsonArray *signatures;
      JsonObject *sig;

      g_assert_true (g_file_test (stored, G_FILE_TEST_IS_REGULAR));
      g_assert_true (g_str_has_suffix (f->name, "-signed.pdf"));
      report = kyso_test_portal_verify (sandbox, stored);
      g_assert_cmpstr (json_object_get_string_member (report, "status"), ==, "valid");
      signatures = json_object_get_array_member (report, "signatures");
      g_assert_cmpuint (json_array_get_length (signatures), ==, 1);
      sig = json_array_get_object_element (signatures, 0);
      g_assert_cmpstr (json_object_get_string_member (sig, "national_id"), ==, CCCD);
      g_assert_cmpstr (json_object_get_string_member (sig, "signer"), ==,
                       json_object_get_string_member (citizen, "name"));
      g_assert_cmpstr (json_object_get_string_member (sig, "integrity"), ==, "ok");
    }

  activate (GTK_WIDGET (tracking), "tracking.file-history", ((KysoPortalFile *)status->files->pdata[0])->id);
  kyso_test_wait_until (tracking_history_shown, tracking, 20000);
  g_assert_cmpuint (kyso_tracking_page_get_history (tracking)->len, ==, 1);
  dialog = find_message_dialog ();
  g_assert_nonnull (dialog);
  {
    g_autofree char *png = kyso_test_save_png (GTK_WIDGET (dialog), "portal-20-tracking-signing-history");
    g_test_message ("saved %s", png);
  }
  gtk_window_destroy (dialog);

  /* An unknown code is said plainly. */
  kyso_tracking_page_track (tracking, "000.00.20.H48-000000-9999");
  kyso_test_wait_until (tracking_state_is, "done", 20000);
  g_assert_cmpstr (kyso_tracking_page_get_state (tracking), ==, "error");
  shot ("portal-21-tracking-unknown");

  /* Home lists the submitted dossier with its status. */
  activate (GTK_WIDGET (home), "portal.home", NULL);
  kyso_test_wait_until (home_ready, NULL, 20000);
  g_assert_cmpuint (g_list_model_get_n_items (kyso_dossiers_page_get_dossiers (home)), ==, 1);
  g_assert_nonnull (kyso_dossiers_page_get_dossier_status (home, first_code));
  shot ("portal-22-home-with-dossier");
}

static guint
sandbox_files (void)
{
  g_autoptr(JsonObject) state = kyso_test_portal_get (sandbox, "/control/portal/state");
  return (guint)json_object_get_int_member (state, "files");
}

/* A dropped upload and an expired token during the flow: recovered without starting over. */
static void
test_faults (void)
{
  KysoOidcClient *oidc
    = kyso_igate_portal_get_oidc_client (KYSO_IGATE_PORTAL (kyso_dossiers_page_get_portal (home)));
  guint refreshes, files;

  open_new_dossier ();
  fill_step1_rest ();
  activate (GTK_WIDGET (wizard ()), "dossier.next", NULL);
  g_assert_cmpint (kyso_dossier_wizard_get_step (wizard ()), ==, KYSO_DOSSIER_STEP_COMPONENTS);
  attach_both ();
  sign_all_and_wait ();

  files = sandbox_files ();
  refreshes = kyso_oidc_client_get_refresh_count (oidc);
  json_object_unref (kyso_test_portal_post (sandbox, "/control/fault", "{\"fault\": \"drop\"}"));
  json_object_unref (kyso_test_portal_post (sandbox, "/control/fault", "{\"fault\": \"token-expired\"}"));
  upload_all_and_wait ();
  /* The lost answers: Kyso finds the files it already sent (by name and size), one stored file each. */
  g_assert_cmpuint (sandbox_files (), ==, files + 2);
  g_assert_cmpuint (kyso_oidc_client_get_refresh_count (oidc), >, refreshes);

  /* The submission itself meets an expired token too, and a dropped answer. */
  json_object_unref (kyso_test_portal_post (sandbox, "/control/fault", "{\"clear\": true}"));
  json_object_unref (kyso_test_portal_post (sandbox, "/control/fault", "{\"fault\": \"token-expired\"}"));
  json_object_unref (kyso_test_portal_post (sandbox, "/control/fault", "{\"fault\": \"drop\"}"));
  submit_and_wait ();
  g_assert_cmpstr (kyso_dossier_get_code (kyso_dossier_wizard_get_dossier (wizard ())), !=, first_code);
  g_assert_cmpuint (sandbox_files (), ==, files + 2);
  json_object_unref (kyso_test_portal_post (sandbox, "/control/fault", "{\"clear\": true}"));
  shot ("portal-23-done-after-faults");
}

/* A file signed by someone else is stopped before upload, and the citizen is told why. */
static void
test_signer_mismatch (void)
{
  JsonObject *other = kyso_test_sandbox_get_citizen (sandbox, "051190000202");
  g_autofree char *dir = kyso_test_make_tmpdir ("other");
  g_autofree char *p12 = g_build_filename (dir, "other.p12", NULL);
  g_autofree char *signed_path = g_build_filename (dir, "to-khai-nguoi-khac-signed.pdf", NULL);
  g_autoptr(GFile) signed_file = g_file_new_for_path (signed_path);
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) openssl = NULL;
  const char *detail;

  /* Trần Thị Bình signs with her own key, outside the portal flow (kyso-cli sign --p12). */
  openssl = g_subprocess_new (G_SUBPROCESS_FLAGS_NONE, &error, "openssl", "pkcs12", "-export", "-in",
                              json_object_get_string_member (other, "cert_file"), "-inkey",
                              json_object_get_string_member (other, "key_file"), "-passout", "pass:kyso",
                              "-out", p12, NULL);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_wait_check (openssl, NULL, &error));
  g_assert_no_error (error);
  {
    g_autoptr(GSubprocess) sign = NULL;
    g_setenv ("KYSO_TEST_P12_PASSWORD", "kyso", TRUE);
    sign
      = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE, &error, g_getenv ("KYSO_CLI"), "sign", "--p12",
                          p12, "--p12-pass-env", "KYSO_TEST_P12_PASSWORD", pdf_paths[0], signed_path, NULL);
    g_assert_no_error (error);
    g_assert_true (g_subprocess_wait_check (sign, NULL, &error));
    g_assert_no_error (error);
  }

  open_new_dossier ();
  fill_step1_rest ();
  activate (GTK_WIDGET (wizard ()), "dossier.next", NULL);
  g_assert_true (kyso_dossier_components_attach (components (), "to-khai-khai-sinh", signed_file));
  activate (GTK_WIDGET (components ()), "components.upload", "to-khai-khai-sinh");
  kyso_test_wait_until (components_idle, NULL, 30000);
  g_assert_cmpint (kyso_component_row_get_state (row ("to-khai-khai-sinh")), ==, KYSO_COMPONENT_BLOCKED);
  detail = kyso_component_row_get_detail (row ("to-khai-khai-sinh"));
  g_assert_nonnull (strstr (detail, json_object_get_string_member (other, "name")));
  g_assert_nonnull (strstr (detail, "…0202"));
  g_assert_null (strstr (detail, CCCD));
  shot ("portal-24-signer-mismatch");

  /* The other component is signed in the document window, the signature placed by hand there;
   * the dossier takes the signed file. */
  {
    g_autoptr(GFile) b = g_file_new_for_path (pdf_paths[1]);
    KysoDocumentPage *page = kyso_window_get_document_page (window);
    KysoSignDialog *dialog;

    g_assert_true (kyso_dossier_components_attach (components (), "giay-chung-sinh", b));
    activate (GTK_WIDGET (components ()), "components.open", "giay-chung-sinh");
    g_assert_cmpstr (kyso_window_get_page (window), ==, "documents");
    kyso_test_wait_until (document_shown, (gpointer)pdf_paths[1], 20000);
    activate (GTK_WIDGET (page), "doc.place-signature", NULL);
    activate (GTK_WIDGET (page), "doc.confirm-placement", NULL);
    kyso_test_wait_until (sign_dialog_settled, NULL, 30000);
    dialog = kyso_document_page_get_sign_dialog (page);
    g_assert_cmpstr (kyso_sign_dialog_get_state (dialog), ==, "ready");
    {
      g_autofree char *png = NULL;
      kyso_test_wait_ms (300);
      png = kyso_test_save_png (GTK_WIDGET (dialog), "portal-25-document-window-sign");
      g_test_message ("saved %s", png);
    }
    activate (GTK_WIDGET (dialog), "sign.sign", NULL);
    kyso_test_wait_until (component_signed_elsewhere, (gpointer) "giay-chung-sinh", 60000);
    g_assert_nonnull (strstr (kyso_component_row_get_detail (row ("giay-chung-sinh")),
                              json_object_get_string_member (citizen, "name")));
    kyso_window_set_page (window, "dossiers");
    shot ("portal-26-signed-in-document-window");
  }
  activate (GTK_WIDGET (wizard ()), "dossier.close", NULL);
  kyso_test_wait_until (home_ready, NULL, 20000);
}

static void
restore_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GError *error = NULL;

  *(int *)user_data = kyso_portal_restore_session_finish (KYSO_PORTAL (source), result, &error) ? 1 : 0;
  g_assert_no_error (error);
}

static gboolean
is_set (gpointer value)
{
  return *(int *)value >= 0;
}

static void
test_logout (void)
{
  g_autoptr(KysoConfig) config = kyso_config_load (sandbox->config_file, NULL);
  g_autoptr(KysoPortal) fresh = kyso_portal_new_from_config (config, NULL);
  int restored = -1;

  activate (GTK_WIDGET (home), "portal.logout", NULL);
  kyso_test_wait_until (home_state_is, "login", 20000);
  g_assert_false (kyso_portal_is_logged_in (kyso_dossiers_page_get_portal (home)));
  shot ("portal-27-logged-out");
  /* Nothing left in the keyring to resume. */
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

  *(guint *)user_data += 1;
  if (curl == NULL)
    return FALSE;
  g_subprocess_wait_async (curl, NULL, NULL, NULL);
  g_object_unref (curl);
  return TRUE;
}

static void
test_login_browser (void)
{
  KysoLoginPage *login = kyso_dossiers_page_get_login_page (home);
  g_autofree char *body = g_strdup_printf ("{\"username\": \"%s\"}", CCCD);
  guint opened = 0;

  /* The sandbox's login page signs this citizen in at once (as a browser with a session would). */
  json_object_unref (kyso_test_portal_post (sandbox, "/control/portal/auto-login", body));
  kyso_login_page_set_open_uri_func (login, open_uri_with_curl, &opened);
  activate (GTK_WIDGET (login), "login.browser", NULL);
  g_assert_cmpstr (kyso_login_page_get_state (login), ==, "browser");
  kyso_test_wait_until (home_ready, NULL, 30000);
  g_assert_cmpuint (opened, ==, 1);
  g_assert_cmpstr (kyso_dossiers_page_get_account (home)->id_number, ==, CCCD);
  kyso_login_page_set_open_uri_func (login, NULL, NULL);
}

/* A failed assertion aborts the program: take the sandbox server down with it. */
static volatile pid_t sandbox_pid;

static void
on_fatal_signal (int signum)
{
  if (sandbox_pid > 0)
    kill (sandbox_pid, SIGTERM);
  signal (signum, SIG_DFL);
  raise (signum);
}

static gboolean
is_uploading (gpointer key)
{
  return kyso_component_row_get_state (kyso_dossier_components_get_row (components (), key))
         == KYSO_COMPONENT_UPLOADING;
}

static gboolean
is_blocked (gpointer key)
{
  return kyso_component_row_get_state (kyso_dossier_components_get_row (components (), key))
         == KYSO_COMPONENT_BLOCKED;
}

static void
clipboard_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  *(char **)user_data = gdk_clipboard_read_text_finish (GDK_CLIPBOARD (source), result, NULL);
}

static gboolean
have_text (gpointer slot)
{
  return *(char **)slot != NULL;
}

/* A draft resumed where it stopped; a component signed by someone else stops it; one file signed
 * alone; an upload cancelled and retried into one stored file; the code copied. */
static void
test_resume_cancel (void)
{
  g_autoptr(GFile) original = g_file_new_for_path (pdf_paths[0]);
  KysoDossier *draft = NULL;
  g_autofree char *copied = NULL;
  guint files;

  activate (GTK_WIDGET (home), "portal.home", NULL);
  kyso_test_wait_until (home_ready, NULL, 20000);
  g_assert_cmpuint (g_list_model_get_n_items (kyso_dossiers_page_get_dossiers (home)), ==, 3);
  for (guint i = 0; i < 3 && draft == NULL; i++)
    {
      g_autoptr(KysoDossier) d = g_list_model_get_item (kyso_dossiers_page_get_dossiers (home), i);
      if (kyso_dossier_get_code (d) == NULL)
        draft = d;
    }
  g_assert_nonnull (draft);
  shot ("portal-28-home-with-draft");

  activate (GTK_WIDGET (home), "portal.resume", kyso_dossier_get_draft_id (draft));
  kyso_test_wait_until (wizard_state_is, "steps", 20000);
  /* A file is not uploaded yet (it is signed by someone else): step 2, where it can be dealt with. */
  g_assert_cmpint (kyso_dossier_wizard_get_step (wizard ()), ==, KYSO_DOSSIER_STEP_COMPONENTS);
  kyso_test_wait_until (is_blocked, "to-khai-khai-sinh", 20000);
  activate (GTK_WIDGET (wizard ()), "dossier.declaration", NULL);
  activate (GTK_WIDGET (wizard ()), "dossier.next", NULL);
  g_assert_cmpint (kyso_dossier_wizard_get_step (wizard ()), ==, KYSO_DOSSIER_STEP_COMPONENTS);
  g_assert_nonnull (strstr (kyso_dossier_wizard_get_error (wizard ()), "someone else"));
  shot ("portal-29-resumed-blocked");

  /* The citizen's own file instead. Refused on the phone first: nothing is signed, and the
   * waiting window says so and what to do. */
  g_assert_true (kyso_dossier_components_attach (components (), "to-khai-khai-sinh", original));
  json_object_unref (kyso_test_portal_post (sandbox, "/phone/policy", "{\"policy\": \"refuse-after=1\"}"));
  activate (GTK_WIDGET (components ()), "components.sign", "to-khai-khai-sinh");
  kyso_test_wait_until (components_idle, NULL, 60000);
  g_assert_cmpint (kyso_component_row_get_state (row ("to-khai-khai-sinh")), ==, KYSO_COMPONENT_ATTACHED);
  g_assert_nonnull (strstr (kyso_dossier_components_get_message (components ()), "refused"));
  {
    GtkWindow *wait = kyso_dossier_components_get_wait_dialog (components ());
    g_autofree char *png = NULL;

    g_assert_nonnull (wait);
    g_assert_cmpstr (kyso_phone_wait_get_state (kyso_dossier_wait_get_phone_wait (KYSO_DOSSIER_WAIT (wait))),
                     ==, "refused");
    kyso_test_wait_ms (300);
    png = kyso_test_save_png (GTK_WIDGET (wait), "portal-30-refused-on-phone");
    g_test_message ("saved %s", png);
    gtk_window_close (wait);
  }
  json_object_unref (kyso_test_portal_post (sandbox, "/phone/policy", "{\"policy\": \"approve-after=2\"}"));
  activate (GTK_WIDGET (components ()), "components.sign", "to-khai-khai-sinh");
  kyso_test_wait_until (components_idle, NULL, 60000);
  g_assert_cmpint (kyso_component_row_get_state (row ("to-khai-khai-sinh")), ==, KYSO_COMPONENT_SIGNED);

  /* A slow portal: the upload is cancelled, then sent again — one stored file. */
  files = sandbox_files ();
  json_object_unref (kyso_test_portal_post (sandbox, "/control/fault", "{\"fault\": \"slow=4\"}"));
  activate (GTK_WIDGET (components ()), "components.upload", "to-khai-khai-sinh");
  kyso_test_wait_until (is_uploading, "to-khai-khai-sinh", 20000);
  kyso_test_wait_ms (1500);
  shot ("portal-31-uploading");
  activate (GTK_WIDGET (components ()), "components.cancel", "to-khai-khai-sinh");
  kyso_test_wait_until (components_idle, NULL, 20000);
  g_assert_cmpint (kyso_component_row_get_state (row ("to-khai-khai-sinh")), ==, KYSO_COMPONENT_SIGNED);
  /* Cancelling is no failure: the row says who signed, nothing else. */
  g_assert_true (g_str_has_prefix (kyso_component_row_get_detail (row ("to-khai-khai-sinh")), "Signed by"));
  json_object_unref (kyso_test_portal_post (sandbox, "/control/fault", "{\"clear\": true}"));
  upload_all_and_wait ();
  g_assert_cmpuint (sandbox_files (), ==, files + 2);

  submit_and_wait ();
  activate (GTK_WIDGET (wizard ()), "dossier.copy-code", NULL);
  gdk_clipboard_read_text_async (gtk_widget_get_clipboard (GTK_WIDGET (window)), NULL, clipboard_cb, &copied);
  kyso_test_wait_until (have_text, &copied, 10000);
  g_assert_cmpstr (copied, ==, kyso_dossier_get_code (kyso_dossier_wizard_get_dossier (wizard ())));
  shot ("portal-32-done-resumed");
}

static gboolean
n_dossiers_is (gpointer n)
{
  return home_ready (NULL)
         && g_list_model_get_n_items (kyso_dossiers_page_get_dossiers (home)) == GPOINTER_TO_UINT (n);
}

/* Home lists the drafts of the logged-in citizen only (a kiosk serves many); a draft is deleted
 * after a confirmation. */
static void
test_drafts (void)
{
  g_autoptr(KysoDossier) other = NULL;
  g_autoptr(KysoApplicant) stranger = kyso_applicant_new ();
  g_autoptr(GError) error = NULL;
  GtkWindow *dialog;
  guint before;

  activate (GTK_WIDGET (home), "portal.home", NULL);
  kyso_test_wait_until (home_ready, NULL, 20000);
  before = g_list_model_get_n_items (kyso_dossiers_page_get_dossiers (home));

  /* Another citizen's draft on the same computer. */
  other = kyso_dossier_new (kyso_dossier_wizard_get_procedure (wizard ()));
  stranger->full_name = g_strdup ("Trần Thị Bình");
  stranger->id_number = g_strdup ("051190000202");
  kyso_dossier_set_applicant (other, stranger);
  g_assert_true (kyso_dossier_save_draft (other, NULL, &error));
  g_assert_no_error (error);

  /* A new draft of this citizen's, left at step 1. */
  open_new_dossier ();
  activate (GTK_WIDGET (wizard ()), "dossier.close", NULL);
  kyso_test_wait_until (n_dossiers_is, GUINT_TO_POINTER (before + 1), 20000);
  for (guint i = 0; i < before + 1; i++)
    {
      g_autoptr(KysoDossier) d = g_list_model_get_item (kyso_dossiers_page_get_dossiers (home), i);
      g_assert_cmpstr (kyso_dossier_get_applicant (d)->id_number, ==, CCCD);
    }

  activate (GTK_WIDGET (home), "portal.delete-draft",
            kyso_dossier_get_draft_id (kyso_dossier_wizard_get_dossier (wizard ())));
  dialog = find_message_dialog ();
  g_assert_nonnull (dialog);
  {
    g_autofree char *png = NULL;
    kyso_test_wait_ms (300);
    png = kyso_test_save_png (GTK_WIDGET (dialog), "portal-33-delete-draft");
    g_test_message ("saved %s", png);
  }
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "delete");
  kyso_test_wait_until (n_dossiers_is, GUINT_TO_POINTER (before), 20000);
  /* The other citizen's draft is still there, just not shown. */
  g_assert_nonnull (kyso_dossier_load_draft (kyso_dossier_get_draft_id (other), NULL, &error));
  g_assert_no_error (error);
}

int
main (int argc, char **argv)
{
  const char *args[] = { "--phone", "approve-after=2", NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) stored = NULL;
  g_autofree char *config = NULL, *config_dir = NULL, *config_path = NULL;
  g_autoptr(KysoProfile) profile = NULL;
  g_autoptr(KysoProfileAccount) account = NULL;
  g_autoptr(GBytes) png = NULL;
  int status;

  setlocale (LC_ALL, "C.UTF-8");
  /* No accessibility bus: its daemon's greeting on stdout would break the TAP stream. */
  g_setenv ("GTK_A11Y", "none", TRUE);
  g_test_init (&argc, &argv, NULL);

  sandbox = kyso_test_sandbox_start (args, &error);
  g_assert_no_error (error);
  sandbox_pid = (pid_t)atoi (g_subprocess_get_identifier (sandbox->process));
  signal (SIGABRT, on_fatal_signal);
  signal (SIGTRAP, on_fatal_signal);
  signal (SIGSEGV, on_fatal_signal);
  citizen = kyso_test_sandbox_get_citizen (sandbox, "051090000101");
  g_assert_nonnull (citizen);

  /* The app's own configuration is the sandbox's kyso.conf (no secret in it). */
  g_assert_true (g_file_get_contents (sandbox->config_file, &config, NULL, NULL));
  config_dir = g_build_filename (g_get_user_config_dir (), "kyso", NULL);
  g_assert_cmpint (g_mkdir_with_parents (config_dir, 0700), ==, 0);
  config_path = g_build_filename (config_dir, "kyso.conf", NULL);
  g_assert_true (g_file_set_contents (config_path, config, -1, NULL));

  /* The NEAC service credentials, as `kyso-cli signing-credentials` stores them. */
  kyso_signing_credentials_store_async ("neac", json_object_get_string_member (sandbox->info, "sp_id"),
                                        json_object_get_string_member (sandbox->info, "sp_password"), NULL,
                                        kyso_test_portal_keep_result, &stored);
  kyso_test_wait_until (kyso_test_portal_have_result, &stored, 20000);
  g_assert_true (kyso_signing_credentials_store_finish (stored, &error));
  g_assert_no_error (error);
  g_clear_object (&stored);

  pdf_paths[0] = make_pdf ("to-khai-khai-sinh.pdf", "TỜ KHAI ĐĂNG KÝ KHAI SINH");
  pdf_paths[1] = make_pdf ("giay-chung-sinh.pdf", "GIẤY CHỨNG SINH");

  app = kyso_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_assert_no_error (error);

  /* The citizen's signature profile, as the Signatures page (or kyso-cli profiles add) makes it. */
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
  kyso_window_set_page (window, "dossiers");
  home = kyso_window_get_dossiers_page (window);

  g_test_add_func ("/portal/01-login-direct", test_login_direct);
  g_test_add_func ("/portal/02-search", test_search);
  g_test_add_func ("/portal/03-information", test_information);
  g_test_add_func ("/portal/04-components", test_components);
  g_test_add_func ("/portal/05-submit", test_submit);
  g_test_add_func ("/portal/06-tracking", test_tracking);
  g_test_add_func ("/portal/07-faults", test_faults);
  g_test_add_func ("/portal/08-signer-mismatch", test_signer_mismatch);
  g_test_add_func ("/portal/09-logout", test_logout);
  g_test_add_func ("/portal/10-login-browser", test_login_browser);
  g_test_add_func ("/portal/11-resume-cancel", test_resume_cancel);
  g_test_add_func ("/portal/12-drafts", test_drafts);
  status = g_test_run ();

  gtk_window_destroy (GTK_WINDOW (window));
  g_clear_object (&app);
  kyso_test_sandbox_stop (sandbox);
  g_free (pdf_paths[0]);
  g_free (pdf_paths[1]);
  g_free (first_code);
  return status;
}
