#include "config.h"

#include "kyso-sign-session.h"
#include "kyso-certificate.h"
#include "kyso-error.h"
#include "kyso-pades.h"
#include "kyso-pdf-placement.h"
#include "kyso-pdf-writer.h"
#include "kyso-tsa.h"
#include "kyso-util.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define STATE_VERSION 1
/* Permissions of the signed file when the input's cannot be read: the owner's only. */
#define PRIVATE_MODE 0600
/* Room for a time-stamp token and its TSA chain (typically 4–8 KiB). */
#define TIMESTAMP_RESERVE 12288
/* Below this (points), a default box would show nothing readable. */
#define MIN_BOX 24.0

struct _KysoSignSession
{
  GObject parent_instance;

  char *input_path;
  char *output_path;
  KysoSignSessionOptions options; /* strings and objects owned (copied) */

  /* Prepared state. */
  char *temp_path;
  int temp_fd;
  guint mode;         /* the output's permissions: the input's, never wider than rw */
  gboolean persisted; /* saved: keep the temporary file when finalized */
  gboolean completed;
  KysoPdfSignatureLayout layout;
  guint page_index;
  double rect[4];
  gboolean invisible; /* options.invisible, or forced by a page too small */
  GPtrArray *chain;
  GBytes *document_digest;
  KysoPadesBuilder *builder;
};

G_DEFINE_FINAL_TYPE (KysoSignSession, kyso_sign_session, G_TYPE_OBJECT)

static void
options_copy (KysoSignSessionOptions *dst, const KysoSignSessionOptions *src)
{
  *dst = *src;
  dst->keyword = g_strdup (src->keyword);
  dst->field_name = g_strdup (src->field_name);
  dst->name = g_strdup (src->name);
  dst->reason = g_strdup (src->reason);
  dst->location = g_strdup (src->location);
  dst->contact_info = g_strdup (src->contact_info);
  dst->tsa_url = g_strdup (src->tsa_url);
  dst->tls_ca_file = g_strdup (src->tls_ca_file);
  dst->work_dir = g_strdup (src->work_dir);
  dst->image_png = src->image_png != NULL ? g_bytes_ref (src->image_png) : NULL;
  dst->signing_time = src->signing_time != NULL ? g_date_time_ref (src->signing_time) : NULL;
}

static void
options_clear (KysoSignSessionOptions *o)
{
  g_free ((char *)o->keyword);
  g_free ((char *)o->field_name);
  g_free ((char *)o->name);
  g_free ((char *)o->reason);
  g_free ((char *)o->location);
  g_free ((char *)o->contact_info);
  g_free ((char *)o->tsa_url);
  g_free ((char *)o->tls_ca_file);
  g_free ((char *)o->work_dir);
  g_clear_pointer (&o->image_png, g_bytes_unref);
  g_clear_pointer (&o->signing_time, g_date_time_unref);
  memset (o, 0, sizeof *o);
}

static void
close_temp (KysoSignSession *self, gboolean remove)
{
  if (self->temp_fd >= 0)
    close (self->temp_fd);
  self->temp_fd = -1;
  if (remove && self->temp_path != NULL)
    (void)g_unlink (self->temp_path);
}

static void
kyso_sign_session_finalize (GObject *object)
{
  KysoSignSession *self = KYSO_SIGN_SESSION (object);

  close_temp (self, !self->persisted && !self->completed);
  g_free (self->input_path);
  g_free (self->output_path);
  g_free (self->temp_path);
  options_clear (&self->options);
  kyso_pdf_signature_layout_clear (&self->layout);
  g_clear_pointer (&self->chain, g_ptr_array_unref);
  g_clear_pointer (&self->document_digest, g_bytes_unref);
  g_clear_pointer (&self->builder, kyso_pades_builder_free);
  G_OBJECT_CLASS (kyso_sign_session_parent_class)->finalize (object);
}

static void
kyso_sign_session_class_init (KysoSignSessionClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = kyso_sign_session_finalize;
}

static void
kyso_sign_session_init (KysoSignSession *self)
{
  self->temp_fd = -1;
  self->mode = PRIVATE_MODE;
}

