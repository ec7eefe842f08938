#pragma once

#include "kyso-pdf-object.h"
#include "kyso-pdf-source.h"

G_BEGIN_DECLS

/* Tokens and objects of PDF syntax (ISO 32000-1 §7.2–7.3), read from a KysoPdfSource at any
 * position. Bounded for hostile input: nesting depth, items per array/dictionary and string
 * lengths are limited (KYSO_ERROR_LIMIT). */

#define KYSO_PDF_MAX_DEPTH 64
#define KYSO_PDF_MAX_ITEMS (1 << 20)         /* entries of one array or dictionary */
#define KYSO_PDF_MAX_STRING (16 << 20)       /* bytes of one string or name */
#define KYSO_PDF_MAX_OBJECT_NODES (1 << 19)  /* objects inside one parsed object */
#define KYSO_PDF_MAX_OBJECT_BYTES (32 << 20) /* string and name bytes inside one parsed object */

typedef enum
{
  KYSO_PDF_TOKEN_EOF,
  KYSO_PDF_TOKEN_INT,
  KYSO_PDF_TOKEN_REAL,
  KYSO_PDF_TOKEN_STRING,
  KYSO_PDF_TOKEN_HEX_STRING,
  KYSO_PDF_TOKEN_NAME,
  KYSO_PDF_TOKEN_KEYWORD, /* true, false, null, obj, endobj, stream, R, xref, trailer, … */
  KYSO_PDF_TOKEN_ARRAY_OPEN,
  KYSO_PDF_TOKEN_ARRAY_CLOSE,
  KYSO_PDF_TOKEN_DICT_OPEN,
  KYSO_PDF_TOKEN_DICT_CLOSE,
  KYSO_PDF_TOKEN_ERROR, /* malformed; the GError says why */
} KysoPdfTokenType;

typedef struct
{
  KysoPdfTokenType type;
  gint64 start; /* byte span in the source */
  gint64 end;
  gint64 int_value;
  double real_value;
  GString *text; /* string bytes, decoded name, keyword; owned by the lexer */
} KysoPdfToken;

/* Resolves an indirect /Length of a stream while parsing; returns -1 when it cannot. */
typedef gint64 (*KysoPdfLengthResolver) (guint32 num, guint32 gen, gpointer user_data);

typedef struct
{
  KysoPdfSource *source;
  gint64 pos;
  gint64 limit; /* parsing stops here (exclusive) */
  gint64 base;  /* added to spans: -1 marks objects not located in the file */
  guint nodes;  /* objects made by the current parse, for the node bound */
  gsize bytes;  /* string bytes made by the current parse, for the byte bound */
  KysoPdfToken tok;
  KysoPdfLengthResolver resolve_length;
  gpointer resolve_data;
} KysoPdfLexer;

/* @source is borrowed. @in_file: FALSE for decompressed data, so spans are reported as -1. */
void
kyso_pdf_lexer_init (KysoPdfLexer *lexer, KysoPdfSource *source, gint64 pos, gboolean in_file);
void
kyso_pdf_lexer_clear (KysoPdfLexer *lexer);

/* Skips whitespace and comments. */
void
kyso_pdf_lexer_skip_space (KysoPdfLexer *lexer);
/* Reads the next token into lexer->tok. On KYSO_PDF_TOKEN_ERROR, @error is set. */
KysoPdfTokenType
kyso_pdf_lexer_next (KysoPdfLexer *lexer, GError **error);
/* Whether the next token is the keyword @kw (consumes it only when it is). */
gboolean
kyso_pdf_lexer_accept_keyword (KysoPdfLexer *lexer, const char *kw);

/* Parses one direct object (with "N G R" references) at the current position. */
KysoPdfObject *
kyso_pdf_lexer_parse_object (KysoPdfLexer *lexer, GError **error);

/* Parses "N G obj … endobj" at the current position; a stream keeps its data offset and length
 * (taken from /Length, resolved through lexer->resolve_length when indirect, or found by
 * looking for "endstream" when /Length is missing or wrong). @num/@gen receive the header. */
KysoPdfObject *
kyso_pdf_lexer_parse_indirect (KysoPdfLexer *lexer, guint32 *num, guint32 *gen, GError **error);

gboolean
kyso_pdf_is_whitespace (int c);
gboolean
kyso_pdf_is_delimiter (int c);

G_END_DECLS
