#!/usr/bin/env bats
# list-tables — every page, output modes, namespaces, both engines; and the binary's dispatch basics.

load test_helper
load standins/moto_dynamodb

create_tables() { # PREFIX N: N pay-per-request tables named PREFIX000..
	local p=$1 n=$2 i
	for ((i = 0; i < n; i++)); do
		ddb_local CreateTable "$(printf '{"TableName":"%s%03d","KeySchema":[{"AttributeName":"pk","KeyType":"HASH"}],"AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"}],"BillingMode":"PAY_PER_REQUEST"}' "$p" "$i")" >/dev/null
	done
}

paging_over_100_tables() {
	local ns
	ns=$(unique_ns)
	create_tables "$ns" 105
	run -0 --separate-stderr "$DDB" list-tables --namespace "$ns" --debug
	assert_equal "${#lines[@]}" 105
	# two pages, one kept-alive connection
	[[ $(grep -c '^> POST ' <<<"$stderr") -ge 2 ]]
	[[ $(grep -c '^< HTTP 200 .*, new connection)' <<<"$stderr") -eq 1 ]]
	[[ $(grep -c '^< HTTP 200 .*, reused connection)' <<<"$stderr") -ge 1 ]]
	assert_equal "${lines[0]}" 000
	assert_equal "${lines[104]}" 104
	# without the namespace, the full wire names are there too (all pages, more than one page of 100)
	run -0 "$DDB" list-tables
	[[ $(grep -c "^${ns}" <<<"$output") -eq 105 ]]
}

@test "list-tables: reads every page (105 tables) on DynamoDB Local" {
	paging_over_100_tables
}

@test "list-tables: reads every page (105 tables) on dynalite" {
	use_dynalite
	paging_over_100_tables
}

@test "list-tables: --output json, jsonl, text and table" {
	local ns
	ns=$(unique_ns)
	create_tables "$ns" 3
	run -0 "$DDB" list-tables --namespace "$ns" --output json
	json_eq "$output" '["000","001","002"]'
	run -0 "$DDB" list-tables --namespace "$ns" -o jsonl
	assert_equal "$output" $'"000"\n"001"\n"002"'
	run -0 "$DDB" list-tables --namespace "$ns" -o text
	assert_equal "$output" $'000\n001\n002'
	run -0 "$DDB" list-tables --namespace "$ns" -o table
	assert_line --index 0 TableName
	assert_line --index 2 000
	# DDB_NAMESPACE works like --namespace; --all shows the wire names
	DDB_NAMESPACE=$ns run -0 "$DDB" list-tables --all -o jsonl
	assert_line "\"${ns}001\""
}

