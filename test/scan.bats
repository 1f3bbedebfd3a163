#!/usr/bin/env bats
# scan.bats — ddb scan: every page, segments, limit, filters/projections/sugar, count, index, output modes.

load test_helper

# make_table NAME [with-gsi]: pk S / sk N, optionally a GSI on grp (S) / sk.
make_table() {
	local gsi= grp=
	if [[ ${2-} == with-gsi ]]; then
		grp=',{"AttributeName":"grp","AttributeType":"S"}'
		gsi=',"GlobalSecondaryIndexes":[{"IndexName":"by-grp","KeySchema":[{"AttributeName":"grp","KeyType":"HASH"},
			{"AttributeName":"sk","KeyType":"RANGE"}],"Projection":{"ProjectionType":"ALL"}}]'
	fi
	ddb_local CreateTable '{"TableName":"'"$1"'","BillingMode":"PAY_PER_REQUEST",
		"AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"},{"AttributeName":"sk","AttributeType":"N"}'"$grp"'],
		"KeySchema":[{"AttributeName":"pk","KeyType":"HASH"},{"AttributeName":"sk","KeyType":"RANGE"}]'"$gsi"'}' >/dev/null
	wait_for 20 table_active "$1"
}

table_active() { # dynalite creates tables asynchronously
	[[ $(ddb_local DescribeTable '{"TableName":"'"$1"'"}' | jq -r '.Table.TableStatus') == ACTIVE ]]
}

# put_items TABLE FILE: typed items, one per line, written with BatchWriteItem in chunks of 25.
put_items() {
	local t=$1 f=$2 req
	while IFS= read -r req; do
		ddb_local BatchWriteItem "$req" >/dev/null
	done < <(jq -c -s --arg t "$t" 'range(0; length; 25) as $i | {RequestItems: {($t): [.[$i:$i+25][] | {PutRequest: {Item: .}}]}}' "$f")
}

# gen_items N: N typed items pk=p<i>, sk=i, grp=g<i%3>, status active/idle, n=i.
gen_items() {
	jq -nc --argjson n "$1" 'range(0; $n) | {pk: {S: "p\(.)"}, sk: {N: "\(.)"}, grp: {S: "g\(. % 3)"},
		status: {S: (if . % 2 == 0 then "active" else "idle" end)}, n: {N: "\(.)"}, name: {S: "item \(.)"}}'
}

setup() {
	ns=$(unique_ns)
	t=${ns}items
	DDB_TEST_T=$t
}

seed_items() { # N [with-gsi]
	make_table "$t" "${2-}"
	gen_items "$1" >"$BATS_TEST_TMPDIR/items.jsonl"
	put_items "$t" "$BATS_TEST_TMPDIR/items.jsonl"
}

@test "scan: every page, streamed as plain JSON lines (forced small pages)" {
	seed_items 57
	run -0 "$DDB" scan "$t" --page-size 5
	[[ $(wc -l <<<"$output") -eq 57 ]]
	run -0 jq -s -c 'map(.sk) | sort' <<<"$output"
	assert_output "$(jq -nc '[range(0;57)]')"
	# plain: numbers are numbers, strings strings
	run -0 "$DDB" scan "$t" --page-size 7 --filter pk=p4
	json_eq "$output" '{"pk":"p4","sk":4,"grp":"g1","status":"active","n":4,"name":"item 4"}'
}

@test "scan: more than 1 MB of data comes back over several pages" {
	make_table "$t"
	jq -nc 'range(0; 300) | {pk: {S: "big\(.)"}, sk: {N: "\(.)"}, pad: {S: ("x" * 5000)}}' >"$BATS_TEST_TMPDIR/big.jsonl"
	put_items "$t" "$BATS_TEST_TMPDIR/big.jsonl"
	run -0 "$DDB" scan "$t" --projection pk,sk --page-size 1000
	[[ $(wc -l <<<"$output") -eq 300 ]]
	run -0 bash -c "'$DDB' scan '$t' | jq -s 'length'"
	assert_output 300
}

@test "scan: --segments returns every item exactly once" {
	seed_items 80
	run -0 "$DDB" scan "$t" --segments 4 --page-size 3
	run -0 jq -s -c 'map(.pk) | (length, (unique | length))' <<<"$output"
	assert_output $'80\n80'
	run -0 "$DDB" scan "$t" --segments 7
	[[ $(jq -s 'map(.sk) | unique | length' <<<"$output") -eq 80 ]]
}

