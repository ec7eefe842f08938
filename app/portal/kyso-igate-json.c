#include "config.h"

#include "kyso-igate-private.h"
#include "kyso-dossier-private.h"
#include "kyso-portal-json.h"
#include "kyso-procedure-private.h"

#include <string.h>

/* iGate sends some relations as an object and others as a list of objects: take the first. */
static JsonObject *
first_object (JsonObject *obj, const char *member)
{
  JsonObject *o = kyso_pj_object (obj, member);

  return o != NULL ? o : kyso_pj_array_object (kyso_pj_array (obj, member), 0);
}

static char *
dup_name (JsonObject *obj, const char *member)
{
  const char *s = kyso_pj_string (obj, member);

  return g_strdup (s != NULL ? s : kyso_pj_string (first_object (obj, member), "name"));
}

static GStrv
dup_types (JsonArray *array)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);
      if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
        {
          /* ".PDF" and "pdf" mean the same. */
          const char *t = json_node_get_string (node);
          g_autofree char *lower = g_ascii_strdown (t[0] == '.' ? t + 1 : t, -1);
          if (*lower != '\0')
            g_strv_builder_add (builder, lower);
        }
    }
  return g_strv_builder_end (builder);
}

KysoProcedure *
kyso_igate_parse_procedure (JsonObject *obj, gboolean details)
{
  KysoProcedure *p;
  JsonObject *time;
  JsonArray *fees, *forms;

  if (kyso_pj_string (obj, "id") == NULL || kyso_pj_string (obj, "name") == NULL)
    return NULL;
  p = kyso_procedure_new ();
  p->id = g_strdup (kyso_pj_string (obj, "id"));
  p->code = g_strdup (kyso_pj_string (obj, "code"));
  p->name = g_strdup (kyso_pj_string (obj, "name"));
  p->sector = dup_name (obj, "sector");
  p->agency = dup_name (obj, "agency");
  p->level = (guint) CLAMP (kyso_pj_int (obj, "level", 0), 0, 4);
  time = kyso_pj_object (obj, "processingTime");
  p->processing_time = g_strdup (kyso_pj_string (time, "text"));
  if (g_strcmp0 (kyso_pj_string (time, "unit"), "day") == 0)
    p->processing_days = (guint) CLAMP (kyso_pj_int (time, "value", 0), 0, 3650);

  fees = kyso_pj_array (obj, "fees");
  for (guint i = 0; fees != NULL && i < json_array_get_length (fees); i++)
    {
      JsonObject *f = kyso_pj_array_object (fees, i);
      if (f != NULL && kyso_pj_string (f, "name") != NULL)
        g_ptr_array_add (p->fees, kyso_fee_new (kyso_pj_string (f, "name"), MAX (0, kyso_pj_int (f, "amount", 0)),
                                                kyso_pj_string (f, "note")));
    }

  forms = kyso_pj_array (obj, "forms");
  for (guint i = 0; forms != NULL && i < json_array_get_length (forms); i++)
    {
      JsonObject *f = kyso_pj_array_object (forms, i);
      KysoProcedureComponent *c;

      if (kyso_pj_string (f, "key") == NULL || kyso_pj_string (f, "name") == NULL)
        continue;
      c = kyso_procedure_component_new ();
      c->key = g_strdup (kyso_pj_string (f, "key"));
      c->name = g_strdup (kyso_pj_string (f, "name"));
      c->originals = (guint) CLAMP (kyso_pj_int (f, "original", 0), 0, 100);
      c->copies = (guint) CLAMP (kyso_pj_int (f, "copy", 0), 0, 100);
      c->required = kyso_pj_bool (f, "required", FALSE);
      c->types = dup_types (kyso_pj_array (f, "fileTypes"));
      c->max_bytes = (guint64) MAX (0, kyso_pj_int (f, "maxSize", 0));
      g_ptr_array_add (p->components, c);
    }
  p->has_details = details;
  return p;
}

KysoPortalFile *
kyso_igate_parse_file (JsonObject *obj)
{
  const char *id = kyso_pj_string (obj, "id");

  if (id == NULL)
    return NULL;
  return kyso_portal_file_new (id, kyso_pj_string (obj, "filename"), (guint64) MAX (0, kyso_pj_int (obj, "size", 0)),
                               kyso_pj_string (obj, "contentType"));
}

KysoDossierStatus *
kyso_igate_parse_dossier (JsonObject *obj)
{
  KysoDossierStatus *s;
  JsonArray *history, *components;

  if (kyso_pj_string (obj, "code") == NULL)
    return NULL;
  s = kyso_dossier_status_new ();
  s->code = g_strdup (kyso_pj_string (obj, "code"));
  s->procedure_id = g_strdup (kyso_pj_string (kyso_pj_object (obj, "procedure"), "id"));
  s->procedure_name = g_strdup (kyso_pj_string (kyso_pj_object (obj, "procedure"), "name"));
  s->status = dup_name (obj, "dossierStatus");
  s->agency = dup_name (obj, "agency");
  s->submitted = kyso_pj_datetime (obj, "appliedDate");
  s->due = kyso_pj_datetime (obj, "appointmentDate");

  history = kyso_pj_array (obj, "history");
  for (guint i = 0; history != NULL && i < json_array_get_length (history); i++)
    {
      JsonObject *h = kyso_pj_array_object (history, i);
      KysoDossierEvent *e;

      if (kyso_pj_string (h, "status") == NULL)
        continue;
      e = g_new0 (KysoDossierEvent, 1);
      e->time = kyso_pj_datetime (h, "time");
      e->status = g_strdup (kyso_pj_string (h, "status"));
      e->note = g_strdup (kyso_pj_string (h, "note"));
      e->agency = dup_name (h, "agency");
      g_ptr_array_add (s->history, e);
    }

  components = kyso_pj_array (obj, "dossierComponent");
  for (guint i = 0; components != NULL && i < json_array_get_length (components); i++)
    {
      JsonObject *c = kyso_pj_array_object (components, i);
      JsonArray *files = kyso_pj_array (c, "file");

      for (guint f = 0; files != NULL && f < json_array_get_length (files); f++)
        {
          KysoPortalFile *file = kyso_igate_parse_file (kyso_pj_array_object (files, f));
          if (file == NULL)
            continue;
          file->component = g_strdup (kyso_pj_string (c, "key"));
          g_ptr_array_add (s->files, file);
        }
    }
  return s;
}

