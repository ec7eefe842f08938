/* KysoProfile: the object and its JSON form. The rules live in kyso-profile-check.c. */
#include "config.h"

#include "kyso-profile.h"
#include "kyso-error.h"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>
#include <string.h>

/* Bumped when the stored JSON changes incompatibly; older readers refuse newer items. */
#define PROFILE_JSON_VERSION 1

struct _KysoProfile
{
  GObject parent_instance;

  char *id;
  char *display_name;
  GBytes *image;
  char *phone;
  char *keyword;
  GListStore *accounts;
};

G_DEFINE_FINAL_TYPE (KysoProfile, kyso_profile, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_ID,
  PROP_DISPLAY_NAME,
  PROP_IMAGE,
  PROP_PHONE,
  PROP_KEYWORD,
  PROP_ACCOUNTS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
kyso_profile_dispose (GObject *object)
{
  KysoProfile *self = KYSO_PROFILE (object);

  g_clear_object (&self->accounts);

  G_OBJECT_CLASS (kyso_profile_parent_class)->dispose (object);
}

static void
kyso_profile_finalize (GObject *object)
{
  KysoProfile *self = KYSO_PROFILE (object);

  g_free (self->id);
  g_free (self->display_name);
  g_clear_pointer (&self->image, g_bytes_unref);
  g_free (self->phone);
  g_free (self->keyword);

  G_OBJECT_CLASS (kyso_profile_parent_class)->finalize (object);
}

static void
kyso_profile_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  KysoProfile *self = KYSO_PROFILE (object);

  switch (prop_id)
    {
      case PROP_ID:
        g_value_set_string (value, self->id);
        break;
      case PROP_DISPLAY_NAME:
        g_value_set_string (value, self->display_name);
        break;
      case PROP_IMAGE:
        g_value_set_boxed (value, self->image);
        break;
      case PROP_PHONE:
        g_value_set_string (value, self->phone);
        break;
      case PROP_KEYWORD:
        g_value_set_string (value, self->keyword);
        break;
      case PROP_ACCOUNTS:
        g_value_set_object (value, self->accounts);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kyso_profile_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  KysoProfile *self = KYSO_PROFILE (object);

  switch (prop_id)
    {
      case PROP_ID:
        /* Construct-only: an empty id gets a fresh one so every profile has a key. */
        self->id = g_value_dup_string (value);
        if (self->id == NULL || *self->id == '\0')
          {
            g_free (self->id);
            self->id = g_uuid_string_random ();
          }
        break;
      case PROP_DISPLAY_NAME:
        kyso_profile_set_display_name (self, g_value_get_string (value));
        break;
      case PROP_IMAGE:
        kyso_profile_set_image (self, g_value_get_boxed (value));
        break;
      case PROP_PHONE:
        kyso_profile_set_phone (self, g_value_get_string (value));
        break;
      case PROP_KEYWORD:
        kyso_profile_set_keyword (self, g_value_get_string (value));
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kyso_profile_class_init (KysoProfileClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = kyso_profile_dispose;
  object_class->finalize = kyso_profile_finalize;
  object_class->get_property = kyso_profile_get_property;
  object_class->set_property = kyso_profile_set_property;

  properties[PROP_ID] = g_param_spec_string (
    "id", NULL, NULL, NULL, G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_DISPLAY_NAME] = g_param_spec_string (
    "display-name", NULL, NULL, "", G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_IMAGE] = g_param_spec_boxed (
    "image", NULL, NULL, G_TYPE_BYTES, G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_PHONE] = g_param_spec_string (
    "phone", NULL, NULL, "", G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_KEYWORD] = g_param_spec_string (
    "keyword", NULL, NULL, "", G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_ACCOUNTS] = g_param_spec_object ("accounts", NULL, NULL, G_TYPE_LIST_MODEL,
                                                   G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
kyso_profile_init (KysoProfile *self)
{
  self->display_name = g_strdup ("");
  self->phone = g_strdup ("");
  self->keyword = g_strdup ("");
  self->accounts = g_list_store_new (KYSO_TYPE_PROFILE_ACCOUNT);
}

KysoProfile *
kyso_profile_new (void)
{
  return g_object_new (KYSO_TYPE_PROFILE, NULL);
}

KysoProfile *
kyso_profile_copy (KysoProfile *self)
{
  KysoProfile *copy;
  guint n;

  g_return_val_if_fail (KYSO_IS_PROFILE (self), NULL);

  copy = g_object_new (KYSO_TYPE_PROFILE, "id", self->id, "display-name", self->display_name, "image",
                       self->image, "phone", self->phone, "keyword", self->keyword, NULL);
  n = g_list_model_get_n_items (G_LIST_MODEL (self->accounts));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(KysoProfileAccount) account = g_list_model_get_item (G_LIST_MODEL (self->accounts), i);
      g_autoptr(KysoProfileAccount) account_copy = kyso_profile_account_copy (account);

      g_list_store_append (copy->accounts, account_copy);
    }
  return copy;
}

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
kyso_profile_get_id (KysoProfile *self)
{
  g_return_val_if_fail (KYSO_IS_PROFILE (self), NULL);
  return self->id;
}

const char *
kyso_profile_get_display_name (KysoProfile *self)
{
  g_return_val_if_fail (KYSO_IS_PROFILE (self), NULL);
  return self->display_name;
}

void
kyso_profile_set_display_name (KysoProfile *self, const char *display_name)
{
  g_return_if_fail (KYSO_IS_PROFILE (self));
  if (replace_string (&self->display_name, display_name))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DISPLAY_NAME]);
}

GBytes *
kyso_profile_get_image (KysoProfile *self)
{
  g_return_val_if_fail (KYSO_IS_PROFILE (self), NULL);
  return self->image;
}

void
kyso_profile_set_image (KysoProfile *self, GBytes *png)
{
  g_return_if_fail (KYSO_IS_PROFILE (self));

  if (self->image == png || (self->image != NULL && png != NULL && g_bytes_equal (self->image, png)))
    return;
  g_clear_pointer (&self->image, g_bytes_unref);
  self->image = png != NULL ? g_bytes_ref (png) : NULL;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_IMAGE]);
}