const char *
kyso_sign_session_get_default_work_dir (void)
{
  static char *dir;

  if (g_once_init_enter (&dir))
    g_once_init_leave (&dir, g_build_filename (g_get_user_state_dir (), "kyso", "pending", NULL));
  return dir;
}

KysoSignSession *
kyso_sign_session_new (const char *input_path, const char *output_path, const KysoSignSessionOptions *options)
{
  KysoSignSession *self;
  KysoSignSessionOptions defaults = { 0 };

  g_return_val_if_fail (input_path != NULL && output_path != NULL, NULL);
  self = g_object_new (KYSO_TYPE_SIGN_SESSION, NULL);
  self->input_path = g_strdup (input_path);
  self->output_path = g_strdup (output_path);
  options_copy (&self->options, options != NULL ? options : &defaults);
  return self;
}

static GPtrArray *
chain_copy (GPtrArray *chain)
{
  GPtrArray *copy = g_ptr_array_new_with_free_func ((GDestroyNotify)g_bytes_unref);

  for (guint i = 0; chain != NULL && i < chain->len; i++)
    g_ptr_array_add (copy, g_bytes_ref (g_ptr_array_index (chain, i)));
  return copy;
}

static gboolean
temp_error (GError **error, const char *dir)
{
  int saved = errno;
  g_autofree char *name = g_filename_display_name (dir);

  g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
               /* Translators: %s is a folder, then the reason */
               _("Cannot create the signed file in “%s”: %s"), name, g_strerror (saved));
  return FALSE;
}

/* The prepared copy: 0600 in a folder only the citizen can enter, so that nobody reads or swaps
 * the unsigned file while the phone is asked. The output gets the input's permissions, never more
 * than read and write. */
static gboolean
create_temp (KysoSignSession *self, GError **error)
{
  const char *dir
    = self->options.work_dir ? self->options.work_dir : kyso_sign_session_get_default_work_dir ();
  g_autofree char *templ = g_build_filename (dir, "prepared-XXXXXX.pdf", NULL);
  struct stat st;
  int fd;

  if (g_mkdir_with_parents (dir, 0700) != 0 || g_stat (dir, &st) != 0)
    return temp_error (error, dir);
  if ((st.st_mode & 077) != 0 && g_chmod (dir, 0700) != 0)
    return temp_error (error, dir);
  fd = g_mkstemp_full (templ, O_RDWR | O_CLOEXEC, PRIVATE_MODE);
  if (fd < 0)
    return temp_error (error, dir);
  self->mode = g_stat (self->input_path, &st) == 0 ? (st.st_mode & 0666) : PRIVATE_MODE;
  self->temp_fd = fd;
  self->temp_path = g_steal_pointer (&templ);
  return TRUE;
}

/* On a page smaller than the box, the box shrinks with it; on a tiny one, none is shown. */
static void
default_rect (KysoSignSession *self, KysoPdfDocument *doc, const KysoPdfPage *page, double bw, double bh)
{
  g_autoptr(GArray) taken = kyso_pdf_placement_list_signatures (doc, page);
  double pw, ph;

  kyso_pdf_page_display_size (page, &pw, &ph);
  bw = MIN (bw, pw * 0.5);
  bh = MIN (bh, ph * 0.25);
  kyso_pdf_placement_default (page, bw, bh, self->rect);
  kyso_pdf_placement_avoid (page, taken, self->rect);
  if (bw < MIN_BOX || bh < MIN_BOX)
    self->invisible = TRUE;
}

static gboolean
place_default (KysoSignSession *self, KysoPdfDocument *doc, guint index, double bw, double bh,
               KysoPdfPage **page_out, GError **error)
{
  *page_out = kyso_pdf_document_get_page (doc, index, error);
  if (*page_out == NULL)
    return FALSE;
  self->page_index = index;
  default_rect (self, doc, *page_out, bw, bh);
  return TRUE;
}

