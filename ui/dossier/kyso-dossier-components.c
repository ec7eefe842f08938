#include "config.h"

#include "kyso-dossier-components-private.h"
#include "kyso-dossier-history.h"
#include "kyso-dossier-signing.h"
#include "kyso-dossier-wait.h"
#include "kyso-error.h"
#include "kyso-pdf-document.h"
#include "kyso-providers.h"
#include "kyso-window.h"

#include <glib/gi18n-lib.h>

G_DEFINE_FINAL_TYPE (KysoDossierComponents, kyso_dossier_components, ADW_TYPE_BIN)

enum
{
  PROP_0,
  PROP_BUSY,
  PROP_NEXT_ACTION,
  N_PROPS
};

enum
{
  CHANGED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void
slot_free (gpointer data)
{
  Slot *slot = data;

  if (slot->upload != NULL)
    g_cancellable_cancel (slot->upload);
  g_clear_object (&slot->upload);
  g_free (slot->signer_name);
  g_free (slot->signer_id);
  g_free (slot->error);
  g_free (slot);
}

KysoDossierEntry *
kyso_dossier_components_entry_for (KysoDossierComponents *self, const char *key)
{
  GPtrArray *entries = self->dossier != NULL ? kyso_dossier_get_entries (self->dossier) : NULL;

  for (guint i = 0; entries != NULL && i < entries->len; i++)
    {
      KysoDossierEntry *e = entries->pdata[i];
      if (g_strcmp0 (e->key, key) == 0)
        return e;
    }
  return NULL;
}

static gboolean
is_busy (KysoDossierComponents *self)
{
  return self->signing || self->uploads > 0;
}

/* The next thing to do, and the row it is about (for "attach"). */
static const char *
next_action (KysoDossierComponents *self, Slot **for_slot)
{
  GPtrArray *components = self->procedure != NULL ? kyso_procedure_get_components (self->procedure) : NULL;
  gboolean sign = FALSE, upload = FALSE;

  *for_slot = NULL;
  for (guint i = 0; components != NULL && i < components->len; i++)
    {
      KysoProcedureComponent *c = components->pdata[i];
      const char *key = kyso_procedure_component_get_key (c);
      KysoDossierEntry *entry = kyso_dossier_components_entry_for (self, key);
      Slot *slot = g_hash_table_lookup (self->slots, key);
      g_autofree char *lower = entry != NULL ? g_ascii_strdown (entry->path, -1) : NULL;

      if (slot == NULL)
        continue;
      if (entry == NULL)
        {
          if (kyso_procedure_component_get_required (c) || slot->error != NULL)
            {
              *for_slot = slot;
              return "attach";
            }
          continue;
        }
      if (entry->uploaded != NULL || slot->blocked)
        continue;
      if (slot->signer_name == NULL && g_str_has_suffix (lower, ".pdf"))
        sign = TRUE;
      upload = TRUE;
    }
  return sign ? "sign" : upload ? "upload" : NULL;
}

static void
set_main (GtkWidget *button, gboolean main)
{
  if (main)
    gtk_widget_add_css_class (button, "suggested-action");
  else
    gtk_widget_remove_css_class (button, "suggested-action");
}

/* One main (blue) button on the step: the next thing to do. */
static void
update_main (KysoDossierComponents *self)
{
  Slot *for_slot;
  const char *next = next_action (self, &for_slot);
  GHashTableIter iter;
  Slot *slot;

  g_hash_table_iter_init (&iter, self->slots);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *)&slot))
    kyso_component_row_set_main_attach (slot->row, slot == for_slot);
  /* Signing and uploading all are the wizard's main button (always in view, where the page may
   * scroll them away); here they stay plain. */
  set_main (self->sign_all_button, FALSE);
  set_main (self->upload_all_button, FALSE);
  if (g_strcmp0 (next, self->last_next_action) != 0)
    {
      self->last_next_action = next;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NEXT_ACTION]);
    }
}

