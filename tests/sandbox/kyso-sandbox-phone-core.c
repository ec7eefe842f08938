/* The citizen's "phone": signing transactions and their state, the policy that answers them, the
 * /phone endpoints that answer them by hand, and /control (faults, expiry) for tests. */

#include "kyso-sandbox-private.h"
#include "kyso-sandbox-pki.h"

#include <openssl/evp.h>

#define MAX_TRANSACTIONS 5000

typedef struct
{
  KysoSandboxTxnNotify notify;
  gpointer data;
  GDestroyNotify destroy;
} Waiter;

static void
waiter_free (gpointer p)
{
  Waiter *w = p;

  if (w->destroy != NULL)
    w->destroy (w->data);
  g_free (w);
}

static void
txn_free (gpointer p)
{
  KysoSandboxTxn *txn = p;

  g_clear_handle_id (&txn->policy_source, g_source_remove);
  g_clear_handle_id (&txn->expiry_source, g_source_remove);
  g_ptr_array_unref (txn->waiters);
  g_free (txn->id);
  g_free (txn->client_id);
  g_free (txn->service);
  g_free (txn->description);
  g_ptr_array_unref (txn->doc_ids);
  g_ptr_array_unref (txn->digests);
  g_free (txn->tran_code);
  g_free (txn->fingerprint);
  g_clear_pointer (&txn->signatures, g_ptr_array_unref);
  g_free (txn);
}

const char *
kyso_sandbox_txn_state_to_string (KysoSandboxTxnState state)
{
  switch (state)
    {
      case KYSO_SANDBOX_TXN_APPROVED:
        return "approved";
      case KYSO_SANDBOX_TXN_REFUSED:
        return "refused";
      case KYSO_SANDBOX_TXN_EXPIRED:
        return "expired";
      case KYSO_SANDBOX_TXN_PENDING:
      default:
        return "pending";
    }
}

/* sp769: "tran_code is a UUID" (REAL-SERVICES.md §1). The phone shows the doc_ids, not this. */
char *
kyso_sandbox_tran_code (void)
{
  return g_uuid_string_random ();
}

static gboolean
txn_decide (KysoSandboxTxn *txn, KysoSandboxTxnState state)
{
  KysoSandbox *self = txn->sandbox;
  g_autoptr (GPtrArray) waiters = NULL;

  if (txn->state != KYSO_SANDBOX_TXN_PENDING)
    return FALSE;
  if (state == KYSO_SANDBOX_TXN_APPROVED)
    {
      g_autoptr (GPtrArray) sigs = g_ptr_array_new_with_free_func ((GDestroyNotify)g_bytes_unref);
      for (guint i = 0; i < txn->digests->len; i++)
        {
          g_autoptr (GError) error = NULL;
          GBytes *sig = kyso_sandbox_pki_sign_digest (txn->citizen->key, txn->md_nid,
                                                      g_ptr_array_index (txn->digests, i), &error);
          if (sig == NULL)
            g_error ("kyso-sandbox: %s", error->message);
          g_ptr_array_add (sigs, sig);
        }
      txn->signatures = g_steal_pointer (&sigs);
    }
  txn->state = state;
  txn->decided = g_get_real_time ();
  g_clear_handle_id (&txn->policy_source, g_source_remove);
  g_clear_handle_id (&txn->expiry_source, g_source_remove);
  kyso_sandbox_log (self, "phone: transaction %s %s", txn->id, kyso_sandbox_txn_state_to_string (state));

  waiters = g_steal_pointer (&txn->waiters);
  txn->waiters = g_ptr_array_new_with_free_func (waiter_free);
  for (guint i = 0; i < waiters->len; i++)
    {
      Waiter *w = g_ptr_array_index (waiters, i);
      w->notify (self, txn, w->data);
    }
  return TRUE;
}

static gboolean
policy_cb (gpointer data)
{
  KysoSandboxTxn *txn = data;

  txn->policy_source = 0;
  txn_decide (txn, txn->sandbox->policy == KYSO_SANDBOX_POLICY_APPROVE ? KYSO_SANDBOX_TXN_APPROVED
                                                                       : KYSO_SANDBOX_TXN_REFUSED);
  return G_SOURCE_REMOVE;
}

static gboolean
expiry_cb (gpointer data)
{
  KysoSandboxTxn *txn = data;

  txn->expiry_source = 0;
  txn_decide (txn, KYSO_SANDBOX_TXN_EXPIRED);
  return G_SOURCE_REMOVE;
}

