#!/usr/bin/env bats
# import.bats — ddb import: export -> import round trips lossless by digest (sets, binary, 38-digit numbers,
# nesting), the table created from schema.json (namespace, --table), data files given directly, a damaged export
# refused naming the file, --plan, kill -9 and --resume, and writes at the provisioned proxy's capacity.

load test_helper
load bulk_helper

setup() {
	ns=$(unique_ns)
	d=$BATS_TEST_TMPDIR
	proxy_pid=
	url=$DDB_TEST_LOCAL_URL
}

teardown() {
	[[ -z $proxy_pid ]] || kill "$proxy_pid" 2>/dev/null || true
}

exported() { # NAME N: a table NAME of N rich items, exported to $d/exp
	bulk_table "$url" "${ns}$1"
	rich_items "$2" >"$d/items.jsonl"
	load_items "$url" "${ns}$1" "$d/items.jsonl"
	"$DDB" export --quiet --namespace "$ns" "$1" --to "$d/exp"
}

@test "import: export -> import into a new namespace is lossless (digest) and creates the table from schema.json" {
	exported tbl 400
	run -0 "$DDB" import --namespace "${ns}n_" "$d/exp"
	assert_output --partial "created table 'tbl'"
	assert_output --partial "400 written to 'tbl'"
	assert_output --partial "0 rejected, 0 not written"
	assert_equal "$(table_digest "$url" "${ns}n_tbl")" "$(table_digest "$url" "${ns}tbl")"
	assert_equal "$(key_schema "$url" "${ns}n_tbl")" "$(key_schema "$url" "${ns}tbl")"
	[[ ! -e $d/exp/.ddb-import-checkpoint ]]   # a complete run leaves no checkpoint
	# into dynalite as well (another engine, same bytes), under another name with --table
	run -0 env DDB_LOCAL_ENDPOINT="$DDB_TEST_DYNALITE_URL" "$DDB" import --namespace "$ns" --table other "$d/exp"
	assert_equal "$(table_digest "$DDB_TEST_DYNALITE_URL" "${ns}other")" "$(table_digest "$url" "${ns}tbl")"
}

