#!/usr/bin/env bats
# prod_safety.bats — production guards: destructive commands need --yes (or the typed name on a terminal) and
# change nothing when refused; --prod over plain http:// only to loopback; TLS verification cannot be switched
# off (no flag, no environment variable; only an explicit CA bundle changes what is trusted); a warning when the
# shared credentials file is readable by group or others.  (--exec never using a shell: stream.bats.)

load test_helper

setup() {
	ns=$(unique_ns)
	d=$BATS_TEST_TMPDIR
	export AWS_ACCESS_KEY_ID=AKIDPRODSAFETY AWS_SECRET_ACCESS_KEY=prod-safety-secret AWS_REGION=eu-west-1
	# prod, but against the suite's DynamoDB Local (loopback, so plain http:// is allowed)
	P=(--prod --endpoint-url "$DDB_TEST_LOCAL_URL" --namespace "$ns")
	tls_pid=
}

teardown() {   # the TLS stand-in must not outlive a failed test
	if [[ -n $tls_pid ]]; then
		kill "$tls_pid" 2>/dev/null || true
		wait "$tls_pid" 2>/dev/null || true
	fi
}

make_table() { # USER_NAME
	ddb_local CreateTable '{"TableName":"'"$ns$1"'","BillingMode":"PAY_PER_REQUEST",
		"AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"}],
		"KeySchema":[{"AttributeName":"pk","KeyType":"HASH"}]}' >/dev/null
}

exists() { # USER_NAME
	ddb_local DescribeTable '{"TableName":"'"$ns$1"'"}' >/dev/null 2>&1
}

stream_on() { # USER_NAME -> prints true/false
	ddb_local DescribeTable '{"TableName":"'"$ns$1"'"}' | jq -r '.Table.StreamSpecification.StreamEnabled // false'
}

# ---- destructive commands --------------------------------------------------------------------------------------