void
kyso_dossier_components_do_next_action (KysoDossierComponents *self)
{
  Slot *for_slot;
  const char *next;

  g_return_if_fail (KYSO_IS_DOSSIER_COMPONENTS (self));
  next = next_action (self, &for_slot);
  if (g_strcmp0 (next, "sign") == 0)
    gtk_widget_activate_action (GTK_WIDGET (self), "components.sign-all", NULL);
  else if (g_strcmp0 (next, "upload") == 0)
    gtk_widget_activate_action (GTK_WIDGET (self), "components.upload-all", NULL);
  else if (g_strcmp0 (next, "attach") == 0 && for_slot != NULL)
    gtk_widget_activate_action (GTK_WIDGET (self), "components.attach", "s",
                                kyso_component_row_get_key (for_slot->row));
}

void
kyso_dossier_components_cancel_work (KysoDossierComponents *self)
{
  GHashTableIter iter;
  Slot *slot;

  g_return_if_fail (KYSO_IS_DOSSIER_COMPONENTS (self));
  g_hash_table_iter_init (&iter, self->slots);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *)&slot))
    if (slot->upload != NULL)
      g_cancellable_cancel (slot->upload);
  if (self->sign_cancellable != NULL)
    g_cancellable_cancel (self->sign_cancellable);
}

const char *
kyso_dossier_components_get_next_action (KysoDossierComponents *self)
{
  Slot *for_slot;

  g_return_val_if_fail (KYSO_IS_DOSSIER_COMPONENTS (self), NULL);
  return next_action (self, &for_slot);
}

void
kyso_dossier_components_set_message (KysoDossierComponents *self, const char *message, gboolean is_error)
{
  g_free (self->message);
  self->message = g_strdup (message);
  gtk_label_set_text (self->message_label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->message_label), message != NULL);
  if (is_error)
    gtk_widget_add_css_class (GTK_WIDGET (self->message_label), "form-error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->message_label), "form-error");
}

void
kyso_dossier_components_toast (KysoDossierComponents *self, const char *message)
{
  GtkWidget *overlay = gtk_widget_get_ancestor (GTK_WIDGET (self), ADW_TYPE_TOAST_OVERLAY);

  if (overlay != NULL)
    adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), adw_toast_new (message));
}

void
kyso_dossier_components_refresh_row (KysoDossierComponents *self, const char *key)
{
  Slot *slot = g_hash_table_lookup (self->slots, key);
  KysoDossierEntry *entry = kyso_dossier_components_entry_for (self, key);
  KysoComponentState state;
  g_autofree char *detail = NULL;
  gboolean signed_file = slot->signer_name != NULL;

  if (entry == NULL)
    state = slot->error != NULL ? KYSO_COMPONENT_FAILED : KYSO_COMPONENT_EMPTY;
  else if (slot->signing)
    state = KYSO_COMPONENT_SIGNING;
  else if (slot->upload != NULL)
    state = KYSO_COMPONENT_UPLOADING;
  else if (entry->uploaded != NULL)
    state = KYSO_COMPONENT_UPLOADED;
  else if (slot->error != NULL)
    state = slot->blocked ? KYSO_COMPONENT_BLOCKED : KYSO_COMPONENT_FAILED;
  else
    state = signed_file ? KYSO_COMPONENT_SIGNED : KYSO_COMPONENT_ATTACHED;

  if (slot->error != NULL)
    detail = g_strdup (slot->error);
  else if (signed_file)
    /* Translators: %s is the signer's name from the certificate */
    detail = g_strdup_printf (_("Signed by %s"), slot->signer_name);
  kyso_component_row_update (slot->row, state, entry != NULL ? entry->path : NULL, signed_file, detail);
  if (entry != NULL)
    kyso_component_row_set_kind (slot->row, entry->kind);
  update_main (self);
}

static void
refresh_all (KysoDossierComponents *self)
{
  GHashTableIter iter;
  gpointer key;

  g_hash_table_iter_init (&iter, self->slots);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    kyso_dossier_components_refresh_row (self, key);
}

void
kyso_dossier_components_busy_changed (KysoDossierComponents *self)
{
  gboolean busy = is_busy (self);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "components.sign-all", !busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "components.upload-all", !self->signing);
  gtk_widget_set_sensitive (GTK_WIDGET (self->profile_row), !self->signing);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

void
kyso_dossier_components_changed (KysoDossierComponents *self)
{
  g_signal_emit (self, signals[CHANGED], 0);
}

