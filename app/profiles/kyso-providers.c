/* The provider list, read from the compiled-in providers.json resource. */
#include "config.h"

#include "kyso-providers.h"
#include "kyso-data-resources.h"

#include <gio/gio.h>
#include <json-glib/json-glib.h>

static GArray *providers; /* of KysoProvider; never freed: the process keeps the list */

static gboolean
provider_from_json (JsonObject *obj, KysoProvider *out)
{
  const char *id = json_object_get_string_member_with_default (obj, "id", NULL);
  const char *name = json_object_get_string_member_with_default (obj, "name", NULL);
  const char *app = json_object_get_string_member_with_default (obj, "app", NULL);
  const char *service = json_object_get_string_member_with_default (obj, "service", "sp769");

  if (id == NULL || *id == '\0' || name == NULL || *name == '\0')
    return FALSE;
  /* Interned: the strings stay reachable for the whole process, like the array. */
  out->id = g_intern_string (id);
  out->name = g_intern_string (name);
  out->app_name = (app != NULL && *app != '\0') ? g_intern_string (app) : NULL;
  out->service = g_intern_string (service != NULL && *service != '\0' ? service : "sp769");
  return TRUE;
}

static GArray *
load_providers (void)
{
  g_autoptr(GArray) list = g_array_new (FALSE, TRUE, sizeof (KysoProvider));
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonNode *root;
  JsonArray *array;

  bytes = g_resource_lookup_data (kyso_data_get_resource (), "/vn/kyso/Kyso/data/providers.json",
                                  G_RESOURCE_LOOKUP_FLAGS_NONE, &error);
  /* The file is part of the build; a broken one is a packaging bug, not a user error. */
  if (bytes == NULL
      || !json_parser_load_from_data (parser, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                                      &error))
    g_error ("providers.json is missing or broken: %s", error->message);

  root = json_parser_get_root (parser);
  if (!JSON_NODE_HOLDS_OBJECT (root)
      || (array = json_object_get_array_member (json_node_get_object (root), "providers")) == NULL)
    g_error ("providers.json has no \"providers\" array");

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);
      KysoProvider p = { 0 };

      if (!JSON_NODE_HOLDS_OBJECT (node) || !provider_from_json (json_node_get_object (node), &p))
        g_error ("providers.json: entry %u needs an \"id\" and a \"name\"", i);
      g_array_append_val (list, p);
    }
  return g_steal_pointer (&list);
}

static void
ensure_loaded (void)
{
  if (g_once_init_enter (&providers))
    g_once_init_leave (&providers, load_providers ());
}

guint
kyso_providers_get_n (void)
{
  ensure_loaded ();
  return providers->len;
}

const KysoProvider *
kyso_providers_get_nth (guint position)
{
  ensure_loaded ();
  g_return_val_if_fail (position < providers->len, NULL);
  return &g_array_index (providers, KysoProvider, position);
}

const KysoProvider *
kyso_providers_lookup (const char *id)
{
  ensure_loaded ();
  if (id == NULL)
    return NULL;
  for (guint i = 0; i < providers->len; i++)
    if (g_strcmp0 (g_array_index (providers, KysoProvider, i).id, id) == 0)
      return &g_array_index (providers, KysoProvider, i);
  return NULL;
}

const KysoProvider *
kyso_providers_find (const char *id_or_name)
{
  const KysoProvider *p = kyso_providers_lookup (id_or_name);

  for (guint i = 0; p == NULL && id_or_name != NULL && i < providers->len; i++)
    if (g_ascii_strcasecmp (g_array_index (providers, KysoProvider, i).name, id_or_name) == 0)
      p = &g_array_index (providers, KysoProvider, i);
  return p;
}
