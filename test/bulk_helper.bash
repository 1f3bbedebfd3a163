# bulk_helper.bash — what export, import, copy and truncate tests share: a table with a GSI, items of every type
# (sets, binary, 38-digit numbers, nesting), a digest of a table's whole content read with the raw API (never
# through ddb), and the provisioned proxy.

table_active() { # URL WIRE
	[[ $(ddb_raw "$1" DescribeTable '{"TableName":"'"$2"'"}' | jq -r '.Table.TableStatus') == ACTIVE ]]
}

# bulk_table URL WIRE: pk S / sk N keys, a GSI by-g (g S HASH, sk RANGE), on demand.
bulk_table() {
	ddb_raw "$1" CreateTable '{"TableName":"'"$2"'","BillingMode":"PAY_PER_REQUEST",
		"AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"},{"AttributeName":"sk","AttributeType":"N"},
			{"AttributeName":"g","AttributeType":"S"}],
		"KeySchema":[{"AttributeName":"pk","KeyType":"HASH"},{"AttributeName":"sk","KeyType":"RANGE"}],
		"GlobalSecondaryIndexes":[{"IndexName":"by-g","KeySchema":[{"AttributeName":"g","KeyType":"HASH"},
			{"AttributeName":"sk","KeyType":"RANGE"}],"Projection":{"ProjectionType":"ALL"}}]}' >/dev/null
	wait_for 30 table_active "$1" "$2"
}

# rich_items N: N typed items (DynamoDB JSON lines) with every type: sets of each kind, binary, 38-digit numbers,
# tiny and negative numbers, nested maps and lists, BOOL, NULL, unicode; every 7th has no g (not in the GSI).
rich_items() {
	local i
	for ((i = 0; i < $1; i++)); do
		printf '{"pk":{"S":"p%d"},"sk":{"N":"%d"},%s"n38":{"N":"1234567890123456789012345678901234567%d"},' \
			$((i % 50)) "$i" "$( ((i % 7)) && printf '"g":{"S":"g%d"},' $((i % 5)))" $((i % 10))
		printf '"tiny":{"N":"-0.00000000000000000000000000000000000%d"},"ss":{"SS":["a%d","b","ü✓"]},' $((i % 9 + 1)) "$i"
		printf '"ns":{"NS":["1","2.5","-%d"]},"bs":{"BS":["AAEC","/w==","%s"]},"b":{"B":"AP8A"},' $((i + 3)) \
			"$(printf 'item%d' "$i" | base64)"
		printf '"m":{"M":{"l":{"L":[{"S":"x"},{"N":"1"},{"BOOL":true},{"NULL":true},{"M":{"deep":{"SS":["z"]},"e":{"L":[]}}}]},"t":{"S":"line\\nbreak \\"q\\""}}}}\n'
	done
}

# table_digest URL WIRE: every item as typed JSON, keys and sets sorted, lines sorted, hashed (the raw API).
table_dump() {
	local url=$1 t=$2 start= page
	while :; do
		page=$(ddb_raw "$url" Scan '{"TableName":"'"$t"'","ConsistentRead":true'"${start:+,\"ExclusiveStartKey\":$start}"'}')
		jq -c -S '.Items[] | walk(if type == "object" and (has("SS") or has("NS") or has("BS")) and length == 1
			then map_values(sort) else . end)' <<<"$page"
		start=$(jq -c '.LastEvaluatedKey // empty' <<<"$page")
		[[ -n $start ]] || break
	done | LC_ALL=C sort
}
table_digest() { table_dump "$@" | sha256sum | cut -c1-64; }
table_count() { table_dump "$@" | wc -l | tr -d ' '; }

# load_items URL WIRE FILE: typed lines into a table (through ddb seed, which the seed tests vouch for).
load_items() {
	DDB_LOCAL_ENDPOINT=$1 "$DDB" seed --quiet --format ddb --table "$2" "$3"
}

# key_schema URL WIRE: keys, attribute types and GSIs (names, keys, projection), comparable across engines.
key_schema() {
	ddb_raw "$1" DescribeTable '{"TableName":"'"$2"'"}' | jq -c -S '.Table | {k: .KeySchema,
		a: (.AttributeDefinitions | sort_by(.AttributeName)),
		g: ([.GlobalSecondaryIndexes[]? | {n: .IndexName, k: .KeySchema, p: .Projection.ProjectionType}] | sort_by(.n)),
		l: ([.LocalSecondaryIndexes[]? | {n: .IndexName, k: .KeySchema}] | sort_by(.n))}'
}

proxy_start() { # UPSTREAM [provisioned_proxy options]
	local up=$1
	shift
	rm -f "$d/proxy.url"
	python3 "$DDB_TEST_ROOT/test/standins/provisioned_proxy.py" --upstream "$up" \
		--port-file "$d/proxy.url" --owner $$ "$@" </dev/null >"$d/proxy.log" 2>&1 3>&- &
	proxy_pid=$!
	wait_for 10 test -s "$d/proxy.url" || { cat "$d/proxy.log"; return 1; }
	proxy_url=$(<"$d/proxy.url")
}

proxy_stat() { # JQ-PATH
	curl -sS --noproxy '*' "$proxy_url/__stats" | jq -c "($1) // 0"
}
