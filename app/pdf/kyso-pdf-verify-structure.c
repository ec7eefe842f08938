/* The checks on a signature that need only the PDF: where its bytes are, what it signs, and
 * whether the /ByteRange and /Contents describe exactly one hole that holds exactly this
 * signature (ISO 32000-1 §12.8.1; ETSI EN 319 142-1 §5.1). Anything off makes it invalid, never
 * "unknown": a range that starts late, a gap wider than /Contents, or a gap somewhere else are
 * how signed bytes get moved and attacker objects slipped in. */
#include "config.h"

#include "kyso-pdf-verify.h"
#include "kyso-pdf-verify-private.h"
#include "kyso-error.h"

#include <glib/gi18n-lib.h>
#include <string.h>

void
kyso_pdf_sig_entry_free (KysoPdfSigEntry *entry)
{
  if (entry == NULL)
    return;
  g_clear_object (&entry->report);
  g_clear_pointer (&entry->dict, kyso_pdf_object_unref);
  g_clear_pointer (&entry->contents, g_bytes_unref);
  g_free (entry);
}

static int
digits (const guint8 *s, gsize len, gsize *pos, guint n, int fallback)
{
  int v = 0;

  if (*pos >= len || !g_ascii_isdigit (s[*pos]))
    return fallback;
  for (guint i = 0; i < n; i++, (*pos)++)
    {
      if (*pos >= len || !g_ascii_isdigit (s[*pos]))
        return -1;
      v = v * 10 + (s[*pos] - '0');
    }
  return v;
}

GDateTime *
kyso_pdf_parse_date (const guint8 *s, gsize len)
{
  g_autoptr(GTimeZone) tz = NULL;
  gsize pos = 0;
  int y, mo, d, h, mi, se, oh = 0, om = 0;
  char sign = 0;

  if (s == NULL)
    return NULL;
  if (len >= 2 && s[0] == 'D' && s[1] == ':')
    pos = 2;
  y = digits (s, len, &pos, 4, -1);
  mo = digits (s, len, &pos, 2, 1);
  d = digits (s, len, &pos, 2, 1);
  h = digits (s, len, &pos, 2, 0);
  mi = digits (s, len, &pos, 2, 0);
  se = digits (s, len, &pos, 2, 0);
  if (y < 0 || mo < 1 || mo > 12 || d < 1 || d > 31 || h < 0 || h > 23 || mi < 0 || mi > 59 || se < 0
      || se > 59)
    return NULL;
  if (pos < len && (s[pos] == '+' || s[pos] == '-' || s[pos] == 'Z'))
    {
      sign = (char)s[pos++];
      if (sign != 'Z')
        {
          oh = digits (s, len, &pos, 2, 0);
          if (pos < len && s[pos] == '\'')
            pos++;
          om = digits (s, len, &pos, 2, 0);
          if (oh < 0 || oh > 23 || om < 0 || om > 59)
            return NULL;
        }
    }
  if (sign == 0 || sign == 'Z')
    tz = g_time_zone_new_utc ();
  else
    tz = g_time_zone_new_offset ((sign == '-' ? -1 : 1) * (oh * 3600 + om * 60));
  /* Without a zone the time is local to whoever signed; UTC is the honest guess. */
  return g_date_time_new (tz, y, mo, d, h, mi, se);
}

/* The DER length of the CMS at the start of @data (a SEQUENCE), or 0 when it is not one. */
static gsize
der_length (const guint8 *data, gsize len)
{
  gsize n, value = 0;

  if (len < 2 || data[0] != 0x30)
    return 0;
  if (data[1] < 0x80)
    return 2 + (gsize)data[1] <= len ? 2 + (gsize)data[1] : 0;
  n = data[1] & 0x7f;
  if (n == 0 || n > 4 || 2 + n > len)
    return 0;
  for (gsize i = 0; i < n; i++)
    value = (value << 8) | data[2 + i];
  return 2 + n + value <= len ? 2 + n + value : 0;
}

