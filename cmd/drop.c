/* drop.c — ddb drop (not built yet: this placeholder keeps the command table whole). */
#include "cmd.h"

static int cmd_drop(int argc, char **argv, struct ctx *ctx);

const struct cmd cmd_def_drop = {
	"drop", cmd_drop, 0, "delete tables and wait until they are gone",
	"ddb drop TABLE... | --all", NULL, NULL, NULL,
};

static int cmd_drop(int argc, char **argv, struct ctx *ctx)
{
	(void)argc;
	(void)argv;
	fprintf(ctx->err_out, "ddb: drop: not implemented yet\n");
	return EXIT_SOFTWARE;
}
