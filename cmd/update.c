/* update.c — ddb update TABLE --pk V [--sk V]: UpdateItem from --set/--remove/--add/--delete clauses (lib/dynamo/update.c)
 * or a raw --expression, optionally conditional, printing the item as --return says. */
#include <stdlib.h>
#include <string.h>

#include "aws/aws.h"
#include "cli/cmd.h"
#include "dynamo/expr.h"
#include "cli/itemop.h"
#include "base/json.h"
#include "dynamo/update.h"

static int cmd_update(struct ctx *ctx, void *args, int npos, char **argv);

struct update_args {
	const char *pk, *sk, *expression, *values, *names, *ret;
	struct strlist set, remove, add, del, condition;
	int if_exists;
};

static const char *const update_returns[] = { "new", "old", "updated-new", "updated-old", "none", NULL };

#define LIST_OPT(l, f, a, h, c) { OPT_LIST, 0, l, offsetof(struct update_args, f), a, h, NULL, 0, 0, c }

static const struct opt update_opts[] = {
	OPT_F_STR(0, "pk", struct update_args, pk, "VALUE", "the partition key value"),
	OPT_F_STR(0, "sk", struct update_args, sk, "VALUE", "the sort key value (tables with a sort key)"),
	LIST_OPT("set", set, "PATH=VALUE", "SET PATH to VALUE (typed as a name=value filter; JSON for maps, lists, "
	         "sets) (repeatable)", "attr="),
	LIST_OPT("remove", remove, "PATH", "REMOVE PATH (repeatable)", "attr"),
	LIST_OPT("add", add, "PATH=N|SET", "ADD a number to PATH, or elements to a set (repeatable)", "attr="),
	LIST_OPT("delete", del, "PATH=SET", "DELETE elements from the set at PATH (repeatable)", "attr="),
	OPT_F_STR(0, "expression", struct update_args, expression, "EXPR",
	          "a raw UpdateExpression ('SET #a = :v ...') instead of the clause options"),
	LIST_OPT("condition", condition, "EXPR", "ConditionExpression, or name=value (repeatable, AND-ed)", "attr="),
	OPT_F_BOOL(0, "if-exists", struct update_args, if_exists, "update only an existing item (never create one)"),
	OPT_F_STR(0, "values", struct update_args, values, "JSON", "ExpressionAttributeValues (plain or DynamoDB JSON)"),
	OPT_F_STR(0, "names", struct update_args, names, "JSON", "ExpressionAttributeNames ({\"#n\":\"name\"})"),
	OPT_F_CHOICE(0, "return", struct update_args, ret, "new|old|updated-new|updated-old|none",
	             "what to print (default new: the whole item after the update)", update_returns),
	OPT_F_END,
};

const struct cmd cmd_def_update = {
	"update", cmd_update, CMD_AWS, "change attributes of one item",
	"ddb update TABLE --pk VALUE [--sk VALUE] [--set PATH=VALUE]... [--remove PATH]... [--add PATH=N|SET]...\n"
	"           [--delete PATH=SET]... [--condition EXPR]... [--if-exists] [--values JSON] [--names JSON]\n"
	"           [--return new|old|updated-new|updated-old|none]\n"
	"ddb update TABLE --pk VALUE [--sk VALUE] --expression 'SET ...' [--values JSON] [--names JSON] ...",
	update_opts,
	"UpdateItem on the item with that key (key names and types from DescribeTable).  The clause options build the "
	"UpdateExpression with placeholders for every name and value: --set PATH=VALUE (the value typed as --filter's "
	"name=value: a JSON number is N, true/false BOOL, null NULL, a quoted JSON string S, other text S as written; "
	"a JSON object or array is a map or list, or one typed value such as {\"SS\":[\"a\"]}), --remove PATH, --add "
	"PATH=N|SET (a number, or a set: [\"a\",\"b\"] is SS, [1,2] NS), --delete PATH=SET.  PATH is a document path: "
	"a.b[2].c (a name written #x is kept, for --names).  Or --expression with --values/--names.  Like UpdateItem, a "
	"missing item is created; --if-exists refuses that.  A failed condition exits 4 with one line naming it, and "
	"the item is unchanged.  --return prints the item after (new, the default), before (old), or only the updated "
	"attributes (updated-new, updated-old), as 'ddb get' prints it; none prints nothing.",
	"table",
	.args_size = sizeof(struct update_args),
};

