#!/usr/bin/env bats
# copy.bats — ddb copy: DynamoDB Local -> dynalite with the schema and GSIs, lossless by digest; --schema-only,
# --data-only, a copy onto itself refused; kill -9 and --resume; --plan; the provisioned proxy's capacity.

load test_helper
load bulk_helper

setup() {
	ns=$(unique_ns)
	d=$BATS_TEST_TMPDIR
	proxy_pid=
	url=$DDB_TEST_LOCAL_URL
	dyn=$DDB_TEST_DYNALITE_URL
}

teardown() {
	[[ -z $proxy_pid ]] || kill "$proxy_pid" 2>/dev/null || true
}

filled() { # WIRE N
	bulk_table "$url" "$1"
	rich_items "$2" >"$d/items.jsonl"
	load_items "$url" "$1" "$d/items.jsonl"
}

@test "copy: DynamoDB Local -> dynalite creates the table with its GSI and copies every item losslessly (digest)" {
	filled "${ns}cpy" 500
	run -0 "$DDB" copy --namespace "$ns" cpy --to-endpoint-url "$dyn"
	assert_output --partial "created table 'cpy' from 'cpy'"
	assert_output --partial "500 copied from 'cpy' to 'cpy'"
	assert_equal "$(key_schema "$dyn" "${ns}cpy")" "$(key_schema "$url" "${ns}cpy")"
	assert_equal "$(table_digest "$dyn" "${ns}cpy")" "$(table_digest "$url" "${ns}cpy")"
	# under another name and namespace on the same engine
	run -0 "$DDB" copy --namespace "$ns" cpy cp2 --to-namespace "${ns}b_"
	assert_equal "$(table_digest "$url" "${ns}b_cp2")" "$(table_digest "$url" "${ns}cpy")"
	# onto itself: refused before anything
	run -64 "$DDB" copy --namespace "$ns" cpy
	assert_output --partial "the same table"
}

@test "copy: --schema-only creates an empty table; --data-only needs the table (66); a missing source is 66" {
	filled "${ns}sss" 20
	run -0 "$DDB" copy --namespace "$ns" sss ss2 --schema-only
	assert_equal "$(table_count "$url" "${ns}ss2")" 0
	assert_equal "$(key_schema "$url" "${ns}ss2")" "$(key_schema "$url" "${ns}sss")"
	run -0 "$DDB" copy --namespace "$ns" sss ss2 --data-only
	assert_equal "$(table_digest "$url" "${ns}ss2")" "$(table_digest "$url" "${ns}sss")"
	run -66 "$DDB" copy --namespace "$ns" sss ss3 --data-only
	run -66 "$DDB" copy --namespace "$ns" nosuch ss4
	run -64 "$DDB" copy --namespace "$ns" sss ss5 --schema-only --data-only
	# into prod: --yes, or the name typed on a terminal; refused off one (64), nothing created
	AWS_ACCESS_KEY_ID=AKIDCOPY AWS_SECRET_ACCESS_KEY=copy-secret run -64 "$DDB" copy --namespace "$ns" sss ss7 --to-prod \
		--to-region us-east-1 --to-endpoint-url "$dyn" </dev/null
	assert_output --partial "refusing to copy 'sss' into table 'ss7'"
	run -1 ddb_raw "$dyn" DescribeTable '{"TableName":"'"${ns}ss7"'"}'
	run -0 "$DDB" copy --namespace "$ns" sss ss6 --plan
	assert_output --partial "create the table, then copy"
	run -1 ddb_raw "$url" DescribeTable '{"TableName":"'"${ns}ss6"'"}'
}

@test "copy: kill -9 in the middle, then --resume goes on from the checkpoint; every item is there" {
	filled "${ns}kkk" 3000
	proxy_start "$dyn" --latency-ms 40 --wcu 0
	cd "$d"
	"$DDB" copy --namespace "$ns" kkk --to-endpoint-url "$proxy_url" --concurrency 2 --segments 2 >"$d/out" 2>&1 &
	pid=$!
	wait_for 60 test -s "$d/.ddb-copy-kkk-kkk.checkpoint"
	sleep 1
	kill -9 "$pid"
	wait "$pid" || true
	before=$(table_count "$dyn" "${ns}kkk")
	((before > 0 && before < 3000))
	run -0 "$DDB" copy --namespace "$ns" kkk --to-endpoint-url "$proxy_url" --segments 2 --resume
	assert_output --regexp "[1-9][0-9]* skipped \(copied before: checkpoint\)"
	assert_equal "$(table_digest "$dyn" "${ns}kkk")" "$(table_digest "$url" "${ns}kkk")"
	[[ ! -e $d/.ddb-copy-kkk-kkk.checkpoint ]]
	# the proxy's count: the resumed run did not write everything again
	(($(proxy_stat '.by_op.BatchWriteItem.items // .write_units') < 3000 * 2))
}

@test "copy: into a provisioned table of W=200 WCU: every item written, never past W, throttles counted" {
	bulk_table "$url" "${ns}src"
	for ((i = 0; i < 1200; i++)); do printf '{"pk":{"S":"w%d"},"sk":{"N":"%d"},"v":{"S":"x"}}\n' "$i" "$i"; done \
		>"$d/w.jsonl"
	load_items "$url" "${ns}src" "$d/w.jsonl"
	proxy_start "$dyn" --wcu 200 --latency-ms 20 --burst-seconds 1
	# (reaching >= 0.9 W is a speed target: make bench measures it; a test on a shared machine checks the ceiling)
	curl -sS --noproxy '*' -X POST "$proxy_url/__reset_stats" >/dev/null
	run -0 "$DDB" copy --namespace "$ns" src dst --to-endpoint-url "$proxy_url"
	assert_output --partial "1200 copied"
	assert_output --regexp "[0-9]+ throttles"
	rate=$(proxy_stat .write_units_per_second)
	echo "# copy at W=200: $rate WCU/s" >&3
	awk -v r="$rate" 'BEGIN { exit !(r > 0 && r <= 230) }'
	# every item accepted by the table once at least (1 unit each: under 1 KB)
	awk -v u="$(proxy_stat .write_units)" 'BEGIN { exit !(u >= 1200) }'
}
