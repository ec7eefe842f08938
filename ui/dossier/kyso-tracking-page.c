#include "config.h"

#include "kyso-tracking-page.h"
#include "kyso-dossier-history.h"
#include "kyso-error.h"

#include <glib/gi18n-lib.h>

struct _KysoTrackingPage
{
  AdwBin parent_instance;

  KysoPortal *portal;
  GCancellable *cancellable;
  KysoDossierStatus *status;
  GtkWindow *history_dialog; /* weak */
  char *state;

  GtkEntry *code_entry;
  GtkStack *stack;
  GtkSpinner *spinner;
  GtkLabel *error_label;
  AdwActionRow *status_row;
  AdwActionRow *procedure_row;
  AdwActionRow *agency_row;
  AdwActionRow *dates_row;
  GtkListBox *history_list;
  GtkListBox *files_list;
};

G_DEFINE_FINAL_TYPE (KysoTrackingPage, kyso_tracking_page, ADW_TYPE_BIN)

enum
{
  PROP_0,
  PROP_STATE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
set_state (KysoTrackingPage *self, const char *state)
{
  gtk_spinner_set_spinning (self->spinner, g_str_equal (state, "loading"));
  gtk_stack_set_visible_child_name (self->stack, state);
  if (g_strcmp0 (self->state, state) == 0)
    return;
  g_free (self->state);
  self->state = g_strdup (state);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

/* "dd/mm/yyyy HH:MM" in local time, as the portals write dates. */
static char *
format_time (GDateTime *time, gboolean with_hour)
{
  g_autoptr(GDateTime) local = NULL;

  if (time == NULL)
    return g_strdup (_("unknown"));
  local = g_date_time_to_local (time);
  return g_date_time_format (local, with_hour ? "%d/%m/%Y %H:%M" : "%d/%m/%Y");
}

static void
clear_list (GtkListBox *list)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (list))) != NULL)
    gtk_list_box_remove (list, child);
}

static void
show_status (KysoTrackingPage *self)
{
  KysoDossierStatus *s = self->status;
  g_autofree char *submitted = format_time (s->submitted, FALSE);
  g_autofree char *due = format_time (s->due, FALSE);
  g_autofree char *dates = g_strdup_printf ("%s / %s", submitted, due);

  adw_action_row_set_subtitle (self->status_row, s->status != NULL ? s->status : "");
  adw_action_row_set_subtitle (self->procedure_row, s->procedure_name != NULL ? s->procedure_name : "");
  adw_action_row_set_subtitle (self->agency_row, s->agency != NULL ? s->agency : _("unknown"));
  adw_action_row_set_subtitle (self->dates_row, dates);

  clear_list (self->history_list);
  /* Newest first: what happened last is what the citizen looks for. */
  for (guint i = s->history != NULL ? s->history->len : 0; i > 0; i--)
    {
      KysoDossierEvent *e = s->history->pdata[i - 1];
      GtkWidget *row = adw_action_row_new ();
      g_autofree char *when = format_time (e->time, TRUE);
      g_autoptr(GString) subtitle = g_string_new (when);

      if (e->agency != NULL)
        g_string_append_printf (subtitle, " · %s", e->agency);
      if (e->note != NULL)
        g_string_append_printf (subtitle, "\n%s", e->note);
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), e->status != NULL ? e->status : "");
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle->str);
      gtk_list_box_append (self->history_list, row);
    }

  clear_list (self->files_list);
  for (guint i = 0; s->files != NULL && i < s->files->len; i++)
    {
      KysoPortalFile *f = s->files->pdata[i];
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *button = gtk_button_new_with_mnemonic (_("Signing _History"));
      g_autofree char *size = g_format_size (f->size);
      g_autofree char *label = NULL;

      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), f->name != NULL ? f->name : f->id);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), size);
      adw_action_row_set_icon_name (ADW_ACTION_ROW (row), "x-office-document-symbolic");
      gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
      gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "tracking.file-history");
      gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "s", f->id);
      /* Translators: accessible name of a button; %s is a file name */
      label = g_strdup_printf (_("Signing history of %s"), f->name != NULL ? f->name : f->id);
      gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
      gtk_list_box_append (self->files_list, row);
    }
  set_state (self, "found");
}

static void
tracked_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(KysoTrackingPage) self = user_data;
  g_autoptr(GError) error = NULL;
  KysoDossierStatus *status = kyso_portal_track_dossier_finish (KYSO_PORTAL (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_clear_pointer (&self->status, kyso_dossier_status_free);
  if (status == NULL)
    {
      if (g_error_matches (error, KYSO_ERROR, KYSO_ERROR_NOT_FOUND))
        gtk_label_set_text (self->error_label,
                            _("The portal has no dossier with this code. Check the code and try again."));
      else
        gtk_label_set_text (self->error_label, error->message);
      set_state (self, "error");
      return;
    }
  self->status = status;
  show_status (self);
}

static void
search_activated (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  KysoTrackingPage *self = KYSO_TRACKING_PAGE (widget);
  g_autofree char *code = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->code_entry))));

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (*code == '\0' || self->portal == NULL)
    {
      set_state (self, "idle");
      return;
    }
  self->cancellable = g_cancellable_new ();
  set_state (self, "loading");
  kyso_portal_track_dossier_async (self->portal, code, self->cancellable, tracked_cb, g_object_ref (self));
}

