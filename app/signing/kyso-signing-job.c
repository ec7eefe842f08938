/* kyso-signing-job.c: prepare → ask → wait → finish → keep or forget → resume, once for every
 * front end (see the header for the record format and the keep-or-forget rule). */
#include "config.h"

#include "kyso-signing-job.h"
#include "kyso-certificate.h"
#include "kyso-error.h"
#include "kyso-signer-factory.h"
#include "kyso-util.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>

#define SESSION_VERSION 2

struct _KysoSigningJob
{
  GObject parent_instance;

  KysoSigner *signer;
  char *credential_id;
  char *dir;
  char *description;
  char *expected_id;
  char *profile_id;
  guint profile_account;
  GPtrArray *sessions; /* KysoSignSession, one per file */
  GPtrArray *outputs;  /* char *, the outputs named so far (unique within the job) */

  KysoSignerCredential *credential;
  char *signer_name;
  char *signer_id;
  KysoPending *pending;

  gboolean running;
  gboolean aborted;
  GCancellable *cancellable; /* ours: abort() cancels it; the caller's cancels it too */

  KysoSignProgress progress; /* strings below */
  char *progress_provider;
  char *progress_transaction;
  char *progress_code;
  GStrv progress_doc_codes;
};

enum
{
  SIGNAL_PROGRESS,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (KysoSigningJob, kyso_signing_job, G_TYPE_OBJECT)

static void
kyso_signing_job_finalize (GObject *object)
{
  KysoSigningJob *self = KYSO_SIGNING_JOB (object);

  g_clear_object (&self->signer);
  g_free (self->credential_id);
  g_free (self->dir);
  g_free (self->description);
  g_free (self->expected_id);
  g_free (self->profile_id);
  g_ptr_array_unref (self->sessions);
  g_ptr_array_unref (self->outputs);
  g_clear_pointer (&self->credential, kyso_signer_credential_free);
  g_free (self->signer_name);
  g_free (self->signer_id);
  g_clear_object (&self->pending);
  g_clear_object (&self->cancellable);
  g_free (self->progress_provider);
  g_free (self->progress_transaction);
  g_free (self->progress_code);
  g_strfreev (self->progress_doc_codes);
  G_OBJECT_CLASS (kyso_signing_job_parent_class)->finalize (object);
}

static void
kyso_signing_job_class_init (KysoSigningJobClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = kyso_signing_job_finalize;

  /* (const KysoSignProgress *): valid during the emission only. */
  signals[SIGNAL_PROGRESS] = g_signal_new ("progress", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                                           NULL, NULL, G_TYPE_NONE, 1, G_TYPE_POINTER);
}

static void
kyso_signing_job_init (KysoSigningJob *self)
{
  self->sessions = g_ptr_array_new_with_free_func (g_object_unref);
  self->outputs = g_ptr_array_new_with_free_func (g_free);
  self->progress.state = KYSO_SIGN_STATE_SENDING;
}

static const char *
job_dir (KysoSigningJob *self)
{
  return self->dir != NULL ? self->dir : kyso_pending_get_default_dir ();
}

char *
kyso_signing_job_default_output (const char *input)
{
  g_autofree char *dir = NULL;
  g_autofree char *base = NULL;
  char *dot;

  g_return_val_if_fail (input != NULL, NULL);
  dir = g_path_get_dirname (input);
  base = g_path_get_basename (input);
  dot = strrchr (base, '.');
  if (dot != NULL && dot != base && g_ascii_strcasecmp (dot, ".pdf") == 0)
    *dot = '\0';
  for (guint n = 1; n < 1000; n++)
    {
      g_autofree char *name
        = n == 1 ? g_strdup_printf ("%s-signed.pdf", base) : g_strdup_printf ("%s-signed-%u.pdf", base, n);
      char *path = g_build_filename (dir, name, NULL);

      if (!g_file_test (path, G_FILE_TEST_EXISTS))
        return path;
      g_free (path);
    }
  return g_strdup_printf ("%s/%s-signed-%08x.pdf", dir, base, g_random_int ());
}

KysoSigningJob *
kyso_signing_job_new (KysoSigner *signer, const char *credential_id)
{
  KysoSigningJob *self;

  g_return_val_if_fail (KYSO_IS_SIGNER (signer), NULL);
  self = g_object_new (KYSO_TYPE_SIGNING_JOB, NULL);
  self->signer = g_object_ref (signer);
  self->credential_id = g_strdup (credential_id);
  return self;
}

void
kyso_signing_job_set_pending_dir (KysoSigningJob *self, const char *dir)
{
  g_return_if_fail (KYSO_IS_SIGNING_JOB (self) && !self->running);
  g_free (self->dir);
  self->dir = g_strdup (dir);
}

void
kyso_signing_job_set_description (KysoSigningJob *self, const char *description)
{
  g_return_if_fail (KYSO_IS_SIGNING_JOB (self));
  g_free (self->description);
  self->description = g_strdup (description);
}

void
kyso_signing_job_set_expected_id (KysoSigningJob *self, const char *national_id)
{
  g_return_if_fail (KYSO_IS_SIGNING_JOB (self));
  g_free (self->expected_id);
  self->expected_id = g_strdup (national_id);
}

void
kyso_signing_job_set_profile_id (KysoSigningJob *self, const char *profile_id)
{
  g_return_if_fail (KYSO_IS_SIGNING_JOB (self));
  g_free (self->profile_id);
  self->profile_id = g_strdup (profile_id);
}

void
kyso_signing_job_set_profile_account (KysoSigningJob *self, guint account_index)
{
  g_return_if_fail (KYSO_IS_SIGNING_JOB (self));
  self->profile_account = account_index;
}

static gboolean
output_taken (KysoSigningJob *self, const char *path)
{
  for (guint i = 0; i < self->outputs->len; i++)
    if (g_str_equal (self->outputs->pdata[i], path))
      return TRUE;
  return FALSE;
}

guint
kyso_signing_job_add_file (KysoSigningJob *self, const char *input, const char *output,
                           const KysoSignSessionOptions *options)
{
  KysoSignSessionOptions o = { 0 };
  g_autofree char *out = NULL;

  g_return_val_if_fail (KYSO_IS_SIGNING_JOB (self) && !self->running, 0);
  g_return_val_if_fail (input != NULL, 0);
  if (options != NULL)
    o = *options;
  o.work_dir = job_dir (self);
  out = output != NULL ? g_strdup (output) : kyso_signing_job_default_output (input);
  /* Two files may be given the same default name before either exists. */
  if (output == NULL)
    for (guint n = 2; output_taken (self, out); n++)
      {
        g_autofree char *stem = g_strndup (out, strlen (out) - strlen (".pdf"));
        char *next = g_strdup_printf ("%s-%u.pdf", stem, n);
        g_free (out);
        out = next;
      }
  g_ptr_array_add (self->sessions, kyso_sign_session_new (input, out, &o));
  g_ptr_array_add (self->outputs, g_steal_pointer (&out));
  return self->sessions->len - 1;
}

/* The session file ----------------------------------------------------------------------------- */

static char *
session_path (KysoPending *pending)
{
  return kyso_pending_dup_session_path (pending);
}

static gboolean
save_sessions (KysoSigningJob *self, GError **error)
{
  g_autofree char *path = session_path (self->pending);
  g_autoptr (KysoAtomicFile) file = NULL;
  g_autoptr (GVariant) state = NULL;
  GVariantBuilder b, list;

  g_variant_builder_init (&list, G_VARIANT_TYPE ("av"));
  for (guint i = 0; i < self->sessions->len; i++)
    g_variant_builder_add (&list, "v", kyso_sign_session_save (self->sessions->pdata[i]));
  g_variant_builder_init (&b, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&b, "{sv}", "version", g_variant_new_uint32 (SESSION_VERSION));
  g_variant_builder_add (&b, "{sv}", "sessions", g_variant_builder_end (&list));
  if (self->profile_id != NULL)
    {
      g_variant_builder_add (&b, "{sv}", "profile", g_variant_new_string (self->profile_id));
      g_variant_builder_add (&b, "{sv}", "account", g_variant_new_uint32 (self->profile_account));
    }
  state = g_variant_ref_sink (g_variant_builder_end (&b));

  if (g_mkdir_with_parents (job_dir (self), 0700) != 0)
    {
      int saved = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _ ("Could not create the folder for pending signing requests “%s”: %s"), job_dir (self),
                      g_strerror (saved));
      return FALSE;
    }
  file = kyso_atomic_file_new (path, error);
  if (file == NULL)
    return FALSE;
  if (fchmod (kyso_atomic_file_get_fd (file), 0600) != 0)
    {
      int saved = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), "%s", g_strerror (saved));
      return FALSE;
    }
  return kyso_write_all (kyso_atomic_file_get_fd (file), g_variant_get_data (state),
                         g_variant_get_size (state), error)
         && kyso_atomic_file_commit (file, error);
}

