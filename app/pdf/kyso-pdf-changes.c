#include "config.h"

#include "kyso-pdf-changes-diff-private.h"
#include "kyso-pdf-verify-private.h"
#include "kyso-error.h"

#include <glib/gi18n-lib.h>
#include <stdlib.h>
#include <string.h>

/* What one incremental update changed, and whether that matters.
 *
 * 1. Which objects changed: every object the update's xref section lists, plus the objects of
 *    any object stream it redefines; each is compared with its previous definition (objects,
 *    not bytes), and identical ones are dropped.
 * 2. What those objects were *for*: the previous state's object graph is walked from its
 *    trailer, and every reference to a changed object is labelled with the role of the place it
 *    comes from (page content, a form field's appearance, the DSS …). An object is judged under
 *    every role it had, so an appearance stream that a page also draws (the pyHanko "sneaky"
 *    files) is page content, and a free object number that the signed revision already pointed
 *    to (the shadow attacks' dangling references) takes the role of whoever pointed to it.
 * 3. The update's bytes themselves: duplicate object numbers, objects that its xref does not
 *    list, unreadable data, and entries re-pointed into older revisions are malformed updates. */

#define MAX_VISITS (2u << 20)
#define MAX_BODY_OBJECTS 200000
#define MAX_PARENT_HOPS 16

void
kyso_pdf_diff_note (Diff *d, KysoPdfChanges changes, const char *format, ...)
{
  g_autofree char *raw = NULL;
  va_list args;
  char *msg;

  d->diff->changes = MAX (d->diff->changes, changes);
  if (format == NULL)
    return;
  va_start (args, format);
  raw = g_strdup_vprintf (format, args);
  va_end (args);
  /* PDF names (#xx escapes) may be any bytes; reasons are text. */
  msg = kyso_pdf_verify_text_dup (raw);
  for (guint i = 0; i < d->diff->reasons->len; i++)
    if (strcmp (g_ptr_array_index (d->diff->reasons, i), msg) == 0)
      {
        g_free (msg);
        return;
      }
  g_ptr_array_add (d->diff->reasons, msg);
}

static void
note_structure (Diff *d, const char *msg)
{
  d->diff->structure = TRUE;
  kyso_pdf_diff_note (d, KYSO_PDF_CHANGES_OTHER, "%s", msg);
}

KysoPdfObject *
kyso_pdf_diff_resolve (Diff *d, guint rev, KysoPdfObject *obj)
{
  KysoPdfObject *r = kyso_pdf_history_resolve (d->h, rev, obj, NULL);

  /* Unreadable is treated as null; the caller then sees a change it cannot explain. */
  return r != NULL ? r : kyso_pdf_null_new ();
}

/* What kind of annotation or field @dict is in state @rev: /FT and /V are inherited. */
static Kind
annot_kind (Diff *d, guint rev, KysoPdfObject *dict)
{
  g_autoptr(KysoPdfObject) cur = kyso_pdf_object_ref (dict);
  const char *ft = NULL;
  gboolean has_v = FALSE;
  gboolean widget = g_strcmp0 (type_name (dict, "Subtype"), "Widget") == 0;

  for (guint i = 0; i < MAX_PARENT_HOPS && is_dict (cur); i++)
    {
      KysoPdfObject *parent;
      KysoPdfObject *next;

      if (ft == NULL)
        {
          ft = type_name (cur, "FT");
          has_v = kyso_pdf_dict_get (cur, "V") != NULL;
        }
      if (ft != NULL || (parent = kyso_pdf_dict_get (cur, "Parent")) == NULL)
        break;
      next = kyso_pdf_diff_resolve (d, rev, parent);
      kyso_pdf_object_unref (cur);
      cur = next;
    }
  if (g_strcmp0 (ft, "Sig") == 0)
    return has_v ? KIND_SIG_SIGNED : KIND_SIG_EMPTY;
  return ft != NULL || widget || kyso_pdf_dict_get (dict, "Kids") != NULL ? KIND_FORM : KIND_ANNOT;
}

