#include "config.h"

#include "kyso-pdf-verify-private.h"
#include "kyso-certificate.h"
#include "kyso-error.h"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>

/* Problems that mean the bytes or the signature cannot be trusted at all. */
#define INVALIDATING                                                                                         \
  (KYSO_SIGNATURE_PROBLEM_BYTE_RANGE | KYSO_SIGNATURE_PROBLEM_CONTENTS | KYSO_SIGNATURE_PROBLEM_GAP          \
   | KYSO_SIGNATURE_PROBLEM_OVERLAP | KYSO_SIGNATURE_PROBLEM_COVERAGE | KYSO_SIGNATURE_PROBLEM_CMS           \
   | KYSO_SIGNATURE_PROBLEM_DIGEST | KYSO_SIGNATURE_PROBLEM_SIGNATURE | KYSO_SIGNATURE_PROBLEM_DOCMDP        \
   | KYSO_SIGNATURE_PROBLEM_REVOKED | KYSO_SIGNATURE_PROBLEM_TIMESTAMP | KYSO_SIGNATURE_PROBLEM_CERTIFICATE  \
   | KYSO_SIGNATURE_PROBLEM_KEY_USAGE)

/* Problems that leave an intact signature unconfirmed. */
#define UNCONFIRMED                                                                                          \
  (KYSO_SIGNATURE_PROBLEM_UNTRUSTED | KYSO_SIGNATURE_PROBLEM_REVOCATION_UNKNOWN                              \
   | KYSO_SIGNATURE_PROBLEM_WEAK_ALGORITHM | KYSO_SIGNATURE_PROBLEM_TIMESTAMP_UNTRUSTED                      \
   | KYSO_SIGNATURE_PROBLEM_TIMESTAMP_ORDER | KYSO_SIGNATURE_PROBLEM_EXPIRED_NO_PROOF)

/* Problems of what came after a signature that was intact when made. */
#define MODIFYING (KYSO_SIGNATURE_PROBLEM_CHANGED | KYSO_SIGNATURE_PROBLEM_STRUCTURE)

struct _KysoPdfVerifyReport
{
  GObject parent_instance;

  char *path;
  guint n_revisions;
  GListStore *signatures;
};

G_DEFINE_FINAL_TYPE (KysoPdfSignatureReport, kyso_pdf_signature_report, G_TYPE_OBJECT)
G_DEFINE_FINAL_TYPE (KysoPdfVerifyReport, kyso_pdf_verify_report, G_TYPE_OBJECT)

static void
kyso_pdf_signature_report_finalize (GObject *object)
{
  KysoPdfSignatureReport *self = KYSO_PDF_SIGNATURE_REPORT (object);

  g_free (self->field);
  g_free (self->signer);
  g_free (self->email);
  g_free (self->national_id);
  g_free (self->issuer);
  g_free (self->serial);
  g_clear_pointer (&self->signing_time, g_date_time_unref);
  g_clear_pointer (&self->timestamp_time, g_date_time_unref);
  g_free (self->anchor);
  g_free (self->anchor_sha256);
  g_free (self->digest);
  g_free (self->subfilter);
  g_ptr_array_unref (self->reasons);
  G_OBJECT_CLASS (kyso_pdf_signature_report_parent_class)->finalize (object);
}

static void
kyso_pdf_signature_report_class_init (KysoPdfSignatureReportClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = kyso_pdf_signature_report_finalize;
}

static void
kyso_pdf_signature_report_init (KysoPdfSignatureReport *self)
{
  self->reasons = g_ptr_array_new_with_free_func (g_free);
  self->trust = KYSO_TRUST_UNKNOWN;
  self->revocation = KYSO_REVOCATION_UNKNOWN;
  self->status = KYSO_SIGNATURE_STATUS_INVALID;
}

KysoPdfSignatureReport *
kyso_pdf_signature_report_new (void)
{
  return g_object_new (KYSO_TYPE_PDF_SIGNATURE_REPORT, NULL);
}

char *
kyso_pdf_verify_text_dup (const char *text)
{
  if (text == NULL)
    return NULL;
  return g_utf8_validate (text, -1, NULL) ? g_strdup (text) : g_utf8_make_valid (text, -1);
}

