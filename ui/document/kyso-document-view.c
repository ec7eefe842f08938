/* kyso-document-view.c: the scrolling, zooming page view with the signature box */

#include "config.h"

#include "kyso-document-view-private.h"

#include <glib/gi18n-lib.h>
#include <math.h>

/* One page being drawn for the view. Freed by its callback; the view only borrows it, and
 * cancels it (so the callback leaves the view alone) before going away. */
typedef struct
{
  KysoDocumentView *view;
  guint page;
  double scale;
  GCancellable *cancellable;
} Request;

static void
kyso_document_view_scrollable_init (GtkScrollableInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (KysoDocumentView, kyso_document_view, GTK_TYPE_WIDGET,
                               G_IMPLEMENT_INTERFACE (GTK_TYPE_SCROLLABLE,
                                                      kyso_document_view_scrollable_init))

GParamSpec *kyso_document_view_properties[N_PROPS];

guint kyso_document_view_signals[N_SIGNALS];

static void
update_visible (KysoDocumentView *self);

double
kyso_document_view_get_pixels_per_point (KysoDocumentView *self)
{
  g_return_val_if_fail (KYSO_IS_DOCUMENT_VIEW (self), PX_PER_PT);
  return self->zoom * PX_PER_PT;
}

static double
render_scale (KysoDocumentView *self)
{
  return kyso_document_view_get_pixels_per_point (self) * gtk_widget_get_scale_factor (GTK_WIDGET (self));
}

KysoPageGeometry
kyso_document_view_page_geometry (KysoDocumentView *self, guint page)
{
  KysoPageGeometry g;

  if (self->renderer == NULL || !kyso_page_renderer_get_geometry (self->renderer, page, &g))
    kyso_page_geometry_init (&g, 0, 0, 595, 842, 0);
  return g;
}

static void
page_size (KysoDocumentView *self, guint page, double *width, double *height)
{
  if (self->renderer == NULL || !kyso_page_renderer_get_size (self->renderer, page, width, height))
    *width = 595, *height = 842;
}

/* The page's rectangle in widget coordinates (scrolling applied). */
graphene_rect_t
kyso_document_view_page_bounds (KysoDocumentView *self, guint page)
{
  double ppp = kyso_document_view_get_pixels_per_point (self);
  double w, h;
  page_size (self, page, &w, &h);
  w *= ppp, h *= ppp;
  double x = floor ((self->content_width - w) / 2) - gtk_adjustment_get_value (self->hadjustment);
  double y = self->offsets[page] - gtk_adjustment_get_value (self->vadjustment);

  return GRAPHENE_RECT_INIT ((float)x, (float)y, (float)w, (float)h);
}

static void
compute_layout (KysoDocumentView *self)
{
  double ppp = kyso_document_view_get_pixels_per_point (self);
  double y = MARGIN;

  g_free (self->offsets);
  self->offsets = g_new (double, self->n_pages + 1);
  for (guint i = 0; i < self->n_pages; i++)
    {
      double w, h;
      page_size (self, i, &w, &h);
      self->offsets[i] = y;
      y += ceil (h * ppp) + SPACING;
    }
  self->offsets[self->n_pages] = y;
  self->content_height = self->n_pages ? y - SPACING + MARGIN : 0;
  /* The 0.01 keeps rounding noise at fit-width from adding a one-pixel horizontal scroll. */
  self->content_width = MAX (self->layout_width, ceil (self->max_page_width * ppp - 0.01) + 2 * MARGIN);
}

/* Which page holds content y @cy (the nearest one when @cy falls between pages). */
guint
kyso_document_view_page_at_y (KysoDocumentView *self, double cy)
{
  guint lo = 0, hi = self->n_pages;

  if (self->n_pages == 0)
    return 0;
  while (hi - lo > 1)
    {
      guint mid = (lo + hi) / 2;
      if (self->offsets[mid] <= cy)
        lo = mid;
      else
        hi = mid;
    }
  return lo;
}

static void
configure_adjustments (KysoDocumentView *self, double hvalue, double vvalue)
{
  double w = self->layout_width, h = self->layout_height;

  gtk_adjustment_configure (self->hadjustment, CLAMP (hvalue, 0, MAX (0, self->content_width - w)), 0,
                            MAX (self->content_width, w), SCROLL_STEP, w * 0.9, w);
  gtk_adjustment_configure (self->vadjustment, CLAMP (vvalue, 0, MAX (0, self->content_height - h)), 0,
                            MAX (self->content_height, h), SCROLL_STEP, h * 0.9, h);
}

/* Changes the zoom keeping the document point under widget position (ax, ay) in place. */
void
kyso_document_view_apply_zoom (KysoDocumentView *self, double zoom, double ax, double ay)
{
  double old_ppp = kyso_document_view_get_pixels_per_point (self), new_ppp;
  double cx = gtk_adjustment_get_value (self->hadjustment) + ax;
  double cy = gtk_adjustment_get_value (self->vadjustment) + ay;
  double old_content_width = self->content_width;
  guint page = kyso_document_view_page_at_y (self, cy);
  double v = self->n_pages ? (cy - self->offsets[page]) / old_ppp : 0;
  double u = (cx - old_content_width / 2) / old_ppp;

  zoom = CLAMP (zoom, KYSO_DOCUMENT_VIEW_MIN_ZOOM, KYSO_DOCUMENT_VIEW_MAX_ZOOM);
  if (fabs (zoom - self->zoom) < 1e-6)
    return;
  self->zoom = zoom;
  new_ppp = kyso_document_view_get_pixels_per_point (self);

  if (self->renderer != NULL)
    {
      /* What was being drawn at the old zoom is no longer wanted. */
      GHashTableIter iter;
      Request *request;

      g_hash_table_iter_init (&iter, self->requests);
      while (g_hash_table_iter_next (&iter, NULL, (gpointer *)&request))
        g_cancellable_cancel (request->cancellable);
      g_hash_table_remove_all (self->requests);

      compute_layout (self);
      configure_adjustments (self, self->content_width / 2 + u * new_ppp - ax,
                             (self->n_pages ? self->offsets[page] : 0) + v * new_ppp - ay);
      kyso_signature_box_set_scale (self->box, new_ppp);
      update_visible (self);
    }
  gtk_widget_queue_allocate (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), kyso_document_view_properties[PROP_ZOOM]);
}

