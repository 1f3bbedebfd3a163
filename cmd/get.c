/* get.c — ddb get TABLE --pk V [--sk V]: one item by its key (GetItem), printed plain, as a record, or typed. */
#include <stdlib.h>
#include <string.h>

#include "aws/aws.h"
#include "cli/cmd.h"
#include "dynamo/expr.h"
#include "cli/itemop.h"
#include "base/json.h"

static int cmd_get(struct ctx *ctx, void *args, int npos, char **argv);

struct get_args { const char *pk, *sk, *projection, *names; int consistent; };

static const struct opt get_opts[] = {
	OPT_F_STR(0, "pk", struct get_args, pk, "VALUE", "the partition key value"),
	OPT_F_STR(0, "sk", struct get_args, sk, "VALUE", "the sort key value (tables with a sort key)"),
	OPT_F_STRC(0, "projection", struct get_args, projection, "ATTRS", "only these attributes (a,b,c)", "attr"),
	OPT_F_STR(0, "names", struct get_args, names, "JSON", "ExpressionAttributeNames for #x in --projection"),
	OPT_F_BOOL(0, "consistent", struct get_args, consistent, "a strongly consistent read"),
	OPT_F_END,
};

const struct cmd cmd_def_get = {
	"get", cmd_get, CMD_AWS, "read one item by its key",
	"ddb get TABLE --pk VALUE [--sk VALUE] [--projection ATTRS] [--names JSON] [--consistent] [--ddb-json]",
	get_opts,
	"GetItem with the key built from --pk/--sk: the key names and types come from DescribeTable (N keys must be "
	"valid numbers, B keys base64: exit 65).  The item prints as one line of plain JSON when piped (numbers exact, "
	"sets as arrays, binary as base64), as a field/value record on a terminal, and typed with --ddb-json (what "
	"'ddb put' and 'ddb seed' accept back).  No item with that key: nothing is printed and the exit code is 3.  A "
	"missing table exits 66.",
	"table",
	.args_size = sizeof(struct get_args),
};

static int cmd_get(struct ctx *ctx, void *args, int npos, char **argv)
{
	struct get_args a = *(struct get_args *)args;
	struct err e = ERR_INIT;
	struct table_desc d = TABLE_DESC_INIT;
	struct item_key_attr keys[2];
	size_t nkeys = 0;
	struct expr x;
	struct buf proj = BUF_INIT;
	cJSON *in = NULL, *out = NULL;
	char *wire = NULL;
	int rc = -1;

	if (npos < 1)
		return ctx_usage(ctx, &cmd_def_get, "missing TABLE");
	if (npos > 1)
		return ctx_usage(ctx, &cmd_def_get, "unexpected argument '%s'", argv[2]);
	if (!a.pk)
		return ctx_usage(ctx, &cmd_def_get, "missing --pk VALUE (the partition key value)");
	expr_init(&x);
	wire = ctx_table_wire(ctx, argv[1]);
	if (a.names && expr_add_names(&x, a.names, &e) < 0)
		goto done;
	if (a.projection && expr_projection(&x, a.projection, &proj, &e) < 0)
		goto done;
	if (itemop_describe(ctx, wire, argv[1], &d, &e) < 0 || itemop_keys(&d, argv[1], keys, &nkeys, &e) < 0)
		goto done;
	in = cJSON_CreateObject();
	cJSON_AddStringToObject(in, "TableName", wire);
	cJSON *key = itemop_key(keys, nkeys, a.pk, a.sk, &e);
	if (!key)
		goto done;
	cJSON_AddItemToObject(in, "Key", key);
	if (proj.len)
		cJSON_AddStringToObject(in, "ProjectionExpression", buf_cstr(&proj));
	if (a.consistent)
		cJSON_AddBoolToObject(in, "ConsistentRead", 1);
	expr_apply(&x, in);
	if (aws_json(ctx, &aws_dynamodb, "GetItem", in, &out, &e) < 0)
		goto done;
	const cJSON *item = json_get(out, "Item");
	if (!item) {
		rc = 1;
		if (ctx->err_tty)
			ctx_note(ctx, "no item with that key in '%s'", argv[1]);
		goto done;
	}
	if (!cJSON_IsObject(item)) {
		err_set(&e, ERR_DATA, "GetItem: Item is not an object");
		goto done;
	}
	rc = itemop_print(ctx, item, keys, nkeys, &e);
done:
	cJSON_Delete(in);
	cJSON_Delete(out);
	table_desc_release(&d);
	expr_release(&x);
	buf_release(&proj);
	free(wire);
	if (rc == 1)
		return EXIT_NOITEM;
	if (e.kind == ERR_USAGE)
		return ctx_usage(ctx, &cmd_def_get, "%s", e.msg);
	return rc < 0 ? ctx_fail(ctx, &e) : 0;
}
