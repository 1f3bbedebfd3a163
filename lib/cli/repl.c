/* repl.c — the interactive shell: libedit line loop (terminal) or script loop (stdin), meta-commands, the
 * session state, completion and history.  Lines go through the same dispatcher as argv (ctx->cmds->dispatch).
 *
 * Session state (.local/.prod, .region, .namespace, .output, and the global options given to `ddb repl` itself)
 * is kept here and written into ctx before every line, after ctx_reset_options: a command's own --prod or
 * --region applies to its line only.  `.use TABLE` is ctx->default_table: a command whose positional_complete is
 * "table" (or "words:...|table") gets it as its first positional when the line has none, and one whose spec is
 * "words:...;table" gets it after its subcommand word; destructive commands (drop, enable-stream) never do —
 * name the table there.
 */
#include "cli/repl.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <histedit.h>
#include <locale.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <dirent.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <wchar.h>

#include "base/buf.h"
#include "cli/cmd.h"
#include "cli/complete.h"

const struct repl_meta repl_meta_commands[] = {
	{ ".use", "[TABLE|-]", "default table for commands that take one (scan, query, describe, wait, ...); - clears it",
	  "table" },
	{ ".local", NULL, "send the following commands to the local engine", NULL },
	{ ".prod", "[--yes]", "send the following commands to AWS (asks to type 'prod' on a terminal; a script needs "
	  "--yes)", NULL },
	{ ".region", "[REGION|-]", "the region for the following commands; - goes back to the default", "region" },
	{ ".namespace", "[PREFIX|-]", "the namespace (table name prefix); - for none", NULL },
	{ ".output", "[MODE|-]", "the output mode (table, json, jsonl, text, map); - follows the terminal", "output" },
	{ ".status", NULL, "show where commands go: environment, endpoint, region, namespace, output, table", NULL },
	{ ".help", NULL, "this list (commands: help, or COMMAND --help)", NULL },
	{ ".quit", "[CODE]", "leave the REPL (also .exit, exit, quit, Ctrl-D)", NULL },
	{ NULL, NULL, NULL, NULL },
};

struct session {
	int env;                   /* 0: as the environment says, 1: local, 2: prod */
	char *endpoint, *region, *profile, *ns, *output;   /* owned; NULL: the default */
	int ddb_json, debug, quiet, yes, no_color;
	long max_attempts;
	double connect_timeout, timeout;
};

struct repl {
	struct ctx *ctx;
	const struct repl_opts *o;
	struct session s;
	int interactive;
	int done, exit_code;       /* .quit seen */
	char prompt[256];
	EditLine *el;
	History *hist;
	char *hist_path;
	int line_cancelled;        /* Ctrl-C at the prompt */
};

/* ---- signals ------------------------------------------------------------------------------------------------ */

static volatile sig_atomic_t *sig_target;
static volatile sig_atomic_t own_flag;
static volatile sig_atomic_t winch_flag;

static void on_sigint(int sig)
{
	(void)sig;
	if (sig_target)
		*sig_target = 1;
}

/* The terminal was resized while the prompt waits (the handler is installed only around el_gets). */
static void on_sigwinch(int sig)
{
	(void)sig;
	winch_flag = 1;
}

/* What getc_fn hands libedit after a resize: a key bound to on_resize (harmless when typed: it redraws). */
#define RESIZE_KEY L'\036'

/* ---- session ------------------------------------------------------------------------------------------------ */

static char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

static void session_init(struct session *s, const struct ctx *ctx)
{
	memset(s, 0, sizeof(*s));
	s->env = ctx->local ? 1 : ctx->prod ? 2 : 0;
	s->endpoint = dup_or_null(ctx->endpoint_url);
	s->region = dup_or_null(ctx->region_opt);
	s->profile = dup_or_null(ctx->profile_opt);
	s->ns = dup_or_null(ctx->namespace_opt);
	s->output = dup_or_null(ctx->output_opt);
	s->ddb_json = ctx->ddb_json;
	s->debug = ctx->debug;
	s->quiet = ctx->quiet;
	s->yes = ctx->yes;
	s->no_color = ctx->no_color;
	s->max_attempts = ctx->max_attempts;
	s->connect_timeout = ctx->connect_timeout;
	s->timeout = ctx->timeout;
}

static void session_release(struct session *s)
{
	free(s->endpoint);
	free(s->region);
	free(s->profile);
	free(s->ns);
	free(s->output);
	memset(s, 0, sizeof(*s));
}

static void set_str(char **slot, const char *v)
{
	free(*slot);
	*slot = dup_or_null(v);
}