@test "scan: --limit is a total across pages and segments" {
	seed_items 40
	run -0 "$DDB" scan "$t" --limit 13 --page-size 4
	[[ $(wc -l <<<"$output") -eq 13 ]]
	run -0 "$DDB" scan "$t" --limit 9 --segments 3 --page-size 2
	[[ $(jq -s 'map(.pk) | unique | length' <<<"$output") -eq 9 ]]
	run -0 "$DDB" scan "$t" --limit 5 --filter status=active
	[[ $(jq -s 'map(select(.status == "active")) | length' <<<"$output") -eq 5 ]]
	run -64 "$DDB" scan "$t" --limit 0
}

@test "scan: --filter with --values (plain and typed) and --names" {
	seed_items 30
	run -0 "$DDB" scan "$t" --filter '#s = :s AND n < :n' --names '{"#s":"status"}' --values '{":s":"idle",":n":10}'
	run -0 jq -s -c 'map(.n) | sort' <<<"$output"
	assert_output '[1,3,5,7,9]'
	run -0 "$DDB" scan "$t" --filter 'n BETWEEN :a AND :b' --values '{":a":{"N":"20"},":b":{"N":"22"}}'
	run -0 jq -s -c 'map(.n) | sort' <<<"$output"
	assert_output '[20,21,22]'
	# a bad --values is a usage error, a service refusal exits 1
	run -64 "$DDB" scan "$t" --filter 'n = :a' --values '{"a":1}'
	assert_output --partial "must start with ':'"
	run -64 "$DDB" scan "$t" --filter 'n = :a' --values 'not json'
	run -1 "$DDB" scan "$t" --filter 'n = :missing'
}

@test "scan: name=value sugar types numbers, booleans and quoted strings; repeated filters are AND-ed" {
	make_table "$t"
	cat >"$BATS_TEST_TMPDIR/s.jsonl" <<-'EOF'
		{"pk":{"S":"a"},"sk":{"N":"1"},"size":{"N":"30"},"ok":{"BOOL":true},"code":{"S":"30"}}
		{"pk":{"S":"b"},"sk":{"N":"2"},"size":{"S":"30"},"ok":{"BOOL":false},"code":{"S":"x"}}
		{"pk":{"S":"c"},"sk":{"N":"3"},"size":{"N":"30"},"ok":{"BOOL":false},"code":{"S":"30"}}
	EOF
	put_items "$t" "$BATS_TEST_TMPDIR/s.jsonl"
	# size is a reserved word: the sugar's #f placeholders take care of it
	run -0 "$DDB" scan "$t" --filter size=30
	run -0 jq -s -c 'map(.pk) | sort' <<<"$output"
	assert_output '["a","c"]'
	run -0 "$DDB" scan "$t" --filter 'size="30"'
	run -0 jq -s -c 'map(.pk)' <<<"$output"
	assert_output '["b"]'
	run -0 "$DDB" scan "$t" --filter size=30 --filter ok=false
	run -0 jq -s -c 'map(.pk)' <<<"$output"
	assert_output '["c"]'
	run -0 "$DDB" scan "$t" --filter code=30 --filter 'ok = :t' --values '{":t":true}'
	run -0 jq -s -c 'map(.pk)' <<<"$output"
	assert_output '[]'
}

@test "scan: dotted sugar names are paths into maps; an attribute named with a dot needs --names" {
	make_table "$t"
	cat >"$BATS_TEST_TMPDIR/m.jsonl" <<-'EOF'
		{"pk":{"S":"nested"},"sk":{"N":"1"},"m":{"M":{"a":{"M":{"b":{"N":"5"}}}}}}
		{"pk":{"S":"literal"},"sk":{"N":"2"},"m.a.b":{"N":"5"}}
		{"pk":{"S":"other"},"sk":{"N":"3"},"m":{"M":{"a":{"M":{"b":{"N":"6"}}}}}}
	EOF
	put_items "$t" "$BATS_TEST_TMPDIR/m.jsonl"
	run -0 "$DDB" scan "$t" --filter m.a.b=5
	run -0 jq -s -c 'map(.pk)' <<<"$output"
	assert_output '["nested"]'
	run -0 "$DDB" scan "$t" --filter '#n = :v' --names '{"#n":"m.a.b"}' --values '{":v":5}'
	run -0 jq -s -c 'map(.pk)' <<<"$output"
	assert_output '["literal"]'
	run -64 --separate-stderr "$DDB" scan "$t" --filter m..b=5
	[[ $stderr == *"--filter 'm..b=5': empty name in the path"*"--names"* ]]
	# bad option values are usage errors (64); an expression DynamoDB refuses is its ValidationException (1)
	run -64 "$DDB" scan "$t" --filter 'n = :a' --values '{":a":{"N":"x"}}'
	run -64 "$DDB" scan "$t" --filter n=1e400
	run -1 "$DDB" scan "$t" --filter 'n = = :a' --values '{":a":1}'
}

