#!/usr/bin/env bats
# transact.bats — ddb transact: a transaction that succeeds (plain and typed actions, the namespace), one that is
# cancelled (each reason by FILE:LINE, exit 4, nothing written), bad lines by FILE:LINE, the 100-action limit,
# stdin, and dynalite's missing API.

load test_helper
load items_helper

setup() {
	ns=$(unique_ns)
}

@test "transact: all actions applied (Put, Update, Delete, ConditionCheck; plain and typed; the namespace)" {
	local t=${ns}items f=$BATS_TEST_TMPDIR/tx.jsonl
	create "$t" S N
	ddb_local PutItem '{"TableName":"'"$t"'","Item":{"pk":{"S":"a"},"sk":{"N":"1"},"n":{"N":"1"}}}' >/dev/null
	ddb_local PutItem '{"TableName":"'"$t"'","Item":{"pk":{"S":"old"},"sk":{"N":"1"}}}' >/dev/null
	cat >"$f" <<-'EOF2'
		{"Put": {"TableName": "items", "Item": {"pk": "b", "sk": 2, "n": 12345678901234567890123456789012345678}}}

		{"Put": {"TableName": "items", "Item": {"pk": {"S": "c"}, "sk": {"N": "3"}, "ss": {"SS": ["x"]}}, "ConditionExpression": "attribute_not_exists(pk)"}}
		{"Update": {"TableName": "items", "Key": {"pk": "a", "sk": 1}, "UpdateExpression": "SET #n = #n + :d", "ExpressionAttributeNames": {"#n": "n"}, "ExpressionAttributeValues": {":d": 41}}}
		{"Delete": {"TableName": "items", "Key": {"pk": "old", "sk": 1}}}
		{"ConditionCheck": {"TableName": "items", "Key": {"pk": "a", "sk": 2}, "ConditionExpression": "attribute_not_exists(pk)"}}
	EOF2
	run -0 --separate-stderr "$DDB" transact "$f" --namespace "$ns"
	[[ -z $output ]]
	[[ $stderr == "ddb: transact: 5 actions applied as one transaction" ]]
	[[ $(raw_get "$t" '{"pk":{"S":"b"},"sk":{"N":"2"}}' | jq -r .n.N) == 12345678901234567890123456789012345678 ]]
	[[ $(raw_get "$t" '{"pk":{"S":"c"},"sk":{"N":"3"}}' | jq -c .ss) == '{"SS":["x"]}' ]]
	[[ $(raw_get "$t" '{"pk":{"S":"a"},"sk":{"N":"1"}}' | jq -r .n.N) == 42 ]]
	[[ $(raw_get "$t" '{"pk":{"S":"old"},"sk":{"N":"1"}}') == null ]]
	# from stdin, --quiet
	run -0 --separate-stderr "$DDB" transact - --quiet <<<'{"Put":{"TableName":"'"$t"'","Item":{"pk":"s","sk":1}}}'
	[[ -z $stderr ]]
	[[ $(raw_get "$t" '{"pk":{"S":"s"},"sk":{"N":"1"}}') != null ]]
}

@test "transact: a cancelled transaction prints each reason by FILE:LINE, exits 4 and writes nothing" {
	local t=${ns}items f=$BATS_TEST_TMPDIR/tx.jsonl
	create "$t" S N
	ddb_local PutItem '{"TableName":"'"$t"'","Item":{"pk":{"S":"a"},"sk":{"N":"1"},"n":{"N":"1"}}}' >/dev/null
	cat >"$f" <<-EOF2
		{"Put": {"TableName": "$t", "Item": {"pk": "new", "sk": 1}}}
		{"Update": {"TableName": "$t", "Key": {"pk": "a", "sk": 1}, "UpdateExpression": "SET n = :v", "ExpressionAttributeValues": {":v": 2}, "ConditionExpression": "n = :old", "ExpressionAttributeValues": {":v": 2, ":old": 5}}}
	EOF2
	# the same member twice in a line is refused before anything is sent
	run -65 --separate-stderr "$DDB" transact "$f"
	[[ $stderr == "ddb: transact: $f:2: Update: 'ExpressionAttributeValues' given twice" ]]
	cat >"$f" <<-EOF2
		{"Put": {"TableName": "$t", "Item": {"pk": "new", "sk": 1}}}

		{"Update": {"TableName": "$t", "Key": {"pk": "a", "sk": 1}, "UpdateExpression": "SET n = :v", "ConditionExpression": "n = :old", "ExpressionAttributeValues": {":v": 2, ":old": 5}}}
	EOF2
	run -4 --separate-stderr "$DDB" transact "$f"
	[[ -z $output ]]
	assert_equal "${stderr_lines[0]}" "ddb: transact: $f:1: Put '$t': None: not the cause"
	assert_equal "${stderr_lines[1]}" "ddb: transact: $f:3: Update '$t': ConditionalCheckFailed: The conditional request failed"
	[[ ${stderr_lines[2]} == "ddb: transact: transaction cancelled, nothing written: "* ]]
	[[ $(raw_get "$t" '{"pk":{"S":"new"},"sk":{"N":"1"}}') == null ]]
	[[ $(raw_get "$t" '{"pk":{"S":"a"},"sk":{"N":"1"}}' | jq -r .n.N) == 1 ]]
}

