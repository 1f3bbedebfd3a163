#!/usr/bin/env bats
# seed.bats — ddb seed: input shapes (JSONL plain/typed, array, request items), table from --table / file name /
# request file / namespace, exact numbers and round trips, rejects and --strict, duplicate keys, retries,
# --resume after Ctrl-C and after an exhausted retry budget, 20k items without loss, progress and --quiet.

load test_helper

setup() {
	ns=$(unique_ns)
	d=$BATS_TEST_TMPDIR
	standin_pid=
}

teardown() { # a failed test must not leave its stand-in behind
	if [[ -n $standin_pid ]]; then
		kill "$standin_pid" 2>/dev/null || true
	fi
}

table_active() { # dynalite creates tables asynchronously
	[[ $(ddb_local DescribeTable '{"TableName":"'"$1"'"}' | jq -r '.Table.TableStatus') == ACTIVE ]]
}

# make_table WIRE_NAME [SK_TYPE]: pk S hash key, optional sk range key of SK_TYPE (S or N).
make_table() {
	local attrs='{"AttributeName":"pk","AttributeType":"S"}' keys='{"AttributeName":"pk","KeyType":"HASH"}'
	if [[ -n ${2-} ]]; then
		attrs+=',{"AttributeName":"sk","AttributeType":"'"$2"'"}'
		keys+=',{"AttributeName":"sk","KeyType":"RANGE"}'
	fi
	ddb_local CreateTable '{"TableName":"'"$1"'","BillingMode":"PAY_PER_REQUEST","AttributeDefinitions":['"$attrs"'],
		"KeySchema":['"$keys"']}' >/dev/null
	wait_for 20 table_active "$1"
}

# scan_typed WIRE_NAME: every item as typed JSON, one per line, keys sorted, lines sorted (via the raw API).
scan_typed() {
	local t=$1 start= page
	while :; do
		page=$(ddb_local Scan '{"TableName":"'"$t"'"'"${start:+,\"ExclusiveStartKey\":$start}"'}')
		jq -c -S '.Items[]' <<<"$page"
		start=$(jq -c '.LastEvaluatedKey // empty' <<<"$page")
		[[ -n $start ]] || break
	done | LC_ALL=C sort
}

get_item() { # WIRE_NAME KEY_JSON -> the typed item, keys sorted
	ddb_local GetItem '{"TableName":"'"$1"'","Key":'"$2"'}' | jq -c -S '.Item'
}

# ---- the seed file and the default input ----------------------------------------------------------------

@test "seed: seed/cruddur-messages.jsonl has two GRP# rows pointing at each other and ~100 MSG# rows" {
	local f=$DDB_TEST_ROOT/seed/cruddur-messages.jsonl
	run -0 jq -s -c '[.[] | select(.pk | startswith("GRP#"))] | length' "$f"
	assert_output 2
	run -0 jq -s '[.[] | select(.pk | startswith("MSG#"))] | length' "$f"
	((output >= 90 && output <= 120))
	# every row has the reference design's attributes
	run -0 jq -s -e 'all(.[]; (.pk|type)=="string" and (.sk|test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T")) and
		(.message_group_uuid|type)=="string" and (.message|length)>0 and (.user_uuid|type)=="string" and
		(.user_display_name|type)=="string" and (.user_handle|type)=="string")' "$f"
	run -0 jq -s -e 'all(.[] | select(.pk|startswith("MSG#")); (.message_uuid|type)=="string" and
		.pk == "MSG#" + .message_group_uuid)' "$f"
	# each GRP row belongs to one user and names the other; sk and message are the last message's
	run -0 jq -s -e '
		([.[] | select(.pk|startswith("MSG#"))] | sort_by(.sk) | last) as $last |
		[.[] | select(.pk|startswith("GRP#"))] as $g |
		($g[0].pk == "GRP#" + $g[1].user_uuid) and ($g[1].pk == "GRP#" + $g[0].user_uuid) and
		all($g[]; .sk == $last.sk and .message == $last.message and .message_group_uuid == $last.message_group_uuid)' "$f"
	# both users speak
	run -0 jq -s '[.[] | select(.pk|startswith("MSG#")) | .user_handle] | unique | length' "$f"
	assert_output 2
}

seed_default_dir() {
	local t=${ns}cruddur-messages
	ddb_local CreateTable "$(jq -c --arg t "$t" '.TableName = $t' "$DDB_TEST_ROOT/schemas/cruddur-messages.json")" >/dev/null
	wait_for 20 table_active "$t"
	mkdir -p "$d/work/seed"
	cp "$DDB_TEST_ROOT/seed/cruddur-messages.jsonl" "$d/work/seed/"
	cd "$d/work"
	run -0 "$DDB" seed --namespace "$ns"
	assert_output --regexp "104 written to 'cruddur-messages', 0 rejected, 0 not written, [0-9]+ retried"
	run -0 scan_typed "$t"
	[[ $(wc -l <<<"$output") -eq 104 ]]
	# what went in comes back (plain -> typed: every attribute a string)
	diff <(jq -c -S 'with_entries(.value |= {S: .})' seed/cruddur-messages.jsonl | LC_ALL=C sort) <(printf '%s\n' "$output")
	[[ ! -e seed/.ddb-checkpoint ]]
}

@test "seed: no argument seeds seed/ (table from the file name, namespace applied), both engines" {
	on_both_engines seed_default_dir
}

@test "seed: no seed/ directory and no argument: exit 66" {
	cd "$d"
	run -66 "$DDB" seed
	assert_output --partial "no 'seed/' directory here"
	run -66 "$DDB" seed "$d/nope.jsonl"
	assert_output --partial "cannot open '$d/nope.jsonl'"
}

@test "seed: a table that does not exist: exit 66, suggests schema-load" {
	echo '{"pk":"a"}' >"$d/missing.jsonl"
	run -66 "$DDB" seed --namespace "$ns" "$d/missing.jsonl"
	assert_output --partial "table 'missing' does not exist (create it with 'ddb schema-load')"
	[[ ! -e $d/missing.jsonl.ddb-checkpoint ]]
}

# ---- formats and exact values ---------------------------------------------------------------------------

