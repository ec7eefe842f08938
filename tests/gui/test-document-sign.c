/* test-document-sign.c: signing from the document window, end to end, through the app's own
 * actions: the real application and main window, a real profile in the real keyring, a real
 * PKCS#12 certificate from a test PKI (made by openssl), a real OCSP responder, the real PDF
 * engine and verifier. Checks the confirm dialog, the signed file's /Rect on plain and rotated,
 * cropped pages, the history panel saying "valid", and the warning for someone else's
 * certificate. A PNG of each step is saved under the build dir. */

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <locale.h>
#include <string.h>

#include "kyso-application.h"
#include "kyso-dossiers-page.h"
#include "kyso-dossier-wizard.h"
#include "kyso-dossier-applicant.h"
#include "kyso-dossier-components.h"
#include "kyso-login-page.h"
#include "kyso-tracking-page.h"
#include "kyso-document-page.h"
#include "kyso-p12-signer.h"
#include "kyso-pdf-document.h"
#include "kyso-profile-store.h"
#include "kyso-test-pki.h"
#include "kyso-test-png.h"
#include "kyso-window.h"
#include "test-document-pdf.h"
#include "test-document-util.h"

#define SIGNER_CCCD "001099012345" /* the UID of make-pki.sh's "signer" */
#define OTHER_CCCD "079088001122"

static KysoApplication *app;
static KysoWindow *window;
static KysoDocumentPage *page;
static char *workdir;

/* The PKCS#12 signer of the test PKI stands in for the citizen's CA. */
static KysoSigner *
p12_factory (KysoProfile *profile, KysoProfileAccount *account, gpointer user_data, GError **error)
{
  g_autofree char *path = kyso_test_pki_path ("signer.p12");
  return kyso_p12_signer_new (path, "secret-pass", error);
}

static gboolean
done_flag (gpointer data)
{
  return *(gboolean *)data;
}

static void
store_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GError) error = NULL;

  g_assert_true (kyso_profile_store_create_finish (KYSO_PROFILE_STORE (source), result, &error));
  g_assert_no_error (error);
  *(gboolean *)user_data = TRUE;
}

static void
store_profile (const char *name, const char *cccd, int variant)
{
  g_autoptr (KysoProfile) profile = kyso_profile_new ();
  g_autoptr (KysoProfileAccount) account = kyso_profile_account_new ("vnpt-ca", cccd);
  g_autoptr (GBytes) png = kyso_test_make_signature_png (360, 140, variant);
  gboolean done = FALSE;

  kyso_profile_set_display_name (profile, name);
  kyso_profile_set_image (profile, png);
  kyso_profile_set_phone (profile, "0912345678");
  kyso_profile_set_keyword (profile, "Nguoi lam don");
  kyso_profile_add_account (profile, account);
  kyso_profile_store_create_async (kyso_application_get_profile_store (app), profile, NULL, store_done,
                                   &done);
  kyso_test_wait_until (done_flag, &done, 20000);
}

static KysoDocumentPage *
find_page (GtkWidget *widget)
{
  if (KYSO_IS_DOCUMENT_PAGE (widget))
    return KYSO_DOCUMENT_PAGE (widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child;
       child = gtk_widget_get_next_sibling (child))
    {
      KysoDocumentPage *found = find_page (child);
      if (found)
        return found;
    }
  return NULL;
}

typedef struct
{
  gboolean done;
  GError *error;
} Opened;

static void
open_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Opened *o = user_data;

  kyso_document_page_open_finish (KYSO_DOCUMENT_PAGE (source), result, &o->error);
  o->done = TRUE;
}

static gboolean
view_ready (gpointer data)
{
  return kyso_document_view_get_ready (kyso_document_page_get_view (page));
}

static void
open_document (const char *path)
{
  g_autoptr (GFile) file = g_file_new_for_path (path);
  Opened o = { 0 };

  kyso_document_page_open_async (page, file, NULL, open_cb, &o);
  kyso_test_wait_until (done_flag, &o.done, 10000);
  g_assert_no_error (o.error);
  kyso_test_wait_until (view_ready, NULL, 10000);
}

static gboolean
box_on_last_page (gpointer view)
{
  return kyso_signature_box_get_page (kyso_document_view_get_signature_box (view)) == 2;
}

static gboolean
dialog_state_is (gpointer state)
{
  KysoSignDialog *dialog = kyso_document_page_get_sign_dialog (page);
  return dialog != NULL && g_strcmp0 (kyso_sign_dialog_get_state (dialog), state) == 0;
}

