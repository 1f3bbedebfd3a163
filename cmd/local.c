/* local.c — ddb local (not built yet: this placeholder keeps the command table whole). */
#include "cmd.h"

static int cmd_local(int argc, char **argv, struct ctx *ctx);

const struct cmd cmd_def_local = {
	"local", cmd_local, 0, "start, stop or check DynamoDB Local",
	"ddb local start|stop|status [--port N] [--dir DIR]", NULL, NULL, NULL,
};

static int cmd_local(int argc, char **argv, struct ctx *ctx)
{
	(void)argc;
	(void)argv;
	fprintf(ctx->err_out, "ddb: local: not implemented yet\n");
	return EXIT_SOFTWARE;
}
