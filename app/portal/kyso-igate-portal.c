#include "config.h"

#include "kyso-igate-private.h"
#include "kyso-portal-relay.h"
#include "kyso-dossier-private.h"
#include "kyso-error.h"
#include "kyso-portal-json.h"

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <string.h>

static void kyso_igate_portal_iface_init (KysoPortalInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (KysoIgatePortal, kyso_igate_portal, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (KYSO_TYPE_PORTAL, kyso_igate_portal_iface_init))

enum {
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
  self->oidc = kyso_oidc_client_new (province->issuer, province->client_id ? province->client_id : "web-padsvc",
                                     ca_file);
  /* Translators: the label of the Secret Service item holding the session; %s is a province */
  label = g_strdup_printf (_("Kyso: public-service portal of %s"), province->name ? province->name : "");
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

typedef struct {
  char                   *a;          /* id, code, search text, username … */
  char                   *b;          /* password */
  char                   *c;          /* otp, idempotency key */
  char                   *hint;
  KysoOpenUriFunc         open_uri;
  gpointer                open_uri_data;
  KysoProcedureComponent *component;
  KysoDossier            *dossier;
  KysoProcedure          *procedure;
  KysoPortalRelay        *relay;
  KysoPortalProgress      progress;   /* the worker's running totals */
  guint64                 done_bytes;
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
  g_task_set_task_data (task, call, (GDestroyNotify) call_free);
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

  ok = kyso_oidc_client_login_browser (self->oidc, call->open_uri, call->open_uri_data,
                                       g_task_get_context (task), 0, cancellable, &error);
  return_boolean_or_error (task, ok, error);
}

static void
login_browser_async (KysoPortal *portal, KysoOpenUriFunc open_uri, gpointer open_uri_data,
                     GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  Call *call = g_new0 (Call, 1);
  g_autoptr(GTask) task = NULL;

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

  step = kyso_oidc_client_login_password (self->oidc, call->a, call->b, call->c, &call->hint, cancellable, &error);
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
  g_autoptr(GTask) task = NULL;

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
  return (KysoLoginStep) step;
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
  g_autoptr(GTask) task = start (portal, restore_session_async, g_new0 (Call, 1), cancellable, callback, user_data);

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
  g_autoptr(GTask) task = start (portal, logout_async, g_new0 (Call, 1), cancellable, callback, user_data);

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
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func (g_object_unref);
  g_autofree char *keyword = g_uri_escape_string (call->a ? call->a : "", NULL, FALSE);

  for (guint page = 0; page < MAX_PAGES; page++)
    {
      g_autofree char *path = g_strdup_printf ("bd/procedure/--can-apply?keyword=%s&page=%u&size=%u",
                                               keyword, page, PAGE_SIZE);
      GError *error = NULL;
      g_autoptr(JsonNode) answer = kyso_igate_api_call (self, "GET", path, NULL, NULL, cancellable, &error);
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
                                   _("The portal sent a list of procedures Kyso cannot read."));
          return;
        }
      n = json_array_get_length (content);
      for (guint i = 0; i < n; i++)
        {
          KysoProcedure *p = kyso_igate_parse_procedure (kyso_pj_array_object (content, i), FALSE);
          if (p != NULL)
            g_ptr_array_add (list, p);
        }
      if (n < PAGE_SIZE || page + 1 >= (guint) kyso_pj_int (obj, "totalPages", 1))
        break;
    }
  g_task_return_pointer (task, g_steal_pointer (&list), (GDestroyNotify) g_ptr_array_unref);
}

