/* test_complete.c — the completion engine over a made-up command table: commands, options, values, positional
 * specs ("words:a b", '|' alternatives, ';' for later positionals), aliases, "--opt=value", "--" (no network:
 * table hints are not exercised here; test/completion.bats does that against a live engine). */
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "cli/cmd.h"
#include "cli/complete.h"
#include "unit.h"

struct fake_args { const char *s; int b; const char *pair[2]; const char *mode; };
static const char *const modes[] = { "fast", "slow", NULL };
static const struct opt q_opts[] = {
	OPT_F_STR(0, "pk", struct fake_args, s, "VALUE", "partition key"),
	OPT_F_BOOL(0, "desc", struct fake_args, b, "newest first"),
	OPT_F_PAIR(0, "sk-between", struct fake_args, pair, "A B", "range"),
	OPT_F_CHOICE(0, "mode", struct fake_args, mode, "MODE", "a mode", modes),
	OPT_F_STRC(0, "rejects", struct fake_args, s, "FILE", "rejects file", "file"),
	OPT_F_END,
};

static int fn(struct ctx *ctx, void *args, int npos, char **argv)
{
	(void)ctx, (void)args, (void)npos, (void)argv;
	return 0;
}

static const struct cmd c_hidden = { "__hidden", fn, CMD_HIDDEN, "x", "x", NULL, NULL, NULL };
static const struct cmd c_help = { "help", fn, 0, "x", "x", NULL, NULL, "words:commands" };
static const struct cmd c_local = { "local", fn, 0, "x", "x", NULL, NULL, "words:start stop status" };
static const struct cmd c_query = { "query", fn, 0, "x", "x", q_opts, NULL, "words:conversation conversations|dir" };
static const struct cmd c_stream = { "stream", fn, 0, "x", "x", NULL, NULL, "words:tail list;file" };

static const struct cmd *const commands[] = { &c_hidden, &c_help, &c_local, &c_query, &c_stream, NULL };
static const struct cmd_alias aliases[] = {
	{ "get-conversation", { "query", "conversation", NULL, NULL } },
	{ NULL, { NULL, NULL, NULL, NULL } },
};
static const struct cmd_table table = { commands, aliases, NULL };

/* Complete the words (space-separated; a trailing space means an empty last word) and return the candidates
 * joined by spaces, with "<file>"/"<dir>" for path kinds. */
static char *comp(const char *line)
{
	static char buf[2048];
	char *copy = xstrdup(line);
	char *words[32];
	int n = 0;
	char *p = copy;
	for (;;) {
		char *sp = strchr(p, ' ');
		words[n++] = p;
		if (!sp)
			break;
		*sp = '\0';
		p = sp + 1;
	}
	struct ctx ctx;
	struct complete_list out = COMPLETE_LIST_INIT;
	ctx_init(&ctx, stdout, stderr);
	ctx.cmds = &table;
	complete_words(&ctx, n, words, 0, &out);
	struct buf b = BUF_INIT;
	if (out.kind == COMPLETE_FILES)
		buf_adds(&b, "<file>");
	if (out.kind == COMPLETE_DIRS)
		buf_adds(&b, "<dir>");
	for (size_t i = 0; i < out.n; i++)
		buf_addf(&b, "%s%s", b.len ? " " : "", out.v[i]);
	snprintf(buf, sizeof(buf), "%s", buf_cstr(&b));
	buf_release(&b);
	complete_list_release(&out);
	ctx_release(&ctx);
	free(copy);
	return buf;
}

int main(void)
{
	/* commands: not hidden ones, not aliases */
	CHECK_STREQ(comp(""), "help local query stream");
	CHECK_STREQ(comp("q"), "query");
	CHECK_STREQ(comp("__"), "");
	CHECK_STREQ(comp("nosuch "), "");
	/* leading global options, with values skipped */
	CHECK_STREQ(comp("--namespace x_ l"), "local");
	CHECK_STREQ(comp("--no-c"), "--no-color");
	CHECK_STREQ(comp("-"), comp("--"));
	CHECK(strstr(comp("--"), "--version") != NULL);
	/* options of the command plus globals */
	CHECK_STREQ(comp("query --d"), "--ddb-json --debug --desc");
	CHECK(strstr(comp("query --"), "--help") != NULL);
	CHECK(strstr(comp("local --"), "--pk") == NULL);
	/* values */
	CHECK_STREQ(comp("query --mode "), "fast slow");
	CHECK_STREQ(comp("query --mode=f"), "--mode=fast");
	CHECK_STREQ(comp("query -o js"), "json jsonl");
	CHECK_STREQ(comp("query --rejects "), "<file>");
	CHECK_STREQ(comp("query --pk "), "");
	CHECK_STREQ(comp("query --sk-between a "), "");   /* the second value of a pair */
	CHECK_STREQ(comp("query --sk-between a b conv"), "<dir> conversation conversations");
	CHECK_STREQ(comp("--region us-west-"), "us-west-1 us-west-2");
	/* positionals */
	CHECK_STREQ(comp("local "), "start status stop");
	CHECK_STREQ(comp("local start "), "");
	CHECK_STREQ(comp("help lo"), "local");
	CHECK_STREQ(comp("query --desc "), "<dir> conversation conversations");
	CHECK_STREQ(comp("query x "), "");
	CHECK_STREQ(comp("stream "), "list tail");
	CHECK_STREQ(comp("stream tail "), "<file>");
	CHECK_STREQ(comp("stream --desc tail x "), "<file>");
	/* an alias counts its words as positionals */
	CHECK_STREQ(comp("get-conversation --m"), "--max-attempts --mode");
	CHECK_STREQ(comp("get-conversation "), "");
	/* after "--" everything is positional */
	CHECK_STREQ(comp("local -- "), "start status stop");
	CHECK_STREQ(comp("local -- --"), "");
	return unit_done();
}
