#pragma once

#include <gio/gio.h>

#include "kyso-sign-session.h"

G_BEGIN_DECLS

/* Helpers for the pdf tests: hand-made PDFs, a throwaway PKI made with the openssl command
 * (make-test-pki.sh), running the independent checkers (pdfsig, qpdf, mutool, openssl cms). */

/* A PDF written object by object, ending with a classic xref table. */
typedef struct _KysoTestPdf KysoTestPdf;

KysoTestPdf *
kyso_test_pdf_new (const char *version);
/* Appends "num 0 obj\n<body>\nendobj\n". */
void
kyso_test_pdf_add (KysoTestPdf *pdf, guint num, const char *body);
/* Appends a stream object; @dict is the dictionary without /Length. */
void
kyso_test_pdf_add_stream (KysoTestPdf *pdf, guint num, const char *dict, const void *data, gsize len);
/* Appends raw bytes (an update, junk …). */
void
kyso_test_pdf_append (KysoTestPdf *pdf, const char *text);
/* Offset where object @num was written (-1 if not). */
gint64
kyso_test_pdf_offset_of (KysoTestPdf *pdf, guint num);
gsize
kyso_test_pdf_length (KysoTestPdf *pdf);
/* Writes the xref table for every object added since the last section, "trailer <<…>>" with
 * /Size and @trailer_extra, startxref and %%EOF. @startxref_delta shifts the startxref number. */
void
kyso_test_pdf_end_section (KysoTestPdf *pdf, const char *trailer_extra, int startxref_delta);
gint64
kyso_test_pdf_last_xref (KysoTestPdf *pdf);
GBytes *
kyso_test_pdf_free_to_bytes (KysoTestPdf *pdf);
void
kyso_test_pdf_write (KysoTestPdf *pdf, const char *path);

typedef struct
{
  double media_box[4];
  double crop_box[4]; /* all zero: none */
  int rotate;
  const char *text; /* ASCII text drawn in Helvetica 12 at (text_x, text_y), or NULL */
  double text_x, text_y;
} KysoTestPage;

/* A document of @n pages (catalog 1, pages 2, then per page: page, contents; font last). */
void
kyso_test_make_document (const char *path, const KysoTestPage *pages, guint n);
/* Three plain A4 pages. */
void
kyso_test_make_simple (const char *path);

/* The PKI directory (made once per process); @name inside it. */
const char *
kyso_test_pki_dir (void);
char *
kyso_test_pki_file (const char *name);
/* The test signer (signer.p12, password "test-pass"). */
KysoSigner *
kyso_test_signer (void);

/* Signs @in into @out with the test signer through a KysoSignSession. */
gboolean
kyso_test_sign (const char *in, const char *out, const KysoSignSessionOptions *options, GError **error);

/* Runs a program (argv NULL-terminated); returns its exit status; @out / @err may be NULL. */
int
kyso_test_run (char **out, char **err, const char *first, ...) G_GNUC_NULL_TERMINATED;
/* A fresh directory under the test's temporary folder. */
char *
kyso_test_tmpdir (void);
/* $KYSO_CORPUS_DIR/@rel when it exists, else NULL (the test is then skipped). */
char *
kyso_test_corpus_file (const char *rel);

/* Independent checks. */
/* pdfsig: exactly @n signatures, all "Signature is Valid.", the last one "Total document signed". */
void
kyso_test_assert_pdfsig (const char *path, guint n);
/* qpdf --check exits 0. */
void
kyso_test_assert_qpdf (const char *path);
/* mutool verifies the last signature and says the document is unchanged since. */
void
kyso_test_assert_mutool (const char *path);
/* Extracts the last signature's CMS and byte ranges (by scanning the raw bytes, not with Kyso's
 * reader), verifies with `openssl cms -verify` against the test CA, and checks the PAdES
 * attributes (one signing-certificate-v2, no signing-time). Returns the CMS (DER). */
GBytes *
kyso_test_assert_cms (const char *path);

G_END_DECLS
