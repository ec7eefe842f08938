/* test-input-util.c: real pointer and keyboard events through XTest for the GUI tests */

#include "test-input-util.h"

#include <gdk/x11/gdkx.h>
#include <X11/extensions/XTest.h>
#include <X11/XKBlib.h>

#include "test-document-util.h"

static Display *
xdisplay (void)
{
  GdkDisplay *display = gdk_display_get_default ();

  g_assert_true (GDK_IS_X11_DISPLAY (display));
  return gdk_x11_display_get_xdisplay (display);
}

gboolean
kyso_test_input_init (void)
{
  GdkDisplay *display = gdk_display_get_default ();
  int event_base, error_base, major, minor;

  if (display == NULL || !GDK_IS_X11_DISPLAY (display))
    {
      g_test_message ("Real input needs an X11 display");
      return FALSE;
    }
  if (!XTestQueryExtension (xdisplay (), &event_base, &error_base, &major, &minor))
    {
      g_test_message ("The X server has no XTest extension");
      return FALSE;
    }
  return TRUE;
}

/* Pending X events handled, and whatever they queued (layout, drawing) done once. */
void
kyso_test_input_settle (GtkWidget *widget)
{
  XSync (xdisplay (), False);
  for (guint i = 0; i < 3; i++)
    {
      while (g_main_context_iteration (NULL, FALSE))
        ;
      kyso_test_wait_ms (5);
    }
  if (widget != NULL && gtk_widget_get_mapped (widget))
    kyso_test_wait_frame (widget);
}

void
kyso_test_pointer_move (GtkWidget *widget, double x, double y)
{
  Display *dpy = xdisplay ();
  GtkNative *native = gtk_widget_get_native (widget);
  GdkSurface *surface;
  double nx, ny, sx, sy;
  int rx, ry;
  Window child;

  g_assert_nonnull (native);
  g_assert_true (gtk_widget_translate_coordinates (widget, GTK_WIDGET (native), x, y, &nx, &ny));
  gtk_native_get_surface_transform (native, &sx, &sy);
  surface = gtk_native_get_surface (native);
  XTranslateCoordinates (dpy, gdk_x11_surface_get_xid (surface), DefaultRootWindow (dpy), 0, 0, &rx, &ry,
                         &child);
  XTestFakeMotionEvent (dpy, -1, rx + (int)(nx + sx + 0.5), ry + (int)(ny + sy + 0.5), CurrentTime);
  kyso_test_input_settle (widget);
}

void
kyso_test_pointer_button (guint button, gboolean press)
{
  XTestFakeButtonEvent (xdisplay (), button, press, CurrentTime);
  kyso_test_input_settle (NULL);
}

void
kyso_test_click (GtkWidget *widget)
{
  /* The click may close the widget's window (a dialog's button): keep it until done. */
  g_autoptr (GtkWidget) held = g_object_ref (widget);

  g_assert_true (gtk_widget_get_mapped (widget));
  kyso_test_pointer_move (widget, gtk_widget_get_width (widget) / 2.0, gtk_widget_get_height (widget) / 2.0);
  kyso_test_pointer_button (1, TRUE);
  kyso_test_pointer_button (1, FALSE);
  kyso_test_input_settle (held);
}

void
kyso_test_drag (GtkWidget *widget, double x, double y, double dx, double dy, guint steps)
{
  GtkWidget *parent = gtk_widget_get_parent (widget);
  double px, py;

  g_assert_nonnull (parent);
  g_assert_cmpuint (steps, >, 0);
  /* The path is fixed in the parent's coordinates: the widget may move under the pointer. */
  g_assert_true (gtk_widget_translate_coordinates (widget, parent, x, y, &px, &py));
  kyso_test_pointer_move (parent, px, py);
  kyso_test_pointer_button (1, TRUE);
  for (guint i = 1; i <= steps; i++)
    kyso_test_pointer_move (parent, px + dx * i / steps, py + dy * i / steps);
  kyso_test_pointer_button (1, FALSE);
  kyso_test_input_settle (parent);
}

static void
key_event (KeySym keysym, gboolean press)
{
  Display *dpy = xdisplay ();
  KeyCode code = XKeysymToKeycode (dpy, keysym);

  g_assert_cmpuint (code, !=, 0);
  XTestFakeKeyEvent (dpy, code, press, CurrentTime);
}

void
kyso_test_key (guint keyval, GdkModifierType modifiers)
{
  if (modifiers & GDK_SHIFT_MASK)
    key_event (XK_Shift_L, TRUE);
  if (modifiers & GDK_CONTROL_MASK)
    key_event (XK_Control_L, TRUE);
  if (modifiers & GDK_ALT_MASK)
    key_event (XK_Alt_L, TRUE);
  /* GDK key values are X keysyms. */
  key_event (keyval, TRUE);
  key_event (keyval, FALSE);
  if (modifiers & GDK_ALT_MASK)
    key_event (XK_Alt_L, FALSE);
  if (modifiers & GDK_CONTROL_MASK)
    key_event (XK_Control_L, FALSE);
  if (modifiers & GDK_SHIFT_MASK)
    key_event (XK_Shift_L, FALSE);
  kyso_test_input_settle (NULL);
}

void
kyso_test_type (const char *text)
{
  Display *dpy = xdisplay ();

  for (const char *p = text; *p != '\0'; p++)
    {
      KeySym keysym = (KeySym)(guchar)*p;
      KeyCode code;

      g_assert_true (g_ascii_isprint (*p));
      code = XKeysymToKeycode (dpy, keysym);
      g_assert_cmpuint (code, !=, 0);
      /* A character on the key's second level needs Shift. */
      kyso_test_key ((guint)keysym, XkbKeycodeToKeysym (dpy, code, 0, 0) == keysym ? 0 : GDK_SHIFT_MASK);
    }
}

int
kyso_test_tab_to (GtkWidget *target, gboolean backward, guint max)
{
  GtkRoot *root = gtk_widget_get_root (target);

  g_assert_true (GTK_IS_WINDOW (root));
  for (guint i = 0; i <= max; i++)
    {
      GtkWidget *focus = gtk_window_get_focus (GTK_WINDOW (root));

      if (focus != NULL && (focus == target || gtk_widget_is_ancestor (focus, target)))
        return (int)i;
      if (i < max)
        kyso_test_key (GDK_KEY_Tab, backward ? GDK_SHIFT_MASK : 0);
    }
  return -1;
}
