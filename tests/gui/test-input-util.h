#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Real input for the GUI tests: pointer and keyboard events made by the X server itself (the
 * XTest extension), so they travel the way a person's do — through the window manager, event
 * delivery, grabs, focus and the widgets' own gestures — instead of calling actions. Positions
 * are given in a widget's coordinates and turned into screen coordinates at the time of each
 * event. Each call returns once GTK has handled what it caused. */

/* FALSE (and a message) when the display is not X11 or has no XTest. */
gboolean
kyso_test_input_init (void);

/* Puts the pointer at (@x, @y) of @widget. */
void
kyso_test_pointer_move (GtkWidget *widget, double x, double y);
void
kyso_test_pointer_button (guint button, gboolean press);
/* Moves to the middle of @widget and clicks the primary button. */
void
kyso_test_click (GtkWidget *widget);
/* Presses at (@x, @y) of @widget, moves by (@dx, @dy) in @steps equal steps (a frame drawn
 * after each, as a hand's motion arrives), and releases there. */
void
kyso_test_drag (GtkWidget *widget, double x, double y, double dx, double dy, guint steps);
/* Presses and releases @keyval (a GDK key value) with @modifiers held (Shift, Control, Alt). */
void
kyso_test_key (guint keyval, GdkModifierType modifiers);
/* Types ASCII @text key by key. */
void
kyso_test_type (const char *text);
/* Presses Tab (Shift+Tab when @backward) until @target has the focus of its window, at most
 * @max times; returns how many presses it took, or -1 when it never got there. */
int
kyso_test_tab_to (GtkWidget *target, gboolean backward, guint max);
/* Handles every event the server has sent so far, and lets one frame be drawn. */
void
kyso_test_input_settle (GtkWidget *widget);

G_END_DECLS
