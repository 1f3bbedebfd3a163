#!/usr/bin/env bats
# trigger.bats — ddb trigger create|list|delete: tables and streams on DynamoDB Local (made with schema-load and
# enable-stream), Lambda's event source mappings on test/standins/lambda_standin.py, a strict stand-in that verifies
# every SigV4 signature and checks every request and answer against botocore's `lambda` model.  Mappings are
# Creating/Updating/Deleting for 0.3 s, and ListEventSourceMappings answers pages of 2.

load test_helper

PY=/usr/bin/python3   # the system python: its botocore (python3-botocore) holds the model the stand-in checks

setup_file() {
	local pf=$BATS_FILE_TMPDIR/lambda.url i
	"$PY" "$DDB_TEST_ROOT/test/standins/lambda_standin.py" --port-file "$pf" --page-size 2 --delay 0.3 --owner $$ \
		</dev/null >"$BATS_FILE_TMPDIR/lambda.log" 2>&1 3>&- &
	export DDB_TEST_LAMBDA_PID=$!
	for ((i = 0; i < 150; i++)); do
		[[ -s $pf ]] && break
		sleep 0.1
	done
	[[ -s $pf ]] || { echo "lambda stand-in did not start:" >&2; cat "$BATS_FILE_TMPDIR/lambda.log" >&2; return 1; }
	DDB_TEST_LAMBDA_URL=$(<"$pf")
	export DDB_TEST_LAMBDA_URL
}

teardown_file() {
	[[ -z ${DDB_TEST_LAMBDA_PID-} ]] || kill "$DDB_TEST_LAMBDA_PID" 2>/dev/null || true
}

setup() {
	curl -sSf -X POST "$DDB_TEST_LAMBDA_URL/_standin/reset" >/dev/null
	ns=$(unique_ns)
	export AWS_ENDPOINT_URL_LAMBDA=$DDB_TEST_LAMBDA_URL AWS_REGION=us-east-1 DDB_NAMESPACE=$ns \
		AWS_ACCESS_KEY_ID=AKIDDDBLAMBDA AWS_SECRET_ACCESS_KEY=lambda-standin-secret
	FN=arn:aws:lambda:us-east-1:123456789012:function
	add_function ingest
}

# ---- helpers ----------------------------------------------------------------------------------------------------
add_function() { # NAME [REGION]
	curl -sSf -X POST "$DDB_TEST_LAMBDA_URL/_standin/add-function" \
		-d '{"name":"'"$1"'","region":"'"${2:-us-east-1}"'"}' >/dev/null
}
standin_set() { curl -sSf -X POST "$DDB_TEST_LAMBDA_URL/_standin/set" -d "$1" >/dev/null; }
mappings() { curl -sSf "$DDB_TEST_LAMBDA_URL/_standin/state" | jq -c '.mappings'; }
requests() { curl -sSf "$DDB_TEST_LAMBDA_URL/_standin/requests"; }
count_op() { requests | jq --arg o "$1" '[.[] | select(.op == $o and .status < 300)] | length'; } # answered ones

# make_table NAME [--stream]: a table from a schema file (schema-load), its stream on with enable-stream.
make_table() {
	printf '%s\n' '{"TableName":"'"$1"'","BillingMode":"PAY_PER_REQUEST",
		"AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"}],
		"KeySchema":[{"AttributeName":"pk","KeyType":"HASH"}]}' >"$BATS_TEST_TMPDIR/$1.json"
	"$DDB" schema-load "$BATS_TEST_TMPDIR/$1.json" >/dev/null 2>&1
	if [[ ${2-} == --stream ]]; then
		"$DDB" enable-stream "$1" --view-type NEW_IMAGE >/dev/null
	fi
}
stream_arn() { ddb_local DescribeTable '{"TableName":"'"$ns$1"'"}' | jq -r '.Table.LatestStreamArn // empty'; }
stream_view() {
	ddb_local DescribeTable '{"TableName":"'"$ns$1"'"}' | jq -r '.Table.StreamSpecification.StreamViewType // empty'
}

