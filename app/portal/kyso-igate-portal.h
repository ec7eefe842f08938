#pragma once

#include "kyso-portal.h"
#include "kyso-province.h"

G_BEGIN_DECLS

/* The KysoPortal adapter for the VNPT iGate shape (Keycloak realm "digo", API paths bd/, pa/,
 * fi/), used by Quảng Ngãi, Kon Tum and other provinces, and served by the sandbox. */

#define KYSO_TYPE_IGATE_PORTAL (kyso_igate_portal_get_type ())
G_DECLARE_FINAL_TYPE (KysoIgatePortal, kyso_igate_portal, KYSO, IGATE_PORTAL, GObject)

/* @ca_file: PEM trust anchors replacing the system store (the sandbox's root), or NULL.
 * Property notifications go to the thread-default main context of the caller. */
KysoIgatePortal *
kyso_igate_portal_new (const KysoProvince *province, const char *ca_file);
/* The OpenID Connect client behind the portal (borrowed), e.g. for tests. */
KysoOidcClient *
kyso_igate_portal_get_oidc_client (KysoIgatePortal *self);

G_END_DECLS
