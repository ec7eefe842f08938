/* kyso-signature-box.c: the movable, resizable signature frame on a page */

#include "config.h"

#include "kyso-signature-box.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

/* How close to a corner (pixels) a drag resizes instead of moving. */
#define HANDLE_SIZE 12.0

typedef enum
{
  DRAG_NONE,
  DRAG_MOVE,
  DRAG_TOP_LEFT,
  DRAG_TOP_RIGHT,
  DRAG_BOTTOM_LEFT,
  DRAG_BOTTOM_RIGHT,
} DragMode;

struct _KysoSignatureBox
{
  GtkWidget parent_instance;

  GtkPicture *picture;
  GtkLabel *label;

  guint page;
  KysoPageGeometry geometry;
  KysoPageRect rect;
  double scale;

  DragMode drag_mode;
  KysoPageRect drag_start;
  /* Where the drag began, in the parent's coordinates: the box moves under the pointer during
   * the drag, so offsets measured in its own coordinates would shrink by what it has moved. */
  double drag_x, drag_y;
  double drag_box_x, drag_box_y; /* the same point in the box's coordinates then */
};

G_DEFINE_FINAL_TYPE (KysoSignatureBox, kyso_signature_box, GTK_TYPE_WIDGET)

enum
{
  CHANGED,
  CONFIRMED,
  CANCELLED,
  PAGE_REQUESTED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
update_accessible (KysoSignatureBox *self)
{
  g_autofree char *label = NULL;

  /* Translators: %u is a page number. Read aloud by screen readers. */
  label = g_strdup_printf (_("Signature position on page %u"), self->page + 1);
  gtk_accessible_update_property (
    GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, label, GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
    _("Arrow keys move it, Shift with arrow keys changes its size, Page Up and "
                                    "Page Down move it to another page, Enter confirms, Escape cancels."),
       -1);
}

static void
set_rect_internal (KysoSignatureBox *self, const KysoPageRect *rect)
{
  KysoPageRect r = *rect;

  kyso_page_geometry_clamp (&self->geometry, &r, KYSO_SIGNATURE_BOX_MIN_WIDTH, KYSO_SIGNATURE_BOX_MIN_HEIGHT);
  if (memcmp (&r, &self->rect, sizeof r) == 0)
    return;
  self->rect = r;
  g_signal_emit (self, signals[CHANGED], 0);
  gtk_widget_queue_resize (GTK_WIDGET (self));
}

void
kyso_signature_box_set_page (KysoSignatureBox *self, guint page, const KysoPageGeometry *geometry)
{
  KysoPageRect r;

  g_return_if_fail (KYSO_IS_SIGNATURE_BOX (self));
  g_return_if_fail (geometry != NULL);

  self->page = page;
  self->geometry = *geometry;
  r = self->rect;
  /* Force a CHANGED emission: the page itself changed even if the rectangle did not. */
  self->rect = (KysoPageRect){ -1, -1, -1, -1 };
  set_rect_internal (self, &r);
  update_accessible (self);
}

guint
kyso_signature_box_get_page (KysoSignatureBox *self)
{
  g_return_val_if_fail (KYSO_IS_SIGNATURE_BOX (self), 0);
  return self->page;
}

void
kyso_signature_box_get_geometry (KysoSignatureBox *self, KysoPageGeometry *geometry)
{
  g_return_if_fail (KYSO_IS_SIGNATURE_BOX (self));
  *geometry = self->geometry;
}

void
kyso_signature_box_set_rect (KysoSignatureBox *self, const KysoPageRect *rect)
{
  g_return_if_fail (KYSO_IS_SIGNATURE_BOX (self));
  g_return_if_fail (rect != NULL);
  set_rect_internal (self, rect);
}

void
kyso_signature_box_get_rect (KysoSignatureBox *self, KysoPageRect *rect)
{
  g_return_if_fail (KYSO_IS_SIGNATURE_BOX (self));
  *rect = self->rect;
}

void
kyso_signature_box_get_pdf_rect (KysoSignatureBox *self, KysoPageRect *rect)
{
  g_return_if_fail (KYSO_IS_SIGNATURE_BOX (self));
  kyso_page_geometry_to_pdf (&self->geometry, &self->rect, rect);
}

void
kyso_signature_box_set_scale (KysoSignatureBox *self, double scale)
{
  g_return_if_fail (KYSO_IS_SIGNATURE_BOX (self));
  g_return_if_fail (scale > 0);
  self->scale = scale;
}

double
kyso_signature_box_get_scale (KysoSignatureBox *self)
{
  g_return_val_if_fail (KYSO_IS_SIGNATURE_BOX (self), 1.0);
  return self->scale;
}

void
kyso_signature_box_move (KysoSignatureBox *self, double dx, double dy)
{
  KysoPageRect r;

  g_return_if_fail (KYSO_IS_SIGNATURE_BOX (self));
  r = self->rect;
  r.x0 += dx, r.x1 += dx, r.y0 += dy, r.y1 += dy;
  set_rect_internal (self, &r);
}

void
kyso_signature_box_resize (KysoSignatureBox *self, double dw, double dh)
{
  KysoPageRect r;

  g_return_if_fail (KYSO_IS_SIGNATURE_BOX (self));
  r = self->rect;
  /* Growing past the page edge slides the box back in rather than refusing the step. */
  r.x1 = MAX (r.x0 + KYSO_SIGNATURE_BOX_MIN_WIDTH, r.x1 + dw);
  r.y1 = MAX (r.y0 + KYSO_SIGNATURE_BOX_MIN_HEIGHT, r.y1 + dh);
  set_rect_internal (self, &r);
}

void
kyso_signature_box_set_preview (KysoSignatureBox *self, GdkPaintable *image, const char *text)
{
  g_return_if_fail (KYSO_IS_SIGNATURE_BOX (self));

  gtk_picture_set_paintable (self->picture, image);
  gtk_widget_set_visible (GTK_WIDGET (self->picture), image != NULL);
  gtk_label_set_text (self->label, text ? text : _("Sign here"));
}

static DragMode
hit_test (KysoSignatureBox *self, double x, double y)
{
  double w = gtk_widget_get_width (GTK_WIDGET (self));
  double h = gtk_widget_get_height (GTK_WIDGET (self));
  gboolean left = x<HANDLE_SIZE, right = x> w - HANDLE_SIZE;
  gboolean top = y<HANDLE_SIZE, bottom = y> h - HANDLE_SIZE;

  if (top && left)
    return DRAG_TOP_LEFT;
  if (top && right)
    return DRAG_TOP_RIGHT;
  if (bottom && left)
    return DRAG_BOTTOM_LEFT;
  if (bottom && right)
    return DRAG_BOTTOM_RIGHT;
  return DRAG_MOVE;
}

static const char *
cursor_for (DragMode mode)
{
  switch (mode)
    {
      case DRAG_TOP_LEFT:
      case DRAG_BOTTOM_RIGHT:
        return "nwse-resize";
      case DRAG_TOP_RIGHT:
      case DRAG_BOTTOM_LEFT:
        return "nesw-resize";
      case DRAG_MOVE:
        return "move";
      case DRAG_NONE:
      default:
        return NULL;
    }
}

static void
motion_cb (GtkEventControllerMotion *motion, double x, double y, KysoSignatureBox *self)
{
  if (self->drag_mode == DRAG_NONE)
    gtk_widget_set_cursor_from_name (GTK_WIDGET (self), cursor_for (hit_test (self, x, y)));
}

/* A point of the box in its parent's coordinates, which do not move with the box. */
static void
to_parent (KysoSignatureBox *self, double x, double y, double *px, double *py)
{
  GtkWidget *parent = gtk_widget_get_parent (GTK_WIDGET (self));

  *px = x, *py = y;
  if (parent != NULL && !gtk_widget_translate_coordinates (GTK_WIDGET (self), parent, x, y, px, py))
    *px = x, *py = y;
}

/* The drag's offset from its start in the parent's coordinates, from the gesture's offset
 * (the pointer in the box's coordinates as it is now, minus the start point). */
static void
drag_offset (KysoSignatureBox *self, double offset_x, double offset_y, double *dx, double *dy)
{
  double px, py;

  to_parent (self, self->drag_box_x + offset_x, self->drag_box_y + offset_y, &px, &py);
  *dx = px - self->drag_x;
  *dy = py - self->drag_y;
}

static void
drag_begin_cb (GtkGestureDrag *gesture, double x, double y, KysoSignatureBox *self)
{
  self->drag_mode = hit_test (self, x, y);
  self->drag_start = self->rect;
  self->drag_box_x = x, self->drag_box_y = y;
  to_parent (self, x, y, &self->drag_x, &self->drag_y);
  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
  gtk_widget_grab_focus (GTK_WIDGET (self));
}

static void
drag_update_cb (GtkGestureDrag *gesture, double offset_x, double offset_y, KysoSignatureBox *self)
{
  KysoPageRect r = self->drag_start;
  double dx, dy;
  double min_w = KYSO_SIGNATURE_BOX_MIN_WIDTH, min_h = KYSO_SIGNATURE_BOX_MIN_HEIGHT;

  if (self->drag_mode == DRAG_NONE)
    return;
  drag_offset (self, offset_x, offset_y, &dx, &dy);
  dx /= self->scale, dy /= self->scale;
  switch (self->drag_mode)
    {
      case DRAG_MOVE:
        r.x0 += dx, r.x1 += dx, r.y0 += dy, r.y1 += dy;
        break;
      /* A corner follows the pointer but never crosses the opposite corner, nor the page edge
       * (clamping the corner, not sliding the box, so the other corner stays put). */
      case DRAG_TOP_LEFT:
        r.x0 = CLAMP (r.x0 + dx, 0, r.x1 - min_w);
        r.y0 = CLAMP (r.y0 + dy, 0, r.y1 - min_h);
        break;
      case DRAG_TOP_RIGHT:
        r.x1 = CLAMP (r.x1 + dx, r.x0 + min_w, kyso_page_geometry_get_width (&self->geometry));
        r.y0 = CLAMP (r.y0 + dy, 0, r.y1 - min_h);
        break;
      case DRAG_BOTTOM_LEFT:
        r.x0 = CLAMP (r.x0 + dx, 0, r.x1 - min_w);
        r.y1 = CLAMP (r.y1 + dy, r.y0 + min_h, kyso_page_geometry_get_height (&self->geometry));
        break;
      case DRAG_BOTTOM_RIGHT:
        r.x1 = CLAMP (r.x1 + dx, r.x0 + min_w, kyso_page_geometry_get_width (&self->geometry));
        r.y1 = CLAMP (r.y1 + dy, r.y0 + min_h, kyso_page_geometry_get_height (&self->geometry));
        break;
      case DRAG_NONE:
      default:
        return;
    }
  set_rect_internal (self, &r);
}

static void
drag_end_cb (GtkGestureDrag *gesture, double offset_x, double offset_y, KysoSignatureBox *self)
{
  drag_update_cb (gesture, offset_x, offset_y, self);
  self->drag_mode = DRAG_NONE;
}

/* "box.move" (ddb): dx, dy in steps, fine; "box.resize" the same for the size. */
static void
step_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  KysoSignatureBox *self = KYSO_SIGNATURE_BOX (widget);
  int dx, dy;
  gboolean fine;
  double step;

