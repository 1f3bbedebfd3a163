#!/usr/bin/env bats
# put.bats — ddb put: plain and DynamoDB JSON items (exact numbers), from an argument or stdin, key checks,
# --if-not-exists and --condition (exit 4, nothing written), --return old, both engines.

load test_helper
load items_helper

setup() {
	ns=$(unique_ns)
}

put_basics() {
	local t=${ns}items
	create "$t" S N
	# plain JSON: numbers exactly as written, nested maps and lists
	run -0 --separate-stderr "$DDB" put "$t" '{"pk":"a","sk":1,"n":12345678901234567890123456789012345678,"f":0.10,"m":{"l":[true,null,"x"]}}'
	[[ -z $output ]]
	json_eq "$(raw_get "$t" '{"pk":{"S":"a"},"sk":{"N":"1"}}')" \
		'{"pk":{"S":"a"},"sk":{"N":"1"},"n":{"N":"12345678901234567890123456789012345678"},"f":{"N":"0.1"},"m":{"M":{"l":{"L":[{"BOOL":true},{"NULL":true},{"S":"x"}]}}}}'
	# DynamoDB JSON on stdin, sets and binary
	run -0 "$DDB" put "$t" - <<<'{"pk":{"S":"b"},"sk":{"N":"2"},"ss":{"SS":["y"]},"b":{"B":"AAE="}}'
	json_eq "$(raw_get "$t" '{"pk":{"S":"b"},"sk":{"N":"2"}}')" '{"pk":{"S":"b"},"sk":{"N":"2"},"ss":{"SS":["y"]},"b":{"B":"AAE="}}'
	# --return old: what was replaced, as get prints it
	run -0 "$DDB" put "$t" '{"pk":"b","sk":2,"v":"new"}' --return old
	json_eq "$output" '{"pk":"b","sk":2,"ss":["y"],"b":"AAE="}'
	run -0 "$DDB" put "$t" '{"pk":"c","sk":3}' --return old
	[[ -z $output ]]
}

@test "put: plain and typed items, exact numbers, stdin, --return old (DynamoDB Local)" {
	put_basics
}

@test "put: the same on dynalite" {
	use_dynalite
	put_basics
}

conditions() {
	local t=${ns}items before
	create "$t" S N
	run -0 "$DDB" put "$t" '{"pk":"a","sk":1,"v":1,"status":"open"}'
	before=$(raw_get "$t" '{"pk":{"S":"a"},"sk":{"N":"1"}}')
	run -4 --separate-stderr "$DDB" put "$t" '{"pk":"a","sk":1,"v":2}' --if-not-exists
	[[ $stderr == "ddb: put: condition failed: --if-not-exists; the item was not changed" ]]
	[[ -z $output ]]
	json_eq "$(raw_get "$t" '{"pk":{"S":"a"},"sk":{"N":"1"}}')" "$before"
	run -4 --separate-stderr "$DDB" put "$t" '{"pk":"a","sk":1,"v":2}' --condition status=closed
	[[ $stderr == "ddb: put: condition failed: 'status=closed'; the item was not changed" ]]
	run -4 --separate-stderr "$DDB" put "$t" '{"pk":"a","sk":1,"v":2}' --condition '#v > :v' --names '{"#v":"v"}' --values '{":v":5}'
	json_eq "$(raw_get "$t" '{"pk":{"S":"a"},"sk":{"N":"1"}}')" "$before"
	# conditions that hold: written
	run -0 "$DDB" put "$t" '{"pk":"a","sk":1,"v":2}' --condition status=open --condition 'v < :v' --values '{":v":{"N":"5"}}'
	[[ $(raw_get "$t" '{"pk":{"S":"a"},"sk":{"N":"1"}}' | jq -c .v) == '{"N":"2"}' ]]
	run -0 "$DDB" put "$t" '{"pk":"new","sk":1}' --if-not-exists
	[[ $(raw_get "$t" '{"pk":{"S":"new"},"sk":{"N":"1"}}') != null ]]
}

@test "put: --if-not-exists and --condition: a failed condition exits 4 and changes nothing (DynamoDB Local)" {
	conditions
}

@test "put: --if-not-exists and --condition on dynalite" {
	use_dynalite
	conditions
}

@test "put: bad items are refused before sending with one line (65), usage errors 64" {
	local t=${ns}items
	create "$t" S N
	run -65 --separate-stderr "$DDB" put "$t" '{"pk":"a"}'
	[[ $stderr == *"ITEM: item has no 'sk' (the table's range key)"* ]]
	run -65 --separate-stderr "$DDB" put "$t" '{"pk":"a","sk":"1"}'
	[[ $stderr == *"'sk'"* ]]
	run -65 --separate-stderr "$DDB" put "$t" '{"pk":"a","sk":1,'
	[[ $stderr == *"ITEM: invalid JSON"* ]]
	run -65 --separate-stderr "$DDB" put "$t" '{"pk":"a","sk":123456789012345678901234567890123456789}'
	[[ $stderr == *"38"* ]]
	run -65 --separate-stderr "$DDB" put "$t" - <<<'[1]'
	[[ $stderr == *"standard input: an item must be a JSON object"* ]]
	printf '{"pk":"a","sk":1,"big":"%s"}' "$(head -c 410000 /dev/zero | tr '\0' x)" >"$BATS_TEST_TMPDIR/big.json"
	run -65 --separate-stderr "$DDB" put "$t" - <"$BATS_TEST_TMPDIR/big.json"
	[[ $stderr == *"over DynamoDB's 400 KB limit"* ]]
	run -64 "$DDB" put "$t"
	run -64 "$DDB" put "$t" '{}' extra
	run -64 "$DDB" put "$t" '{"pk":"a","sk":1}' --return new
	run -66 "$DDB" put "${ns}nosuch" '{"pk":"a","sk":1}'
	[[ $(ddb_local Scan '{"TableName":"'"$t"'"}' | jq .Count) == 0 ]]
}

@test "put: in prod, what a put replaced is printed (--return old is the default); --return none skips it" {
	local t=${ns}items
	create "$t" S N
	# prod against the local engine through --endpoint-url (loopback http is allowed), with dummy credentials
	export AWS_ACCESS_KEY_ID=AKIDEXAMPLE AWS_SECRET_ACCESS_KEY=secret AWS_REGION=us-east-1
	run -0 "$DDB" --prod --endpoint-url "$DDB_LOCAL_ENDPOINT" put "$t" '{"pk":"a","sk":1,"v":1}'
	[[ -z $output ]]
	run -0 "$DDB" --prod --endpoint-url "$DDB_LOCAL_ENDPOINT" put "$t" '{"pk":"a","sk":1,"v":2}'
	json_eq "$output" '{"pk":"a","sk":1,"v":1}'
	run -0 "$DDB" --prod --endpoint-url "$DDB_LOCAL_ENDPOINT" put "$t" '{"pk":"a","sk":1,"v":3}' --return none
	[[ -z $output ]]
}
