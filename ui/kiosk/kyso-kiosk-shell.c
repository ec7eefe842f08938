#include "config.h"

#include "kyso-kiosk-shell.h"

#include <glib/gi18n-lib.h>

struct _KysoKioskShell
{
  AdwBin parent_instance;

  GtkWidget *home_button;
  char *counter;
  GtkLabel *title_label;
  GtkStack *stack;
  KysoKioskStart *start;
  AdwBin *work_bin;
  GtkWidget *countdown_box;
  GtkLabel *countdown_label;
  GtkWidget *continue_button;
  GtkWidget *ending_box;

  int countdown;
};

G_DEFINE_FINAL_TYPE (KysoKioskShell, kyso_kiosk_shell, ADW_TYPE_BIN)

enum
{
  SIGNAL_OPEN,
  SIGNAL_HOME,
  SIGNAL_END,
  SIGNAL_CONTINUE,
  SIGNAL_LEAVE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
open_activated (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  g_signal_emit (widget, signals[SIGNAL_OPEN], 0, g_variant_get_string (parameter, NULL));
}

static void
simple_activated (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  static const struct
  {
    const char *action;
    guint signal;
  } map[] = {
    { "kiosk.home", SIGNAL_HOME },
    { "kiosk.end", SIGNAL_END },
    { "kiosk.continue", SIGNAL_CONTINUE },
    { "kiosk.leave", SIGNAL_LEAVE },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (map); i++)
    if (g_strcmp0 (map[i].action, action_name) == 0)
      g_signal_emit (widget, signals[map[i].signal], 0);
}

static void
kyso_kiosk_shell_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), KYSO_TYPE_KIOSK_SHELL);
  G_OBJECT_CLASS (kyso_kiosk_shell_parent_class)->dispose (object);
}

static void
kyso_kiosk_shell_finalize (GObject *object)
{
  g_free (KYSO_KIOSK_SHELL (object)->counter);
  G_OBJECT_CLASS (kyso_kiosk_shell_parent_class)->finalize (object);
}

