#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Files for the verification tests, made for real: an unsigned PDF written here, signatures
 * made by poppler's `pdfsig -add-signature` (with an NSS database built from the test PKI's
 * PKCS#12 by certutil/pk12util) or by `openssl cms` over the byte ranges (for what pdfsig cannot
 * make, such as a DocMDP certification), and incremental updates appended as an attacker would. */

/* A fresh folder for one test, removed with the test environment. */
char *
kyso_vf_tmpdir (void);

GBytes *
kyso_vf_read (const char *path);
void
kyso_vf_write (const char *path, const void *data, gsize len);
/* A copy of @path at @dest with the first occurrence of @from (after @start) replaced by @to,
 * which must have the same length so that no offset moves. Returns where it was found. */
gsize
kyso_vf_patch (const char *path, const char *dest, gsize start, const char *from, const char *to);
/* The offset of the last occurrence of @needle in @path. */
gsize
kyso_vf_rfind (const char *path, const char *needle);

/* One page with the text "Kyso test document", a text field "name" with a widget, and an
 * AcroForm: a classic xref table. */
void
kyso_vf_write_plain_pdf (const char *path);

/* pdfsig -add-signature into a new signature field @field (ETSI.CAdES.detached when @etsi). */
void
kyso_vf_pdfsig_sign (const char *in, const char *out, const char *field, gboolean etsi);

/* The same for any file (a corpus file pdfsig may refuse): FALSE when pdfsig failed. */
gboolean
kyso_vf_pdfsig_try (const char *in, const char *out, const char *field);

/* Appends an incremental update to @path: each object is given as its number and the text
 * between "N 0 obj" and "endobj"; the xref table, trailer (/Root and /Info kept, /Prev, /Size)
 * and startxref are computed. NULL-terminated list of (guint num, const char *body) pairs ended
 * by a 0 number. */
void
kyso_vf_append_update (const char *path, guint first_num, ...);

/* The number of the page object, the catalog and the /Size of the file at @path (its newest
 * revision). */
guint
kyso_vf_page_num (const char *path);
guint
kyso_vf_catalog_num (const char *path);
guint
kyso_vf_size (const char *path);

/* Signs @in into @out with a new signature field @field, signing with `openssl cms` over the
 * byte ranges as the test PKI's @signer ("signer", "revoked", …; NULL = "signer"); @docmdp 1–3
 * makes it a certification signature with that /P, 0 an approval signature. */
void
kyso_vf_openssl_sign (const char *in, const char *out, const char *field, int docmdp, const char *signer);

/* The same with `openssl cms -md @md` ("sha1" …). */
void
kyso_vf_openssl_sign_md (const char *in, const char *out, const char *field, const char *signer,
                         const char *md);

/* The general form: the signature dictionary and widget as @options say, the CMS made by
 * @maker from the signed bytes (the file without the /Contents gap). */
typedef GBytes *(*KysoVfCmsMaker) (GBytes *signed_bytes, gpointer user_data);
typedef struct
{
  int docmdp;             /* 1–3: a certification signature */
  const char *type;       /* "Sig" (NULL) or "DocTimeStamp" */
  const char *subfilter;  /* NULL = adbe.pkcs7.detached */
  const char *m;          /* /M as written (NULL = now) */
  const char *rect;       /* widget /Rect (NULL = [0 0 0 0], invisible) */
  const char *appearance; /* content of the widget's /AP /N (needs @rect), NULL = none */
} KysoVfSignOptions;

/* A KysoVfCmsMaker running `openssl cms -sign` as the test PKI's signer; @user_data is an
 * OpensslCmsOptions (signer NULL = "signer", md NULL = sha256). */
typedef struct
{
  const char *signer;
  const char *md;
  const char *certfile; /* the CA certificates to include (NULL = "cas.pem") */
} OpensslCmsOptions;
GBytes *
kyso_vf_openssl_cms (GBytes *signed_bytes, gpointer user_data);

void
kyso_vf_sign_with (const char *in, const char *out, const char *field, const KysoVfSignOptions *options,
                   KysoVfCmsMaker maker, gpointer user_data);

/* Runs a program found in PATH; returns its exit status and fills @out with its standard output
 * then error (may be NULL). */
int
kyso_vf_run (char **out, const char *first_arg, ...) G_GNUC_NULL_TERMINATED;

/* Runs kyso-cli (from $KYSO_CLI) with the arguments; returns the exit status and fills @out and
 * @err (may be NULL). */
int
kyso_vf_cli (char **out, char **err, const char *first_arg, ...) G_GNUC_NULL_TERMINATED;

G_END_DECLS
