#include "config.h"

#include "kyso-pdf-changes-private.h"
#include "kyso-error.h"

#include <glib/gi18n-lib.h>
#include <string.h>

/* Bytes of whitespace tolerated between "%%EOF" and where a signature's ranges end. */
#define EOF_SLACK 32

static int
entry_rank (const KysoPdfXrefEntry *e)
{
  /* The same precedence as kyso_pdf_document_lookup() inside one hybrid section: table "n"
   * entries, then /XRefStm entries, then table "f" entries; otherwise the first entry wins. */
  if (e->type == KYSO_PDF_XREF_ENTRY_FREE && !e->from_xrefstm)
    return 0;
  return e->from_xrefstm ? 1 : 2;
}

KysoPdfHistory *
kyso_pdf_history_new (KysoPdfDocument *doc, KysoPdfSource *source)
{
  KysoPdfHistory *self = g_new0 (KysoPdfHistory, 1);

  self->doc = g_object_ref (doc);
  self->source = source;
  self->n_revs = kyso_pdf_document_get_n_revisions (doc);
  self->index = g_new0 (GHashTable *, self->n_revs);
  self->diffs = g_new0 (KysoPdfRevisionDiff *, self->n_revs);
  return self;
}

static void
diff_free (KysoPdfRevisionDiff *diff)
{
  if (diff == NULL)
    return;
  g_ptr_array_unref (diff->reasons);
  g_free (diff);
}

void
kyso_pdf_history_free (KysoPdfHistory *self)
{
  if (self == NULL)
    return;
  for (guint i = 0; i < self->n_revs; i++)
    {
      g_clear_pointer (&self->index[i], g_hash_table_unref);
      diff_free (self->diffs[i]);
    }
  g_free (self->index);
  g_free (self->diffs);
  g_object_unref (self->doc);
  kyso_pdf_source_free (self->source);
  g_free (self);
}

KysoPdfDocument *
kyso_pdf_history_get_document (KysoPdfHistory *self)
{
  return self->doc;
}

guint
kyso_pdf_history_get_n_revisions (KysoPdfHistory *self)
{
  return self->n_revs;
}

/* num → entry for what revision @rev itself lists, built on first use. */
GHashTable *
kyso_pdf_history_get_index (KysoPdfHistory *self, guint rev)
{
  const KysoPdfRevision *r;

  if (self->index[rev] != NULL)
    return self->index[rev];
  r = kyso_pdf_document_get_revision (self->doc, rev);
  self->index[rev] = g_hash_table_new (NULL, NULL);
  for (guint i = 0; i < r->entries->len; i++)
    {
      const KysoPdfXrefEntry *e = &g_array_index (r->entries, KysoPdfXrefEntry, i);
      const KysoPdfXrefEntry *old = g_hash_table_lookup (self->index[rev], GUINT_TO_POINTER (e->num));

      if (old == NULL || entry_rank (e) > entry_rank (old))
        g_hash_table_insert (self->index[rev], GUINT_TO_POINTER (e->num), (gpointer)e);
    }
  return self->index[rev];
}

const KysoPdfXrefEntry *
kyso_pdf_history_lookup (KysoPdfHistory *self, guint rev, guint32 num)
{
  g_return_val_if_fail (rev < self->n_revs, NULL);
  for (guint r = rev + 1; r > 0; r--)
    {
      const KysoPdfXrefEntry *e
        = g_hash_table_lookup (kyso_pdf_history_get_index (self, r - 1), GUINT_TO_POINTER (num));
      if (e != NULL)
        return e;
    }
  return NULL;
}

