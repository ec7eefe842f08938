#pragma once

#include <adwaita.h>

#include "kyso-config.h"
#include "kyso-dossier-wizard.h"
#include "kyso-login-page.h"
#include "kyso-portal.h"
#include "kyso-profile-store.h"
#include "kyso-tracking-page.h"

G_BEGIN_DECLS

/* The "Dossiers" place: the portal session (resumed silently from the Secret Service on start),
 * the login page when there is none, then the citizen's home — their dossiers and drafts with
 * status, and the procedure search — and from there the dossier wizard and tracking.
 *
 * Actions (group "portal"): logout, search (s), apply (s: procedure id), resume (s: draft id),
 * delete-draft (s: draft id), track (s: dossier code, "" for an empty form), home, refresh. */

#define KYSO_TYPE_HOME_PAGE (kyso_home_page_get_type ())
G_DECLARE_FINAL_TYPE (KysoHomePage, kyso_home_page, KYSO, HOME_PAGE, AdwBin)

GtkWidget         *kyso_home_page_new              (void);

/* Sets everything up and resumes the stored session; @settings may be NULL. */
void               kyso_home_page_set_context      (KysoHomePage     *self,
                                                    KysoConfig       *config,
                                                    KysoProfileStore *profiles,
                                                    GSettings        *settings);

KysoPortal        *kyso_home_page_get_portal       (KysoHomePage     *self);
/* "starting", "login", "home", "wizard" or "tracking". */
const char        *kyso_home_page_get_state        (KysoHomePage     *self);
/* The citizen's account details (NULL until known). */
const KysoApplicant *kyso_home_page_get_account    (KysoHomePage     *self);
/* The procedures found by the last search (KysoProcedure), and whether a search is running. */
GListModel        *kyso_home_page_get_procedures   (KysoHomePage     *self);
gboolean           kyso_home_page_is_searching     (KysoHomePage     *self);
/* The dossiers listed (KysoDossier: drafts, and submitted ones with a code), and whether the
 * list (with statuses) is still loading. */
GListModel        *kyso_home_page_get_dossiers     (KysoHomePage     *self);
gboolean           kyso_home_page_is_loading_dossiers (KysoHomePage  *self);
/* The status shown for a submitted dossier, or NULL. */
const char        *kyso_home_page_get_dossier_status (KysoHomePage   *self,
                                                      const char     *code);

KysoLoginPage     *kyso_home_page_get_login_page   (KysoHomePage     *self);
KysoDossierWizard *kyso_home_page_get_wizard       (KysoHomePage     *self);
KysoTrackingPage  *kyso_home_page_get_tracking_page (KysoHomePage    *self);

G_END_DECLS
