#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* Two SoftHSM2 tokens for a test program (make-test-tokens.sh, keys and certificates from the PDF
 * tests' CA), made once per process under the test's temporary folder. Sets SOFTHSM2_CONF (the
 * module p11-kit registers finds them) and KYSO_TEST_P11_TARGET and KYSO_TEST_P11_STATE for the
 * test reader module; call it before any thread starts. Returns the tokens' folder. */
const char *
kyso_test_tokens_make (void);
/* kyso-test-p11-reader.so (SoftHSM2 behind a reader with a PIN counter, a PIN pad, a slot). */
const char *
kyso_test_tokens_reader_path (void);
/* Sets (or with @contents NULL removes) the reader's state file @what of the token @label:
 * "max-tries", "failures", "pinpad", "unplugged". */
void
kyso_test_tokens_reader_state (const char *label, const char *what, const char *contents);
/* Every token back in the reader, no counter, no PIN pad. */
void
kyso_test_tokens_reader_reset (void);

/* The reader module dlopens SoftHSM2 behind p11-kit's back, so p11-kit cannot know that both are
 * one library: a signer finalized late (its last reference dropped by a worker thread) would
 * finalize SoftHSM2 under the next test's signer. Every signer a test makes goes through _track,
 * which first waits until the signers made before are gone. Returns @signer. */
gpointer
kyso_test_tokens_track (gpointer signer);
void
kyso_test_tokens_wait_signers (void);

#define KYSO_TEST_TOKEN_A "Kyso Token A" /* PIN 123456: Nguyễn Văn An (RSA), no-sign, the CA */
#define KYSO_TEST_TOKEN_B "Kyso Token B" /* PIN 654321: Trần Thị Bình (P-256), no-key */
#define KYSO_TEST_TOKEN_PIN_A "123456"
#define KYSO_TEST_TOKEN_PIN_B "654321"

G_END_DECLS
