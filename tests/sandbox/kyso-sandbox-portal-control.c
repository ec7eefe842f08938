/* Test controls of the sandbox portal (BASE/control/portal/): automatic browser login, token
 * lifetime, the last SMS of a phone, dossier status changes, counters. README.md, "Portal". */

#include "kyso-sandbox-portal-private.h"

#include <string.h>

static void
control_state (Portal *portal, SoupServerMessage *msg)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (JsonNode) root = NULL;
  GHashTableIter iter;
  gpointer value;
  guint active = 0;

  g_hash_table_iter_init (&iter, portal->sessions);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    active += !((PortalSession *)value)->revoked;
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "files");
  json_builder_add_int_value (b, g_hash_table_size (portal->files));
  json_builder_set_member_name (b, "uploads_started");
  json_builder_add_int_value (b, portal->uploads_started);
  json_builder_set_member_name (b, "dossiers");
  json_builder_add_int_value (b, g_hash_table_size (portal->dossiers));
  json_builder_set_member_name (b, "sessions");
  json_builder_add_int_value (b, g_hash_table_size (portal->sessions));
  json_builder_set_member_name (b, "active_sessions");
  json_builder_add_int_value (b, active);
  json_builder_set_member_name (b, "auto_login");
  if (portal->auto_login != NULL)
    json_builder_add_string_value (b, portal->auto_login);
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "access_lifetime");
  json_builder_add_int_value (b, portal->access_lifetime);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  kyso_sandbox_reply_json (portal->sb, msg, 200, root);
}

static void
control_handler (SoupServer *server, SoupServerMessage *msg, const char *path, GHashTable *query,
                 gpointer data)
{
  Portal *portal = data;
  gboolean post = g_str_equal (soup_server_message_get_method (msg), "POST");
  g_autoptr (JsonNode) body = post ? kyso_sandbox_parse_request (msg, NULL) : NULL;
  JsonObject *obj = body != NULL && JSON_NODE_HOLDS_OBJECT (body) ? json_node_get_object (body) : NULL;

  if (g_str_equal (path, "/control/portal/state"))
    control_state (portal, msg);
  else if (g_str_equal (path, "/control/portal/auto-login") && post && obj != NULL)
    {
      JsonNode *u = json_object_get_member (obj, "username");
      const char *username = u != NULL && JSON_NODE_HOLDS_VALUE (u) ? json_node_get_string (u) : NULL;

      if (username != NULL && kyso_sandbox_find_citizen (portal->sb, username) == NULL)
        {
          kyso_sandbox_reply_error (portal->sb, msg, 400, "invalid_request", "Unknown citizen");
          return;
        }
      g_free (portal->auto_login);
      portal->auto_login = g_strdup (username);
      control_state (portal, msg);
    }
  else if (g_str_equal (path, "/control/portal/discovery") && post && obj != NULL
           && json_object_has_member (obj, "revocation_endpoint"))
    {
      portal->hide_revocation = !json_object_get_boolean_member (obj, "revocation_endpoint");
      control_state (portal, msg);
    }
  else if (g_str_equal (path, "/control/portal/token-lifetime") && post && obj != NULL
           && json_object_has_member (obj, "seconds"))
    {
      portal->access_lifetime = (guint)CLAMP (json_object_get_int_member (obj, "seconds"), 1, 86400);
      control_state (portal, msg);
    }
  else if (g_str_equal (path, "/control/portal/sms") && query != NULL
           && g_hash_table_lookup (query, "phone") != NULL)
    {
      JsonNode *sms = g_hash_table_lookup (portal->sms, g_hash_table_lookup (query, "phone"));
      if (sms == NULL)
        kyso_sandbox_reply_error (portal->sb, msg, 404, "not_found", "No message sent to that phone");
      else
        kyso_sandbox_reply_json (portal->sb, msg, 200, sms);
    }
  else if (g_str_has_prefix (path, "/control/portal/dossier/") && g_str_has_suffix (path, "/status") && post
           && obj != NULL && json_object_has_member (obj, "status"))
    {
      g_autofree char *code
        = g_strndup (path + strlen ("/control/portal/dossier/"),
                     strlen (path) - strlen ("/control/portal/dossier/") - strlen ("/status"));
      JsonNode *dossier = g_hash_table_lookup (portal->dossiers, code);
      JsonNode *note = json_object_get_member (obj, "note");

      if (dossier == NULL)
        {
          kyso_sandbox_reply_error (portal->sb, msg, 404, "not_found", "No such dossier");
          return;
        }
      portal_api_add_history (
        portal, json_node_get_object (dossier), json_object_get_string_member (obj, "status"),
        note != NULL && JSON_NODE_HOLDS_VALUE (note) ? json_node_get_string (note) : NULL);
      kyso_sandbox_reply_json (portal->sb, msg, 200, dossier);
    }
  else
    kyso_sandbox_reply_error (portal->sb, msg, 404, "not_found", "Unknown control endpoint");
}

void
portal_control_install (Portal *portal)
{
  kyso_sandbox_add_handler (portal->sb, "/control/portal", control_handler, portal);
}
