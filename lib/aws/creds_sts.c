/* creds_sts.c — the STS providers: assume-role (source_profile / credential_source, MFA) and web identity.
 * STS speaks the Query protocol; AssumeRole is signed with the source credentials, and AssumeRoleWithWebIdentity is
 * sent unsigned, as the SDKs do: both with the signed call under the credentials (awscall_send), never with the
 * client above them (aws.h), which resolves credentials through this chain. */
#include "aws/creds.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <openssl/crypto.h>

#include "aws/awscall.h"
#include "aws/sigv4.h"
#include "base/buf.h"
#include "aws/config.h"
#include "aws/ctx.h"
#include "aws/http.h"
#include "base/xml.h"

#define MAX_ROLE_CHAIN 8

/* One STS action on a transport of its own (creds_get may run on any thread).  signer NULL: unsigned. */
static int sts_call(struct ctx *ctx, const char *action, const struct buf *form, const struct creds *signer,
                    struct xml_node **doc, struct err *e)
{
	struct http *h = creds_http(ctx, 5000, 30000);
	struct aws_request r;
	struct aws_response resp;
	int rc = -1;

	*doc = NULL;
	if (!h)
		return err_set(e, ERR_INTERNAL, "cannot initialise libcurl");
	memset(&r, 0, sizeof(r));
	r.svc = &aws_sts;
	r.op = action;
	r.body = buf_cstr(form);
	r.body_len = form->len;
	r.http = h;
	struct sigv4_credentials sc = { signer ? signer->access_key_id : NULL, signer ? signer->secret_access_key : NULL,
	                                signer ? signer->session_token : NULL };
	aws_response_init(&resp);
	if (awscall_send(ctx, &r, signer ? &sc : NULL, &resp, e) == 0) {
		*doc = xml_parse(buf_cstr(&resp.body), resp.body.len, e);
		if (*doc)
			rc = 0;
		else
			err_prefix(e, "sts %s response", action);
	} else {
		err_prefix(e, "sts %s", action);
	}
	buf_cleanse(&resp.body);
	aws_response_release(&resp);
	http_free(h);
	return rc;
}

static int parse_sts_creds(const struct xml_node *doc, const char *result, struct creds *out, struct err *e)
{
	char path[128];
	snprintf(path, sizeof(path), "%s/Credentials", result);
	const struct xml_node *c = xml_path(doc, path);
	const char *ak = c ? xml_text(c, "AccessKeyId") : NULL, *sk = c ? xml_text(c, "SecretAccessKey") : NULL;
	const char *tok = c ? xml_text(c, "SessionToken") : NULL, *exp = c ? xml_text(c, "Expiration") : NULL;
	if (!ak || !*ak || !sk || !*sk || !tok || !*tok)
		return err_set(e, ERR_DATA, "sts: no credentials in the %s response", result);
	if (exp && creds_parse_time(exp, &out->expiration) < 0)
		return err_set(e, ERR_DATA, "sts: Expiration '%s' is not an ISO-8601 time", exp);
	out->access_key_id = xstrdup(ak);
	out->secret_access_key = xstrdup(sk);
	out->session_token = xstrdup(tok);
	return 0;
}

/* The parsed tree holds the secrets as text: wipe them before freeing. */
static void wipe(struct xml_node *n)
{
	if (n->text)
		OPENSSL_cleanse(n->text, strlen(n->text));
	for (struct xml_node *c = n->first; c; c = c->next)
		wipe(c);
}

static void free_doc(struct xml_node *n)
{
	wipe(n);
	xml_free(n);
}

static void session_name(struct ctx *ctx, const char *configured, char *out, size_t cap)
{
	if (configured && *configured)
		snprintf(out, cap, "%s", configured);
	else
		snprintf(out, cap, "ddb-session-%lld", (long long)ctx->now());
}

static int duration(const char *profile, const char *v, long *out, struct err *e)
{
	char *end;
	*out = 0;
	if (!v)
		return 0;
	long n = strtol(v, &end, 10);
	if (!*v || *end || n < 900 || n > 43200)
		return err_set(e, ERR_CONFIG, "profile %s: duration_seconds '%s': expected seconds from 900 to 43200",
		               profile, v);
	*out = n;
	return 0;
}

/* ---- web identity ----------------------------------------------------------------------------------------------- */

