#!/usr/bin/env bats
# faults.bats — ddb through a fault-injecting proxy (test/standins/fault_proxy.py) in front of the suite's engines:
# throttling (ProvisionedThroughputExceededException / ThrottlingException), 500/503, connection resets
# mid-response (after the write was applied), stalls past --timeout, corrupted bodies (wrong x-amz-crc32) and
# partial UnprocessedItems, all with a fixed seed.  What must hold: nothing lost, nothing duplicated, every item
# exactly as given; interrupted commands re-run to the right state; an exhausted retry budget exits 75 and says
# what was and was not done.  The proxy's /__stats prove the faults really happened.

load test_helper

setup() {
	ns=$(unique_ns)
	d=$BATS_TEST_TMPDIR
	proxy_pid=
}

teardown() {
	if [[ -n $proxy_pid ]]; then
		kill "$proxy_pid" 2>/dev/null || true
		wait "$proxy_pid" 2>/dev/null || true
	fi
}

# proxy_start [fault_proxy options]: a proxy in front of DDB_LOCAL_ENDPOINT; sets proxy_url and proxy_pid.
proxy_start() {
	rm -f "$d/proxy.url"
	python3 "$DDB_TEST_ROOT/test/standins/fault_proxy.py" --upstream "$DDB_LOCAL_ENDPOINT" \
		--port-file "$d/proxy.url" "$@" </dev/null >"$d/proxy.log" 2>&1 3>&- &
	proxy_pid=$!
	wait_for 10 test -s "$d/proxy.url" || { cat "$d/proxy.log"; return 1; }
	proxy_url=$(<"$d/proxy.url")
}

proxy_config() { # JSON
	curl -sS --noproxy '*' -X POST "$proxy_url/__config" --data-binary "$1" >/dev/null
}

proxy_stat() { # JQ-PATH, e.g. .faults.throttle or .by_op.Scan.stall
	curl -sS --noproxy '*' "$proxy_url/__stats" | jq "($1) // 0"
}

table_active() {
	[[ $(ddb_local DescribeTable '{"TableName":"'"$1"'"}' | jq -r '.Table.TableStatus') == ACTIVE ]]
}

table_gone() {
	! ddb_local DescribeTable '{"TableName":"'"$1"'"}' >/dev/null 2>&1
}

make_table() { # WIRE_NAME: pk S hash key, sk N range key
	ddb_local CreateTable '{"TableName":"'"$1"'","BillingMode":"PAY_PER_REQUEST",
		"AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"},{"AttributeName":"sk","AttributeType":"N"}],
		"KeySchema":[{"AttributeName":"pk","KeyType":"HASH"},{"AttributeName":"sk","KeyType":"RANGE"}]}' >/dev/null
	wait_for 20 table_active "$1"
}

# scan_typed WIRE_NAME: every item as typed JSON (keys sorted), straight from the engine, sorted.
scan_typed() {
	local t=$1 start= page
	while :; do
		page=$(ddb_local Scan '{"TableName":"'"$t"'"'"${start:+,\"ExclusiveStartKey\":$start}"'}')
		jq -c -S '.Items[] | if .tag then .tag.SS |= sort else . end' <<<"$page"
		start=$(jq -c '.LastEvaluatedKey // empty' <<<"$page")
		[[ -n $start ]] || break
	done | LC_ALL=C sort
}

# gen_items N FILE: typed items with exact 38-digit numbers, sets and strings.
gen_items() {
	jq -nc --argjson n "$1" 'range(0; $n) | {pk: {S: "p\(. % 997)"}, sk: {N: "\(.)"},
		big: {N: "9999999999999999999999999999999999999\(. % 10)"}, tag: {SS: ["all", "t\(. % 5)"]},
		s: {S: "item \(.) of the fault test: \u00e9\u6f22"}}' >"$2"
}

canonical() { # FILE: the typed items of FILE, canonical and sorted, as one checksum
	jq -c -S 'if .tag then .tag.SS |= sort else . end' "$1" | LC_ALL=C sort | sha256sum | cut -d' ' -f1
}

# ---- seed through faults --------------------------------------------------------------------------------------

