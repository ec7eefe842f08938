#include "config.h"

#include "kyso-dossier-applicant.h"

#include <glib/gi18n-lib.h>
#include <stddef.h>
#include <stdio.h>

struct _KysoDossierApplicant
{
  AdwBin parent_instance;

  char *marked;

  AdwEntryRow *full_name_row;
  AdwEntryRow *birth_date_row;
  AdwComboRow *gender_row;
  AdwEntryRow *id_number_row;
  AdwEntryRow *id_issue_date_row;
  AdwEntryRow *id_issue_place_row;
  AdwEntryRow *province_row;
  AdwEntryRow *district_row;
  AdwEntryRow *ward_row;
  AdwEntryRow *address_row;
  AdwEntryRow *phone_row;
  AdwEntryRow *email_row;
};

G_DEFINE_FINAL_TYPE (KysoDossierApplicant, kyso_dossier_applicant, ADW_TYPE_BIN)

/* Each text field: its name in KysoApplicant (and in validation errors), where the row is, where
 * the value is, and whether it is a date (shown DD/MM/YYYY, kept YYYY-MM-DD). */
static const struct {
  const char *name;
  gsize row_offset;
  gsize value_offset;
  gboolean date;
} fields[] = {
  { "full_name", G_STRUCT_OFFSET (KysoDossierApplicant, full_name_row), G_STRUCT_OFFSET (KysoApplicant, full_name) },
  { "birth_date", G_STRUCT_OFFSET (KysoDossierApplicant, birth_date_row), G_STRUCT_OFFSET (KysoApplicant, birth_date),
    TRUE },
  { "id_number", G_STRUCT_OFFSET (KysoDossierApplicant, id_number_row), G_STRUCT_OFFSET (KysoApplicant, id_number) },
  { "id_issue_date", G_STRUCT_OFFSET (KysoDossierApplicant, id_issue_date_row),
    G_STRUCT_OFFSET (KysoApplicant, id_issue_date), TRUE },
  { "id_issue_place", G_STRUCT_OFFSET (KysoDossierApplicant, id_issue_place_row),
    G_STRUCT_OFFSET (KysoApplicant, id_issue_place) },
  { "province", G_STRUCT_OFFSET (KysoDossierApplicant, province_row), G_STRUCT_OFFSET (KysoApplicant, province) },
  { "district", G_STRUCT_OFFSET (KysoDossierApplicant, district_row), G_STRUCT_OFFSET (KysoApplicant, district) },
  { "ward", G_STRUCT_OFFSET (KysoDossierApplicant, ward_row), G_STRUCT_OFFSET (KysoApplicant, ward) },
  { "address", G_STRUCT_OFFSET (KysoDossierApplicant, address_row), G_STRUCT_OFFSET (KysoApplicant, address) },
  { "phone", G_STRUCT_OFFSET (KysoDossierApplicant, phone_row), G_STRUCT_OFFSET (KysoApplicant, phone) },
  { "email", G_STRUCT_OFFSET (KysoDossierApplicant, email_row), G_STRUCT_OFFSET (KysoApplicant, email) },
};

#define ROW(self, i) (*(GtkWidget **) G_STRUCT_MEMBER_P (self, fields[i].row_offset))
#define VALUE(applicant, i) (*(char **) G_STRUCT_MEMBER_P (applicant, fields[i].value_offset))

/* "2000-03-15" → "15/03/2000"; anything else as it is. */
static char *
date_for_people (const char *iso)
{
  int y, m, d;

  if (iso != NULL && sscanf (iso, "%4d-%2d-%2d", &y, &m, &d) == 3)
    return g_strdup_printf ("%02d/%02d/%04d", d, m, y);
  return g_strdup (iso != NULL ? iso : "");
}

/* "15/3/2000" or "15-03-2000" → "2000-03-15" when it is a real date; else as typed (the
 * validation then names the field). */
static char *
date_for_record (const char *text)
{
  int d, m, y;
  g_autoptr(GDateTime) check = NULL;

  if (text == NULL || (sscanf (text, "%d/%d/%d", &d, &m, &y) != 3 && sscanf (text, "%d-%d-%d", &d, &m, &y) != 3)
      || y < 1000)
    return g_strdup (text);
  check = g_date_time_new_utc (y, m, d, 0, 0, 0);
  if (check == NULL)
    return g_strdup (text);
  return g_strdup_printf ("%04d-%02d-%02d", y, m, d);
}

static void
entry_changed_cb (KysoDossierApplicant *self)
{
  /* Typing into the marked field takes the mark away. */
  if (self->marked != NULL)
    kyso_dossier_applicant_mark_field (self, NULL);
}

static void
kyso_dossier_applicant_finalize (GObject *object)
{
  g_free (KYSO_DOSSIER_APPLICANT (object)->marked);
  G_OBJECT_CLASS (kyso_dossier_applicant_parent_class)->finalize (object);
}

