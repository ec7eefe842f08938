#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define KYSO_ERROR (kyso_error_quark ())

/* One error domain for libkyso. Messages carried by these errors are already translated and
 * meant for people; codes are for programs (exit statuses, UI choices). Append only. */
typedef enum
{
  KYSO_ERROR_FAILED,        /* anything not below */
  KYSO_ERROR_INVALID_INPUT, /* a value the user gave is not acceptable */
  KYSO_ERROR_ENCRYPTED,     /* the PDF is encrypted */
  KYSO_ERROR_BROKEN_FILE,   /* the file cannot be read as what it claims to be */
  KYSO_ERROR_UNSUPPORTED,   /* valid, but not something Kyso handles */
  KYSO_ERROR_LIMIT,         /* input exceeds a safety bound (size, depth, count) */
  KYSO_ERROR_NETWORK,       /* connection failed, dropped or timed out */
  KYSO_ERROR_TLS,           /* the server's certificate is not trusted */
  KYSO_ERROR_SERVER,        /* the server answered with an error or nonsense */
  KYSO_ERROR_AUTH,          /* credentials refused, token expired */
  KYSO_ERROR_REFUSED,       /* the citizen refused on the phone */
  KYSO_ERROR_EXPIRED,       /* the approval window ran out */
  KYSO_ERROR_BAD_SIGNATURE, /* a signature value does not verify */
  KYSO_ERROR_CERTIFICATE,   /* the certificate is unusable (expired, revoked, wrong holder, key usage) */
  KYSO_ERROR_NOT_FOUND,     /* the thing asked for does not exist */
} KysoError;

GQuark
kyso_error_quark (void);

G_END_DECLS
