/* The page tree and the interactive form of a KysoPdfDocument (ISO 32000-1 §7.7.3, §12.7). */
#include "config.h"

#include "kyso-pdf-document.h"
#include "kyso-error.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#define MAX_TREE_DEPTH 64
#define MAX_PAGES (1 << 20)
#define MAX_FIELDS 100000

static gboolean
set_broken (GError **error, const char *what)
{
  g_set_error (error, KYSO_ERROR, KYSO_ERROR_BROKEN_FILE,
               /* Translators: %s says what is wrong */
               _("The PDF file is damaged: %s. Open it in a PDF editor and save it again, then retry."),
                  what);
  return FALSE;
}

void
kyso_pdf_page_free (KysoPdfPage *page)
{
  if (page == NULL)
    return;
  g_clear_pointer (&page->dict, kyso_pdf_object_unref);
  g_free (page);
}

void
kyso_pdf_field_free (KysoPdfField *field)
{
  if (field == NULL)
    return;
  g_free (field->name);
  g_clear_pointer (&field->value, kyso_pdf_object_unref);
  g_free (field);
}

typedef struct
{
  KysoPdfObject *node; /* resolved /Pages dictionary */
  KysoPdfObject *kids; /* its resolved /Kids */
  guint32 num;
  guint next;
} Frame;

static void
frame_clear (gpointer p)
{
  Frame *f = p;

  g_clear_pointer (&f->node, kyso_pdf_object_unref);
  g_clear_pointer (&f->kids, kyso_pdf_object_unref);
}

static gboolean
is_pages_node (KysoPdfObject *dict)
{
  KysoPdfObject *type = kyso_pdf_dict_get (dict, "Type");

  if (kyso_pdf_object_is_name (type, "Pages"))
    return TRUE;
  if (kyso_pdf_object_is_name (type, "Page"))
    return FALSE;
  /* Without a usable /Type, a node with /Kids is an intermediate node (qpdf does the same). */
  return kyso_pdf_object_get_kind (kyso_pdf_dict_get (dict, "Kids")) == KYSO_PDF_ARRAY
         || kyso_pdf_object_get_kind (kyso_pdf_dict_get (dict, "Kids")) == KYSO_PDF_REF;
}

static gboolean
read_box (KysoPdfDocument *doc, KysoPdfObject *value, double box[4])
{
  g_autoptr(KysoPdfObject) arr = kyso_pdf_document_resolve (doc, value, NULL);
  double v[4];

  if (kyso_pdf_array_get_length (arr) != 4)
    return FALSE;
  for (guint i = 0; i < 4; i++)
    {
      gboolean ok;
      g_autoptr(KysoPdfObject) n = kyso_pdf_document_resolve (doc, kyso_pdf_array_get (arr, i), NULL);
      v[i] = kyso_pdf_object_get_number (n, &ok);
      if (!ok || !isfinite (v[i]))
        return FALSE;
    }
  box[0] = MIN (v[0], v[2]);
  box[1] = MIN (v[1], v[3]);
  box[2] = MAX (v[0], v[2]);
  box[3] = MAX (v[1], v[3]);
  return box[2] > box[0] && box[3] > box[1];
}

/* The attribute on the leaf or, failing that, the nearest ancestor (§7.7.3.4). */
static KysoPdfObject *
inherited (KysoPdfObject *leaf, GArray *stack, const char *key)
{
  KysoPdfObject *v = kyso_pdf_dict_get (leaf, key);

  for (guint i = stack->len; v == NULL && i > 0; i--)
    v = kyso_pdf_dict_get (g_array_index (stack, Frame, i - 1).node, key);
  return v;
}