@test "scan: --projection with reserved words" {
	seed_items 5
	run -0 "$DDB" scan "$t" --projection 'pk, status,name'
	run -0 jq -s -c 'map(keys) | unique' <<<"$output"
	assert_output '[["name","pk","status"]]'
	run -64 "$DDB" scan "$t" --projection 'pk,,name'
}

@test "scan: --count counts matching items, scanned count on stderr or in JSON" {
	seed_items 25
	run -0 --separate-stderr "$DDB" scan "$t" --count --filter status=active --page-size 4
	assert_output 13
	[[ $stderr == *"25 items scanned"* ]]
	run -0 "$DDB" scan "$t" --count --segments 3 -o json
	json_eq "$output" '{"Count":25,"ScannedCount":25}'
	run -64 "$DDB" scan "$t" --count --projection pk
}

@test "scan: --consistent and --index" {
	seed_items 12 with-gsi
	run -0 "$DDB" scan "$t" --consistent
	[[ $(wc -l <<<"$output") -eq 12 ]]
	run -0 "$DDB" scan "$t" --index by-grp --page-size 2
	[[ $(jq -s 'map(.pk) | unique | length' <<<"$output") -eq 12 ]]
	run -1 "$DDB" scan "$t" --index nope
}

@test "scan: --ddb-json is lossless (sets, binary, 38-digit numbers, nesting) and plain output converts" {
	make_table "$t"
	local item='{"pk":{"S":"x"},"sk":{"N":"1"},"big":{"N":"12345678901234567890123456789012345678"},
		"tiny":{"N":"0.000000000000000000000000000000000001"},"ss":{"SS":["a","b"]},"ns":{"NS":["1","2.5"]},
		"b":{"B":"AAECAw=="},"bs":{"BS":["AQ==","Ag=="]},"m":{"M":{"l":{"L":[{"S":"s"},{"N":"3"},{"NULL":true},
		{"M":{"deep":{"BOOL":false}}}]}}},"u":{"S":"h\u00e9llo \ud83d\ude00"}}'
	ddb_local PutItem '{"TableName":"'"$t"'","Item":'"$item"'}' >/dev/null
	run -0 "$DDB" scan "$t" --ddb-json
	# compare typed JSON with sets sorted (DynamoDB does not keep set order)
	local norm='walk(if type == "object" and (has("SS") or has("NS") or has("BS")) then map_values(sort) else . end)'
	json_eq "$(jq -c "$norm" <<<"$output")" "$(jq -c "$norm" <<<"$item")"
	# plain: the exact number text survives, sets become arrays, binary stays base64
	run -0 "$DDB" scan "$t"
	assert_output --partial '"big":12345678901234567890123456789012345678'
	assert_output --partial '"tiny":0.000000000000000000000000000000000001'
	run -0 jq -c '[.b, (.bs | sort), (.ss | sort), .m.l[3].deep, .m.l[2]]' <<<"$output"
	assert_output '["AAECAw==",["AQ==","Ag=="],["a","b"],false,null]'
}

@test "scan: --ddb-json output is accepted back by seed unchanged" {
	"$DDB" seed --help >/dev/null 2>&1 || skip "ddb seed is not available"
	make_table "$t"
	local item='{"pk":{"S":"x"},"sk":{"N":"1"},"big":{"N":"-1234567890123456789012345678901234567.8"},"ss":{"SS":["a"]},
		"bs":{"BS":["AQ=="]},"b":{"B":"AAECAw=="},"m":{"M":{"l":{"L":[{"NS":["1"]},{"NULL":true},{"BOOL":true}]}}}}'
	ddb_local PutItem '{"TableName":"'"$t"'","Item":'"$item"'}' >/dev/null
	"$DDB" scan "$t" --ddb-json >"$BATS_TEST_TMPDIR/dump.jsonl"
	make_table "${t}2"
	run -0 "$DDB" seed --table "${t}2" "$BATS_TEST_TMPDIR/dump.jsonl"
	run -0 "$DDB" scan "${t}2" --ddb-json
	json_eq "$output" "$item"
}