@test "faults: 20000 items through 10% throttles, 2% 5xx, 1% resets, crc and UnprocessedItems: every item exactly as given" {
	local n=20000
	make_table "${ns}big"
	gen_items $n "$d/big.jsonl"
	proxy_start --seed 20240601 --targets BatchWriteItem --throttle-rate 0.10 --error-rate 0.02 --reset-rate 0.01 \
		--crc-rate 0.01 --unprocessed-rate 0.05
	run -0 "$DDB" seed --namespace "$ns" --endpoint-url "$proxy_url" --table big --timeout 20 "$d/big.jsonl"
	assert_output --regexp "^ddb: seed: $n written to 'big', 0 rejected, 0 not written, [0-9]+ retried, [0-9.]+ s, [0-9]+ throttled$"
	# the faults really happened, and the summary counts every throttle the writer saw
	(($(proxy_stat .faults.throttle) >= 50))
	(($(sed -E 's/.* ([0-9]+) throttled$/\1/' <<<"$output") >= $(proxy_stat .faults.throttle)))
	(($(proxy_stat .faults.error) >= 8))
	(($(proxy_stat .faults.reset) >= 3))
	(($(proxy_stat .faults.crc) >= 3))
	(($(proxy_stat .faults.unprocessed) >= 20))
	(($(proxy_stat .unprocessed_items) >= 200))
	# writes whose answers were lost were applied and sent again: idempotent puts, no harm
	(($(proxy_stat .forwarded_items) > n))
	# count and checksum of every item, read straight from the engine
	scan_typed "${ns}big" >"$d/back.jsonl"
	assert_equal "$(wc -l <"$d/back.jsonl")" "$n"
	assert_equal "$(canonical "$d/back.jsonl")" "$(canonical "$d/big.jsonl")"
	[[ ! -e $d/big.jsonl.ddb-checkpoint ]]
}

@test "faults: stalls past --timeout are retried; the seed still writes everything" {
	local n=1500
	make_table "${ns}stall"
	gen_items $n "$d/stall.jsonl"
	proxy_start --seed 7 --targets BatchWriteItem --stall-rate 0.03 --stall-seconds 5 --throttle-rate 0.05
	run -0 "$DDB" seed --namespace "$ns" --endpoint-url "$proxy_url" --table stall --timeout 1 "$d/stall.jsonl"
	assert_output --partial "$n written to 'stall', 0 rejected, 0 not written"
	(($(proxy_stat .faults.stall) >= 1))
	scan_typed "${ns}stall" >"$d/back.jsonl"
	assert_equal "$(canonical "$d/back.jsonl")" "$(canonical "$d/stall.jsonl")"
}

# ---- scan through faults --------------------------------------------------------------------------------------

@test "faults: scan through throttles, 5xx, resets, stalls and bad checksums returns each item exactly once" {
	local n=4000
	make_table "${ns}sc"
	gen_items $n "$d/sc.jsonl"
	run -0 "$DDB" seed --namespace "$ns" --table sc -q "$d/sc.jsonl"
	proxy_start --seed 99 --targets Scan --throttle-rate 0.10 --error-rate 0.03 --reset-rate 0.03 --crc-rate 0.03 \
		--stall-rate 0.01 --stall-seconds 4
	local want
	want=$(canonical "$d/sc.jsonl")
	# one segment, small pages: ~80 pages, each may fail and be re-read
	"$DDB" scan --namespace "$ns" --endpoint-url "$proxy_url" --timeout 1.5 --ddb-json --page-size 50 sc \
		>"$d/one.jsonl"
	assert_equal "$(wc -l <"$d/one.jsonl")" "$n"
	assert_equal "$(jq -c -S . "$d/one.jsonl" | LC_ALL=C sort -u | wc -l)" "$n"
	assert_equal "$(canonical "$d/one.jsonl")" "$want"
	# parallel segments
	"$DDB" scan --namespace "$ns" --endpoint-url "$proxy_url" --timeout 1.5 --ddb-json --page-size 50 \
		--segments 4 sc >"$d/seg.jsonl"
	assert_equal "$(wc -l <"$d/seg.jsonl")" "$n"
	assert_equal "$(canonical "$d/seg.jsonl")" "$want"
	(($(proxy_stat .by_op.Scan.throttle) >= 10))
	(($(proxy_stat .by_op.Scan.error) >= 2))
	(($(proxy_stat .by_op.Scan.reset) >= 2))
	(($(proxy_stat .by_op.Scan.crc) >= 2))
}

# ---- an exhausted retry budget ---------------------------------------------------------------------------------