  g_variant_get (parameter, "(iib)", &dx, &dy, &fine);
  step = fine ? 1.0 : KYSO_SIGNATURE_BOX_STEP;
  if (g_str_equal (action_name, "box.move"))
    kyso_signature_box_move (self, dx * step, dy * step);
  else
    kyso_signature_box_resize (self, dx * step, dy * step);
}

static void
page_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  g_signal_emit (widget, signals[PAGE_REQUESTED], 0, g_variant_get_int32 (parameter));
}

static void
confirm_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  g_signal_emit (widget, signals[CONFIRMED], 0);
}

static void
cancel_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  g_signal_emit (widget, signals[CANCELLED], 0);
}

static void
append_rect (GtkSnapshot *snapshot, const GdkRGBA *color, double x, double y, double w, double h)
{
  gtk_snapshot_append_color (snapshot, color, &GRAPHENE_RECT_INIT ((float)x, (float)y, (float)w, (float)h));
}

static void
kyso_signature_box_snapshot (GtkWidget *widget, GtkSnapshot *snapshot)
{
  double w = gtk_widget_get_width (widget), h = gtk_widget_get_height (widget);
  gboolean focused = gtk_widget_has_focus (widget);
  /* The page is always white paper, so fixed colours read well in light and dark styles. */
  GdkRGBA fill = { 0.21f, 0.52f, 0.89f, 0.12f };
  GdkRGBA edge = { 0.11f, 0.44f, 0.85f, 1.0f };
  GdkRGBA white = { 1, 1, 1, 1 };
  float bw = focused ? 3.0f : 2.0f;
  GskRoundedRect outline;
  float widths[4] = { bw, bw, bw, bw };
  GdkRGBA colors[4] = { edge, edge, edge, edge };

  append_rect (snapshot, &fill, 0, 0, w, h);
  gtk_widget_snapshot_child (widget, gtk_widget_get_first_child (widget), snapshot);

  gsk_rounded_rect_init_from_rect (&outline, &GRAPHENE_RECT_INIT (0, 0, (float)w, (float)h), 0);
  gtk_snapshot_append_border (snapshot, &outline, widths, colors);

  /* Corner handles: white squares with a blue frame, where a drag resizes. */
  for (int i = 0; i < 4; i++)
    {
      double hx = (i & 1) ? w - HANDLE_SIZE : 0, hy = (i & 2) ? h - HANDLE_SIZE : 0;
      append_rect (snapshot, &edge, hx, hy, HANDLE_SIZE, HANDLE_SIZE);
      append_rect (snapshot, &white, hx + 2, hy + 2, HANDLE_SIZE - 4, HANDLE_SIZE - 4);
    }
}