/* Page, then rectangle: explicit, by keyword, or the default corner. */
static gboolean
place (KysoSignSession *self, KysoPdfDocument *doc, KysoPdfPage **page_out, GCancellable *cancellable,
       GError **error)
{
  const KysoSignSessionOptions *o = &self->options;
  double bw = o->box_width > 0 ? o->box_width : KYSO_PDF_PLACEMENT_BOX_WIDTH;
  double bh = o->box_height > 0 ? o->box_height : KYSO_PDF_PLACEMENT_BOX_HEIGHT;
  guint n_pages;
  GError *local = NULL;
  guint index;

  n_pages = kyso_pdf_document_get_n_pages (doc, &local);
  if (local != NULL)
    {
      g_propagate_error (error, local);
      return FALSE;
    }
  if (n_pages == 0)
    {
      /* Nothing to show a box on: an invisible signature, in the form only, still signs it. */
      if (o->has_rect || (o->keyword != NULL && *o->keyword != 0) || o->page != 0)
        {
          g_set_error (error, KYSO_ERROR, KYSO_ERROR_INVALID_INPUT,
                       _("The PDF file has no pages: only an invisible signature is possible."));
          return FALSE;
        }
      *page_out = NULL;
      self->page_index = KYSO_PDF_NO_PAGE;
      self->invisible = TRUE;
      return TRUE;
    }
  if (o->page > 0 && (guint)o->page > n_pages)
    {
      g_set_error (error, KYSO_ERROR, KYSO_ERROR_INVALID_INPUT,
                   _("Page %d does not exist: the document has %u pages."), o->page, n_pages);
      return FALSE;
    }
  index = o->page > 0 ? (guint)o->page - 1 : n_pages - 1;
  if (!o->has_rect && !o->invisible && o->keyword != NULL && *o->keyword != 0)
    {
      g_autoptr(GError) local_find = NULL;
      g_autoptr(GArray) found = kyso_pdf_placement_find_keyword (doc, self->input_path, o->keyword, TRUE, bw,
                                                                  bh, cancellable, &local_find);
      const KysoPdfPlacement *p = NULL;

      if (found == NULL && o->keyword_fallback
          && g_error_matches (local_find, KYSO_ERROR, KYSO_ERROR_NOT_FOUND))
        return place_default (self, doc, index, bw, bh, page_out, error);
      if (found == NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local_find));
          return FALSE;
        }
      /* The rule's order: with a page given, the last occurrence on that page; else the last anywhere. */
      for (guint i = 0; i < found->len && p == NULL; i++)
        if (o->page == 0 || g_array_index (found, KysoPdfPlacement, i).page_index == index)
          p = &g_array_index (found, KysoPdfPlacement, i);
      if (p == NULL)
        {
          g_set_error (error, KYSO_ERROR, KYSO_ERROR_NOT_FOUND,
                       _("The location keyword “%s” does not occur on page %d."), o->keyword, o->page);
          return FALSE;
        }
      index = p->page_index;
      memcpy (self->rect, p->rect, sizeof self->rect);
    }
  *page_out = kyso_pdf_document_get_page (doc, index, error);
  if (*page_out == NULL)
    return FALSE;
  self->page_index = index;
  if (o->has_rect)
    memcpy (self->rect, o->rect, sizeof self->rect);
  else if (o->keyword == NULL || *o->keyword == 0)
    default_rect (self, doc, *page_out, bw, bh);
  return TRUE;
}

static KysoPdfAppearance *
make_appearance (KysoSignSession *self, const KysoPdfPage *page, KysoCertificate *cert, const char *name,
                 GDateTime *time, GError **error)
{
  KysoPdfAppearanceInfo info = { 0 };
  gboolean quarter = page->rotate == 90 || page->rotate == 270;

  info.signer_name = name;
  info.time = time;
  info.ca_name = self->options.show_ca ? kyso_certificate_get_issuer_name (cert) : NULL;
  info.reason = self->options.reason;
  info.image_png = self->options.image_png;
  /* The appearance is drawn upright as the reader sees the page; the writer turns it back. */
  return kyso_pdf_appearance_new (&info, quarter ? self->rect[3] : self->rect[2],
                                  quarter ? self->rect[2] : self->rect[3], error);
}

