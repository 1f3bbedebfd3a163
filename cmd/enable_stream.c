/* enable_stream.c — ddb enable-stream TABLE: turn a table's stream on (or off, or replace it), print its ARN. */
#include <stdlib.h>
#include <string.h>

#include "aws/aws.h"
#include "cli/cmd.h"
#include "cli/render.h"
#include "dynamo/streams.h"
#include "dynamo/table.h"
#include "base/term.h"

static int cmd_enable_stream(struct ctx *ctx, void *args, int npos, char **argv);

struct enable_stream_args {
	const char *view_type;
	int replace, disable;
	double wait_timeout;
};

static const struct opt enable_stream_opts[] = {
	OPT_F_CHOICE(0, "view-type", struct enable_stream_args, view_type, "TYPE",
	             "what each record holds (default NEW_IMAGE)", stream_view_types),
	OPT_F_BOOL(0, "replace", struct enable_stream_args, replace,
	           "the stream has another view type: disable it and enable a new one (new ARN)"),
	OPT_F_BOOL(0, "disable", struct enable_stream_args, disable, "turn the stream off"),
	OPT_F_DOUBLE(0, "wait-timeout", struct enable_stream_args, wait_timeout, "SEC",
	             "give up waiting for the table to be ACTIVE after SEC seconds (default 600)"),
	OPT_F_END,
};

/* The prod guard (cmd_start): --disable and --replace are destructive (enabling is not); 0 for usage errors. */
static int enable_stream_destructive(const struct ctx *ctx, const void *args, int npos, char **argv, char *what,
                                     size_t n)
{
	const struct enable_stream_args *a = args;
	(void)ctx;
	if (npos != 1 || (a->disable && (a->view_type || a->replace)) || !(a->disable || a->replace))
		return 0;
	char *l = ctx_table_label(ctx, argv[1]);
	snprintf(what, n, "%s the stream of table %s", a->disable ? "disable" : "replace", l);
	free(l);
	return 1;
}

const struct cmd cmd_def_enable_stream = {
	"enable-stream", cmd_enable_stream, CMD_AWS | CMD_DESTRUCTIVE | CMD_ASKS, "turn on a table's stream and print its ARN",
	"ddb enable-stream TABLE [--view-type NEW_IMAGE|NEW_AND_OLD_IMAGES|KEYS_ONLY|OLD_IMAGE] [--replace]\n"
	"                  [--wait-timeout SEC]\n"
	"ddb enable-stream TABLE --disable [--wait-timeout SEC]",
	enable_stream_opts,
	"Turns on the table's DynamoDB stream (UpdateTable with StreamSpecification), waits until the table is ACTIVE "
	"again and prints the stream ARN (LatestStreamArn).  A stream already enabled with the same view type is left "
	"alone (exit 0).  DynamoDB cannot change the view type of a stream: with another view type the command "
	"explains and exits 1, and --replace disables the stream and enables a new one, which has a new ARN (readers "
	"and triggers of the old ARN must switch).  --disable turns the stream off (nothing to do when it is off).  "
	"In prod --disable and --replace need --yes (or typing the table name on a terminal).  With --output json "
	"(or jsonl) prints {TableName, StreamEnabled, StreamViewType, StreamArn, Changed} where Changed is enabled, "
	"replaced, disabled or unchanged; on a terminal (-o table) the same fields as a table; piped (-o text) just the "
	"ARN.",
	"table",
	enable_stream_destructive,
	.args_size = sizeof(struct enable_stream_args),
	.args_init = &(const struct enable_stream_args){ NULL, 0, 0, -1 },
};

static int print_result(struct ctx *ctx, const char *shown, const struct stream_info *si, const char *changed,
                        struct err *e)
{
	enum out_mode m = render_pick(ctx, OUT_TEXT);
	if (m != OUT_TEXT) {   /* json/jsonl: the object on one line; table (a terminal): a field/value table */
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "TableName", shown);
		cJSON_AddBoolToObject(o, "StreamEnabled", si->enabled);
		if (si->enabled && si->view_type)
			cJSON_AddStringToObject(o, "StreamViewType", si->view_type);
		else
			cJSON_AddNullToObject(o, "StreamViewType");
		if (si->arn)
			cJSON_AddStringToObject(o, "StreamArn", si->arn);
		else
			cJSON_AddNullToObject(o, "StreamArn");
		cJSON_AddStringToObject(o, "Changed", changed);
		int rc = render_record(ctx, OUT_TEXT, o, e);   /* lib/cli/render.h: one object, the same in json and jsonl */
		cJSON_Delete(o);
		return rc;
	} else if (si->enabled && si->arn) {
		char *arn = ctx->out_tty ? term_clean(si->arn) : NULL;   /* server text */
		fprintf(ctx->out, "%s\n", arn ? arn : si->arn);
		free(arn);
	}
	if (fflush(ctx->out) != 0 || ferror(ctx->out))
		return err_set(e, ERR_IO, "cannot write output");
	return 0;
}