static int web_identity(struct ctx *ctx, const char *profile, int use_env, struct creds *out, struct err *e)
{
	const char *file = use_env ? getenv("AWS_WEB_IDENTITY_TOKEN_FILE") : NULL;
	int file_from_env = file && *file;
	if (!file_from_env)
		file = config_get(ctx->config, profile, "web_identity_token_file");
	if (!file || !*file)
		return 0;
	const char *role = use_env ? getenv("AWS_ROLE_ARN") : NULL;
	if (!role || !*role)
		role = config_get(ctx->config, profile, "role_arn");
	if (!role || !*role)
		return err_set(e, ERR_CONFIG, "web identity token file %s is set (%s) but no role: set AWS_ROLE_ARN or "
		               "role_arn in profile %s", file, file_from_env ? "AWS_WEB_IDENTITY_TOKEN_FILE" : "profile",
		               profile);
	const char *sn = use_env ? getenv("AWS_ROLE_SESSION_NAME") : NULL;
	if (!sn || !*sn)
		sn = config_get(ctx->config, profile, "role_session_name");
	long dur;
	if (duration(profile, config_get(ctx->config, profile, "duration_seconds"), &dur, e) < 0)
		return -1;
	char name[128];
	session_name(ctx, sn, name, sizeof(name));

	char *token = creds_read_token_file(file, "web identity token file", e);
	if (!token)
		return -1;
	struct buf form = BUF_INIT;
	struct xml_node *doc = NULL;
	aws_form_add(&form, "RoleArn", role);
	aws_form_add(&form, "RoleSessionName", name);
	aws_form_add(&form, "WebIdentityToken", token);
	if (dur) {
		char secs[24];
		snprintf(secs, sizeof(secs), "%ld", dur);
		aws_form_add(&form, "DurationSeconds", secs);
	}
	OPENSSL_cleanse(token, strlen(token));
	free(token);
	int rc = sts_call(ctx, "AssumeRoleWithWebIdentity", &form, NULL, &doc, e);
	buf_cleanse(&form);
	if (rc < 0)
		return -1;
	rc = parse_sts_creds(doc, "AssumeRoleWithWebIdentityResult", out, e);
	free_doc(doc);
	if (rc < 0)
		return -1;
	snprintf(out->provider, sizeof(out->provider), "web-identity");
	snprintf(out->role, sizeof(out->role), "%s", role);
	if (file_from_env)
		creds_set_detail(out, "role %s, web identity token file %s "
		         "(AWS_WEB_IDENTITY_TOKEN_FILE)", role, file);
	else
		creds_set_detail(out, "role %s, web identity token file %s (profile %s)", role, file,
		         profile);
	return 1;
}

/* As botocore: an explicit --profile ignores AWS_WEB_IDENTITY_TOKEN_FILE / AWS_ROLE_ARN / AWS_ROLE_SESSION_NAME, as it
 * ignores the environment's keys. */
int creds_web_identity(struct ctx *ctx, const char *profile, struct creds *out, struct err *e)
{
	return web_identity(ctx, profile, !ctx->profile_opt, out, e);
}

/* ---- assume role ---------------------------------------------------------------------------------------------------- */

static int assume_from_profile(struct ctx *ctx, const char *profile, int depth, struct creds *out, struct err *e);

static int has_static_keys(struct ctx *ctx, const char *profile)
{
	return config_get(ctx->config, profile, "aws_access_key_id") != NULL;
}

static int is_assume_role_profile(struct ctx *ctx, const char *profile)
{
	return config_get(ctx->config, profile, "role_arn") &&
	       !config_get(ctx->config, profile, "web_identity_token_file");
}

