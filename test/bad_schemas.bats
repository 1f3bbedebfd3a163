#!/usr/bin/env bats
# bad_schemas.bats — every bad schema fixture (test/data/schemas/bad, JSON and Terraform) gets its own clear error
# from `ddb schema-load`: exit 65 and one line "ddb: schema-load: <file>:<line>: <field>: <what>".  Nothing is sent:
# the checks run before any request (a second test proves it on a mixed load).  The expected messages are also in
# test/data/schemas/bad/EXPECTED (checked by test/unit/test_schema.c against the library).

load test_helper

BAD=test/data/schemas/bad

# bad FILE MESSAGE: schema-load FILE fails with exit 65 and exactly "ddb: schema-load: $BAD/FILE<MESSAGE>".
bad() {
	run -65 "$DDB" schema-load --namespace "$(unique_ns)" "$BAD/$1"
	assert_output "ddb: schema-load: $BAD/$1$2"
}

@test "bad schema (JSON): bad-attr-type.json" {
	bad bad-attr-type.json ':10: AttributeDefinitions[1].AttributeType: '\''STRING'\'' is not one of S, N, B'
}

@test "bad schema (JSON): bad-billing.json" {
	bad bad-billing.json ':49: BillingMode: '\''ON_DEMAND'\'' is not one of PROVISIONED, PAY_PER_REQUEST'
}

@test "bad schema (JSON): bad-index-name.json" {
	bad bad-index-name.json ':29: GlobalSecondaryIndexes[0].IndexName: '\''ix'\'' is not a legal index name (3 to 255 characters: a-z A-Z 0-9 _ - .)'
}

@test "bad schema (JSON): bad-projection.json" {
	bad bad-projection.json ':41: GlobalSecondaryIndexes[0].Projection.ProjectionType: '\''EVERYTHING'\'' is not one of ALL, KEYS_ONLY, INCLUDE'
}

@test "bad schema (JSON): default-billing-no-throughput.json" {
	bad default-billing-no-throughput.json ':1: ProvisionedThroughput: required when BillingMode is PROVISIONED'
}

@test "bad schema (JSON): dup-attr.json" {
	bad dup-attr.json ':9: AttributeDefinitions[1].AttributeName: '\''pk'\'' is defined twice'
}

@test "bad schema (JSON): dup-field.json" {
	bad dup-field.json ':2: TableName: given twice'
}

@test "bad schema (JSON): dup-index-name.json" {
	bad dup-index-name.json ':56: LocalSecondaryIndexes[0].IndexName: index name '\''message-group-sk-index'\'' used twice'
}

@test "bad schema (JSON): dup-tag.json" {
	bad dup-tag.json ':22: Tags[1].Key: tag '\''env'\'' given twice'
}

@test "bad schema (JSON): fraction-capacity.json" {
	bad fraction-capacity.json ':52: ProvisionedThroughput.WriteCapacityUnits: must be an integer from 1 to 999999999999999'
}

@test "bad schema (JSON): gsi-no-throughput.json" {
	bad gsi-no-throughput.json ':28: GlobalSecondaryIndexes[0].ProvisionedThroughput: required when BillingMode is PROVISIONED'
}

@test "bad schema (JSON): hash-not-first.json" {
	bad hash-not-first.json ':18: KeySchema[0]: the first key must be the HASH key'
}

@test "bad schema (JSON): include-no-nonkey.json" {
	bad include-no-nonkey.json ':40: GlobalSecondaryIndexes[0].Projection: ProjectionType INCLUDE needs a non-empty NonKeyAttributes list'
}

@test "bad schema (JSON): invalid-json.json" {
	bad invalid-json.json ':4:3: invalid JSON'
}

@test "bad schema (JSON): key-undefined.json" {
	bad key-undefined.json ':19: KeySchema[1].AttributeName: '\''sk'\'' is not in AttributeDefinitions'
}

@test "bad schema (JSON): keyschema-not-array.json" {
	bad keyschema-not-array.json ':9: KeySchema: must be an array'
}

@test "bad schema (JSON): lsi-no-table-range.json" {
	bad lsi-no-table-range.json ':21: LocalSecondaryIndexes[0]: a local secondary index needs a table with a RANGE key'
}

@test "bad schema (JSON): lsi-other-hash.json" {
	bad lsi-other-hash.json ':57: LocalSecondaryIndexes[0].KeySchema: the HASH key of a local secondary index must be the table'\''s ('\''pk'\''), not '\''message_group_uuid'\'''
}

