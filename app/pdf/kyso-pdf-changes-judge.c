#include "config.h"

#include "kyso-pdf-changes-diff-private.h"

#include <glib/gi18n-lib.h>
#include <string.h>

/* Whether each change of an incremental update matters, judged by the roles the changed object
 * had (kyso-pdf-changes.c finds the changes and their roles). */

/* 4. Judging each change by the roles the object had. */

static gboolean
same_ref (KysoPdfObject *a, KysoPdfObject *b)
{
  return kyso_pdf_object_get_kind (a) == KYSO_PDF_REF && kyso_pdf_object_get_kind (b) == KYSO_PDF_REF
         && kyso_pdf_object_get_ref_num (a) == kyso_pdf_object_get_ref_num (b);
}

static gboolean
array_contains (Diff *d, KysoPdfObject *array, KysoPdfObject *item)
{
  for (guint i = 0; i < kyso_pdf_array_get_length (array); i++)
    {
      KysoPdfObject *x = kyso_pdf_array_get (array, i);
      if (kyso_pdf_object_get_kind (item) == KYSO_PDF_REF ? same_ref (x, item)
                                                          : kyso_pdf_history_objects_equal (d->h, x, item))
        return TRUE;
    }
  return FALSE;
}

static const char *
field_label (KysoPdfObject *dict)
{
  gsize len;
  const guint8 *t = kyso_pdf_object_get_string (kyso_pdf_dict_get (dict, "T"), &len);

  /* Only used in reasons; a name that is not valid UTF-8 is left out rather than mangled. */
  return t != NULL && g_utf8_validate ((const char *)t, (gssize)len, NULL) && memchr (t, 0, len) == NULL
           ? (const char *)t
           : "";
}

/* An annotation that now appears on a page (listed in its /Annots). */
static void
judge_added_annot (Diff *d, KysoPdfObject *item)
{
  g_autoptr(KysoPdfObject) annot = kyso_pdf_diff_resolve (d, d->new_rev, item);

  if (!is_dict (annot))
    {
      kyso_pdf_diff_note (d, KYSO_PDF_CHANGES_OTHER, "%s",
                          _("Something that is not an annotation was added to a page."));
      return;
    }
  switch (kyso_pdf_diff_kind_of (d, d->new_rev, kyso_pdf_object_get_ref_num (item), annot))
    {
      case KIND_SIG_SIGNED:
        kyso_pdf_diff_note (d, KYSO_PDF_CHANGES_SIGNATURES, NULL);
        break;
      case KIND_SIG_EMPTY:
        /* An empty signature box with an appearance draws whatever it likes on the page. */
        if (kyso_pdf_dict_get (annot, "AP") != NULL)
          kyso_pdf_diff_note (d, KYSO_PDF_CHANGES_ANNOTATIONS, "%s",
                              _("An unsigned signature box was added to a page."));
        else
          kyso_pdf_diff_note (d, KYSO_PDF_CHANGES_SIGNATURES, NULL);
        break;
      case KIND_FORM:
        kyso_pdf_diff_note (d, KYSO_PDF_CHANGES_OTHER, "%s", _("A new form field was added to a page."));
        break;
      case KIND_ANNOT:
      default:
        kyso_pdf_diff_note (d, KYSO_PDF_CHANGES_ANNOTATIONS,
                            _("An annotation (%s) was added to a page."),
                               type_name (annot, "Subtype") != NULL ? type_name (annot, "Subtype") : "?");
        break;
    }
}

