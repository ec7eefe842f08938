#include "config.h"

#include "kyso-kiosk.h"
#include "kyso-dossier-wizard.h"
#include "kyso-dossiers-page.h"
#include "kyso-error.h"
#include "kyso-kiosk-receipt.h"
#include "kyso-kiosk-session.h"
#include "kyso-province.h"

#include <glib/gi18n-lib.h>

#define TICK_MS 250
#define LOGOUT_TIMEOUT_S 10
#define PIN_TRIES 5
#define PIN_LOCK_S 60

struct _KysoKiosk
{
  GObject parent_instance;

  KysoApplication *application; /* owns us */
  KysoKioskConfig *kiosk_config;
  KysoConfig *config;
  GSettings *settings;
  gboolean trial;

  KysoWindow *window;    /* owned */
  KysoKioskShell *shell; /* inside the window */
  AdwMessageDialog *receipt_dialog;

  guint tick_id;
  gint64 last_input;
  guint idle_ms;
  guint countdown_ms;
  gboolean dirty; /* a citizen has started something since the last wipe */
  gboolean ending;
  gboolean leaving;  /* the window may close */
  gboolean quitting; /* staff gave the PIN: no next citizen */
  guint sessions_ended;
  char *receipt_file;

  guint pin_failures;
  gint64 pin_locked_until;
};

G_DEFINE_FINAL_TYPE (KysoKiosk, kyso_kiosk, G_TYPE_OBJECT)

/* Input ------------------------------------------------------------------------------------- */

static void
poke (KysoKiosk *self)
{
  self->last_input = g_get_monotonic_time ();
  if (self->shell != NULL && kyso_kiosk_shell_get_countdown (self->shell) >= 0)
    kyso_kiosk_shell_set_countdown (self->shell, -1);
}

static gboolean
input_cb (GtkEventControllerLegacy *controller, GdkEvent *event, gpointer user_data)
{
  switch (gdk_event_get_event_type (event))
    {
      case GDK_MOTION_NOTIFY:
      case GDK_BUTTON_PRESS:
      case GDK_BUTTON_RELEASE:
      case GDK_KEY_PRESS:
      case GDK_KEY_RELEASE:
      case GDK_SCROLL:
      case GDK_TOUCH_BEGIN:
      case GDK_TOUCH_UPDATE:
      case GDK_TOUCH_END:
      case GDK_TOUCHPAD_SWIPE:
      case GDK_TOUCHPAD_PINCH:
        poke (user_data);
        break;
      default:
        break;
    }
  /* Only watched: the event goes on to where it was going. */
  return GDK_EVENT_PROPAGATE;
}

/* Every window of the application (dialogs too): a citizen typing in the sign dialog is there. */
static void
watch_toplevels (KysoKiosk *self)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr (GtkWindow) window = g_list_model_get_item (toplevels, i);
      GtkEventController *controller;

      if (g_object_get_data (G_OBJECT (window), "kyso-kiosk-watch") != NULL)
        continue;
      controller = gtk_event_controller_legacy_new ();
      gtk_event_controller_set_propagation_phase (controller, GTK_PHASE_CAPTURE);
      g_signal_connect_object (controller, "event", G_CALLBACK (input_cb), self, 0);
      gtk_widget_add_controller (GTK_WIDGET (window), controller);
      g_object_set_data (G_OBJECT (window), "kyso-kiosk-watch", GINT_TO_POINTER (TRUE));
    }
}

static void
end_session_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GError) error = NULL;

  if (!kyso_kiosk_end_session_finish (KYSO_KIOSK (source), result, &error)
      && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_warning ("The kiosk session did not end cleanly: %s", error->message);
}

static gboolean
tick_cb (gpointer user_data)
{
  KysoKiosk *self = user_data;
  gint64 elapsed_ms, left_ms;

  if (!self->dirty || self->ending || self->shell == NULL)
    return G_SOURCE_CONTINUE;
  elapsed_ms = (g_get_monotonic_time () - self->last_input) / 1000;
  if (elapsed_ms < self->idle_ms)
    return G_SOURCE_CONTINUE;
  left_ms = (gint64)self->idle_ms + self->countdown_ms - elapsed_ms;
  if (left_ms > 0)
    {
      kyso_kiosk_shell_set_countdown (self->shell, (int)((left_ms + 999) / 1000));
      return G_SOURCE_CONTINUE;
    }
  /* The citizen walked away: end without asking anything. */
  kyso_kiosk_shell_set_countdown (self->shell, -1);
  kyso_kiosk_end_session_async (self, FALSE, end_session_done_cb, NULL);
  return G_SOURCE_CONTINUE;
}