static void
kyso_kiosk_shell_class_init (KysoKioskShellClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kyso_kiosk_shell_dispose;
  object_class->finalize = kyso_kiosk_shell_finalize;

  signals[SIGNAL_OPEN] = g_signal_new ("open", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                                       NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  signals[SIGNAL_HOME] = g_signal_new ("home", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                                       NULL, G_TYPE_NONE, 0);
  signals[SIGNAL_END]
    = g_signal_new ("end", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[SIGNAL_CONTINUE] = g_signal_new ("continue", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                                           NULL, NULL, G_TYPE_NONE, 0);
  signals[SIGNAL_LEAVE] = g_signal_new ("leave", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                                        NULL, G_TYPE_NONE, 0);

  g_type_ensure (KYSO_TYPE_KIOSK_START);
  gtk_widget_class_set_template_from_resource (widget_class, "/vn/kyso/Kyso/ui/kyso-kiosk-shell.ui");
  gtk_widget_class_bind_template_child (widget_class, KysoKioskShell, home_button);
  gtk_widget_class_bind_template_child (widget_class, KysoKioskShell, title_label);
  gtk_widget_class_bind_template_child (widget_class, KysoKioskShell, stack);
  gtk_widget_class_bind_template_child (widget_class, KysoKioskShell, start);
  gtk_widget_class_bind_template_child (widget_class, KysoKioskShell, work_bin);
  gtk_widget_class_bind_template_child (widget_class, KysoKioskShell, countdown_box);
  gtk_widget_class_bind_template_child (widget_class, KysoKioskShell, countdown_label);
  gtk_widget_class_bind_template_child (widget_class, KysoKioskShell, continue_button);
  gtk_widget_class_bind_template_child (widget_class, KysoKioskShell, ending_box);

  gtk_widget_class_install_action (widget_class, "kiosk.open", "s", open_activated);
  gtk_widget_class_install_action (widget_class, "kiosk.home", NULL, simple_activated);
  gtk_widget_class_install_action (widget_class, "kiosk.end", NULL, simple_activated);
  gtk_widget_class_install_action (widget_class, "kiosk.continue", NULL, simple_activated);
  gtk_widget_class_install_action (widget_class, "kiosk.leave", NULL, simple_activated);
}

static void
kyso_kiosk_shell_init (KysoKioskShell *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->countdown = -1;
  kyso_kiosk_shell_show_start (self);
}

GtkWidget *
kyso_kiosk_shell_new (void)
{
  return g_object_new (KYSO_TYPE_KIOSK_SHELL, NULL);
}

void
kyso_kiosk_shell_set_counter (KysoKioskShell *self, const char *counter)
{
  g_return_if_fail (KYSO_IS_KIOSK_SHELL (self));
  g_free (self->counter);
  self->counter = g_strdup (counter);
  if (kyso_kiosk_shell_is_at_start (self))
    kyso_kiosk_shell_show_start (self);
}

void
kyso_kiosk_shell_set_work (KysoKioskShell *self, GtkWidget *work)
{
  g_return_if_fail (KYSO_IS_KIOSK_SHELL (self));
  adw_bin_set_child (self->work_bin, work);
}

GtkWidget *
kyso_kiosk_shell_get_work (KysoKioskShell *self)
{
  g_return_val_if_fail (KYSO_IS_KIOSK_SHELL (self), NULL);
  return adw_bin_get_child (self->work_bin);
}

void
kyso_kiosk_shell_show_start (KysoKioskShell *self)
{
  g_return_if_fail (KYSO_IS_KIOSK_SHELL (self));
  gtk_stack_set_visible_child_name (self->stack, "start");
  /* Which counter this is, where a citizen looks first. */
  gtk_label_set_label (self->title_label,
                       self->counter != NULL ? self->counter : _("Public Services Kiosk"));
  gtk_widget_set_visible (self->home_button, FALSE);
}

void
kyso_kiosk_shell_show_work (KysoKioskShell *self, const char *title)
{
  g_return_if_fail (KYSO_IS_KIOSK_SHELL (self));
  gtk_stack_set_visible_child_name (self->stack, "work");
  gtk_label_set_label (self->title_label, title != NULL ? title : "");
  gtk_widget_set_visible (self->home_button, TRUE);
}

gboolean
kyso_kiosk_shell_is_at_start (KysoKioskShell *self)
{
  g_return_val_if_fail (KYSO_IS_KIOSK_SHELL (self), FALSE);
  return g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "start") == 0;
}

void
kyso_kiosk_shell_set_countdown (KysoKioskShell *self, int seconds)
{
  g_return_if_fail (KYSO_IS_KIOSK_SHELL (self));

  self->countdown = seconds;
  if (seconds >= 0)
    {
      g_autofree char *text =
        /* Translators: shown to a citizen who stopped using the kiosk; %d is seconds. */
        g_strdup_printf (
          g_dngettext (GETTEXT_PACKAGE, "The session ends in %d second and everything of yours is erased.",
                       "The session ends in %d seconds and everything of yours is erased.", seconds),
          seconds);
      gtk_label_set_label (self->countdown_label, text);
    }
  if (gtk_widget_get_visible (self->countdown_box) != (seconds >= 0))
    {
      gtk_widget_set_visible (self->countdown_box, seconds >= 0);
      if (seconds >= 0)
        gtk_widget_grab_focus (self->continue_button);
    }
}

int
kyso_kiosk_shell_get_countdown (KysoKioskShell *self)
{
  g_return_val_if_fail (KYSO_IS_KIOSK_SHELL (self), -1);
  return self->countdown;
}

void
kyso_kiosk_shell_set_ending (KysoKioskShell *self, gboolean ending)
{
  g_return_if_fail (KYSO_IS_KIOSK_SHELL (self));
  gtk_widget_set_visible (self->ending_box, ending);
}

KysoKioskStart *
kyso_kiosk_shell_get_start (KysoKioskShell *self)
{
  g_return_val_if_fail (KYSO_IS_KIOSK_SHELL (self), NULL);
  return self->start;
}
