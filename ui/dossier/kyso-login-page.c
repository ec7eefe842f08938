#include "config.h"

#include "kyso-login-page.h"
#include "kyso-error.h"

#include <glib/gi18n-lib.h>

struct _KysoLoginPage
{
  AdwBin parent_instance;

  KysoPortal *portal;
  GCancellable *cancellable;
  GStrv province_ids;
  gboolean setting_provinces;
  KysoOpenUriFunc open_uri;
  gpointer open_uri_data;
  char *state;
  char *error;
  char *login_id;

  AdwComboRow *province_row;
  GtkWidget *browser_button;
  GtkWidget *browser_box;
  GtkSpinner *browser_spinner;
  GtkLabel *uri_label;
  AdwPreferencesGroup *direct_group;
  AdwEntryRow *id_row;
  AdwPasswordEntryRow *password_row;
  AdwEntryRow *otp_row;
  GtkLabel *otp_hint_label;
  GtkLabel *error_label;
  GtkSpinner *spinner;
  GtkWidget *login_button;
};

G_DEFINE_FINAL_TYPE (KysoLoginPage, kyso_login_page, ADW_TYPE_BIN)

enum
{
  PROP_0,
  PROP_STATE,
  N_PROPS
};

enum
{
  PROVINCE_CHANGED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static const char *
text_of (gpointer editable)
{
  return gtk_editable_get_text (GTK_EDITABLE (editable));
}

static void
update_actions (KysoLoginPage *self)
{
  gboolean idle = g_str_equal (self->state, "form") || g_str_equal (self->state, "otp");
  gboolean filled = *text_of (self->id_row) != '\0' && *text_of (self->password_row) != '\0'
                    && (!g_str_equal (self->state, "otp") || *text_of (self->otp_row) != '\0');

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "login.browser", idle && self->portal != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "login.password", idle && filled && self->portal != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "login.cancel", !idle);
}

static void
set_state (KysoLoginPage *self, const char *state)
{
  gboolean busy = g_str_equal (state, "busy");
  gboolean browser = g_str_equal (state, "browser");
  gboolean otp = g_str_equal (state, "otp");

  if (g_strcmp0 (self->state, state) != 0)
    {
      g_free (self->state);
      self->state = g_strdup (state);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
    }
  gtk_spinner_set_spinning (self->spinner, busy);
  gtk_spinner_set_spinning (self->browser_spinner, browser);
  gtk_widget_set_visible (self->browser_box, browser);
  gtk_widget_set_visible (self->browser_button, !browser);
  gtk_widget_set_visible (GTK_WIDGET (self->otp_row), otp || (busy && *text_of (self->otp_row) != '\0'));
  gtk_widget_set_visible (GTK_WIDGET (self->otp_hint_label), otp);
  /* The ID and password stay as typed while the OTP is asked for; they go with it. (Read-only
   * rather than insensitive: the focus may be in them.) */
  gtk_editable_set_editable (GTK_EDITABLE (self->id_row), g_str_equal (state, "form"));
  gtk_editable_set_editable (GTK_EDITABLE (self->password_row), g_str_equal (state, "form"));
  gtk_editable_set_editable (GTK_EDITABLE (self->otp_row), otp);
  gtk_widget_set_sensitive (GTK_WIDGET (self->province_row), g_str_equal (state, "form"));
  gtk_button_set_label (GTK_BUTTON (self->login_button), otp ? _("_Confirm Code") : _("_Log In"));
  update_actions (self);
}

static void
show_error (KysoLoginPage *self, const char *message)
{
  g_free (self->error);
  self->error = g_strdup (message);
  gtk_label_set_text (self->error_label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);
}

/* What a citizen can do about each failure, in words (the portal client's messages already
 * say what happened). */
static void
show_login_error (KysoLoginPage *self, const GError *error)
{
  g_autofree char *message = NULL;

  if (g_error_matches (error, KYSO_ERROR, KYSO_ERROR_NETWORK))
    message = g_strdup_printf (_("%s Check the Internet connection and try again."), error->message);
  else if (g_error_matches (error, KYSO_ERROR, KYSO_ERROR_TLS))
    message = g_strdup_printf (
      _("%s The connection to the portal is not safe; do not go on from this network."), error->message);
  else
    message = g_strdup (error->message);
  show_error (self, message);
}

