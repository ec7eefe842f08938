/* test-document-page.c: the document page through its own actions — open, read, zoom, place
 * the signature by keyword and by keyboard, on plain, rotated and cropped pages — with a PNG of
 * every state under the build dir. */

#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <locale.h>

#include "kyso-application.h"
#include "kyso-document-page.h"
#include "kyso-history-panel.h"
#include "kyso-error.h"
#include "test-document-pdf.h"
#include "test-document-util.h"

typedef struct
{
  GtkWindow *window;
  KysoDocumentPage *page;
  char *dir;
} Fixture;

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  f->dir = kyso_test_make_tmpdir ("document");
  f->window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_default_size (f->window, 1000, 760);
  f->page = KYSO_DOCUMENT_PAGE (kyso_document_page_new ());
  gtk_window_set_child (f->window, GTK_WIDGET (f->page));
  gtk_window_present (f->window);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  gtk_window_destroy (f->window);
  kyso_test_wait_ms (50);
  g_free (f->dir);
}

typedef struct
{
  gboolean done;
  gboolean ok;
  GError *error;
} OpenResult;

static void
open_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  OpenResult *r = user_data;

  r->ok = kyso_document_page_open_finish (KYSO_DOCUMENT_PAGE (source), result, &r->error);
  r->done = TRUE;
}

static gboolean
open_result_done (gpointer data)
{
  return ((OpenResult *)data)->done;
}

static gboolean
view_ready (gpointer data)
{
  return kyso_document_view_get_ready (KYSO_DOCUMENT_VIEW (data));
}

/* Opens @path through the page and waits until the pages on screen are drawn. */
static void
open_and_wait (Fixture *f, const char *path)
{
  g_autoptr (GFile) file = g_file_new_for_path (path);
  OpenResult r = { 0 };

  kyso_document_page_open_async (f->page, file, NULL, open_cb, &r);
  kyso_test_wait_until (open_result_done, &r, 10000);
  g_assert_no_error (r.error);
  g_assert_true (r.ok);
  kyso_test_wait_until (view_ready, kyso_document_page_get_view (f->page), 10000);
}

static char *
write_simple (Fixture *f, const char *name, guint n_pages, const char *keyword, guint keyword_page)
{
  char *path = g_build_filename (f->dir, name, NULL);
  g_autoptr (GError) error = NULL;

  g_assert_true (kyso_test_pdf_write_simple (path, n_pages, keyword, keyword_page, &error));
  g_assert_no_error (error);
  return path;
}

static void
activate (Fixture *f, const char *action)
{
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->page), action, NULL));
}

static void
test_open (Fixture *f, gconstpointer data)
{
  g_autofree char *path = write_simple (f, "three.pdf", 3, NULL, 0);
  g_autofree char *png = NULL;
  KysoDocumentView *view = kyso_document_page_get_view (f->page);
  g_autoptr (GFile) expected = g_file_new_for_path (path);

  png = kyso_test_save_png (GTK_WIDGET (f->window), "document-empty");
  open_and_wait (f, path);
  g_assert_cmpuint (kyso_document_view_get_n_pages (view), ==, 3);
  g_assert_cmpuint (kyso_document_view_get_current_page (view), ==, 0);
  g_assert_true (g_file_equal (kyso_document_page_get_file (f->page), expected));
  g_assert_true (kyso_document_view_get_fit_width (view));
  g_free (png);
  png = kyso_test_save_png (GTK_WIDGET (f->window), "document-open");
  g_assert_true (g_file_test (png, G_FILE_TEST_EXISTS));

  /* Next page through the action, then the thumbnails sidebar. */
  activate (f, "doc.next-page");
  kyso_test_wait_until (view_ready, view, 5000);
  g_assert_cmpuint (kyso_document_view_get_current_page (view), ==, 1);
  activate (f, "doc.show-thumbnails");
  kyso_test_wait_ms (400); /* the sidebar slides in */
  g_free (png);
  png = kyso_test_save_png (GTK_WIDGET (f->window), "document-thumbnails");
}

