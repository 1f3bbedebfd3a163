/* vpc_endpoint.c — ddb vpc-endpoint create|list|delete: the Gateway VPC endpoint for DynamoDB, over the EC2 Query
 * API (lib/aws/awsquery.h) with EC2's XML read through lib/base/xml.h.
 *
 * create is idempotent: a live endpoint for com.amazonaws.<region>.dynamodb already in the VPC is reported (exit 0)
 * and only the route tables it lacks are added (ModifyVpcEndpoint); a new one is made with a ClientToken, so the
 * retries inside aws_send cannot make two.  Every Describe is read to the last page (NextToken); EC2 may answer
 * a page with no items and a token, so an empty page is not the end.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>
#include <openssl/rand.h>

#include "aws/aws.h"
#include "aws/awsquery.h"
#include "cli/cmd.h"
#include "base/json.h"
#include "aws/pager.h"
#include "cli/render.h"
#include "base/xml.h"

static int cmd_vpc_endpoint(struct ctx *ctx, void *args, int npos, char **argv);

struct vpce_args {
	const char *vpc_id;
	struct strlist route_tables;
	const char *policy;
	struct strlist tags;
	int dry_run;
	int all;
};

static const struct opt vpce_opts[] = {
	OPT_F_STR(0, "vpc-id", struct vpce_args, vpc_id, "ID", "the VPC (default: the region's default VPC)"),
	OPT_F_LIST(0, "route-table-id", struct vpce_args, route_tables, "ID",
	           "create: a route table to route through the endpoint (repeatable; default: the VPC's main one)"),
	{ OPT_STRING, 0, "policy", offsetof(struct vpce_args, policy), "FILE",
	  "create: the endpoint policy, a JSON file (default: full access)", NULL, 0, 0, "file" },
	OPT_F_LIST(0, "tag", struct vpce_args, tags, "KEY=VALUE", "create: tag the new endpoint (repeatable)"),
	OPT_F_BOOL(0, "dry-run", struct vpce_args, dry_run,
	           "ask EC2 whether the change would be allowed (DryRun=true); change nothing"),
	OPT_F_BOOL(0, "all", struct vpce_args, all, "list: include deleted and failed endpoints"),
	OPT_F_END,
};

/* The prod guard (cmd_start): delete is destructive (not with --dry-run); create is additive, list reads. */
static int vpce_destructive(const struct ctx *ctx, const void *args, int npos, char **argv, char *what, size_t n)
{
	const struct vpce_args *a = args;
	(void)ctx;
	if (npos < 1 || npos > 2 || strcmp(argv[1], "delete") || a->dry_run)
		return 0;
	if (npos == 2)
		snprintf(what, n, "delete VPC endpoint %s", argv[2]);
	else
		snprintf(what, n, "delete the DynamoDB VPC endpoint of %s%s", a->vpc_id ? "VPC " : "the default VPC",
		         a->vpc_id ? a->vpc_id : "");
	return 1;
}

const struct cmd cmd_def_vpc_endpoint = {
	"vpc-endpoint", cmd_vpc_endpoint, CMD_AWS | CMD_DESTRUCTIVE | CMD_ASKS,
	"the DynamoDB gateway VPC endpoint: create, list, delete",
	"ddb vpc-endpoint create [--vpc-id ID] [--route-table-id ID]... [--policy FILE] [--tag KEY=VALUE]... "
	"[--dry-run]\n"
	"ddb vpc-endpoint list [--vpc-id ID] [--all]\n"
	"ddb vpc-endpoint delete [ID] [--vpc-id ID] [--dry-run]",
	vpce_opts,
	"create makes the Gateway VPC endpoint for DynamoDB (com.amazonaws.<region>.dynamodb) in the default VPC (or "
	"--vpc-id), routed from its main route table (or each --route-table-id).  Run it again and the existing "
	"endpoint is reported, not duplicated; route tables it lacks are added to it.  list shows the DynamoDB "
	"endpoints (of --vpc-id); delete removes ID, or the DynamoDB endpoint of the VPC.  --dry-run asks EC2 whether "
	"the call would be allowed.  EC2 has no local engine: in local mode give --endpoint-url or "
	"AWS_ENDPOINT_URL_EC2.  Also linked as create-vpc-endpoint.",
	"words:create list delete",
	vpce_destructive,
	.args_size = sizeof(struct vpce_args),
};

