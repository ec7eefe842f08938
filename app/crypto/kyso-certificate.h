#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* An X.509 certificate as people see it: who holds it (name, e-mail, national ID number), which
 * CA issued it, its serial and validity, and whether it may sign documents.
 *
 * Vietnamese CAs write the holder's ID number into the subject in a few ways; all are read:
 *   UID=CCCD:001099012345   UID=CMND:123456789   UID=HC:B1234567 (passport)
 *   serialNumber=CCCD:…     (0.9.2342.19200300.100.1.1 is UID's OID)
 *   UID=001099012345        (plain: 12 digits = CCCD, 9 digits = CMND)
 * Organisation codes (MST:, MNS:) are not personal IDs and are not reported as one. */

#define KYSO_TYPE_CERTIFICATE (kyso_certificate_get_type ())
G_DECLARE_FINAL_TYPE (KysoCertificate, kyso_certificate, KYSO, CERTIFICATE, GObject)

/* @data: one certificate, DER or PEM. KYSO_ERROR_CERTIFICATE when it is not one. */
KysoCertificate *
kyso_certificate_new (GBytes *data, GError **error);

/* The DER encoding (borrowed). */
GBytes *
kyso_certificate_get_der (KysoCertificate *self);
/* The holder's name: the subject's CN, else its O, else the whole subject. Never NULL. */
const char *
kyso_certificate_get_holder_name (KysoCertificate *self);
/* subject emailAddress, else the first rfc822Name of subjectAltName; NULL if none. */
const char *
kyso_certificate_get_email (KysoCertificate *self);
/* The personal ID number without its prefix ("001099012345"); NULL if the subject has none. */
const char *
kyso_certificate_get_national_id (KysoCertificate *self);
/* "CCCD", "CMND", "HC" (passport), … as written or inferred; NULL with no ID. */
const char *
kyso_certificate_get_national_id_kind (KysoCertificate *self);
/* The issuing CA for people: the issuer's O, else its CN. Never NULL. */
const char *
kyso_certificate_get_issuer_name (KysoCertificate *self);
/* Whole names, one line, UTF-8, RFC 2253 order ("CN=…,O=…,C=VN"). */
const char *
kyso_certificate_get_subject (KysoCertificate *self);
const char *
kyso_certificate_get_issuer (KysoCertificate *self);
/* Serial number in upper-case hex without separators ("1000", "54012A…"). */
const char *
kyso_certificate_get_serial (KysoCertificate *self);
/* Validity (UTC, borrowed). */
GDateTime *
kyso_certificate_get_not_before (KysoCertificate *self);
GDateTime *
kyso_certificate_get_not_after (KysoCertificate *self);
/* SHA-256 of the DER, lower-case hex (owned). */
char *
kyso_certificate_dup_fingerprint (KysoCertificate *self);
/* TRUE when keyUsage is absent or allows digitalSignature or nonRepudiation. */
gboolean
kyso_certificate_can_sign (KysoCertificate *self);
/* Whether a document signature by this certificate can be accepted at all: FALSE for a CA
 * certificate, a keyUsage without digitalSignature and nonRepudiation, or a TLS server
 * certificate (extendedKeyUsage serverAuth with no document-signing purpose). *@out_reason
 * (may be NULL) gets a static translated sentence when FALSE. */
gboolean
kyso_certificate_is_for_document_signing (KysoCertificate *self, const char **out_reason);
/* TRUE when @time (NULL = now) lies within the validity period. */
gboolean
kyso_certificate_is_valid_at (KysoCertificate *self, GDateTime *time);
/* TRUE when @id names the same person as the certificate's ID (compared without prefixes,
 * spaces or case; NULL or empty @id never matches). */
gboolean
kyso_certificate_matches_national_id (KysoCertificate *self, const char *id);

/* May this certificate sign for the citizen whose ID is @expected_national_id (NULL = do not
 * check the holder) at @now (NULL = now)? KYSO_ERROR_CERTIFICATE with a message for people when
 * it is not valid yet, expired, not for signing, carries no ID, or belongs to someone else. */
gboolean
kyso_certificate_check_for_signing (KysoCertificate *self, const char *expected_national_id, GDateTime *now,
                                    GError **error);

/* Normalises an ID number as typed by a person or written by a CA ("CCCD: 0010 9901 2345" →
 * "001099012345"); NULL when nothing is left. */
char *
kyso_national_id_normalize (const char *id);

G_END_DECLS
