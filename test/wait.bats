#!/usr/bin/env bats
# wait.bats — ddb wait TABLE --exists|--gone [--wait-timeout SEC].

load test_helper

mktable() {
	ddb_local CreateTable '{"TableName":"'"$1"'","AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"}],
		"KeySchema":[{"AttributeName":"pk","KeyType":"HASH"}],"BillingMode":"PAY_PER_REQUEST"}' >/dev/null
}

wait_both() {
	local ns
	ns=$(unique_ns)
	mktable "${ns}w"
	run -0 "$DDB" wait --namespace "$ns" w --exists --wait-timeout 30
	assert_output "ddb: wait: 'w' is ACTIVE"
	run -0 ddb_local DescribeTable '{"TableName":"'"$ns"'w"}'
	run -0 jq -r .Table.TableStatus <<<"$output"
	assert_output ACTIVE
	run -75 "$DDB" wait --namespace "$ns" w --gone --wait-timeout 0.3
	assert_output "ddb: wait: 'w': timed out after 0.3 s waiting for it to be gone (table ACTIVE)"
	ddb_local DeleteTable '{"TableName":"'"$ns"'w"}' >/dev/null
	run -0 "$DDB" wait --namespace "$ns" w --gone --wait-timeout 30
	run -0 "$DDB" wait --namespace "$ns" w --gone
	run -75 "$DDB" wait --namespace "$ns" w --exists --wait-timeout 0.3
	assert_output --partial "timed out after 0.3 s waiting for it to be ACTIVE with every index (not found yet)"
}

@test "wait --exists / --gone / --wait-timeout (both engines; dynalite has CREATING and DELETING phases)" {
	on_both_engines wait_both
}

@test "wait --exists waits for a GSI being added" {
	# A private DynamoDB Local: in the suite's shared engine, after every other file has run, an index being added
	# has stayed CREATING for minutes (the engine's own state, seen twice in full runs, never alone); this test is
	# about wait, so it gets an engine of its own.
	local ns url pid
	engine_start dynamodb-local
	url=$ENGINE_URL
	pid=$ENGINE_PID
	ns=$(unique_ns)
	DDB_LOCAL_ENDPOINT=$url mktable "${ns}g"
	DDB_LOCAL_ENDPOINT=$url ddb_local UpdateTable '{"TableName":"'"$ns"'g","AttributeDefinitions":[{"AttributeName":"x","AttributeType":"S"}],
		"GlobalSecondaryIndexUpdates":[{"Create":{"IndexName":"by-x","KeySchema":[{"AttributeName":"x","KeyType":"HASH"}],
		"Projection":{"ProjectionType":"ALL"}}}]}' >/dev/null
	DDB_LOCAL_ENDPOINT=$url run -0 "$DDB" wait --namespace "$ns" g --exists --wait-timeout 60
	DDB_LOCAL_ENDPOINT=$url run -0 ddb_local DescribeTable '{"TableName":"'"$ns"'g"}'
	engine_stop "$pid"
	run -0 jq -r '.Table.GlobalSecondaryIndexes[0].IndexStatus' <<<"$output"
	assert_output ACTIVE
}

@test "wait: usage errors" {
	run -64 --separate-stderr "$DDB" wait
	[[ ${stderr_lines[0]} == "ddb: wait: missing TABLE" ]]
	run -64 --separate-stderr "$DDB" wait t1
	[[ ${stderr_lines[0]} == "ddb: wait: give exactly one of --exists and --gone" ]]
	run -64 --separate-stderr "$DDB" wait t1 --exists --gone
	[[ ${stderr_lines[0]} == "ddb: wait: give exactly one of --exists and --gone" ]]
	run -64 --separate-stderr "$DDB" wait t1 t2 --exists
	[[ ${stderr_lines[0]} == "ddb: wait: unexpected argument 't2' (one table at a time)" ]]
	run -64 --separate-stderr "$DDB" wait t1 --exists --wait-timeout soon
	[[ ${stderr_lines[0]} == "ddb: wait: option '--wait-timeout': 'soon' "* ]]
	[[ $stderr == *"usage: ddb wait TABLE --exists|--gone [--wait-timeout SEC]"* ]]
	# the old name of the limit is refused with the new one (it would be the global timeout of one request)
	run -64 --separate-stderr "$DDB" wait t1 --exists --timeout 30
	[[ ${stderr_lines[0]} == "ddb: wait: --timeout: the wait's limit is --wait-timeout SEC"* ]]
	run -64 --separate-stderr "$DDB" wait t1 --exists --timeout=30
	[[ ${stderr_lines[0]} == *"--wait-timeout"* ]]
	# --help lists --wait-timeout once and the global --timeout once
	run -0 "$DDB" wait --help
	[[ $(grep -c -- '--wait-timeout SEC' <<<"$output") -ge 1 ]]
	[[ $(grep -c -E -- '^ +--timeout SEC' <<<"$output") -eq 1 ]]
}