static void
check_byte_range (KysoPdfHistory *h, KysoPdfSigEntry *e)
{
  KysoPdfDocument *doc = kyso_pdf_history_get_document (h);
  KysoPdfSignatureReport *r = e->report;
  g_autoptr(KysoPdfObject) br
             = kyso_pdf_document_resolve (doc, kyso_pdf_dict_get (e->dict, "ByteRange"), NULL);
  gint64 size = kyso_pdf_document_get_size (doc);

  if (kyso_pdf_object_get_kind (br) != KYSO_PDF_ARRAY || kyso_pdf_array_get_length (br) != 4)
    {
      kyso_pdf_signature_report_add_reason (
        r, KYSO_SIGNATURE_PROBLEM_BYTE_RANGE, "%s",
        _("The signature’s /ByteRange is missing or does not have four numbers."));
      return;
    }
  for (guint i = 0; i < 4; i++)
    {
      KysoPdfObject *v = kyso_pdf_array_get (br, i);
      if (kyso_pdf_object_get_kind (v) != KYSO_PDF_INT || kyso_pdf_object_get_int (v, NULL) < 0)
        {
          kyso_pdf_signature_report_add_reason (r, KYSO_SIGNATURE_PROBLEM_BYTE_RANGE, "%s",
                                                _("The signature’s /ByteRange holds something other than "
                                                  "non-negative whole numbers."));
          return;
        }
      e->ranges[i] = kyso_pdf_object_get_int (v, NULL);
    }
  if (e->ranges[0] != 0)
    kyso_pdf_signature_report_add_reason (
      r, KYSO_SIGNATURE_PROBLEM_BYTE_RANGE, "%s",
      _("The signature’s /ByteRange does not start at the beginning of the file."));
  else if (e->ranges[1] > size || e->ranges[2] > size || e->ranges[3] > size - e->ranges[2])
    kyso_pdf_signature_report_add_reason (r, KYSO_SIGNATURE_PROBLEM_BYTE_RANGE, "%s",
                                          _("The signature’s /ByteRange points past the end of the file."));
  else if (e->ranges[2] <= e->ranges[1])
    kyso_pdf_signature_report_add_reason (
      r, KYSO_SIGNATURE_PROBLEM_BYTE_RANGE, "%s",
      _("The signature’s /ByteRange ranges overlap or leave no room for the signature."));
  else
    {
      e->ranges_ok = TRUE;
      e->signed_end = e->ranges[2] + e->ranges[3];
    }
}

