#!/usr/bin/env bats
# stream.bats — ddb stream tail / list against DynamoDB Local's Streams API, and a stand-in Streams server for
# what DynamoDB Local never does (several shards, parents listed after children, DescribeStream pages, expired
# iterators).  Tables and items are made with ddb_local, independently of ddb.

load test_helper

HANDLERS=$BATS_TEST_DIRNAME/data/handlers

setup() {
	ns=$(unique_ns)
}

# stream_table NAME VIEW: a pk(S)/sk(N) table with a stream of view type VIEW (wire name).
stream_table() {
	ddb_local CreateTable '{"TableName":"'"$1"'","AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"},
		{"AttributeName":"sk","AttributeType":"N"}],"KeySchema":[{"AttributeName":"pk","KeyType":"HASH"},
		{"AttributeName":"sk","KeyType":"RANGE"}],"BillingMode":"PAY_PER_REQUEST",
		"StreamSpecification":{"StreamEnabled":true,"StreamViewType":"'"$2"'"}}' >/dev/null
}

stream_arn() {
	ddb_local DescribeTable '{"TableName":"'"$1"'"}' | jq -r .Table.LatestStreamArn
}

put() { # TABLE PK SK [MORE-ATTRS-JSON]
	ddb_local PutItem '{"TableName":"'"$1"'","Item":{"pk":{"S":"'"$2"'"},"sk":{"N":"'"$3"'"}'"${4:+,$4}"'}}' >/dev/null
}

# n_lines FILE: lines in FILE (0 when missing).
n_lines() {
	[[ -f $1 ]] || { echo 0; return; }
	wc -l <"$1" | tr -d ' '
}

# has_lines FILE N: FILE has at least N lines (for wait_for).
has_lines() {
	(($(n_lines "$1") >= $2))
}

@test "stream tail: a table without a stream is a clear error (exit 66)" {
	ddb_local CreateTable '{"TableName":"'"${ns}plain"'","AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"}],
		"KeySchema":[{"AttributeName":"pk","KeyType":"HASH"}],"BillingMode":"PAY_PER_REQUEST"}' >/dev/null
	run -66 "$DDB" stream tail "${ns}plain"
	assert_output "ddb: stream: table '${ns}plain' has no stream; turn it on with: ddb enable-stream ${ns}plain (a stream disabled less than 24 h ago is read with --stream-arn ARN)"
	run -66 "$DDB" stream tail "${ns}nope"
	assert_output "ddb: stream: table '${ns}nope' does not exist"
	run -64 --separate-stderr "$DDB" stream tail "${ns}plain" --stream-arn not-an-arn
	[[ ${stderr_lines[0]} == "ddb: stream: --stream-arn: 'not-an-arn' is not a stream ARN"* ]]
}

@test "stream tail: a stream just disabled keeps its records: the error names --stream-arn and its ARN, which reads them" {
	local t=${ns}off arn
	stream_table "$t" NEW_IMAGE
	arn=$(stream_arn "$t")
	put "$t" a 1
	put "$t" b 2
	ddb_local UpdateTable '{"TableName":"'"$t"'","StreamSpecification":{"StreamEnabled":false}}' >/dev/null
	run -66 --separate-stderr "$DDB" stream tail "$t"
	assert_equal "$stderr" "ddb: stream: table '$t' has no stream; its last one (disabled) keeps its records 24 h: ddb stream tail $t --stream-arn $arn (or turn a stream on with: ddb enable-stream $t)"
	run -0 --separate-stderr "$DDB" stream tail "$t" --stream-arn "$arn"
	run -0 jq -sc 'map([.eventName, .dynamodb.Keys.pk.S, .eventSourceARN == "'"$arn"'"])' <<<"$output"
	assert_output '[["INSERT","a",true],["INSERT","b",true]]'
	# the table itself may be gone: the stream is read all the same
	ddb_local DeleteTable '{"TableName":"'"$t"'"}' >/dev/null
	run -0 --separate-stderr "$DDB" stream tail "$t" --stream-arn "$arn" --limit 1
	run -0 jq -r '.dynamodb.Keys.pk.S' <<<"$output"
	assert_output a
}