/* The file as written, in normal form (every offset checked: read as untrusted). */
static GVariant *
read_session_file (KysoPending *pending)
{
  g_autofree char *path = session_path (pending);
  g_autoptr (GMappedFile) map = g_mapped_file_new (path, FALSE, NULL);
  g_autoptr (GBytes) bytes = map != NULL ? g_mapped_file_get_bytes (map) : NULL;
  g_autoptr (GVariant) raw = NULL;

  if (bytes == NULL)
    return NULL;
  raw = g_variant_ref_sink (g_variant_new_from_bytes (G_VARIANT_TYPE_VARDICT, bytes, FALSE));
  return g_variant_get_normal_form (raw);
}

/* The saved state of each file, whichever form wrote it. → GPtrArray of GVariant a{sv}. */
static GPtrArray *
session_states (GVariant *file)
{
  g_autoptr (GPtrArray) out = g_ptr_array_new_with_free_func ((GDestroyNotify)g_variant_unref);
  g_autoptr (GVariant) list = NULL;
  g_autoptr (GVariant) one = NULL;
  const char *input = NULL;

  if (file == NULL)
    return NULL;
  if ((list = g_variant_lookup_value (file, "sessions", G_VARIANT_TYPE ("av"))) != NULL)
    {
      for (gsize i = 0; i < g_variant_n_children (list); i++)
        {
          g_autoptr (GVariant) boxed = g_variant_get_child_value (list, i);
          g_autoptr (GVariant) state = g_variant_get_variant (boxed);

          if (!g_variant_is_of_type (state, G_VARIANT_TYPE_VARDICT))
            return NULL;
          g_ptr_array_add (out, g_steal_pointer (&state));
        }
    }
  else if ((one = g_variant_lookup_value (file, "session", G_VARIANT_TYPE_VARDICT)) != NULL)
    g_ptr_array_add (out, g_steal_pointer (&one)); /* the sign dialog's form */
  else if (g_variant_lookup (file, "input", "^&ay", &input))
    g_ptr_array_add (out, g_variant_ref (file)); /* kyso-cli's form: the session itself */
  return out->len > 0 ? g_steal_pointer (&out) : NULL;
}

