/* test_schema.c — schema loading, validation (every bad fixture's message), namespaces and plans. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/err.h"
#include "base/json.h"
#include "dynamo/schema.h"
#include "unit.h"

#define BAD "test/data/schemas/bad/"
#define GOOD "test/data/schemas/good/"

/* Run from the repository root whatever the current directory is (the build runs us from elsewhere). */
static int find_root(void)
{
	int i;
	for (i = 0; i < 6; i++) {
		if (access(BAD "EXPECTED", R_OK) == 0)
			return 0;
		if (chdir("..") < 0)
			return -1;
	}
	return -1;
}

static struct schema *load1(const char *path, const struct schema_vars *vars, struct schema_list *l)
{
	struct err e = ERR_INIT;
	if (schema_load_file(path, vars, l, &e) < 0) {
		fprintf(stderr, "load %s: %s\n", path, e.msg);
		return NULL;
	}
	return l->n ? l->v[l->n - 1] : NULL;
}

static void test_reference_tf_equals_json(void)
{
	struct schema_list j = SCHEMA_LIST_INIT, t = SCHEMA_LIST_INIT;
	struct schema *a = load1("schemas/cruddur-messages.json", NULL, &j);
	struct schema *b = load1("schemas/examples/cruddur-messages.tf", NULL, &t);
	CHECK(a && b);
	if (a && b) {
		CHECK_INTEQ(t.n, 1);
		CHECK(cJSON_Compare(a->create, b->create, 1));
		CHECK(cJSON_Compare(a->doc, b->doc, 1));
		CHECK_STREQ(a->table, "cruddur-messages");
		CHECK_STREQ(b->table, "cruddur-messages");
		CHECK_STREQ(b->tf_name, "cruddur_messages");
		CHECK_INTEQ(a->line, 2);
		CHECK_INTEQ(b->line, 22);
		CHECK(!a->has_ttl && !b->has_ttl && !a->has_pitr && !b->has_pitr);
		CHECK(!a->from_tf && b->from_tf);
	}
	schema_list_release(&j);
	schema_list_release(&t);
}

static void test_bad_fixtures(void)
{
	FILE *f = fopen(BAD "EXPECTED", "r");
	char line[2048];
	int n = 0, tf = 0, json = 0;
	CHECK(f != NULL);
	if (!f)
		return;
	while (fgets(line, sizeof line, f)) {
		char *tab = strchr(line, '\t'), path[2100], want[4200];
		struct schema_list l = SCHEMA_LIST_INIT;
		struct err e = ERR_INIT;
		size_t len = strlen(line);
		if (line[0] == '#' || line[0] == '\n')
			continue;
		if (len && line[len - 1] == '\n')
			line[len - 1] = '\0';
		CHECK_MSG(tab != NULL, "EXPECTED line without a tab: %s", line);
		if (!tab)
			continue;
		*tab = '\0';
		snprintf(path, sizeof path, BAD "%s", line);
		snprintf(want, sizeof want, "%s%s", path, tab + 1);
		CHECK_MSG(schema_load_file(path, NULL, &l, &e) == -1, "%s loaded but should fail", path);
		CHECK_MSG(e.kind == ERR_DATA, "%s: kind %d, expected ERR_DATA", path, e.kind);
		CHECK_INTEQ(err_exit_code(&e), 65);
		CHECK_MSG(strstr(e.msg, want) != NULL, "%s:\n  got:      %s\n  expected: %s", path, e.msg, want);
		CHECK_INTEQ(l.n, 0);
		schema_list_release(&l);
		n++;
		if (strstr(line, ".tf"))
			tf++;
		else
			json++;
	}
	fclose(f);
	CHECK_MSG(n >= 20, "only %d bad fixtures", n);
	CHECK_MSG(tf >= 10 && json >= 10, "%d .tf and %d .json bad fixtures", tf, json);
}

