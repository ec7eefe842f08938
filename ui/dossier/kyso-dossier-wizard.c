#include "config.h"

#include "kyso-dossier-wizard.h"
#include "kyso-dossier-applicant.h"
#include "kyso-dossier-components.h"
#include "kyso-error.h"

#include <glib/gi18n-lib.h>

struct _KysoDossierWizard
{
  AdwBin parent_instance;

  KysoPortal *portal;
  KysoConfig *config;
  KysoProfileStore *profiles;
  GSettings *settings;
  KysoApplicant *account;
  char *procedure_id;         /* what is being opened */
  KysoDossier *pending_draft; /* a draft waiting for its procedure's details */
  KysoDossier *dossier;
  KysoProcedure *procedure;
  KysoDossierStep step;
  gboolean fresh; /* a new dossier: prefill from the account */
  gboolean submitting;
  GCancellable *cancellable; /* loading, submitting */
  char *error;
  guint saves;
  guint saving;            /* a save is running (0 or 1: saves are queued, not parallel) */
  gboolean save_again;     /* the dossier changed while it was being saved */
  gboolean close_pending;  /* go home once the draft is on disk */
  gboolean submit_pending; /* submit once the draft is on disk (the portal changes the dossier) */
  /* The dossier is not thread-safe: whoever changes it holds this lock, and so does the thread
   * that saves its draft (KysoDossier's own async save does not take a snapshot). */
  GMutex dossier_lock;

  GtkLabel *title_label;
  GtkLabel *subtitle_label;
  GtkWidget *steps_box;
  GtkLabel *step_labels[4];
  GtkStack *stack;
  GtkSpinner *loading_spinner;
  AdwStatusPage *error_page;
  GtkScrolledWindow *scroller;
  GtkStack *steps_stack;
  KysoDossierApplicant *applicant;
  KysoDossierComponents *components;
  AdwPreferencesGroup *fees_group;
  GtkWidget *fee_rows; /* the rows added to fees_group (a box) */
  AdwActionRow *agency_row;
  AdwActionRow *time_row;
  GtkCheckButton *declaration_check;
  AdwActionRow *summary_applicant_row;
  AdwActionRow *summary_files_row;
  AdwActionRow *summary_fee_row;
  GtkProgressBar *submit_progress;
  GtkLabel *code_label;
  GtkWidget *track_button;
  GtkWidget *copy_button;
  GtkWidget *bottom_separator;
  GtkWidget *bottom_bar;
  GtkLabel *error_label;
  GtkWidget *back_button;
  GtkLabel *saved_label;
  GtkWidget *next_button;
  GtkWidget *step_action_button;
};

G_DEFINE_FINAL_TYPE (KysoDossierWizard, kyso_dossier_wizard, ADW_TYPE_BIN)

enum
{
  PROP_0,
  PROP_STATE,
  PROP_STEP,
  PROP_DECLARATION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static const char *const step_names[] = { "information", "components", "fees", "submit" };

static void
show_error (KysoDossierWizard *self, const char *message)
{
  g_free (self->error);
  self->error = g_strdup (message);
  gtk_label_set_text (self->error_label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);
}

static void
set_state (KysoDossierWizard *self, const char *state)
{
  gboolean steps = g_str_equal (state, "steps");

  gtk_spinner_set_spinning (self->loading_spinner, g_str_equal (state, "loading"));
  gtk_widget_set_visible (self->bottom_bar, steps);
  gtk_widget_set_visible (self->bottom_separator, steps);
  gtk_widget_set_visible (self->steps_box, steps);
  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), state) == 0)
    return;
  gtk_stack_set_visible_child_name (self->stack, state);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

static void
update_buttons (KysoDossierWizard *self)
{
  gboolean busy = self->submitting || kyso_dossier_components_is_busy (self->components);
  gboolean last = self->step == KYSO_DOSSIER_STEP_SUBMIT;
  const char *next;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "dossier.back",
                                 self->step > KYSO_DOSSIER_STEP_INFORMATION && !busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "dossier.next", !last && !busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "dossier.submit", last && !busy);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->next_button),
                                  last ? "dossier.submit" : "dossier.next");
  gtk_button_set_label (GTK_BUTTON (self->next_button), last ? _("_Submit Dossier") : _("_Next"));
  /* One main (blue) button: on step 2 it is Next only once the files are done; until then the
   * step's next thing to do sits beside Next, where it is always in view. */
  next = self->step == KYSO_DOSSIER_STEP_COMPONENTS
           ? kyso_dossier_components_get_next_action (self->components)
           : NULL;
  if (next == NULL)
    gtk_widget_add_css_class (self->next_button, "suggested-action");
  else
    gtk_widget_remove_css_class (self->next_button, "suggested-action");
  gtk_widget_set_visible (self->step_action_button, next != NULL && !busy);
  if (g_strcmp0 (next, "sign") == 0)
    gtk_button_set_label (GTK_BUTTON (self->step_action_button), _("Sign _All with One Approval"));
  else if (g_strcmp0 (next, "upload") == 0)
    gtk_button_set_label (GTK_BUTTON (self->step_action_button), _("U_pload All"));
  else if (next != NULL)
    gtk_button_set_label (GTK_BUTTON (self->step_action_button), _("_Attach File…"));
}