char *
kyso_signing_job_dup_profile_id (KysoPending *pending)
{
  g_autoptr (GVariant) file = NULL;
  char *id = NULL;

  g_return_val_if_fail (KYSO_IS_PENDING (pending), NULL);
  file = read_session_file (pending);
  /* "profile-id": the sign dialog's form before version 2. */
  if (file != NULL && !g_variant_lookup (file, "profile", "s", &id))
    g_variant_lookup (file, "profile-id", "s", &id);
  return id;
}

guint
kyso_signing_job_get_profile_account (KysoPending *pending)
{
  g_autoptr (GVariant) file = NULL;
  guint32 index = 0;

  g_return_val_if_fail (KYSO_IS_PENDING (pending), 0);
  file = read_session_file (pending);
  if (file != NULL)
    g_variant_lookup (file, "account", "u", &index);
  return index;
}

/* Only what a session made: a prepared copy (or the older form next to the output). */
static gboolean
is_prepared_copy (const char *path)
{
  g_autofree char *base = g_path_get_basename (path);

  return (g_str_has_prefix (base, "prepared-") && g_str_has_suffix (base, ".pdf"))
         || (base[0] == '.' && strstr (base, ".kyso-") != NULL);
}

static void
remove_prepared_copies (GVariant *file)
{
  g_autoptr (GPtrArray) states = session_states (file);

  for (guint i = 0; states != NULL && i < states->len; i++)
    {
      const char *temp = NULL;

      if (g_variant_lookup (states->pdata[i], "temp", "^&ay", &temp) && is_prepared_copy (temp))
        (void)g_unlink (temp);
    }
}

void
kyso_signing_job_forget (KysoPending *pending)
{
  g_autoptr (GVariant) file = NULL;
  g_autoptr (GError) error = NULL;

  g_return_if_fail (KYSO_IS_PENDING (pending));
  file = read_session_file (pending);
  remove_prepared_copies (file);
  if (!kyso_pending_forget (pending, &error))
    g_warning ("Could not forget the pending signing request: %s", error->message);
}

KysoPending *
kyso_signing_job_find_pending (const char *dir, const char *input, const char *output, GError **error)
{
  g_autoptr (KysoPending) pending = kyso_pending_find_for_document (dir, input, output, error);
  g_autofree char *path = NULL;

  if (pending == NULL)
    return NULL;
  path = session_path (pending);
  return g_file_test (path, G_FILE_TEST_IS_REGULAR) ? g_steal_pointer (&pending) : NULL;
}

static gboolean
older_than (const char *path, gint64 limit_s)
{
  struct stat st;

  return g_lstat (path, &st) == 0 && S_ISREG (st.st_mode) && st.st_mtime < limit_s;
}

