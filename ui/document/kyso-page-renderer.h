#pragma once

#include <gtk/gtk.h>

#include "kyso-page-geometry.h"

G_BEGIN_DECLS

/* Renders the pages of one PDF off the main thread and keeps the results in a bounded cache.
 *
 * poppler documents are not thread-safe, so each worker thread opens its own PopplerDocument
 * over the same read-only bytes. Requests go to a queue ordered by priority and then newest
 * first: when the user scrolls, what is on screen now is drawn before what was on screen a
 * moment ago, and cancelled requests are dropped without being drawn. Textures live in an
 * LRU cache (main thread only) bounded in bytes. */

#define KYSO_TYPE_PAGE_RENDERER (kyso_page_renderer_get_type ())
G_DECLARE_FINAL_TYPE (KysoPageRenderer, kyso_page_renderer, KYSO, PAGE_RENDERER, GObject)

/* Where a text was found: the page (0-based) and the box around it, in page points. */
typedef struct
{
  guint page;
  KysoPageRect rect;
} KysoTextMatch;

/* Opens @file (reads it once, then works on the bytes) and measures every page, off the main
 * thread. Errors: KYSO_ERROR_ENCRYPTED (password-protected), KYSO_ERROR_BROKEN_FILE (not a PDF
 * poppler can read), G_IO_ERROR_* for the file itself, G_IO_ERROR_CANCELLED. */
void
kyso_page_renderer_new_async (GFile *file, GCancellable *cancellable, GAsyncReadyCallback callback,
                              gpointer user_data);
KysoPageRenderer *
kyso_page_renderer_new_finish (GAsyncResult *result, GError **error);

GFile *
kyso_page_renderer_get_file (KysoPageRenderer *self);
/* The document's bytes as read when it was opened (what will be signed). */
GBytes *
kyso_page_renderer_get_bytes (KysoPageRenderer *self);
/* The document title from its metadata, or NULL. */
const char *
kyso_page_renderer_get_title (KysoPageRenderer *self);
guint
kyso_page_renderer_get_n_pages (KysoPageRenderer *self);
/* The page's crop box and /Rotate, for mapping to PDF coordinates (the first call for a page
 * reads its /Rotate from the file). Returns FALSE for a page out of range. */
gboolean
kyso_page_renderer_get_geometry (KysoPageRenderer *self, guint page, KysoPageGeometry *geometry);
/* The page's size as shown, in points: cheap, for layout. FALSE for a page out of range. */
gboolean
kyso_page_renderer_get_size (KysoPageRenderer *self, guint page, double *width, double *height);
/* Replaces the /Rotate of @page (0-based), e.g. with what the PDF reader found; the geometry
 * of the page follows. poppler's own drawing already honours the file's /Rotate. */
void
kyso_page_renderer_set_rotation (KysoPageRenderer *self, guint page, int rotate);

/* The cached texture of @page at exactly @scale (pixels per point), or NULL. Borrowed. */
GdkTexture *
kyso_page_renderer_lookup (KysoPageRenderer *self, guint page, double scale);
/* The sharpest cached texture of @page at any scale, for a stand-in while the right one is
 * drawn; NULL if none. Borrowed. */
GdkTexture *
kyso_page_renderer_lookup_any (KysoPageRenderer *self, guint page);

/* Renders @page at @scale (pixels per point) unless cached. Lower @priority first
 * (G_PRIORITY_DEFAULT for what is on screen, G_PRIORITY_LOW for thumbnails and prefetch).
 * The texture is opaque (white paper) and also stored in the cache. */
void
kyso_page_renderer_render_async (KysoPageRenderer *self, guint page, double scale, int priority,
                                 GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data);
GdkTexture *
kyso_page_renderer_render_finish (KysoPageRenderer *self, GAsyncResult *result, GError **error);

/* Looks for @text (case-insensitive, whole document, last page first) and returns up to
 * @max_matches matches (0 = all) as a GArray of KysoTextMatch, last page first. */
void
kyso_page_renderer_find_text_async (KysoPageRenderer *self, const char *text, guint max_matches,
                                    GCancellable *cancellable, GAsyncReadyCallback callback,
                                    gpointer user_data);
GArray *
kyso_page_renderer_find_text_finish (KysoPageRenderer *self, GAsyncResult *result, GError **error);

/* Cache budget in bytes (default 192 MiB); lowering it evicts at once. */
void
kyso_page_renderer_set_cache_limit (KysoPageRenderer *self, gsize bytes);
gsize
kyso_page_renderer_get_cache_size (KysoPageRenderer *self);
/* How many pages the workers have drawn so far (for tests and the benchmark). */
guint
kyso_page_renderer_get_render_count (KysoPageRenderer *self);

G_END_DECLS
