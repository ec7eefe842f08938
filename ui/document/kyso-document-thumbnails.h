#pragma once

#include <gtk/gtk.h>

#include "kyso-page-renderer.h"

G_BEGIN_DECLS

/* The sidebar of small page pictures. A GtkListView, so only the rows on screen exist and only
 * their pictures are drawn (at low priority, through the same renderer and cache as the
 * pages); a 1000-page file costs no more than a 10-page one. Activating a row emits
 * "page-activated". */

#define KYSO_TYPE_DOCUMENT_THUMBNAILS (kyso_document_thumbnails_get_type ())
G_DECLARE_FINAL_TYPE (KysoDocumentThumbnails, kyso_document_thumbnails, KYSO, DOCUMENT_THUMBNAILS, GtkWidget)

#define KYSO_DOCUMENT_THUMBNAIL_WIDTH 120

GtkWidget *
kyso_document_thumbnails_new (void);
void
kyso_document_thumbnails_set_renderer (KysoDocumentThumbnails *self, KysoPageRenderer *renderer);
/* Selects (and scrolls to) @page without emitting "page-activated". */
void
kyso_document_thumbnails_set_current_page (KysoDocumentThumbnails *self, guint page);
guint
kyso_document_thumbnails_get_current_page (KysoDocumentThumbnails *self);

G_END_DECLS
