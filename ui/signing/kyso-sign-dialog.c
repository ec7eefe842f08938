/* kyso-sign-dialog.c: confirm the signature, then sign with phone approval */

#include "config.h"

#include "kyso-sign-dialog.h"

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "kyso-appearance-preview.h"
#include "kyso-certificate.h"
#include "kyso-error.h"
#include "kyso-pdf-placement.h"
#include "kyso-pending.h"
#include "kyso-signer-factory.h"
#include "kyso-signing-job.h"
#include "kyso-util.h"

#define PREVIEW_SCALE 2.0

struct _KysoSignDialog
{
  AdwWindow parent_instance;

  GtkWidget *sign_button;
  GtkStack *stack;
  AdwComboRow *profile_row;
  AdwComboRow *account_row;
  GtkWidget *no_profile_box;
  GtkLabel *no_profile_label;
  GtkPicture *preview;
  GtkLabel *preview_caption;
  GtkStack *certificate_stack;
  GtkSpinner *certificate_spinner;
  GtkLabel *certificate_loading_label;
  GtkLabel *certificate_error_label;
  AdwActionRow *holder_row;
  AdwActionRow *id_row;
  AdwActionRow *issuer_row;
  AdwActionRow *validity_row;
  GtkWidget *warning_group;
  GtkLabel *warning_label;
  AdwActionRow *output_row;
  KysoPhoneWait *wait;

  GFile *input;
  GFile *output;
  KysoSignPlacement placement;
  KysoConfig *config;
  char *tsa_url;
  KysoSignerFactory factory;
  gpointer factory_data;
  GDestroyNotify factory_destroy;

  GPtrArray *profiles; /* KysoProfile */
  char *preselect_id;
  KysoSigner *signer;
  char *credential_id;
  GPtrArray *chain; /* GBytes DER */
  KysoCertificate *certificate;

  GCancellable *load_cancellable; /* profiles, certificate, preview */
  GCancellable *run_cancellable;  /* signing */
  KysoSigningJob *job;            /* the run in progress, or the last one */
  KysoPending *pending;           /* a request to resume */
  gboolean job_resumes;           /* the job runs resume_async */
  gboolean resuming;              /* sign as soon as the certificate is back */
  guint resume_account;
  const char *state;
};

G_DEFINE_FINAL_TYPE (KysoSignDialog, kyso_sign_dialog, ADW_TYPE_WINDOW)

enum
{
  SIGNED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
fetch_certificate (KysoSignDialog *self);
static void
resume_run (KysoSignDialog *self);

static void
set_state (KysoSignDialog *self, const char *state)
{
  self->state = state;
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "sign.sign", g_str_equal (state, "ready"));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "sign.cancel", g_str_equal (state, "signing"));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "sign.retry", g_str_equal (state, "done"));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "sign.fetch-certificate",
                                 g_str_equal (state, "certificate-error"));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "sign.change-output",
                                 !g_str_equal (state, "signing") && !g_str_equal (state, "done"));
  gtk_widget_set_visible (self->sign_button, !g_str_equal (state, "signing") && !g_str_equal (state, "done"));
}

static KysoProfile *
current_profile (KysoSignDialog *self)
{
  guint i = adw_combo_row_get_selected (self->profile_row);

  if (self->profiles == NULL || i == GTK_INVALID_LIST_POSITION || i >= self->profiles->len)
    return NULL;
  return self->profiles->pdata[i];
}

static KysoProfileAccount *
current_account (KysoSignDialog *self)
{
  KysoProfile *profile = current_profile (self);
  guint i = adw_combo_row_get_selected (self->account_row);
  GListModel *accounts;

  if (profile == NULL)
    return NULL;
  accounts = kyso_profile_get_accounts (profile);
  if (i == GTK_INVALID_LIST_POSITION || i >= g_list_model_get_n_items (accounts))
    return NULL;
  /* The live list owns it; a borrowed pointer is what callers need. */
  {
    g_autoptr (KysoProfileAccount) account = g_list_model_get_item (accounts, i);
    return account;
  }
}

/* Output */

GFile *
kyso_sign_dialog_default_output (GFile *input)
{
  g_autofree char *path = g_file_get_path (input);
  g_autofree char *output = path != NULL ? kyso_signing_job_default_output (path) : NULL;

  return output != NULL ? g_file_new_for_path (output) : g_file_get_child (input, "signed.pdf");
}

