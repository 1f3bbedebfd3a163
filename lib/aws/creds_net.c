/* creds_net.c — credentials from local HTTP endpoints: the container endpoint (ECS/EKS Pod Identity), EC2 instance
 * metadata (IMDSv2, falling back to v1 when the token call is refused or times out), and the SSO portal
 * (GetRoleCredentials with the token `aws sso login` cached).  Plain unsigned calls through http.c; --debug traces
 * them with secrets redacted, and never shows an IMDS token response. */
#include "aws/creds.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <cjson/cJSON.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "base/buf.h"
#include "aws/config.h"
#include "aws/ctx.h"
#include "aws/http.h"
#include "aws/sigv4.h"
#include "aws/trace.h"

#define CONTAINER_HOST "http://169.254.170.2"
#define IMDS_DEFAULT "http://169.254.169.254"
#define IMDS_DEFAULT_V6 "http://[fd00:ec2::254]"
#define IMDS_TOKEN_TTL "21600"

static int truthy(const char *v)
{
	return v && !strcasecmp(v, "true");
}

/* One unsigned request, traced.  secret_body: the response body is a token, never shown. */
static int net_send(struct ctx *ctx, struct http *h, const char *method, const char *url, const struct http_hdr *hdrs,
                    size_t nh, struct http_resp *resp, int secret_body, struct err *e)
{
	struct http_hdr all[8];
	size_t n = 0;
	char ua[64];
	for (size_t i = 0; i < nh && n < 7; i++)
		all[n++] = hdrs[i];
	snprintf(ua, sizeof(ua), "ddb/%s", DDB_VERSION);
	all[n++] = (struct http_hdr){ "User-Agent", ua };
	struct http_req req = { method, url, all, n, NULL, 0 };
	trace_request(ctx, &req, 1);
	int rc = http_send(h, &req, resp, e);
	if (rc == 0) {
		if (secret_body)
			trace_note(ctx, "< HTTP %ld (the token in the body is not shown)", resp->status);
		else
			trace_response(ctx, resp, 0);
	} else {
		trace_note(ctx, "transport error: %s", e->msg);
	}
	return rc;
}

/* Host of a URL without the port ("[::1]" -> "::1"). */
static void url_host(const char *url, char *host, size_t cap)
{
	struct buf hp = BUF_INIT;
	struct err pe = ERR_INIT;
	host[0] = '\0';
	if (http_url_parts(url, NULL, &hp, NULL, &pe) == 0) {
		const char *s = buf_cstr(&hp);
		size_t n;
		if (*s == '[') {
			s++;
			n = strcspn(s, "]");
		} else {
			n = strcspn(s, ":");
		}
		snprintf(host, cap, "%.*s", (int)n, s);
	}
	buf_release(&hp);
}

static int is_loopback(const char *host)
{
	return !strcasecmp(host, "localhost") || !strncmp(host, "127.", 4) || !strcmp(host, "::1");
}

static void wipe_json(cJSON *j)
{
	for (cJSON *c = j ? j->child : NULL; c; c = c->next) {
		if (cJSON_IsString(c))
			OPENSSL_cleanse(c->valuestring, strlen(c->valuestring));
		else if (c->child)
			wipe_json(c);
	}
}

static void free_json(cJSON *j)
{
	wipe_json(j);
	cJSON_Delete(j);
}

/* ---- container ------------------------------------------------------------------------------------------------------ */

