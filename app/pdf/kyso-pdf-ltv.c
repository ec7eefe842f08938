#include "config.h"

#include "kyso-pdf-ltv.h"
#include "kyso-cms-verify.h"
#include "kyso-error.h"
#include "kyso-pdf-changes.h"
#include "kyso-pdf-source.h"
#include "kyso-pdf-verify-private.h"
#include "kyso-pdf-writer-private.h"
#include "kyso-pdf-writer.h"
#include "kyso-trust.h"
#include "kyso-tsa.h"
#include "kyso-util.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <openssl/evp.h>
#include <unistd.h>

G_DEFINE_AUTOPTR_CLEANUP_FUNC (EVP_MD_CTX, EVP_MD_CTX_free)

/* The validation data, each item with the object number it is written as (0 = already in the
 * file's /DSS, then @refs holds its reference). */
typedef struct
{
  GPtrArray *items; /* GBytes */
  GArray *nums;     /* guint32 */
} Pool;

static void
pool_init (Pool *p)
{
  p->items = g_ptr_array_new_with_free_func ((GDestroyNotify)g_bytes_unref);
  p->nums = g_array_new (FALSE, TRUE, sizeof (guint32));
}

static void
pool_clear (Pool *p)
{
  g_ptr_array_unref (p->items);
  g_array_unref (p->nums);
}

static guint
pool_index (Pool *p, GBytes *b)
{
  for (guint i = 0; i < p->items->len; i++)
    if (g_bytes_equal (g_ptr_array_index (p->items, i), b))
      return i;
  g_ptr_array_add (p->items, g_bytes_ref (b));
  g_array_set_size (p->nums, p->items->len);
  return p->items->len - 1;
}

static KysoPdfObject *
refs_of (Pool *p, GPtrArray *subset)
{
  KysoPdfObject *array = kyso_pdf_array_new ();

  for (guint i = 0; i < subset->len; i++)
    {
      guint idx = pool_index (p, g_ptr_array_index (subset, i));
      kyso_pdf_array_add (array, kyso_pdf_ref_new (g_array_index (p->nums, guint32, idx), 0));
    }
  return array;
}

static char *
vri_key (GBytes *contents)
{
  g_autoptr (GChecksum) sha1 = g_checksum_new (G_CHECKSUM_SHA1);

  g_checksum_update (sha1, g_bytes_get_data (contents, NULL), (gssize)g_bytes_get_size (contents));
  return g_ascii_strup (g_checksum_get_string (sha1), -1);
}

/* Keeps the references of an array of the existing /DSS (they stay valid) in @out. */
static void
keep_old (KysoPdfDocument *doc, KysoPdfObject *old_dss, const char *key, KysoPdfObject *out)
{
  g_autoptr (KysoPdfObject) list = kyso_pdf_document_resolve (doc, kyso_pdf_dict_get (old_dss, key), NULL);

  for (guint i = 0; i < kyso_pdf_array_get_length (list); i++)
    {
      KysoPdfObject *item = kyso_pdf_array_get (list, i);
      if (kyso_pdf_object_get_kind (item) == KYSO_PDF_REF)
        kyso_pdf_array_add (out, kyso_pdf_object_ref (item));
    }
}

static gboolean
ends_with_eol (KysoPdfDocument *doc)
{
  guint8 c = 0;
  gint64 size = kyso_pdf_document_get_size (doc);

  return kyso_pdf_document_read (doc, size - 1, &c, 1, NULL) && (c == '\n' || c == '\r');
}

