#include "config.h"

#include "kyso-igate-private.h"
#include "kyso-portal-relay.h"
#include "kyso-dossier-private.h"
#include "kyso-error.h"
#include "kyso-portal-json.h"

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <string.h>

static void
kyso_igate_portal_iface_init (KysoPortalInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (KysoIgatePortal, kyso_igate_portal, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (KYSO_TYPE_PORTAL, kyso_igate_portal_iface_init))

enum
{
  PROP_0,
  PROP_LOGGED_IN,
  PROP_USER_NAME,
  N_PROPS
};

/* ---- object ---- */

static void
kyso_igate_portal_finalize (GObject *object)
{
  KysoIgatePortal *self = KYSO_IGATE_PORTAL (object);

  kyso_oidc_client_set_state_func (self->oidc, NULL, NULL);
  g_clear_object (&self->oidc);
  kyso_province_free (self->province);
  g_free (self->ca_file);
  g_main_context_unref (self->context);
  g_hash_table_unref (self->unanswered);
  g_mutex_clear (&self->lock);
  G_OBJECT_CLASS (kyso_igate_portal_parent_class)->finalize (object);
}

static void
kyso_igate_portal_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  KysoIgatePortal *self = KYSO_IGATE_PORTAL (object);

  switch (prop_id)
    {
      case PROP_LOGGED_IN:
        g_value_set_boolean (value, kyso_oidc_client_is_logged_in (self->oidc));
        break;
      case PROP_USER_NAME:
        g_value_take_string (value, kyso_oidc_client_dup_user_name (self->oidc));
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kyso_igate_portal_class_init (KysoIgatePortalClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = kyso_igate_portal_finalize;
  object_class->get_property = kyso_igate_portal_get_property;
  g_object_class_override_property (object_class, PROP_LOGGED_IN, "logged-in");
  g_object_class_override_property (object_class, PROP_USER_NAME, "user-name");
}

static void
kyso_igate_portal_init (KysoIgatePortal *self)
{
  g_mutex_init (&self->lock);
  self->unanswered = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

static gboolean
notify_state (gpointer data)
{
  GObject *object = data;

  g_object_notify (object, "logged-in");
  g_object_notify (object, "user-name");
  return G_SOURCE_REMOVE;
}

/* From the OpenID client, on whatever thread changed the session. */
static void
on_session_changed (gpointer data)
{
  KysoIgatePortal *self = data;

  kyso_portal_schedule (self->context, notify_state, g_object_ref (self), g_object_unref);
}

KysoIgatePortal *
kyso_igate_portal_new (const KysoProvince *province, const char *ca_file)
{
  KysoIgatePortal *self;
  g_autofree char *label = NULL;

  g_return_val_if_fail (province != NULL && province->issuer != NULL && province->api != NULL, NULL);

  self = g_object_new (KYSO_TYPE_IGATE_PORTAL, NULL);
  self->province = kyso_province_copy (province);
  self->ca_file = g_strdup (ca_file);
  self->context = g_main_context_ref_thread_default ();
  /* Without a registration of its own, the login says so (login_browser_thread). */
  self->oidc
    = kyso_oidc_client_new (province->issuer, province->client_id ? province->client_id : "", ca_file);
  kyso_oidc_client_set_redirect (self->oidc, province->redirect);
  /* Translators: the label of the Secret Service item holding the session; %s is a province */
  label = g_strdup_printf (_ ("Kyso: public-service portal of %s"), province->name ? province->name : "");
  kyso_oidc_client_set_label (self->oidc, label);
  kyso_oidc_client_set_state_func (self->oidc, G_CALLBACK (on_session_changed), self);
  return self;
}

KysoOidcClient *
kyso_igate_portal_get_oidc_client (KysoIgatePortal *self)
{
  g_return_val_if_fail (KYSO_IS_IGATE_PORTAL (self), NULL);
  return self->oidc;
}

static const char *
get_display_name (KysoPortal *portal)
{
  return KYSO_IGATE_PORTAL (portal)->province->name;
}

static gboolean
is_logged_in (KysoPortal *portal)
{
  return kyso_oidc_client_is_logged_in (KYSO_IGATE_PORTAL (portal)->oidc);
}

static char *
dup_user_name (KysoPortal *portal)
{
  return kyso_oidc_client_dup_user_name (KYSO_IGATE_PORTAL (portal)->oidc);
}

/* ---- one struct for every call's data ---- */

typedef struct
{
  char *a; /* id, code, search text, username … */
  char *b; /* password */
  char *c; /* otp, idempotency key */
  char *hint;
  KysoOpenUriFunc open_uri;
  gpointer open_uri_data;
  KysoProcedureComponent *component;
  KysoDossier *dossier;
  KysoProcedure *procedure;
  KysoPortalRelay *relay;
  KysoPlaceLevel level;
  KysoPortalProgress progress; /* the worker's running totals */
  guint64 done_bytes;
} Call;

static void
wipe (char *s)
{
  if (s != NULL)
    memset (s, 0, strlen (s));
  g_free (s);
}

static void
call_free (Call *call)
{
  g_free (call->a);
  wipe (call->b);
  wipe (call->c);
  g_free (call->hint);
  g_clear_object (&call->component);
  g_clear_object (&call->dossier);
  g_clear_object (&call->procedure);
  if (call->relay != NULL)
    {
      kyso_portal_relay_close (call->relay);
      kyso_portal_relay_unref (call->relay);
    }
  g_free (call);
}

static GTask *
start (KysoPortal *portal, gpointer tag, Call *call, GCancellable *cancellable, GAsyncReadyCallback callback,
       gpointer user_data)
{
  GTask *task = g_task_new (portal, cancellable, callback, user_data);

  g_task_set_source_tag (task, tag);
  g_task_set_task_data (task, call, (GDestroyNotify)call_free);
  /* Token refreshes must not be cut short by a closing window: they would lose the session. */
  g_task_set_return_on_cancel (task, FALSE);
  return task;
}

static gboolean
check_result (KysoPortal *portal, GAsyncResult *result, gpointer tag)
{
  g_return_val_if_fail (g_task_is_valid (result, portal), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == tag, FALSE);
  return TRUE;
}

static void
return_boolean_or_error (GTask *task, gboolean ok, GError *error)
{
  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, ok);
}

/* ---- login, session ---- */

static void
login_browser_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  KysoIgatePortal *self = source;
  Call *call = data;
  GError *error = NULL;
  gboolean ok;

  if (self->province->client_id == NULL || *self->province->client_id == '\0')
    {
      g_task_return_new_error (task, KYSO_ERROR, KYSO_ERROR_UNSUPPORTED,
                               _ ("The portal of %s has not registered Kyso for logging in yet. When it has, "
                                  "set its client_id in the [portal] group of kyso.conf."),
                                  self->province->name);
      return;
    }
  ok = kyso_oidc_client_login_browser (self->oidc, call->open_uri, call->open_uri_data,
                                       g_task_get_context (task), 0, cancellable, &error);
  return_boolean_or_error (task, ok, error);
}

static void
login_browser_async (KysoPortal *portal, KysoOpenUriFunc open_uri, gpointer open_uri_data,
                     GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  Call *call = g_new0 (Call, 1);
  g_autoptr (GTask) task = NULL;

  call->open_uri = open_uri;
  call->open_uri_data = open_uri_data;
  task = start (portal, login_browser_async, call, cancellable, callback, user_data);
  g_task_run_in_thread (task, login_browser_thread);
}

static gboolean
login_browser_finish (KysoPortal *portal, GAsyncResult *result, GError **error)
{
  if (!check_result (portal, result, login_browser_async))
    return FALSE;
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
login_password_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  KysoIgatePortal *self = source;
  Call *call = data;
  GError *error = NULL;
  int step;

  step = kyso_oidc_client_login_password (self->oidc, call->a, call->b, call->c, &call->hint, cancellable,
                                          &error);
  if (step < 0)
    g_task_return_error (task, error);
  else
    g_task_return_int (task, step);
}

static void
login_password_async (KysoPortal *portal, const char *username, const char *password, const char *otp,
                      GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  Call *call = g_new0 (Call, 1);
  g_autoptr (GTask) task = NULL;

  call->a = g_strdup (username);
  call->b = g_strdup (password);
  call->c = g_strdup (otp);
  task = start (portal, login_password_async, call, cancellable, callback, user_data);
  g_task_run_in_thread (task, login_password_thread);
}

static KysoLoginStep
login_password_finish (KysoPortal *portal, GAsyncResult *result, char **out_hint, GError **error)
{
  Call *call;
  gssize step;

  if (!check_result (portal, result, login_password_async))
    return KYSO_LOGIN_FAILED;
  call = g_task_get_task_data (G_TASK (result));
  step = g_task_propagate_int (G_TASK (result), error);
  if (step >= 0 && out_hint != NULL)
    *out_hint = g_steal_pointer (&call->hint);
  return (KysoLoginStep)step;
}

static void
restore_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  GError *error = NULL;
  gboolean ok = kyso_oidc_client_restore (KYSO_IGATE_PORTAL (source)->oidc, cancellable, &error);

  return_boolean_or_error (task, ok, error);
}

