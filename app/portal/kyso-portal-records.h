#pragma once

#include <glib-object.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Plain records the portal returns. All are boxed types: copy/free, or g_autoptr. */

/* A file stored on the portal. */
typedef struct
{
  char *id;
  char *name;
  guint64 size;
  char *content_type; /* may be NULL */
  char *component;    /* the dossier component it belongs to, when known; may be NULL */
} KysoPortalFile;

#define KYSO_TYPE_PORTAL_FILE (kyso_portal_file_get_type ())
GType
kyso_portal_file_get_type (void) G_GNUC_CONST;
KysoPortalFile *
kyso_portal_file_new (const char *id, const char *name, guint64 size, const char *content_type);
KysoPortalFile *
kyso_portal_file_copy (const KysoPortalFile *self);
void
kyso_portal_file_free (KysoPortalFile *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KysoPortalFile, kyso_portal_file_free)

/* One step in a dossier's history ("quá trình xử lý"). */
typedef struct
{
  GDateTime *time;
  char *status;
  char *note;   /* may be NULL */
  char *agency; /* who acted; may be NULL */
} KysoDossierEvent;

#define KYSO_TYPE_DOSSIER_EVENT (kyso_dossier_event_get_type ())
GType
kyso_dossier_event_get_type (void) G_GNUC_CONST;
KysoDossierEvent *
kyso_dossier_event_copy (const KysoDossierEvent *self);
void
kyso_dossier_event_free (KysoDossierEvent *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KysoDossierEvent, kyso_dossier_event_free)

/* What "Tra cứu hồ sơ" shows for one dossier code. */
typedef struct
{
  char *code;
  char *procedure_id;
  char *procedure_name;
  char *status;         /* the current status, for people */
  char *agency;         /* may be NULL */
  GDateTime *submitted; /* may be NULL */
  GDateTime *due;       /* expected result date; may be NULL */
  GPtrArray *history;   /* KysoDossierEvent, oldest first */
  GPtrArray *files;     /* KysoPortalFile with ->component set */
} KysoDossierStatus;

#define KYSO_TYPE_DOSSIER_STATUS (kyso_dossier_status_get_type ())
GType
kyso_dossier_status_get_type (void) G_GNUC_CONST;
KysoDossierStatus *
kyso_dossier_status_new (void);
KysoDossierStatus *
kyso_dossier_status_copy (const KysoDossierStatus *self);
void
kyso_dossier_status_free (KysoDossierStatus *self);
/* The shape `kyso-cli track --json` prints: {"code","status","procedure","agency","submitted","due",
 * "history":[{"time","status","note","agency"}],"files":[{"id","name","size","component"}]};
 * times are ISO 8601. */
JsonNode *
kyso_dossier_status_to_json (const KysoDossierStatus *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KysoDossierStatus, kyso_dossier_status_free)

/* One signature on a component's file ("lịch sử ký số"). */
typedef struct
{
  char *signer;    /* name in the certificate */
  char *email;     /* may be NULL */
  char *authority; /* the certifying authority, e.g. "VNPT-CA" */
  GDateTime *time; /* may be NULL */
} KysoSigningRecord;

#define KYSO_TYPE_SIGNING_RECORD (kyso_signing_record_get_type ())
GType
kyso_signing_record_get_type (void) G_GNUC_CONST;
KysoSigningRecord *
kyso_signing_record_copy (const KysoSigningRecord *self);
void
kyso_signing_record_free (KysoSigningRecord *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KysoSigningRecord, kyso_signing_record_free)

/* A place of the portal's list (tỉnh, huyện, xã), or an identity-card issuing agency: the portal's
 * id and the name people read. */
typedef struct
{
  char *id;
  char *name;
} KysoPlace;

#define KYSO_TYPE_PLACE (kyso_place_get_type ())
GType
kyso_place_get_type (void) G_GNUC_CONST;
KysoPlace *
kyso_place_new (const char *id, const char *name);
KysoPlace *
kyso_place_copy (const KysoPlace *self);
void
kyso_place_free (KysoPlace *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KysoPlace, kyso_place_free)

G_END_DECLS
