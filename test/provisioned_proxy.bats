#!/usr/bin/env bats
# provisioned_proxy.bats — the simulated provisioned table (test/standins/provisioned_proxy.py) that make bench and
# the capacity tests use: it must throttle as configured, answer excess as DynamoDB does (a proper
# ProvisionedThroughputExceededException with a valid x-amz-crc32, partial UnprocessedItems), charge GSI writes,
# add its latency, and count the units it let through.

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

proxy_start() { # [provisioned_proxy options]
	rm -f "$d/proxy.url"
	python3 "$DDB_TEST_ROOT/test/standins/provisioned_proxy.py" --upstream "$DDB_LOCAL_ENDPOINT" \
		--port-file "$d/proxy.url" --owner $$ "$@" </dev/null >"$d/proxy.log" 2>&1 3>&- &
	proxy_pid=$!
	wait_for 10 test -s "$d/proxy.url" || { cat "$d/proxy.log"; return 1; }
	proxy_url=$(<"$d/proxy.url")
}

proxy_stat() { # JQ-PATH
	curl -sS --noproxy '*' "$proxy_url/__stats" | jq -c "($1) // 0"
}

# post TARGET BODY: one request through the proxy; prints the body, then the status and the x-amz-crc32 header
# on a last line "STATUS CRC".
post() {
	curl -sS --noproxy '*' --max-time 30 -X POST "$proxy_url/" -H "X-Amz-Target: DynamoDB_20120810.$1" \
		-H "Content-Type: application/x-amz-json-1.0" -H "X-Amz-Date: 20240101T000000Z" \
		-H "Authorization: AWS4-HMAC-SHA256 Credential=AKIDDDBTEST/20240101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=00" \
		-D "$d/headers" --data-binary "$2" -w '\n%{http_code}'
	printf ' %s\n' "$(tr -d '\r' <"$d/headers" | sed -n 's/^x-amz-crc32: //Ip')"
}

make_table() { # NAME [GSI: 1 for a GSI on g]
	local gsi= gdef=
	if [[ ${2-} == 1 ]]; then
		gdef=',{"AttributeName":"g","AttributeType":"S"}'
		gsi=',"GlobalSecondaryIndexes":[{"IndexName":"by-g","KeySchema":[{"AttributeName":"g","KeyType":"HASH"}],"Projection":{"ProjectionType":"ALL"}}]'
	fi
	ddb_local CreateTable '{"TableName":"'"$1"'","BillingMode":"PAY_PER_REQUEST",
		"AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"}'"$gdef"'],
		"KeySchema":[{"AttributeName":"pk","KeyType":"HASH"}]'"$gsi"'}' >/dev/null
}

# batch TABLE FIRST COUNT BYTES: a BatchWriteItem body of COUNT puts (pk FIRST..) each carrying BYTES of payload.
batch() {
	python3 - "$@" <<'EOF'
import json, sys
t, first, n, size = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
reqs = [{"PutRequest": {"Item": {"pk": {"S": "k%05d" % i}, "p": {"S": "x" * size}}}} for i in range(first, first + n)]
print(json.dumps({"RequestItems": {t: reqs}}))
EOF
}

count_items() { # TABLE
	ddb_local Scan '{"TableName":"'"$1"'","Select":"COUNT"}' | jq '.Count'
}

