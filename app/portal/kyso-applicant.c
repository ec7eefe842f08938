#include "config.h"

#include "kyso-applicant.h"
#include "kyso-error.h"
#include "kyso-portal-json.h"

#include <glib/gi18n-lib.h>
#include <stdio.h>
#include <string.h>

G_DEFINE_BOXED_TYPE (KysoApplicant, kyso_applicant, kyso_applicant_copy, kyso_applicant_free)

KysoApplicant *
kyso_applicant_new (void)
{
  return g_new0 (KysoApplicant, 1);
}

KysoApplicant *
kyso_applicant_copy (const KysoApplicant *self)
{
  KysoApplicant *copy = kyso_applicant_new ();

  copy->full_name = g_strdup (self->full_name);
  copy->id_number = g_strdup (self->id_number);
  copy->id_issue_date = g_strdup (self->id_issue_date);
  copy->id_issue_place = g_strdup (self->id_issue_place);
  copy->birth_date = g_strdup (self->birth_date);
  copy->gender = self->gender;
  copy->province = g_strdup (self->province);
  copy->district = g_strdup (self->district);
  copy->ward = g_strdup (self->ward);
  copy->address = g_strdup (self->address);
  copy->phone = g_strdup (self->phone);
  copy->email = g_strdup (self->email);
  copy->id_issue_place_id = g_strdup (self->id_issue_place_id);
  copy->province_id = g_strdup (self->province_id);
  copy->district_id = g_strdup (self->district_id);
  copy->ward_id = g_strdup (self->ward_id);
  return copy;
}

void
kyso_applicant_free (KysoApplicant *self)
{
  if (self == NULL)
    return;
  g_free (self->full_name);
  /* The ID number is personal data: do not leave it in freed heap memory. */
  if (self->id_number != NULL)
    memset (self->id_number, 0, strlen (self->id_number));
  g_free (self->id_number);
  g_free (self->id_issue_date);
  g_free (self->id_issue_place);
  g_free (self->birth_date);
  g_free (self->province);
  g_free (self->district);
  g_free (self->ward);
  g_free (self->address);
  g_free (self->phone);
  g_free (self->email);
  g_free (self->id_issue_place_id);
  g_free (self->province_id);
  g_free (self->district_id);
  g_free (self->ward_id);
  g_free (self);
}

const char *
kyso_gender_to_string (KysoGender gender)
{
  switch (gender)
    {
      case KYSO_GENDER_MALE:
        return "male";
      case KYSO_GENDER_FEMALE:
        return "female";
      case KYSO_GENDER_UNKNOWN:
      default:
        return NULL;
    }
}

static KysoGender
gender_from_string (const char *s)
{
  if (s == NULL)
    return KYSO_GENDER_UNKNOWN;
  if (g_ascii_strcasecmp (s, "male") == 0 || g_ascii_strcasecmp (s, "nam") == 0 || strcmp (s, "1") == 0)
    return KYSO_GENDER_MALE;
  if (g_ascii_strcasecmp (s, "female") == 0 || strcmp (s, "nữ") == 0 || strcmp (s, "Nữ") == 0
      || strcmp (s, "0") == 0)
    return KYSO_GENDER_FEMALE;
  return KYSO_GENDER_UNKNOWN;
}

/* "DD/MM/YYYY" or "YYYY-MM-DD" → a valid date in "YYYY-MM-DD", or NULL. */
static char *
normalise_date (const char *s)
{
  int d = 0, m = 0, y = 0;
  char tail = 0;

  if (s == NULL)
    return NULL;
  if (sscanf (s, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3
      && sscanf (s, "%2d/%2d/%4d%c", &d, &m, &y, &tail) != 3)
    return NULL;
  if (!g_date_valid_dmy ((GDateDay)d, (GDateMonth)m, (GDateYear)y) || y < 1900)
    return NULL;
  return g_strdup_printf ("%04d-%02d-%02d", y, m, d);
}

/* Normalises *@date in place when it parses; a date that does not parse is kept as written so
 * that validate() can name the field. */
static void
replace_date (char **date)
{
  char *n = normalise_date (*date);

  if (n != NULL)
    {
      g_free (*date);
      *date = n;
    }
}

static char *
dup_trimmed (JsonObject *obj, const char *member)
{
  const char *s = kyso_pj_string (obj, member);
  char *copy;

  if (s == NULL)
    return NULL;
  copy = g_strstrip (g_strdup (s));
  if (*copy == '\0')
    g_clear_pointer (&copy, g_free);
  return copy;
}

KysoApplicant *
kyso_applicant_new_from_json (JsonNode *node, GError **error)
{
  g_autoptr (KysoApplicant) self = NULL;
  JsonObject *obj;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error_literal (error, KYSO_ERROR, KYSO_ERROR_INVALID_INPUT,
                           _ ("The applicant information must be a JSON object."));
      return NULL;
    }
  obj = json_node_get_object (node);
  self = kyso_applicant_new ();
  self->full_name = dup_trimmed (obj, "full_name");
  self->id_number = dup_trimmed (obj, "id_number");
  self->id_issue_place = dup_trimmed (obj, "id_issue_place");
  self->province = dup_trimmed (obj, "province");
  self->district = dup_trimmed (obj, "district");
  self->ward = dup_trimmed (obj, "ward");
  self->address = dup_trimmed (obj, "address");
  self->phone = dup_trimmed (obj, "phone");
  self->email = dup_trimmed (obj, "email");
  self->gender = gender_from_string (kyso_pj_string (obj, "gender"));
  self->id_issue_date = dup_trimmed (obj, "id_issue_date");
  self->birth_date = dup_trimmed (obj, "birth_date");
  self->id_issue_place_id = dup_trimmed (obj, "id_issue_place_id");
  self->province_id = dup_trimmed (obj, "province_id");
  self->district_id = dup_trimmed (obj, "district_id");
  self->ward_id = dup_trimmed (obj, "ward_id");
  replace_date (&self->id_issue_date);
  replace_date (&self->birth_date);
  return g_steal_pointer (&self);
}

