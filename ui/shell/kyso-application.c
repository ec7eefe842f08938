#include "config.h"

#include "kyso-application.h"
#include "kyso-kiosk-session.h"
#include "kyso-kiosk.h"
#include "kyso-ui-resources.h"
#include "kyso-window.h"

#include <glib/gi18n-lib.h>
#include <stdio.h>

struct _KysoApplication
{
  AdwApplication parent_instance;

  char *config_path;
  KysoConfig *config;
  KysoProfileStore *profile_store;
  GSettings *settings;
  KysoContext *context;
  KysoKioskConfig *kiosk_config; /* set in kiosk mode only */
  gboolean kiosk_trial;
  KysoKiosk *kiosk;
};

G_DEFINE_FINAL_TYPE (KysoApplication, kyso_application, ADW_TYPE_APPLICATION)

static const GOptionEntry option_entries[]
  = { { "version", 0, 0, G_OPTION_ARG_NONE, NULL, N_("Print the version and exit"), NULL },
        /* Translators: the placeholder in “--config=FILE”. */
        { "config", 0, 0, G_OPTION_ARG_FILENAME, NULL, N_("Read service addresses from FILE"), N_("FILE") },
          { "kiosk", 0, 0, G_OPTION_ARG_NONE, NULL,
            N_("Try kiosk mode (one citizen after another at a counter PC)"), NULL },
            G_OPTION_ENTRY_NULL };

static int
kyso_application_handle_local_options (GApplication *app, GVariantDict *options)
{
  KysoApplication *self = KYSO_APPLICATION (app);
  g_autofree char *config = NULL;

  if (g_variant_dict_contains (options, "version"))
    {
      printf ("kyso %s\n", PACKAGE_VERSION);
      return 0;
    }

  if (g_variant_dict_lookup (options, "config", "^ay", &config))
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(KysoConfig) loaded = NULL;

      g_free (self->config_path);
      self->config_path = g_canonicalize_filename (config, NULL);
      /* Refuse a broken file before any window opens, like kyso-cli does. */
      loaded = kyso_config_load (self->config_path, &error);
      if (loaded == NULL)
        {
          fprintf (stderr, "kyso: %s: %s\n", self->config_path, error->message);
          return 2;
        }
      g_clear_pointer (&self->config, kyso_config_unref);
      self->config = g_steal_pointer (&loaded);
      /* Another running Kyso would ignore this file: run on our own instead. */
      g_application_set_flags (app, g_application_get_flags (app) | G_APPLICATION_NON_UNIQUE);
    }

  {
    g_autoptr(GError) error = NULL;
    g_autoptr(KysoKioskConfig) kiosk = kyso_kiosk_config_load_default (&error);
    gboolean asked = g_variant_dict_contains (options, "kiosk");

    /* A counter PC with a broken kiosk file must not open as a desktop. */
    if (error != NULL)
      {
        fprintf (stderr, "kyso: %s\n", error->message);
        return 2;
      }
    if (asked || (kiosk != NULL && kyso_kiosk_config_get_enabled (kiosk)))
      {
        gboolean trial = kiosk == NULL || !kyso_kiosk_config_get_enabled (kiosk);

        if (kiosk == NULL)
          kiosk = kyso_kiosk_config_new_default ();
        if (!kyso_application_enable_kiosk (self, kiosk, trial, &error))
          {
            fprintf (stderr, "kyso: %s\n", error->message);
            return 2;
          }
      }
  }

  return G_APPLICATION_CLASS (kyso_application_parent_class)->handle_local_options (app, options);
}

