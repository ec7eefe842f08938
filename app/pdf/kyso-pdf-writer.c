#include "config.h"

#include "kyso-pdf-writer-private.h"
#include "kyso-pdf-filter.h"
#include "kyso-error.h"
#include "kyso-util.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <math.h>
#include <openssl/evp.h>
#include <string.h>
#include <unistd.h>

/* Each /ByteRange number gets this many characters: up to 999 GB. */
#define BYTE_RANGE_WIDTH 12
#define MAX_CONTENTS_SIZE (1 << 20)

void
kyso_pdf_signature_layout_clear (KysoPdfSignatureLayout *layout)
{
  g_clear_pointer (&layout->field_name, g_free);
}

char *
kyso_pdf_format_date (GDateTime *time)
{
  g_autofree char *base = g_date_time_format (time, "D:%Y%m%d%H%M%S");
  GTimeSpan offset = g_date_time_get_utc_offset (time);
  gint64 minutes = (offset < 0 ? -offset : offset) / G_TIME_SPAN_MINUTE;

  if (offset == 0)
    return g_strconcat (base, "Z", NULL);
  return g_strdup_printf ("%s%c%02d'%02d'", base, offset < 0 ? '-' : '+', (int)(minutes / 60),
                          (int)(minutes % 60));
}

static KysoPdfObject *
ref_new (guint32 num)
{
  return kyso_pdf_ref_new (num, 0);
}

static KysoPdfObject *
number_array (const double *v, guint n)
{
  KysoPdfObject *a = kyso_pdf_array_new ();

  for (guint i = 0; i < n; i++)
    kyso_pdf_array_add (a, kyso_pdf_real_new (v[i]));
  return a;
}

/* A document certified with "no changes allowed" (DocMDP /P 1) would be broken by any signature. */
static gboolean
check_docmdp (KysoPdfDocument *doc, KysoPdfObject *catalog, GError **error)
{
  g_autoptr(KysoPdfObject) perms
             = kyso_pdf_document_resolve (doc, kyso_pdf_dict_get (catalog, "Perms"), NULL);
  g_autoptr(KysoPdfObject) sig = kyso_pdf_document_resolve (doc, kyso_pdf_dict_get (perms, "DocMDP"), NULL);
  g_autoptr(KysoPdfObject) refs
             = kyso_pdf_document_resolve (doc, kyso_pdf_dict_get (sig, "Reference"), NULL);

  for (guint i = 0; i < kyso_pdf_array_get_length (refs); i++)
    {
      g_autoptr(KysoPdfObject) r = kyso_pdf_document_resolve (doc, kyso_pdf_array_get (refs, i), NULL);
      g_autoptr(KysoPdfObject) params = NULL;
      gboolean ok;
      gint64 p;

      if (!kyso_pdf_object_is_name (kyso_pdf_dict_get (r, "TransformMethod"), "DocMDP"))
        continue;
      params = kyso_pdf_document_resolve (doc, kyso_pdf_dict_get (r, "TransformParams"), NULL);
      p = kyso_pdf_object_get_int (kyso_pdf_dict_get (params, "P"), &ok);
      if (ok && p == 1)
        {
          g_set_error (error, KYSO_ERROR, KYSO_ERROR_UNSUPPORTED,
                       _("The document is certified so that no change is allowed, not even another "
                         "signature. Ask its author for a version that permits signing."));
          return FALSE;
        }
    }
  return TRUE;
}