static void
restore_session_async (KysoPortal *portal, GCancellable *cancellable, GAsyncReadyCallback callback,
                       gpointer user_data)
{
  g_autoptr (GTask) task
             = start (portal, restore_session_async, g_new0 (Call, 1), cancellable, callback, user_data);

  g_task_run_in_thread (task, restore_thread);
}

static gboolean
restore_session_finish (KysoPortal *portal, GAsyncResult *result, GError **error)
{
  if (!check_result (portal, result, restore_session_async))
    return FALSE;
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
logout_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  GError *error = NULL;
  gboolean ok = kyso_oidc_client_logout (KYSO_IGATE_PORTAL (source)->oidc, cancellable, &error);

  return_boolean_or_error (task, ok, error);
}

static void
logout_async (KysoPortal *portal, GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr (GTask) task = start (portal, logout_async, g_new0 (Call, 1), cancellable, callback, user_data);

  g_task_run_in_thread (task, logout_thread);
}

static gboolean
logout_finish (KysoPortal *portal, GAsyncResult *result, GError **error)
{
  if (!check_result (portal, result, logout_async))
    return FALSE;
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- procedures ---- */

#define PAGE_SIZE 100
#define MAX_PAGES 50

static void
list_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  KysoIgatePortal *self = source;
  Call *call = data;
  g_autoptr (GPtrArray) list = g_ptr_array_new_with_free_func (g_object_unref);
  g_autofree char *keyword = g_uri_escape_string (call->a ? call->a : "", NULL, FALSE);

  for (guint page = 0; page < MAX_PAGES; page++)
    {
      g_autofree char *path = g_strdup_printf (
        "bd/procedure/--can-apply?keyword=%s&spec=page&page=%u&size=%u", keyword, page, PAGE_SIZE);
      GError *error = NULL;
      g_autoptr (JsonNode) answer = kyso_igate_api_call (self, "GET", path, NULL, NULL, cancellable, &error);
      JsonObject *obj;
      JsonArray *content;
      guint n;

      if (answer == NULL)
        {
          g_task_return_error (task, error);
          return;
        }
      obj = JSON_NODE_HOLDS_OBJECT (answer) ? json_node_get_object (answer) : NULL;
      content = kyso_pj_array (obj, "content");
      if (content == NULL)
        {
          g_task_return_new_error (task, KYSO_ERROR, KYSO_ERROR_SERVER,
                                   _ ("The portal sent a list of procedures Kyso cannot read."));
          return;
        }
      n = json_array_get_length (content);
      for (guint i = 0; i < n; i++)
        {
          KysoProcedure *p = kyso_igate_parse_procedure (kyso_pj_array_object (content, i));
          if (p != NULL)
            g_ptr_array_add (list, p);
        }
      if (n < PAGE_SIZE || page + 1 >= (guint)kyso_pj_int (obj, "totalPages", 1))
        break;
    }
  g_task_return_pointer (task, g_steal_pointer (&list), (GDestroyNotify)g_ptr_array_unref);
}

