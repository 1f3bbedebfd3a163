#!/usr/bin/env bats
# query.bats — ddb query: key conditions (every sort key operator, index, desc, limit, N keys, errors) and the
# Cruddur conversation patterns compared with the reference app's own Query requests.

load test_helper

G1=5ae290ed-55d1-47a0-bc6d-fe2bc2700399
G2=7ab8fd1c-1111-4b4b-9c9c-000000000002
U1=b3c0a5e4-aaaa-4444-8888-000000000001
U2=b3c0a5e4-aaaa-4444-8888-000000000002

table_active() { # dynalite creates tables asynchronously
	[[ $(ddb_local DescribeTable '{"TableName":"'"$1"'"}' | jq -r '.Table.TableStatus') == ACTIVE ]]
}

create() { # JSON
	ddb_local CreateTable "$1" >/dev/null
	wait_for 20 table_active "$(jq -r .TableName <<<"$1")"
}

put_items() { # TABLE FILE (typed items, one per line)
	local req
	while IFS= read -r req; do
		ddb_local BatchWriteItem "$req" >/dev/null
	done < <(jq -c -s --arg t "$1" 'range(0; length; 25) as $i | {RequestItems: {($t): [.[$i:$i+25][] | {PutRequest: {Item: .}}]}}' "$2")
}

# The conversation data: 30 messages in G1 (8 in December 2023, 22 in 2024), 5 in G2, group rows for both users.
gen_cruddur() {
	jq -nc --arg g1 "$G1" --arg g2 "$G2" --arg u1 "$U1" --arg u2 "$U2" '
		def pad2: tostring | if length < 2 then "0" + . else . end;
		def msg($g; $t; $i; $u; $h): {pk: {S: "MSG#\($g)"}, sk: {S: $t}, message_uuid: {S: "m-\($g[0:4])-\($i)"},
			message: {S: "message \($i) in \($g[0:4])"}, user_uuid: {S: $u}, user_display_name: {S: ($h | ascii_upcase)},
			user_handle: {S: $h}};
		(range(0; 8) as $i | msg($g1; "2023-12-\(($i + 20) | pad2)T10:00:00.000000+00:00"; $i;
			(if $i % 2 == 0 then $u1 else $u2 end); (if $i % 2 == 0 then "andrewbrown" else "bayko" end))),
		(range(0; 22) as $i | msg($g1; "2024-\((($i / 2 | floor) + 1) | pad2)-\(($i % 2) * 10 + 5 | pad2)T0\($i % 10):30:00.000000+00:00";
			$i + 8; (if $i % 2 == 0 then $u1 else $u2 end); (if $i % 2 == 0 then "andrewbrown" else "bayko" end))),
		(range(0; 5) as $i | msg($g2; "2024-02-0\($i + 1)T12:00:00.000000+00:00"; $i + 100; $u1; "andrewbrown")),
		{pk: {S: "GRP#\($u1)"}, sk: {S: "2024-11-15T09:30:00.000000+00:00"}, message_group_uuid: {S: $g1},
			message: {S: "message 29 in 5ae2"}, user_uuid: {S: $u2}, user_display_name: {S: "BAYKO"}, user_handle: {S: "bayko"}},
		{pk: {S: "GRP#\($u1)"}, sk: {S: "2024-02-05T12:00:00.000000+00:00"}, message_group_uuid: {S: $g2},
			message: {S: "message 104 in 7ab8"}, user_uuid: {S: "other"}, user_display_name: {S: "OTHER"}, user_handle: {S: "other"}},
		{pk: {S: "GRP#\($u2)"}, sk: {S: "2024-11-15T09:29:00.000000+00:00"}, message_group_uuid: {S: $g1},
			message: {S: "message 29 in 5ae2"}, user_uuid: {S: $u1}, user_display_name: {S: "ANDREWBROWN"},
			user_handle: {S: "andrewbrown"}},
		(range(0; 23) as $i | {pk: {S: "GRP#many"}, sk: {S: "2024-03-\(($i + 1) | pad2)T00:00:00.000000+00:00"},
			message_group_uuid: {S: "g\($i)"}, message: {S: "m\($i)"}, user_handle: {S: "h\($i)"}})'
}

setup() {
	ns=$(unique_ns)
}

