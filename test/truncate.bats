#!/usr/bin/env bats
# truncate.bats — ddb truncate: zero items and the same schema afterwards (both engines), --recreate (same schema,
# the stream warning), --plan and --segment, refusals (missing table, prod without --yes).

load test_helper
load bulk_helper

setup() {
	ns=$(unique_ns)
	d=$BATS_TEST_TMPDIR
	url=$DDB_TEST_LOCAL_URL
}

filled() { # URL WIRE N
	bulk_table "$1" "$2"
	rich_items "$3" >"$d/items.jsonl"
	load_items "$1" "$2" "$d/items.jsonl"
}

truncate_on() { # URL
	filled "$1" "${ns}tbl" 400
	schema=$(key_schema "$1" "${ns}tbl")
	run -0 env DDB_LOCAL_ENDPOINT="$1" "$DDB" truncate --namespace "$ns" tbl
	assert_output --partial "400 deleted from 'tbl'"
	assert_equal "$(table_count "$1" "${ns}tbl")" 0
	assert_equal "$(key_schema "$1" "${ns}tbl")" "$schema"
}

@test "truncate: every item deleted, the schema kept (DynamoDB Local and dynalite)" {
	truncate_on "$DDB_TEST_LOCAL_URL"
	ns=$(unique_ns)
	truncate_on "$DDB_TEST_DYNALITE_URL"
}

@test "truncate --recreate: empty, the same keys, GSI and stream; it says the stream ARN changes" {
	filled "$url" "${ns}rrr" 50
	ddb_raw "$url" UpdateTable '{"TableName":"'"${ns}rrr"'","StreamSpecification":{"StreamEnabled":true,"StreamViewType":"NEW_IMAGE"}}' >/dev/null
	wait_for 30 table_active "$url" "${ns}rrr"
	schema=$(key_schema "$url" "${ns}rrr")
	run -0 "$DDB" truncate --namespace "$ns" rrr --recreate
	assert_output --partial "new ARN"
	assert_equal "$(table_count "$url" "${ns}rrr")" 0
	assert_equal "$(key_schema "$url" "${ns}rrr")" "$schema"
	# the stream is back on (point-in-time recovery too, where the engine has it: DynamoDB Local and dynalite do not)
	assert_equal "$(ddb_raw "$url" DescribeTable '{"TableName":"'"${ns}rrr"'"}' | jq -r .Table.StreamSpecification.StreamViewType)" NEW_IMAGE
}

@test "truncate: --segment shares add up to every item; --plan deletes nothing" {
	filled "$url" "${ns}sss" 200
	run -0 "$DDB" truncate --namespace "$ns" sss --plan
	assert_output --partial "truncate"
	assert_equal "$(table_count "$url" "${ns}sss")" 200
	run -0 "$DDB" truncate --namespace "$ns" sss --segment 0/2
	left=$(table_count "$url" "${ns}sss")
	((left > 0 && left < 200))
	run -0 "$DDB" truncate --namespace "$ns" sss --segment 1/2
	assert_equal "$(table_count "$url" "${ns}sss")" 0
}

@test "truncate: a missing table is 66; prod without --yes is refused (64) and deletes nothing" {
	filled "$url" "${ns}ppp" 10
	run -66 "$DDB" truncate --namespace "$ns" nosuch
	export AWS_ACCESS_KEY_ID=AKIDTRUNCATE AWS_SECRET_ACCESS_KEY=truncate-secret
	run -64 "$DDB" truncate --prod --region us-east-1 --endpoint-url "$url" --namespace "$ns" ppp </dev/null
	assert_output --partial "refusing to truncate table 'ppp'"
	assert_equal "$(table_count "$url" "${ns}ppp")" 10
	run -0 "$DDB" truncate --prod --region us-east-1 --endpoint-url "$url" --namespace "$ns" ppp --yes </dev/null
	assert_equal "$(table_count "$url" "${ns}ppp")" 0
}

@test "truncate: an engine that ignores Segment is scanned with one segment (noted), and still emptied; export too" {
	filled "$url" "${ns}bli" 300
	rm -f "$d/blind.url"
	python3 "$DDB_TEST_ROOT/test/standins/segment_blind.py" --upstream "$url" --port-file "$d/blind.url" --owner $$ \
		</dev/null >"$d/blind.log" 2>&1 3>&- &
	blind_pid=$!
	wait_for 10 test -s "$d/blind.url"
	blind=$(<"$d/blind.url")
	run -0 env DDB_LOCAL_ENDPOINT="$blind" "$DDB" export --namespace "$ns" bli --to "$d/exp" --segments 4
	assert_output --partial "300 items of 'bli' exported"
	assert_output --partial "Segment"
	run -0 env DDB_LOCAL_ENDPOINT="$blind" "$DDB" truncate --namespace "$ns" bli --segments 4
	assert_output --partial "300 deleted from 'bli'"
	kill "$blind_pid" 2>/dev/null || true
	assert_equal "$(table_count "$url" "${ns}bli")" 0
}
