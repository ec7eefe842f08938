/* kyso-document-view-input.c: the document view's pointer and keyboard input, placing the
 * signature box, and its zoom, navigation and placement API */

#include "config.h"

#include "kyso-document-view-private.h"

#include <math.h>

static const double zoom_steps[] = {
  0.25, 0.33, 0.5, 0.67, 0.75, 0.9, 1.0, 1.1, 1.25, 1.5, 1.75, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0,
};

/* Widget coordinates → page and page points; FALSE when between or beside pages. */
static gboolean
locate (KysoDocumentView *self, double x, double y, guint *page, double *u, double *v)
{
  double ppp = kyso_document_view_get_pixels_per_point (self);
  graphene_rect_t bounds;

  if (self->n_pages == 0)
    return FALSE;
  *page = kyso_document_view_page_at_y (self, y + gtk_adjustment_get_value (self->vadjustment));
  bounds = kyso_document_view_page_bounds (self, *page);
  if (!graphene_rect_contains_point (&bounds, &GRAPHENE_POINT_INIT ((float)x, (float)y)))
    return FALSE;
  *u = (x - bounds.origin.x) / ppp;
  *v = (y - bounds.origin.y) / ppp;
  return TRUE;
}

/* The scroll position (from @top) that shows the whole box, moving as little as possible. */
double
kyso_document_view_box_scroll_target (KysoDocumentView *self, double top)
{
  guint page = kyso_signature_box_get_page (self->box);
  double ppp = kyso_document_view_get_pixels_per_point (self);
  double h = self->layout_height;
  KysoPageRect r;
  double y0, y1;

  if (page >= self->n_pages || h <= 0)
    return top;
  kyso_signature_box_get_rect (self->box, &r);
  y0 = self->offsets[page] + r.y0 * ppp - MARGIN;
  y1 = self->offsets[page] + r.y1 * ppp + MARGIN;
  if (y0 < top)
    return y0;
  if (y1 > top + h)
    return y1 - h;
  return top;
}

static void
scroll_box_into_view (KysoDocumentView *self)
{
  gtk_adjustment_set_value (self->vadjustment, kyso_document_view_box_scroll_target (
                                                 self, gtk_adjustment_get_value (self->vadjustment)));
}

static void
move_box_to (KysoDocumentView *self, guint page, double cu, double cv)
{
  KysoPageGeometry g = kyso_document_view_page_geometry (self, page);
  KysoPageRect r;
  double w, h;

  kyso_signature_box_get_rect (self->box, &r);
  w = r.x1 - r.x0, h = r.y1 - r.y0;
  kyso_signature_box_set_page (self->box, page, &g);
  r = (KysoPageRect){ cu - w / 2, cv - h / 2, cu + w / 2, cv + h / 2 };
  kyso_signature_box_set_rect (self->box, &r);
  scroll_box_into_view (self);
  gtk_widget_queue_allocate (GTK_WIDGET (self));
}

void
kyso_document_view_click_pressed_cb (GtkGestureClick *gesture, int n_press, double x, double y,
                                     KysoDocumentView *self)
{
  guint page;
  double u, v;

  gtk_widget_grab_focus (GTK_WIDGET (self));
  if (!self->placing || !locate (self, x, y, &page, &u, &v))
    return;
  move_box_to (self, page, u, v);
  gtk_widget_grab_focus (GTK_WIDGET (self->box));
  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
}

void
kyso_document_view_motion_cb (GtkEventControllerMotion *motion, double x, double y, KysoDocumentView *self)
{
  self->pointer_x = x;
  self->pointer_y = y;
}

gboolean
kyso_document_view_scroll_cb (GtkEventControllerScroll *scroll, double dx, double dy, KysoDocumentView *self)
{
  GdkModifierType state = gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (scroll));

  if (!(state & GDK_CONTROL_MASK) || dy == 0)
    return FALSE;
  self->fit_width = FALSE;
  g_object_notify_by_pspec (G_OBJECT (self), kyso_document_view_properties[PROP_FIT_WIDTH]);
  kyso_document_view_apply_zoom (self, self->zoom * pow (1.1, -dy), self->pointer_x, self->pointer_y);
  return TRUE;
}

