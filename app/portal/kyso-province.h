#pragma once

#include <gio/gio.h>

#include "kyso-config.h"
#include "kyso-portal.h"

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Where a province's portal lives. The presets are data (provinces.json, compiled in); the
 * configuration file's [portal] group picks one (province=) and may override any address:
 *
 *   [portal]  province=quangngai   issuer=…/auth/realms/digo   api=https://apiigate…/
 *             client_id=…  redirect=http://127.0.0.1/callback  web=https://dichvucong…/
 *             base=https://127.0.0.1:PORT
 *
 * A preset's relative addresses (the sandbox's) are resolved against base=. The portal and login
 * addresses must be https (http only on the loopback interface). */
typedef struct
{
  char *id;
  char *name;      /* for people: "Quảng Ngãi" */
  char *adapter;   /* "igate" */
  char *web;       /* the citizen web site */
  char *issuer;    /* OpenID Connect issuer (Keycloak realm) */
  char *api;       /* API base, ends with '/' */
  char *client_id; /* the province's registration of Kyso; NULL = none yet */
  char *redirect;  /* the registered loopback redirect ("http://127.0.0.1/callback"); Kyso adds the port */
  JsonNode *igate; /* ids the iGate adapter needs that no catalogue call gives (provinces.json "igate") */
} KysoProvince;

#define KYSO_TYPE_PROVINCE (kyso_province_get_type ())
GType
kyso_province_get_type (void) G_GNUC_CONST;
KysoProvince *
kyso_province_copy (const KysoProvince *self);
void
kyso_province_free (KysoProvince *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KysoProvince, kyso_province_free)

/* The presets, in display order (KysoProvince, owned by the array). */
GPtrArray *
kyso_province_list_presets (void);
/* A copy of preset @id, or NULL. */
KysoProvince *
kyso_province_find_preset (const char *id);
/* The preset named by [portal] province= with the file's overrides applied. Without a
 * province, issuer= and api= must both be set. KYSO_ERROR_INVALID_INPUT says what to set. */
KysoProvince *
kyso_province_new_from_config (KysoConfig *config, GError **error);

/* The portal for @config: its province's adapter, trusting [tls] ca_file. */
KysoPortal *
kyso_portal_new_from_config (KysoConfig *config, GError **error);

G_END_DECLS
