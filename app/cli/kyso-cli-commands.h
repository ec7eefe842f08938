/* The kyso-cli command table: COMMAND (name, summary), sorted by name. Included twice by
 * kyso-cli.c (declarations, then the table); each command lives in kyso-cli-<name>.c. */
COMMAND (config, N_("Show the configuration in use"))
COMMAND (info, N_("Show the structure of a PDF file"))
COMMAND (sign, N_("Sign a PDF file (PAdES)"))
COMMAND (signing_credentials, N_("Store the credentials of a signing service in the keyring"))
