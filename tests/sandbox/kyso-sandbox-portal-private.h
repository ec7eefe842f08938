#pragma once

/* Shared state of the sandbox's portal part: OpenID Connect (kyso-sandbox-portal.c), the iGate-shaped
 * API (kyso-sandbox-portal-api.c) and its files (kyso-sandbox-portal-files.c). Main thread only. */

#include "kyso-sandbox.h"

G_BEGIN_DECLS

#define PORTAL_REALM "/auth/realms/digo"
#define PORTAL_API "/igate/"
#define PORTAL_CLIENT_ID "kyso-desktop"   /* the desktop client, loopback redirects (RFC 8252) */
#define PORTAL_WEB_CLIENT_ID "web-padsvc" /* the citizen web client: redirects to BASE/ only */

typedef struct
{
  char *id;
  char *username; /* the citizen's CCCD */
  gint64 expires; /* refresh expiry, seconds */
  gint64 auth_time;
  gboolean revoked;
} PortalSession;

typedef struct
{
  char *token;
  PortalSession *session; /* borrowed from Portal.sessions */
  gint64 expires;         /* seconds */
  guint uses;             /* requests made with it */
} PortalAccess;

typedef struct
{
  char *id;
  char *owner; /* username */
  char *name;
  char *content_type;
  guint64 size;
  char *sha256;
  char *path;
  gint64 created;
  gboolean attached; /* part of a submitted dossier: cannot be deleted */
} PortalFile;

typedef struct
{
  KysoSandbox *sb;
  char *issuer;
  char *api;
  char *dir;            /* STATE/portal */
  GHashTable *codes;    /* authorization code → private struct */
  GHashTable *sessions; /* id → PortalSession */
  GHashTable *refresh;  /* refresh token → PortalSession (borrowed) */
  GHashTable *access;   /* access token → PortalAccess */
  GHashTable *otps;     /* username → private struct */
  GHashTable *sms;      /* phone → JsonNode of the last message */
  char *auto_login;     /* username the auth endpoint logs in without a form, or NULL */
  guint access_lifetime;
  gboolean hide_revocation; /* discovery without revocation_endpoint (Keycloak before 12) */

  GHashTable *files;        /* id → PortalFile */
  GPtrArray *procedures;    /* JsonNode (object): the procedure with "_forms", "_fees", "_process" */
  GHashTable *patterns;     /* pattern id → next sequence number (guint) */
  GHashTable *codes_given;  /* dossier codes handed out and not yet used → pattern id */
  GHashTable *dossiers;     /* code → JsonNode (object) */
  GPtrArray *dossier_order; /* codes, oldest first */
  guint dossier_seq;
  guint uploads_started;
} Portal;

/* kyso-sandbox-portal.c */
/* The citizen behind "Authorization: Bearer …" or NULL after answering 401 (also under the
 * token-expired fault, which makes that token expire for good). */
KysoSandboxCitizen *
portal_authenticate (Portal *portal, SoupServerMessage *msg, const char *kind);
char *
portal_random_id (gsize bytes);
/* The citizen's Keycloak user_id and account_id claims (24 hex digits, derived from the CCCD). */
char *
portal_user_id (const char *username);
char *
portal_account_id (const char *username);
/* A Spring Data page of @items (JsonNode) */
JsonNode *
portal_page_of (GPtrArray *items, guint page, guint size);

/* kyso-sandbox-portal-control.c */
void
portal_control_install (Portal *portal);

/* kyso-sandbox-portal-api.c */
void
portal_api_install (Portal *portal);
void
portal_api_add_history (Portal *portal, JsonObject *dossier, const char *status, const char *note);

/* kyso-sandbox-portal-files.c */
void
portal_files_install (Portal *portal);
PortalFile *
portal_files_lookup (Portal *portal, const char *id, const char *owner);
void
portal_file_free (PortalFile *file);
/* [{"signer","email","authority","signedAt"}] read from the file's PDF signatures. */
JsonNode *
portal_files_signatures (Portal *portal, PortalFile *file);
JsonNode *
portal_file_to_json (PortalFile *file);

G_END_DECLS