/* Old and new versions of an /Annots, /Fields or /Kids array (either may be a reference). */
static void
judge_list (Diff *d, KysoPdfObject *old_value, KysoPdfObject *new_value, gboolean annots)
{
  g_autoptr(KysoPdfObject) old = kyso_pdf_diff_resolve (d, d->old_rev, old_value);
  g_autoptr(KysoPdfObject) new = kyso_pdf_diff_resolve (d, d->new_rev, new_value);
  g_autoptr(KysoPdfObject) empty = kyso_pdf_array_new ();

  if (kyso_pdf_object_get_kind (old) != KYSO_PDF_ARRAY)
    {
      kyso_pdf_object_unref (old);
      old = kyso_pdf_object_ref (empty);
    }
  if (kyso_pdf_object_get_kind (new) != KYSO_PDF_ARRAY)
    {
      if (kyso_pdf_object_get_kind (new) != KYSO_PDF_NULL)
        kyso_pdf_diff_note (d, KYSO_PDF_CHANGES_OTHER, "%s",
                            _("A list of annotations or form fields was replaced."));
      kyso_pdf_object_unref (new);
      new = kyso_pdf_object_ref (empty);
    }
  for (guint i = 0; i < kyso_pdf_array_get_length (old); i++)
    if (!array_contains (d, new, kyso_pdf_array_get (old, i)))
      kyso_pdf_diff_note (d, KYSO_PDF_CHANGES_OTHER, "%s",
                          annots ? _("An annotation or form field was removed from a page.")
                                 : _("A form field was removed."));
  for (guint i = 0; i < kyso_pdf_array_get_length (new); i++)
    {
      KysoPdfObject *item = kyso_pdf_array_get (new, i);
      g_autoptr(KysoPdfObject) field = NULL;

      if (array_contains (d, old, item))
        continue;
      if (annots)
        {
          judge_added_annot (d, item);
          continue;
        }
      field = kyso_pdf_diff_resolve (d, d->new_rev, item);
      if (is_dict (field)
          && kyso_pdf_diff_kind_of (d, d->new_rev, kyso_pdf_object_get_ref_num (item), field)
               >= KIND_SIG_EMPTY)
        kyso_pdf_diff_note (d, KYSO_PDF_CHANGES_SIGNATURES, NULL);
      else
        kyso_pdf_diff_note (d, KYSO_PDF_CHANGES_OTHER, "%s", _("A new form field was added."));
    }
}

/* Keys whose values differ between two dictionaries (either may be null: no keys). */
static GPtrArray *
changed_keys (Diff *d, KysoPdfObject *old, KysoPdfObject *new)
{
  GPtrArray *keys = g_ptr_array_new ();
  guint n_old
    = is_dict (old) || kyso_pdf_object_get_kind (old) == KYSO_PDF_STREAM ? kyso_pdf_dict_get_size (old) : 0;
  guint n_new
    = is_dict (new) || kyso_pdf_object_get_kind (new) == KYSO_PDF_STREAM ? kyso_pdf_dict_get_size (new) : 0;

  for (guint i = 0; i < n_old; i++)
    {
      const char *key = kyso_pdf_dict_get_key_at (old, i);
      KysoPdfObject *nv = n_new > 0 ? kyso_pdf_dict_get (new, key) : NULL;

      if (nv == NULL || !kyso_pdf_history_objects_equal (d->h, kyso_pdf_dict_get_value_at (old, i), nv))
        g_ptr_array_add (keys, (gpointer)key);
    }
  for (guint i = 0; i < n_new; i++)
    if (n_old == 0 || kyso_pdf_dict_get (old, kyso_pdf_dict_get_key_at (new, i)) == NULL)
      g_ptr_array_add (keys, (gpointer)kyso_pdf_dict_get_key_at (new, i));
  return keys;
}

/* Whether the dictionary @nv (new state) keeps every entry of @ov (old state) and only adds
 * entries, looking into sub-dictionaries (/DR << /Font << … >> >>). */
static gboolean
only_adds (Diff *d, KysoPdfObject *ov, KysoPdfObject *nv, guint depth)
{
  g_autoptr(KysoPdfObject) o = NULL, n = NULL;

  if (ov == NULL)
    return TRUE;
  if (nv == NULL || depth > 4)
    return FALSE;
  if (same_ref (ov, nv)
      && !g_hash_table_contains (d->changed, GUINT_TO_POINTER (kyso_pdf_object_get_ref_num (ov))))
    return TRUE;
  o = kyso_pdf_diff_resolve (d, d->old_rev, ov);
  n = kyso_pdf_diff_resolve (d, d->new_rev, nv);
  if (!is_dict (o) || !is_dict (n))
    return kyso_pdf_history_objects_equal (d->h, o, n);
  for (guint i = 0; i < kyso_pdf_dict_get_size (o); i++)
    if (!only_adds (d, kyso_pdf_dict_get_value_at (o, i),
                    kyso_pdf_dict_get (n, kyso_pdf_dict_get_key_at (o, i)), depth + 1))
      return FALSE;
  return TRUE;
}

