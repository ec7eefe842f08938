#pragma once

#include "kyso-pdf-lexer.h"

G_BEGIN_DECLS

/* Cross-reference sections (ISO 32000-1 §7.5.4–7.5.8): classic tables, cross-reference streams,
 * and hybrid-reference files (a table whose trailer points with /XRefStm to a stream that lists
 * the objects kept in object streams). */

#define KYSO_PDF_MAX_SECTIONS 4096          /* /Prev chain length */
#define KYSO_PDF_MAX_XREF_ENTRIES (2 << 20) /* entries over all sections */
#define KYSO_PDF_MAX_OBJECT_NUM (4 << 20)   /* highest object number accepted */

typedef enum
{
  KYSO_PDF_XREF_TABLE,  /* "xref" … "trailer" */
  KYSO_PDF_XREF_STREAM, /* an object of /Type /XRef */
  KYSO_PDF_XREF_HYBRID, /* a table whose trailer has /XRefStm */
} KysoPdfXrefKind;

typedef enum
{
  KYSO_PDF_XREF_ENTRY_FREE,       /* "f", or type 0 */
  KYSO_PDF_XREF_ENTRY_IN_FILE,    /* "n", or type 1: at a byte offset */
  KYSO_PDF_XREF_ENTRY_COMPRESSED, /* type 2: inside an object stream */
} KysoPdfXrefEntryType;

typedef struct
{
  guint32 num;
  guint32 gen; /* FREE / IN_FILE: generation; COMPRESSED: 0 */
  KysoPdfXrefEntryType type;
  guint32 index;         /* COMPRESSED: index of the object inside its object stream */
  guint64 offset;        /* IN_FILE: byte offset; COMPRESSED: object stream number;
                          * FREE: next free object number */
  gboolean from_xrefstm; /* HYBRID: listed by the /XRefStm stream rather than the table */
} KysoPdfXrefEntry;

/* One cross-reference section, that is one revision of the file: the original document is
 * revision 0 and every incremental update adds one (a linearized file's first-page section counts
 * as its own revision, see kyso-pdf-document.h). All fields are read-only. */
typedef struct
{
  KysoPdfXrefKind kind;
  gint64 xref_offset;     /* where the section starts: "xref" or "N G obj" of the xref stream
                           * (startxref or /Prev corrected when it was off by a few bytes) */
  gint64 declared_offset; /* what startxref or /Prev actually said */
  gint64 xrefstm_offset;  /* HYBRID: offset of the /XRefStm stream, else -1 */
  gint64 section_end;     /* just past the trailer dictionary or the xref stream's "endobj" */
  gint64 startxref_value; /* the number after the "startxref" that follows the section, or -1 */
  gint64 eof_offset;      /* just past "%%EOF" and its end of line after the section, or -1:
                           * the length of the file as this revision left it */
  KysoPdfObject *trailer; /* trailer dictionary, or the xref stream's dictionary */
  GArray *entries;        /* KysoPdfXrefEntry, in the order the section lists them */
} KysoPdfRevision;

void
kyso_pdf_revision_free (KysoPdfRevision *rev);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KysoPdfRevision, kyso_pdf_revision_free)

/* Finds the last "startxref" near the end of the file and returns its number. */
gboolean
kyso_pdf_xref_find_startxref (KysoPdfSource *source, gint64 *offset, GError **error);

/* Reads the section at @offset (which may be off by a few bytes, as some writers leave it).
 * Object stream lengths given by reference are resolved through @resolve. Does not follow /Prev.
 * @max_entries bounds how many entries this section may add. */
KysoPdfRevision *
kyso_pdf_xref_read_section (KysoPdfSource *source, gint64 offset, KysoPdfLengthResolver resolve,
                            gpointer resolve_data, guint max_entries, GError **error);

G_END_DECLS
