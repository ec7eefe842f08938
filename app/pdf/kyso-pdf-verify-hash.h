#pragma once

#include <gio/gio.h>
#include <openssl/evp.h>

#include "kyso-pdf-source.h"

G_BEGIN_DECLS

/* Hashing the byte ranges of several signatures in one sequential pass over the file: each job
 * (one signature: a digest algorithm and its ranges) sees only the bytes of its own ranges, so a
 * file with five signatures is still read once, through one fixed buffer (memory does not grow
 * with the file's size). Private to the verification code. */
typedef struct _KysoRangeHasher KysoRangeHasher;

/* Called between chunks with the bytes done and the bytes to do in all. */
typedef void (*KysoRangeHasherProgress) (gint64 done, gint64 total, gpointer user_data);

KysoRangeHasher *
kyso_range_hasher_new (void);
void
kyso_range_hasher_free (KysoRangeHasher *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KysoRangeHasher, kyso_range_hasher_free)

/* Adds a job hashing the @n_ranges (offset, length) pairs in @ranges with @md, in the order given.
 * Ranges must be sorted, non-overlapping and non-negative (the caller checked the /ByteRange
 * already). Returns the job's index. */
guint
kyso_range_hasher_add (KysoRangeHasher *self, const EVP_MD *md, const gint64 *ranges, guint n_ranges);

/* Reads what the jobs need from @source, in order. Fails with KYSO_ERROR_BROKEN_FILE when a range
 * ends past the end of the file, G_IO_ERROR_CANCELLED when @cancellable fires. */
gboolean
kyso_range_hasher_run (KysoRangeHasher *self, KysoPdfSource *source, KysoRangeHasherProgress progress,
                       gpointer progress_data, GCancellable *cancellable, GError **error);

/* The digest of job @job after a successful run (borrowed), or NULL. */
GBytes *
kyso_range_hasher_get_digest (KysoRangeHasher *self, guint job);

G_END_DECLS