KysoPdfObject *
kyso_pdf_history_get_object (KysoPdfHistory *self, guint rev, guint32 num, gboolean *exact, GError **error)
{
  const KysoPdfXrefEntry *e = kyso_pdf_history_lookup (self, rev, num);
  KysoPdfObject *obj;
  KysoPdfObject *len;

  if (exact != NULL)
    *exact = TRUE;
  /* The document reads an object stream, and an indirect /Length, through their newest
   * definitions; when those differ from state @rev's, the bytes read are not that state's. */
  if (e != NULL && e->type == KYSO_PDF_XREF_ENTRY_COMPRESSED && exact != NULL && e->offset <= G_MAXUINT32
      && kyso_pdf_history_lookup (self, rev, (guint32)e->offset)
           != kyso_pdf_document_lookup (self->doc, (guint32)e->offset))
    *exact = FALSE;
  obj = kyso_pdf_document_get_object_at (self->doc, e, error);
  if (obj != NULL && exact != NULL && kyso_pdf_object_get_kind (obj) == KYSO_PDF_STREAM
      && kyso_pdf_object_get_kind (len = kyso_pdf_dict_get (obj, "Length")) == KYSO_PDF_REF
      && kyso_pdf_history_lookup (self, rev, kyso_pdf_object_get_ref_num (len))
           != kyso_pdf_document_lookup (self->doc, kyso_pdf_object_get_ref_num (len)))
    *exact = FALSE;
  return obj;
}

KysoPdfObject *
kyso_pdf_history_resolve (KysoPdfHistory *self, guint rev, KysoPdfObject *obj, GError **error)
{
  g_autoptr(KysoPdfObject) cur = obj != NULL ? kyso_pdf_object_ref (obj) : kyso_pdf_null_new ();

  for (guint i = 0; kyso_pdf_object_get_kind (cur) == KYSO_PDF_REF; i++)
    {
      KysoPdfObject *next;

      if (i >= 8)
        {
          g_set_error (error, KYSO_ERROR, KYSO_ERROR_LIMIT,
                       _("The PDF file is too complex to process safely (%s)."), _("nested references"));
          return NULL;
        }
      next = kyso_pdf_history_get_object (self, rev, kyso_pdf_object_get_ref_num (cur), NULL, error);
      if (next == NULL)
        return NULL;
      kyso_pdf_object_unref (cur);
      cur = next;
    }
  return g_steal_pointer (&cur);
}

KysoPdfObject *
kyso_pdf_history_get_trailer (KysoPdfHistory *self, guint rev)
{
  g_return_val_if_fail (rev < self->n_revs, NULL);
  return kyso_pdf_document_get_revision (self->doc, rev)->trailer;
}

static gint64
revision_end (const KysoPdfRevision *r)
{
  return r->eof_offset >= 0 ? r->eof_offset : r->section_end;
}

/* Whether only whitespace separates @a and @b (in either order), and not much of it. */
static gboolean
only_space_between (KysoPdfHistory *self, gint64 a, gint64 b)
{
  guint8 buf[EOF_SLACK];
  gint64 lo = MIN (a, b), hi = MAX (a, b);

  if (hi - lo > EOF_SLACK)
    return FALSE;
  if (hi == lo)
    return TRUE;
  if (!kyso_pdf_source_read (self->source, lo, buf, (gsize)(hi - lo), NULL))
    return FALSE;
  for (gint64 i = 0; i < hi - lo; i++)
    if (!kyso_pdf_is_whitespace (buf[i]))
      return FALSE;
  return TRUE;
}

int
kyso_pdf_history_revision_ending_at (KysoPdfHistory *self, gint64 offset)
{
  gint64 prefix_end = 0;

  for (guint k = 0; k < self->n_revs; k++)
    {
      gboolean prefix = TRUE;

      /* A linearized original has two sections written at once, the newer one first in the
       * file: the file as revisions 0..k left it ends where the last of them ends. */
      prefix_end = MAX (prefix_end, revision_end (kyso_pdf_document_get_revision (self->doc, k)));
      if (!only_space_between (self, offset, prefix_end))
        continue;
      /* Revisions 0..k must lie before @offset and every later one after it. */
      for (guint i = 0; i < self->n_revs && prefix; i++)
        {
          const KysoPdfRevision *o = kyso_pdf_document_get_revision (self->doc, i);
          prefix = i <= k ? o->section_end <= offset : o->xref_offset >= offset;
        }
      if (prefix)
        return (int)k;
    }
  return -1;
}

void
kyso_pdf_history_get_span (KysoPdfHistory *self, guint rev, gint64 *start, gint64 *end)
{
  const KysoPdfRevision *r = kyso_pdf_document_get_revision (self->doc, rev);

  /* The body starts where the revision before it in the file ended. */
  *start = 0;
  for (guint i = 0; i < self->n_revs; i++)
    {
      gint64 e = revision_end (kyso_pdf_document_get_revision (self->doc, i));
      if (i != rev && e <= r->xref_offset)
        *start = MAX (*start, e);
    }
  *end = revision_end (r);
}