@test "stream tail --from trim-horizon: one INSERT per item, in the shape a Lambda handler receives" {
	local t=${ns}msgs arn
	stream_table "$t" NEW_IMAGE
	arn=$(stream_arn "$t")
	put "$t" "MSG#1" 1 '"body":{"S":"hello"},"n":{"N":"12345678901234567890.123456789"}'
	put "$t" "MSG#2" 2
	put "$t" "MSG#3" 3
	run -0 --separate-stderr "$DDB" stream tail "$t" --from trim-horizon
	assert_equal "${#lines[@]}" 3
	run -0 jq -sc 'map(.eventName)' <<<"$output"
	assert_output '["INSERT","INSERT","INSERT"]'
	run -0 --separate-stderr "$DDB" stream tail "$t"
	local all=$output first=${lines[0]}
	json_eq "$(jq -c 'del(.eventID, .awsRegion, .dynamodb.ApproximateCreationDateTime, .dynamodb.SequenceNumber,
		.dynamodb.SizeBytes, .dynamodb.NewImage.n)' <<<"$first")" '{
		"eventName":"INSERT","eventVersion":"1.1","eventSource":"aws:dynamodb","eventSourceARN":"'"$arn"'",
		"dynamodb":{"Keys":{"pk":{"S":"MSG#1"},"sk":{"N":"1"}},
			"NewImage":{"pk":{"S":"MSG#1"},"sk":{"N":"1"},"body":{"S":"hello"}},"StreamViewType":"NEW_IMAGE"}}'
	# The number in the image is exact (it stays a string), the time is whole epoch seconds.
	[[ $first == *'"n":{"N":"12345678901234567890.123456789"}'* ]]
	[[ $first =~ \"ApproximateCreationDateTime\":[0-9]+, ]]
	# Keys of every record, in order; sequence numbers increase.
	run -0 jq -sc 'map(.dynamodb.Keys.pk.S)' <<<"$all"
	assert_output '["MSG#1","MSG#2","MSG#3"]'
	run -0 jq -sr 'map(.dynamodb.SequenceNumber | tonumber) | . == sort and (unique | length) == 3' <<<"$all"
	assert_output true
	run -0 jq -sr 'map(.eventID) | unique | length' <<<"$all"
	assert_output 3
}

@test "stream tail: after ddb seed, one INSERT per seeded item (and the same items, exactly once, to a handler)" {
	local t=${ns}msgs i out=$BATS_TEST_TMPDIR/got.jsonl
	stream_table "$t" NEW_IMAGE
	for i in 1 2 3 4; do echo '{"pk":"MSG#'"$i"'","sk":'"$i"',"body":"m'"$i"'"}'; done >"$BATS_TEST_TMPDIR/items.jsonl"
	run -0 "$DDB" seed --table msgs --namespace "$ns" "$BATS_TEST_TMPDIR/items.jsonl"
	run -0 --separate-stderr "$DDB" stream tail msgs --namespace "$ns" --plain
	run -0 jq -sc 'map([.eventName, .dynamodb.NewImage.pk, .dynamodb.NewImage.body]) | sort' <<<"$output"
	assert_output '[["INSERT","MSG#1","m1"],["INSERT","MSG#2","m2"],["INSERT","MSG#3","m3"],["INSERT","MSG#4","m4"]]'
	run -0 "$DDB" stream tail msgs --namespace "$ns" --exec "$HANDLERS/append.sh $out"
	run -0 jq -sc '[.[].Records[].dynamodb.Keys.pk.S] | sort' "$out"
	assert_output '["MSG#1","MSG#2","MSG#3","MSG#4"]'
}

# One put, one modification, one delete, read back with the given view type.
check_view_type() { # VIEW EXPECTED-JSON (of the MODIFY and REMOVE records' image members)
	local view=$1 t=${ns}v_$1
	stream_table "$t" "$view"
	put "$t" a 1 '"v":{"S":"old"}'
	ddb_local UpdateItem '{"TableName":"'"$t"'","Key":{"pk":{"S":"a"},"sk":{"N":"1"}},
		"UpdateExpression":"SET v = :v","ExpressionAttributeValues":{":v":{"S":"new"}}}' >/dev/null
	ddb_local DeleteItem '{"TableName":"'"$t"'","Key":{"pk":{"S":"a"},"sk":{"N":"1"}}}' >/dev/null
	run -0 --separate-stderr "$DDB" stream tail "$t"
	assert_equal "${#lines[@]}" 3
	run -0 jq -sc 'map({e: .eventName, view: .dynamodb.StreamViewType, keys: .dynamodb.Keys,
		new: .dynamodb.NewImage.v.S, old: .dynamodb.OldImage.v.S,
		has_new: (.dynamodb | has("NewImage")), has_old: (.dynamodb | has("OldImage"))})' <<<"$output"
	json_eq "$output" "$2"
}

@test "stream tail: INSERT, MODIFY and REMOVE carry the images of each view type" {
	local k='{"pk":{"S":"a"},"sk":{"N":"1"}}'
	check_view_type NEW_IMAGE '[
		{"e":"INSERT","view":"NEW_IMAGE","keys":'"$k"',"new":"old","old":null,"has_new":true,"has_old":false},
		{"e":"MODIFY","view":"NEW_IMAGE","keys":'"$k"',"new":"new","old":null,"has_new":true,"has_old":false},
		{"e":"REMOVE","view":"NEW_IMAGE","keys":'"$k"',"new":null,"old":null,"has_new":false,"has_old":false}]'
	check_view_type OLD_IMAGE '[
		{"e":"INSERT","view":"OLD_IMAGE","keys":'"$k"',"new":null,"old":null,"has_new":false,"has_old":false},
		{"e":"MODIFY","view":"OLD_IMAGE","keys":'"$k"',"new":null,"old":"old","has_new":false,"has_old":true},
		{"e":"REMOVE","view":"OLD_IMAGE","keys":'"$k"',"new":null,"old":"new","has_new":false,"has_old":true}]'
	check_view_type NEW_AND_OLD_IMAGES '[
		{"e":"INSERT","view":"NEW_AND_OLD_IMAGES","keys":'"$k"',"new":"old","old":null,"has_new":true,"has_old":false},
		{"e":"MODIFY","view":"NEW_AND_OLD_IMAGES","keys":'"$k"',"new":"new","old":"old","has_new":true,"has_old":true},
		{"e":"REMOVE","view":"NEW_AND_OLD_IMAGES","keys":'"$k"',"new":null,"old":"new","has_new":false,"has_old":true}]'
	check_view_type KEYS_ONLY '[
		{"e":"INSERT","view":"KEYS_ONLY","keys":'"$k"',"new":null,"old":null,"has_new":false,"has_old":false},
		{"e":"MODIFY","view":"KEYS_ONLY","keys":'"$k"',"new":null,"old":null,"has_new":false,"has_old":false},
		{"e":"REMOVE","view":"KEYS_ONLY","keys":'"$k"',"new":null,"old":null,"has_new":false,"has_old":false}]'
}

