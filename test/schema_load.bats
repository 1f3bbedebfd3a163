#!/usr/bin/env bats
# schema_load.bats — ddb schema-load: create, idempotence, new GSIs, --plan drift codes, key changes and --recreate,
# --no-wait, TTL / PITR / tags, namespaces, Terraform, output modes.  Every table carries a unique_ns prefix.

load test_helper

REF=schemas/cruddur-messages.json

# schema NAME [JQ-FILTER]: write the reference schema (through a jq filter) to $BATS_TEST_TMPDIR/s/NAME.json.
schema() {
	mkdir -p "$BATS_TEST_TMPDIR/s"
	jq "${2:-.}" "$REF" >"$BATS_TEST_TMPDIR/s/$1.json"
}

# live TABLE-WIRE-NAME: DescribeTable's Table object on the current engine.
live() {
	ddb_local DescribeTable '{"TableName":"'"$1"'"}' | jq -c .Table
}

ADD_GSI='.AttributeDefinitions += [{"AttributeName":"created_at","AttributeType":"S"}]
	| .GlobalSecondaryIndexes += [{"IndexName":"by-date","KeySchema":[{"AttributeName":"created_at","KeyType":"HASH"}],
	   "Projection":{"ProjectionType":"KEYS_ONLY"},"ProvisionedThroughput":{"ReadCapacityUnits":1,"WriteCapacityUnits":1}}]'

create_twice() {
	local ns
	ns=$(unique_ns)
	schema cruddur-messages
	run -0 "$DDB" schema-load --namespace "$ns" "$BATS_TEST_TMPDIR/s"
	assert_line "cruddur-messages: created"
	assert_line "  + create table (pk HASH, sk RANGE; 1 GSI; PROVISIONED)"
	run -0 live "${ns}cruddur-messages"
	run -0 jq -e '.TableStatus == "ACTIVE" and .GlobalSecondaryIndexes[0].IndexStatus == "ACTIVE"
		and (.KeySchema | map(.AttributeName) == ["pk","sk"])
		and .ProvisionedThroughput.ReadCapacityUnits == 5' <<<"$output"
	run -0 "$DDB" schema-load --namespace "$ns" "$BATS_TEST_TMPDIR/s"
	assert_output "cruddur-messages: up to date"
	run -0 "$DDB" schema-load --namespace "$ns" --plan "$BATS_TEST_TMPDIR/s"
	assert_output "cruddur-messages: up to date"
}

@test "schema-load: twice is one create and one 'up to date' (DynamoDB Local and dynalite)" {
	on_both_engines create_twice
}

@test "schema-load: default path is schemas/, without its examples subfolder" {
	local ns
	ns=$(unique_ns)
	mkdir -p "$BATS_TEST_TMPDIR/proj/schemas/examples"
	cp "$REF" "$BATS_TEST_TMPDIR/proj/schemas/"
	sed 's/"cruddur-messages"/"other-table"/' schemas/examples/cruddur-messages.tf >"$BATS_TEST_TMPDIR/proj/schemas/examples/x.tf"
	cd "$BATS_TEST_TMPDIR/proj"
	run -0 "$DDB" schema-load --namespace "$ns" -q
	assert_output "cruddur-messages: created
  + create table (pk HASH, sk RANGE; 1 GSI; PROVISIONED)"
	run -0 "$DDB" list-tables --namespace "$ns"
	assert_output "cruddur-messages"
}

@test "schema-load: the Terraform example describes the same table as the JSON schema" {
	local ns
	ns=$(unique_ns)
	run -0 "$DDB" schema-load --namespace "$ns" schemas/examples/cruddur-messages.tf
	assert_line "cruddur-messages: created"
	run -0 "$DDB" schema-load --namespace "$ns" --plan "$REF"
	assert_output "cruddur-messages: up to date"
}

@test "schema-load: Terraform variables with --var" {
	local ns
	ns=$(unique_ns)
	run -0 "$DDB" schema-load --namespace "$ns" --var env=ci test/data/schemas/good/vars.tf
	assert_line "ci-messages: created"
	run -0 live "${ns}ci-messages"
	run -0 jq -e '.BillingModeSummary.BillingMode == "PAY_PER_REQUEST"' <<<"$output"
}