static KysoPdfPage *
make_page (KysoPdfDocument *doc, KysoPdfObject *leaf, GArray *stack, KysoPdfObject *ref, guint index)
{
  KysoPdfPage *page = g_new0 (KysoPdfPage, 1);
  gboolean ok;
  gint64 rot;

  page->index = index;
  page->dict = kyso_pdf_object_ref (leaf);
  if (kyso_pdf_object_get_kind (ref) == KYSO_PDF_REF)
    {
      page->num = kyso_pdf_object_get_ref_num (ref);
      page->gen = kyso_pdf_object_get_ref_gen (ref);
    }
  if (stack->len > 0)
    {
      Frame *parent = &g_array_index (stack, Frame, stack->len - 1);
      page->parent_num = parent->num;
      page->kid_index = parent->next - 1;
    }
  /* US Letter is what readers assume when a page has no usable /MediaBox. */
  if (!read_box (doc, inherited (leaf, stack, "MediaBox"), page->media_box))
    {
      page->media_box[0] = page->media_box[1] = 0;
      page->media_box[2] = 612;
      page->media_box[3] = 792;
    }
  memcpy (page->crop_box, page->media_box, sizeof page->crop_box);
  if (read_box (doc, inherited (leaf, stack, "CropBox"), page->crop_box))
    {
      page->crop_box[0] = MAX (page->crop_box[0], page->media_box[0]);
      page->crop_box[1] = MAX (page->crop_box[1], page->media_box[1]);
      page->crop_box[2] = MIN (page->crop_box[2], page->media_box[2]);
      page->crop_box[3] = MIN (page->crop_box[3], page->media_box[3]);
      if (page->crop_box[2] <= page->crop_box[0] || page->crop_box[3] <= page->crop_box[1])
        memcpy (page->crop_box, page->media_box, sizeof page->crop_box);
    }
  {
    g_autoptr(KysoPdfObject) r = kyso_pdf_document_resolve (doc, inherited (leaf, stack, "Rotate"), NULL);
    rot = kyso_pdf_object_get_int (r, &ok);
  }
  rot = ok ? rot % 360 : 0;
  if (rot < 0)
    rot += 360;
  /* Only multiples of 90 are meaningful; round as viewers do. */
  page->rotate = (int)(((rot + 45) / 90) % 4) * 90;
  return page;
}

/* Walks the tree until leaf @target (returned) or the end (*count = number of pages). */
static KysoPdfPage *
walk_pages (KysoPdfDocument *doc, guint target, guint *count, GError **error)
{
  g_autoptr(GArray) stack = g_array_new (FALSE, TRUE, sizeof (Frame));
  g_autoptr(GHashTable) seen = g_hash_table_new (NULL, NULL);
  g_autoptr(KysoPdfObject) root = NULL;
  KysoPdfObject *catalog = kyso_pdf_document_get_catalog (doc, error);
  KysoPdfObject *root_ref;
  guint n = 0;

  g_array_set_clear_func (stack, frame_clear);
  *count = 0;
  if (catalog == NULL)
    return NULL;
  root_ref = kyso_pdf_dict_get (catalog, "Pages");
  root = kyso_pdf_document_resolve (doc, root_ref, error);
  if (root == NULL)
    return NULL;
  /* No page tree at all (or a null one): a document without pages, as qpdf reads it. */
  if (kyso_pdf_object_get_kind (root) != KYSO_PDF_DICT)
    return NULL;
  if (!is_pages_node (root))
    {
      /* A catalog whose /Pages is itself a page: one page (qpdf accepts this). */
      *count = 1;
      return target == 0 ? make_page (doc, root, stack, root_ref, 0) : NULL;
    }
  {
    Frame f = { kyso_pdf_object_ref (root), NULL, kyso_pdf_object_get_ref_num (root_ref), 0 };
    f.kids = kyso_pdf_document_resolve (doc, kyso_pdf_dict_get (root, "Kids"), error);
    if (f.kids == NULL)
      {
        frame_clear (&f);
        return NULL;
      }
    g_array_append_val (stack, f);
    g_hash_table_add (seen, GUINT_TO_POINTER (f.num));
  }
  while (stack->len > 0)
    {
      Frame *top = &g_array_index (stack, Frame, stack->len - 1);
      KysoPdfObject *kid_ref;
      g_autoptr(KysoPdfObject) kid = NULL;

      if (top->next >= kyso_pdf_array_get_length (top->kids))
        {
          g_array_set_size (stack, stack->len - 1);
          continue;
        }
      kid_ref = kyso_pdf_array_get (top->kids, top->next++);
      kid = kyso_pdf_document_resolve (doc, kid_ref, error);
      if (kid == NULL)
        return NULL;
      if (kyso_pdf_object_get_kind (kid) != KYSO_PDF_DICT)
        continue; /* A null or bogus kid is skipped, as viewers do. */
      if (is_pages_node (kid))
        {
          Frame f = { NULL, NULL, kyso_pdf_object_get_ref_num (kid_ref), 0 };
          /* Each intermediate node is visited once: that breaks loops and shared subtrees. */
          if (f.num != 0 && !g_hash_table_add (seen, GUINT_TO_POINTER (f.num)))
            continue;
          if (stack->len >= MAX_TREE_DEPTH)
            return set_broken (error, _("its page tree is too deep")), NULL;
          f.kids = kyso_pdf_document_resolve (doc, kyso_pdf_dict_get (kid, "Kids"), error);
          if (f.kids == NULL)
            return NULL;
          f.node = g_steal_pointer (&kid);
          g_array_append_val (stack, f);
          continue;
        }
      if (n == target)
        {
          *count = n + 1;
          return make_page (doc, kid, stack, kid_ref, n);
        }
      if (++n >= MAX_PAGES)
        {
          g_set_error (error, KYSO_ERROR, KYSO_ERROR_LIMIT,
                       _("The PDF file has more pages than Kyso accepts."));
          return NULL;
        }
    }
  *count = n;
  return NULL;
}

