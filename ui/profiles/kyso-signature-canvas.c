#include "config.h"

#include "kyso-signature-canvas.h"
#include "kyso-error.h"

#include <glib/gi18n-lib.h>
#include <math.h>

#define INK_RED 0.10
#define INK_GREEN 0.16
#define INK_BLUE 0.42
#define LINE_WIDTH 3.0
#define MARGIN 8.0
#define PNG_SCALE 2.0
#define PNG_MAX_WIDTH 1200
#define PNG_MAX_HEIGHT 400

typedef struct
{
  double x, y, width;
} Point;

struct _KysoSignatureCanvas
{
  GtkWidget parent_instance;

  GPtrArray *strokes; /* GArray of Point */
  GArray *current;    /* the stroke being drawn, in strokes too */
  double start_x, start_y;
};

G_DEFINE_FINAL_TYPE (KysoSignatureCanvas, kyso_signature_canvas, GTK_TYPE_WIDGET)

enum
{
  PROP_0,
  PROP_EMPTY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static double
width_for (double pressure)
{
  /* A light touch still leaves a readable line; a firm one at most twice as wide. */
  return LINE_WIDTH * (0.6 + 0.8 * CLAMP (pressure, 0.0, 1.0));
}

static void
add_point (KysoSignatureCanvas *self, double x, double y, double pressure)
{
  Point p = { x, y, width_for (pressure) };

  g_array_append_val (self->current, p);
}

static double
event_pressure (GtkGesture *gesture)
{
  GdkEvent *event = gtk_event_controller_get_current_event (GTK_EVENT_CONTROLLER (gesture));
  double pressure;

  if (event != NULL && gdk_event_get_axis (event, GDK_AXIS_PRESSURE, &pressure))
    return pressure;
  return 1.0;
}

static void
begin_stroke (KysoSignatureCanvas *self)
{
  gboolean was_empty = kyso_signature_canvas_is_empty (self);

  self->current = g_array_new (FALSE, FALSE, sizeof (Point));
  g_ptr_array_add (self->strokes, self->current);
  if (was_empty)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_EMPTY]);
}

static void
drag_begin_cb (GtkGestureDrag *gesture, double x, double y, KysoSignatureCanvas *self)
{
  self->start_x = x;
  self->start_y = y;
  begin_stroke (self);
  add_point (self, x, y, event_pressure (GTK_GESTURE (gesture)));
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
drag_update_cb (GtkGestureDrag *gesture, double dx, double dy, KysoSignatureCanvas *self)
{
  if (self->current == NULL)
    return;
  add_point (self, self->start_x + dx, self->start_y + dy, event_pressure (GTK_GESTURE (gesture)));
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
drag_end_cb (GtkGestureDrag *gesture, double dx, double dy, KysoSignatureCanvas *self)
{
  drag_update_cb (gesture, dx, dy, self);
  self->current = NULL;
}

static void
draw_strokes (KysoSignatureCanvas *self, cairo_t *cr)
{
  cairo_set_source_rgb (cr, INK_RED, INK_GREEN, INK_BLUE);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  for (guint s = 0; s < self->strokes->len; s++)
    {
      GArray *stroke = self->strokes->pdata[s];
      const Point *pts = (const Point *)(void *)stroke->data;

      if (stroke->len == 1)
        {
          /* A dot (the accent of a letter). */
          cairo_arc (cr, pts[0].x, pts[0].y, pts[0].width / 2, 0, 2 * G_PI);
          cairo_fill (cr);
          continue;
        }
      for (guint i = 1; i < stroke->len; i++)
        {
          cairo_set_line_width (cr, (pts[i - 1].width + pts[i].width) / 2);
          cairo_move_to (cr, pts[i - 1].x, pts[i - 1].y);
          cairo_line_to (cr, pts[i].x, pts[i].y);
          cairo_stroke (cr);
        }
    }
}

static void
kyso_signature_canvas_snapshot (GtkWidget *widget, GtkSnapshot *snapshot)
{
  KysoSignatureCanvas *self = KYSO_SIGNATURE_CANVAS (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  cairo_t *cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));

  /* Paper, and a line to sign on. */
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  cairo_set_source_rgba (cr, 0, 0, 0, 0.25);
  cairo_set_line_width (cr, 1);
  cairo_move_to (cr, width * 0.08, height * 0.75 + 0.5);
  cairo_line_to (cr, width * 0.92, height * 0.75 + 0.5);
  cairo_stroke (cr);
  draw_strokes (self, cr);
  cairo_destroy (cr);
}

static void
kyso_signature_canvas_measure (GtkWidget *widget, GtkOrientation orientation, int for_size, int *minimum,
                               int *natural, int *minimum_baseline, int *natural_baseline)
{
  *minimum = orientation == GTK_ORIENTATION_HORIZONTAL ? 240 : 120;
  *natural = orientation == GTK_ORIENTATION_HORIZONTAL ? 600 : 240;
}

static void
kyso_signature_canvas_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  KysoSignatureCanvas *self = KYSO_SIGNATURE_CANVAS (object);

  switch (prop_id)
    {
      case PROP_EMPTY:
        g_value_set_boolean (value, kyso_signature_canvas_is_empty (self));
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kyso_signature_canvas_finalize (GObject *object)
{
  KysoSignatureCanvas *self = KYSO_SIGNATURE_CANVAS (object);

  g_ptr_array_unref (self->strokes);
  G_OBJECT_CLASS (kyso_signature_canvas_parent_class)->finalize (object);
}

static void
kyso_signature_canvas_class_init (KysoSignatureCanvasClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = kyso_signature_canvas_get_property;
  object_class->finalize = kyso_signature_canvas_finalize;
  widget_class->snapshot = kyso_signature_canvas_snapshot;
  widget_class->measure = kyso_signature_canvas_measure;

  properties[PROP_EMPTY] = g_param_spec_boolean (
    "empty", NULL, NULL, TRUE, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_css_name (widget_class, "signaturecanvas");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
kyso_signature_canvas_init (KysoSignatureCanvas *self)
{
  GtkGesture *drag = gtk_gesture_drag_new ();

  self->strokes = g_ptr_array_new_with_free_func ((GDestroyNotify)g_array_unref);
  /* Any button, any pointer: a finger, a pen or the mouse. */
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (drag), 0);
  g_signal_connect (drag, "drag-begin", G_CALLBACK (drag_begin_cb), self);
  g_signal_connect (drag, "drag-update", G_CALLBACK (drag_update_cb), self);
  g_signal_connect (drag, "drag-end", G_CALLBACK (drag_end_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drag));
  gtk_widget_set_cursor_from_name (GTK_WIDGET (self), "crosshair");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _ ("Signature pad: sign here with your finger, a pen or the mouse"), -1);
}

GtkWidget *
kyso_signature_canvas_new (void)
{
  return g_object_new (KYSO_TYPE_SIGNATURE_CANVAS, NULL);
}

void
kyso_signature_canvas_clear (KysoSignatureCanvas *self)
{
  g_return_if_fail (KYSO_IS_SIGNATURE_CANVAS (self));

  if (self->strokes->len == 0)
    return;
  g_ptr_array_set_size (self->strokes, 0);
  self->current = NULL;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_EMPTY]);
}

