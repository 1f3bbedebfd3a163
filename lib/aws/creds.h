/* creds.h — AWS credentials: the provider chain, in the AWS SDKs' order, and a cache refreshed before expiry.
 *
 * Chain (botocore's order):
 *   1. env                      AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN (skipped when
 *                               --profile is given explicitly, as the AWS CLI does)
 *   2. assume-role              profile role_arn + source_profile | credential_source (STS AssumeRole; external_id,
 *                               role_session_name, duration_seconds, mfa_serial with a prompt on a terminal)
 *   3. web-identity             AWS_WEB_IDENTITY_TOKEN_FILE + AWS_ROLE_ARN (not with an explicit --profile), or the
 *                               profile's web_identity_token_file + role_arn (STS AssumeRoleWithWebIdentity, unsigned)
 *   4. sso                      profile sso_session / sso_start_url + sso_account_id + sso_role_name: the token
 *                               cached by `aws sso login` in ~/.aws/sso/cache, the portal's GetRoleCredentials
 *   5. shared-credentials-file  static keys of [profile] in ~/.aws/credentials
 *   6. process                  profile credential_process (run without a shell; JSON on stdout; stopped after
 *                               CREDS_PROCESS_TIMEOUT seconds, or DDB_CREDENTIAL_PROCESS_TIMEOUT)
 *   7. config-file              static keys of [profile NAME] in ~/.aws/config
 *   8. container                AWS_CONTAINER_CREDENTIALS_RELATIVE_URI / _FULL_URI (+ AWS_CONTAINER_AUTHORIZATION_TOKEN
 *                               or _FILE)
 *   9. imds                     EC2 instance metadata, IMDSv2 token first (AWS_EC2_METADATA_SERVICE_ENDPOINT,
 *                               AWS_EC2_METADATA_DISABLED)
 * In local mode only 1, 5 and 7 are consulted (nothing runs, nothing goes on the network), and dummy credentials
 * are used when none are configured.
 * Secrets are cleansed on release and never printed: `provider` and `detail` are safe to show.
 */
#ifndef DDB_CREDS_H
#define DDB_CREDS_H

#include <pthread.h>
#include <time.h>
#include "base/err.h"

struct ctx;
struct http;
struct cJSON;

struct creds {
	char *access_key_id, *secret_access_key, *session_token;  /* owned; token NULL when not temporary */
	time_t expiration;          /* 0: does not expire */
	char provider[40];          /* "env", "shared-credentials-file", "config-file", "process", "assume-role",
	                               "web-identity", "container", "imds", "sso", "local-dummy" */
	char detail[300];           /* profile, role ARN, file: where they came from (no secrets) */
	char role[256];             /* the role: its ARN (assume-role, web-identity, container), its name (sso, imds) */
};

struct creds_cache {
	pthread_mutex_t mu;
	struct creds c;
	int valid;
	int resolutions;            /* how many times the chain was walked (whoami, tests) */
	/* What the cached credentials were resolved for: a REPL line may name another --profile, or --prod/--local. */
	char *profile;              /* owned */
	int prod, explicit_profile;
};

void creds_release(struct creds *c);      /* cleanses and frees the strings */
void creds_copy(struct creds *dst, const struct creds *src);

/* Credentials for the next request: from the cache while valid for at least `CREDS_REFRESH_MARGIN` seconds more and
 * resolved for the same profile and mode (prod/local), else resolved again through the chain.  Thread-safe.  *out is
 * a copy the caller releases. */
#define CREDS_REFRESH_MARGIN 300
/* How long a credential_process may run before it is stopped (DDB_CREDENTIAL_PROCESS_TIMEOUT overrides). */
#define CREDS_PROCESS_TIMEOUT 60
int creds_get(struct ctx *ctx, struct creds *out, struct err *e);
void creds_cache_free(struct creds_cache *cc);
/* Forget cached credentials (after ExpiredToken), so the next creds_get resolves again. */
void creds_invalidate(struct ctx *ctx);

/* One provider: 1 = found (out filled), 0 = not configured here (try the next), -1 = configured but failed. */
typedef int (*creds_provider_fn)(struct ctx *ctx, const char *profile, struct creds *out, struct err *e);
struct creds_provider { const char *name; creds_provider_fn fn; int network; /* prod only */ };
/* Resolve through the chain without the cache (whoami, tests). */
int creds_resolve(struct ctx *ctx, struct creds *out, struct err *e);
/* Static keys of a profile (credentials file, then config file), shared with source_profile resolution. */
int creds_from_profile_keys(struct ctx *ctx, const char *profile, struct creds *out, struct err *e);

/* ---- the providers (creds.c, creds_sts.c, creds_net.c), each a creds_provider_fn ---------------------------- */
int creds_env(struct ctx *ctx, const char *profile, struct creds *out, struct err *e);
int creds_env_vars(struct creds *out, struct err *e);   /* the same, even with --profile (credential_source) */
int creds_shared_file(struct ctx *ctx, const char *profile, struct creds *out, struct err *e);
int creds_config_file(struct ctx *ctx, const char *profile, struct creds *out, struct err *e);
int creds_process(struct ctx *ctx, const char *profile, struct creds *out, struct err *e);
int creds_assume_role(struct ctx *ctx, const char *profile, struct creds *out, struct err *e);
int creds_web_identity(struct ctx *ctx, const char *profile, struct creds *out, struct err *e);
int creds_sso(struct ctx *ctx, const char *profile, struct creds *out, struct err *e);
int creds_container(struct ctx *ctx, const char *profile, struct creds *out, struct err *e);
int creds_imds(struct ctx *ctx, const char *profile, struct creds *out, struct err *e);

/* ---- helpers shared by the providers ---------------------------------------------------------------------- */
/* ISO-8601 / RFC 3339 UTC time ("2024-05-01T12:00:00Z", fractions, "+02:00" offsets, "UTC" suffix): 0/-1. */
int creds_parse_time(const char *s, time_t *out);
/* Fill keys from a JSON object with the given member names (tok_key/exp_key may be NULL).  Numeric expirations
 * are epoch milliseconds (SSO).  `what` names the source in messages.  0, or -1 with ERR_DATA. */
int creds_from_json(const struct cJSON *j, const char *ak_key, const char *sk_key, const char *tok_key,
                    const char *exp_key, const char *what, struct creds *out, struct err *e);
/* 1 when JSON text holds a NUL byte or a \u0000 escape (cJSON would silently truncate the string there). */
int creds_json_has_nul(const char *text, size_t len);
/* Split a command line into argv like a POSIX shell would split words (quotes and backslashes; no expansion,
 * no operators).  *argv is NULL-terminated; free with creds_argv_free.  0, or -1 (unbalanced quote). */
int creds_split_command(const char *cmd, char ***argv, int *argc, struct err *e);
void creds_argv_free(char **argv);
/* Set c->detail (truncated with "..." when too long). */
void creds_set_detail(struct creds *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A short-lived transport for credential endpoints (caller http_free). */
struct http *creds_http(struct ctx *ctx, long connect_ms, long timeout_ms);
/* Read a small token file (trailing whitespace trimmed); caller cleanses and frees.  NULL with e on failure. */
char *creds_read_token_file(const char *path, const char *what, struct err *e);

#endif