static gboolean
dialog_settled (gpointer data)
{
  KysoSignDialog *dialog = kyso_document_page_get_sign_dialog (page);
  const char *state = dialog ? kyso_sign_dialog_get_state (dialog) : NULL;

  return g_strcmp0 (state, "ready") == 0 || g_strcmp0 (state, "blocked") == 0
         || g_strcmp0 (state, "certificate-error") == 0 || g_strcmp0 (state, "no-profile") == 0;
}

static gboolean
signed_and_checked (gpointer expected_output)
{
  GFile *file = kyso_document_page_get_file (page);

  return file != NULL && g_file_equal (file, expected_output)
         && g_strcmp0 (kyso_history_panel_get_state (kyso_document_page_get_history_panel (page)), "list")
              == 0
         && kyso_document_view_get_ready (kyso_document_page_get_view (page));
}

/* The /Rect of the (only) signature widget in @path. */
static void
read_signature_rect (const char *path, double rect[4])
{
  g_autoptr (GError) error = NULL;
  g_autoptr (KysoPdfDocument) doc = kyso_pdf_document_open (path, &error);
  g_autoptr (GPtrArray) fields = NULL;
  g_autoptr (KysoPdfObject) field = NULL;
  KysoPdfObject *r;
  guint found = 0;

  g_assert_no_error (error);
  fields = kyso_pdf_document_list_fields (doc, &error);
  g_assert_no_error (error);
  g_ptr_array_set_free_func (fields, (GDestroyNotify)kyso_pdf_field_free);
  for (guint i = 0; i < fields->len; i++)
    {
      KysoPdfField *f = fields->pdata[i];
      if (f->is_signature && f->value != NULL)
        {
          found++;
          field = kyso_pdf_document_get_object (doc, f->num, &error);
          g_assert_no_error (error);
        }
    }
  g_assert_cmpuint (found, ==, 1);
  r = kyso_pdf_dict_get (field, "Rect");
  g_assert_nonnull (r);
  g_assert_cmpuint (kyso_pdf_array_get_length (r), ==, 4);
  for (guint i = 0; i < 4; i++)
    rect[i] = kyso_pdf_object_get_number (kyso_pdf_array_get (r, i), NULL);
  /* Normalise (x0 < x1, y0 < y1) as readers do. */
  if (rect[0] > rect[2])
    {
      double t = rect[0];
      rect[0] = rect[2], rect[2] = t;
    }
  if (rect[1] > rect[3])
    {
      double t = rect[1];
      rect[1] = rect[3], rect[3] = t;
    }
}

static void
close_dialog (void)
{
  KysoSignDialog *dialog = kyso_document_page_get_sign_dialog (page);

  /* Closed the way a person closes it (destroying it right after a snapshot upsets
   * libadwaita 1.2 when the main window goes later). */
  if (dialog != NULL)
    gtk_window_close (GTK_WINDOW (dialog));
  kyso_test_wait_ms (100);
}