@test "bad schema (JSON): nonkey-without-include.json" {
	bad nonkey-without-include.json ':42: GlobalSecondaryIndexes[0].Projection.NonKeyAttributes: only allowed when ProjectionType is INCLUDE'
}

@test "bad schema (JSON): not-object.json" {
	bad not-object.json ':1: a schema must be a JSON object (the CreateTable input)'
}

@test "bad schema (JSON): pitr-typo.json" {
	bad pitr-typo.json ':17: PointInTimeRecoverySpecification.PointInTimeRecoveryEnable: unknown field (did you mean '\''PointInTimeRecoveryEnabled'\''?)'
}

@test "bad schema (JSON): ppr-with-throughput.json" {
	bad ppr-with-throughput.json ':46: ProvisionedThroughput: not allowed when BillingMode is PAY_PER_REQUEST'
}

@test "bad schema (JSON): stream-bad-view.json" {
	bad stream-bad-view.json ':18: StreamSpecification.StreamViewType: '\''NEW_AND_OLD'\'' is not one of NEW_IMAGE, OLD_IMAGE, NEW_AND_OLD_IMAGES, KEYS_ONLY'
}

@test "bad schema (JSON): stream-no-view.json" {
	bad stream-no-view.json ':16: StreamSpecification.StreamViewType: required'
}

@test "bad schema (JSON): table-name-chars.json" {
	bad table-name-chars.json ':2: TableName: '\''my table!'\'' is not a legal table name (3 to 255 characters: a-z A-Z 0-9 _ - .)'
}

@test "bad schema (JSON): table-name-short.json" {
	bad table-name-short.json ':2: TableName: '\''ab'\'' is not a legal table name (3 to 255 characters: a-z A-Z 0-9 _ - .)'
}

@test "bad schema (Terraform): tf-bad-escape.tf" {
	bad tf-bad-escape.tf ':2: unknown escape '\''\q'\'' in string'
}

@test "bad schema (Terraform): tf-bool-string.tf" {
	bad tf-bool-string.tf ':5: aws_dynamodb_table.t: '\''stream_enabled'\'' must be true or false, not '\''yes'\'''
}

@test "bad schema (Terraform): tf-dup-arg.tf" {
	bad tf-dup-arg.tf ':5: attribute '\''name'\'' defined twice (first at line 2)'
}

@test "bad schema (Terraform): tf-dynamic.tf" {
	bad tf-dynamic.tf ':5: aws_dynamodb_table.t: '\''dynamic'\'' blocks are not supported by ddb (write the blocks out)'
}

@test "bad schema (Terraform): tf-function.tf" {
	bad tf-function.tf ':2: aws_dynamodb_table.t: '\''name'\'': '\''lookup(var.names, "messages")'\'' is not supported here: a literal value is needed (var.NAME works with --var NAME=VALUE)'
}

@test "bad schema (Terraform): tf-gsi-no-throughput.tf" {
	bad tf-gsi-no-throughput.tf ':21: GlobalSecondaryIndexes[0].ProvisionedThroughput: required when BillingMode is PROVISIONED'
}

@test "bad schema (Terraform): tf-heredoc-name.tf" {
	bad tf-heredoc-name.tf ':2: aws_dynamodb_table.t: '\''name'\'': '\''<<EOT'\'' is not supported here: a literal value is needed (var.NAME works with --var NAME=VALUE)'
}

@test "bad schema (Terraform): tf-interp.tf" {
	bad tf-interp.tf ':6: aws_dynamodb_table.t: '\''name'\'': interpolation '\''${local.prefix}'\'' is not supported (only ${var.NAME} given with --var NAME=VALUE)'
}

@test "bad schema (Terraform): tf-local-ref.tf" {
	bad tf-local-ref.tf ':4: aws_dynamodb_table.t: '\''hash_key'\'': '\''local.key'\'' is not supported here: a literal value is needed (var.NAME works with --var NAME=VALUE)'
}

@test "bad schema (Terraform): tf-missing-brace.tf" {
	bad tf-missing-brace.tf ':10: missing '\''}'\'' for the block opened at line 6'
}

@test "bad schema (Terraform): tf-no-hash.tf" {
	bad tf-no-hash.tf ':1: aws_dynamodb_table.t: '\''hash_key'\'' is required'
}

