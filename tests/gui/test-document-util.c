/* test-document-util.c: waiting and screenshots for the document window's GUI tests */

#include "test-document-util.h"

#include <glib/gstdio.h>

typedef struct
{
  gboolean done;
} Flag;

static gboolean
timeout_cb (gpointer data)
{
  ((Flag *)data)->done = TRUE;
  return G_SOURCE_REMOVE;
}

void
kyso_test_wait_until (KysoTestCondition condition, gpointer data, guint timeout_ms)
{
  Flag timed_out = { FALSE };
  guint id = g_timeout_add (timeout_ms, timeout_cb, &timed_out);

  while (!condition (data))
    {
      if (timed_out.done)
        g_error ("Timed out after %u ms waiting for a condition", timeout_ms);
      g_main_context_iteration (NULL, TRUE);
    }
  g_source_remove (id);
}

static void
after_paint_cb (GdkFrameClock *clock, Flag *flag)
{
  flag->done = TRUE;
}

static gboolean
flag_done (gpointer data)
{
  return ((Flag *)data)->done;
}

void
kyso_test_wait_frame (GtkWidget *widget)
{
  Flag painted = { FALSE };
  GdkFrameClock *clock = gtk_widget_get_frame_clock (widget);
  gulong id;

  g_assert_nonnull (clock);
  id = g_signal_connect (clock, "after-paint", G_CALLBACK (after_paint_cb), &painted);
  gtk_widget_queue_draw (widget);
  kyso_test_wait_until (flag_done, &painted, 5000);
  g_signal_handler_disconnect (clock, id);
}

void
kyso_test_wait_ms (guint ms)
{
  Flag done = { FALSE };

  g_timeout_add (ms, timeout_cb, &done);
  while (!done.done)
    g_main_context_iteration (NULL, TRUE);
}

char *
kyso_test_save_png (GtkWidget *widget, const char *name)
{
  g_autofree char *dir = g_build_filename (g_getenv ("G_TEST_BUILDDIR") ? g_getenv ("G_TEST_BUILDDIR") : ".",
                                           "screenshots", NULL);
  /* A run in another language keeps its own pictures (e.g. KYSO_TEST_SCREENSHOT_SUFFIX=-vi). */
  const char *suffix = g_getenv ("KYSO_TEST_SCREENSHOT_SUFFIX");
  g_autofree char *file = g_strconcat (name, suffix ? suffix : "", ".png", NULL);
  char *path = g_build_filename (dir, file, NULL);
  g_autoptr (GdkPaintable) paintable = NULL;
  g_autoptr (GtkSnapshot) snapshot = NULL;
  g_autoptr (GskRenderNode) node = NULL;
  g_autoptr (GdkTexture) texture = NULL;
  GskRenderer *renderer;
  int w, h;

  kyso_test_wait_frame (widget);
  w = gtk_widget_get_width (widget);
  h = gtk_widget_get_height (widget);
  g_assert_cmpint (w, >, 0);
  g_assert_cmpint (h, >, 0);

  /* The widget exactly as last drawn, through the window's own renderer (cairo in tests). */
  paintable = gtk_widget_paintable_new (widget);
  snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), w, h);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  g_assert_nonnull (node);
  renderer = gtk_native_get_renderer (gtk_widget_get_native (widget));
  texture = gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, w, h));

  g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("Screenshot: %s", path);
  return path;
}

char *
kyso_test_make_tmpdir (const char *name)
{
  const char *base = g_getenv ("KYSO_TEST_TMPDIR");
  g_autofree char *template = g_strconcat (name, "-XXXXXX", NULL);
  char *path;

  if (base != NULL)
    {
      g_autofree char *t = g_build_filename (base, template, NULL);
      path = g_mkdtemp (g_steal_pointer (&t));
    }
  else
    path = g_dir_make_tmp (template, NULL);
  g_assert_nonnull (path);
  return path;
}
