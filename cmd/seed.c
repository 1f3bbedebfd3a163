/* seed.c — ddb seed: bulk-load items (JSON Lines, a JSON array or a request-items file) with BatchWriteItem.
 * The engine is lib/dynamo/seed.c; this file turns argv into seed_opts and prints the summary. */
#include <signal.h>
#include <string.h>

#include "cli/cmd.h"
#include "dynamo/seed.h"

static int cmd_seed(struct ctx *ctx, void *args, int npos, char **argv);

struct seed_args {
	const char *table, *format, *rejects, *checkpoint;
	int strict, resume;
	long concurrency, max_retries;
	double max_wcu;
	int fixed_concurrency;
};

static const char *const format_choices[] = { "auto", "plain", "ddb", NULL };

static const struct opt seed_opts_table[] = {
	OPT_F_STRC('t', "table", struct seed_args, table, "TABLE",
	           "the table (default: the request file's tables, else the file name)", "table"),
	OPT_F_CHOICE(0, "format", struct seed_args, format, "FORMAT",
	             "item format: auto (per file), plain JSON or ddb (DynamoDB JSON)", format_choices),
	OPT_F_STRC(0, "rejects", struct seed_args, rejects, "FILE", "write rejected lines to FILE (re-seedable as they are)", "file"),
	OPT_F_BOOL(0, "strict", struct seed_args, strict, "validate everything first; write nothing if any item is bad"),
	OPT_F_INT('j', "concurrency", struct seed_args, concurrency, "N", "requests in flight (default 4)", 1, 64),
	OPT_F_INT(0, "max-retries", struct seed_args, max_retries, "N",
	          "re-sends of unprocessed or throttled items per batch (default 10)", 0, 1000),
	OPT_F_DOUBLE(0, "max-wcu", struct seed_args, max_wcu, "N",
	             "write at most N capacity units per second (1 per KB, plus the GSIs' writes)"),
	OPT_F_BOOL(0, "fixed-concurrency", struct seed_args, fixed_concurrency,
	           "keep --concurrency requests in flight even when throttled (no adaptive back-off)"),
	OPT_F_BOOL(0, "resume", struct seed_args, resume, "skip the items the checkpoint confirms (after an interrupted run)"),
	OPT_F_STRC(0, "checkpoint", struct seed_args, checkpoint, "FILE",
	           "checkpoint file (default: next to the first input)", "file"),
	OPT_F_END,
};

const struct cmd cmd_def_seed = {
	"seed", cmd_seed, CMD_AWS, "bulk-load items from seed/ (or files, or stdin)",
	"ddb seed [--table TABLE] [--format auto|plain|ddb] [--rejects FILE] [--strict] [--concurrency N]\n"
	"         [--max-retries N] [--max-wcu N] [--fixed-concurrency] [--resume] [--checkpoint FILE]\n"
	"         [FILE|DIR|-]...",
	seed_opts_table,
	"Loads items with BatchWriteItem (25 per request, several requests in flight).  Input: JSON Lines (plain or "
	"DynamoDB JSON, detected per file), a JSON array, or the 'aws dynamodb batch-write-item --request-items' "
	"file shape, and DynamoDB export data lines ({\"Item\":{...}}); gzipped files (*.gz) are inflated; a directory "
	"means its *.jsonl, *.ndjson and *.json files (and those .gz); the default is seed/.  The table "
	"is --table, else the request file's, else the file name (seed/cruddur-messages.jsonl -> cruddur-messages); "
	"the namespace applies.  Every item is checked first (JSON, types, the table's key attributes, 400 KB): bad "
	"ones are reported as file:line and kept in --rejects FILE, the rest still loads unless --strict.  "
	"UnprocessedItems and throttling are retried with backoff and jitter; on throttles fewer requests are sent at "
	"once, then more again (AIMD; --fixed-concurrency turns it off).  --max-wcu N keeps the load under N write "
	"units per second (the item's KB, plus one write per GSI it lands in), so it can run beside production "
	"traffic.  A checkpoint next to the input "
	"records what was written; after Ctrl-C or an exhausted retry budget, --resume finishes the rest.  "
	"Exit 0 when everything was written, 1 when items were rejected, 65 for --strict with bad items, a truncated "
	"or corrupt .gz input, or a checkpoint that does not match (another table, namespace, endpoint, region or mode, or a changed input), "
	"74 when an input cannot be read or the rejects file cannot be written, 75 when the retry budget ran out or "
	"another seed holds the checkpoint, 130 when interrupted.",
	"file",
	.args_size = sizeof(struct seed_args), .args_init = &(const struct seed_args){ .max_retries = -1 },
};