static void
step_action_activated (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  KysoDossierWizard *self = KYSO_DOSSIER_WIZARD (widget);

  if (self->step == KYSO_DOSSIER_STEP_COMPONENTS)
    kyso_dossier_components_do_next_action (self->components);
}

/* Drafts ---------------------------------------------------------------------------------------- */

static void
start_submit (KysoDossierWizard *self);

static void
save_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  KysoDossierWizard *self = source;
  KysoDossier *dossier = data;
  GError *error = NULL;
  gboolean ok;

  g_mutex_lock (&self->dossier_lock);
  ok = kyso_dossier_save_draft (dossier, cancellable, &error);
  g_mutex_unlock (&self->dossier_lock);
  if (ok)
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
save_draft (KysoDossierWizard *self);

static void
saved_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  KysoDossierWizard *self = KYSO_DOSSIER_WIZARD (source);
  KysoDossier *dossier = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;

  self->saving--;
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_autofree char *message = NULL;

      /* Translators: %s says why */
      message = g_strdup_printf (_("The draft could not be saved: %s"), error->message);
      gtk_label_set_text (self->saved_label, message);
    }
  else if (dossier == self->dossier)
    {
      self->saves++;
      gtk_label_set_text (self->saved_label, _("Draft saved on this computer"));
    }
  if (self->save_again)
    {
      self->save_again = FALSE;
      save_draft (self);
      return;
    }
  /* Home lists the drafts from disk: it is shown once this one is there. */
  if (self->close_pending)
    {
      self->close_pending = FALSE;
      gtk_widget_activate_action (GTK_WIDGET (self), "portal.home", NULL);
    }
  if (self->submit_pending)
    {
      self->submit_pending = FALSE;
      start_submit (self);
    }
}

static void
save_draft (KysoDossierWizard *self)
{
  g_autoptr(GTask) task = NULL;

  if (self->dossier == NULL)
    return;
  if (self->saving > 0)
    {
      self->save_again = TRUE;
      return;
    }
  self->saving++;
  gtk_label_set_text (self->saved_label, _("Saving the draft…"));
  task = g_task_new (self, NULL, saved_cb, NULL);
  g_task_set_source_tag (task, save_draft);
  g_task_set_task_data (task, g_object_ref (self->dossier), g_object_unref);
  g_task_run_in_thread (task, save_thread);
}

/* Steps ------------------------------------------------------------------------------------------- */

static void
fill_fees (KysoDossierWizard *self)
{
  GPtrArray *fees = kyso_procedure_get_fees (self->procedure);
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (self->fee_rows)) != NULL)
    gtk_list_box_remove (GTK_LIST_BOX (self->fee_rows), child);
  for (guint i = 0; i < fees->len; i++)
    {
      KysoFee *fee = fees->pdata[i];
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *amount = gtk_label_new (NULL);
      g_autofree char *text = kyso_dossier_wizard_format_amount (fee->amount);

      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), fee->name);
      if (fee->note != NULL)
        adw_action_row_set_subtitle (ADW_ACTION_ROW (row), fee->note);
      gtk_label_set_text (GTK_LABEL (amount), text);
      gtk_widget_add_css_class (amount, "heading");
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), amount);
      gtk_list_box_append (GTK_LIST_BOX (self->fee_rows), row);
    }
  if (fees->len == 0)
    {
      GtkWidget *row = adw_action_row_new ();
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("This procedure is free of charge."));
      gtk_list_box_append (GTK_LIST_BOX (self->fee_rows), row);
    }
  adw_action_row_set_subtitle (self->agency_row, kyso_procedure_get_agency (self->procedure) != NULL
                                                   ? kyso_procedure_get_agency (self->procedure)
                                                   : _("Not given by the portal"));
  adw_action_row_set_subtitle (self->time_row, kyso_procedure_get_processing_time (self->procedure) != NULL
                                                 ? kyso_procedure_get_processing_time (self->procedure)
                                                 : _("Not given by the portal"));
}

static void
fill_summary (KysoDossierWizard *self)
{
  KysoApplicant *a = kyso_dossier_get_applicant (self->dossier);
  GPtrArray *entries = kyso_dossier_get_entries (self->dossier);
  guint uploaded = 0;
  g_autofree char *files = NULL;
  g_autofree char *fee = kyso_dossier_wizard_format_amount (kyso_procedure_get_fee_total (self->procedure));

  for (guint i = 0; i < entries->len; i++)
    uploaded += ((KysoDossierEntry *)entries->pdata[i])->uploaded != NULL;
  adw_action_row_set_subtitle (self->summary_applicant_row, a->full_name != NULL ? a->full_name : "");
  /* Translators: e.g. "2 files, 1 uploaded" */
  files = g_strdup_printf (_("%u files, %u uploaded"), entries->len, uploaded);
  adw_action_row_set_subtitle (self->summary_files_row, files);
  adw_action_row_set_subtitle (self->summary_fee_row, fee);
}