# A Terraform file as teams write it: a backend, a provider, variables (one without a default that no table uses),
# locals, data sources, other resources (jsonencode, interpolations, heredocs), a module, outputs, lifecycle, and
# two tables with ttl / point_in_time_recovery / stream / tags / GSI / LSI / server_side_encryption blocks.
realistic_tf() {
	mkdir -p "$BATS_TEST_TMPDIR/tf"
	cat >"$BATS_TEST_TMPDIR/tf/main.tf" <<'EOF'
terraform {
  required_version = ">= 1.5"
  backend "s3" {
    bucket = "tf-state"
    key    = "cruddur/dynamodb.tfstate"
  }
}

provider "aws" {
  region = var.region
  default_tags {
    tags = { ManagedBy = "terraform" }
  }
}

variable "region" {
  type    = string
  default = "us-east-1"
}

variable "env" {
  type    = string
  default = "dev"
}

variable "project" {
  type        = string
  description = "no default, and no table needs it"
}

variable "read_capacity" {
  type    = number
  default = 5
}

locals {
  prefix      = "${var.project}-${var.env}"
  common_tags = { project = var.project, env = var.env }
}

data "aws_caller_identity" "current" {}

resource "aws_kms_key" "dynamo" {
  description = "dynamodb"
  policy = jsonencode({
    Statement = [{
      Principal = { AWS = "arn:aws:iam::${data.aws_caller_identity.current.account_id}:root" }
      Action    = "kms:*"
    }]
  })
}

resource "aws_dynamodb_table" "users" {
  name         = "users-${var.env}"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "user_id"

  attribute {
    name = "user_id"
    type = "S"
  }
  attribute {
    name = "email"
    type = "S"
  }

  global_secondary_index {
    name            = "by-email"
    hash_key        = "email"
    projection_type = "KEYS_ONLY"
  }

  ttl {
    attribute_name = "expires_at"
    enabled        = true
  }

  point_in_time_recovery {
    enabled = true
  }

  stream_enabled   = true
  stream_view_type = "NEW_AND_OLD_IMAGES"

  tags = {
    project = "cruddur"
    env     = var.env
  }

  lifecycle {
    prevent_destroy = true
    ignore_changes  = [read_capacity, write_capacity]
  }
}

resource "aws_dynamodb_table" "events" {
  name           = "events"
  billing_mode   = "PROVISIONED"
  read_capacity  = var.read_capacity
  write_capacity = 5
  hash_key       = "pk"
  range_key      = "ts"

  attribute {
    name = "pk"
    type = "S"
  }
  attribute {
    name = "ts"
    type = "N"
  }
  attribute {
    name = "kind"
    type = "S"
  }

  local_secondary_index {
    name               = "by-kind"
    range_key          = "kind"
    projection_type    = "INCLUDE"
    non_key_attributes = ["payload", "actor"]
  }

  server_side_encryption {
    enabled = true
  }
}

resource "aws_iam_role" "app" {
  name               = "app-${var.env}"
  assume_role_policy = <<-EOT
    {"Version": "2012-10-17"}
    EOT
}

module "vpc" {
  source = "terraform-aws-modules/vpc/aws"
  cidr   = "10.0.0.0/16"
}

output "users_arn" {
  value = aws_dynamodb_table.users.arn
}
EOF
}

@test "schema-load: a realistic Terraform file (variables, locals, other resources; ttl, pitr, stream, tags, LSI)" {
	local ns
	ns=$(unique_ns)
	realistic_tf
	run -2 "$DDB" schema-load --namespace "$ns" --plan "$BATS_TEST_TMPDIR/tf"
	assert_line "users-dev: would create"
	assert_line "  + create table (user_id HASH; 1 GSI; PAY_PER_REQUEST), then ttl expires_at, then point-in-time recovery"
	assert_line "events: would create"
	assert_line "  + create table (pk HASH, ts RANGE; 1 LSI; PROVISIONED)"
	run -0 "$DDB" schema-load --namespace "$ns" "$BATS_TEST_TMPDIR/tf"
	assert_line "users-dev: created"
	assert_line "events: created"
	assert_line "  ~ ttl off -> expires_at"
	run -0 live "${ns}users-dev"
	run -0 jq -c '{b: .BillingModeSummary.BillingMode, s: .StreamSpecification, g: [.GlobalSecondaryIndexes[]
		| {n: .IndexName, k: .KeySchema, p: .Projection.ProjectionType}]}' <<<"$output"
	json_eq "$output" '{"b":"PAY_PER_REQUEST","s":{"StreamEnabled":true,"StreamViewType":"NEW_AND_OLD_IMAGES"},
		"g":[{"n":"by-email","k":[{"AttributeName":"email","KeyType":"HASH"}],"p":"KEYS_ONLY"}]}'
	run -0 ddb_local DescribeTimeToLive '{"TableName":"'"$ns"'users-dev"}'
	json_eq "$output" '{"TimeToLiveDescription":{"TimeToLiveStatus":"ENABLED","AttributeName":"expires_at"}}'
	run -0 live "${ns}events"
	run -0 jq -c '{t: .ProvisionedThroughput | {ReadCapacityUnits, WriteCapacityUnits},
		a: (.AttributeDefinitions | sort_by(.AttributeName)), l: [.LocalSecondaryIndexes[] | {IndexName, KeySchema, Projection}]}' <<<"$output"
	json_eq "$output" '{"t":{"ReadCapacityUnits":5,"WriteCapacityUnits":5},
		"a":[{"AttributeName":"kind","AttributeType":"S"},{"AttributeName":"pk","AttributeType":"S"},{"AttributeName":"ts","AttributeType":"N"}],
		"l":[{"IndexName":"by-kind","KeySchema":[{"AttributeName":"pk","KeyType":"HASH"},{"AttributeName":"kind","KeyType":"RANGE"}],
			"Projection":{"ProjectionType":"INCLUDE","NonKeyAttributes":["payload","actor"]}}]}'
	# again: nothing to do; --var overrides a variable's default (drift on the plan, then applied)
	run -0 "$DDB" schema-load --namespace "$ns" "$BATS_TEST_TMPDIR/tf"
	assert_line "users-dev: up to date"
	assert_line "events: up to date"
	run -2 "$DDB" schema-load --namespace "$ns" --plan --var read_capacity=7 "$BATS_TEST_TMPDIR/tf"
	assert_line "events: 1 change"
	assert_line "  ~ throughput 5/5 -> 7/5"
	run -0 "$DDB" schema-load --namespace "$ns" --var read_capacity=7 "$BATS_TEST_TMPDIR/tf"
	assert_line "events: updated"
	run -0 live "${ns}events"
	run -0 jq .ProvisionedThroughput.ReadCapacityUnits <<<"$output"
	assert_output 7
	# --var env=ci names another table
	run -2 "$DDB" schema-load --namespace "$ns" --plan --var env=ci "$BATS_TEST_TMPDIR/tf"
	assert_line "users-ci: would create"
}

