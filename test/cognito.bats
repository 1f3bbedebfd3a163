#!/usr/bin/env bats
# cognito.bats — ddb cognito list-users against cognito-local (users created through its API) and, for paging,
# test/standins/cognito_pager.py in front of it: cognito-local returns every user in one page, the pager pages at
# 60 with PaginationToken as Cognito does and verifies each request's SigV4 signature.

load test_helper

PY=/usr/bin/python3

# make_users URL POOL FIRST LAST: users user<i>@example.org (Username = their sub: the pool signs in by email),
# preferred_username handle<i>, name "User <i>".
make_users() {
	"$PY" - "$@" <<-'EOF'
		import json, sys, urllib.request
		from concurrent.futures import ThreadPoolExecutor
		url, pool, first, last = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
		def make(i):
		    body = {"UserPoolId": pool, "Username": "user%03d@example.org" % i, "MessageAction": "SUPPRESS",
		            "UserAttributes": [{"Name": "email", "Value": "user%03d@example.org" % i},
		                               {"Name": "preferred_username", "Value": "handle%03d" % i},
		                               {"Name": "name", "Value": "User %d" % i}]}
		    req = urllib.request.Request(url + "/", data=json.dumps(body).encode(), method="POST", headers={
		        "Content-Type": "application/x-amz-json-1.1",
		        "X-Amz-Target": "AWSCognitoIdentityProviderService.AdminCreateUser"})
		    with urllib.request.urlopen(req, timeout=30) as r:
		        assert r.status == 200
		with ThreadPoolExecutor(4) as ex:
		    list(ex.map(make, range(first, last + 1)))
	EOF
}

setup_file() {
	engine_start cognito-local || return 1
	export DDB_TEST_COGNITO_URL=$ENGINE_URL
	DDB_TEST_COGNITO_POOL=$(ddb_raw "$DDB_TEST_COGNITO_URL" AWSCognitoIdentityProviderService.CreateUserPool \
		'{"PoolName":"cruddur-users","UsernameAttributes":["email"]}' | jq -r .UserPool.Id)
	export DDB_TEST_COGNITO_POOL
	make_users "$DDB_TEST_COGNITO_URL" "$DDB_TEST_COGNITO_POOL" 1 150

	local pf=$BATS_FILE_TMPDIR/pager.url i
	"$PY" "$DDB_TEST_ROOT/test/standins/cognito_pager.py" --upstream "$DDB_TEST_COGNITO_URL" --port-file "$pf" \
		--owner $$ </dev/null >"$BATS_FILE_TMPDIR/pager.log" 2>&1 3>&- &
	export DDB_TEST_PAGER_PID=$!
	for ((i = 0; i < 150; i++)); do
		[[ -s $pf ]] && break
		sleep 0.1
	done
	[[ -s $pf ]] || { echo "cognito pager did not start" >&2; cat "$BATS_FILE_TMPDIR/pager.log" >&2; return 1; }
	DDB_TEST_PAGER_URL=$(<"$pf")
	export DDB_TEST_PAGER_URL
}

teardown_file() {
	[[ -z ${DDB_TEST_PAGER_PID-} ]] || kill "$DDB_TEST_PAGER_PID" 2>/dev/null || true
	engine_stop_all
}

setup() {
	POOL=$DDB_TEST_COGNITO_POOL
}

# Point ddb at the pager (signed with the key it knows) or straight at cognito-local.
use_pager() {
	export AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER=$DDB_TEST_PAGER_URL AWS_ACCESS_KEY_ID=AKIDDDBCOGNITO \
		AWS_SECRET_ACCESS_KEY=cognito-pager-secret AWS_REGION=us-east-1
	PAGER_BEFORE=$(pager_requests | jq length)
}
use_cognito_local() { export AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER=$DDB_TEST_COGNITO_URL; }
pager_requests() { curl -sSf "$DDB_TEST_PAGER_URL/_standin/requests"; }
# The ListUsers requests this test sent through the pager.
my_requests() { pager_requests | jq -c --argjson n "$PAGER_BEFORE" '.[$n:]'; }
# What cognito-local itself holds: the expected answers.
all_users() {
	ddb_raw "$DDB_TEST_COGNITO_URL" AWSCognitoIdentityProviderService.ListUsers "{\"UserPoolId\":\"$POOL\"}"
}

