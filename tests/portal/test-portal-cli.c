/* kyso-cli login / procedures / submit / track / logout against the sandbox, with the JSON shapes
 * other tools read; a 300 MB upload whose peak memory is measured; the browser login through the
 * desktop's default browser (a stand-in registered for https:// in the test's XDG folders). */
#include "config.h"

#include "portal-test-util.h"

#include <curl/curl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#define BUILDING_PERMIT "62f0a1c2e4b0a7d1c3e5f704"
#define BIRTH_REGISTRATION "62f0a1c2e4b0a7d1c3e5f701"

typedef struct
{
  PortalFixture base;
  char *tmp;
} Fixture;

typedef struct
{
  int status; /* exit status, or -1 when killed */
  char *out;
  char *err;
  glong max_rss_kb;
} Run;

static void
run_clear (Run *r)
{
  g_free (r->out);
  g_free (r->err);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Run, run_clear)

static char *
read_all (int fd)
{
  GString *s = g_string_new (NULL);
  char buf[4096];
  ssize_t n;

  while ((n = read (fd, buf, sizeof buf)) > 0)
    g_string_append_len (s, buf, n);
  close (fd);
  return g_string_free (s, FALSE);
}

/* Runs kyso-cli with @args after "--config FILE"; @input goes to its stdin. The peak resident
 * memory is read with wait4() for this child alone. */
static void
cli (Fixture *f, Run *r, const char *input, ...)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) env = g_get_environ ();
  struct rusage usage;
  int in_fd, out_fd, err_fd, wstatus = 0;
  GPid pid;
  const char *arg;
  va_list ap;

  g_ptr_array_add (argv, (char *)g_getenv ("KYSO_CLI"));
  g_ptr_array_add (argv, (char *)"--config");
  g_ptr_array_add (argv, f->base.sb->config_file);
  va_start (ap, input);
  while ((arg = va_arg (ap, const char *)) != NULL)
    g_ptr_array_add (argv, (char *)arg);
  va_end (ap);
  g_ptr_array_add (argv, NULL);
  env = g_environ_setenv (env, "KYSO_TEST_PASSWORD",
                          json_object_get_string_member (f->base.citizen, "password"), TRUE);

  g_assert_true (g_spawn_async_with_pipes (NULL, (char **)argv->pdata, env, G_SPAWN_DO_NOT_REAP_CHILD, NULL,
                                           NULL, &pid, &in_fd, &out_fd, &err_fd, &error));
  g_assert_no_error (error);
  if (input != NULL)
    g_assert_cmpint (write (in_fd, input, strlen (input)), ==, (gssize)strlen (input));
  close (in_fd);
  /* Outputs are small; read them before reaping so the child never blocks on a full pipe. */
  r->out = read_all (out_fd);
  r->err = read_all (err_fd);
  g_assert_cmpint (wait4 (pid, &wstatus, 0, &usage), ==, pid);
  g_spawn_close_pid (pid);
  r->status = WIFEXITED (wstatus) ? WEXITSTATUS (wstatus) : -1;
  r->max_rss_kb = usage.ru_maxrss;
  if (r->err[0] != '\0')
    g_test_message ("kyso-cli %s: %s", (char *)argv->pdata[3], r->err);
}

static JsonObject *
parse_object (const char *text, JsonNode **out_root)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;

  json_parser_load_from_data (parser, text, -1, &error);
  g_assert_no_error (error);
  *out_root = json_node_ref (json_parser_get_root (parser));
  g_assert_true (JSON_NODE_HOLDS_OBJECT (*out_root));
  return json_node_get_object (*out_root);
}

static void
register_browser (Fixture *f, const char *self_path);
static char *self_exe;

/* kyso-cli login through the desktop's browser (a test one that follows the redirects); the
 * sandbox's login page signs the citizen in without its form. */
static void
cli_login (Fixture *f)
{
  g_autofree char *body
    = g_strdup_printf ("{\"username\": \"%s\"}", json_object_get_string_member (f->base.citizen, "username"));
  g_autoptr (JsonNode) answer = pt_control (f->base.sb, "POST", "/control/portal/auto-login", body);
  g_auto (Run) r = { 0 };

  register_browser (f, self_exe);
  cli (f, &r, NULL, "login", NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.out, "Nguyễn Văn An"));
}

