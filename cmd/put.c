/* put.c — ddb put TABLE ITEM|-: one item (plain or DynamoDB JSON) with PutItem, optionally conditional. */
#include <stdlib.h>
#include <string.h>

#include "aws/aws.h"
#include "cli/cmd.h"
#include "dynamo/expr.h"
#include "cli/itemop.h"
#include "base/json.h"

static int cmd_put(struct ctx *ctx, void *args, int npos, char **argv);

struct put_args {
	struct strlist condition;
	const char *values, *names, *ret;
	int if_not_exists;
};

static const char *const put_returns[] = { "old", "none", NULL };

static const struct opt put_opts[] = {
	OPT_F_BOOL(0, "if-not-exists", struct put_args, if_not_exists, "write only when no item has this key"),
	{ OPT_LIST, 0, "condition", offsetof(struct put_args, condition), "EXPR",
	  "ConditionExpression, or name=value (repeatable, AND-ed)", NULL, 0, 0, "attr=" },
	OPT_F_STR(0, "values", struct put_args, values, "JSON", "ExpressionAttributeValues (plain or DynamoDB JSON)"),
	OPT_F_STR(0, "names", struct put_args, names, "JSON", "ExpressionAttributeNames ({\"#n\":\"name\"})"),
	OPT_F_CHOICE(0, "return", struct put_args, ret, "old|none",
	             "print the item this one replaced (default: none; old in prod)", put_returns),
	OPT_F_END,
};

const struct cmd cmd_def_put = {
	"put", cmd_put, CMD_AWS, "write one item (plain or DynamoDB JSON)",
	"ddb put TABLE ITEM|- [--if-not-exists] [--condition EXPR]... [--values JSON] [--names JSON] [--return old|none]",
	put_opts,
	"PutItem of one item given as an argument or, with '-', on standard input: plain JSON ({\"pk\":\"a\",\"n\":1.50}) "
	"or DynamoDB JSON ({\"pk\":{\"S\":\"a\"}}), detected as 'ddb seed' detects it; numbers keep every digit.  The "
	"key attributes must be there with the table's types (DescribeTable), and the item under 400 KB (exit 65).  "
	"--if-not-exists writes only when no item has the key; --condition takes a ConditionExpression (with --values "
	"and --names) or the name=value sugar of --filter.  A failed condition exits 4 with one line naming it, and "
	"nothing is written.  --return old prints the item that was replaced (as 'ddb get' prints it); in prod that is "
	"the default, so what a put overwrote is never lost from sight (--return none to skip it).  In the REPL, after "
	".use TABLE, 'put ITEM' (a JSON object) writes to that table.",
	"table;file",
	.args_size = sizeof(struct put_args),
};

static int cmd_put(struct ctx *ctx, void *args, int npos, char **argv)
{
	struct put_args a = *(struct put_args *)args;
	struct err e = ERR_INIT;
	struct table_desc d = TABLE_DESC_INIT;
	struct item_key_attr keys[2];
	size_t nkeys = 0;
	struct expr x;
	struct buf text = BUF_INIT, cond = BUF_INIT, shown = BUF_INIT;
	cJSON *in = NULL, *out = NULL, *item = NULL;
	char *wire = NULL;
	int rc = -1;

	expr_init(&x);
	/* the REPL's `.use TABLE`: `put ITEM` alone (an object) takes the session's table */
	const char *table = npos >= 1 ? argv[1] : NULL, *itemarg = npos >= 2 ? argv[2] : NULL;
	if (npos == 1 && ctx->default_table && argv[1][0] == '{') {
		table = ctx->default_table;
		itemarg = argv[1];
		npos = 2;
	}
	if (npos < 2) {
		err_set(&e, ERR_USAGE, "missing %s", npos < 1 ? "TABLE" : "ITEM (a JSON object, or - for standard input)");
		goto done;
	}
	if (npos > 2) {
		err_set(&e, ERR_USAGE, "unexpected argument '%s'", argv[3]);
		goto done;
	}
	const char *ret = a.ret ? a.ret : ctx->prod ? "old" : "none";
	wire = ctx_table_wire(ctx, table);
	if (a.names && expr_add_names(&x, a.names, &e) < 0)
		goto done;
	if (a.values && expr_add_values(&x, a.values, &e) < 0)
		goto done;
	if (itemop_describe(ctx, wire, table, &d, &e) < 0 || itemop_keys(&d, table, keys, &nkeys, &e) < 0)
		goto done;
	if (!strcmp(itemarg, "-")) {
		if (ctx->in_repl) {
			err_set(&e, ERR_USAGE, "ITEM: standard input is the REPL's own input here: give the item as an argument");
			goto done;
		}
		if (itemop_read_input("-", 16u << 20, &text, &e) < 0)
			goto done;
	} else {
		buf_adds(&text, itemarg);
	}
	if (!(item = itemop_parse_item(text.ptr ? text.ptr : "", text.len, keys, nkeys, &e))) {
		err_prefix(&e, "%s", strcmp(itemarg, "-") ? "ITEM" : "standard input");
		goto done;
	}
	if (itemop_write_condition(&x, a.if_not_exists ? "attribute_not_exists" : NULL, keys[0].name, "--if-not-exists",
	                           a.condition.v, a.condition.n, &cond, &shown, &e) < 0)
		goto done;
	in = cJSON_CreateObject();
	cJSON_AddStringToObject(in, "TableName", wire);
	cJSON_AddItemToObject(in, "Item", item);
	item = NULL;
	if (cond.len)
		cJSON_AddStringToObject(in, "ConditionExpression", buf_cstr(&cond));
	expr_apply(&x, in);
	if (!strcmp(ret, "old"))
		cJSON_AddStringToObject(in, "ReturnValues", "ALL_OLD");
	if (aws_json(ctx, &aws_dynamodb, "PutItem", in, &out, &e) < 0) {
		itemop_condition_failed(&e, buf_cstr(&shown));
		goto done;
	}
	const cJSON *old = json_get(out, "Attributes");
	rc = 0;
	if (cJSON_IsObject(old) && old->child)
		rc = itemop_print(ctx, old, keys, nkeys, &e);
	else if (!strcmp(ret, "old") && ctx->err_tty)
		ctx_note(ctx, "a new item (nothing replaced)");
done:
	cJSON_Delete(in);
	cJSON_Delete(out);
	cJSON_Delete(item);
	table_desc_release(&d);
	expr_release(&x);
	buf_release(&text);
	buf_release(&cond);
	buf_release(&shown);
	strlist_release(&a.condition);
	free(wire);
	if (rc < 0 && e.kind == ERR_USAGE)
		return ctx_usage(ctx, &cmd_def_put, "%s", e.msg);
	return rc < 0 ? ctx_fail(ctx, &e) : 0;
}