static void test_good_fixtures(void)
{
	struct schema_list l = SCHEMA_LIST_INIT;
	struct schema_vars vars = SCHEMA_VARS_INIT;
	struct err e = ERR_INIT;
	struct schema *s;
	const cJSON *x;

	s = load1(GOOD "ppr.json", NULL, &l);
	CHECK(s && !cJSON_GetObjectItemCaseSensitive(s->create, "ProvisionedThroughput"));

	s = load1(GOOD "lsi.json", NULL, &l);
	CHECK(s && cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(s->create, "LocalSecondaryIndexes")) == 2);

	s = load1(GOOD "streams.json", NULL, &l);
	x = s ? cJSON_GetObjectItemCaseSensitive(s->create, "StreamSpecification") : NULL;
	CHECK(x && cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(x, "StreamEnabled")));

	s = load1(GOOD "ttl-pitr-tags.json", NULL, &l);
	CHECK(s != NULL);
	if (s) {
		CHECK(s->has_ttl && s->ttl_enabled);
		CHECK_STREQ(s->ttl_attr, "expires_at");
		CHECK(s->has_pitr && s->pitr_enabled);
		CHECK_INTEQ(s->pitr_days, 7);
		/* the extensions are not CreateTable fields: never sent */
		CHECK(!cJSON_GetObjectItemCaseSensitive(s->create, "TimeToLiveSpecification"));
		CHECK(!cJSON_GetObjectItemCaseSensitive(s->create, "PointInTimeRecoverySpecification"));
		CHECK(cJSON_GetObjectItemCaseSensitive(s->doc, "TimeToLiveSpecification") != NULL);
		CHECK_INTEQ(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(s->create, "Tags")), 2);
	}
	schema_list_release(&l);

	/* several tables in one .tf, among skipped blocks */
	CHECK_INTEQ(schema_load_file(GOOD "multi.tf", NULL, &l, &e), 0);
	CHECK_INTEQ(l.n, 2);
	if (l.n == 2) {
		const char *want_a =
			"{\"TableName\":\"good-multi-a\",\"AttributeDefinitions\":[{\"AttributeName\":\"pk\",\"AttributeType\":\"S\"},"
			"{\"AttributeName\":\"sk\",\"AttributeType\":\"S\"},{\"AttributeName\":\"lsi_sk\",\"AttributeType\":\"N\"}],"
			"\"KeySchema\":[{\"AttributeName\":\"pk\",\"KeyType\":\"HASH\"},{\"AttributeName\":\"sk\",\"KeyType\":\"RANGE\"}],"
			"\"LocalSecondaryIndexes\":[{\"IndexName\":\"by-lsi-sk\",\"KeySchema\":[{\"AttributeName\":\"pk\",\"KeyType\":"
			"\"HASH\"},{\"AttributeName\":\"lsi_sk\",\"KeyType\":\"RANGE\"}],\"Projection\":{\"ProjectionType\":\"INCLUDE\","
			"\"NonKeyAttributes\":[\"title\",\"body\"]}}],\"BillingMode\":\"PAY_PER_REQUEST\",\"StreamSpecification\":"
			"{\"StreamEnabled\":true,\"StreamViewType\":\"KEYS_ONLY\"},\"SSESpecification\":{\"Enabled\":true,\"SSEType\":"
			"\"KMS\"},\"TableClass\":\"STANDARD\",\"Tags\":[{\"Key\":\"Name\",\"Value\":\"good-multi-a\"},{\"Key\":"
			"\"cost-center\",\"Value\":\"1234\"},{\"Key\":\"enabled\",\"Value\":\"true\"}],\"DeletionProtectionEnabled\":true}";
		char *got = cJSON_PrintUnformatted(l.v[0]->create);
		CHECK_STREQ(got, want_a);
		free(got);
		CHECK(l.v[0]->has_ttl && l.v[0]->ttl_enabled && l.v[0]->has_pitr && l.v[0]->pitr_enabled);
		CHECK_STREQ(l.v[1]->table, "good-multi-b");
		CHECK_INTEQ(l.v[1]->line, 89);
		CHECK(l.v[1]->has_ttl && !l.v[1]->ttl_enabled && !l.v[1]->ttl_attr);
		CHECK(l.v[1]->has_pitr && !l.v[1]->pitr_enabled);
		got = cJSON_PrintUnformatted(cJSON_GetObjectItemCaseSensitive(l.v[1]->create, "ProvisionedThroughput"));
		CHECK_STREQ(got, "{\"ReadCapacityUnits\":3,\"WriteCapacityUnits\":4}");
		free(got);
	}
	schema_list_release(&l);

	/* --var resolution: var.x, "${var.x}", defaults of variable blocks, $${ escapes */
	CHECK_INTEQ(schema_load_file(GOOD "vars.tf", NULL, &l, &e), -1);
	CHECK(strstr(e.msg, GOOD "vars.tf:17: aws_dynamodb_table.messages: 'name': variable 'env' has no value (give it with --var env=VALUE)") != NULL);
	CHECK_INTEQ(schema_vars_add(&vars, "env=staging", &e), 0);
	CHECK_INTEQ(schema_vars_add(&vars, "env=dev", &e), 0);   /* the later one wins */
	s = load1(GOOD "vars.tf", &vars, &l);
	CHECK(s != NULL);
	if (s) {
		char *tags = cJSON_PrintUnformatted(cJSON_GetObjectItemCaseSensitive(s->create, "Tags"));
		CHECK_STREQ(s->table, "dev-messages");
		CHECK_STREQ(cJSON_GetObjectItemCaseSensitive(s->create, "BillingMode")->valuestring, "PAY_PER_REQUEST");
		CHECK_STREQ(tags, "[{\"Key\":\"env\",\"Value\":\"dev\"},{\"Key\":\"label\",\"Value\":\"dev/${literal}\"}]");
		CHECK(s->has_pitr && s->pitr_enabled);
		free(tags);
	}
	schema_list_release(&l);
	CHECK_INTEQ(schema_vars_add(&vars, "billing=PROVISIONED", &e), 0);   /* --var beats the default */
	CHECK_INTEQ(schema_load_file(GOOD "vars.tf", &vars, &l, &e), -1);
	CHECK(strstr(e.msg, "vars.tf:16: ProvisionedThroughput: required when BillingMode is PROVISIONED") != NULL);
	schema_list_release(&l);

	/* malformed --var */
	CHECK_INTEQ(schema_vars_add(&vars, "novalue", &e), -1);
	CHECK_INTEQ(e.kind, ERR_USAGE);
	CHECK_INTEQ(schema_vars_add(&vars, "9x=1", &e), -1);
	CHECK_STREQ(schema_vars_get(&vars, "env"), "dev");
	CHECK(schema_vars_get(&vars, "nope") == NULL);
	schema_vars_release(&vars);
}

