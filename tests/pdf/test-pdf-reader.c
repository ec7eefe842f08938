/* The PDF reader: lexer and objects, filters, cross-reference tables and streams, object
 * streams, hybrid files, revisions, page tree and form, on hand-made and corpus files. */
#include "kyso-error.h"
#include "kyso-pdf-document.h"
#include "kyso-pdf-filter.h"
#include "kyso-pdf-lexer.h"
#include "kyso-test-pdf.h"

#include <string.h>
#include <zlib.h>

static KysoPdfObject *
parse (const char *text, GError **error)
{
  g_autoptr(GBytes) bytes = g_bytes_new (text, strlen (text));
  g_autoptr(KysoPdfSource) src = kyso_pdf_source_new_bytes (bytes);
  KysoPdfLexer lexer;
  KysoPdfObject *obj;

  kyso_pdf_lexer_init (&lexer, src, 0, TRUE);
  obj = kyso_pdf_lexer_parse_object (&lexer, error);
  kyso_pdf_lexer_clear (&lexer);
  return obj;
}

static void
test_lexer_objects (void)
{
  const char *text = "<< /Type /Page /Na#6De#20X (a\\(b\\)\\n\\101\\\nz) /H <48656C6C6F7> /A [1 2.5 -3 +4 .5]"
                     " /R 12 0 R /B true /F false /N null /Empty () % comment\n /Last [] >>";
  g_autoptr(GError) error = NULL;
  g_autoptr(KysoPdfObject) d = parse (text, &error);
  KysoPdfObject *arr;
  const guint8 *s;
  gsize len;

  g_assert_no_error (error);
  g_assert_cmpint (kyso_pdf_object_get_kind (d), ==, KYSO_PDF_DICT);
  g_assert_cmpint (kyso_pdf_object_get_start (d), ==, 0);
  g_assert_cmpint (kyso_pdf_object_get_end (d), ==, (gint64)strlen (text));
  g_assert_true (kyso_pdf_object_is_name (kyso_pdf_dict_get (d, "Type"), "Page"));
  s = kyso_pdf_object_get_string (kyso_pdf_dict_get (d, "Name X"), &len);
  g_assert_cmpmem (s, len, "a(b)\nAz", 7);
  /* An odd number of hex digits: the last one is followed by an implied 0. */
  s = kyso_pdf_object_get_string (kyso_pdf_dict_get (d, "H"), &len);
  g_assert_cmpmem (s, len, "Hellop", 6);
  g_assert_true (kyso_pdf_object_is_hex_string (kyso_pdf_dict_get (d, "H")));
  g_assert_cmpuint (kyso_pdf_array_get_length (kyso_pdf_dict_get (d, "A")), ==, 5);
  g_assert_null (kyso_pdf_dict_get (d, "Nope"));
  arr = kyso_pdf_dict_get (d, "Last");
  g_assert_cmpint (kyso_pdf_object_get_kind (arr), ==, KYSO_PDF_ARRAY);
  g_assert_cmpint (kyso_pdf_object_get_kind (kyso_pdf_dict_get (d, "R")), ==, KYSO_PDF_REF);
  g_assert_cmpuint (kyso_pdf_object_get_ref_num (kyso_pdf_dict_get (d, "R")), ==, 12);
  g_assert_true (kyso_pdf_object_get_bool (kyso_pdf_dict_get (d, "B")));
  g_assert_cmpint (kyso_pdf_object_get_kind (kyso_pdf_dict_get (d, "F")), ==, KYSO_PDF_BOOL);
  /* null values are the same as absent keys */
  g_assert_null (kyso_pdf_dict_get (d, "N"));
  g_assert_nonnull (kyso_pdf_dict_get (d, "Empty"));

  {
    g_autoptr(KysoPdfObject) a = parse ("[1 2.5 -3 +4 .5 1 0 R 7]", &error);
    gboolean ok;
    g_assert_no_error (error);
    g_assert_cmpuint (kyso_pdf_array_get_length (a), ==, 7);
    g_assert_cmpint (kyso_pdf_object_get_int (kyso_pdf_array_get (a, 0), &ok), ==, 1);
    g_assert_true (ok);
    g_assert_cmpfloat (kyso_pdf_object_get_number (kyso_pdf_array_get (a, 1), NULL), ==, 2.5);
    g_assert_cmpint (kyso_pdf_object_get_int (kyso_pdf_array_get (a, 2), NULL), ==, -3);
    g_assert_cmpint (kyso_pdf_object_get_int (kyso_pdf_array_get (a, 3), NULL), ==, 4);
    g_assert_cmpfloat (kyso_pdf_object_get_number (kyso_pdf_array_get (a, 4), NULL), ==, 0.5);
    g_assert_cmpint (kyso_pdf_object_get_kind (kyso_pdf_array_get (a, 5)), ==, KYSO_PDF_REF);
    g_assert_cmpint (kyso_pdf_object_get_int (kyso_pdf_array_get (a, 6), NULL), ==, 7);
    /* Spans point into the text. */
    g_assert_cmpint (kyso_pdf_object_get_start (kyso_pdf_array_get (a, 5)), ==, 16);
    g_assert_cmpint (kyso_pdf_object_get_end (kyso_pdf_array_get (a, 5)), ==, 21);
  }
}