static void
go_to (KysoDossierWizard *self, KysoDossierStep step)
{
  self->step = step;
  if (step == KYSO_DOSSIER_STEP_DONE)
    {
      g_autofree char *code = g_strdup (kyso_dossier_get_code (self->dossier));
      gtk_label_set_text (self->code_label, code);
      gtk_actionable_set_action_target (GTK_ACTIONABLE (self->track_button), "s", code);
      set_state (self, "done");
      /* Not the selectable code: focusing it would select it all. */
      gtk_widget_grab_focus (self->copy_button);
      gtk_label_select_region (self->code_label, 0, 0);
    }
  else
    {
      if (step == KYSO_DOSSIER_STEP_SUBMIT)
        fill_summary (self);
      gtk_stack_set_visible_child_name (self->steps_stack, step_names[step]);
      for (guint i = 0; i < G_N_ELEMENTS (self->step_labels); i++)
        {
          GtkWidget *label = GTK_WIDGET (self->step_labels[i]);
          gboolean current = i == (guint)step;

          if (current)
            {
              gtk_widget_add_css_class (label, "heading");
              gtk_widget_add_css_class (label, "accent");
              gtk_widget_remove_css_class (label, "dim-label");
            }
          else
            {
              gtk_widget_remove_css_class (label, "heading");
              gtk_widget_remove_css_class (label, "accent");
              gtk_widget_add_css_class (label, "dim-label");
            }
        }
      gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (self->scroller), 0);
      set_state (self, "steps");
    }
  show_error (self, NULL);
  update_buttons (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STEP]);
}

/* Checks what the citizen filled in up to @step; on a problem shows it and returns the step
 * where it can be fixed, else KYSO_DOSSIER_STEP_DONE. */
static KysoDossierStep
check_up_to (KysoDossierWizard *self, KysoDossierStep step)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *blocker = NULL;
  const char *field = NULL;
  KysoDossierStep at = KYSO_DOSSIER_STEP_DONE;

  if (!kyso_dossier_validate (self->dossier, self->procedure, &field, &error))
    {
      if (g_strcmp0 (field, "declaration") == 0)
        at = KYSO_DOSSIER_STEP_FEES;
      else if (field != NULL && kyso_procedure_find_component (self->procedure, field) != NULL)
        at = KYSO_DOSSIER_STEP_COMPONENTS;
      else if (g_strcmp0 (field, "component") == 0 || g_strcmp0 (field, "procedure") == 0)
        at = KYSO_DOSSIER_STEP_COMPONENTS;
      else
        at = KYSO_DOSSIER_STEP_INFORMATION;
    }
  /* A component signed by someone else stops the dossier at step 2 (after step 1's problems). */
  if (step >= KYSO_DOSSIER_STEP_COMPONENTS && at >= KYSO_DOSSIER_STEP_COMPONENTS
      && (blocker = kyso_dossier_components_dup_blocker (self->components)) != NULL)
    {
      if (self->step != KYSO_DOSSIER_STEP_COMPONENTS)
        go_to (self, KYSO_DOSSIER_STEP_COMPONENTS);
      show_error (self, blocker);
      return KYSO_DOSSIER_STEP_COMPONENTS;
    }
  if (at > step)
    return KYSO_DOSSIER_STEP_DONE;
  if (at != self->step)
    go_to (self, at);
  if (at == KYSO_DOSSIER_STEP_INFORMATION)
    {
      /* Every problem of the form at once, top to bottom. */
      g_autofree char *all = kyso_dossier_applicant_check (self->applicant);

      if (all != NULL)
        {
          show_error (self, all);
          return at;
        }
      kyso_dossier_applicant_mark_field (self->applicant, field);
    }
  show_error (self, error->message);
  return at;
}

static void
take_applicant (KysoDossierWizard *self)
{
  g_autoptr(KysoApplicant) applicant = kyso_dossier_applicant_get (self->applicant);

  g_mutex_lock (&self->dossier_lock);
  kyso_dossier_set_applicant (self->dossier, applicant);
  g_mutex_unlock (&self->dossier_lock);
}

static void
next_activated (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  KysoDossierWizard *self = KYSO_DOSSIER_WIZARD (widget);

  if (self->dossier == NULL || self->step >= KYSO_DOSSIER_STEP_SUBMIT)
    return;
  if (self->step == KYSO_DOSSIER_STEP_INFORMATION)
    take_applicant (self);
  /* The draft keeps what was typed even when the step is not complete yet. */
  save_draft (self);
  if (check_up_to (self, self->step) != KYSO_DOSSIER_STEP_DONE)
    return;
  go_to (self, self->step + 1);
}