static void
about_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  KysoApplication *self = user_data;
  const char *developers[] = { _("The Kyso developers"), NULL };
  GtkWidget *about;

  about = g_object_new (ADW_TYPE_ABOUT_WINDOW, "transient-for",
                        gtk_application_get_active_window (GTK_APPLICATION (self)), "modal", TRUE,
                        "application-name", "Kyso", "application-icon", APPLICATION_ID, "version",
                        PACKAGE_VERSION, "developer-name",
                        _("The Kyso developers"), "developers", developers, "comments",
                           _("Sign public-service documents with your remote digital signature, "
                                      "approved on your phone."),
                              "website", "https://kyso.vn/", "license-type", GTK_LICENSE_GPL_3_0,
                              /* Translators: your names, one per line. */
                              "translator-credits", _("translator-credits"), NULL);
  gtk_window_present (GTK_WINDOW (about));
}

static void
quit_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  g_autoptr(GList) windows = g_list_copy (gtk_application_get_windows (GTK_APPLICATION (user_data)));

  /* Closed as by their close button: each keeps its size and place, and ends the portal session
   * unless the citizen asked to be remembered. The application ends with the last one. */
  for (GList *l = windows; l != NULL; l = l->next)
    gtk_window_close (l->data);
}

static GSettings *
settings_if_installed (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;

  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, APPLICATION_ID, TRUE);
  if (schema == NULL)
    {
      g_message ("The GSettings schema %s is not installed; preferences will not be kept.", APPLICATION_ID);
      return NULL;
    }
  return g_settings_new_full (schema, NULL, NULL);
}

static void
kyso_application_startup (GApplication *app)
{
  KysoApplication *self = KYSO_APPLICATION (app);
  static const GActionEntry actions[] = {
    { "about", about_activated, NULL, NULL, NULL },
    { "quit", quit_activated, NULL, NULL, NULL },
  };
  /* Every accelerator of the application, in one place. */
  static const struct
  {
    const char *action;
    const char *accels[3];
  } accels[] = {
    { "app.quit", { "<Control>q", NULL } },
    { "window.close", { "<Control>w", NULL } },
    { "win.show-page::dossiers", { "<Alt>1", NULL } },
    { "win.show-page::documents", { "<Alt>2", NULL } },
    { "win.show-page::profiles", { "<Alt>3", NULL } },
    { "win.show-page::settings", { "<Control>comma", "<Alt>4", NULL } },
    { "win.add-profile", { "<Control>n", NULL } },
  };

  G_APPLICATION_CLASS (kyso_application_parent_class)->startup (app);

  /* A kiosk has no way out for a citizen: no quit, no about (its links open a browser), no
   * shortcuts to other places. */
  if (self->kiosk_config == NULL)
    {
      g_action_map_add_action_entries (G_ACTION_MAP (self), actions, G_N_ELEMENTS (actions), self);
      for (gsize i = 0; i < G_N_ELEMENTS (accels); i++)
        gtk_application_set_accels_for_action (GTK_APPLICATION (self), accels[i].action, accels[i].accels);
    }

  if (self->config == NULL)
    {
      g_autoptr(GError) error = NULL;

      self->config = kyso_config_load_or_default (NULL, &error);
      if (self->config == NULL)
        {
          /* A broken default file must not keep Kyso from starting; say so and go on. */
          g_warning ("The configuration file cannot be read: %s", error->message);
          self->config = kyso_config_new_default ();
        }
    }
  self->profile_store = kyso_profile_store_new ();
  self->settings = settings_if_installed ();
  self->context = kyso_context_new (self->config, self->profile_store, self->settings);

  if (self->kiosk_config != NULL)
    {
      g_autoptr(GError) error = NULL;
      const char *province = kyso_kiosk_config_get_province (self->kiosk_config);

      if (province != NULL)
        kyso_config_set (self->config, "portal", "province", province);
      /* The keyring items a crashed session left, before anyone sees the start screen. */
      if (!kyso_kiosk_session_wipe_secrets (NULL, &error))
        g_warning ("%s", error->message);
    }
}

static void
kyso_application_activate (GApplication *app)
{
  KysoApplication *self = KYSO_APPLICATION (app);
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));

  if (self->kiosk_config != NULL)
    {
      if (self->kiosk == NULL)
        self->kiosk
          = kyso_kiosk_new (self, self->kiosk_config, self->config, self->settings, self->kiosk_trial);
      kyso_kiosk_present (self->kiosk);
      return;
    }

  if (window == NULL)
    window = GTK_WINDOW (kyso_window_new (KYSO_APPLICATION (app)));
  gtk_window_present (window);
}