@test "schema-load: a Terraform value ddb cannot compute is an error naming file, line, resource and field" {
	realistic_tf
	local f=$BATS_TEST_TMPDIR/tf/main.tf
	sed -i 's|^  name         = "users-${var.env}"|  name         = local.prefix|' "$f"
	run -65 "$DDB" schema-load --plan "$f"
	assert_output "ddb: schema-load: $f:54: aws_dynamodb_table.users: 'name': 'local.prefix' is not supported here: a literal value is needed (var.NAME works with --var NAME=VALUE)"
	sed -i 's|^  name         = local.prefix|  name         = "${local.prefix}-users"|' "$f"
	run -65 "$DDB" schema-load --plan "$f"
	assert_output "ddb: schema-load: $f:54: aws_dynamodb_table.users: 'name': interpolation '\${local.prefix}' is not supported (only \${var.NAME} given with --var NAME=VALUE)"
	sed -i 's|^  name         = "${local.prefix}-users"|  name         = "${var.project}-users"|' "$f"
	run -65 "$DDB" schema-load --plan "$f"
	assert_output "ddb: schema-load: $f:54: aws_dynamodb_table.users: 'name': variable 'project' has no value (give it with --var project=VALUE)"
	run -2 "$DDB" schema-load --plan --var project=cruddur "$f"
	assert_line "cruddur-users: would create"
	sed -i 's|^  name         = "${var.project}-users"|  name         = var.env == "prod" ? "users" : "users-dev"|' "$f"
	run -65 "$DDB" schema-load --plan "$f"
	assert_output "ddb: schema-load: $f:54: aws_dynamodb_table.users: 'name': 'var.env == \"prod\" ? \"users\" : \"users-dev\"' is not supported here: a literal value is needed (var.NAME works with --var NAME=VALUE)"
}

@test "schema-load: a new GSI in the schema is added to the live table (DynamoDB Local)" {
	local ns
	ns=$(unique_ns)
	schema cruddur-messages
	run -0 "$DDB" schema-load --namespace "$ns" "$BATS_TEST_TMPDIR/s"
	schema cruddur-messages "$ADD_GSI"
	run -2 "$DDB" schema-load --namespace "$ns" --plan "$BATS_TEST_TMPDIR/s"
	assert_output "cruddur-messages: 1 change
  + add GSI by-date (created_at HASH, KEYS_ONLY)"
	run -0 "$DDB" schema-load --namespace "$ns" "$BATS_TEST_TMPDIR/s"
	assert_line "cruddur-messages: updated"
	assert_line "  + add GSI by-date (created_at HASH, KEYS_ONLY)"
	run -0 live "${ns}cruddur-messages"
	run -0 jq -e '[.GlobalSecondaryIndexes[] | select(.IndexStatus == "ACTIVE") | .IndexName] | sort
		== ["by-date","message-group-sk-index"]' <<<"$output"
	run -0 "$DDB" schema-load --namespace "$ns" "$BATS_TEST_TMPDIR/s"
	assert_output "cruddur-messages: up to date"
}

@test "schema-load: two new GSIs are added one at a time" {
	local ns
	ns=$(unique_ns)
	schema t '.TableName = "two-gsi" | .GlobalSecondaryIndexes = [] | .AttributeDefinitions |= map(select(.AttributeName != "message_group_uuid")) | del(.GlobalSecondaryIndexes)'
	run -0 "$DDB" schema-load --namespace "$ns" "$BATS_TEST_TMPDIR/s"
	schema t '.TableName = "two-gsi" | '"$ADD_GSI"
	run -0 "$DDB" schema-load --namespace "$ns" "$BATS_TEST_TMPDIR/s"
	assert_line "  + add GSI message-group-sk-index (message_group_uuid HASH, sk RANGE, ALL)"
	assert_line "  + add GSI by-date (created_at HASH, KEYS_ONLY)"
	run -0 live "${ns}two-gsi"
	run -0 jq -e '[.GlobalSecondaryIndexes[].IndexStatus] == ["ACTIVE","ACTIVE"]' <<<"$output"
}

@test "schema-load: dynalite cannot add a GSI to an existing table: a clear error, exit 1" {
	local ns
	use_dynalite
	ns=$(unique_ns)
	schema cruddur-messages
	run -0 "$DDB" schema-load --namespace "$ns" "$BATS_TEST_TMPDIR/s"
	schema cruddur-messages "$ADD_GSI"
	run -1 "$DDB" schema-load --namespace "$ns" "$BATS_TEST_TMPDIR/s"
	assert_output --partial "cruddur-messages: the engine accepted UpdateTable but did not add GSI 'by-date'"
}

plan_codes() {
	local ns
	ns=$(unique_ns)
	schema cruddur-messages
	run -2 "$DDB" schema-load --namespace "$ns" --plan "$BATS_TEST_TMPDIR/s"
	assert_output "cruddur-messages: would create
  + create table (pk HASH, sk RANGE; 1 GSI; PROVISIONED)"
	run ddb_local DescribeTable '{"TableName":"'"$ns"'cruddur-messages"}'
	assert_failure
	run -0 "$DDB" schema-load --namespace "$ns" "$BATS_TEST_TMPDIR/s"
	run -0 "$DDB" schema-load --namespace "$ns" --plan "$BATS_TEST_TMPDIR/s"
	schema cruddur-messages '.ProvisionedThroughput.ReadCapacityUnits = 7'
	run -2 "$DDB" schema-load --namespace "$ns" --plan "$BATS_TEST_TMPDIR/s"
	assert_output "cruddur-messages: 1 change
  ~ throughput 5/5 -> 7/5"
	# --plan changed nothing
	run -0 live "${ns}cruddur-messages"
	run -0 jq -e '.ProvisionedThroughput.ReadCapacityUnits == 5' <<<"$output"
	run -0 "$DDB" schema-load --namespace "$ns" -q "$BATS_TEST_TMPDIR/s"
	assert_output "cruddur-messages: updated
  ~ throughput 5/5 -> 7/5"
	run -0 live "${ns}cruddur-messages"
	run -0 jq -e '.ProvisionedThroughput.ReadCapacityUnits == 7' <<<"$output"
	run -0 "$DDB" schema-load --namespace "$ns" --plan "$BATS_TEST_TMPDIR/s"
}

