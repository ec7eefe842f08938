#include "config.h"

#include "kyso-igate-private.h"
#include "kyso-dossier-private.h"
#include "kyso-portal-json.h"
#include "kyso-procedure-private.h"

#include <glib/gi18n-lib.h>
#include <stdio.h>
#include <string.h>

/* iGate's language ids in "translate"/"name" lists (REAL-SERVICES.md §5). */
#define LANGUAGE_VI 228

JsonArray *
kyso_igate_list_items (JsonNode *answer)
{
  if (answer == NULL)
    return NULL;
  if (JSON_NODE_HOLDS_ARRAY (answer))
    return json_node_get_array (answer);
  if (JSON_NODE_HOLDS_OBJECT (answer))
    return kyso_pj_array (json_node_get_object (answer), "content");
  return NULL;
}

/* iGate sends some relations as an object and others as a list of objects: take the first. */
static JsonObject *
first_object (JsonObject *obj, const char *member)
{
  JsonObject *o = kyso_pj_object (obj, member);

  return o != NULL ? o : kyso_pj_array_object (kyso_pj_array (obj, member), 0);
}

/* A name as iGate writes it: a string, or a list of {languageId, name} (Vietnamese first). */
static const char *
name_of (JsonObject *obj, const char *member)
{
  const char *s = kyso_pj_string (obj, member);
  JsonArray *list = kyso_pj_array (obj, member);
  const char *any = NULL;

  if (s != NULL)
    return s;
  for (guint i = 0; list != NULL && i < json_array_get_length (list); i++)
    {
      JsonObject *entry = kyso_pj_array_object (list, i);
      const char *n = kyso_pj_string (entry, "name");

      if (n != NULL && kyso_pj_int (entry, "languageId", 0) == LANGUAGE_VI)
        return n;
      if (any == NULL)
        any = n;
    }
  return any;
}

static JsonObject *
portal_data (JsonNode *node)
{
  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

static void
keep (JsonNode **data, const char *member, JsonObject *obj)
{
  if (*data == NULL)
    *data = json_node_init_object (json_node_alloc (), json_object_new ());
  if (obj != NULL)
    json_object_set_object_member (json_node_get_object (*data), member, json_object_ref (obj));
}

/* "Mức độ 4" → 4; a number as such. */
static guint
level_of (JsonObject *obj)
{
  const char *name = name_of (kyso_pj_object (obj, "level"), "name");
  gint64 n = kyso_pj_int (obj, "level", 0);

  for (const char *p = name; p != NULL && *p != '\0'; p++)
    if (g_ascii_isdigit (*p))
      {
        n = *p - '0';
        break;
      }
  return (guint)CLAMP (n, 0, 4);
}

KysoProcedure *
kyso_igate_parse_procedure (JsonObject *obj)
{
  KysoProcedure *p;
  JsonObject *sector, *agency;
  const char *name = name_of (obj, "name");

  if (name == NULL)
    name = name_of (obj, "translate");
  if (kyso_pj_string (obj, "id") == NULL || name == NULL)
    return NULL;
  sector = kyso_pj_object (obj, "sector");
  agency = first_object (obj, "agency");
  p = kyso_procedure_new ();
  p->id = g_strdup (kyso_pj_string (obj, "id"));
  /* The national code ("1.001612") is the one citizens know; the portal's own ("1.001612.000.00.00.H48")
   * asks for the dossier code. */
  p->code = g_strdup (kyso_pj_string (obj, "nationCode") != NULL ? kyso_pj_string (obj, "nationCode")
                                                                 : kyso_pj_string (obj, "code"));
  p->name = g_strdup (name);
  p->sector = g_strdup (name_of (sector, "name"));
  p->agency = g_strdup (name_of (agency, "name"));
  p->level = level_of (obj);
  keep (&p->portal_data, "procedure", obj);
  return p;
}

static KysoProcedureComponent *
parse_form (JsonObject *item)
{
  KysoProcedureComponent *c;
  JsonObject *form = kyso_pj_object (item, "form");
  JsonArray *detail = kyso_pj_array (item, "detail");
  JsonArray *types = kyso_pj_array (item, "fileTypes");
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();

  if (kyso_pj_string (item, "id") == NULL || kyso_pj_string (form, "id") == NULL
      || name_of (form, "name") == NULL)
    return NULL;
  c = kyso_procedure_component_new ();
  c->key = g_strdup (kyso_pj_string (item, "id"));
  c->name = g_strdup (name_of (form, "name"));
  c->required = kyso_pj_bool (item, "requirement", FALSE);
  for (guint i = 0; detail != NULL && i < json_array_get_length (detail); i++)
    {
      JsonObject *d = kyso_pj_array_object (detail, i);
      const char *type = name_of (kyso_pj_object (d, "type"), "name");
      guint quantity = (guint)CLAMP (kyso_pj_int (d, "quantity", 1), 0, 100);

      if (g_strcmp0 (type, "Bản sao") == 0)
        c->copies += quantity;
      else
        c->originals += quantity;
    }
  for (guint i = 0; types != NULL && i < json_array_get_length (types); i++)
    {
      JsonNode *node = json_array_get_element (types, i);
      if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
        {
          /* ".PDF" and "pdf" mean the same. */
          const char *t = json_node_get_string (node);
          g_autofree char *lower = g_ascii_strdown (t[0] == '.' ? t + 1 : t, -1);
          if (*lower != '\0')
            g_strv_builder_add (builder, lower);
        }
    }
  c->types = g_strv_builder_end (builder);
  c->max_bytes = (guint64)MAX (0, kyso_pj_int (item, "maxSize", 0));
  c->portal_data = json_node_init_object (json_node_alloc (), item);
  return c;
}

static gint
compare_order (gconstpointer a, gconstpointer b)
{
  JsonObject *x = portal_data ((*(KysoProcedureComponent **)a)->portal_data);
  JsonObject *y = portal_data ((*(KysoProcedureComponent **)b)->portal_data);
  gint64 ox = kyso_pj_int (x, "order", G_MAXINT), oy = kyso_pj_int (y, "order", G_MAXINT);

  return ox < oy ? -1 : ox > oy;
}

static char *
processing_time_text (gint64 value, const char *unit)
{
  if (g_strcmp0 (unit, "d") == 0)
    /* Translators: how long the agency takes */
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u working day", "%u working days", (gulong)value),
                            (guint)value);
  if (g_strcmp0 (unit, "h") == 0)
    return g_strdup_printf (
      g_dngettext (GETTEXT_PACKAGE, "%u working hour", "%u working hours", (gulong)value), (guint)value);
  return NULL;
}

