/* schema.h — table schemas: load (.json / .tf), validate, namespace, and plan changes against a live table.
 *
 * A schema file (*.json) is the DynamoDB CreateTable input, exactly what
 * `aws dynamodb create-table --cli-input-json file://x.json` takes:
 *   TableName, AttributeDefinitions, KeySchema, GlobalSecondaryIndexes, LocalSecondaryIndexes, BillingMode,
 *   ProvisionedThroughput, StreamSpecification, SSESpecification, TableClass, Tags, DeletionProtectionEnabled
 *   (and, passed through with a type check: OnDemandThroughput, WarmThroughput, ResourcePolicy)
 * plus two ddb extensions, which are not CreateTable fields: they are removed from the request and applied
 * after the table exists (UpdateTimeToLive / UpdateContinuousBackups):
 *   "TimeToLiveSpecification": {"AttributeName": "expires_at", "Enabled": true}
 *   "PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": true, "RecoveryPeriodInDays": 35}
 *
 * A Terraform file (*.tf) may hold any number of `resource "aws_dynamodb_table" "x" { ... }` blocks; each is
 * converted into the same CreateTable JSON (billing_mode, read/write_capacity, hash_key, range_key,
 * attribute, global_secondary_index, local_secondary_index, stream_enabled, stream_view_type, ttl,
 * point_in_time_recovery, server_side_encryption, tags, deletion_protection_enabled, table_class).
 * A `resource "aws_dynamodb_global_secondary_index"` (table_name, index_name, key_schema, projection,
 * provisioned_throughput) is merged into the table of the same file it names (aws_dynamodb_table.x.name or the
 * table's name), with the attribute definitions its keys need; one naming no table of the file is an error.
 * `lifecycle { ignore_changes = [...] }` sets schema.ignore (unknown names: a warning in schema.warnings).
 * Other blocks (variable, provider, terraform, locals, output, data, module, other resources) are skipped.
 * Where a literal is needed, `var.NAME` and "${var.NAME}" interpolation resolve against the --var NAME=VALUE
 * list, then against a literal `default` of a `variable "NAME"` block in the same file; anything else
 * (local.x, function calls, other interpolation, heredocs) is an error naming file and line.
 *
 * Errors are ERR_DATA (exit 65) with "<file>:<line>: <field path>: <what>", e.g.
 *   schemas/x.json:7: GlobalSecondaryIndexes[0].ProvisionedThroughput: required when BillingMode is PROVISIONED
 * A missing file is ERR_NOINPUT (66); a malformed --var is ERR_USAGE (64).
 *
 * Memory: every struct here owns what it points to; *_release frees and leaves the struct re-usable.
 */
#ifndef DDB_SCHEMA_H
#define DDB_SCHEMA_H

#include <stddef.h>
#include <cjson/cJSON.h>
#include "base/err.h"

/* ---- --var NAME=VALUE ------------------------------------------------------------------- */

struct schema_var { char *name; char *value; };
struct schema_vars { struct schema_var *v; size_t n; };

#define SCHEMA_VARS_INIT { NULL, 0 }

/* Add "NAME=VALUE" (a later NAME replaces an earlier one).  ERR_USAGE when there is no '=' or NAME is not
 * an identifier. */
int schema_vars_add(struct schema_vars *vars, const char *kv, struct err *e);
const char *schema_vars_get(const struct schema_vars *vars, const char *name);  /* NULL when unset */
void schema_vars_release(struct schema_vars *vars);

/* ---- schemas ---------------------------------------------------------------------------- */

struct schema_lineref;   /* private: JSON path -> source line, for .tf sources */

