#pragma once

#include <adwaita.h>

#include "kyso-applicant.h"

G_BEGIN_DECLS

/* Step 1 of the dossier wizard, "Thông tin người nộp hồ sơ": the applicant's fields as the
 * provincial forms ask for them (dates typed DD/MM/YYYY). */

#define KYSO_TYPE_DOSSIER_APPLICANT (kyso_dossier_applicant_get_type ())
G_DECLARE_FINAL_TYPE (KysoDossierApplicant, kyso_dossier_applicant, KYSO, DOSSIER_APPLICANT, AdwBin)

void
kyso_dossier_applicant_set (KysoDossierApplicant *self, const KysoApplicant *applicant);
/* What is typed, as a new record (dates as YYYY-MM-DD when they parse). */
KysoApplicant *
kyso_dossier_applicant_get (KysoDossierApplicant *self);
/* Marks @field ("full_name", "id_number", …; NULL clears every mark) and moves the focus there. */
void
kyso_dossier_applicant_mark_field (KysoDossierApplicant *self, const char *field);
/* Checks the whole form as the portal will: every problem at once, in the form's order (top to
 * bottom). Marks each field with a problem and moves the focus to the first one; returns what to
 * tell the citizen (one line per problem), or NULL when the form is complete. */
char *
kyso_dossier_applicant_check (KysoDossierApplicant *self);
/* After a check, as the citizen types: the marks of fields now right go away (none is added, the
 * focus stays); returns what is still wrong, as _check does, or NULL. */
char *
kyso_dossier_applicant_recheck (KysoDossierApplicant *self);
/* The first field marked, or NULL. */
const char *
kyso_dossier_applicant_get_marked (KysoDossierApplicant *self);
/* Fills the field named like the record's members (tests, and a kiosk's reader of ID cards). */
void
kyso_dossier_applicant_set_field (KysoDossierApplicant *self, const char *field, const char *text);

G_END_DECLS