static char *
unique_field_name (KysoPdfDocument *doc, const char *wanted, GError **error)
{
  g_autoptr(GPtrArray) fields = kyso_pdf_document_list_fields (doc, error);
  g_autoptr(GHashTable) names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  if (fields == NULL)
    return NULL;
  for (guint i = 0; i < fields->len; i++)
    {
      KysoPdfField *f = g_ptr_array_index (fields, i);
      if (f->name != NULL)
        {
          g_hash_table_add (names, g_strdup (f->name));
          /* A dotted name also takes its first part at the top of the form. */
          if (strchr (f->name, '.') != NULL)
            g_hash_table_add (names, g_strndup (f->name, (gsize)(strchr (f->name, '.') - f->name)));
        }
    }
  if (wanted != NULL)
    {
      if (g_hash_table_contains (names, wanted) || strchr (wanted, '.') != NULL || *wanted == 0)
        {
          g_set_error (error, KYSO_ERROR, KYSO_ERROR_INVALID_INPUT,
                       /* Translators: %s is a form field name */
                       _("The field name “%s” is empty, has a dot, or is already used in this document."),
                          wanted);
          return NULL;
        }
      return g_strdup (wanted);
    }
  for (guint n = 1;; n++)
    {
      g_autofree char *name = g_strdup_printf ("Signature%u", n);
      if (!g_hash_table_contains (names, name))
        return g_steal_pointer (&name);
    }
}

static void
add_signature_dict (KysoPdfUpdate *u, guint32 num, const KysoPdfSignOptions *o, gsize *br_pos,
                    gsize *contents_pos)
{
  g_autoptr(GDateTime) now
             = o->signing_time != NULL ? g_date_time_ref (o->signing_time) : g_date_time_new_now_local ();
  g_autofree char *m = kyso_pdf_format_date (now);
  g_autoptr(KysoPdfObject) d = kyso_pdf_dict_new ();
  const char *texts[][2] = {
    { "Name", o->name },
    { "Reason", o->reason },
    { "Location", o->location },
    { "ContactInfo", o->contact_info },
  };

  kyso_pdf_dict_set (d, "Type", kyso_pdf_name_new (o->document_timestamp ? "DocTimeStamp" : "Sig"));
  kyso_pdf_dict_set (d, "Filter", kyso_pdf_name_new ("Adobe.PPKLite"));
  kyso_pdf_dict_set (d, "SubFilter",
                     kyso_pdf_name_new (o->document_timestamp ? "ETSI.RFC3161" : "ETSI.CAdES.detached"));
  /* A document time-stamp's time is the token's; it names nobody (ETSI EN 319 142-1 §5.4.3). */
  if (!o->document_timestamp)
    kyso_pdf_dict_set (d, "M", kyso_pdf_string_new ((const guint8 *)m, strlen (m), FALSE));
  for (guint i = 0; i < G_N_ELEMENTS (texts) && !o->document_timestamp; i++)
    if (texts[i][1] != NULL && *texts[i][1] != 0)
      kyso_pdf_dict_set (d, texts[i][0], kyso_pdf_text_string_new (texts[i][1]));
  kyso_pdf_update_begin_object (u, num, 0);
  /* The dictionary is written by hand around the two parts that are filled in later. */
  {
    g_autofree char *body = kyso_pdf_object_to_string (d);
    /* body is "<<…>>": insert /ByteRange and /Contents before the closing ">>". */
    g_string_append_len (u->buf, body, (gssize)strlen (body) - 2);
  }
  g_string_append (u->buf, " /ByteRange [");
  *br_pos = u->buf->len;
  for (guint i = 0; i < 3 * (BYTE_RANGE_WIDTH + 1) + 1; i++)
    g_string_append_c (u->buf, ' ');
  g_string_append (u->buf, "] /Contents ");
  *contents_pos = u->buf->len;
  g_string_append_c (u->buf, '<');
  for (gsize i = 0; i < 2 * o->contents_size; i++)
    g_string_append_c (u->buf, '0');
  g_string_append (u->buf, ">>>");
  kyso_pdf_update_end_object (u);
}

static const double *
rotation_matrix (int rotate)
{
  /* Counter-rotates the appearance so that it reads upright on a page shown rotated (§12.5.5). */
  static const double m0[6] = { 1, 0, 0, 1, 0, 0 }, m90[6] = { 0, 1, -1, 0, 0, 0 };
  static const double m180[6] = { -1, 0, 0, -1, 0, 0 }, m270[6] = { 0, -1, 1, 0, 0, 0 };

  switch (rotate)
    {
      case 90:
        return m90;
      case 180:
        return m180;
      case 270:
        return m270;
      default:
        return m0;
    }
}

