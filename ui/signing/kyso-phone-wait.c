/* kyso-phone-wait.c: waiting for the citizen's phone, and what happened */

#include "config.h"

#include "kyso-phone-wait.h"

#include <glib/gi18n-lib.h>

#include "kyso-error.h"
#include "kyso-providers.h"

struct _KysoPhoneWait
{
  GtkWidget parent_instance;

  GtkStack *stack;
  GtkSpinner *spinner;
  GtkLabel *progress_title;
  GtkLabel *progress_message;
  GtkLabel *wait_title;
  GtkLabel *wait_message;
  GtkWidget *code_box;
  GtkLabel *code_caption;
  GtkLabel *code_label;
  GtkLabel *code_hint;
  GtkLabel *transaction_label;
  GtkLabel *countdown_label;
  GtkLevelBar *countdown_bar;
  GtkImage *outcome_icon;
  GtkLabel *outcome_title;
  GtkLabel *outcome_message;
  GtkWidget *retry_button;

  char *provider;
  const char *state;
  gint64 expires_at;
  gint64 waiting_since;
  guint tick_id;
};

G_DEFINE_FINAL_TYPE (KysoPhoneWait, kyso_phone_wait, GTK_TYPE_WIDGET)

static const KysoProvider *
find_provider (const char *provider)
{
  const KysoProvider *p;

  if (provider == NULL)
    return NULL;
  if ((p = kyso_providers_lookup (provider)) != NULL)
    return p;
  for (guint i = 0; i < kyso_providers_get_n (); i++)
    if (g_ascii_strcasecmp (kyso_providers_get_nth (i)->name, provider) == 0)
      return kyso_providers_get_nth (i);
  return NULL;
}

const char *
kyso_phone_wait_app_for_provider (const char *provider)
{
  const KysoProvider *p = find_provider (provider);
  return p ? p->app_name : NULL;
}

const char *
kyso_phone_wait_name_for_provider (const char *provider)
{
  const KysoProvider *p = find_provider (provider);
  return p ? p->name : provider;
}

static const char *
provider_name (KysoPhoneWait *self)
{
  const char *name = kyso_phone_wait_name_for_provider (self->provider);
  /* Translators: stands for the certificate provider when Kyso does not know its name. */
  return name ? name : _("your certificate provider");
}

static void
stop_countdown (KysoPhoneWait *self)
{
  g_clear_handle_id (&self->tick_id, g_source_remove);
}

static gboolean
tick_cb (gpointer data)
{
  KysoPhoneWait *self = data;
  gint64 now = g_get_real_time ();
  gint64 left = (self->expires_at - now) / G_USEC_PER_SEC;
  g_autofree char *text = NULL;

  if (self->expires_at == 0)
    {
      gtk_widget_set_visible (GTK_WIDGET (self->countdown_label), FALSE);
      gtk_widget_set_visible (GTK_WIDGET (self->countdown_bar), FALSE);
      return G_SOURCE_CONTINUE;
    }
  if (left > 0)
    /* Translators: time left to approve on the phone, minutes:seconds. */
    text = g_strdup_printf (_("%d:%02d left to approve"), (int)(left / 60), (int)(left % 60));
  else
    text = g_strdup (_("Time is up; waiting for the provider’s answer…"));
  gtk_label_set_text (self->countdown_label, text);
  gtk_widget_set_visible (GTK_WIDGET (self->countdown_label), TRUE);
  gtk_widget_set_visible (GTK_WIDGET (self->countdown_bar), TRUE);
  if (self->expires_at > self->waiting_since)
    gtk_level_bar_set_value (
      self->countdown_bar,
      CLAMP ((double)(self->expires_at - now) / (self->expires_at - self->waiting_since), 0, 1));
  return G_SOURCE_CONTINUE;
}

static void
show_progress (KysoPhoneWait *self, const char *state, const char *title, const char *message)
{
  stop_countdown (self);
  self->state = state;
  gtk_label_set_text (self->progress_title, title);
  gtk_label_set_text (self->progress_message, message);
  gtk_spinner_start (self->spinner);
  gtk_stack_set_visible_child_name (self->stack, "progress");
}

