/* bench-render.c: how long until the first page of a PDF is on screen in Kyso's document view.
 *
 *   bench-render --make FILE N      writes an N-page test PDF
 *   bench-render FILE [RUNS]        opens FILE RUNS times in a 1024 × 800 window and prints, per
 *                                   run, the milliseconds from the open request to the frame that
 *                                   shows page 1 drawn at its final zoom, then the median; and the
 *                                   page's size in pixels and the DPI that matches it (for pdftoppm).
 * Run it under a display (xvfb-run). */

#include <gtk/gtk.h>
#include <stdlib.h>

#include "kyso-document-view.h"
#include "kyso-ui-resources.h"
#include "test-document-pdf.h"

typedef struct
{
  KysoPageRenderer *renderer;
  GError *error;
  gboolean done;
} Open;

static void
opened (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Open *o = user_data;

  o->renderer = kyso_page_renderer_new_finish (result, &o->error);
  o->done = TRUE;
}

static void
after_paint (GdkFrameClock *clock, gboolean *painted)
{
  *painted = TRUE;
}

static int
compare_doubles (gconstpointer a, gconstpointer b)
{
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

int
main (int argc, char **argv)
{
  g_autoptr (GFile) file = NULL;
  g_autoptr (GArray) times = g_array_new (FALSE, FALSE, sizeof (double));
  GtkWidget *window, *scrolled, *view;
  guint runs;
  double ppp = 0, first = 0;

  if (argc == 4 && g_str_equal (argv[1], "--make"))
    {
      g_autoptr (GError) error = NULL;
      if (!kyso_test_pdf_write_simple (argv[2], (guint)atoi (argv[3]), "Chu ky", (guint)atoi (argv[3]),
                                       &error))
        {
          g_printerr ("%s\n", error->message);
          return 1;
        }
      return 0;
    }
  if (argc < 2)
    {
      g_printerr ("usage: bench-render FILE [RUNS] | --make FILE N\n");
      return 2;
    }
  runs = argc > 2 ? (guint)atoi (argv[2]) : 5;

  gtk_init ();
  /* The templates (KysoApplication registers them in the app; here there is no app). */
  kyso_ui_register_resource ();
  file = g_file_new_for_commandline_arg (argv[1]);
  window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (window), 1024, 800);
  scrolled = gtk_scrolled_window_new ();
  gtk_window_set_child (GTK_WINDOW (window), scrolled);
  gtk_window_present (GTK_WINDOW (window));
  while (g_main_context_pending (NULL))
    g_main_context_iteration (NULL, FALSE);

  for (guint run = 0; run < runs; run++)
    {
      Open o = { 0 };
      gboolean painted = FALSE;
      gint64 start;
      gulong id;
      double ms;

      /* A fresh view and renderer each time: nothing cached from the run before. */
      view = kyso_document_view_new ();
      gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), view);
      while (g_main_context_pending (NULL))
        g_main_context_iteration (NULL, FALSE);

      start = g_get_monotonic_time ();
      kyso_page_renderer_new_async (file, NULL, opened, &o);
      while (!o.done)
        g_main_context_iteration (NULL, TRUE);
      if (o.renderer == NULL)
        {
          g_printerr ("%s\n", o.error->message);
          return 1;
        }
      kyso_document_view_set_renderer (KYSO_DOCUMENT_VIEW (view), o.renderer);
      while (!kyso_document_view_get_ready (KYSO_DOCUMENT_VIEW (view)))
        g_main_context_iteration (NULL, TRUE);
      /* On screen = the frame with the page in it has been painted. */
      id = g_signal_connect (gtk_widget_get_frame_clock (view), "after-paint", G_CALLBACK (after_paint),
                             &painted);
      gtk_widget_queue_draw (view);
      while (!painted)
        g_main_context_iteration (NULL, TRUE);
      g_signal_handler_disconnect (gtk_widget_get_frame_clock (view), id);
      ms = (g_get_monotonic_time () - start) / 1000.0;
      g_array_append_val (times, ms);
      ppp = kyso_document_view_get_pixels_per_point (KYSO_DOCUMENT_VIEW (view));
      g_print ("run %u: %.1f ms (%u pages drawn)\n", run + 1, ms,
               kyso_page_renderer_get_render_count (o.renderer));
      if (run == 0)
        first = ms;
      g_object_unref (o.renderer);
    }

  g_array_sort (times, compare_doubles);
  g_print ("median: %.1f ms\n", g_array_index (times, double, times->len / 2));
  /* The first run also pays for loading fonts and warming poppler's caches. */
  g_print ("first run: %.1f ms\n", first);
  g_print ("fastest: %.1f ms\n", g_array_index (times, double, 0));
  g_print ("dpi: %.0f\n", ppp * 72.0);
  gtk_window_destroy (GTK_WINDOW (window));
  return 0;
}