# What apply skips for the engine, --plan skips too (with the same warning): DynamoDB Local ignores TableClass,
# dynalite has no stream or TTL updates and no table class.
plan_engine_skips() {
	local ns skipped
	ns=$(unique_ns)
	schema cruddur-messages '.StreamSpecification = {"StreamEnabled":true,"StreamViewType":"NEW_IMAGE"}
		| .TimeToLiveSpecification = {"AttributeName":"expires_at","Enabled":true}
		| .TableClass = "STANDARD_INFREQUENT_ACCESS"'
	if [[ $DDB_TEST_ENGINE == dynalite ]]; then
		skipped=$'  ~ stream off -> NEW_IMAGE (not supported by this engine: skipped)\n  ~ ttl off -> expires_at (not supported by this engine: skipped)\n  ~ table class STANDARD -> STANDARD_INFREQUENT_ACCESS (not supported by this engine: skipped)'
	else
		skipped='  ~ table class STANDARD -> STANDARD_INFREQUENT_ACCESS (not supported by this engine: skipped)'
	fi
	run -0 --separate-stderr "$DDB" schema-load --namespace "$ns" "$BATS_TEST_TMPDIR/s"
	run -0 --separate-stderr "$DDB" schema-load --namespace "$ns" "$BATS_TEST_TMPDIR/s"
	assert_output "cruddur-messages: up to date as far as this engine supports
$skipped"
	local apply_warnings=$stderr
	[[ $apply_warnings == *"warning: cruddur-messages: the engine refused '~ table class STANDARD -> STANDARD_INFREQUENT_ACCESS' (this engine does not support it): not applied"* ]]
	# --plan agrees: exit 0, the same lines and the same warnings
	run -0 --separate-stderr "$DDB" schema-load --namespace "$ns" --plan "$BATS_TEST_TMPDIR/s"
	assert_output "cruddur-messages: up to date as far as this engine supports
$skipped"
	assert_equal "$stderr" "$apply_warnings"
	# a real change is still drift
	schema cruddur-messages '.TableClass = "STANDARD_INFREQUENT_ACCESS" | .ProvisionedThroughput.ReadCapacityUnits = 6'
	run -2 --separate-stderr "$DDB" schema-load --namespace "$ns" --plan "$BATS_TEST_TMPDIR/s"
	assert_line --index 0 "cruddur-messages: 1 change"
	assert_line "  ~ throughput 5/5 -> 6/5"
}

@test "schema-load --prune deletes live GSIs the schema lacks (in prod only with --yes); without it they are kept" {
	local ns
	ns=$(unique_ns)
	schema cruddur-messages "$ADD_GSI"
	run -0 "$DDB" schema-load -q --namespace "$ns" "$BATS_TEST_TMPDIR/s"
	schema cruddur-messages
	local kept='  - GSI by-date (created_at HASH, KEYS_ONLY) is live but not in the schema (kept; --prune deletes it)'
	run -0 "$DDB" schema-load -q --namespace "$ns" "$BATS_TEST_TMPDIR/s"
	assert_output "cruddur-messages: up to date
$kept"
	run -2 "$DDB" schema-load --namespace "$ns" --plan "$BATS_TEST_TMPDIR/s"
	assert_output "cruddur-messages: 1 change
$kept"
	run -2 "$DDB" schema-load --namespace "$ns" --plan --prune "$BATS_TEST_TMPDIR/s"
	assert_output "cruddur-messages: 1 change
  - GSI by-date (created_at HASH, KEYS_ONLY) would be deleted (--prune: not in the schema)"
	run -0 live "${ns}cruddur-messages"
	run -0 jq -c '[.GlobalSecondaryIndexes[].IndexName] | sort' <<<"$output"
	assert_output '["by-date","message-group-sk-index"]'
	# in prod, --prune needs --yes (the question names the table on the wire)
	AWS_REGION=us-east-1 AWS_ACCESS_KEY_ID=AKIDTEST AWS_SECRET_ACCESS_KEY=secret \
		run -64 --separate-stderr "$DDB" schema-load --prod --endpoint-url "$DDB_LOCAL_ENDPOINT" --namespace "$ns" --prune "$BATS_TEST_TMPDIR/s" </dev/null
	[[ $stderr == *"refusing to schema-load --prune (it deletes every live GSI the schema does not name) in prod without --yes"* ]]
	run -0 live "${ns}cruddur-messages"
	run -0 jq -c '[.GlobalSecondaryIndexes[].IndexName] | sort' <<<"$output"
	assert_output '["by-date","message-group-sk-index"]'
	run -0 "$DDB" schema-load -q --namespace "$ns" --prune "$BATS_TEST_TMPDIR/s"
	assert_output "cruddur-messages: updated
  - GSI by-date (created_at HASH, KEYS_ONLY) deleted (--prune: not in the schema)"
	run -0 live "${ns}cruddur-messages"
	run -0 jq -c '[.GlobalSecondaryIndexes[].IndexName]' <<<"$output"
	assert_output '["message-group-sk-index"]'
	run -0 "$DDB" schema-load --namespace "$ns" --plan --prune "$BATS_TEST_TMPDIR/s"
	assert_output "cruddur-messages: up to date"
}

