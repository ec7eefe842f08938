#include "config.h"

#include "kyso-pdf-verify.h"
#include "kyso-pdf-verify-hash.h"
#include "kyso-pdf-verify-private.h"
#include "kyso-cms-verify.h"
#include "kyso-error.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <string.h>

/* Reasons taken from one later revision, at most: the first few say what happened. */
#define MAX_CHANGE_REASONS 6
#define MAX_DSS_CERT_BYTES (1 << 20)
/* A CRL may be large; an OCSP answer or a certificate is not. */
#define MAX_DSS_STREAM_BYTES (16 << 20)
#define MAX_DSS_CERTS 256

struct _KysoPdfVerifier
{
  GObject parent_instance;

  GPtrArray *files;
  GPtrArray *dirs;
  gboolean use_system;
  gboolean offline;
  guint timeout;
  char *tls_ca_file;
  GDateTime *now;
};

G_DEFINE_FINAL_TYPE (KysoPdfVerifier, kyso_pdf_verifier, G_TYPE_OBJECT)

/* What one verification uses, copied so that a running check never sees the settings change. */
typedef struct
{
  GStrv files;
  GStrv dirs;
  gboolean use_system;
  gboolean offline;
  guint timeout;
  char *tls_ca_file;
  GDateTime *now;
} Settings;

static void
settings_free (Settings *s)
{
  g_strfreev (s->files);
  g_strfreev (s->dirs);
  g_free (s->tls_ca_file);
  g_clear_pointer (&s->now, g_date_time_unref);
  g_free (s);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Settings, settings_free)

static GStrv
strv_from (GPtrArray *array)
{
  GStrv v = g_new0 (char *, array->len + 1);

  for (guint i = 0; i < array->len; i++)
    v[i] = g_strdup (g_ptr_array_index (array, i));
  return v;
}

static Settings *
settings_snapshot (KysoPdfVerifier *self)
{
  Settings *s = g_new0 (Settings, 1);

  s->files = strv_from (self->files);
  s->dirs = strv_from (self->dirs);
  s->use_system = self->use_system;
  s->offline = self->offline;
  s->timeout = self->timeout;
  s->tls_ca_file = g_strdup (self->tls_ca_file);
  s->now = self->now != NULL ? g_date_time_ref (self->now) : NULL;
  return s;
}

static void
kyso_pdf_verifier_finalize (GObject *object)
{
  KysoPdfVerifier *self = KYSO_PDF_VERIFIER (object);

  g_ptr_array_unref (self->files);
  g_ptr_array_unref (self->dirs);
  g_free (self->tls_ca_file);
  g_clear_pointer (&self->now, g_date_time_unref);
  G_OBJECT_CLASS (kyso_pdf_verifier_parent_class)->finalize (object);
}

static void
kyso_pdf_verifier_class_init (KysoPdfVerifierClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = kyso_pdf_verifier_finalize;
}

static void
kyso_pdf_verifier_init (KysoPdfVerifier *self)
{
  self->files = g_ptr_array_new_with_free_func (g_free);
  self->dirs = g_ptr_array_new_with_free_func (g_free);
  self->use_system = TRUE;
}

KysoPdfVerifier *
kyso_pdf_verifier_new (void)
{
  return g_object_new (KYSO_TYPE_PDF_VERIFIER, NULL);
}

void
kyso_pdf_verifier_add_trust_file (KysoPdfVerifier *self, const char *path)
{
  g_return_if_fail (KYSO_IS_PDF_VERIFIER (self));
  g_ptr_array_add (self->files, g_strdup (path));
}

void
kyso_pdf_verifier_add_trust_dir (KysoPdfVerifier *self, const char *path)
{
  g_return_if_fail (KYSO_IS_PDF_VERIFIER (self));
  g_ptr_array_add (self->dirs, g_strdup (path));
}

void
kyso_pdf_verifier_set_use_bundled_trust (KysoPdfVerifier *self, gboolean use)
{
  g_return_if_fail (KYSO_IS_PDF_VERIFIER (self));
  self->use_system = use;
}

void
kyso_pdf_verifier_set_validation_time (KysoPdfVerifier *self, GDateTime *now)
{
  g_return_if_fail (KYSO_IS_PDF_VERIFIER (self));
  g_clear_pointer (&self->now, g_date_time_unref);
  self->now = now != NULL ? g_date_time_ref (now) : NULL;
}

void
kyso_pdf_verifier_set_offline (KysoPdfVerifier *self, gboolean offline)
{
  g_return_if_fail (KYSO_IS_PDF_VERIFIER (self));
  self->offline = offline;
}