static void
judge_acroform (Diff *d, KysoPdfObject *old, KysoPdfObject *new)
{
  g_autoptr(GPtrArray) keys = changed_keys (d, old, new);

  for (guint i = 0; i < keys->len; i++)
    {
      const char *key = g_ptr_array_index (keys, i);
      KysoPdfObject *ov = kyso_pdf_dict_get (old, key), *nv = kyso_pdf_dict_get (new, key);

      if (strcmp (key, "Fields") == 0)
        {
          /* The same indirect array: judged as an object of its own when it changed. */
          if (!same_ref (ov, nv))
            judge_list (d, ov, nv, FALSE);
        }
      else if (strcmp (key, "SigFlags") == 0)
        kyso_pdf_diff_note (d, KYSO_PDF_CHANGES_SIGNATURES, NULL);
      else if (strcmp (key, "DR") == 0 && only_adds (d, ov, nv, 0))
        /* new fonts for a new signature's appearance */
        kyso_pdf_diff_note (d, KYSO_PDF_CHANGES_SIGNATURES, NULL);
      else if (strcmp (key, "DR") == 0 || strcmp (key, "DA") == 0 || strcmp (key, "NeedAppearances") == 0)
        kyso_pdf_diff_note (d, KYSO_PDF_CHANGES_FORM, "%s",
                            _("The form's default appearance settings were changed."));
      else
        kyso_pdf_diff_note (d, KYSO_PDF_CHANGES_OTHER, _("The form was changed (/%s)."), key);
    }
}

static void
judge_catalog (Diff *d, KysoPdfObject *old, KysoPdfObject *new)
{
  g_autoptr(GPtrArray) keys = changed_keys (d, old, new);

  for (guint i = 0; i < keys->len; i++)
    {
      const char *key = g_ptr_array_index (keys, i);
      KysoPdfObject *ov = kyso_pdf_dict_get (old, key), *nv = kyso_pdf_dict_get (new, key);

      if (strcmp (key, "AcroForm") == 0)
        {
          g_autoptr(KysoPdfObject) o = NULL, n = NULL;
          if (same_ref (ov, nv))
            continue;
          o = kyso_pdf_diff_resolve (d, d->old_rev, ov);
          n = kyso_pdf_diff_resolve (d, d->new_rev, nv);
          judge_acroform (d, o, n);
        }
      else if (strcmp (key, "DSS") == 0 || strcmp (key, "Extensions") == 0 || strcmp (key, "Metadata") == 0
               || strcmp (key, "Version") == 0)
        kyso_pdf_diff_note (d, KYSO_PDF_CHANGES_SIGNATURES, NULL);
      else if (strcmp (key, "Pages") == 0)
        kyso_pdf_diff_note (d, KYSO_PDF_CHANGES_OTHER, "%s", _("The document's pages were replaced."));
      else if (strcmp (key, "Perms") == 0)
        kyso_pdf_diff_note (d, KYSO_PDF_CHANGES_OTHER, "%s",
                            _("The document's certification permissions were changed."));
      else
        kyso_pdf_diff_note (d, KYSO_PDF_CHANGES_OTHER, _("The document catalog was changed (/%s)."), key);
    }
}

static void
judge_page (Diff *d, guint32 num, KysoPdfObject *old, KysoPdfObject *new)
{
  g_autoptr(GPtrArray) keys = changed_keys (d, old, new);

  if (!is_dict (new))
    {
      kyso_pdf_diff_note (d, KYSO_PDF_CHANGES_OTHER, _("A page was removed or replaced (object %u)."), num);
      return;
    }
  for (guint i = 0; i < keys->len; i++)
    {
      const char *key = g_ptr_array_index (keys, i);
      KysoPdfObject *ov = kyso_pdf_dict_get (old, key), *nv = kyso_pdf_dict_get (new, key);

      if (strcmp (key, "Annots") == 0)
        {
          if (!same_ref (ov, nv))
            judge_list (d, ov, nv, TRUE);
        }
      else
        kyso_pdf_diff_note (d, KYSO_PDF_CHANGES_OTHER,
                            _("The content or resources of a page were changed (/%s of object %u)."), key,
                               num);
    }
}

/* Keys a signature field may gain or change in the update that signs it: the value, its
 * widget's appearance and placement (signers complete the widget as they sign). */
static gboolean
signing_key (const char *key)
{
  static const char *const keys[] = { "V",    "AP",   "AS", "MK", "M",  "P",    "F",  "Subtype",
                                      "Type", "Rect", "DA", "BS", "TU", "Lock", "SV", NULL };
  return g_strv_contains (keys, key);
}

/* Keys that filling in a form field changes. */
static gboolean
filling_key (const char *key)
{
  static const char *const keys[] = { "V", "AP", "AS", "MK", "M", "P", "DA", "Q", "DS", "RV", NULL };
  return g_strv_contains (keys, key);
}

/* Whether, in the signed state, something other than an appearance pointed at @num (the
 * walk saw it under a content role that is not an annotation's own). */
