/* kyso-history-panel.c: the signing history of a document */

#include "config.h"

#include "kyso-history-panel.h"

#include <glib/gi18n-lib.h>

struct _KysoHistoryPanel
{
  GtkWidget parent_instance;

  GtkStack *stack;
  GtkListBox *list;
  GtkLabel *error_label;
  GtkLabel *summary_label;

  GListModel *entries;
  GCancellable *cancellable;
};

G_DEFINE_FINAL_TYPE (KysoHistoryPanel, kyso_history_panel, GTK_TYPE_WIDGET)

static const char *
status_title (KysoHistoryStatus status)
{
  switch (status)
    {
      case KYSO_HISTORY_STATUS_VALID:
        return _("Valid signature");
      case KYSO_HISTORY_STATUS_WARNING:
        return _("Signature cannot be confirmed");
      case KYSO_HISTORY_STATUS_INVALID:
      default:
        return _("Invalid signature");
    }
}

static void
add_field (GtkGrid *grid, int row, const char *name, const char *value)
{
  GtkWidget *name_label = gtk_label_new (name);
  GtkWidget *value_label = gtk_label_new (value && *value ? value : _("Not given"));

  gtk_label_set_xalign (GTK_LABEL (name_label), 0);
  gtk_label_set_yalign (GTK_LABEL (name_label), 0);
  gtk_widget_add_css_class (name_label, "dim-label");
  gtk_label_set_xalign (GTK_LABEL (value_label), 0);
  gtk_label_set_wrap (GTK_LABEL (value_label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (value_label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_selectable (GTK_LABEL (value_label), TRUE);
  gtk_widget_set_hexpand (value_label, TRUE);
  if (!(value && *value))
    gtk_widget_add_css_class (value_label, "dim-label");
  gtk_accessible_update_relation (GTK_ACCESSIBLE (value_label), GTK_ACCESSIBLE_RELATION_LABELLED_BY,
                                  name_label, NULL, -1);
  gtk_grid_attach (grid, name_label, 0, row, 1, 1);
  gtk_grid_attach (grid, value_label, 1, row, 1, 1);
}

static GtkWidget *
create_row (gpointer item, gpointer user_data)
{
  KysoHistoryEntry *entry = item;
  KysoHistoryStatus status = kyso_history_entry_get_status (entry);
  g_autofree char *when = kyso_history_entry_format_time (entry);
  g_autofree char *accessible = NULL;
  GtkWidget *row, *box, *header, *icon, *title, *reason, *grid;
  const char *icon_name, *css;
  const char *heading
    = kyso_history_entry_get_title (entry) ? kyso_history_entry_get_title (entry) : status_title (status);

  switch (status)
    {
      case KYSO_HISTORY_STATUS_VALID:
        icon_name = "emblem-ok-symbolic", css = "success";
        break;
      case KYSO_HISTORY_STATUS_WARNING:
        icon_name = "dialog-warning-symbolic", css = "warning";
        break;
      case KYSO_HISTORY_STATUS_INVALID:
      default:
        icon_name = "dialog-error-symbolic", css = "error";
        break;
    }

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  gtk_widget_set_margin_top (box, 12);
  gtk_widget_set_margin_bottom (box, 12);

  header = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  icon = gtk_image_new_from_icon_name (icon_name);
  gtk_accessible_update_property (GTK_ACCESSIBLE (icon), GTK_ACCESSIBLE_PROPERTY_LABEL, heading, -1);
  title = gtk_label_new (heading);
  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_label_set_wrap (GTK_LABEL (title), TRUE);
  gtk_widget_add_css_class (title, "heading");
  gtk_widget_add_css_class (header, css);
  gtk_box_append (GTK_BOX (header), icon);
  gtk_box_append (GTK_BOX (header), title);
  gtk_box_append (GTK_BOX (box), header);

  if (kyso_history_entry_get_reason (entry) != NULL)
    {
      reason = gtk_label_new (kyso_history_entry_get_reason (entry));
      gtk_label_set_xalign (GTK_LABEL (reason), 0);
      gtk_label_set_wrap (GTK_LABEL (reason), TRUE);
      gtk_box_append (GTK_BOX (box), reason);
    }

  grid = gtk_grid_new ();
  gtk_grid_set_column_spacing (GTK_GRID (grid), 12);
  gtk_grid_set_row_spacing (GTK_GRID (grid), 4);
  gtk_widget_set_margin_top (grid, 6);
  /* Translators: the column names of the portals' signing history (Người ký, Email, Cơ quan
   * chứng thực, Ngày ký). */
  add_field (GTK_GRID (grid), 0, _("Signer"), kyso_history_entry_get_signer_name (entry));
  add_field (GTK_GRID (grid), 1, _("Email"), kyso_history_entry_get_email (entry));
  add_field (GTK_GRID (grid), 2, _("Certifying authority"), kyso_history_entry_get_issuer (entry));
  add_field (GTK_GRID (grid), 3, _("Signed on"), when);
  if (when != NULL)
    {
      GtkWidget *note = gtk_label_new (kyso_history_entry_get_timestamped (entry)
                                       ? _("Time confirmed by a time-stamp server")
                                       : _("Time from the signer’s computer"));
      gtk_label_set_xalign (GTK_LABEL (note), 0);
      gtk_label_set_wrap (GTK_LABEL (note), TRUE);
      gtk_widget_add_css_class (note, "caption");
      gtk_widget_add_css_class (note, "dim-label");
      gtk_grid_attach (GTK_GRID (grid), note, 1, 4, 1, 1);
    }
  if (kyso_history_entry_get_trust_anchor (entry) != NULL)
    /* Translators: the root certification authority the signer's certificate leads to */
    add_field (GTK_GRID (grid), 5, _("Trusted through"), kyso_history_entry_get_trust_anchor (entry));
  if (kyso_history_entry_get_level (entry) != NULL)
    /* Translators: the PAdES level proven, B-B … B-LTA (B-LT and B-LTA still verify years later) */
    add_field (GTK_GRID (grid), 6, _("Signature level"), kyso_history_entry_get_level (entry));
  gtk_box_append (GTK_BOX (box), grid);

  row = gtk_list_box_row_new ();
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  /* Translators: read by screen readers for a signature; %s are the signer and the verdict. */
  accessible = g_strdup_printf (_("Signature by %s: %s"), kyso_history_entry_get_signer_name (entry)
                                                             ? kyso_history_entry_get_signer_name (entry)
                                                             : _("unknown signer"), heading);
  gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL, accessible, -1);
  return row;
}

static void
update_summary (KysoHistoryPanel *self)
{
  guint n = self->entries ? g_list_model_get_n_items (self->entries) : 0, bad = 0;
  g_autofree char *text = NULL;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr (KysoHistoryEntry) entry = g_list_model_get_item (self->entries, i);
      if (kyso_history_entry_get_status (entry) == KYSO_HISTORY_STATUS_INVALID)
        bad++;
    }
  if (bad > 0 && n == 1)
    text = g_strdup (_("The signature of this document is not valid."));
  else if (bad > 0)
    /* Translators: shown above the list when some signatures failed the check; n > 1. */
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u of %u signatures is not valid.",
                                         "%u of %u signatures are not valid.", n),
                            bad, n);
  else
    text = g_strdup_printf (
      g_dngettext (GETTEXT_PACKAGE, "This document has %u signature.", "This document has %u signatures.", n),
      n);
  gtk_label_set_text (self->summary_label, text);
}