static void
back_activated (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  KysoDossierWizard *self = KYSO_DOSSIER_WIZARD (widget);

  if (self->dossier == NULL || self->step == KYSO_DOSSIER_STEP_INFORMATION
      || self->step == KYSO_DOSSIER_STEP_DONE)
    return;
  save_draft (self);
  go_to (self, self->step - 1);
}

static void
components_changed_cb (KysoDossierWizard *self)
{
  show_error (self, NULL);
  save_draft (self);
  update_buttons (self);
}

static void
components_busy_cb (KysoDossierWizard *self)
{
  update_buttons (self);
}

/* A problem of step 1 that the citizen has just fixed goes from the screen at once. */
static void
applicant_changed_cb (KysoDossierWizard *self)
{
  g_autofree char *still = NULL;

  if (self->step != KYSO_DOSSIER_STEP_INFORMATION || self->error == NULL)
    return;
  still = kyso_dossier_applicant_recheck (self->applicant);
  show_error (self, still);
}

static void
declaration_toggled_cb (KysoDossierWizard *self)
{
  gboolean active = gtk_check_button_get_active (self->declaration_check);

  if (self->dossier == NULL || kyso_dossier_get_declaration (self->dossier) == active)
    return;
  g_mutex_lock (&self->dossier_lock);
  kyso_dossier_set_declaration (self->dossier, active);
  g_mutex_unlock (&self->dossier_lock);
  if (self->step == KYSO_DOSSIER_STEP_FEES)
    show_error (self, NULL);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DECLARATION]);
}

/* Submitting ---------------------------------------------------------------------------------------- */

static void
submit_progress_cb (const KysoPortalProgress *progress, gpointer user_data)
{
  KysoDossierWizard *self = user_data;
  g_autofree char *text = NULL;

  switch (progress->stage)
    {
      case KYSO_PORTAL_STAGE_CHECKING:
        text = g_strdup (_("Checking the dossier…"));
        break;
      case KYSO_PORTAL_STAGE_UPLOADING:
        /* Translators: %s is a file name */
        text = g_strdup_printf (_("Uploading %s…"), progress->file_name != NULL ? progress->file_name : "");
        break;
      case KYSO_PORTAL_STAGE_RETRYING:
        text = g_strdup (_("The connection dropped; sending again (the portal keeps one copy)…"));
        break;
      case KYSO_PORTAL_STAGE_SUBMITTING:
        text = g_strdup (_("Filing the dossier with the portal…"));
        break;
    }
  gtk_progress_bar_set_text (self->submit_progress, text);
  gtk_progress_bar_set_fraction (
    self->submit_progress,
    progress->total_size > 0 ? (double)progress->total_sent / progress->total_size : 0.0);
}

static void
submitted_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(KysoDossierWizard) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *code = kyso_portal_submit_dossier_finish (KYSO_PORTAL (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self->submitting = FALSE;
  gtk_widget_set_visible (GTK_WIDGET (self->submit_progress), FALSE);
  /* What was uploaded is recorded in the dossier either way: a retry resumes. */
  save_draft (self);
  update_buttons (self);
  if (code == NULL)
    {
      if (g_error_matches (error, KYSO_ERROR, KYSO_ERROR_AUTH))
        show_error (self,
                    _("Your session at the portal ended. Log in again, then submit: your dossier is kept."));
      else if (g_error_matches (error, KYSO_ERROR, KYSO_ERROR_NETWORK))
        {
          g_autofree char *message
            = g_strdup_printf (_("%s Check the Internet connection and choose “Submit "
                                                        "Dossier” again: nothing is sent twice."),
                                  error->message);
          show_error (self, message);
        }
      else
        show_error (self, error->message);
      return;
    }
  go_to (self, KYSO_DOSSIER_STEP_DONE);
}

static void
start_submit (KysoDossierWizard *self)
{
  kyso_portal_submit_dossier_async (self->portal, self->dossier, self->procedure, submit_progress_cb, self,
                                    self->cancellable, submitted_cb, g_object_ref (self));
}

static void
submit_activated (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  KysoDossierWizard *self = KYSO_DOSSIER_WIZARD (widget);

  if (self->dossier == NULL || self->submitting || self->step != KYSO_DOSSIER_STEP_SUBMIT)
    return;
  if (check_up_to (self, KYSO_DOSSIER_STEP_SUBMIT) != KYSO_DOSSIER_STEP_DONE)
    return;
  self->submitting = TRUE;
  show_error (self, NULL);
  update_buttons (self);
  gtk_progress_bar_set_fraction (self->submit_progress, 0);
  gtk_progress_bar_set_text (self->submit_progress, _("Checking the dossier…"));
  gtk_widget_set_visible (GTK_WIDGET (self->submit_progress), TRUE);
  /* The portal changes the dossier while submitting: not while its draft is being written. */
  if (self->saving > 0)
    self->submit_pending = TRUE;
  else
    start_submit (self);
}

static void
copy_code_activated (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  KysoDossierWizard *self = KYSO_DOSSIER_WIZARD (widget);
  GtkWidget *overlay;

  if (self->dossier == NULL || kyso_dossier_get_code (self->dossier) == NULL)
    return;
  gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), kyso_dossier_get_code (self->dossier));
  overlay = gtk_widget_get_ancestor (widget, ADW_TYPE_TOAST_OVERLAY);
  if (overlay != NULL)
    adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), adw_toast_new (_("Dossier code copied")));
}