GBytes *
kyso_sign_session_prepare (KysoSignSession *self, GPtrArray *chain, GCancellable *cancellable, GError **error)
{
  g_autoptr(KysoPdfDocument) doc = NULL;
  g_autoptr(KysoPdfPage) page = NULL;
  g_autoptr(KysoCertificate) cert = NULL;
  g_autoptr(KysoPdfAppearance) appearance = NULL;
  g_autoptr(GDateTime) now = NULL;
  g_autoptr(GBytes) digest = NULL;
  KysoPdfSignOptions po = { 0 };
  const char *name;

  g_return_val_if_fail (KYSO_IS_SIGN_SESSION (self), NULL);
  g_return_val_if_fail (self->temp_path == NULL && !self->completed, NULL);
  if (chain == NULL || chain->len == 0)
    {
      g_set_error (error, KYSO_ERROR, KYSO_ERROR_CERTIFICATE, _("No certificate was given to sign with."));
      return NULL;
    }
  cert = kyso_certificate_new (g_ptr_array_index (chain, 0), error);
  if (cert == NULL)
    return NULL;
  doc = kyso_pdf_document_open (self->input_path, error);
  if (doc == NULL || !kyso_pdf_document_check_signable (doc, error)
      || !place (self, doc, &page, cancellable, error))
    return NULL;
  now = self->options.signing_time != NULL ? g_date_time_ref (self->options.signing_time)
                                           : g_date_time_new_now_local ();
  name = self->options.name != NULL ? self->options.name : kyso_certificate_get_holder_name (cert);
  self->invisible = self->invisible || self->options.invisible;
  if (!self->invisible)
    {
      appearance = make_appearance (self, page, cert, name, now, error);
      if (appearance == NULL)
        return NULL;
    }
  po.page_index = self->page_index;
  memcpy (po.rect, self->rect, sizeof po.rect);
  po.invisible = self->invisible;
  po.field_name = self->options.field_name;
  po.name = name;
  po.reason = self->options.reason;
  po.location = self->options.location;
  po.contact_info = self->options.contact_info;
  po.signing_time = now;
  /* The estimate is an upper bound for this chain; round up to whole KiB for a tidy placeholder. */
  po.contents_size
    = (kyso_pades_estimate_size (chain, self->options.tsa_url != NULL ? TIMESTAMP_RESERVE : 0) + 1024 + 1023)
      & ~(gsize)1023;
  po.appearance = appearance;
  if (!create_temp (self, error))
    return NULL;
  if (!kyso_pdf_write_signature_revision (doc, &po, self->temp_fd, &self->layout, NULL, NULL, cancellable,
                                          error))
    goto fail;
  digest = g_bytes_new (self->layout.digest, sizeof self->layout.digest);
  self->builder = kyso_pades_builder_new (digest, chain, error);
  if (self->builder == NULL)
    goto fail;
  self->chain = chain_copy (chain);
  self->document_digest = g_steal_pointer (&digest);
  return g_bytes_ref (kyso_pades_builder_get_digest_to_sign (self->builder));

fail:
  close_temp (self, TRUE);
  g_clear_pointer (&self->temp_path, g_free);
  kyso_pdf_signature_layout_clear (&self->layout);
  return NULL;
}

static gboolean
fsync_dir (const char *path)
{
  g_autofree char *dir = g_path_get_dirname (path);
  int fd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

  if (fd < 0)
    return FALSE;
  (void)fsync (fd);
  close (fd);
  return TRUE;
}

static gboolean
io_error (GError **error, const char *path)
{
  int saved = errno;
  g_autofree char *name = g_filename_display_name (path);

  g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
               /* Translators: %s is a file name, then the reason */
               _("Cannot save the signed file “%s”: %s"), name, g_strerror (saved));
  return FALSE;
}