guint
kyso_signing_job_prune (const char *dir, gint64 grace_seconds)
{
  g_autoptr (GPtrArray) list = NULL;
  g_autoptr (GHashTable) live = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr (GDir) d = NULL;
  gint64 now = g_get_real_time ();
  gint64 limit = now - grace_seconds * G_USEC_PER_SEC;
  const char *name;
  guint n = 0;

  if (dir == NULL)
    dir = kyso_pending_get_default_dir ();
  list = kyso_pending_list (dir, NULL);
  for (guint i = 0; list != NULL && i < list->len; i++)
    {
      KysoPending *p = list->pdata[i];
      g_autoptr (GVariant) file = read_session_file (p);
      g_autoptr (GPtrArray) states = NULL;

      if (kyso_pending_is_expired (p, limit))
        {
          kyso_signing_job_forget (p);
          n++;
          continue;
        }
      g_hash_table_add (live, g_strdup (kyso_pending_get_id (p)));
      states = session_states (file);
      for (guint k = 0; states != NULL && k < states->len; k++)
        {
          const char *temp = NULL;
          if (g_variant_lookup (states->pdata[k], "temp", "^&ay", &temp))
            g_hash_table_add (live, g_path_get_basename (temp));
        }
    }
  /* What no record names any more (a crash between two writes), once it is old enough. */
  d = g_dir_open (dir, 0, NULL);
  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autofree char *id = g_str_has_suffix (name, ".session") ? g_strndup (name, strlen (name) - 8) : NULL;

      if ((id != NULL && g_hash_table_contains (live, id)) || g_hash_table_contains (live, name))
        continue;
      if ((id != NULL || is_prepared_copy (path)) && older_than (path, limit / G_USEC_PER_SEC))
        (void)g_unlink (path);
    }
  return n;
}

/* The run --------------------------------------------------------------------------------------- */

typedef struct
{
  GPtrArray *digests;
  GPtrArray *signatures;
  guint next;
  gboolean resume;
  gulong cancel_id;
  GCancellable *caller;
} Run;

static void
run_free (Run *run)
{
  if (run->cancel_id != 0)
    g_cancellable_disconnect (run->caller, run->cancel_id);
  g_clear_object (&run->caller);
  g_clear_pointer (&run->digests, g_ptr_array_unref);
  g_clear_pointer (&run->signatures, g_ptr_array_unref);
  g_free (run);
}

static void
on_caller_cancelled (GCancellable *caller, gpointer user_data)
{
  g_cancellable_cancel (user_data);
}

static void
on_progress (const KysoSignProgress *p, gpointer user_data)
{
  KysoSigningJob *self = user_data;

  /* The strings may be the same as the ones kept: copy before freeing. */
  if (p->provider != self->progress_provider)
    {
      char *s = g_strdup (p->provider);
      g_free (self->progress_provider);
      self->progress_provider = s;
    }
  if (p->transaction_id != self->progress_transaction)
    {
      char *s = g_strdup (p->transaction_id);
      g_free (self->progress_transaction);
      self->progress_transaction = s;
    }
  if (p->verification_code != self->progress_code)
    {
      char *s = g_strdup (p->verification_code);
      g_free (self->progress_code);
      self->progress_code = s;
    }
  if ((const char *const *)self->progress_doc_codes != p->doc_codes)
    {
      GStrv codes = g_strdupv ((char **)p->doc_codes);
      g_strfreev (self->progress_doc_codes);
      self->progress_doc_codes = codes;
    }
  self->progress.state = p->state;
  self->progress.doc_codes = (const char *const *)self->progress_doc_codes;
  self->progress.provider = self->progress_provider;
  self->progress.transaction_id = self->progress_transaction;
  self->progress.verification_code = self->progress_code;
  self->progress.expires_at = p->expires_at;
  g_signal_emit (self, signals[SIGNAL_PROGRESS], 0, &self->progress);
}

/* The one keep-or-forget rule. */
static gboolean
outcome_unknown (const GError *error)
{
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return TRUE;
  return error->domain == KYSO_ERROR
         && (error->code == KYSO_ERROR_NETWORK || error->code == KYSO_ERROR_SERVER
             || error->code == KYSO_ERROR_TLS);
}

static void
end_failed (KysoSigningJob *self, const GError *error)
{
  gboolean keep = !self->aborted && self->pending != NULL
                  && kyso_pending_get_transaction_id (self->pending) != NULL && outcome_unknown (error);

  if (keep)
    {
      g_autoptr (GError) local = NULL;

      /* The signer may have dropped its copy of the record: this rule is the one that counts. */
      if (!kyso_pending_save (self->pending, &local))
        g_warning ("Could not keep the pending signing request: %s", local->message);
      return;
    }
  for (guint i = 0; i < self->sessions->len; i++)
    if (!kyso_sign_session_is_completed (self->sessions->pdata[i]))
      kyso_sign_session_abort (self->sessions->pdata[i]);
  if (self->pending != NULL)
    {
      kyso_signing_job_forget (self->pending);
      kyso_signer_factory_set_pending (self->signer, NULL);
    }
}

