#!/usr/bin/env bats
# drop.bats — ddb drop: delete and wait until gone, --if-exists, --all per namespace, prod refusals.

load test_helper
load standins/moto_dynamodb

# mktable WIRE-NAME: create a small on-demand table straight on the engine (not through ddb).
mktable() {
	ddb_local CreateTable '{"TableName":"'"$1"'","AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"}],
		"KeySchema":[{"AttributeName":"pk","KeyType":"HASH"}],"BillingMode":"PAY_PER_REQUEST"}' >/dev/null
}

gone() { # WIRE-NAME: DescribeTable says ResourceNotFoundException
	run ddb_local DescribeTable '{"TableName":"'"$1"'"}'
	assert_failure
	assert_output --partial ResourceNotFoundException
}

drop_basic() {
	local ns
	ns=$(unique_ns)
	mktable "${ns}one"
	mktable "${ns}two"
	# dynalite: the tables are still CREATING here; drop waits for them before DeleteTable
	run -0 "$DDB" drop --namespace "$ns" one two
	assert_output $'one\tdropped\ntwo\tdropped'
	gone "${ns}one"
	gone "${ns}two"
	run -66 "$DDB" drop --namespace "$ns" one
	assert_output "ddb: drop: table 'one' does not exist in namespace $ns (--if-exists ignores this)"
	run -0 "$DDB" drop --namespace "$ns" --if-exists one
	assert_output --partial "'one' does not exist (nothing to drop)"
}

@test "drop: deletes, waits until gone; a missing table is 66, or 0 with --if-exists (both engines)" {
	on_both_engines drop_basic
}

@test "drop: a missing table among others: the others are dropped, exit 66" {
	local ns
	ns=$(unique_ns)
	mktable "${ns}here"
	run -66 "$DDB" drop --namespace "$ns" missing here
	assert_line $'here\tdropped'
	assert_line --partial "table 'missing' does not exist"
	gone "${ns}here"
}

drop_all() {
	local a b
	a=$(unique_ns)
	b=$(unique_ns)
	mktable "${a}t1"
	mktable "${a}t2"
	mktable "${a}t3"
	mktable "${b}t1"
	run -0 "$DDB" drop --all --namespace "$a"
	assert_output $'t1\tdropped\nt2\tdropped\nt3\tdropped'
	gone "${a}t1"
	gone "${a}t2"
	gone "${a}t3"
	run -0 ddb_local DescribeTable '{"TableName":"'"$b"'t1"}'
	run -0 "$DDB" list-tables --namespace "$b"
	assert_output t1
	run -0 "$DDB" drop --all --namespace "$a"
	assert_output --partial "no tables in namespace '$a'"
	DDB_NAMESPACE=$b run -0 "$DDB" drop --all
	gone "${b}t1"
}

@test "drop --all --namespace removes exactly that namespace's tables (both engines)" {
	on_both_engines drop_all
}

@test "drop: -o json is one array, -o jsonl one object per table, -o table lib/cli/render.h's table; notes stay on stderr" {
	local ns
	ns=$(unique_ns)
	mktable "${ns}a"
	mktable "${ns}b"
	run -0 --separate-stderr "$DDB" drop --namespace "$ns" -o json a b
	json_eq "$output" '[{"table":"a","result":"dropped"},{"table":"b","result":"dropped"}]'
	mktable "${ns}c"
	run -0 --separate-stderr "$DDB" drop --namespace "$ns" -o jsonl --if-exists c gone_already
	assert_equal "${#lines[@]}" 1
	run -0 jq -e '.table == "c" and .result == "dropped"' <<<"$output"
	mktable "${ns}d"
	run -0 --separate-stderr "$DDB" drop --namespace "$ns" -o table --no-wait d
	assert_line --index 0 --regexp '^table +result$'
	assert_line --index 2 --regexp '^d +dropping$'
	run -0 --separate-stderr "$DDB" drop --all --namespace "${ns}none_" -o json
	json_eq "$output" '[]'
	assert_equal "$stderr" "ddb: drop: no tables in namespace '${ns}none_'"
}

@test "drop --all --namespace ci_123_-style prefix leaves tables with other prefixes alone" {
	local ns
	ns=$(unique_ns)
	mktable "${ns}ci_123_a"
	mktable "${ns}ci_123_b"
	mktable "${ns}ci_1234_a"
	mktable "${ns}ci_12_a"
	run -0 "$DDB" drop --all --namespace "${ns}ci_123_"
	assert_output $'a\tdropped\nb\tdropped'
	run -0 "$DDB" list-tables --namespace "$ns"
	assert_output "ci_1234_a
ci_12_a"
	run -0 "$DDB" drop --all --namespace "$ns" -q
}