cruddur_setup() {
	ct=${ns}cruddur-messages
	create "$(jq -c --arg t "$ct" '.TableName = $t' "$DDB_TEST_ROOT/schemas/cruddur-messages.json")"
	gen_cruddur >"$BATS_TEST_TMPDIR/cruddur.jsonl"
	put_items "$ct" "$BATS_TEST_TMPDIR/cruddur.jsonl"
}

# ref_query JSON-FIELDS: the reference app's Query, typed items in the order the app shows them.
ref_query() { # EXTRA-JSON REVERSE(0/1)
	local in
	in=$(jq -c --arg t "$ct" '. + {TableName: $t, ScanIndexForward: false, Limit: 20}' <<<"$1")
	ddb_local Query "$in" | jq -c --argjson rev "$2" '.Items | if $rev == 1 then reverse else . end'
}

numbers_setup() { # pk S / sk N, pk "a" with sk 1..10, pk "b" with sk 1..3
	nt=${ns}nums
	create '{"TableName":"'"$nt"'","BillingMode":"PAY_PER_REQUEST",
		"AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"},{"AttributeName":"sk","AttributeType":"N"}],
		"KeySchema":[{"AttributeName":"pk","KeyType":"HASH"},{"AttributeName":"sk","KeyType":"RANGE"}]}'
	jq -nc '(range(1; 11) | {pk: {S: "a"}, sk: {N: "\(.)"}, odd: {BOOL: (. % 2 == 1)}}),
		(range(1; 4) | {pk: {S: "b"}, sk: {N: "\(.)"}, odd: {BOOL: false}})' >"$BATS_TEST_TMPDIR/nums.jsonl"
	put_items "$nt" "$BATS_TEST_TMPDIR/nums.jsonl"
}

sks() { # ddb query args... -> the sk values as a compact array
	"$DDB" query "$@" | jq -s -c 'map(.sk)'
}

@test "query: every sort key operator on an N sort key" {
	numbers_setup
	run -0 sks "$nt" --pk a
	assert_output '[1,2,3,4,5,6,7,8,9,10]'
	run -0 sks "$nt" --pk a --sk-eq 4
	assert_output '[4]'
	run -0 sks "$nt" --pk a --sk-lt 3
	assert_output '[1,2]'
	run -0 sks "$nt" --pk a --sk-le 3
	assert_output '[1,2,3]'
	run -0 sks "$nt" --pk a --sk-gt 8
	assert_output '[9,10]'
	run -0 sks "$nt" --pk a --sk-ge 8
	assert_output '[8,9,10]'
	run -0 sks "$nt" --pk a --sk-between 3 5
	assert_output '[3,4,5]'
	run -0 sks "$nt" --pk b
	assert_output '[1,2,3]'
	run -0 sks "$nt" --pk nobody
	assert_output '[]'
}

@test "query: --desc, --limit across pages, --filter, --projection, --count" {
	numbers_setup
	run -0 sks "$nt" --pk a --desc --limit 4
	assert_output '[10,9,8,7]'
	run -0 sks "$nt" --pk a --limit 5 --page-size 2
	assert_output '[1,2,3,4,5]'
	run -0 sks "$nt" --pk a --filter odd=true --limit 3 --page-size 2
	assert_output '[1,3,5]'
	run -0 "$DDB" query "$nt" --pk a --sk-ge 9 --projection sk
	assert_output $'{"sk":9}\n{"sk":10}'
	run -0 --separate-stderr "$DDB" query "$nt" --pk a --count --filter 'odd = :f' --values '{":f":false}'
	assert_output 5
	[[ $stderr == *"10 items evaluated"* ]]
	# the key placeholders are ours
	run -64 "$DDB" query "$nt" --pk a --filter 'odd = :pk' --values '{":pk":true}'
	assert_output --partial "':pk' is used by the key condition"
	# --count and --limit: one rule with scan (refused, not a silently ignored limit)
	run -64 --separate-stderr "$DDB" query "$nt" --pk a --count --limit 5
	[[ $stderr == *"--count cannot be combined with --limit"* ]]
	run -64 --separate-stderr "$DDB" scan "$nt" --count --limit 5
	[[ $stderr == *"--count cannot be combined with --limit"* ]]
	# repeated --values/--names merge; a placeholder given twice is a usage error
	run -0 --separate-stderr "$DDB" query "$nt" --pk a --count --filter '#o = :f OR #p = :t' \
		--values '{":f":false}' --values '{":t":true}' --names '{"#o":"odd"}' --names '{"#p":"odd"}'
	assert_output 10
	run -64 --separate-stderr "$DDB" query "$nt" --pk a --filter 'odd = :f' --values '{":f":false}' --values '{":f":true}'
	[[ $stderr == *"--values: ':f' is given twice"* ]]
	run -64 --separate-stderr "$DDB" query "$nt" --pk a --filter '#o = :f' --names '{"#o":"odd"}' --names '{"#o":"sk"}' \
		--values '{":f":false}'
	[[ $stderr == *"--names: '#o' is given twice"* ]]
}