static void
close_now (KysoDossierWizard *self);

static void
close_response_cb (AdwMessageDialog *dialog, const char *response, KysoDossierWizard *self)
{
  if (g_strcmp0 (response, "close") == 0)
    {
      kyso_dossier_components_cancel_work (self->components);
      close_now (self);
    }
}

static void
close_activated (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  KysoDossierWizard *self = KYSO_DOSSIER_WIZARD (widget);
  GtkRoot *root = gtk_widget_get_root (widget);
  GtkWidget *dialog;

  /* Files still going to the portal (or waiting for the phone): ask before dropping them. */
  if (!kyso_dossier_components_is_busy (self->components) || self->step == KYSO_DOSSIER_STEP_DONE)
    {
      close_now (self);
      return;
    }
  dialog = adw_message_dialog_new (
    GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
    _("Stop Uploading?"), _("Files of this dossier are still being uploaded or signed. If you close it "
                                     "now, that stops; your dossier is kept as a draft and you can upload them "
                                     "later."));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "keep",
                                    _("_Keep Uploading"), "close", _("_Stop and Close"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "close", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "keep");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "keep");
  g_signal_connect_object (dialog, "response", G_CALLBACK (close_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
close_now (KysoDossierWizard *self)
{
  GtkWidget *widget = GTK_WIDGET (self);

  if (self->dossier != NULL && self->step == KYSO_DOSSIER_STEP_INFORMATION)
    {
      take_applicant (self);
      save_draft (self);
    }
  if (self->saving > 0)
    self->close_pending = TRUE;
  else
    gtk_widget_activate_action (widget, "portal.home", NULL);
}

/* Loading -------------------------------------------------------------------------------------------- */

static gboolean
applicant_is_empty (const KysoApplicant *a)
{
  return a->full_name == NULL && a->id_number == NULL && a->phone == NULL;
}

/* Where a resumed draft goes on: the first step that still needs something. */
static KysoDossierStep
resume_step (KysoDossierWizard *self)
{
  g_autoptr(GError) error = NULL;
  const char *field = NULL;

  if (kyso_dossier_get_code (self->dossier) != NULL)
    return KYSO_DOSSIER_STEP_DONE;
  if (!kyso_dossier_validate (self->dossier, self->procedure, &field, &error)
      && (g_strcmp0 (field, "declaration") != 0
          && kyso_procedure_find_component (self->procedure, field) == NULL
          && g_strcmp0 (field, "component") != 0))
    return KYSO_DOSSIER_STEP_INFORMATION;
  /* Files signed but not sent yet are where the citizen stopped: step 2 shows them and Upload. */
  for (guint i = 0; i < kyso_dossier_get_entries (self->dossier)->len; i++)
    if (((KysoDossierEntry *)kyso_dossier_get_entries (self->dossier)->pdata[i])->uploaded == NULL)
      return KYSO_DOSSIER_STEP_COMPONENTS;
  if (field == NULL)
    return KYSO_DOSSIER_STEP_SUBMIT;
  if (g_strcmp0 (field, "declaration") == 0)
    return KYSO_DOSSIER_STEP_FEES;
  if (field != NULL
      && (kyso_procedure_find_component (self->procedure, field) != NULL || g_str_equal (field, "component")))
    return KYSO_DOSSIER_STEP_COMPONENTS;
  return KYSO_DOSSIER_STEP_INFORMATION;
}

static void
show_dossier (KysoDossierWizard *self)
{
  g_autofree char *subtitle = NULL;
  const char *agency = kyso_procedure_get_agency (self->procedure);
  KysoApplicant *applicant = kyso_dossier_get_applicant (self->dossier);

  gtk_label_set_text (self->title_label, kyso_procedure_get_name (self->procedure));
  subtitle = agency != NULL ? g_strdup_printf ("%s · %s", kyso_procedure_get_code (self->procedure), agency)
                            : g_strdup (kyso_procedure_get_code (self->procedure));
  gtk_label_set_text (self->subtitle_label, subtitle);

  if (self->fresh && applicant_is_empty (applicant) && self->account != NULL)
    {
      g_mutex_lock (&self->dossier_lock);
      kyso_dossier_set_applicant (self->dossier, self->account);
      g_mutex_unlock (&self->dossier_lock);
    }
  kyso_dossier_applicant_set (self->applicant, kyso_dossier_get_applicant (self->dossier));
  kyso_dossier_components_set_account_id (self->components,
                                          self->account != NULL ? self->account->id_number : NULL);
  kyso_dossier_components_load (self->components, self->dossier, self->procedure);
  fill_fees (self);
  gtk_check_button_set_active (self->declaration_check, kyso_dossier_get_declaration (self->dossier));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DECLARATION]);
  gtk_label_set_text (self->saved_label, "");
  go_to (self, self->fresh ? KYSO_DOSSIER_STEP_INFORMATION : resume_step (self));
  if (self->fresh)
    save_draft (self);
}

