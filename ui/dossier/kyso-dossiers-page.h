#pragma once

#include <adwaita.h>

#include "kyso-config.h"
#include "kyso-context.h"
#include "kyso-ui-types.h"
#include "kyso-portal.h"
#include "kyso-profile-store.h"

G_BEGIN_DECLS

/* The "Dossiers" place: the portal session (resumed silently from the Secret Service on start),
 * the login page when there is none, then the citizen's home — their dossiers and drafts with
 * status, and the procedure search — and from there the dossier wizard and tracking.
 *
 * Actions (group "portal"): logout, search (s), apply (s: procedure id), resume (s: draft id),
 * delete-draft (s: draft id), track (s: dossier code, "" for an empty form), home, refresh. */

#define KYSO_TYPE_DOSSIERS_PAGE (kyso_dossiers_page_get_type ())
G_DECLARE_FINAL_TYPE (KysoDossiersPage, kyso_dossiers_page, KYSO, DOSSIERS_PAGE, AdwBin)

GtkWidget *
kyso_dossiers_page_new (void);

/* Sets everything up and resumes the stored session. */
void
kyso_dossiers_page_set_context (KysoDossiersPage *self, KysoContext *context);

KysoPortal *
kyso_dossiers_page_get_portal (KysoDossiersPage *self);
/* "starting", "login", "home", "wizard" or "tracking". */
const char *
kyso_dossiers_page_get_state (KysoDossiersPage *self);
/* The citizen's account details (NULL until known). */
const KysoApplicant *
kyso_dossiers_page_get_account (KysoDossiersPage *self);
/* The procedures found by the last search (KysoProcedure), and whether a search is running. */
GListModel *
kyso_dossiers_page_get_procedures (KysoDossiersPage *self);
gboolean
kyso_dossiers_page_is_searching (KysoDossiersPage *self);
/* The dossiers listed (KysoDossier: drafts, and submitted ones with a code), and whether the
 * list (with statuses) is still loading. */
GListModel *
kyso_dossiers_page_get_dossiers (KysoDossiersPage *self);
gboolean
kyso_dossiers_page_is_loading_dossiers (KysoDossiersPage *self);
/* The status shown for a submitted dossier, or NULL. */
const char *
kyso_dossiers_page_get_dossier_status (KysoDossiersPage *self, const char *code);

KysoLoginPage *
kyso_dossiers_page_get_login_page (KysoDossiersPage *self);
KysoDossierWizard *
kyso_dossiers_page_get_wizard (KysoDossiersPage *self);
KysoTrackingPage *
kyso_dossiers_page_get_tracking_page (KysoDossiersPage *self);

G_END_DECLS