gboolean
kyso_igate_add_details (KysoProcedure *p, JsonArray *forms, JsonArray *fees, JsonObject *process)
{
  JsonObject *definition = kyso_pj_object (process, "processDefinition");
  JsonObject *times
    = definition != NULL && kyso_pj_int (definition, "processingTime", -1) >= 0 ? definition : process;
  gint64 time = kyso_pj_int (times, "processingTime", -1);
  const char *unit = kyso_pj_string (times, "processingTimeUnit");

  g_ptr_array_set_size (p->components, 0);
  g_ptr_array_set_size (p->fees, 0);
  for (guint i = 0; forms != NULL && i < json_array_get_length (forms); i++)
    {
      KysoProcedureComponent *c = parse_form (kyso_pj_array_object (forms, i));
      if (c != NULL)
        g_ptr_array_add (p->components, c);
    }
  g_ptr_array_sort (p->components, compare_order);
  for (guint i = 0; fees != NULL && i < json_array_get_length (fees); i++)
    {
      JsonObject *f = kyso_pj_array_object (fees, i);
      const char *name = name_of (kyso_pj_object (f, "type"), "name");

      if (f != NULL && name != NULL)
        g_ptr_array_add (p->fees, kyso_fee_new (name, MAX (0, kyso_pj_int (f, "cost", 0)),
                                                kyso_pj_string (f, "description")));
    }
  if (kyso_pj_string (process, "id") == NULL)
    return FALSE;
  g_clear_pointer (&p->processing_time, g_free);
  if (time >= 0 && time <= 3650)
    {
      p->processing_time = processing_time_text (time, unit);
      p->processing_days = g_strcmp0 (unit, "d") == 0 ? (guint)time : 0;
    }
  keep (&p->portal_data, "process", process);
  p->has_details = TRUE;
  return TRUE;
}

const char *
kyso_igate_procedure_portal_code (KysoProcedure *p)
{
  return kyso_pj_string (kyso_pj_object (portal_data (p->portal_data), "procedure"), "code");
}

const char *
kyso_igate_procedure_agency_id (KysoProcedure *p)
{
  return kyso_pj_string (first_object (kyso_pj_object (portal_data (p->portal_data), "procedure"), "agency"),
                         "id");
}