gboolean
kyso_pdf_add_validation_data (const char *in_path, const char *out_path, const KysoPdfLtvOptions *options,
                              GCancellable *cancellable, GError **error)
{
  static const KysoPdfLtvOptions defaults = { 0 };
  static const char *const keys[] = { "Certs", "OCSPs", "CRLs" };
  static const char *const vri_keys[] = { "Cert", "OCSP", "CRL" };
  const char *dirs[2] = { kyso_trust_bundled_dir (), NULL };
  g_autoptr (KysoPdfDocument) doc = NULL;
  g_autoptr (KysoPdfHistory) h = NULL;
  g_autoptr (GPtrArray) entries = NULL;
  g_autoptr (GArray) objects = g_array_new (FALSE, FALSE, sizeof (KysoPdfWrittenObject));
  g_autoptr (GString) buf = g_string_new (NULL);
  g_autoptr (KysoPdfObject) old_dss = NULL;
  g_autoptr (KysoPdfObject) dss = kyso_pdf_dict_new ();
  g_autoptr (KysoPdfObject) vri = NULL;
  g_autoptr (KysoPdfObject) new_catalog = NULL;
  g_autoptr (EVP_MD_CTX) md = EVP_MD_CTX_new ();
  g_autofree char *tmp = NULL;
  KysoPdfUpdate u;
  KysoTrustOptions trust = { 0 };
  KysoPdfSource *source;
  KysoPdfObject *catalog, *root;
  Pool pools[3];
  guint32 dss_num;
  int fd, out_fd;
  gboolean ok = FALSE;

  if (options == NULL)
    options = &defaults;
  doc = kyso_pdf_document_open (in_path, error);
  if (doc == NULL)
    return FALSE;
  fd = open (in_path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    {
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno),
                   _ ("Cannot read the file: %s"), g_strerror (errno));
      return FALSE;
    }
  source = kyso_pdf_source_new_fd (fd, error);
  if (source == NULL)
    return FALSE;
  h = kyso_pdf_history_new (doc, source);
  entries = kyso_pdf_verify_collect (h, error);
  if (entries == NULL)
    return FALSE;
  catalog = kyso_pdf_document_get_catalog (doc, error);
  root = kyso_pdf_dict_get (kyso_pdf_document_get_trailer (doc), "Root");
  if (catalog == NULL || kyso_pdf_object_get_kind (root) != KYSO_PDF_REF)
    {
      if (error != NULL && *error == NULL)
        g_set_error_literal (error, KYSO_ERROR, KYSO_ERROR_BROKEN_FILE, _ ("The document has no catalog."));
      return FALSE;
    }

  if (options->use_bundled)
    trust.directories = dirs;
  trust.files = options->anchor_files;
  trust.tls_ca_file = options->tls_ca_file;
  trust.timeout_seconds = options->timeout_seconds;

  for (guint k = 0; k < 3; k++)
    pool_init (&pools[k]);
  old_dss = kyso_pdf_document_resolve (doc, kyso_pdf_dict_get (catalog, "DSS"), NULL);
  vri = kyso_pdf_object_get_kind (old_dss) == KYSO_PDF_DICT
          ? kyso_pdf_document_resolve (doc, kyso_pdf_dict_get (old_dss, "VRI"), NULL)
          : NULL;
  if (kyso_pdf_object_get_kind (vri) == KYSO_PDF_DICT)
    {
      KysoPdfObject *copy = kyso_pdf_object_copy (vri);
      kyso_pdf_object_unref (vri);
      vri = copy;
    }
  else
    {
      g_clear_pointer (&vri, kyso_pdf_object_unref);
      vri = kyso_pdf_dict_new ();
    }

  /* Fetch everything first: the objects are numbered once all is known. */
  {
    g_autoptr (GPtrArray) all_sets = g_ptr_array_new_with_free_func ((GDestroyNotify)g_ptr_array_unref);

    for (guint i = 0; i < entries->len; i++)
      {
        KysoPdfSigEntry *e = g_ptr_array_index (entries, i);
        GPtrArray *sets[3];

        if (e->contents == NULL)
          continue;
        for (guint k = 0; k < 3; k++)
          sets[k] = g_ptr_array_new_with_free_func ((GDestroyNotify)g_bytes_unref);
        if (!kyso_cms_collect_validation_data (e->contents, &trust, sets[0], sets[1], sets[2], cancellable,
                                               error))
          {
            for (guint k = 0; k < 3; k++)
              g_ptr_array_unref (sets[k]);
            goto out;
          }
        for (guint k = 0; k < 3; k++)
          {
            for (guint j = 0; j < sets[k]->len; j++)
              pool_index (&pools[k], g_ptr_array_index (sets[k], j));
            g_ptr_array_add (all_sets, sets[k]);
          }
      }

    u.doc = doc;
    u.buf = buf;
    u.objects = objects;
    u.next_num = MAX (kyso_pdf_document_get_xref_size (doc), 1);
    if (!ends_with_eol (doc))
      g_string_append_c (buf, '\n');
    u.base = kyso_pdf_document_get_size (doc);

    /* The data streams. */
    for (guint k = 0; k < 3; k++)
      for (guint j = 0; j < pools[k].items->len; j++)
        {
          g_autoptr (KysoPdfObject) d = kyso_pdf_dict_new ();
          guint32 num = u.next_num++;

          g_array_index (pools[k].nums, guint32, j) = num;
          kyso_pdf_update_add_stream (&u, num, d, g_ptr_array_index (pools[k].items, j));
        }

    /* /VRI per signature, then the arrays: the old references kept, the new ones added. */
    {
      guint set = 0;

      for (guint i = 0; i < entries->len; i++)
        {
          KysoPdfSigEntry *e = g_ptr_array_index (entries, i);
          g_autofree char *key = NULL;
          KysoPdfObject *entry;

          if (e->contents == NULL)
            continue;
          key = vri_key (e->contents);
          entry = kyso_pdf_dict_new ();
          kyso_pdf_dict_set (entry, "Type", kyso_pdf_name_new ("VRI"));
          for (guint k = 0; k < 3; k++, set++)
            if (((GPtrArray *)g_ptr_array_index (all_sets, set))->len > 0)
              kyso_pdf_dict_set (entry, vri_keys[k], refs_of (&pools[k], g_ptr_array_index (all_sets, set)));
          kyso_pdf_dict_set (vri, key, entry);
        }
    }
    for (guint k = 0; k < 3; k++)
      {
        KysoPdfObject *array = kyso_pdf_array_new ();

        keep_old (doc, old_dss, keys[k], array);
        for (guint j = 0; j < pools[k].items->len; j++)
          kyso_pdf_array_add (array, kyso_pdf_ref_new (g_array_index (pools[k].nums, guint32, j), 0));
        kyso_pdf_dict_set (dss, keys[k], array);
      }
  }
  kyso_pdf_dict_set (dss, "Type", kyso_pdf_name_new ("DSS"));
  kyso_pdf_dict_set (dss, "VRI", kyso_pdf_object_ref (vri));
  dss_num = u.next_num++;
  kyso_pdf_update_add_object (&u, dss_num, 0, dss);
  new_catalog = kyso_pdf_object_copy (catalog);
  kyso_pdf_dict_set (new_catalog, "DSS", kyso_pdf_ref_new (dss_num, 0));
  kyso_pdf_update_add_object (&u, kyso_pdf_object_get_ref_num (root), kyso_pdf_object_get_ref_gen (root),
                              new_catalog);
  if (!kyso_pdf_update_finish (&u, error))
    goto out;

  /* Written whole to a temporary file beside the result, then renamed: never half a file. */
  tmp = g_strdup_printf ("%s.kyso-ltv-XXXXXX", out_path);
  out_fd = g_mkstemp_full (tmp, O_RDWR | O_CLOEXEC, 0644);
  if (out_fd < 0)
    {
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno),
                   _ ("Cannot write the file: %s"), g_strerror (errno));
      goto out;
    }
  if (md == NULL || !EVP_DigestInit_ex (md, EVP_sha256 (), NULL)
      || !kyso_pdf_copy_and_hash (doc, out_fd, md, kyso_pdf_document_get_size (doc) + (gint64)buf->len, NULL,
                                  NULL, cancellable, error)
      || !kyso_write_all (out_fd, buf->str, buf->len, error) || fsync (out_fd) != 0)
    {
      if (error != NULL && *error == NULL)
        g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno),
                     _ ("Cannot write the file: %s"), g_strerror (errno));
      close (out_fd);
      g_unlink (tmp);
      goto out;
    }
  close (out_fd);
  if (g_rename (tmp, out_path) != 0)
    {
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno),
                   _ ("Cannot write the file: %s"), g_strerror (errno));
      g_unlink (tmp);
      goto out;
    }
  ok = TRUE;