exact_values() {
	make_table "${ns}exact" S
	cat >"$d/plain.jsonl" <<-'EOF'
		{"pk":"n","sk":"1","big":12345678901234567890123456789012345678,"tenth":0.1,"tiny":-1E-130,"neg":-42,"m":{"l":[1,"x",null,true]}}
	EOF
	run -0 "$DDB" seed --table "${ns}exact" "$d/plain.jsonl"
	run -0 get_item "${ns}exact" '{"pk":{"S":"n"},"sk":{"S":"1"}}'
	run -0 jq -c '[.big.N, .tenth.N, .neg.N, .m.M.l.L]' <<<"$output"
	assert_output '["12345678901234567890123456789012345678","0.1","-42",[{"N":"1"},{"S":"x"},{"NULL":true},{"BOOL":true}]]'
	# ddb sends every number's text unchanged (the request on the wire, seen with --debug) ...
	run -0 "$DDB" seed --debug --table "${ns}exact" "$d/plain.jsonl"
	assert_output --partial '"tiny":{"N":"-1E-130"}'
	assert_output --partial '"tenth":{"N":"0.1"}'
	assert_output --partial '"big":{"N":"12345678901234567890123456789012345678"}'
	run -0 get_item "${ns}exact" '{"pk":{"S":"n"},"sk":{"S":"1"}}'
	run -0 jq -r '.tiny.N' <<<"$output"
	# ... and the engine stores the value but may answer in its own notation: DynamoDB Local and dynalite both
	# return -1E-130 as a 131-character decimal (real DynamoDB normalises numbers too: leading and trailing
	# zeroes are trimmed), so compare the value, not the text
	[[ $output == -1E-130 || $output == "-0.$(printf '0%.0s' {1..129})1" ]]

	# DynamoDB JSON with every type
	cat >"$d/typed.jsonl" <<-'EOF'
		{"pk":{"S":"t"},"sk":{"S":"2"},"ss":{"SS":["a","b"]},"ns":{"NS":["1","2.5","99999999999999999999999999999999999999"]},"bs":{"BS":["AAE=","/w=="]},"b":{"B":"3q2+7w=="},"bool":{"BOOL":false},"nul":{"NULL":true},"m":{"M":{"x":{"L":[{"N":"0.1"},{"S":"héllo ☃"}]}}}}
	EOF
	run -0 "$DDB" seed --table "${ns}exact" "$d/typed.jsonl"
	run -0 get_item "${ns}exact" '{"pk":{"S":"t"},"sk":{"S":"2"}}'
	run -0 jq -c -S '.ss.SS |= sort | .ns.NS |= sort | .bs.BS |= sort' <<<"$output"
	assert_output "$(jq -c -S '.ss.SS |= sort | .ns.NS |= sort | .bs.BS |= sort' "$d/typed.jsonl")"
}

@test "seed: plain and DynamoDB JSON lines keep numbers exact, sets, binary and nesting, both engines" {
	on_both_engines exact_values
}

round_trip() {
	make_table "${ns}rt_a" N
	make_table "${ns}rt_b" N
	jq -nc 'range(0; 60) | {pk: {S: "p\(. % 7)"}, sk: {N: "\(.)"}, big: {N: "1234567890123456789012345678901234567\(. % 10)"},
		ss: {SS: ["a\(.)", "b"]}, ns: {NS: ["1", "\(.).5"]}, bs: {BS: ["AAE=", "/w=="]}, b: {B: "3q2+7w=="},
		m: {M: {l: {L: [{NULL: true}, {BOOL: true}, {S: "x\(.)"}]}}}}' >"$d/in.jsonl"
	run -0 "$DDB" seed --table rt_a --namespace "$ns" "$d/in.jsonl"
	scan_typed "${ns}rt_a" >"$d/a.sorted"
	# scan --ddb-json output goes back into seed unchanged
	run -0 --separate-stderr "$DDB" scan rt_a --namespace "$ns" --ddb-json -o jsonl
	printf '%s\n' "$output" >"$d/dump.jsonl"
	[[ $(wc -l <"$d/dump.jsonl") -eq 60 ]]
	run -0 "$DDB" seed --table rt_b --namespace "$ns" "$d/dump.jsonl"
	scan_typed "${ns}rt_b" >"$d/b.sorted"
	[[ $(wc -l <"$d/b.sorted") -eq 60 ]]
	# identical, sets compared as sets
	local norm='.ss.SS |= sort | .ns.NS |= sort | .bs.BS |= sort'
	diff <(jq -c -S "$norm" "$d/a.sorted") <(jq -c -S "$norm" "$d/b.sorted")
	diff <(jq -c -S "$norm" "$d/in.jsonl" | LC_ALL=C sort) <(jq -c -S "$norm" "$d/a.sorted" | LC_ALL=C sort)
}

@test "seed: round trip scan --ddb-json -> seed -> scan is identical (sets, binary, 38 digits), both engines" {
	"$DDB" scan --help >/dev/null 2>&1 || skip "scan is not built yet"
	on_both_engines round_trip
}

@test "seed: a JSON array (pretty-printed, plain) with --table; a JSON array from stdin" {
	make_table "${ns}arr"
	cat >"$d/items.json" <<-'EOF'
		[
		  {"pk": "a1", "x": 1.50},
		  {"pk": "a2",
		   "x": [1, 2, {"y": null}]},
		  {"pk": "a3", "x": "three"}
		]
	EOF
	run -0 "$DDB" seed --table arr --namespace "$ns" "$d/items.json"
	assert_output --partial "3 written to 'arr'"
	run -0 get_item "${ns}arr" '{"pk":{"S":"a2"}}'
	json_eq "$output" '{"pk":{"S":"a2"},"x":{"L":[{"N":"1"},{"N":"2"},{"M":{"y":{"NULL":true}}}]}}'
	run -0 get_item "${ns}arr" '{"pk":{"S":"a1"}}'
	run -0 jq -r '.x.N' <<<"$output"
	[[ $output == 1.50 || $output == 1.5 ]]
	run -0 "$DDB" seed --table arr --namespace "$ns" - <<<'[{"pk":"s1"},{"pk":"s2"}]'
	run -0 get_item "${ns}arr" '{"pk":{"S":"s2"}}'
	json_eq "$output" '{"pk":{"S":"s2"}}'
	# standard input without --table has no table for plain items
	run -64 "$DDB" seed --namespace "$ns" - <<<'{"pk":"s3"}'
	assert_output --partial "no table for these items: give --table"
}

request_items() {
	make_table "${ns}req_a"
	make_table "${ns}req_b"
	ddb_local PutItem '{"TableName":"'"${ns}"'req_a","Item":{"pk":{"S":"old"}}}' >/dev/null
	# the shape `aws dynamodb batch-write-item --request-items file://...` takes; tables named in the file
	cat >"$d/requests.json" <<-'EOF'
		{
		  "req_a": [
		    {"PutRequest": {"Item": {"pk": {"S": "r1"}, "v": {"N": "1"}}}},
		    {"PutRequest": {"Item": {"pk": {"S": "r2"}, "s": {"SS": ["x", "y"]}}}},
		    {"DeleteRequest": {"Key": {"pk": {"S": "old"}}}},
		    {"PutRequest": {"Item": {"v": {"N": "3"}}}}
		  ],
		  "req_b": [
		    {"PutRequest": {"Item": {"pk": {"S": "r3"}}}}
		  ]
		}
	EOF
	run -1 "$DDB" seed --namespace "$ns" --rejects "$d/rej.jsonl" "$d/requests.json"
	assert_output --partial "requests.json:6: item has no 'pk' (the table's hash key)"
	assert_output --partial "4 written to 2 tables, 1 rejected"
	run -0 scan_typed "${ns}req_a"
	assert_output "$(printf '%s\n' '{"pk":{"S":"r1"},"v":{"N":"1"}}' '{"pk":{"S":"r2"},"s":{"SS":["x","y"]}}')"
	run -0 scan_typed "${ns}req_b"
	assert_output '{"pk":{"S":"r3"}}'
	# the rejected request, in the same shape, one per line
	run -0 cat "$d/rej.jsonl"
	json_eq "$output" '{"req_a":[{"PutRequest":{"Item":{"v":{"N":"3"}}}}]}'
}

