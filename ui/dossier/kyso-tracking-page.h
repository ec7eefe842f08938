#pragma once

#include <adwaita.h>

#include "kyso-portal.h"

G_BEGIN_DECLS

/* "Tra cứu hồ sơ": a dossier's status and its history by the dossier code, with the files the
 * portal holds and each file's signing history ("Xem lịch sử ký số").
 *
 * Actions (group "tracking"): search (looks up the code typed), file-history (s: file id). */

#define KYSO_TYPE_TRACKING_PAGE (kyso_tracking_page_get_type ())
G_DECLARE_FINAL_TYPE (KysoTrackingPage, kyso_tracking_page, KYSO, TRACKING_PAGE, AdwBin)

GtkWidget *
kyso_tracking_page_new (void);

void
kyso_tracking_page_set_portal (KysoTrackingPage *self, KysoPortal *portal);
/* Shows @code in the entry and looks it up (NULL or "" only clears the page). */
void
kyso_tracking_page_track (KysoTrackingPage *self, const char *code);

/* "idle", "loading", "found", "error". */
const char *
kyso_tracking_page_get_state (KysoTrackingPage *self);
/* The last status found (borrowed), or NULL. */
KysoDossierStatus *
kyso_tracking_page_get_status (KysoTrackingPage *self);
/* The signing history shown last (KysoSigningRecord, borrowed), or NULL. */
GPtrArray *
kyso_tracking_page_get_history (KysoTrackingPage *self);

G_END_DECLS
