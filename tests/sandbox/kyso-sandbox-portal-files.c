/* Files of the sandbox portal (BASE/igate/fi/): multipart uploads streamed to disk as they arrive (a
 * 300 MB drawing never sits in memory), deduplicated by the Idempotency-Key header so that a retried
 * upload stores one file, and the signing history read from the signatures inside stored PDFs. */

#include "kyso-sandbox-portal-private.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <openssl/cms.h>
#include <openssl/ts.h>
#include <openssl/x509v3.h>
#include <string.h>
#include <unistd.h>

#define UPLOAD_KEY "kyso-portal-upload"
#define MAX_PART_HEADERS 16384
#define MAX_FILE_SIZE (G_GUINT64_CONSTANT (1) << 30)
#define MAX_SCANNED_PDF (64 * 1024 * 1024)

static const char *const accepted_types[]
  = { "pdf", "doc", "docx", "xls", "xlsx", "odt", "jpg", "jpeg", "png", "tif", "tiff", "zip", "xml", NULL };

void
portal_file_free (PortalFile *file)
{
  g_free (file->id);
  g_free (file->owner);
  g_free (file->name);
  g_free (file->content_type);
  g_free (file->sha256);
  g_free (file->path);
  g_free (file);
}

PortalFile *
portal_files_lookup (Portal *portal, const char *id, const char *owner)
{
  PortalFile *file = id != NULL ? g_hash_table_lookup (portal->files, id) : NULL;

  return file != NULL && (owner == NULL || g_strcmp0 (file->owner, owner) == 0) ? file : NULL;
}

JsonNode *
portal_file_to_json (PortalFile *file)
{
  JsonObject *obj = json_object_new ();
  JsonNode *node = json_node_alloc ();
  g_autoptr (GDateTime) created = g_date_time_new_from_unix_utc (file->created);
  g_autofree char *time = g_date_time_format_iso8601 (created);

  json_object_set_string_member (obj, "id", file->id);
  json_object_set_string_member (obj, "filename", file->name);
  json_object_set_int_member (obj, "size", (gint64)file->size);
  json_object_set_string_member (obj, "contentType", file->content_type);
  json_object_set_string_member (obj, "checksum", file->sha256);
  json_object_set_string_member (obj, "createdDate", time);
  return json_node_init_object (node, obj);
}

/* ---- streaming multipart/form-data ---- */

typedef enum
{
  ST_PREAMBLE,
  ST_AFTER_DELIMITER,
  ST_HEADERS,
  ST_DATA,
  ST_DONE,
  ST_FAILED
} State;

typedef struct
{
  char *name;
  char *filename;
  char *content_type;
  char *tmp_path;
  guint64 size;
  char *sha256;
  GString *value; /* a plain field's value (account-id), bounded */
} Part;

typedef struct
{
  Portal *portal;
  char *delimiter; /* "\r\n--BOUNDARY" */
  gsize dlen;
  State state;
  GByteArray *buf;
  GPtrArray *parts; /* Part */
  Part *current;
  int fd;
  GChecksum *sum;
  gboolean too_large;
  char *account_id; /* the "account-id" field */
} Upload;

static void
part_free (Part *part)
{
  if (part->tmp_path != NULL)
    g_unlink (part->tmp_path);
  g_free (part->name);
  g_free (part->filename);
  g_free (part->content_type);
  g_free (part->tmp_path);
  g_free (part->sha256);
  if (part->value != NULL)
    g_string_free (part->value, TRUE);
  g_free (part);
}

static void
upload_free (Upload *up)
{
  if (up->fd >= 0)
    close (up->fd);
  if (up->current != NULL)
    part_free (up->current);
  g_clear_pointer (&up->sum, g_checksum_free);
  /* Parts not taken by the handler (a dropped or refused upload) go away with their data. */
  g_ptr_array_unref (up->parts);
  g_byte_array_unref (up->buf);
  g_free (up->delimiter);
  g_free (up->account_id);
  g_free (up);
}