/* Start a line from the session: ctx's global options as the session has them.  argv (may be NULL) is the line:
 * when it gives --prod or --local itself, the session's environment is left out (no contradiction). */
static void session_apply(struct repl *r, int argc, char **argv)
{
	struct ctx *ctx = r->ctx;
	const struct session *s = &r->s;
	int line_env = 0;

	for (int i = 1; i < argc && strcmp(argv[i], "--"); i++)
		if (!strcmp(argv[i], "--prod") || !strcmp(argv[i], "--local"))
			line_env = 1;
	ctx_reset_options(ctx);
	ctx->prod = ctx->local = 0;
	if (!line_env) {
		ctx->local = s->env == 1;
		ctx->prod = s->env == 2;
	}
	ctx->endpoint_url = s->endpoint;
	ctx->region_opt = s->region;
	ctx->profile_opt = s->profile;
	ctx->namespace_opt = s->ns;
	ctx->output_opt = s->output;
	ctx->ddb_json = s->ddb_json;
	ctx->debug = s->debug;
	ctx->quiet = s->quiet;
	ctx->yes = s->yes;
	ctx->no_color = s->no_color;
	ctx->max_attempts = s->max_attempts;
	ctx->connect_timeout = s->connect_timeout;
	ctx->timeout = s->timeout;
}

static void build_prompt(struct repl *r)
{
	struct ctx *ctx = r->ctx;
	struct err e = ERR_INIT;
	struct buf b = BUF_INIT;

	session_apply(r, 0, NULL);
	int ok = ctx_resolve(ctx, &e) == 0;
	if (ctx->prod)
		buf_addf(&b, "ddb[prod:%s", ctx->region ? ctx->region : "no region");
	else
		buf_adds(&b, "ddb[local");
	if (!ok)
		buf_adds(&b, " (config error)");
	else if (ctx->ns && ctx->ns[0])
		buf_addf(&b, " ns=%s", ctx->ns);
	if (ctx->default_table)
		buf_addf(&b, " table=%s", ctx->default_table);
	buf_adds(&b, "]> ");
	snprintf(r->prompt, sizeof(r->prompt), "%s", buf_cstr(&b));
	buf_release(&b);
}

/* ---- meta-commands ------------------------------------------------------------------------------------------ */

static int meta_fail(struct repl *r, const char *name, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int meta_fail(struct repl *r, const char *name, const char *fmt, ...)
{
	va_list ap;
	fprintf(r->ctx->err_out, "ddb: %s: ", name);
	va_start(ap, fmt);
	vfprintf(r->ctx->err_out, fmt, ap);
	va_end(ap);
	fputc('\n', r->ctx->err_out);
	return EXIT_USAGE;
}

static int name_ok(const char *s, int dots_upper)
{
	if (!*s)
		return 0;
	for (const char *c = s; *c; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '-' ||
		      (dots_upper && ((*c >= 'A' && *c <= 'Z') || *c == '_' || *c == '.'))))
			return 0;
	return 1;
}

static void show_status(struct repl *r)
{
	struct ctx *ctx = r->ctx;
	struct err e = ERR_INIT;
	FILE *f = ctx->out;

	session_apply(r, 0, NULL);
	if (ctx_resolve(ctx, &e) < 0) {
		fprintf(f, "error        %s\n", e.msg);
		return;
	}
	fprintf(f, "environment  %s\n", ctx->prod ? "prod" : "local");
	fprintf(f, "endpoint     %s\n", ctx->endpoint_url ? ctx->endpoint_url
	        : ctx->prod ? "(the regional AWS endpoints)"
	        : getenv("DDB_LOCAL_ENDPOINT") && *getenv("DDB_LOCAL_ENDPOINT") ? getenv("DDB_LOCAL_ENDPOINT")
	        : "http://localhost:8000");
	fprintf(f, "region       %s\n", ctx->region ? ctx->region : "(none)");
	fprintf(f, "profile      %s\n", ctx->profile ? ctx->profile : "default");
	fprintf(f, "namespace    %s\n", ctx->ns && ctx->ns[0] ? ctx->ns : "(none)");
	fprintf(f, "output       %s\n", r->s.output ? r->s.output : "(auto)");
	fprintf(f, "table        %s\n", ctx->default_table ? ctx->default_table : "(none)");
}

static const char *const *output_choices(void)
{
	const struct opt *o = opt_find(NULL, "output");
	return o ? o->choices : NULL;
}

