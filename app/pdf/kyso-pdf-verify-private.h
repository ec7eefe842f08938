#pragma once

#include "kyso-pdf-verify-report.h"

G_BEGIN_DECLS

/* The verifier fills the reports field by field; nothing outside app/pdf/kyso-pdf-verify*.c
 * should include this. */
struct _KysoPdfSignatureReport {
  GObject parent_instance;

  char *field;
  char *signer;
  char *email;
  char *national_id;
  char *issuer;
  char *serial;
  GDateTime *signing_time;
  GDateTime *timestamp_time;
  char *digest;
  char *subfilter;
  gboolean doc_timestamp;
  KysoPadesLevel level;
  gboolean integrity;
  gboolean whole_file;
  int revision;
  int docmdp;
  KysoPdfChanges changes_after;
  KysoSignatureTrust trust;
  KysoSignatureRevocation revocation;
  KysoSignatureStatus status;
  KysoSignatureProblem problems;
  GPtrArray *reasons;   /* char *, NULL-terminated once finished */
};

KysoPdfSignatureReport *kyso_pdf_signature_report_new (void);
/* Adds a reason (already translated) and, when @problem is not 0, the problem flag. */
void kyso_pdf_signature_report_add_reason (KysoPdfSignatureReport *self,
                                           KysoSignatureProblem    problem,
                                           const char             *format,
                                           ...) G_GNUC_PRINTF (3, 4);
/* Works out the status from the problems, the changes and the trust. */
void kyso_pdf_signature_report_finish     (KysoPdfSignatureReport *self);

/* Takes a reference on each report in @signatures. */
KysoPdfVerifyReport *kyso_pdf_verify_report_new (const char *path,
                                                 guint       n_revisions,
                                                 GPtrArray  *signatures);

G_END_DECLS