static void
test_lexer_serialize (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KysoPdfObject) d = parse ("<< /A (x\\)y\\\\) /B#2FC 1.50 /D <00FF> /E [1 0 R -0.0] >>", &error);
  g_autofree char *text = NULL;
  g_autoptr(KysoPdfObject) again = NULL;
  g_autofree char *text2 = NULL;

  g_assert_no_error (error);
  text = kyso_pdf_object_to_string (d);
  g_assert_cmpstr (text, ==, "<</A (x\\)y\\\\) /B#2FC 1.5 /D <00FF> /E [1 0 R 0]>>");
  again = parse (text, &error);
  g_assert_no_error (error);
  text2 = kyso_pdf_object_to_string (again);
  g_assert_cmpstr (text, ==, text2);
}

static void
test_lexer_lenient (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KysoPdfObject) d = parse ("<< /A } /B 1 (stray) /C 2 /D >>", &error);
  g_autoptr(KysoPdfObject) e = NULL;
  g_autoptr(KysoPdfObject) f = NULL;

  /* Damage read the way qpdf reads it: brace → null, value without key dropped, key without value. */
  g_assert_no_error (error);
  g_assert_null (kyso_pdf_dict_get (d, "A"));
  g_assert_cmpint (kyso_pdf_object_get_int (kyso_pdf_dict_get (d, "B"), NULL), ==, 1);
  g_assert_cmpint (kyso_pdf_object_get_int (kyso_pdf_dict_get (d, "C"), NULL), ==, 2);
  g_assert_null (kyso_pdf_dict_get (d, "D"));
  /* An unclosed dictionary ends at "endobj" rather than swallowing what follows. */
  e = parse ("<< /A 1 endobj 2 0 obj << /B 2 >>", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (kyso_pdf_dict_get_size (e), ==, 1);
  /* A bad character ends a hex string. */
  f = parse ("[<41q> 5]", &error);
  g_assert_no_error (error);
  g_assert_cmpint (kyso_pdf_object_get_kind (kyso_pdf_array_get (f, 0)), ==, KYSO_PDF_STRING);
}

static void
test_lexer_limits (void)
{
  g_autoptr(GString) deep = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(KysoPdfObject) obj = NULL;

  for (int i = 0; i < 1000; i++)
    g_string_append_c (deep, '[');
  obj = parse (deep->str, &error);
  g_assert_null (obj);
  g_assert_error (error, KYSO_ERROR, KYSO_ERROR_LIMIT);
  g_clear_error (&error);
  obj = parse ("(never closed", &error);
  g_assert_null (obj);
  g_assert_error (error, KYSO_ERROR, KYSO_ERROR_BROKEN_FILE);
  g_clear_error (&error);
  obj = parse ("<< /A [1 2", &error);
  g_assert_null (obj);
  g_assert_error (error, KYSO_ERROR, KYSO_ERROR_BROKEN_FILE);
}

static GBytes *
deflate_bytes (const guint8 *data, gsize len)
{
  uLongf out_len = compressBound (len);
  guint8 *out = g_malloc (out_len);

  g_assert_cmpint (compress2 (out, &out_len, data, len, 9), ==, Z_OK);
  return g_bytes_new_take (out, out_len);
}