/* Keyword placement, confirm, sign, read the history: the citizen's main path. */
static void
test_sign_by_keyword (void)
{
  g_autofree char *path = g_build_filename (workdir, "don-xin.pdf", NULL);
  g_autofree char *out_path = g_build_filename (workdir, "don-xin-signed.pdf", NULL);
  g_autoptr (GFile) output = g_file_new_for_path (out_path);
  KysoDocumentView *view;
  KysoSignDialog *dialog;
  KysoHistoryPanel *history;
  g_autoptr (KysoHistoryEntry) entry = NULL;
  KysoPageRect placed;
  guint placed_page;
  gboolean invisible;
  double rect[4];

  g_assert_true (kyso_test_pdf_write_simple (path, 3, "Nguoi lam don", 3, NULL));
  open_document (path);
  view = kyso_document_page_get_view (page);

  /* The profile's keyword puts the box on page 3. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "doc.place-signature", NULL));
  kyso_test_wait_until (box_on_last_page, view, 10000);
  kyso_test_wait_until (view_ready, NULL, 10000);
  g_free (kyso_test_save_png (GTK_WIDGET (window), "sign-1-placement"));

  /* Enter on the box: the position is kept and the confirm dialog opens. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (kyso_document_view_get_signature_box (view)),
                                             "box.confirm", NULL));
  g_assert_true (kyso_document_page_get_placement (page, &placed_page, &placed, &invisible));
  g_assert_cmpuint (placed_page, ==, 2);
  kyso_test_wait_until (dialog_settled, NULL, 20000);
  dialog = kyso_document_page_get_sign_dialog (page);
  g_assert_cmpstr (kyso_sign_dialog_get_state (dialog), ==, "ready");
  g_assert_null (kyso_sign_dialog_get_warning (dialog));
  g_assert_cmpstr (kyso_profile_get_display_name (kyso_sign_dialog_get_profile (dialog)), ==,
                   "Nguyễn Văn An");
  g_assert_true (g_file_equal (kyso_sign_dialog_get_output (dialog), output));
  kyso_test_wait_ms (500); /* the appearance preview */
  g_free (kyso_test_save_png (GTK_WIDGET (dialog), "sign-2-confirm"));

  /* Sign: the signed file opens in the page with its history. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "sign.sign", NULL));
  kyso_test_wait_until (signed_and_checked, output, 30000);
  g_assert_null (kyso_document_page_get_sign_dialog (page));
  g_free (kyso_test_save_png (GTK_WIDGET (window), "sign-3-signed-history"));

  history = kyso_document_page_get_history_panel (page);
  g_assert_cmpuint (g_list_model_get_n_items (kyso_history_panel_get_entries (history)), ==, 1);
  entry = g_list_model_get_item (kyso_history_panel_get_entries (history), 0);
  g_assert_cmpstr (kyso_history_entry_get_signer_name (entry), ==, "Nguyễn Văn An");
  g_assert_nonnull (kyso_history_entry_get_issuer (entry));
  g_assert_nonnull (kyso_history_entry_get_signing_time (entry));
  g_assert_cmpint (kyso_history_entry_get_status (entry), ==, KYSO_HISTORY_STATUS_VALID);

  /* The widget's /Rect is the box the citizen confirmed, in user space. */
  read_signature_rect (out_path, rect);
  g_assert_cmpfloat_with_epsilon (rect[0], placed.x0, 0.01);
  g_assert_cmpfloat_with_epsilon (rect[1], placed.y0, 0.01);
  g_assert_cmpfloat_with_epsilon (rect[2], placed.x1, 0.01);
  g_assert_cmpfloat_with_epsilon (rect[3], placed.y1, 0.01);
  /* The original is untouched. */
  {
    g_autofree char *original = NULL;
    g_assert_true (g_file_get_contents (path, &original, NULL, NULL));
    g_assert_null (strstr (original, "/ByteRange"));
  }
}

/* On a page turned 90° with an off-centre CropBox, keyboard moves at a zoom give a /Rect the
 * geometry predicts, and poppler draws the signature there. */
static void
test_sign_rotated_by_keyboard (void)
{
  g_autofree char *path = g_build_filename (workdir, "xoay.pdf", NULL);
  g_autofree char *out_path = g_build_filename (workdir, "xoay-signed.pdf", NULL);
  g_autoptr (GFile) output = g_file_new_for_path (out_path);
  KysoTestPage pages[2] = { 0 };
  KysoDocumentView *view;
  KysoSignatureBox *box;
  KysoSignDialog *dialog;
  KysoPageRect start = { 300, 200, 500, 280 };
  double rect[4];

  for (guint i = 0; i < 2; i++)
    {
      pages[i].media[2] = 612, pages[i].media[3] = 792;
      pages[i].crop[0] = 36, pages[i].crop[1] = 72, pages[i].crop[2] = 576, pages[i].crop[3] = 756;
      pages[i].text = "Trang xoay";
      pages[i].text_x = 72, pages[i].text_y = 600;
    }
  pages[1].rotate = 270;
  g_assert_true (kyso_test_pdf_write (path, pages, 2, NULL));
  open_document (path);
  view = kyso_document_page_get_view (page);
  box = kyso_document_view_get_signature_box (view);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "doc.zoom-in", NULL));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "doc.place-signature", NULL));
  kyso_document_view_begin_placement (view, 1, &start);
  for (int i = 0; i < 4; i++)
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (box), "box.move", "(iib)", -1, 0, FALSE));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (box), "box.move", "(iib)", 0, 1, FALSE));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (box), "box.resize", "(iib)", 0, 2, FALSE));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (box), "box.confirm", NULL));

  kyso_test_wait_until (dialog_settled, NULL, 20000);
  dialog = kyso_document_page_get_sign_dialog (page);
  g_assert_cmpstr (kyso_sign_dialog_get_state (dialog), ==, "ready");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "sign.sign", NULL));
  kyso_test_wait_until (signed_and_checked, output, 30000);
  g_free (kyso_test_save_png (GTK_WIDGET (window), "sign-4-rotated-signed"));

  /* Shown box (280, 205)–(480, 295) on page 2, crop 540 × 684 turned 270° (shown 684 × 540):
   * a point (u, v) on screen is (crop.x0 + 540 − v, crop.y1 − u) in user space. */
  read_signature_rect (out_path, rect);
  g_assert_cmpfloat_with_epsilon (rect[0], 36 + 540 - 295, 0.01);
  g_assert_cmpfloat_with_epsilon (rect[2], 36 + 540 - 205, 0.01);
  g_assert_cmpfloat_with_epsilon (rect[1], 756 - 480, 0.01);
  g_assert_cmpfloat_with_epsilon (rect[3], 756 - 280, 0.01);
}

