#include "config.h"

#include "kyso-dossier-wait.h"

#include <glib/gi18n-lib.h>

struct _KysoDossierWait
{
  AdwWindow parent_instance;

  GCancellable *cancellable;
  gboolean finished;
  char *shown; /* KysoPhoneWait's state last focused for */

  GtkLabel *files_label;
  KysoPhoneWait *phone_wait;
};

G_DEFINE_FINAL_TYPE (KysoDossierWait, kyso_dossier_wait, ADW_TYPE_WINDOW)

enum
{
  RETRY,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
cancel_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  g_cancellable_cancel (KYSO_DOSSIER_WAIT (widget)->cancellable);
}

static void
retry_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  g_autoptr(GtkWidget) self = g_object_ref (widget);

  gtk_window_destroy (GTK_WINDOW (self));
  g_signal_emit (self, signals[RETRY], 0);
}

static gboolean
kyso_dossier_wait_close_request (GtkWindow *window)
{
  KysoDossierWait *self = KYSO_DOSSIER_WAIT (window);

  /* While waiting, closing means cancelling; the owner closes the window once the signer has
   * stopped. After the outcome, it simply closes. */
  if (!self->finished)
    {
      g_cancellable_cancel (self->cancellable);
      return TRUE;
    }
  return GTK_WINDOW_CLASS (kyso_dossier_wait_parent_class)->close_request (window);
}

static void
kyso_dossier_wait_dispose (GObject *object)
{
  g_clear_object (&KYSO_DOSSIER_WAIT (object)->cancellable);
  g_clear_pointer (&KYSO_DOSSIER_WAIT (object)->shown, g_free);
  G_OBJECT_CLASS (kyso_dossier_wait_parent_class)->dispose (object);
}

static void
kyso_dossier_wait_class_init (KysoDossierWaitClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kyso_dossier_wait_dispose;
  GTK_WINDOW_CLASS (klass)->close_request = kyso_dossier_wait_close_request;

  signals[RETRY] = g_signal_new ("retry", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                 G_TYPE_NONE, 0);

  g_type_ensure (KYSO_TYPE_PHONE_WAIT);
  gtk_widget_class_set_template_from_resource (widget_class, "/vn/kyso/Kyso/ui/kyso-dossier-wait.ui");
  gtk_widget_class_bind_template_child (widget_class, KysoDossierWait, files_label);
  gtk_widget_class_bind_template_child (widget_class, KysoDossierWait, phone_wait);
  gtk_widget_class_install_action (widget_class, "sign.cancel", NULL, cancel_action);
  gtk_widget_class_install_action (widget_class, "sign.retry", NULL, retry_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
kyso_dossier_wait_init (KysoDossierWait *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "sign.retry", FALSE);
}

/* Whether @widget is on the page its stacks show (a stack keeps its other pages "visible"). */
static gboolean
on_shown_page (GtkWidget *widget, GtkWidget *top)
{
  for (GtkWidget *w = widget; w != NULL && w != top; w = gtk_widget_get_parent (w))
    {
      GtkWidget *parent = gtk_widget_get_parent (w);

      if (!gtk_widget_get_visible (w)
          || (GTK_IS_STACK (parent) && gtk_stack_get_visible_child (GTK_STACK (parent)) != w))
        return FALSE;
    }
  return TRUE;
}

/* The button of KysoPhoneWait on the page shown that activates @action, or NULL. */
static GtkWidget *
find_button (GtkWidget *widget, GtkWidget *top, const char *action)
{
  if (GTK_IS_BUTTON (widget)
      && g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (widget)), action) == 0
      && on_shown_page (widget, top))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_button (child, top, action);
      if (found != NULL)
        return found;
    }
  return NULL;
}

/* Clears the selection a selectable label took while it had the focus for a moment. */
static void
unselect_labels (GtkWidget *widget)
{
  if (GTK_IS_LABEL (widget) && gtk_label_get_selectable (GTK_LABEL (widget)))
    gtk_label_select_region (GTK_LABEL (widget), 0, 0);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    unselect_labels (child);
}

/* Each page of KysoPhoneWait has its own buttons: when it turns a page, the focus goes to the
 * new page's button, not to the (selectable) verification code, which would come up selected. */
static void
focus_button (KysoDossierWait *self, const char *action)
{
  const char *state = kyso_phone_wait_get_state (self->phone_wait);
  GtkWidget *button;

  if (g_strcmp0 (state, self->shown) == 0)
    return;
  g_free (self->shown);
  self->shown = g_strdup (state);
  button = find_button (GTK_WIDGET (self->phone_wait), GTK_WIDGET (self), action);
  if (button == NULL)
    button = find_button (GTK_WIDGET (self->phone_wait), GTK_WIDGET (self), "window.close");
  gtk_window_set_focus (GTK_WINDOW (self), button);
  unselect_labels (GTK_WIDGET (self->phone_wait));
}

KysoDossierWait *
kyso_dossier_wait_new (GtkWindow *parent, const char *provider, guint n_files, GCancellable *cancellable)
{
  KysoDossierWait *self = g_object_new (KYSO_TYPE_DOSSIER_WAIT, "transient-for", parent, NULL);
  KysoSignProgress sending = { .state = KYSO_SIGN_STATE_SENDING, .provider = provider };
  g_autofree char *files = NULL;

  self->cancellable = g_object_ref (cancellable);
  files = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "One approval signs %u file of your dossier.",
                                        "One approval signs all %u files of your dossier.", n_files),
                           n_files);
  gtk_label_set_text (self->files_label, files);
  kyso_phone_wait_set_provider (self->phone_wait, provider);
  kyso_phone_wait_set_progress (self->phone_wait, &sending);
  focus_button (self, "sign.cancel");
  return self;
}

void
kyso_dossier_wait_update (KysoDossierWait *self, const KysoSignProgress *progress)
{
  g_return_if_fail (KYSO_IS_DOSSIER_WAIT (self));
  if (!self->finished)
    {
      kyso_phone_wait_set_progress (self->phone_wait, progress);
      focus_button (self, "sign.cancel");
    }
}

void
kyso_dossier_wait_set_outcome (KysoDossierWait *self, const GError *error)
{
  g_return_if_fail (KYSO_IS_DOSSIER_WAIT (self));
  self->finished = TRUE;
  kyso_phone_wait_set_outcome (self->phone_wait, error);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "sign.cancel", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "sign.retry", error != NULL);
  focus_button (self, "sign.retry");
}

KysoPhoneWait *
kyso_dossier_wait_get_phone_wait (KysoDossierWait *self)
{
  g_return_val_if_fail (KYSO_IS_DOSSIER_WAIT (self), NULL);
  return self->phone_wait;
}
