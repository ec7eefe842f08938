#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Helpers for the document window's GUI tests: wait on the main loop for a condition or a
 * painted frame, and save what a widget shows as a PNG under the build dir. */

typedef gboolean (*KysoTestCondition) (gpointer data);

/* Iterates the default main context until @condition is TRUE; fails the test after
 * @timeout_ms (a stuck wait is a bug, not a reason to hang the suite). */
void
kyso_test_wait_until (KysoTestCondition condition, gpointer data, guint timeout_ms);
/* Waits until @widget has been painted once more (the frame clock's after-paint). */
void
kyso_test_wait_frame (GtkWidget *widget);
/* Runs the main loop for @ms milliseconds. */
void
kyso_test_wait_ms (guint ms);
/* Renders @widget (as it is on screen) to G_TEST_BUILDDIR/screenshots/@name.png and returns
 * the path. The PNG is the evidence a person looks at. */
char *
kyso_test_save_png (GtkWidget *widget, const char *name);
/* A fresh folder under the test's temporary directory. */
char *
kyso_test_make_tmpdir (const char *name);

G_END_DECLS
