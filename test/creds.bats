#!/usr/bin/env bats
# creds.bats — the credential chain against loopback stand-ins (test/standins/aws_standins.py): STS, the container
# endpoint, IMDS, the SSO portal, and a DynamoDB that verifies every signature (botocore's signer) and refuses
# temporary keys with the wrong session token or past their expiry.  `ddb list-tables --prod` succeeding means it
# signed with the right temporary credentials; the stand-in's log says which ones.

load test_helper
source "$BATS_TEST_DIRNAME/standins/aws_standins.bash"

setup_file() { standins_start; }
teardown_file() { standins_stop; }
setup() { standins_env; }

config() { cat >"$HOME/.aws/config"; }
credentials() { cat >"$HOME/.aws/credentials"; chmod 600 "$HOME/.aws/credentials"; }

# The access key ids DynamoDB saw, one per line.
dynamo_keys() { standins_log '.[] | select(.kind == "dynamodb") | .akid' | tr -d '"'; }

# list-tables in prod must list the stand-in's 7 tables.
assert_lists_tables() {
	run -0 "$DDB" list-tables --prod "$@"
	assert_equal "${#lines[@]}" 7
	assert_line --index 0 table00
}

# ---- environment and shared files --------------------------------------------------------------------------------

@test "creds: environment keys (with a session token) sign the request" {
	export AWS_ACCESS_KEY_ID=AKIAENV AWS_SECRET_ACCESS_KEY=secret-for-AKIAENV AWS_SESSION_TOKEN=env-token
	assert_lists_tables
	run -0 standins_log '[.[] | select(.kind == "dynamodb") | [.akid, .token]] | unique'
	json_eq "$output" '[["AKIAENV","env-token"]]'
}

@test "creds: a wrong secret is refused by the signature-checking stand-in (exit 77)" {
	export AWS_ACCESS_KEY_ID=AKIAENV AWS_SECRET_ACCESS_KEY=wrong
	run -77 "$DDB" list-tables --prod
	assert_output --partial SignatureDoesNotMatch
}

@test "creds: an explicit --profile skips environment keys; AWS_PROFILE does not" {
	export AWS_ACCESS_KEY_ID=AKIAENV AWS_SECRET_ACCESS_KEY=secret-for-AKIAENV
	credentials <<-'EOF'
	[dev]
	aws_access_key_id = AKIADEV
	aws_secret_access_key = secret-for-AKIADEV
	EOF
	assert_lists_tables --profile dev
	AWS_PROFILE=dev assert_lists_tables
	run -0 dynamo_keys
	assert_equal "$(sort -u <<<"$output" | tr '\n' ' ')" "AKIADEV AKIAENV "
	[[ ${lines[0]} == AKIADEV && ${lines[-1]} == AKIAENV ]]
}

@test "creds: credentials file > credential_process > config file keys (botocore's order)" {
	cat >"$BATS_TEST_TMPDIR/proc" <<-'EOF'
	#!/bin/sh
	echo '{"Version": 1, "AccessKeyId": "AKIAPROC", "SecretAccessKey": "secret-for-AKIAPROC"}'
	EOF
	chmod +x "$BATS_TEST_TMPDIR/proc"
	config <<-EOF
	[profile p]
	aws_access_key_id = AKIACFG
	aws_secret_access_key = secret-for-AKIACFG
	credential_process = $BATS_TEST_TMPDIR/proc
	EOF
	credentials <<-'EOF'
	[p]
	aws_access_key_id = AKIACRED
	aws_secret_access_key = secret-for-AKIACRED
	EOF
	assert_lists_tables --profile p
	: >"$HOME/.aws/credentials"
	assert_lists_tables --profile p
	sed -i '/credential_process/d' "$HOME/.aws/config"
	assert_lists_tables --profile p
	run -0 dynamo_keys
	assert_equal "$(uniq <<<"$output" | tr '\n' ' ')" "AKIACRED AKIAPROC AKIACFG "
}

# ---- credential_process --------------------------------------------------------------------------------------------

