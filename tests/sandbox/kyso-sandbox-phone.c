/* kyso-sandbox-phone: the citizen's thumb on the sandbox's phone, for tests and demos.
 *
 *   kyso-sandbox-phone [--state DIR] [--json] approve|refuse [ID|latest]
 *   kyso-sandbox-phone [--state DIR] policy POLICY | list | fault MODE… | fault --clear | expiry SECONDS
 *
 * It reads DIR/sandbox.json (DIR defaults to $KYSO_SANDBOX_STATE) for the address and the CA. */

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <locale.h>
#include <stdlib.h>

typedef struct
{
  SoupSession *session;
  char *base_url;
  gboolean json;
} Phone;

static int
usage (void)
{
  g_printerr ("Usage: kyso-sandbox-phone [--state DIR] [--json] COMMAND\n"
              "  approve [ID|latest]    approve a pending transaction (default: the latest)\n"
              "  refuse [ID|latest]     refuse it\n"
              "  policy POLICY          ignore | approve | approve-after=S | refuse | refuse-after=S\n"
              "  list                   list the transactions\n"
              "  fault MODE…            add faults (see tests/sandbox/README.md); fault --clear removes all\n"
              "  expiry SECONDS         lifetime of new transactions\n");
  return 2;
}

/* Sends @body (or GET when NULL) and returns the parsed answer; FALSE when unreachable or >= 400. */
static gboolean
call (Phone *phone, const char *path, const char *body, JsonNode **out)
{
  g_autofree char *url = g_strconcat (phone->base_url, path, NULL);
  g_autoptr (SoupMessage) msg = soup_message_new (body != NULL ? "POST" : "GET", url);
  g_autoptr (GBytes) answer = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonParser) parser = json_parser_new ();
  gsize len = 0;
  const char *data;
  guint status;

  if (msg == NULL)
    {
      g_printerr ("kyso-sandbox-phone: bad transaction id\n");
      return FALSE;
    }
  if (body != NULL)
    {
      g_autoptr (GBytes) bytes = g_bytes_new (body, strlen (body));
      soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
    }
  answer = soup_session_send_and_read (phone->session, msg, NULL, &error);
  if (answer == NULL)
    {
      g_printerr ("kyso-sandbox-phone: cannot reach the sandbox at %s: %s\n", phone->base_url,
                  error->message);
      return FALSE;
    }
  status = soup_message_get_status (msg);
  data = g_bytes_get_data (answer, &len);
  if (phone->json)
    g_print ("%.*s\n", (int)len, data);
  if (json_parser_load_from_data (parser, data, (gssize)len, NULL) && json_parser_get_root (parser) != NULL)
    *out = json_node_ref (json_parser_get_root (parser));
  if (status >= 400)
    {
      JsonObject *o = *out != NULL && JSON_NODE_HOLDS_OBJECT (*out) ? json_node_get_object (*out) : NULL;
      const char *err
        = o != NULL ? json_object_get_string_member_with_default (o, "error", "error") : "error";
      const char *state = o != NULL ? json_object_get_string_member_with_default (o, "state", NULL) : NULL;
      const char *desc
        = o != NULL ? json_object_get_string_member_with_default (o, "error_description", "") : "";
      g_printerr ("kyso-sandbox-phone: %u %s%s%s %s\n", status, err, state != NULL ? ": " : "",
                  state != NULL ? state : "", desc);
      return FALSE;
    }
  return TRUE;
}

/* What the phone shows: the codes (doc_id) of the documents, next to the transaction. */
static void
print_transaction (JsonObject *t)
{
  JsonArray *docs = json_object_get_array_member (t, "documents");
  g_autoptr (GString) codes = g_string_new (NULL);

  for (guint i = 0; docs != NULL && i < json_array_get_length (docs); i++)
    g_string_append_printf (codes, "%s%s", i ? "," : "", json_array_get_string_element (docs, i));
  g_print ("%s\t%s\t%s\t%s\t%s\t%s\n", json_object_get_string_member_with_default (t, "id", ""),
           json_object_get_string_member_with_default (t, "state", ""), codes->str,
           json_object_get_string_member_with_default (t, "service", ""),
           json_object_get_string_member_with_default (t, "provider", ""),
           json_object_get_string_member_with_default (t, "name", ""));
}

static char *
json_string_body (const char *member, const char *value)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (JsonNode) node = NULL;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, member);
  json_builder_add_string_value (b, value);
  json_builder_end_object (b);
  node = json_builder_get_root (b);
  return json_to_string (node, FALSE);
}