struct schema {
	char *table;        /* the user-facing TableName (without any namespace prefix) */
	char *file;         /* the source file, as given */
	int line;           /* JSON: the line of "TableName"; .tf: the line of the resource block */
	int from_tf;        /* 1 when converted from Terraform */
	char *tf_name;      /* .tf: the resource's local name (aws_dynamodb_table.<tf_name>); NULL for JSON */
	cJSON *doc;         /* the schema as written (JSON) or converted (.tf), extensions included */
	cJSON *create;      /* the CreateTable request: doc without the extensions; TableName carries the prefix */
	int has_ttl;        /* TimeToLiveSpecification given */
	char *ttl_attr;     /*   its AttributeName (may be NULL when disabled) */
	int ttl_enabled;
	int has_pitr;       /* PointInTimeRecoverySpecification given */
	int pitr_enabled;
	int pitr_days;      /*   RecoveryPeriodInDays, 0 when not given */
	unsigned ignore;    /* .tf: lifecycle { ignore_changes }: SCHEMA_IGN_* bits schema_plan does not compare (clear it
	                     * to converge a table just created: ignore_changes is about updates) */
	char **warnings;    /* .tf: what loading found doubtful but not wrong (unknown ignore_changes names) */
	size_t nwarnings;

	/* private */
	char *src;          /* JSON source text, for line lookups */
	size_t src_len;
	struct schema_lineref *lines;
	size_t nlines;
};

/* schema.ignore: drift schema_plan leaves alone (Terraform's lifecycle ignore_changes; `all` sets every bit). */
#define SCHEMA_IGN_READ     0x001u   /* read_capacity: the table's ReadCapacityUnits */
#define SCHEMA_IGN_WRITE    0x002u   /* write_capacity: the table's WriteCapacityUnits */
#define SCHEMA_IGN_BILLING  0x004u   /* billing_mode */
#define SCHEMA_IGN_GSI      0x008u   /* global_secondary_index: every GSI change (add, throughput, differs, extra) */
#define SCHEMA_IGN_STREAM   0x010u   /* stream_enabled, stream_view_type */
#define SCHEMA_IGN_TTL      0x020u   /* ttl */
#define SCHEMA_IGN_PITR     0x040u   /* point_in_time_recovery */
#define SCHEMA_IGN_DP       0x080u   /* deletion_protection_enabled */
#define SCHEMA_IGN_CLASS    0x100u   /* table_class */
#define SCHEMA_IGN_TAGS     0x200u   /* tags, tags_all: schema-load's tag comparison (not schema_plan's) */
#define SCHEMA_IGN_ALL      0x3ffu

struct schema_list {
	struct schema **v;
	size_t n;
};

#define SCHEMA_LIST_INIT { NULL, 0 }

void schema_free(struct schema *s);
void schema_list_release(struct schema_list *l);   /* frees every schema */

/* Load one file by its extension (.json: one table; .tf: every aws_dynamodb_table in it, possibly none),
 * validate each table (schema_validate) and append them to out.  vars may be NULL.  On error nothing is
 * appended. */
int schema_load_file(const char *path, const struct schema_vars *vars, struct schema_list *out, struct err *e);

/* Load schemas from files and folders.  A file is loaded whatever its name ends with (.tf is Terraform,
 * anything else JSON).  A folder contributes its *.json and *.tf files (not hidden ones), in strcmp order,
 * WITHOUT descending into subfolders (so `schemas/examples/` stays out of a load of `schemas/`).
 * Two schemas with the same TableName are an error.  On error out is left as it was. */
int schema_load_paths(const char *const *paths, size_t npaths, const struct schema_vars *vars,
                      struct schema_list *out, struct err *e);

/* As schema_load_paths, but a file that fails to load or validate does not stop the others: every file is read,
 * each failure but the last is passed to more(arg, err) as the next one is found, and the last one is returned in
 * e (-1, *nbad = the number of failures, out unchanged).  Used to report every invalid file before sending
 * anything. */
int schema_load_paths_all(const char *const *paths, size_t npaths, const struct schema_vars *vars,
                          struct schema_list *out, void (*more)(void *arg, const struct err *e), void *arg,
                          size_t *nbad, struct err *e);

/* Parse and validate one schema from memory (file names it in messages).  is_tf picks the format. */
int schema_load_mem(const char *src, size_t len, const char *file, int is_tf, const struct schema_vars *vars,
                    struct schema_list *out, struct err *e);

/* Check s->doc before anything is sent (see the checks in schema_validate.c): names, key schema, attribute
 * definitions (defined, used, not duplicated), indexes, billing and throughput, streams, SSE, tags, the
 * extensions, unknown fields (with a "did you mean"), JSON types.  Called by the loaders. */
int schema_validate(const struct schema *s, struct err *e);