static void
cancel_operation (KysoLoginPage *self)
{
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
}

/* Browser login --------------------------------------------------------------------------- */

static gboolean
open_uri_cb (const char *uri, gpointer user_data, GError **error)
{
  KysoLoginPage *self = user_data;
  g_autoptr(GdkAppLaunchContext) context = NULL;

  /* Shown too, so a kiosk without a default browser can still be used. */
  gtk_label_set_text (self->uri_label, uri);
  if (self->open_uri != NULL)
    return self->open_uri (uri, self->open_uri_data, error);
  context = gdk_display_get_app_launch_context (gtk_widget_get_display (GTK_WIDGET (self)));
  return g_app_info_launch_default_for_uri (uri, G_APP_LAUNCH_CONTEXT (context), error);
}

static void
browser_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(KysoLoginPage) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!kyso_portal_login_browser_finish (KYSO_PORTAL (source), result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      g_clear_object (&self->cancellable);
      set_state (self, "form");
      if (g_error_matches (error, KYSO_ERROR, KYSO_ERROR_EXPIRED))
        show_error (self, _("Nobody finished logging in in the browser in time. Try again."));
      else
        show_login_error (self, error);
      return;
    }
  g_clear_object (&self->cancellable);
  gtk_label_set_text (self->uri_label, "");
  set_state (self, "form");
}

static void
browser_activated (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  KysoLoginPage *self = KYSO_LOGIN_PAGE (widget);

  cancel_operation (self);
  self->cancellable = g_cancellable_new ();
  show_error (self, NULL);
  gtk_label_set_text (self->uri_label, "");
  set_state (self, "browser");
  kyso_portal_login_browser_async (self->portal, open_uri_cb, self, self->cancellable, browser_done_cb,
                                   g_object_ref (self));
}

/* Direct login ----------------------------------------------------------------------------- */