GPtrArray *
kyso_igate_parse_signatures (JsonObject *obj)
{
  GPtrArray *records = g_ptr_array_new_with_free_func ((GDestroyNotify) kyso_signing_record_free);
  JsonArray *array = kyso_pj_array (obj, "signatures");

  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      JsonObject *s = kyso_pj_array_object (array, i);
      KysoSigningRecord *r;

      if (kyso_pj_string (s, "signer") == NULL)
        continue;
      r = g_new0 (KysoSigningRecord, 1);
      r->signer = g_strdup (kyso_pj_string (s, "signer"));
      r->email = g_strdup (kyso_pj_string (s, "email"));
      r->authority = g_strdup (kyso_pj_string (s, "authority"));
      r->time = kyso_pj_datetime (s, "signedAt");
      g_ptr_array_add (records, r);
    }
  return records;
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
add_named (JsonBuilder *b, const char *name, const char *value)
{
  json_builder_set_member_name (b, name);
  json_builder_begin_object (b);
  add_string (b, "name", value);
  json_builder_end_object (b);
}

JsonNode *
kyso_igate_build_application (KysoDossier *dossier, KysoProcedure *procedure)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  KysoApplicant *a = kyso_dossier_get_applicant (dossier);
  GPtrArray *entries = kyso_dossier_get_entries (dossier);
  GPtrArray *components = kyso_procedure_get_components (procedure);
  GPtrArray *fees = kyso_procedure_get_fees (procedure);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "procedure");
  json_builder_begin_object (b);
  add_string (b, "id", kyso_procedure_get_id (procedure));
  add_string (b, "code", kyso_procedure_get_code (procedure));
  json_builder_end_object (b);
  add_string (b, "applyMethod", "online");

  json_builder_set_member_name (b, "applicant");
  json_builder_begin_object (b);
  add_string (b, "fullname", a->full_name);
  add_string (b, "identityNumber", a->id_number);
  add_string (b, "identityDate", a->id_issue_date);
  add_string (b, "identityAgency", a->id_issue_place);
  add_string (b, "birthday", a->birth_date);
  json_builder_set_member_name (b, "gender");
  json_builder_add_int_value (b, a->gender == KYSO_GENDER_MALE ? 1 : a->gender == KYSO_GENDER_FEMALE ? 0 : -1);
  add_named (b, "province", a->province);
  add_named (b, "district", a->district);
  add_named (b, "village", a->ward);
  add_string (b, "address", a->address);
  add_string (b, "phoneNumber", a->phone);
  add_string (b, "email", a->email);
  json_builder_end_object (b);

  json_builder_set_member_name (b, "dossierComponent");
  json_builder_begin_array (b);
  for (guint i = 0; i < components->len; i++)
    {
      KysoProcedureComponent *c = g_ptr_array_index (components, i);
      const char *key = kyso_procedure_component_get_key (c);
      const char *kind = "original";
      gboolean any = FALSE;

      for (guint e = 0; e < entries->len; e++)
        any |= g_strcmp0 (((KysoDossierEntry *) g_ptr_array_index (entries, e))->key, key) == 0;
      if (!any)
        continue;
      json_builder_begin_object (b);
      add_string (b, "key", key);
      add_string (b, "name", kyso_procedure_component_get_name (c));
      json_builder_set_member_name (b, "file");
      json_builder_begin_array (b);
      for (guint e = 0; e < entries->len; e++)
        {
          KysoDossierEntry *entry = g_ptr_array_index (entries, e);
          if (g_strcmp0 (entry->key, key) != 0 || entry->uploaded == NULL)
            continue;
          if (entry->kind == KYSO_COPY_KIND_COPY)
            kind = "copy";
          json_builder_begin_object (b);
          add_string (b, "id", entry->uploaded->id);
          add_string (b, "filename", entry->uploaded->name);
          json_builder_set_member_name (b, "size");
          json_builder_add_int_value (b, (gint64) entry->uploaded->size);
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
      add_string (b, "kind", kind);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);

  json_builder_set_member_name (b, "fee");
  json_builder_begin_array (b);
  for (guint i = 0; i < fees->len; i++)
    {
      KysoFee *fee = g_ptr_array_index (fees, i);
      json_builder_begin_object (b);
      add_string (b, "name", fee->name);
      json_builder_set_member_name (b, "amount");
      json_builder_add_int_value (b, fee->amount);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_set_member_name (b, "feeTotal");
  json_builder_add_int_value (b, kyso_procedure_get_fee_total (procedure));
  json_builder_set_member_name (b, "declaration");
  json_builder_add_boolean_value (b, kyso_dossier_get_declaration (dossier));
  json_builder_end_object (b);
  return json_builder_get_root (b);
}