static int confirm_prod(struct repl *r, int yes)
{
	struct ctx *ctx = r->ctx;
	if (yes)
		return 0;
	if (!r->interactive || !ctx->in_tty)
		return meta_fail(r, ".prod", "%s", "refusing to switch to prod in a script without --yes (.prod --yes)");
	fputs("ddb: the following commands will go to PRODUCTION (AWS).  Type 'prod' to confirm: ", ctx->err_out);
	fflush(ctx->err_out);
	char line[64];
	if (!fgets(line, sizeof(line), stdin)) {
		clearerr(stdin);
		return meta_fail(r, ".prod", "%s", "not confirmed; still local");
	}
	line[strcspn(line, "\r\n")] = '\0';
	if (strcmp(line, "prod"))
		return meta_fail(r, ".prod", "%s", "not confirmed; still local");
	return 0;
}

static int run_meta(struct repl *r, int argc, char **argv)
{
	struct ctx *ctx = r->ctx;
	const char *m = argv[0], *arg = argc > 1 ? argv[1] : NULL;
	FILE *out = ctx->out;

	if (argc > 2 && strcmp(m, ".prod"))
		return meta_fail(r, m, "unexpected argument '%s'", argv[2]);
	if (!strcmp(m, ".quit") || !strcmp(m, ".exit")) {
		if (arg) {   /* a bad code is an error and the REPL stays */
			char *end;
			long v = strtol(arg, &end, 10);
			if (end == arg || *end || v < 0 || v > 255)
				return meta_fail(r, m, "'%s' is not an exit code (0..255)", arg);
			r->exit_code = (int)v;
		}
		r->done = 1;
		return arg ? r->exit_code : 0;
	}
	if (!strcmp(m, ".help")) {
		fputs("Meta-commands:\n", out);
		for (const struct repl_meta *x = repl_meta_commands; x->name; x++) {
			char left[48];
			snprintf(left, sizeof(left), "%s%s%s", x->name, x->args ? " " : "", x->args ? x->args : "");
			fprintf(out, "  %-24s %s\n", left, x->help);
		}
		fputs("Every ddb command works here as on the command line ('help' lists them; Tab completes).\n"
		      "A line's own global options (--prod, --region, ...) apply to that line only.\n", out);
		return 0;
	}
	if (!strcmp(m, ".status")) {
		show_status(r);
		return 0;
	}
	if (!strcmp(m, ".local")) {
		if (arg)
			return meta_fail(r, m, "unexpected argument '%s'", arg);
		r->s.env = 1;
		return 0;
	}
	if (!strcmp(m, ".prod")) {
		int yes = 0;
		for (int i = 1; i < argc; i++) {
			if (!strcmp(argv[i], "--yes") || !strcmp(argv[i], "-y"))
				yes = 1;
			else
				return meta_fail(r, m, "unexpected argument '%s'", argv[i]);
		}
		int rc = confirm_prod(r, yes);
		if (rc)
			return rc;
		r->s.env = 2;
		session_apply(r, 0, NULL);
		struct err e = ERR_INIT;
		if (ctx_resolve(ctx, &e) == 0 && !ctx->region)
			fprintf(ctx->err_out, "ddb: .prod: warning: no region: set one with .region REGION\n");
		return 0;
	}
	if (!strcmp(m, ".region")) {
		if (!arg) {
			session_apply(r, 0, NULL);
			struct err e = ERR_INIT;
			ctx_resolve(ctx, &e);
			fprintf(out, "%s\n", ctx->region ? ctx->region : "(none)");
			return 0;
		}
		if (strcmp(arg, "-") && !name_ok(arg, 0))
			return meta_fail(r, m, "'%s' is not a valid region name", arg);
		set_str(&r->s.region, strcmp(arg, "-") ? arg : NULL);
		return 0;
	}
	if (!strcmp(m, ".namespace")) {
		if (!arg) {
			session_apply(r, 0, NULL);
			struct err e = ERR_INIT;
			ctx_resolve(ctx, &e);
			fprintf(out, "%s\n", ctx->ns && ctx->ns[0] ? ctx->ns : "(none)");
			return 0;
		}
		if (strcmp(arg, "-") && *arg && !name_ok(arg, 1))
			return meta_fail(r, m, "namespace '%s': only letters, digits, '_', '-' and '.' are allowed", arg);
		set_str(&r->s.ns, strcmp(arg, "-") ? arg : "");
		return 0;
	}
	if (!strcmp(m, ".output")) {
		if (!arg) {
			fprintf(out, "%s\n", r->s.output ? r->s.output : "(auto)");
			return 0;
		}
		if (!strcmp(arg, "-") || !strcmp(arg, "auto")) {
			set_str(&r->s.output, NULL);
			return 0;
		}
		const char *const *c = output_choices();
		for (; c && *c; c++)
			if (!strcmp(*c, arg))
				break;
		if (!c || !*c)
			return meta_fail(r, m, "'%s' is not an output mode (table, json, jsonl, text, map, or -)", arg);
		set_str(&r->s.output, arg);
		return 0;
	}
	if (!strcmp(m, ".use")) {
		if (!arg) {
			fprintf(out, "%s\n", ctx->default_table ? ctx->default_table : "(none)");
			return 0;
		}
		free(ctx->default_table);
		ctx->default_table = strcmp(arg, "-") ? xstrdup(arg) : NULL;
		return 0;
	}
	return meta_fail(r, m, "%s", "not a meta-command; .help lists them");
}