@test "bad schema (Terraform): tf-nonkey-nested.tf (a list in the list: an error, not a double free)" {
	bad tf-nonkey-nested.tf ':13: aws_dynamodb_table.t: '\''non_key_attributes'\'' must be a list of strings'
}

@test "bad schema (Terraform): tf-gsi-nonkey-nested.tf (the same in a GSI resource's projection)" {
	bad tf-gsi-nonkey-nested.tf ':17: aws_dynamodb_global_secondary_index.g: '\''non_key_attributes'\'' must be a list of strings'
}

@test "bad schema (Terraform): tf-ppr-capacity.tf" {
	bad tf-ppr-capacity.tf ':4: ProvisionedThroughput: not allowed when BillingMode is PAY_PER_REQUEST'
}

@test "bad schema (Terraform): tf-same-resource.tf" {
	bad tf-same-resource.tf ':11: aws_dynamodb_table.t: defined twice (first at line 1)'
}

@test "bad schema (Terraform): tf-stray-token.tf" {
	bad tf-stray-token.tf ':2: expected a new line after the value of '\''name'\'', found a string'
}

@test "bad schema (Terraform): tf-two-ttl.tf" {
	bad tf-two-ttl.tf ':13: aws_dynamodb_table.t: only one '\''ttl'\'' block is allowed'
}

@test "bad schema (Terraform): tf-unknown-arg.tf" {
	bad tf-unknown-arg.tf ':3: aws_dynamodb_table.t: unknown aws_dynamodb_table argument '\''billing_mod'\'' (did you mean '\''billing_mode'\''?)'
}

@test "bad schema (Terraform): tf-unterminated-string.tf" {
	bad tf-unterminated-string.tf ':2: unterminated string'
}

@test "bad schema (Terraform): tf-unused-attr.tf" {
	bad tf-unused-attr.tf ':11: AttributeDefinitions[1]: '\''created_at'\'' is not used by any key of the table or its indexes (DynamoDB rejects unused definitions: define only key attributes)'
}

@test "bad schema (Terraform): tf-var-unset.tf" {
	bad tf-var-unset.tf ':6: aws_dynamodb_table.t: '\''name'\'': variable '\''table_name'\'' has no value (give it with --var table_name=VALUE)'
}

@test "bad schema (Terraform): tf-view-without-stream.tf" {
	bad tf-view-without-stream.tf ':5: aws_dynamodb_table.t: '\''stream_view_type'\'' needs stream_enabled = true'
}

@test "bad schema (JSON): three-keys.json" {
	bad three-keys.json ':17: KeySchema: must hold a HASH key and optionally a RANGE key (1 or 2 entries), not 3'
}

@test "bad schema (JSON): too-many-gsi.json" {
	bad too-many-gsi.json ':27: GlobalSecondaryIndexes: at most 20 global secondary indexes, not 21'
}

@test "bad schema (JSON): too-many-lsi.json" {
	bad too-many-lsi.json ':54: LocalSecondaryIndexes: at most 5 local secondary indexes, not 6'
}

@test "bad schema (JSON): trailing-garbage.json" {
	bad trailing-garbage.json ':3: invalid JSON (text after the schema object)'
}

@test "bad schema (JSON): truncated.json" {
	bad truncated.json ':3:17: invalid JSON (unexpected end of file)'
}

@test "bad schema (JSON): ttl-no-attr.json" {
	bad ttl-no-attr.json ':16: TimeToLiveSpecification.AttributeName: required'
}

@test "bad schema (JSON): unknown-field.json" {
	bad unknown-field.json ':53: BillingMod: unknown field (did you mean '\''BillingMode'\''?)'
}

@test "bad schema (JSON): unused-attr.json" {
	bad unused-attr.json ':16: AttributeDefinitions[3]: '\''created_at'\'' is not used by any key of the table or its indexes (DynamoDB rejects unused definitions: define only key attributes)'
}

@test "bad schema (JSON): wrong-type.json" {
	bad wrong-type.json ':16: DeletionProtectionEnabled: must be true or false'
}

@test "bad schema (JSON): zero-capacity.json" {
	bad zero-capacity.json ':51: ProvisionedThroughput.ReadCapacityUnits: must be an integer from 1 to 999999999999999'
}

@test "bad schemas: the EXPECTED list covers every fixture, JSON and Terraform, at least 20 kinds" {
	local listed files
	listed=$(grep -v '^#' "$BAD/EXPECTED" | cut -f1 | sort)
	files=$(cd "$BAD" && ls | grep -v '^EXPECTED$' | sort)
	assert_equal "$listed" "$files"
	(($(grep -c '\.json' <<<"$files") >= 20))
	(($(grep -c '\.tf' <<<"$files") >= 10))
}