/* The window ------------------------------------------------------------------------------------ */

static const struct
{
  const char *place;
  const char *page;
  const char *title;
} places[] = {
  { "dossier", "dossiers", N_("Submit a Dossier") },
    { "sign", "documents", N_("Sign a Document") },
      { "verify", "documents", N_("Check Signatures") },
        { "track", "dossiers", N_("Track a Dossier") },
      };

static void
shell_open_cb (KysoKioskShell *shell, const char *place, KysoKiosk *self)
{
  for (gsize i = 0; i < G_N_ELEMENTS (places); i++)
    if (g_strcmp0 (places[i].place, place) == 0)
      {
        GtkWidget *dossiers = GTK_WIDGET (kyso_window_get_dossiers_page (self->window));

        self->dirty = TRUE;
        poke (self);
        kyso_window_set_page (self->window, places[i].page);
        kyso_kiosk_shell_show_work (shell, _(places[i].title));
        if (g_strcmp0 (place, "track") == 0)
          gtk_widget_activate_action (dossiers, "portal.track", "s", "");
        else if (g_strcmp0 (place, "dossier") == 0)
          gtk_widget_activate_action (dossiers, "portal.home", NULL);
        return;
      }
  g_warning ("No kiosk place called “%s”", place);
}

static void
shell_home_cb (KysoKioskShell *shell, KysoKiosk *self)
{
  poke (self);
  kyso_kiosk_shell_show_start (shell);
}

static void
shell_end_cb (KysoKioskShell *shell, KysoKiosk *self)
{
  if (!self->ending)
    kyso_kiosk_end_session_async (self, TRUE, end_session_done_cb, NULL);
}

static void
shell_continue_cb (KysoKioskShell *shell, KysoKiosk *self)
{
  poke (self);
}

static void
shell_leave_cb (KysoKioskShell *shell, KysoKiosk *self);

static gboolean
close_request_cb (GtkWindow *window, KysoKiosk *self)
{
  /* No way out for a citizen: only staff with the PIN (kiosk.leave) close the window. */
  return !self->leaving;
}

static void
build_window (KysoKiosk *self)
{
  GtkWidget *content;

  self->window = g_object_ref (kyso_window_new (self->application));
  kyso_window_set_kiosk (self->window, TRUE);

  /* The window's own content goes inside the kiosk shell. */
  content = g_object_ref (adw_application_window_get_content (ADW_APPLICATION_WINDOW (self->window)));
  adw_application_window_set_content (ADW_APPLICATION_WINDOW (self->window), NULL);
  self->shell = KYSO_KIOSK_SHELL (kyso_kiosk_shell_new ());
  kyso_kiosk_shell_set_work (self->shell, content);
  g_object_unref (content);
  kyso_kiosk_shell_set_counter (self->shell, kyso_kiosk_config_get_counter (self->kiosk_config));
  adw_application_window_set_content (ADW_APPLICATION_WINDOW (self->window), GTK_WIDGET (self->shell));

  g_signal_connect_object (self->shell, "open", G_CALLBACK (shell_open_cb), self, 0);
  g_signal_connect_object (self->shell, "home", G_CALLBACK (shell_home_cb), self, 0);
  g_signal_connect_object (self->shell, "end", G_CALLBACK (shell_end_cb), self, 0);
  g_signal_connect_object (self->shell, "continue", G_CALLBACK (shell_continue_cb), self, 0);
  g_signal_connect_object (self->shell, "leave", G_CALLBACK (shell_leave_cb), self, 0);
  g_signal_connect_object (self->window, "close-request", G_CALLBACK (close_request_cb), self, 0);

  /* Fullscreen where the compositor allows it; cage gives its one window the whole screen. */
  gtk_window_maximize (GTK_WINDOW (self->window));
  gtk_window_fullscreen (GTK_WINDOW (self->window));
  watch_toplevels (self);
  poke (self);
}

