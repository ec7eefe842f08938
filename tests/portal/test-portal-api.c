/* Every portal call against the sandbox: procedures, uploads (type and size refused before
 * sending, progress, cancel, a dropped upload stored once), dossiers (submit, resume, a repeated
 * submission filed once), tracking, signing history, file deletion, and the http500 fault. */
#include "config.h"

#include "portal-test-util.h"
#include "kyso-error.h"
#include "kyso-igate-portal.h"

#include <glib/gstdio.h>
#include <openssl/cms.h>
#include <openssl/pem.h>
#include <string.h>

#define BIRTH_REGISTRATION "62f0a1c2e4b0a7d1c3e5f701"
#define HOUSEHOLD_BUSINESS "62f0a1c2e4b0a7d1c3e5f702"

typedef struct
{
  PortalFixture base;
  char *tmp;
} Fixture;

static void
setup (Fixture *f, gconstpointer data)
{
  pt_fixture_setup (&f->base, data);
  f->tmp = pt_make_tmp_dir ();
  pt_login (&f->base);
}

static void
teardown (Fixture *f, gconstpointer data)
{
  pt_remove_tree (f->tmp);
  g_free (f->tmp);
  pt_fixture_teardown (&f->base, data);
}

static GPtrArray *
list (Fixture *f, const char *search, GError **error)
{
  g_autoptr (KysoSyncWait) wait = kyso_sync_wait_new ();

  kyso_portal_list_procedures_async (f->base.portal, search, NULL, kyso_sync_wait_callback, wait);
  return kyso_portal_list_procedures_finish (f->base.portal, kyso_sync_wait_run (wait), error);
}

static KysoProcedure *
get_procedure (Fixture *f, const char *id, GError **error)
{
  g_autoptr (KysoSyncWait) wait = kyso_sync_wait_new ();

  kyso_portal_get_procedure_async (f->base.portal, id, NULL, kyso_sync_wait_callback, wait);
  return kyso_portal_get_procedure_finish (f->base.portal, kyso_sync_wait_run (wait), error);
}

static char *
tmp_file (Fixture *f, const char *name)
{
  return g_build_filename (f->tmp, name, NULL);
}

