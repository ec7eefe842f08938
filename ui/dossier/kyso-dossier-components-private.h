#pragma once

/* Shared by kyso-dossier-components.c (rows, attaching, viewing) and
 * kyso-dossier-components-work.c (signing and uploading); not for other widgets. */
#include "kyso-dossier-components.h"
#include "kyso-dossier-wait.h"

G_BEGIN_DECLS

/* What the page knows about one component beyond the dossier's entry. */
typedef struct
{
  KysoComponentRow *row; /* owned by the list box */
  char *signer_name;     /* set when Kyso signed the current file */
  char *signer_id;
  char *error;          /* the last failure, for people */
  gboolean blocked;     /* @error says the file is signed by someone else */
  GCancellable *upload; /* while uploading */
  gboolean signing;
} Slot;

struct _KysoDossierComponents
{
  AdwBin parent_instance;

  KysoPortal *portal;
  KysoConfig *config;
  KysoProfileStore *store;
  GSettings *settings;
  char *account_id;
  KysoDossier *dossier;
  KysoProcedure *procedure;
  GHashTable *slots; /* key → Slot */
  GListStore *profiles;
  GCancellable *cancellable; /* profile loading, signing; cancelled on load and dispose */
  char *message;
  GtkWindow *history_dialog; /* weak */
  KysoDossierWait *wait;
  GCancellable *sign_cancellable; /* while signing (the wait dialog's Cancel) */
  GPtrArray *last_keys;           /* what was signed last: "retry" signs them again */
  GMutex *dossier_lock;           /* the wizard's: held while the dossier changes (drafts save in a thread) */
  gboolean signing;
  guint uploads;
  const char *last_next_action; /* static string: what "next-action" last said */

  GtkListBox *list_box;
  AdwComboRow *profile_row;
  GtkLabel *message_label;
  GtkWidget *add_profile_button;
  GtkWidget *sign_all_button;
  GtkWidget *upload_all_button;
};

KysoDossierEntry *
kyso_dossier_components_entry_for (KysoDossierComponents *self, const char *key);
void
kyso_dossier_components_refresh_row (KysoDossierComponents *self, const char *key);
void
kyso_dossier_components_set_message (KysoDossierComponents *self, const char *message, gboolean is_error);
void
kyso_dossier_components_toast (KysoDossierComponents *self, const char *message);
void
kyso_dossier_components_busy_changed (KysoDossierComponents *self);
void
kyso_dossier_components_changed (KysoDossierComponents *self);
KysoProfile *
kyso_dossier_components_dup_profile (KysoDossierComponents *self);
guint
kyso_dossier_components_account_index (KysoDossierComponents *self, KysoProfile *profile, gboolean *matches);

/* FALSE (and a message for people) when @path is a PDF that cannot be read: checked when a file
 * is attached and before signing, so one damaged file never sinks the others. */
gboolean
kyso_dossier_components_check_pdf (const char *path, GError **error);

/* Around every change of the dossier: its draft is saved by a worker thread. */
#define KYSO_DOSSIER_CHANGE_BEGIN(self)                                                                      \
  G_STMT_START                                                                                               \
  {                                                                                                          \
    if ((self)->dossier_lock != NULL)                                                                        \
      g_mutex_lock ((self)->dossier_lock);                                                                   \
  }                                                                                                          \
  G_STMT_END
#define KYSO_DOSSIER_CHANGE_END(self)                                                                        \
  G_STMT_START                                                                                               \
  {                                                                                                          \
    if ((self)->dossier_lock != NULL)                                                                        \
      g_mutex_unlock ((self)->dossier_lock);                                                                 \
  }                                                                                                          \
  G_STMT_END

/* Reads who signed component @key's file (off the main thread) and shows it on its row. */
void
kyso_dossier_components_identify (KysoDossierComponents *self, const char *key);

/* Action handlers of kyso-dossier-components-work.c. */
void
kyso_dossier_components_sign_activated (GtkWidget *widget, const char *action_name, GVariant *parameter);
void
kyso_dossier_components_sign_all_activated (GtkWidget *widget, const char *action_name, GVariant *parameter);
void
kyso_dossier_components_upload_activated (GtkWidget *widget, const char *action_name, GVariant *parameter);
void
kyso_dossier_components_upload_all_activated (GtkWidget *widget, const char *action_name,
                                              GVariant *parameter);
void
kyso_dossier_components_cancel_activated (GtkWidget *widget, const char *action_name, GVariant *parameter);

G_END_DECLS