@test "prod safety: every destructive command is refused without --yes off a terminal (exit 64), and changes nothing" {
	make_table keep
	ddb_local UpdateTable '{"TableName":"'"${ns}keep"'","StreamSpecification":{"StreamEnabled":true,"StreamViewType":"NEW_IMAGE"}}' >/dev/null
	# schema-load --recreate of a table whose keys differ
	printf '%s\n' '{"TableName":"keep","BillingMode":"PAY_PER_REQUEST","AttributeDefinitions":[{"AttributeName":"id","AttributeType":"N"}],"KeySchema":[{"AttributeName":"id","KeyType":"HASH"}]}' >"$d/keep.json"
	# the destructive runs of each command the table marks destructive (`ddb __commands --destructive`): a new
	# destructive command without a line here fails the test
	local -A cases=(
		[drop]="drop keep|drop --all"
		[enable-stream]="enable-stream keep --disable|enable-stream keep --replace --view-type KEYS_ONLY"
		[schema-load]="schema-load --recreate $d/keep.json|schema-load --prune $d/keep.json"
		[trigger]="trigger delete keep --function fn"
		[truncate]="truncate keep|truncate keep --recreate"
		[vpc-endpoint]="vpc-endpoint delete|vpc-endpoint delete vpce-0123"
	)
	local c l listed
	listed=$("$DDB" __commands --destructive)
	[[ -n $listed ]]
	for c in $listed; do
		[[ -n ${cases[$c]:-} ]] || { echo "prod_safety.bats: no case for destructive command '$c'" >&2; return 1; }
		IFS='|' read -ra lines <<<"${cases[$c]}"
		for l in "${lines[@]}"; do
			# refused by the dispatcher's guard before anything is sent (vpc-endpoint has no EC2 here: nothing is
			# sent at all)
			run -64 "$DDB" ${l%% *} "${P[@]}" ${l#* } </dev/null
			assert_output --partial "refusing to "
			assert_output --partial " in prod without --yes"
		done
	done
	run -64 "$DDB" drop "${P[@]}" keep </dev/null
	assert_output "ddb: drop: refusing to drop table 'keep' (${ns}keep on the wire) in prod without --yes"
	# a destructive command's harmless runs are not refused: enabling a stream, schema-load without --recreate,
	# vpc-endpoint --dry-run (refused by EC2's absence here, not by the guard)
	run -0 "$DDB" enable-stream "${P[@]}" keep </dev/null
	run -1 "$DDB" schema-load "${P[@]}" "$d/keep.json" </dev/null
	refute_output --partial "without --yes"
	run "$DDB" vpc-endpoint "${P[@]}" delete --dry-run </dev/null
	refute_output --partial "without --yes"
	# (on a terminal each asks for the name to type: below, and vpc_endpoint.bats against EC2; create is additive and
	# idempotent, so it needs no --yes)
	exists keep
	assert_equal "$(stream_on keep)" true
	run -0 ddb_local DescribeTable '{"TableName":"'"${ns}keep"'"}'
	assert_equal "$(jq -r '.Table.KeySchema[0].AttributeName' <<<"$output")" pk
	# CI=true refuses even on a terminal; --yes goes ahead
	run -0 "$DDB" enable-stream "${P[@]}" keep --disable --yes
	assert_equal "$(stream_on keep)" false
	run -0 "$DDB" drop "${P[@]}" keep --yes
	! exists keep
}

@test "prod safety: on a terminal the table's name must be typed; a wrong answer changes nothing" {
	make_table typed
	# script(1) gives ddb a terminal; CI unset so it may ask
	run env -u CI script -qec "$DDB drop --prod --endpoint-url $DDB_TEST_LOCAL_URL --namespace $ns typed" /dev/null \
		<<<"nope"
	assert_output --partial "about to drop table 'typed' (${ns}typed on the wire) in PRODUCTION"
	assert_output --partial "Type 'typed' to confirm"
	assert_output --partial "not confirmed ('typed' was expected); nothing was changed"
	exists typed
	run env -u CI script -qec "$DDB drop --prod --endpoint-url $DDB_TEST_LOCAL_URL --namespace $ns typed" /dev/null \
		<<<"typed"
	assert_output --partial "PRODUCTION"
	wait_for 10 bash -c "! curl -sf -o /dev/null -X POST '$DDB_TEST_LOCAL_URL/' -H 'X-Amz-Target: DynamoDB_20120810.DescribeTable' -H 'Content-Type: application/x-amz-json-1.0' -H 'Authorization: AWS4-HMAC-SHA256 Credential=a/20240101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=00' -d '{\"TableName\":\"${ns}typed\"}'"
	! exists typed
}

@test "prod safety: local mode never asks (destructive commands run without --yes locally)" {
	make_table loc
	run -0 "$DDB" drop --namespace "$ns" loc </dev/null
	! exists loc
}

# ---- plain http:// in prod ---------------------------------------------------------------------------------------

@test "prod safety: --prod over http:// is refused (exit 78) unless the host is a loopback address" {
	local u
	for u in http://example.com http://10.0.0.1:8000 http://127.0.0.1.nip.io:8000 http://localhost.example.com \
		http://0x7f000001:8000 http://dynamodb.eu-west-1.amazonaws.com; do
		run -78 "$DDB" list-tables --prod --endpoint-url "$u"
		assert_output --partial "refusing to send production requests over plain http://"
	done
	# the same from the environment and the config file
	AWS_ENDPOINT_URL=http://example.com run -78 "$DDB" list-tables --prod
	assert_output --partial "AWS_ENDPOINT_URL: refusing"
	AWS_ENDPOINT_URL_DYNAMODB=http://example.com run -78 "$DDB" scan --prod tbl
	mkdir -p "$HOME/.aws"
	printf '[default]\nendpoint_url = http://example.com\n' >"$HOME/.aws/config"
	run -78 "$DDB" list-tables --prod
	assert_output --partial "refusing"
	rm "$HOME/.aws/config"
	# loopback is fine: 127.0.0.0/8, ::1, localhost
	run -0 "$DDB" list-tables --prod --endpoint-url "$DDB_TEST_LOCAL_URL"
	local port=${DDB_TEST_LOCAL_URL##*:}
	run -0 "$DDB" list-tables --prod --endpoint-url "http://localhost:$port"
	# and local mode may use any http:// endpoint (nothing there: 69, not 78)
	run -69 "$DDB" list-tables --endpoint-url http://127.0.0.1:9 --max-attempts 1 --connect-timeout 1
}

# ---- TLS verification -------------------------------------------------------------------------------------------

tls_server_start() {
	openssl req -x509 -newkey rsa:2048 -nodes -keyout "$d/key.pem" -out "$d/cert.pem" -days 2 \
		-subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 >/dev/null 2>&1
	cat >"$d/tls.py" <<-'EOF'
		import os, ssl, sys
		from http.server import BaseHTTPRequestHandler, HTTPServer
		class H(BaseHTTPRequestHandler):
		    def log_message(self, *a): pass
		    def do_POST(self):
		        self.rfile.read(int(self.headers.get("Content-Length") or 0))
		        body = b'{"TableNames":["over-tls"]}'
		        self.send_response(200)
		        self.send_header("Content-Type", "application/x-amz-json-1.0")
		        self.send_header("Content-Length", str(len(body)))
		        self.end_headers()
		        self.wfile.write(body)
		s = HTTPServer(("127.0.0.1", 0), H)
		c = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
		c.load_cert_chain(sys.argv[2], sys.argv[3])
		s.socket = c.wrap_socket(s.socket, server_side=True)
		open(sys.argv[1] + ".tmp", "w").write("https://127.0.0.1:%d" % s.server_address[1])
		os.rename(sys.argv[1] + ".tmp", sys.argv[1])
		s.serve_forever()
	EOF
	python3 "$d/tls.py" "$d/tls.url" "$d/cert.pem" "$d/key.pem" </dev/null >"$d/tls.log" 2>&1 3>&- &
	tls_pid=$!
	wait_for 10 test -s "$d/tls.url"
	tls_url=$(<"$d/tls.url")
}

@test "prod safety: TLS verification cannot be switched off: a self-signed endpoint fails (69) whatever the environment" {
	tls_server_start
	run -69 "$DDB" list-tables --prod --endpoint-url "$tls_url" --max-attempts 1
	assert_output --partial "TLS"
	# a refused certificate is not retried (it would be refused again): one attempt even with the default limit
	run -69 --separate-stderr "$DDB" list-tables --prod --endpoint-url "$tls_url" --debug
	assert_equal "$(grep -c '^> POST ' <<<"$stderr")" 1
	# what turns verification off in other tools changes nothing here
	AWS_CA_BUNDLE= CURL_INSECURE=1 PYTHONHTTPSVERIFY=0 NODE_TLS_REJECT_UNAUTHORIZED=0 AWS_VERIFY_SSL=false \
		run -69 "$DDB" list-tables --prod --endpoint-url "$tls_url" --max-attempts 1
	run -64 "$DDB" list-tables --prod --endpoint-url "$tls_url" --no-verify-ssl
	run -64 "$DDB" list-tables --prod --endpoint-url "$tls_url" --insecure
	run -64 "$DDB" list-tables --prod --endpoint-url "$tls_url" -k
	# local mode verifies too
	run -69 "$DDB" list-tables --endpoint-url "$tls_url" --max-attempts 1
	# the only way: trust that certificate explicitly
	AWS_CA_BUNDLE=$d/cert.pem run -0 "$DDB" list-tables --prod --endpoint-url "$tls_url" -o json
	json_eq "$output" '["over-tls"]'
	# a CA bundle that is missing, a folder or not PEM never means "verify nothing": refused, nothing sent
	AWS_CA_BUNDLE=$d/missing.pem run -78 "$DDB" list-tables --prod --endpoint-url "$tls_url"
	assert_output "ddb: list-tables: AWS_CA_BUNDLE='$d/missing.pem': No such file or directory (TLS certificates are always verified: point it at a readable PEM file, or unset it to use the system's CAs)"
	AWS_CA_BUNDLE=$d run -78 "$DDB" list-tables --prod --endpoint-url "$tls_url"
	assert_output --partial "AWS_CA_BUNDLE='$d': not a file"
	AWS_CA_BUNDLE=$d/missing.pem run -78 "$DDB" list-tables --endpoint-url "$tls_url"
	echo 'not a certificate' >"$d/junk.pem"
	AWS_CA_BUNDLE=$d/junk.pem run -69 "$DDB" list-tables --prod --endpoint-url "$tls_url"
	assert_output --partial "TLS failure"
	refute_output --partial "over-tls"
	kill "$tls_pid"
}

# ---- the credentials file's permissions ----------------------------------------------------------------------------

@test "prod safety: a warning when ~/.aws/credentials is readable by group or others; none at 600" {
	unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY
	mkdir -p "$HOME/.aws"
	printf '[default]\naws_access_key_id = AKIDFILE\naws_secret_access_key = file-secret\n' >"$HOME/.aws/credentials"
	chmod 644 "$HOME/.aws/credentials"
	run -0 "$DDB" list-tables --prod --endpoint-url "$DDB_TEST_LOCAL_URL" --namespace "$ns"
	assert_output --partial "warning: $HOME/.aws/credentials is readable by others: chmod 600 it"
	chmod 640 "$HOME/.aws/credentials"
	run -0 "$DDB" list-tables --prod --endpoint-url "$DDB_TEST_LOCAL_URL" --namespace "$ns"
	assert_output --partial "is readable by its group: chmod 600 it"
	# the warning is not silenced by --quiet
	run -0 "$DDB" list-tables --prod --endpoint-url "$DDB_TEST_LOCAL_URL" --namespace "$ns" -q
	assert_output --partial "readable by its group"
	chmod 600 "$HOME/.aws/credentials"
	run -0 "$DDB" list-tables --prod --endpoint-url "$DDB_TEST_LOCAL_URL" --namespace "$ns"
	refute_output --partial "warning"
	# AWS_SHARED_CREDENTIALS_FILE is checked the same way
	cp "$HOME/.aws/credentials" "$d/creds"
	chmod 604 "$d/creds"
	AWS_SHARED_CREDENTIALS_FILE=$d/creds run -0 "$DDB" list-tables --prod --endpoint-url "$DDB_TEST_LOCAL_URL" --namespace "$ns"
	assert_output --partial "$d/creds is readable by others"
}
