/* creds.c — the credential provider chain and its cache. */
#include "creds.h"

#include <stdlib.h>
#include <string.h>
#include <openssl/crypto.h>

#include "buf.h"
#include "config.h"
#include "ctx.h"

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
}

static int from_env(struct ctx *ctx, const char *profile, struct creds *out, struct err *e)
{
	(void)profile;
	if (ctx->profile_opt)      /* an explicit --profile wins over the environment (AWS CLI behaviour) */
		return 0;
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

int creds_from_profile_keys(struct ctx *ctx, const char *profile, struct creds *out, struct err *e)
{
	if (!ctx->config)
		return 0;
	int r = keys_from(&ctx->config->cred, profile, "shared-credentials-file", out, e);
	if (r)
		return r;
	char sec[300];
	if (!strcmp(profile, "default") && ini_has_section(&ctx->config->cfg, "default"))
		snprintf(sec, sizeof(sec), "default");
	else
		snprintf(sec, sizeof(sec), "profile %s", profile);
	r = keys_from(&ctx->config->cfg, sec, "config-file", out, e);
	if (r == 1)
		snprintf(out->detail, sizeof(out->detail), "profile %s in %s", profile, ctx->config->cfg.path);
	return r;
}

static int from_profile_keys(struct ctx *ctx, const char *profile, struct creds *out, struct err *e)
{
	return creds_from_profile_keys(ctx, profile, out, e);
}

/* The chain.  Providers that need the network are skipped in local mode.  Later providers (process, assume-role,
 * web identity, SSO, container, IMDS) are added here in the SDKs' order. */
static const struct creds_provider chain[] = {
	{ "env", from_env, 0 },
	{ "profile", from_profile_keys, 0 },
	{ NULL, NULL, 0 },
};

int creds_resolve(struct ctx *ctx, struct creds *out, struct err *e)
{
	memset(out, 0, sizeof(*out));
	for (const struct creds_provider *p = chain; p->name; p++) {
		if (!ctx->prod && p->network)
			continue;
		int r = p->fn(ctx, ctx->profile, out, e);
		if (r < 0) {
			creds_release(out);
			return -1;
		}
		if (r > 0)
			return 0;
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

int creds_get(struct ctx *ctx, struct creds *out, struct err *e)
{
	struct creds_cache *cc = ctx->creds;
	int rc = 0;
	if (!cc) {
		cc = ctx->creds = xcalloc(1, sizeof(*cc));
		pthread_mutex_init(&cc->mu, NULL);
	}
	pthread_mutex_lock(&cc->mu);
	time_t now = ctx->now();
	if (!cc->valid || (cc->c.expiration && cc->c.expiration - CREDS_REFRESH_MARGIN <= now)) {
		struct creds fresh;
		if (creds_resolve(ctx, &fresh, e) < 0) {
			/* Keep using still-valid credentials if a refresh fails before they actually expire. */
			if (cc->valid && cc->c.expiration > now) {
				err_clear(e);
			} else {
				rc = -1;
				goto out;
			}
		} else {
			creds_release(&cc->c);
			cc->c = fresh;
			cc->valid = 1;
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
	pthread_mutex_destroy(&cc->mu);
	free(cc);
}
