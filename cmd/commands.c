/* commands.c — the one sorted command table, link aliases, lookup and suggestions.
 * Adding a command touches its cmd/<name>.c (which defines cmd_def_<name>), one line in each list below, and its
 * test/<name>.bats. */
#include <string.h>

#include "commands.h"

extern const struct cmd cmd_def_cognito, cmd_def_complete, cmd_def_copy, cmd_def_export, cmd_def_import, cmd_def_truncate, cmd_def_delete, cmd_def_describe, cmd_def_drop,
	cmd_def_enable_stream, cmd_def_get, cmd_def_put, cmd_def_sql, cmd_def_transact, cmd_def_update,
	cmd_def_help, cmd_def_install_links, cmd_def_list_tables, cmd_def_local, cmd_def_query, cmd_def_repl,
	cmd_def_scan, cmd_def_schema_load, cmd_def_seed, cmd_def_stream, cmd_def_trigger, cmd_def_version, cmd_def_vpc_endpoint,
	cmd_def_wait, cmd_def_whoami;
extern const struct cmd cmd_def_commands, cmd_def_man;   /* __commands, __man (cmd/complete.c, cmd/man.c) */
extern const struct cmd cmd_def_s3;   /* __s3 (cmd/s3.c) */

/* Sorted by name (a unit test checks). */
const struct cmd *const ddb_commands[] = {
	&cmd_def_commands,        /* __commands (hidden) */
	&cmd_def_complete,        /* __complete (hidden) */
	&cmd_def_man,             /* __man (hidden) */
	&cmd_def_s3,              /* __s3 (hidden) */
	&cmd_def_cognito,
	&cmd_def_copy,
	&cmd_def_delete,
	&cmd_def_describe,
	&cmd_def_drop,
	&cmd_def_enable_stream,
	&cmd_def_export,
	&cmd_def_get,
	&cmd_def_help,
	&cmd_def_import,
	&cmd_def_install_links,
	&cmd_def_list_tables,
	&cmd_def_local,
	&cmd_def_put,
	&cmd_def_query,
	&cmd_def_repl,
	&cmd_def_scan,
	&cmd_def_schema_load,
	&cmd_def_seed,
	&cmd_def_sql,
	&cmd_def_stream,
	&cmd_def_transact,
	&cmd_def_trigger,
	&cmd_def_truncate,
	&cmd_def_update,
	&cmd_def_version,
	&cmd_def_vpc_endpoint,
	&cmd_def_wait,
	&cmd_def_whoami,
	NULL,
};

const struct cmd_alias ddb_aliases[] = {
	{ "create-vpc-endpoint", { "vpc-endpoint", "create", NULL, NULL } },
	{ "get-conversation", { "query", "conversation", NULL, NULL } },
	{ "list-conversations", { "query", "conversations", NULL, NULL } },
	{ "list-users", { "cognito", "list-users", NULL, NULL } },
	{ NULL, { NULL, NULL, NULL, NULL } },
};

const struct cmd *cmd_suggest(const char *name)
{
	const struct cmd *best = NULL;
	size_t bestd = (size_t)-1;
	for (const struct cmd *const *c = ddb_commands; *c; c++) {
		if ((*c)->flags & CMD_HIDDEN)
			continue;
		size_t d = edit_distance(name, (*c)->name);
		/* a prefix ("sche" -> schema-load) counts as close */
		if (strlen(name) >= 2 && !strncmp((*c)->name, name, strlen(name)))
			d = d > 1 ? 1 : d;
		/* ...and so do abbreviations whose letters appear in order ("lst" -> list-tables) */
		const char *p = (*c)->name;
		for (const char *q = name; *q && p; q++)
			p = strchr(p, *q) ? strchr(p, *q) + 1 : NULL;
		int abbrev = p && strlen(name) >= 2 && name[0] == (*c)->name[0];
		if (abbrev && d > 2)
			d = 2;
		/* on a tie, an abbreviation wins ("lst": list-tables, not get) */
		d = d * 2 + !abbrev;
		if (d < bestd) {
			bestd = d;
			best = *c;
		}
	}
	return bestd <= 7 ? best : NULL;
}

/* `ddb --help` and `ddb help`: what ddb is, the visible commands, the links. */
void cmd_print_overview(FILE *f)
{
	fputs("usage: ddb [global options] <command> [options] [args]\n"
	      "       ddb                 (no command: the interactive REPL on a terminal, a script on stdin)\n\n"
	      "DynamoDB table lifecycle: schemas, seeds, scans, queries, streams, and their AWS neighbours.\n"
	      "Local by default (DynamoDB Local at http://localhost:8000); --prod goes to AWS.\n\nCommands:\n", f);
	for (const struct cmd *const *c = ddb_commands; *c; c++)
		if (!((*c)->flags & CMD_HIDDEN))
			fprintf(f, "  %-16s %s\n", (*c)->name, (*c)->summary);
	fputs("\nLinks: a link named <command> or ddb-<command> runs that command; also get-conversation,\n"
	      "list-conversations, create-vpc-endpoint and list-users.\n"
	      "Run 'ddb help <command>' or 'ddb <command> --help' for a command's options.\n", f);
}