int creds_container(struct ctx *ctx, const char *profile, struct creds *out, struct err *e)
{
	const char *rel = getenv("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI");
	const char *full = getenv("AWS_CONTAINER_CREDENTIALS_FULL_URI");
	const char *tokfile = getenv("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE");
	const char *tokenv = getenv("AWS_CONTAINER_AUTHORIZATION_TOKEN");
	char *url = NULL, *token = NULL;
	struct http *h = NULL;
	struct http_resp hr;
	cJSON *j = NULL;
	int rc = -1;
	(void)profile;

	http_resp_init(&hr);
	if (rel && *rel) {
		url = xasprintf("%s%s%s", CONTAINER_HOST, rel[0] == '/' ? "" : "/", rel);
	} else if (full && *full) {
		struct buf scheme = BUF_INIT;
		char host[256];
		if (http_url_parts(full, &scheme, NULL, NULL, e) < 0) {
			buf_release(&scheme);
			err_prefix(e, "AWS_CONTAINER_CREDENTIALS_FULL_URI");
			goto out;
		}
		url_host(full, host, sizeof(host));
		int https = !strcmp(buf_cstr(&scheme), "https");
		buf_release(&scheme);
		/* As the SDKs: plain http only to loopback or the ECS / EKS Pod Identity agent addresses. */
		if (!https && !is_loopback(host) && strcmp(host, "169.254.170.2") && strcmp(host, "169.254.170.23") &&
		    strcasecmp(host, "fd00:ec2::23")) {
			err_set(e, ERR_CONFIG, "AWS_CONTAINER_CREDENTIALS_FULL_URI: host '%s' is not allowed over http:// "
			        "(loopback, 169.254.170.2, 169.254.170.23 or fd00:ec2::23; or use https://)", host);
			goto out;
		}
		url = xstrdup(full);
	} else {
		return 0;
	}
	if (tokfile && *tokfile) {
		if (!(token = creds_read_token_file(tokfile, "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", e)))
			goto out;
	} else if (tokenv && *tokenv) {
		token = xstrdup(tokenv);
	}
	if (token && strpbrk(token, "\r\n")) {
		err_set(e, ERR_CONFIG, "the container authorization token contains a line break");
		goto out;
	}
	if (!(h = creds_http(ctx, 1000, 2000))) {
		err_set(e, ERR_INTERNAL, "cannot initialise libcurl");
		goto out;
	}
	struct http_hdr hdrs[2] = { { "Accept", "application/json" }, { "Authorization", token } };
	for (int attempt = 1;; attempt++) {
		err_clear(e);
		int sent = net_send(ctx, h, "GET", url, hdrs, token ? 2 : 1, &hr, 0, e);
		if (sent == 0 && hr.status == 200)
			break;
		if (hr.fail == HTTP_ABORTED || hr.fail == HTTP_REFUSED)   /* refused: nothing was sent, retry would not help */
			goto out;
		int retry = sent < 0 || hr.status >= 500;
		if (!retry || attempt >= 3) {
			if (sent == 0)
				err_set(e, hr.status == 401 || hr.status == 403 ? ERR_DENIED : ERR_UNAVAILABLE,
				        "the container credentials endpoint %s answered HTTP %ld", url, hr.status);
			else
				err_prefix(e, "the container credentials endpoint");
			goto out;
		}
	}
	j = creds_json_has_nul(buf_cstr(&hr.body), hr.body.len) ? NULL   /* never a truncated secret */
	                                                         : cJSON_ParseWithLength(buf_cstr(&hr.body), hr.body.len);
	if (creds_from_json(j, "AccessKeyId", "SecretAccessKey", "Token", "Expiration",
	                    "the container credentials endpoint", out, e) < 0)
		goto out;
	const cJSON *ra = cJSON_GetObjectItemCaseSensitive(j, "RoleArn");
	if (cJSON_IsString(ra))
		snprintf(out->role, sizeof(out->role), "%s", ra->valuestring);
	snprintf(out->provider, sizeof(out->provider), "container");
	creds_set_detail(out, "container credentials endpoint %s (%s)", url,
	                 rel && *rel ? "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI" : "AWS_CONTAINER_CREDENTIALS_FULL_URI");
	rc = 1;
out:
	free_json(j);
	if (token) {
		OPENSSL_cleanse(token, strlen(token));
		free(token);
	}
	buf_cleanse(&hr.body);
	http_resp_release(&hr);
	http_free(h);
	free(url);
	return rc;
}

/* ---- EC2 instance metadata ----------------------------------------------------------------------------------------- */

