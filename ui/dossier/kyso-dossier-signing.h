#pragma once

#include <gio/gio.h>

#include "kyso-config.h"
#include "kyso-profile.h"
#include "kyso-signer.h"
#include "kyso-signing-job.h"

G_BEGIN_DECLS

/* Signs several PDF components of a dossier with ONE approval on the citizen's phone, through
 * KysoSigningJob (kyso-signing-job.h: the sequence, the pending record, keep or forget): each
 * file is placed by the one placement rule (kyso-pdf-placement.h: under the profile's location
 * keyword, else the default corner, never over a signature already there), with the profile's
 * image, and its signed copy is written next to its original. Before anything is asked of the
 * phone, the certificate is checked: valid, for signing, and held by @expected_id (the logged-in
 * citizen) — a mismatch is explained, and nothing is signed.
 *
 * The signer is the one the profile account's kind gives (kyso-signer-factory.h: NEAC Sign, CSC
 * …), or any KysoSigner set with kyso_dossier_signing_set_signer (e.g. in tests). */

#define KYSO_TYPE_DOSSIER_SIGNING (kyso_dossier_signing_get_type ())
G_DECLARE_FINAL_TYPE (KysoDossierSigning, kyso_dossier_signing, KYSO, DOSSIER_SIGNING, GObject)

/* @account_index: which of the profile's accounts signs. KYSO_ERROR_INVALID_INPUT when the
 * profile has no such account or the gateway is not configured. @tsa_url may be NULL (B-B). */
KysoDossierSigning *
kyso_dossier_signing_new (KysoConfig *config, KysoProfile *profile, guint account_index, const char *tsa_url,
                          GError **error);
void
kyso_dossier_signing_set_signer (KysoDossierSigning *self, KysoSigner *signer);
/* The national ID the certificate must carry (NULL = not checked). */
void
kyso_dossier_signing_set_expected_id (KysoDossierSigning *self, const char *national_id);
/* Shown on the phone: what is being signed. */
void
kyso_dossier_signing_set_description (KysoDossierSigning *self, const char *description);
/* Adds a file; its signed copy goes to kyso_dossier_signing_output_for (@input). */
void
kyso_dossier_signing_add_file (KysoDossierSigning *self, const char *key, const char *input);
guint
kyso_dossier_signing_get_n_files (KysoDossierSigning *self);

/* @progress runs on the caller's main context (sending, waiting for the phone with the
 * verification code and expiry, approved). Errors: the signer's (KYSO_ERROR_REFUSED, _EXPIRED,
 * _NETWORK …), KYSO_ERROR_CERTIFICATE (not the citizen's, expired …), the PDF's
 * (KYSO_ERROR_ENCRYPTED, _BROKEN_FILE …, naming the file), G_IO_ERROR_CANCELLED. */
void
kyso_dossier_signing_run_async (KysoDossierSigning *self, KysoSignProgressFunc progress,
                                gpointer progress_data, GCancellable *cancellable,
                                GAsyncReadyCallback callback, gpointer user_data);
gboolean
kyso_dossier_signing_run_finish (KysoDossierSigning *self, GAsyncResult *result, GError **error);

/* The job of the last run (borrowed), NULL before. */
KysoSigningJob *
kyso_dossier_signing_get_job (KysoDossierSigning *self);
/* After success: the signed file of component @key, and who signed. */
const char *
kyso_dossier_signing_get_output (KysoDossierSigning *self, const char *key);
const char *
kyso_dossier_signing_get_signer_name (KysoDossierSigning *self);
const char *
kyso_dossier_signing_get_signer_id (KysoDossierSigning *self);
/* The provider for people ("VNPT-CA") and its phone app ("VNPT SmartCA"), may be NULL. */
const char *
kyso_dossier_signing_get_provider (KysoDossierSigning *self);
const char *
kyso_dossier_signing_get_app_name (KysoDossierSigning *self);

/* Where the signed copy of @input goes: next to it, "<name>-signed.pdf" (a free name). */
char *
kyso_dossier_signing_output_for (const char *input);

G_END_DECLS