static const char *const vpce_cols[] = { "VpcEndpointId", "VpcId", "State", "RouteTableIds", "CreationTimestamp",
                                         NULL };

#define POLICY_MAX 20480   /* EC2: an endpoint policy is at most 20,480 characters */

static const char full_access_policy[] =
	"{\"Version\":\"2008-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"*\","
	"\"Resource\":\"*\"}]}";

/* ---- EC2 helpers ------------------------------------------------------------------------------------------ */

static void add_filter(struct buf *form, int *n, const char *name, const char *value)
{
	char key[48];
	++*n;
	snprintf(key, sizeof(key), "Filter.%d.Name", *n);
	awsquery_add(form, key, name);
	snprintf(key, sizeof(key), "Filter.%d.Value.1", *n);
	awsquery_add(form, key, value);
}

static void add_indexed(struct buf *form, const char *prefix, int n, const char *value)
{
	char key[96];
	snprintf(key, sizeof(key), "%s.%d", prefix, n);
	awsquery_add(form, key, value);
}

typedef int (*ec2_item_fn)(void *arg, const struct xml_node *item, struct err *e);

/* Run a Describe action over every page (lib/aws/pager.h, EC2's NextToken): each <set>/<item> goes to fn (0 go on,
 * 1 stop, -1 error). */
static int ec2_each(struct ctx *ctx, const char *action, const struct buf *form, const char *set, ec2_item_fn fn,
                    void *arg, struct err *e)
{
	char what[96];
	struct pager p;
	int more, rc = 0;
	snprintf(what, sizeof(what), "ec2 %s", action);
	pager_init(&p, ctx, what, "NextToken", "NextToken");
	while (rc == 0 && (more = pager_more(&p, e)) != 0) {
		struct buf f = BUF_INIT;
		struct xml_node *doc = NULL;
		if (more < 0) {
			rc = -1;
			break;
		}
		buf_add(&f, buf_cstr(form), form->len);
		if (pager_token_str(&p))
			awsquery_add(&f, "NextToken", pager_token_str(&p));
		rc = awsquery_call(ctx, &aws_ec2, action, &f, &doc, e);
		buf_release(&f);
		if (rc < 0)
			break;
		const struct xml_node *s = xml_child(doc, set);
		for (const struct xml_node *it = s ? xml_child(s, "item") : NULL; it && rc == 0; it = xml_next(it))
			rc = fn(arg, it, e);
		if (rc == 0)
			rc = pager_next_token_str(&p, xml_text(doc, "nextToken"), e);
		xml_free(doc);
	}
	pager_release(&p);
	return rc < 0 ? -1 : 0;
}

static int first_text(void *arg, const struct xml_node *item, struct err *e)
{
	char **out = ((char **)arg);
	const char *id = xml_text(item, out[1]);
	(void)e;
	if (id && *id && !out[0])
		out[0] = xstrdup(id);
	return 0;
}

/* The VPC: --vpc-id (checked: EC2 says InvalidVpcID.NotFound) or the region's default VPC.  Caller frees. */
static int resolve_vpc(struct ctx *ctx, const struct vpce_args *a, char **vpc, struct err *e)
{
	struct buf form = BUF_INIT;
	int n = 0;
	char *res[2] = { NULL, (char *)"vpcId" };
	if (a->vpc_id)
		add_indexed(&form, "VpcId", 1, a->vpc_id);
	else
		add_filter(&form, &n, "is-default", "true");
	int rc = ec2_each(ctx, "DescribeVpcs", &form, "vpcSet", first_text, res, e);
	buf_release(&form);
	if (rc < 0)
		return -1;
	if (!res[0]) {
		if (a->vpc_id)
			return err_set(e, ERR_SERVICE, "VPC '%s' was not found in %s", a->vpc_id, ctx->region);
		return err_set(e, ERR_SERVICE, "no default VPC in %s: name the VPC with --vpc-id", ctx->region);
	}
	*vpc = res[0];
	return 0;
}