/* A profile whose ID is not the certificate's: a clear warning, and no way to sign. */
static void
test_certificate_mismatch (void)
{
  g_autofree char *path = g_build_filename (workdir, "khac.pdf", NULL);
  KysoSignDialog *dialog;
  const char *warning;

  g_assert_true (kyso_test_pdf_write_simple (path, 1, NULL, 0, NULL));
  store_profile ("Lê Thị Cúc", OTHER_CCCD, 1);
  open_document (path);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "doc.place-signature", NULL));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "doc.confirm-placement", NULL));
  kyso_test_wait_until (dialog_settled, NULL, 20000);
  dialog = kyso_document_page_get_sign_dialog (page);

  /* Profiles are sorted by name; choose "Lê Thị Cúc" (the first). */
  for (guint i = 0;
       g_strcmp0 (kyso_profile_get_display_name (kyso_sign_dialog_get_profile (dialog)), "Lê Thị Cúc") != 0;
       i++)
    {
      g_assert_cmpuint (i, <, 2);
      g_object_set (gtk_widget_get_template_child (GTK_WIDGET (dialog), KYSO_TYPE_SIGN_DIALOG, "profile_row"),
                    "selected", i, NULL);
    }
  kyso_test_wait_until (dialog_state_is, (gpointer) "blocked", 20000);
  warning = kyso_sign_dialog_get_warning (dialog);
  g_assert_nonnull (warning);
  g_assert_nonnull (strstr (warning, "2345"));                         /* the certificate's number, masked */
  g_assert_nonnull (strstr (warning, "1122"));                         /* the profile's */
  gtk_widget_activate_action (GTK_WIDGET (dialog), "sign.sign", NULL); /* disabled: nothing happens */
  g_assert_cmpstr (kyso_sign_dialog_get_state (dialog), ==, "blocked");
  g_free (kyso_test_save_png (GTK_WIDGET (dialog), "sign-5-certificate-mismatch"));
  close_dialog ();
}

int
main (int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *config_dir = NULL, *config = NULL, *root = NULL;
  KysoTestPki *pki;
  GPid ocsp;
  int status;

  setlocale (LC_ALL, "C.UTF-8");
  gtk_test_init (&argc, &argv, NULL);
  /* As ui/main.c does: with LANGUAGE=vi the same run shows (and pictures) Vietnamese. */
  bindtextdomain (GETTEXT_PACKAGE, g_getenv ("KYSO_LOCALEDIR") ? g_getenv ("KYSO_LOCALEDIR") : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE); /* the templates' strings */

  /* A real PKI and OCSP responder; the verifier trusts its root through the configuration file,
   * which the application reads at startup like any citizen's. */
  pki = kyso_test_pki_get ();
  ocsp = kyso_test_ocsp_start ();
  root = kyso_test_pki_path ("root/root.pem");
  config_dir = g_build_filename (g_get_user_config_dir (), "kyso", NULL);
  g_assert_cmpint (g_mkdir_with_parents (config_dir, 0700), ==, 0);
  config = g_build_filename (config_dir, "kyso.conf", NULL);
  {
    g_autofree char *text = g_strdup_printf ("[trust]\nanchors=%s\n", root);
    g_assert_true (g_file_set_contents (config, text, -1, NULL));
  }
  workdir = kyso_test_make_tmpdir ("sign");

  app = kyso_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_assert_no_error (error);
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);

  store_profile ("Nguyễn Văn An", SIGNER_CCCD, 0);
  window = kyso_window_new (app);
  gtk_window_set_default_size (GTK_WINDOW (window), 1100, 780);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-page", "s", "documents"));
  page = find_page (GTK_WIDGET (window));
  g_assert_nonnull (page);
  kyso_document_page_set_signer_factory (page, p12_factory, NULL);

  g_test_add_func ("/document-sign/by-keyword", test_sign_by_keyword);
  g_test_add_func ("/document-sign/rotated-by-keyboard", test_sign_rotated_by_keyboard);
  g_test_add_func ("/document-sign/certificate-mismatch", test_certificate_mismatch);
  status = g_test_run ();

  gtk_window_destroy (GTK_WINDOW (window));
  /* Let cancelled workers (a verification's OCSP request, a signer's last poll) finish before
   * the process ends, so that nothing they hold looks like a leak. */
  kyso_test_wait_ms (1500);
  g_clear_object (&app);
  kyso_test_ocsp_stop (ocsp);
  (void)pki;
  return status;
}