static void test_paths(void)
{
	struct schema_list l = SCHEMA_LIST_INIT;
	struct schema_vars vars = SCHEMA_VARS_INIT;
	struct err e = ERR_INIT;
	const char *schemas[] = { "schemas" };
	const char *good[] = { GOOD };
	const char *twice[] = { "schemas", "schemas/examples/cruddur-messages.tf" };
	const char *missing[] = { "test/data/schemas/nope" };
	size_t i;

	/* a folder: its *.json and *.tf, not its subfolders (schemas/examples/ stays out) */
	CHECK_INTEQ(schema_load_paths(schemas, 1, NULL, &l, &e), 0);
	for (i = 0; i < l.n; i++)
		CHECK_MSG(!strstr(l.v[i]->file, "examples"), "%s loaded from a subfolder", l.v[i]->file);
	for (i = 0; i < l.n; i++)
		if (!strcmp(l.v[i]->table, "cruddur-messages"))
			break;
	CHECK_MSG(i < l.n, "cruddur-messages not loaded from schemas/");
	schema_list_release(&l);

	/* sorted order, several tables per .tf; the folder's .tf files load together (one module) at the first one's place */
	schema_vars_add(&vars, "env=dev", &e);
	CHECK_INTEQ(schema_load_paths(good, 1, &vars, &l, &e), 0);
	CHECK_INTEQ(l.n, 7);
	if (l.n == 7) {
		CHECK_STREQ(l.v[0]->table, "good-lsi");
		CHECK_STREQ(l.v[1]->table, "good-multi-a");
		CHECK_STREQ(l.v[2]->table, "good-multi-b");
		CHECK_STREQ(l.v[3]->table, "dev-messages");
		CHECK_STREQ(l.v[4]->table, "good-ppr");
	}
	schema_list_release(&l);
	schema_vars_release(&vars);

	/* the same table twice */
	CHECK_INTEQ(schema_load_paths(twice, 2, NULL, &l, &e), -1);
	CHECK(strstr(e.msg, "schemas/examples/cruddur-messages.tf:22: table 'cruddur-messages' is also defined at "
	                    "schemas/cruddur-messages.json:2") != NULL);
	CHECK_INTEQ(l.n, 0);

	CHECK_INTEQ(schema_load_paths(missing, 1, NULL, &l, &e), -1);
	CHECK_INTEQ(e.kind, ERR_NOINPUT);
	CHECK_INTEQ(err_exit_code(&e), 66);
	CHECK_INTEQ(schema_load_file("test/data/schemas/nope.json", NULL, &l, &e), -1);
	CHECK_INTEQ(e.kind, ERR_NOINPUT);
}

static void test_line_of(void)
{
	struct schema_list l = SCHEMA_LIST_INIT;
	struct schema *j = load1("schemas/cruddur-messages.json", NULL, &l);
	struct schema *t = load1("schemas/examples/cruddur-messages.tf", NULL, &l);
	CHECK(j && t);
	if (!j || !t)
		goto out;
	CHECK_INTEQ(schema_line_of(j, "TableName"), 2);
	CHECK_INTEQ(schema_line_of(j, "AttributeDefinitions[2]"), 6);
	CHECK_INTEQ(schema_line_of(j, "AttributeDefinitions[2].AttributeType"), 6);
	CHECK_INTEQ(schema_line_of(j, "KeySchema[1].KeyType"), 10);
	CHECK_INTEQ(schema_line_of(j, "GlobalSecondaryIndexes[0].ProvisionedThroughput"), 20);
	CHECK_INTEQ(schema_line_of(j, "GlobalSecondaryIndexes[0].Nope"), 13);   /* deepest existing part */
	CHECK_INTEQ(schema_line_of(j, "GlobalSecondaryIndexes[7]"), 12);
	CHECK_INTEQ(schema_line_of(j, "ProvisionedThroughput.ReadCapacityUnits"), 24);
	CHECK_INTEQ(schema_line_of(t, "TableName"), 23);
	CHECK_INTEQ(schema_line_of(t, "ProvisionedThroughput.ReadCapacityUnits"), 25);
	CHECK_INTEQ(schema_line_of(t, "AttributeDefinitions[1].AttributeType"), 35);
	CHECK_INTEQ(schema_line_of(t, "GlobalSecondaryIndexes[0].IndexName"), 46);
	CHECK_INTEQ(schema_line_of(t, "GlobalSecondaryIndexes[0].Projection.ProjectionType"), 49);
	CHECK_INTEQ(schema_line_of(t, "Nope"), 22);
out:
	schema_list_release(&l);
}

static void test_memory_and_prefix(void)
{
	struct schema_list l = SCHEMA_LIST_INIT;
	struct err e = ERR_INIT;
	const char *src = "{\"TableName\":\"t1\"}";
	struct schema *s;
	char big[300];

	CHECK_INTEQ(schema_load_mem(src, strlen(src), "mem.json", 0, NULL, &l, &e), -1);
	CHECK_STREQ(e.msg, "mem.json:1: TableName: 't1' is not a legal table name (3 to 255 characters: a-z A-Z 0-9 _ - .)");
	CHECK_INTEQ(schema_load_mem("", 0, "empty.json", 0, NULL, &l, &e), -1);
	CHECK_STREQ(e.msg, "empty.json:1:1: invalid JSON (unexpected end of file)");
	CHECK_INTEQ(schema_load_mem("", 0, "empty.tf", 1, NULL, &l, &e), 0);   /* no tables is not an error */
	CHECK_INTEQ(l.n, 0);
	src = "{\"TableName\": \"abc\", \"KeySchema\": [], \"AttributeDefinitions\": [{\"AttributeName\": \"pk\", "
	      "\"AttributeType\": \"S\"}]}";
	CHECK_INTEQ(schema_load_mem(src, strlen(src), "k.json", 0, NULL, &l, &e), -1);
	CHECK_STREQ(e.msg, "k.json:1: KeySchema: must hold a HASH key and optionally a RANGE key (1 or 2 entries), not 0");

	s = load1("schemas/cruddur-messages.json", NULL, &l);
	CHECK(s != NULL);
	if (!s)
		return;
	CHECK_STREQ(schema_wire_name(s), "cruddur-messages");
	CHECK_INTEQ(schema_set_prefix(s, "dev-", &e), 0);
	CHECK_STREQ(schema_wire_name(s), "dev-cruddur-messages");
	CHECK_STREQ(s->table, "cruddur-messages");
	CHECK_STREQ(cJSON_GetObjectItemCaseSensitive(s->doc, "TableName")->valuestring, "cruddur-messages");
	CHECK_INTEQ(schema_set_prefix(s, "alice.", &e), 0);   /* replaces, does not stack */
	CHECK_STREQ(schema_wire_name(s), "alice.cruddur-messages");
	CHECK_INTEQ(schema_set_prefix(s, "bad prefix/", &e), -1);
	CHECK_INTEQ(e.kind, ERR_USAGE);
	CHECK_STREQ(schema_wire_name(s), "alice.cruddur-messages");
	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	CHECK_INTEQ(schema_set_prefix(s, big, &e), -1);
	CHECK_INTEQ(schema_set_prefix(s, NULL, &e), 0);
	CHECK_STREQ(schema_wire_name(s), "cruddur-messages");
	schema_list_release(&l);
}

