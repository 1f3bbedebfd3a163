#!/usr/bin/env bats
# whoami.bats — ddb whoami: the provider, where it found the credentials, and the account (STS GetCallerIdentity
# on the loopback stand-in), never a secret.

load test_helper
source "$BATS_TEST_DIRNAME/standins/aws_standins.bash"

setup_file() { standins_start; }
teardown_file() { standins_stop; }
setup() { standins_env; }

base_and_role() {
	cat >"$HOME/.aws/config" <<-'EOF'
	[profile base]
	aws_access_key_id = AKIABASE
	aws_secret_access_key = secret-for-AKIABASE
	[profile ops]
	role_arn = arn:aws:iam::210987654321:role/ops
	source_profile = base
	role_session_name = alice
	EOF
}

@test "whoami: local mode names the dummy credentials and calls nothing" {
	unset AWS_REGION
	run -0 "$DDB" whoami
	run -0 jq -c '{mode, region, profile, provider, account, temporary}' <<<"$output"
	json_eq "$output" '{"mode":"local","region":"us-east-1","profile":"default","provider":"local-dummy",
		"account":null,"temporary":false}'
	run -0 standins_log length
	assert_output 0
}

@test "whoami: environment keys: provider, account and ARN from STS; the key masked, the secret never shown" {
	export AWS_ACCESS_KEY_ID=AKIAENVEXAMPLE1234 AWS_SECRET_ACCESS_KEY=secret-for-AKIAENVEXAMPLE1234
	run -0 "$DDB" whoami --prod
	refute_output --partial secret-for
	refute_output --partial AKIAENVEXAMPLE1234
	run -0 jq -c . <<<"$output"
	json_eq "$output" '{"mode":"prod","region":"eu-west-1","profile":"default","provider":"env",
		"source":"environment variables AWS_ACCESS_KEY_ID","role":null,"access_key_id":"**************1234",
		"temporary":false,"expires":null,"account":"123456789012",
		"arn":"arn:aws:iam::123456789012:user/ddb-tester","user_id":"AIDATESTER1234"}'
	run -0 standins_log '[.[] | select(.kind == "sts") | [.action, .akid, .scope_region]]'
	json_eq "$output" '[["GetCallerIdentity","AKIAENVEXAMPLE1234","eu-west-1"]]'
}

@test "whoami: an assumed role: the role, the source profile, the expiry and the assumed-role ARN" {
	base_and_role
	run -0 "$DDB" whoami --prod --profile ops
	run -0 jq -c '{provider, source, role, temporary, expires, account, arn}' <<<"$output"
	json_eq "$output" '{"provider":"assume-role",
		"source":"role arn:aws:iam::210987654321:role/ops, profile ops, source config-file: profile base in '"$HOME"'/.aws/config",
		"role":"arn:aws:iam::210987654321:role/ops","temporary":true,"expires":"2023-11-14T23:13:20Z",
		"account":"210987654321","arn":"arn:aws:sts::210987654321:assumed-role/ops/alice"}'
	# GetCallerIdentity is signed with the temporary key the chain produced
	run -0 standins_log '[.[] | select(.kind == "sts") | [.action, (.akid | .[0:7]), .issued]]'
	json_eq "$output" '[["AssumeRole","AKIABAS",false],["GetCallerIdentity","ASIASTS",true]]'
}

@test "whoami: explains every provider (web identity, SSO, container, IMDS, credential_process)" {
	printf 'jwt' >"$BATS_TEST_TMPDIR/token"
	printf '#!/bin/sh\necho %s\n' "'{\"Version\":1,\"AccessKeyId\":\"AKIAPROC\",\"SecretAccessKey\":\"secret-for-AKIAPROC\"}'" \
		>"$BATS_TEST_TMPDIR/proc"
	chmod +x "$BATS_TEST_TMPDIR/proc"
	cat >"$HOME/.aws/config" <<-EOF
	[profile sso]
	sso_session = corp
	sso_account_id = 555555555555
	sso_role_name = Developer
	[sso-session corp]
	sso_start_url = https://corp.awsapps.com/start
	sso_region = eu-west-1
	[profile proc]
	credential_process = $BATS_TEST_TMPDIR/proc
	EOF
	local cache
	cache=$HOME/.aws/sso/cache/$(printf corp | sha1sum | cut -d' ' -f1).json
	mkdir -p "${cache%/*}"
	printf '{"accessToken":"sso-access-token","expiresAt":"2023-11-15T00:00:00Z"}' >"$cache"
	who() { "$DDB" whoami --prod "$@" | jq -c '[.provider, .role, .account, .arn]'; }

	AWS_WEB_IDENTITY_TOKEN_FILE=$BATS_TEST_TMPDIR/token AWS_ROLE_ARN=arn:aws:iam::444444444444:role/ci \
		AWS_ROLE_SESSION_NAME=run-7 run -0 who
	json_eq "$output" '["web-identity","arn:aws:iam::444444444444:role/ci","444444444444",
		"arn:aws:sts::444444444444:assumed-role/ci/run-7"]'
	run -0 who --profile sso
	json_eq "$output" '["sso","Developer","555555555555",
		"arn:aws:sts::555555555555:assumed-role/AWSReservedSSO_Developer_0123/someone"]'
	AWS_CONTAINER_CREDENTIALS_FULL_URI=$DDB_TEST_STANDINS_URL/container/v1 run -0 who
	json_eq "$output" '["container","arn:aws:iam::123456789012:role/ecs-task-role","123456789012",
		"arn:aws:sts::123456789012:assumed-role/ecs-task-role/task"]'
	AWS_EC2_METADATA_DISABLED=false run -0 who
	json_eq "$output" '["imds","ddb-instance-role","123456789012",
		"arn:aws:sts::123456789012:assumed-role/ddb-instance-role/i-0123456789abcdef0"]'
	run -0 who --profile proc
	json_eq "$output" '["process",null,"123456789012","arn:aws:iam::123456789012:user/ddb-tester"]'
}