static int main_route_table(struct ctx *ctx, const char *vpc, char **rtb, struct err *e)
{
	struct buf form = BUF_INIT;
	int n = 0;
	char *res[2] = { NULL, (char *)"routeTableId" };
	add_filter(&form, &n, "vpc-id", vpc);
	add_filter(&form, &n, "association.main", "true");
	int rc = ec2_each(ctx, "DescribeRouteTables", &form, "routeTableSet", first_text, res, e);
	buf_release(&form);
	if (rc < 0)
		return -1;
	if (!res[0])
		return err_set(e, ERR_SERVICE, "VPC %s has no main route table: name one with --route-table-id", vpc);
	*rtb = res[0];
	return 0;
}

/* An endpoint as a row: the fields people look at, tags as an object.  A field EC2 did not send is left out (not
 * ""), so that a missing value is not mistaken for an empty one. */
static cJSON *vpce_json(const struct xml_node *it)
{
	static const struct { const char *xml, *json; } fields[] = {
		{ "vpcEndpointId", "VpcEndpointId" }, { "vpcId", "VpcId" }, { "serviceName", "ServiceName" },
		{ "vpcEndpointType", "VpcEndpointType" }, { "state", "State" },
	};
	cJSON *o = cJSON_CreateObject();
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		const char *v = xml_text(it, fields[i].xml);
		if (v)
			cJSON_AddStringToObject(o, fields[i].json, v);
	}
	cJSON *rt = cJSON_AddArrayToObject(o, "RouteTableIds");
	const struct xml_node *set = xml_child(it, "routeTableIdSet");
	for (const struct xml_node *r = set ? xml_child(set, "item") : NULL; r; r = xml_next(r))
		cJSON_AddItemToArray(rt, cJSON_CreateString(r->text));
	const char *ts = xml_text(it, "creationTimestamp");
	if (ts)
		cJSON_AddStringToObject(o, "CreationTimestamp", ts);
	cJSON *tags = cJSON_AddObjectToObject(o, "Tags");
	set = xml_child(it, "tagSet");
	for (const struct xml_node *t = set ? xml_child(set, "item") : NULL; t; t = xml_next(t)) {
		const char *k = xml_text(t, "key"), *v = xml_text(t, "value");
		if (k && !cJSON_GetObjectItemCaseSensitive(tags, k))
			cJSON_AddStringToObject(tags, k, v ? v : "");
	}
	const char *pol = xml_text(it, "policyDocument");
	if (pol)
		cJSON_AddStringToObject(o, "PolicyDocument", pol);
	return o;
}

/* EC2 sends the states in lower case ("available", "deleted"); its API model spells them "Available", "Deleted":
 * compare without case so either is read right. */
static int state_is_live(const char *state)
{
	static const char *const gone[] = { "deleted", "deleting", "failed", "rejected", "expired", NULL };
	for (int i = 0; gone[i]; i++)
		if (!strcasecmp(state, gone[i]))
			return 0;
	return 1;
}

struct collect {
	cJSON *list;     /* endpoint rows */
	int all;         /* keep deleted/failed ones too */
};

static int collect_endpoint(void *arg, const struct xml_node *item, struct err *e)
{
	struct collect *c = arg;
	const char *state = xml_text(item, "state");
	(void)e;
	if (!xml_text(item, "vpcEndpointId"))
		return 0;   /* nothing can be done with an endpoint that has no id */
	if (c->all || state_is_live(state ? state : ""))
		cJSON_AddItemToArray(c->list, vpce_json(item));
	return 0;
}