/* ---- plans ---- */

static const char LIVE_SAME[] =
	"{\"Table\":{\"TableName\":\"cruddur-messages\",\"TableStatus\":\"ACTIVE\","
	"\"AttributeDefinitions\":[{\"AttributeName\":\"message_group_uuid\",\"AttributeType\":\"S\"},"
	"{\"AttributeName\":\"pk\",\"AttributeType\":\"S\"},{\"AttributeName\":\"sk\",\"AttributeType\":\"S\"}],"
	"\"KeySchema\":[{\"AttributeName\":\"pk\",\"KeyType\":\"HASH\"},{\"AttributeName\":\"sk\",\"KeyType\":\"RANGE\"}],"
	"\"ProvisionedThroughput\":{\"LastIncreaseDateTime\":0,\"NumberOfDecreasesToday\":0,\"ReadCapacityUnits\":5,"
	"\"WriteCapacityUnits\":5},\"TableSizeBytes\":0,\"ItemCount\":0,"
	"\"GlobalSecondaryIndexes\":[{\"IndexName\":\"message-group-sk-index\",\"KeySchema\":[{\"AttributeName\":"
	"\"message_group_uuid\",\"KeyType\":\"HASH\"},{\"AttributeName\":\"sk\",\"KeyType\":\"RANGE\"}],\"Projection\":"
	"{\"ProjectionType\":\"ALL\"},\"IndexStatus\":\"ACTIVE\",\"ProvisionedThroughput\":{\"ReadCapacityUnits\":5,"
	"\"WriteCapacityUnits\":5}}]}}";

static char *plan_lines(const struct schema_plan *p)
{
	struct buf b = BUF_INIT;
	size_t i;
	for (i = 0; i < p->n; i++)
		buf_addf(&b, "%s\n", p->v[i].line);
	return b.ptr ? buf_detach(&b, NULL) : xstrdup("");
}

/* Plan s against live JSON (a DescribeTable response); returns the lines; *req0 the first request. */
static char *plan_for(const struct schema *s, const char *live_json, const char *ttl_json, const char *cb_json,
                      char **req0, struct schema_plan *keep)
{
	cJSON *live = cJSON_Parse(live_json), *ttl = ttl_json ? cJSON_Parse(ttl_json) : NULL;
	cJSON *cb = cb_json ? cJSON_Parse(cb_json) : NULL;
	struct schema_plan p = SCHEMA_PLAN_INIT;
	struct err e = ERR_INIT;
	char *out;
	if (schema_plan(s, live, ttl, cb, &p, &e) < 0) {
		out = xasprintf("ERROR %s", e.msg);
	} else {
		out = plan_lines(&p);
		if (req0)
			*req0 = p.n && p.v[0].request ? cJSON_PrintUnformatted(p.v[0].request) : NULL;
	}
	cJSON_Delete(live);
	cJSON_Delete(ttl);
	cJSON_Delete(cb);
	if (keep)
		*keep = p;
	else
		schema_plan_release(&p);
	return out;
}

static char *replace(const char *s, const char *from, const char *to)
{
	struct buf b = BUF_INIT;
	const char *p = strstr(s, from);
	if (!p)
		return xstrdup(s);
	buf_add(&b, s, (size_t)(p - s));
	buf_adds(&b, to);
	buf_adds(&b, p + strlen(from));
	return buf_detach(&b, NULL);
}