@test "seed: the batch-write-item request-items file (puts and deletes, tables from the file), both engines" {
	on_both_engines request_items
}

@test "seed: --format plain keeps a typed-looking plain item as maps; --format ddb refuses plain items" {
	make_table "${ns}fmt"
	echo '{"pk":{"S":"x"}}' >"$d/fmt.jsonl"
	run -0 "$DDB" seed --namespace "$ns" --format ddb "$d/fmt.jsonl"
	run -0 get_item "${ns}fmt" '{"pk":{"S":"x"}}'
	json_eq "$output" '{"pk":{"S":"x"}}'
	echo '{"pk":"y","a":{"S":"z"}}' >"$d/fmt.jsonl"
	run -0 "$DDB" seed --namespace "$ns" --format plain "$d/fmt.jsonl"
	run -0 get_item "${ns}fmt" '{"pk":{"S":"y"}}'
	json_eq "$output" '{"pk":{"S":"y"},"a":{"M":{"S":{"S":"z"}}}}'
	run -1 "$DDB" seed --namespace "$ns" --format ddb "$d/fmt.jsonl"
	assert_output --partial "fmt.jsonl:1:"
	run -64 "$DDB" seed --format yaml "$d/fmt.jsonl"
}

# ---- validation, rejects, strict -------------------------------------------------------------------------

bad_lines() {
	make_table "${ns}val" N
	ddb_local UpdateTable '{"TableName":"'"${ns}"'val"}' >/dev/null 2>&1 || true
	{
		echo '{"pk":"ok1","sk":1}'
		echo '{"pk":"b","sk":2'
		echo '{"pk":"c"}'
		echo '{"pk":"d","sk":"x"}'
		echo ''
		echo '[1,2]'
		echo '{"pk":"big","sk":5,"blob":"'"$(head -c 420000 /dev/zero | tr '\0' x)"'"}'
		echo '{"pk":"e","sk":6,"n":1e999}'
		echo '{"pk":"ok2","sk":7}'
	} >"$d/val.jsonl"
	run -1 "$DDB" seed --namespace "$ns" --rejects "$d/rej.jsonl" "$d/val.jsonl"
	assert_line --partial "val.jsonl:2: invalid JSON"
	assert_line --partial "val.jsonl:3: item has no 'sk' (the table's range key)"
	assert_line --partial "val.jsonl:4: key attribute 'sk' must be of type N, not S"
	assert_line --partial "val.jsonl:6: an item must be a JSON object"
	assert_line --partial "val.jsonl:7: item is"
	assert_line --partial "over DynamoDB's 400 KB limit"
	assert_line --partial "val.jsonl:8:"
	assert_line --partial "2 written to 'val', 6 rejected, 0 not written"
	assert_line --partial "6 items rejected (kept in '$d/rej.jsonl')"
	# the rejects file holds the original lines, in order, ready to fix and re-seed
	diff <(sed -n '2p;3p;4p;6p;7p;8p' "$d/val.jsonl") "$d/rej.jsonl"
	run -0 scan_typed "${ns}val"
	assert_output "$(printf '%s\n' '{"pk":{"S":"ok1"},"sk":{"N":"1"}}' '{"pk":{"S":"ok2"},"sk":{"N":"7"}}')"
}

@test "seed: bad lines are reported as file:line, kept in --rejects, the rest loads (exit 1), both engines" {
	on_both_engines bad_lines
}

@test "seed: index key attributes must have the index's type" {
	local t=${ns}cruddur-messages
	ddb_local CreateTable "$(jq -c --arg t "$t" '.TableName = $t' "$DDB_TEST_ROOT/schemas/cruddur-messages.json")" >/dev/null
	printf '%s\n' '{"pk":"a","sk":"1","message_group_uuid":7}' '{"pk":"a","sk":"2","message_group_uuid":"g"}' \
		'{"pk":"a","sk":"3","message_group_uuid":""}' >"$d/cruddur-messages.jsonl"
	run -1 "$DDB" seed --namespace "$ns" "$d/cruddur-messages.jsonl"
	assert_output --partial "cruddur-messages.jsonl:1: attribute 'message_group_uuid' is an index key of type S, not N"
	assert_output --partial "cruddur-messages.jsonl:3: attribute 'message_group_uuid' is an index key: it cannot be empty"
	assert_output --partial "1 written"
}

@test "seed: --rejects or --checkpoint naming an input file is refused (exit 64) and the input is kept" {
	make_table "${ns}same"
	printf '%s\n' '{"pk":"a"}' '{"nopk":1}' >"$d/same.jsonl"
	cp "$d/same.jsonl" "$d/orig"
	run -64 "$DDB" seed --namespace "$ns" --rejects "$d/same.jsonl" "$d/same.jsonl"
	assert_output --partial "--rejects '$d/same.jsonl' is also an input file"
	run -64 "$DDB" seed --namespace "$ns" --checkpoint "$d/./same.jsonl" "$d"
	assert_output --partial "--checkpoint '$d/./same.jsonl' is also an input file"
	cmp "$d/orig" "$d/same.jsonl"
	run -0 scan_typed "${ns}same"
	assert_output ""
}

@test "seed: --strict writes nothing when any line is bad (exit 65), everything when all are good" {
	make_table "${ns}strict"
	printf '%s\n' '{"pk":"a"}' '{"pk":"b"}' '{"nopk":1}' '{"pk":"c"}' >"$d/strict.jsonl"
	run -65 "$DDB" seed --namespace "$ns" --strict --rejects "$d/rej" "$d/strict.jsonl"
	assert_output --partial "strict.jsonl:3: item has no 'pk' (the table's hash key)"
	assert_output --partial "1 invalid item: nothing was written (--strict)"
	assert_equal "$(cat "$d/rej")" '{"nopk":1}'
	run -0 scan_typed "${ns}strict"
	assert_output ""
	# from standard input too (read twice through a temporary copy)
	run -65 "$DDB" seed --namespace "$ns" --strict --table strict - <"$d/strict.jsonl"
	run -0 scan_typed "${ns}strict"
	assert_output ""
	sed -i 3d "$d/strict.jsonl"
	run -0 "$DDB" seed --namespace "$ns" --strict --table strict - <"$d/strict.jsonl"
	run -0 scan_typed "${ns}strict"
	[[ $(wc -l <<<"$output") -eq 3 ]]
}

# ---- batching ---------------------------------------------------------------------------------------------