static void
update_output_row (KysoSignDialog *self)
{
  g_autofree char *name = g_file_get_basename (self->output);
  g_autoptr (GFile) parent = g_file_get_parent (self->output);
  g_autofree char *folder = parent ? g_file_get_parse_name (parent) : NULL;

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->output_row), name);
  adw_action_row_set_subtitle (self->output_row, folder ? folder : "");
}

void
kyso_sign_dialog_set_output (KysoSignDialog *self, GFile *output)
{
  g_return_if_fail (KYSO_IS_SIGN_DIALOG (self));
  g_return_if_fail (G_IS_FILE (output));

  g_set_object (&self->output, output);
  update_output_row (self);
}

GFile *
kyso_sign_dialog_get_output (KysoSignDialog *self)
{
  g_return_val_if_fail (KYSO_IS_SIGN_DIALOG (self), NULL);
  return self->output;
}

static void
save_response_cb (GtkNativeDialog *chooser, int response, KysoSignDialog *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr (GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      if (file != NULL)
        kyso_sign_dialog_set_output (self, file);
    }
  gtk_native_dialog_destroy (chooser);
  g_object_unref (chooser);
}

static void
change_output_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  KysoSignDialog *self = KYSO_SIGN_DIALOG (widget);
  GtkFileChooserNative *chooser;
  g_autoptr (GFile) folder = g_file_get_parent (self->output);
  g_autofree char *name = g_file_get_basename (self->output);

  chooser = gtk_file_chooser_native_new (_("Save the Signed File"), GTK_WINDOW (self),
                                            GTK_FILE_CHOOSER_ACTION_SAVE, _("_Save"), _("_Cancel"));
  if (folder != NULL)
    gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (chooser), folder, NULL);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_signal_connect (chooser, "response", G_CALLBACK (save_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

/* Preview */

static void
preview_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  KysoSignDialog *self = user_data;
  g_autoptr (GdkTexture) texture = NULL;
  g_autoptr (GError) error = NULL;

  texture = kyso_appearance_preview_render_finish (result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return; /* the dialog may be gone */
  if (texture == NULL)
    {
      gtk_label_set_text (self->preview_caption, error->message);
      return;
    }
  gtk_picture_set_paintable (self->preview, GDK_PAINTABLE (texture));
  gtk_widget_set_visible (GTK_WIDGET (self->preview), TRUE);
  /* Show it at the size it has on paper at 100 % (clamped by the window). */
  gtk_widget_set_size_request (GTK_WIDGET (self->preview), -1,
                               MIN (200, (int)(gdk_texture_get_height (texture) / PREVIEW_SCALE * 4 / 3)));
}

static void
update_preview (KysoSignDialog *self)
{
  KysoProfile *profile = current_profile (self);
  g_autoptr (GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *caption = NULL;
  KysoPdfAppearanceInfo info = { 0 };
  double w, h;

  if (self->placement.invisible)
    {
      gtk_picture_set_paintable (self->preview, NULL);
      gtk_widget_set_visible (GTK_WIDGET (self->preview), FALSE);
      gtk_label_set_text (
        self->preview_caption,
        _("Invisible signature: nothing is drawn on the page, but the signature is in the file "
                            "and shows in every signing history."));
      return;
    }
  if (profile == NULL)
    return;

  w = self->placement.rect.x1 - self->placement.rect.x0;
  h = self->placement.rect.y1 - self->placement.rect.y0;
  if (w <= 0 || h <= 0)
    w = KYSO_PDF_PLACEMENT_BOX_WIDTH, h = KYSO_PDF_PLACEMENT_BOX_HEIGHT;
  info.signer_name = self->certificate ? kyso_certificate_get_holder_name (self->certificate)
                                       : kyso_profile_get_display_name (profile);
  info.time = now;
  info.ca_name = self->certificate ? kyso_certificate_get_issuer_name (self->certificate) : NULL;
  info.image_png = kyso_profile_get_image (profile);
  kyso_appearance_preview_render_async (&info, w, h, PREVIEW_SCALE, self->load_cancellable, preview_done,
                                        self);

  /* Translators: %u is a page number; the sizes are in centimetres. */
  caption = g_strdup_printf (_("On page %u, %.1f × %.1f cm. The date is the moment you approve."),
                                self->placement.page + 1, w / 72 * 2.54, h / 72 * 2.54);
  gtk_label_set_text (self->preview_caption, caption);
}

/* Certificate */

static void
show_warning (KysoSignDialog *self, const char *text)
{
  /* At the top: the first thing read, and the reason the Sign button is off. */
  gtk_label_set_text (self->warning_label, text ? text : "");
  gtk_widget_set_visible (self->warning_group, text != NULL);
}

static void
credentials_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  KysoSignDialog *self = user_data;
  g_autoptr (GPtrArray) credentials = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GDateTime) from = NULL, to = NULL;
  g_autofree char *masked = NULL, *validity = NULL, *from_s = NULL, *to_s = NULL;
  g_autoptr (GError) unusable = NULL;
  KysoSignerCredential *credential = NULL;
  KysoProfileAccount *account;

  credentials = kyso_signer_list_credentials_finish (KYSO_SIGNER (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  gtk_spinner_stop (self->certificate_spinner);

  for (guint i = 0; credentials != NULL && i < credentials->len && credential == NULL; i++)
    {
      KysoSignerCredential *c = credentials->pdata[i];
      if (c->chain != NULL && c->chain->len > 0)
        credential = c;
    }
  if (credential != NULL)
    {
      g_clear_object (&self->certificate);
      self->certificate = kyso_certificate_new (credential->chain->pdata[0], &error);
    }
  if (credential == NULL || self->certificate == NULL)
    {
      gtk_label_set_text (
        self->certificate_error_label,
        error ? error->message
              : _("The provider has no signing certificate for this account. Check the ID number "
                                    "in the profile, or contact the provider."));
      gtk_stack_set_visible_child_name (self->certificate_stack, "error");
      set_state (self, "certificate-error");
      return;
    }

  g_free (self->credential_id);
  self->credential_id = g_strdup (credential->id);
  g_clear_pointer (&self->chain, g_ptr_array_unref);
  self->chain = g_ptr_array_ref (credential->chain);

  adw_action_row_set_subtitle (self->holder_row, kyso_certificate_get_holder_name (self->certificate));
  masked = kyso_mask_id (kyso_certificate_get_national_id (self->certificate));
  adw_action_row_set_subtitle (self->id_row, *masked ? masked : _("None"));
  adw_action_row_set_subtitle (self->issuer_row, kyso_certificate_get_issuer_name (self->certificate));
  from = g_date_time_to_local (kyso_certificate_get_not_before (self->certificate));
  to = g_date_time_to_local (kyso_certificate_get_not_after (self->certificate));
  from_s = g_date_time_format (from, "%d/%m/%Y");
  to_s = g_date_time_format (to, "%d/%m/%Y");
  /* Translators: a certificate's validity, "from 01/01/2024 to 31/12/2026". */
  validity = g_strdup_printf (_("From %s to %s"), from_s, to_s);
  adw_action_row_set_subtitle (self->validity_row, validity);
  gtk_stack_set_visible_child_name (self->certificate_stack, "certificate");

  /* The engine refuses a certificate that is not this citizen's or not usable now; say so here,
   * before anyone is asked to approve anything. */
  account = current_account (self);
  if (!kyso_certificate_check_for_signing (
        self->certificate, account ? kyso_profile_account_get_account (account) : NULL, NULL, &unusable))
    {
      g_autofree char *text = NULL;

      if (account != NULL && kyso_certificate_get_national_id (self->certificate) != NULL
          && !kyso_certificate_matches_national_id (self->certificate,
                                                    kyso_profile_account_get_account (account)))
        {
          g_autofree char *profile_id = kyso_mask_id (kyso_profile_account_get_account (account));
          /* Translators: the two %s are masked ID numbers (last 4 digits shown), the third the profile. */
          text = g_strdup_printf (
            _("This certificate belongs to the ID number %s, but the profile “%s” is for %s. "
                                    "Check the ID number in the profile, or choose the right profile or account."),
               masked, kyso_profile_get_display_name (current_profile (self)), profile_id);
        }
      else
        text = g_strdup (unusable->message);
      show_warning (self, text);
      set_state (self, "blocked");
    }
  else
    {
      show_warning (self, NULL);
      set_state (self, "ready");
      if (self->resuming)
        resume_run (self);
      else
        /* Keyboard: everything is checked, Enter signs. */
        gtk_widget_grab_focus (self->sign_button);
    }
  update_preview (self);
}

/* The signer the account's kind gives (kyso-signer-factory.h): NEAC Sign, CSC … */
static KysoSigner *
default_factory (KysoProfile *profile, KysoProfileAccount *account, gpointer user_data, GError **error)
{
  KysoSignDialog *self = user_data;

  return kyso_signer_factory_new_for_account (self->config, account, error);
}

static void
fetch_certificate (KysoSignDialog *self)
{
  KysoProfile *profile = current_profile (self);
  KysoProfileAccount *account = current_account (self);
  g_autoptr (GError) error = NULL;
  g_autofree char *loading = NULL;

  g_cancellable_cancel (self->load_cancellable);
  g_clear_object (&self->load_cancellable);
  self->load_cancellable = g_cancellable_new ();
  g_clear_object (&self->signer);
  g_clear_object (&self->certificate);
  show_warning (self, NULL);
  if (profile == NULL || account == NULL)
    return;

  self->signer = self->factory ? self->factory (profile, account, self->factory_data, &error)
                               : default_factory (profile, account, self, &error);
  if (self->signer == NULL)
    {
      gtk_label_set_text (self->certificate_error_label, error->message);
      gtk_stack_set_visible_child_name (self->certificate_stack, "error");
      set_state (self, "certificate-error");
      return;
    }

  /* Translators: %s is the certificate provider, e.g. VNPT-CA. */
  loading
    = g_strdup_printf (_("Getting your certificate from %s…"),
                          kyso_phone_wait_name_for_provider (kyso_profile_account_get_provider (account)));
  gtk_label_set_text (self->certificate_loading_label, loading);
  gtk_spinner_start (self->certificate_spinner);
  gtk_stack_set_visible_child_name (self->certificate_stack, "loading");
  set_state (self, "certificate");
  kyso_signer_list_credentials_async (self->signer, self->load_cancellable, credentials_done, self);
}

static void
fetch_certificate_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  fetch_certificate (KYSO_SIGN_DIALOG (widget));
}

/* Profiles */

static void
account_selected_cb (KysoSignDialog *self)
{
  fetch_certificate (self);
}

static void
profile_selected_cb (KysoSignDialog *self)
{
  KysoProfile *profile = current_profile (self);
  g_autoptr (GtkStringList) names = gtk_string_list_new (NULL);
  GListModel *accounts;
  guint n;

  if (profile == NULL)
    return;
  accounts = kyso_profile_get_accounts (profile);
  n = g_list_model_get_n_items (accounts);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (KysoProfileAccount) account = g_list_model_get_item (accounts, i);
      g_autofree char *masked = kyso_mask_id (kyso_profile_account_get_account (account));
      /* Translators: a signing account: the (masked) ID number first, so that a narrow row
       * cuts the provider rather than the digits, then the provider. */
      g_autofree char *label = g_strdup_printf (
        _("ID %s · %s"), masked,
           kyso_phone_wait_name_for_provider (kyso_profile_account_get_provider (account)));
      gtk_string_list_append (names, label);
    }
  /* Setting the model selects the first account, which fetches its certificate. */
  adw_combo_row_set_model (self->account_row, G_LIST_MODEL (names));
  gtk_widget_set_visible (GTK_WIDGET (self->account_row), n > 0);
  if (n == 0)
    {
      gtk_label_set_text (
        self->certificate_error_label,
        _("This profile has no signing account. Edit it and add your ID number and provider."));
      gtk_stack_set_visible_child_name (self->certificate_stack, "error");
      set_state (self, "certificate-error");
      return;
    }
  if (self->resuming && self->resume_account < n
      && self->resume_account != adw_combo_row_get_selected (self->account_row))
    adw_combo_row_set_selected (self->account_row, self->resume_account); /* fetches */
  else if (adw_combo_row_get_selected (self->account_row) == 0 || self->resuming)
    fetch_certificate (self);
}

static void
profiles_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  KysoSignDialog *self = user_data;
  g_autoptr (GPtrArray) profiles = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GtkStringList) names = gtk_string_list_new (NULL);
  guint selected = 0;

  profiles = kyso_profile_store_list_finish (KYSO_PROFILE_STORE (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (profiles == NULL || profiles->len == 0)
    {
      gtk_label_set_text (
        self->no_profile_label,
        error ? error->message
              : _("You have no signature profile yet. A profile holds your signature image, your "
                                    "ID number and your certificate provider; add one, then sign."));
      gtk_widget_set_visible (self->no_profile_box, TRUE);
      gtk_widget_set_visible (GTK_WIDGET (self->profile_row), FALSE);
      gtk_widget_set_visible (GTK_WIDGET (self->account_row), FALSE);
      gtk_label_set_text (self->certificate_loading_label, _("Choose a profile first."));
      set_state (self, "no-profile");
      return;
    }

  self->profiles = g_steal_pointer (&profiles);
  for (guint i = 0; i < self->profiles->len; i++)
    {
      KysoProfile *profile = self->profiles->pdata[i];
      gtk_string_list_append (names, kyso_profile_get_display_name (profile));
      if (g_strcmp0 (kyso_profile_get_id (profile), self->preselect_id) == 0)
        selected = i;
    }
  adw_combo_row_set_model (self->profile_row, G_LIST_MODEL (names));
  if (adw_combo_row_get_selected (self->profile_row) == selected)
    profile_selected_cb (self);
  else
    adw_combo_row_set_selected (self->profile_row, selected);
}

void
kyso_sign_dialog_load_profiles (KysoSignDialog *self, KysoProfileStore *store, const char *profile_id)
{
  g_return_if_fail (KYSO_IS_SIGN_DIALOG (self));
  g_return_if_fail (KYSO_IS_PROFILE_STORE (store));

  g_free (self->preselect_id);
  self->preselect_id = g_strdup (profile_id);
  set_state (self, "loading");
  kyso_profile_store_list_async (store, self->load_cancellable, profiles_done, self);
}

static void
add_profile_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  GtkWindow *parent = gtk_window_get_transient_for (GTK_WINDOW (widget));

  /* The main window's Signatures page has the profile form. */
  if (parent != NULL)
    gtk_widget_activate_action (GTK_WIDGET (parent), "win.add-profile", NULL);
  gtk_window_close (GTK_WINDOW (widget));
}

