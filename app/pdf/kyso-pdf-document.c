#include "config.h"

#include "kyso-pdf-document.h"
#include "kyso-pdf-filter.h"
#include "kyso-error.h"

#include <fcntl.h>
#include <errno.h>
#include <glib/gi18n-lib.h>
#include <string.h>
#include <unistd.h>

/* Real object streams hold a few hundred small objects: far below this. */
#define MAX_OBJSTM_BYTES (16 << 20)
#define MAX_OBJSTM_OBJECTS 100000
#define MAX_RESOLVE_DEPTH 16
#define CACHE_MAX 512

struct _KysoPdfDocument
{
  GObject parent_instance;
  char *path;
  KysoPdfSource *source;
  char *version;
  gssize header_offset; /* where "%PDF-" is; -1 without a header */
  gboolean linearized;
  GPtrArray *revisions;           /* KysoPdfRevision, oldest first */
  const KysoPdfXrefEntry **table; /* current definition of each object number */
  guint8 *table_rev;              /* which revision each current definition comes from */
  guint32 table_size;
  GHashTable *cache; /* object number → KysoPdfObject (current definitions) */
  KysoPdfObject *catalog;
  guint resolve_depth;
  /* The last object stream decoded: revision pages and forms often hit the same one in a row. */
  guint32 objstm_num;
  GBytes *objstm_data;
  GArray *objstm_offsets; /* pairs (num, offset) */
  gint64 objstm_first;
};

G_DEFINE_FINAL_TYPE (KysoPdfDocument, kyso_pdf_document, G_TYPE_OBJECT)

static void
kyso_pdf_document_finalize (GObject *object)
{
  KysoPdfDocument *self = KYSO_PDF_DOCUMENT (object);

  g_free (self->path);
  g_free (self->version);
  g_clear_pointer (&self->source, kyso_pdf_source_free);
  g_clear_pointer (&self->revisions, g_ptr_array_unref);
  g_free (self->table);
  g_free (self->table_rev);
  g_clear_pointer (&self->cache, g_hash_table_unref);
  g_clear_pointer (&self->catalog, kyso_pdf_object_unref);
  g_clear_pointer (&self->objstm_data, g_bytes_unref);
  g_clear_pointer (&self->objstm_offsets, g_array_unref);
  G_OBJECT_CLASS (kyso_pdf_document_parent_class)->finalize (object);
}

static void
kyso_pdf_document_class_init (KysoPdfDocumentClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = kyso_pdf_document_finalize;
}

static void
kyso_pdf_document_init (KysoPdfDocument *self)
{
  self->revisions = g_ptr_array_new_with_free_func ((GDestroyNotify)kyso_pdf_revision_free);
  self->cache = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify)kyso_pdf_object_unref);
}

static gboolean
set_broken (GError **error, const char *what)
{
  g_set_error (error, KYSO_ERROR, KYSO_ERROR_BROKEN_FILE,
               /* Translators: %s says what is wrong */
               _("The PDF file is damaged: %s. Open it in a PDF editor and save it again, then retry."),
                  what);
  return FALSE;
}

static gint64
resolve_length (guint32 num, guint32 gen, gpointer data)
{
  KysoPdfDocument *self = data;
  g_autoptr(KysoPdfObject) obj = kyso_pdf_document_get_object (self, num, NULL);
  gboolean ok;
  gint64 v = kyso_pdf_object_get_int (obj, &ok);

  return ok && kyso_pdf_object_get_kind (obj) == KYSO_PDF_INT ? v : -1;
}

/* Returns the offset of the header, or -1 without one. */
static gssize
read_header (KysoPdfDocument *self)
{
  char buf[1025] = { 0 };
  gssize n = kyso_pdf_source_read_some (self->source, 0, buf, 1024);
  const char *p = NULL;

  if (n <= 0)
    return -1;
  buf[n] = 0;
  for (gssize i = 0; i + 5 <= n && p == NULL; i++)
    if (memcmp (buf + i, "%PDF-", 5) == 0)
      p = buf + i;
  if (p == NULL)
    return -1;
  if (p + 8 <= buf + n && g_ascii_isdigit (p[5]) && p[6] == '.' && g_ascii_isdigit (p[7]))
    self->version = g_strndup (p + 5, 3);
  return p - buf;
}