void
kyso_pdf_verifier_set_timeout (KysoPdfVerifier *self, guint seconds)
{
  g_return_if_fail (KYSO_IS_PDF_VERIFIER (self));
  self->timeout = seconds;
}

void
kyso_pdf_verifier_apply_config (KysoPdfVerifier *self, KysoConfig *config)
{
  const char *anchors;
  const char *ca;

  g_return_if_fail (KYSO_IS_PDF_VERIFIER (self));
  anchors = kyso_config_get (config, "trust", "anchors");
  if (anchors != NULL)
    {
      g_auto (GStrv) parts = g_strsplit (anchors, ";", -1);
      const char *file = kyso_config_get_filename (config);
      g_autofree char *base = file != NULL ? g_path_get_dirname (file) : g_get_current_dir ();

      for (guint i = 0; parts[i] != NULL; i++)
        {
          g_autofree char *p = g_strstrip (g_strdup (parts[i]));
          if (*p == 0)
            continue;
          /* Relative to the configuration file, like every other path in it. */
          g_ptr_array_add (self->files,
                           g_path_is_absolute (p) ? g_strdup (p) : g_build_filename (base, p, NULL));
        }
    }
  ca = kyso_config_get_path (config, "tls", "ca_file");
  if (ca != NULL)
    {
      g_free (self->tls_ca_file);
      self->tls_ca_file = g_strdup (ca);
    }
}

/* The streams of the document's /DSS array @key (/Certs, /OCSPs, /CRLs), decoded (DER). */
static GPtrArray *
dss_streams (KysoPdfDocument *doc, const char *key)
{
  GPtrArray *out = g_ptr_array_new_with_free_func ((GDestroyNotify)g_bytes_unref);
  KysoPdfObject *catalog = kyso_pdf_document_get_catalog (doc, NULL);
  g_autoptr (KysoPdfObject) dss = kyso_pdf_document_resolve (doc, kyso_pdf_dict_get (catalog, "DSS"), NULL);
  g_autoptr (KysoPdfObject) list = kyso_pdf_document_resolve (doc, kyso_pdf_dict_get (dss, key), NULL);

  for (guint i = 0; i < kyso_pdf_array_get_length (list) && i < MAX_DSS_CERTS; i++)
    {
      g_autoptr (KysoPdfObject) s = kyso_pdf_document_resolve (doc, kyso_pdf_array_get (list, i), NULL);
      GBytes *der;

      if (kyso_pdf_object_get_kind (s) != KYSO_PDF_STREAM)
        continue;
      der = kyso_pdf_document_decode_stream (doc, s, MAX_DSS_STREAM_BYTES, NULL);
      if (der != NULL)
        g_ptr_array_add (out, der);
    }
  return out;
}

/* Whether /DSS in state @rev holds validation data (certificates plus OCSP or CRL answers) for
 * the signature whose /Contents is @contents and whose signer certificate is @signer_der. */
static gboolean
dss_covers (KysoPdfHistory *h, guint rev, GBytes *contents, GBytes *signer_der)
{
  KysoPdfObject *trailer = kyso_pdf_history_get_trailer (h, rev);
  g_autoptr (KysoPdfObject) catalog
             = kyso_pdf_history_resolve (h, rev, kyso_pdf_dict_get (trailer, "Root"), NULL);
  g_autoptr (KysoPdfObject) dss = kyso_pdf_history_resolve (h, rev, kyso_pdf_dict_get (catalog, "DSS"), NULL);
  g_autoptr (KysoPdfObject) vri = NULL, certs = NULL;
  g_autoptr (GChecksum) sha1 = g_checksum_new (G_CHECKSUM_SHA1);
  g_autofree char *key = NULL;
  gboolean revocation_data;

  if (kyso_pdf_object_get_kind (dss) != KYSO_PDF_DICT)
    return FALSE;
  revocation_data = kyso_pdf_dict_get (dss, "OCSPs") != NULL || kyso_pdf_dict_get (dss, "CRLs") != NULL;
  /* PAdES names a signature's VRI entry by the upper-case SHA-1 of its /Contents. */
  g_checksum_update (sha1, g_bytes_get_data (contents, NULL), (gssize)g_bytes_get_size (contents));
  key = g_ascii_strup (g_checksum_get_string (sha1), -1);
  vri = kyso_pdf_history_resolve (h, rev, kyso_pdf_dict_get (dss, "VRI"), NULL);
  if (kyso_pdf_dict_get (vri, key) != NULL)
    return TRUE;
  if (!revocation_data || signer_der == NULL)
    return FALSE;
  certs = kyso_pdf_history_resolve (h, rev, kyso_pdf_dict_get (dss, "Certs"), NULL);
  for (guint i = 0; i < kyso_pdf_array_get_length (certs) && i < MAX_DSS_CERTS; i++)
    {
      g_autoptr (KysoPdfObject) s = kyso_pdf_history_resolve (h, rev, kyso_pdf_array_get (certs, i), NULL);
      g_autoptr (GBytes) der = NULL;

      if (kyso_pdf_object_get_kind (s) != KYSO_PDF_STREAM)
        continue;
      der = kyso_pdf_document_decode_stream (kyso_pdf_history_get_document (h), s, MAX_DSS_CERT_BYTES, NULL);
      if (der != NULL && g_bytes_equal (der, signer_der))
        return TRUE;
    }
  return FALSE;
}

