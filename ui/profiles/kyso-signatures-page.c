#include "config.h"

#include "kyso-signatures-page-private.h"
#include "kyso-profile-row.h"

#include <glib/gi18n-lib.h>

struct _KysoSignaturesPage
{
  AdwBin parent_instance;

  KysoProfileStore *store;
  GListStore *profiles;
  GCancellable *load_cancellable;
  GCancellable *cancellable; /* deletes; cancelled when the page goes away */
  gboolean loaded_once;

  AdwToastOverlay *toast_overlay;
  GtkStack *stack;
  GtkSpinner *spinner;
  AdwStatusPage *error_page;
  GtkListBox *list_box;
};

G_DEFINE_FINAL_TYPE (KysoSignaturesPage, kyso_signatures_page, ADW_TYPE_BIN)

enum
{
  PROP_0,
  PROP_STORE,
  PROP_STATE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
set_state (KysoSignaturesPage *self, const char *state)
{
  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), state) == 0)
    return;
  gtk_spinner_set_spinning (self->spinner, g_str_equal (state, "loading"));
  gtk_stack_set_visible_child_name (self->stack, state);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

static void
toast (KysoSignaturesPage *self, const char *title)
{
  AdwToast *t = adw_toast_new (title);

  adw_toast_set_priority (t, ADW_TOAST_PRIORITY_HIGH);
  adw_toast_overlay_add_toast (self->toast_overlay, t);
}

static GtkWidget *
create_row (gpointer item, gpointer user_data)
{
  return kyso_profile_row_new (KYSO_PROFILE (item));
}

static KysoProfile *
find_profile (KysoSignaturesPage *self, const char *id)
{
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->profiles)); i++)
    {
      g_autoptr(KysoProfile) profile = g_list_model_get_item (G_LIST_MODEL (self->profiles), i);

      if (g_strcmp0 (kyso_profile_get_id (profile), id) == 0)
        return profile; /* the list store keeps it alive */
    }
  return NULL;
}

/* Loading ------------------------------------------------------------------------------- */

static void
list_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(KysoSignaturesPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) profiles
             = kyso_profile_store_list_finish (KYSO_PROFILE_STORE (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_clear_object (&self->load_cancellable);

  if (profiles == NULL)
    {
      adw_status_page_set_description (self->error_page, error->message);
      set_state (self, "error");
      return;
    }

  self->loaded_once = TRUE;
  g_list_store_splice (self->profiles, 0, g_list_model_get_n_items (G_LIST_MODEL (self->profiles)),
                       profiles->pdata, profiles->len);
  set_state (self, profiles->len > 0 ? "list" : "empty");
}

void
kyso_signatures_page_reload (KysoSignaturesPage *self)
{
  g_return_if_fail (KYSO_IS_SIGNATURES_PAGE (self));

  if (self->store == NULL)
    return;
  g_cancellable_cancel (self->load_cancellable);
  g_clear_object (&self->load_cancellable);
  self->load_cancellable = g_cancellable_new ();

  /* After the first load, keep showing the list while it refreshes: no flicker after a save. */
  if (!self->loaded_once)
    set_state (self, "loading");
  kyso_profile_store_list_async (self->store, self->load_cancellable, list_cb, g_object_ref (self));
}

/* Add, edit, delete --------------------------------------------------------------------- */

static void
dialog_saved_cb (KysoSignaturesPage *self, KysoProfile *profile)
{
  g_autofree char *message = NULL;

  /* Translators: %s is the name of a signature. */
  message = g_strdup_printf (_("Signature “%s” saved"), kyso_profile_get_display_name (profile));
  toast (self, message);
}

KysoProfileDialog *
kyso_signatures_page_open_dialog (KysoSignaturesPage *self, KysoProfile *profile)
{
  GtkRoot *root;
  KysoProfileDialog *dialog;

  g_return_val_if_fail (KYSO_IS_SIGNATURES_PAGE (self), NULL);
  g_return_val_if_fail (self->store != NULL, NULL);

  root = gtk_widget_get_root (GTK_WIDGET (self));
  dialog = kyso_profile_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, self->store, profile);
  g_signal_connect_object (dialog, "saved", G_CALLBACK (dialog_saved_cb), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
  return dialog;
}

void
kyso_signatures_page_add_profile (KysoSignaturesPage *self)
{
  kyso_signatures_page_open_dialog (self, NULL);
}

static void
deleted_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(KysoSignaturesPage) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!kyso_profile_store_delete_finish (KYSO_PROFILE_STORE (source), result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        toast (self, error->message);
      return;
    }
  toast (self, _("Signature deleted"));
}