/* Another file system: a copy next to the output (same permissions, synced), then the rename. */
static gboolean
copy_into_place (KysoSignSession *self, GCancellable *cancellable, GError **error)
{
  g_autofree char *dir = g_path_get_dirname (self->output_path);
  g_autofree char *base = g_path_get_basename (self->output_path);
  g_autofree char *templ = g_strdup_printf ("%s/.%s.kyso-XXXXXX", dir, base);
  g_autofree char *buffer = g_malloc (1 << 20);
  int in = -1, out = -1;
  gboolean ok = FALSE;
  gssize n;

  in = open (self->temp_path, O_RDONLY | O_CLOEXEC);
  out = g_mkstemp_full (templ, O_WRONLY | O_CLOEXEC, self->mode);
  if (in < 0 || out < 0)
    goto done;
  while ((n = read (in, buffer, 1 << 20)) > 0)
    if (g_cancellable_is_cancelled (cancellable) || !kyso_write_all (out, buffer, (gsize)n, NULL))
      goto done;
  ok = n == 0 && fchmod (out, self->mode) == 0 && fsync (out) == 0;
  if (close (out) != 0)
    ok = FALSE;
  out = -1;
  ok = ok && g_rename (templ, self->output_path) == 0;

done:
  if (!ok)
    {
      io_error (error, self->output_path);
      if (out >= 0)
        close (out);
      if (templ != NULL)
        (void)g_unlink (templ);
    }
  if (in >= 0)
    close (in);
  if (ok)
    (void)g_unlink (self->temp_path);
  return ok;
}

static gboolean
move_into_place (KysoSignSession *self, GCancellable *cancellable, GError **error)
{
  if (g_rename (self->temp_path, self->output_path) == 0)
    return TRUE;
  if (errno != EXDEV)
    return io_error (error, self->output_path);
  return copy_into_place (self, cancellable, error);
}

gboolean
kyso_sign_session_complete (KysoSignSession *self, GBytes *raw_signature, GCancellable *cancellable,
                            GError **error)
{
  g_autoptr(GBytes) cms = NULL;

  g_return_val_if_fail (KYSO_IS_SIGN_SESSION (self), FALSE);
  g_return_val_if_fail (raw_signature != NULL, FALSE);
  if (self->builder == NULL || self->temp_fd < 0 || self->completed)
    {
      g_set_error (error, KYSO_ERROR, KYSO_ERROR_INVALID_INPUT,
                   _("This document is not ready to receive a signature."));
      return FALSE;
    }
  if (!kyso_pades_builder_set_signature (self->builder, raw_signature, error))
    return FALSE;
  if (self->options.tsa_url != NULL)
    {
      KysoHttpOptions http = { 0 };
      g_autoptr(GBytes) token = NULL;

      http.ca_file = self->options.tls_ca_file;
      http.timeout_seconds = 30;
      token = kyso_tsa_request_token (self->options.tsa_url, kyso_pades_builder_get_signature (self->builder),
                                      &http, cancellable, error);
      if (token == NULL || !kyso_pades_builder_add_timestamp_token (self->builder, token, error))
        return FALSE;
    }
  cms = kyso_pades_builder_to_der (self->builder, error);
  if (cms == NULL || !kyso_pdf_write_contents (self->temp_fd, &self->layout, cms, error))
    return FALSE;
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;
  if (fchmod (self->temp_fd, self->mode) != 0 || fsync (self->temp_fd) != 0)
    return io_error (error, self->output_path);
  if (close (self->temp_fd) != 0)
    {
      self->temp_fd = -1;
      return io_error (error, self->output_path);
    }
  self->temp_fd = -1;
  if (!move_into_place (self, cancellable, error))
    return FALSE;
  fsync_dir (self->output_path);
  self->completed = TRUE;
  return TRUE;
}

void
kyso_sign_session_abort (KysoSignSession *self)
{
  g_return_if_fail (KYSO_IS_SIGN_SESSION (self));
  if (self->completed)
    return;
  close_temp (self, TRUE);
  g_clear_pointer (&self->temp_path, g_free);
  g_clear_pointer (&self->builder, kyso_pades_builder_free);
  self->persisted = FALSE;
}

const char *
kyso_sign_session_get_input_path (KysoSignSession *self)
{
  return self->input_path;
}

const char *
kyso_sign_session_get_output_path (KysoSignSession *self)
{
  return self->output_path;
}