static void
list_procedures_async (KysoPortal *portal, const char *search, GCancellable *cancellable,
                       GAsyncReadyCallback callback, gpointer user_data)
{
  Call *call = g_new0 (Call, 1);
  g_autoptr (GTask) task = NULL;

  call->a = g_strdup (search);
  task = start (portal, list_procedures_async, call, cancellable, callback, user_data);
  g_task_run_in_thread (task, list_thread);
}

static GPtrArray *
list_procedures_finish (KysoPortal *portal, GAsyncResult *result, GError **error)
{
  if (!check_result (portal, result, list_procedures_async))
    return NULL;
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* GET @path → the list's items (an array or a page's content), or NULL with @error. */
static JsonNode *
get_list (KysoIgatePortal *self, const char *path, JsonArray **out_items, GCancellable *cancellable,
          GError **error)
{
  JsonNode *answer = kyso_igate_api_call (self, "GET", path, NULL, NULL, cancellable, error);

  if (answer == NULL)
    return NULL;
  *out_items = kyso_igate_list_items (answer);
  if (*out_items == NULL)
    {
      g_set_error_literal (error, KYSO_ERROR, KYSO_ERROR_SERVER,
                           _ ("The portal sent a list Kyso cannot read."));
      json_node_unref (answer);
      return NULL;
    }
  return answer;
}

/* bd/procedure/{id}, then its components (bd/procedure-form), fees (bd/procost/--for-online) and
 * process with its e-forms (bd/procedure-process-definition). */
static KysoProcedure *
fetch_procedure (KysoIgatePortal *self, const char *id, GCancellable *cancellable, GError **error)
{
  g_autofree char *escaped = g_uri_escape_string (id, NULL, FALSE);
  g_autofree char *path = g_strconcat ("bd/procedure/", escaped, NULL);
  g_autofree char *forms_path = g_strdup_printf (
    "bd/procedure-form/?page=0&size=50&spec=page&procedure-id=%s&default-online=1", escaped);
  g_autofree char *fees_path = g_strdup_printf ("bd/procost/--for-online?procedure-id=%s", escaped);
  g_autofree char *process_path = g_strdup_printf (
    "bd/procedure-process-definition/?spec=page&page=0&size=1000&status=1&procedure-id=%s", escaped);
  g_autoptr (JsonNode) answer = kyso_igate_api_call (self, "GET", path, NULL, NULL, cancellable, error);
  g_autoptr (JsonNode) forms_answer = NULL;
  g_autoptr (JsonNode) fees_answer = NULL;
  g_autoptr (JsonNode) process_answer = NULL;
  g_autoptr (KysoProcedure) p = NULL;
  JsonArray *forms = NULL, *fees = NULL, *processes = NULL;

  if (answer == NULL)
    return NULL;
  p = JSON_NODE_HOLDS_OBJECT (answer) ? kyso_igate_parse_procedure (json_node_get_object (answer)) : NULL;
  if (p == NULL)
    {
      g_set_error_literal (error, KYSO_ERROR, KYSO_ERROR_SERVER,
                           _ ("The portal sent a procedure Kyso cannot read."));
      return NULL;
    }
  forms_answer = get_list (self, forms_path, &forms, cancellable, error);
  if (forms_answer == NULL)
    return NULL;
  fees_answer = get_list (self, fees_path, &fees, cancellable, error);
  if (fees_answer == NULL)
    return NULL;
  process_answer = get_list (self, process_path, &processes, cancellable, error);
  if (process_answer == NULL)
    return NULL;
  if (!kyso_igate_add_details (p, forms, fees, kyso_pj_array_object (processes, 0)))
    {
      g_set_error (error, KYSO_ERROR, KYSO_ERROR_UNSUPPORTED,
                   _ ("The portal does not take applications for “%s” online at the moment."),
                      kyso_procedure_get_name (p));
      return NULL;
    }
  return g_steal_pointer (&p);
}

static void
get_procedure_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  Call *call = data;
  GError *error = NULL;
  KysoProcedure *p = fetch_procedure (KYSO_IGATE_PORTAL (source), call->a, cancellable, &error);

  if (p != NULL)
    g_task_return_pointer (task, p, g_object_unref);
  else
    g_task_return_error (task, error);
}