@test "drop in prod: refused without --yes when stdin is not a terminal (exit 64), done with --yes" {
	local ns
	ns=$(unique_ns)
	export AWS_REGION=us-east-1 AWS_ACCESS_KEY_ID=AKIDTEST AWS_SECRET_ACCESS_KEY=secret
	mktable "${ns}keep"
	run -64 "$DDB" drop --prod --endpoint-url "$DDB_LOCAL_ENDPOINT" --namespace "$ns" keep </dev/null
	assert_output "ddb: drop: refusing to drop table 'keep' (${ns}keep on the wire) in prod without --yes"
	run -0 ddb_local DescribeTable '{"TableName":"'"$ns"'keep"}'
	DDB_ENV=prod run -64 "$DDB" drop --endpoint-url "$DDB_LOCAL_ENDPOINT" --namespace "$ns" keep </dev/null
	run -0 "$DDB" drop --prod --endpoint-url "$DDB_LOCAL_ENDPOINT" --namespace "$ns" --yes keep </dev/null
	assert_output $'keep\tdropped'
	gone "${ns}keep"
}

@test "drop --all in prod: refused without a namespace, and without --yes" {
	local ns
	ns=$(unique_ns)
	export AWS_REGION=us-east-1 AWS_ACCESS_KEY_ID=AKIDTEST AWS_SECRET_ACCESS_KEY=secret
	mktable "${ns}a"
	run -64 "$DDB" drop --all --prod --endpoint-url "$DDB_LOCAL_ENDPOINT" --yes </dev/null
	assert_output --partial "refusing --all in prod without a namespace"
	run -0 ddb_local DescribeTable '{"TableName":"'"$ns"'a"}'
	run -64 "$DDB" drop --all --prod --endpoint-url "$DDB_LOCAL_ENDPOINT" --namespace "$ns" </dev/null
	# refused by the dispatcher's guard before the namespace is even listed
	assert_output "ddb: drop: refusing to drop every table of namespace '$ns' in prod without --yes"
	run -0 "$DDB" drop --all --prod --endpoint-url "$DDB_LOCAL_ENDPOINT" --namespace "$ns" --yes </dev/null
	assert_output $'a\tdropped'
	gone "${ns}a"
}

@test "drop --no-wait returns once dynalite accepted the delete" {
	local ns
	use_dynalite
	ns=$(unique_ns)
	mktable "${ns}slow"
	run -0 "$DDB" wait --namespace "$ns" slow --exists --wait-timeout 30
	run -0 "$DDB" drop --namespace "$ns" --no-wait slow
	assert_output $'slow\tdropping'
	run -0 "$DDB" wait --namespace "$ns" slow --gone --wait-timeout 30
	gone "${ns}slow"
}

@test "drop: usage errors" {
	run -64 "$DDB" drop
	assert_output --partial "missing TABLE (or --all)"
	run -64 "$DDB" drop --all sometable
	assert_output --partial "--all takes no table names"
}

@test "drop --all --namespace: every table of the namespace really goes on an engine that pages as moto does" {
	moto_fixture
	run -0 "$DDB" drop --all --namespace ci_7_ -o jsonl
	assert_equal "${#lines[@]}" 13
	assert_line --index 0 '{"table":"t1003","result":"dropped"}'
	run -0 moto_list
	json_eq "$(jq -c '[.[] | select(startswith("ci_7_"))]' <<<"$output")" '[]'
	json_eq "$(jq -c 'length' <<<"$output")" 117
	moto_stop
}

@test "drop --all without a namespace: refused off a terminal without --yes (64), done with --yes" {
	moto_fixture   # a private engine: this drops every table it has
	run -64 "$DDB" drop --all </dev/null
	assert_output "ddb: drop: refusing to drop all 130 tables of the engine at $MOTO_URL (no namespace) without --yes; --namespace PREFIX drops only that namespace's tables"
	run -0 moto_list
	json_eq "$(jq length <<<"$output")" 130
	run -0 --separate-stderr "$DDB" drop --all --yes -o jsonl </dev/null
	assert_equal "${#lines[@]}" 130
	run -0 moto_list
	json_eq "$output" '[]'
	moto_stop
}

@test "drop --all without a namespace on a terminal: asks for the word 'all' (a wrong answer changes nothing)" {
	moto_fixture
	unset CI
	run -64 script -qec "$(printf '%q' "$DDB") drop --all -q" /dev/null <<<"yes"
	assert_output --partial "ddb: about to drop all 130 tables of the engine at $MOTO_URL (every table: no namespace)."
	assert_output --partial "Type 'all' to confirm: "
	assert_output --partial "not confirmed ('all' was expected); nothing was changed"
	run -0 moto_list
	json_eq "$(jq length <<<"$output")" 130
	run -0 script -qec "$(printf '%q' "$DDB") drop --all -q -o jsonl" /dev/null <<<"all"
	run -0 moto_list
	json_eq "$output" '[]'
	moto_stop
}