@test "faults: seed with its retry budget exhausted exits 75, says what was and was not written; --resume finishes the rest" {
	local n=2000
	make_table "${ns}ex"
	gen_items $n "$d/ex.jsonl"
	# throttles are answered without forwarding: what the engine holds is exactly what ddb confirmed
	proxy_start --seed 5 --targets BatchWriteItem --throttle-rate 0.6
	run -75 "$DDB" seed --namespace "$ns" --endpoint-url "$proxy_url" --table ex --max-retries 1 --max-attempts 1 \
		"$d/ex.jsonl"
	assert_output --regexp "the retry budget ran out: [0-9]+ written, [0-9]+ not written"
	assert_output --partial "'ddb seed --resume' with the same input finishes the rest"
	local written notw
	written=$(sed -n 's/.*the retry budget ran out: \([0-9]*\) written, \([0-9]*\) not written.*/\1/p' <<<"$output")
	notw=$(sed -n 's/.*the retry budget ran out: \([0-9]*\) written, \([0-9]*\) not written.*/\2/p' <<<"$output")
	((written > 0 && notw > 0 && written + notw == n))
	assert_equal "$(scan_typed "${ns}ex" | wc -l)" "$written"
	[[ -s $d/ex.jsonl.ddb-checkpoint ]]
	# mark one confirmed item: a resume that rewrote confirmed items would undo the mark
	local first key
	first=$(jq '.files[0].done[0][0]' "$d/ex.jsonl.ddb-checkpoint")
	key=$(sed -n "$((first + 1))p" "$d/ex.jsonl" | jq -c '{pk, sk}')
	ddb_local GetItem '{"TableName":"'"${ns}ex"'","Key":'"$key"'}' | jq -e .Item >/dev/null
	ddb_local UpdateItem '{"TableName":"'"${ns}ex"'","Key":'"$key"',"UpdateExpression":"SET s = :v",
		"ExpressionAttributeValues":{":v":{"S":"kept"}}}' >/dev/null
	# the service recovers (still some throttling): --resume writes only the rest
	proxy_config '{"throttle_rate": 0.1}'
	run -0 "$DDB" seed --namespace "$ns" --endpoint-url "$proxy_url" --table ex --resume "$d/ex.jsonl"
	assert_output --partial "$notw written to 'ex', $written already written (checkpoint), 0 rejected, 0 not written"
	[[ ! -e $d/ex.jsonl.ddb-checkpoint ]]
	scan_typed "${ns}ex" >"$d/back.jsonl"
	assert_equal "$(wc -l <"$d/back.jsonl")" "$n"
	run -0 ddb_local GetItem '{"TableName":"'"${ns}ex"'","Key":'"$key"'}'
	assert_output --partial '"kept"'
	# everything else exactly as given
	assert_equal "$(grep -v '"kept"' "$d/back.jsonl" | canonical /dev/stdin)" \
		"$(jq -c --argjson k "$key" 'select({pk, sk} != $k)' "$d/ex.jsonl" | canonical /dev/stdin)"
}

@test "faults: a key written on several lines, some not written when the budget ran out: after --resume the last line wins" {
	make_table "${ns}dup"
	# 3000 lines over 60 keys; v = the line number, so the last line of key k<i> has v = 2940 + i
	jq -nc 'range(0; 3000) | {pk: {S: "k\(. % 60)"}, sk: {N: "1"}, v: {N: "\(.)"}}' >"$d/dup.jsonl"
	proxy_start --seed 5 --targets BatchWriteItem --throttle-rate 0.6
	run -75 "$DDB" seed --namespace "$ns" --endpoint-url "$proxy_url" --table dup --max-retries 1 --max-attempts 1 \
		"$d/dup.jsonl"
	assert_output --regexp "the retry budget ran out: [0-9]+ written, [0-9]+ not written"
	# no key holds a value from a line after one of its lines that was not written
	proxy_config '{"throttle_rate": 0.1}'
	run -0 "$DDB" seed --namespace "$ns" --endpoint-url "$proxy_url" --table dup --resume "$d/dup.jsonl"
	assert_output --partial "0 rejected, 0 not written"
	scan_typed "${ns}dup" >"$d/back.jsonl"
	assert_equal "$(wc -l <"$d/back.jsonl")" 60
	assert_equal "$(jq -s 'map(select((.v.N | tonumber) != 2940 + (.pk.S[1:] | tonumber))) | length' "$d/back.jsonl")" 0
}

