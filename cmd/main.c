/* main.c — argv[0] and subcommand dispatch, global options, stdout checks; the only place that calls exit(). */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/buf.h"
#include "cli/cmd.h"
#include "commands.h"
#include "aws/ctx.h"
#include "base/json.h"

static volatile sig_atomic_t interrupted;

static void on_sigint(int sig)
{
	(void)sig;
	if (__atomic_load_n(&interrupted, __ATOMIC_RELAXED)) {   /* a second Ctrl-C while the first is being handled: leave now */
		static const char msg[] = "\nddb: interrupted\n";
		ssize_t w = write(STDERR_FILENO, msg, sizeof(msg) - 1);
		(void)w;
		_exit(EXIT_INTERRUPTED);
	}
	__atomic_store_n(&interrupted, 1, __ATOMIC_RELAXED);
}

static int dispatch(struct ctx *ctx, int argc, char **argv);

static const char *base_name(const char *p)
{
	const char *s = strrchr(p, '/');
	return s ? s + 1 : p;
}

/* Run one command line (argv[0] = command name or alias).  Shared with the REPL. */
static int dispatch(struct ctx *ctx, int argc, char **argv)
{
	const struct cmd *cmd = cmd_find(&ddb_table, argv[0]);
	if (!cmd) {
		const struct cmd_alias *al = cmd_find_alias(&ddb_table, argv[0]);
		if (al) {
			/* expand: words + the rest of argv */
			int nw = 0;
			while (nw < 4 && al->words[nw])
				nw++;
			char **nargv = xcalloc((size_t)(argc + nw + 1), sizeof(char *));
			for (int i = 0; i < nw; i++)
				nargv[i] = (char *)al->words[i];
			for (int i = 1; i < argc; i++)
				nargv[nw + i - 1] = argv[i];
			int rc = dispatch(ctx, argc - 1 + nw, nargv);
			free(nargv);
			return rc;
		}
		const struct cmd *s = cmd_suggest(argv[0]);
		if (s)
			fprintf(ctx->err_out, "ddb: '%s' is not a command (did you mean '%s'?); see 'ddb --help'\n", argv[0],
			        s->name);
		else
			fprintf(ctx->err_out, "ddb: '%s' is not a command; see 'ddb --help'\n", argv[0]);
		return EXIT_USAGE;
	}
	if (ctx->in_repl && (cmd->flags & CMD_NO_REPL)) {
		fprintf(ctx->err_out, "ddb: %s: not available inside the REPL\n", cmd->name);
		return EXIT_USAGE;
	}
	const char *saved = ctx->cmd_name;
	ctx->cmd_name = cmd->name;
	int rc = cmd_run(ctx, cmd, argc, argv);   /* options, context, credentials and the prod guard, then the command */
	ctx->cmd_name = saved;
	if (rc < 0 || rc > 255 || rc == 126 || rc == 127)
		rc = EXIT_SOFTWARE;
	return rc;
}

static int finish(struct ctx *ctx, int rc)
{
	/* `ddb scan > /dev/full` must not exit 0 */
	if (fflush(stdout) != 0 || ferror(stdout)) {
		if (errno != EPIPE && !rc)
			fprintf(stderr, "ddb: cannot write output: %s\n", strerror(errno));
		if (!rc)
			rc = errno == EPIPE ? 0 : EXIT_IOERR;
	}
	ctx_release(ctx);
	if (fclose(stdout) != 0 && !rc && errno != EPIPE && errno != EBADF) {
		fprintf(stderr, "ddb: cannot write output: %s\n", strerror(errno));
		rc = EXIT_IOERR;
	}
	return rc;
}