static void
return_error (GTask *task, GError *error)
{
  KysoSigningJob *self = g_task_get_source_object (task);

  end_failed (self, error);
  self->running = FALSE;
  g_task_return_error (task, error);
}

/* With several files, an error about one of them names it. */
static void
return_file_error (GTask *task, KysoSignSession *session, GError *error)
{
  KysoSigningJob *self = g_task_get_source_object (task);

  if (error->domain == KYSO_ERROR && self->sessions->len > 1)
    {
      g_autofree char *name = g_path_get_basename (kyso_sign_session_get_input_path (session));
      /* Translators: %s is a file name; the reason follows */
      g_prefix_error (&error, _ ("“%s”: "), name);
    }
  return_error (task, error);
}

static void
complete_next (GTask *task);

static void
completed_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  Run *run = g_task_get_task_data (task);
  GError *error = NULL;

  if (!kyso_sign_session_complete_finish (KYSO_SIGN_SESSION (source), result, &error))
    {
      return_file_error (task, KYSO_SIGN_SESSION (source), error);
      return;
    }
  run->next++;
  complete_next (g_steal_pointer (&task));
}

static void
complete_next (GTask *task)
{
  KysoSigningJob *self = g_task_get_source_object (task);
  Run *run = g_task_get_task_data (task);

  if (run->next < self->sessions->len)
    {
      kyso_sign_session_complete_async (self->sessions->pdata[run->next], run->signatures->pdata[run->next],
                                        self->cancellable, completed_cb, task);
      return;
    }
  /* Every file is at its output: nothing is waiting any more. */
  if (self->pending != NULL)
    {
      kyso_signing_job_forget (self->pending);
      kyso_signer_factory_set_pending (self->signer, NULL);
    }
  self->running = FALSE;
  g_task_return_boolean (task, TRUE);
  g_object_unref (task);
}

static void
signed_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  KysoSigningJob *self = g_task_get_source_object (task);
  Run *run = g_task_get_task_data (task);
  GError *error = NULL;

  run->signatures = kyso_signer_sign_digests_finish (KYSO_SIGNER (source), result, &error);
  if (run->signatures == NULL)
    {
      return_error (task, error);
      return;
    }
  if (run->signatures->len != self->sessions->len)
    {
      return_error (
        task, g_error_new (KYSO_ERROR, KYSO_ERROR_BAD_SIGNATURE,
                           _ ("The signing service returned %u signatures for %u files. Nothing was signed."),
                              run->signatures->len, self->sessions->len));
      return;
    }
  run->next = 0;
  complete_next (g_steal_pointer (&task));
}

static void
sign_all (GTask *task)
{
  KysoSigningJob *self = g_task_get_source_object (task);
  Run *run = g_task_get_task_data (task);
  g_autoptr (GPtrArray) doc_ids = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *description = NULL;
  KysoSignRequest request = { 0 };

  for (guint i = 0; i < self->sessions->len; i++)
    g_ptr_array_add (doc_ids,
                     g_path_get_basename (kyso_sign_session_get_input_path (self->sessions->pdata[i])));
  g_ptr_array_add (doc_ids, NULL);
  if (self->description != NULL)
    description = g_strdup (self->description);
  else if (self->sessions->len == 1)
    /* Translators: shown on the citizen's phone; %s is the file name */
    description = g_strdup_printf (_ ("Sign %s"), (char *)doc_ids->pdata[0]);
  else
    description
      = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Sign %u file", "Sign %u files", self->sessions->len),
                         self->sessions->len);
  request.credential_id = self->credential->id;
  request.description = description;
  request.doc_ids = (const char *const *)doc_ids->pdata;
  kyso_signer_sign_digests_async (self->signer, run->digests, &request, on_progress, self, self->cancellable,
                                  signed_cb, task);
}

/* Before the phone is asked: the record and every prepared file are on disk, so that from the
 * moment the request leaves, a crash can be resumed. */
static gboolean
record_request (KysoSigningJob *self, GError **error)
{
  const char *kind = kyso_signer_factory_get_kind (self->signer);
  KysoSignSession *first = self->sessions->pdata[0];

  if (kind == NULL)
    return TRUE;
  g_clear_object (&self->pending);
  self->pending = kyso_pending_new (job_dir (self), kind);
  kyso_pending_set_document_path (self->pending, kyso_sign_session_get_input_path (first));
  kyso_pending_set_output_path (self->pending, kyso_sign_session_get_output_path (first));
  if (!save_sessions (self, error))
    return FALSE;
  kyso_signer_factory_set_pending (self->signer, self->pending);
  return TRUE;
}