gboolean
kyso_signature_canvas_is_empty (KysoSignatureCanvas *self)
{
  g_return_val_if_fail (KYSO_IS_SIGNATURE_CANVAS (self), TRUE);
  return self->strokes->len == 0;
}

guint
kyso_signature_canvas_get_n_strokes (KysoSignatureCanvas *self)
{
  g_return_val_if_fail (KYSO_IS_SIGNATURE_CANVAS (self), 0);
  return self->strokes->len;
}

void
kyso_signature_canvas_add_stroke (KysoSignatureCanvas *self, const double *xy, guint n_points,
                                  double pressure)
{
  g_return_if_fail (KYSO_IS_SIGNATURE_CANVAS (self));
  g_return_if_fail (xy != NULL && n_points > 0);

  begin_stroke (self);
  for (guint i = 0; i < n_points; i++)
    add_point (self, xy[2 * i], xy[2 * i + 1], pressure);
  self->current = NULL;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static cairo_status_t
write_cb (void *closure, const unsigned char *data, unsigned int length)
{
  g_byte_array_append (closure, data, length);
  return CAIRO_STATUS_SUCCESS;
}

GBytes *
kyso_signature_canvas_to_png (KysoSignatureCanvas *self, GError **error)
{
  double x0 = G_MAXDOUBLE, y0 = G_MAXDOUBLE, x1 = -G_MAXDOUBLE, y1 = -G_MAXDOUBLE;
  double scale;
  int width, height;
  cairo_surface_t *surface;
  cairo_t *cr;
  g_autoptr (GByteArray) png = g_byte_array_new ();
  cairo_status_t status;

  g_return_val_if_fail (KYSO_IS_SIGNATURE_CANVAS (self), NULL);

  for (guint s = 0; s < self->strokes->len; s++)
    {
      GArray *stroke = self->strokes->pdata[s];

      for (guint i = 0; i < stroke->len; i++)
        {
          const Point *p = &g_array_index (stroke, Point, i);

          x0 = MIN (x0, p->x - p->width);
          y0 = MIN (y0, p->y - p->width);
          x1 = MAX (x1, p->x + p->width);
          y1 = MAX (y1, p->y + p->width);
        }
    }
  /* A tap or a short scratch is not a signature. */
  if (self->strokes->len == 0 || x1 - x0 < 4 * LINE_WIDTH + 20 || y1 - y0 < 2 * LINE_WIDTH + 4)
    {
      g_set_error_literal (
        error, KYSO_ERROR, KYSO_ERROR_INVALID_INPUT,
        _ ("Sign in the white box first: draw your signature with your finger, a pen or the mouse."));
      return NULL;
    }

  x0 -= MARGIN;
  y0 -= MARGIN;
  x1 += MARGIN;
  y1 += MARGIN;
  scale = MIN (PNG_SCALE, MIN (PNG_MAX_WIDTH / (x1 - x0), PNG_MAX_HEIGHT / (y1 - y0)));
  width = MAX (1, (int)ceil ((x1 - x0) * scale));
  height = MAX (1, (int)ceil ((y1 - y0) * scale));

  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);
  cr = cairo_create (surface);
  cairo_scale (cr, scale, scale);
  cairo_translate (cr, -x0, -y0);
  draw_strokes (self, cr);
  cairo_destroy (cr);
  status = cairo_surface_write_to_png_stream (surface, write_cb, png);
  cairo_surface_destroy (surface);
  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, KYSO_ERROR, KYSO_ERROR_FAILED,
                   _ ("The drawn signature could not be saved: %s"), cairo_status_to_string (status));
      return NULL;
    }
  return g_byte_array_free_to_bytes (g_steal_pointer (&png));
}