/* A linearized file starts with a dictionary holding /Linearized (Annex F). */
static void
detect_linearized (KysoPdfDocument *self)
{
  KysoPdfLexer lexer;
  g_autoptr(KysoPdfObject) first = NULL;
  guint32 num, gen;
  gint64 pos = 0;
  char buf[1024];
  gssize n = kyso_pdf_source_read_some (self->source, 0, buf, sizeof buf);

  /* Skip the header line and its binary comment: the first object header follows. */
  for (gssize i = 0; i + 4 < n; i++)
    if (g_ascii_isdigit (buf[i]) && (i == 0 || buf[i - 1] == '\n' || buf[i - 1] == '\r')
        && g_strstr_len (buf + i, MIN (n - i, 24), "obj") != NULL)
      {
        pos = i;
        break;
      }
  if (pos == 0)
    return;
  kyso_pdf_lexer_init (&lexer, self->source, pos, TRUE);
  first = kyso_pdf_lexer_parse_indirect (&lexer, &num, &gen, NULL);
  kyso_pdf_lexer_clear (&lexer);
  self->linearized = kyso_pdf_dict_get (first, "Linearized") != NULL;
}

static gboolean
load_revisions (KysoPdfDocument *self, GError **error)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (g_int64_hash, g_int64_equal);
  g_autoptr(GArray) seen_keys = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GPtrArray) chain = g_ptr_array_new ();
  guint total = 0;
  gint64 offset;

  if (!kyso_pdf_xref_find_startxref (self->source, &offset, error))
    return FALSE;
  g_array_set_size (seen_keys, KYSO_PDF_MAX_SECTIONS);
  for (;;)
    {
      KysoPdfRevision *rev;
      KysoPdfObject *prev;
      gint64 *key;

      if (chain->len >= KYSO_PDF_MAX_SECTIONS)
        {
          g_set_error (error, KYSO_ERROR, KYSO_ERROR_LIMIT,
                       _("The PDF file has more revisions than Kyso accepts."));
          goto fail;
        }
      rev = kyso_pdf_xref_read_section (self->source, offset, resolve_length, self,
                                        KYSO_PDF_MAX_XREF_ENTRIES - total, error);
      if (rev == NULL)
        goto fail;
      g_ptr_array_add (chain, rev);
      total += rev->entries->len;
      key = &g_array_index (seen_keys, gint64, chain->len - 1);
      *key = rev->xref_offset;
      if (g_hash_table_contains (seen, key))
        {
          set_broken (error, _("its cross-reference sections point to each other in a loop"));
          goto fail;
        }
      g_hash_table_add (seen, key);
      prev = kyso_pdf_dict_get (rev->trailer, "Prev");
      if (prev == NULL)
        break;
      if (kyso_pdf_object_get_kind (prev) != KYSO_PDF_INT || kyso_pdf_object_get_int (prev, NULL) < 0)
        {
          set_broken (error, _("a /Prev entry is not a position"));
          goto fail;
        }
      offset = kyso_pdf_object_get_int (prev, NULL);
    }
  for (guint i = chain->len; i > 0; i--)
    g_ptr_array_add (self->revisions, g_ptr_array_index (chain, i - 1));
  return TRUE;

fail:
  for (guint i = 0; i < chain->len; i++)
    kyso_pdf_revision_free (g_ptr_array_index (chain, i));
  return FALSE;
}

static int
entry_rank (const KysoPdfXrefEntry *e)
{
  /* Within one hybrid section: table "n" entries, then /XRefStm entries, then table "f". */
  if (e->type == KYSO_PDF_XREF_ENTRY_FREE && !e->from_xrefstm)
    return 0;
  return e->from_xrefstm ? 1 : 2;
}

