#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Kyso's configuration file: service addresses and trust settings, never secrets.
 * Format (GKeyFile), all keys optional:
 *
 *   [tls]       ca_file=PEM of extra trust anchors for every HTTPS service (the sandbox root)
 *   [tsa]       url=RFC 3161 time-stamp authority
 *   [trust]     anchors=PEM;PEM;…  (verification trust anchors besides the system store)
 *   [neac]      url=…/v1/   sp_id=…   (sp_password lives in the Secret Service)
 *   [csc]       url=…/csc/v2/   client_id=…
 *   [portal]    province=<preset id>  issuer=…  api=…  client_id=web-padsvc
 *   [token]     modules=PKCS#11 module;…  registered=true|false (USB tokens, kyso-token-signer.h)
 *
 * The default file is $XDG_CONFIG_HOME/kyso/kyso.conf; `--config FILE` replaces it. */
typedef struct _KysoConfig KysoConfig;

KysoConfig *
kyso_config_new_default (void);
KysoConfig *
kyso_config_load (const char *path, GError **error);
/* Loads @path when given, else the default file when it exists, else an empty config. */
KysoConfig *
kyso_config_load_or_default (const char *path, GError **error);
KysoConfig *
kyso_config_ref (KysoConfig *self);
void
kyso_config_unref (KysoConfig *self);

/* Borrowed; NULL when unset. Paths are made absolute relative to the file's folder. */
const char *
kyso_config_get (KysoConfig *self, const char *group, const char *key);
const char *
kyso_config_get_path (KysoConfig *self, const char *group, const char *key);
void
kyso_config_set (KysoConfig *self, const char *group, const char *key, const char *value);
/* The file it came from, or NULL. */
const char *
kyso_config_get_filename (KysoConfig *self);
gboolean
kyso_config_save (KysoConfig *self, const char *path, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KysoConfig, kyso_config_unref)

G_END_DECLS
