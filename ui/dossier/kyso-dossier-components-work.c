/* Step 2's long work: signing components (one approval for all) and uploading them. */
#include "config.h"

#include "kyso-dossier-components-private.h"
#include "kyso-certificate.h"
#include "kyso-dossier-signing.h"
#include "kyso-error.h"
#include "kyso-pdf-verify.h"

#include <glib/gi18n-lib.h>

#include "kyso-util.h"
#include <string.h>

static Slot *
slot_for (KysoDossierComponents *self, const char *key)
{
  return g_hash_table_lookup (self->slots, key);
}

static gboolean
same_person (const char *a, const char *b)
{
  g_autofree char *na = kyso_national_id_normalize (a);
  g_autofree char *nb = kyso_national_id_normalize (b);

  return na != NULL && nb != NULL && g_str_equal (na, nb);
}

/* Signing -------------------------------------------------------------------------------------- */

typedef struct
{
  KysoDossierComponents *self;
  KysoDossierSigning *signing;
  GPtrArray *keys;
  GCancellable *cancellable;
} SignData;

static void
sign_data_free (SignData *data)
{
  g_object_unref (data->self);
  g_object_unref (data->signing);
  g_ptr_array_unref (data->keys);
  g_object_unref (data->cancellable);
  g_free (data);
}

static void
sign_progress_cb (const KysoSignProgress *progress, gpointer user_data)
{
  KysoDossierComponents *self = user_data;

  if (self->wait != NULL)
    kyso_dossier_wait_update (self->wait, progress);
}

static char *
signing_error_message (const GError *error)
{
  if (g_error_matches (error, KYSO_ERROR, KYSO_ERROR_REFUSED))
    return g_strdup (
      _("You refused the request on your phone, so nothing was signed. Sign again when you are ready."));
  if (g_error_matches (error, KYSO_ERROR, KYSO_ERROR_EXPIRED))
    return g_strdup (
      _("The request ran out of time before it was approved, so nothing was signed. Sign again and "
                       "approve on your phone within the time shown."));
  if (g_error_matches (error, KYSO_ERROR, KYSO_ERROR_NETWORK))
    return g_strdup_printf (_("%s Check the Internet connection, then sign again."), error->message);
  return g_strdup (error->message);
}

static void
signed_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  SignData *data = user_data;
  KysoDossierComponents *self = data->self;
  g_autoptr(GError) error = NULL;
  gboolean ok = kyso_dossier_signing_run_finish (KYSO_DOSSIER_SIGNING (source), result, &error);
  gboolean current = self->sign_cancellable == data->cancellable;

  if (current)
    {
      /* Success closes the window; a failure stays on screen with what to do next. */
      if (self->wait != NULL)
        {
          kyso_dossier_wait_set_outcome (self->wait, ok ? NULL : error);
          if (ok)
            {
              gtk_window_destroy (GTK_WINDOW (self->wait));
              g_clear_object (&self->wait);
            }
        }
      g_clear_object (&self->sign_cancellable);
      self->signing = FALSE;
    }
  /* A dossier loaded meanwhile has slots of its own: leave them alone. */
  if (!current || self->dossier == NULL)
    {
      sign_data_free (data);
      return;
    }

  for (guint i = 0; i < data->keys->len; i++)
    {
      const char *key = data->keys->pdata[i];
      Slot *slot = slot_for (self, key);
      KysoDossierEntry *entry = kyso_dossier_components_entry_for (self, key);
      const char *output = ok ? kyso_dossier_signing_get_output (data->signing, key) : NULL;

      if (slot == NULL)
        continue;
      slot->signing = FALSE;
      if (output != NULL && entry != NULL)
        {
          /* The component is now the signed file; the original stays untouched beside it. */
          KysoCopyKind kind = entry->kind;

          KYSO_DOSSIER_CHANGE_BEGIN (self);
          kyso_dossier_remove_files (self->dossier, key);
          kyso_dossier_add_file (self->dossier, key, output, kind);
          KYSO_DOSSIER_CHANGE_END (self);
          g_free (slot->signer_name);
          slot->signer_name = g_strdup (kyso_dossier_signing_get_signer_name (data->signing));
          g_free (slot->signer_id);
          slot->signer_id = g_strdup (kyso_dossier_signing_get_signer_id (data->signing));
        }
      kyso_dossier_components_refresh_row (self, key);
    }

  if (ok)
    {
      kyso_dossier_components_set_message (self, NULL, FALSE);
      /* Translators: "Ký số thành công" */
      kyso_dossier_components_toast (self, _("Signed successfully"));
      kyso_dossier_components_changed (self);
    }
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    kyso_dossier_components_set_message (self, _("Signing was cancelled; nothing was signed."), FALSE);
  else
    {
      g_autofree char *message = signing_error_message (error);
      kyso_dossier_components_set_message (self, message, TRUE);
    }
  kyso_dossier_components_busy_changed (self);
  sign_data_free (data);
}