@test "query: begins_with and the index's key schema (a GSI with S keys)" {
	cruddur_setup
	run -0 "$DDB" --namespace "$ns" query cruddur-messages --pk "MSG#$G1" --sk-begins-with 2023
	[[ $(jq -s 'length' <<<"$output") -eq 8 ]]
	run -0 "$DDB" --namespace "$ns" query cruddur-messages --index message-group-sk-index --pk "$G1" --desc
	run -0 jq -s -c 'map(.pk)' <<<"$output"
	assert_output '["GRP#'"$U1"'","GRP#'"$U2"'"]'
	run -0 "$DDB" --namespace "$ns" query cruddur-messages --index message-group-sk-index --pk "$G2" \
		--sk-begins-with 2024-02
	run -0 jq -s -c 'map(.message_group_uuid)' <<<"$output"
	assert_output '["'"$G2"'"]'
	run -1 "$DDB" --namespace "$ns" query cruddur-messages --index nope --pk x
	assert_output --partial "table 'cruddur-messages' has no index 'nope' (its indexes: message-group-sk-index)"
}

@test "query: N-typed keys are passed exactly and checked (a bad one is a usage error, 64)" {
	local t=${ns}numkey
	create '{"TableName":"'"$t"'","BillingMode":"PAY_PER_REQUEST",
		"AttributeDefinitions":[{"AttributeName":"id","AttributeType":"N"}],
		"KeySchema":[{"AttributeName":"id","KeyType":"HASH"}]}'
	ddb_local PutItem '{"TableName":"'"$t"'","Item":{"id":{"N":"12345678901234567890123456789012345678"},"v":{"S":"big"}}}' >/dev/null
	run -0 "$DDB" query "$t" --pk 12345678901234567890123456789012345678 --ddb-json
	json_eq "$output" '{"id":{"N":"12345678901234567890123456789012345678"},"v":{"S":"big"}}'
	run -0 "$DDB" query "$t" --pk 12345678901234567890123456789012345677
	assert_output ""
	run -64 "$DDB" query "$t" --pk abc
	assert_output --partial "'abc' is not a valid number (the key 'id' is of type N)"
	run -64 "$DDB" query "$t" --pk 1 --sk-eq 2
	assert_output --partial "has no sort key"
}

@test "query: usage and service errors" {
	numbers_setup
	run -64 "$DDB" query "$nt"
	assert_output --partial "missing --pk"
	run -64 "$DDB" query --pk a
	assert_output --partial "missing TABLE"
	run -64 "$DDB" query "$nt" --pk a --sk-eq 1 --sk-gt 2
	assert_output --partial "cannot be combined"
	run -64 "$DDB" query "$nt" --pk a --sk-between 1 x
	run -1 "$DDB" query "${ns}missing" --pk a
	assert_output --partial "table '${ns}missing' does not exist"
	run -64 "$DDB" query "$nt" --pk a --year 2024
}