static void
add_appearance (KysoPdfUpdate *u, guint32 num, const KysoPdfSignOptions *o, int rotate)
{
  g_autoptr(KysoPdfObject) d = kyso_pdf_dict_new ();
  g_autoptr(GBytes) rgb = NULL;
  g_autoptr(GBytes) alpha = NULL;
  g_autoptr(GBytes) content = NULL;
  double bbox[4] = { 0, 0, 0, 0 };
  guint iw = 0, ih = 0;
  guint32 img_num = 0, mask_num = 0;

  kyso_pdf_dict_set (d, "Type", kyso_pdf_name_new ("XObject"));
  kyso_pdf_dict_set (d, "Subtype", kyso_pdf_name_new ("Form"));
  if (!o->invisible && o->appearance != NULL)
    {
      bbox[2] = kyso_pdf_appearance_get_width (o->appearance);
      bbox[3] = kyso_pdf_appearance_get_height (o->appearance);
      kyso_pdf_dict_set (d, "Matrix", number_array (rotation_matrix (rotate), 6));
      content
        = kyso_pdf_flate_encode (g_bytes_get_data (kyso_pdf_appearance_get_content (o->appearance), NULL),
                                 g_bytes_get_size (kyso_pdf_appearance_get_content (o->appearance)));
      kyso_pdf_dict_set (d, "Filter", kyso_pdf_name_new ("FlateDecode"));
      if (kyso_pdf_appearance_get_image (o->appearance, &iw, &ih, &rgb, &alpha))
        {
          KysoPdfObject *res = kyso_pdf_dict_new ();
          KysoPdfObject *xo = kyso_pdf_dict_new ();
          img_num = u->next_num++;
          if (alpha != NULL)
            mask_num = u->next_num++;
          kyso_pdf_dict_set (xo, "Im0", ref_new (img_num));
          kyso_pdf_dict_set (res, "XObject", xo);
          kyso_pdf_dict_set (d, "Resources", res);
        }
    }
  else
    content = g_bytes_new_static ("", 0);
  if (kyso_pdf_dict_get (d, "Resources") == NULL)
    kyso_pdf_dict_set (d, "Resources", kyso_pdf_dict_new ());
  kyso_pdf_dict_set (d, "BBox", number_array (bbox, 4));
  kyso_pdf_update_add_stream (u, num, d, content);
  if (img_num != 0)
    {
      g_autoptr(KysoPdfObject) im = kyso_pdf_dict_new ();
      kyso_pdf_dict_set (im, "Type", kyso_pdf_name_new ("XObject"));
      kyso_pdf_dict_set (im, "Subtype", kyso_pdf_name_new ("Image"));
      kyso_pdf_dict_set (im, "Width", kyso_pdf_int_new (iw));
      kyso_pdf_dict_set (im, "Height", kyso_pdf_int_new (ih));
      kyso_pdf_dict_set (im, "ColorSpace", kyso_pdf_name_new ("DeviceRGB"));
      kyso_pdf_dict_set (im, "BitsPerComponent", kyso_pdf_int_new (8));
      kyso_pdf_dict_set (im, "Filter", kyso_pdf_name_new ("FlateDecode"));
      if (mask_num != 0)
        kyso_pdf_dict_set (im, "SMask", ref_new (mask_num));
      kyso_pdf_update_add_stream (u, img_num, im, rgb);
      if (mask_num != 0)
        {
          g_autoptr(KysoPdfObject) sm = kyso_pdf_object_copy (im);
          kyso_pdf_dict_remove (sm, "SMask");
          kyso_pdf_dict_set (sm, "ColorSpace", kyso_pdf_name_new ("DeviceGray"));
          kyso_pdf_update_add_stream (u, mask_num, sm, alpha);
        }
    }
}

/* Adds @widget to the page's /Annots: rewrites the /Annots array object when it is indirect, the
 * page object otherwise (and, for a page written directly inside its parent, the parent too). */