static void
collect_kinds (Diff *d, guint rev, GHashTable *kinds, GHashTable *seen, KysoPdfObject *ref, const char *ft,
               gboolean has_v, guint depth)
{
  g_autoptr(KysoPdfObject) field = NULL;
  g_autoptr(KysoPdfObject) kids = NULL;
  Kind kind;

  if (kyso_pdf_object_get_kind (ref) != KYSO_PDF_REF || depth > MAX_PARENT_HOPS
      || !g_hash_table_add (seen, GUINT_TO_POINTER (kyso_pdf_object_get_ref_num (ref))))
    return;
  field = kyso_pdf_diff_resolve (d, rev, ref);
  if (!is_dict (field))
    return;
  if (type_name (field, "FT") != NULL)
    {
      ft = type_name (field, "FT");
      has_v = FALSE;
    }
  has_v |= kyso_pdf_dict_get (field, "V") != NULL;
  kind = g_strcmp0 (ft, "Sig") == 0 ? (has_v ? KIND_SIG_SIGNED : KIND_SIG_EMPTY) : KIND_FORM;
  g_hash_table_insert (kinds, GUINT_TO_POINTER (kyso_pdf_object_get_ref_num (ref)),
                       GUINT_TO_POINTER (kind + 1));
  kids = kyso_pdf_diff_resolve (d, rev, kyso_pdf_dict_get (field, "Kids"));
  for (guint i = 0; i < kyso_pdf_array_get_length (kids); i++)
    collect_kinds (d, rev, kinds, seen, kyso_pdf_array_get (kids, i), ft, has_v, depth + 1);
}

/* What the form tree of state @rev says each field and widget is: a widget listed in a
 * signature field's /Kids belongs to it even when it lacks the /Parent back-pointer. */
static GHashTable *
form_kinds (Diff *d, guint rev)
{
  GHashTable **slot = &d->kinds[rev == d->new_rev];
  g_autoptr(KysoPdfObject) catalog = NULL, form = NULL, fields = NULL;
  g_autoptr(GHashTable) seen = NULL;

  if (*slot != NULL)
    return *slot;
  *slot = g_hash_table_new (NULL, NULL);
  seen = g_hash_table_new (NULL, NULL);
  catalog
    = kyso_pdf_diff_resolve (d, rev, kyso_pdf_dict_get (kyso_pdf_history_get_trailer (d->h, rev), "Root"));
  form = kyso_pdf_diff_resolve (d, rev, kyso_pdf_dict_get (catalog, "AcroForm"));
  fields = kyso_pdf_diff_resolve (d, rev, kyso_pdf_dict_get (form, "Fields"));
  for (guint i = 0; i < kyso_pdf_array_get_length (fields) && g_hash_table_size (seen) < MAX_VISITS; i++)
    collect_kinds (d, rev, *slot, seen, kyso_pdf_array_get (fields, i), NULL, FALSE, 0);
  return *slot;
}

/* The kind of object @num (0 when direct) whose dictionary is @dict, in state @rev. */
Kind
kyso_pdf_diff_kind_of (Diff *d, guint rev, guint32 num, KysoPdfObject *dict)
{
  gpointer k = num != 0 ? g_hash_table_lookup (form_kinds (d, rev), GUINT_TO_POINTER (num)) : NULL;

  return k != NULL ? (Kind)(GPOINTER_TO_UINT (k) - 1) : annot_kind (d, rev, dict);
}

static Role
owned_role (Kind kind)
{
  static const Role map[] = { ROLE_OWNED_ANNOT, ROLE_OWNED_FORM, ROLE_OWNED_SIG, ROLE_OWNED_SIGNED };
  return map[kind];
}