const char *
kyso_sign_session_get_temp_path (KysoSignSession *self)
{
  return self->temp_path;
}

const char *
kyso_sign_session_get_field_name (KysoSignSession *self)
{
  return self->layout.field_name;
}

GBytes *
kyso_sign_session_get_digest_to_sign (KysoSignSession *self)
{
  return self->builder != NULL ? kyso_pades_builder_get_digest_to_sign (self->builder) : NULL;
}

GBytes *
kyso_sign_session_get_document_digest (KysoSignSession *self)
{
  return self->document_digest;
}

gboolean
kyso_sign_session_get_byte_range (KysoSignSession *self, gint64 byte_range[4])
{
  if (self->document_digest == NULL)
    return FALSE;
  memcpy (byte_range, self->layout.byte_range, sizeof self->layout.byte_range);
  return TRUE;
}

gboolean
kyso_sign_session_get_placement (KysoSignSession *self, guint *page_index, double rect[4])
{
  if (self->document_digest == NULL)
    return FALSE;
  *page_index = self->page_index;
  memcpy (rect, self->rect, sizeof self->rect);
  return TRUE;
}

gboolean
kyso_sign_session_is_completed (KysoSignSession *self)
{
  return self->completed;
}

/* Saved state ------------------------------------------------------------------------------ */

GVariant *
kyso_sign_session_save (KysoSignSession *self)
{
  GVariantBuilder b, chain;
  const KysoPdfSignatureLayout *l = &self->layout;

  g_return_val_if_fail (KYSO_IS_SIGN_SESSION (self), NULL);
  if (self->builder == NULL || self->completed)
    return NULL;
  self->persisted = TRUE;
  g_variant_builder_init (&chain, G_VARIANT_TYPE ("aay"));
  for (guint i = 0; i < self->chain->len; i++)
    {
      gsize len;
      const guint8 *d = g_bytes_get_data (g_ptr_array_index (self->chain, i), &len);
      g_variant_builder_add_value (&chain, g_variant_new_fixed_array (G_VARIANT_TYPE_BYTE, d, len, 1));
    }
  g_variant_builder_init (&b, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&b, "{sv}", "version", g_variant_new_uint32 (STATE_VERSION));
  g_variant_builder_add (&b, "{sv}", "input", g_variant_new_bytestring (self->input_path));
  g_variant_builder_add (&b, "{sv}", "output", g_variant_new_bytestring (self->output_path));
  g_variant_builder_add (&b, "{sv}", "temp", g_variant_new_bytestring (self->temp_path));
  g_variant_builder_add (&b, "{sv}", "field", g_variant_new_string (l->field_name));
  g_variant_builder_add (
    &b, "{sv}", "byte-range",
    g_variant_new ("(xxxx)", l->byte_range[0], l->byte_range[1], l->byte_range[2], l->byte_range[3]));
  g_variant_builder_add (&b, "{sv}", "contents-offset", g_variant_new_int64 (l->contents_offset));
  g_variant_builder_add (&b, "{sv}", "contents-size", g_variant_new_uint64 (l->contents_size));
  g_variant_builder_add (&b, "{sv}", "file-size", g_variant_new_int64 (l->file_size));
  g_variant_builder_add (&b, "{sv}", "signature-object", g_variant_new_uint32 (l->signature_object));
  g_variant_builder_add (&b, "{sv}", "document-digest",
                         g_variant_new_fixed_array (G_VARIANT_TYPE_BYTE, l->digest, sizeof l->digest, 1));
  g_variant_builder_add (
    &b, "{sv}", "digest-to-sign",
    g_variant_new_fixed_array (G_VARIANT_TYPE_BYTE,
                               g_bytes_get_data (kyso_pades_builder_get_digest_to_sign (self->builder), NULL),
                               32, 1));
  g_variant_builder_add (&b, "{sv}", "chain", g_variant_builder_end (&chain));
  g_variant_builder_add (&b, "{sv}", "page", g_variant_new_uint32 (self->page_index));
  g_variant_builder_add (&b, "{sv}", "mode", g_variant_new_uint32 (self->mode));
  g_variant_builder_add (
    &b, "{sv}", "rect", g_variant_new ("(dddd)", self->rect[0], self->rect[1], self->rect[2], self->rect[3]));
  if (self->options.tsa_url != NULL)
    g_variant_builder_add (&b, "{sv}", "tsa-url", g_variant_new_string (self->options.tsa_url));
  if (self->options.tls_ca_file != NULL)
    g_variant_builder_add (&b, "{sv}", "tls-ca-file", g_variant_new_bytestring (self->options.tls_ca_file));
  return g_variant_builder_end (&b);
}