static gboolean
build_table (KysoPdfDocument *self, GError **error)
{
  guint32 size = 0;

  for (guint r = 0; r < self->revisions->len; r++)
    {
      KysoPdfRevision *rev = g_ptr_array_index (self->revisions, r);
      gint64 s = kyso_pdf_object_get_int (kyso_pdf_dict_get (rev->trailer, "Size"), NULL);
      if (s > 0 && s <= KYSO_PDF_MAX_OBJECT_NUM)
        size = MAX (size, (guint32)s);
      for (guint i = 0; i < rev->entries->len; i++)
        size = MAX (size, g_array_index (rev->entries, KysoPdfXrefEntry, i).num + 1);
    }
  if (size > KYSO_PDF_MAX_OBJECT_NUM)
    {
      g_set_error (error, KYSO_ERROR, KYSO_ERROR_LIMIT,
                   _("The PDF file has more objects than Kyso accepts."));
      return FALSE;
    }
  self->table_size = size;
  self->table = g_new0 (const KysoPdfXrefEntry *, MAX (size, 1));
  self->table_rev = g_new0 (guint8, MAX (size, 1));
  for (guint r = self->revisions->len; r > 0; r--)
    {
      KysoPdfRevision *rev = g_ptr_array_index (self->revisions, r - 1);

      for (guint i = 0; i < rev->entries->len; i++)
        {
          const KysoPdfXrefEntry *e = &g_array_index (rev->entries, KysoPdfXrefEntry, i);
          const KysoPdfXrefEntry *old = self->table[e->num];
          /* Newer sections win; inside a section the first entry wins unless ranked higher. */
          if (old == NULL)
            {
              self->table[e->num] = e;
              self->table_rev[e->num] = (guint8)MIN (r - 1, 255);
            }
          else if (self->table_rev[e->num] == MIN (r - 1, 255) && entry_rank (e) > entry_rank (old)
                   && (old >= &g_array_index (rev->entries, KysoPdfXrefEntry, 0)
                       && old < &g_array_index (rev->entries, KysoPdfXrefEntry, 0) + rev->entries->len))
            self->table[e->num] = e;
        }
    }
  return TRUE;
}

static KysoPdfDocument *
open_source (KysoPdfSource *source, const char *path, GError **error)
{
  g_autoptr(KysoPdfDocument) self = g_object_new (KYSO_TYPE_PDF_DOCUMENT, NULL);

  self->source = source;
  self->path = g_strdup (path);
  if (kyso_pdf_source_get_size (source) < 16)
    {
      set_broken (error, _("it is too short to be a PDF"));
      return NULL;
    }
  self->header_offset = read_header (self);
  if (!load_revisions (self, error) || !build_table (self, error))
    return NULL;
  detect_linearized (self);
  return g_steal_pointer (&self);
}

KysoPdfDocument *
kyso_pdf_document_open_fd (int fd, GError **error)
{
  KysoPdfSource *source = kyso_pdf_source_new_fd (fd, error);

  if (source == NULL)
    return NULL;
  return open_source (source, NULL, error);
}

KysoPdfDocument *
kyso_pdf_document_open (const char *path, GError **error)
{
  KysoPdfSource *source;
  int fd = open (path, O_RDONLY | O_CLOEXEC);

  if (fd < 0)
    {
      int saved = errno;
      g_autofree char *name = g_filename_display_name (path);
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   /* Translators: %s is a file name, then the reason */
                   _("Cannot open “%s”: %s"), name, g_strerror (saved));
      return NULL;
    }
  source = kyso_pdf_source_new_fd (fd, error);
  if (source == NULL)
    return NULL;
  return open_source (source, path, error);
}

KysoPdfDocument *
kyso_pdf_document_open_bytes (GBytes *bytes, GError **error)
{
  return open_source (kyso_pdf_source_new_bytes (bytes), NULL, error);
}

const char *
kyso_pdf_document_get_path (KysoPdfDocument *self)
{
  return self->path;
}

gint64
kyso_pdf_document_get_size (KysoPdfDocument *self)
{
  return kyso_pdf_source_get_size (self->source);
}

const char *
kyso_pdf_document_get_version (KysoPdfDocument *self)
{
  return self->version;
}

gboolean
kyso_pdf_document_get_linearized (KysoPdfDocument *self)
{
  return self->linearized;
}

