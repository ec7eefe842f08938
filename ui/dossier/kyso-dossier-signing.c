#include "config.h"

#include "kyso-dossier-signing.h"
#include "kyso-certificate.h"
#include "kyso-error.h"
#include "kyso-neac-signer.h"
#include "kyso-providers.h"
#include "kyso-sign-session.h"

#include <glib/gi18n-lib.h>
#include <string.h>

typedef struct {
  char *key;
  char *input;
  char *output;
  KysoSignSession *session;
  gboolean without_keyword;   /* the keyword was not found: default place */
} Item;

struct _KysoDossierSigning
{
  GObject parent_instance;

  KysoSigner *signer;
  char *provider;
  char *app_name;
  char *keyword;
  GBytes *image;
  char *tsa_url;
  char *tls_ca_file;
  char *expected_id;
  char *description;
  GPtrArray *items;           /* Item */
  KysoSignerCredential *credential;
  char *signer_name;
  char *signer_id;
  gboolean running;
};

G_DEFINE_FINAL_TYPE (KysoDossierSigning, kyso_dossier_signing, G_TYPE_OBJECT)

static void
item_free (gpointer data)
{
  Item *item = data;

  if (item->session != NULL && !kyso_sign_session_is_completed (item->session))
    kyso_sign_session_abort (item->session);
  g_clear_object (&item->session);
  g_free (item->key);
  g_free (item->input);
  g_free (item->output);
  g_free (item);
}

static void
kyso_dossier_signing_finalize (GObject *object)
{
  KysoDossierSigning *self = KYSO_DOSSIER_SIGNING (object);

  g_clear_object (&self->signer);
  g_clear_pointer (&self->image, g_bytes_unref);
  g_clear_pointer (&self->credential, kyso_signer_credential_free);
  g_ptr_array_unref (self->items);
  g_free (self->provider);
  g_free (self->app_name);
  g_free (self->keyword);
  g_free (self->tsa_url);
  g_free (self->tls_ca_file);
  g_free (self->expected_id);
  g_free (self->description);
  g_free (self->signer_name);
  g_free (self->signer_id);
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
  self->items = g_ptr_array_new_with_free_func (item_free);
}

KysoDossierSigning *
kyso_dossier_signing_new (KysoConfig  *config,
                          KysoProfile *profile,
                          guint        account_index,
                          const char  *tsa_url,
                          GError     **error)
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
  self->signer = KYSO_SIGNER (kyso_neac_signer_new (config, kyso_profile_account_get_account (account),
                                                    self->provider, error));
  if (self->signer == NULL)
    return NULL;
  self->keyword = g_strdup (kyso_profile_get_keyword (profile));
  if (self->keyword != NULL && *self->keyword == '\0')
    g_clear_pointer (&self->keyword, g_free);
  self->image = kyso_profile_get_image (profile) != NULL ? g_bytes_ref (kyso_profile_get_image (profile)) : NULL;
  self->tsa_url = tsa_url != NULL && *tsa_url != '\0' ? g_strdup (tsa_url) : NULL;
  self->tls_ca_file = g_strdup (kyso_config_get_path (config, "tls", "ca_file"));
  return g_steal_pointer (&self);
}

void
kyso_dossier_signing_set_signer (KysoDossierSigning *self,
                                 KysoSigner         *signer)
{
  g_return_if_fail (KYSO_IS_DOSSIER_SIGNING (self) && !self->running);
  g_set_object (&self->signer, signer);
}

void
kyso_dossier_signing_set_expected_id (KysoDossierSigning *self,
                                      const char         *national_id)
{
  g_return_if_fail (KYSO_IS_DOSSIER_SIGNING (self));
  g_free (self->expected_id);
  self->expected_id = g_strdup (national_id);
}

void
kyso_dossier_signing_set_description (KysoDossierSigning *self,
                                      const char         *description)
{
  g_return_if_fail (KYSO_IS_DOSSIER_SIGNING (self));
  g_free (self->description);
  self->description = g_strdup (description);
}

char *
kyso_dossier_signing_output_for (const char *input)
{
  g_autofree char *dir = g_path_get_dirname (input);
  g_autofree char *base = g_path_get_basename (input);
  char *dot = strrchr (base, '.');

  if (dot != NULL && dot != base)
    *dot = '\0';
  for (guint n = 1; n < 1000; n++)
    {
      g_autofree char *name = n == 1 ? g_strdup_printf ("%s-signed.pdf", base)
                                     : g_strdup_printf ("%s-signed-%u.pdf", base, n);
      char *path = g_build_filename (dir, name, NULL);

      if (!g_file_test (path, G_FILE_TEST_EXISTS))
        return path;
      g_free (path);
    }
  return g_strdup_printf ("%s/%s-signed-%u.pdf", dir, base, g_random_int ());
}