static void
test_filter_predictors (void)
{
  static const guint8 raw[3][4] = { { 1, 2, 3, 4 }, { 5, 7, 9, 11 }, { 200, 100, 50, 25 } };
  int types[] = { 0, 1, 2, 3, 4 };

  for (guint t = 0; t < G_N_ELEMENTS (types); t++)
    {
      g_autoptr(GByteArray) enc = g_byte_array_new ();
      g_autoptr(GBytes) z = NULL;
      g_autoptr(GBytes) out = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(KysoPdfObject) dict
                 = parse ("<< /Filter /FlateDecode /DecodeParms << /Predictor 12 /Columns 4 >> >>", &error);
      guint8 prev[4] = { 0 };

      /* Encode each row with PNG filter type @t (bpp 1). */
      for (int r = 0; r < 3; r++)
        {
          guint8 ty = (guint8)types[t];
          g_byte_array_append (enc, &ty, 1);
          for (int i = 0; i < 4; i++)
            {
              int left = i > 0 ? raw[r][i - 1] : 0, up = prev[i], ul = i > 0 ? prev[i - 1] : 0, pred = 0;
              guint8 v;
              if (ty == 1)
                pred = left;
              else if (ty == 2)
                pred = up;
              else if (ty == 3)
                pred = (left + up) / 2;
              else if (ty == 4)
                {
                  int p = left + up - ul, pa = abs (p - left), pb = abs (p - up), pc = abs (p - ul);
                  pred = pa <= pb && pa <= pc ? left : pb <= pc ? up : ul;
                }
              v = (guint8)(raw[r][i] - pred);
              g_byte_array_append (enc, &v, 1);
            }
          memcpy (prev, raw[r], 4);
        }
      z = deflate_bytes (enc->data, enc->len);
      out = kyso_pdf_decode_bytes (dict, g_bytes_get_data (z, NULL), g_bytes_get_size (z), 1 << 20, &error);
      g_assert_no_error (error);
      g_assert_cmpmem (g_bytes_get_data (out, NULL), g_bytes_get_size (out), raw, sizeof raw);
    }
}

static void
test_filter_limits (void)
{
  g_autofree guint8 *zeros = g_malloc0 (8 << 20);
  g_autoptr(GBytes) z = deflate_bytes (zeros, 8 << 20);
  g_autoptr(GError) error = NULL;
  g_autoptr(KysoPdfObject) dict = parse ("<< /Filter /FlateDecode >>", &error);
  g_autoptr(KysoPdfObject) lzw = parse ("<< /Filter /LZWDecode >>", &error);
  g_autoptr(GBytes) out = NULL;

  /* A zip bomb stops at the cap. */
  out = kyso_pdf_decode_bytes (dict, g_bytes_get_data (z, NULL), g_bytes_get_size (z), 1 << 20, &error);
  g_assert_null (out);
  g_assert_error (error, KYSO_ERROR, KYSO_ERROR_LIMIT);
  g_clear_error (&error);
  out = kyso_pdf_decode_bytes (dict, g_bytes_get_data (z, NULL), g_bytes_get_size (z), 16 << 20, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_bytes_get_size (out), ==, 8 << 20);
  g_clear_pointer (&out, g_bytes_unref);
  out = kyso_pdf_decode_bytes (lzw, (const guint8 *)"x", 1, 1 << 20, &error);
  g_assert_null (out);
  g_assert_error (error, KYSO_ERROR, KYSO_ERROR_UNSUPPORTED);
}

static KysoPdfDocument *
open_pdf (KysoTestPdf *pdf, GError **error)
{
  g_autoptr(GBytes) bytes = kyso_test_pdf_free_to_bytes (pdf);

  return kyso_pdf_document_open_bytes (bytes, error);
}

static KysoTestPdf *
base_pdf (void)
{
  KysoTestPdf *pdf = kyso_test_pdf_new ("1.7");

  kyso_test_pdf_add (pdf, 1, "<< /Type /Catalog /Pages 2 0 R >>");
  kyso_test_pdf_add (pdf, 2,
                     "<< /Type /Pages /Kids [3 0 R 4 0 R] /Count 2 /MediaBox [0 0 600 800] /Rotate 90 >>");
  kyso_test_pdf_add (pdf, 3, "<< /Type /Page /Parent 2 0 R /CropBox [10 20 500 700] >>");
  kyso_test_pdf_add (pdf, 4, "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 400] /Rotate -90 >>");
  return pdf;
}

