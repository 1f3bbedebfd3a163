#!/usr/bin/env bats
# describe.bats — ddb describe TABLE: keys, indexes and status, billing, stream, TTL, counts; json and table output.

load test_helper

setup() {
	NS=$(unique_ns)
	mkdir -p "$BATS_TEST_TMPDIR/s"
	jq '.StreamSpecification = {"StreamEnabled":true,"StreamViewType":"NEW_IMAGE"}
		| .TimeToLiveSpecification = {"AttributeName":"expires_at","Enabled":true}' \
		schemas/cruddur-messages.json >"$BATS_TEST_TMPDIR/s/cruddur-messages.json"
}

@test "describe: JSON (the piped default) with keys, indexes, billing, stream, TTL, counts" {
	run -0 "$DDB" schema-load -q --namespace "$NS" "$BATS_TEST_TMPDIR/s"
	ddb_local PutItem '{"TableName":"'"$NS"'cruddur-messages","Item":{"pk":{"S":"a"},"sk":{"S":"b"},"message_group_uuid":{"S":"g"}}}' >/dev/null
	run -0 "$DDB" describe --namespace "$NS" cruddur-messages
	# The stream ARN and the table ARN depend on the engine and the clock: checked apart.
	run -0 jq -c 'del(.stream.arn, .arn)' <<<"$output"
	json_eq "$output" '{
		"table": "cruddur-messages", "wire_name": "'"$NS"'cruddur-messages", "status": "ACTIVE",
		"keys": "pk (S) HASH, sk (S) RANGE", "billing": "PROVISIONED", "read_capacity": 5, "write_capacity": 5,
		"indexes": [{"name": "message-group-sk-index", "type": "GSI", "keys": "message_group_uuid (S) HASH, sk (S) RANGE",
			"projection": "ALL", "status": "ACTIVE", "read_capacity": 5, "write_capacity": 5, "item_count": 1}],
		"stream": {"view_type": "NEW_IMAGE"},
		"ttl": {"status": "ENABLED", "attribute": "expires_at"},
		"item_count": 1, "size_bytes": '"$(ddb_local DescribeTable '{"TableName":"'"$NS"'cruddur-messages"}' | jq .Table.TableSizeBytes)"'
	}'
	run -0 "$DDB" describe --namespace "$NS" cruddur-messages -o json
	run -0 jq -e '(.stream.arn | test("/stream/")) and (.arn | endswith(":table/'"$NS"'cruddur-messages"))' <<<"$output"
}

@test "describe: table and text output list the same facts" {
	run -0 "$DDB" schema-load -q --namespace "$NS" "$BATS_TEST_TMPDIR/s"
	run -0 "$DDB" describe --namespace "$NS" cruddur-messages -o table
	# lib/cli/render.h's table: a field/value header, then a row per fact, values never cut
	assert_line --index 0 --regexp '^field +value$'
	assert_line --index 1 --regexp '^-+  -+$'
	assert_line --regexp '^table +cruddur-messages$'
	assert_line --regexp '^status +ACTIVE$'
	assert_line --regexp '^keys +pk \(S\) HASH, sk \(S\) RANGE$'
	assert_line --regexp '^billing +PROVISIONED \(read 5, write 5\)$'
	assert_line --regexp '^index +GSI message-group-sk-index: message_group_uuid \(S\) HASH, sk \(S\) RANGE; ALL; read 5, write 5; ACTIVE$'
	assert_line --regexp '^stream +NEW_IMAGE arn:aws:dynamodb:.*/stream/'
	assert_line --regexp '^ttl +ENABLED \(expires_at\)$'
	assert_line --regexp '^items +0$'
	assert_line --regexp '^size +0 bytes$'
	run -0 "$DDB" describe --namespace "$NS" cruddur-messages -o text
	assert_line "$(printf 'billing\tPROVISIONED (read 5, write 5)')"
	assert_line "$(printf 'ttl\tENABLED (expires_at)')"
}