static void
prepare_next (GTask *task);

static void
prepared_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  Run *run = g_task_get_task_data (task);
  GError *error = NULL;
  GBytes *digest = kyso_sign_session_prepare_finish (KYSO_SIGN_SESSION (source), result, &error);

  if (digest == NULL)
    {
      return_file_error (task, KYSO_SIGN_SESSION (source), error);
      g_object_unref (task);
      return;
    }
  g_ptr_array_add (run->digests, digest);
  run->next++;
  prepare_next (task);
}

static void
prepare_next (GTask *task)
{
  KysoSigningJob *self = g_task_get_source_object (task);
  Run *run = g_task_get_task_data (task);
  GError *error = NULL;

  if (run->next < self->sessions->len)
    {
      kyso_sign_session_prepare_async (self->sessions->pdata[run->next], self->credential->chain,
                                       self->cancellable, prepared_cb, task);
      return;
    }
  if (!record_request (self, &error))
    {
      return_error (task, error);
      g_object_unref (task);
      return;
    }
  sign_all (task);
}

/* The credential asked for (the record's on a resume), else the first; checked before use. */
static gboolean
choose_credential (KysoSigningJob *self, GPtrArray *credentials, GError **error)
{
  g_autoptr (KysoCertificate) certificate = NULL;
  const char *want = self->credential_id;
  KysoSignerCredential *chosen = NULL;

  if (want == NULL && self->pending != NULL)
    want = kyso_pending_get_credential_id (self->pending);
  for (guint i = 0; i < credentials->len && chosen == NULL; i++)
    {
      KysoSignerCredential *c = credentials->pdata[i];
      if (want == NULL || g_strcmp0 (c->id, want) == 0)
        chosen = c;
    }
  if (chosen == NULL || chosen->chain == NULL || chosen->chain->len == 0)
    {
      if (want != NULL && self->credential_id != NULL)
        g_set_error (error, KYSO_ERROR, KYSO_ERROR_NOT_FOUND,
                     _ ("The signing service has no certificate “%s” for this account."), want);
      else
        g_set_error_literal (error, KYSO_ERROR, KYSO_ERROR_NOT_FOUND,
                             _ ("The signing service has no certificate for this account."));
      return FALSE;
    }
  certificate = kyso_certificate_new (chosen->chain->pdata[0], error);
  if (certificate == NULL)
    return FALSE;
  /* The portal refuses files signed by anyone but the applicant: say so before the phone rings. */
  if (self->expected_id != NULL
      && !kyso_certificate_check_for_signing (certificate, self->expected_id, NULL, error))
    return FALSE;
  g_clear_pointer (&self->credential, kyso_signer_credential_free);
  self->credential = kyso_signer_credential_copy (chosen);
  g_free (self->signer_name);
  self->signer_name = g_strdup (kyso_certificate_get_holder_name (certificate));
  g_free (self->signer_id);
  self->signer_id = g_strdup (kyso_certificate_get_national_id (certificate));
  return TRUE;
}

static void
credentials_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  KysoSigningJob *self = g_task_get_source_object (task);
  Run *run = g_task_get_task_data (task);
  g_autoptr (GPtrArray) credentials = NULL;
  GError *error = NULL;

  credentials = kyso_signer_list_credentials_finish (KYSO_SIGNER (source), result, &error);
  if (credentials == NULL || !choose_credential (self, credentials, &error))
    {
      return_error (task, error);
      g_object_unref (task);
      return;
    }
  if (run->resume)
    {
      /* The files are prepared already; the signer finds the transaction in the record. */
      kyso_signer_factory_set_pending (self->signer, self->pending);
      sign_all (task);
      return;
    }
  run->next = 0;
  prepare_next (task);
}

static GTask *
start (KysoSigningJob *self, GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data,
       gpointer tag, gboolean resume)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  Run *run = g_new0 (Run, 1);

  g_task_set_source_tag (task, tag);
  /* Our own answers, also after a cancellation (the record is kept or forgotten first). */
  g_task_set_check_cancellable (task, FALSE);
  run->digests = g_ptr_array_new_with_free_func ((GDestroyNotify)g_bytes_unref);
  run->resume = resume;
  g_task_set_task_data (task, run, (GDestroyNotify)run_free);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  self->aborted = FALSE;
  if (cancellable != NULL)
    {
      run->caller = g_object_ref (cancellable);
      run->cancel_id = g_cancellable_connect (cancellable, G_CALLBACK (on_caller_cancelled),
                                              g_object_ref (self->cancellable), g_object_unref);
    }
  return task;
}