duplicates() {
	make_table "${ns}dup" N
	# the same keys over and over, inside one batch and across batches: the last line in the file wins
	jq -nc 'range(0; 300) | {pk: "k\(. % 4)", sk: (. % 2), v: .}' >"$d/dup.jsonl"
	run -0 "$DDB" seed --namespace "$ns" --concurrency 8 "$d/dup.jsonl"
	assert_output --partial "300 written"
	run -0 scan_typed "${ns}dup"
	# for each distinct key, the v of its last line
	assert_output "$(jq -c -s -S 'group_by([.pk, .sk]) | map(last) | .[] | {pk: {S: .pk}, sk: {N: "\(.sk)"}, v: {N: "\(.v)"}}' \
		"$d/dup.jsonl" | LC_ALL=C sort)"
}

@test "seed: duplicate keys are split across batches and the last write in file order wins, both engines" {
	on_both_engines duplicates
}

many_items() {
	local n=20000
	make_table "${ns}many" N
	# typed, canonical numbers (so the engine's text equals ours), 38-digit numbers and sets included
	jq -nc --argjson n $n 'range(0; $n) | {pk: {S: "p\(. % 997)"}, sk: {N: "\(.)"},
		big: {N: "9999999999999999999999999999999999999\(. % 10)"}, tag: {SS: ["t\(. % 5)", "all"]},
		s: {S: "item \(.) of the bulk test"}}' >"$d/many.jsonl"
	run -0 "$DDB" seed --namespace "$ns" "$d/many.jsonl"
	assert_output --regexp "^ddb: seed: $n written to 'many', 0 rejected, 0 not written, [0-9]+ retried, [0-9.]+ s$"
	scan_typed "${ns}many" >"$d/back.jsonl"
	[[ $(wc -l <"$d/back.jsonl") -eq $n ]]
	local norm='.tag.SS |= sort'
	assert_equal "$(jq -c -S "$norm" "$d/back.jsonl" | LC_ALL=C sort | sha256sum)" \
		"$(jq -c -S "$norm" "$d/many.jsonl" | LC_ALL=C sort | sha256sum)"
	[[ ! -e $d/many.jsonl.ddb-checkpoint ]]
}

# 20k here keeps `make test` fast; bench/ seeds 100k.
@test "seed: 20000 generated items: nothing lost (count and checksum of every item), both engines" {
	on_both_engines many_items
}

# ---- interruption, checkpoint, resume ------------------------------------------------------------------------

@test "seed: Ctrl-C mid-way exits 130 with a checkpoint; --resume finishes without rewriting what was confirmed" {
	local n=20000 pid rc
	make_table "${ns}res" N
	jq -nc --argjson n $n 'range(0; $n) | {pk: "p\(. % 500)", sk: ., v: "first"}' >"$d/res.jsonl"
	"$DDB" seed --namespace "$ns" --concurrency 2 "$d/res.jsonl" >"$d/out1" 2>&1 3>&- &
	pid=$!
	# the checkpoint appears once something is confirmed (saved every second)
	wait_for 60 test -s "$d/res.jsonl.ddb-checkpoint"
	kill -INT "$pid"
	rc=0
	wait "$pid" || rc=$?
	cat "$d/out1"
	assert_equal "$rc" 130
	run -0 cat "$d/out1"
	assert_output --partial "interrupted:"
	assert_output --partial "'ddb seed --resume' with the same input finishes the rest"
	run -0 jq -e '.files[0].path and (.files[0].done | length) >= 1' "$d/res.jsonl.ddb-checkpoint"
	local done1
	done1=$(jq '[.files[0].done[] | .[1] - .[0]] | add' "$d/res.jsonl.ddb-checkpoint")
	((done1 > 0 && done1 < n))
	# mark what was confirmed: a resume that rewrote it would bring "first" back
	ddb_local UpdateItem '{"TableName":"'"${ns}"'res","Key":{"pk":{"S":"p0"},"sk":{"N":"0"}},
		"UpdateExpression":"SET v = :v","ExpressionAttributeValues":{":v":{"S":"kept"}}}' >/dev/null
	run -0 "$DDB" seed --namespace "$ns" --resume "$d/res.jsonl"
	assert_output --partial "$((n - done1)) written to 'res', $done1 already written (checkpoint), 0 rejected"
	[[ ! -e $d/res.jsonl.ddb-checkpoint ]]
	scan_typed "${ns}res" >"$d/back"
	[[ $(wc -l <"$d/back") -eq $n ]]
	run -0 get_item "${ns}res" '{"pk":{"S":"p0"},"sk":{"N":"0"}}'
	assert_output --partial '"kept"'
}

@test "seed: --resume refuses an input that changed since the checkpoint; no checkpoint means seed everything" {
	standin_75
	echo '{"pk":"added"}' >>"$d/tbl.jsonl"
	run -65 "$DDB" seed --endpoint-url "$standin_url" --resume "$d/tbl.jsonl"
	assert_output --partial "'$d/tbl.jsonl' changed since the checkpoint '$d/tbl.jsonl.ddb-checkpoint' was written"
	rm "$d/tbl.jsonl.ddb-checkpoint"
	touch "$d/release"
	run -0 "$DDB" seed --endpoint-url "$standin_url" --resume "$d/tbl.jsonl"
	assert_output --partial "no checkpoint '$d/tbl.jsonl.ddb-checkpoint': seeding everything"
	assert_output --partial "101 written"
	run -64 "$DDB" seed --resume - </dev/null
	kill "$standin_pid"
}

standin_start() {
	python3 "$DDB_TEST_ROOT/test/data/seed/unprocessed_standin.py" --port-file "$d/url" --log "$d/accepted" \
		--release "$d/release" </dev/null >/dev/null 2>&1 3>&- &
	standin_pid=$!
	wait_for 10 test -s "$d/url"
	standin_url=$(<"$d/url")
}

@test "seed: UnprocessedItems are retried; an exhausted budget exits 75 and --resume writes only the rest" {
	standin_start
	jq -nc 'range(0; 100) | {pk: (if . % 10 == 3 then "slow\(.)" else "p\(.)" end)}' >"$d/tbl.jsonl"
	run -75 "$DDB" seed --endpoint-url "$standin_url" --max-retries 2 --rejects "$d/rej" "$d/tbl.jsonl"
	assert_output --partial "90 written to 'tbl', 0 rejected, 10 not written, 20 retried"
	assert_output --partial "the retry budget ran out: 90 written, 10 not written"
	assert_output --partial "UnprocessedItems"
	assert_output --partial "'ddb seed --resume' with the same input finishes the rest"
	[[ ! -s $d/rej ]]
	[[ $(wc -l <"$d/accepted") -eq 90 ]]
	# DynamoDB catches up: the resumed run sends only the 10 that were not confirmed
	touch "$d/release"
	run -0 "$DDB" seed --endpoint-url "$standin_url" --resume "$d/tbl.jsonl"
	assert_output --partial "10 written to 'tbl', 90 already written (checkpoint)"
	run -0 jq -r '.PutRequest.Item.pk.S' "$d/accepted"
	assert_equal "$(sort <<<"$output")" "$(jq -r .pk "$d/tbl.jsonl" | sort)"
	kill "$standin_pid"
}