@test "schema-load --plan skips what apply skips for the engine, with the same warning (both engines)" {
	on_both_engines plan_engine_skips
}

@test "schema-load --plan: exit 0 when the live table matches, 2 on drift, and changes nothing (both engines)" {
	on_both_engines plan_codes
}

@test "schema-load --plan -o json: one object per table with its changes" {
	local ns
	ns=$(unique_ns)
	schema cruddur-messages
	run -2 "$DDB" schema-load --namespace "$ns" --plan -o jsonl "$BATS_TEST_TMPDIR/s"
	json_eq "$output" '{"table":"cruddur-messages","result":"would create","changes":["+ create table (pk HASH, sk RANGE; 1 GSI; PROVISIONED)"]}'
	run -0 "$DDB" schema-load --namespace "$ns" -q "$BATS_TEST_TMPDIR/s"
	run -0 "$DDB" schema-load --namespace "$ns" --plan -o json "$BATS_TEST_TMPDIR/s"
	json_eq "$output" '[{"table":"cruddur-messages","result":"up to date","changes":[]}]'
}

@test "schema-load: a key-schema difference is exit 1 without --recreate; --recreate re-creates the table" {
	local ns
	ns=$(unique_ns)
	schema cruddur-messages
	run -0 "$DDB" schema-load --namespace "$ns" "$BATS_TEST_TMPDIR/s"
	ddb_local PutItem '{"TableName":"'"$ns"'cruddur-messages","Item":{"pk":{"S":"a"},"sk":{"S":"b"}}}' >/dev/null
	schema cruddur-messages '.KeySchema = [{"AttributeName":"pk","KeyType":"HASH"}]'
	run -2 "$DDB" schema-load --namespace "$ns" --plan "$BATS_TEST_TMPDIR/s"
	assert_line "  ! key schema differs: live pk HASH, sk RANGE; schema pk HASH (needs --recreate)"
	run -1 "$DDB" schema-load --namespace "$ns" "$BATS_TEST_TMPDIR/s"
	assert_line "cruddur-messages: cannot be changed in place"
	assert_output --partial "--recreate drops and re-creates it"
	run -0 live "${ns}cruddur-messages"
	run -0 jq -e '.KeySchema | length == 2' <<<"$output"
	run -64 "$DDB" schema-load --namespace "$ns" --plan --recreate "$BATS_TEST_TMPDIR/s"
	run -0 "$DDB" schema-load --namespace "$ns" --recreate "$BATS_TEST_TMPDIR/s"
	assert_line "cruddur-messages: re-created"
	assert_output --partial "its items are lost"
	run -0 live "${ns}cruddur-messages"
	run -0 jq -e '(.KeySchema | map(.AttributeName) == ["pk"]) and .ItemCount == 0 and .TableStatus == "ACTIVE"' <<<"$output"
	run -0 "$DDB" schema-load --namespace "$ns" "$BATS_TEST_TMPDIR/s"
	assert_output "cruddur-messages: up to date"
}

@test "schema-load --recreate in prod needs --yes (never prompts without a terminal)" {
	local ns
	ns=$(unique_ns)
	export AWS_REGION=us-east-1 AWS_ACCESS_KEY_ID=AKIDTEST AWS_SECRET_ACCESS_KEY=secret
	schema cruddur-messages
	run -0 "$DDB" schema-load --namespace "$ns" "$BATS_TEST_TMPDIR/s"
	schema cruddur-messages '.KeySchema = [{"AttributeName":"pk","KeyType":"HASH"}]'
	run -64 "$DDB" schema-load --prod --endpoint-url "$DDB_LOCAL_ENDPOINT" --namespace "$ns" --recreate "$BATS_TEST_TMPDIR/s" </dev/null
	assert_output "ddb: schema-load: refusing to schema-load --recreate (it drops and re-creates each table whose keys or LSIs differ: their items are lost) in prod without --yes"
	# without --recreate it is not destructive: no --yes needed, the key change is reported (1) and nothing dropped
	run -1 "$DDB" schema-load --prod --endpoint-url "$DDB_LOCAL_ENDPOINT" --namespace "$ns" "$BATS_TEST_TMPDIR/s" </dev/null
	refute_output --partial "without --yes"
	assert_output --partial "--recreate"
	run -0 live "${ns}cruddur-messages"
	run -0 jq -e '.KeySchema | length == 2' <<<"$output"
	run -0 "$DDB" schema-load --prod --endpoint-url "$DDB_LOCAL_ENDPOINT" --namespace "$ns" --recreate --yes "$BATS_TEST_TMPDIR/s" </dev/null
	assert_line "cruddur-messages: re-created"
	run -0 live "${ns}cruddur-messages"
	run -0 jq -e '.KeySchema | length == 1' <<<"$output"
}

@test "schema-load --no-wait returns while dynalite is still CREATING; wait --exists then sees ACTIVE" {
	local ns
	use_dynalite
	ns=$(unique_ns)
	schema cruddur-messages
	run -0 "$DDB" schema-load --namespace "$ns" --no-wait "$BATS_TEST_TMPDIR/s"
	assert_line "cruddur-messages: created (not waiting for ACTIVE)"
	run -0 live "${ns}cruddur-messages"
	run -0 jq -r .TableStatus <<<"$output"
	assert_output CREATING
	run -0 "$DDB" wait --namespace "$ns" cruddur-messages --exists --wait-timeout 30
	run -0 live "${ns}cruddur-messages"
	run -0 jq -r .TableStatus <<<"$output"
	assert_output ACTIVE
}