static void
fill_from_cms (KysoPdfSigEntry *e, KysoCmsResult *res)
{
  KysoPdfSignatureReport *r = e->report;

  if (res->signer != NULL)
    {
      r->signer = kyso_pdf_verify_text_dup (kyso_certificate_get_holder_name (res->signer));
      r->email = kyso_pdf_verify_text_dup (kyso_certificate_get_email (res->signer));
      r->national_id = kyso_pdf_verify_text_dup (kyso_certificate_get_national_id (res->signer));
      r->issuer = kyso_pdf_verify_text_dup (kyso_certificate_get_issuer_name (res->signer));
      r->serial = kyso_pdf_verify_text_dup (kyso_certificate_get_serial (res->signer));
    }
  if (res->anchor != NULL)
    {
      r->anchor = kyso_pdf_verify_text_dup (kyso_certificate_get_holder_name (res->anchor));
      r->anchor_sha256 = kyso_certificate_dup_fingerprint (res->anchor);
    }
  r->digest = kyso_pdf_verify_text_dup (res->digest_algorithm);
  r->integrity = res->intact && e->ranges_ok;
  /* PAdES baseline signatures are ETSI.CAdES.detached (EN 319 142-1 §6.3); the same attributes
   * under adbe.pkcs7.detached are not PAdES. */
  r->level = g_strcmp0 (r->subfilter, "ETSI.CAdES.detached") == 0 ? res->level : KYSO_PADES_LEVEL_NONE;
  r->trust = res->trust;
  r->revocation = res->revocation;
  if (res->timestamp_time != NULL)
    r->timestamp_time = g_date_time_ref (res->timestamp_time);
  if (r->signing_time == NULL && res->claimed_signing_time != NULL)
    r->signing_time = g_date_time_ref (res->claimed_signing_time);
  if (res->time_proven
      || (r->doc_timestamp && res->timestamp_time != NULL && res->trust == KYSO_TRUST_TRUSTED))
    r->time_source = KYSO_SIGNING_TIME_TIMESTAMP;
  else if (r->signing_time != NULL)
    r->time_source = KYSO_SIGNING_TIME_CLAIMED;
  if (r->signing_time == NULL && r->doc_timestamp && res->timestamp_time != NULL)
    r->signing_time = g_date_time_ref (res->timestamp_time);

  if (!res->intact)
    {
      for (guint i = 0; i < res->reasons->len; i++)
        {
          const char *reason = g_ptr_array_index (res->reasons, i);
          /* KysoCmsResult has no flag for "the digest differs" (bytes changed) as opposed to "the
           * signature value is wrong"; its sentence for it is the one to recognise. */
          gboolean digest = g_strcmp0 (
            reason, _ ("The document was changed after it was signed: its digest does not "
                                    "match."))
                      == 0
            || g_strcmp0 (reason, _ ("The document was changed after it was time-stamped: its digest "
                                       "does not match."))
                          == 0;

          kyso_pdf_signature_report_add_reason (
            r, digest ? KYSO_SIGNATURE_PROBLEM_DIGEST : KYSO_SIGNATURE_PROBLEM_SIGNATURE, "%s", reason);
        }
      return;
    }

  /* Intact: what decides between valid, indeterminate and invalid (ETSI EN 319 102-1 §5.1.3). */
  if (res->not_for_signing)
    r->problems |= KYSO_SIGNATURE_PROBLEM_KEY_USAGE;
  if (res->revocation == KYSO_REVOCATION_REVOKED)
    kyso_pdf_signature_report_add_reason (r, KYSO_SIGNATURE_PROBLEM_REVOKED, "%s",
                                          _ ("The signer’s certificate has been revoked."));
  if (res->timestamp_invalid)
    kyso_pdf_signature_report_add_reason (r, KYSO_SIGNATURE_PROBLEM_TIMESTAMP, "%s",
                                          _ ("The signature’s time-stamp does not verify."));
  if (res->timestamp_time != NULL && !r->doc_timestamp && res->timestamp_trust != KYSO_TRUST_TRUSTED)
    r->problems |= KYSO_SIGNATURE_PROBLEM_TIMESTAMP_UNTRUSTED;
  if (res->weak_algorithm)
    r->problems |= KYSO_SIGNATURE_PROBLEM_WEAK_ALGORITHM;
  if (res->signer != NULL && res->signer_expired && !r->doc_timestamp)
    {
      /* Expired (or not yet valid) at the time the signature is judged at: invalid when a trusted
       * time-stamp proves that time, otherwise unconfirmed (it may have been made in time). */
      if (res->time_proven)
        kyso_pdf_signature_report_add_reason (
          r, KYSO_SIGNATURE_PROBLEM_CERTIFICATE, "%s",
          _ ("The signer’s certificate was not valid at the time of signing "
             "proven by the time-stamp."));
      else
        kyso_pdf_signature_report_add_reason (r, KYSO_SIGNATURE_PROBLEM_EXPIRED_NO_PROOF, "%s",
                                              _ ("The signer’s certificate is not valid now, and no trusted "
                                                 "time-stamp proves the signature was made while it was."));
    }
  if (res->trust != KYSO_TRUST_TRUSTED)
    {
      kyso_pdf_signature_report_add_reason (
        r, KYSO_SIGNATURE_PROBLEM_UNTRUSTED, "%s",
        _ ("The signer’s certificate does not lead to a trusted certification "
           "authority."));
    }
  else if (res->revocation == KYSO_REVOCATION_UNKNOWN)
    kyso_pdf_signature_report_add_reason (r, KYSO_SIGNATURE_PROBLEM_REVOCATION_UNKNOWN, "%s",
                                          _ ("Whether the certificate was revoked could not be checked."));
  for (guint i = 0; i < res->reasons->len; i++)
    kyso_pdf_signature_report_add_reason (r, 0, "%s", (const char *)g_ptr_array_index (res->reasons, i));
}