static void test_plan(void)
{
	struct schema_list l = SCHEMA_LIST_INIT;
	struct schema *s = load1("schemas/cruddur-messages.json", NULL, &l), *t;
	struct schema_plan p;
	struct err e = ERR_INIT;
	char *got, *req = NULL, *live;
	cJSON *raw;
	CHECK(s != NULL);
	if (!s)
		return;

	got = plan_for(s, LIVE_SAME, NULL, NULL, NULL, NULL);
	CHECK_STREQ(got, "");
	free(got);

	/* the Table object alone works too; raw number nodes (lib/base/json.c) are read */
	raw = cJSON_Parse(LIVE_SAME);
	cJSON_ReplaceItemInObjectCaseSensitive(
		cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(raw, "Table"), "ProvisionedThroughput"),
		"ReadCapacityUnits", cJSON_CreateRaw("10"));
	memset(&p, 0, sizeof p);
	CHECK_INTEQ(schema_plan(s, cJSON_GetObjectItemCaseSensitive(raw, "Table"), NULL, NULL, &p, &e), 0);
	CHECK_INTEQ(p.n, 1);
	if (p.n == 1) {
		char *r = cJSON_PrintUnformatted(p.v[0].request);
		CHECK_STREQ(p.v[0].line, "~ throughput 10/5 -> 5/5");
		CHECK_STREQ(p.v[0].op, "UpdateTable");
		CHECK_INTEQ(p.v[0].kind, SCHEMA_CH_THROUGHPUT);
		CHECK_STREQ(r, "{\"TableName\":\"cruddur-messages\",\"ProvisionedThroughput\":{\"ReadCapacityUnits\":5,"
		               "\"WriteCapacityUnits\":5}}");
		free(r);
	}
	schema_plan_release(&p);
	cJSON_Delete(raw);

	/* a missing GSI, named with the namespace prefix */
	schema_set_prefix(s, "dev-", &e);
	live = replace(LIVE_SAME, "\"message-group-sk-index\"", "\"old-index\"");
	got = plan_for(s, live, NULL, NULL, &req, NULL);
	CHECK_STREQ(got, "+ add GSI message-group-sk-index (message_group_uuid HASH, sk RANGE, ALL)\n"
	                 "- GSI old-index (message_group_uuid HASH, sk RANGE, ALL) is live but not in the schema "
	                 "(kept; --prune deletes it)\n");
	CHECK_STREQ(req, "{\"TableName\":\"dev-cruddur-messages\",\"AttributeDefinitions\":[{\"AttributeName\":"
	                 "\"message_group_uuid\",\"AttributeType\":\"S\"},{\"AttributeName\":\"sk\",\"AttributeType\":\"S\"}],"
	                 "\"GlobalSecondaryIndexUpdates\":[{\"Create\":{\"IndexName\":\"message-group-sk-index\",\"KeySchema\":"
	                 "[{\"AttributeName\":\"message_group_uuid\",\"KeyType\":\"HASH\"},{\"AttributeName\":\"sk\",\"KeyType\":"
	                 "\"RANGE\"}],\"Projection\":{\"ProjectionType\":\"ALL\"},\"ProvisionedThroughput\":{\"ReadCapacityUnits\":5,"
	                 "\"WriteCapacityUnits\":5}}}]}");
	free(got);
	free(req);
	got = plan_for(s, live, NULL, NULL, NULL, &p);
	CHECK(p.n == 2 && !p.v[0].destructive && p.v[1].destructive && p.v[1].request != NULL);
	schema_plan_release(&p);
	free(got);
	free(live);
	schema_set_prefix(s, NULL, &e);

	/* key schema differs: not changeable */
	live = replace(LIVE_SAME, "{\"AttributeName\":\"pk\",\"KeyType\":\"HASH\"},{\"AttributeName\":\"sk\",\"KeyType\":\"RANGE\"}",
	               "{\"AttributeName\":\"pk\",\"KeyType\":\"HASH\"}");
	got = plan_for(s, live, NULL, NULL, NULL, &p);
	CHECK_STREQ(got, "! key schema differs: live pk HASH; schema pk HASH, sk RANGE (needs --recreate)\n");
	CHECK(p.n == 1 && p.v[0].needs_recreate && !p.v[0].request && p.v[0].kind == SCHEMA_CH_KEY_SCHEMA);
	schema_plan_release(&p);
	free(got);
	free(live);
	live = replace(LIVE_SAME, "{\"AttributeName\":\"pk\",\"AttributeType\":\"S\"}", "{\"AttributeName\":\"pk\",\"AttributeType\":\"N\"}");
	got = plan_for(s, live, NULL, NULL, NULL, NULL);
	CHECK(strncmp(got, "! key schema differs", 20) == 0);
	free(got);
	free(live);

	/* GSI throughput, projection */
	live = replace(LIVE_SAME, "\"IndexStatus\":\"ACTIVE\",\"ProvisionedThroughput\":{\"ReadCapacityUnits\":5",
	               "\"IndexStatus\":\"ACTIVE\",\"ProvisionedThroughput\":{\"ReadCapacityUnits\":1");
	got = plan_for(s, live, NULL, NULL, &req, NULL);
	CHECK_STREQ(got, "~ GSI message-group-sk-index throughput 1/5 -> 5/5\n");
	CHECK_STREQ(req, "{\"TableName\":\"cruddur-messages\",\"GlobalSecondaryIndexUpdates\":[{\"Update\":{\"IndexName\":"
	                 "\"message-group-sk-index\",\"ProvisionedThroughput\":{\"ReadCapacityUnits\":5,\"WriteCapacityUnits\":5}}}]}");
	free(got);
	free(req);
	free(live);
	live = replace(LIVE_SAME, "{\"ProjectionType\":\"ALL\"}", "{\"ProjectionType\":\"KEYS_ONLY\"}");
	got = plan_for(s, live, NULL, NULL, NULL, NULL);
	CHECK_STREQ(got, "! GSI message-group-sk-index differs: live (message_group_uuid HASH, sk RANGE, KEYS_ONLY), schema "
	                 "(message_group_uuid HASH, sk RANGE, ALL) (delete and re-add the index, or --recreate)\n");
	free(got);
	free(live);

	/* billing: on-demand live table as DynamoDB Local / dynalite show it */
	live = replace(LIVE_SAME, "\"ReadCapacityUnits\":5,\"WriteCapacityUnits\":5},\"TableSizeBytes\"",
	               "\"ReadCapacityUnits\":0,\"WriteCapacityUnits\":0},\"BillingModeSummary\":{\"BillingMode\":"
	               "\"PAY_PER_REQUEST\"},\"TableSizeBytes\"");
	got = plan_for(s, live, NULL, NULL, &req, NULL);
	CHECK_STREQ(got, "~ billing PAY_PER_REQUEST -> PROVISIONED (5/5)\n");
	CHECK_STREQ(req, "{\"TableName\":\"cruddur-messages\",\"BillingMode\":\"PROVISIONED\",\"ProvisionedThroughput\":"
	                 "{\"ReadCapacityUnits\":5,\"WriteCapacityUnits\":5},\"GlobalSecondaryIndexUpdates\":[{\"Update\":"
	                 "{\"IndexName\":\"message-group-sk-index\",\"ProvisionedThroughput\":{\"ReadCapacityUnits\":5,"
	                 "\"WriteCapacityUnits\":5}}}]}");
	free(got);
	free(req);

	/* the same live table against an on-demand schema: nothing to do (0/0 and GSI throughput tolerated) */
	{
		struct schema_list l2 = SCHEMA_LIST_INIT;
		const char *ppr = "resource \"aws_dynamodb_table\" \"m\" {\n"
		                  "  name = \"cruddur-messages\"\n  billing_mode = \"PAY_PER_REQUEST\"\n"
		                  "  hash_key = \"pk\"\n  range_key = \"sk\"\n"
		                  "  attribute {\n name = \"pk\"\n type = \"S\"\n }\n"
		                  "  attribute {\n name = \"sk\"\n type = \"S\"\n }\n"
		                  "  attribute {\n name = \"message_group_uuid\"\n type = \"S\"\n }\n"
		                  "  global_secondary_index {\n name = \"message-group-sk-index\"\n hash_key = \"message_group_uuid\"\n"
		                  "  range_key = \"sk\"\n projection_type = \"ALL\"\n }\n"
		                  "  stream_enabled = true\n  stream_view_type = \"NEW_IMAGE\"\n"
		                  "  ttl {\n attribute_name = \"expires_at\"\n enabled = true\n }\n"
		                  "  point_in_time_recovery { enabled = true }\n"
		                  "  deletion_protection_enabled = false\n  table_class = \"STANDARD\"\n}\n";
		CHECK_INTEQ(schema_load_mem(ppr, strlen(ppr), "ppr.tf", 1, NULL, &l2, &e), 0);
		t = l2.n ? l2.v[0] : NULL;
		if (t) {
			char *live2 = replace(live, "\"TableSizeBytes\"", "\"StreamSpecification\":{\"StreamEnabled\":true,"
			                      "\"StreamViewType\":\"NEW_IMAGE\"},\"TableSizeBytes\"");
			got = plan_for(t, live2, "{\"TimeToLiveDescription\":{\"TimeToLiveStatus\":\"ENABLED\",\"AttributeName\":"
			               "\"expires_at\"}}", "{\"ContinuousBackupsDescription\":{\"ContinuousBackupsStatus\":\"ENABLED\","
			               "\"PointInTimeRecoveryDescription\":{\"PointInTimeRecoveryStatus\":\"ENABLED\"}}}", NULL, NULL);
			CHECK_STREQ(got, "");
			free(got);
			/* without BillingModeSummary (0/0 means on-demand) and with other stream/ttl/pitr states */
			free(live2);
			live2 = replace(live, ",\"BillingModeSummary\":{\"BillingMode\":\"PAY_PER_REQUEST\"}",
			                ",\"StreamSpecification\":{\"StreamEnabled\":true,\"StreamViewType\":\"KEYS_ONLY\"},"
			                "\"TableClassSummary\":{\"TableClass\":\"STANDARD_INFREQUENT_ACCESS\"},"
			                "\"DeletionProtectionEnabled\":true");
			got = plan_for(t, live2, "{\"TimeToLiveStatus\":\"ENABLED\",\"AttributeName\":\"ttl\"}",
			               "{\"PointInTimeRecoveryDescription\":{\"PointInTimeRecoveryStatus\":\"DISABLED\"}}", &req, &p);
			CHECK_STREQ(got, "~ stream KEYS_ONLY -> NEW_IMAGE (disable the old stream first)\n"
			                 "~ stream KEYS_ONLY -> NEW_IMAGE\n"
			                 "~ ttl ttl -> expires_at (disable the old attribute first)\n"
			                 "~ ttl off -> expires_at\n"
			                 "~ point-in-time recovery off -> on\n"
			                 "~ deletion protection on -> off\n"
			                 "~ table class STANDARD_INFREQUENT_ACCESS -> STANDARD\n");
			CHECK_STREQ(req, "{\"TableName\":\"cruddur-messages\",\"StreamSpecification\":{\"StreamEnabled\":false}}");
			if (p.n == 7) {
				char *r;
				CHECK_STREQ(p.v[2].op, "UpdateTimeToLive");
				r = cJSON_PrintUnformatted(p.v[3].request);
				CHECK_STREQ(r, "{\"TableName\":\"cruddur-messages\",\"TimeToLiveSpecification\":{\"AttributeName\":"
				               "\"expires_at\",\"Enabled\":true}}");
				free(r);
				CHECK_STREQ(p.v[4].op, "UpdateContinuousBackups");
				r = cJSON_PrintUnformatted(p.v[4].request);
				CHECK_STREQ(r, "{\"TableName\":\"cruddur-messages\",\"PointInTimeRecoverySpecification\":"
				               "{\"PointInTimeRecoveryEnabled\":true}}");
				free(r);
			}
			schema_plan_release(&p);
			free(req);
			free(got);
			free(live2);
		}
		schema_list_release(&l2);
	}
	free(live);

	/* LSIs cannot be added */
	{
		struct schema *lsi = load1(GOOD "lsi.json", NULL, &l);
		const char *lv = "{\"TableName\":\"good-lsi\",\"AttributeDefinitions\":[{\"AttributeName\":\"pk\",\"AttributeType\":"
		                 "\"S\"},{\"AttributeName\":\"sk\",\"AttributeType\":\"S\"}],\"KeySchema\":[{\"AttributeName\":\"pk\","
		                 "\"KeyType\":\"HASH\"},{\"AttributeName\":\"sk\",\"KeyType\":\"RANGE\"}],\"ProvisionedThroughput\":"
		                 "{\"ReadCapacityUnits\":1,\"WriteCapacityUnits\":2}}";
		if (lsi) {
			got = plan_for(lsi, lv, NULL, NULL, NULL, &p);
			CHECK_STREQ(got, "! LSI by-created is not on the live table (local indexes need --recreate)\n"
			                 "! LSI by.blob is not on the live table (local indexes need --recreate)\n");
			CHECK(p.n == 2 && p.v[0].needs_recreate && p.v[0].kind == SCHEMA_CH_LSI);
			schema_plan_release(&p);
			free(got);
		}
	}

	got = plan_for(s, "{\"Table\":{}}", NULL, NULL, NULL, NULL);
	CHECK_STREQ(got, "ERROR describe-table: the response has no KeySchema");
	free(got);
	schema_list_release(&l);
}

