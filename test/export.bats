#!/usr/bin/env bats
# export.bats — ddb export: DynamoDB's S3 export layout (data files, manifests, checksums, schema.json), every type
# kept, --to - lines, --segment shares that add up to the table, refusals (an existing export, a missing table).

load test_helper
load bulk_helper

setup() {
	ns=$(unique_ns)
	d=$BATS_TEST_TMPDIR
	proxy_pid=
	url=$DDB_TEST_LOCAL_URL
}

teardown() {
	[[ -z $proxy_pid ]] || kill "$proxy_pid" 2>/dev/null || true
}

@test "export: the export layout with manifests and checksums that hold, schema.json with keys and GSI, every item" {
	bulk_table "$url" "${ns}tbl"
	rich_items 300 >"$d/items.jsonl"
	load_items "$url" "${ns}tbl" "$d/items.jsonl"
	run -0 "$DDB" export --namespace "$ns" tbl --to "$d/exp" --segments 3 --file-items 40
	assert_output --partial "300 items of 'tbl' exported to $d/exp ("
	[[ -f $d/exp/_started && -f $d/exp/manifest-summary.json && -f $d/exp/manifest-files.json ]]
	# the summary's count, each file's count and MD5 (base64 of the .gz bytes), the manifests' checksums
	assert_equal "$(jq -r .itemCount "$d/exp/manifest-summary.json")" 300
	assert_equal "$(jq -r .outputFormat "$d/exp/manifest-summary.json")" DYNAMODB_JSON
	assert_equal "$(jq -s 'map(.itemCount) | add' "$d/exp/manifest-files.json")" 300
	(($(wc -l <"$d/exp/manifest-files.json") >= 8))   # 40 items per file at most
	while read -r line; do
		f=$d/exp/data/$(basename "$(jq -r .dataFileS3Key <<<"$line")")
		assert_equal "$(openssl md5 -binary "$f" | base64)" "$(jq -r .md5Checksum <<<"$line")"
		assert_equal "$(gzip -dc "$f" | wc -l | tr -d ' ')" "$(jq -r .itemCount <<<"$line")"
	done <"$d/exp/manifest-files.json"
	assert_equal "$(md5sum <"$d/exp/manifest-files.json" | cut -c1-32)" "$(tr -d '\n' <"$d/exp/manifest-files.checksum")"
	assert_equal "$(md5sum <"$d/exp/manifest-summary.json" | cut -c1-32)" "$(tr -d '\n' <"$d/exp/manifest-summary.checksum")"
	# the items, as they are in the table (types, sets, binary, 38 digits, nesting)
	gzip -dc "$d"/exp/data/*.json.gz | jq -c -S '.Item | walk(if type == "object" and (has("SS") or has("NS") or has("BS"))
		and length == 1 then map_values(sort) else . end)' | LC_ALL=C sort | sha256sum | cut -c1-64 >"$d/got"
	assert_equal "$(<"$d/got")" "$(table_digest "$url" "${ns}tbl")"
	# schema.json: what schema-load accepts, named as the user names it, with the GSI
	assert_equal "$(jq -r .TableName "$d/exp/schema.json")" tbl
	assert_equal "$(jq -r '.GlobalSecondaryIndexes[0].IndexName' "$d/exp/schema.json")" by-g
	run -0 "$DDB" schema-load --namespace "${ns}x" "$d/exp/schema.json"
	assert_equal "$(key_schema "$url" "${ns}xtbl")" "$(key_schema "$url" "${ns}tbl")"
}

@test "export: --to - streams {\"Item\":...} lines that seed loads back; --segment I/N shares add up to the table" {
	bulk_table "$url" "${ns}shr"
	rich_items 120 >"$d/items.jsonl"
	load_items "$url" "${ns}shr" "$d/items.jsonl"
	run -0 --separate-stderr "$DDB" export --namespace "$ns" shr --to -
	assert_equal "$(wc -l <<<"$output" | tr -d ' ')" 120
	jq -e -s 'all(.[]; keys == ["Item"])' <<<"$output"
	for i in 0 1 2; do
		"$DDB" export --namespace "$ns" shr --to - --segment "$i/3" >"$d/share$i" 2>/dev/null
	done
	cat "$d"/share? | jq -c -S .Item | LC_ALL=C sort -u >"$d/all"
	assert_equal "$(wc -l <"$d/all" | tr -d ' ')" 120
	(($(wc -l <"$d/share0") < 120))
}

@test "export: refuses a folder that holds an export (64), a missing table (66), a bad --segment (64); no manifest after a failure" {
	bulk_table "$url" "${ns}rrr"
	run -0 "$DDB" export --namespace "$ns" rrr --to "$d/e1"
	run -64 "$DDB" export --namespace "$ns" rrr --to "$d/e1"
	run -66 "$DDB" export --namespace "$ns" nosuch --to "$d/e2"
	assert_output --partial "'nosuch' does not exist"
	[[ ! -f $d/e2/manifest-summary.json ]]
	run -64 "$DDB" export --namespace "$ns" rrr --to "$d/e3" --segment 3/3
	assert_output --partial "--segment '3/3'"
	run -64 "$DDB" export --namespace "$ns" r
	assert_output --partial "missing --to"
}
