#include "config.h"

#include "kyso-procedure-private.h"

G_DEFINE_BOXED_TYPE (KysoFee, kyso_fee, kyso_fee_copy, kyso_fee_free)

KysoFee *
kyso_fee_new (const char *name, gint64 amount, const char *note)
{
  KysoFee *self = g_new0 (KysoFee, 1);

  self->name = g_strdup (name);
  self->amount = amount;
  self->note = g_strdup (note);
  return self;
}

KysoFee *
kyso_fee_copy (const KysoFee *self)
{
  return kyso_fee_new (self->name, self->amount, self->note);
}

void
kyso_fee_free (KysoFee *self)
{
  if (self == NULL)
    return;
  g_free (self->name);
  g_free (self->note);
  g_free (self);
}

/* ---- KysoProcedureComponent ---- */

G_DEFINE_FINAL_TYPE (KysoProcedureComponent, kyso_procedure_component, G_TYPE_OBJECT)

static void
kyso_procedure_component_finalize (GObject *object)
{
  KysoProcedureComponent *self = KYSO_PROCEDURE_COMPONENT (object);

  g_free (self->key);
  g_free (self->name);
  g_strfreev (self->types);
  g_clear_pointer (&self->portal_data, json_node_unref);
  G_OBJECT_CLASS (kyso_procedure_component_parent_class)->finalize (object);
}

static void
kyso_procedure_component_class_init (KysoProcedureComponentClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = kyso_procedure_component_finalize;
}

static void
kyso_procedure_component_init (KysoProcedureComponent *self)
{
}

KysoProcedureComponent *
kyso_procedure_component_new (void)
{
  return g_object_new (KYSO_TYPE_PROCEDURE_COMPONENT, NULL);
}

const char *
kyso_procedure_component_get_key (KysoProcedureComponent *self)
{
  g_return_val_if_fail (KYSO_IS_PROCEDURE_COMPONENT (self), NULL);
  return self->key;
}

const char *
kyso_procedure_component_get_name (KysoProcedureComponent *self)
{
  g_return_val_if_fail (KYSO_IS_PROCEDURE_COMPONENT (self), NULL);
  return self->name;
}

guint
kyso_procedure_component_get_originals (KysoProcedureComponent *self)
{
  g_return_val_if_fail (KYSO_IS_PROCEDURE_COMPONENT (self), 0);
  return self->originals;
}

guint
kyso_procedure_component_get_copies (KysoProcedureComponent *self)
{
  g_return_val_if_fail (KYSO_IS_PROCEDURE_COMPONENT (self), 0);
  return self->copies;
}

gboolean
kyso_procedure_component_get_required (KysoProcedureComponent *self)
{
  g_return_val_if_fail (KYSO_IS_PROCEDURE_COMPONENT (self), FALSE);
  return self->required;
}

const char *const *
kyso_procedure_component_get_types (KysoProcedureComponent *self)
{
  static const char *const none[] = { NULL };

  g_return_val_if_fail (KYSO_IS_PROCEDURE_COMPONENT (self), none);
  return self->types != NULL ? (const char *const *)self->types : none;
}

guint64
kyso_procedure_component_get_max_bytes (KysoProcedureComponent *self)
{
  g_return_val_if_fail (KYSO_IS_PROCEDURE_COMPONENT (self), 0);
  return self->max_bytes;
}

/* ---- KysoProcedure ---- */

G_DEFINE_FINAL_TYPE (KysoProcedure, kyso_procedure, G_TYPE_OBJECT)

static void
kyso_procedure_finalize (GObject *object)
{
  KysoProcedure *self = KYSO_PROCEDURE (object);

  g_free (self->id);
  g_free (self->code);
  g_free (self->name);
  g_free (self->sector);
  g_free (self->agency);
  g_free (self->processing_time);
  g_ptr_array_unref (self->fees);
  g_ptr_array_unref (self->components);
  g_clear_pointer (&self->portal_data, json_node_unref);
  G_OBJECT_CLASS (kyso_procedure_parent_class)->finalize (object);
}

static void
kyso_procedure_class_init (KysoProcedureClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = kyso_procedure_finalize;
}