# ---- create -----------------------------------------------------------------------------------------------------
@test "trigger create: twice leaves one mapping (TRIM_HORIZON, the batch size) on the table's stream" {
	make_table msgs --stream
	local arn
	arn=$(stream_arn msgs)
	[[ -n $arn ]]

	run -0 --separate-stderr "$DDB" trigger create msgs --function ingest --batch-size 25
	[[ $stderr == *"created mapping "* ]]
	local uuid
	uuid=$(jq -r .UUID <<<"$output")
	run -0 jq -e --arg a "$arn" --arg f "$FN:ingest" '.TableName == "msgs" and .Changed == "created"
		and .EventSourceArn == $a and .FunctionArn == $f and .StartingPosition == "TRIM_HORIZON"
		and .BatchSize == 25' <<<"$output"

	run -0 --separate-stderr "$DDB" trigger create msgs --function ingest --batch-size 25
	[[ $stderr == *"'msgs' already triggers $FN:ingest (mapping $uuid)"* ]]
	assert_equal "$(jq -r '.Changed + " " + .UUID' <<<"$output")" "unchanged $uuid"

	# one mapping, made by one CreateEventSourceMapping with exactly the documented body; no update
	run -0 jq -e --arg a "$arn" --arg u "$uuid" 'length == 1 and .[0].UUID == $u and .[0].EventSourceArn == $a
		and .[0].StartingPosition == "TRIM_HORIZON" and .[0].BatchSize == 25' < <(mappings)
	assert_equal "$(count_op CreateEventSourceMapping)" 1
	assert_equal "$(count_op UpdateEventSourceMapping)" 0
	run -0 jq -e --arg a "$arn" '[.[] | select(.op == "CreateEventSourceMapping")][0]
		| .method == "POST" and .path == "/2015-03-31/event-source-mappings/" and .key == "AKIDDDBLAMBDA"
		  and .body == {"EventSourceArn": $a, "FunctionName": "ingest", "StartingPosition": "TRIM_HORIZON",
		                "BatchSize": 25}' < <(requests)
	# the lookups asked for this stream and function
	run -0 jq -e --arg a "$arn" '[.[] | select(.op == "ListEventSourceMappings")][0]
		| .method == "GET" and .query == [["EventSourceArn", $a], ["FunctionName", "ingest"]]' < <(requests)
}