static void
test_open_errors (Fixture *f, gconstpointer data)
{
  g_autofree char *text = g_build_filename (f->dir, "not-a.pdf", NULL);
  g_autofree char *missing = g_build_filename (f->dir, "missing.pdf", NULL);
  g_autoptr (GFile) file = NULL;
  g_autofree char *png = NULL;
  OpenResult r = { 0 };

  g_assert_true (g_file_set_contents (text, "Hello, this is not a PDF.\n", -1, NULL));
  file = g_file_new_for_path (text);
  kyso_document_page_open_async (f->page, file, NULL, open_cb, &r);
  kyso_test_wait_until (open_result_done, &r, 10000);
  g_assert_false (r.ok);
  g_assert_error (r.error, KYSO_ERROR, KYSO_ERROR_BROKEN_FILE);
  g_assert_null (kyso_document_page_get_file (f->page));
  png = kyso_test_save_png (GTK_WIDGET (f->window), "document-open-error");
  g_clear_error (&r.error);

  g_clear_object (&file);
  file = g_file_new_for_path (missing);
  r = (OpenResult){ 0 };
  kyso_document_page_open_async (f->page, file, NULL, open_cb, &r);
  kyso_test_wait_until (open_result_done, &r, 10000);
  g_assert_error (r.error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_clear_error (&r.error);

  /* A cancelled open reports cancellation and leaves the page as it was. */
  {
    g_autoptr (GCancellable) cancellable = g_cancellable_new ();
    g_autofree char *good = write_simple (f, "good.pdf", 1, NULL, 0);
    g_autoptr (GFile) good_file = g_file_new_for_path (good);

    r = (OpenResult){ 0 };
    g_cancellable_cancel (cancellable);
    kyso_document_page_open_async (f->page, good_file, cancellable, open_cb, &r);
    kyso_test_wait_until (open_result_done, &r, 10000);
    g_assert_error (r.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
    g_clear_error (&r.error);
    g_assert_null (kyso_document_page_get_file (f->page));
  }
}

static void
test_zoom (Fixture *f, gconstpointer data)
{
  g_autofree char *path = write_simple (f, "zoom.pdf", 2, NULL, 0);
  KysoDocumentView *view = kyso_document_page_get_view (f->page);
  double fit;

  open_and_wait (f, path);
  fit = kyso_document_view_get_zoom (view);
  activate (f, "doc.zoom-in");
  g_assert_false (kyso_document_view_get_fit_width (view));
  g_assert_cmpfloat (kyso_document_view_get_zoom (view), >, fit);
  activate (f, "doc.zoom-in");
  kyso_test_wait_until (view_ready, view, 5000);
  g_free (kyso_test_save_png (GTK_WIDGET (f->window), "document-zoomed-in"));
  activate (f, "doc.zoom-out");
  activate (f, "doc.zoom-out");
  activate (f, "doc.zoom-out");
  g_assert_cmpfloat (kyso_document_view_get_zoom (view), <, fit);
  activate (f, "doc.zoom-fit");
  g_assert_true (kyso_document_view_get_fit_width (view));
  g_assert_cmpfloat_with_epsilon (kyso_document_view_get_zoom (view), fit, 1e-9);
}

static gboolean
keyword_search_done (gpointer data)
{
  Fixture *f = data;
  KysoDocumentView *view = kyso_document_page_get_view (f->page);

  /* The search is done when the box has moved to the keyword's page (page 3 here). */
  return kyso_signature_box_get_page (kyso_document_view_get_signature_box (view)) == 2;
}

static void
test_place_by_keyword (Fixture *f, gconstpointer data)
{
  g_autofree char *path = write_simple (f, "keyword.pdf", 3, "Nguoi lam don", 3);
  KysoDocumentView *view = kyso_document_page_get_view (f->page);
  KysoSignatureBox *box = kyso_document_view_get_signature_box (view);
  KysoPageRect pdf;
  guint page;
  gboolean invisible;

  open_and_wait (f, path);
  kyso_document_page_set_signature_look (f->page, "nguoi lam DON", NULL, "Nguyễn Văn An");
  activate (f, "doc.place-signature");
  g_assert_true (kyso_document_view_get_placing (view));
  g_assert_true (gtk_widget_has_focus (GTK_WIDGET (box)));
  kyso_test_wait_until (keyword_search_done, f, 10000);
  kyso_test_wait_until (view_ready, view, 5000);
  g_free (kyso_test_save_png (GTK_WIDGET (f->window), "placement-keyword"));

  /* The keyword was drawn at x = 380, baseline y = 200 (14 pt Helvetica): the box sits just
   * under it, centred on it, at the placement rule's size (kyso-pdf-placement.h). */
  kyso_signature_box_get_pdf_rect (box, &pdf);
  g_assert_cmpfloat_with_epsilon (pdf.x1 - pdf.x0, KYSO_PDF_PLACEMENT_BOX_WIDTH, 1e-6);
  g_assert_cmpfloat_with_epsilon (pdf.y1 - pdf.y0, KYSO_PDF_PLACEMENT_BOX_HEIGHT, 1e-6);
  g_assert_cmpfloat (pdf.y1, <, 200);
  g_assert_cmpfloat (pdf.y1, >, 185);
  g_assert_cmpfloat ((pdf.x0 + pdf.x1) / 2, >, 400);
  g_assert_cmpfloat ((pdf.x0 + pdf.x1) / 2, <, 480);

  /* Enter on the box confirms. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (box), "box.confirm", NULL));
  g_assert_false (kyso_document_view_get_placing (view));
  g_assert_true (kyso_document_page_get_placement (f->page, &page, &pdf, &invisible));
  g_assert_cmpuint (page, ==, 2);
  g_assert_false (invisible);
}

static void
test_keyword_missing (Fixture *f, gconstpointer data)
{
  g_autofree char *path = write_simple (f, "nokeyword.pdf", 2, NULL, 0);
  KysoDocumentView *view = kyso_document_page_get_view (f->page);
  KysoSignatureBox *box = kyso_document_view_get_signature_box (view);
  KysoPageRect before, after;

  open_and_wait (f, path);
  kyso_document_page_set_signature_look (f->page, "Chu ky", NULL, NULL);
  activate (f, "doc.place-signature");
  kyso_signature_box_get_rect (box, &before);
  kyso_test_wait_ms (500);
  kyso_signature_box_get_rect (box, &after);
  /* Not found: the box stays where it was proposed, on the page on screen. */
  g_assert_cmpmem (&before, sizeof before, &after, sizeof after);
  g_assert_cmpuint (kyso_signature_box_get_page (box), ==, 0);
  g_free (kyso_test_save_png (GTK_WIDGET (f->window), "placement-keyword-missing"));

  /* Escape cancels: no placement recorded. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (box), "box.cancel", NULL));
  g_assert_false (kyso_document_view_get_placing (view));
  g_assert_false (kyso_document_page_get_placement (f->page, NULL, NULL, NULL));
}

/* Keyboard moves on a rotated, cropped page at two zoom levels land where the geometry says,
 * and the box never leaves the page. */
static void
test_place_by_keyboard (Fixture *f, gconstpointer data)
{
  g_autofree char *path = g_build_filename (f->dir, "rotated.pdf", NULL);
  KysoTestPage pages[2] = { 0 };
  KysoDocumentView *view = kyso_document_page_get_view (f->page);
  KysoSignatureBox *box = kyso_document_view_get_signature_box (view);
  KysoPageRect start = { 100, 100, 300, 180 }, r, pdf;
  guint page;
  gboolean invisible;

  for (guint i = 0; i < 2; i++)
    {
      pages[i].media[2] = 612, pages[i].media[3] = 792;
      pages[i].crop[0] = 36, pages[i].crop[1] = 72, pages[i].crop[2] = 576, pages[i].crop[3] = 756;
      pages[i].text = "Rotated page";
      pages[i].text_x = 72, pages[i].text_y = 600;
    }
  pages[1].rotate = 90;
  g_assert_true (kyso_test_pdf_write (path, pages, 2, NULL));
  open_and_wait (f, path);

  activate (f, "doc.zoom-in");
  kyso_document_view_begin_placement (view, 1, &start);
  /* 3 steps right, 2 down (5 points each), 1 fine step left; Shift: 2 steps wider. */
  for (int i = 0; i < 3; i++)
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (box), "box.move", "(iib)", 1, 0, FALSE));
  for (int i = 0; i < 2; i++)
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (box), "box.move", "(iib)", 0, 1, FALSE));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (box), "box.move", "(iib)", -1, 0, TRUE));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (box), "box.resize", "(iib)", 2, 0, FALSE));
  kyso_signature_box_get_rect (box, &r);
  g_assert_cmpfloat_with_epsilon (r.x0, 114, 1e-9);
  g_assert_cmpfloat_with_epsilon (r.y0, 110, 1e-9);
  g_assert_cmpfloat_with_epsilon (r.x1, 324, 1e-9);
  g_assert_cmpfloat_with_epsilon (r.y1, 190, 1e-9);
  kyso_test_wait_until (view_ready, view, 5000);
  g_free (kyso_test_save_png (GTK_WIDGET (f->window), "placement-keyboard-rotated"));

  /* Page shown 684 × 540 (crop 540 × 684 turned a quarter). (114, 110) on screen is
   * (crop.x0 + 110, crop.y0 + 114) in user space: turning clockwise sends the crop box's
   * bottom-left corner to the top-left of the screen. */
  activate (f, "doc.zoom-out");
  kyso_signature_box_get_pdf_rect (box, &pdf);
  g_assert_cmpfloat_with_epsilon (pdf.x0, 36 + 110, 1e-9);
  g_assert_cmpfloat_with_epsilon (pdf.x1, 36 + 190, 1e-9);
  g_assert_cmpfloat_with_epsilon (pdf.y0, 72 + 114, 1e-9);
  g_assert_cmpfloat_with_epsilon (pdf.y1, 72 + 324, 1e-9);

  /* Far right: stops at the page edge (684 wide), keeping its size. */
  for (int i = 0; i < 200; i++)
    gtk_widget_activate_action (GTK_WIDGET (box), "box.move", "(iib)", 1, 0, FALSE);
  kyso_signature_box_get_rect (box, &r);
  g_assert_cmpfloat_with_epsilon (r.x1, 684, 1e-9);
  g_assert_cmpfloat_with_epsilon (r.x1 - r.x0, 210, 1e-9);

  /* Page Up takes it to page 1; Enter confirms there. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (box), "box.page", "i", -1));
  g_assert_cmpuint (kyso_signature_box_get_page (box), ==, 0);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (box), "box.page", "i", -1)); /* no page 0: stays */
  g_assert_cmpuint (kyso_signature_box_get_page (box), ==, 0);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (box), "box.confirm", NULL));
  g_assert_true (kyso_document_page_get_placement (f->page, &page, &pdf, &invisible));
  g_assert_cmpuint (page, ==, 0);
  g_assert_false (invisible);
  /* Page 1 is not turned: shown = crop box, so the box is inside [36, 576] × [72, 756]. */
  g_assert_cmpfloat (pdf.x0, >=, 36);
  g_assert_cmpfloat (pdf.x1, <=, 576);
  g_assert_cmpfloat (pdf.y0, >=, 72);
  g_assert_cmpfloat (pdf.y1, <=, 756);
}

