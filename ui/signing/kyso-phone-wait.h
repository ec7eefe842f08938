#pragma once

#include <gtk/gtk.h>

#include "kyso-signer.h"

G_BEGIN_DECLS

/* Waiting for the phone: which app to open (by provider), the verification code large enough to
 * compare at arm's length, the transaction, a countdown to the request's expiry and a Cancel
 * button ("sign.cancel"); then the outcome in plain words with what to do next and the buttons
 * "sign.retry" and "window.close". The actions belong to whoever hosts the widget. */

#define KYSO_TYPE_PHONE_WAIT (kyso_phone_wait_get_type ())
G_DECLARE_FINAL_TYPE (KysoPhoneWait, kyso_phone_wait, KYSO, PHONE_WAIT, GtkWidget)

GtkWidget *
kyso_phone_wait_new (void);

/* A report from the signer (KysoSignProgressFunc). */
void
kyso_phone_wait_set_progress (KysoPhoneWait *self, const KysoSignProgress *progress);
/* How it ended: NULL for success, else the signer's or the engine's error. */
void
kyso_phone_wait_set_outcome (KysoPhoneWait *self, const GError *error);
/* The provider to name before the first report (e.g. while the certificate is checked). */
void
kyso_phone_wait_set_provider (KysoPhoneWait *self, const char *provider);

/* What is shown: "sending", "waiting", "approved", "retrying", "signed", "refused", "expired",
 * "network", "cancelled" or "failed". */
const char *
kyso_phone_wait_get_state (KysoPhoneWait *self);
/* The texts shown (for tests and screen readers): the heading and the explanation. */
const char *
kyso_phone_wait_get_title (KysoPhoneWait *self);
const char *
kyso_phone_wait_get_message (KysoPhoneWait *self);

/* The phone app for a provider id or name ("vnpt-ca", "VNPT-CA" → "VNPT SmartCA"), or NULL. */
const char *
kyso_phone_wait_app_for_provider (const char *provider);
/* What to call the provider: its name from the provider list, else @provider itself. */
const char *
kyso_phone_wait_name_for_provider (const char *provider);

G_END_DECLS
