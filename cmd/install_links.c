/* install_links.c — ddb install-links [DIR]: the bare-named links a project keeps (the old scripts folder). */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/buf.h"
#include "cli/cmd.h"

static int cmd_install_links(struct ctx *ctx, void *args, int npos, char **argv);

struct install_links_args { int force, dry_run; const char *target; };

static const struct opt install_links_opts[] = {
	OPT_F_BOOL(0, "force", struct install_links_args, force, "replace files that are not links (old scripts)"),
	OPT_F_BOOL(0, "dry-run", struct install_links_args, dry_run, "only say what would be done"),
	OPT_F_STRC(0, "target", struct install_links_args, target, "PATH",
	           "what the links point to (default: this ddb's absolute path)", "file"),
	OPT_F_END,
};

const struct cmd cmd_def_install_links = {
	"install-links", cmd_install_links, 0, "create the bin/ddb links a project keeps",
	"ddb install-links [DIR] [--force] [--dry-run] [--target PATH]", install_links_opts,
	"Makes DIR (default bin) the project's scripts folder of links to ddb: DIR/ddb/schema-load, seed, "
	"list-tables, drop, scan, enable-stream, create-vpc-endpoint, DIR/ddb/patterns/get-conversation and "
	"list-conversations, and DIR/cognito/list-users.  Each is a symbolic link to the absolute path of the running "
	"ddb (or --target), so `bin/ddb/seed` runs `ddb seed` (a trailing lone `prod` argument means --prod).  "
	"Running it again changes nothing; links pointing elsewhere are updated; a file that is not a link (an old "
	"script) is refused (exit 1) unless --force replaces it.",
	"dir",
	.args_size = sizeof(struct install_links_args),
};

static const char *const links[] = {
	"ddb/schema-load", "ddb/seed", "ddb/list-tables", "ddb/drop", "ddb/scan", "ddb/enable-stream",
	"ddb/create-vpc-endpoint", "ddb/patterns/get-conversation", "ddb/patterns/list-conversations",
	"cognito/list-users", NULL,
};

static int mkdir_p(const char *path, struct err *e)
{
	char *p = xstrdup(path);
	int rc = 0;
	for (char *s = p + 1;; s++) {
		if (*s == '/' || !*s) {
			char c = *s;
			*s = '\0';
			if (mkdir(p, 0755) < 0 && errno != EEXIST) {
				rc = err_set(e, ERR_IO, "cannot create '%s': %s", p, strerror(errno));
				break;
			}
			struct stat st;
			if (stat(p, &st) < 0 || !S_ISDIR(st.st_mode)) {
				rc = err_set(e, ERR_SERVICE, "'%s' is not a directory", p);
				break;
			}
			*s = c;
			if (!c)
				break;
		}
	}
	free(p);
	return rc;
}

static int cmd_install_links(struct ctx *ctx, void *args, int npos, char **argv)
{
	struct install_links_args a = *(struct install_links_args *)args;
	int changed = 0, same = 0;
	struct err e = ERR_INIT;
	char self[PATH_MAX];

	if (npos > 1)
		return ctx_usage(ctx, &cmd_def_install_links, "unexpected argument '%s'", argv[2]);
	const char *dir = npos ? argv[1] : "bin";
	if (!*dir)
		return ctx_usage(ctx, &cmd_def_install_links, "DIR is empty");
	const char *target = a.target;
	if (!target) {
		ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
		if (n <= 0) {
			err_set(&e, ERR_CONFIG, "cannot find this program's path (/proc/self/exe): give --target PATH");
			return ctx_fail(ctx, &e);
		}
		self[n] = '\0';
		target = self;
	}

	/* refuse before changing anything */
	for (int i = 0; links[i]; i++) {
		char *path = xasprintf("%s/%s", dir, links[i]);
		struct stat st;
		int bad = lstat(path, &st) == 0 && !S_ISLNK(st.st_mode) && (!a.force || S_ISDIR(st.st_mode));
		if (bad) {
			if (S_ISDIR(st.st_mode))
				err_set(&e, ERR_SERVICE, "'%s' is a directory; nothing was changed", path);
			else
				err_set(&e, ERR_SERVICE, "'%s' exists and is not a link (an old script?); --force replaces it; "
				        "nothing was changed", path);
			free(path);
			return ctx_fail(ctx, &e);
		}
		free(path);
	}
	for (int i = 0; links[i]; i++) {
		char *path = xasprintf("%s/%s", dir, links[i]);
		char cur[PATH_MAX];
		ssize_t n = readlink(path, cur, sizeof(cur) - 1);
		if (n >= 0) {
			cur[n] = '\0';
			if (!strcmp(cur, target)) {
				same++;
				free(path);
				continue;
			}
		}
		if (a.dry_run) {
			fprintf(ctx->out, "%s -> %s\n", path, target);
			changed++;
			free(path);
			continue;
		}
		char *parent = xstrndup(path, (size_t)(strrchr(path, '/') - path));
		int rc = mkdir_p(parent, &e);
		free(parent);
		char *tmp = xasprintf("%s.ddb-tmp", path);
		unlink(tmp);
		if (rc == 0 && symlink(target, tmp) < 0)
			rc = err_set(&e, ERR_IO, "cannot create the link '%s': %s", path, strerror(errno));
		if (rc == 0 && rename(tmp, path) < 0) {
			rc = err_set(&e, ERR_IO, "cannot replace '%s': %s", path, strerror(errno));
			unlink(tmp);
		}
		free(tmp);
		free(path);
		if (rc < 0)
			return ctx_fail(ctx, &e);
		changed++;
	}
	if (!a.dry_run)
		ctx_note(ctx, "%d link%s created or updated in %s, %d already right (-> %s)", changed,
		         changed == 1 ? "" : "s", dir, same, target);
	return 0;
}