static void
kyso_application_dispose (GObject *object)
{
  KysoApplication *self = KYSO_APPLICATION (object);

  g_clear_object (&self->context);
  g_clear_object (&self->kiosk);
  g_clear_pointer (&self->kiosk_config, kyso_kiosk_config_unref);
  g_clear_object (&self->profile_store);
  g_clear_object (&self->settings);
  g_clear_pointer (&self->config, kyso_config_unref);

  G_OBJECT_CLASS (kyso_application_parent_class)->dispose (object);
}

static void
kyso_application_finalize (GObject *object)
{
  KysoApplication *self = KYSO_APPLICATION (object);

  g_free (self->config_path);

  G_OBJECT_CLASS (kyso_application_parent_class)->finalize (object);
}

static void
kyso_application_class_init (KysoApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->dispose = kyso_application_dispose;
  object_class->finalize = kyso_application_finalize;
  app_class->handle_local_options = kyso_application_handle_local_options;
  app_class->startup = kyso_application_startup;
  app_class->activate = kyso_application_activate;

  /* The UI bundle lives in a static library: register it by hand before any template loads. */
  kyso_ui_register_resource ();
}

static void
kyso_application_init (KysoApplication *self)
{
  g_application_add_main_option_entries (G_APPLICATION (self), option_entries);
  g_application_set_option_context_summary (
    G_APPLICATION (self), _("Sign public-service documents with your remote digital signature."));
}

KysoApplication *
kyso_application_new (void)
{
  return g_object_new (KYSO_TYPE_APPLICATION, "application-id", APPLICATION_ID, "flags",
                       G_APPLICATION_DEFAULT_FLAGS, "resource-base-path", "/vn/kyso/Kyso", NULL);
}

const char *
kyso_application_get_config_path (KysoApplication *self)
{
  g_return_val_if_fail (KYSO_IS_APPLICATION (self), NULL);
  return self->config_path;
}

KysoConfig *
kyso_application_get_config (KysoApplication *self)
{
  g_return_val_if_fail (KYSO_IS_APPLICATION (self), NULL);
  return self->config;
}

KysoProfileStore *
kyso_application_get_profile_store (KysoApplication *self)
{
  g_return_val_if_fail (KYSO_IS_APPLICATION (self), NULL);
  return self->profile_store;
}

GSettings *
kyso_application_get_settings (KysoApplication *self)
{
  g_return_val_if_fail (KYSO_IS_APPLICATION (self), NULL);
  return self->settings;
}

KysoContext *
kyso_application_get_context (KysoApplication *self)
{
  g_return_val_if_fail (KYSO_IS_APPLICATION (self), NULL);
  return self->context;
}

gboolean
kyso_application_enable_kiosk (KysoApplication *self, KysoKioskConfig *kiosk_config, gboolean trial,
                               GError **error)
{
  g_return_val_if_fail (KYSO_IS_APPLICATION (self), FALSE);
  g_return_val_if_fail (kiosk_config != NULL, FALSE);

  if (!kyso_kiosk_session_begin (error))
    return FALSE;
  g_clear_pointer (&self->kiosk_config, kyso_kiosk_config_unref);
  self->kiosk_config = kyso_kiosk_config_ref (kiosk_config);
  self->kiosk_trial = trial;
  /* Vietnamese first at a counter, unless the session says otherwise. */
  if (g_getenv ("LANGUAGE") == NULL)
    g_setenv ("LANGUAGE", "vi", TRUE);
  return TRUE;
}

KysoKiosk *
kyso_application_get_kiosk (KysoApplication *self)
{
  g_return_val_if_fail (KYSO_IS_APPLICATION (self), NULL);
  return self->kiosk;
}
