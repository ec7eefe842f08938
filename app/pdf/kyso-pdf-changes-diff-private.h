#pragma once

#include "kyso-pdf-changes-private.h"

G_BEGIN_DECLS

/* Shared between kyso-pdf-changes.c (which objects an update changed, and the roles they had in
 * the previous state) and kyso-pdf-changes-judge.c (whether each change matters). */

typedef enum
{
  /* Structural roles: walked first, and they decide what a page, annotation or field is. */
  ROLE_CATALOG,
  ROLE_PAGES,
  ROLE_PAGE_KIDS, /* an array of page tree nodes */
  ROLE_PAGE_KID,  /* a page or a /Pages node: decided when it is read */
  ROLE_PAGE,
  ROLE_ANNOTS, /* a page's /Annots array */
  ROLE_ANNOT,
  ROLE_ACROFORM,
  ROLE_FIELDS, /* /Fields or /Kids arrays */
  ROLE_FIELD,
  N_STRUCTURAL,
  /* Content roles: everything below an annotation, a field, the DSS … */
  ROLE_OWNED_SIGNED = N_STRUCTURAL, /* belongs to a signature field that is already signed */
  ROLE_OWNED_SIG,                   /* to an empty signature field */
  ROLE_OWNED_FORM,
  ROLE_OWNED_ANNOT,
  ROLE_DSS,
  ROLE_SIGDICT,
  ROLE_INFO,
  ROLE_METADATA,
  ROLE_OTHER,
  N_ROLES,
  ROLE_IGNORE = N_ROLES,
} Role;

/* Trailer keys about the file's bookkeeping, not its content. */
static const char *const trailer_bookkeeping[]
  = { "Size", "Prev", "XRefStm", "ID", "Type", "W", "Index", "Length", "Filter", "DecodeParms", "DL", NULL };

typedef enum
{
  KIND_ANNOT,      /* a plain annotation */
  KIND_FORM,       /* a widget or field that is not a signature */
  KIND_SIG_EMPTY,  /* a signature field without /V */
  KIND_SIG_SIGNED, /* a signature field with /V */
} Kind;

typedef struct
{
  KysoPdfHistory *h;
  guint old_rev;
  guint new_rev;
  KysoPdfRevisionDiff *diff;
  GHashTable *changed;     /* num → TRUE */
  GHashTable *roles;       /* num → mask of Role bits, for changed numbers */
  GHashTable *visited;     /* num * N_ROLES + role + 1 */
  GHashTable *structural;  /* nums reached with a structural role */
  GQueue structural_queue; /* (num, role) packed as num * N_ROLES + role + 1 */
  GQueue content_queue;
  guint visits;
  GHashTable *kinds[2]; /* old, new state: field or widget num → Kind + 1, from the form tree */
} Diff;

static inline const char *
type_name (KysoPdfObject *dict, const char *key)
{
  return kyso_pdf_object_get_name (kyso_pdf_dict_get (dict, key));
}

static inline gboolean
is_dict (KysoPdfObject *obj)
{
  return kyso_pdf_object_get_kind (obj) == KYSO_PDF_DICT;
}

void
kyso_pdf_diff_note (Diff *d, KysoPdfChanges changes, const char *format, ...) G_GNUC_PRINTF (3, 4);
KysoPdfObject *
kyso_pdf_diff_resolve (Diff *d, guint rev, KysoPdfObject *obj);
Kind
kyso_pdf_diff_kind_of (Diff *d, guint rev, guint32 num, KysoPdfObject *dict);
void
kyso_pdf_diff_judge_object (Diff *d, guint32 num, guint mask);
void
kyso_pdf_diff_judge_trailer (Diff *d);

G_END_DECLS