/* PAdES: a signature's time-stamp cannot be older than the time the signer's computer wrote (it
 * is made after the signature), nor newer than a later revision's proven time (the revision was
 * added after it). Either means a time-stamp from a clock that cannot be believed. */
#define TIME_ORDER_LEEWAY_SECONDS (10 * 60)

static void
check_time_order (GPtrArray *entries)
{
  for (guint i = 0; i < entries->len; i++)
    {
      KysoPdfSignatureReport *r = ((KysoPdfSigEntry *)g_ptr_array_index (entries, i))->report;
      GDateTime *ts = r->timestamp_time;

      if (ts == NULL || r->doc_timestamp || !r->integrity)
        continue;
      if (r->signing_time != NULL
          && g_date_time_difference (r->signing_time, ts)
               > (GTimeSpan)TIME_ORDER_LEEWAY_SECONDS * G_TIME_SPAN_SECOND)
        kyso_pdf_signature_report_add_reason (
          r, KYSO_SIGNATURE_PROBLEM_TIMESTAMP_ORDER, "%s",
          _ ("The time-stamp is earlier than the signing time written in the "
             "signature: one of the clocks cannot be believed."));
      for (guint j = 0; j < entries->len; j++)
        {
          KysoPdfSignatureReport *later = ((KysoPdfSigEntry *)g_ptr_array_index (entries, j))->report;

          if (later->revision <= r->revision || later->time_source != KYSO_SIGNING_TIME_TIMESTAMP
              || later->timestamp_time == NULL)
            continue;
          if (g_date_time_difference (ts, later->timestamp_time)
              > (GTimeSpan)TIME_ORDER_LEEWAY_SECONDS * G_TIME_SPAN_SECOND)
            kyso_pdf_signature_report_add_reason (
              r, KYSO_SIGNATURE_PROBLEM_TIMESTAMP_ORDER, "%s",
              _ ("The time-stamp is later than a time-stamp of a later version "
                 "of the file: its time cannot be believed."));
        }
    }
}

static const char *
changes_sentence (KysoPdfChanges changes)
{
  switch (changes)
    {
      case KYSO_PDF_CHANGES_FORM:
        return _ ("Form fields were filled in after this signature.");
      case KYSO_PDF_CHANGES_ANNOTATIONS:
        return _ ("Comments or annotations were added after this signature.");
      case KYSO_PDF_CHANGES_OTHER:
        return _ ("The document was changed after this signature in a way that changes what it shows.");
      case KYSO_PDF_CHANGES_NONE:
      case KYSO_PDF_CHANGES_SIGNATURES:
      default:
        return NULL;
    }
}

