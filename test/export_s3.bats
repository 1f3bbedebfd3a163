#!/usr/bin/env bats
# export_s3.bats — export --to s3:// and import s3:// through this machine (local mode), against the suite's s3rver
# behind its SigV4 check: DynamoDB's export layout under PREFIX/AWSDynamoDB/ID/, a round trip that keeps every item.

load test_helper
load bulk_helper

setup() {
	use_s3
	ns=$(unique_ns)
	d=$BATS_TEST_TMPDIR
	url=$DDB_TEST_LOCAL_URL
	P=x$$.$BATS_TEST_NUMBER.$RANDOM
}

@test "export_s3: export --to s3:// lays the export out as AWS does; import s3:// into another namespace gives the same digest" {
	bulk_table "$url" "${ns}tbl"
	rich_items 250 >"$d/items.jsonl"
	load_items "$url" "${ns}tbl" "$d/items.jsonl"
	mkdir "$d/tmp"
	export TMPDIR=$d/tmp
	run --separate-stderr "$DDB" export --namespace "$ns" tbl --to "s3://ddb-export/$P/" --segments 3 --file-items 40
	assert_success
	assert_output --regexp "^arn:aws:dynamodb:[^ ]*:table/${ns}tbl/export/[0-9]{14}-[0-9a-f]{8}"
	local id
	id=$(sed -n '1s|.*/export/||p' <<<"$output")
	assert_line "s3://ddb-export/$P/AWSDynamoDB/$id/_started"
	assert_line "s3://ddb-export/$P/AWSDynamoDB/$id/schema.json"
	assert_equal "${lines[-1]}" "s3://ddb-export/$P/AWSDynamoDB/$id/manifest-summary.json"
	# every object the manifest names is there, under the prefix (one '/', as AWS writes it)
	"$DDB" __s3 get "s3://ddb-export/$P/AWSDynamoDB/$id/manifest-files.json" "$d/mf"
	assert_equal "$(jq -s 'map(.itemCount) | add' "$d/mf")" 250
	run -0 "$DDB" __s3 ls "s3://ddb-export/$P/AWSDynamoDB/$id/data/"
	assert_equal "${#lines[@]}" "$(wc -l <"$d/mf")"
	while read -r k; do assert_line --partial "	$k"; done < <(jq -r .dataFileS3Key "$d/mf")
	"$DDB" __s3 get "s3://ddb-export/$P/AWSDynamoDB/$id/manifest-summary.json" "$d/ms"
	assert_equal "$(jq -r '.s3Bucket, .s3Prefix, .itemCount' "$d/ms" | tr '\n' ' ')" "ddb-export $P 250 "
	# back through import s3:// into another namespace: the table is created from schema.json, same items
	run --separate-stderr "$DDB" import --namespace "${ns}b" "s3://ddb-export/$P"
	assert_success
	assert_equal "$(table_digest "$url" "${ns}btbl")" "$(table_digest "$url" "${ns}tbl")"
	assert_equal "$(key_schema "$url" "${ns}btbl")" "$(key_schema "$url" "${ns}tbl")"
	[[ $stderr == *"250 written to 'tbl'"* ]]
	# nothing left behind: no temporary directory, the checkpoint removed after a complete run
	assert_equal "$(ls -A "$d/tmp")" ""
	[[ ! -e .ddb-import-checkpoint-ddb-export_$P ]]
}

@test "export_s3: a damaged data file on S3 is exit 65 naming it; nothing there is 66; bad s3:// URLs are 64" {
	bulk_table "$url" "${ns}dmg"
	rich_items 30 >"$d/items.jsonl"
	load_items "$url" "${ns}dmg" "$d/items.jsonl"
	run -0 --separate-stderr "$DDB" export --namespace "$ns" dmg --to "s3://ddb-export/$P"
	local data
	data=$(grep '/data/' <<<"$output" | head -1)
	printf '{"Item":{"pk":{"S":"forged"}}}\n' | gzip >"$d/bad.gz"
	"$DDB" __s3 put "$d/bad.gz" "$data"
	run --separate-stderr "$DDB" import --namespace "${ns}b" "s3://ddb-export/$P" --checkpoint "$d/ck"
	assert_failure 65
	[[ $stderr == *"$(basename "$data")"* ]]
	run --separate-stderr "$DDB" import --namespace "${ns}b" "s3://ddb-export/nothing-$P"
	assert_failure 66
	[[ $stderr == *"no export there"* ]]
	for bad in s3://Bad_Bucket/x s3:// s3://ab/x; do
		run "$DDB" import --namespace "${ns}b" "$bad"
		assert_failure 64
		run "$DDB" export --namespace "$ns" dmg --to "$bad"
		assert_failure 64
	done
}

