#include "config.h"

#include "kyso-pending.h"
#include "kyso-error.h"
#include "kyso-util.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <string.h>
#include <sys/stat.h>

/* The string fields, named as in the file. */
enum
{
  F_KIND,
  F_SERVICE_URL,
  F_PROVIDER,
  F_CREDENTIAL_ID,
  F_CERTIFICATE_SHA256,
  F_TRANSACTION_ID,
  F_TRAN_CODE,
  F_VERIFICATION_CODE,
  F_DESCRIPTION,
  F_DOCUMENT,
  F_OUTPUT,
  N_FIELDS
};

static const char *const field_names[N_FIELDS] = {
  "kind",           "service_url", "provider",          "credential_id", "certificate_sha256",
  "transaction_id", "tran_code",   "verification_code", "description",   "document",
  "output",
};

static const char *const state_names[] = { "prepared", "sent", "approved" };

#define FORMAT_VERSION 1

struct _KysoPending
{
  GObject parent_instance;
  char *dir;
  char *id;
  char *fields[N_FIELDS];
  KysoPendingState state;
  GPtrArray *digests;
  GStrv doc_ids;
  gint64 created_at;
  gint64 expires_at;
};

G_DEFINE_FINAL_TYPE (KysoPending, kyso_pending, G_TYPE_OBJECT)

static void
kyso_pending_finalize (GObject *object)
{
  KysoPending *self = KYSO_PENDING (object);

  g_free (self->dir);
  g_free (self->id);
  for (guint i = 0; i < N_FIELDS; i++)
    g_free (self->fields[i]);
  g_ptr_array_unref (self->digests);
  g_strfreev (self->doc_ids);
  G_OBJECT_CLASS (kyso_pending_parent_class)->finalize (object);
}

static void
kyso_pending_class_init (KysoPendingClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = kyso_pending_finalize;
}

static void
kyso_pending_init (KysoPending *self)
{
  self->digests = g_ptr_array_new_with_free_func ((GDestroyNotify)g_bytes_unref);
}

const char *
kyso_pending_get_default_dir (void)
{
  static char *dir;

  if (g_once_init_enter (&dir))
    g_once_init_leave (&dir, g_build_filename (g_get_user_state_dir (), "kyso", "pending", NULL));
  return dir;
}

/* Ids come from g_uuid_string_random(); anything else (a path, "..") is not ours. */
static gboolean
id_is_valid (const char *id)
{
  return id != NULL && g_uuid_string_is_valid (id);
}

KysoPending *
kyso_pending_new (const char *dir, const char *kind)
{
  KysoPending *self = g_object_new (KYSO_TYPE_PENDING, NULL);

  self->dir = g_strdup (dir ? dir : kyso_pending_get_default_dir ());
  self->id = g_uuid_string_random ();
  self->fields[F_KIND] = g_strdup (kind);
  self->created_at = g_get_real_time ();
  return self;
}

static char *
file_path (const char *dir, const char *id, const char *suffix)
{
  g_autofree char *name = g_strconcat (id, suffix, NULL);
  return g_build_filename (dir, name, NULL);
}

char *
kyso_pending_dup_session_path (KysoPending *self)
{
  g_return_val_if_fail (KYSO_IS_PENDING (self), NULL);
  return file_path (self->dir, self->id, ".session");
}

static JsonNode *
to_json (KysoPending *self)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "version");
  json_builder_add_int_value (b, FORMAT_VERSION);
  json_builder_set_member_name (b, "id");
  json_builder_add_string_value (b, self->id);
  for (guint i = 0; i < N_FIELDS; i++)
    if (self->fields[i] != NULL)
      {
        json_builder_set_member_name (b, field_names[i]);
        json_builder_add_string_value (b, self->fields[i]);
      }
  json_builder_set_member_name (b, "state");
  json_builder_add_string_value (b, state_names[self->state]);
  json_builder_set_member_name (b, "digests");
  json_builder_begin_array (b);
  for (guint i = 0; i < self->digests->len; i++)
    {
      gsize n;
      const guint8 *d = g_bytes_get_data (g_ptr_array_index (self->digests, i), &n);
      g_autofree char *hex = kyso_hex_encode (d, n);
      json_builder_add_string_value (b, hex);
    }
  json_builder_end_array (b);
  if (self->doc_ids != NULL)
    {
      json_builder_set_member_name (b, "doc_ids");
      json_builder_begin_array (b);
      for (guint i = 0; self->doc_ids[i] != NULL; i++)
        json_builder_add_string_value (b, self->doc_ids[i]);
      json_builder_end_array (b);
    }
  /* Whole seconds are enough for a deadline counted in minutes. */
  json_builder_set_member_name (b, "created_at");
  json_builder_add_int_value (b, self->created_at / G_USEC_PER_SEC);
  json_builder_set_member_name (b, "expires_at");
  json_builder_add_int_value (b, kyso_pending_get_expires_at (self) / G_USEC_PER_SEC);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

