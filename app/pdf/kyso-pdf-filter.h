#pragma once

#include "kyso-pdf-object.h"
#include "kyso-pdf-source.h"

G_BEGIN_DECLS

/* Decoding the few streams the signer itself must read: cross-reference streams and object
 * streams. Supports no filter and /FlateDecode (possibly in a one-element array), with PNG
 * (10–15) and TIFF (2) predictors. The output is capped at @max_output bytes
 * (KYSO_ERROR_LIMIT beyond), so a zip bomb cannot exhaust memory. */
GBytes *
kyso_pdf_stream_decode (KysoPdfSource *source, KysoPdfObject *stream, gsize max_output, GError **error);

/* The same over bytes in memory (the raw stream data), with the stream's dictionary. */
GBytes *
kyso_pdf_decode_bytes (KysoPdfObject *dict, const guint8 *data, gsize len, gsize max_output, GError **error);

/* zlib-compresses @data (used by the writer for images and xref streams). */
GBytes *
kyso_pdf_flate_encode (const guint8 *data, gsize len);

G_END_DECLS