int main(int argc, char **argv)
{
	struct ctx ctx;
	struct sigaction sa;

	signal(SIGPIPE, SIG_IGN);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_sigint;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);

	json_init();
	ctx_init(&ctx, stdout, stderr);
	ctx.interrupted = &interrupted;
	ctx.cmds = &ddb_table;

	const char *self = base_name(argv[0] ? argv[0] : "ddb");
	if (!strncmp(self, "ddb-", 4))
		self += 4;
	if (strcmp(self, "ddb") && (cmd_find(&ddb_table, self) || cmd_find_alias(&ddb_table, self))) {
		/* Invoked through a link: bin/ddb/seed, ddb-seed, get-conversation.  A lone trailing "prod" (the old
		 * scripts' argument) means --prod. */
		char **nargv = xcalloc((size_t)argc + 2, sizeof(char *));
		int n = 0;
		nargv[n++] = (char *)self;
		for (int i = 1; i < argc; i++)
			nargv[n++] = argv[i];
		if (n > 1 && !strcmp(nargv[n - 1], "prod") && !(n > 2 && !strcmp(nargv[n - 2], "--")))
			nargv[n - 1] = (char *)"--prod";
		int rc = dispatch(&ctx, n, nargv);
		free(nargv);
		return finish(&ctx, rc);
	}

	/* Leading global options before the command: `ddb --prod --region x scan T`. */
	const char *eaten_opt = NULL, *eaten_val = NULL;   /* an option whose value is a command name */
	int i = 1;
	for (; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--version") || !strcmp(a, "-V")) {
			fprintf(stdout, "ddb %s\n", DDB_VERSION);
			return finish(&ctx, 0);
		}
		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			cmd_print_overview(stdout);
			return finish(&ctx, 0);
		}
		if (a[0] != '-' || !strcmp(a, "-"))
			break;
		if (!strcmp(a, "--"))
			continue;
		const struct opt *o = opt_word(NULL, a, NULL, NULL);
		if (!o && a[1] == '-' && cmd_find(&ddb_table, "repl"))   /* `ddb --bail < script`: the REPL's own options */
			o = opt_word(cmd_find(&ddb_table, "repl")->opts, a, NULL, NULL);
		if (!o) {
			fprintf(stderr, "ddb: unknown option '%s'\nusage: ddb [global options] <command> [options] [args]\n", a);
			return finish(&ctx, EXIT_USAGE);
		}
		if (o->type != OPT_BOOL && !strchr(a, '=')) {
			i++;   /* its value; parsed again below with the command */
			if (i < argc && (cmd_find(&ddb_table, argv[i]) || cmd_find_alias(&ddb_table, argv[i]))) {
				eaten_opt = a;
				eaten_val = argv[i];
			}
		}
	}
	if (i > argc)
		i = argc;   /* `ddb --region`: the value is missing; the parser below says so */
	/* Move the leading global options after the command name, so the command's parser sees them all. */
	int nglob = i - 1;
	if (i >= argc && eaten_opt) {
		/* `ddb --region list-tables`: the option ate the command; running the REPL on an empty stdin would
		 * exit 0 having done nothing */
		fprintf(stderr, "ddb: option '%s' took the command name '%s' as its value and no command is left; "
		        "give its value first ('ddb %s VALUE %s ...')\nusage: ddb [global options] <command> [options] "
		        "[args]\n", eaten_opt, eaten_val, eaten_opt, eaten_val);
		return finish(&ctx, EXIT_USAGE);
	}
	if (i >= argc) {
		/* no command: the REPL (interactive on a terminal, a script on stdin) */
		const struct cmd *repl = cmd_find(&ddb_table, "repl");
		if (!repl) {
			cmd_print_overview(stderr);
			return finish(&ctx, EXIT_USAGE);
		}
		char **nargv = xcalloc((size_t)argc + 2, sizeof(char *));
		nargv[0] = (char *)"repl";
		for (int k = 1; k <= nglob; k++)
			nargv[k] = argv[k];
		int rc = dispatch(&ctx, nglob + 1, nargv);
		free(nargv);
		return finish(&ctx, rc);
	}
	char **nargv = xcalloc((size_t)argc + 1, sizeof(char *));
	int n = 0;
	nargv[n++] = argv[i];
	for (int k = 1; k <= nglob; k++)
		nargv[n++] = argv[k];
	for (int k = i + 1; k < argc; k++)
		nargv[n++] = argv[k];
	int rc = dispatch(&ctx, n, nargv);
	free(nargv);
	return finish(&ctx, rc);
}

/* The table lib/ (REPL, completion) is handed through ctx->cmds: lib/ knows no symbol of cmd/. */
const struct cmd_table ddb_table = { ddb_commands, ddb_aliases, dispatch };
