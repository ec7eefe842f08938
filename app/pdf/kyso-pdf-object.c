#include "config.h"

#include "kyso-pdf-object.h"

#include <math.h>
#include <string.h>

typedef struct
{
  char *key;
  KysoPdfObject *value;
} DictEntry;

struct _KysoPdfObject
{
  gatomicrefcount ref_count;
  KysoPdfObjectType kind;
  gboolean hex;
  gint64 start;
  gint64 end;
  union
  {
    gboolean b;
    gint64 i;
    double r;
    struct
    {
      guint8 *data;
      gsize len;
    } s;              /* STRING; NAME keeps a NUL-terminated name in data */
    GPtrArray *items; /* ARRAY */
    GArray *entries;  /* DICT: DictEntry */
    struct
    {
      KysoPdfObject *dict;
      gint64 offset;
      gint64 length;
    } stream;
    struct
    {
      guint32 num;
      guint32 gen;
    } ref;
  } u;
};

G_DEFINE_BOXED_TYPE (KysoPdfObject, kyso_pdf_object, kyso_pdf_object_ref, kyso_pdf_object_unref)

static KysoPdfObject *
object_new (KysoPdfObjectType kind)
{
  KysoPdfObject *self = g_new0 (KysoPdfObject, 1);

  g_atomic_ref_count_init (&self->ref_count);
  self->kind = kind;
  self->start = -1;
  self->end = -1;
  return self;
}

static void
dict_entry_clear (gpointer p)
{
  DictEntry *e = p;

  g_free (e->key);
  kyso_pdf_object_unref (e->value);
}