static void
request_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Request *request = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GdkTexture) texture = NULL;
  KysoDocumentView *self;

  texture = kyso_page_renderer_render_finish (KYSO_PAGE_RENDERER (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    goto out;

  self = request->view;
  if (g_hash_table_lookup (self->requests, GUINT_TO_POINTER (request->page)) == request)
    g_hash_table_remove (self->requests, GUINT_TO_POINTER (request->page));
  if (texture == NULL)
    {
      g_warning ("Page %u could not be drawn: %s", request->page + 1, error->message);
      g_hash_table_add (self->failed, GUINT_TO_POINTER (request->page));
    }
  gtk_widget_queue_draw (GTK_WIDGET (self));
  update_visible (self);

out:
  g_object_unref (request->cancellable);
  g_free (request);
}

static void
request_page (KysoDocumentView *self, guint page, int priority)
{
  double scale = render_scale (self);
  Request *request;

  if (page >= self->n_pages || g_hash_table_contains (self->requests, GUINT_TO_POINTER (page))
      || g_hash_table_contains (self->failed, GUINT_TO_POINTER (page))
      || kyso_page_renderer_lookup (self->renderer, page, scale) != NULL)
    return;

  request = g_new0 (Request, 1);
  request->view = self;
  request->page = page;
  request->scale = scale;
  request->cancellable = g_cancellable_new ();
  g_hash_table_insert (self->requests, GUINT_TO_POINTER (page), request);
  kyso_page_renderer_render_async (self->renderer, page, scale, priority, request->cancellable, request_done,
                                   request);
}

static void
visible_range (KysoDocumentView *self, guint *first, guint *last)
{
  double top = gtk_adjustment_get_value (self->vadjustment);

  *first = kyso_document_view_page_at_y (self, top);
  *last = kyso_document_view_page_at_y (self, top + MAX (self->layout_height, 1));
}

/* Asks for the pages on screen (and, at lower priority, one either side), drops requests for
 * pages scrolled away, and keeps current-page and ready up to date. */
static void
update_visible (KysoDocumentView *self)
{
  guint first, last, current;
  gboolean ready = TRUE;
  GHashTableIter iter;
  gpointer key;
  Request *request;

  if (self->renderer == NULL || self->n_pages == 0 || self->layout_height <= 0)
    return;

  visible_range (self, &first, &last);

  g_hash_table_iter_init (&iter, self->requests);
  while (g_hash_table_iter_next (&iter, &key, (gpointer *)&request))
    {
      guint page = GPOINTER_TO_UINT (key);
      if (page + 1 < first || page > last + 1)
        {
          g_cancellable_cancel (request->cancellable);
          g_hash_table_iter_remove (&iter);
        }
    }

  for (guint i = first; i <= last; i++)
    {
      request_page (self, i, G_PRIORITY_DEFAULT);
      if (kyso_page_renderer_lookup (self->renderer, i, render_scale (self)) == NULL
          && !g_hash_table_contains (self->failed, GUINT_TO_POINTER (i)))
        ready = FALSE;
    }
  if (first > 0)
    request_page (self, first - 1, G_PRIORITY_LOW);
  request_page (self, last + 1, G_PRIORITY_LOW);

  /* The current page is the one under the upper third of the screen. */
  current = kyso_document_view_page_at_y (self, gtk_adjustment_get_value (self->vadjustment)
                                                  + self->layout_height / 3.0);
  if (current != self->current_page)
    {
      self->current_page = current;
      g_object_notify_by_pspec (G_OBJECT (self), kyso_document_view_properties[PROP_CURRENT_PAGE]);
    }

  if (ready != self->ready)
    {
      self->ready = ready;
      g_object_notify_by_pspec (G_OBJECT (self), kyso_document_view_properties[PROP_READY]);
      if (ready)
        g_signal_emit (self, kyso_document_view_signals[PAGES_READY], 0);
    }
}

static gboolean
update_visible_idle (gpointer data)
{
  KysoDocumentView *self = data;

  self->update_id = 0;
  update_visible (self);
  if (self->zoom_changed)
    {
      self->zoom_changed = FALSE;
      g_object_notify_by_pspec (G_OBJECT (self), kyso_document_view_properties[PROP_ZOOM]);
    }
  return G_SOURCE_REMOVE;
}

/* Called from size_allocate and scrolling: notifications (current page, ready) must not fire
 * inside the layout phase, where they would resize other widgets (the page entry) too late
 * for this frame. So the update runs right after it. */
static void
queue_update_visible (KysoDocumentView *self)
{
  if (self->update_id == 0)
    self->update_id = g_idle_add_full (G_PRIORITY_HIGH_IDLE + 10, update_visible_idle, self, NULL);
}

static void
cancel_all_requests (KysoDocumentView *self)
{
  GHashTableIter iter;
  Request *request;

  g_hash_table_iter_init (&iter, self->requests);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *)&request))
    g_cancellable_cancel (request->cancellable);
  g_hash_table_remove_all (self->requests);
}