/* What the revisions after the one @e signs changed, and whether a certification allows it. */
static gboolean
check_changes (KysoPdfHistory *h, GPtrArray *entries, KysoPdfSigEntry *e, GCancellable *cancellable,
               GError **error)
{
  KysoPdfSignatureReport *r = e->report;
  guint n = kyso_pdf_history_get_n_revisions (h);
  KysoPdfChanges allowed;
  gboolean structure = FALSE;

  if (r->revision < 0)
    return TRUE;
  for (guint rev = (guint)r->revision + 1; rev < n; rev++)
    {
      const KysoPdfRevisionDiff *diff = kyso_pdf_history_diff (h, rev, cancellable, error);

      if (diff == NULL)
        return FALSE;
      r->changes_after = MAX (r->changes_after, diff->changes);
      structure |= diff->structure || diff->incomplete;
      if (diff->changes < KYSO_PDF_CHANGES_FORM && !diff->structure && !diff->incomplete)
        continue;
      for (guint i = 0; i < diff->reasons->len && i < MAX_CHANGE_REASONS; i++)
        kyso_pdf_signature_report_add_reason (r, 0, "%s", (const char *)g_ptr_array_index (diff->reasons, i));
      if (diff->reasons->len > MAX_CHANGE_REASONS)
        kyso_pdf_signature_report_add_reason (r, 0,
                                              g_dngettext (GETTEXT_PACKAGE, "… and %u more change.",
                                                           "… and %u more changes.",
                                                           diff->reasons->len - MAX_CHANGE_REASONS),
                                              diff->reasons->len - MAX_CHANGE_REASONS);
    }
  if (r->revision + 1 < (int)n && r->changes_after == KYSO_PDF_CHANGES_NONE)
    r->changes_after = KYSO_PDF_CHANGES_SIGNATURES; /* an update that changes nothing is still one */
  if (r->changes_after == KYSO_PDF_CHANGES_SIGNATURES && !structure)
    kyso_pdf_signature_report_add_reason (
      r, 0, "%s", _ ("Later versions of the file only add signatures or validation data."));
  if (changes_sentence (r->changes_after) != NULL)
    kyso_pdf_signature_report_add_reason (r, KYSO_SIGNATURE_PROBLEM_CHANGED, "%s",
                                          changes_sentence (r->changes_after));
  if (structure)
    kyso_pdf_signature_report_add_reason (
      r, KYSO_SIGNATURE_PROBLEM_STRUCTURE, "%s",
      _ ("A later update of the file is malformed in a way used to hide changes."));

  if (r->docmdp == 0)
    return TRUE;
  /* DocMDP (ISO 32000-1 §12.8.2.2): P1 no changes (PAdES still allows DSS and document
   * time-stamps), P2 form filling and signing, P3 that and annotations. */
  allowed = r->docmdp == 1   ? KYSO_PDF_CHANGES_SIGNATURES
            : r->docmdp == 2 ? KYSO_PDF_CHANGES_FORM
                             : KYSO_PDF_CHANGES_ANNOTATIONS;
  if (r->changes_after > allowed || structure)
    kyso_pdf_signature_report_add_reason (
      r, KYSO_SIGNATURE_PROBLEM_DOCMDP,
      _ ("The document was certified with permission level %d, and a later "
         "change breaks it."),
         r->docmdp);
  if (r->docmdp == 1)
    for (guint i = 0; i < entries->len; i++)
      {
        KysoPdfSigEntry *o = g_ptr_array_index (entries, i);
        if (o->report->revision > r->revision && !o->report->doc_timestamp)
          kyso_pdf_signature_report_add_reason (
            r, KYSO_SIGNATURE_PROBLEM_DOCMDP, "%s",
            _ ("The document was certified to allow no changes, and a signature "
               "was added afterwards."));
      }
  return TRUE;
}

/* B-LT and B-LTA are about what came after the signature: validation data in /DSS, and a
 * document time-stamp over it. */
static void
upgrade_level (KysoPdfHistory *h, GPtrArray *entries, KysoPdfSigEntry *e, KysoCmsResult *res)
{
  KysoPdfSignatureReport *r = e->report;
  GBytes *signer_der = kyso_certificate_get_der (res->signer);
  guint n = kyso_pdf_history_get_n_revisions (h);

  /* Proven, not merely present: B-LT needs the revocation answer to have come from the data the
   * file keeps (so that it still validates when the network has forgotten the certificate). */
  if (r->level < KYSO_PADES_LEVEL_B_T || e->contents == NULL || r->revision < 0 || !res->revocation_kept)
    return;
  if (!dss_covers (h, n - 1, e->contents, signer_der))
    return;
  r->level = KYSO_PADES_LEVEL_B_LT;
  for (guint i = 0; i < entries->len; i++)
    {
      KysoPdfSigEntry *ts = g_ptr_array_index (entries, i);
      if (ts->report->doc_timestamp && ts->report->integrity && ts->report->revision > r->revision
          && ts->report->time_source == KYSO_SIGNING_TIME_TIMESTAMP
          && dss_covers (h, (guint)ts->report->revision, e->contents, signer_der))
        r->level = KYSO_PADES_LEVEL_B_LTA;
    }
}

