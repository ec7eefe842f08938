/* OPC packages read under bounds with libzip, and written back whole, atomically. */
#include "config.h"

#include "kyso-ooxml-package.h"
#include "kyso-ooxml-private.h"
#include "kyso-error.h"
#include "kyso-util.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zip.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

typedef struct
{
  char *name;
  GBytes *data;
  time_t mtime;
  gboolean stored; /* kept uncompressed in the ZIP (and written back so) */
} Part;

struct _KysoOoxmlPackage
{
  GPtrArray *parts;  /* Part *, in order */
  GHashTable *index; /* lower-case name → Part * (borrowed) */
  GPtrArray *names;  /* char * (borrowed from the parts), NULL-terminated */
  xmlDocPtr content_types;
  gboolean content_types_read;
};

static void
part_free (Part *part)
{
  g_free (part->name);
  g_bytes_unref (part->data);
  g_free (part);
}

static KysoOoxmlPackage *
package_new (void)
{
  KysoOoxmlPackage *self = g_new0 (KysoOoxmlPackage, 1);

  self->parts = g_ptr_array_new_with_free_func ((GDestroyNotify)part_free);
  self->index = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->names = g_ptr_array_new ();
  g_ptr_array_add (self->names, NULL);
  return self;
}

void
kyso_ooxml_package_free (KysoOoxmlPackage *self)
{
  if (self == NULL)
    return;
  g_ptr_array_unref (self->names);
  g_hash_table_unref (self->index);
  g_ptr_array_unref (self->parts);
  if (self->content_types != NULL)
    xmlFreeDoc (self->content_types);
  g_free (self);
}

static char *
key_for (const char *name)
{
  if (*name == '/')
    name++;
  return g_ascii_strdown (name, -1);
}

static Part *
find (KysoOoxmlPackage *self, const char *name)
{
  g_autofree char *key = key_for (name);

  return g_hash_table_lookup (self->index, key);
}

static Part *
add_part (KysoOoxmlPackage *self, const char *name, GBytes *data, time_t mtime)
{
  Part *part = g_new0 (Part, 1);

  part->name = g_strdup (name);
  part->data = g_bytes_ref (data);
  part->mtime = mtime;
  g_ptr_array_add (self->parts, part);
  g_hash_table_insert (self->index, key_for (name), part);
  self->names->pdata[self->names->len - 1] = part->name;
  g_ptr_array_add (self->names, NULL);
  return part;
}

static gboolean
zip_failed (zip_error_t *zerr, GError **error)
{
  int code = zip_error_code_zip (zerr);

  if (code == ZIP_ER_MEMORY)
    g_set_error_literal (error, KYSO_ERROR, KYSO_ERROR_LIMIT, _ ("The document is too large to read."));
  else if (code == ZIP_ER_ENCRNOTSUPP || code == ZIP_ER_NOPASSWD || code == ZIP_ER_WRONGPASSWD)
    g_set_error_literal (
      error, KYSO_ERROR, KYSO_ERROR_ENCRYPTED,
      _ ("The document is protected with a password; open it in Word, remove the password and "
         "save it again."));
  else
    g_set_error (error, KYSO_ERROR, KYSO_ERROR_BROKEN_FILE,
                 _ ("The file is not a readable Word document (its ZIP container is damaged: %s)."),
                    zip_error_strerror (zerr));
  return FALSE;
}

static gboolean
read_entry (zip_t *za, zip_uint64_t i, const zip_stat_t *st, GBytes **out, GError **error)
{
  zip_file_t *zf = zip_fopen_index (za, i, 0);
  g_autofree guint8 *buf = NULL;
  zip_uint64_t got = 0;

  if (zf == NULL)
    return zip_failed (zip_get_error (za), error);
  buf = g_malloc (st->size + 1);
  while (got < st->size + 1)
    {
      zip_int64_t n = zip_fread (zf, buf + got, st->size + 1 - got);

      if (n < 0)
        {
          zip_error_t *zerr = zip_file_get_error (zf);
          gboolean r = zip_failed (zerr, error);

          zip_fclose (zf);
          return r;
        }
      if (n == 0)
        break;
      got += (zip_uint64_t)n;
    }
  zip_fclose (zf);
  if (got != st->size)
    {
      g_set_error (error, KYSO_ERROR, KYSO_ERROR_BROKEN_FILE,
                   _ ("The file is not a readable Word document (the part “%s” is not the size it claims)."),
                      st->name);
      return FALSE;
    }
  *out = g_bytes_new_take (g_steal_pointer (&buf), st->size);
  return TRUE;
}

