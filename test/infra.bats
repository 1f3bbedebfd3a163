#!/usr/bin/env bats
# infra.bats — the test infrastructure itself: engines, the scrubbed environment, the helpers, the binary.

load test_helper

@test "infra: DynamoDB Local from setup_suite answers at DDB_TEST_LOCAL_URL" {
	[[ $DDB_TEST_LOCAL_URL == http://127.0.0.1:* ]]
	engine_answers "$DDB_TEST_LOCAL_URL"
	run ddb_raw "$DDB_TEST_LOCAL_URL" ListTables '{"Limit":1}'
	assert_success
	run jq -e '.TableNames | type == "array"' <<<"$output"
	assert_success
}

@test "infra: dynalite from setup_suite answers at DDB_TEST_DYNALITE_URL" {
	[[ $DDB_TEST_DYNALITE_URL == http://127.0.0.1:* ]]
	[[ $DDB_TEST_DYNALITE_URL != "$DDB_TEST_LOCAL_URL" ]]
	engine_answers "$DDB_TEST_DYNALITE_URL"
}

@test "infra: ddb's local mode points at DynamoDB Local" {
	assert_equal "$DDB_LOCAL_ENDPOINT" "$DDB_TEST_LOCAL_URL"
	assert_equal "$DDB_TEST_ENGINE" dynamodb-local
}

@test "infra: AWS_* and DDB_* variables from outside are scrubbed" {
	# setup_suite exports this canary; it must not reach a test.
	[[ -z ${AWS_DDB_TEST_SCRUB_CANARY+set} ]]
	export AWS_PROFILE=prod AWS_ACCESS_KEY_ID=AKIDLEAK AWS_SECRET_ACCESS_KEY=leak DDB_PROFILE=prod \
		XDG_CONFIG_HOME=/nonexistent https_proxy=http://proxy.invalid:1
	ddb_test_scrub_env
	run env
	assert_success
	refute_line --regexp '^(AWS_[A-Z_]*|DDB_PROFILE|XDG_CONFIG_HOME|https_proxy)='
	assert_line "DDB_TEST_LOCAL_URL=$DDB_TEST_LOCAL_URL"
	assert_line --regexp '^DDB=/'
}

@test "infra: HOME is an empty per-test directory and the locale is fixed" {
	[[ $HOME == "$BATS_TEST_TMPDIR"/* ]]
	[[ -d $HOME ]]
	run ls -A "$HOME"
	assert_output ""
	assert_equal "$LC_ALL" C
	assert_equal "$TZ" UTC
	assert_equal "$CI" true
	assert_equal "$NO_COLOR" 1
	assert_equal "$AWS_EC2_METADATA_DISABLED" true
	assert_equal "$DDB_TEST_ROOT/test" "$BATS_TEST_DIRNAME"
}

@test "infra: unique_ns gives distinct valid table-name prefixes" {
	local a b
	a=$(unique_ns)
	b=$(unique_ns)
	[[ $a =~ ^t_[0-9a-f]{8}_$ ]]
	[[ $a != "$b" ]]
}

@test "infra: ddb_raw creates, reads and deletes a table on DynamoDB Local" {
	local ns t
	ns=$(unique_ns)
	t=${ns}infra
	run ddb_local CreateTable '{"TableName":"'"$t"'","AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"}],
		"KeySchema":[{"AttributeName":"pk","KeyType":"HASH"}],"BillingMode":"PAY_PER_REQUEST"}'
	assert_success
	run ddb_local PutItem '{"TableName":"'"$t"'","Item":{"pk":{"S":"a"},"n":{"N":"12345678901234567890"}}}'
	assert_success
	run ddb_local GetItem '{"TableName":"'"$t"'","Key":{"pk":{"S":"a"}}}'
	assert_success
	json_eq "$output" '{"Item":{"n":{"N":"12345678901234567890"},"pk":{"S":"a"}}}'
	run ddb_local DescribeTable '{"TableName":"'"$t"'nope"}'
	assert_failure
	assert_output --partial ResourceNotFoundException
	run ddb_local DeleteTable '{"TableName":"'"$t"'"}'
	assert_success
}

@test "infra: json_eq ignores key order and spacing, not values" {
	json_eq '{"a":1,"b":[1,2]}' '{ "b": [1, 2], "a": 1 }'
	run json_eq '{"a":1}' '{"a":2}'
	assert_failure
	assert_output --partial '"a": 2'
	run json_eq 'not json' '{}'
	assert_failure
}

@test "infra: on_both_engines runs a function against each engine" {
	seen=$BATS_TEST_TMPDIR/seen
	record() { echo "$DDB_TEST_ENGINE $DDB_LOCAL_ENDPOINT" >>"$seen"; ddb_local ListTables >/dev/null; }
	on_both_engines record
	run cat "$seen"
	assert_line --index 0 "dynamodb-local $DDB_TEST_LOCAL_URL"
	assert_line --index 1 "dynalite $DDB_TEST_DYNALITE_URL"
	# use_* changed nothing outside the subshells
	assert_equal "$DDB_LOCAL_ENDPOINT" "$DDB_TEST_LOCAL_URL"
}

# A nested bats run of a small test file, with the suite's engines and an outside environment.
@test "infra: nested run: outside AWS_PROFILE is invisible, on_both_engines names the failing engine" {
	local f=$BATS_TEST_TMPDIR/nested/nested.bats at=@ # bats would rewrite a literal test line, even in a heredoc
	mkdir -p "${f%/*}"
	cat >"$f" <<-EOF
		load '$DDB_TEST_ROOT/test/test_helper'
		${at}test "scrubbed" {
			[[ -z \${AWS_PROFILE+set} && -z \${AWS_SECRET_ACCESS_KEY+set} && -z \${DDB_ENV+set} ]]
			[[ \$HOME == "\$BATS_TEST_TMPDIR"/* ]]
		}
		only_local() { assert_equal "\$DDB_TEST_ENGINE" dynamodb-local; echo "still running on \$DDB_TEST_ENGINE"; }
		${at}test "one engine fails" { on_both_engines only_local; }
	EOF
	# Without the outer run's BATS_* variables (its filter, its temporary directories).
	local unset_bats=() v
	for v in $(compgen -e); do [[ $v != BATS_* ]] || unset_bats+=(-u "$v"); done
	# bats writes results to fd 3 when it has one: send it to the captured output.
	nested() { env "${unset_bats[@]}" AWS_PROFILE=outside AWS_SECRET_ACCESS_KEY=outside DDB_ENV=prod bats --tap "$f" 3>&1; }
	run nested
	assert_failure
	assert_line "ok 1 scrubbed"
	assert_line "not ok 2 one engine fails"
	assert_output --partial "only_local failed against dynalite"
	assert_output --partial "still running on dynamodb-local"
	refute_output --partial "still running on dynalite"
}

@test "infra: engine_start / engine_stop run a private dynalite" {
	local url pid
	engine_start dynalite
	url=$ENGINE_URL
	pid=$ENGINE_PID
	[[ $url != "$DDB_TEST_DYNALITE_URL" ]]
	engine_answers "$url"
	engine_stop "$pid"
	run engine_answers "$url"
	assert_failure
	[[ -z $ENGINE_PIDS ]]
}

@test "infra: ddb_link runs the binary under another name" {
	local link
	link=$(ddb_link ddb-infra-probe)
	[[ -x $link ]]
	[[ $(basename "$link") == ddb-infra-probe ]]
	# it really runs ddb, and the name it is run by selects the command (ddb-version is `ddb version`)
	run -0 "$link" --version
	assert_output "ddb $(<"$DDB_TEST_ROOT/VERSION")"
	link=$(ddb_link ddb-version)
	run -0 "$link"
	[[ $output == "ddb $(<"$DDB_TEST_ROOT/VERSION") (libcurl/"* ]]
}

@test "infra: the ddb under test exists and --version exits 0" {
	[[ $DDB == /* ]]
	[[ -x $DDB_BIN ]]
	run -0 "$DDB" --version
	assert_output "ddb $(<"$DDB_TEST_ROOT/VERSION")"
}

@test "infra: make demo's script loads, seeds, lists and queries the reference table, readable when piped" {
	DDB_NAMESPACE=$(unique_ns) DDB_DEMO_BIN=$DDB run -0 --separate-stderr "$(engine_root)/test/demo"
	# each step shows its command, then its output (tables even when piped)
	assert_line '$ ddb list-tables'
	local i
	for ((i = 0; i < ${#lines[@]}; i++)); do [[ ${lines[i]} != '$ ddb list-tables' ]] || break; done
	assert_equal "${lines[i + 1]}" TableName
	assert_equal "${lines[i + 3]}" cruddur-messages
	assert_line --regexp '^\$ ddb query conversation [0-9a-f-]{36} --limit 10$'
	assert_line --regexp '^user_uuid +message_group_uuid '
	assert_line --regexp '^DynamoDB Local keeps running at .* \(stop it with: make local-stop\)\.$'
	[[ $stderr =~ [0-9]+\ written\ to\ \'cruddur-messages\',\ 0\ rejected ]]
	# an export and its import: the same number of items
	assert_line --regexp '^\$ ddb export cruddur-messages --to .*/export$'
	assert_line --regexp '^\$ ddb import .*/export --namespace .*demo_$'
	local n
	n=$(jq -s length "$(engine_root)/seed/cruddur-messages.jsonl")
	[[ $stderr =~ $n\ items\ of\ \'cruddur-messages\'\ exported\ to ]]
	[[ $stderr =~ $n\ written\ to\ \'cruddur-messages\' ]]
	assert_line "$n"
	# no escape codes off a terminal
	refute_output --partial $'\e['
}
