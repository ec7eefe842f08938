/* Local drafts of a dossier. The applicant's ID number and phone number are personal
 * identifiers: like every other one Kyso keeps, they live in the Secret Service, and the JSON
 * file only holds what is needed to resume the form (see kyso-dossier.h). */
#include "config.h"

#include "kyso-dossier-private.h"
#include "kyso-error.h"
#include "kyso-kiosk-session.h"
#include "kyso-portal-json.h"
#include "kyso-util.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <libsecret/secret.h>
#include <string.h>
#include <sys/stat.h>

static const SecretSchema *
draft_schema (void)
{
  static const SecretSchema schema = { "vn.kyso.Kyso.Draft",
                                       SECRET_SCHEMA_NONE,
                                       {
                                         { "draft", SECRET_SCHEMA_ATTRIBUTE_STRING },
                                         { NULL, 0 },
                                       } };
  return &schema;
}

static char *
drafts_dir (void)
{
  return g_build_filename (g_get_user_data_dir (), "kyso", "drafts", NULL);
}

static char *
draft_path (const char *draft_id, GError **error)
{
  g_autofree char *dir = drafts_dir ();
  g_autofree char *name = NULL;

  /* The id becomes a file name: accept only what kyso_dossier_new() makes. */
  if (draft_id == NULL || !g_uuid_string_is_valid (draft_id))
    {
      g_set_error_literal (error, KYSO_ERROR, KYSO_ERROR_NOT_FOUND, _ ("There is no such draft."));
      return NULL;
    }
  name = g_strconcat (draft_id, ".json", NULL);
  return g_build_filename (dir, name, NULL);
}

static const char *
kind_to_string (KysoCopyKind kind)
{
  return kind == KYSO_COPY_KIND_COPY ? "copy" : "original";
}

static JsonNode *
draft_to_json (KysoDossier *self)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *saved = g_date_time_format_iso8601 (now);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "version");
  json_builder_add_int_value (b, 1);
  json_builder_set_member_name (b, "saved");
  json_builder_add_string_value (b, saved);
  json_builder_set_member_name (b, "procedure_id");
  json_builder_add_string_value (b, self->procedure_id ? self->procedure_id : "");
  json_builder_set_member_name (b, "procedure_name");
  json_builder_add_string_value (b, self->procedure_name ? self->procedure_name : "");
  json_builder_set_member_name (b, "submission_key");
  json_builder_add_string_value (b, self->submission_key);
  json_builder_set_member_name (b, "declaration");
  json_builder_add_boolean_value (b, self->declaration);
  if (self->reserved_code != NULL)
    {
      json_builder_set_member_name (b, "reserved_code");
      json_builder_add_string_value (b, self->reserved_code);
      json_builder_set_member_name (b, "code_pattern");
      json_builder_add_string_value (b, self->code_pattern);
    }
  if (self->code != NULL)
    {
      json_builder_set_member_name (b, "code");
      json_builder_add_string_value (b, self->code);
    }
  json_builder_set_member_name (b, "applicant");
  json_builder_add_value (b, kyso_applicant_to_json (self->applicant, FALSE));
  json_builder_set_member_name (b, "entries");
  json_builder_begin_array (b);
  for (guint i = 0; i < self->entries->len; i++)
    {
      KysoDossierEntry *e = g_ptr_array_index (self->entries, i);

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "key");
      json_builder_add_string_value (b, e->key);
      json_builder_set_member_name (b, "path");
      json_builder_add_string_value (b, e->path);
      json_builder_set_member_name (b, "kind");
      json_builder_add_string_value (b, kind_to_string (e->kind));
      json_builder_set_member_name (b, "idempotency_key");
      json_builder_add_string_value (b, e->idempotency_key);
      if (e->uploaded != NULL)
        {
          json_builder_set_member_name (b, "uploaded");
          json_builder_begin_object (b);
          json_builder_set_member_name (b, "id");
          json_builder_add_string_value (b, e->uploaded->id);
          json_builder_set_member_name (b, "name");
          json_builder_add_string_value (b, e->uploaded->name);
          json_builder_set_member_name (b, "size");
          json_builder_add_int_value (b, (gint64)e->uploaded->size);
          json_builder_end_object (b);
        }
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