static void
kyso_history_panel_dispose (GObject *object)
{
  KysoHistoryPanel *self = KYSO_HISTORY_PANEL (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (object), KYSO_TYPE_HISTORY_PANEL);
  /* Template children not bound to a field are not removed by dispose_template. */
  for (GtkWidget *child; (child = gtk_widget_get_first_child (GTK_WIDGET (object))) != NULL;)
    gtk_widget_unparent (child);
  g_clear_object (&self->entries);

  G_OBJECT_CLASS (kyso_history_panel_parent_class)->dispose (object);
}

static void
kyso_history_panel_class_init (KysoHistoryPanelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kyso_history_panel_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, "/vn/kyso/Kyso/ui/kyso-history-panel.ui");
  gtk_widget_class_bind_template_child (widget_class, KysoHistoryPanel, stack);
  gtk_widget_class_bind_template_child (widget_class, KysoHistoryPanel, list);
  gtk_widget_class_bind_template_child (widget_class, KysoHistoryPanel, error_label);
  gtk_widget_class_bind_template_child (widget_class, KysoHistoryPanel, summary_label);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "kyso-history-panel");
}

static void
kyso_history_panel_init (KysoHistoryPanel *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
kyso_history_panel_new (void)
{
  return g_object_new (KYSO_TYPE_HISTORY_PANEL, NULL);
}

void
kyso_history_panel_set_loading (KysoHistoryPanel *self)
{
  g_return_if_fail (KYSO_IS_HISTORY_PANEL (self));
  gtk_stack_set_visible_child_name (self->stack, "loading");
}

void
kyso_history_panel_set_entries (KysoHistoryPanel *self, GListModel *entries)
{
  g_return_if_fail (KYSO_IS_HISTORY_PANEL (self));
  g_return_if_fail (G_IS_LIST_MODEL (entries));

  g_set_object (&self->entries, entries);
  gtk_list_box_bind_model (self->list, entries, create_row, NULL, NULL);
  update_summary (self);
  gtk_stack_set_visible_child_name (self->stack, g_list_model_get_n_items (entries) > 0 ? "list" : "empty");
}

GListModel *
kyso_history_panel_get_entries (KysoHistoryPanel *self)
{
  g_return_val_if_fail (KYSO_IS_HISTORY_PANEL (self), NULL);
  return self->entries;
}

void
kyso_history_panel_set_error (KysoHistoryPanel *self, const char *message)
{
  g_return_if_fail (KYSO_IS_HISTORY_PANEL (self));
  g_return_if_fail (message != NULL);

  gtk_label_set_text (self->error_label, message);
  gtk_stack_set_visible_child_name (self->stack, "error");
}

static void
verify_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  KysoHistoryPanel *self = g_task_get_source_object (task);
  g_autoptr (KysoPdfVerifyReport) report = NULL;
  g_autoptr (GListStore) entries = NULL;
  g_autoptr (GError) error = NULL;

  report = kyso_pdf_verifier_verify_finish (KYSO_PDF_VERIFIER (source), result, &error);
  if (report == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        kyso_history_panel_set_error (self, error->message);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  entries = g_list_store_new (KYSO_TYPE_HISTORY_ENTRY);
  for (guint i = 0; i < kyso_pdf_verify_report_get_n_signatures (report); i++)
    {
      KysoPdfSignatureReport *signature = kyso_pdf_verify_report_get_signature (report, i);
      g_autoptr (KysoHistoryEntry) entry = NULL;

      if (kyso_pdf_signature_report_is_document_timestamp (signature))
        continue;
      entry = kyso_history_entry_new_from_report (signature);
      g_list_store_append (entries, entry);
    }
  kyso_history_panel_set_entries (self, G_LIST_MODEL (entries));
  g_task_return_boolean (task, TRUE);
}

void
kyso_history_panel_check_async (KysoHistoryPanel *self, GFile *file, KysoPdfVerifier *verifier,
                                GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr (GTask) task = NULL;

  g_return_if_fail (KYSO_IS_HISTORY_PANEL (self));
  g_return_if_fail (G_IS_FILE (file));
  g_return_if_fail (KYSO_IS_PDF_VERIFIER (verifier));

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = cancellable ? g_object_ref (cancellable) : g_cancellable_new ();

  task = g_task_new (self, self->cancellable, callback, user_data);
  g_task_set_source_tag (task, kyso_history_panel_check_async);
  kyso_history_panel_set_loading (self);
  kyso_pdf_verifier_verify_async (verifier, file, self->cancellable, verify_done, g_steal_pointer (&task));
}

gboolean
kyso_history_panel_check_finish (KysoHistoryPanel *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (KYSO_IS_HISTORY_PANEL (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == kyso_history_panel_check_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

void
kyso_history_panel_clear (KysoHistoryPanel *self)
{
  g_return_if_fail (KYSO_IS_HISTORY_PANEL (self));

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  gtk_list_box_bind_model (self->list, NULL, NULL, NULL, NULL);
  g_clear_object (&self->entries);
  gtk_stack_set_visible_child_name (self->stack, "idle");
}

const char *
kyso_history_panel_get_state (KysoHistoryPanel *self)
{
  g_return_val_if_fail (KYSO_IS_HISTORY_PANEL (self), NULL);
  return gtk_stack_get_visible_child_name (self->stack);
}