void
kyso_phone_wait_set_provider (KysoPhoneWait *self, const char *provider)
{
  g_return_if_fail (KYSO_IS_PHONE_WAIT (self));

  g_free (self->provider);
  self->provider = g_strdup (provider);
}

void
kyso_phone_wait_set_progress (KysoPhoneWait *self, const KysoSignProgress *progress)
{
  g_autofree char *title = NULL, *message = NULL;
  const char *app;

  g_return_if_fail (KYSO_IS_PHONE_WAIT (self));
  g_return_if_fail (progress != NULL);

  if (progress->provider != NULL && g_strcmp0 (progress->provider, self->provider) != 0)
    kyso_phone_wait_set_provider (self, progress->provider);

  switch (progress->state)
    {
      case KYSO_SIGN_STATE_SENDING:
        /* Translators: %s is the certificate provider, e.g. VNPT-CA. */
        title = g_strdup_printf (_("Contacting %s…"), provider_name (self));
        show_progress (self, "sending", title,
                       _("Only the document’s fingerprint is sent, never the document itself."));
        break;

      case KYSO_SIGN_STATE_APPROVED:
        show_progress (self, "approved",
                       _("Approved — Finishing the Signed File"),
                          _("Your approval arrived. Kyso is adding the signature to the document."));
        break;

      case KYSO_SIGN_STATE_RETRYING:
        /* Translators: %s is the certificate provider. */
        message = g_strdup_printf (
          _("The connection to %s was interrupted. Kyso keeps trying; the request on your "
                                   "phone stays valid."),
             provider_name (self));
        show_progress (self, "retrying", _("Connection Trouble — Trying Again"), message);
        break;

      case KYSO_SIGN_STATE_WAITING:
      default:
        app = kyso_phone_wait_app_for_provider (self->provider);
        if (app != NULL)
          /* Translators: %s is a phone app, e.g. "VNPT SmartCA". */
          message
            = g_strdup_printf (_("Open the %s app on your phone and approve the signing request."), app);
        else
          /* Translators: %s is the certificate provider. */
          message = g_strdup_printf (
            _("Open the signing app of %s on your phone and approve the signing request."),
               provider_name (self));
        gtk_label_set_text (self->wait_title, _("Approve on Your Phone"));
        gtk_label_set_text (self->wait_message, message);

        /* The doc_id sent for each document: what the provider's app shows next to it. No code is
         * shown when the service shows none Kyso chose. */
        {
          guint n = progress->doc_codes != NULL ? g_strv_length ((char **)progress->doc_codes) : 1;
          g_autofree char *codes = progress->doc_codes != NULL
                                     ? g_strjoinv ("\n", (char **)progress->doc_codes)
                                     : g_strdup (progress->verification_code);

          gtk_label_set_text (self->code_caption,
                              g_dngettext (GETTEXT_PACKAGE, "Document code", "Document codes", n));
          gtk_label_set_text (
            self->code_hint,
            g_dngettext (GETTEXT_PACKAGE, "Check that your phone shows this code for this document.",
                         "Check that your phone shows each of these codes, one for each document.", n));
          gtk_label_set_text (self->code_label, codes != NULL ? codes : "");
        }
        gtk_widget_set_visible (self->code_box,
                                progress->doc_codes != NULL || progress->verification_code != NULL);
        if (progress->transaction_id != NULL)
          {
            /* Translators: %s is the provider's transaction number, for a call to its help desk. */
            g_autofree char *transaction = g_strdup_printf (_("Transaction: %s"), progress->transaction_id);
            gtk_label_set_text (self->transaction_label, transaction);
          }
        gtk_widget_set_visible (GTK_WIDGET (self->transaction_label), progress->transaction_id != NULL);

        if (g_strcmp0 (self->state, "waiting") != 0)
          self->waiting_since = g_get_real_time ();
        self->expires_at = progress->expires_at;
        self->state = "waiting";
        gtk_spinner_stop (self->spinner);
        gtk_stack_set_visible_child_name (self->stack, "waiting");
        tick_cb (self);
        if (self->tick_id == 0)
          self->tick_id = g_timeout_add_seconds (1, tick_cb, self);
        break;
    }
}

