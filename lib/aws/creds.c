/* creds.c — the credential provider chain, its cache, the static and process providers, shared helpers.
 * STS providers (assume-role, web identity) live in creds_sts.c; container, IMDS and SSO in creds_net.c. */
#include "aws/creds.h"

#include <ctype.h>
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/wait.h>
#include <unistd.h>
#include <fcntl.h>
#include <poll.h>
#include <time.h>
#include <cjson/cJSON.h>
#include <openssl/crypto.h>

#include "base/buf.h"
#include "aws/clock.h"
#include "aws/config.h"
#include "aws/ctx.h"
#include "aws/http.h"

extern char **environ;

#define PROCESS_OUTPUT_MAX (1u << 20)
#define TOKEN_FILE_MAX (64u << 10)

static void free_secret(char **p)
{
	if (*p) {
		OPENSSL_cleanse(*p, strlen(*p));
		free(*p);
		*p = NULL;
	}
}

void creds_release(struct creds *c)
{
	free_secret(&c->access_key_id);
	free_secret(&c->secret_access_key);
	free_secret(&c->session_token);
	memset(c, 0, sizeof(*c));
}

void creds_copy(struct creds *dst, const struct creds *src)
{
	memset(dst, 0, sizeof(*dst));
	dst->access_key_id = src->access_key_id ? xstrdup(src->access_key_id) : NULL;
	dst->secret_access_key = src->secret_access_key ? xstrdup(src->secret_access_key) : NULL;
	dst->session_token = src->session_token ? xstrdup(src->session_token) : NULL;
	dst->expiration = src->expiration;
	memcpy(dst->provider, src->provider, sizeof(dst->provider));
	memcpy(dst->detail, src->detail, sizeof(dst->detail));
	memcpy(dst->role, src->role, sizeof(dst->role));
}

/* ---- helpers -------------------------------------------------------------------------------------------------- */

