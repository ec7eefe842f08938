#pragma once

#include <gio/gio.h>

#include "kyso-pdf-verify-report.h"
#include "kyso-trust.h"

G_BEGIN_DECLS

/* Helpers for the DOCX tests: packages written entry by entry with libzip (so that hostile ones
 * can be made), signing with the crypto tests' PKI, and verifying with its root trusted. */

typedef struct _KysoTestZip KysoTestZip;

KysoTestZip *
kyso_test_zip_new (void);
/* Adds an entry (stored deflated unless @store). */
void
kyso_test_zip_add (KysoTestZip *zip, const char *name, const void *data, gsize len, gboolean store);
void
kyso_test_zip_add_text (KysoTestZip *zip, const char *name, const char *text);
/* Finishes and returns the ZIP's bytes; frees @zip. */
GBytes *
kyso_test_zip_finish (KysoTestZip *zip);

/* A minimal Word document with @text in its body (content types, package and document
 * relationships, document, styles, core properties). */
GBytes *
kyso_test_docx_minimal (const char *text);
void
kyso_test_write_bytes (const char *path, GBytes *bytes);
/* $KYSO_OOXML_CORPUS_DIR/@name (or ../shared/corpus-ooxml next to the sources); NULL when absent. */
char *
kyso_test_ooxml_corpus (const char *name);

/* Signs @in into @out as the PKI's @who ("signer", "signer-ec") with its chain, through a
 * KysoOoxmlSignSession; @tsa_url may be NULL. */
gboolean
kyso_test_docx_sign (const char *in, const char *out, const char *who, const char *tsa_url, GError **error);
/* Verifies @path trusting the PKI's root (its sub CA known), offline. */
KysoPdfVerifyReport *
kyso_test_docx_verify (const char *path);
/* The same part of @path's package, replaced by @data, written to @out (other parts kept). */
void
kyso_test_docx_replace_part (const char *path, const char *out, const char *name, GBytes *data);

G_END_DECLS
