/* complete.c — the hidden helpers of the shell completions and the Makefile:
 *   ddb __complete [--] WORDS...   candidates for the last word (may be ""), one per line; WORDS are the words
 *                                  after "ddb" up to the cursor.  A line ":file" or ":dir" asks the shell to
 *                                  complete a path instead.  Always exits 0 and prints nothing on stderr.
 *   ddb __commands [--destructive] the command names (not hidden ones), one per line: `make install` makes a
 *                                  ddb-<command> link for each; --destructive: only those the prod guard covers
 *                                  (CMD_DESTRUCTIVE), which test/prod_safety.bats iterates.
 * The engine is lib/cli/complete.c; the options are read raw (not with cmd_start): the words belong to the line
 * being completed, not to __complete. */
#include <string.h>

#include "cli/cmd.h"
#include "commands.h"
#include "cli/complete.h"

static int cmd_complete(struct ctx *ctx, void *args, int npos, char **argv);
static int cmd_commands(struct ctx *ctx, void *args, int npos, char **argv);

const struct cmd cmd_def_complete = {
	"__complete", cmd_complete, CMD_HIDDEN | CMD_NO_REPL | CMD_RAW, "shell completion helper",
	"ddb __complete [--] WORDS...", NULL,
	"Prints the completions of the last word, one per line (':file' or ':dir': complete a path).", NULL,
};

struct commands_args { int destructive; };
static const struct opt commands_opts[] = {
	OPT_F_BOOL(0, "destructive", struct commands_args, destructive, "only the commands the prod guard covers"),
	OPT_F_END,
};

const struct cmd cmd_def_commands = {
	"__commands", cmd_commands, CMD_HIDDEN, "list the command names (for make install and the tests)",
	"ddb __commands [--destructive]", commands_opts, NULL, NULL,
	.args_size = sizeof(struct commands_args),
};

static int cmd_complete(struct ctx *ctx, void *args, int npos, char **argv)
{
	int argc = npos + 1;   /* CMD_RAW: the words of the line being completed, not options of __complete */
	(void)args;
	struct complete_list out = COMPLETE_LIST_INIT;
	char *empty[] = { (char *)"", NULL };
	int first = 1;

	if (first < argc && !strcmp(argv[first], "--"))
		first++;
	char *const *words = first < argc ? argv + first : empty;
	int n = first < argc ? argc - first : 1;
	ctx->quiet = 1;
	complete_words(ctx, n, words, COMPLETE_FILE_CACHE, &out);
	if (out.kind == COMPLETE_FILES)
		fputs(":file\n", ctx->out);
	else if (out.kind == COMPLETE_DIRS)
		fputs(":dir\n", ctx->out);
	for (size_t i = 0; i < out.n; i++)
		fprintf(ctx->out, "%s\n", out.v[i]);
	complete_list_release(&out);
	return 0;
}

static int cmd_commands(struct ctx *ctx, void *args, int npos, char **argv)
{
	struct commands_args a = *(struct commands_args *)args;
	if (npos)
		return ctx_usage(ctx, &cmd_def_commands, "unexpected argument '%s'", argv[1]);
	for (const struct cmd *const *c = ddb_commands; *c; c++)
		if (!((*c)->flags & CMD_HIDDEN) && (!a.destructive || ((*c)->flags & CMD_DESTRUCTIVE)))
			fprintf(ctx->out, "%s\n", (*c)->name);
	return 0;
}
