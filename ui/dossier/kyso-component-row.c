#include "config.h"

#include "kyso-component-row.h"

#include <glib/gi18n-lib.h>

struct _KysoComponentRow
{
  GtkListBoxRow parent_instance;

  KysoProcedureComponent *component;
  KysoComponentState state;
  char *detail;
  gboolean setting_kind;

  GtkImage *state_icon;
  GtkLabel *name_label;
  GtkLabel *facts_label;
  GtkDropDown *kind_dropdown;
  GtkLabel *file_label;
  GtkLabel *status_label;
  GtkLabel *detail_label;
  GtkProgressBar *progress_bar;
  GtkWidget *attach_button;
  GtkWidget *sign_button;
  GtkWidget *open_button;
  GtkWidget *history_button;
  GtkWidget *upload_button;
  GtkWidget *cancel_button;
  GtkWidget *remove_button;
};

G_DEFINE_FINAL_TYPE (KysoComponentRow, kyso_component_row, GTK_TYPE_LIST_BOX_ROW)

enum
{
  KIND_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

char *
kyso_component_describe_types (KysoProcedureComponent *component)
{
  const char *const *types = kyso_procedure_component_get_types (component);
  guint64 max = kyso_procedure_component_get_max_bytes (component);
  g_autoptr(GString) text = g_string_new (NULL);

  for (gsize i = 0; types != NULL && types[i] != NULL; i++)
    {
      g_autofree char *upper = g_ascii_strup (types[i], -1);
      if (i > 0)
        g_string_append (text, ", ");
      g_string_append (text, upper);
    }
  if (max > 0)
    {
      /* Portals write limits in MB; g_format_size would say 21.0 MB for 20 MiB. */
      g_autofree char *size = max % (1024 * 1024) == 0
                                ? g_strdup_printf ("%" G_GUINT64_FORMAT " MB", max / (1024 * 1024))
                                : g_format_size (max);
      if (text->len > 0)
        g_string_append (text, " · ");
      /* Translators: the size limit of a file, e.g. "up to 20 MB" */
      g_string_append_printf (text, _("up to %s"), size);
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static void
show_button (GtkWidget *button, gboolean visible)
{
  gtk_widget_set_visible (button, visible);
}

static void
kind_selected_cb (KysoComponentRow *self)
{
  if (!self->setting_kind)
    g_signal_emit (self, signals[KIND_CHANGED], 0);
}

static void
kyso_component_row_dispose (GObject *object)
{
  KysoComponentRow *self = KYSO_COMPONENT_ROW (object);

  g_clear_object (&self->component);
  g_clear_pointer (&self->detail, g_free);
  G_OBJECT_CLASS (kyso_component_row_parent_class)->dispose (object);
}

static void
kyso_component_row_class_init (KysoComponentRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kyso_component_row_dispose;

  signals[KIND_CHANGED] = g_signal_new ("kind-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                                        NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class, "/vn/kyso/Kyso/ui/kyso-component-row.ui");
  gtk_widget_class_bind_template_child (widget_class, KysoComponentRow, state_icon);
  gtk_widget_class_bind_template_child (widget_class, KysoComponentRow, name_label);
  gtk_widget_class_bind_template_child (widget_class, KysoComponentRow, facts_label);
  gtk_widget_class_bind_template_child (widget_class, KysoComponentRow, kind_dropdown);
  gtk_widget_class_bind_template_child (widget_class, KysoComponentRow, file_label);
  gtk_widget_class_bind_template_child (widget_class, KysoComponentRow, status_label);
  gtk_widget_class_bind_template_child (widget_class, KysoComponentRow, detail_label);
  gtk_widget_class_bind_template_child (widget_class, KysoComponentRow, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, KysoComponentRow, attach_button);
  gtk_widget_class_bind_template_child (widget_class, KysoComponentRow, sign_button);
  gtk_widget_class_bind_template_child (widget_class, KysoComponentRow, open_button);
  gtk_widget_class_bind_template_child (widget_class, KysoComponentRow, history_button);
  gtk_widget_class_bind_template_child (widget_class, KysoComponentRow, upload_button);
  gtk_widget_class_bind_template_child (widget_class, KysoComponentRow, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, KysoComponentRow, remove_button);
  gtk_widget_class_bind_template_callback (widget_class, kind_selected_cb);
}

static void
kyso_component_row_init (KysoComponentRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
kyso_component_row_new (KysoProcedureComponent *component)
{
  KysoComponentRow *self;
  g_autoptr(GString) facts = g_string_new (NULL);
  g_autofree char *types = NULL;
  GtkWidget *buttons[7];
  guint originals, copies;

  g_return_val_if_fail (KYSO_IS_PROCEDURE_COMPONENT (component), NULL);

  self = g_object_new (KYSO_TYPE_COMPONENT_ROW, NULL);
  self->component = g_object_ref (component);
  gtk_label_set_text (self->name_label, kyso_procedure_component_get_name (component));

  g_string_append (facts,
                   kyso_procedure_component_get_required (component) ? _("Required") : _("Optional"));
  originals = kyso_procedure_component_get_originals (component);
  copies = kyso_procedure_component_get_copies (component);
  if (originals > 0)
    {
      /* Translators: how many originals ("bản chính") the procedure asks for */
      g_autofree char *n = g_strdup_printf (
        g_dngettext (GETTEXT_PACKAGE, "%u original", "%u originals", originals), originals);
      g_string_append_printf (facts, " · %s", n);
    }
  if (copies > 0)
    {
      /* Translators: how many copies ("bản sao") the procedure asks for */
      g_autofree char *n
        = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u copy", "%u copies", copies), copies);
      g_string_append_printf (facts, " · %s", n);
    }
  types = kyso_component_describe_types (component);
  if (*types != '\0')
    g_string_append_printf (facts, " · %s", types);
  gtk_label_set_text (self->facts_label, facts->str);

  self->setting_kind = TRUE;
  gtk_drop_down_set_selected (self->kind_dropdown, originals == 0 && copies > 0 ? 1 : 0);
  self->setting_kind = FALSE;

  buttons[0] = self->attach_button;
  buttons[1] = self->sign_button;
  buttons[2] = self->open_button;
  buttons[3] = self->history_button;
  buttons[4] = self->upload_button;
  buttons[5] = self->cancel_button;
  buttons[6] = self->remove_button;
  for (guint i = 0; i < G_N_ELEMENTS (buttons); i++)
    gtk_actionable_set_action_target (GTK_ACTIONABLE (buttons[i]), "s",
                                      kyso_procedure_component_get_key (component));
  gtk_accessible_update_relation (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_RELATION_LABELLED_BY,
                                  self->name_label, NULL, -1);
  kyso_component_row_update (self, KYSO_COMPONENT_EMPTY, NULL, FALSE, NULL);
  return GTK_WIDGET (self);
}

KysoProcedureComponent *
kyso_component_row_get_component (KysoComponentRow *self)
{
  g_return_val_if_fail (KYSO_IS_COMPONENT_ROW (self), NULL);
  return self->component;
}

const char *
kyso_component_row_get_key (KysoComponentRow *self)
{
  g_return_val_if_fail (KYSO_IS_COMPONENT_ROW (self), NULL);
  return kyso_procedure_component_get_key (self->component);
}

void
kyso_component_row_update (KysoComponentRow *self, KysoComponentState state, const char *path,
                           gboolean signed_file, const char *detail)
{
  static const char *const icons[] = {
    [KYSO_COMPONENT_EMPTY] = "document-new-symbolic",
    [KYSO_COMPONENT_ATTACHED] = "x-office-document-symbolic",
    [KYSO_COMPONENT_SIGNING] = "phone-symbolic",
    [KYSO_COMPONENT_SIGNED] = "kyso-signature-symbolic",
    [KYSO_COMPONENT_UPLOADING] = "send-to-symbolic",
    [KYSO_COMPONENT_UPLOADED] = "emblem-ok-symbolic",
    [KYSO_COMPONENT_FAILED] = "dialog-warning-symbolic",
    [KYSO_COMPONENT_BLOCKED] = "dialog-warning-symbolic",
  };
  const char *status = NULL;
  gboolean busy = state == KYSO_COMPONENT_SIGNING || state == KYSO_COMPONENT_UPLOADING;
  gboolean has_file = path != NULL;
  g_autofree char *name = has_file ? g_path_get_basename (path) : NULL;
  g_autofree char *lower = has_file ? g_ascii_strdown (name, -1) : NULL;

  g_return_if_fail (KYSO_IS_COMPONENT_ROW (self));

  self->state = state;
  g_free (self->detail);
  self->detail = g_strdup (detail);

  switch (state)
    {
      case KYSO_COMPONENT_EMPTY:
        status = kyso_procedure_component_get_required (self->component) ? _("Missing") : "";
        break;
      case KYSO_COMPONENT_ATTACHED:
        status = _("Not signed");
        break;
      case KYSO_COMPONENT_SIGNING:
        status = _("Signing…");
        break;
      case KYSO_COMPONENT_SIGNED:
        status = _("Signed, not uploaded");
        break;
      case KYSO_COMPONENT_UPLOADING:
        status = _("Uploading…");
        break;
      case KYSO_COMPONENT_UPLOADED:
        status = signed_file ? _("Signed and uploaded") : _("Uploaded");
        break;
      case KYSO_COMPONENT_FAILED:
        status = _("Needs attention");
        break;
      case KYSO_COMPONENT_BLOCKED:
        status = _("Signed by someone else");
        break;
    }
  gtk_image_set_from_icon_name (self->state_icon, icons[state]);
  gtk_label_set_text (self->file_label, has_file ? name : _("No file attached yet"));
  gtk_widget_set_opacity (GTK_WIDGET (self->file_label), has_file ? 1.0 : 0.6);
  gtk_label_set_text (self->status_label, status);
  if (state == KYSO_COMPONENT_FAILED || state == KYSO_COMPONENT_EMPTY || state == KYSO_COMPONENT_BLOCKED)
    gtk_widget_add_css_class (GTK_WIDGET (self->status_label), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->status_label), "error");
  if (state == KYSO_COMPONENT_UPLOADED)
    gtk_widget_add_css_class (GTK_WIDGET (self->status_label), "success");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->status_label), "success");

  gtk_label_set_text (self->detail_label, detail != NULL ? detail : "");
  gtk_widget_set_visible (GTK_WIDGET (self->detail_label), detail != NULL && *detail != '\0');
  if (state == KYSO_COMPONENT_FAILED || state == KYSO_COMPONENT_BLOCKED)
    gtk_widget_add_css_class (GTK_WIDGET (self->detail_label), "form-error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->detail_label), "form-error");
  gtk_widget_set_visible (GTK_WIDGET (self->progress_bar), state == KYSO_COMPONENT_UPLOADING);
  if (state != KYSO_COMPONENT_UPLOADING)
    gtk_progress_bar_set_fraction (self->progress_bar, 0.0);

  gtk_button_set_label (GTK_BUTTON (self->attach_button), has_file ? _("_Replace…") : _("_Attach File…"));
  gtk_button_set_label (GTK_BUTTON (self->upload_button),
                        state == KYSO_COMPONENT_FAILED ? _("_Retry Upload") : _("_Upload"));
  show_button (self->attach_button, !busy);
  /* A file the citizen signed already needs no second signature of theirs. */
  show_button (self->sign_button, has_file && !busy && state != KYSO_COMPONENT_UPLOADED
                                    && state != KYSO_COMPONENT_SIGNED && g_str_has_suffix (lower, ".pdf"));
  show_button (self->open_button, has_file && !busy);
  show_button (self->history_button, has_file && !busy && (signed_file || state == KYSO_COMPONENT_UPLOADED));
  show_button (self->upload_button,
               has_file && !busy && state != KYSO_COMPONENT_UPLOADED && state != KYSO_COMPONENT_BLOCKED);
  show_button (self->cancel_button, state == KYSO_COMPONENT_UPLOADING);
  show_button (self->remove_button, has_file && !busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->kind_dropdown), !busy && state != KYSO_COMPONENT_UPLOADED);
}

void
kyso_component_row_set_main_attach (KysoComponentRow *self, gboolean main)
{
  g_return_if_fail (KYSO_IS_COMPONENT_ROW (self));
  if (main)
    gtk_widget_add_css_class (self->attach_button, "suggested-action");
  else
    gtk_widget_remove_css_class (self->attach_button, "suggested-action");
}

KysoComponentState
kyso_component_row_get_state (KysoComponentRow *self)
{
  g_return_val_if_fail (KYSO_IS_COMPONENT_ROW (self), KYSO_COMPONENT_EMPTY);
  return self->state;
}

const char *
kyso_component_row_get_detail (KysoComponentRow *self)
{
  g_return_val_if_fail (KYSO_IS_COMPONENT_ROW (self), NULL);
  return self->detail;
}

void
kyso_component_row_set_progress (KysoComponentRow *self, double fraction, const char *text)
{
  g_return_if_fail (KYSO_IS_COMPONENT_ROW (self));
  gtk_progress_bar_set_fraction (self->progress_bar, CLAMP (fraction, 0.0, 1.0));
  gtk_progress_bar_set_text (self->progress_bar, text);
}

KysoCopyKind
kyso_component_row_get_kind (KysoComponentRow *self)
{
  g_return_val_if_fail (KYSO_IS_COMPONENT_ROW (self), KYSO_COPY_KIND_ORIGINAL);
  return gtk_drop_down_get_selected (self->kind_dropdown) == 1 ? KYSO_COPY_KIND_COPY
                                                               : KYSO_COPY_KIND_ORIGINAL;
}

void
kyso_component_row_set_kind (KysoComponentRow *self, KysoCopyKind kind)
{
  g_return_if_fail (KYSO_IS_COMPONENT_ROW (self));
  self->setting_kind = TRUE;
  gtk_drop_down_set_selected (self->kind_dropdown, kind == KYSO_COPY_KIND_COPY ? 1 : 0);
  self->setting_kind = FALSE;
}