/* The credentials that call AssumeRole for `profile` (botocore's source resolution). */
static int source_creds(struct ctx *ctx, const char *profile, int depth, struct creds *src, struct err *e)
{
	const char *sp = config_get(ctx->config, profile, "source_profile");
	const char *cs = config_get(ctx->config, profile, "credential_source");
	int r;

	if (sp && cs)
		return err_set(e, ERR_CONFIG, "profile %s has both source_profile and credential_source: keep one",
		               profile);
	if (!sp && !cs)
		return err_set(e, ERR_CONFIG, "profile %s has role_arn but neither source_profile nor credential_source",
		               profile);
	if (cs) {
		if (!strcasecmp(cs, "Environment"))
			r = creds_env_vars(src, e);
		else if (!strcasecmp(cs, "Ec2InstanceMetadata"))
			r = creds_imds(ctx, profile, src, e);
		else if (!strcasecmp(cs, "EcsContainer"))
			r = creds_container(ctx, profile, src, e);
		else
			return err_set(e, ERR_CONFIG, "profile %s: credential_source '%s' is not one of Environment, "
			               "Ec2InstanceMetadata, EcsContainer", profile, cs);
		if (r == 0)
			return err_set(e, ERR_CONFIG, "profile %s: credential_source %s has no credentials", profile, cs);
		return r < 0 ? -1 : 0;
	}
	if (!config_has_profile(ctx->config, sp))
		return err_set(e, ERR_CONFIG, "profile %s: source_profile '%s' does not exist", profile, sp);
	if (depth >= MAX_ROLE_CHAIN)
		return err_set(e, ERR_CONFIG, "profile %s: source_profile chain longer than %d (a cycle?)", profile,
		               MAX_ROLE_CHAIN);
	/* A source profile with its own role (and no keys of its own) is assumed first: role chaining.  A profile
	 * naming itself as source_profile uses its own static keys. */
	if (!has_static_keys(ctx, sp) && is_assume_role_profile(ctx, sp) && strcmp(sp, profile))
		return assume_from_profile(ctx, sp, depth + 1, src, e) < 0 ? -1 : 0;
	static const creds_provider_fn profile_chain[] = {
		creds_shared_file, creds_sso, creds_process, creds_config_file, NULL,
	};
	r = web_identity(ctx, sp, 0, src, e);
	for (int i = 0; !r && profile_chain[i]; i++) {
		creds_release(src);
		r = profile_chain[i](ctx, sp, src, e);
	}
	if (r == 0)
		return err_set(e, ERR_CONFIG, "profile %s: source_profile %s has no credentials", profile, sp);
	return r < 0 ? -1 : 0;
}

static int mfa_code(struct ctx *ctx, const char *profile, const char *serial, char *code, size_t cap, struct err *e)
{
	if (!ctx->in_tty)
		return err_set(e, ERR_CONFIG, "profile %s needs an MFA code (mfa_serial %s) but stdin is not a terminal",
		               profile, serial);
	fprintf(ctx->err_out, "Enter MFA code for %s: ", serial);
	fflush(ctx->err_out);
	if (!fgets(code, (int)cap, stdin))
		return err_set(e, ERR_CONFIG, "profile %s: no MFA code entered", profile);
	code[strcspn(code, "\r\n")] = '\0';
	size_t n = strlen(code);
	if (n < 6 || n > 8 || strspn(code, "0123456789") != n)
		return err_set(e, ERR_CONFIG, "profile %s: an MFA code is 6 digits", profile);
	return 0;
}

static int assume_from_profile(struct ctx *ctx, const char *profile, int depth, struct creds *out, struct err *e)
{
	const char *role = config_get(ctx->config, profile, "role_arn");
	const char *ext = config_get(ctx->config, profile, "external_id");
	const char *mfa = config_get(ctx->config, profile, "mfa_serial");
	struct creds src;
	struct buf form = BUF_INIT;
	struct xml_node *doc = NULL;
	char name[128], code[16] = "";
	long dur;
	int rc = -1;

	memset(&src, 0, sizeof(src));
	if (duration(profile, config_get(ctx->config, profile, "duration_seconds"), &dur, e) < 0)
		return -1;
	session_name(ctx, config_get(ctx->config, profile, "role_session_name"), name, sizeof(name));
	if (source_creds(ctx, profile, depth, &src, e) < 0)
		goto out;
	aws_form_add(&form, "RoleArn", role);
	aws_form_add(&form, "RoleSessionName", name);
	if (ext && *ext)
		aws_form_add(&form, "ExternalId", ext);
	if (dur) {
		char secs[24];
		snprintf(secs, sizeof(secs), "%ld", dur);
		aws_form_add(&form, "DurationSeconds", secs);
	}
	if (mfa && *mfa) {
		if (mfa_code(ctx, profile, mfa, code, sizeof(code), e) < 0)
			goto out;
		aws_form_add(&form, "SerialNumber", mfa);
		aws_form_add(&form, "TokenCode", code);
	}
	if (sts_call(ctx, "AssumeRole", &form, &src, &doc, e) < 0)
		goto out;
	if (parse_sts_creds(doc, "AssumeRoleResult", out, e) < 0)
		goto out;
	snprintf(out->provider, sizeof(out->provider), "assume-role");
	snprintf(out->role, sizeof(out->role), "%s", role);
	creds_set_detail(out, "role %s, profile %s, source %s: %s", role, profile, src.provider,
	         src.detail);
	rc = 1;
out:
	if (doc)
		free_doc(doc);
	buf_cleanse(&form);
	OPENSSL_cleanse(code, sizeof(code));
	creds_release(&src);
	return rc;
}

int creds_assume_role(struct ctx *ctx, const char *profile, struct creds *out, struct err *e)
{
	if (!is_assume_role_profile(ctx, profile))
		return 0;
	return assume_from_profile(ctx, profile, 0, out, e);
}
