#include "config.h"

#include "kyso-cli-verify.h"

#include <glib/gi18n-lib.h>
#include <stdio.h>

int
kyso_cli_cmd_history (KysoCliContext *ctx, int argc, char **argv);

#define N_COLUMNS 5

/* Terminal columns a string takes: combining marks take none (Vietnamese text often arrives
 * decomposed), East Asian wide characters two. */
static gsize
display_width (const char *s)
{
  gsize width = 0;

  for (const char *p = s; *p != 0; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      if (!g_unichar_iszerowidth (c))
        width += g_unichar_iswide (c) ? 2 : 1;
    }
  return width;
}

/* Valid, composed UTF-8 without control characters, so that widths add up. */
static char *
cell_text (const char *s)
{
  g_autofree char *valid = g_utf8_make_valid (s != NULL && *s != 0 ? s : "—", -1);
  char *nfc = g_utf8_normalize (valid, -1, G_NORMALIZE_NFC);

  for (char *p = nfc; *p != 0; p++)
    if ((guchar)*p < 0x20 || *p == 0x7f)
      *p = ' ';
  return nfc;
}

static char *
date_cell (KysoPdfSignatureReport *s)
{
  /* A time-stamp's time only when its authority is trusted: otherwise it proves nothing. */
  gboolean stamp = kyso_pdf_signature_report_get_signing_time_source (s) == KYSO_SIGNING_TIME_TIMESTAMP;
  GDateTime *t = kyso_pdf_signature_report_get_best_signing_time (s);
  g_autoptr(GDateTime) local = NULL;
  g_autofree char *text = NULL;

  if (t == NULL)
    return NULL;
  local = g_date_time_to_local (t);
  text = g_date_time_format (local, "%d/%m/%Y %H:%M");
  /* Translators: marks a signing date that comes from a trusted time-stamp, not the signer's clock */
  return stamp ? g_strdup_printf (_("%s (time-stamp)"), text) : g_steal_pointer (&text);
}

static void
print_row (char **cells, const gsize *widths)
{
  g_autoptr(GString) line = g_string_new (NULL);

  for (guint c = 0; c < N_COLUMNS; c++)
    {
      if (c > 0)
        g_string_append (line, " | ");
      g_string_append (line, cells[c]);
      if (c + 1 < N_COLUMNS)
        for (gsize w = display_width (cells[c]); w < widths[c]; w++)
          g_string_append_c (line, ' ');
    }
  printf ("%s\n", line->str);
}

/* `kyso-cli history FILE`: who signed, with which certifying authority, when, and whether the
 * signature still holds, as the portal's "signing history" shows it. */
int
kyso_cli_cmd_history (KysoCliContext *ctx, int argc, char **argv)
{
  gboolean offline = FALSE;
  g_auto (GStrv) trust = NULL;
  GOptionEntry entries[] = {
    { "trust", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &trust,
      N_("Also trust the certificates in this PEM file"), N_("PEM") },
      { "offline", 0, 0, G_OPTION_ARG_NONE, &offline, N_("Do not check revocation over the network"), NULL },
        G_OPTION_ENTRY_NULL };
  g_autoptr(KysoPdfVerifier) verifier = NULL;
  g_autoptr(KysoPdfVerifyReport) report = NULL;
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify)g_strfreev);
  gsize widths[N_COLUMNS] = { 0 };
  guint n;

  if (!kyso_cli_parse (_("FILE"), _("Show who signed a PDF file, and whether each signature holds"),
                                      entries, &argc, &argv))
    return KYSO_EXIT_USAGE;
  if (argc != 2)
    {
      kyso_cli_error (_("Give exactly one PDF file."));
      return KYSO_EXIT_USAGE;
    }
  verifier = kyso_cli_verify_make_verifier (ctx, trust, offline, FALSE);
  if (verifier == NULL)
    return KYSO_EXIT_INPUT;
  report = kyso_cli_verify_run (verifier, argv[1]);
  if (report == NULL)
    return KYSO_EXIT_INPUT;

  {
    char **header = g_new0 (char *, N_COLUMNS + 1);
    /* Translators: the column headers of the signing history table */
    header[0] = cell_text (_("Signer"));
    header[1] = cell_text (_("Email"));
    header[2] = cell_text (_("Certification authority"));
    header[3] = cell_text (_("Signing date"));
    header[4] = cell_text (_("Status"));
    g_ptr_array_add (rows, header);
  }
  n = kyso_pdf_verify_report_get_n_signatures (report);
  for (guint i = 0; i < n; i++)
    {
      KysoPdfSignatureReport *s = kyso_pdf_verify_report_get_signature (report, i);
      g_autofree char *date = date_cell (s);
      char **row = g_new0 (char *, N_COLUMNS + 1);

      row[0] = cell_text (kyso_pdf_signature_report_get_signer (s));
      row[1] = cell_text (kyso_pdf_signature_report_get_email (s));
      row[2] = cell_text (kyso_pdf_signature_report_get_issuer (s));
      row[3] = cell_text (date);
      row[4] = cell_text (kyso_signature_status_to_label (kyso_pdf_signature_report_get_status (s)));
      g_ptr_array_add (rows, row);
    }
  for (guint r = 0; r < rows->len; r++)
    for (guint c = 0; c < N_COLUMNS; c++)
      widths[c] = MAX (widths[c], display_width (((char **)g_ptr_array_index (rows, r))[c]));

  print_row (g_ptr_array_index (rows, 0), widths);
  {
    g_autoptr(GString) rule = g_string_new (NULL);
    for (guint c = 0; c < N_COLUMNS; c++)
      {
        if (c > 0)
          g_string_append (rule, "-+-");
        for (gsize w = 0; w < widths[c]; w++)
          g_string_append_c (rule, '-');
      }
    printf ("%s\n", rule->str);
  }
  for (guint r = 1; r < rows->len; r++)
    print_row (g_ptr_array_index (rows, r), widths);
  if (n == 0)
    printf ("%s\n", _("This file has no signatures."));
  return KYSO_EXIT_OK;
}
