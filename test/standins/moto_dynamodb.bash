# moto_dynamodb.bash — start/stop test/standins/moto_dynamodb.py (a DynamoDB whose ListTables pages as moto's does).
#
#   moto_start             starts it on a free loopback port for this test; exports MOTO_URL and MOTO_PID
#   moto_tables JSON       replaces its tables with the JSON list of names (kept in that creation order)
#   moto_list              prints its table names (one JSON list)
#   moto_stop              stops it (also stops by itself once the test's shell is gone)
moto_start() {
	local pf=${BATS_TEST_TMPDIR:?}/moto.url
	rm -f "$pf"
	/usr/bin/python3 "$DDB_TEST_ROOT/test/standins/moto_dynamodb.py" --port-file "$pf" --owner $$ \
		</dev/null >"$BATS_TEST_TMPDIR/moto.log" 2>&1 3>&- &
	export MOTO_PID=$!
	wait_for 10 test -s "$pf" || {
		echo "moto_dynamodb did not start:" >&2
		cat "$BATS_TEST_TMPDIR/moto.log" >&2
		return 1
	}
	MOTO_URL=$(<"$pf")
	export MOTO_URL
}

moto_tables() {
	curl -sS --noproxy '*' -X POST "$MOTO_URL/__tables" --data-binary "$1" >/dev/null
}

moto_list() {
	curl -sS --noproxy '*' "$MOTO_URL/__tables"
}

moto_stop() {
	[[ -n ${MOTO_PID-} ]] && kill "$MOTO_PID" 2>/dev/null
	return 0
}

# moto_fixture: start it with 130 tables in creation order, unsorted across namespaces: 13 in namespace ci_7_
# (ci_7_t1003, ci_7_t1013, ... ci_7_t1123, spread over both pages of 100), 13 in the neighbour ci_70_, the rest
# zz<n> counting down; point ddb's local mode at it.
moto_fixture() {
	moto_start || return 1
	moto_tables "$(jq -nc '[range(130) | if . % 10 == 3 then "ci_7_t\(. + 1000)" elif . % 10 == 5 then "ci_70_\(.)"
		else "zz\(999 - .)" end]')"
	export DDB_LOCAL_ENDPOINT=$MOTO_URL
}