static void
adjustment_value_changed_cb (GtkAdjustment *adjustment, KysoDocumentView *self)
{
  queue_update_visible (self);
  gtk_widget_queue_allocate (GTK_WIDGET (self));
}

static void
set_adjustment (KysoDocumentView *self, GtkAdjustment **slot, GtkAdjustment *adjustment, int prop)
{
  if (adjustment == NULL)
    adjustment = gtk_adjustment_new (0, 0, 0, 0, 0, 0);
  if (*slot == adjustment)
    return;
  if (*slot != NULL)
    {
      g_signal_handlers_disconnect_by_func (*slot, adjustment_value_changed_cb, self);
      g_object_unref (*slot);
    }
  *slot = g_object_ref_sink (adjustment);
  g_signal_connect (adjustment, "value-changed", G_CALLBACK (adjustment_value_changed_cb), self);
  gtk_widget_queue_allocate (GTK_WIDGET (self));
  g_object_notify (G_OBJECT (self), prop == PROP_HADJUSTMENT ? "hadjustment" : "vadjustment");
}

double
kyso_document_view_fit_width_zoom (KysoDocumentView *self, int width)
{
  if (self->max_page_width <= 0 || width <= 0)
    return self->zoom;
  return MAX ((width - 2 * MARGIN) / self->max_page_width / PX_PER_PT, KYSO_DOCUMENT_VIEW_MIN_ZOOM);
}

