/* whoami.c — ddb whoami: where the credentials come from (provider, profile, role) and whose they are (STS
 * GetCallerIdentity).  Never prints a secret: the access key id is masked, keys and tokens are not shown. */
#include <stdlib.h>
#include <string.h>

#include "aws/aws.h"
#include "aws/awsquery.h"
#include "cli/cmd.h"
#include "aws/creds.h"
#include "cli/render.h"
#include "aws/trace.h"
#include "base/xml.h"

static int cmd_whoami(struct ctx *ctx, void *args, int npos, char **argv);

struct whoami_args { int no_sts; };

static const struct opt whoami_opts[] = {
	OPT_F_BOOL(0, "no-sts", struct whoami_args, no_sts, "do not call STS GetCallerIdentity (no account, no ARN)"),
	OPT_F_END,
};

const struct cmd cmd_def_whoami = {
	"whoami", cmd_whoami, CMD_AWS | CMD_OUTPUT_MAP, "where the credentials come from, and the account",
	"ddb whoami [--no-sts] [--output table|json|jsonl|text]", whoami_opts,
	"Resolves credentials through the same chain every command uses (environment, assume-role, web identity, "
	"SSO, shared credentials file, credential_process, config file, container, instance metadata) and prints the "
	"provider that answered, where it found them (profile, file, role, endpoint), when they expire, and, in prod, "
	"the account, ARN and user id from STS GetCallerIdentity.  Keys and tokens are never printed; the access key "
	"id is masked.  On a terminal the fields are printed one per line; piped, one JSON object.",
	NULL,
	.args_size = sizeof(struct whoami_args),
};

static void add_str(cJSON *o, const char *k, const char *v)
{
	if (v && *v)
		cJSON_AddStringToObject(o, k, v);
	else
		cJSON_AddNullToObject(o, k);
}

/* The access key id masked as --debug shows it (trace_mask_akid: one rule). */
static void masked(const char *akid, char *out, size_t cap)
{
	struct buf b = BUF_INIT;
	trace_mask_akid(&b, akid ? akid : "", akid ? strlen(akid) : 0);
	snprintf(out, cap, "%s", buf_cstr(&b));
	buf_release(&b);
}

static int print_lines(struct ctx *ctx, const cJSON *row, struct err *e)
{
	const cJSON *f;
	cJSON_ArrayForEach(f, row) {
		char *cell = render_cell(f);
		fprintf(ctx->out, "%-14s %s\n", f->string, cJSON_IsNull(f) ? "-" : cell);
		free(cell);
	}
	if (fflush(ctx->out) || ferror(ctx->out))
		return err_set(e, ERR_IO, "cannot write the output");
	return 0;
}

static int cmd_whoami(struct ctx *ctx, void *args, int npos, char **argv)
{
	struct whoami_args a = *(struct whoami_args *)args;
	int rc = 0;
	struct err e = ERR_INIT, sts_err = ERR_INIT;
	struct creds c;
	struct xml_node *doc = NULL;
	int sts_failed = 0;

	if (npos)
		return ctx_usage(ctx, &cmd_def_whoami, "unexpected argument '%s'", argv[1]);
	if (creds_get(ctx, &c, &e) < 0)
		return ctx_fail(ctx, &e);

	cJSON *row = cJSON_CreateObject();
	char akid[32], when[32] = "";
	masked(c.access_key_id, akid, sizeof(akid));
	if (c.expiration) {
		struct tm tm;
		gmtime_r(&c.expiration, &tm);
		strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	}
	add_str(row, "mode", ctx->prod ? "prod" : "local");
	add_str(row, "region", ctx->region);
	add_str(row, "profile", ctx->profile);
	add_str(row, "provider", c.provider);
	add_str(row, "source", c.detail);
	add_str(row, "role", c.role);
	add_str(row, "access_key_id", akid);
	cJSON_AddBoolToObject(row, "temporary", c.session_token != NULL);
	add_str(row, "expires", when);
	creds_release(&c);

	const char *account = NULL, *arn = NULL, *user = NULL;
	if (ctx->prod && !a.no_sts) {
		/* whoami's service is STS: --endpoint-url names its endpoint (the credentials were resolved above, with
		 * STS's own endpoint, as every command's are) */
		ctx->endpoint_url_is_sts = 1;
		int sts_rc = awsquery_call(ctx, &aws_sts, "GetCallerIdentity", NULL, &doc, &sts_err);
		ctx->endpoint_url_is_sts = 0;
		if (sts_rc < 0) {
			sts_failed = 1;
		} else {
			account = xml_text(doc, "GetCallerIdentityResult/Account");
			arn = xml_text(doc, "GetCallerIdentityResult/Arn");
			user = xml_text(doc, "GetCallerIdentityResult/UserId");
		}
	}
	add_str(row, "account", account);
	add_str(row, "arn", arn);
	add_str(row, "user_id", user);
	xml_free(doc);

	enum out_mode m = render_pick(ctx, OUT_JSONL);
	if (m == OUT_TABLE || m == OUT_MAP) {
		rc = print_lines(ctx, row, &e);
	} else {
		/* one object: compact JSON for json/jsonl, field<TAB>value lines for text (as describe, local status) */
		rc = render_record(ctx, OUT_JSONL, row, &e);
	}
	cJSON_Delete(row);
	if (rc < 0)
		return ctx_fail(ctx, &e);
	if (sts_failed) {
		err_prefix(&sts_err, "sts GetCallerIdentity");
		return ctx_fail(ctx, &sts_err);
	}
	return 0;
}
