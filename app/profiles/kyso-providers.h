#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A public CA that offers remote signing to citizens (VNPT-CA, Viettel-CA …). The list is data:
 * resources/data/providers.json, compiled into libkyso. */
typedef struct
{
  const char *id;       /* stable key stored in profiles: "vnpt-ca" */
  const char *name;     /* what the portals show: "VNPT-CA" */
  const char *app_name; /* the phone app that asks for approval ("VNPT SmartCA"), or NULL */
  const char *service;  /* the remote-signing service family: "sp769" (default), "mysign" */
} KysoProvider;

/* The providers in display order. Loaded once; the pointers live as long as the process. */
guint
kyso_providers_get_n (void);
const KysoProvider *
kyso_providers_get_nth (guint position);
/* NULL when @id is not a known provider. */
const KysoProvider *
kyso_providers_lookup (const char *id);
/* By id, or else by name ("VNPT-CA", any case): NULL when neither is known. */
const KysoProvider *
kyso_providers_find (const char *id_or_name);

G_END_DECLS
