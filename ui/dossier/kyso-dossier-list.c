#include "config.h"

#include "kyso-dossier-list.h"

#include <adwaita.h>
#include <glib/gi18n-lib.h>

struct _KysoDossierList
{
  GObject parent_instance;

  KysoPortal *portal;
  char *account_id;
  GListStore *dossiers;
  GHashTable *statuses;      /* code → status text */
  GCancellable *cancellable; /* the current reload */
  GStrv pending_ids;         /* drafts still to load */
  guint next;
  guint tracking; /* status look-ups under way */
  gboolean loading;
};

G_DEFINE_FINAL_TYPE (KysoDossierList, kyso_dossier_list, G_TYPE_OBJECT)

enum
{
  ERROR,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
load_next (KysoDossierList *self);

static GtkWidget *
suffix_button (const char *label, const char *icon, const char *action, const char *target,
               const char *accessible)
{
  GtkWidget *button
    = icon != NULL ? gtk_button_new_from_icon_name (icon) : gtk_button_new_with_mnemonic (label);

  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), action);
  gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "s", target);
  if (icon != NULL)
    {
      gtk_widget_add_css_class (button, "flat");
      gtk_widget_set_tooltip_text (button, accessible);
    }
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, accessible, -1);
  return button;
}

static GtkWidget *
create_row (gpointer item, gpointer user_data)
{
  KysoDossierList *self = user_data;
  KysoDossier *dossier = item;
  const char *code = kyso_dossier_get_code (dossier);
  GtkWidget *row = adw_action_row_new ();
  g_autofree char *subtitle = NULL;
  g_autofree char *accessible = NULL;

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), kyso_dossier_get_procedure_name (dossier));
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 2);
  if (code != NULL)
    {
      const char *status = g_hash_table_lookup (self->statuses, code);

      adw_action_row_set_icon_name (ADW_ACTION_ROW (row), "emblem-ok-symbolic");
      /* Translators: a submitted dossier: its code and its status at the portal */
      subtitle
        = g_strdup_printf (_("Code %s · %s"), code, status != NULL ? status : _("checking the status…"));
      /* Translators: %s is a dossier code */
      accessible = g_strdup_printf (_("Track dossier %s"), code);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                                 suffix_button (_("_Track"), NULL, "portal.track", code, accessible));
    }
  else
    {
      guint n_files = kyso_dossier_get_entries (dossier)->len;

      adw_action_row_set_icon_name (ADW_ACTION_ROW (row), "document-edit-symbolic");
      subtitle = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Draft, not submitted yet · %u file",
                                               "Draft, not submitted yet · %u files", n_files),
                                  n_files);
      adw_action_row_add_suffix (
        ADW_ACTION_ROW (row), suffix_button (NULL, "user-trash-symbolic", "portal.delete-draft",
                                             kyso_dossier_get_draft_id (dossier), _("Delete this draft")));
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), suffix_button (_("_Continue"), NULL, "portal.resume",
                                                                         kyso_dossier_get_draft_id (dossier),
                                                                         _("Continue this draft")));
    }
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  return row;
}

static void
finish_loading (KysoDossierList *self)
{
  if (self->pending_ids == NULL && self->tracking == 0)
    self->loading = FALSE;
}

/* Re-creates the row of @code's dossier with its status. */
static void
refresh_code (KysoDossierList *self, const char *code)
{
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->dossiers)); i++)
    {
      g_autoptr(KysoDossier) d = g_list_model_get_item (G_LIST_MODEL (self->dossiers), i);
      if (g_strcmp0 (kyso_dossier_get_code (d), code) == 0)
        g_list_store_splice (self->dossiers, i, 1, (gpointer *)&d, 1);
    }
}

typedef struct
{
  KysoDossierList *self;
  GCancellable *cancellable;
  char *code;
} Track;

static void
track_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Track *t = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(KysoDossierStatus) status
             = kyso_portal_track_dossier_finish (KYSO_PORTAL (source), result, &error);
  KysoDossierList *self = t->self;

  if (!g_cancellable_is_cancelled (t->cancellable))
    {
      self->tracking--;
      g_hash_table_replace (self->statuses, g_strdup (t->code),
                            g_strdup (status != NULL ? status->status : _("status unavailable")));
      refresh_code (self, t->code);
      finish_loading (self);
    }
  g_object_unref (t->self);
  g_object_unref (t->cancellable);
  g_free (t->code);
  g_free (t);
}

static void
track (KysoDossierList *self, const char *code)
{
  Track *t = g_new0 (Track, 1);

  t->self = g_object_ref (self);
  t->cancellable = g_object_ref (self->cancellable);
  t->code = g_strdup (code);
  self->tracking++;
  kyso_portal_track_dossier_async (self->portal, code, self->cancellable, track_cb, t);
}

static void
loaded_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(KysoDossierList) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(KysoDossier) dossier = kyso_dossier_load_draft_finish (result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (dossier == NULL)
    g_signal_emit (self, signals[ERROR], 0, error->message);
  else if (g_strcmp0 (kyso_dossier_get_applicant (dossier)->id_number, self->account_id) != 0)
    {
      /* Another citizen's draft (a shared kiosk): not shown. */
    }
  else
    {
      g_list_store_append (self->dossiers, dossier);
      if (kyso_dossier_get_code (dossier) != NULL && self->portal != NULL)
        track (self, kyso_dossier_get_code (dossier));
    }
  load_next (self);
}

static void
load_next (KysoDossierList *self)
{
  if (self->pending_ids == NULL || self->pending_ids[self->next] == NULL)
    {
      g_clear_pointer (&self->pending_ids, g_strfreev);
      finish_loading (self);
      return;
    }
  kyso_dossier_load_draft_async (self->pending_ids[self->next++], self->cancellable, loaded_cb,
                                 g_object_ref (self));
}