/* The DynamoDB endpoints (of vpc, when not NULL), every page.  *out: a cJSON array the caller deletes. */
static int find_endpoints(struct ctx *ctx, const char *service, const char *vpc, int all, cJSON **out,
                          struct err *e)
{
	struct buf form = BUF_INIT;
	int n = 0;
	struct collect c = { cJSON_CreateArray(), all };
	add_filter(&form, &n, "service-name", service);
	if (vpc)
		add_filter(&form, &n, "vpc-id", vpc);
	int rc = ec2_each(ctx, "DescribeVpcEndpoints", &form, "vpcEndpointSet", collect_endpoint, &c, e);
	buf_release(&form);
	if (rc < 0) {
		cJSON_Delete(c.list);
		return -1;
	}
	*out = c.list;
	return 0;
}

/* A Query call whose result we only need to succeed (or, with DryRun, to say DryRunOperation). */
static int ec2_do(struct ctx *ctx, const char *action, const struct buf *form, int dry_run, struct xml_node **doc,
                  struct err *e)
{
	struct xml_node *d = NULL;
	int rc = awsquery_call(ctx, &aws_ec2, action, form, &d, e);
	if (dry_run) {
		xml_free(d);
		if (rc == 0) {   /* the server ignored DryRun: the change may have been made */
			ctx_warn(ctx, "ec2 %s: the --dry-run was answered with success, not DryRunOperation: the server may "
			         "have carried it out, so the endpoint may now %s; check with: ddb vpc-endpoint list%s", action,
			         !strcmp(action, "DeleteVpcEndpoints") ? "be deleted" :
			         !strcmp(action, "ModifyVpcEndpoint") ? "be changed" : "exist",
			         ctx->prod ? " --prod" : "");
			return err_set(e, ERR_DATA, "ec2 %s: DryRun=true was answered with success, not DryRunOperation",
			               action);
		}
		if (!strcmp(e->type, "DryRunOperation")) {
			err_clear(e);
			return 0;
		}
		err_prefix(e, "dry run: %s would fail", action);
		return -1;
	}
	if (rc < 0)
		return -1;
	if (doc)
		*doc = d;
	else
		xml_free(d);
	return 0;
}

static int render_one(struct ctx *ctx, const cJSON *row, const char *const *cols, struct err *e)
{
	struct render *r = render_begin(ctx, OUT_JSONL, cols);
	if (render_row(r, row, e) < 0) {
		render_abort(r);
		return -1;
	}
	return render_end(r, e);
}

static int read_policy(const char *path, char **out, struct err *e)
{
	FILE *f = fopen(path, "rb");
	struct buf b;
	char chunk[4096];
	size_t n;
	if (!f)
		return err_set(e, ERR_NOINPUT, "--policy %s: cannot open: %s", path, strerror(errno));
	buf_init(&b, POLICY_MAX + 1);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		if (buf_add(&b, chunk, n) < 0) {
			fclose(f);
			buf_release(&b);
			return err_set(e, ERR_DATA, "--policy %s: longer than the %d characters EC2 allows", path,
			               POLICY_MAX);
		}
	}
	int bad = ferror(f);
	fclose(f);
	if (bad) {
		buf_release(&b);
		return err_set(e, ERR_NOINPUT, "--policy %s: read error", path);
	}
	cJSON *j = cJSON_ParseWithLength(buf_cstr(&b), b.len);
	if (!j || !cJSON_IsObject(j)) {
		cJSON_Delete(j);
		buf_release(&b);
		return err_set(e, ERR_DATA, "--policy %s: not a JSON object (an IAM policy document)", path);
	}
	cJSON_Delete(j);
	*out = buf_detach(&b, NULL);
	return 0;
}