/* Profiles ------------------------------------------------------------------------------------ */

KysoProfile *
kyso_dossier_components_dup_profile (KysoDossierComponents *self)
{
  guint selected = adw_combo_row_get_selected (self->profile_row);

  if (selected == GTK_INVALID_LIST_POSITION)
    return NULL;
  return g_list_model_get_item (G_LIST_MODEL (self->profiles), selected);
}

/* The profile's account that belongs to the logged-in citizen, else its first. */
guint
kyso_dossier_components_account_index (KysoDossierComponents *self, KysoProfile *profile, gboolean *matches)
{
  GListModel *accounts = kyso_profile_get_accounts (profile);

  for (guint i = 0; i < g_list_model_get_n_items (accounts); i++)
    {
      g_autoptr(KysoProfileAccount) a = g_list_model_get_item (accounts, i);
      if (self->account_id != NULL && g_strcmp0 (kyso_profile_account_get_account (a), self->account_id) == 0)
        {
          *matches = TRUE;
          return i;
        }
    }
  *matches = FALSE;
  return 0;
}

static void
profile_selected_cb (KysoDossierComponents *self)
{
  g_autoptr(KysoProfile) profile = kyso_dossier_components_dup_profile (self);

  if (profile != NULL && self->settings != NULL)
    g_settings_set_string (self->settings, "last-profile", kyso_profile_get_id (profile));
}

static void
profiles_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(KysoDossierComponents) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) profiles
             = kyso_profile_store_list_finish (KYSO_PROFILE_STORE (source), result, &error);
  g_autoptr(GtkStringList) names = gtk_string_list_new (NULL);
  g_autofree char *last
    = self->settings != NULL ? g_settings_get_string (self->settings, "last-profile") : NULL;
  guint chosen = 0, best = G_MAXUINT;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_list_store_remove_all (self->profiles);
  if (profiles == NULL)
    {
      kyso_dossier_components_set_message (self, error->message, TRUE);
      return;
    }
  for (guint i = 0; i < profiles->len; i++)
    {
      KysoProfile *p = profiles->pdata[i];
      g_autoptr(KysoProfileAccount) first = g_list_model_get_item (kyso_profile_get_accounts (p), 0);
      const KysoProvider *provider
        = first != NULL ? kyso_providers_lookup (kyso_profile_account_get_provider (first)) : NULL;
      g_autofree char *name
        = provider != NULL ? g_strdup_printf ("%s — %s", kyso_profile_get_display_name (p), provider->name)
                           : g_strdup (kyso_profile_get_display_name (p));
      gboolean matches;

      kyso_dossier_components_account_index (self, p, &matches);
      /* The citizen's own profile first; among those, the one used last. */
      if (matches && (best == G_MAXUINT || g_strcmp0 (kyso_profile_get_id (p), last) == 0))
        best = i;
      if (g_strcmp0 (kyso_profile_get_id (p), last) == 0)
        chosen = i;
      g_list_store_append (self->profiles, p);
      gtk_string_list_append (names, name);
    }
  adw_combo_row_set_model (self->profile_row, G_LIST_MODEL (names));
  adw_combo_row_set_selected (self->profile_row, best != G_MAXUINT ? best : chosen);
  gtk_widget_set_visible (self->add_profile_button, profiles->len == 0);
  if (profiles->len == 0)
    kyso_dossier_components_set_message (
      self, _("You have no digital signature set up yet. Add one to sign your files."), FALSE);
}

static void
load_profiles (KysoDossierComponents *self)
{
  if (self->store != NULL)
    kyso_profile_store_list_async (self->store, self->cancellable, profiles_cb, g_object_ref (self));
}

/* Attaching ----------------------------------------------------------------------------------- */