static void
procedure_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(KysoDossierWizard) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(KysoProcedure) procedure
             = kyso_portal_get_procedure_finish (KYSO_PORTAL (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (procedure == NULL)
    {
      adw_status_page_set_description (self->error_page, error->message);
      set_state (self, "error");
      return;
    }
  g_set_object (&self->procedure, procedure);
  g_clear_object (&self->dossier);
  if (self->pending_draft != NULL)
    self->dossier = g_steal_pointer (&self->pending_draft);
  else
    self->dossier = kyso_dossier_new (procedure);
  show_dossier (self);
}

static void
load (KysoDossierWizard *self)
{
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  self->submitting = FALSE;
  self->close_pending = FALSE;
  self->submit_pending = FALSE;
  gtk_label_set_text (self->title_label, "");
  gtk_label_set_text (self->subtitle_label, "");
  set_state (self, "loading");
  if (self->portal == NULL)
    {
      adw_status_page_set_description (self->error_page, _("Log in to the portal first."));
      set_state (self, "error");
      return;
    }
  kyso_portal_get_procedure_async (self->portal, self->procedure_id, self->cancellable, procedure_cb,
                                   g_object_ref (self));
}

static void
reload_activated (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  load (KYSO_DOSSIER_WIZARD (widget));
}

/* Object ------------------------------------------------------------------------------------------------ */

static void
kyso_dossier_wizard_dispose (GObject *object)
{
  KysoDossierWizard *self = KYSO_DOSSIER_WIZARD (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->portal);
  g_clear_object (&self->profiles);
  g_clear_object (&self->settings);
  g_clear_object (&self->dossier);
  g_clear_object (&self->pending_draft);
  g_clear_object (&self->procedure);
  g_clear_pointer (&self->config, kyso_config_unref);
  G_OBJECT_CLASS (kyso_dossier_wizard_parent_class)->dispose (object);
}

static void
kyso_dossier_wizard_finalize (GObject *object)
{
  KysoDossierWizard *self = KYSO_DOSSIER_WIZARD (object);

  g_clear_pointer (&self->account, kyso_applicant_free);
  g_free (self->procedure_id);
  g_free (self->error);
  g_mutex_clear (&self->dossier_lock);
  G_OBJECT_CLASS (kyso_dossier_wizard_parent_class)->finalize (object);
}

static void
kyso_dossier_wizard_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  KysoDossierWizard *self = KYSO_DOSSIER_WIZARD (object);

  switch (prop_id)
    {
      case PROP_STATE:
        g_value_set_string (value, kyso_dossier_wizard_get_state (self));
        break;
      case PROP_STEP:
        g_value_set_uint (value, self->step);
        break;
      case PROP_DECLARATION:
        g_value_set_boolean (value, self->dossier != NULL && kyso_dossier_get_declaration (self->dossier));
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kyso_dossier_wizard_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  KysoDossierWizard *self = KYSO_DOSSIER_WIZARD (object);

  switch (prop_id)
    {
      case PROP_DECLARATION:
        /* The check button follows; its "toggled" updates the dossier and notifies. */
        gtk_check_button_set_active (self->declaration_check, g_value_get_boolean (value));
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kyso_dossier_wizard_class_init (KysoDossierWizardClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kyso_dossier_wizard_dispose;
  object_class->finalize = kyso_dossier_wizard_finalize;
  object_class->get_property = kyso_dossier_wizard_get_property;
  object_class->set_property = kyso_dossier_wizard_set_property;

  properties[PROP_STATE] = g_param_spec_string (
    "state", NULL, NULL, "loading", G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_STEP]
    = g_param_spec_uint ("step", NULL, NULL, 0, KYSO_DOSSIER_STEP_DONE, 0,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /* "Tôi xin cam đoan…": also the stateful action dossier.declaration. */
  properties[PROP_DECLARATION] = g_param_spec_boolean (
    "declaration", NULL, NULL, FALSE, G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (KYSO_TYPE_DOSSIER_APPLICANT);
  g_type_ensure (KYSO_TYPE_DOSSIER_COMPONENTS);

  gtk_widget_class_set_template_from_resource (widget_class, "/vn/kyso/Kyso/ui/kyso-dossier-wizard.ui");
  gtk_widget_class_bind_template_child (widget_class, KysoDossierWizard, title_label);
  gtk_widget_class_bind_template_child (widget_class, KysoDossierWizard, subtitle_label);
  gtk_widget_class_bind_template_child (widget_class, KysoDossierWizard, steps_box);
  gtk_widget_class_bind_template_child_full (widget_class, "step1_label", FALSE,
                                             G_STRUCT_OFFSET (KysoDossierWizard, step_labels[0]));
  gtk_widget_class_bind_template_child_full (widget_class, "step2_label", FALSE,
                                             G_STRUCT_OFFSET (KysoDossierWizard, step_labels[1]));
  gtk_widget_class_bind_template_child_full (widget_class, "step3_label", FALSE,
                                             G_STRUCT_OFFSET (KysoDossierWizard, step_labels[2]));
  gtk_widget_class_bind_template_child_full (widget_class, "step4_label", FALSE,
                                             G_STRUCT_OFFSET (KysoDossierWizard, step_labels[3]));
  gtk_widget_class_bind_template_child (widget_class, KysoDossierWizard, stack);
  gtk_widget_class_bind_template_child (widget_class, KysoDossierWizard, loading_spinner);
  gtk_widget_class_bind_template_child (widget_class, KysoDossierWizard, error_page);
  gtk_widget_class_bind_template_child (widget_class, KysoDossierWizard, scroller);
  gtk_widget_class_bind_template_child (widget_class, KysoDossierWizard, steps_stack);
  gtk_widget_class_bind_template_child (widget_class, KysoDossierWizard, applicant);
  gtk_widget_class_bind_template_child (widget_class, KysoDossierWizard, components);
  gtk_widget_class_bind_template_child (widget_class, KysoDossierWizard, fees_group);
  gtk_widget_class_bind_template_child (widget_class, KysoDossierWizard, agency_row);
  gtk_widget_class_bind_template_child (widget_class, KysoDossierWizard, time_row);
  gtk_widget_class_bind_template_child (widget_class, KysoDossierWizard, declaration_check);
  gtk_widget_class_bind_template_child (widget_class, KysoDossierWizard, summary_applicant_row);
  gtk_widget_class_bind_template_child (widget_class, KysoDossierWizard, summary_files_row);
  gtk_widget_class_bind_template_child (widget_class, KysoDossierWizard, summary_fee_row);
  gtk_widget_class_bind_template_child (widget_class, KysoDossierWizard, submit_progress);
  gtk_widget_class_bind_template_child (widget_class, KysoDossierWizard, code_label);
  gtk_widget_class_bind_template_child (widget_class, KysoDossierWizard, track_button);
  gtk_widget_class_bind_template_child (widget_class, KysoDossierWizard, copy_button);
  gtk_widget_class_bind_template_child (widget_class, KysoDossierWizard, bottom_separator);
  gtk_widget_class_bind_template_child (widget_class, KysoDossierWizard, bottom_bar);
  gtk_widget_class_bind_template_child (widget_class, KysoDossierWizard, error_label);
  gtk_widget_class_bind_template_child (widget_class, KysoDossierWizard, back_button);
  gtk_widget_class_bind_template_child (widget_class, KysoDossierWizard, saved_label);
  gtk_widget_class_bind_template_child (widget_class, KysoDossierWizard, next_button);
  gtk_widget_class_bind_template_child (widget_class, KysoDossierWizard, step_action_button);
  gtk_widget_class_bind_template_callback (widget_class, components_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, components_busy_cb);
  gtk_widget_class_bind_template_callback (widget_class, declaration_toggled_cb);

  gtk_widget_class_install_action (widget_class, "dossier.back", NULL, back_activated);
  gtk_widget_class_install_action (widget_class, "dossier.next", NULL, next_activated);
  gtk_widget_class_install_action (widget_class, "dossier.step-action", NULL, step_action_activated);
  gtk_widget_class_install_action (widget_class, "dossier.submit", NULL, submit_activated);
  gtk_widget_class_install_action (widget_class, "dossier.copy-code", NULL, copy_code_activated);
  gtk_widget_class_install_action (widget_class, "dossier.close", NULL, close_activated);
  gtk_widget_class_install_action (widget_class, "dossier.reload", NULL, reload_activated);
  gtk_widget_class_install_property_action (widget_class, "dossier.declaration", "declaration");
}

static void
kyso_dossier_wizard_init (KysoDossierWizard *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  g_mutex_init (&self->dossier_lock);
  kyso_dossier_components_set_dossier_lock (self->components, &self->dossier_lock);
  g_signal_connect_swapped (self->applicant, "changed", G_CALLBACK (applicant_changed_cb), self);
  self->fee_rows = gtk_list_box_new ();
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (self->fee_rows), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (self->fee_rows, "boxed-list");
  adw_preferences_group_add (self->fees_group, self->fee_rows);
  set_state (self, "loading");
  update_buttons (self);
}

GtkWidget *
kyso_dossier_wizard_new (void)
{
  return g_object_new (KYSO_TYPE_DOSSIER_WIZARD, NULL);
}

void
kyso_dossier_wizard_set_context (KysoDossierWizard *self, KysoPortal *portal, KysoContext *context)
{
  KysoConfig *config = context != NULL ? kyso_context_get_config (context) : NULL;
  KysoProfileStore *profiles = context != NULL ? kyso_context_get_profile_store (context) : NULL;
  GSettings *settings = context != NULL ? kyso_context_get_settings (context) : NULL;

  g_return_if_fail (KYSO_IS_DOSSIER_WIZARD (self));

  g_set_object (&self->portal, portal);
  if (config != self->config)
    {
      g_clear_pointer (&self->config, kyso_config_unref);
      self->config = config != NULL ? kyso_config_ref (config) : NULL;
    }
  g_set_object (&self->profiles, profiles);
  g_set_object (&self->settings, settings);
  kyso_dossier_components_set_context (self->components, portal, context);
}

void
kyso_dossier_wizard_set_account (KysoDossierWizard *self, const KysoApplicant *account)
{
  g_return_if_fail (KYSO_IS_DOSSIER_WIZARD (self));

  if (account == self->account)
    return;
  g_clear_pointer (&self->account, kyso_applicant_free);
  self->account = account != NULL ? kyso_applicant_copy (account) : NULL;
  kyso_dossier_components_set_account_id (self->components, account != NULL ? account->id_number : NULL);
  /* The account's details came after a new dossier opened: fill the empty form now. */
  if (account != NULL && self->fresh && self->dossier != NULL && self->step == KYSO_DOSSIER_STEP_INFORMATION)
    {
      g_autoptr(KysoApplicant) typed = kyso_dossier_applicant_get (self->applicant);
      if (applicant_is_empty (typed))
        kyso_dossier_applicant_set (self->applicant, account);
    }
}

void
kyso_dossier_wizard_start (KysoDossierWizard *self, const char *procedure_id)
{
  g_return_if_fail (KYSO_IS_DOSSIER_WIZARD (self));
  g_return_if_fail (procedure_id != NULL);

  g_free (self->procedure_id);
  self->procedure_id = g_strdup (procedure_id);
  g_clear_object (&self->pending_draft);
  self->fresh = TRUE;
  load (self);
}

void
kyso_dossier_wizard_resume (KysoDossierWizard *self, KysoDossier *draft)
{
  g_return_if_fail (KYSO_IS_DOSSIER_WIZARD (self));
  g_return_if_fail (KYSO_IS_DOSSIER (draft));

  g_free (self->procedure_id);
  self->procedure_id = g_strdup (kyso_dossier_get_procedure_id (draft));
  g_set_object (&self->pending_draft, draft);
  self->fresh = FALSE;
  load (self);
}

KysoDossier *
kyso_dossier_wizard_get_dossier (KysoDossierWizard *self)
{
  g_return_val_if_fail (KYSO_IS_DOSSIER_WIZARD (self), NULL);
  return self->dossier;
}

KysoProcedure *
kyso_dossier_wizard_get_procedure (KysoDossierWizard *self)
{
  g_return_val_if_fail (KYSO_IS_DOSSIER_WIZARD (self), NULL);
  return self->procedure;
}

KysoDossierStep
kyso_dossier_wizard_get_step (KysoDossierWizard *self)
{
  g_return_val_if_fail (KYSO_IS_DOSSIER_WIZARD (self), KYSO_DOSSIER_STEP_INFORMATION);
  return self->step;
}

const char *
kyso_dossier_wizard_get_state (KysoDossierWizard *self)
{
  g_return_val_if_fail (KYSO_IS_DOSSIER_WIZARD (self), NULL);
  if (self->submitting)
    return "submitting";
  return gtk_stack_get_visible_child_name (self->stack);
}

const char *
kyso_dossier_wizard_get_error (KysoDossierWizard *self)
{
  g_return_val_if_fail (KYSO_IS_DOSSIER_WIZARD (self), NULL);
  return self->error;
}

guint
kyso_dossier_wizard_get_saves (KysoDossierWizard *self)
{
  g_return_val_if_fail (KYSO_IS_DOSSIER_WIZARD (self), 0);
  return self->saves;
}

char *
kyso_dossier_wizard_format_amount (gint64 amount)
{
  g_autoptr(GString) digits = NULL;

  if (amount <= 0)
    return g_strdup (_("Free"));
  digits = g_string_new (NULL);
  g_string_printf (digits, "%" G_GINT64_FORMAT, amount);
  /* Vietnamese groups thousands with dots: 100.000 đ */
  for (gssize at = (gssize)digits->len - 3; at > 0; at -= 3)
    g_string_insert_c (digits, at, '.');
  g_string_append (digits, " đ");
  return g_string_free (g_steal_pointer (&digits), FALSE);
}

KysoDossierApplicant *
kyso_dossier_wizard_get_applicant_form (KysoDossierWizard *self)
{
  g_return_val_if_fail (KYSO_IS_DOSSIER_WIZARD (self), NULL);
  return self->applicant;
}

KysoDossierComponents *
kyso_dossier_wizard_get_components (KysoDossierWizard *self)
{
  g_return_val_if_fail (KYSO_IS_DOSSIER_WIZARD (self), NULL);
  return self->components;
}
