#pragma once

#include <gio/gio.h>

#include "kyso-applicant.h"
#include "kyso-config.h"
#include "kyso-portal.h"

G_BEGIN_DECLS

/* What the portal's OpenID provider says about the logged-in citizen (the userinfo endpoint),
 * as the applicant fields of step 1 ("thông tin người nộp"): name, ID number, phone, e-mail,
 * and birth date, gender and address when the provider gives them.
 *
 * FIXME(portal): this belongs in KysoPortal (a kyso_portal_get_account_async() of the adapter);
 * it lives here, over the portal's own OpenID client and token, until the portal client has it.
 * Nothing is logged or written: the record is handed to the caller only. */

void
kyso_login_userinfo_fetch_async (KysoPortal *portal, KysoConfig *config, GCancellable *cancellable,
                                 GAsyncReadyCallback callback, gpointer user_data);
/* → a new applicant record (fields the provider does not give stay NULL).
 * Errors: KYSO_ERROR_AUTH (not logged in), KYSO_ERROR_UNSUPPORTED (the provider has no userinfo
 * endpoint, or the portal is not an OpenID one), KYSO_ERROR_NETWORK/TLS/SERVER. */
KysoApplicant *
kyso_login_userinfo_fetch_finish (KysoPortal *portal, GAsyncResult *result, GError **error);

/* @id trimmed, when it is a CMND (9 digits) or CCCD (12 digits) number; else NULL. */
char *
kyso_login_userinfo_national_id (const char *id);

G_END_DECLS