static KysoOoxmlPackage *
open_source (GBytes *bytes, GError **error)
{
  g_autoptr (KysoOoxmlPackage) self = package_new ();
  zip_error_t zerr;
  zip_source_t *src = NULL;
  zip_t *za = NULL;
  zip_int64_t n = 0;
  gint64 total = 0;
  gsize len = 0;
  const guint8 *data = g_bytes_get_data (bytes, &len);

  if ((gint64)len > KYSO_OOXML_MAX_FILE)
    {
      g_set_error (error, KYSO_ERROR, KYSO_ERROR_LIMIT,
                   _ ("The document is larger than %d MB."), (int)(KYSO_OOXML_MAX_FILE / (1024 * 1024)));
      return NULL;
    }
  zip_error_init (&zerr);
  src = zip_source_buffer_create (data, len, 0, &zerr);
  if (src == NULL)
    {
      zip_failed (&zerr, error);
      zip_error_fini (&zerr);
      return NULL;
    }
  za = zip_open_from_source (src, ZIP_RDONLY | ZIP_CHECKCONS, &zerr);
  if (za == NULL)
    {
      zip_source_free (src);
      zip_failed (&zerr, error);
      zip_error_fini (&zerr);
      return NULL;
    }
  zip_error_fini (&zerr);

  n = zip_get_num_entries (za, 0);
  if (n > KYSO_OOXML_MAX_PARTS)
    {
      g_set_error (error, KYSO_ERROR, KYSO_ERROR_LIMIT,
                   _ ("The document has more than %d parts."), KYSO_OOXML_MAX_PARTS);
      zip_discard (za);
      return NULL;
    }
  for (zip_int64_t i = 0; i < n; i++)
    {
      zip_stat_t st;
      g_autoptr (GBytes) part = NULL;
      gsize name_len = 0;
      const char *raw = NULL;
      gboolean raw_ok = TRUE;

      zip_stat_init (&st);
      if (zip_stat_index (za, (zip_uint64_t)i, 0, &st) < 0)
        {
          zip_failed (zip_get_error (za), error);
          zip_discard (za);
          return NULL;
        }
      if ((st.valid & (ZIP_STAT_NAME | ZIP_STAT_SIZE | ZIP_STAT_COMP_SIZE))
          != (ZIP_STAT_NAME | ZIP_STAT_SIZE | ZIP_STAT_COMP_SIZE))
        {
          g_set_error_literal (
            error, KYSO_ERROR, KYSO_ERROR_BROKEN_FILE,
            _ ("The file is not a readable Word document (an entry has no name or size)."));
          zip_discard (za);
          return NULL;
        }
      name_len = strlen (st.name);
      /* Folders are not parts. */
      if (name_len > 0 && st.name[name_len - 1] == '/' && st.size == 0)
        continue;
      /* The bytes as stored, before libzip maps CP437 names to Unicode (control bytes become
       * glyphs there): no control byte or backslash may hide in them. */
      raw = zip_get_name (za, (zip_uint64_t)i, ZIP_FL_ENC_RAW);
      for (const char *p = raw; p != NULL && *p != '\0' && raw_ok; p++)
        raw_ok = (guchar)*p >= 0x20 && *p != 0x7f && *p != '\\';
      if (raw == NULL || !raw_ok)
        {
          g_set_error_literal (error, KYSO_ERROR, KYSO_ERROR_BROKEN_FILE,
                               _ ("The document holds a part with a name that is not allowed."));
          zip_discard (za);
          return NULL;
        }
      if (!_kyso_ooxml_check_name (st.name, error))
        {
          zip_discard (za);
          return NULL;
        }
      if (find (self, st.name) != NULL)
        {
          g_autofree char *shown = g_utf8_make_valid (st.name, -1);

          g_set_error (error, KYSO_ERROR, KYSO_ERROR_BROKEN_FILE,
                       _ ("The document holds the part “%s” twice; it is refused."), shown);
          zip_discard (za);
          return NULL;
        }
      if ((st.valid & ZIP_STAT_ENCRYPTION_METHOD) && st.encryption_method != ZIP_EM_NONE)
        {
          zip_discard (za);
          g_set_error_literal (
            error, KYSO_ERROR, KYSO_ERROR_ENCRYPTED,
            _ ("The document is protected with a password; open it in Word, remove the password "
               "and save it again."));
          return NULL;
        }
      if ((gint64)st.size > KYSO_OOXML_MAX_PART || total + (gint64)st.size > KYSO_OOXML_MAX_TOTAL
          || (st.size > 1024 * 1024 && st.size / KYSO_OOXML_MAX_RATIO > st.comp_size))
        {
          g_set_error (
            error, KYSO_ERROR, KYSO_ERROR_LIMIT,
            _ ("The document inflates to more than %d MB, or one of its parts inflates far more than any "
               "real document does (a “zip bomb”); it is refused."),
               (int)(KYSO_OOXML_MAX_TOTAL / (1024 * 1024)));
          zip_discard (za);
          return NULL;
        }
      total += (gint64)st.size;
      if (!read_entry (za, (zip_uint64_t)i, &st, &part, error))
        {
          zip_discard (za);
          return NULL;
        }
      /* A part stored as it is (media already compressed) is written back the same way:
       * deflating it again costs time and gains nothing. */
      add_part (self, st.name, part, (st.valid & ZIP_STAT_MTIME) ? st.mtime : 0)->stored
        = (st.valid & ZIP_STAT_COMP_METHOD) && st.comp_method == ZIP_CM_STORE;
    }
  zip_discard (za);
  if (self->parts->len == 0)
    {
      g_set_error_literal (error, KYSO_ERROR, KYSO_ERROR_BROKEN_FILE,
                           _ ("The file is not a readable Word document (it is empty)."));
      return NULL;
    }
  return g_steal_pointer (&self);
}