/* ---- running a line ----------------------------------------------------------------------------------------- */

/* `.use TABLE`: a new argv with the default table inserted where the command expects its TABLE, or NULL when the
 * line is left as it is. */
static char **with_default_table(struct ctx *ctx, int argc, char **argv, int *nargc)
{
	if (!ctx->default_table)
		return NULL;
	const struct cmd *cmd = cmd_find(ctx->cmds, argv[0]);
	int npos = 0, want, only_pos = 0, at = 1;
	if (!cmd) {
		const struct cmd_alias *al = cmd_find_alias(ctx->cmds, argv[0]);
		if (!al || !(cmd = cmd_find(ctx->cmds, al->words[0])))
			return NULL;
		for (int k = 1; k < 4 && al->words[k]; k++)
			npos++;
	}
	const char *spec = cmd->positional_complete;
	if (!spec || (cmd->flags & CMD_DESTRUCTIVE))
		return NULL;
	/* the first positional may be a table ("table", "words:a b|table"), or the one after a subcommand word
	 * ("words:a b;table") */
	const char *semi = strchr(spec, ';');
	size_t first = semi ? (size_t)(semi - spec) : strlen(spec);
	if ((first == 5 && !strncmp(spec, "table", 5)) || (first >= 6 && !strncmp(spec + first - 6, "|table", 6)))
		want = 0;
	else if (semi && !strcmp(semi + 1, "table"))
		want = 1;
	else
		return NULL;
	for (int i = 1; i < argc; i++) {
		const char *w = argv[i];
		if (!only_pos && w[0] == '-' && w[1]) {
			if (!strcmp(w, "--")) {
				only_pos = 1;
				continue;
			}
			const char *inl;
			const struct opt *o = opt_word(cmd->opts, w, NULL, &inl);
			if (o && !inl)
				i += opt_nvalues(o);
			continue;
		}
		npos++;
		if (npos == want)
			at = i + 1;
		if (npos > want)
			return NULL;   /* the line names its table */
	}
	if (npos != want)
		return NULL;
	char **nv = xcalloc((size_t)argc + 2, sizeof(char *));
	for (int i = 0, k = 0; i < argc; i++) {
		if (i == at)
			nv[k++] = ctx->default_table;
		nv[k++] = argv[i];
		if (i == argc - 1 && at == argc)
			nv[k++] = ctx->default_table;
	}
	*nargc = argc + 1;
	return nv;
}

/* Run one split line; returns its exit code, or -1 for an empty line (the last code stays). */
static int run_words(struct repl *r, struct repl_words *w)
{
	struct ctx *ctx = r->ctx;
	int argc = w->n;
	char **argv = w->v;

	if (argc > 0 && !strcmp(argv[0], "ddb")) {   /* pasted from a shell */
		argv++;
		argc--;
	}
	if (argc == 0)
		return -1;
	if (!strcmp(argv[0], "exit") || !strcmp(argv[0], "quit")) {
		char *q[] = { (char *)".quit", argc > 1 ? argv[1] : NULL, NULL };
		return run_meta(r, argc > 1 ? 2 : 1, q);
	}
	if (argv[0][0] == '.')
		return run_meta(r, argc, argv);

	session_apply(r, argc, argv);
	if (ctx->interrupted)
		*ctx->interrupted = 0;
	int nargc = argc;
	char **nargv = with_default_table(ctx, argc, argv, &nargc);
	char **copy = xcalloc((size_t)nargc + 1, sizeof(char *));
	memcpy(copy, nargv ? nargv : argv, (size_t)nargc * sizeof(char *));
	int rc = ctx->cmds ? ctx->cmds->dispatch(ctx, nargc, copy) : EXIT_SOFTWARE;
	free(copy);
	free(nargv);
	if (fflush(ctx->out) != 0 || ferror(ctx->out)) {
		clearerr(ctx->out);
		if (!rc)
			rc = EXIT_IOERR;
	}
	fflush(ctx->err_out);
	complete_forget_tables();
	return rc;
}

/* ---- history ------------------------------------------------------------------------------------------------ */