/* The role of the value under @key of a dictionary playing @role. */
static Role
child_role (Role role, const char *key, Kind kind)
{
  switch (role)
    {
      case ROLE_CATALOG:
        if (strcmp (key, "Pages") == 0)
          return ROLE_PAGES;
        if (strcmp (key, "AcroForm") == 0)
          return ROLE_ACROFORM;
        if (strcmp (key, "DSS") == 0 || strcmp (key, "Extensions") == 0)
          return ROLE_DSS;
        if (strcmp (key, "Metadata") == 0)
          return ROLE_METADATA;
        if (strcmp (key, "Perms") == 0)
          return ROLE_SIGDICT;
        return strcmp (key, "Type") == 0 || strcmp (key, "Version") == 0 ? ROLE_IGNORE : ROLE_OTHER;
      case ROLE_PAGES:
        if (strcmp (key, "Kids") == 0)
          return ROLE_PAGE_KIDS;
        return strcmp (key, "Parent") == 0 || strcmp (key, "Type") == 0 || strcmp (key, "Count") == 0
                 ? ROLE_IGNORE
                 : ROLE_OTHER;
      case ROLE_PAGE:
        if (strcmp (key, "Annots") == 0)
          return ROLE_ANNOTS;
        return strcmp (key, "Parent") == 0 || strcmp (key, "Type") == 0 ? ROLE_IGNORE : ROLE_OTHER;
      case ROLE_ANNOT:
      case ROLE_FIELD:
        /* Back-pointers and links to other annotations: those get their role where they are listed. */
        if (strcmp (key, "P") == 0 || strcmp (key, "Parent") == 0 || strcmp (key, "IRT") == 0)
          return ROLE_IGNORE;
        if (strcmp (key, "Popup") == 0)
          return ROLE_ANNOT;
        if (strcmp (key, "Kids") == 0)
          return ROLE_FIELDS;
        if (strcmp (key, "V") == 0 && kind >= KIND_SIG_EMPTY)
          return ROLE_SIGDICT;
        return owned_role (kind);
      case ROLE_ACROFORM:
        if (strcmp (key, "Fields") == 0)
          return ROLE_FIELDS;
        return strcmp (key, "DR") == 0 ? ROLE_OWNED_FORM : ROLE_OTHER;
      case ROLE_OWNED_SIGNED:
      case ROLE_OWNED_SIG:
      case ROLE_OWNED_FORM:
      case ROLE_OWNED_ANNOT:
        return strcmp (key, "Parent") == 0 || strcmp (key, "P") == 0 ? ROLE_IGNORE : role;
      case ROLE_SIGDICT:
        /* /Reference … /Data points back at the catalog. */
        return strcmp (key, "Data") == 0 ? ROLE_IGNORE : role;
      case ROLE_DSS:
      case ROLE_INFO:
      case ROLE_METADATA:
      case ROLE_OTHER:
        return role;
      case ROLE_PAGE_KIDS:
      case ROLE_PAGE_KID:
      case ROLE_ANNOTS:
      case ROLE_FIELDS:
      default:
        return ROLE_OTHER;
    }
}

/* The role of the items of an array playing @role. */
static Role
item_role (Role role)
{
  switch (role)
    {
      case ROLE_PAGE_KIDS:
        return ROLE_PAGE_KID;
      case ROLE_ANNOTS:
        return ROLE_ANNOT;
      case ROLE_FIELDS:
        return ROLE_FIELD;
      case ROLE_CATALOG:
      case ROLE_PAGES:
      case ROLE_PAGE_KID:
      case ROLE_PAGE:
      case ROLE_ANNOT:
      case ROLE_ACROFORM:
      case ROLE_FIELD:
        return ROLE_OTHER;
      default:
        return role;
    }
}

static void
enqueue (Diff *d, guint32 num, Role role)
{
  gpointer key;

  if (role == ROLE_IGNORE || num >= KYSO_PDF_MAX_OBJECT_NUM)
    return;
  key = GUINT_TO_POINTER (num * N_ROLES + role + 1);
  if (g_hash_table_contains (d->visited, key))
    return;
  g_hash_table_add (d->visited, key);
  g_queue_push_tail (role < N_STRUCTURAL ? &d->structural_queue : &d->content_queue, key);
}

static void
visit_value (Diff *d, KysoPdfObject *value, Role role, guint depth);

static void
visit_value_of (Diff *d, guint32 num, KysoPdfObject *value, Role role);

static void
visit_dict (Diff *d, guint32 num, KysoPdfObject *dict, Role role, guint depth)
{
  Kind kind = KIND_ANNOT;

  if (role == ROLE_ANNOT || role == ROLE_FIELD)
    kind = kyso_pdf_diff_kind_of (d, d->old_rev, num, dict);
  for (guint i = 0; i < kyso_pdf_dict_get_size (dict); i++)
    visit_value (d, kyso_pdf_dict_get_value_at (dict, i),
                 child_role (role, kyso_pdf_dict_get_key_at (dict, i), kind), depth + 1);
}

