/* endpoint.c — the services as data, the endpoint policy, and each command's resolved endpoints. */
#include "aws/endpoint.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include "base/buf.h"
#include "aws/config.h"
#include "aws/ctx.h"
#include "aws/http.h"

const struct aws_service aws_dynamodb = {
	"dynamodb", "dynamodb", "dynamodb", "DYNAMODB", "dynamodb", AWS_JSON10, "DynamoDB_20120810", NULL, 1, 1,
};
const struct aws_service aws_streams = {
	"streams", "dynamodb", "streams.dynamodb", "DYNAMODB_STREAMS", "dynamodb_streams", AWS_JSON10,
	"DynamoDBStreams_20120810", NULL, 1, 0,
};
const struct aws_service aws_ec2 = {
	"ec2", "ec2", "ec2", "EC2", "ec2", AWS_QUERY, NULL, "2016-11-15", 0, 0,
};
const struct aws_service aws_cognito = {
	"cognito-idp", "cognito-idp", "cognito-idp", "COGNITO_IDENTITY_PROVIDER", "cognito_identity_provider",
	AWS_JSON11, "AWSCognitoIdentityProviderService", NULL, 0, 0,
};
const struct aws_service aws_sts = {
	"sts", "sts", "sts", "STS", "sts", AWS_QUERY, NULL, "2011-06-15", 0, 0,
};
const struct aws_service aws_lambda = {
	"lambda", "lambda", "lambda", "LAMBDA", "lambda", AWS_REST_JSON, NULL, "2015-03-31", 0, 0,
};
/* S3 (s3.c): its own REST-XML calls; only the endpoint resolution and the error classification come from here */
const struct aws_service aws_s3 = {
	"s3", "s3", "s3", "S3", "s3", AWS_REST_JSON, NULL, NULL, 0, 0, 1,
};

/* Regions that had the global endpoint before regional STS endpoints (botocore's list). */
static const char *const legacy_regions[] = {
	"ap-northeast-1", "ap-south-1", "ap-southeast-1", "ap-southeast-2", "aws-global", "ca-central-1",
	"eu-central-1", "eu-north-1", "eu-west-1", "eu-west-2", "eu-west-3", "sa-east-1", "us-east-1", "us-east-2",
	"us-west-1", "us-west-2", NULL,
};

int aws_sts_legacy_global(struct ctx *ctx)
{
	const char *v = getenv("AWS_STS_REGIONAL_ENDPOINTS");
	if (!v || !*v)
		v = config_get(ctx->config, ctx->profile, "sts_regional_endpoints");
	if (!v || strcasecmp(v, "legacy") || !ctx->region)
		return 0;
	for (int i = 0; legacy_regions[i]; i++)
		if (!strcmp(ctx->region, legacy_regions[i]))
			return 1;
	return 0;
}

static int is_loopback_host(const char *hostport)
{
	char host[256];
	size_t n;
	if (hostport[0] == '[') {
		n = strcspn(hostport + 1, "]");
		snprintf(host, sizeof(host), "%.*s", (int)n, hostport + 1);
	} else {
		n = strcspn(hostport, ":");
		snprintf(host, sizeof(host), "%.*s", (int)n, hostport);
	}
	/* literal addresses only: "127.0.0.1.example.com" is a name that can resolve anywhere */
	struct in_addr a4;
	struct in6_addr a6;
	if (inet_pton(AF_INET, host, &a4) == 1)
		return (ntohl(a4.s_addr) >> 24) == 127;
	if (inet_pton(AF_INET6, host, &a6) == 1)
		return IN6_IS_ADDR_LOOPBACK(&a6);
	return !strcasecmp(host, "localhost");
}

static int check_url(struct ctx *ctx, const char *url, const char *from, struct err *e)
{
	struct buf scheme = BUF_INIT, host = BUF_INIT;
	int rc = http_url_parts(url, &scheme, &host, NULL, e);
	if (rc < 0)
		err_prefix(e, "%s", from);
	else if (ctx->prod && !strcmp(buf_cstr(&scheme), "http") && !is_loopback_host(buf_cstr(&host)))
		rc = err_set(e, ERR_CONFIG, "%s: refusing to send production requests over plain http:// to '%s' "
		             "(use https://, or a loopback host)", from, buf_cstr(&host));
	buf_release(&scheme);
	buf_release(&host);
	return rc;
}

