#!/usr/bin/env bats
# vpc_endpoint.bats — ddb vpc-endpoint create|list|delete against test/standins/ec2_standin.py, a strict EC2 Query
# API stand-in that verifies every request's SigV4 signature (botocore), keeps VPCs, route tables and endpoints,
# pages every Describe at 2 items (pages may be empty and still carry a nextToken), and answers in EC2's XML.

load test_helper

PY=/usr/bin/python3

setup_file() {
	local pf=$BATS_FILE_TMPDIR/ec2.url i
	"$PY" "$DDB_TEST_ROOT/test/standins/ec2_standin.py" --port-file "$pf" --page-size 2 --owner $$ \
		</dev/null >"$BATS_FILE_TMPDIR/ec2.log" 2>&1 3>&- &
	export DDB_TEST_EC2_PID=$!
	for ((i = 0; i < 150; i++)); do
		[[ -s $pf ]] && break
		sleep 0.1
	done
	[[ -s $pf ]] || { echo "ec2 stand-in did not start:" >&2; cat "$BATS_FILE_TMPDIR/ec2.log" >&2; return 1; }
	DDB_TEST_EC2_URL=$(<"$pf")
	export DDB_TEST_EC2_URL
}

teardown_file() {
	[[ -z ${DDB_TEST_EC2_PID-} ]] || kill "$DDB_TEST_EC2_PID" 2>/dev/null || true
}

setup() {
	curl -sSf -X POST "$DDB_TEST_EC2_URL/_standin/reset" >/dev/null
	export AWS_ENDPOINT_URL_EC2=$DDB_TEST_EC2_URL AWS_REGION=us-east-1 \
		AWS_ACCESS_KEY_ID=AKIDDDBEC2FULL AWS_SECRET_ACCESS_KEY=ec2-standin-full-secret
	SVC=com.amazonaws.us-east-1.dynamodb
}

# ---- helpers ----------------------------------------------------------------------------------------------------
ec2_state() { curl -sSf "$DDB_TEST_EC2_URL/_standin/state"; }
ec2_requests() { curl -sSf "$DDB_TEST_EC2_URL/_standin/requests"; }
# ids of the region's VPCs and route tables: default VPC, its main and extra table; the other VPC, its main and extra.
vpc_default() { ec2_state | jq -r '."us-east-1".vpcs[] | select(.default) | .id'; }
vpc_other() { ec2_state | jq -r '."us-east-1".vpcs[] | select(.default | not) | .id'; }
rtb() { # VPC main|extra
	ec2_state | jq -r --arg v "$1" --argjson m "$([[ $2 == main ]] && echo true || echo false)" \
		'."us-east-1".route_tables[] | select(.vpc == $v and .main == $m) | .id'
}
live_endpoints() { ec2_state | jq -c '[."us-east-1".endpoints[] | select(.state != "deleted")]'; }
count_action() { ec2_requests | jq --arg a "$1" '[.[] | select(.action == $a)] | length'; }
# Warm the region up so ids exist before a test reads them.
warm() { curl -sSf -X POST "$DDB_TEST_EC2_URL/_standin/add-endpoints" -d '{"n":0}' >/dev/null; }

# ---- create -----------------------------------------------------------------------------------------------------
@test "vpc-endpoint create: the default VPC's main route table, then 'already exists' the second time" {
	warm
	local vpc main
	vpc=$(vpc_default)
	main=$(rtb "$vpc" main)

	run --separate-stderr -0 "$DDB" vpc-endpoint create
	assert_equal "$(jq -r .VpcId <<<"$output")" "$vpc"
	assert_equal "$(jq -c .RouteTableIds <<<"$output")" "[\"$main\"]"
	assert_equal "$(jq -r .ServiceName <<<"$output")" "$SVC"
	[[ $stderr == *"created endpoint vpce-"* ]]
	local id
	id=$(jq -r .VpcEndpointId <<<"$output")

	run --separate-stderr -0 "$DDB" vpc-endpoint create
	assert_equal "$(jq -r .VpcEndpointId <<<"$output")" "$id"
	[[ $stderr == *"endpoint $id for $SVC already exists in $vpc"* ]]

	# One endpoint, one CreateVpcEndpoint, and the request had the documented shape.
	assert_equal "$(live_endpoints | jq length)" 1
	assert_equal "$(count_action CreateVpcEndpoint)" 1
	run -0 jq -e --arg vpc "$vpc" --arg rt "$main" --arg svc "$SVC" '
		[.[] | select(.action == "CreateVpcEndpoint")][0].params
		| .VpcEndpointType == "Gateway" and .VpcId == $vpc and .ServiceName == $svc and ."RouteTableId.1" == $rt
		  and (has("RouteTableId.2") | not) and (.ClientToken | test("^ddb-[0-9a-f]{32}$"))
		  and (.PolicyDocument | fromjson) == {"Version":"2008-10-17","Statement":[{"Effect":"Allow",
		      "Principal":"*","Action":"*","Resource":"*"}]}
		  and .Version == "2016-11-15" and (has("DryRun") | not)' < <(ec2_requests)
	# The lookups used the documented filters.
	run -0 jq -e '[.[] | select(.action == "DescribeVpcs")][0].params
		| ."Filter.1.Name" == "is-default" and ."Filter.1.Value.1" == "true"' < <(ec2_requests)
	run -0 jq -e --arg vpc "$vpc" '[.[] | select(.action == "DescribeRouteTables")][0].params
		| ."Filter.1.Name" == "vpc-id" and ."Filter.1.Value.1" == $vpc
		  and ."Filter.2.Name" == "association.main" and ."Filter.2.Value.1" == "true"' < <(ec2_requests)
	run -0 jq -e --arg vpc "$vpc" --arg svc "$SVC" '[.[] | select(.action == "DescribeVpcEndpoints")][0].params
		| ."Filter.1.Name" == "service-name" and ."Filter.1.Value.1" == $svc
		  and ."Filter.2.Name" == "vpc-id" and ."Filter.2.Value.1" == $vpc' < <(ec2_requests)
}

