#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* The signature type the portals offer ("Loại chữ ký: NEAC Sign"): account = CCCD/CMND number. */
#define KYSO_ACCOUNT_KIND_NEAC_SIGN "neac-sign"
/* A Cloud Signature Consortium service ([csc] in the configuration): account = the login there. */
#define KYSO_ACCOUNT_KIND_CSC "csc"
/* A USB signing token (PKCS#11): account = the certificate's serial number in hex, provider = its
 * issuer's name (RFC 2253), so that the same certificate is found again on whichever token holds it. */
#define KYSO_ACCOUNT_KIND_TOKEN "usb-token"

#define KYSO_TYPE_PROFILE_ACCOUNT (kyso_profile_account_get_type ())
G_DECLARE_FINAL_TYPE (KysoProfileAccount, kyso_profile_account, KYSO, PROFILE_ACCOUNT, GObject)

/* One signing account of a profile: {type NEAC Sign, account = CCCD/CMND number, provider}.
 * The account number is personal data: never log it. */
KysoProfileAccount *
kyso_profile_account_new (const char *provider, const char *account);
KysoProfileAccount *
kyso_profile_account_copy (KysoProfileAccount *self);

const char *
kyso_profile_account_get_kind (KysoProfileAccount *self);
void
kyso_profile_account_set_kind (KysoProfileAccount *self, const char *kind);
const char *
kyso_profile_account_get_account (KysoProfileAccount *self);
void
kyso_profile_account_set_account (KysoProfileAccount *self, const char *account);
const char *
kyso_profile_account_get_provider (KysoProfileAccount *self);
void
kyso_profile_account_set_provider (KysoProfileAccount *self, const char *provider);

/* Checks kind, account number and provider; KYSO_ERROR_INVALID_INPUT with a message for people. */
gboolean
kyso_profile_account_validate (KysoProfileAccount *self, GError **error);

/* "NEAC Sign" for KYSO_ACCOUNT_KIND_NEAC_SIGN, "CSC" for KYSO_ACCOUNT_KIND_CSC, "USB Token" for
 * KYSO_ACCOUNT_KIND_TOKEN; NULL for an unknown kind. */
const char *
kyso_account_kind_get_display_name (const char *kind);

G_END_DECLS