KysoSandboxTxn *
kyso_sandbox_txn_new (KysoSandbox *self, const char *id, const char *service, KysoSandboxCitizen *citizen,
                      const char *description, GPtrArray *doc_ids, GPtrArray *digests, int md_nid,
                      const char *fingerprint)
{
  KysoSandboxTxn *txn = g_new0 (KysoSandboxTxn, 1);

  txn->sandbox = self;
  txn->id = g_strdup (id);
  txn->service = g_strdup (service);
  txn->citizen = citizen;
  txn->description = g_strdup (description != NULL ? description : "");
  txn->doc_ids = doc_ids;
  txn->digests = digests;
  txn->md_nid = md_nid;
  txn->fingerprint = g_strdup (fingerprint);
  txn->tran_code = kyso_sandbox_tran_code ();
  txn->state = KYSO_SANDBOX_TXN_PENDING;
  txn->created = g_get_real_time ();
  txn->expires = txn->created + (gint64)self->expiry_seconds * G_USEC_PER_SEC;
  txn->waiters = g_ptr_array_new_with_free_func (waiter_free);
  txn->expiry_source = g_timeout_add (self->expiry_seconds * 1000, expiry_cb, txn);
  if (self->policy != KYSO_SANDBOX_POLICY_IGNORE)
    txn->policy_source = g_timeout_add (self->policy_delay_ms, policy_cb, txn);

  /* Callers check that @id is new; keep the order list free of a replaced entry all the same. */
  if (g_hash_table_contains (self->txns, id))
    g_ptr_array_remove (self->txn_order, g_hash_table_lookup (self->txns, id));
  /* Bounded, so that a runaway client cannot grow the sandbox without end. */
  if (self->txn_order->len >= MAX_TRANSACTIONS)
    {
      KysoSandboxTxn *oldest = g_ptr_array_index (self->txn_order, 0);
      g_ptr_array_remove_index (self->txn_order, 0);
      g_hash_table_remove (self->txns, oldest->id);
    }
  g_hash_table_replace (self->txns, txn->id, txn);
  g_ptr_array_add (self->txn_order, txn);
  kyso_sandbox_log (self, "phone: new %s transaction %s (%s, %u document(s), code %s)", service, txn->id,
                    citizen->provider, digests->len, txn->tran_code);
  return txn;
}

KysoSandboxTxn *
kyso_sandbox_txn_lookup (KysoSandbox *self, const char *id)
{
  KysoSandboxTxn *txn;

  if (id == NULL)
    return NULL;
  if (g_str_equal (id, "latest"))
    {
      txn = NULL;
      for (guint i = self->txn_order->len; i > 0 && txn == NULL; i--)
        {
          KysoSandboxTxn *t = g_ptr_array_index (self->txn_order, i - 1);
          if (t->state == KYSO_SANDBOX_TXN_PENDING && g_get_real_time () < t->expires)
            txn = t;
        }
    }
  else
    txn = g_hash_table_lookup (self->txns, id);
  /* The phone controls also take the id a client sent (sp769 answers with its own). */
  for (guint i = self->txn_order->len; txn == NULL && i > 0; i--)
    {
      KysoSandboxTxn *t = g_ptr_array_index (self->txn_order, i - 1);
      if (g_strcmp0 (t->client_id, id) == 0)
        txn = t;
    }
  if (txn != NULL && txn->state == KYSO_SANDBOX_TXN_PENDING && g_get_real_time () >= txn->expires)
    txn_decide (txn, KYSO_SANDBOX_TXN_EXPIRED);
  return txn;
}

void
kyso_sandbox_txn_wait (KysoSandbox *self, KysoSandboxTxn *txn, KysoSandboxTxnNotify notify, gpointer data,
                       GDestroyNotify destroy)
{
  Waiter *w = g_new0 (Waiter, 1);

  w->notify = notify;
  w->data = data;
  w->destroy = destroy;
  if (txn->state != KYSO_SANDBOX_TXN_PENDING)
    {
      notify (self, txn, data);
      waiter_free (w);
      return;
    }
  g_ptr_array_add (txn->waiters, w);
}