@test "trigger create: a changed batch size (or window, retries, bisect, filter, destination) updates the mapping" {
	make_table msgs --stream
	standin_set '{"delay": 2}'   # Creating for long enough that the next command surely finds it so
	run -0 --separate-stderr "$DDB" trigger create msgs --function ingest --batch-size 10
	local uuid
	uuid=$(jq -r .UUID <<<"$output")

	# right away: the mapping is still Creating; the update waits for it to settle
	run -0 --separate-stderr "$DDB" trigger create msgs --function ingest --batch-size 50
	assert_equal "$(jq -r '.Changed + " " + .UUID' <<<"$output")" "updated $uuid"
	[[ $stderr == *"updated mapping $uuid"* ]]
	run -0 jq -e --arg u "$uuid" 'length == 1 and .[0].UUID == $u and .[0].BatchSize == 50' < <(mappings)
	[[ $stderr == *"mapping $uuid is busy; waiting for it to settle before updating it"* ]]
	run -0 jq -e '[.[] | select(.op == "UpdateEventSourceMapping") | .status] == [400, 202]' < <(requests)
	standin_set '{"delay": 0.3}'
	run -0 jq -e --arg u "$uuid" '[.[] | select(.op == "UpdateEventSourceMapping" and .status < 300)] | length == 1
		and .[0].method == "PUT" and .[0].path == "/2015-03-31/event-source-mappings/\($u)"
		and .[0].body == {"BatchSize": 50}' < <(requests)

	# only what differs is sent; the same options again change nothing
	local filter='{"eventName":["INSERT"]}' dest=arn:aws:sqs:us-east-1:123456789012:failed
	run -0 --separate-stderr "$DDB" trigger create msgs --function ingest --batch-size 50 --batching-window 5 --max-retries 2 \
		--bisect --filter "$filter" --on-failure "$dest" --wait
	run -0 jq -e --arg d "$dest" '[.[] | select(.op == "UpdateEventSourceMapping" and .status < 300)] | length == 2
		and .[1].body == {"MaximumBatchingWindowInSeconds": 5, "MaximumRetryAttempts": 2,
		                  "BisectBatchOnFunctionError": true, "DestinationConfig": {"OnFailure": {"Destination": $d}},
		                  "FilterCriteria": {"Filters": [{"Pattern": "{\"eventName\":[\"INSERT\"]}"}]}}' < <(requests)
	run -0 --separate-stderr "$DDB" trigger create msgs --function ingest --batch-size 50 --batching-window 5 --max-retries 2 \
		--bisect --filter '{ "eventName": [ "INSERT" ] }' --on-failure "$dest"
	assert_equal "$(jq -r .Changed <<<"$output")" unchanged
	assert_equal "$(count_op UpdateEventSourceMapping)" 2

	# --disabled disables it; without it, create enables it again
	run -0 --separate-stderr "$DDB" trigger create msgs --function ingest --disabled --wait
	assert_equal "$(jq -r .State <<<"$output")" Disabled
	run -0 jq -e '[.[] | select(.op == "UpdateEventSourceMapping" and .status < 300)][2].body == {"Enabled": false}' < <(requests)
	run -0 --separate-stderr "$DDB" trigger create msgs --function ingest --wait
	assert_equal "$(jq -r .State <<<"$output")" Enabled
	assert_equal "$(mappings | jq length)" 1
}

@test "trigger create: the starting position cannot change: a note says so, nothing is updated" {
	make_table msgs --stream
	run -0 --separate-stderr "$DDB" trigger create msgs --function ingest --wait
	run -0 --separate-stderr "$DDB" trigger create msgs --function ingest --from latest
	[[ $stderr == *"its starting position is TRIM_HORIZON and cannot change; delete the trigger and create it again to start from LATEST"* ]]
	assert_equal "$(jq -r '.Changed + " " + .StartingPosition' <<<"$output")" "unchanged TRIM_HORIZON"
	assert_equal "$(count_op UpdateEventSourceMapping)" 0
	# a new trigger can start at LATEST
	add_function audit
	run -0 --separate-stderr "$DDB" trigger create msgs --function audit --from latest
	assert_equal "$(jq -r .StartingPosition <<<"$output")" LATEST
}

@test "trigger create --wait: returns once the mapping is Enabled; --disabled waits for Disabled" {
	make_table msgs --stream
	run -0 --separate-stderr "$DDB" trigger create msgs --function ingest --wait
	assert_equal "$(jq -r '.Changed + " " + .State' <<<"$output")" "created Enabled"
	# without --wait the answer is CreateEventSourceMapping's: still Creating
	add_function audit
	run -0 --separate-stderr "$DDB" trigger create msgs --function audit
	assert_equal "$(jq -r .State <<<"$output")" Creating
	add_function paused
	run -0 --separate-stderr "$DDB" trigger create msgs --function paused --disabled --wait
	assert_equal "$(jq -r .State <<<"$output")" Disabled
	run -0 jq -e '[.[] | select(.op == "CreateEventSourceMapping")][2].body.Enabled == false' < <(requests)
	# the waits polled GetEventSourceMapping
	(($(count_op GetEventSourceMapping) >= 2))
}

@test "trigger create --wait gives up after --wait-timeout (75)" {
	make_table msgs --stream
	standin_set '{"delay": 30}'
	run -75 "$DDB" trigger create msgs --function ingest --wait --wait-timeout 0.5
	assert_output --partial "timed out after 0.5 s waiting for it to be Enabled (it is Creating)"
}

