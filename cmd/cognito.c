/* cognito.c — ddb cognito (not built yet: this placeholder keeps the command table whole). */
#include "cmd.h"

static int cmd_cognito(int argc, char **argv, struct ctx *ctx);

const struct cmd cmd_def_cognito = {
	"cognito", cmd_cognito, 0, "Cognito user pools: list-users",
	"ddb cognito list-users [options]", NULL, NULL, NULL,
};

static int cmd_cognito(int argc, char **argv, struct ctx *ctx)
{
	(void)argc;
	(void)argv;
	fprintf(ctx->err_out, "ddb: cognito: not implemented yet\n");
	return EXIT_SOFTWARE;
}