static gboolean
shared_beyond_appearance (Diff *d, guint32 num)
{
  static const Role foreign[] = { ROLE_DSS, ROLE_SIGDICT, ROLE_INFO, ROLE_METADATA, ROLE_OTHER };

  for (guint i = 0; i < G_N_ELEMENTS (foreign); i++)
    if (g_hash_table_contains (d->visited, GUINT_TO_POINTER (num * N_ROLES + foreign[i] + 1)))
      return TRUE;
  return FALSE;
}

/* Swapping out an appearance (dictionary or stream) that the signed revision also used as
 * something else is how an update prepares to show different content there later; pyHanko's
 * "sneaky" files do it. Looks at the references of the old /AP value, one level into it. */
static void
judge_replaced_appearance (Diff *d, KysoPdfObject *old_ap, guint depth)
{
  switch (kyso_pdf_object_get_kind (old_ap))
    {
      case KYSO_PDF_REF:
        if (shared_beyond_appearance (d, kyso_pdf_object_get_ref_num (old_ap)))
          kyso_pdf_diff_note (
            d, KYSO_PDF_CHANGES_OTHER,
            _("An appearance stream that the document also uses elsewhere was replaced (object %u)."),
               kyso_pdf_object_get_ref_num (old_ap));
        break;
      case KYSO_PDF_DICT:
        for (guint i = 0; depth < 2 && i < kyso_pdf_dict_get_size (old_ap); i++)
          judge_replaced_appearance (d, kyso_pdf_dict_get_value_at (old_ap, i), depth + 1);
        break;
      default:
        break;
    }
}

/* A form field, a widget, or any other annotation that already existed. */
static void
judge_annot (Diff *d, guint32 num, KysoPdfObject *old, KysoPdfObject *new)
{
  g_autoptr(GPtrArray) keys = NULL;
  g_autoptr(GString) others = g_string_new (NULL);
  Kind kind;

  if (!is_dict (old))
    {
      /* A number the signed revision pointed to without defining it: whatever appears now is new. */
      if (is_dict (new))
        {
          g_autoptr(KysoPdfObject) ref = kyso_pdf_ref_new (num, 0);
          judge_added_annot (d, ref);
        }
      else if (kyso_pdf_object_get_kind (new) != KYSO_PDF_NULL)
        kyso_pdf_diff_note (d, KYSO_PDF_CHANGES_OTHER,
                            _("An annotation or form field was replaced (object %u)."), num);
      return;
    }
  if (!is_dict (new))
    {
      kyso_pdf_diff_note (d, KYSO_PDF_CHANGES_OTHER,
                          _("An annotation or form field was deleted (object %u)."), num);
      return;
    }
  kind = kyso_pdf_diff_kind_of (d, d->old_rev, num, old);
  keys = changed_keys (d, old, new);
  for (guint i = 0; i < keys->len; i++)
    {
      const char *key = g_ptr_array_index (keys, i);

      if (strcmp (key, "AP") == 0)
        judge_replaced_appearance (d, kyso_pdf_dict_get (old, key), 0);
      if (kind == KIND_ANNOT)
        kyso_pdf_diff_note (d, KYSO_PDF_CHANGES_ANNOTATIONS, "%s", _("An annotation was changed."));
      else if (strcmp (key, "Kids") == 0)
        judge_list (d, kyso_pdf_dict_get (old, key), kyso_pdf_dict_get (new, key), FALSE);
      else if (kind == KIND_SIG_SIGNED && signing_key (key))
        kyso_pdf_diff_note (d, KYSO_PDF_CHANGES_OTHER,
                            _("A signature that was already made was changed (field “%s”)."),
                               field_label (old));
      else if (kind == KIND_SIG_EMPTY && signing_key (key))
        kyso_pdf_diff_note (d, KYSO_PDF_CHANGES_SIGNATURES, NULL);
      else if (kind == KIND_FORM && filling_key (key))
        kyso_pdf_diff_note (d, KYSO_PDF_CHANGES_FORM,
                            _("Form field “%s” was filled in or changed."), field_label (old));
      else
        g_string_append_printf (others, "%s/%s", others->len > 0 ? ", " : "", key);
    }
  if (others->len > 0)
    kyso_pdf_diff_note (d, KYSO_PDF_CHANGES_OTHER,
                        _("Form field “%s” was changed in ways form filling does not allow (%s)."),
                           field_label (old), others->str);
}