KysoOoxmlPackage *
kyso_ooxml_package_open_bytes (GBytes *bytes, GError **error)
{
  g_return_val_if_fail (bytes != NULL, NULL);
  return open_source (bytes, error);
}

KysoOoxmlPackage *
kyso_ooxml_package_open (const char *path, GCancellable *cancellable, GError **error)
{
  g_autoptr (GBytes) bytes = NULL;
  g_autofree guint8 *buf = NULL;
  struct stat sb;
  gsize got = 0;
  int fd = -1;

  g_return_val_if_fail (path != NULL, NULL);
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;
  fd = g_open (path, O_RDONLY | O_CLOEXEC, 0);
  if (fd < 0 || fstat (fd, &sb) < 0)
    {
      int e = errno;
      g_autofree char *shown = g_filename_display_name (path);

      if (fd >= 0)
        close (fd);
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (e),
                   _ ("Cannot open “%s”: %s"), shown, g_strerror (e));
      return NULL;
    }
  if (!S_ISREG (sb.st_mode) || sb.st_size > KYSO_OOXML_MAX_FILE)
    {
      close (fd);
      if (!S_ISREG (sb.st_mode))
        g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_REGULAR_FILE,
                             _ ("This is not a regular file."));
      else
        g_set_error (error, KYSO_ERROR, KYSO_ERROR_LIMIT,
                     _ ("The document is larger than %d MB."), (int)(KYSO_OOXML_MAX_FILE / (1024 * 1024)));
      return NULL;
    }
  buf = g_malloc (sb.st_size > 0 ? sb.st_size : 1);
  while (got < (gsize)sb.st_size)
    {
      ssize_t n = read (fd, buf + got, sb.st_size - got);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        break;
      got += n;
    }
  close (fd);
  bytes = g_bytes_new_take (g_steal_pointer (&buf), got);
  return open_source (bytes, error);
}