static int json_text_equal(const char *a, const char *b)
{
	cJSON *ja = cJSON_Parse(a), *jb = cJSON_Parse(b);
	int eq = ja && jb && cJSON_Compare(ja, jb, 1);
	cJSON_Delete(ja);
	cJSON_Delete(jb);
	return eq;
}

static int array_has(const cJSON *arr, const char *s)
{
	const cJSON *x;
	cJSON_ArrayForEach(x, arr)
		if (cJSON_IsString(x) && !strcmp(x->valuestring, s))
			return 1;
	return 0;
}

static void client_token(char *out, size_t n)
{
	unsigned char r[16];
	if (RAND_bytes(r, sizeof(r)) != 1) {
		/* Still unique enough per run: time and pid; RAND_bytes only fails without entropy. */
		unsigned long t = (unsigned long)time(NULL) ^ ((unsigned long)getpid() << 16);
		memcpy(r, &t, sizeof(t) < sizeof(r) ? sizeof(t) : sizeof(r));
	}
	size_t k = (size_t)snprintf(out, n, "ddb-");
	for (size_t i = 0; i < sizeof(r) && k + 2 < n; i++)
		k += (size_t)snprintf(out + k, n - k, "%02x", r[i]);
}

/* ---- create ---------------------------------------------------------------------------------------------- */

