/* version.c — ddb version */
#include <cjson/cJSON.h>
#include <openssl/opensslv.h>

#include "cli/cmd.h"
#include "aws/http.h"

static int cmd_version(struct ctx *ctx, void *args, int npos, char **argv);

const struct cmd cmd_def_version = {
	"version", cmd_version, 0, "print the version of ddb and its libraries",
	"ddb version", NULL, NULL, NULL,
};

static int cmd_version(struct ctx *ctx, void *args, int npos, char **argv)
{
	(void)args;
	if (npos)
		return ctx_usage(ctx, &cmd_def_version, "unexpected argument '%s'", argv[1]);
	fprintf(ctx->out, "ddb %s (%s, %s, cJSON %d.%d.%d)\n", DDB_VERSION, http_version(),
	        OPENSSL_VERSION_TEXT, CJSON_VERSION_MAJOR, CJSON_VERSION_MINOR, CJSON_VERSION_PATCH);
	return 0;
}