static gboolean
add_to_page (KysoPdfUpdate *u, const KysoPdfPage *page, guint32 page_num, guint32 widget, GError **error)
{
  KysoPdfObject *annots = kyso_pdf_dict_get (page->dict, "Annots");
  g_autoptr(KysoPdfObject) new_page = kyso_pdf_object_copy (page->dict);

  if (kyso_pdf_object_get_kind (annots) == KYSO_PDF_REF)
    {
      g_autoptr(KysoPdfObject) arr = kyso_pdf_document_resolve (u->doc, annots, error);
      if (arr == NULL)
        return FALSE;
      if (kyso_pdf_object_get_kind (arr) == KYSO_PDF_ARRAY && page->num != 0)
        {
          g_autoptr(KysoPdfObject) copy = kyso_pdf_object_copy (arr);
          kyso_pdf_array_add (copy, ref_new (widget));
          kyso_pdf_update_add_object (u, kyso_pdf_object_get_ref_num (annots),
                                      kyso_pdf_object_get_ref_gen (annots), copy);
          return TRUE;
        }
      kyso_pdf_dict_set (new_page, "Annots", kyso_pdf_array_new ());
    }
  else if (kyso_pdf_object_get_kind (annots) != KYSO_PDF_ARRAY)
    kyso_pdf_dict_set (new_page, "Annots", kyso_pdf_array_new ());
  kyso_pdf_array_add (kyso_pdf_dict_get (new_page, "Annots"), ref_new (widget));
  if (page->num != 0)
    {
      kyso_pdf_update_add_object (u, page->num, page->gen, new_page);
      return TRUE;
    }
  /* The page is a direct object inside its parent's /Kids: give it a number of its own. */
  {
    g_autoptr(KysoPdfObject) parent = kyso_pdf_document_get_object (u->doc, page->parent_num, error);
    g_autoptr(KysoPdfObject) new_parent = NULL;
    g_autoptr(KysoPdfObject) kids = NULL;
    g_autoptr(KysoPdfObject) new_kids = kyso_pdf_array_new ();
    const KysoPdfXrefEntry *pe = kyso_pdf_document_lookup (u->doc, page->parent_num);

    if (parent == NULL)
      return FALSE;
    kids = kyso_pdf_document_resolve (u->doc, kyso_pdf_dict_get (parent, "Kids"), error);
    if (kids == NULL)
      return FALSE;
    if (page->parent_num == 0 || pe == NULL
        || kyso_pdf_object_get_kind (kyso_pdf_dict_get (parent, "Kids")) != KYSO_PDF_ARRAY
        || page->kid_index >= kyso_pdf_array_get_length (kids))
      {
        g_set_error (error, KYSO_ERROR, KYSO_ERROR_UNSUPPORTED,
                     _("This page is stored in a way Kyso cannot add a signature to. Save the document "
                       "again with a PDF editor, then sign it."));
        return FALSE;
      }
    for (guint i = 0; i < kyso_pdf_array_get_length (kids); i++)
      kyso_pdf_array_add (new_kids, i == page->kid_index
                                      ? ref_new (page_num)
                                      : kyso_pdf_object_copy (kyso_pdf_array_get (kids, i)));
    new_parent = kyso_pdf_object_copy (parent);
    kyso_pdf_dict_set (new_parent, "Kids", g_steal_pointer (&new_kids));
    kyso_pdf_dict_set (new_page, "Parent", kyso_pdf_ref_new (page->parent_num, pe->gen));
    kyso_pdf_update_add_object (u, page_num, 0, new_page);
    kyso_pdf_update_add_object (u, page->parent_num, pe->type == KYSO_PDF_XREF_ENTRY_IN_FILE ? pe->gen : 0,
                                new_parent);
  }
  return TRUE;
}