static int vpce_create(struct ctx *ctx, struct vpce_args *a, const char *service, struct err *e)
{
	char *vpc = NULL, *main_rtb = NULL, *policy = NULL;
	cJSON *existing = NULL, *want = cJSON_CreateArray(), *row = NULL;
	struct buf form = BUF_INIT;
	struct xml_node *doc = NULL;
	int rc = -1;

	for (size_t i = 0; i < a->tags.n; i++) {
		const char *eq = strchr(a->tags.v[i], '=');
		if (!eq || eq == a->tags.v[i]) {
			err_set(e, ERR_USAGE, "--tag '%s': expected KEY=VALUE", a->tags.v[i]);
			goto out;
		}
	}
	if (a->policy && read_policy(a->policy, &policy, e) < 0)
		goto out;
	if (resolve_vpc(ctx, a, &vpc, e) < 0)
		goto out;
	if (a->route_tables.n) {
		for (size_t i = 0; i < a->route_tables.n; i++)
			if (!array_has(want, a->route_tables.v[i]))
				cJSON_AddItemToArray(want, cJSON_CreateString(a->route_tables.v[i]));
	} else {
		if (main_route_table(ctx, vpc, &main_rtb, e) < 0)
			goto out;
		cJSON_AddItemToArray(want, cJSON_CreateString(main_rtb));
	}
	if (find_endpoints(ctx, service, vpc, 0, &existing, e) < 0)
		goto out;

	if (cJSON_GetArraySize(existing) > 0) {
		/* Idempotent: report it; add the route tables no endpoint of this service routes yet. */
		row = cJSON_DetachItemFromArray(existing, 0);
		const char *id = cJSON_GetObjectItemCaseSensitive(row, "VpcEndpointId")->valuestring;
		cJSON *rts = cJSON_GetObjectItemCaseSensitive(row, "RouteTableIds");
		const cJSON *w, *other;
		int nadd = 0;
		struct buf added = BUF_INIT;
		awsquery_add(&form, "VpcEndpointId", id);
		cJSON_ArrayForEach(w, want) {
			int routed = array_has(rts, w->valuestring);
			cJSON_ArrayForEach(other, existing)
				routed |= array_has(cJSON_GetObjectItemCaseSensitive(other, "RouteTableIds"), w->valuestring);
			if (routed)
				continue;
			add_indexed(&form, "AddRouteTableId", ++nadd, w->valuestring);
			buf_addf(&added, "%s%s", added.len ? ", " : "", w->valuestring);
		}
		const cJSON *cur = cJSON_GetObjectItemCaseSensitive(row, "PolicyDocument");
		int new_policy = policy && !json_text_equal(policy, cJSON_IsString(cur) ? cur->valuestring : "");
		if (new_policy)
			awsquery_add(&form, "PolicyDocument", policy);
		if (a->tags.n)
			ctx_note(ctx, "--tag applies to a new endpoint; %s keeps its tags", id);
		if (!nadd && !new_policy) {
			ctx_note(ctx, "endpoint %s for %s already exists in %s (%s); nothing to do", id, service, vpc,
			         json_get_string(row, "State") ? json_get_string(row, "State") : "state unknown");
			buf_release(&added);
			rc = a->dry_run ? 0 : render_one(ctx, row, vpce_cols, e);
			goto out;
		}
		if (a->dry_run)
			awsquery_add(&form, "DryRun", "true");
		if (ec2_do(ctx, "ModifyVpcEndpoint", &form, a->dry_run, NULL, e) < 0) {
			buf_release(&added);
			goto out;
		}
		if (a->dry_run) {
			ctx_note(ctx, "dry run: endpoint %s already exists in %s; adding %s%s would have been allowed", id,
			         vpc, nadd ? buf_cstr(&added) : "", new_policy ? (nadd ? " and the policy" : "the policy") : "");
			buf_release(&added);
			rc = 0;
			goto out;
		}
		cJSON_ArrayForEach(w, want)
			if (!array_has(rts, w->valuestring))
				cJSON_AddItemToArray(rts, cJSON_CreateString(w->valuestring));
		if (new_policy)
			cJSON_ReplaceItemInObjectCaseSensitive(row, "PolicyDocument", cJSON_CreateString(policy));
		ctx_note(ctx, "endpoint %s for %s already exists in %s; added %s%s", id, service, vpc,
		         nadd ? buf_cstr(&added) : "", new_policy ? (nadd ? " and the policy" : "the policy") : "");
		buf_release(&added);
		rc = render_one(ctx, row, vpce_cols, e);
		goto out;
	}

	char token[48];
	const cJSON *w;
	int i = 0;
	client_token(token, sizeof(token));
	awsquery_add(&form, "VpcEndpointType", "Gateway");
	awsquery_add(&form, "VpcId", vpc);
	awsquery_add(&form, "ServiceName", service);
	cJSON_ArrayForEach(w, want)
		add_indexed(&form, "RouteTableId", ++i, w->valuestring);
	awsquery_add(&form, "PolicyDocument", policy ? policy : full_access_policy);
	awsquery_add(&form, "ClientToken", token);
	if (a->tags.n) {
		awsquery_add(&form, "TagSpecification.1.ResourceType", "vpc-endpoint");
		for (size_t t = 0; t < a->tags.n; t++) {
			const char *eq = strchr(a->tags.v[t], '=');
			char key[64];
			char *k = xstrndup(a->tags.v[t], (size_t)(eq - a->tags.v[t]));
			snprintf(key, sizeof(key), "TagSpecification.1.Tag.%zu.Key", t + 1);
			awsquery_add(&form, key, k);
			snprintf(key, sizeof(key), "TagSpecification.1.Tag.%zu.Value", t + 1);
			awsquery_add(&form, key, eq + 1);
			free(k);
		}
	}
	if (a->dry_run)
		awsquery_add(&form, "DryRun", "true");
	if (ec2_do(ctx, "CreateVpcEndpoint", &form, a->dry_run, &doc, e) < 0)
		goto out;
	if (a->dry_run) {
		char *rt = cJSON_PrintUnformatted(want);
		ctx_note(ctx, "dry run: creating the %s endpoint in %s (route tables %s) would have been allowed",
		         service, vpc, rt ? rt : "");
		cJSON_free(rt);
		rc = 0;
		goto out;
	}
	const struct xml_node *ep = xml_child(doc, "vpcEndpoint");
	if (!ep || !xml_text(ep, "vpcEndpointId")) {
		err_set(e, ERR_DATA, "ec2 CreateVpcEndpoint: the response has no vpcEndpoint/vpcEndpointId");
		goto out;
	}
	row = vpce_json(ep);
	ctx_note(ctx, "created endpoint %s for %s in %s", xml_text(ep, "vpcEndpointId"), service, vpc);
	rc = render_one(ctx, row, vpce_cols, e);
out:
	xml_free(doc);
	buf_release(&form);
	cJSON_Delete(existing);
	cJSON_Delete(want);
	cJSON_Delete(row);
	free(vpc);
	free(main_rtb);
	free(policy);
	return rc;
}

