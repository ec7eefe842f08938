#include "config.h"

#include "kyso-dossiers-page.h"
#include "kyso-dossier-wizard.h"
#include "kyso-login-page.h"
#include "kyso-tracking-page.h"
#include "kyso-dossier-list.h"
#include "kyso-error.h"
#include "kyso-igate-portal.h"
#include "kyso-login-userinfo.h"
#include "kyso-province.h"

#include <glib/gi18n-lib.h>

struct _KysoDossiersPage
{
  AdwBin parent_instance;

  KysoContext *context;
  KysoConfig *config;
  KysoProfileStore *profiles;
  GSettings *settings;
  KysoPortal *portal;
  char *province_id;
  gulong logged_in_handler;
  KysoApplicant *account;
  GCancellable *cancellable; /* session, account: cancelled with the portal */
  GCancellable *search_cancellable;
  GListStore *procedures;
  gboolean searching;
  KysoDossierList *dossiers;
  char *return_to; /* where to go back after logging in again */

  GtkStack *stack;
  GtkSpinner *starting_spinner;
  KysoLoginPage *login_page;
  GtkLabel *account_label;
  GtkLabel *province_label;
  GtkListBox *dossiers_list;
  GtkSearchEntry *search_entry;
  GtkStack *procedures_stack;
  GtkSpinner *procedures_spinner;
  GtkListBox *procedures_list;
  GtkLabel *procedures_message;
  KysoDossierWizard *wizard;
  KysoTrackingPage *tracking_page;
};

G_DEFINE_FINAL_TYPE (KysoDossiersPage, kyso_dossiers_page, ADW_TYPE_BIN)

enum
{
  PROP_0,
  PROP_STATE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
load_procedures (KysoDossiersPage *self);

static void
set_state (KysoDossiersPage *self, const char *state)
{
  gtk_spinner_set_spinning (self->starting_spinner, g_str_equal (state, "starting"));
  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), state) == 0)
    return;
  gtk_stack_set_visible_child_name (self->stack, state);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

static void
toast (KysoDossiersPage *self, const char *message)
{
  GtkWidget *overlay = gtk_widget_get_ancestor (GTK_WIDGET (self), ADW_TYPE_TOAST_OVERLAY);

  if (overlay != NULL)
    adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), adw_toast_new (message));
  else
    g_message ("%s", message);
}

/* Provinces ----------------------------------------------------------------------------------- */

/* A preset whose addresses are relative (the sandbox) only works with the configuration that
 * gives its base address, so it is offered only when that configuration names it. */
static gboolean
preset_usable (KysoDossiersPage *self, const KysoProvince *preset)
{
  return g_str_has_prefix (preset->issuer, "https://")
         || g_strcmp0 (preset->id, kyso_config_get (self->config, "portal", "province")) == 0;
}

static KysoPortal *
create_portal (KysoDossiersPage *self, const char *province_id, GError **error)
{
  const char *configured = kyso_config_get (self->config, "portal", "province");
  g_autoptr(KysoProvince) preset = NULL;

  /* The configuration's own province keeps its address overrides. */
  if (g_strcmp0 (province_id, configured) == 0
      || (configured == NULL && kyso_config_get (self->config, "portal", "issuer") != NULL))
    return kyso_portal_new_from_config (self->config, error);
  preset = kyso_province_find_preset (province_id);
  if (preset == NULL || !preset_usable (self, preset))
    {
      g_set_error (error, KYSO_ERROR, KYSO_ERROR_INVALID_INPUT,
                   _("Kyso does not know this province’s portal."));
      return NULL;
    }
  return KYSO_PORTAL (kyso_igate_portal_new (preset, kyso_config_get_path (self->config, "tls", "ca_file")));
}

static void
fill_provinces (KysoDossiersPage *self)
{
  g_autoptr(GPtrArray) presets = kyso_province_list_presets ();
  g_autoptr(GPtrArray) ids = g_ptr_array_new ();
  g_autoptr(GPtrArray) names = g_ptr_array_new ();

  for (guint i = 0; i < presets->len; i++)
    {
      KysoProvince *p = g_ptr_array_index (presets, i);
      if (!preset_usable (self, p))
        continue;
      g_ptr_array_add (ids, p->id);
      g_ptr_array_add (names, p->name);
    }
  g_ptr_array_add (ids, NULL);
  g_ptr_array_add (names, NULL);
  kyso_login_page_set_provinces (self->login_page, (const char *const *)ids->pdata,
                                 (const char *const *)names->pdata, self->province_id);
}