@test "vpc-endpoint create: the link name create-vpc-endpoint does the same" {
	run --separate-stderr -0 "$(ddb_link create-vpc-endpoint)"
	assert_equal "$(live_endpoints | jq length)" 1
	run --separate-stderr -0 "$(ddb_link create-vpc-endpoint)"
	assert_equal "$(live_endpoints | jq length)" 1
}

@test "vpc-endpoint create: a new --route-table-id is added to the existing endpoint with ModifyVpcEndpoint" {
	warm
	local vpc main extra id
	vpc=$(vpc_default)
	main=$(rtb "$vpc" main)
	extra=$(rtb "$vpc" extra)
	run --separate-stderr -0 "$DDB" vpc-endpoint create
	id=$(jq -r .VpcEndpointId <<<"$output")

	run --separate-stderr -0 "$DDB" vpc-endpoint create --route-table-id "$main" --route-table-id "$extra"
	[[ $stderr == *"already exists in $vpc; added $extra"* ]]
	assert_equal "$(jq -c .RouteTableIds <<<"$output")" "[\"$main\",\"$extra\"]"
	run -0 jq -e --arg id "$id" --arg rt "$extra" '[.[] | select(.action == "ModifyVpcEndpoint")]
		| length == 1 and (.[0].params | .VpcEndpointId == $id and ."AddRouteTableId.1" == $rt
		                   and (has("AddRouteTableId.2") | not))' < <(ec2_requests)
	run -0 jq -e --arg id "$id" --arg m "$main" --arg x "$extra" '[."us-east-1".endpoints[] | select(.state != "deleted")]
		| length == 1 and .[0].id == $id and .[0].route_tables == [$m, $x]' < <(ec2_state)
	# And the stand-in's route tables now route the prefix list through it.
	run -0 jq -e --arg id "$id" --arg x "$extra" '."us-east-1".route_tables[] | select(.id == $x) | .routes[0][1] == $id' \
		< <(ec2_state)

	# Nothing left to add: no more Modify calls.
	run --separate-stderr -0 "$DDB" vpc-endpoint create --route-table-id "$extra"
	assert_equal "$(count_action ModifyVpcEndpoint)" 1
	assert_equal "$(count_action CreateVpcEndpoint)" 1
}

@test "vpc-endpoint create: the same --policy again (spelt differently) changes nothing" {
	warm
	local vpc
	vpc=$(vpc_default)
	printf '{"Statement":[{"Effect":"Allow","Principal":"*","Action":"dynamodb:*","Resource":"*"}]}' \
		>"$BATS_TEST_TMPDIR/p1.json"
	run --separate-stderr -0 "$DDB" vpc-endpoint create --policy "$BATS_TEST_TMPDIR/p1.json"
	printf '{ "Statement": [ { "Resource": "*", "Action": "dynamodb:*",\n "Principal": "*", "Effect": "Allow" } ] }\n' \
		>"$BATS_TEST_TMPDIR/p2.json"
	run --separate-stderr -0 "$DDB" vpc-endpoint create --policy "$BATS_TEST_TMPDIR/p2.json"
	[[ $stderr == *"already exists in $vpc (available); nothing to do"* ]]
	assert_equal "$(count_action ModifyVpcEndpoint)" 0
	assert_equal "$(count_action CreateVpcEndpoint)" 1
}