GPtrArray *
kyso_sandbox_txn_dup_signatures (KysoSandbox *self, KysoSandboxTxn *txn)
{
  GPtrArray *result = g_ptr_array_new_with_free_func ((GDestroyNotify)g_bytes_unref);
  gboolean bad = kyso_sandbox_has_fault (self, "badsig");

  for (guint i = 0; txn->signatures != NULL && i < txn->signatures->len; i++)
    {
      GBytes *sig = g_ptr_array_index (txn->signatures, i);
      if (bad)
        {
          gsize len = 0;
          guchar *copy = g_bytes_unref_to_data (g_bytes_ref (sig), &len);
          copy[len / 2] ^= 0x5a;
          g_ptr_array_add (result, g_bytes_new_take (copy, len));
        }
      else
        g_ptr_array_add (result, g_bytes_ref (sig));
    }
  return result;
}

static void
add_time (JsonBuilder *b, const char *name, gint64 usec)
{
  g_autofree char *text = usec != 0 ? kyso_sandbox_format_time (usec / G_USEC_PER_SEC) : NULL;

  json_builder_set_member_name (b, name);
  if (text != NULL)
    json_builder_add_string_value (b, text);
  else
    json_builder_add_null_value (b);
}

JsonNode *
kyso_sandbox_txn_to_json (KysoSandboxTxn *txn)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "id");
  json_builder_add_string_value (b, txn->id);
  json_builder_set_member_name (b, "client_id");
  if (txn->client_id != NULL)
    json_builder_add_string_value (b, txn->client_id);
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "service");
  json_builder_add_string_value (b, txn->service);
  json_builder_set_member_name (b, "provider");
  json_builder_add_string_value (b, txn->citizen->provider);
  json_builder_set_member_name (b, "user");
  json_builder_add_string_value (b, txn->citizen->cccd);
  json_builder_set_member_name (b, "name");
  json_builder_add_string_value (b, txn->citizen->name);
  json_builder_set_member_name (b, "description");
  json_builder_add_string_value (b, txn->description);
  json_builder_set_member_name (b, "documents");
  json_builder_begin_array (b);
  for (guint i = 0; i < txn->doc_ids->len; i++)
    json_builder_add_string_value (b, g_ptr_array_index (txn->doc_ids, i));
  json_builder_end_array (b);
  json_builder_set_member_name (b, "tran_code");
  json_builder_add_string_value (b, txn->tran_code);
  json_builder_set_member_name (b, "state");
  json_builder_add_string_value (b, kyso_sandbox_txn_state_to_string (txn->state));
  add_time (b, "created", txn->created);
  add_time (b, "expires", txn->expires);
  add_time (b, "decided", txn->decided);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

/* --- policy ----------------------------------------------------------------------------------- */

gboolean
kyso_sandbox_phone_set_policy (KysoSandbox *self, const char *policy, GError **error)
{
  KysoSandboxPolicyKind kind;
  double seconds = 0;
  const char *value = NULL;

  if (g_str_equal (policy, "ignore"))
    kind = KYSO_SANDBOX_POLICY_IGNORE;
  else if (g_str_equal (policy, "approve"))
    kind = KYSO_SANDBOX_POLICY_APPROVE;
  else if (g_str_equal (policy, "refuse"))
    kind = KYSO_SANDBOX_POLICY_REFUSE;
  else if (g_str_has_prefix (policy, "approve-after="))
    kind = KYSO_SANDBOX_POLICY_APPROVE, value = policy + strlen ("approve-after=");
  else if (g_str_has_prefix (policy, "refuse-after="))
    kind = KYSO_SANDBOX_POLICY_REFUSE, value = policy + strlen ("refuse-after=");
  else
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "Unknown phone policy “%s” (ignore, approve, approve-after=SECONDS, refuse, "
                   "refuse-after=SECONDS)",
                   policy);
      return FALSE;
    }
  if (value != NULL)
    {
      char *end = NULL;
      seconds = g_ascii_strtod (value, &end);
      if (end == value || *end != '\0' || !(seconds >= 0 && seconds <= 3600))
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, "Bad delay in phone policy “%s”",
                       policy);
          return FALSE;
        }
    }
  self->policy = kind;
  self->policy_delay_ms = (guint)(seconds * 1000);
  return TRUE;
}

char *
kyso_sandbox_phone_dup_policy (KysoSandbox *self)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  if (self->policy == KYSO_SANDBOX_POLICY_IGNORE)
    return g_strdup ("ignore");
  g_ascii_formatd (buf, sizeof buf, "%g", self->policy_delay_ms / 1000.0);
  return g_strdup_printf ("%s-after=%s", self->policy == KYSO_SANDBOX_POLICY_APPROVE ? "approve" : "refuse",
                          buf);
}

