/* stream.c — ddb stream (not built yet: this placeholder keeps the command table whole). */
#include "cmd.h"

static int cmd_stream(int argc, char **argv, struct ctx *ctx);

const struct cmd cmd_def_stream = {
	"stream", cmd_stream, 0, "read a table's stream: tail, --exec a handler",
	"ddb stream tail TABLE [...]", NULL, NULL, NULL,
};

static int cmd_stream(int argc, char **argv, struct ctx *ctx)
{
	(void)argc;
	(void)argv;
	fprintf(ctx->err_out, "ddb: stream: not implemented yet\n");
	return EXIT_SOFTWARE;
}
