/* creds.h — AWS credentials: the provider chain, in the AWS SDKs' order, and a cache refreshed before expiry.
 *
 * Chain (botocore's order): environment (skipped when --profile is given explicitly, as the AWS CLI does) ->
 * profile providers -> container -> instance metadata.  In local mode only the environment and the static keys of
 * the shared files are consulted, and dummy credentials are used when none are configured.
 * Secrets are cleansed on release and never printed: `provider` and `detail` are safe to show.
 */
#ifndef DDB_CREDS_H
#define DDB_CREDS_H

#include <pthread.h>
#include <time.h>
#include "err.h"

struct ctx;

struct creds {
	char *access_key_id, *secret_access_key, *session_token;  /* owned; token NULL when not temporary */
	time_t expiration;          /* 0: does not expire */
	char provider[40];          /* "env", "shared-credentials-file", "config-file", "process", "assume-role",
	                               "web-identity", "container", "imds", "sso", "local-dummy" */
	char detail[300];           /* profile, role ARN, file: where they came from (no secrets) */
};

struct creds_cache {
	pthread_mutex_t mu;
	struct creds c;
	int valid;
};

void creds_release(struct creds *c);      /* cleanses and frees the strings */
void creds_copy(struct creds *dst, const struct creds *src);

/* Credentials for the next request: from the cache while valid for at least `CREDS_REFRESH_MARGIN` seconds more,
 * else resolved again through the chain.  Thread-safe.  *out is a copy the caller releases. */
#define CREDS_REFRESH_MARGIN 300
int creds_get(struct ctx *ctx, struct creds *out, struct err *e);
void creds_cache_free(struct creds_cache *cc);
/* Forget cached credentials (after ExpiredToken), so the next creds_get resolves again. */
void creds_invalidate(struct ctx *ctx);

/* One provider: 1 = found (out filled), 0 = not configured here (try the next), -1 = configured but failed. */
typedef int (*creds_provider_fn)(struct ctx *ctx, const char *profile, struct creds *out, struct err *e);
struct creds_provider { const char *name; creds_provider_fn fn; int network; };
/* Resolve through the chain without the cache (whoami, tests). */
int creds_resolve(struct ctx *ctx, struct creds *out, struct err *e);
/* Static keys of a profile (credentials file, then config file), shared with source_profile resolution. */
int creds_from_profile_keys(struct ctx *ctx, const char *profile, struct creds *out, struct err *e);

#endif
