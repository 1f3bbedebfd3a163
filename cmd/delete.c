/* delete.c — ddb delete TABLE --pk V [--sk V]: DeleteItem, optionally conditional, printing what it removed with
 * --return old (the default in prod). */
#include <stdlib.h>
#include <string.h>

#include "aws/aws.h"
#include "cli/cmd.h"
#include "dynamo/expr.h"
#include "cli/itemop.h"
#include "base/json.h"

static int cmd_delete(struct ctx *ctx, void *args, int npos, char **argv);

struct delete_args {
	const char *pk, *sk, *values, *names, *ret;
	struct strlist condition;
	int if_exists;
};

static const char *const delete_returns[] = { "old", "none", NULL };

static const struct opt delete_opts[] = {
	OPT_F_STR(0, "pk", struct delete_args, pk, "VALUE", "the partition key value"),
	OPT_F_STR(0, "sk", struct delete_args, sk, "VALUE", "the sort key value (tables with a sort key)"),
	{ OPT_LIST, 0, "condition", offsetof(struct delete_args, condition), "EXPR",
	  "ConditionExpression, or name=value (repeatable, AND-ed)", NULL, 0, 0, "attr=" },
	OPT_F_BOOL(0, "if-exists", struct delete_args, if_exists, "fail (exit 4) when there is no such item"),
	OPT_F_STR(0, "values", struct delete_args, values, "JSON", "ExpressionAttributeValues (plain or DynamoDB JSON)"),
	OPT_F_STR(0, "names", struct delete_args, names, "JSON", "ExpressionAttributeNames ({\"#n\":\"name\"})"),
	OPT_F_CHOICE(0, "return", struct delete_args, ret, "old|none",
	             "print the item that was deleted (default: none; old in prod)", delete_returns),
	OPT_F_END,
};

const struct cmd cmd_def_delete = {
	"delete", cmd_delete, CMD_AWS, "delete one item by its key",
	"ddb delete TABLE --pk VALUE [--sk VALUE] [--condition EXPR]... [--if-exists] [--values JSON] [--names JSON]\n"
	"           [--return old|none]",
	delete_opts,
	"DeleteItem on the item with that key (key names and types from DescribeTable).  Deleting a missing item is "
	"not an error (exit 0), unless --if-exists.  --condition takes a ConditionExpression (with --values and "
	"--names) or the name=value sugar of --filter; a failed condition exits 4 with one line naming it and the item "
	"stays.  --return old prints the deleted item as 'ddb get' prints it; in prod that is the default, so what was "
	"deleted is never lost from sight (--return none to skip it).  Not a destructive command in the prod-guard "
	"sense: it removes one item, named by its key.",
	"table",
	.args_size = sizeof(struct delete_args),
};

static int cmd_delete(struct ctx *ctx, void *args, int npos, char **argv)
{
	struct delete_args a = *(struct delete_args *)args;
	struct err e = ERR_INIT;
	struct table_desc d = TABLE_DESC_INIT;
	struct item_key_attr keys[2];
	size_t nkeys = 0;
	struct expr x;
	struct buf cond = BUF_INIT, shown = BUF_INIT;
	cJSON *in = NULL, *out = NULL;
	char *wire = NULL;
	int rc = -1;

	expr_init(&x);
	if (npos < 1)
		err_set(&e, ERR_USAGE, "missing TABLE");
	else if (npos > 1)
		err_set(&e, ERR_USAGE, "unexpected argument '%s'", argv[2]);
	else if (!a.pk)
		err_set(&e, ERR_USAGE, "missing --pk VALUE (the partition key value)");
	if (e.kind)
		goto done;
	const char *ret = a.ret ? a.ret : ctx->prod ? "old" : "none";
	wire = ctx_table_wire(ctx, argv[1]);
	if (a.names && expr_add_names(&x, a.names, &e) < 0)
		goto done;
	if (a.values && expr_add_values(&x, a.values, &e) < 0)
		goto done;
	if (itemop_describe(ctx, wire, argv[1], &d, &e) < 0 || itemop_keys(&d, argv[1], keys, &nkeys, &e) < 0)
		goto done;
	cJSON *key = itemop_key(keys, nkeys, a.pk, a.sk, &e);
	if (!key)
		goto done;
	if (itemop_write_condition(&x, a.if_exists ? "attribute_exists" : NULL, keys[0].name, "--if-exists (no item with this key)", a.condition.v,
	                           a.condition.n, &cond, &shown, &e) < 0) {
		cJSON_Delete(key);
		goto done;
	}
	in = cJSON_CreateObject();
	cJSON_AddStringToObject(in, "TableName", wire);
	cJSON_AddItemToObject(in, "Key", key);
	if (cond.len)
		cJSON_AddStringToObject(in, "ConditionExpression", buf_cstr(&cond));
	expr_apply(&x, in);
	if (!strcmp(ret, "old"))
		cJSON_AddStringToObject(in, "ReturnValues", "ALL_OLD");
	if (aws_json(ctx, &aws_dynamodb, "DeleteItem", in, &out, &e) < 0) {
		itemop_condition_failed(&e, buf_cstr(&shown));
		goto done;
	}
	const cJSON *old = json_get(out, "Attributes");
	rc = 0;
	if (cJSON_IsObject(old) && old->child)
		rc = itemop_print(ctx, old, keys, nkeys, &e);
	else if (!strcmp(ret, "old") && ctx->err_tty)
		ctx_note(ctx, "there was no item with that key");
done:
	if (rc < 0)
		rc = e.kind == ERR_USAGE ? ctx_usage(ctx, &cmd_def_delete, "%s", e.msg) : ctx_fail(ctx, &e);
	cJSON_Delete(in);
	cJSON_Delete(out);
	table_desc_release(&d);
	expr_release(&x);
	buf_release(&cond);
	buf_release(&shown);
	strlist_release(&a.condition);
	free(wire);
	return rc;
}