int creds_parse_time(const char *s, time_t *out)
{
	int y, mo, d, h, mi, sec, n = 0;
	if (!s || sscanf(s, "%4d-%2d-%2d%*1[Tt ]%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &sec, &n) != 6 || !n)
		return -1;
	if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60 || h < 0 || mi < 0 ||
	    sec < 0)
		return -1;
	const char *p = s + n;
	if (*p == '.' || *p == ',') {
		p++;
		if (!isdigit((unsigned char)*p))
			return -1;
		while (isdigit((unsigned char)*p))
			p++;
	}
	long off = 0;
	if (*p == 'Z' || *p == 'z') {
		p++;
	} else if (!strcmp(p, "UTC") || !strcmp(p, "GMT")) {
		p += 3;
	} else if (*p == '+' || *p == '-') {
		int sign = *p == '-' ? -1 : 1, oh, om = 0, m = 0;
		p++;
		if (sscanf(p, "%2d:%2d%n", &oh, &om, &m) == 2 || sscanf(p, "%2d%2d%n", &oh, &om, &m) == 2) {
			p += m;
		} else {
			return -1;
		}
		if (oh > 23 || om > 59)
			return -1;
		off = sign * (oh * 3600L + om * 60L);
	}
	if (*p)
		return -1;
	struct tm tm;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	time_t t = timegm(&tm);
	if (t == (time_t)-1)
		return -1;
	*out = t - off;
	return 0;
}

static const char *json_str(const cJSON *j, const char *key)
{
	const cJSON *v = key ? cJSON_GetObjectItemCaseSensitive(j, key) : NULL;
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

int creds_from_json(const cJSON *j, const char *ak_key, const char *sk_key, const char *tok_key, const char *exp_key,
                    const char *what, struct creds *out, struct err *e)
{
	if (!cJSON_IsObject(j))
		return err_set(e, ERR_DATA, "%s: the response is not a JSON object", what);
	const char *ak = json_str(j, ak_key), *sk = json_str(j, sk_key), *tok = json_str(j, tok_key);
	if (!ak || !*ak)
		return err_set(e, ERR_DATA, "%s: no %s in the response", what, ak_key);
	if (!sk || !*sk)
		return err_set(e, ERR_DATA, "%s: no %s in the response", what, sk_key);
	out->expiration = 0;
	if (exp_key) {
		const cJSON *x = cJSON_GetObjectItemCaseSensitive(j, exp_key);
		if (cJSON_IsString(x)) {
			if (creds_parse_time(x->valuestring, &out->expiration) < 0)
				return err_set(e, ERR_DATA, "%s: %s '%s' is not an ISO-8601 time", what, exp_key, x->valuestring);
		} else if (cJSON_IsNumber(x)) {
			double ms = x->valuedouble;   /* epoch milliseconds (SSO); in range before it becomes a time_t */
			if (!(ms >= 0 && ms < 1e15))
				return err_set(e, ERR_DATA, "%s: %s is not a time in epoch milliseconds", what, exp_key);
			out->expiration = (time_t)(ms / 1000.0);
		} else if (x && !cJSON_IsNull(x)) {
			return err_set(e, ERR_DATA, "%s: %s is neither a time nor a number", what, exp_key);
		}
	}
	free_secret(&out->access_key_id);
	free_secret(&out->secret_access_key);
	free_secret(&out->session_token);
	out->access_key_id = xstrdup(ak);
	out->secret_access_key = xstrdup(sk);
	if (tok && *tok)
		out->session_token = xstrdup(tok);
	return 0;
}

int creds_json_has_nul(const char *text, size_t len)
{
	int in_str = 0;
	for (size_t i = 0; i < len; i++) {
		if (!text[i])
			return 1;
		if (text[i] == '"')
			in_str = !in_str;
		else if (in_str && text[i] == '\\' && i + 1 < len) {
			if (text[i + 1] == 'u' && i + 5 < len && !memcmp(text + i + 2, "0000", 4))
				return 1;
			i++;   /* the escaped character (\\ or \") */
		}
	}
	return 0;
}

static void push_arg(char ***argv, int *argc, struct buf *w)
{
	*argv = xrealloc(*argv, (size_t)(*argc + 2) * sizeof(**argv));
	(*argv)[(*argc)++] = xstrndup(buf_cstr(w), w->len);
	(*argv)[*argc] = NULL;
	buf_reset(w);
}

int creds_split_command(const char *cmd, char ***argv, int *argc, struct err *e)
{
	struct buf w = BUF_INIT;
	char quote = 0;
	int inword = 0;
	*argv = NULL;
	*argc = 0;
	for (const char *p = cmd; *p; p++) {
		char c = *p;
		if (quote == '\'') {
			if (c == '\'')
				quote = 0;
			else
				buf_addc(&w, c);
		} else if (quote == '"') {
			if (c == '"')
				quote = 0;
			else if (c == '\\' && p[1] && strchr("\\\"$`\n", p[1]))
				buf_addc(&w, *++p);
			else
				buf_addc(&w, c);
		} else if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
			if (inword)
				push_arg(argv, argc, &w);
			inword = 0;
		} else if (c == '\'' || c == '"') {
			quote = c;
			inword = 1;
		} else if (c == '\\') {
			if (!p[1]) {
				buf_release(&w);
				creds_argv_free(*argv);
				*argv = NULL;
				*argc = 0;
				return err_set(e, ERR_CONFIG, "a backslash ends the command");
			}
			if (p[1] != '\n')
				buf_addc(&w, p[1]);
			p++;
			inword = 1;
		} else {
			buf_addc(&w, c);
			inword = 1;
		}
	}
	if (quote) {
		buf_release(&w);
		creds_argv_free(*argv);
		*argv = NULL;
		*argc = 0;
		return err_set(e, ERR_CONFIG, "unbalanced %s quote", quote == '"' ? "double" : "single");
	}
	if (inword)
		push_arg(argv, argc, &w);
	buf_release(&w);
	if (!*argc)
		return err_set(e, ERR_CONFIG, "the command is empty");
	return 0;
}

void creds_argv_free(char **argv)
{
	if (!argv)
		return;
	for (char **a = argv; *a; a++)
		free(*a);
	free(argv);
}

void creds_set_detail(struct creds *c, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(c->detail, sizeof(c->detail), fmt, ap);
	va_end(ap);
	if (n >= (int)sizeof(c->detail))
		memcpy(c->detail + sizeof(c->detail) - 4, "...", 4);
}

struct http *creds_http(struct ctx *ctx, long connect_ms, long timeout_ms)
{
	struct http_opts o = { 0 };
	o.connect_timeout_ms = connect_ms;
	o.timeout_ms = timeout_ms;
	o.max_body = 1 << 20;
	o.interrupted = ctx->interrupted;
	return http_new(&o);
}

char *creds_read_token_file(const char *path, const char *what, struct err *e)
{
	char *expanded = NULL;
	if (path[0] == '~' && path[1] == '/' && getenv("HOME"))
		path = expanded = xasprintf("%s%s", getenv("HOME"), path + 1);
	FILE *f = fopen(path, "rb");
	if (!f) {
		err_set(e, ERR_CONFIG, "%s %s: cannot read: %s", what, path, strerror(errno));
		free(expanded);
		return NULL;
	}
	struct buf b = BUF_INIT;
	buf_init(&b, TOKEN_FILE_MAX);
	char chunk[4096];
	size_t n;
	int bad = 0;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		if (buf_add(&b, chunk, n) < 0) {
			bad = 1;
			break;
		}
	OPENSSL_cleanse(chunk, sizeof(chunk));
	if (bad || ferror(f)) {
		err_set(e, ERR_CONFIG, "%s %s: %s", what, path, bad ? "larger than 64 KiB" : "read error");
		fclose(f);
		buf_cleanse(&b);
		free(expanded);
		return NULL;
	}
	fclose(f);
	while (b.len && isspace((unsigned char)b.ptr[b.len - 1]))
		b.ptr[--b.len] = '\0';
	if (!b.len) {
		err_set(e, ERR_CONFIG, "%s %s is empty", what, path);
		buf_cleanse(&b);
		free(expanded);
		return NULL;
	}
	free(expanded);
	return buf_detach(&b, NULL);
}

/* ---- environment and static keys ----------------------------------------------------------------------------- */

int creds_env(struct ctx *ctx, const char *profile, struct creds *out, struct err *e)
{
	(void)profile;
	if (ctx->profile_opt)      /* an explicit --profile wins over the environment (AWS CLI behaviour) */
		return 0;
	return creds_env_vars(out, e);
}

int creds_env_vars(struct creds *out, struct err *e)
{
	const char *ak = getenv("AWS_ACCESS_KEY_ID"), *sk = getenv("AWS_SECRET_ACCESS_KEY");
	const char *tok = getenv("AWS_SESSION_TOKEN");
	if (!ak || !*ak) {
		if (sk && *sk)
			return err_set(e, ERR_CONFIG, "AWS_SECRET_ACCESS_KEY is set but AWS_ACCESS_KEY_ID is not");
		return 0;
	}
	if (!sk || !*sk)
		return err_set(e, ERR_CONFIG, "AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not");
	out->access_key_id = xstrdup(ak);
	out->secret_access_key = xstrdup(sk);
	if (tok && *tok)
		out->session_token = xstrdup(tok);
	const char *exp = getenv("AWS_CREDENTIAL_EXPIRATION");
	if (exp && *exp && creds_parse_time(exp, &out->expiration) < 0)
		out->expiration = 0;
	snprintf(out->provider, sizeof(out->provider), "env");
	snprintf(out->detail, sizeof(out->detail), "environment variables AWS_ACCESS_KEY_ID%s",
	         out->session_token ? ", AWS_SESSION_TOKEN" : "");
	return 1;
}

/* Static keys from one of the two files. */
static int keys_from(const struct ini *ini, const char *section, const char *provider, struct creds *out,
                     struct err *e)
{
	const char *ak = ini_get(ini, section, "aws_access_key_id");
	const char *sk = ini_get(ini, section, "aws_secret_access_key");
	const char *tok = ini_get(ini, section, "aws_session_token");
	if (!ak && !sk)
		return 0;
	if (!ak || !*ak || !sk || !*sk)
		return err_set(e, ERR_CONFIG, "%s: profile [%s] has %s but not %s", ini->path, section,
		               ak ? "aws_access_key_id" : "aws_secret_access_key",
		               ak ? "aws_secret_access_key" : "aws_access_key_id");
	out->access_key_id = xstrdup(ak);
	out->secret_access_key = xstrdup(sk);
	if (tok && *tok)
		out->session_token = xstrdup(tok);
	snprintf(out->provider, sizeof(out->provider), "%s", provider);
	snprintf(out->detail, sizeof(out->detail), "profile %s in %s", section, ini->path);
	return 1;
}

int creds_shared_file(struct ctx *ctx, const char *profile, struct creds *out, struct err *e)
{
	if (!ctx->config)
		return 0;
	return keys_from(&ctx->config->cred, profile, "shared-credentials-file", out, e);
}

int creds_config_file(struct ctx *ctx, const char *profile, struct creds *out, struct err *e)
{
	if (!ctx->config)
		return 0;
	char sec[300];
	if (!strcmp(profile, "default") && ini_has_section(&ctx->config->cfg, "default"))
		snprintf(sec, sizeof(sec), "default");
	else
		snprintf(sec, sizeof(sec), "profile %s", profile);
	int r = keys_from(&ctx->config->cfg, sec, "config-file", out, e);
	if (r == 1)
		snprintf(out->detail, sizeof(out->detail), "profile %s in %s", profile, ctx->config->cfg.path);
	return r;
}

int creds_from_profile_keys(struct ctx *ctx, const char *profile, struct creds *out, struct err *e)
{
	int r = creds_shared_file(ctx, profile, out, e);
	return r ? r : creds_config_file(ctx, profile, out, e);
}

/* ---- credential_process ----------------------------------------------------------------------------------------- */

/* How long a credential_process may run (the AWS SDK for Go's default): DDB_CREDENTIAL_PROCESS_TIMEOUT seconds,
 * else CREDS_PROCESS_TIMEOUT. */
static long process_timeout(struct err *e)
{
	const char *v = getenv("DDB_CREDENTIAL_PROCESS_TIMEOUT");
	char *end;
	if (!v || !*v)
		return CREDS_PROCESS_TIMEOUT;
	long n = strtol(v, &end, 10);
	if (*end || n < 1 || n > 3600)
		return err_set(e, ERR_CONFIG, "DDB_CREDENTIAL_PROCESS_TIMEOUT='%s': expected seconds from 1 to 3600", v);
	return n;
}

/* Stop a child that overstayed, with everything it started (it leads its own process group): SIGTERM to the group,
 * a second to go, then SIGKILL to the group; the child is always reaped. */
static void stop_child(pid_t pid)
{
	int st;
	kill(-pid, SIGTERM);
	kill(-pid, SIGCONT);   /* a member stopped (SIGTTIN) must wake to see the SIGTERM */
	for (int i = 0; i < 20; i++) {
		pid_t r = waitpid(pid, &st, WNOHANG);
		if (r == pid || (r < 0 && errno != EINTR))
			break;
		clock_sleep_ms(NULL, 50);
	}
	kill(-pid, SIGKILL);   /* grandchildren that ignored SIGTERM, and the child itself if still there */
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
}

/* The child's process group gets the terminal while it runs (a helper may prompt for an MFA code), and ours gets it
 * back after.  Only when stdin is our controlling terminal and we are its foreground. */
static int tty_give(pid_t pgrp)
{
	if (!isatty(STDIN_FILENO) || tcgetpgrp(STDIN_FILENO) != getpgrp())
		return 0;
	if (tcsetpgrp(STDIN_FILENO, pgrp) < 0)
		return 0;
	kill(-pgrp, SIGCONT);   /* it may have read the terminal before it was its foreground */
	return 1;
}

static void tty_take_back(void)
{
	struct sigaction ign = { 0 }, old;
	ign.sa_handler = SIG_IGN;
	sigaction(SIGTTOU, &ign, &old);   /* a background group may not set the foreground without this */
	tcsetpgrp(STDIN_FILENO, getpgrp());
	sigaction(SIGTTOU, &old, NULL);
}

/* Run argv without a shell, stdout captured (bounded), stdin and stderr inherited.  Gives up after timeout_s
 * seconds (ERR_CONFIG: the helper is part of the configuration), or on Ctrl-C (ERR_INTERRUPTED); either way
 * the child is stopped and reaped. */
static int run_capture(struct ctx *ctx, char **argv, long timeout_s, struct buf *out, int *status, struct err *e)
{
	int fds[2];
	if (pipe2(fds, O_CLOEXEC) < 0)
		return err_set(e, ERR_INTERNAL, "pipe: %s", strerror(errno));
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, fds[1], STDOUT_FILENO);
	/* its own process group, so a timeout stops what it started too (a `sleep 1000` grandchild) */
	posix_spawnattr_t at;
	posix_spawnattr_init(&at);
	posix_spawnattr_setflags(&at, POSIX_SPAWN_SETPGROUP);
	posix_spawnattr_setpgroup(&at, 0);
	pid_t pid;
	int rc = posix_spawnp(&pid, argv[0], &fa, &at, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&at);
	close(fds[1]);
	if (rc != 0) {
		close(fds[0]);
		return err_set(e, ERR_CONFIG, "cannot run '%s': %s", argv[0], strerror(rc));
	}
	int tty = tty_give(pid);
	char chunk[4096];
	int toobig = 0, stop = 0, reaped = 0, st = 0, perr = 0;
	long long deadline = clock_now_ms() + timeout_s * 1000;
	for (;;) {
		long long left = deadline - clock_now_ms();
		if (ctx_interrupted(ctx)) {
			stop = 2;
			break;
		}
		if (left <= 0) {
			stop = 1;
			break;
		}
		struct pollfd pfd = { fds[0], POLLIN, 0 };
		int pr = poll(&pfd, 1, left > 200 ? 200 : (int)left);   /* wake up now and then to see Ctrl-C */
		if (pr < 0 && errno != EINTR) {
			perr = errno;
			stop = 3;
			break;
		}
		if (pr == 0 && !reaped && waitpid(pid, &st, WNOHANG) == pid) {
			/* The helper exited but something it started still holds the pipe: take what is there, stop. */
			reaped = 1;
			fcntl(fds[0], F_SETFL, O_NONBLOCK);
			pr = 1;
		}
		if (pr == 0 && reaped)
			break;
		if (pr <= 0)
			continue;
		ssize_t n = read(fds[0], chunk, sizeof(chunk));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (!toobig && buf_add(out, chunk, (size_t)n) < 0)
			toobig = 1;   /* keep draining so the child is not blocked */
	}
	OPENSSL_cleanse(chunk, sizeof(chunk));
	close(fds[0]);
	if (stop) {
		if (!reaped)
			stop_child(pid);
		else
			kill(-pid, SIGKILL);   /* what it left behind, still holding the pipe */
		if (tty)
			tty_take_back();
		if (stop == 2)
			return err_set(e, ERR_INTERRUPTED, "interrupted");
		if (stop == 3)
			return err_set(e, ERR_INTERNAL, "poll: %s", strerror(perr));
		return err_set(e, ERR_CONFIG, "did not finish within %ld s (DDB_CREDENTIAL_PROCESS_TIMEOUT)", timeout_s);
	}
	while (!reaped && waitpid(pid, &st, 0) < 0)
		if (errno != EINTR) {
			if (tty)
				tty_take_back();
			return err_set(e, ERR_INTERNAL, "waitpid: %s", strerror(errno));
		}
	if (tty)
		tty_take_back();
	*status = st;
	if (toobig)
		return err_set(e, ERR_DATA, "printed more than %u bytes", PROCESS_OUTPUT_MAX);
	return 0;
}

