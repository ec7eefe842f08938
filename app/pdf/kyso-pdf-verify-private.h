#pragma once

#include "kyso-pdf-changes.h"
#include "kyso-pdf-verify-report.h"

G_BEGIN_DECLS

/* The verifier fills the reports field by field; nothing outside app/pdf/kyso-pdf-verify*.c
 * and the DOCX verifier (app/ooxml/kyso-ooxml-verify.c, which fills the same reports) should
 * include this. */
struct _KysoPdfSignatureReport
{
  GObject parent_instance;

  char *field;
  char *signer;
  char *email;
  char *national_id;
  char *issuer;
  char *serial;
  GDateTime *signing_time;
  GDateTime *timestamp_time;
  KysoSigningTimeSource time_source;
  char *anchor;
  char *anchor_sha256;
  char *digest;
  char *subfilter;
  gboolean doc_timestamp;
  KysoPadesLevel level;
  gboolean integrity;
  gboolean whole_file;
  int revision;
  int docmdp;
  KysoPdfChanges changes_after;
  KysoTrustStatus trust;
  KysoRevocationStatus revocation;
  KysoSignatureStatus status;
  KysoSignatureProblem problems;
  GPtrArray *reasons; /* char *, NULL-terminated once finished */
};

KysoPdfSignatureReport *
kyso_pdf_signature_report_new (void);
/* A copy of @text that is valid UTF-8 (names and strings from the file, or from a certificate,
 * may be any bytes); NULL stays NULL. */
char *
kyso_pdf_verify_text_dup (const char *text);
/* Adds a reason (already translated) and, when @problem is not 0, the problem flag. */
void
kyso_pdf_signature_report_add_reason (KysoPdfSignatureReport *self, KysoSignatureProblem problem,
                                      const char *format, ...) G_GNUC_PRINTF (3, 4);
/* Works out the status from the problems, the changes and the trust. */
void
kyso_pdf_signature_report_finish (KysoPdfSignatureReport *self);

/* Takes a reference on each report in @signatures. */
KysoPdfVerifyReport *
kyso_pdf_verify_report_new (const char *path, guint n_revisions, GPtrArray *signatures);

/* One signature field with a value, as the verifier works on it. */
typedef struct
{
  KysoPdfSignatureReport *report; /* owned; filled as the checks go */
  KysoPdfObject *dict;            /* the signature dictionary (/V) */
  guint32 dict_num;               /* its object number, 0 when direct */
  guint32 field_num;              /* the field (or widget) holding it, 0 when direct */
  gboolean ranges_ok;             /* /ByteRange is four sane integers */
  gint64 ranges[4];               /* offset, length, offset, length */
  gboolean gap_ok;                /* the gap is exactly this /Contents */
  GBytes *contents;               /* the decoded /Contents without its zero padding, or NULL */
  gint64 signed_end;              /* ranges[2] + ranges[3] */
} KysoPdfSigEntry;

void
kyso_pdf_sig_entry_free (KysoPdfSigEntry *entry);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KysoPdfSigEntry, kyso_pdf_sig_entry_free)

/* Every signature field of the document's current form that has a value (signatures and
 * document time-stamps), with the checks that need only the PDF structure done: /ByteRange,
 * /Contents and its place in the gap, coverage, overlaps, /M. GPtrArray of KysoPdfSigEntry,
 * sorted by the revision they sign. */
GPtrArray *
kyso_pdf_verify_collect (KysoPdfHistory *history, GError **error);

/* kyso-pdf-verify-overlay.c: a signature whose page a later signature's visible widget draws over
 * (page content or an earlier signature's box under it) is marked modified. @file is the whole
 * file (NULL: not checked). Runs after the integrity checks, before the reports are finished. */
void
kyso_pdf_verify_check_overlays (KysoPdfHistory *history, KysoPdfDocument *doc, GBytes *file,
                                GPtrArray *entries, GCancellable *cancellable);

/* "D:YYYYMMDDHHmmSSOHH'mm'" (ISO 32000-1 §7.9.4) → GDateTime, or NULL when malformed. */
GDateTime *
kyso_pdf_parse_date (const guint8 *text, gsize len);

G_END_DECLS