@test "faults: a write applied late (after its attempt timed out and was retried) never beats a later line" {
	make_table "${ns}late"
	# line 1 and line 32 write the same key; 30 other keys between them (two batches)
	{
		echo '{"pk":{"S":"k"},"sk":{"N":"1"},"v":{"S":"first"}}'
		jq -nc 'range(0; 30) | {pk: {S: "f\(.)"}, sk: {N: "1"}}'
		echo '{"pk":{"S":"k"},"sk":{"N":"1"},"v":{"S":"last"}}'
	} >"$d/late.jsonl"
	# the first BatchWriteItem is held 1.5 s and then applied, long after its 1 s attempt timed out and its retry
	# was written
	proxy_start --seed 3 --targets BatchWriteItem --late-rate 1 --late-seconds 1.5 --max-faults 1
	run -0 "$DDB" seed --namespace "$ns" --endpoint-url "$proxy_url" --table late --timeout 1 "$d/late.jsonl"
	assert_output --partial "32 written to 'late', 0 rejected, 0 not written"
	assert_equal "$(proxy_stat .faults.late)" 1
	sleep 2   # the late write has landed by now
	run -0 scan_typed "${ns}late"
	assert_equal "$(wc -l <<<"$output")" 31
	assert_equal "$(jq -r 'select(.pk.S == "k") | .v.S' <<<"$output")" last
}

@test "faults: seed when every BatchWriteItem is throttled, 5xx or reset: exit 75, nothing claimed written" {
	make_table "${ns}all"
	gen_items 100 "$d/all.jsonl"
	proxy_start --seed 1 --targets BatchWriteItem --throttle-rate 1
	run -75 "$DDB" seed --namespace "$ns" --endpoint-url "$proxy_url" --table all --max-retries 2 --max-attempts 2 \
		"$d/all.jsonl"
	assert_output --partial "0 written to 'all', 0 rejected, 100 not written"
	assert_output --partial "the retry budget ran out: 0 written, 100 not written"
	assert_output --regexp "ProvisionedThroughputExceededException|ThrottlingException"
	proxy_config '{"throttle_rate": 0, "error_rate": 1}'
	run -75 "$DDB" seed --namespace "$ns" --endpoint-url "$proxy_url" --table all --max-retries 1 --max-attempts 2 \
		"$d/all.jsonl"
	assert_output --partial "100 not written"
	assert_output --regexp "internal error|service unavailable"
	assert_equal "$(scan_typed "${ns}all" | wc -l)" 0
	# resets: the writes were applied but never confirmed, so ddb does not claim them; --resume sends them again
	proxy_config '{"error_rate": 0, "reset_rate": 1}'
	run -75 "$DDB" seed --namespace "$ns" --endpoint-url "$proxy_url" --table all --max-retries 1 --max-attempts 2 \
		"$d/all.jsonl"
	assert_output --partial "0 written to 'all', 0 rejected, 100 not written"
	proxy_config '{"reset_rate": 0}'
	run -0 "$DDB" seed --namespace "$ns" --endpoint-url "$proxy_url" --table all --resume "$d/all.jsonl"
	assert_output --partial "100 written to 'all'"
	scan_typed "${ns}all" >"$d/back.jsonl"
	assert_equal "$(canonical "$d/back.jsonl")" "$(canonical "$d/all.jsonl")"
}

@test "faults: scan with its retry budget exhausted exits 75 with a clear message" {
	make_table "${ns}sx"
	gen_items 300 "$d/sx.jsonl"
	run -0 "$DDB" seed --namespace "$ns" --table sx -q "$d/sx.jsonl"
	proxy_start --seed 3 --targets Scan --throttle-rate 1
	run -75 "$DDB" scan --namespace "$ns" --endpoint-url "$proxy_url" --max-attempts 3 sx
	assert_output --regexp "^ddb: scan: the scan is incomplete \(0 items printed\): gave up after 3 attempts: .*(ProvisionedThroughputExceededException|ThrottlingException)"
	assert_equal "$(proxy_stat .by_op.Scan.throttle)" 3
	# a failure after some pages: what was printed is said
	proxy_config '{"throttle_rate": 0, "error_rate": 1, "after": 2}'
	curl -sS -X POST "$proxy_url/__reset_stats" >/dev/null
	local rc=0
	"$DDB" scan --namespace "$ns" --endpoint-url "$proxy_url" --max-attempts 2 --page-size 100 sx \
		>"$d/part" 2>"$d/err" || rc=$?
	assert_equal "$rc" 75
	assert_equal "$(wc -l <"$d/part")" 200
	run -0 cat "$d/err"
	assert_output --regexp "^ddb: scan: the scan is incomplete \(200 items printed\): gave up after 2 attempts"
	# stalls: the per-attempt timeout, then 75
	proxy_config '{"error_rate": 0, "stall_rate": 1, "stall_seconds": 3, "after": 0}'
	run -75 "$DDB" scan --namespace "$ns" --endpoint-url "$proxy_url" --max-attempts 2 --timeout 0.5 sx
	assert_output --partial "gave up after 2 attempts"
	assert_output --partial "timed out"
	# corrupted bodies are never printed
	proxy_config '{"stall_rate": 0, "crc_rate": 1}'
	run -75 "$DDB" scan --namespace "$ns" --endpoint-url "$proxy_url" --max-attempts 2 sx
	assert_output --partial "response checksum mismatch"
	refute_output --partial '"pk"'
}