static void
get_procedure_async (KysoPortal *portal, const char *id, GCancellable *cancellable,
                     GAsyncReadyCallback callback, gpointer user_data)
{
  Call *call = g_new0 (Call, 1);
  g_autoptr (GTask) task = NULL;

  call->a = g_strdup (id);
  task = start (portal, get_procedure_async, call, cancellable, callback, user_data);
  g_task_run_in_thread (task, get_procedure_thread);
}

static KysoProcedure *
get_procedure_finish (KysoPortal *portal, GAsyncResult *result, GError **error)
{
  if (!check_result (portal, result, get_procedure_async))
    return NULL;
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- places ---- */

/* A member of the province's "igate" data (provinces.json). */
static JsonObject *
igate_data (KysoIgatePortal *self, const char *member)
{
  JsonObject *data = self->province->igate != NULL && JSON_NODE_HOLDS_OBJECT (self->province->igate)
                       ? json_node_get_object (self->province->igate)
                       : NULL;

  return kyso_pj_object (data, member);
}

static GPtrArray *
list_places (KysoIgatePortal *self, KysoPlaceLevel level, const char *parent_id, GCancellable *cancellable,
             GError **error)
{
  static const char *const type_members[] = { "province", "district", "ward" };
  g_autoptr (GPtrArray) places = g_ptr_array_new_with_free_func ((GDestroyNotify)kyso_place_free);
  g_autoptr (JsonNode) answer = NULL;
  g_autofree char *path = NULL;
  g_autofree char *nation = NULL;
  g_autofree char *type = NULL;
  JsonArray *items = NULL;

  if (level == KYSO_PLACE_IDENTITY_AGENCY)
    {
      /* No public call lists them: the province's data does. */
      JsonArray *agencies = kyso_pj_array (json_node_get_object (self->province->igate), "identity_agencies");
      for (guint i = 0; agencies != NULL && i < json_array_get_length (agencies); i++)
        {
          g_autofree char *id = NULL, *name = NULL;
          if (kyso_igate_parse_place (kyso_pj_array_object (agencies, i), &id, &name))
            g_ptr_array_add (places, kyso_place_new (id, name));
        }
      return g_steal_pointer (&places);
    }
  nation = g_uri_escape_string (kyso_pj_string (igate_data (self, "nation"), "id") ?: "", NULL, FALSE);
  type = g_uri_escape_string (kyso_pj_string (igate_data (self, "place_types"), type_members[level]) ?: "",
                              NULL, FALSE);
  if (parent_id != NULL)
    {
      g_autofree char *parent = g_uri_escape_string (parent_id, NULL, FALSE);
      path = g_strdup_printf ("ba/place/--search?nation-id=%s&parent-type-id=%s&parent-id=%s", nation, type,
                              parent);
    }
  else
    path = g_strdup_printf ("ba/place/--search?nation-id=%s&parent-type-id=%s", nation, type);
  answer = get_list (self, path, &items, cancellable, error);
  if (answer == NULL)
    return NULL;
  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      g_autofree char *id = NULL, *name = NULL;
      if (kyso_igate_parse_place (kyso_pj_array_object (items, i), &id, &name))
        g_ptr_array_add (places, kyso_place_new (id, name));
    }
  return g_steal_pointer (&places);
}

static void
places_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  Call *call = data;
  GError *error = NULL;
  GPtrArray *places = list_places (KYSO_IGATE_PORTAL (source), call->level, call->a, cancellable, &error);

  if (places != NULL)
    g_task_return_pointer (task, places, (GDestroyNotify)g_ptr_array_unref);
  else
    g_task_return_error (task, error);
}

static void
list_places_async (KysoPortal *portal, KysoPlaceLevel level, const char *parent_id, GCancellable *cancellable,
                   GAsyncReadyCallback callback, gpointer user_data)
{
  Call *call = g_new0 (Call, 1);
  g_autoptr (GTask) task = NULL;

  call->a = g_strdup (parent_id);
  call->level = level;
  task = start (portal, list_places_async, call, cancellable, callback, user_data);
  g_task_run_in_thread (task, places_thread);
}