out:
  for (guint k = 0; k < 3; k++)
    pool_clear (&pools[k]);
  return ok;
}

/* Room for the time-stamp token: a token with its authority's chain is a few kilobytes. */
#define TIMESTAMP_CONTENTS_SIZE 16384

gboolean
kyso_pdf_add_document_timestamp (const char *in_path, const char *out_path, const char *tsa_url,
                                 const KysoPdfLtvOptions *options, GCancellable *cancellable, GError **error)
{
  static const KysoPdfLtvOptions defaults = { 0 };
  g_autoptr (KysoPdfDocument) doc = NULL;
  g_autofree char *tmp = NULL;
  g_autoptr (GBytes) digest = NULL;
  g_autoptr (GBytes) token = NULL;
  KysoPdfSignOptions o = { 0 };
  KysoPdfSignatureLayout layout = { 0 };
  KysoHttpOptions http = { 0 };
  int out_fd;
  gboolean ok = FALSE;

  g_return_val_if_fail (tsa_url != NULL, FALSE);
  if (options == NULL)
    options = &defaults;
  doc = kyso_pdf_document_open (in_path, error);
  if (doc == NULL)
    return FALSE;
  o.page_index = KYSO_PDF_NO_PAGE;
  o.invisible = TRUE;
  o.field_name = "DocumentTimeStamp";
  o.contents_size = TIMESTAMP_CONTENTS_SIZE;
  o.document_timestamp = TRUE;
  tmp = g_strdup_printf ("%s.kyso-lta-XXXXXX", out_path);
  out_fd = g_mkstemp_full (tmp, O_RDWR | O_CLOEXEC, 0644);
  if (out_fd < 0)
    {
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno),
                   _ ("Cannot write the file: %s"), g_strerror (errno));
      return FALSE;
    }
  if (!kyso_pdf_write_signature_revision (doc, &o, out_fd, &layout, NULL, NULL, cancellable, error))
    goto out;
  http.ca_file = options->tls_ca_file;
  http.timeout_seconds = options->timeout_seconds;
  digest = g_bytes_new (layout.digest, sizeof layout.digest);
  token = kyso_tsa_request_token_for_digest (tsa_url, digest, &http, cancellable, error);
  if (token == NULL || !kyso_pdf_write_contents (out_fd, &layout, token, error))
    goto out;
  if (fsync (out_fd) != 0)
    {
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno),
                   _ ("Cannot write the file: %s"), g_strerror (errno));
      goto out;
    }
  close (out_fd);
  out_fd = -1;
  if (g_rename (tmp, out_path) != 0)
    {
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno),
                   _ ("Cannot write the file: %s"), g_strerror (errno));
      goto out;
    }
  ok = TRUE;

out:
  if (out_fd >= 0)
    close (out_fd);
  if (!ok)
    g_unlink (tmp);
  kyso_pdf_signature_layout_clear (&layout);
  return ok;
}