int creds_process(struct ctx *ctx, const char *profile, struct creds *out, struct err *e)
{
	const char *cmd = config_get(ctx->config, profile, "credential_process");
	if (!cmd)
		return 0;
	char **argv = NULL;
	int argc = 0, status = 0, rc = -1;
	struct buf o = BUF_INIT;
	cJSON *j = NULL;
	char what[200];

	if (creds_split_command(cmd, &argv, &argc, e) < 0) {
		err_prefix(e, "profile %s: credential_process", profile);
		return -1;
	}
	snprintf(what, sizeof(what), "profile %s: credential_process '%s'", profile, argv[0]);
	long timeout_s = process_timeout(e);
	if (timeout_s < 0)
		goto out;
	buf_init(&o, PROCESS_OUTPUT_MAX);
	if (run_capture(ctx, argv, timeout_s, &o, &status, e) < 0) {
		err_prefix(e, "%s", what);
		goto out;
	}
	if (WIFSIGNALED(status)) {
		err_set(e, ERR_CONFIG, "%s was killed by signal %d", what, WTERMSIG(status));
		goto out;
	}
	if (WEXITSTATUS(status) != 0) {
		err_set(e, ERR_CONFIG, "%s exited with status %d", what, WEXITSTATUS(status));
		goto out;
	}
	/* cJSON would end a string at a \u0000 and hand over a truncated secret: refuse it */
	if (creds_json_has_nul(buf_cstr(&o), o.len)) {
		err_set(e, ERR_DATA, "%s: its output holds a NUL character (a NUL byte or \\u0000): refused", what);
		goto out;
	}
	j = cJSON_ParseWithLength(buf_cstr(&o), o.len);
	if (!j) {
		err_set(e, ERR_DATA, "%s: its output is not JSON", what);
		goto out;
	}
	const cJSON *ver = cJSON_GetObjectItemCaseSensitive(j, "Version");
	if (!cJSON_IsNumber(ver) || ver->valuedouble != 1) {
		err_set(e, ERR_DATA, "%s: expected \"Version\": 1 in its output", what);
		goto out;
	}
	if (creds_from_json(j, "AccessKeyId", "SecretAccessKey", "SessionToken", "Expiration", what, out, e) < 0)
		goto out;
	if (out->expiration && out->expiration <= ctx->now()) {
		err_set(e, ERR_CONFIG, "%s returned credentials that have already expired", what);
		goto out;
	}
	snprintf(out->provider, sizeof(out->provider), "process");
	snprintf(out->detail, sizeof(out->detail), "credential_process '%s' of profile %s", argv[0], profile);
	rc = 1;
out:
	if (j) {
		/* cJSON has no cleanse: overwrite the secret strings before freeing */
		const char *keys[] = { "SecretAccessKey", "SessionToken", NULL };
		for (int i = 0; keys[i]; i++) {
			cJSON *s = cJSON_GetObjectItemCaseSensitive(j, keys[i]);
			if (cJSON_IsString(s))
				OPENSSL_cleanse(s->valuestring, strlen(s->valuestring));
		}
		cJSON_Delete(j);
	}
	buf_cleanse(&o);
	creds_argv_free(argv);
	return rc;
}