const char *
kyso_profile_get_phone (KysoProfile *self)
{
  g_return_val_if_fail (KYSO_IS_PROFILE (self), NULL);
  return self->phone;
}

void
kyso_profile_set_phone (KysoProfile *self, const char *phone)
{
  g_return_if_fail (KYSO_IS_PROFILE (self));
  if (replace_string (&self->phone, phone))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PHONE]);
}

const char *
kyso_profile_get_keyword (KysoProfile *self)
{
  g_return_val_if_fail (KYSO_IS_PROFILE (self), NULL);
  return self->keyword;
}

void
kyso_profile_set_keyword (KysoProfile *self, const char *keyword)
{
  g_return_if_fail (KYSO_IS_PROFILE (self));
  if (replace_string (&self->keyword, keyword))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_KEYWORD]);
}

GListModel *
kyso_profile_get_accounts (KysoProfile *self)
{
  g_return_val_if_fail (KYSO_IS_PROFILE (self), NULL);
  return G_LIST_MODEL (self->accounts);
}

void
kyso_profile_add_account (KysoProfile *self, KysoProfileAccount *account)
{
  g_return_if_fail (KYSO_IS_PROFILE (self));
  g_return_if_fail (KYSO_IS_PROFILE_ACCOUNT (account));
  g_list_store_append (self->accounts, account);
}

void
kyso_profile_remove_account (KysoProfile *self, guint position)
{
  g_return_if_fail (KYSO_IS_PROFILE (self));
  g_return_if_fail (position < g_list_model_get_n_items (G_LIST_MODEL (self->accounts)));
  g_list_store_remove (self->accounts, position);
}

void
kyso_profile_remove_all_accounts (KysoProfile *self)
{
  g_return_if_fail (KYSO_IS_PROFILE (self));
  g_list_store_remove_all (self->accounts);
}

gboolean
kyso_profile_validate (KysoProfile *self, GError **error)
{
  guint n;

  g_return_val_if_fail (KYSO_IS_PROFILE (self), FALSE);

  if (!kyso_profile_check_image (self->image, NULL, NULL, error)
      || !kyso_profile_check_display_name (self->display_name, error)
      || !kyso_profile_check_phone (self->phone, error) || !kyso_profile_check_keyword (self->keyword, error))
    return FALSE;

  n = g_list_model_get_n_items (G_LIST_MODEL (self->accounts));
  if (n == 0)
    {
      g_set_error (error, KYSO_ERROR, KYSO_ERROR_INVALID_INPUT,
                   _("Add at least one signing account: the provider and your CCCD or CMND number."));
      return FALSE;
    }
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(KysoProfileAccount) account = g_list_model_get_item (G_LIST_MODEL (self->accounts), i);

      if (!kyso_profile_account_validate (account, error))
        return FALSE;
    }
  return TRUE;
}

/* JSON form ---------------------------------------------------------------------------------- */