static KysoPdfVerifyReport *
run (Settings *s, KysoPdfDocument *doc, KysoPdfSource *source, GBytes *file, const char *path,
     GCancellable *cancellable, GError **error)
{
  g_autoptr (KysoPdfHistory) h = kyso_pdf_history_new (doc, source);
  g_autoptr (GPtrArray) entries = NULL;
  g_autoptr (GPtrArray) verifiers = g_ptr_array_new_with_free_func ((GDestroyNotify)kyso_cms_verifier_free);
  g_autoptr (GPtrArray) results = g_ptr_array_new_with_free_func ((GDestroyNotify)kyso_cms_result_free);
  g_autoptr (GPtrArray) reports = g_ptr_array_new ();
  g_autoptr (GPtrArray) extra = NULL;
  g_autoptr (GPtrArray) kept_ocsp = NULL;
  g_autoptr (GPtrArray) kept_crls = NULL;
  g_autoptr (KysoRangeHasher) hasher = kyso_range_hasher_new ();
  g_autoptr (GArray) jobs = g_array_new (FALSE, FALSE, sizeof (int));
  const char *bundled = kyso_trust_bundled_dir ();
  const char *dirs[16] = { NULL };
  KysoTrustOptions trust = { 0 };
  guint n_dirs = 0;

  entries = kyso_pdf_verify_collect (h, error);
  if (entries == NULL)
    return NULL;
  /* Signature values are never encrypted (§7.6.1), so encrypted files can be checked; their
   * other strings (field names, /M) are read as they are stored. */
  for (guint i = 0; kyso_pdf_document_is_encrypted (doc) && i < entries->len; i++)
    {
      KysoPdfSignatureReport *r = ((KysoPdfSigEntry *)g_ptr_array_index (entries, i))->report;

      g_clear_pointer (&r->field, g_free);
      g_clear_pointer (&r->signing_time, g_date_time_unref);
      kyso_pdf_signature_report_add_reason (
        r, 0, "%s",
        _ ("The file is encrypted: the field name and the signing time written "
           "in it cannot be read."));
    }

  /* Trust for documents: Kyso's list of the Vietnamese public CAs unless turned off, and the
   * anchors given (the configuration's, --trust). Never the system's TLS store. */
  if (s->use_system && g_file_test (bundled, G_FILE_TEST_IS_DIR))
    dirs[n_dirs++] = bundled;
  for (guint i = 0; s->dirs[i] != NULL && n_dirs + 1 < G_N_ELEMENTS (dirs); i++)
    dirs[n_dirs++] = s->dirs[i];
  trust.use_system_store = FALSE;
  trust.validation_time = s->now;
  trust.directories = dirs;
  trust.files = (const char *const *)s->files;
  trust.offline = s->offline;
  trust.timeout_seconds = s->timeout;
  trust.tls_ca_file = s->tls_ca_file;
  extra = dss_streams (doc, "Certs");
  kept_ocsp = dss_streams (doc, "OCSPs");
  kept_crls = dss_streams (doc, "CRLs");
  trust.extra_certs = extra;
  trust.ocsp_responses = kept_ocsp;
  trust.crls = kept_crls;

  /* Parse every CMS first: each says which digest its byte ranges need, and all are hashed in
   * one pass over the file. */
  for (guint i = 0; i < entries->len; i++)
    {
      KysoPdfSigEntry *e = g_ptr_array_index (entries, i);
      g_autoptr (GError) local = NULL;
      KysoCmsVerifier *v = NULL;
      int job = -1;

      if (e->contents != NULL)
        {
          v = kyso_cms_verifier_new (e->contents, &local);
          if (v == NULL)
            kyso_pdf_signature_report_add_reason (e->report, KYSO_SIGNATURE_PROBLEM_CMS, "%s",
                                                  local->message);
        }
      /* A document time-stamp is what its CMS is (an RFC 3161 token, id-ct-TSTInfo), whatever its
       * dictionary says: a signature dressed as one is a signature, and a time-stamp token used
       * as a person's signature signs for nobody. */
      if (v != NULL)
        {
          gboolean token = kyso_cms_verifier_get_kind (v) == KYSO_CMS_KIND_TIMESTAMP;

          if (e->report->doc_timestamp && !token)
            kyso_pdf_signature_report_add_reason (
              e->report, 0, "%s",
              _ ("It is marked as a document time-stamp but is a signature; it "
                 "is checked as a signature."));
          else if (!e->report->doc_timestamp && token)
            kyso_pdf_signature_report_add_reason (
              e->report, 0, "%s", _ ("It is a document time-stamp, not a person’s signature."));
          e->report->doc_timestamp = token;
        }
      if (v != NULL && e->ranges_ok)
        {
          gint64 ranges[4] = { e->ranges[0], e->ranges[1], e->ranges[2], e->ranges[3] };
          job = (int)kyso_range_hasher_add (hasher, kyso_cms_verifier_get_digest_algorithm (v), ranges, 2);
        }
      g_ptr_array_add (verifiers, v);
      g_array_append_val (jobs, job);
    }
  if (!kyso_range_hasher_run (hasher, source, NULL, NULL, cancellable, error))
    return NULL;

  for (guint i = 0; i < entries->len; i++)
    {
      KysoPdfSigEntry *e = g_ptr_array_index (entries, i);
      KysoCmsVerifier *v = g_ptr_array_index (verifiers, i);
      int job = g_array_index (jobs, int, i);
      KysoCmsResult *res = NULL;

      if (v != NULL && job >= 0)
        {
          if (!kyso_cms_verifier_check (v, kyso_range_hasher_get_digest (hasher, (guint)job), &trust,
                                        cancellable, &res, error))
            return NULL;
          fill_from_cms (e, res);
        }
      g_ptr_array_add (results, res);
      if (!check_changes (h, entries, e, cancellable, error))
        return NULL;
    }
  kyso_pdf_verify_check_overlays (h, doc, file, entries, cancellable);
  check_time_order (entries);
  for (guint i = 0; i < entries->len; i++)
    {
      KysoPdfSigEntry *e = g_ptr_array_index (entries, i);
      KysoCmsResult *res = g_ptr_array_index (results, i);

      if (res != NULL && res->signer != NULL && !e->report->doc_timestamp)
        upgrade_level (h, entries, e, res);
      kyso_pdf_signature_report_finish (e->report);
      g_ptr_array_add (reports, e->report);
    }
  return kyso_pdf_verify_report_new (path, kyso_pdf_history_get_n_revisions (h), reports);
}