@test "bad schemas: one bad file among good ones stops the load before anything is sent" {
	local ns dir=$BATS_TEST_TMPDIR/mixed
	ns=$(unique_ns)
	mkdir -p "$dir"
	cp schemas/cruddur-messages.json "$dir/a-good.json"
	cp "$BAD/dup-attr.json" "$dir/b-bad.json"
	run -65 "$DDB" schema-load --namespace "$ns" "$dir"
	assert_output --partial "$dir/b-bad.json:9: AttributeDefinitions[1].AttributeName: 'pk' is defined twice"
	run ddb_local DescribeTable '{"TableName":"'"$ns"'cruddur-messages"}'
	assert_failure
	assert_output --partial ResourceNotFoundException
}

@test "bad schemas: every invalid file is reported (in order, folders and files), then nothing is sent" {
	local ns dir=$BATS_TEST_TMPDIR/several
	ns=$(unique_ns)
	mkdir -p "$dir"
	cp schemas/cruddur-messages.json "$dir/a-good.json"
	cp "$BAD/dup-attr.json" "$dir/b-bad.json"
	cp "$BAD/tf-dup-arg.tf" "$dir/c-bad.tf"
	run -65 --separate-stderr "$DDB" schema-load --namespace "$ns" "$dir" "$BAD/bad-billing.json"
	assert_output ""
	assert_equal "${#stderr_lines[@]}" 4
	assert_equal "${stderr_lines[0]}" "ddb: schema-load: $dir/b-bad.json:9: AttributeDefinitions[1].AttributeName: 'pk' is defined twice"
	assert_equal "${stderr_lines[1]}" "ddb: schema-load: $dir/c-bad.tf:5: attribute 'name' defined twice (first at line 2)"
	assert_equal "${stderr_lines[2]}" "ddb: schema-load: $BAD/bad-billing.json:49: BillingMode: 'ON_DEMAND' is not one of PROVISIONED, PAY_PER_REQUEST"
	assert_equal "${stderr_lines[3]}" "ddb: schema-load: 3 schema files are invalid: nothing was sent"
	run ddb_local DescribeTable '{"TableName":"'"$ns"'cruddur-messages"}'
	assert_failure
	assert_output --partial ResourceNotFoundException
	# a missing path is reported with the rest (its own exit code when it is the last failure)
	run -66 --separate-stderr "$DDB" schema-load --namespace "$ns" "$BAD/bad-billing.json" "$BATS_TEST_TMPDIR/nope.json"
	assert_equal "${#stderr_lines[@]}" 3
	[[ ${stderr_lines[1]} == *"nope.json: no such file or folder" ]]
}

@test "bad schemas: an unset Terraform variable works once given with --var" {
	local ns
	ns=$(unique_ns)
	run -65 "$DDB" schema-load --namespace "$ns" --plan "$BAD/tf-var-unset.tf"
	assert_output --partial "tf-var-unset.tf:6: aws_dynamodb_table.t: 'name': variable 'table_name' has no value"
	run -2 "$DDB" schema-load --namespace "$ns" --plan --var table_name=from-var "$BAD/tf-var-unset.tf"
	assert_line "from-var: would create"
	run -64 "$DDB" schema-load --plan --var 'not an assignment' "$BAD/tf-var-unset.tf"
	assert_line "ddb: schema-load: --var 'not an assignment': expected NAME=VALUE"
	run -64 "$DDB" schema-load --plan --var '1x=3' "$BAD/tf-var-unset.tf"
	assert_line "ddb: schema-load: --var '1x=3': '1x' is not a variable name"
}

@test "bad schemas: a missing file is exit 66, an empty folder too" {
	run -66 "$DDB" schema-load "$BATS_TEST_TMPDIR/nope.json"
	assert_output --partial "nope.json"
	mkdir -p "$BATS_TEST_TMPDIR/empty"
	run -66 "$DDB" schema-load "$BATS_TEST_TMPDIR/empty"
	assert_output --partial "no schemas"
}

@test "bad schemas: a namespace that makes a table name illegal is a usage error" {
	run -64 "$DDB" schema-load --plan --namespace "$(printf 'n%.0s' {1..250})" schemas/cruddur-messages.json
	assert_output --partial "is not a legal table name"
}
