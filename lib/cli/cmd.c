/* cmd.c — the setup every command shares, driven by its flags. */
#include "cli/cmd.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "aws/config.h"
#include "aws/creds.h"

const struct cmd *cmd_find(const struct cmd_table *t, const char *name)
{
	for (const struct cmd *const *c = t ? t->commands : NULL; c && *c; c++)
		if (!strcmp((*c)->name, name))
			return *c;
	return NULL;
}

const struct cmd_alias *cmd_find_alias(const struct cmd_table *t, const char *link)
{
	for (const struct cmd_alias *a = t ? t->aliases : NULL; a && a->link; a++)
		if (!strcmp(a->link, link))
			return a;
	return NULL;
}

void cmd_print_help(FILE *f, const struct cmd *cmd)
{
	if (cmd) {
		fprintf(f, "usage: %s\n\n%s\n", cmd->synopsis, cmd->summary);
		if (cmd->description)
			fprintf(f, "\n%s\n", cmd->description);
		if (cmd->opts && cmd->opts->type != OPT_END) {
			fputs("\nOptions:\n", f);
			opt_print_table(f, cmd->opts);
		}
	}
	fputs("\nGlobal options (every command):\n", f);
	opt_print_table(f, ctx_global_opts);
}

int cmd_start(struct ctx *ctx, const struct cmd *cmd, int argc, char **argv, void *args, int *npos, int *code)
{
	struct err e = ERR_INIT;
	int r = opt_parse(ctx, cmd->opts, argc, argv, args, npos, &e);
	if (r == 1) {
		cmd_print_help(ctx->out, cmd);
		*code = 0;
		return 1;
	}
	if (r < 0) {
		fprintf(ctx->err_out, "ddb: %s: %s\n", cmd->name, e.msg);
		fprintf(ctx->err_out, "usage: %s\n", cmd->synopsis);
		*code = EXIT_USAGE;
		return 1;
	}
	if (ctx_resolve(ctx, &e) < 0) {
		*code = ctx_fail(ctx, &e);
		return 1;
	}
	if (ctx->output == OUT_MAP && !(cmd->flags & CMD_OUTPUT_MAP)) {
		fprintf(ctx->err_out, "ddb: %s: --output map is only for 'cognito list-users' (use table, json, jsonl or "
		        "text)\n", cmd->name);
		fprintf(ctx->err_out, "usage: %s\n", cmd->synopsis);
		*code = EXIT_USAGE;
		return 1;
	}
	if ((cmd->flags & CMD_AWS) && ctx->prod) {
		if (!ctx->region) {
			err_set(&e, ERR_CONFIG, "no region for --prod: use --region, set AWS_REGION, or set region in "
			        "profile '%s'", ctx->profile);
			*code = ctx_fail(ctx, &e);
			return 1;
		}
		const struct ini *cred = &ctx->config->cred;
		static int warned;
		if (cred->exists && (cred->mode & 077) && !warned) {
			warned = 1;
			ctx_warn(ctx, "%s is readable by %s: chmod 600 it", cred->path,
			         (cred->mode & 007) ? "others" : "its group");
		}
		struct creds c;
		if (creds_get(ctx, &c, &e) < 0) {
			*code = ctx_fail(ctx, &e);
			return 1;
		}
		creds_release(&c);
	}
	if (cmd_guard(ctx, cmd, args, *npos, argv, &e) < 0) {
		*code = ctx_fail(ctx, &e);
		return 1;
	}
	return 0;
}

/* What opt_parse allocated in args: the arrays of OPT_LIST options (the strings are argv's). */
static void release_lists(const struct opt *opts, void *args)
{
	for (const struct opt *o = opts; o && o->type != OPT_END; o++)
		if (o->type == OPT_LIST)
			strlist_release((struct strlist *)((char *)args + o->offset));
}

int cmd_run(struct ctx *ctx, const struct cmd *cmd, int argc, char **argv)
{
	if (cmd->flags & CMD_RAW)
		return cmd->fn(ctx, NULL, argc - 1, argv);
	void *args = xcalloc(1, cmd->args_size ? cmd->args_size : 1);
	int npos = 0, code;
	if (cmd->args_init)
		memcpy(args, cmd->args_init, cmd->args_size);
	if (cmd_start(ctx, cmd, argc, argv, args, &npos, &code))
		release_lists(cmd->opts, args);
	else
		code = cmd->fn(ctx, args, npos, argv);
	free(args);
	return code;
}

int ctx_usage(struct ctx *ctx, const struct cmd *cmd, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	ctx_vline(ctx, "", fmt, ap);
	va_end(ap);
	if (cmd)
		fprintf(ctx->err_out, "usage: %s\n", cmd->synopsis);
	return EXIT_USAGE;
}

int cmd_guard(struct ctx *ctx, const struct cmd *cmd, const void *args, int npos, char **argv, struct err *e)
{
	char what[512];
	if (!(cmd->flags & CMD_DESTRUCTIVE) || !ctx->prod || ctx->yes)
		return 0;
	snprintf(what, sizeof what, "run '%s'", cmd->name);
	if (cmd->destructive && !cmd->destructive(ctx, args, npos, argv, what, sizeof what))
		return 0;
	if (!ctx->in_tty || getenv("CI"))
		return err_set(e, ERR_USAGE, "refusing to %s in prod without --yes", what);
	if (cmd->flags & CMD_ASKS)
		return 0;   /* the command asks for the name to type */
	char where[128];
	snprintf(where, sizeof where, "in PRODUCTION (region %s)", ctx->region ? ctx->region : "?");
	return ctx_ask(ctx, what, where, cmd->name, e);
}