@test "seed: a batch refused as a whole is retried item by item: only the bad item is rejected" {
	standin_start
	jq -nc 'range(0; 50) | {pk: (if . == 17 then "bad17" else "p\(.)" end)}' >"$d/tbl.jsonl"
	run -1 "$DDB" seed --endpoint-url "$standin_url" --rejects "$d/rej" "$d/tbl.jsonl"
	assert_output --partial "tbl.jsonl:18: One or more parameter values were invalid: bad item (ValidationException)"
	assert_output --partial "49 written to 'tbl', 1 rejected, 0 not written"
	assert_equal "$(cat "$d/rej")" '{"pk":"bad17"}'
	[[ $(wc -l <"$d/accepted") -eq 49 ]]
	kill "$standin_pid"
}

# ---- progress and summary --------------------------------------------------------------------------------------

@test "seed: a progress line on a terminal, the summary always, --quiet silences both" {
	make_table "${ns}prog"
	jq -nc 'range(0; 3000) | {pk: "p\(.)"}' >"$d/prog.jsonl"
	# script(1) gives the command a terminal
	run -0 script -qec "$DDB seed --namespace $ns --table prog $d/prog.jsonl" /dev/null
	assert_output --partial "items/s"
	assert_output --partial "3000 written to 'prog'"
	run -0 "$DDB" seed --namespace "$ns" --table prog --quiet "$d/prog.jsonl"
	assert_output ""
	run -0 script -qec "$DDB seed -q --namespace $ns --table prog $d/prog.jsonl" /dev/null
	assert_output ""
}

@test "seed: usage errors exit 64" {
	run -64 "$DDB" seed --concurrency 0
	run -64 "$DDB" seed --nope
	run -64 "$DDB" seed - -
	run -0 "$DDB" seed --help
	assert_output --partial "--rejects FILE"
}

# ---- hardening (issue 13): nothing lost on resume, bounded input, honest accounting ----------------------------

standin_75() { # a run through the stand-in that leaves a checkpoint: 90 written, 10 unprocessed, exit 75
	standin_start
	jq -nc 'range(0; 100) | {pk: (if . % 10 == 3 then "slow\(.)" else "p\(.)" end), v: "first"}' >"$d/tbl.jsonl"
	run -75 "$DDB" seed --endpoint-url "$standin_url" --max-retries 1 "$d/tbl.jsonl"
	assert_output --partial "90 written to 'tbl'"
	[[ -s $d/tbl.jsonl.ddb-checkpoint ]]
}

@test "seed: the checkpoint records its destination; --resume to another table, namespace, endpoint or mode is refused (65)" {
	standin_75
	run -0 jq -e '.ddb_seed_checkpoint == 2 and .destination.endpoint == "'"$standin_url"'" and
		.destination.mode == "local" and .destination.region != null and .files[0].tables == ["tbl"] and
		(.files[0].sha256 | test("^[0-9a-f]{64}$"))' "$d/tbl.jsonl.ddb-checkpoint"
	# nothing secret in it
	run -1 grep -i -E 'secret|token|AKIA|signature' "$d/tbl.jsonl.ddb-checkpoint"
	run -65 "$DDB" seed --endpoint-url "$standin_url" --table other --resume "$d/tbl.jsonl"
	assert_output --partial "the checkpoint '$d/tbl.jsonl.ddb-checkpoint' is for table 'tbl', not 'other'"
	refute_output --partial "already written"
	run -65 "$DDB" seed --endpoint-url "$standin_url" --namespace "$ns" --resume "$d/tbl.jsonl"
	assert_output --partial "is for table 'tbl', not '${ns}tbl'"
	run -65 "$DDB" seed --endpoint-url "${standin_url%/}/x" --resume "$d/tbl.jsonl"
	assert_output --partial "is for endpoint '$standin_url'"
	run -65 "$DDB" seed --endpoint-url "$standin_url" --region eu-north-1 --resume "$d/tbl.jsonl"
	assert_output --partial "is for region"
	AWS_ACCESS_KEY_ID=AKIDEXAMPLE AWS_SECRET_ACCESS_KEY=example-secret \
		run -65 "$DDB" seed --endpoint-url "$standin_url" --prod \
		--region "$(jq -r .destination.region "$d/tbl.jsonl.ddb-checkpoint")" --resume "$d/tbl.jsonl"
	assert_output --partial "is for mode 'local', not 'prod'"
	# nothing was sent by the refused runs: the stand-in still holds the first run's 90
	[[ $(wc -l <"$d/accepted") -eq 90 ]]
	# the same destination resumes
	touch "$d/release"
	run -0 "$DDB" seed --endpoint-url "$standin_url" --resume "$d/tbl.jsonl"
	assert_output --partial "10 written to 'tbl', 90 already written (checkpoint)"
	[[ ! -e $d/tbl.jsonl.ddb-checkpoint && ! -e $d/tbl.jsonl.ddb-checkpoint.lock ]]
	kill "$standin_pid"
}

@test "seed: --resume refuses a same-size edit with its mtime put back (the checkpoint holds the input's SHA-256)" {
	standin_75
	cp -p "$d/tbl.jsonl" "$d/orig"
	sed -i 's/"first"/"FIRST"/' "$d/tbl.jsonl"
	touch -r "$d/orig" "$d/tbl.jsonl"
	[[ $(stat -c '%s %Y' "$d/tbl.jsonl") == "$(stat -c '%s %Y' "$d/orig")" ]]
	run -65 "$DDB" seed --endpoint-url "$standin_url" --resume "$d/tbl.jsonl"
	assert_output --partial "'$d/tbl.jsonl' changed since the checkpoint was written (its SHA-256 differs)"
	[[ $(wc -l <"$d/accepted") -eq 90 ]]
	# put back as it was: resumes
	cp -p "$d/orig" "$d/tbl.jsonl"
	touch "$d/release"
	run -0 "$DDB" seed --endpoint-url "$standin_url" --resume "$d/tbl.jsonl"
	assert_output --partial "10 written to 'tbl', 90 already written (checkpoint)"
	kill "$standin_pid"
}

@test "seed: an old (format 1) checkpoint is refused on --resume; a changed size too" {
	standin_start
	printf '%s\n' '{"pk":"a"}' '{"pk":"b"}' >"$d/tbl.jsonl"
	echo '{"ddb_seed_checkpoint":1,"files":[{"path":"'"$d/tbl.jsonl"'","size":1,"mtime_ns":"1","done":[[0,1]]}]}' \
		>"$d/tbl.jsonl.ddb-checkpoint"
	run -65 "$DDB" seed --endpoint-url "$standin_url" --resume "$d/tbl.jsonl"
	assert_output --partial "the checkpoint '$d/tbl.jsonl.ddb-checkpoint' is format 1"
	assert_output --partial "delete it to seed from the start"
	[[ ! -s $d/accepted ]]
	kill "$standin_pid"
}