guint
kyso_pdf_document_get_n_pages (KysoPdfDocument *self, GError **error)
{
  gpointer cached = g_object_get_data (G_OBJECT (self), "kyso-n-pages");
  guint count = 0;
  KysoPdfPage *page;
  GError *local = NULL;

  if (cached != NULL)
    return GPOINTER_TO_UINT (cached) - 1;
  page = walk_pages (self, G_MAXUINT, &count, &local);
  kyso_pdf_page_free (page);
  if (local != NULL)
    {
      g_propagate_error (error, local);
      return 0;
    }
  g_object_set_data (G_OBJECT (self), "kyso-n-pages", GUINT_TO_POINTER (count + 1));
  return count;
}

KysoPdfPage *
kyso_pdf_document_get_page (KysoPdfDocument *self, guint index, GError **error)
{
  guint count = 0;
  GError *local = NULL;
  KysoPdfPage *page = walk_pages (self, index, &count, &local);

  if (local != NULL)
    {
      g_propagate_error (error, local);
      return NULL;
    }
  if (page == NULL)
    g_set_error (error, KYSO_ERROR, KYSO_ERROR_INVALID_INPUT,
                 /* Translators: %u is a page number, %u the number of pages */
                 _("Page %u does not exist: the document has %u pages."), index + 1, count);
  return page;
}

KysoPdfObject *
kyso_pdf_document_get_acroform (KysoPdfDocument *self, GError **error)
{
  KysoPdfObject *catalog = kyso_pdf_document_get_catalog (self, error);
  KysoPdfObject *form;

  if (catalog == NULL)
    return NULL;
  form = kyso_pdf_document_resolve (self, kyso_pdf_dict_get (catalog, "AcroForm"), error);
  if (form != NULL && kyso_pdf_object_get_kind (form) != KYSO_PDF_DICT)
    g_clear_pointer (&form, kyso_pdf_object_unref);
  return form;
}

/* Text strings are PDFDocEncoding or UTF-16BE with a BOM (§7.9.2.2); names only need to be
 * compared, so Latin-1 is close enough for the former. */
static char *
text_string_to_utf8 (KysoPdfObject *str)
{
  gsize len;
  const guint8 *d = kyso_pdf_object_get_string (str, &len);
  char *s;

  if (d == NULL)
    return NULL;
  if (len >= 2 && d[0] == 0xfe && d[1] == 0xff)
    {
      s = g_convert ((const char *)d + 2, (gssize)len - 2, "UTF-8", "UTF-16BE", NULL, NULL, NULL);
      if (s != NULL)
        return s;
    }
  s = g_convert ((const char *)d, (gssize)len, "UTF-8", "ISO-8859-1", NULL, NULL, NULL);
  return s != NULL ? s : g_strdup ("?");
}

typedef struct
{
  KysoPdfDocument *doc;
  GPtrArray *out;
  GHashTable *seen;
} FieldWalk;