int creds_imds(struct ctx *ctx, const char *profile, struct creds *out, struct err *e)
{
	if (truthy(getenv("AWS_EC2_METADATA_DISABLED")))
		return 0;
	const char *ep = getenv("AWS_EC2_METADATA_SERVICE_ENDPOINT");
	if (!ep || !*ep)
		ep = config_get(ctx->config, profile, "ec2_metadata_service_endpoint");
	if (!ep || !*ep) {
		const char *mode = getenv("AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE");
		if (!mode || !*mode)
			mode = config_get(ctx->config, profile, "ec2_metadata_service_endpoint_mode");
		ep = mode && !strcasecmp(mode, "IPv6") ? IMDS_DEFAULT_V6 : IMDS_DEFAULT;
	}
	const char *v1off = getenv("AWS_EC2_METADATA_V1_DISABLED");
	if (!v1off || !*v1off)
		v1off = config_get(ctx->config, profile, "ec2_metadata_v1_disabled");
	size_t eplen = strlen(ep);
	while (eplen && ep[eplen - 1] == '/')
		eplen--;

	struct http *h = creds_http(ctx, 1000, 2000);
	struct http_resp hr;
	char *url = NULL, *token = NULL, role[256] = "";
	cJSON *j = NULL;
	int rc = -1;
	struct http_hdr hdrs[1];
	size_t nh = 0;

	http_resp_init(&hr);
	if (!h)
		return err_set(e, ERR_INTERNAL, "cannot initialise libcurl");

	/* IMDSv2: a session token first. */
	url = xasprintf("%.*s/latest/api/token", (int)eplen, ep);
	struct http_hdr th[1] = { { "X-aws-ec2-metadata-token-ttl-seconds", IMDS_TOKEN_TTL } };
	int v1_after_timeout = 0;
	if (net_send(ctx, h, "PUT", url, th, 1, &hr, 1, e) < 0) {
		if (hr.fail == HTTP_ABORTED || hr.fail == HTTP_REFUSED)   /* refused: nothing was sent, retry would not help */
			goto out;
		err_clear(e);
		if (hr.fail == HTTP_TIMEOUT && !truthy(v1off)) {
			/* As botocore: the token's answer can be lost (a container behind a hop limit of 1): try IMDSv1. */
			trace_note(ctx, "the IMDSv2 token request timed out: trying IMDSv1");
			v1_after_timeout = 1;
		} else {
			trace_note(ctx, "no instance metadata service at %.*s", (int)eplen, ep);
			rc = 0;   /* not on EC2: the chain goes on */
			goto out;
		}
	} else if (hr.status == 200 && hr.body.len) {
		token = xstrndup(hr.body.ptr, hr.body.len);
		token[strcspn(token, "\r\n")] = '\0';
		hdrs[nh++] = (struct http_hdr){ "X-aws-ec2-metadata-token", token };
	} else if ((hr.status == 403 || hr.status == 404 || hr.status == 405) && !truthy(v1off)) {
		trace_note(ctx, "IMDSv2 token refused (HTTP %ld): trying IMDSv1", hr.status);
	} else {
		err_set(e, ERR_UNAVAILABLE, "instance metadata %s: the token request answered HTTP %ld", url, hr.status);
		goto out;
	}
	buf_cleanse(&hr.body);
	http_resp_release(&hr);
	http_resp_init(&hr);

	/* The role attached to the instance. */
	free(url);
	url = xasprintf("%.*s/latest/meta-data/iam/security-credentials/", (int)eplen, ep);
	if (net_send(ctx, h, "GET", url, hdrs, nh, &hr, 0, e) < 0) {
		if (hr.fail == HTTP_ABORTED || hr.fail == HTTP_REFUSED)   /* refused: nothing was sent, retry would not help */
			goto out;
		if (v1_after_timeout) {
			trace_note(ctx, "no instance metadata service at %.*s", (int)eplen, ep);
			err_clear(e);
			rc = 0;
			goto out;
		}
		err_prefix(e, "instance metadata");
		goto out;
	}
	if (hr.status == 404) {
		trace_note(ctx, "the instance has no IAM role");
		rc = 0;
		goto out;
	}
	if (hr.status != 200) {
		err_set(e, hr.status == 401 ? ERR_DENIED : ERR_UNAVAILABLE, "instance metadata %s answered HTTP %ld", url,
		        hr.status);
		goto out;
	}
	size_t rl = strcspn(buf_cstr(&hr.body), "\r\n");
	if (!rl || rl >= sizeof(role)) {
		err_set(e, ERR_DATA, "instance metadata %s: no role name", url);
		goto out;
	}
	memcpy(role, hr.body.ptr, rl);
	role[rl] = '\0';
	if (strpbrk(role, "/?#%") || strcmp(role, ".") == 0 || strcmp(role, "..") == 0) {
		err_set(e, ERR_DATA, "instance metadata: unexpected role name '%s'", role);
		goto out;
	}

	free(url);
	url = xasprintf("%.*s/latest/meta-data/iam/security-credentials/%s", (int)eplen, ep, role);
	if (net_send(ctx, h, "GET", url, hdrs, nh, &hr, 0, e) < 0) {
		if (hr.fail != HTTP_ABORTED)
			err_prefix(e, "instance metadata");
		goto out;
	}
	if (hr.status != 200) {
		err_set(e, hr.status == 401 ? ERR_DENIED : ERR_UNAVAILABLE, "instance metadata %s answered HTTP %ld", url,
		        hr.status);
		goto out;
	}
	j = creds_json_has_nul(buf_cstr(&hr.body), hr.body.len) ? NULL   /* never a truncated secret */
	                                                         : cJSON_ParseWithLength(buf_cstr(&hr.body), hr.body.len);
	const cJSON *code = cJSON_GetObjectItemCaseSensitive(j, "Code");
	if (cJSON_IsString(code) && strcmp(code->valuestring, "Success")) {
		err_set(e, ERR_UNAVAILABLE, "instance metadata: role %s: Code '%s'", role, code->valuestring);
		goto out;
	}
	if (creds_from_json(j, "AccessKeyId", "SecretAccessKey", "Token", "Expiration", "instance metadata", out, e) < 0)
		goto out;
	snprintf(out->provider, sizeof(out->provider), "imds");
	snprintf(out->role, sizeof(out->role), "%s", role);
	creds_set_detail(out, "instance role %s, instance metadata at %.*s (IMDS%s)", role, (int)eplen, ep,
	                 token ? "v2" : "v1");
	rc = 1;
out:
	free_json(j);
	if (token) {
		OPENSSL_cleanse(token, strlen(token));
		free(token);
	}
	buf_cleanse(&hr.body);
	http_resp_release(&hr);
	http_free(h);
	free(url);
	return rc;
}

