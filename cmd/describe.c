/* describe.c — ddb describe (not built yet: this placeholder keeps the command table whole). */
#include "cmd.h"

static int cmd_describe(int argc, char **argv, struct ctx *ctx);

const struct cmd cmd_def_describe = {
	"describe", cmd_describe, 0, "describe a table: keys, indexes, billing, stream, TTL, size",
	"ddb describe TABLE", NULL, NULL, NULL,
};

static int cmd_describe(int argc, char **argv, struct ctx *ctx)
{
	(void)argc;
	(void)argv;
	fprintf(ctx->err_out, "ddb: describe: not implemented yet\n");
	return EXIT_SOFTWARE;
}