void
kyso_phone_wait_set_outcome (KysoPhoneWait *self, const GError *error)
{
  g_autofree char *title = NULL, *message = NULL;
  const char *icon = "dialog-error-symbolic";
  gboolean can_retry = TRUE;

  g_return_if_fail (KYSO_IS_PHONE_WAIT (self));

  stop_countdown (self);
  gtk_spinner_stop (self->spinner);

  if (error == NULL)
    {
      self->state = "signed";
      icon = "emblem-ok-symbolic";
      title = g_strdup (_("Signed"));
      message = g_strdup (_("The signature was added and checked."));
      can_retry = FALSE;
    }
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      self->state = "cancelled";
      icon = "dialog-information-symbolic";
      title = g_strdup (_("Signing Cancelled"));
      message
        = g_strdup (_("Nothing was signed. If a request is still showing on your phone, refuse it or let it "
                            "expire."));
    }
  else if (g_error_matches (error, KYSO_ERROR, KYSO_ERROR_REFUSED))
    {
      self->state = "refused";
      icon = "action-unavailable-symbolic";
      title = g_strdup (_("Signing Refused on the Phone"));
      message
        = g_strdup (_("The request was refused on your phone, so nothing was signed. If that was a mistake, "
                            "press Try Again and approve the new request."));
    }
  else if (g_error_matches (error, KYSO_ERROR, KYSO_ERROR_EXPIRED))
    {
      self->state = "expired";
      icon = "alarm-symbolic";
      title = g_strdup (_("The Request Expired"));
      message
        = g_strdup (_("The request was not approved in time, so nothing was signed. Press Try Again, then "
                            "approve the new request on your phone before the time runs out."));
    }
  else if (g_error_matches (error, KYSO_ERROR, KYSO_ERROR_NETWORK))
    {
      self->state = "network";
      icon = "network-offline-symbolic";
      /* Translators: %s is the certificate provider. */
      title = g_strdup_printf (_("No Connection to %s"), provider_name (self));
      message
        = g_strdup (_("Kyso could not reach the signing service, so nothing was signed. Check that this "
                            "computer is connected to the internet, then press Try Again."));
    }
  else
    {
      self->state = "failed";
      if (g_error_matches (error, KYSO_ERROR, KYSO_ERROR_CERTIFICATE))
        title = g_strdup (_("Your Certificate Cannot Be Used"));
      else if (g_error_matches (error, KYSO_ERROR, KYSO_ERROR_SERVER)
               || g_error_matches (error, KYSO_ERROR, KYSO_ERROR_AUTH)
               || g_error_matches (error, KYSO_ERROR, KYSO_ERROR_TLS))
        title = g_strdup (_("The Signing Service Had a Problem"));
      else
        title = g_strdup (_("Signing Failed"));
      /* The engine's messages are already written for people, with what to do. */
      message = g_strdup_printf ("%s %s", error->message, _("Nothing was signed."));
      can_retry = !g_error_matches (error, KYSO_ERROR, KYSO_ERROR_CERTIFICATE);
    }

  gtk_image_set_from_icon_name (self->outcome_icon, icon);
  gtk_label_set_text (self->outcome_title, title);
  gtk_label_set_text (self->outcome_message, message);
  gtk_widget_set_visible (self->retry_button, can_retry);
  gtk_stack_set_visible_child_name (self->stack, "outcome");
  if (can_retry)
    gtk_widget_grab_focus (self->retry_button);
}

const char *
kyso_phone_wait_get_state (KysoPhoneWait *self)
{
  g_return_val_if_fail (KYSO_IS_PHONE_WAIT (self), NULL);
  return self->state;
}