int aws_endpoint(struct ctx *ctx, const struct aws_service *svc, char **url, struct err *e)
{
	const char *v, *from = NULL;
	char envname[96], key[96];
	*url = NULL;
	const char *ignore = getenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS");
	int use_configured = !(ignore && !strcasecmp(ignore, "true"));

	/* --endpoint-url names the command's service's endpoint: STS for whoami's own call, every other service
	 * otherwise (credential providers' STS calls keep STS's endpoint). */
	if (ctx->endpoint_url && *ctx->endpoint_url && !svc->no_cli_endpoint &&
	    (svc == &aws_sts) == (ctx->endpoint_url_is_sts != 0)) {
		v = ctx->endpoint_url;
		from = "--endpoint-url";
		goto found;
	}
	/* Local mode: Streams is served by the DynamoDB engine, so it follows DynamoDB's endpoint (wherever that came
	 * from) unless an endpoint is configured for Streams itself. */
	if (!ctx->prod && svc == &aws_streams) {
		if (use_configured) {
			snprintf(envname, sizeof(envname), "AWS_ENDPOINT_URL_%s", svc->env_id);
			if ((v = getenv(envname)) && *v) {
				from = envname;
				goto found;
			}
			const char *services = config_get(ctx->config, ctx->profile, "services");
			snprintf(key, sizeof(key), "%s.endpoint_url", svc->config_id);
			if (services && (v = config_section_get(ctx->config, "services", services, key)) && *v) {
				from = "the [services] section of the config file";
				goto found;
			}
		}
		return aws_endpoint(ctx, &aws_dynamodb, url, e);
	}
	if (use_configured) {
		snprintf(envname, sizeof(envname), "AWS_ENDPOINT_URL_%s", svc->env_id);
		if ((v = getenv(envname)) && *v) {
			from = envname;
			goto found;
		}
		if ((v = getenv("AWS_ENDPOINT_URL")) && *v) {
			from = "AWS_ENDPOINT_URL";
			goto found;
		}
		const char *services = config_get(ctx->config, ctx->profile, "services");
		if (services) {
			snprintf(key, sizeof(key), "%s.endpoint_url", svc->config_id);
			if ((v = config_section_get(ctx->config, "services", services, key)) && *v) {
				from = "the [services] section of the config file";
				goto found;
			}
		}
		if ((v = config_get(ctx->config, ctx->profile, "endpoint_url")) && *v) {
			from = "the profile's endpoint_url";
			goto found;
		}
	}
	if (!ctx->prod) {
		if (!svc->has_local && svc->no_cli_endpoint)
			return err_set(e, ERR_CONFIG, "%s has no local engine: use --prod, or point AWS_ENDPOINT_URL_%s "
			               "(or the profile's [services] %s endpoint_url) at one", svc->name, svc->env_id,
			               svc->config_id);
		if (!svc->has_local)
			return err_set(e, ERR_CONFIG, "%s has no local engine: use --prod, or point --endpoint-url (or "
			               "AWS_ENDPOINT_URL_%s) at one", svc->name, svc->env_id);
		v = getenv("DDB_LOCAL_ENDPOINT");
		from = "DDB_LOCAL_ENDPOINT";
		if (!v || !*v)
			v = "http://localhost:8000";
		goto found;
	}
	if (!ctx->region || !*ctx->region)
		return err_set(e, ERR_CONFIG, "no region: use --region, set AWS_REGION, or set region in the profile");
	if (svc == &aws_sts && aws_sts_legacy_global(ctx)) {
		*url = xstrdup(AWS_STS_GLOBAL_ENDPOINT);
		return 0;
	}
	*url = xasprintf("https://%s.%s.%s", svc->host_prefix, ctx->region,
	                 !strncmp(ctx->region, "cn-", 3) ? "amazonaws.com.cn" : "amazonaws.com");
	return 0;
found:
	if (check_url(ctx, v, from, e) < 0)
		return -1;
	*url = xstrdup(v);
	return 0;
}


