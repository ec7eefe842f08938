#pragma once

#include <gio/gio.h>

#include "kyso-trust.h"

G_BEGIN_DECLS

/* Trust and revocation of one signer's certificate outside a CMS (an XML-DSig signature in a
 * DOCX carries the bare certificate): the same anchors, chain building and OCSP/CRL checks as
 * the CMS verifier (kyso-cms-verify.h).
 *
 * @cert_der: the signer's certificate; @extra: more certificates to build the chain with (DER
 * GBytes, may be NULL); @at: the validation time (NULL = @trust's validation_time, else now).
 * Revocation is asked only for a trusted chain (and is "unknown" offline). Fills *@out_trust,
 * *@out_revocation and appends translated sentences to @reasons (char *, owned by the array)
 * unless the certificate is trusted and good. FALSE only with G_IO_ERROR_CANCELLED, or
 * KYSO_ERROR_CERTIFICATE when @cert_der is not a certificate. */
gboolean
kyso_cert_trust_check (GBytes *cert_der, GPtrArray *extra, const KysoTrustOptions *trust, GDateTime *at,
                       GCancellable *cancellable, KysoTrustStatus *out_trust,
                       KysoRevocationStatus *out_revocation, GPtrArray *reasons, GError **error);

G_END_DECLS
