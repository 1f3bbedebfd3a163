/* endpoint.h — the AWS services as data, and where each one's requests go (the endpoint policy).
 *
 * aws_endpoint reads the policy (options, environment, config files) each time it is called: for the callers that
 * name an endpoint (completion, seed's checkpoint, drop's messages) and the tests.  The call path uses endpoint_get,
 * which resolves a service's endpoint once per command (the URL parsed once, the signing region decided once) and
 * hands out the same answer until the inputs change (a REPL line with another --region, --profile, --prod, ...).
 */
#ifndef DDB_ENDPOINT_H
#define DDB_ENDPOINT_H

#include "base/err.h"

struct ctx;

enum aws_protocol { AWS_JSON10, AWS_JSON11, AWS_QUERY, AWS_REST_JSON };

struct aws_service {
	const char *name;            /* our name: "dynamodb", "streams", "ec2", "cognito-idp", "sts", "lambda" */
	const char *signing_name;    /* SigV4 service: "dynamodb" (Streams too), "ec2", "cognito-idp", "sts" */
	const char *host_prefix;     /* endpoint prefix: "dynamodb", "streams.dynamodb", "ec2", "cognito-idp", "sts" */
	const char *env_id;          /* AWS_ENDPOINT_URL_<env_id>: DYNAMODB, DYNAMODB_STREAMS, EC2, ... */
	const char *config_id;       /* the [services] section key: dynamodb, dynamodb_streams, ec2, ... */
	enum aws_protocol protocol;
	const char *target_prefix;   /* JSON: "DynamoDB_20120810" */
	const char *api_version;     /* Query: "2016-11-15"; REST-JSON: the version in its paths ("2015-03-31") */
	int has_local;               /* served by the local engine in local mode (DynamoDB, Streams) */
	int crc32;                   /* responses carry x-amz-crc32 */
	int no_cli_endpoint;         /* --endpoint-url (the command's DynamoDB endpoint) never applies (S3) */
};

extern const struct aws_service aws_dynamodb, aws_streams, aws_ec2, aws_cognito, aws_sts, aws_lambda, aws_s3;

/* The endpoint for a service: --endpoint-url > AWS_ENDPOINT_URL_<SVC> > AWS_ENDPOINT_URL > profile/services
 * endpoint_url > (local: DDB_LOCAL_ENDPOINT or http://localhost:8000 for DynamoDB and Streams) > the regional AWS
 * endpoint.  Prod over plain http:// is refused unless the host is loopback.  Caller frees *url. */
int aws_endpoint(struct ctx *ctx, const struct aws_service *svc, char **url, struct err *e);
/* STS ignores --endpoint-url (that names the main service) except while ctx->endpoint_url_is_sts (whoami, whose
 * service is STS), and uses the regional endpoint unless
 * AWS_STS_REGIONAL_ENDPOINTS (or the profile's sts_regional_endpoints) is "legacy" and the region is one that had
 * the global endpoint; requests to the global endpoint are signed for us-east-1. */
#define AWS_STS_GLOBAL_ENDPOINT "https://sts.amazonaws.com"
int aws_sts_legacy_global(struct ctx *ctx);

/* A resolved endpoint: the URL and its parts, parsed once. */
struct endpoint {
	const struct aws_service *svc;
	char *url;                   /* as configured (or the regional one) */
	char *scheme, *host, *path;  /* http_url_parts of url */
	char *sign_region;           /* the region requests are signed for (us-east-1 for STS's global endpoint) */
};
/* Parse url into a caller-owned endpoint (an endpoint a caller names itself); endpoint_release frees it. */
int endpoint_parse(struct ctx *ctx, const struct aws_service *svc, const char *url, struct endpoint *out,
                   struct err *e);
void endpoint_release(struct endpoint *ep);
/* The endpoint of svc for this command, resolved on first use and kept on ctx (thread-safe; ctx_release frees it).
 * *out stays valid until the command's options change (the next REPL line): worker threads of one command share
 * it.  0, or -1 with e (aws_endpoint's errors). */
int endpoint_get(struct ctx *ctx, const struct aws_service *svc, const struct endpoint **out, struct err *e);

#endif