gboolean
kyso_pdf_document_is_encrypted (KysoPdfDocument *self)
{
  return kyso_pdf_dict_get (kyso_pdf_document_get_trailer (self), "Encrypt") != NULL;
}

gboolean
kyso_pdf_document_check_signable (KysoPdfDocument *self, GError **error)
{
  if (kyso_pdf_document_is_encrypted (self))
    {
      g_set_error (error, KYSO_ERROR, KYSO_ERROR_ENCRYPTED,
                   _("The PDF file is encrypted (password-protected). Kyso cannot sign it without "
                     "changing its protection: remove the password in a PDF editor, then sign again."));
      return FALSE;
    }
  if (self->header_offset > 0)
    {
      /* Bytes before "%PDF-": qpdf and poppler then count every offset from the header, other
       * tools from the file's start, so no signature over it could be valid for both. */
      g_set_error (
        error, KYSO_ERROR, KYSO_ERROR_UNSUPPORTED,
        _("The PDF file has extra data before its start. Save it again with a PDF editor, then sign it."));
      return FALSE;
    }
  return TRUE;
}

guint
kyso_pdf_document_get_n_revisions (KysoPdfDocument *self)
{
  return self->revisions->len;
}

const KysoPdfRevision *
kyso_pdf_document_get_revision (KysoPdfDocument *self, guint index)
{
  g_return_val_if_fail (index < self->revisions->len, NULL);
  return g_ptr_array_index (self->revisions, index);
}

KysoPdfXrefKind
kyso_pdf_document_get_xref_kind (KysoPdfDocument *self)
{
  return kyso_pdf_document_get_revision (self, self->revisions->len - 1)->kind;
}

KysoPdfObject *
kyso_pdf_document_get_trailer (KysoPdfDocument *self)
{
  return kyso_pdf_document_get_revision (self, self->revisions->len - 1)->trailer;
}

KysoPdfObject *
kyso_pdf_document_find_trailer_key (KysoPdfDocument *self, const char *key)
{
  for (guint i = self->revisions->len; i > 0; i--)
    {
      KysoPdfRevision *rev = g_ptr_array_index (self->revisions, i - 1);
      KysoPdfObject *v = kyso_pdf_dict_get (rev->trailer, key);
      if (v != NULL)
        return v;
    }
  return NULL;
}

guint32
kyso_pdf_document_get_xref_size (KysoPdfDocument *self)
{
  return self->table_size;
}

const KysoPdfXrefEntry *
kyso_pdf_document_lookup (KysoPdfDocument *self, guint32 num)
{
  return num < self->table_size ? self->table[num] : NULL;
}

int
kyso_pdf_document_lookup_revision (KysoPdfDocument *self, guint32 num)
{
  if (num >= self->table_size || self->table[num] == NULL)
    return -1;
  /* table_rev saturates at 255; find the exact revision by pointer beyond that. */
  if (self->table_rev[num] < 255)
    return self->table_rev[num];
  for (guint r = 0; r < self->revisions->len; r++)
    {
      KysoPdfRevision *rev = g_ptr_array_index (self->revisions, r);
      if (rev->entries->len > 0 && self->table[num] >= &g_array_index (rev->entries, KysoPdfXrefEntry, 0)
          && self->table[num] < &g_array_index (rev->entries, KysoPdfXrefEntry, 0) + rev->entries->len)
        return (int)r;
    }
  return -1;
}

gboolean
kyso_pdf_document_read (KysoPdfDocument *self, gint64 offset, void *buffer, gsize len, GError **error)
{
  return kyso_pdf_source_read (self->source, offset, buffer, len, error);
}

GBytes *
kyso_pdf_document_decode_stream (KysoPdfDocument *self, KysoPdfObject *stream, gsize max_bytes,
                                 GError **error)
{
  return kyso_pdf_stream_decode (self->source, stream, max_bytes, error);
}

static KysoPdfObject *
object_not_found (guint32 num, GError **error, const char *why)
{
  g_autofree char *what = g_strdup_printf (_("object %u %s"), num, why);

  set_broken (error, what);
  return NULL;
}