static void
sign_keys (KysoDossierComponents *self, GPtrArray *keys);

static void
retry_cb (KysoDossierComponents *self)
{
  g_autoptr(GPtrArray) keys = self->last_keys != NULL ? g_ptr_array_ref (self->last_keys) : NULL;

  if (keys != NULL)
    sign_keys (self, keys);
}

static const char *
tsa_url (KysoDossierComponents *self)
{
  g_autofree char *chosen = self->settings != NULL ? g_settings_get_string (self->settings, "tsa-url") : NULL;

  /* Settings win over the configuration file; the string is kept by the config or interned. */
  if (chosen != NULL && *chosen != '\0')
    return g_intern_string (chosen);
  return self->config != NULL ? kyso_config_get (self->config, "tsa", "url") : NULL;
}

static void
sign_keys (KysoDossierComponents *self, GPtrArray *keys)
{
  g_autoptr(KysoProfile) profile = kyso_dossier_components_dup_profile (self);
  g_autoptr(KysoDossierSigning) signing = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *description = NULL;
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  SignData *data;
  gboolean matches;
  guint index;

  if (keys->len == 0 || self->signing)
    return;
  if (profile == NULL)
    {
      kyso_dossier_components_set_message (
        self, _("Add your digital signature first: choose “Add a Signature”."), TRUE);
      return;
    }
  index = kyso_dossier_components_account_index (self, profile, &matches);
  if (!matches && self->account_id != NULL)
    {
      g_autofree char *mine = kyso_mask_id (self->account_id);
      g_autofree char *message = g_strdup_printf (
        _("The signature “%s” is not set up for your ID number (%s). The portal accepts only files signed by the "
          "applicant: choose your own signature, or add your ID number to this one under Signatures."),
           kyso_profile_get_display_name (profile), mine);
      kyso_dossier_components_set_message (self, message, TRUE);
      return;
    }
  signing = kyso_dossier_signing_new (self->config, profile, index, tsa_url (self), &error);
  if (signing == NULL)
    {
      kyso_dossier_components_set_message (self, error->message, TRUE);
      return;
    }
  kyso_dossier_signing_set_expected_id (signing, self->account_id);
  /* Translators: shown on the phone; %s is a procedure, e.g. Đăng ký khai sinh */
  description = g_strdup_printf (_("Dossier: %s"), kyso_dossier_get_procedure_name (self->dossier));
  kyso_dossier_signing_set_description (signing, description);
  for (guint i = 0; i < keys->len; i++)
    {
      Slot *slot = slot_for (self, keys->pdata[i]);
      KysoDossierEntry *entry = kyso_dossier_components_entry_for (self, keys->pdata[i]);

      kyso_dossier_signing_add_file (signing, keys->pdata[i], entry->path);
      slot->signing = TRUE;
      g_clear_pointer (&slot->error, g_free);
      slot->blocked = FALSE;
      kyso_dossier_components_refresh_row (self, keys->pdata[i]);
    }

  self->signing = TRUE;
  if (keys != self->last_keys)
    {
      g_clear_pointer (&self->last_keys, g_ptr_array_unref);
      self->last_keys = g_ptr_array_ref (keys);
    }
  if (self->wait != NULL)
    gtk_window_destroy (GTK_WINDOW (self->wait));
  g_clear_object (&self->wait);
  g_clear_object (&self->sign_cancellable);
  self->sign_cancellable = g_cancellable_new ();
  kyso_dossier_components_set_message (self, NULL, FALSE);
  kyso_dossier_components_busy_changed (self);
  self->wait = g_object_ref_sink (kyso_dossier_wait_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                                         kyso_dossier_signing_get_provider (signing),
                                                         keys->len, self->sign_cancellable));
  g_signal_connect_object (self->wait, "retry", G_CALLBACK (retry_cb), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (self->wait));

  data = g_new0 (SignData, 1);
  data->self = g_object_ref (self);
  data->signing = g_object_ref (signing);
  data->keys = g_ptr_array_ref (keys);
  data->cancellable = g_object_ref (self->sign_cancellable);
  kyso_dossier_signing_run_async (signing, sign_progress_cb, self, self->sign_cancellable, signed_cb, data);
}

