#include "config.h"

#include "kyso-cli.h"
#include "kyso-error.h"
#include "kyso-pdf-document.h"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>
#include <stdio.h>

int
kyso_cli_cmd_info (KysoCliContext *ctx, int argc, char **argv);

static const char *
kind_name (KysoPdfXrefKind kind)
{
  switch (kind)
    {
      case KYSO_PDF_XREF_TABLE:
        return "table";
      case KYSO_PDF_XREF_STREAM:
        return "stream";
      case KYSO_PDF_XREF_HYBRID:
        return "hybrid";
      default:
        return "?";
    }
}

static JsonNode *
describe (KysoPdfDocument *doc, GError **error)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(GPtrArray) fields = NULL;
  GError *local = NULL;
  guint n_pages = kyso_pdf_document_get_n_pages (doc, &local);

  if (local != NULL)
    {
      g_propagate_error (error, local);
      return NULL;
    }
  fields = kyso_pdf_document_list_fields (doc, error);
  if (fields == NULL)
    return NULL;
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "file");
  json_builder_add_string_value (b, kyso_pdf_document_get_path (doc));
  json_builder_set_member_name (b, "size");
  json_builder_add_int_value (b, kyso_pdf_document_get_size (doc));
  json_builder_set_member_name (b, "version");
  if (kyso_pdf_document_get_version (doc) != NULL)
    json_builder_add_string_value (b, kyso_pdf_document_get_version (doc));
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "pages");
  json_builder_add_int_value (b, n_pages);
  json_builder_set_member_name (b, "encrypted");
  json_builder_add_boolean_value (b, kyso_pdf_document_is_encrypted (doc));
  json_builder_set_member_name (b, "linearized");
  json_builder_add_boolean_value (b, kyso_pdf_document_get_linearized (doc));
  json_builder_set_member_name (b, "xref");
  json_builder_add_string_value (b, kind_name (kyso_pdf_document_get_xref_kind (doc)));
  json_builder_set_member_name (b, "revisions");
  json_builder_begin_array (b);
  for (guint i = 0; i < kyso_pdf_document_get_n_revisions (doc); i++)
    {
      const KysoPdfRevision *rev = kyso_pdf_document_get_revision (doc, i);
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "xref");
      json_builder_add_string_value (b, kind_name (rev->kind));
      json_builder_set_member_name (b, "xref_offset");
      json_builder_add_int_value (b, rev->xref_offset);
      json_builder_set_member_name (b, "eof_offset");
      json_builder_add_int_value (b, rev->eof_offset);
      json_builder_set_member_name (b, "objects");
      json_builder_add_int_value (b, rev->entries->len);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_set_member_name (b, "signature_fields");
  json_builder_begin_array (b);
  for (guint i = 0; i < fields->len; i++)
    {
      KysoPdfField *f = g_ptr_array_index (fields, i);
      if (!f->is_signature)
        continue;
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "name");
      json_builder_add_string_value (b, f->name != NULL ? f->name : "");
      json_builder_set_member_name (b, "signed");
      json_builder_add_boolean_value (b, f->value != NULL);
      json_builder_set_member_name (b, "subfilter");
      if (kyso_pdf_object_get_name (kyso_pdf_dict_get (f->value, "SubFilter")) != NULL)
        json_builder_add_string_value (b,
                                       kyso_pdf_object_get_name (kyso_pdf_dict_get (f->value, "SubFilter")));
      else
        json_builder_add_null_value (b);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

static void
print_text (JsonObject *o)
{
  JsonArray *revs = json_object_get_array_member (o, "revisions");
  JsonArray *sigs = json_object_get_array_member (o, "signature_fields");
  const char *version = json_object_get_string_member_with_default (o, "version", NULL);

  printf ("%-14s %s\n", _("File:"), json_object_get_string_member_with_default (o, "file", ""));
  printf ("%-14s %s\n", _("PDF version:"), version != NULL ? version : _("unknown"));
  printf ("%-14s %" G_GINT64_FORMAT "\n", _("Pages:"), json_object_get_int_member (o, "pages"));
  printf ("%-14s %s\n", _("Encrypted:"),
                           json_object_get_boolean_member (o, "encrypted") ? _("yes") : _("no"));
  printf ("%-14s %s\n", _("Linearized:"),
                           json_object_get_boolean_member (o, "linearized") ? _("yes") : _("no"));
  printf ("%-14s %s\n", _("Xref:"), json_object_get_string_member (o, "xref"));
  printf ("%-14s %u\n", _("Revisions:"), json_array_get_length (revs));
  for (guint i = 0; i < json_array_get_length (revs); i++)
    {
      JsonObject *r = json_array_get_object_element (revs, i);
      printf ("  %u: %s @%" G_GINT64_FORMAT ", %s %" G_GINT64_FORMAT ", %" G_GINT64_FORMAT " %s\n", i + 1,
              json_object_get_string_member (r, "xref"), json_object_get_int_member (r, "xref_offset"),
              _("ends at"), json_object_get_int_member (r, "eof_offset"),
                 json_object_get_int_member (r, "objects"), _("objects"));
    }
  printf ("%-14s %u\n", _("Signature fields:"), json_array_get_length (sigs));
  for (guint i = 0; i < json_array_get_length (sigs); i++)
    {
      JsonObject *s = json_array_get_object_element (sigs, i);
      printf ("  %s (%s)\n", json_object_get_string_member (s, "name"),
              json_object_get_boolean_member (s, "signed") ? _("signed") : _("empty"));
    }
}

/* Prints what Kyso sees in a PDF: a quick way to tell why a file would be refused. */
int
kyso_cli_cmd_info (KysoCliContext *ctx, int argc, char **argv)
{
  gboolean json = FALSE;
  GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON"), NULL }, G_OPTION_ENTRY_NULL,
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(KysoPdfDocument) doc = NULL;
  g_autoptr(JsonNode) node = NULL;

  if (!kyso_cli_parse (_("FILE"), _("Show the structure of a PDF file"), entries, &argc, &argv))
    return KYSO_EXIT_USAGE;
  if (argc != 2)
    {
      kyso_cli_error (_("Give exactly one PDF file."));
      return KYSO_EXIT_USAGE;
    }
  doc = kyso_pdf_document_open (argv[1], &error);
  if (doc != NULL)
    node = describe (doc, &error);
  if (node == NULL)
    {
      kyso_cli_error ("%s", error->message);
      return KYSO_EXIT_INPUT;
    }
  if (json)
    {
      g_autofree char *text = json_to_string (node, TRUE);
      printf ("%s\n", text);
    }
  else
    print_text (json_node_get_object (node));
  return KYSO_EXIT_OK;
}
