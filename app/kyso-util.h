#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Writing a file without ever leaving a half-written one at its path: the data goes to a
 * temporary file in the same folder, is fsync'd, and only then renamed over the target. */
typedef struct _KysoAtomicFile KysoAtomicFile;

KysoAtomicFile *
kyso_atomic_file_new (const char *path, GError **error);
/* The open descriptor of the temporary file (read + write); owned by the KysoAtomicFile. */
int
kyso_atomic_file_get_fd (KysoAtomicFile *self);
const char *
kyso_atomic_file_get_temp_path (KysoAtomicFile *self);
gboolean
kyso_atomic_file_commit (KysoAtomicFile *self, GError **error);
/* Removes the temporary file unless it was committed, and frees. */
void
kyso_atomic_file_free (KysoAtomicFile *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KysoAtomicFile, kyso_atomic_file_free)

/* Writes all of @len bytes, retrying on EINTR and short writes. */
gboolean
kyso_write_all (int fd, const void *data, gsize len, GError **error);
gboolean
kyso_pwrite_all (int fd, const void *data, gsize len, goffset offset, GError **error);

/* Lower-case hex of @len bytes; caller frees. */
char *
kyso_hex_encode (const guint8 *data, gsize len);
/* Decodes hex (either case, no separators); NULL on malformed input. */
GBytes *
kyso_hex_decode (const char *hex, gssize len);

/* An ID number (CCCD/CMND) or account for a screen others may see: "…2345", the last four
 * characters only (all of it when it is that short). Owned; "" for NULL. */
char *
kyso_mask_id (const char *id);

G_END_DECLS