static char *
private_fields_to_string (const KysoApplicant *applicant)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (JsonNode) root = NULL;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "id_number");
  json_builder_add_string_value (b, applicant->id_number ? applicant->id_number : "");
  json_builder_set_member_name (b, "phone");
  json_builder_add_string_value (b, applicant->phone ? applicant->phone : "");
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  return json_to_string (root, FALSE);
}

gboolean
kyso_dossier_save_draft (KysoDossier *self, GCancellable *cancellable, GError **error)
{
  g_autofree char *dir = drafts_dir ();
  g_autofree char *path = NULL;
  g_autofree char *text = NULL;
  g_autofree char *label = NULL;
  g_autoptr (JsonNode) root = NULL;
  g_autoptr (KysoAtomicFile) file = NULL;
  char *secret;
  gboolean stored;

  g_return_val_if_fail (KYSO_IS_DOSSIER (self), FALSE);

  path = draft_path (self->draft_id, error);
  if (path == NULL)
    return FALSE;
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _ ("Could not create the drafts folder “%s”: %s"), dir, g_strerror (saved));
      return FALSE;
    }

  /* Secrets first: a draft file never exists without its private fields stored. */
  secret = private_fields_to_string (self->applicant);
  /* Translators: the label of a Secret Service item; %s is a procedure's name */
  label = g_strdup_printf (_ ("Kyso dossier draft: %s"), self->procedure_name ? self->procedure_name : "");
  stored = secret_password_store_sync (draft_schema (), kyso_kiosk_session_get_collection (), label, secret,
                                       cancellable, error, "draft", self->draft_id, NULL);
  secret_password_free (secret);
  if (!stored)
    return FALSE;

  root = draft_to_json (self);
  text = json_to_string (root, TRUE);
  file = kyso_atomic_file_new (path, error);
  if (file == NULL)
    return FALSE;
  if (fchmod (kyso_atomic_file_get_fd (file), 0600) != 0)
    {
      int saved = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _ ("Could not protect the draft file: %s"), g_strerror (saved));
      return FALSE;
    }
  if (!kyso_write_all (kyso_atomic_file_get_fd (file), text, strlen (text), error))
    return FALSE;
  return kyso_atomic_file_commit (file, error);
}

static gboolean
apply_private_fields (KysoApplicant *applicant, const char *secret)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  JsonObject *obj;

  if (secret == NULL || !json_parser_load_from_data (parser, secret, -1, NULL)
      || !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return FALSE;
  obj = json_node_get_object (json_parser_get_root (parser));
  g_free (applicant->id_number);
  applicant->id_number = g_strdup (kyso_pj_string (obj, "id_number"));
  g_free (applicant->phone);
  applicant->phone = g_strdup (kyso_pj_string (obj, "phone"));
  return TRUE;
}