/* Leaving kiosk mode (staff) ---------------------------------------------------------------------- */

static void
leave_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  KysoKiosk *self = KYSO_KIOSK (source);
  g_autoptr (GError) error = NULL;

  if (!kyso_kiosk_end_session_finish (self, result, &error))
    g_warning ("The kiosk session did not end cleanly: %s", error->message);
  self->leaving = TRUE;
  g_application_quit (G_APPLICATION (self->application));
}

static void
pin_response_cb (AdwMessageDialog *dialog, const char *response, KysoKiosk *self)
{
  GtkEditable *entry = g_object_get_data (G_OBJECT (dialog), "kyso-pin-entry");
  gboolean ok;

  if (g_strcmp0 (response, "leave") != 0)
    return;
  if (!kyso_kiosk_config_has_pin (self->kiosk_config))
    ok = self->trial;
  else
    ok = kyso_kiosk_config_check_pin (self->kiosk_config, gtk_editable_get_text (entry));
  gtk_editable_set_text (entry, "");
  if (!ok)
    {
      /* A PIN of 4 digits must not be guessed at the counter: wait after a few tries. */
      if (++self->pin_failures >= PIN_TRIES)
        {
          self->pin_locked_until = g_get_monotonic_time () + PIN_LOCK_S * G_USEC_PER_SEC;
          self->pin_failures = 0;
        }
      if (self->window != NULL)
        kyso_window_add_toast (self->window, adw_toast_new (_("Wrong PIN.")));
      return;
    }
  self->pin_failures = 0;
  self->quitting = TRUE;
  kyso_kiosk_end_session_async (self, FALSE, leave_done_cb, NULL);
}