/* 1 for a URL with userinfo: "scheme://user:pw@host" (anything between "://" and the host's end holding '@'). */
static int url_userinfo(const char *line)
{
	for (const char *p = strstr(line, "://"); p; p = strstr(p + 3, "://")) {
		size_t n = strcspn(p + 3, "/?#\"' \t");
		if (memchr(p + 3, '@', n))
			return 1;
	}
	return 0;
}

static int b64ish(unsigned char c)
{
	return isalnum(c) || c == '+' || c == '/' || c == '=' || c == '_' || c == '-';
}

/* 1 for a long token that looks random: 32 or more base64/base64url characters mixing upper case, lower case and
 * digits (a 40-character secret access key), or 32 or more hex digits mixing letters and digits (a signature). */
static int random_token(const char *line)
{
	const unsigned char *p = (const unsigned char *)line;
	while (*p) {
		if (!b64ish(*p)) {
			p++;
			continue;
		}
		size_t n = 0;
		int up = 0, lo = 0, dig = 0, hex = 1;
		for (; b64ish(p[n]); n++) {
			up |= isupper(p[n]) != 0;
			lo |= islower(p[n]) != 0;
			dig |= isdigit(p[n]) != 0;
			hex &= isxdigit(p[n]) != 0;
		}
		if (n >= 32 && dig && ((up && lo) || (hex && (up || lo))))
			return 1;
		p += n;
	}
	return 0;
}

/* 1 for a word NAME=VALUE or NAME:VALUE whose NAME says it is a credential (api_key=..., "pwd": ..., auth=...). */
static int secret_assignment(const char *line)
{
	static const char *const ends[] = { "key", "pwd", "pass", "passphrase", "auth", "authorization", "credential",
		                            "credentials", "sig", "signature", "session", "sessionid", "session_id",
		                            "cookie", NULL };
	for (const char *p = line; *p; p++) {
		if (*p != '=' && *p != ':')
			continue;
		const char *q = p;
		while (q > line && q[-1] == '"')   /* "api_key": value */
			q--;
		const char *b = q;
		while (b > line && (isalnum((unsigned char)b[-1]) || b[-1] == '_' || b[-1] == '-'))
			b--;
		size_t n = (size_t)(q - b);
		const char *v = p + 1 + strspn(p + 1, " \t\"'");
		if (!n || !*v || (p[1] == '/' && p[2] == '/'))   /* nothing assigned, or a URL */
			continue;
		for (int i = 0; ends[i]; i++) {
			size_t k = strlen(ends[i]);
			if (n >= k && !strncasecmp(q - k, ends[i], k))
				return 1;
		}
	}
	return 0;
}

/* A line that mentions a secret, a password, a token or an access key id (AKIA/ASIA and 16 more), a URL with a user
 * and password, a long random-looking token, or a secret-named NAME=VALUE is not kept. */
int repl_secret_line(const char *line)
{
	static const char *const words[] = { "secret", "password", "passwd", "token", "aws_access_key_id",
		                             "private", NULL };
	for (int i = 0; words[i]; i++)
		if (strcasestr(line, words[i]))
			return 1;
	for (const char *p = line; *p; p++) {
		if (strncmp(p, "AKIA", 4) && strncmp(p, "ASIA", 4))
			continue;
		int k = 4;
		while (k < 20 && ((p[k] >= 'A' && p[k] <= 'Z') || (p[k] >= '0' && p[k] <= '9')))
			k++;
		if (k == 20)
			return 1;
	}
	return url_userinfo(line) || random_token(line) || secret_assignment(line);
}

static void history_setup(struct repl *r)
{
	HistEvent ev;
	const char *home = getenv("HOME");
	r->hist = history_init();
	if (!r->hist)
		return;
	history(r->hist, &ev, H_SETSIZE, 1000);
	history(r->hist, &ev, H_SETUNIQUE, 1);
	if (r->o->no_history || !home || !*home)
		return;
	r->hist_path = xasprintf("%s/.ddb_history", home);
	history(r->hist, &ev, H_LOAD, r->hist_path);
}

static void history_add(struct repl *r, const char *line)
{
	HistEvent ev;
	if (!r->hist || !*line || repl_secret_line(line))
		return;
	history(r->hist, &ev, H_ENTER, line);
	if (!r->hist_path)
		return;
	int fd = open(r->hist_path, O_WRONLY | O_CREAT | O_APPEND, 0600);   /* created private */
	if (fd >= 0)
		close(fd);
	history(r->hist, &ev, H_SAVE, r->hist_path);
}

/* ---- completion --------------------------------------------------------------------------------------------- */

