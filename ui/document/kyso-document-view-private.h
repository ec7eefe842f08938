#pragma once

#include "kyso-document-view.h"

G_BEGIN_DECLS

/* Shared between kyso-document-view.c (layout, drawing, the widget) and
 * kyso-document-view-input.c (input, placement, zoom and navigation). */

#define MARGIN 16.0  /* around the pages, widget pixels */
#define SPACING 12.0 /* between pages */
#define SCROLL_STEP 48.0
/* Zoom 1.0 shows a page at its printed size on a 96 dpi screen. */
#define PX_PER_PT (96.0 / 72.0)

struct _KysoDocumentView
{
  GtkWidget parent_instance;

  KysoSignatureBox *box;

  KysoPageRenderer *renderer;
  GtkAdjustment *hadjustment;
  GtkAdjustment *vadjustment;
  guint hscroll_policy : 1;
  guint vscroll_policy : 1;

  double zoom;
  gboolean fit_width;
  guint n_pages;
  double *offsets;       /* n_pages + 1 page tops, content pixels */
  double max_page_width; /* points */
  double content_width, content_height;
  int layout_width, layout_height;
  int pending_page; /* page to show once there is a layout, or -1 */

  guint current_page;
  GHashTable *requests; /* page → Request (borrowed) */
  GHashTable *failed;   /* pages that could not be drawn */
  GArray *highlights;
  gboolean placing;
  gboolean ready;
  guint update_id;
  gboolean zoom_changed; /* in size_allocate: notified right after it */
  double pointer_x, pointer_y;
};

enum
{
  PROP_0,
  PROP_RENDERER,
  PROP_ZOOM,
  PROP_FIT_WIDTH,
  PROP_CURRENT_PAGE,
  PROP_N_PAGES,
  PROP_PLACING,
  PROP_READY,
  N_PROPS,
  /* GtkScrollable */
  PROP_HADJUSTMENT = N_PROPS,
  PROP_VADJUSTMENT,
  PROP_HSCROLL_POLICY,
  PROP_VSCROLL_POLICY,
};

extern GParamSpec *kyso_document_view_properties[N_PROPS];

enum
{
  PLACEMENT_CONFIRMED,
  PLACEMENT_CANCELLED,
  PAGES_READY,
  N_SIGNALS
};

extern guint kyso_document_view_signals[N_SIGNALS];

KysoPageGeometry
kyso_document_view_page_geometry (KysoDocumentView *self, guint page);
graphene_rect_t
kyso_document_view_page_bounds (KysoDocumentView *self, guint page);
guint
kyso_document_view_page_at_y (KysoDocumentView *self, double cy);
void
kyso_document_view_apply_zoom (KysoDocumentView *self, double zoom, double ax, double ay);
double
kyso_document_view_fit_width_zoom (KysoDocumentView *self, int width);
double
kyso_document_view_box_scroll_target (KysoDocumentView *self, double top);
void
kyso_document_view_click_pressed_cb (GtkGestureClick *gesture, int n_press, double x, double y,
                                     KysoDocumentView *self);
void
kyso_document_view_motion_cb (GtkEventControllerMotion *motion, double x, double y, KysoDocumentView *self);
gboolean
kyso_document_view_scroll_cb (GtkEventControllerScroll *scroll, double dx, double dy, KysoDocumentView *self);
void
kyso_document_view_box_changed_cb (KysoSignatureBox *box, KysoDocumentView *self);
void
kyso_document_view_box_page_requested_cb (KysoSignatureBox *box, int delta, KysoDocumentView *self);
void
kyso_document_view_box_confirmed_cb (KysoSignatureBox *box, KysoDocumentView *self);
void
kyso_document_view_box_cancelled_cb (KysoSignatureBox *box, KysoDocumentView *self);
void
kyso_document_view_scroll_action (GtkWidget *widget, const char *action_name, GVariant *parameter);
void
kyso_document_view_edge_action (GtkWidget *widget, const char *action_name, GVariant *parameter);

G_END_DECLS
