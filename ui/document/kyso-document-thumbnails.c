/* kyso-document-thumbnails.c: the page sidebar */

#include "config.h"

#include "kyso-document-thumbnails.h"

#include <glib/gi18n-lib.h>

struct _KysoDocumentThumbnails
{
  GtkWidget parent_instance;

  GtkScrolledWindow *scrolled_window;
  GtkListView *list_view;
  GtkSingleSelection *selection;
  GHashTable *thumbs; /* GtkListItem → Thumb, the bound rows */
  guint check_id;
  guint scroll_id;

  KysoPageRenderer *renderer;
  gboolean syncing;
};

G_DEFINE_FINAL_TYPE (KysoDocumentThumbnails, kyso_document_thumbnails, GTK_TYPE_WIDGET)

enum
{
  PAGE_ACTIVATED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* Per bound row: its page and, once the row is on screen, the request drawing its picture.
 * GtkListView binds a couple of hundred rows around the one in view (it cannot know their
 * heights), so drawing on bind would draw hundreds of pages; rows are drawn when they show. */
typedef struct
{
  GtkListItem *item;
  guint page;
  GCancellable *cancellable; /* NULL until requested */
} Thumb;

static void
thumb_free (gpointer data)
{
  Thumb *thumb = data;

  if (thumb->cancellable != NULL)
    {
      g_cancellable_cancel (thumb->cancellable);
      g_object_unref (thumb->cancellable);
    }
  g_object_unref (thumb->item);
  g_free (thumb);
}

static double
thumb_scale (KysoDocumentThumbnails *self, guint page)
{
  double w = 0, h = 0;

  kyso_page_renderer_get_size (self->renderer, page, &w, &h);
  return KYSO_DOCUMENT_THUMBNAIL_WIDTH / MAX (w, 1.0) * gtk_widget_get_scale_factor (GTK_WIDGET (self));
}

static GtkPicture *
item_picture (GtkListItem *item)
{
  GtkWidget *box = gtk_list_item_get_child (item);
  return GTK_PICTURE (gtk_widget_get_first_child (gtk_widget_get_first_child (box)));
}

typedef struct
{
  GtkListItem *item;
  GCancellable *cancellable;
} Request;

static void
thumb_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Request *request = user_data;
  g_autoptr (GdkTexture) texture = NULL;
  g_autoptr (GError) error = NULL;

  texture = kyso_page_renderer_render_finish (KYSO_PAGE_RENDERER (source), result, &error);
  /* A cancelled request means the row was recycled or is gone: leave it alone. */
  if (texture != NULL && !g_cancellable_is_cancelled (request->cancellable))
    gtk_picture_set_paintable (item_picture (request->item), GDK_PAINTABLE (texture));
  g_object_unref (request->cancellable);
  g_object_unref (request->item);
  g_free (request);
}

static void
request_thumb (KysoDocumentThumbnails *self, Thumb *thumb)
{
  double scale = thumb_scale (self, thumb->page);
  GdkTexture *cached = kyso_page_renderer_lookup (self->renderer, thumb->page, scale);
  Request *request;

  thumb->cancellable = g_cancellable_new ();
  if (cached != NULL)
    {
      gtk_picture_set_paintable (item_picture (thumb->item), GDK_PAINTABLE (cached));
      return;
    }
  request = g_new0 (Request, 1);
  request->item = g_object_ref (thumb->item);
  request->cancellable = g_object_ref (thumb->cancellable);
  kyso_page_renderer_render_async (self->renderer, thumb->page, scale, G_PRIORITY_LOW, thumb->cancellable,
                                   thumb_done, request);
}

/* Requests the pictures of the rows now inside the scrolled window. */
static gboolean
check_visible_cb (gpointer data)
{
  KysoDocumentThumbnails *self = data;
  GtkWidget *viewport = GTK_WIDGET (self->scrolled_window);
  double height = gtk_widget_get_height (viewport);
  GHashTableIter iter;
  Thumb *thumb;

  self->check_id = 0;
  if (self->renderer == NULL || !gtk_widget_get_mapped (viewport))
    return G_SOURCE_REMOVE;

  g_hash_table_iter_init (&iter, self->thumbs);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *)&thumb))
    {
      graphene_rect_t bounds;

      if (thumb->cancellable != NULL)
        continue;
      if (!gtk_widget_compute_bounds (gtk_list_item_get_child (thumb->item), viewport, &bounds))
        continue;
      /* A row without a size yet has not been placed: the next check sees it. */
      if (bounds.size.height > 0 && bounds.origin.y + bounds.size.height >= 0 && bounds.origin.y <= height)
        request_thumb (self, thumb);
    }
  return G_SOURCE_REMOVE;
}