static void
kyso_signature_box_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), KYSO_TYPE_SIGNATURE_BOX);
  /* Template children not bound to a field are not removed by dispose_template. */
  for (GtkWidget *child; (child = gtk_widget_get_first_child (GTK_WIDGET (object))) != NULL;)
    gtk_widget_unparent (child);
  G_OBJECT_CLASS (kyso_signature_box_parent_class)->dispose (object);
}

static void
add_step_bindings (GtkWidgetClass *widget_class, guint keyval, guint kp_keyval, int dx, int dy)
{
  guint keys[2] = { keyval, kp_keyval };

  for (guint k = 0; k < 2; k++)
    {
      gtk_widget_class_add_binding_action (widget_class, keys[k], 0, "box.move", "(iib)", dx, dy, FALSE);
      gtk_widget_class_add_binding_action (widget_class, keys[k], GDK_CONTROL_MASK, "box.move", "(iib)", dx,
                                           dy, TRUE);
      gtk_widget_class_add_binding_action (widget_class, keys[k], GDK_SHIFT_MASK, "box.resize", "(iib)", dx,
                                           dy, FALSE);
      gtk_widget_class_add_binding_action (widget_class, keys[k], GDK_SHIFT_MASK | GDK_CONTROL_MASK,
                                           "box.resize", "(iib)", dx, dy, TRUE);
    }
}