void
kyso_pdf_signature_report_add_reason (KysoPdfSignatureReport *self, KysoSignatureProblem problem,
                                      const char *format, ...)
{
  g_autofree char *raw = NULL;
  va_list args;
  char *msg;

  va_start (args, format);
  raw = g_strdup_vprintf (format, args);
  va_end (args);
  /* Names and strings from the file end up in reasons; they must stay valid text. */
  msg = kyso_pdf_verify_text_dup (raw);
  self->problems |= problem;
  /* One sentence per cause is enough, even when several checks find the same thing. */
  for (guint i = 0; i < self->reasons->len; i++)
    if (g_strcmp0 (g_ptr_array_index (self->reasons, i), msg) == 0)
      {
        g_free (msg);
        return;
      }
  g_ptr_array_add (self->reasons, msg);
}

void
kyso_pdf_signature_report_finish (KysoPdfSignatureReport *self)
{
  if (self->problems & INVALIDATING)
    self->status = KYSO_SIGNATURE_STATUS_INVALID;
  else if ((self->problems & MODIFYING) != 0 || self->changes_after >= KYSO_PDF_CHANGES_FORM)
    self->status = KYSO_SIGNATURE_STATUS_MODIFIED;
  else if (self->trust != KYSO_TRUST_TRUSTED || (self->problems & UNCONFIRMED) != 0)
    self->status = KYSO_SIGNATURE_STATUS_INDETERMINATE;
  else
    self->status = KYSO_SIGNATURE_STATUS_VALID;
  /* NULL-terminate for get_reasons(); the array is not added to afterwards. */
  g_ptr_array_add (self->reasons, NULL);
}

#define GETTER(type, name, field_)                                                                           \
  type kyso_pdf_signature_report_get_##name (KysoPdfSignatureReport *self)                                   \
  {                                                                                                          \
    g_return_val_if_fail (KYSO_IS_PDF_SIGNATURE_REPORT (self), 0);                                           \
    return self->field_;                                                                                     \
  }

GETTER (const char *, field, field)
GETTER (const char *, signer, signer)
GETTER (const char *, email, email)
GETTER (const char *, national_id, national_id)
GETTER (const char *, issuer, issuer)
GETTER (const char *, serial, serial)
GETTER (GDateTime *, signing_time, signing_time)
GETTER (GDateTime *, timestamp_time, timestamp_time)
GETTER (const char *, digest, digest)
GETTER (KysoSigningTimeSource, signing_time_source, time_source)
GETTER (const char *, trust_anchor, anchor)
GETTER (const char *, trust_anchor_sha256, anchor_sha256)
GETTER (const char *, subfilter, subfilter)
GETTER (KysoPadesLevel, level, level)
GETTER (gboolean, integrity, integrity)
GETTER (int, revision, revision)
GETTER (int, docmdp, docmdp)
GETTER (KysoPdfChanges, changes_after, changes_after)
GETTER (KysoTrustStatus, trust, trust)
GETTER (KysoRevocationStatus, revocation, revocation)
GETTER (KysoSignatureStatus, status, status)
GETTER (KysoSignatureProblem, problems, problems)

#undef GETTER

GDateTime *
kyso_pdf_signature_report_get_best_signing_time (KysoPdfSignatureReport *self)
{
  g_return_val_if_fail (KYSO_IS_PDF_SIGNATURE_REPORT (self), NULL);
  return self->time_source == KYSO_SIGNING_TIME_TIMESTAMP ? self->timestamp_time : self->signing_time;
}

gboolean
kyso_pdf_signature_report_is_document_timestamp (KysoPdfSignatureReport *self)
{
  g_return_val_if_fail (KYSO_IS_PDF_SIGNATURE_REPORT (self), FALSE);
  return self->doc_timestamp;
}

gboolean
kyso_pdf_signature_report_covers_whole_file (KysoPdfSignatureReport *self)
{
  g_return_val_if_fail (KYSO_IS_PDF_SIGNATURE_REPORT (self), FALSE);
  return self->whole_file;
}