@test "faults: an error answer with a bad checksum is retried too, never read as another error" {
	proxy_start --targets DescribeTable --crc-rate 1
	run -75 "$DDB" describe --namespace "$ns" --endpoint-url "$proxy_url" --max-attempts 2 nope
	assert_output --partial "gave up after 2 attempts: response checksum mismatch"
	refute_output --partial "does not exist"
	assert_equal "$(proxy_stat .by_op.DescribeTable.crc)" 2
	proxy_config '{"crc_rate": 0}'
	run -66 "$DDB" describe --namespace "$ns" --endpoint-url "$proxy_url" nope
	assert_output --partial "table 'nope' does not exist"
}

# ---- interrupted and re-run ------------------------------------------------------------------------------------

# claimed_missing CHECKPOINT WIRE_NAME: the line numbers (= sk) the checkpoint says are written but the table lacks.
claimed_missing() {
	comm -23 <(jq -r '.files[0].done[] | range(.[0]; .[1])' "$1" | LC_ALL=C sort) \
		<(scan_typed "$2" | jq -r '.sk.N' | LC_ALL=C sort)
}

checkpoint_newer() { # FILE STAMP-FILE
	[[ $1 -nt $2 ]]
}

@test "faults: seed through throttles killed (TERM, INT, then KILL) and resumed: nothing lost, everything exact" {
	local n=20000 pid rc
	make_table "${ns}kill"
	gen_items $n "$d/kill.jsonl"
	proxy_start --seed 11 --targets BatchWriteItem --throttle-rate 0.10 --error-rate 0.02 --reset-rate 0.01
	"$DDB" seed --namespace "$ns" --endpoint-url "$proxy_url" --table kill --concurrency 2 "$d/kill.jsonl" \
		>"$d/out1" 2>&1 3>&- &
	pid=$!
	wait_for 60 test -s "$d/kill.jsonl.ddb-checkpoint"
	kill -TERM "$pid"
	rc=0
	wait "$pid" || rc=$?
	assert_equal "$rc" 130
	run -0 cat "$d/out1"
	assert_output --partial "'ddb seed --resume' with the same input finishes the rest"
	# Ctrl-C (SIGINT, a different handler) while resuming: the same clean stop, the checkpoint saved
	local done1
	done1=$(jq '[.files[0].done[] | .[1] - .[0]] | add' "$d/kill.jsonl.ddb-checkpoint")
	touch "$d/stamp"
	"$DDB" seed --namespace "$ns" --endpoint-url "$proxy_url" --table kill --concurrency 2 --resume "$d/kill.jsonl" \
		>"$d/out2" 2>&1 3>&- &
	pid=$!
	sleep 1.1
	wait_for 60 checkpoint_newer "$d/kill.jsonl.ddb-checkpoint" "$d/stamp"
	kill -INT "$pid"
	rc=0
	wait "$pid" || rc=$?
	assert_equal "$rc" 130
	run -0 cat "$d/out2"
	assert_output --partial "interrupted:"
	assert_output --partial "'ddb seed --resume' with the same input finishes the rest"
	(($(jq '[.files[0].done[] | .[1] - .[0]] | add' "$d/kill.jsonl.ddb-checkpoint") > done1))
	assert_equal "$(claimed_missing "$d/kill.jsonl.ddb-checkpoint" "${ns}kill" | wc -l)" 0
	# a third run killed without a chance to save, right after a checkpoint save: the checkpoint may lag, so some
	# items are sent twice, but everything it claims is in the table (it is replaced atomically, never torn)
	touch "$d/stamp"
	"$DDB" seed --namespace "$ns" --endpoint-url "$proxy_url" --table kill --concurrency 2 --resume "$d/kill.jsonl" \
		>"$d/out3" 2>&1 3>&- &
	pid=$!
	sleep 1.1
	wait_for 60 checkpoint_newer "$d/kill.jsonl.ddb-checkpoint" "$d/stamp"
	sleep 0.5
	kill -KILL "$pid"
	rc=0
	wait "$pid" || rc=$?
	assert_equal "$rc" 137
	jq -e '.ddb_seed_checkpoint == 2' "$d/kill.jsonl.ddb-checkpoint"
	assert_equal "$(claimed_missing "$d/kill.jsonl.ddb-checkpoint" "${ns}kill" | wc -l)" 0
	# kill -9 left the lock file behind, but not the lock: the resume takes it
	[[ -e $d/kill.jsonl.ddb-checkpoint.lock ]]
	run -0 "$DDB" seed --namespace "$ns" --endpoint-url "$proxy_url" --table kill --resume "$d/kill.jsonl"
	assert_output --regexp "[0-9]+ written to 'kill', [0-9]+ already written \(checkpoint\), 0 rejected, 0 not written"
	[[ ! -e $d/kill.jsonl.ddb-checkpoint && ! -e $d/kill.jsonl.ddb-checkpoint.lock ]]
	scan_typed "${ns}kill" >"$d/back.jsonl"
	assert_equal "$(wc -l <"$d/back.jsonl")" "$n"
	assert_equal "$(canonical "$d/back.jsonl")" "$(canonical "$d/kill.jsonl")"
}