KysoPdfObject *
kyso_pdf_object_ref (KysoPdfObject *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
kyso_pdf_object_unref (KysoPdfObject *self)
{
  if (self == NULL || !g_atomic_ref_count_dec (&self->ref_count))
    return;
  switch (self->kind)
    {
      case KYSO_PDF_STRING:
      case KYSO_PDF_NAME:
        g_free (self->u.s.data);
        break;
      case KYSO_PDF_ARRAY:
        g_ptr_array_unref (self->u.items);
        break;
      case KYSO_PDF_DICT:
        g_array_unref (self->u.entries);
        break;
      case KYSO_PDF_STREAM:
        kyso_pdf_object_unref (self->u.stream.dict);
        break;
      default:
        break;
    }
  g_free (self);
}

KysoPdfObjectType
kyso_pdf_object_get_kind (const KysoPdfObject *self)
{
  return self != NULL ? self->kind : KYSO_PDF_NULL;
}

gint64
kyso_pdf_object_get_start (const KysoPdfObject *self)
{
  return self->start;
}

gint64
kyso_pdf_object_get_end (const KysoPdfObject *self)
{
  return self->end;
}

void
kyso_pdf_object_set_span (KysoPdfObject *self, gint64 start, gint64 end)
{
  self->start = start;
  self->end = end;
}

KysoPdfObject *
kyso_pdf_null_new (void)
{
  return object_new (KYSO_PDF_NULL);
}

KysoPdfObject *
kyso_pdf_bool_new (gboolean value)
{
  KysoPdfObject *self = object_new (KYSO_PDF_BOOL);

  self->u.b = !!value;
  return self;
}

KysoPdfObject *
kyso_pdf_int_new (gint64 value)
{
  KysoPdfObject *self = object_new (KYSO_PDF_INT);

  self->u.i = value;
  return self;
}

KysoPdfObject *
kyso_pdf_real_new (double value)
{
  KysoPdfObject *self = object_new (KYSO_PDF_REAL);

  self->u.r = value;
  return self;
}

KysoPdfObject *
kyso_pdf_string_new (const guint8 *data, gsize len, gboolean hex)
{
  KysoPdfObject *self = object_new (KYSO_PDF_STRING);

  self->u.s.data = g_malloc (len + 1);
  if (len > 0)
    memcpy (self->u.s.data, data, len);
  self->u.s.data[len] = 0;
  self->u.s.len = len;
  self->hex = hex;
  return self;
}

KysoPdfObject *
kyso_pdf_name_new (const char *name)
{
  KysoPdfObject *self = object_new (KYSO_PDF_NAME);

  self->u.s.len = strlen (name);
  self->u.s.data = (guint8 *)g_strdup (name);
  return self;
}

KysoPdfObject *
kyso_pdf_array_new (void)
{
  KysoPdfObject *self = object_new (KYSO_PDF_ARRAY);

  self->u.items = g_ptr_array_new_with_free_func ((GDestroyNotify)kyso_pdf_object_unref);
  return self;
}

KysoPdfObject *
kyso_pdf_dict_new (void)
{
  KysoPdfObject *self = object_new (KYSO_PDF_DICT);

  self->u.entries = g_array_new (FALSE, FALSE, sizeof (DictEntry));
  g_array_set_clear_func (self->u.entries, dict_entry_clear);
  return self;
}

KysoPdfObject *
kyso_pdf_ref_new (guint32 num, guint32 gen)
{
  KysoPdfObject *self = object_new (KYSO_PDF_REF);

  self->u.ref.num = num;
  self->u.ref.gen = gen;
  return self;
}

KysoPdfObject *
kyso_pdf_stream_new (KysoPdfObject *dict, gint64 data_offset, gint64 length)
{
  KysoPdfObject *self = object_new (KYSO_PDF_STREAM);

  self->u.stream.dict = kyso_pdf_object_ref (dict);
  self->u.stream.offset = data_offset;
  self->u.stream.length = length;
  return self;
}

gboolean
kyso_pdf_object_get_bool (const KysoPdfObject *self)
{
  return self != NULL && self->kind == KYSO_PDF_BOOL && self->u.b;
}

gint64
kyso_pdf_object_get_int (const KysoPdfObject *self, gboolean *ok)
{
  if (ok != NULL)
    *ok = TRUE;
  if (self != NULL && self->kind == KYSO_PDF_INT)
    return self->u.i;
  /* Reals outside gint64 would be undefined behaviour to convert. */
  if (self != NULL && self->kind == KYSO_PDF_REAL && isfinite (self->u.r) && fabs (self->u.r) < 9.0e18)
    return (gint64)self->u.r;
  if (ok != NULL)
    *ok = FALSE;
  return 0;
}

double
kyso_pdf_object_get_number (const KysoPdfObject *self, gboolean *ok)
{
  if (ok != NULL)
    *ok = TRUE;
  if (self != NULL && self->kind == KYSO_PDF_INT)
    return (double)self->u.i;
  if (self != NULL && self->kind == KYSO_PDF_REAL)
    return self->u.r;
  if (ok != NULL)
    *ok = FALSE;
  return 0;
}

const guint8 *
kyso_pdf_object_get_string (const KysoPdfObject *self, gsize *len)
{
  if (self == NULL || self->kind != KYSO_PDF_STRING)
    {
      if (len != NULL)
        *len = 0;
      return NULL;
    }
  if (len != NULL)
    *len = self->u.s.len;
  return self->u.s.data;
}

gboolean
kyso_pdf_object_is_hex_string (const KysoPdfObject *self)
{
  return self != NULL && self->kind == KYSO_PDF_STRING && self->hex;
}

const char *
kyso_pdf_object_get_name (const KysoPdfObject *self)
{
  if (self == NULL || self->kind != KYSO_PDF_NAME)
    return NULL;
  return (const char *)self->u.s.data;
}

gboolean
kyso_pdf_object_is_name (const KysoPdfObject *self, const char *name)
{
  const char *n = kyso_pdf_object_get_name (self);

  return n != NULL && strcmp (n, name) == 0;
}

guint32
kyso_pdf_object_get_ref_num (const KysoPdfObject *self)
{
  return self != NULL && self->kind == KYSO_PDF_REF ? self->u.ref.num : 0;
}

guint32
kyso_pdf_object_get_ref_gen (const KysoPdfObject *self)
{
  return self != NULL && self->kind == KYSO_PDF_REF ? self->u.ref.gen : 0;
}

guint
kyso_pdf_array_get_length (const KysoPdfObject *self)
{
  return self != NULL && self->kind == KYSO_PDF_ARRAY ? self->u.items->len : 0;
}

KysoPdfObject *
kyso_pdf_array_get (const KysoPdfObject *self, guint index)
{
  if (self == NULL || self->kind != KYSO_PDF_ARRAY || index >= self->u.items->len)
    return NULL;
  return g_ptr_array_index (self->u.items, index);
}

void
kyso_pdf_array_add (KysoPdfObject *self, KysoPdfObject *item)
{
  g_return_if_fail (self != NULL && self->kind == KYSO_PDF_ARRAY && item != NULL);
  g_ptr_array_add (self->u.items, item);
}

static const GArray *
dict_entries (const KysoPdfObject *self)
{
  if (self == NULL)
    return NULL;
  if (self->kind == KYSO_PDF_STREAM)
    self = self->u.stream.dict;
  return self->kind == KYSO_PDF_DICT ? self->u.entries : NULL;
}

KysoPdfObject *
kyso_pdf_dict_get (const KysoPdfObject *self, const char *key)
{
  const GArray *entries = dict_entries (self);

  if (entries == NULL)
    return NULL;
  for (guint i = entries->len; i > 0; i--)
    {
      const DictEntry *e = &g_array_index (entries, DictEntry, i - 1);
      if (strcmp (e->key, key) == 0)
        return e->value;
    }
  return NULL;
}

guint
kyso_pdf_dict_get_size (const KysoPdfObject *self)
{
  const GArray *entries = dict_entries (self);

  return entries != NULL ? entries->len : 0;
}

const char *
kyso_pdf_dict_get_key_at (const KysoPdfObject *self, guint index)
{
  const GArray *entries = dict_entries (self);

  if (entries == NULL || index >= entries->len)
    return NULL;
  return g_array_index (entries, DictEntry, index).key;
}

KysoPdfObject *
kyso_pdf_dict_get_value_at (const KysoPdfObject *self, guint index)
{
  const GArray *entries = dict_entries (self);

  if (entries == NULL || index >= entries->len)
    return NULL;
  return g_array_index (entries, DictEntry, index).value;
}

void
kyso_pdf_dict_remove (KysoPdfObject *self, const char *key)
{
  GArray *entries = (GArray *)dict_entries (self);

  g_return_if_fail (entries != NULL);
  for (guint i = entries->len; i > 0; i--)
    if (strcmp (g_array_index (entries, DictEntry, i - 1).key, key) == 0)
      g_array_remove_index (entries, i - 1);
}

void
kyso_pdf_dict_set (KysoPdfObject *self, const char *key, KysoPdfObject *value)
{
  GArray *entries = (GArray *)dict_entries (self);
  DictEntry e;

  g_return_if_fail (entries != NULL && key != NULL && value != NULL);
  for (guint i = 0; i < entries->len; i++)
    {
      DictEntry *old = &g_array_index (entries, DictEntry, i);
      if (strcmp (old->key, key) == 0)
        {
          kyso_pdf_object_unref (old->value);
          old->value = value;
          /* Drop later duplicates so that the value set is the one every reader sees. */
          for (guint j = entries->len; j > i + 1; j--)
            if (strcmp (g_array_index (entries, DictEntry, j - 1).key, key) == 0)
              g_array_remove_index (entries, j - 1);
          return;
        }
    }
  e.key = g_strdup (key);
  e.value = value;
  g_array_append_val (entries, e);
}

KysoPdfObject *
kyso_pdf_stream_get_dict (const KysoPdfObject *self)
{
  return self != NULL && self->kind == KYSO_PDF_STREAM ? self->u.stream.dict : NULL;
}

gint64
kyso_pdf_stream_get_data_offset (const KysoPdfObject *self)
{
  return self != NULL && self->kind == KYSO_PDF_STREAM ? self->u.stream.offset : -1;
}

gint64
kyso_pdf_stream_get_length (const KysoPdfObject *self)
{
  return self != NULL && self->kind == KYSO_PDF_STREAM ? self->u.stream.length : -1;
}

KysoPdfObject *
kyso_pdf_object_copy (const KysoPdfObject *self)
{
  KysoPdfObject *copy = NULL;

  switch (self->kind)
    {
      case KYSO_PDF_NULL:
        copy = kyso_pdf_null_new ();
        break;
      case KYSO_PDF_BOOL:
        copy = kyso_pdf_bool_new (self->u.b);
        break;
      case KYSO_PDF_INT:
        copy = kyso_pdf_int_new (self->u.i);
        break;
      case KYSO_PDF_REAL:
        copy = kyso_pdf_real_new (self->u.r);
        break;
      case KYSO_PDF_STRING:
        copy = kyso_pdf_string_new (self->u.s.data, self->u.s.len, self->hex);
        break;
      case KYSO_PDF_NAME:
        copy = kyso_pdf_name_new ((const char *)self->u.s.data);
        break;
      case KYSO_PDF_ARRAY:
        copy = kyso_pdf_array_new ();
        for (guint i = 0; i < self->u.items->len; i++)
          kyso_pdf_array_add (copy, kyso_pdf_object_copy (g_ptr_array_index (self->u.items, i)));
        break;
      case KYSO_PDF_DICT:
        copy = kyso_pdf_dict_new ();
        for (guint i = 0; i < self->u.entries->len; i++)
          {
            const DictEntry *e = &g_array_index (self->u.entries, DictEntry, i);
            DictEntry ne = { g_strdup (e->key), kyso_pdf_object_copy (e->value) };
            g_array_append_val (copy->u.entries, ne);
          }
        break;
      case KYSO_PDF_STREAM:
        {
          g_autoptr(KysoPdfObject) d = kyso_pdf_object_copy (self->u.stream.dict);
          copy = kyso_pdf_stream_new (d, self->u.stream.offset, self->u.stream.length);
        }
        break;
      case KYSO_PDF_REF:
        copy = kyso_pdf_ref_new (self->u.ref.num, self->u.ref.gen);
        break;
      default:
        g_assert_not_reached ();
    }
  copy->start = self->start;
  copy->end = self->end;
  return copy;
}

static gboolean
is_regular_name_char (guint8 c)
{
  /* Delimiters, whitespace, '#' and anything outside printable ASCII are escaped (§7.3.5). */
  if (c <= 0x20 || c >= 0x7f)
    return FALSE;
  return strchr ("()<>[]{}/%#", c) == NULL;
}

static void
serialize_name (const char *name, GString *out)
{
  g_string_append_c (out, '/');
  for (const guint8 *p = (const guint8 *)name; *p; p++)
    if (is_regular_name_char (*p))
      g_string_append_c (out, (char)*p);
    else
      g_string_append_printf (out, "#%02X", *p);
}

static void
serialize_string (const KysoPdfObject *self, GString *out)
{
  const guint8 *d = self->u.s.data;

  if (self->hex)
    {
      g_string_append_c (out, '<');
      for (gsize i = 0; i < self->u.s.len; i++)
        g_string_append_printf (out, "%02X", d[i]);
      g_string_append_c (out, '>');
      return;
    }
  g_string_append_c (out, '(');
  for (gsize i = 0; i < self->u.s.len; i++)
    {
      switch (d[i])
        {
          case '(':
          case ')':
          case '\\':
            g_string_append_c (out, '\\');
            g_string_append_c (out, (char)d[i]);
            break;
          case '\r':
            g_string_append (out, "\\r");
            break;
          case '\n':
            g_string_append (out, "\\n");
            break;
          default:
            g_string_append_c (out, (char)d[i]);
        }
    }
  g_string_append_c (out, ')');
}

static void
serialize_real (double r, GString *out)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  /* PDF has no exponent notation; readers choke on "1e+20" and NaN. */
  if (!isfinite (r))
    r = 0;
  g_ascii_formatd (buf, sizeof buf, "%.6f", r);
  /* Trim trailing zeros to keep the output small: "12.500000" → "12.5". */
  if (strchr (buf, '.') != NULL)
    {
      gsize n = strlen (buf);
      while (n > 0 && buf[n - 1] == '0')
        buf[--n] = 0;
      if (n > 0 && buf[n - 1] == '.')
        buf[--n] = 0;
    }
  if (strcmp (buf, "-0") == 0)
    strcpy (buf, "0");
  g_string_append (out, buf);
}