@test "stream tail --plain: keys and images as plain JSON, numbers exact" {
	local t=${ns}msgs
	stream_table "$t" NEW_AND_OLD_IMAGES
	put "$t" a 1 '"n":{"N":"12345678901234567890.123456789"},"ok":{"BOOL":true},"tags":{"L":[{"S":"x"}]}'
	ddb_local DeleteItem '{"TableName":"'"$t"'","Key":{"pk":{"S":"a"},"sk":{"N":"1"}}}' >/dev/null
	run -0 --separate-stderr "$DDB" stream tail "$t" --plain
	assert_equal "${#lines[@]}" 2
	json_eq "$(jq -c '.dynamodb | {Keys, NewImage: (.NewImage // null | if . then del(.n) else . end)}' <<<"${lines[0]}")" \
		'{"Keys":{"pk":"a","sk":1},"NewImage":{"pk":"a","sk":1,"ok":true,"tags":["x"]}}'
	[[ ${lines[0]} == *'"n":12345678901234567890.123456789'* ]]
	json_eq "$(jq -c '.dynamodb | {Keys, old: (.OldImage | del(.n)), e: "x"}' <<<"${lines[1]}")" \
		'{"Keys":{"pk":"a","sk":1},"old":{"pk":"a","sk":1,"ok":true,"tags":["x"]},"e":"x"}'
	[[ ${lines[1]} == *'"n":12345678901234567890.123456789'* ]]
}