static void
delete_response_cb (AdwMessageDialog *dialog, const char *response, gpointer user_data)
{
  KysoSignaturesPage *self = user_data;
  const char *id = g_object_get_data (G_OBJECT (dialog), "profile-id");

  if (g_strcmp0 (response, "delete") != 0 || self->store == NULL)
    return;
  kyso_profile_store_delete_async (self->store, id, self->cancellable, deleted_cb, g_object_ref (self));
}

AdwMessageDialog *
kyso_signatures_page_confirm_delete (KysoSignaturesPage *self, KysoProfile *profile)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *dialog;

  g_return_val_if_fail (KYSO_IS_SIGNATURES_PAGE (self), NULL);
  g_return_val_if_fail (KYSO_IS_PROFILE (profile), NULL);

  dialog
    = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, _("Delete Signature?"), NULL);
  adw_message_dialog_format_body (ADW_MESSAGE_DIALOG (dialog),
                                  /* Translators: %s is the name of a signature. */
                                  _("“%s”, its image, phone number and accounts will be removed from this "
                                    "computer’s keyring. Documents you already signed stay signed."),
                                     kyso_profile_get_display_name (profile));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel",
                                    _("_Cancel"), "delete", _("_Delete"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "delete",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "profile-id", g_strdup (kyso_profile_get_id (profile)), g_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (delete_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
  return ADW_MESSAGE_DIALOG (dialog);
}

static void
add_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  kyso_signatures_page_add_profile (KYSO_SIGNATURES_PAGE (widget));
}

static void
reload_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  kyso_signatures_page_reload (KYSO_SIGNATURES_PAGE (widget));
}

static void
edit_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  KysoSignaturesPage *self = KYSO_SIGNATURES_PAGE (widget);
  KysoProfile *profile = find_profile (self, g_variant_get_string (parameter, NULL));

  if (profile != NULL)
    kyso_signatures_page_open_dialog (self, profile);
}

static void
delete_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  KysoSignaturesPage *self = KYSO_SIGNATURES_PAGE (widget);
  KysoProfile *profile = find_profile (self, g_variant_get_string (parameter, NULL));

  if (profile != NULL)
    kyso_signatures_page_confirm_delete (self, profile);
}

/* Object -------------------------------------------------------------------------------- */

void
kyso_signatures_page_set_context (KysoSignaturesPage *self, KysoContext *context)
{
  g_return_if_fail (KYSO_IS_SIGNATURES_PAGE (self));
  g_return_if_fail (KYSO_IS_CONTEXT (context));

  kyso_signatures_page_set_store (self, kyso_context_get_profile_store (context));
}

void
kyso_signatures_page_set_store (KysoSignaturesPage *self, KysoProfileStore *store)
{
  g_return_if_fail (KYSO_IS_SIGNATURES_PAGE (self));
  g_return_if_fail (store == NULL || KYSO_IS_PROFILE_STORE (store));

  if (self->store == store)
    return;
  if (self->store != NULL)
    g_signal_handlers_disconnect_by_data (self->store, self);
  g_set_object (&self->store, store);
  self->loaded_once = FALSE;
  if (store != NULL)
    {
      /* Any change (from this window, another window or a dialog) reloads the list. */
      g_signal_connect_swapped (store, "changed", G_CALLBACK (kyso_signatures_page_reload), self);
      kyso_signatures_page_reload (self);
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STORE]);
}