static void list_files(const char *cur, int dirs_only, struct complete_list *out)
{
	const char *slash = strrchr(cur, '/');
	char *dir = slash ? xstrndup(cur, (size_t)(slash - cur) + 1) : xstrdup("");
	const char *base = slash ? slash + 1 : cur;
	DIR *d = opendir(*dir ? dir : ".");
	struct dirent *de;

	out->kind = COMPLETE_WORDS;
	while (d && (de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (de->d_name[0] == '.' && base[0] != '.')
			continue;
		if (strncmp(de->d_name, base, strlen(base)))
			continue;
		char *path = xasprintf("%s%s", dir, de->d_name);
		struct stat st;
		int is_dir = stat(path, &st) == 0 && S_ISDIR(st.st_mode);
		if (is_dir || !dirs_only) {
			char *c = xasprintf("%s%s", path, is_dir ? "/" : "");
			complete_list_add(out, c);
			free(c);
		}
		free(path);
	}
	if (d)
		closedir(d);
	free(dir);
}

/* Backslash-escape what the splitter would take apart (safe for a partial word). */
static char *escape_word(const char *s)
{
	struct buf b = BUF_INIT;
	for (; *s; s++) {
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
		      strchr("_@%+=:,./-~", *s)))
			buf_addc(&b, '\\');
		buf_addc(&b, *s);
	}
	return buf_detach(&b, NULL);
}

static void print_columns(FILE *f, const struct complete_list *l)
{
	struct winsize ws;
	size_t width = 80, maxw = 0, shown = l->n > 300 ? 300 : l->n;
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		width = ws.ws_col;
	for (size_t i = 0; i < shown; i++)
		if (strlen(l->v[i]) > maxw)
			maxw = strlen(l->v[i]);
	size_t colw = maxw + 2, cols = width / colw ? width / colw : 1;
	size_t rows = (shown + cols - 1) / cols;
	fputc('\n', f);
	for (size_t row = 0; row < rows; row++) {
		for (size_t c = 0; c < cols; c++) {
			size_t i = c * rows + row;
			if (i < shown)
				fprintf(f, "%-*s", (int)(c + 1 < cols ? colw : 0), l->v[i]);
		}
		fputc('\n', f);
	}
	if (shown < l->n)
		fprintf(f, "(%zu more)\n", l->n - shown);
	fflush(f);
}

/* Candidates for the line up to the cursor (used by the Tab key). */
static void line_candidates(struct repl *r, const char *line, size_t len, struct complete_list *out,
                            size_t *word_start)
{
	struct repl_words w = REPL_WORDS_INIT;
	char quote;
	int in_comment;
	repl_split_partial(line, len, &w, &quote, word_start, &in_comment);
	if (in_comment) {
		repl_words_release(&w);
		return;
	}
	char **v = w.v;
	int n = w.n;
	if (n > 1 && !strcmp(v[0], "ddb")) {
		v++;
		n--;
	}
	const char *cur = v[n - 1];
	if (n == 1 && cur[0] == '.') {
		for (const struct repl_meta *m = repl_meta_commands; m->name; m++)
			if (!strncmp(m->name, cur, strlen(cur)))
				complete_list_add(out, m->name);
	} else if (n == 2 && v[0][0] == '.') {
		const struct repl_meta *m = repl_meta_commands;
		while (m->name && strcmp(m->name, v[0]))
			m++;
		const char *hint = m->name ? m->complete : NULL;
		struct complete_list all = COMPLETE_LIST_INIT;
		session_apply(r, 0, NULL);
		if (hint && !strcmp(hint, "table")) {
			complete_tables(r->ctx, 0, &all);
		} else if (hint && !strcmp(hint, "region")) {
			for (int i = 0; complete_regions[i]; i++)
				complete_list_add(&all, complete_regions[i]);
		} else if (hint && !strcmp(hint, "output")) {
			for (const char *const *c = output_choices(); c && *c; c++)
				complete_list_add(&all, *c);
		}
		for (size_t i = 0; i < all.n; i++)
			if (!strncmp(all.v[i], cur, strlen(cur)))
				complete_list_add(out, all.v[i]);
		complete_list_release(&all);
	} else {
		session_apply(r, n, v);
		complete_words(r->ctx, n, v, 0, out);
		if (out->kind != COMPLETE_WORDS)
			list_files(cur, out->kind == COMPLETE_DIRS, out);
	}
	repl_words_release(&w);
}

