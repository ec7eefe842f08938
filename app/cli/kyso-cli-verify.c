#include "config.h"

#include "kyso-cli-verify.h"
#include "kyso-error.h"
#include "kyso-ooxml-package.h"
#include "kyso-ooxml-verify.h"

#include <glib/gi18n-lib.h>
#include <stdio.h>

int
kyso_cli_cmd_verify (KysoCliContext *ctx, int argc, char **argv);

KysoPdfVerifier *
kyso_cli_verify_make_verifier (KysoCliContext *ctx, char **trust_files, gboolean offline,
                               gboolean no_system_trust)
{
  g_autoptr (KysoPdfVerifier) verifier = kyso_pdf_verifier_new ();
  KysoConfig *config = kyso_cli_get_config (ctx);

  if (config == NULL)
    return NULL;
  kyso_pdf_verifier_apply_config (verifier, config);
  for (guint i = 0; trust_files != NULL && trust_files[i] != NULL; i++)
    kyso_pdf_verifier_add_trust_file (verifier, trust_files[i]);
  kyso_pdf_verifier_set_offline (verifier, offline);
  /* The system's TLS store is never a document anchor; this turns off Kyso's own list too. */
  kyso_pdf_verifier_set_use_bundled_trust (verifier, !no_system_trust);
  return g_steal_pointer (&verifier);
}

KysoPdfVerifyReport *
kyso_cli_verify_run (KysoPdfVerifier *verifier, const char *path)
{
  g_autoptr (GError) error = NULL;
  KysoPdfVerifyReport *report = NULL;

  /* A ZIP is a Word document (OPC package); anything else is read as a PDF. */
  if (kyso_ooxml_is_package_file (path))
    report = kyso_pdf_verifier_verify_other (verifier, kyso_ooxml_verify, path, NULL, &error);
  else
    report = kyso_pdf_verifier_verify (verifier, path, NULL, &error);

  if (report == NULL)
    kyso_cli_error (_ ("Cannot check “%s”: %s"), path, error->message);
  return report;
}

static char *
format_time (GDateTime *t)
{
  return t != NULL ? g_date_time_format (t, "%Y-%m-%d %H:%M:%S %:z") : g_strdup ("—");
}

static const char *
changes_label (KysoPdfChanges changes)
{
  switch (changes)
    {
      case KYSO_PDF_CHANGES_NONE:
        return _ ("nothing");
      case KYSO_PDF_CHANGES_SIGNATURES:
        return _ ("only signatures and validation data");
      case KYSO_PDF_CHANGES_FORM:
        return _ ("form fields filled in");
      case KYSO_PDF_CHANGES_ANNOTATIONS:
        return _ ("annotations added or changed");
      case KYSO_PDF_CHANGES_OTHER:
      default:
        return _ ("content or structure");
    }
}

static const char *
trust_label (KysoTrustStatus trust)
{
  return trust == KYSO_TRUST_TRUSTED ? _ ("trusted")
                                     : trust == KYSO_TRUST_UNTRUSTED
    ? _ ("not trusted")
    : _ ("unknown");
}

static const char *
revocation_label (KysoRevocationStatus revocation)
{
  return revocation == KYSO_REVOCATION_GOOD ? _ ("not revoked")
                                            : revocation == KYSO_REVOCATION_REVOKED
    ? _ ("revoked")
    : _ ("not checked");
}

static const char *
time_source_label (KysoSigningTimeSource source)
{
  switch (source)
    {
      case KYSO_SIGNING_TIME_TIMESTAMP:
        return _ ("from a trusted time-stamp");
      case KYSO_SIGNING_TIME_CLAIMED:
        return _ ("claimed by the signer’s computer, not proven");
      case KYSO_SIGNING_TIME_NONE:
      default:
        return _ ("unknown");
    }
}

static void
print_line (const char *label, const char *value)
{
  printf ("  %-22s %s\n", label, value != NULL ? value : "—");
}