KysoProfileStore *
kyso_signatures_page_get_store (KysoSignaturesPage *self)
{
  g_return_val_if_fail (KYSO_IS_SIGNATURES_PAGE (self), NULL);
  return self->store;
}

const char *
kyso_signatures_page_get_state (KysoSignaturesPage *self)
{
  g_return_val_if_fail (KYSO_IS_SIGNATURES_PAGE (self), NULL);
  return gtk_stack_get_visible_child_name (self->stack);
}

GListModel *
kyso_signatures_page_get_profiles (KysoSignaturesPage *self)
{
  return G_LIST_MODEL (self->profiles);
}

GtkListBox *
kyso_signatures_page_get_list_box (KysoSignaturesPage *self)
{
  return self->list_box;
}

static void
kyso_signatures_page_dispose (GObject *object)
{
  KysoSignaturesPage *self = KYSO_SIGNATURES_PAGE (object);

  g_cancellable_cancel (self->load_cancellable);
  g_cancellable_cancel (self->cancellable);
  kyso_signatures_page_set_store (self, NULL);
  g_clear_object (&self->load_cancellable);
  g_clear_object (&self->profiles);

  G_OBJECT_CLASS (kyso_signatures_page_parent_class)->dispose (object);
}

static void
kyso_signatures_page_finalize (GObject *object)
{
  KysoSignaturesPage *self = KYSO_SIGNATURES_PAGE (object);

  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (kyso_signatures_page_parent_class)->finalize (object);
}

static void
kyso_signatures_page_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  KysoSignaturesPage *self = KYSO_SIGNATURES_PAGE (object);

  switch (prop_id)
    {
      case PROP_STORE:
        g_value_set_object (value, self->store);
        break;
      case PROP_STATE:
        g_value_set_string (value, kyso_signatures_page_get_state (self));
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kyso_signatures_page_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  KysoSignaturesPage *self = KYSO_SIGNATURES_PAGE (object);

  switch (prop_id)
    {
      case PROP_STORE:
        kyso_signatures_page_set_store (self, g_value_get_object (value));
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kyso_signatures_page_class_init (KysoSignaturesPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kyso_signatures_page_dispose;
  object_class->finalize = kyso_signatures_page_finalize;
  object_class->get_property = kyso_signatures_page_get_property;
  object_class->set_property = kyso_signatures_page_set_property;

  properties[PROP_STORE]
    = g_param_spec_object ("store", NULL, NULL, KYSO_TYPE_PROFILE_STORE,
                           G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_STATE] = g_param_spec_string (
    "state", NULL, NULL, "loading", G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, "/vn/kyso/Kyso/ui/kyso-signatures-page.ui");
  gtk_widget_class_bind_template_child (widget_class, KysoSignaturesPage, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, KysoSignaturesPage, stack);
  gtk_widget_class_bind_template_child (widget_class, KysoSignaturesPage, spinner);
  gtk_widget_class_bind_template_child (widget_class, KysoSignaturesPage, error_page);
  gtk_widget_class_bind_template_child (widget_class, KysoSignaturesPage, list_box);

  gtk_widget_class_install_action (widget_class, "profiles.add", NULL, add_action);
  gtk_widget_class_install_action (widget_class, "profiles.reload", NULL, reload_action);
  gtk_widget_class_install_action (widget_class, "profiles.edit", "s", edit_action);
  gtk_widget_class_install_action (widget_class, "profiles.delete", "s", delete_action);
}

static void
kyso_signatures_page_init (KysoSignaturesPage *self)
{
  self->profiles = g_list_store_new (KYSO_TYPE_PROFILE);
  self->cancellable = g_cancellable_new ();

  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_list_box_bind_model (self->list_box, G_LIST_MODEL (self->profiles), create_row, NULL, NULL);
  gtk_spinner_set_spinning (self->spinner, TRUE);
}
