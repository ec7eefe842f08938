#include "config.h"

#include "kyso-dossier-applicant.h"

#include <glib/gi18n-lib.h>
#include <stddef.h>
#include <stdio.h>

struct _KysoDossierApplicant
{
  AdwBin parent_instance;

  char *marked;     /* the first marked field */
  GPtrArray *marks; /* every marked field (names) */

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
static const struct
{
  const char *name;
  gsize row_offset;
  gsize value_offset;
  gboolean date;
} fields[] = {
  { "full_name", G_STRUCT_OFFSET (KysoDossierApplicant, full_name_row),
    G_STRUCT_OFFSET (KysoApplicant, full_name) },
  { "birth_date", G_STRUCT_OFFSET (KysoDossierApplicant, birth_date_row),
    G_STRUCT_OFFSET (KysoApplicant, birth_date), TRUE },
  { "id_number", G_STRUCT_OFFSET (KysoDossierApplicant, id_number_row),
    G_STRUCT_OFFSET (KysoApplicant, id_number) },
  { "id_issue_date", G_STRUCT_OFFSET (KysoDossierApplicant, id_issue_date_row),
    G_STRUCT_OFFSET (KysoApplicant, id_issue_date), TRUE },
  { "id_issue_place", G_STRUCT_OFFSET (KysoDossierApplicant, id_issue_place_row),
    G_STRUCT_OFFSET (KysoApplicant, id_issue_place) },
  { "province", G_STRUCT_OFFSET (KysoDossierApplicant, province_row),
    G_STRUCT_OFFSET (KysoApplicant, province) },
  { "district", G_STRUCT_OFFSET (KysoDossierApplicant, district_row),
    G_STRUCT_OFFSET (KysoApplicant, district) },
  { "ward", G_STRUCT_OFFSET (KysoDossierApplicant, ward_row), G_STRUCT_OFFSET (KysoApplicant, ward) },
  { "address", G_STRUCT_OFFSET (KysoDossierApplicant, address_row),
    G_STRUCT_OFFSET (KysoApplicant, address) },
  { "phone", G_STRUCT_OFFSET (KysoDossierApplicant, phone_row), G_STRUCT_OFFSET (KysoApplicant, phone) },
  { "email", G_STRUCT_OFFSET (KysoDossierApplicant, email_row), G_STRUCT_OFFSET (KysoApplicant, email) },
};

#define ROW(self, i) (*(GtkWidget **)G_STRUCT_MEMBER_P (self, fields[i].row_offset))
#define VALUE(applicant, i) (*(char **)G_STRUCT_MEMBER_P (applicant, fields[i].value_offset))

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

  if (text == NULL
      || (sscanf (text, "%d/%d/%d", &d, &m, &y) != 3 && sscanf (text, "%d-%d-%d", &d, &m, &y) != 3)
      || y < 1000)
    return g_strdup (text);
  check = g_date_time_new_utc (y, m, d, 0, 0, 0);
  if (check == NULL)
    return g_strdup (text);
  return g_strdup_printf ("%04d-%02d-%02d", y, m, d);
}

