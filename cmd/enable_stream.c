/* enable_stream.c — ddb enable-stream (not built yet: this placeholder keeps the command table whole). */
#include "cmd.h"

static int cmd_enable_stream(int argc, char **argv, struct ctx *ctx);

const struct cmd cmd_def_enable_stream = {
	"enable-stream", cmd_enable_stream, 0, "turn on a table's stream and print its ARN",
	"ddb enable-stream TABLE [--view-type TYPE]", NULL, NULL, NULL,
};

static int cmd_enable_stream(int argc, char **argv, struct ctx *ctx)
{
	(void)argc;
	(void)argv;
	fprintf(ctx->err_out, "ddb: enable-stream: not implemented yet\n");
	return EXIT_SOFTWARE;
}