static void
test_doc_revisions (void)
{
  KysoTestPdf *pdf = base_pdf ();
  g_autoptr(GError) error = NULL;
  g_autoptr(KysoPdfDocument) doc = NULL;
  g_autoptr(KysoPdfPage) p0 = NULL;
  g_autoptr(KysoPdfPage) p1 = NULL;
  const KysoPdfRevision *r0, *r1;
  gint64 first_eof, size;

  kyso_test_pdf_end_section (pdf, "/Root 1 0 R", 0);
  first_eof = (gint64)kyso_test_pdf_length (pdf);
  /* An update redefining page 4, whose trailer leaves /Root out (the older one still counts). */
  kyso_test_pdf_add (pdf, 4, "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 400] /Rotate 180 >>");
  kyso_test_pdf_end_section (pdf, "", 0);
  size = (gint64)kyso_test_pdf_length (pdf);
  doc = open_pdf (pdf, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (kyso_pdf_document_get_n_revisions (doc), ==, 2);
  r0 = kyso_pdf_document_get_revision (doc, 0);
  r1 = kyso_pdf_document_get_revision (doc, 1);
  g_assert_cmpint (r0->kind, ==, KYSO_PDF_XREF_TABLE);
  g_assert_cmpint (r0->eof_offset, ==, first_eof);
  g_assert_cmpint (r1->eof_offset, ==, size);
  g_assert_cmpuint (r0->entries->len, ==, 5);
  g_assert_cmpuint (r1->entries->len, ==, 1);
  g_assert_cmpuint (g_array_index (r1->entries, KysoPdfXrefEntry, 0).num, ==, 4);
  g_assert_cmpint (kyso_pdf_document_lookup_revision (doc, 4), ==, 1);
  g_assert_cmpint (kyso_pdf_document_lookup_revision (doc, 3), ==, 0);
  g_assert_cmpint (kyso_pdf_document_lookup_revision (doc, 99), ==, -1);
  g_assert_cmpuint (kyso_pdf_document_get_xref_size (doc), ==, 5);
  g_assert_false (kyso_pdf_document_is_encrypted (doc));
  g_assert_true (kyso_pdf_document_check_signable (doc, &error));
  g_assert_cmpstr (kyso_pdf_document_get_version (doc), ==, "1.7");
  g_assert_null (kyso_pdf_dict_get (kyso_pdf_document_get_trailer (doc), "Root"));
  g_assert_cmpuint (kyso_pdf_object_get_ref_num (kyso_pdf_document_find_trailer_key (doc, "Root")), ==, 1);

  g_assert_cmpuint (kyso_pdf_document_get_n_pages (doc, &error), ==, 2);
  p0 = kyso_pdf_document_get_page (doc, 0, &error);
  g_assert_no_error (error);
  /* Inherited MediaBox and Rotate, own CropBox. */
  g_assert_cmpfloat (p0->media_box[2], ==, 600);
  g_assert_cmpfloat (p0->crop_box[0], ==, 10);
  g_assert_cmpfloat (p0->crop_box[3], ==, 700);
  g_assert_cmpint (p0->rotate, ==, 90);
  g_assert_cmpuint (p0->num, ==, 3);
  p1 = kyso_pdf_document_get_page (doc, 1, &error);
  g_assert_no_error (error);
  /* The newest definition counts. */
  g_assert_cmpint (p1->rotate, ==, 180);
  g_assert_cmpfloat (p1->crop_box[2], ==, 300);
  g_assert_null (kyso_pdf_document_get_page (doc, 2, &error));
  g_assert_error (error, KYSO_ERROR, KYSO_ERROR_INVALID_INPUT);
}

static void
test_doc_startxref_off (void)
{
  int deltas[] = { -1, 1, 2, -3 };

  for (guint i = 0; i < G_N_ELEMENTS (deltas); i++)
    {
      KysoTestPdf *pdf = base_pdf ();
      g_autoptr(GError) error = NULL;
      g_autoptr(KysoPdfDocument) doc = NULL;
      const KysoPdfRevision *r;
      gint64 xref;

      kyso_test_pdf_end_section (pdf, "/Root 1 0 R", deltas[i]);
      xref = kyso_test_pdf_last_xref (pdf);
      doc = open_pdf (pdf, &error);
      g_assert_no_error (error);
      r = kyso_pdf_document_get_revision (doc, 0);
      g_assert_cmpint (r->xref_offset, ==, xref);
      g_assert_cmpint (r->declared_offset, ==, xref + deltas[i]);
      g_assert_cmpuint (kyso_pdf_document_get_n_pages (doc, &error), ==, 2);
    }
}

static void
test_doc_broken (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KysoPdfDocument) doc = NULL;
  KysoTestPdf *pdf = base_pdf ();
  g_autofree char *loop = NULL;
  gint64 at;

  /* A /Prev chain that loops. */
  kyso_test_pdf_end_section (pdf, "/Root 1 0 R", 0);
  at = (gint64)kyso_test_pdf_length (pdf);
  loop = g_strdup_printf ("xref\n0 0\ntrailer\n<< /Size 5 /Root 1 0 R /Prev %" G_GINT64_FORMAT
                          " >>\nstartxref\n%" G_GINT64_FORMAT "\n%%%%EOF\n",
                          at, at);
  kyso_test_pdf_append (pdf, loop);
  doc = open_pdf (pdf, &error);
  g_assert_null (doc);
  g_assert_error (error, KYSO_ERROR, KYSO_ERROR_BROKEN_FILE);
  g_assert_nonnull (strstr (error->message, "loop"));
  g_clear_error (&error);

  /* No startxref at all. */
  {
    const char *text = "%PDF-1.4\n1 0 obj << >> endobj\n%%EOF\n";
    g_autoptr(GBytes) b = g_bytes_new_static (text, strlen (text));
    doc = kyso_pdf_document_open_bytes (b, &error);
    g_assert_null (doc);
    g_assert_error (error, KYSO_ERROR, KYSO_ERROR_BROKEN_FILE);
    g_clear_error (&error);
  }
  /* A startxref pointing far from any section. */
  pdf = base_pdf ();
  kyso_test_pdf_end_section (pdf, "/Root 1 0 R", -200);
  doc = open_pdf (pdf, &error);
  g_assert_null (doc);
  g_assert_error (error, KYSO_ERROR, KYSO_ERROR_BROKEN_FILE);
  g_clear_error (&error);
  /* A /Size nobody can afford is only a claim: nothing is allocated for it. */
  pdf = base_pdf ();
  kyso_test_pdf_end_section (pdf, "/Root 1 0 R /Size 1000000000", 0);
  doc = open_pdf (pdf, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (kyso_pdf_document_get_xref_size (doc), ==, 5);
  g_clear_object (&doc);
  /* An object number beyond the bound is refused. */
  pdf = base_pdf ();
  kyso_test_pdf_end_section (pdf, "/Root 1 0 R", 0);
  at = (gint64)kyso_test_pdf_length (pdf);
  g_free (loop);
  loop = g_strdup_printf (
    "xref\n900000000 1\n0000000010 00000 n\r\ntrailer\n<< /Size 5 /Root 1 0 R /Prev %" G_GINT64_FORMAT
    " >>\nstartxref\n%" G_GINT64_FORMAT "\n%%%%EOF\n",
    kyso_test_pdf_last_xref (pdf), at);
  kyso_test_pdf_append (pdf, loop);
  doc = open_pdf (pdf, &error);
  g_assert_null (doc);
  g_assert_error (error, KYSO_ERROR, KYSO_ERROR_LIMIT);
}

static void
test_doc_encrypted (void)
{
  KysoTestPdf *pdf = base_pdf ();
  g_autoptr(GError) error = NULL;
  g_autoptr(KysoPdfDocument) doc = NULL;

  kyso_test_pdf_add (pdf, 5, "<< /Filter /Standard /V 1 /R 2 /O <00> /U <00> /P -4 >>");
  kyso_test_pdf_end_section (pdf, "/Root 1 0 R /Encrypt 5 0 R", 0);
  doc = open_pdf (pdf, &error);
  g_assert_no_error (error);
  g_assert_true (kyso_pdf_document_is_encrypted (doc));
  g_assert_false (kyso_pdf_document_check_signable (doc, &error));
  g_assert_error (error, KYSO_ERROR, KYSO_ERROR_ENCRYPTED);
}

static void
test_doc_page_tree_loop (void)
{
  KysoTestPdf *pdf = kyso_test_pdf_new ("1.4");
  g_autoptr(GError) error = NULL;
  g_autoptr(KysoPdfDocument) doc = NULL;

  kyso_test_pdf_add (pdf, 1, "<< /Type /Catalog /Pages 2 0 R >>");
  /* 2 → 5 → 2 again: a loop; 6 has no /Type but /Kids; 3 appears twice (counted twice). */
  kyso_test_pdf_add (pdf, 2, "<< /Type /Pages /Kids [3 0 R 5 0 R 3 0 R 9 0 R] /Count 3 >>");
  kyso_test_pdf_add (pdf, 3, "<< /Type /Page /MediaBox [0 0 100 100] >>");
  kyso_test_pdf_add (pdf, 5, "<< /Type /Pages /Kids [2 0 R 6 0 R] >>");
  kyso_test_pdf_add (pdf, 6, "<< /Kids [7 0 R] /Rotate 270 >>");
  kyso_test_pdf_add (pdf, 7, "<< /Type /Page /MediaBox [0 0 50 60] >>");
  kyso_test_pdf_end_section (pdf, "/Root 1 0 R", 0);
  doc = open_pdf (pdf, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (kyso_pdf_document_get_n_pages (doc, &error), ==, 3);
  g_assert_no_error (error);
  {
    g_autoptr(KysoPdfPage) p = kyso_pdf_document_get_page (doc, 1, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (p->num, ==, 7);
    g_assert_cmpint (p->rotate, ==, 270);
  }
}

static void
test_doc_fields (void)
{
  KysoTestPdf *pdf = base_pdf ();
  g_autoptr(GError) error = NULL;
  g_autoptr(KysoPdfDocument) doc = NULL;
  g_autoptr(GPtrArray) fields = NULL;
  KysoPdfField *f;

  kyso_test_pdf_add (pdf, 1, "<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [5 0 R 6 0 R 5 0 R] >> >>");
  kyso_test_pdf_add (pdf, 5, "<< /FT /Sig /T (Sig1) /V 7 0 R /Subtype /Widget /Rect [0 0 10 10] >>");
  kyso_test_pdf_add (pdf, 6, "<< /T <FEFF0054007200ea006e> /FT /Sig /Kids [8 0 R 9 0 R] >>");
  kyso_test_pdf_add (pdf, 7, "<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter /ETSI.CAdES.detached >>");
  kyso_test_pdf_add (pdf, 8, "<< /T (a) /Parent 6 0 R >>");
  kyso_test_pdf_add (pdf, 9, "<< /T (b) /FT /Tx /Parent 6 0 R /Kids [6 0 R] >>");
  kyso_test_pdf_end_section (pdf, "/Root 1 0 R", 0);
  doc = open_pdf (pdf, &error);
  g_assert_no_error (error);
  fields = kyso_pdf_document_list_fields (doc, &error);
  g_assert_no_error (error);
  /* 5 once (listed twice), "Trên.a" (inherits /Sig), "Trên.b" (text; its /Kids loop is ignored). */
  g_assert_cmpuint (fields->len, ==, 3);
  f = g_ptr_array_index (fields, 0);
  g_assert_cmpstr (f->name, ==, "Sig1");
  g_assert_true (f->is_signature);
  g_assert_cmpuint (f->value_num, ==, 7);
  g_assert_true (kyso_pdf_object_is_name (kyso_pdf_dict_get (f->value, "SubFilter"), "ETSI.CAdES.detached"));
  f = g_ptr_array_index (fields, 1);
  g_assert_cmpstr (f->name, ==, "Trên.a");
  g_assert_true (f->is_signature);
  g_assert_null (f->value);
  f = g_ptr_array_index (fields, 2);
  g_assert_cmpstr (f->name, ==, "Trên.b");
  g_assert_false (f->is_signature);
}

/* A PDF 1.5 file whose objects live in an object stream, indexed by an xref stream with a PNG
 * predictor, and a hybrid variant (table + /XRefStm). */
static GBytes *
make_xref_stream_pdf (gboolean hybrid)
{
  KysoTestPdf *pdf = kyso_test_pdf_new ("1.5");
  const char *objs = "<< /Type /Catalog /Pages 2 0 R >> << /Type /Pages /Kids [3 0 R] /Count 1 >> "
                     "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 300] >>";
  g_autofree char *header = NULL;
  g_autofree char *body = NULL;
  g_autoptr(GBytes) z = NULL;
  g_autoptr(GByteArray) enc = g_byte_array_new ();
  gint64 stm_off, xref_off;
  guint8 prev[4] = { 0 };
  guint o2 = (guint)(strstr (objs, "<< /Type /Pages") - objs),
        o3 = (guint)(strstr (objs, "<< /Type /Page ") - objs);

  header = g_strdup_printf ("1 0 2 %u 3 %u ", o2, o3);
  body = g_strdup_printf ("%s%s", header, objs);
  z = deflate_bytes ((const guint8 *)body, strlen (body));
  {
    g_autofree char *dict
      = g_strdup_printf ("<< /Type /ObjStm /N 3 /First %u /Filter /FlateDecode >>", (guint)strlen (header));
    kyso_test_pdf_add_stream (pdf, 4, dict, g_bytes_get_data (z, NULL), g_bytes_get_size (z));
  }
  stm_off = kyso_test_pdf_offset_of (pdf, 4);
  /* Rows of /W [1 2 1]: 0 free, 1–3 compressed in 4, 4 at stm_off, 5 (the xref stream) set below. */
  xref_off = (gint64)kyso_test_pdf_length (pdf);
  {
    guint8 r[6][4] = { { 0, 0, 0, 255 },
                       { 2, 0, 4, 0 },
                       { 2, 0, 4, 1 },
                       { 2, 0, 4, 2 },
                       { 1, (guint8)(stm_off >> 8), (guint8)stm_off, 0 },
                       { 1, (guint8)(xref_off >> 8), (guint8)xref_off, 0 } };
    for (int i = 0; i < 6; i++)
      {
        guint8 t = 2;
        g_byte_array_append (enc, &t, 1);
        for (int c = 0; c < 4; c++)
          {
            guint8 v = (guint8)(r[i][c] - prev[c]);
            g_byte_array_append (enc, &v, 1);
          }
        memcpy (prev, r[i], 4);
      }
  }
  g_clear_pointer (&z, g_bytes_unref);
  z = deflate_bytes (enc->data, enc->len);
  {
    g_autofree char *dict = g_strdup_printf (
      "5 0 obj\n<< /Type /XRef /Size 6 /W [1 2 1] /Root 1 0 R /Filter "
      "/FlateDecode /DecodeParms << /Predictor 12 /Columns 4 >> /Length %" G_GSIZE_FORMAT " >>\nstream\n",
      g_bytes_get_size (z));
    kyso_test_pdf_append (pdf, dict);
  }
  {
    g_autoptr(GBytes) head = kyso_test_pdf_free_to_bytes (pdf);
    GString *all = g_string_new_len (g_bytes_get_data (head, NULL), (gssize)g_bytes_get_size (head));
    g_string_append_len (all, g_bytes_get_data (z, NULL), (gssize)g_bytes_get_size (z));
    g_string_append (all, "\nendstream\nendobj\n");
    if (hybrid)
      {
        gint64 t = (gint64)all->len;
        /* The table lists only the object stream; the rest is for readers of /XRefStm. */
        g_string_append_printf (all,
                                "xref\n0 1\n0000000000 65535 f\r\n4 1\n%010" G_GINT64_FORMAT " 00000 n\r\n"
                                "trailer\n<< /Size 6 /Root 1 0 R /XRefStm %" G_GINT64_FORMAT
                                " >>\nstartxref\n%" G_GINT64_FORMAT "\n%%%%EOF\n",
                                stm_off, xref_off, t);
      }
    else
      g_string_append_printf (all, "startxref\n%" G_GINT64_FORMAT "\n%%%%EOF\n", xref_off);
    return g_string_free_to_bytes (all);
  }
}

static void
check_objstm_doc (KysoPdfDocument *doc)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KysoPdfPage) page = NULL;
  const KysoPdfXrefEntry *e = kyso_pdf_document_lookup (doc, 2);

  g_assert_nonnull (e);
  g_assert_cmpint (e->type, ==, KYSO_PDF_XREF_ENTRY_COMPRESSED);
  g_assert_cmpuint (e->offset, ==, 4);
  g_assert_cmpuint (e->index, ==, 1);
  g_assert_cmpuint (kyso_pdf_document_get_n_pages (doc, &error), ==, 1);
  page = kyso_pdf_document_get_page (doc, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpfloat (page->media_box[3], ==, 300);
  /* Objects from an object stream have no place in the file. */
  g_assert_cmpint (kyso_pdf_object_get_start (page->dict), ==, -1);
}

static void
test_doc_xref_stream (void)
{
  g_autoptr(GBytes) b = make_xref_stream_pdf (FALSE);
  g_autoptr(GBytes) h = make_xref_stream_pdf (TRUE);
  g_autoptr(GError) error = NULL;
  g_autoptr(KysoPdfDocument) doc = kyso_pdf_document_open_bytes (b, &error);
  g_autoptr(KysoPdfDocument) hdoc = NULL;
  const KysoPdfRevision *r;

  g_assert_no_error (error);
  g_assert_cmpint (kyso_pdf_document_get_xref_kind (doc), ==, KYSO_PDF_XREF_STREAM);
  check_objstm_doc (doc);
  hdoc = kyso_pdf_document_open_bytes (h, &error);
  g_assert_no_error (error);
  g_assert_cmpint (kyso_pdf_document_get_xref_kind (hdoc), ==, KYSO_PDF_XREF_HYBRID);
  r = kyso_pdf_document_get_revision (hdoc, 0);
  g_assert_cmpint (r->xrefstm_offset, >, 0);
  g_assert_true (g_array_index (r->entries, KysoPdfXrefEntry, r->entries->len - 1).from_xrefstm);
  check_objstm_doc (hdoc);
}

static void
test_corpus (void)
{
  g_autofree char *lin = kyso_test_corpus_file ("qpdf/lin1.pdf");
  g_autofree char *hybrid = kyso_test_corpus_file ("pyhanko/minimal-hybrid-xref.pdf");
  g_autofree char *signed_ = kyso_test_corpus_file ("qpdf/digitally-signed.pdf");
  g_autofree char *loop = kyso_test_corpus_file ("qpdf/append-xref-loop.pdf");
  g_autofree char *enc = kyso_test_corpus_file ("qpdf/enc-R3,V2.pdf");
  g_autoptr(GError) error = NULL;

  if (lin == NULL || hybrid == NULL || signed_ == NULL || loop == NULL || enc == NULL)
    {
      g_test_skip ("corpus not available");
      return;
    }
  {
    g_autoptr(KysoPdfDocument) doc = kyso_pdf_document_open (lin, &error);
    g_assert_no_error (error);
    g_assert_true (kyso_pdf_document_get_linearized (doc));
    g_assert_cmpuint (kyso_pdf_document_get_n_revisions (doc), ==, 2);
    /* The first-page section comes first in the file but last in the /Prev chain. */
    g_assert_cmpint (kyso_pdf_document_get_revision (doc, 1)->xref_offset, <,
                     kyso_pdf_document_get_revision (doc, 0)->xref_offset);
    g_assert_cmpuint (kyso_pdf_document_get_n_pages (doc, &error), ==, 30);
  }
  {
    g_autoptr(KysoPdfDocument) doc = kyso_pdf_document_open (hybrid, &error);
    g_assert_no_error (error);
    g_assert_cmpint (kyso_pdf_document_get_xref_kind (doc), ==, KYSO_PDF_XREF_HYBRID);
  }
  {
    g_autoptr(KysoPdfDocument) doc = kyso_pdf_document_open (signed_, &error);
    g_autoptr(GPtrArray) fields = NULL;
    KysoPdfField *f;
    KysoPdfObject *contents;
    g_assert_no_error (error);
    fields = kyso_pdf_document_list_fields (doc, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (fields->len, ==, 1);
    f = g_ptr_array_index (fields, 0);
    g_assert_true (f->is_signature);
    contents = kyso_pdf_dict_get (f->value, "Contents");
    /* The signature's <hex> keeps its place in the file, for /ByteRange checks. */
    g_assert_cmpint (kyso_pdf_object_get_kind (contents), ==, KYSO_PDF_STRING);
    g_assert_cmpint (kyso_pdf_object_get_start (contents), >, 0);
  }
  {
    g_autoptr(KysoPdfDocument) doc = kyso_pdf_document_open (loop, &error);
    g_assert_null (doc);
    g_assert_error (error, KYSO_ERROR, KYSO_ERROR_BROKEN_FILE);
    g_clear_error (&error);
  }
  {
    g_autoptr(KysoPdfDocument) doc = kyso_pdf_document_open (enc, &error);
    g_assert_no_error (error);
    g_assert_true (kyso_pdf_document_is_encrypted (doc));
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/pdf/lexer/objects", test_lexer_objects);
  g_test_add_func ("/pdf/lexer/serialize", test_lexer_serialize);
  g_test_add_func ("/pdf/lexer/lenient", test_lexer_lenient);
  g_test_add_func ("/pdf/lexer/limits", test_lexer_limits);
  g_test_add_func ("/pdf/filter/predictors", test_filter_predictors);
  g_test_add_func ("/pdf/filter/limits", test_filter_limits);
  g_test_add_func ("/pdf/document/revisions", test_doc_revisions);
  g_test_add_func ("/pdf/document/startxref-off", test_doc_startxref_off);
  g_test_add_func ("/pdf/document/broken", test_doc_broken);
  g_test_add_func ("/pdf/document/encrypted", test_doc_encrypted);
  g_test_add_func ("/pdf/document/page-tree-loop", test_doc_page_tree_loop);
  g_test_add_func ("/pdf/document/fields", test_doc_fields);
  g_test_add_func ("/pdf/document/xref-stream", test_doc_xref_stream);
  g_test_add_func ("/pdf/document/corpus", test_corpus);
  return g_test_run ();
}