static void
shell_leave_cb (KysoKioskShell *shell, KysoKiosk *self)
{
  AdwMessageDialog *dialog;
  GtkWidget *entry;
  const char *body;

  poke (self);
  if (g_get_monotonic_time () < self->pin_locked_until)
    body = _("Too many wrong PINs. Try again in a minute.");
  else if (kyso_kiosk_config_has_pin (self->kiosk_config))
    body = _("Type the operator PIN to leave kiosk mode.");
  else if (self->trial)
    body = _("No operator PIN is set: this is a trial of kiosk mode, and you may leave it.");
  else
    body = _(
      "No operator PIN is set, so kiosk mode cannot be left here. Set one with “kyso-cli kiosk set-pin”.");

  dialog
    = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self->window), _("For Staff Only"), body));
  adw_message_dialog_add_responses (dialog, "cancel", _("_Cancel"), NULL);
  if (g_get_monotonic_time () >= self->pin_locked_until
      && (kyso_kiosk_config_has_pin (self->kiosk_config) || self->trial))
    {
      adw_message_dialog_add_responses (dialog, "leave", _("_Leave Kiosk Mode"), NULL);
      adw_message_dialog_set_response_appearance (dialog, "leave", ADW_RESPONSE_DESTRUCTIVE);
    }
  entry = gtk_password_entry_new ();
  gtk_widget_set_visible (entry, kyso_kiosk_config_has_pin (self->kiosk_config));
  gtk_editable_set_max_width_chars (GTK_EDITABLE (entry), 12);
  gtk_accessible_update_property (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Operator PIN"), -1);
  adw_message_dialog_set_extra_child (dialog, entry);
  g_object_set_data (G_OBJECT (dialog), "kyso-pin-entry", entry);
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (pin_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Ending a session ------------------------------------------------------------------------------ */

typedef struct
{
  gboolean ask_receipt;
  char *code;
  char *procedure;
  GCancellable *logout_cancellable;
  guint logout_timeout_id;
} EndData;

static void
end_data_free (EndData *d)
{
  g_clear_handle_id (&d->logout_timeout_id, g_source_remove);
  g_clear_object (&d->logout_cancellable);
  g_free (d->code);
  g_free (d->procedure);
  g_free (d);
}

static void
wipe_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  KysoKiosk *self = g_task_get_source_object (task);
  g_autoptr (GError) error = NULL;
  gboolean wiped = kyso_kiosk_session_wipe_finish (result, &error);

  self->sessions_ended++;
  self->dirty = FALSE;
  self->ending = FALSE;
  if (!self->quitting && self->window == NULL)
    {
      build_window (self);
      gtk_window_present (GTK_WINDOW (self->window));
    }
  g_application_release (G_APPLICATION (self->application));
  if (!wiped)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

static void
clear_clipboards (void)
{
  GdkDisplay *display = gdk_display_get_default ();

  if (display == NULL)
    return;
  /* Own both selections with nothing in them: whatever the citizen copied is gone. */
  gdk_clipboard_set_text (gdk_display_get_clipboard (display), "");
  gdk_clipboard_set_text (gdk_display_get_primary_clipboard (display), "");
}

static void
reset_settings (KysoKiosk *self)
{
  g_autoptr (GSettingsSchema) schema = NULL;
  g_auto (GStrv) keys = NULL;

  if (self->settings == NULL)
    return;
  g_object_get (self->settings, "settings-schema", &schema, NULL);
  keys = g_settings_schema_list_keys (schema);
  for (guint i = 0; keys[i] != NULL; i++)
    g_settings_reset (self->settings, keys[i]);
}

static void
tear_down (GTask *task)
{
  KysoKiosk *self = g_task_get_source_object (task);
  GListModel *toplevels = gtk_window_get_toplevels ();
  g_autoptr (GPtrArray) windows = g_ptr_array_new_with_free_func (g_object_unref);

  clear_clipboards ();
  gtk_recent_manager_purge_items (gtk_recent_manager_get_default (), NULL);
  reset_settings (self);

  /* Every window of the session goes, and with it every page's work (their cancellables) and
   * everything they showed; the application is held so that it does not quit meanwhile. The
   * main window first: its pages close the dialogs they own. Then any window still shown. */
  g_application_hold (G_APPLICATION (self->application));
  self->leaving = TRUE;
  self->shell = NULL;
  if (self->window != NULL)
    gtk_window_destroy (GTK_WINDOW (self->window));
  g_clear_object (&self->window);
  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      GtkWindow *w = g_list_model_get_item (toplevels, i);

      if (gtk_widget_get_visible (GTK_WIDGET (w)))
        g_ptr_array_add (windows, w);
      else
        g_object_unref (w);
    }
  for (guint i = 0; i < windows->len; i++)
    gtk_window_destroy (windows->pdata[i]);
  self->leaving = FALSE;

  kyso_kiosk_session_wipe_async (NULL, wipe_cb, g_object_ref (task));
}

static void
logout_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  g_autoptr (GError) error = NULL;

  /* A portal that cannot be reached does not keep the next citizen waiting: the token is
   * wiped from here all the same, and expires there. */
  if (!kyso_portal_logout_finish (KYSO_PORTAL (source), result, &error))
    g_message ("The portal session could not be revoked: %s", error->message);
  tear_down (task);
}

static gboolean
logout_timeout_cb (gpointer user_data)
{
  EndData *d = user_data;

  d->logout_timeout_id = 0;
  g_cancellable_cancel (d->logout_cancellable);
  return G_SOURCE_REMOVE;
}

static void
revoke_and_wipe (GTask *task)
{
  KysoKiosk *self = g_task_get_source_object (task);
  EndData *d = g_task_get_task_data (task);
  KysoPortal *portal = self->window != NULL
                         ? kyso_dossiers_page_get_portal (kyso_window_get_dossiers_page (self->window))
                         : NULL;

  if (self->shell != NULL)
    kyso_kiosk_shell_set_ending (self->shell, TRUE);
  if (portal != NULL && kyso_portal_is_logged_in (portal))
    {
      d->logout_cancellable = g_cancellable_new ();
      d->logout_timeout_id = g_timeout_add_seconds (LOGOUT_TIMEOUT_S, logout_timeout_cb, d);
      kyso_portal_logout_async (portal, d->logout_cancellable, logout_cb, g_object_ref (task));
      return;
    }
  tear_down (task);
}

static void
receipt_printed_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  g_autoptr (GError) error = NULL;

  if (!kyso_kiosk_receipt_print_finish (result, &error)
      && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_message ("%s", error->message);
  revoke_and_wipe (task);
}

