#pragma once

#include <gio/gio.h>

#include "kyso-pdf-verify-report.h"
#include "kyso-trust.h"

G_BEGIN_DECLS

/* Verifies every signature of a Word document (an OPC package signed as ECMA-376 Part 2 §13
 * describes, by Word, LibreOffice or Kyso) and reports them with the PDF verifier's report types
 * (kyso-pdf-verify-report.h), so the signing history and `kyso-cli verify` show them the same way:
 *
 *   field       the signature part ("/_xmlsignatures/sig1.xml")
 *   subfilter   "ooxml.xades" (XAdES signed properties) or "ooxml.xmldsig"
 *   level       B-B with a signing-certificate property, B-T with a verified time-stamp
 *   integrity   the SignedInfo's own references and the signature value verify
 *   changes     KYSO_PDF_CHANGES_OTHER (status "modified") when a part the signature covers was
 *               changed or removed, or a part or relationship it does not cover was added
 *               ([Content_Types].xml, the core and extended properties and the signature parts
 *               are never covered, as in Word and LibreOffice)
 *
 * Signatures are found the way Word finds them: the package's digital-signature origin
 * relationship, then the origin's signature relationships. Trust follows @trust (NULL = no
 * anchors: every signer is untrusted). Blocking (revocation may use the network unless
 * @trust->offline). Errors: those of kyso_ooxml_package_open() (the file cannot be checked at
 * all), G_IO_ERROR_CANCELLED. A document without signatures is not an error: its report has none
 * and its status is INVALID. */
KysoPdfVerifyReport *
kyso_ooxml_verify (const char *path, const KysoTrustOptions *trust, GCancellable *cancellable,
                   GError **error);
/* The same on bytes in memory (the fuzz harness); never touches the network. */
KysoPdfVerifyReport *
kyso_ooxml_verify_bytes (GBytes *bytes, const KysoTrustOptions *trust, GCancellable *cancellable,
                         GError **error);

G_END_DECLS