/* ---- Terraform: standalone GSI resources, lifecycle ignore_changes ---- */

/* The reference table written the new way: the GSI as its own resource (before the table, even). */
static const char TF_GSI_RES[] =
	"resource \"aws_dynamodb_global_secondary_index\" \"by_group\" {\n"                    /* 1 */
	"  table_name = aws_dynamodb_table.messages.name\n"
	"  index_name = \"message-group-sk-index\"\n"
	"  key_schema {\n"
	"    attribute_name = \"sk\"\n"                                                           /* 5 */
	"    attribute_type = \"S\"\n"
	"    key_type       = \"RANGE\"\n"
	"  }\n"
	"  key_schema {\n"
	"    attribute_name = \"message_group_uuid\"\n"                                           /* 10 */
	"    attribute_type = \"S\"\n"
	"    key_type       = \"HASH\"\n"
	"  }\n"
	"  projection {\n"
	"    projection_type = \"ALL\"\n"                                                         /* 15 */
	"  }\n"
	"  provisioned_throughput {\n"
	"    read_capacity_units  = 5\n"
	"    write_capacity_units = 5\n"
	"  }\n"                                                                                   /* 20 */
	"}\n"
	"resource \"aws_dynamodb_table\" \"messages\" {\n"
	"  name           = \"cruddur-messages\"\n"
	"  read_capacity  = 5\n"
	"  write_capacity = 5\n"                                                                  /* 25 */
	"  hash_key       = \"pk\"\n"
	"  range_key      = \"sk\"\n"
	"  attribute {\n"
	"    name = \"pk\"\n"
	"    type = \"S\"\n"                                                                      /* 30 */
	"  }\n"
	"  attribute {\n"
	"    name = \"sk\"\n"
	"    type = \"S\"\n"
	"  }\n"                                                                                   /* 35 */
	"}\n";