/* ---- SSO ----------------------------------------------------------------------------------------------------------------- */

static int sso_endpoint(struct ctx *ctx, const char *profile, const char *region, char **url, struct err *e)
{
	const char *ignore = getenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS");
	const char *v = NULL, *from = NULL;
	if (!truthy(ignore)) {
		if ((v = getenv("AWS_ENDPOINT_URL_SSO")) && *v) {
			from = "AWS_ENDPOINT_URL_SSO";
		} else if ((v = getenv("AWS_ENDPOINT_URL")) && *v) {
			from = "AWS_ENDPOINT_URL";
		} else {
			const char *services = config_get(ctx->config, profile, "services");
			v = services ? config_section_get(ctx->config, "services", services, "sso.endpoint_url") : NULL;
			from = "the [services] section of the config file";
		}
	}
	if (!v || !*v) {
		*url = xasprintf("https://portal.sso.%s.%s", region,
		                 !strncmp(region, "cn-", 3) ? "amazonaws.com.cn" : "amazonaws.com");
		return 0;
	}
	struct buf scheme = BUF_INIT;
	char host[256];
	if (http_url_parts(v, &scheme, NULL, NULL, e) < 0) {
		buf_release(&scheme);
		return err_prefix(e, "%s", from);
	}
	url_host(v, host, sizeof(host));
	int plain = !strcmp(buf_cstr(&scheme), "http");
	buf_release(&scheme);
	if (plain && !is_loopback(host))
		return err_set(e, ERR_CONFIG, "%s: refusing to send an SSO token over plain http:// to '%s'", from, host);
	size_t n = strlen(v);
	while (n && v[n - 1] == '/')
		n--;
	*url = xstrndup(v, n);
	return 0;
}

