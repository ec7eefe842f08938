#include "config.h"

#include "kyso-pdf-lexer.h"
#include "kyso-error.h"

#include <glib/gi18n-lib.h>
#include <stdlib.h>
#include <string.h>

/* How far past a wrong /Length we look for "endstream" before calling the stream broken. A
 * stream whose length is unknown is scanned to its end whatever its size: the scan streams. */
#define ENDSTREAM_SLACK 64

gboolean
kyso_pdf_is_whitespace (int c)
{
  return c == 0 || c == '\t' || c == '\n' || c == '\f' || c == '\r' || c == ' ';
}

gboolean
kyso_pdf_is_delimiter (int c)
{
  return c == '(' || c == ')' || c == '<' || c == '>' || c == '[' || c == ']' || c == '{' || c == '}'
         || c == '/' || c == '%';
}

static gboolean
is_regular (int c)
{
  return c >= 0 && !kyso_pdf_is_whitespace (c) && !kyso_pdf_is_delimiter (c);
}

static int
hex_value (int c)
{
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

static gboolean
broken (GError **error, gint64 pos, const char *what)
{
  g_set_error (error, KYSO_ERROR, KYSO_ERROR_BROKEN_FILE,
               /* Translators: %s describes the problem, %lld is a byte offset */
               _("The PDF file is damaged (%s at byte %lld)."), what, (long long)pos);
  return FALSE;
}

static gboolean
limit (GError **error, const char *what)
{
  g_set_error (error, KYSO_ERROR, KYSO_ERROR_LIMIT,
               /* Translators: %s names what is too large, e.g. "nesting" */
               _("The PDF file is too complex to process safely (%s)."), what);
  return FALSE;
}

void
kyso_pdf_lexer_init (KysoPdfLexer *lexer, KysoPdfSource *source, gint64 pos, gboolean in_file)
{
  memset (lexer, 0, sizeof *lexer);
  lexer->source = source;
  lexer->pos = pos;
  lexer->limit = kyso_pdf_source_get_size (source);
  lexer->base = in_file ? 0 : -1;
  lexer->tok.text = g_string_new (NULL);
}

void
kyso_pdf_lexer_clear (KysoPdfLexer *lexer)
{
  if (lexer->tok.text != NULL)
    g_string_free (lexer->tok.text, TRUE);
  lexer->tok.text = NULL;
}

static inline int
peek (KysoPdfLexer *lexer)
{
  if (lexer->pos >= lexer->limit)
    return -1;
  return kyso_pdf_source_peek (lexer->source, lexer->pos);
}

static inline int
get (KysoPdfLexer *lexer)
{
  int c = peek (lexer);

  if (c >= 0)
    lexer->pos++;
  return c;
}

void
kyso_pdf_lexer_skip_space (KysoPdfLexer *lexer)
{
  for (;;)
    {
      int c = peek (lexer);
      if (c == '%')
        {
          while (c >= 0 && c != '\r' && c != '\n')
            {
              lexer->pos++;
              c = peek (lexer);
            }
        }
      else if (c >= 0 && kyso_pdf_is_whitespace (c))
        lexer->pos++;
      else
        return;
    }
}

static KysoPdfTokenType
lex_literal_string (KysoPdfLexer *lexer, GError **error)
{
  GString *t = lexer->tok.text;
  int depth = 1;

  for (;;)
    {
      int c = get (lexer);
      if (c < 0)
        return broken (error, lexer->tok.start, _("unterminated string")), KYSO_PDF_TOKEN_ERROR;
      if (t->len >= KYSO_PDF_MAX_STRING)
        return limit (error, _("string length")), KYSO_PDF_TOKEN_ERROR;
      if (c == '(')
        depth++;
      else if (c == ')' && --depth == 0)
        return KYSO_PDF_TOKEN_STRING;
      else if (c == '\r')
        {
          /* An end of line inside a string is a single LF whatever it was (§7.3.4.2). */
          if (peek (lexer) == '\n')
            lexer->pos++;
          c = '\n';
        }
      else if (c == '\\')
        {
          c = get (lexer);
          switch (c)
            {
              case 'n':
                c = '\n';
                break;
              case 'r':
                c = '\r';
                break;
              case 't':
                c = '\t';
                break;
              case 'b':
                c = '\b';
                break;
              case 'f':
                c = '\f';
                break;
              case '\r':
                if (peek (lexer) == '\n')
                  lexer->pos++;
                continue;
              case '\n':
                continue;
              case -1:
                continue;
              default:
                if (c >= '0' && c <= '7')
                  {
                    int v = c - '0';
                    for (int k = 0; k < 2 && peek (lexer) >= '0' && peek (lexer) <= '7'; k++)
                      v = v * 8 + (get (lexer) - '0');
                    c = v & 0xff;
                  }
                /* Any other escaped character stands for itself. */
                break;
            }
        }
      g_string_append_c (t, (char)c);
    }
}

static KysoPdfTokenType
lex_hex_string (KysoPdfLexer *lexer, GError **error)
{
  GString *t = lexer->tok.text;
  int hi = -1;

  for (;;)
    {
      int c = get (lexer);
      int v;
      if (c == '>')
        break;
      if (c < 0)
        return broken (error, lexer->tok.start, _("unterminated hex string")), KYSO_PDF_TOKEN_ERROR;
      if (kyso_pdf_is_whitespace (c))
        continue;
      v = hex_value (c);
      if (v < 0)
        {
          /* Damaged: end the string before the stray character (qpdf warns and goes on). */
          lexer->pos--;
          break;
        }
      if (t->len >= KYSO_PDF_MAX_STRING)
        return limit (error, _("string length")), KYSO_PDF_TOKEN_ERROR;
      if (hi < 0)
        hi = v;
      else
        {
          g_string_append_c (t, (char)(hi << 4 | v));
          hi = -1;
        }
    }
  /* An odd final digit is followed by an implied 0 (§7.3.4.3). */
  if (hi >= 0)
    g_string_append_c (t, (char)(hi << 4));
  return KYSO_PDF_TOKEN_HEX_STRING;
}

static KysoPdfTokenType
lex_name (KysoPdfLexer *lexer, GError **error)
{
  GString *t = lexer->tok.text;

  while (is_regular (peek (lexer)))
    {
      int c = get (lexer);
      if (t->len >= KYSO_PDF_MAX_STRING)
        return limit (error, _("name length")), KYSO_PDF_TOKEN_ERROR;
      if (c == '#')
        {
          int h = hex_value (peek (lexer));
          int l = h >= 0 ? kyso_pdf_source_peek (lexer->source, lexer->pos + 1) : -1;
          l = lexer->pos + 1 < lexer->limit ? hex_value (l) : -1;
          /* "#" not followed by two hex digits is kept literally, as PDF 1.1 files wrote it. */
          if (h >= 0 && l >= 0 && (h | l) != 0)
            {
              lexer->pos += 2;
              c = h << 4 | l;
            }
        }
      g_string_append_c (t, (char)c);
    }
  return KYSO_PDF_TOKEN_NAME;
}

static KysoPdfTokenType
lex_number_or_keyword (KysoPdfLexer *lexer, GError **error)
{
  GString *t = lexer->tok.text;
  gboolean digits = FALSE, dot = FALSE, number = TRUE;
  const char *p;

  while (is_regular (peek (lexer)))
    {
      if (t->len >= 256)
        return limit (error, _("token length")), KYSO_PDF_TOKEN_ERROR;
      g_string_append_c (t, (char)get (lexer));
    }
  p = t->str;
  if (*p == '+' || *p == '-')
    p++;
  for (; *p; p++)
    {
      if (g_ascii_isdigit (*p))
        digits = TRUE;
      else if (*p == '.' && !dot)
        dot = TRUE;
      else
        {
          number = FALSE;
          break;
        }
    }
  if (!number || !digits)
    return KYSO_PDF_TOKEN_KEYWORD;
  if (!dot)
    {
      char *end = NULL;
      gint64 v = g_ascii_strtoll (t->str, &end, 10);
      /* Beyond 64 bits an "integer" is only good as a real (qpdf does the same). */
      if (v == G_MAXINT64 || v == G_MININT64)
        {
          lexer->tok.real_value = g_ascii_strtod (t->str, NULL);
          return KYSO_PDF_TOKEN_REAL;
        }
      lexer->tok.int_value = v;
      return KYSO_PDF_TOKEN_INT;
    }
  lexer->tok.real_value = g_ascii_strtod (t->str, NULL);
  return KYSO_PDF_TOKEN_REAL;
}

KysoPdfTokenType
kyso_pdf_lexer_next (KysoPdfLexer *lexer, GError **error)
{
  KysoPdfToken *tok = &lexer->tok;
  int c;

  kyso_pdf_lexer_skip_space (lexer);
  g_string_truncate (tok->text, 0);
  tok->start = lexer->pos;
  tok->int_value = 0;
  tok->real_value = 0;
  c = peek (lexer);
  if (c < 0)
    tok->type = KYSO_PDF_TOKEN_EOF;
  else if (c == '(')
    {
      lexer->pos++;
      tok->type = lex_literal_string (lexer, error);
    }
  else if (c == '<')
    {
      lexer->pos++;
      if (peek (lexer) == '<')
        {
          lexer->pos++;
          tok->type = KYSO_PDF_TOKEN_DICT_OPEN;
        }
      else
        tok->type = lex_hex_string (lexer, error);
    }
  else if (c == '>')
    {
      lexer->pos++;
      if (peek (lexer) != '>')
        {
          /* A stray ">": a keyword that reads as null. */
          g_string_append_c (tok->text, '>');
          tok->type = KYSO_PDF_TOKEN_KEYWORD;
        }
      else
        {
          lexer->pos++;
          tok->type = KYSO_PDF_TOKEN_DICT_CLOSE;
        }
    }
  else if (c == '[')
    {
      lexer->pos++;
      tok->type = KYSO_PDF_TOKEN_ARRAY_OPEN;
    }
  else if (c == ']')
    {
      lexer->pos++;
      tok->type = KYSO_PDF_TOKEN_ARRAY_CLOSE;
    }
  else if (c == '/')
    {
      lexer->pos++;
      tok->type = lex_name (lexer, error);
    }
  else if (c == ')' || c == '{' || c == '}')
    {
      /* Only valid in content streams and PostScript functions, never in the objects we read. */
      lexer->pos++;
      g_string_append_c (tok->text, (char)c);
      tok->type = KYSO_PDF_TOKEN_KEYWORD;
    }
  else
    tok->type = lex_number_or_keyword (lexer, error);
  tok->end = lexer->pos;
  return tok->type;
}

gboolean
kyso_pdf_lexer_accept_keyword (KysoPdfLexer *lexer, const char *kw)
{
  gint64 save = lexer->pos;

  if (kyso_pdf_lexer_next (lexer, NULL) == KYSO_PDF_TOKEN_KEYWORD && strcmp (lexer->tok.text->str, kw) == 0)
    return TRUE;
  lexer->pos = save;
  return FALSE;
}

static gint64
span (KysoPdfLexer *lexer, gint64 pos)
{
  return lexer->base < 0 ? -1 : pos;
}

static KysoPdfObject *
parse_value (KysoPdfLexer *lexer, guint depth, GError **error);

/* After an integer: "N G R" is a reference; anything else leaves the position after N. */
static KysoPdfObject *
parse_int_or_ref (KysoPdfLexer *lexer, gint64 value, gint64 start)
{
  gint64 after = lexer->pos;
  gint64 gen;

  if (value >= 0 && value <= G_MAXUINT32 && kyso_pdf_lexer_next (lexer, NULL) == KYSO_PDF_TOKEN_INT)
    {
      gen = lexer->tok.int_value;
      if (gen >= 0 && gen <= G_MAXUINT32 && kyso_pdf_lexer_accept_keyword (lexer, "R"))
        {
          KysoPdfObject *ref = kyso_pdf_ref_new ((guint32)value, (guint32)gen);
          kyso_pdf_object_set_span (ref, span (lexer, start), span (lexer, lexer->pos));
          return ref;
        }
    }
  lexer->pos = after;
  return kyso_pdf_int_new (value);
}

/* Keywords that can only follow an object: a container still open when one comes is closed
 * there, so that a damaged object cannot swallow the objects after it. */
static gboolean
is_structural_keyword (const char *kw)
{
  static const char *const words[]
    = { "endobj", "obj", "stream", "endstream", "trailer", "xref", "startxref" };

  for (gsize i = 0; i < G_N_ELEMENTS (words); i++)
    if (strcmp (kw, words[i]) == 0)
      return TRUE;
  return FALSE;
}

static KysoPdfObject *
parse_container (KysoPdfLexer *lexer, gboolean dict, gint64 start, guint depth, GError **error)
{
  g_autoptr(KysoPdfObject) obj = dict ? kyso_pdf_dict_new () : kyso_pdf_array_new ();
  g_autofree char *key = NULL;
  guint count = 0;

  if (depth >= KYSO_PDF_MAX_DEPTH)
    return limit (error, _("nesting depth")), NULL;
  for (;;)
    {
      gint64 save = lexer->pos;
      KysoPdfTokenType t = kyso_pdf_lexer_next (lexer, error);
      KysoPdfObject *value;

      if (t == KYSO_PDF_TOKEN_ERROR)
        return NULL;
      if (t == KYSO_PDF_TOKEN_EOF)
        return broken (error, start, dict ? _("unterminated dictionary") : _("unterminated array")), NULL;
      if ((dict && t == KYSO_PDF_TOKEN_DICT_CLOSE) || (!dict && t == KYSO_PDF_TOKEN_ARRAY_CLOSE))
        break;
      if (t == KYSO_PDF_TOKEN_KEYWORD && is_structural_keyword (lexer->tok.text->str))
        {
          /* Damaged: the container never closed. Readers (qpdf, poppler) end it here. */
          lexer->pos = save;
          break;
        }
      if (++count > KYSO_PDF_MAX_ITEMS)
        return limit (error, _("items in one array or dictionary")), NULL;
      if (dict && key == NULL && t == KYSO_PDF_TOKEN_NAME)
        {
          lexer->bytes += lexer->tok.text->len;
          if (lexer->bytes > KYSO_PDF_MAX_OBJECT_BYTES)
            return limit (error, _("size of one object")), NULL;
          key = g_strndup (lexer->tok.text->str, lexer->tok.text->len);
          continue;
        }
      lexer->pos = save;
      value = parse_value (lexer, depth + 1, error);
      if (value == NULL)
        return NULL;
      if (dict && key == NULL)
        {
          /* A value where a key belongs: dropped, as qpdf does with a warning. */
          kyso_pdf_object_unref (value);
          continue;
        }
      if (dict)
        {
          /* A null value is the same as an absent key (§7.3.7). */
          if (kyso_pdf_object_get_kind (value) == KYSO_PDF_NULL)
            kyso_pdf_object_unref (value);
          else
            kyso_pdf_dict_set (obj, key, value);
          g_clear_pointer (&key, g_free);
        }
      else
        kyso_pdf_array_add (obj, value);
    }
  /* A key left without a value stands for null, that is nothing. */
  kyso_pdf_object_set_span (obj, span (lexer, start), span (lexer, lexer->pos));
  return g_steal_pointer (&obj);
}

static KysoPdfObject *
parse_value (KysoPdfLexer *lexer, guint depth, GError **error)
{
  KysoPdfTokenType t;
  KysoPdfObject *obj = NULL;
  gint64 start, save = lexer->pos;

  if (++lexer->nodes > KYSO_PDF_MAX_OBJECT_NODES)
    return limit (error, _("objects in one object")), NULL;
  t = kyso_pdf_lexer_next (lexer, error);
  start = lexer->tok.start;
  switch (t)
    {
      case KYSO_PDF_TOKEN_ERROR:
        return NULL;
      case KYSO_PDF_TOKEN_EOF:
        return broken (error, start, _("unexpected end of file")), NULL;
      case KYSO_PDF_TOKEN_INT:
        return parse_int_or_ref (lexer, lexer->tok.int_value, start);
      case KYSO_PDF_TOKEN_REAL:
        obj = kyso_pdf_real_new (lexer->tok.real_value);
        break;
      case KYSO_PDF_TOKEN_STRING:
      case KYSO_PDF_TOKEN_HEX_STRING:
        lexer->bytes += lexer->tok.text->len;
        if (lexer->bytes > KYSO_PDF_MAX_OBJECT_BYTES)
          return limit (error, _("size of one object")), NULL;
        obj = kyso_pdf_string_new ((const guint8 *)lexer->tok.text->str, lexer->tok.text->len,
                                   t == KYSO_PDF_TOKEN_HEX_STRING);
        break;
      case KYSO_PDF_TOKEN_NAME:
        lexer->bytes += lexer->tok.text->len;
        if (lexer->bytes > KYSO_PDF_MAX_OBJECT_BYTES)
          return limit (error, _("size of one object")), NULL;
        obj = kyso_pdf_name_new (lexer->tok.text->str);
        break;
      case KYSO_PDF_TOKEN_ARRAY_OPEN:
        return parse_container (lexer, FALSE, start, depth, error);
      case KYSO_PDF_TOKEN_DICT_OPEN:
        return parse_container (lexer, TRUE, start, depth, error);
      case KYSO_PDF_TOKEN_KEYWORD:
        if (strcmp (lexer->tok.text->str, "true") == 0)
          obj = kyso_pdf_bool_new (TRUE);
        else if (strcmp (lexer->tok.text->str, "false") == 0)
          obj = kyso_pdf_bool_new (FALSE);
        else
          {
            /* "null", and damage read the way qpdf and poppler read it: an unknown token or a brace
             * counts as null; a keyword that ends objects is left for the caller. */
            if (is_structural_keyword (lexer->tok.text->str))
              lexer->pos = save;
            obj = kyso_pdf_null_new ();
          }
        break;
      default:
        /* A closing bracket that closes nothing: null, as qpdf reads it. */
        obj = kyso_pdf_null_new ();
        break;
    }
  kyso_pdf_object_set_span (obj, span (lexer, start), span (lexer, lexer->tok.end));
  return obj;
}

KysoPdfObject *
kyso_pdf_lexer_parse_object (KysoPdfLexer *lexer, GError **error)
{
  lexer->nodes = 0;
  lexer->bytes = 0;
  return parse_value (lexer, 0, error);
}

static gboolean
matches_at (KysoPdfLexer *lexer, gint64 pos, const char *word)
{
  for (gsize i = 0; word[i]; i++)
    if (pos + (gint64)i >= lexer->limit || kyso_pdf_source_peek (lexer->source, pos + (gint64)i) != word[i])
      return FALSE;
  return TRUE;
}

/* Whether "endstream" follows @pos after optional whitespace. */
static gboolean
endstream_at (KysoPdfLexer *lexer, gint64 pos)
{
  for (int i = 0; i < 4 && kyso_pdf_is_whitespace (kyso_pdf_source_peek (lexer->source, pos)); i++)
    pos++;
  return matches_at (lexer, pos, "endstream");
}

/* Finds the data length by looking for "endstream" (with an optional EOL before it). */
static gint64
scan_for_endstream (KysoPdfLexer *lexer, gint64 data, gint64 from)
{
  for (gint64 p = from; p + 9 <= lexer->limit; p++)
    {
      if (kyso_pdf_source_peek (lexer->source, p) != 'e' || !matches_at (lexer, p, "endstream"))
        continue;
      if (p > data && kyso_pdf_source_peek (lexer->source, p - 1) == '\n')
        p--;
      if (p > data && kyso_pdf_source_peek (lexer->source, p - 1) == '\r')
        p--;
      return p - data;
    }
  return -1;
}

static gint64
stream_length (KysoPdfLexer *lexer, KysoPdfObject *dict, gint64 data)
{
  KysoPdfObject *len = kyso_pdf_dict_get (dict, "Length");
  gint64 n = -1;
  gboolean ok = FALSE;

  if (kyso_pdf_object_get_kind (len) == KYSO_PDF_INT)
    n = kyso_pdf_object_get_int (len, &ok);
  else if (kyso_pdf_object_get_kind (len) == KYSO_PDF_REF && lexer->resolve_length != NULL)
    {
      n = lexer->resolve_length (kyso_pdf_object_get_ref_num (len), kyso_pdf_object_get_ref_gen (len),
                                 lexer->resolve_data);
      ok = n >= 0;
    }
  if (ok && n >= 0 && n <= lexer->limit - data && endstream_at (lexer, data + n))
    return n;
  /* Wrong or missing /Length: qpdf and poppler recover by looking for "endstream"; so do we, first
   * near where /Length pointed, then from the start of the data. */
  if (ok && n >= 0 && n <= lexer->limit - data)
    for (gint64 d = -ENDSTREAM_SLACK; d <= ENDSTREAM_SLACK; d++)
      if (n + d >= 0 && endstream_at (lexer, data + n + d))
        return n + d;
  return scan_for_endstream (lexer, data, data);
}

KysoPdfObject *
kyso_pdf_lexer_parse_indirect (KysoPdfLexer *lexer, guint32 *num, guint32 *gen, GError **error)
{
  g_autoptr(KysoPdfObject) obj = NULL;
  gint64 start, n, g;

  kyso_pdf_lexer_skip_space (lexer);
  start = lexer->pos;
  if (kyso_pdf_lexer_next (lexer, NULL) != KYSO_PDF_TOKEN_INT || (n = lexer->tok.int_value) < 0
      || n > G_MAXUINT32 || kyso_pdf_lexer_next (lexer, NULL) != KYSO_PDF_TOKEN_INT
      || (g = lexer->tok.int_value) < 0 || g > 65535 || !kyso_pdf_lexer_accept_keyword (lexer, "obj"))
    return broken (error, start, _("object header expected")), NULL;
  *num = (guint32)n;
  *gen = (guint32)g;
  obj = kyso_pdf_lexer_parse_object (lexer, error);
  if (obj == NULL)
    return NULL;
  if (kyso_pdf_object_get_kind (obj) == KYSO_PDF_DICT && kyso_pdf_lexer_accept_keyword (lexer, "stream"))
    {
      gint64 data = lexer->pos, len;
      KysoPdfObject *stream;

      /* "stream" is followed by CRLF or LF; a lone CR is tolerated as qpdf does. */
      if (peek (lexer) == '\r')
        data++;
      if (kyso_pdf_source_peek (lexer->source, data) == '\n')
        data++;
      len = stream_length (lexer, obj, data);
      if (len < 0)
        return broken (error, data, _("stream without an end")), NULL;
      stream = kyso_pdf_stream_new (obj, data, len);
      g_clear_pointer (&obj, kyso_pdf_object_unref);
      obj = stream;
      lexer->pos = data + len;
      kyso_pdf_lexer_accept_keyword (lexer, "endstream");
    }
  /* Missing "endobj" is common in the wild and harmless: the next header starts a new object. */
  kyso_pdf_lexer_accept_keyword (lexer, "endobj");
  kyso_pdf_object_set_span (obj, span (lexer, start), span (lexer, lexer->pos));
  return g_steal_pointer (&obj);
}