static int
run (Phone *phone, int argc, char **argv)
{
  const char *cmd = argv[0];
  g_autoptr (JsonNode) answer = NULL;

  if (g_str_equal (cmd, "approve") || g_str_equal (cmd, "refuse"))
    {
      const char *id = argc > 1 ? argv[1] : "latest";
      g_autofree char *escaped = g_uri_escape_string (id, NULL, FALSE);
      g_autofree char *path = g_strdup_printf ("/phone/%s/%s", escaped, cmd);
      if (argc > 2)
        return usage ();
      if (!call (phone, path, "{}", &answer))
        return 1;
      if (!phone->json)
        print_transaction (json_node_get_object (answer));
      return 0;
    }
  if (g_str_equal (cmd, "policy") && argc == 2)
    {
      g_autofree char *body = json_string_body ("policy", argv[1]);
      return call (phone, "/phone/policy", body, &answer) ? 0 : 1;
    }
  if (g_str_equal (cmd, "list") && argc == 1)
    {
      JsonArray *list;
      if (!call (phone, "/phone/transactions", NULL, &answer))
        return 1;
      list = json_object_get_array_member (json_node_get_object (answer), "transactions");
      for (guint i = 0; !phone->json && i < json_array_get_length (list); i++)
        print_transaction (json_array_get_object_element (list, i));
      return 0;
    }
  if (g_str_equal (cmd, "fault") && argc >= 2)
    {
      if (g_str_equal (argv[1], "--clear"))
        return argc == 2 && call (phone, "/control/fault", "{\"clear\": true}", &answer) ? 0 : 1;
      for (int i = 1; i < argc; i++)
        {
          g_autofree char *body = json_string_body ("fault", argv[i]);
          g_clear_pointer (&answer, json_node_unref);
          if (!call (phone, "/control/fault", body, &answer))
            return 1;
        }
      return 0;
    }
  if (g_str_equal (cmd, "expiry") && argc == 2)
    {
      g_autofree char *body = g_strdup_printf ("{\"seconds\": %d}", atoi (argv[1]));
      return call (phone, "/control/expiry", body, &answer) ? 0 : 1;
    }
  return usage ();
}

int
main (int argc, char *argv[])
{
  g_autofree char *state = NULL;
  gboolean json = FALSE;
  GOptionEntry entries[] = {
    { "state", 0, 0, G_OPTION_ARG_FILENAME, &state, "The sandbox's state dir ($KYSO_SANDBOX_STATE)", "DIR" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print the sandbox's JSON answers", NULL },
    { NULL },
  };
  g_autoptr (GOptionContext) context = g_option_context_new ("COMMAND [ARGS…]");
  g_autoptr (GError) error = NULL;
  g_autofree char *info_path = NULL;
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GTlsDatabase) db = NULL;
  JsonObject *info;
  Phone phone = { 0 };
  int status;

  setlocale (LC_ALL, "");
  g_option_context_add_main_entries (context, entries, NULL);
  /* "fault --clear" is an argument of ours, not an option. */
  g_option_context_set_ignore_unknown_options (context, TRUE);
  if (!g_option_context_parse (context, &argc, &argv, &error) || argc < 2)
    return usage ();
  if (state == NULL)
    state = g_strdup (g_getenv ("KYSO_SANDBOX_STATE"));
  if (state == NULL)
    return usage ();
  info_path = g_build_filename (state, "sandbox.json", NULL);
  if (!json_parser_load_from_mapped_file (parser, info_path, &error)
      || !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      g_printerr ("kyso-sandbox-phone: cannot read %s: %s\n", info_path,
                  error != NULL ? error->message : "not an object");
      return 1;
    }
  info = json_node_get_object (json_parser_get_root (parser));
  db = g_tls_file_database_new (json_object_get_string_member_with_default (info, "ca_file", ""), &error);
  if (db == NULL)
    {
      g_printerr ("kyso-sandbox-phone: %s\n", error->message);
      return 1;
    }
  phone.session = soup_session_new_with_options ("tls-database", db, "timeout", 30, NULL);
  phone.base_url = g_strdup (json_object_get_string_member_with_default (info, "base_url", ""));
  phone.json = json;
  status = run (&phone, argc - 1, argv + 1);
  g_object_unref (phone.session);
  g_free (phone.base_url);
  return status;
}