@test "schema-load: waits for dynalite's CREATING table before answering 'created'" {
	local ns
	use_dynalite
	ns=$(unique_ns)
	schema cruddur-messages
	run -0 "$DDB" schema-load --namespace "$ns" "$BATS_TEST_TMPDIR/s"
	run -0 live "${ns}cruddur-messages"
	run -0 jq -r .TableStatus <<<"$output"
	assert_output ACTIVE
}

@test "schema-load: TTL is applied after creation; PITR unsupported by DynamoDB Local is a warning" {
	local ns
	ns=$(unique_ns)
	schema cruddur-messages '.TimeToLiveSpecification = {"AttributeName":"expires_at","Enabled":true}
		| .PointInTimeRecoverySpecification = {"PointInTimeRecoveryEnabled":true}'
	run -0 "$DDB" schema-load --namespace "$ns" "$BATS_TEST_TMPDIR/s"
	assert_line "cruddur-messages: created"
	assert_line "  + create table (pk HASH, sk RANGE; 1 GSI; PROVISIONED), then ttl expires_at, then point-in-time recovery"
	assert_line "  ~ ttl off -> expires_at"
	assert_output --partial "warning: cruddur-messages: this engine does not support DescribeContinuousBackups"
	run -0 ddb_local DescribeTimeToLive '{"TableName":"'"$ns"'cruddur-messages"}'
	json_eq "$output" '{"TimeToLiveDescription":{"TimeToLiveStatus":"ENABLED","AttributeName":"expires_at"}}'
	run -0 "$DDB" schema-load --namespace "$ns" --plan "$BATS_TEST_TMPDIR/s"
	assert_line "cruddur-messages: up to date"
}

@test "schema-load: stream and throughput differences are updated in place" {
	local ns
	ns=$(unique_ns)
	schema cruddur-messages
	run -0 "$DDB" schema-load --namespace "$ns" "$BATS_TEST_TMPDIR/s"
	schema cruddur-messages '.StreamSpecification = {"StreamEnabled":true,"StreamViewType":"NEW_AND_OLD_IMAGES"}
		| .GlobalSecondaryIndexes[0].ProvisionedThroughput.WriteCapacityUnits = 3'
	run -0 "$DDB" schema-load --namespace "$ns" "$BATS_TEST_TMPDIR/s"
	assert_line "cruddur-messages: updated"
	assert_line "  ~ GSI message-group-sk-index throughput 5/5 -> 5/3"
	assert_line "  ~ stream off -> NEW_AND_OLD_IMAGES"
	run -0 live "${ns}cruddur-messages"
	run -0 jq -e '.StreamSpecification.StreamViewType == "NEW_AND_OLD_IMAGES"
		and .GlobalSecondaryIndexes[0].ProvisionedThroughput.WriteCapacityUnits == 3' <<<"$output"
}

@test "schema-load: tags from the schema plus --tag (dynalite, which has tagging)" {
	local ns arn
	use_dynalite
	ns=$(unique_ns)
	schema cruddur-messages '.Tags = [{"Key":"project","Value":"cruddur"},{"Key":"env","Value":"dev"}]'
	run -0 "$DDB" schema-load --namespace "$ns" --tag env=ci --tag owner=team-a "$BATS_TEST_TMPDIR/s"
	assert_line "cruddur-messages: created"
	arn=$(live "${ns}cruddur-messages" | jq -r .TableArn)
	run -0 ddb_local ListTagsOfResource '{"ResourceArn":"'"$arn"'"}'
	run -0 jq -c '.Tags | map({(.Key): .Value}) | add' <<<"$output"
	json_eq "$output" '{"project":"cruddur","env":"ci","owner":"team-a"}'
	run -0 "$DDB" schema-load --namespace "$ns" --tag env=ci --tag owner=team-a "$BATS_TEST_TMPDIR/s"
	assert_output "cruddur-messages: up to date"
	run -2 "$DDB" schema-load --namespace "$ns" --plan --tag env=prod "$BATS_TEST_TMPDIR/s"
	assert_line "  ~ tag env: ci -> prod"
	run -0 "$DDB" schema-load --namespace "$ns" --tag env=prod "$BATS_TEST_TMPDIR/s"
	assert_line "cruddur-messages: updated"
	run -0 ddb_local ListTagsOfResource '{"ResourceArn":"'"$arn"'"}'
	run -0 jq -r '.Tags[] | select(.Key == "env") | .Value' <<<"$output"
	assert_output prod
}

@test "schema-load: DynamoDB Local has no tagging: a warning, not a failure" {
	local ns
	ns=$(unique_ns)
	schema cruddur-messages
	run -0 "$DDB" schema-load --namespace "$ns" --tag env=ci "$BATS_TEST_TMPDIR/s"
	assert_line "cruddur-messages: created"
	assert_output --partial "warning: cruddur-messages: this engine does not support ListTagsOfResource: tags not checked"
	run -64 "$DDB" schema-load --namespace "$ns" --tag noequals "$BATS_TEST_TMPDIR/s"
	assert_output --partial "--tag 'noequals': expected KEY=VALUE"
}

