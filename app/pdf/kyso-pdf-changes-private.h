#pragma once

#include "kyso-pdf-changes.h"
#include "kyso-pdf-lexer.h"

G_BEGIN_DECLS

/* Shared between kyso-pdf-changes-state.c (states, lookups, equality) and kyso-pdf-changes.c
 * (the per-revision diff). */
struct _KysoPdfHistory
{
  KysoPdfDocument *doc;
  KysoPdfSource *source; /* the same bytes, for scanning updates and comparing streams */
  guint n_revs;
  GHashTable **index;          /* per revision, built lazily: num → const KysoPdfXrefEntry * */
  KysoPdfRevisionDiff **diffs; /* per revision, computed lazily */
};

/* What revision @rev itself lists (with the in-section precedence applied). */
GHashTable *
kyso_pdf_history_get_index (KysoPdfHistory *self, guint rev);

G_END_DECLS