const char *const *
kyso_ooxml_package_get_names (KysoOoxmlPackage *self)
{
  return (const char *const *)self->names->pdata;
}

guint
kyso_ooxml_package_get_n_parts (KysoOoxmlPackage *self)
{
  return self->parts->len;
}

GBytes *
kyso_ooxml_package_get_part (KysoOoxmlPackage *self, const char *name)
{
  Part *part = find (self, name);

  return part != NULL ? part->data : NULL;
}

const char *
kyso_ooxml_package_lookup (KysoOoxmlPackage *self, const char *name)
{
  Part *part = find (self, name);

  return part != NULL ? part->name : NULL;
}

char *
kyso_ooxml_package_dup_content_type (KysoOoxmlPackage *self, const char *name)
{
  xmlNodePtr root = NULL;
  const char *ext = NULL;
  const char *base = NULL;
  char *found = NULL;

  if (!self->content_types_read)
    {
      GBytes *ct = kyso_ooxml_package_get_part (self, "[Content_Types].xml");

      self->content_types_read = TRUE;
      if (ct != NULL)
        self->content_types = _kyso_ooxml_parse_xml (ct, "[Content_Types].xml", NULL);
    }
  if (self->content_types == NULL)
    return NULL;
  if (*name == '/')
    name++;
  base = strrchr (name, '/');
  base = base != NULL ? base + 1 : name;
  ext = strrchr (base, '.');
  root = xmlDocGetRootElement (self->content_types);
  for (xmlNodePtr c = root->children; c != NULL; c = c->next)
    {
      xmlChar *pn = NULL;

      if (c->type != XML_ELEMENT_NODE || strcmp ((const char *)c->name, "Override") != 0)
        continue;
      pn = xmlGetNoNsProp (c, BAD_CAST "PartName");
      if (pn != NULL && pn[0] == '/')
        {
          g_autofree char *decoded = g_uri_unescape_string ((const char *)pn + 1, NULL);

          if (decoded != NULL && g_ascii_strcasecmp (decoded, name) == 0)
            {
              xmlChar *t = xmlGetNoNsProp (c, BAD_CAST "ContentType");

              found = g_strdup ((const char *)t);
              xmlFree (t);
            }
        }
      xmlFree (pn);
      if (found != NULL)
        return found;
    }
  for (xmlNodePtr c = root->children; ext != NULL && c != NULL; c = c->next)
    {
      xmlChar *e = NULL;

      if (c->type != XML_ELEMENT_NODE || strcmp ((const char *)c->name, "Default") != 0)
        continue;
      e = xmlGetNoNsProp (c, BAD_CAST "Extension");
      if (e != NULL && g_ascii_strcasecmp ((const char *)e, ext + 1) == 0)
        {
          xmlChar *t = xmlGetNoNsProp (c, BAD_CAST "ContentType");

          found = g_strdup ((const char *)t);
          xmlFree (t);
        }
      xmlFree (e);
      if (found != NULL)
        return found;
    }
  return NULL;
}

gboolean
kyso_ooxml_package_set_part (KysoOoxmlPackage *self, const char *name, GBytes *data, GError **error)
{
  Part *part = NULL;

  g_return_val_if_fail (name != NULL && data != NULL, FALSE);
  if (!_kyso_ooxml_check_name (name, error))
    return FALSE;
  part = find (self, name);
  if (part != NULL)
    {
      g_bytes_unref (part->data);
      part->data = g_bytes_ref (data);
      part->mtime = time (NULL);
    }
  else
    {
      if (self->parts->len >= KYSO_OOXML_MAX_PARTS)
        {
          g_set_error (error, KYSO_ERROR, KYSO_ERROR_LIMIT,
                       _ ("The document has more than %d parts."), KYSO_OOXML_MAX_PARTS);
          return FALSE;
        }
      add_part (self, name, data, time (NULL));
    }
  if (g_ascii_strcasecmp (name, "[Content_Types].xml") == 0)
    {
      g_clear_pointer (&self->content_types, xmlFreeDoc);
      self->content_types_read = FALSE;
    }
  return TRUE;
}