gboolean
kyso_dossier_components_check_pdf (const char *path, GError **error)
{
  g_autofree char *lower = g_ascii_strdown (path, -1);
  g_autofree char *name = NULL;
  g_autoptr(KysoPdfDocument) doc = NULL;
  g_autoptr(GError) local = NULL;

  if (!g_str_has_suffix (lower, ".pdf"))
    return TRUE;
  doc = kyso_pdf_document_open (path, &local);
  if (doc != NULL)
    return TRUE;
  name = g_path_get_basename (path);
  /* What the reader says ("no startxref" …) means nothing to a citizen: say what to do. */
  g_set_error (
    error, KYSO_ERROR, KYSO_ERROR_INVALID_INPUT,
    /* Translators: %s is a file name */
    _("“%s” is damaged or incomplete (perhaps it did not finish downloading), so it cannot be signed or "
                 "sent. Get the file again, then attach it."),
       name);
  g_debug ("%s: %s", name, local->message);
  return FALSE;
}

gboolean
kyso_dossier_components_attach (KysoDossierComponents *self, const char *key, GFile *file)
{
  Slot *slot;
  KysoProcedureComponent *component;
  KysoDossierEntry *old;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *old_name = NULL;

  g_return_val_if_fail (KYSO_IS_DOSSIER_COMPONENTS (self), FALSE);
  g_return_val_if_fail (G_IS_FILE (file), FALSE);

  slot = g_hash_table_lookup (self->slots, key);
  component = self->procedure != NULL ? kyso_procedure_find_component (self->procedure, key) : NULL;
  g_return_val_if_fail (slot != NULL && component != NULL, FALSE);

  path = g_file_get_path (file);
  g_clear_pointer (&slot->error, g_free);
  slot->blocked = FALSE;
  if (path == NULL)
    g_set_error_literal (&error, KYSO_ERROR, KYSO_ERROR_INVALID_INPUT,
                         _("Kyso can only attach files on this computer."));
  else if (kyso_procedure_component_check_file (component, path, NULL, &error))
    kyso_dossier_components_check_pdf (path, &error);

  /* Whatever was attached before is being replaced: it goes, even when the new file is refused
   * (else the file chosen by mistake stays ready to be uploaded for this component). A file the
   * portal already holds is no longer part of the dossier either. */
  old = kyso_dossier_components_entry_for (self, key);
  old_name = old != NULL ? g_path_get_basename (old->path) : NULL;
  if (old != NULL && old->uploaded != NULL && self->portal != NULL)
    kyso_portal_delete_file_async (self->portal, old->uploaded->id, NULL, NULL, NULL);
  KYSO_DOSSIER_CHANGE_BEGIN (self);
  kyso_dossier_remove_files (self->dossier, key);
  if (error == NULL)
    kyso_dossier_add_file (self->dossier, key, path, kyso_component_row_get_kind (slot->row));
  KYSO_DOSSIER_CHANGE_END (self);
  g_clear_pointer (&slot->signer_name, g_free);
  g_clear_pointer (&slot->signer_id, g_free);
  /* What was said about the component or the page before no longer applies. */
  kyso_dossier_components_set_message (self, NULL, FALSE);
  if (error != NULL)
    {
      if (old_name != NULL)
        /* Translators: the first %s says why a file was refused; the second is the file attached before */
        slot->error
          = g_strdup_printf (_("%s “%s”, attached before, was taken off too: attach the right file."),
                                error->message, old_name);
      else
        slot->error = g_strdup (error->message);
      kyso_dossier_components_refresh_row (self, key);
      kyso_dossier_components_changed (self);
      return FALSE;
    }
  kyso_dossier_components_refresh_row (self, key);
  kyso_dossier_components_identify (self, key);
  kyso_dossier_components_changed (self);
  return TRUE;
}

typedef struct
{
  KysoDossierComponents *self;
  char *key;
} KeyData;

static void
key_data_free (KeyData *data)
{
  g_object_unref (data->self);
  g_free (data->key);
  g_free (data);
}

static KeyData *
key_data_new (KysoDossierComponents *self, const char *key)
{
  KeyData *data = g_new0 (KeyData, 1);

  data->self = g_object_ref (self);
  data->key = g_strdup (key);
  return data;
}

static void
chooser_response_cb (GtkNativeDialog *chooser, int response, gpointer user_data)
{
  KeyData *data = user_data;

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      if (file != NULL)
        kyso_dossier_components_attach (data->self, data->key, file);
    }
  key_data_free (data);
  g_object_unref (chooser);
}