/* Signing: a thin presenter over KysoSigningJob, which prepares, asks, waits, finishes, keeps or
 * forgets the request and resumes it (kyso-signing-job.h). */

static void
finish_run (KysoSignDialog *self, GError *error)
{
  if (self->wait == NULL)
    return; /* the dialog was closed meanwhile */
  set_state (self, "done");
  kyso_phone_wait_set_outcome (self->wait, error);
  if (error == NULL)
    {
      g_signal_emit (self, signals[SIGNED], 0, self->output);
      gtk_window_close (GTK_WINDOW (self));
    }
}

static void
job_progress_cb (KysoSigningJob *job, const KysoSignProgress *progress, KysoSignDialog *self)
{
  if (self->wait != NULL && g_str_equal (self->state, "signing"))
    kyso_phone_wait_set_progress (self->wait, progress);
}

static void
job_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (KysoSignDialog) self = user_data;
  KysoSigningJob *job = KYSO_SIGNING_JOB (source);
  g_autoptr (GError) error = NULL;

  if (self->job_resumes)
    kyso_signing_job_resume_finish (job, result, &error);
  else
    kyso_signing_job_run_finish (job, result, &error);
  g_signal_handlers_disconnect_by_data (job, self);
  if (error == NULL && kyso_signing_job_get_n_files (job) > 0)
    {
      g_autoptr (GFile) output = g_file_new_for_path (kyso_signing_job_get_output (job, 0));
      g_set_object (&self->output, output);
    }
  finish_run (self, error);
}

