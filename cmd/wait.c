/* wait.c — ddb wait (not built yet: this placeholder keeps the command table whole). */
#include "cmd.h"

static int cmd_wait(int argc, char **argv, struct ctx *ctx);

const struct cmd cmd_def_wait = {
	"wait", cmd_wait, 0, "wait until a table exists or is gone",
	"ddb wait TABLE --exists|--gone", NULL, NULL, NULL,
};

static int cmd_wait(int argc, char **argv, struct ctx *ctx)
{
	(void)argc;
	(void)argv;
	fprintf(ctx->err_out, "ddb: wait: not implemented yet\n");
	return EXIT_SOFTWARE;
}