/* A damaged PDF (a draft's file truncated since it was attached) is said on its own row and
 * left out, so the other files are still signed. */
static gboolean
readable (KysoDossierComponents *self, const char *key)
{
  KysoDossierEntry *entry = kyso_dossier_components_entry_for (self, key);
  Slot *slot = slot_for (self, key);
  g_autoptr(GError) error = NULL;

  if (kyso_dossier_components_check_pdf (entry->path, &error))
    return TRUE;
  g_free (slot->error);
  slot->error = g_strdup (error->message);
  slot->blocked = FALSE;
  kyso_dossier_components_refresh_row (self, key);
  return FALSE;
}

static gboolean
signable (KysoDossierComponents *self, const char *key)
{
  KysoDossierEntry *entry = kyso_dossier_components_entry_for (self, key);
  Slot *slot = slot_for (self, key);
  g_autofree char *lower = entry != NULL ? g_ascii_strdown (entry->path, -1) : NULL;

  return entry != NULL && slot != NULL && entry->uploaded == NULL && slot->upload == NULL
         && g_str_has_suffix (lower, ".pdf");
}

void
kyso_dossier_components_sign_activated (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  KysoDossierComponents *self = KYSO_DOSSIER_COMPONENTS (widget);
  g_autoptr(GPtrArray) keys = g_ptr_array_new_with_free_func (g_free);
  const char *key = g_variant_get_string (parameter, NULL);

  if (signable (self, key) && readable (self, key))
    g_ptr_array_add (keys, g_strdup (key));
  sign_keys (self, keys);
}

void
kyso_dossier_components_sign_all_activated (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  KysoDossierComponents *self = KYSO_DOSSIER_COMPONENTS (widget);
  g_autoptr(GPtrArray) keys = g_ptr_array_new_with_free_func (g_free);
  GPtrArray *components = kyso_procedure_get_components (self->procedure);
  guint damaged = 0;

  /* In the procedure's order: the phone lists the files that way. */
  for (guint i = 0; i < components->len; i++)
    {
      const char *key = kyso_procedure_component_get_key (components->pdata[i]);
      Slot *slot = slot_for (self, key);

      if (signable (self, key) && slot->signer_name == NULL)
        {
          if (readable (self, key))
            g_ptr_array_add (keys, g_strdup (key));
          else
            damaged++;
        }
    }
  if (keys->len == 0 && damaged > 0)
    {
      kyso_dossier_components_set_message (self, _("The file to sign is damaged: see its row."), TRUE);
      return;
    }
  if (keys->len == 0)
    {
      kyso_dossier_components_set_message (
        self, _("There is no unsigned PDF file to sign. Attach the files first."), FALSE);
      return;
    }
  sign_keys (self, keys);
}

/* Uploading ------------------------------------------------------------------------------------ */

typedef struct
{
  KysoDossierComponents *self;
  char *key;
  GCancellable *cancellable;
} UploadData;

static void
upload_data_free (UploadData *data)
{
  g_object_unref (data->self);
  g_object_unref (data->cancellable);
  g_free (data->key);
  g_free (data);
}