static KysoSigningJob *
new_job (KysoSignDialog *self)
{
  KysoProfile *profile = current_profile (self);
  KysoSigningJob *job = kyso_signing_job_new (self->signer, self->credential_id);

  g_cancellable_cancel (self->run_cancellable);
  g_clear_object (&self->run_cancellable);
  self->run_cancellable = g_cancellable_new ();
  if (profile != NULL)
    kyso_signing_job_set_profile_id (job, kyso_profile_get_id (profile));
  kyso_signing_job_set_profile_account (job, adw_combo_row_get_selected (self->account_row));
  g_signal_connect (job, "progress", G_CALLBACK (job_progress_cb), self);
  g_set_object (&self->job, job);
  return job;
}

static void
show_waiting (KysoSignDialog *self)
{
  KysoProfileAccount *account = current_account (self);
  KysoSignProgress sending = { KYSO_SIGN_STATE_SENDING, NULL, NULL, NULL, 0 };

  set_state (self, "signing");
  kyso_phone_wait_set_provider (self->wait, account ? kyso_profile_account_get_provider (account) : NULL);
  kyso_phone_wait_set_progress (self->wait, &sending);
  gtk_stack_set_visible_child_name (self->stack, "wait");
}

/* The request a previous run (of Kyso or kyso-cli) left waiting: same prepared file, same
 * transaction (the signer polls it again instead of asking the phone twice). */