void
kyso_document_view_box_changed_cb (KysoSignatureBox *box, KysoDocumentView *self)
{
  gtk_widget_queue_allocate (GTK_WIDGET (self));
}

void
kyso_document_view_box_page_requested_cb (KysoSignatureBox *box, int delta, KysoDocumentView *self)
{
  gint64 page = (gint64)kyso_signature_box_get_page (box) + delta;
  KysoPageRect r;

  if (page < 0 || page >= self->n_pages)
    {
      gtk_widget_error_bell (GTK_WIDGET (self));
      return;
    }
  kyso_signature_box_get_rect (box, &r);
  move_box_to (self, (guint)page, (r.x0 + r.x1) / 2, (r.y0 + r.y1) / 2);
}

void
kyso_document_view_box_confirmed_cb (KysoSignatureBox *box, KysoDocumentView *self)
{
  g_signal_emit (self, kyso_document_view_signals[PLACEMENT_CONFIRMED], 0);
}

void
kyso_document_view_box_cancelled_cb (KysoSignatureBox *box, KysoDocumentView *self)
{
  g_signal_emit (self, kyso_document_view_signals[PLACEMENT_CANCELLED], 0);
}

/* "view.scroll" (dd): by lines (±1) or screens (±1000 = one screen), "view.edge" (b): start/end. */
void
kyso_document_view_scroll_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  KysoDocumentView *self = KYSO_DOCUMENT_VIEW (widget);
  double lines, screens;

  g_variant_get (parameter, "(dd)", &lines, &screens);
  gtk_adjustment_set_value (self->vadjustment, gtk_adjustment_get_value (self->vadjustment)
                                                 + lines * SCROLL_STEP + screens * self->layout_height * 0.9);
}

void
kyso_document_view_edge_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  KysoDocumentView *self = KYSO_DOCUMENT_VIEW (widget);

  if (g_variant_get_boolean (parameter))
    gtk_adjustment_set_value (self->vadjustment, gtk_adjustment_get_upper (self->vadjustment));
  else
    gtk_adjustment_set_value (self->vadjustment, 0);
}

double
kyso_document_view_get_zoom (KysoDocumentView *self)
{
  g_return_val_if_fail (KYSO_IS_DOCUMENT_VIEW (self), 1.0);
  return self->zoom;
}

void
kyso_document_view_set_zoom (KysoDocumentView *self, double zoom)
{
  g_return_if_fail (KYSO_IS_DOCUMENT_VIEW (self));

  kyso_document_view_set_fit_width (self, FALSE);
  kyso_document_view_apply_zoom (self, zoom, self->layout_width / 2.0, self->layout_height / 2.0);
}

void
kyso_document_view_zoom_in (KysoDocumentView *self)
{
  g_return_if_fail (KYSO_IS_DOCUMENT_VIEW (self));

  for (guint i = 0; i < G_N_ELEMENTS (zoom_steps); i++)
    if (zoom_steps[i] > self->zoom + 0.005)
      {
        kyso_document_view_set_zoom (self, zoom_steps[i]);
        return;
      }
  gtk_widget_error_bell (GTK_WIDGET (self));
}

void
kyso_document_view_zoom_out (KysoDocumentView *self)
{
  g_return_if_fail (KYSO_IS_DOCUMENT_VIEW (self));

  for (guint i = G_N_ELEMENTS (zoom_steps); i-- > 0;)
    if (zoom_steps[i] < self->zoom - 0.005)
      {
        kyso_document_view_set_zoom (self, zoom_steps[i]);
        return;
      }
  gtk_widget_error_bell (GTK_WIDGET (self));
}

gboolean
kyso_document_view_get_fit_width (KysoDocumentView *self)
{
  g_return_val_if_fail (KYSO_IS_DOCUMENT_VIEW (self), FALSE);
  return self->fit_width;
}