static void
kyso_document_view_size_allocate (GtkWidget *widget, int width, int height, int baseline)
{
  KysoDocumentView *self = KYSO_DOCUMENT_VIEW (widget);
  double hvalue = gtk_adjustment_get_value (self->hadjustment);
  double vvalue = gtk_adjustment_get_value (self->vadjustment);
  gboolean resized = width != self->layout_width || height != self->layout_height;

  /* A bar sliding in under the view (the placement help) must not hide the box. */
  gboolean shrunk = height < self->layout_height;

  if (resized)
    {
      guint top_page = kyso_document_view_page_at_y (self, vvalue + MARGIN);
      double ppp = kyso_document_view_get_pixels_per_point (self);
      double into = self->n_pages ? (vvalue - self->offsets[top_page]) / ppp : 0;

      self->layout_width = width;
      self->layout_height = height;
      if (self->fit_width)
        self->zoom = CLAMP (kyso_document_view_fit_width_zoom (self, width), KYSO_DOCUMENT_VIEW_MIN_ZOOM,
                            KYSO_DOCUMENT_VIEW_MAX_ZOOM);
      compute_layout (self);
      /* Keep the top of the screen on the same spot of the same page. */
      if (self->n_pages)
        vvalue = self->offsets[top_page] + into * kyso_document_view_get_pixels_per_point (self);
      if (fabs (ppp - kyso_document_view_get_pixels_per_point (self)) > 1e-9)
        {
          cancel_all_requests (self);
          self->zoom_changed = TRUE;
        }
    }
  if (self->pending_page >= 0 && self->n_pages > 0)
    {
      vvalue = self->offsets[MIN ((guint)self->pending_page, self->n_pages - 1)] - MARGIN / 2;
      self->pending_page = -1;
    }
  if (shrunk && self->placing && gtk_widget_get_visible (GTK_WIDGET (self->box)))
    vvalue = kyso_document_view_box_scroll_target (self, vvalue);
  configure_adjustments (self, hvalue, vvalue);
  kyso_signature_box_set_scale (self->box, kyso_document_view_get_pixels_per_point (self));

  if (self->placing && self->n_pages > 0 && gtk_widget_get_visible (GTK_WIDGET (self->box)))
    {
      guint page = MIN (kyso_signature_box_get_page (self->box), self->n_pages - 1);
      graphene_rect_t bounds = kyso_document_view_page_bounds (self, page);
      double ppp = kyso_document_view_get_pixels_per_point (self);
      KysoPageRect r;
      GtkAllocation alloc;

      kyso_signature_box_get_rect (self->box, &r);
      alloc.x = (int)round (bounds.origin.x + r.x0 * ppp);
      alloc.y = (int)round (bounds.origin.y + r.y0 * ppp);
      alloc.width = (int)round (bounds.origin.x + r.x1 * ppp) - alloc.x;
      alloc.height = (int)round (bounds.origin.y + r.y1 * ppp) - alloc.y;
      gtk_widget_measure (GTK_WIDGET (self->box), GTK_ORIENTATION_HORIZONTAL, -1, NULL, NULL, NULL, NULL);
      gtk_widget_size_allocate (GTK_WIDGET (self->box), &alloc, -1);
    }

  queue_update_visible (self);
}

