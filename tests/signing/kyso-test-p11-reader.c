/* A PKCS#11 module for tests that puts SoftHSM2 behind the parts of a USB token's reader that
 * SoftHSM2 itself does not have: a PIN retry counter that locks the token, a PIN pad (protected
 * authentication path) and pulling the token out. Every call goes on to the real SoftHSM2 module;
 * only the behaviour of those three is added, driven by files so that several processes (the
 * test, kyso-cli) see one state:
 *
 *   KYSO_TEST_P11_TARGET     the real module (default: Debian's libsofthsm2.so)
 *   KYSO_TEST_P11_STATE      a folder; for the token labelled L:
 *     L.max-tries            wrong PINs in a row that lock it (absent: no counting)
 *     L.failures             wrong PINs so far (written by this module)
 *     L.pinpad               the PIN "typed on the keypad" (its presence sets the protected
 *                            authentication path; C_Login with no PIN uses it)
 *     L.unplugged            while it exists the token is out of the reader
 */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <p11-kit/pkcs11.h>

#define DEFAULT_TARGET "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so"

static CK_FUNCTION_LIST real;
static CK_FUNCTION_LIST shim;
static int ready;

/* State files are named after the token's label (the slot numbers SoftHSM2 gives change with
 * each token made). */
static void
state_path (char *buf, size_t len, CK_SLOT_ID slot, const char *what)
{
  const char *dir = getenv ("KYSO_TEST_P11_STATE");
  CK_TOKEN_INFO info;
  char label[33];
  size_t n = sizeof info.label;

  memset (&info, 0, sizeof info);
  if (real.C_GetTokenInfo (slot, &info) != CKR_OK)
    n = 0;
  memcpy (label, info.label, n);
  while (n > 0 && label[n - 1] == ' ')
    n--;
  label[n] = '\0';
  snprintf (buf, len, "%s/%s.%s", dir != NULL ? dir : "/nonexistent", label, what);
}

static int
state_exists (CK_SLOT_ID slot, const char *what)
{
  char path[4096];
  state_path (path, sizeof path, slot, what);
  return access (path, F_OK) == 0;
}

/* The file's first line, or NULL. */
static char *
state_read (CK_SLOT_ID slot, const char *what)
{
  char path[4096], line[256];
  FILE *f;

  state_path (path, sizeof path, slot, what);
  if ((f = fopen (path, "r")) == NULL)
    return NULL;
  if (fgets (line, sizeof line, f) == NULL)
    line[0] = '\0';
  fclose (f);
  line[strcspn (line, "\r\n")] = '\0';
  return strdup (line);
}

static long
state_number (CK_SLOT_ID slot, const char *what, long fallback)
{
  char *s = state_read (slot, what);
  long n = s != NULL && *s != '\0' ? strtol (s, NULL, 10) : fallback;
  free (s);
  return n;
}

static void
state_write_number (CK_SLOT_ID slot, const char *what, long n)
{
  char path[4096];
  FILE *f;

  state_path (path, sizeof path, slot, what);
  if ((f = fopen (path, "w")) != NULL)
    {
      fprintf (f, "%ld\n", n);
      fclose (f);
    }
}

static int
session_slot (CK_SESSION_HANDLE session, CK_SLOT_ID *slot)
{
  CK_SESSION_INFO info;
  if (real.C_GetSessionInfo (session, &info) != CKR_OK)
    return 0;
  *slot = info.slotID;
  return 1;
}

static int
session_unplugged (CK_SESSION_HANDLE session)
{
  CK_SLOT_ID slot;
  return session_slot (session, &slot) && state_exists (slot, "unplugged");
}

static CK_RV
shim_GetSlotList (CK_BBOOL present, CK_SLOT_ID_PTR list, CK_ULONG_PTR count)
{
  CK_SLOT_ID all[64];
  CK_ULONG n = 64, kept = 0;
  CK_RV rv;

  if (!present)
    return real.C_GetSlotList (present, list, count);
  rv = real.C_GetSlotList (present, all, &n);
  if (rv != CKR_OK)
    return rv;
  for (CK_ULONG i = 0; i < n; i++)
    if (!state_exists (all[i], "unplugged"))
      {
        if (list != NULL && kept < *count)
          list[kept] = all[i];
        kept++;
      }
  if (list != NULL && kept > *count)
    {
      *count = kept;
      return CKR_BUFFER_TOO_SMALL;
    }
  *count = kept;
  return CKR_OK;
}

static CK_RV
shim_GetSlotInfo (CK_SLOT_ID slot, CK_SLOT_INFO_PTR info)
{
  CK_RV rv = real.C_GetSlotInfo (slot, info);
  if (rv == CKR_OK && state_exists (slot, "unplugged"))
    info->flags &= ~CKF_TOKEN_PRESENT;
  return rv;
}