static void test_tf_gsi_resource(void)
{
	struct schema_list j = SCHEMA_LIST_INIT, l = SCHEMA_LIST_INIT;
	struct schema *a = load1("schemas/cruddur-messages.json", NULL, &j);
	struct err e = ERR_INIT;
	char *src;

	CHECK_INTEQ(schema_load_mem(TF_GSI_RES, strlen(TF_GSI_RES), "g.tf", 1, NULL, &l, &e), 0);
	CHECK_INTEQ(l.n, 1);
	if (a && l.n == 1) {
		CHECK(cJSON_Compare(a->create, l.v[0]->create, 1));
		CHECK_INTEQ(schema_line_of(l.v[0], "GlobalSecondaryIndexes[0].Projection"), 14);
	}
	schema_list_release(&l);

	/* table_name by the table's name */
	src = replace(TF_GSI_RES, "aws_dynamodb_table.messages.name", "\"cruddur-messages\"");
	CHECK_INTEQ(schema_load_mem(src, strlen(src), "g.tf", 1, NULL, &l, &e), 0);
	if (a && l.n == 1)
		CHECK(cJSON_Compare(a->create, l.v[0]->create, 1));
	schema_list_release(&l);
	free(src);

	/* no such table: an error naming file:line, nothing loaded */
	src = replace(TF_GSI_RES, "aws_dynamodb_table.messages.name", "aws_dynamodb_table.nope.name");
	CHECK_INTEQ(schema_load_mem(src, strlen(src), "g.tf", 1, NULL, &l, &e), -1);
	CHECK_INTEQ(e.kind, ERR_DATA);
	CHECK_STREQ(e.msg, "g.tf:2: aws_dynamodb_global_secondary_index.by_group: 'table_name': no resource "
	                   "aws_dynamodb_table.nope in this file (or its folder's .tf files)");
	CHECK_INTEQ(l.n, 0);
	free(src);
	src = replace(TF_GSI_RES, "aws_dynamodb_table.messages.name", "\"other\"");
	CHECK_INTEQ(schema_load_mem(src, strlen(src), "g.tf", 1, NULL, &l, &e), -1);
	CHECK_STREQ(e.msg, "g.tf:2: aws_dynamodb_global_secondary_index.by_group: 'table_name': no aws_dynamodb_table "
	                   "named 'other' in this file (or its folder's .tf files)");
	free(src);

	/* a key attribute of another type than the table's */
	src = replace(TF_GSI_RES, "    attribute_type = \"S\"\n    key_type       = \"RANGE\"",
	              "    attribute_type = \"N\"\n    key_type       = \"RANGE\"");
	CHECK_INTEQ(schema_load_mem(src, strlen(src), "g.tf", 1, NULL, &l, &e), -1);
	CHECK_STREQ(e.msg, "g.tf:4: aws_dynamodb_global_secondary_index.by_group: attribute 'sk' is type N here but S "
	                   "in aws_dynamodb_table.messages");
	free(src);

	/* validation of the merged table names the GSI resource's lines */
	src = replace(TF_GSI_RES, "  provisioned_throughput {\n    read_capacity_units  = 5\n    write_capacity_units = 5\n  }\n", "");
	CHECK_INTEQ(schema_load_mem(src, strlen(src), "g.tf", 1, NULL, &l, &e), -1);
	CHECK(strncmp(e.msg, "g.tf:1: GlobalSecondaryIndexes[0].ProvisionedThroughput: ", 57) == 0);
	free(src);
	CHECK_INTEQ(l.n, 0);
	schema_list_release(&j);
}