char *
kyso_profile_to_json (KysoProfile *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  guint n;

  g_return_val_if_fail (KYSO_IS_PROFILE (self), NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "version");
  json_builder_add_int_value (builder, PROFILE_JSON_VERSION);
  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, self->id);
  json_builder_set_member_name (builder, "display-name");
  json_builder_add_string_value (builder, self->display_name);
  json_builder_set_member_name (builder, "phone");
  json_builder_add_string_value (builder, self->phone);
  json_builder_set_member_name (builder, "keyword");
  json_builder_add_string_value (builder, self->keyword);
  json_builder_set_member_name (builder, "image");
  if (self->image != NULL)
    {
      gsize len;
      const guchar *data = g_bytes_get_data (self->image, &len);
      g_autofree char *b64 = g_base64_encode (data, len);

      json_builder_add_string_value (builder, b64);
    }
  else
    json_builder_add_null_value (builder);

  json_builder_set_member_name (builder, "accounts");
  json_builder_begin_array (builder);
  n = g_list_model_get_n_items (G_LIST_MODEL (self->accounts));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(KysoProfileAccount) account = g_list_model_get_item (G_LIST_MODEL (self->accounts), i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "kind");
      json_builder_add_string_value (builder, kyso_profile_account_get_kind (account));
      json_builder_set_member_name (builder, "account");
      json_builder_add_string_value (builder, kyso_profile_account_get_account (account));
      json_builder_set_member_name (builder, "provider");
      json_builder_add_string_value (builder, kyso_profile_account_get_provider (account));
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  return json_generator_to_data (generator, NULL);
}

static gboolean
broken (GError **error)
{
  g_set_error (
    error, KYSO_ERROR, KYSO_ERROR_BROKEN_FILE,
    _("A signature saved in the keyring is damaged and cannot be read. Delete it and add it again."));
  return FALSE;
}

/* A string member, or NULL when absent or of another type. */
static const char *
get_string (JsonObject *obj, const char *member)
{
  JsonNode *node = json_object_get_member (obj, member);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

static gboolean
read_accounts (KysoProfile *self, JsonObject *obj, GError **error)
{
  JsonNode *node = json_object_get_member (obj, "accounts");
  JsonArray *array;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return broken (error);
  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      g_autoptr(KysoProfileAccount) account = NULL;
      const char *kind, *number, *provider;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        return broken (error);
      kind = get_string (json_node_get_object (element), "kind");
      number = get_string (json_node_get_object (element), "account");
      provider = get_string (json_node_get_object (element), "provider");
      if (kind == NULL || number == NULL || provider == NULL)
        return broken (error);
      account = kyso_profile_account_new (provider, number);
      kyso_profile_account_set_kind (account, kind);
      g_list_store_append (self->accounts, account);
    }
  return TRUE;
}

static gboolean
read_image (KysoProfile *self, JsonObject *obj, GError **error)
{
  JsonNode *node = json_object_get_member (obj, "image");
  const char *b64;
  guchar *data;
  gsize len = 0;

  if (node == NULL)
    return broken (error);
  if (JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if ((b64 = get_string (obj, "image")) == NULL)
    return broken (error);
  /* g_base64_decode() skips characters outside the alphabet, so insist on clean input. */
  for (const char *p = b64; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && *p != '+' && *p != '/' && *p != '=')
      return broken (error);
  data = g_base64_decode (b64, &len);
  self->image = g_bytes_new_take (data, len);
  return TRUE;
}

KysoProfile *
kyso_profile_new_from_json (const char *json, gssize length, GError **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(KysoProfile) self = NULL;
  JsonObject *obj;
  JsonNode *version;
  const char *id, *name, *phone, *keyword;

  g_return_val_if_fail (json != NULL, NULL);

  /* An empty document parses fine but has no root. */
  if (!json_parser_load_from_data (parser, json, length, NULL) || json_parser_get_root (parser) == NULL
      || !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      broken (error);
      return NULL;
    }
  obj = json_node_get_object (json_parser_get_root (parser));

  version = json_object_get_member (obj, "version");
  if (version == NULL || json_node_get_value_type (version) != G_TYPE_INT64)
    {
      broken (error);
      return NULL;
    }
  if (json_node_get_int (version) != PROFILE_JSON_VERSION)
    {
      g_set_error (
        error, KYSO_ERROR, KYSO_ERROR_UNSUPPORTED,
        _("A signature in the keyring was saved by a newer version of Kyso. Update Kyso to use it."));
      return NULL;
    }

  id = get_string (obj, "id");
  name = get_string (obj, "display-name");
  phone = get_string (obj, "phone");
  keyword = get_string (obj, "keyword");
  if (id == NULL || *id == '\0' || name == NULL || phone == NULL || keyword == NULL)
    {
      broken (error);
      return NULL;
    }

  self = g_object_new (KYSO_TYPE_PROFILE, "id", id, "display-name", name, "phone", phone, "keyword", keyword,
                       NULL);
  if (!read_image (self, obj, error) || !read_accounts (self, obj, error))
    return NULL;
  return g_steal_pointer (&self);
}