static int cmd_enable_stream(struct ctx *ctx, void *args, int npos, char **argv)
{
	struct enable_stream_args a = *(struct enable_stream_args *)args;
	struct err e = ERR_INIT;
	struct stream_info si = STREAM_INFO_INIT;
	const char *changed = "unchanged";
	char *wire = NULL;
	int rc = -1;

	if (npos < 1)
		return ctx_usage(ctx, &cmd_def_enable_stream, "missing TABLE");
	if (npos > 1)
		return ctx_usage(ctx, &cmd_def_enable_stream, "unexpected argument '%s'", argv[2]);
	if (a.disable && (a.view_type || a.replace))
		return ctx_usage(ctx, &cmd_def_enable_stream, "--disable takes neither --view-type nor --replace");
	const char *shown = argv[1], *view = a.view_type ? a.view_type : "NEW_IMAGE";
	wire = ctx_table_wire(ctx, shown);

	if (stream_info_get(ctx, wire, shown, &si, &e) < 0)
		goto out;
	/* A table being created or updated cannot take UpdateTable: wait first. */
	if (strcmp(si.status, "ACTIVE") &&
	    (table_wait_active(ctx, wire, shown, a.wait_timeout, NULL, &e) < 0 ||
	     stream_info_get(ctx, wire, shown, &si, &e) < 0))
		goto out;

	if (a.disable) {
		if (!si.enabled) {
			ctx_note(ctx, "table '%s' has no enabled stream; nothing to do", shown);
		} else {
			char *label = ctx_table_label(ctx, shown);
			char *what = xasprintf("disable the stream of table %s", label);
			free(label);
			int ok = ctx_confirm(ctx, what, shown, &e);
			free(what);
			if (ok < 0)
				goto out;
			char *old = si.arn ? xstrdup(si.arn) : NULL;
			if (stream_set(ctx, wire, shown, NULL, a.wait_timeout, &si, &e) < 0) {
				free(old);
				goto out;
			}
			ctx_note(ctx, "disabled the stream of '%s' (%s); its records stay readable for 24 hours", shown,
			         old ? old : "?");
			free(old);
			changed = "disabled";
		}
	} else if (si.enabled && si.view_type && !strcmp(si.view_type, view)) {
		ctx_note(ctx, "table '%s' already has a %s stream; nothing to do", shown, view);
	} else if (si.enabled) {
		if (!a.replace) {
			err_set(&e, ERR_SERVICE, "table '%s' already has a %s stream and DynamoDB cannot change a stream's "
			        "view type; --replace disables it and enables a new %s stream (it gets a new ARN: readers "
			        "and triggers of %s must switch)", shown, si.view_type ? si.view_type : "?", view,
			        si.arn ? si.arn : "the old one");
			goto out;
		}
		char *label = ctx_table_label(ctx, shown);
		char *what = xasprintf("replace the stream of table %s", label);
		free(label);
		int ok = ctx_confirm(ctx, what, shown, &e);
		free(what);
		if (ok < 0)
			goto out;
		char *old = si.arn ? xstrdup(si.arn) : NULL;
		if (stream_set(ctx, wire, shown, NULL, a.wait_timeout, &si, &e) < 0 ||
		    stream_set(ctx, wire, shown, view, a.wait_timeout, &si, &e) < 0) {
			free(old);
			goto out;
		}
		ctx_note(ctx, "replaced the stream of '%s': the new %s stream has a new ARN (the old one, %s, is "
		         "disabled; its records stay readable for 24 hours)", shown, view, old ? old : "?");
		free(old);
		changed = "replaced";
	} else {
		if (stream_set(ctx, wire, shown, view, a.wait_timeout, &si, &e) < 0)
			goto out;
		changed = "enabled";
	}
	if (!a.disable && (!si.enabled || !si.arn)) {
		err_set(&e, ERR_SERVICE, "table '%s': the stream is still not enabled after UpdateTable", shown);
		goto out;
	}
	rc = print_result(ctx, shown, &si, changed, &e);
out:
	free(wire);
	stream_info_release(&si);
	return rc < 0 ? ctx_fail(ctx, &e) : 0;
}