@test "import: a data file given directly (gzip or not) with --table; an existing table is kept and filled" {
	exported fff 50
	bulk_table "$url" "${ns}ggg"
	f=$(ls "$d"/exp/data/*.json.gz | head -1)
	n=$(gzip -dc "$f" | wc -l | tr -d ' ')
	run -0 "$DDB" import --namespace "$ns" --table ggg "$f"
	assert_output --partial "$n written to 'ggg'"
	gzip -dc "$d"/exp/data/*.json.gz >"$d/plain.json"
	run -0 "$DDB" import --namespace "$ns" --table ggg "$d/plain.json"
	assert_equal "$(table_digest "$url" "${ns}ggg")" "$(table_digest "$url" "${ns}fff")"
	# no schema.json and no --table: nothing to name the table
	run -66 "$DDB" import --namespace "$ns" "$d/plain.json"
	assert_output --partial "give --table NAME"
}

@test "import: a damaged data file is exit 65 naming it; a missing input 66" {
	exported dmg 60
	# --resume without a checkpoint: refused before any table is created
	run -66 "$DDB" import --namespace "${ns}y_" --resume "$d/exp"
	run -1 ddb_raw "$url" DescribeTable '{"TableName":"'"${ns}y_dmg"'"}'
	f=$(ls "$d"/exp/data/*.json.gz | head -1)
	printf 'x' | dd of="$f" bs=1 seek=40 conv=notrunc 2>/dev/null
	run -65 "$DDB" import --namespace "${ns}z_" "$d/exp"
	assert_output --partial "$(basename "$f")"
	run -66 "$DDB" import --namespace "$ns" --table xxx "$d/nothere"
	assert_output --partial "nothere: No such file or directory"
	# the failed run kept its checkpoint (for its destination): another namespace's --resume is refused
	run -65 "$DDB" import --namespace "${ns}y_" --resume "$d/exp"
	assert_output --partial "another destination"
}

@test "import: --plan prints items, units and cost and creates nothing" {
	exported ppp 30
	run -0 "$DDB" import --namespace "${ns}q_" --plan "$d/exp"
	assert_output --partial "import into a new table"
	assert_output --partial "30"
	run -1 ddb_raw "$url" DescribeTable '{"TableName":"'"${ns}q_ppp"'"}'
}

@test "import: kill -9 in the middle, then --resume writes the rest; every item is there once" {
	exported kkk 3000
	bulk_table "$url" "${ns}kk2"
	proxy_start "$url" --latency-ms 40 --wcu 0
	DDB_LOCAL_ENDPOINT=$proxy_url "$DDB" import --namespace "$ns" --table kk2 --concurrency 2 "$d/exp" \
		>"$d/out" 2>&1 &
	pid=$!
	wait_for 30 test -s "$d/exp/.ddb-import-checkpoint"
	sleep 1
	kill -9 "$pid"
	wait "$pid" || true
	before=$(table_count "$url" "${ns}kk2")
	((before > 0 && before < 3000))
	# the checkpoint is for the destination it was written for: the same endpoint (the proxy)
	run -65 "$DDB" import --namespace "$ns" --table kk2 --resume "$d/exp"
	assert_output --partial "another destination"
	run -0 env DDB_LOCAL_ENDPOINT="$proxy_url" "$DDB" import --namespace "$ns" --table kk2 --resume "$d/exp"
	assert_output --partial "confirmed by the checkpoint and not sent again"
	assert_equal "$(table_digest "$url" "${ns}kk2")" "$(table_digest "$url" "${ns}kkk")"
	[[ ! -e $d/exp/.ddb-import-checkpoint ]]
	# --resume without a checkpoint is refused (66); a checkpoint for another destination too (65)
	run -66 "$DDB" import --namespace "$ns" --table kk2 --resume "$d/exp"
	jq -c '.destination = "local http://elsewhere us-east-1 x"' <<<'{"ddb":"import-checkpoint-1","inputs":[],"done":[]}' \
		>"$d/exp/.ddb-import-checkpoint"
	run -65 "$DDB" import --namespace "$ns" --table kk2 --resume "$d/exp"
	assert_output --partial "another destination"
}

@test "import: into a provisioned table of W=200 WCU: every item written, never past W, throttles counted" {
	bulk_table "$url" "${ns}src"
	for ((i = 0; i < 1200; i++)); do printf '{"pk":{"S":"w%d"},"sk":{"N":"%d"},"v":{"S":"%s"}}\n' "$i" "$i" x; done \
		>"$d/w.jsonl"
	load_items "$url" "${ns}src" "$d/w.jsonl"
	"$DDB" export --quiet --namespace "$ns" src --to "$d/exp"
	proxy_start "$url" --wcu 200 --latency-ms 20 --burst-seconds 1
	# (reaching >= 0.9 W is a speed target: make bench measures it; a test on a shared machine checks the ceiling)
	curl -sS --noproxy '*' -X POST "$proxy_url/__reset_stats" >/dev/null
	run -0 env DDB_LOCAL_ENDPOINT="$proxy_url" "$DDB" import --namespace "${ns}w_" "$d/exp"
	assert_output --partial "1200 written"
	assert_output --regexp "[0-9]+ throttles"
	rate=$(proxy_stat .write_units_per_second)
	echo "# import at W=200: $rate WCU/s" >&3
	awk -v r="$rate" 'BEGIN { exit !(r > 0 && r <= 230) }'
	# every item accepted by the table once at least (1 unit each: under 1 KB)
	awk -v u="$(proxy_stat .write_units)" 'BEGIN { exit !(u >= 1200) }'
}

@test "import: --max-wcu 250 makes 1,000 one-KB items take about 4 s" {
	bulk_table "$url" "${ns}mmm"
	pad=$(head -c 900 /dev/zero | tr '\0' x)
	for ((i = 0; i < 1000; i++)); do printf '{"pk":{"S":"m%04d"},"sk":{"N":"%d"},"v":{"S":"%s"}}\n' "$i" "$i" "$pad"; done \
		>"$d/m.jsonl"
	load_items "$url" "${ns}mmm" "$d/m.jsonl"
	"$DDB" export --quiet --namespace "$ns" mmm --to "$d/exp"
	start=$(date +%s.%N)
	run -0 "$DDB" import --namespace "${ns}x_" --max-wcu 250 "$d/exp"
	took=$(echo "$(date +%s.%N) - $start" | bc)
	echo "# 1,000 one-KB items at --max-wcu 250: $took s" >&3
	assert_output --partial "1000 written"
	# about 4 s (the table's creation comes before the clock of the bucket starts mattering: under 1 s locally)
	awk -v t="$took" 'BEGIN { exit !(t >= 3.6 && t <= 7) }'
}
