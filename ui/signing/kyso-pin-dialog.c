#include "config.h"

#include "kyso-pin-dialog.h"

#include <glib/gi18n-lib.h>

struct _KysoPinDialog
{
  AdwMessageDialog parent_instance;
  GtkStack *stack;
  GtkWidget *entry;
  GtkSpinner *spinner;
  KysoTokenPinRequest *request;
  gboolean answered;
};

G_DEFINE_FINAL_TYPE (KysoPinDialog, kyso_pin_dialog, ADW_TYPE_MESSAGE_DIALOG)

static gboolean
is_pad (KysoPinDialog *self)
{
  return (kyso_token_pin_request_get_flags (self->request) & KYSO_TOKEN_PIN_PAD) != 0;
}

static void
answer (KysoPinDialog *self, const char *pin)
{
  if (self->answered || self->request == NULL)
    return;
  self->answered = TRUE;
  /* A PIN pad needs no answer: the token reads the keypad itself. */
  if (!is_pad (self))
    kyso_token_pin_request_reply (self->request, pin);
}

static void
entry_changed_cb (KysoPinDialog *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->entry));

  adw_message_dialog_set_response_enabled (ADW_MESSAGE_DIALOG (self), "sign", text != NULL && *text != '\0');
}

static gboolean
sign_and_close (gpointer user_data)
{
  KysoPinDialog *self = user_data;

  if (!self->answered && adw_message_dialog_get_response_enabled (ADW_MESSAGE_DIALOG (self), "sign"))
    {
      adw_message_dialog_response (ADW_MESSAGE_DIALOG (self), "sign");
      gtk_window_close (GTK_WINDOW (self));
    }
  return G_SOURCE_REMOVE;
}

/* Enter in the entry signs, as the default button would, and closes like a clicked response;
 * from the main loop, not from inside the entry's own signal. */
static void
entry_activate_cb (KysoPinDialog *self)
{
  g_idle_add_full (G_PRIORITY_DEFAULT, sign_and_close, g_object_ref (self), g_object_unref);
}

static void
kyso_pin_dialog_response (AdwMessageDialog *dialog, const char *response)
{
  KysoPinDialog *self = KYSO_PIN_DIALOG (dialog);

  if (g_strcmp0 (response, "sign") == 0)
    {
      answer (self, gtk_editable_get_text (GTK_EDITABLE (self->entry)));
      /* GtkPasswordEntry keeps its text in non-pageable memory; empty it now all the same. */
      gtk_editable_set_text (GTK_EDITABLE (self->entry), "");
    }
  else
    answer (self, NULL);
  if (ADW_MESSAGE_DIALOG_CLASS (kyso_pin_dialog_parent_class)->response != NULL)
    ADW_MESSAGE_DIALOG_CLASS (kyso_pin_dialog_parent_class)->response (dialog, response);
}

static void
kyso_pin_dialog_dispose (GObject *object)
{
  KysoPinDialog *self = KYSO_PIN_DIALOG (object);

  answer (self, NULL);
  g_clear_pointer (&self->request, kyso_token_pin_request_unref);
  G_OBJECT_CLASS (kyso_pin_dialog_parent_class)->dispose (object);
}

static void
kyso_pin_dialog_class_init (KysoPinDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kyso_pin_dialog_dispose;
  ADW_MESSAGE_DIALOG_CLASS (klass)->response = kyso_pin_dialog_response;

  gtk_widget_class_set_template_from_resource (widget_class, "/vn/kyso/Kyso/ui/kyso-pin-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, KysoPinDialog, stack);
  gtk_widget_class_bind_template_child (widget_class, KysoPinDialog, entry);
  gtk_widget_class_bind_template_child (widget_class, KysoPinDialog, spinner);
  gtk_widget_class_bind_template_callback (widget_class, entry_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, entry_activate_cb);
}

static void
kyso_pin_dialog_init (KysoPinDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

KysoPinDialog *
kyso_pin_dialog_new (GtkWindow *parent, KysoTokenPinRequest *request)
{
  KysoPinDialog *self;
  AdwMessageDialog *dialog;
  g_autofree char *heading = NULL;

  g_return_val_if_fail (request != NULL, NULL);
  self = g_object_new (KYSO_TYPE_PIN_DIALOG, "transient-for", parent, NULL);
  dialog = ADW_MESSAGE_DIALOG (self);
  self->request = kyso_token_pin_request_ref (request);

  /* Translators: %s is the token's label, e.g. "VNPT-CA Token" */
  heading = g_strdup_printf (_ ("PIN of the token “%s”"), kyso_token_pin_request_get_token_label (request));
  adw_message_dialog_set_heading (dialog, heading);
  adw_message_dialog_set_body (dialog, kyso_token_pin_request_get_message (request));
  adw_message_dialog_add_response (dialog, "cancel", _ ("_Cancel"));
  if (is_pad (self))
    {
      gtk_stack_set_visible_child_name (self->stack, "pad");
      gtk_spinner_start (self->spinner);
    }
  else
    {
      adw_message_dialog_add_response (dialog, "sign", _ ("_Sign"));
      adw_message_dialog_set_response_appearance (dialog, "sign", ADW_RESPONSE_SUGGESTED);
      adw_message_dialog_set_default_response (dialog, "sign");
      adw_message_dialog_set_response_enabled (dialog, "sign", FALSE);
      gtk_stack_set_visible_child_name (self->stack, "entry");
      gtk_window_set_focus (GTK_WINDOW (self), self->entry);
    }
  return self;
}

KysoTokenPinRequest *
kyso_pin_dialog_get_request (KysoPinDialog *self)
{
  g_return_val_if_fail (KYSO_IS_PIN_DIALOG (self), NULL);
  return self->request;
}

GtkWidget *
kyso_pin_dialog_get_entry (KysoPinDialog *self)
{
  g_return_val_if_fail (KYSO_IS_PIN_DIALOG (self), NULL);
  return is_pad (self) ? NULL : self->entry;
}