KysoDossier *
kyso_dossier_load_draft (const char *draft_id, GCancellable *cancellable, GError **error)
{
  g_autofree char *path = draft_path (draft_id, error);
  g_autofree char *contents = NULL;
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (KysoDossier) self = NULL;
  g_autoptr (GError) local_error = NULL;
  JsonObject *obj;
  JsonArray *entries;
  char *secret;
  gsize len;

  if (path == NULL)
    return NULL;
  if (!g_file_get_contents (path, &contents, &len, &local_error))
    {
      if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        g_set_error_literal (error, KYSO_ERROR, KYSO_ERROR_NOT_FOUND, _ ("There is no such draft."));
      else
        g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  if (!json_parser_load_from_data (parser, contents, (gssize)len, NULL)
      || !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      g_set_error_literal (error, KYSO_ERROR, KYSO_ERROR_BROKEN_FILE,
                           _ ("The draft is damaged and cannot be resumed. Start the dossier again."));
      return NULL;
    }
  obj = json_node_get_object (json_parser_get_root (parser));

  self = kyso_dossier_new_empty ();
  g_free (self->draft_id);
  self->draft_id = g_strdup (draft_id);
  self->procedure_id = g_strdup (kyso_pj_string (obj, "procedure_id"));
  self->procedure_name = g_strdup (kyso_pj_string (obj, "procedure_name"));
  if (kyso_pj_string (obj, "submission_key") != NULL)
    {
      g_free (self->submission_key);
      self->submission_key = g_strdup (kyso_pj_string (obj, "submission_key"));
    }
  self->declaration = kyso_pj_bool (obj, "declaration", FALSE);
  self->code = g_strdup (kyso_pj_string (obj, "code"));
  self->reserved_code = g_strdup (kyso_pj_string (obj, "reserved_code"));
  self->code_pattern = g_strdup (kyso_pj_string (obj, "code_pattern"));
  if (kyso_pj_object (obj, "applicant") != NULL)
    {
      KysoApplicant *applicant
        = kyso_applicant_new_from_json (json_object_get_member (obj, "applicant"), NULL);
      if (applicant != NULL)
        {
          kyso_applicant_free (self->applicant);
          self->applicant = applicant;
        }
    }

  entries = kyso_pj_array (obj, "entries");
  for (guint i = 0; entries != NULL && i < json_array_get_length (entries); i++)
    {
      JsonObject *e = kyso_pj_array_object (entries, i);
      JsonObject *up = kyso_pj_object (e, "uploaded");
      KysoDossierEntry *entry;

      if (kyso_pj_string (e, "key") == NULL || kyso_pj_string (e, "path") == NULL)
        continue;
      entry = kyso_dossier_add_file (
        self, kyso_pj_string (e, "key"), kyso_pj_string (e, "path"),
        g_strcmp0 (kyso_pj_string (e, "kind"), "copy") == 0 ? KYSO_COPY_KIND_COPY : KYSO_COPY_KIND_ORIGINAL);
      if (kyso_pj_string (e, "idempotency_key") != NULL)
        {
          g_free (entry->idempotency_key);
          entry->idempotency_key = g_strdup (kyso_pj_string (e, "idempotency_key"));
        }
      if (up != NULL && kyso_pj_string (up, "id") != NULL)
        entry->uploaded = kyso_portal_file_new (kyso_pj_string (up, "id"), kyso_pj_string (up, "name"),
                                                (guint64)kyso_pj_int (up, "size", 0), NULL);
    }

  secret = secret_password_lookup_sync (draft_schema (), cancellable, &local_error, "draft", draft_id, NULL);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  /* Without its secret the draft still resumes; the citizen types the two fields again. */
  apply_private_fields (self->applicant, secret);
  secret_password_free (secret);
  return g_steal_pointer (&self);
}

gboolean
kyso_dossier_delete_draft (const char *draft_id, GCancellable *cancellable, GError **error)
{
  g_autofree char *path = draft_path (draft_id, error);
  g_autoptr (GError) local_error = NULL;

  if (path == NULL)
    return FALSE;
  secret_password_clear_sync (draft_schema (), cancellable, &local_error, "draft", draft_id, NULL);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (g_unlink (path) != 0 && errno != ENOENT)
    {
      int saved = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _ ("Could not delete the draft: %s"), g_strerror (saved));
      return FALSE;
    }
  return TRUE;
}

typedef struct
{
  char *id;
  gint64 mtime;
} DraftInfo;

static int
newest_first (gconstpointer a, gconstpointer b)
{
  const DraftInfo *x = a, *y = b;

  if (x->mtime != y->mtime)
    return x->mtime > y->mtime ? -1 : 1;
  return strcmp (x->id, y->id);
}