@test "transact: bad lines are refused by FILE:LINE before anything is sent; at most 100 actions" {
	local t=${ns}items f=$BATS_TEST_TMPDIR/tx.jsonl i
	create "$t" S N
	printf '%s\n' '{"Put":{"TableName":"'"$t"'","Item":{"pk":"a","sk":1}}}' '{"Put":{"TableName":"'"$t"'","Item":' >"$f"
	run -65 --separate-stderr "$DDB" transact "$f"
	[[ $stderr == "ddb: transact: $f:2: invalid JSON"* ]]
	printf '%s\n' '{"Get":{"TableName":"'"$t"'"}}' >"$f"
	run -65 --separate-stderr "$DDB" transact "$f"
	[[ $stderr == "ddb: transact: $f:1: unknown action 'Get' (Put, Update, Delete or ConditionCheck)" ]]
	printf '%s\n' '{"Delete":{"TableName":"'"$t"'","Key":{"pk":"a","sk":1},"Bogus":1}}' >"$f"
	run -65 --separate-stderr "$DDB" transact "$f"
	[[ $stderr == "ddb: transact: $f:1: Delete: unknown field 'Bogus'" ]]
	printf '%s\n' '{"Put":{"TableName":"'"$t"'","Item":{"pk":{"S":"a"},"sk":{"N":"x"}}}}' >"$f"
	run -65 --separate-stderr "$DDB" transact "$f"
	[[ $stderr == "ddb: transact: $f:1: Put: Item: "* ]]
	for i in $(seq 1 101); do echo '{"Put":{"TableName":"'"$t"'","Item":{"pk":"p","sk":'"$i"'}}}'; done >"$f"
	run -65 --separate-stderr "$DDB" transact "$f"
	[[ $stderr == "ddb: transact: $f:101: more than 100 actions (TransactWriteItems' limit); nothing was sent" ]]
	[[ $(ddb_local Scan '{"TableName":"'"$t"'","Select":"COUNT"}' | jq .Count) == 0 ]]
	run -65 --separate-stderr "$DDB" transact - </dev/null
	[[ $stderr == "ddb: transact: stdin: no actions" ]]
	# memory stays bounded: at most 16 MiB of input is read
	local big
	big=$(head -c 3000000 /dev/zero | tr '\0' x)
	for i in 1 2 3 4 5 6; do printf '{"Put":{"TableName":"%s","Item":{"pk":"b%s","sk":1,"b":"%s"}}}\n' "$t" "$i" "$big"; done >"$f.big"
	run -65 --separate-stderr "$DDB" transact "$f.big"
	[[ $stderr == "ddb: transact: $f.big:6: more than 16 MiB of actions (a transaction holds at most 4 MB); nothing was sent" ]]
	run -66 "$DDB" transact "$BATS_TEST_TMPDIR/nosuch"
	run -64 "$DDB" transact
	# exactly 100 go through
	sed -i '101d' "$f"
	run -0 "$DDB" transact "$f"
	[[ $(ddb_local Scan '{"TableName":"'"$t"'","Select":"COUNT"}' | jq .Count) == 100 ]]
}

@test "transact: dynalite has no transactions: a clear message and exit 69" {
	use_dynalite
	local t=${ns}items
	create "$t" S N
	run -69 --separate-stderr "$DDB" transact - <<<'{"Put":{"TableName":"'"$t"'","Item":{"pk":"a","sk":1}}}'
	[[ $stderr == "ddb: transact: this engine has no transactions (TransactWriteItems): use DynamoDB Local or AWS" ]]
}