void
kyso_document_view_set_fit_width (KysoDocumentView *self, gboolean fit_width)
{
  g_return_if_fail (KYSO_IS_DOCUMENT_VIEW (self));

  fit_width = !!fit_width;
  if (self->fit_width == fit_width)
    return;
  self->fit_width = fit_width;
  if (fit_width && self->layout_width > 0)
    kyso_document_view_apply_zoom (self, kyso_document_view_fit_width_zoom (self, self->layout_width), 0, 0);
  g_object_notify_by_pspec (G_OBJECT (self), kyso_document_view_properties[PROP_FIT_WIDTH]);
}

guint
kyso_document_view_get_current_page (KysoDocumentView *self)
{
  g_return_val_if_fail (KYSO_IS_DOCUMENT_VIEW (self), 0);
  return self->current_page;
}

guint
kyso_document_view_get_n_pages (KysoDocumentView *self)
{
  g_return_val_if_fail (KYSO_IS_DOCUMENT_VIEW (self), 0);
  return self->n_pages;
}

void
kyso_document_view_go_to_page (KysoDocumentView *self, guint page)
{
  g_return_if_fail (KYSO_IS_DOCUMENT_VIEW (self));

  if (self->n_pages == 0)
    return;
  page = MIN (page, self->n_pages - 1);
  if (self->layout_height <= 0)
    {
      self->pending_page = (int)page;
      return;
    }
  gtk_adjustment_set_value (self->vadjustment, self->offsets[page] - MARGIN / 2);
}

void
kyso_document_view_set_highlights (KysoDocumentView *self, GArray *matches)
{
  g_return_if_fail (KYSO_IS_DOCUMENT_VIEW (self));

  g_clear_pointer (&self->highlights, g_array_unref);
  if (matches != NULL)
    self->highlights = g_array_ref (matches);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
kyso_document_view_begin_placement (KysoDocumentView *self, guint page, const KysoPageRect *rect)
{
  KysoPageGeometry g;

  g_return_if_fail (KYSO_IS_DOCUMENT_VIEW (self));
  g_return_if_fail (rect != NULL);
  g_return_if_fail (self->renderer != NULL);

  page = MIN (page, self->n_pages - 1);
  g = kyso_document_view_page_geometry (self, page);
  kyso_signature_box_set_scale (self->box, kyso_document_view_get_pixels_per_point (self));
  kyso_signature_box_set_page (self->box, page, &g);
  kyso_signature_box_set_rect (self->box, rect);
  gtk_widget_set_visible (GTK_WIDGET (self->box), TRUE);
  if (!self->placing)
    {
      self->placing = TRUE;
      g_object_notify_by_pspec (G_OBJECT (self), kyso_document_view_properties[PROP_PLACING]);
    }
  scroll_box_into_view (self);
  gtk_widget_queue_allocate (GTK_WIDGET (self));
  gtk_widget_grab_focus (GTK_WIDGET (self->box));
}

void
kyso_document_view_end_placement (KysoDocumentView *self)
{
  g_return_if_fail (KYSO_IS_DOCUMENT_VIEW (self));

  if (!self->placing)
    return;
  self->placing = FALSE;
  gtk_widget_set_visible (GTK_WIDGET (self->box), FALSE);
  gtk_widget_queue_allocate (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), kyso_document_view_properties[PROP_PLACING]);
}

gboolean
kyso_document_view_get_placing (KysoDocumentView *self)
{
  g_return_val_if_fail (KYSO_IS_DOCUMENT_VIEW (self), FALSE);
  return self->placing;
}

KysoSignatureBox *
kyso_document_view_get_signature_box (KysoDocumentView *self)
{
  g_return_val_if_fail (KYSO_IS_DOCUMENT_VIEW (self), NULL);
  return self->box;
}

gboolean
kyso_document_view_get_ready (KysoDocumentView *self)
{
  g_return_val_if_fail (KYSO_IS_DOCUMENT_VIEW (self), FALSE);
  /* An update pending means the screen moved since the last check. */
  return self->ready && self->update_id == 0;
}
