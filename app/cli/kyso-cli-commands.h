/* The kyso-cli command table: COMMAND (name, summary), sorted by name. Included twice by
 * kyso-cli.c (declarations, then the table); each command lives in kyso-cli-<name>.c. */
COMMAND (config, N_("Show the configuration in use"))
COMMAND (history, N_("Show who signed a PDF file, and whether each signature holds"))
COMMAND (info, N_("Show the structure of a PDF file"))
COMMAND (login, N_("Log in to the provincial portal"))
COMMAND (logout, N_("Log out of the provincial portal"))
COMMAND (procedures, N_("List the procedures that can be applied for online"))
COMMAND (profiles, N_("Manage the signature profiles kept in the keyring"))
COMMAND (sign, N_("Sign a PDF file (PAdES)"))
COMMAND (signing_credentials, N_("Store the credentials of a signing service in the keyring"))
COMMAND (submit, N_("Submit a dossier to the provincial portal"))
COMMAND (track, N_("Show the status and history of a dossier"))
COMMAND (verify, N_("Check the signatures of a PDF file"))
