/* The kyso-cli command table: COMMAND (name, summary), sorted by name. Included twice by
 * kyso-cli.c (declarations, then the table); each command lives in kyso-cli-<name>.c. */
COMMAND (config, N_("Show the configuration in use"))
