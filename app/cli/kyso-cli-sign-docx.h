#pragma once

#include "kyso-signer.h"

G_BEGIN_DECLS

/* `kyso-cli sign IN.docx OUT.docx --p12 FILE`: a Word document signed the way Word and LibreOffice
 * sign (kyso-ooxml-sign-session.h) with a local signer; @comments is the purpose Word shows (the
 * --reason), @tsa adds a signature time-stamp. → an exit status (0 signed, 3 the document, 4 the
 * rest), the error printed. */
int
kyso_cli_sign_docx (KysoSigner *signer, const char *comments, const char *tsa, const char *ca_file,
                    const char *in, const char *out);

G_END_DECLS