static void
resume_run (KysoSignDialog *self)
{
  g_autoptr (KysoSigningJob) job = NULL;

  self->resuming = FALSE;
  g_return_if_fail (self->signer != NULL && self->pending != NULL);
  job = new_job (self);
  self->job_resumes = TRUE;
  show_waiting (self);
  kyso_signing_job_resume_async (job, self->pending, self->run_cancellable, job_done_cb, g_object_ref (self));
}

static void
start_run (KysoSignDialog *self)
{
  KysoProfile *profile = current_profile (self);
  g_autofree char *in = g_file_get_path (self->input);
  g_autofree char *out = g_file_get_path (self->output);
  KysoSignSessionOptions options = { 0 };
  g_autoptr (GDateTime) now = g_date_time_new_now_local ();
  g_autoptr (KysoSigningJob) job = NULL;

  g_return_if_fail (self->signer != NULL && self->chain != NULL && profile != NULL);

  options.page = (int)self->placement.page + 1;
  options.invisible = self->placement.invisible;
  if (!self->placement.invisible)
    {
      options.has_rect = TRUE;
      options.rect[0] = self->placement.rect.x0;
      options.rect[1] = self->placement.rect.y0;
      options.rect[2] = self->placement.rect.x1 - self->placement.rect.x0;
      options.rect[3] = self->placement.rect.y1 - self->placement.rect.y0;
    }
  options.image_png = kyso_profile_get_image (profile);
  options.show_ca = TRUE;
  options.signing_time = now;
  options.tsa_url = self->tsa_url && *self->tsa_url ? self->tsa_url : NULL;
  options.tls_ca_file = self->config ? kyso_config_get_path (self->config, "tls", "ca_file") : NULL;

  job = new_job (self);
  self->job_resumes = FALSE;
  kyso_signing_job_add_file (job, in, out, &options);
  show_waiting (self);
  kyso_signing_job_run_async (job, self->run_cancellable, job_done_cb, g_object_ref (self));
}