@test "trigger create: a lost answer (500 after the mapping was made): the retry finds it, one mapping" {
	make_table msgs --stream
	standin_set '{"fail_next_create": true}'
	run -0 --separate-stderr "$DDB" trigger create msgs --function ingest --batch-size 7
	[[ $stderr == *"a retried create was refused as a duplicate: mapping "*" exists"* ]]
	local uuid
	uuid=$(jq -r .UUID <<<"$output")
	assert_equal "$(jq -r '.Changed + " " + (.BatchSize | tostring)' <<<"$output")" "created 7"
	run -0 jq -e --arg u "$uuid" 'length == 1 and .[0].UUID == $u' < <(mappings)
	run -0 jq -e '[.[] | select(.op == "CreateEventSourceMapping") | .status] == [500, 409]' < <(requests)
}

@test "trigger create: a function the account does not have is Lambda's refusal (1)" {
	make_table msgs --stream
	run -1 "$DDB" trigger create msgs --function nosuch
	assert_output --partial "Function not found: $FN:nosuch"
	assert_equal "$(mappings | jq length)" 0
}

@test "trigger create: a function ARN is sent as given and finds the mapping a name made" {
	make_table msgs --stream
	run -0 --separate-stderr "$DDB" trigger create msgs --function ingest
	local uuid
	uuid=$(jq -r .UUID <<<"$output")
	run -0 --separate-stderr "$DDB" trigger create msgs --function "$FN:ingest"
	assert_equal "$(jq -r '.Changed + " " + .UUID' <<<"$output")" "unchanged $uuid"
	run -0 jq -e --arg f "$FN:ingest" '[.[] | select(.op == "ListEventSourceMappings")][1].query[1] == ["FunctionName", $f]' \
		< <(requests)
}

# ---- streams ----------------------------------------------------------------------------------------------------
@test "trigger create: a table without a stream is an error naming enable-stream (66), and nothing is created" {
	make_table plain
	run -66 "$DDB" trigger create plain --function ingest
	assert_output --partial "table 'plain' has no stream: turn it on with 'ddb enable-stream plain' first, or give --enable-stream NEW_IMAGE to do both"
	assert_equal "$(requests | jq length)" 0
	assert_equal "$(stream_arn plain)" ""
	# a table that does not exist: 66
	run -66 "$DDB" trigger create nosuch --function ingest
	assert_output --partial "'nosuch' does not exist"
}

@test "trigger create --enable-stream NEW_IMAGE: turns the stream on, then attaches the function" {
	make_table plain
	run -0 --separate-stderr "$DDB" trigger create plain --function ingest --enable-stream NEW_IMAGE
	[[ $stderr == *"enabled a NEW_IMAGE stream on 'plain'"* ]]
	local arn
	arn=$(stream_arn plain)
	[[ $arn == *":table/${ns}plain/stream/"* ]]
	assert_equal "$(stream_view plain)" NEW_IMAGE
	assert_equal "$(jq -r .EventSourceArn <<<"$output")" "$arn"
	run -0 jq -e --arg a "$arn" 'length == 1 and .[0].EventSourceArn == $a' < <(mappings)
	# again: the stream is there, the mapping too
	run -0 --separate-stderr "$DDB" trigger create plain --function ingest --enable-stream NEW_IMAGE
	assert_equal "$(jq -r .Changed <<<"$output")" unchanged
	assert_equal "$(stream_arn plain)" "$arn"
	# another view type than the stream's is refused, not silently ignored
	run -1 "$DDB" trigger create plain --function ingest --enable-stream KEYS_ONLY
	assert_output --partial "already has a NEW_IMAGE stream, not KEYS_ONLY"
}

