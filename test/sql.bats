#!/usr/bin/env bats
# sql.bats — ddb sql: PartiQL SELECT/INSERT/UPDATE/DELETE with --params, paging over several pages, --limit,
# statements on stdin (BatchExecuteStatement for groups of writes), the namespace rule, exit 4, dynalite refused.

load test_helper
load items_helper

setup() {
	ns=$(unique_ns)
}

targets() { # OP: how many requests of OP the --debug trace on stdin shows
	grep -c "^> X-Amz-Target: DynamoDB_20120810.$1\$" || true
}

@test "sql: INSERT, SELECT, UPDATE, DELETE with --params (plain and typed), exact numbers" {
	local t=${ns}items
	create "$t" S N
	run -0 --separate-stderr "$DDB" sql "INSERT INTO \"$t\" VALUE {'pk': ?, 'sk': ?, 'n': ?, 'tags': ?}" \
		--params '[{"S": "a"}, {"N": "1"}, {"N": "12345678901234567890123456789012345678"}, {"SS": ["x", "y"]}]'
	[[ -z $output ]]
	[[ $(raw_get "$t" '{"pk":{"S":"a"},"sk":{"N":"1"}}' | jq -c '.n, (.tags.SS | sort)') == $'{"N":"12345678901234567890123456789012345678"}\n["x","y"]' ]]
	run -0 "$DDB" sql "INSERT INTO \"$t\" VALUE {'pk': ?, 'sk': ?, 's': ?, 'l': ?}" --params '["a", 2, "two", [1.5, true]]'
	[[ $(raw_get "$t" '{"pk":{"S":"a"},"sk":{"N":"2"}}' | jq -c .l) == '{"L":[{"N":"1.5"},{"BOOL":true}]}' ]]
	run -0 "$DDB" sql "SELECT * FROM \"$t\" WHERE pk = ? AND sk = ?" --params '[{"S":"a"},{"N":"1"}]'
	[[ ${#lines[@]} == 1 ]]
	[[ $output == *'"n":12345678901234567890123456789012345678'* ]]
	run -0 "$DDB" sql "SELECT sk, s FROM \"$t\" WHERE pk = 'a'" --ddb-json
	[[ $(jq -s -c 'sort_by(.sk.N)' <<<"$output") == '[{"sk":{"N":"1"}},{"sk":{"N":"2"},"s":{"S":"two"}}]' ]]
	run -0 "$DDB" sql "UPDATE \"$t\" SET s = ? WHERE pk = 'a' AND sk = 2" --params '["changed"]'
	[[ $(raw_get "$t" '{"pk":{"S":"a"},"sk":{"N":"2"}}' | jq -r .s.S) == changed ]]
	run -0 "$DDB" sql "DELETE FROM \"$t\" WHERE pk = 'a' AND sk = 2"
	[[ $(raw_get "$t" '{"pk":{"S":"a"},"sk":{"N":"2"}}') == null ]]
	# an INSERT over an existing key, an UPDATE whose WHERE matches nothing: exit 4, nothing changed
	run -4 --separate-stderr "$DDB" sql "INSERT INTO \"$t\" VALUE {'pk': 'a', 'sk': 1}"
	[[ $stderr == "ddb: sql: condition failed: an item with this key already exists (INSERT); nothing was changed" ]]
	[[ $(raw_get "$t" '{"pk":{"S":"a"},"sk":{"N":"1"}}' | jq -r .n.N) == 12345678901234567890123456789012345678 ]]
	run -4 --separate-stderr "$DDB" sql "UPDATE \"$t\" SET s = 'x' WHERE pk = 'zz' AND sk = 9"
	[[ $stderr == *"condition failed"* ]]
	[[ $(raw_get "$t" '{"pk":{"S":"zz"},"sk":{"N":"9"}}') == null ]]
	# bad input
	run -64 --separate-stderr "$DDB" sql "SELECT * FROM \"$t\"" --params '[]'
	run -64 --separate-stderr "$DDB" sql "SELECT * FROM \"$t\"" --params '[1'
	run -64 "$DDB" sql
	run -64 "$DDB" sql ' '
	run -64 "$DDB" sql "SELECT *" FROM
	run -1 --separate-stderr "$DDB" sql "SELEKT * FROM \"$t\""
	[[ $stderr == "ddb: sql: "* ]]
}

@test "sql: SELECT reads every page (NextToken) and stops at --limit" {
	local t=${ns}items i
	create "$t" S N
	for i in $(seq 1 30); do echo "INSERT INTO \"$t\" VALUE {'pk': 'p', 'sk': $i}"; done >"$BATS_TEST_TMPDIR/ins.sql"
	run -0 "$DDB" sql - <"$BATS_TEST_TMPDIR/ins.sql"
	run -0 --separate-stderr "$DDB" sql "SELECT sk FROM \"$t\" WHERE pk = 'p'" --page-size 7 --debug
	[[ $(jq -s -c 'map(.sk) | sort' <<<"$output") == "$(seq 1 30 | jq -s -c .)" ]]
	[[ $(targets ExecuteStatement <<<"$stderr") == 5 ]]   # 7+7+7+7+2
	run -0 --separate-stderr "$DDB" sql "SELECT sk FROM \"$t\" WHERE pk = 'p'" --page-size 7 --limit 12 --debug
	[[ ${#lines[@]} == 12 ]]
	[[ $(targets ExecuteStatement <<<"$stderr") == 2 ]]
}

@test "sql -: statements on stdin, groups of writes as BatchExecuteStatement (25 a call), failures by line" {
	local t=${ns}items i
	create "$t" S N
	{
		echo "-- thirty inserts"
		for i in $(seq 1 30); do echo "INSERT INTO \"$t\" VALUE {'pk': 'p', 'sk': $i}"; done
	} >"$BATS_TEST_TMPDIR/ins.sql"
	run -0 --separate-stderr "$DDB" sql - --debug <"$BATS_TEST_TMPDIR/ins.sql"
	[[ $(targets BatchExecuteStatement <<<"$stderr") == 2 ]]
	[[ $(ddb_local Scan '{"TableName":"'"$t"'","Select":"COUNT"}' | jq .Count) == 30 ]]
	# a failing write in a batch is reported by its line; the others are written
	printf '%s\n' "INSERT INTO \"$t\" VALUE {'pk': 'q', 'sk': 1}" "" "INSERT INTO \"$t\" VALUE {'pk': 'p', 'sk': 1}" \
		"INSERT INTO \"$t\" VALUE {'pk': 'q', 'sk': 2}" >"$BATS_TEST_TMPDIR/dup.sql"
	run -4 --separate-stderr "$DDB" sql - <"$BATS_TEST_TMPDIR/dup.sql"
	[[ $stderr == "ddb: sql: stdin:3: condition failed: an item with this key already exists (INSERT); nothing was changed" ]]
	[[ $(ddb_local Scan '{"TableName":"'"$t"'","Select":"COUNT"}' | jq .Count) == 32 ]]
	# a mix of reads and writes: one statement at a time, SELECT output in order
	printf '%s\n' "SELECT sk FROM \"$t\" WHERE pk = 'q' AND sk = 1" "UPDATE \"$t\" SET v = 1 WHERE pk = 'q' AND sk = 2" \
		"SELECT sk, v FROM \"$t\" WHERE pk = 'q' AND sk = 2" "SELECT * FROM \"$t\" WHERE" >"$BATS_TEST_TMPDIR/mix.sql"
	run -1 --separate-stderr "$DDB" sql - --debug <"$BATS_TEST_TMPDIR/mix.sql"
	[[ $(targets BatchExecuteStatement <<<"$stderr") == 0 ]]
	[[ $output == $'{"sk":1}\n{"sk":2,"v":1}' ]]
	[[ $stderr == *"ddb: sql: stdin:4: "* ]]
	run -64 "$DDB" sql - --params '[1]' </dev/null
	run -0 "$DDB" sql - </dev/null
}

@test "sql: the namespace goes only on the table after FROM/INTO/UPDATE; anything else is refused (64)" {
	local t=${ns}items
	create "$t" S N
	run -0 "$DDB" sql "INSERT INTO items VALUE {'pk': 'FROM x', 'sk': 1}" --namespace "$ns"
	run -0 "$DDB" sql "SELECT pk FROM \"items\" WHERE pk = 'FROM x'" --namespace "$ns"
	[[ $output == '{"pk":"FROM x"}' ]]
	DDB_NAMESPACE=$ns run -0 "$DDB" sql "update items set v = 2 where pk = 'FROM x' and sk = 1"
	[[ $(raw_get "$t" '{"pk":{"S":"FROM x"},"sk":{"N":"1"}}' | jq -r .v.N) == 2 ]]
	DDB_NAMESPACE=$ns run -0 "$DDB" sql - <<<"DELETE FROM items WHERE pk = 'FROM x' AND sk = 1"
	[[ $(raw_get "$t" '{"pk":{"S":"FROM x"},"sk":{"N":"1"}}') == null ]]
	for bad in "SELECT * FROM ?" "SELECT * FROM items -- c" "EXISTS(SELECT * FROM items)" "SELECT * FROM 'items'"; do
		run -64 --separate-stderr "$DDB" sql "$bad" --namespace "$ns"
		[[ $stderr == "ddb: sql: --namespace: cannot apply the namespace to this statement ("* ]]
	done
	# in a script, a refused line stops it before anything of its group is sent
	printf '%s\n' "INSERT INTO items VALUE {'pk': 'n', 'sk': 1}" "INSERT INTO ? VALUE {'pk': 'n', 'sk': 2}" \
		>"$BATS_TEST_TMPDIR/refused.sql"
	DDB_NAMESPACE=$ns run -64 --separate-stderr "$DDB" sql - <"$BATS_TEST_TMPDIR/refused.sql"
	[[ $stderr == *"stdin:2: --namespace: cannot apply"* ]]
	[[ $(raw_get "$t" '{"pk":{"S":"n"},"sk":{"N":"1"}}') == null ]]
}

@test "sql: dynalite has no PartiQL: a clear message and exit 69" {
	use_dynalite
	local t=${ns}items
	create "$t" S N
	run -69 --separate-stderr "$DDB" sql "SELECT * FROM \"$t\""
	[[ $stderr == "ddb: sql: this engine has no PartiQL (ExecuteStatement): "* ]]
	run -69 --separate-stderr "$DDB" sql - <<<"INSERT INTO \"$t\" VALUE {'pk': 'a', 'sk': 1}"
	[[ $stderr == *"this engine has no PartiQL"* ]]
}

@test "sql, put, transact: '-' inside the REPL is refused (stdin is the script itself), the script goes on" {
	local t=${ns}items
	create "$t" S N
	run -0 --separate-stderr "$DDB" <<-EOF
		sql -
		put $t -
		transact -
		{"pk":"x","sk":1}
		get $t --pk x --sk 1 --ddb-json
		.quit 0
	EOF
	[[ $stderr == *"ddb: sql: standard input is the REPL's own input here: give one statement"* ]]
	[[ $stderr == *"ddb: put: ITEM: standard input is the REPL's own input here"* ]]
	[[ $stderr == *"ddb: transact: standard input is the REPL's own input here: give a FILE"* ]]
	[[ -z $output ]]
}