static void
kyso_signature_box_class_init (KysoSignatureBoxClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kyso_signature_box_dispose;
  widget_class->snapshot = kyso_signature_box_snapshot;

  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                                   NULL, G_TYPE_NONE, 0);
  signals[CONFIRMED] = g_signal_new ("confirmed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                                     NULL, G_TYPE_NONE, 0);
  signals[CANCELLED] = g_signal_new ("cancelled", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                                     NULL, G_TYPE_NONE, 0);
  /* Argument: -1 for the previous page, +1 for the next one. */
  signals[PAGE_REQUESTED] = g_signal_new ("page-requested", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                          NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT);

  gtk_widget_class_set_template_from_resource (widget_class, "/vn/kyso/Kyso/ui/kyso-signature-box.ui");
  gtk_widget_class_bind_template_child (widget_class, KysoSignatureBox, picture);
  gtk_widget_class_bind_template_child (widget_class, KysoSignatureBox, label);

  gtk_widget_class_install_action (widget_class, "box.move", "(iib)", step_action);
  gtk_widget_class_install_action (widget_class, "box.resize", "(iib)", step_action);
  gtk_widget_class_install_action (widget_class, "box.page", "i", page_action);
  gtk_widget_class_install_action (widget_class, "box.confirm", NULL, confirm_action);
  gtk_widget_class_install_action (widget_class, "box.cancel", NULL, cancel_action);

  add_step_bindings (widget_class, GDK_KEY_Left, GDK_KEY_KP_Left, -1, 0);
  add_step_bindings (widget_class, GDK_KEY_Right, GDK_KEY_KP_Right, 1, 0);
  add_step_bindings (widget_class, GDK_KEY_Up, GDK_KEY_KP_Up, 0, -1);
  add_step_bindings (widget_class, GDK_KEY_Down, GDK_KEY_KP_Down, 0, 1);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Page_Up, 0, "box.page", "i", -1);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Page_Down, 0, "box.page", "i", 1);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Return, 0, "box.confirm", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Enter, 0, "box.confirm", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_space, 0, "box.confirm", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "box.cancel", NULL);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "kyso-signature-box");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
kyso_signature_box_init (KysoSignatureBox *self)
{
  GtkGesture *drag;
  GtkEventController *motion;

  self->scale = 1.0;
  self->rect = (KysoPageRect){ 0, 0, 160, 60 };
  kyso_page_geometry_init (&self->geometry, 0, 0, 595, 842, 0);

  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);

  drag = gtk_gesture_drag_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (drag), GDK_BUTTON_PRIMARY);
  g_signal_connect (drag, "drag-begin", G_CALLBACK (drag_begin_cb), self);
  g_signal_connect (drag, "drag-update", G_CALLBACK (drag_update_cb), self);
  g_signal_connect (drag, "drag-end", G_CALLBACK (drag_end_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drag));

  motion = gtk_event_controller_motion_new ();
  g_signal_connect (motion, "motion", G_CALLBACK (motion_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), motion);

  update_accessible (self);
}

GtkWidget *
kyso_signature_box_new (void)
{
  return g_object_new (KYSO_TYPE_SIGNATURE_BOX, NULL);
}