/* ---- the chain ------------------------------------------------------------------------------------------------------ */

/* botocore's order.  `network` providers (STS, SSO, container, IMDS; also credential_process, which runs a program)
 * are only used in prod. */
static const struct creds_provider chain[] = {
	{ "env", creds_env, 0 },
	{ "assume-role", creds_assume_role, 1 },
	{ "web-identity", creds_web_identity, 1 },
	{ "sso", creds_sso, 1 },
	{ "shared-credentials-file", creds_shared_file, 0 },
	{ "process", creds_process, 1 },
	{ "config-file", creds_config_file, 0 },
	{ "container", creds_container, 1 },
	{ "imds", creds_imds, 1 },
	{ NULL, NULL, 0 },
};

/* A credential goes into headers (Authorization, X-Amz-Security-Token): a CR/LF in one would inject a header, any
 * other control character is as wrong.  Refused whatever the source (named; the value never is). */
static int creds_check_values(const struct creds *c, struct err *e)
{
	const char *what[] = { "access key id", "secret access key", "session token" };
	const char *v[] = { c->access_key_id, c->secret_access_key, c->session_token };
	for (int i = 0; i < 3; i++)
		for (const char *p = v[i]; p && *p; p++)
			if ((unsigned char)*p < 0x20 || *p == 0x7f)
				return err_set(e, ERR_CONFIG, "credentials from %s: the %s holds a control character (refused)",
				               c->detail[0] ? c->detail : c->provider[0] ? c->provider : "the credential chain",
				               what[i]);
	return 0;
}

