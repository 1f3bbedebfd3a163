/* commands.h — the program's command table (cmd/commands.c), for cmd/ only: lib/ gets it as a struct cmd_table
 * through ctx->cmds. */
#ifndef DDB_COMMANDS_H
#define DDB_COMMANDS_H

#include <stdio.h>

#include "cli/cmd.h"

/* Pointers to each command file's `cmd_def_<name>`, sorted by name, NULL-terminated; the link aliases. */
extern const struct cmd *const ddb_commands[];
extern const struct cmd_alias ddb_aliases[];
/* The table with main's dispatcher (cmd/main.c): what ctx->cmds points to. */
extern const struct cmd_table ddb_table;
const struct cmd *cmd_suggest(const char *name);       /* closest, for "did you mean" */
void cmd_print_overview(FILE *f);                       /* `ddb --help` / `ddb help` */

#endif