/* The line of a field path such as "GlobalSecondaryIndexes[0].ProvisionedThroughput" in s's source: the
 * line of the deepest part of the path that exists; s->line when nothing better is known. */
int schema_line_of(const struct schema *s, const char *path);

/* ---- namespaces ------------------------------------------------------------------------- */

/* Send the table as prefix + table name: sets s->create's TableName; s->table keeps the user-facing name.
 * prefix may be NULL or "" (no prefix).  ERR_USAGE when the result is not a legal table name. */
int schema_set_prefix(struct schema *s, const char *prefix, struct err *e);
const char *schema_wire_name(const struct schema *s);   /* the TableName sent (with the prefix) */

/* ---- comparing with a live table -------------------------------------------------------- */

enum schema_change_kind {
	SCHEMA_CH_KEY_SCHEMA,      /* ! the table's key schema or key attribute types differ: needs re-creation */
	SCHEMA_CH_LSI,             /* ! local secondary indexes differ: needs re-creation */
	SCHEMA_CH_GSI_DIFFERS,     /* ! a GSI with the same name but other keys/projection: delete and re-add */
	SCHEMA_CH_BILLING,         /* ~ UpdateTable BillingMode (+ throughput of the table and its GSIs) */
	SCHEMA_CH_THROUGHPUT,      /* ~ UpdateTable ProvisionedThroughput */
	SCHEMA_CH_GSI_THROUGHPUT,  /* ~ UpdateTable GlobalSecondaryIndexUpdates[Update] */
	SCHEMA_CH_GSI_ADD,         /* + UpdateTable GlobalSecondaryIndexUpdates[Create] (one GSI per request) */
	SCHEMA_CH_GSI_EXTRA,       /* - a live GSI the schema lacks: reported; request deletes it (destructive) */
	SCHEMA_CH_STREAM,          /* ~ UpdateTable StreamSpecification */
	SCHEMA_CH_TTL,             /* ~ UpdateTimeToLive */
	SCHEMA_CH_PITR,            /* ~ UpdateContinuousBackups */
	SCHEMA_CH_DELETION_PROTECTION, /* ~ UpdateTable DeletionProtectionEnabled */
	SCHEMA_CH_TABLE_CLASS,     /* ~ UpdateTable TableClass */
};

struct schema_change {
	enum schema_change_kind kind;
	int needs_recreate;   /* cannot be changed in place: no request */
	int destructive;      /* applying it deletes something (a GSI): only when the user asked */
	char *line;           /* "+ add GSI x (a HASH, b RANGE, ALL)", "~ throughput 5/5 -> 10/5", "! key schema ..." */
	const char *op;       /* "UpdateTable", "UpdateTimeToLive", "UpdateContinuousBackups", or NULL */
	cJSON *request;       /* the request body for op (owned), NULL when needs_recreate */
};

struct schema_plan {
	struct schema_change *v;
	size_t n;
};

#define SCHEMA_PLAN_INIT { NULL, 0 }

/* Compare s with a live table and list what differs, in the order to apply it (billing, throughput, new
 * GSIs, streams, TTL, PITR, ...).  An empty plan means "same".  Apply one request at a time and wait for
 * the table (and its indexes) to be ACTIVE in between: DynamoDB allows one GSI creation per UpdateTable.
 *   live      DescribeTable's "Table" object (the whole response is accepted too)
 *   live_ttl  DescribeTimeToLive's "TimeToLiveDescription" (or the whole response), or NULL: TTL not compared
 *   live_cb   DescribeContinuousBackups' "ContinuousBackupsDescription" (or the response), or NULL
 * Fields the schema leaves out are not compared (except BillingMode, whose default is PROVISIONED).
 * Tolerates DynamoDB Local / dynalite: on-demand tables shown with 0/0 throughput or no BillingModeSummary,
 * GSIs of on-demand tables with a ProvisionedThroughput, missing TableClassSummary / DeletionProtection.
 * Requests name the table by schema_wire_name(s). */
int schema_plan(const struct schema *s, const cJSON *live, const cJSON *live_ttl, const cJSON *live_cb,
                struct schema_plan *plan, struct err *e);
void schema_plan_release(struct schema_plan *plan);

#endif
