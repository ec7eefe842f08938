#include "config.h"

#include "kyso-login-userinfo.h"
#include "kyso-error.h"
#include "kyso-http.h"
#include "kyso-igate-portal.h"

#include <glib/gi18n-lib.h>
#include <string.h>

typedef struct
{
  KysoOidcClient *oidc;
  char *ca_file;
} Fetch;

static void
fetch_free (gpointer data)
{
  Fetch *fetch = data;

  g_clear_object (&fetch->oidc);
  g_free (fetch->ca_file);
  g_free (fetch);
}

char *
kyso_login_userinfo_national_id (const char *id)
{
  g_autofree char *copy = g_strstrip (g_strdup (id != NULL ? id : ""));
  gsize len = strlen (copy);

  if (len != 9 && len != 12)
    return NULL;
  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isdigit (copy[i]))
      return NULL;
  return g_steal_pointer (&copy);
}

static const char *
member_string (JsonObject *obj, const char *name)
{
  JsonNode *node = obj != NULL ? json_object_get_member (obj, name) : NULL;

  return node != NULL && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING
           ? json_node_get_string (node)
           : NULL;
}

static JsonNode *
get_json (const char *url, const char *token, const char *ca_file, GCancellable *cancellable, GError **error)
{
  KysoHttpOptions options
    = { .ca_file = ca_file, .timeout_seconds = 30, .max_body_bytes = 256 * 1024, .bearer_token = token };
  const char *headers[] = { "Accept: application/json", NULL };
  g_autoptr(KysoHttpResponse) response
             = kyso_http_request ("GET", url, headers, NULL, NULL, &options, cancellable, error);

  if (response == NULL)
    return NULL;
  if (response->status == 401 || response->status == 403)
    {
      g_set_error (error, KYSO_ERROR, KYSO_ERROR_AUTH, _("The portal ended your session. Log in again."));
      return NULL;
    }
  if (response->status != 200)
    {
      g_set_error (error, KYSO_ERROR, KYSO_ERROR_SERVER,
                   _("The portal could not give your account details (HTTP %u). Try again later."),
                      response->status);
      return NULL;
    }
  return kyso_json_parse_bytes (response->body, error);
}

/* OpenID Connect's standard claims, plus the ID-number claims Vietnamese providers use. */
static KysoApplicant *
applicant_from_claims (JsonObject *claims)
{
  KysoApplicant *applicant = kyso_applicant_new ();
  static const char *const id_claims[]
    = { "cccd", "id_number", "identity_number", "so_dinh_danh", "preferred_username", NULL };
  const char *gender = member_string (claims, "gender");
  JsonNode *address = json_object_get_member (claims, "address");

  applicant->full_name = g_strdup (member_string (claims, "name"));
  for (gsize i = 0; id_claims[i] != NULL && applicant->id_number == NULL; i++)
    applicant->id_number = kyso_login_userinfo_national_id (member_string (claims, id_claims[i]));
  applicant->phone = g_strdup (member_string (claims, "phone_number"));
  if (applicant->phone != NULL && g_str_has_prefix (applicant->phone, "+84"))
    {
      /* The portals' forms take the national form 0xxxxxxxxx. */
      char *national = g_strconcat ("0", applicant->phone + 3, NULL);
      g_free (applicant->phone);
      applicant->phone = national;
    }
  applicant->email = g_strdup (member_string (claims, "email"));
  applicant->birth_date = g_strdup (member_string (claims, "birthdate"));
  if (g_strcmp0 (gender, "male") == 0)
    applicant->gender = KYSO_GENDER_MALE;
  else if (g_strcmp0 (gender, "female") == 0)
    applicant->gender = KYSO_GENDER_FEMALE;
  if (address != NULL && JSON_NODE_HOLDS_OBJECT (address))
    {
      JsonObject *a = json_node_get_object (address);
      applicant->address = g_strdup (member_string (a, "street_address"));
      applicant->province = g_strdup (member_string (a, "region"));
      applicant->district = g_strdup (member_string (a, "locality"));
    }
  return applicant;
}

static void
fetch_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  Fetch *fetch = data;
  g_autoptr(GError) error = NULL;
  g_autofree char *discovery_url = NULL;
  g_autofree char *token = NULL;
  g_autoptr(JsonNode) discovery = NULL;
  g_autoptr(JsonNode) claims = NULL;
  const char *endpoint;

  token = kyso_oidc_client_dup_access_token (fetch->oidc, 30, cancellable, &error);
  if (token == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  discovery_url
    = g_strconcat (kyso_oidc_client_get_issuer (fetch->oidc), "/.well-known/openid-configuration", NULL);
  discovery = get_json (discovery_url, NULL, fetch->ca_file, cancellable, &error);
  if (discovery == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  endpoint = JSON_NODE_HOLDS_OBJECT (discovery)
               ? member_string (json_node_get_object (discovery), "userinfo_endpoint")
               : NULL;
  if (endpoint == NULL || !g_str_has_prefix (endpoint, "https://"))
    {
      g_task_return_new_error (task, KYSO_ERROR, KYSO_ERROR_UNSUPPORTED,
                               _("This portal does not give account details; fill in the form yourself."));
      return;
    }
  claims = get_json (endpoint, token, fetch->ca_file, cancellable, &error);
  if (claims != NULL && !JSON_NODE_HOLDS_OBJECT (claims))
    g_set_error (&error, KYSO_ERROR, KYSO_ERROR_SERVER,
                 _("The portal sent account details Kyso cannot read."));
  if (error != NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_return_pointer (task, applicant_from_claims (json_node_get_object (claims)),
                         (GDestroyNotify)kyso_applicant_free);
}

void
kyso_login_userinfo_fetch_async (KysoPortal *portal, KysoConfig *config, GCancellable *cancellable,
                                 GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(GTask) task = g_task_new (portal, cancellable, callback, user_data);
  Fetch *fetch;

  g_return_if_fail (KYSO_IS_PORTAL (portal));
  g_task_set_source_tag (task, kyso_login_userinfo_fetch_async);

  if (!KYSO_IS_IGATE_PORTAL (portal))
    {
      g_task_return_new_error (task, KYSO_ERROR, KYSO_ERROR_UNSUPPORTED,
                               _("This portal does not give account details; fill in the form yourself."));
      return;
    }
  if (!kyso_portal_is_logged_in (portal))
    {
      g_task_return_new_error (task, KYSO_ERROR, KYSO_ERROR_AUTH, _("Log in to the portal first."));
      return;
    }
  fetch = g_new0 (Fetch, 1);
  fetch->oidc = g_object_ref (kyso_igate_portal_get_oidc_client (KYSO_IGATE_PORTAL (portal)));
  fetch->ca_file = g_strdup (config != NULL ? kyso_config_get_path (config, "tls", "ca_file") : NULL);
  g_task_set_task_data (task, fetch, fetch_free);
  g_task_run_in_thread (task, fetch_thread);
}

KysoApplicant *
kyso_login_userinfo_fetch_finish (KysoPortal *portal, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, portal), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == kyso_login_userinfo_fetch_async, NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