static void
queue_check (KysoDocumentThumbnails *self)
{
  if (self->check_id == 0)
    self->check_id = g_idle_add_full (G_PRIORITY_LOW, check_visible_cb, self, NULL);
}

static void
factory_setup_cb (GtkSignalListItemFactory *factory, GtkListItem *item, KysoDocumentThumbnails *self)
{
  GtkWidget *box, *frame, *picture, *label;

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  gtk_widget_set_margin_top (box, 6);
  gtk_widget_set_margin_bottom (box, 6);
  frame = gtk_frame_new (NULL);
  gtk_widget_set_halign (frame, GTK_ALIGN_CENTER);
  picture = gtk_picture_new ();
  gtk_picture_set_can_shrink (GTK_PICTURE (picture), FALSE);
  gtk_frame_set_child (GTK_FRAME (frame), picture);
  label = gtk_label_new (NULL);
  gtk_widget_add_css_class (label, "caption");
  gtk_box_append (GTK_BOX (box), frame);
  gtk_box_append (GTK_BOX (box), label);
  gtk_list_item_set_child (item, box);
}

static void
factory_bind_cb (GtkSignalListItemFactory *factory, GtkListItem *item, KysoDocumentThumbnails *self)
{
  guint page = gtk_list_item_get_position (item);
  GtkWidget *box = gtk_list_item_get_child (item);
  GtkPicture *picture = item_picture (item);
  GtkWidget *label = gtk_widget_get_last_child (box);
  g_autofree char *number = g_strdup_printf ("%u", page + 1);
  g_autofree char *accessible = NULL;
  double w = 0, h = 0;
  Thumb *thumb;

  gtk_label_set_text (GTK_LABEL (label), number);
  /* Translators: %u is a page number, read by screen readers for each page picture. */
  accessible = g_strdup_printf (_("Page %u"), page + 1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (box), GTK_ACCESSIBLE_PROPERTY_LABEL, accessible, -1);

  /* The row has its final size before its picture arrives, so nothing jumps. */
  kyso_page_renderer_get_size (self->renderer, page, &w, &h);
  gtk_widget_set_size_request (GTK_WIDGET (picture), KYSO_DOCUMENT_THUMBNAIL_WIDTH,
                               (int)(KYSO_DOCUMENT_THUMBNAIL_WIDTH * h / MAX (w, 1.0)));
  gtk_picture_set_paintable (picture, NULL);

  thumb = g_new0 (Thumb, 1);
  thumb->item = g_object_ref (item);
  thumb->page = page;
  g_hash_table_replace (self->thumbs, item, thumb);
  queue_check (self);
}

static void
factory_unbind_cb (GtkSignalListItemFactory *factory, GtkListItem *item, KysoDocumentThumbnails *self)
{
  g_hash_table_remove (self->thumbs, item);
  gtk_picture_set_paintable (item_picture (item), NULL);
}

static gboolean
scroll_to_selected_cb (gpointer data)
{
  KysoDocumentThumbnails *self = data;
  guint page = gtk_single_selection_get_selected (self->selection);

  self->scroll_id = 0;
  if (page != GTK_INVALID_LIST_POSITION)
    gtk_widget_activate_action (GTK_WIDGET (self->list_view), "list.scroll-to-item", "u", page);
  return G_SOURCE_REMOVE;
}

/* A list view not yet on screen (the sidebar still closed) cannot scroll: wait until it shows. */
static void
scroll_to_selected (KysoDocumentThumbnails *self)
{
  if (!gtk_widget_get_mapped (GTK_WIDGET (self->list_view)) || self->scroll_id != 0)
    return;
  self->scroll_id = g_idle_add (scroll_to_selected_cb, self);
}

static void
selection_changed_cb (GtkSingleSelection *selection, GParamSpec *pspec, KysoDocumentThumbnails *self)
{
  guint page = gtk_single_selection_get_selected (selection);

  if (self->syncing || page == GTK_INVALID_LIST_POSITION)
    return;
  g_signal_emit (self, signals[PAGE_ACTIVATED], 0, page);
}

static void
kyso_document_thumbnails_dispose (GObject *object)
{
  KysoDocumentThumbnails *self = KYSO_DOCUMENT_THUMBNAILS (object);

  /* Drop the rows (cancelling their requests) before the renderer goes. */
  if (self->selection != NULL)
    gtk_single_selection_set_model (self->selection, NULL);
  g_clear_handle_id (&self->check_id, g_source_remove);
  g_clear_handle_id (&self->scroll_id, g_source_remove);
  gtk_widget_dispose_template (GTK_WIDGET (object), KYSO_TYPE_DOCUMENT_THUMBNAILS);
  /* Template children not bound to a field are not removed by dispose_template. */
  for (GtkWidget *child; (child = gtk_widget_get_first_child (GTK_WIDGET (object))) != NULL;)
    gtk_widget_unparent (child);
  g_clear_object (&self->renderer);

  G_OBJECT_CLASS (kyso_document_thumbnails_parent_class)->dispose (object);
}