static gssize
find (const guint8 *hay, gsize len, const char *needle, gsize n)
{
  const guint8 *p = hay;
  const guint8 *end = hay + len;

  while (p + n <= end)
    {
      p = memchr (p, needle[0], (gsize)(end - p));
      if (p == NULL || p + n > end)
        return -1;
      if (memcmp (p, needle, n) == 0)
        return p - hay;
      p++;
    }
  return -1;
}

static void
consume (Upload *up, gsize n)
{
  g_byte_array_remove_range (up->buf, 0, (guint)n);
}

static gboolean
write_data (Upload *up, const guint8 *data, gsize len)
{
  if (up->current == NULL || len == 0)
    return TRUE;
  if (up->fd < 0)
    {
      /* A plain field: keep a short value, ignore the rest. */
      if (up->current->value != NULL && up->current->value->len + len <= 256)
        g_string_append_len (up->current->value, (const char *)data, (gssize)len);
      return TRUE;
    }
  up->current->size += len;
  if (up->current->size > MAX_FILE_SIZE)
    {
      up->too_large = TRUE;
      return FALSE;
    }
  g_checksum_update (up->sum, data, (gssize)len);
  while (len > 0)
    {
      ssize_t w = write (up->fd, data, len);
      if (w < 0 && errno == EINTR)
        continue;
      if (w <= 0)
        return FALSE;
      data += w;
      len -= (gsize)w;
    }
  return TRUE;
}

static char *
sanitize_filename (const char *name)
{
  g_autofree char *base = NULL;

  if (name == NULL || *name == '\0')
    return NULL;
  base = g_path_get_basename (name);
  if (!g_utf8_validate (base, -1, NULL) || g_str_equal (base, ".") || g_str_equal (base, "/"))
    return NULL;
  return g_utf8_substring (base, 0, MIN (g_utf8_strlen (base, -1), 200));
}

static gboolean
start_part (Upload *up, const char *headers_text)
{
  g_auto (GStrv) lines = g_strsplit (headers_text, "\r\n", -1);
  Part *part = g_new0 (Part, 1);

  for (gsize i = 0; lines[i] != NULL; i++)
    {
      char *colon = strchr (lines[i], ':');
      if (colon == NULL)
        continue;
      *colon = '\0';
      if (g_ascii_strcasecmp (lines[i], "Content-Disposition") == 0)
        {
          GHashTable *params = soup_header_parse_semi_param_list (colon + 1);
          part->name = g_strdup (g_hash_table_lookup (params, "name"));
          part->filename = sanitize_filename (g_hash_table_lookup (params, "filename"));
          soup_header_free_param_list (params);
        }
      else if (g_ascii_strcasecmp (lines[i], "Content-Type") == 0)
        part->content_type = g_strstrip (g_strdup (colon + 1));
    }
  up->current = part;
  if (g_strcmp0 (part->name, "files") != 0 || part->filename == NULL)
    {
      part->value = g_string_new (NULL);
      return TRUE; /* another field: its value is kept */
    }

  {
    g_autofree char *tmp_dir = g_build_filename (up->portal->dir, "tmp", NULL);
    g_mkdir_with_parents (tmp_dir, 0700);
    part->tmp_path = g_build_filename (tmp_dir, "upload-XXXXXX", NULL);
    up->fd = g_mkstemp_full (part->tmp_path, O_WRONLY | O_CLOEXEC, 0600);
    if (up->fd < 0)
      {
        g_clear_pointer (&part->tmp_path, g_free);
        return FALSE;
      }
    up->sum = g_checksum_new (G_CHECKSUM_SHA256);
  }
  return TRUE;
}

static void
finish_part (Upload *up)
{
  Part *part = g_steal_pointer (&up->current);

  if (up->fd >= 0)
    {
      close (up->fd);
      up->fd = -1;
      part->sha256 = g_strdup (g_checksum_get_string (up->sum));
      g_clear_pointer (&up->sum, g_checksum_free);
      g_ptr_array_add (up->parts, part);
    }
  else
    {
      if (g_strcmp0 (part->name, "account-id") == 0 && part->value != NULL)
        {
          g_free (up->account_id);
          up->account_id = g_strdup (part->value->str);
        }
      part_free (part);
    }
}