static void
setup (Fixture *f, gconstpointer data)
{
  pt_fixture_setup (&f->base, data);
  f->tmp = pt_make_tmp_dir ();
}

static void
teardown (Fixture *f, gconstpointer data)
{
  pt_remove_tree (f->tmp);
  g_free (f->tmp);
  pt_fixture_teardown (&f->base, data);
}

static void
test_login_logout (Fixture *f, gconstpointer data)
{
  g_auto (Run) listed = { 0 };
  g_auto (Run) out = { 0 };
  g_auto (Run) after = { 0 };
  g_auto (Run) old = { 0 };

  /* The invented direct login is gone: its options are unknown. */
  cli (f, &old, NULL, "login", "--username", "051090000101", "--password-env", "KYSO_TEST_PASSWORD", NULL);
  g_assert_cmpint (old.status, ==, 2);
  cli_login (f);

  cli (f, &listed, NULL, "procedures", "--search", "khai sinh", NULL);
  g_assert_cmpint (listed.status, ==, 0);
  g_assert_nonnull (strstr (listed.out, "Đăng ký khai sinh"));
  g_assert_null (strstr (listed.out, "hộ kinh doanh"));

  cli (f, &out, NULL, "logout", NULL);
  g_assert_cmpint (out.status, ==, 0);
  g_assert_cmpint (pt_state (f->base.sb, "active_sessions"), ==, 0);
  cli (f, &after, NULL, "procedures", NULL);
  g_assert_cmpint (after.status, ==, 3);
}

static void
test_procedures_json (Fixture *f, gconstpointer data)
{
  g_auto (Run) r = { 0 };
  g_autoptr (JsonNode) root = NULL;
  JsonObject *obj;
  JsonArray *procedures;
  gboolean found = FALSE;

  cli_login (f);
  cli (f, &r, NULL, "procedures", "--json", NULL);
  g_assert_cmpint (r.status, ==, 0);
  obj = parse_object (r.out, &root);
  procedures = json_object_get_array_member (obj, "procedures");
  g_assert_cmpuint (json_array_get_length (procedures), ==, 4);
  for (guint i = 0; i < json_array_get_length (procedures); i++)
    {
      JsonObject *p = json_array_get_object_element (procedures, i);
      JsonArray *components = json_object_get_array_member (p, "components");

      g_assert_nonnull (json_object_get_string_member (p, "id"));
      g_assert_nonnull (json_object_get_string_member (p, "name"));
      g_assert_nonnull (json_object_get_string_member (p, "agency"));
      g_assert_cmpuint (json_array_get_length (components), >, 0);
      for (guint c = 0; c < json_array_get_length (components); c++)
        {
          JsonObject *comp = json_array_get_object_element (components, c);
          g_assert_nonnull (json_object_get_string_member (comp, "key"));
          g_assert_nonnull (json_object_get_string_member (comp, "name"));
          g_assert_true (json_object_has_member (comp, "copies"));
          g_assert_cmpuint (json_array_get_length (json_object_get_array_member (comp, "types")), >, 0);
          g_assert_cmpint (json_object_get_int_member (comp, "max_bytes"), >, 0);
        }
      if (g_str_equal (json_object_get_string_member (p, "id"), BUILDING_PERMIT))
        {
          found = TRUE;
          g_assert_cmpint (json_object_get_int_member (p, "fee_total"), ==, 75000);
        }
    }
  g_assert_true (found);
}

static char *
write_applicant (Fixture *f, gboolean declaration)
{
  g_autofree char *json = g_strdup_printf (
    "{\"full_name\": \"Nguyễn Văn An\", \"id_number\": \"051090000101\", \"id_issue_date\": \"15/08/2021\","
    " \"id_issue_place\": \"Cục Cảnh sát QLHC về TTXH\", \"birth_date\": \"12/03/1990\","
    " \"gender\": \"nam\", \"province\": \"Quảng Ngãi\", \"district\": \"Thành phố Quảng Ngãi\","
    " \"ward\": \"Phường Trần Phú\", \"address\": \"12 Hùng Vương\", \"phone\": \"0905000101\","
    " \"email\": \"an.nguyen@sandbox.kyso.vn\"%s}",
    declaration ? ", \"declaration\": true" : "");
  char *path
    = g_build_filename (f->tmp, declaration ? "nguoi-nop.json" : "nguoi-nop-chua-cam-doan.json", NULL);

  g_assert_true (g_file_set_contents (path, json, -1, NULL));
  return path;
}

