#!/usr/bin/env bats
# The multi-call binary: subcommands, links named <command> / ddb-<command>, help, version, unknown commands.

load test_helper

@test "dispatch: --version and version print the version in VERSION" {
	local v
	v=$(<"$DDB_TEST_ROOT/VERSION")
	[[ $v =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]]
	run -0 "$DDB" --version
	assert_output "ddb $v"
	run -0 "$DDB" -V
	assert_output "ddb $v"
	run -0 "$DDB" version
	[[ $output == "ddb $v (libcurl/"* ]]
}

@test "dispatch: a global option whose value is a command name, with no command left, is a usage error" {
	run -64 --separate-stderr "$DDB" --region list-tables </dev/null
	[[ ${stderr_lines[0]} == "ddb: option '--region' took the command name 'list-tables' as its value and no command is left; give its value first ('ddb --region VALUE list-tables ...')" ]]
	assert_output ""
	run -64 --separate-stderr "$DDB" --prod --namespace scan </dev/null
	[[ ${stderr_lines[0]} == *"'--namespace' took the command name 'scan'"* ]]
	# a command after it is fine: the value is just a value
	run -0 --separate-stderr "$DDB" --namespace version version
	assert_output --partial "ddb "
	# no option value at all: the REPL on an empty script, exit 0 (as before)
	run -0 "$DDB" --region eu-west-1 </dev/null
}

@test "dispatch: --help lists every visible command, on stdout, exit 0" {
	run -0 --separate-stderr "$DDB" --help
	for c in schema-load seed list-tables drop scan query enable-stream stream trigger vpc-endpoint cognito describe wait local whoami repl; do
		assert_line --regexp "^  $c +"
	done
	refute_line --partial __complete
	[[ -z $stderr ]]
	# `ddb help` is the same page
	local page=$output
	run -0 "$DDB" help
	assert_equal "$output" "$page"
	assert_output --partial "Links: a link named <command> or ddb-<command>"
}

@test "dispatch: help COMMAND and COMMAND --help print the same option list" {
	run -0 "$DDB" help list-tables
	local a=$output
	run -0 "$DDB" list-tables --help
	assert_equal "$output" "$a"
	assert_output --partial "usage: ddb list-tables"
	assert_output --partial "--namespace PREFIX"
	# help for a link alias shows its command
	run -0 "$DDB" help get-conversation
	assert_output --partial "usage: ddb query"
}

@test "dispatch: every command's usage lines name each of its own options" {
	local c page usage o missing=
	for c in $("$DDB" __commands); do
		run -0 "$DDB" help "$c"
		page=$output
		usage=$(sed -n '/^usage:/,/^$/p' <<<"$page")
		for o in $(sed -n '/^Options:/,/^$/p' <<<"$page" | grep -oE -- '--[a-z][a-z0-9-]*' | sort -u); do
			[[ $usage == *"$o"* ]] || missing+=" $c:$o"
		done
	done
	assert_equal "${missing# }" ""
}

@test "dispatch: an unknown command names the closest one and exits 64" {
	run -64 "$DDB" list-table
	assert_output "ddb: 'list-table' is not a command (did you mean 'list-tables'?); see 'ddb --help'"
	run -64 "$DDB" lst
	assert_output --partial "did you mean 'list-tables'?"
	run -64 "$DDB" zzzzzzzzzz
	assert_output "ddb: 'zzzzzzzzzz' is not a command; see 'ddb --help'"
	run -64 "$DDB" --bogus list-tables
	assert_output --partial "unknown option '--bogus'"
}

@test "dispatch: a leading global option without its value is a usage error (64), not a REPL run" {
	run -64 "$DDB" --region </dev/null
	assert_output --partial "option '--region' needs a value"
	run -64 "$DDB" --namespace x -o </dev/null
	assert_output --partial "option '-o' needs a value"
}

@test "dispatch: links named <command> and ddb-<command> run that command" {
	local ns
	ns=$(unique_ns)
	ddb_local CreateTable '{"TableName":"'"$ns"'t","KeySchema":[{"AttributeName":"pk","KeyType":"HASH"}],"AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"}],"BillingMode":"PAY_PER_REQUEST"}' >/dev/null
	run -0 "$(ddb_link list-tables)" --namespace "$ns"
	assert_output t
	run -0 "$(ddb_link ddb-list-tables)" --namespace "$ns"
	assert_output t
	# global options before the command work too
	run -0 "$DDB" --namespace "$ns" -o json list-tables
	json_eq "$output" '["t"]'
}

@test "dispatch: a lone trailing 'prod' through a link means --prod" {
	run -78 "$(ddb_link list-tables)" prod
	assert_output --partial "no region for --prod"
	# ...but not through the ddb command itself
	run -64 "$DDB" list-tables prod
	assert_output --partial "unexpected argument 'prod'"
}

