/* help.c — ddb help [COMMAND] */
#include <string.h>

#include "cli/cmd.h"
#include "commands.h"

struct help_args { int unused; };

static int cmd_help(struct ctx *ctx, void *args, int npos, char **argv);

const struct cmd cmd_def_help = {
	"help", cmd_help, 0, "show the commands, or one command's options",
	"ddb help [COMMAND]", NULL, NULL, "words:commands",
	.args_size = sizeof(struct help_args),
};

static int cmd_help(struct ctx *ctx, void *args, int npos, char **argv)
{
	(void)args;   /* struct help_args: the options are only parsed */
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