KysoPortalFile *
kyso_igate_parse_file (JsonObject *obj)
{
  const char *id = kyso_pj_string (obj, "id");

  if (id == NULL)
    return NULL;
  return kyso_portal_file_new (id, kyso_pj_string (obj, "filename"),
                               (guint64)MAX (0, kyso_pj_int (obj, "size", 0)), NULL);
}

gboolean
kyso_igate_parse_place (JsonObject *obj, char **out_id, char **out_name)
{
  const char *id = kyso_pj_string (obj, "id");
  const char *name = name_of (obj, "name");

  if (id == NULL || name == NULL)
    return FALSE;
  *out_id = g_strdup (id);
  *out_name = g_strdup (name);
  return TRUE;
}

KysoDossierStatus *
kyso_igate_parse_dossier (JsonObject *obj)
{
  KysoDossierStatus *s;
  JsonObject *procedure = kyso_pj_object (obj, "procedure");
  JsonObject *status = kyso_pj_object (obj, "dossierStatus");
  KysoDossierEvent *e;

  if (kyso_pj_string (obj, "code") == NULL)
    return NULL;
  s = kyso_dossier_status_new ();
  s->code = g_strdup (kyso_pj_string (obj, "code"));
  s->procedure_id = g_strdup (kyso_pj_string (procedure, "id"));
  s->procedure_name = g_strdup (name_of (procedure, "name") != NULL ? name_of (procedure, "name")
                                                                    : name_of (procedure, "translate"));
  s->status = g_strdup (status != NULL ? name_of (status, "name") : kyso_pj_string (obj, "dossierStatus"));
  s->submitted = kyso_pj_datetime (obj, "appliedDate");
  s->due = kyso_pj_datetime (obj, "appointmentDate");
  /* The search answer carries the current status only, not the steps that led to it. */
  if (s->status != NULL)
    {
      e = g_new0 (KysoDossierEvent, 1);
      e->time = kyso_pj_datetime (obj, "completedDate");
      if (e->time == NULL && s->submitted != NULL)
        e->time = g_date_time_ref (s->submitted);
      e->status = g_strdup (s->status);
      g_ptr_array_add (s->history, e);
    }
  return s;
}

