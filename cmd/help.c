/* help.c — ddb help [COMMAND] */
#include <string.h>

#include "cli/cmd.h"
#include "commands.h"

struct help_args { int unused; };

static int cmd_help(int argc, char **argv, struct ctx *ctx);

const struct cmd cmd_def_help = {
	"help", cmd_help, 0, "show the commands, or one command's options",
	"ddb help [COMMAND]", NULL, NULL, "words:commands",
};

static int cmd_help(int argc, char **argv, struct ctx *ctx)
{
	struct help_args a = { 0 };
	int npos, code;
	if (cmd_start(ctx, &cmd_def_help, argc, argv, &a, &npos, &code))
		return code;
	if (npos == 0) {   /* the same as `ddb --help` */
		cmd_print_overview(ctx->out);
		return 0;
	}
	const struct cmd *c = cmd_find(&ddb_table, argv[1]);
	if (!c) {
		const struct cmd_alias *al = cmd_find_alias(&ddb_table, argv[1]);
		if (al)
			c = cmd_find(&ddb_table, al->words[0]);
	}
	if (!c) {
		const struct cmd *s = cmd_suggest(argv[1]);
		if (s)
			return ctx_usage(ctx, NULL, "'%s' is not a command (did you mean '%s'?)", argv[1], s->name);
		return ctx_usage(ctx, NULL, "'%s' is not a command", argv[1]);
	}
	cmd_print_help(ctx->out, c);
	return 0;
}
