#!/usr/bin/env bats
# delete.bats — ddb delete: by key, --return old (the default in prod), --condition/--if-exists (exit 4, the item
# stays), key errors, both engines.

load test_helper
load items_helper

setup() {
	ns=$(unique_ns)
}

deletes() {
	local t=${ns}items
	create "$t" S N
	ddb_local PutItem '{"TableName":"'"$t"'","Item":{"pk":{"S":"a"},"sk":{"N":"1"},"status":{"S":"open"},"ss":{"SS":["x"]}}}' >/dev/null
	ddb_local PutItem '{"TableName":"'"$t"'","Item":{"pk":{"S":"a"},"sk":{"N":"2"}}}' >/dev/null
	# a failed condition: exit 4, one line, the item stays
	run -4 --separate-stderr "$DDB" delete "$t" --pk a --sk 1 --condition status=closed
	[[ $stderr == "ddb: delete: condition failed: 'status=closed'; the item was not changed" ]]
	[[ $(raw_get "$t" '{"pk":{"S":"a"},"sk":{"N":"1"}}') != null ]]
	# --return old: what was deleted, as get prints it (typed with --ddb-json)
	run -0 "$DDB" delete "$t" --pk a --sk 1 --condition status=open --return old --ddb-json
	json_eq "$output" '{"pk":{"S":"a"},"sk":{"N":"1"},"status":{"S":"open"},"ss":{"SS":["x"]}}'
	[[ $(raw_get "$t" '{"pk":{"S":"a"},"sk":{"N":"1"}}') == null ]]
	# a missing item: not an error, unless --if-exists
	run -0 "$DDB" delete "$t" --pk a --sk 1
	[[ -z $output ]]
	run -4 --separate-stderr "$DDB" delete "$t" --pk a --sk 1 --if-exists
	[[ $stderr == *"condition failed: --if-exists (no item with this key)"* ]]
	run -0 "$DDB" delete "$t" --pk a --sk 2 --if-exists
	[[ $(raw_get "$t" '{"pk":{"S":"a"},"sk":{"N":"2"}}') == null ]]
	# key errors
	run -64 "$DDB" delete "$t" --pk a
	run -64 "$DDB" delete "$t" --pk a --sk one
	run -64 "$DDB" delete "$t" --sk 1
	run -66 "$DDB" delete "${ns}nosuch" --pk a --sk 1
}

@test "delete: by key, --condition, --if-exists, --return old (DynamoDB Local)" {
	deletes
}

@test "delete: the same on dynalite" {
	use_dynalite
	deletes
}

@test "delete: in prod it prints what it deleted and needs no --yes" {
	local t=${ns}items
	create "$t" S N
	ddb_local PutItem '{"TableName":"'"$t"'","Item":{"pk":{"S":"a"},"sk":{"N":"1"},"v":{"N":"12345678901234567890123456789012345678"}}}' >/dev/null
	export AWS_ACCESS_KEY_ID=AKIDEXAMPLE AWS_SECRET_ACCESS_KEY=secret AWS_REGION=us-east-1
	run -0 "$DDB" --prod --endpoint-url "$DDB_LOCAL_ENDPOINT" delete "$t" --pk a --sk 1 </dev/null
	[[ $output == '{"pk":"a","sk":1,"v":12345678901234567890123456789012345678}' ]]
	[[ $(raw_get "$t" '{"pk":{"S":"a"},"sk":{"N":"1"}}') == null ]]
}