/* Session ------------------------------------------------------------------------------------- */

static void
update_account_labels (KysoDossiersPage *self)
{
  g_autofree char *name = self->portal != NULL ? kyso_portal_dup_user_name (self->portal) : NULL;
  g_autofree char *hello = NULL;
  g_autofree char *where = NULL;

  /* Translators: %s is the citizen's full name */
  hello = g_strdup_printf (_("Hello, %s"), name != NULL ? name : _("citizen"));
  gtk_label_set_text (self->account_label, hello);
  /* Translators: %s is a province, e.g. Quảng Ngãi */
  where = g_strdup_printf (_("Public-service portal of %s"),
                              self->portal != NULL ? kyso_portal_get_display_name (self->portal) : "");
  gtk_label_set_text (self->province_label, where);
}

static void
account_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(KysoDossiersPage) self = user_data;
  g_autoptr(GError) error = NULL;
  KysoApplicant *account = kyso_login_userinfo_fetch_finish (KYSO_PORTAL (source), result, &error);

  if (account == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_message ("Account details unavailable: %s", error->message);
      account = kyso_applicant_new ();
    }
  if (account->id_number == NULL)
    account->id_number = g_strdup (kyso_login_page_get_login_id (self->login_page));
  g_clear_pointer (&self->account, kyso_applicant_free);
  self->account = account;
  kyso_dossier_wizard_set_account (self->wizard, account);
  kyso_dossier_list_set_account_id (self->dossiers, account->id_number);
}

static void
enter_home (KysoDossiersPage *self)
{
  update_account_labels (self);
  if (self->return_to != NULL)
    {
      g_autofree char *to = g_steal_pointer (&self->return_to);
      set_state (self, to);
      return;
    }
  set_state (self, "home");
  load_procedures (self);
  kyso_dossier_list_reload (self->dossiers);
}

static void
logged_in_cb (KysoDossiersPage *self)
{
  const char *state = gtk_stack_get_visible_child_name (self->stack);

  if (kyso_portal_is_logged_in (self->portal))
    {
      if (self->account == NULL)
        kyso_login_userinfo_fetch_async (self->portal, self->config, self->cancellable, account_cb,
                                         g_object_ref (self));
      if (!g_str_equal (state, "home") && !g_str_equal (state, "wizard") && !g_str_equal (state, "tracking"))
        enter_home (self);
      return;
    }
  /* The session ended (logout, or the portal refused it): log in again, then come back to
   * what the citizen was doing — the dossier is a saved draft. */
  g_clear_pointer (&self->account, kyso_applicant_free);
  kyso_dossier_list_set_account_id (self->dossiers, NULL);
  if (g_str_equal (state, "wizard") || g_str_equal (state, "tracking"))
    {
      g_free (self->return_to);
      self->return_to = g_strdup (state);
    }
  if (!g_str_equal (state, "starting"))
    set_state (self, "login");
}

static void
restore_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(KysoDossiersPage) self = user_data;
  g_autoptr(GError) error = NULL;
  gboolean restored = kyso_portal_restore_session_finish (KYSO_PORTAL (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || KYSO_PORTAL (source) != self->portal)
    return;
  if (restored)
    {
      logged_in_cb (self);
      return;
    }
  if (error != NULL && !g_error_matches (error, KYSO_ERROR, KYSO_ERROR_AUTH))
    toast (self, error->message);
  set_state (self, "login");
}

static void
use_portal (KysoDossiersPage *self, KysoPortal *portal)
{
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_signal_handler (&self->logged_in_handler, self->portal);
  g_set_object (&self->portal, portal);
  g_clear_pointer (&self->account, kyso_applicant_free);
  self->cancellable = g_cancellable_new ();

  kyso_login_page_set_portal (self->login_page, portal);
  kyso_tracking_page_set_portal (self->tracking_page, portal);
  kyso_dossier_wizard_set_context (self->wizard, portal, self->context);
  kyso_dossier_list_set_portal (self->dossiers, portal);
  if (portal == NULL)
    {
      set_state (self, "login");
      return;
    }
  self->logged_in_handler
    = g_signal_connect_swapped (portal, "notify::logged-in", G_CALLBACK (logged_in_cb), self);
  set_state (self, "starting");
  kyso_portal_restore_session_async (portal, self->cancellable, restore_cb, g_object_ref (self));
}

