#pragma once

#include <adwaita.h>

#include "kyso-config.h"
#include "kyso-ui-types.h"
#include "kyso-portal.h"
#include "kyso-profile-store.h"

#include "kyso-context.h"

G_BEGIN_DECLS

/* "Nộp hồ sơ trực tuyến": the four steps of a dossier — (1) the applicant's information,
 * prefilled from the account; (2) the components: attach, sign (one file, or all with one
 * approval on the phone), upload with progress, retry and cancel; (3) fees and the
 * truthfulness declaration; (4) submit, then the dossier code shown large and copyable.
 * Back/next check each step; the draft is saved (kyso_dossier_save_draft) at every step.
 *
 * Actions (group "dossier"): back, next, submit, copy-code, close, reload, declaration (the
 * truthfulness declaration, boolean property "declaration"). Activates "portal.home"
 * when closed and "portal.track" (s: code) from the last page. */

#define KYSO_TYPE_DOSSIER_WIZARD (kyso_dossier_wizard_get_type ())
G_DECLARE_FINAL_TYPE (KysoDossierWizard, kyso_dossier_wizard, KYSO, DOSSIER_WIZARD, AdwBin)

typedef enum
{
  KYSO_DOSSIER_STEP_INFORMATION,
  KYSO_DOSSIER_STEP_COMPONENTS,
  KYSO_DOSSIER_STEP_FEES,
  KYSO_DOSSIER_STEP_SUBMIT,
  KYSO_DOSSIER_STEP_DONE,
} KysoDossierStep;

GtkWidget *
kyso_dossier_wizard_new (void);

/* What the wizard works with: the portal session and the pages' context. */
void
kyso_dossier_wizard_set_context (KysoDossierWizard *self, KysoPortal *portal, KysoContext *context);
/* The logged-in citizen (from the portal's account details; may be NULL): prefills step 1
 * and is the national ID every signature must belong to. */
void
kyso_dossier_wizard_set_account (KysoDossierWizard *self, const KysoApplicant *account);

/* A new dossier for procedure @procedure_id (its details are fetched first). */
void
kyso_dossier_wizard_start (KysoDossierWizard *self, const char *procedure_id);
/* Goes on with a saved draft, at the step it needs next. */
void
kyso_dossier_wizard_resume (KysoDossierWizard *self, KysoDossier *draft);

KysoDossier *
kyso_dossier_wizard_get_dossier (KysoDossierWizard *self);
KysoProcedure *
kyso_dossier_wizard_get_procedure (KysoDossierWizard *self);
KysoDossierStep
kyso_dossier_wizard_get_step (KysoDossierWizard *self);
/* "loading", "error", "steps", "submitting" or "done". */
const char *
kyso_dossier_wizard_get_state (KysoDossierWizard *self);
/* The message shown for the current step's problem, or NULL. */
const char *
kyso_dossier_wizard_get_error (KysoDossierWizard *self);
/* "100.000 đ" (Vietnamese grouping), "Free" for 0 (owned). */
char *
kyso_dossier_wizard_format_amount (gint64 amount);
/* The forms of steps 1 and 2 (borrowed). */
KysoDossierApplicant *
kyso_dossier_wizard_get_applicant_form (KysoDossierWizard *self);
KysoDossierComponents *
kyso_dossier_wizard_get_components (KysoDossierWizard *self);
/* How many times the draft was saved (tests). */
guint
kyso_dossier_wizard_get_saves (KysoDossierWizard *self);

G_END_DECLS