static gboolean
ensure_dir (const char *dir, GError **error)
{
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _("Could not create the folder for pending signing requests “%s”: %s"), dir,
                      g_strerror (saved));
      return FALSE;
    }
  return TRUE;
}

gboolean
kyso_pending_save (KysoPending *self, GError **error)
{
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(KysoAtomicFile) file = NULL;
  g_autofree char *path = NULL;
  g_autofree char *text = NULL;

  g_return_val_if_fail (KYSO_IS_PENDING (self), FALSE);

  if (!ensure_dir (self->dir, error))
    return FALSE;
  path = file_path (self->dir, self->id, ".json");
  file = kyso_atomic_file_new (path, error);
  if (file == NULL)
    return FALSE;
  /* Before any byte is written: the record is nobody else's business. */
  if (fchmod (kyso_atomic_file_get_fd (file), 0600) != 0)
    {
      int saved = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), "%s", g_strerror (saved));
      return FALSE;
    }
  node = to_json (self);
  text = json_to_string (node, TRUE);
  return kyso_write_all (kyso_atomic_file_get_fd (file), text, strlen (text), error)
         && kyso_atomic_file_commit (file, error);
}

static const char *
member_string (JsonObject *o, const char *name)
{
  JsonNode *n = json_object_get_member (o, name);

  if (n == NULL || !JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (n);
}

static gint64
member_int (JsonObject *o, const char *name)
{
  JsonNode *n = json_object_get_member (o, name);

  if (n == NULL || !JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_INT64)
    return 0;
  return json_node_get_int (n);
}

static gboolean
from_json (KysoPending *self, JsonNode *root)
{
  JsonObject *o = JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root) : NULL;
  JsonArray *digests, *doc_ids;
  const char *state;

  if (o == NULL || member_int (o, "version") != FORMAT_VERSION || !id_is_valid (member_string (o, "id")))
    return FALSE;
  self->id = g_strdup (member_string (o, "id"));
  for (guint i = 0; i < N_FIELDS; i++)
    self->fields[i] = g_strdup (member_string (o, field_names[i]));
  state = member_string (o, "state");
  for (guint i = 0; state != NULL && i < G_N_ELEMENTS (state_names); i++)
    if (g_str_equal (state, state_names[i]))
      self->state = (KysoPendingState)i;
  digests = json_object_has_member (o, "digests") ? json_object_get_array_member (o, "digests") : NULL;
  for (guint i = 0; digests != NULL && i < json_array_get_length (digests); i++)
    {
      const char *hex = json_array_get_string_element (digests, i);
      GBytes *d = hex ? kyso_hex_decode (hex, -1) : NULL;
      if (d == NULL)
        return FALSE;
      g_ptr_array_add (self->digests, d);
    }
  doc_ids = json_object_has_member (o, "doc_ids") ? json_object_get_array_member (o, "doc_ids") : NULL;
  if (doc_ids != NULL && json_array_get_length (doc_ids) == self->digests->len)
    {
      self->doc_ids = g_new0 (char *, self->digests->len + 1);
      for (guint i = 0; i < self->digests->len; i++)
        self->doc_ids[i] = g_strdup (json_array_get_string_element (doc_ids, i));
    }
  self->created_at = member_int (o, "created_at") * G_USEC_PER_SEC;
  /* A record without a creation time is as old as can be: it expires at once. */
  if (self->created_at <= 0)
    self->created_at = 1;
  self->expires_at = member_int (o, "expires_at") * G_USEC_PER_SEC;
  return self->fields[F_KIND] != NULL && self->digests->len > 0;
}