static void
sign_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  start_run (KYSO_SIGN_DIALOG (widget));
}

static void
retry_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  start_run (KYSO_SIGN_DIALOG (widget));
}

static void
cancel_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  g_cancellable_cancel (KYSO_SIGN_DIALOG (widget)->run_cancellable);
}

static gboolean
kyso_sign_dialog_close_request (GtkWindow *window)
{
  KysoSignDialog *self = KYSO_SIGN_DIALOG (window);

  /* Closing while waiting is cancelling: nothing is left half-done. */
  g_cancellable_cancel (self->run_cancellable);
  g_cancellable_cancel (self->load_cancellable);
  return GTK_WINDOW_CLASS (kyso_sign_dialog_parent_class)->close_request (window);
}

static void
kyso_sign_dialog_dispose (GObject *object)
{
  KysoSignDialog *self = KYSO_SIGN_DIALOG (object);

  g_cancellable_cancel (self->run_cancellable);
  g_cancellable_cancel (self->load_cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (object), KYSO_TYPE_SIGN_DIALOG);
  g_clear_object (&self->run_cancellable);
  g_clear_object (&self->load_cancellable);
  if (self->job != NULL)
    g_signal_handlers_disconnect_by_data (self->job, self);
  g_clear_object (&self->job);
  g_clear_object (&self->pending);
  g_clear_object (&self->signer);
  g_clear_object (&self->certificate);
  g_clear_pointer (&self->chain, g_ptr_array_unref);
  g_clear_pointer (&self->profiles, g_ptr_array_unref);
  g_clear_object (&self->input);
  g_clear_object (&self->output);
  g_clear_pointer (&self->config, kyso_config_unref);
  if (self->factory_destroy != NULL)
    g_clear_pointer (&self->factory_data, self->factory_destroy);
  self->factory = NULL;

  G_OBJECT_CLASS (kyso_sign_dialog_parent_class)->dispose (object);
}