@test "query: output modes (table keys first, json array, text)" {
	numbers_setup
	run -0 "$DDB" query "$nt" --pk b -o table --projection odd,sk,pk
	assert_line --index 0 --regexp '^pk +sk +odd *$'
	[[ ${#lines[@]} -eq 5 ]]
	run -0 "$DDB" query "$nt" --pk b -o json
	run -0 jq -c 'map(.sk)' <<<"$output"
	assert_output '[1,2,3]'
	run -0 "$DDB" query "$nt" --pk b --sk-eq 2 -o text --projection pk,sk
	assert_output $'b\t2'
}

# ---- the patterns ---------------------------------------------------------------------------------------------

@test "query conversation: the reference query (latest 20, shown oldest first), consumed capacity on stderr" {
	cruddur_setup
	local ref
	ref=$(ref_query '{"KeyConditionExpression":"pk = :pk","ExpressionAttributeValues":{":pk":{"S":"MSG#'"$G1"'"}},
		"ReturnConsumedCapacity":"TOTAL"}' 1)
	[[ $(jq length <<<"$ref") -eq 20 ]]
	run -0 --separate-stderr "$DDB" --namespace "$ns" query conversation "$G1" --ddb-json
	json_eq "$(jq -s -c . <<<"$output")" "$ref"
	[[ $stderr =~ ^consumed\ capacity:\ [0-9.]+\ RCU\ \(table\ cruddur-messages\)$ ]]
	# plain output: the same items, plain JSON, oldest first
	run -0 "$DDB" --namespace "$ns" --quiet query conversation "$G1"
	json_eq "$(jq -s -c . <<<"$output")" "$(jq -c 'map(with_entries(.value |= .S))' <<<"$ref")"
	run -0 --separate-stderr "$DDB" --namespace "$ns" -q query conversation "$G1" --limit 3
	[[ -z $stderr ]]
	run -0 jq -s -c 'map(.message_uuid)' <<<"$output"
	assert_output '["m-5ae2-27","m-5ae2-28","m-5ae2-29"]'
}

@test "query conversation: --year is the reference begins_with(sk, :year); --since/--until windows" {
	cruddur_setup
	local ref
	ref=$(ref_query '{"KeyConditionExpression":"pk = :pk AND begins_with(sk, :year)",
		"ExpressionAttributeValues":{":pk":{"S":"MSG#'"$G1"'"},":year":{"S":"2023"}},"ReturnConsumedCapacity":"TOTAL"}' 1)
	[[ $(jq length <<<"$ref") -eq 8 ]]
	run -0 "$DDB" --namespace "$ns" -q query conversation "$G1" --year 2023 --ddb-json
	json_eq "$(jq -s -c . <<<"$output")" "$ref"
	# --since/--until: inclusive, --until a prefix (the whole of 2024-02)
	run -0 "$DDB" --namespace "$ns" -q query conversation "$G1" --since 2024-01-15 --until 2024-02
	run -0 jq -s -c 'map(.sk[0:10])' <<<"$output"
	assert_output '["2024-01-15","2024-02-05","2024-02-15"]'
	run -0 "$DDB" --namespace "$ns" -q query conversation "$G1" --until 2023-12-21
	run -0 jq -s -c 'map(.sk[0:10])' <<<"$output"
	assert_output '["2023-12-20","2023-12-21"]'
	run -0 "$DDB" --namespace "$ns" -q query conversation "$G1" --since 2024-11-15T01
	run -0 jq -s -c 'map(.message_uuid)' <<<"$output"
	assert_output '["m-5ae2-29"]'
	run -64 "$DDB" --namespace "$ns" query conversation "$G1" --year 24
	run -64 "$DDB" --namespace "$ns" query conversation "$G1" --year 2024 --since 2024-01
	run -64 "$DDB" --namespace "$ns" query conversation
	assert_output --partial "missing GROUP_UUID"
}

@test "query conversations: GRP#<uuid>, newest first, 20 by default" {
	cruddur_setup
	local ref
	ref=$(ref_query '{"KeyConditionExpression":"pk = :pk","ExpressionAttributeValues":{":pk":{"S":"GRP#'"$U1"'"}}}' 0)
	run -0 "$DDB" --namespace "$ns" query conversations "$U1" --ddb-json
	json_eq "$(jq -s -c . <<<"$output")" "$ref"
	run -0 jq -s -c 'map(.message_group_uuid.S)' <<<"$output"
	assert_output '["'"$G1"'","'"$G2"'"]'
	ref=$(ref_query '{"KeyConditionExpression":"pk = :pk","ExpressionAttributeValues":{":pk":{"S":"GRP#many"}}}' 0)
	[[ $(jq length <<<"$ref") -eq 20 ]]
	run -0 "$DDB" --namespace "$ns" query conversations many --ddb-json
	json_eq "$(jq -s -c . <<<"$output")" "$ref"
	run -0 "$DDB" --namespace "$ns" query conversations many --limit 23
	[[ $(wc -l <<<"$output") -eq 23 ]]
	run -64 "$DDB" --namespace "$ns" query conversations "$U1" --year 2024
}

@test "query: the get-conversation and list-conversations links, --table" {
	cruddur_setup
	local get list
	get=$(ddb_link get-conversation)
	list=$(ddb_link list-conversations)
	run -0 "$get" "$G2" --namespace "$ns" -q
	run -0 jq -s -c 'map(.message_uuid)' <<<"$output"
	assert_output '["m-7ab8-100","m-7ab8-101","m-7ab8-102","m-7ab8-103","m-7ab8-104"]'
	run -0 "$list" "$U2" --namespace "$ns"
	run -0 jq -s -c 'map(.user_handle)' <<<"$output"
	assert_output '["andrewbrown"]'
	# --table: the same data under another name
	run -1 "$DDB" query conversations "$U2" --table "${ns}other"
	assert_output --partial "table '${ns}other' does not exist"
	run -0 "$DDB" query conversations "$U2" --table "${ns}cruddur-messages"
	[[ $(wc -l <<<"$output") -eq 1 ]]
}

@test "query conversation: on a terminal, 'handle  time  message' oldest first" {
	cruddur_setup
	run -0 script -qec "'$DDB' --namespace '$ns' -q query conversation '$G1' --limit 2" /dev/null
	local clean=${output//$'\r'/}
	assert_equal "$clean" $'@andrewbrown  2024-11-05 00:30:00  message 28 in 5ae2\n@bayko        2024-11-15 01:30:00  message 29 in 5ae2'
}

pattern_on_engine() {
	cruddur_setup
	local ref
	ref=$(ref_query '{"KeyConditionExpression":"pk = :pk AND begins_with(sk, :year)",
		"ExpressionAttributeValues":{":pk":{"S":"MSG#'"$G1"'"},":year":{"S":"2024"}},"ReturnConsumedCapacity":"TOTAL"}' 1)
	[[ $(jq length <<<"$ref") -eq 20 ]]
	run -0 "$DDB" --namespace "$ns" -q query conversation "$G1" --year 2024 --ddb-json
	json_eq "$(jq -s -c . <<<"$output")" "$ref"
	ref=$(ref_query '{"KeyConditionExpression":"pk = :pk","ExpressionAttributeValues":{":pk":{"S":"GRP#'"$U1"'"}}}' 0)
	run -0 "$DDB" --namespace "$ns" query conversations "$U1" --ddb-json
	json_eq "$(jq -s -c . <<<"$output")" "$ref"
	run -0 sks_s "$ns" cruddur-messages --pk "MSG#$G2" --sk-between 2024-02-02 2024-02-05 --desc
	assert_output '["2024-02-04","2024-02-03","2024-02-02"]'
}

sks_s() { # NS TABLE ARGS...
	local n=$1
	shift
	"$DDB" --namespace "$n" query "$@" | jq -s -c 'map(.sk[0:10])'
}

@test "query: the conversation patterns and key conditions on DynamoDB Local and dynalite" {
	on_both_engines pattern_on_engine
}

@test "query conversation: the seed file's data (when seed/cruddur-messages.jsonl exists)" {
	local f=$DDB_TEST_ROOT/seed/cruddur-messages.jsonl
	[[ -f $f ]] || skip "seed/cruddur-messages.jsonl not written yet"
	ct=${ns}cruddur-messages
	create "$(jq -c --arg t "$ct" '.TableName = $t' "$DDB_TEST_ROOT/schemas/cruddur-messages.json")"
	jq -c 'if (.pk | type) == "object" then . else with_entries(.value |= {S: tostring}) end' "$f" >"$BATS_TEST_TMPDIR/seed.jsonl"
	put_items "$ct" "$BATS_TEST_TMPDIR/seed.jsonl"
	local g
	g=$(jq -r 'select((.pk | if type == "object" then .S else . end) | startswith("MSG#")) | (.pk | if type == "object" then .S else . end)[4:]' "$f" | head -n 1)
	[[ -n $g ]]
	local ref
	ref=$(ref_query '{"KeyConditionExpression":"pk = :pk","ExpressionAttributeValues":{":pk":{"S":"MSG#'"$g"'"}}}' 1)
	run -0 "$DDB" --namespace "$ns" -q query conversation "$g" --ddb-json
	json_eq "$(jq -s -c . <<<"$output")" "$ref"
}