static void
upload_progress_cb (const KysoPortalProgress *progress, gpointer user_data)
{
  UploadData *data = user_data;
  Slot *slot = slot_for (data->self, data->key);
  g_autofree char *sent = NULL;
  g_autofree char *size = NULL;
  g_autofree char *text = NULL;

  if (slot == NULL || slot->upload != data->cancellable)
    return;
  if (progress->stage == KYSO_PORTAL_STAGE_RETRYING)
    text = g_strdup (_("The connection dropped; sending again (the portal keeps one copy)…"));
  else if (progress->file_size > 0 && progress->file_sent >= progress->file_size)
    text = g_strdup (_("Sent; waiting for the portal to confirm…"));
  else
    {
      sent = g_format_size (progress->file_sent);
      size = g_format_size (progress->file_size);
      /* Translators: upload progress, e.g. "1.2 MB of 3.4 MB" */
      text = g_strdup_printf (_("%s of %s"), sent, size);
    }
  kyso_component_row_set_progress (
    slot->row, progress->file_size > 0 ? (double)progress->file_sent / progress->file_size : 0, text);
}

static void
uploaded_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  UploadData *data = user_data;
  KysoDossierComponents *self = data->self;
  g_autoptr(GError) error = NULL;
  g_autoptr(KysoPortalFile) file = kyso_portal_upload_file_finish (KYSO_PORTAL (source), result, &error);
  Slot *slot = slot_for (self, data->key);
  KysoDossierEntry *entry;

  /* The dossier was replaced meanwhile: this upload belongs to no slot any more. */
  if (slot == NULL || slot->upload != data->cancellable)
    {
      upload_data_free (data);
      return;
    }
  g_clear_object (&slot->upload);
  self->uploads--;
  entry = kyso_dossier_components_entry_for (self, data->key);
  if (file != NULL && entry != NULL)
    {
      if (file->component == NULL)
        file->component = g_strdup (data->key);
      KYSO_DOSSIER_CHANGE_BEGIN (self);
      kyso_portal_file_free (entry->uploaded);
      entry->uploaded = g_steal_pointer (&file);
      KYSO_DOSSIER_CHANGE_END (self);
      kyso_dossier_components_changed (self);
    }
  else if (error != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_free (slot->error);
      slot->blocked = FALSE;
      if (g_error_matches (error, KYSO_ERROR, KYSO_ERROR_AUTH))
        slot->error
          = g_strdup (_("Your session at the portal ended. Log in again; your dossier is kept as a draft."));
      else if (g_error_matches (error, KYSO_ERROR, KYSO_ERROR_NETWORK))
        slot->error = g_strdup_printf (_("%s Check the Internet connection and choose “Retry Upload”."),
                                          error->message);
      else
        slot->error = g_strdup (error->message);
    }
  kyso_dossier_components_refresh_row (self, data->key);
  kyso_dossier_components_busy_changed (self);
  upload_data_free (data);
}

static void
start_upload (KysoDossierComponents *self, const char *key)
{
  KysoDossierEntry *entry = kyso_dossier_components_entry_for (self, key);
  Slot *slot = slot_for (self, key);
  KysoProcedureComponent *component = kyso_procedure_find_component (self->procedure, key);
  UploadData *data = g_new0 (UploadData, 1);

  data->self = g_object_ref (self);
  data->key = g_strdup (key);
  data->cancellable = g_object_ref (slot->upload);
  kyso_component_row_set_progress (slot->row, 0, _("Starting…"));
  kyso_portal_upload_file_async (self->portal, component, entry->path, entry->idempotency_key,
                                 upload_progress_cb, data, slot->upload, uploaded_cb, data);
}

/* The portal takes a component signed by the applicant: the last signature in the file (a
 * co-signed file may carry others before it) must carry the logged-in citizen's ID number.
 * NULL when it does, else what to tell them. */
