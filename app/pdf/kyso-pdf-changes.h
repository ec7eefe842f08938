#pragma once

#include <gio/gio.h>

#include "kyso-pdf-document.h"
#include "kyso-pdf-verify-report.h"

G_BEGIN_DECLS

/* The revisions of a document as states that can be compared object by object: "the file as
 * revision k left it" is revisions 0..k of the /Prev chain, looked up newest first with the same
 * precedence rules as kyso_pdf_document_lookup(). Used by the verifier to tell what each
 * incremental update after a signature changed (kyso-pdf-changes.c), comparing objects, not
 * bytes: new or redefined objects, changed xref mappings, duplicate object numbers, replaced
 * object streams, altered pages, resources or appearance streams.
 *
 * Not thread-safe (it reads through the document). */
typedef struct _KysoPdfHistory KysoPdfHistory;

/* Keeps a reference on @doc and takes ownership of @source, which must hold the same bytes
 * (the document does not share its own). */
KysoPdfHistory *
kyso_pdf_history_new (KysoPdfDocument *doc, KysoPdfSource *source);
void
kyso_pdf_history_free (KysoPdfHistory *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KysoPdfHistory, kyso_pdf_history_free)

KysoPdfDocument *
kyso_pdf_history_get_document (KysoPdfHistory *self);
guint
kyso_pdf_history_get_n_revisions (KysoPdfHistory *self);

/* The entry defining @num in state @rev, or NULL. */
const KysoPdfXrefEntry *
kyso_pdf_history_lookup (KysoPdfHistory *self, guint rev, guint32 num);
/* Object @num in state @rev (new reference; the null object when free or missing). @exact
 * (may be NULL) is set to FALSE when the object sits in an object stream that a later revision
 * redefined: the document can then only read the newer stream, so what is returned may not be
 * what state @rev had. */
KysoPdfObject *
kyso_pdf_history_get_object (KysoPdfHistory *self, guint rev, guint32 num, gboolean *exact, GError **error);
/* Follows references in state @rev (a few levels); non-references are returned as they are. */
KysoPdfObject *
kyso_pdf_history_resolve (KysoPdfHistory *self, guint rev, KysoPdfObject *obj, GError **error);
/* The trailer of state @rev (borrowed). */
KysoPdfObject *
kyso_pdf_history_get_trailer (KysoPdfHistory *self, guint rev);

/* The revision k such that the file as revisions 0..k left it ends at @offset (give or take the
 * end-of-line and whitespace after "%%EOF"), or -1 when @offset is not the end of a revision. */
int
kyso_pdf_history_revision_ending_at (KysoPdfHistory *self, gint64 offset);
/* Where revision @rev's bytes start and end in the file (its body and xref section), for the
 * structure checks. */
void
kyso_pdf_history_get_span (KysoPdfHistory *self, guint rev, gint64 *start, gint64 *end);

/* Deep equality as a viewer would see it: dictionaries regardless of key order, references by
 * number, streams by dictionary and raw data. */
gboolean
kyso_pdf_history_objects_equal (KysoPdfHistory *self, KysoPdfObject *a, KysoPdfObject *b);

/* What revision @rev (≥ 1) changed against revision @rev - 1. */
typedef struct
{
  KysoPdfChanges changes;
  gboolean structure;  /* the update is malformed: duplicate objects, junk, re-pointed objects */
  gboolean incomplete; /* a check hit a safety bound or an unreadable object: counted as OTHER */
  GPtrArray *reasons;  /* translated sentences, one per finding */
} KysoPdfRevisionDiff;

/* Computed once per revision and cached; borrowed. Fails only on cancellation. */
const KysoPdfRevisionDiff *
kyso_pdf_history_diff (KysoPdfHistory *self, guint rev, GCancellable *cancellable, GError **error);

G_END_DECLS