@test "describe: on-demand table, no stream, LSI; tags on dynalite" {
	local arn
	use_dynalite
	# lsi.json is provisioned: made on-demand here
	mkdir -p "$BATS_TEST_TMPDIR/od"
	jq 'del(.ProvisionedThroughput) | .BillingMode = "PAY_PER_REQUEST"' test/data/schemas/good/lsi.json \
		>"$BATS_TEST_TMPDIR/od/lsi.json"
	run -0 "$DDB" schema-load -q --namespace "$NS" --tag env=ci "$BATS_TEST_TMPDIR/od/lsi.json"
	local t
	t=$(jq -r .TableName test/data/schemas/good/lsi.json)
	run -0 "$DDB" describe --namespace "$NS" "$t"
	local desc=$output
	# on-demand: the billing mode says so and no capacity is shown
	run -0 jq -r '.billing' <<<"$desc"
	assert_output PAY_PER_REQUEST
	run -0 jq -e 'has("read_capacity") | not' <<<"$desc"
	run -0 jq -c '{stream, tags, lsi: [.indexes[] | select(.type == "LSI") | .name] | sort}' <<<"$desc"
	json_eq "$output" '{"stream": null, "tags": {"env": "ci"}, "lsi": ["by-created", "by.blob"]}'
	run -0 "$DDB" describe --namespace "$NS" "$t" -o text
	assert_line "$(printf 'billing\tPAY_PER_REQUEST')"
}

@test "describe: an index's INCLUDE attributes on a terminal and in JSON" {
	local t
	t=$(jq -r .TableName test/data/schemas/good/lsi.json)
	run -0 "$DDB" schema-load -q --namespace "$NS" test/data/schemas/good/lsi.json
	run -0 "$DDB" describe --namespace "$NS" "$t" -o table
	assert_line --regexp '^index +LSI by-created: pk \(S\) HASH, created_at \(N\) RANGE; INCLUDE \(title, body\); ACTIVE$'
	assert_line --regexp '^index +LSI by\.blob: pk \(S\) HASH, blob \(B\) RANGE; KEYS_ONLY; ACTIVE$'
	run -0 "$DDB" describe --namespace "$NS" "$t" -o json
	run -0 jq -c '[.indexes[] | {name, projection, non_key_attributes}] | sort_by(.name)' <<<"$output"
	json_eq "$output" '[{"name":"by-created","projection":"INCLUDE","non_key_attributes":["title","body"]},
		{"name":"by.blob","projection":"KEYS_ONLY","non_key_attributes":null}]'
}

@test "describe --raw prints DescribeTable's Table object" {
	run -0 "$DDB" schema-load -q --namespace "$NS" "$BATS_TEST_TMPDIR/s"
	run -0 "$DDB" describe --namespace "$NS" --raw cruddur-messages
	run -0 jq -e '.TableName == "'"$NS"'cruddur-messages" and .TableStatus == "ACTIVE" and (.KeySchema | length) == 2' <<<"$output"
	# -o text: one "member<TAB>compact JSON" line per member of the Table object
	run -0 "$DDB" describe --namespace "$NS" --raw cruddur-messages -o text
	assert_line "$(printf 'TableName\t%scruddur-messages' "$NS")"
	run -0 jq -e '.[0].AttributeName == "pk"' <<<"$(grep -P '^KeySchema\t' <<<"$output" | cut -f2)"
}

@test "describe: -o json and -o jsonl print the same object, compact on one line" {
	run -0 "$DDB" schema-load -q --namespace "$NS" "$BATS_TEST_TMPDIR/s"
	local m
	for m in json jsonl; do
		run -0 "$DDB" describe --namespace "$NS" cruddur-messages -o "$m"
		assert_equal "${#lines[@]}" 1
		run -0 jq -e '.table == "cruddur-messages" and .status == "ACTIVE" and (.indexes | length) == 1' <<<"$output"
	done
	run -0 "$DDB" describe --namespace "$NS" --raw cruddur-messages -o json
	assert_equal "${#lines[@]}" 1
	run -0 jq -e '.TableStatus == "ACTIVE"' <<<"$output"
}

@test "describe: a missing table is exit 66; usage errors are 64" {
	run -66 "$DDB" describe --namespace "$NS" nope
	assert_output "ddb: describe: table 'nope' does not exist in namespace $NS"
	run -64 "$DDB" describe
	run -64 "$DDB" describe a b
}