static int cmd_update(struct ctx *ctx, void *args, int npos, char **argv)
{
	struct update_args a = *(struct update_args *)args;
	struct err e = ERR_INIT;
	struct table_desc d = TABLE_DESC_INIT;
	struct item_key_attr keys[2];
	size_t nkeys = 0;
	struct expr x;
	struct buf ue = BUF_INIT, cond = BUF_INIT, shown = BUF_INIT;
	cJSON *in = NULL, *out = NULL;
	char *wire = NULL;
	int rc = -1;

	expr_init(&x);
	size_t nclauses = a.set.n + a.remove.n + a.add.n + a.del.n;
	if (npos < 1)
		err_set(&e, ERR_USAGE, "missing TABLE");
	else if (npos > 1)
		err_set(&e, ERR_USAGE, "unexpected argument '%s'", argv[2]);
	else if (!a.pk)
		err_set(&e, ERR_USAGE, "missing --pk VALUE (the partition key value)");
	else if (a.expression && nclauses)
		err_set(&e, ERR_USAGE, "--expression cannot be combined with --set/--remove/--add/--delete");
	else if (!a.expression && !nclauses)
		err_set(&e, ERR_USAGE, "nothing to update: give --set, --remove, --add, --delete or --expression");
	if (e.kind)
		goto done;
	const char *ret = itemop_return_values(a.ret ? a.ret : "new");
	wire = ctx_table_wire(ctx, argv[1]);
	if (a.names && expr_add_names(&x, a.names, &e) < 0)
		goto done;
	if (a.values && expr_add_values(&x, a.values, &e) < 0)
		goto done;
	if (a.expression) {
		if (!a.expression[strspn(a.expression, " \t")]) {
			err_set(&e, ERR_USAGE, "--expression: empty expression");
			goto done;
		}
		buf_adds(&ue, a.expression);
	} else {
		struct update_clauses c = { a.set.v, a.set.n, a.remove.v, a.remove.n, a.add.v, a.add.n, a.del.v, a.del.n };
		if (update_build(&x, &c, &ue, &e) < 0)
			goto done;
	}
	if (itemop_describe(ctx, wire, argv[1], &d, &e) < 0 || itemop_keys(&d, argv[1], keys, &nkeys, &e) < 0)
		goto done;
	cJSON *key = itemop_key(keys, nkeys, a.pk, a.sk, &e);
	if (!key)
		goto done;
	if (itemop_write_condition(&x, a.if_exists ? "attribute_exists" : NULL, keys[0].name, "--if-exists", a.condition.v,
	                           a.condition.n, &cond, &shown, &e) < 0) {
		cJSON_Delete(key);
		goto done;
	}
	in = cJSON_CreateObject();
	cJSON_AddStringToObject(in, "TableName", wire);
	cJSON_AddItemToObject(in, "Key", key);
	cJSON_AddStringToObject(in, "UpdateExpression", buf_cstr(&ue));
	if (cond.len)
		cJSON_AddStringToObject(in, "ConditionExpression", buf_cstr(&cond));
	expr_apply(&x, in);
	cJSON_AddStringToObject(in, "ReturnValues", ret);
	if (aws_json(ctx, &aws_dynamodb, "UpdateItem", in, &out, &e) < 0) {
		itemop_condition_failed(&e, buf_cstr(&shown));
		goto done;
	}
	const cJSON *attrs = json_get(out, "Attributes");
	rc = 0;
	if (cJSON_IsObject(attrs) && attrs->child)
		rc = itemop_print(ctx, attrs, keys, nkeys, &e);
done:
	if (rc < 0)
		rc = e.kind == ERR_USAGE ? ctx_usage(ctx, &cmd_def_update, "%s", e.msg) : ctx_fail(ctx, &e);
	cJSON_Delete(in);
	cJSON_Delete(out);
	table_desc_release(&d);
	expr_release(&x);
	buf_release(&ue);
	buf_release(&cond);
	buf_release(&shown);
	strlist_release(&a.set);
	strlist_release(&a.remove);
	strlist_release(&a.add);
	strlist_release(&a.del);
	strlist_release(&a.condition);
	free(wire);
	return rc;
}