static char *
receipt_text (KysoKiosk *self, EndData *d)
{
  g_autoptr (GDateTime) now = g_date_time_new_now_local ();
  g_autoptr (KysoProvince) province = kyso_province_new_from_config (self->config, NULL);

  return kyso_kiosk_receipt_dup_text (kyso_kiosk_config_get_counter (self->kiosk_config), d->procedure,
                                      d->code, province != NULL ? province->web : NULL, now);
}

static void
receipt_response_cb (AdwMessageDialog *dialog, const char *response, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  KysoKiosk *self = g_task_get_source_object (task);
  EndData *d = g_task_get_task_data (task);

  self->receipt_dialog = NULL;
  if (g_strcmp0 (response, "print") == 0)
    {
      g_autofree char *text = receipt_text (self, d);

      kyso_kiosk_receipt_print_async (GTK_WINDOW (self->window), text, d->code, self->receipt_file, NULL,
                                      receipt_printed_cb, g_object_ref (task));
    }
  else if (g_strcmp0 (response, "stay") == 0)
    {
      self->ending = FALSE;
      poke (self);
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                               _("The citizen went on with the session."));
    }
  else
    revoke_and_wipe (task);
}

/* The dossier submitted in this session, if any. */
static void
find_submitted (KysoKiosk *self, EndData *d)
{
  KysoDossierWizard *wizard;
  KysoDossier *dossier;

  if (self->window == NULL)
    return;
  wizard = kyso_dossiers_page_get_wizard (kyso_window_get_dossiers_page (self->window));
  dossier = wizard != NULL ? kyso_dossier_wizard_get_dossier (wizard) : NULL;
  if (dossier != NULL && kyso_dossier_get_code (dossier) != NULL)
    {
      d->code = g_strdup (kyso_dossier_get_code (dossier));
      d->procedure = g_strdup (kyso_dossier_get_procedure_name (dossier));
    }
}

void
kyso_kiosk_end_session_async (KysoKiosk *self, gboolean ask_receipt, GAsyncReadyCallback callback,
                              gpointer user_data)
{
  g_autoptr (GTask) task = NULL;
  EndData *d;

  g_return_if_fail (KYSO_IS_KIOSK (self));

  task = g_task_new (self, NULL, callback, user_data);
  g_task_set_source_tag (task, kyso_kiosk_end_session_async);
  if (self->ending)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_PENDING, _("The session is already ending."));
      return;
    }
  self->ending = TRUE;
  d = g_new0 (EndData, 1);
  d->ask_receipt = ask_receipt;
  g_task_set_task_data (task, d, (GDestroyNotify)end_data_free);
  find_submitted (self, d);

  if (ask_receipt && d->code != NULL && kyso_kiosk_config_get_printing (self->kiosk_config))
    {
      g_autofree char *text = receipt_text (self, d);
      g_autofree char *body = g_strdup_printf ("%s\n\n%s", _("Print a receipt to take with you?"), text);

      self->receipt_dialog = ADW_MESSAGE_DIALOG (
        adw_message_dialog_new (GTK_WINDOW (self->window), _("Your Dossier Was Submitted"), body));
      adw_message_dialog_add_responses (self->receipt_dialog, "stay",
                                        _("_Go Back"), "skip",
                                           _("_No Receipt"), "print", _("_Print Receipt"), NULL);
      adw_message_dialog_set_response_appearance (self->receipt_dialog, "print", ADW_RESPONSE_SUGGESTED);
      adw_message_dialog_set_default_response (self->receipt_dialog, "print");
      adw_message_dialog_set_close_response (self->receipt_dialog, "stay");
      g_signal_connect (self->receipt_dialog, "response", G_CALLBACK (receipt_response_cb),
                        g_object_ref (task));
      watch_toplevels (self);
      gtk_window_present (GTK_WINDOW (self->receipt_dialog));
      return;
    }
  revoke_and_wipe (task);
}

