#include "config.h"

#include "kyso-profile-row.h"
#include "kyso-providers.h"

#include <glib/gi18n-lib.h>
#include <string.h>

struct _KysoProfileRow
{
  AdwActionRow parent_instance;

  KysoProfile *profile;

  GtkPicture *picture;
  GtkWidget *edit_button;
  GtkWidget *delete_button;
};

G_DEFINE_FINAL_TYPE (KysoProfileRow, kyso_profile_row, ADW_TYPE_ACTION_ROW)

enum
{
  PROP_0,
  PROP_PROFILE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* "VNPT-CA, Viettel-CA · Phone ending in 678": enough to tell profiles apart without showing
 * the whole number or any ID number on a shared screen. */
static char *
describe_profile (KysoProfile *profile)
{
  GListModel *accounts = kyso_profile_get_accounts (profile);
  g_autoptr(GPtrArray) names = g_ptr_array_new ();
  const char *phone = kyso_profile_get_phone (profile);
  gsize phone_len = strlen (phone);
  g_autofree char *providers = NULL;
  g_autofree char *phone_hint = NULL;

  for (guint i = 0; i < g_list_model_get_n_items (accounts); i++)
    {
      g_autoptr(KysoProfileAccount) account = g_list_model_get_item (accounts, i);
      const KysoProvider *provider = kyso_providers_lookup (kyso_profile_account_get_provider (account));
      const char *name = provider != NULL ? provider->name : kyso_profile_account_get_provider (account);

      if (!g_ptr_array_find_with_equal_func (names, name, g_str_equal, NULL))
        g_ptr_array_add (names, (gpointer)name);
    }
  g_ptr_array_add (names, NULL);
  providers = g_strjoinv (", ", (char **)names->pdata);

  if (phone_len >= 3)
    /* Translators: %s is the last three digits of the signing phone number. */
    phone_hint = g_strdup_printf (_("Phone ending in %s"), phone + phone_len - 3);

  if (*providers != '\0' && phone_hint != NULL)
    return g_strdup_printf ("%s · %s", providers, phone_hint);
  return g_strdup (*providers != '\0' ? providers : phone_hint != NULL ? phone_hint : "");
}

static void
update_image (KysoProfileRow *self)
{
  GBytes *png = kyso_profile_get_image (self->profile);
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *alt = NULL;

  if (png != NULL)
    texture = gdk_texture_new_from_bytes (png, NULL);
  gtk_picture_set_paintable (self->picture, GDK_PAINTABLE (texture));

  /* Translators: description of the signature picture for screen readers; %s is its name. */
  alt = g_strdup_printf (_("Signature image of “%s”"), kyso_profile_get_display_name (self->profile));
  gtk_picture_set_alternative_text (self->picture, alt);
}

static void
kyso_profile_row_constructed (GObject *object)
{
  KysoProfileRow *self = KYSO_PROFILE_ROW (object);
  const char *name = kyso_profile_get_display_name (self->profile);
  const char *id = kyso_profile_get_id (self->profile);
  g_autofree char *subtitle = describe_profile (self->profile);
  g_autofree char *edit_label = NULL;
  g_autofree char *delete_label = NULL;

  G_OBJECT_CLASS (kyso_profile_row_parent_class)->constructed (object);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self), name);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self), subtitle);
  update_image (self);

  gtk_actionable_set_action_target (GTK_ACTIONABLE (self->edit_button), "s", id);
  gtk_actionable_set_action_target (GTK_ACTIONABLE (self->delete_button), "s", id);
  /* Icon buttons: say which signature they act on. */
  /* Translators: accessible name of a button; %s is the signature's name. */
  edit_label = g_strdup_printf (_("Edit signature “%s”"), name);
  /* Translators: accessible name of a button; %s is the signature's name. */
  delete_label = g_strdup_printf (_("Delete signature “%s”"), name);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->edit_button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  edit_label, -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->delete_button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  delete_label, -1);
}

static void
kyso_profile_row_dispose (GObject *object)
{
  KysoProfileRow *self = KYSO_PROFILE_ROW (object);

  g_clear_object (&self->profile);

  G_OBJECT_CLASS (kyso_profile_row_parent_class)->dispose (object);
}

static void
kyso_profile_row_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  KysoProfileRow *self = KYSO_PROFILE_ROW (object);

  switch (prop_id)
    {
      case PROP_PROFILE:
        g_value_set_object (value, self->profile);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kyso_profile_row_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  KysoProfileRow *self = KYSO_PROFILE_ROW (object);

  switch (prop_id)
    {
      case PROP_PROFILE:
        self->profile = g_value_dup_object (value);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kyso_profile_row_class_init (KysoProfileRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = kyso_profile_row_constructed;
  object_class->dispose = kyso_profile_row_dispose;
  object_class->get_property = kyso_profile_row_get_property;
  object_class->set_property = kyso_profile_row_set_property;

  properties[PROP_PROFILE]
    = g_param_spec_object ("profile", NULL, NULL, KYSO_TYPE_PROFILE,
                           G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, "/vn/kyso/Kyso/ui/kyso-profile-row.ui");
  gtk_widget_class_bind_template_child (widget_class, KysoProfileRow, picture);
  gtk_widget_class_bind_template_child (widget_class, KysoProfileRow, edit_button);
  gtk_widget_class_bind_template_child (widget_class, KysoProfileRow, delete_button);
}

static void
kyso_profile_row_init (KysoProfileRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
kyso_profile_row_new (KysoProfile *profile)
{
  g_return_val_if_fail (KYSO_IS_PROFILE (profile), NULL);
  return g_object_new (KYSO_TYPE_PROFILE_ROW, "profile", profile, NULL);
}

KysoProfile *
kyso_profile_row_get_profile (KysoProfileRow *self)
{
  g_return_val_if_fail (KYSO_IS_PROFILE_ROW (self), NULL);
  return self->profile;
}