/* ~/.aws/sso/cache/<sha1 hex of the session name or start URL>.json, as `aws sso login` writes it. */
static char *sso_cache_path(const char *key)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	char hex[2 * EVP_MAX_MD_SIZE + 1];
	const char *home = getenv("HOME");
	if (EVP_Digest(key, strlen(key), md, &mdlen, EVP_sha1(), NULL) != 1)
		return NULL;
	for (unsigned int i = 0; i < mdlen; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
	hex[2 * mdlen] = '\0';
	return xasprintf("%s/.aws/sso/cache/%s.json", home && *home ? home : ".", hex);
}

int creds_sso(struct ctx *ctx, const char *profile, struct creds *out, struct err *e)
{
	const char *sess = config_get(ctx->config, profile, "sso_session");
	const char *start = config_get(ctx->config, profile, "sso_start_url");
	const char *region = config_get(ctx->config, profile, "sso_region");
	const char *acct = config_get(ctx->config, profile, "sso_account_id");
	const char *role = config_get(ctx->config, profile, "sso_role_name");
	char login[200], missing[160] = "";
	char *path = NULL, *token = NULL, *portal = NULL;
	struct http *h = NULL;
	struct http_resp hr;
	struct buf url = BUF_INIT;
	cJSON *cache = NULL, *j = NULL;
	int rc = -1;

	if (!sess && !start && !acct && !role)
		return 0;
	http_resp_init(&hr);
	if (sess) {
		const char *s_start = config_section_get(ctx->config, "sso-session", sess, "sso_start_url");
		const char *s_region = config_section_get(ctx->config, "sso-session", sess, "sso_region");
		if (!s_start && !s_region) {
			err_set(e, ERR_CONFIG, "profile %s: sso_session '%s' has no [sso-session %s] section in %s", profile,
			        sess, sess, ctx->config ? ctx->config->cfg.path : "~/.aws/config");
			goto out;
		}
		if ((start && s_start && strcmp(start, s_start)) || (region && s_region && strcmp(region, s_region))) {
			err_set(e, ERR_CONFIG, "profile %s: sso_start_url/sso_region differ from those of [sso-session %s]",
			        profile, sess);
			goto out;
		}
		start = s_start;
		region = s_region;
		snprintf(login, sizeof(login), "aws sso login --sso-session %s", sess);
	} else {
		snprintf(login, sizeof(login), "aws sso login --profile %s", profile);
	}
	const char *need[][2] = { { "sso_start_url", start }, { "sso_region", region }, { "sso_account_id", acct },
	                          { "sso_role_name", role } };
	for (size_t i = 0; i < sizeof(need) / sizeof(need[0]); i++)
		if (!need[i][1] || !*need[i][1]) {
			size_t l = strlen(missing);
			snprintf(missing + l, sizeof(missing) - l, "%s%s", l ? ", " : "", need[i][0]);
		}
	if (missing[0]) {
		err_set(e, ERR_CONFIG, "profile %s: SSO configuration without %s", profile, missing);
		goto out;
	}

	/* The cached token. */
	path = sso_cache_path(sess ? sess : start);
	if (!path) {
		err_set(e, ERR_INTERNAL, "sha1 unavailable");
		goto out;
	}
	struct err fe = ERR_INIT;
	char *text = creds_read_token_file(path, "SSO token cache", &fe);
	if (!text) {
		err_set(e, ERR_CONFIG, "profile %s: no SSO token (%s is missing): run '%s'", profile, path, login);
		goto out;
	}
	cache = cJSON_Parse(text);
	OPENSSL_cleanse(text, strlen(text));
	free(text);
	const cJSON *at = cJSON_GetObjectItemCaseSensitive(cache, "accessToken");
	const cJSON *exp = cJSON_GetObjectItemCaseSensitive(cache, "expiresAt");
	time_t expires = 0;
	if (!cJSON_IsString(at) || !*at->valuestring || !cJSON_IsString(exp) ||
	    creds_parse_time(exp->valuestring, &expires) < 0) {
		err_set(e, ERR_CONFIG, "profile %s: the SSO token cache %s is not usable: run '%s'", profile, path, login);
		goto out;
	}
	if (expires <= ctx->now()) {
		err_set(e, ERR_CONFIG, "profile %s: the SSO session expired at %s: run '%s'", profile, exp->valuestring,
		        login);
		goto out;
	}
	token = xstrdup(at->valuestring);

	/* GetRoleCredentials. */
	if (sso_endpoint(ctx, profile, region, &portal, e) < 0)
		goto out;
	buf_addf(&url, "%s/federation/credentials?role_name=", portal);
	sigv4_uri_encode(&url, role, strlen(role), 0);
	buf_adds(&url, "&account_id=");
	sigv4_uri_encode(&url, acct, strlen(acct), 0);
	if (!(h = creds_http(ctx, 5000, 30000))) {
		err_set(e, ERR_INTERNAL, "cannot initialise libcurl");
		goto out;
	}
	struct http_hdr hdrs[2] = { { "x-amz-sso_bearer_token", token }, { "Accept", "application/json" } };
	for (int attempt = 1;; attempt++) {
		err_clear(e);
		int sent = net_send(ctx, h, "GET", buf_cstr(&url), hdrs, 2, &hr, 0, e);
		if (sent == 0 && hr.status == 200)
			break;
		if (hr.fail == HTTP_ABORTED || hr.fail == HTTP_REFUSED)   /* refused: nothing was sent, retry would not help */
			goto out;
		if ((sent < 0 || hr.status >= 500 || hr.status == 429) && attempt < 3)
			continue;
		if (sent < 0) {
			err_prefix(e, "sso portal");
		} else {
			cJSON *ej = cJSON_ParseWithLength(buf_cstr(&hr.body), hr.body.len);
			const cJSON *m = cJSON_GetObjectItemCaseSensitive(ej, "message");
			if (hr.status == 401 || hr.status == 403)
				err_set(e, ERR_DENIED, "profile %s: the SSO portal refused the cached token (%s): run '%s'",
				        profile, cJSON_IsString(m) ? m->valuestring : "unauthorized", login);
			else
				err_set(e, hr.status >= 500 || hr.status == 429 ? ERR_TEMPFAIL : ERR_SERVICE,
				        "profile %s: sso portal GetRoleCredentials: HTTP %ld%s%s", profile, hr.status,
				        cJSON_IsString(m) ? ": " : "", cJSON_IsString(m) ? m->valuestring : "");
			e->http_status = (int)hr.status;
			cJSON_Delete(ej);
		}
		goto out;
	}
	j = creds_json_has_nul(buf_cstr(&hr.body), hr.body.len) ? NULL   /* never a truncated secret */
	                                                         : cJSON_ParseWithLength(buf_cstr(&hr.body), hr.body.len);
	if (creds_from_json(cJSON_GetObjectItemCaseSensitive(j, "roleCredentials"), "accessKeyId", "secretAccessKey",
	                    "sessionToken", "expiration", "sso portal GetRoleCredentials", out, e) < 0)
		goto out;
	snprintf(out->provider, sizeof(out->provider), "sso");
	snprintf(out->role, sizeof(out->role), "%s", role);
	if (sess)
		creds_set_detail(out, "sso role %s, account %s, profile %s, sso-session %s", role, acct, profile, sess);
	else
		creds_set_detail(out, "sso role %s, account %s, profile %s, start URL %s", role, acct, profile, start);
	rc = 1;
out:
	free_json(j);
	free_json(cache);
	if (token) {
		OPENSSL_cleanse(token, strlen(token));
		free(token);
	}
	buf_cleanse(&hr.body);
	http_resp_release(&hr);
	http_free(h);
	buf_release(&url);
	free(portal);
	free(path);
	return rc;
}