/* One index reader: the same GSI written inline and as its own resource gives the same CreateTable JSON. */
static void test_tf_gsi_same_both_ways(void)
{
	static const char table[] =
		"resource \"aws_dynamodb_table\" \"t\" {\n"
		"  name           = \"same\"\n"
		"  read_capacity  = 1\n"
		"  write_capacity = 1\n"
		"  hash_key       = \"pk\"\n"
		"  attribute {\n"
		"    name = \"pk\"\n"
		"    type = \"S\"\n"
		"  }\n"
		"  attribute {\n"
		"    name = \"n\"\n"
		"    type = \"N\"\n"
		"  }\n";
	static const char inline_gsi[] =
		"  global_secondary_index {\n"
		"    name               = \"by-n\"\n"
		"    hash_key           = \"n\"\n"
		"    range_key          = \"pk\"\n"
		"    projection_type    = \"INCLUDE\"\n"
		"    non_key_attributes = [\"a\", \"b\"]\n"
		"    write_capacity     = 3\n"
		"    read_capacity      = 2\n"
		"  }\n"
		"}\n";
	static const char gsi_resource[] =
		"}\n"
		"resource \"aws_dynamodb_global_secondary_index\" \"g\" {\n"
		"  table_name = aws_dynamodb_table.t.name\n"
		"  index_name = \"by-n\"\n"
		"  hash_key   = \"n\"\n"
		"  range_key  = \"pk\"\n"
		"  projection {\n"
		"    projection_type    = \"INCLUDE\"\n"
		"    non_key_attributes = [\"a\", \"b\"]\n"
		"  }\n"
		"  provisioned_throughput {\n"
		"    read_capacity_units  = 2\n"
		"    write_capacity_units = 3\n"
		"  }\n"
		"}\n";
	struct schema_list a = SCHEMA_LIST_INIT, b = SCHEMA_LIST_INIT;
	struct err e = ERR_INIT;
	char *sa = xasprintf("%s%s", table, inline_gsi), *sb = xasprintf("%s%s", table, gsi_resource);
	CHECK_INTEQ(schema_load_mem(sa, strlen(sa), "a.tf", 1, NULL, &a, &e), 0);
	CHECK_INTEQ(schema_load_mem(sb, strlen(sb), "b.tf", 1, NULL, &b, &e), 0);
	if (a.n == 1 && b.n == 1) {
		const cJSON *ga = cJSON_GetObjectItemCaseSensitive(a.v[0]->create, "GlobalSecondaryIndexes");
		CHECK(cJSON_Compare(a.v[0]->create, b.v[0]->create, 1));
		CHECK_STREQ(json_get_string(cJSON_GetArrayItem(ga, 0), "IndexName"), "by-n");
		CHECK_INTEQ(schema_line_of(a.v[0], "GlobalSecondaryIndexes[0].ProvisionedThroughput"), 21);
		CHECK_INTEQ(schema_line_of(b.v[0], "GlobalSecondaryIndexes[0].ProvisionedThroughput"), 24);
		CHECK_INTEQ(schema_line_of(a.v[0], "GlobalSecondaryIndexes[0].KeySchema"), 16);
		CHECK_INTEQ(schema_line_of(b.v[0], "GlobalSecondaryIndexes[0].KeySchema"), 19);
	}
	schema_list_release(&a);
	schema_list_release(&b);
	free(sa);
	free(sb);
}

/* TF_GSI_RES with text put before the table's first attribute block (line 28). */
static char *tf_with(const char *text)
{
	char *to = xasprintf("%s  attribute {\n    name = \"pk\"", text), *r;
	r = replace(TF_GSI_RES, "  attribute {\n    name = \"pk\"", to);
	free(to);
	return r;
}

static void test_tf_ignore_changes(void)
{
	struct schema_list l = SCHEMA_LIST_INIT;
	struct err e = ERR_INIT;
	char *src, *got, *live;
	static const char *const lc[] = {
		"  lifecycle {\n    ignore_changes = [read_capacity, warm_throughput, autoscale_me]\n  }\n",
		"  lifecycle {\n    ignore_changes = all\n  }\n",
	};

	/* read_capacity ignored: a live 10/5 is not drift; write_capacity still is */
	src = tf_with(lc[0]);
	CHECK_INTEQ(schema_load_mem(src, strlen(src), "i.tf", 1, NULL, &l, &e), 0);
	free(src);
	if (l.n == 1) {
		struct schema *s = l.v[0];
		CHECK_INTEQ(s->ignore, SCHEMA_IGN_READ);
		CHECK_INTEQ(s->nwarnings, 1);
		if (s->nwarnings == 1)
			CHECK_STREQ(s->warnings[0], "i.tf:29: aws_dynamodb_table.messages: ignore_changes: unknown argument "
			                            "'autoscale_me' (ignored)");
		live = replace(LIVE_SAME, "\"ReadCapacityUnits\":5,\"WriteCapacityUnits\":5},\"TableSizeBytes\"",
		               "\"ReadCapacityUnits\":10,\"WriteCapacityUnits\":5},\"TableSizeBytes\"");
		got = plan_for(s, live, NULL, NULL, NULL, NULL);
		CHECK_STREQ(got, "");
		free(got);
		free(live);
		live = replace(LIVE_SAME, "\"ReadCapacityUnits\":5,\"WriteCapacityUnits\":5},\"TableSizeBytes\"",
		               "\"ReadCapacityUnits\":10,\"WriteCapacityUnits\":7},\"TableSizeBytes\"");
		got = plan_for(s, live, NULL, NULL, NULL, NULL);
		CHECK_STREQ(got, "~ throughput 10/7 -> 10/5\n");
		free(got);
		free(live);
	}
	schema_list_release(&l);

	/* all: nothing updatable is drift (billing, throughput, GSIs) */
	src = tf_with(lc[1]);
	CHECK_INTEQ(schema_load_mem(src, strlen(src), "i.tf", 1, NULL, &l, &e), 0);
	free(src);
	if (l.n == 1) {
		CHECK_INTEQ(l.v[0]->ignore, SCHEMA_IGN_ALL);
		CHECK_INTEQ(l.v[0]->nwarnings, 0);
		live = replace(LIVE_SAME, "\"message-group-sk-index\"", "\"old-index\"");
		got = plan_for(l.v[0], live, NULL, NULL, NULL, NULL);
		CHECK_STREQ(got, "");
		free(got);
		free(live);
	}
	schema_list_release(&l);

	/* not a list */
	src = tf_with("  lifecycle {\n    ignore_changes = 5\n  }\n");
	CHECK_INTEQ(schema_load_mem(src, strlen(src), "i.tf", 1, NULL, &l, &e), -1);
	CHECK_STREQ(e.msg, "i.tf:29: aws_dynamodb_table.messages: 'ignore_changes' must be a list of argument names or all");
	free(src);
}

int main(void)
{
	if (find_root() < 0) {
		fprintf(stderr, "test_schema: cannot find " BAD "EXPECTED (run from the repository)\n");
		return 1;
	}
	test_reference_tf_equals_json();
	test_bad_fixtures();
	test_good_fixtures();
	test_paths();
	test_line_of();
	test_memory_and_prefix();
	test_plan();
	test_tf_gsi_resource();
	test_tf_gsi_same_both_ways();
	test_tf_ignore_changes();
	return unit_done();
}