void
kyso_dossier_signing_add_file (KysoDossierSigning *self,
                               const char         *key,
                               const char         *input)
{
  Item *item = g_new0 (Item, 1);

  g_return_if_fail (KYSO_IS_DOSSIER_SIGNING (self) && !self->running);
  item->key = g_strdup (key);
  item->input = g_strdup (input);
  item->output = kyso_dossier_signing_output_for (input);
  /* Two components may name the same output before either exists. */
  for (guint i = 0; i < self->items->len; i++)
    if (g_str_equal (((Item *) self->items->pdata[i])->output, item->output))
      {
        g_autofree char *stem = g_strndup (item->output, strlen (item->output) - 4);
        g_free (item->output);
        item->output = g_strdup_printf ("%s-%u.pdf", stem, self->items->len + 1);
      }
  g_ptr_array_add (self->items, item);
}

guint
kyso_dossier_signing_get_n_files (KysoDossierSigning *self)
{
  g_return_val_if_fail (KYSO_IS_DOSSIER_SIGNING (self), 0);
  return self->items->len;
}

/* The run ------------------------------------------------------------------------------------ */

typedef struct {
  KysoSignProgressFunc progress;
  gpointer progress_data;
  guint next;                /* the item being prepared or completed */
  GPtrArray *digests;
  GPtrArray *signatures;
} Run;

static void
run_free (gpointer data)
{
  Run *run = data;

  g_clear_pointer (&run->digests, g_ptr_array_unref);
  g_clear_pointer (&run->signatures, g_ptr_array_unref);
  g_free (run);
}

static void prepare_next (GTask *task);
static void complete_next (GTask *task);

/* Errors about one file name it: the citizen must know which component to fix. */
static void
return_file_error (GTask *task, Item *item, GError *error)
{
  if (error->domain == KYSO_ERROR)
    {
      g_autofree char *name = g_path_get_basename (item->input);
      g_prefix_error (&error, _("“%s”: "), name);
    }
  g_task_return_error (task, error);
}

static KysoSignSession *
new_session (KysoDossierSigning *self, Item *item)
{
  KysoSignSessionOptions options = {
    .page = 0,
    .keyword = item->without_keyword ? NULL : self->keyword,
    .show_ca = TRUE,
    .image_png = self->image,
    .reason = _("Applicant’s signature"),
    .tsa_url = self->tsa_url,
    .tls_ca_file = self->tls_ca_file,
  };

  return kyso_sign_session_new (item->input, item->output, &options);
}

static void
prepared_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  KysoDossierSigning *self = g_task_get_source_object (task);
  Run *run = g_task_get_task_data (task);
  Item *item = self->items->pdata[run->next];
  GError *error = NULL;
  GBytes *digest = kyso_sign_session_prepare_finish (KYSO_SIGN_SESSION (source), result, &error);

  if (digest == NULL)
    {
      /* The profile's keyword is not in this file: put the signature at the default place. */
      if (g_error_matches (error, KYSO_ERROR, KYSO_ERROR_NOT_FOUND) && !item->without_keyword
          && self->keyword != NULL)
        {
          g_clear_error (&error);
          item->without_keyword = TRUE;
          prepare_next (g_steal_pointer (&task));
          return;
        }
      return_file_error (task, item, error);
      return;
    }
  g_ptr_array_add (run->digests, digest);
  run->next++;
  prepare_next (g_steal_pointer (&task));
}

static void
signed_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  Run *run = g_task_get_task_data (task);
  GError *error = NULL;

  run->signatures = kyso_signer_sign_digests_finish (KYSO_SIGNER (source), result, &error);
  if (run->signatures == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (run->signatures->len != run->digests->len)
    {
      g_task_return_new_error (task, KYSO_ERROR, KYSO_ERROR_SERVER,
                               _("The signing service returned %u signatures for %u files. Try again."),
                               run->signatures->len, run->digests->len);
      return;
    }
  run->next = 0;
  complete_next (g_steal_pointer (&task));
}

static void
sign_all (GTask *task)
{
  KysoDossierSigning *self = g_task_get_source_object (task);
  Run *run = g_task_get_task_data (task);
  g_autoptr(GPtrArray) doc_ids = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *description = NULL;
  KysoSignRequest request = { 0 };

  for (guint i = 0; i < self->items->len; i++)
    g_ptr_array_add (doc_ids, g_path_get_basename (((Item *) self->items->pdata[i])->input));
  g_ptr_array_add (doc_ids, NULL);
  description = self->description != NULL
                  ? g_strdup (self->description)
                  : g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Sign %u dossier file", "Sign %u dossier files",
                                                  self->items->len),
                                     self->items->len);
  request.credential_id = self->credential->id;
  request.description = description;
  request.doc_ids = (const char * const *) doc_ids->pdata;
  kyso_signer_sign_digests_async (self->signer, run->digests, &request, run->progress, run->progress_data,
                                  g_task_get_cancellable (task), signed_cb, task);
}