@test "seed: two seeds cannot share a checkpoint: the second is refused (75) while the first holds its lock" {
	standin_start
	printf '%s\n' '{"pk":"a"}' '{"pk":"b"}' >"$d/tbl.jsonl"
	# a first seed holding the lock (flock(1) takes the same lock ddb takes)
	run -75 flock "$d/tbl.jsonl.ddb-checkpoint.lock" "$DDB" seed --endpoint-url "$standin_url" "$d/tbl.jsonl"
	assert_output --partial "the checkpoint '$d/tbl.jsonl.ddb-checkpoint' is in use by another 'ddb seed' (locked)"
	[[ ! -s $d/accepted ]]
	# and for real: a seed stuck on unprocessed items holds it; a second one (even --resume) is refused
	jq -nc 'range(0; 30) | {pk: "slow\(.)"}' >"$d/tbl.jsonl"
	"$DDB" seed --endpoint-url "$standin_url" --max-retries 1000 "$d/tbl.jsonl" >"$d/first.out" 2>&1 3>&- &
	local pid=$! rc=0
	lock_held() { # without taking it (that could make the first seed fail): the kernel's list of locks
		local ino
		ino=$(stat -c %i "$d/tbl.jsonl.ddb-checkpoint.lock" 2>/dev/null) && grep -q "FLOCK.*:$ino " /proc/locks
	}
	wait_for 20 lock_held
	run -75 "$DDB" seed --endpoint-url "$standin_url" --resume "$d/tbl.jsonl"
	assert_output --partial "is in use by another 'ddb seed'"
	kill -TERM "$pid"
	wait "$pid" || rc=$?
	assert_equal "$rc" 130
	# the lock is free again
	touch "$d/release"
	run -0 "$DDB" seed --endpoint-url "$standin_url" "$d/tbl.jsonl"
	assert_output --partial "30 written"
	kill "$standin_pid"
}

@test "seed: a line over the 4 MiB cap is reported as too long and skipped; the rest loads (lines and array elements)" {
	standin_start
	{
		echo '{"pk":"a"}'
		python3 -c "import json; print(json.dumps({'pk':'big','v':'x'*(5*1024*1024)}))"
		echo '{"pk":"b"}'
	} >"$d/tbl.jsonl"
	local n
	n=$(sed -n 2p "$d/tbl.jsonl" | wc -c)
	run -1 "$DDB" seed --endpoint-url "$standin_url" --rejects "$d/rej" "$d/tbl.jsonl"
	assert_output --partial "tbl.jsonl:2: too long ($((n - 1)) bytes; the cap is 4 MiB)"
	assert_output --partial "2 written to 'tbl', 1 rejected, 0 not written"
	# not kept in --rejects (it could not be seeded back); the rejects file stays re-seedable
	[[ ! -s $d/rej ]]
	run -0 jq -r '.PutRequest.Item.pk.S' "$d/accepted"
	assert_output "$(printf '%s\n' a b)"
	# one element of a JSON array
	: >"$d/accepted"
	python3 -c "import json; print(json.dumps([{'pk':'c'},{'pk':'big','v':'x'*(5*1024*1024)},{'pk':'d'}], indent=1))" \
		>"$d/tbl.json"
	run -1 "$DDB" seed --endpoint-url "$standin_url" "$d/tbl.json"
	assert_output --regexp "tbl.json:[0-9]+: too long \([0-9]+ bytes; the cap is 4 MiB\)"
	assert_output --partial "2 written to 'tbl', 1 rejected"
	kill "$standin_pid"
}

# limited CMD...: CMD under a 4 GB address-space limit (not under ASan or valgrind, which reserve more), so that a
# regression grows into an error rather than into the machine's memory.
limited() {
	if [[ -z ${ASAN_OPTIONS-} && -z ${DDB_VALGRIND-} ]]; then
		(ulimit -v 4000000 && exec "$@")
	else
		"$@"
	fi
}

@test "seed: /dev/zero as input ends with an error in bounded memory; a read error is exit 74, never an end of file" {
	standin_start
	run -1 limited /usr/bin/time -f 'maxrss %M' timeout 60 "$DDB" seed --endpoint-url "$standin_url" --table tbl /dev/zero
	assert_output --partial "/dev/zero:1: too long (over 4 MiB) and binary (a NUL byte): the rest of the file was not read"
	(($(sed -n 's/^maxrss //p' <<<"$output") < 100000))   # KB
	run -1 limited /usr/bin/time -f 'maxrss %M' timeout 60 "$DDB" seed --endpoint-url "$standin_url" --table tbl - \
		</dev/zero
	assert_output --partial "<stdin>:1: too long (over 4 MiB) and binary"
	(($(sed -n 's/^maxrss //p' <<<"$output") < 100000))
	# reading /proc/self/mem at offset 0 fails with EIO
	run -74 "$DDB" seed --endpoint-url "$standin_url" --table tbl /proc/self/mem
	assert_output --partial "cannot read '/proc/self/mem': Input/output error"
	[[ ! -s $d/accepted ]]
	kill "$standin_pid"
}

@test "seed: a rejects file that cannot be written is exit 74 and never claimed kept" {
	standin_start
	printf '%s\n' '{"pk":"a"}' '{"nopk":1}' '{"pk":"b"}' >"$d/tbl.jsonl"
	run -74 "$DDB" seed --endpoint-url "$standin_url" --rejects /dev/full "$d/tbl.jsonl"
	assert_output --partial "cannot write the rejects file '/dev/full': No space left on device (1 rejected item not kept)"
	refute_output --partial "kept in"
	assert_output --partial "2 written to 'tbl', 1 rejected"
	run -0 "$DDB" seed --help
	assert_output --partial "74"
	kill "$standin_pid"
}