@test "export_s3: a prefix holding two exports is refused (64) naming them; the export's own prefix is accepted" {
	bulk_table "$url" "${ns}two"
	rich_items 5 >"$d/items.jsonl"
	load_items "$url" "${ns}two" "$d/items.jsonl"
	run -0 --separate-stderr "$DDB" export --namespace "$ns" two --to "s3://ddb-export/$P"
	run -0 --separate-stderr "$DDB" export --namespace "$ns" two --to "s3://ddb-export/$P"
	local id
	id=$(sed -n '1s|.*/export/||p' <<<"$output")
	run --separate-stderr "$DDB" import --namespace "${ns}b" "s3://ddb-export/$P"
	assert_failure 64
	[[ $stderr == *"holds 2 exports"* ]]
	run -0 --separate-stderr "$DDB" import --namespace "${ns}b" "s3://ddb-export/$P/AWSDynamoDB/$id/" --checkpoint "$d/ck"
	assert_equal "$(table_count "$url" "${ns}btwo")" 5
}

# ---- prod: DynamoDB's own export and import, against the strict stand-in (test/standins/dynamodb_bulk_standin.py) --

start_bulk_standin() {
	local pf=$BATS_TEST_TMPDIR/bulk.url i
	/usr/bin/python3 "$DDB_TEST_ROOT/test/standins/dynamodb_bulk_standin.py" --port-file "$pf" \
		--dynamodb "$DDB_TEST_LOCAL_URL" --s3 "$DDB_TEST_S3_URL" --delay 0.3 --owner $$ </dev/null \
		>"$BATS_TEST_TMPDIR/bulk.log" 2>&1 3>&- &
	bulk_pid=$!
	for ((i = 0; i < 150; i++)); do
		[[ -s $pf ]] && break
		sleep 0.1
	done
	[[ -s $pf ]] || { cat "$BATS_TEST_TMPDIR/bulk.log" >&2; return 1; }
	bulk=$(<"$pf")
	export AWS_ACCESS_KEY_ID=AKIDDDBBULK AWS_SECRET_ACCESS_KEY=bulk-standin-secret AWS_REGION=eu-west-1
	export AWS_ENDPOINT_URL_DYNAMODB=$bulk AWS_ENDPOINT_URL_S3=$DDB_TEST_S3_URL
}

teardown() {
	[[ -z ${bulk_pid-} ]] || kill "$bulk_pid" 2>/dev/null || true
}

standin_ops() { curl -sSf "$bulk/_standin/requests" | jq -r "${1:-.[].op}"; }

