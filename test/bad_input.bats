#!/usr/bin/env bats
# bad_input.bats — a table of bad inputs: options, environment and config files, schema JSON, Terraform/HCL, seed
# lines (invalid JSON, wrong types, missing keys, oversized items, invalid UTF-8, NUL bytes, 10 MB lines), REPL
# lines.  Each case must give its documented exit code and one clear "ddb: ..." message (exactly one line
# containing the expected text), never a crash or a sanitizer report; seed cases also check that the table holds
# exactly what the summary says was written (no partial write that is not reported).
#
# Table rows:  EXIT | ENV (VAR=value ..., or -) | MESSAGE (a fixed substring) | ARGS (after ddb; $F = fixtures,
# $G = generated files, $ns = this test's namespace).  Fixtures: test/data/bad_input/ (README there).

load test_helper

setup() {
	ns=$(unique_ns)
	F=$DDB_TEST_ROOT/test/data/bad_input
	G=$BATS_TEST_TMPDIR/gen
	mkdir -p "$G"
	fails=()
	ncases=0
}

# run_case EXIT ENV MESSAGE ARGS: one row; appends to fails on any mismatch.
run_case() {
	local want=$1 envs=$2 msg=$3 args=$4 out rc=0 n first
	ncases=$((ncases + 1))
	[[ $envs == - ]] && envs=
	out=$(eval "env $envs \"\$DDB\" $args" 2>&1 </dev/null) || rc=$?
	first=${out%%$'\n'*}
	n=$(grep -c -F -- "$msg" <<<"$out" || true)
	if [[ $rc != "$want" ]]; then
		fails+=("ddb $args: exit $rc, expected $want; output: ${out:0:600}")
	elif ((n != 1)); then
		fails+=("ddb $args: expected exactly one line with '$msg', got $n; output: ${out:0:600}")
	elif [[ $first != "ddb: "* ]]; then
		fails+=("ddb $args: the first line is not a 'ddb: ' message: ${first:0:300}")
	elif grep -q -E 'AddressSanitizer|LeakSanitizer|runtime error:|Segmentation|core dumped|Assertion' <<<"$out"; then
		fails+=("ddb $args: crash or sanitizer report: ${out:0:600}")
	elif ((${#out} > 4000)); then
		fails+=("ddb $args: ${#out} bytes of output for one bad input")
	fi
	return 0
}

# run_table: rows on stdin ("#" lines and blank lines skipped).
run_table() {
	local want envs msg args
	while IFS='|' read -r want envs msg args; do
		want=${want//[[:space:]]/}
		[[ -z $want || $want == \#* ]] && continue
		envs=$(sed 's/^ *//; s/ *$//' <<<"$envs")
		msg=$(sed 's/^ *//; s/ *$//' <<<"$msg")
		args=$(sed 's/^ *//; s/ *$//' <<<"$args")
		run_case "$want" "$envs" "$msg" "$args"
	done
}

report() { # MIN_CASES
	echo "$ncases cases, ${#fails[@]} failed"
	if ((${#fails[@]})); then
		printf -- '- %s\n' "${fails[@]}"
		return 1
	fi
	((ncases >= $1))
}

@test "bad input: options (missing values, bad numbers, unknown flags, contradictions): exit 64, one message" {
	run_table <<-'EOF'
		64 | - | missing TABLE                                  | scan
		64 | - | option '--limit' needs a value                  | scan t --limit
		64 | - | '--limit': 'abc' is not a whole number         | scan t --limit abc
		64 | - | '--limit': 0 is out of range                   | scan t --limit 0
		64 | - | '--limit': '12x' is not a whole number         | scan t --limit 12x
		64 | - | is not a whole number                          | scan t --limit 99999999999999999999999
		64 | - | '--segments': 65 is out of range (1..64)       | scan t --segments 65
		64 | - | --segment '3/3': expected I/N                 | scan t --segment 3/3
		64 | - | --max-rcu: expected read units per second       | scan t --max-rcu 0
		64 | - | '--concurrency': -1 is out of range            | seed --concurrency -1
		64 | - | unknown option '--nope'                        | --nope list-tables
		64 | - | --nope                                         | scan t --nope
		64 | - | 'nosuchcmd' is not a command                   | nosuchcmd
		64 | - | 'xml' is not one of: table, json, jsonl        | scan t --output xml
		64 | - | '--max-attempts': 0 is out of range (1..100)   | scan t --max-attempts 0
		64 | - | '--max-attempts': 1000 is out of range         | list-tables --max-attempts 1000
		64 | - | '--timeout': 'abc' is not a non-negative number | scan t --timeout abc
		64 | - | '--timeout': '-1' is not a non-negative number | scan t --timeout -1
		64 | - | missing --pk VALUE                             | query t
		64 | - | option '--sk-eq' needs a value                 | query t --pk a --sk-eq
		64 | - | unknown subcommand 'bogus'                     | stream bogus t
		64 | - | unknown subcommand 'explode'                   | local explode
		64 | - | give exactly one of --exists and --gone        | wait t
		64 | - | --prod and --local contradict each other       | list-tables --prod --local
		64 | - | namespace 'a+b': only letters                  | list-tables --namespace a+b
		64 | - | missing TABLE (or --all)                       | drop
		64 | - | 'BOGUS' is not one of: NEW_IMAGE               | enable-stream t --view-type BOGUS
		64 | - | --values: invalid JSON                         | scan t --values '{bad'
		64 | - | unexpected argument 'b'                        | scan a b
		64 | - | option '-o' needs a value                      | list-tables -o
		64 | - | option '--region' needs a value                | list-tables --region
		64 | - | '--page-size': -5 is out of range              | scan t --page-size -5
		64 | - | 'yaml' is not one of: auto, plain, ddb         | seed --format yaml
		64 | - | standard input ('-') given more than once      | seed - -
		64 | - | --resume cannot resume standard input          | seed --resume -
		64 | - | --count cannot be combined with --limit        | scan t --count --limit 3
	EOF
	report 30
}

@test "bad input: environment and config files (broken INI, missing profile, bad values): exit 78, one message" {
	printf '[profile p]\ncredential_process = /bin/false\n' >"$G/cp-fails"
	printf '[profile p]\ncredential_process = /bin/echo garbage\n' >"$G/cp-garbage"
	printf '[profile p]\ncredential_process = "/no/such/program"\n' >"$G/cp-missing"
	head -c 3000000 /dev/zero | tr '\0' '[' >"$G/deep.ini"
	printf '[default]\nregion = %s\n' "$(head -c 2000000 /dev/zero | tr '\0' a)" >"$G/long-value.ini"
	cp "$F/credentials-no-secret" "$G/credentials-no-secret"
	chmod 600 "$G/credentials-no-secret"
	run_table <<-'EOF'
		78 | DDB_ENV=staging          | DDB_ENV='staging': expected 'local' or 'prod' | list-tables
		78 | AWS_MAX_ATTEMPTS=abc     | AWS_MAX_ATTEMPTS='abc': expected a number      | list-tables
		78 | AWS_MAX_ATTEMPTS=0       | AWS_MAX_ATTEMPTS='0': expected a number        | list-tables
		78 | AWS_REGION='eu west'     | region 'eu west' is not a valid region name    | list-tables
		78 | -                        | profile 'nope' not found                       | list-tables --profile nope
		78 | AWS_PROFILE=ghost AWS_REGION=eu-west-1 | ghost                        | list-tables --prod
		78 | AWS_CONFIG_FILE=$F/config-unclosed-section    | config-unclosed-section:1: section header without ']' | list-tables
		78 | AWS_CONFIG_FILE=$F/config-key-before-section  | config-key-before-section:1: setting outside of any [section] | list-tables
		78 | AWS_CONFIG_FILE=$F/config-no-equals           | config-no-equals:2: expected 'key = value' | list-tables
		78 | AWS_CONFIG_FILE=$F/config-max-attempts-zero   | max_attempts='0': expected a number | list-tables
		78 | AWS_CONFIG_FILE=$F/config-bad-region          | region 'eu west 1' is not a valid region name | list-tables
		78 | AWS_CONFIG_FILE=$F/config-role-no-source      | has role_arn but neither source_profile nor credential_source | list-tables --prod --profile r --region eu-west-1
		78 | AWS_CONFIG_FILE=$F                            | is a directory, not a config file | list-tables
		78 | AWS_CONFIG_FILE=$G/deep.ini                   | deep.ini:1: section header without ']' | list-tables
		78 | AWS_SHARED_CREDENTIALS_FILE=$F/config-unclosed-section | config-unclosed-section:1: section header without ']' | list-tables
		78 | AWS_SHARED_CREDENTIALS_FILE=$G/credentials-no-secret AWS_REGION=eu-west-1 | has aws_access_key_id but not aws_secret_access_key | list-tables --prod
		78 | -                        | no region for --prod                           | list-tables --prod
		78 | AWS_ACCESS_KEY_ID=x AWS_REGION=eu-west-1 | AWS_SECRET_ACCESS_KEY is not  | list-tables --prod
		78 | AWS_ENDPOINT_URL=not-a-url | endpoint 'not-a-url' is not a URL            | list-tables
		78 | -                        | only http:// and https:// are supported        | list-tables --endpoint-url ftp://x
		78 | -                        | has no host                                    | list-tables --endpoint-url http://
		78 | AWS_CONFIG_FILE=$G/cp-fails AWS_REGION=eu-west-1   | credential_process '/bin/false' exited with status 1 | list-tables --prod --profile p
		65 | AWS_CONFIG_FILE=$G/cp-garbage AWS_REGION=eu-west-1 | its output is not JSON | list-tables --prod --profile p
		78 | AWS_CONFIG_FILE=$G/cp-missing AWS_REGION=eu-west-1 | credential_process '/no/such/program' | list-tables --prod --profile p
		78 | AWS_REGION=eu-west-1 AWS_ACCESS_KEY_ID=a AWS_SECRET_ACCESS_KEY=b | refusing to send production requests over plain http:// | list-tables --prod --endpoint-url http://example.com
		78 | AWS_REGION=eu-west-1 AWS_ACCESS_KEY_ID=a AWS_SECRET_ACCESS_KEY=b AWS_CA_BUNDLE=$G/no-ca.pem | no-ca.pem': No such file or directory (TLS certificates are always verified | list-tables --prod
		78 | AWS_REGION=eu-west-1 AWS_ACCESS_KEY_ID=a AWS_SECRET_ACCESS_KEY=b AWS_CA_BUNDLE=$G | gen': not a file | list-tables --prod
	EOF
	report 20
}

@test "bad input: schema JSON and Terraform (truncated, wrong types, invalid UTF-8, NUL, deep nesting, 10 MB): exit 65/66" {
	python3 -c "print('[' * 200000)" >"$G/deep.json"
	python3 -c "print('resource \"aws_dynamodb_table\" \"t\" {\n  name = ' + '[' * 100000)" >"$G/deep-list.tf"
	python3 -c "print('resource \"aws_dynamodb_table\" \"t\" {\n  name = ' + '{a=' * 100000)" >"$G/deep-object.tf"
	python3 -c "print('{\"TableName\":\"' + 'a' * 11000000 + '\"}')" >"$G/huge-name.json"
	python3 -c "print('resource \"aws_dynamodb_table\" \"t\" {\n  name = \"' + 'b' * 11000000 + '\"\n}')" >"$G/huge-name.tf"
	head -c 1000000 /dev/urandom >"$G/random.json"
	printf '\xef\xbb\xbf{"TableName": 1}\n' >"$G/bom.json"
	run_table <<-'EOF'
		65 | - | schema-truncated.json:1:175: invalid JSON    | schema-load --namespace $ns $F/schema-truncated.json
		65 | - | schema-empty.json:1:1: invalid JSON          | schema-load --namespace $ns $F/schema-empty.json
		65 | - | schema-invalid-utf8.json:1: TableName        | schema-load --namespace $ns $F/schema-invalid-utf8.json
		65 | - | schema-nul.json:1: NUL byte in the file      | schema-load --namespace $ns $F/schema-nul.json
		65 | - | must be a JSON object                        | schema-load --namespace $ns $F/schema-array.json
		65 | - | TableName: must be a string                  | schema-load --namespace $ns $F/schema-wrong-types.json
		65 | - | Bogus: unknown field                         | schema-load --namespace $ns $F/schema-unknown-field.json
		65 | - | AttributeType: 'X' is not one of S, N, B     | schema-load --namespace $ns $F/schema-bad-attr-type.json
		65 | - | deep.json:1:                                 | schema-load --namespace $ns $G/deep.json
		65 | - | huge-name.json:1: TableName                  | schema-load --namespace $ns $G/huge-name.json
		65 | - | random.json                                  | schema-load --namespace $ns $G/random.json
		65 | - | bom.json                                     | schema-load --namespace $ns $G/bom.json
		65 | - | schema-truncated.json:1:175: invalid JSON    | schema-load --plan --namespace $ns $F/schema-truncated.json
		66 | - | nonexistent.json: no such file or folder     | schema-load --namespace $ns $F/nonexistent.json
		65 | - | tf-unterminated-block.tf:4: missing '}'      | schema-load --namespace $ns $F/tf-unterminated-block.tf
		65 | - | tf-invalid-utf8.tf:2: TableName              | schema-load --namespace $ns $F/tf-invalid-utf8.tf
		65 | - | tf-nul.tf:2: NUL byte in the file            | schema-load --namespace $ns $F/tf-nul.tf
		65 | - | unknown aws_dynamodb_table argument 'warp_speed' | schema-load --namespace $ns $F/tf-unknown-arg.tf
		65 | - | tf-bad-expression.tf:4: expected a value     | schema-load --namespace $ns $F/tf-bad-expression.tf
		65 | - | variable 'nope' has no value                 | schema-load --namespace $ns $F/tf-undefined-var.tf
		65 | - | deep-list.tf:2: expression nested too deep   | schema-load --namespace $ns $G/deep-list.tf
		65 | - | deep-object.tf:2: expression nested too deep | schema-load --namespace $ns $G/deep-object.tf
		65 | - | huge-name.tf:1:                              | schema-load --namespace $ns $G/huge-name.tf
	EOF
	report 20
	# nothing was created by any of them
	run -0 "$DDB" list-tables --namespace "$ns" -o json
	json_eq "$output" '[]'
}

# seed_case EXIT MESSAGE WRITTEN FILE [ARGS...]: a fresh table, the seed, then the table must hold exactly WRITTEN
# items and the summary must say so.
seed_case() {
	local want=$1 msg=$2 written=$3 file=$4 t
	shift 4
	t=bi$ncases
	ddb_local CreateTable '{"TableName":"'"$ns$t"'","BillingMode":"PAY_PER_REQUEST",
		"AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"},{"AttributeName":"sk","AttributeType":"N"}],
		"KeySchema":[{"AttributeName":"pk","KeyType":"HASH"},{"AttributeName":"sk","KeyType":"RANGE"}]}' >/dev/null
	local nf=${#fails[@]}
	run_case "$want" - "$msg" "seed --namespace $ns --table $t $* '$file'"
	((${#fails[@]} == nf)) || return 0
	local out got
	out=$("$DDB" seed --namespace "$ns" --table "$t" "$@" "$file" 2>&1 </dev/null || true)
	got=$(ddb_local Scan '{"TableName":"'"$ns$t"'","Select":"COUNT"}' | jq .Count)
	# (the second run wrote the same items again: idempotent, same count)
	if [[ $got != "$written" ]]; then
		fails+=("seed $file: the table holds $got items, expected $written")
	elif [[ -s $file ]] && ! grep -q -E "(^| )$written written to '$t'" <<<"$out"; then
		fails+=("seed $file: the summary does not say '$written written': $out")
	fi
}

@test "bad input: seed lines (invalid JSON, wrong types, missing keys, UTF-8, NUL, 10 MB lines, oversized items): reported, rest written" {
	# a 10 MB line, an item just over 400 KB, and one at 399 KB that is fine
	python3 -c "import json; print(json.dumps({'pk':'a','sk':1})); print(json.dumps({'pk':'big','sk':2,'v':'x'*10*1024*1024}))" >"$G/ten-mb-line.jsonl"
	python3 -c "import json; print(json.dumps({'pk':'a','sk':1})); print(json.dumps({'pk':'over','sk':2,'v':'x'*(400*1024)}))" >"$G/oversized.jsonl"
	python3 -c "import json; print(json.dumps({'pk':'a','sk':1})); print(json.dumps({'pk':'under','sk':2,'v':'x'*(399*1024)}))" >"$G/just-under.jsonl"
	python3 -c "print('{\"pk\":\"a\",\"sk\":1}'); print('{\"pk\":\"deep\",\"sk\":2,\"v\":' + '[' * 100000 + ']' * 100000 + '}')" >"$G/deep.jsonl"
	python3 -c "import json; print(json.dumps({'pk':'a','sk':1})); print(json.dumps({'pk':'k'*2049,'sk':2}))" >"$G/long-key.jsonl"
	printf '{"pk":"a","sk":1}\n{"pk":"b","sk":2}\r\n\n   \n{"pk":"c","sk":3}' >"$G/crlf-blank-no-eol.jsonl"
	python3 -c "import json; print(json.dumps({'pk':'a','sk':1})); print(json.dumps({'pk':'b','sk':2,'n'*70000:1}))" >"$G/long-attr-name.jsonl"
	python3 -c "import json; print(json.dumps({'pk':'a','sk':1})); print(json.dumps([{'pk':'big','sk':2,'v':'x'*(5*1024*1024)}]))" >"$G/long-array-line.jsonl"
	local E=$F
	seed_case 1 "seed-invalid-json.jsonl:2: invalid JSON" 2 "$E/seed-invalid-json.jsonl"
	seed_case 1 "seed-wrong-key-type.jsonl:2: key attribute 'pk' must be of type S, not N" 1 "$E/seed-wrong-key-type.jsonl"
	seed_case 1 "seed-wrong-sort-type.jsonl:2: key attribute 'sk' must be of type N, not S" 1 "$E/seed-wrong-sort-type.jsonl"
	seed_case 1 "seed-missing-hash.jsonl:2: item has no 'pk' (the table's hash key)" 1 "$E/seed-missing-hash.jsonl"
	seed_case 1 "seed-missing-range.jsonl:2: item has no 'sk' (the table's range key)" 1 "$E/seed-missing-range.jsonl"
	seed_case 1 "seed-invalid-utf8.jsonl:2: invalid JSON at column 9: invalid UTF-8" 1 "$E/seed-invalid-utf8.jsonl"
	seed_case 1 "seed-nul.jsonl:2: invalid JSON at column 24: raw control character U+0000" 1 "$E/seed-nul.jsonl"
	seed_case 1 "seed-bad-type-descriptor.jsonl:2: attribute 'v': unknown AttributeValue type 'Q'" 1 "$E/seed-bad-type-descriptor.jsonl"
	seed_case 1 "seed-number-too-big.jsonl:2: attribute 'sk': number '1e126' is out of range" 1 "$E/seed-number-too-big.jsonl"
	seed_case 1 "has 39 significant digits" 1 "$E/seed-number-39-digits.jsonl"
	seed_case 1 "seed-empty-key.jsonl:2: key attribute 'pk' is empty" 1 "$E/seed-empty-key.jsonl"
	seed_case 1 "SS contains duplicate value 'x'" 1 "$E/seed-duplicate-set.jsonl"
	seed_case 1 "SS must not be empty" 1 "$E/seed-empty-set.jsonl"
	seed_case 1 "is not valid base64" 1 "$E/seed-bad-base64.jsonl"
	seed_case 1 "N value 'abc' is not a number" 1 "$E/seed-bad-number-text.jsonl"
	seed_case 1 "seed-not-an-object.jsonl:2: an item must be a JSON object" 1 "$E/seed-not-an-object.jsonl"
	seed_case 1 "seed-string-line.jsonl:2: an item must be a JSON object" 1 "$E/seed-string-line.jsonl"
	seed_case 1 "the rest of the file was not loaded" 2 "$E/seed-array-truncated.json"
	seed_case 1 "seed-all-bad.jsonl:1: invalid JSON" 0 "$E/seed-all-bad.jsonl"
	seed_case 1 "ten-mb-line.jsonl:2: too long (" 1 "$G/ten-mb-line.jsonl"
	seed_case 1 "long-array-line.jsonl:2: too long (" 1 "$G/long-array-line.jsonl"
	seed_case 1 "long-attr-name.jsonl:2: an attribute name is 70000 bytes, over DynamoDB's 64 KB limit" 1 "$G/long-attr-name.jsonl"
	seed_case 1 "oversized.jsonl:2:" 1 "$G/oversized.jsonl"
	seed_case 1 "deep.jsonl:2:" 1 "$G/deep.jsonl"
	seed_case 1 "long-key.jsonl:2:" 1 "$G/long-key.jsonl"
	seed_case 65 "nothing was written (--strict)" 0 "$E/seed-invalid-json.jsonl" --strict
	seed_case 65 "nothing was written (--strict)" 0 "$G/oversized.jsonl" --strict
	seed_case 1 "seed-wrong-key-type.jsonl:2: attribute 'pk': not an AttributeValue" 0 "$E/seed-wrong-key-type.jsonl" --format ddb
	run_case 66 - "table 'nope' does not exist" "seed --namespace $ns --table nope '$E/seed-empty-key.jsonl'"
	run_case 66 - "cannot open '$E/nonexistent.jsonl'" "seed --namespace $ns --table bi0 '$E/nonexistent.jsonl'"
	run_case 74 - "cannot write the rejects file '/dev/full'" "seed --namespace $ns --table bi0 --rejects /dev/full '$E/seed-missing-hash.jsonl'"
	run_case 74 - "cannot read '/proc/self/mem': Input/output error" "seed --namespace $ns --table bi0 /proc/self/mem"
	run_case 1 - "/dev/zero:1: too long (over 4 MiB) and binary" "seed --namespace $ns --table bi0 /dev/zero"
	report 30
	# the good ones load whole (so the rejections above are not just a broken loader)
	run -0 "$DDB" seed --namespace "$ns" --table bi0 "$G/just-under.jsonl"
	assert_output --partial "2 written"
	run -0 "$DDB" seed --namespace "$ns" --table bi0 "$G/crlf-blank-no-eol.jsonl"
	assert_output --partial "3 written"
	# rejected lines are kept as given, one per line
	run -1 "$DDB" seed --namespace "$ns" --table bi0 --rejects "$G/rej" "$E/seed-invalid-utf8.jsonl"
	assert_equal "$(wc -l <"$G/rej")" 1
	cmp <(sed -n 2p "$E/seed-invalid-utf8.jsonl") "$G/rej"
}

@test "bad input: REPL script lines (unterminated quotes, unknown commands) are reported and the script goes on" {
	run -64 "$DDB" --endpoint-url "$DDB_TEST_LOCAL_URL" <"$F/repl_lines.txt"
	refute_output --regexp 'AddressSanitizer|runtime error:|Segmentation'
	assert_output --partial "unterminated"
	# a quote left open runs to the end of the script: reported, nothing run
	run -64 "$DDB" <<<$'scan "unterminated\nversion'
	assert_output "ddb: repl: unterminated quote at the end of the input"
	# an unknown command is reported and the script goes on (the exit status is the last line's; --bail stops)
	run -64 "$DDB" --bail <<<$'nosuchcmd\nversion'
	refute_output --partial "libcurl"
	run -0 "$DDB" <<<$'nosuchcmd\nversion'
	assert_line --index 0 --partial "'nosuchcmd' is not a command"
	assert_output --regexp $'\nddb [0-9]'
	refute_output --regexp 'AddressSanitizer|runtime error:|Segmentation'
}

@test "bad input: caught before anything is sent (region, int32 limits, table names, timeouts, capacities, services)" {
	# nothing listens on port 1: a request that went out would be retried and end in 69/75, not in these codes
	local no=http://127.0.0.1:1 long
	long=$(head -c 100000 /dev/zero | tr '\0' a)
	printf '%s' "$long" >"$G/long-region"
	run_table <<-EOF
		78 | - | --region: a region of 100000 characters is not a valid region name | list-tables --endpoint-url $no --region \$(cat \$G/long-region)
		78 | AWS_REGION=\$(cat \$G/long-region) | AWS_REGION: a region of 100000 characters | list-tables --endpoint-url $no
		78 | - | region '-eu-west-1' is not a valid region name  | list-tables --endpoint-url $no --region=-eu-west-1
		78 | - | region 'EU-WEST-1' is not a valid region name   | list-tables --endpoint-url $no --region EU-WEST-1
		64 | - | '--limit': 2147483648 is out of range (1..2147483647) | scan tbl --endpoint-url $no --limit 2147483648
		64 | - | '--page-size': 9999999999 is out of range        | scan tbl --endpoint-url $no --page-size 9999999999
		64 | - | '--limit': 2147483648 is out of range            | query tbl --pk a --endpoint-url $no --limit 2147483648
		64 | - | '--page-size': 2147483648 is out of range        | query tbl --pk a --endpoint-url $no --page-size 2147483648
		64 | - | table name 'ab?': byte 3 is not allowed          | scan \$'ab\xff' --endpoint-url $no
		64 | - | table name 'a?(b': byte 2 is not allowed          | describe \$'a\xc3\x28b' --endpoint-url $no
		64 | - | table name 'ab': 2 characters (DynamoDB allows 3 to 255) | scan ab --endpoint-url $no
		64 | - | table name 'has space': byte 4 is not allowed    | query 'has space' --pk a --endpoint-url $no
		64 | - | 256 characters (DynamoDB allows 3 to 255)        | wait \$(printf 'a%.0s' {1..256}) --exists --endpoint-url $no
		64 | - | table name 'x?y': byte 2 is not allowed          | drop \$'x\ny' --endpoint-url $no
		64 | - | '--timeout': 'inf' is out of range               | scan tbl --endpoint-url $no --timeout inf
		64 | - | '--timeout': '1e300' is out of range             | scan tbl --endpoint-url $no --timeout 1e300
		64 | - | '--connect-timeout': 'infinity' is out of range  | list-tables --endpoint-url $no --connect-timeout infinity
		64 | - | '--timeout': 'nan' is not a non-negative number  | list-tables --endpoint-url $no --timeout nan
		64 | - | '--wait-timeout': '1e400' is out of range        | drop tbl --endpoint-url $no --wait-timeout 1e400
		65 | - | ReadCapacityUnits: must be an integer from 1     | schema-load --plan --endpoint-url $no \$F/schema-capacity-overflow.json
		78 | AWS_CONFIG_FILE=\$F/config-services-missing | services = 'nope' but | list-tables --endpoint-url $no
		78 | AWS_CONFIG_FILE=\$F/config-services-missing | has no [services nope] section | list-tables
	EOF
	report 20
}