@test "whoami: STS refusing the credentials still explains where they came from (exit 77)" {
	export AWS_ACCESS_KEY_ID=AKIAENV AWS_SECRET_ACCESS_KEY=not-the-secret
	run -77 --separate-stderr "$DDB" whoami --prod
	run -0 jq -r '[.provider, .account] | @tsv' <<<"$output"
	assert_output "env	"
	[[ $stderr == *"sts GetCallerIdentity"*SignatureDoesNotMatch* ]]
}

@test "whoami: --no-sts skips GetCallerIdentity; -o map prints one field per line" {
	base_and_role
	run -0 "$DDB" whoami --prod --profile ops --no-sts -o map
	assert_line --regexp '^provider +assume-role$'
	assert_line --regexp '^account +-$'
	assert_line --regexp '^role +arn:aws:iam::210987654321:role/ops$'
	run -0 standins_log '[.[] | select(.action == "GetCallerIdentity")] | length'
	assert_output 0
}

@test "whoami: on a terminal one field per line (no JSON); piped, one JSON object" {
	command -v script >/dev/null || skip "script(1) is needed for a pseudo-terminal"
	base_and_role
	run -0 script -qec "$DDB whoami --prod --profile ops" /dev/null
	assert_line --regexp '^provider +assume-role.?$'
	assert_line --regexp '^account +210987654321.?$'
	assert_line --regexp '^access_key_id +\*+[A-Z0-9]{4}.?$'
	refute_output --partial '{'
	refute_output --partial 'sk-'
	run -0 "$DDB" whoami --prod --profile ops
	assert_equal "${#lines[@]}" 1
	run -0 jq -r '.provider + " " + .account' <<<"$output"
	assert_output "assume-role 210987654321"
}

@test "whoami: --endpoint-url names STS's endpoint; other commands' credential providers keep STS's own" {
	export AWS_ACCESS_KEY_ID=AKIAENV AWS_SECRET_ACCESS_KEY=secret-for-AKIAENV
	local dead="http://127.0.0.1:$(engine_free_port)"
	# STS's own endpoint is dead: only --endpoint-url reaches the stand-in
	AWS_ENDPOINT_URL_STS=$dead run -0 "$DDB" whoami --prod --endpoint-url "$DDB_TEST_STANDINS_URL"
	run -0 jq -r .account <<<"$output"
	assert_output 123456789012
	run -0 standins_log '[.[] | select(.kind == "sts") | .action]'
	json_eq "$output" '["GetCallerIdentity"]'
	# and the other way round: --endpoint-url dead, STS's own endpoint alive -> the call fails (69)
	run -69 "$DDB" whoami --prod --endpoint-url "$dead" --max-attempts 1
	assert_output --partial "sts GetCallerIdentity"
	# another command: the role is assumed at STS's own endpoint, the command's request goes to --endpoint-url
	base_and_role
	curl -sS --noproxy '*' -X POST "$DDB_TEST_STANDINS_URL/__reset" >/dev/null
	run -69 "$DDB" list-tables --prod --profile ops --endpoint-url "$dead" --max-attempts 1
	run -0 standins_log '[.[] | select(.kind == "sts") | .action]'
	json_eq "$output" '["AssumeRole"]'
}

@test "whoami: no credentials in prod is a configuration error; arguments are usage errors" {
	run -78 "$DDB" whoami --prod
	assert_output --partial "no AWS credentials found"
	run -64 "$DDB" whoami extra
	assert_output --partial "unexpected argument 'extra'"
}