static void
visit_value (Diff *d, KysoPdfObject *value, Role role, guint depth)
{
  if (role == ROLE_IGNORE || depth > KYSO_PDF_MAX_DEPTH)
    return;
  switch (kyso_pdf_object_get_kind (value))
    {
      case KYSO_PDF_REF:
        enqueue (d, kyso_pdf_object_get_ref_num (value), role);
        break;
      case KYSO_PDF_ARRAY:
        for (guint i = 0; i < kyso_pdf_array_get_length (value); i++)
          visit_value (d, kyso_pdf_array_get (value, i), item_role (role), depth + 1);
        break;
      case KYSO_PDF_DICT:
      case KYSO_PDF_STREAM:
        visit_dict (d, 0, value, role, depth);
        break;
      default:
        break;
    }
}

/* An indirect object's own value: a dictionary knows its number (for its form-tree kind). */
static void
visit_value_of (Diff *d, guint32 num, KysoPdfObject *value, Role role)
{
  if (kyso_pdf_object_get_kind (value) == KYSO_PDF_DICT
      || kyso_pdf_object_get_kind (value) == KYSO_PDF_STREAM)
    visit_dict (d, num, value, role, 0);
  else
    visit_value (d, value, role, 0);
}

static void
visit_object (Diff *d, guint32 num, Role role)
{
  g_autoptr(KysoPdfObject) obj = kyso_pdf_history_get_object (d->h, d->old_rev, num, NULL, NULL);

  if (role == ROLE_PAGE_KID)
    role = is_dict (obj) && g_strcmp0 (type_name (obj, "Type"), "Pages") == 0 ? ROLE_PAGES : ROLE_PAGE;
  /* Pages, annotations and fields are dictionaries; a stream listed as one is content whatever
   * it pretends to be (its data would escape the key-by-key comparison below). Arrays are
   * structural only as the arrays they are listed as. */
  if (role < N_STRUCTURAL && obj != NULL && !is_dict (obj)
      && !(kyso_pdf_object_get_kind (obj) == KYSO_PDF_ARRAY
           && (role == ROLE_PAGE_KIDS || role == ROLE_ANNOTS || role == ROLE_FIELDS))
      && kyso_pdf_object_get_kind (obj) != KYSO_PDF_NULL)
    role = ROLE_OTHER;
  if (role < N_STRUCTURAL)
    g_hash_table_add (d->structural, GUINT_TO_POINTER (num));
  else if (g_hash_table_contains (d->structural, GUINT_TO_POINTER (num)))
    return; /* a destination or structure-tree pointer to a real page, annotation or field */
  if (g_hash_table_contains (d->changed, GUINT_TO_POINTER (num)))
    {
      guint mask = GPOINTER_TO_UINT (g_hash_table_lookup (d->roles, GUINT_TO_POINTER (num)));
      g_hash_table_insert (d->roles, GUINT_TO_POINTER (num), GUINT_TO_POINTER (mask | (1u << role)));
    }
  if (obj != NULL)
    visit_value_of (d, num, obj, role);
}

static void
walk_old_state (Diff *d)
{
  KysoPdfObject *trailer = kyso_pdf_history_get_trailer (d->h, d->old_rev);

  for (guint i = 0; i < kyso_pdf_dict_get_size (trailer); i++)
    {
      const char *key = kyso_pdf_dict_get_key_at (trailer, i);
      Role role = strcmp (key, "Root") == 0   ? ROLE_CATALOG
                  : strcmp (key, "Info") == 0 ? ROLE_INFO
                                              : ROLE_OTHER;

      if (!g_strv_contains (trailer_bookkeeping, key))
        visit_value (d, kyso_pdf_dict_get_value_at (trailer, i), role, 0);
    }
  /* Structural roles first, so that content roles can tell real pages and annotations. */
  for (;;)
    {
      gpointer key = g_queue_pop_head (&d->structural_queue);
      guint packed;

      if (key == NULL)
        key = g_queue_pop_head (&d->content_queue);
      if (key == NULL)
        break;
      if (++d->visits > MAX_VISITS)
        {
          d->diff->incomplete = TRUE;
          kyso_pdf_diff_note (d, KYSO_PDF_CHANGES_OTHER, "%s",
                              _("The document is too large to compare completely."));
          break;
        }
      packed = GPOINTER_TO_UINT (key) - 1;
      visit_object (d, packed / N_ROLES, (Role)(packed % N_ROLES));
    }
}

