#!/usr/bin/env bats
# get.bats — ddb get: one item by key (types from DescribeTable), exact round trips of what put wrote (sets, binary,
# 38-digit numbers), the missing-item exit code, output modes, both engines, the REPL and scripts.

load test_helper
load items_helper

setup() {
	ns=$(unique_ns)
}

# Everything DynamoDB can hold, typed: sets of each kind, binary, 38-digit and tiny numbers, nesting.
FULL='{"pk":{"S":"a"},"sk":{"N":"12345678901234567890123456789012345678"},"ss":{"SS":["x","y"]},"ns":{"NS":["1","0.00000000000000000000000000000000000001","99999999999999999999999999999999999999"]},"bs":{"BS":["AAE=","/w=="]},"b":{"B":"AAECAwQ="},"big":{"N":"-999999999999999999999999999999999999990000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"},"m":{"M":{"l":{"L":[{"N":"1.5"},{"NULL":true},{"BOOL":false}]}}}}'

sorted_sets() { # typed item on stdin -> sets sorted (engines may reorder set elements)
	jq -S 'walk(if type == "object" and (has("SS") or has("NS") or has("BS")) and length == 1
		then with_entries(.value |= sort) else . end)'
}

round_trip() {
	local t=${ns}items
	create "$t" S N
	run -0 "$DDB" put "$t" "$FULL"
	run -0 --separate-stderr "$DDB" get "$t" --pk a --sk 12345678901234567890123456789012345678 --ddb-json
	json_eq "$(sorted_sets <<<"$output")" "$(sorted_sets <<<"$FULL")"
	# what the engine holds, independently of ddb
	json_eq "$(ddb_local GetItem '{"TableName":"'"$t"'","Key":{"pk":{"S":"a"},"sk":{"N":"12345678901234567890123456789012345678"}}}' | jq .Item | sorted_sets)" \
		"$(sorted_sets <<<"$FULL")"
	# plain: one line, every digit kept, sets as arrays, binary as base64
	run -0 --separate-stderr "$DDB" get "$t" --pk a --sk 12345678901234567890123456789012345678
	[[ ${#lines[@]} == 1 ]]
	[[ $output == *'"sk":12345678901234567890123456789012345678'* ]]
	[[ $output == *'"big":-999999999999999999999999999999999999990000000000000000000000000000000000000000000000000000000000000000000000000000000000000000'* ]]
	[[ $(jq -c '.b, (.bs | sort), (.ss | sort), .m' <<<"$output") == $'"AAECAwQ="\n["/w==","AAE="]\n["x","y"]\n{"l":[1.5,null,false]}' ]]
}

@test "get: put -> get round trip is exact (sets, binary, 38-digit numbers) on DynamoDB Local" {
	round_trip
}

@test "get: put -> get round trip is exact on dynalite" {
	use_dynalite
	round_trip
}

@test "get: a missing item prints nothing and exits 3; key types are checked before sending" {
	local t=${ns}items
	create "$t" S N
	run -3 --separate-stderr "$DDB" get "$t" --pk a --sk 1
	[[ -z $output && -z $stderr ]]
	run -64 --separate-stderr "$DDB" get "$t" --pk a --sk x
	[[ $stderr == *"--sk: 'x' is not a valid number (the key 'sk' is of type N)"* ]]
	run -64 --separate-stderr "$DDB" get "$t" --pk a
	[[ $stderr == *"missing --sk VALUE (the table's sort key 'sk')"* ]]
	run -64 --separate-stderr "$DDB" get "$t" --sk 1
	[[ $stderr == *"missing --pk"* ]]
	run -66 --separate-stderr "$DDB" get "${ns}nosuch" --pk a --sk 1
	[[ $stderr == *"table '${ns}nosuch' does not exist"* ]]
	local b=${ns}bin
	create "$b" B
	run -64 --separate-stderr "$DDB" get "$b" --pk 'not base64!'
	run -3 "$DDB" get "$b" --pk AAE=
	run -64 --separate-stderr "$DDB" get "$b" --pk AAE= --sk 1
	[[ $stderr == *"the table has no sort key"* ]]
}

@test "get: --projection, --consistent, the namespace, and -o table as a record" {
	local t=${ns}items
	create "$t" S
	ddb_local PutItem '{"TableName":"'"$t"'","Item":{"pk":{"S":"k"},"name":{"S":"Ann"},"status":{"S":"x"},"n":{"N":"7"}}}' >/dev/null
	run -0 "$DDB" get "$t" --pk k --projection name,status --consistent
	json_eq "$output" '{"name":"Ann","status":"x"}'
	run -0 "$DDB" get items --namespace "$ns" --pk k
	json_eq "$output" '{"pk":"k","name":"Ann","status":"x","n":7}'
	run -0 "$DDB" get items --namespace "$ns" --pk k -o table
	assert_line --index 0 --regexp '^field +value$'
	assert_line --index 2 --regexp '^pk +k$'
	assert_line --regexp '^n +7$'
}

@test "get/put/update/delete/sql/transact in a script on stdin, with .use filling TABLE (put ITEM too)" {
	local t=${ns}items
	create "$t" S
	echo '{"Put":{"TableName":"'"$t"'","Item":{"pk":"t","n":7}}}' >"$BATS_TEST_TMPDIR/tx.jsonl"
	run -0 --separate-stderr "$DDB" <<-EOF
		put $t '{"pk":"s","n":1}'
		.use $t
		get --pk s
		update --pk s --add n=41 --return updated-new
		sql "SELECT n FROM \"$t\" WHERE pk = 's'"
		delete --pk s --return old
		get --pk s
		transact $BATS_TEST_TMPDIR/tx.jsonl
		get --pk t
		put '{"pk":"u","n":12345678901234567890123456789012345678}'
		get --pk u
		.quit 0
	EOF
	assert_line --index 0 '{"pk":"s","n":1}'
	assert_line --index 1 '{"n":42}'
	assert_line --index 2 '{"n":42}'
	assert_line --index 3 '{"pk":"s","n":42}'
	assert_line --index 4 '{"pk":"t","n":7}'
	assert_line --index 5 '{"pk":"u","n":12345678901234567890123456789012345678}'
	[[ ${#lines[@]} == 6 ]]
	run -3 "$DDB" <<<"get $t --pk s"
}

tmux_start() {
	command -v tmux >/dev/null || skip "tmux is not installed"
	TMUX_SOCK=$BATS_TEST_TMPDIR/tmux.sock
	TERM=${TERM:-xterm} tmux -S "$TMUX_SOCK" -f /dev/null new-session -d -x 160 -y 40 "$@"
}
teardown() {
	[[ -n ${TMUX_SOCK-} ]] && tmux -S "$TMUX_SOCK" kill-server 2>/dev/null
	return 0
}
screen() { tmux -S "$TMUX_SOCK" capture-pane -p -S -200; }
keys() { tmux -S "$TMUX_SOCK" send-keys "$@"; }
screen_has() { screen | grep -qE -- "$1"; }
expect() {
	wait_for 15 screen_has "$1" || {
		echo "screen never showed /$1/:"
		screen
		return 1
	}
}

@test "get: the REPL on a terminal — put, get as a record, update, a failed condition, Tab completes attribute names" {
	create "${ns}items" S
	tmux_start env DDB_NAMESPACE="$ns" "$DDB"
	expect "^ddb\[local ns=$ns\]>"
	keys "put items '{\"pk\":\"r\",\"n\":12345678901234567890123456789012345678}'" Enter
	keys '.use items' Enter
	expect "table=items\]>"
	keys 'get --pk r' Enter
	expect '^n +12345678901234567890123456789012345678$'
	keys 'update --pk r --set n=2 --condition n=3' Enter
	expect "ddb: update: condition failed: 'n=3'; the item was not changed"
	keys 'get --pk r --proj' Tab
	expect '> get --pk r --projection$'
	keys 'p' Tab
	expect '> get --pk r --projection pk ?$'
	keys C-u 'update --pk r --remove p' Tab
	expect '> update --pk r --remove pk ?$'
	keys C-u 'delete --pk r' Enter
	keys 'get --pk r' Enter
	keys '.quit' Enter
	wait_for 10 bash -c "! tmux -S '$TMUX_SOCK' has-session 2>/dev/null"
	run -3 "$DDB" get "${ns}items" --pk r
}
