/* s3.c — ddb __s3 ls|put|get|rm: hidden plumbing over lib/aws/s3.c, for the tests (and a quick look at a bucket).
 *
 *   ddb __s3 ls s3://BUCKET[/PREFIX] [--max-keys N]   one "SIZE<TAB>KEY" line per object, every page
 *   ddb __s3 put FILE|- s3://BUCKET/KEY               a file (multipart above the part size) or stdin
 *   ddb __s3 get s3://BUCKET/KEY [FILE|-]             to FILE (default stdout), streamed
 *   ddb __s3 rm s3://BUCKET/KEY
 *   ddb __s3 head s3://BUCKET/KEY                     "SIZE<TAB>ETAG" (HeadObject), 66 when there is no such object
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cmd.h"
#include "aws/s3.h"
#include "base/term.h"

static int cmd_s3(struct ctx *ctx, void *args, int npos, char **argv);

struct s3_args { long max_keys; };

static const struct opt s3_opts[] = {
	OPT_F_INT(0, "max-keys", struct s3_args, max_keys, "N", "ls: objects per ListObjectsV2 page (1-1000)", 1, 1000),
	OPT_F_END,
};

const struct cmd cmd_def_s3 = {
	"__s3", cmd_s3, CMD_AWS | CMD_HIDDEN, "S3 plumbing: ls, put, get, rm, head (for tests)",
	"ddb __s3 ls s3://BUCKET[/PREFIX] [--max-keys N]\n"
	"ddb __s3 put FILE|- s3://BUCKET/KEY\n"
	"ddb __s3 get s3://BUCKET/KEY [FILE|-]\n"
	"ddb __s3 rm s3://BUCKET/KEY\n"
	"ddb __s3 head s3://BUCKET/KEY", s3_opts,
	"Hidden plumbing over ddb's S3 client (the one export --to s3:// and import s3:// use): the endpoint is "
	"AWS_ENDPOINT_URL_S3 (or the profile's), credentials and region as for every command.", NULL,
	.args_size = sizeof(struct s3_args),
};

struct ls_state { struct ctx *ctx; };

static int print_entry(void *arg, const struct s3_list_entry *o, struct err *e)
{
	struct ls_state *s = arg;
	struct ctx *ctx = s->ctx;
	if (ctx->out_tty) {
		char *k = term_clean(o->key);
		fprintf(ctx->out, "%" PRIu64 "\t%s\n", o->size, k);
		free(k);
	} else {
		fprintf(ctx->out, "%" PRIu64 "\t%s\n", o->size, o->key);
	}
	if (ferror(ctx->out))
		return err_set(e, ERR_IO, "cannot write the output");
	return 0;
}

static int need_key(struct ctx *ctx, const struct s3_url *u, const char *url)
{
	if (!*u->prefix)
		return ctx_usage(ctx, &cmd_def_s3, "'%s' names no key (expected s3://BUCKET/KEY)", url);
	return 0;
}

static int cmd_s3(struct ctx *ctx, void *args, int npos, char **argv)
{
	struct s3_args a = *(struct s3_args *)args;
	int rc = 0;
	struct err e = ERR_INIT;
	struct s3_url u = { NULL, NULL };
	struct s3_client c;
	FILE *f = NULL;
	int close_f = 0;

	if (npos < 1)
		return ctx_usage(ctx, &cmd_def_s3, "missing the action (ls, put, get, rm or head)");
	const char *act = argv[1];
	const char *url = NULL, *file = NULL;
	if (!strcmp(act, "ls") || !strcmp(act, "rm") || !strcmp(act, "head")) {
		if (npos != 2)
			return ctx_usage(ctx, &cmd_def_s3, "%s takes one s3:// URL", act);
		url = argv[2];
	} else if (!strcmp(act, "put")) {
		if (npos != 3)
			return ctx_usage(ctx, &cmd_def_s3, "put takes FILE|- and s3://BUCKET/KEY");
		file = argv[2];
		url = argv[3];
	} else if (!strcmp(act, "get")) {
		if (npos != 2 && npos != 3)
			return ctx_usage(ctx, &cmd_def_s3, "get takes s3://BUCKET/KEY and an optional FILE|-");
		url = argv[2];
		file = npos == 3 ? argv[3] : "-";
	} else {
		return ctx_usage(ctx, &cmd_def_s3, "unknown action '%s' (ls, put, get, rm or head)", act);
	}
	if (a.max_keys && strcmp(act, "ls"))
		return ctx_usage(ctx, &cmd_def_s3, "--max-keys is for ls");
	if (s3_url_parse(url, &u, &e) < 0)
		return ctx_usage(ctx, &cmd_def_s3, "%s", e.msg);
	if (strcmp(act, "ls") && (rc = need_key(ctx, &u, url)) != 0) {
		s3_url_release(&u);
		return rc;
	}
	if (s3_client_init(&c, ctx, &e) < 0) {
		s3_url_release(&u);
		return ctx_fail(ctx, &e);
	}

	if (!strcmp(act, "ls")) {
		struct ls_state s = { ctx };
		rc = s3_list(&c, u.bucket, u.prefix, (int)a.max_keys, print_entry, &s, &e);
	} else if (!strcmp(act, "rm")) {
		rc = s3_delete(&c, u.bucket, u.prefix, &e);
	} else if (!strcmp(act, "head")) {
		struct s3_object_info info;
		rc = s3_head(&c, u.bucket, u.prefix, &info, &e);
		if (rc == 1)
			rc = err_set(&e, ERR_NOINPUT, "%s: no such object", url);
		else if (rc == 0) {
			char *etag = term_clean(info.etag);   /* a server's text */
			fprintf(ctx->out, "%" PRIu64 "\t%s\n", info.size, etag);
			free(etag);
		}
	} else if (!strcmp(act, "put")) {
		if (!strcmp(file, "-")) {
			f = stdin;
		} else if (!(f = fopen(file, "rb"))) {
			rc = err_set(&e, errno == ENOENT ? ERR_NOINPUT : ERR_IO, "%s: %s", file, strerror(errno));
		} else {
			close_f = 1;
		}
		if (f)
			rc = s3_put_stream(&c, u.bucket, u.prefix, f, !strcmp(file, "-") ? "stdin" : file, NULL, NULL, &e);
	} else {
		if (!strcmp(file, "-")) {
			f = ctx->out;
		} else if (!(f = fopen(file, "wb"))) {
			rc = err_set(&e, ERR_IO, "%s: %s", file, strerror(errno));
		} else {
			close_f = 1;
		}
		if (f) {
			rc = s3_get_file(&c, u.bucket, u.prefix, f, NULL, &e);
			if (rc == 0 && (fflush(f) || ferror(f)))
				rc = err_set(&e, ERR_IO, "%s: cannot write", !strcmp(file, "-") ? "stdout" : file);
		}
	}
	if (close_f && fclose(f) && rc == 0)
		rc = err_set(&e, ERR_IO, "%s: cannot write: %s", file, strerror(errno));
	if (rc < 0 && close_f && !strcmp(act, "get"))
		unlink(file);   /* no half object left behind */
	if (rc == 0 && fflush(ctx->out))
		rc = err_set(&e, ERR_IO, "cannot write the output");
	s3_client_release(&c);
	s3_url_release(&u);
	return rc < 0 ? ctx_fail(ctx, &e) : 0;
}
