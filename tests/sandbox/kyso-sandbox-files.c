/* What the sandbox tells its users: DIR/sandbox.json (the test fixture, secrets included) and
 * DIR/kyso.conf (what Kyso itself reads; no secrets). */

#include "kyso-sandbox-private.h"
#include "kyso-sandbox-pki.h"

void
kyso_sandbox_set_url (KysoSandbox *self, const char *name, const char *url)
{
  json_object_set_string_member (self->urls, name, url);
}

void
kyso_sandbox_set_config (KysoSandbox *self, const char *group, const char *key, const char *value)
{
  g_key_file_set_string (self->conf, group, key, value);
}

void
kyso_sandbox_set_info_member (KysoSandbox *self, const char *name, JsonNode *value)
{
  json_object_set_member (self->extra, name, value);
}

static void
add_string (JsonBuilder *b, const char *name, const char *value)
{
  json_builder_set_member_name (b, name);
  if (value != NULL)
    json_builder_add_string_value (b, value);
  else
    json_builder_add_null_value (b);
}

static void
add_citizens (KysoSandbox *self, JsonBuilder *b)
{
  json_builder_set_member_name (b, "citizens");
  json_builder_begin_array (b);
  for (guint i = 0; i < self->citizens->len; i++)
    {
      KysoSandboxCitizen *c = g_ptr_array_index (self->citizens, i);
      g_autofree char *serial = kyso_sandbox_pki_serial_hex (c->cert);
      g_autofree char *cert_file = kyso_sandbox_state_path (self, "citizens", c->cccd, ".pem");
      g_autofree char *key_file = kyso_sandbox_state_path (self, "citizens", c->cccd, ".key");

      json_builder_begin_object (b);
      add_string (b, "name", c->name);
      add_string (b, "cccd", c->cccd);
      add_string (b, "provider", c->provider);
      add_string (b, "provider_id", c->provider_id);
      add_string (b, "email", c->email);
      add_string (b, "phone", c->phone);
      add_string (b, "username", c->username);
      add_string (b, "password", c->password);
      add_string (b, "status", kyso_sandbox_citizen_status_to_string (c->status));
      add_string (b, "credential_id", c->credential_id);
      add_string (b, "serial_number", serial);
      add_string (b, "cert_file", cert_file);
      add_string (b, "key_file", key_file);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
}

static gboolean
write_info (KysoSandbox *self, GError **error)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (JsonNode) root = NULL;
  g_autoptr (JsonNode) urls = json_node_new (JSON_NODE_OBJECT);
  g_autoptr (GList) extra = json_object_get_members (self->extra);
  g_autofree char *text = NULL;
  g_autofree char *path = g_build_filename (self->state_dir, "sandbox.json", NULL);

  json_node_set_object (urls, self->urls);
  json_builder_begin_object (b);
  add_string (b, "base_url", self->base_url);
  add_string (b, "http_base_url", self->http_base_url);
  add_string (b, "ca_file", self->root_file);
  add_string (b, "state_dir", self->state_dir);
  json_builder_set_member_name (b, "pid");
  json_builder_add_int_value (b, getpid ());
  json_builder_set_member_name (b, "urls");
  json_builder_add_value (b, g_steal_pointer (&urls));
  add_string (b, "sp_id", self->sp_id);
  add_string (b, "sp_password", self->sp_password);
  json_builder_set_member_name (b, "expiry_seconds");
  json_builder_add_int_value (b, self->expiry_seconds);
  json_builder_set_member_name (b, "providers");
  json_builder_begin_array (b);
  for (guint i = 1; i < self->providers->len; i++)
    {
      KysoSandboxProvider *p = g_ptr_array_index (self->providers, i);
      g_autofree char *ca_file = kyso_sandbox_state_path (self, "ca", p->id, ".pem");
      json_builder_begin_object (b);
      add_string (b, "name", p->name);
      add_string (b, "id", p->id);
      add_string (b, "ca_file", ca_file);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  add_citizens (self, b);
  for (GList *l = extra; l != NULL; l = l->next)
    {
      json_builder_set_member_name (b, l->data);
      json_builder_add_value (b, json_node_copy (json_object_get_member (self->extra, l->data)));
    }
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  text = json_to_string (root, TRUE);
  /* 0600: it holds the test passwords. */
  return g_file_set_contents_full (path, text, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0600, error);
}

gboolean
kyso_sandbox_write_files (KysoSandbox *self, GError **error)
{
  g_autofree char *conf_path = g_build_filename (self->state_dir, "kyso.conf", NULL);
  g_autofree char *conf_text = NULL;
  gsize conf_len = 0;

  if (!write_info (self, error))
    return FALSE;
  conf_text = g_key_file_to_data (self->conf, &conf_len, NULL);
  return g_file_set_contents_full (conf_path, conf_text, conf_len, G_FILE_SET_CONTENTS_CONSISTENT, 0644,
                                   error);
}