static void
list_procedures_async (KysoPortal *portal, const char *search, GCancellable *cancellable,
                       GAsyncReadyCallback callback, gpointer user_data)
{
  Call *call = g_new0 (Call, 1);
  g_autoptr(GTask) task = NULL;

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

static KysoProcedure *
fetch_procedure (KysoIgatePortal *self, const char *id, GCancellable *cancellable, GError **error)
{
  g_autofree char *escaped = g_uri_escape_string (id, NULL, FALSE);
  g_autofree char *path = g_strconcat ("bd/procedure/", escaped, NULL);
  g_autoptr(JsonNode) answer = kyso_igate_api_call (self, "GET", path, NULL, NULL, cancellable, error);
  KysoProcedure *p;

  if (answer == NULL)
    return NULL;
  p = JSON_NODE_HOLDS_OBJECT (answer) ? kyso_igate_parse_procedure (json_node_get_object (answer), TRUE) : NULL;
  if (p == NULL)
    g_set_error_literal (error, KYSO_ERROR, KYSO_ERROR_SERVER,
                         _("The portal sent a procedure Kyso cannot read."));
  return p;
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
  g_autoptr(GTask) task = NULL;

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
  call->progress.total_size = g_stat (call->a, &st) == 0 ? (guint64) st.st_size : 0;
  file = kyso_igate_api_upload (KYSO_IGATE_PORTAL (source), call->component, call->a, call->c,
                                on_upload_progress, call, cancellable, &error);
  call->progress.file_name = NULL;
  if (file == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  file->component = g_strdup (kyso_procedure_component_get_key (call->component));
  g_task_return_pointer (task, file, (GDestroyNotify) kyso_portal_file_free);
}

static void
upload_file_async (KysoPortal *portal, KysoProcedureComponent *component, const char *path,
                   const char *idempotency_key, KysoPortalProgressFunc progress, gpointer progress_data,
                   GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  Call *call = g_new0 (Call, 1);
  g_autoptr(GTask) task = NULL;

  call->a = g_strdup (path);
  call->c = idempotency_key != NULL ? g_strdup (idempotency_key) : g_uuid_string_random ();
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
  kyso_portal_relay_close (((Call *) g_task_get_task_data (G_TASK (result)))->relay);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
delete_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  Call *call = data;
  g_autofree char *escaped = g_uri_escape_string (call->a, NULL, FALSE);
  g_autofree char *path = g_strconcat ("fi/file/", escaped, NULL);
  GError *error = NULL;
  g_autoptr(JsonNode) answer = kyso_igate_api_call (KYSO_IGATE_PORTAL (source), "DELETE", path, NULL, NULL,
                                                    cancellable, &error);

  return_boolean_or_error (task, answer != NULL, error);
}

static void
delete_file_async (KysoPortal *portal, const char *file_id, GCancellable *cancellable,
                   GAsyncReadyCallback callback, gpointer user_data)
{
  Call *call = g_new0 (Call, 1);
  g_autoptr(GTask) task = NULL;

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

static char *
submit (KysoIgatePortal *self, Call *call, GCancellable *cancellable, GError **error)
{
  GPtrArray *entries = kyso_dossier_get_entries (call->dossier);
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(JsonNode) answer = NULL;
  const char *code;

  call->progress.stage = KYSO_PORTAL_STAGE_CHECKING;
  kyso_portal_relay_post (call->relay, &call->progress);
  if (!kyso_procedure_has_details (call->procedure))
    {
      KysoProcedure *full = fetch_procedure (self, kyso_procedure_get_id (call->procedure), cancellable, error);
      if (full == NULL)
        return NULL;
      g_object_unref (call->procedure);
      call->procedure = full;
    }
  if (!kyso_dossier_validate (call->dossier, call->procedure, NULL, error))
    return NULL;

  for (guint i = 0; i < entries->len; i++)
    {
      KysoDossierEntry *entry = g_ptr_array_index (entries, i);
      GStatBuf st;

      call->progress.n_files++;
      if (entry->uploaded == NULL && g_stat (entry->path, &st) == 0)
        call->progress.total_size += (guint64) st.st_size;
    }
  for (guint i = 0; i < entries->len; i++)
    {
      KysoDossierEntry *entry = g_ptr_array_index (entries, i);
      g_autofree char *name = NULL;

      /* Resuming after a failure: what the portal already has is not sent again. */
      if (entry->uploaded != NULL)
        continue;
      name = g_path_get_basename (entry->path);
      call->progress.file_index = i;
      call->progress.file_name = name;
      entry->uploaded = kyso_igate_api_upload (self, kyso_procedure_find_component (call->procedure, entry->key),
                                               entry->path, entry->idempotency_key, on_upload_progress, call,
                                               cancellable, error);
      call->progress.file_name = NULL;
      if (entry->uploaded == NULL)
        return NULL;
      g_free (entry->uploaded->component);
      entry->uploaded->component = g_strdup (entry->key);
      call->done_bytes += entry->uploaded->size;
    }

  call->progress.stage = KYSO_PORTAL_STAGE_SUBMITTING;
  kyso_portal_relay_post (call->relay, &call->progress);
  body = kyso_igate_build_application (call->dossier, call->procedure);
  answer = kyso_igate_api_call (self, "POST", "pa/dossier/--apply-online/", body,
                                kyso_dossier_get_submission_key (call->dossier), cancellable, error);
  if (answer == NULL)
    return NULL;
  code = JSON_NODE_HOLDS_OBJECT (answer) ? kyso_pj_string (json_node_get_object (answer), "code") : NULL;
  if (code == NULL)
    {
      g_set_error_literal (error, KYSO_ERROR, KYSO_ERROR_SERVER,
                           _("The portal accepted the dossier but did not give its code. Look for it under “Tra cứu hồ sơ” before submitting again."));
      return NULL;
    }
  return g_strdup (code);
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
  g_autoptr(GTask) task = NULL;

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
  g_autofree char *escaped = g_uri_escape_string (call->a, NULL, FALSE);
  g_autofree char *path = g_strdup_printf ("pa/dossier/search?code=%s&page=0&size=1", escaped);
  GError *error = NULL;
  g_autoptr(JsonNode) answer = kyso_igate_api_call (KYSO_IGATE_PORTAL (source), "GET", path, NULL, NULL,
                                                    cancellable, &error);
  JsonArray *content;
  KysoDossierStatus *status = NULL;

  if (answer == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  content = JSON_NODE_HOLDS_OBJECT (answer) ? kyso_pj_array (json_node_get_object (answer), "content") : NULL;
  for (guint i = 0; content != NULL && i < json_array_get_length (content) && status == NULL; i++)
    {
      JsonObject *obj = kyso_pj_array_object (content, i);
      /* The search may match loosely; only the exact code is this dossier. */
      if (g_strcmp0 (kyso_pj_string (obj, "code"), call->a) == 0)
        status = kyso_igate_parse_dossier (obj);
    }
  if (status == NULL)
    g_task_return_new_error (task, KYSO_ERROR, KYSO_ERROR_NOT_FOUND,
                             _("No dossier has the code “%s”. Check the code on the receipt."), call->a);
  else
    g_task_return_pointer (task, status, (GDestroyNotify) kyso_dossier_status_free);
}

static void
track_dossier_async (KysoPortal *portal, const char *code, GCancellable *cancellable,
                     GAsyncReadyCallback callback, gpointer user_data)
{
  Call *call = g_new0 (Call, 1);
  g_autoptr(GTask) task = NULL;

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
  g_autoptr(JsonNode) answer = kyso_igate_api_call (KYSO_IGATE_PORTAL (source), "GET", path, NULL, NULL,
                                                    cancellable, &error);

  if (answer == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (!JSON_NODE_HOLDS_OBJECT (answer))
    {
      g_task_return_new_error (task, KYSO_ERROR, KYSO_ERROR_SERVER,
                               _("The portal sent a signing history Kyso cannot read."));
      return;
    }
  g_task_return_pointer (task, kyso_igate_parse_signatures (json_node_get_object (answer)),
                         (GDestroyNotify) g_ptr_array_unref);
}

static void
get_signing_history_async (KysoPortal *portal, const char *file_id, GCancellable *cancellable,
                           GAsyncReadyCallback callback, gpointer user_data)
{
  Call *call = g_new0 (Call, 1);
  g_autoptr(GTask) task = NULL;

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