static KysoPending *
load_path (const char *dir, const char *path, GError **error)
{
  g_autoptr(KysoPending) self = g_object_new (KYSO_TYPE_PENDING, NULL);
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(GError) local = NULL;

  if (!json_parser_load_from_file (parser, path, &local))
    {
      if (g_error_matches (local, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        g_set_error_literal (error, KYSO_ERROR, KYSO_ERROR_NOT_FOUND,
                             _("There is no such pending signing request."));
      else
        g_set_error (error, KYSO_ERROR, KYSO_ERROR_BROKEN_FILE,
                     _("The pending signing request “%s” cannot be read: %s"), path, local->message);
      return NULL;
    }
  if (!from_json (self, json_parser_get_root (parser)))
    {
      g_set_error (error, KYSO_ERROR, KYSO_ERROR_BROKEN_FILE,
                   _("The pending signing request “%s” is damaged."), path);
      return NULL;
    }
  self->dir = g_strdup (dir);
  return g_steal_pointer (&self);
}

KysoPending *
kyso_pending_load (const char *dir, const char *id, GError **error)
{
  g_autofree char *path = NULL;

  if (dir == NULL)
    dir = kyso_pending_get_default_dir ();
  if (!id_is_valid (id))
    {
      g_set_error_literal (error, KYSO_ERROR, KYSO_ERROR_NOT_FOUND,
                           _("There is no such pending signing request."));
      return NULL;
    }
  path = file_path (dir, id, ".json");
  return load_path (dir, path, error);
}

static gint
compare_created (gconstpointer a, gconstpointer b)
{
  const KysoPending *pa = *(KysoPending *const *)a;
  const KysoPending *pb = *(KysoPending *const *)b;

  return pa->created_at < pb->created_at ? -1 : pa->created_at > pb->created_at;
}

GPtrArray *
kyso_pending_list (const char *dir, GError **error)
{
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GDir) d = NULL;
  g_autoptr(GError) local = NULL;
  const char *name;

  if (dir == NULL)
    dir = kyso_pending_get_default_dir ();
  d = g_dir_open (dir, 0, &local);
  if (d == NULL)
    {
      if (g_error_matches (local, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        return g_steal_pointer (&list);
      g_propagate_error (error, g_steal_pointer (&local));
      return NULL;
    }
  while ((name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = NULL;
      g_autoptr(GError) err = NULL;
      KysoPending *p;

      /* Only "<uuid>.json": the atomic writer's temporary files start with a dot. */
      if (!g_str_has_suffix (name, ".json") || name[0] == '.')
        continue;
      path = g_build_filename (dir, name, NULL);
      p = load_path (dir, path, &err);
      if (p == NULL)
        g_debug ("skipping a pending request: %s", err->message);
      else
        g_ptr_array_add (list, p);
    }
  g_ptr_array_sort (list, compare_created);
  return g_steal_pointer (&list);
}

static gboolean
same_path (const char *a, const char *b)
{
  g_autofree char *ca = NULL;
  g_autofree char *cb = NULL;

  if (a == NULL || b == NULL)
    return FALSE;
  ca = g_canonicalize_filename (a, NULL);
  cb = g_canonicalize_filename (b, NULL);
  return g_str_equal (ca, cb);
}

KysoPending *
kyso_pending_find_for_document (const char *dir, const char *document_path, const char *output_path,
                                GError **error)
{
  g_autoptr(GPtrArray) list = kyso_pending_list (dir, error);
  gint64 now = g_get_real_time ();

  if (list == NULL)
    return NULL;
  for (guint i = list->len; i > 0; i--)
    {
      KysoPending *p = g_ptr_array_index (list, i - 1);

      if (same_path (p->fields[F_DOCUMENT], document_path)
          && (output_path == NULL || same_path (p->fields[F_OUTPUT], output_path))
          && !kyso_pending_is_expired (p, now))
        return g_object_ref (p);
    }
  return NULL;
}

guint
kyso_pending_prune (const char *dir, gint64 grace_seconds)
{
  g_autoptr(GPtrArray) list = kyso_pending_list (dir, NULL);
  gint64 limit = g_get_real_time () - grace_seconds * G_USEC_PER_SEC;
  guint n = 0;

  for (guint i = 0; list != NULL && i < list->len; i++)
    {
      KysoPending *p = g_ptr_array_index (list, i);
      if (kyso_pending_is_expired (p, limit) && kyso_pending_forget (p, NULL))
        n++;
    }
  return n;
}

static gboolean
remove_file (const char *path, GError **error)
{
  if (g_unlink (path) != 0 && errno != ENOENT)
    {
      int saved = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _("Could not remove “%s”: %s"), path, g_strerror (saved));
      return FALSE;
    }
  return TRUE;
}

gboolean
kyso_pending_forget (KysoPending *self, GError **error)
{
  g_autofree char *json = NULL;
  g_autofree char *session = NULL;

  g_return_val_if_fail (KYSO_IS_PENDING (self), FALSE);
  json = file_path (self->dir, self->id, ".json");
  session = kyso_pending_dup_session_path (self);
  /* The record first: a session file without a record is never resumed, the reverse would be. */
  return remove_file (json, error) && remove_file (session, error);
}

const char *
kyso_pending_get_id (KysoPending *self)
{
  return self->id;
}

const char *
kyso_pending_get_dir (KysoPending *self)
{
  return self->dir;
}

KysoPendingState
kyso_pending_get_state (KysoPending *self)
{
  return self->state;
}

void
kyso_pending_set_state (KysoPending *self, KysoPendingState state)
{
  g_return_if_fail (state <= KYSO_PENDING_APPROVED);
  self->state = state;
}

#define STRING_FIELD(name, field)                                                                            \
  const char *kyso_pending_get_##name (KysoPending *self)                                                    \
  {                                                                                                          \
    g_return_val_if_fail (KYSO_IS_PENDING (self), NULL);                                                     \
    return self->fields[field];                                                                              \
  }                                                                                                          \
  void kyso_pending_set_##name (KysoPending *self, const char *v)                                            \
  {                                                                                                          \
    g_return_if_fail (KYSO_IS_PENDING (self));                                                               \
    if (self->fields[field] != v)                                                                            \
      {                                                                                                      \
        g_free (self->fields[field]);                                                                        \
        self->fields[field] = g_strdup (v);                                                                  \
      }                                                                                                      \
  }

const char *
kyso_pending_get_kind (KysoPending *self)
{
  return self->fields[F_KIND];
}

STRING_FIELD (service_url, F_SERVICE_URL)
STRING_FIELD (provider, F_PROVIDER)
STRING_FIELD (credential_id, F_CREDENTIAL_ID)
STRING_FIELD (certificate_sha256, F_CERTIFICATE_SHA256)
STRING_FIELD (transaction_id, F_TRANSACTION_ID)
STRING_FIELD (tran_code, F_TRAN_CODE)
STRING_FIELD (verification_code, F_VERIFICATION_CODE)
STRING_FIELD (description, F_DESCRIPTION)
STRING_FIELD (document_path, F_DOCUMENT)
STRING_FIELD (output_path, F_OUTPUT)

GPtrArray *
kyso_pending_get_digests (KysoPending *self)
{
  return self->digests;
}

const char *const *
kyso_pending_get_doc_ids (KysoPending *self)
{
  return (const char *const *)self->doc_ids;
}

void
kyso_pending_set_digests (KysoPending *self, GPtrArray *digests, const char *const *doc_ids)
{
  g_return_if_fail (KYSO_IS_PENDING (self) && digests != NULL);
  g_ptr_array_set_size (self->digests, 0);
  for (guint i = 0; i < digests->len; i++)
    g_ptr_array_add (self->digests, g_bytes_ref (g_ptr_array_index (digests, i)));
  g_clear_pointer (&self->doc_ids, g_strfreev);
  if (doc_ids != NULL)
    {
      self->doc_ids = g_new0 (char *, digests->len + 1);
      for (guint i = 0; i < digests->len; i++)
        self->doc_ids[i] = g_strdup (doc_ids[i] ? doc_ids[i] : "");
    }
}

gboolean
kyso_pending_matches_digests (KysoPending *self, GPtrArray *digests)
{
  if (digests == NULL || digests->len != self->digests->len)
    return FALSE;
  for (guint i = 0; i < digests->len; i++)
    if (!g_bytes_equal (g_ptr_array_index (digests, i), g_ptr_array_index (self->digests, i)))
      return FALSE;
  return TRUE;
}

gint64
kyso_pending_get_created_at (KysoPending *self)
{
  return self->created_at;
}

gint64
kyso_pending_get_expires_at (KysoPending *self)
{
  if (self->expires_at > 0)
    return self->expires_at;
  return self->created_at + (gint64)KYSO_PENDING_DEFAULT_LIFETIME_SECONDS * G_USEC_PER_SEC;
}

void
kyso_pending_set_expires_at (KysoPending *self, gint64 expires_at)
{
  self->expires_at = expires_at;
}

gboolean
kyso_pending_is_expired (KysoPending *self, gint64 now)
{
  return now > kyso_pending_get_expires_at (self);
}