static char *
check_signers (KysoDossierComponents *self, Slot *slot, KysoPdfVerifyReport *report)
{
  GListModel *signatures = kyso_pdf_verify_report_get_signatures (report);
  g_autoptr(KysoPdfSignatureReport) last = NULL;
  const char *id, *name;

  for (guint i = g_list_model_get_n_items (signatures); i > 0 && last == NULL; i--)
    {
      g_autoptr(KysoPdfSignatureReport) sig = g_list_model_get_item (signatures, i - 1);
      if (!kyso_pdf_signature_report_is_document_timestamp (sig))
        last = g_steal_pointer (&sig);
    }
  if (last == NULL)
    return NULL;
  id = kyso_pdf_signature_report_get_national_id (last);
  name = kyso_pdf_signature_report_get_signer (last);
  /* What the row shows for files Kyso did not sign itself (resumed drafts, signed elsewhere). */
  if (slot->signer_name == NULL && name != NULL)
    {
      slot->signer_name = g_strdup (name);
      slot->signer_id = g_strdup (id);
    }
  if (id != NULL && self->account_id != NULL && !same_person (id, self->account_id))
    {
      g_autofree char *signer = kyso_mask_id (id);
      g_autofree char *mine = kyso_mask_id (self->account_id);

      return g_strdup_printf (_("This file was signed by %s (ID number %s), but you are logged in with ID "
                                "number %s. The portal accepts only files signed by the applicant: sign it "
                                "with your own signature, or log in with the signer’s account."),
                                 name != NULL ? name : _("someone else"), signer, mine);
    }
  return NULL;
}

static void
signers_checked_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  UploadData *data = user_data;
  KysoDossierComponents *self = data->self;
  g_autoptr(GError) error = NULL;
  g_autoptr(KysoPdfVerifyReport) report
             = kyso_pdf_verifier_verify_finish (KYSO_PDF_VERIFIER (source), result, &error);
  Slot *slot = slot_for (self, data->key);
  g_autofree char *problem = NULL;

  if (slot == NULL || slot->upload != data->cancellable)
    {
      upload_data_free (data);
      return;
    }
  /* A file the verifier cannot read goes to the portal's own check; a wrong signer, or a last
   * signature that is not valid (checked online with the configured anchors), stops. */
  if (report != NULL)
    problem = check_signers (self, slot, report);
  if (report != NULL && problem == NULL)
    {
      g_autoptr(GError) upload_error = NULL;

      if (!kyso_pdf_verify_report_check_for_upload (report, self->account_id, &upload_error))
        problem = g_strdup (upload_error->message);
    }
  if (problem != NULL || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_clear_object (&slot->upload);
      self->uploads--;
      slot->blocked = problem != NULL;
      slot->error = g_steal_pointer (&problem);
      kyso_dossier_components_refresh_row (self, data->key);
      kyso_dossier_components_busy_changed (self);
      upload_data_free (data);
      return;
    }
  start_upload (self, data->key);
  upload_data_free (data);
}

/* Who signed a file Kyso did not sign in this session (a resumed draft, a file signed in the
 * document window or elsewhere): shown on its row, and a signer other than the citizen is said
 * at once rather than at upload. */
typedef struct
{
  KysoDossierComponents *self;
  char *key;
  char *path;
} Identify;

static void
identified_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Identify *data = user_data;
  KysoDossierComponents *self = data->self;
  g_autoptr(KysoPdfVerifyReport) report
             = kyso_pdf_verifier_verify_finish (KYSO_PDF_VERIFIER (source), result, NULL);
  Slot *slot = slot_for (self, data->key);
  KysoDossierEntry *entry = kyso_dossier_components_entry_for (self, data->key);

  /* Still the same file, and nothing else said about it meanwhile. */
  if (report != NULL && slot != NULL && entry != NULL && g_strcmp0 (entry->path, data->path) == 0
      && slot->error == NULL && slot->upload == NULL && !slot->signing)
    {
      g_autofree char *problem = check_signers (self, slot, report);

      if (problem != NULL && entry->uploaded == NULL)
        {
          slot->blocked = TRUE;
          slot->error = g_steal_pointer (&problem);
        }
      kyso_dossier_components_refresh_row (self, data->key);
    }
  g_object_unref (data->self);
  g_free (data->key);
  g_free (data->path);
  g_free (data);
}

