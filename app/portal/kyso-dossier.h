#pragma once

#include <gio/gio.h>

#include "kyso-applicant.h"
#include "kyso-portal-records.h"
#include "kyso-procedure.h"

G_BEGIN_DECLS

/* A dossier being prepared for one procedure: the four steps of "Nộp hồ sơ trực tuyến" —
 * applicant information, component files (each an original or a copy), fees, and the
 * truthfulness declaration. Submitted with kyso_portal_submit_dossier_async(); saved as a
 * local draft and resumed with the functions below. */

typedef enum
{
  KYSO_COPY_KIND_ORIGINAL, /* "bản chính" */
  KYSO_COPY_KIND_COPY,     /* "bản sao" */
} KysoCopyKind;

/* One file attached to a component. */
typedef struct
{
  char *key;  /* the component's key */
  char *path; /* local file */
  KysoCopyKind kind;
  KysoPortalFile *uploaded; /* set once the portal stored it; NULL before */
  char *idempotency_key;    /* reused when an interrupted upload is retried */
} KysoDossierEntry;

#define KYSO_TYPE_DOSSIER (kyso_dossier_get_type ())
G_DECLARE_FINAL_TYPE (KysoDossier, kyso_dossier, KYSO, DOSSIER, GObject)

KysoDossier *
kyso_dossier_new (KysoProcedure *procedure);
const char *
kyso_dossier_get_procedure_id (KysoDossier *self);
const char *
kyso_dossier_get_procedure_name (KysoDossier *self);
/* A random id naming the draft; stable for the dossier's life. */
const char *
kyso_dossier_get_draft_id (KysoDossier *self);

/* Borrowed; never NULL (an empty record at first). */
KysoApplicant *
kyso_dossier_get_applicant (KysoDossier *self);
/* Copies @applicant. */
void
kyso_dossier_set_applicant (KysoDossier *self, const KysoApplicant *applicant);

/* Entries in the order added (KysoDossierEntry, borrowed). */
GPtrArray *
kyso_dossier_get_entries (KysoDossier *self);
KysoDossierEntry *
kyso_dossier_add_file (KysoDossier *self, const char *key, const char *path, KysoCopyKind kind);
/* Removes every file of component @key; returns how many were removed. */
guint
kyso_dossier_remove_files (KysoDossier *self, const char *key);

/* The citizen's tick of "Tôi xin cam đoan…" (step 3). */
gboolean
kyso_dossier_get_declaration (KysoDossier *self);
void
kyso_dossier_set_declaration (KysoDossier *self, gboolean accepted);

/* Set by a successful submission; NULL before. */
const char *
kyso_dossier_get_code (KysoDossier *self);
/* The key the portal uses to recognise a repeated submission of this dossier. */
const char *
kyso_dossier_get_submission_key (KysoDossier *self);

/* Everything that can be checked without the network, in form order: applicant fields, every
 * required component has a file, every file is of an accepted type and size, the declaration.
 * KYSO_ERROR_INVALID_INPUT / KYSO_ERROR_LIMIT; @out_field (may be NULL) names what to fix:
 * an applicant field ("id_number", …), a component's key, "component" (unknown key),
 * "procedure", or "declaration". */
gboolean
kyso_dossier_validate (KysoDossier *self, KysoProcedure *procedure, const char **out_field, GError **error);

/* ---- Drafts: $XDG_DATA_HOME/kyso/drafts/<draft id>.json ----
 * The file (mode 0600, folder 0700) holds the procedure, the applicant's fields *except* the
 * ID number and phone number, the component files and what was already uploaded. The ID number
 * and phone number go to the Secret Service (schema "vn.kyso.Kyso.Draft"), like every other
 * personal identifier Kyso keeps. These block: call them from a worker thread, or use _async. */
gboolean
kyso_dossier_save_draft (KysoDossier *self, GCancellable *cancellable, GError **error);
KysoDossier *
kyso_dossier_load_draft (const char *draft_id, GCancellable *cancellable, GError **error);
gboolean
kyso_dossier_delete_draft (const char *draft_id, GCancellable *cancellable, GError **error);
/* Draft ids, most recently saved first. Reads the folder only (no Secret Service). */
GStrv
kyso_dossier_list_drafts (GError **error);

void
kyso_dossier_save_draft_async (KysoDossier *self, GCancellable *cancellable, GAsyncReadyCallback callback,
                               gpointer user_data);
gboolean
kyso_dossier_save_draft_finish (KysoDossier *self, GAsyncResult *result, GError **error);
void
kyso_dossier_load_draft_async (const char *draft_id, GCancellable *cancellable, GAsyncReadyCallback callback,
                               gpointer user_data);
KysoDossier *
kyso_dossier_load_draft_finish (GAsyncResult *result, GError **error);

G_END_DECLS