const char *const *
kyso_pdf_signature_report_get_reasons (KysoPdfSignatureReport *self)
{
  static const char *const empty[] = { NULL };

  g_return_val_if_fail (KYSO_IS_PDF_SIGNATURE_REPORT (self), empty);
  if (self->reasons->len == 0 || g_ptr_array_index (self->reasons, self->reasons->len - 1) != NULL)
    return empty;
  return (const char *const *)self->reasons->pdata;
}

/* The report of a whole file. */

static void
kyso_pdf_verify_report_finalize (GObject *object)
{
  KysoPdfVerifyReport *self = KYSO_PDF_VERIFY_REPORT (object);

  g_free (self->path);
  g_clear_object (&self->signatures);
  G_OBJECT_CLASS (kyso_pdf_verify_report_parent_class)->finalize (object);
}

static void
kyso_pdf_verify_report_class_init (KysoPdfVerifyReportClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = kyso_pdf_verify_report_finalize;
}

static void
kyso_pdf_verify_report_init (KysoPdfVerifyReport *self)
{
  self->signatures = g_list_store_new (KYSO_TYPE_PDF_SIGNATURE_REPORT);
}

KysoPdfVerifyReport *
kyso_pdf_verify_report_new (const char *path, guint n_revisions, GPtrArray *signatures)
{
  KysoPdfVerifyReport *self = g_object_new (KYSO_TYPE_PDF_VERIFY_REPORT, NULL);

  self->path = g_strdup (path);
  self->n_revisions = n_revisions;
  for (guint i = 0; signatures != NULL && i < signatures->len; i++)
    g_list_store_append (self->signatures, g_ptr_array_index (signatures, i));
  return self;
}

const char *
kyso_pdf_verify_report_get_path (KysoPdfVerifyReport *self)
{
  g_return_val_if_fail (KYSO_IS_PDF_VERIFY_REPORT (self), NULL);
  return self->path;
}

guint
kyso_pdf_verify_report_get_n_revisions (KysoPdfVerifyReport *self)
{
  g_return_val_if_fail (KYSO_IS_PDF_VERIFY_REPORT (self), 0);
  return self->n_revisions;
}

GListModel *
kyso_pdf_verify_report_get_signatures (KysoPdfVerifyReport *self)
{
  g_return_val_if_fail (KYSO_IS_PDF_VERIFY_REPORT (self), NULL);
  return G_LIST_MODEL (self->signatures);
}

guint
kyso_pdf_verify_report_get_n_signatures (KysoPdfVerifyReport *self)
{
  g_return_val_if_fail (KYSO_IS_PDF_VERIFY_REPORT (self), 0);
  return g_list_model_get_n_items (G_LIST_MODEL (self->signatures));
}

KysoPdfSignatureReport *
kyso_pdf_verify_report_get_signature (KysoPdfVerifyReport *self, guint index)
{
  g_autoptr (KysoPdfSignatureReport) item = NULL;

  g_return_val_if_fail (KYSO_IS_PDF_VERIFY_REPORT (self), NULL);
  item = g_list_model_get_item (G_LIST_MODEL (self->signatures), index);
  /* The store keeps its own reference, so handing out a borrowed pointer is safe. */
  return item;
}

KysoSignatureStatus
kyso_pdf_verify_report_get_status (KysoPdfVerifyReport *self)
{
  KysoSignatureStatus worst = KYSO_SIGNATURE_STATUS_VALID;
  guint n;

  g_return_val_if_fail (KYSO_IS_PDF_VERIFY_REPORT (self), KYSO_SIGNATURE_STATUS_INVALID);
  n = kyso_pdf_verify_report_get_n_signatures (self);
  if (n == 0)
    return KYSO_SIGNATURE_STATUS_INVALID;
  for (guint i = 0; i < n; i++)
    worst = MAX (worst, kyso_pdf_verify_report_get_signature (self, i)->status);
  return worst;
}

const char *
kyso_signature_status_to_string (KysoSignatureStatus status)
{
  static const char *const names[] = { "valid", "indeterminate", "modified", "invalid" };
  return (guint)status < G_N_ELEMENTS (names) ? names[status] : "invalid";
}

