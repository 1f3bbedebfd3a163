/* complete.c — ddb __complete (not built yet: this placeholder keeps the command table whole). */
#include "cmd.h"

static int cmd_complete(int argc, char **argv, struct ctx *ctx);

const struct cmd cmd_def_complete = {
	"__complete", cmd_complete, CMD_HIDDEN, "shell completion helper",
	"ddb __complete WORDS...", NULL, NULL, NULL,
};

static int cmd_complete(int argc, char **argv, struct ctx *ctx)
{
	(void)argc;
	(void)argv;
	fprintf(ctx->err_out, "ddb: __complete: not implemented yet\n");
	return EXIT_SOFTWARE;
}