@test "cognito list-users: all 150 users through Cognito-style pages of 60 (PaginationToken followed)" {
	use_pager
	run --separate-stderr -0 "$DDB" cognito list-users --user-pool-id "$POOL"
	assert_equal "$(wc -l <<<"$output")" 150
	json_eq "$(jq -sc '[.[].username] | sort' <<<"$output")" "$(all_users | jq -c '[.Users[].Username] | sort')"
	# Three requests: the first without a token, the next two with the token of the page before.
	run -0 jq -e 'length == 3 and (.[0] | has("PaginationToken") | not) and (.[1].PaginationToken | length > 0)
		and (.[2].PaginationToken | length > 0) and (.[1].PaginationToken != .[2].PaginationToken)
		and all(.[]; .UserPoolId != null and (has("Limit") | not))' < <(my_requests)
}

@test "cognito list-users: straight from cognito-local, rows carry the user's fields and attributes" {
	use_cognito_local
	run --separate-stderr -0 "$DDB" cognito list-users --user-pool-id "$POOL"
	assert_equal "$(wc -l <<<"$output")" 150
	local u
	u=$(jq -c 'select(.attributes.preferred_username == "handle042")' <<<"$output")
	run -0 jq -e '.status == "FORCE_CHANGE_PASSWORD" and .enabled == true
		and (.created | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$"))
		and (.modified | test("Z$"))
		and .attributes.email == "user042@example.org" and .attributes.name == "User 42"
		and .attributes.sub == .username' <<<"$u"
}

@test "cognito list-users: AWSCognitoIdentityProviderService.ListUsers is the target, JSON 1.1" {
	use_cognito_local
	run -0 "$DDB" --debug cognito list-users --user-pool-id "$POOL" --limit 1
	assert_output --partial "AWSCognitoIdentityProviderService.ListUsers"
	assert_output --partial "application/x-amz-json-1.1"
}

@test "cognito list-users: AWS_COGNITO_USER_POOL_ID and the link name list-users" {
	use_pager
	export AWS_COGNITO_USER_POOL_ID=$POOL
	run --separate-stderr -0 "$(ddb_link list-users)"
	assert_equal "$(wc -l <<<"$output")" 150
}

@test "cognito list-users --attributes: AttributesToGet, and the attributes become the columns" {
	use_pager
	run --separate-stderr -0 "$DDB" cognito list-users --user-pool-id "$POOL" --attributes 'email, preferred_username'
	assert_equal "$(wc -l <<<"$output")" 150
	run -0 jq -se 'all(.[]; (.attributes | keys) == ["email", "preferred_username"])' <<<"$output"
	run -0 jq -e 'all(.[]; .AttributesToGet == ["email", "preferred_username"])' < <(my_requests)
	# text: username, status, enabled, created, email, preferred_username — tab-separated, no header.
	run --separate-stderr -0 "$DDB" cognito list-users --user-pool-id "$POOL" --attributes email,preferred_username -o text
	assert_equal "$(wc -l <<<"$output")" 150
	assert_line --regexp $'^[0-9a-f-]{36}\tFORCE_CHANGE_PASSWORD\ttrue\t[0-9T:-]+Z\tuser007@example.org\thandle007$'
	# table: a header with those columns.
	run --separate-stderr -0 "$DDB" cognito list-users --user-pool-id "$POOL" --attributes email -o table --limit 3
	assert_line --index 0 --regexp '^username +status +enabled +created +email *$'
	assert_equal "${#lines[@]}" 5
}

@test "cognito list-users --filter: Cognito's filter, on cognito-local and through the pager" {
	use_cognito_local
	run --separate-stderr -0 "$DDB" cognito list-users --user-pool-id "$POOL" --filter 'preferred_username ^= "handle01"'
	json_eq "$(jq -sc '[.[].attributes.preferred_username] | sort' <<<"$output")" \
		'["handle010","handle011","handle012","handle013","handle014","handle015","handle016","handle017","handle018","handle019"]'
	run --separate-stderr -0 "$DDB" cognito list-users --user-pool-id "$POOL" --filter 'email = "user150@example.org"'
	assert_equal "$(jq -r .attributes.preferred_username <<<"$output")" handle150
	run --separate-stderr -0 "$DDB" cognito list-users --user-pool-id "$POOL" --filter 'email = "nobody@example.org"'
	assert_output ""

	use_pager
	run --separate-stderr -0 "$DDB" cognito list-users --user-pool-id "$POOL" --filter 'email ^= "user0"'
	assert_equal "$(wc -l <<<"$output")" 99 # user001..user099: two pages
	run -0 jq -e 'length == 2 and all(.[]; .Filter == "email ^= \"user0\"")' < <(my_requests)

	# A filter Cognito cannot parse is its error, exit 1.
	run -1 "$DDB" cognito list-users --user-pool-id "$POOL" --filter 'bogus'
	assert_output --partial "(InvalidParameterException"
}

@test "cognito list-users --limit: stops after N users, asking for no more than 60 a page" {
	use_pager
	run --separate-stderr -0 "$DDB" cognito list-users --user-pool-id "$POOL" --limit 75
	assert_equal "$(wc -l <<<"$output")" 75
	run -0 jq -e 'length == 2 and all(.[]; .Limit == 60)' < <(my_requests)
	PAGER_BEFORE=$(pager_requests | jq length)
	run --separate-stderr -0 "$DDB" cognito list-users --user-pool-id "$POOL" --limit 5
	assert_equal "$(wc -l <<<"$output")" 5
	run -0 jq -e 'length == 1 and .[0].Limit == 5' < <(my_requests)
	run -64 "$DDB" cognito list-users --user-pool-id "$POOL" --limit 0
}

@test "cognito list-users --output map: {preferred_username: sub} for all 150 users; --key/--value" {
	use_pager
	run --separate-stderr -0 "$DDB" cognito list-users --user-pool-id "$POOL" --output map
	json_eq "$output" "$(all_users | jq -c '[.Users[] | [.Attributes[] | {key: .Name, value: .Value}] | from_entries
		| {(.preferred_username): .sub}] | add')"
	assert_equal "$(jq length <<<"$output")" 150
	# Only the two attributes were asked for.
	run -0 jq -e 'all(.[]; .AttributesToGet == ["preferred_username", "sub"])' < <(my_requests)

	run --separate-stderr -0 "$DDB" cognito list-users --user-pool-id "$POOL" -o map --key email --value username
	json_eq "$(jq -c '{"user001@example.org": .["user001@example.org"]}' <<<"$output")" \
		"$(all_users | jq -c '[.Users[] | select(.Attributes[] | .Name == "email" and .Value == "user001@example.org")
			| {"user001@example.org": .Username}] | add')"
	assert_equal "$(jq length <<<"$output")" 150
}