const char *
kyso_phone_wait_get_title (KysoPhoneWait *self)
{
  const char *page;

  g_return_val_if_fail (KYSO_IS_PHONE_WAIT (self), NULL);

  page = gtk_stack_get_visible_child_name (self->stack);
  if (g_strcmp0 (page, "waiting") == 0)
    return gtk_label_get_text (self->wait_title);
  if (g_strcmp0 (page, "outcome") == 0)
    return gtk_label_get_text (self->outcome_title);
  return gtk_label_get_text (self->progress_title);
}

const char *
kyso_phone_wait_get_message (KysoPhoneWait *self)
{
  const char *page;

  g_return_val_if_fail (KYSO_IS_PHONE_WAIT (self), NULL);

  page = gtk_stack_get_visible_child_name (self->stack);
  if (g_strcmp0 (page, "waiting") == 0)
    return gtk_label_get_text (self->wait_message);
  if (g_strcmp0 (page, "outcome") == 0)
    return gtk_label_get_text (self->outcome_message);
  return gtk_label_get_text (self->progress_message);
}

static void
kyso_phone_wait_dispose (GObject *object)
{
  KysoPhoneWait *self = KYSO_PHONE_WAIT (object);

  stop_countdown (self);
  gtk_widget_dispose_template (GTK_WIDGET (object), KYSO_TYPE_PHONE_WAIT);
  /* Template children not bound to a field are not removed by dispose_template. */
  for (GtkWidget *child; (child = gtk_widget_get_first_child (GTK_WIDGET (object))) != NULL;)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (kyso_phone_wait_parent_class)->dispose (object);
}

static void
kyso_phone_wait_finalize (GObject *object)
{
  KysoPhoneWait *self = KYSO_PHONE_WAIT (object);

  g_free (self->provider);
  G_OBJECT_CLASS (kyso_phone_wait_parent_class)->finalize (object);
}

static void
kyso_phone_wait_class_init (KysoPhoneWaitClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kyso_phone_wait_dispose;
  object_class->finalize = kyso_phone_wait_finalize;

  gtk_widget_class_set_template_from_resource (widget_class, "/vn/kyso/Kyso/ui/kyso-phone-wait.ui");
  gtk_widget_class_bind_template_child (widget_class, KysoPhoneWait, stack);
  gtk_widget_class_bind_template_child (widget_class, KysoPhoneWait, spinner);
  gtk_widget_class_bind_template_child (widget_class, KysoPhoneWait, progress_title);
  gtk_widget_class_bind_template_child (widget_class, KysoPhoneWait, progress_message);
  gtk_widget_class_bind_template_child (widget_class, KysoPhoneWait, wait_title);
  gtk_widget_class_bind_template_child (widget_class, KysoPhoneWait, wait_message);
  gtk_widget_class_bind_template_child (widget_class, KysoPhoneWait, code_box);
  gtk_widget_class_bind_template_child (widget_class, KysoPhoneWait, code_caption);
  gtk_widget_class_bind_template_child (widget_class, KysoPhoneWait, code_label);
  gtk_widget_class_bind_template_child (widget_class, KysoPhoneWait, code_hint);
  gtk_widget_class_bind_template_child (widget_class, KysoPhoneWait, transaction_label);
  gtk_widget_class_bind_template_child (widget_class, KysoPhoneWait, countdown_label);
  gtk_widget_class_bind_template_child (widget_class, KysoPhoneWait, countdown_bar);
  gtk_widget_class_bind_template_child (widget_class, KysoPhoneWait, outcome_icon);
  gtk_widget_class_bind_template_child (widget_class, KysoPhoneWait, outcome_title);
  gtk_widget_class_bind_template_child (widget_class, KysoPhoneWait, outcome_message);
  gtk_widget_class_bind_template_child (widget_class, KysoPhoneWait, retry_button);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "kyso-phone-wait");
}

static void
kyso_phone_wait_init (KysoPhoneWait *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->state = "sending";
}

GtkWidget *
kyso_phone_wait_new (void)
{
  return g_object_new (KYSO_TYPE_PHONE_WAIT, NULL);
}