static GPtrArray *
list_places_finish (KysoPortal *portal, GAsyncResult *result, GError **error)
{
  if (!check_result (portal, result, list_places_async))
    return NULL;
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- files ---- */

static void
on_upload_progress (guint64 sent, guint64 total, gboolean retrying, gpointer data)
{
  Call *call = data;

  call->progress.stage = retrying && sent == 0 ? KYSO_PORTAL_STAGE_RETRYING : KYSO_PORTAL_STAGE_UPLOADING;
  call->progress.file_sent = sent;
  call->progress.file_size = total;
  call->progress.total_sent = call->done_bytes + sent;
  kyso_portal_relay_post (call->relay, &call->progress);
}

static void
upload_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  Call *call = data;
  g_autofree char *name = g_path_get_basename (call->a);
  GError *error = NULL;
  KysoPortalFile *file;
  GStatBuf st;

  call->progress.file_name = name;
  call->progress.n_files = 1;
  call->progress.total_size = g_stat (call->a, &st) == 0 ? (guint64)st.st_size : 0;
  file = kyso_igate_api_upload (KYSO_IGATE_PORTAL (source), call->component, call->a, call->c, NULL,
                                on_upload_progress, call, cancellable, &error);
  call->progress.file_name = NULL;
  if (file == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  file->component = g_strdup (kyso_procedure_component_get_key (call->component));
  g_task_return_pointer (task, file, (GDestroyNotify)kyso_portal_file_free);
}

static void
upload_file_async (KysoPortal *portal, KysoProcedureComponent *component, const char *path,
                   const char *idempotency_key, KysoPortalProgressFunc progress, gpointer progress_data,
                   GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  Call *call = g_new0 (Call, 1);
  g_autoptr (GTask) task = NULL;

  call->a = g_strdup (path);
  call->c = g_strdup (idempotency_key);
  call->component = g_object_ref (component);
  call->relay = kyso_portal_relay_new (progress, progress_data);
  task = start (portal, upload_file_async, call, cancellable, callback, user_data);
  g_task_run_in_thread (task, upload_thread);
}

static KysoPortalFile *
upload_file_finish (KysoPortal *portal, GAsyncResult *result, GError **error)
{
  if (!check_result (portal, result, upload_file_async))
    return NULL;
  kyso_portal_relay_close (((Call *)g_task_get_task_data (G_TASK (result)))->relay);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
delete_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  Call *call = data;
  g_autofree char *escaped = g_uri_escape_string (call->a, NULL, FALSE);
  g_autofree char *path = g_strconcat ("fi/file/", escaped, NULL);
  GError *error = NULL;
  g_autoptr (JsonNode) answer = kyso_igate_api_call (KYSO_IGATE_PORTAL (source), "DELETE", path, NULL, NULL,
                                                     cancellable, &error);

  return_boolean_or_error (task, answer != NULL, error);
}

static void
delete_file_async (KysoPortal *portal, const char *file_id, GCancellable *cancellable,
                   GAsyncReadyCallback callback, gpointer user_data)
{
  Call *call = g_new0 (Call, 1);
  g_autoptr (GTask) task = NULL;

  call->a = g_strdup (file_id);
  task = start (portal, delete_file_async, call, cancellable, callback, user_data);
  g_task_run_in_thread (task, delete_thread);
}

static gboolean
delete_file_finish (KysoPortal *portal, GAsyncResult *result, GError **error)
{
  if (!check_result (portal, result, delete_file_async))
    return FALSE;
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- submission ---- */

/* Folded for comparing names people type with the portal's: case, accents and "đ" aside. */
static char *
fold (const char *text)
{
  g_autofree char *nfd = g_utf8_normalize (text != NULL ? text : "", -1, G_NORMALIZE_NFD);
  g_autoptr (GString) out = g_string_new (NULL);

  for (const char *p = nfd; p != NULL && *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      if (g_unichar_combining_class (c) != 0)
        continue;
      if (c == 0x0111 || c == 0x0110)
        c = 'd';
      g_string_append_unichar (out, g_unichar_tolower (c));
    }
  return g_strstrip (g_string_free (g_steal_pointer (&out), FALSE));
}

/* The portal's place for a name the applicant typed ("Quảng Ngãi" for "Tỉnh Quảng Ngãi"), by
 * exact folded name, else by the one name ending with it. */
static gboolean
resolve_place (KysoIgatePortal *self, KysoPlaceLevel level, const char *parent_id, const char *typed,
               char **id, char **name, GCancellable *cancellable, GError **error)
{
  g_autoptr (GPtrArray) places = NULL;
  g_autofree char *want = fold (typed);
  KysoPlace *found = NULL;
  guint suffix_matches = 0;

  if (*id != NULL)
    return TRUE;
  places = list_places (self, level, parent_id, cancellable, error);
  if (places == NULL)
    return FALSE;
  for (guint i = 0; i < places->len && *want != '\0'; i++)
    {
      KysoPlace *p = g_ptr_array_index (places, i);
      g_autofree char *have = fold (p->name);

      if (strcmp (have, want) == 0)
        {
          found = p;
          suffix_matches = 1;
          break;
        }
      if (g_str_has_suffix (have, want) && have[strlen (have) - strlen (want) - 1] == ' ')
        {
          found = p;
          suffix_matches++;
        }
    }
  if (found == NULL || suffix_matches != 1)
    {
      if (level == KYSO_PLACE_IDENTITY_AGENCY)
        {
          /* No list to choose from: the portal gets the name as written. */
          *name = g_strdup (typed);
          return TRUE;
        }
      g_set_error (error, KYSO_ERROR, KYSO_ERROR_INVALID_INPUT,
                   _ ("The portal does not know the place “%s”. Choose it from the portal’s list."), typed);
      return FALSE;
    }
  *id = g_strdup (found->id);
  g_free (*name);
  *name = g_strdup (found->name);
  return TRUE;
}

typedef struct
{
  char *province_id, *province;
  char *district_id, *district;
  char *ward_id, *ward;
  char *agency_id, *agency;
} Places;

static void
places_clear (Places *p)
{
  g_free (p->province_id);
  g_free (p->province);
  g_free (p->district_id);
  g_free (p->district);
  g_free (p->ward_id);
  g_free (p->ward);
  g_free (p->agency_id);
  g_free (p->agency);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Places, places_clear)

static gboolean
resolve_places (KysoIgatePortal *self, KysoApplicant *a, Places *p, GCancellable *cancellable, GError **error)
{
  p->province_id = g_strdup (a->province_id);
  p->province = g_strdup (a->province);
  p->district_id = g_strdup (a->district_id);
  p->district = g_strdup (a->district);
  p->ward_id = g_strdup (a->ward_id);
  p->ward = g_strdup (a->ward);
  p->agency_id = g_strdup (a->id_issue_place_id);
  p->agency = g_strdup (a->id_issue_place);
  return resolve_place (self, KYSO_PLACE_PROVINCE, NULL, a->province, &p->province_id, &p->province,
                        cancellable, error)
         && resolve_place (self, KYSO_PLACE_DISTRICT, p->province_id, a->district, &p->district_id,
                           &p->district, cancellable, error)
         && resolve_place (self, KYSO_PLACE_WARD, p->district_id, a->ward, &p->ward_id, &p->ward, cancellable,
                           error)
         && resolve_place (self, KYSO_PLACE_IDENTITY_AGENCY, NULL, a->id_issue_place, &p->agency_id,
                           &p->agency, cancellable, error);
}

/* The dossier on the portal with @code, or NULL (and no error) when there is none. */
static KysoDossierStatus *
search_dossier (KysoIgatePortal *self, const char *code, GCancellable *cancellable, GError **error)
{
  g_autofree char *escaped = g_uri_escape_string (code, NULL, FALSE);
  g_autofree char *path
    = g_strdup_printf ("pa/dossier/search?sort=updatedDate,desc&page=0&size=10&spec=slice&code=%s", escaped);
  g_autoptr (JsonNode) answer = NULL;
  JsonArray *items = NULL;

  answer = get_list (self, path, &items, cancellable, error);
  if (answer == NULL)
    return NULL;
  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonObject *obj = kyso_pj_array_object (items, i);
      /* The search may match loosely; only the exact code is this dossier. */
      if (g_strcmp0 (kyso_pj_string (obj, "code"), code) == 0)
        return kyso_igate_parse_dossier (obj);
    }
  return NULL;
}

/* bd/config/get-pattern then bt/pattern/{id}/--get-next-value: the code the portal gives the
 * dossier, taken before applying. */
static gboolean
reserve_code (KysoIgatePortal *self, KysoProcedure *procedure, char **out_pattern, char **out_code,
              GCancellable *cancellable, GError **error)
{
  g_autofree char *agency
    = g_uri_escape_string (kyso_igate_procedure_agency_id (procedure) ?: "", NULL, FALSE);
  g_autofree char *id = g_uri_escape_string (kyso_procedure_get_id (procedure), NULL, FALSE);
  g_autofree char *path = g_strdup_printf ("bd/config/get-pattern?agency-id=%s&procedure-id=%s", agency, id);
  g_autofree char *pattern_escaped = NULL;
  g_autofree char *code_escaped = NULL;
  g_autoptr (JsonNode) pattern = NULL;
  g_autoptr (JsonNode) next = NULL;
  const char *pattern_id, *value;

  pattern = kyso_igate_api_call (self, "GET", path, NULL, NULL, cancellable, error);
  if (pattern == NULL)
    return FALSE;
  pattern_id
    = JSON_NODE_HOLDS_OBJECT (pattern) ? kyso_pj_string (json_node_get_object (pattern), "id") : NULL;
  if (pattern_id == NULL)
    {
      g_set_error_literal (error, KYSO_ERROR, KYSO_ERROR_SERVER,
                           _ ("The portal has no dossier code for this procedure. Try again later."));
      return FALSE;
    }
  pattern_escaped = g_uri_escape_string (pattern_id, NULL, FALSE);
  code_escaped = g_uri_escape_string (kyso_igate_procedure_portal_code (procedure) ?: "", NULL, FALSE);
  g_clear_pointer (&path, g_free);
  path = g_strdup_printf ("bt/pattern/%s/--get-next-value?code=%s", pattern_escaped, code_escaped);
  next = kyso_igate_api_call (self, "PUT", path, NULL, NULL, cancellable, error);
  if (next == NULL)
    return FALSE;
  value = JSON_NODE_HOLDS_OBJECT (next) ? kyso_pj_string (json_node_get_object (next), "value") : NULL;
  if (value == NULL || *value == '\0')
    {
      g_set_error_literal (error, KYSO_ERROR, KYSO_ERROR_SERVER,
                           _ ("The portal has no dossier code for this procedure. Try again later."));
      return FALSE;
    }
  *out_pattern = g_strdup (pattern_id);
  *out_code = g_strdup (value);
  return TRUE;
}

static char *
submit (KysoIgatePortal *self, Call *call, GCancellable *cancellable, GError **error)
{
  KysoDossier *dossier = call->dossier;
  GPtrArray *entries = kyso_dossier_get_entries (dossier);
  g_autoptr (JsonNode) body = NULL;
  g_autoptr (JsonNode) answer = NULL;
  g_autoptr (GError) apply_error = NULL;
  g_autofree char *user_id = NULL;
  g_auto (Places) places = { 0 };
  KysoIgateApplication app = { 0 };
  gboolean sent = FALSE;

  call->progress.stage = KYSO_PORTAL_STAGE_CHECKING;
  kyso_portal_relay_post (call->relay, &call->progress);
  if (!kyso_procedure_has_details (call->procedure)
      || kyso_igate_procedure_portal_code (call->procedure) == NULL)
    {
      KysoProcedure *full
        = fetch_procedure (self, kyso_procedure_get_id (call->procedure), cancellable, error);
      if (full == NULL)
        return NULL;
      g_object_unref (call->procedure);
      call->procedure = full;
    }
  if (!kyso_dossier_validate (dossier, call->procedure, NULL, error))
    return NULL;
  user_id = kyso_oidc_client_dup_claim (self->oidc, "user_id");
  if (user_id == NULL)
    {
      g_set_error_literal (error, KYSO_ERROR, KYSO_ERROR_AUTH,
                           _ ("The portal did not say which account you logged in with. Log in again."));
      return NULL;
    }

  /* Filed already, its answer lost: it is on the portal under the code taken for it. */
  if (dossier->reserved_code != NULL)
    {
      g_autoptr (GError) search_error = NULL;
      g_autoptr (KysoDossierStatus) filed
                 = search_dossier (self, dossier->reserved_code, cancellable, &search_error);

      if (search_error != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&search_error));
          return NULL;
        }
      if (filed != NULL)
        return g_strdup (dossier->reserved_code);
    }
  if (!resolve_places (self, kyso_dossier_get_applicant (dossier), &places, cancellable, error))
    return NULL;

  for (guint i = 0; i < entries->len; i++)
    {
      KysoDossierEntry *entry = g_ptr_array_index (entries, i);
      GStatBuf st;

      call->progress.n_files++;
      if (entry->uploaded == NULL && g_stat (entry->path, &st) == 0)
        call->progress.total_size += (guint64)st.st_size;
    }
  for (guint i = 0; i < entries->len; i++)
    {
      KysoDossierEntry *entry = g_ptr_array_index (entries, i);
      g_autoptr (GStrvBuilder) taken = g_strv_builder_new ();
      g_auto (GStrv) taken_ids = NULL;
      g_autofree char *name = NULL;

      /* Resuming after a failure: what the portal already has is not sent again. */
      if (entry->uploaded != NULL)
        continue;
      for (guint j = 0; j < entries->len; j++)
        {
          KysoDossierEntry *other = g_ptr_array_index (entries, j);
          if (other->uploaded != NULL)
            g_strv_builder_add (taken, other->uploaded->id);
        }
      taken_ids = g_strv_builder_end (taken);
      name = g_path_get_basename (entry->path);
      call->progress.file_index = i;
      call->progress.file_name = name;
      entry->uploaded = kyso_igate_api_upload (
        self, kyso_procedure_find_component (call->procedure, entry->key), entry->path,
        entry->idempotency_key, taken_ids, on_upload_progress, call, cancellable, error);
      call->progress.file_name = NULL;
      if (entry->uploaded == NULL)
        return NULL;
      g_free (entry->uploaded->component);
      entry->uploaded->component = g_strdup (entry->key);
      call->done_bytes += entry->uploaded->size;
    }

  call->progress.stage = KYSO_PORTAL_STAGE_SUBMITTING;
  kyso_portal_relay_post (call->relay, &call->progress);
  if (dossier->reserved_code == NULL)
    {
      g_autofree char *pattern = NULL;
      g_autofree char *code = NULL;

      if (!reserve_code (self, call->procedure, &pattern, &code, cancellable, error))
        return NULL;
      dossier->code_pattern = g_steal_pointer (&pattern);
      dossier->reserved_code = g_steal_pointer (&code);
    }

  app.code = dossier->reserved_code;
  app.pattern_id = dossier->code_pattern;
  app.user_id = user_id;
  app.nation.id = kyso_pj_string (igate_data (self, "nation"), "id");
  app.nation.name = kyso_pj_string (igate_data (self, "nation"), "name");
  app.province = (KysoIgateRef){ places.province_id, places.province };
  app.district = (KysoIgateRef){ places.district_id, places.district };
  app.ward = (KysoIgateRef){ places.ward_id, places.ward };
  app.identity_agency = (KysoIgateRef){ places.agency_id, places.agency };
  app.receiving_kind.id = kyso_pj_string (igate_data (self, "receiving_kind"), "id");
  app.receiving_kind.name = kyso_pj_string (igate_data (self, "receiving_kind"), "name");
  app.payment_method.id = kyso_pj_string (igate_data (self, "payment_method"), "id");
  app.payment_method.name = kyso_pj_string (igate_data (self, "payment_method"), "name");
  body = kyso_igate_build_application (dossier, call->procedure, &app);
  for (guint attempt = 0; attempt < 3; attempt++)
    {
      g_autoptr (GError) search_error = NULL;
      g_autoptr (KysoDossierStatus) filed = NULL;

      g_clear_error (&apply_error);
      answer = kyso_igate_api_call (self, "POST", "pa/dossier/--apply-online/", body, &sent, cancellable,
                                    &apply_error);
      if (answer != NULL || !sent)
        break;
      /* The answer was lost on the way back: the portal may have filed it. Only when it has not is
       * it sent again (there is no idempotency key; the code is the dossier's identity). */
      filed = search_dossier (self, dossier->reserved_code, cancellable, &search_error);
      if (filed != NULL)
        return g_strdup (dossier->reserved_code);
      if (search_error != NULL)
        break;
    }
  if (answer == NULL)
    {
      g_propagate_error (error, g_steal_pointer (&apply_error));
      return NULL;
    }
  return g_strdup (dossier->reserved_code);
}