void
kyso_dossier_components_identify (KysoDossierComponents *self, const char *key)
{
  KysoDossierEntry *entry = kyso_dossier_components_entry_for (self, key);
  g_autoptr(KysoPdfVerifier) verifier = NULL;
  g_autoptr(GFile) file = NULL;
  g_autofree char *lower = NULL;
  Identify *data;

  if (entry == NULL)
    return;
  lower = g_ascii_strdown (entry->path, -1);
  if (!g_str_has_suffix (lower, ".pdf") || !g_file_test (entry->path, G_FILE_TEST_IS_REGULAR))
    return;
  verifier = kyso_pdf_verifier_new ();
  kyso_pdf_verifier_set_offline (verifier, TRUE);
  file = g_file_new_for_path (entry->path);
  data = g_new0 (Identify, 1);
  data->self = g_object_ref (self);
  data->key = g_strdup (key);
  data->path = g_strdup (entry->path);
  kyso_pdf_verifier_verify_async (verifier, file, self->cancellable, identified_cb, data);
}

static void
upload_key (KysoDossierComponents *self, const char *key)
{
  KysoDossierEntry *entry = kyso_dossier_components_entry_for (self, key);
  Slot *slot = slot_for (self, key);
  KysoProcedureComponent *component = kyso_procedure_find_component (self->procedure, key);
  g_autofree char *lower = NULL;

  if (entry == NULL || slot == NULL || component == NULL || entry->uploaded != NULL || slot->upload != NULL
      || slot->signing || self->portal == NULL)
    return;
  g_clear_pointer (&slot->error, g_free);
  slot->blocked = FALSE;
  slot->blocked = FALSE;
  slot->upload = g_cancellable_new ();
  self->uploads++;
  kyso_dossier_components_refresh_row (self, key);
  kyso_dossier_components_busy_changed (self);

  lower = g_ascii_strdown (entry->path, -1);
  if (g_str_has_suffix (lower, ".pdf"))
    {
      g_autoptr(KysoPdfVerifier) verifier = kyso_pdf_verifier_new ();
      g_autoptr(GFile) file = g_file_new_for_path (entry->path);
      UploadData *data = g_new0 (UploadData, 1);

      data->self = g_object_ref (self);
      data->key = g_strdup (key);
      data->cancellable = g_object_ref (slot->upload);
      /* Online, with the configured anchors: the portal takes only a valid signature. */
      if (self->config != NULL)
        kyso_pdf_verifier_apply_config (verifier, self->config);
      kyso_component_row_set_progress (slot->row, 0, _("Checking who signed the file…"));
      kyso_pdf_verifier_verify_async (verifier, file, slot->upload, signers_checked_cb, data);
      return;
    }
  start_upload (self, key);
}

void
kyso_dossier_components_upload_activated (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  upload_key (KYSO_DOSSIER_COMPONENTS (widget), g_variant_get_string (parameter, NULL));
}

void
kyso_dossier_components_upload_all_activated (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  KysoDossierComponents *self = KYSO_DOSSIER_COMPONENTS (widget);
  GPtrArray *components = kyso_procedure_get_components (self->procedure);
  guint started = 0;

  for (guint i = 0; i < components->len; i++)
    {
      const char *key = kyso_procedure_component_get_key (components->pdata[i]);
      KysoDossierEntry *entry = kyso_dossier_components_entry_for (self, key);
      Slot *slot = slot_for (self, key);

      if (entry != NULL && entry->uploaded == NULL && slot->upload == NULL)
        {
          upload_key (self, key);
          started += slot->upload != NULL;
        }
    }
  if (started == 0)
    kyso_dossier_components_set_message (self, _("There is nothing left to upload."), FALSE);
  else
    kyso_dossier_components_set_message (self, NULL, FALSE);
}

void
kyso_dossier_components_cancel_activated (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  KysoDossierComponents *self = KYSO_DOSSIER_COMPONENTS (widget);
  Slot *slot = slot_for (self, g_variant_get_string (parameter, NULL));

  if (slot != NULL && slot->upload != NULL)
    g_cancellable_cancel (slot->upload);
}