@test "seed: 2 MB of random bytes print a few lines of errors, then one count per file; the summary stays exact" {
	standin_start
	{
		echo 'garbage'
		python3 -c "import random, sys; r = random.Random(7); sys.stdout.buffer.write(bytes(r.randrange(256) for _ in range(2*1024*1024)))"
	} >"$d/tbl.jsonl"
	local want
	want=$(python3 -c "
import sys
n = 0
for line in open(sys.argv[1], 'rb').read().split(b'\n'):
    if line.strip(b' \t\r\n'):
        n += 1
print(n)" "$d/tbl.jsonl")
	((want > 1000))
	run -1 "$DDB" seed --endpoint-url "$standin_url" "$d/tbl.jsonl"
	((${#output} < 8000))
	assert_output --partial "ddb: seed: $d/tbl.jsonl: $((want - 20)) more errors not shown"
	assert_output --regexp "0 written to '[^']*', $want rejected, 0 not written"
	[[ $(grep -c "^ddb: seed: $d/tbl.jsonl:[0-9]*:" <<<"$output") -eq 20 ]]
	kill "$standin_pid"
}

@test "seed: UnprocessedItems keyed by the table's ARN, or matching nothing sent, are never counted written" {
	standin_start
	jq -nc 'range(0; 10) | {pk: (if . == 3 then "arn3" else "p\(.)" end)}' >"$d/tbl.jsonl"
	run -75 "$DDB" seed --endpoint-url "$standin_url" --max-retries 1 "$d/tbl.jsonl"
	assert_output --partial "9 written to 'tbl', 0 rejected, 1 not written"
	touch "$d/release"
	run -0 "$DDB" seed --endpoint-url "$standin_url" --resume "$d/tbl.jsonl"
	assert_output --partial "1 written to 'tbl', 9 already written (checkpoint)"
	run -0 jq -r '.PutRequest.Item.pk.S' "$d/accepted"
	assert_equal "$(sort <<<"$output")" "$(jq -r .pk "$d/tbl.jsonl" | sort)"
	# a mangled key matches nothing that was sent: the whole batch counts as unprocessed
	rm "$d/release"
	: >"$d/accepted"
	jq -nc 'range(0; 10) | {pk: (if . == 3 then "mangle3" else "q\(.)" end)}' >"$d/tbl.jsonl"
	run -75 "$DDB" seed --endpoint-url "$standin_url" --max-retries 1 "$d/tbl.jsonl"
	assert_output --partial "0 written to 'tbl', 0 rejected, 10 not written"
	touch "$d/release"
	run -0 "$DDB" seed --endpoint-url "$standin_url" --resume "$d/tbl.jsonl"
	assert_output --partial "10 written to 'tbl'"
	run -0 jq -r '.PutRequest.Item.pk.S' "$d/accepted"
	[[ $(grep -c '^q' <<<"$output") -ge 9 ]] && grep -qx mangle3 <<<"$output"
	kill "$standin_pid"
}

@test "seed: an attribute name over 64 KB is rejected before sending; its batch-mates are written" {
	make_table "${ns}an"
	{
		echo '{"pk":"a"}'
		python3 -c "import json; print(json.dumps({'pk':'long', 'n'*70000: 1}))"
		echo '{"pk":"b"}'
	} >"$d/an.jsonl"
	run -1 timeout 60 "$DDB" seed --namespace "$ns" --rejects "$d/rej" "$d/an.jsonl"
	assert_output --partial "an.jsonl:2: an attribute name is 70000 bytes, over DynamoDB's 64 KB limit"
	assert_output --partial "2 written to 'an', 1 rejected, 0 not written"
	cmp <(sed -n 2p "$d/an.jsonl") "$d/rej"
	run -0 scan_typed "${ns}an"
	assert_output "$(printf '%s\n' '{"pk":{"S":"a"}}' '{"pk":{"S":"b"}}')"
}

@test "seed: a batch that keeps failing with 5xx is split until only the poisoned item is left unwritten" {
	standin_start
	jq -nc 'range(0; 50) | {pk: (if . == 17 then "e500x" else "p\(.)" end)}' >"$d/tbl.jsonl"
	run -75 "$DDB" seed --endpoint-url "$standin_url" --max-attempts 1 --max-retries 2 "$d/tbl.jsonl"
	assert_output --partial "49 written to 'tbl', 0 rejected, 1 not written"
	[[ $(wc -l <"$d/accepted") -eq 49 ]]
	run -1 grep e500 "$d/accepted"
	kill "$standin_pid"
}

@test "seed: every rejects file seeds back as it is (plain, DynamoDB JSON and request lines mixed)" {
	standin_start
	printf '%s\n' '{"pk":{"S":"t1"}}' '{"pk":{"S":"bad-typed"},"n":{"N":"1"}}' >"$d/a-typed.jsonl"
	printf '%s\n' '{"pk":"p1"}' '{"pk":"bad-plain","m":{"S":"plain map"}}' >"$d/b-plain.jsonl"
	cat >"$d/c-req.json" <<-'JSON'
	{
	  "tbl": [
	    {"PutRequest": {"Item": {"pk": {"S": "r1"}}}},
	    {"PutRequest": {"Item": {"pk": {"S": "bad-req"}}}},
	    {"PutRequest": {"Item": {"pk": {"S": "x"}}}, "Extra": 1}
	  ]
	}
	JSON
	run -1 "$DDB" seed --endpoint-url "$standin_url" --table tbl --rejects "$d/rej.jsonl" \
		"$d/a-typed.jsonl" "$d/b-plain.jsonl" "$d/c-req.json"
	assert_output --partial "3 written to 'tbl', 4 rejected"
	[[ $(wc -l <"$d/rej.jsonl") -eq 4 ]]
	# the refusals were transient (the stand-in now accepts "bad" items): the rejects file goes back unchanged
	touch "$d/release"
	: >"$d/accepted"
	run -1 "$DDB" seed --endpoint-url "$standin_url" --table tbl --rejects "$d/rej2.jsonl" "$d/rej.jsonl"
	assert_output --partial "3 written to 'tbl', 1 rejected"
	assert_output --partial "a request must be"
	run -0 jq -c -S '.PutRequest.Item' "$d/accepted"
	assert_equal "$(sort <<<"$output")" "$(printf '%s\n' '{"m":{"M":{"S":{"S":"plain map"}}},"pk":{"S":"bad-plain"}}' \
		'{"n":{"N":"1"},"pk":{"S":"bad-typed"}}' '{"pk":{"S":"bad-req"}}' | sort)"
	# the one still bad is kept the same way again
	assert_equal "$(jq -c -S . "$d/rej2.jsonl")" "$(grep Extra "$d/rej.jsonl" | jq -c -S .)"
	kill "$standin_pid"
}

# ---- export data files, gzip, capacity -----------------------------------------------------------------------

# export_lines N FILE: N typed items as DynamoDB's export data lines ({"Item":{...}}), sets, binary, 38 digits.
export_lines() {
	jq -nc --argjson n "$1" 'range(0; $n) | {Item: {pk: {S: "p\(.)"}, sk: {N: "\(.)"},
		big: {N: "9999999999999999999999999999999999999\(. % 10)"}, tag: {SS: ["all", "t\(. % 3)"]},
		bin: {B: "AAEC"}, m: {M: {l: {L: [{S: "x"}, {N: "1"}]}}}}}' >"$2"
}

@test "seed: DynamoDB export data files (.json.gz of {\"Item\":...} lines) seed a table, as a file and as a directory" {
	make_table "${ns}exp" N
	mkdir -p "$d/export/data"
	export_lines 300 "$d/a.jsonl"
	head -n 120 "$d/a.jsonl" | gzip -c >"$d/export/data/01234567890abcdefghijklmno.json.gz"
	# two gzip members in one file, as `cat a.gz b.gz` makes: both are read
	{ sed -n '121,200p' "$d/a.jsonl" | gzip -c; sed -n '201,300p' "$d/a.jsonl" | gzip -c; } \
		>"$d/export/data/zyxwvutsrqponmlkjihgfedcba.json.gz"
	echo '{}' >"$d/export/manifest-summary.json.not-data"
	run -0 "$DDB" seed --namespace "$ns" --table exp "$d/export/data"
	assert_output --regexp "^ddb: seed: 300 written to 'exp', 0 rejected, 0 not written, [0-9]+ retried, [0-9.]+ s$"
	run -0 scan_typed "${ns}exp"
	assert_output "$(jq -c -S '.Item' "$d/a.jsonl" | LC_ALL=C sort)"
	# one gzip file by name; a bad line inside it is named by the file and its line, the rest loads
	make_table "${ns}exp2" N
	{ sed -n '1,5p' "$d/a.jsonl"; echo '{"Item":{"pk":{"S":"no-sk"}}}'; sed -n '6,10p' "$d/a.jsonl"; } | gzip -c >"$d/one.json.gz"
	run -1 "$DDB" seed --namespace "$ns" --table exp2 --rejects "$d/rej.jsonl" "$d/one.json.gz"
	assert_line --partial "$d/one.json.gz:6: "
	assert_line --regexp "10 written to 'exp2', 1 rejected"
	# the reject is kept as the line it was, and seeds back as it is
	run -0 cat "$d/rej.jsonl"
	assert_output '{"Item":{"pk":{"S":"no-sk"}}}'
	[[ $(scan_typed "${ns}exp2" | wc -l) -eq 10 ]]
}

@test "seed: a truncated or corrupt .gz is an error naming the file (65), never a silent end" {
	make_table "${ns}gzbad" N
	export_lines 2000 "$d/a.jsonl"
	gzip -c "$d/a.jsonl" >"$d/full.json.gz"
	head -c $(($(stat -c %s "$d/full.json.gz") / 2)) "$d/full.json.gz" >"$d/half.json.gz"
	run -65 "$DDB" seed --namespace "$ns" --table gzbad "$d/half.json.gz"
	assert_output --partial "$d/half.json.gz: the gzip data is truncated"
	printf 'not gzip at all\n' >"$d/plain.json.gz"
	run -65 "$DDB" seed --namespace "$ns" --table gzbad "$d/plain.json.gz"
	assert_output --partial "$d/plain.json.gz: not valid gzip data"
	# the whole file loads
	run -0 "$DDB" seed --namespace "$ns" --table gzbad "$d/full.json.gz"
	[[ $(scan_typed "${ns}gzbad" | wc -l) -eq 2000 ]]
}

@test "seed: --max-wcu 250 writes 1,000 one-KB items in about 4 s and reports the units; a GSI write counts" {
	make_table "${ns}cap"
	# 1,000 items of 1,008 bytes each (pk 2+5, v 1+1000): one write unit each
	jq -nc 'range(0; 1000) | {pk: "k\(. + 10000)", v: ("x" * 1000)}' >"$d/cap.jsonl"
	local t0=$SECONDS
	run -0 "$DDB" seed --namespace "$ns" --table cap --max-wcu 250 "$d/cap.jsonl"
	local took=$((SECONDS - t0))
	echo "took $took s"
	assert_output --regexp "^ddb: seed: 1000 written to 'cap', 0 rejected, 0 not written, 0 retried, [0-9.]+ s, 1000 write units \(--max-wcu 250\), 0 throttled$"
	((took >= 3))
	[[ $(scan_typed "${ns}cap" | wc -l) -eq 1000 ]]
	run -0 get_item "${ns}cap" '{"pk":{"S":"k10999"}}'
	[[ $(jq -r '.v.S | length' <<<"$output") == 1000 ]]
	# a table with a GSI on g: an item that has g costs a second write, one without it does not
	ddb_local CreateTable '{"TableName":"'"${ns}capg"'","BillingMode":"PAY_PER_REQUEST",
		"AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"},{"AttributeName":"g","AttributeType":"S"}],
		"KeySchema":[{"AttributeName":"pk","KeyType":"HASH"}],"GlobalSecondaryIndexes":[{"IndexName":"by-g",
		"KeySchema":[{"AttributeName":"g","KeyType":"HASH"}],"Projection":{"ProjectionType":"ALL"}}]}' >/dev/null
	wait_for 20 table_active "${ns}capg"
	jq -nc 'range(0; 30) | {pk: "k\(.)"} + (if . < 10 then {g: "x"} else {} end)' >"$d/capg.jsonl"
	run -0 "$DDB" seed --namespace "$ns" --table capg --max-wcu 1000 "$d/capg.jsonl"
	assert_output --partial ", 40 write units (--max-wcu 1000), 0 throttled"
	# usage: below one unit a second is refused
	run -64 "$DDB" seed --namespace "$ns" --table cap --max-wcu 0.5 "$d/cap.jsonl"
	assert_output --partial "--max-wcu must be at least 1"
	# the new options complete, and --help and the man page name them
	run -0 "$DDB" __complete -- seed --max-w
	assert_output -- --max-wcu
	run -0 "$DDB" __complete -- seed --fixed
	assert_output -- --fixed-concurrency
	run -0 "$DDB" seed --help
	assert_output --partial "--max-wcu N"
	assert_output --partial "--fixed-concurrency"
	assert_output --partial "a truncated or corrupt .gz input"
	run -0 "$DDB" __man
	assert_output --partial '\-\-max\-wcu'
}

