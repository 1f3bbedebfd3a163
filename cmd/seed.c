/* seed.c — ddb seed (not built yet: this placeholder keeps the command table whole). */
#include "cmd.h"

static int cmd_seed(int argc, char **argv, struct ctx *ctx);

const struct cmd cmd_def_seed = {
	"seed", cmd_seed, 0, "bulk-load items from seed/",
	"ddb seed [FILE...|-]", NULL, NULL, NULL,
};

static int cmd_seed(int argc, char **argv, struct ctx *ctx)
{
	(void)argc;
	(void)argv;
	fprintf(ctx->err_out, "ddb: seed: not implemented yet\n");
	return EXIT_SOFTWARE;
}
