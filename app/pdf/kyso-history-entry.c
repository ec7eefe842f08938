/* kyso-history-entry.c: one signature as the history panel shows it */

#include "config.h"

#include "kyso-history-entry.h"

struct _KysoHistoryEntry
{
  GObject parent_instance;

  char *signer_name;
  char *email;
  char *issuer;
  GDateTime *signing_time;
  KysoHistoryStatus status;
  char *reason;
  char *title;
  gboolean timestamped;
  int page;
  char *trust_anchor;
  char *level;
};

G_DEFINE_FINAL_TYPE (KysoHistoryEntry, kyso_history_entry, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_SIGNER_NAME,
  PROP_EMAIL,
  PROP_ISSUER,
  PROP_SIGNING_TIME,
  PROP_STATUS,
  PROP_REASON,
  PROP_TIMESTAMPED,
  PROP_PAGE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

GType
kyso_history_status_get_type (void)
{
  static gsize type_id = 0;
  static const GEnumValue values[] = {
    { KYSO_HISTORY_STATUS_VALID, "KYSO_HISTORY_STATUS_VALID", "valid" },
    { KYSO_HISTORY_STATUS_WARNING, "KYSO_HISTORY_STATUS_WARNING", "warning" },
    { KYSO_HISTORY_STATUS_INVALID, "KYSO_HISTORY_STATUS_INVALID", "invalid" },
    { 0, NULL, NULL },
  };

  if (g_once_init_enter (&type_id))
    g_once_init_leave (&type_id,
                       g_enum_register_static (g_intern_static_string ("KysoHistoryStatus"), values));
  return type_id;
}

static void
kyso_history_entry_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  KysoHistoryEntry *self = KYSO_HISTORY_ENTRY (object);

  switch (prop_id)
    {
      case PROP_SIGNER_NAME:
        g_value_set_string (value, self->signer_name);
        break;
      case PROP_EMAIL:
        g_value_set_string (value, self->email);
        break;
      case PROP_ISSUER:
        g_value_set_string (value, self->issuer);
        break;
      case PROP_SIGNING_TIME:
        g_value_set_boxed (value, self->signing_time);
        break;
      case PROP_STATUS:
        g_value_set_enum (value, self->status);
        break;
      case PROP_REASON:
        g_value_set_string (value, self->reason);
        break;
      case PROP_TIMESTAMPED:
        g_value_set_boolean (value, self->timestamped);
        break;
      case PROP_PAGE:
        g_value_set_int (value, self->page);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kyso_history_entry_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  KysoHistoryEntry *self = KYSO_HISTORY_ENTRY (object);

  switch (prop_id)
    {
      case PROP_SIGNER_NAME:
        self->signer_name = g_value_dup_string (value);
        break;
      case PROP_EMAIL:
        self->email = g_value_dup_string (value);
        break;
      case PROP_ISSUER:
        self->issuer = g_value_dup_string (value);
        break;
      case PROP_SIGNING_TIME:
        self->signing_time = g_value_dup_boxed (value);
        break;
      case PROP_STATUS:
        self->status = g_value_get_enum (value);
        break;
      case PROP_REASON:
        self->reason = g_value_dup_string (value);
        break;
      case PROP_TIMESTAMPED:
        kyso_history_entry_set_timestamped (self, g_value_get_boolean (value));
        break;
      case PROP_PAGE:
        kyso_history_entry_set_page (self, g_value_get_int (value));
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kyso_history_entry_finalize (GObject *object)
{
  KysoHistoryEntry *self = KYSO_HISTORY_ENTRY (object);

  g_free (self->signer_name);
  g_free (self->email);
  g_free (self->issuer);
  g_clear_pointer (&self->signing_time, g_date_time_unref);
  g_free (self->reason);
  g_free (self->title);
  g_free (self->trust_anchor);
  g_free (self->level);

  G_OBJECT_CLASS (kyso_history_entry_parent_class)->finalize (object);
}

static void
kyso_history_entry_class_init (KysoHistoryEntryClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags construct = G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS;

  object_class->get_property = kyso_history_entry_get_property;
  object_class->set_property = kyso_history_entry_set_property;
  object_class->finalize = kyso_history_entry_finalize;

  properties[PROP_SIGNER_NAME] = g_param_spec_string ("signer-name", NULL, NULL, NULL, construct);
  properties[PROP_EMAIL] = g_param_spec_string ("email", NULL, NULL, NULL, construct);
  properties[PROP_ISSUER] = g_param_spec_string ("issuer", NULL, NULL, NULL, construct);
  properties[PROP_SIGNING_TIME]
    = g_param_spec_boxed ("signing-time", NULL, NULL, G_TYPE_DATE_TIME, construct);
  properties[PROP_STATUS] = g_param_spec_enum ("status", NULL, NULL, KYSO_TYPE_HISTORY_STATUS,
                                               KYSO_HISTORY_STATUS_INVALID, construct);
  properties[PROP_REASON] = g_param_spec_string ("reason", NULL, NULL, NULL, construct);
  properties[PROP_TIMESTAMPED] = g_param_spec_boolean (
    "timestamped", NULL, NULL, FALSE, G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_PAGE]
    = g_param_spec_int ("page", NULL, NULL, -1, G_MAXINT, -1,
                        G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
kyso_history_entry_init (KysoHistoryEntry *self)
{
  self->page = -1;
}

KysoHistoryEntry *
kyso_history_entry_new (const char *signer_name, const char *email, const char *issuer,
                        GDateTime *signing_time, KysoHistoryStatus status, const char *reason)
{
  return g_object_new (KYSO_TYPE_HISTORY_ENTRY, "signer-name", signer_name, "email", email, "issuer", issuer,
                       "signing-time", signing_time, "status", status, "reason", reason, NULL);
}

const char *
kyso_history_entry_get_signer_name (KysoHistoryEntry *self)
{
  g_return_val_if_fail (KYSO_IS_HISTORY_ENTRY (self), NULL);
  return self->signer_name;
}

const char *
kyso_history_entry_get_email (KysoHistoryEntry *self)
{
  g_return_val_if_fail (KYSO_IS_HISTORY_ENTRY (self), NULL);
  return self->email;
}

const char *
kyso_history_entry_get_issuer (KysoHistoryEntry *self)
{
  g_return_val_if_fail (KYSO_IS_HISTORY_ENTRY (self), NULL);
  return self->issuer;
}

GDateTime *
kyso_history_entry_get_signing_time (KysoHistoryEntry *self)
{
  g_return_val_if_fail (KYSO_IS_HISTORY_ENTRY (self), NULL);
  return self->signing_time;
}

KysoHistoryStatus
kyso_history_entry_get_status (KysoHistoryEntry *self)
{
  g_return_val_if_fail (KYSO_IS_HISTORY_ENTRY (self), KYSO_HISTORY_STATUS_INVALID);
  return self->status;
}

const char *
kyso_history_entry_get_reason (KysoHistoryEntry *self)
{
  g_return_val_if_fail (KYSO_IS_HISTORY_ENTRY (self), NULL);
  return self->reason;
}

gboolean
kyso_history_entry_get_timestamped (KysoHistoryEntry *self)
{
  g_return_val_if_fail (KYSO_IS_HISTORY_ENTRY (self), FALSE);
  return self->timestamped;
}

void
kyso_history_entry_set_timestamped (KysoHistoryEntry *self, gboolean timestamped)
{
  g_return_if_fail (KYSO_IS_HISTORY_ENTRY (self));

  timestamped = !!timestamped;
  if (self->timestamped == timestamped)
    return;
  self->timestamped = timestamped;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TIMESTAMPED]);
}

int
kyso_history_entry_get_page (KysoHistoryEntry *self)
{
  g_return_val_if_fail (KYSO_IS_HISTORY_ENTRY (self), -1);
  return self->page;
}

void
kyso_history_entry_set_page (KysoHistoryEntry *self, int page)
{
  g_return_if_fail (KYSO_IS_HISTORY_ENTRY (self));

  if (self->page == page)
    return;
  self->page = page;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PAGE]);
}

char *
kyso_history_entry_format_time (KysoHistoryEntry *self)
{
  g_autoptr (GDateTime) local = NULL;

  g_return_val_if_fail (KYSO_IS_HISTORY_ENTRY (self), NULL);

  if (self->signing_time == NULL)
    return NULL;
  local = g_date_time_to_local (self->signing_time);
  return g_date_time_format (local, "%d/%m/%Y %H:%M");
}

const char *
kyso_history_entry_get_title (KysoHistoryEntry *self)
{
  g_return_val_if_fail (KYSO_IS_HISTORY_ENTRY (self), NULL);
  return self->title;
}

void
kyso_history_entry_set_title (KysoHistoryEntry *self, const char *title)
{
  g_return_if_fail (KYSO_IS_HISTORY_ENTRY (self));

  g_free (self->title);
  g_free (self->trust_anchor);
  g_free (self->level);
  self->title = g_strdup (title);
}

KysoHistoryEntry *
kyso_history_entry_new_from_report (KysoPdfSignatureReport *report)
{
  KysoSignatureStatus status;
  KysoHistoryStatus folded;
  const char *const *reasons;
  g_autofree char *reason = NULL;
  GDateTime *stamped, *claimed;
  KysoHistoryEntry *self;

  g_return_val_if_fail (KYSO_IS_PDF_SIGNATURE_REPORT (report), NULL);

  status = kyso_pdf_signature_report_get_status (report);
  switch (status)
    {
      case KYSO_SIGNATURE_STATUS_VALID:
        folded = KYSO_HISTORY_STATUS_VALID;
        break;
      case KYSO_SIGNATURE_STATUS_INDETERMINATE:
        /* Never shown as valid: it could not be confirmed (the reasons say why). */
        folded = KYSO_HISTORY_STATUS_WARNING;
        break;
      case KYSO_SIGNATURE_STATUS_MODIFIED:
      case KYSO_SIGNATURE_STATUS_INVALID:
      default:
        folded = KYSO_HISTORY_STATUS_INVALID;
        break;
    }

  reasons = kyso_pdf_signature_report_get_reasons (report);
  if (reasons != NULL && reasons[0] != NULL)
    reason = g_strjoinv (" ", (char **)reasons);

  /* A time-stamp's time only when its authority is trusted; otherwise what the signer's computer
   * said, marked as such. */
  stamped = kyso_pdf_signature_report_get_signing_time_source (report) == KYSO_SIGNING_TIME_TIMESTAMP
              ? kyso_pdf_signature_report_get_timestamp_time (report)
              : NULL;
  claimed = kyso_pdf_signature_report_get_signing_time (report);
  self = kyso_history_entry_new (
    kyso_pdf_signature_report_get_signer (report), kyso_pdf_signature_report_get_email (report),
    kyso_pdf_signature_report_get_issuer (report), stamped ? stamped : claimed, folded, reason);
  self->timestamped = stamped != NULL;
  self->title = g_strdup (kyso_signature_status_to_label (status));
  self->trust_anchor = g_strdup (kyso_pdf_signature_report_get_trust_anchor (report));
  self->level = g_strdup (kyso_pades_level_to_string (kyso_pdf_signature_report_get_level (report)));
  return self;
}

const char *
kyso_history_entry_get_trust_anchor (KysoHistoryEntry *self)
{
  g_return_val_if_fail (KYSO_IS_HISTORY_ENTRY (self), NULL);
  return self->trust_anchor;
}

const char *
kyso_history_entry_get_level (KysoHistoryEntry *self)
{
  g_return_val_if_fail (KYSO_IS_HISTORY_ENTRY (self), NULL);
  return self->level;
}