@test "scan: output modes: json array, text, table with the key attributes first" {
	seed_items 3
	run -0 "$DDB" scan "$t" -o json
	run -0 jq -c 'length' <<<"$output"
	assert_output 3
	run -0 "$DDB" scan "$t" -o table --projection name,sk,pk
	assert_line --index 0 --regexp '^pk +sk +name *$'
	[[ ${#lines[@]} -eq 5 ]]
	run -0 "$DDB" scan "$t" -o text --projection name,sk,pk --filter pk=p1
	assert_output $'p1\t1\titem 1'
}

@test "scan: -o text follows its documented rule: no header, key attributes first, then fields as first seen; missing, NULL and \"\" are all empty fields" {
	make_table "$t"
	ddb_local BatchWriteItem '{"RequestItems":{"'"$t"'":[
		{"PutRequest":{"Item":{"pk":{"S":"a"},"sk":{"N":"1"},"x":{"S":""},"y":{"N":"7"}}}},
		{"PutRequest":{"Item":{"pk":{"S":"a"},"sk":{"N":"2"},"x":{"NULL":true}}}},
		{"PutRequest":{"Item":{"pk":{"S":"a"},"sk":{"N":"3"},"z":{"S":"late"}}}}]}}' >/dev/null
	run -0 "$DDB" query "$t" --pk a -o text
	# x: "", NULL, missing -> the same empty field; y and z appear as columns from the row they first show in
	assert_equal "${lines[0]}" $'a\t1\t\t7'
	assert_equal "${lines[1]}" $'a\t2\t\t'
	assert_equal "${lines[2]}" $'a\t3\t\t\tlate'
	# the lossless way to tell them apart is JSON
	run -0 "$DDB" query "$t" --pk a -o jsonl
	assert_equal "$(jq -sc 'map(if has("x") then .x else "missing" end)' <<<"$output")" '["",null,"missing"]'
}

@test "scan: errors: missing table, missing argument, output error" {
	run -1 "$DDB" scan "${ns}nope"
	assert_output --partial "table '${ns}nope' does not exist"
	run -64 "$DDB" scan
	assert_output --partial "missing TABLE"
	seed_items 3
	if [[ -w /dev/full ]]; then
		run -74 bash -c "'$DDB' scan '$t' >/dev/full"
	fi
}