@test "provisioned proxy: BatchWriteItem past W: the part that fits is written, the rest is UnprocessedItems; none fits: a throttle" {
	make_table "${ns}pv"
	for first in 0 100 200; do batch "${ns}pv" "$first" 25 1500 >"$d/b$first.json"; done
	# 2 units/s, a burst of 50 units; each item is 1.5 KB: 2 units
	proxy_start --wcu 2 --burst-seconds 25
	run -0 post BatchWriteItem "@$d/b0.json"
	[[ ${lines[-1]} == 200\ * ]]
	run -0 jq -e '.UnprocessedItems == {}' <<<"${lines[0]}"
	# the bucket is empty (refilling 2 units a second): nothing fits, the whole batch is throttled as DynamoDB
	# does, with a valid crc
	run -0 post BatchWriteItem "@$d/b100.json"
	read -r code crc <<<"${lines[-1]}"
	body=${lines[0]}
	[[ $code == 400 ]]
	[[ $crc == "$(python3 -c 'import sys,zlib; print(zlib.crc32(sys.argv[1].encode()) & 0xffffffff)' "$body")" ]]
	run -0 jq -r '.__type' <<<"$body"
	[[ $output == com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException ]]
	run -0 jq -r '.message' <<<"$body"
	[[ $output == 'The level of configured provisioned throughput for the table was exceeded.'* ]]
	# 3 s later at least 6 units: some items fit, the others come back unprocessed — as many as the time allows
	sleep 3
	run -0 post BatchWriteItem "@$d/b200.json"
	[[ ${lines[-1]} == 200\ * ]]
	answer=${lines[0]}
	left=$(jq '.UnprocessedItems["'"${ns}pv"'"] | length' <<<"$answer")
	echo "left: $left"
	((left >= 1 && left <= 22))
	[[ $(count_items "${ns}pv") == $((25 + 25 - left)) ]]
	[[ $(proxy_stat .write_units) == $((2 * (50 - left))) ]]
	[[ $(proxy_stat .unprocessed_items) == "$left" ]]
	(($(proxy_stat .throttled) == 1))
	# never more than the burst plus W per second since the start
	run -0 proxy_stat '.write_units <= 50 + 2 * .elapsed'
	[[ $output == true ]]
	# the unprocessed requests are the later ones, returned as sent
	run -0 jq -r '.UnprocessedItems["'"${ns}pv"'"] | (.[0], .[-1]) | .PutRequest.Item.pk.S' <<<"$answer"
	[[ ${lines[0]} == "k00$((225 - left))" && ${lines[1]} == k00224 ]]
}

@test "provisioned proxy: a PutItem is charged for the GSIs the item lands in; one that does not fit is throttled" {
	make_table "${ns}pg" 1
	# a burst of 10 units, refilling 1 a second
	proxy_start --wcu 1 --burst-seconds 10
	big=$(printf 'x%.0s' {1..1200})
	# 1.2 KB in the table and again in the GSI: 2 + 2 units
	run -0 post PutItem '{"TableName":"'"${ns}pg"'","Item":{"pk":{"S":"a"},"g":{"S":"1"},"p":{"S":"'"$big"'"}}}'
	[[ ${lines[-1]} == 200\ * ]]
	# not in the GSI (no g): 2 units
	run -0 post PutItem '{"TableName":"'"${ns}pg"'","Item":{"pk":{"S":"b"},"p":{"S":"'"$big"'"}}}'
	[[ ${lines[-1]} == 200\ * ]]
	run -0 post PutItem '{"TableName":"'"${ns}pg"'","Item":{"pk":{"S":"c"},"g":{"S":"1"},"p":{"S":"'"$big"'"}}}'
	[[ ${lines[-1]} == 200\ * ]]
	(($(proxy_stat .write_units) == 10))
	run -0 post PutItem '{"TableName":"'"${ns}pg"'","Item":{"pk":{"S":"d"},"g":{"S":"1"},"p":{"S":"'"$big"'"}}}'
	[[ ${lines[-1]} == 400\ * ]]
	run -0 jq -r '.__type' <<<"${lines[0]}"
	[[ $output == *'#ProvisionedThroughputExceededException' ]]
	[[ $(count_items "${ns}pg") == 3 ]]
	(($(proxy_stat .by_op.PutItem.throttled) == 1))
	# reads are not limited by the write side, and other operations pass through
	run -0 post GetItem '{"TableName":"'"${ns}pg"'","Key":{"pk":{"S":"a"}}}'
	[[ ${lines[-1]} == 200\ * ]]
	[[ $(proxy_stat .read_units) == 0.5 ]]
}