static void
submit_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  GError *error = NULL;
  char *code = submit (KYSO_IGATE_PORTAL (source), data, cancellable, &error);

  if (code != NULL)
    g_task_return_pointer (task, code, g_free);
  else
    g_task_return_error (task, error);
}

static void
submit_dossier_async (KysoPortal *portal, KysoDossier *dossier, KysoProcedure *procedure,
                      KysoPortalProgressFunc progress, gpointer progress_data, GCancellable *cancellable,
                      GAsyncReadyCallback callback, gpointer user_data)
{
  Call *call = g_new0 (Call, 1);
  g_autoptr (GTask) task = NULL;

  call->dossier = g_object_ref (dossier);
  call->procedure = g_object_ref (procedure);
  call->relay = kyso_portal_relay_new (progress, progress_data);
  task = start (portal, submit_dossier_async, call, cancellable, callback, user_data);
  g_task_run_in_thread (task, submit_thread);
}

static char *
submit_dossier_finish (KysoPortal *portal, GAsyncResult *result, GError **error)
{
  Call *call;
  char *code;

  if (!check_result (portal, result, submit_dossier_async))
    return NULL;
  call = g_task_get_task_data (G_TASK (result));
  kyso_portal_relay_close (call->relay);
  code = g_task_propagate_pointer (G_TASK (result), error);
  /* Here, on the caller's thread, so "notify::code" reaches the GUI where it lives. */
  if (code != NULL)
    kyso_dossier_set_code (call->dossier, code);
  return code;
}