static void
province_changed_cb (KysoDossiersPage *self, const char *id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KysoPortal) portal = NULL;

  if (g_strcmp0 (id, self->province_id) == 0)
    return;
  portal = create_portal (self, id, &error);
  if (portal == NULL)
    {
      toast (self, error->message);
      return;
    }
  g_free (self->province_id);
  self->province_id = g_strdup (id);
  if (self->settings != NULL)
    g_settings_set_string (self->settings, "last-province", id);
  use_portal (self, portal);
}

static void
logout_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(KysoDossiersPage) self = user_data;
  g_autoptr(GError) error = NULL;

  /* The session is forgotten here even when the portal could not be told. */
  if (!kyso_portal_logout_finish (KYSO_PORTAL (source), result, &error)
      && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    toast (self, error->message);
  g_clear_pointer (&self->return_to, g_free);
  kyso_login_page_reset (self->login_page);
  set_state (self, "login");
}

/* Procedures ---------------------------------------------------------------------------------- */

static GtkWidget *
create_procedure_row (gpointer item, gpointer user_data)
{
  KysoProcedure *procedure = item;
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *button = gtk_button_new_with_mnemonic (_("_Apply"));
  g_autofree char *subtitle = NULL;
  g_autofree char *label = NULL;
  const char *agency = kyso_procedure_get_agency (procedure);

  subtitle = agency != NULL ? g_strdup_printf ("%s · %s", kyso_procedure_get_code (procedure), agency)
                            : g_strdup (kyso_procedure_get_code (procedure));
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), kyso_procedure_get_name (procedure));
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 2);
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, "suggested-action");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "portal.apply");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "s", kyso_procedure_get_id (procedure));
  /* Translators: the accessible name of the Apply button; %s is a procedure */
  label = g_strdup_printf (_("Apply online for %s"), kyso_procedure_get_name (procedure));
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), button);
  return row;
}

static void
show_procedures_message (KysoDossiersPage *self, const char *message, gboolean can_retry)
{
  gtk_label_set_text (self->procedures_message, message);
  gtk_widget_set_visible (gtk_widget_get_next_sibling (GTK_WIDGET (self->procedures_message)), can_retry);
  gtk_stack_set_visible_child_name (self->procedures_stack, "message");
}

static void
procedures_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(KysoDossiersPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) found = kyso_portal_list_procedures_finish (KYSO_PORTAL (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self->searching = FALSE;
  gtk_spinner_set_spinning (self->procedures_spinner, FALSE);
  if (found == NULL)
    {
      g_list_store_remove_all (self->procedures);
      show_procedures_message (self, error->message, TRUE);
      return;
    }
  g_list_store_splice (self->procedures, 0, g_list_model_get_n_items (G_LIST_MODEL (self->procedures)),
                       found->pdata, found->len);
  if (found->len == 0)
    show_procedures_message (self, _("No procedure matches. Try fewer or other words."), FALSE);
  else
    gtk_stack_set_visible_child_name (self->procedures_stack, "list");
}

static void
search (KysoDossiersPage *self, const char *text)
{
  g_autofree char *query = g_strstrip (g_strdup (text != NULL ? text : ""));

  if (self->portal == NULL)
    return;
  g_cancellable_cancel (self->search_cancellable);
  g_clear_object (&self->search_cancellable);
  self->search_cancellable = g_cancellable_new ();
  self->searching = TRUE;
  gtk_spinner_set_spinning (self->procedures_spinner, TRUE);
  gtk_stack_set_visible_child_name (self->procedures_stack, "loading");
  kyso_portal_list_procedures_async (self->portal, *query != '\0' ? query : NULL, self->search_cancellable,
                                     procedures_cb, g_object_ref (self));
}

static void
load_procedures (KysoDossiersPage *self)
{
  search (self, gtk_editable_get_text (GTK_EDITABLE (self->search_entry)));
}

static void
search_changed_cb (KysoDossiersPage *self)
{
  load_procedures (self);
}

/* Actions ------------------------------------------------------------------------------------- */

static void
logout_activated (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  KysoDossiersPage *self = KYSO_DOSSIERS_PAGE (widget);

  kyso_portal_logout_async (self->portal, NULL, logout_cb, g_object_ref (self));
}

static void
search_activated (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  KysoDossiersPage *self = KYSO_DOSSIERS_PAGE (widget);
  const char *text = g_variant_get_string (parameter, NULL);

  /* The entry's own delayed "search-changed" is not waited for. */
  g_signal_handlers_block_by_func (self->search_entry, search_changed_cb, self);
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), text);
  g_signal_handlers_unblock_by_func (self->search_entry, search_changed_cb, self);
  search (self, text);
}

