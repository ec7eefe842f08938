#include "config.h"

#include "kyso-province.h"
#include "kyso-error.h"
#include "kyso-igate-portal.h"
#include "kyso-portal-json.h"
#include "kyso-portal-resources.h"

#include <glib/gi18n-lib.h>
#include <string.h>

G_DEFINE_BOXED_TYPE (KysoProvince, kyso_province, kyso_province_copy, kyso_province_free)

KysoProvince *
kyso_province_copy (const KysoProvince *self)
{
  KysoProvince *copy = g_new0 (KysoProvince, 1);

  copy->id = g_strdup (self->id);
  copy->name = g_strdup (self->name);
  copy->adapter = g_strdup (self->adapter);
  copy->web = g_strdup (self->web);
  copy->issuer = g_strdup (self->issuer);
  copy->api = g_strdup (self->api);
  copy->client_id = g_strdup (self->client_id);
  copy->redirect = g_strdup (self->redirect);
  copy->igate = self->igate != NULL ? json_node_copy (self->igate) : NULL;
  return copy;
}

void
kyso_province_free (KysoProvince *self)
{
  if (self == NULL)
    return;
  g_free (self->id);
  g_free (self->name);
  g_free (self->adapter);
  g_free (self->web);
  g_free (self->issuer);
  g_free (self->api);
  g_free (self->client_id);
  g_free (self->redirect);
  g_clear_pointer (&self->igate, json_node_unref);
  g_free (self);
}

/* The shared "igate" ids with a province's own members in their place. */
static JsonNode *
merge_igate (JsonObject *defaults, JsonObject *own)
{
  JsonObject *merged = json_object_new ();
  JsonNode *node;

  for (int pass = 0; pass < 2; pass++)
    {
      JsonObject *from = pass == 0 ? defaults : own;
      g_autoptr (GList) members = from != NULL ? json_object_get_members (from) : NULL;

      for (GList *l = members; l != NULL; l = l->next)
        json_object_set_member (merged, l->data, json_node_copy (json_object_get_member (from, l->data)));
    }
  node = json_node_init_object (json_node_alloc (), merged);
  json_object_unref (merged);
  return node;
}

/* https, or http on the loopback interface only (a local test portal). */
static gboolean
address_ok (const char *url)
{
  g_autoptr (GUri) uri = url != NULL ? g_uri_parse (url, G_URI_FLAGS_NONE, NULL) : NULL;
  const char *host = uri != NULL ? g_uri_get_host (uri) : NULL;

  if (host == NULL || *host == '\0')
    return FALSE;
  if (g_strcmp0 (g_uri_get_scheme (uri), "https") == 0)
    return TRUE;
  return g_strcmp0 (g_uri_get_scheme (uri), "http") == 0
         && (strcmp (host, "127.0.0.1") == 0 || strcmp (host, "::1") == 0 || strcmp (host, "localhost") == 0);
}

GPtrArray *
kyso_province_list_presets (void)
{
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (JsonParser) parser = json_parser_new ();
  GPtrArray *list = g_ptr_array_new_with_free_func ((GDestroyNotify)kyso_province_free);
  JsonArray *array;
  JsonObject *defaults;
  gsize len;
  const char *data;

  /* Referencing kyso_portal_get_resource() also keeps the resource in the static library. */
  bytes = g_resource_lookup_data (kyso_portal_get_resource (), "/vn/kyso/Kyso/portal/provinces.json",
                                  G_RESOURCE_LOOKUP_FLAGS_NONE, NULL);
  g_assert (bytes != NULL);
  data = g_bytes_get_data (bytes, &len);
  if (!json_parser_load_from_data (parser, data, (gssize)len, NULL))
    g_error ("provinces.json does not parse");
  array = kyso_pj_array (json_node_get_object (json_parser_get_root (parser)), "provinces");
  defaults = kyso_pj_object (json_node_get_object (json_parser_get_root (parser)), "igate");
  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      JsonObject *obj = kyso_pj_array_object (array, i);
      KysoProvince *p = g_new0 (KysoProvince, 1);

      p->id = g_strdup (kyso_pj_string (obj, "id"));
      p->name = g_strdup (kyso_pj_string (obj, "name"));
      p->adapter = g_strdup (kyso_pj_string (obj, "adapter"));
      p->web = g_strdup (kyso_pj_string (obj, "web"));
      p->issuer = g_strdup (kyso_pj_string (obj, "issuer"));
      p->api = g_strdup (kyso_pj_string (obj, "api"));
      p->client_id = g_strdup (kyso_pj_string (obj, "client_id"));
      p->redirect = g_strdup (kyso_pj_string (obj, "redirect"));
      p->igate = merge_igate (defaults, kyso_pj_object (obj, "igate"));
      g_ptr_array_add (list, p);
    }
  return list;
}

