#pragma once

#include <glib-object.h>

#include "kyso-pdf-verify-report.h"

G_BEGIN_DECLS

/* One signature of a document as the signing-history panel shows it: who signed, their email,
 * the certifying authority, when, and what the check found (with the reason in words). Filled
 * from whatever verifies the file; the panel knows nothing else. */

typedef enum
{
  KYSO_HISTORY_STATUS_VALID,   /* intact, and the certificate chain is trusted */
  KYSO_HISTORY_STATUS_WARNING, /* intact, but it cannot be confirmed (indeterminate: see reason) */
  KYSO_HISTORY_STATUS_INVALID, /* broken, or the document was changed after signing */
} KysoHistoryStatus;

#define KYSO_TYPE_HISTORY_STATUS (kyso_history_status_get_type ())
GType
kyso_history_status_get_type (void) G_GNUC_CONST;

#define KYSO_TYPE_HISTORY_ENTRY (kyso_history_entry_get_type ())
G_DECLARE_FINAL_TYPE (KysoHistoryEntry, kyso_history_entry, KYSO, HISTORY_ENTRY, GObject)

/* @signing_time may be NULL (unknown); @email and @issuer may be NULL. */
KysoHistoryEntry *
kyso_history_entry_new (const char *signer_name, const char *email, const char *issuer,
                        GDateTime *signing_time, KysoHistoryStatus status, const char *reason);

/* From the verifier's report of one signature: the status folded into three, the reasons joined
 * into one paragraph, the time of the time-stamp when there is one (else the claimed /M). */
KysoHistoryEntry *
kyso_history_entry_new_from_report (KysoPdfSignatureReport *report);

/* A heading for the verdict chosen by whoever filled the entry ("Modified after signing"), or
 * NULL to let the panel word it from the status. */
const char *
kyso_history_entry_get_title (KysoHistoryEntry *self);
void
kyso_history_entry_set_title (KysoHistoryEntry *self, const char *title);

const char *
kyso_history_entry_get_signer_name (KysoHistoryEntry *self);
const char *
kyso_history_entry_get_email (KysoHistoryEntry *self);
const char *
kyso_history_entry_get_issuer (KysoHistoryEntry *self);
GDateTime *
kyso_history_entry_get_signing_time (KysoHistoryEntry *self);
KysoHistoryStatus
kyso_history_entry_get_status (KysoHistoryEntry *self);
const char *
kyso_history_entry_get_reason (KysoHistoryEntry *self);

/* Whether the time comes from a trusted time-stamp (else it is what the signer's computer said). */
gboolean
kyso_history_entry_get_timestamped (KysoHistoryEntry *self);
void
kyso_history_entry_set_timestamped (KysoHistoryEntry *self, gboolean timestamped);
/* Page (0-based) of the visible signature, or -1 for an invisible one. */
int
kyso_history_entry_get_page (KysoHistoryEntry *self);
void
kyso_history_entry_set_page (KysoHistoryEntry *self, int page);

/* From a verifier's report: the trust anchor the signer's chain ends at (its name), and the PAdES
 * level proven ("B-B" … "B-LTA"); NULL when none. */
const char *
kyso_history_entry_get_trust_anchor (KysoHistoryEntry *self);
const char *
kyso_history_entry_get_level (KysoHistoryEntry *self);

/* "dd/mm/yyyy HH:MM" in local time, as the portals write dates; NULL when unknown. */
char *
kyso_history_entry_format_time (KysoHistoryEntry *self);

G_END_DECLS
