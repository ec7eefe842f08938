/* Test tool: puts a certificate on a SoftHSM2 token through PKCS#11 (softhsm2-util imports keys
 * only). SoftHSM2 is found among the modules p11-kit registers; SOFTHSM2_CONF says which tokens.
 *
 *   kyso-test-token-import --module-path                 prints SoftHSM2's module file
 *   kyso-test-token-import LABEL PIN CERT.pem ID-HEX     adds CERT with CKA_ID = ID-HEX
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <p11-kit/p11-kit.h>
#include <p11-kit/pkcs11.h>

static CK_FUNCTION_LIST *
find_softhsm (CK_FUNCTION_LIST **modules)
{
  for (guint i = 0; modules != NULL && modules[i] != NULL; i++)
    {
      char *name = p11_kit_module_get_name (modules[i]);
      gboolean match = g_strcmp0 (name, "softhsm2") == 0;
      free (name);
      if (match)
        return modules[i];
    }
  return NULL;
}

static void
fail (const char *what, CK_RV rv)
{
  fprintf (stderr, "kyso-test-token-import: %s: %s\n", what, p11_kit_strerror (rv));
  exit (1);
}

static CK_SLOT_ID
find_slot (CK_FUNCTION_LIST *m, const char *label)
{
  CK_SLOT_ID slots[64];
  CK_ULONG n = G_N_ELEMENTS (slots);
  CK_RV rv = m->C_GetSlotList (CK_TRUE, slots, &n);

  if (rv != CKR_OK)
    fail ("C_GetSlotList", rv);
  for (CK_ULONG i = 0; i < n; i++)
    {
      CK_TOKEN_INFO info;
      char *l;
      gboolean match;

      if (m->C_GetTokenInfo (slots[i], &info) != CKR_OK)
        continue;
      l = p11_kit_space_strdup (info.label, sizeof info.label);
      match = g_strcmp0 (l, label) == 0;
      free (l);
      if (match)
        return slots[i];
    }
  fprintf (stderr, "kyso-test-token-import: no token labelled %s\n", label);
  exit (1);
}

static guint8 *
to_der (int len, unsigned char *der)
{
  if (len <= 0)
    exit (1);
  return der;
}

int
main (int argc, char **argv)
{
  CK_FUNCTION_LIST **modules = p11_kit_modules_load_and_initialize (0);
  CK_FUNCTION_LIST *m = find_softhsm (modules);
  CK_OBJECT_CLASS klass = CKO_CERTIFICATE;
  CK_CERTIFICATE_TYPE cert_type = CKC_X_509;
  CK_BBOOL yes = CK_TRUE, no = CK_FALSE;
  CK_SESSION_HANDLE session;
  CK_OBJECT_HANDLE object;
  unsigned char *cert_der = NULL, *subject = NULL, *issuer = NULL, *serial = NULL;
  int cert_len, subject_len, issuer_len, serial_len;
  g_autofree guint8 *id = NULL;
  gsize id_len;
  X509 *cert;
  FILE *f;
  CK_RV rv;

  if (m == NULL)
    {
      fprintf (stderr, "kyso-test-token-import: SoftHSM2 is not registered with p11-kit\n");
      return 1;
    }
  if (argc == 2 && strcmp (argv[1], "--module-path") == 0)
    {
      char *path = p11_kit_module_get_filename (m);
      printf ("%s\n", path);
      free (path);
      p11_kit_modules_finalize_and_release (modules);
      return 0;
    }
  if (argc != 5)
    {
      fprintf (stderr, "usage: kyso-test-token-import LABEL PIN CERT.pem ID-HEX\n");
      return 2;
    }
  if ((f = fopen (argv[3], "r")) == NULL || (cert = PEM_read_X509 (f, NULL, NULL, NULL)) == NULL)
    {
      fprintf (stderr, "kyso-test-token-import: cannot read %s\n", argv[3]);
      return 1;
    }
  fclose (f);
  cert_len = i2d_X509 (cert, &cert_der);
  subject_len = i2d_X509_NAME (X509_get_subject_name (cert), &subject);
  issuer_len = i2d_X509_NAME (X509_get_issuer_name (cert), &issuer);
  serial_len = i2d_ASN1_INTEGER (X509_get_serialNumber (cert), &serial);
  id_len = strlen (argv[4]) / 2;
  id = g_malloc (id_len);
  for (gsize i = 0; i < id_len; i++)
    {
      char hex[3] = { argv[4][2 * i], argv[4][2 * i + 1], 0 };
      id[i] = (guint8)strtoul (hex, NULL, 16);
    }

  rv = m->C_OpenSession (find_slot (m, argv[1]), CKF_SERIAL_SESSION | CKF_RW_SESSION, NULL, NULL, &session);
  if (rv != CKR_OK)
    fail ("C_OpenSession", rv);
  rv = m->C_Login (session, CKU_USER, (CK_UTF8CHAR *)argv[2], strlen (argv[2]));
  if (rv != CKR_OK)
    fail ("C_Login", rv);
  {
    CK_ATTRIBUTE tmpl[] = {
      { CKA_CLASS, &klass, sizeof klass },
      { CKA_CERTIFICATE_TYPE, &cert_type, sizeof cert_type },
      { CKA_TOKEN, &yes, sizeof yes },
      { CKA_PRIVATE, &no, sizeof no },
      { CKA_LABEL, argv[4], strlen (argv[4]) },
      { CKA_ID, id, id_len },
      { CKA_SUBJECT, to_der (subject_len, subject), (CK_ULONG)subject_len },
      { CKA_ISSUER, to_der (issuer_len, issuer), (CK_ULONG)issuer_len },
      { CKA_SERIAL_NUMBER, to_der (serial_len, serial), (CK_ULONG)serial_len },
      { CKA_VALUE, to_der (cert_len, cert_der), (CK_ULONG)cert_len },
    };
    rv = m->C_CreateObject (session, tmpl, G_N_ELEMENTS (tmpl), &object);
    if (rv != CKR_OK)
      fail ("C_CreateObject", rv);
  }
  m->C_Logout (session);
  m->C_CloseSession (session);
  OPENSSL_free (cert_der);
  OPENSSL_free (subject);
  OPENSSL_free (issuer);
  OPENSSL_free (serial);
  X509_free (cert);
  p11_kit_modules_finalize_and_release (modules);
  return 0;
}