static void
kyso_dossier_list_dispose (GObject *object)
{
  KysoDossierList *self = KYSO_DOSSIER_LIST (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->portal);
  g_clear_object (&self->dossiers);
  G_OBJECT_CLASS (kyso_dossier_list_parent_class)->dispose (object);
}

static void
kyso_dossier_list_finalize (GObject *object)
{
  KysoDossierList *self = KYSO_DOSSIER_LIST (object);

  g_hash_table_unref (self->statuses);
  g_strfreev (self->pending_ids);
  g_free (self->account_id);
  G_OBJECT_CLASS (kyso_dossier_list_parent_class)->finalize (object);
}

static void
kyso_dossier_list_class_init (KysoDossierListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = kyso_dossier_list_dispose;
  object_class->finalize = kyso_dossier_list_finalize;

  signals[ERROR] = g_signal_new ("error", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                 G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
kyso_dossier_list_init (KysoDossierList *self)
{
  self->dossiers = g_list_store_new (KYSO_TYPE_DOSSIER);
  self->statuses = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

KysoDossierList *
kyso_dossier_list_new (void)
{
  return g_object_new (KYSO_TYPE_DOSSIER_LIST, NULL);
}

void
kyso_dossier_list_set_portal (KysoDossierList *self, KysoPortal *portal)
{
  g_return_if_fail (KYSO_IS_DOSSIER_LIST (self));
  g_set_object (&self->portal, portal);
}

void
kyso_dossier_list_set_account_id (KysoDossierList *self, const char *national_id)
{
  g_return_if_fail (KYSO_IS_DOSSIER_LIST (self));

  if (g_strcmp0 (self->account_id, national_id) == 0)
    return;
  g_free (self->account_id);
  self->account_id = g_strdup (national_id);
  if (national_id == NULL)
    {
      g_cancellable_cancel (self->cancellable);
      g_list_store_remove_all (self->dossiers);
      return;
    }
  kyso_dossier_list_reload (self);
}

void
kyso_dossier_list_bind (KysoDossierList *self, GtkListBox *list_box)
{
  GtkWidget *placeholder = gtk_label_new (_("No dossier yet. Find a procedure below and choose “Apply”."));

  g_return_if_fail (KYSO_IS_DOSSIER_LIST (self));
  gtk_label_set_wrap (GTK_LABEL (placeholder), TRUE);
  gtk_widget_add_css_class (placeholder, "dim-label");
  gtk_widget_set_margin_top (placeholder, 18);
  gtk_widget_set_margin_bottom (placeholder, 18);
  gtk_widget_set_margin_start (placeholder, 12);
  gtk_widget_set_margin_end (placeholder, 12);
  gtk_list_box_set_placeholder (list_box, placeholder);
  gtk_list_box_bind_model (list_box, G_LIST_MODEL (self->dossiers), create_row, self, NULL);
}

void
kyso_dossier_list_reload (KysoDossierList *self)
{
  g_autoptr(GError) error = NULL;

  g_return_if_fail (KYSO_IS_DOSSIER_LIST (self));

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  self->tracking = 0;
  /* Until the account is known, no draft can be told to be the citizen's. */
  if (self->account_id == NULL)
    {
      g_list_store_remove_all (self->dossiers);
      g_clear_pointer (&self->pending_ids, g_strfreev);
      self->loading = FALSE;
      return;
    }
  self->next = 0;
  g_list_store_remove_all (self->dossiers);
  g_strfreev (self->pending_ids);
  self->pending_ids = kyso_dossier_list_drafts (&error);
  if (self->pending_ids == NULL && error != NULL
      && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
    g_signal_emit (self, signals[ERROR], 0, error->message);
  self->loading = TRUE;
  load_next (self);
}

gboolean
kyso_dossier_list_is_loading (KysoDossierList *self)
{
  g_return_val_if_fail (KYSO_IS_DOSSIER_LIST (self), FALSE);
  return self->loading;
}

GListModel *
kyso_dossier_list_get_model (KysoDossierList *self)
{
  g_return_val_if_fail (KYSO_IS_DOSSIER_LIST (self), NULL);
  return G_LIST_MODEL (self->dossiers);
}

KysoDossier *
kyso_dossier_list_find (KysoDossierList *self, const char *draft_id)
{
  g_return_val_if_fail (KYSO_IS_DOSSIER_LIST (self), NULL);

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->dossiers)); i++)
    {
      g_autoptr(KysoDossier) d = g_list_model_get_item (G_LIST_MODEL (self->dossiers), i);
      if (g_strcmp0 (kyso_dossier_get_draft_id (d), draft_id) == 0)
        return d; /* the store keeps it alive */
    }
  return NULL;
}

const char *
kyso_dossier_list_get_status (KysoDossierList *self, const char *code)
{
  g_return_val_if_fail (KYSO_IS_DOSSIER_LIST (self), NULL);
  return g_hash_table_lookup (self->statuses, code);
}

static void
delete_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  GError *error = NULL;

  if (kyso_dossier_delete_draft (data, cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
deleted_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  KysoDossierList *self = KYSO_DOSSIER_LIST (source);
  g_autoptr(GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    g_signal_emit (self, signals[ERROR], 0, error->message);
  kyso_dossier_list_reload (self);
}

void
kyso_dossier_list_delete (KysoDossierList *self, const char *draft_id)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (KYSO_IS_DOSSIER_LIST (self));

  task = g_task_new (self, NULL, deleted_cb, NULL);
  g_task_set_source_tag (task, kyso_dossier_list_delete);
  g_task_set_task_data (task, g_strdup (draft_id), g_free);
  g_task_run_in_thread (task, delete_thread);
}