static void
kyso_sign_dialog_finalize (GObject *object)
{
  KysoSignDialog *self = KYSO_SIGN_DIALOG (object);

  g_free (self->tsa_url);
  g_free (self->credential_id);
  g_free (self->preselect_id);

  G_OBJECT_CLASS (kyso_sign_dialog_parent_class)->finalize (object);
}

static void
kyso_sign_dialog_class_init (KysoSignDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = kyso_sign_dialog_dispose;
  object_class->finalize = kyso_sign_dialog_finalize;
  window_class->close_request = kyso_sign_dialog_close_request;

  signals[SIGNED] = g_signal_new ("signed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                  G_TYPE_NONE, 1, G_TYPE_FILE);

  g_type_ensure (KYSO_TYPE_PHONE_WAIT);
  gtk_widget_class_set_template_from_resource (widget_class, "/vn/kyso/Kyso/ui/kyso-sign-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, KysoSignDialog, sign_button);
  gtk_widget_class_bind_template_child (widget_class, KysoSignDialog, stack);
  gtk_widget_class_bind_template_child (widget_class, KysoSignDialog, profile_row);
  gtk_widget_class_bind_template_child (widget_class, KysoSignDialog, account_row);
  gtk_widget_class_bind_template_child (widget_class, KysoSignDialog, no_profile_box);
  gtk_widget_class_bind_template_child (widget_class, KysoSignDialog, no_profile_label);
  gtk_widget_class_bind_template_child (widget_class, KysoSignDialog, preview);
  gtk_widget_class_bind_template_child (widget_class, KysoSignDialog, preview_caption);
  gtk_widget_class_bind_template_child (widget_class, KysoSignDialog, certificate_stack);
  gtk_widget_class_bind_template_child (widget_class, KysoSignDialog, certificate_spinner);
  gtk_widget_class_bind_template_child (widget_class, KysoSignDialog, certificate_loading_label);
  gtk_widget_class_bind_template_child (widget_class, KysoSignDialog, certificate_error_label);
  gtk_widget_class_bind_template_child (widget_class, KysoSignDialog, holder_row);
  gtk_widget_class_bind_template_child (widget_class, KysoSignDialog, id_row);
  gtk_widget_class_bind_template_child (widget_class, KysoSignDialog, issuer_row);
  gtk_widget_class_bind_template_child (widget_class, KysoSignDialog, validity_row);
  gtk_widget_class_bind_template_child (widget_class, KysoSignDialog, warning_group);
  gtk_widget_class_bind_template_child (widget_class, KysoSignDialog, warning_label);
  gtk_widget_class_bind_template_child (widget_class, KysoSignDialog, output_row);
  gtk_widget_class_bind_template_child (widget_class, KysoSignDialog, wait);
  gtk_widget_class_bind_template_callback (widget_class, profile_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, account_selected_cb);

  gtk_widget_class_install_action (widget_class, "sign.sign", NULL, sign_action);
  gtk_widget_class_install_action (widget_class, "sign.cancel", NULL, cancel_action);
  gtk_widget_class_install_action (widget_class, "sign.retry", NULL, retry_action);
  gtk_widget_class_install_action (widget_class, "sign.fetch-certificate", NULL, fetch_certificate_action);
  gtk_widget_class_install_action (widget_class, "sign.change-output", NULL, change_output_action);
  gtk_widget_class_install_action (widget_class, "sign.add-profile", NULL, add_profile_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
kyso_sign_dialog_init (KysoSignDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_window_set_default_widget (GTK_WINDOW (self), self->sign_button);
  self->load_cancellable = g_cancellable_new ();
  set_state (self, "loading");
}

KysoSignDialog *
kyso_sign_dialog_new (GtkWindow *parent, GFile *input, const KysoSignPlacement *placement)
{
  KysoSignDialog *self;

  g_return_val_if_fail (G_IS_FILE (input), NULL);
  g_return_val_if_fail (placement != NULL, NULL);

  self = g_object_new (KYSO_TYPE_SIGN_DIALOG, "transient-for", parent, "destroy-with-parent", TRUE, NULL);
  self->input = g_object_ref (input);
  self->placement = *placement;
  self->output = kyso_sign_dialog_default_output (input);
  update_output_row (self);
  update_preview (self);
  return self;
}

void
kyso_sign_dialog_set_config (KysoSignDialog *self, KysoConfig *config)
{
  g_return_if_fail (KYSO_IS_SIGN_DIALOG (self));

  g_clear_pointer (&self->config, kyso_config_unref);
  if (config != NULL)
    self->config = kyso_config_ref (config);
}

void
kyso_sign_dialog_set_tsa_url (KysoSignDialog *self, const char *tsa_url)
{
  g_return_if_fail (KYSO_IS_SIGN_DIALOG (self));

  g_free (self->tsa_url);
  self->tsa_url = g_strdup (tsa_url);
}

void
kyso_sign_dialog_set_signer_factory (KysoSignDialog *self, KysoSignerFactory factory, gpointer user_data,
                                     GDestroyNotify destroy)
{
  g_return_if_fail (KYSO_IS_SIGN_DIALOG (self));

  if (self->factory_destroy != NULL)
    g_clear_pointer (&self->factory_data, self->factory_destroy);
  self->factory = factory;
  self->factory_data = user_data;
  self->factory_destroy = destroy;
}

KysoProfile *
kyso_sign_dialog_get_profile (KysoSignDialog *self)
{
  g_return_val_if_fail (KYSO_IS_SIGN_DIALOG (self), NULL);
  return current_profile (self);
}

KysoPhoneWait *
kyso_sign_dialog_get_wait (KysoSignDialog *self)
{
  g_return_val_if_fail (KYSO_IS_SIGN_DIALOG (self), NULL);
  return self->wait;
}

const char *
kyso_sign_dialog_get_state (KysoSignDialog *self)
{
  g_return_val_if_fail (KYSO_IS_SIGN_DIALOG (self), NULL);
  return self->state;
}

const char *
kyso_sign_dialog_get_warning (KysoSignDialog *self)
{
  g_return_val_if_fail (KYSO_IS_SIGN_DIALOG (self), NULL);
  return gtk_widget_get_visible (self->warning_group) ? gtk_label_get_text (self->warning_label) : NULL;
}

gboolean
kyso_sign_dialog_resume (KysoSignDialog *self, KysoPending *pending, KysoProfileStore *store, GError **error)
{
  g_autofree char *session = NULL;
  g_autofree char *profile_id = NULL;

  g_return_val_if_fail (KYSO_IS_SIGN_DIALOG (self), FALSE);
  g_return_val_if_fail (KYSO_IS_PENDING (pending), FALSE);
  g_return_val_if_fail (KYSO_IS_PROFILE_STORE (store), FALSE);

  session = kyso_pending_dup_session_path (pending);
  if (!g_file_test (session, G_FILE_TEST_IS_REGULAR) || kyso_pending_get_output_path (pending) == NULL)
    {
      g_set_error_literal (
        error, KYSO_ERROR, KYSO_ERROR_NOT_FOUND,
        _("The unfinished signing request can no longer be resumed. Sign the document again."));
      return FALSE;
    }
  g_set_object (&self->pending, pending);
  {
    g_autoptr (GFile) output = g_file_new_for_path (kyso_pending_get_output_path (pending));
    kyso_sign_dialog_set_output (self, output);
  }
  /* The profile that asked (kyso-cli's --profile, or this dialog), else the first one: the
   * signer checks that its certificate is the one the request was made with. */
  profile_id = kyso_signing_job_dup_profile_id (pending);
  self->resuming = TRUE;
  self->resume_account = kyso_signing_job_get_profile_account (pending);
  kyso_sign_dialog_load_profiles (self, store, profile_id);
  return TRUE;
}