# ---- list -------------------------------------------------------------------------------------------------------
@test "trigger list: the table's mappings, over several pages; without TABLE every table of the namespace" {
	make_table msgs --stream
	make_table users --stream
	local f
	for f in a b c d e; do
		add_function "$f"
		run -0 --separate-stderr "$DDB" trigger create msgs --function "$f"
	done
	run -0 --separate-stderr "$DDB" trigger create users --function ingest

	run -0 --separate-stderr "$DDB" trigger list msgs
	assert_equal "${#lines[@]}" 5
	run -0 jq -s -e --arg fn "$FN" 'map(.TableName) == ["msgs","msgs","msgs","msgs","msgs"]
		and (map(.FunctionArn) | sort) == ([$fn + ":a", $fn + ":b", $fn + ":c", $fn + ":d", $fn + ":e"])' <<<"$output"
	# 5 mappings in pages of 2: three ListEventSourceMappings, the later ones with the Marker
	run -0 jq -e --arg a "$(stream_arn msgs)" '[.[] | select(.op == "ListEventSourceMappings"
		and .query[0] == ["EventSourceArn", $a] and (.query | map(.[0]) | index("FunctionName")) == null)]
		| length == 3 and (.[0].query | length) == 1 and .[1].query[1][0] == "Marker"
		  and .[2].query[1][0] == "Marker" and .[1].query[1][1] != .[2].query[1][1]' < <(requests)

	run -0 --separate-stderr "$DDB" trigger list
	assert_equal "${#lines[@]}" 6
	run -0 jq -s -e 'map(.TableName) | sort == ["msgs","msgs","msgs","msgs","msgs","users"]' <<<"$output"

	# -o text: the columns, tab-separated; -o json: one array
	run -0 --separate-stderr "$DDB" trigger list users -o text
	[[ ${lines[0]} == "users"$'\t'"$FN:ingest"$'\t'*$'\t'TRIM_HORIZON$'\t'100$'\t'* ]]
	run -0 --separate-stderr "$DDB" trigger list users -o json
	assert_equal "$(jq -r '.[0].FunctionArn' <<<"$output")" "$FN:ingest"

	# a table without triggers lists nothing; a missing table is 66
	make_table empty --stream
	run -0 --separate-stderr "$DDB" trigger list empty
	assert_output ""
	run -66 "$DDB" trigger list nosuch
}

@test "trigger list: a NextMarker that comes back twice stops the listing (65)" {
	make_table msgs --stream
	run -0 --separate-stderr "$DDB" trigger create msgs --function ingest
	standin_set '{"repeat_marker": true}'
	run -65 "$DDB" trigger list msgs
	assert_output --partial "the same NextMarker came back twice"
}

# ---- delete -----------------------------------------------------------------------------------------------------
@test "trigger delete: removes the mapping; --wait until it is gone; again: nothing to do" {
	make_table msgs --stream
	run -0 --separate-stderr "$DDB" trigger create msgs --function ingest --wait
	local uuid
	uuid=$(jq -r .UUID <<<"$output")
	add_function audit
	run -0 --separate-stderr "$DDB" trigger create msgs --function audit

	run -0 --separate-stderr "$DDB" trigger delete msgs --function ingest --wait
	[[ $stderr == *"deleting mapping $uuid"* ]]
	assert_equal "$(jq -r .UUID <<<"$output")" "$uuid"
	# gone when the command returns; the other function's mapping stays
	run -0 jq -e --arg f "$FN:audit" 'length == 1 and .[0].FunctionArn == $f' < <(mappings)
	run -0 jq -e --arg u "$uuid" '[.[] | select(.op == "DeleteEventSourceMapping")]
		| length == 1 and .[0].method == "DELETE" and .[0].path == "/2015-03-31/event-source-mappings/\($u)"
		  and .[0].body == null' < <(requests)
	run -0 --separate-stderr "$DDB" trigger list msgs
	assert_equal "${#lines[@]}" 1

	run -0 --separate-stderr "$DDB" trigger delete msgs --function ingest
	[[ $stderr == *"'msgs' has no trigger of ingest; nothing to do"* ]]
	assert_equal "$(count_op DeleteEventSourceMapping)" 1

	# without --wait it returns while the mapping is Deleting
	run -0 --separate-stderr "$DDB" trigger delete msgs --function audit
	assert_equal "$(jq -r .State <<<"$output")" Deleting
	wait_for 5 bash -c '[[ $(curl -sSf "$0/_standin/state" | jq ".mappings | length") == 0 ]]' "$DDB_TEST_LAMBDA_URL"
}

