/* repl.c — ddb repl (not built yet: this placeholder keeps the command table whole). */
#include "cmd.h"

static int cmd_repl(int argc, char **argv, struct ctx *ctx);

const struct cmd cmd_def_repl = {
	"repl", cmd_repl, 0, "the interactive shell",
	"ddb repl", NULL, NULL, NULL,
};

static int cmd_repl(int argc, char **argv, struct ctx *ctx)
{
	(void)argc;
	(void)argv;
	fprintf(ctx->err_out, "ddb: repl: not implemented yet\n");
	return EXIT_SOFTWARE;
}