@test "export_s3 prod: ExportTableToPointInTime needs PITR (78 saying how); --enable-pitr; ImportTable loads it back" {
	start_bulk_standin
	bulk_table "$url" "${ns}pt"
	rich_items 12 >"$d/items.jsonl"
	load_items "$url" "${ns}pt" "$d/items.jsonl"
	run --separate-stderr "$DDB" --prod export "${ns}pt" --to "s3://ddb-export/$P"
	assert_failure 78
	[[ $stderr == *"--enable-pitr"* && $stderr == *"aws dynamodb update-continuous-backups --table-name ${ns}pt"* ]]
	run --separate-stderr "$DDB" --prod export "${ns}pt" --to "s3://ddb-export/$P" --enable-pitr
	assert_success
	assert_output --regexp "^arn:aws:dynamodb:[^ ]*:table/${ns}pt/export/[0-9]+-[0-9a-f]{8}"
	local root
	root=$(sed -n 's|^s3://ddb-export/\(.*\)/manifest-summary.json$|\1|p' <<<"$output")
	[[ $root == "$P/AWSDynamoDB/"* ]]
	assert_line "s3://ddb-export/$root/schema.json"
	[[ $(grep -c "^s3://ddb-export/$root/data/" <<<"$output") -ge 6 ]]   # the stand-in writes 2 items a file
	[[ $stderr == *"12 items of '${ns}pt' exported by DynamoDB"* ]]
	# the requests, as botocore would send them (the stand-in checked each against the model)
	run standin_ops '.[] | select(.op == "UpdateContinuousBackups" or .op == "ExportTableToPointInTime") | .body | tojson'
	assert_line "{\"TableName\":\"${ns}pt\",\"PointInTimeRecoverySpecification\":{\"PointInTimeRecoveryEnabled\":true}}"
	assert_line --regexp "^\{\"TableArn\":\"arn:aws:dynamodb:[^\"]*:table/${ns}pt\",\"S3Bucket\":\"ddb-export\",\"S3Prefix\":\"$P\",\"ExportFormat\":\"DYNAMODB_JSON\",\"ClientToken\":\"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}\"\}$"
	run -0 standin_ops '[.[] | select(.op == "DescribeExport")] | length'
	((output >= 1))
	# ImportTable into a new table named by --table, from the schema.json ddb added
	run --separate-stderr "$DDB" --prod import "s3://ddb-export/$P" --table "${ns}back"
	assert_success
	assert_output --regexp "^arn:aws:dynamodb:[^ ]*:table/${ns}back/import/"
	[[ $stderr == *"12 items imported into '${ns}back', 0 errors"* ]]
	assert_equal "$(table_digest "$url" "${ns}back")" "$(table_digest "$url" "${ns}pt")"
	run standin_ops '.[] | select(.op == "ImportTable") | .body | [(.ClientToken | length), .S3BucketSource.S3KeyPrefix, .InputFormat,
		.InputCompressionType, .TableCreationParameters.TableName, (.TableCreationParameters.KeySchema | tojson),
		(.TableCreationParameters.GlobalSecondaryIndexes[0].IndexName)] | @tsv'
	assert_output "36	$root/data/	DYNAMODB_JSON	GZIP	${ns}back	$(jq -c .KeySchema <<<"$(aws_ks "${ns}pt")")	by-g"
	# a second ImportTable into the existing table is refused (64) pointing at --client
	run --separate-stderr "$DDB" --prod import "s3://ddb-export/$P" --table "${ns}back"
	assert_failure 64
	[[ $stderr == *"--client"* ]]
}

aws_ks() { # TABLE: DescribeTable's KeySchema as {"KeySchema":[...]}
	"$DDB" --prod describe "$1" --raw --output json | jq -c '{KeySchema: .KeySchema}'
}

@test "export_s3 prod: --client exports and imports through this machine with the same layout" {
	start_bulk_standin
	bulk_table "$url" "${ns}cl"
	rich_items 20 >"$d/items.jsonl"
	load_items "$url" "${ns}cl" "$d/items.jsonl"
	run -0 --separate-stderr "$DDB" --prod export "${ns}cl" --to "s3://ddb-export/$P" --client
	assert_line "s3://ddb-export/$P/AWSDynamoDB/${lines[0]##*/export/}/manifest-summary.json"
	run -0 --separate-stderr "$DDB" --prod import "s3://ddb-export/$P" --table "${ns}cl2" --client --checkpoint "$d/ck"
	assert_equal "$(table_digest "$url" "${ns}cl2")" "$(table_digest "$url" "${ns}cl")"
	run standin_ops
	refute_line ExportTableToPointInTime
	refute_line ImportTable
}

@test "export_s3 prod: Ctrl-C stops waiting (130), not the export, and names the ARN to check it later" {
	start_bulk_standin
	curl -sSf -X POST -d '{"delay": 30}' "$bulk/_standin/set" >/dev/null
	bulk_table "$url" "${ns}ci"
	"$DDB" --prod export "${ns}ci" --to "s3://ddb-export/$P" --enable-pitr >"$d/out" 2>"$d/err" &
	local pid=$! i rc=0
	for ((i = 0; i < 100; i++)); do
		[[ -s $d/out ]] && break
		sleep 0.1
	done
	grep -q '/export/' "$d/out"
	sleep 0.5
	kill -INT "$pid"
	wait "$pid" || rc=$?
	assert_equal "$rc" 130
	grep -q "describe-export --export-arn $(head -1 "$d/out")" "$d/err"
	# it was waiting: DescribeExport polled at least once before the interrupt
	run -0 standin_ops '[.[] | select(.op == "DescribeExport")] | length'
	((output >= 1))
}
