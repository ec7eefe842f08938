#pragma once

#include <glib-object.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* The applicant's information ("thông tin người nộp hồ sơ"), the fields the provinces' guides
 * show in step 1 of "Nộp hồ sơ trực tuyến". A plain record: the GUI edits the fields directly. */

typedef enum
{
  KYSO_GENDER_UNKNOWN,
  KYSO_GENDER_MALE,   /* "Nam" */
  KYSO_GENDER_FEMALE, /* "Nữ" */
} KysoGender;

typedef struct
{
  char *full_name;
  char *id_number;     /* CCCD (12 digits) or CMND (9 digits) */
  char *id_issue_date; /* YYYY-MM-DD */
  char *id_issue_place;
  char *birth_date; /* YYYY-MM-DD */
  KysoGender gender;
  char *province; /* tỉnh / thành phố */
  char *district; /* quận / huyện */
  char *ward;     /* phường / xã */
  char *address;  /* số nhà, đường, thôn */
  char *phone;
  char *email; /* may be NULL */
  /* The portal's ids for the places and the issuing agency named above (iGate's ba/place ids),
   * or NULL: the adapter then looks the names up before submitting. */
  char *id_issue_place_id;
  char *province_id;
  char *district_id;
  char *ward_id;
} KysoApplicant;

#define KYSO_TYPE_APPLICANT (kyso_applicant_get_type ())
GType
kyso_applicant_get_type (void) G_GNUC_CONST;
KysoApplicant *
kyso_applicant_new (void);
KysoApplicant *
kyso_applicant_copy (const KysoApplicant *self);
void
kyso_applicant_free (KysoApplicant *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KysoApplicant, kyso_applicant_free)

/* Reads {"full_name","id_number","id_issue_date","id_issue_place","birth_date","gender"
 * ("male"|"female"|"nam"|"nữ"),"province","district","ward","address","phone","email",
 * "id_issue_place_id","province_id","district_id","ward_id"} (the ids may be left out).
 * Dates may also be written DD/MM/YYYY; they are normalised to YYYY-MM-DD.
 * KYSO_ERROR_INVALID_INPUT when @node is not an object. Does not validate: see below. */
KysoApplicant *
kyso_applicant_new_from_json (JsonNode *node, GError **error);
/* The same shape. @with_private = FALSE leaves out id_number and phone (for drafts). */
JsonNode *
kyso_applicant_to_json (const KysoApplicant *self, gboolean with_private);

/* Checks every field the way the portal form does. On failure KYSO_ERROR_INVALID_INPUT with a
 * message for the citizen, and @out_field (may be NULL) names the field ("id_number", …) so a
 * form can highlight it. */
gboolean
kyso_applicant_validate (const KysoApplicant *self, const char **out_field, GError **error);

const char *
kyso_gender_to_string (KysoGender gender); /* "male", "female", NULL */

G_END_DECLS