@test "stream tail: --limit, --from latest, --output json and the one-line-per-change text view" {
	local t=${ns}msgs
	stream_table "$t" NEW_IMAGE
	put "$t" "MSG#1" 1
	put "$t" "MSG#2" 2
	put "$t" "MSG#3" 3
	run -0 --separate-stderr "$DDB" stream tail "$t" --limit 2
	run -0 jq -sc 'map(.dynamodb.Keys.pk.S)' <<<"$output"
	assert_output '["MSG#1","MSG#2"]'
	# latest: nothing written from now on, so nothing (and it ends).
	run -0 --separate-stderr "$DDB" stream tail "$t" --from latest
	assert_output ""
	run -0 --separate-stderr "$DDB" stream tail "$t" --output json
	run -0 jq -c 'map(.eventName)' <<<"$output"
	assert_output '["INSERT","INSERT","INSERT"]'
	run -0 --separate-stderr "$DDB" stream tail "$t" --output text
	assert_equal "${#lines[@]}" 3
	[[ ${lines[0]} =~ ^INSERT\ MSG#1\ 1\ [0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$ ]]
	[[ ${lines[2]} =~ ^INSERT\ MSG#3\ 3\ [0-9]{4}- ]]
}

@test "stream tail: --from-sequence and --after-sequence start inside the shard" {
	local t=${ns}msgs seqs
	stream_table "$t" NEW_IMAGE
	put "$t" a 1
	put "$t" b 2
	put "$t" c 3
	run -0 --separate-stderr "$DDB" stream tail "$t"
	seqs=($(jq -r .dynamodb.SequenceNumber <<<"$output"))
	run -0 --separate-stderr "$DDB" stream tail "$t" --from-sequence "${seqs[1]}"
	run -0 jq -sc 'map(.dynamodb.Keys.pk.S)' <<<"$output"
	assert_output '["b","c"]'
	run -0 --separate-stderr "$DDB" stream tail "$t" --after-sequence "${seqs[1]}"
	run -0 jq -sc 'map(.dynamodb.Keys.pk.S)' <<<"$output"
	assert_output '["c"]'
	run -0 --separate-stderr "$DDB" stream tail "$t" --after-sequence "${seqs[2]}"
	assert_output ""
}

@test "stream tail --exec: the handler receives every record exactly once, in order, one per batch by default" {
	local t=${ns}msgs out=$BATS_TEST_TMPDIR/got.jsonl i
	stream_table "$t" NEW_IMAGE
	for i in 1 2 3 4 5; do put "$t" "MSG#$i" "$i"; done
	run -0 "$DDB" stream tail "$t" --exec "$HANDLERS/append.sh $out"
	assert_output ""   # records go to the handler, not to stdout
	assert_equal "$(n_lines "$out")" 5
	run -0 jq -sc 'map(.Records | length)' "$out"
	assert_output '[1,1,1,1,1]'
	run -0 jq -sc '[.[].Records[].dynamodb.Keys.pk.S]' "$out"
	assert_output '["MSG#1","MSG#2","MSG#3","MSG#4","MSG#5"]'
	# The records are the ones tail prints.
	run -0 --separate-stderr "$DDB" stream tail "$t"
	json_eq "$(jq -sc '[.[].Records[]]' "$out")" "$(jq -sc . <<<"$output")"
	# The handler's environment.
	run -0 cat "$out.env"
	assert_line "DDB_TABLE=$t"
	assert_line "DDB_STREAM_ARN=$(stream_arn "$t")"
	assert_line "AWS_ENDPOINT_URL_DYNAMODB=$DDB_LOCAL_ENDPOINT"
	assert_line --regexp '^AWS_REGION=.+'
	# No credentials anywhere: ddb signs with dummy ones, and so can an AWS SDK in the handler (it refuses to
	# call without any).  Credentials of the user's own are never replaced.
	assert_line "AWS_ACCESS_KEY_ID=ddblocal"
	assert_line "AWS_SECRET_ACCESS_KEY=ddblocal"
	AWS_ACCESS_KEY_ID=AKIDMINE AWS_SECRET_ACCESS_KEY=mine run -0 "$DDB" stream tail "$t" --limit 1 \
		--exec "$HANDLERS/append.sh $BATS_TEST_TMPDIR/mine"
	run -0 cat "$BATS_TEST_TMPDIR/mine.env"
	assert_line "AWS_ACCESS_KEY_ID=AKIDMINE"
	assert_line "AWS_SECRET_ACCESS_KEY=mine"
}

@test "stream tail --exec --batch-size: batches of up to N records of one shard, in order" {
	local t=${ns}msgs out=$BATS_TEST_TMPDIR/got.jsonl i
	stream_table "$t" NEW_IMAGE
	for i in 1 2 3 4 5; do put "$t" "MSG#$i" "$i"; done
	run -0 "$DDB" stream tail "$t" --exec "$HANDLERS/append.sh $out" --batch-size 2
	run -0 jq -sc 'map([.Records[].dynamodb.Keys.pk.S])' "$out"
	assert_output '[["MSG#1","MSG#2"],["MSG#3","MSG#4"],["MSG#5"]]'
	rm "$out"
	run -0 "$DDB" stream tail "$t" --exec "$HANDLERS/append.sh $out" --batch-size 100 --limit 4
	run -0 jq -sc 'map([.Records[].dynamodb.Keys.pk.S])' "$out"
	assert_output '[["MSG#1","MSG#2","MSG#3","MSG#4"]]'
}

@test "stream tail --exec: a failing handler stops the tail with its status and the sequence to resume from" {
	local t=${ns}msgs out=$BATS_TEST_TMPDIR/got.jsonl i seq
	stream_table "$t" NEW_IMAGE
	for i in 1 2 3 4; do put "$t" "MSG#$i" "$i"; done
	run -7 --separate-stderr "$DDB" stream tail "$t" --exec "$HANDLERS/fail_on.sh $out MSG#3 7"
	[[ $stderr =~ ddb:\ stream:\ handler\ exited\ with\ status\ 7\ at\ sequence\ number\ ([0-9]+)\;\ resume\ with\ --from-sequence\ ([0-9]+) ]]
	seq=${BASH_REMATCH[1]}
	assert_equal "${BASH_REMATCH[2]}" "$seq"
	run -0 jq -sc '[.[].Records[].dynamodb.Keys.pk.S]' "$out"
	assert_output '["MSG#1","MSG#2"]'
	# The sequence number is MSG#3's.
	run -0 --separate-stderr "$DDB" stream tail "$t"
	assert_equal "$(jq -r 'select(.dynamodb.Keys.pk.S == "MSG#3") | .dynamodb.SequenceNumber' <<<"$output")" "$seq"
	# Resuming with a fixed handler delivers the rest, MSG#3 included, each once.
	run -0 "$DDB" stream tail "$t" --from-sequence "$seq" --exec "$HANDLERS/append.sh $out"
	run -0 jq -sc '[.[].Records[].dynamodb.Keys.pk.S]' "$out"
	assert_output '["MSG#1","MSG#2","MSG#3","MSG#4"]'
}

@test "stream tail --exec: statuses above 125 and signals are exit 1; a missing handler is exit 66" {
	local t=${ns}msgs out=$BATS_TEST_TMPDIR/got.jsonl
	stream_table "$t" NEW_IMAGE
	put "$t" a 1
	run -1 --separate-stderr "$DDB" stream tail "$t" --exec "$HANDLERS/fail_on.sh $out a 127"
	[[ $stderr == *"handler exited with status 127 at sequence number "* ]]
	run -1 --separate-stderr "$DDB" stream tail "$t" --exec "sh -c 'kill -KILL \$\$'"
	[[ $stderr == *"handler was killed by signal 9 at sequence number "*"; resume with --from-sequence "* ]]
	run -66 --separate-stderr "$DDB" stream tail "$t" --exec "$BATS_TEST_TMPDIR/no-such-handler"
	[[ $stderr == *"cannot run the handler '$BATS_TEST_TMPDIR/no-such-handler': No such file or directory"* ]]
	run -64 --separate-stderr "$DDB" stream tail "$t" --exec "'unterminated"
	[[ $stderr == *"unterminated quote in the handler command"* ]]
}

@test "stream tail --exec: record data never reaches a shell; the command is split without one" {
	local t=${ns}msgs out="$BATS_TEST_TMPDIR/got it.jsonl" pwned=$BATS_TEST_TMPDIR/pwned
	local evil='$(touch '"$pwned"'1); touch '"$pwned"'2 `touch '"$pwned"'3` | touch '"$pwned"'4 && echo \" '"'"
	stream_table "$t" NEW_IMAGE
	put "$t" "$(jq -r -n --arg s "$evil" '$s | @json | .[1:-1]')" 1 '"body":{"S":'"$(jq -n --arg s "$evil" '$s')"'}'
	# A quoted path with a space, and words that a shell would expand stay literal ($HOME, *, ;).
	run -0 "$DDB" stream tail "$t" --exec "$HANDLERS/append.sh '$out'"
	run -0 jq -r '.Records[0].dynamodb.NewImage.body.S' "$out"
	assert_output "$evil"
	run -0 jq -r '.Records[0].dynamodb.Keys.pk.S' "$out"
	assert_output "$evil"
	run ls "$BATS_TEST_TMPDIR"
	refute_output --partial pwned
	# Shell syntax in the command is not interpreted either: ';' and '$(...)' are plain arguments.
	run -0 "$DDB" stream tail "$t" --exec "$HANDLERS/append.sh $BATS_TEST_TMPDIR/x ; touch ${pwned}5 \$(touch ${pwned}6)"
	[[ ! -e ${pwned}5 && ! -e ${pwned}6 ]]
	[[ -s $BATS_TEST_TMPDIR/x ]]
}

@test "stream tail --follow: picks up writes made after it started; Ctrl-C ends it with the resume point" {
	local t=${ns}msgs out=$BATS_TEST_TMPDIR/follow.jsonl err=$BATS_TEST_TMPDIR/follow.err pid seq
	stream_table "$t" NEW_IMAGE
	put "$t" before 1
	"$DDB" stream tail "$t" --follow >"$out" 2>"$err" 3>&- &
	pid=$! TAIL_PID=$!
	wait_for 20 has_lines "$out" 1
	put "$t" after1 2
	wait_for 20 has_lines "$out" 2
	sleep 2.5 # idle long enough for the backoff to reach its ceiling
	put "$t" after2 3
	wait_for 20 has_lines "$out" 3
	kill -INT "$pid"
	local rc=0
	wait "$pid" || rc=$?
	assert_equal "$rc" 130
	run -0 jq -sc 'map(.dynamodb.Keys.pk.S)' "$out"
	assert_output '["before","after1","after2"]'
	run cat "$err"
	[[ $output =~ interrupted\ after\ 3\ records\;\ resume\ with\ --after-sequence\ ([0-9]+) ]]
	seq=${BASH_REMATCH[1]}
	assert_equal "$seq" "$(jq -r .dynamodb.SequenceNumber <<<"$(tail -n 1 "$out")")"
	# Resuming from there: only what came later.
	put "$t" later 4
	run -0 --separate-stderr "$DDB" stream tail "$t" --after-sequence "$seq"
	run -0 jq -sc 'map(.dynamodb.Keys.pk.S)' <<<"$output"
	assert_output '["later"]'
}

@test "stream tail --follow | head: when the reader goes away, tail stops quietly (exit 0) at its next record" {
	local t=${ns}msgs out=$BATS_TEST_TMPDIR/head.out err=$BATS_TEST_TMPDIR/head.err rc=0
	stream_table "$t" NEW_IMAGE
	put "$t" first 1
	( set -o pipefail; "$DDB" stream tail "$t" --follow 2>"$err" | head -n 1 >"$out"; echo $? >"$out.rc" ) 3>&- &
	TAIL_PID=$!
	wait_for 20 has_lines "$out" 1
	put "$t" second 2   # written after head exited: EPIPE
	wait "$TAIL_PID" || rc=$?
	assert_equal "$rc" 0
	assert_equal "$(cat "$out.rc")" 0
	assert_equal "$(jq -r .dynamodb.Keys.pk.S "$out")" first
	run -0 cat "$err"
	assert_output ""
}

@test "stream tail --follow --exec: a handler runs for writes made after the start; --limit ends it" {
	local t=${ns}msgs out=$BATS_TEST_TMPDIR/got.jsonl pid
	stream_table "$t" NEW_IMAGE
	# From the trim horizon of a stream that is still empty: every write counts, however slowly ddb starts.
	"$DDB" stream tail "$t" --follow --limit 2 --exec "$HANDLERS/append.sh $out" 3>&- &
	pid=$! TAIL_PID=$!
	sleep 1
	put "$t" n1 1
	put "$t" n2 2
	local rc=0
	wait "$pid" || rc=$?
	assert_equal "$rc" 0
	run -0 jq -sc '[.[].Records[].dynamodb.Keys.pk.S]' "$out"
	assert_output '["n1","n2"]'
}

# grp_rows NS: the conversation rows (GRP#...) of NS's cruddur-messages, as sorted [pk, sk, message, others...].
grp_rows() {
	ddb_local Scan '{"TableName":"'"$1"'cruddur-messages","FilterExpression":"begins_with(pk, :g)",
		"ExpressionAttributeValues":{":g":{"S":"GRP#"}}}' | jq -c '.Items | map(
		[.pk.S, .sk.S, .message.S, .message_group_uuid.S, .user_uuid.S, .user_handle.S, .user_display_name.S]) | sort'
}

# new_message NS SK TEXT: Tomas writes TEXT at SK in the seeded conversation (what the app's PutItem does).
new_message() {
	ddb_local PutItem '{"TableName":"'"$1"'cruddur-messages","Item":{
		"pk":{"S":"MSG#18997930-7393-5091-93a1-dac02228e4ef"},"sk":{"S":"'"$2"'"},
		"message_group_uuid":{"S":"18997930-7393-5091-93a1-dac02228e4ef"},"message_uuid":{"S":"uuid-'"$2"'"},
		"message":{"S":"'"$3"'"},"user_uuid":{"S":"18359d2d-b561-5f80-a40e-fe83bf6afe22"},
		"user_display_name":{"S":"Tomas Lind"},"user_handle":{"S":"tomaslind"}}}' >/dev/null
}

@test "the reference app's flow: schema-load, enable-stream, seed, a new message, --exec the Lambda handler: the GRP# rows follow" {
	local root=$BATS_TEST_DIRNAME/.. h="python3 $HANDLERS/cruddur_update_groups.py" before after seq
	local maya=GRP#15e44539-4088-5b61-a126-c5aa8845eda6 tomas=GRP#18359d2d-b561-5f80-a40e-fe83bf6afe22
	local t1=2024-04-02T10:00:00.000000+00:00 t2=2024-04-02T10:05:30.250000+00:00
	cp "$root/seed/cruddur-messages.jsonl" "$BATS_TEST_TMPDIR/"   # seed keeps a checkpoint next to its input
	run -0 "$DDB" schema-load "$root/schemas/cruddur-messages.json" --namespace "$ns"
	run -0 --separate-stderr "$DDB" enable-stream cruddur-messages --namespace "$ns"
	[[ $output == arn:aws:dynamodb:*:table/${ns}cruddur-messages/stream/* ]]
	run -0 "$DDB" seed --namespace "$ns" "$BATS_TEST_TMPDIR/cruddur-messages.jsonl"
	before=$(grp_rows "$ns")
	json_eq "$(jq -c 'map(.[0:3])' <<<"$before")" '[
		["'"$maya"'","2024-03-23T03:11:52.459079+00:00","Same time next spring. It is a plan."],
		["'"$tomas"'","2024-03-23T03:11:52.459079+00:00","Same time next spring. It is a plan."]]'

	# A new message; the handler runs over the whole stream (the seeded items too) in batches, as a trigger
	# with a large batch size would.  Only the new message moves the rows: the seeded ones are not newer.
	new_message "$ns" "$t1" 'See you at the trailhead at 8.'
	run -0 --separate-stderr "$DDB" stream tail cruddur-messages --namespace "$ns" --exec "$h" --batch-size 1000
	assert_equal "$stderr" ""
	assert_equal "${#lines[@]}" 2   # the handler's own output, one line per row it moved
	assert_line "$maya: 2024-03-23T03:11:52.459079+00:00 -> $t1"
	assert_line "$tomas: 2024-03-23T03:11:52.459079+00:00 -> $t1"
	after=$(grp_rows "$ns")
	# Both rows moved to the new message's time and text; every other attribute kept; no row left behind.
	json_eq "$after" "$(jq -c --arg sk "$t1" 'map(.[1] = $sk | .[2] = "See you at the trailhead at 8.")' <<<"$before")"
	assert_equal "$(ddb_local Scan '{"TableName":"'"$ns"'cruddur-messages","Select":"COUNT"}' | jq .Count)" 105
	# The stream shows what the handler did: for each row, REMOVE of the old key and INSERT of the new one.
	run -0 --separate-stderr "$DDB" stream tail cruddur-messages --namespace "$ns" --after-sequence \
		"$("$DDB" stream tail cruddur-messages --namespace "$ns" | jq -r 'select(.dynamodb.Keys.sk.S == "'"$t1"'" and
			(.dynamodb.Keys.pk.S | startswith("MSG#"))) | .dynamodb.SequenceNumber')"
	run -0 jq -sc 'map([.eventName, .dynamodb.Keys.pk.S, .dynamodb.Keys.sk.S]) | sort' <<<"$output"
	json_eq "$output" '[["INSERT","'"$maya"'","'"$t1"'"],["INSERT","'"$tomas"'","'"$t1"'"],
		["REMOVE","'"$maya"'","2024-03-23T03:11:52.459079+00:00"],["REMOVE","'"$tomas"'","2024-03-23T03:11:52.459079+00:00"]]'

	# The next message, one record per handler run (the reference trigger's batch size), from where the last
	# run ended: the handler's own writes come through too and are left alone.
	seq=$("$DDB" stream tail cruddur-messages --namespace "$ns" | tail -n 1 | jq -r .dynamodb.SequenceNumber)
	new_message "$ns" "$t2" 'Bring the spare tube.'
	run -0 --separate-stderr "$DDB" stream tail cruddur-messages --namespace "$ns" --after-sequence "$seq" --exec "$h"
	assert_equal "${#lines[@]}" 2
	assert_line "$maya: $t1 -> $t2"
	assert_line "$tomas: $t1 -> $t2"
	json_eq "$(grp_rows "$ns")" "$(jq -c --arg sk "$t2" 'map(.[1] = $sk | .[2] = "Bring the spare tube.")' <<<"$before")"
	# Replaying the whole stream changes nothing any more (the rows only move forward).
	run -0 --separate-stderr "$DDB" stream tail cruddur-messages --namespace "$ns" --exec "$h" --batch-size 1000
	assert_output ""
	json_eq "$(grp_rows "$ns")" "$(jq -c --arg sk "$t2" 'map(.[1] = $sk | .[2] = "Bring the spare tube.")' <<<"$before")"
}

@test "stream tail: the namespace applies" {
	local t=${ns}msgs
	stream_table "$t" KEYS_ONLY
	put "$t" a 1
	run -0 --separate-stderr "$DDB" stream tail msgs --namespace "$ns"
	assert_equal "$(jq -r .dynamodb.Keys.pk.S <<<"$output")" a
	DDB_NAMESPACE=$ns run -0 --separate-stderr "$DDB" stream tail msgs --exec "$HANDLERS/append.sh $BATS_TEST_TMPDIR/o"
	run -0 cat "$BATS_TEST_TMPDIR/o.env"
	assert_line "DDB_TABLE=msgs"
	assert_line "DDB_NAMESPACE=$ns"
}

@test "stream list: the streams of a table or of the namespace" {
	stream_table "${ns}a" NEW_IMAGE
	stream_table "${ns}b" KEYS_ONLY
	run -0 --separate-stderr "$DDB" stream list --namespace "$ns" -o jsonl
	run -0 jq -sc 'map(.TableName) | sort' <<<"$output"
	assert_output '["a","b"]'
	run -0 --separate-stderr "$DDB" stream list "${ns}b" -o jsonl
	assert_equal "$(jq -r .StreamArn <<<"$output")" "$(stream_arn "${ns}b")"
}

@test "stream: usage errors are exit 64" {
	run -64 "$DDB" stream
	assert_output --partial "missing subcommand (tail or list)"
	run -64 "$DDB" stream follow x
	assert_output --partial "unknown subcommand 'follow'"
	run -64 "$DDB" stream tail
	assert_output --partial "missing TABLE"
	run -64 "$DDB" stream tail a b
	assert_output --partial "unexpected argument 'b'"
	run -64 "$DDB" stream tail a --from latest --from-sequence 1
	assert_output --partial "exclude each other"
	run -64 "$DDB" stream tail a --from-sequence 12x
	assert_output --partial "'12x' is not a sequence number"
	run -64 "$DDB" stream tail a --batch-size 2
	assert_output --partial "--batch-size goes with --exec"
	run -64 "$DDB" stream tail a --from yesterday
	assert_output --partial "'yesterday' is not one of: trim-horizon, latest"
	run -64 "$DDB" stream tail a --exec true --plain
	assert_output --partial "--plain does not go with --exec"
}

# ---- a stand-in Streams server: several shards, pages, expiring iterators ------------------------------------
# Shards (listed child first, one per DescribeStream page):  s2 (parent s1, open) · s1 (closed) · s3 (parent s2,
# listed only from the 3rd DescribeStream on, once s2 is closed).  The first GetRecords on each shard answers
# ExpiredIteratorException once; the reader must renew from where it was.
standin() {
	cat >"$BATS_TEST_TMPDIR/standin.py" <<-'EOF'
		import json, sys, http.server
		ARN = "arn:aws:dynamodb:us-east-1:123456789012:table/t/stream/2024-01-01T00:00:00.000"
		def rec(seq, pk):
		    return {"eventID": "e%d" % seq, "eventName": "INSERT", "eventVersion": "1.1",
		            "eventSource": "aws:dynamodb", "awsRegion": "us-east-1",
		            "dynamodb": {"ApproximateCreationDateTime": 1.7e9, "Keys": {"pk": {"S": pk}},
		                         "SequenceNumber": "%021d" % seq, "SizeBytes": 10, "StreamViewType": "KEYS_ONLY"}}
		DATA = {"s1": [rec(1, "a"), rec(2, "b")], "s2": [rec(3, "c"), rec(4, "d")], "s3": [rec(5, "e")]}
		state = {"describes": 0, "expired": set(), "log": []}
		def shards():
		    s = [{"ShardId": "s2", "ParentShardId": "s1", "SequenceNumberRange": {"StartingSequenceNumber": "%021d" % 3}},
		         {"ShardId": "s1", "SequenceNumberRange": {"StartingSequenceNumber": "%021d" % 1, "EndingSequenceNumber": "%021d" % 2}}]
		    if state["describes"] >= 3:
		        s[0]["SequenceNumberRange"]["EndingSequenceNumber"] = "%021d" % 4
		        s.append({"ShardId": "s3", "ParentShardId": "s2", "SequenceNumberRange": {"StartingSequenceNumber": "%021d" % 5}})
		    return s
		class H(http.server.BaseHTTPRequestHandler):
		    def log_message(self, *a): pass
		    def reply(self, code, obj):
		        b = json.dumps(obj).replace('"ApproximateCreationDateTime": 1700000000.0', '"ApproximateCreationDateTime": 1.7E9').encode()
		        self.send_response(code)
		        self.send_header("Content-Type", "application/x-amz-json-1.0")
		        self.send_header("Content-Length", str(len(b)))
		        self.end_headers()
		        self.wfile.write(b)
		    def do_POST(self):
		        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])) or b"{}")
		        op = self.headers.get("X-Amz-Target", "").split(".")[-1]
		        state["log"].append(op + " " + json.dumps(body, sort_keys=True))
		        with open(sys.argv[2], "a") as f:
		            f.write(op + " " + json.dumps(body, sort_keys=True) + "\n")
		        if op == "DescribeTable":
		            return self.reply(200, {"Table": {"TableName": "t", "TableStatus": "ACTIVE",
		                "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
		                "StreamSpecification": {"StreamEnabled": True, "StreamViewType": "KEYS_ONLY"},
		                "LatestStreamArn": ARN}})
		        if op == "DescribeStream":
		            all_ = shards()
		            start = body.get("ExclusiveStartShardId")
		            i = 0 if not start else [s["ShardId"] for s in all_].index(start) + 1
		            page = all_[i:i + 1]
		            d = {"StreamArn": ARN, "StreamStatus": "ENABLED", "Shards": page}
		            if i + 1 < len(all_):
		                d["LastEvaluatedShardId"] = page[-1]["ShardId"]
		            else:
		                state["describes"] += 1
		            return self.reply(200, {"StreamDescription": d})
		        if op == "GetShardIterator":
		            sid, t = body["ShardId"], body["ShardIteratorType"]
		            recs = DATA[sid]
		            if t == "TRIM_HORIZON": pos = 0
		            elif t == "AFTER_SEQUENCE_NUMBER":
		                pos = next((i + 1 for i, r in enumerate(recs) if r["dynamodb"]["SequenceNumber"] == body["SequenceNumber"]), 0)
		            elif t == "AT_SEQUENCE_NUMBER":
		                pos = next((i for i, r in enumerate(recs) if r["dynamodb"]["SequenceNumber"] >= body["SequenceNumber"]), len(recs))
		            else: pos = len(recs)
		            return self.reply(200, {"ShardIterator": "%s:%d:0" % (sid, pos)})
		        if op == "GetRecords":
		            sid, pos, n = body["ShardIterator"].split(":")
		            pos = int(pos)
		            if sid not in state["expired"] and pos == 1:
		                state["expired"].add(sid)
		                return self.reply(400, {"__type": "com.amazonaws.dynamodb.v20120810#ExpiredIteratorException",
		                                        "message": "Iterator expired"})
		            recs = DATA[sid][pos:pos + 1]     # one record per page
		            closed = sid == "s1" or (sid == "s2" and state["describes"] >= 3)
		            out = {"Records": recs}
		            if recs or not closed:
		                out["NextShardIterator"] = "%s:%d:0" % (sid, pos + len(recs))
		            # s2 closes (and s3 appears) once its records are read and DescribeStream ran again.
		            if sid == "s2" and pos + len(recs) >= len(DATA["s2"]) and state["describes"] < 3:
		                state["describes"] = 3
		            return self.reply(200, out)
		        self.reply(400, {"__type": "UnknownOperationException"})
		srv = http.server.HTTPServer(("127.0.0.1", int(sys.argv[1])), H)
		srv.serve_forever()
	EOF
	local port
	port=$(engine_free_port)
	python3 "$BATS_TEST_TMPDIR/standin.py" "$port" "$BATS_TEST_TMPDIR/requests.log" </dev/null >/dev/null 2>&1 3>&- &
	STANDIN_PID=$!
	STANDIN_URL=http://127.0.0.1:$port
	wait_for 10 curl -s -o /dev/null "$STANDIN_URL/"
}

teardown() {
	if [[ -n ${TAIL_PID-} ]]; then   # a --follow left running by a failed test
		kill "$TAIL_PID" 2>/dev/null || true
	fi
	if [[ -n ${STANDIN_PID-} ]]; then
		kill "$STANDIN_PID" 2>/dev/null || true
		wait "$STANDIN_PID" 2>/dev/null || true
	fi
}

@test "stream tail (stand-in): every DescribeStream page, parents before children, new shards followed, expired iterators renewed" {
	standin
	export DDB_LOCAL_ENDPOINT=$STANDIN_URL
	run -0 --separate-stderr "$DDB" stream tail tbl
	run -0 jq -sc 'map(.dynamodb.Keys.pk.S)' <<<"$output"
	assert_output '["a","b","c","d","e"]'
	# Times come out as whole epoch seconds even when the service sends 1.7E9.
	run -0 --separate-stderr "$DDB" stream tail tbl --limit 1
	[[ $output == *'"ApproximateCreationDateTime":1700000000,'* ]]
	run -0 grep -c '^DescribeStream .*"ExclusiveStartShardId": "s1"' "$BATS_TEST_TMPDIR/requests.log"
	# Each shard's iterator expired once and was renewed after the last record read.
	run -0 grep -c '"ShardIteratorType": "AFTER_SEQUENCE_NUMBER"' "$BATS_TEST_TMPDIR/requests.log"
	assert_output 3
	grep -q '"SequenceNumber": "000000000000000000001", "ShardId": "s1", "ShardIteratorType": "AFTER_SEQUENCE_NUMBER"' \
		"$BATS_TEST_TMPDIR/requests.log"
}

@test "stream tail (stand-in): --from-sequence skips the shards that ended before it" {
	standin
	export DDB_LOCAL_ENDPOINT=$STANDIN_URL
	run -0 --separate-stderr "$DDB" stream tail tbl --from-sequence 000000000000000000004
	run -0 jq -sc 'map(.dynamodb.Keys.pk.S)' <<<"$output"
	assert_output '["d","e"]'
	run -1 grep '"ShardId": "s1"' "$BATS_TEST_TMPDIR/requests.log"
}

@test "stream tail in local mode: Streams follows DynamoDB's endpoint unless AWS_ENDPOINT_URL_DYNAMODB_STREAMS is set" {
	local t=${ns}moved dead=http://127.0.0.1:9   # nothing listens on port 9: a request sent there fails (69)
	stream_table "$t" NEW_IMAGE
	put "$t" a 1
	DDB_LOCAL_ENDPOINT=$dead AWS_ENDPOINT_URL_DYNAMODB=$DDB_TEST_LOCAL_URL \
		run -0 --separate-stderr "$DDB" stream tail "$t"
	assert_equal "${#lines[@]}" 1
	json_eq "$(jq -c .dynamodb.Keys <<<"$output")" '{"pk":{"S":"a"},"sk":{"N":"1"}}'
	DDB_LOCAL_ENDPOINT=$dead run -0 --separate-stderr "$DDB" --endpoint-url "$DDB_TEST_LOCAL_URL" stream list
	assert_line --partial "$t"
	# an endpoint of its own still wins
	AWS_ENDPOINT_URL_DYNAMODB_STREAMS=$dead run -69 "$DDB" stream tail "$t" --max-attempts 1
	assert_output --partial "127.0.0.1:9"
}