void
kyso_pdf_diff_judge_object (Diff *d, guint32 num, guint mask)
{
  g_autoptr(KysoPdfObject) old = NULL, new = NULL;

  old = kyso_pdf_history_get_object (d->h, d->old_rev, num, NULL, NULL);
  new = kyso_pdf_history_get_object (d->h, d->new_rev, num, NULL, NULL);
  if (old == NULL)
    old = kyso_pdf_null_new ();
  if (new == NULL)
    new = kyso_pdf_null_new ();

  if (mask & (1u << ROLE_OTHER))
    {
      if (mask & ((1u << ROLE_OWNED_SIG) | (1u << ROLE_OWNED_FORM) | (1u << ROLE_OWNED_ANNOT)))
        kyso_pdf_diff_note (
          d, KYSO_PDF_CHANGES_OTHER,
          _("An appearance stream that the document also uses elsewhere was replaced (object %u)."), num);
      else
        kyso_pdf_diff_note (d, KYSO_PDF_CHANGES_OTHER,
                            _("Content the document shows was changed (object %u)."), num);
    }
  if (mask & ((1u << ROLE_PAGES) | (1u << ROLE_PAGE_KIDS)))
    kyso_pdf_diff_note (d, KYSO_PDF_CHANGES_OTHER, "%s", _("The page tree was changed."));
  if (mask & (1u << ROLE_SIGDICT))
    kyso_pdf_diff_note (d, KYSO_PDF_CHANGES_OTHER,
                        _("A signature dictionary was changed after it was signed (object %u)."), num);
  if (mask & (1u << ROLE_OWNED_SIGNED))
    kyso_pdf_diff_note (d, KYSO_PDF_CHANGES_OTHER,
                        _("The appearance of a signature that was already made was changed (object %u)."),
                           num);
  if (mask & (1u << ROLE_OWNED_FORM))
    kyso_pdf_diff_note (d, KYSO_PDF_CHANGES_FORM, "%s", _("The appearance of a form field was changed."));
  if (mask & (1u << ROLE_OWNED_ANNOT))
    kyso_pdf_diff_note (d, KYSO_PDF_CHANGES_ANNOTATIONS, "%s", _("An annotation was changed."));
  if (mask & ((1u << ROLE_OWNED_SIG) | (1u << ROLE_DSS) | (1u << ROLE_INFO) | (1u << ROLE_METADATA)))
    kyso_pdf_diff_note (d, KYSO_PDF_CHANGES_SIGNATURES, NULL);
  if (mask & (1u << ROLE_CATALOG))
    judge_catalog (d, old, new);
  if (mask & (1u << ROLE_ACROFORM))
    judge_acroform (d, old, new);
  if (mask & (1u << ROLE_PAGE))
    judge_page (d, num, old, new);
  if (mask & ((1u << ROLE_ANNOTS) | (1u << ROLE_FIELDS)))
    judge_list (d, old, new, (mask & (1u << ROLE_ANNOTS)) != 0);
  if (mask & ((1u << ROLE_ANNOT) | (1u << ROLE_FIELD)))
    judge_annot (d, num, old, new);
}

/* 5. The trailer: a new catalog, new encryption, a new /Info. */
void
kyso_pdf_diff_judge_trailer (Diff *d)
{
  KysoPdfObject *old = kyso_pdf_history_get_trailer (d->h, d->old_rev);
  KysoPdfObject *new = kyso_pdf_history_get_trailer (d->h, d->new_rev);
  g_autoptr(GPtrArray) keys = changed_keys (d, old, new);

  for (guint i = 0; i < keys->len; i++)
    {
      const char *key = g_ptr_array_index (keys, i);

      if (g_strv_contains (trailer_bookkeeping, key))
        continue;
      if (strcmp (key, "Root") == 0)
        {
          g_autoptr(KysoPdfObject) o = kyso_pdf_diff_resolve (d, d->old_rev, kyso_pdf_dict_get (old, key));
          g_autoptr(KysoPdfObject) n = kyso_pdf_diff_resolve (d, d->new_rev, kyso_pdf_dict_get (new, key));
          judge_catalog (d, o, n);
        }
      else if (strcmp (key, "Info") == 0)
        kyso_pdf_diff_note (d, KYSO_PDF_CHANGES_SIGNATURES, NULL);
      else if (strcmp (key, "Encrypt") == 0)
        kyso_pdf_diff_note (d, KYSO_PDF_CHANGES_OTHER, "%s", _("The file's encryption was changed."));
      else
        kyso_pdf_diff_note (d, KYSO_PDF_CHANGES_OTHER, _("The file trailer was changed (/%s)."), key);
    }
}