static void
add (JsonBuilder *b, const char *name, const char *value)
{
  if (value == NULL)
    return;
  json_builder_set_member_name (b, name);
  json_builder_add_string_value (b, value);
}

JsonNode *
kyso_applicant_to_json (const KysoApplicant *self, gboolean with_private)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();

  g_return_val_if_fail (self != NULL, NULL);

  json_builder_begin_object (b);
  add (b, "full_name", self->full_name);
  if (with_private)
    add (b, "id_number", self->id_number);
  add (b, "id_issue_date", self->id_issue_date);
  add (b, "id_issue_place", self->id_issue_place);
  add (b, "birth_date", self->birth_date);
  add (b, "gender", kyso_gender_to_string (self->gender));
  add (b, "province", self->province);
  add (b, "district", self->district);
  add (b, "ward", self->ward);
  add (b, "address", self->address);
  if (with_private)
    add (b, "phone", self->phone);
  add (b, "email", self->email);
  add (b, "id_issue_place_id", self->id_issue_place_id);
  add (b, "province_id", self->province_id);
  add (b, "district_id", self->district_id);
  add (b, "ward_id", self->ward_id);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

static gboolean
all_digits (const char *s, gsize min, gsize max)
{
  gsize n = 0;

  for (; s != NULL && *s != '\0'; s++, n++)
    if (!g_ascii_isdigit (*s))
      return FALSE;
  return n >= min && n <= max;
}

static gboolean
fail (const char **out_field, const char *field, GError **error, const char *message)
{
  if (out_field != NULL)
    *out_field = field;
  g_set_error_literal (error, KYSO_ERROR, KYSO_ERROR_INVALID_INPUT, message);
  return FALSE;
}

static gboolean
empty (const char *s)
{
  return s == NULL || *s == '\0';
}

gboolean
kyso_applicant_validate (const KysoApplicant *self, const char **out_field, GError **error)
{
  g_autoptr (GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *today = g_date_time_format (now, "%Y-%m-%d");
  g_autofree char *birth = NULL;
  g_autofree char *issued = NULL;
  const char *phone;

  g_return_val_if_fail (self != NULL, FALSE);

  if (empty (self->full_name))
    return fail (out_field, "full_name", error, _ ("Enter the applicant’s full name."));
  /* CCCD numbers have 12 digits, the older CMND numbers 9. */
  if (!all_digits (self->id_number, 9, 9) && !all_digits (self->id_number, 12, 12))
    return fail (out_field, "id_number", error,
                 _ ("The ID number must have 12 digits (CCCD) or 9 digits (CMND)."));
  birth = normalise_date (self->birth_date);
  if (birth == NULL || strcmp (birth, today) > 0)
    return fail (out_field, "birth_date", error, _ ("Enter a valid date of birth (DD/MM/YYYY)."));
  issued = normalise_date (self->id_issue_date);
  if (issued == NULL || strcmp (issued, today) > 0 || strcmp (issued, birth) < 0)
    return fail (out_field, "id_issue_date", error,
                 _ ("Enter the date the ID card was issued (DD/MM/YYYY), as printed on the card."));
  if (empty (self->id_issue_place))
    return fail (out_field, "id_issue_place", error, _ ("Enter where the ID card was issued."));
  if (self->gender == KYSO_GENDER_UNKNOWN)
    return fail (out_field, "gender", error, _ ("Choose the applicant’s gender."));
  if (empty (self->province))
    return fail (out_field, "province", error, _ ("Choose the province or city."));
  if (empty (self->district))
    return fail (out_field, "district", error, _ ("Choose the district."));
  if (empty (self->ward))
    return fail (out_field, "ward", error, _ ("Choose the ward or commune."));
  if (empty (self->address))
    return fail (out_field, "address", error, _ ("Enter the address (house number, street, hamlet)."));
  /* Vietnamese numbers: 0xxxxxxxxx (10 digits) or +84xxxxxxxxx. */
  phone = self->phone;
  if (phone != NULL && g_str_has_prefix (phone, "+84"))
    phone += 3;
  else if (phone != NULL && phone[0] == '0')
    phone += 1;
  else
    phone = NULL;
  if (!all_digits (phone, 9, 9))
    return fail (out_field, "phone", error, _ ("Enter a mobile phone number such as 0912345678."));
  if (!empty (self->email))
    {
      const char *at = strchr (self->email, '@');
      if (at == NULL || at == self->email || strchr (at, '.') == NULL || strchr (self->email, ' ') != NULL)
        return fail (out_field, "email", error, _ ("The email address is not valid."));
    }
  return TRUE;
}
