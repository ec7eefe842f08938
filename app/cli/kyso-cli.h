#pragma once

#include <glib.h>
#include "kyso-config.h"

G_BEGIN_DECLS

/* Exit statuses shared by every command. */
enum
{
  KYSO_EXIT_OK = 0,
  KYSO_EXIT_NOT_VALID = 1, /* verify: some signature is not valid */
  KYSO_EXIT_USAGE = 2,
  KYSO_EXIT_INPUT = 3,       /* input the engine refuses / unreadable */
  KYSO_EXIT_SIGN_FAILED = 4, /* signing failed; also "refused on the phone" */
  KYSO_EXIT_EXPIRED = 5,     /* the approval window ran out */
  KYSO_EXIT_REMOTE = 6,      /* any other remote failure */
};

typedef struct
{
  const char *config_path; /* --config, or NULL */
  KysoConfig *config;      /* loaded lazily by kyso_cli_get_config() */
} KysoCliContext;

/* argv[0] is the command's name; options follow. Returns an exit status. */
typedef int (*KysoCliCommandFunc) (KysoCliContext *ctx, int argc, char **argv);

/* Loads the configuration once; prints the error and returns NULL when it cannot. */
KysoConfig *
kyso_cli_get_config (KysoCliContext *ctx);

/* Prints "kyso-cli: <message>" on stderr. */
void
kyso_cli_error (const char *format, ...) G_GNUC_PRINTF (1, 2);

/* Parses a command's options with a fresh GOptionContext; prints usage errors. FALSE = exit 2. */
gboolean
kyso_cli_parse (const char *parameter_string, const char *summary, GOptionEntry *entries, int *argc,
                char ***argv);

G_END_DECLS