/* 1. Which objects changed. */

static void
mark_if_changed (Diff *d, guint32 num)
{
  g_autoptr(GError) old_error = NULL, new_error = NULL;
  g_autoptr(KysoPdfObject) old = NULL, new = NULL;
  gboolean old_exact, new_exact;

  if (g_hash_table_contains (d->changed, GUINT_TO_POINTER (num)))
    return;
  old = kyso_pdf_history_get_object (d->h, d->old_rev, num, &old_exact, &old_error);
  new = kyso_pdf_history_get_object (d->h, d->new_rev, num, &new_exact, &new_error);
  if (new == NULL)
    {
      g_autofree char *msg = g_strdup_printf (_("Object %u of a later update cannot be read."), num);
      note_structure (d, msg);
    }
  if (old != NULL && new != NULL && old_exact &&new_exact &&kyso_pdf_history_objects_equal (d->h, old, new))
    return;
  g_hash_table_add (d->changed, GUINT_TO_POINTER (num));
}

static void
find_changed (Diff *d)
{
  GHashTable *listed = kyso_pdf_history_get_index (d->h, d->new_rev);
  GHashTableIter iter;
  gpointer key, value;
  gboolean redefines_objstm = FALSE;

  g_hash_table_iter_init (&iter, listed);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      const KysoPdfXrefEntry *old = kyso_pdf_history_lookup (d->h, d->old_rev, GPOINTER_TO_UINT (key));

      if (old != NULL && old->type == KYSO_PDF_XREF_ENTRY_IN_FILE)
        redefines_objstm = TRUE; /* maybe an object stream: checked below */
      mark_if_changed (d, GPOINTER_TO_UINT (key));
    }
  if (!redefines_objstm)
    return;
  /* Objects still read from an object stream that this update redefined: the document can
   * only read the new stream, so their old content is unknown and they count as changed. */
  for (guint r = 0; r <= d->old_rev; r++)
    {
      const KysoPdfRevision *rev = kyso_pdf_document_get_revision (kyso_pdf_history_get_document (d->h), r);

      for (guint i = 0; i < rev->entries->len; i++)
        {
          const KysoPdfXrefEntry *e = &g_array_index (rev->entries, KysoPdfXrefEntry, i);

          if (e->type == KYSO_PDF_XREF_ENTRY_COMPRESSED && e->offset <= G_MAXUINT32
              && g_hash_table_contains (listed, GUINT_TO_POINTER ((guint32)e->offset))
              && !g_hash_table_contains (listed, GUINT_TO_POINTER (e->num))
              && kyso_pdf_history_lookup (d->h, d->old_rev, e->num) == e)
            g_hash_table_add (d->changed, GUINT_TO_POINTER (e->num));
        }
    }
}

/* 3. The update's own bytes. */