int creds_resolve(struct ctx *ctx, struct creds *out, struct err *e)
{
	memset(out, 0, sizeof(*out));
	/* A profile named by AWS_PROFILE must exist, as in the AWS CLI: no falling through to the environment keys, a
	 * container or the instance role instead.  (--profile is checked for every command in ctx_resolve.) */
	if (ctx->prod && !ctx->profile_opt && strcmp(ctx->profile, "default") &&
	    !config_has_profile(ctx->config, ctx->profile)) {
		const char *v = getenv("AWS_PROFILE");
		return err_set(e, ERR_CONFIG, "profile '%s' (%s) not found in %s or %s", ctx->profile,
		               v && *v ? "AWS_PROFILE" : "AWS_DEFAULT_PROFILE",
		               ctx->config ? ctx->config->cfg.path : "~/.aws/config",
		               ctx->config ? ctx->config->cred.path : "~/.aws/credentials");
	}
	for (const struct creds_provider *p = chain; p->name; p++) {
		if (!ctx->prod && p->network)
			continue;
		int r = p->fn(ctx, ctx->profile, out, e);
		if (r > 0 && creds_check_values(out, e) < 0)
			r = -1;
		if (r < 0) {
			creds_release(out);
			return -1;
		}
		if (r > 0)
			return 0;
		creds_release(out);
	}
	if (!ctx->prod) {
		out->access_key_id = xstrdup("ddblocal");
		out->secret_access_key = xstrdup("ddblocal");
		snprintf(out->provider, sizeof(out->provider), "local-dummy");
		snprintf(out->detail, sizeof(out->detail), "dummy credentials for a local engine");
		return 0;
	}
	if (ctx->profile_opt || getenv("AWS_PROFILE")) {
		if (!config_has_profile(ctx->config, ctx->profile))
			return err_set(e, ERR_CONFIG, "profile '%s' not found in %s or %s", ctx->profile,
			               ctx->config ? ctx->config->cfg.path : "~/.aws/config",
			               ctx->config ? ctx->config->cred.path : "~/.aws/credentials");
		return err_set(e, ERR_CONFIG, "profile '%s' has no credentials", ctx->profile);
	}
	return err_set(e, ERR_CONFIG, "no AWS credentials found: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, "
	               "or configure a profile (aws configure), or use --profile");
}