KysoProvince *
kyso_province_find_preset (const char *id)
{
  g_autoptr (GPtrArray) list = kyso_province_list_presets ();

  for (guint i = 0; id != NULL && i < list->len; i++)
    {
      KysoProvince *p = g_ptr_array_index (list, i);
      if (g_strcmp0 (p->id, id) == 0)
        return kyso_province_copy (p);
    }
  return NULL;
}

static void
override (KysoConfig *config, const char *key, char **field)
{
  const char *value = kyso_config_get (config, "portal", key);

  if (value != NULL && *value != '\0')
    {
      g_free (*field);
      *field = g_strdup (value);
    }
}

/* "/x" + base "https://h:1" → "https://h:1/x"; absolute addresses are kept. */
static gboolean
resolve (char **field, const char *base, GError **error)
{
  g_autoptr (GUri) base_uri = NULL;
  g_autoptr (GUri) uri = NULL;

  if (*field == NULL || strstr (*field, "://") != NULL)
    return TRUE;
  if (base == NULL)
    {
      g_set_error_literal (
        error, KYSO_ERROR, KYSO_ERROR_INVALID_INPUT,
        _ (
          "The portal’s address is incomplete: set “base” in the [portal] group of the configuration file."));
      return FALSE;
    }
  base_uri = g_uri_parse (base, G_URI_FLAGS_NONE, error);
  if (base_uri == NULL)
    return FALSE;
  uri = g_uri_parse_relative (base_uri, *field, G_URI_FLAGS_NONE, error);
  if (uri == NULL)
    return FALSE;
  g_free (*field);
  *field = g_uri_to_string (uri);
  return TRUE;
}

KysoProvince *
kyso_province_new_from_config (KysoConfig *config, GError **error)
{
  const char *id = kyso_config_get (config, "portal", "province");
  const char *base = kyso_config_get (config, "portal", "base");
  g_autoptr (KysoProvince) p = NULL;

  if (id != NULL && *id != '\0')
    {
      p = kyso_province_find_preset (id);
      if (p == NULL)
        {
          g_set_error (error, KYSO_ERROR, KYSO_ERROR_INVALID_INPUT,
                       _ ("Kyso does not know the province “%s”. Choose one in the settings."), id);
          return NULL;
        }
    }
  else
    {
      p = g_new0 (KysoProvince, 1);
      p->id = g_strdup ("custom");
      p->name = g_strdup (_ ("Custom portal"));
      p->adapter = g_strdup ("igate");
      p->redirect = g_strdup ("http://127.0.0.1/callback");
      p->igate = merge_igate (NULL, NULL);
    }
  override (config, "name", &p->name);
  override (config, "web", &p->web);
  override (config, "issuer", &p->issuer);
  override (config, "api", &p->api);
  override (config, "client_id", &p->client_id);
  override (config, "redirect", &p->redirect);
  if (p->issuer == NULL || p->api == NULL)
    {
      g_set_error_literal (error, KYSO_ERROR, KYSO_ERROR_INVALID_INPUT,
                           _ ("No portal is configured. Choose your province in the settings."));
      return NULL;
    }
  if (!resolve (&p->web, base, error) || !resolve (&p->issuer, base, error)
      || !resolve (&p->api, base, error))
    return NULL;
  /* The bearer tokens and the citizen's files never travel in clear. */
  if (!address_ok (p->issuer) || !address_ok (p->api))
    {
      g_set_error (error, KYSO_ERROR, KYSO_ERROR_INVALID_INPUT,
                   _ ("The portal’s addresses must start with https:// (check “issuer” and “api” in the "
                      "[portal] group of %s)."),
                      kyso_config_get_filename (config) != NULL ? kyso_config_get_filename (config)
                                                                : "kyso.conf");
      return NULL;
    }
  if (!g_str_has_suffix (p->api, "/"))
    {
      char *with_slash = g_strconcat (p->api, "/", NULL);
      g_free (p->api);
      p->api = with_slash;
    }
  return g_steal_pointer (&p);
}

KysoPortal *
kyso_portal_new_from_config (KysoConfig *config, GError **error)
{
  g_autoptr (KysoProvince) province = kyso_province_new_from_config (config, error);

  if (province == NULL)
    return NULL;
  if (g_strcmp0 (province->adapter, "igate") != 0)
    {
      g_set_error (error, KYSO_ERROR, KYSO_ERROR_UNSUPPORTED,
                   _ ("The portal of %s is not supported yet."), province->name);
      return NULL;
    }
  return KYSO_PORTAL (kyso_igate_portal_new (province, kyso_config_get_path (config, "tls", "ca_file")));
}