static gboolean
load_objstm (KysoPdfDocument *self, guint32 stm_num, GError **error)
{
  const KysoPdfXrefEntry *e = kyso_pdf_document_lookup (self, stm_num);
  g_autoptr(KysoPdfObject) stm = NULL;
  g_autoptr(GBytes) data = NULL;
  g_autoptr(GArray) offsets = NULL;
  KysoPdfSource *src;
  KysoPdfLexer lexer;
  gint64 n, first;
  gboolean ok;

  if (self->objstm_data != NULL && self->objstm_num == stm_num)
    return TRUE;
  /* An object stream may not itself be compressed (§7.5.7); following one would also loop. */
  if (e == NULL || e->type != KYSO_PDF_XREF_ENTRY_IN_FILE)
    return object_not_found (stm_num, error, _("(an object stream) is missing or inside another one"))
                             != NULL;
  stm = kyso_pdf_document_get_object_at (self, e, error);
  if (stm == NULL)
    return FALSE;
  n = kyso_pdf_object_get_int (kyso_pdf_dict_get (stm, "N"), &ok);
  first = kyso_pdf_object_get_int (kyso_pdf_dict_get (stm, "First"), NULL);
  if (kyso_pdf_object_get_kind (stm) != KYSO_PDF_STREAM || !ok || n < 0 || n > MAX_OBJSTM_OBJECTS
      || first < 0)
    return object_not_found (stm_num, error, _("is not a valid object stream")) != NULL;
  data = kyso_pdf_stream_decode (self->source, stm, MAX_OBJSTM_BYTES, error);
  if (data == NULL)
    return FALSE;
  offsets = g_array_new (FALSE, FALSE, sizeof (gint64));
  src = kyso_pdf_source_new_bytes (data);
  kyso_pdf_lexer_init (&lexer, src, 0, FALSE);
  lexer.limit = MIN (first, (gint64)g_bytes_get_size (data));
  for (gint64 i = 0; i < n; i++)
    {
      gint64 pair[2];
      if (kyso_pdf_lexer_next (&lexer, NULL) != KYSO_PDF_TOKEN_INT || (pair[0] = lexer.tok.int_value) < 0
          || kyso_pdf_lexer_next (&lexer, NULL) != KYSO_PDF_TOKEN_INT || (pair[1] = lexer.tok.int_value) < 0)
        break; /* A short header: the objects listed so far still count (qpdf does the same). */
      g_array_append_vals (offsets, pair, 2);
    }
  kyso_pdf_lexer_clear (&lexer);
  kyso_pdf_source_free (src);
  g_clear_pointer (&self->objstm_data, g_bytes_unref);
  g_clear_pointer (&self->objstm_offsets, g_array_unref);
  self->objstm_num = stm_num;
  self->objstm_data = g_steal_pointer (&data);
  self->objstm_offsets = g_steal_pointer (&offsets);
  self->objstm_first = first;
  return TRUE;
}

static KysoPdfObject *
get_compressed (KysoPdfDocument *self, const KysoPdfXrefEntry *e, GError **error)
{
  g_autoptr(KysoPdfSource) src = NULL;
  KysoPdfLexer lexer;
  KysoPdfObject *obj;
  gint64 offset = -1;
  guint n_pairs;

  if (e->offset > G_MAXUINT32 || !load_objstm (self, (guint32)e->offset, error))
    return NULL;
  n_pairs = self->objstm_offsets->len / 2;
  /* Trust the index, but only if it names the right object; otherwise look the number up. */
  if (e->index < n_pairs && g_array_index (self->objstm_offsets, gint64, 2 * e->index) == e->num)
    offset = g_array_index (self->objstm_offsets, gint64, 2 * e->index + 1);
  for (guint i = 0; offset < 0 && i < n_pairs; i++)
    if (g_array_index (self->objstm_offsets, gint64, 2 * i) == e->num)
      offset = g_array_index (self->objstm_offsets, gint64, 2 * i + 1);
  /* Listed by the xref but absent from its stream: a reference to a missing object is null
   * (§7.3.10), which is also how qpdf and poppler read it. */
  if (offset < 0 || self->objstm_first + offset >= (gint64)g_bytes_get_size (self->objstm_data))
    return kyso_pdf_null_new ();
  src = kyso_pdf_source_new_bytes (self->objstm_data);
  kyso_pdf_lexer_init (&lexer, src, self->objstm_first + offset, FALSE);
  obj = kyso_pdf_lexer_parse_object (&lexer, error);
  kyso_pdf_lexer_clear (&lexer);
  return obj;
}