/* Runs the parser over what is buffered; keeps only what may still hold a delimiter. */
static void
parse (Upload *up)
{
  for (;;)
    {
      const guint8 *data = up->buf->data;
      gsize len = up->buf->len;
      gssize at;

      switch (up->state)
        {
          case ST_PREAMBLE:
            at = find (data, len, up->delimiter, up->dlen);
            if (at < 0)
              {
                if (len >= up->dlen)
                  consume (up, len - up->dlen + 1);
                return;
              }
            consume (up, (gsize)at + up->dlen);
            up->state = ST_AFTER_DELIMITER;
            break;

          case ST_AFTER_DELIMITER:
            if (len < 2)
              return;
            if (data[0] == '-' && data[1] == '-')
              up->state = ST_DONE;
            else if (data[0] == '\r' && data[1] == '\n')
              {
                consume (up, 2);
                up->state = ST_HEADERS;
              }
            else
              up->state = ST_FAILED;
            break;

          case ST_HEADERS:
            at = find (data, len, "\r\n\r\n", 4);
            if (at < 0)
              {
                if (len > MAX_PART_HEADERS)
                  up->state = ST_FAILED;
                return;
              }
            {
              g_autofree char *text = g_strndup ((const char *)data, (gsize)at);
              consume (up, (gsize)at + 4);
              up->state = start_part (up, text) ? ST_DATA : ST_FAILED;
            }
            break;

          case ST_DATA:
            at = find (data, len, up->delimiter, up->dlen);
            if (at >= 0)
              {
                if (!write_data (up, data, (gsize)at))
                  {
                    up->state = ST_FAILED;
                    break;
                  }
                finish_part (up);
                consume (up, (gsize)at + up->dlen);
                up->state = ST_AFTER_DELIMITER;
                break;
              }
            /* The tail may be the start of a delimiter split across chunks. */
            if (len >= up->dlen)
              {
                gsize safe = len - (up->dlen - 1);
                if (!write_data (up, data, safe))
                  up->state = ST_FAILED;
                else
                  consume (up, safe);
              }
            return;

          case ST_DONE:
          case ST_FAILED:
            g_byte_array_set_size (up->buf, 0);
            return;
        }
    }
}

static void
on_chunk (SoupServerMessage *msg, GBytes *chunk, Upload *up)
{
  gsize len;
  const guint8 *data = g_bytes_get_data (chunk, &len);

  if (up->state == ST_DONE || up->state == ST_FAILED)
    return;
  g_byte_array_append (up->buf, data, (guint)len);
  parse (up);
}

/* Before the body is read: stream it to disk instead of letting libsoup collect it in memory. */
static void
upload_early (SoupServer *server, SoupServerMessage *msg, const char *path, GHashTable *query, gpointer data)
{
  Portal *portal = data;
  GHashTable *params = NULL;
  const char *boundary;
  Upload *up;

  if (!g_str_equal (soup_server_message_get_method (msg), "POST")
      || !soup_message_headers_get_content_type (soup_server_message_get_request_headers (msg), &params))
    return;
  boundary = g_hash_table_lookup (params, "boundary");
  if (boundary != NULL && *boundary != '\0' && strlen (boundary) <= 70)
    {
      up = g_new0 (Upload, 1);
      up->portal = portal;
      up->fd = -1;
      up->delimiter = g_strconcat ("\r\n--", boundary, NULL);
      up->dlen = strlen (up->delimiter);
      up->buf = g_byte_array_new ();
      up->parts = g_ptr_array_new_with_free_func ((GDestroyNotify)part_free);
      /* The body starts with the delimiter minus its CRLF: put one in front so all look alike. */
      g_byte_array_append (up->buf, (const guint8 *)"\r\n", 2);
      portal->uploads_started++;
      g_object_set_data_full (G_OBJECT (msg), UPLOAD_KEY, up, (GDestroyNotify)upload_free);
      soup_message_body_set_accumulate (soup_server_message_get_request_body (msg), FALSE);
      g_signal_connect (msg, "got-chunk", G_CALLBACK (on_chunk), up);
    }
  g_hash_table_destroy (params);
}

static gboolean
type_allowed (const char *filename)
{
  const char *dot = strrchr (filename, '.');

  return dot != NULL && g_strv_contains (accepted_types, dot + 1);
}

