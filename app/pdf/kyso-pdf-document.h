#pragma once

#include <gio/gio.h>

#include "kyso-pdf-object.h"
#include "kyso-pdf-xref.h"

G_BEGIN_DECLS

/* A PDF file opened for signing or checking. Only what is needed is read: the cross-reference
 * sections, their trailers, and the objects asked for (the catalog, the page tree, the form), each
 * read with pread(2) through a small window; object streams are decompressed one at a time with a
 * size cap. Memory therefore stays flat however large the file is.
 *
 * Revisions. A PDF grows by incremental updates; each one appends objects, a cross-reference
 * section and a trailer whose /Prev points to the section before. The document keeps every
 * section of that /Prev chain as a KysoPdfRevision (kyso-pdf-xref.h), oldest first:
 *
 *   kyso_pdf_document_get_n_revisions (doc)       → n (≥ 1)
 *   kyso_pdf_document_get_revision (doc, i)       → revision i; 0 is the oldest, n-1 the newest
 *     rev->xref_offset                            where its xref section starts
 *     rev->eof_offset                             the file length as that revision left it (just
 *                                                 past its "%%EOF" and end of line), or -1
 *     rev->trailer                                its trailer (or xref stream) dictionary
 *     rev->entries                                KysoPdfXrefEntry: which objects it defines
 *                                                 (IN_FILE, COMPRESSED) or frees (FREE)
 *
 * A signature that covers "revision i" has a /ByteRange ending at that revision's eof_offset. A
 * linearized file has two sections written at once: the first-page section at the start of the
 * file is the newest in the /Prev chain although it comes first in the file; compare offsets, not
 * indices, when deciding what bytes a revision spans (kyso_pdf_document_get_linearized tells).
 * Objects are looked up newest-first (kyso_pdf_document_lookup); within a hybrid section, table
 * entries win over /XRefStm entries, as ISO 32000-1 §7.5.8.4 says.
 *
 * Not thread-safe: use one KysoPdfDocument per thread. */

#define KYSO_TYPE_PDF_DOCUMENT (kyso_pdf_document_get_type ())
G_DECLARE_FINAL_TYPE (KysoPdfDocument, kyso_pdf_document, KYSO, PDF_DOCUMENT, GObject)

/* Errors: KYSO_ERROR_BROKEN_FILE (no usable cross-reference: Kyso does not rebuild damaged
 * files), KYSO_ERROR_LIMIT, KYSO_ERROR_UNSUPPORTED, G_IO_ERROR_*. An encrypted file opens (its
 * structure is readable) but kyso_pdf_document_check_signable refuses it. */
KysoPdfDocument *
kyso_pdf_document_open (const char *path, GError **error);
/* Takes ownership of @fd. */
KysoPdfDocument *
kyso_pdf_document_open_fd (int fd, GError **error);
KysoPdfDocument *
kyso_pdf_document_open_bytes (GBytes *bytes, GError **error);

const char *
kyso_pdf_document_get_path (KysoPdfDocument *self); /* NULL for bytes */
gint64
kyso_pdf_document_get_size (KysoPdfDocument *self);
/* "1.7" from the header, or NULL when the header is missing. */
const char *
kyso_pdf_document_get_version (KysoPdfDocument *self);
gboolean
kyso_pdf_document_get_linearized (KysoPdfDocument *self);
gboolean
kyso_pdf_document_is_encrypted (KysoPdfDocument *self);
/* KYSO_ERROR_ENCRYPTED for an encrypted file, otherwise TRUE. */
gboolean
kyso_pdf_document_check_signable (KysoPdfDocument *self, GError **error);

guint
kyso_pdf_document_get_n_revisions (KysoPdfDocument *self);
const KysoPdfRevision *
kyso_pdf_document_get_revision (KysoPdfDocument *self, guint index);
/* Shorthand for the newest revision's kind / trailer (borrowed). */
KysoPdfXrefKind
kyso_pdf_document_get_xref_kind (KysoPdfDocument *self);
KysoPdfObject *
kyso_pdf_document_get_trailer (KysoPdfDocument *self);
/* @key from the newest trailer that has it (borrowed): some writers leave /Root or /Info out of
 * the trailers of their updates, and readers fall back to the older ones. */
