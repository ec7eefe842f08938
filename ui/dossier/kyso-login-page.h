#pragma once

#include <adwaita.h>

#include "kyso-portal.h"

G_BEGIN_DECLS

/* "Đăng nhập": the province (from the presets), the browser login through the national portal
 * (Cổng DVCQG / VNeID, RFC 8252 with the system browser), and the direct login the provincial
 * guides show (ID number + password, then the OTP sent to the phone). Errors are shown inline.
 * Logging in changes the portal's "logged-in" property; whoever holds the portal reacts.
 *
 * Actions (group "login"): browser, password (sends the form: first ID + password, then the
 * OTP), cancel. Signal "province-changed" (s: preset id): the citizen picked another province. */

#define KYSO_TYPE_LOGIN_PAGE (kyso_login_page_get_type ())
G_DECLARE_FINAL_TYPE (KysoLoginPage, kyso_login_page, KYSO, LOGIN_PAGE, AdwBin)

GtkWidget *
kyso_login_page_new (void);

/* The portal to log in to (a new one after each province change). */
void
kyso_login_page_set_portal (KysoLoginPage *self, KysoPortal *portal);
/* The provinces to offer: ids and names in display order, and the one chosen. */
void
kyso_login_page_set_provinces (KysoLoginPage *self, const char *const *ids, const char *const *names,
                               const char *selected_id);
const char *
kyso_login_page_get_province (KysoLoginPage *self);

/* Opens the browser for the browser login; NULL = the desktop's default browser. A test or a
 * kiosk sets its own. @func runs on the main thread. */
void
kyso_login_page_set_open_uri_func (KysoLoginPage *self, KysoOpenUriFunc func, gpointer user_data);

/* Fills the direct-login form (as typed). */
void
kyso_login_page_fill (KysoLoginPage *self, const char *id_number, const char *password, const char *otp);
/* The ID number used by the last successful direct login (the account), or NULL. */
const char *
kyso_login_page_get_login_id (KysoLoginPage *self);

/* What is shown: "form", "otp" (waiting for the OTP), "busy", "browser" (waiting for the
 * browser). */
const char *
kyso_login_page_get_state (KysoLoginPage *self);
/* The inline error, or NULL. */
const char *
kyso_login_page_get_error (KysoLoginPage *self);
/* Clears the form and any error (after a logout). */
void
kyso_login_page_reset (KysoLoginPage *self);

G_END_DECLS