static void
test_invisible (Fixture *f, gconstpointer data)
{
  g_autofree char *path = write_simple (f, "invisible.pdf", 1, NULL, 0);
  KysoDocumentView *view = kyso_document_page_get_view (f->page);
  gboolean invisible = FALSE;

  open_and_wait (f, path);
  activate (f, "doc.place-signature");
  activate (f, "doc.invisible-signature");
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (kyso_document_view_get_signature_box (view))));
  g_free (kyso_test_save_png (GTK_WIDGET (f->window), "placement-invisible"));
  activate (f, "doc.confirm-placement");
  g_assert_true (kyso_document_page_get_placement (f->page, NULL, NULL, &invisible));
  g_assert_true (invisible);
}

static gboolean
history_settled (gpointer data)
{
  Fixture *f = data;
  const char *state = kyso_history_panel_get_state (kyso_document_page_get_history_panel (f->page));

  return g_strcmp0 (state, "list") == 0 || g_strcmp0 (state, "empty") == 0 || g_strcmp0 (state, "error") == 0;
}

/* "Kiểm tra chữ ký" on files signed elsewhere: the shadow-attack samples (NDSS 2021), where
 * stage 3 is genuinely signed and stage 4 was changed after signing. No login, no profile. */
static void
test_check_signatures (Fixture *f, gconstpointer data)
{
  const char *corpus = g_getenv ("KYSO_CORPUS_DIR");
  g_autofree char *dir = NULL, *signed_path = NULL, *changed_path = NULL, *plain = NULL;
  KysoHistoryPanel *history = kyso_document_page_get_history_panel (f->page);
  g_autoptr (KysoHistoryEntry) entry = NULL;

  dir = g_build_filename (corpus ? corpus : "", "shadow-attacks", "replace__variant-1_replace-via-overlay",
                          NULL);
  signed_path = g_build_filename (dir, "3_original-document-shadowed-signed.pdf", NULL);
  changed_path = g_build_filename (dir, "4_original-document-shadowed-signed-manipulated.pdf", NULL);
  if (corpus == NULL || !g_file_test (changed_path, G_FILE_TEST_EXISTS))
    {
      g_test_skip ("The shadow-attack corpus is not available");
      return;
    }

  /* A file without signatures says so. */
  plain = write_simple (f, "unsigned.pdf", 1, NULL, 0);
  open_and_wait (f, plain);
  activate (f, "doc.show-history");
  kyso_test_wait_until (history_settled, f, 30000);
  g_assert_cmpstr (kyso_history_panel_get_state (history), ==, "empty");
  g_free (kyso_test_save_png (GTK_WIDGET (f->window), "history-unsigned"));

  /* Opening another file while the panel shows checks that one. */
  open_and_wait (f, changed_path);
  kyso_test_wait_until (history_settled, f, 60000);
  g_assert_cmpstr (kyso_history_panel_get_state (history), ==, "list");
  entry = g_list_model_get_item (kyso_history_panel_get_entries (history), 0);
  g_assert_cmpint (kyso_history_entry_get_status (entry), ==, KYSO_HISTORY_STATUS_INVALID);
  g_assert_nonnull (kyso_history_entry_get_reason (entry));
  g_free (kyso_test_save_png (GTK_WIDGET (f->window), "history-shadow-attack"));
  g_clear_object (&entry);

  open_and_wait (f, signed_path);
  kyso_test_wait_until (history_settled, f, 60000);
  g_assert_cmpstr (kyso_history_panel_get_state (history), ==, "list");
  entry = g_list_model_get_item (kyso_history_panel_get_entries (history), 0);
  /* Intact; its signer's chain is not one Kyso trusts. */
  g_assert_cmpint (kyso_history_entry_get_status (entry), ==, KYSO_HISTORY_STATUS_WARNING);
}