static KysoPdfVerifyReport *
verify_path (Settings *s, const char *path, GCancellable *cancellable, GError **error)
{
  g_autoptr (KysoPdfDocument) doc = NULL;
  g_autoptr (GMappedFile) mapped = NULL;
  g_autoptr (GBytes) file = NULL;
  KysoPdfSource *source;
  int fd;

  doc = kyso_pdf_document_open (path, error);
  if (doc == NULL)
    return NULL;
  /* The document keeps its own descriptor private; hashing and scanning read through another. */
  fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _ ("Cannot read the file: %s"), g_strerror (errno));
      return NULL;
    }
  source = kyso_pdf_source_new_fd (fd, error);
  if (source == NULL)
    return NULL;
  /* Mapped, not read: only the overlay check reads it, and only when a later signature is visible. */
  mapped = g_mapped_file_new (path, FALSE, NULL);
  file = mapped != NULL ? g_mapped_file_get_bytes (mapped) : NULL;
  return run (s, doc, source, file, path, cancellable, error);
}

KysoPdfVerifyReport *
kyso_pdf_verifier_verify (KysoPdfVerifier *self, const char *path, GCancellable *cancellable, GError **error)
{
  g_autoptr (Settings) s = NULL;

  g_return_val_if_fail (KYSO_IS_PDF_VERIFIER (self), NULL);
  g_return_val_if_fail (path != NULL, NULL);
  s = settings_snapshot (self);
  return verify_path (s, path, cancellable, error);
}

KysoPdfVerifyReport *
kyso_pdf_verifier_verify_bytes (KysoPdfVerifier *self, GBytes *bytes, GCancellable *cancellable,
                                GError **error)
{
  g_autoptr (Settings) s = NULL;
  g_autoptr (KysoPdfDocument) doc = NULL;

  g_return_val_if_fail (KYSO_IS_PDF_VERIFIER (self), NULL);
  s = settings_snapshot (self);
  s->offline = TRUE;
  doc = kyso_pdf_document_open_bytes (bytes, error);
  if (doc == NULL)
    return NULL;
  /* No overlay check here (it hands the file to poppler): this is the fuzz harness's way in, and
   * poppler is not what is being fuzzed. */
  return run (s, doc, kyso_pdf_source_new_bytes (bytes), NULL, NULL, cancellable, error);
}