static unsigned char on_tab(EditLine *el, int ch)
{
	struct repl *r = NULL;
	const LineInfo *li = el_line(el);
	struct complete_list out = COMPLETE_LIST_INIT;
	size_t start, len = (size_t)(li->cursor - li->buffer);
	unsigned char rc = CC_REFRESH;

	(void)ch;
	el_get(el, EL_CLIENTDATA, &r);
	line_candidates(r, li->buffer, len, &out, &start);
	if (out.n == 0) {
		complete_list_release(&out);
		return CC_REFRESH_BEEP;
	}
	/* the longest common prefix of the candidates */
	size_t common = strlen(out.v[0]);
	for (size_t i = 1; i < out.n; i++) {
		size_t k = 0;
		while (k < common && out.v[i][k] == out.v[0][k])
			k++;
		common = k;
	}
	char *stem = xstrndup(out.v[0], common);
	char *typed = xstrndup(li->buffer + start, len - start);
	struct repl_words tw = REPL_WORDS_INIT;
	char q;
	size_t ws;
	int inc;
	repl_split_partial(typed, strlen(typed), &tw, &q, &ws, &inc);
	const char *cur = tw.v[tw.n - 1];
	if (out.n == 1 || strlen(stem) > strlen(cur)) {
		char *ins = escape_word(stem);
		el_deletestr(el, (int)(len - start));
		el_insertstr(el, ins);
		size_t sl = strlen(stem);
		if (out.n == 1 && !(sl && stem[sl - 1] == '/'))
			el_insertstr(el, " ");
		free(ins);
	} else {
		print_columns(stdout, &out);
		rc = CC_REDISPLAY;
	}
	repl_words_release(&tw);
	free(typed);
	free(stem);
	complete_list_release(&out);
	return rc;
}

/* ---- reading ------------------------------------------------------------------------------------------------ */

static struct repl *active;

/* libedit's character reader: Ctrl-C at the prompt (SIGINT interrupts read) ends the line as cancelled. */
static int getc_fn(EditLine *el, wchar_t *wc)
{
	static mbstate_t mbs;
	(void)el;
	for (;;) {
		char ch;
		if (winch_flag) {   /* resized while a key was being handled, or the read below was interrupted */
			winch_flag = 0;
			*wc = RESIZE_KEY;
			return 1;
		}
		ssize_t n = read(STDIN_FILENO, &ch, 1);
		if (n == 0)
			return 0;
		if (n < 0) {
			if (errno != EINTR)
				return -1;
			if (active && active->ctx->interrupted && *active->ctx->interrupted) {
				*active->ctx->interrupted = 0;
				active->line_cancelled = 1;
				*wc = L'\n';
				return 1;
			}
			continue;
		}
		wchar_t w;
		size_t k = mbrtowc(&w, &ch, 1, &mbs);
		if (k == (size_t)-2)
			continue;
		if (k == (size_t)-1) {
			memset(&mbs, 0, sizeof(mbs));
			w = (wchar_t)(unsigned char)ch;
		}
		*wc = w;
		return 1;
	}
}

static unsigned char on_resize(EditLine *el, int ch)
{
	(void)ch;
	el_resize(el);
	return CC_REDISPLAY;
}

static char *prompt_fn(EditLine *el)
{
	struct repl *r = NULL;
	el_get(el, EL_CLIENTDATA, &r);
	return r->prompt;
}

static char *continuation_prompt(EditLine *el)
{
	(void)el;
	static char p[] = "   ...> ";
	return p;
}

/* One logical line (continuations joined) into *line; 0, or -1 at the end of input. */
static int read_line(struct repl *r, struct buf *line, int *incomplete_eof)
{
	struct repl_scan st = REPL_SCAN_INIT;
	*incomplete_eof = 0;
	buf_reset(line);
	for (;;) {
		const char *s = NULL;
		char *own = NULL;
		if (r->interactive) {
			int count;
			r->line_cancelled = 0;
			el_set(r->el, EL_PROMPT, line->len ? continuation_prompt : prompt_fn);
			/* the terminal may have been resized while a command ran; a resize at the prompt redraws the line
			 * (SIGWINCH interrupts the read only here: a command's writes are never cut short by it) */
			struct sigaction wa, wold;
			memset(&wa, 0, sizeof(wa));
			wa.sa_handler = on_sigwinch;
			sigemptyset(&wa.sa_mask);
			winch_flag = 0;
			sigaction(SIGWINCH, &wa, &wold);
			el_resize(r->el);
			s = el_gets(r->el, &count);
			sigaction(SIGWINCH, &wold, NULL);
			if (r->line_cancelled) {
				buf_reset(line);
				st = (struct repl_scan)REPL_SCAN_INIT;
				fputs("^C\n", stdout);
				fflush(stdout);
				continue;
			}
		} else {
			size_t cap = 0;
			ssize_t n = getline(&own, &cap, stdin);
			s = n < 0 ? NULL : own;
		}
		if (!s) {
			free(own);
			if (line->len)
				*incomplete_eof = 1;
			return line->len ? 0 : -1;
		}
		size_t n = strlen(s);
		while (n && (s[n - 1] == '\n' || s[n - 1] == '\r'))
			n--;
		if (line->len)
			buf_addc(line, '\n');
		buf_add(line, s, n);
		free(own);
		/* only the new piece is scanned: 20k continued lines take linear time */
		if (repl_split_more(line->ptr ? line->ptr : "", line->len, &st) != REPL_SPLIT_INCOMPLETE)
			return 0;
		/* an open quote or a trailing backslash: read on (backslash-newline joins, a quote keeps the newline) */
	}
}