static void
kyso_document_view_measure (GtkWidget *widget, GtkOrientation orientation, int for_size, int *minimum,
                            int *natural, int *minimum_baseline, int *natural_baseline)
{
  KysoDocumentView *self = KYSO_DOCUMENT_VIEW (widget);

  /* Small minimum (the scrolled window scrolls); natural: the pages at the current zoom. */
  *minimum = 64;
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    *natural = (int)MAX (64, ceil (self->max_page_width * kyso_document_view_get_pixels_per_point (self))
                               + 2 * MARGIN);
  else
    *natural = 480;
}

static void
kyso_document_view_snapshot (GtkWidget *widget, GtkSnapshot *snapshot)
{
  KysoDocumentView *self = KYSO_DOCUMENT_VIEW (widget);
  GdkRGBA white = { 1, 1, 1, 1 }, failed = { 0.87f, 0.87f, 0.87f, 1 };
  GdkRGBA shadow = { 0, 0, 0, 0.3f }, mark = { 1.0f, 0.8f, 0.0f, 0.45f };
  guint first, last;

  if (self->renderer == NULL || self->n_pages == 0)
    return;

  visible_range (self, &first, &last);
  for (guint i = first; i <= last; i++)
    {
      graphene_rect_t bounds = kyso_document_view_page_bounds (self, i);
      GskRoundedRect outline;
      GdkTexture *texture;

      gsk_rounded_rect_init_from_rect (&outline, &bounds, 0);
      gtk_snapshot_append_outset_shadow (snapshot, &outline, &shadow, 0, 1, 0, 4);

      texture = kyso_page_renderer_lookup (self->renderer, i, render_scale (self));
      if (texture == NULL)
        texture = kyso_page_renderer_lookup_any (self->renderer, i);
      if (texture != NULL)
        gtk_snapshot_append_texture (snapshot, texture, &bounds);
      else
        gtk_snapshot_append_color (
          snapshot, g_hash_table_contains (self->failed, GUINT_TO_POINTER (i)) ? &failed : &white, &bounds);
    }

  if (self->highlights != NULL)
    {
      double ppp = kyso_document_view_get_pixels_per_point (self);

      for (guint m = 0; m < self->highlights->len; m++)
        {
          const KysoTextMatch *match = &g_array_index (self->highlights, KysoTextMatch, m);
          graphene_rect_t bounds;

          if (match->page < first || match->page > last)
            continue;
          bounds = kyso_document_view_page_bounds (self, match->page);
          gtk_snapshot_append_color (
            snapshot, &mark,
            &GRAPHENE_RECT_INIT ((float)(bounds.origin.x + (match->rect.x0 - 2) * ppp),
                                 (float)(bounds.origin.y + (match->rect.y0 - 2) * ppp),
                                 (float)((match->rect.x1 - match->rect.x0 + 4) * ppp),
                                 (float)((match->rect.y1 - match->rect.y0 + 4) * ppp)));
        }
    }

  if (self->placing)
    gtk_widget_snapshot_child (widget, GTK_WIDGET (self->box), snapshot);
}

