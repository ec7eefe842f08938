#include "config.h"

#include "kyso-dossier-private.h"
#include "kyso-error.h"

#include <glib/gi18n-lib.h>

G_DEFINE_FINAL_TYPE (KysoDossier, kyso_dossier, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_DECLARATION,
  PROP_CODE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

void
kyso_dossier_entry_free (KysoDossierEntry *entry)
{
  if (entry == NULL)
    return;
  g_free (entry->key);
  g_free (entry->path);
  g_clear_pointer (&entry->uploaded, kyso_portal_file_free);
  g_free (entry->idempotency_key);
  g_free (entry);
}

static void
kyso_dossier_finalize (GObject *object)
{
  KysoDossier *self = KYSO_DOSSIER (object);

  g_free (self->procedure_id);
  g_free (self->procedure_name);
  g_free (self->draft_id);
  g_free (self->submission_key);
  g_clear_pointer (&self->applicant, kyso_applicant_free);
  g_ptr_array_unref (self->entries);
  g_free (self->code);
  g_free (self->reserved_code);
  g_free (self->code_pattern);
  G_OBJECT_CLASS (kyso_dossier_parent_class)->finalize (object);
}

static void
kyso_dossier_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  KysoDossier *self = KYSO_DOSSIER (object);

  switch (prop_id)
    {
      case PROP_DECLARATION:
        g_value_set_boolean (value, self->declaration);
        break;
      case PROP_CODE:
        g_value_set_string (value, self->code);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kyso_dossier_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  KysoDossier *self = KYSO_DOSSIER (object);

  switch (prop_id)
    {
      case PROP_DECLARATION:
        kyso_dossier_set_declaration (self, g_value_get_boolean (value));
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kyso_dossier_class_init (KysoDossierClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = kyso_dossier_finalize;
  object_class->get_property = kyso_dossier_get_property;
  object_class->set_property = kyso_dossier_set_property;

  properties[PROP_DECLARATION] = g_param_spec_boolean (
    "declaration", NULL, NULL, FALSE, G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_CODE]
    = g_param_spec_string ("code", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
kyso_dossier_init (KysoDossier *self)
{
  self->entries = g_ptr_array_new_with_free_func ((GDestroyNotify)kyso_dossier_entry_free);
  self->applicant = kyso_applicant_new ();
  self->draft_id = g_uuid_string_random ();
  self->submission_key = g_uuid_string_random ();
}

KysoDossier *
kyso_dossier_new_empty (void)
{
  return g_object_new (KYSO_TYPE_DOSSIER, NULL);
}

KysoDossier *
kyso_dossier_new (KysoProcedure *procedure)
{
  KysoDossier *self;

  g_return_val_if_fail (KYSO_IS_PROCEDURE (procedure), NULL);

  self = kyso_dossier_new_empty ();
  self->procedure_id = g_strdup (kyso_procedure_get_id (procedure));
  self->procedure_name = g_strdup (kyso_procedure_get_name (procedure));
  return self;
}

const char *
kyso_dossier_get_procedure_id (KysoDossier *self)
{
  g_return_val_if_fail (KYSO_IS_DOSSIER (self), NULL);
  return self->procedure_id;
}

const char *
kyso_dossier_get_procedure_name (KysoDossier *self)
{
  g_return_val_if_fail (KYSO_IS_DOSSIER (self), NULL);
  return self->procedure_name;
}

const char *
kyso_dossier_get_draft_id (KysoDossier *self)
{
  g_return_val_if_fail (KYSO_IS_DOSSIER (self), NULL);
  return self->draft_id;
}

KysoApplicant *
kyso_dossier_get_applicant (KysoDossier *self)
{
  g_return_val_if_fail (KYSO_IS_DOSSIER (self), NULL);
  return self->applicant;
}

void
kyso_dossier_set_applicant (KysoDossier *self, const KysoApplicant *applicant)
{
  g_return_if_fail (KYSO_IS_DOSSIER (self));
  g_return_if_fail (applicant != NULL);

  if (applicant == self->applicant)
    return;
  g_clear_pointer (&self->applicant, kyso_applicant_free);
  self->applicant = kyso_applicant_copy (applicant);
}

GPtrArray *
kyso_dossier_get_entries (KysoDossier *self)
{
  g_return_val_if_fail (KYSO_IS_DOSSIER (self), NULL);
  return self->entries;
}

KysoDossierEntry *
kyso_dossier_add_file (KysoDossier *self, const char *key, const char *path, KysoCopyKind kind)
{
  KysoDossierEntry *entry;

  g_return_val_if_fail (KYSO_IS_DOSSIER (self), NULL);
  g_return_val_if_fail (key != NULL && path != NULL, NULL);

  entry = g_new0 (KysoDossierEntry, 1);
  entry->key = g_strdup (key);
  /* Drafts are resumed from elsewhere (another working directory): keep absolute paths. */
  entry->path = g_canonicalize_filename (path, NULL);
  entry->kind = kind;
  entry->idempotency_key = g_uuid_string_random ();
  g_ptr_array_add (self->entries, entry);
  return entry;
}

guint
kyso_dossier_remove_files (KysoDossier *self, const char *key)
{
  guint removed = 0;

  g_return_val_if_fail (KYSO_IS_DOSSIER (self), 0);

  for (guint i = self->entries->len; i > 0; i--)
    {
      KysoDossierEntry *entry = g_ptr_array_index (self->entries, i - 1);
      if (g_strcmp0 (entry->key, key) == 0)
        {
          g_ptr_array_remove_index (self->entries, i - 1);
          removed++;
        }
    }
  return removed;
}

gboolean
kyso_dossier_get_declaration (KysoDossier *self)
{
  g_return_val_if_fail (KYSO_IS_DOSSIER (self), FALSE);
  return self->declaration;
}

void
kyso_dossier_set_declaration (KysoDossier *self, gboolean accepted)
{
  g_return_if_fail (KYSO_IS_DOSSIER (self));

  accepted = !!accepted;
  if (self->declaration == accepted)
    return;
  self->declaration = accepted;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DECLARATION]);
}

const char *
kyso_dossier_get_code (KysoDossier *self)
{
  g_return_val_if_fail (KYSO_IS_DOSSIER (self), NULL);
  return self->code;
}

void
kyso_dossier_set_code (KysoDossier *self, const char *code)
{
  if (g_strcmp0 (self->code, code) == 0)
    return;
  g_free (self->code);
  self->code = g_strdup (code);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CODE]);
}

const char *
kyso_dossier_get_submission_key (KysoDossier *self)
{
  g_return_val_if_fail (KYSO_IS_DOSSIER (self), NULL);
  return self->submission_key;
}

static gboolean
fail_field (const char **out_field, const char *field)
{
  if (out_field != NULL)
    *out_field = field;
  return FALSE;
}

gboolean
kyso_dossier_validate (KysoDossier *self, KysoProcedure *procedure, const char **out_field, GError **error)
{
  GPtrArray *components;

  g_return_val_if_fail (KYSO_IS_DOSSIER (self), FALSE);
  g_return_val_if_fail (KYSO_IS_PROCEDURE (procedure), FALSE);

  if (g_strcmp0 (self->procedure_id, kyso_procedure_get_id (procedure)) != 0)
    {
      g_set_error_literal (error, KYSO_ERROR, KYSO_ERROR_INVALID_INPUT,
                           _ ("This dossier was prepared for another procedure."));
      return fail_field (out_field, "procedure");
    }
  if (!kyso_applicant_validate (self->applicant, out_field, error))
    return FALSE;

  components = kyso_procedure_get_components (procedure);
  for (guint i = 0; i < self->entries->len; i++)
    {
      KysoDossierEntry *entry = g_ptr_array_index (self->entries, i);
      KysoProcedureComponent *c = kyso_procedure_find_component (procedure, entry->key);

      if (c == NULL)
        {
          g_set_error (error, KYSO_ERROR, KYSO_ERROR_INVALID_INPUT,
                       _ ("This procedure has no component “%s”."), entry->key);
          return fail_field (out_field, "component");
        }
      if (entry->uploaded == NULL && !kyso_procedure_component_check_file (c, entry->path, NULL, error))
        {
          if (out_field != NULL)
            *out_field = kyso_procedure_component_get_key (c);
          return FALSE;
        }
    }
  for (guint i = 0; i < components->len; i++)
    {
      KysoProcedureComponent *c = g_ptr_array_index (components, i);
      gboolean present = FALSE;

      for (guint e = 0; e < self->entries->len && !present; e++)
        present = g_strcmp0 (((KysoDossierEntry *)g_ptr_array_index (self->entries, e))->key,
                             kyso_procedure_component_get_key (c))
                  == 0;
      if (kyso_procedure_component_get_required (c) && !present)
        {
          g_set_error (error, KYSO_ERROR, KYSO_ERROR_INVALID_INPUT,
                       /* Translators: %s is the name of a dossier component */
                       _ ("Attach a file for “%s”: the procedure requires it."),
                          kyso_procedure_component_get_name (c));
          if (out_field != NULL)
            *out_field = kyso_procedure_component_get_key (c);
          return FALSE;
        }
    }
  if (!self->declaration)
    {
      g_set_error_literal (error, KYSO_ERROR, KYSO_ERROR_INVALID_INPUT,
                           _ ("Tick the declaration that the information given is true before submitting."));
      return fail_field (out_field, "declaration");
    }
  return TRUE;
}