static void
test_submit_and_track (Fixture *f, gconstpointer data)
{
  g_autofree char *applicant = write_applicant (f, TRUE);
  g_autofree char *form = g_build_filename (f->tmp, "to-khai.pdf", NULL);
  g_autofree char *cert = g_build_filename (f->tmp, "giay-chung-sinh.pdf", NULL);
  g_autofree char *arg1 = g_strconcat ("to-khai-khai-sinh=", form, NULL);
  g_autofree char *arg2 = g_strconcat ("giay-chung-sinh=", cert, NULL);
  g_auto (Run) submitted = { 0 };
  g_auto (Run) tracked = { 0 };
  g_auto (Run) plain = { 0 };
  g_auto (Run) unknown = { 0 };
  g_autoptr (JsonNode) root1 = NULL;
  g_autoptr (JsonNode) root2 = NULL;
  JsonObject *obj;
  JsonArray *history;
  const char *code;

  cli_login (f);
  pt_write_pdf (form, 100 * 1024);
  pt_write_pdf (cert, 200 * 1024);
  cli (f, &submitted, NULL, "submit", "--procedure", BIRTH_REGISTRATION, "--applicant", applicant,
       "--component", arg1, "--component", arg2, "--json", NULL);
  g_assert_cmpint (submitted.status, ==, 0);
  obj = parse_object (submitted.out, &root1);
  code = json_object_get_string_member (obj, "code");
  g_assert_true (g_regex_match_simple ("^000\\.00\\.20\\.H48-[0-9]{6}-[0-9]{4}$", code, 0, 0));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (obj, "files")), ==, 2);

  cli (f, &tracked, NULL, "track", code, "--json", NULL);
  g_assert_cmpint (tracked.status, ==, 0);
  obj = parse_object (tracked.out, &root2);
  g_assert_cmpstr (json_object_get_string_member (obj, "code"), ==, code);
  g_assert_cmpstr (json_object_get_string_member (obj, "status"), ==, "Mới đăng ký");
  history = json_object_get_array_member (obj, "history");
  g_assert_cmpuint (json_array_get_length (history), ==, 1);
  g_assert_nonnull (json_object_get_string_member (json_array_get_object_element (history, 0), "time"));
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (history, 0), "status"), ==,
                   "Mới đăng ký");
  g_assert_true (json_object_has_member (json_array_get_object_element (history, 0), "note"));

  cli (f, &plain, NULL, "track", code, NULL);
  g_assert_cmpint (plain.status, ==, 0);
  g_assert_nonnull (strstr (plain.out, "Đăng ký khai sinh"));
  cli (f, &unknown, NULL, "track", "000.00.20.H48-990101-9999", NULL);
  g_assert_cmpint (unknown.status, ==, 3);
}

static void
test_submit_refused (Fixture *f, gconstpointer data)
{
  g_autofree char *applicant = write_applicant (f, TRUE);
  g_autofree char *undeclared = write_applicant (f, FALSE);
  g_autofree char *form = g_build_filename (f->tmp, "to-khai.pdf", NULL);
  g_autofree char *exe = g_build_filename (f->tmp, "to-khai.exe", NULL);
  g_autofree char *cert = g_build_filename (f->tmp, "giay-chung-sinh.pdf", NULL);
  g_autofree char *good1 = g_strconcat ("to-khai-khai-sinh=", form, NULL);
  g_autofree char *bad1 = g_strconcat ("to-khai-khai-sinh=", exe, NULL);
  g_autofree char *good2 = g_strconcat ("giay-chung-sinh=", cert, NULL);
  g_autofree char *unknown = g_strconcat ("khong-co=", cert, NULL);
  g_auto (Run) type = { 0 };
  g_auto (Run) decl = { 0 };
  g_auto (Run) key = { 0 };
  g_auto (Run) missing = { 0 };

  cli_login (f);
  pt_write_pdf (form, 4096);
  pt_write_pdf (exe, 4096);
  pt_write_pdf (cert, 4096);
  cli (f, &type, NULL, "submit", "--procedure", BIRTH_REGISTRATION, "--applicant", applicant, "--component",
       bad1, "--component", good2, NULL);
  g_assert_cmpint (type.status, ==, 3);
  g_assert_nonnull (strstr (type.err, "to-khai.exe"));
  cli (f, &decl, NULL, "submit", "--procedure", BIRTH_REGISTRATION, "--applicant", undeclared, "--component",
       good1, "--component", good2, NULL);
  g_assert_cmpint (decl.status, ==, 3);
  g_assert_nonnull (strstr (decl.err, "--declare"));
  cli (f, &key, NULL, "submit", "--procedure", BIRTH_REGISTRATION, "--applicant", applicant, "--component",
       unknown, NULL);
  g_assert_cmpint (key.status, ==, 2);
  cli (f, &missing, NULL, "submit", "--procedure", BIRTH_REGISTRATION, "--applicant", applicant,
       "--component", good1, NULL);
  g_assert_cmpint (missing.status, ==, 3);
  g_assert_cmpint (pt_state (f->base.sb, "uploads_started"), ==, 0);
  g_assert_cmpint (pt_state (f->base.sb, "dossiers"), ==, 0);
}