static void
kyso_document_thumbnails_finalize (GObject *object)
{
  KysoDocumentThumbnails *self = KYSO_DOCUMENT_THUMBNAILS (object);

  g_hash_table_unref (self->thumbs);
  G_OBJECT_CLASS (kyso_document_thumbnails_parent_class)->finalize (object);
}

static void
kyso_document_thumbnails_class_init (KysoDocumentThumbnailsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kyso_document_thumbnails_dispose;
  object_class->finalize = kyso_document_thumbnails_finalize;

  /* Argument: the page (0-based) the user picked. */
  signals[PAGE_ACTIVATED] = g_signal_new ("page-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                          NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_UINT);

  gtk_widget_class_set_template_from_resource (widget_class, "/vn/kyso/Kyso/ui/kyso-document-thumbnails.ui");
  gtk_widget_class_bind_template_child (widget_class, KysoDocumentThumbnails, scrolled_window);
  gtk_widget_class_bind_template_child (widget_class, KysoDocumentThumbnails, list_view);
  gtk_widget_class_bind_template_child (widget_class, KysoDocumentThumbnails, selection);
  gtk_widget_class_bind_template_callback (widget_class, factory_setup_cb);
  gtk_widget_class_bind_template_callback (widget_class, factory_bind_cb);
  gtk_widget_class_bind_template_callback (widget_class, factory_unbind_cb);
  gtk_widget_class_bind_template_callback (widget_class, selection_changed_cb);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "kyso-document-thumbnails");
}

static void
kyso_document_thumbnails_init (KysoDocumentThumbnails *self)
{
  GtkAdjustment *vadjustment;

  self->thumbs = g_hash_table_new_full (NULL, NULL, NULL, thumb_free);
  gtk_widget_init_template (GTK_WIDGET (self));
  vadjustment = gtk_scrolled_window_get_vadjustment (self->scrolled_window);
  g_signal_connect_swapped (vadjustment, "value-changed", G_CALLBACK (queue_check), self);
  g_signal_connect_swapped (vadjustment, "changed", G_CALLBACK (queue_check), self);
  g_signal_connect_swapped (self->scrolled_window, "map", G_CALLBACK (queue_check), self);
  g_signal_connect_swapped (self->list_view, "map", G_CALLBACK (scroll_to_selected), self);
}

GtkWidget *
kyso_document_thumbnails_new (void)
{
  return g_object_new (KYSO_TYPE_DOCUMENT_THUMBNAILS, NULL);
}

void
kyso_document_thumbnails_set_renderer (KysoDocumentThumbnails *self, KysoPageRenderer *renderer)
{
  g_autoptr (GtkStringList) pages = NULL;

  g_return_if_fail (KYSO_IS_DOCUMENT_THUMBNAILS (self));
  g_return_if_fail (renderer == NULL || KYSO_IS_PAGE_RENDERER (renderer));

  /* Unbind every row (their requests belong to the old renderer) before switching. */
  self->syncing = TRUE;
  gtk_single_selection_set_model (self->selection, NULL);
  g_set_object (&self->renderer, renderer);
  if (renderer != NULL)
    {
      guint n = kyso_page_renderer_get_n_pages (renderer);

      /* The rows only need their position; empty strings cost 1000 tiny objects at most. */
      pages = gtk_string_list_new (NULL);
      for (guint i = 0; i < n; i++)
        gtk_string_list_append (pages, "");
      gtk_single_selection_set_model (self->selection, G_LIST_MODEL (pages));
    }
  self->syncing = FALSE;
}

void
kyso_document_thumbnails_set_current_page (KysoDocumentThumbnails *self, guint page)
{
  g_return_if_fail (KYSO_IS_DOCUMENT_THUMBNAILS (self));

  if (self->renderer == NULL || page >= kyso_page_renderer_get_n_pages (self->renderer)
      || gtk_single_selection_get_selected (self->selection) == page)
    return;
  self->syncing = TRUE;
  gtk_single_selection_set_selected (self->selection, page);
  self->syncing = FALSE;
  scroll_to_selected (self);
}

guint
kyso_document_thumbnails_get_current_page (KysoDocumentThumbnails *self)
{
  g_return_val_if_fail (KYSO_IS_DOCUMENT_THUMBNAILS (self), 0);
  return gtk_single_selection_get_selected (self->selection);
}
