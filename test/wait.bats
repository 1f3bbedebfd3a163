#!/usr/bin/env bats
# wait.bats — ddb wait TABLE --exists|--gone [--timeout SEC].

load test_helper

mktable() {
	ddb_local CreateTable '{"TableName":"'"$1"'","AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"}],
		"KeySchema":[{"AttributeName":"pk","KeyType":"HASH"}],"BillingMode":"PAY_PER_REQUEST"}' >/dev/null
}

wait_both() {
	local ns
	ns=$(unique_ns)
	mktable "${ns}w"
	run -0 "$DDB" wait --namespace "$ns" w --exists --timeout 30
	assert_output "ddb: wait: 'w' is ACTIVE"
	run -0 ddb_local DescribeTable '{"TableName":"'"$ns"'w"}'
	run -0 jq -r .Table.TableStatus <<<"$output"
	assert_output ACTIVE
	run -75 "$DDB" wait --namespace "$ns" w --gone --timeout 0.3
	assert_output "ddb: wait: 'w': timed out after 0.3 s waiting for it to be gone (table ACTIVE)"
	ddb_local DeleteTable '{"TableName":"'"$ns"'w"}' >/dev/null
	run -0 "$DDB" wait --namespace "$ns" w --gone --timeout 30
	run -0 "$DDB" wait --namespace "$ns" w --gone
	run -75 "$DDB" wait --namespace "$ns" w --exists --timeout 0.3
	assert_output --partial "timed out after 0.3 s waiting for it to be ACTIVE with every index (not found yet)"
}

@test "wait --exists / --gone / --timeout (both engines; dynalite has CREATING and DELETING phases)" {
	on_both_engines wait_both
}

@test "wait --exists waits for a GSI being added" {
	local ns
	ns=$(unique_ns)
	mktable "${ns}g"
	ddb_local UpdateTable '{"TableName":"'"$ns"'g","AttributeDefinitions":[{"AttributeName":"x","AttributeType":"S"}],
		"GlobalSecondaryIndexUpdates":[{"Create":{"IndexName":"by-x","KeySchema":[{"AttributeName":"x","KeyType":"HASH"}],
		"Projection":{"ProjectionType":"ALL"}}}]}' >/dev/null
	run -0 "$DDB" wait --namespace "$ns" g --exists --timeout 30
	run -0 ddb_local DescribeTable '{"TableName":"'"$ns"'g"}'
	run -0 jq -r '.Table.GlobalSecondaryIndexes[0].IndexStatus' <<<"$output"
	assert_output ACTIVE
}

@test "wait: usage errors" {
	run -64 "$DDB" wait
	assert_output --partial "missing TABLE"
	run -64 "$DDB" wait t1
	assert_output --partial "give exactly one of --exists and --gone"
	run -64 "$DDB" wait t1 --exists --gone
	run -64 "$DDB" wait t1 t2 --exists
	run -64 "$DDB" wait t1 --exists --timeout soon
}