static void
test_procedures (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) all = list (f, NULL, &error);
  g_autoptr (GPtrArray) birth = NULL;
  g_autoptr (GPtrArray) business = NULL;
  g_autoptr (GPtrArray) none = NULL;
  g_autoptr (KysoProcedure) detail = NULL;
  g_autoptr (KysoProcedure) missing = NULL;
  KysoProcedureComponent *c;

  g_assert_no_error (error);
  g_assert_cmpuint (all->len, ==, 4);
  g_assert_false (kyso_procedure_has_details (g_ptr_array_index (all, 0)));

  birth = list (f, "khai sinh", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (birth->len, ==, 1);
  g_assert_cmpstr (kyso_procedure_get_name (g_ptr_array_index (birth, 0)), ==, "Đăng ký khai sinh");
  g_assert_cmpstr (kyso_procedure_get_code (g_ptr_array_index (birth, 0)), ==, "1.001193");
  /* Without the accents, as citizens often type. */
  business = list (f, "ho kinh doanh", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (business->len, ==, 1);
  none = list (f, "không có thủ tục này", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (none->len, ==, 0);

  detail = get_procedure (f, HOUSEHOLD_BUSINESS, &error);
  g_assert_no_error (error);
  g_assert_true (kyso_procedure_has_details (detail));
  g_assert_cmpstr (kyso_procedure_get_name (detail), ==, "Đăng ký thành lập hộ kinh doanh");
  g_assert_cmpstr (kyso_procedure_get_agency (detail), ==, "Phòng Tài chính – Kế hoạch thành phố Quảng Ngãi");
  g_assert_cmpstr (kyso_procedure_get_sector (detail), ==, "Thành lập và hoạt động của hộ kinh doanh");
  g_assert_cmpuint (kyso_procedure_get_processing_days (detail), ==, 3);
  g_assert_cmpint (kyso_procedure_get_fee_total (detail), ==, 100000);
  g_assert_cmpuint (kyso_procedure_get_level (detail), ==, 4);
  g_assert_cmpuint (kyso_procedure_get_components (detail)->len, ==, 4);
  c = kyso_procedure_find_component (detail, "giay-to-phap-ly");
  g_assert_nonnull (c);
  g_assert_cmpuint (kyso_procedure_component_get_originals (c), ==, 0);
  g_assert_cmpuint (kyso_procedure_component_get_copies (c), ==, 1);
  g_assert_true (kyso_procedure_component_get_required (c));
  g_assert_cmpuint (kyso_procedure_component_get_max_bytes (c), ==, 20 * 1024 * 1024);
  g_assert_true (g_strv_contains (kyso_procedure_component_get_types (c), "pdf"));
  g_assert_false (g_strv_contains (kyso_procedure_component_get_types (c), "docx"));
  g_assert_false (
    kyso_procedure_component_get_required (kyso_procedure_find_component (detail, "hop-dong-thue")));

  missing = get_procedure (f, "000000000000000000000000", &error);
  g_assert_error (error, KYSO_ERROR, KYSO_ERROR_NOT_FOUND);
  g_assert_null (missing);
}

typedef struct
{
  guint calls;
  guint64 last_sent;
  guint64 total;
  gboolean saw_retry;
  gboolean decreasing;
  GCancellable *cancel_at_first;
  KysoPortalStage cancel_stage;
  gboolean cancel_on_stage;
  guint stages; /* bit per stage seen */
} Progress;

static void
on_progress (const KysoPortalProgress *p, gpointer data)
{
  Progress *pr = data;

  pr->calls++;
  pr->stages |= 1u << p->stage;
  if (p->stage == KYSO_PORTAL_STAGE_RETRYING)
    pr->saw_retry = TRUE;
  if (p->stage == KYSO_PORTAL_STAGE_UPLOADING)
    {
      if (p->total_sent < pr->last_sent)
        pr->decreasing = TRUE;
      pr->last_sent = p->total_sent;
      pr->total = p->total_size;
      if (pr->cancel_at_first != NULL && !pr->cancel_on_stage && p->file_sent > 0)
        g_cancellable_cancel (pr->cancel_at_first);
    }
  if (pr->cancel_on_stage && p->stage == pr->cancel_stage && pr->cancel_at_first != NULL)
    g_cancellable_cancel (pr->cancel_at_first);
}

static KysoPortalFile *
upload (Fixture *f, KysoProcedureComponent *c, const char *path, Progress *progress,
        GCancellable *cancellable, GError **error)
{
  g_autoptr (KysoSyncWait) wait = kyso_sync_wait_new ();

  kyso_portal_upload_file_async (f->base.portal, c, path, NULL, progress ? on_progress : NULL, progress,
                                 cancellable, kyso_sync_wait_callback, wait);
  return kyso_portal_upload_file_finish (f->base.portal, kyso_sync_wait_run (wait), error);
}

static void
test_upload_refused_before_sending (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (KysoProcedure) p = get_procedure (f, BIRTH_REGISTRATION, &error);
  KysoProcedureComponent *form = kyso_procedure_find_component (p, "to-khai-khai-sinh");
  g_autofree char *exe = tmp_file (f, "setup.exe");
  g_autofree char *fake = tmp_file (f, "photo.pdf");
  g_autofree char *big = tmp_file (f, "scan.pdf");
  g_autofree char *empty = tmp_file (f, "empty.pdf");
  g_autoptr (KysoPortalFile) file = NULL;

  g_assert_no_error (error);
  pt_write_pdf (exe, 4096);
  g_assert_true (g_file_set_contents (fake, "\xFF\xD8\xFF\xE0 a JPEG renamed to .pdf", -1, NULL));
  pt_write_pdf (big, 20 * 1024 * 1024 + 1);
  g_assert_true (g_file_set_contents (empty, "", 0, NULL));

  file = upload (f, form, exe, NULL, NULL, &error);
  g_assert_error (error, KYSO_ERROR, KYSO_ERROR_INVALID_INPUT);
  g_assert_nonnull (strstr (error->message, "pdf, doc, docx, jpg"));
  g_clear_error (&error);
  file = upload (f, form, fake, NULL, NULL, &error);
  g_assert_error (error, KYSO_ERROR, KYSO_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  file = upload (f, form, big, NULL, NULL, &error);
  g_assert_error (error, KYSO_ERROR, KYSO_ERROR_LIMIT);
  g_clear_error (&error);
  file = upload (f, form, empty, NULL, NULL, &error);
  g_assert_error (error, KYSO_ERROR, KYSO_ERROR_INVALID_INPUT);
  g_clear_error (&error);

  /* Nothing reached the portal. */
  g_assert_cmpint (pt_state (f->base.sb, "uploads_started"), ==, 0);
  g_assert_cmpuint (pt_count_stored (f->base.sb), ==, 0);
}

static void
test_upload_progress (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (KysoProcedure) p = get_procedure (f, BIRTH_REGISTRATION, &error);
  g_autofree char *path = tmp_file (f, "tờ khai.pdf");
  g_autoptr (KysoPortalFile) file = NULL;
  Progress progress = { 0 };
  g_autofree char *stored = NULL;
  g_autofree char *original = NULL;
  gsize stored_len, original_len;

  pt_write_pdf (path, 8 * 1024 * 1024);
  file = upload (f, kyso_procedure_find_component (p, "to-khai-khai-sinh"), path, &progress, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (file->name, ==, "tờ khai.pdf");
  g_assert_cmpuint (file->size, ==, 8 * 1024 * 1024);
  g_assert_cmpstr (file->component, ==, "to-khai-khai-sinh");
  g_assert_cmpuint (progress.calls, >=, 1);
  g_assert_false (progress.decreasing);
  g_assert_cmpuint (progress.total, ==, 8 * 1024 * 1024);
  g_assert_cmpuint (pt_count_stored (f->base.sb), ==, 1);
  /* What was stored is byte for byte the file. */
  {
    g_autofree char *dir = g_build_filename (f->base.sb->dir, "portal", "files", file->id, NULL);
    g_assert_true (g_file_get_contents (dir, &stored, &stored_len, NULL));
  }
  g_assert_true (g_file_get_contents (path, &original, &original_len, NULL));
  g_assert_cmpmem (stored, stored_len, original, original_len);
}

static void
test_upload_cancelled (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (KysoProcedure) p = get_procedure (f, "62f0a1c2e4b0a7d1c3e5f704", &error);
  g_autofree char *path = tmp_file (f, "ban-ve.pdf");
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (KysoPortalFile) file = NULL;
  Progress progress = { .cancel_at_first = cancellable };

  pt_write_pdf (path, 200 * 1024 * 1024);
  file
    = upload (f, kyso_procedure_find_component (p, "ban-ve-thiet-ke"), path, &progress, cancellable, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (file);
  g_assert_cmpuint (pt_count_stored (f->base.sb), ==, 0);
}

static void
test_upload_dropped_stored_once (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (KysoProcedure) p = get_procedure (f, BIRTH_REGISTRATION, &error);
  g_autofree char *path = tmp_file (f, "giay-chung-sinh.pdf");
  g_autoptr (KysoPortalFile) file = NULL;
  Progress progress = { 0 };

  pt_write_pdf (path, 3 * 1024 * 1024);
  /* The portal stores the file, then the connection drops before its answer arrives: no
   * idempotency header exists, so Kyso looks for it (by name and size) instead of sending it again. */
  pt_set_fault (f->base.sb, "drop");
  file = upload (f, kyso_procedure_find_component (p, "giay-chung-sinh"), path, &progress, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (file);
  g_assert_cmpstr (file->name, ==, "giay-chung-sinh.pdf");
  g_assert_cmpuint (file->size, ==, 3 * 1024 * 1024);
  g_assert_cmpint (pt_state (f->base.sb, "uploads_started"), ==, 1);
  g_assert_cmpint (pt_state (f->base.sb, "files"), ==, 1);
  g_assert_cmpuint (pt_count_stored (f->base.sb), ==, 1);
}

static void
test_upload_token_expired (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (KysoProcedure) p = get_procedure (f, BIRTH_REGISTRATION, &error);
  g_autofree char *path = tmp_file (f, "to-khai.pdf");
  g_autoptr (KysoPortalFile) file = NULL;

  pt_write_pdf (path, 1024 * 1024);
  pt_set_fault (f->base.sb, "token-expired");
  file = upload (f, kyso_procedure_find_component (p, "to-khai-khai-sinh"), path, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (pt_state (f->base.sb, "uploads_started"), ==, 2);
  g_assert_cmpuint (pt_count_stored (f->base.sb), ==, 1);
}

/* Both at once, as the GUI test meets them: the 401 answer itself is lost, then the search for the
 * file meets an expired token too. */
static void
test_upload_dropped_token_expired (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (KysoProcedure) p = get_procedure (f, BIRTH_REGISTRATION, &error);
  g_autofree char *path = tmp_file (f, "to-khai.pdf");
  g_autoptr (KysoPortalFile) file = NULL;

  pt_write_pdf (path, 1024 * 1024);
  pt_set_fault (f->base.sb, "drop");
  pt_set_fault (f->base.sb, "token-expired");
  file = upload (f, kyso_procedure_find_component (p, "to-khai-khai-sinh"), path, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (file);
  g_assert_cmpuint (pt_count_stored (f->base.sb), ==, 1);
}

static void
test_http500 (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) once = NULL;
  g_autoptr (GPtrArray) always = NULL;

  /* Once: the retry hides it. */
  pt_set_fault (f->base.sb, "http500");
  once = list (f, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (once->len, ==, 4);
  /* Always: a clear error. */
  pt_set_fault (f->base.sb, "http500-always");
  always = list (f, NULL, &error);
  g_assert_error (error, KYSO_ERROR, KYSO_ERROR_SERVER);
  g_assert_null (always);
}

static void
fill_applicant (KysoDossier *dossier)
{
  KysoApplicant *a = kyso_applicant_new ();

  a->full_name = g_strdup ("Nguyễn Văn An");
  a->id_number = g_strdup ("051090000101");
  a->id_issue_date = g_strdup ("2021-08-15");
  a->id_issue_place = g_strdup ("Cục Cảnh sát QLHC về TTXH");
  a->birth_date = g_strdup ("1990-03-12");
  a->gender = KYSO_GENDER_MALE;
  a->province = g_strdup ("Quảng Ngãi");
  a->district = g_strdup ("Thành phố Quảng Ngãi");
  a->ward = g_strdup ("Phường Trần Phú");
  a->address = g_strdup ("12 Hùng Vương");
  a->phone = g_strdup ("0905000101");
  a->email = g_strdup ("an.nguyen@sandbox.kyso.vn");
  kyso_dossier_set_applicant (dossier, a);
  kyso_applicant_free (a);
}

static char *
submit (Fixture *f, KysoDossier *dossier, KysoProcedure *p, Progress *progress, GCancellable *cancellable,
        GError **error)
{
  g_autoptr (KysoSyncWait) wait = kyso_sync_wait_new ();

  kyso_portal_submit_dossier_async (f->base.portal, dossier, p, progress ? on_progress : NULL, progress,
                                    cancellable, kyso_sync_wait_callback, wait);
  return kyso_portal_submit_dossier_finish (f->base.portal, kyso_sync_wait_run (wait), error);
}

static KysoDossierStatus *
track (Fixture *f, const char *code, GError **error)
{
  g_autoptr (KysoSyncWait) wait = kyso_sync_wait_new ();

  kyso_portal_track_dossier_async (f->base.portal, code, NULL, kyso_sync_wait_callback, wait);
  return kyso_portal_track_dossier_finish (f->base.portal, kyso_sync_wait_run (wait), error);
}

static KysoDossier *
birth_dossier_sized (Fixture *f, KysoProcedure *p, guint64 form_size, guint64 cert_size)
{
  KysoDossier *dossier = kyso_dossier_new (p);
  g_autofree char *form = tmp_file (f, "to-khai.pdf");
  g_autofree char *cert = tmp_file (f, "giay-chung-sinh.pdf");

  pt_write_pdf (form, form_size);
  pt_write_pdf (cert, cert_size);
  fill_applicant (dossier);
  kyso_dossier_add_file (dossier, "to-khai-khai-sinh", form, KYSO_COPY_KIND_ORIGINAL);
  kyso_dossier_add_file (dossier, "giay-chung-sinh", cert, KYSO_COPY_KIND_ORIGINAL);
  kyso_dossier_set_declaration (dossier, TRUE);
  return dossier;
}

static KysoDossier *
birth_dossier (Fixture *f, KysoProcedure *p)
{
  return birth_dossier_sized (f, p, 300 * 1024, 700 * 1024);
}

static void
test_submit_and_track (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (KysoProcedure) p = get_procedure (f, BIRTH_REGISTRATION, &error);
  g_autoptr (KysoDossier) dossier = birth_dossier (f, p);
  g_autoptr (KysoDossierStatus) status = NULL;
  g_autoptr (KysoDossierStatus) later = NULL;
  g_autoptr (KysoDossierStatus) unknown = NULL;
  g_autoptr (JsonNode) json = NULL;
  g_autoptr (JsonNode) answer = NULL;
  g_autofree char *code = NULL;
  g_autofree char *path = NULL;
  Progress progress = { 0 };
  JsonObject *obj;

  code = submit (f, dossier, p, &progress, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_regex_match_simple ("^000\\.00\\.20\\.H48-[0-9]{6}-[0-9]{4}$", code, 0, 0));
  g_assert_cmpstr (kyso_dossier_get_code (dossier), ==, code);
  g_assert_true (progress.stages & (1u << KYSO_PORTAL_STAGE_UPLOADING));
  g_assert_true (progress.stages & (1u << KYSO_PORTAL_STAGE_SUBMITTING));
  g_assert_cmpuint (progress.total, ==, 1000 * 1024);
  g_assert_cmpint (pt_state (f->base.sb, "dossiers"), ==, 1);

  status = track (f, code, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (status->code, ==, code);
  g_assert_cmpstr (status->status, ==, "Mới đăng ký");
  g_assert_cmpstr (status->procedure_name, ==, "Đăng ký khai sinh");
  /* pa/dossier/search gives the current status only (its assumed shape has no steps or files). */
  g_assert_cmpuint (status->history->len, ==, 1);
  g_assert_cmpuint (status->files->len, ==, 0);
  g_assert_nonnull (status->submitted);
  g_assert_nonnull (status->due);
  g_assert_cmpint (g_date_time_compare (status->due, status->submitted), >, 0);

  /* The ward receives it; tracking shows the new step. */
  path = g_strdup_printf ("/control/portal/dossier/%s/status", code);
  answer = pt_control (f->base.sb, "POST", path,
                       "{\"status\": \"Đã tiếp nhận\", \"note\": \"Cán bộ một cửa đã tiếp nhận\"}");
  later = track (f, code, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (later->status, ==, "Đã tiếp nhận");
  g_assert_cmpuint (later->history->len, ==, 1);
  g_assert_cmpstr (((KysoDossierEvent *)g_ptr_array_index (later->history, 0))->status, ==, "Đã tiếp nhận");

  /* The JSON of `kyso-cli track --json`. */
  json = kyso_dossier_status_to_json (later);
  obj = json_node_get_object (json);
  g_assert_cmpstr (json_object_get_string_member (obj, "code"), ==, code);
  g_assert_cmpstr (json_object_get_string_member (obj, "status"), ==, "Đã tiếp nhận");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (obj, "history")), ==, 1);
  g_assert_true (json_object_has_member (
    json_array_get_object_element (json_object_get_array_member (obj, "history"), 0), "time"));

  unknown = track (f, "000.00.20.H48-990101-9999", &error);
  g_assert_error (error, KYSO_ERROR, KYSO_ERROR_NOT_FOUND);
  g_assert_null (unknown);
}

static void
test_submit_resumes (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (KysoProcedure) p = get_procedure (f, BIRTH_REGISTRATION, &error);
  /* Files big enough that the cancel, sent from the first progress report, lands mid-upload. */
  g_autoptr (KysoDossier) dossier = birth_dossier_sized (f, p, 19 * 1024 * 1024, 19 * 1024 * 1024);
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  GPtrArray *entries = kyso_dossier_get_entries (dossier);
  KysoDossierEntry *first = g_ptr_array_index (entries, 0);
  KysoDossierEntry *second = g_ptr_array_index (entries, 1);
  g_autofree char *code = NULL;
  Progress progress = { .cancel_at_first = cancellable };
  gint64 uploads, missing;

  /* Cancelled while the files go up: nothing is filed. (How far the upload got depends on when
   * the main loop saw the progress; the rest does not.) */
  code = submit (f, dossier, p, &progress, cancellable, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (code);
  g_clear_error (&error);
  g_assert_cmpint (pt_state (f->base.sb, "dossiers"), ==, 0);

  /* The GUI may send a file as soon as it is attached; the dossier records it. */
  if (first->uploaded == NULL)
    first->uploaded
      = upload (f, kyso_procedure_find_component (p, first->key), first->path, NULL, NULL, &error);
  g_assert_no_error (error);
  uploads = pt_state (f->base.sb, "uploads_started");

  /* Resumed with connections that drop once per call, after the portal acted: the first file is
   * not sent again, the second is sent once and found by name and size instead of a second time,
   * and the dossier, its answer lost, is found by the code taken for it instead of filed twice. */
  pt_set_fault (f->base.sb, "drop");
  missing = second->uploaded == NULL ? 1 : 0;
  code = submit (f, dossier, p, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (code);
  g_assert_nonnull (second->uploaded);
  g_assert_cmpint (pt_state (f->base.sb, "uploads_started"), ==, uploads + missing);
  g_assert_cmpint (pt_state (f->base.sb, "dossiers"), ==, 1);
  g_assert_cmpuint (pt_count_stored (f->base.sb), ==, 2);

  /* Submitting the same dossier again (a double click) gives the same code, no second dossier. */
  {
    g_autofree char *again = submit (f, dossier, p, NULL, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpstr (again, ==, code);
    g_assert_cmpint (pt_state (f->base.sb, "dossiers"), ==, 1);
  }
}

static void
test_submit_refused_locally (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (KysoProcedure) p = get_procedure (f, BIRTH_REGISTRATION, &error);
  g_autoptr (KysoDossier) dossier = birth_dossier (f, p);
  g_autofree char *code = NULL;
  const char *field = NULL;

  kyso_dossier_remove_files (dossier, "giay-chung-sinh");
  g_assert_false (kyso_dossier_validate (dossier, p, &field, &error));
  g_assert_error (error, KYSO_ERROR, KYSO_ERROR_INVALID_INPUT);
  g_assert_cmpstr (field, ==, "giay-chung-sinh");
  g_clear_error (&error);
  code = submit (f, dossier, p, NULL, NULL, &error);
  g_assert_error (error, KYSO_ERROR, KYSO_ERROR_INVALID_INPUT);
  g_assert_null (code);
  g_assert_cmpint (pt_state (f->base.sb, "uploads_started"), ==, 0);
}

/* ---- signing history ---- */

/* A PDF with one CMS signature over its /ByteRange, made with the citizen's key and certificate
 * from the sandbox, with /M as the signing time. */
static void
write_signed_pdf (const char *path, const char *cert_file, const char *key_file)
{
  static const char head[]
    = "%%PDF-1.7\n1 0 obj\n<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter /ETSI.CAdES.detached "
      "/M (D:20250601100112+07'00') /ByteRange [0 %010u %010u %010u] /Contents <";
  static const char tail[] = "> >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n";
  enum
  {
    HEX = 16384
  };
  g_autoptr (GString) pdf = g_string_new (NULL);
  g_autofree char *hex = NULL;
  BIO *in = BIO_new_file (cert_file, "r");
  X509 *cert = PEM_read_bio_X509 (in, NULL, NULL, NULL);
  BIO *kin = BIO_new_file (key_file, "r");
  EVP_PKEY *key = PEM_read_bio_PrivateKey (kin, NULL, NULL, NULL);
  BIO *data = NULL;
  CMS_ContentInfo *cms;
  unsigned char *der = NULL;
  int der_len;
  gsize b, c, total;

  g_assert_nonnull (cert);
  g_assert_nonnull (key);
  /* Lay the file out first: the numbers have a fixed width. */
  g_string_printf (pdf, head, 0u, 0u, 0u);
  b = pdf->len - 1;    /* offset of '<' */
  c = b + 1 + HEX + 1; /* just after '>' */
  total = c + strlen (tail) - 1;
  g_string_printf (pdf, head, (guint)b, (guint)c, (guint)(total - c));
  g_assert_cmpuint (pdf->len - 1, ==, b);
  g_string_append (pdf, tail); /* placeholder position; contents inserted below */
  {
    g_autoptr (GString) signed_bytes = g_string_new_len (pdf->str, (gssize)b);
    g_string_append_len (signed_bytes, pdf->str + b + 1, (gssize)(pdf->len - b - 1));
    data = BIO_new_mem_buf (signed_bytes->str, (int)signed_bytes->len);
    cms = CMS_sign (cert, key, NULL, data, CMS_DETACHED | CMS_BINARY);
    g_assert_nonnull (cms);
  }
  der_len = i2d_CMS_ContentInfo (cms, &der);
  g_assert_cmpint (der_len, >, 0);
  g_assert_cmpint (der_len * 2, <=, HEX);
  hex = g_malloc0 (HEX + 1);
  for (int i = 0; i < der_len; i++)
    g_snprintf (hex + 2 * i, 3, "%02X", der[i]);
  memset (hex + 2 * der_len, '0', HEX - 2 * der_len);
  g_string_insert_len (pdf, (gssize)b + 1, hex, HEX);
  g_assert_cmpuint (pdf->len, ==, total);
  g_assert_true (g_file_set_contents (path, pdf->str, (gssize)pdf->len, NULL));

  OPENSSL_free (der);
  CMS_ContentInfo_free (cms);
  BIO_free (data);
  BIO_free (in);
  BIO_free (kin);
  X509_free (cert);
  EVP_PKEY_free (key);
}

static GPtrArray *
signing_history (Fixture *f, const char *file_id, GError **error)
{
  g_autoptr (KysoSyncWait) wait = kyso_sync_wait_new ();

  kyso_portal_get_signing_history_async (f->base.portal, file_id, NULL, kyso_sync_wait_callback, wait);
  return kyso_portal_get_signing_history_finish (f->base.portal, kyso_sync_wait_run (wait), error);
}

static void
test_signing_history (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (KysoProcedure) p = get_procedure (f, BIRTH_REGISTRATION, &error);
  KysoProcedureComponent *c = kyso_procedure_find_component (p, "to-khai-khai-sinh");
  g_autofree char *signed_path = tmp_file (f, "to-khai-da-ky.pdf");
  g_autofree char *plain_path = tmp_file (f, "to-khai.pdf");
  g_autoptr (KysoPortalFile) signed_file = NULL;
  g_autoptr (KysoPortalFile) plain_file = NULL;
  g_autoptr (GPtrArray) history = NULL;
  g_autoptr (GPtrArray) none = NULL;
  g_autoptr (GPtrArray) missing = NULL;
  g_autofree char *when = NULL;
  KysoSigningRecord *r;

  write_signed_pdf (signed_path, json_object_get_string_member (f->base.citizen, "cert_file"),
                    json_object_get_string_member (f->base.citizen, "key_file"));
  pt_write_pdf (plain_path, 2048);
  signed_file = upload (f, c, signed_path, NULL, NULL, &error);
  g_assert_no_error (error);
  plain_file = upload (f, c, plain_path, NULL, NULL, &error);
  g_assert_no_error (error);

  history = signing_history (f, signed_file->id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (history->len, ==, 1);
  r = g_ptr_array_index (history, 0);
  g_assert_cmpstr (r->signer, ==, "Nguyễn Văn An");
  g_assert_cmpstr (r->email, ==, json_object_get_string_member (f->base.citizen, "email"));
  g_assert_cmpstr (r->authority, ==, "VNPT-CA (Sandbox)");
  g_assert_nonnull (r->time);
  when = g_date_time_format_iso8601 (r->time);
  g_assert_cmpstr (when, ==, "2025-06-01T10:01:12+07");

  none = signing_history (f, plain_file->id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (none->len, ==, 0);
  missing = signing_history (f, "no-such-file", &error);
  g_assert_error (error, KYSO_ERROR, KYSO_ERROR_NOT_FOUND);
}

static gboolean
delete_file (Fixture *f, const char *id, GError **error)
{
  g_autoptr (KysoSyncWait) wait = kyso_sync_wait_new ();

  kyso_portal_delete_file_async (f->base.portal, id, NULL, kyso_sync_wait_callback, wait);
  return kyso_portal_delete_file_finish (f->base.portal, kyso_sync_wait_run (wait), error);
}

static void
test_delete_file (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (KysoProcedure) p = get_procedure (f, BIRTH_REGISTRATION, &error);
  g_autofree char *path = tmp_file (f, "nham.pdf");
  g_autoptr (KysoPortalFile) file = NULL;

  pt_write_pdf (path, 4096);
  file = upload (f, kyso_procedure_find_component (p, "van-ban-uy-quyen"), path, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (pt_count_stored (f->base.sb), ==, 1);
  g_assert_true (delete_file (f, file->id, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (pt_count_stored (f->base.sb), ==, 0);
  g_assert_false (delete_file (f, file->id, &error));
  g_assert_error (error, KYSO_ERROR, KYSO_ERROR_NOT_FOUND);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, setup, func, teardown)
  ADD ("/portal/api/procedures", test_procedures);
  ADD ("/portal/api/upload-refused-before-sending", test_upload_refused_before_sending);
  ADD ("/portal/api/upload-progress", test_upload_progress);
  ADD ("/portal/api/upload-cancelled", test_upload_cancelled);
  ADD ("/portal/api/upload-dropped-stored-once", test_upload_dropped_stored_once);
  ADD ("/portal/api/upload-token-expired", test_upload_token_expired);
  ADD ("/portal/api/upload-dropped-token-expired", test_upload_dropped_token_expired);
  ADD ("/portal/api/http500", test_http500);
  ADD ("/portal/api/submit-and-track", test_submit_and_track);
  ADD ("/portal/api/submit-resumes", test_submit_resumes);
  ADD ("/portal/api/submit-refused-locally", test_submit_refused_locally);
  ADD ("/portal/api/signing-history", test_signing_history);
  ADD ("/portal/api/delete-file", test_delete_file);
#undef ADD
  return g_test_run ();
}