static glong
submit_drawings (Fixture *f, const char *applicant, guint64 size, const char *name)
{
  g_autofree char *form = g_build_filename (f->tmp, "don-de-nghi.pdf", NULL);
  g_autofree char *land = g_build_filename (f->tmp, "so-do.pdf", NULL);
  g_autofree char *drawings = g_build_filename (f->tmp, name, NULL);
  g_autofree char *a1 = g_strconcat ("don-de-nghi=", form, NULL);
  g_autofree char *a2 = g_strconcat ("quyen-su-dung-dat=", land, NULL);
  g_autofree char *a3 = g_strconcat ("ban-ve-thiet-ke=", drawings, NULL);
  g_auto (Run) r = { 0 };
  g_autoptr (JsonNode) root = NULL;
  g_autofree char *stored = NULL;
  JsonArray *files;
  GStatBuf st;

  pt_write_pdf (form, 64 * 1024);
  pt_write_pdf (land, 64 * 1024);
  pt_write_pdf (drawings, size);
  cli (f, &r, NULL, "submit", "--procedure", BUILDING_PERMIT, "--applicant", applicant, "--component", a1,
       "--component", a2, "--component", a3, "--json", NULL);
  g_assert_cmpint (r.status, ==, 0);
  files = json_object_get_array_member (parse_object (r.out, &root), "files");
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (files, 2), "size"), ==,
                   (gint64)size);
  stored
    = g_build_filename (f->base.sb->dir, "portal", "files",
                        json_object_get_string_member (json_array_get_object_element (files, 2), "id"), NULL);
  g_assert_cmpint (g_stat (stored, &st), ==, 0);
  g_assert_cmpuint ((guint64)st.st_size, ==, size);
  g_assert_cmpint (r.max_rss_kb, >, 0);
  g_test_message ("kyso-cli submit of a %" G_GUINT64_FORMAT " MiB file: peak RSS %ld KiB", size >> 20,
                  r.max_rss_kb);
  return r.max_rss_kb;
}

static void
test_upload_300mb_memory (Fixture *f, gconstpointer data)
{
  g_autofree char *applicant = write_applicant (f, TRUE);
  glong small, big;

#if defined(__SANITIZE_ADDRESS__)
  /* AddressSanitizer keeps freed memory in quarantine (256 MB by default), which would be counted. */
  {
    const char *asan = g_getenv ("ASAN_OPTIONS");
    g_autofree char *value = g_strconcat (asan ? asan : "", asan ? ":" : "", "quarantine_size_mb=1", NULL);
    g_setenv ("ASAN_OPTIONS", value, TRUE);
  }
#endif
  cli_login (f);
  small = submit_drawings (f, applicant, 16 * 1024 * 1024, "ban-ve-16.pdf");
  big = submit_drawings (f, applicant, 300 * 1024 * 1024, "ban-ve-300.pdf");
  /* Streamed from disk: sending 284 MiB more costs (almost) no more memory… */
  g_assert_cmpint (big, <, small + 8 * 1024);
#if !defined(__SANITIZE_ADDRESS__)
  /* …and the whole process stays far below the file's size (sanitizer builds carry their own
   * shadow memory, so only the comparison above holds there). */
  g_assert_cmpint (big, <, 40 * 1024);
#endif
}

