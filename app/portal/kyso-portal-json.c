#include "config.h"

#include "kyso-portal-json.h"

#include <stdlib.h>

static JsonNode *
member (JsonObject *obj, const char *name)
{
  if (obj == NULL || !json_object_has_member (obj, name))
    return NULL;
  return json_object_get_member (obj, name);
}

JsonObject *
kyso_pj_object (JsonObject *obj, const char *name)
{
  JsonNode *node = member (obj, name);

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

JsonArray *
kyso_pj_array (JsonObject *obj, const char *name)
{
  JsonNode *node = member (obj, name);

  return node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

const char *
kyso_pj_string (JsonObject *obj, const char *name)
{
  JsonNode *node = member (obj, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

gint64
kyso_pj_int (JsonObject *obj, const char *name, gint64 fallback)
{
  JsonNode *node = member (obj, name);
  GType type;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return fallback;
  type = json_node_get_value_type (node);
  if (type == G_TYPE_INT64)
    return json_node_get_int (node);
  if (type == G_TYPE_DOUBLE)
    {
      double d = json_node_get_double (node);
      return d >= -9.2e18 && d <= 9.2e18 ? (gint64)d : fallback;
    }
  if (type == G_TYPE_STRING)
    {
      const char *s = json_node_get_string (node);
      char *end = NULL;
      gint64 v;

      if (s == NULL || *s == '\0')
        return fallback;
      v = g_ascii_strtoll (s, &end, 10);
      return end != NULL && *end == '\0' ? v : fallback;
    }
  return fallback;
}

gboolean
kyso_pj_bool (JsonObject *obj, const char *name, gboolean fallback)
{
  JsonNode *node = member (obj, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return fallback;
  if (json_node_get_value_type (node) == G_TYPE_BOOLEAN)
    return json_node_get_boolean (node);
  if (json_node_get_value_type (node) == G_TYPE_INT64)
    return json_node_get_int (node) != 0;
  return fallback;
}

JsonObject *
kyso_pj_array_object (JsonArray *array, guint i)
{
  JsonNode *node;

  if (array == NULL || i >= json_array_get_length (array))
    return NULL;
  node = json_array_get_element (array, i);
  return JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

const char *
kyso_pj_name (JsonObject *obj, const char *name)
{
  const char *s = kyso_pj_string (obj, name);

  return s != NULL ? s : kyso_pj_string (kyso_pj_object (obj, name), "name");
}

GDateTime *
kyso_pj_datetime (JsonObject *obj, const char *name)
{
  const char *s = kyso_pj_string (obj, name);
  g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();

  if (s == NULL)
    return NULL;
  return g_date_time_new_from_iso8601 (s, utc);
}