short_namespace_and_neighbours() {
	local ns id
	ns=$(unique_ns) # t_<hex>_
	id=${ns#t_}
	create_tables "$ns" 2
	# neighbours in sort order: just before the namespace ('-' < '_') and just past it ('a' > '_')
	create_tables "${ns%_}-" 1
	create_tables "${ns%_}a" 1
	run -0 "$DDB" list-tables --namespace "$ns" -o jsonl
	assert_equal "$output" $'"000"\n"001"'
	# a namespace of one or two characters is no valid table name to start listing from: it is read from the start
	run -0 "$DDB" list-tables --namespace t_ -o jsonl
	assert_line "\"${id}000\""
	assert_line "\"${id}001\""
	assert_line "\"${id%_}-000\""
	assert_line "\"${id%_}a000\""
	run -0 "$DDB" list-tables --namespace t -o jsonl
	assert_line "\"_${id}001\""
}

@test "list-tables: namespaces of any length list exactly their tables, not their neighbours (both engines)" {
	on_both_engines short_namespace_and_neighbours
}

@test "list-tables: an empty namespace prints nothing and exits 0" {
	run -0 "$DDB" list-tables --namespace "nothing_here_$RANDOM"
	assert_output ""
	run -0 "$DDB" list-tables --namespace "nothing_here_$RANDOM" -o json
	assert_output "[]"
}

@test "list-tables: a refused local endpoint says how to start one (exit 69)" {
	DDB_LOCAL_ENDPOINT=http://127.0.0.1:1 run -69 "$DDB" list-tables
	assert_output --partial "cannot connect to the local DynamoDB at http://127.0.0.1:1"
	assert_output --partial "ddb local start"
}

@test "list-tables: --prod without region or credentials is a configuration error (78)" {
	run -78 "$DDB" list-tables --prod
	assert_output --partial "no region"
	AWS_REGION=eu-west-1 run -78 "$DDB" list-tables --prod
	assert_output --partial "no AWS credentials"
	AWS_REGION=eu-west-1 run -78 "$DDB" list-tables --prod --profile nosuch
	assert_output --partial "profile 'nosuch' not found"
}

@test "list-tables: prod over plain http is refused unless the host is loopback" {
	export AWS_REGION=eu-west-1 AWS_ACCESS_KEY_ID=AKIDTEST AWS_SECRET_ACCESS_KEY=secret
	run -78 "$DDB" list-tables --prod --endpoint-url http://example.invalid:8000
	assert_output --partial "refusing to send production requests over plain http://"
	run -0 "$DDB" list-tables --prod --endpoint-url "$DDB_TEST_LOCAL_URL" --namespace "none_$RANDOM"
}

@test "list-tables: endpoint precedence --endpoint-url > AWS_ENDPOINT_URL_DYNAMODB > AWS_ENDPOINT_URL > local" {
	local ns
	ns=$(unique_ns)
	create_tables "$ns" 1
	# the generic and the service-specific variables both override the local endpoint
	DDB_LOCAL_ENDPOINT=http://127.0.0.1:1 AWS_ENDPOINT_URL=$DDB_TEST_LOCAL_URL run -0 "$DDB" list-tables --namespace "$ns"
	assert_output 000
	DDB_LOCAL_ENDPOINT=http://127.0.0.1:1 AWS_ENDPOINT_URL=http://127.0.0.1:1 \
		AWS_ENDPOINT_URL_DYNAMODB=$DDB_TEST_LOCAL_URL run -0 "$DDB" list-tables --namespace "$ns"
	assert_output 000
	AWS_ENDPOINT_URL_DYNAMODB=http://127.0.0.1:1 run -0 "$DDB" list-tables --namespace "$ns" --endpoint-url "$DDB_TEST_LOCAL_URL"
	assert_output 000
	# and the profile's endpoint_url from ~/.aws/config
	mkdir -p "$HOME/.aws"
	printf '[default]\nendpoint_url = %s\n' "$DDB_TEST_LOCAL_URL" >"$HOME/.aws/config"
	DDB_LOCAL_ENDPOINT=http://127.0.0.1:1 run -0 "$DDB" list-tables --namespace "$ns"
	assert_output 000
	AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true DDB_LOCAL_ENDPOINT=http://127.0.0.1:1 run -69 "$DDB" list-tables
}

@test "list-tables: --debug shows requests and responses but no secret" {
	export AWS_ACCESS_KEY_ID=AKIDDEBUGTEST AWS_SECRET_ACCESS_KEY=s3cr3tK3yThatMustNotLeak \
		AWS_SESSION_TOKEN=T0kenThatMustNotLeak AWS_REGION=us-east-1
	run -0 --separate-stderr "$DDB" list-tables --debug --prod --endpoint-url "$DDB_TEST_LOCAL_URL"
	[[ $stderr == *"> POST $DDB_TEST_LOCAL_URL"* ]]
	[[ $stderr == *"X-Amz-Target: DynamoDB_20120810.ListTables"* ]]
	[[ $stderr == *"< HTTP 200"* ]]
	[[ $stderr == *"Signature=<redacted>"* ]]
	[[ $stderr == *"X-Amz-Security-Token: <redacted>"* ]]
	[[ $stderr != *s3cr3tK3yThatMustNotLeak* && $output != *s3cr3tK3yThatMustNotLeak* ]]
	[[ $stderr != *T0kenThatMustNotLeak* && $output != *T0kenThatMustNotLeak* ]]
	# no 64-hex signature anywhere
	! grep -Eq 'Signature=[0-9a-f]{64}' <<<"$stderr"
}

@test "list-tables: a write error on stdout is not success" {
	[[ -w /dev/full ]] || skip "no /dev/full"
	local ns
	ns=$(unique_ns)
	create_tables "$ns" 1
	run -74 bash -c '"$DDB" list-tables --all >/dev/full'
	assert_output --partial "cannot write output"
}

@test "list-tables: bad options are usage errors (64) with one specific line" {
	run -64 "$DDB" list-tables --bogus
	assert_line --index 0 "ddb: list-tables: unknown option '--bogus'"
	assert_line --index 1 --partial "usage: ddb list-tables"
	run -64 "$DDB" list-tables --output xml
	assert_output --partial "option '--output': 'xml' is not one of: table, json, jsonl, text, map"
	run -64 "$DDB" list-tables --max-attempts nope
	assert_output --partial "'nope' is not a whole number"
	run -64 "$DDB" list-tables --region
	assert_output --partial "option '--region' needs a value"
	run -64 "$DDB" list-tables extra
	assert_output --partial "unexpected argument 'extra'"
	run -64 "$DDB" list-tables -o map
	assert_output --partial "--output map is only for 'cognito list-users'"
}

@test "list-tables: a malformed endpoint URL is a configuration error (78) at once, naming where it came from" {
	run -78 "$DDB" list-tables --endpoint-url http://127.0.0.1:abc
	assert_output "ddb: list-tables: --endpoint-url: endpoint 'http://127.0.0.1:abc' is not a valid URL: Port number was not a decimal number between 0 and 65535"
	run -78 "$DDB" list-tables --endpoint-url 'http://exa mple.com' --debug
	refute_output --partial '> POST'
	AWS_ENDPOINT_URL_DYNAMODB='http://[::1' run -78 "$DDB" list-tables
	assert_output --partial "AWS_ENDPOINT_URL_DYNAMODB: endpoint 'http://[::1' is not a valid URL"
	DDB_LOCAL_ENDPOINT=http://127.0.0.1:70000 run -78 "$DDB" list-tables
	assert_output --partial "DDB_LOCAL_ENDPOINT: endpoint 'http://127.0.0.1:70000' is not a valid URL"
}

@test "list-tables, drop --all and completion: a two-character namespace on a private engine" {
	engine_start dynalite
	local url=$ENGINE_URL pid=$ENGINE_PID t
	for t in ab1 x-1 x_1 x_2 xa1 y_1; do
		ddb_raw "$url" CreateTable "$(printf '{"TableName":"%s","KeySchema":[{"AttributeName":"pk","KeyType":"HASH"}],"AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"}],"BillingMode":"PAY_PER_REQUEST"}' "$t")" >/dev/null
	done
	export DDB_LOCAL_ENDPOINT=$url
	run -0 "$DDB" list-tables --namespace x_ -o jsonl
	assert_equal "$output" $'"1"\n"2"'
	run -0 "$DDB" __complete -- --namespace x_ describe ""
	assert_equal "$output" $'1\n2'
	run -0 "$DDB" drop --all --namespace x_
	run -0 "$DDB" list-tables -o jsonl
	assert_equal "$output" $'"ab1"\n"x-1"\n"xa1"\n"y_1"'
	engine_stop "$pid"
}

@test "list-tables: throttling is retried with capped, jittered, doubling waits up to --max-attempts; Ctrl-C while waiting exits 130" {
	local d=$BATS_TEST_TMPDIR url ppid pid rc=0 k=1 ms
	python3 "$(engine_root)/test/standins/fault_proxy.py" --upstream "$DDB_LOCAL_ENDPOINT" --port-file "$d/p.url" \
		--throttle-rate 1 </dev/null >"$d/p.log" 2>&1 3>&- &
	ppid=$!
	wait_for 10 test -s "$d/p.url"
	url=$(<"$d/p.url")
	run -75 --separate-stderr "$DDB" list-tables --endpoint-url "$url" --max-attempts 6 --debug
	assert_equal "$(grep -c '^> POST ' <<<"$stderr")" 6
	[[ $stderr =~ gave\ up\ after\ 6\ attempts:\ .*Exception ]]
	# full jitter below a ceiling of 50 ms doubling per attempt (capped at 5 s): attempt k waits less than 50*2^(k-1)
	while read -r ms; do
		((ms < 50 * (1 << (k - 1)))) || fail "wait $k was $ms ms"
		k=$((k + 1))
	done < <(sed -n 's/^\* retrying in \([0-9]*\) ms$/\1/p' <<<"$stderr")
	assert_equal "$k" 6
	# --max-attempts 1: no retry at all
	run -75 --separate-stderr "$DDB" list-tables --endpoint-url "$url" --max-attempts 1 --debug
	assert_equal "$(grep -c '^> POST ' <<<"$stderr")" 1
	# Ctrl-C during the waits: 130, and the message says what was being retried (sent once two attempts were made:
	# a fixed sleep can end before a slow start, e.g. under valgrind, has installed the handler)
	local n0
	n0=$(curl -sS --noproxy '*' "$url/__stats" | jq .requests)
	"$DDB" list-tables --endpoint-url "$url" --max-attempts 100 2>"$d/int.err" 3>&- &
	pid=$!
	wait_for 60 bash -c "curl -sS --noproxy '*' '$url/__stats' | jq -e '.requests >= $n0 + 2' >/dev/null"
	kill -INT "$pid"
	wait "$pid" || rc=$?
	assert_equal "$rc" 130
	run cat "$d/int.err"
	assert_output --regexp '^ddb: list-tables: interrupted'
	kill "$ppid"
}

@test "list-tables --namespace: every page is read from the start and filtered (an engine that pages as moto does)" {
	moto_fixture
	run -0 "$DDB" list-tables --namespace ci_7_ -o jsonl
	assert_equal "${#lines[@]}" 13
	assert_line --index 0 '"t1003"'
	assert_line --index 12 '"t1123"'
	# only ever continued at the previous page's LastEvaluatedTableName
	run -0 curl -sS --noproxy '*' "$MOTO_URL/__log"
	json_eq "$(jq -c '[.[] | .input.ExclusiveStartTableName]' <<<"$output")" '[null,"zz900"]'
	moto_stop
}