@test "schema-load in prod warns when the 'project' or 'env' tag is missing" {
	local ns
	ns=$(unique_ns)
	export AWS_REGION=us-east-1 AWS_ACCESS_KEY_ID=AKIDTEST AWS_SECRET_ACCESS_KEY=secret
	schema cruddur-messages '.Tags = [{"Key":"project","Value":"cruddur"}]'
	run -2 "$DDB" schema-load --prod --endpoint-url "$DDB_LOCAL_ENDPOINT" --namespace "$ns" --plan "$BATS_TEST_TMPDIR/s"
	assert_output --partial "warning: cruddur-messages: no 'env' tag (add it to the schema's Tags or give --tag env=...)"
	refute_output --partial "no 'project' tag"
	run -2 "$DDB" schema-load --prod --endpoint-url "$DDB_LOCAL_ENDPOINT" --namespace "$ns" --plan --tag env=prod "$BATS_TEST_TMPDIR/s"
	refute_output --partial "warning"
	# not in local mode
	run -2 "$DDB" schema-load --namespace "$ns" --plan "$BATS_TEST_TMPDIR/s"
	refute_output --partial "tag"
}

@test "schema-load: the namespace is on the wire only; two namespaces hold independent tables" {
	local a b
	a=$(unique_ns)
	b=$(unique_ns)
	schema cruddur-messages
	run -0 "$DDB" schema-load --namespace "$a" "$BATS_TEST_TMPDIR/s"
	refute_output --partial "$a"
	DDB_NAMESPACE=$b run -0 "$DDB" schema-load "$BATS_TEST_TMPDIR/s"
	assert_line "cruddur-messages: created"
	run -0 live "${a}cruddur-messages"
	run -0 live "${b}cruddur-messages"
}

@test "schema-load: usage errors" {
	run -64 "$DDB" schema-load --plan --recreate "$REF"
	run -64 "$DDB" schema-load --wait-timeout abc "$REF"
	run -0 "$DDB" schema-load --help
	assert_output --partial "--recreate"
}

@test "schema-load right after drop --no-wait waits for the old table to go, then creates it (dynalite)" {
	local ns
	use_dynalite
	ns=$(unique_ns)
	schema cruddur-messages
	run -0 "$DDB" schema-load -q --namespace "$ns" "$BATS_TEST_TMPDIR/s"
	run -0 "$DDB" drop --namespace "$ns" --no-wait cruddur-messages
	run -0 "$DDB" schema-load --namespace "$ns" "$BATS_TEST_TMPDIR/s"
	assert_line "cruddur-messages: created"
	run -0 live "${ns}cruddur-messages"
	run -0 jq -r .TableStatus <<<"$output"
	assert_output ACTIVE
}

@test "schema-load on a terminal: each change is printed once (in the report), no progress note repeating it" {
	command -v script >/dev/null || skip "script(1) is not installed"
	local ns
	ns=$(unique_ns)
	schema cruddur-messages
	run -0 script -qec "'$DDB' schema-load --namespace '$ns' '$BATS_TEST_TMPDIR/s'" /dev/null
	refute_line --partial "creating"
	assert_equal "$(grep -c 'create table' <<<"$output")" 1
	assert_equal "$(grep -c 'cruddur-messages: created' <<<"$output")" 1
	# stdout redirected, stderr on the terminal: the progress notes are shown there
	run -0 script -qec "'$DDB' schema-load --namespace '${ns}x_' '$BATS_TEST_TMPDIR/s' >'$BATS_TEST_TMPDIR/out'" /dev/null
	assert_output --partial "cruddur-messages: creating"
	run -0 cat "$BATS_TEST_TMPDIR/out"
	assert_line "cruddur-messages: created"
}

# The reference table the new Terraform way: the GSI as its own resource (aws_dynamodb_global_secondary_index),
# and lifecycle ignore_changes as under autoscaling.  $1 $2: the table's read and write capacity.
new_way_tf() {
	mkdir -p "$BATS_TEST_TMPDIR/tf"
	cat >"$BATS_TEST_TMPDIR/tf/main.tf" <<EOF2
resource "aws_dynamodb_table" "messages" {
  name           = "cruddur-messages"
  read_capacity  = $1
  write_capacity = $2
  hash_key       = "pk"
  range_key      = "sk"

  attribute {
    name = "pk"
    type = "S"
  }
  attribute {
    name = "sk"
    type = "S"
  }

  lifecycle {
    ignore_changes = [read_capacity, warm_throughput, not_an_argument]
  }
}

resource "aws_dynamodb_global_secondary_index" "by_group" {
  table_name = aws_dynamodb_table.messages.name
  index_name = "message-group-sk-index"

  key_schema {
    attribute_name = "message_group_uuid"
    attribute_type = "S"
    key_type       = "HASH"
  }
  key_schema {
    attribute_name = "sk"
    attribute_type = "S"
    key_type       = "RANGE"
  }
  projection {
    projection_type = "ALL"
  }
  provisioned_throughput {
    read_capacity_units  = 5
    write_capacity_units = 5
  }
}
EOF2
}