GBytes *
kyso_ooxml_package_to_bytes (KysoOoxmlPackage *self, GError **error)
{
  zip_error_t zerr;
  zip_source_t *src = NULL;
  zip_t *za = NULL;
  zip_stat_t st;
  g_autofree guint8 *buf = NULL;
  zip_uint64_t got = 0;

  zip_error_init (&zerr);
  src = zip_source_buffer_create (NULL, 0, 0, &zerr);
  if (src == NULL)
    goto failed;
  za = zip_open_from_source (src, ZIP_TRUNCATE, &zerr);
  if (za == NULL)
    goto failed;
  /* zip_close() frees the archive's reference; ours reads the result. */
  zip_source_keep (src);
  for (guint i = 0; i < self->parts->len; i++)
    {
      Part *part = g_ptr_array_index (self->parts, i);
      gsize len = 0;
      const void *data = g_bytes_get_data (part->data, &len);
      zip_source_t *s = zip_source_buffer (za, data, len, 0);
      zip_int64_t idx = s != NULL ? zip_file_add (za, part->name, s, ZIP_FL_ENC_UTF_8) : -1;

      if (idx < 0)
        {
          if (s != NULL)
            zip_source_free (s);
          zip_error_set (&zerr, zip_error_code_zip (zip_get_error (za)), 0);
          zip_discard (za);
          za = NULL;
          goto failed;
        }
      zip_set_file_compression (za, (zip_uint64_t)idx, part->stored ? ZIP_CM_STORE : ZIP_CM_DEFLATE, 0);
      if (part->mtime > 0)
        zip_file_set_mtime (za, (zip_uint64_t)idx, part->mtime, 0);
    }
  if (zip_close (za) < 0)
    {
      zip_error_set (&zerr, zip_error_code_zip (zip_get_error (za)), 0);
      zip_discard (za);
      goto failed;
    }
  zip_stat_init (&st);
  if (zip_source_stat (src, &st) < 0 || !(st.valid & ZIP_STAT_SIZE) || zip_source_open (src) < 0)
    {
      zip_error_set (&zerr, ZIP_ER_INTERNAL, 0);
      goto failed;
    }
  buf = g_malloc (st.size + 1);
  while (got < st.size)
    {
      zip_int64_t n = zip_source_read (src, buf + got, st.size - got);

      if (n <= 0)
        break;
      got += (zip_uint64_t)n;
    }
  zip_source_close (src);
  zip_source_free (src);
  zip_error_fini (&zerr);
  if (got != st.size)
    {
      g_set_error_literal (error, KYSO_ERROR, KYSO_ERROR_FAILED, _ ("The document could not be assembled."));
      return NULL;
    }
  return g_bytes_new_take (g_steal_pointer (&buf), got);

failed:
  g_set_error (error, KYSO_ERROR, KYSO_ERROR_FAILED,
               _ ("The document could not be assembled: %s"), zip_error_strerror (&zerr));
  zip_error_fini (&zerr);
  if (src != NULL)
    zip_source_free (src);
  return NULL;
}

gboolean
kyso_ooxml_package_write (KysoOoxmlPackage *self, const char *path, GError **error)
{
  g_autoptr (GBytes) bytes = kyso_ooxml_package_to_bytes (self, error);
  g_autoptr (KysoAtomicFile) file = NULL;
  gsize len = 0;
  const void *data = NULL;

  if (bytes == NULL)
    return FALSE;
  file = kyso_atomic_file_new (path, error);
  if (file == NULL)
    return FALSE;
  data = g_bytes_get_data (bytes, &len);
  if (!kyso_write_all (kyso_atomic_file_get_fd (file), data, len, error))
    return FALSE;
  return kyso_atomic_file_commit (file, error);
}

gboolean
kyso_ooxml_is_package_file (const char *path)
{
  guint8 head[4] = { 0 };
  int fd = g_open (path, O_RDONLY | O_CLOEXEC, 0);
  ssize_t n = 0;

  if (fd < 0)
    return FALSE;
  n = read (fd, head, sizeof head);
  close (fd);
  return n == 4 && memcmp (head, "PK\3\4", 4) == 0;
}