const char *
kyso_signature_problem_to_string (KysoSignatureProblem problem)
{
  static const char *const codes[] = {
    "byte_range_malformed",
    "contents_malformed",
    "gap_not_contents",
    "overlapping_ranges",
    "revision_not_covered",
    "cms_unusable",
    "digest_mismatch",
    "signature_value_invalid",
    "certification_violated",
    "changed_after_signing",
    "malformed_update",
    "chain_not_trusted",
    "certificate_expired_at_signing_time",
    "certificate_revoked",
    "timestamp_invalid",
    "certificate_not_for_signing",
    "revocation_unknown",
    "weak_algorithm",
    "timestamp_not_trusted",
    "timestamp_out_of_order",
    "certificate_expired_no_proof_of_time",
  };

  for (guint i = 0; i < G_N_ELEMENTS (codes); i++)
    if (problem == (KysoSignatureProblem)(1u << i))
      return codes[i];
  return NULL;
}

const char *
kyso_signing_time_source_to_string (KysoSigningTimeSource source)
{
  switch (source)
    {
      case KYSO_SIGNING_TIME_TIMESTAMP:
        return "timestamp";
      case KYSO_SIGNING_TIME_CLAIMED:
        return "claimed";
      case KYSO_SIGNING_TIME_NONE:
      default:
        return "none";
    }
}

const char *
kyso_pdf_changes_to_string (KysoPdfChanges changes)
{
  static const char *const names[] = { "none", "signatures", "form", "annotations", "other" };
  return (guint)changes < G_N_ELEMENTS (names) ? names[changes] : "other";
}

const char *
kyso_signature_status_to_label (KysoSignatureStatus status)
{
  switch (status)
    {
      case KYSO_SIGNATURE_STATUS_VALID:
        /* Translators: the status of a signature in the signing history */
        return _ ("Valid");
      case KYSO_SIGNATURE_STATUS_INDETERMINATE:
        /* Translators: ETSI "indeterminate": the signature is intact but cannot be confirmed (its
         * certificate is not trusted, revocation is unknown, …). Must not say "valid". */
        return _ ("Cannot be confirmed");
      case KYSO_SIGNATURE_STATUS_MODIFIED:
        return _ ("Modified after signing");
      case KYSO_SIGNATURE_STATUS_INVALID:
      default:
        return _ ("Invalid");
    }
}

static void
add_string (JsonBuilder *b, const char *key, const char *value)
{
  json_builder_set_member_name (b, key);
  if (value != NULL)
    json_builder_add_string_value (b, value);
  else
    json_builder_add_null_value (b);
}

static void
add_time (JsonBuilder *b, const char *key, GDateTime *value)
{
  g_autofree char *iso = value != NULL ? g_date_time_format_iso8601 (value) : NULL;
  add_string (b, key, iso);
}

static void
add_signature (JsonBuilder *b, KysoPdfSignatureReport *s)
{
  json_builder_begin_object (b);
  add_string (b, "field", s->field);
  add_string (b, "signer", s->signer);
  add_string (b, "email", s->email);
  add_string (b, "national_id", s->national_id);
  add_string (b, "issuer", s->issuer);
  add_string (b, "serial", s->serial);
  add_time (b, "signing_time", kyso_pdf_signature_report_get_best_signing_time (s));
  add_string (b, "signing_time_source", kyso_signing_time_source_to_string (s->time_source));
  add_time (b, "claimed_signing_time", s->signing_time);
  add_time (b, "timestamp_time", s->timestamp_time);
  add_string (b, "digest", s->digest);
  add_string (b, "subfilter", s->subfilter);
  add_string (b, "level", kyso_pades_level_to_string (s->level));
  add_string (b, "integrity", s->integrity ? "ok" : "broken");
  add_string (b, "coverage", s->whole_file ? "whole" : "revision");
  add_string (b, "changes_after", kyso_pdf_changes_to_string (s->changes_after));
  add_string (b, "trust", kyso_trust_status_to_string (s->trust));
  add_string (b, "trust_anchor", s->anchor);
  add_string (b, "trust_anchor_sha256", s->anchor_sha256);
  add_string (b, "revocation", kyso_revocation_status_to_string (s->revocation));
  add_string (b, "status", kyso_signature_status_to_string (s->status));
  json_builder_set_member_name (b, "reason_codes");
  json_builder_begin_array (b);
  for (guint i = 0; (1u << i) <= (guint)KYSO_SIGNATURE_PROBLEM_LAST; i++)
    if ((s->problems & (1u << i)) != 0)
      json_builder_add_string_value (b, kyso_signature_problem_to_string ((KysoSignatureProblem)(1u << i)));
  json_builder_end_array (b);
  json_builder_set_member_name (b, "reasons");
  json_builder_begin_array (b);
  for (const char *const *r = kyso_pdf_signature_report_get_reasons (s); *r != NULL; r++)
    json_builder_add_string_value (b, *r);
  json_builder_end_array (b);
  json_builder_end_object (b);
}