schema_file() { # NAME FILE
	printf '%s\n' '{"TableName":"'"$1"'","BillingMode":"PAY_PER_REQUEST",
		"AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"}],
		"KeySchema":[{"AttributeName":"pk","KeyType":"HASH"}]}' >"$2"
}

stalled() { # OP
	(($(proxy_stat ".by_op.$1.stall") >= 1))
}

# run_bg_until_stalled OP CMD...: start CMD in the background, wait until the proxy stalls an OP, Ctrl-C it;
# bg_rc gets its exit status, bg_out its output.
interrupt_when_stalled() {
	local op=$1 pid
	shift
	"$@" >"$d/bg.out" 2>&1 3>&- &
	pid=$!
	wait_for 30 stalled "$op"
	kill -INT "$pid"
	bg_rc=0
	wait "$pid" || bg_rc=$?
	bg_out=$(<"$d/bg.out")
}

@test "faults: schema-load interrupted while waiting for the table, then re-run: ACTIVE and up to date (dynalite)" {
	use_dynalite
	schema_file ilt "$d/il.json"
	# the first DescribeTable (does it exist?) passes; the wait after CreateTable stalls
	proxy_start --targets DescribeTable --after 1 --stall-rate 1 --stall-seconds 60
	interrupt_when_stalled DescribeTable "$DDB" schema-load --namespace "$ns" --endpoint-url "$proxy_url" "$d/il.json"
	echo "$bg_out"
	assert_equal "$bg_rc" 130
	[[ $bg_out == *interrupted* ]]
	proxy_config '{"stall_rate": 0}'
	run -0 "$DDB" schema-load --namespace "$ns" --endpoint-url "$proxy_url" "$d/il.json"
	wait_for 20 table_active "${ns}ilt"
	run -0 "$DDB" schema-load --namespace "$ns" --endpoint-url "$proxy_url" "$d/il.json"
	assert_output --partial "ilt: up to date"
	run -0 "$DDB" schema-load --namespace "$ns" --plan "$d/il.json"
}

@test "faults: schema-load through throttles and 5xx on every call converges (both engines)" {
	local engine
	schema_file cvt "$d/cv.json"
	for engine in local dynalite; do
		"use_$engine"
		proxy_start --seed 4 --throttle-rate 0.3 --error-rate 0.1
		run -0 "$DDB" schema-load --namespace "$ns" --endpoint-url "$proxy_url" --max-attempts 20 "$d/cv.json"
		run -0 "$DDB" schema-load --namespace "$ns" --endpoint-url "$proxy_url" --max-attempts 20 "$d/cv.json"
		assert_output --partial "cvt: up to date"
		(($(proxy_stat .faults.throttle) >= 1))
		kill "$proxy_pid"
		wait "$proxy_pid" 2>/dev/null || true
		proxy_pid=
	done
}