static void
code_activated_cb (KysoTrackingPage *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "tracking.search", NULL);
}

static void
file_history_activated (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  KysoTrackingPage *self = KYSO_TRACKING_PAGE (widget);
  const char *id = g_variant_get_string (parameter, NULL);
  const char *name = id;

  for (guint i = 0; self->status != NULL && self->status->files != NULL && i < self->status->files->len; i++)
    {
      KysoPortalFile *f = self->status->files->pdata[i];
      if (g_strcmp0 (f->id, id) == 0 && f->name != NULL)
        name = f->name;
    }
  if (self->history_dialog != NULL)
    g_object_remove_weak_pointer (G_OBJECT (self->history_dialog), (gpointer *)&self->history_dialog);
  self->history_dialog = kyso_dossier_history_show (widget, self->portal, id, name);
  g_object_add_weak_pointer (G_OBJECT (self->history_dialog), (gpointer *)&self->history_dialog);
}

static void
kyso_tracking_page_dispose (GObject *object)
{
  KysoTrackingPage *self = KYSO_TRACKING_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->portal);
  if (self->history_dialog != NULL)
    g_object_remove_weak_pointer (G_OBJECT (self->history_dialog), (gpointer *)&self->history_dialog);
  self->history_dialog = NULL;
  G_OBJECT_CLASS (kyso_tracking_page_parent_class)->dispose (object);
}

static void
kyso_tracking_page_finalize (GObject *object)
{
  KysoTrackingPage *self = KYSO_TRACKING_PAGE (object);

  g_clear_pointer (&self->status, kyso_dossier_status_free);
  g_free (self->state);
  G_OBJECT_CLASS (kyso_tracking_page_parent_class)->finalize (object);
}

static void
kyso_tracking_page_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  switch (prop_id)
    {
      case PROP_STATE:
        g_value_set_string (value, KYSO_TRACKING_PAGE (object)->state);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kyso_tracking_page_class_init (KysoTrackingPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kyso_tracking_page_dispose;
  object_class->finalize = kyso_tracking_page_finalize;
  object_class->get_property = kyso_tracking_page_get_property;

  properties[PROP_STATE] = g_param_spec_string (
    "state", NULL, NULL, "idle", G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, "/vn/kyso/Kyso/ui/kyso-tracking-page.ui");
  gtk_widget_class_bind_template_child (widget_class, KysoTrackingPage, code_entry);
  gtk_widget_class_bind_template_child (widget_class, KysoTrackingPage, stack);
  gtk_widget_class_bind_template_child (widget_class, KysoTrackingPage, spinner);
  gtk_widget_class_bind_template_child (widget_class, KysoTrackingPage, error_label);
  gtk_widget_class_bind_template_child (widget_class, KysoTrackingPage, status_row);
  gtk_widget_class_bind_template_child (widget_class, KysoTrackingPage, procedure_row);
  gtk_widget_class_bind_template_child (widget_class, KysoTrackingPage, agency_row);
  gtk_widget_class_bind_template_child (widget_class, KysoTrackingPage, dates_row);
  gtk_widget_class_bind_template_child (widget_class, KysoTrackingPage, history_list);
  gtk_widget_class_bind_template_child (widget_class, KysoTrackingPage, files_list);
  gtk_widget_class_bind_template_callback (widget_class, code_activated_cb);

  gtk_widget_class_install_action (widget_class, "tracking.search", NULL, search_activated);
  gtk_widget_class_install_action (widget_class, "tracking.file-history", "s", file_history_activated);
}

static void
kyso_tracking_page_init (KysoTrackingPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->state = g_strdup ("idle");
  set_state (self, "idle");
}

GtkWidget *
kyso_tracking_page_new (void)
{
  return g_object_new (KYSO_TYPE_TRACKING_PAGE, NULL);
}

void
kyso_tracking_page_set_portal (KysoTrackingPage *self, KysoPortal *portal)
{
  g_return_if_fail (KYSO_IS_TRACKING_PAGE (self));
  g_set_object (&self->portal, portal);
}

void
kyso_tracking_page_track (KysoTrackingPage *self, const char *code)
{
  g_return_if_fail (KYSO_IS_TRACKING_PAGE (self));

  gtk_editable_set_text (GTK_EDITABLE (self->code_entry), code != NULL ? code : "");
  if (code == NULL || *code == '\0')
    {
      g_cancellable_cancel (self->cancellable);
      set_state (self, "idle");
      gtk_widget_grab_focus (GTK_WIDGET (self->code_entry));
      return;
    }
  gtk_widget_activate_action (GTK_WIDGET (self), "tracking.search", NULL);
}

const char *
kyso_tracking_page_get_state (KysoTrackingPage *self)
{
  g_return_val_if_fail (KYSO_IS_TRACKING_PAGE (self), NULL);
  return self->state;
}

KysoDossierStatus *
kyso_tracking_page_get_status (KysoTrackingPage *self)
{
  g_return_val_if_fail (KYSO_IS_TRACKING_PAGE (self), NULL);
  return self->status;
}

GPtrArray *
kyso_tracking_page_get_history (KysoTrackingPage *self)
{
  g_return_val_if_fail (KYSO_IS_TRACKING_PAGE (self), NULL);
  return self->history_dialog != NULL ? kyso_dossier_history_get_records (self->history_dialog) : NULL;
}