static void
apply_activated (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  KysoDossiersPage *self = KYSO_DOSSIERS_PAGE (widget);

  kyso_dossier_wizard_set_account (self->wizard, self->account);
  kyso_dossier_wizard_start (self->wizard, g_variant_get_string (parameter, NULL));
  set_state (self, "wizard");
}

static void
resume_activated (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  KysoDossiersPage *self = KYSO_DOSSIERS_PAGE (widget);
  KysoDossier *draft = kyso_dossier_list_find (self->dossiers, g_variant_get_string (parameter, NULL));

  if (draft == NULL)
    return;
  kyso_dossier_wizard_set_account (self->wizard, self->account);
  kyso_dossier_wizard_resume (self->wizard, draft);
  set_state (self, "wizard");
}

static void
delete_response_cb (AdwMessageDialog *dialog, const char *response, KysoDossiersPage *self)
{
  if (g_str_equal (response, "delete"))
    kyso_dossier_list_delete (self->dossiers, g_object_get_data (G_OBJECT (dialog), "draft-id"));
}

static void
delete_draft_activated (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  KysoDossiersPage *self = KYSO_DOSSIERS_PAGE (widget);
  const char *id = g_variant_get_string (parameter, NULL);
  KysoDossier *draft = kyso_dossier_list_find (self->dossiers, id);
  GtkRoot *root = gtk_widget_get_root (widget);
  GtkWidget *dialog;

  if (draft == NULL)
    return;
  dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, _("Delete This Draft?"),
                                                                                       NULL);
  adw_message_dialog_format_body (
    ADW_MESSAGE_DIALOG (dialog),
    _("The draft of “%s” is removed from this computer. Your files stay where they "
                                    "are."),
       kyso_dossier_get_procedure_name (draft));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel",
                                    _("_Keep"), "delete", _("_Delete"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "delete",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "draft-id", g_strdup (id), g_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (delete_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
track_activated (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  KysoDossiersPage *self = KYSO_DOSSIERS_PAGE (widget);

  kyso_tracking_page_track (self->tracking_page, g_variant_get_string (parameter, NULL));
  set_state (self, "tracking");
}

static void
home_activated (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  KysoDossiersPage *self = KYSO_DOSSIERS_PAGE (widget);

  if (self->portal == NULL || !kyso_portal_is_logged_in (self->portal))
    {
      set_state (self, "login");
      return;
    }
  g_clear_pointer (&self->return_to, g_free);
  enter_home (self);
}

static void
refresh_activated (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  KysoDossiersPage *self = KYSO_DOSSIERS_PAGE (widget);

  load_procedures (self);
  kyso_dossier_list_reload (self->dossiers);
}

static void
dossier_list_error_cb (KysoDossiersPage *self, const char *message)
{
  toast (self, message);
}

/* Object -------------------------------------------------------------------------------------- */

static void
kyso_dossiers_page_dispose (GObject *object)
{
  KysoDossiersPage *self = KYSO_DOSSIERS_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_cancellable_cancel (self->search_cancellable);
  g_clear_object (&self->search_cancellable);
  g_clear_signal_handler (&self->logged_in_handler, self->portal);
  g_clear_object (&self->portal);
  g_clear_object (&self->dossiers);
  g_clear_object (&self->procedures);
  g_clear_object (&self->profiles);
  g_clear_object (&self->context);
  g_clear_object (&self->settings);
  g_clear_pointer (&self->config, kyso_config_unref);
  G_OBJECT_CLASS (kyso_dossiers_page_parent_class)->dispose (object);
}

static void
kyso_dossiers_page_finalize (GObject *object)
{
  KysoDossiersPage *self = KYSO_DOSSIERS_PAGE (object);

  g_clear_pointer (&self->account, kyso_applicant_free);
  g_free (self->province_id);
  g_free (self->return_to);
  G_OBJECT_CLASS (kyso_dossiers_page_parent_class)->finalize (object);
}

static void
kyso_dossiers_page_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  switch (prop_id)
    {
      case PROP_STATE:
        g_value_set_string (value, kyso_dossiers_page_get_state (KYSO_DOSSIERS_PAGE (object)));
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kyso_dossiers_page_class_init (KysoDossiersPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kyso_dossiers_page_dispose;
  object_class->finalize = kyso_dossiers_page_finalize;
  object_class->get_property = kyso_dossiers_page_get_property;

  properties[PROP_STATE] = g_param_spec_string (
    "state", NULL, NULL, "starting", G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (KYSO_TYPE_LOGIN_PAGE);
  g_type_ensure (KYSO_TYPE_DOSSIER_WIZARD);
  g_type_ensure (KYSO_TYPE_TRACKING_PAGE);

  gtk_widget_class_set_template_from_resource (widget_class, "/vn/kyso/Kyso/ui/kyso-dossiers-page.ui");
  gtk_widget_class_bind_template_child (widget_class, KysoDossiersPage, stack);
  gtk_widget_class_bind_template_child (widget_class, KysoDossiersPage, starting_spinner);
  gtk_widget_class_bind_template_child (widget_class, KysoDossiersPage, login_page);
  gtk_widget_class_bind_template_child (widget_class, KysoDossiersPage, account_label);
  gtk_widget_class_bind_template_child (widget_class, KysoDossiersPage, province_label);
  gtk_widget_class_bind_template_child (widget_class, KysoDossiersPage, dossiers_list);
  gtk_widget_class_bind_template_child (widget_class, KysoDossiersPage, search_entry);
  gtk_widget_class_bind_template_child (widget_class, KysoDossiersPage, procedures_stack);
  gtk_widget_class_bind_template_child (widget_class, KysoDossiersPage, procedures_spinner);
  gtk_widget_class_bind_template_child (widget_class, KysoDossiersPage, procedures_list);
  gtk_widget_class_bind_template_child (widget_class, KysoDossiersPage, procedures_message);
  gtk_widget_class_bind_template_child (widget_class, KysoDossiersPage, wizard);
  gtk_widget_class_bind_template_child (widget_class, KysoDossiersPage, tracking_page);
  gtk_widget_class_bind_template_callback (widget_class, province_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, search_changed_cb);

  gtk_widget_class_install_action (widget_class, "portal.logout", NULL, logout_activated);
  gtk_widget_class_install_action (widget_class, "portal.search", "s", search_activated);
  gtk_widget_class_install_action (widget_class, "portal.apply", "s", apply_activated);
  gtk_widget_class_install_action (widget_class, "portal.resume", "s", resume_activated);
  gtk_widget_class_install_action (widget_class, "portal.delete-draft", "s", delete_draft_activated);
  gtk_widget_class_install_action (widget_class, "portal.track", "s", track_activated);
  gtk_widget_class_install_action (widget_class, "portal.home", NULL, home_activated);
  gtk_widget_class_install_action (widget_class, "portal.refresh", NULL, refresh_activated);
}

static void
kyso_dossiers_page_init (KysoDossiersPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->procedures = g_list_store_new (KYSO_TYPE_PROCEDURE);
  gtk_list_box_bind_model (self->procedures_list, G_LIST_MODEL (self->procedures), create_procedure_row, self,
                           NULL);
  self->dossiers = kyso_dossier_list_new ();
  kyso_dossier_list_bind (self->dossiers, self->dossiers_list);
  g_signal_connect_swapped (self->dossiers, "error", G_CALLBACK (dossier_list_error_cb), self);
  set_state (self, "starting");
}

GtkWidget *
kyso_dossiers_page_new (void)
{
  return g_object_new (KYSO_TYPE_DOSSIERS_PAGE, NULL);
}

void
kyso_dossiers_page_set_context (KysoDossiersPage *self, KysoContext *context)
{
  KysoConfig *config = kyso_context_get_config (context);
  KysoProfileStore *profiles = kyso_context_get_profile_store (context);
  GSettings *settings = kyso_context_get_settings (context);
  g_autoptr(GError) error = NULL;
  g_autoptr(KysoPortal) portal = NULL;
  g_autoptr(GPtrArray) presets = NULL;
  g_autofree char *last = NULL;
  const char *configured;

  g_return_if_fail (KYSO_IS_DOSSIERS_PAGE (self));
  g_return_if_fail (config != NULL);

  g_set_object (&self->context, context);
  g_clear_pointer (&self->config, kyso_config_unref);
  self->config = kyso_config_ref (config);
  g_set_object (&self->profiles, profiles);
  g_set_object (&self->settings, settings);

  /* The configuration's province first, else the one used last, else the first preset. */
  configured = kyso_config_get (config, "portal", "province");
  last = settings != NULL ? g_settings_get_string (settings, "last-province") : NULL;
  presets = kyso_province_list_presets ();
  g_free (self->province_id);
  if (configured != NULL)
    self->province_id = g_strdup (configured);
  else if (last != NULL && *last != '\0')
    self->province_id = g_steal_pointer (&last);
  else
    self->province_id = g_strdup (presets->len > 0 ? ((KysoProvince *)presets->pdata[0])->id : NULL);
  fill_provinces (self);

  portal = create_portal (self, self->province_id, &error);
  if (portal == NULL)
    g_message ("No portal: %s", error->message);
  use_portal (self, portal);
}

KysoPortal *
kyso_dossiers_page_get_portal (KysoDossiersPage *self)
{
  g_return_val_if_fail (KYSO_IS_DOSSIERS_PAGE (self), NULL);
  return self->portal;
}

const char *
kyso_dossiers_page_get_state (KysoDossiersPage *self)
{
  g_return_val_if_fail (KYSO_IS_DOSSIERS_PAGE (self), NULL);
  return gtk_stack_get_visible_child_name (self->stack);
}

const KysoApplicant *
kyso_dossiers_page_get_account (KysoDossiersPage *self)
{
  g_return_val_if_fail (KYSO_IS_DOSSIERS_PAGE (self), NULL);
  return self->account;
}

GListModel *
kyso_dossiers_page_get_procedures (KysoDossiersPage *self)
{
  g_return_val_if_fail (KYSO_IS_DOSSIERS_PAGE (self), NULL);
  return G_LIST_MODEL (self->procedures);
}

gboolean
kyso_dossiers_page_is_searching (KysoDossiersPage *self)
{
  g_return_val_if_fail (KYSO_IS_DOSSIERS_PAGE (self), FALSE);
  return self->searching;
}

GListModel *
kyso_dossiers_page_get_dossiers (KysoDossiersPage *self)
{
  g_return_val_if_fail (KYSO_IS_DOSSIERS_PAGE (self), NULL);
  return kyso_dossier_list_get_model (self->dossiers);
}

gboolean
kyso_dossiers_page_is_loading_dossiers (KysoDossiersPage *self)
{
  g_return_val_if_fail (KYSO_IS_DOSSIERS_PAGE (self), FALSE);
  return kyso_dossier_list_is_loading (self->dossiers);
}

const char *
kyso_dossiers_page_get_dossier_status (KysoDossiersPage *self, const char *code)
{
  g_return_val_if_fail (KYSO_IS_DOSSIERS_PAGE (self), NULL);
  return kyso_dossier_list_get_status (self->dossiers, code);
}

KysoLoginPage *
kyso_dossiers_page_get_login_page (KysoDossiersPage *self)
{
  g_return_val_if_fail (KYSO_IS_DOSSIERS_PAGE (self), NULL);
  return self->login_page;
}

KysoDossierWizard *
kyso_dossiers_page_get_wizard (KysoDossiersPage *self)
{
  g_return_val_if_fail (KYSO_IS_DOSSIERS_PAGE (self), NULL);
  return self->wizard;
}

KysoTrackingPage *
kyso_dossiers_page_get_tracking_page (KysoDossiersPage *self)
{
  g_return_val_if_fail (KYSO_IS_DOSSIERS_PAGE (self), NULL);
  return self->tracking_page;
}
