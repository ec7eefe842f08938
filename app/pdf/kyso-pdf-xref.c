#include "config.h"

#include "kyso-pdf-xref.h"
#include "kyso-pdf-filter.h"
#include "kyso-error.h"

#include <glib/gi18n-lib.h>
#include <string.h>

/* How far from a stated offset we look for the section it meant: writers that count one end of
 * line wrong are common, and qpdf accepts them. Further off is a damaged file. */
#define OFFSET_SLACK 32
#define TAIL_SEARCH (32 * 1024)
#define MAX_XREF_STREAM_BYTES (32 << 20)

void
kyso_pdf_revision_free (KysoPdfRevision *rev)
{
  if (rev == NULL)
    return;
  g_clear_pointer (&rev->trailer, kyso_pdf_object_unref);
  g_clear_pointer (&rev->entries, g_array_unref);
  g_free (rev);
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

gboolean
kyso_pdf_xref_find_startxref (KysoPdfSource *source, gint64 *offset, GError **error)
{
  gint64 size = kyso_pdf_source_get_size (source);
  gint64 start = MAX (0, size - TAIL_SEARCH);
  g_autofree char *tail = g_malloc ((gsize)(size - start) + 1);
  gsize len = (gsize)(size - start);
  KysoPdfLexer lexer;
  gint64 found = -1;
  gboolean ok = FALSE;

  if (!kyso_pdf_source_read (source, start, tail, len, error))
    return FALSE;
  for (gsize i = len; i >= 9 && found < 0; i--)
    if (memcmp (tail + i - 9, "startxref", 9) == 0)
      found = start + (gint64)(i - 9);
  if (found < 0)
    return set_broken (error, _("its end (“startxref”) is missing"));
  kyso_pdf_lexer_init (&lexer, source, found + 9, TRUE);
  if (kyso_pdf_lexer_next (&lexer, NULL) == KYSO_PDF_TOKEN_INT && lexer.tok.int_value >= 0
      && lexer.tok.int_value < size)
    {
      *offset = lexer.tok.int_value;
      ok = TRUE;
    }
  kyso_pdf_lexer_clear (&lexer);
  if (!ok)
    return set_broken (error, _("“startxref” does not give a valid position"));
  return TRUE;
}

/* Whether a section starts exactly at @pos: "xref" (table) or "N G obj" (stream). */
static gboolean
section_at (KysoPdfSource *source, gint64 pos, gboolean *is_table)
{
  KysoPdfLexer lexer;
  gboolean found = FALSE;
  int before = pos > 0 ? kyso_pdf_source_peek (source, pos - 1) : ' ';

  /* A token only starts after whitespace or a delimiter ("startxref" must not pass for "xref"). */
  if (before < 0 || !(kyso_pdf_is_whitespace (before) || kyso_pdf_is_delimiter (before)))
    return FALSE;
  kyso_pdf_lexer_init (&lexer, source, pos, TRUE);
  if (kyso_pdf_lexer_next (&lexer, NULL) == KYSO_PDF_TOKEN_KEYWORD && lexer.tok.start == pos)
    {
      found = strcmp (lexer.tok.text->str, "xref") == 0;
      *is_table = TRUE;
    }
  else if (lexer.tok.type == KYSO_PDF_TOKEN_INT && lexer.tok.start == pos
           && kyso_pdf_lexer_next (&lexer, NULL) == KYSO_PDF_TOKEN_INT
           && kyso_pdf_lexer_accept_keyword (&lexer, "obj"))
    {
      found = TRUE;
      *is_table = FALSE;
    }
  kyso_pdf_lexer_clear (&lexer);
  return found;
}

static gint64
locate_section (KysoPdfSource *source, gint64 offset, gboolean *is_table)
{
  gint64 p = offset;

  /* First the stated offset, skipping whitespace as qpdf does, then nearby positions. */
  while (kyso_pdf_is_whitespace (kyso_pdf_source_peek (source, p)) && p < offset + OFFSET_SLACK)
    p++;
  if (section_at (source, p, is_table))
    return p;
  for (gint64 d = 1; d <= OFFSET_SLACK; d++)
    {
      if (offset - d >= 0 && section_at (source, offset - d, is_table))
        return offset - d;
      if (section_at (source, offset + d, is_table))
        return offset + d;
    }
  return -1;
}

static gboolean
add_entry (GArray *entries, guint max_entries, const KysoPdfXrefEntry *e, GError **error)
{
  if (entries->len >= max_entries)
    {
      g_set_error (error, KYSO_ERROR, KYSO_ERROR_LIMIT,
                   _("The PDF file has more objects than Kyso accepts."));
      return FALSE;
    }
  g_array_append_val (entries, *e);
  return TRUE;
}

static gboolean
read_digits (KysoPdfLexer *lexer, gint64 *value)
{
  gint64 v = 0;
  int c, n = 0;

  while ((c = kyso_pdf_source_peek (lexer->source, lexer->pos)) == ' ' || c == '\t')
    lexer->pos++;
  while ((c = kyso_pdf_source_peek (lexer->source, lexer->pos)) >= '0' && c <= '9')
    {
      if (++n > 15)
        return FALSE;
      v = v * 10 + (c - '0');
      lexer->pos++;
    }
  *value = v;
  return n > 0;
}

/* One table entry, "oooooooooo ggggg n" and an end of line. Read by characters rather than as
 * fixed 20-byte records, and anything after the type up to the end of the line is ignored, as qpdf
 * does: writers pad with one or two spaces, and some leave junk there. */
static gboolean
read_entry (KysoPdfLexer *lexer, gint64 *off, gint64 *gen, int *type)
{
  int c;

  if (!read_digits (lexer, off) || !read_digits (lexer, gen))
    return FALSE;
  while ((c = kyso_pdf_source_peek (lexer->source, lexer->pos)) == ' ' || c == '\t')
    lexer->pos++;
  if (c != 'n' && c != 'f')
    return FALSE;
  *type = c;
  lexer->pos++;
  while ((c = kyso_pdf_source_peek (lexer->source, lexer->pos)) == ' ' || c == '\t')
    lexer->pos++;
  if (c >= 0 && c != '\r' && c != '\n' && !g_ascii_isdigit (c))
    while ((c = kyso_pdf_source_peek (lexer->source, lexer->pos)) >= 0 && c != '\r' && c != '\n')
      lexer->pos++;
  return TRUE;
}

static gboolean
read_table (KysoPdfLexer *lexer, KysoPdfRevision *rev, guint max_entries, GError **error)
{
  gboolean first = TRUE;

  if (!kyso_pdf_lexer_accept_keyword (lexer, "xref"))
    return set_broken (error, _("a cross-reference table is unreadable"));
  for (;;)
    {
      gint64 start, count;
      KysoPdfTokenType t = kyso_pdf_lexer_next (lexer, NULL);

      if (t == KYSO_PDF_TOKEN_KEYWORD && strcmp (lexer->tok.text->str, "trailer") == 0)
        break;
      if (t != KYSO_PDF_TOKEN_INT || (start = lexer->tok.int_value) < 0
          || kyso_pdf_lexer_next (lexer, NULL) != KYSO_PDF_TOKEN_INT || (count = lexer->tok.int_value) < 0)
        return set_broken (error, _("a cross-reference table is unreadable"));
      if (start + count > KYSO_PDF_MAX_OBJECT_NUM)
        {
          g_set_error (error, KYSO_ERROR, KYSO_ERROR_LIMIT,
                       _("The PDF file has more objects than Kyso accepts."));
          return FALSE;
        }
      for (gint64 i = 0; i < count; i++)
        {
          KysoPdfXrefEntry e = { 0 };
          gint64 off, gen;
          int type;

          kyso_pdf_lexer_skip_space (lexer);
          /* A subsection shorter than its header says: the trailer (or the next header) follows. */
          if (kyso_pdf_source_peek (lexer->source, lexer->pos) == 't')
            break;
          if (!read_entry (lexer, &off, &gen, &type))
            return set_broken (error, _("a cross-reference entry is unreadable"));
          /* A well-known writer bug numbers the first subsection from 1 although it lists object 0
           * (the head of the free list, "0000000000 65535 f"); qpdf shifts it back, so do we. */
          if (first && i == 0 && start == 1 && type == 'f' && gen == 65535 && off == 0)
            start = 0;
          e.num = (guint32)(start + i);
          e.gen = (guint32)MIN (gen, 65535);
          e.offset = (guint64)off;
          e.type = type == 'n' ? KYSO_PDF_XREF_ENTRY_IN_FILE : KYSO_PDF_XREF_ENTRY_FREE;
          if (!add_entry (rev->entries, max_entries, &e, error))
            return FALSE;
        }
      first = FALSE;
    }
  rev->trailer = kyso_pdf_lexer_parse_object (lexer, error);
  if (rev->trailer == NULL)
    return FALSE;
  if (kyso_pdf_object_get_kind (rev->trailer) != KYSO_PDF_DICT)
    return set_broken (error, _("the trailer is not a dictionary"));
  rev->section_end = lexer->pos;
  return TRUE;
}

static guint64
read_field (const guint8 *p, gint64 width)
{
  guint64 v = 0;

  for (gint64 i = 0; i < width; i++)
    v = v << 8 | p[i];
  return v;
}

static gboolean
read_stream (KysoPdfLexer *lexer, KysoPdfRevision *rev, gboolean from_xrefstm, guint max_entries,
             KysoPdfObject **dict_out, GError **error)
{
  g_autoptr(KysoPdfObject) obj = NULL;
  g_autoptr(GBytes) data = NULL;
  KysoPdfObject *dict, *w, *index;
  gint64 widths[3], rowlen = 0, size;
  g_autoptr(KysoPdfObject) default_index = NULL;
  const guint8 *bytes;
  gsize len, row = 0;
  guint32 num, gen;
  gboolean ok;

  obj = kyso_pdf_lexer_parse_indirect (lexer, &num, &gen, error);
  if (obj == NULL)
    return FALSE;
  dict = kyso_pdf_stream_get_dict (obj);
  w = kyso_pdf_dict_get (obj, "W");
  if (dict == NULL || kyso_pdf_array_get_length (w) != 3)
    return set_broken (error, _("a cross-reference stream is unreadable"));
  for (guint i = 0; i < 3; i++)
    {
      widths[i] = kyso_pdf_object_get_int (kyso_pdf_array_get (w, i), &ok);
      if (!ok || widths[i] < 0 || widths[i] > 8)
        return set_broken (error, _("a cross-reference stream is unreadable"));
      rowlen += widths[i];
    }
  size = kyso_pdf_object_get_int (kyso_pdf_dict_get (obj, "Size"), &ok);
  if (rowlen == 0 || !ok || size < 0 || size > KYSO_PDF_MAX_OBJECT_NUM)
    return set_broken (error, _("a cross-reference stream is unreadable"));
  index = kyso_pdf_dict_get (obj, "Index");
  if (index == NULL)
    {
      default_index = kyso_pdf_array_new ();
      kyso_pdf_array_add (default_index, kyso_pdf_int_new (0));
      kyso_pdf_array_add (default_index, kyso_pdf_int_new (size));
      index = default_index;
    }
  if (kyso_pdf_object_get_kind (index) != KYSO_PDF_ARRAY || kyso_pdf_array_get_length (index) % 2 != 0)
    return set_broken (error, _("a cross-reference stream is unreadable"));
  data = kyso_pdf_stream_decode (lexer->source, obj, MAX_XREF_STREAM_BYTES, error);
  if (data == NULL)
    return FALSE;
  bytes = g_bytes_get_data (data, &len);
  for (guint s = 0; s + 1 < kyso_pdf_array_get_length (index); s += 2)
    {
      gint64 first = kyso_pdf_object_get_int (kyso_pdf_array_get (index, s), NULL);
      gint64 count = kyso_pdf_object_get_int (kyso_pdf_array_get (index, s + 1), NULL);

      if (first < 0 || count < 0)
        return set_broken (error, _("a cross-reference stream is unreadable"));
      if (first + count > KYSO_PDF_MAX_OBJECT_NUM)
        {
          g_set_error (error, KYSO_ERROR, KYSO_ERROR_LIMIT,
                       _("The PDF file has more objects than Kyso accepts."));
          return FALSE;
        }
      /* A stream shorter than its /Index says ends the section (qpdf warns and does the same). */
      for (gint64 i = 0; i < count && (row + 1) * (gsize)rowlen <= len; i++, row++)
        {
          const guint8 *p = bytes + row * (gsize)rowlen;
          guint64 type = widths[0] > 0 ? read_field (p, widths[0]) : 1;
          guint64 f2 = read_field (p + widths[0], widths[1]);
          guint64 f3 = read_field (p + widths[0] + widths[1], widths[2]);
          KysoPdfXrefEntry e = { 0 };

          e.num = (guint32)(first + i);
          e.from_xrefstm = from_xrefstm;
          if (type == 0)
            {
              e.type = KYSO_PDF_XREF_ENTRY_FREE;
              e.offset = f2;
              e.gen = (guint32)MIN (f3, 65535);
            }
          else if (type == 1)
            {
              e.type = KYSO_PDF_XREF_ENTRY_IN_FILE;
              e.offset = f2;
              e.gen = widths[2] > 0 ? (guint32)MIN (f3, 65535) : 0;
            }
          else if (type == 2)
            {
              if (f2 > G_MAXUINT32 || f3 > G_MAXUINT32)
                return set_broken (error, _("a cross-reference stream is unreadable"));
              e.type = KYSO_PDF_XREF_ENTRY_COMPRESSED;
              e.offset = f2;
              e.index = (guint32)f3;
            }
          else
            continue; /* Unknown types are references to null (§7.5.8.3). */
          if (!add_entry (rev->entries, max_entries, &e, error))
            return FALSE;
        }
    }
  if (dict_out != NULL)
    *dict_out = kyso_pdf_object_ref (dict);
  rev->section_end = lexer->pos;
  return TRUE;
}

static gboolean
match (KysoPdfSource *source, gint64 pos, const char *word)
{
  for (gsize i = 0; word[i]; i++)
    if (kyso_pdf_source_peek (source, pos + (gint64)i) != word[i])
      return FALSE;
  return TRUE;
}

/* After a section: "startxref N %%EOF" with only whitespace and comments before it. */
static void
find_eof (KysoPdfSource *source, KysoPdfRevision *rev)
{
  gint64 p = rev->section_end, limit = p + 4096;
  KysoPdfLexer lexer;

  rev->startxref_value = -1;
  rev->eof_offset = -1;
  for (;;)
    {
      int c = kyso_pdf_source_peek (source, p);
      if (c < 0 || p > limit)
        return;
      if (kyso_pdf_is_whitespace (c))
        p++;
      else if (c == '%')
        while (p <= limit && (c = kyso_pdf_source_peek (source, p)) >= 0 && c != '\r' && c != '\n')
          p++;
      else if (match (source, p, "startxref"))
        break;
      else
        return;
    }
  kyso_pdf_lexer_init (&lexer, source, p + 9, TRUE);
  if (kyso_pdf_lexer_next (&lexer, NULL) == KYSO_PDF_TOKEN_INT)
    rev->startxref_value = lexer.tok.int_value;
  p = lexer.pos;
  kyso_pdf_lexer_clear (&lexer);
  while (kyso_pdf_is_whitespace (kyso_pdf_source_peek (source, p)) && p < limit)
    p++;
  if (!match (source, p, "%%EOF"))
    return;
  p += 5;
  if (kyso_pdf_source_peek (source, p) == '\r')
    p++;
  if (kyso_pdf_source_peek (source, p) == '\n')
    p++;
  rev->eof_offset = p;
}

KysoPdfRevision *
kyso_pdf_xref_read_section (KysoPdfSource *source, gint64 offset, KysoPdfLengthResolver resolve,
                            gpointer resolve_data, guint max_entries, GError **error)
{
  g_autoptr(KysoPdfRevision) rev = g_new0 (KysoPdfRevision, 1);
  gboolean is_table = FALSE, ok;
  KysoPdfLexer lexer;
  gint64 pos = locate_section (source, offset, &is_table);

  if (pos < 0)
    {
      set_broken (error, _("a cross-reference section is not where the file says"));
      return NULL;
    }
  rev->declared_offset = offset;
  rev->xref_offset = pos;
  rev->xrefstm_offset = -1;
  rev->entries = g_array_new (FALSE, FALSE, sizeof (KysoPdfXrefEntry));
  kyso_pdf_lexer_init (&lexer, source, pos, TRUE);
  lexer.resolve_length = resolve;
  lexer.resolve_data = resolve_data;
  if (is_table)
    {
      KysoPdfObject *stm;
      rev->kind = KYSO_PDF_XREF_TABLE;
      ok = read_table (&lexer, rev, max_entries, error);
      stm = ok ? kyso_pdf_dict_get (rev->trailer, "XRefStm") : NULL;
      if (ok && kyso_pdf_object_get_kind (stm) == KYSO_PDF_INT)
        {
          gint64 end = rev->section_end;
          gboolean stm_table = FALSE;
          gint64 at = locate_section (source, kyso_pdf_object_get_int (stm, NULL), &stm_table);
          if (at < 0 || stm_table)
            ok = set_broken (error, _("a cross-reference stream is not where the file says"));
          else
            {
              rev->kind = KYSO_PDF_XREF_HYBRID;
              rev->xrefstm_offset = at;
              lexer.pos = at;
              ok = read_stream (&lexer, rev, TRUE, max_entries, NULL, error);
              rev->section_end = end;
            }
        }
    }
  else
    {
      rev->kind = KYSO_PDF_XREF_STREAM;
      ok = read_stream (&lexer, rev, FALSE, max_entries, &rev->trailer, error);
    }
  kyso_pdf_lexer_clear (&lexer);
  if (!ok)
    return NULL;
  find_eof (source, rev);
  return g_steal_pointer (&rev);
}