enum
{
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
entry_changed_cb (KysoDossierApplicant *self)
{
  g_signal_emit (self, signals[CHANGED], 0);
}

/* The form's order, top to bottom: problems are said in it. */
static const char *const form_order[] = {
  "full_name", "birth_date", "gender", "id_number", "id_issue_date", "id_issue_place",
  "province",  "district",   "ward",   "address",   "phone",         "email",
};

static guint
form_index (const char *field)
{
  for (guint i = 0; i < G_N_ELEMENTS (form_order); i++)
    if (g_strcmp0 (form_order[i], field) == 0)
      return i;
  return G_N_ELEMENTS (form_order);
}

typedef struct
{
  const char *field;
  char *message;
} Problem;

static void
problem_free (gpointer data)
{
  Problem *p = data;

  g_free (p->message);
  g_free (p);
}

static int
problem_compare (gconstpointer a, gconstpointer b)
{
  const Problem *pa = *(Problem *const *)a, *pb = *(Problem *const *)b;

  return (int)form_index (pa->field) - (int)form_index (pb->field);
}

/* Every problem of @applicant: the record's own check says one at a time, so each field it
 * names is set to an acceptable value and the check runs again. */
static GPtrArray *
find_problems (const KysoApplicant *applicant)
{
  g_autoptr(KysoApplicant) copy = kyso_applicant_copy (applicant);
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  GPtrArray *problems = g_ptr_array_new_with_free_func (problem_free);
  const char *field = NULL;

  for (guint round = 0; round < 2 * G_N_ELEMENTS (form_order); round++)
    {
      g_autoptr(GError) error = NULL;
      Problem *p;
      char **value = NULL;

      if (kyso_applicant_validate (copy, &field, &error))
        break;
      for (guint i = 0; i < problems->len; i++)
        if (g_strcmp0 (((Problem *)problems->pdata[i])->field, field) == 0)
          return problems; /* no acceptable value known: what is found so far */
      p = g_new0 (Problem, 1);
      p->field = form_order[MIN (form_index (field), G_N_ELEMENTS (form_order) - 1)];
      p->message = g_strdup (error->message);
      g_ptr_array_add (problems, p);

      if (g_strcmp0 (field, "gender") == 0)
        {
          copy->gender = KYSO_GENDER_MALE;
          continue;
        }
      for (gsize i = 0; i < G_N_ELEMENTS (fields); i++)
        if (g_strcmp0 (fields[i].name, field) == 0)
          value = &VALUE (copy, i);
      if (value == NULL)
        break;
      g_free (*value);
      if (g_str_equal (field, "birth_date"))
        *value = g_strdup ("1990-01-01");
      else if (g_str_equal (field, "id_issue_date"))
        *value = g_date_time_format (now, "%Y-%m-%d");
      else if (g_str_equal (field, "id_number"))
        *value = g_strdup ("001090000000");
      else if (g_str_equal (field, "phone"))
        *value = g_strdup ("0912345678");
      else if (g_str_equal (field, "email"))
        *value = NULL;
      else
        *value = g_strdup ("-");
    }
  g_ptr_array_sort (problems, problem_compare);
  return problems;
}

static GtkWidget *
field_row (KysoDossierApplicant *self, const char *field)
{
  if (g_strcmp0 (field, "gender") == 0)
    return GTK_WIDGET (self->gender_row);
  for (gsize i = 0; i < G_N_ELEMENTS (fields); i++)
    if (g_strcmp0 (fields[i].name, field) == 0)
      return ROW (self, i);
  return NULL;
}

/* Marks the fields of @problems (and only those); focuses the first when @focus. */
static void
mark_problems (KysoDossierApplicant *self, GPtrArray *problems, gboolean focus)
{
  for (guint i = 0; i < G_N_ELEMENTS (form_order); i++)
    gtk_widget_remove_css_class (field_row (self, form_order[i]), "error");
  g_ptr_array_set_size (self->marks, 0);
  for (guint i = 0; problems != NULL && i < problems->len; i++)
    {
      Problem *p = problems->pdata[i];
      gtk_widget_add_css_class (field_row (self, p->field), "error");
      g_ptr_array_add (self->marks, g_strdup (p->field));
    }
  g_free (self->marked);
  self->marked = self->marks->len > 0 ? g_strdup (self->marks->pdata[0]) : NULL;
  if (focus && self->marked != NULL)
    gtk_widget_grab_focus (field_row (self, self->marked));
}

static char *
problems_message (GPtrArray *problems)
{
  g_autoptr(GString) text = g_string_new (NULL);

  if (problems->len == 0)
    return NULL;
  for (guint i = 0; i < problems->len; i++)
    {
      if (i > 0)
        g_string_append_c (text, '\n');
      /* More than one problem: a list, in the order of the form. */
      g_string_append_printf (text, problems->len > 1 ? "• %s" : "%s",
                              ((Problem *)problems->pdata[i])->message);
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

char *
kyso_dossier_applicant_check (KysoDossierApplicant *self)
{
  g_autoptr(KysoApplicant) applicant = NULL;
  g_autoptr(GPtrArray) problems = NULL;

  g_return_val_if_fail (KYSO_IS_DOSSIER_APPLICANT (self), NULL);
  applicant = kyso_dossier_applicant_get (self);
  problems = find_problems (applicant);
  mark_problems (self, problems, TRUE);
  return problems_message (problems);
}

char *
kyso_dossier_applicant_recheck (KysoDossierApplicant *self)
{
  g_autoptr(KysoApplicant) applicant = NULL;
  g_autoptr(GPtrArray) problems = NULL;

  g_return_val_if_fail (KYSO_IS_DOSSIER_APPLICANT (self), NULL);
  if (self->marks->len == 0)
    return NULL;
  applicant = kyso_dossier_applicant_get (self);
  problems = find_problems (applicant);
  /* Only fields marked already stay marked: nothing new lights up while typing. */
  for (guint i = problems->len; i > 0; i--)
    {
      Problem *p = problems->pdata[i - 1];
      gboolean was = FALSE;

      for (guint m = 0; m < self->marks->len && !was; m++)
        was = g_str_equal (self->marks->pdata[m], p->field);
      if (!was)
        g_ptr_array_remove_index (problems, i - 1);
    }
  mark_problems (self, problems, FALSE);
  return problems_message (problems);
}

static void
kyso_dossier_applicant_finalize (GObject *object)
{
  g_free (KYSO_DOSSIER_APPLICANT (object)->marked);
  g_ptr_array_unref (KYSO_DOSSIER_APPLICANT (object)->marks);
  G_OBJECT_CLASS (kyso_dossier_applicant_parent_class)->finalize (object);
}

static void
kyso_dossier_applicant_class_init (KysoDossierApplicantClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->finalize = kyso_dossier_applicant_finalize;

  /* Anything typed or chosen. */
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                                   NULL, G_TYPE_NONE, 0);

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
  self->marks = g_ptr_array_new_with_free_func (g_free);
  g_signal_connect_swapped (self->gender_row, "notify::selected", G_CALLBACK (entry_changed_cb), self);
}

void
kyso_dossier_applicant_set (KysoDossierApplicant *self, const KysoApplicant *applicant)
{
  g_return_if_fail (KYSO_IS_DOSSIER_APPLICANT (self));
  g_return_if_fail (applicant != NULL);

  for (gsize i = 0; i < G_N_ELEMENTS (fields); i++)
    {
      const char *value = VALUE (applicant, i);
      g_autofree char *text
        = fields[i].date ? date_for_people (value) : g_strdup (value != NULL ? value : "");
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
kyso_dossier_applicant_mark_field (KysoDossierApplicant *self, const char *field)
{
  g_return_if_fail (KYSO_IS_DOSSIER_APPLICANT (self));

  g_free (self->marked);
  self->marked = g_strdup (field);
  g_ptr_array_set_size (self->marks, 0);
  if (field != NULL)
    g_ptr_array_add (self->marks, g_strdup (field));
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
kyso_dossier_applicant_set_field (KysoDossierApplicant *self, const char *field, const char *text)
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
