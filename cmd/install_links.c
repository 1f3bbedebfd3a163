/* install_links.c — ddb install-links (not built yet: this placeholder keeps the command table whole). */
#include "cmd.h"

static int cmd_install_links(int argc, char **argv, struct ctx *ctx);

const struct cmd cmd_def_install_links = {
	"install-links", cmd_install_links, 0, "create the bin/ddb links a project keeps",
	"ddb install-links DIR", NULL, NULL, NULL,
};

static int cmd_install_links(int argc, char **argv, struct ctx *ctx)
{
	(void)argc;
	(void)argv;
	fprintf(ctx->err_out, "ddb: install-links: not implemented yet\n");
	return EXIT_SOFTWARE;
}
