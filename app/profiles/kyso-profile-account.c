#include "config.h"

#include "kyso-profile-account.h"
#include "kyso-profile.h"
#include "kyso-providers.h"
#include "kyso-error.h"

#include <glib/gi18n-lib.h>
#include <string.h>

struct _KysoProfileAccount
{
  GObject parent_instance;

  char *kind;
  char *account;
  char *provider;
};

G_DEFINE_FINAL_TYPE (KysoProfileAccount, kyso_profile_account, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_KIND,
  PROP_ACCOUNT,
  PROP_PROVIDER,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
kyso_profile_account_finalize (GObject *object)
{
  KysoProfileAccount *self = KYSO_PROFILE_ACCOUNT (object);

  g_free (self->kind);
  g_free (self->account);
  g_free (self->provider);

  G_OBJECT_CLASS (kyso_profile_account_parent_class)->finalize (object);
}

static void
kyso_profile_account_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  KysoProfileAccount *self = KYSO_PROFILE_ACCOUNT (object);

  switch (prop_id)
    {
      case PROP_KIND:
        g_value_set_string (value, self->kind);
        break;
      case PROP_ACCOUNT:
        g_value_set_string (value, self->account);
        break;
      case PROP_PROVIDER:
        g_value_set_string (value, self->provider);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kyso_profile_account_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  KysoProfileAccount *self = KYSO_PROFILE_ACCOUNT (object);

  switch (prop_id)
    {
      case PROP_KIND:
        kyso_profile_account_set_kind (self, g_value_get_string (value));
        break;
      case PROP_ACCOUNT:
        kyso_profile_account_set_account (self, g_value_get_string (value));
        break;
      case PROP_PROVIDER:
        kyso_profile_account_set_provider (self, g_value_get_string (value));
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kyso_profile_account_class_init (KysoProfileAccountClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = kyso_profile_account_finalize;
  object_class->get_property = kyso_profile_account_get_property;
  object_class->set_property = kyso_profile_account_set_property;

  properties[PROP_KIND]
    = g_param_spec_string ("kind", NULL, NULL, KYSO_ACCOUNT_KIND_NEAC_SIGN,
                           G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_ACCOUNT] = g_param_spec_string (
    "account", NULL, NULL, "", G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_PROVIDER] = g_param_spec_string (
    "provider", NULL, NULL, "", G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
kyso_profile_account_init (KysoProfileAccount *self)
{
  self->kind = g_strdup (KYSO_ACCOUNT_KIND_NEAC_SIGN);
  self->account = g_strdup ("");
  self->provider = g_strdup ("");
}

KysoProfileAccount *
kyso_profile_account_new (const char *provider, const char *account)
{
  return g_object_new (KYSO_TYPE_PROFILE_ACCOUNT, "provider", provider != NULL ? provider : "", "account",
                       account != NULL ? account : "", NULL);
}

KysoProfileAccount *
kyso_profile_account_copy (KysoProfileAccount *self)
{
  g_return_val_if_fail (KYSO_IS_PROFILE_ACCOUNT (self), NULL);

  return g_object_new (KYSO_TYPE_PROFILE_ACCOUNT, "kind", self->kind, "provider", self->provider, "account",
                       self->account, NULL);
}

/* Sets *@field to a copy of @value (NULL becomes ""); TRUE when it changed. */
static gboolean
replace_string (char **field, const char *value)
{
  if (value == NULL)
    value = "";
  if (g_strcmp0 (*field, value) == 0)
    return FALSE;
  g_free (*field);
  *field = g_strdup (value);
  return TRUE;
}

const char *
kyso_profile_account_get_kind (KysoProfileAccount *self)
{
  g_return_val_if_fail (KYSO_IS_PROFILE_ACCOUNT (self), NULL);
  return self->kind;
}

void
kyso_profile_account_set_kind (KysoProfileAccount *self, const char *kind)
{
  g_return_if_fail (KYSO_IS_PROFILE_ACCOUNT (self));
  if (replace_string (&self->kind, kind))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_KIND]);
}

const char *
kyso_profile_account_get_account (KysoProfileAccount *self)
{
  g_return_val_if_fail (KYSO_IS_PROFILE_ACCOUNT (self), NULL);
  return self->account;
}

void
kyso_profile_account_set_account (KysoProfileAccount *self, const char *account)
{
  g_return_if_fail (KYSO_IS_PROFILE_ACCOUNT (self));
  if (replace_string (&self->account, account))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ACCOUNT]);
}

const char *
kyso_profile_account_get_provider (KysoProfileAccount *self)
{
  g_return_val_if_fail (KYSO_IS_PROFILE_ACCOUNT (self), NULL);
  return self->provider;
}

void
kyso_profile_account_set_provider (KysoProfileAccount *self, const char *provider)
{
  g_return_if_fail (KYSO_IS_PROFILE_ACCOUNT (self));
  if (replace_string (&self->provider, provider))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROVIDER]);
}

const char *
kyso_account_kind_get_display_name (const char *kind)
{
  /* A product name; the portals show it untranslated. */
  if (g_strcmp0 (kind, KYSO_ACCOUNT_KIND_NEAC_SIGN) == 0)
    return "NEAC Sign";
  if (g_strcmp0 (kind, KYSO_ACCOUNT_KIND_CSC) == 0)
    return "CSC";
  if (g_strcmp0 (kind, KYSO_ACCOUNT_KIND_TOKEN) == 0)
    return "USB Token";
  return NULL;
}

gboolean
kyso_profile_account_validate (KysoProfileAccount *self, GError **error)
{
  g_return_val_if_fail (KYSO_IS_PROFILE_ACCOUNT (self), FALSE);

  if (kyso_account_kind_get_display_name (self->kind) == NULL)
    {
      g_set_error (error, KYSO_ERROR, KYSO_ERROR_INVALID_INPUT,
                   _("The signature type of an account is not one Kyso knows. Choose NEAC Sign."));
      return FALSE;
    }
  if (g_strcmp0 (self->kind, KYSO_ACCOUNT_KIND_TOKEN) == 0)
    {
      const char *serial = self->account != NULL ? self->account : "";
      g_autofree char *issuer = g_strstrip (g_strdup (self->provider != NULL ? self->provider : ""));
      gboolean hex = *serial != '\0' && strlen (serial) <= 64;

      for (const char *p = serial; hex && *p != '\0'; p++)
        hex = g_ascii_isxdigit (*p) || *p == ':';
      if (!hex || *issuer == '\0')
        {
          g_set_error_literal (error, KYSO_ERROR, KYSO_ERROR_INVALID_INPUT,
                               _("Choose the certificate on the USB token to sign with."));
          return FALSE;
        }
      return TRUE;
    }
  if (g_strcmp0 (self->kind, KYSO_ACCOUNT_KIND_CSC) == 0)
    {
      g_autofree char *login = g_strstrip (g_strdup (self->account));

      /* A login at the service, not an ID number: only that there is one. */
      if (*login == '\0')
        {
          g_set_error_literal (error, KYSO_ERROR, KYSO_ERROR_INVALID_INPUT,
                               _("Enter your login at the signing service."));
          return FALSE;
        }
      return kyso_profile_check_provider (self->provider, error);
    }
  return kyso_profile_check_provider (self->provider, error)
         && kyso_profile_check_account_number (self->account, error);
}