/* ---- list, delete ---------------------------------------------------------------------------------------- */

static int vpce_list(struct ctx *ctx, struct vpce_args *a, const char *service, struct err *e)
{
	cJSON *list = NULL;
	const cJSON *row;
	if (find_endpoints(ctx, service, a->vpc_id, a->all, &list, e) < 0)
		return -1;
	struct render *r = render_begin(ctx, OUT_JSONL, vpce_cols);
	cJSON_ArrayForEach(row, list) {
		if (render_row(r, row, e) < 0) {
			render_abort(r);
			cJSON_Delete(list);
			return -1;
		}
	}
	cJSON_Delete(list);
	return render_end(r, e);
}

static int vpce_delete(struct ctx *ctx, struct vpce_args *a, const char *id, const char *service, struct err *e)
{
	char *vpc = NULL;
	cJSON *ids = cJSON_CreateArray(), *found = NULL;
	struct buf form = BUF_INIT;
	struct xml_node *doc = NULL;
	int rc = -1, n = 0;
	const cJSON *x;

	if (id) {
		cJSON_AddItemToArray(ids, cJSON_CreateString(id));
	} else {
		if (resolve_vpc(ctx, a, &vpc, e) < 0 || find_endpoints(ctx, service, vpc, 0, &found, e) < 0)
			goto out;
		cJSON_ArrayForEach(x, found)
			cJSON_AddItemToArray(ids, cJSON_CreateString(
				cJSON_GetObjectItemCaseSensitive(x, "VpcEndpointId")->valuestring));
		if (!cJSON_GetArraySize(ids)) {
			ctx_note(ctx, "no %s endpoint in %s; nothing to delete", service, vpc);
			rc = 0;
			goto out;
		}
	}
	cJSON_ArrayForEach(x, ids) {
		char what[160];
		snprintf(what, sizeof(what), "delete VPC endpoint %s", x->valuestring);
		if (!a->dry_run && ctx_confirm(ctx, what, x->valuestring, e) < 0)
			goto out;
		add_indexed(&form, "VpcEndpointId", ++n, x->valuestring);
	}
	if (a->dry_run)
		awsquery_add(&form, "DryRun", "true");
	if (ec2_do(ctx, "DeleteVpcEndpoints", &form, a->dry_run, &doc, e) < 0)
		goto out;
	if (a->dry_run) {
		ctx_note(ctx, "dry run: deleting %d endpoint(s) would have been allowed", n);
		rc = 0;
		goto out;
	}
	/* Deleted unless listed in <unsuccessful>. */
	const struct xml_node *bad = xml_child(doc, "unsuccessful");
	struct render *r = render_begin(ctx, OUT_JSONL, NULL);
	rc = 0;
	cJSON_ArrayForEach(x, ids) {
		const struct xml_node *it;
		for (it = bad ? xml_child(bad, "item") : NULL; it; it = xml_next(it)) {
			const char *rid = xml_text(it, "resourceId");
			if (rid && !strcmp(rid, x->valuestring))
				break;
		}
		if (it) {
			const char *code = xml_text(it, "error/code"), *msg = xml_text(it, "error/message");
			if (rc == 0) {   /* the first failure is the one reported */
				err_set(e, ERR_SERVICE, "%s: %s", x->valuestring, msg && *msg ? msg : (code ? code : "not deleted"));
				snprintf(e->type, sizeof(e->type), "%s", code ? code : "");
				rc = -1;
			}
			continue;
		}
		cJSON *row = cJSON_CreateObject();
		cJSON_AddStringToObject(row, "VpcEndpointId", x->valuestring);
		cJSON_AddStringToObject(row, "State", "deleted");
		ctx_note(ctx, "deleted endpoint %s", x->valuestring);
		struct err we = ERR_INIT;
		int wr = render_row(r, row, &we);
		cJSON_Delete(row);
		if (wr < 0) {
			render_abort(r);
			*e = we;
			rc = -1;
			goto out;
		}
	}
	if (rc < 0) {
		struct err we = ERR_INIT;
		if (render_end(r, &we) < 0)
			*e = we;
	} else {
		rc = render_end(r, e);
	}
out:
	xml_free(doc);
	buf_release(&form);
	cJSON_Delete(ids);
	cJSON_Delete(found);
	free(vpc);
	return rc;
}