@test "cognito list-users --output map: users without the attributes are left out, a repeated key keeps the first" {
	use_cognito_local
	local pool2
	pool2=$(ddb_raw "$DDB_TEST_COGNITO_URL" AWSCognitoIdentityProviderService.CreateUserPool \
		'{"PoolName":"edge","UsernameAttributes":["email"]}' | jq -r .UserPool.Id)
	make_users "$DDB_TEST_COGNITO_URL" "$pool2" 1 2
	ddb_raw "$DDB_TEST_COGNITO_URL" AWSCognitoIdentityProviderService.AdminCreateUser \
		"{\"UserPoolId\":\"$pool2\",\"Username\":\"nohandle@example.org\",\"MessageAction\":\"SUPPRESS\"}" >/dev/null
	ddb_raw "$DDB_TEST_COGNITO_URL" AWSCognitoIdentityProviderService.AdminCreateUser \
		"{\"UserPoolId\":\"$pool2\",\"Username\":\"dup@example.org\",\"MessageAction\":\"SUPPRESS\",
		  \"UserAttributes\":[{\"Name\":\"preferred_username\",\"Value\":\"handle001\"}]}" >/dev/null
	run --separate-stderr -0 "$DDB" cognito list-users --user-pool-id "$pool2" -o map
	assert_equal "$(jq -c keys <<<"$output")" '["handle001","handle002"]'
	[[ $stderr == *"1 user without preferred_username or sub left out of the map"* ]]
	[[ $stderr == *"1 user share a preferred_username with an earlier user (first: 'handle001'); the map keeps the first"* ]]
	# An empty result is still a JSON object.
	run --separate-stderr -0 "$DDB" cognito list-users --user-pool-id "$pool2" -o map --filter 'email = "none@x.org"'
	assert_output "{}"
}