@test "vpc-endpoint create: a route table another DynamoDB endpoint of the VPC already routes is not added again" {
	warm
	local vpc main extra a b
	vpc=$(vpc_default)
	main=$(rtb "$vpc" main)
	extra=$(rtb "$vpc" extra)
	a=$(curl -sSf -X POST "$DDB_TEST_EC2_URL/_standin/add-endpoints" -d '{"n":1}' | jq -r '.[0]')
	b=$(curl -sSf -X POST "$DDB_TEST_EC2_URL/_standin/add-endpoints" -d "{\"n\":1,\"route_tables\":[\"$main\"]}" |
		jq -r '.[0]')
	# EC2 refuses a second route to the prefix list (RouteAlreadyExists): the main table is left as it is.
	run --separate-stderr -0 "$DDB" vpc-endpoint create
	[[ $stderr == *"endpoint $a for $SVC already exists in $vpc (available); nothing to do"* ]]
	assert_equal "$(count_action ModifyVpcEndpoint)" 0
	# A table nobody routes yet goes to the endpoint reported.
	run --separate-stderr -0 "$DDB" vpc-endpoint create --route-table-id "$main" --route-table-id "$extra"
	run -0 jq -e --arg a "$a" --arg x "$extra" '[.[] | select(.action == "ModifyVpcEndpoint")] | length == 1
		and (.[0].params | .VpcEndpointId == $a and ."AddRouteTableId.1" == $x and (has("AddRouteTableId.2") | not))' \
		< <(ec2_requests)
	run -0 jq -e --arg b "$b" --arg m "$main" '."us-east-1".endpoints[] | select(.id == $b) | .route_tables == [$m]' \
		< <(ec2_state)
}

@test "vpc-endpoint create: --vpc-id, several route tables, --policy FILE and --tag" {
	warm
	local vpc main extra
	vpc=$(vpc_other)
	main=$(rtb "$vpc" main)
	extra=$(rtb "$vpc" extra)
	cat >"$BATS_TEST_TMPDIR/policy.json" <<-'EOF'
		{"Statement": [{"Effect": "Allow", "Principal": "*", "Action": ["dynamodb:GetItem", "dynamodb:Query"],
		  "Resource": "arn:aws:dynamodb:us-east-1:111122223333:table/messages"}]}
	EOF
	run --separate-stderr -0 "$DDB" vpc-endpoint create --vpc-id "$vpc" --route-table-id "$main" --route-table-id "$extra" \
		--policy "$BATS_TEST_TMPDIR/policy.json" --tag Name=ddb-gateway --tag team=cruddur
	assert_equal "$(jq -r .VpcId <<<"$output")" "$vpc"
	json_eq "$(jq -c .Tags <<<"$output")" '{"Name":"ddb-gateway","team":"cruddur"}'
	json_eq "$(jq -r .PolicyDocument <<<"$output")" "$(cat "$BATS_TEST_TMPDIR/policy.json")"
	run -0 jq -e --arg m "$main" --arg x "$extra" '[.[] | select(.action == "CreateVpcEndpoint")][0].params
		| ."RouteTableId.1" == $m and ."RouteTableId.2" == $x
		  and ."TagSpecification.1.ResourceType" == "vpc-endpoint"
		  and ."TagSpecification.1.Tag.1.Key" == "Name" and ."TagSpecification.1.Tag.1.Value" == "ddb-gateway"
		  and ."TagSpecification.1.Tag.2.Key" == "team" and ."TagSpecification.1.Tag.2.Value" == "cruddur"' \
		< <(ec2_requests)
	# The default VPC was not looked up: --vpc-id was checked by id.
	run -0 jq -e --arg v "$vpc" '[.[] | select(.action == "DescribeVpcs")][0].params | ."VpcId.1" == $v
		and (has("Filter.1.Name") | not)' < <(ec2_requests)

	# Again with a changed policy: the existing endpoint gets it, no new endpoint.
	echo '{"Statement":[{"Effect":"Allow","Principal":"*","Action":"dynamodb:*","Resource":"*"}]}' \
		>"$BATS_TEST_TMPDIR/policy.json"
	run --separate-stderr -0 "$DDB" vpc-endpoint create --vpc-id "$vpc" --route-table-id "$main" \
		--policy "$BATS_TEST_TMPDIR/policy.json"
	[[ $stderr == *"already exists in $vpc; added the policy"* ]]
	run -0 jq -e '."us-east-1".endpoints | length == 1 and (.[0].policy | fromjson | .Statement[0].Action) == "dynamodb:*"' \
		< <(ec2_state)
}

