/* query.c — ddb query (not built yet: this placeholder keeps the command table whole). */
#include "cmd.h"

static int cmd_query(int argc, char **argv, struct ctx *ctx);

const struct cmd cmd_def_query = {
	"query", cmd_query, 0, "query a table by key, or the conversation patterns",
	"ddb query TABLE --pk VALUE [...]", NULL, NULL, NULL,
};

static int cmd_query(int argc, char **argv, struct ctx *ctx)
{
	(void)argc;
	(void)argv;
	fprintf(ctx->err_out, "ddb: query: not implemented yet\n");
	return EXIT_SOFTWARE;
}