void
kyso_pdf_object_serialize (const KysoPdfObject *self, GString *out)
{
  switch (self->kind)
    {
      case KYSO_PDF_NULL:
        g_string_append (out, "null");
        break;
      case KYSO_PDF_BOOL:
        g_string_append (out, self->u.b ? "true" : "false");
        break;
      case KYSO_PDF_INT:
        g_string_append_printf (out, "%" G_GINT64_FORMAT, self->u.i);
        break;
      case KYSO_PDF_REAL:
        serialize_real (self->u.r, out);
        break;
      case KYSO_PDF_STRING:
        serialize_string (self, out);
        break;
      case KYSO_PDF_NAME:
        serialize_name ((const char *)self->u.s.data, out);
        break;
      case KYSO_PDF_ARRAY:
        g_string_append_c (out, '[');
        for (guint i = 0; i < self->u.items->len; i++)
          {
            if (i > 0)
              g_string_append_c (out, ' ');
            kyso_pdf_object_serialize (g_ptr_array_index (self->u.items, i), out);
          }
        g_string_append_c (out, ']');
        break;
      case KYSO_PDF_DICT:
        g_string_append (out, "<<");
        for (guint i = 0; i < self->u.entries->len; i++)
          {
            const DictEntry *e = &g_array_index (self->u.entries, DictEntry, i);
            /* With duplicate keys only the last one counts; write that one only. */
            if (kyso_pdf_dict_get (self, e->key) != e->value)
              continue;
            serialize_name (e->key, out);
            g_string_append_c (out, ' ');
            kyso_pdf_object_serialize (e->value, out);
            if (i + 1 < self->u.entries->len)
              g_string_append_c (out, ' ');
          }
        g_string_append (out, ">>");
        break;
      case KYSO_PDF_STREAM:
        kyso_pdf_object_serialize (self->u.stream.dict, out);
        break;
      case KYSO_PDF_REF:
        g_string_append_printf (out, "%u %u R", self->u.ref.num, self->u.ref.gen);
        break;
      default:
        g_assert_not_reached ();
    }
}

char *
kyso_pdf_object_to_string (const KysoPdfObject *self)
{
  GString *out = g_string_new (NULL);

  kyso_pdf_object_serialize (self, out);
  return g_string_free (out, FALSE);
}