static void
prepare_next (GTask *task)
{
  KysoDossierSigning *self = g_task_get_source_object (task);
  Run *run = g_task_get_task_data (task);
  Item *item;

  if (run->next >= self->items->len)
    {
      sign_all (task);
      return;
    }
  item = self->items->pdata[run->next];
  g_clear_object (&item->session);
  item->session = new_session (self, item);
  kyso_sign_session_prepare_async (item->session, self->credential->chain, g_task_get_cancellable (task),
                                   prepared_cb, task);
}

static void
completed_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  KysoDossierSigning *self = g_task_get_source_object (task);
  Run *run = g_task_get_task_data (task);
  GError *error = NULL;

  if (!kyso_sign_session_complete_finish (KYSO_SIGN_SESSION (source), result, &error))
    {
      return_file_error (task, self->items->pdata[run->next], error);
      return;
    }
  run->next++;
  complete_next (g_steal_pointer (&task));
}

static void
complete_next (GTask *task)
{
  KysoDossierSigning *self = g_task_get_source_object (task);
  Run *run = g_task_get_task_data (task);
  Item *item;

  if (run->next >= self->items->len)
    {
      g_task_return_boolean (task, TRUE);
      g_object_unref (task);
      return;
    }
  item = self->items->pdata[run->next];
  kyso_sign_session_complete_async (item->session, run->signatures->pdata[run->next], g_task_get_cancellable (task),
                                    completed_cb, task);
}

static void
credentials_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  KysoDossierSigning *self = g_task_get_source_object (task);
  GError *error = NULL;
  g_autoptr(GPtrArray) credentials = kyso_signer_list_credentials_finish (KYSO_SIGNER (source), result, &error);
  g_autoptr(KysoCertificate) certificate = NULL;
  KysoSignerCredential *credential;

  if (credentials == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (credentials->len == 0)
    {
      g_task_return_new_error (task, KYSO_ERROR, KYSO_ERROR_CERTIFICATE,
                               _("%s has no signing certificate for this ID number. Check the signature’s "
                                 "account under Signatures, or register with the provider."),
                               self->provider);
      return;
    }
  credential = credentials->pdata[0];
  certificate = credential->chain->len > 0 ? kyso_certificate_new (credential->chain->pdata[0], &error) : NULL;
  if (certificate == NULL)
    {
      if (error == NULL)
        g_set_error (&error, KYSO_ERROR, KYSO_ERROR_CERTIFICATE, _("The signing service sent no certificate."));
      g_task_return_error (task, error);
      return;
    }
  /* Before the phone is asked: the portal refuses files signed by anyone but the applicant. */
  if (!kyso_certificate_check_for_signing (certificate, self->expected_id, NULL, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  g_clear_pointer (&self->credential, kyso_signer_credential_free);
  self->credential = kyso_signer_credential_copy (credential);
  g_free (self->signer_name);
  self->signer_name = g_strdup (kyso_certificate_get_holder_name (certificate));
  g_free (self->signer_id);
  self->signer_id = g_strdup (kyso_certificate_get_national_id (certificate));
  prepare_next (g_steal_pointer (&task));
}

void
kyso_dossier_signing_run_async (KysoDossierSigning  *self,
                                KysoSignProgressFunc progress,
                                gpointer             progress_data,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  GTask *task;
  Run *run;

  g_return_if_fail (KYSO_IS_DOSSIER_SIGNING (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, kyso_dossier_signing_run_async);
  if (self->running || self->items->len == 0)
    {
      g_task_return_new_error (task, KYSO_ERROR, KYSO_ERROR_INVALID_INPUT,
                               self->running ? _("These files are being signed already.")
                                             : _("Attach a PDF file to sign first."));
      g_object_unref (task);
      return;
    }
  self->running = TRUE;
  run = g_new0 (Run, 1);
  run->progress = progress;
  run->progress_data = progress_data;
  run->digests = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  g_task_set_task_data (task, run, run_free);
  kyso_signer_list_credentials_async (self->signer, cancellable, credentials_cb, task);
}

gboolean
kyso_dossier_signing_run_finish (KysoDossierSigning *self,
                                 GAsyncResult       *result,
                                 GError            **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == kyso_dossier_signing_run_async, FALSE);
  self->running = FALSE;
  return g_task_propagate_boolean (G_TASK (result), error);
}

const char *
kyso_dossier_signing_get_output (KysoDossierSigning *self,
                                 const char         *key)
{
  g_return_val_if_fail (KYSO_IS_DOSSIER_SIGNING (self), NULL);

  for (guint i = 0; i < self->items->len; i++)
    {
      Item *item = self->items->pdata[i];
      if (g_str_equal (item->key, key) && item->session != NULL && kyso_sign_session_is_completed (item->session))
        return item->output;
    }
  return NULL;
}

const char *
kyso_dossier_signing_get_signer_name (KysoDossierSigning *self)
{
  g_return_val_if_fail (KYSO_IS_DOSSIER_SIGNING (self), NULL);
  return self->signer_name;
}

const char *
kyso_dossier_signing_get_signer_id (KysoDossierSigning *self)
{
  g_return_val_if_fail (KYSO_IS_DOSSIER_SIGNING (self), NULL);
  return self->signer_id;
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