gboolean
kyso_kiosk_end_session_finish (KysoKiosk *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == kyso_kiosk_end_session_async, FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* The object ------------------------------------------------------------------------------------ */

static void
toplevels_changed_cb (GListModel *model, guint position, guint removed, guint added, KysoKiosk *self)
{
  if (added > 0)
    watch_toplevels (self);
}

static void
kyso_kiosk_dispose (GObject *object)
{
  KysoKiosk *self = KYSO_KIOSK (object);

  g_clear_handle_id (&self->tick_id, g_source_remove);
  g_signal_handlers_disconnect_by_data (gtk_window_get_toplevels (), self);
  self->shell = NULL;
  g_clear_object (&self->window);
  g_clear_object (&self->settings);
  g_clear_pointer (&self->kiosk_config, kyso_kiosk_config_unref);
  g_clear_pointer (&self->config, kyso_config_unref);

  G_OBJECT_CLASS (kyso_kiosk_parent_class)->dispose (object);
}

static void
kyso_kiosk_finalize (GObject *object)
{
  KysoKiosk *self = KYSO_KIOSK (object);

  g_free (self->receipt_file);

  G_OBJECT_CLASS (kyso_kiosk_parent_class)->finalize (object);
}

static void
kyso_kiosk_class_init (KysoKioskClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = kyso_kiosk_dispose;
  object_class->finalize = kyso_kiosk_finalize;
}

static void
kyso_kiosk_init (KysoKiosk *self)
{
}

KysoKiosk *
kyso_kiosk_new (KysoApplication *application, KysoKioskConfig *kiosk_config, KysoConfig *config,
                GSettings *settings, gboolean trial)
{
  KysoKiosk *self = g_object_new (KYSO_TYPE_KIOSK, NULL);

  self->application = application;
  self->kiosk_config = kyso_kiosk_config_ref (kiosk_config);
  self->config = kyso_config_ref (config);
  self->settings = settings != NULL ? g_object_ref (settings) : NULL;
  self->trial = trial;
  self->idle_ms = kyso_kiosk_config_get_idle_timeout (kiosk_config) * 1000;
  self->countdown_ms = kyso_kiosk_config_get_countdown (kiosk_config) * 1000;
  self->tick_id = g_timeout_add (TICK_MS, tick_cb, self);
  g_signal_connect_object (gtk_window_get_toplevels (), "items-changed", G_CALLBACK (toplevels_changed_cb),
                           self, 0);
  return self;
}

void
kyso_kiosk_present (KysoKiosk *self)
{
  g_return_if_fail (KYSO_IS_KIOSK (self));

  if (self->window == NULL)
    build_window (self);
  gtk_window_present (GTK_WINDOW (self->window));
}

KysoWindow *
kyso_kiosk_get_window (KysoKiosk *self)
{
  g_return_val_if_fail (KYSO_IS_KIOSK (self), NULL);
  return self->window;
}

KysoKioskShell *
kyso_kiosk_get_shell (KysoKiosk *self)
{
  g_return_val_if_fail (KYSO_IS_KIOSK (self), NULL);
  return self->shell;
}

const char *
kyso_kiosk_get_state (KysoKiosk *self)
{
  g_return_val_if_fail (KYSO_IS_KIOSK (self), NULL);

  if (self->receipt_dialog != NULL)
    return "receipt";
  if (self->ending)
    return "ending";
  if (self->shell != NULL && kyso_kiosk_shell_get_countdown (self->shell) >= 0)
    return "countdown";
  if (self->shell == NULL || kyso_kiosk_shell_is_at_start (self->shell))
    return "start";
  return "working";
}

guint
kyso_kiosk_get_sessions_ended (KysoKiosk *self)
{
  g_return_val_if_fail (KYSO_IS_KIOSK (self), 0);
  return self->sessions_ended;
}

AdwMessageDialog *
kyso_kiosk_get_receipt_dialog (KysoKiosk *self)
{
  g_return_val_if_fail (KYSO_IS_KIOSK (self), NULL);
  return self->receipt_dialog;
}

void
kyso_kiosk_set_timeouts (KysoKiosk *self, guint idle_ms, guint countdown_ms)
{
  g_return_if_fail (KYSO_IS_KIOSK (self));
  self->idle_ms = idle_ms;
  self->countdown_ms = countdown_ms;
}

void
kyso_kiosk_set_receipt_file (KysoKiosk *self, const char *path)
{
  g_return_if_fail (KYSO_IS_KIOSK (self));
  g_free (self->receipt_file);
  self->receipt_file = g_strdup (path);
}