static void
kyso_procedure_init (KysoProcedure *self)
{
  self->fees = g_ptr_array_new_with_free_func ((GDestroyNotify)kyso_fee_free);
  self->components = g_ptr_array_new_with_free_func (g_object_unref);
}

KysoProcedure *
kyso_procedure_new (void)
{
  return g_object_new (KYSO_TYPE_PROCEDURE, NULL);
}

#define GETTER(type, field, fallback)                                                                        \
  type kyso_procedure_get_##field (KysoProcedure *self)                                                      \
  {                                                                                                          \
    g_return_val_if_fail (KYSO_IS_PROCEDURE (self), fallback);                                               \
    return self->field;                                                                                      \
  }

GETTER (const char *, id, NULL)
GETTER (const char *, code, NULL)
GETTER (const char *, name, NULL)
GETTER (const char *, sector, NULL)
GETTER (const char *, agency, NULL)
GETTER (guint, level, 0)
GETTER (const char *, processing_time, NULL)
GETTER (guint, processing_days, 0)
GETTER (GPtrArray *, fees, NULL)
GETTER (GPtrArray *, components, NULL)
#undef GETTER

gboolean
kyso_procedure_has_details (KysoProcedure *self)
{
  g_return_val_if_fail (KYSO_IS_PROCEDURE (self), FALSE);
  return self->has_details;
}

gint64
kyso_procedure_get_fee_total (KysoProcedure *self)
{
  gint64 total = 0;

  g_return_val_if_fail (KYSO_IS_PROCEDURE (self), 0);
  for (guint i = 0; i < self->fees->len; i++)
    total += ((KysoFee *)g_ptr_array_index (self->fees, i))->amount;
  return total;
}

KysoProcedureComponent *
kyso_procedure_find_component (KysoProcedure *self, const char *key)
{
  g_return_val_if_fail (KYSO_IS_PROCEDURE (self), NULL);
  g_return_val_if_fail (key != NULL, NULL);

  for (guint i = 0; i < self->components->len; i++)
    {
      KysoProcedureComponent *c = g_ptr_array_index (self->components, i);
      if (g_strcmp0 (c->key, key) == 0)
        return c;
    }
  return NULL;
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
add_int (JsonBuilder *b, const char *name, gint64 value)
{
  json_builder_set_member_name (b, name);
  json_builder_add_int_value (b, value);
}

JsonNode *
kyso_procedure_to_json (KysoProcedure *self)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();

  g_return_val_if_fail (KYSO_IS_PROCEDURE (self), NULL);

  json_builder_begin_object (b);
  add_string (b, "id", self->id);
  add_string (b, "code", self->code);
  add_string (b, "name", self->name);
  add_string (b, "agency", self->agency);
  add_string (b, "sector", self->sector);
  add_int (b, "level", self->level);
  add_string (b, "processing_time", self->processing_time);
  add_int (b, "processing_days", self->processing_days);
  add_int (b, "fee_total", kyso_procedure_get_fee_total (self));
  json_builder_set_member_name (b, "fees");
  json_builder_begin_array (b);
  for (guint i = 0; i < self->fees->len; i++)
    {
      KysoFee *fee = g_ptr_array_index (self->fees, i);
      json_builder_begin_object (b);
      add_string (b, "name", fee->name);
      add_int (b, "amount", fee->amount);
      add_string (b, "note", fee->note);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_set_member_name (b, "components");
  json_builder_begin_array (b);
  for (guint i = 0; i < self->components->len; i++)
    {
      KysoProcedureComponent *c = g_ptr_array_index (self->components, i);
      const char *const *types = kyso_procedure_component_get_types (c);

      json_builder_begin_object (b);
      add_string (b, "key", c->key);
      add_string (b, "name", c->name);
      add_int (b, "originals", c->originals);
      add_int (b, "copies", c->copies);
      json_builder_set_member_name (b, "required");
      json_builder_add_boolean_value (b, c->required);
      json_builder_set_member_name (b, "types");
      json_builder_begin_array (b);
      for (gsize t = 0; types[t] != NULL; t++)
        json_builder_add_string_value (b, types[t]);
      json_builder_end_array (b);
      add_int (b, "max_bytes", (gint64)c->max_bytes);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}