void
kyso_signing_job_run_async (KysoSigningJob *self, GCancellable *cancellable, GAsyncReadyCallback callback,
                            gpointer user_data)
{
  GTask *task;
  g_autoptr (GError) error = NULL;

  g_return_if_fail (KYSO_IS_SIGNING_JOB (self));
  if (self->running || self->sessions->len == 0)
    {
      g_task_report_new_error (
        self, callback, user_data, kyso_signing_job_run_async, KYSO_ERROR, KYSO_ERROR_INVALID_INPUT, "%s",
        self->running ? _ ("These files are being signed already.") : _ ("Attach a PDF file to sign first."));
      return;
    }
  /* One request per document at a time: never a second prompt on the phone by accident. */
  if (kyso_signer_factory_get_kind (self->signer) != NULL)
    {
      KysoSignSession *first = self->sessions->pdata[0];
      g_autoptr (KysoPending) waiting
                 = kyso_signing_job_find_pending (job_dir (self), kyso_sign_session_get_input_path (first),
                                                  kyso_sign_session_get_output_path (first), NULL);

      if (waiting != NULL)
        {
          g_autofree char *name = g_path_get_basename (kyso_sign_session_get_input_path (first));
          const char *code = kyso_pending_get_verification_code (waiting);

          g_task_report_new_error (self, callback, user_data, kyso_signing_job_run_async, KYSO_ERROR,
                                   KYSO_ERROR_INVALID_INPUT,
                                   /* Translators: %s are a file name and a short code shown on the phone */
                                   _ ("A signing request for “%s” is still waiting for approval on the phone "
                                      "(code %s). Resume it, or "
                                      "discard it first."),
                                      name, code != NULL ? code : "?");
          return;
        }
    }
  task = start (self, cancellable, callback, user_data, kyso_signing_job_run_async, FALSE);
  self->running = TRUE;
  g_clear_object (&self->pending);
  kyso_signer_list_credentials_async (self->signer, self->cancellable, credentials_cb, task);
}

gboolean
kyso_signing_job_run_finish (KysoSigningJob *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == kyso_signing_job_run_async, FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Resume ---------------------------------------------------------------------------------------- */

/* Worker thread: every prepared copy re-read and re-hashed. → GPtrArray of KysoSignSession. */
static void
load_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  KysoPending *pending = data;
  g_autoptr (GVariant) file = read_session_file (pending);
  g_autoptr (GPtrArray) states = session_states (file);
  g_autoptr (GPtrArray) sessions = g_ptr_array_new_with_free_func (g_object_unref);

  if (states == NULL)
    {
      g_task_return_new_error (task, KYSO_ERROR, KYSO_ERROR_NOT_FOUND, "%s",
                               _ ("The prepared document of the waiting request is gone. Sign again."));
      return;
    }
  for (guint i = 0; i < states->len; i++)
    {
      GError *error = NULL;
      KysoSignSession *session = kyso_sign_session_load (states->pdata[i], &error);

      if (session == NULL)
        {
          g_task_return_error (task, error);
          return;
        }
      g_ptr_array_add (sessions, session);
      if (g_task_return_error_if_cancelled (task))
        return;
    }
  g_task_return_pointer (task, g_steal_pointer (&sessions), (GDestroyNotify)g_ptr_array_unref);
}

static void
loaded_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  KysoSigningJob *self = g_task_get_source_object (task);
  Run *run = g_task_get_task_data (task);
  g_autoptr (GPtrArray) sessions = NULL;
  GError *error = NULL;

  sessions = g_task_propagate_pointer (G_TASK (result), &error);
  if (sessions == NULL)
    {
      /* The request cannot be finished: nothing to keep, unless only the wait was cancelled. */
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          self->running = FALSE;
          g_task_return_error (task, error);
        }
      else
        {
          kyso_signing_job_forget (self->pending);
          self->running = FALSE;
          g_task_return_error (task, error);
        }
      g_object_unref (task);
      return;
    }
  g_ptr_array_set_size (self->sessions, 0);
  g_ptr_array_set_size (self->outputs, 0);
  for (guint i = 0; i < sessions->len; i++)
    {
      KysoSignSession *s = sessions->pdata[i];
      g_ptr_array_add (self->sessions, g_object_ref (s));
      g_ptr_array_add (self->outputs, g_strdup (kyso_sign_session_get_output_path (s)));
      g_ptr_array_add (run->digests, g_bytes_ref (kyso_sign_session_get_digest_to_sign (s)));
    }
  kyso_signer_list_credentials_async (self->signer, self->cancellable, credentials_cb, task);
}

