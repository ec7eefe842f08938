#pragma once

#include "kyso-pdf-writer.h"

#include <openssl/evp.h>

G_BEGIN_DECLS

/* The appended revision while it is being built: object texts in one buffer, with the offset of
 * each object inside it (kyso-pdf-writer.c builds the objects, kyso-pdf-xref-writer.c ends the
 * revision with its cross-reference section). */
typedef struct
{
  guint32 num;
  guint32 gen;
  gsize pos; /* offset of "num gen obj" inside the buffer */
} KysoPdfWrittenObject;

typedef struct
{
  KysoPdfDocument *doc;
  GString *buf;    /* the appended bytes */
  gint64 base;     /* file offset of buf->str[0] */
  GArray *objects; /* KysoPdfWrittenObject */
  guint32 next_num;
} KysoPdfUpdate;

void
kyso_pdf_update_begin_object (KysoPdfUpdate *update, guint32 num, guint32 gen);
void
kyso_pdf_update_end_object (KysoPdfUpdate *update);
/* Writes "num gen obj <object> endobj". */
void
kyso_pdf_update_add_object (KysoPdfUpdate *update, guint32 num, guint32 gen, KysoPdfObject *object);
/* Writes a stream object: @dict gets /Length; @data is written as is. */
void
kyso_pdf_update_add_stream (KysoPdfUpdate *update, guint32 num, KysoPdfObject *dict, GBytes *data);

/* Appends the xref section and trailer matching the document's kind (table or stream). */
gboolean
kyso_pdf_update_finish (KysoPdfUpdate *update, GError **error);

/* Writes the original bytes of @doc to @fd (at its current position) and feeds them to @md.
 * kyso-pdf-copy.c */
gboolean
kyso_pdf_copy_and_hash (KysoPdfDocument *doc, int fd, EVP_MD_CTX *md, gint64 total,
                        KysoPdfWriteProgress progress, gpointer progress_data, GCancellable *cancellable,
                        GError **error);

/* A text string (§7.9.2.2): literal PDFDocEncoding when ASCII, else UTF-16BE with a BOM. */
KysoPdfObject *
kyso_pdf_text_string_new (const char *utf8);

G_END_DECLS
