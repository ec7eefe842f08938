/* test-real-input.c: the document window driven by a real pointer and keyboard (XTest events
 * from the X server, a window manager giving the focus), as a person uses it: drag the
 * signature frame by a measured amount, resize it by a corner, click "Sign Here" and "Sign";
 * then place and sign with the keyboard alone. The signed files' /Rect must be where the frame
 * was put. A PNG of each step is saved under the build dir (real-input-*.png). */

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n-lib.h>
#include <locale.h>
#include <string.h>

#include "kyso-application.h"
#include "kyso-document-page.h"
#include "kyso-p12-signer.h"
#include "kyso-pdf-document.h"
#include "kyso-profile-store.h"
#include "kyso-sign-dialog.h"
#include "kyso-test-pki.h"
#include "kyso-test-png.h"
#include "kyso-window.h"
#include "test-document-pdf.h"
#include "test-document-util.h"
#include "test-input-util.h"

#define SIGNER_CCCD "001099012345" /* the UID of make-pki.sh's "signer" */
/* How far a dragged frame may be from where the pointer took it, in screen pixels. */
#define TOLERANCE_PX 2.0

static KysoApplication *app;
static KysoWindow *window;
static KysoDocumentPage *page;
static char *workdir;

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
store_profile (void)
{
  g_autoptr (KysoProfile) profile = kyso_profile_new ();
  g_autoptr (KysoProfileAccount) account = kyso_profile_account_new ("vnpt-ca", SIGNER_CCCD);
  g_autoptr (GBytes) png = kyso_test_make_signature_png (360, 140, 0);
  gboolean done = FALSE;

  kyso_profile_set_display_name (profile, "Nguyễn Văn An");
  kyso_profile_set_image (profile, png);
  kyso_profile_set_phone (profile, "0912345678");
  kyso_profile_set_keyword (profile, "Nguoi lam don");
  kyso_profile_add_account (profile, account);
  kyso_profile_store_create_async (kyso_application_get_profile_store (app), profile, NULL, store_done,
                                   &done);
  kyso_test_wait_until (done_flag, &done, 20000);
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
window_active (gpointer data)
{
  return gtk_window_is_active (GTK_WINDOW (window));
}

static gboolean
placing (gpointer data)
{
  return kyso_document_view_get_placing (kyso_document_page_get_view (page));
}

static gboolean
box_focused (gpointer box)
{
  return gtk_widget_has_focus (box);
}

static gboolean
dialog_ready (gpointer data)
{
  KysoSignDialog *dialog = kyso_document_page_get_sign_dialog (page);

  return dialog != NULL && g_strcmp0 (kyso_sign_dialog_get_state (dialog), "ready") == 0
         && gtk_widget_get_mapped (GTK_WIDGET (dialog)) && gtk_window_is_active (GTK_WINDOW (dialog));
}

static gboolean
signed_shown (gpointer expected_output)
{
  GFile *file = kyso_document_page_get_file (page);

  return file != NULL && g_file_equal (file, expected_output)
         && kyso_document_page_get_sign_dialog (page) == NULL
         && kyso_document_view_get_ready (kyso_document_page_get_view (page));
}

/* The visible button under @root that activates @action, as a person finds it by its place. */
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
page_button (const char *action)
{
  GtkWidget *w = find_button (GTK_WIDGET (page), action);

  g_assert_nonnull (w);
  return w;
}

static GtkWidget *
dialog_button (const char *action)
{
  GtkWidget *w = find_button (GTK_WIDGET (kyso_document_page_get_sign_dialog (page)), action);

  g_assert_nonnull (w);
  return w;
}

/* The /Rect of the (only) signature widget in @path, normalised. */
static void
read_signature_rect (const char *path, double rect[4])
{
  g_autoptr (GError) error = NULL;
  g_autoptr (KysoPdfDocument) doc = kyso_pdf_document_open (path, &error);
  g_autoptr (GPtrArray) fields = NULL;
  g_autoptr (KysoPdfObject) field = NULL;
  KysoPdfObject *r;

  g_assert_no_error (error);
  fields = kyso_pdf_document_list_fields (doc, &error);
  g_assert_no_error (error);
  g_ptr_array_set_free_func (fields, (GDestroyNotify)kyso_pdf_field_free);
  for (guint i = 0; i < fields->len; i++)
    {
      KysoPdfField *f = fields->pdata[i];
      if (f->is_signature && f->value != NULL)
        {
          g_assert_null (field);
          field = kyso_pdf_document_get_object (doc, f->num, &error);
          g_assert_no_error (error);
        }
    }
  g_assert_nonnull (field);
  r = kyso_pdf_dict_get (field, "Rect");
  g_assert_nonnull (r);
  for (guint i = 0; i < 4; i++)
    rect[i] = kyso_pdf_object_get_number (kyso_pdf_array_get (r, i), NULL);
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

/* Where the frame is on screen: its top left corner in the window's coordinates. */
static void
box_on_screen (KysoSignatureBox *box, double *x, double *y)
{
  g_assert_true (gtk_widget_translate_coordinates (GTK_WIDGET (box), GTK_WIDGET (window), 0, 0, x, y));
}

static void
assert_moved (const KysoPageRect *before, const KysoPageRect *after, double dx_px, double dy_px, double ppp)
{
  g_test_message ("frame moved by (%.1f, %.1f) px for a drag of (%.0f, %.0f) px",
                  (after->x0 - before->x0) * ppp, (after->y0 - before->y0) * ppp, dx_px, dy_px);
  g_assert_cmpfloat_with_epsilon ((after->x0 - before->x0) * ppp, dx_px, TOLERANCE_PX);
  g_assert_cmpfloat_with_epsilon ((after->y0 - before->y0) * ppp, dy_px, TOLERANCE_PX);
  g_assert_cmpfloat_with_epsilon ((after->x1 - before->x1) * ppp, dx_px, TOLERANCE_PX);
  g_assert_cmpfloat_with_epsilon ((after->y1 - before->y1) * ppp, dy_px, TOLERANCE_PX);
}

/* Drag the frame with the pointer: slowly (a frame drawn between motions), then in one jump;
 * resize it by its corner; "Sign Here" and "Sign" clicked. */
static void
test_drag_and_sign (void)
{
  g_autofree char *path = g_build_filename (workdir, "keo-tha.pdf", NULL);
  g_autofree char *out_path = g_build_filename (workdir, "keo-tha-signed.pdf", NULL);
  g_autoptr (GFile) output = g_file_new_for_path (out_path);
  KysoDocumentView *view;
  KysoSignatureBox *box;
  KysoPageRect r0, r1, r2, r3, placed;
  guint placed_page;
  gboolean invisible;
  double ppp, sx0, sy0, sx1, sy1, w, h, rect[4];

  g_assert_true (kyso_test_pdf_write_simple (path, 2, NULL, 0, NULL));
  open_document (path);
  view = kyso_document_page_get_view (page);
  box = kyso_document_view_get_signature_box (view);
  ppp = kyso_document_view_get_pixels_per_point (view);

  /* The toolbar's "Sign…" button, clicked. */
  kyso_test_click (page_button ("doc.place-signature"));
  kyso_test_wait_until (placing, NULL, 5000);
  kyso_test_wait_until (view_ready, NULL, 10000);
  kyso_test_input_settle (GTK_WIDGET (box));
  g_free (kyso_test_save_png (GTK_WIDGET (window), "real-input-1-placing"));

  /* A slow drag up and to the left by (-150, -90) px, in 15 motions. */
  kyso_signature_box_get_rect (box, &r0);
  box_on_screen (box, &sx0, &sy0);
  w = gtk_widget_get_width (GTK_WIDGET (box)), h = gtk_widget_get_height (GTK_WIDGET (box));
  kyso_test_drag (GTK_WIDGET (box), w / 2, h / 2, -150, -90, 15);
  kyso_signature_box_get_rect (box, &r1);
  assert_moved (&r0, &r1, -150, -90, ppp);
  /* And on screen, where the citizen sees it. */
  box_on_screen (box, &sx1, &sy1);
  g_assert_cmpfloat_with_epsilon (sx1 - sx0, -150, TOLERANCE_PX);
  g_assert_cmpfloat_with_epsilon (sy1 - sy0, -90, TOLERANCE_PX);
  g_assert_true (gtk_widget_has_focus (GTK_WIDGET (box)));

  /* A fast drag: one motion of (100, 60) px, a frame drawn, then the release. */
  kyso_test_drag (GTK_WIDGET (box), w / 2, h / 2, 100, 60, 1);
  kyso_signature_box_get_rect (box, &r2);
  assert_moved (&r1, &r2, 100, 60, ppp);

  /* The lower right corner, dragged by (60, 30) px: the frame grows by that, its top left stays. */
  kyso_test_drag (GTK_WIDGET (box), w - 4, h - 4, 60, 30, 6);
  kyso_signature_box_get_rect (box, &r3);
  g_test_message ("frame resized by (%.1f, %.1f) px", (r3.x1 - r2.x1) * ppp, (r3.y1 - r2.y1) * ppp);
  g_assert_cmpfloat_with_epsilon ((r3.x1 - r2.x1) * ppp, 60, TOLERANCE_PX);
  g_assert_cmpfloat_with_epsilon ((r3.y1 - r2.y1) * ppp, 30, TOLERANCE_PX);
  g_assert_cmpfloat_with_epsilon (r3.x0, r2.x0, 1e-6);
  g_assert_cmpfloat_with_epsilon (r3.y0, r2.y0, 1e-6);
  g_free (kyso_test_save_png (GTK_WIDGET (window), "real-input-2-dragged"));

  /* "Sign Here", clicked: the position is kept and the confirm dialog opens. */
  kyso_test_click (page_button ("doc.confirm-placement"));
  g_assert_true (kyso_document_page_get_placement (page, &placed_page, &placed, &invisible));
  g_assert_false (invisible);
  kyso_test_wait_until (dialog_ready, NULL, 20000);
  kyso_test_wait_ms (300);
  g_free (
    kyso_test_save_png (GTK_WIDGET (kyso_document_page_get_sign_dialog (page)), "real-input-3-confirm"));
  kyso_test_click (dialog_button ("sign.sign"));
  kyso_test_wait_until (signed_shown, output, 30000);

  /* The signed widget is where the frame was dropped. */
  {
    KysoSignatureBox *b = box;
    KysoPageRect pdf;

    kyso_signature_box_get_pdf_rect (b, &pdf);
    read_signature_rect (out_path, rect);
    g_assert_cmpfloat_with_epsilon (rect[0], MIN (pdf.x0, pdf.x1), 0.01);
    g_assert_cmpfloat_with_epsilon (rect[1], MIN (pdf.y0, pdf.y1), 0.01);
    g_assert_cmpfloat_with_epsilon (rect[2], MAX (pdf.x0, pdf.x1), 0.01);
    g_assert_cmpfloat_with_epsilon (rect[3], MAX (pdf.y0, pdf.y1), 0.01);
  }
  g_free (kyso_test_save_png (GTK_WIDGET (window), "real-input-4-signed"));
}

/* Keyboard only: Tab to "Sign…", Enter, arrows move the frame, Shift+arrows resize it, Enter
 * confirms, Tab to "Sign" in the dialog, Enter signs. */
static void
test_keyboard_only (void)
{
  g_autofree char *path = g_build_filename (workdir, "ban-phim.pdf", NULL);
  g_autofree char *out_path = g_build_filename (workdir, "ban-phim-signed.pdf", NULL);
  g_autoptr (GFile) output = g_file_new_for_path (out_path);
  KysoSignatureBox *box;
  KysoPageRect r0, r1, pdf;
  double rect[4];
  int presses;

  g_assert_true (kyso_test_pdf_write_simple (path, 1, NULL, 0, NULL));
  open_document (path);
  box = kyso_document_view_get_signature_box (kyso_document_page_get_view (page));

  presses = kyso_test_tab_to (page_button ("doc.place-signature"), FALSE, 40);
  g_test_message ("“Sign…” reached with %d Tab presses", presses);
  g_assert_cmpint (presses, >=, 0);
  kyso_test_key (GDK_KEY_Return, 0);
  kyso_test_wait_until (placing, NULL, 5000);
  kyso_test_wait_until (box_focused, box, 5000);

  kyso_signature_box_get_rect (box, &r0);
  for (int i = 0; i < 4; i++)
    kyso_test_key (GDK_KEY_Left, 0);
  for (int i = 0; i < 2; i++)
    kyso_test_key (GDK_KEY_Up, 0);
  kyso_test_key (GDK_KEY_Right, GDK_SHIFT_MASK);
  kyso_test_key (GDK_KEY_Down, GDK_SHIFT_MASK | GDK_CONTROL_MASK);
  kyso_signature_box_get_rect (box, &r1);
  g_assert_cmpfloat_with_epsilon (r1.x0, r0.x0 - 4 * KYSO_SIGNATURE_BOX_STEP, 1e-6);
  g_assert_cmpfloat_with_epsilon (r1.y0, r0.y0 - 2 * KYSO_SIGNATURE_BOX_STEP, 1e-6);
  g_assert_cmpfloat_with_epsilon (r1.x1 - r1.x0, r0.x1 - r0.x0 + KYSO_SIGNATURE_BOX_STEP, 1e-6);
  g_assert_cmpfloat_with_epsilon (r1.y1 - r1.y0, r0.y1 - r0.y0 + 1.0, 1e-6);
  g_free (kyso_test_save_png (GTK_WIDGET (window), "real-input-5-keyboard"));

  kyso_test_key (GDK_KEY_Return, 0);
  kyso_test_wait_until (dialog_ready, NULL, 20000);
  presses = kyso_test_tab_to (dialog_button ("sign.sign"), FALSE, 30);
  g_test_message ("the dialog's “Sign” reached with %d Tab presses", presses);
  g_assert_cmpint (presses, >=, 0);
  kyso_test_key (GDK_KEY_Return, 0);
  kyso_test_wait_until (signed_shown, output, 30000);

  kyso_signature_box_get_pdf_rect (box, &pdf);
  read_signature_rect (out_path, rect);
  g_assert_cmpfloat_with_epsilon (rect[0], MIN (pdf.x0, pdf.x1), 0.01);
  g_assert_cmpfloat_with_epsilon (rect[3], MAX (pdf.y0, pdf.y1), 0.01);
}

int
main (int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *config_dir = NULL, *config = NULL, *root = NULL;
  GPid ocsp;
  int status;

  setlocale (LC_ALL, "C.UTF-8");
  /* No accessibility bus: its daemon's greeting on stdout would break the TAP stream. */
  g_setenv ("GTK_A11Y", "none", TRUE);
  gtk_test_init (&argc, &argv, NULL);
  bindtextdomain (GETTEXT_PACKAGE, g_getenv ("KYSO_LOCALEDIR") ? g_getenv ("KYSO_LOCALEDIR") : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  g_assert_true (kyso_test_input_init ());

  (void)kyso_test_pki_get ();
  ocsp = kyso_test_ocsp_start ();
  root = kyso_test_pki_path ("root/root.pem");
  config_dir = g_build_filename (g_get_user_config_dir (), "kyso", NULL);
  g_assert_cmpint (g_mkdir_with_parents (config_dir, 0700), ==, 0);
  config = g_build_filename (config_dir, "kyso.conf", NULL);
  {
    g_autofree char *text = g_strdup_printf ("[trust]\nanchors=%s\n", root);
    g_assert_true (g_file_set_contents (config, text, -1, NULL));
  }
  workdir = kyso_test_make_tmpdir ("real-input");

  app = kyso_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_assert_no_error (error);
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);

  store_profile ();
  window = kyso_window_new (app);
  gtk_window_set_default_size (GTK_WINDOW (window), 1100, 780);
  gtk_window_present (GTK_WINDOW (window));
  /* The window manager gives it the keyboard, as it does for a person's new window. */
  kyso_test_wait_until (window_active, NULL, 10000);
  kyso_window_set_page (window, "documents");
  page = kyso_window_get_document_page (window);
  kyso_document_page_set_signer_factory (page, p12_factory, NULL);

  g_test_add_func ("/real-input/drag-and-sign", test_drag_and_sign);
  g_test_add_func ("/real-input/keyboard-only", test_keyboard_only);
  status = g_test_run ();

  gtk_window_destroy (GTK_WINDOW (window));
  kyso_test_wait_ms (1500);
  g_clear_object (&app);
  kyso_test_ocsp_stop (ocsp);
  return status;
}