static void
check_contents (KysoPdfSigEntry *e)
{
  KysoPdfSignatureReport *r = e->report;
  KysoPdfObject *c = kyso_pdf_dict_get (e->dict, "Contents");
  const guint8 *data;
  gsize len, used, der;

  if (c == NULL)
    {
      kyso_pdf_signature_report_add_reason (
        r, KYSO_SIGNATURE_PROBLEM_CONTENTS, "%s",
        _("The signature has no /Contents: there is no signature value."));
      return;
    }
  /* The value must sit right in the signature dictionary, as a hex string, so that the gap can be
   * checked to be exactly it; an indirect or literal string leaves room for other bytes. */
  if (kyso_pdf_object_get_kind (c) != KYSO_PDF_STRING || !kyso_pdf_object_is_hex_string (c))
    {
      kyso_pdf_signature_report_add_reason (r, KYSO_SIGNATURE_PROBLEM_CONTENTS, "%s",
                                            _("The signature’s /Contents is not a hexadecimal string."));
      return;
    }
  if (kyso_pdf_object_get_start (c) < 0)
    kyso_pdf_signature_report_add_reason (
      r, KYSO_SIGNATURE_PROBLEM_GAP, "%s",
      _("The signature dictionary is inside a compressed object, so what it "
                                            "signs cannot be checked."));
  else if (e->ranges_ok)
    {
      e->gap_ok
        = e->ranges[1] == kyso_pdf_object_get_start (c) && e->ranges[2] == kyso_pdf_object_get_end (c);
      if (!e->gap_ok)
        kyso_pdf_signature_report_add_reason (
          r, KYSO_SIGNATURE_PROBLEM_GAP, "%s",
          _("The unsigned gap in the file is not exactly this signature’s "
                                                "/Contents value: other bytes were left out of what was signed."));
    }
  data = kyso_pdf_object_get_string (c, &len);
  used = len;
  while (used > 0 && data[used - 1] == 0)
    used--;
  if (used == 0)
    {
      kyso_pdf_signature_report_add_reason (
        r, KYSO_SIGNATURE_PROBLEM_CONTENTS, "%s",
        _("The signature’s /Contents is empty: there is no signature value."));
      return;
    }
  /* Signers pad /Contents with zeros. With a definite DER length, anything but zeros after it
   * is data smuggled in; a BER indefinite length (which ends in zeros itself) is left to the CMS
   * parser, padding included. */
  der = der_length (data, len);
  if (der != 0 && der < used)
    kyso_pdf_signature_report_add_reason (
      r, KYSO_SIGNATURE_PROBLEM_CMS, "%s",
      _("The signature’s /Contents holds other data after the signature."));
  e->contents = g_bytes_new (data, der != 0 ? der : len);
}

static void
check_coverage (KysoPdfHistory *h, KysoPdfSigEntry *e, gboolean junk_at_end)
{
  KysoPdfSignatureReport *r = e->report;
  guint n = kyso_pdf_history_get_n_revisions (h);
  int rev;

  if (!e->ranges_ok)
    return;
  rev = kyso_pdf_history_revision_ending_at (h, e->signed_end);
  if (rev < 0)
    {
      kyso_pdf_signature_report_add_reason (
        r, KYSO_SIGNATURE_PROBLEM_COVERAGE, "%s",
        _("What the signature covers does not end where a version of the "
                                              "document ends."));
      return;
    }
  r->revision = rev;
  r->whole_file = rev == (int)n - 1 && !junk_at_end;
  if (junk_at_end)
    kyso_pdf_signature_report_add_reason (
      r, KYSO_SIGNATURE_PROBLEM_STRUCTURE, "%s",
      _("Data was added at the end of the file, after its last version."));
}

int
kyso_pdf_verify_get_docmdp (KysoPdfDocument *doc, guint32 *out_num, gint64 *out_start)
{
  KysoPdfObject *catalog = kyso_pdf_document_get_catalog (doc, NULL);
  g_autoptr(KysoPdfObject) perms
             = kyso_pdf_document_resolve (doc, kyso_pdf_dict_get (catalog, "Perms"), NULL);
  KysoPdfObject *named = kyso_pdf_dict_get (perms, "DocMDP");
  g_autoptr(KysoPdfObject) sig = kyso_pdf_document_resolve (doc, named, NULL);
  g_autoptr(KysoPdfObject) refs = NULL;
  int level = 2; /* the default when /P is absent */

  if (kyso_pdf_object_get_kind (sig) != KYSO_PDF_DICT)
    return 0;
  refs = kyso_pdf_document_resolve (doc, kyso_pdf_dict_get (sig, "Reference"), NULL);
  for (guint i = 0; i < kyso_pdf_array_get_length (refs); i++)
    {
      g_autoptr(KysoPdfObject) ref = kyso_pdf_document_resolve (doc, kyso_pdf_array_get (refs, i), NULL);
      g_autoptr(KysoPdfObject) params = NULL;
      gboolean ok;
      gint64 p;

      if (!kyso_pdf_object_is_name (kyso_pdf_dict_get (ref, "TransformMethod"), "DocMDP"))
        continue;
      params = kyso_pdf_document_resolve (doc, kyso_pdf_dict_get (ref, "TransformParams"), NULL);
      p = kyso_pdf_object_get_int (kyso_pdf_dict_get (params, "P"), &ok);
      if (ok)
        level = p >= 1 && p <= 3 ? (int)p : 1; /* an unknown level is read as the strictest */
    }
  if (out_num != NULL)
    *out_num = kyso_pdf_object_get_ref_num (named);
  if (out_start != NULL)
    *out_start = kyso_pdf_object_get_start (sig);
  return level;
}