/* ---- the browser login through the desktop's default browser ---- */

static void
register_browser (Fixture *f, const char *self_path)
{
  g_autofree char *apps = g_build_filename (g_get_user_data_dir (), "applications", NULL);
  g_autofree char *desktop = g_build_filename (apps, "kyso-test-browser.desktop", NULL);
  g_autofree char *mimeapps = g_build_filename (g_get_user_config_dir (), "mimeapps.list", NULL);
  g_autofree char *entry
    = g_strdup_printf ("[Desktop Entry]\nType=Application\nName=Test browser\n"
                       "Exec=%s --browse %s %%u\nMimeType=x-scheme-handler/https;x-scheme-handler/http;\n"
                       "NoDisplay=true\n",
                       self_path, f->base.sb->ca_file);

  g_assert_cmpint (g_mkdir_with_parents (apps, 0700), ==, 0);
  g_assert_cmpint (g_mkdir_with_parents (g_get_user_config_dir (), 0700), ==, 0);
  g_assert_true (g_file_set_contents (desktop, entry, -1, NULL));
  g_assert_true (
    g_file_set_contents (mimeapps,
                         "[Default Applications]\nx-scheme-handler/https=kyso-test-browser.desktop\n"
                         "x-scheme-handler/http=kyso-test-browser.desktop\n",
                         -1, NULL));
}

static void
test_browser_login (Fixture *f, gconstpointer data)
{
  g_autofree char *body
    = g_strdup_printf ("{\"username\": \"%s\"}", json_object_get_string_member (f->base.citizen, "username"));
  g_autoptr (JsonNode) answer = pt_control (f->base.sb, "POST", "/control/portal/auto-login", body);
  g_auto (Run) r = { 0 };
  g_auto (Run) listed = { 0 };

  register_browser (f, self_exe);
  cli (f, &r, NULL, "login", NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.err, "/protocol/openid-connect/auth?"));
  g_assert_nonnull (strstr (r.out, "Nguyễn Văn An"));
  cli (f, &listed, NULL, "procedures", NULL);
  g_assert_cmpint (listed.status, ==, 0);
}

static size_t
discard (char *ptr, size_t size, size_t nmemb, void *data)
{
  return size * nmemb;
}

/* Run as the desktop's browser: follow the login redirects up to Kyso's loopback page. */
static int
browse (const char *ca_file, const char *url)
{
  CURL *curl = curl_easy_init ();
  long status = 0;

  curl_easy_setopt (curl, CURLOPT_URL, url);
  curl_easy_setopt (curl, CURLOPT_FOLLOWLOCATION, 1L);
  curl_easy_setopt (curl, CURLOPT_COOKIEFILE, "");
  curl_easy_setopt (curl, CURLOPT_CAINFO, ca_file);
  curl_easy_setopt (curl, CURLOPT_TIMEOUT, 30L);
  curl_easy_setopt (curl, CURLOPT_WRITEFUNCTION, discard);
  if (curl_easy_perform (curl) == CURLE_OK)
    curl_easy_getinfo (curl, CURLINFO_RESPONSE_CODE, &status);
  curl_easy_cleanup (curl);
  return status == 200 ? 0 : 1;
}

int
main (int argc, char **argv)
{
  if (argc == 4 && g_str_equal (argv[1], "--browse"))
    return browse (argv[2], argv[3]);

  g_test_init (&argc, &argv, NULL);
  self_exe = g_canonicalize_filename (argv[0], NULL);
  g_assert_nonnull (g_getenv ("KYSO_CLI"));

#define ADD(path, func) g_test_add (path, Fixture, NULL, setup, func, teardown)
  ADD ("/portal/cli/login-logout", test_login_logout);
  ADD ("/portal/cli/procedures-json", test_procedures_json);
  ADD ("/portal/cli/submit-and-track", test_submit_and_track);
  ADD ("/portal/cli/submit-refused", test_submit_refused);
  ADD ("/portal/cli/upload-300mb-memory", test_upload_300mb_memory);
  ADD ("/portal/cli/browser-login", test_browser_login);
#undef ADD
  return g_test_run ();
}