@test "provisioned proxy: reads past R are throttled until the debt is paid; the latency is added to every answer" {
	make_table "${ns}pr"
	ddb_local BatchWriteItem "$(batch "${ns}pr" 0 20 3000)" >/dev/null
	proxy_start --rcu 2 --burst-seconds 1 --latency-ms 150
	# 20 x 3 KB = 60 KB eventually consistent: 7.5 units, charged after the answer: the bucket is in debt
	start=$(date +%s%N)
	run -0 post Scan '{"TableName":"'"${ns}pr"'"}'
	end=$(date +%s%N)
	[[ ${lines[-1]} == 200\ * ]]
	(((end - start) / 1000000 >= 150))
	[[ $(proxy_stat .read_units) == 7.5 ]]
	run -0 post Scan '{"TableName":"'"${ns}pr"'","Limit":1}'
	[[ ${lines[-1]} == 400\ * ]]
	start=$(date +%s%N)
	run -0 post DescribeTable '{"TableName":"'"${ns}pr"'"}'
	end=$(date +%s%N)
	[[ ${lines[-1]} == 200\ * ]]
	(((end - start) / 1000000 >= 150))
}

@test "provisioned proxy: a client that keeps asking gets W units per second, no more (the figure a bench divides by W)" {
	make_table "${ns}pw"
	proxy_start --wcu 100 --burst-seconds 1
	# one writer re-sending whatever comes back unprocessed, for about 2.5 s
	run -0 python3 - "$proxy_url" "${ns}pw" <<'EOF'
import json, sys, time, urllib.request, urllib.error
url, table = sys.argv[1], sys.argv[2]
def send(body):
    req = urllib.request.Request(url + "/", data=json.dumps(body).encode(), method="POST", headers={
        "X-Amz-Target": "DynamoDB_20120810.BatchWriteItem", "Content-Type": "application/x-amz-json-1.0",
        "Authorization": "AWS4-HMAC-SHA256 Credential=AKIDDDBTEST/20240101/us-east-1/dynamodb/aws4_request, "
                         "SignedHeaders=host, Signature=00", "X-Amz-Date": "20240101T000000Z"})
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return json.loads(r.read()).get("UnprocessedItems") or {}
    except urllib.error.HTTPError as e:
        assert e.code == 400, e.code
        return body["RequestItems"]
k, pending, end = 0, [], time.monotonic() + 2.5
while time.monotonic() < end:
    while len(pending) < 25:
        pending.append({"PutRequest": {"Item": {"pk": {"S": "k%06d" % k}}}})
        k += 1
    left = send({"RequestItems": {table: pending}})
    pending = left.get(table, [])
    time.sleep(0.005)
EOF
	rate=$(proxy_stat .write_units_per_second)
	echo "achieved $rate units/s for W = 100" >&3
	python3 -c 'import sys; r = float(sys.argv[1]); sys.exit(0 if 90 <= r <= 105 else 1)' "$rate"
	(($(proxy_stat .unprocessed_items) > 0))
	[[ $(count_items "${ns}pw") == $(proxy_stat .write_units) ]]
}

@test "provisioned proxy: /__config changes W and starts the stats over; bad options are refused" {
	proxy_start --wcu 5
	run -0 curl -sS --noproxy '*' -X POST "$proxy_url/__config" --data-binary '{"wcu":50,"latency_ms":1}'
	run -0 jq -e '.wcu == 50 and .latency_ms == 1 and .rcu == 0' <<<"$output"
	[[ $(proxy_stat .config.wcu) == 50 ]]
	[[ $(proxy_stat '.burst_write_units == 50') == true ]]
	run -0 curl -sS --noproxy '*' -X POST "$proxy_url/__config" --data-binary '{"nope":1}'
	[[ $output == *'unknown setting nope'* ]]
	run -2 python3 "$DDB_TEST_ROOT/test/standins/provisioned_proxy.py" --upstream "$DDB_LOCAL_ENDPOINT" \
		--port-file "$d/x.url" --wcu -1
	[[ $output == *'must be >= 0'* ]]
}
