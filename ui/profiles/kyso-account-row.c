#include "config.h"

#include "kyso-account-row.h"
#include "kyso-profile.h"
#include "kyso-providers.h"

#include <glib/gi18n-lib.h>

struct _KysoAccountRow
{
  AdwActionRow parent_instance;

  GtkDropDown *provider_dropdown;
  GtkEntry *account_entry;
  GtkWidget *remove_button;
};

G_DEFINE_FINAL_TYPE (KysoAccountRow, kyso_account_row, ADW_TYPE_ACTION_ROW)

enum
{
  REMOVE_REQUESTED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
field_changed_cb (KysoAccountRow *self)
{
  gtk_widget_remove_css_class (GTK_WIDGET (self->account_entry), "error");
  gtk_widget_remove_css_class (GTK_WIDGET (self->provider_dropdown), "error");
}

static void
remove_clicked_cb (KysoAccountRow *self)
{
  g_signal_emit (self, signals[REMOVE_REQUESTED], 0);
}

static void
kyso_account_row_class_init (KysoAccountRowClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  signals[REMOVE_REQUESTED] = g_signal_new ("remove-requested", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                            0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class, "/vn/kyso/Kyso/ui/kyso-account-row.ui");
  gtk_widget_class_bind_template_child (widget_class, KysoAccountRow, provider_dropdown);
  gtk_widget_class_bind_template_child (widget_class, KysoAccountRow, account_entry);
  gtk_widget_class_bind_template_child (widget_class, KysoAccountRow, remove_button);
  gtk_widget_class_bind_template_callback (widget_class, field_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, remove_clicked_cb);
}

static void
kyso_account_row_init (KysoAccountRow *self)
{
  g_autoptr(GtkStringList) names = gtk_string_list_new (NULL);

  gtk_widget_init_template (GTK_WIDGET (self));

  /* The first entry means "not chosen yet", so nobody signs with a provider by accident. */
  gtk_string_list_append (names, _("Choose provider"));
  for (guint i = 0; i < kyso_providers_get_n (); i++)
    gtk_string_list_append (names, kyso_providers_get_nth (i)->name);
  gtk_drop_down_set_model (self->provider_dropdown, G_LIST_MODEL (names));
  gtk_drop_down_set_selected (self->provider_dropdown, 0);
}

GtkWidget *
kyso_account_row_new (KysoProfileAccount *account)
{
  KysoAccountRow *self = g_object_new (KYSO_TYPE_ACCOUNT_ROW, NULL);

  if (account != NULL)
    {
      const char *provider = kyso_profile_account_get_provider (account);

      for (guint i = 0; i < kyso_providers_get_n (); i++)
        if (g_strcmp0 (kyso_providers_get_nth (i)->id, provider) == 0)
          gtk_drop_down_set_selected (self->provider_dropdown, i + 1);
      gtk_editable_set_text (GTK_EDITABLE (self->account_entry), kyso_profile_account_get_account (account));
    }
  return GTK_WIDGET (self);
}

KysoProfileAccount *
kyso_account_row_dup_account (KysoAccountRow *self)
{
  guint selected;
  const char *provider = "";
  g_autofree char *number = NULL;

  g_return_val_if_fail (KYSO_IS_ACCOUNT_ROW (self), NULL);

  selected = gtk_drop_down_get_selected (self->provider_dropdown);
  if (selected != GTK_INVALID_LIST_POSITION && selected > 0 && selected <= kyso_providers_get_n ())
    provider = kyso_providers_get_nth (selected - 1)->id;
  number = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->account_entry))));
  return kyso_profile_account_new (provider, number);
}

void
kyso_account_row_show_error (KysoAccountRow *self)
{
  g_autoptr(KysoProfileAccount) account = NULL;

  g_return_if_fail (KYSO_IS_ACCOUNT_ROW (self));

  account = kyso_account_row_dup_account (self);
  if (!kyso_profile_check_provider (kyso_profile_account_get_provider (account), NULL))
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->provider_dropdown), "error");
      gtk_widget_grab_focus (GTK_WIDGET (self->provider_dropdown));
      return;
    }
  gtk_widget_add_css_class (GTK_WIDGET (self->account_entry), "error");
  gtk_widget_grab_focus (GTK_WIDGET (self->account_entry));
}

GtkEditable *
kyso_account_row_get_entry (KysoAccountRow *self)
{
  g_return_val_if_fail (KYSO_IS_ACCOUNT_ROW (self), NULL);
  return GTK_EDITABLE (self->account_entry);
}

GtkDropDown *
kyso_account_row_get_dropdown (KysoAccountRow *self)
{
  g_return_val_if_fail (KYSO_IS_ACCOUNT_ROW (self), NULL);
  return self->provider_dropdown;
}
