#include "config.h"

#include "kyso-signature-pad.h"

#include <glib/gi18n-lib.h>

struct _KysoSignaturePad
{
  AdwWindow parent_instance;

  KysoSignatureCanvas *canvas;
  GtkLabel *error_label;
};

G_DEFINE_FINAL_TYPE (KysoSignaturePad, kyso_signature_pad, ADW_TYPE_WINDOW)

enum
{
  SIGNAL_SIGNED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
show_error (KysoSignaturePad *self, const char *message)
{
  gtk_label_set_label (self->error_label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);
}

static void
empty_changed_cb (KysoSignaturePad *self)
{
  gboolean empty = kyso_signature_canvas_is_empty (self->canvas);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "pad.use", !empty);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "pad.clear", !empty);
  if (!empty)
    show_error (self, NULL);
}

static void
clear_activated (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  KysoSignaturePad *self = KYSO_SIGNATURE_PAD (widget);

  kyso_signature_canvas_clear (self->canvas);
  show_error (self, NULL);
}

static void
use_activated (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  KysoSignaturePad *self = KYSO_SIGNATURE_PAD (widget);
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) png = kyso_signature_canvas_to_png (self->canvas, &error);

  if (png == NULL)
    {
      show_error (self, error->message);
      return;
    }
  g_signal_emit (self, signals[SIGNAL_SIGNED], 0, png);
  gtk_window_close (GTK_WINDOW (self));
}

static void
kyso_signature_pad_class_init (KysoSignaturePadClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  signals[SIGNAL_SIGNED] = g_signal_new ("signed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                                         NULL, NULL, G_TYPE_NONE, 1, G_TYPE_BYTES);

  g_type_ensure (KYSO_TYPE_SIGNATURE_CANVAS);
  gtk_widget_class_set_template_from_resource (widget_class, "/vn/kyso/Kyso/ui/kyso-signature-pad.ui");
  gtk_widget_class_bind_template_child (widget_class, KysoSignaturePad, canvas);
  gtk_widget_class_bind_template_child (widget_class, KysoSignaturePad, error_label);
  gtk_widget_class_bind_template_callback (widget_class, empty_changed_cb);
  gtk_widget_class_install_action (widget_class, "pad.clear", NULL, clear_activated);
  gtk_widget_class_install_action (widget_class, "pad.use", NULL, use_activated);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
kyso_signature_pad_init (KysoSignaturePad *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  empty_changed_cb (self);
}

KysoSignaturePad *
kyso_signature_pad_new (GtkWindow *parent)
{
  return g_object_new (KYSO_TYPE_SIGNATURE_PAD, "transient-for", parent, "modal", TRUE, NULL);
}

KysoSignatureCanvas *
kyso_signature_pad_get_canvas (KysoSignaturePad *self)
{
  g_return_val_if_fail (KYSO_IS_SIGNATURE_PAD (self), NULL);
  return self->canvas;
}

const char *
kyso_signature_pad_get_error (KysoSignaturePad *self)
{
  g_return_val_if_fail (KYSO_IS_SIGNATURE_PAD (self), NULL);
  return gtk_widget_get_visible (GTK_WIDGET (self->error_label)) ? gtk_label_get_label (self->error_label)
                                                                 : NULL;
}