/* ---- the command ----------------------------------------------------------------------------------------- */

static int cmd_vpc_endpoint(struct ctx *ctx, void *args, int npos, char **argv)
{
	struct vpce_args a = *(struct vpce_args *)args;
	int code, rc;
	struct err e = ERR_INIT;
	char service[128];

	const char *sub = npos ? argv[1] : NULL;
	if (!sub) {
		code = ctx_usage(ctx, &cmd_def_vpc_endpoint, "missing subcommand: create, list or delete");
		goto done;
	}
	int is_create = !strcmp(sub, "create"), is_list = !strcmp(sub, "list"), is_delete = !strcmp(sub, "delete");
	if (!is_create && !is_list && !is_delete) {
		code = ctx_usage(ctx, &cmd_def_vpc_endpoint, "unknown subcommand '%s' (create, list or delete)", sub);
		goto done;
	}
	if (npos > (is_delete ? 2 : 1)) {
		code = ctx_usage(ctx, &cmd_def_vpc_endpoint, "unexpected argument '%s'", argv[is_delete ? 3 : 2]);
		goto done;
	}
	if (!is_create && (a.route_tables.n || a.policy || a.tags.n)) {
		code = ctx_usage(ctx, &cmd_def_vpc_endpoint, "%s is for create only",
		                 a.route_tables.n ? "--route-table-id" : a.policy ? "--policy" : "--tag");
		goto done;
	}
	if (is_list && a.dry_run) {
		code = ctx_usage(ctx, &cmd_def_vpc_endpoint, "--dry-run is for create and delete");
		goto done;
	}
	if (!is_list && a.all) {
		code = ctx_usage(ctx, &cmd_def_vpc_endpoint, "--all is for list only");
		goto done;
	}
	if (is_delete && npos == 2 && a.vpc_id) {
		code = ctx_usage(ctx, &cmd_def_vpc_endpoint, "give an endpoint ID or --vpc-id, not both");
		goto done;
	}
	if (ctx->output == OUT_MAP) {
		code = ctx_usage(ctx, &cmd_def_vpc_endpoint, "--output map is for cognito list-users");
		goto done;
	}
	if (snprintf(service, sizeof(service), "com.amazonaws.%s.dynamodb", ctx->region ? ctx->region : "") >=
	    (int)sizeof(service)) {
		err_set(&e, ERR_CONFIG, "region '%s' is too long", ctx->region);
		code = ctx_fail(ctx, &e);
		goto done;
	}
	if (is_create)
		rc = vpce_create(ctx, &a, service, &e);
	else if (is_list)
		rc = vpce_list(ctx, &a, service, &e);
	else
		rc = vpce_delete(ctx, &a, npos == 2 ? argv[2] : NULL, service, &e);
	code = rc < 0 ? ctx_fail(ctx, &e) : 0;
done:
	strlist_release(&a.route_tables);
	strlist_release(&a.tags);
	return code;
}