@test "faults: drop interrupted while waiting for the delete, then re-run with --if-exists: gone (dynalite)" {
	use_dynalite
	ddb_local CreateTable '{"TableName":"'"${ns}dr"'","BillingMode":"PAY_PER_REQUEST",
		"AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"}],
		"KeySchema":[{"AttributeName":"pk","KeyType":"HASH"}]}' >/dev/null
	wait_for 20 table_active "${ns}dr"
	proxy_start --targets DescribeTable --stall-rate 1 --stall-seconds 60
	interrupt_when_stalled DescribeTable "$DDB" drop --namespace "$ns" --endpoint-url "$proxy_url" dr
	echo "$bg_out"
	assert_equal "$bg_rc" 130
	proxy_config '{"stall_rate": 0}'
	# the table may still be DELETING: the re-run must wait for it, not fail
	run -0 "$DDB" drop --namespace "$ns" --endpoint-url "$proxy_url" --if-exists dr
	table_gone "${ns}dr"
	run -0 "$DDB" drop --namespace "$ns" --endpoint-url "$proxy_url" --if-exists dr
}

@test "faults: drop whose DeleteTable answer was lost (reset after it was applied) is re-run to gone" {
	make_table "${ns}lost"
	proxy_start --targets DeleteTable --reset-rate 1
	run -75 "$DDB" drop --namespace "$ns" --endpoint-url "$proxy_url" --max-attempts 2 lost
	proxy_config '{"reset_rate": 0}'
	run -0 "$DDB" drop --namespace "$ns" --endpoint-url "$proxy_url" --if-exists lost
	table_gone "${ns}lost"
}

@test "faults: enable-stream interrupted, or with its UpdateTable answer lost, is re-run to enabled" {
	make_table "${ns}es"
	# interrupted before anything changed (the UpdateTable stalls and is never forwarded)
	proxy_start --targets UpdateTable --stall-rate 1 --stall-seconds 60
	interrupt_when_stalled UpdateTable "$DDB" enable-stream --namespace "$ns" --endpoint-url "$proxy_url" es
	echo "$bg_out"
	assert_equal "$bg_rc" 130
	run -0 ddb_local DescribeTable '{"TableName":"'"${ns}es"'"}'
	assert_equal "$(jq -r '.Table.StreamSpecification.StreamEnabled // false' <<<"$output")" false
	# applied, but the answer lost (and the retry's answer too): exit 75
	proxy_config '{"stall_rate": 0, "reset_rate": 1}'
	run -75 "$DDB" enable-stream --namespace "$ns" --endpoint-url "$proxy_url" --max-attempts 2 es
	proxy_config '{"reset_rate": 0}'
	run -0 "$DDB" enable-stream --namespace "$ns" --endpoint-url "$proxy_url" es
	assert_output --regexp "arn:aws:dynamodb:.*stream/"
	run -0 ddb_local DescribeTable '{"TableName":"'"${ns}es"'"}'
	assert_equal "$(jq -r '.Table.StreamSpecification | "\(.StreamEnabled) \(.StreamViewType)"' <<<"$output")" \
		"true NEW_IMAGE"
	run -0 "$DDB" enable-stream --namespace "$ns" --endpoint-url "$proxy_url" es
	assert_output --partial "nothing to do"
}

# ---- the proxy itself -----------------------------------------------------------------------------------------

@test "faults: the proxy is deterministic for a seed and forwards faithfully when no fault is chosen" {
	make_table "${ns}px"
	proxy_start --seed 42
	run -0 "$DDB" list-tables --namespace "$ns" --endpoint-url "$proxy_url" -o json
	json_eq "$output" '["px"]'
	assert_equal "$(proxy_stat .forwarded)" 1
	# the same seed draws the same faults for the same request sequence
	local a b
	kill "$proxy_pid"
	wait "$proxy_pid" 2>/dev/null || true
	proxy_start --seed 42 --throttle-rate 0.5
	for _ in 1 2 3 4 5 6 7 8; do "$DDB" list-tables --endpoint-url "$proxy_url" --max-attempts 1 >/dev/null 2>&1 || true; done
	a=$(proxy_stat .faults.throttle)
	kill "$proxy_pid"
	wait "$proxy_pid" 2>/dev/null || true
	proxy_start --seed 42 --throttle-rate 0.5
	for _ in 1 2 3 4 5 6 7 8; do "$DDB" list-tables --endpoint-url "$proxy_url" --max-attempts 1 >/dev/null 2>&1 || true; done
	b=$(proxy_stat .faults.throttle)
	assert_equal "$a" "$b"
	((a > 0 && a < 8))
}

