#include "config.h"

#include "kyso-kiosk-start.h"

struct _KysoKioskStart
{
  AdwBin parent_instance;

  GtkWidget *dossier_button;
  GtkWidget *sign_button;
  GtkWidget *verify_button;
  GtkWidget *track_button;
};

G_DEFINE_FINAL_TYPE (KysoKioskStart, kyso_kiosk_start, ADW_TYPE_BIN)

static void
kyso_kiosk_start_class_init (KysoKioskStartClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  gtk_widget_class_set_template_from_resource (widget_class, "/vn/kyso/Kyso/ui/kyso-kiosk-start.ui");
  gtk_widget_class_bind_template_child (widget_class, KysoKioskStart, dossier_button);
  gtk_widget_class_bind_template_child (widget_class, KysoKioskStart, sign_button);
  gtk_widget_class_bind_template_child (widget_class, KysoKioskStart, verify_button);
  gtk_widget_class_bind_template_child (widget_class, KysoKioskStart, track_button);
}

static void
kyso_kiosk_start_init (KysoKioskStart *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
kyso_kiosk_start_new (void)
{
  return g_object_new (KYSO_TYPE_KIOSK_START, NULL);
}

GtkWidget *
kyso_kiosk_start_get_choice (KysoKioskStart *self, const char *place)
{
  const struct
  {
    const char *name;
    GtkWidget *button;
  } choices[] = {
    { "dossier", self->dossier_button },
    { "sign", self->sign_button },
    { "verify", self->verify_button },
    { "track", self->track_button },
  };

  g_return_val_if_fail (KYSO_IS_KIOSK_START (self), NULL);
  for (gsize i = 0; i < G_N_ELEMENTS (choices); i++)
    if (g_strcmp0 (choices[i].name, place) == 0)
      return choices[i].button;
  return NULL;
}