static CK_RV
shim_GetTokenInfo (CK_SLOT_ID slot, CK_TOKEN_INFO_PTR info)
{
  long max, failures;
  CK_RV rv;

  if (state_exists (slot, "unplugged"))
    return CKR_TOKEN_NOT_PRESENT;
  rv = real.C_GetTokenInfo (slot, info);
  if (rv != CKR_OK)
    return rv;
  max = state_number (slot, "max-tries", 0);
  failures = state_number (slot, "failures", 0);
  if (max > 0 && failures > 0)
    info->flags |= CKF_USER_PIN_COUNT_LOW;
  if (max > 0 && failures == max - 1)
    info->flags |= CKF_USER_PIN_FINAL_TRY;
  if (max > 0 && failures >= max)
    info->flags |= CKF_USER_PIN_LOCKED;
  if (state_exists (slot, "pinpad"))
    info->flags |= CKF_PROTECTED_AUTHENTICATION_PATH;
  return CKR_OK;
}

static CK_RV
shim_OpenSession (CK_SLOT_ID slot, CK_FLAGS flags, CK_VOID_PTR app, CK_NOTIFY notify,
                  CK_SESSION_HANDLE_PTR session)
{
  if (state_exists (slot, "unplugged"))
    return CKR_TOKEN_NOT_PRESENT;
  return real.C_OpenSession (slot, flags, app, notify, session);
}

static CK_RV
shim_Login (CK_SESSION_HANDLE session, CK_USER_TYPE user, CK_UTF8CHAR_PTR pin, CK_ULONG len)
{
  CK_SLOT_ID slot;
  long max, failures;
  char *pad = NULL;
  CK_RV rv;

  if (!session_slot (session, &slot))
    return real.C_Login (session, user, pin, len);
  if (state_exists (slot, "unplugged"))
    return CKR_DEVICE_REMOVED;
  max = state_number (slot, "max-tries", 0);
  failures = state_number (slot, "failures", 0);
  if (user == CKU_USER && max > 0 && failures >= max)
    return CKR_PIN_LOCKED;
  if (pin == NULL && (pad = state_read (slot, "pinpad")) != NULL)
    {
      pin = (CK_UTF8CHAR_PTR)pad;
      len = strlen (pad);
    }
  else if (pin == NULL)
    return CKR_ARGUMENTS_BAD;
  rv = real.C_Login (session, user, pin, len);
  free (pad);
  if (user == CKU_USER && max > 0)
    {
      if (rv == CKR_PIN_INCORRECT)
        state_write_number (slot, "failures", failures + 1);
      else if (rv == CKR_OK)
        state_write_number (slot, "failures", 0);
    }
  return rv;
}

static CK_RV
shim_SignInit (CK_SESSION_HANDLE session, CK_MECHANISM_PTR mech, CK_OBJECT_HANDLE key)
{
  if (session_unplugged (session))
    return CKR_DEVICE_REMOVED;
  return real.C_SignInit (session, mech, key);
}

static CK_RV
shim_Sign (CK_SESSION_HANDLE session, CK_BYTE_PTR data, CK_ULONG len, CK_BYTE_PTR sig, CK_ULONG_PTR sig_len)
{
  if (session_unplugged (session))
    return CKR_DEVICE_REMOVED;
  return real.C_Sign (session, data, len, sig, sig_len);
}

static CK_RV
shim_FindObjectsInit (CK_SESSION_HANDLE session, CK_ATTRIBUTE_PTR tmpl, CK_ULONG n)
{
  if (session_unplugged (session))
    return CKR_DEVICE_REMOVED;
  return real.C_FindObjectsInit (session, tmpl, n);
}

static CK_RV
shim_GetAttributeValue (CK_SESSION_HANDLE session, CK_OBJECT_HANDLE object, CK_ATTRIBUTE_PTR tmpl, CK_ULONG n)
{
  if (session_unplugged (session))
    return CKR_DEVICE_REMOVED;
  return real.C_GetAttributeValue (session, object, tmpl, n);
}

CK_RV
C_GetFunctionList (CK_FUNCTION_LIST_PTR_PTR list);

CK_RV
C_GetFunctionList (CK_FUNCTION_LIST_PTR_PTR list)
{
  if (!ready)
    {
      const char *target = getenv ("KYSO_TEST_P11_TARGET");
      void *handle = dlopen (target != NULL ? target : DEFAULT_TARGET, RTLD_NOW | RTLD_LOCAL);
      CK_C_GetFunctionList get;
      CK_FUNCTION_LIST_PTR inner = NULL;

      if (handle == NULL)
        return CKR_GENERAL_ERROR;
      get = (CK_C_GetFunctionList)dlsym (handle, "C_GetFunctionList");
      if (get == NULL || get (&inner) != CKR_OK || inner == NULL)
        return CKR_GENERAL_ERROR;
      real = *inner;
      shim = *inner;
      shim.C_GetSlotList = shim_GetSlotList;
      shim.C_GetSlotInfo = shim_GetSlotInfo;
      shim.C_GetTokenInfo = shim_GetTokenInfo;
      shim.C_OpenSession = shim_OpenSession;
      shim.C_Login = shim_Login;
      shim.C_SignInit = shim_SignInit;
      shim.C_Sign = shim_Sign;
      shim.C_FindObjectsInit = shim_FindObjectsInit;
      shim.C_GetAttributeValue = shim_GetAttributeValue;
      ready = 1;
    }
  *list = &shim;
  return CKR_OK;
}