@test "dispatch: DDB_ENV=prod selects prod, --local overrides it, bad values are config errors" {
	DDB_ENV=prod run -78 "$DDB" list-tables
	assert_output --partial "no region for --prod"
	DDB_ENV=prod run -0 "$DDB" list-tables --local --namespace "none_$RANDOM"
	DDB_ENV=staging run -78 "$DDB" list-tables
	assert_output --partial "DDB_ENV='staging'"
	run -64 "$DDB" list-tables --prod --local
}

@test "dispatch: a broken config file is a configuration error naming file and line" {
	mkdir -p "$HOME/.aws"
	printf '[default]\nregion = eu-west-1\nthis line is broken\n' >"$HOME/.aws/config"
	run -78 "$DDB" list-tables
	assert_output --partial "$HOME/.aws/config:3: expected 'key = value' or '[section]'"
}

@test "dispatch: region comes from --region, AWS_REGION, AWS_DEFAULT_REGION, then the profile" {
	mkdir -p "$HOME/.aws"
	printf '[default]\nregion = eu-west-1\n[profile other]\nregion = ap-south-1\n' >"$HOME/.aws/config"
	printf '[default]\naws_access_key_id = AKIDFILE\naws_secret_access_key = secretfile\n[other]\naws_access_key_id = AKIDOTHER\naws_secret_access_key = secretother\n' >"$HOME/.aws/credentials"
	chmod 600 "$HOME/.aws/credentials"
	run -0 --separate-stderr "$DDB" list-tables --prod --endpoint-url "$DDB_TEST_LOCAL_URL" --debug --namespace none_
	[[ $stderr == *"Credential=****FILE/"*"/eu-west-1/dynamodb/aws4_request"* ]]
	AWS_PROFILE=other run -0 --separate-stderr "$DDB" list-tables --prod --endpoint-url "$DDB_TEST_LOCAL_URL" --debug --namespace none_
	[[ $stderr == *"Credential=*****THER/"*"/ap-south-1/dynamodb/aws4_request"* ]]
	AWS_PROFILE=other AWS_DEFAULT_REGION=us-west-1 run -0 --separate-stderr "$DDB" list-tables --prod --endpoint-url "$DDB_TEST_LOCAL_URL" --debug --namespace none_
	[[ $stderr == *"/us-west-1/dynamodb/aws4_request"* ]]
	AWS_REGION=ca-central-1 AWS_DEFAULT_REGION=us-west-1 run -0 --separate-stderr "$DDB" list-tables --prod --endpoint-url "$DDB_TEST_LOCAL_URL" --debug --namespace none_
	[[ $stderr == *"/ca-central-1/dynamodb/aws4_request"* ]]
	AWS_REGION=ca-central-1 run -0 --separate-stderr "$DDB" list-tables --prod --region sa-east-1 --endpoint-url "$DDB_TEST_LOCAL_URL" --debug --namespace none_
	[[ $stderr == *"/sa-east-1/dynamodb/aws4_request"* ]]
	# environment keys win over the file, unless --profile is given explicitly
	AWS_ACCESS_KEY_ID=AKIDENV AWS_SECRET_ACCESS_KEY=x run -0 --separate-stderr "$DDB" list-tables --prod --endpoint-url "$DDB_TEST_LOCAL_URL" --debug --namespace none_
	[[ $stderr == *"Credential=***DENV/"* ]]
	AWS_ACCESS_KEY_ID=AKIDENV AWS_SECRET_ACCESS_KEY=x run -0 --separate-stderr "$DDB" list-tables --prod --profile other --endpoint-url "$DDB_TEST_LOCAL_URL" --debug --namespace none_
	[[ $stderr == *"Credential=*****THER/"* ]]
}

@test "dispatch: a group- or world-readable credentials file draws a warning in prod" {
	mkdir -p "$HOME/.aws"
	printf '[default]\naws_access_key_id = AKIDFILE\naws_secret_access_key = secretfile\nregion = eu-west-1\n' >"$HOME/.aws/credentials"
	chmod 644 "$HOME/.aws/credentials"
	run -0 --separate-stderr "$DDB" list-tables --prod --region eu-west-1 --endpoint-url "$DDB_TEST_LOCAL_URL" --namespace none_
	[[ $stderr == *"warning: $HOME/.aws/credentials is readable by others: chmod 600 it"* ]]
	chmod 600 "$HOME/.aws/credentials"
	run -0 --separate-stderr "$DDB" list-tables --prod --region eu-west-1 --endpoint-url "$DDB_TEST_LOCAL_URL" --namespace none_
	[[ -z $stderr ]]
}