GStrv
kyso_dossier_list_drafts (GError **error)
{
  g_autofree char *dir = drafts_dir ();
  g_autoptr (GDir) d = NULL;
  g_autoptr (GArray) infos = g_array_new (FALSE, FALSE, sizeof (DraftInfo));
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
  g_autoptr (GError) local_error = NULL;
  const char *name;

  d = g_dir_open (dir, 0, &local_error);
  if (d == NULL)
    {
      if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        return g_new0 (char *, 1);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  while ((name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *id = NULL;
      g_autofree char *path = NULL;
      GStatBuf st;
      DraftInfo info;

      if (!g_str_has_suffix (name, ".json"))
        continue;
      id = g_strndup (name, strlen (name) - 5);
      if (!g_uuid_string_is_valid (id))
        continue;
      path = g_build_filename (dir, name, NULL);
      if (g_stat (path, &st) != 0)
        continue;
      info.id = g_steal_pointer (&id);
      info.mtime = (gint64)st.st_mtim.tv_sec * G_USEC_PER_SEC + st.st_mtim.tv_nsec / 1000;
      g_array_append_val (infos, info);
    }
  g_array_sort (infos, newest_first);
  for (guint i = 0; i < infos->len; i++)
    {
      DraftInfo *info = &g_array_index (infos, DraftInfo, i);
      g_strv_builder_add (builder, info->id);
      g_free (info->id);
    }
  return g_strv_builder_end (builder);
}

GPtrArray *
kyso_dossier_sent_files (const char *code)
{
  GPtrArray *files = g_ptr_array_new_with_free_func ((GDestroyNotify)kyso_portal_file_free);
  g_auto (GStrv) ids = kyso_dossier_list_drafts (NULL);

  for (gsize i = 0; ids != NULL && ids[i] != NULL && files->len == 0; i++)
    {
      g_autofree char *path = draft_path (ids[i], NULL);
      g_autofree char *contents = NULL;
      g_autoptr (JsonParser) parser = json_parser_new ();
      JsonObject *obj;
      JsonArray *entries;
      gsize len;

      if (path == NULL || !g_file_get_contents (path, &contents, &len, NULL)
          || !json_parser_load_from_data (parser, contents, (gssize)len, NULL)
          || !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
        continue;
      obj = json_node_get_object (json_parser_get_root (parser));
      if (g_strcmp0 (kyso_pj_string (obj, "code"), code) != 0
          && g_strcmp0 (kyso_pj_string (obj, "reserved_code"), code) != 0)
        continue;
      entries = kyso_pj_array (obj, "entries");
      for (guint e = 0; entries != NULL && e < json_array_get_length (entries); e++)
        {
          JsonObject *entry = kyso_pj_array_object (entries, e);
          JsonObject *up = kyso_pj_object (entry, "uploaded");
          KysoPortalFile *file;

          if (kyso_pj_string (up, "id") == NULL)
            continue;
          file = kyso_portal_file_new (kyso_pj_string (up, "id"), kyso_pj_string (up, "name"),
                                       (guint64)MAX (0, kyso_pj_int (up, "size", 0)), NULL);
          file->component = g_strdup (kyso_pj_string (entry, "key"));
          g_ptr_array_add (files, file);
        }
    }
  return files;
}

static void
save_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  GError *error = NULL;

  if (kyso_dossier_save_draft (KYSO_DOSSIER (source), cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

void
kyso_dossier_save_draft_async (KysoDossier *self, GCancellable *cancellable, GAsyncReadyCallback callback,
                               gpointer user_data)
{
  g_autoptr (GTask) task = NULL;

  g_return_if_fail (KYSO_IS_DOSSIER (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, kyso_dossier_save_draft_async);
  /* The dossier is not thread-safe: the caller must not change it until this completes. */
  g_task_run_in_thread (task, save_thread);
}

gboolean
kyso_dossier_save_draft_finish (KysoDossier *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == kyso_dossier_save_draft_async, FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
load_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  GError *error = NULL;
  KysoDossier *dossier = kyso_dossier_load_draft (data, cancellable, &error);

  if (dossier != NULL)
    g_task_return_pointer (task, dossier, g_object_unref);
  else
    g_task_return_error (task, error);
}

void
kyso_dossier_load_draft_async (const char *draft_id, GCancellable *cancellable, GAsyncReadyCallback callback,
                               gpointer user_data)
{
  g_autoptr (GTask) task = NULL;

  g_return_if_fail (draft_id != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, kyso_dossier_load_draft_async);
  g_task_set_task_data (task, g_strdup (draft_id), g_free);
  g_task_run_in_thread (task, load_thread);
}

KysoDossier *
kyso_dossier_load_draft_finish (GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == kyso_dossier_load_draft_async, NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