static void
reply_files (Portal *portal, SoupServerMessage *msg, GPtrArray *files)
{
  g_autoptr (JsonNode) root = json_node_new (JSON_NODE_ARRAY);
  JsonArray *array = json_array_new ();

  for (guint i = 0; i < files->len; i++)
    json_array_add_element (array, portal_file_to_json (g_ptr_array_index (files, i)));
  json_node_take_array (root, array);
  kyso_sandbox_reply_json (portal->sb, msg, 200, root);
}

static void
store_upload (Portal *portal, SoupServerMessage *msg, KysoSandboxCitizen *citizen)
{
  Upload *up = g_object_get_data (G_OBJECT (msg), UPLOAD_KEY);
  g_autofree char *account = portal_account_id (citizen->username);
  g_autofree char *files_dir = g_build_filename (portal->dir, "files", NULL);
  g_autoptr (GPtrArray) stored = g_ptr_array_new ();

  if (up == NULL || up->state != ST_DONE)
    {
      kyso_sandbox_reply_error (portal->sb, msg, 400, "invalid_request",
                                up != NULL && up->too_large ? "Tệp quá lớn" : "Yêu cầu tải tệp không hợp lệ");
      return;
    }
  if (g_strcmp0 (up->account_id, account) != 0)
    {
      kyso_sandbox_reply_error (portal->sb, msg, 400, "invalid_request", "Thiếu hoặc sai account-id");
      return;
    }
  if (up->parts->len == 0)
    {
      kyso_sandbox_reply_error (portal->sb, msg, 400, "invalid_request",
                                "Không có tệp nào trong trường “files”");
      return;
    }
  for (guint i = 0; i < up->parts->len; i++)
    {
      Part *part = g_ptr_array_index (up->parts, i);
      if (!type_allowed (part->filename))
        {
          kyso_sandbox_reply_error (portal->sb, msg, 415, "unsupported_media_type",
                                    "Định dạng tệp không được hỗ trợ");
          return;
        }
    }
  g_mkdir_with_parents (files_dir, 0700);
  for (guint i = 0; i < up->parts->len; i++)
    {
      Part *part = g_ptr_array_index (up->parts, i);
      PortalFile *file = g_new0 (PortalFile, 1);

      file->id = portal_random_id (12);
      file->owner = g_strdup (citizen->username);
      file->name = g_strdup (part->filename);
      file->content_type = g_strdup (part->content_type ? part->content_type : "application/octet-stream");
      file->size = part->size;
      file->sha256 = g_strdup (part->sha256);
      file->created = g_get_real_time () / G_USEC_PER_SEC;
      file->path = g_build_filename (files_dir, file->id, NULL);
      if (g_rename (part->tmp_path, file->path) != 0)
        {
          kyso_sandbox_reply_error (portal->sb, msg, 500, "server_error", "Không lưu được tệp");
          portal_file_free (file);
          return;
        }
      g_clear_pointer (&part->tmp_path, g_free);
      g_hash_table_insert (portal->files, file->id, file);
      g_ptr_array_add (stored, file);
    }
  kyso_sandbox_log (portal->sb, "portal: %u file(s) stored", stored->len);
  reply_files (portal, msg, stored);
}

/* ---- signing history ---- */

static char *
utf8_entry (const X509_NAME *name, int nid)
{
  int i = X509_NAME_get_index_by_NID (name, nid, -1);
  unsigned char *utf8 = NULL;
  char *ret;

  if (i < 0 || ASN1_STRING_to_UTF8 (&utf8, X509_NAME_ENTRY_get_data (X509_NAME_get_entry (name, i))) < 0)
    return NULL;
  ret = g_strdup ((const char *)utf8);
  OPENSSL_free (utf8);
  return ret;
}

static char *
email_of (X509 *cert)
{
  char *email = utf8_entry (X509_get_subject_name (cert), NID_pkcs9_emailAddress);
  GENERAL_NAMES *names;

  if (email != NULL)
    return email;
  names = X509_get_ext_d2i (cert, NID_subject_alt_name, NULL, NULL);
  for (int i = 0; names != NULL && i < sk_GENERAL_NAME_num (names) && email == NULL; i++)
    {
      GENERAL_NAME *gn = sk_GENERAL_NAME_value (names, i);
      if (gn->type == GEN_EMAIL)
        email = g_strndup ((const char *)ASN1_STRING_get0_data (gn->d.rfc822Name),
                           (gsize)ASN1_STRING_length (gn->d.rfc822Name));
    }
  GENERAL_NAMES_free (names);
  return email;
}