/* SHA-256 over the two byte ranges of the prepared copy, read again from the disk. */
static gboolean
rehash_matches (int fd, const KysoPdfSignatureLayout *l)
{
  g_autofree guint8 *buffer = g_malloc (1 << 20);
  EVP_MD_CTX *md = EVP_MD_CTX_new ();
  guint8 digest[32];
  unsigned int len = 0;
  gboolean ok = md != NULL && EVP_DigestInit_ex (md, EVP_sha256 (), NULL) == 1;

  for (guint r = 0; ok && r < 2; r++)
    {
      gint64 pos = l->byte_range[2 * r], left = l->byte_range[2 * r + 1];

      while (ok && left > 0)
        {
          gssize n = pread (fd, buffer, (size_t)MIN (left, 1 << 20), pos);

          if (n <= 0)
            ok = FALSE;
          else
            {
              ok = EVP_DigestUpdate (md, buffer, (size_t)n) == 1;
              pos += n;
              left -= n;
            }
        }
    }
  ok = ok && EVP_DigestFinal_ex (md, digest, &len) == 1 && len == 32 && memcmp (digest, l->digest, 32) == 0;
  EVP_MD_CTX_free (md);
  return ok;
}

static gboolean
bad_state (GError **error)
{
  g_set_error (error, KYSO_ERROR, KYSO_ERROR_INVALID_INPUT, _("The saved signing request is not readable."));
  return FALSE;
}

static GBytes *
lookup_bytes (GVariantDict *d, const char *key, gsize want)
{
  g_autoptr(GVariant) v = g_variant_dict_lookup_value (d, key, G_VARIANT_TYPE_BYTESTRING);
  gsize len;
  const guint8 *p;

  if (v == NULL)
    return NULL;
  p = g_variant_get_fixed_array (v, &len, 1);
  if (want != 0 && len != want)
    return NULL;
  return g_bytes_new (p, len);
}