static gboolean
walk_field (FieldWalk *w, KysoPdfObject *ref, const char *parent_name, gboolean parent_sig, guint depth,
            GError **error)
{
  g_autoptr(KysoPdfObject) field = NULL;
  g_autoptr(KysoPdfObject) kids = NULL;
  g_autofree char *t = NULL;
  g_autofree char *name = NULL;
  KysoPdfObject *ft;
  gboolean is_sig, has_field_kids = FALSE;
  guint32 num = kyso_pdf_object_get_ref_num (ref);

  if (depth > MAX_TREE_DEPTH || g_hash_table_size (w->seen) > MAX_FIELDS)
    return set_broken (error, _("its form is too deep"));
  if (num != 0 && !g_hash_table_add (w->seen, GUINT_TO_POINTER (num)))
    return TRUE;
  field = kyso_pdf_document_resolve (w->doc, ref, error);
  if (field == NULL)
    return FALSE;
  if (kyso_pdf_object_get_kind (field) != KYSO_PDF_DICT)
    return TRUE;
  ft = kyso_pdf_dict_get (field, "FT");
  is_sig = ft != NULL ? kyso_pdf_object_is_name (ft, "Sig") : parent_sig;
  t = text_string_to_utf8 (kyso_pdf_dict_get (field, "T"));
  if (t != NULL && parent_name != NULL)
    name = g_strconcat (parent_name, ".", t, NULL);
  else
    name = g_strdup (t != NULL ? t : parent_name);
  kids = kyso_pdf_document_resolve (w->doc, kyso_pdf_dict_get (field, "Kids"), NULL);
  for (guint i = 0; i < kyso_pdf_array_get_length (kids); i++)
    {
      KysoPdfObject *kid_ref = kyso_pdf_array_get (kids, i);
      g_autoptr(KysoPdfObject) kid = NULL;
      /* A kid already walked (a loop back up the tree) does not make this an inner node. */
      if (kyso_pdf_object_get_ref_num (kid_ref) != 0
          && g_hash_table_contains (w->seen, GUINT_TO_POINTER (kyso_pdf_object_get_ref_num (kid_ref))))
        continue;
      kid = kyso_pdf_document_resolve (w->doc, kid_ref, NULL);
      if (kyso_pdf_dict_get (kid, "T") != NULL)
        has_field_kids = TRUE;
    }
  if (has_field_kids)
    {
      for (guint i = 0; i < kyso_pdf_array_get_length (kids); i++)
        if (!walk_field (w, kyso_pdf_array_get (kids, i), name, is_sig, depth + 1, error))
          return FALSE;
      return TRUE;
    }
  {
    KysoPdfField *f = g_new0 (KysoPdfField, 1);
    KysoPdfObject *v = kyso_pdf_dict_get (field, "V");
    f->name = g_steal_pointer (&name);
    f->num = num;
    f->is_signature = is_sig;
    f->value_num = kyso_pdf_object_get_ref_num (v);
    f->value = v != NULL ? kyso_pdf_document_resolve (w->doc, v, NULL) : NULL;
    if (f->value != NULL && kyso_pdf_object_get_kind (f->value) == KYSO_PDF_NULL)
      g_clear_pointer (&f->value, kyso_pdf_object_unref);
    g_ptr_array_add (w->out, f);
  }
  return TRUE;
}

GPtrArray *
kyso_pdf_document_list_fields (KysoPdfDocument *self, GError **error)
{
  g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func ((GDestroyNotify)kyso_pdf_field_free);
  g_autoptr(GHashTable) seen = g_hash_table_new (NULL, NULL);
  g_autoptr(KysoPdfObject) form = NULL;
  g_autoptr(KysoPdfObject) fields = NULL;
  GError *local = NULL;
  FieldWalk w = { self, out, seen };

  form = kyso_pdf_document_get_acroform (self, &local);
  if (local != NULL)
    {
      g_propagate_error (error, local);
      return NULL;
    }
  if (form == NULL)
    return g_steal_pointer (&out);
  fields = kyso_pdf_document_resolve (self, kyso_pdf_dict_get (form, "Fields"), error);
  if (fields == NULL)
    return NULL;
  for (guint i = 0; i < kyso_pdf_array_get_length (fields); i++)
    if (!walk_field (&w, kyso_pdf_array_get (fields, i), NULL, FALSE, 0, error))
      return NULL;
  return g_steal_pointer (&out);
}