/* Adds the field to /AcroForm /Fields and sets /SigFlags 3 (signatures exist, append only). */
static gboolean
add_to_form (KysoPdfUpdate *u, KysoPdfObject *catalog, guint32 widget, GError **error)
{
  KysoPdfObject *root = kyso_pdf_document_find_trailer_key (u->doc, "Root");
  KysoPdfObject *form_ref = kyso_pdf_dict_get (catalog, "AcroForm");
  g_autoptr(KysoPdfObject) form = kyso_pdf_document_resolve (u->doc, form_ref, error);
  g_autoptr(KysoPdfObject) new_form = NULL;
  KysoPdfObject *fields;
  gboolean ok;
  gint64 flags;

  if (form == NULL)
    return FALSE;
  new_form
    = kyso_pdf_object_get_kind (form) == KYSO_PDF_DICT ? kyso_pdf_object_copy (form) : kyso_pdf_dict_new ();
  flags = kyso_pdf_object_get_int (kyso_pdf_dict_get (new_form, "SigFlags"), &ok);
  kyso_pdf_dict_set (new_form, "SigFlags", kyso_pdf_int_new ((ok ? flags : 0) | 3));
  fields = kyso_pdf_dict_get (new_form, "Fields");
  if (kyso_pdf_object_get_kind (fields) == KYSO_PDF_REF)
    {
      g_autoptr(KysoPdfObject) arr = kyso_pdf_document_resolve (u->doc, fields, error);
      if (arr == NULL)
        return FALSE;
      if (kyso_pdf_object_get_kind (arr) == KYSO_PDF_ARRAY)
        {
          g_autoptr(KysoPdfObject) copy = kyso_pdf_object_copy (arr);
          kyso_pdf_array_add (copy, ref_new (widget));
          kyso_pdf_update_add_object (u, kyso_pdf_object_get_ref_num (fields),
                                      kyso_pdf_object_get_ref_gen (fields), copy);
          fields = NULL;
        }
      else
        {
          kyso_pdf_dict_set (new_form, "Fields", kyso_pdf_array_new ());
          fields = kyso_pdf_dict_get (new_form, "Fields");
        }
    }
  else if (kyso_pdf_object_get_kind (fields) != KYSO_PDF_ARRAY)
    {
      kyso_pdf_dict_set (new_form, "Fields", kyso_pdf_array_new ());
      fields = kyso_pdf_dict_get (new_form, "Fields");
    }
  if (fields != NULL)
    kyso_pdf_array_add (fields, ref_new (widget));

  if (kyso_pdf_object_get_kind (form_ref) == KYSO_PDF_REF && kyso_pdf_object_get_kind (form) == KYSO_PDF_DICT)
    {
      kyso_pdf_update_add_object (u, kyso_pdf_object_get_ref_num (form_ref),
                                  kyso_pdf_object_get_ref_gen (form_ref), new_form);
      return TRUE;
    }
  /* No form yet, or a direct one: the catalog is rewritten to point to the new form object. */
  {
    g_autoptr(KysoPdfObject) new_catalog = kyso_pdf_object_copy (catalog);
    guint32 form_num = u->next_num++;
    kyso_pdf_update_add_object (u, form_num, 0, new_form);
    kyso_pdf_dict_set (new_catalog, "AcroForm", ref_new (form_num));
    kyso_pdf_update_add_object (u, kyso_pdf_object_get_ref_num (root), kyso_pdf_object_get_ref_gen (root),
                                new_catalog);
  }
  return TRUE;
}

static void
add_widget (KysoPdfUpdate *u, guint32 num, guint32 sig, guint32 ap, guint32 page_num, guint32 page_gen,
            const char *name, const KysoPdfSignOptions *o)
{
  g_autoptr(KysoPdfObject) w = kyso_pdf_dict_new ();
  KysoPdfObject *apd = kyso_pdf_dict_new ();
  double rect[4] = { 0, 0, 0, 0 };

  if (!o->invisible)
    {
      rect[0] = o->rect[0];
      rect[1] = o->rect[1];
      rect[2] = o->rect[0] + o->rect[2];
      rect[3] = o->rect[1] + o->rect[3];
    }
  kyso_pdf_dict_set (w, "Type", kyso_pdf_name_new ("Annot"));
  kyso_pdf_dict_set (w, "Subtype", kyso_pdf_name_new ("Widget"));
  kyso_pdf_dict_set (w, "FT", kyso_pdf_name_new ("Sig"));
  kyso_pdf_dict_set (w, "T", kyso_pdf_text_string_new (name));
  kyso_pdf_dict_set (w, "V", ref_new (sig));
  /* 132 = Print | Locked: printed with the page, not movable in an editor. */
  kyso_pdf_dict_set (w, "F", kyso_pdf_int_new (132));
  if (page_num != 0)
    kyso_pdf_dict_set (w, "P", kyso_pdf_ref_new (page_num, page_gen));
  kyso_pdf_dict_set (w, "Rect", number_array (rect, 4));
  kyso_pdf_dict_set (apd, "N", ref_new (ap));
  kyso_pdf_dict_set (w, "AP", apd);
  kyso_pdf_update_add_object (u, num, 0, w);
}