/* --- /phone ----------------------------------------------------------------------------------- */

static void
reply_policy (KysoSandbox *self, SoupServerMessage *msg)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (JsonNode) node = NULL;
  g_autofree char *policy = kyso_sandbox_phone_dup_policy (self);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "policy");
  json_builder_add_string_value (b, policy);
  json_builder_end_object (b);
  node = json_builder_get_root (b);
  kyso_sandbox_reply_json (self, msg, SOUP_STATUS_OK, node);
}

static void
handle_policy (KysoSandbox *self, SoupServerMessage *msg, const char *method)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) req = NULL;
  const char *policy;

  if (g_str_equal (method, "POST"))
    {
      if ((req = kyso_sandbox_parse_request (msg, &error)) == NULL || !JSON_NODE_HOLDS_OBJECT (req)
          || (policy
              = json_object_get_string_member_with_default (json_node_get_object (req), "policy", NULL))
               == NULL)
        {
          kyso_sandbox_reply_error (self, msg, 400, "invalid_request", "Expected {\"policy\": \"…\"}");
          return;
        }
      if (!kyso_sandbox_phone_set_policy (self, policy, &error))
        {
          kyso_sandbox_reply_error (self, msg, 400, "invalid_request", error->message);
          return;
        }
      kyso_sandbox_log (self, "phone: policy %s", policy);
    }
  reply_policy (self, msg);
}

static void
handle_list (KysoSandbox *self, SoupServerMessage *msg, GHashTable *query)
{
  const char *state = query != NULL ? g_hash_table_lookup (query, "state") : NULL;
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (JsonNode) node = NULL;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "transactions");
  json_builder_begin_array (b);
  for (guint i = 0; i < self->txn_order->len; i++)
    {
      KysoSandboxTxn *txn = g_ptr_array_index (self->txn_order, i);
      kyso_sandbox_txn_lookup (self, txn->id); /* expires it when due */
      if (state == NULL || g_str_equal (state, kyso_sandbox_txn_state_to_string (txn->state)))
        json_builder_add_value (b, kyso_sandbox_txn_to_json (txn));
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  node = json_builder_get_root (b);
  kyso_sandbox_reply_json (self, msg, SOUP_STATUS_OK, node);
}

static void
handle_transaction (KysoSandbox *self, SoupServerMessage *msg, const char *method, const char *id,
                    const char *action)
{
  KysoSandboxTxn *txn = kyso_sandbox_txn_lookup (self, id);
  g_autoptr (JsonNode) node = NULL;

  if (txn == NULL)
    {
      kyso_sandbox_reply_error (self, msg, 404, "not_found", "No such transaction");
      return;
    }
  if (action != NULL)
    {
      KysoSandboxTxnState wanted;
      if (!g_str_equal (method, "POST"))
        {
          kyso_sandbox_reply_error (self, msg, 405, "invalid_request", "Use POST");
          return;
        }
      if (g_str_equal (action, "approve"))
        wanted = KYSO_SANDBOX_TXN_APPROVED;
      else if (g_str_equal (action, "refuse"))
        wanted = KYSO_SANDBOX_TXN_REFUSED;
      else
        {
          kyso_sandbox_reply_error (self, msg, 404, "not_found", "Unknown action (approve, refuse)");
          return;
        }
      if (!txn_decide (txn, wanted))
        {
          g_autoptr (JsonBuilder) b = json_builder_new ();
          json_builder_begin_object (b);
          json_builder_set_member_name (b, "error");
          json_builder_add_string_value (b, "not_pending");
          json_builder_set_member_name (b, "state");
          json_builder_add_string_value (b, kyso_sandbox_txn_state_to_string (txn->state));
          json_builder_end_object (b);
          node = json_builder_get_root (b);
          kyso_sandbox_reply_json (self, msg, 409, node);
          return;
        }
    }
  node = kyso_sandbox_txn_to_json (txn);
  kyso_sandbox_reply_json (self, msg, SOUP_STATUS_OK, node);
}