KysoPdfObject *
kyso_pdf_document_find_trailer_key (KysoPdfDocument *self, const char *key);
/* One more than the highest object number any section or trailer /Size mentions. */
guint32
kyso_pdf_document_get_xref_size (KysoPdfDocument *self);
/* The entry that defines object @num now (newest revision first), or NULL. */
const KysoPdfXrefEntry *
kyso_pdf_document_lookup (KysoPdfDocument *self, guint32 num);
/* Which revision (index) the current definition of @num comes from, or -1. */
int
kyso_pdf_document_lookup_revision (KysoPdfDocument *self, guint32 num);

/* Object @num as the file defines it now (a new reference). A free or missing object is the
 * null object, as §7.3.10 says; a damaged one is an error. */
KysoPdfObject *
kyso_pdf_document_get_object (KysoPdfDocument *self, guint32 num, GError **error);
/* Object @num as defined by one specific xref entry (e.g. an older revision's). */
KysoPdfObject *
kyso_pdf_document_get_object_at (KysoPdfDocument *self, const KysoPdfXrefEntry *entry, GError **error);
/* Follows @obj when it is a reference (once: references to references are followed up to a
 * small bound); otherwise returns a new reference to @obj itself. NULL @obj gives null. */
KysoPdfObject *
kyso_pdf_document_resolve (KysoPdfDocument *self, KysoPdfObject *obj, GError **error);
/* The decoded data of a stream (FlateDecode or none), at most @max_bytes. */
GBytes *
kyso_pdf_document_decode_stream (KysoPdfDocument *self, KysoPdfObject *stream, gsize max_bytes,
                                 GError **error);
/* Reads raw bytes of the file. */
gboolean
kyso_pdf_document_read (KysoPdfDocument *self, gint64 offset, void *buffer, gsize len, GError **error);

/* The document catalog (/Root), borrowed; NULL with @error when missing. */
KysoPdfObject *
kyso_pdf_document_get_catalog (KysoPdfDocument *self, GError **error);

/* A page as the page tree defines it, with inherited attributes applied. */
typedef struct
{
  guint index; /* 0-based */
  guint32 num; /* the page object; 0 when the page is a direct object inside its parent */
  guint32 gen;
  guint32 parent_num;  /* the indirect /Pages node whose /Kids lists the page */
  guint kid_index;     /* position in that /Kids array */
  double media_box[4]; /* x0 y0 x1 y1, normalised (x0 < x1, y0 < y1) */
  double crop_box[4];  /* CropBox clipped to MediaBox; MediaBox when absent */
  int rotate;          /* 0, 90, 180 or 270 */
  KysoPdfObject *dict; /* the page dictionary */
} KysoPdfPage;

void
kyso_pdf_page_free (KysoPdfPage *page);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KysoPdfPage, kyso_pdf_page_free)

/* Walks the page tree (loop-safe, bounded). */
guint
kyso_pdf_document_get_n_pages (KysoPdfDocument *self, GError **error);
KysoPdfPage *
kyso_pdf_document_get_page (KysoPdfDocument *self, guint index, GError **error);

/* A field of the interactive form (/AcroForm). */
typedef struct
{
  char *name;            /* fully qualified: "parent.child" */
  guint32 num;           /* the field object; 0 if direct */
  gboolean is_signature; /* /FT /Sig (possibly inherited) */
  KysoPdfObject *value;  /* /V resolved: the signature dictionary for a signed field, or NULL */
  guint32 value_num;     /* object number of /V when indirect, else 0 */
} KysoPdfField;

void
kyso_pdf_field_free (KysoPdfField *field);

/* The catalog's /AcroForm resolved (new reference), or NULL when there is none. */
KysoPdfObject *
kyso_pdf_document_get_acroform (KysoPdfDocument *self, GError **error);
/* Terminal fields of the form, in tree order (GPtrArray of KysoPdfField). Loop-safe. */
GPtrArray *
kyso_pdf_document_list_fields (KysoPdfDocument *self, GError **error);

G_END_DECLS
