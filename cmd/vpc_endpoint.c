/* vpc_endpoint.c — ddb vpc-endpoint (not built yet: this placeholder keeps the command table whole). */
#include "cmd.h"

static int cmd_vpc_endpoint(int argc, char **argv, struct ctx *ctx);

const struct cmd cmd_def_vpc_endpoint = {
	"vpc-endpoint", cmd_vpc_endpoint, 0, "the DynamoDB gateway VPC endpoint: create, list, delete",
	"ddb vpc-endpoint create|list|delete", NULL, NULL, NULL,
};

static int cmd_vpc_endpoint(int argc, char **argv, struct ctx *ctx)
{
	(void)argc;
	(void)argv;
	fprintf(ctx->err_out, "ddb: vpc-endpoint: not implemented yet\n");
	return EXIT_SOFTWARE;
}
