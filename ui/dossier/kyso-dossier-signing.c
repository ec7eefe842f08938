/* kyso-dossier-signing.c: the dossier's components signed with one approval — a thin layer over
 * KysoSigningJob (the sequence, the record, the placement rule) with the profile's look. */
#include "config.h"

#include "kyso-dossier-signing.h"
#include "kyso-error.h"
#include "kyso-providers.h"
#include "kyso-signer-factory.h"
#include "kyso-signing-job.h"

#include <glib/gi18n-lib.h>

struct _KysoDossierSigning
{
  GObject parent_instance;

  KysoSigner *signer;
  char *provider;
  char *app_name;
  char *keyword;
  char *profile_id;
  GBytes *image;
  char *tsa_url;
  char *tls_ca_file;
  char *expected_id;
  char *description;
  GPtrArray *keys;     /* char *, one per file */
  GPtrArray *inputs;   /* char * */
  KysoSigningJob *job; /* the last run */
  gboolean running;
};

G_DEFINE_FINAL_TYPE (KysoDossierSigning, kyso_dossier_signing, G_TYPE_OBJECT)

static void
kyso_dossier_signing_finalize (GObject *object)
{
  KysoDossierSigning *self = KYSO_DOSSIER_SIGNING (object);

  g_clear_object (&self->signer);
  g_clear_object (&self->job);
  g_clear_pointer (&self->image, g_bytes_unref);
  g_ptr_array_unref (self->keys);
  g_ptr_array_unref (self->inputs);
  g_free (self->provider);
  g_free (self->app_name);
  g_free (self->keyword);
  g_free (self->profile_id);
  g_free (self->tsa_url);
  g_free (self->tls_ca_file);
  g_free (self->expected_id);
  g_free (self->description);
  G_OBJECT_CLASS (kyso_dossier_signing_parent_class)->finalize (object);
}

static void
kyso_dossier_signing_class_init (KysoDossierSigningClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = kyso_dossier_signing_finalize;
}

static void
kyso_dossier_signing_init (KysoDossierSigning *self)
{
  self->keys = g_ptr_array_new_with_free_func (g_free);
  self->inputs = g_ptr_array_new_with_free_func (g_free);
}

KysoDossierSigning *
kyso_dossier_signing_new (KysoConfig *config, KysoProfile *profile, guint account_index, const char *tsa_url,
                          GError **error)
{
  g_autoptr(KysoDossierSigning) self = NULL;
  g_autoptr(KysoProfileAccount) account = NULL;
  const KysoProvider *provider;

  g_return_val_if_fail (config != NULL, NULL);
  g_return_val_if_fail (KYSO_IS_PROFILE (profile), NULL);

  account = g_list_model_get_item (kyso_profile_get_accounts (profile), account_index);
  if (account == NULL)
    {
      g_set_error_literal (error, KYSO_ERROR, KYSO_ERROR_INVALID_INPUT,
                           _("This signature has no signing account. Add one under Signatures."));
      return NULL;
    }
  provider = kyso_providers_lookup (kyso_profile_account_get_provider (account));

  self = g_object_new (KYSO_TYPE_DOSSIER_SIGNING, NULL);
  self->provider = g_strdup (provider != NULL ? provider->name : kyso_profile_account_get_provider (account));
  self->app_name = g_strdup (provider != NULL ? provider->app_name : NULL);
  /* The signer the account's kind gives (NEAC Sign, CSC …), not always NEAC. */
  self->signer = kyso_signer_factory_new_for_account (config, account, error);
  if (self->signer == NULL)
    return NULL;
  self->keyword = g_strdup (kyso_profile_get_keyword (profile));
  if (self->keyword != NULL && *self->keyword == '\0')
    g_clear_pointer (&self->keyword, g_free);
  self->profile_id = g_strdup (kyso_profile_get_id (profile));
  self->image
    = kyso_profile_get_image (profile) != NULL ? g_bytes_ref (kyso_profile_get_image (profile)) : NULL;
  self->tsa_url = tsa_url != NULL && *tsa_url != '\0' ? g_strdup (tsa_url) : NULL;
  self->tls_ca_file = g_strdup (kyso_config_get_path (config, "tls", "ca_file"));
  return g_steal_pointer (&self);
}

void
kyso_dossier_signing_set_signer (KysoDossierSigning *self, KysoSigner *signer)
{
  g_return_if_fail (KYSO_IS_DOSSIER_SIGNING (self) && !self->running);
  g_set_object (&self->signer, signer);
}

void
kyso_dossier_signing_set_expected_id (KysoDossierSigning *self, const char *national_id)
{
  g_return_if_fail (KYSO_IS_DOSSIER_SIGNING (self));
  g_free (self->expected_id);
  self->expected_id = g_strdup (national_id);
}

void
kyso_dossier_signing_set_description (KysoDossierSigning *self, const char *description)
{
  g_return_if_fail (KYSO_IS_DOSSIER_SIGNING (self));
  g_free (self->description);
  self->description = g_strdup (description);
}

char *
kyso_dossier_signing_output_for (const char *input)
{
  return kyso_signing_job_default_output (input);
}