static void
kyso_dossier_applicant_class_init (KysoDossierApplicantClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->finalize = kyso_dossier_applicant_finalize;

  gtk_widget_class_set_template_from_resource (widget_class, "/vn/kyso/Kyso/ui/kyso-dossier-applicant.ui");
  gtk_widget_class_bind_template_child (widget_class, KysoDossierApplicant, full_name_row);
  gtk_widget_class_bind_template_child (widget_class, KysoDossierApplicant, birth_date_row);
  gtk_widget_class_bind_template_child (widget_class, KysoDossierApplicant, gender_row);
  gtk_widget_class_bind_template_child (widget_class, KysoDossierApplicant, id_number_row);
  gtk_widget_class_bind_template_child (widget_class, KysoDossierApplicant, id_issue_date_row);
  gtk_widget_class_bind_template_child (widget_class, KysoDossierApplicant, id_issue_place_row);
  gtk_widget_class_bind_template_child (widget_class, KysoDossierApplicant, province_row);
  gtk_widget_class_bind_template_child (widget_class, KysoDossierApplicant, district_row);
  gtk_widget_class_bind_template_child (widget_class, KysoDossierApplicant, ward_row);
  gtk_widget_class_bind_template_child (widget_class, KysoDossierApplicant, address_row);
  gtk_widget_class_bind_template_child (widget_class, KysoDossierApplicant, phone_row);
  gtk_widget_class_bind_template_child (widget_class, KysoDossierApplicant, email_row);
  gtk_widget_class_bind_template_callback (widget_class, entry_changed_cb);
}

static void
kyso_dossier_applicant_init (KysoDossierApplicant *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

void
kyso_dossier_applicant_set (KysoDossierApplicant *self,
                            const KysoApplicant  *applicant)
{
  g_return_if_fail (KYSO_IS_DOSSIER_APPLICANT (self));
  g_return_if_fail (applicant != NULL);

  for (gsize i = 0; i < G_N_ELEMENTS (fields); i++)
    {
      const char *value = VALUE (applicant, i);
      g_autofree char *text = fields[i].date ? date_for_people (value) : g_strdup (value != NULL ? value : "");
      gtk_editable_set_text (GTK_EDITABLE (ROW (self, i)), text);
    }
  adw_combo_row_set_selected (self->gender_row, applicant->gender == KYSO_GENDER_MALE     ? 1
                                                : applicant->gender == KYSO_GENDER_FEMALE ? 2
                                                                                          : 0);
  kyso_dossier_applicant_mark_field (self, NULL);
}

KysoApplicant *
kyso_dossier_applicant_get (KysoDossierApplicant *self)
{
  KysoApplicant *applicant;
  guint gender;

  g_return_val_if_fail (KYSO_IS_DOSSIER_APPLICANT (self), NULL);

  applicant = kyso_applicant_new ();
  for (gsize i = 0; i < G_N_ELEMENTS (fields); i++)
    {
      g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (ROW (self, i)))));
      if (*text == '\0')
        continue;
      VALUE (applicant, i) = fields[i].date ? date_for_record (text) : g_steal_pointer (&text);
    }
  gender = adw_combo_row_get_selected (self->gender_row);
  applicant->gender = gender == 1 ? KYSO_GENDER_MALE : gender == 2 ? KYSO_GENDER_FEMALE : KYSO_GENDER_UNKNOWN;
  return applicant;
}

void
kyso_dossier_applicant_mark_field (KysoDossierApplicant *self,
                                   const char           *field)
{
  g_return_if_fail (KYSO_IS_DOSSIER_APPLICANT (self));

  g_free (self->marked);
  self->marked = g_strdup (field);
  for (gsize i = 0; i < G_N_ELEMENTS (fields); i++)
    {
      GtkWidget *row = ROW (self, i);
      if (g_strcmp0 (fields[i].name, field) == 0)
        {
          gtk_widget_add_css_class (row, "error");
          gtk_widget_grab_focus (row);
        }
      else
        gtk_widget_remove_css_class (row, "error");
    }
  if (g_strcmp0 (field, "gender") == 0)
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->gender_row), "error");
      gtk_widget_grab_focus (GTK_WIDGET (self->gender_row));
    }
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->gender_row), "error");
}

const char *
kyso_dossier_applicant_get_marked (KysoDossierApplicant *self)
{
  g_return_val_if_fail (KYSO_IS_DOSSIER_APPLICANT (self), NULL);
  return self->marked;
}

void
kyso_dossier_applicant_set_field (KysoDossierApplicant *self,
                                  const char           *field,
                                  const char           *text)
{
  g_return_if_fail (KYSO_IS_DOSSIER_APPLICANT (self));

  if (g_strcmp0 (field, "gender") == 0)
    {
      adw_combo_row_set_selected (self->gender_row, g_strcmp0 (text, "male") == 0     ? 1
                                                    : g_strcmp0 (text, "female") == 0 ? 2
                                                                                      : 0);
      return;
    }
  for (gsize i = 0; i < G_N_ELEMENTS (fields); i++)
    if (g_strcmp0 (fields[i].name, field) == 0)
      gtk_editable_set_text (GTK_EDITABLE (ROW (self, i)), text != NULL ? text : "");
}