static void
attach_activated (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  KysoDossierComponents *self = KYSO_DOSSIER_COMPONENTS (widget);
  const char *key = g_variant_get_string (parameter, NULL);
  KysoProcedureComponent *component = kyso_procedure_find_component (self->procedure, key);
  GtkRoot *root = gtk_widget_get_root (widget);
  GtkFileChooserNative *chooser;
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();
  g_autofree char *types = NULL;
  const char *const *exts;

  if (component == NULL)
    return;
  /* Translators: the title of the file chooser; %s is a dossier component */
  chooser = gtk_file_chooser_native_new (_("Attach a File"), GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                            GTK_FILE_CHOOSER_ACTION_OPEN, _("_Attach"), _("_Cancel"));
  exts = kyso_procedure_component_get_types (component);
  for (gsize i = 0; exts != NULL && exts[i] != NULL; i++)
    {
      g_autofree char *pattern = g_strdup_printf ("*.%s", exts[i]);
      g_autofree char *upper = g_ascii_strup (pattern, -1);
      gtk_file_filter_add_pattern (filter, pattern);
      gtk_file_filter_add_pattern (filter, upper);
    }
  types = kyso_component_describe_types (component);
  gtk_file_filter_set_name (filter, types);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_signal_connect (chooser, "response", G_CALLBACK (chooser_response_cb), key_data_new (self, key));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
remove_activated (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  KysoDossierComponents *self = KYSO_DOSSIER_COMPONENTS (widget);
  const char *key = g_variant_get_string (parameter, NULL);
  KysoDossierEntry *entry = kyso_dossier_components_entry_for (self, key);
  Slot *slot = g_hash_table_lookup (self->slots, key);

  if (entry == NULL || slot == NULL)
    return;
  if (entry->uploaded != NULL && self->portal != NULL)
    kyso_portal_delete_file_async (self->portal, entry->uploaded->id, NULL, NULL, NULL);
  KYSO_DOSSIER_CHANGE_BEGIN (self);
  kyso_dossier_remove_files (self->dossier, key);
  KYSO_DOSSIER_CHANGE_END (self);
  g_clear_pointer (&slot->signer_name, g_free);
  g_clear_pointer (&slot->signer_id, g_free);
  g_clear_pointer (&slot->error, g_free);
  slot->blocked = FALSE;
  /* An error about the removed file must not stay on screen. */
  kyso_dossier_components_set_message (self, NULL, FALSE);
  kyso_dossier_components_refresh_row (self, key);
  kyso_dossier_components_changed (self);
}

static void
kind_changed_cb (KysoComponentRow *row, KysoDossierComponents *self)
{
  KysoDossierEntry *entry = kyso_dossier_components_entry_for (self, kyso_component_row_get_key (row));

  if (entry != NULL && entry->kind != kyso_component_row_get_kind (row))
    {
      KYSO_DOSSIER_CHANGE_BEGIN (self);
      entry->kind = kyso_component_row_get_kind (row);
      KYSO_DOSSIER_CHANGE_END (self);
      kyso_dossier_components_changed (self);
    }
}

/* Viewing ------------------------------------------------------------------------------------- */

/* The window signs a component ("sign this file"): the signed copy then becomes the component
 * (the original stays untouched beside it). */
static void
document_signed_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  KeyData *data = user_data;
  KysoDossierComponents *self = data->self;
  g_autoptr(GFile) output = kyso_window_sign_file_finish (KYSO_WINDOW (source), result, NULL);
  KysoDossierEntry *entry = kyso_dossier_components_entry_for (self, data->key);
  Slot *slot = g_hash_table_lookup (self->slots, data->key);
  g_autofree char *path = output != NULL ? g_file_get_path (output) : NULL;
  KysoCopyKind kind;

  /* Not signed there (the citizen only looked, or went elsewhere): nothing changes. */
  if (entry == NULL || slot == NULL || path == NULL || entry->uploaded != NULL)
    {
      key_data_free (data);
      return;
    }
  kind = entry->kind;
  KYSO_DOSSIER_CHANGE_BEGIN (self);
  kyso_dossier_remove_files (self->dossier, data->key);
  kyso_dossier_add_file (self->dossier, data->key, path, kind);
  KYSO_DOSSIER_CHANGE_END (self);
  g_clear_pointer (&slot->signer_name, g_free);
  g_clear_pointer (&slot->signer_id, g_free);
  g_clear_pointer (&slot->error, g_free);
  slot->blocked = FALSE;
  kyso_dossier_components_refresh_row (self, data->key);
  kyso_dossier_components_identify (self, data->key);
  kyso_dossier_components_changed (self);
  kyso_dossier_components_toast (self, _("The signed file is now part of your dossier."));
  key_data_free (data);
}