# loop_start: test/standins/loop_pager.py, whose every page names the token its request was sent with; sets loop_url.
loop_start() {
	rm -f "$d/loop.url"
	python3 "$DDB_TEST_ROOT/test/standins/loop_pager.py" --port-file "$d/loop.url" --owner $$ \
		</dev/null >"$d/loop.log" 2>&1 3>&- &
	proxy_pid=$!
	wait_for 10 test -s "$d/loop.url" || { cat "$d/loop.log"; return 1; }
	loop_url=$(<"$d/loop.url")
}

loop_requests() { # TARGET-SUFFIX: how many requests of that operation the stand-in received
	curl -sS --noproxy '*' "$loop_url/_standin/requests" | jq --arg op "$1" '[.[] | select(.target | endswith("." + $op))] | length'
}

@test "faults: every pager stops when a page repeats its request's token (exit 65, each item once, no endless loop)" {
	loop_start
	# ListTables: a constant LastEvaluatedTableName (list-tables and drop --all page through it)
	run -65 timeout 20 "$DDB" list-tables --endpoint-url "$loop_url" -o json
	assert_output --partial "the same LastEvaluatedTableName came back twice"
	(($(loop_requests ListTables) == 2))
	(($(grep -c '"loop-a"' <<<"$output") == 1))
	# Scan: a constant LastEvaluatedKey; the item is printed once, the repeated page never
	run -65 timeout 20 "$DDB" scan loop-a --endpoint-url "$loop_url" -o jsonl
	assert_output --partial "Scan: the same LastEvaluatedKey came back twice"
	(($(grep -c '"pk"' <<<"$output") == 1))
	run -65 timeout 20 "$DDB" scan loop-a --segments 3 --endpoint-url "$loop_url" -o jsonl
	assert_output --partial "the same LastEvaluatedKey came back twice"
	# Query: the same
	run -65 timeout 20 "$DDB" query loop-a --pk a --endpoint-url "$loop_url" -o jsonl
	assert_output --partial "Query: the same LastEvaluatedKey came back twice"
	(($(grep -c '"pk"' <<<"$output") == 1))
	# DescribeStream: a constant LastEvaluatedShardId
	run -65 timeout 20 "$DDB" stream tail loop-a --endpoint-url "$loop_url" --limit 1
	assert_output --partial "DescribeStream: the same LastEvaluatedShardId came back twice"
	# ListStreams and Cognito's ListUsers: the same mechanism (pager_paginate, lib/aws/pager.h)
	run -65 timeout 20 "$DDB" stream list --endpoint-url "$loop_url" -o jsonl
	assert_output --partial "the same LastEvaluatedStreamArn came back twice"
	(($(grep -c '"StreamArn"' <<<"$output") == 1))
	run -65 timeout 20 "$DDB" cognito list-users --user-pool-id eu-west-1_abc --endpoint-url "$loop_url" -o json
	assert_output --partial "the same PaginationToken came back twice"
	(($(grep -c '"u1"' <<<"$output") == 1))
}

@test "faults: a response that would parse into too many values is refused (65) before it is parsed; memory stays small" {
	rm -f "$d/loop.url"
	# 12 MB of {"Items":[{},{},...]} (4 million items) and 8 MB of {"TableNames":[1,1,...]}: each ~30x its bytes parsed
	python3 "$DDB_TEST_ROOT/test/standins/loop_pager.py" --port-file "$d/loop.url" --owner $$ --huge 4000000 \
		</dev/null >"$d/loop.log" 2>&1 3>&- &
	proxy_pid=$!
	wait_for 10 test -s "$d/loop.url"
	local url
	url=$(<"$d/loop.url")
	run -65 /usr/bin/time -f 'maxrss %M' "$DDB" scan loop-a --segments 3 --endpoint-url "$url" -o jsonl
	assert_line --partial "dynamodb Scan: the response (12000050 bytes) would parse into about 8000007 values, more than the 3000000 a response may hold: refused"
	refute_output --partial '{}'
	(($(sed -n 's/^maxrss //p' <<<"$output") < 200000))   # KB: 3 x 12 MB raw at most, never the ~1 GB parsed
	run -65 /usr/bin/time -f 'maxrss %M' "$DDB" list-tables --endpoint-url "$url"
	assert_line --partial "dynamodb ListTables: the response (8000016 bytes) would parse into about 4000003 values"
	(($(sed -n 's/^maxrss //p' <<<"$output") < 200000))
}