@test "vpc-endpoint create: a retried create (the first response lost) makes one endpoint, thanks to ClientToken" {
	curl -sSf -X POST "$DDB_TEST_EC2_URL/_standin/fail-next-create" >/dev/null
	run --separate-stderr -0 "$DDB" vpc-endpoint create
	assert_equal "$(live_endpoints | jq length)" 1
	assert_equal "$(jq -r .VpcEndpointId <<<"$output")" "$(live_endpoints | jq -r '.[0].id')"
	# Two attempts, the same token.
	run -0 jq -e '[.[] | select(.action == "CreateVpcEndpoint") | .params.ClientToken]
		| length == 2 and .[0] == .[1]' < <(ec2_requests)
}

@test "vpc-endpoint create: an existing endpoint is found on a later page (empty pages carry a nextToken)" {
	# Four S3 endpoints first: the DynamoDB one is on page 3, after two pages the filter leaves empty.
	curl -sSf -X POST "$DDB_TEST_EC2_URL/_standin/add-endpoints" -d '{"service":"s3","n":4}' >/dev/null
	local id
	id=$(curl -sSf -X POST "$DDB_TEST_EC2_URL/_standin/add-endpoints" -d '{"n":1}' | jq -r '.[0]')
	run --separate-stderr -0 "$DDB" vpc-endpoint create
	[[ $stderr == *"endpoint $id for $SVC already exists"* ]]
	assert_equal "$(count_action CreateVpcEndpoint)" 0
	# Three pages, each after the first with the token, and the filters kept (the stand-in refuses otherwise).
	run -0 jq -e '[.[] | select(.action == "DescribeVpcEndpoints")] | length == 3
		and (.[0].params | has("NextToken") | not) and (.[1].params.NextToken | length > 0)
		and (.[2].params.NextToken | length > 0)' < <(ec2_requests)
}

@test "vpc-endpoint create: the main route table on a later page of DescribeRouteTables" {
	warm
	local vpc main
	vpc=$(vpc_other) # its tables come after the default VPC's: page 1 is empty after filtering
	main=$(rtb "$vpc" main)
	run --separate-stderr -0 "$DDB" vpc-endpoint create --vpc-id "$vpc"
	assert_equal "$(jq -c .RouteTableIds <<<"$output")" "[\"$main\"]"
	assert_equal "$(count_action DescribeRouteTables)" 2
}

@test "vpc-endpoint create --dry-run: allowed -> exit 0 and nothing created; denied -> exit 77" {
	run --separate-stderr -0 "$DDB" vpc-endpoint create --dry-run
	[[ $stderr == *"dry run: creating the $SVC endpoint in vpc-"*"would have been allowed"* ]]
	assert_output ""
	assert_equal "$(live_endpoints | jq length)" 0
	run -0 jq -e '[.[] | select(.action == "CreateVpcEndpoint")] | length == 1 and .[0].params.DryRun == "true"' \
		< <(ec2_requests)

	export AWS_ACCESS_KEY_ID=AKIDDDBEC2READ AWS_SECRET_ACCESS_KEY=ec2-standin-read-secret
	run -77 "$DDB" vpc-endpoint create --dry-run
	assert_output --partial "dry run: CreateVpcEndpoint would fail: You are not authorized to perform this operation"
	assert_output --partial "(UnauthorizedOperation, request "
	assert_equal "$(live_endpoints | jq length)" 0
	# Without --dry-run the read-only user is refused the same way.
	run -77 "$DDB" vpc-endpoint create
	assert_output --partial "UnauthorizedOperation"
}

@test "vpc-endpoint create: wrong credentials fail with EC2's AuthFailure and exit 77" {
	export AWS_SECRET_ACCESS_KEY=not-the-secret
	run -77 "$DDB" vpc-endpoint create
	assert_output --partial "ddb: vpc-endpoint: AWS was not able to validate the provided access credentials (AuthFailure, request "
	export AWS_ACCESS_KEY_ID=AKIDUNKNOWN
	run -77 "$DDB" vpc-endpoint list
	assert_output --partial "(AuthFailure, request "
	assert_equal "$(ec2_requests | jq length)" 0 # refused before any action ran
}

@test "vpc-endpoint: temporary credentials: the session token is sent and signed" {
	export AWS_SESSION_TOKEN=FQoGZXIvYXdzEXAMPLEsessiontoken/with+slash=
	run --separate-stderr -0 "$DDB" vpc-endpoint create
	assert_equal "$(live_endpoints | jq length)" 1
	# The stand-in checks the token is among the signed headers (IncompleteSignature otherwise) and signs with it.
	run -0 "$DDB" --debug vpc-endpoint list
	assert_output --regexp "SignedHeaders=[a-z0-9;-]*x-amz-security-token"
	refute_output --partial "EXAMPLEsessiontoken"
}