int endpoint_parse(struct ctx *ctx, const struct aws_service *svc, const char *url, struct endpoint *out,
                   struct err *e)
{
	struct buf scheme = BUF_INIT, host = BUF_INIT, path = BUF_INIT;
	memset(out, 0, sizeof(*out));
	if (http_url_parts(url, &scheme, &host, &path, e) < 0) {
		buf_release(&scheme);
		buf_release(&host);
		buf_release(&path);
		return -1;
	}
	out->svc = svc;
	out->url = xstrdup(url);
	out->scheme = buf_detach(&scheme, NULL);
	out->host = buf_detach(&host, NULL);
	out->path = buf_detach(&path, NULL);
	/* the global STS endpoint signs for us-east-1 */
	int global = svc == &aws_sts && !strcmp(url, AWS_STS_GLOBAL_ENDPOINT);
	out->sign_region = xstrdup(ctx->region && !global ? ctx->region : "us-east-1");
	return 0;
}

void endpoint_release(struct endpoint *ep)
{
	free(ep->url);
	free(ep->scheme);
	free(ep->host);
	free(ep->path);
	free(ep->sign_region);
	memset(ep, 0, sizeof(*ep));
}

/* What a resolution depends on besides the environment (which a process does not change): when one of these differs
 * from the entry's, the entry is resolved again. */
struct endpoint_key {
	int prod, is_sts;
	char *endpoint_url, *region, *profile;
	const void *config;
};

#define ENDPOINTS_MAX 8
struct endpoint_cache {
	struct entry {
		struct endpoint ep;
		struct endpoint_key key;
		int used;
	} v[ENDPOINTS_MAX];
};

/* One lock for every ctx's cache: resolutions are rare (once per service per command), lookups short. */
static pthread_mutex_t endpoints_mu = PTHREAD_MUTEX_INITIALIZER;

static int str_same(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

static int key_matches(const struct endpoint_key *k, const struct ctx *ctx)
{
	return k->prod == ctx->prod && k->is_sts == (ctx->endpoint_url_is_sts != 0) && k->config == ctx->config &&
	       str_same(k->endpoint_url, ctx->endpoint_url) && str_same(k->region, ctx->region) &&
	       str_same(k->profile, ctx->profile);
}

static void entry_release(struct entry *en)
{
	endpoint_release(&en->ep);
	free(en->key.endpoint_url);
	free(en->key.region);
	free(en->key.profile);
	memset(en, 0, sizeof(*en));
}

static void release_endpoints(struct ctx *ctx)
{
	if (!ctx->endpoints)
		return;
	for (int i = 0; i < ENDPOINTS_MAX; i++)
		entry_release(&ctx->endpoints->v[i]);
	free(ctx->endpoints);
	ctx->endpoints = NULL;
}

int endpoint_get(struct ctx *ctx, const struct aws_service *svc, const struct endpoint **out, struct err *e)
{
	int rc = 0;
	*out = NULL;
	pthread_mutex_lock(&endpoints_mu);
	if (!ctx->endpoints) {
		ctx->endpoints = xcalloc(1, sizeof(*ctx->endpoints));
		ctx_on_release(ctx, release_endpoints);
	}
	struct entry *en = NULL, *free_slot = NULL;
	for (int i = 0; i < ENDPOINTS_MAX && !en; i++) {
		struct entry *c = &ctx->endpoints->v[i];
		if (c->used && c->ep.svc == svc)
			en = c;
		else if (!c->used && !free_slot)
			free_slot = c;
	}
	if (en && !key_matches(&en->key, ctx))
		entry_release(en);   /* resolved for another command line: resolve again */
	else if (en)
		goto out;
	if (!en)
		en = free_slot;
	if (!en) {
		rc = err_set(e, ERR_INTERNAL, "more services than endpoint slots (%d)", ENDPOINTS_MAX);
		goto out;
	}
	char *url = NULL;
	if (aws_endpoint(ctx, svc, &url, e) < 0 || endpoint_parse(ctx, svc, url, &en->ep, e) < 0) {
		free(url);
		rc = -1;
		en = NULL;
		goto out;
	}
	free(url);
	en->key.prod = ctx->prod;
	en->key.is_sts = ctx->endpoint_url_is_sts != 0;
	en->key.config = ctx->config;
	en->key.endpoint_url = ctx->endpoint_url ? xstrdup(ctx->endpoint_url) : NULL;
	en->key.region = ctx->region ? xstrdup(ctx->region) : NULL;
	en->key.profile = ctx->profile ? xstrdup(ctx->profile) : NULL;
	en->used = 1;
out:
	if (en && rc == 0)
		*out = &en->ep;
	pthread_mutex_unlock(&endpoints_mu);
	return rc;
}
