/* kyso-context.c: the configuration, profiles and preferences every page is given */

#include "config.h"

#include "kyso-context.h"

struct _KysoContext
{
  GObject parent_instance;

  KysoConfig *config;
  KysoProfileStore *profiles;
  GSettings *settings;
};

G_DEFINE_FINAL_TYPE (KysoContext, kyso_context, G_TYPE_OBJECT)

static void
kyso_context_dispose (GObject *object)
{
  KysoContext *self = KYSO_CONTEXT (object);

  g_clear_object (&self->profiles);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (kyso_context_parent_class)->dispose (object);
}

static void
kyso_context_finalize (GObject *object)
{
  KysoContext *self = KYSO_CONTEXT (object);

  g_clear_pointer (&self->config, kyso_config_unref);

  G_OBJECT_CLASS (kyso_context_parent_class)->finalize (object);
}

static void
kyso_context_class_init (KysoContextClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = kyso_context_dispose;
  object_class->finalize = kyso_context_finalize;
}

static void
kyso_context_init (KysoContext *self)
{
}

KysoContext *
kyso_context_new (KysoConfig *config, KysoProfileStore *profiles, GSettings *settings)
{
  KysoContext *self;

  g_return_val_if_fail (config != NULL, NULL);
  g_return_val_if_fail (KYSO_IS_PROFILE_STORE (profiles), NULL);
  g_return_val_if_fail (settings == NULL || G_IS_SETTINGS (settings), NULL);

  self = g_object_new (KYSO_TYPE_CONTEXT, NULL);
  self->config = kyso_config_ref (config);
  self->profiles = g_object_ref (profiles);
  if (settings != NULL)
    self->settings = g_object_ref (settings);
  return self;
}

KysoConfig *
kyso_context_get_config (KysoContext *self)
{
  g_return_val_if_fail (KYSO_IS_CONTEXT (self), NULL);
  return self->config;
}

KysoProfileStore *
kyso_context_get_profile_store (KysoContext *self)
{
  g_return_val_if_fail (KYSO_IS_CONTEXT (self), NULL);
  return self->profiles;
}

GSettings *
kyso_context_get_settings (KysoContext *self)
{
  g_return_val_if_fail (KYSO_IS_CONTEXT (self), NULL);
  return self->settings;
}
