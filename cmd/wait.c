/* wait.c — ddb wait TABLE --exists|--gone [--wait-timeout SEC]: block until a table is ACTIVE (with every GSI) or
 * gone. */
#include <stdlib.h>
#include <string.h>

#include "cli/cmd.h"
#include "dynamo/table.h"

static int cmd_wait(struct ctx *ctx, void *args, int nargs, char **argv);

struct wait_args {
	int exists, gone;
	double timeout;
};

static const struct opt wait_opts[] = {
	OPT_F_BOOL(0, "exists", struct wait_args, exists, "wait until the table exists and it and every GSI are ACTIVE"),
	OPT_F_BOOL(0, "gone", struct wait_args, gone, "wait until the table no longer exists"),
	OPT_F_DOUBLE(0, "wait-timeout", struct wait_args, timeout, "SEC",
	             "give up after SEC seconds (default 600): exit 75"),
	OPT_F_END,
};

const struct cmd cmd_def_wait = {
	"wait", cmd_wait, CMD_AWS | CMD_RAW, "wait until a table exists or is gone",
	"ddb wait TABLE --exists|--gone [--wait-timeout SEC]", wait_opts,
	"Polls DescribeTable with backoff.  --exists returns once the table and every global secondary index are "
	"ACTIVE; --gone once DescribeTable says the table does not exist.  Exit 0 when reached, 75 on timeout, 130 on "
	"Ctrl-C.  The limit is --wait-timeout, as for drop, schema-load and enable-stream; --timeout after the command "
	"name is refused (it used to be the limit; before the command name it is the global timeout of one "
	"request).  The table name gets the namespace prefix (--namespace / DDB_NAMESPACE).",
	"table",
};

static int cmd_wait(struct ctx *ctx, void *args, int nargs, char **argv)
{
	int argc = nargs + 1;   /* CMD_RAW: the line as typed; it sets itself up (cmd_start) */
	(void)args;
	struct wait_args a = { 0, 0, -1 };
	int npos, code, rc;
	struct err e = ERR_INIT;

	/* `wait --timeout SEC` used to be the wait's limit: now it would silently be the global timeout of one
	 * request, so after the command name it is refused with the new name */
	for (int i = 1; i < argc && strcmp(argv[i], "--"); i++)
		if (!strcmp(argv[i], "--timeout") || !strncmp(argv[i], "--timeout=", 10))
			return ctx_usage(ctx, &cmd_def_wait, "--timeout: the wait's limit is --wait-timeout SEC (the global "
			                 "--timeout, the limit of one request, goes before the command name)");
	if (cmd_start(ctx, &cmd_def_wait, argc, argv, &a, &npos, &code))
		return code;
	if (npos < 1)
		return ctx_usage(ctx, &cmd_def_wait, "missing TABLE");
	if (npos > 1)
		return ctx_usage(ctx, &cmd_def_wait, "unexpected argument '%s' (one table at a time)", argv[2]);
	if (a.exists == a.gone)
		return ctx_usage(ctx, &cmd_def_wait, "give exactly one of --exists and --gone");

	char *wire = ctx_table_wire(ctx, argv[1]);
	if (a.exists)
		rc = table_wait_active(ctx, wire, argv[1], a.timeout, NULL, &e);
	else
		rc = table_wait_gone(ctx, wire, argv[1], a.timeout, &e);
	free(wire);
	if (rc < 0)
		return ctx_fail(ctx, &e);
	ctx_note(ctx, "'%s' %s", argv[1], a.exists ? "is ACTIVE" : "is gone");
	return 0;
}