static void
open_activated (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  KysoDossierComponents *self = KYSO_DOSSIER_COMPONENTS (widget);
  KysoDossierEntry *entry = kyso_dossier_components_entry_for (self, g_variant_get_string (parameter, NULL));
  GtkRoot *root = gtk_widget_get_root (widget);
  g_autoptr(GFile) file = NULL;
  g_autofree char *uri = NULL;
  g_autoptr(GError) error = NULL;

  if (entry == NULL)
    return;
  /* The window shows the file with its signing history and signs it with the signature placed
   * by hand ("sign this file"); without it, the desktop's viewer shows it. */
  file = g_file_new_for_path (entry->path);
  if (KYSO_IS_WINDOW (root) && entry->uploaded == NULL)
    {
      kyso_window_sign_file_async (KYSO_WINDOW (root), file, NULL, document_signed_cb,
                                   key_data_new (self, g_variant_get_string (parameter, NULL)));
      return;
    }
  if (gtk_widget_activate_action (widget, "win.open-document", "s", entry->path))
    return;
  uri = g_file_get_uri (file);
  if (!g_app_info_launch_default_for_uri (uri, NULL, &error))
    kyso_dossier_components_toast (self, error->message);
}

static void
history_activated (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  KysoDossierComponents *self = KYSO_DOSSIER_COMPONENTS (widget);
  KysoDossierEntry *entry = kyso_dossier_components_entry_for (self, g_variant_get_string (parameter, NULL));
  g_autofree char *name = NULL;

  if (entry == NULL)
    return;
  name = g_path_get_basename (entry->path);
  if (entry->uploaded == NULL)
    {
      /* Not at the portal yet: the document window checks the file's own signatures. */
      open_activated (widget, action_name, parameter);
      return;
    }
  if (self->history_dialog != NULL)
    g_object_remove_weak_pointer (G_OBJECT (self->history_dialog), (gpointer *)&self->history_dialog);
  self->history_dialog = kyso_dossier_history_show (widget, self->portal, entry->uploaded->id, name);
  g_object_add_weak_pointer (G_OBJECT (self->history_dialog), (gpointer *)&self->history_dialog);
}

/* Object -------------------------------------------------------------------------------------- */

