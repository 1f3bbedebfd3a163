/* repl.c — ddb repl (also `ddb` with no command): the interactive shell, or a script on stdin (lib/cli/repl.c). */
#include "cli/cmd.h"
#include "cli/repl.h"

static int cmd_repl(struct ctx *ctx, void *args, int npos, char **argv);

struct repl_args { int bail, no_history; };

static const struct opt repl_opts_table[] = {
	OPT_F_BOOL(0, "bail", struct repl_args, bail, "script: stop at the first failing line, with its exit status"),
	OPT_F_BOOL(0, "no-history", struct repl_args, no_history, "neither read nor write ~/.ddb_history"),
	OPT_F_END,
};

const struct cmd cmd_def_repl = {
	"repl", cmd_repl, CMD_NO_REPL, "the interactive shell (also ddb with no command)",
	"ddb [global options] [repl] [--bail] [--no-history]", repl_opts_table,
	"On a terminal: a prompt that shows where commands go (ddb[local]>, ddb[prod:us-east-1]>, with ns=PREFIX "
	"and table=NAME when set), line editing, history in ~/.ddb_history and Tab completion of commands, options, "
	"values and live table names.  Every command works with the same syntax and output as on the command line, "
	"over one kept-alive connection; errors print and return to the prompt; Ctrl-C stops a running command (or "
	"clears the line); exit, .quit or Ctrl-D leave.  Global options given to ddb itself start the session "
	"(ddb --prod --region eu-west-1); on a line they apply to that line only.  Meta-commands: .use TABLE, .local, "
	".prod, .region R, .namespace P, .output MODE, .status, .help, .quit.  When stdin is not a terminal the lines "
	"run as a script (no prompt, no history): the exit status is the last line's, or with --bail the first "
	"failing line's; .prod needs --yes there.  Lines that mention secrets or passwords are not kept in history.",
	NULL,
	.args_size = sizeof(struct repl_args),
};

static int cmd_repl(struct ctx *ctx, void *args, int npos, char **argv)
{
	struct repl_args a = *(struct repl_args *)args;

	if (npos)
		return ctx_usage(ctx, &cmd_def_repl, "unexpected argument '%s'", argv[1]);
	struct repl_opts o = { a.bail, a.no_history };
	return repl_run(ctx, &o);
}