@test "trigger delete: a mapping still Creating is waited for, then deleted" {
	make_table msgs --stream
	standin_set '{"delay": 1.5}'
	run -0 --separate-stderr "$DDB" trigger create msgs --function ingest
	local uuid
	uuid=$(jq -r .UUID <<<"$output")
	run -0 --separate-stderr "$DDB" trigger delete msgs --function ingest --wait
	[[ $stderr == *"mapping $uuid is busy; waiting for it to settle before deleting it"* ]]
	run -0 jq -e '[.[] | select(.op == "DeleteEventSourceMapping") | .status] == [400, 202]' < <(requests)
	assert_equal "$(mappings | jq length)" 0
}

# ---- configuration, usage, prod ---------------------------------------------------------------------------------
@test "trigger: local mode without a Lambda endpoint is a configuration error (78), before anything changes" {
	make_table plain
	unset AWS_ENDPOINT_URL_LAMBDA
	run -78 "$DDB" trigger create plain --function ingest --enable-stream NEW_IMAGE
	assert_output --partial "lambda has no local engine"
	assert_output --partial "AWS_ENDPOINT_URL_LAMBDA"
	assert_equal "$(stream_arn plain)" ""
	run -78 "$DDB" trigger list
	# the [services] section of the config file names it too
	mkdir -p "$HOME/.aws"
	printf '[default]\nservices = stand-in\n[services stand-in]\nlambda =\n  endpoint_url = %s\n' \
		"$DDB_TEST_LAMBDA_URL" >"$HOME/.aws/config"
	run -0 --separate-stderr "$DDB" trigger list
}

@test "trigger: usage errors (64)" {
	run -64 "$DDB" trigger
	assert_output --partial "missing what to do"
	run -64 "$DDB" trigger frobnicate msgs
	assert_output --partial "unknown action 'frobnicate'"
	run -64 "$DDB" trigger create
	assert_output --partial "missing TABLE"
	run -64 "$DDB" trigger create msgs
	assert_output --partial "missing --function"
	run -64 "$DDB" trigger create msgs --function f --batch-size 0
	assert_output --partial "out of range (1..10000)"
	run -64 "$DDB" trigger create msgs --function f --batch-size 10001
	run -64 "$DDB" trigger create msgs --function f --batching-window 301
	run -64 "$DDB" trigger create msgs --function f --max-retries -2
	run -64 "$DDB" trigger create msgs --function f --from yesterday
	run -64 "$DDB" trigger create msgs --function f --enable-stream ALL
	run -64 "$DDB" trigger create msgs --function f --filter '[1]'
	assert_output --partial "option '--filter': not a JSON object"
	run -64 "$DDB" trigger create msgs --function 'a b'
	run -64 "$DDB" trigger create msgs --function "$(printf 'x%.0s' {1..257})"
	run -64 "$DDB" trigger delete msgs
	run -64 "$DDB" trigger delete msgs --function f --batch-size 5
	assert_output --partial "are for create"
	run -64 "$DDB" trigger list --function f
	run -64 "$DDB" trigger list a b
	run -64 "$DDB" trigger create msgs extra --function f
	# nothing reached Lambda
	assert_equal "$(requests | jq length)" 0
}