@test "vpc-endpoint create: an unknown VPC fails with EC2's message and exit 1" {
	run -1 "$DDB" vpc-endpoint create --vpc-id vpc-0123456789abcdef0
	assert_output --partial "ddb: vpc-endpoint: The vpc ID 'vpc-0123456789abcdef0' does not exist (InvalidVpcID.NotFound, request "
	run -1 "$DDB" vpc-endpoint create --route-table-id rtb-0123456789abcdef0
	assert_output --partial "(InvalidRouteTableId.NotFound, request "
	assert_equal "$(live_endpoints | jq length)" 0
}

@test "vpc-endpoint create: no default VPC -> a clear error, exit 1" {
	curl -sSf -X POST "$DDB_TEST_EC2_URL/_standin/reset?default_vpc=0" >/dev/null
	run -1 "$DDB" vpc-endpoint create
	assert_output "ddb: vpc-endpoint: no default VPC in us-east-1: name the VPC with --vpc-id"
	run --separate-stderr -0 "$DDB" vpc-endpoint create --vpc-id "$(vpc_other)"
}

@test "vpc-endpoint create: the service name follows the region" {
	export AWS_REGION=eu-west-1
	run --separate-stderr -0 "$DDB" vpc-endpoint create
	assert_equal "$(jq -r .ServiceName <<<"$output")" com.amazonaws.eu-west-1.dynamodb
	run -0 jq -e '."eu-west-1".endpoints | length == 1' < <(ec2_state)
	run -0 jq -e '."us-east-1" == null' < <(ec2_state)
}

# ---- list, delete -----------------------------------------------------------------------------------------------
@test "vpc-endpoint list: every page, DynamoDB endpoints only, live ones unless --all" {
	local ids
	curl -sSf -X POST "$DDB_TEST_EC2_URL/_standin/add-endpoints" -d '{"service":"s3","n":3}' >/dev/null
	ids=$(curl -sSf -X POST "$DDB_TEST_EC2_URL/_standin/add-endpoints" -d '{"n":3}')
	ids=$(jq -c --argjson more "$(curl -sSf -X POST "$DDB_TEST_EC2_URL/_standin/add-endpoints" \
		-d '{"n":2,"default_vpc":false}')" '. + $more' <<<"$ids")
	curl -sSf -X POST "$DDB_TEST_EC2_URL/_standin/add-endpoints" -d '{"n":1,"state":"deleted"}' >/dev/null

	run --separate-stderr -0 "$DDB" vpc-endpoint list
	json_eq "$(jq -sc '[.[].VpcEndpointId]' <<<"$output")" "$ids"
	assert_equal "$(count_action DescribeVpcEndpoints)" 5 # 9 endpoints, 2 a page
	run --separate-stderr -0 "$DDB" vpc-endpoint list --all -o json
	assert_equal "$(jq length <<<"$output")" 6
	run --separate-stderr -0 "$DDB" vpc-endpoint list --vpc-id "$(vpc_other)"
	assert_equal "$(jq -s length <<<"$output")" 2
	run --separate-stderr -0 "$DDB" vpc-endpoint list -o text
	assert_line --index 0 --regexp '^vpce-[0-9a-f]{17}	vpc-[0-9a-f]{17}	available	\[\]	2024-01-01T00:00:00.000Z$'
}

@test "vpc-endpoint list -o json: a field EC2 leaves out is left out, not printed as \"\"" {
	curl -sSf -X POST "$DDB_TEST_EC2_URL/_standin/add-endpoints" -d '{"n":1,"omit_type":true}' >/dev/null
	curl -sSf -X POST "$DDB_TEST_EC2_URL/_standin/add-endpoints" -d '{"n":1}' >/dev/null
	run --separate-stderr -0 "$DDB" vpc-endpoint list -o json
	run -0 jq -c 'map(has("VpcEndpointType"))' <<<"$output"
	assert_output '[false,true]'
	run --separate-stderr -0 "$DDB" vpc-endpoint list -o json
	run -0 jq -c '[.[] | .VpcEndpointType] ' <<<"$output"
	assert_output '[null,"Gateway"]'
	[[ $output != *'""'* ]]
}

@test "vpc-endpoint --dry-run answered with success (DryRun ignored): a warning that the change may now be made" {
	warm
	curl -sSf -X POST "$DDB_TEST_EC2_URL/_standin/ignore-dry-run" >/dev/null
	run --separate-stderr -65 "$DDB" vpc-endpoint create --dry-run
	[[ $stderr == *"warning: ec2 CreateVpcEndpoint: the --dry-run was answered with success, not DryRunOperation: the server may have carried it out, so the endpoint may now exist; check with: ddb vpc-endpoint list"* ]]
	# it did: the warning is true
	assert_equal "$(live_endpoints | jq length)" 1
	run --separate-stderr -65 "$DDB" vpc-endpoint delete --dry-run
	[[ $stderr == *"the endpoint may now be deleted; check with: ddb vpc-endpoint list"* ]]
}

