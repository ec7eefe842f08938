#pragma once

#include <gtk/gtk.h>

#include "kyso-pdf-appearance.h"

G_BEGIN_DECLS

/* The signature exactly as it will appear on the page: the PDF engine's own appearance stream
 * (kyso-pdf-appearance.h), wrapped in a one-page PDF and drawn by poppler, off the main thread.
 * @info's strings and image are copied before this returns. @scale: pixels per point. */
void
kyso_appearance_preview_render_async (const KysoPdfAppearanceInfo *info, double width, double height,
                                      double scale, GCancellable *cancellable, GAsyncReadyCallback callback,
                                      gpointer user_data);
GdkTexture *
kyso_appearance_preview_render_finish (GAsyncResult *result, GError **error);

/* The one-page PDF itself (for tests and the thread above). */
GBytes *
kyso_appearance_preview_make_pdf (KysoPdfAppearance *appearance);

G_END_DECLS