void
kyso_signing_job_resume_async (KysoSigningJob *self, KysoPending *pending, GCancellable *cancellable,
                               GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task;
  g_autoptr (GTask) load = NULL;

  g_return_if_fail (KYSO_IS_SIGNING_JOB (self));
  g_return_if_fail (KYSO_IS_PENDING (pending));
  if (self->running)
    {
      g_task_report_new_error (self, callback, user_data, kyso_signing_job_resume_async, KYSO_ERROR,
                               KYSO_ERROR_INVALID_INPUT, "%s", _ ("These files are being signed already."));
      return;
    }
  if (g_strcmp0 (kyso_signer_factory_get_kind (self->signer), kyso_pending_get_kind (pending)) != 0)
    {
      g_task_report_new_error (
        self, callback, user_data, kyso_signing_job_resume_async, KYSO_ERROR, KYSO_ERROR_INVALID_INPUT, "%s",
        _ ("The waiting signing request was made with another kind of signing account, "
           "so it cannot be continued with this one."));
      return;
    }
  task = start (self, cancellable, callback, user_data, kyso_signing_job_resume_async, TRUE);
  self->running = TRUE;
  g_set_object (&self->pending, pending);
  g_free (self->dir);
  self->dir = g_strdup (kyso_pending_get_dir (pending));
  load = g_task_new (self, self->cancellable, loaded_cb, task);
  g_task_set_task_data (load, g_object_ref (pending), g_object_unref);
  g_task_run_in_thread (load, load_thread);
}

gboolean
kyso_signing_job_resume_finish (KysoSigningJob *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == kyso_signing_job_resume_async, FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

void
kyso_signing_job_abort (KysoSigningJob *self)
{
  g_return_if_fail (KYSO_IS_SIGNING_JOB (self));
  self->aborted = TRUE;
  if (self->running)
    {
      g_cancellable_cancel (self->cancellable);
      return;
    }
  for (guint i = 0; i < self->sessions->len; i++)
    if (!kyso_sign_session_is_completed (self->sessions->pdata[i]))
      kyso_sign_session_abort (self->sessions->pdata[i]);
  if (self->pending != NULL)
    kyso_signing_job_forget (self->pending);
}

/* Getters --------------------------------------------------------------------------------------- */

guint
kyso_signing_job_get_n_files (KysoSigningJob *self)
{
  g_return_val_if_fail (KYSO_IS_SIGNING_JOB (self), 0);
  return self->sessions->len;
}

static KysoSignSession *
session_at (KysoSigningJob *self, guint index)
{
  g_return_val_if_fail (KYSO_IS_SIGNING_JOB (self), NULL);
  g_return_val_if_fail (index < self->sessions->len, NULL);
  return self->sessions->pdata[index];
}

KysoSignSession *
kyso_signing_job_get_session (KysoSigningJob *self, guint index)
{
  return session_at (self, index);
}

const char *
kyso_signing_job_get_input (KysoSigningJob *self, guint index)
{
  KysoSignSession *s = session_at (self, index);
  return s != NULL ? kyso_sign_session_get_input_path (s) : NULL;
}

const char *
kyso_signing_job_get_output (KysoSigningJob *self, guint index)
{
  KysoSignSession *s = session_at (self, index);
  return s != NULL ? kyso_sign_session_get_output_path (s) : NULL;
}

gboolean
kyso_signing_job_is_signed (KysoSigningJob *self, guint index)
{
  KysoSignSession *s = session_at (self, index);
  return s != NULL && kyso_sign_session_is_completed (s);
}

gboolean
kyso_signing_job_get_placement (KysoSigningJob *self, guint index, guint *page_index, double rect[4])
{
  KysoSignSession *s = session_at (self, index);
  return s != NULL && kyso_sign_session_get_placement (s, page_index, rect);
}

const KysoSignerCredential *
kyso_signing_job_get_credential (KysoSigningJob *self)
{
  g_return_val_if_fail (KYSO_IS_SIGNING_JOB (self), NULL);
  return self->credential;
}

const char *
kyso_signing_job_get_signer_name (KysoSigningJob *self)
{
  g_return_val_if_fail (KYSO_IS_SIGNING_JOB (self), NULL);
  return self->signer_name;
}

const char *
kyso_signing_job_get_signer_id (KysoSigningJob *self)
{
  g_return_val_if_fail (KYSO_IS_SIGNING_JOB (self), NULL);
  return self->signer_id;
}

KysoPending *
kyso_signing_job_get_pending (KysoSigningJob *self)
{
  g_return_val_if_fail (KYSO_IS_SIGNING_JOB (self), NULL);
  return self->pending;
}

const KysoSignProgress *
kyso_signing_job_get_progress (KysoSigningJob *self)
{
  g_return_val_if_fail (KYSO_IS_SIGNING_JOB (self), NULL);
  return &self->progress;
}