char *
kyso_pdf_verify_report_to_json (KysoPdfVerifyReport *self)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (JsonGenerator) gen = json_generator_new ();
  g_autoptr (JsonNode) root = NULL;
  guint n;

  g_return_val_if_fail (KYSO_IS_PDF_VERIFY_REPORT (self), NULL);
  n = kyso_pdf_verify_report_get_n_signatures (self);
  json_builder_begin_object (b);
  add_string (b, "file", self->path);
  add_string (b, "status", kyso_signature_status_to_string (kyso_pdf_verify_report_get_status (self)));
  json_builder_set_member_name (b, "signatures");
  json_builder_begin_array (b);
  for (guint i = 0; i < n; i++)
    add_signature (b, kyso_pdf_verify_report_get_signature (self, i));
  json_builder_end_array (b);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  json_generator_set_root (gen, root);
  json_generator_set_pretty (gen, TRUE);
  return json_generator_to_data (gen, NULL);
}

gboolean
kyso_pdf_verify_report_check_for_upload (KysoPdfVerifyReport *self, const char *account_id, GError **error)
{
  KysoPdfSignatureReport *last = NULL;
  g_autofree char *mine = NULL;
  g_autofree char *theirs = NULL;
  const char *const *reasons;

  g_return_val_if_fail (KYSO_IS_PDF_VERIFY_REPORT (self), FALSE);
  for (guint i = kyso_pdf_verify_report_get_n_signatures (self); i > 0 && last == NULL; i--)
    {
      KysoPdfSignatureReport *s = kyso_pdf_verify_report_get_signature (self, i - 1);
      if (!s->doc_timestamp)
        last = s;
    }
  if (last == NULL)
    return TRUE;
  reasons = kyso_pdf_signature_report_get_reasons (last);
  switch (last->status)
    {
      case KYSO_SIGNATURE_STATUS_VALID:
        break;
      case KYSO_SIGNATURE_STATUS_INDETERMINATE:
        g_set_error (
          error, KYSO_ERROR, KYSO_ERROR_CERTIFICATE,
          /* Translators: %s is the first reason, e.g. "Whether the certificate was revoked could
           * not be checked." */
          _ ("Kyso cannot confirm the signature on this file, so the portal may refuse it: %s Check the "
                      "network connection and try again, or sign the file again."),
             reasons[0] != NULL ? reasons[0] : "");
        return FALSE;
      case KYSO_SIGNATURE_STATUS_MODIFIED:
        g_set_error_literal (
          error, KYSO_ERROR, KYSO_ERROR_CERTIFICATE,
          _ ("This file was changed after it was signed, so its signature no longer holds. Sign the "
                              "original file again."));
        return FALSE;
      case KYSO_SIGNATURE_STATUS_INVALID:
      default:
        g_set_error (error, KYSO_ERROR, KYSO_ERROR_CERTIFICATE,
                     _ ("The signature on this file is not valid: %s Sign the file again."),
                        reasons[0] != NULL ? reasons[0] : "");
        return FALSE;
    }
  if (account_id == NULL)
    return TRUE;
  mine = kyso_national_id_normalize (account_id);
  theirs = kyso_national_id_normalize (last->national_id);
  if (mine == NULL || theirs == NULL || g_strcmp0 (mine, theirs) != 0)
    {
      g_set_error (
        error, KYSO_ERROR, KYSO_ERROR_CERTIFICATE,
        /* Translators: %s is the signer's name */
        _ ("This file was signed by %s, not by the account you are logged in with. The portal accepts "
                      "only files signed by the applicant: sign it with your own signature."),
           last->signer != NULL ? last->signer : _ ("someone else"));
      return FALSE;
    }
  return TRUE;
}