@test "vpc-endpoint: endpoints that are gone (deleted, failed...) do not count, whatever the case of their state" {
	local gone
	gone=$(curl -sSf -X POST "$DDB_TEST_EC2_URL/_standin/add-endpoints" -d '{"n":1,"state":"Deleted"}' | jq -r '.[0]')
	curl -sSf -X POST "$DDB_TEST_EC2_URL/_standin/add-endpoints" -d '{"n":1,"state":"failed"}' >/dev/null
	run --separate-stderr -0 "$DDB" vpc-endpoint list
	assert_output ""
	run --separate-stderr -0 "$DDB" vpc-endpoint list --all
	assert_equal "$(jq -s length <<<"$output")" 2
	run --separate-stderr -0 "$DDB" vpc-endpoint create
	[[ $stderr == *"created endpoint vpce-"* ]]
	[[ $(jq -r .VpcEndpointId <<<"$output") != "$gone" ]]
	assert_equal "$(count_action CreateVpcEndpoint)" 1
}

@test "vpc-endpoint delete: by VPC, again (nothing to do), by id, --dry-run" {
	run --separate-stderr -0 "$DDB" vpc-endpoint create
	local id
	id=$(jq -r .VpcEndpointId <<<"$output")
	run --separate-stderr -0 "$DDB" vpc-endpoint delete --dry-run
	[[ $stderr == *"dry run: deleting 1 endpoint(s) would have been allowed"* ]]
	assert_equal "$(live_endpoints | jq length)" 1

	run --separate-stderr -0 "$DDB" vpc-endpoint delete
	json_eq "$output" "{\"VpcEndpointId\":\"$id\",\"State\":\"deleted\"}"
	[[ $stderr == *"deleted endpoint $id"* ]]
	assert_equal "$(live_endpoints | jq length)" 0
	run -0 jq -e --arg id "$id" '[.[] | select(.action == "DeleteVpcEndpoints")][-1].params
		| ."VpcEndpointId.1" == $id and (has("VpcEndpointId.2") | not)' < <(ec2_requests)
	# The route went with it.
	run -0 jq -e '[."us-east-1".route_tables[].routes[]] | length == 0' < <(ec2_state)

	run --separate-stderr -0 "$DDB" vpc-endpoint delete
	[[ $stderr == *"no $SVC endpoint in vpc-"*"; nothing to delete"* ]]

	# A deleted (or unknown) id is reported from DeleteVpcEndpoints' unsuccessful set.
	run -1 "$DDB" vpc-endpoint delete "$id"
	assert_output --partial "ddb: vpc-endpoint: $id: The VpcEndpoint Id '$id' does not exist (InvalidVpcEndpointId.NotFound)"

	# create after delete makes a new one (the deleted one does not count).
	run --separate-stderr -0 "$DDB" vpc-endpoint create
	[[ $(jq -r .VpcEndpointId <<<"$output") != "$id" ]]
	run --separate-stderr -0 "$DDB" vpc-endpoint delete "$(jq -r .VpcEndpointId <<<"$output")"
	assert_equal "$(live_endpoints | jq length)" 0
}

@test "vpc-endpoint delete: refused in prod without --yes (nothing sent)" {
	run --separate-stderr -0 "$DDB" vpc-endpoint create
	run -64 "$DDB" --prod vpc-endpoint delete
	assert_output "ddb: vpc-endpoint: refusing to delete the DynamoDB VPC endpoint of the default VPC in prod without --yes"
	run -64 "$DDB" --prod vpc-endpoint delete vpce-1234
	assert_output "ddb: vpc-endpoint: refusing to delete VPC endpoint vpce-1234 in prod without --yes"
	assert_equal "$(live_endpoints | jq length)" 1
	run --separate-stderr -0 "$DDB" --prod --yes vpc-endpoint delete
	assert_equal "$(live_endpoints | jq length)" 0
}

# ---- usage and configuration ------------------------------------------------------------------------------------
@test "vpc-endpoint: usage errors exit 64, bad policy files 66/65" {
	run -64 "$DDB" vpc-endpoint
	assert_output --partial "missing subcommand: create, list or delete"
	run -64 "$DDB" vpc-endpoint make
	assert_output --partial "unknown subcommand 'make'"
	run -64 "$DDB" vpc-endpoint list --policy x.json
	assert_output --partial "--policy is for create only"
	run -64 "$DDB" vpc-endpoint create --tag novalue
	assert_output --partial "--tag 'novalue': expected KEY=VALUE"
	run -64 "$DDB" vpc-endpoint delete vpce-1 vpce-2
	run -64 "$DDB" vpc-endpoint list -o map
	run -66 "$DDB" vpc-endpoint create --policy "$BATS_TEST_TMPDIR/missing.json"
	assert_output --partial "--policy $BATS_TEST_TMPDIR/missing.json: cannot open"
	echo '{"Statement": [' >"$BATS_TEST_TMPDIR/bad.json"
	run -65 "$DDB" vpc-endpoint create --policy "$BATS_TEST_TMPDIR/bad.json"
	assert_output --partial "not a JSON object"
	assert_equal "$(ec2_requests | jq length)" 0
	run --separate-stderr -0 "$DDB" vpc-endpoint --help
	assert_output --partial "--route-table-id"
}