static void
password_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(KysoLoginPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *hint = NULL;
  gboolean had_otp = *text_of (self->otp_row) != '\0';
  KysoLoginStep step = kyso_portal_login_password_finish (KYSO_PORTAL (source), result, &hint, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_clear_object (&self->cancellable);

  if (error != NULL)
    {
      show_login_error (self, error);
      gtk_editable_set_text (GTK_EDITABLE (self->otp_row), "");
      /* A wrong OTP can be typed again; a wrong password starts over. */
      set_state (self, had_otp && error->code == KYSO_ERROR_AUTH ? "otp" : "form");
      gtk_widget_grab_focus (had_otp ? GTK_WIDGET (self->otp_row) : GTK_WIDGET (self->password_row));
      return;
    }
  if (step == KYSO_LOGIN_NEED_OTP)
    {
      g_autofree char *text = NULL;

      if (hint != NULL)
        /* Translators: %s is a masked phone number, e.g. 09******78 */
        text = g_strdup_printf (_("A code was sent by text message to %s. Type it below."), hint);
      else
        text = g_strdup (_("A code was sent by text message to your phone. Type it below."));
      gtk_label_set_text (self->otp_hint_label, text);
      gtk_editable_set_text (GTK_EDITABLE (self->otp_row), "");
      set_state (self, "otp");
      gtk_widget_grab_focus (GTK_WIDGET (self->otp_row));
      return;
    }

  g_free (self->login_id);
  self->login_id = g_strstrip (g_strdup (text_of (self->id_row)));
  /* The password and code are no longer needed anywhere. */
  gtk_editable_set_text (GTK_EDITABLE (self->password_row), "");
  gtk_editable_set_text (GTK_EDITABLE (self->otp_row), "");
  set_state (self, "form");
}

static void
password_activated (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  KysoLoginPage *self = KYSO_LOGIN_PAGE (widget);
  g_autofree char *id = g_strstrip (g_strdup (text_of (self->id_row)));
  const char *otp = g_str_equal (self->state, "otp") ? text_of (self->otp_row) : NULL;

  cancel_operation (self);
  self->cancellable = g_cancellable_new ();
  show_error (self, NULL);
  set_state (self, "busy");
  kyso_portal_login_password_async (self->portal, id, text_of (self->password_row),
                                    otp != NULL && *otp != '\0' ? otp : NULL, self->cancellable,
                                    password_done_cb, g_object_ref (self));
}

static void
cancel_activated (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  KysoLoginPage *self = KYSO_LOGIN_PAGE (widget);

  cancel_operation (self);
  gtk_editable_set_text (GTK_EDITABLE (self->otp_row), "");
  set_state (self, "form");
}

static void
entry_activated_cb (KysoLoginPage *self)
{
  if (gtk_widget_is_sensitive (self->login_button))
    gtk_widget_activate_action (GTK_WIDGET (self), "login.password", NULL);
}

static void
form_changed_cb (KysoLoginPage *self)
{
  update_actions (self);
}

static void
province_selected_cb (KysoLoginPage *self)
{
  const char *id = kyso_login_page_get_province (self);

  if (!self->setting_provinces && id != NULL)
    g_signal_emit (self, signals[PROVINCE_CHANGED], 0, id);
}

/* Object ------------------------------------------------------------------------------------ */

static void
kyso_login_page_dispose (GObject *object)
{
  KysoLoginPage *self = KYSO_LOGIN_PAGE (object);

  cancel_operation (self);
  g_clear_object (&self->portal);
  G_OBJECT_CLASS (kyso_login_page_parent_class)->dispose (object);
}

static void
kyso_login_page_finalize (GObject *object)
{
  KysoLoginPage *self = KYSO_LOGIN_PAGE (object);

  g_strfreev (self->province_ids);
  g_free (self->state);
  g_free (self->error);
  g_free (self->login_id);
  G_OBJECT_CLASS (kyso_login_page_parent_class)->finalize (object);
}

static void
kyso_login_page_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  KysoLoginPage *self = KYSO_LOGIN_PAGE (object);

  switch (prop_id)
    {
      case PROP_STATE:
        g_value_set_string (value, self->state);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kyso_login_page_class_init (KysoLoginPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kyso_login_page_dispose;
  object_class->finalize = kyso_login_page_finalize;
  object_class->get_property = kyso_login_page_get_property;

  properties[PROP_STATE] = g_param_spec_string (
    "state", NULL, NULL, "form", G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[PROVINCE_CHANGED] = g_signal_new ("province-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                            0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class, "/vn/kyso/Kyso/ui/kyso-login-page.ui");
  gtk_widget_class_bind_template_child (widget_class, KysoLoginPage, province_row);
  gtk_widget_class_bind_template_child (widget_class, KysoLoginPage, browser_button);
  gtk_widget_class_bind_template_child (widget_class, KysoLoginPage, browser_box);
  gtk_widget_class_bind_template_child (widget_class, KysoLoginPage, browser_spinner);
  gtk_widget_class_bind_template_child (widget_class, KysoLoginPage, uri_label);
  gtk_widget_class_bind_template_child (widget_class, KysoLoginPage, direct_group);
  gtk_widget_class_bind_template_child (widget_class, KysoLoginPage, id_row);
  gtk_widget_class_bind_template_child (widget_class, KysoLoginPage, password_row);
  gtk_widget_class_bind_template_child (widget_class, KysoLoginPage, otp_row);
  gtk_widget_class_bind_template_child (widget_class, KysoLoginPage, otp_hint_label);
  gtk_widget_class_bind_template_child (widget_class, KysoLoginPage, error_label);
  gtk_widget_class_bind_template_child (widget_class, KysoLoginPage, spinner);
  gtk_widget_class_bind_template_child (widget_class, KysoLoginPage, login_button);
  gtk_widget_class_bind_template_callback (widget_class, entry_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, form_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, province_selected_cb);

  gtk_widget_class_install_action (widget_class, "login.browser", NULL, browser_activated);
  gtk_widget_class_install_action (widget_class, "login.password", NULL, password_activated);
  gtk_widget_class_install_action (widget_class, "login.cancel", NULL, cancel_activated);
}

static void
kyso_login_page_init (KysoLoginPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->state = g_strdup ("form");
  set_state (self, "form");
}

GtkWidget *
kyso_login_page_new (void)
{
  return g_object_new (KYSO_TYPE_LOGIN_PAGE, NULL);
}

void
kyso_login_page_set_portal (KysoLoginPage *self, KysoPortal *portal)
{
  g_return_if_fail (KYSO_IS_LOGIN_PAGE (self));
  g_return_if_fail (portal == NULL || KYSO_IS_PORTAL (portal));

  if (self->portal == portal)
    return;
  cancel_operation (self);
  g_set_object (&self->portal, portal);
  set_state (self, "form");
}

void
kyso_login_page_set_provinces (KysoLoginPage *self, const char *const *ids, const char *const *names,
                               const char *selected_id)
{
  g_autoptr(GtkStringList) model = NULL;
  guint selected = 0;

  g_return_if_fail (KYSO_IS_LOGIN_PAGE (self));

  g_strfreev (self->province_ids);
  self->province_ids = g_strdupv ((char **)ids);
  model = gtk_string_list_new (names);
  for (guint i = 0; ids != NULL && ids[i] != NULL; i++)
    if (g_strcmp0 (ids[i], selected_id) == 0)
      selected = i;
  self->setting_provinces = TRUE;
  adw_combo_row_set_model (self->province_row, G_LIST_MODEL (model));
  adw_combo_row_set_selected (self->province_row, selected);
  self->setting_provinces = FALSE;
}

const char *
kyso_login_page_get_province (KysoLoginPage *self)
{
  guint selected;

  g_return_val_if_fail (KYSO_IS_LOGIN_PAGE (self), NULL);

  selected = adw_combo_row_get_selected (self->province_row);
  if (self->province_ids == NULL || selected == GTK_INVALID_LIST_POSITION
      || selected >= g_strv_length (self->province_ids))
    return NULL;
  return self->province_ids[selected];
}

void
kyso_login_page_set_open_uri_func (KysoLoginPage *self, KysoOpenUriFunc func, gpointer user_data)
{
  g_return_if_fail (KYSO_IS_LOGIN_PAGE (self));
  self->open_uri = func;
  self->open_uri_data = user_data;
}

void
kyso_login_page_fill (KysoLoginPage *self, const char *id_number, const char *password, const char *otp)
{
  g_return_if_fail (KYSO_IS_LOGIN_PAGE (self));

  if (id_number != NULL)
    gtk_editable_set_text (GTK_EDITABLE (self->id_row), id_number);
  if (password != NULL)
    gtk_editable_set_text (GTK_EDITABLE (self->password_row), password);
  if (otp != NULL)
    gtk_editable_set_text (GTK_EDITABLE (self->otp_row), otp);
}

const char *
kyso_login_page_get_login_id (KysoLoginPage *self)
{
  g_return_val_if_fail (KYSO_IS_LOGIN_PAGE (self), NULL);
  return self->login_id;
}

const char *
kyso_login_page_get_state (KysoLoginPage *self)
{
  g_return_val_if_fail (KYSO_IS_LOGIN_PAGE (self), NULL);
  return self->state;
}

const char *
kyso_login_page_get_error (KysoLoginPage *self)
{
  g_return_val_if_fail (KYSO_IS_LOGIN_PAGE (self), NULL);
  return self->error;
}

void
kyso_login_page_reset (KysoLoginPage *self)
{
  g_return_if_fail (KYSO_IS_LOGIN_PAGE (self));

  cancel_operation (self);
  g_clear_pointer (&self->login_id, g_free);
  gtk_editable_set_text (GTK_EDITABLE (self->password_row), "");
  gtk_editable_set_text (GTK_EDITABLE (self->otp_row), "");
  gtk_label_set_text (self->uri_label, "");
  show_error (self, NULL);
  set_state (self, "form");
}