static KysoPdfVerifyReport *
verify_other_with (Settings *s, KysoPdfVerifierOtherFunc func, const char *path, GCancellable *cancellable,
                   GError **error)
{
  g_autofree char *bundled = g_build_filename (PKGDATADIR, "trust", NULL);
  const char *dirs[16] = { NULL };
  KysoTrustOptions trust = { 0 };
  guint n_dirs = 0;

  /* The same trust as run() gives a PDF's signatures. */
  if (s->use_system && g_file_test (bundled, G_FILE_TEST_IS_DIR))
    dirs[n_dirs++] = bundled;
  for (guint i = 0; s->dirs[i] != NULL && n_dirs + 1 < G_N_ELEMENTS (dirs); i++)
    dirs[n_dirs++] = s->dirs[i];
  trust.use_system_store = FALSE;
  trust.validation_time = s->now;
  trust.directories = dirs;
  trust.files = (const char *const *)s->files;
  trust.offline = s->offline;
  trust.timeout_seconds = s->timeout;
  trust.tls_ca_file = s->tls_ca_file;
  return func (path, &trust, cancellable, error);
}

KysoPdfVerifyReport *
kyso_pdf_verifier_verify_other (KysoPdfVerifier *self, KysoPdfVerifierOtherFunc func, const char *path,
                                GCancellable *cancellable, GError **error)
{
  g_autoptr (Settings) s = NULL;

  g_return_val_if_fail (KYSO_IS_PDF_VERIFIER (self), NULL);
  g_return_val_if_fail (func != NULL && path != NULL, NULL);
  s = settings_snapshot (self);
  return verify_other_with (s, func, path, cancellable, error);
}

typedef struct
{
  Settings *settings; /* taken on the calling thread */
  GFile *file;
  KysoPdfVerifierOtherFunc other; /* another document kind, or NULL */
} VerifyData;

static void
verify_data_free (VerifyData *data)
{
  settings_free (data->settings);
  g_object_unref (data->file);
  g_free (data);
}

static void
verify_thread (GTask *task, gpointer source_object, gpointer task_data, GCancellable *cancellable)
{
  VerifyData *data = task_data;
  g_autofree char *path = g_file_get_path (data->file);
  g_autoptr (GError) error = NULL;
  KysoPdfVerifyReport *report;

  if (path == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                               _ ("Only files on this computer can be checked."));
      return;
    }
  if (data->other != NULL)
    report = verify_other_with (data->settings, data->other, path, cancellable, &error);
  else
    report = verify_path (data->settings, path, cancellable, &error);
  if (report == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, report, g_object_unref);
}

void
kyso_pdf_verifier_verify_async (KysoPdfVerifier *self, GFile *file, GCancellable *cancellable,
                                GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr (GTask) task = NULL;
  VerifyData *data;

  g_return_if_fail (KYSO_IS_PDF_VERIFIER (self));
  g_return_if_fail (G_IS_FILE (file));
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, kyso_pdf_verifier_verify_async);
  data = g_new0 (VerifyData, 1);
  data->settings = settings_snapshot (self);
  data->file = g_object_ref (file);
  g_task_set_task_data (task, data, (GDestroyNotify)verify_data_free);
  g_task_run_in_thread (task, verify_thread);
}

KysoPdfVerifyReport *
kyso_pdf_verifier_verify_finish (KysoPdfVerifier *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (KYSO_IS_PDF_VERIFIER (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == kyso_pdf_verifier_verify_async, NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

void
kyso_pdf_verifier_verify_other_async (KysoPdfVerifier *self, KysoPdfVerifierOtherFunc func, GFile *file,
                                      GCancellable *cancellable, GAsyncReadyCallback callback,
                                      gpointer user_data)
{
  g_autoptr (GTask) task = NULL;
  VerifyData *data;

  g_return_if_fail (KYSO_IS_PDF_VERIFIER (self));
  g_return_if_fail (func != NULL && G_IS_FILE (file));
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, kyso_pdf_verifier_verify_other_async);
  data = g_new0 (VerifyData, 1);
  data->settings = settings_snapshot (self);
  data->file = g_object_ref (file);
  data->other = func;
  g_task_set_task_data (task, data, (GDestroyNotify)verify_data_free);
  g_task_run_in_thread (task, verify_thread);
}

KysoPdfVerifyReport *
kyso_pdf_verifier_verify_other_finish (KysoPdfVerifier *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (KYSO_IS_PDF_VERIFIER (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == kyso_pdf_verifier_verify_other_async,
                        NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