KysoSignSession *
kyso_sign_session_load (GVariant *state, GError **error)
{
  g_autoptr(GVariantDict) d = NULL;
  g_autoptr(KysoSignSession) self = NULL;
  g_autoptr(GVariant) chain_v = NULL;
  g_autoptr(GBytes) digest = NULL;
  g_autoptr(GBytes) to_sign = NULL;
  g_autoptr(GPtrArray) chain = NULL;
  const char *input = NULL, *output = NULL, *temp = NULL, *field = NULL, *tsa = NULL, *ca = NULL;
  KysoSignSessionOptions options = { 0 };
  KysoPdfSignatureLayout *l;
  guint32 version = 0;
  guint64 contents_size = 0;
  struct stat st;

  g_return_val_if_fail (state != NULL, NULL);
  if (!g_variant_is_of_type (state, G_VARIANT_TYPE_VARDICT))
    return bad_state (error), NULL;
  d = g_variant_dict_new (state);
  if (!g_variant_dict_lookup (d, "version", "u", &version) || version != STATE_VERSION
      || !g_variant_dict_lookup (d, "input", "^&ay", &input)
      || !g_variant_dict_lookup (d, "output", "^&ay", &output)
      || !g_variant_dict_lookup (d, "temp", "^&ay", &temp)
      || !g_variant_dict_lookup (d, "field", "&s", &field)
      || !g_variant_dict_lookup (d, "contents-size", "t", &contents_size)
      || (digest = lookup_bytes (d, "document-digest", 32)) == NULL
      || (to_sign = lookup_bytes (d, "digest-to-sign", 32)) == NULL
      || (chain_v = g_variant_dict_lookup_value (d, "chain", G_VARIANT_TYPE ("aay"))) == NULL)
    return bad_state (error), NULL;
  g_variant_dict_lookup (d, "tsa-url", "&s", &tsa);
  g_variant_dict_lookup (d, "tls-ca-file", "^&ay", &ca);
  options.tsa_url = tsa;
  options.tls_ca_file = ca;
  self = kyso_sign_session_new (input, output, &options);
  l = &self->layout;
  l->contents_size = contents_size;
  l->field_name = g_strdup (field);
  if (!g_variant_dict_lookup (d, "byte-range", "(xxxx)", &l->byte_range[0], &l->byte_range[1],
                              &l->byte_range[2], &l->byte_range[3])
      || !g_variant_dict_lookup (d, "contents-offset", "x", &l->contents_offset)
      || !g_variant_dict_lookup (d, "file-size", "x", &l->file_size)
      || !g_variant_dict_lookup (d, "signature-object", "u", &l->signature_object)
      || !g_variant_dict_lookup (d, "page", "u", &self->page_index)
      || !g_variant_dict_lookup (d, "rect", "(dddd)", &self->rect[0], &self->rect[1], &self->rect[2],
                                 &self->rect[3]))
    return bad_state (error), NULL;
  if (g_variant_dict_lookup (d, "mode", "u", &self->mode))
    self->mode &= 0666;
  memcpy (l->digest, g_bytes_get_data (digest, NULL), 32);
  chain = g_ptr_array_new_with_free_func ((GDestroyNotify)g_bytes_unref);
  for (gsize i = 0; i < g_variant_n_children (chain_v); i++)
    {
      g_autoptr(GVariant) c = g_variant_get_child_value (chain_v, i);
      gsize len;
      const guint8 *p = g_variant_get_fixed_array (c, &len, 1);
      g_ptr_array_add (chain, g_bytes_new (p, len));
    }
  self->temp_path = g_strdup (temp);
  /* Whatever happens below, a saved request's file is only removed by complete() or abort(). */
  self->persisted = TRUE;
  self->temp_fd = open (temp, O_RDWR | O_CLOEXEC);
  if (self->temp_fd < 0)
    {
      g_set_error (error, KYSO_ERROR, KYSO_ERROR_NOT_FOUND,
                   _("The prepared file for this signing request is gone; start signing again."));
      return NULL;
    }
  /* The placeholder must still be where the saved layout says, in a file of the same size. */
  if (fstat (self->temp_fd, &st) != 0 || st.st_size != l->file_size || l->contents_offset <= 0
      || l->contents_offset + 2 * (gint64)l->contents_size > l->file_size)
    {
      g_set_error (error, KYSO_ERROR, KYSO_ERROR_BROKEN_FILE,
                   _("The prepared file for this signing request has changed; start signing again."));
      return NULL;
    }
  /* Same size is not enough: what was sent to the phone must be exactly what will be signed. */
  if (l->byte_range[0] != 0 || l->byte_range[1] < 0 || l->byte_range[2] < l->byte_range[1]
      || l->byte_range[3] < 0 || l->byte_range[2] + l->byte_range[3] > l->file_size
      || !rehash_matches (self->temp_fd, l))
    {
      g_set_error (error, KYSO_ERROR, KYSO_ERROR_BROKEN_FILE,
                   _("The prepared file for this signing request was changed after the request was sent to "
                     "your phone, so it cannot be signed. Nothing was signed; start signing again."));
      return NULL;
    }
  self->builder = kyso_pades_builder_new (digest, chain, error);
  if (self->builder == NULL)
    return NULL;
  /* The signed attributes are deterministic: the digest sent to the signer must come out again. */
  if (!g_bytes_equal (kyso_pades_builder_get_digest_to_sign (self->builder), to_sign))
    return bad_state (error), NULL;
  self->chain = g_steal_pointer (&chain);
  self->document_digest = g_steal_pointer (&digest);
  self->persisted = TRUE;
  return g_steal_pointer (&self);
}
