#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

/* The kiosk's start screen for a citizen walking up to the counter PC: four large choices —
 * submit a dossier, sign a document, check a document's signatures (no login), track a
 * dossier — that activate kiosk.open ("dossier", "sign", "verify", "track"), and a discreet
 * button for staff (kiosk.leave). The actions belong to the kiosk shell around it. */

#define KYSO_TYPE_KIOSK_START (kyso_kiosk_start_get_type ())
G_DECLARE_FINAL_TYPE (KysoKioskStart, kyso_kiosk_start, KYSO, KIOSK_START, AdwBin)

GtkWidget *
kyso_kiosk_start_new (void);

/* The button of a choice ("dossier", "sign", "verify", "track"), or NULL. */
GtkWidget *
kyso_kiosk_start_get_choice (KysoKioskStart *self, const char *place);

G_END_DECLS