void
kyso_dossier_signing_add_file (KysoDossierSigning *self, const char *key, const char *input)
{
  g_return_if_fail (KYSO_IS_DOSSIER_SIGNING (self) && !self->running);
  g_ptr_array_add (self->keys, g_strdup (key));
  g_ptr_array_add (self->inputs, g_strdup (input));
}

guint
kyso_dossier_signing_get_n_files (KysoDossierSigning *self)
{
  g_return_val_if_fail (KYSO_IS_DOSSIER_SIGNING (self), 0);
  return self->inputs->len;
}

/* The run ------------------------------------------------------------------------------------ */

typedef struct
{
  KysoSignProgressFunc progress;
  gpointer progress_data;
  gulong handler;
} Run;

static void
job_progress_cb (KysoSigningJob *job, const KysoSignProgress *progress, gpointer user_data)
{
  Run *run = user_data;

  if (run->progress != NULL)
    run->progress (progress, run->progress_data);
}

static void
run_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  Run *run = g_task_get_task_data (task);
  GError *error = NULL;

  g_signal_handler_disconnect (source, run->handler);
  if (kyso_signing_job_run_finish (KYSO_SIGNING_JOB (source), result, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

void
kyso_dossier_signing_run_async (KysoDossierSigning *self, KysoSignProgressFunc progress,
                                gpointer progress_data, GCancellable *cancellable,
                                GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task;
  Run *run;

  g_return_if_fail (KYSO_IS_DOSSIER_SIGNING (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, kyso_dossier_signing_run_async);
  if (self->running || self->inputs->len == 0)
    {
      g_task_return_new_error (task, KYSO_ERROR, KYSO_ERROR_INVALID_INPUT, "%s",
                               self->running ? _("These files are being signed already.")
                                             : _("Attach a PDF file to sign first."));
      g_object_unref (task);
      return;
    }
  self->running = TRUE;
  g_clear_object (&self->job);
  self->job = kyso_signing_job_new (self->signer, NULL);
  kyso_signing_job_set_expected_id (self->job, self->expected_id);
  kyso_signing_job_set_profile_id (self->job, self->profile_id);
  kyso_signing_job_set_description (self->job, self->description);
  if (self->description == NULL)
    {
      g_autofree char *text = g_strdup_printf (
        g_dngettext (GETTEXT_PACKAGE, "Sign %u dossier file", "Sign %u dossier files", self->inputs->len),
        self->inputs->len);
      kyso_signing_job_set_description (self->job, text);
    }
  for (guint i = 0; i < self->inputs->len; i++)
    {
      /* The placement rule of kyso-pdf-placement.h: under the profile's keyword, else the default
       * corner; the profile's image; the certifying authority named, as the portals' own do. */
      KysoSignSessionOptions options = {
        .keyword = self->keyword,
        .keyword_fallback = TRUE,
        .show_ca = TRUE,
        .image_png = self->image,
        .reason = _("Applicant’s signature"), .tsa_url = self->tsa_url, .tls_ca_file = self->tls_ca_file,
        };
      kyso_signing_job_add_file (self->job, self->inputs->pdata[i], NULL, &options);
    }
  run = g_new0 (Run, 1);
  run->progress = progress;
  run->progress_data = progress_data;
  g_task_set_task_data (task, run, g_free);
  run->handler = g_signal_connect (self->job, "progress", G_CALLBACK (job_progress_cb), run);
  kyso_signing_job_run_async (self->job, cancellable, run_done_cb, task);
}

gboolean
kyso_dossier_signing_run_finish (KysoDossierSigning *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == kyso_dossier_signing_run_async, FALSE);
  self->running = FALSE;
  return g_task_propagate_boolean (G_TASK (result), error);
}

const char *
kyso_dossier_signing_get_output (KysoDossierSigning *self, const char *key)
{
  g_return_val_if_fail (KYSO_IS_DOSSIER_SIGNING (self), NULL);

  for (guint i = 0; self->job != NULL && i < self->keys->len; i++)
    if (g_str_equal (self->keys->pdata[i], key) && kyso_signing_job_is_signed (self->job, i))
      return kyso_signing_job_get_output (self->job, i);
  return NULL;
}

KysoSigningJob *
kyso_dossier_signing_get_job (KysoDossierSigning *self)
{
  g_return_val_if_fail (KYSO_IS_DOSSIER_SIGNING (self), NULL);
  return self->job;
}

const char *
kyso_dossier_signing_get_signer_name (KysoDossierSigning *self)
{
  g_return_val_if_fail (KYSO_IS_DOSSIER_SIGNING (self), NULL);
  return self->job != NULL ? kyso_signing_job_get_signer_name (self->job) : NULL;
}

const char *
kyso_dossier_signing_get_signer_id (KysoDossierSigning *self)
{
  g_return_val_if_fail (KYSO_IS_DOSSIER_SIGNING (self), NULL);
  return self->job != NULL ? kyso_signing_job_get_signer_id (self->job) : NULL;
}

const char *
kyso_dossier_signing_get_provider (KysoDossierSigning *self)
{
  g_return_val_if_fail (KYSO_IS_DOSSIER_SIGNING (self), NULL);
  return self->provider;
}

const char *
kyso_dossier_signing_get_app_name (KysoDossierSigning *self)
{
  g_return_val_if_fail (KYSO_IS_DOSSIER_SIGNING (self), NULL);
  return self->app_name;
}