@test "vpc-endpoint: local mode without an EC2 endpoint is a configuration error (78)" {
	unset AWS_ENDPOINT_URL_EC2
	run -78 "$DDB" vpc-endpoint list
	assert_output --partial "ec2 has no local engine"
}

# ---- the stand-in is strict -------------------------------------------------------------------------------------
@test "ec2 stand-in: accepts a correctly signed request, rejects a tampered one, unknown parameters and filters" {
	run -0 "$PY" - "$DDB_TEST_EC2_URL" <<-'EOF'
		import sys, urllib.request, urllib.error
		from botocore.auth import SigV4Auth
		from botocore.awsrequest import AWSRequest
		from botocore.credentials import Credentials
		url = sys.argv[1] + "/"
		def send(body, secret="ec2-standin-full-secret", tamper=None):
		    req = AWSRequest("POST", url, data=body,
		                     headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"})
		    SigV4Auth(Credentials("AKIDDDBEC2FULL", secret), "ec2", "us-east-1").add_auth(req)
		    data = tamper.encode() if tamper else body.encode()
		    r = urllib.request.Request(url, data=data, method="POST", headers=dict(req.headers))
		    try:
		        with urllib.request.urlopen(r) as resp:
		            return "%d %s" % (resp.status, resp.read().decode().replace("\n", " "))
		    except urllib.error.HTTPError as e:
		        return "%d %s" % (e.code, e.read().decode().replace("\n", " "))
		ok = "Action=DescribeVpcs&Version=2016-11-15"
		print(send(ok)[:3])
		print(send(ok, tamper=ok + "&DryRun=true"))
		print(send(ok, secret="wrong")[:3])
		print(send("Action=DescribeVpcs&Version=2016-11-15&Bogus=1"))
		print(send("Action=DescribeVpcs&Version=2016-11-15&Filter.1.Name=isdefault&Filter.1.Value.1=true"))
		print(send("Action=DescribeVpcs&Version=2016-11-15&Filter.0.Name=vpc-id&Filter.0.Value.1=x"))
		print(send("Action=DescribeVpcs&Version=2015-10-01"))
		print(send("Action=CreateVpcEndpoint&Version=2016-11-15&ServiceName=com.amazonaws.us-east-1.dynamodb"))
	EOF
	assert_line --index 0 200
	assert_line --index 1 --partial "401 "
	assert_line --index 1 --partial "<Code>AuthFailure</Code>"
	assert_line --index 2 401
	assert_line --index 3 --partial "<Code>UnknownParameter</Code><Message>The parameter Bogus is not recognized"
	assert_line --index 4 --partial "The filter 'isdefault' is invalid"
	assert_line --index 5 --partial "Filter.0.Name: '0' is not a list index"
	assert_line --index 6 --partial "Version must be 2016-11-15"
	assert_line --index 7 --partial "<Code>MissingParameter</Code><Message>The request must contain the parameter VpcId"
	# A request with curl and a made-up signature: 401 and EC2's error document.
	run -0 curl -sS -o "$BATS_TEST_TMPDIR/body" -w '%{http_code}' -X POST "$DDB_TEST_EC2_URL/" \
		-H 'Content-Type: application/x-www-form-urlencoded' -H 'X-Amz-Date: 20240101T000000Z' \
		-H "Authorization: AWS4-HMAC-SHA256 Credential=AKIDDDBEC2FULL/20240101/us-east-1/ec2/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=$(printf '0%.0s' {1..64})" \
		--data 'Action=DescribeVpcs&Version=2016-11-15'
	assert_output 401
	run -0 grep -c '<Response><Errors><Error><Code>AuthFailure</Code>' "$BATS_TEST_TMPDIR/body"
}

@test "ec2 stand-in: requests are held to botocore's EC2 model, and so are its own answers" {
	run -0 "$PY" - "$DDB_TEST_EC2_URL" <<-'EOF'
		import sys, urllib.request, urllib.error
		from botocore.auth import SigV4Auth
		from botocore.awsrequest import AWSRequest
		from botocore.credentials import Credentials
		url = sys.argv[1] + "/"
		def send(body):
		    body = "Version=2016-11-15&" + body
		    req = AWSRequest("POST", url, data=body,
		                     headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"})
		    SigV4Auth(Credentials("AKIDDDBEC2FULL", "ec2-standin-full-secret"), "ec2", "us-east-1").add_auth(req)
		    r = urllib.request.Request(url, data=body.encode(), method="POST", headers=dict(req.headers))
		    try:
		        with urllib.request.urlopen(r) as resp:
		            return "%d %s" % (resp.status, resp.read().decode().replace("\n", " "))
		    except urllib.error.HTTPError as e:
		        return "%d %s" % (e.code, e.read().decode().replace("\n", " "))
		print(send("Action=DeleteVpcEndpoints&VpcEndpointIds.1=vpce-1"))          # the member name, not the wire name
		print(send("Action=DescribeVpcs&MaxResults=ten"))
		print(send("Action=DescribeVpcs&Filter.1.Name=vpc-id&Filter.1.Value=vpc-1"))  # a list without .N
		print(send("Action=DescribeVpcEndpoints&VpcEndpointId.1=a&VpcEndpointId.3=b"))
		print(send("Action=ModifyVpcEndpoint&AddRouteTableId.1=rtb-1"))
		print(send("Action=DeleteVpcEndpoints&VpcEndpointId.1=vpce-1&DryRun=yes"))
		print(send("Action=DescribeVpcs&DryRun=true")[:3])                          # well-formed: EC2's 412
	EOF
	assert_line --index 0 --partial "<Code>UnknownParameter</Code><Message>The parameter VpcEndpointIds.1 is not recognized"
	assert_line --index 1 --partial "<Code>InvalidParameterValue</Code><Message>Value (ten) for parameter MaxResults is invalid"
	assert_line --index 2 --partial "Filter.1.Value is a list"
	assert_line --index 3 --partial "VpcEndpointId.N: indexes [1, 3] are not 1..2"
	assert_line --index 4 --partial "<Code>MissingParameter</Code><Message>The request must contain the parameter VpcEndpointId<"
	assert_line --index 5 --partial "Value (yes) for parameter DryRun is invalid"
	assert_line --index 6 412

	# The response checker is not a formality: documents that stray from the output shape are refused.
	run -0 "$PY" - "$DDB_TEST_ROOT/test/standins" <<-'EOF'
		import sys
		sys.path.insert(0, sys.argv[1])
		import ec2_model
		NS = 'xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"'
		def check(action, doc):
		    try:
		        ec2_model.check_response(action, doc)
		        print("accepted")
		    except ec2_model.ModelError as e:
		        print("refused: " + e.message)
		check("DescribeVpcs", '<DescribeVpcsResponse %s><requestId>r</requestId><vpcSet><item><vpcId>vpc-1</vpcId>'
		      '<isDefault>true</isDefault></item></vpcSet><nextToken>t</nextToken></DescribeVpcsResponse>' % NS)
		check("DescribeVpcs", '<DescribeVpcsResponse %s><requestId>r</requestId><vpcs><item/></vpcs>'
		      '</DescribeVpcsResponse>' % NS)
		check("DescribeVpcs", '<DescribeVpcsResponse %s><requestId>r</requestId><vpcSet><member/></vpcSet>'
		      '</DescribeVpcsResponse>' % NS)
		check("DescribeVpcs", '<DescribeVpcsResponse %s><requestId>r</requestId><vpcSet><item><isDefault>yes'
		      '</isDefault></item></vpcSet></DescribeVpcsResponse>' % NS)
		check("DescribeVpcEndpoints", '<DescribeVpcEndpointsResponse %s><requestId>r</requestId><vpcEndpointSet>'
		      '<item><state>available</state><creationTimestamp>2024-01-01</creationTimestamp></item>'
		      '</vpcEndpointSet></DescribeVpcEndpointsResponse>' % NS)
		check("ModifyVpcEndpoint", '<ModifyVpcEndpointResponse %s><return>true</return></ModifyVpcEndpointResponse>'
		      % NS)
		try:
		    ec2_model.check_error('<Response><Errors><Error><Code>X</Code></Error></Errors></Response>')
		    print("accepted")
		except ec2_model.ModelError:
		    print("refused: error document")
	EOF
	assert_line --index 0 accepted
	assert_line --index 1 --partial "refused: DescribeVpcsResponse/vpcs is not in the model"
	assert_line --index 2 --partial "list members are <item>, not <member>"
	assert_line --index 3 --partial "boolean 'yes'"
	assert_line --index 4 --partial "timestamp '2024-01-01'"
	assert_line --index 5 --partial "has no requestId"
	assert_line --index 6 "refused: error document"
}