static gboolean
check_options (const KysoPdfSignOptions *o, GError **error)
{
  gboolean rect_ok = TRUE;

  for (guint i = 0; i < 4; i++)
    rect_ok = rect_ok && isfinite (o->rect[i]) && fabs (o->rect[i]) < 1e6;
  if (!o->invisible && (!rect_ok || o->rect[2] <= 0 || o->rect[3] <= 0))
    {
      g_set_error (error, KYSO_ERROR, KYSO_ERROR_INVALID_INPUT,
                   _("The signature box must have a positive width and height."));
      return FALSE;
    }
  if (o->contents_size < 1024 || o->contents_size > MAX_CONTENTS_SIZE)
    {
      g_set_error (error, KYSO_ERROR, KYSO_ERROR_INVALID_INPUT,
                   _("The space reserved for the signature is not valid."));
      return FALSE;
    }
  return TRUE;
}

/* Copies the original, then the appended revision, hashing everything outside the placeholder. */
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EVP_MD_CTX, EVP_MD_CTX_free)

static gboolean
stream_out (KysoPdfDocument *doc, GString *tail, gint64 gap_start, gint64 gap_end, int fd,
            KysoPdfSignatureLayout *layout, KysoPdfWriteProgress progress, gpointer progress_data,
            GCancellable *cancellable, GError **error)
{
  g_autoptr(EVP_MD_CTX) md = EVP_MD_CTX_new ();
  gint64 size = kyso_pdf_document_get_size (doc), total = size + (gint64)tail->len;
  unsigned int dlen = 0;

  if (md == NULL || !EVP_DigestInit_ex (md, EVP_sha256 (), NULL))
    g_error ("OpenSSL cannot hash SHA-256");
  if (!kyso_pdf_copy_and_hash (doc, fd, md, total, progress, progress_data, cancellable, error))
    return FALSE;
  EVP_DigestUpdate (md, tail->str, (gsize)(gap_start - size));
  EVP_DigestUpdate (md, tail->str + (gap_end - size), (gsize)(total - gap_end));
  EVP_DigestFinal_ex (md, layout->digest, &dlen);
  if (!kyso_write_all (fd, tail->str, tail->len, error))
    return FALSE;
  if (progress != NULL)
    progress (total, total, progress_data);
  layout->file_size = total;
  return TRUE;
}

static gboolean
ends_with_eol (KysoPdfDocument *doc)
{
  guint8 c = 0;
  gint64 size = kyso_pdf_document_get_size (doc);

  return kyso_pdf_document_read (doc, size - 1, &c, 1, NULL) && (c == '\n' || c == '\r');
}