@test "seed: against a provisioned table the throttles are retried, counted in the summary, and nothing is lost" {
	make_table "${ns}prov"
	jq -nc 'range(0; 1500) | {pk: "k\(.)", v: ("y" * 900)}' >"$d/prov.jsonl"
	rm -f "$d/proxy.url"
	python3 "$DDB_TEST_ROOT/test/standins/provisioned_proxy.py" --upstream "$DDB_LOCAL_ENDPOINT" \
		--port-file "$d/proxy.url" --owner $$ --wcu 300 </dev/null >"$d/proxy.log" 2>&1 3>&- &
	standin_pid=$!
	wait_for 10 test -s "$d/proxy.url"
	local url
	url=$(<"$d/proxy.url")
	run -0 "$DDB" seed --namespace "$ns" --endpoint-url "$url" --table prov --concurrency 8 --max-retries 50 "$d/prov.jsonl"
	assert_output --regexp "^ddb: seed: 1500 written to 'prov', 0 rejected, 0 not written, [0-9]+ retried, [0-9.]+ s, [1-9][0-9]* throttled$"
	# every 400 the table sent was seen (and counted) by the writer
	local seen sent
	seen=$(sed -E 's/.* ([0-9]+) throttled$/\1/' <<<"$output")
	sent=$(curl -sS --noproxy '*' "$url/__stats" | jq '.throttled + 0')
	echo "seen $seen, sent $sent"
	((seen >= sent))
	[[ $(scan_typed "${ns}prov" | wc -l) -eq 1500 ]]
}