GPtrArray *
kyso_igate_parse_signatures (JsonObject *obj)
{
  GPtrArray *records = g_ptr_array_new_with_free_func ((GDestroyNotify)kyso_signing_record_free);
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

char *
kyso_igate_date (const char *date)
{
  int y = 0, m = 0, d = 0;
  char tail = 0;
  g_autoptr (GTimeZone) vn = g_time_zone_new_offset (7 * 3600);
  g_autoptr (GDateTime) local = NULL;
  g_autoptr (GDateTime) utc = NULL;
  g_autofree char *text = NULL;

  if (date == NULL || sscanf (date, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3
      || !g_date_valid_dmy ((GDateDay)d, (GDateMonth)m, (GDateYear)y))
    return NULL;
  local = g_date_time_new (vn, y, m, d, 0, 0, 0);
  if (local == NULL)
    return NULL;
  utc = g_date_time_to_utc (local);
  text = g_date_time_format (utc, "%Y-%m-%dT%H:%M:%S");
  return g_strconcat (text, ".000+0000", NULL);
}

char *
kyso_igate_phone (const char *phone)
{
  const char *national;

  if (phone == NULL)
    return NULL;
  if (g_str_has_prefix (phone, "+84"))
    national = phone + 3;
  else if (phone[0] == '0')
    national = phone + 1;
  else
    return NULL;
  if (strlen (national) != 9)
    return NULL;
  for (const char *p = national; *p != '\0'; p++)
    if (!g_ascii_isdigit (*p))
      return NULL;
  return g_strconcat ("+84", national, NULL);
}

/* ---- the apply-online body ---- */

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
add_int (JsonBuilder *b, const char *name, gint64 value)
{
  json_builder_set_member_name (b, name);
  json_builder_add_int_value (b, value);
}

/* [{"languageId": 228, "name": …}] */
static void
add_translated (JsonBuilder *b, const char *member, const char *name)
{
  json_builder_set_member_name (b, member);
  json_builder_begin_array (b);
  json_builder_begin_object (b);
  add_int (b, "languageId", LANGUAGE_VI);
  add_string (b, "name", name);
  json_builder_end_object (b);
  json_builder_end_array (b);
}

/* {"id", "name"} */
static void
add_ref (JsonBuilder *b, const char *member, const KysoIgateRef *ref)
{
  json_builder_set_member_name (b, member);
  json_builder_begin_object (b);
  add_string (b, "id", ref->id);
  add_string (b, "name", ref->name);
  json_builder_end_object (b);
}

/* A place of the applicant e-form: {"label": name, "value": ba/place id} */
static void
add_place (JsonBuilder *b, const char *member, const KysoIgateRef *ref)
{
  json_builder_set_member_name (b, member);
  json_builder_begin_object (b);
  add_string (b, "label", ref->name);
  add_string (b, "value", ref->id);
  json_builder_end_object (b);
}

/* An object member copied as the portal sent it, or {"id": …} alone. */
static void
add_copy (JsonBuilder *b, const char *member, JsonObject *obj)
{
  json_builder_set_member_name (b, member);
  json_builder_begin_object (b);
  add_string (b, "id", kyso_pj_string (obj, "id"));
  json_builder_end_object (b);
}

/* The procedure-form's detail for the kind of copy the citizen attached: {"type": {id, name}, "quantity"}. */
static JsonObject *
detail_for (JsonObject *form, KysoCopyKind kind)
{
  JsonArray *detail = kyso_pj_array (form, "detail");
  const char *wanted = kind == KYSO_COPY_KIND_COPY ? "Bản sao" : "Bản chính";

  for (guint i = 0; detail != NULL && i < json_array_get_length (detail); i++)
    {
      JsonObject *d = kyso_pj_array_object (detail, i);
      if (g_strcmp0 (name_of (kyso_pj_object (d, "type"), "name"), wanted) == 0)
        return d;
    }
  return kyso_pj_array_object (detail, 0);
}

static void
add_form_files (JsonBuilder *b, KysoDossier *dossier, KysoProcedure *procedure)
{
  GPtrArray *entries = kyso_dossier_get_entries (dossier);
  GPtrArray *components = kyso_procedure_get_components (procedure);

  json_builder_set_member_name (b, "dossierFormFile");
  json_builder_begin_array (b);
  for (guint i = 0; i < components->len; i++)
    {
      KysoProcedureComponent *c = g_ptr_array_index (components, i);
      JsonObject *item = portal_data (c->portal_data);
      JsonObject *form = kyso_pj_object (item, "form");
      JsonObject *detail, *type;
      KysoCopyKind kind = KYSO_COPY_KIND_ORIGINAL;
      gboolean any = FALSE;

      for (guint e = 0; e < entries->len; e++)
        {
          KysoDossierEntry *entry = g_ptr_array_index (entries, e);
          if (g_strcmp0 (entry->key, c->key) == 0)
            {
              any = TRUE;
              if (entry->kind == KYSO_COPY_KIND_COPY)
                kind = KYSO_COPY_KIND_COPY;
            }
        }
      if (!any)
        continue;
      detail = detail_for (item, kind);
      type = kyso_pj_object (detail, "type");

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "procedureForm");
      json_builder_begin_object (b);
      add_string (b, "id", kyso_pj_string (form, "id"));
      add_string (b, "name", name_of (form, "name"));
      json_builder_end_object (b);
      add_int (b, "order", kyso_pj_int (item, "order", i + 1));
      add_copy (b, "case", kyso_pj_object (item, "case"));
      json_builder_set_member_name (b, "detail");
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "type");
      json_builder_begin_object (b);
      add_string (b, "id", kyso_pj_string (type, "id"));
      add_string (b, "name", name_of (type, "name"));
      json_builder_end_object (b);
      add_int (b, "quantity", kyso_pj_int (detail, "quantity", 1));
      json_builder_end_object (b);
      json_builder_set_member_name (b, "file");
      json_builder_begin_array (b);
      for (guint e = 0; e < entries->len; e++)
        {
          KysoDossierEntry *entry = g_ptr_array_index (entries, e);
          if (g_strcmp0 (entry->key, c->key) != 0 || entry->uploaded == NULL)
            continue;
          json_builder_begin_object (b);
          add_string (b, "id", entry->uploaded->id);
          add_string (b, "filename", entry->uploaded->name);
          add_int (b, "size", (gint64)entry->uploaded->size);
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
}

JsonNode *
kyso_igate_build_application (KysoDossier *dossier, KysoProcedure *procedure, const KysoIgateApplication *app)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  KysoApplicant *a = kyso_dossier_get_applicant (dossier);
  JsonObject *data = portal_data (procedure->portal_data);
  JsonObject *raw = kyso_pj_object (data, "procedure");
  JsonObject *process = kyso_pj_object (data, "process");
  JsonObject *definition = kyso_pj_object (process, "processDefinition");
  JsonObject *sector = kyso_pj_object (raw, "sector");
  JsonObject *agency = first_object (raw, "agency");
  JsonObject *applicant_eform = kyso_pj_object (definition != NULL ? definition : process, "applicantEForm");
  JsonObject *eform = kyso_pj_object (definition != NULL ? definition : process, "eForm");
  g_autofree char *birthday = kyso_igate_date (a->birth_date);
  g_autofree char *issued = kyso_igate_date (a->id_issue_date);
  g_autofree char *phone = kyso_igate_phone (a->phone);

  json_builder_begin_object (b);
  add_string (b, "code", app->code);
  json_builder_set_member_name (b, "codePattern");
  json_builder_begin_object (b);
  add_string (b, "id", app->pattern_id);
  json_builder_end_object (b);

  json_builder_set_member_name (b, "procedure");
  json_builder_begin_object (b);
  add_string (b, "id", kyso_pj_string (raw, "id"));
  add_string (b, "code", kyso_pj_string (raw, "code"));
  add_translated (b, "translate", kyso_procedure_get_name (procedure));
  json_builder_set_member_name (b, "sector");
  json_builder_begin_object (b);
  add_string (b, "id", kyso_pj_string (sector, "id"));
  add_string (b, "code", kyso_pj_string (sector, "code"));
  add_translated (b, "name", name_of (sector, "name"));
  json_builder_end_object (b);
  json_builder_end_object (b);

  json_builder_set_member_name (b, "applicant");
  json_builder_begin_object (b);
  add_string (b, "userId", app->user_id);
  add_string (b, "eformId", kyso_pj_string (applicant_eform, "id"));
  json_builder_set_member_name (b, "data");
  json_builder_begin_object (b);
  add_string (b, "fullname", a->full_name);
  /* Kyso files a dossier for the person logged in: they own it too. */
  add_string (b, "ownerFullname", a->full_name);
  add_string (b, "birthday", birthday);
  add_int (b, "gender", a->gender == KYSO_GENDER_MALE ? 1 : 0);
  add_string (b, "identityNumber", a->id_number);
  add_string (b, "identityDate", issued);
  add_ref (b, "identityAgency", &app->identity_agency);
  add_string (b, "phoneNumber", phone);
  add_string (b, "email", a->email != NULL ? a->email : "");
  add_place (b, "nation", &app->nation);
  add_place (b, "province", &app->province);
  add_place (b, "district", &app->district);
  add_place (b, "village", &app->ward);
  add_string (b, "address", a->address);
  add_string (b, "note", "");
  json_builder_end_object (b);
  json_builder_end_object (b);

  json_builder_set_member_name (b, "eForm");
  json_builder_begin_object (b);
  add_string (b, "id", kyso_pj_string (eform, "id"));
  json_builder_set_member_name (b, "data");
  json_builder_begin_object (b);
  json_builder_end_object (b);
  json_builder_end_object (b);

  add_form_files (b, dossier, procedure);
  /* Both public clients send it empty: the portal reckons the fees itself. */
  json_builder_set_member_name (b, "dossierFee");
  json_builder_begin_array (b);
  json_builder_end_array (b);

  json_builder_set_member_name (b, "dossierReceivingKind");
  json_builder_begin_object (b);
  add_string (b, "id", app->receiving_kind.id);
  add_translated (b, "name", app->receiving_kind.name);
  json_builder_end_object (b);
  add_ref (b, "paymentMethod", &app->payment_method);

  json_builder_set_member_name (b, "agency");
  json_builder_begin_object (b);
  add_string (b, "id", kyso_pj_string (agency, "id"));
  add_string (b, "code", kyso_pj_string (agency, "code"));
  add_translated (b, "name", name_of (agency, "name"));
  json_builder_end_object (b);

  json_builder_set_member_name (b, "procedureProcessDefinition");
  json_builder_begin_object (b);
  add_string (b, "id", kyso_pj_string (process, "id"));
  json_builder_end_object (b);
  add_int (b, "dossierStatus", 0);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}