@test "scan: a reader that goes away (| head) stops the scan quietly with exit 0, not 74" {
	seed_items 600
	local seg
	for seg in 1 3; do
		run -0 --separate-stderr bash -c "set -o pipefail; '$DDB' scan '$t' --page-size 10 --segments $seg | head -n 1"
		[[ ${#lines[@]} -eq 1 ]]
		assert_equal "$stderr" ""
	done
	run -0 --separate-stderr bash -c "set -o pipefail; '$DDB' query '$t' --pk p7 | head -n 1"
	run -0 jq -c '.pk' <<<"$output"
	assert_output '"p7"'
	assert_equal "$stderr" ""
}

@test "scan: Ctrl-C stops cleanly (exit 130, says how far it got)" {
	seed_items 500
	"$DDB" scan "$t" --page-size 1 >"$BATS_TEST_TMPDIR/out" 2>"$BATS_TEST_TMPDIR/err" 3>&- &
	local pid=$! rc=0
	wait_for 20 test -s "$BATS_TEST_TMPDIR/out"
	kill -INT "$pid"
	wait "$pid" || rc=$?
	assert_equal "$rc" 130
	run cat "$BATS_TEST_TMPDIR/err"
	assert_output --regexp 'interrupted after [0-9]+ items'
	[[ $(wc -l <"$BATS_TEST_TMPDIR/out") -lt 500 ]]
}

@test "scan: namespaces: names as the user writes them" {
	make_table "${ns}ns-table"
	gen_items 4 >"$BATS_TEST_TMPDIR/i.jsonl"
	put_items "${ns}ns-table" "$BATS_TEST_TMPDIR/i.jsonl"
	run -0 "$DDB" --namespace "$ns" scan ns-table
	[[ $(wc -l <<<"$output") -eq 4 ]]
}

scan_on_engine() {
	local tt=${ns}${DDB_TEST_ENGINE}
	t=$tt
	make_table "$tt"
	gen_items 31 >"$BATS_TEST_TMPDIR/$DDB_TEST_ENGINE.jsonl"
	put_items "$tt" "$BATS_TEST_TMPDIR/$DDB_TEST_ENGINE.jsonl"
	run -0 "$DDB" scan "$tt" --page-size 4
	[[ $(jq -s 'map(.pk) | unique | length' <<<"$output") -eq 31 ]]
	run -0 "$DDB" scan "$tt" --segments 3 --page-size 5
	[[ $(jq -s 'map(.pk) | unique | length' <<<"$output") -eq 31 ]]
	run -0 "$DDB" scan "$tt" --limit 6 --filter status=idle --projection pk,status
	[[ $(jq -s 'map(select(.status == "idle")) | length' <<<"$output") -eq 6 ]]
	run -0 "$DDB" scan "$tt" --count
	assert_output 31
}

@test "scan: the main cases on DynamoDB Local and dynalite" {
	on_both_engines scan_on_engine
}

# share_pks I/N [scan options]: the pk of every item share I of N prints, one per line.
share_pks() {
	"$DDB" scan "$t" --segment "$@" | jq -r .pk
}

@test "scan: --segment I/N: the N shares are disjoint and together the whole table (with and without --segments)" {
	seed_items 60
	gen_items 60 | jq -r .pk.S | sort >"$BATS_TEST_TMPDIR/all"
	for spec in 2 3 "2 --segments 3" "3 --segments 2 --page-size 4"; do
		read -r shares opts <<<"$spec"
		: >"$BATS_TEST_TMPDIR/got"
		for ((share = 0; share < shares; share++)); do
			# shellcheck disable=SC2086
			share_pks "$share/$shares" $opts >"$BATS_TEST_TMPDIR/one" 2>"$BATS_TEST_TMPDIR/err"
			[[ ! -s $BATS_TEST_TMPDIR/err && -s $BATS_TEST_TMPDIR/one ]]   # no note; 60 items: every share has some
			cat "$BATS_TEST_TMPDIR/one" >>"$BATS_TEST_TMPDIR/got"
		done
		# disjoint (no pk twice) and complete
		run -0 bash -c "sort '$BATS_TEST_TMPDIR/got' | uniq -d"
		assert_output ""
		run -0 bash -c "sort '$BATS_TEST_TMPDIR/got' | diff - '$BATS_TEST_TMPDIR/all'"
	done
	# counts and --limit apply to the share
	run -0 "$DDB" scan "$t" --segment 0/2 --count
	c0=$output
	run -0 "$DDB" scan "$t" --segment 1/2 --count
	((c0 + output == 60 && c0 > 0 && output > 0))
	run -0 "$DDB" scan "$t" --segment 1/2 --limit 3
	[[ $(wc -l <<<"$output") -eq 3 ]]
	run -0 "$DDB" scan "$t" --segment 0/1
	[[ $(wc -l <<<"$output") -eq 60 ]]
	# bad shares are usage errors naming the option
	for bad in 2/2 1 a/2 -1/2 0/0 1/ /2 0/2x 0/1000001; do
		run -64 "$DDB" scan "$t" --segment "$bad"
		assert_output --partial "--segment '$bad': expected I/N"
	done
}

# blind_start: segment_blind.py in front of DynamoDB Local; sets blind_url.
blind_start() {
	local d=$BATS_TEST_TMPDIR
	python3 "$DDB_TEST_ROOT/test/standins/segment_blind.py" --upstream "$DDB_LOCAL_ENDPOINT" \
		--port-file "$d/blind.url" --owner $$ </dev/null >"$d/blind.log" 2>&1 3>&- &
	blind_pid=$!
	wait_for 10 test -s "$d/blind.url" || { cat "$d/blind.log"; return 1; }
	blind_url=$(<"$d/blind.url")
}

@test "scan: an endpoint that ignores Segment is found and scanned with one segment, with a note (no duplicates)" {
	seed_items 40
	blind_start
	run -0 --separate-stderr "$DDB" scan "$t" --segments 4 --page-size 7 --endpoint-url "$blind_url"
	assert_equal "$stderr" "ddb: scan: the endpoint ignores Segment (every segment is the whole table): scanning with one segment"
	run -0 jq -s -c 'map(.pk) | (length, (unique | length))' <<<"$output"
	assert_output $'40\n40'
	# two probes of Limit 1 carried a Segment; the scan itself did not
	run -0 curl -sS --noproxy '*' "$blind_url/__stats"
	run -0 jq -c '[.segmented_scans, .scans]' <<<"$output"
	assert_output '[2,8]'
	# --segment I/N: share 0 reads everything, the others nothing, so the shares still add up to the table once
	run -0 --separate-stderr "$DDB" scan "$t" --segment 0/2 --endpoint-url "$blind_url"
	[[ $(jq -s 'map(.pk) | unique | length' <<<"$output") -eq 40 && $(wc -l <<<"$output") -eq 40 ]]
	assert_equal "$stderr" "ddb: scan: the endpoint ignores Segment (every segment is the whole table): scanning with one segment"
	run -0 --separate-stderr "$DDB" scan "$t" --segment 1/2 --segments 2 --endpoint-url "$blind_url"
	assert_output ""
	assert_equal "$stderr" "ddb: scan: the endpoint ignores Segment (every segment is the whole table): share 0 of 2 reads the whole table, share 1 reads nothing"
	run -0 --separate-stderr "$DDB" scan "$t" --count --segments 3 --endpoint-url "$blind_url"
	assert_output 40
	kill "$blind_pid"
	# an engine that honours Segment: no note
	run -0 --separate-stderr "$DDB" scan "$t" --segments 4
	assert_equal "$stderr" ""
	[[ $(wc -l <<<"$output") -eq 40 ]]
}

# rcu_proxy_start OPTIONS: provisioned_proxy.py in front of DynamoDB Local; sets rcu_url.
rcu_proxy_start() {
	local d=$BATS_TEST_TMPDIR
	rm -f "$d/prov.url"
	python3 "$DDB_TEST_ROOT/test/standins/provisioned_proxy.py" --upstream "$DDB_LOCAL_ENDPOINT" \
		--port-file "$d/prov.url" --owner $$ "$@" </dev/null >"$d/prov.log" 2>&1 3>&- &
	rcu_pid=$!
	wait_for 10 test -s "$d/prov.url" || { cat "$d/prov.log"; return 1; }
	rcu_url=$(<"$d/prov.url")
}

@test "scan: --max-rcu keeps a scan under a provisioned table's read rate: never throttled, every item once" {
	make_table "$t"
	# 24 items of about 3 KB: pages of 2 read 1 unit each (eventually consistent), 12 units in all
	jq -nc 'range(0; 24) | {pk: {S: "r\(.)"}, sk: {N: "\(.)"}, pad: {S: ("x" * 3000)}}' >"$BATS_TEST_TMPDIR/r.jsonl"
	put_items "$t" "$BATS_TEST_TMPDIR/r.jsonl"
	rcu_proxy_start --rcu 4 --burst-seconds 1
	stat() { curl -sS --noproxy '*' "$rcu_url/__stats" | jq -c "$1"; }
	# unlimited: the pages come faster than 4 units/s, and the table throttles (ddb retries: still every item)
	run -0 "$DDB" scan "$t" --page-size 2 --endpoint-url "$rcu_url" --max-attempts 20
	[[ $(jq -s 'map(.pk) | unique | length' <<<"$output") -eq 24 ]]
	(($(stat .throttled) > 0))
	curl -sS --noproxy '*' -X POST "$rcu_url/__reset_stats" >/dev/null
	# --max-rcu 3: under the table's 4, not one throttle; the units used are reported
	run -0 --separate-stderr "$DDB" scan "$t" --page-size 2 --endpoint-url "$rcu_url" --max-rcu 3
	run -0 jq -s -c 'map(.pk) | (length, (unique | length))' <<<"$output"
	assert_output $'24\n24'
	assert_equal "$(stat .throttled)" 0
	[[ $stderr =~ ^ddb:\ scan:\ ([0-9.]+)\ read\ capacity\ units\ used\ \(--max-rcu\ 3\)$ ]]
	[[ ${BASH_REMATCH[1]} == 12.0 ]]
	# with segments too: the bucket is shared by the threads
	curl -sS --noproxy '*' -X POST "$rcu_url/__reset_stats" >/dev/null
	run -0 --separate-stderr "$DDB" scan "$t" --page-size 2 --segments 3 --endpoint-url "$rcu_url" --max-rcu 3
	[[ $(jq -s 'map(.pk) | unique | length' <<<"$output") -eq 24 && $(wc -l <<<"$output") -eq 24 ]]
	assert_equal "$(stat .throttled)" 0
	kill "$rcu_pid"
	run -64 "$DDB" scan "$t" --max-rcu 0
	assert_output --partial "--max-rcu"
	run -64 "$DDB" scan "$t" --max-rcu -2
}