static void
phone_handler (SoupServer *server, SoupServerMessage *msg, const char *path, GHashTable *query,
               gpointer user_data)
{
  KysoSandbox *self = user_data;
  const char *method = soup_server_message_get_method (msg);
  g_auto (GStrv) parts = g_strsplit (path + strlen ("/phone"), "/", -1);
  guint n = g_strv_length (parts);

  /* parts[0] is "" (the path goes on with '/'). */
  if (n == 2 && g_str_equal (parts[1], "policy"))
    handle_policy (self, msg, method);
  else if (n == 2 && g_str_equal (parts[1], "transactions"))
    handle_list (self, msg, query);
  else if (n == 2 && *parts[1] != '\0')
    handle_transaction (self, msg, method, parts[1], NULL);
  else if (n == 3 && *parts[1] != '\0')
    handle_transaction (self, msg, method, parts[1], parts[2]);
  else
    kyso_sandbox_reply_error (self, msg, 404, "not_found", "See tests/sandbox/README.md");
}

/* --- /control --------------------------------------------------------------------------------- */

static void
reply_faults (KysoSandbox *self, SoupServerMessage *msg)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (JsonNode) node = NULL;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "faults");
  json_builder_add_value (b, kyso_sandbox_dup_fault_list (self));
  json_builder_set_member_name (b, "expiry_seconds");
  json_builder_add_int_value (b, self->expiry_seconds);
  json_builder_end_object (b);
  node = json_builder_get_root (b);
  kyso_sandbox_reply_json (self, msg, SOUP_STATUS_OK, node);
}

static void
control_handler (SoupServer *server, SoupServerMessage *msg, const char *path, GHashTable *query,
                 gpointer user_data)
{
  KysoSandbox *self = user_data;
  gboolean post = g_str_equal (soup_server_message_get_method (msg), "POST");
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) req = post ? kyso_sandbox_parse_request (msg, &error) : NULL;
  JsonObject *o = req != NULL && JSON_NODE_HOLDS_OBJECT (req) ? json_node_get_object (req) : NULL;

  if (post && o == NULL)
    {
      kyso_sandbox_reply_error (self, msg, 400, "invalid_request", "Expected a JSON object");
      return;
    }
  if (g_str_equal (path, "/control/fault") && post)
    {
      const char *fault = json_object_get_string_member_with_default (o, "fault", NULL);
      if (json_object_get_boolean_member_with_default (o, "clear", FALSE))
        kyso_sandbox_clear_faults (self);
      if (fault != NULL && !json_object_get_boolean_member_with_default (o, "enabled", TRUE))
        kyso_sandbox_remove_fault (self, fault);
      else if (fault != NULL && !kyso_sandbox_add_fault (self, fault, &error))
        {
          kyso_sandbox_reply_error (self, msg, 400, "invalid_request", error->message);
          return;
        }
      kyso_sandbox_log (self, "control: faults changed");
      reply_faults (self, msg);
    }
  else if (g_str_equal (path, "/control/fault"))
    reply_faults (self, msg);
  else if (g_str_equal (path, "/control/requests") && post)
    {
      g_autoptr (JsonNode) node = NULL;
      if (json_object_get_boolean_member_with_default (o, "clear", FALSE))
        kyso_sandbox_clear_recorded (self);
      node = kyso_sandbox_dup_recorded (self);
      kyso_sandbox_reply_json (self, msg, SOUP_STATUS_OK, node);
    }
  else if (g_str_equal (path, "/control/requests"))
    {
      g_autoptr (JsonNode) node = kyso_sandbox_dup_recorded (self);
      kyso_sandbox_reply_json (self, msg, SOUP_STATUS_OK, node);
    }
  else if (g_str_equal (path, "/control/expiry") && post)
    {
      gint64 seconds = json_object_get_int_member_with_default (o, "seconds", 0);
      if (seconds < 1 || seconds > 86400)
        {
          kyso_sandbox_reply_error (self, msg, 400, "invalid_request", "seconds must be 1…86400");
          return;
        }
      self->expiry_seconds = (guint)seconds;
      reply_faults (self, msg);
    }
  else
    kyso_sandbox_reply_error (self, msg, 404, "not_found", "See tests/sandbox/README.md");
}

void
kyso_sandbox_phone_install (KysoSandbox *self)
{
  self->txns = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, txn_free);
  self->txn_order = g_ptr_array_new ();
  kyso_sandbox_add_handler (self, "/phone", phone_handler, self);
  kyso_sandbox_add_handler (self, "/control", control_handler, self);
  {
    g_autofree char *phone = kyso_sandbox_dup_url (self, "/phone/");
    g_autofree char *control = kyso_sandbox_dup_url (self, "/control/");
    kyso_sandbox_set_url (self, "phone", phone);
    kyso_sandbox_set_url (self, "control", control);
  }
}