@test "trigger: prod needs a region; delete needs --yes; with them it works against the endpoints given" {
	add_function ingest eu-west-1
	make_table msgs --stream
	export AWS_ENDPOINT_URL_DYNAMODB=$DDB_TEST_LOCAL_URL AWS_ENDPOINT_URL_DYNAMODB_STREAMS=$DDB_TEST_LOCAL_URL
	unset AWS_REGION
	run -78 "$DDB" trigger create msgs --prod --function ingest
	assert_output --partial "no region"
	export AWS_REGION=eu-west-1
	run -0 --separate-stderr "$DDB" trigger create msgs --prod --function ingest --wait
	assert_equal "$(jq -r .FunctionArn <<<"$output")" arn:aws:lambda:eu-west-1:123456789012:function:ingest
	run -0 jq -e '[.[] | select(.op == "CreateEventSourceMapping")][0].region == "eu-west-1"' < <(requests)
	run -0 --separate-stderr "$DDB" trigger list msgs --prod
	assert_equal "${#lines[@]}" 1
	run -64 "$DDB" trigger delete msgs --prod --function ingest </dev/null
	assert_output --partial "refusing to delete the trigger of ingest on table 'msgs' (${ns}msgs on the wire) in prod without --yes"
	assert_equal "$(mappings | jq length)" 1
	assert_equal "$(count_op DeleteEventSourceMapping)" 0
	run -0 --separate-stderr "$DDB" trigger delete msgs --prod --function ingest --yes --wait
	assert_equal "$(mappings | jq length)" 0
	# prod over plain http:// to a host that is not loopback is refused (78)
	AWS_ENDPOINT_URL_LAMBDA=http://example.com run -78 "$DDB" trigger list msgs --prod
}

@test "trigger --debug: Lambda's requests are traced (method, path, query), the signature and secret never shown" {
	make_table msgs --stream
	run -0 --separate-stderr "$DDB" trigger create msgs --function ingest --debug
	[[ $stderr == *"> POST $DDB_TEST_LAMBDA_URL/2015-03-31/event-source-mappings/ (attempt 1)"* ]]
	[[ $stderr == *"> Content-Type: application/json"* ]]
	run -0 --separate-stderr "$DDB" trigger list msgs --debug
	[[ $stderr == *"> GET $DDB_TEST_LAMBDA_URL/2015-03-31/event-source-mappings/?EventSourceArn=arn%3Aaws%3Adynamodb%3A"* ]]
	[[ $stderr == *"Credential=*********MBDA/"*"/us-east-1/lambda/aws4_request, SignedHeaders=host;x-amz-date, Signature=<redacted>"* ]]
	[[ $stderr != *lambda-standin-secret* ]]
	run -1 grep -E '[0-9a-f]{64}' <<<"$stderr"
}

@test "trigger: on a terminal a readable table (list) and a field/value record (create), not JSON" {
	make_table msgs --stream
	run -0 script -qec "$DDB trigger create msgs --function ingest --batch-size 3 --wait" /dev/null
	assert_output --regexp $'FunctionArn +arn:aws:lambda:us-east-1:123456789012:function:ingest'
	assert_output --regexp $'Changed +created'
	[[ ${lines[0]} != "{"* ]]
	COLUMNS=200 run -0 script -qec "$DDB trigger list msgs" /dev/null
	assert_output --regexp 'TableName +FunctionArn +State +StartingPosition +BatchSize +UUID'
	assert_output --regexp 'msgs +arn:aws:lambda:us-east-1:123456789012:function:ingest +Enabled +TRIM_HORIZON +3 '
	[[ ${lines[0]} != "{"* ]]
}

# ---- the stand-in itself ----------------------------------------------------------------------------------------
@test "lambda stand-in: a wrong secret is refused (403, exit 77) and changes nothing" {
	make_table msgs --stream
	AWS_SECRET_ACCESS_KEY=wrong-secret run -77 "$DDB" trigger create msgs --function ingest
	assert_output --partial "InvalidSignatureException"
	AWS_ACCESS_KEY_ID=AKIDNOBODY run -77 "$DDB" trigger list msgs
	assert_output --partial "UnrecognizedClientException"
	assert_equal "$(mappings | jq length)" 0
	refute_output --partial wrong-secret
}