/* A certification signature is the one the catalog's /Perms /DocMDP names (§12.8.4). */
static void
check_docmdp (KysoPdfHistory *h, KysoPdfSigEntry *e)
{
  guint32 num = 0;
  gint64 start = -1;
  int level = kyso_pdf_verify_get_docmdp (kyso_pdf_history_get_document (h), &num, &start);

  if (level > 0
      && (num != 0 ? num == e->dict_num : start >= 0 && start == kyso_pdf_object_get_start (e->dict)))
    e->report->docmdp = level;
}

static gboolean
ranges_intersect (gint64 a0, gint64 a1, gint64 b0, gint64 b1)
{
  return a0 < b1 && b0 < a1;
}

/* Signed ranges may contain an earlier signature's gap whole, or stay clear of a later one;
 * anything in between means two signatures disagree about which bytes are the signature. */
/* Whether @e's field already existed in the revision its signature covers (a field added later
 * that points at an existing signature value is a copy). */
static gboolean
field_in_signed_revision (KysoPdfHistory *h, KysoPdfSigEntry *e)
{
  return e->field_num == 0 || e->report->revision < 0
         || kyso_pdf_history_lookup (h, (guint)e->report->revision, e->field_num) != NULL;
}

static void
check_overlaps (KysoPdfHistory *h, GPtrArray *entries)
{
  for (guint i = 0; i < entries->len; i++)
    for (guint j = 0; j < entries->len; j++)
      {
        KysoPdfSigEntry *a = g_ptr_array_index (entries, i), *b = g_ptr_array_index (entries, j);
        gint64 gs, ge;
        gboolean inside;

        if (i == j || !a->ranges_ok || !b->ranges_ok)
          continue;
        gs = b->ranges[1];
        ge = b->ranges[2];
        if (gs == a->ranges[1] && ge == a->ranges[2])
          {
            gboolean a_original = field_in_signed_revision (h, a),
                     b_original = field_in_signed_revision (h, b);
            /* The copy is the one added later; when both (or neither) look original, the later in
             * the form. */
            if ((!a_original && b_original) || (a_original == b_original && i > j))
              kyso_pdf_signature_report_add_reason (
                a->report, KYSO_SIGNATURE_PROBLEM_OVERLAP, "%s",
                _("This signature field reuses the signed bytes of another "
                                                      "signature."));
            continue;
          }
        inside = (gs >= a->ranges[0] && ge <= a->ranges[0] + a->ranges[1])
                 || (gs >= a->ranges[2] && ge <= a->signed_end);
        if (!inside
            && (ranges_intersect (gs, ge, a->ranges[0], a->ranges[0] + a->ranges[1])
                || ranges_intersect (gs, ge, a->ranges[2], a->signed_end)
                || ranges_intersect (gs, ge, a->ranges[1], a->ranges[2])))
          kyso_pdf_signature_report_add_reason (
            a->report, KYSO_SIGNATURE_PROBLEM_OVERLAP, "%s",
            _("This signature’s byte ranges overlap another signature’s."));
      }
}

static int
compare_entries (gconstpointer pa, gconstpointer pb)
{
  const KysoPdfSigEntry *a = *(KysoPdfSigEntry *const *)pa, *b = *(KysoPdfSigEntry *const *)pb;
  gint64 ea = a->ranges_ok ? a->signed_end : G_MAXINT64, eb = b->ranges_ok ? b->signed_end : G_MAXINT64;

  if (ea != eb)
    return ea < eb ? -1 : 1;
  return g_strcmp0 (a->report->field, b->report->field);
}