static void
kyso_dossier_components_dispose (GObject *object)
{
  KysoDossierComponents *self = KYSO_DOSSIER_COMPONENTS (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_cancellable_cancel (self->sign_cancellable);
  g_clear_object (&self->sign_cancellable);
  if (self->wait != NULL)
    gtk_window_destroy (GTK_WINDOW (self->wait));
  g_clear_object (&self->wait);
  if (self->history_dialog != NULL)
    g_object_remove_weak_pointer (G_OBJECT (self->history_dialog), (gpointer *)&self->history_dialog);
  self->history_dialog = NULL;
  g_hash_table_remove_all (self->slots);
  g_clear_object (&self->portal);
  g_clear_object (&self->store);
  g_clear_object (&self->settings);
  g_clear_object (&self->dossier);
  g_clear_object (&self->procedure);
  g_clear_object (&self->profiles);
  g_clear_pointer (&self->config, kyso_config_unref);
  G_OBJECT_CLASS (kyso_dossier_components_parent_class)->dispose (object);
}

static void
kyso_dossier_components_finalize (GObject *object)
{
  KysoDossierComponents *self = KYSO_DOSSIER_COMPONENTS (object);

  g_hash_table_unref (self->slots);
  g_clear_pointer (&self->last_keys, g_ptr_array_unref);
  g_free (self->account_id);
  g_free (self->message);
  G_OBJECT_CLASS (kyso_dossier_components_parent_class)->finalize (object);
}

static void
kyso_dossier_components_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  switch (prop_id)
    {
      case PROP_BUSY:
        g_value_set_boolean (value, is_busy (KYSO_DOSSIER_COMPONENTS (object)));
        break;
      case PROP_NEXT_ACTION:
        g_value_set_string (value,
                            kyso_dossier_components_get_next_action (KYSO_DOSSIER_COMPONENTS (object)));
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kyso_dossier_components_class_init (KysoDossierComponentsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kyso_dossier_components_dispose;
  object_class->finalize = kyso_dossier_components_finalize;
  object_class->get_property = kyso_dossier_components_get_property;

  properties[PROP_BUSY] = g_param_spec_boolean (
    "busy", NULL, NULL, FALSE, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_NEXT_ACTION] = g_param_spec_string (
    "next-action", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                                   NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class, "/vn/kyso/Kyso/ui/kyso-dossier-components.ui");
  gtk_widget_class_bind_template_child (widget_class, KysoDossierComponents, list_box);
  gtk_widget_class_bind_template_child (widget_class, KysoDossierComponents, profile_row);
  gtk_widget_class_bind_template_child (widget_class, KysoDossierComponents, message_label);
  gtk_widget_class_bind_template_child (widget_class, KysoDossierComponents, add_profile_button);
  gtk_widget_class_bind_template_child (widget_class, KysoDossierComponents, sign_all_button);
  gtk_widget_class_bind_template_child (widget_class, KysoDossierComponents, upload_all_button);
  gtk_widget_class_bind_template_callback (widget_class, profile_selected_cb);

  gtk_widget_class_install_action (widget_class, "components.attach", "s", attach_activated);
  gtk_widget_class_install_action (widget_class, "components.sign", "s",
                                   kyso_dossier_components_sign_activated);
  gtk_widget_class_install_action (widget_class, "components.sign-all", NULL,
                                   kyso_dossier_components_sign_all_activated);
  gtk_widget_class_install_action (widget_class, "components.open", "s", open_activated);
  gtk_widget_class_install_action (widget_class, "components.history", "s", history_activated);
  gtk_widget_class_install_action (widget_class, "components.upload", "s",
                                   kyso_dossier_components_upload_activated);
  gtk_widget_class_install_action (widget_class, "components.upload-all", NULL,
                                   kyso_dossier_components_upload_all_activated);
  gtk_widget_class_install_action (widget_class, "components.cancel", "s",
                                   kyso_dossier_components_cancel_activated);
  gtk_widget_class_install_action (widget_class, "components.remove", "s", remove_activated);
}

static void
kyso_dossier_components_init (KysoDossierComponents *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->slots = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, slot_free);
  self->profiles = g_list_store_new (KYSO_TYPE_PROFILE);
  self->cancellable = g_cancellable_new ();
}

void
kyso_dossier_components_set_context (KysoDossierComponents *self, KysoPortal *portal, KysoContext *context)
{
  KysoConfig *config = context != NULL ? kyso_context_get_config (context) : NULL;
  KysoProfileStore *profiles = context != NULL ? kyso_context_get_profile_store (context) : NULL;
  GSettings *settings = context != NULL ? kyso_context_get_settings (context) : NULL;

  g_return_if_fail (KYSO_IS_DOSSIER_COMPONENTS (self));

  g_set_object (&self->portal, portal);
  if (config != self->config)
    {
      g_clear_pointer (&self->config, kyso_config_unref);
      self->config = config != NULL ? kyso_config_ref (config) : NULL;
    }
  g_set_object (&self->store, profiles);
  g_set_object (&self->settings, settings);
}

void
kyso_dossier_components_set_dossier_lock (KysoDossierComponents *self, GMutex *lock)
{
  g_return_if_fail (KYSO_IS_DOSSIER_COMPONENTS (self));
  self->dossier_lock = lock;
}

void
kyso_dossier_components_set_account_id (KysoDossierComponents *self, const char *national_id)
{
  g_return_if_fail (KYSO_IS_DOSSIER_COMPONENTS (self));
  g_free (self->account_id);
  self->account_id = g_strdup (national_id);
}

void
kyso_dossier_components_load (KysoDossierComponents *self, KysoDossier *dossier, KysoProcedure *procedure)
{
  GPtrArray *components;
  GtkWidget *child;

  g_return_if_fail (KYSO_IS_DOSSIER_COMPONENTS (self));
  g_return_if_fail (KYSO_IS_DOSSIER (dossier) && KYSO_IS_PROCEDURE (procedure));

  /* A new dossier: whatever ran for the previous one stops. */
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  g_cancellable_cancel (self->sign_cancellable);
  g_hash_table_remove_all (self->slots);
  self->uploads = 0;
  self->signing = FALSE;
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->list_box))) != NULL)
    gtk_list_box_remove (self->list_box, child);

  g_set_object (&self->dossier, dossier);
  g_set_object (&self->procedure, procedure);
  components = kyso_procedure_get_components (procedure);
  for (guint i = 0; i < components->len; i++)
    {
      KysoProcedureComponent *c = components->pdata[i];
      Slot *slot = g_new0 (Slot, 1);

      slot->row = KYSO_COMPONENT_ROW (kyso_component_row_new (c));
      g_signal_connect (slot->row, "kind-changed", G_CALLBACK (kind_changed_cb), self);
      gtk_list_box_append (self->list_box, GTK_WIDGET (slot->row));
      g_hash_table_insert (self->slots, g_strdup (kyso_procedure_component_get_key (c)), slot);
    }
  refresh_all (self);
  kyso_dossier_components_set_message (self, NULL, FALSE);
  kyso_dossier_components_busy_changed (self);
  load_profiles (self);
  for (guint i = 0; i < components->len; i++)
    kyso_dossier_components_identify (self, kyso_procedure_component_get_key (components->pdata[i]));
}