@test "creds: credential_process runs without a shell, quote-aware, and its temporary keys sign" {
	cat >"$BATS_TEST_TMPDIR/proc.py" <<-'EOF'
	import json, sys
	json.dump(sys.argv[1:], open(sys.argv[0] + ".args", "w"))
	print(json.dumps({"Version": 1, "AccessKeyId": "ASIAPROC", "SecretAccessKey": "secret-for-ASIAPROC",
	                  "SessionToken": "proc-token", "Expiration": "2023-11-14T23:00:00Z"}))
	EOF
	config <<-EOF
	[default]
	credential_process = python3 $BATS_TEST_TMPDIR/proc.py "two words" 'single \$HOME' a\\ b ; echo \`id\` "esc\\"aped"
	EOF
	assert_lists_tables
	run -0 jq -c . "$BATS_TEST_TMPDIR/proc.py.args"
	json_eq "$output" '["two words","single $HOME","a b",";","echo","`id`","esc\"aped"]'
	run -0 standins_log '[.[] | select(.kind == "dynamodb") | [.akid, .token]] | unique'
	json_eq "$output" '[["ASIAPROC","proc-token"]]'
	run -0 "$DDB" whoami --prod --no-sts
	run -0 jq -c '[.provider, .expires, .temporary]' <<<"$output"
	json_eq "$output" '["process","2023-11-14T23:00:00Z",true]'
}

@test "creds: credential_process failures: exit status, expired keys, bad JSON, wrong Version, missing program" {
	local p=$BATS_TEST_TMPDIR/proc
	printf '#!/bin/sh\necho "helper says no" >&2\nexit 3\n' >"$p"
	chmod +x "$p"
	printf '[default]\ncredential_process = %s\n' "$p" | config
	run -78 "$DDB" list-tables --prod
	assert_output --partial "credential_process '$p' exited with status 3"
	assert_output --partial "helper says no"

	printf '#!/bin/sh\necho %s\n' "'{\"Version\":1,\"AccessKeyId\":\"A\",\"SecretAccessKey\":\"s\",\"Expiration\":\"2023-11-14T22:13:19Z\"}'" >"$p"
	run -78 "$DDB" list-tables --prod
	assert_output --partial "already expired"

	printf '#!/bin/sh\necho not json\n' >"$p"
	run -65 "$DDB" list-tables --prod
	assert_output --partial "not JSON"

	printf '#!/bin/sh\necho %s\n' "'{\"Version\":2,\"AccessKeyId\":\"A\",\"SecretAccessKey\":\"s\"}'" >"$p"
	run -65 "$DDB" list-tables --prod
	assert_output --partial '"Version": 1'

	printf '[default]\ncredential_process = %s/no-such-helper "unbalanced\n' "$BATS_TEST_TMPDIR" | config
	run -78 "$DDB" list-tables --prod
	assert_output --partial "unbalanced double quote"
	printf '[default]\ncredential_process = %s/no-such-helper\n' "$BATS_TEST_TMPDIR" | config
	run -78 "$DDB" list-tables --prod
	assert_output --partial "cannot run"
	run -0 standins_log 'length'
	assert_output 0
}

@test "creds: credential_process is stopped after DDB_CREDENTIAL_PROCESS_TIMEOUT seconds (default 60)" {
	local p=$BATS_TEST_TMPDIR/proc
	printf '#!/bin/sh\necho $$ >"%s.pid"\nexec sleep 30\n' "$p" >"$p"
	chmod +x "$p"
	printf '[default]\ncredential_process = %s\n' "$p" | config
	SECONDS=0
	DDB_CREDENTIAL_PROCESS_TIMEOUT=1 run -78 "$DDB" list-tables --prod
	((SECONDS < 10))
	assert_output "ddb: list-tables: profile default: credential_process '$p': did not finish within 1 s (DDB_CREDENTIAL_PROCESS_TIMEOUT)"
	# the helper was stopped (and reaped), not left running
	run ! kill -0 "$(<"$p.pid")"
	DDB_CREDENTIAL_PROCESS_TIMEOUT=0 run -78 "$DDB" list-tables --prod
	assert_output --partial "DDB_CREDENTIAL_PROCESS_TIMEOUT='0': expected seconds from 1 to 3600"
	run -0 standins_log 'length'
	assert_output 0
}

@test "creds: a credential_process timeout stops its whole process group (no grandchild survives)" {
	local p=$BATS_TEST_TMPDIR/proc
	cat >"$p" <<-EOF
	#!/bin/sh
	sleep 1000 2>/dev/null &
	echo \$! >"$p.pid"
	wait
	EOF
	chmod +x "$p"
	printf '[default]\ncredential_process = %s\n' "$p" | config
	SECONDS=0
	DDB_CREDENTIAL_PROCESS_TIMEOUT=1 run -78 "$DDB" list-tables --prod
	((SECONDS < 10))
	assert_output --partial "did not finish within 1 s"
	local gc
	gc=$(<"$p.pid")
	sleep 0.2
	# gone, or a zombie waiting for an init that does not reap (dead either way): never still sleeping
	if state=$(ps -o stat= -p "$gc"); then
		kill "$gc" 2>/dev/null || true
		[[ $state == Z* ]]
	fi
}

@test "creds: a NUL in credential_process JSON (\\u0000 or a NUL byte) is refused, never a truncated value" {
	local p=$BATS_TEST_TMPDIR/proc
	printf '[default]\ncredential_process = %s\n' "$p" | config
	# the value up to the NUL is the right secret: truncating it would sign, and succeed
	cat >"$p" <<-'EOF'
	#!/bin/sh
	printf '%s\n' '{"Version":1,"AccessKeyId":"AKIAPROC","SecretAccessKey":"secret-for-AKIAPROC\u0000tail"}'
	EOF
	chmod +x "$p"
	run -65 "$DDB" list-tables --prod
	assert_output --partial "its output holds a NUL character"
	cat >"$p" <<-'EOF'
	#!/bin/sh
	printf '{"Version":1,"AccessKeyId":"AKIAPROC","SecretAccessKey":"secret-for-AKIAPROC\000tail"}\n'
	EOF
	run -65 "$DDB" list-tables --prod
	assert_output --partial "its output holds a NUL character"
	# an escaped backslash before u0000 is text, not a NUL (the stand-in refuses the secret: it got this far)
	cat >"$p" <<-'EOF'
	#!/bin/sh
	printf '%s\n' '{"Version":1,"AccessKeyId":"AKIAPROC","SecretAccessKey":"x\\u0000"}'
	EOF
	run -77 "$DDB" list-tables --prod
	refute_output --partial "NUL"
	run -0 standins_log '[.[] | select(.kind == "dynamodb")] | length'
	assert_output 1
}

@test "creds: a control character in any credential or header value is refused (78, naming the source), nothing sent" {
	local inj=$'tok\r\nX-Injected: yes'
	AWS_ACCESS_KEY_ID=AKIAENV AWS_SECRET_ACCESS_KEY=secret-for-AKIAENV AWS_SESSION_TOKEN=$inj \
		run -78 "$DDB" list-tables --prod
	assert_output "ddb: list-tables: credentials from environment variables AWS_ACCESS_KEY_ID, AWS_SESSION_TOKEN: the session token holds a control character (refused)"
	AWS_ACCESS_KEY_ID=$'AKIA\tENV' AWS_SECRET_ACCESS_KEY=secret-for-AKIAENV run -78 "$DDB" list-tables
	assert_output --partial "the access key id holds a control character"
	# credential_process JSON
	local p=$BATS_TEST_TMPDIR/proc
	printf '#!/bin/sh\necho %s\n' "'{\"Version\":1,\"AccessKeyId\":\"AKIAPROC\",\"SecretAccessKey\":\"secret-for-AKIAPROC\",\"SessionToken\":\"tok\\r\\nX-Injected: yes\"}'" >"$p"
	chmod +x "$p"
	printf '[default]\ncredential_process = %s\n' "$p" | config
	run -78 "$DDB" list-tables --prod
	assert_output --partial "credentials from credential_process '$p' of profile default: the session token holds a control character"
	# the credentials file (a CR inside a value is data there)
	rm "$HOME/.aws/config"
	printf '[default]\naws_access_key_id = AKIAFILE\naws_secret_access_key = secret-for-AKIAFILE\naws_session_token = tok\rX-Injected: yes\n' | credentials
	run -78 "$DDB" list-tables --prod
	assert_output --partial "the session token holds a control character"
	# a source profile's keys sign the STS request: the header guard refuses the Authorization header
	printf '[default]\naws_access_key_id = AKIA\rX-Injected: yes\naws_secret_access_key = s\n' | credentials
	printf '[profile r]\nrole_arn = arn:aws:iam::123456789012:role/r\nsource_profile = default\n' | config
	run -78 "$DDB" list-tables --prod --profile r
	assert_output --partial "refusing to send header 'Authorization': its value holds a control character"
	refute_output --partial "X-Injected"
	refute_output --partial "secret-for"
	# a header that is not a credential: the container authorization token
	rm "$HOME/.aws/config" "$HOME/.aws/credentials"
	AWS_CONTAINER_CREDENTIALS_FULL_URI=$DDB_TEST_STANDINS_URL/container/auth/v1 \
		AWS_CONTAINER_AUTHORIZATION_TOKEN=$'container-token\r\nX-Injected: yes' run -78 "$DDB" list-tables --prod
	assert_output --partial "the container authorization token contains a line break"
	refute_output --partial "X-Injected"
	# nothing reached any server (no extra header, no request at all)
	run -0 standins_log 'length'
	assert_output 0
}

@test "creds: credential_process: a helper that exits but leaves a child holding stdout is not waited for" {
	local p=$BATS_TEST_TMPDIR/proc
	cat >"$p" <<-EOF
	#!/bin/sh
	echo '{"Version": 1, "AccessKeyId": "AKIAPROC", "SecretAccessKey": "secret-for-AKIAPROC"}'
	sleep 20 2>/dev/null &
	echo \$! >"$p.pid"
	EOF
	chmod +x "$p"
	printf '[default]\ncredential_process = %s\n' "$p" | config
	SECONDS=0
	assert_lists_tables
	((SECONDS < 10))
	kill "$(<"$p.pid")" 2>/dev/null || true
	run -0 dynamo_keys
	assert_output --partial AKIAPROC
}

@test "creds: role_arn + source_profile: AssumeRole signed by the source keys, with every option" {
	config <<-'EOF'
	[profile base]
	aws_access_key_id = AKIABASE
	aws_secret_access_key = secret-for-AKIABASE
	[profile ops]
	role_arn = arn:aws:iam::210987654321:role/needs-external-id
	source_profile = base
	external_id = ext-123
	role_session_name = deploy-bot
	duration_seconds = 1800
	EOF
	assert_lists_tables --profile ops
	run -0 standins_log '[.[] | select(.kind == "sts")] | map({action, akid, scope_region, params})'
	json_eq "$output" '[{"action":"AssumeRole","akid":"AKIABASE","scope_region":"eu-west-1",
		"params":{"Action":"AssumeRole","Version":"2011-06-15","RoleArn":"arn:aws:iam::210987654321:role/needs-external-id",
		"RoleSessionName":"deploy-bot","ExternalId":"ext-123","DurationSeconds":"1800"}}]'
	run -0 standins_log '[.[] | select(.kind == "dynamodb") | [(.akid | .[0:7]), .issued, .exp]] | unique'
	json_eq "$output" '[["ASIASTS",true,1700001800]]'
}

@test "creds: role chaining through source profiles, credential_source=Environment, and config errors" {
	config <<-'EOF'
	[profile base]
	aws_access_key_id = AKIABASE
	aws_secret_access_key = secret-for-AKIABASE
	[profile hop]
	role_arn = arn:aws:iam::111111111111:role/hop
	source_profile = base
	[profile top]
	role_arn = arn:aws:iam::222222222222:role/top
	source_profile = hop
	[profile fromenv]
	role_arn = arn:aws:iam::333333333333:role/env
	credential_source = Environment
	[profile both]
	role_arn = arn:aws:iam::333333333333:role/x
	credential_source = Environment
	source_profile = base
	[profile neither]
	role_arn = arn:aws:iam::333333333333:role/x
	[profile loop1]
	role_arn = arn:aws:iam::333333333333:role/x
	source_profile = loop2
	[profile loop2]
	role_arn = arn:aws:iam::333333333333:role/y
	source_profile = loop1
	[profile ghost]
	role_arn = arn:aws:iam::333333333333:role/x
	source_profile = nobody
	[profile denied]
	role_arn = arn:aws:iam::333333333333:role/denied
	source_profile = base
	EOF
	assert_lists_tables --profile top
	run -0 standins_log '[.[] | select(.kind == "sts") | [.params.RoleArn, (.akid | .[0:7])]]'
	json_eq "$output" '[["arn:aws:iam::111111111111:role/hop","AKIABAS"],["arn:aws:iam::222222222222:role/top","ASIASTS"]]'

	AWS_ACCESS_KEY_ID=AKIAENV AWS_SECRET_ACCESS_KEY=secret-for-AKIAENV assert_lists_tables --profile fromenv
	run -0 standins_log '[.[] | select(.kind == "sts")][-1] | .akid'
	assert_output '"AKIAENV"'

	run -78 "$DDB" list-tables --prod --profile both
	assert_output --partial "both source_profile and credential_source"
	run -78 "$DDB" list-tables --prod --profile neither
	assert_output --partial "neither source_profile nor credential_source"
	run -78 "$DDB" list-tables --prod --profile loop1
	assert_output --partial "a cycle?"
	run -78 "$DDB" list-tables --prod --profile ghost
	assert_output --partial "source_profile 'nobody' does not exist"
	run -77 "$DDB" list-tables --prod --profile denied
	assert_output --partial "AccessDenied"
}

@test "creds: mfa_serial asks for a code on a terminal, and refuses without one" {
	config <<-'EOF'
	[profile base]
	aws_access_key_id = AKIABASE
	aws_secret_access_key = secret-for-AKIABASE
	[profile mfa]
	role_arn = arn:aws:iam::210987654321:role/needs-mfa
	source_profile = base
	mfa_serial = arn:aws:iam::111111111111:mfa/me
	EOF
	run -78 "$DDB" list-tables --prod --profile mfa </dev/null
	assert_output --partial "needs an MFA code (mfa_serial arn:aws:iam::111111111111:mfa/me) but stdin is not a terminal"
	command -v script >/dev/null || skip "script(1) is needed for a pseudo-terminal"
	run -0 script -qec "$DDB list-tables --prod --profile mfa -o text" /dev/null < <(sleep 1; printf '123456\n')
	assert_output --partial "Enter MFA code for arn:aws:iam::111111111111:mfa/me:"
	assert_output --partial table06
	run -0 standins_log '[.[] | select(.action == "AssumeRole") | .params | [.SerialNumber, .TokenCode]]'
	json_eq "$output" '[["arn:aws:iam::111111111111:mfa/me","123456"]]'
}

# ---- web identity -------------------------------------------------------------------------------------------------

@test "creds: web identity from the environment (GitHub Actions, EKS): unsigned AssumeRoleWithWebIdentity" {
	printf 'oidc-jwt-from-ci\n' >"$BATS_TEST_TMPDIR/token"
	export AWS_WEB_IDENTITY_TOKEN_FILE=$BATS_TEST_TMPDIR/token AWS_ROLE_ARN=arn:aws:iam::444444444444:role/ci
	export AWS_ROLE_SESSION_NAME=gha-run-42
	assert_lists_tables
	run -0 standins_log '[.[] | select(.kind == "sts") | {action, signed, web_token, s: .params.RoleSessionName, r: .params.RoleArn}]'
	json_eq "$output" '[{"action":"AssumeRoleWithWebIdentity","signed":false,"web_token":"oidc-jwt-from-ci",
		"s":"gha-run-42","r":"arn:aws:iam::444444444444:role/ci"}]'
	run -0 dynamo_keys
	[[ ${lines[0]} == ASIAWEB* ]]
}

@test "creds: web identity from a profile; errors: no role, expired token (exit 77, no hang), missing file" {
	printf 'jwt' >"$BATS_TEST_TMPDIR/token"
	config <<-EOF
	[profile wi]
	role_arn = arn:aws:iam::444444444444:role/ci
	web_identity_token_file = $BATS_TEST_TMPDIR/token
	[profile norole]
	web_identity_token_file = $BATS_TEST_TMPDIR/token
	[profile nofile]
	role_arn = arn:aws:iam::444444444444:role/ci
	web_identity_token_file = $BATS_TEST_TMPDIR/none
	EOF
	assert_lists_tables --profile wi
	run -0 dynamo_keys
	[[ ${lines[0]} == ASIAWEB* ]]
	run -78 "$DDB" list-tables --prod --profile norole
	assert_output --partial "no role"
	run -78 "$DDB" list-tables --prod --profile nofile
	assert_output --partial "$BATS_TEST_TMPDIR/none: cannot read"
	printf 'expired-token' >"$BATS_TEST_TMPDIR/token"
	run -77 timeout 20 "$DDB" list-tables --prod --profile wi
	assert_output --partial ExpiredTokenException
}

# ---- SSO ---------------------------------------------------------------------------------------------------------------

sso_cache() { # KEY TOKEN EXPIRES
	local f
	f=$HOME/.aws/sso/cache/$(printf '%s' "$1" | sha1sum | cut -d' ' -f1).json
	mkdir -p "${f%/*}"
	printf '{"startUrl":"https://x.awsapps.com/start","region":"eu-west-1","accessToken":"%s","expiresAt":"%s"}\n' \
		"$2" "$3" >"$f"
}

@test "creds: SSO with an sso-session: the cached token buys role credentials from the portal" {
	config <<-'EOF'
	[profile dev]
	sso_session = corp
	sso_account_id = 555555555555
	sso_role_name = Developer
	[sso-session corp]
	sso_start_url = https://corp.awsapps.com/start
	sso_region = eu-west-1
	EOF
	sso_cache corp sso-access-token 2023-11-15T00:00:00Z
	assert_lists_tables --profile dev
	run -0 standins_log '[.[] | select(.kind == "sso") | [.role_name, .account_id, .bearer]]'
	json_eq "$output" '[["Developer","555555555555","sso-access-token"]]'
	run -0 dynamo_keys
	[[ ${lines[0]} == ASIASSO* ]]
}

@test "creds: legacy SSO profile; missing, expired and refused tokens say to run 'aws sso login'" {
	config <<-'EOF'
	[profile old]
	sso_start_url = https://old.awsapps.com/start
	sso_region = eu-west-1
	sso_account_id = 555555555555
	sso_role_name = ReadOnly
	[profile half]
	sso_account_id = 555555555555
	EOF
	run -78 "$DDB" list-tables --prod --profile old
	assert_output --partial "run 'aws sso login --profile old'"
	sso_cache https://old.awsapps.com/start sso-access-token 2023-11-14T22:00:00Z
	run -78 "$DDB" list-tables --prod --profile old
	assert_output --partial "expired at 2023-11-14T22:00:00Z: run 'aws sso login --profile old'"
	sso_cache https://old.awsapps.com/start not-the-token 2023-11-15T00:00:00Z
	run -77 "$DDB" list-tables --prod --profile old
	assert_output --partial "refused the cached token"
	sso_cache https://old.awsapps.com/start sso-access-token 2023-11-15T00:00:00Z
	assert_lists_tables --profile old
	run -78 "$DDB" list-tables --prod --profile half
	assert_output --partial "SSO configuration without sso_start_url, sso_region, sso_role_name"
}

# ---- container and instance metadata ------------------------------------------------------------------------------

@test "creds: container credentials (FULL_URI) with the authorization token from a file or the environment" {
	printf 'container-token\n' >"$BATS_TEST_TMPDIR/auth"
	export AWS_CONTAINER_CREDENTIALS_FULL_URI=$DDB_TEST_STANDINS_URL/container/auth/v1
	AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE=$BATS_TEST_TMPDIR/auth assert_lists_tables
	AWS_CONTAINER_AUTHORIZATION_TOKEN=container-token assert_lists_tables
	run -0 standins_log '[.[] | select(.kind == "container") | .authorization]'
	json_eq "$output" '["container-token","container-token"]'
	run -0 dynamo_keys
	[[ ${lines[0]} == ASIACON* ]]
	AWS_CONTAINER_AUTHORIZATION_TOKEN=wrong run -77 "$DDB" list-tables --prod
	assert_output --partial "answered HTTP 401"
}

@test "creds: container FULL_URI over http must be loopback or the ECS/EKS agent address" {
	export AWS_CONTAINER_CREDENTIALS_FULL_URI=http://192.0.2.10/creds
	run -78 "$DDB" list-tables --prod
	assert_output --partial "host '192.0.2.10' is not allowed over http://"
}

@test "creds: IMDSv2 (token, role, credentials) and the IMDSv1 fallback" {
	export AWS_EC2_METADATA_DISABLED=false
	assert_lists_tables
	run -0 standins_log '[.[] | select(.kind == "imds") | [.action, (.token // .ttl)]]'
	json_eq "$output" '[["token","21600"],["list","imds-session-token"],["role","imds-session-token"]]'
	run -0 dynamo_keys
	[[ ${lines[0]} == ASIAIMD* ]]
	run -0 "$DDB" whoami --prod --no-sts
	run -0 jq -r .source <<<"$output"
	assert_output "instance role ddb-instance-role, instance metadata at $DDB_TEST_STANDINS_URL (IMDSv2)"

	standins_config '{"imds_v2": false}'
	run -0 "$DDB" whoami --prod --no-sts
	run -0 jq -r .source <<<"$output"
	assert_output --partial "(IMDSv1)"
	AWS_EC2_METADATA_V1_DISABLED=true run -69 "$DDB" whoami --prod --no-sts
}

@test "creds: IMDS: a token request that times out (hop limit 1 in a container) falls back to IMDSv1, as botocore" {
	export AWS_EC2_METADATA_DISABLED=false
	standins_config '{"imds_v2": false, "imds_token_hang": 3}'
	run -0 "$DDB" whoami --prod --no-sts --debug
	assert_output --partial "the IMDSv2 token request timed out: trying IMDSv1"
	run -0 "$DDB" whoami --prod --no-sts
	run -0 jq -r '[.provider, .source] | @tsv' <<<"$output"
	assert_output "imds	instance role ddb-instance-role, instance metadata at $DDB_TEST_STANDINS_URL (IMDSv1)"
	# IMDSv1 switched off: no fallback, no credentials from IMDS
	AWS_EC2_METADATA_V1_DISABLED=true run -78 "$DDB" whoami --prod --no-sts
	assert_output --partial "no AWS credentials found"
	# an instance that requires IMDSv2 refuses the v1 request: a clear error, not a hang
	standins_config '{"imds_v2": true}'
	run -77 "$DDB" whoami --prod --no-sts
	assert_output --partial "security-credentials/ answered HTTP 401"
}

@test "creds: IMDS disabled, or not answering: no credentials (exit 78), quickly" {
	run -78 "$DDB" list-tables --prod
	assert_output --partial "no AWS credentials found"
	export AWS_EC2_METADATA_DISABLED=false AWS_EC2_METADATA_SERVICE_ENDPOINT=http://127.0.0.1:$(engine_free_port)
	SECONDS=0
	run -78 "$DDB" list-tables --prod
	((SECONDS < 10))
	assert_output --partial "no AWS credentials found"
}

@test "creds: AWS_PROFILE naming a missing profile is an error in prod, before any other provider is tried" {
	credentials <<-'EOF'
	[dev]
	aws_access_key_id = AKIADEV
	aws_secret_access_key = secret-for-AKIADEV
	EOF
	export AWS_EC2_METADATA_DISABLED=false AWS_CONTAINER_CREDENTIALS_FULL_URI=$DDB_TEST_STANDINS_URL/container/v1
	export AWS_ACCESS_KEY_ID=AKIAENV AWS_SECRET_ACCESS_KEY=secret-for-AKIAENV
	AWS_PROFILE=nope run -78 "$DDB" list-tables --prod
	assert_output "ddb: list-tables: profile 'nope' (AWS_PROFILE) not found in $HOME/.aws/config or $HOME/.aws/credentials"
	AWS_DEFAULT_PROFILE=nope run -78 "$DDB" whoami --prod
	assert_output --partial "profile 'nope' (AWS_DEFAULT_PROFILE) not found"
	run -78 "$DDB" list-tables --prod --profile nope
	assert_output --partial "profile 'nope' not found"
	run -0 standins_log length
	assert_output 0
	AWS_PROFILE=dev assert_lists_tables
}

@test "creds: an explicit --profile ignores the environment's web identity (as botocore); AWS_PROFILE does not" {
	printf 'jwt' >"$BATS_TEST_TMPDIR/token"
	export AWS_WEB_IDENTITY_TOKEN_FILE=$BATS_TEST_TMPDIR/token AWS_ROLE_ARN=arn:aws:iam::444444444444:role/ci
	credentials <<-'EOF'
	[dev]
	aws_access_key_id = AKIADEV
	aws_secret_access_key = secret-for-AKIADEV
	EOF
	run -0 "$DDB" whoami --prod --no-sts --profile dev
	run -0 jq -r .provider <<<"$output"
	assert_output shared-credentials-file
	run -0 "$DDB" whoami --prod --no-sts
	run -0 jq -r .provider <<<"$output"
	assert_output web-identity
	AWS_PROFILE=dev run -0 "$DDB" whoami --prod --no-sts
	run -0 jq -r .provider <<<"$output"
	assert_output web-identity
}

# ---- precedence ---------------------------------------------------------------------------------------------------

@test "creds: precedence: env > assume-role > web identity > SSO > files > container > IMDS" {
	printf 'jwt' >"$BATS_TEST_TMPDIR/token"
	config <<-'EOF'
	[profile base]
	aws_access_key_id = AKIABASE
	aws_secret_access_key = secret-for-AKIABASE
	[default]
	role_arn = arn:aws:iam::210987654321:role/ops
	source_profile = base
	sso_session = corp
	sso_account_id = 555555555555
	sso_role_name = Developer
	[sso-session corp]
	sso_start_url = https://corp.awsapps.com/start
	sso_region = eu-west-1
	EOF
	credentials <<-'EOF'
	[default]
	aws_access_key_id = AKIAFILE
	aws_secret_access_key = secret-for-AKIAFILE
	EOF
	sso_cache corp sso-access-token 2023-11-15T00:00:00Z
	export AWS_EC2_METADATA_DISABLED=false AWS_CONTAINER_CREDENTIALS_FULL_URI=$DDB_TEST_STANDINS_URL/container/v1
	export AWS_WEB_IDENTITY_TOKEN_FILE=$BATS_TEST_TMPDIR/token AWS_ROLE_ARN=arn:aws:iam::444444444444:role/ci
	provider() { "$DDB" whoami --prod --no-sts | jq -r .provider; }
	AWS_ACCESS_KEY_ID=AKIAENV AWS_SECRET_ACCESS_KEY=secret-for-AKIAENV run -0 provider
	assert_output env
	run -0 provider
	assert_output assume-role
	sed -i '/^role_arn\|^source_profile/d' "$HOME/.aws/config"
	run -0 provider
	assert_output web-identity
	unset AWS_WEB_IDENTITY_TOKEN_FILE
	run -0 provider
	assert_output sso
	sed -i '/^sso_/d' "$HOME/.aws/config"
	run -0 provider
	assert_output shared-credentials-file
	: >"$HOME/.aws/credentials"
	run -0 provider
	assert_output container
	unset AWS_CONTAINER_CREDENTIALS_FULL_URI
	run -0 provider
	assert_output imds
}

@test "creds: local mode never runs processes or calls STS, SSO, container or IMDS" {
	config <<-'EOF'
	[default]
	role_arn = arn:aws:iam::210987654321:role/ops
	credential_process = /bin/false
	sso_start_url = https://x.awsapps.com/start
	EOF
	export AWS_EC2_METADATA_DISABLED=false AWS_CONTAINER_CREDENTIALS_FULL_URI=$DDB_TEST_STANDINS_URL/container/v1
	run -0 "$DDB" whoami
	run -0 jq -r .provider <<<"$output"
	assert_output local-dummy
	run -0 standins_log length
	assert_output 0
}

@test "creds: in the REPL each line signs with its own profile's credentials, and never with local dummy keys in prod" {
	credentials <<-'EOF'
	[default]
	aws_access_key_id = AKIADEF
	aws_secret_access_key = secret-for-AKIADEF
	[dev]
	aws_access_key_id = AKIADEV
	aws_secret_access_key = secret-for-AKIADEV
	EOF
	run -0 "$DDB" repl --prod -o text <<<$'list-tables\nlist-tables --profile dev\nlist-tables'
	run -0 standins_log '[.[] | select(.kind == "dynamodb") | .akid] | unique'
	json_eq "$output" '["AKIADEF","AKIADEV"]'
	run -0 standins_log '[.[] | select(.kind == "dynamodb") | .akid][-1]'
	assert_output '"AKIADEF"'
	: >"$HOME/.aws/credentials"
	run -78 "$DDB" repl <<<$'whoami --no-sts\nlist-tables --prod'
	assert_line --partial '"provider":"local-dummy"'
	assert_line "ddb: list-tables: no AWS credentials found: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or configure a profile (aws configure), or use --profile"
	run -0 standins_log '[.[] | select(.akid == "ddblocal")] | length'
	assert_output 0
}

# ---- expiry and refresh --------------------------------------------------------------------------------------------

@test "creds: temporary credentials are refreshed before they expire in a long-running command (test clock)" {
	config <<-'EOF'
	[profile base]
	aws_access_key_id = AKIABASE
	aws_secret_access_key = secret-for-AKIABASE
	[default]
	role_arn = arn:aws:iam::210987654321:role/ops
	source_profile = base
	EOF
	# 15-minute credentials, 15 pages, and a clock that advances 60 s at every reading.
	standins_config '{"ttl": 900, "tables": 30, "page": 2}'
	DDB_TEST_CLOCK_STEP=60 run -0 "$DDB" list-tables --prod
	assert_equal "${#lines[@]}" 30
	# Several AssumeRole calls, each key used only while valid, and each refresh well before the expiry.
	run -0 standins_log '[.[] | select(.action == "AssumeRole")] | length'
	((output >= 2))
	run -0 standins_log '[.[] | select(.kind == "dynamodb")] | group_by(.akid) | length'
	((output >= 2))
	run -0 standins_log '[.[] | select(.kind == "dynamodb") | select(.time >= .exp - 60)] | length'
	assert_output 0
	run -0 standins_log '[.[] | select(.kind == "dynamodb") | .time] | (max - min)'
	((output > 900))
}

@test "creds: --debug shows the STS exchange with every secret redacted" {
	config <<-'EOF'
	[profile base]
	aws_access_key_id = AKIABASE
	aws_secret_access_key = secret-for-AKIABASE
	[default]
	role_arn = arn:aws:iam::210987654321:role/ops
	source_profile = base
	EOF
	run -0 "$DDB" list-tables --prod --debug
	assert_output --partial "<SecretAccessKey><redacted></SecretAccessKey>"
	assert_output --partial "X-Amz-Security-Token: <redacted>"
	refute_output --partial "sk-"
	refute_output --partial "tok-"
	refute_output --partial "secret-for-AKIABASE"
}

@test "creds: --debug never shows the web identity token, the container token or an IMDS token" {
	printf 'oidc-secret-jwt' >"$BATS_TEST_TMPDIR/token"
	AWS_WEB_IDENTITY_TOKEN_FILE=$BATS_TEST_TMPDIR/token AWS_ROLE_ARN=arn:aws:iam::444444444444:role/ci \
		run -0 "$DDB" list-tables --prod --debug
	assert_output --partial "WebIdentityToken=<redacted>"
	refute_output --partial oidc-secret-jwt
	AWS_CONTAINER_CREDENTIALS_FULL_URI=$DDB_TEST_STANDINS_URL/container/auth AWS_CONTAINER_AUTHORIZATION_TOKEN=container-token \
		run -0 "$DDB" list-tables --prod --debug
	refute_output --partial container-token
	AWS_EC2_METADATA_DISABLED=false run -0 "$DDB" list-tables --prod --debug
	assert_output --partial "the token in the body is not shown"
	refute_output --partial imds-session-token
	refute_output --partial "sk-"
	refute_output --partial "tok-"
}

@test "creds: --debug never shows the SSO bearer token or the role credentials the portal returns" {
	config <<-'EOF'
	[profile dev]
	sso_session = corp
	sso_account_id = 555555555555
	sso_role_name = Developer
	[sso-session corp]
	sso_start_url = https://corp.awsapps.com/start
	sso_region = eu-west-1
	EOF
	sso_cache corp sso-access-token 2023-11-15T00:00:00Z
	run -0 "$DDB" list-tables --prod --profile dev --debug
	assert_output --partial "x-amz-sso_bearer_token: <redacted>"
	assert_output --partial '"secretAccessKey": "<redacted>"'
	refute_output --partial sso-access-token
	refute_output --partial "sk-"
	refute_output --partial "tok-"
	assert_output --partial table06
}