@test "cognito list-users: UserStatus and Enabled as Cognito keeps them; its status and cognito:user_status filters" {
	local pool3
	pool3=$(ddb_raw "$DDB_TEST_COGNITO_URL" AWSCognitoIdentityProviderService.CreateUserPool \
		'{"PoolName":"statuses","UsernameAttributes":["email"]}' | jq -r .UserPool.Id)
	make_users "$DDB_TEST_COGNITO_URL" "$pool3" 1 3
	ddb_raw "$DDB_TEST_COGNITO_URL" AWSCognitoIdentityProviderService.AdminSetUserPassword \
		"{\"UserPoolId\":\"$pool3\",\"Username\":\"user002@example.org\",\"Password\":\"Passw0rd!Passw0rd\",
		  \"Permanent\":true}" >/dev/null
	ddb_raw "$DDB_TEST_COGNITO_URL" AWSCognitoIdentityProviderService.AdminDisableUser \
		"{\"UserPoolId\":\"$pool3\",\"Username\":\"user003@example.org\"}" >/dev/null
	use_pager
	run --separate-stderr -0 "$DDB" cognito list-users --user-pool-id "$pool3"
	json_eq "$(jq -sc 'map({(.attributes.email): [.status, .enabled]}) | add' <<<"$output")" \
		'{"user001@example.org":["FORCE_CHANGE_PASSWORD",true],"user002@example.org":["CONFIRMED",true],
		  "user003@example.org":["FORCE_CHANGE_PASSWORD",false]}'
	emails() { jq -sc '[.[].attributes.email] | sort' <<<"$output"; }
	run --separate-stderr -0 "$DDB" cognito list-users --user-pool-id "$pool3" --filter 'status = "Disabled"'
	assert_equal "$(emails)" '["user003@example.org"]'
	run --separate-stderr -0 "$DDB" cognito list-users --user-pool-id "$pool3" --filter 'status = "Enabled"'
	assert_equal "$(emails)" '["user001@example.org","user002@example.org"]'
	run --separate-stderr -0 "$DDB" cognito list-users --user-pool-id "$pool3" --filter 'cognito:user_status = "CONFIRMED"'
	assert_equal "$(emails)" '["user002@example.org"]'
	# The filters went to Cognito as written, quotes and all.
	run -0 jq -e 'map(.Filter) == ["status = \"Disabled\"", "status = \"Enabled\"", "cognito:user_status = \"CONFIRMED\""]' \
		< <(my_requests | jq -c '[.[] | select(has("Filter"))]')
	# Cognito's own refusals: an operator it does not have, an attribute it cannot search.
	run -1 "$DDB" cognito list-users --user-pool-id "$pool3" --filter 'email != "x"'
	assert_output --partial "ddb: cognito: Error while parsing filter (InvalidParameterException, request "
	run -1 "$DDB" cognito list-users --user-pool-id "$pool3" --filter 'nickname = "x"'
	assert_output --partial "Invalid search attribute: nickname (InvalidParameterException"
}

@test "cognito list-users: a reader that goes away (| head -1) ends it quietly with exit 0, as every command" {
	use_pager
	local mode
	for mode in jsonl json text map; do
		run -0 --separate-stderr bash -c "set -o pipefail; '$DDB' cognito list-users --user-pool-id '$POOL' -o $mode | head -n 1"
		[[ ${#lines[@]} -eq 1 ]]
		assert_equal "$stderr" ""
	done
}

@test "cognito list-users: a missing pool is ResourceNotFoundException, exit 1" {
	use_cognito_local
	run -1 "$DDB" cognito list-users --user-pool-id us-east-1_doesnotexist
	assert_output --partial "ddb: cognito: User Pool us-east-1_doesnotexist not found (ResourceNotFoundException"
	use_pager
	run -1 "$DDB" cognito list-users --user-pool-id us-east-1_doesnotexist -o map
	assert_output --partial "(ResourceNotFoundException"
	refute_output --partial "{"
	# Not even a pool id: Cognito's validation error.
	run -1 "$DDB" cognito list-users --user-pool-id 'my pool'
	assert_output --partial "Value 'my pool' at 'userPoolId' failed to satisfy constraint: Member must satisfy regular expression pattern"
}

@test "cognito list-users: wrong credentials at the signature-checking pager exit 77" {
	use_pager
	export AWS_SECRET_ACCESS_KEY=wrong
	run -77 "$DDB" cognito list-users --user-pool-id "$POOL"
	assert_output --partial "(InvalidSignatureException"
	export AWS_ACCESS_KEY_ID=AKIDNOBODY
	run -77 "$DDB" cognito list-users --user-pool-id "$POOL"
	assert_output --partial "(UnrecognizedClientException"
}

@test "cognito: usage errors exit 64; local mode without an endpoint exits 78" {
	use_cognito_local
	run -64 "$DDB" cognito list-users
	assert_output --partial "no user pool: give --user-pool-id or set AWS_COGNITO_USER_POOL_ID"
	run -64 "$DDB" cognito
	assert_output --partial "missing subcommand: list-users"
	run -64 "$DDB" cognito list-groups --user-pool-id "$POOL"
	run -64 "$DDB" cognito list-users --user-pool-id "$POOL" --key email
	assert_output --partial "--key and --value are for --output map"
	run -64 "$DDB" cognito list-users --user-pool-id "$POOL" --attributes 'email,,name'
	run -64 "$DDB" cognito list-users --user-pool-id "$POOL" extra
	unset AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER
	run -78 "$DDB" cognito list-users --user-pool-id "$POOL"
	assert_output --partial "cognito-idp has no local engine"
	run -0 "$DDB" cognito --help
	assert_output --partial "--user-pool-id"
}
