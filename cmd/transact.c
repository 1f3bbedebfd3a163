/* transact.c — ddb transact FILE|-: TransactWriteItems from a file of action lines, all or nothing. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cmd.h"
#include "cli/itemop.h"
#include "base/json.h"
#include "base/term.h"

static int cmd_transact(struct ctx *ctx, void *args, int npos, char **argv);

const struct cmd cmd_def_transact = {
	"transact", cmd_transact, CMD_AWS, "write up to 100 actions as one all-or-nothing transaction",
	"ddb transact FILE|-",
	NULL,
	"TransactWriteItems from FILE (or standard input with -): one action per line, {\"Put\": {...}}, "
	"{\"Update\": {...}}, {\"Delete\": {...}} or {\"ConditionCheck\": {...}}, each in TransactWriteItems' own shape "
	"(TableName, Item or Key, ConditionExpression, UpdateExpression, ExpressionAttributeNames, "
	"ExpressionAttributeValues, ReturnValuesOnConditionCheckFailure) with Item, Key and ExpressionAttributeValues in "
	"plain JSON or DynamoDB JSON (numbers exact).  Blank lines are skipped.  The namespace applies to every "
	"TableName.  Every line is checked before anything is sent: a bad line is reported as FILE:LINE (exit 65), "
	"and so is a 101st action (100 at most).  A cancelled transaction writes nothing: each of DynamoDB's "
	"CancellationReasons is printed against its action's FILE:LINE and the exit code is 4.  Engines without "
	"transactions (dynalite) exit 69.",
	"file",
};

#define LINE_MAX_BYTES (4u << 20)
#define TOTAL_MAX_BYTES (16u << 20)   /* a TransactWriteItems request holds at most 4 MB of items */

static int cmd_transact(struct ctx *ctx, void *args, int npos, char **argv)
{
	(void)args;
	struct err e = ERR_INIT;
	int rc = -1;
	struct buf line = BUF_INIT;
	cJSON *items = NULL, *reasons = NULL;
	long lines[ITEMOP_TRANSACT_MAX];
	const char *kinds[ITEMOP_TRANSACT_MAX];
	char *tables[ITEMOP_TRANSACT_MAX];
	size_t n = 0;
	FILE *f = NULL;

	if (npos < 1)
		return ctx_usage(ctx, &cmd_def_transact, "missing FILE (or - for standard input)");
	if (npos > 1)
		return ctx_usage(ctx, &cmd_def_transact, "unexpected argument '%s'", argv[2]);
	const char *path = argv[1];
	int is_stdin = !strcmp(path, "-");
	const char *shown = is_stdin ? "stdin" : path;
	if (is_stdin && ctx->in_repl)
		return ctx_usage(ctx, &cmd_def_transact, "standard input is the REPL's own input here: give a FILE");
	f = is_stdin ? stdin : fopen(path, "rb");
	if (!f) {
		err_set(&e, ERR_NOINPUT, "%s: %s", path, strerror(errno));
		return ctx_fail(ctx, &e);
	}
	items = cJSON_CreateArray();
	size_t total = 0;
	for (long no = 1;; no++) {
		int r = itemop_read_line(f, LINE_MAX_BYTES, &line, &e);
		if (r == 1)
			break;
		if (r < 0) {
			err_prefix(&e, "%s:%ld", shown, no);
			goto done;
		}
		total += line.len + 1;
		if (total > TOTAL_MAX_BYTES) {
			err_set(&e, ERR_DATA, "%s:%ld: more than %u MiB of actions (a transaction holds at most 4 MB); nothing "
			        "was sent", shown, no, TOTAL_MAX_BYTES >> 20);
			goto done;
		}
		if (!line.ptr[strspn(line.ptr, " \t")])
			continue;
		if (n == ITEMOP_TRANSACT_MAX) {
			err_set(&e, ERR_DATA, "%s:%ld: more than %d actions (TransactWriteItems' limit); nothing was sent", shown,
			        no, ITEMOP_TRANSACT_MAX);
			goto done;
		}
		cJSON *v = json_parse_exact(line.ptr, line.len, &e);
		const char *table = NULL;
		cJSON *action = v ? itemop_transact_action(ctx, v, &kinds[n], &table, &e) : NULL;
		if (!action) {
			cJSON_Delete(v);
			err_prefix(&e, "%s:%ld", shown, no);
			goto done;
		}
		tables[n] = xstrdup(table);
		lines[n++] = no;
		cJSON_Delete(v);
		cJSON_AddItemToArray(items, action);
	}
	if (!n) {
		err_set(&e, ERR_DATA, "%s: no actions", shown);
		goto done;
	}
	if (itemop_transact(ctx, items, &reasons, &e) < 0) {
		if (e.kind == ERR_CONDITION) {
			const cJSON *r;
			size_t i = 0;
			cJSON_ArrayForEach(r, reasons) {
				if (i >= n)
					break;
				const char *c = json_get_string(r, "Code"), *m = json_get_string(r, "Message");
				if (c && !strcmp(c, "None") && !m)
					m = "not the cause";
				char *cc = term_clean(c ? c : "?"), *mc = m ? term_clean(m) : NULL;
				char *tc = term_clean(tables[i]);
				fprintf(ctx->err_out, "ddb: transact: %s:%ld: %s '%s': %s%s%s\n", shown, lines[i], kinds[i], tc, cc,
				        mc ? ": " : "", mc ? mc : "");
				free(cc);
				free(mc);
				free(tc);
				i++;
			}
		}
		goto done;
	}
	ctx_note(ctx, "%zu action%s applied as one transaction", n, n == 1 ? "" : "s");
	rc = 0;
done:
	if (f && !is_stdin)
		fclose(f);
	for (size_t i = 0; i < n; i++)
		free(tables[i]);
	cJSON_Delete(items);
	cJSON_Delete(reasons);
	buf_release(&line);
	return rc < 0 ? ctx_fail(ctx, &e) : 0;
}
