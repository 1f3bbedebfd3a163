#!/usr/bin/env bats
# enable-stream.bats — turning a table's stream on, off and over, against DynamoDB Local (which implements
# UpdateTable's StreamSpecification and the Streams API).

load test_helper

setup() {
	ns=$(unique_ns)
}

# make_table NAME (wire name): a pk/sk table, no stream.
make_table() {
	ddb_local CreateTable '{"TableName":"'"$1"'","AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"},
		{"AttributeName":"sk","AttributeType":"S"}],"KeySchema":[{"AttributeName":"pk","KeyType":"HASH"},
		{"AttributeName":"sk","KeyType":"RANGE"}],"BillingMode":"PAY_PER_REQUEST"}' >/dev/null
}

# stream_of NAME: DescribeTable's {enabled, view, arn}.
stream_of() {
	ddb_local DescribeTable '{"TableName":"'"$1"'"}' |
		jq -c '.Table | {enabled: (.StreamSpecification.StreamEnabled // false),
			view: (if .StreamSpecification.StreamEnabled then .StreamSpecification.StreamViewType else null end),
			arn: .LatestStreamArn}'
}

@test "enable-stream: NEW_IMAGE by default, prints LatestStreamArn, and a second run changes nothing" {
	make_table "${ns}msgs"
	run -0 --separate-stderr "$DDB" enable-stream "${ns}msgs"
	local arn=$output
	[[ $arn == arn:aws:dynamodb:*:table/${ns}msgs/stream/* ]]
	run -0 stream_of "${ns}msgs"
	json_eq "$output" '{"enabled":true,"view":"NEW_IMAGE","arn":"'"$arn"'"}'

	run -0 --separate-stderr "$DDB" enable-stream "${ns}msgs" --view-type NEW_IMAGE
	assert_output "$arn"
	[[ $stderr == *"already has a NEW_IMAGE stream; nothing to do"* ]]
	run -0 stream_of "${ns}msgs"
	json_eq "$output" '{"enabled":true,"view":"NEW_IMAGE","arn":"'"$arn"'"}'
}

@test "enable-stream: each view type can be chosen" {
	local v
	for v in NEW_AND_OLD_IMAGES KEYS_ONLY OLD_IMAGE NEW_IMAGE; do
		make_table "${ns}t_$v"
		run -0 "$DDB" enable-stream "${ns}t_$v" --view-type "$v"
		run -0 stream_of "${ns}t_$v"
		assert_equal "$(jq -r .view <<<"$output")" "$v"
	done
}

@test "enable-stream: another view type is refused with an explanation, and nothing changes" {
	make_table "${ns}msgs"
	run -0 "$DDB" enable-stream "${ns}msgs"
	local arn=$output
	run -1 "$DDB" enable-stream "${ns}msgs" --view-type NEW_AND_OLD_IMAGES
	assert_output --partial "table '${ns}msgs' already has a NEW_IMAGE stream and DynamoDB cannot change a stream's view type"
	assert_output --partial "--replace"
	assert_output --partial "new ARN"
	run -0 stream_of "${ns}msgs"
	json_eq "$output" '{"enabled":true,"view":"NEW_IMAGE","arn":"'"$arn"'"}'
}

@test "enable-stream: --replace disables and re-enables with the new view type, a new ARN, and says so" {
	make_table "${ns}msgs"
	run -0 "$DDB" enable-stream "${ns}msgs"
	local old=$output
	run -0 --separate-stderr "$DDB" enable-stream "${ns}msgs" --view-type NEW_AND_OLD_IMAGES --replace
	local new=$output
	[[ $new == arn:aws:dynamodb:*:table/${ns}msgs/stream/* ]]
	[[ $new != "$old" ]]
	[[ $stderr == *"replaced the stream of '${ns}msgs': the new NEW_AND_OLD_IMAGES stream has a new ARN"* ]]
	[[ $stderr == *"$old"* ]]
	run -0 stream_of "${ns}msgs"
	json_eq "$output" '{"enabled":true,"view":"NEW_AND_OLD_IMAGES","arn":"'"$new"'"}'
	# --replace with the same view type: nothing to replace.
	run -0 --separate-stderr "$DDB" enable-stream "${ns}msgs" --view-type NEW_AND_OLD_IMAGES --replace
	assert_output "$new"
}

@test "enable-stream: --disable turns the stream off; again is nothing to do" {
	make_table "${ns}msgs"
	run -0 "$DDB" enable-stream "${ns}msgs"
	run -0 --separate-stderr "$DDB" enable-stream "${ns}msgs" --disable
	assert_output ""
	[[ $stderr == *"disabled the stream of '${ns}msgs'"* ]]
	run -0 stream_of "${ns}msgs"
	assert_equal "$(jq -c .enabled <<<"$output")" false
	run -0 --separate-stderr "$DDB" enable-stream "${ns}msgs" --disable
	[[ $stderr == *"has no enabled stream; nothing to do"* ]]
	# And it can be enabled again (a new stream).
	run -0 "$DDB" enable-stream "${ns}msgs" --view-type KEYS_ONLY
	run -0 stream_of "${ns}msgs"
	assert_equal "$(jq -r .view <<<"$output")" KEYS_ONLY
}

@test "enable-stream: --output json (and jsonl) print one object with what changed" {
	make_table "${ns}msgs"
	run -0 "$DDB" enable-stream "${ns}msgs" --output json
	local arn
	arn=$(jq -r .StreamArn <<<"$output")
	json_eq "$output" '{"TableName":"'"${ns}msgs"'","StreamEnabled":true,"StreamViewType":"NEW_IMAGE",
		"StreamArn":"'"$arn"'","Changed":"enabled"}'
	run -0 --separate-stderr "$DDB" enable-stream "${ns}msgs" -o jsonl
	json_eq "$output" '{"TableName":"'"${ns}msgs"'","StreamEnabled":true,"StreamViewType":"NEW_IMAGE",
		"StreamArn":"'"$arn"'","Changed":"unchanged"}'
	run -0 --separate-stderr "$DDB" enable-stream "${ns}msgs" --view-type OLD_IMAGE --replace -o json
	assert_equal "$(jq -r '.Changed + " " + .StreamViewType' <<<"$output")" "replaced OLD_IMAGE"
	[[ $(jq -r .StreamArn <<<"$output") != "$arn" ]]
	run -0 --separate-stderr "$DDB" enable-stream "${ns}msgs" --disable -o json
	assert_equal "$(jq -c '[.Changed, .StreamEnabled, .StreamViewType]' <<<"$output")" '["disabled",false,null]'
}

@test "enable-stream: -o table (a terminal's default) is lib/cli/render.h's field/value table; -o text just the ARN" {
	make_table "${ns}msgs"
	run -0 --separate-stderr "$DDB" enable-stream "${ns}msgs" -o text
	local arn=$output
	[[ $arn == arn:* ]]
	run -0 --separate-stderr "$DDB" enable-stream "${ns}msgs" -o table
	assert_line --index 0 --regexp '^field +value$'
	assert_line --regexp "^StreamArn +${arn//./\\.}\$"
	assert_line --regexp '^Changed +unchanged$'
}

@test "enable-stream: the namespace applies (option and DDB_NAMESPACE); names are shown as written" {
	make_table "${ns}msgs"
	run -0 --separate-stderr "$DDB" enable-stream msgs --namespace "$ns" -o json
	assert_equal "$(jq -r .TableName <<<"$output")" msgs
	[[ $(jq -r .StreamArn <<<"$output") == *":table/${ns}msgs/stream/"* ]]
	run -0 stream_of "${ns}msgs"
	assert_equal "$(jq -r .view <<<"$output")" NEW_IMAGE
	DDB_NAMESPACE=$ns run -1 "$DDB" enable-stream msgs --view-type KEYS_ONLY
	assert_output --partial "table 'msgs' already has a NEW_IMAGE stream"
	run -66 "$DDB" enable-stream msgs
	assert_output "ddb: enable-stream: table 'msgs' does not exist"
}

@test "enable-stream: a missing table is exit 66; usage errors are exit 64" {
	run -66 "$DDB" enable-stream "${ns}nope"
	assert_output "ddb: enable-stream: table '${ns}nope' does not exist"
	run -64 "$DDB" enable-stream
	assert_output --partial "missing TABLE"
	run -64 "$DDB" enable-stream a b
	assert_output --partial "unexpected argument 'b'"
	run -64 "$DDB" enable-stream "${ns}x" --view-type NEW
	assert_output --partial "'NEW' is not one of: NEW_IMAGE, NEW_AND_OLD_IMAGES, KEYS_ONLY, OLD_IMAGE"
	run -64 "$DDB" enable-stream "${ns}x" --disable --replace
	assert_output --partial "--disable takes neither --view-type nor --replace"
}

@test "enable-stream: in prod, --disable and --replace need --yes; enabling does not" {
	make_table "${ns}msgs"
	export AWS_ACCESS_KEY_ID=AKIDTEST AWS_SECRET_ACCESS_KEY=secret AWS_REGION=us-east-1
	local prod=(--prod --endpoint-url "$DDB_LOCAL_ENDPOINT")
	run -0 "$DDB" enable-stream "${ns}msgs" "${prod[@]}"
	local arn=$output
	run -64 "$DDB" enable-stream "${ns}msgs" "${prod[@]}" --disable </dev/null
	assert_output --partial "refusing to disable the stream of table '${ns}msgs' in prod without --yes"
	run -64 "$DDB" enable-stream "${ns}msgs" "${prod[@]}" --view-type KEYS_ONLY --replace </dev/null
	assert_output --partial "refusing to replace the stream of table '${ns}msgs' in prod without --yes"
	run -0 stream_of "${ns}msgs"
	json_eq "$output" '{"enabled":true,"view":"NEW_IMAGE","arn":"'"$arn"'"}'
	run -0 "$DDB" enable-stream "${ns}msgs" "${prod[@]}" --disable --yes
	run -0 stream_of "${ns}msgs"
	assert_equal "$(jq -c .enabled <<<"$output")" false
}

@test "enable-stream: --help lists the view types" {
	run -0 "$DDB" enable-stream --help
	assert_output --partial "--view-type TYPE"
	assert_output --partial "NEW_IMAGE|NEW_AND_OLD_IMAGES|KEYS_ONLY|OLD_IMAGE"
	assert_output --partial "--replace"
	assert_output --partial "--disable"
}
