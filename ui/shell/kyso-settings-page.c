#include "config.h"

#include "kyso-settings-page.h"

#include <glib/gi18n-lib.h>

struct _KysoSettingsPage
{
  AdwBin parent_instance;

  GSettings *settings;

  AdwEntryRow *tsa_row;
  AdwActionRow *config_row;
  GtkSwitch *remember_switch;
};

G_DEFINE_FINAL_TYPE (KysoSettingsPage, kyso_settings_page, ADW_TYPE_BIN)

static gboolean
is_web_address (const char *text)
{
  g_autofree char *scheme = g_uri_parse_scheme (text);

  return scheme != NULL && (g_str_equal (scheme, "https") || g_str_equal (scheme, "http"))
         && g_uri_is_valid (text, G_URI_FLAGS_NONE, NULL);
}

static void
tsa_changed_cb (KysoSettingsPage *self)
{
  gtk_widget_remove_css_class (GTK_WIDGET (self->tsa_row), "error");
}

static void
tsa_apply_cb (KysoSettingsPage *self)
{
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->tsa_row))));

  if (self->settings == NULL)
    return;
  /* Refuse what cannot be a server address rather than failing at signing time. */
  if (*text != '\0' && !is_web_address (text))
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->tsa_row), "error");
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->tsa_row), _("Write an address starting with https://"));
      return;
    }
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->tsa_row), NULL);
  g_settings_set_string (self->settings, "tsa-url", text);
}

static void
set_settings (KysoSettingsPage *self, GSettings *settings)
{
  g_autofree char *tsa = NULL;

  g_set_object (&self->settings, settings);
  gtk_widget_set_sensitive (GTK_WIDGET (self->tsa_row), settings != NULL);
  gtk_widget_set_sensitive (GTK_WIDGET (self->remember_switch), settings != NULL);
  if (settings != NULL)
    {
      tsa = g_settings_get_string (settings, "tsa-url");
      g_settings_bind (settings, "remember-session", self->remember_switch, "active",
                       G_SETTINGS_BIND_DEFAULT);
    }
  gtk_editable_set_text (GTK_EDITABLE (self->tsa_row), tsa != NULL ? tsa : "");
}

static void
set_config (KysoSettingsPage *self, KysoConfig *config)
{
  const char *file = config != NULL ? kyso_config_get_filename (config) : NULL;

  adw_action_row_set_subtitle (self->config_row,
                               file != NULL ? file : _("None: Kyso uses its built-in service addresses."));
}

void
kyso_settings_page_set_context (KysoSettingsPage *self, KysoContext *context)
{
  g_return_if_fail (KYSO_IS_SETTINGS_PAGE (self));
  g_return_if_fail (KYSO_IS_CONTEXT (context));

  set_settings (self, kyso_context_get_settings (context));
  set_config (self, kyso_context_get_config (context));
}

static void
kyso_settings_page_dispose (GObject *object)
{
  KysoSettingsPage *self = KYSO_SETTINGS_PAGE (object);

  g_clear_object (&self->settings);

  G_OBJECT_CLASS (kyso_settings_page_parent_class)->dispose (object);
}

static void
kyso_settings_page_class_init (KysoSettingsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kyso_settings_page_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, "/vn/kyso/Kyso/ui/kyso-settings-page.ui");
  gtk_widget_class_bind_template_child (widget_class, KysoSettingsPage, tsa_row);
  gtk_widget_class_bind_template_child (widget_class, KysoSettingsPage, config_row);
  gtk_widget_class_bind_template_child (widget_class, KysoSettingsPage, remember_switch);
  gtk_widget_class_bind_template_callback (widget_class, tsa_apply_cb);
  gtk_widget_class_bind_template_callback (widget_class, tsa_changed_cb);
}

static void
kyso_settings_page_init (KysoSettingsPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  set_config (self, NULL);
}