static gboolean
stream_data_equal (KysoPdfHistory *self, KysoPdfObject *a, KysoPdfObject *b)
{
  gint64 len = kyso_pdf_stream_get_length (a);
  gint64 oa = kyso_pdf_stream_get_data_offset (a), ob = kyso_pdf_stream_get_data_offset (b);
  g_autofree guint8 *ba = NULL, *bb = NULL;

  if (len != kyso_pdf_stream_get_length (b))
    return FALSE;
  if (oa == ob)
    return TRUE;
  ba = g_malloc (64 * 1024);
  bb = g_malloc (64 * 1024);
  for (gint64 done = 0; done < len;)
    {
      gsize n = (gsize)MIN (len - done, 64 * 1024);
      if (!kyso_pdf_source_read (self->source, oa + done, ba, n, NULL)
          || !kyso_pdf_source_read (self->source, ob + done, bb, n, NULL) || memcmp (ba, bb, n) != 0)
        return FALSE;
      done += (gint64)n;
    }
  return TRUE;
}

static gboolean
equal_rec (KysoPdfHistory *self, KysoPdfObject *a, KysoPdfObject *b, guint depth)
{
  KysoPdfObjectType ka = kyso_pdf_object_get_kind (a), kb = kyso_pdf_object_get_kind (b);
  const guint8 *sa, *sb;
  gsize la, lb;

  if (depth > 128)
    return FALSE;
  if ((ka == KYSO_PDF_INT || ka == KYSO_PDF_REAL) && (kb == KYSO_PDF_INT || kb == KYSO_PDF_REAL))
    return kyso_pdf_object_get_number (a, NULL) == kyso_pdf_object_get_number (b, NULL);
  if (ka != kb)
    return FALSE;
  switch (ka)
    {
      case KYSO_PDF_NULL:
        return TRUE;
      case KYSO_PDF_BOOL:
        return kyso_pdf_object_get_bool (a) == kyso_pdf_object_get_bool (b);
      case KYSO_PDF_NAME:
        return g_strcmp0 (kyso_pdf_object_get_name (a), kyso_pdf_object_get_name (b)) == 0;
      case KYSO_PDF_STRING:
        sa = kyso_pdf_object_get_string (a, &la);
        sb = kyso_pdf_object_get_string (b, &lb);
        return la == lb && (la == 0 || memcmp (sa, sb, la) == 0);
      case KYSO_PDF_REF:
        return kyso_pdf_object_get_ref_num (a) == kyso_pdf_object_get_ref_num (b)
               && kyso_pdf_object_get_ref_gen (a) == kyso_pdf_object_get_ref_gen (b);
      case KYSO_PDF_ARRAY:
        if (kyso_pdf_array_get_length (a) != kyso_pdf_array_get_length (b))
          return FALSE;
        for (guint i = 0; i < kyso_pdf_array_get_length (a); i++)
          if (!equal_rec (self, kyso_pdf_array_get (a, i), kyso_pdf_array_get (b, i), depth + 1))
            return FALSE;
        return TRUE;
      case KYSO_PDF_DICT:
      case KYSO_PDF_STREAM:
        if (kyso_pdf_dict_get_size (a) != kyso_pdf_dict_get_size (b))
          return FALSE;
        for (guint i = 0; i < kyso_pdf_dict_get_size (a); i++)
          {
            KysoPdfObject *vb = kyso_pdf_dict_get (b, kyso_pdf_dict_get_key_at (a, i));
            if (vb == NULL || !equal_rec (self, kyso_pdf_dict_get_value_at (a, i), vb, depth + 1))
              return FALSE;
          }
        return ka == KYSO_PDF_DICT || stream_data_equal (self, a, b);
      case KYSO_PDF_INT:
      case KYSO_PDF_REAL:
      default:
        return FALSE;
    }
}

gboolean
kyso_pdf_history_objects_equal (KysoPdfHistory *self, KysoPdfObject *a, KysoPdfObject *b)
{
  return equal_rec (self, a, b, 0);
}