static void
print_signature (guint index, KysoPdfSignatureReport *s)
{
  g_autofree char *signing = format_time (kyso_pdf_signature_report_get_signing_time (s));
  g_autofree char *best = format_time (kyso_pdf_signature_report_get_best_signing_time (s));
  g_autofree char *best_line = NULL;
  g_autofree char *stamp = format_time (kyso_pdf_signature_report_get_timestamp_time (s));
  g_autofree char *coverage = NULL;
  const char *level = kyso_pades_level_to_string (kyso_pdf_signature_report_get_level (s));

  if (kyso_pdf_signature_report_covers_whole_file (s))
    coverage = g_strdup (_ ("the whole file"));
  else if (kyso_pdf_signature_report_get_revision (s) >= 0)
    /* Translators: what part of the file a signature covers; %d is a version number (1 = the first) */
    coverage = g_strdup_printf (_ ("version %d of the file (later versions exist)"),
                                   kyso_pdf_signature_report_get_revision (s) + 1);
  else
    coverage = g_strdup (_ ("unknown"));

  printf (kyso_pdf_signature_report_is_document_timestamp (s)
          ? _ ("Document time-stamp %u: %s\n")
          : _ ("Signature %u: %s\n"), index + 1, kyso_pdf_signature_report_get_field (s));
  print_line (_ ("Signer:"), kyso_pdf_signature_report_get_signer (s));
  print_line (_ ("Email:"), kyso_pdf_signature_report_get_email (s));
  print_line (_ ("National ID:"), kyso_pdf_signature_report_get_national_id (s));
  print_line (_ ("Issuer:"), kyso_pdf_signature_report_get_issuer (s));
  print_line (_ ("Serial:"), kyso_pdf_signature_report_get_serial (s));
  /* Translators: a time, then where it comes from ("from a trusted time-stamp") */
  best_line = g_strdup_printf (_ ("%s (%s)"), best,
                                  time_source_label (kyso_pdf_signature_report_get_signing_time_source (s)));
  print_line (_ ("Signed at:"), best_line);
  print_line (_ ("Signing time (/M):"), signing);
  print_line (_ ("Time-stamp:"), stamp);
  print_line (_ ("Digest:"), kyso_pdf_signature_report_get_digest (s));
  print_line (_ ("SubFilter:"), kyso_pdf_signature_report_get_subfilter (s));
  print_line (_ ("PAdES level:"), level != NULL ? level : _ ("none"));
  print_line (_ ("Integrity:"), kyso_pdf_signature_report_get_integrity (s) ? _ ("intact") : _ ("broken"));
  print_line (_ ("Covers:"), coverage);
  print_line (_ ("Changed after:"), changes_label (kyso_pdf_signature_report_get_changes_after (s)));
  print_line (_ ("Trust:"), trust_label (kyso_pdf_signature_report_get_trust (s)));
  print_line (_ ("Trust anchor:"), kyso_pdf_signature_report_get_trust_anchor (s));
  print_line (_ ("Revocation:"), revocation_label (kyso_pdf_signature_report_get_revocation (s)));
  print_line (_ ("Status:"), kyso_signature_status_to_label (kyso_pdf_signature_report_get_status (s)));
  for (const char *const *r = kyso_pdf_signature_report_get_reasons (s); *r != NULL; r++)
    printf ("    • %s\n", *r);
}

/* `kyso-cli verify FILE [--json] [--trust PEM]… [--offline]`: exit 0 when every signature is
 * valid, 1 when any is not (or there is none), 3 when the file cannot be checked. */
int
kyso_cli_cmd_verify (KysoCliContext *ctx, int argc, char **argv)
{
  gboolean json = FALSE, offline = FALSE, no_system = FALSE;
  g_auto (GStrv) trust = NULL;
  g_autofree char *at = NULL;
  GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_ ("Print the result as JSON"), NULL },
      { "trust", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &trust,
        N_ ("Also trust the certificates in this PEM file"), N_ ("PEM") },
        { "offline", 0, 0, G_OPTION_ARG_NONE, &offline,
          N_ ("Do not check revocation over the network"), NULL },
          { "no-system-trust", 0, 0, G_OPTION_ARG_NONE, &no_system,
            N_ ("Trust only the certificates given with --trust or in the configuration, not Kyso’s list of "
              "Vietnamese certification authorities"),
                NULL },
            { "at", 0, 0, G_OPTION_ARG_STRING, &at,
              N_ ("Check as of this time (ISO 8601) instead of now"), N_ ("TIME") }, G_OPTION_ENTRY_NULL };
  g_autoptr (KysoPdfVerifier) verifier = NULL;
  g_autoptr (KysoPdfVerifyReport) report = NULL;
  guint n;

  if (!kyso_cli_parse (_ ("FILE"), _ ("Check the signatures of a PDF file or a Word document (DOCX)"),
                                      entries, &argc, &argv))
    return KYSO_EXIT_USAGE;
  if (argc != 2)
    {
      kyso_cli_error (_ ("Give exactly one file to check."));
      return KYSO_EXIT_USAGE;
    }
  verifier = kyso_cli_verify_make_verifier (ctx, trust, offline, no_system);
  if (verifier == NULL)
    return KYSO_EXIT_INPUT;
  if (at != NULL)
    {
      g_autoptr (GTimeZone) utc = g_time_zone_new_utc ();
      g_autoptr (GDateTime) when = g_date_time_new_from_iso8601 (at, utc);

      if (when == NULL)
        {
          kyso_cli_error (_ ("“%s” is not a time such as 2027-12-31T10:00:00+07:00."), at);
          return KYSO_EXIT_USAGE;
        }
      kyso_pdf_verifier_set_validation_time (verifier, when);
    }
  report = kyso_cli_verify_run (verifier, argv[1]);
  if (report == NULL)
    return KYSO_EXIT_INPUT;

  n = kyso_pdf_verify_report_get_n_signatures (report);
  if (json)
    {
      g_autofree char *text = kyso_pdf_verify_report_to_json (report);
      printf ("%s\n", text);
    }
  else
    {
      if (n == 0)
        printf ("%s\n", _ ("This file has no signatures."));
      for (guint i = 0; i < n; i++)
        print_signature (i, kyso_pdf_verify_report_get_signature (report, i));
      printf ("%s %s\n", _ ("Result:"),
                            kyso_signature_status_to_label (kyso_pdf_verify_report_get_status (report)));
    }
  return n > 0 && kyso_pdf_verify_report_get_status (report) == KYSO_SIGNATURE_STATUS_VALID
           ? KYSO_EXIT_OK
           : KYSO_EXIT_NOT_VALID;
}