/* Guards the lazy creation of ctx->creds: worker threads (seed, scan --segments) may ask first. */
static pthread_mutex_t cache_create_mu = PTHREAD_MUTEX_INITIALIZER;

static void release_cache(struct ctx *ctx)
{
	creds_cache_free(ctx->creds);
	ctx->creds = NULL;
}

int creds_get(struct ctx *ctx, struct creds *out, struct err *e)
{
	struct creds_cache *cc;
	int rc = 0;
	pthread_mutex_lock(&cache_create_mu);
	if (!ctx->creds) {
		ctx->creds = xcalloc(1, sizeof(*ctx->creds));
		ctx_on_release(ctx, release_cache);
		pthread_mutex_init(&ctx->creds->mu, NULL);
	}
	cc = ctx->creds;
	pthread_mutex_unlock(&cache_create_mu);
	pthread_mutex_lock(&cc->mu);
	time_t now = ctx->now();
	const char *profile = ctx->profile ? ctx->profile : "default";
	int same = cc->valid && cc->prod == ctx->prod && cc->explicit_profile == (ctx->profile_opt != NULL) &&
	           cc->profile && !strcmp(cc->profile, profile);
	if (!same || (cc->c.expiration && cc->c.expiration - CREDS_REFRESH_MARGIN <= now)) {
		struct creds fresh;
		cc->resolutions++;
		if (creds_resolve(ctx, &fresh, e) < 0) {
			/* Keep using still-valid credentials if a refresh fails before they actually expire. */
			if (same && cc->c.expiration > now) {
				err_clear(e);
			} else {
				rc = -1;
				goto out;
			}
		} else {
			creds_release(&cc->c);
			cc->c = fresh;
			cc->valid = 1;
			free(cc->profile);
			cc->profile = xstrdup(profile);
			cc->prod = ctx->prod;
			cc->explicit_profile = ctx->profile_opt != NULL;
		}
	}
	creds_copy(out, &cc->c);
out:
	pthread_mutex_unlock(&cc->mu);
	return rc;
}

void creds_invalidate(struct ctx *ctx)
{
	if (!ctx->creds)
		return;
	pthread_mutex_lock(&ctx->creds->mu);
	creds_release(&ctx->creds->c);
	ctx->creds->valid = 0;
	pthread_mutex_unlock(&ctx->creds->mu);
}

void creds_cache_free(struct creds_cache *cc)
{
	if (!cc)
		return;
	creds_release(&cc->c);
	free(cc->profile);
	pthread_mutex_destroy(&cc->mu);
	free(cc);
}