gboolean
kyso_dossier_components_is_busy (KysoDossierComponents *self)
{
  g_return_val_if_fail (KYSO_IS_DOSSIER_COMPONENTS (self), FALSE);
  return is_busy (self);
}

KysoComponentRow *
kyso_dossier_components_get_row (KysoDossierComponents *self, const char *key)
{
  Slot *slot;

  g_return_val_if_fail (KYSO_IS_DOSSIER_COMPONENTS (self), NULL);
  slot = g_hash_table_lookup (self->slots, key);
  return slot != NULL ? slot->row : NULL;
}

char *
kyso_dossier_components_dup_blocker (KysoDossierComponents *self)
{
  GPtrArray *components;

  g_return_val_if_fail (KYSO_IS_DOSSIER_COMPONENTS (self), NULL);
  if (self->procedure == NULL)
    return NULL;
  components = kyso_procedure_get_components (self->procedure);
  for (guint i = 0; i < components->len; i++)
    {
      KysoProcedureComponent *c = components->pdata[i];
      Slot *slot = g_hash_table_lookup (self->slots, kyso_procedure_component_get_key (c));

      if (slot != NULL && slot->blocked)
        /* Translators: %s is a dossier component */
        return g_strdup_printf (
          _("“%s” is signed by someone else. Sign it with your own signature or replace it "
                                  "before you go on."),
             kyso_procedure_component_get_name (c));
    }
  return NULL;
}

GListModel *
kyso_dossier_components_get_profiles (KysoDossierComponents *self)
{
  g_return_val_if_fail (KYSO_IS_DOSSIER_COMPONENTS (self), NULL);
  return G_LIST_MODEL (self->profiles);
}

const char *
kyso_dossier_components_get_message (KysoDossierComponents *self)
{
  g_return_val_if_fail (KYSO_IS_DOSSIER_COMPONENTS (self), NULL);
  return self->message;
}

GtkWindow *
kyso_dossier_components_get_history_dialog (KysoDossierComponents *self)
{
  g_return_val_if_fail (KYSO_IS_DOSSIER_COMPONENTS (self), NULL);
  return self->history_dialog;
}

GtkWindow *
kyso_dossier_components_get_wait_dialog (KysoDossierComponents *self)
{
  g_return_val_if_fail (KYSO_IS_DOSSIER_COMPONENTS (self), NULL);
  return self->wait != NULL ? GTK_WINDOW (self->wait) : NULL;
}