static gboolean
current_page_is (gpointer data)
{
  Fixture *f = data;
  return kyso_document_view_get_current_page (kyso_document_page_get_view (f->page)) == 499
         && kyso_document_view_get_ready (kyso_document_page_get_view (f->page));
}

/* A 1000-page file: only what is on screen is drawn. */
static void
test_large_document (Fixture *f, gconstpointer data)
{
  g_autofree char *path = write_simple (f, "large.pdf", 1000, "Chu ky", 1000);
  KysoDocumentView *view = kyso_document_page_get_view (f->page);
  KysoPageRenderer *renderer;
  guint drawn;

  open_and_wait (f, path);
  renderer = kyso_document_page_get_renderer (f->page);
  g_assert_cmpuint (kyso_document_view_get_n_pages (view), ==, 1000);
  kyso_document_view_go_to_page (view, 499);
  kyso_test_wait_until (current_page_is, f, 10000);
  drawn = kyso_page_renderer_get_render_count (renderer);
  /* Page 1 (+ a neighbour), then page 500 (+ neighbours): a handful, never hundreds. */
  g_assert_cmpuint (drawn, <=, 10);

  /* The sidebar draws only the rows it shows. */
  activate (f, "doc.show-thumbnails");
  kyso_test_wait_ms (1000);
  g_assert_cmpuint (kyso_page_renderer_get_render_count (renderer) - drawn, <=, 30);
  g_free (kyso_test_save_png (GTK_WIDGET (f->window), "document-large-page-500"));
}

int
main (int argc, char **argv)
{
  g_autoptr (KysoApplication) app = NULL;
  g_autoptr (GError) error = NULL;

  setlocale (LC_ALL, "C.UTF-8");
  gtk_test_init (&argc, &argv, NULL);
  /* The real application, registered (its startup loads the UI bundle, libadwaita and the
   * style sheet) but driven by the test. */
  app = kyso_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_assert_no_error (error);
  /* Screenshots show the end state, not a frame of a cross-fade or a sliding bar. */
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);

#define ADD(path, fn) g_test_add ("/document-page/" path, Fixture, NULL, fixture_setup, fn, fixture_teardown)
  ADD ("open", test_open);
  ADD ("open-errors", test_open_errors);
  ADD ("zoom", test_zoom);
  ADD ("place-by-keyword", test_place_by_keyword);
  ADD ("keyword-missing", test_keyword_missing);
  ADD ("place-by-keyboard", test_place_by_keyboard);
  ADD ("invisible", test_invisible);
  ADD ("large-document", test_large_document);
  ADD ("check-signatures", test_check_signatures);
#undef ADD

  return g_test_run ();
}