int repl_run(struct ctx *ctx, const struct repl_opts *o)
{
	struct repl r;
	struct buf line = BUF_INIT;
	struct sigaction sa, old;
	int last = 0;

	memset(&r, 0, sizeof(r));
	r.ctx = ctx;
	r.o = o;
	r.interactive = ctx->in_tty;
	session_init(&r.s, ctx);
	ctx->in_repl = 1;
	if (!ctx->interrupted)
		ctx->interrupted = &own_flag;
	sig_target = ctx->interrupted;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_sigint;   /* no SA_RESTART: Ctrl-C interrupts the prompt's read */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &old);
	active = &r;

	if (r.interactive) {
		setlocale(LC_CTYPE, "");
		history_setup(&r);
		r.el = el_init("ddb", stdin, stdout, stderr);
		if (!r.el) {
			fprintf(ctx->err_out, "ddb: repl: cannot set up the terminal\n");
			last = EXIT_SOFTWARE;
			goto out;
		}
		el_set(r.el, EL_EDITOR, "emacs");
		el_set(r.el, EL_CLIENTDATA, &r);
		el_set(r.el, EL_PROMPT, prompt_fn);
		el_set(r.el, EL_GETCFN, getc_fn);
		if (r.hist)
			el_set(r.el, EL_HIST, history, r.hist);
		/* el_wset: libedit keeps these (static) names; el_set would copy them and never free the copies */
		el_wset(r.el, EL_ADDFN, L"ddb-complete", L"complete commands, options and table names", on_tab);
		el_set(r.el, EL_BIND, "^I", "ddb-complete", NULL);
		el_wset(r.el, EL_ADDFN, L"ddb-resize", L"redraw the line for the terminal's size", on_resize);
		el_set(r.el, EL_BIND, "^^", "ddb-resize", NULL);
		el_set(r.el, EL_BIND, "^W", "ed-delete-prev-word", NULL);   /* as in readline (an editrc may rebind) */
		el_source(r.el, NULL);
	}

	while (!r.done) {
		int incomplete_eof;
		if (r.interactive)
			build_prompt(&r);
		if (read_line(&r, &line, &incomplete_eof) < 0)
			break;
		if (incomplete_eof) {
			fprintf(ctx->err_out, "ddb: repl: unterminated quote at the end of the input\n");
			last = EXIT_USAGE;
			break;
		}
		struct repl_words w = REPL_WORDS_INIT;
		struct err e = ERR_INIT;
		int rc;
		if (repl_split(buf_cstr(&line), line.len, &w, &e) < 0) {
			fprintf(ctx->err_out, "ddb: repl: %s\n", e.msg);
			rc = EXIT_USAGE;
		} else {
			if (r.interactive && w.n) {
				while (line.len && (line.ptr[line.len - 1] == ' ' || line.ptr[line.len - 1] == '\t'))
					line.ptr[--line.len] = '\0';
				history_add(&r, buf_cstr(&line));
			}
			rc = run_words(&r, &w);
		}
		repl_words_release(&w);
		if (rc < 0)
			continue;
		last = rc;
		if (!r.interactive) {
			if (rc == EXIT_INTERRUPTED && *ctx->interrupted)
				break;   /* Ctrl-C stops a script */
			if (o->bail && rc)
				break;
		}
	}
	if (r.interactive && !r.done)
		fputc('\n', stdout);   /* Ctrl-D: leave the prompt line */
	if (r.interactive)
		last = r.exit_code;
out:
	if (r.el)
		el_end(r.el);
	if (r.hist)
		history_end(r.hist);
	free(r.hist_path);
	buf_release(&line);
	session_release(&r.s);
	sigaction(SIGINT, &old, NULL);
	active = NULL;
	sig_target = NULL;
	if (ctx->interrupted == &own_flag)
		ctx->interrupted = NULL;
	ctx->in_repl = 0;
	ctx_reset_options(ctx);
	return last;
}