static char *
asn1_time_iso (const ASN1_TIME *t)
{
  struct tm tm;

  if (t == NULL || ASN1_TIME_to_tm (t, &tm) != 1)
    return NULL;
  return g_strdup_printf ("%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                          tm.tm_hour, tm.tm_min, tm.tm_sec);
}

/* The time of the signature's RFC 3161 token (PAdES B-T), or NULL. */
static char *
timestamp_of (CMS_SignerInfo *si)
{
  int idx = CMS_unsigned_get_attr_by_NID (si, NID_id_smime_aa_timeStampToken, -1);
  X509_ATTRIBUTE *attr = idx >= 0 ? CMS_unsigned_get_attr (si, idx) : NULL;
  ASN1_TYPE *value = attr != NULL ? X509_ATTRIBUTE_get0_type (attr, 0) : NULL;
  const unsigned char *p;
  PKCS7 *token;
  TS_TST_INFO *info;
  char *ret = NULL;

  if (value == NULL || value->type != V_ASN1_SEQUENCE)
    return NULL;
  p = value->value.sequence->data;
  token = d2i_PKCS7 (NULL, &p, value->value.sequence->length);
  info = token != NULL ? PKCS7_to_TS_TST_INFO (token) : NULL;
  if (info != NULL)
    ret = asn1_time_iso (TS_TST_INFO_get_time (info));
  TS_TST_INFO_free (info);
  PKCS7_free (token);
  return ret;
}

/* "/M (D:20250601100112+07'00')" near the signature → ISO 8601. */
static char *
pdf_date_near (const char *data, gsize len, gsize from, gsize to)
{
  gssize at;
  int y, mo, d, h = 0, mi = 0, s = 0;
  char sign = 'Z';
  int oh = 0, om = 0;

  from = from > 4096 ? from - 4096 : 0;
  to = MIN (len, to + 4096);
  at = find ((const guint8 *)data + from, to - from, "/M (D:", 6);
  if (at < 0
      || sscanf (data + from + at + 6, "%4d%2d%2d%2d%2d%2d%c%2d'%2d", &y, &mo, &d, &h, &mi, &s, &sign, &oh,
                 &om)
           < 3)
    return NULL;
  if (sign == '+' || sign == '-')
    return g_strdup_printf ("%04d-%02d-%02dT%02d:%02d:%02d%c%02d:%02d", y, mo, d, h, mi, s, sign, oh, om);
  return g_strdup_printf ("%04d-%02d-%02dT%02d:%02d:%02dZ", y, mo, d, h, mi, s);
}

static void
add_signature (JsonArray *out, CMS_ContentInfo *cms, const char *pdf_time)
{
  STACK_OF (CMS_SignerInfo) *infos = CMS_get0_SignerInfos (cms);
  STACK_OF (X509) *certs = CMS_get1_certs (cms);

  for (int i = 0; i < sk_CMS_SignerInfo_num (infos); i++)
    {
      CMS_SignerInfo *si = sk_CMS_SignerInfo_value (infos, i);
      X509 *signer = NULL;
      JsonObject *record;
      char *v;

      for (int c = 0; c < sk_X509_num (certs) && signer == NULL; c++)
        if (CMS_SignerInfo_cert_cmp (si, sk_X509_value (certs, c)) == 0)
          signer = sk_X509_value (certs, c);
      if (signer == NULL)
        continue;
      record = json_object_new ();
      v = utf8_entry (X509_get_subject_name (signer), NID_commonName);
      json_object_set_string_member (record, "signer", v != NULL ? v : "?");
      g_free (v);
      if ((v = email_of (signer)) != NULL)
        json_object_set_string_member (record, "email", v);
      else
        json_object_set_null_member (record, "email");
      g_free (v);
      v = utf8_entry (X509_get_issuer_name (signer), NID_commonName);
      json_object_set_string_member (record, "authority", v != NULL ? v : "?");
      g_free (v);
      v = timestamp_of (si);
      if (v == NULL && pdf_time != NULL)
        v = g_strdup (pdf_time);
      if (v != NULL)
        json_object_set_string_member (record, "signedAt", v);
      else
        json_object_set_null_member (record, "signedAt");
      g_free (v);
      json_array_add_object_element (out, record);
    }
  sk_X509_pop_free (certs, X509_free);
}

JsonNode *
portal_files_signatures (Portal *portal, PortalFile *file)
{
  g_autofree char *data = NULL;
  JsonArray *out = json_array_new ();
  JsonNode *node = json_node_alloc ();
  gsize len = 0, pos = 0;

  json_node_init_array (node, out);
  if (file->size > MAX_SCANNED_PDF || !g_file_get_contents (file->path, &data, &len, NULL) || len < 5
      || memcmp (data, "%PDF-", 5) != 0)
    return node;

  /* Each signature's /ByteRange [a b c d] leaves out exactly its /Contents <hex> between a+b and c. */
  for (gssize at; (at = find ((const guint8 *)data + pos, len - pos, "/ByteRange", 10)) >= 0;)
    {
      guint64 a, b, c, d;
      g_autoptr (GBytes) der = NULL;
      g_autofree char *hex = NULL;
      g_autofree char *pdf_time = NULL;
      const unsigned char *p;
      CMS_ContentInfo *cms;
      char *q = data + pos + at + 10;

      pos += (gsize)at + 10;
      while (*q == ' ' || *q == '[' || *q == '\n' || *q == '\r')
        q++;
      if (sscanf (q, "%" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT,
                  &a, &b, &c, &d)
            != 4
          || a != 0 || b + 2 > c || c > len || data[b] != '<' || data[c - 1] != '>')
        continue;
      hex = g_strndup (data + b + 1, c - b - 2);
      {
        gsize n = strlen (hex), m = 0;
        guint8 *bin = g_malloc (n / 2 + 1);
        for (gsize i = 0; i + 1 < n; i += 2)
          {
            int hi = g_ascii_xdigit_value (hex[i]), lo = g_ascii_xdigit_value (hex[i + 1]);
            if (hi < 0 || lo < 0)
              break;
            bin[m++] = (guint8)(hi << 4 | lo);
          }
        der = g_bytes_new_take (bin, m);
      }
      p = g_bytes_get_data (der, NULL);
      cms = d2i_CMS_ContentInfo (NULL, &p, (long)g_bytes_get_size (der));
      if (cms == NULL)
        continue;
      pdf_time = pdf_date_near (data, len, b, c);
      add_signature (out, cms, pdf_time);
      CMS_ContentInfo_free (cms);
    }
  return node;
}

/* ---- the handler ---- */

/* GET fi/file/--search?account-id=&keyword=&spec=page&page=&size= (assumed; see README): the
 * account's files whose name contains the keyword, newest first, as a page of FILE. */
static void
search_files (Portal *portal, SoupServerMessage *msg, GHashTable *query, KysoSandboxCitizen *citizen)
{
  const char *account = query != NULL ? g_hash_table_lookup (query, "account-id") : NULL;
  const char *keyword = query != NULL ? g_hash_table_lookup (query, "keyword") : NULL;
  g_autofree char *mine = portal_account_id (citizen->username);
  g_autoptr (GPtrArray) found = g_ptr_array_new_with_free_func ((GDestroyNotify)json_node_unref);
  g_autoptr (JsonNode) page = NULL;
  GHashTableIter iter;
  gpointer value;

  if (g_strcmp0 (account, mine) != 0)
    {
      kyso_sandbox_reply_error (portal->sb, msg, 403, "forbidden",
                                "Không có quyền xem tệp của tài khoản này");
      return;
    }
  g_hash_table_iter_init (&iter, portal->files);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      PortalFile *file = value;
      if (g_strcmp0 (file->owner, citizen->username) == 0
          && (keyword == NULL || strstr (file->name, keyword) != NULL))
        g_ptr_array_add (found, portal_file_to_json (file));
    }
  page = portal_page_of (found, 0, 50);
  kyso_sandbox_reply_json (portal->sb, msg, 200, page);
}