KysoPdfObject *
kyso_pdf_document_get_object_at (KysoPdfDocument *self, const KysoPdfXrefEntry *e, GError **error)
{
  KysoPdfObject *obj = NULL;
  KysoPdfLexer lexer;
  guint32 num, gen;

  if (e == NULL || e->type == KYSO_PDF_XREF_ENTRY_FREE
      || (e->type == KYSO_PDF_XREF_ENTRY_IN_FILE && e->offset == 0))
    return kyso_pdf_null_new ();
  if (self->resolve_depth >= MAX_RESOLVE_DEPTH)
    {
      g_set_error (error, KYSO_ERROR, KYSO_ERROR_LIMIT,
                   _("The PDF file is too complex to process safely (%s)."), _("nested references"));
      return NULL;
    }
  self->resolve_depth++;
  if (e->type == KYSO_PDF_XREF_ENTRY_COMPRESSED)
    obj = get_compressed (self, e, error);
  else if ((gint64)e->offset >= kyso_pdf_source_get_size (self->source))
    object_not_found (e->num, error, _("points past the end of the file"));
  else
    {
      kyso_pdf_lexer_init (&lexer, self->source, (gint64)e->offset, TRUE);
      lexer.resolve_length = resolve_length;
      lexer.resolve_data = self;
      obj = kyso_pdf_lexer_parse_indirect (&lexer, &num, &gen, error);
      kyso_pdf_lexer_clear (&lexer);
      if (obj != NULL && num != e->num)
        {
          g_clear_pointer (&obj, kyso_pdf_object_unref);
          g_clear_error (error);
          object_not_found (e->num, error, _("is not where the cross-reference table says"));
        }
    }
  self->resolve_depth--;
  return obj;
}

KysoPdfObject *
kyso_pdf_document_get_object (KysoPdfDocument *self, guint32 num, GError **error)
{
  KysoPdfObject *obj = g_hash_table_lookup (self->cache, GUINT_TO_POINTER (num));

  if (obj != NULL)
    return kyso_pdf_object_ref (obj);
  obj = kyso_pdf_document_get_object_at (self, kyso_pdf_document_lookup (self, num), error);
  if (obj == NULL)
    return NULL;
  if (g_hash_table_size (self->cache) >= CACHE_MAX)
    g_hash_table_remove_all (self->cache);
  g_hash_table_insert (self->cache, GUINT_TO_POINTER (num), kyso_pdf_object_ref (obj));
  return obj;
}

KysoPdfObject *
kyso_pdf_document_resolve (KysoPdfDocument *self, KysoPdfObject *obj, GError **error)
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
      next = kyso_pdf_document_get_object (self, kyso_pdf_object_get_ref_num (cur), error);
      if (next == NULL)
        return NULL;
      kyso_pdf_object_unref (cur);
      cur = next;
    }
  return g_steal_pointer (&cur);
}

KysoPdfObject *
kyso_pdf_document_get_catalog (KysoPdfDocument *self, GError **error)
{
  KysoPdfObject *ref;
  g_autoptr(KysoPdfObject) root = NULL;

  if (self->catalog != NULL)
    return self->catalog;
  ref = kyso_pdf_document_find_trailer_key (self, "Root");
  if (kyso_pdf_object_get_kind (ref) != KYSO_PDF_REF)
    {
      set_broken (error, _("it has no document catalog"));
      return NULL;
    }
  root = kyso_pdf_document_resolve (self, ref, error);
  if (root == NULL)
    return NULL;
  if (kyso_pdf_object_get_kind (root) != KYSO_PDF_DICT)
    {
      set_broken (error, _("its document catalog is not a dictionary"));
      return NULL;
    }
  self->catalog = g_steal_pointer (&root);
  return self->catalog;
}
