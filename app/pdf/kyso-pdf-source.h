#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Random access to the bytes of a PDF without loading it: a file read with pread(2) through one
 * small window (so memory does not grow with the file), or a block of memory (a decompressed
 * object stream, a fuzzer input). Not thread-safe: one source per thread. */
typedef struct _KysoPdfSource KysoPdfSource;

/* Takes ownership of @fd (closed by _free). */
KysoPdfSource *
kyso_pdf_source_new_fd (int fd, GError **error);
KysoPdfSource *
kyso_pdf_source_new_bytes (GBytes *bytes);
void
kyso_pdf_source_free (KysoPdfSource *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KysoPdfSource, kyso_pdf_source_free)

gint64
kyso_pdf_source_get_size (KysoPdfSource *self);
/* -1 for memory sources. */
int
kyso_pdf_source_get_fd (KysoPdfSource *self);
/* The byte at @pos, or -1 past the end (or on a read error, which the next read reports). */
int
kyso_pdf_source_peek (KysoPdfSource *self, gint64 pos);
/* Reads exactly @len bytes at @pos; fails (KYSO_ERROR_BROKEN_FILE) when they are not there. */
gboolean
kyso_pdf_source_read (KysoPdfSource *self, gint64 pos, void *buffer, gsize len, GError **error);
/* Reads up to @len bytes at @pos; returns how many (0 at the end, -1 on an I/O error). */
gssize
kyso_pdf_source_read_some (KysoPdfSource *self, gint64 pos, void *buffer, gsize len);

G_END_DECLS