static void
files_handler (SoupServer *server, SoupServerMessage *msg, const char *path, GHashTable *query, gpointer data)
{
  Portal *portal = data;
  const char *method = soup_server_message_get_method (msg);
  const char *rest = path + strlen (PORTAL_API "fi/file/");
  gboolean upload = g_str_equal (rest, "--multiple");
  const char *kind = upload ? "portal/upload" : "portal/file";
  g_autofree char *id = NULL;
  KysoSandboxCitizen *citizen;
  PortalFile *file;
  const char *slash;

  if (!g_str_has_prefix (path, PORTAL_API "fi/file/"))
    {
      kyso_sandbox_reply_error (portal->sb, msg, 404, "not_found", "Unknown endpoint");
      return;
    }
  if (!kyso_sandbox_begin (portal->sb, msg, kind))
    return;
  citizen = portal_authenticate (portal, msg, kind);
  if (citizen == NULL)
    return;
  if (g_str_equal (rest, "--search") && g_str_equal (method, "GET"))
    {
      search_files (portal, msg, query, citizen);
      return;
    }
  if (upload)
    {
      if (g_str_equal (method, "POST"))
        store_upload (portal, msg, citizen);
      else
        kyso_sandbox_reply_error (portal->sb, msg, 405, "invalid_request", "POST only");
      return;
    }

  slash = strchr (rest, '/');
  id = slash != NULL ? g_strndup (rest, (gsize)(slash - rest)) : g_strdup (rest);
  file = portal_files_lookup (portal, id, citizen->username);
  if (file == NULL)
    {
      kyso_sandbox_reply_error (portal->sb, msg, 404, "not_found", "Không tìm thấy tệp");
      return;
    }
  if (slash != NULL && g_str_equal (slash, "/--sign-history") && g_str_equal (method, "GET"))
    {
      g_autoptr (JsonBuilder) b = json_builder_new ();
      g_autoptr (JsonNode) root = NULL;

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "fileId");
      json_builder_add_string_value (b, file->id);
      json_builder_set_member_name (b, "filename");
      json_builder_add_string_value (b, file->name);
      json_builder_set_member_name (b, "signatures");
      json_builder_add_value (b, portal_files_signatures (portal, file));
      json_builder_end_object (b);
      root = json_builder_get_root (b);
      kyso_sandbox_reply_json (portal->sb, msg, 200, root);
    }
  else if (slash == NULL && g_str_equal (method, "GET"))
    {
      g_autoptr (GMappedFile) mapped = g_mapped_file_new (file->path, FALSE, NULL);
      g_autoptr (GBytes) bytes = mapped != NULL ? g_mapped_file_get_bytes (mapped) : g_bytes_new (NULL, 0);

      kyso_sandbox_reply_bytes (portal->sb, msg, 200, file->content_type, bytes);
    }
  else if (slash == NULL && g_str_equal (method, "DELETE"))
    {
      if (file->attached)
        {
          kyso_sandbox_reply_error (portal->sb, msg, 409, "conflict",
                                    "Tệp thuộc hồ sơ đã nộp, không thể xóa");
          return;
        }
      g_unlink (file->path);
      g_hash_table_remove (portal->files, id);
      soup_server_message_set_status (msg, 204, NULL);
    }
  else
    kyso_sandbox_reply_error (portal->sb, msg, 404, "not_found", "Unknown endpoint");
}

void
portal_files_install (Portal *portal)
{
  portal->files = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify)portal_file_free);
  soup_server_add_early_handler (kyso_sandbox_get_server (portal->sb), PORTAL_API "fi/file/--multiple",
                                 upload_early, portal, NULL);
  /* libsoup keeps one entry per path: the upload path needs its own normal handler too, or the
   * early-only entry shadows "fi/" and the request ends in a bare 500. */
  kyso_sandbox_add_handler (portal->sb, PORTAL_API "fi/file/--multiple", files_handler, portal);
  kyso_sandbox_add_handler (portal->sb, PORTAL_API "fi/", files_handler, portal);
}