static volatile sig_atomic_t *term_flag;

static void on_sigterm(int sig)
{
	(void)sig;
	if (term_flag)
		*term_flag = 1;
}

static void summary(struct ctx *ctx, const struct seed_stats *st, double max_wcu)
{
	char tables[300];
	if (st->ntables > 1)
		snprintf(tables, sizeof(tables), "%d tables", st->ntables);
	else
		snprintf(tables, sizeof(tables), "'%s'", st->table[0] ? st->table : "?");
	char skipped[64] = "";
	if (st->skipped)
		snprintf(skipped, sizeof(skipped), ", %ld already written (checkpoint)", st->skipped);
	/* the capacity part only when asked for (--max-wcu) or when throttled */
	char cap[160] = "";
	if (max_wcu > 0)
		snprintf(cap, sizeof(cap), ", %.0f write units (--max-wcu %g), %ld throttled", st->wcu, max_wcu,
		         st->throttles);
	else if (st->throttles)
		snprintf(cap, sizeof(cap), ", %ld throttled", st->throttles);
	ctx_note(ctx, "%ld written to %s%s, %ld rejected, %ld not written, %ld retried, %.1f s%s", st->written, tables,
	         skipped, st->rejected, st->not_written, st->retried, st->seconds, cap);
}

static int cmd_seed(struct ctx *ctx, void *args, int npos, char **argv)
{
	struct seed_args a = *(struct seed_args *)args;
	struct err e = ERR_INIT;

	int stdin_n = 0;
	for (int i = 1; i <= npos; i++)
		stdin_n += !strcmp(argv[i], "-");
	if (stdin_n > 1)
		return ctx_usage(ctx, &cmd_def_seed, "standard input ('-') given more than once");
	if (a.max_wcu > 0 && a.max_wcu < 1)
		return ctx_usage(ctx, &cmd_def_seed, "--max-wcu must be at least 1 (a write costs at least one unit)");
	if (a.resume && stdin_n && npos == 1 && !a.checkpoint)
		return ctx_usage(ctx, &cmd_def_seed, "--resume cannot resume standard input: seed a file");

	struct seed_opts o = { 0 };
	o.inputs = (const char *const *)argv + 1;
	o.ninputs = (size_t)npos;
	o.table = a.table;
	o.format = !a.format || !strcmp(a.format, "auto") ? ITEM_FORMAT_AUTO
	           : !strcmp(a.format, "plain")           ? ITEM_FORMAT_PLAIN
	                                                  : ITEM_FORMAT_DDB;
	o.rejects = a.rejects;
	o.strict = a.strict;
	o.concurrency = (int)a.concurrency;
	o.max_retries = (int)a.max_retries;
	o.resume = a.resume;
	o.checkpoint = a.checkpoint;
	o.progress = ctx->err_tty && !ctx->quiet;
	o.max_wcu = a.max_wcu;
	o.fixed_concurrency = a.fixed_concurrency;

	struct sigaction sa, old;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_sigterm;
	sigemptyset(&sa.sa_mask);
	term_flag = ctx->interrupted;
	sigaction(SIGTERM, &sa, &old);

	struct seed_stats st;
	int rc = seed_run(ctx, &o, &st, &e);

	sigaction(SIGTERM, &old, NULL);
	term_flag = NULL;
	if (st.items || st.written || st.rejected)
		summary(ctx, &st, a.max_wcu);
	return rc < 0 ? ctx_fail(ctx, &e) : 0;
}
