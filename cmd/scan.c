/* scan.c — ddb scan (not built yet: this placeholder keeps the command table whole). */
#include "cmd.h"

static int cmd_scan(int argc, char **argv, struct ctx *ctx);

const struct cmd cmd_def_scan = {
	"scan", cmd_scan, 0, "read every item of a table, streamed",
	"ddb scan TABLE [...]", NULL, NULL, NULL,
};

static int cmd_scan(int argc, char **argv, struct ctx *ctx)
{
	(void)argc;
	(void)argv;
	fprintf(ctx->err_out, "ddb: scan: not implemented yet\n");
	return EXIT_SOFTWARE;
}
