/* libFuzzer harness for the PDF reader: opens the input as a document and walks everything a
 * signer or verifier would touch — revisions, every object the cross-reference names, the page
 * tree, the form — and re-serialises what it parsed. Built with -Dfuzzing=true (clang); the same
 * entry point also runs over the corpus in normal builds (fuzz-replay.c), under the sanitizers. */
#include "kyso-pdf-document.h"
#include "kyso-pdf-lexer.h"

#include <stdint.h>

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

#define MAX_OBJECTS 2000
#define MAX_PAGES 200

static void
walk (KysoPdfDocument *doc)
{
  guint32 n = MIN (kyso_pdf_document_get_xref_size (doc), MAX_OBJECTS);
  g_autoptr(GPtrArray) fields = NULL;
  guint pages;

  for (guint i = 0; i < kyso_pdf_document_get_n_revisions (doc); i++)
    {
      const KysoPdfRevision *rev = kyso_pdf_document_get_revision (doc, i);
      g_autofree char *t = kyso_pdf_object_to_string (rev->trailer);
      g_assert (t != NULL);
      for (guint e = 0; e < MIN (rev->entries->len, 64u); e++)
        {
          g_autoptr(KysoPdfObject) o = kyso_pdf_document_get_object_at (
            doc, &g_array_index (rev->entries, KysoPdfXrefEntry, e), NULL);
          (void)o;
        }
    }
  for (guint32 num = 0; num < n; num++)
    {
      g_autoptr(KysoPdfObject) o = kyso_pdf_document_get_object (doc, num, NULL);
      if (o != NULL)
        {
          g_autofree char *text = kyso_pdf_object_to_string (o);
          g_autoptr(KysoPdfObject) copy = kyso_pdf_object_copy (o);
          g_assert (text != NULL && kyso_pdf_object_get_kind (copy) == kyso_pdf_object_get_kind (o));
          if (kyso_pdf_object_get_kind (o) == KYSO_PDF_STREAM)
            {
              g_autoptr(GBytes) b = kyso_pdf_document_decode_stream (doc, o, 1 << 20, NULL);
              (void)b;
            }
        }
    }
  pages = kyso_pdf_document_get_n_pages (doc, NULL);
  for (guint i = 0; i < MIN (pages, MAX_PAGES); i++)
    {
      g_autoptr(KysoPdfPage) p = kyso_pdf_document_get_page (doc, i, NULL);
      (void)p;
    }
  fields = kyso_pdf_document_list_fields (doc, NULL);
  (void)kyso_pdf_document_check_signable (doc, NULL);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr(GBytes) bytes = g_bytes_new (data, size);
  g_autoptr(KysoPdfDocument) doc = kyso_pdf_document_open_bytes (bytes, NULL);

  if (doc != NULL)
    walk (doc);
  /* The object parser on its own, from the first byte. */
  {
    g_autoptr(KysoPdfSource) src = kyso_pdf_source_new_bytes (bytes);
    g_autoptr(KysoPdfObject) obj = NULL;
    KysoPdfLexer lexer;
    guint32 num, gen;

    kyso_pdf_lexer_init (&lexer, src, 0, FALSE);
    obj = kyso_pdf_lexer_parse_object (&lexer, NULL);
    g_clear_pointer (&obj, kyso_pdf_object_unref);
    lexer.pos = 0;
    obj = kyso_pdf_lexer_parse_indirect (&lexer, &num, &gen, NULL);
    kyso_pdf_lexer_clear (&lexer);
  }
  return 0;
}