static void
check_update_bytes (Diff *d)
{
  KysoPdfDocument *doc = kyso_pdf_history_get_document (d->h);
  const KysoPdfRevision *rev = kyso_pdf_document_get_revision (doc, d->new_rev);
  GHashTable *listed = kyso_pdf_history_get_index (d->h, d->new_rev);
  g_autoptr(GHashTable) seen = g_hash_table_new (NULL, NULL);
  gint64 start, end, pos;
  guint count = 0;
  GHashTableIter iter;
  gpointer key, value;

  kyso_pdf_history_get_span (d->h, d->new_rev, &start, &end);
  /* Every object the update defines must be in its own bytes: an entry pointing back into an
   * earlier revision swaps in bytes that were never meant as that object (a changed mapping). */
  g_hash_table_iter_init (&iter, listed);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      const KysoPdfXrefEntry *e = value;

      if ((e->type == KYSO_PDF_XREF_ENTRY_IN_FILE && e->offset > 0 && (gint64)e->offset < start)
          || (e->type == KYSO_PDF_XREF_ENTRY_COMPRESSED
              && !g_hash_table_contains (listed, GUINT_TO_POINTER ((guint32)MIN (e->offset, G_MAXUINT32)))))
        {
          g_autofree char *msg = g_strdup_printf (
            _("A later update points object %u at bytes of an earlier revision."), e->num);
          note_structure (d, msg);
        }
    }

  /* Walk the objects of the body in order, up to the xref section. */
  pos = start;
  while (pos < rev->xref_offset && count < MAX_BODY_OBJECTS)
    {
      g_autoptr(KysoPdfObject) obj = NULL;
      g_autoptr(GError) error = NULL;
      KysoPdfLexer lexer;
      guint32 num = 0, gen = 0;

      kyso_pdf_lexer_init (&lexer, d->h->source, pos, TRUE);
      kyso_pdf_lexer_skip_space (&lexer);
      pos = lexer.pos;
      if (pos >= rev->xref_offset)
        {
          kyso_pdf_lexer_clear (&lexer);
          break;
        }
      obj = kyso_pdf_lexer_parse_indirect (&lexer, &num, &gen, &error);
      pos = lexer.pos;
      kyso_pdf_lexer_clear (&lexer);
      if (obj == NULL)
        {
          note_structure (d, _("A later update contains data that is not a PDF object."));
          break;
        }
      count++;
      if (g_hash_table_contains (seen, GUINT_TO_POINTER (num)))
        {
          g_autofree char *msg = g_strdup_printf (_("A later update defines object %u twice."), num);
          note_structure (d, msg);
        }
      g_hash_table_add (seen, GUINT_TO_POINTER (num));
      if (!g_hash_table_contains (listed, GUINT_TO_POINTER (num)))
        {
          g_autofree char *msg = g_strdup_printf (
            _("A later update contains object %u without listing it in its cross-reference section."), num);
          note_structure (d, msg);
        }
    }
}

static int
compare_nums (const void *a, const void *b)
{
  guint x = GPOINTER_TO_UINT (*(gpointer const *)a), y = GPOINTER_TO_UINT (*(gpointer const *)b);
  return x < y ? -1 : x > y;
}

const KysoPdfRevisionDiff *
kyso_pdf_history_diff (KysoPdfHistory *self, guint rev, GCancellable *cancellable, GError **error)
{
  Diff d = { 0 };
  gpointer *nums;
  guint n_nums;

  g_return_val_if_fail (rev >= 1 && rev < self->n_revs, NULL);
  if (self->diffs[rev] != NULL)
    return self->diffs[rev];
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

  d.h = self;
  d.old_rev = rev - 1;
  d.new_rev = rev;
  d.diff = g_new0 (KysoPdfRevisionDiff, 1);
  d.diff->reasons = g_ptr_array_new_with_free_func (g_free);
  d.changed = g_hash_table_new (NULL, NULL);
  d.roles = g_hash_table_new (NULL, NULL);
  d.visited = g_hash_table_new (NULL, NULL);
  d.structural = g_hash_table_new (NULL, NULL);
  g_queue_init (&d.structural_queue);
  g_queue_init (&d.content_queue);

  check_update_bytes (&d);
  find_changed (&d);
  if (g_hash_table_size (d.changed) > 0)
    walk_old_state (&d);
  kyso_pdf_diff_judge_trailer (&d);
  /* In object order, so that the reasons come out the same on every run. */
  nums = g_hash_table_get_keys_as_array (d.roles, &n_nums);
  qsort (nums, n_nums, sizeof (gpointer), compare_nums);
  for (guint i = 0; i < n_nums; i++)
    kyso_pdf_diff_judge_object (&d, GPOINTER_TO_UINT (nums[i]),
                                GPOINTER_TO_UINT (g_hash_table_lookup (d.roles, nums[i])));
  g_free (nums);

  g_hash_table_unref (d.changed);
  g_hash_table_unref (d.roles);
  g_hash_table_unref (d.visited);
  g_hash_table_unref (d.structural);
  g_clear_pointer (&d.kinds[0], g_hash_table_unref);
  g_clear_pointer (&d.kinds[1], g_hash_table_unref);
  g_queue_clear (&d.structural_queue);
  g_queue_clear (&d.content_queue);
  self->diffs[rev] = d.diff;
  return d.diff;
}
