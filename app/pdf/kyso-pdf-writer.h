#pragma once

#include <gio/gio.h>

#include "kyso-pdf-appearance.h"
#include "kyso-pdf-document.h"

G_BEGIN_DECLS

/* The incremental update that adds a signature (ISO 32000-1 §7.5.6, §12.8; ETSI EN 319 142-1):
 * the original bytes are copied unchanged, then one revision is appended with
 *   - the signature dictionary: /Type /Sig /Filter /Adobe.PPKLite /SubFilter /ETSI.CAdES.detached,
 *     /M, /Name, /Reason, /Location, /ContactInfo, /ByteRange [0 a b c] (fixed-width numbers, room
 *     for files up to 999 GB) and /Contents <00…> (a placeholder of contents_size bytes);
 *   - the signature field merged with its widget annotation (/FT /Sig, /T, /F 132, /P, /Rect,
 *     /AP /N), the appearance XObject and its image;
 *   - the page's /Annots (the page object, or the /Annots array object when it is indirect);
 *   - the AcroForm (/SigFlags 3, /Fields), new or updated;
 *   - a cross-reference section of the file's own kind (table, or stream) with /Prev, /Size,
 *     /Root, /Info and a refreshed /ID.
 * The SHA-256 of the byte ranges is computed while the bytes are written, so the file is read once.
 * The signature itself is written later with kyso_pdf_write_contents(). */

/* page_index for a document without pages: an invisible signature attached to no page. */
#define KYSO_PDF_NO_PAGE G_MAXUINT

typedef struct
{
  guint page_index;              /* 0-based, or KYSO_PDF_NO_PAGE (then invisible is required) */
  double rect[4];                /* x, y, width, height in the page's default user space */
  gboolean invisible;            /* /Rect [0 0 0 0], an empty appearance */
  const char *field_name;        /* NULL: "Signature<n>", unique in the form */
  const char *name;              /* /Name (optional, the signer's name) */
  const char *reason;            /* /Reason (optional) */
  const char *location;          /* /Location (optional) */
  const char *contact_info;      /* /ContactInfo (optional) */
  GDateTime *signing_time;       /* /M; NULL = now */
  gsize contents_size;           /* bytes reserved for the CMS (the hex takes twice as many) */
  KysoPdfAppearance *appearance; /* NULL: an empty appearance */
  gboolean document_timestamp;   /* /Type /DocTimeStamp /SubFilter /ETSI.RFC3161 (B-LTA): no /M,
                                  * /Name …; allowed on a document certified against changes */
} KysoPdfSignOptions;

typedef struct
{
  gint64 byte_range[4];     /* 0, a, b, c */
  gint64 contents_offset;   /* file offset of the first hex digit of /Contents */
  gsize contents_size;      /* bytes the hex placeholder holds (contents_size of the options) */
  gint64 file_size;         /* size of the whole signed file */
  guint8 digest[32];        /* SHA-256 over the byte ranges */
  char *field_name;         /* the /T used */
  guint32 signature_object; /* object number of the signature dictionary */
} KysoPdfSignatureLayout;

void
kyso_pdf_signature_layout_clear (KysoPdfSignatureLayout *layout);

/* Progress: called from the writing thread with bytes written so far and the total. */
typedef void (*KysoPdfWriteProgress) (gint64 done, gint64 total, gpointer user_data);

/* Writes the signed file (with the placeholder) to @out_fd from its current position, which must
 * be at offset 0 of an empty file. Errors: KYSO_ERROR_ENCRYPTED, KYSO_ERROR_INVALID_INPUT (no such
 * page, bad rectangle, name in use), KYSO_ERROR_UNSUPPORTED (certified against changes, direct
 * page tree node), KYSO_ERROR_BROKEN_FILE, G_IO_ERROR_*. */
gboolean
kyso_pdf_write_signature_revision (KysoPdfDocument *doc, const KysoPdfSignOptions *options, int out_fd,
                                   KysoPdfSignatureLayout *layout, KysoPdfWriteProgress progress,
                                   gpointer progress_data, GCancellable *cancellable, GError **error);

/* Puts @cms (DER) into the placeholder of a file written as @layout says (pwrite; the rest of the
 * placeholder stays zeros). KYSO_ERROR_LIMIT when it does not fit. */
gboolean
kyso_pdf_write_contents (int fd, const KysoPdfSignatureLayout *layout, GBytes *cms, GError **error);

/* "D:YYYYMMDDHHmmSS+07'00'" (§7.9.4). */
char *
kyso_pdf_format_date (GDateTime *time);

G_END_DECLS
