/* schema_load.c — ddb schema-load (not built yet: this placeholder keeps the command table whole). */
#include "cmd.h"

static int cmd_schema_load(int argc, char **argv, struct ctx *ctx);

const struct cmd cmd_def_schema_load = {
	"schema-load", cmd_schema_load, 0, "create or update tables from schemas/",
	"ddb schema-load [PATH...]", NULL, NULL, NULL,
};

static int cmd_schema_load(int argc, char **argv, struct ctx *ctx)
{
	(void)argc;
	(void)argv;
	fprintf(ctx->err_out, "ddb: schema-load: not implemented yet\n");
	return EXIT_SOFTWARE;
}