/* ---- tracking and signing history ---- */

static void
track_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  Call *call = data;
  GError *error = NULL;
  KysoDossierStatus *status = search_dossier (KYSO_IGATE_PORTAL (source), call->a, cancellable, &error);

  if (error != NULL)
    g_task_return_error (task, error);
  else if (status == NULL)
    g_task_return_new_error (task, KYSO_ERROR, KYSO_ERROR_NOT_FOUND,
                             _ ("No dossier has the code “%s”. Check the code on the receipt."), call->a);
  else
    {
      /* The portal's search shows no files: those this computer sent, from the dossier's draft. */
      g_autoptr (GPtrArray) sent = kyso_dossier_sent_files (status->code);
      for (guint i = 0; i < sent->len; i++)
        g_ptr_array_add (status->files, kyso_portal_file_copy (g_ptr_array_index (sent, i)));
      g_task_return_pointer (task, status, (GDestroyNotify)kyso_dossier_status_free);
    }
}

static void
track_dossier_async (KysoPortal *portal, const char *code, GCancellable *cancellable,
                     GAsyncReadyCallback callback, gpointer user_data)
{
  Call *call = g_new0 (Call, 1);
  g_autoptr (GTask) task = NULL;

  call->a = g_strstrip (g_strdup (code));
  task = start (portal, track_dossier_async, call, cancellable, callback, user_data);
  g_task_run_in_thread (task, track_thread);
}