/* Whether anything but whitespace follows the last revision's "%%EOF". */
static gboolean
junk_after_last_revision (KysoPdfHistory *h)
{
  guint n = kyso_pdf_history_get_n_revisions (h);
  KysoPdfDocument *doc = kyso_pdf_history_get_document (h);

  return kyso_pdf_history_revision_ending_at (h, kyso_pdf_document_get_size (doc)) != (int)n - 1;
}

/* A field name (/T): UTF-16BE with a byte order mark, or PDFDocEncoding read as Latin-1. */
static char *
text_string (KysoPdfObject *str)
{
  gsize len;
  const guint8 *d = kyso_pdf_object_get_string (str, &len);
  char *s = NULL;

  if (d == NULL)
    return NULL;
  if (len >= 2 && d[0] == 0xfe && d[1] == 0xff)
    s = g_convert ((const char *)d + 2, (gssize)len - 2, "UTF-8", "UTF-16BE", NULL, NULL, NULL);
  return s != NULL ? s : g_convert ((const char *)d, (gssize)len, "UTF-8", "ISO-8859-1", NULL, NULL, NULL);
}

/* Signature widgets on the pages that the form's /Fields does not list: a viewer may still
 * show them as signatures (poppler does), so they are checked too rather than left unseen.
 * Adds KysoPdfField-like entries to @fields for widgets whose /V is not there yet. */
static void
add_unlisted_signatures (KysoPdfDocument *doc, GPtrArray *fields)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (NULL, NULL);
  guint n_pages = kyso_pdf_document_get_n_pages (doc, NULL);

  /* Fields already listed, by object number: a widget belongs to one if it or a parent is it. */
  for (guint i = 0; i < fields->len; i++)
    {
      KysoPdfField *f = g_ptr_array_index (fields, i);
      if (f->num != 0)
        g_hash_table_add (seen, GUINT_TO_POINTER (f->num));
    }
  for (guint p = 0; p < n_pages; p++)
    {
      g_autoptr(KysoPdfPage) page = kyso_pdf_document_get_page (doc, p, NULL);
      g_autoptr(KysoPdfObject) annots = NULL;

      if (page == NULL)
        break;
      annots = kyso_pdf_document_resolve (doc, kyso_pdf_dict_get (page->dict, "Annots"), NULL);
      for (guint a = 0; a < kyso_pdf_array_get_length (annots) && a < 100000; a++)
        {
          KysoPdfObject *ref = kyso_pdf_array_get (annots, a);
          g_autoptr(KysoPdfObject) cur = kyso_pdf_document_resolve (doc, ref, NULL);
          g_autoptr(KysoPdfObject) value = NULL;
          KysoPdfObject *v = NULL;
          const char *ft = NULL;
          char *name = NULL;
          guint32 num = kyso_pdf_object_get_ref_num (ref);
          gboolean listed = FALSE;
          KysoPdfField *f;

          if (!kyso_pdf_object_is_name (kyso_pdf_dict_get (cur, "Subtype"), "Widget"))
            continue;
          /* /FT, /V and /T may sit on the widget or on its parent field. */
          for (guint hop = 0; hop < 16 && kyso_pdf_object_get_kind (cur) == KYSO_PDF_DICT; hop++)
            {
              KysoPdfObject *next;
              listed |= num != 0 && g_hash_table_contains (seen, GUINT_TO_POINTER (num));
              if (ft == NULL)
                ft = kyso_pdf_object_get_name (kyso_pdf_dict_get (cur, "FT"));
              if (v == NULL && kyso_pdf_dict_get (cur, "V") != NULL)
                {
                  v = kyso_pdf_dict_get (cur, "V");
                  value = kyso_pdf_document_resolve (doc, v, NULL);
                  v = value != NULL ? v : NULL;
                }
              if (name == NULL)
                name = text_string (kyso_pdf_dict_get (cur, "T"));
              if (kyso_pdf_dict_get (cur, "Parent") == NULL)
                break;
              num = kyso_pdf_object_get_ref_num (kyso_pdf_dict_get (cur, "Parent"));
              next = kyso_pdf_document_resolve (doc, kyso_pdf_dict_get (cur, "Parent"), NULL);
              kyso_pdf_object_unref (cur);
              cur = next;
            }
          if (listed || g_strcmp0 (ft, "Sig") != 0 || v == NULL
              || kyso_pdf_object_get_kind (value) == KYSO_PDF_NULL
              || (kyso_pdf_object_get_ref_num (ref) != 0
                  && !g_hash_table_add (seen, GUINT_TO_POINTER (kyso_pdf_object_get_ref_num (ref)))))
            {
              g_free (name);
              continue;
            }
          f = g_new0 (KysoPdfField, 1);
          f->name = name;
          f->num = kyso_pdf_object_get_ref_num (ref);
          f->is_signature = TRUE;
          f->value = g_steal_pointer (&value);
          f->value_num = kyso_pdf_object_get_ref_num (v);
          g_ptr_array_add (fields, f);
        }
    }
}