static void
kyso_document_view_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  KysoDocumentView *self = KYSO_DOCUMENT_VIEW (object);

  switch (prop_id)
    {
      case PROP_RENDERER:
        g_value_set_object (value, self->renderer);
        break;
      case PROP_ZOOM:
        g_value_set_double (value, self->zoom);
        break;
      case PROP_FIT_WIDTH:
        g_value_set_boolean (value, self->fit_width);
        break;
      case PROP_CURRENT_PAGE:
        g_value_set_uint (value, self->current_page);
        break;
      case PROP_N_PAGES:
        g_value_set_uint (value, self->n_pages);
        break;
      case PROP_PLACING:
        g_value_set_boolean (value, self->placing);
        break;
      case PROP_READY:
        g_value_set_boolean (value, self->ready);
        break;
      case PROP_HADJUSTMENT:
        g_value_set_object (value, self->hadjustment);
        break;
      case PROP_VADJUSTMENT:
        g_value_set_object (value, self->vadjustment);
        break;
      case PROP_HSCROLL_POLICY:
        g_value_set_enum (value, self->hscroll_policy);
        break;
      case PROP_VSCROLL_POLICY:
        g_value_set_enum (value, self->vscroll_policy);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kyso_document_view_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  KysoDocumentView *self = KYSO_DOCUMENT_VIEW (object);

  switch (prop_id)
    {
      case PROP_RENDERER:
        kyso_document_view_set_renderer (self, g_value_get_object (value));
        break;
      case PROP_ZOOM:
        kyso_document_view_set_zoom (self, g_value_get_double (value));
        break;
      case PROP_FIT_WIDTH:
        kyso_document_view_set_fit_width (self, g_value_get_boolean (value));
        break;
      case PROP_CURRENT_PAGE:
        kyso_document_view_go_to_page (self, g_value_get_uint (value));
        break;
      case PROP_HADJUSTMENT:
        set_adjustment (self, &self->hadjustment, g_value_get_object (value), PROP_HADJUSTMENT);
        break;
      case PROP_VADJUSTMENT:
        set_adjustment (self, &self->vadjustment, g_value_get_object (value), PROP_VADJUSTMENT);
        break;
      case PROP_HSCROLL_POLICY:
        self->hscroll_policy = g_value_get_enum (value);
        break;
      case PROP_VSCROLL_POLICY:
        self->vscroll_policy = g_value_get_enum (value);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kyso_document_view_dispose (GObject *object)
{
  KysoDocumentView *self = KYSO_DOCUMENT_VIEW (object);

  cancel_all_requests (self);
  g_clear_handle_id (&self->update_id, g_source_remove);
  if (self->hadjustment)
    g_signal_handlers_disconnect_by_func (self->hadjustment, adjustment_value_changed_cb, self);
  if (self->vadjustment)
    g_signal_handlers_disconnect_by_func (self->vadjustment, adjustment_value_changed_cb, self);
  g_clear_object (&self->hadjustment);
  g_clear_object (&self->vadjustment);
  g_clear_object (&self->renderer);
  g_clear_pointer (&self->highlights, g_array_unref);
  gtk_widget_dispose_template (GTK_WIDGET (object), KYSO_TYPE_DOCUMENT_VIEW);

  G_OBJECT_CLASS (kyso_document_view_parent_class)->dispose (object);
}

static void
kyso_document_view_finalize (GObject *object)
{
  KysoDocumentView *self = KYSO_DOCUMENT_VIEW (object);

  g_free (self->offsets);
  g_hash_table_unref (self->requests);
  g_hash_table_unref (self->failed);

  G_OBJECT_CLASS (kyso_document_view_parent_class)->finalize (object);
}

static void
kyso_document_view_scrollable_init (GtkScrollableInterface *iface)
{
}

static void
add_scroll_binding (GtkWidgetClass *widget_class, guint keyval, double lines, double screens)
{
  gtk_widget_class_add_binding_action (widget_class, keyval, 0, "view.scroll", "(dd)", lines, screens);
}

static void
kyso_document_view_class_init (KysoDocumentViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = kyso_document_view_get_property;
  object_class->set_property = kyso_document_view_set_property;
  object_class->dispose = kyso_document_view_dispose;
  object_class->finalize = kyso_document_view_finalize;
  widget_class->measure = kyso_document_view_measure;
  widget_class->size_allocate = kyso_document_view_size_allocate;
  widget_class->snapshot = kyso_document_view_snapshot;

  kyso_document_view_properties[PROP_RENDERER]
    = g_param_spec_object ("renderer", NULL, NULL, KYSO_TYPE_PAGE_RENDERER,
                           G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  kyso_document_view_properties[PROP_ZOOM]
    = g_param_spec_double ("zoom", NULL, NULL, KYSO_DOCUMENT_VIEW_MIN_ZOOM, KYSO_DOCUMENT_VIEW_MAX_ZOOM, 1.0,
                           G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  kyso_document_view_properties[PROP_FIT_WIDTH] = g_param_spec_boolean (
    "fit-width", NULL, NULL, TRUE, G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  kyso_document_view_properties[PROP_CURRENT_PAGE]
    = g_param_spec_uint ("current-page", NULL, NULL, 0, G_MAXUINT, 0,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  kyso_document_view_properties[PROP_N_PAGES]
    = g_param_spec_uint ("n-pages", NULL, NULL, 0, G_MAXUINT, 0, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  kyso_document_view_properties[PROP_PLACING]
    = g_param_spec_boolean ("placing", NULL, NULL, FALSE, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  kyso_document_view_properties[PROP_READY]
    = g_param_spec_boolean ("ready", NULL, NULL, FALSE, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, kyso_document_view_properties);
  g_object_class_override_property (object_class, PROP_HADJUSTMENT, "hadjustment");
  g_object_class_override_property (object_class, PROP_VADJUSTMENT, "vadjustment");
  g_object_class_override_property (object_class, PROP_HSCROLL_POLICY, "hscroll-policy");
  g_object_class_override_property (object_class, PROP_VSCROLL_POLICY, "vscroll-policy");

  kyso_document_view_signals[PLACEMENT_CONFIRMED] = g_signal_new (
    "placement-confirmed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  kyso_document_view_signals[PLACEMENT_CANCELLED] = g_signal_new (
    "placement-cancelled", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  kyso_document_view_signals[PAGES_READY] = g_signal_new (
    "pages-ready", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  g_type_ensure (KYSO_TYPE_SIGNATURE_BOX);
  gtk_widget_class_set_template_from_resource (widget_class, "/vn/kyso/Kyso/ui/kyso-document-view.ui");
  gtk_widget_class_bind_template_child (widget_class, KysoDocumentView, box);
  gtk_widget_class_bind_template_callback_full (widget_class, "box_changed_cb",
                                                G_CALLBACK (kyso_document_view_box_changed_cb));
  gtk_widget_class_bind_template_callback_full (widget_class, "box_page_requested_cb",
                                                G_CALLBACK (kyso_document_view_box_page_requested_cb));
  gtk_widget_class_bind_template_callback_full (widget_class, "box_confirmed_cb",
                                                G_CALLBACK (kyso_document_view_box_confirmed_cb));
  gtk_widget_class_bind_template_callback_full (widget_class, "box_cancelled_cb",
                                                G_CALLBACK (kyso_document_view_box_cancelled_cb));

  gtk_widget_class_install_action (widget_class, "view.scroll", "(dd)", kyso_document_view_scroll_action);
  gtk_widget_class_install_action (widget_class, "view.edge", "b", kyso_document_view_edge_action);
  add_scroll_binding (widget_class, GDK_KEY_Up, -1, 0);
  add_scroll_binding (widget_class, GDK_KEY_Down, 1, 0);
  add_scroll_binding (widget_class, GDK_KEY_Page_Up, 0, -1);
  add_scroll_binding (widget_class, GDK_KEY_Page_Down, 0, 1);
  add_scroll_binding (widget_class, GDK_KEY_space, 0, 1);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_space, GDK_SHIFT_MASK, "view.scroll", "(dd)",
                                       0.0, -1.0);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Home, 0, "view.edge", "b", FALSE);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_End, 0, "view.edge", "b", TRUE);

  gtk_widget_class_set_css_name (widget_class, "kyso-document-view");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_DOCUMENT);
}

static void
kyso_document_view_init (KysoDocumentView *self)
{
  GtkGesture *click;
  GtkEventController *controller;

  self->zoom = 1.0;
  self->fit_width = TRUE;
  self->pending_page = -1;
  self->requests = g_hash_table_new (NULL, NULL);
  self->failed = g_hash_table_new (NULL, NULL);
  self->offsets = g_new0 (double, 1);
  set_adjustment (self, &self->hadjustment, NULL, PROP_HADJUSTMENT);
  set_adjustment (self, &self->vadjustment, NULL, PROP_VADJUSTMENT);

  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  gtk_widget_set_overflow (GTK_WIDGET (self), GTK_OVERFLOW_HIDDEN);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Document pages"), -1);

  click = gtk_gesture_click_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), GDK_BUTTON_PRIMARY);
  g_signal_connect (click, "pressed", G_CALLBACK (kyso_document_view_click_pressed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));

  controller = gtk_event_controller_motion_new ();
  g_signal_connect (controller, "motion", G_CALLBACK (kyso_document_view_motion_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);

  controller = gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_VERTICAL);
  g_signal_connect (controller, "scroll", G_CALLBACK (kyso_document_view_scroll_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);
}

GtkWidget *
kyso_document_view_new (void)
{
  return g_object_new (KYSO_TYPE_DOCUMENT_VIEW, NULL);
}

void
kyso_document_view_set_renderer (KysoDocumentView *self, KysoPageRenderer *renderer)
{
  g_return_if_fail (KYSO_IS_DOCUMENT_VIEW (self));
  g_return_if_fail (renderer == NULL || KYSO_IS_PAGE_RENDERER (renderer));

  if (self->renderer == renderer)
    return;

  cancel_all_requests (self);
  g_hash_table_remove_all (self->failed);
  g_clear_pointer (&self->highlights, g_array_unref);
  kyso_document_view_end_placement (self);
  g_set_object (&self->renderer, renderer);

  self->n_pages = renderer ? kyso_page_renderer_get_n_pages (renderer) : 0;
  self->max_page_width = 0;
  for (guint i = 0; i < self->n_pages; i++)
    {
      double w, h;
      page_size (self, i, &w, &h);
      self->max_page_width = MAX (self->max_page_width, w);
    }
  self->current_page = 0;
  self->ready = FALSE;
  /* Every document starts fitted to the width, whatever the last one was zoomed to. */
  if (!self->fit_width)
    {
      self->fit_width = TRUE;
      g_object_notify_by_pspec (G_OBJECT (self), kyso_document_view_properties[PROP_FIT_WIDTH]);
    }
  if (self->fit_width && self->layout_width > 0)
    self->zoom = CLAMP (kyso_document_view_fit_width_zoom (self, self->layout_width),
                        KYSO_DOCUMENT_VIEW_MIN_ZOOM, KYSO_DOCUMENT_VIEW_MAX_ZOOM);
  compute_layout (self);
  configure_adjustments (self, 0, 0);
  update_visible (self);
  gtk_widget_queue_resize (GTK_WIDGET (self));

  g_object_notify_by_pspec (G_OBJECT (self), kyso_document_view_properties[PROP_RENDERER]);
  g_object_notify_by_pspec (G_OBJECT (self), kyso_document_view_properties[PROP_N_PAGES]);
  g_object_notify_by_pspec (G_OBJECT (self), kyso_document_view_properties[PROP_CURRENT_PAGE]);
  g_object_notify_by_pspec (G_OBJECT (self), kyso_document_view_properties[PROP_ZOOM]);
}

KysoPageRenderer *
kyso_document_view_get_renderer (KysoDocumentView *self)
{
  g_return_val_if_fail (KYSO_IS_DOCUMENT_VIEW (self), NULL);
  return self->renderer;
}
