#include "config.h"

#include "kyso-portal-records.h"

G_DEFINE_BOXED_TYPE (KysoPortalFile, kyso_portal_file, kyso_portal_file_copy, kyso_portal_file_free)
G_DEFINE_BOXED_TYPE (KysoDossierEvent, kyso_dossier_event, kyso_dossier_event_copy, kyso_dossier_event_free)
G_DEFINE_BOXED_TYPE (KysoDossierStatus, kyso_dossier_status, kyso_dossier_status_copy,
                     kyso_dossier_status_free)
G_DEFINE_BOXED_TYPE (KysoSigningRecord, kyso_signing_record, kyso_signing_record_copy,
                     kyso_signing_record_free)

KysoPortalFile *
kyso_portal_file_new (const char *id, const char *name, guint64 size, const char *content_type)
{
  KysoPortalFile *self = g_new0 (KysoPortalFile, 1);

  self->id = g_strdup (id);
  self->name = g_strdup (name);
  self->size = size;
  self->content_type = g_strdup (content_type);
  return self;
}

KysoPortalFile *
kyso_portal_file_copy (const KysoPortalFile *self)
{
  KysoPortalFile *copy = kyso_portal_file_new (self->id, self->name, self->size, self->content_type);

  copy->component = g_strdup (self->component);
  return copy;
}

void
kyso_portal_file_free (KysoPortalFile *self)
{
  if (self == NULL)
    return;
  g_free (self->id);
  g_free (self->name);
  g_free (self->content_type);
  g_free (self->component);
  g_free (self);
}

static GDateTime *
ref_time (GDateTime *t)
{
  return t != NULL ? g_date_time_ref (t) : NULL;
}

KysoDossierEvent *
kyso_dossier_event_copy (const KysoDossierEvent *self)
{
  KysoDossierEvent *copy = g_new0 (KysoDossierEvent, 1);

  copy->time = ref_time (self->time);
  copy->status = g_strdup (self->status);
  copy->note = g_strdup (self->note);
  copy->agency = g_strdup (self->agency);
  return copy;
}

void
kyso_dossier_event_free (KysoDossierEvent *self)
{
  if (self == NULL)
    return;
  g_clear_pointer (&self->time, g_date_time_unref);
  g_free (self->status);
  g_free (self->note);
  g_free (self->agency);
  g_free (self);
}

KysoDossierStatus *
kyso_dossier_status_new (void)
{
  KysoDossierStatus *self = g_new0 (KysoDossierStatus, 1);

  self->history = g_ptr_array_new_with_free_func ((GDestroyNotify)kyso_dossier_event_free);
  self->files = g_ptr_array_new_with_free_func ((GDestroyNotify)kyso_portal_file_free);
  return self;
}

KysoDossierStatus *
kyso_dossier_status_copy (const KysoDossierStatus *self)
{
  KysoDossierStatus *copy = kyso_dossier_status_new ();

  copy->code = g_strdup (self->code);
  copy->procedure_id = g_strdup (self->procedure_id);
  copy->procedure_name = g_strdup (self->procedure_name);
  copy->status = g_strdup (self->status);
  copy->agency = g_strdup (self->agency);
  copy->submitted = ref_time (self->submitted);
  copy->due = ref_time (self->due);
  for (guint i = 0; i < self->history->len; i++)
    g_ptr_array_add (copy->history, kyso_dossier_event_copy (g_ptr_array_index (self->history, i)));
  for (guint i = 0; i < self->files->len; i++)
    g_ptr_array_add (copy->files, kyso_portal_file_copy (g_ptr_array_index (self->files, i)));
  return copy;
}

void
kyso_dossier_status_free (KysoDossierStatus *self)
{
  if (self == NULL)
    return;
  g_free (self->code);
  g_free (self->procedure_id);
  g_free (self->procedure_name);
  g_free (self->status);
  g_free (self->agency);
  g_clear_pointer (&self->submitted, g_date_time_unref);
  g_clear_pointer (&self->due, g_date_time_unref);
  g_ptr_array_unref (self->history);
  g_ptr_array_unref (self->files);
  g_free (self);
}

static void
add_string (JsonBuilder *b, const char *name, const char *value)
{
  json_builder_set_member_name (b, name);
  if (value != NULL)
    json_builder_add_string_value (b, value);
  else
    json_builder_add_null_value (b);
}

static void
add_time (JsonBuilder *b, const char *name, GDateTime *value)
{
  g_autofree char *text = value != NULL ? g_date_time_format_iso8601 (value) : NULL;

  add_string (b, name, text);
}

JsonNode *
kyso_dossier_status_to_json (const KysoDossierStatus *self)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();

  g_return_val_if_fail (self != NULL, NULL);

  json_builder_begin_object (b);
  add_string (b, "code", self->code);
  add_string (b, "status", self->status);
  add_string (b, "procedure", self->procedure_name);
  add_string (b, "procedure_id", self->procedure_id);
  add_string (b, "agency", self->agency);
  add_time (b, "submitted", self->submitted);
  add_time (b, "due", self->due);
  json_builder_set_member_name (b, "history");
  json_builder_begin_array (b);
  for (guint i = 0; i < self->history->len; i++)
    {
      KysoDossierEvent *e = g_ptr_array_index (self->history, i);
      json_builder_begin_object (b);
      add_time (b, "time", e->time);
      add_string (b, "status", e->status);
      add_string (b, "note", e->note);
      add_string (b, "agency", e->agency);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_set_member_name (b, "files");
  json_builder_begin_array (b);
  for (guint i = 0; i < self->files->len; i++)
    {
      KysoPortalFile *f = g_ptr_array_index (self->files, i);
      json_builder_begin_object (b);
      add_string (b, "id", f->id);
      add_string (b, "name", f->name);
      json_builder_set_member_name (b, "size");
      json_builder_add_int_value (b, (gint64)f->size);
      add_string (b, "component", f->component);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

KysoSigningRecord *
kyso_signing_record_copy (const KysoSigningRecord *self)
{
  KysoSigningRecord *copy = g_new0 (KysoSigningRecord, 1);

  copy->signer = g_strdup (self->signer);
  copy->email = g_strdup (self->email);
  copy->authority = g_strdup (self->authority);
  copy->time = ref_time (self->time);
  return copy;
}

void
kyso_signing_record_free (KysoSigningRecord *self)
{
  if (self == NULL)
    return;
  g_free (self->signer);
  g_free (self->email);
  g_free (self->authority);
  g_clear_pointer (&self->time, g_date_time_unref);
  g_free (self);
}

G_DEFINE_BOXED_TYPE (KysoPlace, kyso_place, kyso_place_copy, kyso_place_free)

KysoPlace *
kyso_place_new (const char *id, const char *name)
{
  KysoPlace *self = g_new0 (KysoPlace, 1);

  self->id = g_strdup (id);
  self->name = g_strdup (name);
  return self;
}

KysoPlace *
kyso_place_copy (const KysoPlace *self)
{
  return kyso_place_new (self->id, self->name);
}

void
kyso_place_free (KysoPlace *self)
{
  if (self == NULL)
    return;
  g_free (self->id);
  g_free (self->name);
  g_free (self);
}