GPtrArray *
kyso_pdf_verify_collect (KysoPdfHistory *h, GError **error)
{
  KysoPdfDocument *doc = kyso_pdf_history_get_document (h);
  g_autoptr(GPtrArray) fields = kyso_pdf_document_list_fields (doc, error);
  g_autoptr(GPtrArray) out = NULL;
  gboolean junk;

  if (fields == NULL)
    return NULL;
  add_unlisted_signatures (doc, fields);
  out = g_ptr_array_new_with_free_func ((GDestroyNotify)kyso_pdf_sig_entry_free);
  junk = junk_after_last_revision (h);
  for (guint i = 0; i < fields->len; i++)
    {
      KysoPdfField *f = g_ptr_array_index (fields, i);
      KysoPdfSigEntry *e;
      KysoPdfObject *m;
      const guint8 *text;
      gsize len;

      if (!f->is_signature || f->value == NULL)
        continue;
      e = g_new0 (KysoPdfSigEntry, 1);
      e->report = kyso_pdf_signature_report_new ();
      e->report->field = kyso_pdf_verify_text_dup (f->name != NULL ? f->name : "");
      e->report->revision = -1;
      e->dict = kyso_pdf_object_ref (f->value);
      e->dict_num = f->value_num;
      e->field_num = f->num;
      g_ptr_array_add (out, e);
      if (kyso_pdf_object_get_kind (e->dict) != KYSO_PDF_DICT)
        {
          kyso_pdf_signature_report_add_reason (
            e->report, KYSO_SIGNATURE_PROBLEM_CONTENTS, "%s",
            _("The signature field’s value is not a signature dictionary."));
          continue;
        }
      e->report->subfilter
        = kyso_pdf_verify_text_dup (kyso_pdf_object_get_name (kyso_pdf_dict_get (e->dict, "SubFilter")));
      e->report->doc_timestamp = kyso_pdf_object_is_name (kyso_pdf_dict_get (e->dict, "Type"), "DocTimeStamp")
                                 || g_strcmp0 (e->report->subfilter, "ETSI.RFC3161") == 0;
      m = kyso_pdf_dict_get (e->dict, "M");
      text = kyso_pdf_object_get_string (m, &len);
      e->report->signing_time = kyso_pdf_parse_date (text, len);
      check_byte_range (h, e);
      check_contents (e);
      check_coverage (h, e, junk);
      check_docmdp (h, e);
    }
  check_overlaps (h, out);
  g_ptr_array_sort (out, compare_entries);
  return g_steal_pointer (&out);
}