static KysoDossierStatus *
track_dossier_finish (KysoPortal *portal, GAsyncResult *result, GError **error)
{
  if (!check_result (portal, result, track_dossier_async))
    return NULL;
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
history_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  Call *call = data;
  g_autofree char *escaped = g_uri_escape_string (call->a, NULL, FALSE);
  g_autofree char *path = g_strdup_printf ("fi/file/%s/--sign-history", escaped);
  GError *error = NULL;
  g_autoptr (JsonNode) answer
             = kyso_igate_api_call (KYSO_IGATE_PORTAL (source), "GET", path, NULL, NULL, cancellable, &error);

  if (answer == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (!JSON_NODE_HOLDS_OBJECT (answer))
    {
      g_task_return_new_error (task, KYSO_ERROR, KYSO_ERROR_SERVER,
                               _ ("The portal sent a signing history Kyso cannot read."));
      return;
    }
  g_task_return_pointer (task, kyso_igate_parse_signatures (json_node_get_object (answer)),
                         (GDestroyNotify)g_ptr_array_unref);
}

static void
get_signing_history_async (KysoPortal *portal, const char *file_id, GCancellable *cancellable,
                           GAsyncReadyCallback callback, gpointer user_data)
{
  Call *call = g_new0 (Call, 1);
  g_autoptr (GTask) task = NULL;

  call->a = g_strdup (file_id);
  task = start (portal, get_signing_history_async, call, cancellable, callback, user_data);
  g_task_run_in_thread (task, history_thread);
}

static GPtrArray *
get_signing_history_finish (KysoPortal *portal, GAsyncResult *result, GError **error)
{
  if (!check_result (portal, result, get_signing_history_async))
    return NULL;
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
kyso_igate_portal_iface_init (KysoPortalInterface *iface)
{
  iface->get_display_name = get_display_name;
  iface->is_logged_in = is_logged_in;
  iface->dup_user_name = dup_user_name;
  iface->login_browser_async = login_browser_async;
  iface->login_browser_finish = login_browser_finish;
  iface->login_password_async = login_password_async;
  iface->login_password_finish = login_password_finish;
  iface->restore_session_async = restore_session_async;
  iface->restore_session_finish = restore_session_finish;
  iface->logout_async = logout_async;
  iface->logout_finish = logout_finish;
  iface->list_procedures_async = list_procedures_async;
  iface->list_procedures_finish = list_procedures_finish;
  iface->get_procedure_async = get_procedure_async;
  iface->get_procedure_finish = get_procedure_finish;
  iface->list_places_async = list_places_async;
  iface->list_places_finish = list_places_finish;
  iface->upload_file_async = upload_file_async;
  iface->upload_file_finish = upload_file_finish;
  iface->delete_file_async = delete_file_async;
  iface->delete_file_finish = delete_file_finish;
  iface->submit_dossier_async = submit_dossier_async;
  iface->submit_dossier_finish = submit_dossier_finish;
  iface->track_dossier_async = track_dossier_async;
  iface->track_dossier_finish = track_dossier_finish;
  iface->get_signing_history_async = get_signing_history_async;
  iface->get_signing_history_finish = get_signing_history_finish;
}
