/* whoami.c — ddb whoami (not built yet: this placeholder keeps the command table whole). */
#include "cmd.h"

static int cmd_whoami(int argc, char **argv, struct ctx *ctx);

const struct cmd cmd_def_whoami = {
	"whoami", cmd_whoami, 0, "where the credentials come from, and the account",
	"ddb whoami", NULL, NULL, NULL,
};

static int cmd_whoami(int argc, char **argv, struct ctx *ctx)
{
	(void)argc;
	(void)argv;
	fprintf(ctx->err_out, "ddb: whoami: not implemented yet\n");
	return EXIT_SOFTWARE;
}