tf_new_way() {
	local ns f=$BATS_TEST_TMPDIR/tf/main.tf
	ns=$(unique_ns)
	new_way_tf 5 5
	run -2 --separate-stderr "$DDB" schema-load --namespace "$ns" --plan "$BATS_TEST_TMPDIR/tf"
	assert_output "cruddur-messages: would create
  + create table (pk HASH, sk RANGE; 1 GSI; PROVISIONED)"
	[[ $stderr == *"warning: $f:18: aws_dynamodb_table.messages: ignore_changes: unknown argument 'not_an_argument' (ignored)"* ]]
	run -0 --separate-stderr "$DDB" schema-load --namespace "$ns" -q "$BATS_TEST_TMPDIR/tf"
	assert_output "cruddur-messages: created
  + create table (pk HASH, sk RANGE; 1 GSI; PROVISIONED)"
	# the same table as the JSON schema, GSI and its attribute definition included
	run -0 --separate-stderr "$DDB" schema-load --namespace "$ns" --plan "$REF"
	assert_output "cruddur-messages: up to date"
	run -0 --separate-stderr "$DDB" schema-load --namespace "$ns" --plan "$BATS_TEST_TMPDIR/tf"
	# read_capacity is in ignore_changes: not drift, and apply leaves the live value alone
	new_way_tf 9 5
	run -0 --separate-stderr "$DDB" schema-load --namespace "$ns" --plan "$BATS_TEST_TMPDIR/tf"
	assert_output "cruddur-messages: up to date"
	run -0 --separate-stderr "$DDB" schema-load --namespace "$ns" "$BATS_TEST_TMPDIR/tf"
	assert_output "cruddur-messages: up to date"
	run -0 live "${ns}cruddur-messages"
	run -0 jq -c '.ProvisionedThroughput | [.ReadCapacityUnits, .WriteCapacityUnits]' <<<"$output"
	assert_output "[5,5]"
	# write_capacity is not
	new_way_tf 9 7
	run -2 --separate-stderr "$DDB" schema-load --namespace "$ns" --plan "$BATS_TEST_TMPDIR/tf"
	assert_output "cruddur-messages: 1 change
  ~ throughput 5/5 -> 5/7"
	# ignore_changes = all: nothing updatable is drift
	sed -i 's/ignore_changes = \[.*\]/ignore_changes = all/' "$f"
	run -0 --separate-stderr "$DDB" schema-load --namespace "$ns" --plan "$BATS_TEST_TMPDIR/tf"
	assert_output "cruddur-messages: up to date"
}

@test "schema-load: Terraform's standalone GSI resource and lifecycle ignore_changes (both engines)" {
	on_both_engines tf_new_way
}

@test "schema-load: a Terraform GSI resource naming no table of its file is an error naming file:line" {
	local f=$BATS_TEST_TMPDIR/tf/main.tf
	new_way_tf 5 5
	sed -i 's/aws_dynamodb_table.messages.name/aws_dynamodb_table.nope.name/' "$f"
	run -65 "$DDB" schema-load --plan "$BATS_TEST_TMPDIR/tf"
	assert_output --partial "$f:23: aws_dynamodb_global_secondary_index.by_group: 'table_name': no resource aws_dynamodb_table.nope in this file (or its folder's .tf files)"
}

@test "schema-load: a Terraform GSI resource may name a table of another .tf file of its folder (one module)" {
	local d=$BATS_TEST_TMPDIR/tf ns
	ns=$(unique_ns)
	new_way_tf 5 5
	# the GSI resource moves to indexes.tf (it sorts before main.tf: the order of files does not matter)
	sed -n '/^resource "aws_dynamodb_global_secondary_index"/,$p' "$d/main.tf" >"$d/indexes.tf"
	sed -i '/^resource "aws_dynamodb_global_secondary_index"/,$d' "$d/main.tf"
	sed -i 's/, not_an_argument//' "$d/main.tf"
	run -0 --separate-stderr "$DDB" schema-load --namespace "$ns" -q "$d"
	assert_output "cruddur-messages: created
  + create table (pk HASH, sk RANGE; 1 GSI; PROVISIONED)"
	run -0 --separate-stderr "$DDB" schema-load --namespace "$ns" --plan "$REF"
	assert_output "cruddur-messages: up to date"
	# a .tf file given by name stands alone: its GSI names no table of its own
	run -65 "$DDB" schema-load --namespace "$ns" --plan "$d/indexes.tf"
	assert_output --partial "$d/indexes.tf:2: aws_dynamodb_global_secondary_index.by_group: 'table_name': no resource aws_dynamodb_table.messages in this file"
	# the same table twice across the module's files names both places
	cp "$d/main.tf" "$d/other.tf"
	run -65 "$DDB" schema-load --namespace "$ns" --plan "$d"
	assert_output --partial "$d/other.tf:1: aws_dynamodb_table.messages: defined twice (first at $d/main.tf:1)"
}

@test "schema-load: lifecycle ignore_changes = [tags] leaves a live table's tags alone (dynalite, which has tagging)" {
	local ns arn f=$BATS_TEST_TMPDIR/tf/main.tf
	use_dynalite
	ns=$(unique_ns)
	new_way_tf 5 5
	sed -i 's/^  lifecycle {/  tags = {\n    env = "dev"\n  }\n\n  lifecycle {/; s/ignore_changes = \[.*\]/ignore_changes = [tags]/' "$f"
	run -0 "$DDB" schema-load --namespace "$ns" "$BATS_TEST_TMPDIR/tf"
	assert_line "cruddur-messages: created"
	# ignore_changes is about updates: the new table got its tags
	arn=$(live "${ns}cruddur-messages" | jq -r .TableArn)
	run -0 ddb_local ListTagsOfResource '{"ResourceArn":"'"$arn"'"}'
	run -0 jq -c '.Tags' <<<"$output"
	json_eq "$output" '[{"Key":"env","Value":"dev"}]'
	sed -i 's/env = "dev"/env = "prod"/' "$f"
	run -0 "$DDB" schema-load --namespace "$ns" --plan "$BATS_TEST_TMPDIR/tf"
	assert_output "cruddur-messages: up to date"
	sed -i 's/ignore_changes = \[tags\]/ignore_changes = [read_capacity]/' "$f"
	run -2 "$DDB" schema-load --namespace "$ns" --plan "$BATS_TEST_TMPDIR/tf"
	assert_line "  ~ tag env: dev -> prod"
}
