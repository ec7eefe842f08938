#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* One PDF object as parsed from the file (ISO 32000-1 §7.3). Objects are reference counted and
 * immutable once parsed, except for the few builders the incremental writer uses
 * (kyso_pdf_dict_set …). Every object parsed from the file remembers where it was:
 * kyso_pdf_object_get_start/end give its byte span in the file, or -1 when it came from a
 * decompressed object stream or was made in memory. Streams are not loaded: a stream object holds
 * its dictionary, the file offset of its first data byte and its length. */

typedef enum
{
  KYSO_PDF_NULL,
  KYSO_PDF_BOOL,
  KYSO_PDF_INT,
  KYSO_PDF_REAL,
  KYSO_PDF_STRING,
  KYSO_PDF_NAME,
  KYSO_PDF_ARRAY,
  KYSO_PDF_DICT,
  KYSO_PDF_STREAM,
  KYSO_PDF_REF,
} KysoPdfObjectType;

typedef struct _KysoPdfObject KysoPdfObject;

#define KYSO_TYPE_PDF_OBJECT (kyso_pdf_object_get_type ())
GType
kyso_pdf_object_get_type (void) G_GNUC_CONST;

KysoPdfObject *
kyso_pdf_object_ref (KysoPdfObject *self);
void
kyso_pdf_object_unref (KysoPdfObject *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KysoPdfObject, kyso_pdf_object_unref)

KysoPdfObjectType
kyso_pdf_object_get_kind (const KysoPdfObject *self);
/* Byte span [start, end) in the file; -1 when not from the file itself. */
gint64
kyso_pdf_object_get_start (const KysoPdfObject *self);
gint64
kyso_pdf_object_get_end (const KysoPdfObject *self);
void
kyso_pdf_object_set_span (KysoPdfObject *self, gint64 start, gint64 end);

/* Constructors (all return a new reference). */
KysoPdfObject *
kyso_pdf_null_new (void);
KysoPdfObject *
kyso_pdf_bool_new (gboolean value);
KysoPdfObject *
kyso_pdf_int_new (gint64 value);
KysoPdfObject *
kyso_pdf_real_new (double value);
/* @hex: whether it was written <…> in the file (kept so that it is written back the same way). */
KysoPdfObject *
kyso_pdf_string_new (const guint8 *data, gsize len, gboolean hex);
/* @name: decoded (no '/', #xx already resolved). */
KysoPdfObject *
kyso_pdf_name_new (const char *name);
KysoPdfObject *
kyso_pdf_array_new (void);
KysoPdfObject *
kyso_pdf_dict_new (void);
KysoPdfObject *
kyso_pdf_ref_new (guint32 num, guint32 gen);
/* Takes a reference on @dict. */
KysoPdfObject *
kyso_pdf_stream_new (KysoPdfObject *dict, gint64 data_offset, gint64 length);

/* Accessors: each returns the fallback (FALSE, 0, NULL) when the object has another kind. */
gboolean
kyso_pdf_object_get_bool (const KysoPdfObject *self);
/* INT, or a REAL truncated; @ok (may be NULL) tells whether it was a number at all. */
gint64
kyso_pdf_object_get_int (const KysoPdfObject *self, gboolean *ok);
/* INT or REAL as double. */
double
kyso_pdf_object_get_number (const KysoPdfObject *self, gboolean *ok);
const guint8 *
kyso_pdf_object_get_string (const KysoPdfObject *self, gsize *len);
gboolean
kyso_pdf_object_is_hex_string (const KysoPdfObject *self);
const char *
kyso_pdf_object_get_name (const KysoPdfObject *self);
gboolean
kyso_pdf_object_is_name (const KysoPdfObject *self, const char *name);
/* REF: the object number and generation. */
guint32
kyso_pdf_object_get_ref_num (const KysoPdfObject *self);
guint32
kyso_pdf_object_get_ref_gen (const KysoPdfObject *self);

/* ARRAY */
guint
kyso_pdf_array_get_length (const KysoPdfObject *self);
KysoPdfObject *
kyso_pdf_array_get (const KysoPdfObject *self, guint index); /* borrowed */
void
kyso_pdf_array_add (KysoPdfObject *self, KysoPdfObject *item); /* takes ownership */

/* DICT (and STREAM, which forwards to its dictionary). Borrowed; NULL when absent. When a key
 * appears twice the last one wins, as most readers do. */
KysoPdfObject *
kyso_pdf_dict_get (const KysoPdfObject *self, const char *key);
guint
kyso_pdf_dict_get_size (const KysoPdfObject *self);
/* The @index-th entry in file order. */
const char *
kyso_pdf_dict_get_key_at (const KysoPdfObject *self, guint index);
KysoPdfObject *
kyso_pdf_dict_get_value_at (const KysoPdfObject *self, guint index);
/* Replaces or appends; takes ownership of @value. */
void
kyso_pdf_dict_set (KysoPdfObject *self, const char *key, KysoPdfObject *value);
void
kyso_pdf_dict_remove (KysoPdfObject *self, const char *key);

/* STREAM */
KysoPdfObject *
kyso_pdf_stream_get_dict (const KysoPdfObject *self); /* borrowed */
gint64
kyso_pdf_stream_get_data_offset (const KysoPdfObject *self);
gint64
kyso_pdf_stream_get_length (const KysoPdfObject *self);

/* A deep copy (streams keep pointing to the same file data). */
KysoPdfObject *
kyso_pdf_object_copy (const KysoPdfObject *self);

/* Appends the PDF syntax of @self to @out (streams: the dictionary only). Strings are written as
 * they came (literal with escapes, or hex), names with #xx escapes where needed. */
void
kyso_pdf_object_serialize (const KysoPdfObject *self, GString *out);
/* The same, as a new string; handy in tests and logs. */
char *
kyso_pdf_object_to_string (const KysoPdfObject *self);

G_END_DECLS