gboolean
kyso_pdf_write_signature_revision (KysoPdfDocument *doc, const KysoPdfSignOptions *o, int out_fd,
                                   KysoPdfSignatureLayout *layout, KysoPdfWriteProgress progress,
                                   gpointer progress_data, GCancellable *cancellable, GError **error)
{
  g_autoptr(KysoPdfPage) page = NULL;
  g_autofree char *name = NULL;
  g_autoptr(GArray) objects = g_array_new (FALSE, FALSE, sizeof (KysoPdfWrittenObject));
  g_autoptr(GString) buf = g_string_new (NULL);
  KysoPdfUpdate u = { doc, buf, 0, objects, kyso_pdf_document_get_xref_size (doc) };
  KysoPdfObject *catalog;
  guint32 sig, widget, ap, page_num;
  gsize br_pos = 0, contents_pos = 0;
  gint64 a, b, total;
  char br[3 * (BYTE_RANGE_WIDTH + 1) + 2];

  memset (layout, 0, sizeof *layout);
  if (!check_options (o, error) || !kyso_pdf_document_check_signable (doc, error))
    return FALSE;
  catalog = kyso_pdf_document_get_catalog (doc, error);
  /* DocMDP P1 still allows /DSS and document time-stamps (PAdES). */
  if (catalog == NULL || (!o->document_timestamp && !check_docmdp (doc, catalog, error)))
    return FALSE;
  if (o->page_index == KYSO_PDF_NO_PAGE && !o->invisible)
    {
      g_set_error (error, KYSO_ERROR, KYSO_ERROR_INVALID_INPUT,
                   _("A visible signature needs a page to appear on."));
      return FALSE;
    }
  if (o->page_index != KYSO_PDF_NO_PAGE
      && (page = kyso_pdf_document_get_page (doc, o->page_index, error)) == NULL)
    return FALSE;
  name = unique_field_name (doc, o->field_name, error);
  if (name == NULL)
    return FALSE;
  if (u.next_num == 0)
    u.next_num = 1;
  if (!ends_with_eol (doc))
    g_string_append_c (buf, '\n');
  u.base = kyso_pdf_document_get_size (doc);
  sig = u.next_num++;
  widget = u.next_num++;
  ap = u.next_num++;
  page_num = page == NULL ? 0 : page->num != 0 ? page->num : u.next_num++;

  add_signature_dict (&u, sig, o, &br_pos, &contents_pos);
  add_widget (&u, widget, sig, ap, page_num, page != NULL && page->num != 0 ? page->gen : 0, name, o);
  add_appearance (&u, ap, o, page != NULL ? page->rotate : 0);
  if ((page != NULL && !add_to_page (&u, page, page_num, widget, error))
      || !add_to_form (&u, catalog, widget, error) || !kyso_pdf_update_finish (&u, error))
    return FALSE;

  a = u.base + (gint64)contents_pos;
  b = a + 2 + 2 * (gint64)o->contents_size;
  total = u.base + (gint64)buf->len;
  g_snprintf (br, sizeof br, "0 %-*" G_GINT64_FORMAT " %-*" G_GINT64_FORMAT " %-*" G_GINT64_FORMAT,
              BYTE_RANGE_WIDTH, a, BYTE_RANGE_WIDTH, b, BYTE_RANGE_WIDTH, total - b);
  g_assert (strlen (br) == 3 * (BYTE_RANGE_WIDTH + 1) + 1);
  memcpy (buf->str + br_pos, br, strlen (br));

  layout->byte_range[0] = 0;
  layout->byte_range[1] = a;
  layout->byte_range[2] = b;
  layout->byte_range[3] = total - b;
  layout->contents_offset = a + 1;
  layout->contents_size = o->contents_size;
  layout->signature_object = sig;
  if (!stream_out (doc, buf, a, b, out_fd, layout, progress, progress_data, cancellable, error))
    {
      kyso_pdf_signature_layout_clear (layout);
      return FALSE;
    }
  layout->field_name = g_steal_pointer (&name);
  return TRUE;
}

gboolean
kyso_pdf_write_contents (int fd, const KysoPdfSignatureLayout *layout, GBytes *cms, GError **error)
{
  gsize len;
  const guint8 *d = g_bytes_get_data (cms, &len);
  g_autofree char *hex = NULL;

  if (len > layout->contents_size)
    {
      g_set_error (error, KYSO_ERROR, KYSO_ERROR_LIMIT,
                   _("The signature is larger than the space reserved for it in the document."));
      return FALSE;
    }
  hex = kyso_hex_encode (d, len);
  return kyso_pwrite_all (fd, hex, 2 * len, layout->contents_offset, error);
}