# sign_and_send METHOD PATH QUERY BODY: a request signed correctly with botocore, to see the model checks at work.
sign_and_send() {
	"$PY" - "$DDB_TEST_LAMBDA_URL" "$@" <<'EOF'
import sys, urllib.request, urllib.error
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
url, method, path, query, body = sys.argv[1:6]
full = url + path + ("?" + query if query else "")
headers = {"Content-Type": "application/json"} if body else {}
req = AWSRequest(method=method, url=full, data=body.encode(), headers=headers)
SigV4Auth(Credentials("AKIDDDBLAMBDA", "lambda-standin-secret"), "lambda", "us-east-1").add_auth(req)
r = urllib.request.Request(full, data=body.encode() if body else None, method=method, headers=dict(req.headers))
try:
    resp = urllib.request.urlopen(r)
    print(resp.status, resp.headers.get("x-amzn-ErrorType") or "-", resp.read().decode())
except urllib.error.HTTPError as e:
    print(e.code, e.headers.get("x-amzn-ErrorType"), e.read().decode())
EOF
}

@test "lambda stand-in: a correctly signed but invalid request is refused by the model checks" {
	local p=/2015-03-31/event-source-mappings/ arn=arn:aws:dynamodb:us-east-1:123456789012:table/t/stream/2024-01-01T00:00:00.000
	# valid: answered
	run -0 sign_and_send GET "$p" "" ""
	[[ $output == "200 - "* ]]
	# a string where the model has an integer
	run -0 sign_and_send POST "$p" "" '{"FunctionName":"ingest","EventSourceArn":"'"$arn"'","StartingPosition":"TRIM_HORIZON","BatchSize":"ten"}'
	[[ $output == "400 ValidationException "*BatchSize* ]]
	# a member the model does not have
	run -0 sign_and_send POST "$p" "" '{"FunctionName":"ingest","Batch":5}'
	[[ $output == "400 ValidationException "*"unknown member 'Batch'"* ]]
	# the required FunctionName left out
	run -0 sign_and_send POST "$p" "" '{"EventSourceArn":"'"$arn"'"}'
	[[ $output == "400 ValidationException "*FunctionName* ]]
	# out of the model's range, and an enum value it does not know
	run -0 sign_and_send POST "$p" "" '{"FunctionName":"ingest","BatchSize":10001}'
	[[ $output == "400 ValidationException "* ]]
	run -0 sign_and_send POST "$p" "" '{"FunctionName":"ingest","StartingPosition":"OLDEST"}'
	[[ $output == "400 ValidationException "*StartingPosition* ]]
	# a query parameter of another operation, and a path that is not botocore's (no trailing slash)
	run -0 sign_and_send GET "$p" "Limit=5" ""
	[[ $output == "400 ValidationException "*"unknown query parameter 'Limit'"* ]]
	run -0 sign_and_send POST "${p%/}" "" '{"FunctionName":"ingest"}'
	[[ $output == 404\ * || $output == 405\ * ]]
	assert_equal "$(mappings | jq length)" 0
}

# ---- completion and help ----------------------------------------------------------------------------------------
@test "trigger: completion offers the actions, the table names, and the option values" {
	make_table msgs --stream
	run -0 "$DDB" __complete -- trigger ''
	assert_equal "$output" $'create\ndelete\nlist'
	run -0 "$DDB" __complete -- trigger create ''
	assert_line msgs
	run -0 "$DDB" __complete -- trigger create msgs --from ''
	assert_equal "$output" $'latest\ntrim-horizon'
	run -0 "$DDB" __complete -- trigger create msgs --enable-stream N
	assert_equal "$output" $'NEW_AND_OLD_IMAGES\nNEW_IMAGE'
	run -0 "$DDB" __complete -- trigger create msgs --bat
	assert_equal "$output" $'--batch-size\n--batching-window'
	# help and the man page come from the same table
	run -0 "$DDB" trigger --help
	assert_output --partial "ddb trigger delete TABLE --function NAME|ARN"
	run -0 "$DDB" __man
	assert_output --partial 'ddb trigger list [TABLE]'
}
